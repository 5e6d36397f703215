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
import os
import signal
import sys
import time

import libvirt

from benchlib import (DaemonPathBase, RawSpawner, add_daemon_args, add_guest_args, add_only_arg,
                      add_qemu_args, add_sample_args, begin_run, check_args, dom_guid,
                      domain_xml as base_xml, print_per_sample, print_ratios, print_times,
                      resolve_accel, run_interleaved)

PREFIX = "bench-start-"
DEFAULT_GUID = "6d1b3f0e-9a2c-4e57-8b14-2c7f5e0a9d31"
TARGET = 1.3  # genvirtd / raw, DESIGN.md section 8
LABELS = ("genvirtd", "libvirtd", "raw")


# --libvirtd-lean: without these libvirtd adds a USB controller and a balloon device that
# genvirtd's command line does not have (genvirtd does not parse these elements).
LEAN_DEVICES = "<controller type='usb' model='none'/>\n    <memballoon model='none'/>"


def domain_xml(name, virt, guid, form, emulator, lean=False):
    """legacy: libvirt's top-level <genid>UUID</genid> (for libvirtd); otherwise genvirt's
    device form (for genvirtd and for the raw command line)."""
    if form == "legacy":
        return base_xml(name, virt, emulator, top=f"<genid>{guid}</genid>\n  ",
                        devices=LEAN_DEVICES if lean else "")
    return base_xml(name, virt, emulator,
                    devices=f"<genid model='vmgenid'><guid>{guid}</guid></genid>")


# ---- the two daemons ----------------------------------------------------------------------


class DaemonPath(DaemonPathBase):
    """dom.create() through python3-libvirt; libvirtd also queries the GUID in the timing."""

    prefix = PREFIX

    def __init__(self, label, uri, xml, guid, query_in_timing):
        super().__init__(label, uri, xml, query_in_timing)
        self.guid = guid

    def sample(self):
        dom = self.dom
        t0 = time.perf_counter()
        dom.create()
        if self.query_in_timing:
            got = dom_guid(dom)
        t1 = time.perf_counter()
        try:
            state, _ = dom.state()
            if state != libvirt.VIR_DOMAIN_RUNNING:
                raise RuntimeError(f"{self.label}: domain state {state} after create, "
                                   f"expected running")
            if not self.query_in_timing:
                # genvirtd checked it before create returned; check it here too (untimed)
                got = dom_guid(dom)
            if got != self.guid:
                raise RuntimeError(f"{self.label}: QEMU reports GUID {got}, expected {self.guid}")
        finally:
            dom.destroy()
        return t1 - t0


# ---- raw QEMU -------------------------------------------------------------------------------


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
        self.qemu = None

    def setup(self):
        self.qemu = RawSpawner(self.genvirsh, self.xml, self.accel, self.workdir, "raw")

    def command_line(self):
        return self.qemu.command_line()

    def sample(self):
        q = None
        try:
            t0 = time.perf_counter()
            q = self.qemu.spawn(self.guid)
            got = q.qmp.command("query-vm-generation-id")["guid"].lower()
            if got != self.guid:
                raise RuntimeError(f"raw: QEMU reports GUID {got}, expected {self.guid}")
            q.qmp.command("cont")
            t1 = time.perf_counter()
            status = q.qmp.command("query-status")
            if not status.get("running"):
                raise RuntimeError(f"raw: QEMU not running after cont: {status!r}")
            return t1 - t0
        finally:
            if q is not None:
                q.qmp.sock.close()
                self.qemu.kill(q.pid, signal.SIGKILL)

    def teardown(self):
        if self.qemu is not None:
            self.qemu.teardown()


# ---- report -------------------------------------------------------------------------------


def report(paths, samples, accel):
    rows = [(p.label, p.times) for p in paths]
    print_times(f"Start-to-running latency, 128 MiB diskless 'pc' domain with genid, accel "
                f"{accel}, {samples} samples per path (interleaved), ms", rows)
    ok = print_ratios({p.label: p for p in paths}, TARGET)
    print_per_sample(rows)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_daemon_args(ap)
    add_qemu_args(ap)
    add_sample_args(ap, 20, 2, "starts")
    ap.add_argument("--guid", default=DEFAULT_GUID, help="the fixed genid GUID, same on all paths")
    add_guest_args(ap, disk=False)
    ap.add_argument("--libvirtd-lean", action="store_true",
                    help="give libvirtd <controller type='usb' model='none'/> and "
                         "<memballoon model='none'/> (its defaults add both devices)")
    add_only_arg(ap, LABELS)
    args = ap.parse_args()
    only = check_args(ap, args, LABELS, daemons=True)

    accel, virt = resolve_accel(args.accel)
    guid = args.guid.lower()
    genvirsh = os.path.abspath(args.genvirsh)
    workdir = begin_run("start-bench.")
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

    def prepare():
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

    if not run_interleaved(paths, workdir, prepare, args.warmup, args.samples):
        return 130

    ok = report(paths, args.samples, accel)
    if "genvirtd" in only and "raw" in only:
        print()
        print("all targets met" if ok else "some targets missed")
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
