#!/usr/bin/env python3
"""A hostile TLS "server" for the e2e tests, on 127.0.0.1.

usage: hostile.py MODE [LIFETIME_S]
Binds a free port, prints it on one line, then answers each connection the
MODE's way until LIFETIME_S seconds (default 10) have passed:
  plain_http   reads the request, answers HTTP/1.0 200 in clear
  close_hello  reads the ClientHello, then closes
  random       reads the ClientHello, sends random bytes
  bad_length   reads the ClientHello, sends a TLS record header with an
               impossible length (16 03 03 ff ff) and some bytes
  alert155     reads the ClientHello, answers with a fatal alert whose
               description (155) is in no registry: 15 03 03 00 02 02 9b
  silent       accepts and never answers
  chunked      TLS (needs CERT KEY args): a chunked HTTP/1.1 response
  large        TLS (needs CERT KEY args): a 1 MiB Content-Length response
"""
import os
import socket
import ssl
import sys
import time

mode = sys.argv[1]
lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
end = time.time() + lifetime

ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(8)
print(ls.getsockname()[1], flush=True)

ctx = None
if mode in ("chunked", "large"):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])


def read_some(c, n=4096):
    try:
        return c.recv(n)
    except OSError:
        return b""


def read_request(c):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = c.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def answer(c):
    if mode == "plain_http":
        read_some(c)
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello in clear\r\n")
    elif mode == "close_hello":
        read_some(c)
    elif mode == "random":
        read_some(c)
        c.sendall(os.urandom(2000))
        time.sleep(0.1)
    elif mode == "bad_length":
        read_some(c)
        c.sendall(bytes.fromhex("160303ffff") + os.urandom(200))
        time.sleep(0.1)
    elif mode == "alert155":
        read_some(c)
        c.sendall(bytes.fromhex("1503030002029b"))
        time.sleep(0.1)
    elif mode == "silent":
        while time.time() < end and read_some(c):
            pass
    elif mode in ("chunked", "large"):
        t = ctx.wrap_socket(c, server_side=True)
        read_request(t)
        if mode == "chunked":
            body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in
                            [b"Hello, ", b"chunked ", b"world!\n" * 50])
            t.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                      b"Connection: close\r\n\r\n" + body + b"0\r\n\r\n")
        else:
            size = 1 << 20
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % size)
            block = b"0123456789abcdef" * 4096
            for _ in range(size // len(block)):
                t.sendall(block)
        try:
            t.unwrap()
        except (OSError, ssl.SSLError):
            pass
        c = t


while time.time() < end:
    ls.settimeout(max(0.05, end - time.time()))
    try:
        c, _ = ls.accept()
    except OSError:
        break
    c.settimeout(max(0.05, end - time.time()))
    try:
        answer(c)
    except (OSError, ssl.SSLError):
        pass
    finally:
        c.close()
