# Pinned third-party sources: Debian bookworm source packages.
# The upstream tarball of each is checked against the SHA-256 below before it
# is unpacked; Debian's own patches (debian/patches/series) are then applied.
# To move to a new version: fetch it, review the upstream diff, and record the
# new file name and checksum here in one commit.

BEARSSL_PKG     := bearssl
BEARSSL_VERSION := 0.6+dfsg.1
BEARSSL_ORIG    := bearssl_0.6+dfsg.1.orig.tar.xz
BEARSSL_SHA256  := 102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004

CJSON_PKG       := cjson
CJSON_VERSION   := 1.7.15
CJSON_ORIG      := cjson_1.7.15.orig.tar.gz
CJSON_SHA256    := 5308fd4bd90cef7aa060558514de6a1a4a0819974a26e6ed13973c5f624c24b2

# The C library of the release binaries (make release), built from source
# for each target with Debian's cross compilers.
MUSL_PKG        := musl
MUSL_VERSION    := 1.2.3
MUSL_ORIG       := musl_1.2.3.orig.tar.gz
MUSL_SHA256     := 7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4

# compiler-rt's builtins (compiler support routines: soft-float arithmetic,
# 64-bit division on 32-bit CPUs) for the targets whose Debian libgcc does not
# fit: Debian's MIPS cross compilers ship only a hard-float libgcc. Only
# compiler-rt/lib/builtins is unpacked out of the LLVM tree.
COMPILER_RT_PKG     := llvm-toolchain-14
COMPILER_RT_VERSION := 14.0.6
COMPILER_RT_ORIG    := llvm-toolchain-14_14.0.6.orig.tar.xz
COMPILER_RT_SHA256  := d9bce5f42381d781e273c724db1ab0acd66259bf2782b79891664dbf1953d22c
COMPILER_RT_SUBDIR  := compiler-rt/lib/builtins
