#!/bin/sh
# Install the Debian 12 packages that building and testing notify53 need.
# Runs apt-get as root, or through sudo for other users. Idempotent.
set -eu
pkgs="
make gcc libc6-dev musl-tools git ca-certificates patch xz-utils file
clang libclang-rt-14-dev valgrind
gcc-mips-linux-gnu libc6-dev-mips-cross gcc-mipsel-linux-gnu gcc-mips64-linux-gnuabi64
gcc-arm-linux-gnueabihf gcc-arm-linux-gnueabi gcc-aarch64-linux-gnu
gcc-i686-linux-gnu gcc-riscv64-linux-gnu
qemu-user-static
bind9 bind9-utils bind9-dnsutils knot-dnsutils
python3 python3-dnspython python3-botocore python3-boto3 openssl tinyproxy-bin
procps iproute2 busybox
systemd man-db mandoc lintian adduser strace
"
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
[ "${NOTIFY53_APT_UPDATED:-}" = 1 ] || $sudo apt-get update -q
# Installing bind9 would start a system named with Debian's default
# configuration, which primes the root and fetches trust anchors from the
# Internet. The tests start their own loopback-only named, so the package's
# service is kept from starting (Debian's policy-rc.d mechanism) while it
# is installed.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
	own_policy=1
fi
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing || rc=$?
[ -z "$own_policy" ] || $sudo rm -f "$policy"
exit "${rc:-0}"
