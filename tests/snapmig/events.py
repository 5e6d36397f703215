#!/usr/bin/python3
"""Domain events and keepalive, on real QEMU, through the stock clients.

Three watchers follow one daemon for the whole run: python3-libvirt with its
default event loop (lifecycle, reboot, and a second lifecycle registration
filtered to one domain), `virsh event --all --loop` and `genvirsh event --all
--loop`.  The script drives define (new and again), start, suspend, resume,
reboot, destroy, start --paused, create (transient), a QEMU killed behind
the daemon's back, a snapshot revert (with genvirt's genid event), save,
restore and managed save (genid events for the restores only), a live
migration to a second daemon (events on both ends) and undefine, and checks
that each watcher saw exactly libvirt's events, in order, with libvirt's
details (shared/reference/libvirt-wire-round2.md 1.4, 1.5), and that virsh
and genvirsh print the same lines.  Then the protocol rules: distinct
callbackIDs, deregistration errors, the legacy forms, the per-connection
limit, keepalive PINGs only for clients that asked (and the end of a silent
one), a client that stops reading while events pile up is dropped and the
daemon serves the others, and the close callback (362) when the daemon stops.
"""

import os
import signal
import socket
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvsm  # noqa: E402

import libvirt  # noqa: E402

# event types and details (libvirt-domain.h)
DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED, SHUTDOWN = range(7)
EV = {'Defined': DEFINED, 'Undefined': UNDEFINED, 'Started': STARTED, 'Suspended': SUSPENDED,
      'Resumed': RESUMED, 'Stopped': STOPPED}

_loop_started = False


def start_event_loop():
    global _loop_started
    if _loop_started:
        return
    libvirt.virEventRegisterDefaultImpl()

    def run():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=run, daemon=True).start()
    _loop_started = True


class PyWatcher:
    """python3-libvirt: every lifecycle and reboot event, and the lifecycle
    events of one domain through a filtered registration."""

    def __init__(self, uri):
        self.conn = libvirt.open(uri)
        self.all = []
        self.filtered = []
        self.lock = threading.Lock()
        self.ids = []
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self._life, self.all))
        self.ids.append(self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, self._reboot, self.all))

    def filter_on(self, name):
        dom = self.conn.lookupByName(name)
        self.ids.append(self.conn.domainEventRegisterAny(
            dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self._life, self.filtered))

    def _life(self, conn, dom, event, detail, sink):
        with self.lock:
            sink.append((dom.name(), event, detail))

    def _reboot(self, conn, dom, sink):
        with self.lock:
            sink.append((dom.name(), 'reboot'))

    def events(self, name=None, sink=None):
        """The events (of @name), consecutive reboot events as one: QEMU
        reports a reset, and SeaBIOS often resets the machine once more
        (a RESET event each, and libvirt relays each) depending on timing."""
        with self.lock:
            out = []
            for e in (self.all if sink is None else sink):
                if name is not None and e[0] != name:
                    continue
                if e[1:] == ('reboot',) and out and out[-1] == e:
                    continue
                out.append(e)
            return out

    def close(self):
        for i in self.ids:
            try:
                self.conn.domainEventDeregisterAny(i)
            except libvirt.libvirtError:
                pass
        self.conn.close()


def wait_events(h, w, name, want, timeout=15.0, sink=None):
    """Waits until watcher @w has @want (a list) for @name; returns what it has."""
    gvsm.wait_until(lambda: len(w.events(name, sink)) >= len(want), timeout)
    return w.events(name, sink)


def expect(h, w, name, want, what, sink=None):
    got = wait_events(h, w, name, want, sink=sink)
    return h.eq(got, want, 'python3-libvirt: %s: %s' % (name, what))


def section(h, d, w, name, uid, path, actions):
    """Runs @actions [(description, callable, expected events)] on @name,
    each checked on the python watcher before the next one starts."""
    seen = []
    for what, fn, want in actions:
        r = fn()
        if r is not None and hasattr(r, 'ok'):
            h.cmd_ok(r, '%s: %s' % (name, what))
        seen += want
        expect(h, w, name, list(seen), what)
    return seen


def lifecycle(h, S, w):
    name = 'ev-life'
    path, uid = h.write_domain(name, disks=[])
    v = lambda *a: S.virsh(*a)  # noqa: E731
    seen = section(h, S, w, name, uid, path, [
        ('define', lambda: v('define', path), [(name, DEFINED, 0)]),
        ('define again', lambda: v('define', path), [(name, DEFINED, 1)]),
        ('start', lambda: v('start', name), [(name, STARTED, 0)]),
        ('suspend', lambda: v('suspend', name), [(name, SUSPENDED, 0)]),
        ('resume', lambda: v('resume', name), [(name, RESUMED, 0)]),
        ('reboot', lambda: v('reboot', name), [(name, 'reboot')]),
        ('destroy', lambda: v('destroy', name), [(name, STOPPED, 1)]),
        ('start --paused', lambda: v('start', '--paused', name),
         [(name, STARTED, 0), (name, SUSPENDED, 0)]),
        ('destroy', lambda: v('destroy', name), [(name, STOPPED, 1)]),
    ])
    # a QEMU that dies behind the daemon's back
    h.cmd_ok(v('start', name), '%s: start' % name)
    seen.append((name, STARTED, 0))
    expect(h, w, name, list(seen), 'start')
    pid = S.qemu_pid(name)
    if pid:
        os.kill(pid, signal.SIGKILL)
    seen.append((name, STOPPED, 2))
    expect(h, w, name, list(seen), 'QEMU killed with SIGKILL: stopped, crashed')
    h.cmd_ok(v('undefine', name), '%s: undefine' % name)
    seen.append((name, UNDEFINED, 0))
    expect(h, w, name, list(seen), 'undefine')
    return seen


def transient(h, S, w):
    name = 'ev-transient'
    path, uid = h.write_domain(name, disks=[])
    h.cmd_ok(S.virsh('create', path), '%s: create (transient)' % name)
    expect(h, w, name, [(name, STARTED, 0)], 'create')
    h.cmd_ok(S.virsh('destroy', name), '%s: destroy' % name)
    want = [(name, STARTED, 0), (name, STOPPED, 1)]
    expect(h, w, name, want, 'destroy: stopped, and gone without an undefined event')
    return want


def snapshot(h, S, w):
    name = 'ev-snap'
    path, uid = h.write_domain(name)
    seen = section(h, S, w, name, uid, path, [
        ('define', lambda: S.virsh('define', path), [(name, DEFINED, 0)]),
        ('start', lambda: S.virsh('start', name), [(name, STARTED, 0)]),
    ])
    w.filter_on(name)
    r = S.virsh('snapshot-create-as', name, 's1')
    h.cmd_ok(r, '%s: snapshot-create-as s1 (QEMU pauses the guest while it saves)' % name)
    seen += [(name, SUSPENDED, 0), (name, RESUMED, 0)]
    expect(h, w, name, list(seen), 'snapshot create')
    r = S.virsh('snapshot-revert', name, 's1')
    h.cmd_ok(r, '%s: snapshot-revert s1 (a new QEMU, a new GUID)' % name)
    revert = [(name, STOPPED, 6), (name, DEFINED, 3), (name, STARTED, 3)]
    seen += revert
    expect(h, w, name, list(seen), 'revert to a running snapshot')
    # the filtered registration saw only this domain, from its registration on
    got = wait_events(h, w, name, [1] * 5, sink=w.filtered)
    h.eq(got, [(name, SUSPENDED, 0), (name, RESUMED, 0)] + revert,
         'python3-libvirt: a registration for one domain gets its events only')
    return seen


def migration(h, S, T, w):
    name = 'ev-mig'
    path, uid = h.write_domain(name, disks=[])
    wt = PyWatcher(T.uri)
    h.cmd_ok(S.virsh('define', path), '%s: define' % name)
    h.cmd_ok(S.virsh('start', name), '%s: start' % name)
    seen = [(name, DEFINED, 0), (name, STARTED, 0)]
    expect(h, w, name, list(seen), 'define and start')
    r = S.virsh('migrate', '--live', '--persistent', '--undefinesource', name, T.uri, timeout=90)
    h.cmd_ok(r, '%s: virsh migrate --live --persistent --undefinesource' % name)
    # source: paused for the switch-over, then stopped; no undefined event for --undefinesource
    seen += [(name, SUSPENDED, 1), (name, STOPPED, 3)]
    expect(h, w, name, list(seen), 'source of a live migration')
    dst = [(name, STARTED, 1), (name, RESUMED, 1), (name, DEFINED, 0)]
    got = wait_events(h, wt, name, dst)
    h.eq(got, dst, 'python3-libvirt: %s: destination of a live migration' % name)
    T.virsh('destroy', name)
    T.virsh('undefine', name)
    wt.close()
    return seen


def saverestore(h, S, w):
    """save, restore (twice, once paused), managed save and its start: STOPPED
    SAVED; STARTED RESTORED then RESUMED FROM_SNAPSHOT, or SUSPENDED RESTORED
    (a paused image), or SUSPENDED PAUSED (a managed save started --paused)."""
    name = 'ev-save'
    path, uid = h.write_domain(name)
    img = os.path.join(h.workdir, name + '.save')
    v = lambda *a: S.virsh(*a)  # noqa: E731
    return section(h, S, w, name, uid, path, [
        ('define', lambda: v('define', path), [(name, DEFINED, 0)]),
        ('start', lambda: v('start', name), [(name, STARTED, 0)]),
        ('save (the guest stops first)', lambda: v('save', name, img),
         [(name, SUSPENDED, 0), (name, STOPPED, 4)]),
        ('restore', lambda: v('restore', img), [(name, STARTED, 2), (name, RESUMED, 2)]),
        ('destroy', lambda: v('destroy', name), [(name, STOPPED, 1)]),
        ('restore --paused', lambda: v('restore', '--paused', img),
         [(name, STARTED, 2), (name, SUSPENDED, 4)]),
        ('managedsave (already paused)', lambda: v('managedsave', name), [(name, STOPPED, 4)]),
        ('start (the managed image, paused)', lambda: v('start', name),
         [(name, STARTED, 2), (name, SUSPENDED, 4)]),
        ('resume', lambda: v('resume', name), [(name, RESUMED, 0)]),
        ('managedsave', lambda: v('managedsave', name),
         [(name, SUSPENDED, 0), (name, STOPPED, 4)]),
        ('start --paused (the managed image)', lambda: v('start', '--paused', name),
         [(name, STARTED, 2), (name, SUSPENDED, 0)]),
        ('destroy', lambda: v('destroy', name), [(name, STOPPED, 1)]),
        ('undefine', lambda: v('undefine', name), [(name, UNDEFINED, 0)]),
    ])


class Wire:
    """A raw client of libvirt's framing, for what no stock client shows."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.serial = 0
        self.buf = b''

    def send(self, proc, payload=b'', prog=0x20008086, mtype=0, serial=None):
        if serial is None:
            self.serial += 1
            serial = self.serial
        hdr = struct.pack('>IIiIII', prog, 1, proc, mtype, serial, 0)
        self.s.sendall(struct.pack('>I', 4 + len(hdr) + len(payload)) + hdr + payload)
        return serial

    def recv(self, timeout=10):
        """(prog, proc, type, serial, status, payload) or None on EOF."""
        self.s.settimeout(timeout)
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack('>I', self.buf[:4])[0]
                if len(self.buf) >= n:
                    frame, self.buf = self.buf[:n], self.buf[n:]
                    prog, vers, proc, mtype, serial, status = struct.unpack('>IIiIII', frame[4:28])
                    return prog, proc, mtype, serial, status, frame[28:]
            data = self.s.recv(65536)
            if not data:
                return None
            self.buf += data

    def call(self, proc, payload=b'', prog=0x20008086):
        serial = self.send(proc, payload, prog)
        while True:
            m = self.recv()
            if m is None or (m[2] == 1 and m[3] == serial):
                return m

    def open(self):
        self.call(66)
        return self.call(1, struct.pack('>II', 1, 14) + b'qemu:///system\0\0' + struct.pack('>I', 0))

    def close(self):
        self.s.close()


def xdr_int(v):
    return struct.pack('>i', v)


def protocol(h, S):
    # 27 registrations, as virsh event --all makes: 27 distinct callbackIDs
    c = Wire(S.sock)
    c.open()
    ids = []
    for ev in range(27):
        m = c.call(316, xdr_int(ev) + xdr_int(0))
        ids.append(struct.unpack('>i', m[5][:4])[0] if m and m[4] == 0 else None)
    h.ok(None not in ids and len(set(ids)) == 27,
         '316 for each of the 27 event IDs gives 27 distinct callbackIDs', repr(ids))
    m = c.call(316, xdr_int(27) + xdr_int(0))
    h.ok(m and m[4] == 1 and b'unsupported event ID 27' in m[5],
         '316 with event ID 27 fails: unsupported event ID 27')
    m = c.call(317, xdr_int(9999))
    h.ok(m and m[4] == 1 and b'domain event callback 9999 not registered' in m[5],
         '317 with an unknown callbackID fails naming it')
    m = c.call(317, xdr_int(ids[0]))
    h.ok(m and m[4] == 0, '317 removes a registration')
    m = c.call(317, xdr_int(ids[0]))
    h.ok(m and m[4] == 1, '317 of the same callbackID again fails')
    # legacy forms
    m = c.call(167, xdr_int(20))
    h.ok(m and m[4] == 1 and b'modern callback style' in m[5],
         '167 (legacy) refuses event IDs past DEVICE_REMOVED')
    h.ok(c.call(167, xdr_int(0))[4] == 0 and c.call(168, xdr_int(0))[4] == 0,
         '167 then 168 for the lifecycle event')
    m = c.call(168, xdr_int(0))
    h.ok(m and m[4] == 1 and b'domain event 0 not registered' in m[5],
         '168 without a registration fails naming the event')
    h.ok(c.call(105)[4] == 0 and c.call(106)[4] == 0, '105 then 106 (legacy, lifecycle only)')
    # the per-connection limit: 1024 in all, then a clear error; the daemon serves on
    n_ok = 26
    last = None
    for i in range(1100):
        last = c.call(316, xdr_int(0) + xdr_int(0))
        if last[4] != 0:
            break
        n_ok += 1
    h.ok(n_ok == 1024 and b'too many event callbacks' in last[5],
         '1100 registrations on one connection: 1024 accepted, then "too many event callbacks"',
         'accepted %d; last reply status %d' % (n_ok, last[4]))
    c.close()
    h.ok(S.serving(), 'the daemon serves after a connection with 1024 registrations closes')


def keepalive(h, S):
    """S runs with --keepalive-interval 1 --keepalive-count 2."""
    quiet = Wire(S.sock)
    quiet.open()
    asked = Wire(S.sock)
    asked.open()
    m = asked.call(60, xdr_int(10))
    h.ok(m and m[4] == 0 and struct.unpack('>i', m[5])[0] == 1,
         'CONNECT_SUPPORTS_FEATURE(10, keepalive) answers 1')
    # the one that asked gets PINGs and, never answering, is closed after 1 * (2 + 1) s
    t0 = time.monotonic()
    pings = 0
    while True:
        try:
            m = asked.recv(timeout=10)
        except socket.timeout:
            m = 'timeout'
            break
        if m is None:
            break
        if m[0] == 0x6b656570 and m[1] == 1 and m[2] == 2:
            pings += 1
    took = time.monotonic() - t0
    h.ok(m is None and pings == 2 and 2.5 <= took <= 6,
         'a client that asked for keepalive and never answers gets 2 PINGs and is closed after '
         '%.1f s (interval 1, count 2: 3 s)' % took, 'end %r, pings %d' % (m, pings))
    # the one that never asked has had silence all along, and no PING: still connected
    quiet.s.setblocking(False)
    try:
        data = quiet.s.recv(100)
        got = 'EOF' if data == b'' else 'data %r' % data
    except BlockingIOError:
        got = None
    h.ok(got is None, 'a client that never asked for keepalive got no PING in %.1f s of silence'
         % took, got)
    h.ok(quiet.call(3)[4] == 0, '... and is still served')
    quiet.close()
    # a client that answers stays connected past the deadline
    ans = Wire(S.sock)
    ans.open()
    ans.call(60, xdr_int(10))
    t0 = time.monotonic()
    alive = True
    while time.monotonic() - t0 < 4.5:
        try:
            m = ans.recv(timeout=1.5)
        except socket.timeout:
            continue
        if m is None:
            alive = False
            break
        if m[0] == 0x6b656570 and m[1] == 1:
            ans.send(2, prog=0x6b656570, mtype=2, serial=0)
    h.ok(alive and ans.call(3)[4] == 0,
         'a client that answers its PINGs stays connected past interval * (count + 1)')
    ans.close()


def slow_reader(h, S):
    """A client that registers for events and never reads them is dropped
    once their backlog passes the bound (1 MiB); the others are served all
    along.  The events: suspend and resume of a running domain with a long
    name (about 260 bytes an event)."""
    c = Wire(S.sock)
    c.open()
    c.call(316, xdr_int(0) + xdr_int(0))
    name = 'ev-flood-' + 'x' * 190
    path, uid = h.write_domain(name, disks=[])
    conn = libvirt.open(S.uri)
    dom = conn.defineXML(gvsm.read_text(path))
    dom.create()
    t0 = time.monotonic()
    worst = 0.0
    n = 0
    while time.monotonic() - t0 < 40 and 'unread, closing it' not in S.log_text():
        for i in range(250):
            t1 = time.monotonic()
            dom.suspend()
            dom.resume()
            worst = max(worst, time.monotonic() - t1)
            n += 2
    h.diag('%d events (suspend, resume) while a client never reads: %.1f s, slowest pair %.4f s'
           % (n, time.monotonic() - t0, worst))
    h.ok('unread, closing it' in S.log_text(),
         'the client that stopped reading its events was dropped once the backlog passed 1 MiB',
         S.log_tail(20))
    gone = False
    try:
        c.s.setblocking(True)
        c.s.settimeout(5)
        while c.s.recv(1 << 20):
            pass
        gone = True
    except OSError:
        gone = False
    h.ok(gone, 'its connection is closed (it reads what was sent, then end of file)')
    h.ok(worst < 5, 'suspend and resume went on meanwhile (slowest pair %.3f s)' % worst)
    dom.destroy()
    dom.undefine()
    conn.close()
    h.ok(S.serving(), 'the daemon serves the others')
    c.close()


def close_callback(h, S):
    conn = libvirt.open(S.uri)
    got = []
    ev = threading.Event()

    def cb(c, reason, opaque):
        got.append(reason)
        ev.set()
    conn.registerCloseCallback(cb, None)
    return conn, got, ev


def main(h):
    start_event_loop()
    S = gvsm.Daemon(h, label='src', args=['--keepalive-interval', '1', '--keepalive-count', '2'])
    T = gvsm.Daemon(h, label='dst')
    if not (S.start() and T.start()):
        return
    # python3-libvirt with an event loop answers the PINGs of keepalive
    w = PyWatcher(S.uri)
    virsh_ev = h.spawn([gvsm.VIRSH, '-c', S.uri, 'event', '--all', '--loop'])
    gv_ev = h.spawn([h.genvirsh_path, '-c', S.gv_uri, 'event', '--all', '--loop'])
    time.sleep(1.0)  # both registered

    want = (lifecycle(h, S, w) + transient(h, S, w) + snapshot(h, S, w) + saverestore(h, S, w) +
            migration(h, S, T, w))
    h.ok(True, 'python3-libvirt saw %d events in all' % len(w.events()))

    # what virsh and genvirsh printed: the same lines, and genvirsh also the genid event
    time.sleep(1.0)
    for p in (virsh_ev, gv_ev):
        p[0].send_signal(signal.SIGINT)
    rv = h.collect(virsh_ev, 15)
    rg = h.collect(gv_ev, 15)
    vl = [l for l in rv.out.split('\n') if l.startswith("event '")]
    gl = [l for l in rg.out.split('\n') if l.startswith("event '")]
    reboots = len([l for l in vl if l.startswith("event 'reboot'")])
    h.ok(reboots in (1, 2), 'virsh saw the reboot (%d reset events)' % reboots)
    n = len([e for e in w.all if e[0] != 'ev-flood'])
    h.ok(len(vl) == n and len(want) + reboots - 1 == n,
         "virsh event --all --loop printed one line per event (%d), as python3-libvirt received"
         % len(vl), rv.describe())
    h.eq([l for l in gl if 'genid-changed' not in l], vl,
         'genvirsh event --all --loop prints the same lines as virsh')
    h.eq([l for l in gl if 'genid-changed' in l],
         ["event 'genid-changed' for domain 'ev-snap': revert",
          "event 'genid-changed' for domain 'ev-save': restore",
          "event 'genid-changed' for domain 'ev-save': restore"],
         "genvirsh event shows genvirt's genid events of the revert and the two restores "
         "(the reason, not the value; none for the managed save)")
    h.ok(not any(gvsm.GUID_RE.search(l) for l in gl + vl),
         'no event line carries a GUID')
    h.ok('events received: %d' % len(vl) in rv.out, 'virsh counts what it received')
    h.ok('events received: %d' % len(gl) in rg.out, 'genvirsh counts what it received')
    w.close()

    protocol(h, S)
    keepalive(h, S)
    slow_reader(h, S)
    S.virsh('destroy', 'ev-snap')
    S.virsh('snapshot-delete', 'ev-snap', 's1')
    S.virsh('undefine', 'ev-snap')

    conn, got, ev = close_callback(h, S)
    T.stop()
    S.stop()
    ev.wait(10)
    h.ok(got[:1] in ([libvirt.VIR_CONNECT_CLOSE_REASON_EOF], [libvirt.VIR_CONNECT_CLOSE_REASON_ERROR]),
         'the close callback of a python3-libvirt connection fires when the daemon stops (reason %r)'
         % got)


if __name__ == '__main__':
    gvsm.Harness('events', deadline=240).main(main)
