# Pinned third-party sources: Debian bookworm source packages.
# The upstream tarball of each is checked against the SHA-256 below before it
# is unpacked; Debian's own patches (debian/patches/series) are then applied
# from the packaging tarball, checked against its SHA-256 too.
# To move to a new version or Debian revision: fetch it, review the upstream
# diff and Debian's patches, and record the new file names and checksums here
# in one commit.

BEARSSL_PKG     := bearssl
BEARSSL_VERSION := 0.6+dfsg.1
BEARSSL_ORIG    := bearssl_0.6+dfsg.1.orig.tar.xz
BEARSSL_SHA256  := 102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
BEARSSL_DEBIAN  := bearssl_0.6+dfsg.1-3.debian.tar.xz
BEARSSL_DEBIAN_SHA256 := 051264300dffd810e7ea08f8210d3f9f61773dcd322086c0cbd02bee8d1f73df

CJSON_PKG       := cjson
CJSON_VERSION   := 1.7.15
CJSON_ORIG      := cjson_1.7.15.orig.tar.gz
CJSON_SHA256    := 5308fd4bd90cef7aa060558514de6a1a4a0819974a26e6ed13973c5f624c24b2
CJSON_DEBIAN    := cjson_1.7.15-1+deb12u4.debian.tar.xz
CJSON_DEBIAN_SHA256 := afd19a970966cf534ff1e9ec077d710a5e7e78eb4ec9b499c8bdc32e55da12cb

# The C library of the release binaries (make release), built from source
# for each target with Debian's cross compilers.
MUSL_PKG        := musl
MUSL_VERSION    := 1.2.3
MUSL_ORIG       := musl_1.2.3.orig.tar.gz
MUSL_SHA256     := 7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4
MUSL_DEBIAN     := musl_1.2.3-1.debian.tar.xz
MUSL_DEBIAN_SHA256 := 8f12cc808dbec030179a25ce2645a4c0b622ee8011c2afcec53b87ec5867a8cc

# compiler-rt's builtins (compiler support routines: soft-float arithmetic,
# 64-bit division on 32-bit CPUs) for the targets whose Debian libgcc does not
# fit: Debian's MIPS cross compilers ship only a hard-float libgcc. Only
# compiler-rt/lib/builtins is unpacked out of the LLVM tree.
COMPILER_RT_PKG     := llvm-toolchain-14
COMPILER_RT_VERSION := 14.0.6
COMPILER_RT_ORIG    := llvm-toolchain-14_14.0.6.orig.tar.xz
COMPILER_RT_SHA256  := d9bce5f42381d781e273c724db1ab0acd66259bf2782b79891664dbf1953d22c
COMPILER_RT_DEBIAN  := llvm-toolchain-14_14.0.6-12.debian.tar.xz
COMPILER_RT_DEBIAN_SHA256 := 1b5ee7cc3f97e1615bae9573de435e751974c2ec3a878e196bb31e14ff54385c
COMPILER_RT_SUBDIR  := compiler-rt/lib/builtins
