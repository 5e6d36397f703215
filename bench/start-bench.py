#!/usr/bin/python3
"""Start-to-running latency benchmark: genvirtd, libvirtd and raw QEMU (the floor).

One 128 MiB diskless x86 'pc' domain with ACPI and a genid device with a fixed GUID
is started over and over, on three paths, samples interleaved:

  genvirtd  dom.create() through python3-libvirt; genvirtd returns once QEMU runs,
            its GUID checked over QMP (query-vm-generation-id) and 'cont' sent
  libvirtd  the same python3-libvirt code against qemu:///system (libvirt's own
            <genid>UUID</genid> form), then query-vm-generation-id through
            libvirt_qemu.qemuMonitorCommand: both inside the timing
  raw       QEMU spawned directly with genvirtd's own command line (genvirsh
            domxml-to-native), the genid config through a sealed memfd on fd 3,
            a pre-bound listening QMP socket on fd 4; greeting, qmp_capabilities,
            query-vm-generation-id, cont: the clock stops at the cont reply

Define happens once per daemon before the samples; destroy (and for raw, kill and
reap) after each sample is not timed.  Every domain and QEMU process started here
is destroyed or killed, and the bench-start-* domains undefined, even on failure.
Usually started by bench/run-start-bench.sh, which also starts both daemons.
"""

import argparse
import fcntl
import json
import math
import os
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

PREFIX = "bench-start-"
DEFAULT_GUID = "6d1b3f0e-9a2c-4e57-8b14-2c7f5e0a9d31"
EMULATOR = "/usr/bin/qemu-system-x86_64"
TARGET = 1.3  # genvirtd / raw, DESIGN.md section 8

# {genid_top}: libvirt's top-level <genid>UUID</genid> (for libvirtd);
# {genid_dev}: genvirt's device form (for genvirtd and for the raw command line).
DOMAIN_XML = """<domain type='{virt}'>
  <name>{name}</name>
  {genid_top}<memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <emulator>{emulator}</emulator>
    {genid_dev}
  </devices>
</domain>
"""


# --libvirtd-lean: without these libvirtd adds a USB controller and a balloon device that
# genvirtd's command line does not have (genvirtd does not parse these elements).
LEAN_DEVICES = "<controller type='usb' model='none'/>\n    <memballoon model='none'/>"


def domain_xml(name, virt, guid, form, emulator, lean=False):
    if form == "legacy":
        return DOMAIN_XML.format(virt=virt, name=name, emulator=emulator,
                                 genid_top=f"<genid>{guid}</genid>\n  ",
                                 genid_dev=LEAN_DEVICES if lean else "")
    return DOMAIN_XML.format(virt=virt, name=name, emulator=emulator, genid_top="",
                             genid_dev=f"<genid model='vmgenid'><guid>{guid}</guid></genid>")


def host_accel():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC))
        return "kvm"
    except OSError:
        return "tcg"


def cleanup(conn, label):
    """Destroys and undefines every bench-start-* domain; returns how many."""
    n = 0
    for dom in conn.listAllDomains(0):
        if not dom.name().startswith(PREFIX):
            continue
        try:
            if dom.isActive():
                dom.destroy()
            if dom.isPersistent():
                dom.undefine()
            n += 1
        except libvirt.libvirtError as e:
            print(f"warning: {label}: cannot remove {dom.name()}: {e}", file=sys.stderr)
    return n


def qmp_guid(reply_json):
    reply = json.loads(reply_json)
    if "return" not in reply or "guid" not in reply["return"]:
        raise RuntimeError(f"unexpected reply to query-vm-generation-id: {reply_json}")
    return reply["return"]["guid"].lower()


# ---- the two daemons ----------------------------------------------------------------------


class DaemonPath:
    """dom.create() through python3-libvirt; libvirtd also queries the GUID in the timing."""

    def __init__(self, label, uri, xml, guid, query_in_timing):
        self.label = label
        self.uri = uri
        self.xml = xml
        self.guid = guid
        self.query_in_timing = query_in_timing
        self.conn = None
        self.dom = None
        self.times = []

    def setup(self):
        self.conn = libvirt.open(self.uri)
        left = cleanup(self.conn, self.label)
        if left:
            print(f"note: {self.label}: removed {left} bench-start-* domain(s) left by an "
                  f"earlier run", file=sys.stderr)
        self.dom = self.conn.defineXML(self.xml)

    def sample(self):
        dom = self.dom
        t0 = time.perf_counter()
        dom.create()
        if self.query_in_timing:
            got = qmp_guid(libvirt_qemu.qemuMonitorCommand(
                dom, '{"execute":"query-vm-generation-id"}', 0))
        t1 = time.perf_counter()
        try:
            state, _ = dom.state()
            if state != libvirt.VIR_DOMAIN_RUNNING:
                raise RuntimeError(f"{self.label}: domain state {state} after create, "
                                   f"expected running")
            if not self.query_in_timing:
                # genvirtd checked it before create returned; check it here too (untimed)
                got = qmp_guid(libvirt_qemu.qemuMonitorCommand(
                    dom, '{"execute":"query-vm-generation-id"}', 0))
            if got != self.guid:
                raise RuntimeError(f"{self.label}: QEMU reports GUID {got}, expected {self.guid}")
        finally:
            dom.destroy()
        return t1 - t0

    def teardown(self):
        if self.conn is None:
            return
        try:
            left = cleanup(self.conn, self.label)
            if left != 1:
                print(f"note: {self.label}: cleanup removed {left} bench-start-* domain(s)",
                      file=sys.stderr)
            left = [d.name() for d in self.conn.listAllDomains(0)
                    if d.name().startswith("bench-")]
            if left:
                print(f"warning: {self.label}: bench-* domains still there: {left}",
                      file=sys.stderr)
            self.conn.close()
        except libvirt.libvirtError as e:
            print(f"warning: cleanup on {self.label} failed: {e}", file=sys.stderr)
        self.conn = None


# ---- raw QEMU -------------------------------------------------------------------------------


class QMP:
    """A minimal blocking QMP client on a connected socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.next_id = 0

    def read_message(self):
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line, self.buf = self.buf[:nl], self.buf[nl + 1:]
                if line.strip():
                    return json.loads(line)
                continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("raw: QEMU closed its QMP socket")
            self.buf += chunk

    def greeting(self):
        msg = self.read_message()
        if "QMP" not in msg:
            raise RuntimeError(f"raw: unexpected QMP greeting {msg!r}")

    def command(self, name):
        self.next_id += 1
        cid = self.next_id
        self.sock.sendall(json.dumps({"execute": name, "id": cid}).encode() + b"\n")
        while True:
            msg = self.read_message()
            if "event" in msg:
                continue
            if msg.get("id") != cid:
                raise RuntimeError(f"raw: reply {msg!r} does not match command {name} id {cid}")
            if "error" in msg:
                raise RuntimeError(f"raw: {name} failed: {msg['error']}")
            return msg["return"]


def high_fd(fd):
    """Moves @fd to a number >= 10 (close-on-exec), so that the dup2 onto 3 and 4 in the
    child cannot overwrite one source with another."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


def native_command(genvirsh, xml_path, accel):
    """genvirtd's own command line: (env dict, argv list, genid config text)."""
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
    for line in lines[1:]:
        if line.startswith("# genid configuration"):
            continue
        if line.startswith("# "):
            config.append(line[2:])
        elif line.startswith("#"):
            config.append(line[1:])
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
    if not config:
        raise RuntimeError("domxml-to-native printed no genid configuration")
    return env, argv, "\n".join(config) + "\n"


class RawPath:
    """QEMU spawned directly; the clock runs from the spawn setup to the reply to cont."""

    label = "raw"

    def __init__(self, genvirsh, xml, guid, accel, workdir):
        self.genvirsh = genvirsh
        self.xml = xml
        self.guid = guid
        self.accel = accel
        self.workdir = workdir
        self.times = []
        self.pids = set()
        self.env = self.argv = self.config = None
        self.monitor = os.path.join(workdir, "raw.monitor")
        self.log = os.path.join(workdir, "raw-qemu.log")

    def setup(self):
        xml_path = os.path.join(self.workdir, "raw.xml")
        with open(xml_path, "w") as f:
            f.write(self.xml)
        self.env, self.argv, self.config = native_command(self.genvirsh, xml_path, self.accel)
        home = os.path.join(self.workdir, "home")
        os.makedirs(home, mode=0o700, exist_ok=True)
        self.env["HOME"] = home
        self.configb = self.config.encode()

    def command_line(self):
        return " ".join(shlex.quote(w) for w in self.argv)

    def sample(self):
        logfd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        null = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
        memfd = lst = lstfd = mon = None
        pid = None
        try:
            t0 = time.perf_counter()
            # the genid config in a sealed memfd, as genvirtd passes it
            memfd = high_fd(os.memfd_create("bench-genid", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING))
            os.write(memfd, self.configb)
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
            pid = os.posix_spawn(self.argv[0], self.argv, self.env, setsid=True, file_actions=[
                (os.POSIX_SPAWN_DUP2, null, 0),
                (os.POSIX_SPAWN_DUP2, logfd, 1),
                (os.POSIX_SPAWN_DUP2, logfd, 2),
                (os.POSIX_SPAWN_DUP2, memfd, 3),
                (os.POSIX_SPAWN_DUP2, lstfd, 4),
            ])
            self.pids.add(pid)
            os.close(memfd)
            memfd = None
            os.close(lstfd)
            lstfd = None
            mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            mon.connect(self.monitor)
            qmp = QMP(mon)
            qmp.greeting()
            qmp.command("qmp_capabilities")
            got = qmp.command("query-vm-generation-id")["guid"].lower()
            if got != self.guid:
                raise RuntimeError(f"raw: QEMU reports GUID {got}, expected {self.guid}")
            qmp.command("cont")
            t1 = time.perf_counter()
            status = qmp.command("query-status")
            if not status.get("running"):
                raise RuntimeError(f"raw: QEMU not running after cont: {status!r}")
            return t1 - t0
        finally:
            if mon is not None:
                mon.close()
            if lst is not None:
                lst.close()
            if lstfd is not None:
                os.close(lstfd)
            if memfd is not None:
                os.close(memfd)
            os.close(null)
            os.close(logfd)
            if pid is not None:
                self.kill(pid)
            try:
                os.unlink(self.monitor)
            except FileNotFoundError:
                pass

    def kill(self, pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        self.pids.discard(pid)

    def teardown(self):
        for pid in list(self.pids):
            self.kill(pid)


# ---- statistics and report ----------------------------------------------------------------


def pctl(vals, p):
    """Nearest-rank percentile."""
    s = sorted(vals)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def ms(v):
    return f"{v * 1000:.1f}"


def report(paths, samples, accel):
    by = {p.label: p for p in paths}
    print()
    print(f"Start-to-running latency, 128 MiB diskless 'pc' domain with genid, accel {accel}, "
          f"{samples} samples per path (interleaved), ms")
    hdr = f"{'path':<10} {'min':>8} {'median':>8} {'p90':>8} {'max':>8}"
    print(hdr)
    print("-" * len(hdr))
    for p in paths:
        t = p.times
        print(f"{p.label:<10} {ms(min(t)):>8} {ms(statistics.median(t)):>8} "
              f"{ms(pctl(t, 90)):>8} {ms(max(t)):>8}")

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
            rmin = min(ta) / min(tb)
            rmed = statistics.median(ta) / statistics.median(tb)
            rp90 = pctl(ta, 90) / pctl(tb, 90)
            if (a, b) == ("genvirtd", "raw"):
                target, res = f"<={TARGET:.2f}x", ("PASS" if rmed <= TARGET else "MISS")
                ok = ok and rmed <= TARGET
            else:
                target, res = "-", ""
            print(f"{a + '/' + b:<20} {rmin:>6.2f}x {rmed:>6.2f}x {rp90:>6.2f}x {target:>8}  {res}")
        if ("genvirtd", "raw") in pairs:
            print(f"  target: genvirtd median within {TARGET}x of raw QEMU's (DESIGN.md section 8)")
    print()
    print("per-sample ms, in order:")
    for p in paths:
        print(f"  {p.label:<9} " + " ".join(ms(t) for t in p.times))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri",
                    help="e.g. qemu+unix:///system?socket=ROOT/run/genvirt/genvirt-sock")
    ap.add_argument("--libvirtd-uri", default="qemu:///system")
    ap.add_argument("--genvirsh", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build-bench", "tools", "genvirsh"),
        help="genvirsh used for domxml-to-native (default ../build-bench/tools/genvirsh)")
    ap.add_argument("--emulator", default=EMULATOR)
    ap.add_argument("-n", "--samples", type=int, default=20, help="samples per path (default 20)")
    ap.add_argument("--warmup", type=int, default=2,
                    help="untimed starts per path first (default 2)")
    ap.add_argument("--guid", default=DEFAULT_GUID, help="the fixed genid GUID, same on all paths")
    ap.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto",
                    help="auto: kvm when /dev/kvm opens, else tcg (same for all paths)")
    ap.add_argument("--libvirtd-lean", action="store_true",
                    help="give libvirtd <controller type='usb' model='none'/> and "
                         "<memballoon model='none'/> (its defaults add both devices)")
    ap.add_argument("--only", default="genvirtd,libvirtd,raw",
                    help="comma-separated subset of genvirtd,libvirtd,raw (profiling)")
    args = ap.parse_args()
    if args.samples < 1 or args.warmup < 0:
        ap.error("need samples >= 1, warmup >= 0")
    only = [x for x in args.only.split(",") if x]
    for x in only:
        if x not in ("genvirtd", "libvirtd", "raw"):
            ap.error(f"unknown path '{x}' in --only")
    if "genvirtd" in only and not args.genvirtd_uri:
        ap.error("--genvirtd-uri is needed unless --only leaves genvirtd out")

    accel = host_accel() if args.accel == "auto" else args.accel
    virt = "kvm" if accel == "kvm" else "qemu"
    guid = args.guid.lower()
    genvirsh = os.path.abspath(args.genvirsh)

    # Ctrl-C and SIGTERM (also when started in the background, where SIGINT is ignored)
    # unwind through the finally below, which destroys and kills what was started
    def on_term(signum, frame):
        # once: a second signal must not cut the cleanup short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, on_term)
    signal.signal(signal.SIGTERM, on_term)

    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    workdir = tempfile.mkdtemp(prefix="start-bench.")
    paths = []
    if "genvirtd" in only:
        paths.append(DaemonPath("genvirtd", args.genvirtd_uri,
                                domain_xml(PREFIX + "gv", virt, guid, "device", args.emulator),
                                guid, query_in_timing=False))
    if "libvirtd" in only:
        paths.append(DaemonPath("libvirtd", args.libvirtd_uri,
                                domain_xml(PREFIX + "lv", virt, guid, "legacy", args.emulator,
                                           args.libvirtd_lean),
                                guid, query_in_timing=True))
    if "raw" in only:
        paths.append(RawPath(genvirsh, domain_xml(PREFIX + "raw", virt, guid, "device",
                                                  args.emulator), guid, accel, workdir))

    start = time.perf_counter()
    interrupted = False
    try:
        for p in paths:
            p.setup()
        print(f"accel {accel} (domain type '{virt}'), GUID {guid}, emulator {args.emulator}")
        if "libvirtd" in only:
            print("libvirtd XML: " + ("lean (no USB controller, no balloon)" if args.libvirtd_lean
                                      else "as given (libvirtd adds its default USB controller "
                                           "and balloon)"))
        raw = [p for p in paths if p.label == "raw"]
        if raw:
            print(f"raw command line: {raw[0].command_line()}")
        for w in range(args.warmup):
            for p in paths:
                t = p.sample()
                print(f"warm-up {w + 1}/{args.warmup} {p.label:<8} {ms(t):>7} ms", flush=True)
        for i in range(args.samples):
            # rotate the order each round: no path always runs right after another one
            k = i % len(paths)
            order = paths[k:] + paths[:k]
            for p in order:
                p.times.append(p.sample())
            print(f"sample {i + 1:>2}/{args.samples}: " +
                  "  ".join(f"{p.label} {ms(p.times[-1]):>7} ms" for p in paths), flush=True)
    except KeyboardInterrupt as e:
        print(f"interrupted ({e}): cleaning up", file=sys.stderr)
        interrupted = True
    finally:
        for p in paths:
            try:
                p.teardown()
            except Exception as e:  # keep cleaning the others
                print(f"warning: teardown of {p.label} failed: {e}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    if interrupted:
        return 130
    print(f"benchmark wall time {time.perf_counter() - start:.1f} s")

    ok = report(paths, args.samples, accel)
    if "genvirtd" in only and "raw" in only:
        print()
        print("all targets met" if ok else "some targets missed")
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
