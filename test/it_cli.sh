#!/bin/sh
# The command line, all of it read from the one command table of
# src/cli/main.c: `notify53 help` lists every command, `notify53 COMMAND
# --help` and `notify53 help COMMAND` print the same usage lines as a usage
# error of that command, the global options -c FILE and -v work before the
# command as well as after it (against the Route 53 emulator), every shape
# error exits 64 with the reason and the usage, and `notify53 help --man`
# gives the man page's SYNOPSIS.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh
EMU_ROOT=$PWD
. test/lib/emu.sh

N=${NOTIFY53:-$PWD/notify53}
unset DEBUG
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: status in $rc, output in $tmp/out and $tmp/err.
run() {
	"$N" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# The usage lines of a help text: from the top to the first empty line.
usage_of() {
	sed '/^$/q' "$1" | sed '/^$/d'
}

# ---- help -------------------------------------------------------------------

run help
tap_is "help: exit 0" "$rc" 0
tap_is "help: the global usage first" "$(head -n 1 "$tmp/out")" \
	"usage: notify53 [-c FILE] [-v] COMMAND [ARGS...]"
tap_is "help: every command of the table, in order" \
	"$(sed -n '/^commands:$/,/^$/p' "$tmp/out" | sed -n 's/^  \(.\{12\}\) .*/\1/p' |
		sed 's/ *$//' | tr '\n' ',')" \
	"daemon,sync,plan,check-config,soa,xfr,r53 zones,r53 dump,version,help,"
cp "$tmp/out" "$tmp/help"
run --help
tap_ok "--help before any command is help" cmp -s "$tmp/out" "$tmp/help"

# Each command: --help, help COMMAND, and a usage error print the same
# usage lines.
for w in version soa xfr r53 plan sync daemon check-config help; do
	run "$w" --help
	tap_ok "$w --help: exit 0, nothing on stderr" test "$rc" -eq 0 -a ! -s "$tmp/err"
	tap_ok "$w --help: starts with its usage" \
		sh -c "head -n 1 '$tmp/out' | grep -q '^usage: notify53 $w'"
	cp "$tmp/out" "$tmp/cmdhelp"
	run help "$w"
	tap_ok "help $w is $w --help" cmp -s "$tmp/out" "$tmp/cmdhelp"
	case $w in r53) set -- r53 zones ;; *) set -- "$w" ;; esac
	run "$@" --no-such-option
	tap_is "$w --no-such-option: exit 64" "$rc" 64
	tap_is "$w --no-such-option: the reason" "$(head -n 1 "$tmp/err")" \
		"notify53 $w: unknown option --no-such-option"
	tap_is "$w: the usage error shows the --help usage" "$(sed 1d "$tmp/err")" \
		"$(usage_of "$tmp/cmdhelp")"
	tap_ok "$w: nothing on stdout for a usage error" test ! -s "$tmp/out"
done

# The synopses, spelled out here: -v wherever -c is, -c FILE everywhere.
check_usage() {
	run "$1" --help
	tap_is "$1: usage" "$(usage_of "$tmp/out")" "$2"
}
check_usage version "usage: notify53 version"
check_usage soa "usage: notify53 soa [-v] [--tsig NAME:ALG:SECRET] ZONE SERVER[:PORT]"
check_usage xfr "usage: notify53 xfr [-v] [--tsig NAME:ALG:SECRET] [--ixfr SERIAL] [--json] ZONE SERVER[:PORT]"
check_usage r53 "usage: notify53 r53 zones [-c FILE] [-v]
       notify53 r53 dump [-c FILE] [-v] [--json] ZONE|ZONE_ID"
check_usage plan "usage: notify53 plan [-c FILE] [-v] [--json] [--full] [ZONE...]"
check_usage sync "usage: notify53 sync [-c FILE] [-v] [--dry-run] [--force] [--wait] [--full] [ZONE...]"
check_usage daemon "usage: notify53 daemon [-c FILE] [-v] [--syslog] [--pidfile FILE]"
check_usage check-config "usage: notify53 check-config [-c FILE] [-v]"
run sync --help
tap_ok "sync --help: each option explained" sh -c "grep -q '^  -c FILE  *the configuration' '$tmp/out' &&
	grep -q '^  -v  *debug logs' '$tmp/out' && grep -q '^  --wait  *' '$tmp/out'"

# ---- global options before the command ----------------------------------------

emu_start --rate 1000 --burst 1000 || exit 1
trap 'emu_stop; rm -rf "$tmp"' EXIT
cfg=$tmp/config.json
cat >"$cfg" <<EOF
{"notify_servers": ["127.0.0.1"], "domains_to_manage_from_aws": true,
 "aws": {"endpoint": "$EMU_URL", "ca_file": "$EMU_CA",
         "access_key_id": "AKID", "secret_access_key": "SECRET",
         "max_requests_per_second": 1000}}
EOF
chmod 600 "$cfg"

run -c "$cfg" check-config
tap_ok "-c FILE check-config: the file given is read" \
	sh -c "test $rc -eq 0 && head -n 1 '$tmp/out' | grep -qx '$cfg: ok'"
run check-config -c "$cfg"
tap_ok "check-config -c FILE: the same" sh -c "test $rc -eq 0 && head -n 1 '$tmp/out' | grep -qx '$cfg: ok'"
tap_ok "check-config: zone_refresh_wait_interval shown as the floor it is (README)" \
	grep -qx 'refresh: as the SOA says, never more often than every 60s; full reconcile every 86400s' "$tmp/out"
run -c "$tmp/none.json" check-config
tap_ok "-c FILE check-config: a missing file is named" \
	sh -c "test $rc -eq 1 && grep -q '$tmp/none.json' '$tmp/err'"
run -c "$tmp/none.json" check-config -c "$cfg"
tap_ok "-c after the command wins over -c before" sh -c "test $rc -eq 0"

run -c "$cfg" sync
tap_is "-c FILE sync: exit 0" "$rc" 0
tap_ok "-c FILE sync: the account listed, nothing to sync" \
	sh -c "tail -n 1 '$tmp/out' | grep -q '^0 zones, all in sync; API calls: ListHostedZones 1;'"

run -c "$cfg" r53 zones
tap_ok "r53 zones without -v: no debug line" sh -c "test $rc -eq 0 && ! grep -q ': debug: ' '$tmp/err'"
run -v -c "$cfg" r53 zones
tap_ok "-v -c FILE r53 zones: debug lines" \
	sh -c "test $rc -eq 0 && grep -q '^notify53: debug: route53: GET /2013-04-01/hostedzone' '$tmp/err'"
run -c "$cfg" r53 zones -v
tap_ok "r53 zones -v: the same after the command" \
	sh -c "test $rc -eq 0 && grep -q '^notify53: debug: route53: GET ' '$tmp/err'"

# Only the global options go before the command, and only where the
# command takes them.
run -c "$cfg" version
tap_ok "-c before a command without it: usage error" \
	sh -c "test $rc -eq 64 && head -n 1 '$tmp/err' | grep -qx 'notify53 version: unknown option -c'"
run --json plan
tap_ok "--json before the command: usage error" \
	sh -c "test $rc -eq 64 && head -n 1 '$tmp/err' | grep -qx 'notify53: unknown option --json'"

# ---- usage errors ----------------------------------------------------------------

# usage_error WANT-FIRST-LINE ARGS...: exit 64, the reason, usage lines after.
usage_error() {
	want=$1
	shift
	run "$@"
	tap_ok "notify53 $*: exit 64" test "$rc" -eq 64
	tap_is "notify53 $*: the reason" "$(head -n 1 "$tmp/err")" "$want"
	tap_ok "notify53 $*: then the usage" sh -c "sed -n 2p '$tmp/err' | grep -q '^usage: notify53 '"
}
usage_error "notify53: no command (try 'notify53 help')"
usage_error "notify53: unknown command 'bogus' (try 'notify53 help')" bogus
usage_error "notify53 xfr: xfr takes ZONE SERVER[:PORT]" xfr example.
usage_error "notify53 soa: soa takes ZONE SERVER[:PORT]" soa example. 127.0.0.1 extra
usage_error "notify53 sync: -c needs FILE" sync -c
usage_error "notify53: -c needs FILE" -c
usage_error "notify53 r53: which one?" r53
usage_error "notify53 r53: which one?" r53 list
usage_error "notify53 r53: r53 dump takes ZONE|ZONE_ID" r53 dump
usage_error "notify53 version: version takes no operands" version extra
usage_error "notify53 help: unknown command 'bogus'" help bogus
usage_error "notify53 help: --man lists every command" help --man sync
run r53
tap_is "r53 alone: both usage lines" "$(sed 1d "$tmp/err")" \
	"usage: notify53 r53 zones [-c FILE] [-v]
       notify53 r53 dump [-c FILE] [-v] [--json] ZONE|ZONE_ID"

# ---- the man page's SYNOPSIS ------------------------------------------------------

run help --man
tap_is "help --man: exit 0" "$rc" 0
tap_is "help --man: one .Nm .Cm pair per command of the table" \
	"$(grep -c '^\.Nm$' "$tmp/out"),$(grep -c '^\.Cm ' "$tmp/out")" "10,10"
tap_is "help --man: sync's lines" \
	"$(sed -n '/^\.Cm sync$/,/^\.Nm$/p' "$tmp/out")" \
	'.Cm sync
.Op Fl c Ar file
.Op Fl v
.Op Fl -dry-run
.Op Fl -force
.Op Fl -wait
.Op Fl -full
.Op Ar zone ...
.Nm'
tap_ok "help --man: only mdoc macros" sh -c "! grep -v '^\.\(Nm\|Cm\|Op\|Ar\)\( \|$\)' '$tmp/out' | grep -q ."
# The man page's SYNOPSIS is the table's: a command or option added to
# src/cli/main.c and not to doc/notify53.8 (or the other way) fails here.
sed -n '/^\.Sh SYNOPSIS$/,/^\.Sh /p' doc/notify53.8 | sed '1d;$d' >"$tmp/page"
tap_ok "doc/notify53.8: its SYNOPSIS is 'notify53 help --man'" cmp -s "$tmp/page" "$tmp/out"
cmp -s "$tmp/page" "$tmp/out" || diff "$tmp/page" "$tmp/out" | sed 's/^/#   /'

tap_done
