#!/usr/bin/python3
"""Lifecycle on real QEMU through genvirsh, the stock virsh and python3-libvirt.

For each client: define, start, the live XML (id and GUID), the GUID four
ways (genvirsh domgenid, QMP query-vm-generation-id through the client, the
live XML, the config file), dominfo, suspend/resume, reboot, shutdown on a
guest with no OS (returns, the domain keeps running), destroy, start again
(same GUID: a cold boot keeps it, DESIGN.md 2.2).  Then create FILE
(transient) through each client, and autostart across daemon restarts
(QEMU survives the daemon's SIGTERM).
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402


def check_guid_everywhere(h, d, c, name, want, what):
    """domgenid == QMP (through client c) == live XML == config file == want."""
    live = c.dumpxml(name)
    vals = {
        'genvirsh domgenid': d.domgenid(name),
        'QMP query-vm-generation-id via %s' % c.label: c.qmp_guid(name),
        'live XML via %s' % c.label: gi.guid_of(live.out) if live.ok else None,
        'config file': d.config_guid(name),
    }
    bad = {k: v for k, v in vals.items() if v != want}
    return h.ok(not bad, '%s: %s: GUID %s from domgenid, QMP, live XML and config file'
                % (c.label, what, want), 'differing: %r' % bad)


def lifecycle(h, d, c):
    name = 'lc-%s' % c.label.replace('python3-libvirt', 'py')
    path, uid = h.write_domain(name, memory_mib=64, genid='auto')
    h.cmd_ok(c.define(path), '%s: define %s' % (c.label, name))
    guid = d.config_guid(name)
    h.ok(guid is not None and gi.UUID_RE.match(guid), '%s: define stored a GUID in the config file'
         % c.label, 'config: %r' % guid)
    h.eq(gi.file_mode(d.config_path(name)), 0o600, '%s: config file is 0600' % c.label)

    # start
    r = c.start(name)
    h.cmd_ok(r, '%s: start %s (%.2f s)' % (c.label, name, r.elapsed))
    h.eq(c.state(name), 'running (booted)', '%s: state after start' % c.label)
    pids = gi.qemu_pids_by_uuid(uid)
    h.ok(len(pids) == 1, '%s: exactly one QEMU runs with the domain uuid' % c.label,
         'pids: %r' % pids)
    pid = pids[0] if pids else None
    h.eq(d.status_pid(name), pid, '%s: the status file records the QEMU pid' % c.label)
    h.eq(gi.file_mode(d.status_path(name)) if os.path.exists(d.status_path(name)) else None,
         0o600, '%s: status file is 0600' % c.label)
    live = c.dumpxml(name)
    h.cmd_ok(live, '%s: dumpxml of the running domain' % c.label)
    domid = gi.domid_of(live.out)
    h.ok(domid is not None and domid > 0, '%s: the live XML carries a positive id' % c.label,
         live.out[:300])
    r = d.virsh('domid', name)
    h.eq(r.out.strip(), str(domid), '%s: virsh domid equals the id in the live XML' % c.label)
    h.eq(gi.guid_of(live.out), guid, '%s: the live XML shows the GUID' % c.label)
    check_guid_everywhere(h, d, c, name, guid, 'after start')

    info = c.dominfo(name)
    h.ok(info is not None and info.get('State') == 'running',
         '%s: dominfo says running' % c.label, repr(info))
    cpu = gi.cpu_seconds(info)
    if c.label == 'python3-libvirt':
        h.ok(cpu is not None and cpu > 0, '%s: info() reports CPU time > 0 (%r s)'
             % (c.label, cpu), repr(info))
    else:
        h.ok(cpu is not None, '%s: dominfo reports CPU time (%r s)' % (c.label, cpu), repr(info))

    # suspend / resume, checked against QEMU too
    h.cmd_ok(c.suspend(name), '%s: suspend' % c.label)
    h.eq(c.state(name), 'paused (user)', '%s: state after suspend' % c.label)
    h.eq(d.qmp_status(name), 'paused', '%s: QEMU says paused' % c.label)
    h.eq(d.domgenid(name), guid, '%s: GUID kept while paused' % c.label)
    h.cmd_ok(c.resume(name), '%s: resume' % c.label)
    h.eq(c.state(name), 'running (unpaused)', '%s: state after resume' % c.label)
    h.eq(d.qmp_status(name), 'running', '%s: QEMU says running' % c.label)

    # reboot keeps the GUID
    h.cmd_ok(c.reboot(name), '%s: reboot' % c.label)
    st, _ = gi.wait_until(lambda: (c.state(name) or '').startswith('running'), 5)
    h.ok(st, '%s: running after reboot' % c.label, 'state: %r' % c.state(name))
    check_guid_everywhere(h, d, c, name, guid, 'after reboot')

    # shutdown: the guest has no OS and cannot answer ACPI
    r = c.shutdown(name)
    h.ok(r.rc == 0 and r.elapsed < 5.0, '%s: shutdown returns promptly (%.2f s)'
         % (c.label, r.elapsed), r.describe())
    time.sleep(1.5)
    h.ok((c.state(name) or '').startswith('running'),
         '%s: the domain is still running after an unanswered shutdown' % c.label,
         'state: %r' % c.state(name))
    h.ok(pid is not None and gi.pid_alive(pid), '%s: same QEMU still alive' % c.label)
    info = c.dominfo(name)
    h.ok(info is not None and info.get('State') == 'running' and gi.cpu_seconds(info) is not None,
         '%s: dominfo after shutdown: running, CPU time %r s' % (c.label, gi.cpu_seconds(info)),
         repr(info))

    # destroy
    r = c.destroy(name)
    h.cmd_ok(r, '%s: destroy (%.2f s)' % (c.label, r.elapsed))
    h.eq(c.state(name), 'shut off (destroyed)', '%s: state after destroy' % c.label)
    h.eq(d.domstate(name), 'shut off (destroyed)', '%s: virsh domstate --reason after destroy'
         % c.label)
    h.ok(pid is not None and gi.wait_pid_gone(pid, 5), '%s: QEMU pid %s is gone' % (c.label, pid))
    h.ok(not os.path.exists(d.status_path(name)) and not d.stray_monitors(),
         '%s: status file and monitor socket removed' % c.label)
    off = c.dumpxml(name)
    h.ok(off.ok and gi.domid_of(off.out) is None and gi.guid_of(off.out) == guid,
         '%s: inactive XML: no id, same GUID' % c.label, off.out[:400])

    # cold boot: same GUID
    r = c.start(name)
    h.cmd_ok(r, '%s: start again (%.2f s)' % (c.label, r.elapsed))
    pids2 = gi.qemu_pids_by_uuid(uid)
    h.ok(len(pids2) == 1 and pids2[0] != pid, '%s: a new QEMU runs' % c.label,
         'before %r, now %r' % (pid, pids2))
    check_guid_everywhere(h, d, c, name, guid, 'after a cold boot (same GUID)')
    live = c.dumpxml(name)
    id2 = gi.domid_of(live.out)
    h.ok(id2 is not None and id2 > 0, '%s: new live id %r (was %r)' % (c.label, id2, domid))
    h.cmd_ok(c.destroy(name), '%s: destroy again' % c.label)
    h.eq(c.state(name), 'shut off (destroyed)', '%s: shut off (destroyed) again' % c.label)
    if pids2:
        h.ok(gi.wait_pid_gone(pids2[0], 5), '%s: second QEMU gone' % c.label)


def transient(h, d, c, fixed):
    name = 'tr-%s' % c.label.replace('python3-libvirt', 'py')
    before = c.list_all() or []
    path, uid = h.write_domain(name, memory_mib=64, genid=('auto:' + fixed) if fixed else 'auto')
    r = c.create(path)
    h.cmd_ok(r, '%s: create %s (transient, %.2f s)' % (c.label, name, r.elapsed))
    h.eq(c.state(name), 'running (booted)', '%s: transient domain runs' % c.label)
    names = c.list_all() or []
    h.ok(name in names, '%s: list --all shows it' % c.label, repr(names))
    h.ok(not os.path.exists(d.config_path(name)), '%s: no config file for a transient domain'
         % c.label)
    h.ok(os.path.exists(d.status_path(name)), '%s: it has a status file' % c.label)
    pids = gi.qemu_pids_by_uuid(uid)
    h.ok(len(pids) == 1, '%s: one QEMU for it' % c.label, repr(pids))
    live = c.dumpxml(name)
    guid = gi.guid_of(live.out) if live.ok else None
    if fixed:
        h.eq(guid, fixed, '%s: the live XML has the GUID given in the file' % c.label)
    else:
        h.ok(guid is not None, '%s: create generated a GUID (%s)' % (c.label, guid), live.out[:500])
    h.eq(d.domgenid(name), guid, '%s: domgenid equals the live XML' % c.label)
    h.eq(c.qmp_guid(name), guid, '%s: QMP query-vm-generation-id equals the live XML' % c.label)
    r = c.destroy(name)
    h.cmd_ok(r, '%s: destroy the transient domain' % c.label)
    gone, el = gi.wait_until(lambda: name not in (c.list_all() or [name]), 3)
    h.ok(gone, '%s: it disappears from list --all (%.2f s)' % (c.label, el),
         'list: %r' % c.list_all())
    h.eq(c.list_all(), sorted(before), '%s: list --all as before the create' % c.label)
    h.ok(all(gi.wait_pid_gone(p, 5) for p in pids), '%s: its QEMU is gone' % c.label)
    h.ok(not os.path.exists(d.status_path(name)) and not d.stray_monitors()
         and not os.path.exists(d.config_path(name)),
         '%s: no status file, monitor socket or config left' % c.label)


def autostart(h, d, clients):
    gv, vs, py = clients
    doms = {}
    for n in ('as-1', 'as-2', 'as-3'):
        path, uid = h.write_domain(n, memory_mib=64, genid='auto')
        h.cmd_ok(gv.define(path), 'autostart: define %s' % n)
        doms[n] = uid
    h.cmd_ok(gv.autostart('as-1'), 'autostart: genvirsh autostart as-1')
    h.cmd_ok(vs.autostart('as-2'), 'autostart: virsh autostart as-2')
    h.cmd_ok(py.autostart('as-2', False), 'autostart: python3-libvirt setAutostart(0) as-2')
    h.cmd_ok(py.autostart('as-3'), 'autostart: python3-libvirt setAutostart(1) as-3')
    want = {'as-1': 'enable', 'as-2': 'disable', 'as-3': 'enable'}
    for c in clients:
        got = {n: (c.dominfo(n) or {}).get('Autostart') for n in doms}
        h.eq(got, want, 'autostart: %s reports the autostart flags' % c.label)

    guids = {n: d.config_guid(n) for n in doms}
    for n in doms:
        h.cmd_ok(gv.start(n), 'autostart: start %s' % n)
    pids = {n: d.status_pid(n) for n in doms}
    h.ok(all(pids[n] and gi.pid_alive(pids[n]) for n in doms), 'autostart: three QEMUs run',
         repr(pids))

    # the daemon stops; the domains keep running
    py.close()
    d.stop()
    time.sleep(0.5)
    alive = {n: gi.pid_alive(pids[n]) for n in doms}
    h.ok(all(alive.values()), 'autostart: every QEMU survives the daemon\'s SIGTERM', repr(alive))

    d.start()
    ok, el = gi.wait_until(lambda: d.names() == sorted(doms), 10, 0.05)
    h.ok(ok, 'autostart: after restart all three run (%.2f s)' % el, repr(d.names()))
    h.eq({n: d.status_pid(n) for n in doms}, pids, 'autostart: same QEMU pids after restart')
    h.eq({n: d.domgenid(n) for n in doms}, guids, 'autostart: same GUIDs (domgenid) after restart')
    h.eq({n: d.qmp_guid(n) for n in doms}, guids, 'autostart: same GUIDs (QMP) after restart')
    for n in doms:
        h.cmd_ok(d.virsh('destroy', n), 'autostart: destroy %s via the restarted daemon' % n)
    h.ok(all(gi.wait_pid_gone(pids[n], 5) for n in doms), 'autostart: their QEMUs are gone')
    h.eq(d.names(), [], 'autostart: nothing runs')
    d.stop()

    d.start()
    ok, el = gi.wait_until(lambda: d.names() == ['as-1', 'as-3'], 10, 0.1)
    h.ok(ok, 'autostart: the daemon started as-1 and as-3 (autostart), not as-2 (%.2f s)' % el,
         'running: %r' % d.names())
    h.eq(d.domstate('as-1'), 'running (booted)', 'autostart: as-1 running (booted)')
    h.ok((d.domstate('as-2') or '').startswith('shut off'), 'autostart: as-2 shut off',
         repr(d.domstate('as-2')))
    for n in ('as-1', 'as-3'):
        h.eq(d.domgenid(n), guids[n], 'autostart: %s keeps its GUID (domgenid)' % n)
        h.eq(d.qmp_guid(n), guids[n], 'autostart: %s keeps its GUID (QMP)' % n)
        p = gi.qemu_pids_by_uuid(doms[n])
        h.ok(len(p) == 1 and p[0] != pids[n] and d.status_pid(n) == p[0],
             'autostart: %s runs in a new QEMU recorded in its status file' % n, repr(p))
    for n in ('as-1', 'as-3'):
        h.cmd_ok(d.virsh('destroy', n), 'autostart: destroy %s' % n)


def main(h):
    d = gi.Daemon(h)
    if not d.start():
        return
    gv, vs = gi.Genvirsh(d), gi.Virsh(d)
    py = gi.Py(d)
    clients = (gv, vs, py)
    for c in clients:
        lifecycle(h, d, c)

    # genvirsh destroy --graceful
    path, uid = h.write_domain('lc-graceful', memory_mib=64, genid='legacy')
    h.cmd_ok(gv.define(path), 'graceful: define')
    h.cmd_ok(gv.start('lc-graceful'), 'graceful: start')
    r = d.genvirsh('destroy', '--graceful', 'lc-graceful')
    h.cmd_ok(r, 'graceful: genvirsh destroy --graceful (%.2f s)' % r.elapsed)
    h.eq(d.domstate('lc-graceful'), 'shut off (destroyed)', 'graceful: shut off (destroyed)')
    h.eq(gi.qemu_pids_by_uuid(uid), [], 'graceful: QEMU gone')

    # destroy returns once QEMU is gone (as libvirt's does: the next start
    # may need what the old process holds, e.g. image locks)
    py2 = gi.Py(d)
    dom = py2.dom('lc-graceful')
    still = []
    for i in range(15):
        dom.create()
        pid = d.status_pid('lc-graceful')
        dom.destroy()
        if pid and gi.pid_alive(pid):
            still.append((pid, gi.proc_state(pid)))
        if pid:
            gi.wait_pid_gone(pid, 5)
    h.ok(not still, 'destroy returns only once the QEMU process has exited (15 cycles)',
         'QEMU processes still there (pid, state) right after destroy returned: %r' % still)
    py2.close()

    transient(h, d, gv, None)
    transient(h, d, vs, h.new_uuid())
    transient(h, d, py, None)

    autostart(h, d, clients)
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('lifecycle', deadline=300).main(main)
