#!/bin/sh
# A static musl toolchain for one release target, from source, with Debian's
# cross compiler (tools/cross.sh names it and the target's flags):
#
#   third_party/toolchain.sh ARCH OUTDIR MUSL_SRC COMPILER_RT_BUILTINS_SRC
#
# OUTDIR/sysroot    musl built for the target (headers, libc.a, crt*.o)
# OUTDIR/rt         compiler-rt's builtins, for targets whose Debian libgcc
#                   does not fit (tools/cross.sh rtlib)
# OUTDIR/musl.specs gcc specs: musl's headers and start files instead of
#                   glibc's, the support library chosen for the target,
#                   static links only
# OUTDIR/bin/musl-gcc
#                   the compiler the release build uses: the cross gcc with
#                   the target's flags and the specs, as musl's own musl-gcc
#                   wrapper does for the native compiler
# OUTDIR/bin/run    runs a program of the target under qemu-user on the
#                   target's CPU model: run PROGRAM ARGS...
#
# Paths of the source tree are mapped away (-ffile-prefix-map), so nothing
# built with it names the directory it was built in. OUTDIR/bin/musl-gcc
# appears last: a failed build leaves no compiler that looks valid.
set -eu

arch=$1 out=$2 musl=$3 rt=$4
root=$(pwd)
make=${MAKE:-make}
cross() { sh "$root/tools/cross.sh" "$1" "$arch"; }

sh "$root/tools/cross.sh" check "$arch"
triplet=$(cross triplet) abi=$(cross abi) code=$(cross code) ld=$(cross ld) rtlib=$(cross rtlib)
qemu=$(cross qemu) cpu=$(cross cpu)
cc=$triplet-gcc
map="-ffile-prefix-map=$root/="
# Static links only: no position-independent code (Debian's gcc defaults to
# PIE), in musl and compiler-rt as in ours (the Makefile's -fno-pie).
nopie=-fno-pie
[ -f "$musl/configure" ] || { echo "$musl has no configure: point MUSL_SRC at a musl source tree" >&2; exit 1; }
case "$out" in /*) ;; *) out=$root/$out ;; esac
case "$musl" in /*) ;; *) musl=$root/$musl ;; esac

# make -n runs this script (a recursive make line) to show what it would
# do: say it, change nothing.
MAKEFLAGS=${MAKEFLAGS:-}
case "${MAKEFLAGS%% *}" in
-*) ;;
*n*) echo "third_party/toolchain.sh: would build $out/bin/musl-gcc for $arch"; exit 0 ;;
esac
# Variables given on our make's command line (ARCH=..., CC=...) must not
# reach musl's or compiler-rt's make: keep only the flags (-j, jobserver).
case "$MAKEFLAGS" in
"-- "*) MAKEFLAGS= ;;
*) MAKEFLAGS=${MAKEFLAGS%% -- *} ;;
esac
export MAKEFLAGS

rm -rf "$out"
mkdir -p "$out/musl" "$out/bin"

# musl: the static library and the start files of a static non-PIE binary,
# every part optimised for size. Its malloc is musl's older one
# (oldmalloc, the default before musl 1.2.1): 3.3 KB smaller than mallocng,
# with the same peak memory in make bench's full syncs of 10,000 and
# 100,000 sets (2.2 and 11.9 MB). What mallocng adds is detection of heap
# corruption by the program; ours is checked by ASan, UBSan and valgrind in
# make check and under the fuzzers instead.
(
	cd "$out/musl"
	"$musl/configure" --target="$triplet" --prefix= --disable-shared --disable-wrapper \
		--enable-optimize=size --with-malloc=oldmalloc CC="$cc" CFLAGS="$abi $nopie $map" >configure.log 2>&1 ||
		{ tail -n 20 configure.log >&2; exit 1; }
	grep '^SUBARCH' config.mak | sed "s/^/toolchain: $arch: musl /"
	$make -s CC="$cc" CFLAGS="$abi $nopie $map" CPPFLAGS= LDFLAGS= AR="$triplet-ar" \
		RANLIB="$triplet-ranlib" DESTDIR="$out/sysroot" install-headers \
		"$out/sysroot/lib/libc.a" "$out/sysroot/lib/crt1.o" "$out/sysroot/lib/crti.o" \
		"$out/sysroot/lib/crtn.o" >build.log 2>&1 ||
		{ tail -n 20 build.log >&2; exit 1; }
)

for f in libc.a crt1.o crti.o crtn.o; do
	[ -f "$out/sysroot/lib/$f" ] || { echo "toolchain: $arch: musl built no $f" >&2; exit 1; }
done

gccinc=$($cc -print-file-name=include)
case "$rtlib" in
compiler-rt)
	[ -f "$rt/CMakeLists.txt" ] || { echo "$rt is not compiler-rt's lib/builtins: point COMPILER_RT_BUILTINS_SRC at one" >&2; exit 1; }
	$make -s -f "$root/third_party/builtins.mk" SRC="$rt" OUT="$out/rt" AR="$triplet-ar" \
		CC="$cc $abi $nopie $map -nostdinc -isystem $out/sysroot/include -isystem $gccinc"
	libgcc=$out/rt/libcompiler_rt.a
	;;
libgcc) libgcc='libgcc.a%s' ;;
*) echo "tools/cross.sh: unknown rtlib '$rtlib'" >&2; exit 1 ;;
esac

# As musl's tools/musl-gcc.specs.sh, without gcc's crtbegin/crtend (C needs
# neither: constructors are .init_array, no unwinding; on MIPS they are
# hard-float objects) and without a dynamic linker.
cat >"$out/musl.specs" <<EOF
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $out/sysroot/include -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $out/sysroot/include -isystem include%s

*link_libgcc:
-L$out/sysroot/lib

*libgcc:
$libgcc

*startfile:
$out/sysroot/lib/crt1.o $out/sysroot/lib/crti.o

*endfile:
$out/sysroot/lib/crtn.o

*link:
%{!static:%e$out/bin/musl-gcc links static binaries only: add -static} -nostdlib -static $ld

EOF

cat >"$out/bin/run" <<EOF
#!/bin/sh
# Runs a $arch program under qemu-user (third_party/toolchain.sh).
exec $qemu -cpu $cpu "\$@"
EOF
chmod +x "$out/bin/run"

cat >"$out/bin/musl-gcc.tmp" <<EOF
#!/bin/sh
# notify53's compiler for $arch (third_party/toolchain.sh): $cc with musl.
exec $cc $abi $code $map "\$@" -specs "$out/musl.specs"
EOF
chmod +x "$out/bin/musl-gcc.tmp"
mv "$out/bin/musl-gcc.tmp" "$out/bin/musl-gcc"
echo "toolchain: $arch: $out/bin/musl-gcc ($cc $abi $code, $rtlib)"
