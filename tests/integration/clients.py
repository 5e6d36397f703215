#!/usr/bin/python3
"""Clients that misbehave, against a real genvirtd and real QEMU (issue 13,
Faults: clients).  While each one runs, a well-behaved python3-libvirt
client keeps calling listAllDomains; its latency (median, 99th percentile,
max) is printed as a diagnostic next to the idle figure, never asserted.

- hang-up with 64 calls in flight: 70 DOMAIN_SUSPEND calls on a domain
  whose QEMU is stopped (SIGSTOP), so 64 of them wait and the rest are held
  unread; the client closes its socket.  genvirtd must not spin (it did:
  poll reports the hang-up whatever it is asked for): its CPU time over
  the next two seconds stays under a quarter of that time.  Once QEMU goes
  the calls finish and their replies are dropped.
- a client that sends 2000 dumpxml calls of a 16 KiB domain and never
  reads: the daemon stops reading its calls once 1 MiB of replies waits
  (its RSS grows by less than the 32 MiB of replies), and when the client
  reads at last it gets all 2000 replies, in order: nothing was dropped.
- a client registered (64 times) for lifecycle events that never reads
  while another client redefines a domain in a loop: once more than 1 MiB
  of events waits the daemon drops that client (log, EOF after what was
  sent).
- 1000 connections opened and dropped: bare, after the handshake, with half
  a frame, and with a call whose reply is never read; afterwards the
  daemon's open file descriptors are back to where they were.
After each the daemon still serves and stops cleanly.
"""

import os
import signal
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import gvinteg as gi  # noqa: E402
from gvtest import (PROG_REMOTE, STATUS_OK, TYPE_CALL, TYPE_REPLY, Wire, frame,  # noqa: E402
                    xdr_string, xdr_u32)

PROC_DOMAIN_SUSPEND = 34
PROC_EVENT_REGISTER_ANY = 316
PROC_GET_XML_DESC = 14
PROC_LOOKUP_BY_NAME = 23
MIB = 1024 * 1024


def cpu_seconds(pid):
    f = gi.read_text('/proc/%d/stat' % pid).rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')


def rss_kib(pid):
    for line in gi.read_text('/proc/%d/status' % pid).split('\n'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
    return 0


def nfds(pid):
    return len(os.listdir('/proc/%d/fd' % pid))


class Prober:
    """A python3-libvirt client calling listAllDomains every 10 ms."""

    def __init__(self, uri):
        import libvirt
        self.libvirt = libvirt
        self.conn = libvirt.open(uri)
        self.samples = []
        self.errors = []
        self.stop = threading.Event()
        self.t = None

    def start(self):
        self.samples, self.errors = [], []
        self.stop.clear()
        self.t = threading.Thread(target=self._loop, daemon=True)
        self.t.start()

    def _loop(self):
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                self.conn.listAllDomains(0)
                self.samples.append(time.monotonic() - t0)
            except self.libvirt.libvirtError as e:
                self.errors.append(str(e))
            time.sleep(0.01)

    def finish(self, h, what):
        self.stop.set()
        self.t.join(30)
        s = sorted(self.samples)
        if s:
            h.diag('list-all latency during %s: median %.2f ms, p99 %.2f ms, max %.2f ms '
                   '(%d calls)' % (what, s[len(s) // 2] * 1e3, s[int(len(s) * 0.99)] * 1e3,
                                   s[-1] * 1e3, len(s)))
        h.ok(s and not self.errors, 'during %s another client\'s listAllDomains is served'
             % what, 'errors: %r, %d samples' % (self.errors[:3], len(s)))


def lookup(w, name):
    hdr, body = w.call(PROC_LOOKUP_BY_NAME, xdr_string(name))
    if hdr['status'] != STATUS_OK:
        raise gi.Abort('lookup of %s failed' % name)
    return body  # remote_nonnull_domain, which DomainArgs is


def hangup_in_flight(h, d, prober):
    p, uid = h.write_domain('hung', memory_mib=64)
    if not (h.cmd_ok(d.virsh('define', p), 'define domain hung') and
            h.cmd_ok(d.virsh('start', 'hung'), 'start domain hung')):
        return
    qpid = d.qemu_pid('hung')
    os.kill(qpid, signal.SIGSTOP)
    w = Wire(d.sock)
    w.handshake()
    dom = lookup(w, 'hung')
    w.send(b''.join(frame(PROG_REMOTE, 1, PROC_DOMAIN_SUSPEND, TYPE_CALL, 100 + i, 0, dom)
                    for i in range(70)))
    time.sleep(0.3)
    w.close()
    prober.start()
    c0, t0 = cpu_seconds(d.pid), time.monotonic()
    time.sleep(2.0)
    used, span = cpu_seconds(d.pid) - c0, time.monotonic() - t0
    prober.finish(h, 'a hang-up with 64 calls in flight')
    h.diag('genvirtd CPU after the hang-up: %.2f s in %.2f s' % (used, span))
    h.ok(used < span / 4, 'genvirtd does not spin after a client hangs up with 64 calls in '
         'flight (CPU %.2f s in %.2f s)' % (used, span))
    h.ok('hung up with calls in flight' in d.log_text(), 'the hang-up is noticed at once',
         d.log_tail())
    os.kill(qpid, signal.SIGKILL)
    h.ok(gi.wait_until(lambda: d.domstate('hung') == 'shut off (crashed)', 15)[0],
         'with QEMU gone the domain is shut off (crashed)', d.domstate('hung'))
    h.cmd_ok(d.virsh('undefine', 'hung'), 'undefine domain hung')


def replies_unread(h, d, prober):
    p, uid = h.write_domain('big', memory_mib=64)
    xml = gi.read_text(p).replace('</name>', '</name>\n  <description>%s</description>'
                                  % ('x' * 16384), 1)
    gi.write_file(p, xml)
    if not h.cmd_ok(d.virsh('define', p), 'define domain big (16 KiB description)'):
        return
    n = 2000
    w = Wire(d.sock, timeout=30)
    w.handshake()
    dom = lookup(w, 'big')
    first = w.serial
    calls = b''.join(frame(PROG_REMOTE, 1, PROC_GET_XML_DESC, TYPE_CALL, first + i, 0,
                           dom + xdr_u32(0)) for i in range(n))
    rss0 = rss_kib(d.pid)
    prober.start()
    w.s.setblocking(False)
    sent = 0
    end = time.monotonic() + 10
    while sent < len(calls) and time.monotonic() < end:
        try:
            sent += w.s.send(calls[sent:])
        except BlockingIOError:
            time.sleep(0.01)
    time.sleep(1.0)
    grown = rss_kib(d.pid) - rss0
    prober.finish(h, 'a client that does not read 32 MiB of replies')
    h.eq(sent, len(calls), 'the 2000 calls are sent (the socket takes them)')
    h.diag('genvirtd RSS grew by %d KiB with %d MiB of replies unread' % (grown, n * 16 // 1024))
    h.ok(grown < 16 * 1024, 'the daemon does not queue the replies of a client that does not read '
         '(RSS +%d KiB)' % grown)
    w.s.setblocking(True)
    serials = []
    bad = []
    try:
        for i in range(n):
            hdr, body = w.recv_frame(30)
            serials.append(hdr['serial'])
            if hdr['type'] != TYPE_REPLY or hdr['status'] != STATUS_OK or b'xxxx' not in body:
                bad.append(hdr)
    except (EOFError, TimeoutError, OSError) as e:
        bad.append(repr(e))
    h.ok(not bad and serials == list(range(first, first + n)),
         'once it reads, all 2000 replies come, in order', '%r; %d replies' % (bad[:3],
                                                                               len(serials)))
    w.close()
    h.cmd_ok(d.virsh('undefine', 'big'), 'undefine domain big')


def events_unread(h, d, prober):
    import libvirt
    w = Wire(d.sock)
    w.handshake()
    # 64 callbacks: each event comes 64 times, so the backlog fills quickly
    st = [w.call(PROC_EVENT_REGISTER_ANY, xdr_u32(0) + xdr_u32(0))[0]['status']
          for _ in range(64)]
    h.eq(st, [STATUS_OK] * 64, 'a raw client registers 64 callbacks for lifecycle events')
    w.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    name = 'ev' + 'n' * 190
    p, uid = h.write_domain(name, memory_mib=64)
    xml = gi.read_text(p)
    conn = libvirt.open(d.uri)
    prober.start()
    marker = 'more than %d bytes unread, closing it' % MIB
    defines = 0
    t0 = time.monotonic()
    lat = []
    while marker not in d.log_text() and time.monotonic() - t0 < 40:
        a = time.monotonic()
        conn.defineXML(xml)
        lat.append(time.monotonic() - a)
        defines += 1
    el = time.monotonic() - t0
    prober.finish(h, 'a client that does not read its events')
    lat.sort()
    h.diag('%d redefines (64 events each) in %.2f s, define median %.2f ms max %.2f ms'
           % (defines, el, lat[len(lat) // 2] * 1e3, lat[-1] * 1e3))
    h.ok(marker in d.log_text(), 'the client that does not read its events is dropped after '
         '1 MiB of them (%d events)' % (64 * defines), d.log_tail())
    got = w.wait_closed(1.0)
    n = 0
    while got == 'data' and n < 100000:
        got = w.wait_closed(5.0)
        n += 1
    h.eq(got, 'closed', 'it then sees the end of the connection after what was sent')
    w.close()
    h.ok(conn.lookupByName(name).undefine() == 0, 'the other client still works (undefine)')
    conn.close()


def churn(h, d, prober):
    base = nfds(d.pid)
    rss0 = rss_kib(d.pid)
    prober.start()
    errors = []

    def one(i):
        try:
            w = Wire(d.sock)
            kind = i % 4
            if kind == 1:
                w.handshake()
            elif kind == 2:
                w.send(frame(PROG_REMOTE, 1, 1, TYPE_CALL, 0, 0, b'\0' * 8)[:17])
            elif kind == 3:
                w.handshake()
                w.send(frame(PROG_REMOTE, 1, PROC_LOOKUP_BY_NAME, TYPE_CALL, 9, 0,
                             xdr_string('nosuch')))
            w.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    def worker(k):
        for i in range(k, 1000, 4):
            one(i)

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    el = time.monotonic() - t0
    prober.finish(h, '1000 connections opened and dropped')
    h.ok(not errors, '1000 connections opened and dropped in %.2f s' % el, repr(errors[:3]))
    back, _ = gi.wait_until(lambda: nfds(d.pid) <= base, 10)
    h.ok(back, 'genvirtd\'s open fds are back to %d' % base, 'now %d' % nfds(d.pid))
    h.diag('genvirtd RSS %d KiB before, %d KiB after' % (rss0, rss_kib(d.pid)))


def main(h):
    d = gi.Daemon(h)
    if not d.start():
        return
    prober = Prober(d.uri)
    prober.start()
    time.sleep(1.0)
    prober.finish(h, 'an idle second')
    hangup_in_flight(h, d, prober)
    replies_unread(h, d, prober)
    events_unread(h, d, prober)
    churn(h, d, prober)
    r = d.virsh('list', '--all', '--name')
    h.cmd_ok(r, 'the daemon still serves virsh list')
    prober.conn.close()
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('clients', deadline=150).main(main)
