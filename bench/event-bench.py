#!/usr/bin/python3
"""Event delivery: latency and fan-out, genvirtd against libvirtd, in one run.

For each daemon one small running guest (TCG unless --accel kvm) is suspended
and resumed --samples times while --clients python3-libvirt connections (one
process, libvirt's default event loop on one thread) each have a LIFECYCLE
callback registered.  Per state change it records, from just before the
suspend/resume call:
  call      the call's round trip (QEMU paused or resumed, reply received)
  first     the first connection's callback
  all       the callback of every connection (fan-out)
and reports medians and the 95th percentile, then the ratios libvirtd/genvirtd
(above 1: genvirtd is faster).  The daemons alternate sample by sample, so
load changes hit both alike.

  /usr/bin/python3 bench/event-bench.py --genvirtd-uri URI --libvirtd-uri qemu:///system
"""

import argparse
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

import libvirt  # noqa: E402

PREFIX = 'bench-ev-'


class Fanout:
    """--clients connections to one daemon, each with a LIFECYCLE callback."""

    def __init__(self, uri, n, name):
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.name = name
        self.seen = {}  # (event, seq) -> [times]
        self.seq = 0
        self.conns = []
        self.ids = []
        for i in range(n):
            c = libvirt.open(uri)
            self.conns.append(c)
            self.ids.append(c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                     self._cb, i))

    def _cb(self, conn, dom, event, detail, i):
        if dom.name() != self.name:
            return
        now = time.monotonic()
        with self.cond:
            self.seen.setdefault(event, []).append(now)
            self.cond.notify_all()

    def arm(self):
        with self.lock:
            self.seen = {}

    def wait(self, event, n, timeout=30.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.seen.get(event, [])) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return list(self.seen[event][:n])

    def close(self):
        for c, i in zip(self.conns, self.ids):
            try:
                c.domainEventDeregisterAny(i)
                c.close()
            except libvirt.libvirtError:
                pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--genvirtd-uri', required=True)
    ap.add_argument('--libvirtd-uri', default='qemu:///system')
    ap.add_argument('--clients', type=int, default=100)
    ap.add_argument('--samples', type=int, default=40)
    ap.add_argument('--accel', default='tcg', choices=('tcg', 'kvm'))
    args = ap.parse_args()

    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                     daemon=True).start()
    virt = 'kvm' if args.accel == 'kvm' else 'qemu'
    daemons = [('genvirtd', args.genvirtd_uri), ('libvirtd', args.libvirtd_uri)]
    setups = {}
    for label, uri in daemons:
        conn = libvirt.open(uri)
        benchlib.clean_leftovers(conn, PREFIX, label)
        name = PREFIX + label
        dom = conn.defineXML(benchlib.domain_xml(name, virt, benchlib.EMULATOR))
        dom.create()
        fan = Fanout(uri, args.clients, name)
        setups[label] = (conn, dom, fan)
        print('%s: %s running, %d connections with a lifecycle callback' %
              (label, name, args.clients), flush=True)
    time.sleep(1.0)

    results = {label: {'call': [], 'first': [], 'all': []} for label, _ in daemons}
    for s in range(args.samples + 2):
        for label, _ in daemons:
            conn, dom, fan = setups[label]
            for op, event in ((dom.suspend, libvirt.VIR_DOMAIN_EVENT_SUSPENDED),
                              (dom.resume, libvirt.VIR_DOMAIN_EVENT_RESUMED)):
                fan.arm()
                t0 = time.monotonic()
                op()
                t1 = time.monotonic()
                got = fan.wait(event, args.clients)
                if got is None:
                    print('%s: the events did not all arrive' % label, file=sys.stderr)
                    return 1
                if s < 2:
                    continue  # warm-up
                results[label]['call'].append(t1 - t0)
                results[label]['first'].append(min(got) - t0)
                results[label]['all'].append(max(got) - t0)

    print('\n%d state changes per daemon (suspend and resume), %d connections each, %s' %
          (2 * args.samples, args.clients, args.accel))
    print('%-10s %-8s %10s %10s' % ('daemon', 'what', 'median ms', 'p95 ms'))
    med = {}
    for label, _ in daemons:
        for what in ('call', 'first', 'all'):
            v = sorted(results[label][what])
            m = statistics.median(v)
            med[(label, what)] = m
            print('%-10s %-8s %10.2f %10.2f' % (label, what, m * 1000, benchlib.pctl(v, 95) * 1000))
    print('\nratio libvirtd/genvirtd (above 1: genvirtd is faster)')
    for what in ('call', 'first', 'all'):
        print('  %-8s %.2fx' % (what, med[('libvirtd', what)] / med[('genvirtd', what)]))
    for label, _ in daemons:
        conn, dom, fan = setups[label]
        fan.close()
        dom.destroy()
        dom.undefine()
        conn.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
