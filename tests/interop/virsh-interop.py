#!/usr/bin/python3
"""The stock virsh (libvirt-clients 9.0) against genvirtd: define every valid
example and every genid form, list, dumpxml (GUID only on read-write),
dominfo, domstate, domid, domuuid, domname, undefine, missing-domain errors,
read-only refusals, GUID persistence across redefine and daemon restart,
file modes, no GUID in the log.  TAP.

Usage: virsh-interop.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import re
import stat
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402
from gvtest import UUID4_RE, UUID_RE, read_text  # noqa: E402

V1 = '0b0d3f4a-51c2-4e7b-9a3d-6f1e2c3b4a01'   # auto='yes' with a value
V2 = '7c1e9d2a-3b4f-4a6e-8d5c-2e1f0a9b8c02'   # auto='no'
V3 = 'a1b2c3d4-e5f6-4789-8abc-def012345603'   # legacy <genid>V3</genid>
V4 = 'f0e1d2c3-b4a5-4697-8877-665544332204'   # redefine with a new value
V5_IN = '5D6E7F80-91A2-4B3C-8D4E-5F60718293A5'  # upper case input
V5 = V5_IN.lower()

MISSING = "error: failed to get domain 'nosuchdomain'\n"


def strip_values(xml):
    """The read-only form (DESIGN 2.5): every <guid auto='X'>VALUE</guid>
    reads <guid auto='yes'/>, revealing nothing, not even auto='no'; a
    graphics passwd='...' is left out (a secret too, as in libvirt)."""
    xml = re.sub(r"<guid auto='(yes|no)'>[^<]*</guid>", "<guid auto='yes'/>", xml)
    return re.sub(r"(<graphics [^>]*?) passwd='[^']*'", r'\1', xml)


def expected_xml(h, path):
    """What dumpxml on a read-write connection must print for an example
    file: the xml2xml expected output (the inactive one when the input has a
    live id), or genvirsh domxml-format --inactive for examples/."""
    d, base = os.path.split(path)
    base = base[:-4]
    if d.endswith(os.path.join('tests', 'xml2xml')):
        text = read_text(path)
        if re.search(r"<domain[^>]*\sid=", text):
            return read_text(os.path.join(d, base + '.inactive.out.xml'))
        out = os.path.join(d, base + '.out.xml')
        return read_text(out if os.path.exists(out) else path)
    r = h.genvirsh(None, 'domxml-format', '--inactive', path)
    return r.out if r.rc == 0 else None


def match_generated(actual, expected):
    """When the expected XML has <guid auto='yes'/> (no value: the daemon
    generates one), return (actual with the generated value removed, value);
    else (actual, None)."""
    if expected is not None and "<guid auto='yes'/>" in expected:
        m = re.search(r"<guid auto='yes'>([^<]*)</guid>", actual)
        if m:
            return actual.replace(m.group(0), "<guid auto='yes'/>"), m.group(1)
    return actual, None


def parse_table(out):
    """Rows of a virsh list table: [(id, name, state)], or None if the
    layout is wrong."""
    lines = out.split('\n')
    if len(lines) < 3 or not re.match(r'^ Id +Name +State$', lines[0]) \
            or not re.match(r'^-+$', lines[1]):
        return None
    rows = []
    for l in lines[2:]:
        if l == '':
            break
        m = re.match(r'^ (\S+) +(\S+) +(\S.*)$', l)
        if not m:
            return None
        rows.append(m.groups())
    if not out.endswith('\n\n'):
        return None
    return rows


def check_config_modes(h, d, what):
    bad = []
    for n in sorted(os.listdir(d.domdir)):
        m = stat.S_IMODE(os.lstat(os.path.join(d.domdir, n)).st_mode)
        if m != 0o600:
            bad.append('%s: %o' % (n, m))
    h.ok(not bad, 'every config file is mode 0600 (%s)' % what, '\n'.join(bad))
    m = stat.S_IMODE(os.stat(d.domdir).st_mode)
    h.ok(m == 0o700, 'the config directory is mode 0700 (%s)' % what, 'mode %o' % m)


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    rw, ro = d.uri, d.uri_ro
    tmp = h.mkdtemp('xml')
    secrets = set()   # every GUID value: none may appear in the log

    # ---- every valid example -------------------------------------------
    examples = h.examples()
    h.diag('%d example domains' % len(examples))
    names = []
    expected = {}
    for path, name in examples:
        r = h.virsh(rw, 'define', path)
        h.ok(r.rc == 0 and r.out == "Domain '%s' defined from %s\n\n" % (name, path) and r.err == '',
             'define %s' % os.path.relpath(path, h.srcdir), r.describe())
        names.append(name)
        expected[name] = expected_xml(h, path)
        m = re.search(r'<guid[^>]*>\s*([^<\s]+)\s*</guid>|<genid>\s*([^<\s]+)\s*</genid>',
                      read_text(path))
        if m:
            secrets.add((m.group(1) or m.group(2)).lower())
    names_sorted = sorted(names)

    r = h.virsh(rw, 'list', '--all')
    rows = parse_table(r.out) if r.rc == 0 else None
    h.ok(rows is not None, 'list --all prints a table', r.describe())
    h.eq(rows, [('-', n, 'shut off') for n in names_sorted],
         'list --all: every example, sorted by name, id -, shut off')
    r = h.virsh(rw, 'list', '--all', '--name')
    h.ok(r.rc == 0 and r.out == ''.join(n + '\n' for n in names_sorted) + '\n',
         'list --all --name: the sorted names and a blank line', r.describe())
    r = h.virsh(rw, 'list', '--inactive')
    h.eq(parse_table(r.out) if r.rc == 0 else r.describe(),
         [('-', n, 'shut off') for n in names_sorted], 'list --inactive: every example')
    r = h.virsh(rw, 'list')
    h.eq(parse_table(r.out) if r.rc == 0 else r.describe(), [], 'list: no running domain')
    r = h.virsh(rw, 'list', '--name')
    h.ok(r.rc == 0 and r.out == '\n', 'list --name with nothing running prints one blank line',
         r.describe())
    r = h.virsh(ro, 'list', '--all', '--name')
    h.ok(r.rc == 0 and r.out == ''.join(n + '\n' for n in names_sorted) + '\n',
         'list --all --name on the read-only socket', r.describe())
    r = h.virsh(rw, 'list', '--all', '--uuid')
    uuids_listed = set(l for l in r.out.split('\n') if l)
    h.ok(r.rc == 0 and len(uuids_listed) == len(names) and all(UUID_RE.match(u) for u in uuids_listed),
         'list --all --uuid: one canonical UUID per domain', r.describe())

    check_config_modes(h, d, 'after defining the examples')
    h.eq(gvtest.config_files(d.domdir), sorted(n + '.xml' for n in names),
         'one config file NAME.xml per defined domain, nothing else')
    h.eq(gvtest.stray_files(d.domdir), [], 'no non-empty temporary file in the config directory')

    # ---- per-domain output ---------------------------------------------
    dumps = {}
    for path, name in examples:
        exp = expected[name]
        r = h.virsh(rw, 'dumpxml', name)
        actual, gen = match_generated(r.out, exp)
        good = r.rc == 0 and exp is not None and actual.rstrip('\n') == exp.rstrip('\n') \
            and (gen is None or UUID4_RE.match(gen))
        h.ok(good, 'dumpxml %s (read-write) is the canonical XML%s'
             % (name, ' with a generated v4 GUID' if gen else ''),
             r.describe() + '\nexpected:\n' + str(exp))
        dumps[name] = r.out
        if gen:
            secrets.add(gen)
            cfg = d.config_path(name)
            h.ok(os.path.exists(cfg) and gen in read_text(cfg),
                 'the generated GUID of %s is stored in its config file' % name)
        r2 = h.virsh(rw, 'dumpxml', '--inactive', name)
        h.ok(r2.rc == 0 and r2.out == r.out, 'dumpxml --inactive %s is the same' % name, r2.describe())
        public = strip_values(r.out)
        r3 = h.virsh(ro, 'dumpxml', name)
        h.ok(r3.rc == 0 and r3.out == public and not re.search(r"<guid auto='(yes|no)'>", r3.out),
             'dumpxml %s on the read-only socket has no GUID value' % name,
             r3.describe() + '\nexpected:\n' + public)
        r4 = h.virsh(rw, 'dumpxml', name, ro=True)
        h.ok(r4.rc == 0 and r4.out == public, 'virsh -r dumpxml %s has no GUID value' % name,
             r4.describe())

        xml = r.out
        vcpu = re.search(r'<vcpu[^>]*>(\d+)</vcpu>', xml)
        mem = re.search(r"<memory unit='KiB'>(\d+)</memory>", xml)
        cur = re.search(r"<currentMemory unit='KiB'>(\d+)</currentMemory>", xml)
        uuid = re.search(r'<uuid>([^<]+)</uuid>', xml)
        if vcpu and mem and cur and uuid:
            want = ('Id:             -\nName:           %s\nUUID:           %s\nOS Type:        hvm\n'
                    'State:          shut off\nCPU(s):         %s\nMax memory:     %s KiB\n'
                    'Used memory:    %s KiB\nPersistent:     yes\nAutostart:      disable\n'
                    'Managed save:   no\n' % (name, uuid.group(1), vcpu.group(1), mem.group(1),
                                               cur.group(1)))
            r5 = h.virsh(rw, 'dominfo', name)
            # libvirtd adds "Security model: none / Security DOI: 0"; a daemon
            # with no security driver sends an empty model and virsh omits them
            got = re.sub(r'Security model: none\nSecurity DOI:   0\n', '', r5.out)
            h.ok(r5.rc == 0 and got == want + '\n', 'dominfo %s' % name,
                 r5.describe() + '\nexpected:\n' + want)
        else:
            h.ok(False, 'dominfo %s: dumpxml has vcpu, memory, currentMemory, uuid' % name, xml)

    # ---- state and id commands on one domain ----------------------------
    name = 'genid-fixed'
    uuid = '6a0d2c1e-41b7-4f2a-8d53-0c9e7b4a1f02'
    for args, want, desc in (
            (('domstate', name), 'shut off\n\n', 'domstate: shut off'),
            (('domstate', '--reason', name), 'shut off (unknown)\n\n',
             'domstate --reason of a never-started domain: shut off (unknown)'),
            (('domstate', uuid), 'shut off\n\n', 'domstate by UUID'),
            (('domid', name), '-\n\n', "domid of an inactive domain: '-'"),
            (('domuuid', name), uuid + '\n\n', 'domuuid'),
            (('domname', uuid), name + '\n\n', 'domname by UUID'),
            (('domstate', name.upper()), None, 'domstate NAME is case-sensitive (missing)')):
        r = h.virsh(rw, *args)
        if want is None:
            h.ok(r.rc == 1 and r.err == "error: failed to get domain '%s'\n" % name.upper(), desc,
                 r.describe())
        else:
            h.ok(r.rc == 0 and r.out == want and r.err == '', desc, r.describe())
        r = h.virsh(ro, *args)
        if want is not None:
            h.ok(r.rc == 0 and r.out == want, desc + ' (read-only socket)', r.describe())

    # ---- missing domain ------------------------------------------------
    for args in (('dominfo',), ('domstate',), ('domstate', '--reason'), ('domid',), ('domuuid',),
                 ('dumpxml',), ('dumpxml', '--inactive'), ('undefine',)):
        r = h.virsh(rw, *(args + ('nosuchdomain',)))
        h.ok(r.rc == 1 and r.err == MISSING,
             'virsh %s nosuchdomain: exit 1, "%s"' % (' '.join(args), MISSING.strip()), r.describe())
    r = h.virsh(ro, 'dominfo', 'nosuchdomain')
    h.ok(r.rc == 1 and r.err == MISSING, 'missing domain on the read-only socket', r.describe())
    nouuid = '00000000-1111-4222-8333-444444444444'
    r = h.virsh(rw, 'domname', nouuid)
    h.ok(r.rc == 1 and r.err == "error: failed to get domain '%s'\n" % nouuid,
         'domname of an unknown UUID: exit 1, failed to get domain', r.describe())

    # ---- genid forms ---------------------------------------------------
    forms = [
        ('gf-auto-value', dict(genid='auto:' + V1), "<guid auto='yes'>%s</guid>" % V1),
        ('gf-auto-upper', dict(genid='auto:' + V5_IN), "<guid auto='yes'>%s</guid>" % V5),
        ('gf-auto-novalue', dict(genid='auto'), None),
        ('gf-device-empty', dict(genid=''), None),
        ('gf-fixed', dict(genid='fixed:' + V2), "<guid auto='no'>%s</guid>" % V2),
        ('gf-legacy-empty', dict(legacy_genid=''), None),
        ('gf-legacy-value', dict(legacy_genid=V3), "<guid auto='yes'>%s</guid>" % V3),
    ]
    secrets.update([V1, V2, V3, V4, V5])
    generated = {}
    for fname, kw, want in forms:
        path = gvtest.write_file(os.path.join(tmp, fname + '.xml'), gvtest.domain_xml(fname, **kw))
        r = h.virsh(rw, 'define', path)
        h.ok(r.rc == 0 and r.out == "Domain '%s' defined from %s\n\n" % (fname, path),
             'define genid form %s' % fname, r.describe())
        r = h.virsh(rw, 'dumpxml', fname)
        cfg = read_text(d.config_path(fname)) if os.path.exists(d.config_path(fname)) else ''
        if want:
            h.ok(r.rc == 0 and want in r.out, '%s: dumpxml shows %s' % (fname, want), r.describe())
            h.ok(want in cfg, '%s: the config file holds the value' % fname, cfg)
        else:
            g = gvtest.guid_of(r.out)
            h.ok(r.rc == 0 and g is not None and UUID4_RE.match(g) is not None
                 and "<genid model='vmgenid'>" in r.out,
                 '%s: a v4 GUID is generated (device form, auto=yes)' % fname, r.describe())
            generated[fname] = g
            if g:
                secrets.add(g)
            h.ok(g is not None and g in cfg and "<guid auto='yes'>%s</guid>" % g in cfg,
                 '%s: the generated GUID is stored in the config file' % fname, cfg)
            r2 = h.virsh(rw, 'dumpxml', fname)
            h.ok(r2.rc == 0 and gvtest.guid_of(r2.out) == g,
                 '%s: the GUID is stable across dumpxml calls' % fname, r2.describe())
        r3 = h.virsh(ro, 'dumpxml', fname)
        h.ok(r3.rc == 0 and "<guid auto='yes'/>" in r3.out
             and not any(s in r3.out.lower() for s in secrets if s),
             '%s: read-only dumpxml has no GUID value' % fname, r3.describe())
        r4 = h.virsh(rw, 'dumpxml', fname, ro=True)
        h.ok(r4.rc == 0 and r4.out == r3.out, '%s: virsh -r dumpxml is the same' % fname, r4.describe())
    g_legacy = generated.get('gf-legacy-empty')
    h.ok(len(set(generated.values())) == len(generated),
         'every generated GUID is different', repr(generated))

    # --security-info
    r = h.virsh(rw, 'dumpxml', '--security-info', 'gf-auto-value')
    h.ok(r.rc == 0 and V1 in r.out, 'dumpxml --security-info on read-write shows the GUID', r.describe())
    r = h.virsh(rw, 'dumpxml', '--security-info', 'gf-auto-value', ro=True)
    h.ok(r.rc == 1 and V1 not in r.out and
         'error: operation forbidden: virDomainGetXMLDesc with secure flag' in r.err,
         'virsh -r dumpxml --security-info is refused', r.describe())
    r = h.virsh(ro, 'dumpxml', '--security-info', 'gf-auto-value')
    h.ok(r.rc == 1 and V1 not in r.out and 'operation forbidden' in r.err,
         'dumpxml --security-info on the read-only socket is refused by the daemon', r.describe())
    r = h.virsh(rw, 'dumpxml', '--migratable', 'gf-auto-value')
    h.ok(r.rc == 0 and V1 in r.out, 'dumpxml --migratable on read-write keeps the GUID', r.describe())
    # libvirt treats --migratable like --security-info on read-only connections
    r = h.virsh(rw, 'dumpxml', '--migratable', 'gf-auto-value', ro=True)
    h.ok(r.rc == 1 and V1 not in r.out and
         'error: operation forbidden: virDomainGetXMLDesc with secure flag' in r.err,
         'virsh -r dumpxml --migratable is refused', r.describe())
    r = h.virsh(ro, 'dumpxml', '--migratable', 'gf-auto-value')
    h.ok(r.rc == 1 and V1 not in r.out and
         'error: operation forbidden: virDomainGetXMLDesc with secure flag' in r.err,
         'dumpxml --migratable on the read-only socket is refused by the daemon', r.describe())

    # ---- redefine --------------------------------------------------------
    g = generated.get('gf-auto-novalue')
    path = os.path.join(tmp, 'gf-auto-novalue.xml')
    r = h.virsh(rw, 'define', path)
    h.ok(r.rc == 0, 'redefine gf-auto-novalue without a value', r.describe())
    r = h.virsh(rw, 'dumpxml', 'gf-auto-novalue')
    h.ok(g is not None and gvtest.guid_of(r.out) == g, 'redefine without a value keeps the stored GUID',
         r.describe())
    path = gvtest.write_file(os.path.join(tmp, 'gf-auto-novalue-2.xml'),
                             gvtest.domain_xml('gf-auto-novalue', genid='', memory_mib=256))
    r = h.virsh(rw, 'define', path)
    r2 = h.virsh(rw, 'dumpxml', 'gf-auto-novalue')
    h.ok(r.rc == 0 and g is not None and gvtest.guid_of(r2.out) == g
         and "<memory unit='KiB'>262144</memory>" in r2.out,
         'redefine with <genid/> and a changed memory keeps the GUID, applies the change', r2.describe())
    path = gvtest.write_file(os.path.join(tmp, 'gf-auto-novalue-3.xml'),
                             gvtest.domain_xml('gf-auto-novalue', genid='auto:' + V4))
    r = h.virsh(rw, 'define', path)
    r2 = h.virsh(rw, 'dumpxml', 'gf-auto-novalue')
    cfg = read_text(d.config_path('gf-auto-novalue'))
    h.ok(r.rc == 0 and gvtest.guid_of(r2.out) == V4, 'redefine with a new value replaces the GUID',
         r2.describe())
    h.ok(V4 in cfg and (g is None or g not in cfg), 'the config file holds the new value only', cfg)
    path = gvtest.write_file(os.path.join(tmp, 'gf-legacy-again.xml'),
                             gvtest.domain_xml('gf-legacy-empty', legacy_genid=''))
    r = h.virsh(rw, 'define', path)
    r2 = h.virsh(rw, 'dumpxml', 'gf-legacy-empty')
    h.ok(r.rc == 0 and g_legacy is not None and gvtest.guid_of(r2.out) == g_legacy,
         'redefine with legacy <genid/> keeps the stored GUID', r2.describe())
    path = gvtest.write_file(os.path.join(tmp, 'gf-fixed-2.xml'),
                             gvtest.domain_xml('gf-fixed', genid='fixed:' + V4))
    r = h.virsh(rw, 'define', path)
    r2 = h.virsh(rw, 'dumpxml', 'gf-fixed')
    h.ok(r.rc == 0 and "<guid auto='no'>%s</guid>" % V4 in r2.out,
         'redefine of a fixed GUID with a new value replaces it', r2.describe())

    # ---- read-only refusals -------------------------------------------
    before = gvtest.snapshot_dir(d.domdir)
    newxml = gvtest.write_file(os.path.join(tmp, 'ro-new.xml'), gvtest.domain_xml('ro-new', genid='auto'))
    for desc, uri, flag in (('the read-only socket', ro, False), ('virsh -r', rw, True)):
        r = h.virsh(uri, 'define', newxml, ro=flag)
        h.ok(r.rc == 1 and r.out.strip() == '' and
             r.err == 'error: Failed to define domain from %s\n'
                      'error: operation forbidden: read only access prevents virDomainDefineXML\n'
             % newxml, 'define on %s is refused: operation forbidden' % desc, r.describe())
        r = h.virsh(uri, 'undefine', 'genid-fixed', ro=flag)
        h.ok(r.rc == 1 and r.err.startswith("error: Failed to undefine domain 'genid-fixed'\n"
                                            'error: operation forbidden: read only access prevents '),
             'undefine on %s is refused: operation forbidden' % desc, r.describe())
    h.eq(gvtest.diff_snapshots(before, gvtest.snapshot_dir(d.domdir)), '',
         'the refused writes changed no config file')
    h.ok('ro-new' not in (d.list_names() or []) and 'genid-fixed' in (d.list_names() or []),
         'the refused define and undefine had no effect')

    # ---- daemon restart --------------------------------------------------
    all_names = d.list_names()
    before_dumps = {}
    for n in all_names or []:
        before_dumps[n] = h.virsh(rw, 'dumpxml', n).out
    check_config_modes(h, d, 'before restart')
    log1 = d.log_text()
    d.stop()
    if not d.start():
        return
    h.eq(d.list_names(), all_names, 'after a restart the daemon lists the same domains')
    changed = [n for n in all_names or [] if h.virsh(rw, 'dumpxml', n).out != before_dumps[n]]
    h.ok(not changed, 'after a restart every dumpxml is byte-identical (GUIDs kept)', repr(changed))
    for fname in ('gf-device-empty', 'gf-legacy-empty'):
        r = h.virsh(rw, 'dumpxml', fname)
        h.ok(generated.get(fname) and gvtest.guid_of(r.out) == generated[fname],
             '%s: the generated GUID survives the restart' % fname, r.describe())

    # ---- undefine -------------------------------------------------------
    for n in ['gf-auto-value', 'genid-auto', 'minimal']:
        r = h.virsh(rw, 'undefine', n)
        h.ok(r.rc == 0 and r.out == "Domain '%s' has been undefined\n\n" % n and r.err == '',
             'undefine %s' % n, r.describe())
        h.ok(not os.path.exists(d.config_path(n)), 'undefine %s removes its config file' % n)
        r = h.virsh(rw, 'dumpxml', n)
        h.ok(r.rc == 1 and r.err == "error: failed to get domain '%s'\n" % n,
             'dumpxml %s after undefine: failed to get domain' % n, r.describe())
    left = d.list_names() or []
    h.ok(not {'gf-auto-value', 'genid-auto', 'minimal'} & set(left) and len(left) == len(all_names) - 3,
         'list --all no longer shows the undefined domains', repr(left))
    uuid = re.search(r'<uuid>([^<]+)</uuid>', before_dumps.get('genid-fixed', '')).group(1) \
        if 'genid-fixed' in before_dumps else 'x'
    r = h.virsh(rw, 'undefine', uuid)
    h.ok(r.rc == 0 and r.out == "Domain '%s' has been undefined\n\n" % uuid,
         'undefine by UUID', r.describe())
    h.ok(not os.path.exists(d.config_path('genid-fixed')), 'undefine by UUID removes the config file')
    # re-define after undefine generates a fresh GUID (nothing stale kept)
    path = os.path.join(tmp, 'gf-auto-novalue.xml')
    h.virsh(rw, 'undefine', 'gf-auto-novalue')
    r = h.virsh(rw, 'define', path)
    r2 = h.virsh(rw, 'dumpxml', 'gf-auto-novalue')
    g2 = gvtest.guid_of(r2.out)
    if g2:
        secrets.add(g2)
    h.ok(r.rc == 0 and g2 and g2 not in (V4, g), 'define after undefine generates a new GUID',
         r2.describe())
    check_config_modes(h, d, 'at the end')

    d.stop()
    log = log1 + d.log_text()
    leaks = [l for l in log.split('\n') if any(s and s in l.lower() for s in secrets)]
    h.ok(not leaks, 'no GUID value appears in any line of the daemon log (%d values checked)'
         % len(secrets), '\n'.join(leaks))
    h.ok(len(log.split('\n')) > 10, 'the daemon log (--verbose) is not empty')


gvtest.Harness('virsh-interop').main(main)
