#!/bin/sh
# The build machinery: the static binary, what it reports, the
# third-party recipe's refusals (missing compiler, checksum mismatch of the
# upstream or the Debian tarball, a pinned version or revision gone, a bad
# source override), the trust anchors' fingerprints and when they are made
# again, and that no upstream source is tracked in git.
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

# The default compiler is the musl toolchain of this machine's release
# target (the Makefile says why), when its gcc is installed.
native=$(sh tools/cross.sh native)
if [ -n "$native" ]; then
	tap_ok "make's default CC is the $native release toolchain" sh -c \
		"make -s -p -n notify53 2>/dev/null | grep -qx 'CC := $PWD/build/toolchain/$native/bin/musl-gcc'"
fi

# Without that gcc and without musl-gcc: one line naming the package,
# nothing built.
mkdir "$tmp/bin"
for f in /usr/bin/* /bin/*; do
	case "$(basename "$f")" in musl-gcc | *-linux-gnu*-gcc) continue ;; esac
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
# The same for Debian's packaging tarball, whose patches are applied.
pin() { sed -n "s/^$1 *:= *//p" third_party/versions.mk; }
sh third_party/fetch.sh cjson "$(pin CJSON_ORIG)" "$(pin CJSON_SHA256)" "$tmp/cj" "$(pin CJSON_DEBIAN)" \
	0000000000000000000000000000000000000000000000000000000000000000 >"$tmp/debsum.log" 2>&1
rc=$?
tap_ok "Debian tarball checksum mismatch: refused, nothing unpacked" test "$rc" -ne 0 -a ! -e "$tmp/cj"
tap_ok "Debian tarball checksum mismatch: named" \
	grep -q "checksum mismatch for $(pin CJSON_DEBIAN): .*refusing to apply its patches" "$tmp/debsum.log"
sh third_party/fetch.sh cjson "$(pin CJSON_ORIG)" "$(pin CJSON_SHA256)" "$tmp/cj" \
	cjson_1.7.15-0.debian.tar.xz "$(pin CJSON_DEBIAN_SHA256)" >"$tmp/debgone.log" 2>&1
rc=$?
tap_ok "pinned Debian revision gone: refused, nothing unpacked" test "$rc" -ne 0 -a ! -e "$tmp/cj"
tap_ok "pinned Debian revision gone: says what to do" \
	grep -q 'revision cjson_1.7.15-0.debian.tar.xz is no longer in the archive.*update third_party/versions.mk' "$tmp/debgone.log"
tap_ok "the private apt setup names no mirror in the repository" \
	sh -c '! git grep -qiE "https?://|debian\.org" -- third_party'

# The trust anchors: each checked against its fingerprint; tls_anchors.c is
# made again when TA_DIR or one of its files changes, and only then.
ta=$tmp/ta
mkdir "$ta"
for f in $(sh tools/ta.sh --files); do
	cp "/usr/share/ca-certificates/mozilla/$f" "$ta/"
done
anchors() {
	make O="$tmp/ta-o" CC=gcc STATIC=0 "$@" "$tmp/ta-o/tls_anchors.c" >"$tmp/ta.log" 2>&1
	rc=$?
	grep -c '^sh tools/ta.sh ' "$tmp/ta.log"
}
anchors >/dev/null
tap_is "tls_anchors.c: not made again when nothing changed" "$(anchors)" 0
tap_is "tls_anchors.c: made again for another TA_DIR" "$(anchors TA_DIR="$ta")" 1
tap_is "... and not again for the same one" "$(anchors TA_DIR="$ta")" 0
touch -d '+1 minute' "$ta/Amazon_Root_CA_3.crt"
tap_is "tls_anchors.c: made again when an anchor file changes" "$(anchors TA_DIR="$ta")" 1
cp /usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt \
	"$ta/Starfield_Services_Root_Certificate_Authority_-_G2.crt"
anchors TA_DIR="$ta" >/dev/null
tap_ok "another certificate under an anchor's name: refused" test "$rc" -ne 0
tap_ok "... with both fingerprints named" grep -q \
	"Starfield_Services_Root_Certificate_Authority_-_G2.crt is not the expected certificate: SHA-256 [0-9a-f]\{64\}, want 568d6905" \
	"$tmp/ta.log"

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
