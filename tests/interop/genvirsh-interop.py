#!/usr/bin/python3
"""genvirt's own genvirsh against genvirtd, compared byte for byte (exit
code, stdout, stderr) with the stock virsh running the same command against
the same daemon.  Any difference is a genvirsh bug.  TAP.

Usage: genvirsh-interop.py GENVIRTD GENVIRSH SRCDIR
"""

import difflib
import os
import re
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402

GUID = '2c4e6a80-1b3d-4f5a-8c7e-9d0b1a2c3e41'


def show(r):
    return r.describe()


def compare(h, d, args, sock='rw', ro=False, cwd=None):
    """Run `virsh ARGS` and `genvirsh ARGS` against the same socket; the
    (exit code, stdout, stderr) triples must be identical."""
    vuri, guri = (d.uri, d.gv_uri) if sock == 'rw' else (d.uri_ro, d.gv_uri_ro)
    rv = h.virsh(vuri, *args, ro=ro, cwd=cwd)
    rg = h.genvirsh(guri, *args, ro=ro, cwd=cwd)
    same = (rv.rc, rv.out, rv.err) == (rg.rc, rg.out, rg.err) and not rv.timed_out
    diag = None
    if not same:
        parts = []
        for what, a, b in (('exit', str(rv.rc), str(rg.rc)), ('stdout', rv.out, rg.out),
                           ('stderr', rv.err, rg.err)):
            if a != b:
                parts.append('%s differs:' % what)
                parts += list(difflib.unified_diff(a.splitlines(True), b.splitlines(True),
                                                   'virsh', 'genvirsh', n=2))
        diag = '\n'.join(p.rstrip('\n') for p in parts) + '\n---- virsh:\n' + show(rv) + \
            '\n---- genvirsh:\n' + show(rg)
    h.ok(same, 'genvirsh %s%s%s == virsh' % ('-r ' if ro else '', ' '.join(args),
                                            ' (read-only socket)' if sock == 'ro' else ''), diag)
    return rv, rg


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    tmp = h.mkdtemp('xml')

    # ---- empty daemon -----------------------------------------------------
    for args in (('list',), ('list', '--all'), ('list', '--name'), ('list', '--all', '--name'),
                 ('list', '--uuid'), ('list', '--all', '--uuid')):
        compare(h, d, args)

    # ---- define / undefine messages -------------------------------------
    examples = [(p, n) for p, n in h.examples()]
    first = examples[:6]
    for path, name in first:
        rel = os.path.relpath(path, h.srcdir)
        rv = h.virsh(d.uri, 'define', rel, cwd=h.srcdir)
        ru = h.virsh(d.uri, 'undefine', name)
        rg = h.genvirsh(d.gv_uri, 'define', rel, cwd=h.srcdir)
        h.ok((rv.rc, rv.out, rv.err) == (rg.rc, rg.out, rg.err),
             'genvirsh define %s == virsh' % rel, '---- virsh:\n%s\n---- genvirsh:\n%s'
             % (show(rv), show(rg)))
        rgu = h.genvirsh(d.gv_uri, 'undefine', name)
        h.ok((ru.rc, ru.out, ru.err) == (rgu.rc, rgu.out, rgu.err),
             'genvirsh undefine %s == virsh' % name, '---- virsh:\n%s\n---- genvirsh:\n%s'
             % (show(ru), show(rgu)))
    # define everything with genvirsh; virsh must see it
    for path, name in examples:
        r = h.genvirsh(d.gv_uri, 'define', path)
        if r.rc != 0:
            h.ok(False, 'genvirsh define %s' % path, show(r))
    names = sorted(n for _, n in examples)
    h.eq(d.list_names(), names, 'virsh lists every domain defined by genvirsh')
    gpath = gvtest.write_file(os.path.join(tmp, 'gs-guid.xml'),
                              gvtest.domain_xml('gs-guid', genid='auto:' + GUID))
    gnew = gvtest.write_file(os.path.join(tmp, 'gs-new.xml'), gvtest.domain_xml('gs-new', genid='auto'))
    r = h.genvirsh(d.gv_uri, 'define', gpath)
    h.ok(r.rc == 0, 'genvirsh define of a domain with a GUID', show(r))

    # ---- list variants ---------------------------------------------------
    for args in (('list',), ('list', '--all'), ('list', '--name'), ('list', '--all', '--name'),
                 ('list', '--uuid'), ('list', '--all', '--uuid'), ('list', '--all', '--name', '--uuid')):
        compare(h, d, args)
        compare(h, d, args, sock='ro')
    compare(h, d, ('list', '--all'), ro=True)

    # ---- per-domain queries ----------------------------------------------
    uuid_of = {}
    for path, name in examples + [(gpath, 'gs-guid')]:
        rv, rg = compare(h, d, ('dumpxml', name))
        m = re.search(r'<uuid>([^<]+)</uuid>', rv.out)
        uuid_of[name] = m.group(1) if m else None
        compare(h, d, ('dominfo', name))
    detail = ['genid-auto', 'genid-fixed', 'genid-legacy', 'demo', 'gs-guid', 'minimal']
    for name in detail:
        uuid = uuid_of.get(name) or 'x'
        for args in (('domstate', name), ('domstate', '--reason', name), ('domid', name),
                     ('domuuid', name), ('domname', uuid), ('domstate', uuid), ('dominfo', uuid),
                     ('dumpxml', uuid), ('dumpxml', '--inactive', name),
                     ('dumpxml', '--security-info', name), ('dumpxml', '--migratable', name),
                     ('dumpxml', '--inactive', '--security-info', name)):
            compare(h, d, args)
        for args in (('dumpxml', name), ('dominfo', name), ('domstate', name), ('domuuid', name)):
            compare(h, d, args, sock='ro')
            compare(h, d, args, ro=True)
    rv, rg = compare(h, d, ('dumpxml', 'gs-guid'))
    h.ok(GUID in rg.out, 'genvirsh dumpxml on read-write shows the GUID', show(rg))
    rg = h.genvirsh(d.gv_uri_ro, 'dumpxml', 'gs-guid')
    h.ok(rg.rc == 0 and GUID not in rg.out and "<guid auto='yes'/>" in rg.out,
         'genvirsh dumpxml on the read-only socket hides the GUID', show(rg))
    rg = h.genvirsh(d.gv_uri, 'dumpxml', 'gs-guid', ro=True)
    h.ok(rg.rc == 0 and GUID not in rg.out and "<guid auto='yes'/>" in rg.out,
         'genvirsh -r dumpxml hides the GUID', show(rg))

    # ---- missing domain ----------------------------------------------------
    for args in (('dominfo',), ('domstate',), ('domstate', '--reason'), ('domid',), ('domuuid',),
                 ('dumpxml',), ('dumpxml', '--inactive'), ('undefine',)):
        rv, rg = compare(h, d, args + ('nosuchdomain',))
        h.ok(rg.rc == 1 and rg.err == "error: failed to get domain 'nosuchdomain'\n",
             'genvirsh %s nosuchdomain: exit 1, failed to get domain' % ' '.join(args), show(rg))
    compare(h, d, ('domname', '00000000-1111-4222-8333-444444444444'))
    compare(h, d, ('domstate', '00000000-1111-4222-8333-444444444444'))
    compare(h, d, ('dominfo', 'nosuchdomain'), sock='ro')

    # ---- read-only refusals ----------------------------------------------
    before = gvtest.snapshot_dir(d.domdir)
    for sock, ro in (('rw', True), ('ro', False)):
        compare(h, d, ('define', gnew), sock=sock, ro=ro)
        compare(h, d, ('undefine', 'genid-fixed'), sock=sock, ro=ro)
        compare(h, d, ('dumpxml', '--security-info', 'gs-guid'), sock=sock, ro=ro)
        compare(h, d, ('dumpxml', '--migratable', 'gs-guid'), sock=sock, ro=ro)
    h.eq(gvtest.diff_snapshots(before, gvtest.snapshot_dir(d.domdir)), '',
         'the refused writes changed no config file')

    # ---- bad input and usage errors ------------------------------------
    bad = gvtest.write_file(os.path.join(tmp, 'malformed.xml'), "<domain type='kvm'><name>x</name>")
    compare(h, d, ('define', bad))
    compare(h, d, ('define', os.path.join(tmp, 'no-such-file.xml')))
    compare(h, d, ('dominfo',))
    compare(h, d, ('undefine',))
    compare(h, d, ('nosuchcommand',))
    compare(h, d, ('dumpxml', '--nosuchoption', 'genid-auto'))
    compare(h, d, ('hostname',))
    compare(h, d, ('hostname',), sock='ro')

    # ---- uri and version -------------------------------------------------
    rg = h.genvirsh(d.gv_uri, 'uri')
    h.ok(rg.rc == 0 and rg.out == d.gv_uri + '\n\n' and rg.err == '',
         'genvirsh uri prints the URI like virsh (URI, blank line)', show(rg))
    rv = h.virsh(d.uri, 'uri')
    h.ok(rv.out == d.uri + '\n\n', '(virsh uri prints the URI and a blank line)', show(rv))
    for args in (('version',), ('version', '--daemon')):
        rv = h.virsh(d.uri, *args)
        rg = h.genvirsh(d.gv_uri, *args)
        keys_v = [l.split(':')[0] for l in rv.out.split('\n')]
        keys_g = [l.split(':')[0] for l in rg.out.split('\n')]
        hv_v = [l for l in rv.out.split('\n') if l.startswith('Running')]
        hv_g = [l for l in rg.out.split('\n') if l.startswith('Running')]
        h.ok(rg.rc == rv.rc == 0 and keys_v == keys_g and hv_v == hv_g and rg.err == rv.err,
             'genvirsh %s: the same lines as virsh (library names aside), same "Running ..." lines'
             % ' '.join(args), '---- virsh:\n%s\n---- genvirsh:\n%s' % (show(rv), show(rg)))

    # ---- undefine the rest with genvirsh, compare with virsh ------------
    for name in ['genid-auto', 'gs-guid']:
        rg = h.genvirsh(d.gv_uri, 'undefine', name)
        h.ok(rg.rc == 0 and rg.out == "Domain '%s' has been undefined\n\n" % name and rg.err == '',
             'genvirsh undefine %s: the virsh message' % name, show(rg))
    uuid = uuid_of.get('genid-fixed')
    rg = h.genvirsh(d.gv_uri, 'undefine', uuid)
    h.ok(rg.rc == 0 and rg.out == "Domain '%s' has been undefined\n\n" % uuid,
         'genvirsh undefine by UUID: the virsh message', show(rg))
    compare(h, d, ('list', '--all'))
    d.stop()


gvtest.Harness('genvirsh-interop').main(main)
