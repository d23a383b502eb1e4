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
