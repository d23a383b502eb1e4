#!/bin/sh
# Packaging: the busybox/SysV init script run for real against $NOTIFY53
# with each start-stop-daemon on this machine (Debian's, busybox's): start,
# status, a second start, reload (SIGHUP, seen as a new listen port
# answering NOTIFY), a reload refused for a bad config, dump (SIGUSR1), a
# second instance that cannot bind, stop. The OpenWrt package: its Makefile
# against the feed's conventions, its sample config accepted by
# check-config, and its build for big-endian MIPS under a stand-in of
# OpenWrt's build system (test/lib/owrt/); test/it_openwrt.py runs it under
# OpenWrt's service machinery. Everything on loopback; the zone's primary is
# a closed port and the AWS endpoint too, so no sync starts and the daemon
# must keep running regardless.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

: "${NOTIFY53:?set NOTIFY53 to the notify53 binary}"
PY=/usr/bin/python3
INIT=$PWD/tools/init.d/notify53
PROCD_INIT=$PWD/tools/openwrt/files/notify53.init

tmp=$(mktemp -d)
cleanup() {
	# Only the daemons this test started, by the pids their pid files hold.
	for f in "$tmp"/*.pid; do
		[ -f "$f" ] || continue
		p=$(cat "$f" 2>/dev/null)
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

tap_ok "init.d script: sh -n" sh -n "$INIT"
tap_ok "procd init script: sh -n" sh -n "$PROCD_INIT"

# ---- the OpenWrt package: sample config, the feed's conventions ----------------

cp tools/openwrt/files/config.json "$tmp/owrt.json"
chmod 600 "$tmp/owrt.json"
tap_ok "OpenWrt sample config passes check-config" \
	sh -c "'$NOTIFY53' check-config -c '$tmp/owrt.json' >/dev/null 2>&1"

mk=tools/openwrt/Makefile
tap_ok "OpenWrt Makefile: downloads from OpenWrt's Debian mirror list (@DEBIAN), no host named" \
	sh -c "[ \"\$(grep -c '^  URL:=@DEBIAN/pool/main/' $mk)\" = 3 ] && ! grep -qiE 'https?://|debian\\.org' $mk"
tap_ok "OpenWrt Makefile: every download pinned by checksum (the Debian patch tarball too)" \
	sh -c "[ \"\$(grep -c '^  HASH:=\$(' $mk)\" = 3 ] && grep -qE '^CJSON_DEBIAN_SHA256:=[0-9a-f]{64}$' $mk"
tap_ok "OpenWrt Makefile: PKG_NAME, PKG_VERSION, PKG_RELEASE, PKG_MAINTAINER, PKG_LICENSE, PKG_LICENSE_FILES" \
	sh -c "for f in NAME VERSION RELEASE MAINTAINER LICENSE LICENSE_FILES; do grep -q \"^PKG_\$f:=.\" $mk || exit 1; done"
tap_ok "OpenWrt Makefile: the user and group with a fixed uid and gid (USERID name=uid:name=gid)" \
	grep -qE '^  USERID:=notify53=[0-9]+:notify53=[0-9]+$' $mk
tap_ok "OpenWrt Makefile: the config is a conffile" \
	sh -c "sed -n '/^define Package\/notify53\/conffiles/,/^endef/p' $mk | grep -qx /etc/notify53/config.json"

# ---- the OpenWrt package Makefile, built under a stand-in of OpenWrt's -------
# build system (test/lib/owrt/rules.mk and package.mk say what it does like
# OpenWrt's), with Debian's big-endian MIPS cross compiler.

owrt_build() {
	top=$tmp/owrt
	mkdir -p "$top/include" "$top/dl" "$top/package" || return 1
	cp third_party/.apt/dl/bearssl/*.orig.tar.* third_party/.apt/dl/cjson/*.orig.tar.* \
		third_party/.apt/dl/cjson/*.debian.tar.* "$top/dl/" || return 1
	cp test/lib/owrt/rules.mk "$top/" && cp test/lib/owrt/package.mk "$top/include/" || return 1
	ln -s "$PWD/tools/openwrt" "$top/package/notify53" || return 1
	make -C "$top/package/notify53" TOPDIR="$top" compile >"$tmp/owrt.log" 2>&1
}

pinned=$(sed -n 's/^CJSON_DEBIAN:=cjson_$(CJSON_VERSION)\(.*\)$/\1/p' tools/openwrt/Makefile)
if ! command -v mips-linux-gnu-gcc >/dev/null 2>&1 ||
	! ls third_party/.apt/dl/bearssl/*.orig.tar.* >/dev/null 2>&1; then
	echo "not ok - OpenWrt package build: no mips-linux-gnu-gcc (tools/deps.sh) or no Debian sources in third_party/.apt (make fetches them)"
	TAP_FAILED=$((TAP_FAILED + 1))
elif ! ls third_party/.apt/dl/cjson/ | grep -qF -e "$pinned"; then
	echo "not ok - OpenWrt package build: Debian's cjson revision is no longer the one tools/openwrt/Makefile pins ($pinned): pin the new one (CJSON_DEBIAN, CJSON_DEBIAN_SHA256)"
	TAP_FAILED=$((TAP_FAILED + 1))
else
	owrt_build
	rc=$?
	tap_ok "OpenWrt package: prepare and compile under the stub" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || tail -n 20 "$tmp/owrt.log" | sed 's/^/#   /'
	ipkg=$tmp/owrt/ipkg
	tap_ok "OpenWrt package: Debian's cJSON patches applied" \
		grep -q "patch -s -p1 -d .*deps/cjson" "$tmp/owrt.log"
	tap_ok "OpenWrt package: /usr/sbin/notify53 is a big-endian MIPS binary" \
		sh -c "file '$ipkg/usr/sbin/notify53' | grep -q 'MSB.*MIPS'"
	tap_ok "OpenWrt package: the procd init script, the config with mode 600" \
		sh -c "[ -x '$ipkg/etc/init.d/notify53' ] && [ \"\$(stat -c %a '$ipkg/etc/notify53/config.json')\" = 600 ]"
	qemu=$(sh tools/cross.sh qemu mips 2>/dev/null)
	tap_ok "OpenWrt package: the binary runs (qemu): notify53 version" \
		sh -c "$qemu -L /usr/mips-linux-gnu '$ipkg/usr/sbin/notify53' version | grep -qx 'bearssl 0.6+dfsg.1'"
fi

# ---- the init.d script for real ---------------------------------------------

if ! "$NOTIFY53" help 2>/dev/null | grep -q '^  daemon '; then
	echo "not ok - init.d script against the daemon: $NOTIFY53 has no daemon command"
	exit 1
fi

ports=$("$PY" - <<'EOF'
import socket
socks, ports = [], []
while len(ports) < 3:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    p = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", p))
    except OSError:
        continue
    socks += [u, t]
    ports.append(p)
print(" ".join(map(str, ports)))
EOF
)
set -- $ports
port1=$1 port2=$2 closed=$3

# config PORT FILE: one zone whose primary is a closed loopback port.
config() {
	cat >"$2" <<EOF
{
	"listen": ["127.0.0.1:$1"],
	"notify_servers": ["127.0.0.1"],
	"zones": [{"name": "example.test", "primaries": ["127.0.0.1:$closed"]}],
	"aws": {"access_key_id": "AKID", "secret_access_key": "SECRET",
		"endpoint": "https://127.0.0.1:$closed"},
	"state_file": "$tmp/state.json"
}
EOF
	chmod 600 "$2"
}

# notify PORT ZONE: the rcode of the reply to a NOTIFY, or "timeout".
notify() {
	"$PY" - "$1" "$2" <<'EOF'
import sys
import dns.exception, dns.message, dns.opcode, dns.query, dns.rcode, dns.rdatatype
m = dns.message.make_query(sys.argv[2], dns.rdatatype.SOA)
m.set_opcode(dns.opcode.NOTIFY)
m.flags |= dns.flags.AA
try:
    r = dns.query.udp(m, "127.0.0.1", port=int(sys.argv[1]), timeout=2)
    print(dns.rcode.to_text(r.rcode()))
except dns.exception.Timeout:
    print("timeout")
EOF
}

# What was in the list above: start-stop-daemon implementations to try.
ssds=
command -v start-stop-daemon >/dev/null 2>&1 && ssds="start-stop-daemon"
if command -v busybox >/dev/null 2>&1 && busybox start-stop-daemon --help >/dev/null 2>&1; then
	ssds="$ssds busybox"
fi
if [ -z "$ssds" ]; then
	echo "not ok - init.d script against the daemon: no start-stop-daemon (tools/deps.sh installs busybox)"
	exit 1
fi

for impl in $ssds; do
	case $impl in
	busybox) ssd="busybox start-stop-daemon" ;;
	*) ssd=$impl ;;
	esac
	cfg=$tmp/$impl.json
	config "$port1" "$cfg"
	export NOTIFY53_DEFAULTS=/dev/null NOTIFY53_BIN="$NOTIFY53" NOTIFY53_CONFIG="$cfg" \
		PIDFILE="$tmp/$impl.pid" SSD="$ssd"
	t="init.d with $impl:"

	out=$("$INIT" start 2>&1)
	tap_ok "$t start says OK" test "$out" = "Starting notify53: OK"
	pid=$(cat "$PIDFILE" 2>/dev/null)
	tap_ok "$t the pid file holds the daemon's pid" \
		sh -c "[ -n '$pid' ] && [ \"\$(readlink /proc/$pid/exe)\" = \"\$(readlink -f '$NOTIFY53')\" ]"
	tap_ok "$t the daemon runs notify53 daemon -c CONFIG --syslog" \
		sh -c "tr '\\0' ' ' </proc/$pid/cmdline | grep -q 'daemon -c $cfg --syslog'"
	"$INIT" status >"$tmp/status" 2>&1
	rc=$?
	tap_ok "$t status: running, exit 0" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'notify53 is running (pid $pid)' '$tmp/status'"
	tap_is "$t the daemon answers NOTIFY for its zone" "$(notify "$port1" example.test)" NOERROR
	out=$("$INIT" start 2>&1)
	tap_is "$t a second start leaves it alone" "$out" "Starting notify53: already running"
	tap_is "$t ... same pid" "$(cat "$PIDFILE")" "$pid"

	# A second instance on the same port cannot bind and says so.
	PIDFILE=$tmp/$impl-2.pid "$INIT" start >"$tmp/second" 2>&1
	rc=$?
	tap_ok "$t a second instance on a busy port: FAIL, exit 1, no pid file" \
		sh -c "[ $rc -eq 1 ] && grep -q 'FAIL' '$tmp/second' && [ ! -e '$tmp/$impl-2.pid' ]"

	# reload: the new port answers, the old one no longer does.
	config "$port2" "$cfg"
	out=$("$INIT" reload 2>&1)
	tap_is "$t reload says OK" "$out" "Reloading notify53: OK"
	i=0
	while [ $i -lt 30 ] && [ "$(notify "$port2" example.test)" != NOERROR ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tap_is "$t after reload the new port answers" "$(notify "$port2" example.test)" NOERROR
	tap_is "$t ... the old port is closed" "$(notify "$port1" example.test)" timeout
	tap_ok "$t ... by the same process" kill -0 "$pid"

	# A bad config: refused before any signal, the daemon keeps the old one.
	cp "$cfg" "$tmp/good.json"
	echo '{"zones": 1}' >"$cfg"
	"$INIT" reload >"$tmp/reload_bad" 2>&1
	rc=$?
	tap_ok "$t reload of an invalid config: FAIL, exit 1" \
		sh -c "[ $rc -eq 1 ] && grep -q 'FAIL (config' '$tmp/reload_bad'"
	tap_is "$t ... the daemon still answers" "$(notify "$port2" example.test)" NOERROR
	# restart is stop then start: an invalid config must not stop the
	# running daemon only for start to refuse it.
	"$INIT" restart >"$tmp/restart_bad" 2>&1
	rc=$?
	tap_ok "$t restart with an invalid config: FAIL, exit 1" \
		sh -c "[ $rc -eq 1 ] && grep -q 'FAIL (config' '$tmp/restart_bad'"
	tap_ok "$t ... the daemon still runs, same pid, its pid file kept" \
		sh -c "kill -0 $pid && [ \"\$(cat '$PIDFILE' 2>/dev/null)\" = $pid ]"
	tap_is "$t ... and still answers" "$(notify "$port2" example.test)" NOERROR
	cp "$tmp/good.json" "$cfg"

	"$INIT" dump >/dev/null 2>&1
	rc=$?
	sleep 0.2
	tap_ok "$t dump (SIGUSR1): exit 0, the daemon keeps running" \
		sh -c "[ $rc -eq 0 ] && kill -0 $pid"

	out=$("$INIT" stop 2>&1)
	tap_is "$t stop says OK" "$out" "Stopping notify53: OK"
	tap_ok "$t ... the process is gone" sh -c "[ ! -e /proc/$pid ] || grep -q ') Z ' /proc/$pid/stat"
	tap_ok "$t ... and its pid file" test ! -e "$PIDFILE"
	"$INIT" status >/dev/null 2>&1
	rc=$?
	tap_is "$t status after stop: exit 3" "$rc" 3
	out=$("$INIT" stop 2>&1)
	tap_is "$t stop when stopped" "$out" "Stopping notify53: not running"

	echo '{"zones": [' >"$cfg"
	"$INIT" start >"$tmp/start_bad" 2>&1
	rc=$?
	tap_ok "$t start with an invalid config: FAIL, exit 1, nothing running" \
		sh -c "[ $rc -eq 1 ] && grep -q 'FAIL (config)' '$tmp/start_bad' && [ ! -e '$PIDFILE' ]"
done

tap_done
