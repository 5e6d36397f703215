#!/usr/bin/python3
"""Save and restore latency: genvirtd, libvirtd and raw QEMU, in one run (issue 11).

For each guest size (128 MiB and 1 GiB by default) one x86 'pc' domain with ACPI,
a small qcow2 disk whose boot sector idles, and a genid the daemon generates is
defined and started on each daemon (libvirtd gets libvirt's top-level <genid/>),
and one raw QEMU with genvirtd's own command line for the same XML
(genvirsh domxml-to-native) is spawned; each is left to go idle, and then saved to a
file and restored from it over and over, samples interleaved (the order rotates):

  save     dom.save(PATH) through python3-libvirt (virDomainSave: the guest is
           stopped, QEMU's migration stream written to the file, QEMU gone).
           raw: QMP stop, migrate-set-parameters max-bandwidth (as genvirtd
           lifts QEMU's 32 MiB/s default), getfd of the file (0600, truncated) and
           migrate "fd:", query-migrate every ms until completed, fdatasync,
           SIGTERM and reap (as genvirtd stops QEMU)
  restore  conn.restore(PATH) (a new QEMU with -incoming, the stream loaded, the
           guest running when the call returns); on genvirtd a new GUID each time.
           raw: a new QEMU with the same command line plus -incoming fd:5 (the
           file), paused (-S), a new GUID in its genid memfd; query-migrate every
           ms until completed, query-vm-generation-id, cont

After every restore (untimed): the domain runs; on genvirtd and raw QEMU reports a
GUID never seen before on that path (query-vm-generation-id), as DESIGN.md 2.2 says
for a restore; libvirtd's count of new values is reported (not a target).  The
daemons write the file themselves, with their default settings (no --bypass-cache);
genvirtd's file also holds its header and the domain XML.  The files are removed
after the run, the domains destroyed and undefined and the raw QEMUs killed, also
on failure.  Usually started by bench/run-saverestore-bench.sh.
"""

import argparse
import os
import signal
import statistics
import sys
import time
import uuid

import libvirt

from benchlib import (GENID_DEVICE, EMULATOR, RawSpawner, add_only_arg, add_qemu_args,
                      cleanup_domains, create_disk, dom_guid, domain_xml as base_xml, high_fd,
                      qemu_pid_of, resolve_accel, wait_idle)

PREFIX = "bench-save-"
TARGET_LV = 1.0  # genvirtd / libvirtd: faster than libvirtd (issue 11)
TARGET_RAW = 1.2  # genvirtd / raw QEMU (issue 11, DESIGN.md section 8)
LABELS = ("genvirtd", "libvirtd", "raw")
RAW_SAVE_PHASES = ("stop+params", "getfd+migrate", "stream", "fdatasync", "SIGTERM+reap")
# with -incoming fd:5 QEMU loads the stream before its monitor answers: the first
# phase holds most of the load
RAW_RESTORE_PHASES = ("spawn to QMP ready", "until completed", "query GUID + cont")


def domain_xml(name, virt, legacy, disk, mib):
    if legacy:
        xml = base_xml(name, virt, EMULATOR, top="<genid/>\n  ", disk=disk)
    else:
        xml = base_xml(name, virt, EMULATOR, devices=GENID_DEVICE, disk=disk)
    return xml.replace("<memory unit='MiB'>128</memory>", "<memory unit='MiB'>%d</memory>" % mib)


class DaemonPath:
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


def wait_migrated(qmp, what):
    """Polls query-migrate every millisecond until the migration completed."""
    while True:
        st = qmp.command("query-migrate").get("status")
        if st == "completed":
            return
        if st in ("failed", "cancelled"):
            raise RuntimeError("raw: %s: migration %s" % (what, st))
        time.sleep(0.001)


class RawPath:
    """genvirtd's command line for the same XML, driven over QMP by this script."""

    label = "raw"

    def __init__(self, genvirsh, workdir, mib, virt, accel, pid_file):
        self.name = "%sraw-%d" % (PREFIX, mib)
        self.disk = os.path.join(workdir, self.name + ".qcow2")
        self.image = os.path.join(workdir, self.name + ".save")
        create_disk(self.disk, 16)
        self.qemu = RawSpawner(genvirsh, domain_xml(self.name, virt, False, self.disk, mib),
                               accel, workdir, self.name, pid_file)
        self.save_t, self.restore_t = [], []
        self.phases = {}
        self.seen = set()
        self.renewed = 0
        self.cur = self.qemu.spawn(self.new_guid())
        self.cur.qmp.command("cont")
        wait_idle(self.cur.pid, self.label)

    def new_guid(self):
        while True:
            g = str(uuid.uuid4())
            if g not in self.seen:
                self.seen.add(g)
                return g

    def command_line(self):
        return self.qemu.command_line(("-incoming", "fd:5"))

    def save(self):
        q = self.cur
        t = [time.perf_counter()]
        q.qmp.command("stop")
        q.qmp.command("migrate-set-parameters", {"max-bandwidth": 0x7fffffffffffffff})
        t.append(time.perf_counter())
        fd = os.open(self.image, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            q.qmp.command_with_fd("getfd", {"fdname": "bench-save"}, fd)
            q.qmp.command("migrate", {"uri": "fd:bench-save"})
            t.append(time.perf_counter())
            wait_migrated(q.qmp, "save")
            t.append(time.perf_counter())
            os.fdatasync(fd)
        finally:
            os.close(fd)
        t.append(time.perf_counter())
        q.qmp.sock.close()
        self.cur = None
        self.qemu.kill(q.pid, signal.SIGTERM)
        t.append(time.perf_counter())
        return t

    def restore(self):
        t = [time.perf_counter()]
        guid = self.new_guid()
        fd = high_fd(os.open(self.image, os.O_RDONLY | os.O_CLOEXEC))
        try:
            q = self.qemu.spawn(guid, ("-incoming", "fd:5"), [(fd, 5)])
        finally:
            os.close(fd)
        self.cur = q
        t.append(time.perf_counter())
        wait_migrated(q.qmp, "restore")
        t.append(time.perf_counter())
        got = q.qmp.command("query-vm-generation-id")["guid"].lower()
        if got != guid:
            raise RuntimeError("raw: QEMU reports GUID %s, expected %s" % (got, guid))
        q.qmp.command("cont")
        t.append(time.perf_counter())
        return t

    def sample(self, record):
        ts = self.save()
        tr = self.restore()
        if not self.cur.qmp.command("query-status").get("running"):
            raise RuntimeError("raw: QEMU not running after cont")
        self.renewed += 1
        if record:
            self.save_t.append(ts[-1] - ts[0])
            self.restore_t.append(tr[-1] - tr[0])
        for op, names, t in (("save", RAW_SAVE_PHASES, ts), ("restore", RAW_RESTORE_PHASES, tr)):
            for i, phase in enumerate(names):
                self.phases.setdefault("%s: %s" % (op, phase), []).append(t[i + 1] - t[i])

    def teardown(self):
        try:
            if self.cur is not None:
                self.cur.qmp.sock.close()
            self.qemu.teardown()
        finally:
            for p in (self.image, self.disk):
                if os.path.exists(p):
                    os.unlink(p)


def cell(v):
    return "%9.0f (%5.0f-%5.0f)" % (statistics.median(v) * 1000, min(v) * 1000, max(v) * 1000)


def report(rows, labels):
    """rows: (mib, op, {label: [seconds]}); returns True when the targets are met."""
    ok = True
    print("%-8s %-8s" % ("guest", "op") + "".join(" %23s" % ("%s ms (min-max)" % lb)
                                                  for lb in labels)
          + ("  gv/raw" if "raw" in labels and "genvirtd" in labels else "")
          + ("  gv/lv" if "libvirtd" in labels and "genvirtd" in labels else ""))
    for mib, what, by in rows:
        line = "%-8s %-8s" % ("%d MiB" % mib, what) + "".join(" " + cell(by[lb])
                                                              for lb in labels)
        gv = statistics.median(by["genvirtd"]) if "genvirtd" in by else None
        for other, target in (("raw", TARGET_RAW), ("libvirtd", TARGET_LV)):
            if gv is not None and other in by:
                r = gv / statistics.median(by[other])
                line += " %7.2f" % r
                if r > target:
                    ok = False
                    line += "!"
        print(line)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri")
    ap.add_argument("--libvirtd-uri", default="qemu:///system")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--sizes", default="128,1024", help="guest sizes in MiB")
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--accel", default="auto", choices=("auto", "kvm", "tcg"))
    ap.add_argument("--raw-pid-file", default=None,
                    help="append the pid of every raw QEMU spawned to this file")
    add_qemu_args(ap)
    add_only_arg(ap, LABELS)
    args = ap.parse_args()
    labels = [x for x in LABELS if x in args.only.split(",")]
    if "genvirtd" in labels and not args.genvirtd_uri:
        ap.error("--genvirtd-uri is needed unless --only leaves genvirtd out")
    accel, virt = resolve_accel(args.accel)
    print("== save/restore: %s, %d samples (+%d warm-up) per size and path, interleaved "
          "(%s); load average %s"
          % (accel, args.samples, args.warmup, ",".join(labels),
             " ".join("%.2f" % x for x in os.getloadavg())))
    missed = False
    rows = []
    raw_cmd = None
    for mib in [int(x) for x in args.sizes.split(",")]:
        paths = []
        try:
            for lb in labels:
                if lb == "raw":
                    paths.append(RawPath(args.genvirsh, args.workdir, mib, virt, accel,
                                         args.raw_pid_file))
                    raw_cmd = paths[-1].command_line()
                else:
                    paths.append(DaemonPath(lb, args.genvirtd_uri if lb == "genvirtd"
                                            else args.libvirtd_uri, args.workdir, mib, virt,
                                            lb == "libvirtd"))
            n = args.warmup + args.samples
            for i in range(n):
                k = i % len(paths)
                for p in paths[k:] + paths[:k]:
                    p.sample(i >= args.warmup)
            by = {p.label: p for p in paths}
            for p in paths:
                if p.label != "libvirtd" and p.renewed != n:
                    print("FAIL: %s gave %d new GUIDs in %d restores" % (p.label, p.renewed, n))
                    missed = True
            rows.append((mib, "save", {p.label: p.save_t for p in paths}))
            rows.append((mib, "restore", {p.label: p.restore_t for p in paths}))
            if "libvirtd" in by:
                print("   %d MiB: libvirtd gave %d new GUIDs in %d restores"
                      % (mib, by["libvirtd"].renewed, n))
            if "raw" in by:
                print("   %d MiB raw phase medians (warm-up included), ms: %s" % (
                    mib, ", ".join("%s %.1f" % (ph, statistics.median(v) * 1000)
                                   for ph, v in by["raw"].phases.items())))
        finally:
            for p in paths:
                p.teardown()
    if not report(rows, labels):
        missed = True
    if raw_cmd:
        print("raw command line: " + raw_cmd)
    print("load average at the end: " + " ".join("%.2f" % x for x in os.getloadavg()))
    print("targets: genvirtd within %.1fx of raw QEMU and faster than libvirtd (ratio < %.1f): %s"
          % (TARGET_RAW, TARGET_LV, "missed" if missed else "met"))
    return 3 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
