#!/bin/sh
# The release targets (make release), by the names router owners look up:
# Debian's cross compiler for each, the flags that pick its ABI, the flags
# that make our code small there, where its compiler support routines come
# from, and the qemu-user emulator and CPU model that run its binaries.
#
#   tools/cross.sh list [FIELD VALUE]   the targets (whose FIELD is VALUE)
#   tools/cross.sh native               this machine's target, if its gcc is here
#   tools/cross.sh FIELD ARCH           one field of a target:
#     triplet   Debian's cross toolchain prefix (gcc-TRIPLET package)
#     abi       flags for every object: musl, the support routines, ours
#     code      flags for notify53's own objects (BearSSL, cJSON, src/)
#     ld        flags for the linker
#     rtlib     libgcc (the cross gcc's own) or compiler-rt (built from source)
#     qemu      the emulator binary (qemu-user-static)
#     cpu       the CPU model qemu runs it on: the oldest the target promises,
#               so an instruction it lacks dies with SIGILL as on the device
#     check     fails with a message when the compiler or emulator is missing
#
# Why each choice (sizes: stripped release binary):
# - MIPS (mips, mipsel, mips64) is soft-float: router CPUs have no FPU and
#   OpenWrt uses that ABI (its ath79, ramips and octeon targets list no "fpu"
#   feature); its kernels lack the FPU emulator, so a hard-float binary dies
#   with SIGILL at its first floating-point instruction. Debian's MIPS cross
#   compilers ship only a hard-float libgcc, whose soft-float routines
#   (__adddf3...) use the FPU: compiler-rt's builtins, compiled soft-float,
#   replace it. qemu's 24Kc and 5KEc models have no FPU, as the routers.
#   Static binaries need no position-independent code: -mno-abicalls (11%).
# - mips and mipsel are MIPS32r2 (24Kc, 74Kc, 1004Kc). Our code is MIPS16e,
#   as OpenWrt builds its packages with CONFIG_USE_MIPS16 (-mips16
#   -minterlink-mips16): 22% smaller.
# - mips64 is MIPS64r2 n64 (Octeon), which has no compressed instruction
#   set. -msym32 (symbols below 2 GB, so the binary is linked at 256 MB)
#   loads an address in 2 instructions instead of 6: 7% smaller.
# - i386 is an i486 baseline. Debian's i686 libgcc uses cmov (i686), so it is
#   replaced by compiler-rt built for the i486 too; BearSSL's RDRAND seeder
#   (an instruction no i486 has, and cmov) is left out: its seeds come from
#   /dev/urandom, as on every CPU without RDRAND. qemu's 486 model has no
#   cmov.
# - aarch64: -mcmodel=tiny (the binary with its zero-filled data within 1 MB,
#   addresses in 1 instruction instead of 2): 3% smaller. A binary outgrowing
#   it fails to link ("relocation truncated to fit").
# - armv7 is hard-float EABI (VFPv3-D16, as Debian's armhf; Cortex-A7/A9/A15,
#   Krait) and armv5 soft-float EABI (ARM926EJ-S, as Debian's armel). Our
#   code is Thumb there (Thumb-2 on armv7, Thumb on armv5): 22% and 18%
#   smaller than ARM code.
set -eu

all="x86_64 i386 aarch64 armv7 armv5 mips mipsel mips64 riscv64"

target() {
	rtlib=libgcc code= ld=
	case "$1" in
	x86_64) triplet=x86_64-linux-gnu abi= qemu=qemu-x86_64-static cpu=qemu64 ;;
	i386) triplet=i686-linux-gnu abi="-march=i486 -mtune=generic" code=-DBR_RDRAND=0 \
		rtlib=compiler-rt qemu=qemu-i386-static cpu=486 ;;
	aarch64) triplet=aarch64-linux-gnu abi=-mcmodel=tiny qemu=qemu-aarch64-static cpu=cortex-a53 ;;
	armv7) triplet=arm-linux-gnueabihf abi="-march=armv7-a+fp -mfloat-abi=hard" code=-mthumb \
		qemu=qemu-arm-static cpu=cortex-a7 ;;
	armv5) triplet=arm-linux-gnueabi abi="-march=armv5te -mfloat-abi=soft" code=-mthumb \
		qemu=qemu-arm-static cpu=arm926 ;;
	mips | mipsel) triplet=$1-linux-gnu abi="-march=mips32r2 -msoft-float -mno-abicalls" \
		rtlib=compiler-rt code="-mips16 -minterlink-mips16" qemu=qemu-$1-static cpu=24Kc ;;
	mips64) triplet=mips64-linux-gnuabi64 \
		abi="-march=mips64r2 -mabi=64 -msoft-float -mno-abicalls -msym32" \
		ld=-Ttext-segment=0x10000000 rtlib=compiler-rt qemu=qemu-mips64-static cpu=5KEc ;;
	riscv64) triplet=riscv64-linux-gnu abi= qemu=qemu-riscv64-static cpu=rv64 ;;
	*) echo "unknown ARCH '$1': use one of: $all" >&2; exit 1 ;;
	esac
}

field() {
	case "$1" in
	triplet) echo "$triplet" ;;
	abi) echo "$abi" ;;
	code) echo "$code" ;;
	ld) echo "$ld" ;;
	rtlib) echo "$rtlib" ;;
	qemu) echo "$qemu" ;;
	cpu) echo "$cpu" ;;
	*) echo "usage: tools/cross.sh list [FIELD VALUE] | FIELD ARCH | check ARCH" >&2; exit 1 ;;
	esac
}

case "${1:-}" in
list)
	for a in $all; do
		target "$a"
		[ $# -lt 3 ] || [ "$(field "$2")" = "$3" ] || continue
		echo "$a"
	done
	;;
native)
	# The target of this machine, when its compiler is installed: the
	# toolchain of the native build (Makefile).
	case "$(uname -m)" in
	x86_64) a=x86_64 ;;
	aarch64) a=aarch64 ;;
	i?86) a=i386 ;;
	riscv64) a=riscv64 ;;
	*) exit 0 ;;
	esac
	target "$a"
	if command -v "$triplet-gcc" >/dev/null 2>&1; then echo "$a"; fi
	;;
check)
	target "${2:-}"
	command -v "$triplet-gcc" >/dev/null 2>&1 ||
		{ echo "$triplet-gcc not found: apt-get install gcc-$triplet" >&2; exit 1; }
	command -v "$qemu" >/dev/null 2>&1 ||
		{ echo "$qemu not found: apt-get install qemu-user-static" >&2; exit 1; }
	;;
*)
	target "${2:-}"
	field "${1:-}"
	;;
esac
