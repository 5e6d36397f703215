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
import signal
import sys
import time
import uuid

import libvirt

from benchlib import (GENID_DEVICE, DaemonPathBase, RawSpawner, SampleFailed, add_daemon_args,
                      add_guest_args, add_qemu_args, add_run_args, add_sample_args, begin_run,
                      check_args, create_disk, dom_guid, domain_xml as base_xml,
                      print_per_sample, print_phases, print_ratios, print_times, qemu_pid_of,
                      report_failures, resolve_accel, run_interleaved, wait_idle, xml_guid)

PREFIX = "bench-revert-"
SNAPSHOT = "s1"
TARGET = 1.5  # genvirtd / raw, DESIGN.md section 8
DISK_NODE = "gv-vda-format"  # genvirtd's node name of the format layer of disk vda
LABELS = ("genvirtd", "libvirtd", "raw")


def domain_xml(name, virt, form, emulator, disk):
    """legacy: libvirt's top-level <genid/> (for libvirtd); otherwise genvirt's device form
    (for genvirtd and for the raw command line)."""
    if form == "legacy":
        return base_xml(name, virt, emulator, top="<genid/>\n  ", disk=disk)
    return base_xml(name, virt, emulator, devices=GENID_DEVICE, disk=disk)


# ---- the two daemons ----------------------------------------------------------------------


class DaemonPath(DaemonPathBase):
    """dom.revertToSnapshot() through python3-libvirt; libvirtd also queries the GUID in
    the timing."""

    prefix = PREFIX

    def __init__(self, label, uri, xml, name, query_in_timing):
        super().__init__(label, uri, xml, query_in_timing)
        self.name = name
        self.snap = None
        self.seen = set()
        self.pid = None
        self.pid_kept = 0  # reverts that kept the QEMU process (an in-place load)
        self.config_differs = 0  # reverts after which the config has another GUID
        self.failures = []

    def guid(self):
        return dom_guid(self.dom)

    def setup(self):
        super().setup()
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


# ---- report -------------------------------------------------------------------------------


def report(paths, samples, accel):
    rows = [(p.label, p.times) for p in paths]
    print_times(f"Revert latency to a running snapshot with a new GUID, 128 MiB 'pc' domain "
                f"with one qcow2 disk, accel {accel}, {samples} samples per path "
                f"(interleaved), ms", rows)
    ok = print_ratios({p.label: p for p in paths}, TARGET)
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
            print_phases(p.phases, RAW_PHASES)
    print_per_sample(rows)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_daemon_args(ap)
    add_qemu_args(ap)
    add_sample_args(ap, 15, 1, "reverts")
    add_guest_args(ap, disk=True)
    ap.add_argument("--raw-signal", choices=("KILL", "TERM"), default="KILL",
                    help="how raw ends the running QEMU (default KILL; genvirtd sends TERM)")
    add_run_args(ap, "reverts", LABELS)
    args = ap.parse_args()
    only = check_args(ap, args, LABELS, daemons=True)

    accel, virt = resolve_accel(args.accel)
    genvirsh = os.path.abspath(args.genvirsh)
    kill_signal = signal.SIGKILL if args.raw_signal == "KILL" else signal.SIGTERM
    workdir = begin_run("revert-bench.", args.workdir, 0o755)
    paths = []

    def prepare():
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

    if not run_interleaved(paths, workdir, prepare, args.warmup, args.samples,
                           args.max_failures):
        return 130

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
