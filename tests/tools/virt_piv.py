#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""virt_piv: a virtual PIV card (NIST SP 800-73-4) for the test bed, behind pcscd's vpcd reader.

    virt_piv.py setup STATE [--pin P] [--puk P] [--tries N] [--empty]
                            [--slot SLOT:KEY.pem:CERT.pem]...
        writes the card's state file: PIN, PUK, their retry counters, the management key,
        a CHUID with a fresh GUID, and per slot (9a 9c 9d 9e) a private key and its certificate.
        --empty: no keys, no certificates (a card fresh from the issuer, for enrollment).
    virt_piv.py run STATE [--port 35963] [--log FILE]
        connects to vpcd on 127.0.0.1:PORT: the card is in the reader while the connection is
        open. SIGUSR1 takes the card out (closes the connection), SIGUSR2 puts it back.

What a card does and keeps is in STATE alone (JSON, rewritten whole on every change: the retry
counters, generated keys, written objects); the private keys never leave it through an APDU.

The card is strict: an instruction it does not implement is answered 6D00, a malformed or
unsupported parameter 6A81/6A86, and each such APDU is logged with "UNSUPPORTED", so an OpenSC
that asks for more than this card knows shows up in the log instead of as a hang. A SELECT of
another application (other drivers probe the card) is answered 6A82 as a real card does and
logged as "select-other".

vpcd's protocol: each message is a 2-byte big-endian length and a payload; a 1-byte payload
from vpcd is a control code (0 off, 1 on, 2 reset, 4 get the ATR), a longer one is an APDU,
answered with the response APDU.
"""
import argparse, json, os, secrets, signal, socket, struct, sys, threading, time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, utils
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
try:                                    # where cryptography >= 43 keeps 3DES
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:                     # Debian 12's cryptography 38
    TripleDES = algorithms.TripleDES
from cryptography import x509

PIV_AID = bytes.fromhex("A000000308000010000100")
DEFAULT_MGMT_KEY = bytes.fromhex("010203040506070801020304050607080102030405060708")
# T=1, 13 proprietary historical bytes naming the card; TCK appended by atr().
ATR_BODY = bytes.fromhex("3B8D8001") + b"ovpn-tokenPIV"

# Key references and the certificate object of each slot (SP 800-73-4 table 4b).
SLOT_OBJECT = {0x9A: 0x5FC105, 0x9C: 0x5FC10A, 0x9D: 0x5FC10B, 0x9E: 0x5FC101}
SLOT_NAMES = {"9a": 0x9A, "9c": 0x9C, "9d": 0x9D, "9e": 0x9E}
# PIN policy of the slots: 9A and 9D want the PIN once, 9C before every signature, 9E never.
PIN_ONCE, PIN_ALWAYS, PIN_NEVER = "once", "always", "never"
SLOT_PIN = {0x9A: PIN_ONCE, 0x9C: PIN_ALWAYS, 0x9D: PIN_ONCE, 0x9E: PIN_NEVER}
# Algorithm identifiers (SP 800-78-4).
ALG_3DES, ALG_RSA1024, ALG_RSA2048, ALG_AES128, ALG_AES192, ALG_AES256 = 0x03, 0x06, 0x07, 0x08, 0x0A, 0x0C
ALG_P256, ALG_P384 = 0x11, 0x14
CURVES = {ALG_P256: ec.SECP256R1, ALG_P384: ec.SECP384R1}
MGMT_CIPHERS = {ALG_3DES: (TripleDES, 24), ALG_AES128: (algorithms.AES, 16),
                ALG_AES192: (algorithms.AES, 24), ALG_AES256: (algorithms.AES, 32)}
KEY_HISTORY = 0x5FC10C
DISCOVERY = 0x7E
CHUID = 0x5FC102
# The data objects GET DATA may name (absent ones answer 6A82): 5FC101..5FC123, 7E, 7F61.
KNOWN_OBJECTS = set(range(0x5FC101, 0x5FC124)) | {DISCOVERY, 0x7F61}

LOG = sys.stderr


def log(msg):
    LOG.write("%s virt_piv: %s\n" % (time.strftime("%H:%M:%S"), msg))
    LOG.flush()


# ------------------------------------------------------------------------- BER-TLV


def tlv(tag, value):
    t = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82]) + n.to_bytes(2, "big")
    return t + ln + value


def parse_tlv(data):
    """A list of (tag, value) of the BER-TLV sequence DATA; ValueError when malformed."""
    out, i = [], 0
    while i < len(data):
        tag = data[i]; i += 1
        if tag & 0x1F == 0x1F:
            while True:
                if i >= len(data):
                    raise ValueError("truncated tag")
                tag = (tag << 8) | data[i]; i += 1
                if not data[i - 1] & 0x80:
                    break
        if i >= len(data):
            raise ValueError("no length")
        n = data[i]; i += 1
        if n & 0x80:
            k = n & 0x7F
            if k == 0 or k > 3 or i + k > len(data):
                raise ValueError("bad length")
            n = int.from_bytes(data[i:i + k], "big"); i += k
        if i + n > len(data):
            raise ValueError("value runs past the end")
        out.append((tag, data[i:i + n])); i += n
    return out


def tlv_dict(data):
    return {t: v for t, v in parse_tlv(data)}


# ------------------------------------------------------------------------- the card's state


class State:
    def __init__(self, path):
        self.path = path
        with open(path) as f:
            self.d = json.load(f)

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.d, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def obj(self, tag):
        h = self.d["objects"].get("%X" % tag)
        return None if h is None else bytes.fromhex(h)

    def set_obj(self, tag, content):
        self.d["objects"]["%X" % tag] = content.hex()

    def key(self, ref):
        k = self.d["keys"].get("%02X" % ref)
        if k is None:
            return None
        return serialization.load_pem_private_key(k.encode(), password=None)

    def set_key(self, ref, key):
        self.d["keys"]["%02X" % ref] = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()


def cert_object(der):
    """A certificate data object's content: the certificate, CertInfo (not compressed), no LRC."""
    return tlv(0x70, der) + tlv(0x71, b"\x00") + tlv(0xFE, b"")


def setup(args):
    guid = secrets.token_bytes(16)
    fascn = bytes.fromhex("D4E739DA739CED39CE739D836858210842108421C84210C3EB")
    chuid = tlv(0x30, fascn) + tlv(0x34, guid) + tlv(0x35, b"20991231") + tlv(0x3E, b"") + tlv(0xFE, b"")
    discovery = tlv(0x4F, PIV_AID) + tlv(0x5F2F, b"\x40\x00")   # the PIV PIN only
    history = tlv(0xC1, b"\x00") + tlv(0xC2, b"\x00") + tlv(0xFE, b"")
    d = {
        "pin": args.pin, "puk": args.puk,
        "pin_tries": args.tries, "pin_tries_left": args.tries,
        "puk_tries": args.tries, "puk_tries_left": args.tries,
        "mgmt_alg": ALG_3DES, "mgmt_key": DEFAULT_MGMT_KEY.hex(),
        "keys": {}, "objects": {},
    }
    st = State.__new__(State)
    st.path, st.d = args.state, d
    st.set_obj(CHUID, chuid)
    st.set_obj(DISCOVERY, discovery)
    st.set_obj(KEY_HISTORY, history)
    if args.empty and args.slot:
        sys.exit("virt_piv setup: --empty and --slot exclude each other")
    for spec in args.slot or []:
        try:
            name, keyfile, certfile = spec.split(":", 2)
            ref = SLOT_NAMES[name.lower()]
        except (ValueError, KeyError):
            sys.exit("virt_piv setup: --slot wants SLOT:KEY.pem:CERT.pem with SLOT one of 9a 9c 9d 9e")
        with open(keyfile, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        with open(certfile, "rb") as f:
            raw = f.read()
        cert = x509.load_pem_x509_certificate(raw) if b"-----BEGIN" in raw else x509.load_der_x509_certificate(raw)
        st.set_key(ref, key)
        st.set_obj(SLOT_OBJECT[ref], cert_object(cert.public_bytes(serialization.Encoding.DER)))
    st.save()


# ------------------------------------------------------------------------- the card


class SW(Exception):
    def __init__(self, sw, why=None):
        super().__init__("%04X" % sw)
        self.sw, self.why = sw, why


def unsupported(sw, what):
    log("UNSUPPORTED %s: %04X" % (what, sw))
    return SW(sw)


def op_kind(key, block):
    """What the host asked the key to do, for the log: RSA-PSS, PKCS#1 v1.5 or raw, ECDSA."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ECDSA %s signature" % key.curve.name
    if block.startswith(b"\x00\x01\xff"):
        return "RSA %d PKCS#1 v1.5 signature" % key.key_size
    if block.endswith(b"\xbc"):
        return "RSA %d RSA-PSS signature" % key.key_size
    return "RSA %d raw operation" % key.key_size


def key_alg(key):
    if isinstance(key, rsa.RSAPrivateKey):
        return {1024: ALG_RSA1024, 2048: ALG_RSA2048}.get(key.key_size)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": ALG_P256, "secp384r1": ALG_P384}.get(key.curve.name)
    return None


class Card:
    def __init__(self, state):
        self.st = state
        self.power_on()

    def power_on(self):
        self.selected = False
        self.pin_ok = False          # the PIN verified since power on
        self.pin_always_ok = False   # a VERIFY right before: one signature with a PIN-always key
        self.admin = False           # the management key authenticated
        self.mgmt_challenge = None   # (kind, bytes) of a management key authentication under way
        self.chain = b""             # command chaining: the data so far
        self.pending = b""           # response bytes waiting for GET RESPONSE

    # --- transport-level helpers ---------------------------------------------------------

    def apdu(self, raw):
        try:
            return self._apdu(raw)
        except SW as e:
            return e.sw.to_bytes(2, "big")

    def _apdu(self, raw):
        if len(raw) < 4:
            raise unsupported(0x6700, "short APDU %s" % raw.hex())
        cla, ins, p1, p2 = raw[0], raw[1], raw[2], raw[3]
        data, le = self.body(raw[4:])
        if ins == 0xC0 and cla & 0xF0 == 0:
            return self.get_response(le)
        if ins != 0xC0:
            self.pending = b""
        if cla & 0xEF != 0x00:
            raise unsupported(0x6E00, "class %02X in %s" % (cla, raw[:4].hex()))
        if cla & 0x10:                     # command chaining: more to come
            self.chain += data
            return b"\x90\x00"
        data, self.chain = self.chain + data, b""
        if ins != 0xA4 and not self.selected:
            # Other drivers probe a card before the PIV application is selected; a card whose
            # default application is not PIV knows none of their instructions.
            log("unselected %s: 6D00" % raw.hex()[:40])
            raise SW(0x6D00)
        handler = {0xA4: self.select, 0xCB: self.get_data, 0x20: self.verify,
                   0x24: self.change_reference, 0x2C: self.reset_retry,
                   0x87: self.general_authenticate, 0x47: self.generate, 0xDB: self.put_data}.get(ins)
        if handler is None:
            raise unsupported(0x6D00, "INS %02X (%s)" % (ins, raw.hex()[:40]))
        return self.respond(handler(p1, p2, data), le)

    @staticmethod
    def body(rest):
        """(data, Le) of an APDU body: short or extended, cases 1-4."""
        if not rest:
            return b"", 0
        if len(rest) == 1:
            return b"", rest[0] or 256
        if rest[0] == 0 and len(rest) >= 3:           # extended
            if len(rest) == 3:
                return b"", int.from_bytes(rest[1:3], "big") or 65536
            lc = int.from_bytes(rest[1:3], "big")
            data = rest[3:3 + lc]
            if len(data) != lc:
                raise unsupported(0x6700, "extended Lc %d, %d bytes" % (lc, len(data)))
            tail = rest[3 + lc:]
            le = int.from_bytes(tail, "big") or 65536 if tail else 0
            return data, le
        lc = rest[0]
        data = rest[1:1 + lc]
        if len(data) != lc:
            raise unsupported(0x6700, "Lc %d, %d bytes" % (lc, len(data)))
        tail = rest[1 + lc:]
        return data, (tail[0] or 256) if tail else 0

    def respond(self, data, le):
        """DATA with 9000, or its first part with 61xx when it is longer than Le allows."""
        limit = le if le else 256
        if len(data) <= limit:
            return data + b"\x90\x00"
        self.pending = data[limit:]
        return data[:limit] + self.more()

    def more(self):
        n = len(self.pending)
        return bytes([0x61, 0 if n >= 256 else n])

    def get_response(self, le):
        if not self.pending:
            raise unsupported(0x6985, "GET RESPONSE with nothing pending")
        n = min(le or 256, len(self.pending))
        out, self.pending = self.pending[:n], self.pending[n:]
        return out + (self.more() if self.pending else b"\x90\x00")

    # --- SELECT ---------------------------------------------------------------------------

    def select(self, p1, p2, data):
        if p1 != 0x04:
            raise unsupported(0x6A86, "SELECT P1 %02X" % p1)
        if len(data) < 5 or not PIV_AID.startswith(data):
            log("select-other %s: 6A82" % data.hex())
            self.selected = False
            raise SW(0x6A82)
        self.selected = True
        alg = b"".join(tlv(0x80, bytes([a])) for a in (ALG_RSA2048, ALG_P256, ALG_P384)) + tlv(0x06, b"\x00")
        return tlv(0x61, tlv(0x4F, PIV_AID[5:]) + tlv(0x79, tlv(0x4F, PIV_AID[:5])) +
                   tlv(0x50, b"ovpn-token test PIV") + tlv(0xAC, alg))

    # --- GET DATA / PUT DATA --------------------------------------------------------------

    @staticmethod
    def object_tag(p1, p2, data, what):
        if (p1, p2) != (0x3F, 0xFF):
            raise unsupported(0x6A86, "%s P1P2 %02X%02X" % (what, p1, p2))
        try:
            tags = parse_tlv(data)
        except ValueError:
            raise unsupported(0x6A80, "%s data %s" % (what, data.hex()))
        if not tags or tags[0][0] != 0x5C or not 1 <= len(tags[0][1]) <= 3:
            raise unsupported(0x6A80, "%s data %s" % (what, data.hex()))
        return int.from_bytes(tags[0][1], "big"), tags[1:]

    def get_data(self, p1, p2, data):
        tag, _ = self.object_tag(p1, p2, data, "GET DATA")
        if tag not in KNOWN_OBJECTS:
            raise unsupported(0x6A81, "GET DATA of object %X" % tag)
        content = self.st.obj(tag)
        if content is None:
            raise SW(0x6A82)
        if tag == DISCOVERY:
            return tlv(0x7E, content)
        if tag == 0x7F61:
            return tlv(0x7F61, content)
        return tlv(0x53, content)

    def put_data(self, p1, p2, data):
        tag, rest = self.object_tag(p1, p2, data, "PUT DATA")
        if not self.admin:
            raise SW(0x6982)
        if tag not in KNOWN_OBJECTS or tag == DISCOVERY:
            raise unsupported(0x6A81, "PUT DATA of object %X" % tag)
        if len(rest) != 1 or rest[0][0] != 0x53:
            raise unsupported(0x6A80, "PUT DATA without one 53 template")
        if rest[0][1]:
            self.st.set_obj(tag, rest[0][1])
        else:
            self.st.d["objects"].pop("%X" % tag, None)
        self.st.save()
        log("PUT DATA %X (%d bytes)" % (tag, len(rest[0][1])))
        return b""

    # --- the PIN ---------------------------------------------------------------------------

    @staticmethod
    def padded(pin):
        return pin.encode().ljust(8, b"\xff")

    def tries_sw(self, left):
        return 0x6983 if left <= 0 else 0x63C0 | min(left, 15)

    def check_secret(self, which, given):
        """Compare GIVEN with the PIN or PUK, counting; raise SW on a wrong or blocked one."""
        left_key = which + "_tries_left"
        if self.st.d[left_key] <= 0:
            raise SW(0x6983)
        if len(given) != 8 or not secrets.compare_digest(given, self.padded(self.st.d[which])):
            self.st.d[left_key] -= 1
            self.st.save()
            log("wrong %s: %d tries left" % (which.upper(), self.st.d[left_key]))
            raise SW(self.tries_sw(self.st.d[left_key]))
        if self.st.d[left_key] != self.st.d[which + "_tries"]:
            self.st.d[left_key] = self.st.d[which + "_tries"]
            self.st.save()

    def verify(self, p1, p2, data):
        if p2 != 0x80:
            raise unsupported(0x6A88, "VERIFY of key reference %02X" % p2)
        if p1 == 0xFF:                                 # reset the PIN's security status
            if data:
                raise unsupported(0x6A80, "VERIFY P1=FF with data")
            self.pin_ok = self.pin_always_ok = False
            return b""
        if p1 != 0x00:
            raise unsupported(0x6A86, "VERIFY P1 %02X" % p1)
        if not data:                                   # the status: verified, or tries left
            if self.pin_ok:
                return b""
            raise SW(self.tries_sw(self.st.d["pin_tries_left"]))
        self.pin_ok = self.pin_always_ok = False
        self.check_secret("pin", data)
        self.pin_ok = self.pin_always_ok = True
        log("PIN verified")
        return b""

    def change_reference(self, p1, p2, data):
        if p1 != 0x00 or p2 not in (0x80, 0x81):
            raise unsupported(0x6A86, "CHANGE REFERENCE DATA %02X%02X" % (p1, p2))
        which = "pin" if p2 == 0x80 else "puk"
        if len(data) != 16:
            raise SW(0x6A80)
        self.check_secret(which, data[:8])
        self.st.d[which] = data[8:].rstrip(b"\xff").decode()
        self.st.save()
        return b""

    def reset_retry(self, p1, p2, data):
        if (p1, p2) != (0x00, 0x80):
            raise unsupported(0x6A86, "RESET RETRY COUNTER %02X%02X" % (p1, p2))
        if len(data) != 16:
            raise SW(0x6A80)
        self.check_secret("puk", data[:8])
        self.st.d["pin"] = data[8:].rstrip(b"\xff").decode()
        self.st.d["pin_tries_left"] = self.st.d["pin_tries"]
        self.st.save()
        log("PIN unblocked with the PUK")
        return b""

    # --- GENERAL AUTHENTICATE ------------------------------------------------------------

    def general_authenticate(self, p1, p2, data):
        try:
            outer = parse_tlv(data)
            if len(outer) != 1 or outer[0][0] != 0x7C:
                raise ValueError("no 7C template")
            inner = parse_tlv(outer[0][1])
        except ValueError as e:
            raise unsupported(0x6A80, "GENERAL AUTHENTICATE data (%s)" % e)
        fields = dict(inner)
        if p2 == 0x9B:
            return self.mgmt_auth(p1, fields)
        if p2 not in SLOT_PIN:
            raise unsupported(0x6A86, "GENERAL AUTHENTICATE with key %02X" % p2)
        key = self.st.key(p2)
        if key is None:
            raise SW(0x6A88)
        if key_alg(key) != p1:
            log("GENERAL AUTHENTICATE alg %02X for key %02X of alg %s" % (p1, p2, key_alg(key)))
            raise SW(0x6A86)
        if 0x82 not in fields or fields[0x82]:
            raise unsupported(0x6A80, "GENERAL AUTHENTICATE without an empty 82 (response) field")
        self.pin_rule(p2)
        if 0x81 in fields:                           # a signature (or an RSA decryption)
            out = self.private_op(key, fields[0x81])
            log("key %02X: %s" % (p2, op_kind(key, fields[0x81])))
        elif 0x85 in fields and isinstance(key, ec.EllipticCurvePrivateKey):   # ECDH
            peer = ec.EllipticCurvePublicKey.from_encoded_point(key.curve, fields[0x85])
            out = key.exchange(ec.ECDH(), peer)
        else:
            raise unsupported(0x6A80, "GENERAL AUTHENTICATE fields %s" % sorted(fields))
        return tlv(0x7C, tlv(0x82, out))

    def pin_rule(self, ref):
        rule = SLOT_PIN[ref]
        if rule == PIN_NEVER:
            return
        if not self.pin_ok:
            log("key %02X used without the PIN: 6982" % ref)
            raise SW(0x6982)
        if rule == PIN_ALWAYS:
            if not self.pin_always_ok:
                log("key %02X (PIN always) used without a VERIFY right before: 6982" % ref)
                raise SW(0x6982)
            self.pin_always_ok = False

    @staticmethod
    def private_op(key, block):
        if isinstance(key, rsa.RSAPrivateKey):
            n = key.private_numbers()
            if len(block) != key.key_size // 8:
                raise SW(0x6A80)
            m = int.from_bytes(block, "big")
            if m >= n.public_numbers.n:
                raise SW(0x6A80)
            return pow(m, n.d, n.public_numbers.n).to_bytes(key.key_size // 8, "big")
        # ECDSA over the host's digest (already cut to the field's size by the host).
        size = (key.curve.key_size + 7) // 8
        digest = block[:size]
        h = {32: hashes.SHA256(), 48: hashes.SHA384()}[size]
        return key.sign(digest.rjust(size, b"\x00"), ec.ECDSA(utils.Prehashed(h)))

    def mgmt_auth(self, alg, fields):
        if alg != self.st.d["mgmt_alg"]:
            log("management key: alg %02X, the card's is %02X" % (alg, self.st.d["mgmt_alg"]))
            raise SW(0x6A86)
        cipher_alg, _ = MGMT_CIPHERS[alg]
        key = bytes.fromhex(self.st.d["mgmt_key"])
        block = cipher_alg.block_size // 8
        ecb = Cipher(cipher_alg(key), modes.ECB())
        enc = lambda b: ecb.encryptor().update(b)
        dec = lambda b: ecb.decryptor().update(b)
        pending, self.mgmt_challenge = self.mgmt_challenge, None
        empty_asks = {t for t, v in fields.items() if v == b""} - {0x82}
        if empty_asks == {0x80} and len(fields) <= 2:                # mutual, step 1: a witness
            witness = secrets.token_bytes(block)
            self.mgmt_challenge = ("witness", witness)
            return tlv(0x7C, tlv(0x80, enc(witness)))
        if empty_asks == {0x81} and len(fields) <= 2:                # external, step 1: a challenge
            challenge = secrets.token_bytes(block)
            self.mgmt_challenge = ("challenge", challenge)
            return tlv(0x7C, tlv(0x81, challenge))
        if pending and pending[0] == "witness" and 0x80 in fields and 0x81 in fields:
            if not secrets.compare_digest(fields[0x80], pending[1]):
                raise SW(0x6982)
            self.admin = True
            log("management key authenticated (mutual)")
            return tlv(0x7C, tlv(0x82, enc(fields[0x81])))
        if pending and pending[0] == "challenge" and 0x82 in fields and fields[0x82]:
            if not secrets.compare_digest(dec(fields[0x82]), pending[1]):
                raise SW(0x6982)
            self.admin = True
            log("management key authenticated (external)")
            return b""
        raise unsupported(0x6A80, "management key authentication step %s" % sorted(fields))

    # --- GENERATE ASYMMETRIC KEY PAIR ------------------------------------------------------

    def generate(self, p1, p2, data):
        if p1 != 0x00 or p2 not in SLOT_PIN:
            raise unsupported(0x6A86, "GENERATE %02X%02X" % (p1, p2))
        if not self.admin:
            raise SW(0x6982)
        try:
            outer = tlv_dict(data)
            alg = tlv_dict(outer[0xAC])[0x80][0]
        except (ValueError, KeyError, IndexError):
            raise unsupported(0x6A80, "GENERATE data %s" % data.hex())
        if alg == ALG_RSA2048:
            key = rsa.generate_private_key(65537, 2048)
            pub = key.public_key().public_numbers()
            body = tlv(0x81, pub.n.to_bytes(256, "big")) + tlv(0x82, pub.e.to_bytes(3, "big"))
        elif alg in CURVES:
            key = ec.generate_private_key(CURVES[alg]())
            body = tlv(0x86, key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
        else:
            raise unsupported(0x6A80, "GENERATE of algorithm %02X" % alg)
        self.st.set_key(p2, key)
        self.st.save()
        log("key %02X generated (alg %02X)" % (p2, alg))
        return tlv(0x7F49, body)


# ------------------------------------------------------------------------- vpcd


def atr():
    tck = 0
    for b in ATR_BODY[1:]:
        tck ^= b
    return ATR_BODY + bytes([tck])


class Reader:
    """The card's link to vpcd; present while connected."""

    def __init__(self, state, port):
        self.state, self.port = state, port
        self.want_in = True
        self.sock = None
        self.lock = threading.Lock()

    def remove(self, *_):
        self.want_in = False
        s = self.sock
        if s is not None:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        log("card removed")

    def insert(self, *_):
        self.want_in = True
        log("card inserted")

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("vpcd closed the connection")
            buf += chunk
        return buf

    def send(self, payload):
        self.sock.sendall(struct.pack(">H", len(payload)) + payload)

    def serve_once(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        card = Card(State(self.state))
        card.st_mtime = os.stat(self.state).st_mtime_ns
        try:
            while self.want_in:
                n = struct.unpack(">H", self.recv_exact(2))[0]
                msg = self.recv_exact(n)
                if len(msg) == 1:
                    code = msg[0]
                    if code in (0, 1, 2):
                        card.power_on()
                    elif code == 4:
                        self.send(atr())
                    else:
                        log("UNSUPPORTED vpcd control code %d" % code)
                    continue
                mtime = os.stat(self.state).st_mtime_ns
                if mtime != card.st_mtime:           # another process (setup) wrote it
                    card.st, card.st_mtime = State(self.state), mtime
                resp = card.apdu(msg)
                log("%s -> %s" % (redact(msg), resp[-2:].hex().upper()))
                self.send(resp)
        finally:
            s, self.sock = self.sock, None
            s.close()

    def run(self):
        while True:
            if not self.want_in:
                time.sleep(0.05)
                continue
            try:
                self.serve_once()
            except (ConnectionError, OSError) as e:
                if self.want_in:
                    log("link to vpcd: %s; again in 0.2 s" % e)
                    time.sleep(0.2)


def redact(apdu):
    """An APDU for the log: the secrets of VERIFY, CHANGE and RESET RETRY are not written."""
    if len(apdu) > 5 and apdu[1] in (0x20, 0x24, 0x2C):
        return apdu[:5].hex() + "<%d secret bytes>" % (len(apdu) - 5)
    h = apdu.hex()
    return h if len(h) <= 64 else h[:64] + "...(%d bytes)" % len(apdu)


def main():
    global LOG
    ap = argparse.ArgumentParser(prog="virt_piv", description="a virtual PIV card for vpcd")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    s.add_argument("state")
    s.add_argument("--pin", default="123456")
    s.add_argument("--puk", default="12345678")
    s.add_argument("--tries", type=int, default=3)
    s.add_argument("--empty", action="store_true")
    s.add_argument("--slot", action="append")
    r = sub.add_parser("run")
    r.add_argument("state")
    r.add_argument("--port", type=int, default=35963)
    r.add_argument("--log")
    args = ap.parse_args()
    if args.cmd == "setup":
        setup(args)
        return
    if args.log:
        LOG = open(args.log, "a")
    reader = Reader(args.state, args.port)
    signal.signal(signal.SIGUSR1, reader.remove)
    signal.signal(signal.SIGUSR2, reader.insert)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log("card up (pid %d)" % os.getpid())
    reader.run()


if __name__ == "__main__":
    main()
