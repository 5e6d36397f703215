"""gvsm: helpers for genvirt's snapshot and migration tests (real QEMU).

Every script is run as
    /usr/bin/python3 tests/snapmig/X.py GENVIRTD GENVIRSH SRCDIR
and prints TAP on stdout.  Nothing is mocked: genvirtd, QEMU
(/usr/bin/qemu-system-x86_64), qemu-img, the stock virsh and genvirsh are
all real.

This module follows the conventions of tests/integration/gvinteg.py (the
same Harness/Daemon shape, the same TAP output, the same cleanup rules) but
stands alone, because these tests also need daemons with extra options
(--migration-host, --migration-listen) started behind a command prefix
(`ip netns exec NS`, `unshare -m ...`), several --root directories per
script, disk images, and cleanup actions of their own (network namespaces).

- Harness: arguments, a private 0700 work directory, TAP, a watchdog (and
  SIGTERM/SIGINT handlers) that bails out past the deadline, and cleanup
  that always runs: every daemon still alive is stopped (SIGTERM, exit 0,
  no sanitizer report), every QEMU the test started is killed by pid (the
  pid='N' of each DIR/run/genvirt/qemu/*.xml status file of each daemon,
  and any QEMU whose command line carries the -uuid of a domain the test
  registered), then the registered cleanup actions run (newest first).
- Daemon: genvirtd on a --root, with extra arguments and an optional
  command prefix.
- Bounded waits, /proc helpers, domain XML, qemu-img.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid as uuidlib

VIRSH = '/usr/bin/virsh'
QEMU = '/usr/bin/qemu-system-x86_64'
QEMU_IMG = '/usr/bin/qemu-img'
SANITIZER_MARKERS = ('AddressSanitizer', 'LeakSanitizer', 'runtime error:')
GUID_RE = re.compile(r"<guid auto='(?:yes|no)'>([0-9a-f-]{36})</guid>")
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def _clean_env():
    env = dict(os.environ)
    for k in ('LIBVIRT_DEFAULT_URI', 'VIRSH_DEFAULT_CONNECT_URI', 'GENVIRT_DEFAULT_URI',
              'LANGUAGE', 'LC_MESSAGES', 'LIBVIRT_LOG_OUTPUTS', 'LIBVIRT_DEBUG'):
        env.pop(k, None)
    env['LC_ALL'] = 'C'
    env['LANG'] = 'C'
    env['TZ'] = 'UTC'
    env.setdefault('ASAN_OPTIONS', 'detect_leaks=1')
    env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1')
    return env


def read_text(path):
    with open(path, 'rb') as f:
        return f.read().decode('utf-8', 'replace')


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def write_file(path, text, mode=None):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)
    return path


def guid_of(xml):
    """The value of the first <guid> element of an XML document, or None."""
    m = GUID_RE.search(xml or '')
    return m.group(1) if m else None


def new_guid():
    return str(uuidlib.uuid4())


def domain_xml(name, uid, memory_mib=128, genid='auto', disks=()):
    """A small x86 'pc' guest with ACPI and no <cpu> (-cpu host aborts under
    nested KVM here).  genid: None (no device), 'auto' (<genid/>, the legacy
    form without a value), 'auto:VALUE', 'fixed:VALUE'.
    disks: [(format, path)] of file disks, format raw|qcow2."""
    lines = ["<domain type='kvm'>",
             '  <name>%s</name>' % name,
             '  <uuid>%s</uuid>' % uid,
             "  <memory unit='MiB'>%d</memory>" % memory_mib,
             '  <vcpu>1</vcpu>',
             '  <os>',
             "    <type arch='x86_64' machine='pc'>hvm</type>",
             '  </os>',
             '  <features>',
             '    <acpi/>',
             '  </features>',
             '  <devices>']
    for i, (fmt, path) in enumerate(disks):
        lines += ["    <disk type='file' device='disk'>",
                  "      <driver name='qemu' type='%s'/>" % fmt,
                  "      <source file='%s'/>" % path,
                  "      <target dev='vd%s' bus='virtio'/>" % chr(ord('a') + i),
                  '    </disk>']
    if genid == 'auto':
        lines.append('    <genid/>')
    elif genid is not None and genid.startswith('auto:'):
        lines.append("    <genid model='vmgenid'><guid auto='yes'>%s</guid></genid>" % genid[5:])
    elif genid is not None and genid.startswith('fixed:'):
        lines.append("    <genid model='vmgenid'><guid auto='no'>%s</guid></genid>" % genid[6:])
    elif genid is not None:
        raise ValueError(genid)
    lines += ['  </devices>', '</domain>', '']
    return '\n'.join(lines)


# ---- /proc ----------------------------------------------------------------

def proc_state(pid):
    try:
        data = read_text('/proc/%d/stat' % pid)
    except OSError:
        return None
    end = data.rfind(')')
    return data[end + 2:end + 3] if end >= 0 else None


def pid_alive(pid):
    """Alive and not a zombie."""
    if not pid:
        return False
    st = proc_state(pid)
    return st is not None and st != 'Z'


def proc_cmdline(pid):
    try:
        return read_bytes('/proc/%d/cmdline' % pid).split(b'\0')
    except OSError:
        return []


def is_qemu(pid):
    try:
        exe = os.readlink('/proc/%d/exe' % pid)
    except OSError:
        return False
    return os.path.basename(exe).startswith('qemu-system')


def qemu_uuid(pid):
    """The -uuid of QEMU process @pid, or None."""
    argv = proc_cmdline(pid)
    for i, a in enumerate(argv[:-1]):
        if a == b'-uuid':
            return argv[i + 1].decode('ascii', 'replace')
    return None


def qemu_pids_by_uuid(uid):
    """Live QEMU processes whose command line has -uuid @uid."""
    out = []
    for n in os.listdir('/proc'):
        if not n.isdigit():
            continue
        pid = int(n)
        if qemu_uuid(pid) == uid and is_qemu(pid) and pid_alive(pid):
            out.append(pid)
    return sorted(out)


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
    still alive (a zombie counts as gone)."""

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


def wait_until(fn, timeout, interval=0.02):
    """Calls fn() until it returns a true value or @timeout seconds passed.
    Returns (value, elapsed seconds)."""
    t0 = time.monotonic()
    while True:
        v = fn()
        el = time.monotonic() - t0
        if v or el >= timeout:
            return v, el
        time.sleep(interval)


def wait_pid_gone(pid, timeout=10.0):
    return wait_until(lambda: not pid_alive(pid), timeout)[0]


class Result:
    def __init__(self, argv, rc, out, err, timed_out=False, elapsed=0.0):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err
        self.timed_out, self.elapsed = timed_out, elapsed

    @property
    def ok(self):
        return self.rc == 0

    def __repr__(self):
        return 'Result(rc=%r, out=%r, err=%r)' % (self.rc, self.out, self.err)

    def describe(self):
        lines = ['$ ' + ' '.join(str(a) for a in self.argv),
                 'exit: %s%s (%.2f s)' % (self.rc, ' (TIMED OUT)' if self.timed_out else '',
                                          self.elapsed)]
        lines += ['stdout: ' + l for l in self.out.rstrip('\n').split('\n')]
        lines += ['stderr: ' + l for l in self.err.rstrip('\n').split('\n')]
        return '\n'.join(lines)


class Harness:
    """TAP output, work directory, watchdog, cleanup."""

    def __init__(self, name, deadline=200.0):
        if len(sys.argv) != 4:
            sys.stderr.write('usage: %s GENVIRTD GENVIRSH SRCDIR\n' % sys.argv[0])
            sys.exit(2)
        self.name = name
        self.genvirtd = os.path.abspath(sys.argv[1])
        self.genvirsh_path = os.path.abspath(sys.argv[2])
        self.srcdir = os.path.abspath(sys.argv[3])
        self.n = 0
        self.failed = 0
        self.lock = threading.RLock()
        self.daemons = []
        self.uuids = set()
        self.cleanups = []
        self.finished = False
        self.t0 = time.monotonic()
        self.workdir = tempfile.mkdtemp(prefix='gvsm-%s-' % name)
        os.chmod(self.workdir, 0o700)
        home = os.path.join(self.workdir, 'home')
        for var, sub in (('HOME', ''), ('XDG_CONFIG_HOME', '.config'),
                         ('XDG_CACHE_HOME', '.cache'), ('XDG_RUNTIME_DIR', 'run')):
            p = os.path.join(home, sub)
            os.makedirs(p, mode=0o700, exist_ok=True)
            os.environ[var] = p
        for k in ('LIBVIRT_DEFAULT_URI', 'VIRSH_DEFAULT_CONNECT_URI', 'GENVIRT_DEFAULT_URI'):
            os.environ.pop(k, None)
        os.environ['LC_ALL'] = 'C'
        os.environ['TZ'] = 'UTC'
        self.env = _clean_env()
        self.deadline = time.monotonic() + deadline
        self._watchdog = threading.Timer(deadline, self._bail,
                                         args=('watchdog: %s ran past %d s' % (name, deadline),))
        self._watchdog.daemon = True
        self._watchdog.start()
        signal.signal(signal.SIGTERM, lambda s, f: self._bail('signal %d' % s))
        signal.signal(signal.SIGINT, lambda s, f: self._bail('signal %d' % s))
        print('TAP version 13', flush=True)
        self.diag('genvirtd=%s genvirsh=%s work=%s' % (self.genvirtd, self.genvirsh_path,
                                                         self.workdir))

    # ---- TAP
    def ok(self, cond, desc, diag=None):
        with self.lock:
            self.n += 1
            desc = desc.replace('#', '\\#').replace('\n', ' ')
            if cond:
                print('ok %d - %s' % (self.n, desc), flush=True)
            else:
                self.failed += 1
                print('not ok %d - %s' % (self.n, desc), flush=True)
                if diag:
                    self.diag(diag)
        return bool(cond)

    def skip(self, desc, why):
        with self.lock:
            self.n += 1
            print('ok %d - %s # SKIP %s' % (self.n, desc.replace('#', '\\#'), why), flush=True)

    def eq(self, got, want, desc, diag=None):
        if got == want:
            return self.ok(True, desc)
        d = 'expected: %r\n     got: %r' % (want, got)
        return self.ok(False, desc, d + ('\n' + diag if diag else ''))

    def cmd_ok(self, r, desc):
        return self.ok(r.rc == 0, desc, None if r.rc == 0 else r.describe())

    def cmd_fails(self, r, desc, must_contain=()):
        """A Result that must fail, with every string of @must_contain in its
        error text."""
        text = r.err + r.out
        good = r.rc not in (0, None) and all(s in text for s in must_contain)
        return self.ok(good, desc, None if good else
                       'expected a failure naming %r\n%s' % (list(must_contain), r.describe()))

    def diag(self, text):
        with self.lock:
            for line in str(text).rstrip('\n').split('\n'):
                print('# ' + line, flush=True)

    def remaining(self):
        return self.deadline - time.monotonic()

    # ---- cleanup
    def new_uuid(self):
        """A fresh domain UUID, registered so that its QEMU is always killed."""
        u = str(uuidlib.uuid4())
        self.uuids.add(u)
        return u

    def at_cleanup(self, fn, what):
        """Runs fn() at the end (after daemons and QEMUs), even on failure."""
        self.cleanups.append((fn, what))

    def our_qemus(self):
        """QEMU pids from every daemon's status files (checked to be a QEMU
        of one of our domains) and every QEMU carrying one of our uuids."""
        pids = set()
        for d in list(self.daemons):
            for name, pid in d.status_pids().items():
                if pid_alive(pid) and is_qemu(pid) and qemu_uuid(pid) in self.uuids:
                    pids.add(pid)
        for u in list(self.uuids):
            pids.update(qemu_pids_by_uuid(u))
        return sorted(pids)

    def kill_qemus(self):
        """SIGKILL every QEMU of this test, by pid; returns their pids."""
        pids = self.our_qemus()
        for pid in pids:
            try:
                if is_qemu(pid):
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in pids:
            wait_pid_gone(pid, 5.0)
            try:
                os.waitpid(pid, os.WNOHANG)
            except OSError:
                pass
        return pids

    def _run_cleanups(self):
        while self.cleanups:
            fn, what = self.cleanups.pop()
            try:
                fn()
            except Exception:
                print('# cleanup %s failed: %s' % (what, traceback.format_exc().replace(
                    '\n', '\n# ')), flush=True)

    def _kill_daemons(self):
        for d in list(self.daemons):
            try:
                if d.proc and d.proc.poll() is None:
                    d.proc.kill()
                    d.proc.wait(timeout=5)
            except Exception:
                pass

    def _bail(self, why):
        with self.lock:
            print('Bail out! %s' % why, flush=True)
            try:
                self._kill_daemons()
                self.kill_qemus()
                self._run_cleanups()
            finally:
                if not os.environ.get('GVSM_KEEP'):
                    shutil.rmtree(self.workdir, ignore_errors=True)
                sys.stdout.flush()
                os._exit(1)

    def mkdtemp(self, prefix):
        return tempfile.mkdtemp(prefix=prefix + '-', dir=self.workdir)

    def finish(self):
        self._watchdog.cancel()
        for d in list(self.daemons):
            if d.proc and d.proc.poll() is None:
                try:
                    d.stop()
                except Exception:
                    self.ok(False, 'daemon stops', traceback.format_exc())
        left = self.kill_qemus()
        if left:
            self.diag('cleanup killed QEMU pids %s' % left)
        self._run_cleanups()
        with self.lock:
            print('1..%d' % self.n, flush=True)
            self.diag('%s: %d tests, %d failed, %.1f s' % (self.name, self.n, self.failed,
                                                          time.monotonic() - self.t0))
        if os.environ.get('GVSM_KEEP'):
            self.diag('kept %s' % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        sys.stdout.flush()
        os._exit(1 if self.failed else 0)

    def main(self, fn):
        """Runs fn(self); an exception is a failure, never a hang; the cleanup
        always runs."""
        try:
            fn(self)
        except BaseException:
            self.ok(False, 'unexpected exception', traceback.format_exc())
        self.finish()

    # ---- processes
    def run(self, argv, timeout=60, input=None, env=None):
        timeout = max(1.0, min(timeout, self.remaining() - 5))
        t0 = time.monotonic()
        try:
            p = subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=None if input is not None else subprocess.DEVNULL,
                               env=env or self.env, timeout=timeout)
            return Result(argv, p.returncode, p.stdout.decode('utf-8', 'replace'),
                          p.stderr.decode('utf-8', 'replace'), elapsed=time.monotonic() - t0)
        except subprocess.TimeoutExpired as e:
            return Result(argv, None, (e.stdout or b'').decode('utf-8', 'replace'),
                          (e.stderr or b'').decode('utf-8', 'replace'), timed_out=True,
                          elapsed=time.monotonic() - t0)

    def spawn(self, argv):
        """A background command; returns (Popen, stdout path, stderr path)."""
        n = len(os.listdir(self.workdir))
        out = os.path.join(self.workdir, 'bg-%d.out' % n)
        err = os.path.join(self.workdir, 'bg-%d.err' % n)
        with open(out, 'wb') as fo, open(err, 'wb') as fe:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                                 env=self.env)
        return p, out, err

    def collect(self, spawned, timeout):
        """Waits (bounded) for a spawn()ed command; returns a Result."""
        p, out, err = spawned
        t0 = time.monotonic()
        timed_out = False
        try:
            p.wait(timeout=max(1.0, min(timeout, self.remaining() - 5)))
        except subprocess.TimeoutExpired:
            timed_out = True
            p.kill()
            p.wait(timeout=5)
        return Result(p.args, None if timed_out else p.returncode, read_text(out), read_text(err),
                      timed_out=timed_out, elapsed=time.monotonic() - t0)

    def virsh(self, uri, *args, timeout=60):
        return self.run([VIRSH, '-c', uri] + list(args), timeout=timeout)

    def genvirsh(self, uri, *args, timeout=60):
        return self.run([self.genvirsh_path, '-c', uri] + list(args), timeout=timeout)

    # ---- guests
    def image(self, name, fmt='qcow2', size='16M', dirpath=None):
        """A disk image made with qemu-img in the work directory."""
        path = os.path.join(dirpath or self.workdir, '%s.%s' % (name, fmt))
        r = self.run([QEMU_IMG, 'create', '-q', '-f', fmt, path, size], timeout=30)
        if r.rc != 0:
            raise RuntimeError('qemu-img create failed\n' + r.describe())
        return path

    def write_domain(self, name, **kw):
        """Writes a domain XML file; returns (path, uuid).  A qcow2 disk is
        made unless disks= is given."""
        uid = kw.pop('uid', None) or self.new_uuid()
        self.uuids.add(uid)
        if 'disks' not in kw:
            kw['disks'] = [('qcow2', self.image(name))]
        path = os.path.join(self.workdir, '%s.xml' % name)
        write_file(path, domain_xml(name, uid, **kw))
        return path, uid

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


class Daemon:
    """genvirtd on a --root, with @args after it and @prefix before it."""

    def __init__(self, h, root=None, args=(), prefix=(), label=None, verbose=True):
        self.h = h
        self.root = root or h.mkdtemp('root')
        self.args = list(args)
        self.prefix = list(prefix)
        self.label = label or os.path.basename(self.root)
        self.verbose = verbose
        self.proc = None
        self.logpath = None
        self.starts = 0
        self.logs = []
        h.daemons.append(self)

    # ---- paths
    @property
    def rundir(self):
        return os.path.join(self.root, 'run', 'genvirt')

    @property
    def qemudir(self):
        return os.path.join(self.rundir, 'qemu')

    @property
    def domdir(self):
        return os.path.join(self.root, 'etc', 'genvirt', 'domains')

    @property
    def snapdir(self):
        return os.path.join(self.root, 'var', 'lib', 'genvirt', 'snapshots')

    @property
    def sock(self):
        return os.path.join(self.rundir, 'genvirt-sock')

    @property
    def sock_ro(self):
        return os.path.join(self.rundir, 'genvirt-sock-ro')

    @property
    def uri(self):
        return 'qemu+unix:///system?socket=' + self.sock

    @property
    def gv_uri(self):
        return 'genvirt+unix:///system?socket=' + self.sock

    def config_path(self, name):
        return os.path.join(self.domdir, name + '.xml')

    def status_path(self, name):
        return os.path.join(self.qemudir, name + '.xml')

    def config_text(self, name):
        try:
            return read_text(self.config_path(name))
        except OSError:
            return None

    def config_guid(self, name):
        return guid_of(self.config_text(name))

    def status_pid(self, name):
        """The pid='N' of DIR/run/genvirt/qemu/NAME.xml, or None."""
        try:
            m = re.search(r"<domstatus [^>]*pid='(\d+)'", read_text(self.status_path(name)))
        except OSError:
            return None
        return int(m.group(1)) if m else None

    def status_pids(self):
        """{name: pid} of every status file."""
        out = {}
        try:
            names = os.listdir(self.qemudir)
        except OSError:
            return out
        for n in names:
            if n.endswith('.xml'):
                pid = self.status_pid(n[:-4])
                if pid:
                    out[n[:-4]] = pid
        return out

    def qemu_pid(self, name):
        """The live QEMU pid of @name from its status file, or None."""
        pid = self.status_pid(name)
        return pid if pid and pid_alive(pid) and is_qemu(pid) else None

    # ---- process
    def _connectable(self, path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(1.0)
        try:
            s.connect(path)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def start(self, timeout=30.0):
        """Starts genvirtd; waits (bounded) until both sockets accept."""
        assert self.proc is None or self.proc.poll() is not None
        self.starts += 1
        self.logpath = os.path.join(self.h.workdir, 'genvirtd-%s-%d.log'
                                    % (self.label, self.starts))
        self.logs.append(self.logpath)
        argv = (self.prefix + [self.h.genvirtd, '--root', self.root] +
                (['--verbose'] if self.verbose else []) + self.args)
        # stale sockets of a killed daemon must not look ready
        for p in (self.sock, self.sock_ro):
            try:
                os.unlink(p)
            except OSError:
                pass
        with open(self.logpath, 'wb') as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=self.h.env)
        t0 = time.monotonic()
        ready = False
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                break
            if self._connectable(self.sock) and self._connectable(self.sock_ro):
                ready = True
                break
            time.sleep(0.02)
        if not ready:
            why = ('exited with %s' % self.proc.returncode if self.proc.poll() is not None
                   else 'sockets not ready after %.0f s' % timeout)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
            self.h.ok(False, '%s: genvirtd starts (start %d)' % (self.label, self.starts),
                      '$ %s\n%s\n%s' % (' '.join(argv), why, self.log_text()[-5000:]))
            return False
        self.h.ok(True, '%s: genvirtd starts, sockets ready in %.2f s (start %d)'
                  % (self.label, time.monotonic() - t0, self.starts))
        return True

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self, all_starts=False):
        paths = self.logs if all_starts else [self.logpath]
        out = []
        for p in paths:
            if p:
                try:
                    out.append(read_text(p))
                except OSError:
                    pass
        return ''.join(out)

    def log_tail(self, n=30):
        return '\n'.join(self.log_text().rstrip('\n').split('\n')[-n:])

    def check_sanitizers(self, what):
        bad = [l for l in self.log_text().split('\n') if any(m in l for m in SANITIZER_MARKERS)]
        return self.h.ok(not bad, '%s: no sanitizer report in genvirtd stderr (%s)'
                         % (self.label, what), None if not bad else self.log_text()[-20000:])

    def stop(self, timeout=20.0):
        """SIGTERM: exit status 0 within @timeout and a clean stderr."""
        what = 'start %d' % self.starts
        if self.proc is None:
            return False
        if self.proc.poll() is not None:
            self.h.ok(False, '%s: genvirtd still running before SIGTERM (%s)' % (self.label, what),
                      'it exited with %s\n%s' % (self.proc.returncode, self.log_text()[-5000:]))
            self.check_sanitizers(what)
            return False
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
            ok = self.h.ok(rc == 0, '%s: genvirtd exits 0 on SIGTERM (%.2f s, %s)'
                           % (self.label, time.monotonic() - t0, what),
                           None if rc == 0 else 'exit status %s\n%s'
                           % (rc, self.log_text()[-20000:]))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
            ok = self.h.ok(False, '%s: genvirtd exits on SIGTERM within %.0f s (%s)'
                           % (self.label, timeout, what),
                           'it did not exit: killed\n' + self.log_text()[-5000:])
        return self.check_sanitizers(what) and ok

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    # ---- shortcuts
    def virsh(self, *args, timeout=60):
        return self.h.virsh(self.uri, *args, timeout=timeout)

    def genvirsh(self, *args, timeout=60):
        return self.h.genvirsh(self.gv_uri, *args, timeout=timeout)

    def domstate(self, name):
        """`virsh domstate --reason NAME`, or None."""
        r = self.virsh('domstate', '--reason', name, timeout=20)
        return r.out.strip() if r.rc == 0 else None

    def domgenid(self, name):
        r = self.genvirsh('domgenid', name, timeout=20)
        return r.out.strip() if r.rc == 0 else None

    def qmp(self, name, cmd, timeout=30):
        """QEMU's answer to a QMP command (virsh qemu-monitor-command), or None."""
        r = self.virsh('qemu-monitor-command', name, json.dumps(cmd), timeout=timeout)
        if r.rc != 0:
            return None
        try:
            return json.loads(r.out)
        except ValueError:
            return None

    def qmp_guid(self, name):
        a = self.qmp(name, {'execute': 'query-vm-generation-id'})
        try:
            return a['return']['guid']
        except (TypeError, KeyError):
            return None

    def qmp_status(self, name):
        a = self.qmp(name, {'execute': 'query-status'})
        try:
            return a['return']['status']
        except (TypeError, KeyError):
            return None

    def names(self, *flags):
        """`virsh list --name FLAGS`, or None."""
        r = self.virsh('list', '--name', *flags, timeout=20)
        if r.rc != 0:
            return None
        return sorted(l.strip() for l in r.out.split('\n') if l.strip())

    def live_xml(self, name):
        r = self.virsh('dumpxml', name, timeout=20)
        return r.out if r.rc == 0 else None

    def guids(self, name):
        """The GUID as seen by: genvirsh domgenid, QMP through virsh, the
        live XML (virsh dumpxml) and the config file."""
        return {'domgenid': self.domgenid(name), 'qmp': self.qmp_guid(name),
                'live xml': guid_of(self.live_xml(name)), 'config': self.config_guid(name)}

    def serving(self):
        """The daemon answers: `virsh list --all` works."""
        return self.names('--all') is not None
