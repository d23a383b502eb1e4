#!/bin/sh
# test/run.sh, the runner whose last line `make check` ends with: passes,
# failures and skips are counted apart (a skip is never a pass), a crash or
# a silent program is a failure, and on CI (NOTIFY53_CI) a skip is a
# failure.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')

# runs [VAR=VALUE...]: run test/run.sh on $tmp/list in that environment
# (and never the caller's NOTIFY53_CI); its last line in $tmp/last, its
# status in $rc.
runs() {
	env -u NOTIFY53_CI "$@" sh test/run.sh "$tmp/list" >"$tmp/out" 2>&1
	rc=$?
	tail -n 1 "$tmp/out" >"$tmp/last"
}

cat >"$tmp/list" <<EOL
two${tab}echo "ok - a"; echo "ok - b"
skips${tab}echo "ok - c"; echo "ok - d # SKIP needs root"; echo "ok - e # SKIP no port 53"
EOL
runs
tap_is "passes and skips counted apart" "$(cat "$tmp/last")" "3 passed, 0 failed, 2 skipped"
tap_is "skips alone do not fail the run" "$rc" 0
tap_ok "a skip is shown as one" grep -q '^ok - skips: d # SKIP needs root$' "$tmp/out"

runs NOTIFY53_CI=1
tap_is "on CI a skip is a failure" "$(cat "$tmp/last")" "3 passed, 2 failed, 0 skipped"
tap_is "on CI a skip fails the run" "$rc" 1
tap_ok "on CI the skip says where it must run" \
	grep -q '^not ok - skips: d # SKIP needs root (skipped on CI, where it must run)$' "$tmp/out"

cat >"$tmp/list" <<EOL
fails${tab}echo "ok - a"; echo "not ok - b"; exit 1
crash${tab}echo "ok - c"; exit 3
silent${tab}true
onlyskip${tab}echo "ok - d # SKIP why"
EOL
runs
tap_is "a failure, a crash after a pass and a silent program: three failures" \
	"$(cat "$tmp/last")" "2 passed, 3 failed, 1 skipped"
tap_ok "the crash is named" grep -q '^not ok - crash: exited with status 3$' "$tmp/out"
tap_ok "the silent program is named" grep -q '^not ok - silent: reported no result$' "$tmp/out"
tap_is "failures fail the run" "$rc" 1

tap_done
