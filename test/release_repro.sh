#!/bin/sh
# Reproducible release builds (make release-repro): the committed tree is
# cloned into another directory (another path, of another length) and the
# release binaries of the given targets are built there from scratch,
# toolchain included; each must be byte for byte the one built here.
#
#   test/release_repro.sh ARCH...   (make release-repro: one ARCH per test)
#
# Both builds take the build time from the commit (BUILD_EPOCH) and map
# their source directory away (-ffile-prefix-map): nothing else may differ.
# The clone gets this tree's third_party/src (the same pinned sources a
# fetch would give). The binaries here must be built from HEAD.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
other=$tmp/elsewhere/notify53-repro
mkdir -p "$(dirname "$other")"

if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	echo "# the tree has uncommitted changes: the clone builds HEAD, not them"
fi
git clone -q "$PWD" "$other"
cp -a third_party/src "$other/third_party/"

for arch in "$@"; do
	bin=build/release/$arch/notify53-stripped
	tap_ok "$arch: built here" test -f "$bin"
	make -C "$other" -j2 release-build ARCH="$arch" >"$tmp/$arch.log" 2>&1
	rc=$?
	tap_ok "$arch: built again in $other" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || tail -n 10 "$tmp/$arch.log" | sed 's/^/#   /'
	tap_is "$arch: the same bytes (SHA-256)" \
		"$(sha256sum <"$other/$bin" 2>/dev/null | cut -d' ' -f1)" \
		"$(sha256sum <"$bin" | cut -d' ' -f1)"
	tap_ok "$arch: no build directory named in it" \
		sh -c "! grep -qF -e '$PWD' -e '$other' '$bin'"
done
tap_done
