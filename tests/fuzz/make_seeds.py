#!/usr/bin/env python3
"""Seed the fuzz corpora in tests/fuzz/corpus/ from real runs.

usage: python3 tests/fuzz/make_seeds.py BUILD/httpsviz

Runs the real binary: the embedded exchange in each scenario and TLS
version (--json), and connect against the hostile peers of the e2e tests
(tests/e2e/helpers/hostile.py, with a test PKI) with --json and, when
packet capture is permitted, --pcap.  From what those runs saw it writes:
  http/       each decrypted HTTP response (http.response raw bytes)
  sanitize/   each summary and field value, and the peers' raw texts
  grid/       the same texts, behind the three option bytes fuzz_grid reads
  certcheck/  each certificate chain received (DER, leaf first), behind the
              option byte fuzz_certcheck reads
  engine/     each server's byte stream as captured (TCP payload), behind
              the option byte fuzz_engine reads
File names are the SHA-1 of the content, as libFuzzer names its own."""
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
binary = os.path.abspath(sys.argv[1])
out = os.path.join(here, "corpus")


def put(kind, data):
    if not data:
        return
    d = os.path.join(out, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def events(args):
    p = subprocess.run([binary] + args + ["--json"], capture_output=True, timeout=60)
    return [json.loads(l) for l in p.stdout.decode().splitlines() if l.startswith("{")]


def texts(ev):
    yield ev["summary"].encode()
    stack = list(ev.get("fields", []))
    while stack:
        f = stack.pop()
        yield f["value"].encode()
        stack.extend(f.get("children", []))


def chain_of(raw):
    """The DER certificates of a TLS 1.2 or 1.3 Certificate message."""
    certs, i = [], 4
    if len(raw) < 8:
        return certs
    ctx = raw[4] if raw[0] == 11 and len(raw) > 4 and raw[4] < 0x10 and len(raw) > 5 and raw[5] == 0 else None
    if ctx is not None and raw[4] == 0:  # TLS 1.3: empty context, then the list
        i = 5
    i += 3
    while i + 3 <= len(raw):
        n = int.from_bytes(raw[i:i + 3], "big")
        certs.append(raw[i + 3:i + 3 + n])
        i += 3 + n
        if ctx is not None and raw[4] == 0 and i + 2 <= len(raw):
            i += 2 + int.from_bytes(raw[i:i + 2], "big")  # extensions
    return [c for c in certs if c[:1] == b"\x30"]


def harvest(evs):
    for ev in evs:
        raw = bytes.fromhex(ev.get("hex", ""))
        for t in texts(ev):
            put("sanitize", t)
            put("grid", bytes([40, 1, 0]) + t)
        if ev["name"] == "http.response":
            put("http", raw)
            put("sanitize", raw)
            put("grid", bytes([30, 0, 0]) + raw[:200])
        if ev["name"] == "tls.certificate":
            chain = chain_of(raw)
            if chain:
                put("certcheck", b"\x00" + b"".join(chain))
                put("certcheck", b"\x03" + chain[0])


def tcp_payloads(pcap, server_port):
    """The bytes the server sent, in order, from a pcap file."""
    data = open(pcap, "rb").read()
    if len(data) < 24:
        return b""
    link = struct.unpack("<I", data[20:24])[0]
    off, segs = 24, {}
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        skip = {1: 14, 113: 16, 276: 20, 0: 4}.get(link)
        if skip is None:
            continue
        ip = pkt[skip:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        tcp = ip[(ip[0] & 15) * 4:]
        if len(tcp) < 20 or struct.unpack(">H", tcp[0:2])[0] != server_port:
            continue
        seq = struct.unpack(">I", tcp[4:8])[0]
        payload = tcp[(tcp[12] >> 4) * 4:]
        if payload:
            segs.setdefault(seq, payload)
    return b"".join(segs[k] for k in sorted(segs))


def main():
    for tls in ("1.2", "1.3"):
        for scen in ("good", "expired", "wrong-host", "untrusted-ca", "mitm"):
            args = ["--tls", tls, "--scenario", scen, "--insecure"]
            if tls == "1.2":
                harvest(events(args + ["--kex", "ecdhe"]))
            harvest(events(args))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["sh", os.path.join(root, "tests/e2e/helpers/pki.sh"), tmp], check=True,
                       capture_output=True)
        for mode in ("chunked", "short_cl", "cut_chunked", "no_notify", "bad_cl", "neg_cl", "wide",
                     "client_cert", "plain_http", "random", "bad_length", "close_hello"):
            peer = subprocess.Popen([sys.executable, os.path.join(root, "tests/e2e/helpers/hostile.py"),
                                     mode, "8", tmp + "/srv.pem", tmp + "/srv.key"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            port = int(peer.stdout.readline())
            base = ["connect", "localhost:%d" % port, "--cafile", tmp + "/ca.pem", "--timeout", "2000"]
            harvest(events(base))
            pcap = os.path.join(tmp, "p.pcap")
            r = subprocess.run([binary] + base + ["--trace", "--pcap", pcap], capture_output=True, timeout=30)
            if os.path.exists(pcap) and os.path.getsize(pcap) > 24:
                stream = tcp_payloads(pcap, port)
                for opt in (0, 1, 2):
                    put("engine", bytes([opt]) + stream)
                os.unlink(pcap)
            peer.kill()
            peer.wait()
    for kind in sorted(os.listdir(out)):
        print(kind, len(os.listdir(os.path.join(out, kind))))


main()
