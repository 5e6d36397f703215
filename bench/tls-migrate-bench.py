#!/usr/bin/python3
"""Live p2p migration time over TLS against plain TCP, genvirtd to genvirtd.

Two genvirtd on this host (two --root directories, two TLS ports) in the benchmark's
network namespace; one idle 128 MiB guest with a genid (benchlib's halting boot sector
on a small qcow2 disk, shared) migrates back and forth with python3-libvirt
dom.migrateToURI3('qemu+tls://HOST:PORT/system', {}, LIVE|PEER2PEER[|TLS]): the source
daemon opens the destination over TLS with its own client certificate either way; with
TLS the QEMU stream is encrypted too (tls-creds-x509 on both ends).  The clock runs from
the call to its return.  Plain and TLS samples alternate; after each the destination
QEMU reports the guest's GUID.  The domain is destroyed at the end, even on failure.
Usually started by bench/run-tls-bench.sh.
"""

import argparse
import os
import statistics
import sys
import time

import libvirt

from benchlib import EMULATOR, GENID_DEVICE, create_disk, dom_guid, domain_xml, resolve_accel

NAME = "bench-tlsmig"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a-uri", required=True, help="first genvirtd (the client's URI)")
    ap.add_argument("--b-uri", required=True, help="second genvirtd (the client's URI)")
    ap.add_argument("--a-dest", required=True, help="the first genvirtd as a p2p destination")
    ap.add_argument("--b-dest", required=True, help="the second genvirtd as a p2p destination")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--samples", type=int, default=6, help="migrations of each kind")
    ap.add_argument("--accel", default="auto")
    args = ap.parse_args()

    libvirt.registerErrorHandler(lambda c, e: None, None)
    _, virt = resolve_accel(args.accel)
    disk = os.path.join(args.workdir, NAME + ".qcow2")
    create_disk(disk, 16)
    conns = {"a": libvirt.open(args.a_uri), "b": libvirt.open(args.b_uri)}
    dests = {"a": args.a_dest, "b": args.b_dest}
    where = "a"
    times = {"plain": [], "tls": []}
    try:
        dom = conns["a"].createXML(domain_xml(NAME, virt, EMULATOR, devices=GENID_DEVICE,
                                              disk=disk), 0)
        guid = dom_guid(dom)
        time.sleep(1.0)   # SeaBIOS done, the guest idles
        base = libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER
        for i in range(2 * args.samples + 2):
            kind = "tls" if i % 2 else "plain"
            other = "b" if where == "a" else "a"
            dom = conns[where].lookupByName(NAME)
            flags = base | (libvirt.VIR_MIGRATE_TLS if kind == "tls" else 0)
            t0 = time.perf_counter()
            dom.migrateToURI3(dests[other], {}, flags)
            el = time.perf_counter() - t0
            moved = conns[other].lookupByName(NAME)
            if dom_guid(moved) != guid:
                raise RuntimeError(f"after migration {i} the GUID is {dom_guid(moved)}, "
                                   f"not {guid}")
            if i >= 2:   # the first of each kind warms up
                times[kind].append(el)
            where = other
    finally:
        try:
            conns[where].lookupByName(NAME).destroy()
        except libvirt.libvirtError:
            pass
        for c in conns.values():
            c.close()
    p = statistics.median(times["plain"])
    t = statistics.median(times["tls"])
    print()
    print(f"p2p live migration, genvirtd -> genvirtd on this host, 128 MiB idle guest, "
          f"{args.samples} samples each (medians; both with the daemons talking TLS)")
    print(f"{'QEMU stream':<14} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for k, v in (("plain TCP", times["plain"]), ("TLS (--tls)", times["tls"])):
        print(f"{k:<14} {statistics.median(v) * 1000:>10.1f} {min(v) * 1000:>8.1f} "
              f"{max(v) * 1000:>8.1f}")
    print(f"ratio TLS / plain: {t / p:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
