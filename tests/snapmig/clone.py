#!/usr/bin/python3
"""Copies of a machine get a generation of their own (DESIGN.md 2.2, issue 11).

- define with another domain's genid value (another UUID: a copied XML, what
  virt-clone does): auto='yes' gets a new GUID, the daemon logs it naming
  both domains (never the value), python3-libvirt's define gives the
  domain, genvirsh define warns, genvirt's GENID_CHANGED event says
  'duplicate'; auto='no' is refused with an error naming both domains and
  nothing is written; the same UUID (a redefinition, as a migration's
  destination does) keeps its value; a running domain's live value counts.
- genvirsh domgenid --renew: a shut-off domain's config gets a new GUID,
  the next start shows it; a running domain is refused unless --restart,
  which saves it to a temporary image and restores it with a new value
  (the emulator restarted, the guest running on, or paused if it was);
  refused with a managed save image, auto='no', no genid, transient.
- genvirsh clone: a new name, UUID, MAC and GUID; qcow2 overlays for the
  clone and the source by default (the old image is their shared backing
  file, never written again; both run side by side), full copies with
  --copy (of a paused source too; without the internal snapshots);
  refused while running, an overlay clone of a paused domain or of one
  with snapshots, a taken name, a --file for no disk or that exists, a
  fixed GUID, a read-only connection.  GENID_CHANGED says 'clone'.
- genvirsh clone --reflink: on xfs with reflink=1 (a loop file made here with
  mkfs.xfs from xfsprogs; skipped, saying why, where no loop device can be
  mounted) each disk is a reflink of the whole source file (its extents
  shared: filefrag), 0600, the same guest data (qemu-img compare), without
  the source's internal snapshots, and the clone runs with a new GUID; on a
  file system without reflinks (ext4 and tmpfs) and across two file systems
  it is refused with an error naming the file and the file system(s), no
  file is left and nothing is defined (never a silent copy).
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvsm  # noqa: E402

import libvirt  # noqa: E402

check_guid = gvsm.check_guid


def copy_of(h, path, name, uid=None):
    """The XML at @path under another name and (unless @uid) a new UUID:
    what virt-clone or a copied file defines."""
    with open(path) as f:
        xml = f.read()
    uid = uid or h.new_uuid()
    h.uuids.add(uid)
    xml = re.sub(r'<name>[^<]*</name>', '<name>%s</name>' % name, xml, count=1)
    xml = re.sub(r'<uuid>[^<]*</uuid>', '<uuid>%s</uuid>' % uid, xml, count=1)
    out = os.path.join(h.workdir, name + '.xml')
    with open(out, 'w') as f:
        f.write(xml)
    return out, uid


def duplicates(h, d, seen):
    # auto='yes', the value given: a copy of that file gets a new one
    g0 = gvsm.new_guid()
    src, _ = h.write_domain('dup-src', genid='auto:' + g0, disks=())
    h.cmd_ok(d.virsh('define', src), 'define dup-src with a GUID value (auto=yes)')
    h.eq(d.config_guid('dup-src'), g0, 'dup-src keeps the value it was given')
    seen.add(g0)

    conn = libvirt.open(d.uri)
    # genvirt's event is not in python3-libvirt: genvirsh event watches it
    gv_ev = h.spawn([h.genvirsh_path, '-c', d.gv_uri, 'event', '--loop', '--event',
                     'genid-changed'])
    time.sleep(1.0)  # registered

    copy, _ = copy_of(h, src, 'dup-copy')
    r = d.virsh('define', copy)
    h.cmd_ok(r, 'virsh define of a copy (another name and UUID, the same GUID)')
    g1 = d.config_guid('dup-copy')
    h.ok(g1 and g1 != g0 and g1 not in seen, 'the copy got a new GUID, never seen before',
         '%s -> %s' % (g0, g1))
    seen.add(g1)
    h.eq(d.config_guid('dup-src'), g0, 'the original keeps its GUID')
    log = d.log_text()
    h.ok(re.search(r"domain 'dup-copy' was defined with the genid value of domain 'dup-src'", log),
         'the daemon log names both domains', d.log_tail())
    h.ok(g0 not in log and g1 not in log, 'and no GUID value is in the log')

    # genvirsh define says so
    copy2, _ = copy_of(h, src, 'dup-copy2')
    r = d.genvirsh('define', copy2)
    h.cmd_ok(r, 'genvirsh define of another copy')
    h.ok("warning: domain 'dup-copy2': the genid value in %s is another domain's" % copy2 in r.err,
         'genvirsh define warns that the copy got a new GUID', r.describe())
    h.ok(g0 not in r.err + r.out, 'the warning does not show the value')
    g2 = d.config_guid('dup-copy2')
    h.ok(g2 and g2 not in seen, 'dup-copy2 got a new GUID too')
    seen.add(g2)
    # python3-libvirt: defineXML returns the domain, with its new value
    copy3, _ = copy_of(h, src, 'dup-copy3')
    with open(copy3) as f:
        dom = conn.defineXML(f.read())
    g3 = gvsm.guid_of(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE))
    h.ok(dom.name() == 'dup-copy3' and g3 and g3 not in seen,
         'python: defineXML of a copy gives the domain, with a new GUID')
    seen.add(g3)
    h.cmd_ok(d.genvirsh('define', src), 'genvirsh define of the original again (same UUID)')
    h.eq(d.config_guid('dup-src'), g0, 'a redefinition (same UUID) is no copy: the value stays')

    # the events: one 'duplicate' per copy, in order
    conn.close()
    time.sleep(0.5)
    gv_ev[0].terminate()
    lines = [l for l in h.collect(gv_ev, 10).out.split('\n') if 'genid-changed' in l]
    h.eq(lines, ["event 'genid-changed' for domain '%s': duplicate" % n
                 for n in ('dup-copy', 'dup-copy2', 'dup-copy3')],
         "genvirsh event: genvirt's genid event says 'duplicate' for each copy")

    # auto='no': refused, naming both, nothing written
    fixed = gvsm.new_guid()
    fsrc, _ = h.write_domain('dup-fixed', genid='fixed:' + fixed, disks=())
    h.cmd_ok(d.virsh('define', fsrc), "define dup-fixed (auto='no')")
    fcopy, _ = copy_of(h, fsrc, 'dup-fixed-copy')
    h.cmd_fails(d.virsh('define', fcopy), "a copy of a fixed (auto='no') GUID is refused",
                ["'dup-fixed-copy'", "'dup-fixed'", 'auto='])
    h.ok(not os.path.exists(d.config_path('dup-fixed-copy')), 'no config was written')
    h.ok('dup-fixed-copy' not in (d.names('--all') or []), 'no domain was added')
    # an auto='no' definition with the value of an auto='yes' domain: refused too
    other, _ = h.write_domain('dup-fixed2', genid='fixed:' + g0, disks=())
    h.cmd_fails(d.virsh('define', other),
                "a fixed GUID that an auto='yes' domain holds is refused", ["'dup-src'"])

    # a running domain's live value counts (a revert may have moved it off the config)
    h.cmd_ok(d.virsh('start', 'dup-src'), 'start dup-src')
    live = d.qmp_guid('dup-src')
    h.eq(live, g0, 'QEMU has the GUID')
    copy4, _ = copy_of(h, src, 'dup-copy4')
    h.cmd_ok(d.virsh('define', copy4), 'define a copy of the running domain')
    h.ok(d.config_guid('dup-copy4') not in seen, 'it gets a new GUID')
    h.cmd_ok(d.virsh('destroy', 'dup-src'), 'destroy dup-src')
    h.ok(d.serving(), 'the daemon serves on')


def renew(h, d, seen):
    name = 'rn'
    path, uid = h.write_domain(name)
    h.cmd_ok(d.virsh('define', path), 'define %s' % name)
    g0 = d.config_guid(name)
    seen.add(g0)
    gv_ev = h.spawn([h.genvirsh_path, '-c', d.gv_uri, 'event', '--loop', '--event',
                     'genid-changed', '--domain', name])
    time.sleep(1.0)
    # shut off: the config gets a new value now, the next start shows it
    r = d.genvirsh('domgenid', name, '--renew')
    h.cmd_ok(r, 'genvirsh domgenid --renew of the shut-off domain')
    h.eq(r.out.strip(), "Domain '%s' has a new generation ID" % name, 'genvirsh says so')
    g1 = d.config_guid(name)
    h.ok(g1 and g1 not in seen, 'the config holds a GUID never seen before', '%s -> %s' % (g0, g1))
    seen.add(g1)
    h.ok(g1 not in r.out + r.err and g1 not in d.log_text(), 'the value is printed nowhere')
    h.cmd_ok(d.virsh('start', name), 'start')
    check_guid(h, d, name, g1, 'the start shows the renewed GUID')
    # running: refused without --restart, nothing changes
    pid = d.qemu_pid(name)
    h.cmd_fails(d.genvirsh('domgenid', name, '--renew'),
                'domgenid --renew of a running domain is refused', ['running', '--restart'])
    check_guid(h, d, name, g1, 'refused: the GUID stays')
    h.eq(d.qemu_pid(name), pid, 'and the same QEMU runs')
    h.cmd_fails(d.genvirsh('domgenid', name, '--renew', ro=True),
                'read-only: --renew is refused', ['read only'])
    # --restart: a save and a restore, the guest runs on with a new value
    r = d.genvirsh('domgenid', name, '--renew', '--restart', timeout=120)
    h.cmd_ok(r, 'domgenid --renew --restart')
    g2 = d.qmp_guid(name)
    h.ok(g2 and g2 not in seen, 'a new QEMU with a GUID never seen before', g2)
    seen.add(g2)
    check_guid(h, d, name, g2, 'renew --restart')
    h.ok(d.qemu_pid(name) != pid and not gvsm.pid_alive(pid), 'the emulator was restarted')
    h.eq(d.domstate(name), 'running (restored)', 'running (restored): the guest ran on')
    savedir = os.path.join(d.root, 'var', 'lib', 'genvirt', 'save')
    h.eq([f for f in os.listdir(savedir) if f.startswith(name + '.')] if os.path.isdir(savedir)
         else [], [], 'the temporary image is gone')
    # paused stays paused
    h.cmd_ok(d.virsh('suspend', name), 'suspend')
    h.cmd_ok(d.genvirsh('domgenid', name, '--renew', '--restart', timeout=120),
             'domgenid --renew --restart of a paused domain')
    h.ok(d.domstate(name).startswith('paused'), 'it stays paused', d.domstate(name))
    g3 = d.qmp_guid(name)
    h.ok(g3 and g3 not in seen, 'another new GUID')
    seen.add(g3)
    h.cmd_ok(d.virsh('resume', name), 'resume')
    # a managed save image would restore the old value: refused
    h.cmd_ok(d.virsh('managedsave', name), 'managedsave')
    h.cmd_fails(d.genvirsh('domgenid', name, '--renew'),
                'renew with a managed save image is refused', ['managed save'])
    h.cmd_ok(d.virsh('start', name), 'start (restores the managed save image)')
    check_guid(h, d, name, g3, 'the managed save kept the GUID')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')
    time.sleep(0.5)
    gv_ev[0].terminate()
    lines = [l for l in h.collect(gv_ev, 10).out.split('\n') if 'genid-changed' in l]
    h.eq(lines, ["event 'genid-changed' for domain '%s': renew" % name] * 3,
         "genvirt's genid event says 'renew' each time")
    # auto='no', no genid, a transient domain: refused, each with its reason
    fpath, _ = h.write_domain('rn-fixed', genid='fixed:' + gvsm.new_guid())
    h.cmd_ok(d.virsh('define', fpath), "define rn-fixed (auto='no')")
    h.cmd_fails(d.genvirsh('domgenid', 'rn-fixed', '--renew'),
                "renew of a fixed (auto='no') GUID is refused", ["auto='no'", 'rn-fixed'])
    npath, _ = h.write_domain('rn-none', genid=None)
    h.cmd_ok(d.virsh('define', npath), 'define rn-none (no genid)')
    h.cmd_fails(d.genvirsh('domgenid', 'rn-none', '--renew'),
                'renew without a genid device is refused', ['no genid device'])
    tpath, _ = h.write_domain('rn-transient')
    h.cmd_ok(d.virsh('create', tpath), 'create rn-transient')
    h.cmd_fails(d.genvirsh('domgenid', 'rn-transient', '--renew', '--restart'),
                'renew of a transient domain is refused', ['transient'])
    h.cmd_ok(d.virsh('destroy', 'rn-transient'), 'destroy rn-transient')
    h.cmd_fails(d.genvirsh('domgenid', name, '--restart'), '--restart alone is refused',
                ['--renew'])


def img_info(h, path):
    r = h.run([gvsm.QEMU_IMG, 'info', '-U', '--output=json', path], timeout=30)
    return json.loads(r.out) if r.rc == 0 else {}


def disk_of(xml):
    m = re.search(r"<source file='([^']+)'/>", xml)
    return m.group(1) if m else None


def mac_of(xml):
    m = re.search(r"<mac address='([^']+)'/>", xml)
    return m.group(1) if m else None


def clone(h, d, seen):
    name = 'cl-src'
    path, uid = h.write_domain(name)
    with open(path) as f:
        xml = f.read().replace('  </devices>', "    <interface type='user'><mac address="
                               "'52:54:00:12:34:56'/><model type='virtio'/></interface>\n"
                               '  </devices>')
    with open(path, 'w') as f:
        f.write(xml)
    base = disk_of(xml)
    h.cmd_ok(d.virsh('define', path), 'define %s (a qcow2 disk, a NIC)' % name)
    g0 = d.config_guid(name)
    seen.add(g0)
    gv_ev = h.spawn([h.genvirsh_path, '-c', d.gv_uri, 'event', '--loop', '--event',
                     'genid-changed'])
    time.sleep(1.0)

    h.cmd_ok(d.virsh('start', name), 'start')
    h.cmd_fails(d.genvirsh('clone', name, 'cl-a'), 'clone of a running domain is refused',
                ['running', 'pause'])
    h.cmd_ok(d.virsh('suspend', name), 'suspend')
    h.cmd_fails(d.genvirsh('clone', name, 'cl-a'),
                'an overlay clone of a paused domain is refused', ['paused', '--copy'])
    # --copy of a paused source
    r = d.genvirsh('clone', name, 'cl-p', '--copy', timeout=120)
    h.cmd_ok(r, 'genvirsh clone --copy of the paused domain')
    h.eq(r.out.strip(), "Domain '%s' cloned to 'cl-p', with a new generation ID" % name,
         'genvirsh says so')
    px = d.config_text('cl-p')
    h.ok(disk_of(px) != base and os.path.exists(disk_of(px)) and
         'backing-filename' not in img_info(h, disk_of(px)), 'its disk is a copy of its own')
    h.ok(d.qmp_status(name) == 'paused', 'the source is still paused')
    h.cmd_ok(d.virsh('destroy', name), 'destroy')

    # the default: overlays, for the clone and the source
    r = d.genvirsh('clone', name, 'cl-a')
    h.cmd_ok(r, 'genvirsh clone %s cl-a (overlays)' % name)
    cx, sx = d.config_text('cl-a'), d.config_text(name)
    ga = d.config_guid('cl-a')
    h.ok(ga and ga not in seen, 'the clone has a GUID never seen before', ga)
    seen.add(ga)
    h.eq(d.config_guid(name), g0, 'the source keeps its GUID')
    cu = re.search(r'<uuid>([^<]+)</uuid>', cx).group(1)
    h.ok(cu != uid, 'the clone has a new UUID (%s)' % cu)
    h.ok(mac_of(cx) and mac_of(cx) != '52:54:00:12:34:56' and mac_of(cx).startswith('52:54:00:'),
         'the clone has a new MAC address (%s)' % mac_of(cx))
    h.eq(mac_of(sx), '52:54:00:12:34:56', 'the source keeps its MAC address')
    cdisk, sdisk = disk_of(cx), disk_of(sx)
    h.eq(cdisk, os.path.join(os.path.dirname(base), 'cl-a-vda.qcow2'), "the clone's disk")
    h.ok(sdisk != base and os.path.dirname(sdisk) == os.path.dirname(base),
         "the source's config names its own new overlay (%s)" % os.path.basename(sdisk or ''))
    for what, p in (('clone', cdisk), ('source', sdisk)):
        info = img_info(h, p)
        h.eq(info.get('backing-filename'), base, "the %s's overlay is backed by the old image" % what)
        h.eq(stat.S_IMODE(os.stat(p).st_mode), 0o600, "the %s's new file is 0600" % what)
    # both run at once, each with its own GUID
    h.cmd_ok(d.virsh('start', name), 'start the source')
    h.cmd_ok(d.virsh('start', 'cl-a'), 'start the clone beside it')
    check_guid(h, d, name, g0, 'the source runs with its GUID')
    check_guid(h, d, 'cl-a', ga, 'the clone runs with its own')
    h.cmd_ok(d.virsh('destroy', 'cl-a'), 'destroy cl-a')
    h.cmd_ok(d.virsh('destroy', name), 'destroy the source')

    # refusals
    h.cmd_fails(d.genvirsh('clone', name, 'cl-a'), 'a taken name is refused', ['already exists'])
    h.cmd_fails(d.genvirsh('clone', name, 'cl-x', '--file', 'vdz=/tmp/x.qcow2'),
                'a --file for no disk is refused', ['vdz'])
    h.cmd_fails(d.genvirsh('clone', name, 'cl-x', '--file', 'vda=' + cdisk),
                'a --file that exists is refused', [cdisk, 'exists'])
    h.cmd_fails(d.genvirsh('clone', name, 'cl-x', ro=True), 'read-only: clone is refused',
                ['read only'])
    h.ok('cl-x' not in (d.names('--all') or []), 'no cl-x was defined')
    # snapshots live in the images: overlays would hide them, --copy leaves them out
    h.cmd_ok(d.virsh('snapshot-create-as', name, 'off1'), 'snapshot-create-as off1 (shut off)')
    h.cmd_fails(d.genvirsh('clone', name, 'cl-x'), 'an overlay clone with snapshots is refused',
                ['snapshots', '--copy'])
    dst = os.path.join(h.workdir, 'cl-b.qcow2')
    h.cmd_ok(d.genvirsh('clone', name, 'cl-b', '--copy', '--file', 'vda=' + dst, timeout=120),
             'genvirsh clone --copy --file vda=PATH')
    h.eq(disk_of(d.config_text('cl-b')), dst, 'the clone uses the file given')
    h.eq(h.img_snapshots(dst), [], "the copy has none of the source's snapshots")
    h.eq(h.img_snapshots(sdisk), ['off1'], 'the source keeps its snapshot')
    gb = d.config_guid('cl-b')
    h.ok(gb and gb not in seen, 'cl-b has a new GUID too')
    seen.add(gb)
    h.cmd_ok(d.virsh('start', 'cl-b'), 'start cl-b')
    check_guid(h, d, 'cl-b', gb, 'cl-b runs with its GUID')
    h.cmd_ok(d.virsh('destroy', 'cl-b'), 'destroy cl-b')
    # a fixed GUID is not cloned
    fpath, _ = h.write_domain('cl-fixed', genid='fixed:' + gvsm.new_guid())
    h.cmd_ok(d.virsh('define', fpath), "define cl-fixed (auto='no')")
    h.cmd_fails(d.genvirsh('clone', 'cl-fixed', 'cl-y'), "clone of a fixed GUID is refused",
                ["auto='no'"])
    time.sleep(0.5)
    gv_ev[0].terminate()
    lines = [l for l in h.collect(gv_ev, 10).out.split('\n') if 'genid-changed' in l]
    h.eq(lines, ["event 'genid-changed' for domain '%s': clone" % n
                 for n in ('cl-p', 'cl-a', 'cl-b')], "genvirt's genid event says 'clone'")
    h.ok(d.serving(), 'the daemon serves on')


def fs_type(path):
    """The file system type `stat -f` names for @path ('ext2/ext3' for ext4, 'tmpfs', 'xfs')."""
    r = subprocess.run(['stat', '-f', '-c', '%T', path], capture_output=True, text=True)
    return r.stdout.strip()


def make_xfs(h):
    """A 320 MiB xfs with reflink=1 on a loop file in the work directory, mounted;
    (mount point, None), or (None, why not)."""
    if not shutil.which('mkfs.xfs'):
        return None, 'no mkfs.xfs (xfsprogs: scripts/install-deps.sh)'
    img = os.path.join(h.workdir, 'reflink-xfs.img')
    mnt = os.path.join(h.workdir, 'reflink-xfs')
    os.makedirs(mnt)
    with open(img, 'wb') as f:
        f.truncate(320 << 20)
    for argv in (['mkfs.xfs', '-q', '-m', 'reflink=1', img], ['mount', '-o', 'loop', img, mnt]):
        r = h.run(argv, timeout=60)
        if r.rc != 0:
            return None, '%s failed: %s' % (' '.join(argv[:2]), (r.err or r.out).strip())
    return mnt, None


def reflink_refusals(h, d, name, disk):
    """--reflink of @name (its disk @disk on a file system without reflinks)"""
    fs = {'ext2/ext3': 'ext4'}.get(fs_type(disk), fs_type(disk))
    new = os.path.join(os.path.dirname(disk), 'rl-x-vda.qcow2')
    h.cmd_fails(d.genvirsh('clone', name, 'rl-x', '--reflink'),
                'clone --reflink on %s is refused naming the file and the file system' % fs,
                [new, "the %s file system of '%s' does not support reflinks" % (fs, new)])
    h.ok(not os.path.exists(new), 'no file is left behind (%s)' % fs)
    h.ok('rl-x' not in (d.names('--all') or []), 'nothing was defined (%s)' % fs)


def reflink(h, d, seen):
    # refused where there are no reflinks: ext4 (the work directory here) and tmpfs
    ext_fs = fs_type(h.workdir)
    if ext_fs not in ('ext2/ext3', 'tmpfs'):
        h.skip('clone --reflink refused on ext4', 'the work directory is on %s' % ext_fs)
    else:
        path, _ = h.write_domain('rl-ext')
        h.cmd_ok(d.virsh('define', path), 'define rl-ext (a qcow2 disk on %s)' % ext_fs)
        reflink_refusals(h, d, 'rl-ext', disk_of(d.config_text('rl-ext')))
        # across two file systems: EXDEV
        other = '/dev/shm/gv-clone-%d.qcow2' % os.getpid()
        h.cmd_fails(d.genvirsh('clone', 'rl-ext', 'rl-x', '--reflink', '--file', 'vda=' + other),
                    'clone --reflink onto another file system is refused naming both',
                    [other, 'two file systems', 'tmpfs'])
        h.ok(not os.path.exists(other), 'no file is left on the other file system')
    shm = tempfile.mkdtemp(prefix='gv-clone-', dir='/dev/shm')
    try:
        img = h.image('rl-shm', dirpath=shm)
        path, _ = h.write_domain('rl-shm', disks=[('qcow2', img)])
        h.cmd_ok(d.virsh('define', path), 'define rl-shm (a qcow2 disk on tmpfs)')
        reflink_refusals(h, d, 'rl-shm', img)
        h.cmd_ok(d.virsh('undefine', 'rl-shm'), 'undefine rl-shm')
    finally:
        shutil.rmtree(shm, ignore_errors=True)

    mnt, why = make_xfs(h)
    if not mnt:
        h.skip('clone --reflink on xfs with reflink=1', why)
        return
    try:
        img = h.image('rl-src', dirpath=mnt)
        # some data of its own, so that there are extents to share
        r = h.run(['/usr/bin/qemu-io', '-f', 'qcow2', '-c', 'write -P 0x5a 0 4M', img], timeout=60)
        h.cmd_ok(r, 'qemu-io writes 4 MiB into the source image')
        path, _ = h.write_domain('rl-src', disks=[('qcow2', img)])
        h.cmd_ok(d.virsh('define', path), 'define rl-src (a qcow2 disk on xfs, reflink=1)')
        g0 = d.config_guid('rl-src')
        h.cmd_ok(d.virsh('snapshot-create-as', 'rl-src', 'rs1'), 'snapshot-create-as rs1')
        r = d.genvirsh('clone', 'rl-src', 'rl-c', '--reflink', timeout=120)
        h.cmd_ok(r, 'genvirsh clone --reflink on xfs')
        cdisk = disk_of(d.config_text('rl-c') or '')
        h.eq(cdisk, os.path.join(mnt, 'rl-c-vda.qcow2'), "the clone's disk, beside the source's")
        h.eq(disk_of(d.config_text('rl-src')), img, 'the source keeps its disk')
        if cdisk and os.path.exists(cdisk):
            h.eq(stat.S_IMODE(os.stat(cdisk).st_mode), 0o600, "the clone's file is 0600")
            fr = h.run(['filefrag', '-v', cdisk], timeout=30)
            h.ok(fr.rc == 0 and 'shared' in fr.out, "the clone's extents are shared (a reflink)",
                 fr.out)
            cmp = h.run([gvsm.QEMU_IMG, 'compare', '-q', img, cdisk], timeout=60)
            h.eq(cmp.rc, 0, 'the clone holds the same guest data (qemu-img compare)')
            h.eq(h.img_snapshots(cdisk), [], "the reflink has none of the source's snapshots")
            h.eq(h.img_snapshots(img), ['rs1'], 'the source keeps its snapshot')
            h.ok('backing-filename' not in img_info(h, cdisk), 'the clone has no backing file')
        gc = d.config_guid('rl-c')
        h.ok(gc and gc != g0 and gc not in seen, 'the clone has a GUID never seen before', gc)
        seen.add(gc)
        h.cmd_ok(d.virsh('start', 'rl-c'), 'start the reflinked clone')
        check_guid(h, d, 'rl-c', gc, 'the reflinked clone runs with its GUID')
        h.cmd_ok(d.virsh('destroy', 'rl-c'), 'destroy rl-c')
        h.cmd_ok(d.virsh('undefine', 'rl-c'), 'undefine rl-c')
        h.cmd_ok(d.virsh('undefine', '--snapshots-metadata', 'rl-src'), 'undefine rl-src')
    finally:
        r = h.run(['umount', mnt], timeout=60)
        h.ok(r.rc == 0, 'the xfs loop mount goes away', r.describe())


def main(h):
    d = gvsm.Daemon(h, label='clone')
    if not d.start():
        return
    seen = set()
    duplicates(h, d, seen)
    renew(h, d, seen)
    clone(h, d, seen)
    reflink(h, d, seen)
    h.check_no_qemus()


if __name__ == '__main__':
    gvsm.Harness('clone', deadline=400).main(main)
