# Shell helper for tests that use tools/r53emu.py (the Route 53 emulator).
#
#   . test/lib/emu.sh
#   emu_start --rate 1000 --burst 1000      # extra r53emu flags allowed
#   ... use $EMU_URL (https://127.0.0.1:PORT), $EMU_CA, $EMU_PORT ...
#   emu_admin POST /_emu/zones '{"name":"example.com."}'
#   emu_count ChangeResourceRecordSets      # number of such API requests
#   emu_stop                                # also run by the EXIT trap
#
# Credentials default to AKID:SECRET (set EMU_CREDENTIALS to change, several
# separated by spaces). The emulator exits by itself when this shell goes
# away (parent watch) and after --max-lifetime (EMU_MAX_LIFETIME, 600 s).

EMU_ROOT=${EMU_ROOT:-$(cd "$(dirname "${BASH_SOURCE:-$0}")/../.." 2>/dev/null && pwd)}
EMU_PY=/usr/bin/python3

emu_start() {
	EMU_DIR=$(mktemp -d "${TMPDIR:-/tmp}/emu-sh.XXXXXX") || return 1
	set -- --listen 127.0.0.1:0 --port-file "$EMU_DIR/port" \
		--ca-out "$EMU_DIR/ca.pem" --max-lifetime "${EMU_MAX_LIFETIME:-600}" "$@"
	for c in ${EMU_CREDENTIALS:-AKID:SECRET}; do
		set -- "$@" --credentials "$c"
	done
	"$EMU_PY" "$EMU_ROOT/tools/r53emu.py" "$@" \
		>"$EMU_DIR/stdout" 2>"$EMU_DIR/stderr" </dev/null &
	EMU_PID=$!
	trap emu_stop EXIT
	i=0
	while [ $i -lt 300 ]; do
		if grep -qx ready "$EMU_DIR/stdout" 2>/dev/null; then
			EMU_PORT=$(cat "$EMU_DIR/port")
			EMU_CA=$EMU_DIR/ca.pem
			case " $* " in
			*" --http "*) EMU_URL=http://127.0.0.1:$EMU_PORT; EMU_CA= ;;
			*) EMU_URL=https://127.0.0.1:$EMU_PORT ;;
			esac
			export EMU_DIR EMU_PID EMU_PORT EMU_CA EMU_URL
			return 0
		fi
		kill -0 "$EMU_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	echo "emu_start: emulator not ready:" >&2
	cat "$EMU_DIR/stderr" >&2
	emu_stop
	return 1
}

emu_stop() {
	if [ -n "${EMU_PID:-}" ]; then
		kill "$EMU_PID" 2>/dev/null
		wait "$EMU_PID" 2>/dev/null
		EMU_PID=
	fi
	if [ -n "${EMU_DIR:-}" ]; then
		rm -rf "$EMU_DIR"
		EMU_DIR=
	fi
}

# emu_admin METHOD PATH [JSON] - prints the JSON answer; fails on non-200.
emu_admin() {
	"$EMU_PY" - "$EMU_URL" "${EMU_CA:-}" "$1" "$2" "${3:-}" <<'EOF'
import json, ssl, sys, urllib.request, urllib.error
url, ca, method, path, body = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=ca) if ca else None
req = urllib.request.Request(url + path, data=body.encode() or None,
                             method=method)
try:
    with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stderr.write(e.read().decode())
    sys.exit(1)
EOF
}

# emu_log [OP] - the request log (JSON), optionally only one operation.
emu_log() {
	if [ -n "${1:-}" ]; then
		emu_admin GET "/_emu/log?op=$1"
	else
		emu_admin GET /_emu/log
	fi
}

# emu_count [OP] - number of API requests (of OP) since the last reset.
emu_count() {
	emu_log "${1:-}" | "$EMU_PY" -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))'
}

emu_reset() {
	emu_admin POST /_emu/reset "${1:-}" >/dev/null
}
