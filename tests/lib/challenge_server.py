#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The deciding half of the two-factor test server: an OpenVPN `mode server` with
`management-client-auth` leaves every client's login to this script, which asks for a second
factor the way a company VPN would and logs exactly what the client answered.

    challenge_server.py --socket SERVER_MGMT_SOCK --log FILE --scenario NAME \
        --user U --password P [--otp CODE] [--approve-file PATH]

Scenarios (what happens after a CONNECT with username U):
  plain     password must be P
  useronly  any password (a client with 2.7's `auth-user-pass username-only`)
  static    password must be "SCRV1:<b64 P>:<b64 CODE>" or P+CODE (static-challenge on the client)
  crv1      password P -> client-deny with "CRV1:R,E:<state>:<b64 U>:<text>"; the next CONNECT
            must carry password "CRV1::<state>::CODE"
  crtext    password P -> client-pending-auth "CR_TEXT:R,E:<text>"; the cr-response must be CODE
  webauth   password P -> client-pending-auth "WEB_AUTH::<url>"; accepted once --approve-file exists
  openurl   the same with "OPEN_URL:<url>"
Anything else is denied with client reason "wrong OTP" (or "wrong password").

Log lines (one event each, values exactly as received, for tests to grep -Fx):
  connect cid=N kid=N username=<u> password=<p>
  iv_sso=<value or empty>
  cr-response=<decoded response>
  sent: <management command>
"""
import argparse
import base64
import os
import socket
import sys
import time

STATE_ID = "st4te-1d"
CRV1_TEXT = "Enter the code from your phone:"  # a colon inside: parsers must keep it
CR_TEXT = "Your OTP code:"
WEB_URL = "https://sso.example.test/login?session=abc:123"


def b64(s):
    return base64.b64encode(s.encode()).decode()


class Server:
    def __init__(self, args):
        self.a = args
        self.log = open(args.log, "a", buffering=1)
        self.buf = b""
        self.pending_webauth = []  # (cid, kid) waiting for --approve-file
        for _ in range(200):
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(args.socket)
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("challenge_server: cannot connect to " + args.socket)
        self.s.settimeout(0.2)

    def note(self, line):
        self.log.write(line + "\n")

    def send(self, cmd):
        self.note("sent: " + cmd)
        self.s.sendall(cmd.encode() + b"\n")

    def lines(self):
        while True:
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                self.poll_approvals()
                continue
            if not data:
                return
            self.buf += data
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                yield line.rstrip(b"\r").decode("utf-8", "replace")

    def poll_approvals(self):
        if self.pending_webauth and self.a.approve_file and os.path.exists(self.a.approve_file):
            for cid, kid in self.pending_webauth:
                self.send(f"client-auth-nt {cid} {kid}")
            self.pending_webauth = []

    def deny(self, cid, kid, reason, client_reason):
        self.send(f'client-deny {cid} {kid} "{reason}" "{client_reason}"')

    def decide(self, cid, kid, env):
        a = self.a
        user, pw = env.get("username", ""), env.get("password", "")
        self.note(f"connect cid={cid} kid={kid} username={user} password={pw}")
        self.note("iv_sso=" + env.get("IV_SSO", ""))
        sc = a.scenario
        if user != a.user:
            return self.deny(cid, kid, "unknown user", "wrong username")
        if sc == "plain":
            ok = pw == a.password
        elif sc == "useronly":
            ok = True
        elif sc == "static":
            ok = pw in (f"SCRV1:{b64(a.password)}:{b64(a.otp)}", a.password + a.otp)
        elif sc == "crv1":
            if pw == a.password:
                return self.deny(cid, kid, "otp needed",
                                 f"CRV1:R,E:{STATE_ID}:{b64(a.user)}:{CRV1_TEXT}")
            ok = pw == f"CRV1::{STATE_ID}::{a.otp}"
            if not ok and pw.startswith("CRV1::"):
                return self.deny(cid, kid, "wrong otp", "wrong OTP")
        elif sc in ("crtext", "webauth", "openurl"):
            ok = pw == a.password
            if ok:
                if sc == "crtext":
                    msg = f"CR_TEXT:R,E:{CR_TEXT}"
                elif sc == "webauth":
                    msg = f"WEB_AUTH::{WEB_URL}"
                    self.pending_webauth.append((cid, kid))
                else:
                    msg = f"OPEN_URL:{WEB_URL}"
                    self.pending_webauth.append((cid, kid))
                return self.send(f'client-pending-auth {cid} {kid} "{msg}" {a.timeout}')
        else:
            sys.exit("challenge_server: unknown scenario " + sc)
        if ok:
            self.send(f"client-auth-nt {cid} {kid}")
        else:
            self.deny(cid, kid, "wrong credentials", "wrong OTP" if sc != "plain" else "wrong password")

    def cr_response(self, cid, kid, resp_b64):
        try:
            resp = base64.b64decode(resp_b64, validate=True).decode("utf-8", "replace")
        except ValueError:
            resp = "<bad base64: " + resp_b64 + ">"
        self.note("cr-response=" + resp)
        if resp == self.a.otp:
            self.send(f"client-auth-nt {cid} {kid}")
        else:
            self.deny(cid, kid, "wrong otp", "wrong OTP")

    def run(self):
        cur, env = None, {}
        for line in self.lines():
            if line.startswith(">CLIENT:CONNECT,") or line.startswith(">CLIENT:REAUTH,"):
                _, cid, kid = line.split(":", 1)[1].split(",")[:3]
                cur, env = (cid, kid), {}
            elif line.startswith(">CLIENT:ENV,"):
                kv = line[len(">CLIENT:ENV,"):]
                if kv == "END":
                    if cur:
                        self.decide(cur[0], cur[1], env)
                    cur = None
                elif "=" in kv:
                    k, v = kv.split("=", 1)
                    env[k] = v
            elif line.startswith(">CLIENT:CR_RESPONSE,"):
                cid, kid, resp = line[len(">CLIENT:CR_RESPONSE,"):].split(",", 2)
                self.cr_response(cid, kid, resp)
            elif line.startswith("ERROR"):
                self.note("server said: " + line)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--socket", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--otp", default="")
    p.add_argument("--timeout", default="60")
    p.add_argument("--approve-file")
    Server(p.parse_args()).run()


if __name__ == "__main__":
    main()
