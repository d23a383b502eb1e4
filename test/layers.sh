#!/bin/sh
# The layering of src/, checked from the #include lines.
#
#   sh test/layers.sh [SRCDIR]     (default: src) prints each violation as
#                                  "FILE:LINE: message" and exits 1, or 0
#
# src/ holds one folder per layer, bottom to top:
#
#   base    errors, logs, numbers, JSON output, the poll loop, addresses,
#           build identity: nothing about DNS or AWS
#   codec   the DNS wire format and its Route 53 text forms (names, rdata,
#           TSIG): pure functions that both sides and the config need
#   config  the configuration file
#   dns     the DNS side: zone store, SOA/AXFR/IXFR client, NOTIFY listener
#   net     the transport to AWS: endpoint resolver, TLS, HTTP
#   aws     the AWS side: SigV4, credentials, XML, the Route 53 API
#   sync    where the two sides meet: the plan and the per-zone sync job
#   daemon  the long-running process: scheduling, process set-up
#   cli     the commands
#
# The rule: a file includes headers of its own layer or of layers below it,
# named by their path under src/ ("dns/zone.h"; the top-level "config.h"
# and third-party headers aside). The DNS side (dns/) and the AWS side
# (net/, aws/) never include each other: they meet in sync/ and above. A
# piece both sides need goes down into a shared layer (codec/ for the DNS
# format, base/ for the rest), never sideways.
#
# A file's name is its module's name, unique across src/, and its header
# has the same name; the module's public names start with it. A module
# split into a pure codec and its driver keeps one prefix for both halves:
# http (messages) and http_client (connection), r53_op (requests and
# answers) and r53 (the pump), daemon_sched (decisions) and daemon (the
# process). The commands are the exception by design: cli/cli_*.c share
# cli/cmd.h, the table's header.
set -u

src=${1:-src}

[ -d "$src" ] || { echo "$src: no such directory" >&2; exit 2; }

# layer rank side
layers='base 0 -
codec 1 -
config 2 -
dns 3 dns
net 3 aws
aws 4 aws
sync 5 -
daemon 6 -
cli 7 -'

bad=0
say() {
	echo "$1"
	bad=1
}

for f in "$src"/*; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	if [ ! -d "$f" ]; then
		say "$f: a source outside the layer folders"
	elif ! printf '%s\n' "$layers" | grep -q "^$name "; then
		say "$f: not a layer (the layers are: $(printf '%s\n' "$layers" | cut -d' ' -f1 | tr '\n' ' '))"
	fi
done

# The layers and the headers that exist, then every source file: awk
# judges each include line.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
{
	printf '%s\n' "$layers" | sed 's/^/L /'
	for h in "$src"/*/*.h; do
		[ -e "$h" ] && echo "H ${h#"$src"/}"
	done
} >"$list"
set -- "$src"/*/*.c "$src"/*/*.h
[ -e "$1" ] || shift
[ -e "${1:-}" ] || { echo "$src: no sources" >&2; exit 2; }
awk -v src="$src" '
NR == FNR {
	if ($1 == "L") {
		rank[$2] = $3
		side[$2] = $4
	} else {
		have[$2] = 1
		name = $2
		sub(/^.*\//, "", name)
		if (name in where) {
			print src "/" $2 ": " src "/" where[name] " has the same name: a module name is its prefix, one per program"
			bad = 1
		}
		where[name] = $2
	}
	next
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0
	sub(/^[^"]*"/, "", inc)
	sub(/".*/, "", inc)
	own = substr(FILENAME, length(src) + 2)
	sub(/\/.*/, "", own)
	if (!(own in rank))
		next
	at = FILENAME ":" FNR ": includes \"" inc "\": "
	if (inc !~ /\//) {
		if (inc in where) {
			print at "name its layer: \"" where[inc] "\""
			bad = 1
		}
		next
	}
	if (!(inc in have)) {
		print at "no such header under " src "/"
		bad = 1
		next
	}
	to = inc
	sub(/\/.*/, "", to)
	if (to == own)
		next
	if (side[own] != "-" && side[to] != "-" && side[own] != side[to]) {
		print at "the DNS side (dns/) and the AWS side (net/, aws/) meet only in sync/ and above"
		bad = 1
	} else if (rank[to] >= rank[own]) {
		print at to "/ is not below " own "/"
		bad = 1
	}
}
END { exit bad }' "$list" "$@" || bad=1
exit "$bad"
