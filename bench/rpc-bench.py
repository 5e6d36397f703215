#!/usr/bin/python3
"""RPC throughput and memory benchmark: genvirtd against the stock libvirtd.

The same python3-libvirt client code drives both daemons in one run:

  define   N domains (defineXML)            ops/s = N / seconds
  dumpxml  XMLDesc(0) on all N              ops/s = N / seconds
  list     listAllDomains(0), LIST_CALLS x  ops/s = calls / seconds
  undefine all N (undefine)                 ops/s = N / seconds

Each cycle (define, dumpxml, list, undefine) is repeated REPEATS times on fresh
domains, alternating daemons cycle by cycle, and the median of each phase is
reported.  Resident memory (VmRSS) of each daemon is read before the first
define and with the N domains defined (median over the cycles).

Every bench-* domain is undefined on both daemons at the end, even on failure.
Usually started by bench/run-rpc-bench.sh, which also starts both daemons.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import libvirt

from benchlib import (EMULATOR, GENID_DEVICE, clean_leftovers, cleanup_domains,
                      domain_xml as base_xml)

PREFIX = "bench-"

# The genid device: genvirtd's device form (DESIGN.md section 2, GENID_DEVICE) and
# libvirt's own spelling, which libvirtd understands.  libvirtd silently drops an
# unknown <devices>/<genid>, so in "native" mode each daemon gets the form that makes
# it generate and persist a GUID: the same work on both sides.
GENID_LEGACY = "<genid/>"

PHASES = ("define", "dumpxml", "list", "undefine")


def domain_xml(name, form):
    if form == "device":
        return base_xml(name, "kvm", EMULATOR, devices=GENID_DEVICE)
    return base_xml(name, "kvm", EMULATOR, top=GENID_LEGACY)


def vmrss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def process_age(pid):
    out = subprocess.run(["ps", "-o", "etimes=", "-p", str(pid)], capture_output=True, text=True)
    try:
        secs = int(out.stdout.strip())
    except ValueError:
        return "for an unknown time"
    return f"{secs // 60} min {secs % 60} s"


def libvirtd_pid():
    out = subprocess.run(["pgrep", "-x", "libvirtd"], capture_output=True, text=True)
    pids = out.stdout.split()
    if len(pids) != 1:
        raise RuntimeError(f"expected one libvirtd process, pgrep -x libvirtd says {pids!r}")
    return int(pids[0])


class Target:
    def __init__(self, label, uri, pid, form):
        self.label = label
        self.uri = uri
        self.pid = pid
        self.form = form
        self.conn = None
        self.times = {p: [] for p in PHASES}
        self.rss_before = None
        self.rss_loaded = []

    def connect(self):
        self.conn = libvirt.open(self.uri)
        clean_leftovers(self.conn, PREFIX, self.label)

    def warmup(self):
        # One untimed define/dumpxml/list/undefine: libvirtd loads its QEMU capabilities
        # on first use; neither daemon should pay one-time costs inside the timing.
        dom = self.conn.defineXML(domain_xml(PREFIX + "warmup", self.form))
        dom.XMLDesc(0)
        self.conn.listAllDomains(0)
        dom.undefine()

    def cycle(self, n, list_calls):
        conn = self.conn
        names = [f"{PREFIX}{i:04d}" for i in range(n)]
        xmls = [domain_xml(name, self.form) for name in names]
        if self.rss_before is None:
            self.rss_before = vmrss_kib(self.pid)

        t0 = time.perf_counter()
        doms = [conn.defineXML(x) for x in xmls]
        t1 = time.perf_counter()
        self.times["define"].append(t1 - t0)

        total = 0
        t0 = time.perf_counter()
        for dom in doms:
            total += len(dom.XMLDesc(0))
        t1 = time.perf_counter()
        self.times["dumpxml"].append(t1 - t0)
        if total < n * 100:
            raise RuntimeError(f"{self.label}: XMLDesc returned only {total} bytes in all")

        t0 = time.perf_counter()
        for _ in range(list_calls):
            got = conn.listAllDomains(0)
        t1 = time.perf_counter()
        self.times["list"].append(t1 - t0)
        nbench = sum(1 for d in got if d.name().startswith(PREFIX))
        if nbench != n:
            raise RuntimeError(f"{self.label}: listAllDomains shows {nbench} bench domains, "
                               f"expected {n}")
        del got

        self.rss_loaded.append(vmrss_kib(self.pid))

        t0 = time.perf_counter()
        for dom in doms:
            dom.undefine()
        t1 = time.perf_counter()
        self.times["undefine"].append(t1 - t0)

    def ops(self, phase, n, list_calls):
        count = list_calls if phase == "list" else n
        return count / statistics.median(self.times[phase])

    def spread(self, phase, n, list_calls):
        count = list_calls if phase == "list" else n
        vals = [count / t for t in self.times[phase]]
        return min(vals), max(vals)


def fmt_ops(v):
    return f"{v:,.0f}"


def fmt_mib(kib):
    return f"{kib / 1024:.1f} MiB"


def report(lv, gv, n, list_calls, repeats):
    print()
    print(f"RPC throughput, python3-libvirt client, N={n} domains, "
          f"list x{list_calls}, median of {repeats} cycles")
    hdr = f"{'phase':<10} {'libvirtd ops/s':>16} {'genvirtd ops/s':>16} {'ratio gv/lv':>12} {'target':>8}  result"
    print(hdr)
    print("-" * len(hdr))
    ok = True
    for p in PHASES:
        a = lv.ops(p, n, list_calls)
        b = gv.ops(p, n, list_calls)
        ratio = b / a
        target = "2.00x" if p in ("define", "dumpxml") else "-"
        if p in ("define", "dumpxml"):
            res = "PASS" if ratio >= 2.0 else "MISS"
            ok = ok and ratio >= 2.0
        else:
            res = ""
        print(f"{p:<10} {fmt_ops(a):>16} {fmt_ops(b):>16} {ratio:>11.2f}x {target:>8}  {res}")
    print()
    print("per-cycle spread (min - max ops/s):")
    for p in PHASES:
        a0, a1 = lv.spread(p, n, list_calls)
        b0, b1 = gv.spread(p, n, list_calls)
        print(f"  {p:<10} libvirtd {fmt_ops(a0)} - {fmt_ops(a1)}   "
              f"genvirtd {fmt_ops(b0)} - {fmt_ops(b1)}")

    print()
    print(f"Daemon resident memory (VmRSS; loaded = median over cycles, {n} domains defined)")
    hdr = f"{'state':<22} {'libvirtd':>12} {'genvirtd':>12} {'ratio gv/lv':>12} {'target':>8}  result"
    print(hdr)
    print("-" * len(hdr))
    lb, gb = lv.rss_before, gv.rss_before
    ll, gl = statistics.median(lv.rss_loaded), statistics.median(gv.rss_loaded)
    print(f"{'before define':<22} {fmt_mib(lb):>12} {fmt_mib(gb):>12} {gb / lb:>11.2f}x {'-':>8}")
    mres = "PASS" if gl / ll <= 1 / 3 else "MISS"
    ok = ok and gl / ll <= 1 / 3
    print(f"{f'{n} domains defined':<22} {fmt_mib(ll):>12} {fmt_mib(gl):>12} {gl / ll:>11.2f}x "
          f"{'<=0.33x':>8}  {mres}")
    print(f"{'growth for N domains':<22} {fmt_mib(ll - lb):>12} {fmt_mib(gl - gb):>12} "
          f"{'-':>12} {'-':>8}")
    age = process_age(lv.pid)
    print(f"  genvirtd is started fresh by the run; libvirtd has been up {age}, so its 'before'\n"
          f"  includes heap kept from earlier work (glibc keeps freed memory) and its growth\n"
          f"  is small after the first run since it started")
    print(f"  per-cycle loaded RSS: libvirtd {', '.join(fmt_mib(x) for x in lv.rss_loaded)}; "
          f"genvirtd {', '.join(fmt_mib(x) for x in gv.rss_loaded)}")
    print()
    print("all targets met" if ok else "some targets missed")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri", required=True,
                    help="e.g. qemu+unix:///system?socket=ROOT/run/genvirt/genvirt-sock")
    ap.add_argument("--genvirtd-pid", type=int, required=True)
    ap.add_argument("--libvirtd-uri", default="qemu:///system")
    ap.add_argument("--libvirtd-pid", type=int, default=None,
                    help="default: pgrep -x libvirtd")
    ap.add_argument("-n", type=int, default=1000, help="domains per cycle (default 1000)")
    ap.add_argument("--list-calls", type=int, default=100,
                    help="listAllDomains calls per cycle (default 100)")
    ap.add_argument("--repeats", type=int, default=3, help="cycles per daemon (default 3)")
    ap.add_argument("--genid-form", choices=("native", "device", "legacy"), default="native",
                    help="native: <devices><genid> for genvirtd and libvirt's <genid/> for "
                         "libvirtd (default); device/legacy: the same form for both")
    ap.add_argument("--only", choices=("both", "genvirtd", "libvirtd"), default="both",
                    help="run against one daemon only (profiling); no ratios")
    args = ap.parse_args()
    if args.n < 1 or args.n > 9999 or args.repeats < 1 or args.list_calls < 1:
        ap.error("need 1 <= n <= 9999, repeats >= 1, list-calls >= 1")

    lv_form = "legacy" if args.genid_form == "native" else args.genid_form
    gv_form = "device" if args.genid_form == "native" else args.genid_form
    targets = []
    if args.only in ("both", "libvirtd"):
        targets.append(Target("libvirtd", args.libvirtd_uri,
                              args.libvirtd_pid or libvirtd_pid(), lv_form))
    if args.only in ("both", "genvirtd"):
        targets.append(Target("genvirtd", args.genvirtd_uri, args.genvirtd_pid, gv_form))

    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    start = time.perf_counter()
    try:
        for t in targets:
            t.connect()
            t.warmup()
        for r in range(args.repeats):
            for t in targets:
                t.cycle(args.n, args.list_calls)
                print(f"cycle {r + 1}/{args.repeats} {t.label:<8}: " +
                      "  ".join(f"{p} {t.times[p][-1] * 1000:8.1f} ms" for p in PHASES),
                      flush=True)
    finally:
        for t in targets:
            if t.conn is None:
                continue
            try:
                left = cleanup_domains(t.conn, PREFIX, t.label)
                if left:
                    print(f"cleanup: {t.label}: undefined {left} leftover bench-* domain(s)",
                          file=sys.stderr)
                t.conn.close()
            except libvirt.libvirtError as e:
                print(f"warning: cleanup on {t.label} failed: {e}", file=sys.stderr)
    print(f"benchmark wall time {time.perf_counter() - start:.1f} s")

    if args.only != "both":
        t = targets[0]
        for p in PHASES:
            print(f"{t.label} {p:<10} {fmt_ops(t.ops(p, args.n, args.list_calls))} ops/s")
        print(f"{t.label} VmRSS before {fmt_mib(t.rss_before)}, loaded "
              f"{fmt_mib(statistics.median(t.rss_loaded))}")
        return 0
    ok = report(targets[0], targets[1], args.n, args.list_calls, args.repeats)
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
