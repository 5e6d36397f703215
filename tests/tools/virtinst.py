#!/usr/bin/python3
"""virt-install, virt-xml and virt-clone (Debian's virtinst 4.1) against a
real genvirtd running real QEMU.  TAP.

- virt-install --import of an empty qcow2 image, with --graphics none and
  with --graphics vnc: the domain is defined (CREATE_XML then DEFINE_XML,
  as virtinst does) and running, its QEMU carries the domain's uuid, the
  GUID that `--metadata genid_enable=yes` asked for is generated and is
  the same in the live XML, the config and QEMU; the console pty and the
  VNC server QEMU listens on are real.
- virt-install with its default NIC (`<interface type='network'>`) is
  refused with genvirt's message (no network driver), leaving nothing
  defined; the runs above pass `--network user`.
- virt-xml --edit (memory, title) changes the config of the running
  domain, not the live one, keeps the GUID; a cold restart applies it.
- virt-clone --auto-clone: virtinst defines, starts and autostarts a
  directory pool for the image's directory and has genvirtd copy the
  image into a new volume (STORAGE_VOL_CREATE_XML_FROM: qemu-img
  convert); the clone has a new uuid, MAC and disk, and a new GUID
  (virt-clone copies the original's; genvirtd's define renews a copied
  auto='yes' value, DESIGN.md 2.2) while the original keeps its own; both
  start, each QEMU with the GUID of its config.
- virt-clone --preserve-data --file COPY (the image copied beforehand)
  defines a clone on that image, with a GUID of its own.

Usage: virtinst.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import re
import shutil
import socket
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tooltest  # noqa: E402

tooltest.require({'/usr/bin/virt-install': 'virtinst', '/usr/bin/virt-xml': 'virtinst',
                  '/usr/bin/virt-clone': 'virtinst'})

import gvtest  # noqa: E402


def virt_install(h, d, name, disk, *extra, network=('--network', 'user')):
    argv = ['/usr/bin/virt-install', '--connect', d.uri, '--import', '--name', name,
            '--memory', '128', '--vcpus', '1', '--disk', disk,
            '--osinfo', 'detect=on,require=off', '--noautoconsole'] + list(network) + list(extra)
    return h.run(argv, timeout=90)


def mem_kib(xml):
    m = re.search(r"<memory unit='KiB'>(\d+)</memory>", xml or '')
    return int(m.group(1)) if m else None


def vnc_port(pid):
    """The TCP port of QEMU's -vnc HOST:DISPLAY argument."""
    argv = tooltest.qemu_args(pid)
    if '-vnc' not in argv:
        return None
    m = re.match(r'^[^,]*:(\d+)(,|$)', argv[argv.index('-vnc') + 1])
    return 5900 + int(m.group(1)) if m else None


def rfb_banner(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
            return s.recv(12)
    except OSError as e:
        return repr(e).encode()


def main(h):
    d = tooltest.daemon(h)
    if not d:
        return

    # ---- the default NIC: refused, nothing left behind
    img0 = tooltest.disk_image(h, 'vi-net.qcow2')
    t0 = time.monotonic()
    r = virt_install(h, d, 'vi-net', img0, '--graphics', 'none', network=())
    h.cmd_fails(r, 'virt-install with its default NIC (type network) fails with genvirt\'s '
                'reason', ["of type 'network'", 'genvirt has no network driver'])
    h.eq(d.names('--all'), [], 'and defines nothing')

    # ---- --graphics none
    img1 = tooltest.disk_image(h, 'vi-nographics.qcow2')
    t0 = time.monotonic()
    r = virt_install(h, d, 'vi-nographics', img1, '--graphics', 'none',
                     '--metadata', 'genid_enable=yes')
    h.ok(r.rc == 0 and 'Domain creation completed' in r.out,
         'virt-install --import --graphics none --network user --metadata genid_enable=yes '
         '(%.1f s)' % (time.monotonic() - t0), r.describe())
    tooltest.check_running(h, d, 'vi-nographics', 'virt-install --graphics none')
    r = d.virsh('dominfo', 'vi-nographics')
    h.ok(re.search(r'^Persistent:\s+yes$', r.out, re.M),
         'the domain is persistent (virtinst made the transient start persistent with '
         'DEFINE_XML)', r.describe())
    g1 = tooltest.check_guid(h, d, 'vi-nographics', 'virt-install --graphics none')
    live = d.live_xml('vi-nographics') or ''
    m = re.search(r"<console type='pty' tty='(/dev/pts/\d+)'>", live)
    h.ok(m and os.path.exists(m.group(1)),
         'the live XML names the console pty QEMU opened (%s)' % (m.group(1) if m else None),
         live)
    h.ok(img1 in live and "<driver name='qemu' type='qcow2'/>" in live,
         'the disk is the imported qcow2 image', live)

    # ---- --graphics vnc
    img2 = tooltest.disk_image(h, 'vi-vnc.qcow2')
    t0 = time.monotonic()
    r = virt_install(h, d, 'vi-vnc', img2, '--graphics', 'vnc', '--metadata', 'genid_enable=yes')
    h.ok(r.rc == 0 and 'Domain creation completed' in r.out,
         'virt-install --import --graphics vnc --network user (%.1f s)'
         % (time.monotonic() - t0), r.describe())
    pid = tooltest.check_running(h, d, 'vi-vnc', 'virt-install --graphics vnc')
    g2 = tooltest.check_guid(h, d, 'vi-vnc', 'virt-install --graphics vnc')
    h.ok(g1 and g2 and g1 != g2, 'each domain has its own GUID')
    port = vnc_port(pid) if pid else None
    banner = rfb_banner(port) if port else b''
    h.ok(banner.startswith(b'RFB 003.'), 'QEMU serves VNC on port %s (banner %r)'
         % (port, banner))
    r = d.virsh('vncdisplay', 'vi-vnc')
    want = '127.0.0.1:%d' % (port - 5900) if port else None
    h.ok(r.rc == 0 and r.out.strip() == want,
         'virsh vncdisplay names that display (%s)' % want, r.describe())

    # ---- virt-xml --edit on the running domain
    cfg_before = d.config_text('vi-vnc')
    r = h.run(['/usr/bin/virt-xml', '--connect', d.uri, 'vi-vnc', '--edit', '--memory', '192'],
              timeout=60)
    h.ok(r.rc == 0 and 'defined successfully' in r.out, 'virt-xml vi-vnc --edit --memory 192',
         r.describe())
    r = h.run(['/usr/bin/virt-xml', '--connect', d.uri, 'vi-vnc', '--edit', '--metadata',
               'title=edited by virt-xml'], timeout=60)
    h.ok(r.rc == 0 and 'defined successfully' in r.out,
         "virt-xml vi-vnc --edit --metadata title='edited by virt-xml'", r.describe())
    inactive = d.virsh('dumpxml', '--inactive', 'vi-vnc').out
    h.eq(mem_kib(inactive), 192 * 1024, 'the config has the new memory size')
    h.ok('<title>edited by virt-xml</title>' in inactive, 'and the title', inactive)
    h.eq(mem_kib(d.live_xml('vi-vnc')), 128 * 1024, 'the running domain keeps its memory')
    h.eq(d.config_guid('vi-vnc'), gvtest.guid_of(cfg_before),
         'the config keeps its GUID through both edits')
    r = d.virsh('destroy', 'vi-vnc')
    r2 = d.virsh('start', 'vi-vnc')
    h.ok(r.rc == 0 and r2.rc == 0 and mem_kib(d.live_xml('vi-vnc')) == 192 * 1024 and
         d.qemu_pid('vi-vnc'), 'after destroy and start the edit is live', r2.describe())
    h.eq(tooltest.check_guid(h, d, 'vi-vnc', 'the restarted domain'), g2,
         'a cold restart keeps the GUID')

    # ---- virt-clone --auto-clone: a new volume in a pool virtinst defines
    for name in ('vi-vnc', 'vi-nographics'):
        h.cmd_ok(d.virsh('destroy', name), 'virsh destroy %s (virt-clone wants it shut off; '
                 'one QEMU at a time)' % name)
    orig_before = d.virsh('dumpxml', '--inactive', 'vi-nographics').out
    og = gvtest.guid_of(orig_before)
    t0 = time.monotonic()
    r = h.run(['/usr/bin/virt-clone', '--connect', d.uri, '--original', 'vi-nographics',
               '--auto-clone'], timeout=90)
    h.ok(r.rc == 0 and "Clone 'vi-nographics-clone' created successfully" in r.out,
         'virt-clone --original vi-nographics --auto-clone (%.1f s)' % (time.monotonic() - t0),
         r.describe())
    clone_img = os.path.join(h.workdir, 'vi-nographics-clone.qcow2')
    clone = d.virsh('dumpxml', '--inactive', 'vi-nographics-clone').out
    orig = d.virsh('dumpxml', '--inactive', 'vi-nographics').out
    h.ok(("<source file='%s'/>" % clone_img) in clone and img1 not in clone,
         'the clone\'s disk is a new image %s' % clone_img, clone)
    info = h.run([tooltest.QEMU_IMG, 'info', '--output=json', clone_img], timeout=30)
    src_info = h.run([tooltest.QEMU_IMG, 'info', '--output=json', img1], timeout=30)
    vsize = [re.search(r'"virtual-size": (\d+)', x.out) for x in (info, src_info)]
    h.ok(info.rc == 0 and '"format": "qcow2"' in info.out and vsize[0] and vsize[1] and
         vsize[0].group(1) == vsize[1].group(1),
         'genvirtd made it with qemu-img convert: qcow2 of the original\'s size (%s bytes)'
         % (vsize[1].group(1) if vsize[1] else None), info.describe())
    pools = d.virsh('pool-list', '--all', '--details').out
    r = d.virsh('vol-list', os.path.basename(h.workdir))
    h.ok(r.rc == 0 and 'vi-nographics-clone.qcow2' in r.out and
         os.path.basename(h.workdir) in pools,
         'the pool virtinst defined for the image directory (STORAGE_POOL_DEFINE_XML, CREATE, '
         'SET_AUTOSTART) lists it', pools + r.describe())
    ou, cu = tooltest.domain_uuid(orig), tooltest.domain_uuid(clone)
    h.ok(ou and cu and ou != cu, 'the clone has a new uuid (%s)' % cu)
    macs = [re.findall(r"<mac address='([0-9a-f:]+)'/>", x) for x in (orig, clone)]
    h.ok(macs[0] and macs[1] and not set(macs[0]) & set(macs[1]), 'and a new MAC %r' % macs[1])
    cg = gvtest.guid_of(clone)
    h.ok(og and cg and og != cg and gvtest.UUID4_RE.match(cg),
         'the clone\'s GUID is new (virt-clone copied the original\'s; define renewed it: '
         'DESIGN.md 2.2)', 'original %r, clone %r' % (og, cg))
    h.eq(gvtest.guid_of(orig), og, 'the original keeps its GUID')
    h.ok('was defined with the genid value of domain \'vi-nographics\'' in d.log_text(),
         'genvirtd says in its log that the copy got a new value (never the value)')
    for name in ('vi-nographics', 'vi-nographics-clone'):
        h.cmd_ok(d.virsh('start', name), 'virsh start %s' % name)
    g_orig = tooltest.check_guid(h, d, 'vi-nographics', 'the started original')
    g_clone = tooltest.check_guid(h, d, 'vi-nographics-clone', 'the started clone')
    h.ok(g_orig == og and g_clone == cg and og != cg,
         'both run, each with the GUID of its own config')
    for name in ('vi-nographics', 'vi-nographics-clone'):
        d.virsh('destroy', name)

    # ---- virt-clone --preserve-data onto an image copied beforehand
    copy = os.path.join(h.workdir, 'vi-clone.qcow2')
    shutil.copyfile(img1, copy)
    t0 = time.monotonic()
    r = h.run(['/usr/bin/virt-clone', '--connect', d.uri, '--original', 'vi-nographics',
               '--name', 'vi-clone', '--file', copy, '--preserve-data'], timeout=60)
    h.ok(r.rc == 0 and "Clone 'vi-clone' created successfully" in r.out,
         'virt-clone --original vi-nographics --name vi-clone --file COPY --preserve-data '
         '(%.1f s)' % (time.monotonic() - t0), r.describe())
    clone = d.virsh('dumpxml', '--inactive', 'vi-clone').out
    h.ok(("<source file='%s'/>" % copy) in clone and img1 not in clone,
         'the clone uses that image', clone)
    pg = gvtest.guid_of(clone)
    h.ok(pg and pg not in (og, cg), 'and has a GUID of its own')

    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gvtest.Harness('tools-virtinst', deadline=240).main(main)
