#!/bin/sh
# The layering of src/ (test/layers.sh states the rule): the tree keeps it,
# and the checker catches each kind of break planted in a copy of the tree,
# so it cannot pass by reading nothing.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sh test/layers.sh src >"$tmp/out" 2>&1
rc=$?
tap_ok "src/ keeps its layers" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/out"
tap_ok "every source sits in a layer folder" test -z "$(ls src/*.c src/*.h 2>/dev/null)"

# plant NAME FILE LINE WANT: append LINE to FILE in a fresh copy of src/;
# the checker must fail and name FILE with WANT in its message.
plant() {
	rm -rf "$tmp/src"
	cp -R src "$tmp/src"
	printf '%s\n' "$3" >>"$tmp/src/$2"
	sh test/layers.sh "$tmp/src" >"$tmp/out" 2>&1
	rc=$?
	tap_ok "$1: refused" test "$rc" -eq 1
	tap_ok "$1: the message names the file and the rule" \
		grep -q "^$tmp/src/$2:[0-9]*: .*$4" "$tmp/out"
}

plant "upward include (base/ reaching for the command table)" \
	base/log.c '#include "cli/cmd.h"' 'cli/ is not below base/'
plant "upward include (config/ reaching for the sync job)" \
	config/cfg.h '#include "sync/sync.h"' 'sync/ is not below config/'
plant "the DNS side including the AWS side" \
	dns/xfr.c '#include "net/http.h"' 'meet only in sync/'
plant "the AWS side including the DNS side (allowed by rank alone)" \
	aws/r53.c '#include "dns/zone.h"' 'meet only in sync/'
plant "an include that does not name its layer" \
	sync/plan.c '#include "zone.h"' 'name its layer: "dns/zone.h"'
plant "a header that does not exist" \
	cli/main.c '#include "dns/nothing.h"' 'no such header'
plant "an indented include" \
	base/err.c '  #  include "daemon/daemon.h"' 'daemon/ is not below base/'

# A source outside the layer folders, an unknown folder, two modules of
# one name.
rm -rf "$tmp/src"
cp -R src "$tmp/src"
: >"$tmp/src/flat.c"
mkdir "$tmp/src/extra"
cp src/dns/zone.h "$tmp/src/sync/zone.h"
sh test/layers.sh "$tmp/src" >"$tmp/out" 2>&1
rc=$?
tap_ok "stray files and folders: refused" test "$rc" -eq 1
tap_ok "a source directly in src/ is named" grep -q "flat.c: a source outside the layer folders" "$tmp/out"
tap_ok "a folder that is no layer is named" grep -q "extra: not a layer" "$tmp/out"
tap_ok "two headers of one name are named" grep -q "zone.h: .*has the same name" "$tmp/out"

# Same-layer and downward includes stay allowed.
rm -rf "$tmp/src"
cp -R src "$tmp/src"
printf '%s\n' '#include "codec/dns.h"' '#include "aws/xml.h"' '#include "config.h"' \
	'#include "bearssl.h"' >>"$tmp/src/aws/sigv4.c"
sh test/layers.sh "$tmp/src" >"$tmp/out" 2>&1
tap_ok "downward, same-layer, config.h and third-party includes pass" test $? -eq 0

tap_done
