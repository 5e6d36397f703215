#!/usr/bin/python3
"""Hostile clients of a TLS port, for tests/remote/tls.py (run inside a
network namespace with `ip netns exec`).

    tlsflood.py HOST PORT SILENT HALFHELLO GARBAGE

Opens SILENT connections that send nothing, HALFHELLO that send the first
half of a real TLS ClientHello (made with Python's ssl module in memory),
and GARBAGE that send 4 KiB of random bytes; prints "holding N" once all
are open, then waits (at most 40 s) until the server has closed each one
and prints one JSON line: per kind, how many were closed, how many of them
within 3 s, and the longest time it took.  The random bytes come from a
fixed seed.  Bounded: every socket has a deadline.
"""

import json
import random
import select
import socket
import ssl
import sys
import time


def client_hello():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname='example.test')
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    counts = {'silent': int(sys.argv[3]), 'halfhello': int(sys.argv[4]),
              'garbage': int(sys.argv[5])}
    hello = client_hello()
    rnd = random.Random(12)
    socks = {}
    t0 = time.monotonic()
    for kind, n in counts.items():
        for _ in range(n):
            s = socket.create_connection((host, port), timeout=5)
            s.setblocking(False)
            if kind == 'halfhello':
                s.send(hello[:len(hello) // 2])
            elif kind == 'garbage':
                try:
                    s.send(bytes(rnd.getrandbits(8) for _ in range(4096)))
                except BlockingIOError:
                    pass
            socks[s] = (kind, time.monotonic())
    print('holding %d (ClientHello %d bytes)' % (len(socks), len(hello)), flush=True)
    closed = {k: 0 for k in counts}
    longest = {k: 0.0 for k in counts}
    quick = {k: 0 for k in counts}
    deadline = t0 + 40
    while socks and time.monotonic() < deadline:
        r, _, _ = select.select(list(socks), [], [], 0.5)
        for s in r:
            try:
                data = s.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                data = b''
            except BlockingIOError:
                continue
            if data:
                continue   # an alert, say: wait for the close
            kind, start = socks.pop(s)
            closed[kind] += 1
            longest[kind] = max(longest[kind], time.monotonic() - start)
            if time.monotonic() - start < 3:
                quick[kind] += 1
            s.close()
    for s in socks:
        s.close()
    print(json.dumps({'closed': closed, 'longest': longest, 'quick': quick, 'open': len(socks)}), flush=True)


if __name__ == '__main__':
    main()
