#!/usr/bin/python3
"""Live migration between two network namespaces joined by a veth pair: two
"hosts" 10.200.0.1 and 10.200.0.2, migration data over TCP (DESIGN.md 6).

Each genvirtd runs inside its namespace (`ip netns exec NS genvirtd --root
DIR --migration-host ADDR`); their sockets live on the shared filesystem,
so the stock virsh in the root namespace reaches both.  A guest migrates
there (virsh, managed) and back (virsh --p2p).  Each time: the destination
QEMU's query-vm-generation-id equals the source's value, the guest runs
('running (migrated)'), the source is gone, and the migration stream
crossed the veth: the destination QEMU accepted a TCP connection from the
other namespace's address on its own address, and the destination veth
received at least as many bytes as the source QEMU reports having sent.

The namespaces (and with them the veth pair) are removed at the end, also
on failure.  Without `ip netns` (not root, no iproute2) the script skips.
"""

import json
import os
import re
import shutil
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvsm  # noqa: E402

ADDR = {'A': '10.200.0.1', 'B': '10.200.0.2'}
MIGRATION_PORTS = range(49152, 49216)


def setup(h):
    """Creates namespaces gvA-PID and gvB-PID joined by a veth pair; returns
    {'A': (ns, dev), 'B': (ns, dev)} or None (a skip was reported)."""
    ip = shutil.which('ip')
    if os.geteuid() != 0 or not ip:
        h.skip('network namespaces', 'needs root and iproute2 (ip netns)')
        return None
    tag = os.getpid() % 10000000
    nets = {'A': ('gvA-%d' % tag, 'gvvA%d' % tag), 'B': ('gvB-%d' % tag, 'gvvB%d' % tag)}

    def teardown():
        for ns, dev in nets.values():
            h.run([ip, 'link', 'del', dev], timeout=10)
            if os.path.exists('/run/netns/' + ns):
                r = h.run([ip, 'netns', 'del', ns], timeout=10)
                if r.rc != 0:
                    print('# cannot remove namespace %s: %s' % (ns, r.err.strip()), flush=True)
        left = [ns for ns, _ in nets.values() if os.path.exists('/run/netns/' + ns)]
        print('# removed namespaces %s%s' % (', '.join(ns for ns, _ in nets.values()),
                                              '; LEFT: %s' % left if left else ''), flush=True)
    h.at_cleanup(teardown, 'network namespaces')

    r = h.run([ip, 'netns', 'add', nets['A'][0]], timeout=10)
    if r.rc != 0:
        h.skip('network namespaces', 'ip netns add failed: %s' % r.err.strip())
        return None
    h.ok(True, 'netns add %s' % nets['A'][0])
    steps = [
        [ip, 'netns', 'add', nets['B'][0]],
        [ip, 'link', 'add', nets['A'][1], 'type', 'veth', 'peer', 'name', nets['B'][1]],
    ]
    for k in ('A', 'B'):
        ns, dev = nets[k]
        steps += [[ip, 'link', 'set', dev, 'netns', ns],
                  [ip, '-n', ns, 'addr', 'add', ADDR[k] + '/24', 'dev', dev],
                  [ip, '-n', ns, 'link', 'set', dev, 'up'],
                  [ip, '-n', ns, 'link', 'set', 'lo', 'up']]
    for argv in steps:
        r = h.run(argv, timeout=10)
        if not h.cmd_ok(r, ' '.join(argv[1:])):
            return None
    # wait (bounded) until both ends are up
    for k in ('A', 'B'):
        ns, dev = nets[k]
        up = gvsm.wait_until(lambda: 'LOWER_UP' in h.run([ip, '-n', ns, 'link', 'show', dev],
                                                         timeout=10).out, 10, 0.05)[0]
        h.ok(up, 'veth %s in %s is up with %s' % (dev, ns, ADDR[k]))
    return nets


def rx_bytes(h, ns, dev):
    r = h.run(['ip', '-n', ns, '-j', '-s', 'link', 'show', 'dev', dev], timeout=10)
    try:
        return json.loads(r.out)[0]['stats64']['rx']['bytes']
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def tcp_conns(h, ns):
    """Established TCP connections in @ns: [(local, lport, peer, pport, pid)]."""
    r = h.run(['ip', 'netns', 'exec', ns, 'ss', '-Htnp', 'state', 'established'], timeout=10)
    out = []
    for line in r.out.split('\n'):
        m = re.search(r'(\S+):(\d+)\s+(\S+):(\d+)\s+users:\(\("[^"]*",pid=(\d+)', line)
        if m:
            out.append((m.group(1), int(m.group(2)), m.group(3), int(m.group(4)),
                        int(m.group(5))))
    return out


def net_ns_inode(pid):
    try:
        return os.stat('/proc/%d/ns/net' % pid).st_ino
    except OSError:
        return None


def in_ns(pid, ns):
    try:
        return net_ns_inode(pid) == os.stat('/run/netns/' + ns).st_ino
    except OSError:
        return False


def jobinfo(d, name):
    r = d.virsh('domjobinfo', name, timeout=10)
    out = {}
    for line in r.out.split('\n') if r.ok else []:
        if ':' in line:
            k, v = line.split(':', 1)
            out[k.strip()] = v.strip()
    return out


UNITS = {'B': 1, 'KiB': 1024, 'MiB': 1 << 20, 'GiB': 1 << 30}


def to_bytes(text):
    m = re.match(r'^([\d.]+)\s*(B|KiB|MiB|GiB)$', text or '')
    return int(float(m.group(1)) * UNITS[m.group(2)]) if m else None


def migrate_across(h, src, dst, nets, name, uid, guid, flags):
    sk, dk = src.key, dst.key
    what = 'virsh migrate %s %s %s -> %s' % (' '.join(flags), name, src.label, dst.label)
    spid = src.qemu_pid(name)
    h.ok(spid and in_ns(spid, nets[sk][0]), '%s: the source QEMU %s runs in %s'
         % (what, spid, nets[sk][0]))
    # a slow enough stream to watch it (QEMU sends zero pages as small headers)
    a = src.qmp(name, {'execute': 'migrate-set-parameters',
                       'arguments': {'max-bandwidth': 300000}})
    h.ok(a is not None and 'return' in a, '%s: the source QEMU migrates at 300 kB/s' % what)
    rx0 = rx_bytes(h, *nets[dk])
    bg = h.spawn([gvsm.VIRSH, '-c', src.uri, 'migrate'] + flags + [name, dst.uri])
    seen = None
    sent = 0
    t0 = time.monotonic()
    while bg[0].poll() is None and time.monotonic() - t0 < 60:
        if seen is None:
            for c in tcp_conns(h, nets[dk][0]):
                if c[0] == ADDR[dk] and c[1] in MIGRATION_PORTS and c[2] == ADDR[sk] and \
                        gvsm.is_qemu(c[4]):
                    seen = c
        b = to_bytes(jobinfo(src, name).get('Data processed'))
        if b:
            sent = max(sent, b)
        time.sleep(0.05)
    r = h.collect(bg, 60)
    h.cmd_ok(r, '%s (%.1f s)' % (what, time.monotonic() - t0))
    rx1 = rx_bytes(h, *nets[dk])
    dpid = dst.qemu_pid(name)
    h.ok(seen is not None and seen[4] == dpid,
         '%s: the destination QEMU accepted the stream on %s from %s over TCP'
         % (what, '%s:%s' % (seen[0], seen[1]) if seen else ADDR[dk], ADDR[sk]),
         'connection seen: %r, destination QEMU pid %r' % (seen, dpid))
    h.ok(dpid and in_ns(dpid, nets[dk][0]), '%s: the destination QEMU %s runs in %s'
         % (what, dpid, nets[dk][0]))
    delta = (rx1 - rx0) if rx0 is not None and rx1 is not None else None
    h.diag('%s: guest memory 128 MiB; the source QEMU reported %s bytes sent; veth %s '
           'received %s bytes' % (what, sent, nets[dk][1], delta))
    h.ok(delta is not None and delta >= 256 * 1024 and delta >= sent,
         '%s: the veth %s carried the stream (%s bytes >= %s bytes QEMU reported sent)'
         % (what, nets[dk][1], delta, sent))
    # the guest and its GUID
    h.eq(dst.domstate(name), 'running (migrated)', '%s: state on %s' % (what, dst.label))
    h.eq(dst.qmp_status(name), 'running', '%s: QEMU on %s runs the guest' % (what, dst.label))
    vals = {'QMP': dst.qmp_guid(name), 'domgenid': dst.domgenid(name),
            'live XML': gvsm.guid_of(dst.live_xml(name))}
    bad = {k: v for k, v in vals.items() if v != guid}
    h.ok(not bad, "%s: the destination QEMU reports the source's GUID %s" % (what, guid),
         'differing: %r' % bad)
    h.ok(spid and gvsm.wait_pid_gone(spid, 5), '%s: the source QEMU is gone' % what)
    names = src.names('--all')
    h.ok(names is not None and name not in names, '%s: the transient domain is gone from %s'
         % (what, src.label), 'list: %r' % names)
    h.eq(gvsm.qemu_pids_by_uuid(uid), [dpid] if dpid else [],
         '%s: exactly one QEMU runs the guest' % what)


def main(h):
    nets = setup(h)
    if not nets:
        return
    root = h.mkdtemp('shared')
    daemons = {}
    for k in ('A', 'B'):
        args = ['--migration-host', ADDR[k]]
        if k == 'B':
            args += ['--migration-listen', ADDR[k]]
        d = gvsm.Daemon(h, root=os.path.join(root, k), label='ns' + k,
                        prefix=['ip', 'netns', 'exec', nets[k][0]], args=args)
        d.key = k
        daemons[k] = d
        if not d.start():
            return
        h.ok(in_ns(d.proc.pid, nets[k][0]), 'genvirtd %s runs in namespace %s'
             % (d.proc.pid, nets[k][0]))
    A, B = daemons['A'], daemons['B']
    name = 'ns-guest'
    path, uid = h.write_domain(name, disks=[('qcow2', h.image(name))])
    h.cmd_ok(A.virsh('create', path), 'create %s on %s' % (name, A.label))
    guid = A.qmp_guid(name)
    h.ok(guid and gvsm.UUID_RE.match(guid), 'the guest has a GUID %s' % guid)
    migrate_across(h, A, B, nets, name, uid, guid, ['--live'])
    migrate_across(h, B, A, nets, name, uid, guid, ['--live', '--p2p'])
    h.cmd_ok(A.virsh('destroy', name), 'destroy %s' % name)
    h.ok(A.serving() and B.serving(), 'both daemons serve')
    A.stop()
    B.stop()
    h.eq(h.our_qemus(), [], 'no QEMU of ours is left running')


if __name__ == '__main__':
    gvsm.Harness('netns', deadline=120).main(main)
