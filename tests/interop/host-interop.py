#!/usr/bin/python3
"""The host and capability calls against a real genvirtd, with the stock
virsh, python3-libvirt, virtinst's own parsers and raw frames.  TAP.

Two daemons: one reading this host's /proc and /sys (values checked
against the files and against each other), one reading the fixture tree
tests/host/numa2 (GENVIRT_HOST_ROOT), whose every value is known: a
2-socket NUMA host with an offline CPU, so that virsh's nodeinfo,
freecell --all, nodememstats and nodecpumap are checked line by line.

Usage: host-interop.py GENVIRTD GENVIRSH SRCDIR
"""

import fnmatch
import json
import os
import re
import socket
import struct
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402
from gvtest import read_text, xdr_i32, xdr_string, xdr_u32  # noqa: E402

import libvirt  # noqa: E402

libvirt.registerErrorHandler(lambda ctx, err: None, None)

PROC_NODE_GET_INFO = 6
PROC_GET_CAPABILITIES = 7
PROC_NODE_GET_CELLS_FREE_MEMORY = 101
PROC_NODE_GET_CPU_STATS = 227
PROC_NODE_GET_MEMORY_STATS = 228
PROC_GET_DOMAIN_CAPABILITIES = 342
PROC_LIST_ALL_STORAGE_POOLS = 281


def err_of(fn):
    try:
        fn()
    except libvirt.libvirtError as e:
        return e
    return None


def err_is(e, code, domain, message=None):
    return (isinstance(e, libvirt.libvirtError) and e.get_error_code() == code and
            e.get_error_domain() == domain and
            (message is None or e.get_error_message() == message))


def err_str(e):
    if isinstance(e, libvirt.libvirtError):
        return 'code=%s domain=%s message=%r' % (e.get_error_code(), e.get_error_domain(),
                                                  e.get_error_message())
    return repr(e)


def kvm_expected(h):
    accel = h.env.get('GENVIRT_ACCEL')
    if accel:
        return accel == 'kvm'
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
        return True
    except OSError:
        return False


def online_cpus():
    text = read_text('/sys/devices/system/cpu/online').strip()
    n = 0
    for part in text.split(','):
        lo, _, hi = part.partition('-')
        n += int(hi or lo) - int(lo) + 1
    return n


def meminfo(key):
    m = re.search(r'^%s:\s+(\d+) kB' % key, read_text('/proc/meminfo'), re.M)
    return int(m.group(1))


# ---- this host ---------------------------------------------------------------

def check_capabilities(h, d, kvm):
    r = h.virsh(d.uri, 'capabilities')
    h.cmd_ok(r, 'virsh capabilities')
    try:
        caps = ET.fromstring(r.out)
    except ET.ParseError as e:
        h.ok(False, 'the capabilities are XML', str(e))
        return None
    h.eq(caps.findtext('host/cpu/arch'), os.uname().machine, 'host/cpu/arch is the host arch')
    h.ok(re.match(r'^[0-9a-f-]{36}$', caps.findtext('host/uuid') or ''), 'the host has a UUID')
    cells = caps.findall('host/topology/cells/cell')
    h.ok(len(cells) >= 1 and caps.find('host/topology/cells').get('num') == str(len(cells)),
         'topology/cells/@num counts the cells (%d)' % len(cells))
    ncpus = sum(len(c.findall('cpus/cpu')) for c in cells)
    h.ok(ncpus >= online_cpus(), 'the cells list every online CPU (%d)' % ncpus)
    h.eq(caps.findtext('host/secmodel/model'), 'none', 'secmodel none')
    h.ok(caps.find('host/migration_features/live') is not None and
         caps.findtext('host/migration_features/uri_transports/uri_transport') == 'tcp',
         'migration features: live, tcp')
    guests = {g.find('arch').get('name'): g for g in caps.findall('guest')}
    h.ok('x86_64' in guests and 'i686' in guests, 'a <guest> for x86_64 and i686',
         str(list(guests)))
    g = guests.get('x86_64')
    if g is None:
        return caps
    h.eq(g.findtext('os_type'), 'hvm', 'x86_64 guest os_type hvm')
    h.eq(g.findtext('arch/emulator'), '/usr/bin/qemu-system-x86_64', 'x86_64 emulator')
    machines = {m.text: m for m in g.findall('arch/machine')}
    h.ok(machines.get('pc') is not None and
         re.match(r'^pc-i440fx-\d+\.\d+$', machines['pc'].get('canonical') or ''),
         "machine 'pc' has its canonical name (%s)" % (machines.get('pc') is not None and
                                                      machines['pc'].get('canonical')))
    h.ok(machines.get('q35') is not None and
         (machines['q35'].get('canonical') or '').startswith('pc-q35-'),
         "machine 'q35' has its canonical name")
    h.ok('none' not in machines, "machine 'none' is left out")
    h.ok(all(m.get('maxCpus', '').isdigit() for m in machines.values()),
         'every machine has maxCpus')
    types = [dom.get('type') for dom in g.findall('arch/domain')]
    h.eq(types, ['qemu', 'kvm'] if kvm else ['qemu'],
         'domain types qemu%s' % (' and kvm (/dev/kvm opens)' if kvm else ' only (TCG)'))
    feats = [f.tag for f in g.find('features')]
    h.eq(feats, ['acpi', 'apic', 'cpuselection', 'deviceboot', 'disksnapshot'],
         'x86_64 guest features')
    h.eq([f.tag for f in guests['i686'].find('features')][:2], ['pae', 'nonpae'],
         'i686 guest features start with pae, nonpae')
    return caps


def uefi_descriptors(arch, machine):
    """QEMU's firmware descriptors of this host that firmware='efi' may choose."""
    found = []
    for base in ('/etc/qemu/firmware', '/usr/share/qemu/firmware'):
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            try:
                with open(os.path.join(base, name)) as f:
                    d = json.load(f)
            except (OSError, ValueError):
                continue
            mapping = d.get('mapping', {})
            if ('uefi' in d.get('interface-types', []) and mapping.get('device') == 'flash' and
                    mapping.get('mode', 'split') == 'split' and
                    mapping.get('executable', {}).get('format', 'raw') == 'raw' and
                    any(t.get('architecture') == arch and
                        any(fnmatch.fnmatch(machine, m) for m in t.get('machines', []))
                        for t in d.get('targets', []))):
                found.append(name)
    return found


def check_virtinst(h, d, kvm):
    """virtinst's own connection and parsers (virt-install, virt-manager)."""
    sys.path.insert(0, '/usr/share/virt-manager')
    try:
        import virtinst  # noqa: F401
        from virtinst import VirtinstConnection
        from virtinst.domcapabilities import DomainCapabilities
    except Exception as e:  # noqa: BLE001
        h.ok(False, 'virtinst imports (Debian package virtinst)', repr(e))
        return
    conn = VirtinstConnection(d.uri)
    try:
        conn.open(None, None)
    except Exception as e:  # noqa: BLE001
        h.ok(False, 'VirtinstConnection.open', repr(e))
        return
    h.ok(True, 'VirtinstConnection.open (capabilities fetched and parsed)')
    h.eq(conn.caps.host.cpu.arch, os.uname().machine, 'virtinst: host cpu arch')
    info = conn.caps.guest_lookup(os_type='hvm', arch='x86_64')
    h.eq(info.hypervisor_type, 'kvm' if kvm else 'qemu',
         'virtinst: best domain type for hvm/x86_64')
    h.ok('pc' in info.machines and 'q35' in info.machines, 'virtinst: machine names with aliases')
    h.ok(info.is_machine_alias('pc', [m for m in info.machines if m.startswith('pc-i440fx')][0]),
         "virtinst: 'pc' is an alias")
    h.ok(conn.caps.guests[0].supports_acpi() and conn.caps.guests[0].supports_apic(),
         'virtinst: acpi and apic default on')
    h.ok(conn.support.conn_domain_capabilities(), 'virtinst: domain capabilities supported')
    h.ok(not conn.support.conn_network() and not conn.support.conn_nodedev(),
         'virtinst: networks and node devices unsupported')
    # virtinst 4.1 drops a --disk PATH when storage is unsupported: it must be
    h.ok(conn.support.conn_storage(), 'virtinst: storage supported (image files as volumes)')
    dc = DomainCapabilities.build_from_params(conn, None, None, None, None)
    h.eq(dc.arch, 'x86_64', 'virtinst domcaps: arch')
    h.ok(dc.machine and dc.machine.startswith('pc-i440fx-'), 'virtinst domcaps: default machine')
    h.ok(dc.supports_safe_host_model(), 'virtinst domcaps: host-model with fallback forbid')
    h.ok(len(dc.get_cpu_models()) > 0, 'virtinst domcaps: usable CPU models (%d)' %
         len(dc.get_cpu_models()))
    efi = uefi_descriptors('x86_64', dc.machine or '')
    h.eq((dc.supports_uefi_loader(), dc.supports_firmware_efi()), (True, bool(efi)),
         'virtinst domcaps: a UEFI loader; firmware efi %s' %
         ('(descriptors: %s)' % ', '.join(efi) if efi else 'not (no descriptor fits)'))
    # Debian's QEMU is built with SPICE; the devices XML takes spice, qxl and virtio video
    h.ok(dc.supports_graphics_spice() and dc.supports_video_virtio() and
         dc.supports_video_qxl() and dc.supports_video_bochs(),
         'virtinst domcaps: spice; qxl, virtio and bochs video')
    h.ok(not dc.supports_filesystem_virtiofs(), 'virtinst domcaps: no virtiofs (no <filesystem>)')
    h.eq(dc.supports_safe_host_passthrough(), kvm,
         'virtinst domcaps: safe host-passthrough (migratable on/off) %s' %
         ('with kvm' if kvm else 'not without kvm'))
    h.ok(dc.devices.disk.get_enum('bus').has_value('virtio'), 'virtinst domcaps: virtio disk bus')
    conn.close()


def check_domcaps(h, d, kvm):
    r = h.virsh(d.uri, 'domcapabilities')
    h.cmd_ok(r, 'virsh domcapabilities (no arguments)')
    dc = ET.fromstring(r.out) if r.ok else None
    if dc is not None:
        h.eq(dc.findtext('path'), '/usr/bin/qemu-system-x86_64', 'domcaps: default emulator')
        h.eq(dc.findtext('domain'), 'kvm' if kvm else 'qemu', 'domcaps: best domain type')
        h.ok(re.match(r'^pc-i440fx-\d+\.\d+$', dc.findtext('machine') or ''),
             'domcaps: the default machine, canonical (%s)' % dc.findtext('machine'))
        h.eq(dc.find('features/genid').get('supported'), 'yes', 'domcaps: genid supported')
        h.eq(dc.find("cpu/mode[@name='host-passthrough']").get('supported'),
             'yes' if kvm else 'no', 'domcaps: host-passthrough only with kvm')
        vmax = dc.find('vcpu').get('max')
        r2 = h.virsh(d.uri, 'maxvcpus')
        h.eq(r2.out.strip(), vmax, 'virsh maxvcpus reads domcaps vcpu/@max (%s)' % vmax)
    r = h.virsh(d.uri, 'domcapabilities', '--virttype', 'qemu', '--machine', 'q35')
    h.cmd_ok(r, 'virsh domcapabilities --virttype qemu --machine q35')
    if r.ok:
        dc = ET.fromstring(r.out)
        h.ok((dc.findtext('machine') or '').startswith('pc-q35-') and
             dc.findtext('domain') == 'qemu', "q35 resolves to its canonical machine")
    r = h.virsh(d.uri, 'domcapabilities', '--arch', 'i686')
    h.ok(r.ok and '<path>/usr/bin/qemu-system-i386</path>' in r.out and
         '<arch>i686</arch>' in r.out, 'domcapabilities --arch i686: qemu-system-i386',
         r.describe())
    r = h.virsh(d.uri, 'domcapabilities', '--machine', 'isapc')
    h.ok(r.ok and "<genid supported='no'/>" in r.out, 'domcapabilities --machine isapc: no genid',
         r.describe())
    for args, msg in (
            (['--machine', 'nosuch'], "error: invalid argument: the machine 'nosuch' is not "
             "supported by emulator '/usr/bin/qemu-system-x86_64'"),
            (['--virttype', 'xen'], 'error: invalid argument: unknown virttype: xen'),
            (['--arch', 'aarch64'], "error: invalid argument: unable to find any emulator to "
             "serve 'aarch64' architecture"),
            (['--emulatorbin', '/usr/bin/qemu-system-x86_64', '--arch', 'i686'],
             "error: invalid argument: architecture from emulator '/usr/bin/qemu-system-x86_64'"
             " doesn't match given architecture 'i686'"),
            (['--emulatorbin', 'qemu'], "error: invalid argument: emulator 'qemu' is not an "
             "absolute path")):
        r = h.virsh(d.uri, 'domcapabilities', *args)
        h.cmd_fails(r, 'domcapabilities %s fails' % ' '.join(args), [msg])
    if not kvm:
        r = h.virsh(d.uri, 'domcapabilities', '--virttype', 'kvm')
        h.cmd_fails(r, 'domcapabilities --virttype kvm fails without KVM', [
            "KVM is not supported by '/usr/bin/qemu-system-x86_64' on this host"])
    # read-only clients may not probe (it runs a binary, as root): libvirt's
    # client refuses it itself, and so does genvirtd for raw clients
    evil = os.path.join(h.workdir, 'not-qemu')
    gvtest.write_file(evil, '#!/bin/sh\ntouch %s.ran\n' % evil, 0o755)
    r = h.virsh(d.uri_ro, 'domcapabilities', '--emulatorbin', evil, ro=True)
    h.cmd_fails(r, 'read-only: virsh domcapabilities refused', [
        'operation forbidden: read only access prevents virConnectGetDomainCapabilities'])
    w = gvtest.Wire(d.sock_ro)
    w.handshake()
    hdr, body = w.call(PROC_GET_DOMAIN_CAPABILITIES, xdr_u32(1) + xdr_string(evil) +
                       xdr_u32(0) * 3 + xdr_u32(0))
    e = gvtest.decode_error(body) if hdr['status'] else {}
    h.ok(e.get('code') == 29, 'read-only socket: CONNECT_GET_DOMAIN_CAPABILITIES denied (29)',
         repr(e))
    w.close()
    h.ok(not os.path.exists(evil + '.ran'), 'read-only: that binary never ran')
    r = h.virsh(d.uri_ro, 'maxvcpus', ro=True)
    h.ok(r.ok and int(r.out.strip()) >= 1, 'read-only: virsh maxvcpus (CONNECT_GET_MAX_VCPUS)',
         r.describe())


def check_node(h, d):
    r = h.virsh(d.uri, 'nodeinfo')
    h.cmd_ok(r, 'virsh nodeinfo')
    vals = dict(re.findall(r'^([^:]+):\s+(.*)$', r.out, re.M))
    h.eq(vals.get('CPU model'), os.uname().machine, 'nodeinfo: CPU model is the arch')
    h.eq(vals.get('CPU(s)'), str(online_cpus()), 'nodeinfo: CPU(s) = online CPUs')
    h.eq(vals.get('Memory size'), '%d KiB' % meminfo('MemTotal'),
         'nodeinfo: memory = MemTotal')
    n = 1
    for k in ('NUMA cell(s)', 'CPU socket(s)', 'Core(s) per socket', 'Thread(s) per core'):
        n *= int(vals.get(k, '0'))
    h.ok(n >= online_cpus(), 'nodeinfo: cells x sockets x cores x threads covers the CPUs')
    for args in (['nodememstats'], ['nodecpustats'], ['nodecpustats', '--cpu', '0'],
                 ['nodecpustats', '--percent'], ['freecell'], ['freecell', '--all'],
                 ['freecell', '--cellno', '0'], ['nodecpumap'], ['sysinfo'], ['maxvcpus'],
                 ['cpu-models', 'x86_64']):
        h.cmd_ok(h.virsh(d.uri, *args, timeout=30), 'virsh %s' % ' '.join(args))
    r = h.virsh(d.uri, 'nodememstats')
    h.ok(re.search(r'^total\s*:\s+%d KiB$' % meminfo('MemTotal'), r.out, re.M),
         'nodememstats: total = MemTotal', r.out)
    r = h.virsh(d.uri, 'sysinfo')
    h.ok(r.ok and r.out.startswith("<sysinfo type='smbios'"), 'sysinfo is a smbios document')


def check_unsupported(h, d):
    for cmd, api in (('net-list', 'virConnectNumOfNetworks'),
                     ('nodedev-list', 'virNodeNumOfDevices'),
                     ('iface-list', 'virConnectNumOfInterfaces'),
                     ('secret-list', 'virConnectNumOfSecrets'),
                     ('nwfilter-list', 'virConnectNumOfNWFilters')):
        r = h.virsh(d.uri, cmd)
        h.cmd_fails(r, 'virsh %s: libvirt\'s own "not supported" (%s)' % (cmd, api), [
            'error: this function is not supported by the connection driver: %s' % api])


def check_python(h, d, kvm):
    conn = libvirt.open(d.uri)
    info = conn.getInfo()
    h.ok(info[0] == os.uname().machine and info[1] == meminfo('MemTotal') // 1024 and
         info[2] == online_cpus(), 'getInfo(): arch, memory MiB, CPUs', repr(info))
    h.ok(conn.getFreeMemory() > 0, 'getFreeMemory() in bytes')
    ms = conn.getMemoryStats(-1)
    h.eq(sorted(ms), ['buffers', 'cached', 'free', 'total'], 'getMemoryStats(-1) fields')
    cs = conn.getCPUStats(-1)
    h.eq(sorted(cs), ['idle', 'iowait', 'kernel', 'user'], 'getCPUStats(-1) fields')
    cells = conn.getCellsFreeMemory(0, 1)
    h.ok(len(cells) == 1 and cells[0] > 0, 'getCellsFreeMemory(0, 1)')
    m = conn.getCPUMap()
    h.ok(m[2] == online_cpus() and sum(m[1]) == online_cpus(), 'getCPUMap()', repr(m))
    h.eq(conn.isSecure(), 1, 'isSecure() on a UNIX socket')
    h.eq(conn.isEncrypted(), 0, 'isEncrypted() on a UNIX socket')
    h.eq(conn.getLibVersion(), 9000000, 'getLibVersion() claims libvirt 9.0.0')
    h.ok(conn.getVersion() >= 7000000, "getVersion() is QEMU's (%d)" % conn.getVersion())
    h.ok(conn.getMaxVcpus(None) >= 1 and conn.getMaxVcpus('qemu') >= 1, 'getMaxVcpus()')
    names = conn.getCPUModelNames('x86_64')
    h.ok('qemu64' in names and 'max' not in names, 'getCPUModelNames(x86_64)')
    h.ok(conn.getSysinfo().startswith("<sysinfo type='smbios'"), 'getSysinfo()')
    e = err_of(lambda: conn.getCPUStats(4096))
    h.ok(err_is(e, 8, 10, "invalid argument: cpuNum '4096' in virNodeGetCPUStats is not a host "
                "CPU"), 'getCPUStats(4096): INVALID_ARG naming the CPU', err_str(e))
    e = err_of(lambda: conn.getMemoryStats(99))
    h.ok(err_is(e, 8, 10), 'getMemoryStats(99): INVALID_ARG', err_str(e))
    for fn, dom, api in ((conn.listAllNetworks, 19, 'virConnectListAllNetworks'),
                         (conn.listAllDevices, 22, 'virConnectListAllNodeDevices'),
                         (conn.listAllInterfaces, 26, 'virConnectListAllInterfaces'),
                         (conn.listAllSecrets, 30, 'virConnectListAllSecrets'),
                         (conn.listAllNWFilters, 33, 'virConnectListAllNWFilters')):
        e = err_of(fn)
        h.ok(err_is(e, 3, dom, 'this function is not supported by the connection driver: ' +
                    api), '%s: NO_SUPPORT in domain %d' % (api, dom), err_str(e))
    e = err_of(lambda: conn.networkEventRegisterAny(
        None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, lambda *a: None, None))
    h.ok(isinstance(e, libvirt.libvirtError), 'networkEventRegisterAny fails', err_str(e))
    conn.close()
    ro = libvirt.openReadOnly(d.uri_ro)
    h.ok('serial' not in ro.getSysinfo(), 'read-only getSysinfo(): no serial numbers')
    h.ok(ro.getCapabilities().startswith('<capabilities>'), 'read-only getCapabilities()')
    ro.close()


def check_wire(h, d):
    w = gvtest.Wire(d.sock)
    w.handshake()
    hdr, body = w.call(PROC_NODE_GET_INFO)
    h.ok(hdr['status'] == 0 and len(body) == 160,
         'NODE_GET_INFO: a 160-byte payload (32 4-byte chars, hyper, 6 ints)', repr(hdr))
    model = bytes(struct.unpack('>32i', body[:128])).rstrip(b'\0').decode()
    h.eq(model, os.uname().machine, 'NODE_GET_INFO: model zero-filled')
    hdr, body = w.call(PROC_NODE_GET_CPU_STATS, xdr_i32(-1) + xdr_i32(0) + xdr_u32(0))
    h.ok(hdr['status'] == 0 and body == xdr_u32(0) + xdr_i32(4),
         'NODE_GET_CPU_STATS nparams=0: no params, the count 4', body.hex())
    hdr, body = w.call(PROC_NODE_GET_CPU_STATS, xdr_i32(-1) + xdr_i32(2) + xdr_u32(0))
    e = gvtest.decode_error(body) if hdr['status'] else {}
    h.ok(hdr['status'] == 1 and e.get('code') == 8,
         'NODE_GET_CPU_STATS nparams=2: INVALID_ARG, not more params than asked', repr(e))
    hdr, body = w.call(PROC_NODE_GET_CPU_STATS, xdr_i32(-1) + xdr_i32(17) + xdr_u32(0))
    e = gvtest.decode_error(body) if hdr['status'] else {}
    h.eq(e.get('message'), 'internal error: nparams too large', 'NODE_GET_CPU_STATS nparams=17')
    hdr, body = w.call(PROC_NODE_GET_MEMORY_STATS, xdr_i32(0) + xdr_i32(-1) + xdr_u32(0))
    h.ok(hdr['status'] == 0 and body == xdr_u32(0) + xdr_i32(4),
         'NODE_GET_MEMORY_STATS nparams=0: the count 4')
    hdr, body = w.call(PROC_NODE_GET_CELLS_FREE_MEMORY, xdr_i32(0) + xdr_i32(1025))
    e = gvtest.decode_error(body) if hdr['status'] else {}
    h.eq(e.get('message'), 'internal error: maxCells > REMOTE_NODE_MAX_CELLS',
         'NODE_GET_CELLS_FREE_MEMORY maxcells=1025')
    hdr, body = w.call(PROC_GET_DOMAIN_CAPABILITIES, xdr_u32(0) * 4 + xdr_u32(1))
    e = gvtest.decode_error(body) if hdr['status'] else {}
    h.ok(e.get('code') == 8 and 'unsupported flags (0x1)' in (e.get('message') or ''),
         'CONNECT_GET_DOMAIN_CAPABILITIES flags=1: INVALID_ARG', repr(e))
    hdr, body = w.call(PROC_GET_DOMAIN_CAPABILITIES,
                       xdr_u32(0) * 2 + xdr_u32(1) + xdr_string('pc') + xdr_u32(0) + xdr_u32(0))
    h.ok(hdr['status'] == 0 and b'<machine>pc-i440fx-' in body,
         'CONNECT_GET_DOMAIN_CAPABILITIES (NULL, NULL, "pc", NULL)')
    hdr, body = w.call(PROC_LIST_ALL_STORAGE_POOLS, xdr_i32(1) + xdr_u32(0))
    h.ok(hdr['status'] == 0 and body == xdr_u32(0) + xdr_u32(0),
         'LIST_ALL_STORAGE_POOLS: an empty list', body.hex())
    hdr, body = w.call(PROC_GET_CAPABILITIES)
    h.ok(hdr['status'] == 0, 'the connection still serves')
    w.close()


def make_image(h, name, fmt, size='64M'):
    path = os.path.join(h.workdir, name)
    r = h.run(['qemu-img', 'create', '-q', '-f', fmt, path, size])
    h.cmd_ok(r, 'qemu-img create %s %s' % (fmt, name))
    return path


def check_storage(h, d):
    """Image files in no pool's directory: volumes of an implicit pool, their
    directory, read-only (tests/interop/storage-interop.py has defined pools)."""
    qcow2 = make_image(h, 'disk.qcow2', 'qcow2', '100M')
    raw = make_image(h, 'disk.raw', 'raw', '8M')
    conn = libvirt.open(d.uri)
    h.eq(conn.listAllStoragePools(0), [], 'listAllStoragePools(): no pools (none is defined)')
    vol = conn.storageVolLookupByPath(qcow2)
    h.ok(vol.name() == 'disk.qcow2' and vol.key() == qcow2 and vol.path() == qcow2,
         'storageVolLookupByPath(qcow2): name, key, path')
    info = vol.info()
    h.ok(info[0] == 0 and info[1] == 100 * 1024 * 1024 and 0 < info[2] < 100 * 1024 * 1024,
         "vol.info(): a file, the qcow2's virtual size, what it occupies", repr(info))
    x = ET.fromstring(vol.XMLDesc(0))
    h.ok(x.find('target/format') is not None and
         x.find('target/format').get('type') == 'qcow2' and x.findtext('target/path') == qcow2,
         'vol.XMLDesc(): format qcow2, target path')
    pool = vol.storagePoolLookupByVolume()
    h.eq(pool.name(), h.workdir, "storagePoolLookupByVolume(): the file's directory")
    h.ok(pool.info()[0] == libvirt.VIR_STORAGE_POOL_RUNNING and pool.isActive() == 1 and
         pool.isPersistent() == 0, 'pool: running, not persistent')
    px = ET.fromstring(pool.XMLDesc(0))
    h.ok(px.get('type') == 'dir' and px.findtext('target/path') == h.workdir,
         "pool.XMLDesc(): a 'dir' pool of that directory")
    h.ok({'disk.qcow2', 'disk.raw'} <= set(pool.listVolumes()), 'pool.listVolumes()')
    h.ok({'disk.qcow2', 'disk.raw'} <= {v.name() for v in pool.listAllVolumes(0)},
         'pool.listAllVolumes()')
    rv = pool.storageVolLookupByName('disk.raw')
    h.ok(rv.info()[1] == 8 * 1024 * 1024 and "<format type='raw'/>" in rv.XMLDesc(0),
         'storageVolLookupByName(raw): format raw, 8 MiB')
    for path in ('/nonexistent/disk.img', h.workdir, h.workdir + '/../disk.raw', 'disk.raw'):
        e = err_of(lambda: conn.storageVolLookupByPath(path))
        h.ok(err_is(e, 50, 18, "Storage volume not found: no storage vol with matching path "
                    "'%s'" % path), 'storageVolLookupByPath(%r): NO_STORAGE_VOL 50/18' % path,
             err_str(e))
    e = err_of(lambda: conn.storagePoolLookupByName('nosuchpool'))
    h.ok(err_is(e, 49, 18), 'storagePoolLookupByName(nosuchpool): NO_STORAGE_POOL 49/18',
         err_str(e))
    e = err_of(lambda: pool.create(0))
    h.ok(err_is(e, 55, 18) and 'implicit pool of a directory' in err_str(e),
         "the implicit pool cannot be changed: OPERATION_INVALID 55/18", err_str(e))
    conn.close()
    ro = libvirt.openReadOnly(d.uri_ro)
    h.eq(ro.listAllStoragePools(0), [], 'read-only: listAllStoragePools() is allowed (empty)')
    e = err_of(lambda: ro.storageVolLookupByPath(qcow2))
    h.ok(err_is(e, 29, 20), 'read-only: storageVolLookupByPath is denied (it stats as root)',
         err_str(e))
    ro.close()
    r = h.virsh(d.uri, 'pool-list', '--all')
    h.ok(r.ok and 'Name' in r.out and 'disk' not in r.out, 'virsh pool-list --all: empty',
         r.describe())
    r = h.virsh(d.uri, 'vol-info', qcow2)
    h.ok(r.ok and re.search(r'^Capacity:\s+100.00 MiB$', r.out, re.M), 'virsh vol-info PATH',
         r.describe())
    return qcow2


def check_virt_install(h, d, qcow2, kvm):
    """virt-install --print-xml with an unedited command line."""
    argv = ['virt-install', '--connect', d.uri, '--print-xml', '--import', '--name', 'vi-import',
            '--memory', '256', '--disk', qcow2, '--osinfo', 'detect=on,require=off']
    r = h.run(argv, timeout=120)
    h.cmd_ok(r, 'virt-install --print-xml --import --disk PATH --osinfo detect=on,require=off')
    try:
        x = ET.fromstring(r.out)
    except ET.ParseError as e:
        h.ok(False, 'virt-install printed a domain XML', '%s\n%s' % (e, r.describe()))
        return
    h.eq(x.get('type'), 'kvm' if kvm else 'qemu', 'virt-install: domain type')
    disk = x.find("devices/disk[@device='disk']")
    h.ok(disk is not None and disk.find('source').get('file') == qcow2 and
         disk.find('driver').get('type') == 'qcow2',
         'virt-install: the disk is the image, driver type qcow2 (from the volume XML)')
    h.ok((x.find('os/type').get('machine') or '').startswith('pc-i440fx-'),
         "virt-install: the default machine from the domain capabilities")
    # virtinst picks a CPU for kvm only: host-passthrough, which the domain capabilities
    # say is safe (they say whether it is migratable), as with libvirtd 9.0
    h.eq(x.find('cpu').get('mode') if x.find('cpu') is not None else None,
         'host-passthrough' if kvm else None, 'virt-install: cpu mode')
    # the domain capabilities say spice: virtinst's defaults for it (spice graphics, a
    # spicevmc channel, USB redirection), and genvirtd takes the XML as virtinst wrote it
    h.eq(x.find('devices/graphics').get('type') if x.find('devices/graphics') is not None
         else None, 'spice', 'virt-install: spice graphics (in the domain capabilities)')
    h.ok(x.find("devices/channel[@type='spicevmc']") is not None and
         x.find("devices/redirdev[@bus='usb']") is not None,
         'virt-install: a spicevmc channel and USB redirection', r.out)
    path = os.path.join(h.workdir, 'vi-import.xml')
    gvtest.write_file(path, r.out)
    h.cmd_ok(h.virsh(d.uri, 'define', path), "virsh define of virt-install's XML, unedited")
    h.cmd_ok(h.virsh(d.uri, 'undefine', 'vi-import'), 'virsh undefine vi-import')
    newdisk = os.path.join(h.workdir, 'new.qcow2')
    r = h.run(['virt-install', '--connect', d.uri, '--print-xml', '--import', '--name', 'vi-new',
               '--memory', '256', '--disk', newdisk + ',size=1', '--osinfo', 'generic'],
              timeout=120)
    h.cmd_ok(r, 'virt-install --print-xml with a disk to create (storage pools: defined)')
    h.ok(("<source file=\"%s\"/>" % newdisk) in r.out, 'its XML names the new disk', r.out)
    conn = libvirt.open(d.uri)
    pools = {p.name(): ET.fromstring(p.XMLDesc(0)).findtext('target/path')
             for p in conn.listAllStoragePools(0)}
    conn.close()
    h.ok(h.workdir in pools.values(),
         'virtinst defined a pool for the directory of the new disk (%r)' % pools)


# ---- the fixture host -------------------------------------------------------------

def check_fixture(h, d):
    r = h.virsh(d.uri, 'nodeinfo')
    h.eq(r.out, 'CPU model:           x86_64\nCPU(s):              7\n'
         'CPU frequency:       2400 MHz\nCPU socket(s):       1\nCore(s) per socket:  2\n'
         'Thread(s) per core:  2\nNUMA cell(s):        2\nMemory size:         33554432 KiB\n\n',
         'numa2: virsh nodeinfo, line by line')
    r = h.virsh(d.uri, 'freecell', '--all')
    h.eq(r.out, '    0:    8388608 KiB\n    1:    4194304 KiB\n--------------------\n'
         'Total:   12582912 KiB\n\n', 'numa2: virsh freecell --all')
    h.eq(h.virsh(d.uri, 'freecell').out, 'Total: 12582912 KiB\n\n', 'numa2: virsh freecell')
    h.eq(h.virsh(d.uri, 'freecell', '--cellno', '1').out, '1: 4194304 KiB\n\n',
         'numa2: virsh freecell --cellno 1')
    h.cmd_fails(h.virsh(d.uri, 'freecell', '--cellno', '2'), 'numa2: freecell --cellno 2',
                ['error: internal error: start cell 2 out of range (0-1)'])
    h.eq(h.virsh(d.uri, 'nodememstats').out,
         'total  :             33554432 KiB\nfree   :             12582912 KiB\n'
         'buffers:                20480 KiB\ncached :              1048576 KiB\n\n',
         'numa2: virsh nodememstats')
    h.eq(h.virsh(d.uri, 'nodememstats', '--cell', '1').out,
         'total  :             16777216 KiB\nfree   :              4194304 KiB\n\n',
         'numa2: virsh nodememstats --cell 1')
    h.eq(h.virsh(d.uri, 'nodecpustats', '--cpu', '3').out,
         'user:                    10030000000\nsystem:                   5020000000\n'
         'idle:                    90000000000\niowait:                     30000000\n\n',
         'numa2: virsh nodecpustats --cpu 3 (ns from ticks)')
    h.cmd_fails(h.virsh(d.uri, 'nodecpustats', '--cpu', '7'), 'numa2: the offline CPU 7',
                ["cpuNum '7' in virNodeGetCPUStats is not a host CPU"])
    h.eq(h.virsh(d.uri, 'nodecpumap').out,
         'CPUs present:   8\nCPUs online:    7\nCPU map:        yyyyyyy-\n\n',
         'numa2: virsh nodecpumap')
    r = h.virsh(d.uri, 'capabilities')
    caps = ET.fromstring(r.out)
    h.eq([c.get('id') for c in caps.findall('host/topology/cells/cell')], ['0', '1'],
         'numa2: two cells in the capabilities')
    h.eq(caps.findtext('host/uuid'), '4f1c2b9e-3d2a-4c5b-8e7f-0a1b2c3d4e5f',
         "numa2: the host UUID is DMI's product_uuid")
    r = h.virsh(d.uri, 'sysinfo')
    h.ok("<entry name='serial'>SER-123 &lt;&amp;&gt;</entry>" in r.out,
         'numa2: sysinfo has the serial number (escaped) for read-write clients', r.out)
    r = h.virsh(d.uri_ro, 'sysinfo', ro=True)
    h.ok(r.ok and 'serial' not in r.out and 'uuid' not in r.out and "'vendor'>SeaBIOS" in r.out,
         'numa2: read-only sysinfo: no serials, no system UUID', r.out)
    conn = libvirt.open(d.uri)
    h.eq(conn.getCellsFreeMemory(0, 2), [8388608 * 1024, 4194304 * 1024],
         'numa2: getCellsFreeMemory(0, 2) in bytes')
    h.eq(conn.getFreeMemory(), 12582912 * 1024, 'numa2: getFreeMemory() sums the cells')
    h.eq(conn.getInfo()[4:], [2, 1, 2, 2], 'numa2: getInfo() nodes, sockets, cores, threads')
    conn.close()


def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check_tcp_secure(h, d, port):
    """CONNECT_IS_SECURE per transport: the UNIX socket is, plain TCP is not."""
    conn = libvirt.open(d.uri)
    h.eq(conn.isSecure(), 1, 'isSecure() on the UNIX socket of a daemon that also listens on TCP')
    conn.close()
    uri = 'qemu+tcp://127.0.0.1:%d/system' % port
    try:
        conn = libvirt.openReadOnly(uri)
    except libvirt.libvirtError as e:
        h.ok(False, 'python3-libvirt opens %s' % uri, err_str(e))
        return
    h.eq(conn.isSecure(), 0, 'isSecure() over plain TCP (genvirtd --listen-tcp) is 0')
    h.eq(conn.isEncrypted(), 0, 'isEncrypted() over plain TCP is 0')
    h.eq(conn.getInfo()[4:], [2, 1, 2, 2], 'getInfo() over plain TCP (read-only)')
    conn.close()


def main(h):
    kvm = kvm_expected(h)
    d = gvtest.Daemon(h)
    if not d.start():
        return
    caps = check_capabilities(h, d, kvm)
    if caps is not None:
        check_virtinst(h, d, kvm)
    check_domcaps(h, d, kvm)
    check_node(h, d)
    check_unsupported(h, d)
    check_python(h, d, kvm)
    check_wire(h, d)
    qcow2 = check_storage(h, d)
    check_virt_install(h, d, qcow2, kvm)
    d.stop()

    # the fixture daemon also listens on plain TCP (loopback, a free port)
    port = free_tcp_port()
    fixture = gvtest.Daemon(h, env={'GENVIRT_HOST_ROOT': os.path.join(h.srcdir, 'tests', 'host',
                                                                      'numa2')},
                            args=['--listen-tcp=127.0.0.1:%d' % port], label='numa2')
    if not fixture.start():
        return
    check_fixture(h, fixture)
    check_tcp_secure(h, fixture, port)
    fixture.stop()


if __name__ == '__main__':
    gvtest.Harness('host').main(main)
