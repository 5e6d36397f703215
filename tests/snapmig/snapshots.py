#!/usr/bin/python3
"""Internal snapshots on real QEMU (DESIGN.md 2.2, 2.3 and 6).

- Revert while running: a fresh QEMU (the pid changes, the old one is gone),
  a new GUID that QEMU reports (genvirsh domgenid and QMP through virsh),
  that the live XML and the config file carry, that differs from the value
  before and from the one recorded in the snapshot; a second revert to the
  same snapshot gives yet another value never seen before.
- A paused snapshot reverts to 'paused'; --running overrides.
- Revert to a snapshot taken while shut off: the config GUID changes, the
  domain stays off (also when it was running), the next start shows the new
  GUID in QEMU.
- auto='no': the value stays, genvirsh warns on stderr.
- snapshot-list (virsh and genvirsh byte for byte), snapshot-info,
  snapshot-current --name, the parent/child tree, delete --children
  (metadata and the qcow2's internal snapshots), --children-only,
  --metadata.
- A raw disk: snapshot-create-as is refused, naming the disk.
- undefine of a shut-off domain with snapshots is refused;
  undefine --snapshots-metadata works.
- A daemon restart keeps the snapshot metadata.
"""

import os
import re
import shutil
import stat
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvsm  # noqa: E402


check_guid = gvsm.check_guid


def snap_xml(d, dom, snap):
    r = d.virsh('snapshot-dumpxml', dom, snap)
    return r.out if r.rc == 0 else ''


def tag(xml, name):
    m = re.search(r'<%s>([^<]*)</%s>' % (name, name), xml)
    return m.group(1) if m else None


def snap_files(d, dom):
    """The metadata files of @dom's snapshots (not genvirt's hidden spare
    temporary files, see src/util/gvfile.c)."""
    try:
        return sorted(n for n in os.listdir(os.path.join(d.snapdir, dom))
                      if not n.startswith('.'))
    except OSError:
        return []


def qemu_stopped(d, name):
    """QEMU has the guest loaded but not running (a -S QEMU that loaded a
    snapshot reports 'prelaunch', a stopped one 'paused')."""
    a = d.qmp(name, {'execute': 'query-status'})
    try:
        return a['return']['running'] is False and a['return']['status'] in ('paused',
                                                                              'prelaunch')
    except (TypeError, KeyError):
        return False


def running_revert(h, d, name, uid, disk):
    """Revert while running, twice; returns the snapshot's GUID."""
    r = d.virsh('start', name)
    h.cmd_ok(r, 'start %s' % name)
    g0 = d.config_guid(name)
    h.ok(g0 and gvsm.UUID_RE.match(g0), 'define stored a GUID', repr(g0))
    check_guid(h, d, name, g0, 'after start')

    r = d.virsh('snapshot-create-as', name, 's1', '--description', 'first snapshot')
    h.cmd_ok(r, 'virsh snapshot-create-as %s s1 (running, %.2f s)' % (name, r.elapsed))
    h.eq(r.out.strip(), 'Domain snapshot s1 created', 'virsh reports the snapshot created')
    st = d.domstate(name) or ''
    # libvirt resumes after an internal snapshot with reason 'unpaused'
    h.ok(st in ('running (booted)', 'running (unpaused)'),
         'the domain still runs after the snapshot (%s)' % st)
    xml = snap_xml(d, name, 's1')
    gs = gvsm.guid_of(xml)
    h.eq(tag(xml, 'name'), 's1', 'snapshot-dumpxml: <name>')
    h.eq(tag(xml, 'description'), 'first snapshot', 'snapshot-dumpxml: <description>')
    h.eq(tag(xml, 'state'), 'running', 'snapshot-dumpxml: <state> running')
    ct = tag(xml, 'creationTime')
    h.ok(ct is not None and abs(int(ct) - time.time()) < 120,
         'snapshot-dumpxml: <creationTime> is now (%s)' % ct, xml[:600])
    h.ok('<parent>' not in xml, 'the first snapshot has no parent', xml[:600])
    h.eq(gs, g0, "the snapshot's domain XML records the GUID of that time")
    h.eq(h.img_snapshots(disk), ['s1'], 'the qcow2 holds the internal snapshot s1')
    h.eq(snap_files(d, name), ['current', 's1.xml'],
         'metadata in var/lib/genvirt/snapshots/%s/' % name)

    seen = {g0, gs}
    prev = g0
    for i, cli in ((1, 'virsh'), (2, 'genvirsh')):
        pid0 = d.qemu_pid(name)
        w = gvsm.OverlapWatch(d.proc.pid, pid0, uid)
        w.start()
        if cli == 'virsh':
            r = d.virsh('snapshot-revert', name, 's1')
        else:
            r = d.genvirsh('snapshot-revert', name, 's1')
        ov = w.finish()
        h.ok(ov is None, 'revert %d: the old QEMU was gone before the new one started' % i,
             'old QEMU %s still alive while new QEMU %s ran' % ov if ov else None)
        h.cmd_ok(r, 'revert %d (%s snapshot-revert %s s1, running, %.2f s)'
                 % (i, cli, name, r.elapsed))
        if cli == 'genvirsh':
            h.eq(r.out.strip(), 'Domain snapshot s1 reverted', 'genvirsh reports the revert')
            h.ok('warning' not in r.err, 'genvirsh prints no warning for auto=yes', r.err)
        pid1 = d.qemu_pid(name)
        h.ok(pid0 and pid1 and pid1 != pid0,
             'revert %d: a new QEMU (pid %s -> %s)' % (i, pid0, pid1))
        h.ok(pid0 and not gvsm.pid_alive(pid0), 'revert %d: the old QEMU %s is gone' % (i, pid0))
        h.eq(gvsm.qemu_pids_by_uuid(uid), [pid1] if pid1 else [],
             'revert %d: exactly one QEMU runs the domain' % i)
        h.eq(d.domstate(name), 'running (from snapshot)', 'revert %d: state' % i)
        h.eq(d.qmp_status(name), 'running', 'revert %d: QEMU runs the guest' % i)
        g = d.qmp_guid(name)
        check_guid(h, d, name, g, 'revert %d' % i)
        h.ok(g and g != prev, 'revert %d: the GUID changed (%s -> %s)' % (i, prev, g))
        h.ok(g and g != gs, "revert %d: the GUID is not the snapshot's %s" % (i, gs))
        h.ok(g and g not in seen, 'revert %d: a GUID never seen before' % i,
             'seen: %r' % sorted(seen))
        seen.add(g)
        prev = g
    h.eq(gvsm.guid_of(snap_xml(d, name, 's1')), gs, "the snapshot's recorded GUID is unchanged")
    back_to_back(h, d, name, uid, 's1', 6, seen)
    slow_exit(h, d, name, uid, 's1')
    return gs


def slow_exit(h, d, name, uid, snap):
    """A revert while the old QEMU is slow to exit.  QEMU unlinks the path of
    its listening monitor socket as its last act (after it closed the
    monitor connection); strace delays that unlink by 0.3 s, the way a busy
    host may.  The old QEMU must be gone before the new one starts (DESIGN.md
    6), so the new QEMU's monitor socket, at the same path, must survive."""
    if not shutil.which('strace'):
        h.skip('revert while the old QEMU exits slowly', 'no strace')
        return
    old = d.qemu_pid(name)
    out = os.path.join(h.workdir, 'strace-%d.out' % old)
    st = subprocess.Popen(['strace', '-q', '-f', '-p', str(old), '-o', out,
                           '-e', 'trace=unlink,unlinkat',
                           '-e', 'inject=unlink,unlinkat:delay_enter=300000'],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    h.at_cleanup(lambda: st.poll() is None and (st.kill(), st.wait(5)), 'strace')

    def traced():
        m = re.search(r'^TracerPid:\s+(\d+)', gvsm.read_text('/proc/%d/status' % old), re.M)
        return m and int(m.group(1)) != 0
    if not gvsm.wait_until(traced, 10)[0]:
        h.skip('revert while the old QEMU exits slowly', 'strace did not attach')
        return
    w = gvsm.OverlapWatch(d.proc.pid, old, uid)
    w.start()
    r = d.virsh('snapshot-revert', name, snap, timeout=45)
    ov = w.finish()
    h.cmd_ok(r, 'revert while the old QEMU %d exits slowly (%.2f s)' % (old, r.elapsed))
    h.ok(ov is None, 'slow exit: the old QEMU was gone before the new one started',
         'old QEMU %s still alive while new QEMU %s ran' % ov if ov else None)
    gone = gvsm.wait_pid_gone(old, 5)
    try:
        st.wait(timeout=5)
    except subprocess.TimeoutExpired:
        st.kill()
        st.wait(5)
    # each QEMU has a monitor path of its own: the status file names it
    import re as _re
    with open(os.path.join(d.qemudir, name + '.xml')) as f:
        mon = _re.search(r"monitor='([^']*)'", f.read()).group(1)
    h.ok(gone and os.path.exists(mon) and stat.S_ISSOCK(os.lstat(mon).st_mode),
         "slow exit: the new QEMU's monitor socket %s is still there once the old QEMU is gone"
         % os.path.basename(mon),
         'old QEMU gone: %s; %s exists: %s; old QEMU unlinks:\n%s'
         % (gone, mon, os.path.exists(mon),
            ''.join(l for l in open(out) if 'unlink' in l) if os.path.exists(out) else ''))
    g = d.qmp_guid(name)
    check_guid(h, d, name, g, 'slow exit revert')


def back_to_back(h, d, name, uid, snap, count, seen):
    """@count reverts in a row: each one a fresh QEMU started only after the
    old one is gone, each one a GUID never seen before."""
    failures = []
    overlaps = []
    times = []
    for i in range(count):
        pid0 = d.qemu_pid(name)
        w = gvsm.OverlapWatch(d.proc.pid, pid0, uid)
        w.start()
        r = d.virsh('snapshot-revert', name, snap, timeout=45)
        ov = w.finish()
        times.append(r.elapsed)
        if ov:
            overlaps.append(ov)
        g = d.qmp_guid(name)
        pid1 = d.qemu_pid(name)
        if not r.ok or not pid1 or pid1 == pid0 or not g or g in seen or \
                d.config_guid(name) != g:
            failures.append('revert %d: pid %s -> %s, GUID %s (config %s)\n%s\n%s'
                            % (i + 1, pid0, pid1, g, d.config_guid(name), r.describe(),
                               d.log_tail(8)))
            break
        seen.add(g)
    h.ok(not failures, '%d reverts in a row to %s each start a fresh QEMU with a new GUID '
         '(%s s)' % (count, snap, ' '.join('%.2f' % t for t in times)), '\n'.join(failures))
    h.ok(not overlaps, '%d reverts in a row: never an old and a new QEMU at once' % count,
         'overlapping (old, new) QEMU pids: %r' % overlaps)
    if failures:
        # go on from a running domain
        if not d.qemu_pid(name):
            d.virsh('start', name)


def tree(h, d, name, disk):
    """s1 (current) -> s2 -> s3; list, info, current, compare the CLIs."""
    for s, parent in (('s2', 's1'), ('s3', 's2')):
        r = d.genvirsh('snapshot-create-as', name, s)
        h.cmd_ok(r, 'genvirsh snapshot-create-as %s %s' % (name, s))
        m = re.search(r'<parent>\s*<name>([^<]*)</name>', snap_xml(d, name, s))
        h.eq(m.group(1) if m else None, parent, '%s has parent %s' % (s, parent))
    for cli in ('virsh', 'genvirsh'):
        r = getattr(d, cli)('snapshot-current', '--name', name)
        h.eq(r.out.strip() if r.ok else r.describe(), 's3', '%s snapshot-current --name' % cli)

    for args in ((), ('--name',)):
        v = d.virsh('snapshot-list', name, *args)
        g = d.genvirsh('snapshot-list', name, *args)
        h.cmd_ok(v, 'virsh snapshot-list %s %s' % (name, ' '.join(args)))
        h.ok(v.ok and g.ok and v.out == g.out,
             '%s: genvirsh and virsh print the same bytes' % ' '.join(('snapshot-list',) + args),
             'virsh:\n%s\ngenvirsh:\n%s' % (v.out, g.describe()))
    v = d.virsh('snapshot-list', name)
    rows = [l.split() for l in v.out.split('\n')[2:] if l.strip()]
    h.eq([(r[0], r[-1]) for r in rows], [('s1', 'running'), ('s2', 'running'),
                                         ('s3', 'running')],
         'snapshot-list: names and states, oldest first', v.out)
    r = d.virsh('snapshot-list', name, '--tree')
    h.eq(r.out.rstrip(), 's1\n  |\n  +- s2\n      |\n      +- s3', 'virsh snapshot-list --tree',
         r.describe())
    r = d.virsh('snapshot-list', name, '--parent')
    h.ok(r.ok and re.search(r'^ s2 .* s1\s*$', r.out, re.M) and
         re.search(r'^ s3 .* s2\s*$', r.out, re.M),
         'virsh snapshot-list --parent shows s1 <- s2 <- s3', r.describe())
    r = d.virsh('snapshot-list', name, '--roots', '--name')
    h.eq(r.out.split(), ['s1'], 'virsh snapshot-list --roots', r.describe())
    r = d.virsh('snapshot-list', name, '--leaves', '--name')
    h.eq(r.out.split(), ['s3'], 'virsh snapshot-list --leaves', r.describe())
    r = d.virsh('snapshot-list', name, '--from', 's1', '--descendants', '--name')
    h.eq(sorted(r.out.split()), ['s2', 's3'], 'virsh snapshot-list --from s1 --descendants',
         r.describe())

    for s, want in (('s1', {'Current': 'no', 'Parent': '-', 'Children': '1',
                            'Descendants': '2', 'State': 'running'}),
                    ('s3', {'Current': 'yes', 'Parent': 's2', 'Children': '0',
                            'Descendants': '0', 'State': 'running'})):
        v = d.virsh('snapshot-info', name, s)
        g = d.genvirsh('snapshot-info', name, s)
        info = dict((k.strip(), val.strip()) for k, val in
                    (l.split(':', 1) for l in v.out.split('\n') if ':' in l))
        h.eq({k: info.get(k) for k in want}, want, 'virsh snapshot-info %s' % s, v.describe())
        h.eq(g.out, v.out, 'snapshot-info %s: genvirsh prints what virsh prints' % s,
             g.describe())

    h.eq(sorted(h.img_snapshots(disk)), ['s1', 's2', 's3'], 'the qcow2 holds s1, s2, s3')
    r = d.virsh('snapshot-delete', name, 's2', '--children')
    h.cmd_ok(r, 'virsh snapshot-delete %s s2 --children' % name)
    h.eq(d.virsh('snapshot-list', name, '--name').out.split(), ['s1'],
         'only s1 is left')
    h.eq(snap_files(d, name), ['current', 's1.xml'], 'the metadata of s2 and s3 is gone')
    h.eq(h.img_snapshots(disk), ['s1'], "s2 and s3 are gone from the qcow2 too")
    r = d.virsh('snapshot-current', '--name', name)
    h.eq(r.out.strip(), 's1', 'the current snapshot moved up to s1', r.describe())
    r = d.virsh('snapshot-info', name, 's1')
    h.ok(re.search(r'^Children:\s+0$', r.out, re.M), 's1 has no children left', r.describe())

    # --children-only and --metadata
    h.cmd_ok(d.virsh('snapshot-create-as', name, 's4'), 'snapshot s4 (child of s1)')
    r = d.virsh('snapshot-delete', name, 's1', '--children-only')
    h.cmd_ok(r, 'virsh snapshot-delete s1 --children-only')
    h.eq(d.virsh('snapshot-list', name, '--name').out.split(), ['s1'],
         '--children-only deleted s4 and kept s1')
    h.eq(h.img_snapshots(disk), ['s1'], 's4 is gone from the qcow2')
    h.cmd_ok(d.virsh('snapshot-create-as', name, 's5'), 'snapshot s5')
    r = d.virsh('snapshot-delete', name, 's5', '--metadata')
    h.cmd_ok(r, 'virsh snapshot-delete s5 --metadata')
    h.eq(d.virsh('snapshot-list', name, '--name').out.split(), ['s1'], 's5 metadata is gone')
    h.eq(sorted(h.img_snapshots(disk)), ['s1', 's5'],
         '--metadata leaves the internal snapshot s5 in the qcow2')
    r = d.virsh('snapshot-info', name, 's5')
    h.cmd_fails(r, 'snapshot-info of a deleted snapshot fails', ['s5'])


def paused(h, d, name):
    h.cmd_ok(d.virsh('suspend', name), 'suspend %s' % name)
    r = d.virsh('snapshot-create-as', name, 'sp')
    h.cmd_ok(r, 'snapshot of the paused domain')
    h.eq(tag(snap_xml(d, name, 'sp'), 'state'), 'paused', 'snapshot sp: <state> paused')
    h.eq(d.domstate(name), 'paused (user)', 'still paused after the snapshot')
    h.cmd_ok(d.virsh('resume', name), 'resume')
    g0 = d.qmp_guid(name)
    pid0 = d.qemu_pid(name)
    r = d.virsh('snapshot-revert', name, 'sp')
    h.cmd_ok(r, 'revert to the paused snapshot')
    h.eq(d.domstate(name), 'paused (from snapshot)', 'revert to a paused snapshot: paused')
    h.ok(qemu_stopped(d, name), 'QEMU has the guest stopped', repr(d.qmp(name, {'execute': 'query-status'})))
    pid1 = d.qemu_pid(name)
    h.ok(pid1 and pid1 != pid0, 'a new QEMU (%s -> %s)' % (pid0, pid1))
    g1 = d.qmp_guid(name)
    check_guid(h, d, name, g1, 'paused revert')
    h.ok(g1 and g1 != g0, 'paused revert: new GUID')
    r = d.genvirsh('snapshot-revert', name, 'sp', '--running')
    h.cmd_ok(r, 'genvirsh snapshot-revert sp --running')
    h.eq(d.domstate(name), 'running (from snapshot)', '--running overrides the paused state')
    h.eq(d.qmp_status(name), 'running', 'QEMU says running')
    g2 = d.qmp_guid(name)
    check_guid(h, d, name, g2, '--running revert')
    h.ok(g2 and g2 not in (g0, g1), '--running revert: new GUID')
    r = d.virsh('snapshot-revert', name, 's1', '--paused')
    h.cmd_ok(r, 'virsh snapshot-revert s1 --paused (a running snapshot)')
    h.eq(d.domstate(name), 'paused (from snapshot)', '--paused keeps a running snapshot paused')
    h.ok(qemu_stopped(d, name), 'QEMU has the guest stopped', repr(d.qmp(name, {'execute': 'query-status'})))
    g3 = d.qmp_guid(name)
    check_guid(h, d, name, g3, '--paused revert')
    h.ok(g3 and g3 not in (g0, g1, g2), '--paused revert: new GUID')
    h.cmd_ok(d.virsh('resume', name), 'resume')


def shutoff(h, d, name, uid, disk):
    h.cmd_ok(d.virsh('destroy', name), 'destroy %s' % name)
    gc = d.config_guid(name)
    r = d.virsh('snapshot-create-as', name, 'off1')
    h.cmd_ok(r, 'snapshot of the shut-off domain')
    xml = snap_xml(d, name, 'off1')
    h.eq(tag(xml, 'state'), 'shutoff', 'snapshot off1: <state> shutoff')
    h.eq(gvsm.guid_of(xml), gc, 'off1 records the config GUID')
    h.ok('off1' in (h.img_snapshots(disk) or []), 'qemu-img snapshot -c made off1 in the qcow2')
    for args in ((), ('--name',)):
        v = d.virsh('snapshot-list', name, *args)
        g = d.genvirsh('snapshot-list', name, *args)
        h.ok(v.ok and g.ok and v.out == g.out,
             '%s (off1 is the newest, first by name): genvirsh and virsh print '
             'the same bytes' % ' '.join(('snapshot-list',) + args),
             'virsh:\n%s\ngenvirsh:\n%s' % (v.out, g.describe()))
    r = d.virsh('snapshot-revert', name, 'off1')
    h.cmd_ok(r, 'revert to the shut-off snapshot')
    h.eq(d.domstate(name), 'shut off (from snapshot)', 'the domain stays off')
    h.eq(gvsm.qemu_pids_by_uuid(uid), [], 'no QEMU was started')
    g1 = d.config_guid(name)
    h.ok(g1 and g1 not in (gc,), 'the config GUID changed (%s -> %s)' % (gc, g1))
    h.eq(gvsm.guid_of(d.live_xml(name)), g1, 'dumpxml of the shut-off domain shows it')
    h.cmd_ok(d.virsh('start', name), 'start after the shut-off revert')
    check_guid(h, d, name, g1, 'the next start')

    # a running domain reverted to a shut-off snapshot stops
    pid = d.qemu_pid(name)
    r = d.genvirsh('snapshot-revert', name, 'off1')
    h.cmd_ok(r, 'revert the running domain to the shut-off snapshot')
    h.eq(d.domstate(name), 'shut off (from snapshot)', 'it is shut off')
    h.ok(pid and gvsm.wait_pid_gone(pid, 5), 'its QEMU %s is gone' % pid)
    g2 = d.config_guid(name)
    h.ok(g2 and g2 not in (gc, g1), 'the config GUID changed again, never seen before')
    h.cmd_ok(d.virsh('start', name), 'start')
    check_guid(h, d, name, g2, 'start after the second shut-off revert')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')


def fixed(h, d):
    name = 'snap-fixed'
    value = gvsm.new_guid()
    path, uid = h.write_domain(name, genid='fixed:' + value)
    h.cmd_ok(d.virsh('define', path), 'define %s (auto=no)' % name)
    h.cmd_ok(d.virsh('start', name), 'start %s' % name)
    sx = gvsm.write_file(os.path.join(h.workdir, 'f1.xml'),
                         '<domainsnapshot>\n  <name>f1</name>\n'
                         '  <description>from XML</description>\n</domainsnapshot>\n')
    r = d.virsh('snapshot-create', name, sx)
    h.cmd_ok(r, 'virsh snapshot-create %s FILE (snapshot f1 from XML)' % name)
    h.eq(tag(snap_xml(d, name, 'f1'), 'description'), 'from XML', 'f1 has the description')
    for cli in ('genvirsh', 'virsh'):
        pid0 = d.qemu_pid(name)
        r = getattr(d, cli)('snapshot-revert', name, 'f1')
        h.cmd_ok(r, 'auto=no: %s snapshot-revert succeeds' % cli)
        if cli == 'genvirsh':
            h.ok('warning' in r.err and name in r.err and "auto='no'" in r.err,
                 'auto=no: genvirsh warns on stderr that the guest was not told', r.describe())
            h.eq(r.out.strip(), 'Domain snapshot f1 reverted', 'genvirsh: stdout unchanged')
        pid1 = d.qemu_pid(name)
        h.ok(pid1 and pid1 != pid0, 'auto=no: still a fresh QEMU (%s -> %s)' % (pid0, pid1))
        check_guid(h, d, name, value, 'auto=no after %s revert: the value is kept' % cli)
    h.ok(re.search(r"snap-fixed.*(auto='no'|fixed)", d.log_text()),
         'the daemon log notes the revert without telling the guest')
    h.cmd_ok(d.virsh('destroy', name), 'destroy %s' % name)
    # undefine without a daemon restart in between
    h.cmd_fails(d.virsh('undefine', name), 'undefine %s (1 snapshot) is refused' % name,
                ['snapshots'])
    h.cmd_ok(d.virsh('undefine', name, '--snapshots-metadata'),
             'undefine --snapshots-metadata %s' % name)
    h.eq(snap_files(d, name), [], 'no snapshot metadata of %s is left' % name)
    left = os.path.exists(os.path.join(d.snapdir, name))
    h.ok(not left, 'its snapshot directory is gone',
         'left: %r' % (sorted(os.listdir(os.path.join(d.snapdir, name))) if left else None))


def raw(h, d):
    name = 'snap-raw'
    img = h.image(name, fmt='raw')
    path, uid = h.write_domain(name, disks=[('raw', img)])
    h.cmd_ok(d.virsh('define', path), 'define %s (raw disk)' % name)
    r = d.virsh('snapshot-create-as', name, 'r1')
    h.cmd_fails(r, 'shut off: snapshot-create-as is refused, naming the disk and its format',
                ['vda', 'raw', 'qcow2'])
    h.cmd_ok(d.virsh('start', name), 'start %s' % name)
    r = d.genvirsh('snapshot-create-as', name, 'r1')
    h.cmd_fails(r, 'running: genvirsh snapshot-create-as is refused, naming the disk',
                ['vda', 'raw', 'qcow2'])
    h.diag('error: ' + (r.err.strip() or r.out.strip()))
    h.eq(d.virsh('snapshot-list', name, '--name').out.strip(), '', 'no snapshot metadata')
    h.eq(snap_files(d, name), [], 'no metadata file')
    h.eq(d.domstate(name), 'running (booted)', 'the domain keeps running')
    h.cmd_ok(d.virsh('destroy', name), 'destroy %s' % name)


def restart_and_undefine(h, d, name, uid):
    before = {
        'list': d.virsh('snapshot-list', name).out,
        'list --parent': d.virsh('snapshot-list', name, '--parent').out,
        'tree': d.virsh('snapshot-list', name, '--tree').out,
        'current': d.virsh('snapshot-current', '--name', name).out,
        'dumpxml s1': d.virsh('snapshot-dumpxml', name, 's1').out,
        'dumpxml off1': d.virsh('snapshot-dumpxml', name, 'off1').out,
    }
    h.ok(before['list'].count('\n') >= 4, 'snapshot-list before the restart has rows',
         before['list'])
    d.stop()
    d.start()
    after = {
        'list': d.virsh('snapshot-list', name).out,
        'list --parent': d.virsh('snapshot-list', name, '--parent').out,
        'tree': d.virsh('snapshot-list', name, '--tree').out,
        'current': d.virsh('snapshot-current', '--name', name).out,
        'dumpxml s1': d.virsh('snapshot-dumpxml', name, 's1').out,
        'dumpxml off1': d.virsh('snapshot-dumpxml', name, 'off1').out,
    }
    for k in before:
        h.eq(after[k], before[k], 'daemon restart: %s is the same' % k)
    g = d.genvirsh('snapshot-list', name)
    h.eq(g.out, after['list'], 'after the restart genvirsh snapshot-list matches virsh too')

    # undefine
    n = len(after['list'].strip().split('\n')) - 2
    r = d.virsh('undefine', name)
    h.cmd_fails(r, 'undefine of a shut-off domain with snapshots is refused', ['snapshots'])
    h.ok(os.path.exists(d.config_path(name)) and name in (d.names('--all') or []),
         'the domain is still defined')
    h.eq(d.virsh('snapshot-list', name).out, after['list'], 'its snapshots are all still there')
    r = d.virsh('undefine', name, '--snapshots-metadata')
    h.cmd_ok(r, 'undefine --snapshots-metadata works (%d snapshots)' % n)
    h.ok(name not in (d.names('--all') or []) and not os.path.exists(d.config_path(name)),
         'the domain is gone')
    h.ok(not os.path.exists(os.path.join(d.snapdir, name)), 'its snapshot metadata is gone',
         repr(snap_files(d, name)))


def main(h):
    d = gvsm.Daemon(h, label='snapd')
    if not d.start():
        return
    name = 'snap-a'
    disk = h.image(name)
    path, uid = h.write_domain(name, disks=[('qcow2', disk)])
    h.cmd_ok(d.virsh('define', path), 'define %s' % name)
    t = time.monotonic()
    running_revert(h, d, name, uid, disk)
    tree(h, d, name, disk)
    paused(h, d, name)
    shutoff(h, d, name, uid, disk)
    h.diag('snapshot scenarios of %s: %.1f s' % (name, time.monotonic() - t))
    fixed(h, d)
    raw(h, d)
    restart_and_undefine(h, d, name, uid)
    h.ok(d.serving(), 'the daemon still serves')
    d.stop()
    h.eq(h.our_qemus(), [], 'no QEMU of ours is left running')


if __name__ == '__main__':
    gvsm.Harness('snapshots', deadline=180).main(main)
