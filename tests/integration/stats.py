#!/usr/bin/python3
"""Domain monitoring and small edits on real QEMU, through the stock virsh and
python3-libvirt.

The guest is a 48-byte boot sector (no OS): it counts its rounds in a word at
0x8000 and, about 18 times a second (it waits for the BIOS timer between
rounds), reads sector 1 of its disk and writes it to sector 2 through the
BIOS.  So every value the tests read grows for a reason that can be checked:
block rd/wr bytes and requests, the CPU time of QEMU and of its vCPU thread;
and a reset (the counter starts again at 0) is seen from outside through QMP.

Covered: virsh domstats with each group, with a domain list and with list
flags, --enforce; dommemstat; domblkinfo (one disk and --all); domblkstat
(one disk, all disks); domifstat; vcpuinfo; vcpucount; setvcpus (--config,
--maximum, live hot-plug); setmem / setmaxmem (--config; live through a
virtio balloon, and refused without one, as libvirt does; a balloon starts
at currentMemory); reset; domrename (with snapshots,
its lifecycle events, and across a daemon restart); vncdisplay and the VNC
port (a real RFB greeting; kept across a daemon restart, released at stop);
python3-libvirt's getAllDomainStats, domainListGetStats, vcpus(),
memoryStats(), blockInfo(), blockStats(), blockStatsFlags(),
interfaceStats().  Values are compared with what /proc, the image files and
QEMU (QMP through virsh) say.
"""

import json
import os
import re
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

MAC = '52:54:00:5e:a7:01'
BOOT_WAIT = 90  # s: the firmware's time to reach the boot sector

# 16-bit real mode, loaded at 0x7c00 by the BIOS (offsets in the comments)
BOOT = bytes([
    0x31, 0xc0,                          # 0: xor ax, ax
    0x8e, 0xc0,                          # 2: mov es, ax
    0x8e, 0xd8,                          # 4: mov ds, ax
    0xc7, 0x06, 0x00, 0x80, 0x00, 0x00,  # 6: mov word [0x8000], 0
    0xff, 0x06, 0x00, 0x80,              # 12: round: inc word [0x8000]
    0xb8, 0x01, 0x02,                    # 16: mov ax, 0x0201 (read 1 sector)
    0xb9, 0x01, 0x00,                    # 19: mov cx, 0x0001 (cylinder 0, sector 1)
    0xba, 0x80, 0x00,                    # 22: mov dx, 0x0080 (head 0, first disk)
    0xbb, 0x00, 0x7e,                    # 25: mov bx, 0x7e00
    0xcd, 0x13,                          # 28: int 0x13
    0xb8, 0x01, 0x03,                    # 30: mov ax, 0x0301 (write 1 sector)
    0xb9, 0x02, 0x00,                    # 33: mov cx, 0x0002 (sector 2)
    0xba, 0x80, 0x00,                    # 36: mov dx, 0x0080
    0xbb, 0x00, 0x7e,                    # 39: mov bx, 0x7e00
    0xcd, 0x13,                          # 42: int 0x13
    0xfb,                                # 44: sti
    0xf4,                                # 45: hlt (until the next timer tick)
    0xeb, 0xdc,                          # 46: jmp round
])


def boot_disk(path, size=1024 * 1024):
    sector = BOOT + bytes(510 - len(BOOT)) + b'\x55\xaa'
    with open(path, 'wb') as f:
        f.write(sector)
        f.truncate(size)


def dom_xml(name, uid, disks, vnc=True, memballoon=False, current_mib=96):
    """gvinteg's small pc guest with 96 MiB (@current_mib of it at start),
    one of two vCPUs online, booting from its first disk, a user-mode NIC,
    an autoport VNC display (@vnc) and a virtio balloon (@memballoon; else
    model='none': a pc domain gets libvirt's virtio balloon unless it says so)."""
    xml = gi.domain_xml(name, uid, memory_mib=96, genid='legacy', disks=disks)
    devices = ["    <interface type='user'><mac address='%s'/><model type='virtio'/></interface>"
               % MAC]
    if vnc:
        devices.append("    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>")
    devices.append("    <memballoon model='%s'/>" % ('virtio' if memballoon else 'none'))
    for old, new in (("  <vcpu>1</vcpu>\n",
                      "  <currentMemory unit='MiB'>%d</currentMemory>\n"
                      "  <vcpu current='1'>2</vcpu>\n" % current_mib),
                     ("hvm</type>\n", "hvm</type>\n    <boot dev='hd'/>\n"),
                     ('    <genid/>\n', '\n'.join(devices + ['    <genid/>\n']))):
        assert old in xml, old
        xml = xml.replace(old, new, 1)
    return xml


def parse_domstats(text):
    """virsh domstats output -> {domain: {field: value string}}, in order."""
    out = {}
    cur = None
    for line in text.split('\n'):
        m = re.match(r"^Domain: '(.*)'$", line)
        if m:
            cur = out.setdefault(m.group(1), {})
        elif cur is not None and line.startswith('  ') and '=' in line:
            k, v = line.strip().split('=', 1)
            cur[k] = v
    return out


def domstats(d, *args):
    r = d.virsh('domstats', *args)
    return r, parse_domstats(r.out) if r.ok else {}


def num(stats, key):
    v = stats.get(key)
    return int(v) if v is not None and re.match(r'^-?\d+$', v) else None


def proc_cpu_ns(pid, tid=None):
    path = '/proc/%d/task/%d/stat' % (pid, tid) if tid else '/proc/%d/stat' % pid
    data = gi.read_text(path)
    f = data[data.rfind(')') + 2:].split()
    return (int(f[11]) + int(f[12])) * (1000000000 // os.sysconf('SC_CLK_TCK'))


def proc_rss_kib(pid):
    m = re.search(r'^VmRSS:\s+(\d+) kB', gi.read_text('/proc/%d/status' % pid), re.M)
    return int(m.group(1)) if m else None


def rounds(d, name):
    """The guest's round counter (word at 0x8000), read with QMP through virsh."""
    a = d.qmp(name, {'execute': 'human-monitor-command',
                     'arguments': {'command-line': 'xp /1hx 0x8000'}})
    try:
        return int(a['return'].split(':')[1].strip(), 16)
    except (TypeError, KeyError, IndexError, ValueError):
        return None


def vnc_port(xml):
    m = re.search(r"<graphics type='vnc' port='(-?\d+)' autoport='yes'", xml or '')
    return int(m.group(1)) if m else None


def rfb_greeting(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
            return s.recv(12)
    except OSError as e:
        return repr(e)


def inactive_checks(h, d, name, boot, data):
    r, st = domstats(d, name)
    s = st.get(name, {})
    h.cmd_ok(r, 'domstats of the shut-off domain')
    h.eq((num(s, 'state.state'), num(s, 'state.reason')), (5, 0), 'state: shut off (unknown)')
    h.eq((num(s, 'balloon.current'), num(s, 'balloon.maximum')), (96 * 1024, 96 * 1024),
         'balloon.current/maximum: the config\'s currentMemory and memory (KiB)')
    # a smaller currentMemory in the config shows in balloon.current; it is
    # set back since a domain without a balloon cannot start with less
    h.cmd_ok(d.virsh('setmem', name, '80M', '--config'), 'setmem 80M --config (shut off)')
    r, st = domstats(d, '--balloon', name)
    h.eq((num(st.get(name, {}), 'balloon.current'), num(st.get(name, {}), 'balloon.maximum')),
         (80 * 1024, 96 * 1024), 'balloon.current follows the config\'s currentMemory')
    h.cmd_ok(d.virsh('setmem', name, '96M', '--config'), 'setmem 96M --config')
    h.eq((num(s, 'vcpu.current'), num(s, 'vcpu.maximum')), (1, 2),
         'vcpu.current/maximum from <vcpu current=1>2</vcpu>')
    h.ok(not any(k.startswith(('cpu.', 'net.', 'vcpu.0')) for k in s),
         'no CPU time, interface or per-vCPU values for a shut-off domain (genvirt cannot know them)',
         repr(s))
    bs, ds = os.stat(boot), os.stat(data)
    want = {'block.count': '2', 'block.0.name': 'vda', 'block.0.path': boot,
            'block.0.allocation': str(bs.st_blocks * 512), 'block.0.capacity': str(bs.st_size),
            'block.0.physical': str(bs.st_size), 'block.1.name': 'vdb', 'block.1.path': data,
            'block.1.allocation': str(ds.st_blocks * 512),
            'block.1.capacity': str(16 * 1024 * 1024), 'block.1.physical': str(ds.st_size)}
    got = {k: s.get(k) for k in want}
    h.eq(got, want, 'block.*: names, paths, sizes from the image files (qcow2 virtual size)')

    r = d.virsh('domblkinfo', name, 'vdb')
    h.cmd_ok(r, 'domblkinfo vdb')
    h.eq(r.out.split(), ['Capacity:', str(16 * 1024 * 1024), 'Allocation:',
                         str(ds.st_blocks * 512), 'Physical:', str(ds.st_size)],
         'domblkinfo vdb: capacity, allocation and physical of the qcow2 file')
    r = d.virsh('domblkinfo', name, data)
    h.ok(r.ok and str(16 * 1024 * 1024) in r.out, 'domblkinfo by source path', r.describe())
    r = d.virsh('domblkinfo', name, '--all')
    rows = [l.split() for l in r.out.split('\n')[2:] if l.strip()]
    h.eq(rows, [['vda', str(bs.st_size), str(bs.st_blocks * 512), str(bs.st_size)],
                ['vdb', str(16 * 1024 * 1024), str(ds.st_blocks * 512), str(ds.st_size)]],
         'domblkinfo --all: one row per disk')
    r = d.virsh('domblkinfo', name, 'vdz')
    h.cmd_fails(r, 'domblkinfo of a disk the domain has not', ['invalid path vdz'])
    r = d.virsh('vcpucount', name)
    h.eq(r.out.split('\n')[:2], ['maximum      config         2', 'current      config         1'],
         'vcpucount of a shut-off domain: the config rows')
    r = d.virsh('dommemstat', name)
    h.cmd_fails(r, 'dommemstat of a shut-off domain', ['domain is not running'])
    r = d.virsh('vcpuinfo', name)
    h.ok(r.ok and 'CPU Affinity:' in r.out and 'State:          N/A' in r.out,
         'vcpuinfo of a shut-off domain: its affinity (no pinning)', r.describe())


def running_checks(h, d, name, boot):
    pid = d.qemu_pid(name)
    h.ok(pid, 'QEMU runs')
    # the firmware may take its time (seconds under nested KVM, which
    # emulates real mode), then the boot sector counts
    ok, el = gi.wait_until(lambda: (rounds(d, name) or 0) >= 3, BOOT_WAIT, 0.1)
    h.ok(ok, 'the guest program runs (its round counter moves after %.1f s): %r'
         % (el, rounds(d, name)))
    r, st = domstats(d, name)
    s1 = st.get(name, {})
    cpu_after = proc_cpu_ns(pid)
    h.cmd_ok(r, 'domstats of the running domain')
    h.eq((num(s1, 'state.state'), num(s1, 'state.reason')), (1, 1), 'state: running (booted)')
    ct = num(s1, 'cpu.time')
    h.ok(ct is not None and 0 < ct <= cpu_after and
         num(s1, 'cpu.user') + num(s1, 'cpu.system') == ct,
         'cpu.time = cpu.user + cpu.system, at most what /proc says right after (%s <= %s)'
         % (ct, cpu_after), repr(s1))
    h.eq((num(s1, 'balloon.current'), num(s1, 'balloon.maximum')), (96 * 1024, 96 * 1024),
         'no balloon: the guest has all of its memory (libvirt\'s balloon.current)')
    rss = proc_rss_kib(pid)
    h.ok(num(s1, 'balloon.rss') and abs(num(s1, 'balloon.rss') - rss) < max(rss // 5, 4096),
         'balloon.rss %s KiB is QEMU\'s resident size (%s KiB)' % (num(s1, 'balloon.rss'), rss))
    h.eq((num(s1, 'vcpu.current'), num(s1, 'vcpu.maximum'), num(s1, 'vcpu.0.state')), (1, 2, 1),
         'vcpu.current, vcpu.maximum, vcpu.0.state (running)')
    h.ok('vcpu.0.time' in s1 and 'vcpu.0.delay' in s1 and 'vcpu.1.state' not in s1,
         'vcpu.0.time and .delay from /proc of the vCPU thread; no offline vCPU listed', repr(s1))
    h.eq(num(s1, 'net.count'), 1, 'net.count=1 and no net.0.* (user networking counts nothing)')
    h.ok(not any(k.startswith('net.0') for k in s1), 'no net.0.* values')
    h.ok(num(s1, 'block.0.rd.bytes') > 0 and num(s1, 'block.0.wr.bytes') > 0,
         'block.0 rd/wr bytes > 0: the guest reads and writes its disk', repr(s1))
    h.eq((num(s1, 'block.0.capacity'), num(s1, 'block.1.capacity')),
         (os.stat(boot).st_size, 16 * 1024 * 1024), 'block capacities from QEMU')

    # each group alone: only its fields, all of them there
    for opt, prefix in (('--state', 'state.'), ('--cpu-total', 'cpu.'), ('--balloon', 'balloon.'),
                        ('--vcpu', 'vcpu.'), ('--interface', 'net.'), ('--block', 'block.')):
        r, st = domstats(d, opt, name)
        keys = list(st.get(name, {}))
        want = [k for k in s1 if k.startswith(prefix)]
        h.ok(r.ok and keys and all(k.startswith(prefix) for k in keys) and
             sorted(keys) == sorted(want), 'domstats %s: that group only (%s)' % (opt, keys),
             r.describe())

    time.sleep(1.5)
    r, st = domstats(d, name)
    s2 = st.get(name, {})
    grew = {k: (num(s1, k), num(s2, k)) for k in
            ('block.0.rd.bytes', 'block.0.rd.reqs', 'block.0.wr.bytes', 'block.0.wr.reqs',
             'cpu.time', 'vcpu.0.time')}
    h.ok(all(a is not None and b is not None and b > a for a, b in grew.values()),
         'after 1.5 s of guest reads and writes: block counters, cpu.time and vcpu.0.time grew',
         repr(grew))
    h.ok(num(s2, 'block.1.rd.bytes') is not None and num(s2, 'block.1.wr.bytes') == 0,
         'block.1: read by the firmware at most, never written')

    # domblkstat: one disk, and all of them summed
    r = d.virsh('domblkstat', name, 'vda')
    vals = dict(l.split()[1:] for l in r.out.split('\n') if l.strip())
    h.ok(r.ok and int(vals.get('rd_bytes', -1)) >= num(s2, 'block.0.rd.bytes') and
         set(vals) == {'rd_req', 'rd_bytes', 'wr_req', 'wr_bytes', 'flush_operations',
                       'rd_total_times', 'wr_total_times', 'flush_total_times'},
         'domblkstat vda: the eight counters libvirt prints, rd_bytes not below domstats\'',
         r.describe())
    r = d.virsh('domblkstat', name)
    alls = dict(l.split() for l in r.out.split('\n') if l.strip())
    h.ok(r.ok and int(alls.get('rd_bytes', -1)) >= int(vals['rd_bytes']),
         'domblkstat without a disk: all disks summed', r.describe())
    r = d.virsh('domblkstat', name, 'vdz')
    h.cmd_fails(r, 'domblkstat of a disk the domain has not', ['invalid path: vdz'])

    # interfaces: user networking has no host device (libvirt answers the same)
    r = d.virsh('domifstat', name, MAC)
    h.cmd_fails(r, 'domifstat by MAC', ['internal error: Interface name not provided'])
    r = d.virsh('domifstat', name, 'vnet0')
    h.cmd_fails(r, 'domifstat of an unknown name', ["'vnet0' is not a known interface"])

    r = d.virsh('dommemstat', name)
    got = dict(l.split() for l in r.out.split('\n') if l.strip())
    h.ok(r.ok and list(got) == ['rss'] and abs(int(got['rss']) - proc_rss_kib(pid)) < 8192,
         'dommemstat without a balloon: QEMU\'s rss only', r.describe())

    r = d.virsh('vcpuinfo', name)
    info = gi.parse_dominfo(r.out)
    h.ok(r.ok and info.get('VCPU') == '0' and info.get('State') == 'running' and
         re.match(r'^\d+(\.\d+)?s$', info.get('CPU time', '')) and
         re.match(r'^[0-9]+$', info.get('CPU', '')),
         'vcpuinfo: vCPU 0 running, its CPU time and host CPU', r.describe())
    r = d.virsh('vcpucount', name)
    h.eq([l.split() for l in r.out.split('\n') if l.strip()],
         [['maximum', 'config', '2'], ['maximum', 'live', '2'], ['current', 'config', '1'],
          ['current', 'live', '1']], 'vcpucount: four rows')

    # python3-libvirt
    py = gi.Py(d)
    try:
        dom = py.dom(name)
        lv = py.libvirt
        rec = [s for dm, s in py.conn.getAllDomainStats(0, 0) if dm.name() == name]
        s = rec[0] if rec else {}
        h.ok(isinstance(s.get('state.state'), int) and isinstance(s.get('block.0.name'), str) and
             isinstance(s.get('cpu.time'), int), 'python getAllDomainStats: typed values',
             repr(s))
        got = py.conn.domainListGetStats([dom], lv.VIR_DOMAIN_STATS_VCPU)
        h.eq(sorted(got[0][1]) if got else None,
             sorted(['vcpu.current', 'vcpu.maximum', 'vcpu.0.state', 'vcpu.0.time',
                     'vcpu.0.delay'] + (['vcpu.0.wait'] if 'vcpu.0.wait' in s else [])),
             'python domainListGetStats(VCPU): that group only')
        act = py.conn.getAllDomainStats(lv.VIR_DOMAIN_STATS_STATE,
                                        lv.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE)
        off = py.conn.getAllDomainStats(lv.VIR_DOMAIN_STATS_STATE,
                                        lv.VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF)
        h.ok(name in [x[0].name() for x in act] and name not in [x[0].name() for x in off],
             'getAllDomainStats with ACTIVE / SHUTOFF filters')
        try:
            py.conn.getAllDomainStats(lv.VIR_DOMAIN_STATS_PERF,
                                      lv.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)
            h.ok(False, 'ENFORCE_STATS with an unsupported group fails')
        except lv.libvirtError as e:
            h.eq(e.get_error_code(), lv.VIR_ERR_OPERATION_UNSUPPORTED,
                 'ENFORCE_STATS with an unsupported group: OPERATION_UNSUPPORTED (%s)' % e)
        h.eq(py.conn.getAllDomainStats(lv.VIR_DOMAIN_STATS_PERF, 0)[0][1] if
             py.conn.getAllDomainStats(lv.VIR_DOMAIN_STATS_PERF, 0) else None, {},
             'an unsupported group without ENFORCE: skipped (empty records)')
        vi, maps = dom.vcpus()
        h.ok(len(vi) == 1 and vi[0][0] == 0 and vi[0][1] == 1 and vi[0][2] > 0 and
             len(maps[0]) == os.sysconf('SC_NPROCESSORS_CONF'),
             'python vcpus(): one running vCPU with CPU time and an affinity map', repr((vi, maps)))
        ms = dom.memoryStats()
        h.eq(sorted(ms), ['rss'], 'python memoryStats() without a balloon: rss')
        bi = dom.blockInfo('vda')
        bs = os.stat(boot)
        h.eq(bi, [bs.st_size, bs.st_blocks * 512, bs.st_size], 'python blockInfo(vda)')
        rd_req, rd_bytes, wr_req, wr_bytes, errs = dom.blockStats('vda')
        h.ok(rd_bytes >= num(s2, 'block.0.rd.bytes') and wr_req > 0 and errs == -1,
             'python blockStats(vda): counters, errs unknown (-1)')
        bf = dom.blockStatsFlags('vda')
        h.eq(sorted(bf), sorted(['rd_operations', 'rd_bytes', 'rd_total_times', 'wr_operations',
                                 'wr_bytes', 'wr_total_times', 'flush_operations',
                                 'flush_total_times']),
             'python blockStatsFlags(vda): libvirt\'s eight fields')
        try:
            dom.interfaceStats(MAC)
            h.ok(False, 'python interfaceStats fails')
        except lv.libvirtError as e:
            h.eq(e.get_error_code(), lv.VIR_ERR_INTERNAL_ERROR,
                 'python interfaceStats: INTERNAL_ERROR like libvirt (%s)' % e)
        h.eq((dom.vcpusFlags(0), dom.maxVcpus()), (1, 2), 'python vcpusFlags(0), maxVcpus()')
    finally:
        py.close()


def wire_checks(h, d, name, uid):
    """What only a raw client can send: libvirtd's bounds and the nparams rules."""
    sys.path.insert(0, os.path.join(h.srcdir, 'tests', 'interop'))
    import gvtest as gt
    dom = gt.xdr_string(name) + bytes.fromhex(uid.replace('-', '')) + gt.xdr_i32(1)
    w = gt.Wire(d.sock)
    try:
        h.ok(w.handshake(), 'a raw connection opens')

        def stats_count(payload):
            hdr, body = w.call(159, payload)
            return gt.XdrReader(body).u32() if hdr['status'] == gt.STATUS_OK else None

        # the client copies what comes into its array of maxStats: never more
        h.eq(stats_count(dom + gt.xdr_u32(1) + gt.xdr_u32(0)), 1, 'MEMORY_STATS maxStats=1: one')
        h.eq(stats_count(dom + gt.xdr_u32(0) + gt.xdr_u32(0)), 0, 'MEMORY_STATS maxStats=0: none')
        hdr, body = w.call(159, dom + gt.xdr_u32(1025) + gt.xdr_u32(0))
        h.ok(hdr['status'] == gt.STATUS_ERROR and 'maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX'
             in (gt.decode_error(body)['message'] or ''), 'MEMORY_STATS maxStats=1025: refused')

        def blockstats(nparams, flags):
            hdr, body = w.call(243, dom + gt.xdr_string('vda') + gt.xdr_i32(nparams) +
                               gt.xdr_u32(flags))
            if hdr['status'] != gt.STATUS_OK:
                return gt.decode_error(body)['message']
            r = gt.XdrReader(body)
            n = r.u32()
            fields = []
            for _ in range(n):
                fields.append(r.string())
                t = r.i32()
                r.u64() if t in (3, 4, 5) else r.u32()
            return n, fields, r.i32()

        n, fields, count = blockstats(0, 0)
        h.eq((n, count), (0, 8), 'BLOCK_STATS_FLAGS nparams=0: no values, the count (8)')
        n, fields, count = blockstats(3, 4)
        h.eq((fields, count), (['wr_bytes', 'wr_operations', 'rd_bytes'], 3),
             'BLOCK_STATS_FLAGS nparams=3: the first three, in libvirt\'s order')
        h.ok('nparams too large' in str(blockstats(17, 0)), 'BLOCK_STATS_FLAGS nparams=17: refused')
        h.ok('unsupported flags (0x1)' in str(blockstats(8, 1)), 'BLOCK_STATS_FLAGS flags=1: refused')
        hdr, body = w.call(20, dom + gt.xdr_i32(16384) + gt.xdr_i32(1024))
        h.ok(hdr['status'] == gt.STATUS_ERROR and 'maxinfo * maplen > REMOTE_CPUMAPS_MAX' in
             (gt.decode_error(body)['message'] or ''), 'GET_VCPUS maxinfo * maplen too large: refused')
        # a domain that does not exist in the list is skipped, like libvirtd does
        ghost = gt.xdr_string('ghost') + bytes(16) + gt.xdr_i32(-1)
        hdr, body = w.call(344, gt.xdr_u32(2) + ghost + dom + gt.xdr_u32(1) + gt.xdr_u32(0))
        r = gt.XdrReader(body)
        h.ok(hdr['status'] == gt.STATUS_OK and r.u32() == 1 and r.string() == name,
             'GET_ALL_DOMAIN_STATS with a missing domain in the list: only the one that exists')
    finally:
        w.close()
    h.ok(d.serving(), 'genvirtd still serves after the raw calls')


def edit_checks(h, d, name):
    # vCPUs: hot-plug into the empty slot of a domain booted with 1 of 2
    r = d.virsh('setvcpus', name, '2', '--live')
    h.cmd_ok(r, 'setvcpus 2 --live (hot-plug)')
    a = d.qmp(name, {'execute': 'query-cpus-fast'})
    h.eq(len(a['return']) if a else None, 2, 'QEMU runs two vCPUs')
    r, st = domstats(d, '--vcpu', name)
    s = st.get(name, {})
    h.ok(num(s, 'vcpu.current') == 2 and num(s, 'vcpu.1.state') == 1 and 'vcpu.1.time' in s,
         'domstats --vcpu: two online, vcpu.1.* listed', repr(s))
    h.ok("<vcpu>2</vcpu>" in (d.live_xml(name) or '') and
         "current='1'" in (d.config_text(name) or ''),
         'the live XML has two vCPUs; the config still boots with one')
    h.ok(re.search(r"<vcpu>2</vcpu>", gi.read_text(d.status_path(name))),
         'the status file keeps the hot-plugged count')
    r = d.virsh('setvcpus', name, '3', '--live')
    h.cmd_fails(r, 'setvcpus past the maximum', ['greater than max allowable vcpus'])
    r = d.virsh('setvcpus', name, '2', '--config')
    h.cmd_ok(r, 'setvcpus 2 --config')
    h.ok("<vcpu>2</vcpu>" in (d.config_text(name) or ''), 'the config now boots with two')
    r = d.virsh('setvcpus', name, '3', '--config', '--maximum')
    h.cmd_ok(r, 'setvcpus 3 --config --maximum')
    h.ok("<vcpu current='2'>3</vcpu>" in (d.config_text(name) or ''),
         'the config: maximum 3, two of them online', d.config_text(name))
    r = d.virsh('vcpucount', name)
    h.eq([l.split() for l in r.out.split('\n') if l.strip()],
         [['maximum', 'config', '3'], ['maximum', 'live', '2'], ['current', 'config', '2'],
          ['current', 'live', '2']], 'vcpucount after the edits')
    r = d.virsh('setvcpus', name, '1', '--config', '--maximum')
    h.cmd_ok(r, 'setvcpus 1 --config --maximum')
    h.ok("<vcpu>1</vcpu>" in (d.config_text(name) or ''), 'the config: one vCPU')
    r = d.virsh('setvcpus', name, '0', '--config')
    h.cmd_fails(r, 'setvcpus 0', [])

    # memory: the config; live needs a balloon (libvirt's refusal)
    r = d.virsh('setmem', name, '64M', '--live')
    h.cmd_fails(r, 'setmem --live without a balloon',
                ['Unable to change memory of active domain without the balloon device'])
    r = d.virsh('setmem', name, '64M', '--config')
    h.cmd_ok(r, 'setmem 64M --config')
    h.ok("<currentMemory unit='KiB'>65536</currentMemory>" in (d.config_text(name) or ''),
         'the config has currentMemory 65536 KiB')
    r = d.virsh('setmem', name, '300M', '--config')
    h.cmd_fails(r, 'setmem above the maximum', ['cannot set memory higher than max memory'])
    r = d.virsh('setmaxmem', name, '128M', '--config')
    h.cmd_ok(r, 'setmaxmem 128M --config')
    h.ok("<memory unit='KiB'>131072</memory>" in (d.config_text(name) or ''),
         'the config has memory 131072 KiB')
    r = d.virsh('setmaxmem', name, '128M', '--live')
    h.cmd_fails(r, 'setmaxmem --live', ['cannot resize the maximum memory on an active domain'])
    h.eq(gi.file_mode(d.config_path(name)), 0o600, 'the config is still 0600')

    # reset: the guest program starts over (its counter drops), QEMU stays
    pid = d.qemu_pid(name)
    gi.wait_until(lambda: (rounds(d, name) or 0) >= 20, 10, 0.1)
    before = rounds(d, name)
    r = d.virsh('reset', name)
    h.cmd_ok(r, 'reset')
    # the firmware runs first, then the boot sector starts counting from 0
    after, el = gi.wait_until(lambda: (lambda v: v if v is not None and v < before else None)(
        rounds(d, name)), BOOT_WAIT, 0.05)
    h.ok(before is not None and after is not None,
         'reset: the guest started over (round %s -> %s, %.2f s)' % (before, after, el))
    h.eq(d.qemu_pid(name), pid, 'reset: the same QEMU')
    h.eq(d.domstate(name), 'running (booted)', 'reset: still running')
    r = d.virsh('domrename', name, name + '-x')
    h.cmd_fails(r, 'domrename of a running domain', ['cannot rename active domain'])


def vnc_checks(h, d, name, other):
    xml = d.live_xml(name)
    port = vnc_port(xml)
    h.ok(port is not None and port >= 5900, 'the live XML shows the VNC port QEMU listens on: %s'
         % port, xml)
    h.ok(vnc_port(d.config_text(name)) == -1, 'the config keeps port -1 (autoport)')
    r = d.virsh('vncdisplay', name)
    h.eq(r.out.strip(), '127.0.0.1:%d' % (port - 5900) if port else None, 'vncdisplay')
    g = rfb_greeting(port) if port else None
    h.ok(isinstance(g, bytes) and g.startswith(b'RFB '), 'the port answers with RFB: %r' % (g,))
    r = d.virsh('start', other)
    h.cmd_ok(r, 'start a second domain with an autoport display')
    port2 = vnc_port(d.live_xml(other))
    h.ok(port2 is not None and port2 != port and isinstance(rfb_greeting(port2), bytes),
         'the second gets a port of its own (%s, %s)' % (port, port2))
    return port, port2


def rename_checks(h, d):
    name = 'st-ren'
    disk = os.path.join(h.workdir, 'ren.qcow2')
    h.run(['/usr/bin/qemu-img', 'create', '-q', '-f', 'qcow2', disk, '16M'])
    uid = h.new_uuid()
    path = gi.write_file(os.path.join(h.workdir, name + '.xml'),
                         dom_xml(name, uid, [('qcow2', disk)], vnc=False))
    h.cmd_ok(d.virsh('define', path), 'define %s' % name)
    h.cmd_ok(d.virsh('snapshot-create-as', name, 's1'), 'a snapshot of the shut-off domain')
    h.cmd_ok(d.virsh('autostart', name), 'autostart on')
    guid = d.config_guid(name)
    r = d.virsh('domrename', name, 'st2')
    h.cmd_fails(r, 'domrename to a name another domain has', ["domain with name 'st2' already"])
    r = d.virsh('domrename', name, 'a/b')
    h.cmd_fails(r, 'domrename to an invalid name', ["may not contain '/'"])
    py = gi.Py(d)
    lv, events = py.libvirt, []
    py.conn.domainEventRegisterAny(
        None, lv.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        lambda c, dom, ev, detail, o: events.append((dom.name(), ev, detail)), None)
    r = d.virsh('domrename', name, name + '-new')
    h.cmd_ok(r, 'domrename %s %s-new' % (name, name))
    new = name + '-new'
    gi.wait_until(lambda: len(events) >= 2, 10, 0.05)
    h.eq(events, [(name, lv.VIR_DOMAIN_EVENT_UNDEFINED, lv.VIR_DOMAIN_EVENT_UNDEFINED_RENAMED),
                  (new, lv.VIR_DOMAIN_EVENT_DEFINED, lv.VIR_DOMAIN_EVENT_DEFINED_RENAMED)],
         'lifecycle events: the old name undefined (renamed), the new one defined (renamed)')
    py.close()
    h.ok(os.path.exists(d.config_path(new)) and not os.path.exists(d.config_path(name)),
         'the config file is renamed')
    h.ok(('<name>%s</name>' % new) in (d.config_text(new) or '') and d.config_guid(new) == guid,
         'the config names the new name and keeps the GUID')
    h.eq(gi.file_mode(d.config_path(new)), 0o600, 'the renamed config is 0600')
    auto = os.path.join(d.domdir, 'autostart')
    h.ok(os.path.islink(os.path.join(auto, new + '.xml')) and
         not os.path.lexists(os.path.join(auto, name + '.xml')), 'the autostart link follows')
    r = d.virsh('snapshot-list', '--name', new)
    h.eq(r.out.split(), ['s1'], 'the snapshot follows')
    h.ok(os.path.isdir(os.path.join(d.snapdir, new)) and
         not os.path.exists(os.path.join(d.snapdir, name)), 'its metadata directory too')
    r = d.virsh('snapshot-dumpxml', new, 's1')
    h.ok(('<name>%s</name>' % new) in r.out, 'the snapshot\'s domain has the new name')
    h.cmd_ok(d.virsh('autostart', '--disable', new), 'autostart off')
    h.ok(d.stop(), 'genvirtd stops (rename across a restart)')
    if not d.start():
        raise gi.Abort('genvirtd did not start again')
    h.eq(d.names('--all') and [n for n in d.names('--all') if n.startswith(name)], [new],
         'after a restart: only the new name')
    r = d.virsh('snapshot-revert', new, 's1')
    h.cmd_ok(r, 'revert to the snapshot taken under the old name')
    h.ok(os.path.exists(d.config_path(new)) and not os.path.exists(d.config_path(name)),
         'the revert keeps the new name (no config under the old one)')
    h.cmd_ok(d.virsh('snapshot-delete', new, 's1'), 'delete the snapshot')
    h.cmd_ok(d.virsh('undefine', new), 'undefine')


def balloon_checks(h, d):
    """Live memory through a virtio balloon; it starts at currentMemory."""
    name = 'st-bal'
    disk = os.path.join(h.workdir, 'bal.raw')
    boot_disk(disk)
    path = gi.write_file(os.path.join(h.workdir, name + '.xml'),
                         dom_xml(name, h.new_uuid(), [('raw', disk)], vnc=False,
                                 memballoon=True, current_mib=80))
    h.cmd_ok(d.virsh('define', path), 'define a domain with a memory balloon, 80 of 96 MiB')
    h.cmd_ok(d.virsh('start', name), 'start it')
    # the boot sector has no balloon driver: QEMU's balloon gets the target
    # (80 MiB; qmptest checks the QMP a start sends) but the guest keeps all
    # 96 MiB, and the statistics say what QEMU says the guest holds
    h.ok("<currentMemory unit='KiB'>81920</currentMemory>" in (d.live_xml(name) or ''),
         'the live XML has currentMemory 80 MiB')
    a = d.qmp(name, {'execute': 'query-balloon'})
    actual = a['return']['actual'] // 1024 if a else None
    h.eq(actual, 96 * 1024, 'QEMU: a guest without a balloon driver holds all 96 MiB')
    r, st = domstats(d, '--balloon', name)
    h.eq((num(st.get(name, {}), 'balloon.current'), num(st.get(name, {}), 'balloon.maximum')),
         (actual, 96 * 1024), 'domstats: balloon.current is QEMU\'s actual, of 96 MiB')
    r = d.virsh('dommemstat', name)
    got = dict(l.split() for l in r.out.split('\n') if l.strip())
    h.ok(r.ok and got.get('actual') == str(actual) and 'rss' in got,
         'dommemstat: the balloon\'s size (QEMU\'s actual) and rss', r.describe())
    h.cmd_ok(d.virsh('setmem', name, '64M', '--live'), 'setmem 64M --live through the balloon')
    h.ok("<currentMemory unit='KiB'>65536</currentMemory>" in (d.live_xml(name) or ''),
         'the live XML has the new size')
    r, st = domstats(d, '--balloon', name)
    a = d.qmp(name, {'execute': 'query-balloon'})
    h.eq(num(st.get(name, {}), 'balloon.current'), a['return']['actual'] // 1024 if a else None,
         'balloon.current is what QEMU\'s balloon holds')
    h.cmd_ok(d.virsh('destroy', name), 'destroy it')
    h.cmd_ok(d.virsh('undefine', name), 'undefine it')


def main(h):
    import libvirt
    # an event loop for the lifecycle events of domrename
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                     daemon=True).start()
    d = gi.Daemon(h)
    if not d.start():
        return
    boot = os.path.join(h.workdir, 'boot.raw')
    data = os.path.join(h.workdir, 'data.qcow2')
    boot2 = os.path.join(h.workdir, 'boot2.raw')
    boot_disk(boot)
    boot_disk(boot2)
    h.run(['/usr/bin/qemu-img', 'create', '-q', '-f', 'qcow2', data, '16M'])
    name, other = 'st1', 'st2'
    uids = {}
    for n, disks in ((name, [('raw', boot), ('qcow2', data)]), (other, [('raw', boot2)])):
        uid = uids[n] = h.new_uuid()
        path = gi.write_file(os.path.join(h.workdir, n + '.xml'), dom_xml(n, uid, disks))
        h.cmd_ok(d.virsh('define', path), 'define %s' % n)

    inactive_checks(h, d, name, boot, data)
    r, st = domstats(d, '--state', other, name)
    h.eq([(k, sorted(v)) for k, v in st.items()],
         [(other, ['state.reason', 'state.state']), (name, ['state.reason', 'state.state'])],
         'domstats --state with a domain list: those domains, in that order, that group')
    r = d.virsh('domstats', '--state', '--enforce', '--perf', name)
    h.cmd_fails(r, 'domstats --enforce with a group genvirt does not gather',
                ['Stats types bits 0x40 are not supported by this daemon'])

    h.cmd_ok(d.virsh('start', name), 'start %s' % name)
    r, st = domstats(d, '--list-active', '--state')
    h.eq(sorted(st), [name], 'domstats --list-active: the running one')
    r, st = domstats(d, '--list-inactive', '--state')
    h.eq(sorted(st), [other], 'domstats --list-inactive: the shut-off one')
    running_checks(h, d, name, boot)
    wire_checks(h, d, name, uids[name])
    port, port2 = vnc_checks(h, d, name, other)
    edit_checks(h, d, name)

    # a daemon restart: the running domains keep their ports, nobody gets them
    h.ok(d.stop(), 'genvirtd stops (QEMU keeps running)')
    if not d.start():
        raise gi.Abort('genvirtd did not start again')
    ok, _ = gi.wait_until(lambda: vnc_port(d.live_xml(name)) == port, 20, 0.1)
    h.ok(ok, 'after the restart the live XML shows the same port %s' % port)
    h.eq(d.virsh('vncdisplay', name).out.strip(), '127.0.0.1:%d' % (port - 5900),
         'vncdisplay after the restart')
    h.ok(isinstance(rfb_greeting(port), bytes), 'and the port still answers')
    r, st = domstats(d, '--vcpu', name)
    h.eq(num(st.get(name, {}), 'vcpu.current'), 2, 'the hot-plugged vCPU is still counted')
    h.cmd_ok(d.virsh('destroy', other), 'destroy %s' % other)
    h.cmd_ok(d.virsh('destroy', name), 'destroy %s' % name)
    # the ports are free again: the next start takes the lowest
    h.cmd_ok(d.virsh('start', other), 'start %s again' % other)
    p3 = vnc_port(d.live_xml(other))
    h.eq(p3, min(port, port2), 'released at stop: the lowest of the two ports is given again')
    h.cmd_ok(d.virsh('destroy', other), 'destroy %s' % other)

    rename_checks(h, d)
    balloon_checks(h, d)
    h.ok(d.serving(), 'genvirtd still serves')
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('stats', deadline=420).main(main)
