#!/usr/bin/python3
"""Real-QEMU check of the xml2argv goldens (TAP).

For every successful case of tests/xml2argv/cases.h (DO_TEST, DO_TEST_CAPS),
NAME.args is started with the real /usr/bin/qemu-system-x86_64:

- the QMP monitor socket path becomes a temporary one;
- every other chardev socket or file path, and every chardev logfile,
  becomes a temporary one;
- every disk image path ("file" blockdevs) becomes a temporary image made
  with qemu-img in the format the args give (raw or qcow2); a block device
  ("host_device") becomes /dev/null, a character device that driver accepts,
  so no loop device is needed;
- the -kernel and -initrd paths become temporary files of the same base
  name (spaces and commas included): a tiny multiboot kernel
  (tests/integration/testkernel.py) and a small initrd, which QEMU loads
  when it creates the machine, even under -S;
- a pflash firmware's code image (gv-pflash0) stays the real OVMF file,
  its NVRAM (gv-pflash1) becomes a temporary copy of the matching OVMF
  variable store;
- a fixed SPICE port or VNC display becomes a free one (other tests run
  QEMUs with displays at the same time);
- the genid payload (the "# " lines after the payload header, without the
  "# ") goes into a sealed memfd placed at the descriptor the header names
  (the one -readconfig /dev/fd/N reads);
- -accel kvm becomes -accel tcg (and -cpu host becomes -cpu max) when
  /dev/kvm cannot be opened, and for a case whose KVM start fails on what
  this host's KVM lacks (HOST_KVM_QUIRKS: "failed to set MSR 0x10a", seen
  with nested KVM on AMD, that breaks -cpu host and -cpu max; no SMM; no
  Hyper-V enlightenments, whose hv-* flags that TCG run leaves out); the
  TAP line says so.

QEMU runs with exactly the environment of the args file.  The script then
connects to QMP, sends qmp_capabilities, and, when there is a payload, checks
that query-vm-generation-id returns exactly the payload's guid and that the
guid is not in /proc/PID/cmdline; then it sends quit.  One TAP line per case;
exit status 1 on any failure.  Everything has a timeout.

Usage: qemu-accepts.py [XML2ARGV_DIR] [CASE...]
"""

import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
import testkernel  # noqa: E402

QEMU = '/usr/bin/qemu-system-x86_64'
QEMU_IMG = '/usr/bin/qemu-img'
START_TIMEOUT = 30.0     # until the QMP socket answers
QMP_TIMEOUT = 15.0       # per QMP command
EXIT_TIMEOUT = 15.0      # after 'quit'
PAYLOAD_HEADER = re.compile(r'^# genid configuration, read by QEMU through file descriptor (\d+):$')


class CaseError(Exception):
    pass


def success_cases(srcdir):
    """The names of DO_TEST and DO_TEST_CAPS cases, in file order."""
    with open(os.path.join(srcdir, 'cases.h')) as f:
        text = f.read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.findall(r'^\s*DO_TEST(?:_CAPS)?\s*\(\s*"([^"]+)"', text, flags=re.M)


def shell_words(text):
    """POSIX sh word splitting for what the args files use: bare words,
    '...' quoting, backslash escapes and backslash-newline continuations.
    Anything that sh would expand ($, `, ", globs) is refused."""
    words = []
    cur = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise CaseError('unterminated quote in the args')
            cur = (cur or '') + text[i + 1:end]
            i = end + 1
        elif ch == '\\':
            if i + 1 >= len(text):
                raise CaseError('trailing backslash in the args')
            if text[i + 1] != '\n':
                cur = (cur or '') + text[i + 1]
            i += 2
        elif ch in ' \t\n':
            if cur is not None:
                words.append(cur)
                cur = None
            i += 1
        elif ch in '$`"*?[]{}~;&|<>()#':
            raise CaseError('unquoted shell metacharacter %r in the args' % ch)
        else:
            cur = (cur or '') + ch
            i += 1
    if cur is not None:
        words.append(cur)
    return words


def parse_args_file(path):
    """-> (env dict, argv list, payload text or None, payload fd or None)"""
    with open(path) as f:
        lines = f.read().split('\n')
    cmd_lines = []
    payload = None
    payload_fd = None
    i = 0
    while i < len(lines) and not lines[i].startswith('#'):
        cmd_lines.append(lines[i])
        i += 1
    if i < len(lines):
        m = PAYLOAD_HEADER.match(lines[i])
        if not m:
            raise CaseError('unexpected comment line in %s: %r' % (path, lines[i]))
        payload_fd = int(m.group(1))
        body = []
        for line in lines[i + 1:]:
            if line == '':
                continue
            if not line.startswith('# '):
                raise CaseError('payload line without "# " in %s: %r' % (path, line))
            body.append(line[2:])
        payload = '\n'.join(body) + '\n'
    words = shell_words('\n'.join(cmd_lines))
    # the same words as /bin/sh sees them, or the quoting is wrong
    sh = subprocess.run(['/bin/sh', '-c', "printf '%s\\0' " + '\n'.join(cmd_lines)],
                        stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
    if sh.returncode != 0 or sh.stdout.decode().split('\0')[:-1] != words:
        raise CaseError('/bin/sh splits %s differently: %r' % (path, sh.stdout))
    env = {}
    while words and re.match(r'^[A-Za-z_][A-Za-z0-9_]*=', words[0]):
        name, value = words.pop(0).split('=', 1)
        env[name] = value
    if not words:
        raise CaseError('no command in %s' % path)
    return env, words, payload, payload_fd


def kvm_usable():
    try:
        fd = os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def run(cmd, timeout=30):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout, text=True)
    if p.returncode != 0:
        raise CaseError('%s failed: %s' % (' '.join(cmd), p.stdout.strip()))


def firmware_file(props, tmpdir, notes):
    """pflash0 is the firmware's code: the real OVMF image, read-only.  pflash1
    is the guest's NVRAM: a temporary copy of the OVMF variable store that
    matches the code image the args name (as genvirtd copies the template)."""
    name = props['filename']
    if props['node-name'].startswith('gv-pflash0'):
        if not os.path.isfile(name):
            raise CaseError('firmware image %s is not installed (Debian: ovmf)' % name)
        firmware_file.code = name
        return name
    code = getattr(firmware_file, 'code', '')
    base = os.path.basename(code)
    candidates = [base.replace('CODE', 'VARS'),
                  re.sub(r'CODE(_4M)?\.[a-z]+\.fd$', r'VARS\1.fd', base)]
    for c in candidates:
        template = os.path.join(os.path.dirname(code), c)
        if os.path.isfile(template):
            nvram = os.path.join(tmpdir, 'nvram-' + os.path.basename(name))
            with open(template, 'rb') as src, open(nvram, 'wb') as dst:
                dst.write(src.read())
            notes.append('NVRAM from %s' % c)
            return nvram
    raise CaseError('no OVMF variable store for %s' % code)


def free_port(base):
    """A TCP port nobody listens on now: any (base 0), or one above base."""
    for _ in range(200):
        port = 0 if base == 0 else base + 100 + int.from_bytes(os.urandom(2), 'big') % 900
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(('127.0.0.1', port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise CaseError('no free TCP port above %d' % base)


def rewrite_argv(argv, tmpdir, force_tcg, notes):
    """Temporary monitor socket and disk images; returns (argv, monitor path)."""
    out = list(argv)
    monitor = os.path.join(tmpdir, 'monitor.sock')
    seen_monitor = False
    # the format blockdev names its protocol node in "file"
    formats = {}
    for i, arg in enumerate(out[:-1]):
        if arg == '-blockdev':
            props = json.loads(out[i + 1])
            if isinstance(props.get('file'), str):
                formats[props['file']] = props['driver']
    nimg = 0
    for i, arg in enumerate(out):
        if i == 0:
            continue
        prev = out[i - 1]
        if prev == '-chardev' and 'id=charmonitor' in arg.split(','):
            if ',path=' not in arg:
                raise CaseError('monitor chardev without a path: %s' % arg)
            out[i] = re.sub(r',path=(?:[^,]|,,)*', ',path=' + monitor.replace(',', ',,'), arg)
            seen_monitor = True
        elif prev == '-chardev' and ',logfile=' in arg and 'id=charmonitor' not in arg.split(','):
            nlog = sum(1 for a in out[:i] if ',logfile=' in a) + 1
            out[i] = re.sub(r',logfile=(?:[^,]|,,)*',
                            ',logfile=' + os.path.join(tmpdir, 'log%d' % nlog).replace(',', ',,'),
                            arg)
            if re.match(r'^(socket|file),', out[i]) and ',path=' in out[i]:
                nchr = sum(1 for a in out[:i] if a.startswith(('socket,', 'file,'))) + 1
                out[i] = re.sub(r',path=(?:[^,]|,,)*', ',path=' + os.path.join(
                    tmpdir, 'chr%d' % nchr).replace(',', ',,'), out[i])
            notes.append('chardev log in a temporary directory')
        elif prev == '-chardev' and re.match(r'^(socket|file),', arg) and ',path=' in arg:
            # channel sockets and chardev files go to the temporary directory
            nchr = sum(1 for a in out[:i] if a.startswith(('socket,', 'file,'))) + 1
            out[i] = re.sub(r',path=(?:[^,]|,,)*',
                            ',path=' + os.path.join(tmpdir, 'chr%d' % nchr).replace(',', ',,'), arg)
            notes.append('chardev path in a temporary directory')
        elif prev == '-blockdev' and json.loads(arg).get('node-name', '').startswith('gv-pflash'):
            props = json.loads(arg)
            if props.get('driver') == 'file':
                props['filename'] = firmware_file(props, tmpdir, notes)
                out[i] = json.dumps(props, separators=(',', ':'))
        elif prev == '-blockdev':
            props = json.loads(arg)
            if props.get('driver') == 'file':
                fmt = formats.get(props.get('node-name'), 'raw')
                if fmt not in ('raw', 'qcow2'):
                    raise CaseError('unexpected image format %r' % fmt)
                nimg += 1
                img = os.path.join(tmpdir, 'disk%d.%s' % (nimg, fmt))
                run([QEMU_IMG, 'create', '-q', '-f', fmt, img, '16M'])
                props['filename'] = img
                out[i] = json.dumps(props, separators=(',', ':'))
            elif props.get('driver') == 'host_device':
                props['filename'] = '/dev/null'
                out[i] = json.dumps(props, separators=(',', ':'))
                notes.append('host_device on /dev/null')
        elif prev in ('-kernel', '-initrd'):
            path = os.path.join(tmpdir, prev[1:] + '-' + os.path.basename(arg))
            if prev == '-kernel':
                testkernel.write_kernel(path)
            else:
                testkernel.write_initrd(path)
            out[i] = path
        elif prev == '-spice' and re.match(r'^port=[1-9]', arg):
            # a fixed SPICE port may be another test's: a free one
            out[i] = re.sub(r'^port=\d+', 'port=%d' % free_port(0), arg)
            notes.append('SPICE on a free port')
        elif prev == '-vnc' and re.match(r"^'?[^,]*:\d+(,|'?$)", arg) and ',to=' not in arg:
            # a fixed VNC display likewise
            out[i] = re.sub(r':\d+(?=,|$)', ':%d' % (free_port(5900) - 5900), arg, count=1)
            notes.append('VNC on a free display')
        elif force_tcg and prev == '-accel' and arg == 'kvm':
            out[i] = 'tcg'
            notes.append('kvm forced to tcg')
        elif force_tcg and prev == '-cpu' and arg.split(',')[0] == 'host':
            out[i] = 'max' + arg[len('host'):]
            notes.append('cpu host forced to max')
    if not seen_monitor:
        raise CaseError('no QMP monitor chardev in the args')
    return out, monitor


class QMP:
    def __init__(self, path, deadline, proc):
        self.sock = None
        last = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise CaseError('QEMU exited before its QMP socket answered')
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(QMP_TIMEOUT)
            try:
                s.connect(path)
                self.sock = s
                break
            except OSError as e:
                last = e
                s.close()
                time.sleep(0.05)
        if not self.sock:
            raise CaseError('cannot connect to the QMP socket: %s' % last)
        self.buf = b''
        greeting = self.read()
        if 'QMP' not in greeting:
            raise CaseError('no QMP greeting: %r' % greeting)

    def read(self):
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise CaseError('QMP connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def command(self, name, args=None):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        # a QEMU that exits between connect and send: an error, not SIGPIPE
        self.sock.sendall(json.dumps(msg).encode() + b'\n', socket.MSG_NOSIGNAL)
        while True:
            reply = self.read()
            if 'event' in reply:
                continue
            if 'error' in reply:
                raise CaseError('QMP %s: %s' % (name, reply['error'].get('desc')))
            return reply.get('return')

    def close(self):
        if self.sock:
            self.sock.close()


def payload_guid(payload):
    m = re.search(r'^\s*guid\s*=\s*"([^"]*)"\s*$', payload, flags=re.M)
    if not m:
        raise CaseError('no guid in the genid payload')
    return m.group(1)


def make_memfd(payload):
    fd = os.memfd_create('genid', os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    os.write(fd, payload.encode())
    os.lseek(fd, 0, os.SEEK_SET)
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS,
                fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW |
                fcntl.F_SEAL_WRITE)
    return fd


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout=EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass


def qemu_session(env, argv, payload, payload_fd, guid, monitor, log):
    """Starts QEMU, checks it over QMP, quits it.  Raises CaseError."""
    memfd = make_memfd(payload) if payload is not None else -1

    # close_fds=False: Python opens every descriptor close-on-exec, and
    # subprocess would otherwise close the payload fd after child_setup
    def child_setup():
        os.setsid()
        if memfd >= 0:
            if memfd == payload_fd:
                fcntl.fcntl(memfd, fcntl.F_SETFD, 0)
            else:
                os.dup2(memfd, payload_fd)  # the copy is not close-on-exec

    try:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=log, close_fds=False,
                                preexec_fn=child_setup)
    finally:
        if memfd >= 0:
            os.close(memfd)
    qmp = None
    try:
        qmp = QMP(monitor, time.monotonic() + START_TIMEOUT, proc)
        qmp.command('qmp_capabilities')
        status = qmp.command('query-status')
        if status.get('status') != 'prelaunch':
            raise CaseError('status %r, expected prelaunch (-S)' % status.get('status'))
        if guid is not None:
            live = qmp.command('query-vm-generation-id').get('guid')
            if live != guid:
                raise CaseError('query-vm-generation-id says %r, the payload %r' % (live, guid))
            with open('/proc/%d/cmdline' % proc.pid, 'rb') as f:
                cmdline = f.read().decode(errors='replace').lower()
            if guid.lower() in cmdline or guid.lower().replace('-', '') in cmdline:
                raise CaseError('the guid is in /proc/%d/cmdline' % proc.pid)
        else:
            try:
                qmp.command('query-vm-generation-id')
            except CaseError:
                pass  # no device: QEMU says so
            else:
                raise CaseError('query-vm-generation-id answered without a genid device')
        try:
            qmp.command('quit')
        except (CaseError, OSError):
            pass  # QEMU may close the socket before it answers
        try:
            proc.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CaseError('QEMU did not exit after quit')
        if proc.returncode != 0:
            raise CaseError('QEMU exited with status %d after quit' % proc.returncode)
    except (CaseError, OSError, ValueError) as e:
        if isinstance(e, socket.timeout):
            e = 'QMP timed out'
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        log.flush()
        log.seek(0)
        raise CaseError('%s (QEMU exit status %s); QEMU said:\n%s'
                        % (e, proc.poll(), log.read().strip() or '(nothing)'))
    finally:
        if qmp:
            qmp.close()
        stop(proc)


# The host's KVM cannot run this CPU model (seen with nested KVM on AMD:
# QEMU aborts writing IA32_ARCH_CAPABILITIES): not the argv's fault.
HOST_KVM_CPU_QUIRK = 'failed to set MSR 0x10a'
# Nested KVM without SMM, or without (some of) Hyper-V: the line is checked
# again under TCG, which has SMM; the hv-* flags (TCG has no Hyper-V) are
# left out of that second run and the TAP line says so.
HOST_KVM_QUIRKS = (HOST_KVM_CPU_QUIRK,
                   'System Management Mode not supported by this hypervisor',
                   "kernel doesn't allow setting HyperV",
                   'failed to set MSR 0x4000')


def strip_hyperv(argv, notes):
    out = list(argv)
    for i in range(1, len(out)):
        if out[i - 1] == '-cpu':
            parts = out[i].split(',')
            kept = [p for p in parts if not p.startswith('hv-')]
            if len(kept) != len(parts):
                notes.append('hv-* flags left out under TCG')
                out[i] = ','.join(kept)
    return out


def check_case(srcdir, name, force_tcg):
    """Returns a note for the TAP line; raises CaseError on failure."""
    env, orig_argv, payload, payload_fd = parse_args_file(os.path.join(srcdir, name + '.args'))
    if orig_argv[0] != QEMU:
        raise CaseError('binary is %s, not %s' % (orig_argv[0], QEMU))
    readconfig = [orig_argv[i + 1] for i in range(len(orig_argv) - 1)
                  if orig_argv[i] == '-readconfig']
    if payload is None:
        if readconfig:
            raise CaseError('-readconfig %s without a payload' % readconfig[0])
    else:
        if readconfig != ['/dev/fd/%d' % payload_fd]:
            raise CaseError('payload for fd %d but -readconfig %s' % (payload_fd, readconfig))
        if payload_fd < 3:
            raise CaseError('payload fd %d is a standard stream' % payload_fd)
    guid = payload_guid(payload) if payload is not None else None
    if guid and any(guid.lower() in a.lower() for a in orig_argv):
        raise CaseError('the guid %s is in argv' % guid)

    quirk = False
    quirk_text = None
    while True:
        notes = []
        with tempfile.TemporaryDirectory(prefix='gv-qemu-accepts-') as tmpdir:
            argv, monitor = rewrite_argv(orig_argv, tmpdir, force_tcg, notes)
            if quirk:
                argv = strip_hyperv(argv, notes)
            with open(os.path.join(tmpdir, 'qemu.log'), 'w+') as log:
                try:
                    qemu_session(env, argv, payload, payload_fd, guid, monitor, log)
                except CaseError as e:
                    hit = [q for q in HOST_KVM_QUIRKS if q in str(e)]
                    if force_tcg or not hit:
                        raise
                    # once more under TCG, which checks the rest of the argv
                    force_tcg = quirk = True
                    quirk_text = hit[0]
                    continue
        if guid is not None:
            notes.append('guid matched')
        if quirk:
            notes.append("this host's KVM refuses it (%s)" % quirk_text)
        return ', '.join(notes)


def main():
    srcdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    only = sys.argv[2:]
    cases = success_cases(srcdir)
    if only:
        cases = [c for c in cases if c in only]
    force_tcg = not kvm_usable()
    print('1..%d' % len(cases))
    if force_tcg:
        print('# /dev/kvm cannot be opened: every case runs with -accel tcg')
    sys.stdout.flush()
    failed = 0
    matched = 0
    for n, name in enumerate(cases, 1):
        try:
            note = check_case(srcdir, name, force_tcg)
            if 'guid matched' in note:
                matched += 1
            print('ok %d - %s%s' % (n, name, ' (%s)' % note if note else ''))
        except (CaseError, OSError, ValueError, subprocess.SubprocessError) as e:
            failed += 1
            print('not ok %d - %s' % (n, name))
            for line in str(e).splitlines() or ['(no message)']:
                print('# %s' % line)
        sys.stdout.flush()
    print('# %d accepted by QEMU, %d of them with the genid GUID matched' % (len(cases) - failed, matched))
    print('# %d passed, %d failed' % (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
