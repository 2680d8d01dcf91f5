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
  huge         TLS: a 100 MB Content-Length response
  endless      TLS: a response without length whose body never ends
  short_cl     TLS: Content-Length 1000, 600 body bytes, then close_notify
  cut_chunked  TLS: a chunked body cut inside a chunk, then close_notify
  no_notify    TLS: a body without length, then TCP FIN without close_notify
  bad_cl       TLS: two Content-Length headers that disagree
  neg_cl       TLS: Content-Length: -1
  wide         TLS: a response whose status line and headers hold wide,
               zero-width and bidi characters
  client_cert  TLS 1.2 server that requires a client certificate
  reneg        (openssl s_server, not this script) see tests/e2e/renegotiation.sh
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
TLS_MODES = ("chunked", "large", "huge", "endless", "short_cl", "cut_chunked",
             "no_notify", "bad_cl", "neg_cl", "wide", "client_cert")
if mode in TLS_MODES:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    if mode == "client_cert":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(sys.argv[3])


def send_stream(t, head, size):
    """head, then size body bytes (forever when size is None)."""
    t.sendall(head)
    block = b"0123456789abcdef" * 4096
    sent = 0
    while size is None or sent < size:
        n = len(block) if size is None else min(len(block), size - sent)
        t.sendall(block[:n])
        sent += n


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
    elif mode in TLS_MODES:
        t = ctx.wrap_socket(c, server_side=True)
        read_request(t)
        if mode == "huge":
            send_stream(t, b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n", 100000000)
        elif mode == "endless":
            send_stream(t, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", None)
        elif mode == "short_cl":
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 600)
        elif mode == "cut_chunked":
            t.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nHello\r\n400\r\n" + b"y" * 100)
        elif mode == "no_notify":
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + b"z" * 500)
            c.shutdown(socket.SHUT_RDWR)
            return
        elif mode == "bad_cl":
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello")
        elif mode == "neg_cl":
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nhello")
        elif mode == "wide":
            wide = "\u231a\u231a \u4e2d\u6587 e\u0301 \u200b\u061c\u202e".encode()
            body = ("\u231a" * 40 + "\n").encode()
            t.sendall(b"HTTP/1.1 200 " + wide + b"\r\nX-Wide: " + wide + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        elif mode == "client_cert":
            pass
        elif mode == "chunked":
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
