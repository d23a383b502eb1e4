#!/bin/sh
# The repository stands on its own: code, tests, tools and documents cite
# public sources (an AWS page by title, an RFC section) or HACKING.md, never
# notes outside the tree, numbered tickets or section markers of such notes.
# A planted reference must be found, so the check cannot pass by reading
# nothing.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Spelled in pieces so that this file does not match itself.
pattern='route53''-api|[Ii]ssue'' [0-9]|REF'' §|shared''/|DESIGN''\.md'
places='src test tools doc .ci third_party/fetch.sh third_party/versions.mk
third_party/bearssl.mk README.md HACKING.md Makefile config.h'

# shellcheck disable=SC2086
grep -rnE "$pattern" $places >"$tmp/found" 2>/dev/null
tap_ok "no reference to material outside the repository" test ! -s "$tmp/found"
sed 's/^/#   /' "$tmp/found"

mkdir "$tmp/tree"
printf '/* see %s section 4 */\n' "route53""-api.md" >"$tmp/tree/planted.c"
printf '# as %s 12 asks\n' "issue" >"$tmp/tree/planted.sh"
tap_is "a planted reference is found" "$(grep -rlE "$pattern" "$tmp/tree" | wc -l)" 2

tap_done
