#!/usr/bin/python3
"""Recovery on real QEMU (DESIGN.md 4 "Restart", 2.2 "daemon restart").

1. Three domains run (two persistent, one transient); kill -9 genvirtd;
   restart: all three still running (`list`), same ids, same QEMU pids, same
   GUIDs checked against QEMU (qemu-monitor-command query-vm-generation-id);
   a domain started afterwards gets an id none of them has.
2. kill -9 of one QEMU: its domain becomes 'shut off (crashed)' within a
   second or two (the daemon is not its parent any more: monitor EOF /
   pidfd), its status file and monitor socket go; it starts again with the
   same GUID.
3. A status file whose QEMU is gone (kill -9 genvirtd, kill -9 the QEMU,
   restart): the persistent domain is 'shut off (crashed)', the status file
   and monitor socket are removed, it starts again; a transient domain in
   the same situation disappears.  The other domains still run.
4. A domain reconnected after a restart is destroyed and started again at
   once (one python3-libvirt connection): the start succeeds, and exactly
   one QEMU runs for it.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402


def snapshot(d, names):
    """{name: (id, status pid, domgenid, QMP guid)}"""
    out = {}
    for n in names:
        xml = d.live_xml(n)
        out[n] = (gi.domid_of(xml), d.status_pid(n), d.domgenid(n), d.qmp_guid(n))
    return out


def kill_qemu(h, pid):
    if pid and gi.is_qemu(pid):
        os.kill(pid, signal.SIGKILL)
        ok = gi.wait_pid_gone(pid, 5)
        try:
            os.waitpid(pid, os.WNOHANG)
        except OSError:
            pass
        return ok
    return False


def tracer_pid(pid):
    try:
        for line in gi.read_text('/proc/%d/status' % pid).split('\n'):
            if line.startswith('TracerPid:'):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reconnect_kill(h, d, name, guid, nth):
    """QEMU's @nth monitor write (sendmsg) of each of its threads after the
    daemon reconnects is held back 5 s (strace fault injection); meanwhile
    QEMU is killed.  QEMU 7.2 sends the greeting from one thread and the
    replies from its main thread: @nth 2 holds the reply to the GUID query
    (the daemon is waiting for it), 3 the next write."""
    what = 'QEMU killed before its monitor write %d during reconnect' % nth
    if not (d.domstate(name) or '').startswith('running'):
        r = d.virsh('start', name)
        if not h.cmd_ok(r, '%s: %s runs first' % (what, name)):
            return
    pid = d.status_pid(name)
    d.kill9()
    hogs = []
    stlog = os.path.join(h.workdir, 'strace-%d-%d.log' % (nth, time.monotonic_ns()))
    st = subprocess.Popen(['strace', '-q', '-f', '-p', str(pid), '-o', stlog, '-e',
                           'trace=sendmsg', '-e',
                           'inject=sendmsg:delay_enter=5000000:when=%d' % nth],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        ready, _ = gi.wait_until(lambda: tracer_pid(pid) == st.pid, 10, 0.005)
        if not h.ok(ready, '%s: strace holds the QEMU of %s' % (what, name)):
            return
        time.sleep(0.2)
        d.start(report=False)
        # the reconnect reaches the held-back write within milliseconds
        time.sleep(0.5)
        # busy CPUs while QEMU dies: the daemon's threads race each other
        for _ in range(os.cpu_count() or 2):
            hogs.append(subprocess.Popen([sys.executable, '-c', 'while True: pass']))
        time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait(5)
        st.kill()
        st.wait(10)
    gi.wait_pid_gone(pid, 5)
    ok, el = gi.wait_until(lambda: not d.alive() or d.domstate(name) == 'shut off (crashed)',
                           10, 0.05)
    if not h.ok(d.alive(), '%s: genvirtd survives' % what,
                'exit status %s\n%s' % (d.proc.returncode, d.log_text()[-6000:])):
        d.check_sanitizers('start %d' % d.starts)
        d.start(report=False)
        return
    h.eq(d.domstate(name), 'shut off (crashed)', '%s: %s is shut off (crashed)' % (what, name))
    h.ok(not os.path.exists(d.status_path(name)), '%s: no status file left' % what)
    r = d.virsh('start', name)
    h.cmd_ok(r, '%s: %s starts again' % (what, name))
    h.eq(d.qmp_guid(name), guid, '%s: with its GUID' % what)
    d.check_sanitizers('start %d' % d.starts)


def main(h):
    d = gi.Daemon(h)
    if not d.start():
        return
    uids = {}
    for n in ('r1', 'r2'):
        p, uids[n] = h.write_domain(n, memory_mib=64, genid='auto')
        h.cmd_ok(d.virsh('define', p), 'define %s' % n)
        h.cmd_ok(d.virsh('start', n), 'start %s' % n)
    p, uids['r3'] = h.write_domain('r3', memory_mib=64, genid='legacy')
    h.cmd_ok(d.genvirsh('create', p), 'create r3 (transient)')
    names = ['r1', 'r2', 'r3']
    guids = {'r1': d.config_guid('r1'), 'r2': d.config_guid('r2'), 'r3': d.domgenid('r3')}
    before = snapshot(d, names)
    h.ok(all(v[0] and v[1] and v[2] == guids[n] and v[3] == guids[n] for n, v in before.items()),
         'three domains run, each with its GUID in QEMU', repr(before))

    # 1. kill -9 genvirtd, restart (several times: the first answer a
    # client gets after each restart must already show the domains running)
    import libvirt
    libvirt.registerErrorHandler(lambda c, e: None, None)
    early = []

    def first_answer():
        end = time.monotonic() + 10
        while True:
            try:
                c = libvirt.open(d.uri)
                break
            except libvirt.libvirtError:
                if time.monotonic() > end:
                    early.append('cannot connect')
                    return
                time.sleep(0.001)
        try:
            act = sorted(x.name() for x in
                         c.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE))
            st = {}
            for n in names:
                try:
                    st[n] = gi.state_text(*c.lookupByName(n).state())
                except libvirt.libvirtError as e:
                    st[n] = 'error: %s' % e
            early.append((act, st))
        except libvirt.libvirtError as e:
            early.append('error: %s' % e)
        finally:
            c.close()

    def first_answer_bounded():
        th = threading.Thread(target=first_answer, daemon=True)
        th.start()
        th.join(5)
        if th.is_alive():
            early.append('no answer within 5 s')

    want = (names, {n: 'running (booted)' for n in names})
    # a slow QEMU (stopped with SIGSTOP) while the daemon reconnects: its
    # domain is still running, and clients must be told so
    pid1 = before['r1'][1]
    d.kill9()
    os.kill(pid1, signal.SIGSTOP)
    try:
        d.start(first=first_answer_bounded, timeout=60)
    finally:
        os.kill(pid1, signal.SIGCONT)
    h.eq(early[0] if early else None, want, 'while the QEMU of r1 is slow to answer the '
         'reconnecting daemon, clients see all three running (listAllDomains(ACTIVE), states)')
    ok, el = gi.wait_until(lambda: d.domgenid('r1') == guids['r1'], 40, 0.1)
    h.ok(ok, 'r1 is reconnected once its QEMU answers (%.2f s)' % el)

    # SIGTERM while the daemon is still reconnecting (r1's QEMU is slow):
    # a clean exit, status 0, the QEMUs keep running
    d.kill9()
    os.kill(pid1, signal.SIGSTOP)
    try:
        d.start(timeout=60)
        d.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
    finally:
        os.kill(pid1, signal.SIGCONT)
    try:
        rc = d.proc.wait(15)
    except subprocess.TimeoutExpired:
        rc = 'no exit within 15 s'
        d.kill9()
    h.eq(rc, 0, 'SIGTERM while genvirtd reconnects to a slow QEMU: exit status 0',
         d.log_text()[-3000:])
    d.check_sanitizers('start %d' % d.starts)
    h.ok(all(gi.pid_alive(before[n][1]) for n in names), 'the three QEMUs still run')
    d.start()
    ok, el = gi.wait_until(lambda: d.domgenid('r1') == guids['r1'], 40, 0.1)
    h.ok(ok, 'r1 is reconnected after the next start (%.2f s)' % el)
    del early[:]
    for i in range(8):
        d.kill9()
        h.ok(all(gi.pid_alive(before[n][1]) for n in names),
             'QEMUs survive kill -9 of genvirtd (%d)' % (i + 1))
        t0 = time.monotonic()
        d.start(first=first_answer_bounded)
    bad = [(i + 1, e) for i, e in enumerate(early) if e != want]
    h.ok(not bad, 'the first answer after each of %d more restarts shows all three running'
         % len(early), 'restarts whose first answer was wrong (listAllDomains(ACTIVE), '
         'states):\n' + '\n'.join(repr(b) for b in bad))
    ok, el = gi.wait_until(lambda: d.names() == names, 10, 0.05)
    h.ok(ok, 'after restart `list` shows all three running', repr(d.names()))
    h.eq({n: d.domstate(n) for n in names}, {n: 'running (booted)' for n in names},
         'after restart all three are running (booted)')
    after = snapshot(d, names)
    h.eq({n: after[n][0] for n in names}, {n: before[n][0] for n in names}, 'same ids')
    h.eq({n: after[n][1] for n in names}, {n: before[n][1] for n in names}, 'same QEMU pids')
    h.eq({n: after[n][2] for n in names}, guids, 'same GUIDs (domgenid)')
    h.eq({n: after[n][3] for n in names}, guids, 'same GUIDs (QMP query-vm-generation-id)')
    r = d.virsh('dumpxml', 'r3')
    h.eq(gi.guid_of(r.out), guids['r3'], 'the transient r3 keeps its live XML and GUID')
    h.ok('r3' in (d.names('--all') or []) and not os.path.exists(d.config_path('r3')),
         'r3 is still transient')
    h.diag('restart to all-checked: %.2f s' % (time.monotonic() - t0))
    p, uids['r4'] = h.write_domain('r4', memory_mib=64, genid='auto')
    h.cmd_ok(d.virsh('define', p), 'define r4')
    h.cmd_ok(d.virsh('start', 'r4'), 'start r4 after the restart')
    id4 = gi.domid_of(d.live_xml('r4'))
    h.ok(id4 is not None and id4 not in [before[n][0] for n in names],
         'r4 gets an id (%r) no running domain has (%r)' % (id4, [before[n][0] for n in names]))
    h.cmd_ok(d.virsh('destroy', 'r4'), 'destroy r4')

    # 2. kill -9 of one QEMU
    pid2 = before['r2'][1]
    t0 = time.monotonic()
    os.kill(pid2, signal.SIGKILL)
    ok, el = gi.wait_until(lambda: d.domstate('r2') == 'shut off (crashed)', 10, 0.05)
    h.ok(ok and el <= 2.0, 'r2 is shut off (crashed) within 2 s of kill -9 of its QEMU '
         '(%.2f s)' % (time.monotonic() - t0), 'state: %r' % d.domstate('r2'))
    gi.wait_pid_gone(pid2, 5)
    h.ok(not os.path.exists(d.status_path('r2')) and not d.stray_monitors(),
         'r2: status file and monitor socket removed')
    h.eq(d.names(), ['r1', 'r3'], 'list shows r1 and r3 running')
    r = d.virsh('start', 'r2')
    h.cmd_ok(r, 'r2 starts again (%.2f s)' % r.elapsed)
    h.eq((d.domgenid('r2'), d.qmp_guid('r2')), (guids['r2'], guids['r2']),
         'r2 keeps its GUID (domgenid, QMP)')
    h.eq(len(gi.qemu_pids_by_uuid(uids['r2'])), 1, 'one QEMU for r2')

    # 3. a status file whose QEMU is gone
    pid1 = d.status_pid('r1')
    pid3 = d.status_pid('r3')
    d.kill9()
    h.ok(kill_qemu(h, pid1), 'kill -9 the QEMU of r1 while genvirtd is down')
    h.ok(kill_qemu(h, pid3), 'kill -9 the QEMU of the transient r3 while genvirtd is down')
    h.ok(os.path.exists(d.status_path('r1')) and os.path.exists(d.status_path('r3')),
         'their status files are still there')
    d.start()
    ok, el = gi.wait_until(lambda: d.domstate('r1') == 'shut off (crashed)', 10, 0.05)
    h.ok(ok, 'r1 is shut off (crashed) after the restart', repr(d.domstate('r1')))
    h.ok(not os.path.exists(d.status_path('r1')) and not d.stray_monitors(),
         'r1: stale status file and monitor socket removed',
         repr(sorted(os.listdir(d.qemudir))))
    h.ok('r3' not in (d.names('--all') or ['r3']), 'the transient r3 is gone',
         repr(d.names('--all')))
    h.ok(not os.path.exists(d.status_path('r3')) and not d.stray_monitors(),
         'r3: stale status file and monitor socket removed')
    h.eq(d.names(), ['r2'], 'r2 still runs')
    h.eq((d.domgenid('r2'), d.qmp_guid('r2')), (guids['r2'], guids['r2']),
         'r2 GUID checked against QEMU after the second restart')
    h.cmd_ok(d.virsh('start', 'r1'), 'r1 starts again')
    h.eq((d.domgenid('r1'), d.qmp_guid('r1')), (guids['r1'], guids['r1']),
         'r1 keeps its GUID (domgenid, QMP)')
    h.eq(d.config_guid('r1'), guids['r1'], 'r1 config keeps its GUID')

    # 4. destroy and start at once, on a domain reconnected after a restart
    d.stop()
    d.start()
    gi.wait_until(lambda: d.domgenid('r1') == guids['r1'], 10, 0.05)
    py = gi.Py(d)
    dom = py.dom('r1')
    old = d.status_pid('r1')
    r = gi._pyresult(['destroy', 'r1'], dom.destroy)
    h.cmd_ok(r, 'reconnected r1: destroy')
    r = gi._pyresult(['create', 'r1'], dom.create)
    h.cmd_ok(r, 'reconnected r1: start right after destroy')
    time.sleep(0.3)
    pids = gi.qemu_pids_by_uuid(uids['r1'])
    st = py.state('r1')
    h.ok(st == 'running (booted)' and len(pids) == 1 and old not in pids
         and d.status_pid('r1') == pids[0],
         'reconnected r1: running in one new QEMU recorded in its status file',
         'state %r, QEMU pids %r (old %r), status pid %r' % (st, pids, old, d.status_pid('r1')))
    if st != 'running (booted)':
        h.ok(not pids, 'reconnected r1: a failed start leaves no QEMU running',
             'QEMU pids still running for r1: %r' % pids)
    py.close()

    # 5. QEMU dies while the restarted daemon is talking to it (reconnect):
    # its reply to qmp_capabilities, or (three times: the outcome is a race)
    # to the GUID query is held back and QEMU is killed.  The daemon must
    # survive and mark the domain shut off (crashed).
    if (d.domstate('r1') or '').startswith('running'):
        d.virsh('destroy', 'r1')
    if not shutil.which('strace'):
        h.skip('kill -9 of QEMU during reconnect', 'strace is not installed')
    else:
        for n in (3, 2, 2, 2):
            reconnect_kill(h, d, 'r2', guids['r2'], n)

    for n in ('r1', 'r2'):
        if (d.domstate(n) or '').startswith('running'):
            h.cmd_ok(d.virsh('destroy', n), 'destroy %s' % n)
    if d.alive():
        d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('recovery', deadline=240).main(main)
