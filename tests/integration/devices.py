#!/usr/bin/python3
"""The devices real tools write, started in real QEMU by a real genvirtd.

For the <devices> of what virt-install 4.1 writes (tests/xml2xml/
virt-install-*-devices.xml: q35 and pc, with SPICE graphics or with
--graphics none) and a Nova-style guest (tests/xml2argv/
nova-user-devices.xml), each with its disk image made here:

- the stock virsh defines it unchanged (but for the image path and the
  UUID) and starts it; QEMU runs and QMP answers;
- QEMU has the devices the XML names: every PCI address of the inactive XML
  is occupied in query-pci (bus numbers as QEMU numbers root ports), the
  guest agent channel's socket exists in the domain's state directory and
  the live XML shows its path, SPICE listens on the port genvirtd chose;
- the inactive XML is the same bytes before the start and after destroy
  (addresses and controllers are stable across starts), and after a daemon
  restart;
- a VNC password reaches QEMU over QMP (query-vnc says auth 'vnc') and is
  neither on QEMU's command line nor in a read-only dumpxml;
- an <interface type='network'>, and a bridge interface whose bridge does
  not exist, are refused at start with a clear message, nothing left running.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

DOCS = [
    ('xml2xml', 'virt-install-q35-devices'),
    ('xml2xml', 'virt-install-q35-nographics-devices'),
    ('xml2xml', 'virt-install-pc-devices'),
    ('xml2xml', 'virt-install-pc-nographics-devices'),
    ('xml2argv', 'nova-user-devices'),
]
PCI_RE = re.compile(r"<address type='pci' domain='0x0000' bus='0x([0-9a-f]{2})' "
                    r"slot='0x([0-9a-f]{2})' function='0x([0-9a-f])'")


def prepare(h, srcdir, sub, name):
    """The document with its disk images and paths in the work directory."""
    text = gi.read_text(os.path.join(srcdir, 'tests', sub, name + '.xml'))
    uid = h.new_uuid()
    text = re.sub(r'<uuid>[^<]*</uuid>', '<uuid>%s</uuid>' % uid, text, count=1)

    def image(m):
        path = os.path.join(h.workdir, '%s-%s' % (name, os.path.basename(m.group(1))))
        fmt = 'qcow2' if path.endswith('.qcow2') else 'raw'
        if not os.path.exists(path):
            h.run(['/usr/bin/qemu-img', 'create', '-q', '-f', fmt, path, '32M'], timeout=30)
        return "<source file='%s'/>" % path
    text = re.sub(r"<source file='(/var/lib/genvirt/images/[^']*)'/>", image, text)
    text = re.sub(r"<source path='/var/lib/genvirt/images/([^']*)'/>",
                  lambda m: "<source path='%s'/>" % os.path.join(h.workdir, name + '-' + m.group(1)),
                  text)
    path = os.path.join(h.workdir, name + '.xml')
    gi.write_file(path, text)
    return path, uid


def pci_devices(d, name):
    """{(bus number, slot, function)} of QEMU's PCI devices, and QEMU's
    numbers of the buses behind bridges by the id of their bridge."""
    ret = d.qmp(name, {'execute': 'query-pci'})
    seen = set()
    bridges = {}

    def walk(busnr, devices):
        for dev in devices:
            seen.add((busnr, dev['slot'], dev['function']))
            br = dev.get('pci_bridge')
            if br:
                bridges[dev.get('qdev_id', '')] = br['bus']['secondary']
                walk(br['bus']['secondary'], br.get('devices', []))
    for bus in (ret or {}).get('return', []):
        walk(bus['bus'], bus['devices'])
    return seen, bridges


def check_pci(h, d, name, inactive):
    """Every PCI address of the XML is a device in QEMU."""
    seen, bridges = pci_devices(d, name)
    # libvirt's bus N is the controller with index N, QEMU's id pci.N
    want = set()
    for bus, slot, fn in PCI_RE.findall(inactive):
        bus = int(bus, 16)
        qbus = 0 if bus == 0 else bridges.get('pci.%d' % bus)
        want.add((qbus, int(slot, 16), int(fn, 16)))
    missing = sorted((w for w in want if w not in seen), key=repr)
    h.ok(want and not missing, '%s: the %d PCI addresses of the XML are devices in QEMU'
         % (name, len(want)), 'missing (bus, slot, function): %r; QEMU has %r'
         % (missing, sorted(seen)))


def run_doc(h, d, srcdir, sub, name):
    path, uid = prepare(h, srcdir, sub, name)
    h.cmd_ok(d.virsh('define', path), '%s: virsh define' % name)
    before = d.virsh('dumpxml', '--inactive', name).out
    h.cmd_ok(d.virsh('start', name), '%s: virsh start' % name)
    pids = gi.qemu_pids_by_uuid(uid)
    h.eq(len(pids), 1, '%s: one QEMU runs' % name)
    h.ok((d.domstate(name) or '').startswith('running'), '%s: running' % name)
    check_pci(h, d, name, before)
    live = d.virsh('dumpxml', name).out
    if 'org.qemu.guest_agent.0' in before:
        m = re.search(r"<source mode='bind' path='([^']*org\.qemu\.guest_agent\.0)'/>", live)
        h.ok(m and os.path.exists(m.group(1)),
             '%s: the guest agent socket exists where the live XML says' % name, live)
        chardevs = d.qmp(name, {'execute': 'query-chardev'}) or {}
        h.ok(any('org.qemu.guest_agent.0' in c.get('filename', '')
                 for c in chardevs.get('return', [])),
             '%s: QEMU has the guest agent chardev' % name, repr(chardevs))
    if "type='spice'" in before:
        spice = (d.qmp(name, {'execute': 'query-spice'}) or {}).get('return', {})
        h.ok(spice.get('enabled') and spice.get('port', 0) >= 5900,
             '%s: SPICE listens on a port genvirtd chose (%s)' % (name, spice.get('port')),
             repr(spice))
    h.cmd_ok(d.virsh('destroy', name), '%s: virsh destroy' % name)
    after = d.virsh('dumpxml', '--inactive', name).out
    h.eq(after, before, '%s: the inactive XML is the same bytes after a start' % name)
    return before


def main(h):
    srcdir = h.srcdir
    d = gi.Daemon(h)
    if not d.start():
        return
    inactive = {}
    for sub, name in DOCS:
        inactive[name] = run_doc(h, d, srcdir, sub, name)

    # addresses survive a daemon restart
    d.stop()
    if not d.start():
        return
    for sub, name in DOCS:
        h.eq(d.virsh('dumpxml', '--inactive', name).out, inactive[name],
             '%s: the same inactive XML after a daemon restart' % name)

    # a VNC password: over QMP, never on the command line, never read-only
    secret = 'Vn8kQ2x'
    p, uid = h.write_domain('vncpw', memory_mib=64, genid=None)
    text = gi.read_text(p).replace('  </devices>', "    <graphics type='vnc' passwd='%s'/>\n"
                                   '  </devices>' % secret)
    gi.write_file(p, text)
    h.cmd_ok(d.virsh('define', p), 'vncpw: define a domain with a VNC password')
    h.cmd_ok(d.virsh('start', 'vncpw'), 'vncpw: start')
    vnc = (d.qmp('vncpw', {'execute': 'query-vnc'}) or {}).get('return', {})
    h.eq(vnc.get('auth'), 'vnc', 'vncpw: QEMU asks VNC clients for the password')
    for pid in gi.qemu_pids_by_uuid(uid):
        h.ok(secret.encode() not in b'\0'.join(gi.proc_cmdline(pid)),
             'vncpw: the password is not on /proc/%d/cmdline' % pid)
    h.ok(secret in d.virsh('dumpxml', 'vncpw').out, 'vncpw: a read-write dumpxml shows it')
    ro = d.virsh('dumpxml', 'vncpw', ro=True)
    h.ok(ro.rc == 0 and secret not in ro.out and 'passwd' not in ro.out,
         'vncpw: a read-only dumpxml does not', ro.describe())
    h.ok(secret not in gi.read_text(d.domlog_path('vncpw')), 'vncpw: nor the domain log')
    h.cmd_ok(d.virsh('destroy', 'vncpw'), 'vncpw: destroy')

    # refused at start, nothing left running
    for kind, iface, words in (
            ('network', "<interface type='network'><source network='default'/>"
             "<model type='virtio'/></interface>", ('network', 'no network driver')),
            ('bridge', "<interface type='bridge'><source bridge='gv-nosuchbr'/>"
             "<model type='virtio'/></interface>", ('bridge', 'gv-nosuchbr'))):
        name = 'if-' + kind
        p, uid = h.write_domain(name, memory_mib=64, genid=None)
        gi.write_file(p, gi.read_text(p).replace('  </devices>', '    %s\n  </devices>' % iface))
        h.cmd_ok(d.virsh('define', p), '%s: define' % name)
        r = d.virsh('start', name)
        h.cmd_fails(r, '%s: start is refused, naming the reason' % name, words)
        h.diag('error: %s' % r.err.strip())
        h.eq(gi.qemu_pids_by_uuid(uid), [], '%s: no QEMU is left' % name)
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('devices', deadline=400).main(main)
