#!/bin/sh
# Fetch one pinned Debian source package and unpack it for the build.
#
#   third_party/fetch.sh PKG ORIG_FILE SHA256 OUTDIR DEBIAN_FILE DEBIAN_SHA256 [SUBDIR]
#
# With SUBDIR, only that directory of the upstream tree is unpacked into
# OUTDIR (compiler-rt's builtins out of the whole LLVM tree), and only the
# Debian patches that touch it are applied; a patch that touches it and
# files outside it cannot be applied to the part and stops the fetch.
# The system's apt setup is never modified: a private apt configuration (own
# sources list, lists and cache directories under third_party/.apt/) is derived
# from the machine's Debian "deb" sources by turning them into "deb-src"
# entries, so no mirror host name is written anywhere in the repository.
# The upstream tarball is checked against SHA256 before it is unpacked; Debian's
# patches (debian/patches/series) are applied on top, from the packaging
# tarball DEBIAN_FILE, checked against DEBIAN_SHA256 (a new Debian revision
# is reviewed and pinned like a new upstream version). OUTDIR appears only when
# everything succeeded, so a failed fetch never leaves a tree that looks valid.
# Several fetches may run at once (make -j): they share third_party/.apt/ (one
# apt-get update for all), so each holds a lock on it while it uses apt.
set -eu

pkg=$1 orig=$2 sum=$3 out=$4 debfile=${5:-} debsum=${6:-} sub=${7:-}
var=$(basename "$out" | tr 'a-z-' 'A-Z_')_SRC
here=$(cd "$(dirname "$0")" && pwd)
apt=$here/.apt

die() {
	echo "third_party: $pkg: $*" >&2
	exit 1
}

for tool in apt-get sha256sum tar xz patch flock; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "'$tool' not found: install it (apt-get install apt coreutils tar xz-utils patch util-linux) or set $var=dir"
done

# Derive deb-src entries from the Debian "deb" entries of this machine, both
# one-line (sources.list, *.list) and deb822 (*.sources) formats. Only sources
# whose URI path names Debian are used: third-party repositories rarely carry
# source indexes and would make the update fail.
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
exec 9>"$apt/lock"
flock 9
: >"$apt/sources.list"
: >"$apt/sources.sources"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -r "$f" ] || continue
	sed -n 's/^[[:space:]]*deb[[:space:]]\(.*\/debian[^[:space:]]*[[:space:]].*\)$/deb-src \1/p' "$f" >>"$apt/sources.list"
done
for f in /etc/apt/sources.list.d/*.sources; do
	[ -r "$f" ] || continue
	awk 'BEGIN { RS = ""; ORS = "\n\n" }
	/(^|\n)URIs:[^\n]*\/debian/ && /(^|\n)Types:[^\n]*deb/ {
		sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print
	}' "$f" >>"$apt/sources.sources"
done
[ -s "$apt/sources.list" ] || [ -s "$apt/sources.sources" ] ||
	die "no Debian source found in /etc/apt to derive a deb-src entry from; set $var=dir to an unpacked $pkg source tree"

# The deb822 file must end in .sources to be parsed as such: give apt a parts dir.
mkdir -p "$apt/sources.list.d"
cp "$apt/sources.sources" "$apt/sources.list.d/debian-src.sources"

aptget() {
	apt-get -q \
		-o Dir::Etc::SourceList="$apt/sources.list" \
		-o Dir::Etc::SourceParts="$apt/sources.list.d" \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt/cache" \
		-o Debug::NoLocking=1 \
		-o APT::Sandbox::User="$(id -un)" \
		"$@"
}

if [ ! -f "$apt/updated" ]; then
	aptget update >"$apt/update.log" 2>&1 ||
		die "apt-get update of the private deb-src configuration failed (no network to the archive?): see $apt/update.log, or set $var=dir"
	touch "$apt/updated"
fi

rm -rf "$apt/dl/$pkg"
mkdir -p "$apt/dl/$pkg"
(cd "$apt/dl/$pkg" && aptget --download-only source "$pkg") >"$apt/dl/$pkg.log" 2>&1 ||
	die "apt-get source failed (see $apt/dl/$pkg.log); check network access to the Debian archive or set $var=dir"
# apt is done with: other fetches may use it while this one unpacks.
exec 9>&-

tarball=$apt/dl/$pkg/$orig
if [ ! -f "$tarball" ]; then
	found=$(cd "$apt/dl/$pkg" && ls *.orig.tar.* 2>/dev/null | tr '\n' ' ')
	die "pinned upstream $orig is no longer in the archive (it offers: ${found:-nothing}); review the new version and update third_party/versions.mk, or set $var=dir"
fi
got=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$got" = "$sum" ] ||
	die "checksum mismatch for $orig: got $got, want $sum; refusing to build from it"
[ -n "$debfile" ] && [ -n "$debsum" ] ||
	die "no pinned Debian packaging tarball (the _DEBIAN and _DEBIAN_SHA256 pins of $pkg in third_party/versions.mk)"
deb=$apt/dl/$pkg/$debfile
if [ ! -f "$deb" ]; then
	found=$(cd "$apt/dl/$pkg" && ls *.debian.tar.* 2>/dev/null | tr '\n' ' ')
	die "pinned Debian revision $debfile is no longer in the archive (it offers: ${found:-nothing}); review its patches and update third_party/versions.mk, or set $var=dir"
fi
got=$(sha256sum "$deb" | cut -d' ' -f1)
[ "$got" = "$debsum" ] ||
	die "checksum mismatch for $debfile: got $got, want $debsum; refusing to apply its patches"

tmp=$out.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
if [ -n "$sub" ]; then
	tar -C "$tmp" -xf "$tarball" --wildcards "*/$sub/*"
else
	tar -C "$tmp" -xf "$tarball"
fi
top=$(ls "$tmp")
[ "$(echo "$top" | wc -l)" -eq 1 ] && [ -d "$tmp/$top/$sub" ] ||
	die "unexpected layout in $orig${sub:+ (no $sub)}"
mkdir "$tmp/deb"
tar -C "$tmp/deb" -xf "$deb"
series=$tmp/deb/debian/patches/series
if [ -f "$series" ]; then
	grep -v '^[[:space:]]*\(#\|$\)' "$series" | while read -r p _; do
		pf=$tmp/deb/debian/patches/$p
		if [ -n "$sub" ]; then
			# The files a patch changes, as "+++ dir/path" lines.
			files=$(sed -n 's/^+++ [^/]*\/\([^[:space:]]*\).*/\1/p' "$pf")
			inside=$(echo "$files" | grep -c "^$sub/" || true)
			[ "$inside" -gt 0 ] || continue
			[ "$inside" -eq "$(echo "$files" | grep -c .)" ] ||
				die "Debian patch $p changes $sub and files outside it: unpack the whole tree"
		fi
		patch -s -p1 -d "$tmp/$top" <"$pf" ||
			die "Debian patch $p does not apply"
	done
fi
rm -rf "$out"
mv "$tmp/$top/$sub" "$out"
echo "third_party: $pkg: $orig and $debfile verified, ${sub:+its $sub }unpacked into $out"
