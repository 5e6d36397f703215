"""gvinteg: shared helpers for genvirt's integration tests (real QEMU).

Every test script is run as
    /usr/bin/python3 tests/integration/X.py GENVIRTD GENVIRSH SRCDIR
and prints TAP on stdout.  Nothing is mocked: genvirtd, QEMU
(/usr/bin/qemu-system-x86_64), the stock virsh, python3-libvirt and genvirsh
are all real.  This module gives a script:

- Harness: arguments, a private 0700 work directory, TAP output, a watchdog
  (and SIGTERM/SIGINT handlers) that bail out when the script runs past its
  deadline, and cleanup that always runs: every daemon still alive is
  stopped, every QEMU the test started is killed by pid, then the actions
  registered with Harness.at_cleanup run (newest first).  A QEMU belongs to
  the test when its command line carries the -uuid of a domain the test
  registered (Harness.new_uuid, write_domain), its environment points into
  one of the test's --root directories, or a daemon's status file names it.
- Daemon: genvirtd on a fresh --root (optionally with extra arguments, a
  command prefix such as `ip netns exec NS`, and a label for the TAP
  lines): start (bounded wait until both sockets accept), stop with SIGTERM
  (exit status 0 within a bound, and no AddressSanitizer / LeakSanitizer /
  UBSan report in its stderr), kill -9, and the paths of its files
  (configs, status files, monitor sockets, logs, snapshots).
- Clients: the stock virsh, genvirsh and python3-libvirt behind one small
  interface (Virsh, Genvirsh, Py), so a scenario runs through all three.
- Bounded waits (wait_until), background commands (spawn/collect), /proc
  helpers, domain XML.

Every wait has a bound; every subprocess has a timeout; python3-libvirt calls
that could block run under the watchdog.
"""

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid as uuidlib

VIRSH = '/usr/bin/virsh'
QEMU = '/usr/bin/qemu-system-x86_64'
SANITIZER_MARKERS = ('AddressSanitizer', 'LeakSanitizer', 'runtime error:')
GUID_RE = re.compile(r"<guid auto='(?:yes|no)'>([0-9a-f-]{36})</guid>")
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')

# python3-libvirt state and reason numbers -> virsh's words
STATE_NAMES = {0: 'no state', 1: 'running', 2: 'idle', 3: 'paused', 4: 'in shutdown',
               5: 'shut off', 6: 'crashed', 7: 'pmsuspended'}
REASON_NAMES = {
    1: {0: 'unknown', 1: 'booted', 2: 'migrated', 3: 'restored', 4: 'from snapshot',
        5: 'unpaused', 6: 'migration canceled', 7: 'save canceled', 8: 'event wakeup',
        9: 'crashed', 10: 'post-copy', 11: 'post-copy failed'},
    3: {0: 'unknown', 1: 'user', 2: 'migrating', 3: 'saving', 4: 'dumping', 5: 'I/O error',
        6: 'watchdog', 7: 'from snapshot', 8: 'shutting down', 9: 'creating snapshot',
        10: 'crashed', 11: 'starting up', 12: 'post-copy', 13: 'post-copy failed'},
    4: {0: 'unknown', 1: 'user'},
    5: {0: 'unknown', 1: 'shutdown', 2: 'destroyed', 3: 'crashed', 4: 'migrated', 5: 'saved',
        6: 'failed', 7: 'from snapshot', 8: 'daemon'},
}


def state_text(state, reason):
    """virsh's `domstate --reason` wording for python3-libvirt numbers."""
    return '%s (%s)' % (STATE_NAMES.get(state, '?%d' % state),
                        REASON_NAMES.get(state, {}).get(reason, '?%d' % reason))


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


def private_mount_namespace(flag):
    """Re-executes this test in a private mount namespace (unshare(1)), once:
    environment variable @flag marks the second run.  Without root or unshare,
    prints a TAP skip and exits."""
    if os.environ.get(flag) == '1':
        return
    unshare = shutil.which('unshare')
    if os.geteuid() != 0 or not unshare:
        print('1..0 # SKIP needs root and unshare(1) for a private mount namespace')
        sys.exit(0)
    os.execve(unshare, [unshare, '--mount', '--propagation', 'private', sys.executable] +
              sys.argv, dict(os.environ, **{flag: '1'}))


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


def file_mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def guid_of(xml):
    """The value of the <guid> element of a domain XML, or None."""
    m = GUID_RE.search(xml or '')
    return m.group(1) if m else None


def domid_of(xml):
    m = re.search(r"<domain type='[a-z]+' id='(-?\d+)'", xml or '')
    return int(m.group(1)) if m else None


def guid_forms(guid):
    """Every way a GUID could be written down: dashed and bare hex in both
    cases, and the bare hex of its little-endian (Microsoft) byte order."""
    g = guid.lower()
    bare = g.replace('-', '')
    raw = bytes.fromhex(bare)
    le = (raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:]).hex()
    return sorted({g, g.upper(), bare, bare.upper(), le, le.upper()})


def contains_guid(data, guid):
    """The forms of @guid found in @data (str or bytes)."""
    if isinstance(data, str):
        data = data.encode('utf-8', 'replace')
    return [f for f in guid_forms(guid) if f.encode() in data]


def xml_escape(text):
    return (text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace("'", '&apos;').replace('"', '&quot;'))


def domain_xml(name, uid, memory_mib=64, genid='auto', disks=(), emulator=None, dtype='kvm',
               kernel=None, initrd=None, cmdline=None):
    """A small diskless (unless @disks) x86 'pc' guest with ACPI and no <cpu>.
    genid: None (no device), 'auto' (<guid auto='yes'/>), 'legacy' (<genid/>
    device form without a value), 'auto:VALUE', 'fixed:VALUE'.
    disks: [(type, path)] of file disks, type raw|qcow2.
    kernel, initrd, cmdline: direct kernel boot (<os>/<kernel>, ...)."""
    lines = ["<domain type='%s'>" % dtype,
             '  <name>%s</name>' % name,
             '  <uuid>%s</uuid>' % uid,
             "  <memory unit='MiB'>%d</memory>" % memory_mib,
             '  <vcpu>1</vcpu>',
             '  <os>',
             "    <type arch='x86_64' machine='pc'>hvm</type>"]
    for tag, value in (('kernel', kernel), ('initrd', initrd), ('cmdline', cmdline)):
        if value is not None:
            lines.append('    <%s>%s</%s>' % (tag, xml_escape(value), tag))
    lines += ['  </os>',
              '  <features>',
              '    <acpi/>',
              '  </features>',
              '  <devices>']
    if emulator:
        lines.append('    <emulator>%s</emulator>' % emulator)
    for i, (fmt, path) in enumerate(disks):
        lines += ["    <disk type='file' device='disk'>",
                  "      <driver name='qemu' type='%s'/>" % fmt,
                  "      <source file='%s'/>" % path,
                  "      <target dev='vd%s' bus='virtio'/>" % chr(ord('a') + i),
                  '    </disk>']
    if genid == 'auto':
        lines.append("    <genid model='vmgenid'><guid auto='yes'/></genid>")
    elif genid == 'legacy':
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
    """The state letter of a process ('R', 'S', 'Z', ...) or None if gone."""
    try:
        data = read_text('/proc/%d/stat' % pid)
    except OSError:
        return None
    end = data.rfind(')')
    return data[end + 2:end + 3] if end >= 0 else None


def pid_alive(pid):
    """The process exists and is not an exited zombie.  A zombie thread
    group leader whose other threads are still exiting (QEMU tearing down
    its vCPU threads) is still alive."""
    if not pid:
        return False
    st = proc_state(pid)
    if st is None:
        return False
    if st != 'Z':
        return True
    try:
        return len(os.listdir('/proc/%d/task' % pid)) > 1
    except OSError:
        return False


def proc_cmdline(pid):
    try:
        return read_bytes('/proc/%d/cmdline' % pid).split(b'\0')
    except OSError:
        return []


def proc_environ(pid):
    try:
        return read_bytes('/proc/%d/environ' % pid)
    except OSError:
        return b''


def is_qemu(pid):
    try:
        exe = os.readlink('/proc/%d/exe' % pid)
    except OSError:
        return False
    return os.path.basename(exe).startswith('qemu-system')


def all_pids():
    out = []
    for n in os.listdir('/proc'):
        if n.isdigit():
            out.append(int(n))
    return out


def qemu_uuid(pid):
    """The -uuid of QEMU process @pid, or None."""
    argv = proc_cmdline(pid)
    for i, a in enumerate(argv[:-1]):
        if a == b'-uuid':
            return argv[i + 1].decode('ascii', 'replace')
    return None


def qemu_pids_by_uuid(uid):
    """Live QEMU processes whose command line has -uuid @uid, sorted."""
    return sorted(pid for pid in all_pids()
                  if qemu_uuid(pid) == uid and is_qemu(pid) and pid_alive(pid))


def qemu_pids_under(root):
    """Live QEMU processes whose environment points into @root."""
    out = []
    needle = ('=' + root.rstrip('/') + '/').encode()
    for pid in all_pids():
        if not is_qemu(pid) or not pid_alive(pid):
            continue
        if needle in proc_environ(pid):
            out.append(pid)
    return out


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


class Abort(Exception):
    """Raised to stop a script early (e.g. the daemon died) once the failure
    is reported: the harness runs the cleanup and exits 1."""


class Harness:
    """TAP output, work directory, watchdog, cleanup."""

    WORKDIR_PREFIX = 'gvinteg'
    KEEP_ENV = 'GVINTEG_KEEP'   # set: the work directory is kept

    def __init__(self, name, deadline=240.0):
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
        self.t0 = time.monotonic()
        self.workdir = tempfile.mkdtemp(prefix='%s-%s-' % (self.WORKDIR_PREFIX, name))
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
        self._print('TAP version 13')
        self.diag('genvirtd=%s genvirsh=%s work=%s accel=%s' % (
            self.genvirtd, self.genvirsh_path, self.workdir,
            self.env.get('GENVIRT_ACCEL', 'auto (kvm if /dev/kvm opens)')))

    # ---- TAP
    def _print(self, line):
        # a reader that went away (| head) must not stop the cleanup
        try:
            print(line, flush=True)
        except (BrokenPipeError, OSError):
            try:
                sys.stdout = open(os.devnull, 'w')
            except OSError:
                pass

    def ok(self, cond, desc, diag=None, todo=None):
        with self.lock:
            self.n += 1
            desc = desc.replace('#', '\\#').replace('\n', ' ')
            suffix = ' # TODO %s' % todo if todo else ''
            if cond:
                self._print('ok %d - %s%s' % (self.n, desc, suffix))
            else:
                if not todo:
                    self.failed += 1
                self._print('not ok %d - %s%s' % (self.n, desc, suffix))
                if diag:
                    self.diag(diag)
        return bool(cond)

    def skip(self, desc, why):
        with self.lock:
            self.n += 1
            self._print('ok %d - %s # SKIP %s' % (self.n, desc.replace('#', '\\#'), why))

    def eq(self, got, want, desc, diag=None):
        if got == want:
            return self.ok(True, desc)
        d = 'expected: %r\n     got: %r' % (want, got)
        return self.ok(False, desc, d + ('\n' + diag if diag else ''))

    def cmd_ok(self, r, desc):
        """A Result that must succeed."""
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
                self._print('# ' + line)

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
        """QEMUs carrying one of our uuids, QEMUs whose environment points
        into a daemon's --root, and the pid of every daemon's status files
        when it is a QEMU of one of our domains."""
        pids = set()
        for u in list(self.uuids):
            pids.update(qemu_pids_by_uuid(u))
        for d in list(self.daemons):
            pids.update(qemu_pids_under(d.root))
            for pid in d.status_pids().values():
                if pid_alive(pid) and is_qemu(pid) and qemu_uuid(pid) in self.uuids:
                    pids.add(pid)
        return sorted(pids)

    def check_no_qemus(self, desc='no QEMU of this test is left running', timeout=5.0):
        """One TAP line: no QEMU of this test is alive (a bounded wait lets
        a QEMU that is exiting finish)."""
        left, el = wait_until(lambda: not self.our_qemus(), timeout, 0.05)
        return self.ok(left, desc, 'still running: %r' % self.our_qemus())

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
                self.diag('cleanup %s failed: %s' % (what, traceback.format_exc()))

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
            self._print('Bail out! %s' % why)
            try:
                self._kill_daemons()
                self.kill_qemus()
                self._run_cleanups()
            finally:
                if not os.environ.get(self.KEEP_ENV):
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
            self._print('1..%d' % self.n)
            self.diag('%s: %d tests, %d failed, %.1f s' % (self.name, self.n, self.failed,
                                                          time.monotonic() - self.t0))
        if os.environ.get(self.KEEP_ENV):
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
        except Abort as e:
            self.failed = max(self.failed, 1)
            self.diag('aborting the remaining cases: %s' % e)
        except BaseException:
            self.ok(False, 'unexpected exception', traceback.format_exc())
        self.finish()

    # ---- processes
    def run(self, argv, timeout=60, input=None, env=None, cwd=None):
        timeout = max(1.0, min(timeout, self.remaining() - 5))
        t0 = time.monotonic()
        try:
            p = subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=None if input is not None else subprocess.DEVNULL,
                               env=env or self.env, timeout=timeout, cwd=cwd)
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

    def virsh(self, uri, *args, ro=False, timeout=60, cwd=None):
        return self.run([VIRSH, '-c', uri] + (['-r'] if ro else []) + list(args), timeout=timeout,
                        cwd=cwd)

    def genvirsh(self, uri, *args, ro=False, timeout=60, cwd=None):
        """genvirsh; @uri None: no -c (its default URI)."""
        return self.run([self.genvirsh_path] + (['-c', uri] if uri else []) +
                        (['-r'] if ro else []) + list(args), timeout=timeout, cwd=cwd)

    def domain_xml(self, name, uid, **kw):
        """The XML write_domain writes (a subclass may change the defaults)."""
        return domain_xml(name, uid, **kw)

    def write_domain(self, name, **kw):
        """Writes a domain XML file; returns (path, uuid).  A given uid= is
        registered as the test's too (its QEMUs are killed at the end)."""
        uid = kw.pop('uid', None) or self.new_uuid()
        self.uuids.add(uid)
        path = os.path.join(self.workdir, '%s.xml' % name)
        write_file(path, self.domain_xml(name, uid, **kw))
        return path, uid


class Daemon:
    """genvirtd on a private --root, with @args after it, @prefix before it
    (`ip netns exec NS`, ...) and @env added to its environment.  A @label
    names it in the TAP descriptions."""

    def __init__(self, h, root=None, verbose=True, env=None, args=(), prefix=(), label=None):
        self.h = h
        self.root = root or h.mkdtemp('root')
        self.args = list(args)
        self.prefix = list(prefix)
        self.label = label or os.path.basename(self.root)
        self.tag = label + ': ' if label else ''
        self.verbose = verbose
        self.env = env
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
    def logdir(self):
        return os.path.join(self.root, 'var', 'log', 'genvirt')

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
    def uri_ro(self):
        return 'qemu+unix:///system?socket=' + self.sock_ro

    @property
    def gv_uri(self):
        return 'genvirt+unix:///system?socket=' + self.sock

    @property
    def gv_uri_ro(self):
        return 'genvirt+unix:///system?socket=' + self.sock_ro

    def config_path(self, name):
        return os.path.join(self.domdir, name + '.xml')

    def status_path(self, name):
        return os.path.join(self.qemudir, name + '.xml')

    def stray_monitors(self):
        """Monitor sockets in the run directory that no status file names:
        each running QEMU has one (recorded in its status file), and every
        other is a leak."""
        try:
            files = os.listdir(self.qemudir)
        except OSError:
            return []
        live = set()
        for n in files:
            if n.endswith('.xml'):
                try:
                    m = re.search(r"<domstatus [^>]*monitor='([^']+)'",
                                  read_text(os.path.join(self.qemudir, n)))
                except OSError:
                    m = None
                if m:
                    live.add(m.group(1))
        return sorted(os.path.join(self.qemudir, n) for n in files
                      if n.endswith(('.mon', '.monitor')) and
                      os.path.join(self.qemudir, n) not in live)

    def domlog_path(self, name):
        return os.path.join(self.logdir, name + '.log')

    def config_text(self, name):
        try:
            return read_text(self.config_path(name))
        except OSError:
            return None

    def config_guid(self, name):
        return guid_of(self.config_text(name))

    def status_pid(self, name):
        """The pid recorded in the status file of @name, or None."""
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

    def start(self, timeout=30.0, report=True, first=None):
        """Starts genvirtd; waits (bounded) until both sockets accept.
        @first, when given, is called as soon as the read-write socket
        accepts a connection (what an impatient client sees first)."""
        assert self.proc is None or self.proc.poll() is not None
        self.starts += 1
        self.logpath = os.path.join(self.h.workdir, 'genvirtd-%s-%d.log'
                                    % (self.label, self.starts))
        self.logs.append(self.logpath)
        argv = (self.prefix + [self.h.genvirtd, '--root', self.root] +
                (['--verbose'] if self.verbose else []) + self.args)
        env = dict(self.h.env)
        env.update(self.env or {})
        with open(self.logpath, 'wb') as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=env)
        t0 = time.monotonic()
        ready = False
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                break
            if first is not None and self._connectable(self.sock):
                first()
                first = None
            if self._connectable(self.sock) and self._connectable(self.sock_ro):
                ready = True
                if first is not None:
                    first()
                break
            time.sleep(0.02 if first is None else 0.001)
        if not ready:
            why = ('exited with %s' % self.proc.returncode if self.proc.poll() is not None
                   else 'sockets not ready after %.0f s' % timeout)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
            self.h.ok(False, '%sgenvirtd starts (start %d)' % (self.tag, self.starts),
                      '$ %s\n%s\n%s' % (' '.join(argv), why, self.log_text()[-5000:]))
            return False
        if report:
            self.h.ok(True, '%sgenvirtd starts, sockets ready in %.2f s (start %d)'
                      % (self.tag, time.monotonic() - t0, self.starts))
        return True

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

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
        return self.h.ok(not bad, '%sno sanitizer report in genvirtd stderr (%s)'
                         % (self.tag, what), None if not bad else self.log_text()[-20000:])

    def stop(self, timeout=15.0):
        """SIGTERM: exit status 0 within @timeout and a clean stderr."""
        what = 'start %d' % self.starts
        if self.proc is None:
            return False
        if self.proc.poll() is not None:
            self.h.ok(False, '%sgenvirtd still running before SIGTERM (%s)' % (self.tag, what),
                      'it exited with %s\n%s' % (self.proc.returncode, self.log_text()[-5000:]))
            self.check_sanitizers(what)
            return False
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
            ok = self.h.ok(rc == 0, '%sgenvirtd exits 0 on SIGTERM (%.2f s, %s)'
                           % (self.tag, time.monotonic() - t0, what),
                           None if rc == 0 else 'exit status %s\n%s' % (rc, self.log_text()[-20000:]))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
            ok = self.h.ok(False, '%sgenvirtd exits on SIGTERM within %.0f s (%s)'
                           % (self.tag, timeout, what),
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
    def virsh(self, *args, ro=False, timeout=60):
        return self.h.virsh(self.uri_ro if ro else self.uri, *args, ro=ro, timeout=timeout)

    def genvirsh(self, *args, ro=False, timeout=60):
        return self.h.genvirsh(self.gv_uri_ro if ro else self.gv_uri, *args, ro=ro,
                               timeout=timeout)

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


# ---- the three clients ------------------------------------------------------

def _pyresult(argv, fn):
    import libvirt
    t0 = time.monotonic()
    try:
        v = fn()
        return Result(argv, 0, '' if v is None else str(v), '', elapsed=time.monotonic() - t0)
    except libvirt.libvirtError as e:
        return Result(argv, 1, '', 'error: %s' % e, elapsed=time.monotonic() - t0)


class Virsh:
    """The stock virsh."""
    label = 'virsh'

    def __init__(self, d, ro=False):
        self.d, self.ro = d, ro

    def _run(self, *args):
        return self.d.virsh(*args, ro=self.ro)

    def define(self, path):
        return self._run('define', path)

    def create(self, path):
        return self._run('create', path)

    def start(self, name):
        return self._run('start', name)

    def destroy(self, name):
        return self._run('destroy', name)

    def shutdown(self, name):
        return self._run('shutdown', name)

    def reboot(self, name):
        return self._run('reboot', name)

    def suspend(self, name):
        return self._run('suspend', name)

    def resume(self, name):
        return self._run('resume', name)

    def autostart(self, name, on=True):
        return self._run('autostart', name) if on else self._run('autostart', '--disable', name)

    def dumpxml(self, name):
        return self._run('dumpxml', name)

    def state(self, name):
        r = self._run('domstate', '--reason', name)
        return r.out.strip() if r.rc == 0 else None

    def dominfo(self, name):
        r = self._run('dominfo', name)
        return parse_dominfo(r.out) if r.rc == 0 else None

    def qmp_guid(self, name):
        r = self._run('qemu-monitor-command', name, '{"execute":"query-vm-generation-id"}')
        try:
            return json.loads(r.out)['return']['guid'] if r.rc == 0 else None
        except (ValueError, KeyError, TypeError):
            return None

    def list_all(self):
        r = self._run('list', '--all', '--name')
        return sorted(l.strip() for l in r.out.split('\n') if l.strip()) if r.rc == 0 else None


class Genvirsh(Virsh):
    """genvirt's CLI."""
    label = 'genvirsh'

    def _run(self, *args):
        return self.d.genvirsh(*args, ro=self.ro)


def parse_dominfo(text):
    info = {}
    for line in text.split('\n'):
        if ':' in line:
            k, v = line.split(':', 1)
            info[k.strip()] = v.strip()
    return info


class Py:
    """python3-libvirt, one connection."""
    label = 'python3-libvirt'

    def __init__(self, d, ro=False):
        import libvirt
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        self.libvirt = libvirt
        self.d, self.ro = d, ro
        uri = d.uri_ro if ro else d.uri
        self.conn = libvirt.openReadOnly(uri) if ro else libvirt.open(uri)

    def close(self):
        try:
            self.conn.close()
        except Exception:
            pass

    def dom(self, name):
        return self.conn.lookupByName(name)

    def define(self, path):
        return _pyresult(['defineXML', path], lambda: self.conn.defineXML(read_text(path)).name())

    def create(self, path):
        return _pyresult(['createXML', path], lambda: self.conn.createXML(read_text(path), 0).name())

    def start(self, name):
        return _pyresult(['create', name], lambda: self.dom(name).create())

    def destroy(self, name):
        return _pyresult(['destroy', name], lambda: self.dom(name).destroy())

    def shutdown(self, name):
        return _pyresult(['shutdown', name], lambda: self.dom(name).shutdown())

    def reboot(self, name):
        return _pyresult(['reboot', name], lambda: self.dom(name).reboot(0))

    def suspend(self, name):
        return _pyresult(['suspend', name], lambda: self.dom(name).suspend())

    def resume(self, name):
        return _pyresult(['resume', name], lambda: self.dom(name).resume())

    def autostart(self, name, on=True):
        return _pyresult(['setAutostart', name, on],
                         lambda: self.dom(name).setAutostart(1 if on else 0))

    def dumpxml(self, name):
        return _pyresult(['XMLDesc', name], lambda: self.dom(name).XMLDesc(0))

    def state(self, name):
        try:
            s, r = self.dom(name).state()
        except self.libvirt.libvirtError:
            return None
        return state_text(s, r)

    def dominfo(self, name):
        """virsh-like keys from dom.info() and friends."""
        try:
            dom = self.dom(name)
            st, maxmem, mem, vcpus, cputime = dom.info()
            return {'State': STATE_NAMES.get(st, str(st)), 'CPU time ns': cputime,
                    'CPU(s)': str(vcpus), 'Max memory': '%d KiB' % maxmem,
                    'Used memory': '%d KiB' % mem,
                    'Autostart': 'enable' if dom.autostart() else 'disable',
                    'Id': str(dom.ID()) if dom.ID() >= 0 else '-'}
        except self.libvirt.libvirtError:
            return None

    def qmp_guid(self, name):
        import libvirt_qemu
        try:
            out = libvirt_qemu.qemuMonitorCommand(self.dom(name),
                                                  '{"execute":"query-vm-generation-id"}', 0)
            return json.loads(out)['return']['guid']
        except (self.libvirt.libvirtError, ValueError, KeyError, TypeError):
            return None

    def list_all(self):
        try:
            return sorted(d.name() for d in self.conn.listAllDomains(0))
        except self.libvirt.libvirtError:
            return None


def cpu_seconds(info):
    """CPU time in seconds from a dominfo dict, or None."""
    if info is None:
        return None
    if 'CPU time ns' in info:
        return info['CPU time ns'] / 1e9
    m = re.match(r'^(\d+(?:\.\d+)?)s$', info.get('CPU time', ''))
    return float(m.group(1)) if m else None
