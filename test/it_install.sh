#!/bin/sh
# `make install`, the man page and `make deb`:
# - install into a DESTDIR with the default PREFIX and with PREFIX, BINDIR
#   and SYSCONFDIR set: the binary, the man page, the systemd unit naming
#   those paths, the sample config with mode 600 that passes check-config,
#   and an existing config never overwritten;
# - the man page: `mandoc -T lint` clean, every command of src/cli/main.c and
#   every configuration key src/config/cfg.c reads documented, the signals the
#   daemon handles and the exit statuses of src/cli/cmd.h;
# - the Debian package: its files, modes and conffile, lintian without
#   errors (the warnings counted and printed), the same .deb twice; then
#   installed for real with dpkg in a throw-away copy of this machine (an
#   overlay mount over /, in a mount namespace of its own): the notify53
#   user created, the config given to it and readable by it, the unit
#   passing `systemd-analyze verify`, an edited config kept by a
#   reinstall, the package purged; and what the maintainer scripts ask of
#   systemd (stand-ins for systemctl and deb-systemd-invoke record it):
#   nothing started by a fresh install, daemon-reload and try-restart on a
#   reinstall or upgrade, stop on removal before the files go, nothing at
#   all when systemd is not running.
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

make -s notify53 >"$tmp/make.log" 2>&1
tap_ok "make builds ./notify53" test -x notify53

# ---- make install -------------------------------------------------------------

d=$tmp/d1
make -s install DESTDIR="$d" >"$tmp/install.log" 2>&1
tap_ok "make install DESTDIR: exit 0" test $? -eq 0
tap_ok "install: /usr/local/sbin/notify53, mode 755, runs" \
	sh -c "[ \"\$(stat -c %a '$d/usr/local/sbin/notify53')\" = 755 ] && '$d/usr/local/sbin/notify53' version | grep -q '^notify53 '"
tap_ok "install: /usr/local/share/man/man8/notify53.8, mode 644" \
	sh -c "[ \"\$(stat -c %a '$d/usr/local/share/man/man8/notify53.8')\" = 644 ]"
tap_ok "install: /usr/local/lib/systemd/system/notify53.service runs /usr/local/sbin/notify53" \
	grep -qx 'ExecStart=/usr/local/sbin/notify53 daemon -c /etc/notify53/config.json' \
	"$d/usr/local/lib/systemd/system/notify53.service"
cfg=$d/etc/notify53/config.json
tap_ok "install: /etc/notify53/config.json (SYSCONFDIR /etc whatever PREFIX), mode 600" \
	sh -c "[ \"\$(stat -c %a '$cfg')\" = 600 ]"
tap_ok "install: the sample config passes check-config" \
	sh -c "'$d/usr/local/sbin/notify53' check-config -c '$cfg' >/dev/null 2>&1"
echo '{"zones": []} ' >"$cfg"
chmod 640 "$cfg"
make -s install DESTDIR="$d" >"$tmp/install2.log" 2>&1
tap_ok "a second install keeps an existing config, its content and mode" \
	sh -c "grep -qx '{\"zones\": \[\]} ' '$cfg' && [ \"\$(stat -c %a '$cfg')\" = 640 ] && grep -q 'exists: kept' '$tmp/install2.log'"

d=$tmp/d2
make -s install DESTDIR="$d" PREFIX=/opt/n53 BINDIR=/opt/bin SYSCONFDIR=/opt/etc >/dev/null 2>&1
tap_ok "PREFIX, BINDIR, SYSCONFDIR: binary in BINDIR, man page and unit under PREFIX, config in SYSCONFDIR" \
	sh -c "[ -x '$d/opt/bin/notify53' ] && [ -f '$d/opt/n53/share/man/man8/notify53.8' ] && [ -f '$d/opt/n53/lib/systemd/system/notify53.service' ] && [ -f '$d/opt/etc/notify53/config.json' ]"
tap_ok "... the unit runs BINDIR/notify53 with SYSCONFDIR's config" \
	grep -qx 'ExecStart=/opt/bin/notify53 daemon -c /opt/etc/notify53/config.json' \
	"$d/opt/n53/lib/systemd/system/notify53.service"
tap_ok "... the man page names SYSCONFDIR's config" \
	sh -c "grep -q '/opt/etc/notify53/config.json' '$d/opt/n53/share/man/man8/notify53.8' && ! grep -q '^/etc/notify53' '$d/opt/n53/share/man/man8/notify53.8'"
# The binary's default for -c is compiled in (CFG_DEFAULT_PATH), whatever
# SYSCONFDIR is: the page must still name that one as the default.
cfg_default=$(sed -n 's/^#define CFG_DEFAULT_PATH "\(.*\)"$/\1/p' src/config/cfg.h)
tap_is "... but -c's default as the binary has it ($cfg_default)" \
	"$(sed -n '/^by default$/{n;s/^\.Pa \([^ ]*\) \.$/\1/p;}' "$d/opt/n53/share/man/man8/notify53.8")" \
	"$cfg_default"

# ---- the man page -------------------------------------------------------------

man=doc/notify53.8
# mandoc's notes about its own database (mandoc.db) are not about the page.
mandoc -T lint "$man" >"$tmp/lint" 2>&1
rc=$?
grep -v 'mandoc.db' "$tmp/lint" >"$tmp/lint.page"
tap_ok "mandoc -T lint: clean" sh -c "[ $rc -eq 0 ] && [ ! -s '$tmp/lint.page' ]"
sed 's/^/#   /' "$tmp/lint.page"
missing=
for c in $(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)[ "].*/\1/p' src/cli/main.c | sort -u); do
	grep -q "^\.Cm $c\( \|$\)" "$man" || missing="$missing $c"
done
tap_is "man page: every command of src/cli/main.c" "${missing:-none missing}" "none missing"
# The key tables of src/config/cfg.c: F(KIND, "key", ...) and Z(...) entries,
# READ("key", ...) and { "key", 0, KEY_OBJ, ... } (KEY_NOTICE keys are the
# original tool's, accepted with a notice only).
keys=$(sed -n -e 's/^[[:space:]]*[FZ](KEY_[A-Z]*, "\([a-z_]*\)".*/\1/p' \
	-e 's/^[[:space:]]*READ("\([a-z_]*\)".*/\1/p' \
	-e 's/^[[:space:]]*{ "\([a-z_]*\)", 0, KEY_OBJ,.*/\1/p' src/config/cfg.c)
missing=
for k in $keys; do
	grep -q "Cm $k\( \|$\)" "$man" || missing="$missing $k"
done
tap_ok "man page: the keys of src/config/cfg.c are at least 30" test "$(echo $keys | wc -w)" -ge 30
tap_is "man page: every configuration key of src/config/cfg.c" "${missing:-none missing}" "none missing"
missing=
for s in SIGHUP SIGTERM SIGINT SIGUSR1; do
	grep -q "$s" src/daemon/daemon.c || continue
	sed -n '/^\.Sh SIGNALS/,/^\.Sh /p' "$man" | grep -q "$s" || missing="$missing $s"
done
tap_is "man page: SIGNALS has every signal the daemon handles" "${missing:-none missing}" "none missing"
missing=
for v in $(sed -n 's/^[[:space:]]*CMD_[A-Z]* = \([0-9]*\).*/\1/p' src/cli/cmd.h) 2; do
	sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$man" | grep -qx "\.It $v" || missing="$missing $v"
done
tap_is "man page: EXIT STATUS has src/cli/cmd.h's statuses and plan's 2" "${missing:-none missing}" "none missing"
tap_ok "man page: FILES names the config" \
	sh -c "sed -n '/^\.Sh FILES/,/^\.Sh /p' '$man' | grep -q '/etc/notify53/config.json'"

# ---- make deb -----------------------------------------------------------------

deb=$(make -s deb 2>"$tmp/deb.err")
tap_ok "make deb: build/deb/notify53_VERSION-1_ARCH.deb" \
	sh -c "[ -f '$deb' ] && echo '$deb' | grep -qx 'build/deb/notify53_[0-9.]*-1_$(dpkg --print-architecture).deb'"
[ -f "$deb" ] || { cat "$tmp/deb.err" | sed 's/^/#   /'; tap_done; }
dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' >"$tmp/contents"
for f in "-rwxr-xr-x root/root ./usr/sbin/notify53" \
	"-rw-r--r-- root/root ./lib/systemd/system/notify53.service" \
	"-rw-r--r-- root/root ./usr/share/man/man8/notify53.8.gz" \
	"-rw------- root/root ./etc/notify53/config.json" \
	"-rw-r--r-- root/root ./usr/share/doc/notify53/copyright"; do
	tap_ok "deb holds $f" grep -qxF -- "$f" "$tmp/contents"
done
tap_is "deb: /etc/notify53/config.json is its one conffile" \
	"$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)" "/etc/notify53/config.json"
tap_is "deb: the man page is doc/notify53.8" \
	"$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/share/man/man8/notify53.8.gz | gzip -dc | md5sum)" \
	"$(md5sum <doc/notify53.8)"
tap_is "deb: the binary is ./notify53" \
	"$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/sbin/notify53 | md5sum)" "$(md5sum <notify53)"
cp "$deb" "$tmp/first.deb"
make -s deb >/dev/null 2>&1
tap_ok "deb: a second build gives the same file" cmp -s "$deb" "$tmp/first.deb"

lintian --tag-display-limit 0 "$deb" >"$tmp/lintian" 2>&1
errors=$(grep -c '^E: ' "$tmp/lintian")
warnings=$(grep -c '^W: ' "$tmp/lintian")
grep '^[EW]: ' "$tmp/lintian" | sed 's/^/#   /'
tap_ok "lintian: 0 errors ($warnings warnings)" test "$errors" -eq 0 -a "$(grep -c '^notify53' "$tmp/lintian")" -eq 0
echo "# lintian: $errors errors, $warnings warnings"

# ---- the package installed, in a copy of this machine ---------------------------
# The overlay's upper layer takes every write; the machine itself is not
# touched. Each step mounts the same layers again in a new mount namespace.

if [ "$(id -u)" -ne 0 ]; then
	tap_skip "dpkg -i, reinstall and purge in an overlay copy of this machine" "needs root"
	tap_done
fi
ov=$tmp/ov
mkdir -p "$ov/upper/tmp" "$ov/work" "$ov/root"
cp "$deb" "$ov/upper/tmp/notify53.deb"
inside() {
	unshare --mount --propagation private sh -c \
		"mount -t overlay overlay -o 'lowerdir=/,upperdir=$ov/upper,workdir=$ov/work' '$ov/root' &&
		 exec chroot '$ov/root' sh -c \"\$1\"" sh "$1"
}
# systemctl and deb-systemd-invoke in the copy only record what they are
# asked (one line each in /tmp/svc.log, "[files gone]" when the package's
# binary or unit is no longer there); /run/systemd/system says that systemd
# runs (sd_booted(3)), as the maintainer scripts test it.
inside 'for t in systemctl deb-systemd-invoke; do
	printf "%s\n" "#!/bin/sh" \
		"l=\"\${0##*/} \$*\"" \
		"[ -e /usr/sbin/notify53 ] && [ -e /lib/systemd/system/notify53.service ] || l=\"\$l [files gone]\"" \
		"echo \"\$l\" >>/tmp/svc.log" >/usr/bin/$t && chmod 755 /usr/bin/$t
	done && mkdir -p /run/systemd/system && : >/tmp/svc.log'
tap_ok "stand-ins for systemctl and deb-systemd-invoke record their calls" \
	inside 'systemctl is-active x && deb-systemd-invoke stop x && [ "$(cat /tmp/svc.log)" = "systemctl is-active x [files gone]
deb-systemd-invoke stop x [files gone]" ] && : >/tmp/svc.log'
# What the maintainer scripts asked since the last call.
svc_log() {
	inside 'cat /tmp/svc.log && : >/tmp/svc.log' 2>&1
}
# inside_ok WHAT COMMAND: ok when COMMAND exits 0 in the copy; its output
# shown when not.
inside_ok() {
	inside "$2" >"$tmp/inside.log" 2>&1
	rc=$?
	tap_ok "$1: exit 0" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$tmp/inside.log"
}
inside_ok "dpkg -i" 'dpkg -i /tmp/notify53.deb'
tap_is "fresh install under systemd: daemon-reload, nothing started (the config needs editing)" \
	"$(svc_log)" "systemctl --system daemon-reload"
tap_ok "postinst: the notify53 system user and group exist" \
	inside 'getent passwd notify53 | grep -q ":/usr/sbin/nologin$" && getent group notify53 >/dev/null'
tap_is "postinst: the config is notify53's, mode 600" \
	"$(inside 'stat -c "%U:%G %a" /etc/notify53/config.json' 2>&1)" "notify53:notify53 600"
tap_ok "the notify53 user can read the config (as the daemon does on SIGHUP)" \
	inside 'chroot --userspec=notify53:notify53 / /usr/sbin/notify53 check-config >/dev/null 2>&1'
inside 'systemd-analyze verify /lib/systemd/system/notify53.service' >"$tmp/verify" 2>&1
rc=$?
tap_ok "installed unit: systemd-analyze verify passes" sh -c "[ $rc -eq 0 ] && [ ! -s '$tmp/verify' ]"
sed 's/^/#   /' "$tmp/verify"
inside 'echo "{\"zones\": []}" >/etc/notify53/config.json && dpkg -i --force-confold /tmp/notify53.deb' \
	>/dev/null 2>&1
tap_is "reinstall under systemd: the unit re-read, a running daemon restarted on the new binary" \
	"$(svc_log)" "$(printf '%s\n' 'systemctl --system daemon-reload' 'deb-systemd-invoke try-restart notify53.service')"
tap_is "reinstall: the edited config is kept, still notify53's" \
	"$(inside 'cat /etc/notify53/config.json; stat -c "%U %a" /etc/notify53/config.json' 2>&1)" \
	"$(printf '{"zones": []}\nnotify53 600')"
# dpkg keeps a conffile the administrator deleted deleted on upgrade
# (dpkg(1), --force-confmiss): postinst must not fail on its absence.
# This one without systemd running (a chroot, a container under another
# init): the scripts must not ask systemd anything.
inside_ok "reinstall after the config was deleted" \
	'rm -rf /run/systemd/system && rm /etc/notify53/config.json && dpkg -i /tmp/notify53.deb'
tap_ok "... the package configured, the config still deleted" \
	inside '[ "$(dpkg-query -W -f "\${Status}" notify53)" = "install ok installed" ] && ! [ -e /etc/notify53/config.json ]'
tap_is "... and, systemd not running, nothing asked of it" "$(svc_log)" ""
# An upgrade to a newer version, systemd running again: the daemon keeps
# running through it (no stop) and is restarted on the new binary.
ver=$(dpkg-deb -f "$deb" Version)+1
deb2=$(sh tools/deb/build.sh notify53 "$ver" "$(dpkg-deb -f "$deb" Architecture)" \
	"$(dpkg-deb -f "$deb" Maintainer)" 0 "$tmp/deb2") && cp "$deb2" "$ov/upper/tmp/notify53-2.deb"
inside_ok "upgrade to $ver" 'mkdir -p /run/systemd/system && dpkg -i /tmp/notify53-2.deb'
tap_is "... $ver installed" "$(inside 'dpkg-query -W -f "\${Version}" notify53' 2>&1)" "$ver"
tap_is "upgrade under systemd: no stop, the unit re-read, a running daemon restarted" \
	"$(svc_log)" "$(printf '%s\n' 'systemctl --system daemon-reload' 'deb-systemd-invoke try-restart notify53.service')"
inside_ok "dpkg -r" 'dpkg -r notify53'
tap_is "remove under systemd: the daemon stopped before its files go, then the unit forgotten" \
	"$(svc_log)" "$(printf '%s\n' 'deb-systemd-invoke stop notify53.service' 'systemctl --system daemon-reload [files gone]')"
inside 'dpkg --purge notify53' >/dev/null 2>&1
tap_ok "purge: binary, unit and config gone" \
	inside '! [ -e /usr/sbin/notify53 ] && ! [ -e /lib/systemd/system/notify53.service ] && ! [ -e /etc/notify53/config.json ]'
tap_ok "... and none of it reached this machine" \
	sh -c '! getent passwd notify53 >/dev/null && ! dpkg-query -W notify53 >/dev/null 2>&1'

tap_done
