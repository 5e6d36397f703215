#!/usr/bin/python3
"""Snapshot revert latency benchmark: genvirtd, libvirtd and raw QEMU (the floor).

One 128 MiB x86 'pc' domain with ACPI, one small qcow2 disk and a genid that the
daemon generates (auto) is started once per path, a running internal snapshot is
taken once (untimed), and then the running domain is reverted to that snapshot
over and over, on three paths, samples interleaved:

  genvirtd  dom.revertToSnapshot(snap) through python3-libvirt; genvirtd stops the
            old QEMU, generates and persists a new GUID, starts a new QEMU with -S,
            loads the snapshot (QMP snapshot-load job), checks the GUID with
            query-vm-generation-id and sends 'cont' before the call returns
  libvirtd  the same python3-libvirt code against qemu:///system (libvirt's own
            <genid/> form), then query-vm-generation-id through
            libvirt_qemu.qemuMonitorCommand: both inside the timing
  raw       the running QEMU is killed and reaped, a new one spawned with genvirtd's
            own command line (genvirsh domxml-to-native) and a new GUID (the genid
            config through a sealed memfd on fd 3, a pre-bound listening QMP socket
            on fd 4), greeting, qmp_capabilities, snapshot-load job (query-jobs until
            concluded, job-dismiss), query-vm-generation-id, cont: the clock runs from
            the kill to the reply to cont

After every sample (untimed): the domain runs, QEMU reports a GUID never seen
before on that path (neither the value at snapshot time nor any earlier revert's),
the live XML (and on genvirtd the persistent config) carries the same value, and the
QEMU pid changed.  Every domain, QEMU process and disk started or created here is
destroyed, killed or removed, and the bench-revert-* domains undefined with their
snapshot metadata, even on failure.
Usually started by bench/run-revert-bench.sh, which also starts both daemons.
"""

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid

import libvirt
import libvirt_qemu

from benchlib import (EMULATOR, RawSpawner, SampleFailed, cleanup_domains, create_disk,
                      host_accel, ms, pctl, qemu_pid_of, qmp_guid, report_failures, run_sample,
                      unwind_on_signals, wait_idle, xml_guid)

PREFIX = "bench-revert-"
SNAPSHOT = "s1"
TARGET = 1.5  # genvirtd / raw, DESIGN.md section 8
DISK_NODE = "gv-vda-format"  # genvirtd's node name of the format layer of disk vda

# {genid_top}: libvirt's top-level <genid/> (for libvirtd);
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
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='{disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    {genid_dev}
  </devices>
</domain>
"""

GENID_DEVICE = "<genid model='vmgenid'><guid auto='yes'/></genid>"
GENID_LEGACY = "<genid/>\n  "


def domain_xml(name, virt, form, emulator, disk):
    if form == "legacy":
        return DOMAIN_XML.format(virt=virt, name=name, emulator=emulator, disk=disk,
                                 genid_top=GENID_LEGACY, genid_dev="")
    return DOMAIN_XML.format(virt=virt, name=name, emulator=emulator, disk=disk, genid_top="",
                             genid_dev=GENID_DEVICE)


def cleanup(conn, label):
    return cleanup_domains(conn, PREFIX, label)


# ---- the two daemons ----------------------------------------------------------------------


class DaemonPath:
    """dom.revertToSnapshot() through python3-libvirt; libvirtd also queries the GUID in
    the timing."""

    def __init__(self, label, uri, xml, name, query_in_timing):
        self.label = label
        self.uri = uri
        self.xml = xml
        self.name = name
        self.query_in_timing = query_in_timing
        self.conn = None
        self.dom = None
        self.snap = None
        self.times = []
        self.seen = set()
        self.pid = None
        self.pid_kept = 0  # reverts that kept the QEMU process (an in-place load)
        self.config_differs = 0  # reverts after which the config has another GUID
        self.failures = []

    def guid(self):
        return qmp_guid(libvirt_qemu.qemuMonitorCommand(
            self.dom, '{"execute":"query-vm-generation-id"}', 0))

    def setup(self):
        self.conn = libvirt.open(self.uri)
        left = cleanup(self.conn, self.label)
        if left:
            print(f"note: {self.label}: removed {left} bench-revert-* domain(s) left by an "
                  f"earlier run", file=sys.stderr)
        self.dom = self.conn.defineXML(self.xml)
        self.dom.create()
        first = self.guid()
        self.seen.add(first)
        self.pid = qemu_pid_of(self.name)
        if self.pid is None:
            raise RuntimeError(f"{self.label}: no QEMU process for {self.name}")
        idle = wait_idle(self.pid, self.label)
        self.snap = self.dom.snapshotCreateXML(
            f"<domainsnapshot><name>{SNAPSHOT}</name></domainsnapshot>", 0)
        print(f"{self.label}: domain {self.name} running (QEMU pid {self.pid}), GUID {first}, "
              f"idle after {idle:.1f} s, running snapshot '{SNAPSHOT}' taken")

    def sample(self):
        dom = self.dom
        got = None
        t0 = time.perf_counter()
        try:
            dom.revertToSnapshot(self.snap, 0)
        except libvirt.libvirtError as e:
            # the domain may be left shut off: run it again for the next revert (which
            # replaces that fresh QEMU anyway), idle as in the other samples
            took = time.perf_counter() - t0
            if not dom.isActive():
                dom.create()
            self.pid = qemu_pid_of(self.name)
            if self.pid is not None:
                wait_idle(self.pid, self.label)
            raise SampleFailed(f"revertToSnapshot after {took:.1f} s: {e}")
        if self.query_in_timing:
            got = self.guid()
        t1 = time.perf_counter()
        state, _ = dom.state()
        if state != libvirt.VIR_DOMAIN_RUNNING:
            raise RuntimeError(f"{self.label}: domain state {state} after revert, "
                               f"expected running")
        if got is None:
            # genvirtd checked it before the call returned; check it here too (untimed)
            got = self.guid()
        if got in self.seen:
            raise RuntimeError(f"{self.label}: GUID {got} after revert is not new")
        live = xml_guid(dom.XMLDesc(0))
        if live != got:
            raise RuntimeError(f"{self.label}: live XML has GUID {live}, QEMU reports {got}")
        config = xml_guid(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        if config != got:
            if self.label == "genvirtd":
                raise RuntimeError(f"{self.label}: the persistent config has GUID {config}, "
                                   f"QEMU reports {got}")
            self.config_differs += 1
        self.seen.add(got)
        pid = qemu_pid_of(self.name)
        if pid is None:
            raise RuntimeError(f"{self.label}: no QEMU process for {self.name} after revert")
        if pid == self.pid:
            self.pid_kept += 1
        self.pid = pid
        return t1 - t0

    def teardown(self):
        if self.conn is None:
            return
        try:
            left = cleanup(self.conn, self.label)
            if left != 1:
                print(f"note: {self.label}: cleanup removed {left} bench-revert-* domain(s)",
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


RAW_PHASES = ("kill+reap", "spawn to QMP ready", "snapshot-load job", "query GUID + cont")


class RawPath:
    """Kill the running QEMU, spawn a fresh one, snapshot-load, query, cont."""

    label = "raw"

    def __init__(self, genvirsh, xml, accel, workdir, kill_signal, pid_file=None):
        self.genvirsh = genvirsh
        self.xml = xml
        self.accel = accel
        self.workdir = workdir
        self.kill_signal = kill_signal
        self.pid_file = pid_file
        self.times = []
        self.phases = {}  # untimed warm-ups included
        self.seen = set()
        self.failures = []
        self.cur = None
        self.qemu = None

    def new_guid(self):
        while True:
            g = str(uuid.uuid4())
            if g not in self.seen:
                return g

    def setup(self):
        self.qemu = RawSpawner(self.genvirsh, self.xml, self.accel, self.workdir, "raw",
                               self.pid_file)
        # the first QEMU: run it, take the running snapshot (as genvirtd does: snapshot-save)
        guid = self.new_guid()
        self.cur = self.qemu.spawn(guid)
        self.seen.add(guid)
        self.cur.qmp.command("cont")
        idle = wait_idle(self.cur.pid, self.label)
        self.cur.qmp.run_job("snapshot-save", {"job-id": "bench-snapshot-save", "tag": SNAPSHOT,
                                               "vmstate": DISK_NODE, "devices": [DISK_NODE]},
                             "bench-snapshot-save")
        print(f"raw: QEMU pid {self.cur.pid} running, GUID {guid}, idle after {idle:.1f} s, "
              f"running snapshot '{SNAPSHOT}' taken")

    def command_line(self):
        return self.qemu.command_line()

    def sample(self):
        old = self.cur
        self.cur = None
        t0 = time.perf_counter()
        guid = self.new_guid()
        # the old QEMU is gone (reaped: its image locks released) before the new one starts
        old.qmp.sock.close()
        self.qemu.kill(old.pid, self.kill_signal)
        tk = time.perf_counter()
        q = self.qemu.spawn(guid)
        self.cur = q
        ts = time.perf_counter()
        q.qmp.run_job("snapshot-load", {"job-id": "bench-snapshot-load", "tag": SNAPSHOT,
                                        "vmstate": DISK_NODE, "devices": [DISK_NODE]},
                      "bench-snapshot-load")
        tl = time.perf_counter()
        got = q.qmp.command("query-vm-generation-id")["guid"].lower()
        if got != guid:
            raise RuntimeError(f"raw: QEMU reports GUID {got}, expected {guid}")
        q.qmp.command("cont")
        t1 = time.perf_counter()
        for phase, v in zip(RAW_PHASES, (tk - t0, ts - tk, tl - ts, t1 - tl)):
            self.phases.setdefault(phase, []).append(v)
        if got in self.seen:
            raise RuntimeError(f"raw: GUID {got} after revert is not new")
        self.seen.add(got)
        status = q.qmp.command("query-status")
        if not status.get("running"):
            raise RuntimeError(f"raw: QEMU not running after cont: {status!r}")
        return t1 - t0

    def teardown(self):
        if self.cur is not None:
            self.cur.qmp.sock.close()
            self.cur = None
        if self.qemu is not None:
            self.qemu.teardown()


# ---- statistics and report ----------------------------------------------------------------


def report(paths, samples, accel):
    by = {p.label: p for p in paths}
    print()
    print(f"Revert latency to a running snapshot with a new GUID, 128 MiB 'pc' domain with one "
          f"qcow2 disk, accel {accel}, {samples} samples per path (interleaved), ms")
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
    print("GUIDs: every sample's value was new on its path "
          + ", ".join(f"({p.label}: {len(p.seen)} distinct values incl. the one at snapshot time)"
                      for p in paths))
    for p in paths:
        if isinstance(p, DaemonPath):
            kept = p.pid_kept
            print(f"  {p.label}: QEMU pid changed on {len(p.times) - kept} of {len(p.times)} "
                  f"timed reverts" + ("" if kept == 0 else " (the others loaded in place)") +
                  ("" if p.config_differs == 0 else
                   f"; its persistent config had another GUID than QEMU after "
                   f"{p.config_differs} of {len(p.seen) - 1} reverts (warm-ups included)"))
    for p in paths:
        if isinstance(p, RawPath) and p.phases:
            print("  raw phases, median ms: " + ", ".join(
                f"{ph} {ms(statistics.median(p.phases[ph]))}" for ph in RAW_PHASES))
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
    ap.add_argument("-n", "--samples", type=int, default=15, help="samples per path (default 15)")
    ap.add_argument("--warmup", type=int, default=1,
                    help="untimed reverts per path first (default 1)")
    ap.add_argument("--disk-mib", type=int, default=64,
                    help="virtual size of each qcow2 disk in MiB (default 64)")
    ap.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto",
                    help="auto: kvm when /dev/kvm opens, else tcg (same for all paths)")
    ap.add_argument("--raw-signal", choices=("KILL", "TERM"), default="KILL",
                    help="how raw ends the running QEMU (default KILL; genvirtd sends TERM)")
    ap.add_argument("--max-failures", type=int, default=3,
                    help="failed reverts per path that are reported and retried before the run "
                         "gives up (default 3); any failure makes the exit status 4")
    ap.add_argument("--only", default="genvirtd,libvirtd,raw",
                    help="comma-separated subset of genvirtd,libvirtd,raw (profiling)")
    ap.add_argument("--workdir", default=None,
                    help="where the disks go (default: a new directory in $TMPDIR or /tmp)")
    ap.add_argument("--raw-pid-file", default=None,
                    help="append the pid of every raw QEMU spawned to this file (the wrapper "
                         "kills those still running)")
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
    genvirsh = os.path.abspath(args.genvirsh)
    kill_signal = signal.SIGKILL if args.raw_signal == "KILL" else signal.SIGTERM

    # Ctrl-C and SIGTERM unwind through the finally below, which destroys and kills what was
    # started
    unwind_on_signals()

    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    workdir = tempfile.mkdtemp(prefix="revert-bench.", dir=args.workdir)
    os.chmod(workdir, 0o755)
    paths = []
    start = time.perf_counter()
    interrupted = False
    try:
        for label in only:
            disk = os.path.join(workdir, f"{label}.qcow2")
            create_disk(disk, args.disk_mib)
            if label == "genvirtd":
                paths.append(DaemonPath("genvirtd", args.genvirtd_uri,
                                        domain_xml(PREFIX + "gv", virt, "device", args.emulator,
                                                   disk),
                                        PREFIX + "gv", query_in_timing=False))
            elif label == "libvirtd":
                paths.append(DaemonPath("libvirtd", args.libvirtd_uri,
                                        domain_xml(PREFIX + "lv", virt, "legacy", args.emulator,
                                                   disk),
                                        PREFIX + "lv", query_in_timing=True))
            else:
                paths.append(RawPath(genvirsh, domain_xml(PREFIX + "raw", virt, "device",
                                                          args.emulator, disk),
                                     accel, workdir, kill_signal, args.raw_pid_file))
        print(f"accel {accel} (domain type '{virt}'), emulator {args.emulator}, "
              f"qcow2 disks of {args.disk_mib} MiB (idle boot sector) in {workdir}")
        for p in paths:
            p.setup()
        raw = [p for p in paths if p.label == "raw"]
        if raw:
            print(f"raw command line: {raw[0].command_line()}")
            print(f"raw ends the old QEMU with SIG{args.raw_signal}")
        for w in range(args.warmup):
            for p in paths:
                t = run_sample(p, args.max_failures)
                print(f"warm-up {w + 1}/{args.warmup} {p.label:<8} {ms(t):>7} ms", flush=True)
        for i in range(args.samples):
            # rotate the order each round: no path always runs right after another one
            k = i % len(paths)
            order = paths[k:] + paths[:k]
            for p in order:
                p.times.append(run_sample(p, args.max_failures))
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
    failed = report_failures(paths)
    if "genvirtd" in only and "raw" in only:
        print()
        print("all targets met" if ok else "some targets missed")
    if failed:
        print(f"{failed} revert(s) failed (see above)")
        return 4
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
