#!/usr/bin/python3
"""Bad input on the wire (libvirt-wire.md section 1): raw-socket clients send
truncated frames, oversized and undersized length words, garbage, wrong
programs and versions, unknown procedures, calls before CONNECT_OPEN,
undecodable payloads, absurd string lengths, half a call, malformed XML,
keepalive PINGs.  Each is answered as libvirtd answers it, or that
connection is closed; after each, a separate well-behaved client (the stock
virsh) is still served and the config files are byte-identical.  TAP.

Usage: robustness.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import random
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402
from gvtest import (PROG_KEEPALIVE, PROG_REMOTE, STATUS_ERROR, STATUS_OK, TYPE_CALL,  # noqa: E402
                    TYPE_MESSAGE, TYPE_REPLY, Wire, decode_error, frame, xdr_string, xdr_u32)

GUID = '6e5d4c3b-2a19-4807-b6a5-948372615041'


def sanitizer_excerpt(d):
    """The start of a sanitizer report in the daemon log (or its tail)."""
    log = d.log_text()
    for m in gvtest.SANITIZER_MARKERS:
        i = log.find(m)
        if i >= 0:
            return log[max(0, i - 600):i + 3500]
    return log[-3000:]


class Checker:
    def __init__(self, h, d, names):
        self.h, self.d, self.names = h, d, names
        self.snap = gvtest.snapshot_dir(d.domdir)

    def healthy(self, after):
        """The daemon is alive, a separate virsh is served, no config changed."""
        h, d = self.h, self.d
        alive = d.alive()
        r = h.virsh(d.uri, 'list', '--all', '--name', timeout=20)
        names = [l for l in r.out.split('\n') if l]
        time.sleep(0.05)
        alive = alive and d.alive()
        h.ok(alive and r.rc == 0 and names == self.names,
             'after %s: the daemon still serves virsh list' % after,
             'daemon alive: %s\n%s' % (alive, r.describe()))
        diff = gvtest.diff_snapshots(self.snap, gvtest.snapshot_dir(d.domdir))
        stray = gvtest.stray_files(d.domdir)
        h.ok(diff == '' and not stray, 'after %s: the config files are byte-identical' % after,
             diff + '\nnon-empty temporary files: %s' % stray)
        if r.timed_out or not d.alive():
            # report it, then restart the daemon so that the remaining cases
            # still run
            h.ok(False, 'after %s: genvirtd is still running and answering' % after,
                 '%s; its log:\n%s' % ('it stopped answering (virsh list timed out)' if d.alive()
                                       else 'it exited with status %s' % d.proc.returncode,
                                       sanitizer_excerpt(d)))
            d.kill9()
            if not d.start():
                raise gvtest.Abort('genvirtd does not restart after %s' % after)


def expect_error(h, hdr, body, desc, code, domain, message, prog=PROG_REMOTE, vers=1, proc=None,
                 serial=None):
    """A REPLY with status ERROR echoing prog/vers/proc/serial, and the
    remote_error fields given."""
    try:
        e = decode_error(body) if hdr and hdr['status'] == STATUS_ERROR else None
    except Exception as ex:  # noqa: BLE001
        e = {'decode': repr(ex)}
    good = (hdr is not None and hdr['type'] == TYPE_REPLY and hdr['status'] == STATUS_ERROR
            and hdr['prog'] == prog and hdr['vers'] == vers
            and (proc is None or hdr['proc'] == proc) and (serial is None or hdr['serial'] == serial)
            and e is not None and e.get('code') == code and e.get('domain') == domain
            and e.get('message') == message and e.get('level') == 2)
    return h.ok(good, desc, 'header: %r\nerror: %r\nwanted code=%d domain=%d message=%r'
                % (hdr, e, code, domain, message))


def call(w, proc, payload=b'', prog=PROG_REMOTE, vers=1, serial=None):
    """A call on a raw connection; (hdr, body) or (None, exception text)."""
    try:
        return w.call(proc, payload, prog=prog, vers=vers, serial=serial, timeout=10)
    except Exception as e:  # noqa: BLE001
        return None, repr(e)


def fresh(d, handshake=True):
    w = Wire(d.sock, timeout=10)
    if handshake:
        w.handshake()
    return w


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    tmp = h.mkdtemp('xml')
    for name, kw in (('rb-one', dict(genid='auto:' + GUID)), ('rb-two', dict(genid='auto')),
                     ('rb-three', dict())):
        path = gvtest.write_file(os.path.join(tmp, name + '.xml'), gvtest.domain_xml(name, **kw))
        r = h.virsh(d.uri, 'define', path)
        h.ok(r.rc == 0, 'define %s' % name, r.describe())
    chk = Checker(h, d, ['rb-one', 'rb-three', 'rb-two'])
    chk.healthy('setup')

    # ---- truncated frames, then close ------------------------------------
    full = frame(PROG_REMOTE, 1, gvtest.PROC_LOOKUP_BY_NAME, TYPE_CALL, 7, 0, xdr_string('rb-one'))
    for cut in (1, 3, 4, 10, 27, 28, len(full) - 1):
        w = fresh(d, handshake=(cut >= 10))
        w.send(full[:cut])
        w.close()
    h.ok(True, 'sent frames truncated at 1, 3, 4, 10, 27, 28 and len-1 bytes, then closed')
    chk.healthy('truncated frames')

    # a truncated frame gets no reply while the client waits
    w = fresh(d)
    w.send(full[:-3])
    h.eq(w.wait_closed(1.0), 'timeout', 'a frame missing its last 3 bytes gets no reply (1 s)')
    w.send(full[-3:])
    try:
        hdr, body = w.recv_frame(10)
        got = (hdr['type'], hdr['status'], hdr['serial'], hdr['proc'])
    except Exception as e:  # noqa: BLE001
        got = repr(e)
    h.eq(got, (TYPE_REPLY, STATUS_OK, 7, gvtest.PROC_LOOKUP_BY_NAME),
         'the rest of the frame, sent later, completes the call: it is answered')
    w.close()

    # ---- oversized length word -----------------------------------------
    for length, what in ((gvtest.MESSAGE_MAX + 5, '32 MiB + 1 after the length word'),
                         (0x7fffffff, '0x7fffffff'), (0xffffffff, '0xffffffff')):
        w = fresh(d)
        w.send(xdr_u32(length) + struct.pack('>IIiIII', PROG_REMOTE, 1, gvtest.PROC_LOOKUP_BY_NAME,
                                              TYPE_CALL, 9, 0) + b'\0' * 64)
        res = w.wait_closed(5.0)
        h.eq(res, 'closed', 'length word %s: the connection is closed, no reply' % what)
        w.close()
    chk.healthy('oversized length words')

    # ---- undersized length word ----------------------------------------
    for length in (0, 1, 3, 4, 8, 24, 27):
        w = fresh(d)
        w.send(xdr_u32(length) + b'\0' * 40)
        h.eq(w.wait_closed(5.0), 'closed', 'length word %d (< 28): the connection is closed, no reply'
             % length)
        w.close()
    chk.healthy('undersized length words')

    # ---- garbage --------------------------------------------------------
    w = Wire(d.sock)
    w.send(b'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
    h.eq(w.wait_closed(5.0), 'closed', 'an HTTP request (length word 0x47455420): connection closed')
    w.close()
    rnd = random.Random(20240501)
    w = Wire(d.sock)
    w.send(bytes(rnd.getrandbits(8) for _ in range(4096)))
    res = w.wait_closed(5.0)
    h.ok(res in ('closed', 'data'), '4 KiB of random bytes: the connection is closed (or answered)',
         res)
    w.close()
    # random headers inside well-formed lengths: whatever comes back must be
    # well-formed frames, and the connection may be closed
    bad_frames = 0
    replies = 0
    for i in range(20):
        w = Wire(d.sock, timeout=5)
        try:
            for _ in range(10):
                n = rnd.randrange(0, 64)
                body = bytes(rnd.getrandbits(8) for _ in range(24 + n))
                if rnd.random() < 0.6:   # often a plausible header: a CALL to a real program
                    body = struct.pack('>IIiIII', rnd.choice([PROG_REMOTE, PROG_KEEPALIVE, 0x20008087]),
                                       rnd.choice([1, 1, 1, 2]),
                                       rnd.choice([1, 2, 3, 11, 14, 16, 19, 22, 23, 24, 35, 60, 66,
                                                   110, 212, 231, 273, 350, rnd.randrange(-10, 500)]),
                                       rnd.choice([0, 0, 0, 1, 2]), rnd.getrandbits(32), 0) + body[24:]
                w.send(xdr_u32(len(body) + 4) + body)
            end = time.monotonic() + 0.3
            while time.monotonic() < end:
                try:
                    w.recv_frame(max(0.01, end - time.monotonic()))
                    replies += 1
                except (EOFError, TimeoutError, socket.timeout, ConnectionResetError):
                    break
                except (ValueError, struct.error):
                    bad_frames += 1
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        w.close()
    h.eq(bad_frames, 0, '200 frames with random headers and payloads: every reply is a well-formed '
         'frame (%d replies)' % replies)
    chk.healthy('garbage')

    # ---- wrong program, wrong version, unknown procedures ---------------
    w = fresh(d)
    hdr, body = call(w, 66, prog=0x12345678, serial=41)
    expect_error(h, hdr, body, 'unknown program 0x12345678: code 39 domain 7, header echoed',
                 39, 7, 'Cannot find program 305419896 version 1', prog=0x12345678, proc=66, serial=41)
    hdr, body = call(w, gvtest.PROC_LOOKUP_BY_NAME, xdr_string('rb-one'), vers=2, serial=42)
    expect_error(h, hdr, body, 'REMOTE program version 2: code 39 domain 7, header echoed',
                 39, 7, 'Cannot find program 536903814 version 2', vers=2,
                 proc=gvtest.PROC_LOOKUP_BY_NAME, serial=42)
    hdr, body = call(w, 9999, serial=43)
    expect_error(h, hdr, body, "unknown procedure 9999: code 39 domain 7 'unknown procedure: 9999'",
                 39, 7, 'unknown procedure: 9999', proc=9999, serial=43)
    hdr, body = call(w, -5, serial=44)
    expect_error(h, hdr, body, "negative procedure -5: 'unknown procedure: -5'",
                 39, 7, 'unknown procedure: -5', proc=-5, serial=44)
    hdr, body = call(w, gvtest.PROC_LOOKUP_BY_NAME, xdr_string('rb-one'), serial=46)
    h.ok(hdr is not None and hdr['status'] == STATUS_OK and hdr['serial'] == 46,
         'the same connection still works after those errors', repr((hdr, body)))
    w.close()
    w = fresh(d)
    w.send(frame(PROG_KEEPALIVE, 1, 9999, TYPE_CALL, 45))
    res = w.wait_closed(1.0)
    h.ok(res in ('timeout', 'closed', 'data'), 'a CALL of procedure 9999 on the keepalive program: '
         'ignored, answered or closed (%s)' % res)
    w.close()
    w = fresh(d, handshake=False)
    hdr, body = call(w, 9999, serial=5)
    expect_error(h, hdr, body, 'unknown procedure 9999 before CONNECT_OPEN: the same error',
                 39, 7, 'unknown procedure: 9999', proc=9999, serial=5)
    w.close()
    chk.healthy('wrong program, version and procedure')

    # ---- calls before CONNECT_OPEN -------------------------------------
    w = fresh(d, handshake=False)
    hdr, body = call(w, gvtest.PROC_AUTH_LIST, serial=0)
    h.ok(hdr is not None and hdr['status'] == STATUS_OK and body == xdr_u32(1) + xdr_u32(0),
         'AUTH_LIST before OPEN: [REMOTE_AUTH_NONE]', repr((hdr, body)))
    for proc, payload, what in ((gvtest.PROC_LOOKUP_BY_NAME, xdr_string('rb-one'), 'LOOKUP_BY_NAME'),
                                (gvtest.PROC_LIST_ALL_DOMAINS, xdr_u32(1) + xdr_u32(3), 'LIST_ALL_DOMAINS'),
                                (gvtest.PROC_DEFINE_XML, xdr_string(gvtest.domain_xml('rb-sneak')),
                                 'DEFINE_XML')):
        hdr, body = call(w, proc, payload, serial=10 + proc)
        expect_error(h, hdr, body, "%s before CONNECT_OPEN: code 1 'internal error: hypervisor "
                     "connection not open'" % what, 1, 7,
                     'internal error: hypervisor connection not open', proc=proc, serial=10 + proc)
    hdr, body = call(w, gvtest.PROC_SUPPORTS_FEATURE, xdr_u32(10))
    h.ok(hdr is not None and hdr['status'] == STATUS_OK and len(body) == 4,
         'CONNECT_SUPPORTS_FEATURE(10) before OPEN is answered', repr((hdr, body)))
    w.close()
    chk.healthy('calls before CONNECT_OPEN')

    # ---- undecodable payloads ----------------------------------------------
    w = fresh(d)
    hdr, body = call(w, gvtest.PROC_LOOKUP_BY_NAME, xdr_u32(7) + b'rb-', serial=50)
    expect_error(h, hdr, body, "LOOKUP_BY_NAME with a truncated payload: code 39 'Unable to decode "
                 "message payload'", 39, 7, 'Unable to decode message payload',
                 proc=gvtest.PROC_LOOKUP_BY_NAME, serial=50)
    hdr, body = call(w, gvtest.PROC_LOOKUP_BY_NAME, b'', serial=51)
    expect_error(h, hdr, body, 'LOOKUP_BY_NAME with no payload: Unable to decode message payload',
                 39, 7, 'Unable to decode message payload', serial=51)
    for length, what in ((0xffffffff, '0xffffffff'), (0x80000000, '0x80000000'),
                         (4194305, 'REMOTE_STRING_MAX + 1')):
        hdr, body = call(w, gvtest.PROC_LOOKUP_BY_NAME, xdr_u32(length) + b'abcd', serial=52)
        expect_error(h, hdr, body, 'string length word %s: Unable to decode message payload' % what,
                     39, 7, 'Unable to decode message payload', serial=52)
        hdr, body = call(w, gvtest.PROC_DEFINE_XML, xdr_u32(length) + b'<dom', serial=53)
        expect_error(h, hdr, body, 'DEFINE_XML with string length %s: Unable to decode message payload'
                     % what, 39, 7, 'Unable to decode message payload', serial=53)
    hdr, body = call(w, gvtest.PROC_LIST_ALL_DOMAINS, xdr_u32(1), serial=54)
    expect_error(h, hdr, body, 'LIST_ALL_DOMAINS missing its flags: Unable to decode message payload',
                 39, 7, 'Unable to decode message payload', serial=54)
    hdr, body = call(w, gvtest.PROC_GET_XML_DESC, xdr_string('rb-one') + b'\x01\x02', serial=55)
    expect_error(h, hdr, body, 'GET_XML_DESC with a short domain: Unable to decode message payload',
                 39, 7, 'Unable to decode message payload', serial=55)
    hdr, body = call(w, gvtest.PROC_LOOKUP_BY_NAME, xdr_string('rb-one'), serial=56)
    h.ok(hdr is not None and hdr['status'] == STATUS_OK and hdr['serial'] == 56,
         'the connection still works after the undecodable payloads', repr((hdr, body)))
    w.close()
    # CONNECT_OPEN with an undecodable name
    w = fresh(d, handshake=False)
    hdr, body = call(w, gvtest.PROC_OPEN, xdr_u32(1) + xdr_u32(0xfffffff0), serial=1)
    expect_error(h, hdr, body, 'CONNECT_OPEN with a string length 0xfffffff0: Unable to decode',
                 39, 7, 'Unable to decode message payload', serial=1)
    w.close()
    chk.healthy('undecodable payloads')

    # ---- half a call, then disconnect -------------------------------------
    xml = gvtest.domain_xml('rb-half', genid='auto')
    full = frame(PROG_REMOTE, 1, gvtest.PROC_DEFINE_XML, TYPE_CALL, 3, 0, xdr_string(xml))
    for cut in (len(full) // 2, len(full) - 1):
        w = fresh(d)
        w.send(full[:cut])
        w.close()
    time.sleep(0.2)
    h.ok('rb-half' not in (d.list_names() or []),
         'a DEFINE_XML cut in half then disconnected defines nothing')
    # a stalled client holding half a frame does not block the others
    stalled = [fresh(d) for _ in range(5)]
    for s in stalled:
        s.send(full[:len(full) // 2])
    t0 = time.monotonic()
    chk.healthy('half calls and disconnects, with 5 clients stalled mid-frame')
    h.ok(time.monotonic() - t0 < 10, 'other clients are served while 5 clients stall mid-frame')
    for s in stalled:
        s.close()
    # clients that send calls and disconnect before reading the replies
    # (answers and errors, cheap and not: the daemon must drop the replies
    # of a closed client without touching it after it is gone)
    calls = [
        (gvtest.PROC_LOOKUP_BY_NAME, xdr_string('rb-one')),
        (gvtest.PROC_LOOKUP_BY_NAME, xdr_string('nosuch')),
        (gvtest.PROC_GET_XML_DESC, xdr_string('rb-one') + b'\0' * 16 + struct.pack('>i', -1) + xdr_u32(0)),
        (9999, b''),
        (gvtest.PROC_LIST_ALL_DOMAINS, xdr_u32(1) + xdr_u32(0)),
        (gvtest.PROC_GET_TYPE, b''),
    ]
    try:
        for rep in range(10):
            w = fresh(d)
            data = b''
            for i in range(50):
                proc, payload = calls[(i + rep) % len(calls)]
                data += frame(PROG_REMOTE, 1, proc, TYPE_CALL, 100 + i, 0, payload)
            w.send(data)
            w.close()
    except (OSError, EOFError) as e:
        h.diag('client %d: %r' % (rep, e))
    chk.healthy('10 clients that each send 50 calls and close without reading the replies')

    # ---- malformed XML on define --------------------------------------------
    w = fresh(d)
    for what, doc in (('unterminated', "<domain type='kvm'><name>rb-bad</name>"),
                      ('not XML', 'this is not xml'),
                      ('empty', ''),
                      ('a NUL byte', "<domain type='kvm'>\0<name>rb-bad</name></domain>"),
                      ('an external entity', "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                       "<domain type='kvm'><name>&x;</name></domain>"),
                      ('an unknown element', gvtest.domain_xml('rb-bad').replace('<vcpu>', '<bogus/><vcpu>')),
                      ('a nil GUID', gvtest.domain_xml('rb-bad', genid='auto:00000000-0000-0000-0000-000000000000')),
                      ('a name with a slash', gvtest.domain_xml('rb/bad')),
                      ('an existing name with another UUID',
                       gvtest.domain_xml('rb-one', uuid='0e0e0e0e-0000-4000-8000-000000000001'))):
        hdr, body = call(w, gvtest.PROC_DEFINE_XML, xdr_string(doc))
        try:
            e = decode_error(body) if hdr and hdr['status'] == STATUS_ERROR else None
        except Exception:  # noqa: BLE001
            e = None
        h.ok(hdr is not None and hdr['status'] == STATUS_ERROR and e is not None and e['message'],
             'DEFINE_XML with %s: an error reply (%s)' % (what, e and '%d/%d' % (e['code'], e['domain'])),
             repr((hdr, e)))
    w.close()
    chk.healthy('malformed XML on define')
    h.eq(gvtest.config_files(d.domdir) + gvtest.stray_files(d.domdir),
         ['rb-one.xml', 'rb-three.xml', 'rb-two.xml'],
         'no file (not even a non-empty temporary one) was left by the failed defines')

    # ---- keepalive ------------------------------------------------------------
    for handshake in (False, True):
        w = fresh(d, handshake=handshake)
        w.send(frame(PROG_KEEPALIVE, 1, gvtest.KA_PING, TYPE_MESSAGE, 0))
        try:
            hdr, body = w.recv_frame(5)
        except Exception as e:  # noqa: BLE001
            hdr, body = None, repr(e)
        h.ok(hdr == {'len': 28, 'prog': PROG_KEEPALIVE, 'vers': 1, 'proc': gvtest.KA_PONG,
                     'type': TYPE_MESSAGE, 'serial': 0, 'status': 0} and body == b'',
             'keepalive PING %s CONNECT_OPEN: answered with PONG (prog 0x6b656570 proc 2 type 2, len 28)'
             % ('after' if handshake else 'before'), repr((hdr, body)))
        hdr, body = call(w, gvtest.PROC_AUTH_LIST)
        h.ok(hdr is not None and hdr['status'] == STATUS_OK, 'the connection works after the PING',
             repr((hdr, body)))
        w.close()
    w = fresh(d)
    w.send(frame(PROG_KEEPALIVE, 1, gvtest.KA_PONG, TYPE_MESSAGE, 0))
    h.eq(w.wait_closed(1.0), 'timeout', 'an unsolicited PONG is ignored (no reply, not closed)')
    w.close()
    chk.healthy('keepalive messages')

    # ---- pipelining: many calls in one write, replies matched by serial -----
    w = fresh(d)
    data = b''
    serials = list(range(1000, 1032))
    for s in serials:
        data += frame(PROG_REMOTE, 1, gvtest.PROC_LOOKUP_BY_NAME, TYPE_CALL, s, 0,
                      xdr_string(['rb-one', 'rb-two', 'nope'][s % 3]))
    w.send(data)
    got = {}
    try:
        for _ in serials:
            hdr, body = w.recv_frame(10)
            got[hdr['serial']] = hdr['status']
    except Exception as e:  # noqa: BLE001
        h.diag('pipelined replies: %r' % e)
    h.eq(got, {s: (STATUS_ERROR if s % 3 == 2 else STATUS_OK) for s in serials},
         '32 pipelined calls in one write: 32 replies, each matched by serial with the right status')
    w.close()
    chk.healthy('32 pipelined calls')

    # more calls for the workers in one write than a client may have in flight
    # (64): the daemon reads them all at once, keeps those past the limit and
    # takes them as replies go out; inline calls in between keep their place
    w = fresh(d)
    data = b''
    serials = list(range(2000, 2300))
    for s in serials:
        if s % 5 == 0:
            data += frame(PROG_REMOTE, 1, gvtest.PROC_LOOKUP_BY_NAME, TYPE_CALL, s, 0,
                          xdr_string('rb-two'))
        else:
            data += frame(PROG_REMOTE, 1, gvtest.PROC_GET_VERSION, TYPE_CALL, s)
    w.send(data)
    got = {}
    try:
        for _ in serials:
            hdr, body = w.recv_frame(30)
            got[hdr['serial']] = (hdr['status'], hdr['proc'])
    except Exception as e:  # noqa: BLE001
        h.diag('pipelined replies: %r' % e)
    h.eq(got, {s: (STATUS_OK, gvtest.PROC_LOOKUP_BY_NAME if s % 5 == 0 else gvtest.PROC_GET_VERSION)
               for s in serials},
         '300 pipelined calls in one write, 240 of them for the workers: 300 replies, each matched '
         'by serial')
    hdr, body = call(w, gvtest.PROC_LOOKUP_BY_NAME, xdr_string('rb-one'), serial=2400)
    h.ok(hdr is not None and hdr['status'] == STATUS_OK and hdr['serial'] == 2400,
         'the connection still works after them', repr((hdr, body)))
    w.close()
    # the calls held back past the limit are kept in a buffer that must not
    # outgrow them (its room once doubled on every hold, to gigabytes)
    rss = None
    try:
        with open('/proc/%d/status' % d.pid) as f:
            rss = int([ln for ln in f if ln.startswith('VmRSS:')][0].split()[1])
    except (OSError, TypeError, IndexError, ValueError):
        pass
    h.ok(rss is not None and rss < 256 * 1024,
         'after 300 pipelined calls genvirtd holds %s KiB (RSS), under 256 MiB' % rss)
    chk.healthy('300 pipelined calls')

    # ---- a REPLY or STREAM sent by a client ---------------------------------
    w = fresh(d)
    w.send(frame(PROG_REMOTE, 1, gvtest.PROC_LOOKUP_BY_NAME, TYPE_REPLY, 77, 0, xdr_string('rb-one')))
    w.send(frame(PROG_REMOTE, 1, gvtest.PROC_LOOKUP_BY_NAME, 3, 78, 2, xdr_string('rb-one')))
    res = w.wait_closed(1.0)
    h.ok(res in ('timeout', 'closed', 'data'), 'REPLY and STREAM frames from a client: ignored, answered '
         'or closed (%s)' % res)
    w.close()
    chk.healthy('unexpected message types')

    # ---- many connections at once ---------------------------------------
    conns = []
    try:
        for _ in range(200):
            conns.append(Wire(d.sock, timeout=10))
    except OSError as e:
        h.diag('opened %d connections: %r' % (len(conns), e))
    chk.healthy('200 idle connections open at once')
    for c in conns:
        c.close()
    chk.healthy('200 connections closed')

    d.stop()


gvtest.Harness('robustness').main(main)
