# A model of OpenWrt's /lib/functions/procd.sh (package/system/procd/files/
# procd.sh in openwrt/openwrt) and of the JSON that its jshn calls build
# (libubox's jshn.sh), written for the tests, not a copy. It reproduces the
# message procd receives:
# - procd_open_service starts {"name", "script", "instances": {...}};
#   procd_open_instance adds "instanceN" (N counting from 1) or the name
#   given; procd_close_service closes them, adds "triggers" (an array,
#   filled by service_triggers) and "data" (rc.common always defines
#   service_data), and sends the whole as `ubus call service set` (or
#   "add"), instances or not;
# - procd_set_param types as procd.sh gives them: command, netdev, file,
#   respawn, watch, watchdog and error arrays of strings; env, data and
#   limits tables of strings from NAME=VALUE; nice and term_timeout
#   integers; reload_signal the integer of `kill -l NAME`; stdout, stderr
#   and no_new_privs booleans; pidfile, user, group, seccomp, capabilities,
#   facility... strings; respawn without values gets 3600 5 5 (threshold,
#   timeout, retry: procd.sh's defaults when UCI sets none);
# - procd_kill sends `ubus call service delete`, procd_send_signal
#   `ubus call service signal`.
# Not modelled: procd_append_param, triggers' contents, validation, jails,
# mdns, procd_lock (busybox without flock).

_pj=
_pj_first=1

# JSON string literal of $1.
_pj_quote() {
	printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' |
		awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }')"
}

# Append member $1 (a name, or "" in an array) with the JSON text $2.
_pj_put() {
	[ -n "$_pj_first" ] || _pj="$_pj,"
	_pj_first=
	if [ -n "$1" ]; then
		_pj="$_pj$(_pj_quote "$1"):$2"
	else
		_pj="$_pj$2"
	fi
}

_pj_open() {
	_pj_put "$1" "$2"
	_pj_first=1
}

_pj_close() {
	_pj="$_pj$1"
	_pj_first=
}

_pj_array() {
	local name=$1 v
	shift
	_pj_open "$name" "["
	for v in "$@"; do
		_pj_put "" "$(_pj_quote "$v")"
	done
	_pj_close "]"
}

_pj_table() {
	local name=$1 kv k v
	shift
	_pj_open "$name" "{"
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		[ "$kv" = "$v" ] && v=
		_pj_put "$k" "$(_pj_quote "$v")"
	done
	_pj_close "}"
}

_pj_bool() {
	case "$1" in
	1 | true | on | yes) echo true ;;
	*) echo false ;;
	esac
}

procd_open_service() {
	_pj="{"
	_pj_first=1
	_procd_seq=0
	_pj_put name "$(_pj_quote "$1")"
	[ -n "$2" ] && _pj_put script "$(_pj_quote "$2")"
	_pj_open instances "{"
}

procd_open_instance() {
	_procd_seq=$((_procd_seq + 1))
	_pj_open "${1:-instance$_procd_seq}" "{"
}

procd_set_param() {
	local type=$1
	shift
	case "$type" in
	env | data | limits) _pj_table "$type" "$@" ;;
	respawn)
		[ $# -gt 0 ] || set -- 3600 5 5
		_pj_array "$type" "$@"
		;;
	command | netdev | file | watch | watchdog | error) _pj_array "$type" "$@" ;;
	nice | term_timeout) _pj_put "$type" "$(($1))" ;;
	reload_signal) _pj_put "$type" "$(kill -l "$1")" ;;
	stdout | stderr | no_new_privs) _pj_put "$type" "$(_pj_bool "$1")" ;;
	pidfile | user | group | seccomp | capabilities | facility | extroot | overlaydir | \
		tmpoverlaysize | vrf) _pj_put "$type" "$(_pj_quote "$1")" ;;
	esac
}

procd_close_instance() {
	_pj_close "}"
}

procd_close_service() {
	_pj_close "}"
	_pj_open triggers "["
	service_triggers
	_pj_close "]"
	if type service_data >/dev/null 2>&1; then
		_pj_open data "{"
		service_data
		_pj_close "}"
	fi
	_pj_close "}"
	ubus call service "${1:-set}" "$_pj"
}

procd_kill() {
	local msg="{$(_pj_quote name):$(_pj_quote "$1")"
	[ -n "$2" ] && msg="$msg,$(_pj_quote instance):$(_pj_quote "$2")"
	ubus call service delete "$msg}"
}

procd_send_signal() {
	local msg sig=$3
	case "$sig" in
	[A-Z]*) sig=$(kill -l "$sig" 2>/dev/null) || return 1 ;;
	esac
	msg="{$(_pj_quote name):$(_pj_quote "$1")"
	[ -n "$2" ] && [ "$2" != "*" ] && msg="$msg,$(_pj_quote instance):$(_pj_quote "$2")"
	[ -n "$sig" ] && msg="$msg,$(_pj_quote signal):$sig"
	ubus call service signal "$msg}"
}
