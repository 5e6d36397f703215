#!/usr/bin/python3
"""Serial ports and consoles on real QEMU: the live XML shows the pty QEMU
opened (DESIGN.md 3; libvirt's live form).

1. A persistent domain with two serial ports (serial 0 is also the console, libvirt's rule)
   and a transient one with a virtio console start.  Each live XML has
   <source path='/dev/pts/N'/> on every <serial> and <console> and tty=
   on the <console>; each path is the one QEMU reports (query-chardev
   through qemu-monitor-command) and is a pty slave that opens; the
   serial console's path is its serial port's; `virsh ttyconsole` prints
   the console's; the paths of the two domains differ.
2. The config file and `dumpxml --inactive` never carry a path; a
   definition that brings one (a copied live XML) is stored without it.
3. The daemon restarts (SIGTERM, start): the live XML still has the same
   paths (kept in the status file), which holds them too.
4. destroy, start: the new QEMU's paths are in the live XML; after the
   last destroy the XML has none.
"""

import json
import os
import re
import stat
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

PTY_MAJORS = range(136, 144)  # Unix98 pty slaves
# libvirt's rule: the first <console> is serial port 0 itself, whatever port it names
SERIALS = """    <serial type='pty'><target port='0'/></serial>
    <serial type='pty'><target port='1'/></serial>
    <console type='pty'><target type='serial' port='1'/></console>
"""
VIRTIO = """    <console type='pty'><target type='virtio'/></console>
"""
CHR_RE = re.compile(r"<(serial|console) type='pty'(?: tty='([^']*)')?>\s*"
                    r"(?:<source path='([^']*)'/>\s*)?<target (?:type='([a-z-]+)' )?"
                    r"port='(\d)'(?:/>|>)")


def chr_devices(xml):
    """[(element, tty, source path, target type, port)] of a domain XML."""
    return [(m.group(1), m.group(2), m.group(3), m.group(4), int(m.group(5)))
            for m in CHR_RE.finditer(xml or '')]


def with_devices(xml, devices):
    return xml.replace('  </devices>', devices + '  </devices>')


def qemu_ptys(d, name):
    """{chardev label: pty path} as QEMU reports them."""
    a = d.qmp(name, {'execute': 'query-chardev'})
    out = {}
    for c in (a or {}).get('return', []):
        if c.get('filename', '').startswith('pty:'):
            out[c['label']] = c['filename'][4:]
    return out


def is_pty_slave(path):
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) in PTY_MAJORS


def opens(path):
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    os.close(fd)
    return True


def check_live(h, d, name, what, want_labels):
    """The live XML's pty paths: QEMU's, ptys, consistent.  Returns them."""
    xml = d.live_xml(name)
    devs = chr_devices(xml)
    h.eq(len(devs), len(want_labels), '%s: the live XML has %d serial/console devices'
         % (what, len(want_labels)), xml)
    ptys = qemu_ptys(d, name)
    got = {}
    for (elem, tty, path, ttype, port), label in zip(devs, want_labels):
        dev = ' '.join(x for x in (elem, ttype, 'port %d' % port) if x)
        h.ok(path and path.startswith('/dev/pts/'), '%s: <%s> has <source path=/dev/pts/N> (%s)'
             % (what, dev, path))
        h.eq(path, ptys.get(label), "%s: <%s>'s path is the one QEMU reports for %s"
             % (what, dev, label), 'query-chardev: %r' % ptys)
        h.ok(is_pty_slave(path) and opens(path), '%s: %s is a pty slave that opens'
             % (what, path))
        if elem == 'console':
            h.eq(tty, path, "%s: the console's tty= is its source path" % what)
        else:
            h.eq(tty, None, '%s: a <serial> has no tty= (as in libvirt)' % what)
        got[(elem, port)] = path
    return got


def check_inactive(h, d, name, what):
    for desc, text in (('config file', d.config_text(name)),
                       ('dumpxml --inactive', d.virsh('dumpxml', '--inactive', name).out)):
        bad = [x for x in chr_devices(text) if x[1] or x[2]]
        h.ok(text and chr_devices(text) and not bad, '%s: the %s has the devices and no pty path'
             % (what, desc), 'with a path: %r' % bad)


def main(h):
    d = gi.Daemon(h)
    if not d.start():
        return
    p_path, p_uid = h.write_domain('chr-p', genid='auto')
    gi.write_file(p_path, with_devices(gi.read_text(p_path), SERIALS))
    t_path, t_uid = h.write_domain('chr-t', genid=None)
    gi.write_file(t_path, with_devices(gi.read_text(t_path), VIRTIO))
    p_labels = ['charserial0', 'charserial1', 'charserial0']
    t_labels = ['charconsole0']

    # 1. start
    h.cmd_ok(d.virsh('define', p_path), 'define chr-p (two serial ports, the console on port 1 becomes serial 0)')
    check_inactive(h, d, 'chr-p', 'defined')
    h.cmd_ok(d.virsh('start', 'chr-p'), 'start chr-p')
    h.cmd_ok(d.virsh('create', t_path), 'create chr-t (transient, a virtio console)')
    p = check_live(h, d, 'chr-p', 'chr-p running', p_labels)
    t = check_live(h, d, 'chr-t', 'chr-t running', t_labels)
    h.eq(p.get(('console', 0)), p.get(('serial', 0)),
         "the serial console's pty is serial port 0's")
    h.ok(p.get(('serial', 0)) != p.get(('serial', 1)), 'the two serial ports have two ptys')
    h.ok(t.get(('console', 0)) not in p.values(), 'the two domains have different ptys')
    r = d.virsh('ttyconsole', 'chr-p')
    h.eq(r.out.strip(), p.get(('console', 0)), "virsh ttyconsole prints the console's pty")

    # 2. never in the config or the inactive XML, not even when defined with one
    check_inactive(h, d, 'chr-p', 'running')
    live = d.live_xml('chr-p')
    copy = os.path.join(h.workdir, 'chr-p-live.xml')
    gi.write_file(copy, live)
    h.cmd_ok(d.virsh('define', copy), 'define chr-p again from its live XML (with pty paths)')
    check_inactive(h, d, 'chr-p', 'redefined from a live XML')
    h.eq(check_live(h, d, 'chr-p', 'chr-p after the redefine', p_labels), p,
         'the running domain keeps its paths')

    # 3. daemon restart: from the status file
    st = gi.read_text(d.status_path('chr-p'))
    h.ok(all(x in st for x in p.values()), 'the status file holds the pty paths')
    d.stop()
    if not d.start():
        return
    h.eq(check_live(h, d, 'chr-p', 'chr-p after a daemon restart', p_labels), p,
         'after a daemon restart the live XML has the same paths (chr-p)')
    h.eq(check_live(h, d, 'chr-t', 'chr-t after a daemon restart', t_labels), t,
         'after a daemon restart the live XML has the same paths (chr-t)')

    # 4. a new QEMU, new paths; none once shut off
    h.cmd_ok(d.virsh('destroy', 'chr-p'), 'destroy chr-p')
    off = d.virsh('dumpxml', 'chr-p').out
    h.ok(chr_devices(off) and not [x for x in chr_devices(off) if x[1] or x[2]],
         'shut off, the XML has no pty path', off)
    h.cmd_ok(d.virsh('start', 'chr-p'), 'start chr-p again')
    check_live(h, d, 'chr-p', 'chr-p started again', p_labels)
    for n in ('chr-p', 'chr-t'):
        d.virsh('destroy', n)
    h.check_no_qemus()
    d.stop()


if __name__ == '__main__':
    gi.Harness('chardev', deadline=120).main(main)
