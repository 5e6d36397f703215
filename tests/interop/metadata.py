#!/usr/bin/python3
"""GET_METADATA / SET_METADATA (264/265) and the METADATA_CHANGE event.

Through the stock virsh (desc, desc --title, metadata --uri --key --set /
--remove, --config, --live) and python3-libvirt (setMetadata, metadata,
domainEventRegisterAny(METADATA_CHANGE)) against a real genvirtd: title,
description and a custom namespace element are set, read back, kept in
the config across a daemon restart, removed; live changes of a running
domain stay out of its config; the event carries the type and the
namespace; read-only clients read but may not set; bad input is refused
with libvirt's errors and changes nothing.
"""

import os
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402

import libvirt  # noqa: E402

NS = 'http://example.org/genvirt-test/1'


def main(h):
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                     daemon=True).start()
    d = gvtest.Daemon(h)
    if not d.start():
        return
    path, uid = h.write_domain('meta', genid='auto')
    h.cmd_ok(d.virsh('define', path), 'define meta')
    conn = libvirt.open(d.uri)
    events = []
    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                lambda c, dom, t, ns, o: events.append((dom.name(), t, ns)), None)

    r = d.virsh('desc', 'meta')
    h.ok(r.ok and 'No description for domain: meta' in r.out, 'virsh desc: no description yet',
         r.describe())
    h.cmd_ok(d.virsh('desc', 'meta', '--new-desc', 'a test domain'), 'virsh desc --new-desc')
    h.eq(d.virsh('desc', 'meta').out.strip(), 'a test domain', 'virsh desc reads it back')
    h.cmd_ok(d.virsh('desc', 'meta', '--title', '--new-desc', 'Meta'), 'virsh desc --title')
    h.eq(d.virsh('desc', 'meta', '--title').out.strip(), 'Meta', 'the title reads back')
    r = d.virsh('metadata', 'meta', '--uri', NS, '--key', 'gt', '--set', '<app ver="1"><x/></app>')
    h.cmd_ok(r, 'virsh metadata --set an element in a custom namespace')
    r = d.virsh('metadata', 'meta', '--uri', NS)
    h.ok(r.ok and 'xmlns:gt="%s"' % NS in r.out and 'ver="1"' in r.out and '<gt:x/>' in r.out,
         'virsh metadata --uri prints it, prefix and namespace kept', r.describe())
    cfg = d.config_text('meta')
    h.ok('<title>Meta</title>' in cfg and '<description>a test domain</description>' in cfg and
         'xmlns:gt="%s"' % NS in cfg, 'all three are in the config file', cfg[:800])
    dom = conn.lookupByName('meta')
    h.eq(dom.metadata(libvirt.VIR_DOMAIN_METADATA_TITLE, None), 'Meta',
         'python3-libvirt metadata(TITLE)')
    dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, '<app ver="2"/>', 'gt', NS, 0)
    h.ok('ver="2"' in dom.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, NS),
         'python3-libvirt setMetadata(ELEMENT) replaces the element')
    gvtest.gvinteg.wait_until(lambda: len(events) >= 4, 5)
    h.eq(events[:4], [('meta', 0, None), ('meta', 1, None), ('meta', 2, NS), ('meta', 2, NS)],
         'a METADATA_CHANGE event per change, with its type and namespace')

    # read-only: reads, may not set
    ro = libvirt.openReadOnly(d.uri_ro)
    h.eq(ro.lookupByName('meta').metadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None),
         'a test domain', 'a read-only connection reads the description')
    try:
        ro.lookupByName('meta').setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, 'x', None, None, 0)
        got = None
    except libvirt.libvirtError as e:
        got = str(e)
    h.ok(got and 'read only' in got, 'a read-only connection may not set metadata: %s' % got)
    ro.close()

    # bad input changes nothing
    before = d.config_text('meta')
    for args, want, what in (
            ((libvirt.VIR_DOMAIN_METADATA_ELEMENT, '<a/>', 'k', None, 0), 'uri', 'no URI'),
            ((libvirt.VIR_DOMAIN_METADATA_ELEMENT, '<a', 'k', NS, 0), None, 'broken XML'),
            ((libvirt.VIR_DOMAIN_METADATA_TITLE, 'two\nlines', None, None, 0), 'newline',
             'a title with a newline'),
            ((7, 'x', None, None, 0), 'metadata type', 'an unknown type'),
            ((libvirt.VIR_DOMAIN_METADATA_TITLE, 'x', None, None, libvirt.VIR_DOMAIN_AFFECT_LIVE),
             'not running', 'LIVE on a shut-off domain')):
        try:
            dom.setMetadata(*args)
            got = None
        except libvirt.libvirtError as e:
            got = str(e)
        h.ok(got is not None and (want is None or want in got), '%s is refused: %s' % (what, got))
    h.eq(d.config_text('meta'), before, 'the refused changes left the config byte-identical')

    # a running domain: live changes stay out of the config
    h.cmd_ok(d.virsh('start', 'meta'), 'start meta')
    h.cmd_ok(d.virsh('desc', 'meta', '--live', '--new-desc', 'running now'), 'desc --live')
    h.cmd_ok(d.virsh('desc', 'meta', '--config', '--new-desc', 'for the next boot'),
             'desc --config')
    h.eq(dom.metadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None,
                      libvirt.VIR_DOMAIN_AFFECT_LIVE), 'running now', 'the live description')
    h.eq(dom.metadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None,
                      libvirt.VIR_DOMAIN_AFFECT_CONFIG), 'for the next boot',
         'the config description')
    h.ok('running now' not in d.config_text('meta'), 'the live one is not in the config file')
    h.ok(gvtest.guid_of(d.live_xml('meta')) is not None, 'the running domain keeps its GUID')
    h.cmd_ok(d.virsh('destroy', 'meta'), 'destroy meta')
    h.eq(d.virsh('desc', 'meta').out.strip(), 'for the next boot',
         'after it stops, the config description is the one')

    # kept across a daemon restart; removed
    conn.close()
    d.stop()
    if not d.start():
        return
    r = d.virsh('metadata', 'meta', '--uri', NS)
    h.ok(r.ok and 'ver="2"' in r.out, 'the element is kept across a daemon restart')
    h.cmd_ok(d.virsh('metadata', 'meta', '--uri', NS, '--remove'), 'virsh metadata --remove')
    r = d.virsh('metadata', 'meta', '--uri', NS)
    h.cmd_fails(r, 'then virsh metadata --uri fails: not present', ['metadata not found'])
    h.ok(NS not in d.config_text('meta'), 'and it is gone from the config')
    h.cmd_ok(d.virsh('undefine', 'meta'), 'undefine meta')
    d.stop()


if __name__ == '__main__':
    gvtest.Harness('metadata').main(main)
