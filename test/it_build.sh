#!/bin/sh
# The build machinery of issue 2: the static binary, what it reports, the
# third-party recipe's refusals (missing compiler, checksum mismatch, a
# pinned version gone, a bad source override), and that no upstream source
# is tracked in git.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s notify53 >"$tmp/make.log" 2>&1
tap_ok "make builds ./notify53" test -x notify53
tap_ok "file calls it statically linked" sh -c 'file notify53 | grep -q "statically linked"'
tap_ok "it is stripped" sh -c 'file notify53 | grep -q ", stripped"'
./notify53 version >"$tmp/version" 2>&1
tap_ok "notify53 version runs" test $? -eq 0
tap_ok "version names BearSSL and cJSON" \
	sh -c "grep -qx 'bearssl 0.6+dfsg.1' '$tmp/version' && grep -qx 'cjson 1.7.15' '$tmp/version'"
tap_ok "version prints compiled-in options from config.h" grep -q '^  DNS_MAX_MSG=65535$' "$tmp/version"

# A -D override is what the option table holds (the table is compiled from
# config.h with the user's CPPFLAGS, so version prints the value in force).
# CFLAGS without -flto: the object must hold the table, not LTO bytecode.
make -s O="$tmp/o" CC=gcc STATIC=0 CFLAGS=-Os CPPFLAGS=-DLOOP_MAX_FDS=99 "$tmp/o/options.o" >/dev/null 2>&1
tap_ok "an option overridden with CPPFLAGS is the compiled value" \
	sh -c "strings -n 2 '$tmp/o/options.o' | grep -A1 -x LOOP_MAX_FDS | grep -qx 99"

# Without musl-gcc: one line naming the package, nothing built.
mkdir "$tmp/bin"
for f in /usr/bin/* /bin/*; do
	case "$(basename "$f")" in musl-gcc) continue ;; esac
	[ -e "$tmp/bin/$(basename "$f")" ] || ln -s "$f" "$tmp/bin/$(basename "$f")"
done
PATH=$tmp/bin make O="$tmp/nomusl" "$tmp/nomusl/notify53" >"$tmp/nomusl.log" 2>&1
rc=$?
tap_ok "no musl-gcc: the build stops" test "$rc" -ne 0
tap_ok "no musl-gcc: the message names musl-tools" grep -q 'musl-gcc not found: apt-get install musl-tools' "$tmp/nomusl.log"
tap_ok "no musl-gcc: no binary left behind" test ! -e "$tmp/nomusl/notify53"

# A source override that is not a source tree.
make O="$tmp/badsrc" CC=gcc STATIC=0 BEARSSL_SRC="$tmp/none" "$tmp/badsrc/notify53" >"$tmp/badsrc.log" 2>&1
tap_ok "BEARSSL_SRC without BearSSL: refused with a message" \
	grep -q "BEARSSL_SRC=$tmp/none has no inc/bearssl.h" "$tmp/badsrc.log"

# The recipe itself: a checksum mismatch and a pinned version that is gone
# both refuse, and leave no unpacked tree behind.
sh third_party/fetch.sh cjson cjson_1.7.15.orig.tar.gz \
	0000000000000000000000000000000000000000000000000000000000000000 "$tmp/cj" >"$tmp/sum.log" 2>&1
rc=$?
tap_ok "checksum mismatch: refused" test "$rc" -ne 0
tap_ok "checksum mismatch: one-line message" sh -c "grep -c 'checksum mismatch for cjson_1.7.15.orig.tar.gz' '$tmp/sum.log' | grep -qx 1"
tap_ok "checksum mismatch: nothing unpacked" test ! -e "$tmp/cj"
sh third_party/fetch.sh cjson cjson_0.0.1.orig.tar.gz 00 "$tmp/cj" >"$tmp/gone.log" 2>&1
rc=$?
tap_ok "pinned version gone: refused" test "$rc" -ne 0
tap_ok "pinned version gone: says what to do" grep -q 'is no longer in the archive.*update third_party/versions.mk' "$tmp/gone.log"
tap_ok "the private apt setup names no mirror in the repository" \
	sh -c '! git grep -qiE "https?://|debian\.org" -- third_party'

# make -j2 on a fresh clone: both fetches start at once on a new
# third_party/.apt; each must get its source (they share one apt setup).
git clone -q "$PWD" "$tmp/clone" 2>"$tmp/clone.log"
make -C "$tmp/clone" -j2 third_party/src/bearssl/inc/bearssl.h third_party/src/cjson/cJSON.h \
	>"$tmp/j2.log" 2>&1
rc=$?
tap_ok "make -j2 on a fresh clone: both sources fetched at once" \
	sh -c "[ $rc -eq 0 ] && [ -f '$tmp/clone/third_party/src/bearssl/inc/bearssl.h' ] && [ -f '$tmp/clone/third_party/src/cjson/cJSON.h' ]"
[ "$rc" -eq 0 ] || tail -n 5 "$tmp/j2.log" | sed 's/^/#   /'

# No upstream file is tracked: only the recipe.
tap_is "git tracks only the recipe in third_party" \
	"$(git ls-files third_party | tr '\n' ' ')" "third_party/bearssl.mk third_party/builtins.mk third_party/fetch.sh third_party/toolchain.mk third_party/toolchain.sh third_party/versions.mk "
tap_done
