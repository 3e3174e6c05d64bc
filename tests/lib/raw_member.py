#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A member's raw client on a served tunnel's socket: what any program of a member could say.

    raw_member.py SOCKET [--seconds N] [--stay] [COMMAND]...

Connects, prints every line received as "<< line" (flushed), and once the first line has come
sends each COMMAND (a line as it is; "\\t" and "\\x01" escapes are taken) a moment apart, then
reads N seconds more (default 2).  --stay: then keeps the connection open until killed.
"""
import socket
import sys
import time


def main():
    args = sys.argv[1:]
    path = args.pop(0)
    seconds, stay, commands = 2.0, False, []
    while args:
        a = args.pop(0)
        if a == "--seconds":
            seconds = float(args.pop(0))
        elif a == "--stay":
            stay = True
        else:
            commands.append(a.encode().decode("unicode_escape").encode("latin-1"))
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    print("connected", flush=True)
    buf = b""

    def pump(until):
        nonlocal buf
        while time.time() < until:
            s.settimeout(max(0.01, until - time.time()))
            try:
                d = s.recv(4096)
            except socket.timeout:
                continue
            if not d:
                print("<<EOF", flush=True)
                return False
            buf += d
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                print("<< " + line.decode("utf-8", "replace").rstrip("\r"), flush=True)
        return True

    # The first line: serve's greeting (openvpn's), or why not.
    end = time.time() + 15
    while b"\n" not in buf and time.time() < end:
        if not pump(time.time() + 0.2):
            return
    if not pump(time.time() + 0.3):
        return
    for c in commands:
        s.sendall(c + b"\n")
        if not pump(time.time() + 0.3):
            return
    if not pump(time.time() + seconds):
        return
    while stay:
        if not pump(time.time() + 3600):
            return


main()
