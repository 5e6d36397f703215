#!/usr/bin/python3
"""Live migration time benchmark: genvirtd against raw QEMU migration (the floor).

One idle 128 MiB x86 'pc' guest with ACPI, a genid and one small qcow2 disk (shared:
both ends run on this host; its boot sector halts the vCPU, so the guest is idle) is
migrated back and forth on two paths, samples interleaved:

  genvirtd  two genvirtd on this host (two --root directories); managed live
            migration through python3-libvirt, dom.migrate3(dconn, {}, VIR_MIGRATE_LIVE)
            (libvirt's v3 params sequence Begin3, Prepare3, Perform3, Finish3, Confirm3;
            the destination QEMU starts in Prepare, checks the GUID and resumes in
            Finish, the source QEMU ends in Confirm), from the call to its return;
            or, with --client virsh, `virsh -c SRC migrate --live NAME DEST`
  raw       a running source QEMU; the destination QEMU spawned with genvirtd's own
            command line plus -incoming tcp:127.0.0.1:PORT, greeting and
            qmp_capabilities; QMP migrate on the source, query-migrate polled until
            completed; on the destination query-status until it left 'inmigrate',
            query-vm-generation-id, cont: the clock runs from the spawn to the reply to
            cont.  "raw+stop" also counts the source QEMU's end (SIGTERM and reaped, as
            genvirtd's Confirm does) before the call would return

After every sample (untimed): the guest runs on the destination, QEMU there reports the
GUID the guest had from the start, the source no longer has the domain (or the raw
source QEMU is gone).  Everything started here is destroyed or killed, even on failure.
Usually started by bench/run-migrate-bench.sh, which also starts the two genvirtd.
"""

import argparse
import datetime
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid

import libvirt

from benchlib import (GENID_DEVICE, RawSpawner, SampleFailed, add_guest_args, add_qemu_args,
                      add_run_args, add_sample_args, begin_run, check_args, clean_leftovers,
                      close_clean, create_disk, dom_guid, domain_xml as base_xml, ms,
                      print_per_sample, print_phases, print_times, qemu_pid_of, ratio_cells,
                      report_failures, resolve_accel, run_interleaved, wait_idle, xml_guid)

PREFIX = "bench-migrate-"
LABELS = ("genvirtd", "raw")


def domain_xml(name, virt, emulator, disk):
    return base_xml(name, virt, emulator, devices=GENID_DEVICE, disk=disk)


def free_port(host):
    """A TCP port that is free right now (QEMU binds it itself right after)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


# ---- genvirtd to genvirtd --------------------------------------------------------------------


class GenvirtdPath:
    """Managed live migration between two genvirtd, alternating the direction."""

    label = "genvirtd"

    def __init__(self, uris, xml, name, client):
        self.uris = uris
        self.xml = xml
        self.name = name
        self.client = client
        self.conns = [None, None]
        self.at = 0  # the daemon the domain runs on
        self.dom = None
        self.guid = None
        self.pid = None
        self.times = []
        self.failures = []

    def setup(self):
        for i, uri in enumerate(self.uris):
            self.conns[i] = libvirt.open(uri)
            clean_leftovers(self.conns[i], PREFIX, f"genvirtd {i + 1}")
        # transient: it lives where it runs, on either daemon
        self.dom = self.conns[0].createXML(self.xml, 0)
        self.guid = dom_guid(self.dom)
        self.pid = qemu_pid_of(self.name)
        if self.pid is None:
            raise RuntimeError(f"genvirtd: no QEMU process for {self.name}")
        idle = wait_idle(self.pid, self.label)
        print(f"genvirtd: domain {self.name} running on genvirtd 1 (QEMU pid {self.pid}), "
              f"GUID {self.guid}, idle after {idle:.1f} s")

    def sample(self):
        src, dst = self.conns[self.at], self.conns[1 - self.at]
        if self.client == "virsh":
            cmd = ["virsh", "-q", "-c", self.uris[self.at], "migrate", "--live", self.name,
                   self.uris[1 - self.at]]
            t0 = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True)
            t1 = time.perf_counter()
            if out.returncode != 0:
                self.recover(f"virsh migrate after {t1 - t0:.1f} s: {out.stderr.strip()}")
            dom = dst.lookupByName(self.name)
        else:
            t0 = time.perf_counter()
            try:
                dom = self.dom.migrate3(dst, {}, libvirt.VIR_MIGRATE_LIVE)
            except libvirt.libvirtError as e:
                self.recover(f"migrate3 after {time.perf_counter() - t0:.1f} s: {e}")
            t1 = time.perf_counter()
        self.dom = dom
        self.at = 1 - self.at
        state, _ = dom.state()
        if state != libvirt.VIR_DOMAIN_RUNNING:
            raise RuntimeError(f"genvirtd: domain state {state} after migration, expected running")
        got = dom_guid(dom)
        if got != self.guid:
            raise RuntimeError(f"genvirtd: destination QEMU reports GUID {got}, the guest had "
                               f"{self.guid}")
        live = xml_guid(dom.XMLDesc(0))
        if live != self.guid:
            raise RuntimeError(f"genvirtd: live XML on the destination has GUID {live}")
        left = [d.name() for d in src.listAllDomains(0) if d.name() == self.name]
        if left:
            raise RuntimeError(f"genvirtd: the source still has domain {self.name}")
        pid = qemu_pid_of(self.name)
        if pid is None or pid == self.pid:
            raise RuntimeError(f"genvirtd: QEMU pid {pid} after migration (was {self.pid})")
        self.pid = pid
        return t1 - t0

    def recover(self, what):
        """A migration failed: finds the daemon the guest runs on now (the source, if the
        failure handling works) and raises SampleFailed."""
        for i, conn in enumerate(self.conns):
            try:
                dom = conn.lookupByName(self.name)
            except libvirt.libvirtError:
                continue
            if dom.isActive():
                self.dom, self.at = dom, i
                self.pid = qemu_pid_of(self.name)
                raise SampleFailed(f"{what} (the guest runs on genvirtd {i + 1} now)")
        raise RuntimeError(f"genvirtd: {what}; the guest runs on neither daemon now")

    def teardown(self):
        for i, conn in enumerate(self.conns):
            if conn is None:
                continue
            close_clean(conn, PREFIX, f"genvirtd {i + 1}")
            self.conns[i] = None


# ---- raw QEMU -------------------------------------------------------------------------------


RAW_PHASES = ("spawn destination to QMP ready", "migrate until completed",
              "destination status + GUID + cont", "source SIGTERM + reap")


class RawPath:
    """Spawn a destination QEMU with -incoming, migrate, resume it; the old source ends."""

    label = "raw"

    def __init__(self, genvirsh, xml, accel, workdir, host, poll_ms, pid_file=None):
        self.genvirsh = genvirsh
        self.xml = xml
        self.accel = accel
        self.workdir = workdir
        self.host = host
        self.poll = poll_ms / 1000
        self.pid_file = pid_file
        self.times = []
        self.times_stop = []  # with the source's end, warm-ups included
        self.phases = {}  # untimed warm-ups included
        self.guid = str(uuid.uuid4())
        self.failures = []
        self.cur = None
        self.qemu = None
        self.params = None

    def setup(self):
        self.qemu = RawSpawner(self.genvirsh, self.xml, self.accel, self.workdir, "raw",
                               self.pid_file)
        self.cur = self.qemu.spawn(self.guid)
        self.cur.qmp.command("cont")
        idle = wait_idle(self.cur.pid, self.label)
        # the migration parameters genvirtd leaves alone too: QEMU's defaults
        self.params = self.cur.qmp.command("query-migrate-parameters")
        print(f"raw: source QEMU pid {self.cur.pid} running, GUID {self.guid}, idle after "
              f"{idle:.1f} s; QEMU's default max-bandwidth "
              f"{self.params.get('max-bandwidth', 0) / 2**20:.0f} MiB/s, "
              f"downtime-limit {self.params.get('downtime-limit', '?')} ms (used as they are)")

    def command_line(self):
        return self.qemu.command_line(["-incoming", f"tcp:{self.host}:PORT"])

    def sample(self):
        src = self.cur
        port = free_port(self.host)
        uri = f"tcp:{self.host}:{port}"
        t0 = time.perf_counter()
        dst = self.qemu.spawn(self.guid, ["-incoming", uri])
        ts = time.perf_counter()
        try:
            src.qmp.command("migrate", {"uri": uri})
            while True:
                info = src.qmp.command("query-migrate")
                status = info.get("status")
                if status == "completed":
                    break
                if status in ("failed", "cancelled"):
                    raise RuntimeError(f"raw: migration {status}: {info.get('error-desc', '')}")
                time.sleep(self.poll)
            tm = time.perf_counter()
            while dst.qmp.command("query-status")["status"] == "inmigrate":
                time.sleep(self.poll)
            got = dst.qmp.command("query-vm-generation-id")["guid"].lower()
            if got != self.guid:
                raise RuntimeError(f"raw: destination QEMU reports GUID {got}, expected "
                                   f"{self.guid}")
            dst.qmp.command("cont")
            t1 = time.perf_counter()
        except BaseException:
            dst.qmp.sock.close()
            self.qemu.kill(dst.pid, signal.SIGKILL)
            raise
        # the source ends as genvirtd's Confirm ends it: SIGTERM, then wait until it is gone
        self.cur = dst
        src.qmp.sock.close()
        self.qemu.kill(src.pid, signal.SIGTERM)
        t2 = time.perf_counter()
        for phase, v in zip(RAW_PHASES, (ts - t0, tm - ts, t1 - tm, t2 - t1)):
            self.phases.setdefault(phase, []).append(v)
        status = dst.qmp.command("query-status")
        if not status.get("running"):
            raise RuntimeError(f"raw: destination QEMU not running after cont: {status!r}")
        self.times_stop.append(t2 - t0)
        return t1 - t0

    def timed_stop(self):
        """raw+stop of the timed samples (the warm-ups came first)"""
        return self.times_stop[len(self.times_stop) - len(self.times):]

    def teardown(self):
        if self.cur is not None:
            self.cur.qmp.sock.close()
            self.cur = None
        if self.qemu is not None:
            self.qemu.teardown()


# ---- genvirtd's phases from libvirt's client debug log ----------------------------------------


V3_PHASES = ("Begin3", "Prepare3", "Perform3", "Finish3", "Confirm3")
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)[+-]\d{4}: \d+: debug : "
                      r"(\w+):\d+ : (.*)$")


def v3_phases(path):
    """Per migration, the seconds each v3 phase took as seen by the client, from libvirt's
    debug log (LIBVIRT_LOG_FILTERS="1:libvirt ..."): virDomainMigrateVersion3Full logs
    "Begin3 ...", "Prepare3 ...", ... before each call; the phase ends when the next one
    is logged, Confirm3 when the domain object of the source is freed right after."""
    out = []
    cur = None
    with open(path) as f:
        for line in f:
            m = LOG_LINE.match(line.rstrip("\n"))
            if not m:
                continue
            ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            fn, msg = m.group(2), m.group(3)
            if fn == "virDomainMigrateVersion3Full":
                word = msg.split(" ", 1)[0]
                if word == "Begin3":
                    cur = {"Begin3": ts}
                    out.append(cur)
                elif cur is not None and word in V3_PHASES:
                    cur[word] = ts
            elif fn == "virDomainFree" and cur is not None and "Confirm3" in cur and "end" not in cur:
                cur["end"] = ts
    phases = []
    for r in out:
        if all(k in r for k in V3_PHASES + ("end",)):
            marks = [r[k] for k in V3_PHASES] + [r["end"]]
            phases.append([b - a for a, b in zip(marks, marks[1:])])
    return phases


# ---- report ---------------------------------------------------------------------------------


def ratio(label, ta, tb):
    return f"{label:<22} {ratio_cells(ta, tb)}"


def report(paths, samples, accel, client, libvirt_log):
    by = {p.label: p for p in paths}
    rows = []
    for p in paths:
        rows.append((p.label, p.times))
        if isinstance(p, RawPath):
            rows.append(("raw+stop", p.timed_stop()))
    print_times(f"Live migration time of an idle 128 MiB 'pc' guest with genid and a shared "
                f"qcow2 disk, both ends on this host, accel {accel}, {samples} samples per path "
                f"(interleaved, back and forth), ms", rows)
    if "genvirtd" in by and "raw" in by:
        print()
        hdr = f"{'ratio':<22} {'min':>7} {'median':>7} {'p90':>7}"
        print(hdr)
        print("-" * len(hdr))
        print(ratio("genvirtd/raw", by["genvirtd"].times, by["raw"].times))
        print(ratio("genvirtd/raw+stop", by["genvirtd"].times, by["raw"].timed_stop()))
        print("  no target in DESIGN.md section 8 for migration; genvirtd's time includes its "
              "Confirm (source QEMU ended), as raw+stop does")
    if "genvirtd" in by:
        print(f"  genvirtd timed through {'virsh migrate --live (a virsh process per sample)' if client == 'virsh' else 'python3-libvirt dom.migrate3(dconn, {}, VIR_MIGRATE_LIVE)'}")
    for p in paths:
        if isinstance(p, RawPath) and p.phases:
            print_phases(p.phases, RAW_PHASES)
    if "genvirtd" in by and libvirt_log:
        phases = v3_phases(libvirt_log)
        if len(phases) >= len(by["genvirtd"].times):
            timed = phases[len(phases) - len(by["genvirtd"].times):]  # the warm-ups came first
            print(f"  genvirtd phases from the client's libvirt log (ms resolution), median ms: " +
                  ", ".join(f"{ph} {ms(statistics.median(v[i] for v in timed))}"
                            for i, ph in enumerate(V3_PHASES)))
        else:
            print(f"  genvirtd phases: only {len(phases)} migrations found in {libvirt_log} "
                  f"(is LIBVIRT_LOG_FILTERS=\"1:libvirt ...\" set?)")
    print("GUID: the same value on the destination after every sample, on every path")
    print_per_sample(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri", action="append", default=[],
                    help="twice: the two genvirtd, e.g. "
                         "qemu+unix:///system?socket=ROOT/run/genvirt/genvirt-sock")
    add_qemu_args(ap)
    add_sample_args(ap, 10, 2, "migrations", ": there and back")
    add_guest_args(ap, disk=True)
    ap.add_argument("--client", choices=("python", "virsh"), default="python",
                    help="how genvirtd's migration is driven (default python: dom.migrate3)")
    ap.add_argument("--raw-host", default="127.0.0.1",
                    help="address raw QEMU migrates over (default 127.0.0.1; give the genvirtd "
                         "--migration-host/--migration-listen the same)")
    ap.add_argument("--poll-ms", type=float, default=1.0,
                    help="raw: sleep between query-migrate polls (default 1 ms; genvirtd's "
                         "gvQemuMigrationWait sleeps 5 ms)")
    ap.add_argument("--libvirt-log", default=None,
                    help="libvirt's client debug log of this run (the caller sets "
                         "LIBVIRT_LOG_OUTPUTS=1:file:FILE and LIBVIRT_LOG_FILTERS=\"1:libvirt "
                         "4:object 4:util 4:event 4:rpc\"): prints genvirtd's time per v3 phase")
    add_run_args(ap, "migrations", LABELS)
    args = ap.parse_args()
    only = check_args(ap, args, LABELS)
    if "genvirtd" in only and len(args.genvirtd_uri) != 2:
        ap.error("--genvirtd-uri must be given twice unless --only leaves genvirtd out")

    accel, virt = resolve_accel(args.accel)
    genvirsh = os.path.abspath(args.genvirsh)
    workdir = begin_run("migrate-bench.", args.workdir, 0o755)
    paths = []

    def prepare():
        for label in only:
            disk = os.path.join(workdir, f"{label}.qcow2")
            create_disk(disk, args.disk_mib)
            if label == "genvirtd":
                paths.append(GenvirtdPath(args.genvirtd_uri,
                                          domain_xml(PREFIX + "gv", virt, args.emulator, disk),
                                          PREFIX + "gv", args.client))
            else:
                paths.append(RawPath(genvirsh,
                                     domain_xml(PREFIX + "raw", virt, args.emulator, disk),
                                     accel, workdir, args.raw_host, args.poll_ms,
                                     args.raw_pid_file))
        print(f"accel {accel} (domain type '{virt}'), emulator {args.emulator}, "
              f"qcow2 disks of {args.disk_mib} MiB (idle boot sector) in {workdir}")
        for p in paths:
            p.setup()
        raw = [p for p in paths if p.label == "raw"]
        if raw:
            print(f"raw command line (destination): {raw[0].command_line()}")

    if not run_interleaved(paths, workdir, prepare, args.warmup, args.samples,
                           args.max_failures):
        return 130
    report(paths, args.samples, accel, args.client,
           args.libvirt_log if args.client == "python" else None)
    failed = report_failures(paths)
    if failed:
        print(f"{failed} migration(s) failed (see above)")
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main())
