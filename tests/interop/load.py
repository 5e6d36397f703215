#!/usr/bin/python3
"""Load: 50 concurrent clients (threads, each with its own python3-libvirt
connection) x 200 calls each, a mix of lookupByName, XMLDesc, state, info,
listAllDomains, defineXML of the thread's own domain and undefine; every
answer is checked.  Bounded in time.  Then the daemon must stop cleanly
(with an ASan build, this is the leak check).  TAP.

Usage: load.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402

import libvirt  # noqa: E402

libvirt.registerErrorHandler(lambda ctx, err: None, None)

THREADS = 50
CALLS = 200
LOAD_DEADLINE = 150.0   # seconds for the whole load phase
SHARED = 5


def shared_guid(k):
    return '5a4b3c2d-1e0f-4a9b-8c7d-%012x' % (k + 1)


def shared_uuid(k):
    return '0d0e0a0d-0000-4000-8000-%012x' % (k + 1)


def own_uuid(i):
    return '0d0e0a0d-1111-4000-8000-%012x' % (i + 1)


def own_xml(i, mem_mib):
    return gvtest.domain_xml('load-t%02d' % i, uuid=own_uuid(i), genid='auto', memory_mib=mem_mib)


def worker(uri, i, stop_at, res):
    """200 checked calls; records (calls done, errors)."""
    errors = []
    calls = 0
    conn = None
    name = 'load-t%02d' % i
    own_defined = False
    own_guid = None
    last_mem = None
    try:
        conn = libvirt.open(uri)
        for j in range(CALLS):
            if time.monotonic() > stop_at:
                errors.append('deadline reached after %d calls' % calls)
                break
            k = (i + j) % SHARED
            sname = 'load-shared-%d' % k
            op = j % 10
            try:
                if op == 0:
                    dom = conn.lookupByName(sname)
                    if dom.UUIDString() != shared_uuid(k) or dom.ID() != -1:
                        errors.append('lookupByName(%s): %s %s' % (sname, dom.UUIDString(), dom.ID()))
                elif op == 1:
                    x = conn.lookupByName(sname).XMLDesc(0)
                    calls += 1
                    if ("<guid auto='yes'>%s</guid>" % shared_guid(k)) not in x or \
                            '<name>%s</name>' % sname not in x:
                        errors.append('XMLDesc(%s) wrong: %r' % (sname, x[:200]))
                elif op == 2:
                    st = conn.lookupByName(sname).state()
                    calls += 1
                    if st != [libvirt.VIR_DOMAIN_SHUTOFF, 0]:
                        errors.append('state(%s) = %r' % (sname, st))
                elif op == 3:
                    doms = conn.listAllDomains(0)
                    names = set(x.name() for x in doms)
                    want = set('load-shared-%d' % n for n in range(SHARED))
                    if not want <= names or any(x.ID() != -1 for x in doms):
                        errors.append('listAllDomains: %r' % sorted(names))
                    if own_defined != (name in names):
                        errors.append('listAllDomains: own domain presence %s, expected %s'
                                      % (name in names, own_defined))
                elif op in (4, 7):
                    mem = 64 + (j % 13) * 16
                    dom = conn.defineXML(own_xml(i, mem))
                    if dom.name() != name or dom.UUIDString() != own_uuid(i):
                        errors.append('defineXML returned %s %s' % (dom.name(), dom.UUIDString()))
                    own_defined = True
                    last_mem = mem
                elif op in (5, 8):
                    if own_defined:
                        x = conn.lookupByName(name).XMLDesc(0)
                        calls += 1
                        g = gvtest.guid_of(x)
                        if "<memory unit='KiB'>%d</memory>" % (last_mem * 1024) not in x:
                            errors.append('own XMLDesc: memory is not the last defined %d MiB' % last_mem)
                        if g is None or (own_guid is not None and g != own_guid):
                            errors.append('own GUID changed across redefine: %s -> %s' % (own_guid, g))
                        own_guid = g
                    else:
                        try:
                            conn.lookupByName(name)
                            errors.append('own domain found while undefined')
                        except libvirt.libvirtError as e:
                            if e.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                                errors.append('own lookup: %s' % e)
                elif op == 6:
                    info = conn.lookupByName(sname).info()
                    calls += 1
                    if info != [libvirt.VIR_DOMAIN_SHUTOFF, 131072, 131072, 1, 0]:
                        errors.append('info(%s) = %r' % (sname, info))
                elif op == 9:
                    if own_defined:
                        conn.lookupByName(name).undefine()
                        calls += 1
                        own_defined = False
                        own_guid = None
                    try:
                        conn.lookupByName(name)
                        errors.append('own domain still found after undefine')
                    except libvirt.libvirtError as e:
                        if e.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN or e.get_error_domain() != 10:
                            errors.append('lookup after undefine: %s/%s %s' % (
                                e.get_error_code(), e.get_error_domain(), e))
                calls += 1
            except libvirt.libvirtError as e:
                calls += 1
                errors.append('op %d call %d: libvirtError %s/%s %s' % (op, j, e.get_error_code(),
                                                                         e.get_error_domain(), e))
        # leave nothing behind
        if own_defined:
            conn.lookupByName(name).undefine()
    except Exception as e:  # noqa: BLE001
        errors.append('thread %d: %r' % (i, e))
    finally:
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
    res[i] = (calls, errors)


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    setup = libvirt.open(d.uri)
    for k in range(SHARED):
        setup.defineXML(gvtest.domain_xml('load-shared-%d' % k, uuid=shared_uuid(k),
                                          genid='auto:' + shared_guid(k)))
    h.eq(len(setup.listAllDomains(0)), SHARED, '%d shared domains defined' % SHARED)
    setup.close()

    res = {}
    t0 = time.monotonic()
    stop_at = t0 + LOAD_DEADLINE
    threads = [threading.Thread(target=worker, args=(d.uri, i, stop_at, res), daemon=True)
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.1, stop_at + 10 - time.monotonic()))
    elapsed = time.monotonic() - t0
    hung = [i for i, t in enumerate(threads) if t.is_alive()]
    h.ok(not hung, '%d client threads finished within %.0f s (took %.1f s)'
         % (THREADS, LOAD_DEADLINE + 10, elapsed), 'still running: %r' % hung)
    if hung:
        # a hung client means the daemon stopped answering: nothing more to learn
        h._bail('client threads hung: %r' % hung)
    total = sum(c for c, _ in res.values())
    errs = [(i, e) for i, (_, es) in sorted(res.items()) for e in es]
    h.eq(len(res), THREADS, 'every thread reported')
    h.ok(all(c >= CALLS for c, _ in res.values()), 'every thread made at least %d calls (%d in all)'
         % (CALLS, total), repr({i: c for i, (c, _) in res.items() if c < CALLS}))
    h.ok(not errs, 'every call was answered correctly (%d errors)' % len(errs),
         '\n'.join('thread %d: %s' % x for x in errs[:30]))
    h.diag('%d calls in %.1f s: %.0f calls/s' % (total, elapsed, total / elapsed if elapsed else 0))

    # the daemon is consistent afterwards
    r = h.virsh(d.uri, 'list', '--all', '--name')
    h.ok(r.rc == 0 and r.out == ''.join('load-shared-%d\n' % k for k in range(SHARED)) + '\n',
         'afterwards virsh lists exactly the shared domains', r.describe())
    h.eq(gvtest.config_files(d.domdir), ['load-shared-%d.xml' % k for k in range(SHARED)],
         'the config directory holds exactly the shared domains')
    h.eq(gvtest.stray_files(d.domdir), [], 'no non-empty temporary file in the config directory')
    for k in range(SHARED):
        x = gvtest.read_text(d.config_path('load-shared-%d' % k))
        if shared_guid(k) not in x:
            h.ok(False, 'load-shared-%d config still holds its GUID' % k, x)
    h.ok(d.alive(), 'the daemon is still running')
    d.stop()


gvtest.Harness('load', deadline=280).main(main)
