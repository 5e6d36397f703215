#!/usr/bin/python3
"""Crash points of live migration (issue 13): at every phase on the source
and on the destination, one genvirtd dies as `kill -9` would
(GENVIRT_TEST_CRASH_AT, src/util/gvcrashpoint.h), is started again on the
same root, both sides settle, and the invariants are checked.

Each case is one point on one path: `virsh migrate --live --persistent
--undefinesource` client-driven ('managed': virsh calls Begin, Prepare,
Perform, Finish and Confirm itself) or with --p2p (the source daemon drives
the destination).  Real QEMU (TCG unless GENVIRT_ACCEL says otherwise), real
daemons, the stock virsh.

Invariants, after the crash and the restart, for every case:
- the chosen daemon died by SIGKILL and its crash log names the point;
- while it is down, every QEMU it left is asked over QMP directly (its
  monitor socket) for its GUID and state: the GUID ledger;
- exactly one host runs the guest, or neither with the source's config
  intact; never both;
- the host that runs it has one QEMU, named by its status file, that its
  daemon reconnected to (it answers QMP through the daemon) and whose live
  GUID (QMP, domgenid, live XML) is the GUID from before the migration;
- no orphan QEMU of the domain on either side, no stale status file, no
  stray monitor socket;
- every config file left parses and is the old one or the new one (the
  source's GUID); the definition is on at least one host, and on the
  destination when it runs the guest (--persistent);
- the ledger: every GUID any QEMU of the domain was given (read directly
  from a surviving QEMU while its daemon was down, and afterwards through
  the daemons) is the one from before the migration: migration is the one
  transition here, and it keeps the GUID; no other value ever reached QEMU;
- both daemons serve.

A coverage check requires every GV_CRASH_POINT("migration:...") in src/ to
be in the table below.  By default a fixed sample of the cases runs (a few,
to stay within the CI budget); GENVIRT_TEST_LONG=1 runs all.
"""

import json
import os
import re
import signal
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvsm  # noqa: E402

P2P = 'p2p'
MANAGED = 'managed'
BOTH = (MANAGED, P2P)

# point -> (the daemon that dies, the paths that reach it, what must follow)
POINTS = [
    ('migration:src-begin', 'src', BOTH,
     'nothing started yet: the guest goes on at the source'),
    ('migration:src-p2p-prepared', 'src', (P2P,),
     'the destination drops its incoming QEMU when the connection closes; the source runs'),
    ('migration:src-perform-start', 'src', BOTH,
     'migrate not sent: the destination drops its incoming QEMU; the source runs'),
    ('migration:src-perform-migrate-sent', 'src', BOTH,
     'the stream flows without the daemon: the destination never resumes without Finish '
     'and drops its QEMU; the source resumes its guest'),
    ('migration:src-perform-progress', 'src', BOTH,
     'as above, the first progress reported'),
    ('migration:src-perform-completed', 'src', BOTH,
     'the destination QEMU has it all but no Finish came: the destination drops it, '
     'the paused source QEMU resumes'),
    ('migration:src-perform-done', 'src', BOTH,
     'Perform is over, Finish may or may not be sent: the source asks the destination '
     'and ends or resumes accordingly'),
    ('migration:src-p2p-finished', 'src', (P2P,),
     'the destination runs the guest: the source ends its paused QEMU at restart'),
    ('migration:src-confirm-start', 'src', BOTH,
     'the destination runs it: the source ends its paused QEMU at restart'),
    ('migration:src-confirm-stopped', 'src', BOTH,
     'the source QEMU is gone: the destination runs it; the source config may remain'),
    ('migration:src-confirm-undefined', 'src', BOTH,
     'all done at the source: the destination runs it'),
    ('migration:dst-prepare-start', 'dst', BOTH,
     'no QEMU started at the destination: the source runs'),
    ('migration:dst-prepare-qemu-up', 'dst', BOTH,
     'an incoming QEMU no status file names: it must not be left behind; the source runs'),
    ('migration:dst-prepare-done', 'dst', BOTH,
     'the incoming QEMU is recorded: the restart ends it; the source runs'),
    ('migration:dst-finish-start', 'dst', BOTH,
     'the stream is complete, nothing resumed: the restart ends the incoming QEMU; '
     'the source resumes'),
    ('migration:dst-finish-received', 'dst', BOTH,
     'GUID checked, not resumed: as above'),
    ('migration:dst-finish-cont', 'dst', BOTH,
     'the destination guest runs: exactly one side keeps it'),
    ('migration:dst-finish-config', 'dst', BOTH,
     'the destination runs it with its new config: exactly one side keeps it'),
    ('migration:dst-finish-done', 'dst', BOTH,
     'all done at the destination, no reply: exactly one side keeps it'),
]

# the normal run: a deterministic sample across the phases and both paths
SAMPLE = [
    ('migration:src-perform-progress', P2P),
    ('migration:src-perform-done', MANAGED),
    ('migration:dst-prepare-qemu-up', MANAGED),
    ('migration:dst-finish-cont', P2P),
]

MIGRATE_FLAGS = ['--live', '--persistent', '--undefinesource']


def source_points(srcdir):
    """Every GV_CRASH_POINT("migration:...") name in src/."""
    found = set()
    for top, _, files in os.walk(os.path.join(srcdir, 'src')):
        for f in files:
            if f.endswith(('.c', '.h')):
                text = gvsm.read_text(os.path.join(top, f))
                found.update(re.findall(r'GV_CRASH_POINT\("(migration:[^"]+)"\)', text))
    return found


def qmp_direct(path, cmds, timeout=3.0):
    """Talks QMP to a QEMU's monitor socket directly (its daemon is down):
    the answers to @cmds, or None."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    buf = b''

    def reply():
        nonlocal buf
        while True:
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                msg = json.loads(line)
                if 'return' in msg or 'error' in msg or 'QMP' in msg:
                    return msg
            chunk = s.recv(65536)
            if not chunk:
                raise OSError('monitor closed')
            buf += chunk
    try:
        s.connect(path)
        reply()  # greeting
        s.sendall(b'{"execute":"qmp_capabilities"}\n')
        reply()
        out = []
        for c in cmds:
            s.sendall(json.dumps({'execute': c}).encode() + b'\n')
            out.append(reply())
        return out
    except (OSError, ValueError):
        return None
    finally:
        s.close()


def monitor_paths(d, uid):
    """The monitor sockets of domain @uid's QEMUs under @d's root (named
    after the uuid)."""
    tag = uid.replace('-', '')
    try:
        return [os.path.join(d.qemudir, n) for n in os.listdir(d.qemudir)
                if n.startswith(tag) and n.endswith(('.monitor', '.mon'))]
    except OSError:
        return []


def active(st):
    return st is not None and not st.startswith('shut off')


class Case:
    def __init__(self, h, S, T, point, side, path, n):
        self.h, self.S, self.T = h, S, T
        self.point, self.side, self.path = point, side, path
        self.name = 'cm%d' % n
        self.what = '%s (%s)' % (point, path)
        self.crasher = S if side == 'src' else T
        self.ledger = []  # (where, guid) of every QEMU of the domain seen

    def run(self):
        h, S, T, name, what = self.h, self.S, self.T, self.name, self.what
        X = self.crasher
        log = os.path.join(h.workdir, 'crash-%s.log' % name)
        # the chosen daemon runs with the crash point armed
        if X.alive():
            X.stop()
        X.env = {'GENVIRT_TEST_CRASH_AT': self.point, 'GENVIRT_TEST_CRASH_LOG': log}
        if not X.start(report=False):
            h.ok(False, '%s: the %s daemon starts with the point armed' % (what, self.side))
            return
        X.env = None
        path, uid = h.write_domain(name, memory_mib=64,
                                   disks=[('qcow2', h.image(name, dirpath=h.disks))])
        self.uid = uid
        if not h.cmd_ok(S.virsh('define', path), '%s: define %s on src' % (what, name)) or \
                not h.cmd_ok(S.virsh('start', name), '%s: start it' % what):
            return
        g0 = S.config_guid(name)
        self.g0 = g0
        self.src_config = S.config_text(name)
        h.eq(S.qmp_guid(name), g0, '%s: the source QEMU has the config GUID %s' % (what, g0))
        self.ledger.append(('src start', g0))
        flags = MIGRATE_FLAGS + (['--p2p'] if self.path == P2P else [])
        bg = h.spawn([gvsm.VIRSH, '-c', S.uri, 'migrate'] + flags + [name, T.uri])
        # the daemon dies at the point
        died, el = gvsm.wait_until(lambda: not X.alive(), 60, 0.02)
        rc = X.proc.returncode if died else None
        h.ok(died and rc == -signal.SIGKILL, '%s: the %s daemon died by SIGKILL at the point '
             '(%.1f s)' % (what, self.side, el), 'exit status %r\n%s' % (rc, X.log_tail(15)))
        reached = gvsm.read_text(log).split('\n') if os.path.exists(log) else []
        h.ok(self.point in reached, '%s: the crash log names the point' % what,
             'reached: %r' % reached[-10:])
        if not died:
            h.collect(bg, 30)
            return
        # while it is down: the QEMUs it left, asked directly
        self.probe_down(X)
        # back on the same root (the other side may be waiting for it)
        if not X.start(report=False):
            h.ok(False, '%s: the %s daemon starts again on its root' % (what, self.side))
            h.collect(bg, 30)
            return
        res = h.collect(bg, 90)
        h.diag('%s: virsh migrate: rc %s, %s' % (what, res.rc,
                                                 ' '.join((res.err or res.out).split())[:300]))
        self.settle()
        self.check()

    def probe_down(self, X):
        """Every QEMU of the domain under @X's root, over its monitor socket."""
        for p in monitor_paths(X, self.uid):
            a = qmp_direct(p, ['query-vm-generation-id', 'query-status'])
            if a is None:
                continue
            try:
                g = a[0]['return']['guid']
            except (KeyError, TypeError):
                g = None
            try:
                st = a[1]['return']['status']
            except (KeyError, TypeError):
                st = None
            self.ledger.append(('%s QEMU while its daemon was down (%s)' % (self.side, st), g))

    def states(self):
        return {d.label: d.domstate(self.name) for d in (self.S, self.T)}

    def settle(self):
        """Until neither side is in the middle of the migration and the QEMUs
        of the domain are those the status files name (bounded)."""
        def settled():
            st = self.states()
            if any(s is not None and ('migrat' in s and s.startswith('paused')) for s in st.values()):
                return False
            pids = sorted(gvsm.qemu_pids_by_uuid(self.uid))
            named = sorted(p for p in (self.S.qemu_pid(self.name), self.T.qemu_pid(self.name)) if p)
            return pids == named and st
        st, el = gvsm.wait_until(settled, 45, 0.2)
        self.h.diag('%s: settled after %.1f s: %r' % (self.what, el, self.states()))

    def check(self):
        h, S, T, name, what, g0 = self.h, self.S, self.T, self.name, self.what, self.g0
        st = self.states()
        runners = [d for d in (S, T) if active(st[d.label])]
        h.ok(len(runners) <= 1, '%s: never both hosts run the guest' % what, 'states: %r' % st)
        if not runners:
            h.ok(S.config_text(name) == self.src_config and S.config_guid(name) == g0,
                 '%s: neither runs it, and the source config is intact' % what,
                 'states: %r\nsource config:\n%s' % (st, S.config_text(name)))
        else:
            h.ok(True, '%s: exactly one host runs the guest: %s (%s)'
                 % (what, runners[0].label, st[runners[0].label]))
        for d in runners:
            pid = d.qemu_pid(name)
            h.ok(pid is not None, '%s: %s: its status file names a live QEMU (%s)'
                 % (what, d.label, pid))
            vals = {'QMP through the daemon': d.qmp_guid(name), 'domgenid': d.domgenid(name),
                    'live XML': gvsm.guid_of(d.live_xml(name))}
            bad = {k: v for k, v in vals.items() if v != g0}
            h.ok(not bad, '%s: %s reconnected to it and its live GUID is the one from before '
                 'the migration %s' % (what, d.label, g0), 'differing: %r' % bad)
            self.ledger.append(('%s QEMU after the restart' % d.label, vals['QMP through the daemon']))
            h.eq(d.qmp_status(name), 'running' if st[d.label].startswith('running') else 'paused',
                 '%s: %s: QEMU agrees with the state %s' % (what, d.label, st[d.label]))
        pids = sorted(gvsm.qemu_pids_by_uuid(self.uid))
        named = sorted(d.qemu_pid(name) for d in runners if d.qemu_pid(name))
        h.eq(pids, named, '%s: no orphan QEMU on either side' % what)
        stale = [d.label for d in (S, T)
                 if os.path.exists(d.status_path(name)) != active(st[d.label])]
        h.eq(stale, [], '%s: a status file exactly where the guest runs' % what)
        stray = S.stray_monitors() + T.stray_monitors()
        h.eq(stray, [], '%s: no stray monitor socket' % what)
        # --persistent --undefinesource moves the definition: never lost on the way
        kept = [d.label for d in (S, T) if d.config_text(name) is not None]
        h.ok(kept, '%s: the definition is kept (config on %s)' % (what, ', '.join(kept) or 'none'),
             'states: %r' % st)
        for d in runners:
            if d is T:
                h.ok(d.config_text(name) is not None, '%s: the destination that runs it has its '
                     'definition (--persistent)' % what)
        for d in (S, T):
            txt = d.config_text(name)
            if txt is None:
                continue
            r = d.virsh('dumpxml', '--inactive', name)
            old = d is S and txt == self.src_config
            h.ok(r.ok and gvsm.guid_of(txt) == g0,
                 '%s: %s: the config parses and is the %s one, with the GUID' %
                 (what, d.label, 'old' if old else 'new'), r.describe())
        bad = [(w, g) for w, g in self.ledger if g != g0]
        h.ok(not bad, '%s: GUID ledger: %d QEMU reading(s), every one the kept GUID (migration '
             'keeps it; no other value was ever given)' % (what, len(self.ledger)),
             'ledger: %r' % self.ledger)
        h.ok(S.serving() and T.serving(), '%s: both daemons serve' % what)

    def cleanup(self):
        for d in (self.S, self.T):
            if not d.alive():
                d.start(report=False)
            if active(d.domstate(self.name)):
                d.virsh('destroy', self.name)
            if d.config_text(self.name) is not None:
                d.virsh('undefine', self.name)


def main(h):
    srcdir = os.path.abspath(sys.argv[3])
    long_run = os.environ.get('GENVIRT_TEST_LONG') == '1'
    table = {p: (side, paths, inv) for p, side, paths, inv in POINTS}
    in_src = source_points(srcdir)
    missing = sorted(in_src - set(table))
    h.ok(not missing, 'coverage: every GV_CRASH_POINT("migration:...") in src/ (%d) is in the '
         'table' % len(in_src), 'missing: %r' % missing)
    gone = sorted(set(table) - in_src)
    h.ok(not gone, 'every point of the table is in src/', 'not in src/: %r' % gone)
    for p, side, paths, inv in POINTS:
        h.diag('point %s [%s, %s]: %s' % (p, side, '/'.join(paths), inv))
    cases = [(p, path) for p, _, paths, _ in POINTS for path in paths]
    only = os.environ.get('GVSM_CRASH_POINTS')
    if only:
        # a debugging aid: only the points named (comma-separated)
        cases = [c for c in cases if c[0] in only.split(',')]
        h.diag('%d case(s) of GVSM_CRASH_POINTS' % len(cases))
    elif not long_run:
        cases = [c for c in cases if c in SAMPLE]
        h.diag('%d of the cases (GENVIRT_TEST_LONG=1 runs all)' % len(cases))
    h.disks = h.mkdtemp('disks')
    S = gvsm.Daemon(h, label='src')
    T = gvsm.Daemon(h, label='dst')
    if not (S.start() and T.start()):
        return
    t0 = time.monotonic()
    for n, (point, path) in enumerate(cases):
        side = table[point][0]
        c = Case(h, S, T, point, side, path, n)
        t = time.monotonic()
        try:
            c.run()
        finally:
            c.cleanup()
        h.diag('%s: %.1f s' % (c.what, time.monotonic() - t))
    h.diag('%d cases in %.1f s' % (len(cases), time.monotonic() - t0))
    h.eq(h.our_qemus(), [], 'no QEMU of ours is left')
    S.stop()
    T.stop()


if __name__ == '__main__':
    long_run = os.environ.get('GENVIRT_TEST_LONG') == '1'
    gvsm.Harness('cpm', deadline=1500 if long_run else 240).main(main)
