#!/bin/sh
# Reproducible release builds: the source tree is copied into another
# directory (another path, of another length) and the release binary of
# each given target is built there from scratch, toolchain included; it must
# be byte for byte the one built here.
#
#   test/release_repro.sh EPOCH ARCH...   (make release-repro, make check)
#
# EPOCH is the build time this tree's binaries carry (the Makefile's
# BUILD_EPOCH: SOURCE_DATE_EPOCH or the commit's time); the copy, which has
# no git history, is given it as SOURCE_DATE_EPOCH. Both builds map their
# source directory away (-ffile-prefix-map): nothing else may differ. The
# copy holds the files git tracks or would track (uncommitted changes
# included) and this tree's third_party/src (the pinned sources a fetch
# would give).
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

epoch=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
other=$tmp/elsewhere/notify53-repro
mkdir -p "$other"

git ls-files -co --exclude-standard | while read -r f; do [ -e "$f" ] && echo "$f"; done |
	tar -cf - -T - | tar -C "$other" -xf -
cp -a third_party/src "$other/third_party/"

for arch in "$@"; do
	bin=build/release/$arch/notify53-stripped
	tap_ok "$arch: built here" test -f "$bin"
	# A make of its own: nothing from the make that may have started us.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$other" -j2 release-build \
		ARCH="$arch" SOURCE_DATE_EPOCH="$epoch" >"$tmp/$arch.log" 2>&1
	rc=$?
	tap_ok "$arch: built again in $other" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || tail -n 10 "$tmp/$arch.log" | sed 's/^/#   /'
	tap_is "$arch: the same bytes (SHA-256)" \
		"$(sha256sum <"$other/$bin" 2>/dev/null | cut -d' ' -f1)" \
		"$(sha256sum <"$bin" | cut -d' ' -f1)"
	tap_ok "$arch: neither build directory named in it" \
		sh -c "! grep -qF -e '$PWD' -e '$other' '$bin'"
done
tap_done
