#!/usr/bin/env python3
"""Check that a run's event log is the causal timeline of both sides.

Usage: timeline.py SSL_H FILE LABEL [--need client|server ...]

FILE is the --json output of a run made with --openssl-states: OpenSSL's own
handshake state machine (its info callback, tls.state events, with the
OSSL_HANDSHAKE_STATE number) is recorded in the same log as the derivations
and checks.  Each derivation or check must stand on the lifeline of the side
that does it, between the OpenSSL states of that side that bracket the work
(e.g. the client's master secret after TLS_ST_CW_KEY_EXCH is done and before
TLS_ST_CW_CHANGE is), and each side's tls.handshake_done after its Finished
check.  The state numbers are read from OpenSSL's own header (SSL_H), so the
test follows the library, not a copy of it.

--need client|server: that side's full set of derivations must be there
(a complete run where the side is ours).  Exit 0 and a line of what was
checked, or 1 with every violation."""
import json
import re
import sys


def states_from_header(path):
    text = open(path).read()
    m = re.search(r"typedef\s+enum\s*\{([^}]*TLS_ST_BEFORE[^}]*)\}\s*OSSL_HANDSHAKE_STATE", text)
    if not m:
        sys.exit("timeline: no OSSL_HANDSHAKE_STATE in %s" % path)
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    names = [n.strip() for n in body.split(",") if n.strip()]
    out = {}
    for i, n in enumerate(names):
        if "=" in n:
            sys.exit("timeline: explicit value in OSSL_HANDSHAKE_STATE: %s" % n)
        out[n] = i
    return out


# (side role, TLS version, event name, nth on that side, state done before
#  it, state it comes before (None: not checked), what it means)
RULES = [
    ("client", "1.2", "kex.signature", 0, "TLS_ST_CR_KEY_EXCH", "TLS_ST_CR_SRVR_DONE",
     "the ServerKeyExchange signature checked as it is processed"),
    ("client", "1.2", "kex.pre_master", 0, "TLS_ST_CR_SRVR_DONE", "TLS_ST_CW_KEY_EXCH",
     "the pre-master secret made while the ClientKeyExchange is built"),
    ("client", "1.2", "kex.ecdhe", 0, "TLS_ST_CR_SRVR_DONE", "TLS_ST_CW_KEY_EXCH",
     "the client's ECDHE secret made while the ClientKeyExchange is built"),
    ("client", "1.2", "kex.master_secret", 0, "TLS_ST_CW_KEY_EXCH", "TLS_ST_CW_CHANGE",
     "the master secret after the ClientKeyExchange, before ChangeCipherSpec"),
    ("client", "1.2", "kex.key_block", 0, "TLS_ST_CW_CHANGE", "TLS_ST_CW_FINISHED",
     "the key block as the write keys switch, before the Finished"),
    ("client", "1.2", "kex.finished", 0, "TLS_ST_CW_CHANGE", "TLS_ST_CW_FINISHED",
     "the client's own Finished computed before it is sent"),
    ("client", "1.2", "kex.finished", 1, "TLS_ST_CR_FINISHED", None,
     "the server's Finished checked once read"),
    ("server", "1.2", "kex.rsa_decrypt", 0, "TLS_ST_SR_KEY_EXCH", "TLS_ST_SR_FINISHED",
     "the server decrypts the pre-master secret as it processes the ClientKeyExchange"),
    ("server", "1.2", "kex.ecdhe", 0, "TLS_ST_SR_KEY_EXCH", "TLS_ST_SR_FINISHED",
     "the server's ECDHE secret as it processes the ClientKeyExchange"),
    ("server", "1.2", "kex.finished", 0, "TLS_ST_SR_FINISHED", "TLS_ST_SW_CHANGE",
     "the server checks the client's Finished before its ChangeCipherSpec"),
    ("server", "1.2", "kex.finished", 1, "TLS_ST_SW_CHANGE", "TLS_ST_SW_FINISHED",
     "the server's own Finished computed before it is sent"),
    ("client", "1.3", "kex.ecdhe", 0, "TLS_ST_CW_CLNT_HELLO", "TLS_ST_CR_SRVR_HELLO",
     "the client's shared secret as it processes the ServerHello"),
    ("client", "1.3", "kex.tls13_keys", 0, "TLS_ST_CW_CLNT_HELLO", "TLS_ST_CR_SRVR_HELLO",
     "the client's handshake keys as it processes the ServerHello"),
    ("client", "1.3", "kex.signature", 0, "TLS_ST_CR_CERT_VRFY", "TLS_ST_CR_FINISHED",
     "the CertificateVerify checked as it is processed"),
    ("client", "1.3", "kex.finished", 0, "TLS_ST_CR_FINISHED", "TLS_ST_CW_FINISHED",
     "the server's Finished checked before the client's own (RFC 8446 4.4.4)"),
    ("client", "1.3", "kex.finished", 1, "TLS_ST_CR_FINISHED", "TLS_ST_CW_FINISHED",
     "the client's own Finished computed before it is sent"),
    ("client", "1.3", "kex.tls13_keys", 1, "TLS_ST_CW_FINISHED", None,
     "the application keys once the client's Finished is out"),
    ("server", "1.3", "kex.ecdhe", 0, "TLS_ST_SW_SRVR_HELLO", "TLS_ST_SW_ENCRYPTED_EXTENSIONS",
     "the server's shared secret before EncryptedExtensions"),
    ("server", "1.3", "kex.tls13_keys", 0, "TLS_ST_SW_SRVR_HELLO", "TLS_ST_SW_ENCRYPTED_EXTENSIONS",
     "the server's handshake keys before EncryptedExtensions"),
    ("server", "1.3", "kex.finished", 0, "TLS_ST_SW_CERT_VRFY", "TLS_ST_SW_FINISHED",
     "the server's own Finished computed before it is sent"),
    ("server", "1.3", "kex.finished", 1, "TLS_ST_SR_FINISHED", None,
     "the server checks the client's Finished once read"),
]

# What a side that is ours derives in a complete run.
NEEDED = {
    ("client", "1.2", "rsa"): ["kex.pre_master", "kex.master_secret", "kex.key_block", "kex.finished",
                               "kex.finished", "kex.record_decrypt"],
    ("client", "1.2", "ecdhe"): ["kex.signature", "kex.ecdhe", "kex.master_secret", "kex.key_block",
                                 "kex.finished", "kex.finished", "kex.record_decrypt"],
    ("server", "1.2", "rsa"): ["kex.rsa_decrypt", "kex.finished", "kex.finished", "kex.record_decrypt"],
    ("server", "1.2", "ecdhe"): ["kex.ecdhe", "kex.finished", "kex.finished", "kex.record_decrypt"],
    ("client", "1.3", "ecdhe"): ["kex.ecdhe", "kex.tls13_keys", "kex.signature", "kex.finished",
                                 "kex.finished", "kex.tls13_keys", "kex.record_decrypt"],
    ("server", "1.3", "ecdhe"): ["kex.ecdhe", "kex.tls13_keys", "kex.finished", "kex.finished",
                                 "kex.record_decrypt"],
}


def side_of(ev):
    """(actor, role) of the side an event belongs to."""
    if ev["name"] == "tls.state":
        return (ev["actor"], ev["tls_role"])
    if ev["actor"] == "client":
        return ("client", "client")
    return (ev["actor"], "server")


def main():
    ssl_h, path, label = sys.argv[1:4]
    need = [a for i, a in enumerate(sys.argv[4:]) if i % 2 == 1 and sys.argv[4 + i - 1] == "--need"]
    st = states_from_header(ssl_h)
    evs = []
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        ev = json.loads(line)
        if "name" in ev:
            evs.append(ev)
    if not any(e["name"] == "tls.state" for e in evs):
        sys.exit("%s: no tls.state events: run with --openssl-states" % label)
    version = "1.3" if any(e["name"] == "tls.encrypted_extensions" for e in evs) else "1.2"
    kex = "ecdhe" if version == "1.3" or any(e["name"] == "tls.server_key_exchange" for e in evs) else "rsa"
    errors = []
    checked = 0
    sides = {side_of(e) for e in evs if e["name"] == "tls.state"}
    for side in sides:
        role = side[1]
        mine = [(i, e) for i, e in enumerate(evs) if side_of(e) == side]

        def state_at(name):
            num = st[name]
            for i, e in mine:
                if e["name"] == "tls.state" and e.get("openssl_state") == num:
                    return i
            return None

        def nth(name, n):
            k = [i for i, e in mine if e["name"] == name]
            return k[n] if n < len(k) else None

        for r_role, r_ver, name, n, after, before, what in RULES:
            if r_role != role or r_ver != version:
                continue
            i = nth(name, n)
            if i is None:
                continue
            a = state_at(after)
            b = state_at(before) if before else None
            checked += 1
            if a is None or a > i:
                errors.append("%s: %s %s #%d (event %d) is not after OpenSSL's %s (%s): %s" %
                              (label, side, name, n, evs[i]["seq"], after, a, what))
            if before and b is not None and b < i:
                errors.append("%s: %s %s #%d (event %d) is not before OpenSSL's %s (event %d): %s" %
                              (label, side, name, n, evs[i]["seq"], before, evs[b]["seq"], what))
        # the handshake ends on each side after that side's Finished checks
        done = nth("tls.handshake_done", 0)
        for i, e in mine:
            if e["name"] == "kex.finished" and done is not None and i > done:
                errors.append("%s: %s tls.handshake_done (event %d) before its kex.finished (event %d)" %
                              (label, side, evs[done]["seq"], e["seq"]))
    # a side that is ours does the whole set of a complete run (in mitm the
    # server half on the client's connection is the interceptor's)
    for role in need:
        want = NEEDED.get((role, version, kex), [])
        ok = False
        for side in sides:
            if side[1] != role or (role == "client" and side[0] != "client"):
                continue
            have = [e["name"] for e in evs if side_of(e) == side]
            if all(have.count(w) >= want.count(w) for w in want):
                ok = True
        if not ok:
            errors.append("%s: no %s side with the whole set %s" % (label, role, want))
    # the client asks for nothing before its check of the server's Finished
    req = next((i for i, e in enumerate(evs) if e["name"] == "http.request" and e["actor"] == "client"), None)
    fins = [i for i, e in enumerate(evs) if e["name"] == "kex.finished" and e["actor"] == "client"]
    if req is not None and fins and max(fins) > req:
        errors.append("%s: http.request before the client's Finished checks" % label)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    print("%s: TLS %s %s, %d sides, %d derivations between their OpenSSL states" %
          (label, version, kex, len(sides), checked))


main()
