"""tooltest: shared helpers for the real-tool tests (meson suite 'tools').

Each script here runs one real client program of the libvirt ecosystem,
as Debian 12 ships it, against a real genvirtd on a private --root that
starts real QEMU: virt-install, virt-xml and virt-clone (virtinst.py),
go-libvirt (golibvirt.py), Sys::Virt (sysvirt.py), Ansible's
community.libvirt.virt module (ansible.py), virt-manager under Xvfb
(virt-manager.py) and libvirt-dbus on a private bus (libvirt-dbus.py).
The programs are installed by scripts/install-deps.sh; a script whose
program is not installed prints `1..0 # SKIP` naming the package, and
nothing else is ever skipped.

The harness is tests/interop/gvtest.py (itself tests/integration/gvinteg.py):
TAP, a private 0700 work directory with its own HOME, a watchdog, and a
cleanup that stops every daemon and kills, by pid, every QEMU the test
started.  Guests run under TCG unless GENVIRT_ACCEL says otherwise.

Usage of every script: X.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import re
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import gvtest  # noqa: E402,F401
from gvtest import read_text  # noqa: E402,F401

QEMU_IMG = '/usr/bin/qemu-img'


def require(what):
    """{path: package}: prints the TAP plan `1..0 # SKIP` and exits when a
    program of a package is missing (before any harness is made)."""
    missing = sorted({pkg for path, pkg in what.items() if not os.path.exists(path)})
    if missing:
        print('1..0 # SKIP not installed: %s (scripts/install-deps.sh installs it)'
              % ', '.join(missing))
        sys.exit(0)


def accel_env(h):
    """The daemon's environment: TCG unless the run chose an accelerator."""
    return {'GENVIRT_ACCEL': h.env.get('GENVIRT_ACCEL') or 'tcg'}


def daemon(h, args=(), label=None):
    """A started genvirtd on a private root (None if it did not start: the
    failure is already reported)."""
    d = gvtest.Daemon(h, env=accel_env(h), args=list(args), label=label)
    return d if d.start() else None


def disk_image(h, name, size='64M'):
    """A fresh empty qcow2 image in the work directory."""
    path = os.path.join(h.workdir, name)
    r = h.run([QEMU_IMG, 'create', '-q', '-f', 'qcow2', path, size], timeout=30)
    if r.rc != 0:
        raise gvtest.Abort('qemu-img create %s: %s' % (path, r.describe()))
    return path


def domain_uuid(xml):
    m = re.search(r'<uuid>([0-9a-f-]{36})</uuid>', xml or '')
    return m.group(1) if m else None


def qemu_args(pid):
    """The argv of a process, as a list."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return [a.decode('utf-8', 'replace') for a in f.read().split(b'\0') if a]
    except OSError:
        return []


def check_running(h, d, name, what):
    """TAP lines: virsh says running, the status file names a live QEMU
    whose -uuid is the domain's.  Returns the QEMU pid or None."""
    st = d.domstate(name)
    h.eq(st, 'running (booted)', '%s: virsh domstate says running (booted)' % what)
    pid = d.qemu_pid(name)
    xml = d.live_xml(name) or ''
    uid = domain_uuid(xml)
    argv = qemu_args(pid) if pid else []
    good = bool(pid) and uid is not None and '-uuid' in argv and \
        argv[argv.index('-uuid') + 1] == uid
    h.ok(good, '%s: a live QEMU (pid %s) runs it, with the domain\'s uuid' % (what, pid),
         'status pid %r, uuid %r, argv %r' % (pid, uid, argv[:40]))
    return pid if good else None


def check_guid(h, d, name, what):
    """TAP lines: the live XML, the config and QEMU (QMP
    query-vm-generation-id) hold one GUID.  Returns it or None."""
    g = d.guids(name)
    vals = {g['live xml'], g['config'], g['qmp'].lower() if g['qmp'] else None}
    good = len(vals) == 1 and None not in vals and gvtest.UUID4_RE.match(g['config'] or '')
    h.ok(good, '%s: live XML, config and QEMU hold the same generated GUID' % what,
         'seen: %r' % g)
    return g['config'] if good else None


def which(name):
    return shutil.which(name)
