#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted, hostile OpenVPN management server for the ovpn-token tests.

It plays only what a real OpenVPN cannot be made to do (a 1 MiB line, NUL bytes, a line cut
off, stray replies, endless password prompts, request types full of quotes, floods) and
records every byte the client sent, so a test can check what left ovpn-token.

  fake_mgmt.py serve --listen tcp:127.0.0.1:PORT|unix:PATH --scenario NAME --record FILE
                     --ready FILE [--type TYPE] [--count N] [--time-limit S]
      Serves one client, then exits.  Writes FILE given by --ready once it listens.
      Every byte received is appended to --record as it arrives.
  fake_mgmt.py check --record FILE --pin PIN [--pin PIN2...] --type TYPE --passwords N
      Checks the recording: exactly N `password` commands, the n-th read by OpenVPN's lexer as
      exactly [password, TYPE, n-th PIN]; no PIN anywhere else; whole lines, no CR or NUL.
  fake_mgmt.py scenarios
      Lists the scenarios.

Everything is bounded: the server gives up after --time-limit seconds (default 60).
"""
import argparse
import os
import queue
import socket
import sys
import threading
import time

GREETING = ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info"
TOKEN_TYPE = "Test Token token"


class Peer:
    """One accepted client: a reader thread records and splits what it sends."""

    def __init__(self, sock, record, deadline):
        self.sock = sock
        self.deadline = deadline
        self.lines = queue.Queue()
        self.autoreply = True
        self.closed = threading.Event()
        self.lock = threading.Lock()
        self.record = open(record, "ab")
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        buf = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.closed.set()
                self.lines.put(None)
                return
            self.record.write(data)
            self.record.flush()
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.decode("utf-8", "replace")
                if self.autoreply:
                    self._reply(line)
                self.lines.put(line)

    def _reply(self, line):
        """What OpenVPN answers to the commands ovpn-token sends, so the session moves on."""
        verb = line.split(" ", 1)[0]
        if verb == "password":
            self.send("SUCCESS: password entered, but not yet verified")
        elif verb in ("state", "log", "hold", "signal", "needstr", "needok", "username"):
            self.send("SUCCESS: %s done" % verb)
        elif verb == "version":
            pass  # OpenVPN 2.6 does not answer "version N"
        else:
            self.send("ERROR: unknown command, enter 'help' for more options")

    def send(self, text, end="\r\n"):
        data = text if isinstance(text, bytes) else text.encode()
        if end:
            data += end.encode()
        with self.lock:
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                return False

    def line(self, timeout=15):
        """The next line the client sent, or None when it closed or nothing came in time."""
        left = min(timeout, self.deadline - time.monotonic())
        if left <= 0:
            return None
        try:
            return self.lines.get(timeout=left)
        except queue.Empty:
            return None

    def wait_for(self, prefix, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.line(end - time.monotonic())
            if got is None:
                return None
            if got.startswith(prefix):
                return got
        return None

    def wait_closed(self, timeout=15):
        self.closed.wait(max(0, min(timeout, self.deadline - time.monotonic())))

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def need_password(typ):
    return ">PASSWORD:Need '%s' password" % typ


def connected():
    return ">STATE:1795412007,CONNECTED,SUCCESS,,127.0.0.1,11940,,"


# ---------------------------------------------------------------- scenarios
# Each gets the peer and the options; it returns when done and the connection is then closed.

def sc_normal(p, a):
    """A well-behaved server: greeting, PIN request, CONNECTED, then it closes."""
    p.send(GREETING)
    p.send(need_password(a.type))
    p.wait_for("password ")
    p.send(connected())
    time.sleep(0.5)


def sc_password_normal(p, a):
    """`normal` behind a management password (any password is taken)."""
    p.autoreply = False
    p.send("ENTER PASSWORD:", end=None)
    if p.line(15) is None:
        return
    p.send("SUCCESS: password is correct")
    p.autoreply = True
    sc_normal(p, a)


def sc_idle(p, a):
    """Greeting, PIN request, CONNECTED, then it stays until the client leaves (for 42, bench)."""
    p.send(GREETING)
    p.send(need_password(a.type))
    p.wait_for("password ")
    p.send(connected())
    p.wait_closed(a.time_limit)


def sc_long_line(p, a):
    """A 1 MiB line: the client must give up on the stream, not grow a buffer or crash."""
    p.send(GREETING)
    p.send(b">LOG:1795412007,I," + b"A" * (1 << 20))
    p.send(need_password(a.type))
    p.wait_closed(20)


def sc_nul_bytes(p, a):
    """NULs inside lines: they hide the rest of the line from a C string, nothing more."""
    p.send(b">INFO:OpenVPN Management\x00 Interface Version 5\x00\x00")
    p.send(GREETING)
    p.send(b">HOLD:Waiting\x00 for hold release:0")
    p.send(b"\x00\x00\x00")
    p.send(b">PASSWORD:Need 'Evil\x00" + a.type.encode() + b"' password")
    p.send(b">STATE:1795412007,CONN\x00ECTED,SUCCESS,,6.6.6.6,1,,")
    p.send(need_password(a.type).encode() + b"\x00 trailing junk")
    p.wait_for("password ")
    p.send(connected())
    time.sleep(0.5)


def sc_cut_line(p, a):
    """A PIN request cut in the middle, then the connection closes."""
    p.send(GREETING)
    time.sleep(0.3)
    p.send(b">PASSWORD:Need 'Test Tok", end=None)
    time.sleep(0.3)


def sc_unknown(p, a):
    """Notifications nobody documented, and broken forms of known ones."""
    p.send(GREETING)
    # (>NEED-CERTIFICATE is left out: since --external-key it is known, and asks for a certificate.)
    for l in [">FOO:bar", ">", ">:", ">PASSWORD", ">PASSWORD:", ">PASSWORD:Need '",
              ">PASSWORD:Need ''", ">PASSWORD:Need 'x' pass", ">PASSWORD:Verification Failed: '",
              ">NEED-OK:", ">NEED-STR:Need 'x", ">PKCS11ID-ENTRY:", ">PKCS11ID-COUNT:-1",
              ">PKCS11ID-COUNT:99999999999999999999999", ">STATE:", ">STATE:x,y", ">LOG:",
              ">HOLD:", ">HOLD:x:-1", ">BYTECOUNT:1,2,3", ">CLIENT:CONNECT,0,1",
              ">PK_SIGN:AAAA,RSA_PKCS1_PADDING", ">INFOMSG:" + "x" * 3000]:
        p.send(l)
    p.send(need_password(a.type))
    p.wait_for("password ")
    p.send(connected())
    time.sleep(0.5)


def sc_stray_replies(p, a):
    """Replies with no command outstanding, before and after the greeting."""
    p.autoreply = False
    for l in ["SUCCESS: nothing was asked", "ERROR: nothing was asked", "END", "random text",
              ">PKCS11ID-COUNT:3", ">PKCS11ID-ENTRY:'0', ID:'evil/id/x/y/45', BLOB:'MIIB'"]:
        p.send(l)
    p.send(GREETING)
    # Answer "state on" (and "log on") twice: the second SUCCESS is stray.
    for _ in range(2 if a.count < 2 else a.count):
        got = p.line(5)
        if got is None:
            break
        if got.startswith(("state", "log")):
            p.send("SUCCESS: ok")
            p.send("SUCCESS: stray")
            p.send("END")
        if got.startswith("state"):
            break
    p.autoreply = True
    p.send(need_password(a.type))
    p.wait_for("password ")
    p.send("SUCCESS: stray after password")
    p.send("END")
    p.send("ERROR: stray error")
    p.send(connected())
    time.sleep(0.5)


def sc_mgmt_password_forever(p, a):
    """`ENTER PASSWORD:` after every answer: the client must give up, not loop."""
    p.autoreply = False
    for _ in range(max(a.count, 1)):
        p.send("ENTER PASSWORD:", end=None)
        if p.line(30) is None:
            return


def sc_pin_forever(p, a):
    """The PIN request again after each answer, as OpenVPN does for a wrong PIN."""
    p.send(GREETING)
    for _ in range(max(a.count, 1)):
        p.send(need_password(a.type))
        if p.wait_for("password ", 30) is None:
            return


def sc_pin_restarts(p, a):
    """HOLD, PIN, CONNECTED, then two restarts (HOLD, PIN) with no CONNECTED between them.

    For 43-cache-confirmed: the PIN was confirmed by the tunnel coming up once; a restart that
    does not reach CONNECTED must not take that away, so every request is answered by itself.
    """
    p.send(GREETING)
    p.send(">HOLD:Waiting for hold release:0")
    if p.wait_for("hold release") is None:
        return
    p.send(need_password(a.type))
    if p.wait_for("password ") is None:
        return
    p.send(connected())
    for _ in range(2):
        p.send(">HOLD:Waiting for hold release:0")
        if p.wait_for("hold release") is None:
            return
        p.send(need_password(a.type))
        if p.wait_for("password ") is None:
            return
    time.sleep(0.3)


def sc_tricky_type(p, a):
    """A request type split by a newline, then one of --type (quotes and backslashes)."""
    p.send(GREETING)
    p.send(">PASSWORD:Need 'Split")
    p.send(" token' password")
    p.send(need_password(a.type))
    p.wait_for("password ")
    p.send(connected())
    time.sleep(0.5)


def sc_cr_in_type(p, a):
    """A request whose type holds a CR: it cannot be answered (a CR cannot be sent)."""
    p.send(GREETING)
    p.send(">PASSWORD:Need 'Split\r token' password")
    p.wait_closed(20)


def sc_log_flood(p, a):
    """a.count >LOG lines as fast as the socket takes them, then FLOOD-END and a PIN request."""
    p.send(GREETING)
    p.wait_for("log ", 10)
    t0 = time.monotonic()
    chunk = []
    for i in range(a.count):
        chunk.append(">LOG:1795412007,I,flood line %d\r\n" % i)
        if len(chunk) == 1000:
            p.send("".join(chunk), end=None)
            chunk = []
    p.send("".join(chunk), end=None)
    p.send(">LOG:1795412007,I,FLOOD-END")
    p.send(need_password(a.type))
    # The answer comes after the client has read (and shown) every line before the request.
    if p.wait_for("password ", 60) is not None:
        with open(a.record + ".flood", "w") as f:
            f.write("%.6f\n" % (time.monotonic() - t0))
    p.send(connected())
    time.sleep(0.5)


def sc_bench_pin(p, a):
    """For bench/run: a.count rounds of HOLD -> PIN request -> answer; prints each latency.

    The PIN is sent by the client from its cache after the first round (confirmed by the
    CONNECTED state), so the time from our request to its answer is the client's own cost.
    """
    p.send(GREETING)
    out = []
    for i in range(a.count):
        p.send(">HOLD:Waiting for hold release:0")  # the number is a wait in seconds
        p.wait_for("hold ", 10)
        t0 = time.monotonic()
        p.send(need_password(a.type))
        if p.wait_for("password ", 30) is None:
            break
        out.append(time.monotonic() - t0)
        p.send(connected())
        time.sleep(0.05)
    with open(a.record + ".latency", "w") as f:
        for x in out:
            f.write("%.6f\n" % x)


def sc_bench_needstr(p, a):
    """For bench/run: a.count rounds of HOLD -> NEED-STR pkcs11-id-request -> needstr answer.

    After the first round the certificate is remembered, so the time is the client's own.
    """
    entry = (">PKCS11ID-ENTRY:'0', ID:'SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/"
             "Bench\\x20Token/45', BLOB:''")
    p.autoreply = False
    p.send(GREETING)
    out = []
    i = 0
    while len(out) < a.count:
        p.send(">HOLD:Waiting for hold release:0")  # the number is a wait in seconds
        i += 1
        t0 = time.monotonic()
        p.send(">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use")
        while True:
            got = p.line(30)
            if got is None:
                break
            if got.startswith("pkcs11-id-count"):
                p.send(">PKCS11ID-COUNT:1")
            elif got.startswith("pkcs11-id-get"):
                p.send(entry)
            elif got.startswith("needstr"):
                if i > 1:
                    out.append(time.monotonic() - t0)
                p.send("SUCCESS: 'pkcs11-id-request' needstr-string entered, but not yet verified")
                break
            else:
                p.send("SUCCESS: ok")
        if got is None:
            break
        p.send(connected())
    with open(a.record + ".latency", "w") as f:
        for x in out:
            f.write("%.6f\n" % x)


def openvpn_answer(line):
    """OpenVPN's own SUCCESS line (manage.c, 2.6/2.7) for a command ovpn-token sends."""
    words = lex(line) or [""]
    verb = words[0]
    arg = words[1] if len(words) > 1 else ""
    if verb in ("password", "username"):
        return "SUCCESS: '%s' %s entered, but not yet verified" % (arg, verb)
    if verb in ("needok", "needstr"):
        what = "needok-confirmation" if verb == "needok" else "needstr-string"
        return "SUCCESS: '%s' %s entered, but not yet verified" % (arg, what)
    if verb in ("state", "log"):
        return "SUCCESS: real-time %s notification set to ON" % verb
    if verb == "hold":
        return "SUCCESS: hold release succeeded"
    if verb == "signal":
        return "SUCCESS: signal %s thrown" % arg
    return None


# Terminal escapes a hostile server can put in a challenge text: clear the screen, set the
# window title, a C1 CSI (U+009B) and a right-to-left override (U+202E).
HOSTILE_TEXT = "Code\x1b[2J\x1b]2;pwned\x07 \u009b31m \u202eabc here:"


def sc_hostile_static_challenge(p, a):
    """A static challenge whose text carries terminal escapes (for --batch: refused, shown)."""
    p.send(GREETING)
    p.send(">PASSWORD:Need 'Auth' username/password SC:1,%s" % HOSTILE_TEXT)
    p.wait_closed(10)


def sc_hostile_crv1(p, a):
    """A CRV1 challenge whose text carries terminal escapes; the response, then CONNECTED."""
    p.autoreply = False
    p.send(GREETING)
    p.send(">PASSWORD:Verification Failed: 'Auth' ['CRV1:R,E:st4te:dXNlcg==:%s']" % HOSTILE_TEXT)
    p.send(">PASSWORD:Need 'Auth' username/password")
    while True:
        got = p.line(30)
        if got is None:
            return
        if openvpn_answer(got):
            p.send(openvpn_answer(got))
        if got.startswith("password"):
            p.send(connected())
            time.sleep(0.3)
            return


def answer_until(p, prefix):
    """Answers each command as OpenVPN does until one starts with prefix; returns that one."""
    while True:
        got = p.line(15)
        if got is None or got.startswith(prefix):
            return got
        if openvpn_answer(got):
            p.send(openvpn_answer(got))


def released_then_id_request(p):
    """What a real OpenVPN with pkcs11-id-management does first: greeting, hold, (the client
    releases it), the certificate request.  False when the client went away meanwhile."""
    p.autoreply = False
    p.send(GREETING)
    p.send(">HOLD:Waiting for hold release:0")
    got = answer_until(p, "hold release")
    if got is None:
        return False
    p.send(openvpn_answer(got))
    p.send(">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use")
    return True


def serve_ids(p, count):
    """The certificate listing as OpenVPN answers it: count certificates 'tok/certNN', the
    other commands answered too, until the chosen id comes (answered; returned)."""
    while True:
        got = p.line(15)
        if got is None or got.startswith("needstr"):
            if got is not None:
                p.send(openvpn_answer(got))
            return got
        if got.startswith("pkcs11-id-count"):
            p.send(">PKCS11ID-COUNT:%d" % count)
        elif got.startswith("pkcs11-id-get"):
            i = int(lex(got)[1])
            p.send(">PKCS11ID-ENTRY:'%d', ID:'tok/cert%02d', BLOB:''" % (i, i))
        elif openvpn_answer(got):
            p.send(openvpn_answer(got))


def sc_lost_release(p, a):
    """The first `hold release` is taken and never run (as OpenVPN for Windows may do).

    The client sends it again after 2 s (over TCP); the one answer that comes is followed by
    the certificate listing, the PIN and CONNECTED.  Replies counted instead of matched to
    their command take the answer for the lost release, and wait for ever behind the second.
    """
    p.autoreply = False
    p.send(GREETING)
    p.send(">HOLD:Waiting for hold release:0")
    # The first release: taken, never answered, nothing happens.
    if answer_until(p, "hold release") is None:
        return
    got = answer_until(p, "hold release")
    if got is None:
        return
    p.send(openvpn_answer(got))
    p.send(">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use")
    if serve_ids(p, 1) is None:
        return
    p.send(need_password(a.type))
    got = answer_until(p, "password ")
    if got is None:
        return
    p.send(openvpn_answer(got))
    p.send(connected())
    time.sleep(0.3)


def sc_many_certs(p, a):
    """a.count certificates, each asked for on its own, then the PIN request and CONNECTED."""
    if not released_then_id_request(p):
        return
    if serve_ids(p, a.count) is None:
        return
    p.send(need_password(a.type))
    got = answer_until(p, "password ")
    if got is None:
        return
    p.send(openvpn_answer(got))
    p.send(connected())
    time.sleep(0.3)


def sc_pin_while_listing(p, a):
    """The PIN request between `pkcs11-id-count` and its answer (pkcs11-cert-private, openvpn
    issues #1030/1031).  A real OpenVPN (2.6.14, 2.7.6) hangs on any command sent then; this
    one records what comes until the client goes (the test asserts nothing does)."""
    if not released_then_id_request(p):
        return
    if answer_until(p, "pkcs11-id-count") is None:
        return
    p.send(need_password(a.type))
    while p.line(5) is not None:
        pass


SCENARIOS = {name[3:].replace("_", "-"): fn for name, fn in globals().items()
             if name.startswith("sc_")}


# ---------------------------------------------------------------- OpenVPN's lexer

def lex(line):
    """OpenVPN's parse_line() as the management interface uses it.

    Blanks separate; "..." honours \\\\, \\" and backslash-blank; '...' takes everything
    literally; a bare word has the same escapes; any other escape, an unclosed quote or a word
    over 256 bytes makes OpenVPN drop the whole line (None here); '#' or ';' starting a word
    ends the line.
    """
    words, cur = [], []
    state = "init"
    bs = False
    for ch in line + "\0":
        out = None
        done = False
        if not bs and ch == "\\" and state != "sq":
            bs = True
            continue
        blank = ch == "\0" or ch.isspace()
        if state == "init":
            if not blank:
                if ch in "#;":
                    break
                if not bs and ch == '"':
                    state = "dq"
                elif not bs and ch == "'":
                    state = "sq"
                else:
                    out, state = ch, "bare"
        elif state == "bare":
            if not bs and blank:
                done = True
            else:
                out = ch
        elif state == "dq":
            if not bs and ch == '"':
                done = True
            else:
                out = ch
        else:
            if ch == "'":
                done = True
            else:
                out = ch
        if bs and out is not None and not (out in '\\"' or out == "\0" or out.isspace()):
            return None
        bs = False
        if out is not None and out != "\0":
            if len(cur) >= 256:
                return None
            cur.append(out)
        if done:
            words.append("".join(cur))
            cur, state = [], "init"
        if ch == "\0":
            break
    if state != "init":
        return None
    return words


def check(a):
    raw = open(a.record, "rb").read()
    problems = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("the client sent bytes that are not UTF-8")
        text = raw.decode("utf-8", "replace")
    if text and not text.endswith("\n"):
        problems.append("the last thing sent is not a whole line: %r" % text[-80:])
    if "\r" in text or "\0" in text:
        problems.append("a CR or NUL byte was sent")
    passwords = 0
    for line in text.split("\n"):
        if not line:
            continue
        if line.split(" ", 1)[0] == "password":
            # The n-th password command carries the n-th PIN given (the last one after that).
            want = ["password", a.type, a.pin[min(passwords, len(a.pin) - 1)]]
            passwords += 1
            words = lex(line)
            if words != want:
                problems.append("password line %r reads as %r, not %r" % (line, words, want))
        elif any(pin and pin in line for pin in a.pin):
            problems.append("a PIN appears outside a password command: %r" % line)
    if passwords != a.passwords:
        problems.append("%d password commands sent, expected %d" % (passwords, a.passwords))
    for p in problems:
        print("fake_mgmt check: " + p, file=sys.stderr)
    return 1 if problems else 0


def serve(a):
    deadline = time.monotonic() + a.time_limit
    kind, _, where = a.listen.partition(":")
    if kind == "unix":
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(where):
            os.unlink(where)
        srv.bind(where)
        # Anyone may connect: the test is whether the client checks who listens.
        os.chmod(where, 0o777)
    else:
        host, _, port = where.rpartition(":")
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((host, int(port)))
    srv.listen(1)
    open(a.record, "ab").close()
    with open(a.ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(a.ready + ".tmp", a.ready)
    srv.settimeout(max(1, deadline - time.monotonic()))
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        print("fake_mgmt: nobody connected", file=sys.stderr)
        return 2
    conn.settimeout(None)
    if kind == "tcp" and a.nodelay:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    peer = Peer(conn, a.record, deadline)
    try:
        SCENARIOS[a.scenario](peer, a)
    finally:
        peer.close()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--listen", required=True)
    s.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    s.add_argument("--record", required=True)
    s.add_argument("--ready", required=True)
    s.add_argument("--type", default=TOKEN_TYPE)
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--time-limit", type=float, default=60)
    s.add_argument("--nodelay", action="store_true",
                   help="TCP_NODELAY on our side, so only the client's own delays remain")
    c = sub.add_parser("check")
    c.add_argument("--record", required=True)
    c.add_argument("--pin", action="append", required=True, help="in the order sent")
    c.add_argument("--type", default=TOKEN_TYPE)
    c.add_argument("--passwords", type=int, required=True)
    sub.add_parser("scenarios")
    a = ap.parse_args()
    if a.cmd == "serve":
        return serve(a)
    if a.cmd == "check":
        return check(a)
    for name in sorted(SCENARIOS):
        print("%-24s %s" % (name, SCENARIOS[name].__doc__.split("\n")[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
