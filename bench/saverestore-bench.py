#!/usr/bin/python3
"""Save and restore latency: genvirtd against libvirtd, in one run (issue 11).

For each guest size (128 MiB and 1 GiB by default) one x86 'pc' domain with ACPI,
a small qcow2 disk whose boot sector idles, and a genid the daemon generates is
defined and started on each daemon (libvirtd gets libvirt's top-level <genid/>),
left to go idle, and then saved to a file and restored from it over and over,
samples interleaved between the daemons:

  save     dom.save(PATH) through python3-libvirt (virDomainSave: the guest is
           stopped, QEMU's migration stream written to the file, QEMU gone)
  restore  conn.restore(PATH) (a new QEMU with -incoming, the stream loaded, the
           guest running when the call returns); on genvirtd a new GUID each time

After every restore (untimed): the domain runs; on genvirtd QEMU reports a GUID
never seen before on that daemon (query-vm-generation-id), as DESIGN.md 2.2 says
for a restore; libvirtd's count of new values is reported (not a target).  Raw
QEMU (migrate to a file, -incoming) is not measured yet.  Both daemons write the file themselves, with
their default settings (no --bypass-cache).  The files are removed after the run,
and the domains destroyed and undefined, also on failure.
Usually started by bench/run-saverestore-bench.sh.
"""

import argparse
import os
import statistics
import sys
import time

import libvirt

from benchlib import (GENID_DEVICE, EMULATOR, cleanup_domains, create_disk, dom_guid,
                      domain_xml as base_xml, qemu_pid_of, resolve_accel, wait_idle)

PREFIX = "bench-save-"
TARGET = 1.0  # genvirtd / libvirtd: faster than libvirtd (issue 11)


def domain_xml(name, virt, legacy, disk, mib):
    if legacy:
        xml = base_xml(name, virt, EMULATOR, top="<genid/>\n  ", disk=disk)
    else:
        xml = base_xml(name, virt, EMULATOR, devices=GENID_DEVICE, disk=disk)
    return xml.replace("<memory unit='MiB'>128</memory>", "<memory unit='MiB'>%d</memory>" % mib)


class Path:
    def __init__(self, label, uri, workdir, mib, virt, legacy):
        self.label = label
        self.name = "%s%s-%d" % (PREFIX, label, mib)
        self.conn = libvirt.open(uri)
        cleanup_domains(self.conn, PREFIX + label, label)
        self.disk = os.path.join(workdir, self.name + ".qcow2")
        self.image = os.path.join(workdir, self.name + ".save")
        create_disk(self.disk, 16)
        self.dom = self.conn.defineXML(domain_xml(self.name, virt, legacy, self.disk, mib))
        self.dom.create()
        wait_idle(qemu_pid_of(self.name), label)
        self.save_t, self.restore_t = [], []
        self.seen = {dom_guid(self.dom)}
        self.renewed = 0

    def sample(self, record):
        t0 = time.monotonic()
        self.dom.save(self.image)
        t1 = time.monotonic()
        self.conn.restore(self.image)
        t2 = time.monotonic()
        self.dom = self.conn.lookupByName(self.name)
        state = self.dom.state()[0]
        if state != libvirt.VIR_DOMAIN_RUNNING:
            raise RuntimeError("%s: state %d after restore" % (self.label, state))
        guid = dom_guid(self.dom)
        if guid not in self.seen:
            self.renewed += 1
        self.seen.add(guid)
        if record:
            self.save_t.append(t1 - t0)
            self.restore_t.append(t2 - t1)

    def teardown(self):
        try:
            cleanup_domains(self.conn, self.name, self.label)
            self.conn.close()
        finally:
            for p in (self.image, self.disk):
                if os.path.exists(p):
                    os.unlink(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri", required=True)
    ap.add_argument("--libvirtd-uri", default="qemu:///system")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--sizes", default="128,1024", help="guest sizes in MiB")
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--accel", default="auto", choices=("auto", "kvm", "tcg"))
    args = ap.parse_args()
    accel, virt = resolve_accel(args.accel)
    print("== save/restore: %s, %d samples (+%d warm-up) per size and daemon, interleaved"
          % (accel, args.samples, args.warmup))
    missed = False
    rows = []
    for mib in [int(x) for x in args.sizes.split(",")]:
        paths = []
        try:
            paths.append(Path("genvirtd", args.genvirtd_uri, args.workdir, mib, virt, False))
            paths.append(Path("libvirtd", args.libvirtd_uri, args.workdir, mib, virt, True))
            for i in range(args.warmup + args.samples):
                for p in (paths if i % 2 == 0 else paths[::-1]):
                    p.sample(i >= args.warmup)
            gv, lv = paths
            n = args.warmup + args.samples
            if gv.renewed != n:
                print("FAIL: genvirtd gave %d new GUIDs in %d restores" % (gv.renewed, n))
                missed = True
            for what, a, b in (("save", gv.save_t, lv.save_t),
                               ("restore", gv.restore_t, lv.restore_t)):
                ma, mb = statistics.median(a), statistics.median(b)
                rows.append((mib, what, ma, min(a), max(a), mb, min(b), max(b), ma / mb))
                if ma / mb > TARGET:
                    missed = True
            print("   %d MiB: libvirtd gave %d new GUIDs in %d restores (genvirtd %d)"
                  % (mib, lv.renewed, n, gv.renewed))
        finally:
            for p in paths:
                p.teardown()
    print("%-8s %-8s %24s %24s %8s" % ("guest", "op", "genvirtd ms (min-max)",
                                         "libvirtd ms (min-max)", "gv/lv"))
    for mib, what, ma, a0, a1, mb, b0, b1, r in rows:
        print("%-8s %-8s %9.0f (%5.0f-%5.0f) %9.0f (%5.0f-%5.0f) %8.2f" % (
            "%d MiB" % mib, what, ma * 1000, a0 * 1000, a1 * 1000, mb * 1000, b0 * 1000,
            b1 * 1000, r))
    print("target: genvirtd faster than libvirtd (ratio < %.1f): %s"
          % (TARGET, "missed" if missed else "met"))
    return 3 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
