"""gvtest: shared helpers for genvirt's interop tests.

Every test script is run as
    /usr/bin/python3 tests/interop/X.py GENVIRTD GENVIRSH SRCDIR
and prints TAP on stdout.  This module builds on
tests/integration/gvinteg.py: its Harness (arguments, a private work
directory, TAP output, a watchdog that bails out and kills every daemon it
started, so that no test can hang) and Daemon (genvirtd on a temporary
--root: start with a bounded wait for both sockets, stop with SIGTERM, which
checks exit status 0 and that stderr has no AddressSanitizer /
LeakSanitizer / UBSan report, the tests' leak and memory-error check when
genvirtd is built with -Db_sanitize=address,undefined; kill -9; its log).
It adds:

- the example domains and the xml2xml cases (Harness.examples), and the
  schema directory for genvirsh domxml-validate;
- small domain XMLs with every genid form (domain_xml);
- snapshots of the config directory (snapshot_dir, stray_files, ...);
- Wire: a raw client of libvirt's RPC framing (libvirt-wire.md section 1).

Nothing here mocks anything: the daemon, virsh and python3-libvirt are real.
"""

import os
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
import gvinteg  # noqa: E402
from gvinteg import (SANITIZER_MARKERS, UUID_RE, VIRSH, Abort, Result,  # noqa: E402,F401
                     read_bytes, read_text, write_file)

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


class Harness(gvinteg.Harness):
    """gvinteg's harness, with the schema directory set for genvirsh and the
    example domains at hand."""

    WORKDIR_PREFIX = 'gvtest'
    KEEP_ENV = 'GVTEST_KEEP'

    def __init__(self, name, deadline=270.0):
        super().__init__(name, deadline)
        schemas = os.path.join(self.srcdir, 'docs', 'schemas')
        if 'GENVIRT_SCHEMA_DIR' not in self.env and os.path.isdir(schemas):
            self.env['GENVIRT_SCHEMA_DIR'] = schemas

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
        # one daemon holds them all: of the documents that share a name or a UUID
        # (virt-install's complete documents all name their guest deb11; Nova's reuses
        # its device document's UUID), the first one stands for them
        seen, uniq = set(), []
        for p in out:
            xml = read_text(p)
            name = domain_name(xml)
            m = re.search(r'<uuid>\s*([^<]*?)\s*</uuid>', xml)
            keys = {('name', name)}
            if m:
                keys.add(('uuid', m.group(1).replace('-', '').lower()))
            if not keys & seen:
                seen |= keys
                uniq.append((p, name))
        return uniq

    def xml2xml_cases(self):
        cases = read_text(os.path.join(self.srcdir, 'tests', 'xml2xml', 'cases.h'))
        return re.findall(r'^DO_TEST\("([^"]+)"\);', cases, re.M)


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


class Daemon(gvinteg.Daemon):
    """gvinteg's genvirtd on a private --root."""

    def list_names(self):
        """Names from `virsh list --all --name`, in virsh's order (None when
        virsh fails)."""
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
