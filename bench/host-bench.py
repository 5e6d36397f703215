#!/usr/bin/python3
"""Host calls benchmark: genvirtd against the stock libvirtd.

The same python3-libvirt client code calls, on each daemon, in one run:

  capabilities   getCapabilities()                       CONNECT_GET_CAPABILITIES
  domcaps        getDomainCapabilities(None x 4)         CONNECT_GET_DOMAIN_CAPABILITIES
  nodeinfo       getInfo()                               NODE_GET_INFO
  cpustats       getCPUStats(-1)                         NODE_GET_CPU_STATS (both passes)
  memstats       getMemoryStats(-1)                      NODE_GET_MEMORY_STATS (both passes)
  freemem        getFreeMemory()                         NODE_GET_FREE_MEMORY

Each call is made CALLS times per round; rounds alternate the daemons, and
the median of ROUNDS rounds is reported as calls/s and as the ratio
genvirtd/libvirtd.  One untimed round first lets both load what they cache
(QEMU capabilities).  There is no target: virt-manager calls getInfo()
every second per connection and virtinst getCapabilities() at every open,
so these say what a client's poll costs each daemon.

Usually started by bench/run-host-bench.sh, which also starts both daemons.
"""

import argparse
import statistics
import sys
import time

import libvirt

CALLS = {
    "capabilities": lambda c: c.getCapabilities(),
    "domcaps": lambda c: c.getDomainCapabilities(None, None, None, None),
    "nodeinfo": lambda c: c.getInfo(),
    "cpustats": lambda c: c.getCPUStats(-1),
    "memstats": lambda c: c.getMemoryStats(-1),
    "freemem": lambda c: c.getFreeMemory(),
}


def run_round(conn, name, n):
    fn = CALLS[name]
    t0 = time.perf_counter()
    for _ in range(n):
        fn(conn)
    return n / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri", required=True)
    ap.add_argument("--libvirtd-uri", required=True)
    ap.add_argument("--calls", type=int, default=200, help="calls per round (default 200)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds per daemon (default 5)")
    ap.add_argument("--only", choices=sorted(CALLS), action="append",
                    help="measure only these calls")
    args = ap.parse_args()
    names = args.only or list(CALLS)

    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    conns = {"libvirtd": libvirt.open(args.libvirtd_uri),
             "genvirtd": libvirt.open(args.genvirtd_uri)}
    rates = {d: {n: [] for n in names} for d in conns}
    for d, conn in conns.items():
        for n in names:
            run_round(conn, n, max(1, args.calls // 10))
    for _ in range(args.rounds):
        for n in names:
            for d, conn in conns.items():
                rates[d][n].append(run_round(conn, n, args.calls))

    print()
    print(f"Host calls, python3-libvirt client, {args.calls} calls a round, "
          f"median of {args.rounds} rounds (daemons alternating)")
    hdr = f"{'call':<14} {'libvirtd calls/s':>17} {'genvirtd calls/s':>17} {'ratio gv/lv':>12}"
    print(hdr)
    print("-" * len(hdr))
    for n in names:
        a = statistics.median(rates["libvirtd"][n])
        b = statistics.median(rates["genvirtd"][n])
        print(f"{n:<14} {a:>17,.0f} {b:>17,.0f} {b / a:>11.2f}x")
    print()
    print("per-round spread (min - max calls/s):")
    for n in names:
        la, lb = min(rates["libvirtd"][n]), max(rates["libvirtd"][n])
        ga, gb = min(rates["genvirtd"][n]), max(rates["genvirtd"][n])
        print(f"  {n:<14} libvirtd {la:,.0f} - {lb:,.0f}   genvirtd {ga:,.0f} - {gb:,.0f}")
    for conn in conns.values():
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
