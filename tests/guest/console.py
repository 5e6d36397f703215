#!/usr/bin/python3
"""The serial console through libvirt's stream protocol, on a real guest.

The witness guest (gvguest.py) prints a heartbeat line on its serial
console several times a second.  Here nothing but the console streams read
that pty: `virsh console NAME` (under a pseudo-terminal, as a user runs it)
shows the guest's lines and detaches on Ctrl-]; a second session is refused
while one is active, and `--force` takes the console over (the first one
ends); python3-libvirt's openConsole() stream receives the same lines and
finishes cleanly; a read-only connection is refused; and when the guest
stops, an attached virsh console ends by itself (end of file on the stream).
"""

import os
import pty
import select
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvguest as gg  # noqa: E402
import gvsm  # noqa: E402

import libvirt  # noqa: E402

BOOT_TIMEOUT = 240.0
HEARTBEAT = b'GVW '


class VirshConsole:
    """`virsh console` on a pseudo-terminal of its own; collects its output."""

    def __init__(self, h, uri, name, *flags):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(gvsm.VIRSH, [gvsm.VIRSH, '-c', uri, 'console'] + list(flags) + [name],
                      h.env)
        self.out = b''
        self.lock = threading.Lock()
        self.status = None
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        while True:
            try:
                r, _, _ = select.select([self.fd], [], [], 0.5)
            except (OSError, ValueError):
                break
            if not r:
                if self.exited():
                    break
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            with self.lock:
                self.out += data

    def text(self):
        with self.lock:
            return self.out

    def wait_for(self, needle, timeout, since=0):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if needle in self.text()[since:]:
                return True
            time.sleep(0.1)
        return False

    def exited(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(st)
        return self.status is not None

    def wait_exit(self, timeout):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.exited():
                return self.status
            time.sleep(0.05)
        return None

    def send(self, data):
        os.write(self.fd, data)

    def kill(self):
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            self.wait_exit(5)
        try:
            os.close(self.fd)
        except OSError:
            pass


def python_console(h, S, name):
    conn = libvirt.open(S.uri)
    dom = conn.lookupByName(name)
    st = conn.newStream(0)
    dom.openConsole(None, st, 0)
    got = b''
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10 and got.count(HEARTBEAT) < 3:
        got += st.recv(4096)
    h.ok(got.count(HEARTBEAT) >= 3,
         'python3-libvirt: openConsole() stream receives the guest\'s heartbeat lines',
         repr(got[-300:]))
    st.finish()
    h.ok(True, 'python3-libvirt: the stream finishes cleanly (finish answered)')
    conn.close()

    ro = libvirt.openReadOnly(S.uri_ro if hasattr(S, 'uri_ro') else S.uri)
    dom = ro.lookupByName(name)
    st = ro.newStream(0)
    try:
        dom.openConsole(None, st, 0)
        refused = None
    except libvirt.libvirtError as e:
        refused = str(e)
    h.ok(refused is not None and 'read only' in refused,
         'a read-only connection may not open the console', refused)
    ro.close()


def main(h):
    files = gg.GuestFiles(os.environ.get('GVGUEST_WITNESS'))
    problems = files.problems()
    if not h.ok(not problems, 'the guest kernel, busybox-static, cpio and the witness are there',
                '\n'.join(problems)):
        return
    initrd = gg.build_initramfs(h, files)
    S = gvsm.Daemon(h, label='host')
    if not S.start():
        return
    name = 'console-pc'
    uid = h.new_uuid()
    disk = h.image(name)
    path = os.path.join(h.workdir, name + '.xml')
    gg.write_file(path, gg.guest_xml(name, uid, 'pc', files.kernel_for('pc'), initrd, disk))
    h.cmd_ok(S.virsh('define', path), 'define %s (direct kernel boot)' % name)
    h.cmd_ok(S.virsh('start', name), 'start %s' % name)

    # 1. virsh console shows what the guest prints, from its boot on
    a = VirshConsole(h, S.uri, name)
    booted = a.wait_for(HEARTBEAT, BOOT_TIMEOUT)
    h.ok(booted, 'virsh console shows the guest\'s serial output (its heartbeat lines)',
         repr(a.text()[-800:]))
    if not booted:
        a.kill()
        return
    h.ok(b'Connected to domain' in a.text() and b'Escape character is ^]' in a.text(),
         'virsh console printed its greeting')

    # 2. a second session is refused while this one is active
    second = VirshConsole(h, S.uri, name)
    st = second.wait_exit(20)
    h.ok(st not in (0, None) and b'Active console session exists for this domain' in second.text(),
         'a second virsh console is refused while one is active (exit %r)' % st,
         repr(second.text()[-300:]))
    second.kill()

    # 3. --force takes the console over; the first session ends
    b = VirshConsole(h, S.uri, name, '--force')
    mark = len(b.text())
    h.ok(b.wait_for(HEARTBEAT, 15, mark), 'virsh console --force shows the heartbeat')
    st = a.wait_exit(15)
    h.ok(st is not None, 'the session it took over ends (virsh exits %r)' % st, repr(a.text()[-300:]))
    a.kill()

    # 4. Ctrl-] detaches
    b.send(b'\x1d')
    st = b.wait_exit(15)
    h.eq(st, 0, 'Ctrl-] detaches: virsh console exits 0')
    b.kill()

    # 5. python3-libvirt's stream
    python_console(h, S, name)

    # 6. the guest stops while a console is attached: the session ends by itself
    c = VirshConsole(h, S.uri, name)
    h.ok(c.wait_for(HEARTBEAT, 15), 'a new virsh console attaches after the others ended')
    h.cmd_ok(S.virsh('destroy', name), 'destroy %s while a console is attached' % name)
    st = c.wait_exit(15)
    h.ok(st is not None, 'the attached virsh console ends when the guest stops (exit %r)' % st,
         repr(c.text()[-300:]))
    c.kill()
    h.ok(S.serving(), 'the daemon serves after every console session ended')
    S.virsh('undefine', name)
    S.stop()


if __name__ == '__main__':
    gvsm.Harness('console', deadline=400).main(main)
