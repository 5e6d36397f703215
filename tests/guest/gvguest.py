"""gvguest: a real Linux guest as the witness of its generation ID.

Every script is run as
    /usr/bin/python3 tests/guest/X.py GENVIRTD GENVIRSH SRCDIR
with GVGUEST_WITNESS naming the static witness program (witness.c, built
by meson), and prints TAP.  It builds on tests/snapmig/gvsm.py and
tests/integration/gvinteg.py (Harness, Daemon, TAP, bounded waits, the
cleanup that kills every QEMU of the test by pid).  Nothing is mocked:
genvirtd runs QEMU, QEMU boots Debian's own kernel, and what the test
checks is what that kernel and the witness print on the serial console.

- GuestFiles: the kernel (scripts/guest-kernel.sh puts Debian's vmlinuz,
  the vmlinux inside it and qemu_fw_cfg.ko in $GENVIRT_GUEST_DIR, default
  /var/cache/genvirt/guest; the guest boots vmlinux through its PVH entry,
  which spares TCG the XZ decompressor) and busybox-static's /bin/busybox.
- build_initramfs: mkinitramfs.sh, in the test run: a newc cpio (the `cpio`
  program), gzip'd: /init (init.sh), /bin/busybox, /bin/witness,
  /lib/qemu_fw_cfg.ko.
- guest_xml: a domain with direct kernel boot (<os><kernel>, <initrd>,
  <cmdline>), a qcow2 disk (internal snapshots live in it), a serial pty
  that is also the console, and a genid device; type='qemu' (TCG) unless
  GENVIRT_ACCEL=kvm.
- Console: reads a pty (the path in the live XML) on a thread, stamping
  each line with the host's monotonic clock; Witness keeps the parsed
  "GVW" lines of every console a domain had, and waits for lines.
"""

import os
import re
import select
import subprocess
import sys
import termios
import threading
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'snapmig'))
import gvsm  # noqa: E402
from gvsm import read_text, wait_until, write_file  # noqa: E402,F401

GUEST_DIR = os.environ.get('GENVIRT_GUEST_DIR', '/var/cache/genvirt/guest')
BUSYBOX = '/bin/busybox'
CPIO = '/usr/bin/cpio'
# quiet: only the witness speaks on the console (a verbose boot on a TCG
# serial port is slow).  notsc: the guest's clocks come from the HPET and
# jiffies, which follow QEMU's virtual clock, instead of a TSC the kernel
# calibrates against the PIT at boot, which on a busy host can come out
# wrong (a guest clock running three times too fast was seen); the test
# times a reseed with the guest's clock.
CMDLINE = 'console=ttyS0 quiet notsc'
STATE_RE = re.compile(r'GVW (GEN|TICK) seq=(\d+) up=([0-9.]+) boot=(\S+) dev=(\S+) crng=(\d) '
                      r'guid=(\S+) fwcfg=(\S+) reseed=(\d+) rts=([0-9.]+) gpe05=(\d+)')
KMSG_RE = re.compile(r'GVW KMSG ts=([0-9.]+) (.*)')
RESEED_MSG = 'crng reseeded due to virtual machine fork'
PTY_RE = re.compile(r"<serial type='pty'>\s*<source path='([^']+)'/>")


# ---- the guest's files -------------------------------------------------------

def elf_is_static(path):
    """An ELF executable without a program interpreter (PT_INTERP)."""
    import struct
    with open(path, 'rb') as f:
        head = f.read(64)
        if head[:4] != b'\x7fELF' or head[4] != 2:
            return False
        phoff, = struct.unpack_from('<Q', head, 32)
        phentsize, phnum = struct.unpack_from('<HH', head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return all(struct.unpack_from('<I', table, i * phentsize)[0] != 3 for i in range(phnum))


class GuestFiles:
    def __init__(self, witness):
        self.kernel = os.path.join(GUEST_DIR, 'vmlinux')
        self.bzimage = os.path.join(GUEST_DIR, 'vmlinuz')
        self.fwcfg = os.path.join(GUEST_DIR, 'qemu_fw_cfg.ko')
        self.version_file = os.path.join(GUEST_DIR, 'VERSION')
        self.busybox = BUSYBOX
        self.witness = witness

    def kernel_for(self, machine):
        """vmlinux (PVH), except on machine types before 4.0, whose QEMU
        loader has no PVH: they boot the vmlinuz and its decompressor."""
        m = re.match(r'^pc-(?:i440fx|q35)-(\d+)\.(\d+)$', machine)
        if m and (int(m.group(1)), int(m.group(2))) < (4, 0):
            return self.bzimage
        return self.kernel

    def problems(self):
        """What is missing, in words (empty when all is there)."""
        out = []
        for p in (self.kernel, self.bzimage, self.fwcfg, self.version_file):
            if not os.path.isfile(p):
                out.append('%s is missing: run scripts/install-deps.sh (it runs '
                           'scripts/guest-kernel.sh)' % p)
        if not os.path.isfile(self.busybox) or not elf_is_static(self.busybox):
            out.append('%s is not a static busybox: install busybox-static '
                       '(scripts/install-deps.sh)' % self.busybox)
        if not os.path.isfile(CPIO):
            out.append('%s is missing: install cpio (scripts/install-deps.sh)' % CPIO)
        if not self.witness or not os.path.isfile(self.witness) or \
                not elf_is_static(self.witness):
            out.append('the witness program %r is not a static executable (GVGUEST_WITNESS)'
                       % self.witness)
        return out

    def version(self):
        try:
            return read_text(self.version_file).strip()
        except OSError:
            return '?'


def build_initramfs(h, files):
    """The initramfs, made now by mkinitramfs.sh (cpio, gzip); returns its path."""
    out = os.path.join(h.workdir, 'init.cpio.gz')
    r = h.run(['bash', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mkinitramfs.sh'),
               out, files.witness, GUEST_DIR], timeout=120)
    if r.rc != 0:
        raise RuntimeError('mkinitramfs.sh failed\n' + r.describe())
    return out


def guest_xml(name, uid, machine, kernel, initrd, disk, memory_mib=160, dtype=None):
    dtype = dtype or ('kvm' if os.environ.get('GENVIRT_ACCEL') == 'kvm' else 'qemu')
    return '\n'.join([
        "<domain type='%s'>" % dtype,
        '  <name>%s</name>' % name,
        '  <uuid>%s</uuid>' % uid,
        "  <memory unit='MiB'>%d</memory>" % memory_mib,
        '  <vcpu>1</vcpu>',
        '  <os>',
        "    <type arch='x86_64' machine='%s'>hvm</type>" % machine,
        '    <kernel>%s</kernel>' % kernel,
        '    <initrd>%s</initrd>' % initrd,
        '    <cmdline>%s</cmdline>' % CMDLINE,
        '  </os>',
        '  <features>',
        '    <acpi/>',
        '  </features>',
        '  <devices>',
        "    <disk type='file' device='disk'>",
        "      <driver name='qemu' type='qcow2'/>",
        "      <source file='%s'/>" % disk,
        "      <target dev='vda' bus='virtio'/>",
        '    </disk>',
        "    <serial type='pty'>",
        "      <target port='0'/>",
        '    </serial>',
        "    <console type='pty'>",
        "      <target type='serial' port='0'/>",
        '    </console>',
        "    <genid model='vmgenid'><guid auto='yes'/></genid>",
        '  </devices>',
        '</domain>',
        ''])


def pty_of(xml):
    """The serial port's pty path in a live XML, or None."""
    m = PTY_RE.search(xml or '')
    return m.group(1) if m else None


# ---- the console ---------------------------------------------------------------

class Line:
    __slots__ = ('t', 'text', 'kind', 'seq', 'up', 'boot', 'dev', 'crng', 'guid', 'fwcfg',
                 'reseed', 'rts', 'gpe05', 'ts', 'msg', 'console')

    def __init__(self, t, text, console):
        self.t, self.text, self.console = t, text, console
        self.kind = None
        m = STATE_RE.search(text)
        if m:
            self.kind = m.group(1)
            self.seq, self.up = int(m.group(2)), float(m.group(3))
            self.boot, self.dev, self.crng = m.group(4), m.group(5), int(m.group(6))
            self.guid, self.fwcfg = m.group(7), m.group(8)
            self.reseed, self.rts = int(m.group(9)), float(m.group(10))
            self.gpe05 = int(m.group(11))
            return
        m = KMSG_RE.search(text)
        if m:
            self.kind = 'KMSG'
            self.ts, self.msg = float(m.group(1)), m.group(2)

    @property
    def state(self):
        return self.kind in ('GEN', 'TICK')

    def short(self):
        if self.state:
            return '%s seq=%d up=%.3f boot=%s guid=%s reseed=%d gpe05=%d crng=%d dev=%s' % (
                self.kind, self.seq, self.up, self.boot[:8], self.guid, self.reseed,
                self.gpe05, self.crng, self.dev)
        return self.text


class Console(threading.Thread):
    """The host end of a guest's serial pty: every line, with the time it
    arrived, goes to @sink(Line).  The slave is put in raw mode, so that
    nothing is echoed back to the guest."""

    def __init__(self, path, sink, log):
        super().__init__(daemon=True)
        self.path, self.sink, self.log = path, sink, log
        self.fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(self.fd, termios.TCSANOW)
        self.stop_ev = threading.Event()
        self.start()

    def run(self):
        buf = b''
        while not self.stop_ev.is_set():
            try:
                r, _, _ = select.select([self.fd], [], [], 0.1)
            except (OSError, ValueError):
                return
            if not r:
                continue
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                return  # EIO: QEMU closed the master
            if not data:
                return
            t = time.monotonic()
            self.log.write(data)
            self.log.flush()
            buf += data
            while b'\n' in buf:
                raw, buf = buf.split(b'\n', 1)
                text = raw.decode('utf-8', 'replace').strip('\r\x00 ')
                if text:
                    self.sink(Line(t, text, self.path))

    def close(self):
        self.stop_ev.set()
        self.join(2)
        try:
            os.close(self.fd)
        except OSError:
            pass


class Witness:
    """What one domain's guest printed, across the ptys of all its QEMUs."""

    def __init__(self, h, name):
        self.h, self.name = h, name
        self.lines = []
        self.cond = threading.Condition()
        self.console = None
        self.log = open(os.path.join(h.workdir, 'console-%s.log' % name), 'ab')
        h.at_cleanup(self.close, 'console of %s' % name)

    def _add(self, line):
        with self.cond:
            self.lines.append(line)
            self.cond.notify_all()

    def attach(self, path, fresh=False):
        """Reads @path from now on (the old pty, if another or @fresh, is closed)."""
        if self.console and self.console.path == path and self.console.is_alive() and \
                not fresh:
            return True
        if self.console:
            self.console.close()
            self.console = None
        if not path:
            return False
        self.log.write(('\n--- %s attached at %.3f\n' % (path, time.monotonic())).encode())
        self.console = Console(path, self._add, self.log)
        return True

    def close(self):
        if self.console:
            self.console.close()
            self.console = None
        self.log.close()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def since(self, mark):
        with self.cond:
            return list(self.lines[mark:])

    def wait(self, pred, timeout, since=0):
        """The first line from index @since on for which pred(line) holds,
        waiting at most @timeout seconds; or None."""
        deadline = time.monotonic() + max(0.0, min(timeout, self.h.remaining() - 10))
        i = since
        with self.cond:
            while True:
                while i < len(self.lines):
                    if pred(self.lines[i]):
                        return self.lines[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.2))

    def last_state(self, since=0):
        for line in reversed(self.since(since)):
            if line.state:
                return line
        return None

    def tail(self, n=12):
        return '\n'.join(l.short() for l in self.since(max(0, self.mark() - n)))
