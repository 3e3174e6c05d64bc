#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive an openvpn client's management interface by rules, and record the wire.

    mgmt_wire.py SOCKET OUT [--rule|--then REGEX COMMAND]... [--until REGEX] [--seconds N]

Every line received is written to OUT as "<< line", every command sent as ">> command".
A rule fires on each received line matching REGEX (Python re.search) and sends COMMAND, once per
rule unless REGEX ends with "(*)" stripped off meaning "every time".  A --then rule is
armed only once the rule before it has fired (for sequences such as a CRV1 retry).  In COMMAND, {b64:TEXT}
becomes base64(TEXT).  Stops at a line matching --until, after --seconds, or at EOF.
Used to learn what openvpn says (tests/lib/challenge.sh's server on the other side).
"""
import base64
import re
import socket
import sys
import time


def expand(cmd):
    return re.sub(r"\{b64:([^}]*)\}", lambda m: base64.b64encode(m.group(1).encode()).decode(), cmd)


def main():
    args = sys.argv[1:]
    path, out = args[0], args[1]
    rules, until, seconds = [], None, 60.0
    i = 2
    while i < len(args):
        if args[i] in ("--rule", "--then"):
            rx, every = args[i + 1], False
            if rx.endswith("(*)"):
                rx, every = rx[:-3], True
            after = rules[-1] if args[i] == "--then" else None
            rules.append([re.compile(rx), args[i + 2], every, False, after])
            i += 3
        elif args[i] == "--until":
            until = re.compile(args[i + 1]); i += 2
        elif args[i] == "--seconds":
            seconds = float(args[i + 1]); i += 2
        else:
            sys.exit("bad argument " + args[i])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):
        try:
            s.connect(path); break
        except OSError:
            time.sleep(0.1)
    s.settimeout(0.5)
    log = open(out, "a", buffering=1)
    buf, end = b"", time.time() + seconds
    while time.time() < end:
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        if not data:
            log.write("-- EOF\n"); return
        buf += data
        while b"\n" in buf:
            raw, buf = buf.split(b"\n", 1)
            line = raw.rstrip(b"\r").decode("utf-8", "replace")
            log.write("<< " + line + "\n")
            for r in rules:
                armed = r[4] is None or r[4][3]
                if armed and r[0].search(line) and (r[2] or not r[3]):
                    r[3] = True
                    cmd = expand(r[1])
                    log.write(">> " + cmd + "\n")
                    s.sendall(cmd.encode() + b"\n")
            if until and until.search(line):
                return
    log.write("-- timeout\n")


if __name__ == "__main__":
    main()
