#!/usr/bin/python3
"""A hung QEMU (SIGSTOP on its pid), against a real genvirtd and real QEMU
(issue 13, Faults: hung QEMU), with qemu_monitor_timeout = 2 in
genvirtd.conf.

- a call that needs the hung domain's monitor (suspend) fails with a clear
  timeout error naming the QMP command, within the configured time (plus a
  margin for a loaded machine); calls that came meanwhile or after
  (resume, qemu-monitor-command) fail too, at once once QEMU
  has been found hung, with the same words;
- calls that need no monitor (dumpxml, dominfo) answer as usual;
- while the hung domain's job waits, list-all from another client and
  calls on another running domain (domgenid, suspend, resume) are served;
  their latency is printed next to the idle figure (diagnostic, as bench/
  does; never asserted);
- destroy works while another call waits on the hung monitor (QEMU is
  killed first, the domain is shut off (destroyed), the waiting call gets
  an error), and on a stopped QEMU no call is waiting for;
- after SIGCONT a QEMU that answers again is served as before;
- no QEMU is left, the daemon stops cleanly.
"""

import os
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

TIMEOUT = 2          # qemu_monitor_timeout, seconds
MARGIN = 5.0         # a loaded CI machine


class Prober:
    """Calls @fn every 10 ms on a thread; latency samples and errors."""

    def __init__(self, fn):
        self.fn = fn
        self.samples, self.errors = [], []
        self.stop = threading.Event()
        self.t = threading.Thread(target=self._loop, daemon=True)
        self.t.start()

    def _loop(self):
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                self.fn()
                self.samples.append(time.monotonic() - t0)
            except Exception as e:  # noqa: BLE001
                self.errors.append(str(e))
            time.sleep(0.01)

    def finish(self):
        self.stop.set()
        self.t.join(30)
        s = sorted(self.samples)
        return s, self.errors


def median(s):
    return s[len(s) // 2] if s else float('nan')


def describe(s):
    if not s:
        return 'no samples'
    return 'median %.2f ms, p99 %.2f ms, max %.2f ms (%d calls)' % (
        median(s) * 1e3, s[int(len(s) * 0.99)] * 1e3, s[-1] * 1e3, len(s))


def timed(fn):
    """(error text or None, seconds)"""
    t0 = time.monotonic()
    try:
        fn()
        return None, time.monotonic() - t0
    except Exception as e:  # noqa: BLE001
        return str(e), time.monotonic() - t0


def main(h):
    import libvirt
    import libvirt_qemu
    libvirt.registerErrorHandler(lambda c, e: None, None)
    root = h.mkdtemp('root')
    os.makedirs(os.path.join(root, 'etc', 'genvirt'), mode=0o700)
    gi.write_file(os.path.join(root, 'etc', 'genvirt', 'genvirtd.conf'),
                  'qemu_monitor_timeout = %d\n' % TIMEOUT)
    d = gi.Daemon(h, root=root)
    if not d.start():
        return
    for n in ('hung', 'other'):
        p, _ = h.write_domain(n, memory_mib=64)
        if not (h.cmd_ok(d.virsh('define', p), 'define %s' % n) and
                h.cmd_ok(d.virsh('start', n), 'start %s' % n)):
            return
    conn = libvirt.open(d.uri)
    lister = libvirt.open(d.uri)
    oconn = libvirt.open(d.uri)
    other = oconn.lookupByName('other')
    hung = conn.lookupByName('hung')

    pr = Prober(lambda: lister.listAllDomains(0))
    time.sleep(1.0)
    idle, errs = pr.finish()
    h.diag('list-all while idle: %s' % describe(idle))
    po = Prober(lambda: (other.suspend(), other.resume()))
    time.sleep(1.0)
    idle_other, errs_o = po.finish()
    h.diag('suspend+resume of another domain while idle: %s' % describe(idle_other))
    h.ok(not errs and not errs_o, 'idle calls succeed', repr((errs[:2], errs_o[:2])))

    qpid = d.qemu_pid('hung')
    os.kill(qpid, signal.SIGSTOP)
    h.at_cleanup(lambda: os.kill(qpid, signal.SIGCONT) if gi.pid_alive(qpid) else None,
                 'SIGCONT')
    pr = Prober(lambda: lister.listAllDomains(0))
    po = Prober(lambda: (other.suspend(), other.resume()))
    results = {}

    def call(name, fn):
        c = libvirt.open(d.uri)
        dom = c.lookupByName('hung')
        results[name] = timed(lambda: fn(c, dom))
        c.close()

    calls = {
        'suspend': lambda c, dom: dom.suspend(),
        'resume': lambda c, dom: dom.resume(),
        'qemu-monitor-command': lambda c, dom: libvirt_qemu.qemuMonitorCommand(
            dom, '{"execute":"query-status"}', 0),
    }
    t_suspend = threading.Thread(target=call, args=('suspend', calls['suspend']), daemon=True)
    t_suspend.start()
    time.sleep(0.2)
    others = [threading.Thread(target=call, args=(k, v), daemon=True)
              for k, v in calls.items() if k != 'suspend']
    for t in others:
        t.start()
    err, el = timed(lambda: hung.XMLDesc(0))
    h.ok(err is None and el < MARGIN, 'dumpxml of the hung domain answers (%.0f ms)' % (el * 1e3),
         err)
    err, el = timed(lambda: hung.info())
    h.ok(err is None, 'dominfo of the hung domain answers (%.0f ms)' % (el * 1e3), err)
    for t in [t_suspend] + others:
        t.join(TIMEOUT * 3 + 30)
    hung_lists, lerrs = pr.finish()
    hung_other, oerrs = po.finish()
    err, el = results.get('suspend', ('no result', 0))
    h.ok(err and "did not answer 'stop' within %d ms" % (TIMEOUT * 1000) in err and
         'stopped or hung' in err and el < TIMEOUT + MARGIN,
         'suspend of the hung domain: a timeout error naming the command, in %.2f s '
         '(qemu_monitor_timeout %d s)' % (el, TIMEOUT), repr(results.get('suspend')))
    h.diag('suspend: %s' % err)
    for k in calls:
        if k == 'suspend':
            continue
        err, el = results.get(k, ('no result', 0))
        h.ok(err and 'stopped or hung' in err and el < 2 * TIMEOUT + MARGIN,
             '%s of the hung domain, sent while suspend waited: a timeout error in %.2f s'
             % (k, el), repr(results.get(k)))
    err, el = timed(lambda: hung.resume())
    h.ok(err and 'stopped or hung' in err and el < 1.0,
         'a call after QEMU was found hung fails at once (%.0f ms): %s' % (el * 1e3, err))
    h.ok(hung_lists and not lerrs, 'list-all from another client is served while the hung '
         'domain\'s calls wait', repr(lerrs[:2]))
    h.diag('list-all while the hung domain\'s job waits: %s; extra median %.2f ms'
           % (describe(hung_lists), (median(hung_lists) - median(idle)) * 1e3))
    h.ok(hung_other and not oerrs, 'suspend and resume of another domain are served meanwhile',
         repr(oerrs[:2]))
    h.diag('suspend+resume of another domain while the hung domain\'s job waits: %s; extra '
           'median %.2f ms' % (describe(hung_other), (median(hung_other) - median(idle_other)) * 1e3))

    # SIGCONT: QEMU answers again, and is served again
    os.kill(qpid, signal.SIGCONT)
    ok, el = gi.wait_until(lambda: d.qmp_status('hung') in ('running', 'paused'), 10)
    h.ok(ok, 'after SIGCONT the domain\'s monitor answers again (%.2f s)' % el,
         d.domstate('hung'))

    # destroy while a call waits on the hung monitor
    os.kill(qpid, signal.SIGSTOP)
    results.clear()
    t = threading.Thread(target=call, args=('suspend', calls['suspend']), daemon=True)
    t.start()
    time.sleep(0.3)
    err, el = timed(lambda: hung.destroy())
    h.ok(err is None, 'destroy while suspend waits on the hung monitor succeeds (%.2f s)' % el, err)
    t.join(TIMEOUT * 3 + 30)
    h.ok(results.get('suspend', (None,))[0], 'the waiting suspend gets an error: %r'
         % (results.get('suspend'),))
    h.eq(d.domstate('hung'), 'shut off (destroyed)', 'the hung domain is shut off (destroyed)')
    h.ok(gi.wait_pid_gone(qpid, 10), 'its QEMU is gone')

    # destroy of a stopped QEMU no call waits for
    h.cmd_ok(d.virsh('start', 'hung'), 'start hung again')
    qpid = d.qemu_pid('hung')
    os.kill(qpid, signal.SIGSTOP)
    err, el = timed(lambda: hung.destroy())
    h.ok(err is None, 'destroy of a stopped QEMU succeeds (%.2f s)' % el, err)
    h.diag('destroy of a stopped QEMU: %.2f s' % el)
    h.eq(d.domstate('hung'), 'shut off (destroyed)', 'it is shut off (destroyed)')
    h.ok(gi.wait_pid_gone(qpid, 10), 'its QEMU is gone')
    err, _ = timed(lambda: (other.suspend(), other.resume()))
    h.ok(err is None, 'the other domain is still served', err)
    h.cmd_ok(d.virsh('destroy', 'other'), 'destroy other')
    for c in (conn, lister, oconn):
        c.close()
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('hung', deadline=150).main(main)
