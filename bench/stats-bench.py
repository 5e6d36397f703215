#!/usr/bin/python3
"""Statistics benchmark: getAllDomainStats for N running domains, genvirtd and libvirtd.

N small guests (64 MiB, 1 vCPU, one qcow2 disk whose boot sector idles, one user-mode
interface, no balloon, no display) are started on one daemon, then on the other (so
at most N QEMUs run at a time); on each, once every QEMU is idle:

  all N     domainListGetStats(the N domains, STATE|CPU_TOTAL|BALLOON|VCPU|INTERFACE|
            BLOCK), i.e. CONNECT_GET_ALL_DOMAIN_STATS (344) with that list: the groups
            genvirt gathers, for exactly these domains (libvirtd may have others)
  one       the same call for one domain: the per-call latency of `virsh domstats NAME`
            without virsh's own start-up

Each record is checked (state running, a block.0 with counters, vcpu.0.time) before
the clock runs.  The domains are transient (createXML) and destroyed at the end, also
on failure.  Usually started by bench/run-stats-bench.sh, which starts both daemons.
"""

import argparse
import concurrent.futures
import os
import shutil
import statistics
import sys
import time

import libvirt

from benchlib import (add_daemon_args, begin_run, clean_leftovers, close_clean, create_disk,
                      ms, pctl, print_times, resolve_accel, wait_idle)

PREFIX = "bench-stats-"
STARTERS = 4  # domains started (and destroyed) at a time
GROUPS = (libvirt.VIR_DOMAIN_STATS_STATE | libvirt.VIR_DOMAIN_STATS_CPU_TOTAL |
          libvirt.VIR_DOMAIN_STATS_BALLOON | libvirt.VIR_DOMAIN_STATS_VCPU |
          libvirt.VIR_DOMAIN_STATS_INTERFACE | libvirt.VIR_DOMAIN_STATS_BLOCK)

# libvirtd would add a USB controller and a balloon that genvirtd's guest does not have
LEAN = "<controller type='usb' model='none'/>\n    <memballoon model='none'/>\n    "

XML = """<domain type='{virt}'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='{disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='user'><model type='virtio'/></interface>
    {lean}
  </devices>
</domain>
"""


def qemu_pid(dom_name):
    needle = f"guest={dom_name},".encode()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    if needle in f.read():
                        return int(d)
            except OSError:
                pass
    return None


def check_record(label, dom, rec):
    for key in ("state.state", "cpu.time", "balloon.current", "vcpu.0.time",
                "block.0.rd.bytes", "net.count"):
        if key not in rec:
            raise RuntimeError(f"{label}: no {key} in the stats of {dom.name()}: {rec}")
    if rec["state.state"] != libvirt.VIR_DOMAIN_RUNNING:
        raise RuntimeError(f"{label}: {dom.name()} is not running: {rec}")


def measure(label, uri, n, calls, single, virt, workdir, lean):
    conn = libvirt.open(uri)
    doms = []
    try:
        clean_leftovers(conn, PREFIX, label)
        xmls = []
        for i in range(n):
            disk = os.path.join(workdir, f"{label}-{i:03d}.qcow2")
            create_disk(disk, 16)
            xmls.append(XML.format(virt=virt, name=f"{PREFIX}{i:03d}", disk=disk,
                                   lean=LEAN if lean else ""))
        # started a few at a time (both daemons run starts in parallel): not timed
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=STARTERS) as pool:
            for fut in [pool.submit(conn.createXML, x, 0) for x in xmls]:
                doms.append(fut.result())
        print(f"{label}: {n} domains started in {time.perf_counter() - t0:.1f} s", flush=True)
        # booted and halted in the boot sector: the stats are of quiet QEMUs
        t0 = time.perf_counter()
        for dom in doms:
            wait_idle(qemu_pid(dom.name()), f"{label} {dom.name()}", timeout=600)
        print(f"{label}: all idle after {time.perf_counter() - t0:.1f} s more", flush=True)

        got = conn.domainListGetStats(doms, GROUPS, 0)
        if len(got) != n:
            raise RuntimeError(f"{label}: {len(got)} records for {n} domains")
        for dom, rec in got:
            check_record(label, dom, rec)
        fields = sum(len(rec) for _, rec in got)
        all_t = []
        for _ in range(calls):
            t = time.perf_counter()
            conn.domainListGetStats(doms, GROUPS, 0)
            all_t.append(time.perf_counter() - t)
        one_t = []
        for k in range(single):
            dom = doms[k % n]
            t = time.perf_counter()
            conn.domainListGetStats([dom], GROUPS, 0)
            one_t.append(time.perf_counter() - t)
        return all_t, one_t, fields
    finally:
        def destroy(dom):
            try:
                dom.destroy()
            except libvirt.libvirtError as e:
                print(f"warning: {label}: destroy {dom.name()}: {e}", file=sys.stderr)

        with concurrent.futures.ThreadPoolExecutor(max_workers=STARTERS) as pool:
            list(pool.map(destroy, doms))
        close_clean(conn, PREFIX, label)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_daemon_args(ap)
    ap.add_argument("-n", "--domains", type=int, default=100)
    ap.add_argument("--calls", type=int, default=20, help="timed calls for all N (default 20)")
    ap.add_argument("--single", type=int, default=200,
                    help="timed calls for one domain (default 200)")
    ap.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="tcg",
                    help="the domain type libvirtd gets (genvirtd's follows GENVIRT_ACCEL); "
                         "default tcg")
    ap.add_argument("--only", default="genvirtd,libvirtd")
    args = ap.parse_args()
    only = [x for x in args.only.split(",") if x]
    if args.domains < 1 or args.calls < 1 or args.single < 1:
        ap.error("need at least one domain and one call")
    if "genvirtd" in only and not args.genvirtd_uri:
        ap.error("--genvirtd-uri is needed")
    _, virt = resolve_accel(args.accel)
    workdir = begin_run("genvirt-stats-bench-", mode=0o755)
    res = {}
    try:
        for label in only:
            uri = args.genvirtd_uri if label == "genvirtd" else args.libvirtd_uri
            res[label] = measure(label, uri, args.domains, args.calls, args.single, virt,
                                 workdir, lean=label == "libvirtd")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\ngroups state,cpu-total,balloon,vcpu,interface,block; {args.domains} running "
          f"domains (type {virt}); fields per call: " +
          ", ".join(f"{k} {v[2]}" for k, v in res.items()))
    print_times(f"domainListGetStats of all {args.domains} domains, ms per call "
                f"({args.calls} calls)", [(k, v[0]) for k, v in res.items()])
    print_times(f"domainListGetStats of one domain, ms per call ({args.single} calls)",
                [(k, v[1]) for k, v in res.items()])
    if "genvirtd" in res and "libvirtd" in res:
        g, lv = res["genvirtd"], res["libvirtd"]
        print()
        print(f"{'ratio libvirtd/genvirtd (median)':<36} {'all N':>8} {'one':>8}")
        print(f"{'':<36} {statistics.median(lv[0]) / statistics.median(g[0]):>7.2f}x "
              f"{statistics.median(lv[1]) / statistics.median(g[1]):>7.2f}x")
        print(f"{'ratio libvirtd/genvirtd (p90)':<36} {pctl(lv[0], 90) / pctl(g[0], 90):>7.2f}x "
              f"{pctl(lv[1], 90) / pctl(g[1], 90):>7.2f}x")
        print(f"per domain, all N: genvirtd {ms(statistics.median(g[0]) / args.domains)} ms, "
              f"libvirtd {ms(statistics.median(lv[0]) / args.domains)} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
