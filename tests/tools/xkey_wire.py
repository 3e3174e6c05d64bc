#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive an openvpn started with --management-external-key/-cert by hand, to learn the wire.

Usage: xkey_wire.py SOCKET CERT.pem KEY.pem
Connects to the unix management socket, announces version 3, releases the hold, answers
>NEED-CERTIFICATE with CERT.pem and each >PK_SIGN / >RSA_SIGN by signing with KEY.pem (a key in a
file: this is a probe of what OpenVPN asks, not of the token).  Prints every line it sees and
sends, prefixed "<" and ">", and exits at CONNECTED (0) or FATAL / close (1).
"""
import base64, socket, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

HASHES = {"SHA1": hashes.SHA1, "SHA224": hashes.SHA224, "SHA256": hashes.SHA256,
          "SHA384": hashes.SHA384, "SHA512": hashes.SHA512}


def raw_rsa(key, data):
    n = key.private_numbers()
    m = int.from_bytes(data, "big")
    s = pow(m, n.d, n.public_numbers.n)
    return s.to_bytes(key.key_size // 8, "big")


def sign(key, data, alg):
    parts = alg.split(",")
    kv = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
    h = HASHES.get(kv.get("hashalg", ""), None)
    message = kv.get("data") == "message"
    pre = (lambda hh: hh()) if message else (lambda hh: utils.Prehashed(hh()))
    if parts[0] == "ECDSA":
        if message:
            return key.sign(data, ec.ECDSA(h()))
        # digest given; cryptography needs a hash of matching length, use Prehashed by size
        by_len = {20: hashes.SHA1, 28: hashes.SHA224, 32: hashes.SHA256, 48: hashes.SHA384, 64: hashes.SHA512}
        return key.sign(data, ec.ECDSA(utils.Prehashed(by_len[len(data)]())))
    if parts[0] == "RSA_PKCS1_PSS_PADDING":
        salt = padding.PSS.DIGEST_LENGTH if kv.get("saltlen") == "digest" else padding.PSS.MAX_LENGTH
        return key.sign(data, padding.PSS(padding.MGF1(h()), salt), pre(h))
    if parts[0] == "RSA_PKCS1_PADDING":
        if h is not None:
            return key.sign(data, padding.PKCS1v15(), pre(h))
        # DigestInfo given: EMSA-PKCS1-v1_5 by hand
        k = key.key_size // 8
        em = b"\x00\x01" + b"\xff" * (k - 3 - len(data)) + b"\x00" + data
        return raw_rsa(key, em)
    if parts[0] == "RSA_NO_PADDING":
        return raw_rsa(key, data)
    return None


def main():
    sock_path, cert_path, key_path = sys.argv[1:4]
    cert = open(cert_path).read().strip().splitlines()
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), None)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    f = s.makefile("rwb", buffering=0)

    def send(line):
        print(">", line, flush=True)
        f.write(line.encode() + b"\n")

    send("version 3")
    send("state on")
    while True:
        raw = f.readline()
        if not raw:
            return 1
        line = raw.decode(errors="replace").rstrip("\r\n")
        print("<", line[:160] + ("..." if len(line) > 160 else ""), flush=True)
        if line.startswith(">HOLD:"):
            send("hold release")
        elif line.startswith(">NEED-CERTIFICATE"):
            send("certificate")
            for c in cert:
                send(c)
            send("END")
        elif line.startswith(">PK_SIGN:") or line.startswith(">RSA_SIGN:"):
            body = line.split(":", 1)[1]
            data_b64, _, alg = body.partition(",")
            sig = sign(key, base64.b64decode(data_b64), alg or "RSA_PKCS1_PADDING")
            print("# data %d bytes, alg %r" % (len(base64.b64decode(data_b64)), alg), flush=True)
            if sig is None:
                send("pk-sig")
                send("END")
                continue
            send("pk-sig")
            b = base64.b64encode(sig).decode()
            for i in range(0, len(b), 64):
                send(b[i:i + 64])
            send("END")
        elif ",CONNECTED," in line:
            return 0
        elif line.startswith(">FATAL"):
            return 1


sys.exit(main())
