#!/bin/sh
# Benchmark: parse + plan of a 100,000-record-set zone with 10 differences
# (budget: 0.3 s CPU), and the plan of a 10,000-set first sync into an empty
# hosted zone and of a 10,000-set re-sync (peak RSS; the full sync's budget
# is 8 MB for the whole daemon). Prints figures, asserts nothing about
# time; test/tool_planbench.c says what is measured. Each case is run RUNS
# times and the run with the least CPU is shown (other processes on the
# machine only ever add time).
set -eu
bin=${NOTIFY53_TESTBIN:?NOTIFY53_TESTBIN: the directory of the test programs}/tool_planbench
runs=${BENCH_RUNS:-3}
out=$(mktemp)
trap 'rm -f "$out" "$out.best"' EXIT

best() {
	min=
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$bin" "$@" >"$out"
		t=$(awk '/parse \+ plan:/ { print $4 }' "$out")
		if [ -z "$min" ] || awk -v a="$t" -v b="$min" 'BEGIN { exit !(a < b) }'; then
			min=$t
			cp "$out" "$out.best"
		fi
		i=$((i + 1))
	done
	cat "$out.best"
}

echo "plan: best of $runs runs"
best 100000 10
best 10000 0 empty
best 10000 10
