#!/usr/bin/python3
"""Durability: a define storm (several python3-libvirt threads defining,
redefining and undefining domains with large configs), kill -9 of genvirtd
in the middle, restart on the same root.  Then: the daemon starts; every
*.xml left in etc/genvirt/domains parses (genvirsh domxml-validate); no
*.rejected file; no temporary file after the restart; the domains listed
match the files one to one; every acknowledged write survived (an
acknowledged define is on disk with its content and GUID, an acknowledged
undefine stays undefined; only the call in flight at the kill may go
either way).  The kill is repeated at 3 different moments; at least one
restart must have replayed writes from the config journal, and a clean
stop leaves the journal files blank.  TAP.

Usage: durability.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import re
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402

import libvirt  # noqa: E402

libvirt.registerErrorHandler(lambda ctx, err: None, None)

THREADS = 6
DOMS_PER_THREAD = 4
KILL_AFTER = (0.15, 0.6, 1.5)   # seconds into the storm


def dom_name(t, k):
    return 'dur-t%d-d%d' % (t, k)


def dom_uuid(t, k):
    return '0dd00000-0000-4000-8000-%06x%06x' % (t + 1, k + 1)


def dom_xml(t, k, seq, with_value):
    # a large description makes each write take longer: more chances that
    # the kill lands in the middle of one
    desc = ('storm %d ' % seq) + ('x' * 60 + '\n') * (200 + 100 * k)
    xml = gvtest.domain_xml(dom_name(t, k), uuid=dom_uuid(t, k),
                            genid=('auto:%s' % gvtest_guid(t, k, seq)) if with_value else 'auto',
                            memory_mib=64 + (seq % 50))
    return xml.replace('  <memory', '  <description>%s</description>\n  <memory' % desc, 1)


def gvtest_guid(t, k, seq):
    return '%08x-%04x-4%03x-8%03x-%012x' % (seq, t, k, seq % 4096, 0xd0 + t)


class Storm:
    """Threads that define / redefine / undefine their own domains and
    record what the daemon acknowledged."""

    def __init__(self, uri):
        self.uri = uri
        self.stop = threading.Event()
        self.lock = threading.Lock()
        # name -> ('defined', memory_kib, guid) | ('undefined',)
        self.acked = {}
        # name -> the op in flight when a call failed (it may or may not be applied)
        self.inflight = {}
        self.acks = 0
        self.errors = []
        self.threads = [threading.Thread(target=self.run, args=(t,), daemon=True)
                        for t in range(THREADS)]

    def start(self):
        for t in self.threads:
            t.start()

    def join(self, timeout):
        end = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.05, end - time.monotonic()))
        return [t for t in self.threads if t.is_alive()]

    def run(self, t):
        try:
            conn = libvirt.open(self.uri)
        except libvirt.libvirtError as e:
            with self.lock:
                self.errors.append('thread %d: open: %s' % (t, e))
            return
        seq = 0
        try:
            while not self.stop.is_set():
                seq += 1
                k = seq % DOMS_PER_THREAD
                name = dom_name(t, k)
                if seq % 7 == 0:
                    op = ('undefined',)
                    with self.lock:
                        self.inflight[name] = op
                    try:
                        conn.lookupByName(name).undefine()
                    except libvirt.libvirtError as e:
                        if e.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                            raise
                    with self.lock:
                        self.acked[name] = op
                        self.inflight.pop(name, None)
                        self.acks += 1
                    continue
                with_value = seq % 3 == 0
                xml = dom_xml(t, k, seq, with_value)
                mem = (64 + (seq % 50)) * 1024
                with self.lock:
                    self.inflight[name] = ('defined', mem, None)
                conn.defineXML(xml)
                # read the GUID back: for a define without value it is the
                # generated (or the kept) one
                got = conn.lookupByName(name).XMLDesc(0)
                g = gvtest.guid_of(got)
                with self.lock:
                    self.acked[name] = ('defined', mem, g)
                    self.inflight.pop(name, None)
                    self.acks += 1
        except libvirt.libvirtError:
            pass   # the daemon was killed: the call in flight stays in self.inflight
        except Exception as e:  # noqa: BLE001
            with self.lock:
                self.errors.append('thread %d: %r' % (t, e))
        finally:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass


def is_temp(fname):
    return not (fname.endswith('.xml') and not fname.startswith('.'))


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    replays = []   # writes replayed from the journal at each restart
    for rnd, delay in enumerate(KILL_AFTER, 1):
        storm = Storm(d.uri)
        storm.start()
        time.sleep(delay)
        acks_at_kill = storm.acks
        d.kill9()
        d.check_sanitizers('round %d, up to the kill -9' % rnd)
        storm.stop.set()
        hung = storm.join(15)
        h.ok(not hung, 'round %d: the storm threads end once the daemon is killed' % rnd,
             '%d threads still running' % len(hung))
        if hung:
            h._bail('storm threads hung')
        h.ok(acks_at_kill > 0, 'round %d: kill -9 after %.2f s of storm, %d writes acknowledged'
             % (rnd, delay, acks_at_kill))
        h.ok(not storm.errors, 'round %d: no unexpected client error before the kill' % rnd,
             '\n'.join(storm.errors[:20]))
        files = sorted(os.listdir(d.domdir))
        temps = [f for f in files if is_temp(f)]
        h.diag('round %d: %d files after the kill, %d temporary: %s'
               % (rnd, len(files), len(temps), ' '.join(temps)))

        # every config left on disk parses
        bad = []
        for f in files:
            if f.endswith('.xml') and not f.startswith('.'):
                r = h.genvirsh(None, 'domxml-validate', os.path.join(d.domdir, f))
                if r.rc != 0:
                    bad.append('%s: %s' % (f, r.err.strip()))
        h.ok(not bad, 'round %d: every *.xml file on disk passes genvirsh domxml-validate (%d files)'
             % (rnd, len([f for f in files if f.endswith('.xml')])), '\n'.join(bad))

        if not d.start():
            return
        m = re.search(r'replayed (\d+) write\(s\)', d.log_text())
        replays.append(int(m.group(1)) if m else 0)
        files = sorted(os.listdir(d.domdir))
        rejected = [f for f in files if '.rejected' in f]
        h.ok(not rejected, 'round %d: no *.rejected file after the restart' % rnd, ' '.join(rejected))
        temps = [f for f in files if is_temp(f) and '.rejected' not in f]
        h.ok(not temps, 'round %d: no temporary file remains after the restart' % rnd, ' '.join(temps))
        stems = sorted(f[:-4] for f in files if f.endswith('.xml') and not f.startswith('.'))
        listed = d.list_names()
        h.eq(listed, stems, 'round %d: the domains listed are exactly the *.xml files' % rnd)
        # each listed domain matches its file (name and UUID)
        mism = []
        for n in listed or []:
            x = h.virsh(d.uri, 'dumpxml', n).out
            cfg = gvtest.read_text(d.config_path(n))
            u1 = re.search(r'<uuid>([^<]+)</uuid>', x)
            u2 = re.search(r'<uuid>([^<]+)</uuid>', cfg)
            if not (u1 and u2 and u1.group(1) == u2.group(1) and gvtest.domain_name(cfg) == n):
                mism.append(n)
        h.ok(not mism, 'round %d: every listed domain matches its config file (name, UUID)' % rnd,
             ' '.join(mism))

        # every acknowledged write survived
        lost = []
        with storm.lock:
            acked = dict(storm.acked)
            inflight = dict(storm.inflight)
        conn = libvirt.open(d.uri)
        for name, state in sorted(acked.items()):
            allowed = [state] + ([inflight[name]] if name in inflight else [])
            try:
                x = conn.lookupByName(name).XMLDesc(0)
                m = re.search(r"<memory unit='KiB'>(\d+)</memory>", x)
                now = ('defined', int(m.group(1)) if m else None, gvtest.guid_of(x))
            except libvirt.libvirtError:
                now = ('undefined',)
            ok = False
            for a in allowed:
                if a[0] != now[0]:
                    continue
                if a[0] == 'undefined':
                    ok = True
                elif a[1] == now[1] and (a[2] is None or a[2] == now[2] or
                                         # an in-flight redefine without a value keeps the
                                         # acknowledged GUID; with a value, it replaces it
                                         (name in inflight and state[0] == 'defined')):
                    ok = True
            if not ok:
                lost.append('%s: acknowledged %r, in flight %r, now %r'
                            % (name, state, inflight.get(name), now))
        conn.close()
        h.ok(not lost, 'round %d: every acknowledged define/undefine survived the kill (%d domains)'
             % (rnd, len(acked)), '\n'.join(lost))
    # the writes acknowledged just before a kill were still in the journal:
    # the restart replayed them (each round's count is in the diagnostics)
    h.diag('writes replayed from the journal at the restarts: %s' % replays)
    h.ok(any(replays), 'at least one restart replayed writes from the journal (%s)' % replays)
    d.stop()
    h.eq(gvtest.stray_files(d.domdir), [], 'after the final clean stop: no non-empty temporary file')
    # a clean stop leaves the journal wiped: no config (and no GUID) in it
    for i in (0, 1):
        jp = os.path.join(d.root, 'var', 'lib', 'genvirt', 'domains.journal.%d' % i)
        data = gvtest.read_bytes(jp) if os.path.exists(jp) else None
        h.ok(data is not None and not data.strip(b'\0'),
             'after the final clean stop: %s exists and holds only zero bytes'
             % os.path.relpath(jp, d.root))


gvtest.Harness('durability').main(main)
