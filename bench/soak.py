#!/usr/bin/python3
"""Soak: a mixed workload on two genvirtds for --minutes, then the daemons' resources.

--workers clients run at once, each on its own connections and its own domain (a 16 MiB
qcow2 disk whose boot sector idles), and loop: define on one daemon, start, snapshot
(running), revert to it (the GUID must change), delete the snapshot, live-migrate to the
other daemon (persistent there, undefined at the source; the GUID must stay), destroy,
undefine.  Every call must succeed and every GUID check hold: any failure is counted and
printed, and the run fails.

Before the first and after the last loop (with every worker's connections closed and a
settling pause), each daemon's RSS, open file descriptors and threads are read from /proc.
The run fails when, at the end, the descriptors or the threads of either daemon are not
back to where they started or its RSS grew more than --rss-slack-mib.  Not part of CI:
bench/run-soak.sh runs it (30 minutes by default).
"""

import argparse
import os
import sys
import threading
import time
import traceback

import libvirt

import benchlib

PREFIX = "bench-soak-"
GENID = "<genid model='vmgenid'><guid auto='yes'/></genid>"
MIGRATE_FLAGS = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PERSIST_DEST
                 | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)


def resources(pid):
    with open(f"/proc/{pid}/status") as f:
        st = dict(line.split(":", 1) for line in f if ":" in line)
    return {"rss_kib": int(st["VmRSS"].split()[0]), "threads": int(st["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


class Worker(threading.Thread):
    def __init__(self, n, uris, workdir, virt, deadline, errors, lock):
        super().__init__(name=f"soak-{n}")
        self.n, self.uris, self.virt, self.deadline = n, uris, virt, deadline
        self.errors, self.lock = errors, lock
        self.name_ = f"{PREFIX}{n}"
        self.disk = os.path.join(workdir, f"{self.name_}.qcow2")
        self.loops = 0
        self.ops = 0

    def fail(self, what):
        with self.lock:
            self.errors.append(f"{self.name_} loop {self.loops}: {what}")

    def one_loop(self, conns, at):
        src, dst = conns[at], conns[1 - at]
        xml = benchlib.domain_xml(self.name_, self.virt, benchlib.EMULATOR, devices=GENID,
                                  disk=self.disk)
        dom = src.defineXML(xml)
        dom.create()
        g0 = benchlib.dom_guid(dom)
        snap = dom.snapshotCreateXML("<domainsnapshot><name>s1</name></domainsnapshot>", 0)
        dom.revertToSnapshot(snap, 0)
        g1 = benchlib.dom_guid(dom)
        if g1 == g0:
            self.fail(f"revert kept the GUID {g0}")
        snap.delete(0)
        dom2 = dom.migrate3(dst, {}, MIGRATE_FLAGS)
        g2 = benchlib.dom_guid(dom2)
        if g2 != g1:
            self.fail(f"migration changed the GUID {g1} to {g2}")
        if dom2.state()[0] != libvirt.VIR_DOMAIN_RUNNING:
            self.fail(f"state {dom2.state()} after migration")
        dom2.destroy()
        dom2.undefine()
        self.ops += 9
        return 1 - at

    def run(self):
        conns = [libvirt.open(u) for u in self.uris]
        try:
            benchlib.create_disk(self.disk, 16)
            at = self.n % 2
            # deadline None: exactly one loop (the warm-up)
            while (self.loops == 0 if self.deadline is None
                   else time.monotonic() < self.deadline):
                try:
                    at = self.one_loop(conns, at)
                except libvirt.libvirtError as e:
                    self.fail(str(e))
                    for c in conns:
                        benchlib.cleanup_domains(c, self.name_, "soak")
                self.loops += 1
        except Exception:  # noqa: BLE001  (counted as an error)
            self.fail(traceback.format_exc())
        finally:
            for c in conns:
                try:
                    benchlib.cleanup_domains(c, self.name_, "soak")
                    c.close()
                except libvirt.libvirtError:
                    pass


def main():
    libvirt.registerErrorHandler(lambda *_: None, None)  # errors are raised, not printed
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri", action="append", required=True)
    ap.add_argument("--genvirtd-pid", action="append", type=int, required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--rss-slack-mib", type=float, default=8.0)
    ap.add_argument("--settle", type=float, default=3.0)
    ap.add_argument("--accel", default=os.environ.get("GENVIRT_ACCEL", "tcg"),
                    choices=["tcg", "kvm", "auto"])
    args = ap.parse_args()
    if len(args.genvirtd_uri) != 2 or len(args.genvirtd_pid) != 2:
        ap.error("two --genvirtd-uri and two --genvirtd-pid")
    _, virt = benchlib.resolve_accel(args.accel)
    pids = args.genvirtd_pid
    # one warm-up loop, so that first-use allocations (QEMU capabilities, thread pools)
    # count in the baseline rather than as growth
    errors, lock = [], threading.Lock()
    warm = Worker(99, args.genvirtd_uri, args.workdir, virt, None, errors, lock)
    warm.run()
    time.sleep(args.settle)
    before = [resources(p) for p in pids]
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60
    ws = [Worker(i, args.genvirtd_uri, args.workdir, virt, deadline, errors, lock)
          for i in range(args.workers)]
    for w in ws:
        w.start()
    for w in ws:
        w.join()
    elapsed = time.monotonic() - t0
    time.sleep(args.settle)
    after = [resources(p) for p in pids]
    loops = sum(w.loops for w in ws)
    print(f"Soak: {elapsed / 60:.1f} min, {args.workers} workers, {loops} loops, "
          f"{sum(w.ops for w in ws)} calls that change state, {len(errors)} errors, accel {virt}")
    print(f"{'':12} {'RSS KiB':>18} {'fds':>10} {'threads':>10}")
    bad = []
    for i, (b, a) in enumerate(zip(before, after)):
        print(f"genvirtd {i + 1:<3} {b['rss_kib']:>8} -> {a['rss_kib']:<8} "
              f"{b['fds']:>4} -> {a['fds']:<4} {b['threads']:>4} -> {a['threads']:<4}")
        if a["fds"] != b["fds"]:
            bad.append(f"genvirtd {i + 1}: {a['fds'] - b['fds']:+d} file descriptors")
        if a["threads"] != b["threads"]:
            bad.append(f"genvirtd {i + 1}: {a['threads'] - b['threads']:+d} threads")
        if a["rss_kib"] - b["rss_kib"] > args.rss_slack_mib * 1024:
            bad.append(f"genvirtd {i + 1}: RSS grew {(a['rss_kib'] - b['rss_kib']) / 1024:.1f} MiB")
    for e in errors[:20]:
        print("error: " + e)
    for b in bad:
        print("leak: " + b)
    if loops == 0:
        bad.append("no loop completed")
    return 1 if errors or bad else 0


if __name__ == "__main__":
    sys.exit(main())
