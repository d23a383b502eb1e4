# Tiny TAP-like reporter for shell tests (see test/run.sh).
#   . test/lib/tap.sh
#   tap_ok "what" command args...     # ok when the command succeeds
#   tap_is "what" "$got" "$want"
#   tap_skip "what" "why"             # did not run here: a skip, never a pass
#   tap_done                          # exit status 1 when anything failed
TAP_FAILED=0

tap_ok() {
	what=$1
	shift
	if "$@"; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

tap_is() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

tap_skip() {
	echo "ok - $1 # SKIP $2"
}

tap_done() {
	[ "$TAP_FAILED" -eq 0 ]
	exit $?
}
