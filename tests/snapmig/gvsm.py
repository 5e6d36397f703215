"""gvsm: helpers for genvirt's snapshot and migration tests (real QEMU).

Every script is run as
    /usr/bin/python3 tests/snapmig/X.py GENVIRTD GENVIRSH SRCDIR
and prints TAP on stdout.  Nothing is mocked: genvirtd, QEMU
(/usr/bin/qemu-system-x86_64), qemu-img, the stock virsh and genvirsh are
all real.

This module builds on tests/integration/gvinteg.py (its Harness, Daemon,
TAP output, bounded waits and cleanup rules: every daemon still alive is
stopped with SIGTERM and must exit 0 with no sanitizer report, every QEMU of
the test is killed by pid, then the registered cleanup actions run, newest
first).  It adds what these tests need on top:

- guests with a qcow2 disk made by qemu-img (internal snapshots live in it),
  and the snapshot names qemu-img sees;
- daemons labelled in the TAP output (src, dst, ...) that run with extra
  options (--migration-host, --migration-listen) behind a command prefix
  (`ip netns exec NS`, `unshare -m ...`);
- OverlapWatch: whether an operation that replaces a domain's QEMU ever has
  the old and the new one alive at once.
"""

import os
import sys
import threading
import time
import uuid as uuidlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
import gvinteg  # noqa: E402
from gvinteg import (GUID_RE, QEMU, UUID_RE, VIRSH, Result, guid_of, is_qemu,  # noqa: E402,F401
                     pid_alive, proc_cmdline, qemu_pids_by_uuid, qemu_uuid, read_bytes,
                     read_text, wait_pid_gone, wait_until, write_file)

QEMU_IMG = '/usr/bin/qemu-img'


def new_guid():
    return str(uuidlib.uuid4())


def domain_xml(name, uid, memory_mib=128, genid='auto', disks=(), **kw):
    """gvinteg.domain_xml with 128 MiB, where genid='auto' is the legacy
    <genid/> form without a value (the one virsh users write)."""
    return gvinteg.domain_xml(name, uid, memory_mib=memory_mib,
                              genid='legacy' if genid == 'auto' else genid, disks=disks, **kw)


def check_guid(h, d, name, want, what):
    """domgenid == QMP == live XML == config file == want."""
    vals = d.guids(name)
    bad = {k: v for k, v in vals.items() if v != want}
    return h.ok(want is not None and not bad,
                '%s: the GUID %s is what domgenid, QMP, the live XML and the config file say'
                % (what, want), 'differing: %r' % bad)


def children_of(pid):
    """The child pids of every thread of process @pid."""
    out = set()
    try:
        tids = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return out
    for t in tids:
        try:
            out.update(int(c) for c in read_text('/proc/%d/task/%s/children' % (pid, t)).split())
        except (OSError, ValueError):
            pass
    return out


class OverlapWatch(threading.Thread):
    """Watches, while an operation replaces the QEMU of domain @uid, whether
    a new QEMU child of daemon @dpid exists while the old QEMU @old_pid is
    still alive (gvinteg.pid_alive: an exited zombie counts as gone)."""

    def __init__(self, dpid, old_pid, uid):
        super().__init__(daemon=True)
        self.dpid, self.old, self.uid = dpid, old_pid, uid
        self.stop_ev = threading.Event()
        self.overlap = None
        self.polls = 0

    def run(self):
        while not self.stop_ev.is_set():
            self.polls += 1
            old_alive = pid_alive(self.old)
            for c in children_of(self.dpid):
                if c != self.old and qemu_uuid(c) == self.uid and pid_alive(c) and \
                        pid_alive(self.old) and old_alive:
                    self.overlap = (self.old, c)
                    return
            if not old_alive:
                return
            time.sleep(0.0002)

    def finish(self):
        self.stop_ev.set()
        self.join(5)
        return self.overlap


class Harness(gvinteg.Harness):
    WORKDIR_PREFIX = 'gvsm'
    KEEP_ENV = 'GVSM_KEEP'

    def __init__(self, name, deadline=200.0):
        super().__init__(name, deadline)

    # ---- guests
    def image(self, name, fmt='qcow2', size='16M', dirpath=None):
        """A disk image made with qemu-img in the work directory."""
        path = os.path.join(dirpath or self.workdir, '%s.%s' % (name, fmt))
        r = self.run([QEMU_IMG, 'create', '-q', '-f', fmt, path, size], timeout=30)
        if r.rc != 0:
            raise RuntimeError('qemu-img create failed\n' + r.describe())
        return path

    def domain_xml(self, name, uid, **kw):
        return domain_xml(name, uid, **kw)

    def write_domain(self, name, **kw):
        """Writes a domain XML file; returns (path, uuid).  A qcow2 disk is
        made unless disks= is given."""
        if 'disks' not in kw:
            kw['disks'] = [('qcow2', self.image(name))]
        return super().write_domain(name, **kw)

    def img_snapshots(self, path):
        """The internal snapshot names of a qcow2 image (qemu-img snapshot
        -l, with -U so that a running QEMU's lock does not matter)."""
        r = self.run([QEMU_IMG, 'snapshot', '-U', '-l', path], timeout=30)
        if r.rc != 0:
            return None
        names = []
        for line in r.out.split('\n'):
            f = line.split()
            if len(f) >= 2 and f[0].isdigit():
                names.append(f[1])
        return names


class Daemon(gvinteg.Daemon):
    """gvinteg.Daemon, always labelled (by default with its --root's name)."""

    def __init__(self, h, root=None, args=(), prefix=(), label=None, verbose=True):
        root = root or h.mkdtemp('root')
        super().__init__(h, root=root, verbose=verbose, args=args, prefix=prefix,
                         label=label or os.path.basename(root))

    def stop(self, timeout=20.0):
        return super().stop(timeout)
