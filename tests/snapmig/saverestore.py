#!/usr/bin/python3
"""Save to a file and restore from it, on real QEMU (DESIGN.md 2.2, issue 11).

- virsh save (with --verbose: virsh's job progress through GET_JOB_INFO):
  the domain is shut off (saved), no QEMU of it is left, the image is 0600
  and carries genvirt's header, its XML and QEMU's stream, and a trailer
  (docs/saveimage.md); QMP answered getfd/migrate "fd:", never a shell.
- virsh restore: running (restored), a NEW GUID (auto='yes') that domgenid,
  QMP, the live XML and the config file all carry; the file restored again
  gives yet another value never seen before; the config held the new value
  before QEMU started (the status file and the config agree).
- save of a paused guest, restore --paused/--running, save --paused;
  restore --reset-nvram of a domain without an NVRAM (a no-op, as in libvirt;
  the UEFI case is in tests/integration/firmware.py).
- auto='no': the value stays (and the daemon log says the guest was not told).
- python3-libvirt: save, saveFlags, saveParams, restore, restoreFlags,
  restoreParams, saveImageGetXMLDesc (a read-write connection sees the GUID,
  a read-only one may not read images), saveImageDefineXML (state and ABI check).
- restore --xml: an ABI change is refused naming it; <guid auto='yes'/>
  without a value keeps the image's value, then a new one is made.
- bad images, refused with a clear error before any QEMU starts, the daemon
  serving on and the config intact: truncated, unfinished (dataLen 0),
  damaged header, trailing garbage, a qcow2, libvirt's save magic, a bare
  QEMU stream, a directory, a relative path; the image of a running domain;
  an image whose name is another domain's.
- read-only connections may not save, restore, read an image or define one.
- a save aborted with DOMAIN_ABORT_JOB leaves the guest running.
- managed save: managedsave (0700 directory, 0600 image), dominfo "Managed
  save: yes", list --with/--without-managed-save and --managed-save, python's
  hasManagedSaveImage and MANAGEDSAVE filters, managedsave-dumpxml (read-only
  without the GUID), managedsave-define (ABI and genid checks, --paused),
  undefine refused without --managed-save; start restores the image with the
  SAME GUID and consumes it; --force-boot discards it; the image survives a
  daemon restart; a truncated image or another domain's is refused (the image
  stays, no QEMU); managedsave-remove with and without an image; a transient
  domain has none.  genvirsh's save, restore, managedsave and undefine.
"""

import hashlib
import os
import re
import shutil
import stat
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvsm  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
import testkernel  # noqa: E402

import libvirt  # noqa: E402

HDR = 96
TRAILER = 16


check_guid = gvsm.check_guid


# ---- the image format (docs/saveimage.md) ------------------------------------

def parse_image(path):
    with open(path, 'rb') as f:
        data = f.read()
    hdr = data[:HDR]
    (magic, version, hsize, state, xml_len, xml_off, slot, _r1, data_off, data_len,
     _r2) = struct.unpack('>8sIIIIQIIQQQ', hdr[:64])
    return {'data': data, 'magic': magic, 'version': version, 'hsize': hsize, 'state': state,
            'xml_len': xml_len, 'xml_off': xml_off, 'slot': slot, 'data_off': data_off,
            'data_len': data_len, 'sum': hdr[64:96],
            'xml': data[xml_off:xml_off + xml_len].decode('utf-8', 'replace')}


def image_sum(header64, xml_bytes):
    return hashlib.sha256(header64 + xml_bytes).digest()


def rewrite_header(src, dst, **fields):
    """A copy of image @src with header @fields changed and the checksum
    made right again (what a careless tool could write)."""
    img = parse_image(src)
    data = bytearray(img['data'])
    vals = dict(version=img['version'], hsize=img['hsize'], state=img['state'],
                xml_len=img['xml_len'], xml_off=img['xml_off'], slot=img['slot'],
                data_off=img['data_off'], data_len=img['data_len'])
    vals.update(fields)
    head = struct.pack('>8sIIIIQIIQQQ', b'GVIRSAVE', vals['version'], vals['hsize'],
                       vals['state'], vals['xml_len'], vals['xml_off'], vals['slot'], 0,
                       vals['data_off'], vals['data_len'], 0)
    xml = bytes(data[vals['xml_off']:vals['xml_off'] + vals['xml_len']])
    data[:64] = head
    data[64:96] = image_sum(head, xml)
    gvsm.write_file(dst, '')
    with open(dst, 'wb') as f:
        f.write(bytes(data))
    os.chmod(dst, 0o600)
    return dst


def check_image(h, d, path, name, guid, state, what):
    img = parse_image(path)
    st = os.stat(path)
    h.eq(stat.S_IMODE(st.st_mode), 0o600, '%s: the image is mode 0600 (it holds the GUID)' % what)
    h.eq(img['magic'], b'GVIRSAVE', '%s: magic GVIRSAVE, version %s' % (what, img['version']))
    h.eq((img['version'], img['hsize']), (1, HDR), '%s: version 1, a 96-byte header' % what)
    h.eq(img['state'], state, '%s: the header records state %d' % (what, state))
    h.ok(img['data_off'] % 4096 == 0 and img['data_off'] >= HDR + 2 * img['slot'],
         '%s: the stream starts 4096-aligned after both XML slots (%d)' % (what, img['data_off']))
    h.eq(len(img['data']), img['data_off'] + img['data_len'] + TRAILER,
         '%s: file size = dataOffset + dataLen + trailer' % what)
    h.eq(img['data'][-TRAILER:], b'GVIREND\n' + struct.pack('>Q', img['data_len']),
         '%s: the trailer repeats dataLen' % what)
    h.eq(img['data'][img['data_off']:img['data_off'] + 4], b'QEVM',
         "%s: QEMU's migration stream (QEVM) starts at dataOffset" % what)
    h.eq(image_sum(img['data'][:64], img['xml'].encode()), img['sum'],
         '%s: the SHA-256 covers the header and the XML' % what)
    h.ok('<name>%s</name>' % name in img['xml'] and gvsm.guid_of(img['xml']) == guid,
         '%s: the XML in the image is the domain with its live GUID' % what)
    return img


# ---- the cases ------------------------------------------------------------------

def basic(h, d, name, uid, seen):
    """save, restore twice: a new GUID each time."""
    h.cmd_ok(d.virsh('start', name), 'start %s' % name)
    g0 = d.config_guid(name)
    check_guid(h, d, name, g0, 'after start')
    seen.add(g0)
    pid0 = d.qemu_pid(name)
    img = os.path.join(h.workdir, name + '.save')
    r = d.virsh('save', name, img, '--verbose', timeout=120)
    h.cmd_ok(r, 'virsh save --verbose %s (%.2f s)' % (name, r.elapsed))
    h.ok('Domain \'%s\' saved to %s' % (name, img) in r.out, "virsh says the domain was saved",
         r.out)
    h.ok('Save: [100 %]' in r.err + r.out, 'virsh save --verbose shows the job progress at 100 %',
         r.describe())
    h.eq(d.domstate(name), 'shut off (saved)', 'the domain is shut off (saved)')
    h.ok(pid0 and gvsm.wait_pid_gone(pid0, 10), 'its QEMU %s is gone' % pid0)
    h.eq(gvsm.qemu_pids_by_uuid(uid), [], 'no QEMU runs the domain')
    h.ok(not os.path.exists(d.status_path(name)), 'no status file is left')
    h.eq(sorted(n for n in os.listdir(h.workdir) if n.startswith('.%s.save' % name)), [],
         'no temporary file is left beside the image')
    check_image(h, d, img, name, g0, 1, 'the image of a running guest')
    h.eq(d.config_guid(name), g0, 'the config keeps its GUID through the save')
    log = d.log_text()
    h.ok(g0 not in log, 'the daemon log never shows the GUID')

    prev = g0
    for i in (1, 2):
        r = d.virsh('restore', img, timeout=120)
        h.cmd_ok(r, 'virsh restore %d (%.2f s)' % (i, r.elapsed))
        h.eq(r.out.strip(), 'Domain restored from %s' % img, 'virsh says: Domain restored from')
        h.eq(d.domstate(name), 'running (restored)', 'restore %d: running (restored)' % i)
        h.eq(d.qmp_status(name), 'running', 'restore %d: QEMU runs the guest' % i)
        g = d.qmp_guid(name)
        check_guid(h, d, name, g, 'restore %d' % i)
        h.ok(g and g != prev and g not in seen,
             'restore %d: a GUID never seen before (%s -> %s)' % (i, prev, g),
             'seen %r' % sorted(seen))
        pid = d.qemu_pid(name)
        h.ok(pid and g not in gvsm.read_bytes('/proc/%d/cmdline' % pid).decode('latin-1'),
             'restore %d: the GUID is not on the QEMU command line' % i)
        st = gvsm.read_text(d.status_path(name))
        h.eq(gvsm.guid_of(st), g, 'restore %d: the status file holds the new GUID' % i)
        seen.add(g)
        prev = g
        h.cmd_ok(d.virsh('destroy', name), 'destroy after restore %d' % i)
    img2 = parse_image(img)
    h.eq(gvsm.guid_of(img2['xml']), g0, 'the image itself is unchanged (restore never writes it)')
    h.ok(g0 not in d.log_text() and prev not in d.log_text(), 'the daemon log never shows a GUID')
    return img


def paused(h, d, name, seen):
    h.cmd_ok(d.virsh('start', '--paused', name), 'start --paused %s' % name)
    img = os.path.join(h.workdir, name + '-paused.save')
    g = d.config_guid(name)
    h.cmd_ok(d.virsh('save', name, img), 'save of a paused guest')
    check_image(h, d, img, name, g, 3, 'the image of a paused guest')
    h.cmd_ok(d.virsh('restore', img), 'restore of a paused image')
    h.eq(d.domstate(name), 'paused (saving)', 'the guest is restored paused')
    h.ok(d.qmp_status(name) in ('paused', 'prelaunch'), 'QEMU has the guest loaded, not running')
    g1 = d.qmp_guid(name)
    h.ok(g1 not in seen and g1 != g, 'a new GUID for a paused restore too')
    seen.add(g1)
    h.cmd_ok(d.virsh('resume', name), 'resume')
    h.eq(d.domstate(name), 'running (unpaused)', 'resumed')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    h.cmd_ok(d.virsh('restore', '--running', img), 'restore --running of a paused image')
    h.eq(d.domstate(name), 'running (restored)', '--running overrides the image state')
    seen.add(d.qmp_guid(name))
    img2 = os.path.join(h.workdir, name + '-p2.save')
    h.cmd_ok(d.virsh('save', '--paused', name, img2), 'save --paused of a running guest')
    h.eq(parse_image(img2)['state'], 3, '--paused records state 3 in the header')
    # a domain without an NVRAM: --reset-nvram is a no-op, as in libvirt
    h.cmd_ok(d.virsh('restore', '--reset-nvram', img2),
             'restore it with --reset-nvram (no NVRAM: accepted, nothing to reset)')
    h.eq(d.domstate(name), 'paused (saving)', 'it comes back paused')
    seen.add(d.qmp_guid(name))
    h.cmd_ok(d.virsh('destroy', name), 'destroy')


def fixed(h, d, seen):
    name = 'sr-fixed'
    value = gvsm.new_guid()
    path, uid = h.write_domain(name, genid='fixed:' + value)
    h.cmd_ok(d.virsh('define', path), 'define %s (auto=no)' % name)
    h.cmd_ok(d.virsh('start', name), 'start')
    img = os.path.join(h.workdir, name + '.save')
    h.cmd_ok(d.virsh('save', name, img), 'save')
    h.cmd_ok(d.virsh('restore', img), 'restore')
    check_guid(h, d, name, value, "auto='no': the fixed value stays")
    h.ok("genid is fixed (auto='no'): restored from a save image without telling the guest"
         in d.log_text(), 'the daemon log warns that the guest was not told')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    h.cmd_ok(d.virsh('undefine', name), 'undefine')


def python(h, d, name, seen):
    conn = libvirt.open(d.uri)
    dom = conn.lookupByName(name)
    dom.create()
    img = os.path.join(h.workdir, name + '-py.save')
    dom.save(img)
    h.eq(dom.state(), [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SAVED],
         'python: dom.save(): shut off, saved')
    xml_s = conn.saveImageGetXMLDesc(img, libvirt.VIR_DOMAIN_SAVE_IMAGE_XML_SECURE)
    h.ok(gvsm.guid_of(xml_s) == d.config_guid(name),
         'python: saveImageGetXMLDesc(SECURE) shows the GUID of the image')
    h.eq(gvsm.guid_of(conn.saveImageGetXMLDesc(img, 0)), d.config_guid(name),
         'python: a read-write connection sees it without SECURE too (as dumpxml)')
    ro = libvirt.openReadOnly(d.uri)
    for what, fn in (('saveImageGetXMLDesc', lambda: ro.saveImageGetXMLDesc(img, 0)),
                     ('restore', lambda: ro.restore(img))):
        try:
            fn()
            h.ok(False, 'python read-only: %s is refused' % what)
        except libvirt.libvirtError as e:
            h.ok('read only' in str(e), 'python read-only: %s is refused: %s' % (what, e))
    ro.close()
    conn.restore(img)
    dom = conn.lookupByName(name)
    h.eq(dom.state(), [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED],
         'python: conn.restore(): running, restored')
    seen.add(d.qmp_guid(name))
    dom.saveFlags(img, None, libvirt.VIR_DOMAIN_SAVE_PAUSED)
    h.eq(parse_image(img)['state'], 3, 'python: saveFlags(PAUSED) records paused')
    xml_s = conn.saveImageGetXMLDesc(img, libvirt.VIR_DOMAIN_SAVE_IMAGE_XML_SECURE)
    conn.saveImageDefineXML(img, xml_s, libvirt.VIR_DOMAIN_SAVE_RUNNING)
    h.eq(parse_image(img)['state'], 1, 'python: saveImageDefineXML(RUNNING) changes the state')
    bigger = re.sub(r"<memory unit='KiB'>\d+</memory>", "<memory unit='KiB'>262144</memory>", xml_s)
    try:
        conn.saveImageDefineXML(img, bigger, 0)
        h.ok(False, 'python: saveImageDefineXML with another memory size is refused')
    except libvirt.libvirtError as e:
        h.ok('memory' in str(e), 'python: saveImageDefineXML with another memory size is refused '
             '(ABI): %s' % e)
    img3 = parse_image(img)
    h.eq(img3['state'], 1, 'the image is unchanged after the refused define')
    conn.restoreFlags(img, None, libvirt.VIR_DOMAIN_SAVE_PAUSED)
    h.eq(dom.state()[0], libvirt.VIR_DOMAIN_PAUSED, 'python: restoreFlags(PAUSED): paused')
    seen.add(d.qmp_guid(name))
    dom.saveParams({libvirt.VIR_DOMAIN_SAVE_PARAM_FILE: img})
    h.eq(dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF, 'python: saveParams({file})')
    conn.restoreParams({libvirt.VIR_DOMAIN_SAVE_PARAM_FILE: img}, libvirt.VIR_DOMAIN_SAVE_RUNNING)
    h.eq(dom.state()[0], libvirt.VIR_DOMAIN_RUNNING, 'python: restoreParams({file}, RUNNING)')
    g = d.qmp_guid(name)
    h.ok(g not in seen, 'python: every restore gave a new GUID')
    seen.add(g)
    for what, fn in (('restoreParams without file', lambda: conn.restoreParams({}, 0)),
                     ('restoreParams with a relative file',
                      lambda: conn.restoreParams({libvirt.VIR_DOMAIN_SAVE_PARAM_FILE:
                                                  'relative.save'}, 0)),
                     ('restoreParams with an unknown parameter',
                      lambda: conn.restoreParams({'file': img, 'bogus': 'x'}, 0)),
                     ('saveFlags with RUNNING and PAUSED',
                      lambda: dom.saveFlags(img, None, 6))):
        try:
            fn()
            h.ok(False, 'python: %s is refused' % what)
        except libvirt.libvirtError as e:
            h.ok(True, 'python: %s is refused: %s' % (what, e))
    dom.destroy()
    conn.close()


def alternate_xml(h, d, name, img, seen):
    """restore --xml and save-image-define: the ABI check."""
    xml = d.virsh('save-image-dumpxml', '--security-info', img).out
    gimg = gvsm.guid_of(xml)
    alt = os.path.join(h.workdir, 'alt.xml')
    gvsm.write_file(alt, re.sub(r"<memory unit='KiB'>\d+</memory>",
                                "<memory unit='KiB'>262144</memory>", xml))
    r = d.virsh('restore', img, '--xml', alt)
    h.cmd_fails(r, 'restore --xml with another memory size is refused', ['memory'])
    h.eq(d.domstate(name), 'shut off (destroyed)', 'and nothing started')
    other = gvsm.new_guid()
    gvsm.write_file(alt, xml.replace(gimg, other))
    r = d.virsh('restore', img, '--xml', alt)
    h.cmd_fails(r, 'restore --xml with another genid value is refused (ABI)', ['genid'])
    # a title changes no ABI; the GUID left out means "the image's"
    novalue = re.sub(r"<guid auto='yes'>[^<]*</guid>", "<guid auto='yes'/>", xml)
    novalue = novalue.replace('</name>', '</name>\n  <title>restored with --xml</title>', 1)
    gvsm.write_file(alt, novalue)
    r = d.virsh('restore', img, '--xml', alt)
    h.cmd_ok(r, "restore --xml with a title and <guid auto='yes'/> without a value")
    live = d.live_xml(name)
    h.ok('<title>restored with --xml</title>' in live, 'the live XML is the alternate one')
    g = d.qmp_guid(name)
    h.ok(g and g != gimg and g not in seen, 'and the guest got a new GUID all the same')
    seen.add(g)
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    r = d.virsh('save-image-define', img, alt)
    h.cmd_ok(r, 'save-image-define with the alternate XML')
    h.ok('<title>restored with --xml</title>' in
         d.virsh('save-image-dumpxml', img).out, 'save-image-dumpxml shows the new XML')
    h.eq(gvsm.guid_of(d.virsh('save-image-dumpxml', '--security-info', img).out), gimg,
         "the image's GUID was kept by <guid auto='yes'/> without a value")
    gvsm.write_file(alt, xml.replace(gimg, other))
    h.cmd_fails(d.virsh('save-image-define', img, alt),
                'save-image-define with another genid value is refused', ['genid'])


def bad_images(h, d, name, img, other_name):
    """Every bad image is refused before any QEMU starts."""
    cfg = d.config_text(name)
    work = h.mkdtemp('bad')
    size = len(parse_image(img)['data'])
    cases = []
    trunc = os.path.join(work, 'truncated.save')
    shutil.copy(img, trunc)
    os.truncate(trunc, size // 2)
    cases.append(('a truncated image', trunc, ['truncated', trunc]))
    short = os.path.join(work, 'short.save')
    with open(short, 'wb') as f:
        f.write(parse_image(img)['data'][:40])
    cases.append(('an image cut inside its header', short, ['truncated']))
    noend = os.path.join(work, 'no-trailer.save')
    shutil.copy(img, noend)
    os.truncate(noend, size - TRAILER)
    cases.append(('an image without its trailer', noend, ['truncated']))
    longer = os.path.join(work, 'longer.save')
    shutil.copy(img, longer)
    with open(longer, 'ab') as f:
        f.write(b'x' * 100)
    cases.append(('an image with bytes after its end', longer, ['damaged', 'more than']))
    cases.append(('an unfinished image (dataLen 0)',
                  rewrite_header(img, os.path.join(work, 'unfinished.save'), data_len=0),
                  ['incomplete', 'did not finish']))
    cases.append(('an image of another format version',
                  rewrite_header(img, os.path.join(work, 'v2.save'), version=2),
                  ['format version 2']))
    flipped = os.path.join(work, 'flipped.save')
    data = bytearray(parse_image(img)['data'])
    data[parse_image(img)['xml_off'] + 10] ^= 0x20  # in the XML slot the header names
    with open(flipped, 'wb') as f:
        f.write(data)
    cases.append(('an image whose XML was changed', flipped, ['damaged', 'checksum']))
    qcow = h.image('not-an-image')
    cases.append(('a qcow2 disk', qcow, ['not a genvirt save image', 'qcow2']))
    lv = os.path.join(work, 'libvirt.save')
    with open(lv, 'wb') as f:
        f.write(b'LibvirtQemudSave' + b'\0' * 200)
    cases.append(("libvirt's save image", lv, ['not a genvirt save image', 'libvirt']))
    raw = os.path.join(work, 'raw.stream')
    with open(raw, 'wb') as f:
        f.write(parse_image(img)['data'][parse_image(img)['data_off']:][:4096])
    cases.append(('a bare QEMU stream', raw, ['not a genvirt save image', 'QEMU migration']))
    empty = os.path.join(work, 'empty.save')
    gvsm.write_file(empty, '')
    cases.append(('an empty file', empty, ['not a genvirt save image']))
    cases.append(('a directory', work, ['not a regular file']))
    cases.append(('a missing file', os.path.join(work, 'missing.save'),
                  ['cannot open save image']))
    for what, path, words in cases:
        r = d.virsh('restore', path)
        h.cmd_fails(r, 'restore of %s is refused' % what, words)
        h.eq(gvsm.qemu_pids_by_uuid(d.uuid_of[name]), [], '%s: no QEMU started' % what)
    h.eq(d.config_text(name), cfg, 'the config is intact after the bad images')
    h.ok(d.serving(), 'the daemon serves after the bad images')
    for what, path, words in cases[:3]:
        h.cmd_fails(d.virsh('save-image-dumpxml', path), 'save-image-dumpxml of %s is refused'
                    % what, words)
    # the image of a running domain, and one whose name another domain has
    h.cmd_ok(d.virsh('start', name), 'start %s' % name)
    h.cmd_fails(d.virsh('restore', img), 'restore of the image of a running domain is refused',
                ['already active'])
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    xml = d.virsh('save-image-dumpxml', '--security-info', img).out
    clash = os.path.join(work, 'clash.save')
    shutil.copy(img, clash)
    r = d.virsh('save-image-define', clash,
                write(h, 'clash.xml', xml.replace('<name>%s</name>' % name,
                                                 '<name>%s</name>' % other_name)))
    h.cmd_ok(r, 'save-image-define renames the domain in a copy of the image')
    h.cmd_fails(d.virsh('restore', clash),
                'restore of an image named as another domain (another uuid) is refused',
                ["domain '%s' is already defined with uuid" % other_name])
    h.eq(d.domstate(other_name), 'shut off (unknown)', '%s stays shut off' % other_name)
    # a python client may send a relative path; the daemon refuses it
    conn = libvirt.open(d.uri)
    try:
        conn.restoreParams({'file': 'relative.save'}, 0)
        h.ok(False, 'a relative path is refused')
    except libvirt.libvirtError as e:
        h.ok('not absolute' in str(e), 'a relative path is refused: %s' % e)
    conn.close()


def write(h, name, text):
    path = os.path.join(h.workdir, name)
    gvsm.write_file(path, text)
    return path


def readonly(h, d, name, img):
    h.cmd_ok(d.virsh('start', name), 'start %s' % name)
    for what, args in (('save', ('save', name, img + '.ro')),
                       ('restore', ('restore', img)),
                       ('save-image-dumpxml', ('save-image-dumpxml', img)),
                       ('save-image-define', ('save-image-define', img, img))):
        r = d.virsh(*args, ro=True)
        h.cmd_fails(r, 'read-only: %s is refused' % what, ['read only'])
    h.ok(not os.path.exists(img + '.ro'), 'read-only: no image was written')
    h.eq(d.domstate(name), 'running (booted)', 'read-only: the domain runs on')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')


def abort(h, d, seen):
    """A save of a big guest, aborted (DOMAIN_ABORT_JOB) while GET_JOB_INFO
    shows it under way: the guest runs on, no image is left."""
    name = 'sr-abort'
    kernel = testkernel.write_fill_kernel(os.path.join(h.workdir, 'fill.bin'))
    path, uid = h.write_domain(name, memory_mib=1024, kernel=kernel, disks=[], dtype='qemu')
    h.cmd_ok(d.virsh('define', path), 'define %s (1 GiB, a kernel that fills its RAM)' % name)
    h.cmd_ok(d.virsh('start', name), 'start')

    def filled():
        a = d.qmp(name, {'execute': 'human-monitor-command',
                         'arguments': {'command-line': 'xp /1wx 0x9000'}})
        return a and 'd0e1f111' in a.get('return', '')
    h.ok(gvsm.wait_until(filled, 120, 0.5)[0], 'the guest filled its RAM')
    conn = libvirt.open(d.uri)
    dom = conn.lookupByName(name)
    img = os.path.join(h.workdir, name + '.save')
    err = []

    def save():
        c2 = libvirt.open(d.uri)
        try:
            c2.lookupByName(name).save(img)
        except libvirt.libvirtError as e:
            err.append(str(e))
        c2.close()
    t = threading.Thread(target=save, daemon=True)
    t.start()
    info = None
    t0 = time.monotonic()
    while time.monotonic() - t0 < 30:
        i = dom.jobInfo()
        if i[0] == libvirt.VIR_DOMAIN_JOB_UNBOUNDED and i[3] > 0:
            info = i
            break
        time.sleep(0.005)
    h.ok(info is not None and info[4] <= info[3],
         'GET_JOB_INFO during the save: unbounded, %s of %s bytes' % (
             info and info[4], info and info[3]))
    stats = dom.jobStats()
    h.eq(stats.get('operation'), libvirt.VIR_DOMAIN_JOB_OPERATION_SAVE,
         'GET_JOB_STATS: operation save', repr(stats))
    dom.abortJob()
    t.join(60)
    h.ok(err and 'canceled by client' in err[0], 'the save fails: canceled by client', repr(err))
    h.eq(d.domstate(name), 'running (save canceled)', 'the guest runs on (save canceled)')
    h.eq(d.qmp_status(name), 'running', 'QEMU runs it')
    h.eq([n for n in os.listdir(h.workdir) if n.startswith((name + '.save', '.' + name))],
         [], 'no image and no temporary file is left')
    # and a save that runs to its end
    r = d.virsh('save', name, img, timeout=300)
    h.cmd_ok(r, 'save of the 1 GiB filled guest (%.2f s)' % r.elapsed)
    size = os.path.getsize(img)
    h.ok(size > 900 * 1024 * 1024, 'the image holds the filled RAM (%d MiB)' % (size >> 20))
    r = d.virsh('restore', img, timeout=300)
    h.cmd_ok(r, 'restore of it (%.2f s)' % r.elapsed)
    h.ok(filled(), 'the restored guest has its RAM back (its marker at 0x9000)')
    seen.add(d.qmp_guid(name))
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    os.unlink(img)
    conn.close()


# ---- managed save --------------------------------------------------------------

def managed(h, d, seen):
    name = 'sr-managed'
    path, uid = h.write_domain(name)
    h.cmd_ok(d.virsh('define', path), 'define %s' % name)
    h.cmd_ok(d.virsh('start', name), 'start')
    g0 = d.config_guid(name)
    savedir = os.path.join(d.root, 'var', 'lib', 'genvirt', 'save')
    img = os.path.join(savedir, name + '.save')
    r = d.virsh('managedsave', name, '--verbose')
    h.cmd_ok(r, 'virsh managedsave %s' % name)
    h.ok("Domain '%s' state saved by libvirt" % name in r.out, 'virsh says the state was saved',
         r.out)
    h.eq(d.domstate(name), 'shut off (saved)', 'shut off (saved)')
    h.eq(stat.S_IMODE(os.stat(savedir).st_mode), 0o700, 'var/lib/genvirt/save/ is 0700')
    check_image(h, d, img, name, g0, 1, 'the managed save image')
    r = d.virsh('dominfo', name)
    h.ok(re.search(r'^Managed save: +yes$', r.out, re.M), 'dominfo: Managed save: yes', r.out)
    h.eq(d.names('--all', '--with-managed-save'), [name], 'list --with-managed-save')
    h.ok(name not in (d.names('--all', '--without-managed-save') or []),
         'list --without-managed-save leaves it out')
    r = d.virsh('list', '--all', '--managed-save')
    h.ok(re.search(r'%s +saved' % re.escape(name), r.out), 'list --all --managed-save: saved',
         r.out)
    conn = libvirt.open(d.uri)
    dom = conn.lookupByName(name)
    h.eq(dom.hasManagedSaveImage(0), 1, 'python: hasManagedSaveImage(0) is 1')
    h.eq(sorted(x.name() for x in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE)),
         [name], 'python: listAllDomains(MANAGEDSAVE)')
    h.ok(name not in [x.name() for x in conn.listAllDomains(
        libvirt.VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE)], 'python: NO_MANAGEDSAVE leaves it out')
    # its XML, read-only or not
    r = d.virsh('managedsave-dumpxml', name)
    h.eq(gvsm.guid_of(r.out), g0, 'managedsave-dumpxml on a read-write connection shows the GUID')
    r = d.virsh('managedsave-dumpxml', '--security-info', name)
    h.eq(gvsm.guid_of(r.out), g0, 'managedsave-dumpxml --security-info shows the GUID')
    xml = r.out
    r = d.virsh('managedsave-dumpxml', name, ro=True)
    h.ok(r.rc == 0 and "<guid auto='yes'/>" in r.out,
         'read-only: managedsave-dumpxml works, without the GUID', r.describe())
    h.cmd_fails(d.virsh('managedsave-dumpxml', '--security-info', name, ro=True),
                'read-only: managedsave-dumpxml --security-info is refused', ['secure flag'])
    h.cmd_fails(d.virsh('managedsave-define', name, write(h, 'm.xml', xml), ro=True),
                'read-only: managedsave-define is refused', ['read only'])
    h.cmd_fails(d.virsh('managedsave-remove', name, ro=True),
                'read-only: managedsave-remove is refused', ['read only'])
    h.eq(d.virsh('dominfo', name, ro=True).rc, 0, 'read-only: dominfo works')
    # managedsave-define: the ABI check, a state change
    bigger = re.sub(r"<vcpu>1</vcpu>", "<vcpu>2</vcpu>", xml)
    h.cmd_fails(d.virsh('managedsave-define', name, write(h, 'm.xml', bigger)),
                'managedsave-define with another vcpu count is refused (ABI)', ['vcpu'])
    other = xml.replace(g0, gvsm.new_guid())
    h.cmd_fails(d.virsh('managedsave-define', name, write(h, 'm.xml', other)),
                'managedsave-define with another genid value is refused', ['genid'])
    titled = xml.replace('</name>', '</name>\n  <title>managed</title>', 1)
    h.cmd_ok(d.virsh('managedsave-define', '--paused', name, write(h, 'm.xml', titled)),
             'managedsave-define --paused with a title')
    h.eq(parse_image(img)['state'], 3, 'the image now restores paused')
    # undefine needs --managed-save
    h.cmd_fails(d.virsh('undefine', name), 'undefine with a managed save image is refused',
                ['managed save'])
    h.ok(os.path.exists(d.config_path(name)) and os.path.exists(img),
         'the config and the image are still there')
    # start restores it, with the same GUID, and consumes it
    r = d.virsh('start', name)
    h.cmd_ok(r, 'start restores the managed save image')
    h.eq(d.domstate(name), 'paused (saving)', 'restored paused (as managedsave-define said)')
    check_guid(h, d, name, g0, 'managed save, start: the GUID is kept')
    h.ok('<title>managed</title>' in d.live_xml(name), "the live XML is the image's")
    h.ok(not os.path.exists(img), 'the image is gone: it can never run twice')
    h.eq(dom.hasManagedSaveImage(0), 0, 'hasManagedSaveImage(0) is 0 again')
    h.cmd_ok(d.virsh('resume', name), 'resume')
    h.eq(d.qmp_status(name), 'running', 'the guest runs')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    h.cmd_ok(d.virsh('start', name), 'start without an image boots')
    h.eq(d.domstate(name), 'running (booted)', 'running (booted)')
    check_guid(h, d, name, g0, 'a cold boot keeps the GUID')
    # python, --force-boot, a daemon restart, start --paused
    dom.managedSave(0)
    h.eq(dom.state(), [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SAVED],
         'python: managedSave(0)')
    r = d.virsh('start', '--force-boot', name)
    h.cmd_ok(r, 'start --force-boot')
    h.eq(d.domstate(name), 'running (booted)', '--force-boot boots')
    h.ok(not os.path.exists(img), '--force-boot discarded the image')
    dom.managedSave(0)
    conn.close()
    d.stop()
    d.start()
    conn = libvirt.open(d.uri)
    dom = conn.lookupByName(name)
    h.eq(dom.hasManagedSaveImage(0), 1, 'after a daemon restart the image is known')
    h.cmd_ok(d.virsh('start', '--paused', name), 'start --paused restores it paused')
    h.eq(d.domstate(name), 'paused (user)', 'start --paused: paused (user)')
    check_guid(h, d, name, g0, 'kept across managed save, daemon restart, start')
    h.cmd_ok(d.virsh('resume', name), 'resume')
    # a damaged image: the start fails and the image stays; force-boot gets past it
    dom.managedSave(0)
    size = os.path.getsize(img)
    os.truncate(img, size - 100)
    h.cmd_fails(d.virsh('start', name), 'start with a truncated managed save image fails',
                ['truncated', img])
    h.eq(dom.hasManagedSaveImage(0), 1, 'the damaged image stays')
    h.eq(gvsm.qemu_pids_by_uuid(uid), [], 'and no QEMU runs')
    h.cmd_ok(d.virsh('start', '--force-boot', name), 'start --force-boot past it')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    # another domain's image under this name: refused
    h.cmd_ok(d.virsh('start', name), 'start')
    other_img = os.path.join(h.workdir, 'other.save')
    h.cmd_ok(d.virsh('save', name, other_img), 'save to a file')
    opath, ouid = h.write_domain('sr-managed2')
    h.cmd_ok(d.virsh('define', opath), 'define sr-managed2')
    shutil.copy(other_img, os.path.join(savedir, 'sr-managed2.save'))
    os.chmod(os.path.join(savedir, 'sr-managed2.save'), 0o600)
    conn.close()
    d.stop()
    d.start()
    conn = libvirt.open(d.uri)
    h.cmd_fails(d.virsh('start', 'sr-managed2'),
                "start with another domain's image in its place is refused",
                ["holds domain '%s'" % name, '--force-boot'])
    h.cmd_ok(d.virsh('start', '--force-boot', 'sr-managed2'), 'start --force-boot')
    h.cmd_ok(d.virsh('destroy', 'sr-managed2'), 'destroy')
    # virsh managedsave-remove, with and without an image
    h.cmd_ok(d.virsh('restore', other_img), 'restore %s' % name)
    seen.add(d.qmp_guid(name))
    h.cmd_ok(d.virsh('managedsave', name), 'managedsave')
    r = d.virsh('managedsave-remove', name)
    h.cmd_ok(r, 'managedsave-remove')
    h.ok('Removed managedsave image for domain' in r.out, r.out.strip())
    r = d.virsh('managedsave-remove', name)
    h.ok(r.rc == 0 and 'has no manage save image; removal skipped' in r.out,
         'managedsave-remove without an image: skipped', r.describe())
    dom = conn.lookupByName(name)
    try:
        dom.managedSaveRemove(0)
        h.ok(False, 'python: managedSaveRemove without an image fails')
    except libvirt.libvirtError as e:
        h.ok('Failed to remove managed save file' in str(e),
             'python: managedSaveRemove without an image fails: %s' % e)
    # undefine --managed-save removes both
    h.cmd_ok(d.virsh('start', name), 'start')
    h.cmd_ok(d.virsh('managedsave', name), 'managedsave')
    h.cmd_ok(d.virsh('undefine', '--managed-save', name), 'undefine --managed-save')
    h.ok(not os.path.exists(img) and not os.path.exists(d.config_path(name)),
         'the image and the config are gone')
    # a transient domain has no managed save
    tpath, tuid = h.write_domain('sr-transient')
    h.cmd_ok(d.virsh('create', tpath), 'create sr-transient')
    h.cmd_fails(d.virsh('managedsave', 'sr-transient'),
                'managedsave of a transient domain is refused', ['transient'])
    h.cmd_ok(d.virsh('save', 'sr-transient', os.path.join(h.workdir, 't.save')),
             'save of a transient domain')
    h.ok('sr-transient' not in (d.names('--all') or []), 'a saved transient domain is gone')
    h.cmd_ok(d.virsh('restore', os.path.join(h.workdir, 't.save')), 'restore it')
    h.eq(d.domstate('sr-transient'), 'running (restored)', 'it runs again (transient)')
    h.eq(d.virsh('dominfo', 'sr-transient').out.count('Persistent:     no'), 1, 'still transient')
    seen.add(d.qmp_guid('sr-transient'))
    h.cmd_ok(d.virsh('destroy', 'sr-transient'), 'destroy')
    conn.close()


def genvirsh(h, d, seen):
    """genvirsh save/restore/managedsave and the auto='no' warning."""
    name = 'sr-gv'
    value = gvsm.new_guid()
    path, uid = h.write_domain(name, genid='fixed:' + value)
    h.cmd_ok(d.genvirsh('define', path), 'genvirsh define %s (auto=no)' % name)
    h.cmd_ok(d.genvirsh('start', name), 'genvirsh start')
    img = os.path.join(h.workdir, 'gv.save')
    r = h.genvirsh(d.gv_uri, 'save', name, 'gv.save', cwd=h.workdir)
    h.cmd_ok(r, 'genvirsh save NAME relative-path (made absolute by genvirsh)')
    h.eq(r.out.strip(), "Domain '%s' saved to %s" % (name, img), 'genvirsh says where')
    r = h.genvirsh(d.gv_uri, 'restore', 'gv.save', cwd=h.workdir)
    h.cmd_ok(r, 'genvirsh restore')
    h.ok('warning' in r.err and "fixed genid (auto='no')" in r.err,
         'genvirsh restore warns that the guest was not told', r.err)
    check_guid(h, d, name, value, "auto='no' kept")
    r = d.genvirsh('managedsave', name)
    h.cmd_ok(r, 'genvirsh managedsave')
    r = d.genvirsh('dominfo', name)
    h.ok(re.search(r'^Managed save: +yes$', r.out, re.M), 'genvirsh dominfo: Managed save: yes')
    h.cmd_fails(d.genvirsh('undefine', name), 'genvirsh undefine is refused', ['managed save'])
    h.cmd_ok(d.genvirsh('managedsave-remove', name), 'genvirsh managedsave-remove')
    h.cmd_ok(d.genvirsh('start', name), 'genvirsh start boots')
    h.cmd_ok(d.genvirsh('managedsave', name), 'genvirsh managedsave')
    h.cmd_ok(d.genvirsh('undefine', '--managed-save', name), 'genvirsh undefine --managed-save')


def main(h):
    d = gvsm.Daemon(h, label='sr')
    if not d.start():
        return
    d.uuid_of = {}
    seen = set()
    name = 'sr-a'
    path, uid = h.write_domain(name)
    d.uuid_of[name] = uid
    h.cmd_ok(d.virsh('define', path), 'define %s' % name)
    other = 'sr-b'
    opath, ouid = h.write_domain(other)
    d.uuid_of[other] = ouid
    h.cmd_ok(d.virsh('define', opath), 'define %s' % other)
    img = basic(h, d, name, uid, seen)
    paused(h, d, name, seen)
    fixed(h, d, seen)
    python(h, d, name, seen)
    alternate_xml(h, d, name, img, seen)
    bad_images(h, d, name, img, other)
    readonly(h, d, name, img)
    managed(h, d, seen)
    genvirsh(h, d, seen)
    abort(h, d, seen)
    h.check_no_qemus()


if __name__ == '__main__':
    gvsm.Harness('saverestore', deadline=540).main(main)
