"""Helpers shared by the bench/*-bench.py scripts.

The test domain's XML, raw QEMU the way genvirtd starts it (its own command line from
genvirsh domxml-to-native, the genid config through a sealed memfd on fd 3, a pre-bound
listening QMP socket on fd 4, its own session), a small QMP client, the idle guest disk,
libvirt domain cleanup, the common options, the interleaved sample loop, and the
statistics and report tables.  Imported from the directory of the scripts (python puts
it on sys.path).
"""

import fcntl
import json
import math
import os
import re
import select
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import libvirt
import libvirt_qemu

EMULATOR = "/usr/bin/qemu-system-x86_64"
QEMU_IMG = "/usr/bin/qemu-img"

# The test domain: 128 MiB, 1 vCPU, x86_64 'pc' with ACPI.  {top} goes right before
# <memory> (libvirt's top-level <genid>, with what follows it on the line), {devices}
# after <emulator>.
DOMAIN_XML = """<domain type='{virt}'>
  <name>{name}</name>
  {top}<memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <emulator>{emulator}</emulator>
    {devices}
  </devices>
</domain>
"""

DISK_XML = """<disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='{disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    """

# genvirt's genid device with a GUID the daemon generates (DESIGN.md section 2)
GENID_DEVICE = "<genid model='vmgenid'><guid auto='yes'/></genid>"


def domain_xml(name, virt, emulator, top="", devices="", disk=None):
    """The test domain's XML; with @disk (a path) a virtio qcow2 disk vda first in
    <devices>, before @devices."""
    if disk is not None:
        devices = DISK_XML.format(disk=disk) + devices
    return DOMAIN_XML.format(virt=virt, name=name, emulator=emulator, top=top,
                             devices=devices)


def host_accel():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC))
        return "kvm"
    except OSError:
        return "tcg"


def resolve_accel(choice):
    """(accel, domain type) for --accel @choice (auto: kvm when /dev/kvm opens)."""
    accel = host_accel() if choice == "auto" else choice
    return accel, "kvm" if accel == "kvm" else "qemu"


# The guest: a boot sector that idles with interrupts on (sti; hlt; jmp back to hlt).
# Without a bootable disk SeaBIOS keeps polling for one and its vCPU uses about 60% of a
# host CPU on this nested host, forever; with it, the guest is idle once SeaBIOS is done.
IDLE_BOOT_SECTOR = bytes([0xFB, 0xF4, 0xEB, 0xFD]) + bytes(506) + b"\x55\xaa"


def create_disk(path, mib):
    """A qcow2 image of @mib MiB whose first sector is IDLE_BOOT_SECTOR."""
    rawpath = path + ".raw"
    with open(rawpath, "wb") as f:
        f.write(IDLE_BOOT_SECTOR)
        f.truncate(mib << 20)
    try:
        out = subprocess.run([QEMU_IMG, "convert", "-q", "-f", "raw", "-O", "qcow2", rawpath,
                              path], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"qemu-img convert to {path} failed: {out.stderr.strip()}")
    finally:
        os.unlink(rawpath)


def cpu_ms(pid):
    """User + system CPU time of process @pid so far, in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")


def wait_idle(pid, label, timeout=60.0, window=0.5, busy_ms=25):
    """Waits until QEMU @pid used less than @busy_ms of CPU in two windows in a row
    (SeaBIOS done, the guest halted in its boot sector); returns the seconds waited."""
    t0 = time.monotonic()
    quiet = 0
    prev = cpu_ms(pid)
    while quiet < 2:
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"{label}: QEMU pid {pid} still busy after {timeout:.0f} s")
        time.sleep(window)
        cur = cpu_ms(pid)
        quiet = quiet + 1 if cur - prev < busy_ms else 0
        prev = cur
    return time.monotonic() - t0


def qemu_pid_of(name):
    """The pid of the QEMU whose command line names guest=@name (None if none runs)."""
    needle = f"guest={name},".encode()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if needle in cmd and cmd.startswith(b"/") and b"qemu-system" in cmd.split(b"\0")[0]:
            return int(d)
    return None


def cleanup_domains(conn, prefix, label):
    """Destroys and undefines (with snapshot metadata) every domain named @prefix*;
    returns how many."""
    n = 0
    for dom in conn.listAllDomains(0):
        if not dom.name().startswith(prefix):
            continue
        try:
            # asked first: a transient domain is gone once destroyed
            persistent = dom.isPersistent()
            if dom.isActive():
                dom.destroy()
            if persistent:
                dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
            n += 1
        except libvirt.libvirtError as e:
            print(f"warning: {label}: cannot remove {dom.name()}: {e}", file=sys.stderr)
    return n


def clean_leftovers(conn, prefix, label):
    """cleanup_domains() before a run, with a note on what an earlier run left."""
    left = cleanup_domains(conn, prefix, label)
    if left:
        print(f"note: {label}: removed {left} {prefix}* domain(s) left by an earlier run",
              file=sys.stderr)


def close_clean(conn, prefix, label, expect=None):
    """After a run: cleanup_domains() (a note unless it removed @expect domains, when
    given), a warning on any bench-* domain still there, then closes @conn."""
    try:
        left = cleanup_domains(conn, prefix, label)
        if expect is not None and left != expect:
            print(f"note: {label}: cleanup removed {left} {prefix}* domain(s)",
                  file=sys.stderr)
        left = [d.name() for d in conn.listAllDomains(0) if d.name().startswith("bench-")]
        if left:
            print(f"warning: {label}: bench-* domains still there: {left}", file=sys.stderr)
        conn.close()
    except libvirt.libvirtError as e:
        print(f"warning: cleanup on {label} failed: {e}", file=sys.stderr)


class DaemonPathBase:
    """A path through one daemon at @uri (python3-libvirt): setup() removes the @prefix*
    domains an earlier run left and defines the domain from @xml, teardown() removes them
    all again (the one defined here expected) and closes the connection."""

    prefix = None  # set by the subclass

    def __init__(self, label, uri, xml, query_in_timing):
        self.label = label
        self.uri = uri
        self.xml = xml
        self.query_in_timing = query_in_timing
        self.conn = None
        self.dom = None
        self.times = []

    def setup(self):
        self.conn = libvirt.open(self.uri)
        clean_leftovers(self.conn, self.prefix, self.label)
        self.dom = self.conn.defineXML(self.xml)

    def teardown(self):
        if self.conn is None:
            return
        close_clean(self.conn, self.prefix, self.label, expect=1)
        self.conn = None


def qmp_guid(reply_json):
    reply = json.loads(reply_json)
    if "return" not in reply or "guid" not in reply["return"]:
        raise RuntimeError(f"unexpected reply to query-vm-generation-id: {reply_json}")
    return reply["return"]["guid"].lower()


def dom_guid(dom):
    """The GUID QEMU reports for domain @dom (query-vm-generation-id through
    libvirt_qemu.qemuMonitorCommand)."""
    return qmp_guid(libvirt_qemu.qemuMonitorCommand(
        dom, '{"execute":"query-vm-generation-id"}', 0))


GUID_IN_XML = re.compile(r"<genid(?:\s[^>]*)?>\s*(?:<guid(?:\s[^>]*)?>)?\s*([0-9a-fA-F-]{36})")


def xml_guid(xml):
    """The GUID of either genid form in a domain XML (None if there is none)."""
    m = GUID_IN_XML.search(xml)
    return m.group(1).lower() if m else None


# ---- raw QEMU -------------------------------------------------------------------------------


class QMP:
    """A minimal blocking QMP client on a connected socket; events are kept in a queue."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.next_id = 0
        self.events = []

    def read_message(self, timeout=None):
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line, self.buf = self.buf[:nl], self.buf[nl + 1:]
                if line.strip():
                    return json.loads(line)
                continue
            if timeout is not None:
                r, _, _ = select.select([self.sock], [], [], timeout)
                if not r:
                    return None
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("raw: QEMU closed its QMP socket")
            self.buf += chunk

    def greeting(self):
        msg = self.read_message()
        if "QMP" not in msg:
            raise RuntimeError(f"raw: unexpected QMP greeting {msg!r}")

    def command(self, name, args=None):
        self.next_id += 1
        cid = self.next_id
        cmd = {"execute": name, "id": cid}
        if args is not None:
            cmd["arguments"] = args
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        return self.reply(name, cid)

    def command_with_fd(self, name, args, fd):
        """@name (getfd, add-fd) with @fd passed along (SCM_RIGHTS) with the command."""
        self.next_id += 1
        cid = self.next_id
        cmd = {"execute": name, "id": cid, "arguments": args}
        socket.send_fds(self.sock, [json.dumps(cmd).encode() + b"\n"], [fd])
        return self.reply(name, cid)

    def reply(self, name, cid):
        """The reply to command @name (id @cid); events before it are queued."""
        while True:
            msg = self.read_message()
            if "event" in msg:
                self.events.append(msg)
                continue
            if msg.get("id") != cid:
                raise RuntimeError(f"raw: reply {msg!r} does not match command {name} id {cid}")
            if "error" in msg:
                raise RuntimeError(f"raw: {name} failed: {msg['error']}")
            return msg["return"]

    def wait_event(self, name, timeout):
        """Returns the next event called @name (queued or read), None after @timeout s."""
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name:
                    return self.events.pop(i)
            self.events.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            msg = self.read_message(timeout=left)
            if msg is None:
                return None
            if "event" not in msg:
                raise RuntimeError(f"raw: unexpected message {msg!r} while waiting for {name}")
            self.events.append(msg)

    def run_job(self, command, args, job_id, timeout=600):
        """Starts a job, polls query-jobs until it concluded (waking up on each
        JOB_STATUS_CHANGE event instead of sleeping), then job-dismiss."""
        self.events.clear()
        self.command(command, args)
        deadline = time.monotonic() + timeout
        while True:
            mine = [j for j in self.command("query-jobs") if j.get("id") == job_id]
            if not mine:
                raise RuntimeError(f"raw: QEMU lost job {job_id} of {command}")
            if mine[0].get("status") == "concluded":
                break
            if self.wait_event("JOB_STATUS_CHANGE", deadline - time.monotonic()) is None:
                raise RuntimeError(f"raw: {command} did not finish in time")
        self.command("job-dismiss", {"id": job_id})
        if "error" in mine[0]:
            raise RuntimeError(f"raw: {command} failed: {mine[0]['error']}")


def high_fd(fd):
    """Moves @fd to a number >= 10 (close-on-exec), so that the dup2 onto 3 and 4 in the
    child cannot overwrite one source with another."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


GUID_LINE = re.compile(r'^(\s*guid\s*=\s*")[0-9a-fA-F-]{36}(".*)$')


def native_command(genvirsh, xml_path, accel):
    """genvirtd's own command line: (env dict, argv list, genid config template with
    {guid} where the GUID goes)."""
    out = subprocess.run([genvirsh, "domxml-to-native", "--accel", accel, xml_path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{genvirsh} domxml-to-native failed: {out.stderr.strip()}")
    lines = out.stdout.splitlines()
    words = shlex.split(lines[0])
    env = {}
    while words and "=" in words[0] and not words[0].startswith("/"):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    config = []
    has_guid = False
    for line in lines[1:]:
        if line.startswith("# genid configuration"):
            continue
        if line.startswith("# "):
            line = line[2:]
        elif line.startswith("#"):
            line = line[1:]
        else:
            continue
        m = GUID_LINE.match(line)
        if m:
            line = m.group(1) + "{guid}" + m.group(2)
            has_guid = True
        config.append(line.replace("{", "{{").replace("}", "}}").replace("{{guid}}", "{guid}"))
    # the monitor: genvirtd passes a pre-bound listening socket as fd 4 instead of a path
    argv = []
    replaced = False
    for w in words:
        if w.startswith("socket,id=charmonitor,"):
            w = "socket,id=charmonitor,fd=4,server=on,wait=off"
            replaced = True
        argv.append(w)
    if not replaced:
        raise RuntimeError(f"no charmonitor chardev in the native command line: {lines[0]}")
    if "/dev/fd/3" not in argv:
        raise RuntimeError(f"no -readconfig /dev/fd/3 in the native command line: {lines[0]}")
    if not has_guid:
        raise RuntimeError("domxml-to-native printed no genid configuration with a guid")
    if "-S" not in argv:
        raise RuntimeError(f"no -S in the native command line: {lines[0]}")
    return env, argv, "\n".join(config) + "\n"


class RawQemu:
    """One QEMU spawned the way genvirtd spawns it, with its QMP connection."""

    def __init__(self, pid, qmp):
        self.pid = pid
        self.qmp = qmp


class RawSpawner:
    """Spawns QEMUs with one command line (genvirtd's for @xml, from domxml-to-native);
    keeps the pids of those still running, so that teardown() kills them all."""

    def __init__(self, genvirsh, xml, accel, workdir, name, pid_file=None):
        self.pid_file = pid_file
        self.pids = set()
        self.monitor = os.path.join(workdir, f"{name}.monitor")
        self.log = os.path.join(workdir, f"{name}-qemu.log")
        xml_path = os.path.join(workdir, f"{name}.xml")
        with open(xml_path, "w") as f:
            f.write(xml)
        self.env, self.argv, self.config = native_command(genvirsh, xml_path, accel)
        home = os.path.join(workdir, f"{name}-home")
        os.makedirs(home, mode=0o700, exist_ok=True)
        self.env["HOME"] = home

    def command_line(self, extra=()):
        return " ".join(shlex.quote(w) for w in self.argv + list(extra))

    def spawn(self, guid, extra=(), fds=()):
        """Spawns QEMU (paused, -S) with @guid and the arguments @extra added, and each
        (fd, target) of @fds (fd >= 10, see high_fd) as the child's descriptor target;
        returns a RawQemu after the greeting and qmp_capabilities."""
        logfd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        null = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
        memfd = lst = lstfd = mon = None
        pid = None
        try:
            # the genid config in a sealed memfd, as genvirtd passes it
            memfd = high_fd(os.memfd_create("bench-genid", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING))
            os.write(memfd, self.config.format(guid=guid).encode())
            os.lseek(memfd, 0, os.SEEK_SET)
            fcntl.fcntl(memfd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK |
                        fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
            # a listening QMP socket bound before QEMU starts: connect never races it
            try:
                os.unlink(self.monitor)
            except FileNotFoundError:
                pass
            lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            lst.bind(self.monitor)
            lst.listen(8)
            lstfd = high_fd(os.dup(lst.fileno()))
            lst.close()
            lst = None
            argv = self.argv + list(extra)
            pid = os.posix_spawn(argv[0], argv, self.env, setsid=True, file_actions=[
                (os.POSIX_SPAWN_DUP2, null, 0),
                (os.POSIX_SPAWN_DUP2, logfd, 1),
                (os.POSIX_SPAWN_DUP2, logfd, 2),
                (os.POSIX_SPAWN_DUP2, memfd, 3),
                (os.POSIX_SPAWN_DUP2, lstfd, 4),
            ] + [(os.POSIX_SPAWN_DUP2, fd, target) for fd, target in fds])
            self.pids.add(pid)
            if self.pid_file:
                # for the wrapper's cleanup, should this script be killed outright
                with open(self.pid_file, "a") as f:
                    f.write(f"{pid}\n")
            os.close(memfd)
            memfd = None
            os.close(lstfd)
            lstfd = None
            mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            mon.connect(self.monitor)
            qmp = QMP(mon)
            qmp.greeting()
            qmp.command("qmp_capabilities")
            mon = None
            return RawQemu(pid, qmp)
        except BaseException:
            if mon is not None:
                mon.close()
            if pid is not None:
                self.kill(pid, signal.SIGKILL)
            raise
        finally:
            if lst is not None:
                lst.close()
            if lstfd is not None:
                os.close(lstfd)
            if memfd is not None:
                os.close(memfd)
            os.close(null)
            os.close(logfd)
            try:
                os.unlink(self.monitor)
            except FileNotFoundError:
                pass

    def kill(self, pid, sig):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        self.pids.discard(pid)

    def teardown(self):
        for pid in list(self.pids):
            self.kill(pid, signal.SIGKILL)


# ---- failed samples -------------------------------------------------------------------------


class SampleFailed(Exception):
    """The timed operation itself failed (the daemon returned an error) and the path was
    brought back to a state where the next sample can run; checks that fail after a
    successful operation (a GUID not new, a wrong state) are fatal instead."""


def run_sample(path, max_failures):
    """path.sample(), retried after a SampleFailed until @max_failures failures of that
    path in the whole run; each failure is recorded in path.failures."""
    while True:
        try:
            return path.sample()
        except SampleFailed as e:
            path.failures.append(str(e))
            print(f"FAILED {path.label}: {e} (failure {len(path.failures)} of at most "
                  f"{max_failures}; retrying)", file=sys.stderr, flush=True)
            if len(path.failures) > max_failures:
                raise RuntimeError(f"{path.label}: more than {max_failures} failed samples")


def report_failures(paths):
    """Prints the failed samples; returns how many there were."""
    n = 0
    for p in paths:
        for e in getattr(p, "failures", []):
            if n == 0:
                print()
                print("FAILED samples (retried, not in the figures):")
            print(f"  {p.label}: {e}")
            n += 1
    return n


# ---- options and the run --------------------------------------------------------------------


def add_daemon_args(ap):
    """--genvirtd-uri and --libvirtd-uri (one of each)."""
    ap.add_argument("--genvirtd-uri",
                    help="e.g. qemu+unix:///system?socket=ROOT/run/genvirt/genvirt-sock")
    ap.add_argument("--libvirtd-uri", default="qemu:///system")


def add_qemu_args(ap):
    """--genvirsh (for domxml-to-native) and --emulator."""
    ap.add_argument("--genvirsh", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build-bench", "tools", "genvirsh"),
        help="genvirsh used for domxml-to-native (default ../build-bench/tools/genvirsh)")
    ap.add_argument("--emulator", default=EMULATOR)


def add_sample_args(ap, samples, warmup, what, warmup_note=""):
    """-n/--samples and --warmup (untimed @what per path first)."""
    ap.add_argument("-n", "--samples", type=int, default=samples,
                    help=f"samples per path (default {samples})")
    ap.add_argument("--warmup", type=int, default=warmup,
                    help=f"untimed {what} per path first (default {warmup}{warmup_note})")


def add_guest_args(ap, disk):
    """--disk-mib when the guest has a disk, and --accel."""
    if disk:
        ap.add_argument("--disk-mib", type=int, default=64,
                        help="virtual size of each qcow2 disk in MiB (default 64)")
    ap.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto",
                    help="auto: kvm when /dev/kvm opens, else tcg (same for all paths)")


def add_only_arg(ap, labels):
    ap.add_argument("--only", default=",".join(labels),
                    help=f"comma-separated subset of {','.join(labels)} (profiling)")


def add_run_args(ap, what, labels):
    """--max-failures (failed @what per path), --only (a subset of @labels), --workdir
    and --raw-pid-file."""
    ap.add_argument("--max-failures", type=int, default=3,
                    help=f"failed {what} per path that are reported and retried before the "
                         f"run gives up (default 3); any failure makes the exit status 4")
    add_only_arg(ap, labels)
    ap.add_argument("--workdir", default=None,
                    help="where the disks go (default: a new directory in $TMPDIR or /tmp)")
    ap.add_argument("--raw-pid-file", default=None,
                    help="append the pid of every raw QEMU spawned to this file (the wrapper "
                         "kills those still running)")


def check_args(ap, args, labels, daemons=False):
    """Checks --samples, --warmup and --only, and with @daemons (the options of
    add_daemon_args()) that --genvirtd-uri is there when genvirtd runs; returns the paths
    --only asks for."""
    if args.samples < 1 or args.warmup < 0:
        ap.error("need samples >= 1, warmup >= 0")
    only = [x for x in args.only.split(",") if x]
    for x in only:
        if x not in labels:
            ap.error(f"unknown path '{x}' in --only")
    if daemons and "genvirtd" in only and not args.genvirtd_uri:
        ap.error("--genvirtd-uri is needed unless --only leaves genvirtd out")
    return only


def begin_run(prefix, parent=None, mode=None):
    """Before the paths start: Ctrl-C and SIGTERM unwind (unwind_on_signals) through
    run_interleaved, which destroys and kills what was started; libvirt's own error
    printing off.  Returns a new work directory (@prefix..., in @parent or $TMPDIR or
    /tmp), chmod'ed to @mode when given."""
    unwind_on_signals()
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    workdir = tempfile.mkdtemp(prefix=prefix, dir=parent)
    if mode is not None:
        os.chmod(workdir, mode)
    return workdir


def run_interleaved(paths, workdir, prepare, warmup, samples, max_failures=0):
    """prepare() (it may add to @paths, sets them up and says what the run is), @warmup
    untimed rounds, then @samples timed rounds into each path's times, every path once a
    round (run_sample), rotating which one goes first so that no path always runs right
    after another one.  Every path in @paths is torn down and @workdir removed in any
    case.  Returns False when a signal interrupted the run (see unwind_on_signals), else
    prints the wall time and returns True."""
    start = time.perf_counter()
    try:
        prepare()
        for w in range(warmup):
            for p in paths:
                t = run_sample(p, max_failures)
                print(f"warm-up {w + 1}/{warmup} {p.label:<8} {ms(t):>7} ms", flush=True)
        for i in range(samples):
            k = i % len(paths)
            order = paths[k:] + paths[:k]
            for p in order:
                p.times.append(run_sample(p, max_failures))
            print(f"sample {i + 1:>2}/{samples}: " +
                  "  ".join(f"{p.label} {ms(p.times[-1]):>7} ms" for p in paths), flush=True)
    except KeyboardInterrupt as e:
        print(f"interrupted ({e}): cleaning up", file=sys.stderr)
        return False
    finally:
        for p in paths:
            try:
                p.teardown()
            except Exception as e:  # keep cleaning the others
                print(f"warning: teardown of {p.label} failed: {e}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"benchmark wall time {time.perf_counter() - start:.1f} s")
    return True


# ---- statistics, report and signals ---------------------------------------------------------


def pctl(vals, p):
    """Nearest-rank percentile."""
    s = sorted(vals)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def ms(v):
    return f"{v * 1000:.1f}"


def print_times(title, rows):
    """A blank line, @title, then min/median/p90/max in ms of each (label, times) row."""
    print()
    print(title)
    hdr = f"{'path':<10} {'min':>8} {'median':>8} {'p90':>8} {'max':>8}"
    print(hdr)
    print("-" * len(hdr))
    for label, t in rows:
        print(f"{label:<10} {ms(min(t)):>8} {ms(statistics.median(t)):>8} "
              f"{ms(pctl(t, 90)):>8} {ms(max(t)):>8}")


def ratio_cells(ta, tb):
    """The ratios of the min, median and p90 of @ta to those of @tb."""
    return (f"{min(ta) / min(tb):>6.2f}x "
            f"{statistics.median(ta) / statistics.median(tb):>6.2f}x "
            f"{pctl(ta, 90) / pctl(tb, 90):>6.2f}x")


def print_ratios(by, target):
    """The ratio table of the genvirtd, libvirtd and raw paths in @by (label: path) that
    ran; genvirtd/raw is checked against @target on the medians.  Returns whether the
    target is met (True when there is nothing to check)."""
    ok = True
    pairs = [("genvirtd", "raw"), ("genvirtd", "libvirtd"), ("libvirtd", "raw")]
    pairs = [(a, b) for a, b in pairs if a in by and b in by]
    if pairs:
        print()
        hdr = (f"{'ratio':<20} {'min':>7} {'median':>7} {'p90':>7} {'target':>8}  result")
        print(hdr)
        print("-" * len(hdr))
        for a, b in pairs:
            ta, tb = by[a].times, by[b].times
            rmed = statistics.median(ta) / statistics.median(tb)
            if (a, b) == ("genvirtd", "raw"):
                want, res = f"<={target:.2f}x", ("PASS" if rmed <= target else "MISS")
                ok = ok and rmed <= target
            else:
                want, res = "-", ""
            print(f"{a + '/' + b:<20} {ratio_cells(ta, tb)} {want:>8}  {res}")
        if ("genvirtd", "raw") in pairs:
            print(f"  target: genvirtd median within {target}x of raw QEMU's (DESIGN.md section 8)")
    return ok


def print_phases(phases, names):
    """The medians of raw's phases @names in @phases (name: list of seconds)."""
    print("  raw phases, median ms: " + ", ".join(
        f"{ph} {ms(statistics.median(phases[ph]))}" for ph in names))


def print_per_sample(rows):
    print()
    print("per-sample ms, in order:")
    for label, t in rows:
        print(f"  {label:<9} " + " ".join(ms(x) for x in t))


def unwind_on_signals():
    """Ctrl-C and SIGTERM (also when started in the background, where SIGINT is ignored)
    raise KeyboardInterrupt, so the caller's finally blocks destroy and kill what was
    started; a second signal is ignored, so it cannot cut that cleanup short."""
    def on_term(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, on_term)
    signal.signal(signal.SIGTERM, on_term)
