#!/usr/bin/python3
"""Direct kernel boot (<os>/<kernel>, <initrd>, <cmdline>), real QEMU and genvirtd.

A tiny multiboot kernel (testkernel.py) boots with an initrd and a command
line through the stock virsh, genvirsh and python3-libvirt.  The guest
leaves a witness in its RAM, read back over QMP (pmemsave): the multiboot
magic it was entered with, one module whose first bytes are the initrd's,
and the command line.  So the kernel ran, and QEMU handed it exactly the
initrd and command line of the XML.  The live XML (dumpxml) carries the
three elements, and the genid GUID is checked against QEMU as usual.

Then the daemon's own checks at start, each through all three clients:
a missing kernel, a missing initrd, a directory as the kernel, an empty
kernel, a file that is no kernel, a FIFO as the initrd, and an initrd path
with a space for a multiboot kernel (QEMU would split it) fail with one
clear error naming the file and its element; nothing is left running, the
config is byte-identical and the domain stays shut off.  Define refuses a
relative kernel path and an initrd without a kernel, naming the element.
Afterwards the good domain starts again.
"""

import os
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402
import testkernel  # noqa: E402

# SeaBIOS takes a few seconds before it hands over to the kernel (TCG: more)
BOOT_TIMEOUT = 60.0


def witness(h, d, name):
    """The guest's witness (testkernel.parse_witness) once it is written, or None."""
    fd, path = tempfile.mkstemp(prefix='witness-', dir=h.workdir)
    os.close(fd)

    def read():
        a = d.qmp(name, {'execute': 'pmemsave',
                         'arguments': {'val': testkernel.WITNESS_ADDR,
                                       'size': testkernel.WITNESS_LEN, 'filename': path}})
        if a is None or 'return' not in a:
            return None
        w = testkernel.parse_witness(gi.read_bytes(path))
        return w if w['eax'] else None
    return gi.wait_until(read, BOOT_TIMEOUT, interval=0.25)[0]


def nothing_left(h, d, name, uid, cfg_before, label):
    h.eq(gi.qemu_pids_by_uuid(uid), [], '%s: no QEMU runs for %s' % (label, name))
    after = (gi.read_bytes(d.config_path(name)), gi.file_mode(d.config_path(name)))
    h.ok(after == cfg_before, '%s: the config of %s is byte-identical, same mode' % (label, name))
    st = d.domstate(name) or ''
    h.ok(st.startswith('shut off'), '%s: %s is shut off (%s)' % (label, name, st))


def main(h):
    bootdir = os.path.join(h.workdir, 'boot files')   # a space in the path
    os.mkdir(bootdir, 0o700)
    kernel = testkernel.write_kernel(os.path.join(bootdir, 'kernel,1'))   # and a comma
    initrd_data = b'GENVIRT-INITRD-1' + os.urandom(48)
    # QEMU splits a multiboot initrd at spaces and commas: none here
    initrd = testkernel.write_initrd(os.path.join(h.workdir, 'initrd.img'), initrd_data)
    spaced = testkernel.write_initrd(os.path.join(bootdir, 'initrd.img'))
    cmdline = "console=ttyS0 genvirt.witness=k1 quote='a&b'"

    d = gi.Daemon(h)
    if not d.start():
        return
    clients = (gi.Virsh(d), gi.Genvirsh(d), gi.Py(d))

    p, uid = h.write_domain('kboot', memory_mib=64, genid='auto', kernel=kernel, initrd=initrd,
                            cmdline=cmdline)
    h.cmd_ok(d.virsh('define', p), 'define kboot (kernel, initrd, cmdline)')
    for c in clients:
        r = c.start('kboot')
        if not h.cmd_ok(r, '%s: start kboot' % c.label):
            h.diag(d.log_tail())
            continue
        w = witness(h, d, 'kboot')
        h.ok(w is not None, '%s: the kernel ran (its witness is in guest RAM)' % c.label)
        if w:
            h.eq(w['eax'], testkernel.ENTRY_EAX, '%s: entered by a multiboot loader' % c.label)
            h.eq(w['mods'], 1, '%s: one module: the initrd' % c.label)
            h.eq(w['module'], initrd_data[:16], "%s: the module is the initrd's bytes" % c.label)
            h.ok(w['cmdline'].endswith(' ' + cmdline),
                 '%s: the guest got the command line of the XML' % c.label, repr(w['cmdline']))
        xml = d.live_xml('kboot') or ''
        h.ok(('<kernel>%s</kernel>' % kernel) in xml and ('<initrd>%s</initrd>' % initrd) in xml
             and ('<cmdline>%s</cmdline>' % gi.xml_escape(cmdline)) in xml,
             '%s: the live XML has kernel, initrd and cmdline' % c.label, xml)
        g = d.config_guid('kboot')
        h.eq((d.domgenid('kboot'), d.qmp_guid('kboot')), (g, g),
             '%s: GUID checked against QEMU' % c.label)
        h.cmd_ok(d.virsh('destroy', 'kboot'), '%s: destroy kboot' % c.label)

    # the daemon opens and checks the files at start
    fifo = os.path.join(bootdir, 'fifo')
    os.mkfifo(fifo, 0o600)
    empty = os.path.join(bootdir, 'empty')
    open(empty, 'wb').close()
    notkernel = os.path.join(bootdir, 'notkernel')
    gi.write_file(notkernel, 'this is no kernel\n' * 64)
    missing = os.path.join(bootdir, 'missing-kernel')
    cases = [
        ('k-missing', dict(kernel=missing), missing, 'No such file or directory'),
        ('i-missing', dict(kernel=kernel, initrd=missing), missing, 'No such file or directory'),
        ('k-dir', dict(kernel=bootdir), bootdir, 'not a regular file'),
        ('k-empty', dict(kernel=empty), empty, 'is empty'),
        ('k-notkernel', dict(kernel=notkernel), notkernel, 'not a kernel QEMU can boot'),
        ('i-fifo', dict(kernel=kernel, initrd=fifo), fifo, 'not a regular file'),
        ('i-spaced', dict(kernel=kernel, initrd=spaced), spaced,
         'QEMU splits a multiboot initrd at spaces and commas'),
    ]
    for name, kw, path, why in cases:
        what = '<os>/<initrd>' if name.startswith('i-') else '<os>/<kernel>'
        p, uid = h.write_domain(name, memory_mib=64, genid='auto', **kw)
        h.cmd_ok(d.virsh('define', p), 'define %s' % name)
        cfg = (gi.read_bytes(d.config_path(name)), gi.file_mode(d.config_path(name)))
        for c in clients:
            r = c.start(name)
            h.cmd_fails(r, '%s: start %s fails naming %s, %s and why' % (c.label, name, path, what),
                        (path, what, why))
            nothing_left(h, d, name, uid, cfg, c.label)
        h.diag('error: %s' % r.err.strip().replace('\n', ' | '))

    # define refuses what can never boot
    for name, kw, msg in [
            ('k-relative', dict(kernel='boot/vmlinuz'),
             "kernel 'boot/vmlinuz' in <os>/<kernel> is not an absolute path"),
            ('i-nokernel', dict(initrd=initrd), '<initrd> in <os> needs a <kernel>')]:
        p, uid = h.write_domain(name, memory_mib=64, genid='auto', **kw)
        for c in clients:
            h.cmd_fails(c.define(p), '%s: define %s fails: %s' % (c.label, name, msg), (msg,))
        h.ok(name not in (d.names('--all') or [name]), 'no domain %s was defined' % name)

    # the daemon still serves, and the good domain boots again
    h.cmd_ok(d.virsh('start', 'kboot'), 'start kboot again')
    h.ok(witness(h, d, 'kboot') is not None, 'kboot: the kernel ran again')
    h.cmd_ok(d.virsh('destroy', 'kboot'), 'destroy kboot')
    clients[2].close()
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('kernelboot', deadline=400).main(main)
