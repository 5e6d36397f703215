#!/usr/bin/python3
"""The complete documents virt-install 4.1 and Nova 26 write, on real QEMU.

tests/xml2xml/virt-install-{q35,q35-nographics,pc,pc-nographics}-full.xml
(virt-install --print-xml for a default Debian 11 guest, --network user)
and nova-26-full.xml (Nova 26's libvirt driver for a simple flavor, a
Linux-bridge port) are used as the tools printed them, but for where their
files are: the disk image, and Nova's instance directory with its console
log, are made in the work directory.  genvirtd runs in a network namespace
of its own that has Nova's bridge, driven by the stock virsh:

- virsh define takes each document unchanged; its dumpxml --inactive is
  the golden output of tests/xml2xml (which is libvirtd 9.0's,
  tests/libvirt-domain/), and the same bytes after a start;
- under the host's accelerator each starts, or is refused before any QEMU
  for it runs with one error naming <cpu> and QEMU's reason (a host whose
  KVM cannot give the CPU, like a nested KVM on AMD that fails -cpu host:
  genvirt's preflight, where libvirt would start a QEMU that aborts); the
  config is byte-identical after a refusal;
- under TCG (a second genvirtd on the same root with GENVIRT_ACCEL=tcg)
  each runs: QEMU's status, the guest agent socket where the live XML says,
  SPICE on a port genvirtd chose, Nova's tap on its bridge with MTU 1450,
  QEMU writing Nova's console log; destroy leaves nothing running;
- virt-install's own default document (libvirt's 'default' network) is
  defined unchanged and refused at start, naming the network.
Without root or iproute2 the script skips.
"""

import os
import re
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

DOCS = ['virt-install-q35-full', 'virt-install-q35-nographics-full', 'virt-install-pc-full',
        'virt-install-pc-nographics-full', 'nova-26-full']
NOVA_BRIDGE = 'brq1a2b3c4d-5e'
NOVA_TAP = 'tap1a2b3c4d-5e'
NOVA_DIR = '/var/lib/nova/instances'
VIRT_INSTALL_DISK = '/tmp/xml-devices-full/deb11.qcow2'


class Doc:
    """A document, its expected inactive XML, and the files it names, made here."""

    def __init__(self, h, name):
        self.name = name
        src = os.path.join(h.srcdir, 'tests', 'xml2xml', name + '.xml')
        out = os.path.join(h.srcdir, 'tests', 'xml2xml', name + '.out.xml')
        text = gi.read_text(src)
        want = gi.read_text(out)
        self.dom = re.search(r'<name>([^<]*)</name>', text).group(1)
        self.uuid = re.search(r'<uuid>([^<]*)</uuid>', text).group(1)
        if name.startswith('nova'):
            base = os.path.join(h.workdir, 'nova-instances')
            inst = os.path.join(base, self.uuid)
            os.makedirs(inst, exist_ok=True)
            h.run(['/usr/bin/qemu-img', 'create', '-q', '-f', 'qcow2',
                   os.path.join(inst, 'disk'), '32M'], timeout=30)
            self.log = os.path.join(inst, 'console.log')
            subst = (NOVA_DIR, base)
        else:
            disk = os.path.join(h.workdir, name + '.qcow2')
            h.run(['/usr/bin/qemu-img', 'create', '-q', '-f', 'qcow2', disk, '32M'], timeout=30)
            self.log = None
            subst = (VIRT_INSTALL_DISK, disk)
        self.edits = text.count(subst[0])
        self.text = text.replace(*subst)
        self.want = want.replace(*subst)
        self.path = gi.write_file(os.path.join(h.workdir, name + '.xml'), self.text)


def inactive_xml(d, name):
    """virsh dumpxml --inactive, without the empty line virsh prints after it."""
    out = d.virsh('dumpxml', '--inactive', name).out
    return out[:-1] if out.endswith('\n\n') else out


def qemus(d):
    return gi.qemu_pids_under(d.root)


def check_running(h, d, doc, links):
    """What a started document must have in QEMU."""
    name = doc.dom
    h.ok((d.domstate(name) or '').startswith('running'), '%s: running' % doc.name)
    h.eq(len(qemus(d)), 1, '%s: one QEMU runs' % doc.name)
    status = (d.qmp(name, {'execute': 'query-status'}) or {}).get('return', {})
    h.eq(status.get('status'), 'running', '%s: QEMU says running' % doc.name)
    live = d.virsh('dumpxml', name).out
    if 'org.qemu.guest_agent.0' in doc.text:
        m = re.search(r"<source mode='bind' path='([^']*org\.qemu\.guest_agent\.0)'/>", live)
        h.ok(m and os.path.exists(m.group(1)),
             '%s: the guest agent socket is where the live XML says' % doc.name, live)
    if "type='spice'" in doc.want:
        spice = (d.qmp(name, {'execute': 'query-spice'}) or {}).get('return', {})
        h.ok(spice.get('enabled') and spice.get('port', 0) >= 5900,
             '%s: SPICE listens on a port genvirtd chose (%s)' % (doc.name, spice.get('port')),
             repr(spice))
    if doc.name.startswith('nova'):
        port = links(NOVA_TAP)
        h.ok('master %s' % NOVA_BRIDGE in port and ' mtu 1450 ' in port,
             "%s: tap %s is on %s with Nova's MTU" % (doc.name, NOVA_TAP, NOVA_BRIDGE), port)
        h.ok(gi.wait_until(lambda: os.path.exists(doc.log), 10)[0],
             "%s: QEMU writes Nova's console log" % doc.name)


def run_doc(h, d, doc, kvm, links):
    """Defines @doc, starts it under @d's accelerator; True when it ran."""
    name = doc.dom
    h.cmd_ok(d.virsh('define', doc.path), '%s: virsh define (%d path%s moved, nothing else)'
             % (doc.name, doc.edits, '' if doc.edits == 1 else 's'))
    before = inactive_xml(d, name)
    h.eq(before, doc.want, '%s: dumpxml --inactive is the golden output (libvirtd\'s)' % doc.name)
    cfg = gi.read_bytes(d.config_path(name))
    r = d.virsh('start', name)
    ran = r.rc == 0
    if ran:
        check_running(h, d, doc, links)
        h.cmd_ok(d.virsh('destroy', name), '%s: virsh destroy' % doc.name)
        h.ok(gi.wait_until(lambda: not qemus(d), 10)[0], '%s: no QEMU after destroy' % doc.name)
    else:
        text = r.err.strip().replace('\n', ' | ')
        h.diag('%s: %s' % (doc.name, text))
        h.ok(kvm and '<cpu' in text and ("cannot run on this host's KVM" in text or
                                          'cannot run as written' in text),
             '%s: under KVM, refused before the start naming <cpu> and why' % doc.name,
             r.describe())
        h.eq(qemus(d), [], '%s: no QEMU runs for it' % doc.name)
        h.ok(gi.read_bytes(d.config_path(name)) == cfg,
             '%s: the config is byte-identical' % doc.name)
        h.ok((d.domstate(name) or '').startswith('shut off'), '%s: shut off' % doc.name)
    h.eq(inactive_xml(d, name), before, '%s: the same inactive XML after the start' % doc.name)
    return ran


def check_network_default(h, d):
    """virt-install's own default: libvirt's 'default' network, which genvirt has not."""
    net = Doc(h, 'virt-install-q35-network-full')
    h.cmd_ok(d.virsh('define', net.path), '%s: virsh define' % net.name)
    h.eq(inactive_xml(d, net.dom), net.want, '%s: dumpxml --inactive is the golden output'
         % net.name)
    r = d.virsh('start', net.dom)
    h.cmd_fails(r, '%s: the start is refused, naming the network' % net.name,
                ("of type 'network' (network 'default')", 'no network driver'))
    h.eq(qemus(d), [], '%s: no QEMU is left' % net.name)
    h.cmd_ok(d.virsh('undefine', net.dom), '%s: undefine' % net.name)


def main(h):
    ip = shutil.which('ip')
    if os.geteuid() != 0 or not ip:
        h.skip('the tools\' complete documents', 'needs root and iproute2 (ip netns)')
        return
    ns = 'gvdocs-%d' % (os.getpid() % 10000000)

    def teardown():
        if os.path.exists('/run/netns/' + ns):
            h.run([ip, 'netns', 'del', ns], timeout=10)
    h.at_cleanup(teardown, 'network namespace')
    # an address besides loopback, as a host has: SPICE resolves its listen
    # address with AI_ADDRCONFIG, which takes IPv4 as absent without one
    for argv in ([ip, 'netns', 'add', ns],
                 [ip, '-n', ns, 'link', 'set', 'lo', 'up'],
                 [ip, '-n', ns, 'link', 'add', 'gvdocs0', 'type', 'veth', 'peer', 'name', 'gvdocs1'],
                 [ip, '-n', ns, 'addr', 'add', '192.0.2.1/24', 'dev', 'gvdocs0'],
                 [ip, '-n', ns, 'link', 'set', 'gvdocs0', 'up'],
                 [ip, '-n', ns, 'link', 'add', NOVA_BRIDGE, 'type', 'bridge'],
                 [ip, '-n', ns, 'link', 'set', NOVA_BRIDGE, 'up']):
        if not h.cmd_ok(h.run(argv, timeout=10), ' '.join(argv[1:])):
            return

    def links(*args):
        return h.run([ip, '-n', ns, '-o', 'link', 'show'] + list(args), timeout=10).out

    kvm = h.env.get('GENVIRT_ACCEL', 'kvm' if os.access('/dev/kvm', os.R_OK | os.W_OK)
                    else 'tcg') == 'kvm'
    h.diag('host accelerator: %s' % ('kvm' if kvm else 'tcg'))
    docs = [Doc(h, n) for n in DOCS]
    prefix = (ip, 'netns', 'exec', ns)
    d = gi.Daemon(h, prefix=prefix, label='genvirtd (%s)' % ('kvm' if kvm else 'tcg'))
    if not d.start():
        return
    ran = {}
    # the virt-install documents are all named deb11: one at a time
    for doc in docs:
        ran[doc.name] = run_doc(h, d, doc, kvm, links)
        if doc.dom == 'deb11':
            h.cmd_ok(d.virsh('undefine', doc.dom), '%s: undefine' % doc.name)
    if kvm:
        d.stop()

    # under TCG every one runs
    if kvm:
        t = gi.Daemon(h, root=d.root, prefix=prefix, env={'GENVIRT_ACCEL': 'tcg'},
                      label='genvirtd (tcg)')
        if not t.start():
            return
        for doc in docs:
            h.ok(run_doc(h, t, doc, False, links), '%s: runs under TCG' % doc.name)
            if doc.dom == 'deb11':
                h.cmd_ok(t.virsh('undefine', doc.dom), '%s: undefine' % doc.name)
        check_network_default(h, t)
        t.stop()
    else:
        for doc in docs:
            h.ok(ran[doc.name], '%s: runs under TCG' % doc.name)
        check_network_default(h, d)
        d.stop()
    h.ok(gi.wait_until(lambda: not qemus(d), 10)[0], 'no QEMU of this test is left')


if __name__ == '__main__':
    gi.Harness('tooldocs', deadline=400).main(main)
