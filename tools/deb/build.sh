#!/bin/sh
# Build the Debian package of notify53 with dpkg-deb (`make deb`).
#
#   tools/deb/build.sh BINARY VERSION ARCH MAINTAINER EPOCH OUTDIR
#
# Files as Debian lays them out (Debian Policy 10.7 conffiles, 12.3
# copyright, 12.7 changelog): /usr/sbin/notify53, the systemd unit in
# /lib/systemd/system, the man page, /etc/notify53/config.json as a
# conffile (mode 600; postinst creates the notify53 user and gives it the
# file), and a lintian override for the static binary. Owners root, every time stamp EPOCH (SOURCE_DATE_EPOCH), so the
# same inputs give the same .deb. Prints the path of the package.
# The maintainer scripts drive the service as dh_installsystemd(1)
# --no-start would (Debian Policy 9.3): nothing started on a fresh install,
# a running daemon restarted by an upgrade (postinst), stopped by a
# removal (prerm).
set -eu

bin=$1 version=$2 arch=$3 maintainer=$4 epoch=$5 out=$6
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

[ -x "$bin" ] || { echo "tools/deb: $bin: no such executable" >&2; exit 1; }
[ -n "$arch" ] || { echo "tools/deb: no architecture (set DEB_ARCH)" >&2; exit 1; }

root=$out/root
rm -rf "$root"
mkdir -p "$out"
umask 022
install -d "$root/DEBIAN" "$root/usr/sbin" "$root/lib/systemd/system" \
	"$root/usr/share/man/man8" "$root/usr/share/doc/notify53" "$root/etc/notify53" \
	"$root/usr/share/lintian/overrides"
install -m 755 "$bin" "$root/usr/sbin/notify53"
install -m 644 "$top/tools/systemd/notify53.service" "$root/lib/systemd/system/notify53.service"
gzip -9n <"$top/doc/notify53.8" >"$root/usr/share/man/man8/notify53.8.gz"
install -m 600 "$top/tools/systemd/config.json" "$root/etc/notify53/config.json"
install -m 644 "$here/copyright" "$root/usr/share/doc/notify53/copyright"
install -m 644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/notify53"
date=$(LC_ALL=C date -u -R -d "@$epoch")
printf '%s\n' \
	"notify53 ($version) unstable; urgency=medium" \
	"" \
	"  * Built from the notify53 source tree." \
	"" \
	" -- $maintainer  $date" | gzip -9n >"$root/usr/share/doc/notify53/changelog.Debian.gz"
chmod 644 "$root/usr/share/man/man8/notify53.8.gz" "$root/usr/share/doc/notify53/changelog.Debian.gz"

install -m 755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
echo /etc/notify53/config.json >"$root/DEBIAN/conffiles"
chmod 644 "$root/DEBIAN/conffiles"
(cd "$root" && find usr lib -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
	-e "s|@SIZE@|$size|" "$here/control" >"$root/DEBIAN/control"
chmod 644 "$root/DEBIAN/control"

find "$root" -exec touch -h -d "@$epoch" {} +
deb=$out/notify53_${version}_$arch.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
