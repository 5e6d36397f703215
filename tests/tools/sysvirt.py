#!/usr/bin/python3
"""Sys::Virt (Debian's libsys-virt-perl 9.0.0, on libvirt's C library)
against a real genvirtd.  TAP.

tests/tools/sysvirt.pl connects with genvirtd's URI, asks versions, type,
node info, free memory and capabilities, lists the domains, reads the XML
(with the GUID on the read-write socket), starts the domain (a real QEMU),
reads its state and info, destroys it, and looks up a missing domain; each
step prints one line that this script checks.

Usage: sysvirt.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tooltest  # noqa: E402

tooltest.require({'/usr/lib/x86_64-linux-gnu/perl5/5.36/Sys/Virt.pm': 'libsys-virt-perl'})

import gvtest  # noqa: E402


def parse(out):
    """{step: {key: value}} of the script's lines."""
    steps = {}
    for line in out.splitlines():
        what, _, rest = line.partition(' ')
        kv = {}
        if rest.startswith('error='):
            code, _, msg = rest[len('error='):].partition(' message=')
            kv = {'error': int(code), 'message': msg}
        else:
            for item in rest.split(' '):
                k, _, v = item.partition('=')
                kv[k] = v
        steps[what] = kv
    return steps


def main(h):
    d = tooltest.daemon(h)
    if not d:
        return
    path, uid = h.write_domain('pl-dom', dtype='qemu', memory_mib=128)
    h.cmd_ok(d.virsh('define', path), 'virsh define pl-dom')
    guid = d.config_guid('pl-dom')
    script = os.path.join(h.srcdir, 'tests', 'tools', 'sysvirt.pl')
    r = h.run(['/usr/bin/perl', script, d.uri, 'pl-dom'], timeout=90)
    h.ok(r.rc == 0, 'sysvirt.pl ran to the end (%.1f s)' % r.elapsed, r.describe())
    s = parse(r.out)
    memtotal = None
    for line in open('/proc/meminfo'):
        if line.startswith('MemTotal:'):
            memtotal = int(line.split()[1])

    def chk(step, cond, desc):
        kv = s.get(step)
        try:
            good = kv is not None and 'error' not in kv and cond(kv)
        except (KeyError, ValueError):
            good = False
        h.ok(good, 'Sys::Virt %s' % desc, '%s: %r' % (step, kv))

    chk('connect', lambda kv: kv['uri'] == d.uri, 'Sys::Virt->new(uri => URI)')
    chk('version', lambda kv: int(kv['lib']) >= 9000000 and int(kv['hv']) > 0,
        'get_library_version >= 9.0.0, get_version (QEMU\'s)')
    chk('type', lambda kv: kv['type'] == 'QEMU', 'get_type: QEMU')
    chk('nodeinfo', lambda kv: int(kv['memory']) == memtotal and
        int(kv['cpus']) == os.cpu_count(), 'get_node_info: memory = MemTotal, cpus')
    chk('freemem', lambda kv: 0 < int(kv['bytes']) <= memtotal * 1024,
        'get_node_free_memory: between 0 and MemTotal')
    chk('capabilities', lambda kv: kv['host'] == '1' and kv['guest'] == '1',
        'get_capabilities: <host> and <guest>')
    chk('list', lambda kv: kv['names'] == 'pl-dom', 'list_all_domains: pl-dom')
    chk('lookup', lambda kv: kv['uuid'] == uid, 'get_domain_by_name: its uuid')
    chk('xml', lambda kv: kv['guid'] == guid, 'get_xml_description: the GUID of its config')
    chk('create', lambda kv: True, 'create (a real QEMU)')
    chk('state', lambda kv: (kv['state'], kv['reason']) == ('1', '1'),
        'get_state: running, booted')
    chk('info', lambda kv: kv['state'] == '1' and kv['maxMem'] == str(128 * 1024) and
        kv['nrVirtCpu'] == '1', 'get_info: running, 128 MiB, 1 vCPU')
    chk('active', lambda kv: kv['active'] == '1', 'is_active')
    chk('destroy', lambda kv: True, 'destroy')
    chk('state2', lambda kv: (kv['state'], kv['reason']) == ('5', '2'),
        'get_state: shut off, destroyed')
    kv = s.get('missing', {})
    h.ok(kv.get('error') == 42 and 'Domain not found' in kv.get('message', ''),
         'Sys::Virt get_domain_by_name of a missing domain dies with code 42 VIR_ERR_NO_DOMAIN',
         repr(kv))
    h.ok("domain 'pl-dom' started" in d.log_text(), 'genvirtd started a QEMU for it')
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gvtest.Harness('tools-sysvirt', deadline=120).main(main)
