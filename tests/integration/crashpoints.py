#!/usr/bin/python3
"""genvirtd killed at every named crash point (src/util/gvcrashpoint.h).

For each row of POINTS (a point, the operation that reaches it, the state
it starts from, and N when the operation passes the point several times):

1. a fresh --root; genvirtd sets the domain up (a 64 MiB diskless-boot
   guest with one small qcow2 disk, TCG or KVM as GENVIRT_ACCEL says) and
   stops (SIGTERM; a running QEMU stays and is reconnected);
2. genvirtd again with GENVIRT_TEST_CRASH_AT=POINT@N: the operation; the
   daemon must die by SIGKILL and its crash log end with the point;
3. with the daemon dead, every QEMU of the domain is asked for its
   vmgenid guid over its own QMP socket (qom-get), so that a QEMU the
   daemon started and never reported is in the GUID ledger too;
4. genvirtd restarts on the same root, and these invariants are checked:
   configs: every config parses and is the old or the new version, no
     other is loaded (a temporary file is never taken for a config);
   state: the domain is shut off (no QEMU, no status file), or running or
     paused with the QEMU it had (reconnected: same pid), whose live GUID
     (domgenid, the live XML, QMP) is one value;
   orphans: no QEMU of this root other than the one its status file names;
   managed save: a running domain has no managed save image;
   ledger: every QEMU start the crashed operation made has a GUID never
     given before, unless it keeps the GUID (cold boot, start from a
     managed save image); an operation that starts no QEMU started none;
   after: the operation is done again (or, for one that keeps the GUID,
     the domain is started again): a GUID-changing one gives a GUID no QEMU
     of the domain ever had, a keeping one the config's.
5. coverage: every GV_CRASH_POINT in src/ (outside "migration:", tested in
   the migration suite) has a row.

The normal run takes one row per area (SAMPLE); GENVIRT_TEST_LONG=1
(scripts/test.sh --long) runs every row.
"""

import json
import os
import re
import socket
import sys
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

NAME = 'cp'

# (point, N, operation, setup).  The operations and setups are below.
POINTS = [
    ('file:before-rename', 1, 'start', 'off'),  # the status file after cont
    ('file:before-dir-sync', 1, 'start', 'off'),
    ('file:before-rename', 1, 'snapshot', 'running'),  # the metadata
    ('file:before-dir-sync', 2, 'snapshot', 'running'),  # the current snapshot
    ('journal:appended', 1, 'define', 'none'),
    ('journal:synced', 1, 'define', 'none'),
    ('journal:appended', 1, 'undefine', 'off'),
    ('journal:synced', 1, 'revert-off', 'off-snap'),
    ('journal:checkpoint-synced', 1, 'define', 'none'),
    ('journal:checkpoint-wiped', 1, 'define', 'none'),
    ('journal:rename-recorded', 1, 'domrename', 'off'),
    ('define:config-written', 1, 'define', 'none'),
    ('undefine:config-removed', 1, 'undefine', 'off'),
    ('start:status-written', 1, 'start', 'off'),
    ('start:spawned', 1, 'start', 'off'),
    ('start:verified', 1, 'start', 'off'),
    ('start:resumed', 1, 'start', 'off'),
    ('snapshot:taken', 1, 'snapshot', 'running'),
    ('snapshot:metadata-written', 1, 'snapshot', 'running'),
    ('snapshot:taken', 1, 'snapshot-off', 'off'),
    ('revert:old-stopped', 1, 'revert', 'running-snap'),
    ('revert:guid-persisted', 1, 'revert', 'running-snap'),
    ('start:spawned', 1, 'revert', 'running-snap'),
    ('start:verified', 1, 'revert', 'running-snap'),
    ('start:resumed', 1, 'revert', 'running-snap'),
    ('revert:started', 1, 'revert', 'running-snap'),
    ('revert:guid-persisted', 1, 'revert-off', 'off-snap'),
    ('start:verified', 1, 'revert-off', 'off-snap'),
    ('revert:old-stopped', 1, 'revert-offsnap', 'running-offsnap'),
    ('revert:images-reverted', 1, 'revert-offsnap', 'running-offsnap'),
    ('save:image-started', 1, 'save', 'running'),
    ('save:streamed', 1, 'save', 'running'),
    ('save:image-complete', 1, 'save', 'running'),
    ('save:qemu-stopped', 1, 'save', 'running'),
    ('restore:guid-chosen', 1, 'restore', 'saved'),
    ('restore:guid-persisted', 1, 'restore', 'saved'),
    ('start:spawned', 1, 'restore', 'saved'),
    ('start:incoming-loaded', 1, 'restore', 'saved'),
    ('start:verified', 1, 'restore', 'saved'),
    ('restore:started', 1, 'restore', 'saved'),
    ('save:streamed', 1, 'managedsave', 'running'),
    ('save:image-complete', 1, 'managedsave', 'running'),
    ('managedsave:done', 1, 'managedsave', 'running'),
    ('start:incoming-loaded', 1, 'managedstart', 'managed'),
    ('managedsave:consumed', 1, 'managedstart', 'managed'),
    ('managedsave:started', 1, 'managedstart', 'managed'),
    ('clone:disks-made', 1, 'clone', 'off'),
    ('clone:source-moved', 1, 'clone', 'off'),
    ('clone:defined', 1, 'clone', 'off'),
    ('renew:guid-chosen', 1, 'renew', 'off'),
    ('renew:persisted', 1, 'renew', 'off'),
    ('save:image-complete', 1, 'renew-restart', 'running'),
    ('renew:saved', 1, 'renew-restart', 'running'),
    ('restore:guid-persisted', 1, 'renew-restart', 'running'),
]

# the normal run: one row per area, chosen where the state is most in between
SAMPLE = [
    ('file:before-dir-sync', 1, 'start', 'off'),
    ('journal:appended', 1, 'define', 'none'),
    ('start:spawned', 1, 'start', 'off'),
    ('snapshot:taken', 1, 'snapshot', 'running'),
    ('revert:guid-persisted', 1, 'revert', 'running-snap'),
    ('save:image-complete', 1, 'managedsave', 'running'),
    ('restore:guid-persisted', 1, 'restore', 'saved'),
    ('managedsave:consumed', 1, 'managedstart', 'managed'),
    ('clone:source-moved', 1, 'clone', 'off'),
    ('renew:persisted', 1, 'renew', 'off'),
]

# how each operation treats the GUID of a QEMU it starts
NEW, KEEP, NONE = 'new', 'keep', 'none'
TRANSITION = {
    'define': NONE, 'undefine': NONE, 'domrename': NONE, 'start': KEEP, 'snapshot': NONE,
    'snapshot-off': NONE, 'revert': NEW, 'revert-off': NEW, 'revert-offsnap': NONE,
    'save': NONE, 'restore': NEW, 'managedsave': NONE, 'managedstart': KEEP,
    'clone': NONE, 'renew': NONE, 'renew-restart': NEW,
}
# operations after which the config may carry a new GUID
NEW_CONFIG_GUID = {'revert', 'revert-off', 'revert-offsnap', 'restore', 'renew', 'renew-restart'}


def source_points(srcdir):
    """Every GV_CRASH_POINT("...") name in src/."""
    names = set()
    for top, _, files in os.walk(os.path.join(srcdir, 'src')):
        for f in files:
            if f.endswith('.c'):
                text = gi.read_text(os.path.join(top, f))
                names.update(re.findall(r'GV_CRASH_POINT\("([^"]+)"\)', text))
    return names


# ---- QMP of a QEMU whose daemon is dead --------------------------------------

def unix_listeners():
    """{inode: path} of listening UNIX sockets."""
    out = {}
    for line in gi.read_text('/proc/net/unix').split('\n')[1:]:
        f = line.split()
        if len(f) >= 8 and f[5] == '01':
            out[f[6]] = f[7]
    return out


def monitor_of(pid):
    """The path of the listening socket QEMU @pid holds (its monitor)."""
    listeners = unix_listeners()
    try:
        fds = os.listdir('/proc/%d/fd' % pid)
    except OSError:
        return None
    for fd in fds:
        try:
            link = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        m = re.match(r'socket:\[(\d+)\]', link)
        if m and m.group(1) in listeners and listeners[m.group(1)].endswith('.mon'):
            return listeners[m.group(1)]
    return None


def qmp_guid_direct(path, timeout=15.0):
    """qom-get of the vmgenid device's guid, over QEMU's monitor @path."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        f = s.makefile('rwb')
        f.write(b'{"execute":"qmp_capabilities"}\n'
                b'{"execute":"qom-get","arguments":{"path":"/machine/peripheral/genid0",'
                b'"property":"guid"},"id":"g"}\n')
        f.flush()
        while True:
            line = f.readline()
            if not line:
                return None
            msg = json.loads(line)
            if msg.get('id') == 'g':
                return msg.get('return')
    except (OSError, ValueError):
        return None
    finally:
        s.close()


# ---- one row -------------------------------------------------------------------

class Row:
    def __init__(self, h, point, n, op, setup):
        self.h, self.point, self.n, self.op, self.setup = h, point, n, op, setup
        self.label = '%s%s via %s (from %s)' % (point, '@%d' % n if n > 1 else '', op, setup)
        self.work = h.mkdtemp('row')
        self.disk = os.path.join(self.work, 'disk.qcow2')
        self.image = os.path.join(self.work, 'cp.save')
        self.crashlog = os.path.join(self.work, 'crash.log')
        self.xmlpath, self.uid = h.write_domain(NAME, memory_mib=64, genid='auto',
                                                disks=[('qcow2', self.disk)])
        self.d = gi.Daemon(h, root=os.path.join(self.work, 'root'), verbose=False,
                           label='row')
        self.ledger = {}  # pid -> guid, every QEMU of the domain ever seen

    def ok(self, cond, what, diag=None):
        return self.h.ok(cond, '%s: %s' % (self.label, what), diag)

    def must(self, r, what):
        if r.rc != 0:
            raise gi.Abort('%s: %s failed: %s' % (self.label, what, r.describe()))

    def note_qemus(self):
        """Adds the GUID of each QEMU of the domain to the ledger (daemon alive)."""
        pid = self.d.qemu_pid(NAME)
        if pid and pid not in self.ledger:
            self.ledger[pid] = self.d.qmp_guid(NAME)

    def do_setup(self):
        h, d = self.h, self.d
        r = h.run(['qemu-img', 'create', '-q', '-f', 'qcow2', self.disk, '16M'])
        self.must(r, 'qemu-img create')
        if not d.start(report=False):
            raise gi.Abort('%s: genvirtd does not start' % self.label)
        s = self.setup
        if s != 'none':
            self.must(d.virsh('define', self.xmlpath), 'define')
        if s in ('off-snap', 'running-snap'):
            self.must(d.virsh('start', NAME), 'start')
            self.note_qemus()
            self.must(d.virsh('snapshot-create-as', NAME, 'r1'), 'snapshot r1')
            if s == 'off-snap':
                self.must(d.virsh('destroy', NAME), 'destroy')
        if s == 'running-offsnap':
            self.must(d.virsh('snapshot-create-as', NAME, 'o1'), 'snapshot o1')
        if s in ('running', 'running-offsnap', 'saved', 'managed'):
            self.must(d.virsh('start', NAME), 'start')
            self.note_qemus()
        if s == 'saved':
            self.must(d.virsh('save', NAME, self.image), 'save')
        if s == 'managed':
            self.must(d.virsh('managedsave', NAME), 'managedsave')
        d.stop()

    def run_op(self, d, again=False):
        """The operation (its result matters only when @again)."""
        op = self.op
        if op == 'define':
            return d.virsh('define', self.xmlpath)
        if op == 'undefine':
            return d.virsh('undefine', NAME)
        if op == 'domrename':
            return d.virsh('domrename', NAME, 'cp2')
        if op in ('start', 'managedstart'):
            return d.virsh('start', NAME)
        if op in ('snapshot', 'snapshot-off'):
            return d.virsh('snapshot-create-as', NAME, 's2' if not again else 's3')
        if op in ('revert', 'revert-off'):
            return d.virsh('snapshot-revert', NAME, 'r1')
        if op == 'revert-offsnap':
            return d.virsh('snapshot-revert', NAME, 'o1')
        if op == 'save':
            return d.virsh('save', NAME, self.image + ('2' if again else ''))
        if op == 'restore':
            return d.virsh('restore', self.image)
        if op == 'managedsave':
            return d.virsh('managedsave', NAME)
        if op == 'clone':
            return d.genvirsh('clone', NAME, 'cp2' if not again else 'cp3')
        if op == 'renew':
            return d.genvirsh('domgenid', '--renew', NAME)
        if op == 'renew-restart':
            return d.genvirsh('domgenid', '--renew', '--restart', NAME)
        raise ValueError(op)

    def configs(self):
        """{file name: text} of the configs."""
        out = {}
        for n in sorted(os.listdir(self.d.domdir)) if os.path.isdir(self.d.domdir) else ():
            if n.endswith('.xml') and not n.startswith('.'):
                out[n] = gi.read_text(os.path.join(self.d.domdir, n))
        return out

    def run(self):
        h, d = self.h, self.d
        self.do_setup()
        old_configs = self.configs()
        old_guid = guid_of(old_configs.get(NAME + '.xml'))
        before = dict(self.ledger)
        pids_before = set(gi.qemu_pids_by_uuid(self.uid))

        # the crash
        d.env = {'GENVIRT_TEST_CRASH_AT': '%s@%d' % (self.point, self.n),
                 'GENVIRT_TEST_CRASH_LOG': self.crashlog}
        if not d.start(report=False):
            raise gi.Abort('%s: genvirtd does not start' % self.label)
        d.env = None
        # a reconnected QEMU keeps its GUID; the daemon can answer for it
        for pid in pids_before:
            if pid not in self.ledger:
                self.ledger[pid] = d.qmp_guid(NAME)
        r = self.run_op(d)
        died, _ = gi.wait_until(lambda: d.proc.poll() is not None, 15.0, 0.05)
        rc = d.proc.poll()
        if rc is None:
            d.kill9()
        logged = gi.read_text(self.crashlog).split('\n') if os.path.exists(self.crashlog) else []
        logged = [l for l in logged if l]
        reached = bool(logged) and logged[-1] == self.point and logged.count(self.point) == self.n
        self.ok(died and rc == -9 and reached,
                'genvirtd died by SIGKILL at the point (hit %d)' % self.n,
                'exit %s; the operation: %s\npoints reached: %s\n%s'
                % (rc, r.describe(), logged[-12:], d.log_tail(10)))

        # the daemon is dead: ask every QEMU of the domain ourselves
        started = []
        for pid in gi.qemu_pids_by_uuid(self.uid):
            if pid in self.ledger:
                continue
            mon = monitor_of(pid)
            guid = qmp_guid_direct(mon) if mon else None
            self.ledger[pid] = guid
            started.append((pid, guid))
        known = set(g for g in before.values() if g)
        if TRANSITION[self.op] == NONE:
            self.ok(not started, 'ledger: the operation started no QEMU',
                    'started: %r' % started)
        elif TRANSITION[self.op] == NEW:
            bad = [(p, g) for p, g in started if g is None or g in known or g == old_guid]
            self.ok(not bad, 'ledger: each QEMU it started has a GUID never given before '
                    '(%d started)' % len(started), 'reused or unread: %r; before: %r'
                    % (bad, sorted(known)))
        else:
            bad = [(p, g) for p, g in started if g != old_guid]
            self.ok(not bad, 'ledger: each QEMU it started keeps the config GUID (%d started)'
                    % len(started), 'got %r, config %r' % (bad, old_guid))

        # the restart
        if not d.start(report=False):
            raise gi.Abort('%s: genvirtd does not restart' % self.label)
        self.check_after(old_configs, old_guid, known)
        self.check_again()
        d.stop()
        h.kill_qemus()

    def wait_settled(self):
        """Until the reconnect has finished: shut off, or QEMU answers."""
        def settled():
            name = self.name_now()
            st = self.d.domstate(name)
            return st is None or st.startswith('shut off') or self.d.domgenid(name)
        gi.wait_until(settled, 10.0, 0.1)

    def name_now(self):
        return 'cp2' if self.op == 'domrename' and self.d.config_text('cp2') else NAME

    def check_after(self, old_configs, old_guid, known):
        h, d = self.h, self.d
        self.wait_settled()
        name = self.name_now()
        configs = self.configs()
        # configs
        bad = []
        for f, text in configs.items():
            try:
                ET.fromstring(text)
            except ET.ParseError as e:
                bad.append('%s: %s' % (f, e))
                continue
            if f in old_configs:
                same = norm(text) == norm(old_configs[f])
                g = guid_of(text)
                if not same:
                    bad.append('%s differs from the old version beyond its GUID and disks' % f)
                elif g != guid_of(old_configs[f]) and (self.op not in NEW_CONFIG_GUID or
                                                       g in known):
                    bad.append('%s has GUID %s, neither the old one nor a new one' % (f, g))
            elif self.op == 'define' and f == NAME + '.xml':
                if uuid_of(text) != self.uid:
                    bad.append('%s is not the defined domain' % f)
            elif self.op == 'domrename' and f == 'cp2.xml':
                if norm(text).replace('cp2', NAME) != norm(old_configs[NAME + '.xml']):
                    bad.append('cp2.xml is not the renamed config')
            elif self.op == 'clone' and f == 'cp2.xml':
                if uuid_of(text) == self.uid or guid_of(text) in known | {old_guid}:
                    bad.append('the clone has the source uuid or an old GUID')
            else:
                bad.append('%s: unexpected config' % f)
        for f in old_configs:
            if f not in configs and not (self.op == 'undefine' or
                                         (self.op == 'domrename' and f == NAME + '.xml')):
                bad.append('%s was lost' % f)
        if self.op == 'domrename' and (NAME + '.xml' in configs) == ('cp2.xml' in configs):
            bad.append('the rename left both names or neither')
        listed = d.names('--all')
        want = sorted(f[:-4] for f in configs)
        if listed != want:
            bad.append('the daemon lists %r, the configs are %r' % (listed, want))
        self.ok(not bad, 'configs: %d parse, each the old or the new version' % len(configs),
                '\n'.join(bad))

        # one defined state
        st = d.domstate(name) or ''
        pid = d.status_pid(name)
        pids = gi.qemu_pids_by_uuid(self.uid)
        if st.startswith(('running', 'paused')):
            g = d.guids(name)
            live = set([g['domgenid'], g['qmp'], g['live xml']])
            good = (pid in pids and len(pids) == 1 and pid in self.ledger and len(live) == 1 and
                    None not in live)
            self.ok(good, 'state: %s with the QEMU it had (pid %s reconnected), one live GUID'
                    % (st, pid), 'status pid %s, QEMUs %r, ledger %r, guids %r'
                    % (pid, pids, self.ledger, g))
            if good and live != {self.ledger[pid]}:
                self.ok(False, 'state: the live GUID is the one that QEMU was given',
                        '%r vs %r' % (live, self.ledger[pid]))
            qs = d.qmp_status(name)
            self.ok((qs == 'running') == st.startswith('running'),
                    'state: QEMU agrees (%s)' % qs)
        else:
            good = (st.startswith('shut off') or (st == '' and self.op in
                                                 ('undefine', 'define')))
            self.ok(good and not pids and pid is None,
                    'state: %s, no QEMU, no status file' % (st or 'not defined'),
                    'QEMUs %r, status pid %s' % (pids, pid))
        # orphans
        under = gi.qemu_pids_under(d.root)
        allowed = [pid] if pid else []
        self.ok(sorted(under) == sorted(p for p in allowed if p in under),
                'orphans: no QEMU of this root but the one its status file names',
                'QEMUs %r, status file %r; stray monitors %r' % (under, allowed,
                                                                  d.stray_monitors()))
        # managed save
        image = os.path.join(d.root, 'var', 'lib', 'genvirt', 'save', name + '.save')
        if st.startswith(('running', 'paused')):
            self.ok(not os.path.exists(image), 'managed save: a running domain has no image')

    def check_again(self):
        """The operation again, without a crash (or a start, for one that keeps)."""
        h, d = self.h, self.d
        name = self.name_now()
        st = d.domstate(name) or ''
        trans = TRANSITION[self.op]
        if trans == NEW:
            if self.op == 'restore' and st.startswith(('running', 'paused')):
                d.virsh('destroy', name)
            if self.op == 'renew-restart' and not st.startswith(('running', 'paused')):
                d.virsh('start', name)
                self.note_qemus()
            r = self.run_op(d, again=True)
            if not self.ok(r.rc == 0, 'after: the operation succeeds again', r.describe()):
                return
            self.wait_settled()
            pid = d.qemu_pid(name)
            if self.op in ('revert-off',) and not pid:
                self.ok(True, 'after: no QEMU runs (a shut-off revert)')
                return
            g = d.qmp_guid(name) if pid else None
            ever = set(v for v in self.ledger.values() if v)
            self.ok(pid and pid not in self.ledger and g and g not in ever,
                    'after: the new QEMU has a GUID no QEMU of the domain ever had',
                    'pid %s guid %s ledger %r' % (pid, g, self.ledger))
        elif st.startswith('shut off'):
            r = d.virsh('start', name)
            if not self.ok(r.rc == 0, 'after: it starts again', r.describe()):
                return
            g = d.qmp_guid(name)
            want = d.config_guid(name)
            pid = d.qemu_pid(name)
            if self.op == 'managedstart' and pid:
                self.ledger.setdefault(pid, g)
            self.ok(g is not None and g == want,
                    'after: a cold boot (or managed start) keeps the config GUID',
                    'qmp %s config %s' % (g, want))


def guid_of(xml):
    return gi.guid_of(xml) if xml else None


def uuid_of(xml):
    m = re.search(r'<uuid>([^<]+)</uuid>', xml or '')
    return m.group(1) if m else None


def norm(xml):
    """A config without what the operations may change: the GUID, disk paths."""
    xml = re.sub(r"(<guid auto='(?:yes|no)'>)[^<]*(</guid>)", r'\1\2', xml)
    return re.sub(r"<source file='[^']*'/>", "<source/>", xml)


def main(h):
    long_run = os.environ.get('GENVIRT_TEST_LONG') == '1'
    rows = POINTS if long_run else SAMPLE
    only = os.environ.get('GENVIRT_TEST_CRASH_ONLY')  # a regex, to run some rows by hand
    if only:
        rows = [r for r in POINTS if re.search(only, '%s@%d via %s' % r[:3])]
    h.diag('%s run: %d of %d rows' % ('long' if long_run else 'sampled', len(rows), len(POINTS)))

    # coverage: every point in the sources has a row; every row names a point
    names = source_points(h.srcdir)
    local = set(n for n in names if not n.startswith('migration:'))
    missing = sorted(local - set(p for p, _, _, _ in POINTS))
    unknown = sorted(set(p for p, _, _, _ in POINTS) - names)
    h.ok(not missing, 'coverage: every crash point in src/ (%d, migration aside) has a row'
         % len(local), 'missing: %r' % missing)
    h.ok(not unknown, 'coverage: every row names a point in src/', 'unknown: %r' % unknown)
    for row in rows:
        h.ok(row in POINTS, 'the sampled row %s is in the table' % (row,))

    for point, n, op, setup in rows:
        t0 = time.monotonic()
        row = Row(h, point, n, op, setup)
        try:
            row.run()
        except gi.Abort as e:
            h.ok(False, str(e))
            row.d.kill9()
            h.kill_qemus()
        h.diag('%s: %.1f s' % (row.label, time.monotonic() - t0))
    h.check_no_qemus()


if __name__ == '__main__':
    long_run = os.environ.get('GENVIRT_TEST_LONG') == '1'
    gi.Harness('crashpoints', deadline=1500.0 if long_run else 400.0).main(main)
