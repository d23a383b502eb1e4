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
