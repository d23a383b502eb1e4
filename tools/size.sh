#!/bin/sh
# Sizes of release binaries against the budget:
#
#   tools/size.sh BUDGET ARCH=FILE...
#
# One line per target: stripped bytes, xz -9 bytes (what a download or an
# OpenWrt package carries), "met" or "MISSED by N bytes". Exits 1 when one
# is over the budget.
set -eu
budget=$1
shift
missed=0
printf '%-8s %9s %9s  %s\n' ARCH stripped xz "budget $budget bytes stripped"
for pair in "$@"; do
	arch=${pair%%=*} file=${pair#*=}
	n=$(wc -c <"$file")
	x=$(xz -9 -c "$file" | wc -c)
	if [ "$n" -le "$budget" ]; then
		verdict="met ($((budget - n)) bytes left)"
	else
		verdict="MISSED by $((n - budget)) bytes"
		missed=1
	fi
	printf '%-8s %9d %9d  %s\n' "$arch" "$n" "$x" "$verdict"
done
exit "$missed"
