#!/usr/bin/python3
"""src/ uses only the printf conversions src/base/fmt.h supports.

gcc's format attribute on fmt_printf and friends checks arguments against
C's printf, which knows more conversions than fmt implements (it copies an
unsupported one to the output as written). This reads every string literal
of src/ (comments left out) and fails on a conversion specification outside
fmt.h's list; a planted "%e", "%p", "%#x" and "%Lg" show it can fail.
It also fails on a call of the C library's printf family, qsort or strstr
in src/: fmt, sort and str_find replace them, and one such call would link
the library's version back into the binary.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import tap  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# C99 7.19.6.1's grammar, and the subset fmt.h supports.
SPEC = re.compile(r"%([-+ #0]*)(\*|[0-9]+)?(\.(\*|[0-9]*))?(hh|h|ll|l|z|j|t|L|q)?(.)")
FLAGS_OK = set("-+ 0")
CONV_OK = {"d", "i", "u", "x", "X", "c", "s", "g", "f", "%"}
INT_CONV = {"d", "i", "u", "x", "X"}

# String literals with a '%' that are never formats, each with its use.
NOT_FORMATS = {
    "!#$%&'*+-.^_`|~",  # src/net/http.c: RFC 9110 token characters, for strchr
}

TOKEN = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def literals(text):
    """The string literals of C source text, comments skipped."""
    for m in TOKEN.finditer(text):
        t = m.group(0)
        if t.startswith('"'):
            yield t[1:-1]


def bad_specs(s):
    """The conversion specifications of s that fmt does not support."""
    bad = []
    for m in SPEC.finditer(s):
        flags, _, _, _, length, conv = m.groups()
        if (set(flags) - FLAGS_OK or conv not in CONV_OK or
                (length and conv not in INT_CONV) or (conv == "%" and m.group(0) != "%%")):
            bad.append(m.group(0))
    return bad


def scan(files):
    found = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for lit in literals(text):
            if lit in NOT_FORMATS:
                continue
            for spec in bad_specs(lit):
                found.append("%s: %s in \"%s\"" % (os.path.relpath(path, ROOT), spec, lit[:60]))
    return found


# Calls that bring a replaced C library function back (C text, comments and
# strings left out).
LIBC_CALL = re.compile(r"(?<![\w.>])(printf|fprintf|sprintf|snprintf|vprintf|vfprintf|vsprintf|"
                       r"vsnprintf|qsort|strstr)\s*\(")


def libc_calls(text):
    """The replaced C library functions text calls."""
    return [m.group(1) for m in LIBC_CALL.finditer(TOKEN.sub(" ", text))]


def main():
    files = []
    for d, _, names in os.walk(os.path.join(ROOT, "src")):
        files += [os.path.join(d, n) for n in sorted(names) if n.endswith((".c", ".h"))]
    tap.ok(len(files) > 50, "src/ read (%d files)" % len(files))
    found = scan(files)
    tap.ok(not found, "every conversion in src/ is one fmt.h supports", "\n".join(found))

    calls = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            calls += ["%s: %s" % (os.path.relpath(path, ROOT), c) for c in libc_calls(f.read())]
    tap.ok(not calls, "src/ calls no printf, qsort or strstr of the C library", "\n".join(calls))
    tap.eq(libc_calls('x = snprintf(b, n, "%d", 1); qsort(a, n, 1, c); /* printf() */'),
           ["snprintf", "qsort"], "a planted snprintf and qsort are found, comments skipped")
    tap.eq(libc_calls('fmt_snprintf(b, n, "printf(x)"); s.printf(1); str_find(a, b);'), [],
           "fmt_snprintf, a string and a member are not such calls")

    for planted in ("%e", "%p", "%#x", "%Lg", "%lc", "%5%"):
        got = bad_specs("value " + planted + " and %s")
        tap.eq(got, [planted], "a planted %s is found" % planted)
    tap.eq(bad_specs("%-12s %.*s %02x %04x %zu %llu %+d % d %.17g %.2f %%"), [],
           "the supported forms pass")
    tap.eq(list(literals('/* "%e" */ x("%d"); // "%p"\n')), ["%d"],
           "comments are not read")
    tap.done()


main()
