#!/bin/sh
# Debian's cross toolchains and qemu-user emulators, by notify53's ARCH names.
#   tools/cross.sh cc|ar|qemu|check ARCH
# MIPS is big-endian, which is why it is the default cross target of
# `make check`: byte-order bugs show up there.
set -eu
what=$1 arch=$2
case "$arch" in
mips) triplet=mips-linux-gnu qemu=qemu-mips-static ;;
armhf) triplet=arm-linux-gnueabihf qemu=qemu-arm-static ;;
aarch64) triplet=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
*) echo "unknown ARCH '$arch': use mips, armhf or aarch64" >&2; exit 1 ;;
esac
case "$what" in
cc) echo "$triplet-gcc" ;;
ar) echo "$triplet-ar" ;;
qemu) echo "$qemu" ;;
check)
	command -v "$triplet-gcc" >/dev/null 2>&1 ||
		{ echo "$triplet-gcc not found: apt-get install gcc-$triplet" >&2; exit 1; }
	command -v "$qemu" >/dev/null 2>&1 ||
		{ echo "$qemu not found: apt-get install qemu-user-static" >&2; exit 1; }
	;;
*) echo "usage: tools/cross.sh cc|ar|qemu|check ARCH" >&2; exit 1 ;;
esac
