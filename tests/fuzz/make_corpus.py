#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora in tests/fuzz/corpus/ from the management lines PROTOCOL.md records.

Run it again after adding a line below; the files are checked in, so the fuzzers do not need it.
"""
import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Lines as OpenVPN 2.6 sends them (see PROTOCOL.md), plus the documented forms.
LINES = [
    ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info",
    ">HOLD:Waiting for hold release:0",
    ">HOLD:Waiting for hold release:12",
    "SUCCESS: hold release succeeded",
    ">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use",
    ">PKCS11ID-COUNT:1",
    ">PKCS11ID-COUNT:0",
    ">PKCS11ID-ENTRY:'0', ID:'SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/Test\\x20Token/45', BLOB:'MIIBhTCCASugAwIBAgIUQ'",
    ">PKCS11ID-ENTRY:'3'",
    "SUCCESS: 'pkcs11-id-request' needstr-string entered, but not yet verified",
    ">NEED-OK:Need 'token-insertion-request' confirmation MSG:Please insert Test Token token",
    ">PASSWORD:Need 'Test Token token' password",
    ">PASSWORD:Need 'It's a \"t\\oken\" token' password",
    "SUCCESS: 'Test Token token' password entered, but not yet verified",
    ">STATE:1795412007,CONNECTED,SUCCESS,,127.0.0.1,11940,,",
    ">STATE:1795412007,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,,fd00::6",
    ">STATE:1795412000,WAIT,,,,,,",
    ">LOG:1795412007,I,Initialization Sequence Completed",
    ">LOG:1795412007,W,a, text, with commas",
    ">FATAL:Cannot load inline certificate file",
    ">INFOMSG:WEB_AUTH::https://example.org",
    ">BYTECOUNT:1234,5678",
    ">PASSWORD:Need 'Auth' username/password",
    ">PASSWORD:Need 'Private Key' password",
    ">PASSWORD:Verification Failed: 'Auth'",
    ">PASSWORD:Need 'Auth' username/password SC:1,Please enter token PIN",
    ">PASSWORD:Verification Failed: 'Auth' ['CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN']",
    "ERROR: signal 'SIGUSR1' is currently ignored",
    "ERROR: Options warning: Bad backslash ('\\') usage",
    "SUCCESS: signal SIGTERM thrown",
    "OpenVPN Version: OpenVPN 2.6.14 x86_64-pc-linux-gnu",
    "Management Version: 5",
    "END",
    ">NEED-CERTIFICATE:macosx-keychain:subject:o=OpenVPN-TEST",
    ">PK_SIGN:AAAA,RSA_PKCS1_PADDING",
    ">UNKNOWN-THING:whatever",
]

# The password prompt, which has no line end, and a whole login as OpenVPN sends it.
SESSION = ["ENTER PASSWORD:", "SUCCESS: password is correct\r\n"] + [l + "\r\n" for l in LINES]


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def lines_corpus():
    # 8 bytes that seed the read sizes, then the stream.
    for i, l in enumerate(LINES):
        write("fuzz_lines", "line-%02d" % i, b"seed%04d" % i + l.encode() + b"\r\n")
    write("fuzz_lines", "session", b"seedSESS" + "".join(SESSION).encode())
    write("fuzz_lines", "prompt-only", b"\x01\x02\x03\x04\x05\x06\x07\x08ENTER PASSWORD:")
    write("fuzz_lines", "bare-lf", b"seedLF00" + "\n".join(LINES).encode() + b"\n")


def replies_corpus():
    # op & 3 == 0: push kind (op >> 2) % 4; == 1: canned line (op >> 2) % N; else raw line.
    def push(kind):
        return bytes([(kind << 2) | 0])

    def raw(line):
        return b"\x02" + line.encode() + b"\n"

    write("fuzz_replies", "hold-then-count",
          push(0) + raw("SUCCESS: hold release succeeded") + push(2) +
          raw(">PASSWORD:Need 'Test Token token' password") + raw(">PKCS11ID-COUNT:1") +
          push(3) + raw(">PKCS11ID-ENTRY:'0', ID:'a/b/c/d/45', BLOB:'MII'") + push(0) +
          raw("SUCCESS: 'pkcs11-id-request' needstr-string entered, but not yet verified"))
    write("fuzz_replies", "version-multiline",
          push(1) + raw("OpenVPN Version: OpenVPN 2.6.14") + raw(">LOG:1,I,x") +
          raw("Management Version: 5") + raw("END") + raw("END") + raw("SUCCESS: stray"))
    write("fuzz_replies", "errors", push(2) + raw("ERROR: no") + push(3) + raw("ERROR: no") +
          push(1) + raw("ERROR: no"))
    write("fuzz_replies", "full", push(0) * 40 + raw("SUCCESS: x") * 40)

    # Bits 4-7 of a push: the command (fuzz_replies.c's table): 0 hold release, 8 count, 6 get 0.
    def push_cmd(kind, cmd):
        return bytes([(cmd << 4) | (kind << 2) | 0])

    write("fuzz_replies", "lost-release",
          push_cmd(0, 3) + push_cmd(0, 0) + raw("SUCCESS: real-time state notification set to ON") +
          push_cmd(0, 0) + raw("SUCCESS: hold release succeeded") + push_cmd(2, 8) +
          raw(">PKCS11ID-COUNT:1") + push_cmd(3, 6) + raw(">PKCS11ID-ENTRY:'0'"))


def command_corpus():
    # byte 0: verb index; byte 1: odd = full buffer, even = small; then NUL-separated args.
    write("fuzz_command", "password", b"\x00\x01Test Token token\x00123456")
    write("fuzz_command", "password-tricky", b"\x00\x01It's a \"t\\oken\" token\x00#;'\"\\ x")
    write("fuzz_command", "needstr", b"\x02\x01pkcs11-id-request\x00SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/Test\\x20Token/45")
    write("fuzz_command", "hold", b"\x06\x01")
    write("fuzz_command", "newline", b"\x00\x01Test\x00pin\nwith newline")
    write("fuzz_command", "long", b"\x00\x01T\x00" + b"9" * 300)
    write("fuzz_command", "small-buffer", b"\x00\x10Test Token token\x00123456")


def session_corpus():
    # byte 0: options (1 batch, 2 no-cache, 4 interactive, 8 owns openvpn, 16 provider,
    # 32..64 PIN state, 128 --cert tok); byte 1: the person's and the token's habits; then
    # what OpenVPN sends, \x01 between steps, \x02 a Ctrl-C.
    need = ">PASSWORD:Need 'Anna token' password\n"
    taken = "SUCCESS: 'Anna token' password entered, but not yet verified\n"
    hold = ">HOLD:Waiting for hold release:0\n" "SUCCESS: hold release succeeded\n"
    ids = (">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use\n"
           ">PKCS11ID-COUNT:2\n>PKCS11ID-ENTRY:'0', ID:'tok/1', BLOB:'MII'\n"
           ">PKCS11ID-ENTRY:'1', ID:'tok/2', BLOB:'MII'\n"
           "SUCCESS: 'pkcs11-id-request' needstr-string entered, but not yet verified\n")
    up = ">STATE:1795412007,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"
    xkey = (">NEED-CERTIFICATE:ovpn-token\nSUCCESS: certificate command succeeded\n"
            ">PK_SIGN:AAAA,ECDSA,hashalg=SHA256,data=message\nSUCCESS: pk-sig command succeeded\n")
    auth = ">PASSWORD:Need 'Auth' username/password\n"
    auth_taken = ("SUCCESS: 'Auth' username entered, but not yet verified\n"
                  "SUCCESS: 'Auth' password entered, but not yet verified\n")
    crv1 = ">PASSWORD:Verification Failed: 'Auth' ['CRV1:R,E:st4te:Ym9i:Code from your phone:']\n"
    pending = ">STATE:1795412007,AUTH_PENDING,timeout 60,,,,,\n"
    seeds = {
        "auth-login": (4, 0, auth + auth_taken + up),
        "auth-static": (4, 0, ">PASSWORD:Need 'Auth' username/password SC:3,Enter OTP\n" + auth_taken),
        "auth-user-only": (4, 0, ">PASSWORD:Need 'Auth' username\n" + auth_taken),
        "auth-crv1": (4, 0, auth + auth_taken + crv1 + hold + auth + auth_taken + up),
        "auth-refused": (4, 0, auth + auth_taken + ">PASSWORD:Verification Failed: 'Auth' "
                         "['wrong OTP']\n" + hold + auth),
        "auth-crtext": (4, 0, pending + ">INFOMSG:CR_TEXT:R,E:Your OTP code:\n"
                        "SUCCESS: command succeeded\n" + up),
        "auth-webauth": (4, 64, pending + ">INFOMSG:WEB_AUTH::https://sso.example.test/x?a=b\n"
                         ">INFOMSG:OPEN_URL:https://sso.example.test/y\n" + up),
        "auth-greeting-v6": (4 | 8, 0, ">INFO:OpenVPN Management Interface Version 6 -- type "
                             "'help' for more info\nSUCCESS: Management client version set to 4\n"),
        "pin-rejected": (4, 0, need + taken + need + taken),
        "pin-restart-batch": (1, 0, need + taken + hold + need + taken),
        "pin-confirmed": (4, 0, need + taken + up + hold + need + taken),
        "menu": (4, 1, ids),
        "cert-pattern": (128, 0, ids),
        "no-cert-watch": (1 | 16, 0x05, ids.replace("COUNT:2", "COUNT:0")),
        "insertion": (4 | 16, 0x14, ">NEED-OK:Need 'token-insertion-request' confirmation "
                      "MSG:Please insert Anna token\n" "SUCCESS: needok\n"),
        "final-try": (4 | 16 | 64, 2, need + taken),
        "locked": (4 | 16 | 96, 0, need),
        "hold-ctrl-c": (8, 0, ">HOLD:Waiting for hold release:10\n\x02"),
        "mgmt-password": (4, 0, "ENTER PASSWORD:\x01ENTER PASSWORD:\x01ENTER PASSWORD:\x01"),
        # external key (who & 3 == 3): certificate, signatures, a lost login (who & 128)
        "xkey-sign": (4 | 8, 0x03, xkey + up + hold + xkey),
        "xkey-absent-batch": (1 | 8, 0x13, xkey),
        "xkey-lost-login": (4, 0x87, xkey + xkey),
        "xkey-wrong-locks": (4 | 32, 0x43, xkey),
        "mgmt-password-refused": (4, 0, "ENTER PASSWORD:\x01ERROR: bad password\nENTER PASSWORD:"
                                  "\x01ERROR: bad password\nENTER PASSWORD:\x01"),
        "provider-pin-fatal": (4 | 8, 0, ">PASSWORD:Need 'PKCS#11 token' password\n"
                               "SUCCESS: 'PKCS#11 token' password entered, but not yet verified\n"
                               ">FATAL:Error: private key password verification failed\n"),
        "menu-cancel-fatal": (4 | 8, 1, ids + "\x02>FATAL:Error: private key password "
                              "verification failed\n"),
        "greeting": (4 | 8, 0, ">INFO:OpenVPN Management Interface Version 5 -- type 'help' "
                     "for more info\nSUCCESS: real-time state notification set to ON\n" + hold),
    }
    for name, (flags, who, text) in seeds.items():
        write("fuzz_session", name, bytes([flags, who]) + text.encode())


def broker_corpus():
    """What a member sends serve (\x01: a line of openvpn's; \x02: the member leaves, another joins)."""
    session = ["version 3", "state on", "log on", "hold release", "\x01SUCCESS: hold release succeeded",
               "\x01>NEED-CERTIFICATE:macosx-keychain:", "certificate", "-----BEGIN CERTIFICATE-----",
               "MIIBszCCAVmgAwIBAgIUJ", "-----END CERTIFICATE-----", "END", "\x01SUCCESS: certificate set",
               "\x01>PK_SIGN:AAAA,ECDSA", "pk-sig", "MEUCIQ==", "END", "\x01SUCCESS: pk-sig"]
    write("fuzz_broker", "session", "\n".join(session).encode())
    refused = ["signal SIGTERM", "hold off", "log all", "state all", "echo on", "kill 1",
               'password "Private Key" x', "remote ACCEPT", "exit", "help"]
    write("fuzz_broker", "refused", "\n".join(["state on"] + refused + ["\x01SUCCESS: ok"]).encode())
    write("fuzz_broker", "leave-mid-block", b"hold release\ncertificate\nMIIB\n\x02\nhold\n")
    write("fuzz_broker", "quotes", b'password "Auth" "a\\"b c"\n"hold" \'release\'\nhold\x00 off\nhold\trelease\n')


def escape(word):
    """libFuzzer dictionaries take printable ASCII, with \\, \" and \\xHH for the rest."""
    out = ""
    for ch in word:
        if ch in '\\"' or not (32 <= ord(ch) < 127):
            out += "\\x%02X" % ord(ch)
        else:
            out += ch
    return out


def dictionary():
    words = ["\r\n", ">PASSWORD:", "Need '", "' password", "' username/password", " SC:",
             "Verification Failed: '", "' ['CRV1:", "']", ">NEED-STR:", ">NEED-OK:",
             "' string", "' confirmation", " MSG:", ">PKCS11ID-COUNT:", ">PKCS11ID-ENTRY:'",
             "', ID:'", "', BLOB:'", ">STATE:", ">LOG:", ">HOLD:", ">INFO:", ">FATAL:",
             ">INFOMSG:", ">BYTECOUNT:", "SUCCESS:", "ERROR:", "END", "ENTER PASSWORD:",
             " token", "\\", '"', "'", "\0", "\\\\", '\\"', "' username", "'Auth'",
             ",AUTH_PENDING,", "timeout ", "CR_TEXT:", "WEB_AUTH:", "OPEN_URL:", "https://"]
    with open(os.path.join(HERE, "mgmt.dict"), "w") as f:
        f.write("# libFuzzer dictionary: pieces of OpenVPN management lines (make_corpus.py)\n")
        for w in words:
            f.write('"%s"\n' % escape(w))


if __name__ == "__main__":
    lines_corpus()
    replies_corpus()
    command_corpus()
    session_corpus()
    broker_corpus()
    dictionary()
