"""gvtest: shared helpers for genvirt's interop tests.

Every test script is run as
    /usr/bin/python3 tests/interop/X.py GENVIRTD GENVIRSH SRCDIR
and prints TAP on stdout.  This module gives it:

- Harness: argument parsing, a private work directory, a TAP printer, and a
  watchdog that bails out (killing every daemon it started) when the script
  runs past its deadline, so that no test can hang.
- Daemon: genvirtd on a temporary --root: start (bounded wait for both
  sockets), stop with SIGTERM (checks exit status 0 within a few seconds and
  that stderr has no AddressSanitizer / LeakSanitizer / UBSan report: this is
  how the tests catch leaks and memory errors when genvirtd is built with
  -Db_sanitize=address,undefined), kill -9, and its log.
- run / virsh / genvirsh: bounded subprocess calls (the stock /usr/bin/virsh
  and genvirt's genvirsh).
- Wire: a raw client of libvirt's RPC framing (libvirt-wire.md section 1).
- Helpers for the example domains and for snapshots of the config directory.

Nothing here mocks anything: the daemon, virsh and python3-libvirt are real.
"""

import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

VIRSH = '/usr/bin/virsh'
SANITIZER_MARKERS = ('ERROR: AddressSanitizer', 'LeakSanitizer', 'runtime error:')
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
UUID4_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')
GUID_ELEM_RE = re.compile(r"<guid auto='yes'>([0-9a-f-]{36})</guid>")

# libvirt RPC constants (libvirt-wire.md)
PROG_REMOTE = 0x20008086
PROG_QEMU = 0x20008087
PROG_KEEPALIVE = 0x6b656570
TYPE_CALL, TYPE_REPLY, TYPE_MESSAGE = 0, 1, 2
STATUS_OK, STATUS_ERROR = 0, 1
PROC_OPEN = 1
PROC_CLOSE = 2
PROC_GET_TYPE = 3
PROC_GET_VERSION = 4
PROC_DEFINE_XML = 11
PROC_GET_XML_DESC = 14
PROC_LOOKUP_BY_NAME = 23
PROC_SUPPORTS_FEATURE = 60
PROC_AUTH_LIST = 66
PROC_LIST_ALL_DOMAINS = 273
KA_PING, KA_PONG = 1, 2
MESSAGE_MAX = 33554432


def _clean_env():
    """The environment every client and daemon runs with: C locale, no
    default URIs, private XDG directories (set by the harness)."""
    env = dict(os.environ)
    for k in ('LIBVIRT_DEFAULT_URI', 'VIRSH_DEFAULT_CONNECT_URI', 'GENVIRT_DEFAULT_URI',
              'LANGUAGE', 'LC_MESSAGES'):
        env.pop(k, None)
    env['LC_ALL'] = 'C'
    env['LANG'] = 'C'
    # sanitizer defaults (harmless for a normal build); the caller's own
    # ASAN_OPTIONS/UBSAN_OPTIONS win when set
    env.setdefault('ASAN_OPTIONS', 'detect_leaks=1')
    env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1')
    return env


class Result:
    def __init__(self, argv, rc, out, err, timed_out=False):
        self.argv, self.rc, self.out, self.err, self.timed_out = argv, rc, out, err, timed_out

    def __repr__(self):
        return 'Result(rc=%r, out=%r, err=%r)' % (self.rc, self.out, self.err)

    def describe(self):
        lines = ['$ ' + ' '.join(self.argv), 'exit: %s%s' % (self.rc, ' (TIMED OUT)' if self.timed_out else '')]
        lines += ['stdout: ' + l for l in self.out.split('\n')]
        lines += ['stderr: ' + l for l in self.err.split('\n')]
        return '\n'.join(lines)


class Abort(Exception):
    """Raised to stop a script early (e.g. the daemon died): the failure has
    already been reported; the harness cleans up and exits 1."""


class Harness:
    """TAP output, work directory, watchdog, and cleanup."""

    def __init__(self, name, deadline=270.0):
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
        self.workdir = tempfile.mkdtemp(prefix='gvtest-%s-' % name)
        os.chmod(self.workdir, 0o700)
        home = os.path.join(self.workdir, 'home')
        os.makedirs(home)
        for var, sub in (('HOME', ''), ('XDG_CONFIG_HOME', '.config'),
                         ('XDG_CACHE_HOME', '.cache'), ('XDG_RUNTIME_DIR', 'run')):
            p = os.path.join(home, sub)
            os.makedirs(p, mode=0o700, exist_ok=True)
            os.environ[var] = p
        os.environ.update({k: v for k, v in _clean_env().items()})
        for k in ('LIBVIRT_DEFAULT_URI', 'VIRSH_DEFAULT_CONNECT_URI', 'GENVIRT_DEFAULT_URI'):
            os.environ.pop(k, None)
        self.env = _clean_env()
        schemas = os.path.join(self.srcdir, 'docs', 'schemas')
        if 'GENVIRT_SCHEMA_DIR' not in self.env and os.path.isdir(schemas):
            self.env['GENVIRT_SCHEMA_DIR'] = schemas
        self.deadline = time.monotonic() + deadline
        self._watchdog = threading.Timer(deadline, self._bail, args=('watchdog: %s ran past %d s' % (name, deadline),))
        self._watchdog.daemon = True
        self._watchdog.start()
        self._done = False
        print('TAP version 13', flush=True)
        self.diag('genvirtd=%s genvirsh=%s srcdir=%s work=%s' % (self.genvirtd, self.genvirsh_path,
                                                               self.srcdir, self.workdir))

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

    def eq(self, got, want, desc):
        if got == want:
            return self.ok(True, desc)
        return self.ok(False, desc, 'expected: %r\n     got: %r' % (want, got))

    def diag(self, text):
        with self.lock:
            for line in str(text).split('\n'):
                print('# ' + line, flush=True)

    def remaining(self):
        return self.deadline - time.monotonic()

    def _kill_all(self):
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
            self._kill_all()
            if not os.environ.get('GVTEST_KEEP'):
                shutil.rmtree(self.workdir, ignore_errors=True)
            os._exit(1)

    def mkdtemp(self, prefix):
        return tempfile.mkdtemp(prefix=prefix + '-', dir=self.workdir)

    def finish(self):
        """Print the plan, clean up, exit 1 on any failure."""
        self._watchdog.cancel()
        for d in list(self.daemons):
            if d.proc and d.proc.poll() is None:
                d.stop()
        with self.lock:
            print('1..%d' % self.n, flush=True)
            if self.failed:
                self.diag('%d of %d failed' % (self.failed, self.n))
        if os.environ.get('GVTEST_KEEP'):
            self.diag('kept %s' % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        sys.stdout.flush()
        os._exit(1 if self.failed else 0)

    def main(self, fn):
        """Run fn(self); an unexpected exception is a failure, never a hang."""
        try:
            fn(self)
        except SystemExit:
            raise
        except Abort as e:
            self.failed = max(self.failed, 1)
            self.diag('aborting the remaining cases: %s' % e)
        except BaseException:
            self.ok(False, 'unexpected exception', traceback.format_exc())
        self.finish()

    # ---- processes
    def run(self, argv, timeout=60, input=None, env=None, cwd=None):
        timeout = max(1.0, min(timeout, self.remaining() - 5))
        try:
            p = subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=None if input is not None else subprocess.DEVNULL,
                               env=env or self.env, timeout=timeout, cwd=cwd)
            return Result(argv, p.returncode, p.stdout.decode('utf-8', 'replace'),
                          p.stderr.decode('utf-8', 'replace'))
        except subprocess.TimeoutExpired as e:
            return Result(argv, None, (e.stdout or b'').decode('utf-8', 'replace'),
                          (e.stderr or b'').decode('utf-8', 'replace'), timed_out=True)

    def virsh(self, uri, *args, ro=False, timeout=60, cwd=None):
        argv = [VIRSH, '-c', uri] + (['-r'] if ro else []) + list(args)
        return self.run(argv, timeout=timeout, cwd=cwd)

    def genvirsh(self, uri, *args, ro=False, timeout=60, cwd=None):
        argv = [self.genvirsh_path] + (['-c', uri] if uri else []) + (['-r'] if ro else []) + list(args)
        return self.run(argv, timeout=timeout, cwd=cwd)

    # ---- data
    def examples(self):
        """[(path, name)] of the valid example domains: examples/*.xml and the
        DO_TEST cases of tests/xml2xml/cases.h."""
        out = []
        exdir = os.path.join(self.srcdir, 'examples')
        for f in sorted(os.listdir(exdir)):
            if f.endswith('.xml'):
                out.append(os.path.join(exdir, f))
        for case in self.xml2xml_cases():
            out.append(os.path.join(self.srcdir, 'tests', 'xml2xml', case + '.xml'))
        return [(p, domain_name(read_text(p))) for p in out]

    def xml2xml_cases(self):
        cases = read_text(os.path.join(self.srcdir, 'tests', 'xml2xml', 'cases.h'))
        return re.findall(r'^DO_TEST\("([^"]+)"\);', cases, re.M)


def read_text(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def domain_name(xml):
    m = re.search(r'<name>\s*([^<]*?)\s*</name>', xml)
    return m.group(1) if m else None


def guid_of(xml):
    """The GUID value of an auto='yes' <guid>, or None."""
    m = GUID_ELEM_RE.search(xml)
    return m.group(1) if m else None


def any_guid(xml):
    m = re.search(r'<guid[^>]*>\s*([^<]+?)\s*</guid>', xml)
    return m.group(1) if m else None


def domain_xml(name, uuid=None, genid=None, dtype='kvm', legacy_genid=None, memory_mib=128):
    """A small valid domain.  genid: None (no device), '' (<genid/> device
    with auto value), 'auto:VALUE', 'auto', 'fixed:VALUE'.  legacy_genid: None,
    '' (<genid/> under <domain>) or a UUID."""
    lines = ["<domain type='%s'>" % dtype, '  <name>%s</name>' % name]
    if uuid:
        lines.append('  <uuid>%s</uuid>' % uuid)
    if legacy_genid is not None:
        lines.append('  <genid>%s</genid>' % legacy_genid if legacy_genid else '  <genid/>')
    lines += ["  <memory unit='MiB'>%d</memory>" % memory_mib, '  <vcpu>1</vcpu>',
              "  <os>", "    <type arch='x86_64' machine='pc'>hvm</type>", '  </os>',
              '  <features>', '    <acpi/>', '  </features>', '  <devices>']
    if genid is not None:
        if genid == '':
            lines.append('    <genid/>')
        elif genid == 'auto':
            lines.append("    <genid model='vmgenid'><guid auto='yes'/></genid>")
        elif genid.startswith('auto:'):
            lines.append("    <genid model='vmgenid'><guid auto='yes'>%s</guid></genid>" % genid[5:])
        elif genid.startswith('fixed:'):
            lines.append("    <genid model='vmgenid'><guid auto='no'>%s</guid></genid>" % genid[6:])
        else:
            raise ValueError(genid)
    lines += ['  </devices>', '</domain>', '']
    return '\n'.join(lines)


def write_file(path, text):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def snapshot_dir(path, hidden=False):
    """{file name: (mode, bytes)} of the entries in a directory (empty when
    the directory does not exist).  Hidden entries (temporary files: genvirtd
    keeps empty spare ones, .spare.XXXXXX, ready for its atomic writes) are
    left out unless hidden is set; see stray_files() for them."""
    snap = {}
    try:
        names = os.listdir(path)
    except FileNotFoundError:
        return snap
    for n in sorted(names):
        if n.startswith('.') and not hidden:
            continue
        p = os.path.join(path, n)
        st = os.lstat(p)
        try:
            data = read_bytes(p) if os.path.isfile(p) else None
        except OSError:
            data = None
        snap[n] = (st.st_mode & 0o7777, data)
    return snap


def config_files(path):
    """The sorted non-hidden entries of a config directory."""
    return sorted(n for n in os.listdir(path) if not n.startswith('.'))


def stray_files(path):
    """Hidden entries of a config directory that are not empty spare files:
    what a half-done write would leave behind ('name (size)')."""
    out = []
    for n in sorted(os.listdir(path)):
        if n.startswith('.'):
            p = os.path.join(path, n)
            size = os.lstat(p).st_size
            if size or not os.path.isfile(p):
                out.append('%s (%d bytes)' % (n, size))
    return out


def diff_snapshots(before, after):
    """A text describing how two snapshot_dir() results differ ('' if equal)."""
    out = []
    for n in sorted(set(before) | set(after)):
        if n not in after:
            out.append('removed: %s' % n)
        elif n not in before:
            out.append('added: %s' % n)
        elif before[n] != after[n]:
            out.append('changed: %s (mode %o -> %o)' % (n, before[n][0], after[n][0]))
    return '\n'.join(out)


class Daemon:
    """genvirtd on a private --root."""

    def __init__(self, h, root=None, verbose=True):
        self.h = h
        self.root = root or h.mkdtemp('root')
        self.verbose = verbose
        self.proc = None
        self.logpath = None
        self.starts = 0
        h.daemons.append(self)

    @property
    def rundir(self):
        return os.path.join(self.root, 'run', 'genvirt')

    @property
    def sock(self):
        return os.path.join(self.rundir, 'genvirt-sock')

    @property
    def sock_ro(self):
        return os.path.join(self.rundir, 'genvirt-sock-ro')

    @property
    def domdir(self):
        return os.path.join(self.root, 'etc', 'genvirt', 'domains')

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

    def start(self, timeout=20.0, report=True):
        """Start genvirtd and wait (bounded) until both sockets accept
        connections.  Reports one TAP line when report is set."""
        assert self.proc is None or self.proc.poll() is not None
        self.starts += 1
        self.logpath = os.path.join(self.h.workdir, 'genvirtd-%s-%d.log'
                                    % (os.path.basename(self.root), self.starts))
        argv = [self.h.genvirtd, '--root', self.root] + (['--verbose'] if self.verbose else [])
        with open(self.logpath, 'wb') as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=self.h.env)
        t0 = time.monotonic()
        end = t0 + timeout
        ready = False
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                break
            if os.path.exists(self.sock) and os.path.exists(self.sock_ro) \
                    and self._connectable(self.sock) and self._connectable(self.sock_ro):
                ready = True
                break
            time.sleep(0.02)
        if not ready:
            why = ('exited with %s' % self.proc.returncode if self.proc.poll() is not None
                   else 'sockets not ready after %.0f s' % timeout)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
            if report:
                self.h.ok(False, 'genvirtd starts (start %d)' % self.starts,
                          why + '\n' + self.log_text())
            return False
        if report:
            self.h.ok(True, 'genvirtd starts, sockets ready in %.2f s (start %d)'
                      % (time.monotonic() - t0, self.starts))
        return True

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self):
        try:
            return read_text(self.logpath) if self.logpath else ''
        except (OSError, UnicodeDecodeError):
            return read_bytes(self.logpath).decode('utf-8', 'replace')

    def sanitizer_report(self):
        text = self.log_text()
        return [l for l in text.split('\n') if any(m in l for m in SANITIZER_MARKERS)]

    def check_sanitizers(self, what):
        bad = self.sanitizer_report()
        return self.h.ok(not bad, 'no sanitizer report in genvirtd stderr (%s)' % what,
                         None if not bad else self.log_text()[-20000:])

    def stop(self, timeout=10.0):
        """SIGTERM; checks exit 0 within timeout and a clean stderr.
        Reports two TAP lines."""
        if self.proc is None:
            return False
        if self.proc.poll() is not None:
            self.h.ok(False, 'genvirtd still running before SIGTERM (start %d)' % self.starts,
                      'it exited early with %s\n%s' % (self.proc.returncode, self.log_text()[-5000:]))
            self.check_sanitizers('start %d' % self.starts)
            return False
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
            ok = self.h.ok(rc == 0, 'genvirtd exits 0 on SIGTERM (in %.2f s, start %d)'
                           % (time.monotonic() - t0, self.starts),
                           None if rc == 0 else 'exit status %s\n%s' % (rc, self.log_text()[-20000:]))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
            ok = self.h.ok(False, 'genvirtd exits 0 on SIGTERM within %.0f s (start %d)'
                           % (timeout, self.starts), 'it did not exit: killed')
        return self.check_sanitizers('start %d' % self.starts) and ok

    def kill9(self):
        """SIGKILL (no checks beyond the sanitizer output so far)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def list_names(self):
        """Names from `virsh list --all --name` (None when virsh fails)."""
        r = self.h.virsh(self.uri, 'list', '--all', '--name')
        if r.rc != 0:
            return None
        return [l for l in r.out.split('\n') if l]


# ---- raw wire client -------------------------------------------------------

def xdr_u32(v):
    return struct.pack('>I', v & 0xffffffff)


def xdr_i32(v):
    return struct.pack('>i', v)


def xdr_string(s):
    b = s.encode() if isinstance(s, str) else s
    return xdr_u32(len(b)) + b + b'\0' * ((4 - len(b) % 4) % 4)


def frame(prog, vers, proc, typ, serial, status=0, payload=b'', length=None):
    body = struct.pack('>IIiIII', prog, vers, proc, typ, serial, status) + payload
    return xdr_u32(len(body) + 4 if length is None else length) + body


class XdrReader:
    def __init__(self, data):
        self.d, self.p = data, 0

    def u32(self):
        v = struct.unpack_from('>I', self.d, self.p)[0]
        self.p += 4
        return v

    def i32(self):
        v = struct.unpack_from('>i', self.d, self.p)[0]
        self.p += 4
        return v

    def u64(self):
        v = struct.unpack_from('>Q', self.d, self.p)[0]
        self.p += 8
        return v

    def string(self):
        n = self.u32()
        s = self.d[self.p:self.p + n]
        if len(s) != n:
            raise ValueError('short string')
        self.p += n + (4 - n % 4) % 4
        return s.decode('utf-8', 'replace')

    def ostring(self):
        return self.string() if self.u32() else None

    def opaque(self, n):
        s = self.d[self.p:self.p + n]
        self.p += n
        return s


def decode_error(payload):
    """remote_error -> dict(code, domain, message, level)."""
    r = XdrReader(payload)
    e = {'code': r.i32(), 'domain': r.i32(), 'message': r.ostring(), 'level': r.i32()}
    return e


class Wire:
    """A raw connection to a genvirtd socket."""

    def __init__(self, path, timeout=10.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        # a non-blocking AF_UNIX connect fails with EAGAIN while the listen
        # backlog is full: retry, bounded
        end = time.monotonic() + timeout
        while True:
            try:
                self.s.connect(path)
                break
            except BlockingIOError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.005)
        self.serial = 0
        self.timeout = timeout

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def send(self, data):
        self.s.sendall(data)

    def _recv_exact(self, n, end):
        buf = b''
        while len(buf) < n:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError('timed out')
            self.s.settimeout(left)
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError('closed after %d of %d bytes' % (len(buf), n))
            buf += chunk
        return buf

    def recv_frame(self, timeout=None):
        """(header dict, payload).  Raises EOFError on close, TimeoutError."""
        end = time.monotonic() + (timeout or self.timeout)
        length = struct.unpack('>I', self._recv_exact(4, end))[0]
        if length < 28 or length > MESSAGE_MAX + 4:
            raise ValueError('bad reply length %d' % length)
        body = self._recv_exact(length - 4, end)
        prog, vers, proc, typ, serial, status = struct.unpack_from('>IIiIII', body)
        return ({'len': length, 'prog': prog, 'vers': vers, 'proc': proc, 'type': typ,
                 'serial': serial, 'status': status}, body[24:])

    def call(self, proc, payload=b'', prog=PROG_REMOTE, vers=1, serial=None, timeout=None):
        """Send a CALL and return the reply (skipping keepalive messages)."""
        if serial is None:
            serial = self.serial
            self.serial += 1
        self.send(frame(prog, vers, proc, TYPE_CALL, serial, 0, payload))
        end = time.monotonic() + (timeout or self.timeout)
        while True:
            hdr, body = self.recv_frame(max(0.01, end - time.monotonic()))
            if hdr['prog'] == PROG_KEEPALIVE and hdr['type'] == TYPE_MESSAGE:
                if hdr['proc'] == KA_PING:
                    self.send(frame(PROG_KEEPALIVE, 1, KA_PONG, TYPE_MESSAGE, 0))
                continue
            return hdr, body

    def handshake(self, name='qemu:///system', flags=0):
        """AUTH_LIST + CONNECT_OPEN; returns True when both succeed."""
        h1, _ = self.call(PROC_AUTH_LIST)
        h2, _ = self.call(PROC_OPEN, xdr_u32(1) + xdr_string(name) + xdr_u32(flags))
        return h1['status'] == STATUS_OK and h2['status'] == STATUS_OK

    def wait_closed(self, timeout=5.0):
        """'closed' if the peer closes without sending anything more,
        'data' if bytes arrive, 'timeout' otherwise."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return 'timeout'
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                return 'timeout'
            except ConnectionResetError:
                return 'closed'
            if not chunk:
                return 'closed'
            return 'data'
