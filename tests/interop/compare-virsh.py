#!/usr/bin/python3
"""One scripted virsh sequence run against libvirt's in-process test driver
(test:///default) and against genvirtd; the outputs whose format must match
(list tables, list --name, domstate, domid, domuuid, domname, define and
undefine messages, missing-domain errors) are compared.  TAP.

The test driver keeps its state only within one virsh invocation and starts
with a running domain 'test', so its sequence first destroys and undefines
it.  Sections are delimited with virsh's own `echo`.

Usage: compare-virsh.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402

TEST_URI = 'test:///default'

# several domains with names of different lengths; fixed UUIDs so that
# domuuid / domname / list --uuid can be compared too
DOMAINS = [
    ('a', '11111111-2222-4333-8444-000000000001', {}),
    ('mid-name', '11111111-2222-4333-8444-000000000002', {}),
    ('a-much-longer-domain-name-than-the-header', '11111111-2222-4333-8444-000000000003', {}),
    ('zz-legacy-genid', '11111111-2222-4333-8444-000000000004', {'legacy_genid': ''}),
    ('b9', '11111111-2222-4333-8444-000000000005', {}),
]

SECTIONS = [
    ('list-all-empty', 'list --all'),
    ('list-name-empty', 'list --all --name'),
    ('define', '; '.join('define %s.xml' % n for n, _, _ in DOMAINS)),
    ('list-all', 'list --all'),
    ('list-name', 'list --name'),
    ('list-all-name', 'list --all --name'),
    ('list-inactive', 'list --inactive'),
    ('list-inactive-name', 'list --inactive --name'),
    ('list-active', 'list'),
    ('list-all-uuid', 'list --all --uuid'),
    ('list-all-uuid-name', 'list --all --uuid --name'),
    ('domstate', 'domstate mid-name'),
    ('domstate-reason', 'domstate --reason mid-name'),
    ('domstate-by-uuid', 'domstate 11111111-2222-4333-8444-000000000003'),
    ('domid-inactive', 'domid a'),
    ('domuuid', 'domuuid b9'),
    ('domname', 'domname 11111111-2222-4333-8444-000000000002'),
    ('undefine', 'undefine mid-name'),
    ('list-after-undefine', 'list --all'),
    ('list-name-after-undefine', 'list --all --name'),
]

MISSING = [
    ('dominfo',), ('domstate',), ('domstate', '--reason'), ('domid',), ('domuuid',), ('dumpxml',),
    ('undefine',),
]


def script(prefix=''):
    parts = [prefix] if prefix else []
    for key, cmds in SECTIONS:
        parts.append('echo ==%s==; %s' % (key, cmds))
    parts.append('echo ==end==')
    return '; '.join(parts)


def split_sections(out):
    """{section: text} from the echo markers ('_prefix' = before the first)."""
    res = {}
    key = '_prefix'
    buf = []
    for line in out.split('\n'):
        if line.startswith('==') and line.endswith('==') and len(line) > 4:
            res[key] = '\n'.join(buf)
            key = line[2:-2]
            buf = []
        else:
            buf.append(line)
    res[key] = '\n'.join(buf)
    return res


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    dirs = {}
    for target, dtype in (('test', 'test'), ('genvirtd', 'kvm')):
        dirs[target] = h.mkdtemp(target)
        for name, uuid, kw in DOMAINS:
            gvtest.write_file(os.path.join(dirs[target], name + '.xml'),
                              gvtest.domain_xml(name, uuid=uuid, dtype=dtype, **kw))

    # (on an empty genvirtd) a missing domain inside a sequence: the error
    # goes to stderr, the sequence goes on
    rt = h.virsh(TEST_URI, 'destroy test; undefine test; echo ==x==; domstate nosuch; list --all')
    rg = h.virsh(d.uri, 'echo ==x==; domstate nosuch; list --all')
    a = split_sections(rt.out).get('x')
    b = split_sections(rg.out).get('x')
    same = a == b and rt.err == rg.err and rt.rc == rg.rc
    h.ok(same, 'same output for a failed lookup in the middle of a sequence',
         None if same else 'test:///default:\n%s\n---- genvirtd:\n%s' % (rt.describe(), rg.describe()))
    rt = h.virsh(TEST_URI, script('echo ==_reset==; destroy test; undefine test'),
                 cwd=dirs['test'])
    rg = h.virsh(d.uri, script(), cwd=dirs['genvirtd'])
    h.ok(rt.rc == 0 and rt.err == '', 'the sequence runs against test:///default', rt.describe())
    h.ok(rg.rc == 0 and rg.err == '', 'the sequence runs against genvirtd', rg.describe())
    st = split_sections(rt.out)
    sg = split_sections(rg.out)
    h.ok(st.get('_reset', '').startswith("Domain 'test' destroyed"),
         "the test driver's own domain 'test' was destroyed and undefined first",
         st.get('_reset'))
    for key, cmds in SECTIONS + [('end', '')]:
        a, b = st.get(key), sg.get(key)
        same = a is not None and a == b
        h.ok(same, 'same output for: %s' % (cmds or '(end)'),
             None if same else 'test:///default:\n%s\n---- genvirtd:\n%s'
             % ('\n'.join('| ' + l for l in (a or '<missing>').split('\n')),
                '\n'.join('| ' + l for l in (b or '<missing>').split('\n'))))
    # the comparison is only meaningful if the test driver printed a table
    h.ok(' Id   Name' in st.get('list-all', '') and 'a-much-longer-domain-name-than-the-header'
         in st.get('list-all', ''), 'the reference output has the table with the long name',
         st.get('list-all'))

    # missing domain: separate invocations, compare exit code, stdout, stderr
    for args in MISSING:
        cmd = ' '.join(args + ('nosuchdomain',))
        rt = h.virsh(TEST_URI, *args, 'nosuchdomain')
        rg = h.virsh(d.uri, *args, 'nosuchdomain')
        same = (rt.rc, rt.out, rt.err) == (rg.rc, rg.out, rg.err)
        h.ok(same and rt.rc == 1, 'same exit code, stdout and stderr for: %s' % cmd,
             None if same else 'test:///default:\n%s\n---- genvirtd:\n%s'
             % (rt.describe(), rg.describe()))
    # an unknown UUID
    u = '99999999-8888-4777-8666-555555555555'
    for args in (('domname', u), ('domstate', u)):
        rt = h.virsh(TEST_URI, *args)
        rg = h.virsh(d.uri, *args)
        same = (rt.rc, rt.out, rt.err) == (rg.rc, rg.out, rg.err)
        h.ok(same and rt.rc == 1, 'same exit code, stdout and stderr for: %s' % ' '.join(args),
             None if same else 'test:///default:\n%s\n---- genvirtd:\n%s'
             % (rt.describe(), rg.describe()))
    d.stop()


gvtest.Harness('compare-virsh').main(main)
