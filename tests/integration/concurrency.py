#!/usr/bin/python3
"""Ten domains started at once from ten clients (python3-libvirt, one
connection per thread) on real QEMU.

- all ten run, each with its own GUID: ten distinct values, each equal to
  what its QEMU reports (QMP query-vm-generation-id), to genvirsh domgenid,
  to its live XML and to its config file; ten distinct QEMU pids and ids;
- while they start (on a fresh --root, so the first start also probes the
  QEMU binary), `list --all` from other clients answers quickly: a
  python3-libvirt connection listing in a loop, and the stock virsh;
- then ten concurrent destroys: all shut off (destroyed), every QEMU gone.
"""

import json
import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

N = 10


def load_scale():
    """How much slower than idle this host is: the limits below are for an
    idle 2-CPU host and grow with the load average per CPU (a listing that
    waited for the starts' jobs would still take several starts' time)"""
    per_cpu = os.getloadavg()[0] / max(os.cpu_count() or 1, 1)
    return max(1.0, per_cpu)


SCALE = load_scale()
LIST_LIMIT = 1.0 * SCALE
START_LIMIT = 1.5 * SCALE


def main(h):
    import libvirt
    import libvirt_qemu
    libvirt.registerErrorHandler(lambda c, e: None, None)
    h.diag('load average %.1f on %d CPUs: the latency limits are %.1f s (list) and %.1f s '
           '(start)' % (os.getloadavg()[0], os.cpu_count() or 1, LIST_LIMIT, START_LIMIT))
    d = gi.Daemon(h)
    if not d.start():
        return
    names = ['c%d' % i for i in range(N)]
    uids = {}
    bad = []
    for n in names:
        p, uids[n] = h.write_domain(n, memory_mib=64, genid='auto')
        r = d.virsh('define', p)
        if r.rc != 0:
            bad.append(r.describe())
    h.ok(not bad, 'define ten domains', '\n'.join(bad))
    h.eq(d.names('--all'), sorted(names), 'ten domains defined')
    cfg = {n: d.config_guid(n) for n in names}

    conns = [libvirt.open(d.uri) for _ in range(N)]
    lister = libvirt.open(d.uri)
    barrier = threading.Barrier(N + 2)
    results = {}
    done = threading.Event()
    lists = []          # (start time, duration, count or error)

    def starter(i):
        n = names[i]
        dom = conns[i].lookupByName(n)
        barrier.wait(10)
        t0 = time.monotonic()
        try:
            dom.create()
            results[n] = (True, t0, time.monotonic(), None)
        except libvirt.libvirtError as e:
            results[n] = (False, t0, time.monotonic(), str(e))

    def list_loop():
        barrier.wait(10)
        while not done.is_set():
            t0 = time.monotonic()
            try:
                k = len(lister.listAllDomains(0))
            except libvirt.libvirtError as e:
                k = 'error: %s' % e
            lists.append((t0, time.monotonic() - t0, k))
            time.sleep(0.01)

    threads = [threading.Thread(target=starter, args=(i,), daemon=True) for i in range(N)]
    lt = threading.Thread(target=list_loop, daemon=True)
    for t in threads + [lt]:
        t.start()
    barrier.wait(10)
    t_start = time.monotonic()
    virsh_lists = []
    while any(t.is_alive() for t in threads) and time.monotonic() - t_start < 90:
        r = d.virsh('list', '--all', timeout=30)
        virsh_lists.append((r.elapsed, r.rc, len([l for l in r.out.split('\n') if ' c' in l])))
        time.sleep(0.05)
    for t in threads:
        t.join(max(1, 120 - (time.monotonic() - t_start)))
    t_all = time.monotonic() - t_start
    done.set()
    lt.join(10)

    h.ok(not any(t.is_alive() for t in threads), 'all ten start calls returned (%.2f s)' % t_all)
    failed = {n: r[3] for n, r in results.items() if not r[0]}
    h.ok(len(results) == N and not failed, 'all ten starts succeeded', repr(failed))
    spans = sorted((r[2] - r[1]) for r in results.values())
    if spans:
        h.diag('start durations: min %.2f s, max %.2f s, all done in %.2f s'
               % (spans[0], spans[-1], t_all))
    last_end = max((r[2] for r in results.values()), default=t_start)
    during = [l for l in lists if l[0] < last_end]
    h.ok(len(during) > 0, 'the listing client ran while the domains started (%d lists, %d during)'
         % (len(lists), len(during)))
    worst = max((l[1] for l in lists), default=None)
    errs = [l for l in lists if not isinstance(l[2], int)]
    h.ok(worst is not None and worst < LIST_LIMIT and not errs,
         'python3-libvirt listAllDomains answered in under %.1f s throughout (worst %.3f s)'
         % (LIST_LIMIT, worst or -1), 'errors: %r' % errs[:5])
    vworst = max((v[0] for v in virsh_lists), default=None)
    h.ok(virsh_lists and all(v[1] == 0 for v in virsh_lists) and vworst < LIST_LIMIT,
         'virsh list --all during the starts: %d runs, all answered, worst %.3f s'
         % (len(virsh_lists), vworst or -1), repr(virsh_lists))

    # everything runs, each with its own GUID, checked against QEMU
    h.eq(d.names(), sorted(names), 'all ten are running')
    guids = {}
    qmp = {}
    for i, n in enumerate(names):
        dom = conns[i].lookupByName(n)
        guids[n] = gi.guid_of(dom.XMLDesc(0))
        try:
            qmp[n] = json.loads(libvirt_qemu.qemuMonitorCommand(
                dom, '{"execute":"query-vm-generation-id"}', 0))['return']['guid']
        except Exception as e:
            qmp[n] = 'error: %s' % e
    h.eq(len(set(guids.values())), N, 'ten distinct GUIDs in the live XMLs', repr(guids))
    h.ok(all(gi.UUID_RE.match(g or '') for g in guids.values()), 'all are UUIDs')
    h.eq(qmp, guids, 'each QEMU reports its own domain\'s GUID (QMP query-vm-generation-id)')
    h.eq({n: d.domgenid(n) for n in names}, guids, 'genvirsh domgenid agrees for all ten')
    h.eq(cfg, guids, 'each config file holds the same GUID')
    pids = {n: gi.qemu_pids_by_uuid(uids[n]) for n in names}
    h.ok(all(len(p) == 1 for p in pids.values()) and len({p[0] for p in pids.values()}) == N,
         'ten distinct QEMU processes, one per domain', repr(pids))
    h.eq({n: d.status_pid(n) for n in names}, {n: (p[0] if p else None) for n, p in pids.items()},
         'each status file records its QEMU pid')
    ids = [gi.domid_of(conns[i].lookupByName(n).XMLDesc(0)) for i, n in enumerate(names)]
    h.ok(len(set(ids)) == N and all(x and x > 0 for x in ids), 'ten distinct ids %r' % sorted(ids))

    # ten concurrent destroys
    dres = {}

    def destroyer(i):
        try:
            conns[i].lookupByName(names[i]).destroy()
            dres[names[i]] = None
        except libvirt.libvirtError as e:
            dres[names[i]] = str(e)

    threads = [threading.Thread(target=destroyer, args=(i,), daemon=True) for i in range(N)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    h.ok(len(dres) == N and not any(dres.values()), 'ten concurrent destroys succeed (%.2f s)'
         % (time.monotonic() - t0), repr(dres))
    h.eq({n: d.domstate(n) for n in names}, {n: 'shut off (destroyed)' for n in names},
         'all ten shut off (destroyed)')
    h.ok(all(gi.wait_pid_gone(p[0], 10) for p in pids.values() if p), 'all ten QEMUs are gone')
    h.eq(sorted(f for f in os.listdir(d.qemudir) if f.endswith('.xml') or f.endswith('.monitor')),
         [], 'no status file or monitor socket left')

    # slow emulators block neither the listing nor the start of another
    # domain: one whose domain QEMU takes 3 s to come up, one whose
    # capabilities probe takes 3 s (the wrappers tell the two apart by the
    # guest name every domain's command line carries)
    slow_start = ('slow', 'case "$*" in *guest=*) sleep 3;; esac')
    slow_probe = ('slowprobe', 'case "$*" in *guest=*) ;; *) sleep 3;; esac')
    for name, script in (slow_start, slow_probe):
        emu = os.path.join(h.workdir, name + '-qemu')
        gi.write_file(emu, '#!/bin/sh\n%s\nexec %s "$@"\n' % (script, gi.QEMU))
        os.chmod(emu, 0o755)
        p, uids[name] = h.write_domain(name, memory_mib=64, genid='auto', emulator=emu)
        h.cmd_ok(d.virsh('define', p), 'define %s (emulator: %s)' % (name, script))
        sres = {}

        def slow():
            t0 = time.monotonic()
            try:
                conns[0].lookupByName(name).create()
                sres['r'] = (None, time.monotonic() - t0)
            except libvirt.libvirtError as e:
                sres['r'] = (str(e), time.monotonic() - t0)

        st = threading.Thread(target=slow, daemon=True)
        st.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        k = len(lister.listAllDomains(0))
        el = time.monotonic() - t0
        h.ok(st.is_alive() and el < LIST_LIMIT,
             'list --all answers while %s starts (%.3f s, %d domains)' % (name, el, k))
        r = d.virsh('start', 'c1')
        h.ok(r.rc == 0 and r.elapsed < START_LIMIT and st.is_alive(),
             'another domain (c1) starts in under %.1f s while %s is starting (%.2f s)'
             % (START_LIMIT, name, r.elapsed), r.describe())
        h.cmd_ok(d.virsh('destroy', 'c1'), 'destroy c1')
        st.join(60)
        err, el = sres.get('r', ('no answer', None))
        h.ok(err is None, '%s starts in the end (%s s)' % (name, '%.2f' % el if el else '?'), err)
        g = d.config_guid(name)
        h.eq((d.domgenid(name), d.qmp_guid(name)), (g, g),
             '%s: its GUID checked against QEMU' % name)
        h.cmd_ok(d.virsh('destroy', name), 'destroy %s' % name)

    for c in conns + [lister]:
        c.close()
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('concurrency', deadline=240).main(main)
