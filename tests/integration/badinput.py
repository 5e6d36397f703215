#!/usr/bin/python3
"""Bad input on start, real QEMU and genvirtd.

Through the stock virsh, genvirsh and python3-libvirt, starting
- a domain whose qcow2 disk file does not exist,
- a domain whose <emulator> does not exist (never did),
- a domain whose <emulator> disappeared after define (a symlink to QEMU,
  removed),
fails with a clear error naming the path; nothing is left running (no QEMU
for the domain, no status file, no monitor socket), the config file is
byte-identical (same mode too), and the domain is shut off.  create FILE
(transient) of such a domain fails the same way and leaves no domain behind.
A disk file that exists but that QEMU rejects (an empty file declared qcow2)
also fails and leaves nothing running.  Afterwards a good domain still
starts, with its GUID checked against QEMU.
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402


def nothing_left(h, d, name, uid, cfg_before, label, persistent=True):
    h.eq(gi.qemu_pids_by_uuid(uid), [], '%s: no QEMU runs for %s' % (label, name))
    h.eq(gi.qemu_pids_under(d.root), [], '%s: no QEMU at all under this --root' % label)
    h.ok(not os.path.exists(d.status_path(name)) and not d.stray_monitors(),
         '%s: no status file or monitor socket for %s' % (label, name),
         repr(sorted(os.listdir(d.qemudir)) if os.path.isdir(d.qemudir) else None))
    if persistent:
        after = (gi.read_bytes(d.config_path(name)), gi.file_mode(d.config_path(name)))
        h.ok(after == cfg_before, '%s: the config of %s is byte-identical, same mode' % (label,
             name), 'before:\n%s\nafter:\n%s' % (cfg_before[0].decode(), after[0].decode()))
        st = d.domstate(name) or ''
        h.ok(st.startswith('shut off'), '%s: %s is shut off (%s)' % (label, name, st))
    else:
        h.ok(name not in (d.names('--all') or [name]), '%s: no domain %s is left' % (label, name))
        h.ok(not os.path.exists(d.config_path(name)), '%s: no config file written' % label)


def main(h):
    d = gi.Daemon(h)
    if not d.start():
        return
    clients = (gi.Virsh(d), gi.Genvirsh(d), gi.Py(d))
    missing_disk = os.path.join(h.workdir, 'no-such-dir', 'missing-disk.qcow2')
    missing_emu = os.path.join(h.workdir, 'no-such-dir', 'qemu-system-x86_64')
    gone_emu = os.path.join(h.workdir, 'qemu-link')
    os.symlink(gi.QEMU, gone_emu)
    cases = [
        ('bad-disk', dict(disks=[('qcow2', missing_disk)]), missing_disk),
        ('bad-emu', dict(emulator=missing_emu), missing_emu),
        ('gone-emu', dict(emulator=gone_emu), gone_emu),
    ]
    for name, kw, path in cases:
        p, uid = h.write_domain(name, memory_mib=64, genid='auto', **kw)
        h.cmd_ok(d.virsh('define', p), 'define %s' % name)
        if name == 'gone-emu':
            os.unlink(gone_emu)
        cfg = (gi.read_bytes(d.config_path(name)), gi.file_mode(d.config_path(name)))
        for c in clients:
            r = c.start(name)
            h.cmd_fails(r, '%s: start %s fails naming %s' % (c.label, name, path), (path,))
            h.diag('error: %s' % r.err.strip().replace('\n', ' | '))
            nothing_left(h, d, name, uid, cfg, c.label)

    # transient create of the same bad domains
    for name, kw, path in cases[:2]:
        tname = 't' + name
        p, uid = h.write_domain(tname, memory_mib=64, genid='auto', **kw)
        for c in clients:
            r = c.create(p)
            h.cmd_fails(r, '%s: create %s fails naming %s' % (c.label, tname, path), (path,))
            nothing_left(h, d, tname, uid, None, c.label, persistent=False)

    # a disk that exists, but QEMU rejects it
    empty = os.path.join(h.workdir, 'empty.qcow2')
    open(empty, 'wb').close()
    p, uid = h.write_domain('bad-image', memory_mib=64, genid='auto', disks=[('qcow2', empty)])
    h.cmd_ok(d.virsh('define', p), 'define bad-image (an empty file as a qcow2 disk)')
    cfg = (gi.read_bytes(d.config_path('bad-image')), gi.file_mode(d.config_path('bad-image')))
    r = d.virsh('start', 'bad-image')
    h.cmd_fails(r, 'virsh: start bad-image fails')
    h.diag('error: %s' % r.err.strip().replace('\n', ' | '))
    nothing_left(h, d, 'bad-image', uid, cfg, 'virsh')
    h.ok(empty in r.err or 'qcow2' in r.err, "the error carries QEMU's reason (it names the "
         'image or its format)', r.describe())

    # the daemon is fine: a good domain starts
    p, uid = h.write_domain('good', memory_mib=64, genid='auto')
    h.cmd_ok(d.virsh('define', p), 'define good')
    h.cmd_ok(d.virsh('start', 'good'), 'start good')
    g = d.config_guid('good')
    h.eq((d.domgenid('good'), d.qmp_guid('good')), (g, g), 'good: GUID checked against QEMU')
    h.cmd_ok(d.virsh('destroy', 'good'), 'destroy good')
    clients[2].close()
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('badinput', deadline=180).main(main)
