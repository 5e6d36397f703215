#!/usr/bin/python3
"""<interface type='bridge'> and <interface type='ethernet'> on real QEMU.

In a network namespace of its own (so the host's network is untouched)
with a bridge and an existing tap device, genvirtd runs inside the
namespace (`ip netns exec NS genvirtd`), driven by the stock virsh:

- type='bridge': at start genvirtd opens a new tap (the kernel names it
  gvtapN), gives it the guest's MAC with first byte fe, the <mtu>, brings
  it up and attaches it to the bridge; QEMU gets it as a file descriptor
  (not on its command line by name) and the guest's NIC is on it; the tap
  is gone once the domain is destroyed;
- type='ethernet' with <target dev managed='no'>: QEMU gets the existing
  tap, which outlives the domain;
- the <devices> python3-nova 26 builds for a simple flavor
  (tests/xml2xml/nova-26-devices.xml: a bridge port with <target dev> and
  <mtu>, a serial pty with a <log>) start unchanged but for the image
  paths: the tap has Nova's name and MTU, QEMU writes the console log;
- a missing bridge and a missing tap are refused at start naming them, and
  nothing is left running.
Without root or iproute2 the script skips.
"""

import os
import re
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

BRIDGE = 'gvbr0'
TAP = 'gvtap-eth'
NOVA_BRIDGE = 'brq1a2b3c4d-5e'
NOVA_TAP = 'tap1a2b3c4d-5e'


def with_iface(h, name, iface):
    p, uid = h.write_domain(name, memory_mib=64, genid=None)
    gi.write_file(p, gi.read_text(p).replace('  </devices>', '    %s\n  </devices>' % iface))
    return p, uid


def main(h):
    ip = shutil.which('ip')
    if os.geteuid() != 0 or not ip:
        h.skip('bridge and ethernet interfaces', 'needs root and iproute2 (ip netns)')
        return
    ns = 'gvtap-%d' % (os.getpid() % 10000000)

    def teardown():
        if os.path.exists('/run/netns/' + ns):
            h.run([ip, 'netns', 'del', ns], timeout=10)
    h.at_cleanup(teardown, 'network namespace')
    for argv in ([ip, 'netns', 'add', ns],
                 [ip, '-n', ns, 'link', 'add', BRIDGE, 'type', 'bridge'],
                 [ip, '-n', ns, 'link', 'set', BRIDGE, 'up'],
                 [ip, '-n', ns, 'link', 'add', NOVA_BRIDGE, 'type', 'bridge'],
                 [ip, '-n', ns, 'link', 'set', NOVA_BRIDGE, 'up'],
                 [ip, '-n', ns, 'tuntap', 'add', 'dev', TAP, 'mode', 'tap'],
                 [ip, '-n', ns, 'link', 'set', TAP, 'up']):
        if not h.cmd_ok(h.run(argv, timeout=10), ' '.join(argv[1:])):
            return

    def links(*args):
        return h.run([ip, '-n', ns, '-o', 'link', 'show'] + list(args), timeout=10).out

    d = gi.Daemon(h, prefix=(ip, 'netns', 'exec', ns), label='genvirtd in %s' % ns)
    if not d.start():
        return

    # bridge: a new tap on the bridge, gone with the domain
    mac = '52:54:00:7a:00:01'
    p, uid = with_iface(h, 'br-guest', "<interface type='bridge'><mac address='%s'/>"
                        "<source bridge='%s'/><model type='virtio'/><mtu size='1400'/>"
                        "</interface>" % (mac, BRIDGE))
    h.cmd_ok(d.virsh('define', p), 'br-guest: define')
    h.cmd_ok(d.virsh('start', 'br-guest'), 'br-guest: start')
    ports = links('master', BRIDGE)
    m = re.search(r'\d+: (gvtap\d+):.* mtu (\d+) .*link/ether ([0-9a-f:]+)', ports)
    h.ok(m, 'br-guest: a gvtapN device is on bridge %s' % BRIDGE, ports)
    if m:
        h.eq(m.group(2), '1400', 'br-guest: the tap has the <mtu>')
        h.eq(m.group(3), 'fe' + mac[2:], "br-guest: the tap has the guest's MAC with fe first")
        for pid in gi.qemu_pids_by_uuid(uid):
            cmd = b' '.join(gi.proc_cmdline(pid)).decode(errors='replace')
            h.ok(re.search(r'-netdev tap,fd=\d+,id=hostnet0', cmd) and m.group(1) not in cmd,
                 'br-guest: QEMU gets the tap as a file descriptor', cmd)
    net = d.qmp('br-guest', {'execute': 'human-monitor-command',
                             'arguments': {'command-line': 'info network'}}) or {}
    h.ok('tap' in net.get('return', '') and mac in net.get('return', ''),
         'br-guest: the guest NIC is on the tap (info network)', repr(net))
    h.cmd_ok(d.virsh('destroy', 'br-guest'), 'br-guest: destroy')
    gone = gi.wait_until(lambda: 'gvtap' not in links('master', BRIDGE), 10)[0]
    h.ok(gone, 'br-guest: its tap is gone after destroy', links())

    # ethernet: the existing tap, which stays
    p, uid = with_iface(h, 'eth-guest', "<interface type='ethernet'><mac address="
                        "'52:54:00:7a:00:02'/><target dev='%s' managed='no'/>"
                        "<model type='e1000'/></interface>" % TAP)
    h.cmd_ok(d.virsh('define', p), 'eth-guest: define')
    h.cmd_ok(d.virsh('start', 'eth-guest'), 'eth-guest: start')
    net = d.qmp('eth-guest', {'execute': 'human-monitor-command',
                              'arguments': {'command-line': 'info network'}}) or {}
    h.ok('tap' in net.get('return', ''), 'eth-guest: the NIC is on a tap', repr(net))
    h.cmd_ok(d.virsh('destroy', 'eth-guest'), 'eth-guest: destroy')
    h.ok(TAP in links(TAP), 'eth-guest: the existing tap %s outlives the domain' % TAP)

    # what Nova writes
    nova = os.path.join(h.workdir, 'nova')
    os.makedirs(nova)
    h.run(['/usr/bin/qemu-img', 'create', '-q', '-f', 'qcow2', os.path.join(nova, 'disk'), '32M'])
    h.run(['/usr/bin/qemu-img', 'create', '-q', '-f', 'raw', os.path.join(nova, 'disk.config'),
           '1M'])
    text = gi.read_text(os.path.join(h.srcdir, 'tests', 'xml2xml', 'nova-26-devices.xml'))
    uid = h.new_uuid()
    text = re.sub(r'<uuid>[^<]*</uuid>', '<uuid>%s</uuid>' % uid, text, count=1)
    text = text.replace('/var/lib/genvirt/images/nova', nova)
    p = os.path.join(h.workdir, 'nova-26-devices.xml')
    gi.write_file(p, text)
    h.cmd_ok(d.virsh('define', p), 'nova: define the devices python3-nova builds')
    h.cmd_ok(d.virsh('start', 'nova-26-devices'), 'nova: start')
    port = links(NOVA_TAP)
    h.ok('master %s' % NOVA_BRIDGE in port and ' mtu 1450 ' in port,
         "nova: tap %s is on %s with Nova's MTU" % (NOVA_TAP, NOVA_BRIDGE), port)
    h.ok(gi.wait_until(lambda: os.path.exists(os.path.join(nova, 'console.log')), 10)[0],
         'nova: QEMU writes the serial console log')
    h.cmd_ok(d.virsh('destroy', 'nova-26-devices'), 'nova: destroy')
    h.ok(gi.wait_until(lambda: NOVA_TAP not in links(), 10)[0], 'nova: its tap is gone')

    # refused: no such bridge, no such tap
    for name, iface, word in (
            ('nobr', "<interface type='bridge'><source bridge='gvnobr'/></interface>", 'gvnobr'),
            ('notap', "<interface type='ethernet'><target dev='gvnotap' managed='no'/>"
             "</interface>", 'gvnotap')):
        p, uid = with_iface(h, name, iface)
        h.cmd_ok(d.virsh('define', p), '%s: define' % name)
        r = d.virsh('start', name)
        h.cmd_fails(r, '%s: start is refused naming %s' % (name, word), (word,))
        h.diag('error: %s' % r.err.strip())
        h.eq(gi.qemu_pids_by_uuid(uid), [], '%s: no QEMU is left' % name)
        h.ok('gvtap' not in links('master', BRIDGE), '%s: no tap is left on the bridge' % name)
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('tap', deadline=240).main(main)
