#!/usr/bin/python3
"""python3-libvirt (9.0) against genvirtd: connection queries, defineXML of
every genid form, lookups, listAllDomains with flags, XMLDesc with flags,
state/info, undefine, error codes, read-only refusals.  TAP.

Usage: python-interop.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import re
import socket
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402
from gvtest import UUID4_RE, read_text  # noqa: E402

import libvirt  # noqa: E402

libvirt.registerErrorHandler(lambda ctx, err: None, None)

V1 = '3e8c2b1a-9f4d-4c6b-8a7e-1d2c3b4a5f61'
V2 = '9a8b7c6d-5e4f-4321-a0b1-c2d3e4f5a662'
V3 = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e063'
V4 = 'c0ffee00-1234-4abc-9def-0123456789a4'
NOUUID = '00000000-1111-4222-8333-444444444444'


def err_of(fn):
    """Run fn; return the libvirtError (or None, or the non-libvirt exception)."""
    try:
        fn()
    except libvirt.libvirtError as e:
        return e
    except Exception as e:  # noqa: BLE001
        return e
    return None


def err_str(e):
    if isinstance(e, libvirt.libvirtError):
        return 'code=%s domain=%s message=%r' % (e.get_error_code(), e.get_error_domain(),
                                                  e.get_error_message())
    return repr(e)


def is_err(e, code, domain=None, message=None, prefix=None):
    if not isinstance(e, libvirt.libvirtError):
        return False
    if e.get_error_code() != code or (domain is not None and e.get_error_domain() != domain):
        return False
    if message is not None and e.get_error_message() != message:
        return False
    if prefix is not None and not (e.get_error_message() or '').startswith(prefix):
        return False
    return True


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    conn = libvirt.open(d.uri)
    h.ok(conn is not None and conn.isAlive() == 1, 'libvirt.open(qemu+unix:///system?socket=...)')

    # ---- connection queries ---------------------------------------------
    h.eq(conn.getType(), 'QEMU', "getType() is 'QEMU'")
    v = conn.getVersion()
    h.ok(isinstance(v, int) and v > 0, 'getVersion() is a positive number (%r)' % v)
    lv = conn.getLibVersion()
    h.ok(isinstance(lv, int) and lv > 0, 'getLibVersion() is a positive number (%r)' % lv)
    h.eq(conn.getHostname(), socket.gethostname(), 'getHostname() is the host name')
    h.eq(conn.getURI(), d.uri, 'getURI() is the URI opened')
    h.eq(conn.listAllDomains(0), [], 'listAllDomains(0) on an empty daemon is []')

    # ---- define every genid form ---------------------------------------
    forms = [
        ('py-auto-value', dict(genid='auto:' + V1), V1, 'yes'),
        ('py-auto-novalue', dict(genid='auto'), None, 'yes'),
        ('py-device-empty', dict(genid=''), None, 'yes'),
        ('py-fixed', dict(genid='fixed:' + V2), V2, 'no'),
        ('py-legacy-empty', dict(legacy_genid=''), None, 'yes'),
        ('py-legacy-value', dict(legacy_genid=V3), V3, 'yes'),
        ('py-no-genid', dict(), None, None),
    ]
    uuids = {}
    guids = {}
    for i, (name, kw, value, auto) in enumerate(forms):
        uuid = '5b1e0c2a-7d3f-4e8a-9b6c-%012x' % (i + 1)
        xml = gvtest.domain_xml(name, uuid=uuid, **kw)
        dom = conn.defineXML(xml)
        h.ok(dom is not None and dom.name() == name and dom.UUIDString() == uuid and dom.ID() == -1,
             'defineXML %s returns the domain (name, UUID, id -1)' % name)
        uuids[name] = uuid
        x = dom.XMLDesc(0)
        if auto is None:
            h.ok('<genid' not in x, '%s: XMLDesc(0) has no genid' % name, x)
            continue
        m = re.search(r"<guid auto='%s'>([^<]+)</guid>" % auto, x)
        got = m.group(1) if m else None
        if value:
            h.eq(got, value, "%s: XMLDesc(0) has <guid auto='%s'> with the value" % (name, auto))
        else:
            h.ok(got is not None and UUID4_RE.match(got),
                 '%s: a v4 GUID was generated (%s)' % (name, got), x)
        guids[name] = got
        h.ok(got is not None and got in read_text(d.config_path(name)),
             '%s: the GUID is in the config file' % name)

    # ---- lookups -----------------------------------------------------------
    for name, uuid in uuids.items():
        a = conn.lookupByName(name)
        b = conn.lookupByUUIDString(uuid)
        c = conn.lookupByUUID(bytes.fromhex(uuid.replace('-', '')))
        h.ok(a.name() == b.name() == c.name() == name and a.UUIDString() == uuid and a.ID() == -1
             and b.ID() == -1, 'lookupByName/UUIDString/UUID agree for %s' % name)
    e = err_of(lambda: conn.lookupByID(1))
    h.ok(is_err(e, 42, 10, prefix='Domain not found: no domain with matching id 1'),
         'lookupByID(1) with nothing running: NO_DOMAIN 42/10', err_str(e))

    # ---- listing ------------------------------------------------------------
    names = sorted(uuids)

    def listed(flags):
        return sorted(x.name() for x in conn.listAllDomains(flags))
    F = libvirt
    for flags, want, desc in (
            (0, names, '0 (all)'),
            (F.VIR_CONNECT_LIST_DOMAINS_ACTIVE | F.VIR_CONNECT_LIST_DOMAINS_INACTIVE, names,
             'ACTIVE|INACTIVE'),
            (F.VIR_CONNECT_LIST_DOMAINS_ACTIVE, [], 'ACTIVE'),
            (F.VIR_CONNECT_LIST_DOMAINS_INACTIVE, names, 'INACTIVE'),
            (F.VIR_CONNECT_LIST_DOMAINS_PERSISTENT, names, 'PERSISTENT'),
            (F.VIR_CONNECT_LIST_DOMAINS_TRANSIENT, [], 'TRANSIENT'),
            (F.VIR_CONNECT_LIST_DOMAINS_RUNNING, [], 'RUNNING'),
            (F.VIR_CONNECT_LIST_DOMAINS_PAUSED, [], 'PAUSED'),
            (F.VIR_CONNECT_LIST_DOMAINS_SHUTOFF, names, 'SHUTOFF'),
            (F.VIR_CONNECT_LIST_DOMAINS_INACTIVE | F.VIR_CONNECT_LIST_DOMAINS_PERSISTENT, names,
             'INACTIVE|PERSISTENT'),
            (F.VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, names, 'NO_AUTOSTART'),
            (F.VIR_CONNECT_LIST_DOMAINS_AUTOSTART, [], 'AUTOSTART'),
            (F.VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, names, 'NO_MANAGEDSAVE'),
            (F.VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, [], 'HAS_SNAPSHOT'),
            (F.VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, names, 'NO_SNAPSHOT')):
        try:
            got = listed(flags)
        except libvirt.libvirtError as e:
            got = err_str(e)
        h.eq(got, want, 'listAllDomains(%s)' % desc)
    h.ok(all(x.ID() == -1 for x in conn.listAllDomains(0)), 'listAllDomains: every id is -1')
    h.eq(conn.numOfDomains(), 0, 'numOfDomains() is 0')
    h.eq(conn.listDomainsID(), [], 'listDomainsID() is []')
    h.eq(conn.numOfDefinedDomains(), len(names), 'numOfDefinedDomains()')
    h.eq(sorted(conn.listDefinedDomains()), names, 'listDefinedDomains()')

    # ---- state, info, XML -----------------------------------------------
    dom = conn.lookupByName('py-auto-value')
    h.eq(dom.state(), [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_UNKNOWN],
         'state() of a never-started domain: [SHUTOFF, UNKNOWN]')
    h.eq(dom.info(), [libvirt.VIR_DOMAIN_SHUTOFF, 131072, 131072, 1, 0],
         'info(): [shutoff, 131072 KiB, 131072 KiB, 1 vcpu, 0 ns]')
    h.eq(dom.isActive(), 0, 'isActive() is 0')
    h.eq(dom.isPersistent(), 1, 'isPersistent() is 1')
    h.eq(dom.OSType(), 'hvm', "OSType() is 'hvm'")
    h.eq(dom.autostart(), 0, 'autostart() is 0')
    h.eq(dom.hasManagedSaveImage(0), 0, 'hasManagedSaveImage(0) is 0')
    x0 = dom.XMLDesc(0)
    xi = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    xm = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)
    xs = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)
    h.ok("<guid auto='yes'>%s</guid>" % V1 in x0, 'XMLDesc(0) on read-write has the GUID', x0)
    h.eq(xi, x0, 'XMLDesc(INACTIVE) is the same as XMLDesc(0) for an inactive domain')
    h.ok("<guid auto='yes'>%s</guid>" % V1 in xm and '<name>py-auto-value</name>' in xm,
         'XMLDesc(MIGRATABLE) keeps the GUID', xm)
    h.eq(xs, x0, 'XMLDesc(SECURE) on read-write is the same')
    h.ok(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE | libvirt.VIR_DOMAIN_XML_MIGRATABLE) == xm,
         'XMLDesc(INACTIVE|MIGRATABLE) is the migratable XML')
    e = err_of(lambda: dom.XMLDesc(1 << 20))
    h.ok(is_err(e, 8), 'XMLDesc with an unknown flag bit: INVALID_ARG (8)', err_str(e))

    # ---- read-only connections ------------------------------------------
    newxml = gvtest.domain_xml('py-ro-new', genid='auto')
    before = gvtest.snapshot_dir(d.domdir)
    rcs = libvirt.openReadOnly(d.uri)
    rsock = libvirt.open(d.uri_ro)
    client_errs = {}
    for label, c in (('openReadOnly()', rcs), ('the read-only socket', rsock)):
        rdom = c.lookupByName('py-auto-value')
        x = rdom.XMLDesc(0)
        h.ok("<guid auto='yes'/>" in x and V1 not in x, '%s: XMLDesc(0) has no GUID value' % label, x)
        h.eq(rdom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), x, '%s: XMLDesc(INACTIVE) is the same' % label)
        fx = c.lookupByName('py-fixed').XMLDesc(0)
        h.ok("<guid auto='yes'/>" in fx and V2 not in fx and "auto='no'" not in fx,
             "%s: a fixed GUID is hidden too (reads <guid auto='yes'/>)" % label, fx)
        gen = guids.get('py-auto-novalue')
        gx = c.lookupByName('py-auto-novalue').XMLDesc(0)
        h.ok(gen is not None and gen not in gx, '%s: a generated GUID is hidden' % label, gx)
        h.eq(sorted(x.name() for x in c.listAllDomains(0)), names, '%s: listAllDomains(0)' % label)
        h.eq(rdom.state(), [5, 0], '%s: state()' % label)
        h.eq(rdom.info(), [5, 131072, 131072, 1, 0], '%s: info()' % label)
        ops = (('defineXML', 'virDomainDefineXML', lambda: c.defineXML(newxml)),
               ('undefine()', 'virDomainUndefine', lambda: rdom.undefine()),
               ('undefineFlags(0)', 'virDomainUndefineFlags', lambda: rdom.undefineFlags(0)),
               ('XMLDesc(SECURE)', None, lambda: rdom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)),
               # libvirt treats MIGRATABLE like SECURE on read-only connections
               ('XMLDesc(MIGRATABLE)', None, lambda: rdom.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)))
        for op, api, fn in ops:
            e = err_of(fn)
            msg = ('operation forbidden: read only access prevents %s' % api if api
                   else 'operation forbidden: virDomainGetXMLDesc with secure flag')
            h.ok(is_err(e, 29, message=msg), '%s: %s refused, code 29 "%s"' % (label, op, msg),
                 err_str(e))
            if label == 'openReadOnly()':
                # refused inside libvirt itself: this is libvirt's own error
                client_errs[op] = (e.get_error_domain() if isinstance(e, libvirt.libvirtError) else None)
            else:
                want = client_errs.get(op)
                got = e.get_error_domain() if isinstance(e, libvirt.libvirtError) else None
                h.eq(got, want, '%s: %s refusal has the error domain libvirt uses (%s)'
                     % (label, op, want))
        h.ok(is_err(err_of(lambda: c.lookupByName('nosuch')), 42, 10),
             '%s: missing domain is NO_DOMAIN 42/10' % label)
    h.eq(gvtest.diff_snapshots(before, gvtest.snapshot_dir(d.domdir)), '',
         'the refused writes changed no config file')
    h.ok(is_err(err_of(lambda: conn.lookupByName('py-ro-new')), 42),
         'the refused define did not create the domain')
    rcs.close()
    rsock.close()

    # ---- errors ---------------------------------------------------------------
    e = err_of(lambda: conn.lookupByName('nosuch'))
    h.ok(is_err(e, 42, 10, "Domain not found: no domain with matching name 'nosuch'"),
         "lookupByName('nosuch'): get_error_code() 42, get_error_domain() 10, libvirt's message",
         err_str(e))
    h.ok(isinstance(e, libvirt.libvirtError) and e.get_error_level() == 2, 'error level is 2 (ERROR)')
    e = err_of(lambda: conn.lookupByUUIDString(NOUUID))
    h.ok(is_err(e, 42, 10, prefix="Domain not found: no domain with matching uuid '%s'" % NOUUID),
         'lookupByUUIDString of an unknown UUID: 42/10', err_str(e))
    e = err_of(lambda: conn.defineXML('<domain type="kvm"><name>bad'))
    h.ok(isinstance(e, libvirt.libvirtError) and e.get_error_code() == 27,
         'defineXML of malformed XML: XML_ERROR (27)', err_str(e))
    e = err_of(lambda: conn.defineXML(gvtest.domain_xml('py-nil', genid='auto:00000000-0000-0000-0000-000000000000')))
    h.ok(isinstance(e, libvirt.libvirtError) and '00000000-0000-0000-0000-000000000000' in
         (e.get_error_message() or ''), 'defineXML with a nil GUID is refused, naming the value',
         err_str(e))
    e = err_of(lambda: conn.defineXML(gvtest.domain_xml('py-auto-value', uuid='6d0c1b2a-0000-4000-8000-000000000001')))
    h.ok(isinstance(e, libvirt.libvirtError), 'defineXML of an existing name with another UUID is refused',
         err_str(e))
    h.eq(conn.lookupByName('py-auto-value').UUIDString(), uuids['py-auto-value'],
         'the existing domain is unchanged')

    # ---- redefine keeps / replaces --------------------------------------
    g = guids.get('py-auto-novalue')
    conn.defineXML(gvtest.domain_xml('py-auto-novalue', uuid=uuids['py-auto-novalue'], genid='auto'))
    x = conn.lookupByName('py-auto-novalue').XMLDesc(0)
    h.ok(g is not None and gvtest.guid_of(x) == g, 'redefine without a value keeps the stored GUID', x)
    conn.defineXML(gvtest.domain_xml('py-auto-novalue', uuid=uuids['py-auto-novalue'], genid='auto:' + V4))
    x = conn.lookupByName('py-auto-novalue').XMLDesc(0)
    h.eq(gvtest.guid_of(x), V4, 'redefine with a new value replaces the GUID')

    # ---- undefine ----------------------------------------------------------
    dom = conn.lookupByName('py-auto-value')
    h.eq(dom.undefine(), 0, 'undefine() returns 0')
    e = err_of(lambda: conn.lookupByName('py-auto-value'))
    h.ok(is_err(e, 42, 10), 'lookupByName after undefine(): 42/10', err_str(e))
    h.ok(not os.path.exists(d.config_path('py-auto-value')), 'undefine() removed the config file')
    e = err_of(lambda: dom.XMLDesc(0))
    h.ok(is_err(e, 42, 10), 'XMLDesc on the stale handle after undefine: 42/10', err_str(e))
    e = err_of(lambda: dom.undefine())
    h.ok(is_err(e, 42, 10), 'undefine() twice: 42/10', err_str(e))
    dom = conn.lookupByName('py-fixed')
    h.eq(dom.undefineFlags(0), 0, 'undefineFlags(0) returns 0')
    h.ok(is_err(err_of(lambda: conn.lookupByUUIDString(uuids['py-fixed'])), 42, 10),
         'lookupByUUIDString after undefineFlags(0): 42/10')
    h.ok(not os.path.exists(d.config_path('py-fixed')), 'undefineFlags(0) removed the config file')
    left = sorted(x.name() for x in conn.listAllDomains(0))
    h.eq(left, sorted(set(names) - {'py-auto-value', 'py-fixed'}), 'listAllDomains after the undefines')
    for n in left:
        conn.lookupByName(n).undefineFlags(0)
    h.eq(conn.listAllDomains(0), [], 'everything undefined')
    h.eq(gvtest.config_files(d.domdir), [], 'no config file left')
    h.eq(gvtest.stray_files(d.domdir), [], 'no non-empty temporary file left')

    # close() returns the references left: the virDomain objects still alive hold some
    dom = rdom = None
    r = conn.close()
    h.ok(isinstance(r, int) and r >= 0, 'close() succeeds (%r)' % r)
    d.stop()
    log = d.log_text()
    secrets = [s for s in list(guids.values()) + [V1, V2, V3, V4] if s]
    leaks = [l for l in log.split('\n') if any(s in l for s in secrets)]
    h.ok(not leaks, 'no GUID value in the daemon log', '\n'.join(leaks))


gvtest.Harness('python-interop').main(main)
