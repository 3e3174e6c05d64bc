#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 13-systemd-unit: `make install` puts a template unit that systemd accepts without a single warning,
# runs ovpn-token unattended (--batch, --restart) and gives it the PIN as a credential, not in argv
# or the environment.  Then (as root) the installed unit runs the way systemd runs a system
# service, without booting one: its own ExecStart= line with %i expanded, in a private mount
# namespace where the unit's machine-wide paths (/etc/openvpn/client, /run, /var/lib, /var/log,
# SoftHSM2's /etc config) are this test's folders, with env -i and only what systemd sets (PATH,
# the unit's *_DIRECTORY and CREDENTIALS_DIRECTORY; no HOME), cwd /, umask 0022:
#   b) it reaches CONNECTED with the PIN from the credential; its log is 0600, its lock in
#      $STATE_DIRECTORY, its management socket's folder in $RUNTIME_DIRECTORY; SIGTERM (systemctl
#      stop) ends it with 0 and leaves nothing in the runtime folder;
#   c) a state folder it must not use (another user's) ends it with an exit code that the unit's
#      RestartPreventExitStatus= lists: no restart every 10 s for ever;
#   d) issue 18's reproduction, `env -i PATH=/usr/bin:/bin ovpn-token start --batch --log ...
#      --status-file ... office.conf` (no HOME, no systemd folders): the passwd entry's home
#      holds the state folder and it connects.
# e2e-timeout: 180
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init

top=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$top" install DESTDIR="$T/root" PREFIX=/usr/local >"$T/install.out" 2>&1 \
    || fail "make install: $(cat "$T/install.out")"
unit="$T/root/usr/local/lib/systemd/system/ovpn-token@.service"
[ -x "$T/root/usr/local/bin/ovpn-token" ] || fail "make install did not install the binary"
[ -f "$unit" ] || fail "make install did not install the unit"

grep -q '^ExecStart=/usr/local/bin/ovpn-token start --batch --restart ' "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
grep -q '^LoadCredential=pin:' "$unit" || fail "the PIN is not passed as a credential"
if grep -Eq '^(Environment|ExecStart).*(pin-file|PIN=)' "$unit"; then fail "the PIN is passed some other way"; fi
grep -Eq '^RestartPreventExitStatus=.*\b6\b' "$unit" || fail "a rejected PIN (6) would restart the unit"

command -v systemd-analyze >/dev/null || fail "systemd-analyze missing (package systemd)"
# An instance of the template, with ExecStart pointing at the installed binary so verify can find it.
sed "s|/usr/local/bin/|$T/root/usr/local/bin/|" "$unit" > "$T/ovpn-token@office.service"
# The unit's Documentation= names our man page: verify runs man on it, which must find the
# installed one (the trailing ':' keeps the system's pages, for openvpn(8)).
MANPATH="$T/root/usr/local/share/man:" systemd-analyze verify "$T/ovpn-token@office.service" >"$T/verify.out" 2>&1 || fail "verify failed: $(cat "$T/verify.out")"
[ ! -s "$T/verify.out" ] || fail "systemd-analyze complains: $(cat "$T/verify.out")"

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
    log "SKIP: b-d need root and unshare (a private mount namespace for the unit's paths)"
    pass
fi
require_ovpn_token
for d in /etc/openvpn/client /etc/softhsm /run /var/lib /var/log /usr/local/bin; do
    [ -d "$d" ] || fail "$d is missing: the namespace needs it as a mount point"
done

# The unit's settings, %i expanded as systemd would for ovpn-token@office.
INSTANCE=office
unit_value() { sed -n "s/^$1=//p" "$unit" | tail -n 1 | sed "s/%i/$INSTANCE/g"; }
exec_start=$(unit_value ExecStart)
case $exec_start in *%*|*\"*|*\'*) fail "ExecStart needs a specifier or quoting this test does not expand: $exec_start" ;; esac
read -r -a EXEC <<< "$exec_start"
credential=$(unit_value LoadCredential)
cred_name=${credential%%:*} cred_source=${credential#*:}
state_dir=/var/lib/$(unit_value StateDirectory) runtime_dir=/run/$(unit_value RuntimeDirectory)
logs_dir=/var/log/$(unit_value LogsDirectory)
[ "$state_dir" != /var/lib/ ] && [ "$runtime_dir" != /run/ ] && [ "$logs_dir" != /var/log/ ] \
    || fail "the unit does not name its State-, Runtime- and LogsDirectory="
prevent=" $(unit_value RestartPreventExitStatus) "
log "ExecStart: ${EXEC[*]}"

PIN=468024
bed_up "Unit Token" "$PIN" client1
# What an admin puts in place (the paths the unit names), in this test's folders.
NS=$T/ns
mkdir -p "$NS/client" "$NS/run" "$NS/lib" "$NS/log" "$NS/bin" "$NS/home" "$NS/etc-ovpn-token"
chmod 755 "$NS/run" "$NS/lib" "$NS/log"
cp "$T/client.conf" "$NS/client/$INSTANCE.conf"
case $cred_source in /etc/ovpn-token/*) ;; *) fail "LoadCredential= reads $cred_source, not /etc/ovpn-token/" ;; esac
printf '%s\n' "$PIN" > "$NS/etc-ovpn-token/${cred_source#/etc/ovpn-token/}"
chmod 600 "$NS/etc-ovpn-token/${cred_source#/etc/ovpn-token/}"
ln -s "$OVPN_TOKEN" "$NS/bin/ovpn-token"
# The token through SoftHSM2's own config: the unit's environment has no SOFTHSM2_CONF.
cp "$SOFTHSM2_CONF" "$NS/softhsm2.conf"

# What systemd makes before ExecStart: the folders with the unit's modes, the credential.
ns_path() { case $1 in /run/*) echo "$NS/run/${1#/run/}" ;; /var/lib/*) echo "$NS/lib/${1#/var/lib/}" ;;
    /var/log/*) echo "$NS/log/${1#/var/log/}" ;; *) fail "no folder of the test for $1" ;; esac; }
mode_of_setting() { local m; m=$(unit_value "$1"); echo "${m:-0755}"; }
systemd_prepares() {
    install -d -m "$(mode_of_setting StateDirectoryMode)" "$(ns_path "$state_dir")"
    install -d -m "$(mode_of_setting RuntimeDirectoryMode)" "$(ns_path "$runtime_dir")"
    install -d -m "$(mode_of_setting LogsDirectoryMode)" "$(ns_path "$logs_dir")"
    CRED_DIR=/run/credentials/ovpn-token@$INSTANCE.service
    install -d -m 0500 "$(ns_path "$CRED_DIR")"
    install -m 0400 "$NS/etc-ovpn-token/${cred_source#/etc/ovpn-token/}" "$(ns_path "$CRED_DIR")/$cred_name"
}

# run_in_namespace OUT CMD...: CMD in a private mount namespace over the unit's paths, in the
# background (pid in $UNIT_PID: the namespace's bash execs env, which execs CMD).
run_in_namespace() {
    local out=$1; shift
    {
        echo 'set -e'
        printf 'mount --bind %q /etc/openvpn/client\n' "$NS/client"
        printf 'mount --bind %q /etc/softhsm/softhsm2.conf\n' "$NS/softhsm2.conf"
        printf 'mount --bind %q /run\n' "$NS/run"
        printf 'mount --bind %q /var/lib\n' "$NS/lib"
        printf 'mount --bind %q /var/log\n' "$NS/log"
        printf 'mount --bind %q /usr/local/bin\n' "$NS/bin"
        if [ "$(readlink -f "$OPENVPN")" != "$(readlink -f /usr/sbin/openvpn 2>/dev/null)" ]; then
            [ -e /usr/sbin/openvpn ] || fail "no /usr/sbin/openvpn to put $OPENVPN over"
            printf 'mount --bind %q /usr/sbin/openvpn\n' "$(readlink -f "$OPENVPN")"
        fi
        # Last: the openvpn under test may live in root's home (~/.cache).
        printf 'mount --bind %q %q\n' "$NS/home" "$(getent passwd root | cut -d: -f6)"
        echo 'cd /'
        echo 'umask 0022'
        printf 'exec'; printf ' %q' "$@"; echo
    } > "$T/ns-run.sh"
    unshare --mount --propagation private bash "$T/ns-run.sh" </dev/null >"$out" 2>&1 &
    UNIT_PID=$!
    TB_PIDS+=("$UNIT_PID")
}
# The environment systemd gives a system service without User=.
SYSTEMD_ENV=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    INVOCATION_ID=0123456789abcdef0123456789abcdef SYSTEMD_EXEC_PID=1
    STATE_DIRECTORY="$state_dir" RUNTIME_DIRECTORY="$runtime_dir" LOGS_DIRECTORY="$logs_dir")

log "b) the unit's ExecStart, run as systemd runs it, to CONNECTED"
systemd_prepares
run_in_namespace "$T/unit.out" "${SYSTEMD_ENV[@]}" CREDENTIALS_DIRECTORY="$CRED_DIR" "${EXEC[@]}"
status=$(ns_path "$runtime_dir")/status
if ! wait_for "$status" "^state=CONNECTED$" 40; then
    pid_alive "$UNIT_PID" || { wait "$UNIT_PID" && rc=0 || rc=$?; fail "b: it exited with $rc: $(cat "$T/unit.out")"; }
    fail "b: not CONNECTED: $(cat "$status" 2>/dev/null)"
fi
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "b: the server did not verify client1"
ovpn_log=$(ns_path "$logs_dir")/$INSTANCE.log
[ -f "$ovpn_log" ] || fail "b: no log at $logs_dir/$INSTANCE.log"
[ "$(stat -c %a "$ovpn_log")" = 600 ] || fail "b: the log has mode $(stat -c %a "$ovpn_log") (umask 0022)"
grep -q "Initialization Sequence Completed" "$ovpn_log" || fail "b: openvpn's log is elsewhere"
ls "$(ns_path "$state_dir")"/"$INSTANCE"-*.lock >/dev/null 2>&1 \
    || fail "b: no instance lock in $state_dir: $(ls -la "$(ns_path "$state_dir")")"
run_dirs=$(cd "$(ns_path "$runtime_dir")" && ls -d ovpn-token.* 2>/dev/null || true)
[ "$(echo "$run_dirs" | wc -w)" = 1 ] || fail "b: run folders in $runtime_dir: '$run_dirs'"
[ -z "$(ls -A "$NS/home")" ] || fail "b: something went into the home folder: $(ls -A "$NS/home")"
# systemctl stop: SIGTERM to the main process.
kill -TERM "$UNIT_PID"
wait_until 20 pid_gone "$UNIT_PID" || fail "b: still running 20 s after SIGTERM"
wait "$UNIT_PID" && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "b: exit $rc after SIGTERM: $(cat "$T/unit.out")"
grep -qx "state=EXITED" "$status" || fail "b: status after the stop: $(cat "$status")"
[ "$(ls -A "$(ns_path "$runtime_dir")")" = status ] || fail "b: left in $runtime_dir: $(ls -A "$(ns_path "$runtime_dir")")"
wait_listening "$PORT" || true

log "c) a state folder it must not use: an exit code the unit does not restart on"
chown 65534:65534 "$(ns_path "$state_dir")"
run_in_namespace "$T/unit-c.out" "${SYSTEMD_ENV[@]}" CREDENTIALS_DIRECTORY="$CRED_DIR" "${EXEC[@]}"
wait_until 30 pid_gone "$UNIT_PID" || fail "c: still running"
wait "$UNIT_PID" && rc=0 || rc=$?
grep -Fq "belongs to another user" "$T/unit-c.out" || fail "c: the cause is not said: $(cat "$T/unit-c.out")"
case $prevent in *" $rc "*) ;; *) fail "c: exit $rc, which RestartPreventExitStatus=$prevent does not list: restarted every 10 s" ;; esac
chown 0:0 "$(ns_path "$state_dir")"

log "d) no HOME and no systemd folders: the passwd entry's home"
run_in_namespace "$T/unit-d.out" env -i PATH=/usr/bin:/bin CREDENTIALS_DIRECTORY="$CRED_DIR" \
    /usr/local/bin/ovpn-token start --batch --log /var/log/x.log --status-file /run/s \
    "/etc/openvpn/client/$INSTANCE.conf"
if ! wait_for "$NS/run/s" "^state=CONNECTED$" 40; then
    pid_alive "$UNIT_PID" || { wait "$UNIT_PID" && rc=0 || rc=$?; fail "d: it exited with $rc: $(cat "$T/unit-d.out")"; }
    fail "d: not CONNECTED: $(cat "$NS/run/s" 2>/dev/null)"
fi
ls "$NS/home/.local/state/ovpn-token/$INSTANCE"-*.lock >/dev/null 2>&1 \
    || fail "d: no lock in ~root/.local/state/ovpn-token: $(find "$NS/home" | head)"
kill -TERM "$UNIT_PID"
wait_until 20 pid_gone "$UNIT_PID" || fail "d: still running 20 s after SIGTERM"
pass
