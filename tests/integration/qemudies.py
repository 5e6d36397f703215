#!/usr/bin/python3
"""A QEMU that dies in the middle of a QMP exchange, against real genvirtd
daemons and real QEMU (issue 13, Faults).

The test build's hook GENVIRT_TEST_QEMU_DIES_AT=DOMAIN:COMMAND[@N]
(src/util/gvcrashpoint.h) makes the monitor of DOMAIN's QEMU SIGSTOP that
QEMU, wait until it is stopped, send COMMAND and SIGKILL it: QEMU dies with
the command sent and never answered, every time.  For each exchange:

- start ('query-vm-generation-id', 'cont'), snapshot-create-as of a running
  domain ('snapshot-save'), snapshot-revert to a running snapshot
  ('snapshot-load'), virsh save ('migrate' to the image's fd), restore
  ('migrate-incoming' on the new QEMU), managedsave ('migrate') and the
  start that restores a managed save ('migrate-incoming'), migration to a
  second genvirtd with the source QEMU dying ('migrate') and with the
  destination QEMU dying ('migrate-incoming' in Prepare);
- the call fails with an error naming the domain and the QMP command;
- no QEMU of that domain is left, no status file, no stray monitor socket;
  the domain is shut off (a failed migration out of a dead source, too), or
  keeps running where it is right (the destination died: the source runs on
  with its GUID); the config is byte-identical where the operation writes
  none, and the snapshot metadata, the save image and the managed-save
  image are intact where they should be (the failed snapshot is in neither
  the metadata nor the qcow2);
- GUIDs: a failed start, save, managed save or migration changes nothing
  (the next start boots with the same value); a failed revert or restore
  persisted a new value, and the next revert or restore makes yet another,
  never one a QEMU was given before; a failed start from a managed save
  keeps the image and its GUID;
- another running domain is served throughout (QMP through the daemon), and
  once the fault is gone every operation works again.
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gvinteg as gi  # noqa: E402

HOOK = 'GENVIRT_TEST_QEMU_DIES_AT'
VICTIM = 'victim'


def rearm(d, spec):
    """Restarts daemon @d with the hook set to @spec (None: off)."""
    d.stop()
    d.env = {HOOK: spec} if spec else {}
    return d.start(report=False)


def snapshot_meta(d, name):
    out = {}
    top = os.path.join(d.snapdir, name)
    for dirpath, _, files in os.walk(top):
        for f in files:
            if f.startswith('.spare'):
                continue  # the journal's preallocated spare files
            out[os.path.join(dirpath, f)] = gi.read_bytes(os.path.join(dirpath, f))
    return out


def qcow2_snapshots(h, disk):
    r = h.run(['qemu-img', 'snapshot', '-U', '-l', disk])
    return sorted(l.split()[1] for l in r.out.split('\n')[2:] if l.split())


class Checker:
    def __init__(self, h, d, uid, disk):
        self.h, self.d, self.uid, self.disk = h, d, uid, disk
        self.given = set()   # every GUID a QEMU of the victim was given

    def record(self, guid):
        if guid:
            self.given.add(guid)

    def dead(self, r, what, command, state='shut off'):
        """After @what, whose QEMU died in @command: the checks every case shares."""
        h, d = self.h, self.d
        h.diag('%s: %s' % (what, ' | '.join(r.err.strip().split('\n'))))
        h.cmd_fails(r, '%s: fails naming the domain and the QMP command' % what,
                    ["'%s'" % VICTIM, "'%s'" % command])
        h.ok("dies in '%s'" % command in d.log_text(), '%s: the hook killed QEMU in %s'
             % (what, command), d.log_tail(10))
        ok, _ = gi.wait_until(lambda: not gi.qemu_pids_by_uuid(self.uid), 10)
        h.ok(ok, '%s: no QEMU of the domain is left' % what, repr(gi.qemu_pids_by_uuid(self.uid)))
        st = d.domstate(VICTIM)
        h.ok(st is not None and st.startswith(state), '%s: the domain is %s (%s)'
             % (what, state, st))
        h.ok(not os.path.exists(d.status_path(VICTIM)), '%s: no status file' % what)
        h.eq(d.stray_monitors(), [], '%s: no stray monitor socket' % what)
        h.eq(d.qmp_status('bystander'), 'running', '%s: another domain is served (QMP)' % what)


def case_start(h, d, c, config):
    for command in ('query-vm-generation-id', 'cont'):
        what = 'start, QEMU dies in %s' % command
        rearm(d, '%s:%s' % (VICTIM, command))
        r = d.virsh('start', VICTIM)
        c.dead(r, what, command)
        h.eq(d.config_text(VICTIM), config, '%s: the config is byte-identical' % what)
    rearm(d, None)
    h.cmd_ok(d.virsh('start', VICTIM), 'start works once the fault is gone')
    g = d.qmp_guid(VICTIM)
    h.eq(g, gi.guid_of(config), 'a cold start after failed starts keeps the GUID')
    c.record(g)


def case_snapshot_save(h, d, c, disk):
    what = 'snapshot-create-as of a running domain, QEMU dies in snapshot-save'
    config = d.config_text(VICTIM)
    meta = snapshot_meta(d, VICTIM)
    rearm(d, '%s:snapshot-save' % VICTIM)
    r = d.virsh('snapshot-create-as', VICTIM, 'broken')
    c.dead(r, what, 'snapshot-save')
    h.eq(snapshot_meta(d, VICTIM), meta, '%s: the snapshot metadata is unchanged' % what)
    h.ok('broken' not in qcow2_snapshots(h, disk), '%s: the qcow2 has no snapshot broken'
         % what, repr(qcow2_snapshots(h, disk)))
    r = d.virsh('snapshot-list', '--name', VICTIM)
    h.ok(r.rc == 0 and 'broken' not in r.out.split(), '%s: snapshot-list does not show it'
         % what, r.describe())
    h.eq(d.config_text(VICTIM), config, '%s: the config is byte-identical' % what)


def case_revert(h, d, c):
    what = 'snapshot-revert to a running snapshot, QEMU dies in snapshot-load'
    meta = snapshot_meta(d, VICTIM)
    before = d.config_guid(VICTIM)
    rearm(d, '%s:snapshot-load' % VICTIM)
    r = d.virsh('snapshot-revert', VICTIM, 'running')
    c.dead(r, what, 'snapshot-load')
    h.eq(snapshot_meta(d, VICTIM), meta, '%s: the snapshot metadata is unchanged' % what)
    g1 = d.config_guid(VICTIM)
    h.ok(g1 and g1 not in c.given and g1 != before,
         '%s: the config holds the new GUID given to the dead QEMU' % what,
         'config %r, before %r, given %r' % (g1, before, c.given))
    c.record(g1)
    r = d.virsh('snapshot-current', '--name', VICTIM)
    h.eq(r.out.strip(), 'running', '%s: the current snapshot is unchanged' % what)
    rearm(d, None)
    h.cmd_ok(d.virsh('snapshot-revert', VICTIM, 'running'), 'a revert works once the fault is gone')
    g2 = d.qmp_guid(VICTIM)
    h.ok(g2 and g2 not in c.given, 'that revert gives a GUID no QEMU was given before',
         'got %r, given %r' % (g2, c.given))
    h.eq(d.config_guid(VICTIM), g2, 'the config holds it')
    c.record(g2)


def case_save_restore(h, d, c):
    image = os.path.join(h.workdir, 'victim.save')
    what = 'save, QEMU dies in migrate'
    config = d.config_text(VICTIM)
    rearm(d, '%s:migrate' % VICTIM)
    r = d.virsh('save', VICTIM, image)
    c.dead(r, what, 'migrate')
    h.ok(not os.path.exists(image), '%s: no partial image is left' % what,
         'left: %s' % image if os.path.exists(image) else None)
    h.eq(d.config_text(VICTIM), config, '%s: the config is byte-identical' % what)
    rearm(d, None)
    h.cmd_ok(d.virsh('start', VICTIM), 'start after the failed save')
    h.eq(d.qmp_guid(VICTIM), gi.guid_of(config), 'it boots with the same GUID')
    h.cmd_ok(d.virsh('save', VICTIM, image), 'save works once the fault is gone')
    saved = gi.read_bytes(image) if os.path.exists(image) else None

    what = 'restore, QEMU dies in migrate-incoming'
    rearm(d, '%s:migrate-incoming' % VICTIM)
    r = d.virsh('restore', image)
    c.dead(r, what, 'migrate-incoming')
    h.ok(os.path.exists(image) and gi.read_bytes(image) == saved,
         '%s: the image is intact' % what)
    g1 = d.config_guid(VICTIM)
    h.ok(g1 and g1 not in c.given, '%s: the config holds a new GUID (the dead QEMU\'s)' % what,
         'config %r, given %r' % (g1, c.given))
    c.record(g1)
    rearm(d, None)
    h.cmd_ok(d.virsh('restore', image), 'restore works once the fault is gone')
    g2 = d.qmp_guid(VICTIM)
    h.ok(g2 and g2 not in c.given, 'that restore gives a GUID no QEMU was given before',
         'got %r, given %r' % (g2, c.given))
    h.eq(d.config_guid(VICTIM), g2, 'the config holds it')
    c.record(g2)


def case_managedsave(h, d, c):
    what = 'managedsave, QEMU dies in migrate'
    config = d.config_text(VICTIM)
    guid = gi.guid_of(config)
    rearm(d, '%s:migrate' % VICTIM)
    r = d.virsh('managedsave', VICTIM)
    c.dead(r, what, 'migrate')
    r = d.virsh('dominfo', VICTIM)
    h.ok(r.rc == 0 and 'Managed save:   no' in r.out, '%s: no managed-save image' % what,
         r.describe())
    h.eq(d.config_text(VICTIM), config, '%s: the config is byte-identical' % what)
    rearm(d, None)
    h.cmd_ok(d.virsh('start', VICTIM), 'start after the failed managedsave')
    h.cmd_ok(d.virsh('managedsave', VICTIM), 'managedsave works once the fault is gone')

    what = 'start from a managed save, QEMU dies in migrate-incoming'
    rearm(d, '%s:migrate-incoming' % VICTIM)
    r = d.virsh('start', VICTIM)
    c.dead(r, what, 'migrate-incoming')
    r = d.virsh('dominfo', VICTIM)
    h.ok(r.rc == 0 and 'Managed save:   yes' in r.out, '%s: the managed-save image stays'
         % what, r.describe())
    h.eq(d.config_guid(VICTIM), guid, '%s: the GUID is unchanged' % what)
    rearm(d, None)
    h.cmd_ok(d.virsh('start', VICTIM), 'the start from the managed save works once the fault '
             'is gone')
    h.eq(d.qmp_guid(VICTIM), guid, 'it keeps the GUID (managed save keeps it)')
    r = d.virsh('dominfo', VICTIM)
    h.ok(r.rc == 0 and 'Managed save:   no' in r.out, 'and consumes the image', r.describe())


def case_migrate(h, d, t, c):
    config = d.config_text(VICTIM)
    guid = gi.guid_of(config)
    pid = d.qemu_pid(VICTIM)

    what = 'migrate, the destination QEMU dies in migrate-incoming'
    rearm(t, '%s:migrate-incoming' % VICTIM)
    r = d.virsh('migrate', '--live', '--p2p', VICTIM, t.uri, timeout=90)
    h.diag('%s: %s' % (what, ' | '.join(r.err.strip().split('\n'))))
    h.cmd_fails(r, '%s: fails naming the domain and the QMP command' % what,
                ["'%s'" % VICTIM, "'migrate-incoming'"])
    h.ok("dies in 'migrate-incoming'" in t.log_text(), '%s: the hook killed it' % what)
    h.eq(d.qemu_pid(VICTIM), pid, '%s: the source runs on in the same QEMU' % what)
    h.eq(d.qmp_status(VICTIM), 'running', '%s: the source QEMU runs the guest' % what)
    h.eq(d.qmp_guid(VICTIM), guid, '%s: with its GUID' % what)
    h.eq(gi.qemu_pids_by_uuid(c.uid), [pid] if pid else [], '%s: no destination QEMU' % what)
    names = t.names('--all')
    h.ok(names is not None and VICTIM not in names, '%s: the destination has no such domain'
         % what, repr(names))
    h.ok(not os.path.exists(t.status_path(VICTIM)), '%s: no status file on the destination'
         % what)

    what = 'migrate, the source QEMU dies in migrate'
    rearm(t, None)
    rearm(d, '%s:migrate' % VICTIM)
    r = d.virsh('migrate', '--live', '--p2p', VICTIM, t.uri, timeout=90)
    c.dead(r, what, 'migrate')
    h.eq(d.config_text(VICTIM), config, '%s: the source config is byte-identical' % what)
    names = t.names('--all')
    h.ok(names is not None and VICTIM not in names, '%s: the destination has no such domain'
         % what, repr(names))
    h.ok(not os.path.exists(t.status_path(VICTIM)), '%s: no status file on the destination'
         % what)
    h.eq(t.stray_monitors(), [], '%s: no stray monitor socket on the destination' % what)
    rearm(d, None)
    h.cmd_ok(d.virsh('start', VICTIM), 'start after the failed migration')
    h.eq(d.qmp_guid(VICTIM), guid, 'it boots with the same GUID')
    r = d.virsh('migrate', '--live', '--p2p', VICTIM, t.uri, timeout=90)
    h.cmd_ok(r, 'migration works once the fault is gone')
    h.eq(t.qmp_guid(VICTIM), guid, 'the destination runs it with the same GUID')
    t.virsh('destroy', VICTIM)


def main(h):
    disk = os.path.join(h.workdir, 'victim.qcow2')
    h.cmd_ok(h.run(['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '16M']), 'a qcow2 disk')
    d = gi.Daemon(h, label='src')
    t = gi.Daemon(h, label='dst')
    if not (d.start() and t.start()):
        return
    p, _ = h.write_domain('bystander', memory_mib=32)
    h.cmd_ok(d.virsh('define', p), 'define bystander')
    h.cmd_ok(d.virsh('start', 'bystander'), 'start bystander')
    p, uid = h.write_domain(VICTIM, memory_mib=32, disks=[('qcow2', disk)])
    h.cmd_ok(d.virsh('define', p), 'define victim')
    c = Checker(h, d, uid, disk)

    case_start(h, d, c, d.config_text(VICTIM))
    h.cmd_ok(d.virsh('snapshot-create-as', VICTIM, 'running'), 'a running snapshot')
    case_snapshot_save(h, d, c, disk)
    rearm(d, None)
    h.cmd_ok(d.virsh('start', VICTIM), 'start after the failed snapshot')
    case_revert(h, d, c)
    case_save_restore(h, d, c)
    case_managedsave(h, d, c)
    case_migrate(h, d, t, c)

    h.eq(d.qmp_status('bystander'), 'running', 'the other domain ran throughout')
    d.virsh('destroy', 'bystander')
    h.check_no_qemus()
    d.stop()
    t.stop()


if __name__ == '__main__':
    gi.Harness('qemudies', deadline=400).main(main)
