#!/bin/sh
# Run test programs and count their results.
#
#   test/run.sh LISTFILE
#
# LISTFILE has one test per line: "label<TAB>command". Every command prints
# "ok - ..." / "not ok - ..." lines (test/tap.h, test/lib/tap.py,
# test/lib/tap.sh); "ok - ... # SKIP why" is a case that could not run here.
# A program that exits non-zero without a "not ok" line, is killed by its
# time limit, or prints no result at all counts as one failure: a crash or
# an empty test is never a pass. A skip is never a pass either; on CI
# (NOTIFY53_CI set, by .ci/run) every test must run, so a skip there is a
# failure. The last line is always "N passed, N failed, N skipped".
set -u

list=$1
limit=${TEST_TIMEOUT:-600}
ci=${NOTIFY53_CI:-}
passed=0
failed=0
skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

tab=$(printf '\t')
while IFS="$tab" read -r label cmd; do
	[ -n "$label" ] || continue
	echo "# $label"
	timeout -k 5 "$limit" sh -c "$cmd" >"$out" 2>&1 </dev/null
	rc=$?
	awk -v l="$label" -v ci="$ci" '
		/^ok - .*# SKIP/ && ci != "" {
			print "not ok - " l ": " substr($0, 6) " (skipped on CI, where it must run)"
			next
		}
		/^ok - / { print "ok - " l ": " substr($0, 6); next }
		/^not ok - / { print "not ok - " l ": " substr($0, 10); next }
		{ print }' "$out"
	s=$(grep -c '^ok - .*# SKIP' "$out")
	p=$(($(grep -c '^ok - ' "$out") - s))
	f=$(grep -c '^not ok - ' "$out")
	if [ -n "$ci" ]; then
		f=$((f + s))
		s=0
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "not ok - $label: killed after ${limit}s"
		else
			echo "not ok - $label: exited with status $rc"
		fi
		f=1
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "not ok - $label: reported no result"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done <"$list"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
