#!/usr/bin/python3
"""Scale: 10,000 defined domains, and 20 starts by 20 clients at once; genvirtd against
libvirtd in one run.

Per daemon, in this order:
  define     N diskless 128 MiB domains with a genid device (libvirtd: its top-level
             <genid>), one connection, one after the other: wall time and per-define mean;
  restart    SIGTERM, wait for the exit, start the daemon again, and time until
             listAllDomains() on a new connection returns all N;
  RSS        of the restarted daemon (VmRSS), and its open file descriptors and threads;
  list-all   listAllDomains() returning N domains, median of --list-samples calls;
  dumpxml    XMLDesc() of --dumpxml-samples domains picked at random, median;
  starts     --clients domains (TCG or KVM, diskless, started paused so that 20 guests'
             firmware does not take the 2 CPUs from the daemons) started by as many clients at
             once, each on its own connection (a barrier releases them together), and
             then destroyed the same way: the wall time of all, and each call's latency;
             --rounds rounds.  No start should wait for another domain's job: the wall
             time of the 20 stays close to the slowest single start.
  cleanup    the N domains undefined (timed as well, reported).

The daemons are restarted by this script: genvirtd through --genvirtd-cmd (its command
line; the new pid is written to ROOT/genvirtd.pid for the wrapper's cleanup) and
libvirtd with `libvirtd -d` (its new pid to --libvirtd-pidfile).  Ratios are libvirtd's
time over genvirtd's (above 1: genvirtd faster), and for memory libvirtd's RSS over
genvirtd's.  Run through bench/run-scale-bench.sh.
"""

import argparse
import os
import random
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time

import libvirt

import benchlib

PREFIX = "bench-scale-"
EMULATOR = benchlib.EMULATOR
GENID_GV = "<genid model='vmgenid'><guid auto='yes'/></genid>"


def xml_for(name, legacy, virt="qemu"):
    if legacy:
        # libvirt's form: a top-level <genid/> whose value libvirtd generates
        return benchlib.domain_xml(name, virt, EMULATOR, top="<genid/>\n  ")
    return benchlib.domain_xml(name, virt, EMULATOR, devices=GENID_GV)


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split()[1]
    return None


def rss_mib(pid):
    return int(proc_status(pid, "VmRSS")) / 1024.0


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_exit(pid, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True  # exited; its parent has not reaped it yet
        except FileNotFoundError:
            return True
        # a child of ours (genvirtd after a restart) must be reaped
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.01)
    return False


class Daemon:
    """One daemon under test: how to reach it, restart it, and its domain XML."""

    def __init__(self, label, uri, pid, legacy):
        self.label, self.uri, self.pid, self.legacy = label, uri, pid, legacy
        self.r = {}

    def settle(self):
        pass

    def open(self):
        for _ in range(2000):
            try:
                return libvirt.open(self.uri)
            except libvirt.libvirtError:
                time.sleep(0.005)
        raise RuntimeError(f"{self.label}: {self.uri} does not answer")


class GenvirtDaemon(Daemon):
    def __init__(self, uri, pid, cmd, root):
        super().__init__("genvirtd", uri, pid, legacy=False)
        self.cmd, self.root, self.proc = cmd, root, None

    def restart(self):
        os.kill(self.pid, signal.SIGTERM)
        if not wait_exit(self.pid):
            raise RuntimeError("genvirtd did not stop")
        log = open(os.path.join(self.root, "genvirtd.log"), "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stderr=log, stdout=subprocess.DEVNULL)
        log.close()
        self.pid = self.proc.pid
        with open(os.path.join(self.root, "genvirtd.pid"), "w") as f:
            f.write(f"{self.pid}\n")
        return t0


class LibvirtDaemon(Daemon):
    def __init__(self, uri, pid, pidfile):
        super().__init__("libvirtd", uri, pid, legacy=True)
        self.pidfile = pidfile

    def restart(self):
        os.kill(self.pid, signal.SIGTERM)
        if not wait_exit(self.pid):
            raise RuntimeError("libvirtd did not stop")
        t0 = time.monotonic()
        subprocess.run(["libvirtd", "-d"], check=True)
        return t0

    def settle(self):
        # `libvirtd -d` forks: the daemon's pid is known once it answers
        out = subprocess.run(["pgrep", "-x", "libvirtd"], capture_output=True, text=True)
        self.pid = int(out.stdout.split()[0])
        if self.pidfile:
            with open(self.pidfile, "w") as f:
                f.write(f"{self.pid}\n")


def define_all(d, n):
    conn = d.open()
    benchlib.clean_leftovers(conn, PREFIX, d.label)
    t0 = time.monotonic()
    for i in range(n):
        conn.defineXML(xml_for(f"{PREFIX}{i:05d}", d.legacy))
    d.r["define"] = time.monotonic() - t0
    conn.close()


def restart(d, n):
    t0 = d.restart()
    while True:
        try:
            conn = libvirt.open(d.uri)
        except libvirt.libvirtError:
            time.sleep(0.005)
            continue
        doms = conn.listAllDomains(0)
        if sum(1 for x in doms if x.name().startswith(PREFIX)) >= n:
            break
        conn.close()
        time.sleep(0.005)
    d.r["restart"] = time.monotonic() - t0
    d.settle()
    time.sleep(0.5)
    d.r["rss"] = rss_mib(d.pid)
    d.r["fds"] = fds(d.pid)
    d.r["threads"] = int(proc_status(d.pid, "Threads"))
    return conn


def list_and_dump(d, conn, n, list_samples, dump_samples):
    times = []
    for _ in range(list_samples):
        t0 = time.monotonic()
        doms = conn.listAllDomains(0)
        times.append(time.monotonic() - t0)
        if len(doms) < n:
            raise RuntimeError(f"{d.label}: list-all returned {len(doms)} of {n}")
    d.r["list"] = statistics.median(times)
    rnd = random.Random(7)
    times = []
    for _ in range(dump_samples):
        dom = conn.lookupByName(f"{PREFIX}{rnd.randrange(n):05d}")
        t0 = time.monotonic()
        dom.XMLDesc(0)
        times.append(time.monotonic() - t0)
    d.r["dumpxml"] = statistics.median(times)


def concurrent(d, clients, rounds, virt):
    """@clients domains created by as many clients at once, then destroyed at once."""
    names = [f"{PREFIX}run-{i:02d}" for i in range(clients)]
    conns = [d.open() for _ in range(clients)]
    starts, stops, start_lat, stop_lat = [], [], [], []
    for _ in range(rounds):
        for phase in ("start", "stop"):
            barrier = threading.Barrier(clients + 1)
            lat = [None] * clients
            errs = []

            def work(i):
                c = conns[i]
                try:
                    if phase == "start":
                        barrier.wait()
                        t0 = time.monotonic()
                        c.createXML(xml_for(names[i], d.legacy, virt),
                                    libvirt.VIR_DOMAIN_START_PAUSED)
                    else:
                        dom = c.lookupByName(names[i])
                        barrier.wait()
                        t0 = time.monotonic()
                        dom.destroy()
                    lat[i] = time.monotonic() - t0
                except Exception as e:  # noqa: BLE001  (reported below)
                    errs.append(f"{names[i]}: {e}")
                    try:
                        barrier.abort()
                    except threading.BrokenBarrierError:
                        pass

            ths = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
            for t in ths:
                t.start()
            barrier.wait()
            t0 = time.monotonic()
            for t in ths:
                t.join()
            wall = time.monotonic() - t0
            if errs:
                raise RuntimeError(f"{d.label}: {phase}: " + "; ".join(errs[:3]))
            (starts if phase == "start" else stops).append(wall)
            (start_lat if phase == "start" else stop_lat).extend(lat)
    for c in conns:
        c.close()
    d.r["start20"] = statistics.median(starts)
    d.r["stop20"] = statistics.median(stops)
    d.r["start_max"] = max(start_lat)
    d.r["start_med"] = statistics.median(start_lat)
    d.r["stop_max"] = max(stop_lat)


def undefine_all(d, conn, n):
    t0 = time.monotonic()
    for i in range(n):
        try:
            conn.lookupByName(f"{PREFIX}{i:05d}").undefine()
        except libvirt.libvirtError:
            pass
    d.r["undefine"] = time.monotonic() - t0


def report(ds, n, clients):
    gv, lv = ds
    rows = [
        (f"define {n} (one client)", "define", "s", 1),
        ("restart until list-all sees all", "restart", "s", 1),
        (f"list-all ({n} domains)", "list", "ms", 1000),
        ("dumpxml (median)", "dumpxml", "ms", 1000),
        (f"{clients} starts at once (wall)", "start20", "s", 1),
        ("  slowest single start (any round)", "start_max", "s", 1),
        ("  median single start", "start_med", "s", 1),
        (f"{clients} destroys at once (wall)", "stop20", "s", 1),
        (f"undefine {n}", "undefine", "s", 1),
    ]
    print(f"{'':38} {'genvirtd':>10} {'libvirtd':>10} {'ratio':>7}")
    for label, key, unit, mul in rows:
        a, b = gv.r.get(key), lv.r.get(key)
        if a is None or b is None:
            continue
        print(f"{label:38} {a * mul:>8.2f}{unit:>2} {b * mul:>8.2f}{unit:>2} {b / a:>6.2f}x")
    print(f"{'RSS after restart':38} {gv.r['rss']:>7.1f}Mi {lv.r['rss']:>7.1f}Mi "
          f"{lv.r['rss'] / gv.r['rss']:>6.2f}x")
    print(f"{'open fds / threads after restart':38} {gv.r['fds']:>5}/{gv.r['threads']:<4} "
          f"{lv.r['fds']:>5}/{lv.r['threads']:<4}")


def main():
    libvirt.registerErrorHandler(lambda *_: None, None)  # errors are raised, not printed
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genvirtd-uri", required=True)
    ap.add_argument("--genvirtd-pid", type=int, required=True)
    ap.add_argument("--genvirtd-cmd", required=True, help="genvirtd's command line, to restart it")
    ap.add_argument("--root", required=True, help="genvirtd's --root")
    ap.add_argument("--libvirtd-uri", default="qemu:///system")
    ap.add_argument("--libvirtd-pid", type=int, required=True)
    ap.add_argument("--libvirtd-pidfile", default=None)
    ap.add_argument("--domains", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--list-samples", type=int, default=10)
    ap.add_argument("--dumpxml-samples", type=int, default=200)
    ap.add_argument("--accel", default=os.environ.get("GENVIRT_ACCEL", "tcg"),
                    choices=["tcg", "kvm", "auto"])
    args = ap.parse_args()
    _, virt = benchlib.resolve_accel(args.accel)
    gv = GenvirtDaemon(args.genvirtd_uri, args.genvirtd_pid, shlex.split(args.genvirtd_cmd),
                       args.root)
    lv = LibvirtDaemon(args.libvirtd_uri, args.libvirtd_pid, args.libvirtd_pidfile)
    ds = (gv, lv)
    conns = {}
    try:
        for d in ds:
            print(f"== {d.label}: defining {args.domains} domains", flush=True)
            define_all(d, args.domains)
            print(f"== {d.label}: restart, list-all, dumpxml", flush=True)
            conns[d.label] = restart(d, args.domains)
            list_and_dump(d, conns[d.label], args.domains, args.list_samples,
                          args.dumpxml_samples)
            print(f"== {d.label}: {args.clients} clients start and destroy at once "
                  f"({args.rounds} rounds, {virt})", flush=True)
            concurrent(d, args.clients, args.rounds, virt)
        for d in ds:
            print(f"== {d.label}: undefining", flush=True)
            undefine_all(d, conns[d.label], args.domains)
        print()
        print(f"Scale, {args.domains} domains; {args.clients} clients; host {os.cpu_count()} "
              f"CPUs; ratio = libvirtd / genvirtd")
        report(ds, args.domains, args.clients)
        return 0
    finally:
        for d in ds:
            try:
                conn = conns.get(d.label) or d.open()
                benchlib.cleanup_domains(conn, PREFIX, d.label)
            except Exception as e:  # noqa: BLE001
                print(f"{d.label}: cleanup: {e}", file=sys.stderr)
        if gv.proc is not None:
            gv.proc.send_signal(signal.SIGTERM)
            try:
                gv.proc.wait(30)
            except subprocess.TimeoutExpired:
                gv.proc.kill()


if __name__ == "__main__":
    sys.exit(main())
