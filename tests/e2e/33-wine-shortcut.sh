#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 33-wine-shortcut: `ovpn-token.exe shortcut NAME` under wine makes the "Connect NAME (token)"
# Shell link through IShellLinkW, and the .lnk reads back (tests/win32/read_lnk.py parses its
# binary format, independently of the Windows code that wrote it) with the right target,
# arguments, working folder, icon and description:
#   a) the exe alone: cmd.exe /k running the exe, on the Desktop only;
#   b) the ovpn-token.cmd launcher beside the exe: the launcher; a config given by path;
#      --start-menu: also in the Start menu's Programs folder;
#   c) a name cmd.exe would change (%, &, ") is refused with exit 2 and no link.
# Run by `make windows-test` (OVPN_TOKEN_EXE set); otherwise, or without wine: SKIP.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../win32/wine-env.sh
. "$(dirname "$0")/../win32/wine-env.sh"
if [ -z "${OVPN_TOKEN_EXE:-}" ]; then echo "SKIP: OVPN_TOKEN_EXE not set (make windows-test runs this)"; exit 77; fi
if ! command -v wine >/dev/null; then echo "SKIP: wine not installed"; exit 77; fi
[ -f "$OVPN_TOKEN_EXE" ] || { echo "OVPN_TOKEN_EXE=$OVPN_TOKEN_EXE does not exist" >&2; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
read_lnk=$top/tests/win32/read_lnk.py

tb_init
# (exit $rc): tb_cleanup ends the test with the status it finds in $?, the test's own.
trap 'rc=$?; rm -f "$DESKTOP"/Connect*.lnk "$PROGRAMS"/Connect*.lnk 2>/dev/null; wine_prefix_down; (exit $rc); tb_cleanup' EXIT
wine_prefix_up "$T" || fail "cannot set up a wine prefix"
# Wine hands a saved link to winemenubuilder, which writes .desktop files into $HOME: not here.
export WINEDLLOVERRIDES="$WINEDLLOVERRIDES;winemenubuilder.exe=d"

winpath() { printf 'Z:%s' "${1//\//\\}"; }
wine_dir() { winepath -u "$(wine cmd /c echo "%$1%" 2>/dev/null | tr -d '\r')" 2>/dev/null; }
profile=$(wine_dir USERPROFILE)
appdata=$(wine_dir APPDATA)
[ -n "$profile" ] && [ -d "$profile" ] || fail "no %USERPROFILE% in the wine prefix"
# A new prefix links the Desktop to the Linux home folder; the test's links stay in the prefix.
DESKTOP=$profile/Desktop
if [ -L "$DESKTOP" ]; then rm "$DESKTOP"; mkdir "$DESKTOP"; fi
PROGRAMS="$appdata/Microsoft/Windows/Start Menu/Programs"

# field FILE NAME: one field of a link as read_lnk.py prints it.
field() { python3 "$read_lnk" "$1" | sed -n "s/^$2=//p"; }
expect_field() { # FILE NAME VALUE
    local got
    got=$(field "$1" "$2")
    [ "$got" = "$3" ] || fail "$(basename "$1"): $2 is [$got], expected [$3]"
}

log "a) the exe alone: the link runs it in cmd.exe /k"
mkdir -p "$T/app"
cp "$OVPN_TOKEN_EXE" "$T/app/ovpn-token.exe"
exe_w=$(winpath "$T/app/ovpn-token.exe")
app_w=$(winpath "$T/app")
RC=0
wine "$T/app/ovpn-token.exe" shortcut office --cert "Anna Example" >"$T/a.out" 2>&1 || RC=$?
tr -d '\r' <"$T/a.out" >"$T/a.txt"
[ "$RC" = 0 ] || fail "shortcut exited $RC: $(cat "$T/a.txt")"
link="$DESKTOP/Connect office (token).lnk"
[ -f "$link" ] || fail "no '$link' in the prefix's Desktop folder: $(cat "$T/a.txt")"
grep -qF 'Created C:\users\' "$T/a.txt" || fail "the link made is not announced: $(cat "$T/a.txt")"
grep -qF "Desktop\\Connect office (token).lnk" "$T/a.txt" || fail "announced path: $(cat "$T/a.txt")"
target=$(field "$link" target)
case ${target,,} in *'\system32\cmd.exe') ;; *) fail "target is [$target], expected cmd.exe" ;; esac
expect_field "$link" arguments "/k \"\"$exe_w\" start office --cert \"Anna Example\"\""
expect_field "$link" workdir "$app_w"
expect_field "$link" icon "$exe_w"
expect_field "$link" description "Connect to the VPN office with the smartcard or token (ovpn-token)"
[ ! -e "$PROGRAMS/Connect office (token).lnk" ] || fail "a Start-menu link without --start-menu"
# No config named office exists in this prefix: made anyway, with a warning.
grep -qF "warning: no config 'office' is there yet" "$T/a.txt" ||
    fail "no warning about the missing config: $(cat "$T/a.txt")"

log "b) beside ovpn-token.cmd: the link targets the launcher; --start-menu; a config by path"
cp "$top/win32/ovpn-token.cmd" "$T/app/ovpn-token.cmd"
RC=0
wine "$T/app/ovpn-token.exe" shortcut --start-menu 'C:\vpn\my office.ovpn' >"$T/b.out" 2>&1 || RC=$?
tr -d '\r' <"$T/b.out" >"$T/b.txt"
[ "$RC" = 0 ] || fail "shortcut --start-menu exited $RC: $(cat "$T/b.txt")"
for link in "$DESKTOP/Connect my office (token).lnk" "$PROGRAMS/Connect my office (token).lnk"; do
    [ -f "$link" ] || fail "no '$link': $(cat "$T/b.txt")"
    expect_field "$link" target "$(winpath "$T/app/ovpn-token.cmd")"
    expect_field "$link" arguments 'start "C:\vpn\my office.ovpn"'
    expect_field "$link" workdir "$app_w"
    expect_field "$link" icon "$exe_w"
done

log "c) names cmd.exe would change are refused, and no link is made"
for bad in '100%' 'a&b' 'say"hi'; do
    RC=0
    wine "$T/app/ovpn-token.exe" shortcut "$bad" >"$T/c.out" 2>&1 || RC=$?
    [ "$RC" = 2 ] || fail "shortcut '$bad' exited $RC, expected 2: $(tr -d '\r' <"$T/c.out")"
    grep -q "shortcut: .*would change or act on\|cannot be part of a file name" "$T/c.out" ||
        fail "no reason for refusing '$bad': $(tr -d '\r' <"$T/c.out")"
done
[ "$(find "$DESKTOP" -name 'Connect*.lnk' | wc -l)" = 2 ] || fail "extra links: $(ls "$DESKTOP")"

# Nothing of it outside the prefix (a Desktop linked to the home folder, winemenubuilder).
leaked=$(find "$HOME" "$HOME/Desktop" "$HOME/.local/share/applications" -maxdepth 3 \
    -name 'Connect*(token)*' 2>/dev/null || true)
[ -z "$leaked" ] || fail "shortcut files outside the wine prefix: $leaked"
pass
