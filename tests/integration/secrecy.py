#!/usr/bin/python3
"""The GUID is a secret (DESIGN.md 2.3, 2.5), checked on real QEMU.

- never on QEMU's command line (/proc/PID/cmdline) nor in its environment;
- never in the domain log nor in the daemon's stderr (--verbose), after
  start, domgenid, qemu-monitor-command, suspend/resume, reboot, destroy, a
  daemon restart (reconnect), a QEMU crash;
- on disk only in the config and status files, both 0600 in 0700 directories;
- read-only connections (the -ro socket, and the read-only flag on the rw
  socket): virsh, python3-libvirt and genvirsh cannot start, destroy,
  suspend or send monitor commands, see no GUID in dumpxml (and are refused
  the secure flag), and `genvirsh -r domgenid` is refused.
"""

import os
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402


def no_guid(h, text, guids, desc):
    found = {g: gi.contains_guid(text, g) for g in guids}
    found = {g: f for g, f in found.items() if f}
    return h.ok(not found, desc, 'GUID forms found: %r' % found)


def check_proc(h, d, name, uid, guids):
    pids = gi.qemu_pids_by_uuid(uid)
    h.ok(len(pids) == 1, '%s: one QEMU' % name, repr(pids))
    for pid in pids:
        cmd = b'\0'.join(gi.proc_cmdline(pid))
        h.ok(b'-readconfig' in cmd, '%s: QEMU reads its genid config from a file descriptor'
             % name, cmd.decode(errors='replace'))
        no_guid(h, cmd, guids, '%s: no GUID in /proc/%d/cmdline' % (name, pid))
        no_guid(h, gi.proc_environ(pid), guids, '%s: no GUID in /proc/%d/environ' % (name, pid))
    return pids


def files_with_guid(root, guid):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for f in filenames:
            p = os.path.join(dirpath, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            try:
                if gi.contains_guid(gi.read_bytes(p), guid):
                    out.append(p)
            except OSError:
                pass
    return sorted(out)


def readonly_checks(h, d, names, guids, uri_desc, virsh_ro, gv_ro, py_ro):
    """Every refusal on a read-only connection; states unchanged."""
    run, off = names
    st_run, st_off = d.domstate(run), d.domstate(off)
    for c in (virsh_ro, gv_ro, py_ro):
        lbl = '%s %s' % (c.label, uri_desc)
        h.cmd_fails(c.start(off), '%s: start refused' % lbl)
        h.cmd_fails(c.destroy(run), '%s: destroy refused' % lbl)
        h.cmd_fails(c.suspend(run), '%s: suspend refused' % lbl)
        h.cmd_fails(c.shutdown(run), '%s: shutdown refused' % lbl)
        h.cmd_fails(c.reboot(run), '%s: reboot refused' % lbl)
        h.eq(c.qmp_guid(run), None, '%s: qemu-monitor-command refused' % lbl)
        for n in names:
            r = c.dumpxml(n)
            h.ok(r.ok and "<guid auto='yes'/>" in r.out, "%s: dumpxml %s shows <guid auto='yes'/>"
                 % (lbl, n), r.describe())
            no_guid(h, r.out + r.err, guids, '%s: dumpxml %s has no GUID' % (lbl, n))
        st = c.state(run)
        h.ok(st is not None and st.startswith('running'), '%s: domstate works read-only (%s)'
             % (lbl, st))
    r = d.h.virsh(virsh_ro.d.uri_ro if 'ro socket' in uri_desc else d.uri, 'dumpxml',
                  '--security-info', run, ro=True)
    h.ok(r.rc != 0, 'virsh -r %s: dumpxml --security-info refused' % uri_desc, r.describe())
    no_guid(h, r.out + r.err, guids, 'virsh -r %s: no GUID in the refusal' % uri_desc)
    try:
        xml = py_ro.dom(run).XMLDesc(py_ro.libvirt.VIR_DOMAIN_XML_SECURE)
        h.ok(False, 'python3-libvirt %s: XMLDesc(SECURE) refused' % uri_desc, xml[:300])
        no_guid(h, xml, guids, 'python3-libvirt %s: no GUID in XMLDesc(SECURE)' % uri_desc)
    except py_ro.libvirt.libvirtError as e:
        h.ok(True, 'python3-libvirt %s: XMLDesc(SECURE) refused (%s)' % (uri_desc, e))
    r = gv_ro._run('domgenid', run)
    h.cmd_fails(r, 'genvirsh -r %s: domgenid refused' % uri_desc)
    no_guid(h, r.out + r.err, guids, 'genvirsh -r %s: no GUID in the domgenid refusal' % uri_desc)
    r = gv_ro._run('qemu-monitor-command', run, '{"execute":"query-vm-generation-id"}')
    h.cmd_fails(r, 'genvirsh -r %s: qemu-monitor-command refused' % uri_desc)
    no_guid(h, r.out + r.err, guids, 'genvirsh -r %s: no GUID in that refusal' % uri_desc)
    h.eq((d.domstate(run), d.domstate(off)), (st_run, st_off),
         'states unchanged after the read-only attempts (%s)' % uri_desc)


def main(h):
    d = gi.Daemon(h, verbose=True)
    if not d.start():
        return
    fixed = h.new_uuid()     # a user-fixed GUID, known before define
    p1, u1 = h.write_domain('sec-auto', memory_mib=64, genid='auto')
    p2, u2 = h.write_domain('sec-fixed', memory_mib=64, genid='fixed:' + fixed)
    p3, u3 = h.write_domain('sec-off', memory_mib=64, genid='legacy')
    for p in (p1, p2, p3):
        h.cmd_ok(d.genvirsh('define', p), 'define %s' % os.path.basename(p))
    g1, g3 = d.config_guid('sec-auto'), d.config_guid('sec-off')
    h.eq(d.config_guid('sec-fixed'), fixed, 'the fixed GUID is in its config')
    guids = [g for g in (g1, fixed, g3) if g]
    h.eq(len(set(guids)), 3, 'three distinct GUIDs')
    for n in ('sec-auto', 'sec-fixed'):
        h.cmd_ok(d.virsh('start', n), 'start %s' % n)
    h.eq(d.domgenid('sec-auto'), g1, 'domgenid sec-auto equals its config')
    h.eq(d.domgenid('sec-fixed'), fixed, 'domgenid sec-fixed equals the fixed value')
    h.eq(d.qmp_guid('sec-auto'), g1, 'QMP agrees for sec-auto')
    h.eq(d.qmp_guid('sec-fixed'), fixed, 'QMP agrees for sec-fixed')

    check_proc(h, d, 'sec-auto', u1, guids)
    check_proc(h, d, 'sec-fixed', u2, guids)

    # file modes
    for n in ('sec-auto', 'sec-fixed', 'sec-off'):
        h.eq(oct(gi.file_mode(d.config_path(n))), oct(0o600), 'config of %s is 0600' % n)
    for n in ('sec-auto', 'sec-fixed'):
        h.eq(oct(gi.file_mode(d.status_path(n))), oct(0o600), 'status file of %s is 0600' % n)
    for dirp in (d.domdir, d.qemudir):
        h.eq(oct(gi.file_mode(dirp)), oct(0o700), '%s is 0700' % os.path.relpath(dirp, d.root))

    # exercise the paths that could log: read-only connections, live ops
    virsh_ro, gv_ro, py_ro = gi.Virsh(d, ro=True), gi.Genvirsh(d, ro=True), gi.Py(d, ro=True)
    readonly_checks(h, d, ('sec-auto', 'sec-off'), guids, 'ro socket', virsh_ro, gv_ro, py_ro)
    py_ro.close()

    # the read-only flag on the read-write socket
    vr = gi.Virsh(d, ro=True)
    vr._run = lambda *a: d.h.virsh(d.uri, *a, ro=True)
    gr = gi.Genvirsh(d, ro=True)
    gr._run = lambda *a: d.h.genvirsh(d.gv_uri, *a, ro=True)
    import libvirt
    pr = gi.Py.__new__(gi.Py)
    pr.libvirt, pr.d, pr.ro = libvirt, d, True
    pr.conn = libvirt.openReadOnly(d.uri)
    readonly_checks(h, d, ('sec-auto', 'sec-off'), guids, 'rw socket', vr, gr, pr)
    pr.close()

    for c in (gi.Genvirsh(d), gi.Virsh(d)):
        h.cmd_ok(c.suspend('sec-auto'), '%s suspend' % c.label)
        h.cmd_ok(c.resume('sec-auto'), '%s resume' % c.label)
        h.cmd_ok(c.reboot('sec-auto'), '%s reboot' % c.label)
    h.cmd_ok(d.virsh('dumpxml', '--security-info', 'sec-auto'), 'rw dumpxml --security-info')
    h.cmd_ok(d.virsh('start', 'sec-off'), 'start sec-off')
    h.eq(d.qmp_guid('sec-off'), g3, 'QMP agrees for sec-off')
    check_proc(h, d, 'sec-off', u3, guids)

    # daemon restart: reconnect reads the status files and queries QEMU
    d.kill9()
    h.ok(True, 'genvirtd killed with SIGKILL')
    # (whether the first answer after a restart is already right is
    # recovery.py's business: here the reconnect may finish first)
    d.start()
    ok, el = gi.wait_until(lambda: d.domgenid('sec-auto') == g1, 10, 0.05)
    h.ok(ok, 'after restart: domgenid sec-auto (%.2f s)' % el,
         d.genvirsh('domgenid', 'sec-auto').describe())
    # (a SIGTERM while the daemon still reconnects is recovery.py's
    # business: here every running domain is reconnected first)
    ok, el = gi.wait_until(lambda: d.domgenid('sec-fixed') == fixed and
                           d.domgenid('sec-off') == g3, 10, 0.05)
    h.ok(ok, 'after restart: sec-fixed and sec-off reconnected (%.2f s)' % el)
    d.stop()
    d.start()
    ok, el = gi.wait_until(lambda: d.domgenid('sec-fixed') == fixed, 10, 0.05)
    h.ok(ok, 'after a clean restart: domgenid sec-fixed (%.2f s)' % el,
         d.genvirsh('domgenid', 'sec-fixed').describe())

    # a crash, then destroy and start again
    pid = d.status_pid('sec-off')
    if pid and gi.is_qemu(pid):
        os.kill(pid, signal.SIGKILL)
    ok, el = gi.wait_until(lambda: d.domstate('sec-off') == 'shut off (crashed)', 5, 0.05)
    h.ok(ok, 'sec-off crashed (%.2f s)' % el, repr(d.domstate('sec-off')))
    oldpid = d.status_pid('sec-fixed')
    h.cmd_ok(d.virsh('destroy', 'sec-fixed'), 'destroy sec-fixed')
    # (an immediate start after destroying a reconnected domain is
    # recovery.py's business: here the old QEMU is gone first)
    h.ok(oldpid and gi.wait_pid_gone(oldpid, 5), 'the old QEMU of sec-fixed is gone')
    h.cmd_ok(d.genvirsh('start', 'sec-fixed'), 'start sec-fixed again')
    check_proc(h, d, 'sec-fixed', u2, guids)

    # on disk: only the config and status files hold a GUID
    allowed = {'sec-auto': [d.config_path('sec-auto'), d.status_path('sec-auto')],
               'sec-fixed': [d.config_path('sec-fixed'), d.status_path('sec-fixed')],
               'sec-off': [d.config_path('sec-off')]}
    for n, g in (('sec-auto', g1), ('sec-fixed', fixed), ('sec-off', g3)):
        got = files_with_guid(d.root, g)
        h.eq(got, sorted(allowed[n]), 'under --root only the config and status files of %s hold '
             'its GUID' % n)
        for p in got:
            h.eq(oct(gi.file_mode(p)), oct(0o600), '%s is 0600' % os.path.relpath(p, d.root))

    for n in ('sec-auto', 'sec-fixed'):
        h.cmd_ok(d.virsh('destroy', n), 'destroy %s' % n)
    d.stop()

    # the logs, read after everything ran
    for n in ('sec-auto', 'sec-fixed', 'sec-off'):
        p = d.domlog_path(n)
        h.ok(os.path.exists(p), 'domain log %s exists' % os.path.relpath(p, d.root))
        text = gi.read_text(p) if os.path.exists(p) else ''
        h.ok('starting up' in text, 'domain log of %s has content' % n)
        no_guid(h, text, guids, 'no GUID in the domain log of %s' % n)
    log = d.log_text(all_starts=True)
    h.ok(len(log) > 0 and 'started' in log, 'the daemon logged (%d bytes, --verbose)' % len(log))
    no_guid(h, log, guids, "no GUID in the daemon's stderr (%d starts)" % d.starts)
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('secrecy', deadline=240).main(main)
