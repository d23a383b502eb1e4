#!/bin/sh
# make fuzz-long: each fuzz target under libFuzzer (ASan, UBSan) for RUNS
# executions or SECONDS, whichever comes first, JOBS targets at a time (one
# core each), then a table of executions, coverage and crashes per target.
#
#   test/long/fuzz_long.sh BINDIR OUTDIR RUNS SECONDS RSS_MB MALLOC_MB JOBS NAME...
#
# Memory is part of the property: -rss_limit_mb fails a target whose process
# grows past RSS_MB (the sanitizers' own overhead is some 100-200 MB with
# ASan's quarantine at 64 MB), -malloc_limit_mb any single allocation over
# MALLOC_MB (4 times DNS_MAX_ZONE_BYTES and R53LIST_MAX_BYTES of config.h,
# the largest bounds, so a buffer at its bound after a doubling still
# fits). fuzz_ixfr also bounds the heap a transfer holds by its octets.
#
# Each target's working corpus is OUTDIR/corpus-NAME (kept between runs,
# seeded from test/corpus/NAME), its output OUTDIR/NAME.log, a crash
# OUTDIR/crash-NAME-*, its row of the table OUTDIR/NAME.row. Targets are
# started in the order given, so the slowest go first. Exit status 1 when
# any target crashed, leaked, ran out of memory or time on one input, or
# did not reach RUNS (the table says which).
set -u

# One target: runs it and writes its row; status 1 when it failed.
if [ "$1" = --one ]; then
	shift
	bindir=$1 out=$2 runs=$3 secs=$4 rss=$5 malloc=$6 n=$7
	corpus=$out/corpus-$n
	mkdir -p "$corpus"
	log=$out/$n.log
	start=$(date +%s)
	ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64} \
	"$bindir/fuzz_$n" -runs="$runs" -max_total_time="$secs" -rss_limit_mb="$rss" \
		-malloc_limit_mb="$malloc" -timeout=30 -print_final_stats=1 \
		-artifact_prefix="$out/crash-$n-" "$corpus" "test/corpus/$n" >"$log" 2>&1
	rc=$?
	took=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p')
	fail=0
	if [ "$rc" -ne 0 ]; then
		result="CRASH (status $rc, $(ls "$out"/crash-"$n"-* 2>/dev/null | head -1))"
		fail=1
	elif [ "${execs:-0}" -lt "$runs" ]; then
		result="ok, time bound reached before $runs"
		fail=1
	else
		result=ok
	fi
	printf '%-12s %12s %8s %8s %8s %8s %7s  %s (%d s)\n' "$n" "${execs:-?}" \
		"$(( ${execs:-0} / (took > 0 ? took : 1) ))" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
		"${peak:-?}" "$result" "$took" | tee "$out/$n.row"
	exit $fail
fi

bindir=$1 out=$2 runs=$3 secs=$4 rss=$5 malloc=$6 jobs=$7
shift 7
mkdir -p "$out"
for n in "$@"; do rm -f "$out/$n.row"; done
# xargs -P runs JOBS at a time and exits non-zero when one of them did.
printf '%s\n' "$@" | xargs -P "$jobs" -I NAME \
	sh "$0" --one "$bindir" "$out" "$runs" "$secs" "$rss" "$malloc" NAME
fail=$?
summary=$out/summary.txt
{
	printf '%-12s %12s %8s %8s %8s %8s %7s  %s\n' target executions exec/s cov ft corpus \
		rss_mb result
	for n in "$@"; do
		cat "$out/$n.row" 2>/dev/null || printf '%-12s not run\n' "$n"
	done
} >"$summary"
cat "$summary"
echo "fuzz-long: table in $summary, logs in $out/"
[ "$fail" -eq 0 ]
