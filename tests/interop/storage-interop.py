#!/usr/bin/python3
"""Directory storage pools and volumes: python3-libvirt and virsh against a
real genvirtd (src/driver/storage_driver.c).  TAP.

- a pool's life: define (the directory does not exist yet: start refuses),
  build, start, autostart, information from statvfs, XML, the listings
  with their flags (libvirt's new and legacy calls), the lookups (name,
  UUID, target path, volume), refresh, destroy, delete, undefine;
  transient pools (createXML, undefine of an active pool);
- volumes: qcow2 and raw created with qemu-img (a raw one allocated in full
  when allocation = capacity), copied from another volume with a format
  change (the data are the same: qemu-img compare), grown, not shrunk
  without the flag, deleted; lookup by path of a file in a pool's
  directory, of a missing one (NO_STORAGE_VOL, what virtinst needs), and
  of a file in no pool (the implicit pool of its directory);
- bad input: errors with libvirt's codes, naming the value; the daemon
  serves on;
- a restart keeps the pools, their state and autostart; an autostart pool
  left inactive starts; the config files are 0600 in a 0700 directory;
- read-only clients may list pools but not change them.

Usage: storage-interop.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvtest  # noqa: E402

import libvirt  # noqa: E402

libvirt.registerErrorHandler(lambda *a: None, None)

MIB = 1024 * 1024
STORAGE = 18  # VIR_FROM_STORAGE


def err_of(fn):
    try:
        fn()
    except libvirt.libvirtError as e:
        return e
    return None


def err_str(e):
    if isinstance(e, libvirt.libvirtError):
        return 'code=%s domain=%s message=%r' % (e.get_error_code(), e.get_error_domain(),
                                                  e.get_error_message())
    return repr(e)


def check_err(h, fn, code, text, what, domain=STORAGE):
    e = err_of(fn)
    good = (isinstance(e, libvirt.libvirtError) and e.get_error_code() == code and
            e.get_error_domain() == domain and text in (e.get_error_message() or ''))
    h.ok(good, '%s: error %d/%d naming %r' % (what, code, domain, text), err_str(e))


def pool_xml(name, path, uuid=None):
    u = '<uuid>%s</uuid>' % uuid if uuid else ''
    return ("<pool type='dir'><name>%s</name>%s<target><path>%s</path></target></pool>"
            % (name, u, path))


def vol_xml(name, capacity, fmt, allocation=None):
    alloc = '<allocation>%d</allocation>' % allocation if allocation is not None else ''
    return ("<volume><name>%s</name><capacity>%d</capacity>%s<target><format type='%s'/>"
            "</target></volume>" % (name, capacity, alloc, fmt))


def names(pools):
    return sorted(p.name() for p in pools)


def check_pools(h, d, conn, target):
    check_err(h, lambda: conn.storagePoolDefineXML(pool_xml('bad', 'relative/dir'), 0), 27,
              "invalid path 'relative/dir' in <target>/<path>", 'define with a relative path')
    check_err(h, lambda: conn.storagePoolDefineXML("<pool type='fs'><name>x</name></pool>", 0),
              27, "unknown value 'fs' for attribute 'type' of <pool>", 'define a pool of type fs')
    pool = conn.storagePoolDefineXML(pool_xml('p1', target), 0)
    h.ok(pool.name() == 'p1' and len(pool.UUIDString()) == 36, 'storagePoolDefineXML(p1): '
         'uuid %s' % pool.UUIDString())
    h.ok(pool.isPersistent() == 1 and pool.isActive() == 0 and pool.autostart() == 0 and
         pool.info()[0] == libvirt.VIR_STORAGE_POOL_INACTIVE,
         'p1: persistent, inactive, not autostarted')
    cfg = os.path.join(d.root, 'etc', 'genvirt', 'storage', 'p1.xml')
    st = os.stat(cfg)
    dst = os.stat(os.path.dirname(cfg))
    h.ok(stat.S_IMODE(st.st_mode) == 0o600 and stat.S_IMODE(dst.st_mode) == 0o700,
         'its config ROOT/etc/genvirt/storage/p1.xml is 0600 in a 0700 directory',
         '%o %o' % (st.st_mode, dst.st_mode))
    check_err(h, lambda: pool.create(0), 38, "cannot open directory '%s'" % target,
              'start before the directory exists')
    pool.build(0)
    h.ok(os.path.isdir(target) and stat.S_IMODE(os.stat(target).st_mode) == 0o711,
         'build made the directory, mode 0711')
    pool.create(0)
    pool.setAutostart(1)
    h.ok(pool.isActive() == 1 and pool.autostart() == 1, 'start and autostart')
    info = pool.info()
    sv = os.statvfs(target)
    h.ok(info[0] == libvirt.VIR_STORAGE_POOL_RUNNING and
         info[1] == sv.f_blocks * sv.f_frsize and info[1] >= info[3] > 0,
         'info(): running, the capacity of its file system', repr(info))
    x = ET.fromstring(pool.XMLDesc(0))
    h.ok(x.get('type') == 'dir' and x.findtext('name') == 'p1' and
         x.findtext('uuid') == pool.UUIDString() and x.findtext('target/path') == target,
         'XMLDesc(): name, uuid, target path')

    check_err(h, lambda: conn.storagePoolDefineXML(pool_xml('p2', target), 0), 9,
              "conflict with pool: 'p1'", 'a second pool on the same directory')
    check_err(h, lambda: conn.storagePoolDefineXML(
        pool_xml('p1', target, '11111111-2222-4333-8444-555555555555'), 0), 9,
        "pool 'p1' is already defined with uuid %s" % pool.UUIDString(),
        'define p1 again with another uuid')
    other = os.path.join(h.workdir, 'other')
    os.mkdir(other)
    p2 = conn.storagePoolDefineXML(pool_xml('p2', other), 0)
    t1 = conn.storagePoolCreateXML(pool_xml('t1', h.workdir), 0)
    h.ok(t1.isActive() == 1 and t1.isPersistent() == 0, 'storagePoolCreateXML(t1): transient, '
         'active')
    F = libvirt
    for flags, want, what in (
            (0, ['p1', 'p2', 't1'], 'all'),
            (F.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE, ['p1', 't1'], 'ACTIVE'),
            (F.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE, ['p2'], 'INACTIVE'),
            (F.VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT, ['t1'], 'TRANSIENT'),
            (F.VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART, ['p1'], 'AUTOSTART'),
            (F.VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT |
             F.VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART, ['p2'], 'PERSISTENT|NO_AUTOSTART'),
            (F.VIR_CONNECT_LIST_STORAGE_POOLS_DIR, ['p1', 'p2', 't1'], 'DIR'),
            (F.VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL, [], 'LOGICAL')):
        h.eq(names(conn.listAllStoragePools(flags)), want, 'listAllStoragePools(%s)' % what)
    h.ok(sorted(conn.listStoragePools()) == ['p1', 't1'] and conn.numOfStoragePools() == 2 and
         conn.listDefinedStoragePools() == ['p2'] and conn.numOfDefinedStoragePools() == 1,
         'the legacy lists: active p1 t1, defined p2')
    h.eq(conn.storagePoolLookupByUUIDString(pool.UUIDString()).name(), 'p1',
         'storagePoolLookupByUUIDString')
    h.eq(conn.storagePoolLookupByTargetPath(target).name(), 'p1',
         'storagePoolLookupByTargetPath')
    check_err(h, lambda: conn.storagePoolLookupByName('nope'), 49,
              "no storage pool with matching name 'nope'", 'storagePoolLookupByName(nope)')
    check_err(h, lambda: p2.listVolumes(), 55, "storage pool 'p2' is not active",
              'listVolumes of an inactive pool')
    pool.refresh(0)
    t1.destroy()
    h.eq(names(conn.listAllStoragePools(0)), ['p1', 'p2'], 'a destroyed transient pool is gone')
    p2.create(0)
    p2.undefine()
    h.ok(p2.isActive() == 1 and p2.isPersistent() == 0,
         'undefine of an active pool leaves it running, transient')
    p2.destroy()
    h.eq(names(conn.listAllStoragePools(0)), ['p1'], 'and destroy ends it')
    return pool


def qemu_img_info(path):
    r = subprocess.run(['qemu-img', 'info', '--output=json', path], capture_output=True,
                       text=True)
    import json
    return json.loads(r.stdout) if r.returncode == 0 else {}


def check_volumes(h, d, conn, pool, target):
    v1 = pool.createXML(vol_xml('a.qcow2', 64 * MIB, 'qcow2'), 0)
    path1 = os.path.join(target, 'a.qcow2')
    i = qemu_img_info(path1)
    h.ok(v1.name() == 'a.qcow2' and v1.key() == path1 and v1.path() == path1 and
         i.get('format') == 'qcow2' and i.get('virtual-size') == 64 * MIB,
         'createXML(qcow2, 64 MiB): qemu-img made it', repr(i))
    h.ok(stat.S_IMODE(os.stat(path1).st_mode) == 0o600, 'the volume file is 0600')
    v2 = pool.createXML(vol_xml('b.raw', 8 * MIB, 'raw', allocation=8 * MIB), 0)
    info2 = v2.info()
    h.ok(info2[0] == 0 and info2[1] == 8 * MIB and info2[2] >= 8 * MIB,
         'createXML(raw, allocation = capacity): allocated in full', repr(info2))
    with open(v2.path(), 'r+b') as f:
        f.write(b'genvirt storage test pattern' * 1000)
    check_err(h, lambda: pool.createXML(vol_xml('b.raw', MIB, 'raw'), 0), 90, "'b.raw'",
              'createXML of a name in use: STORAGE_VOL_EXIST')
    check_err(h, lambda: pool.createXML(vol_xml('c.vmdk', MIB, 'vmdk'), 0), 67,
              "unsupported volume format 'vmdk'", 'createXML with format vmdk')
    check_err(h, lambda: pool.createXML('<volume><name>x/y</name><capacity>1</capacity>'
                                        '</volume>', 0), 27,
              "invalid storage volume name 'x/y'", 'createXML with a / in the name')
    v3 = pool.createXMLFrom(vol_xml('c.qcow2', 16 * MIB, 'qcow2'), v2, 0)
    r = subprocess.run(['qemu-img', 'compare', '-q', v2.path(), v3.path()])
    i = qemu_img_info(v3.path())
    h.ok(i.get('format') == 'qcow2' and i.get('virtual-size') == 16 * MIB and r.returncode == 0,
         'createXMLFrom(raw -> qcow2, grown to 16 MiB): the same data (qemu-img compare)',
         repr(i))
    h.eq(sorted(pool.listVolumes()), ['a.qcow2', 'b.raw', 'c.qcow2'], 'listVolumes()')
    h.eq(sorted(v.name() for v in pool.listAllVolumes(0)), ['a.qcow2', 'b.raw', 'c.qcow2'],
         'listAllVolumes()')
    vx = ET.fromstring(v3.XMLDesc(0))
    h.ok(vx.findtext('key') == v3.path() and vx.find('target/format').get('type') == 'qcow2' and
         int(vx.findtext('capacity')) == 16 * MIB, 'vol XMLDesc(): key, format, capacity')
    byp = conn.storageVolLookupByPath(path1)
    h.ok(byp.name() == 'a.qcow2' and byp.storagePoolLookupByVolume().name() == 'p1',
         'storageVolLookupByPath of a file in p1\'s directory: p1\'s volume')
    h.eq(conn.storageVolLookupByKey(path1).name(), 'a.qcow2', 'storageVolLookupByKey')
    missing = os.path.join(target, 'missing.qcow2')
    check_err(h, lambda: conn.storageVolLookupByPath(missing), 50,
              "no storage vol with matching path '%s'" % missing,
              'storageVolLookupByPath of a missing file in a pool (virtinst then creates it)')
    loose = os.path.join(h.workdir, 'loose', 'x.raw')
    os.makedirs(os.path.dirname(loose))
    open(loose, 'wb').close()
    lv = conn.storageVolLookupByPath(loose)
    h.eq(lv.storagePoolLookupByVolume().name(), os.path.dirname(loose),
         'a file in no pool: a volume of the implicit pool of its directory')
    v1.resize(128 * MIB, 0)
    h.eq(v1.info()[1], 128 * MIB, 'resize(128 MiB)')
    check_err(h, lambda: v1.resize(32 * MIB, 0), 8, 'without the shrink flag',
              'resize down without VIR_STORAGE_VOL_RESIZE_SHRINK')
    v1.resize(32 * MIB, libvirt.VIR_STORAGE_VOL_RESIZE_DELTA)
    h.eq(v1.info()[1], 160 * MIB, 'resize(+32 MiB, DELTA)')
    v3.delete(0)
    h.ok(not os.path.exists(path1.replace('a.qcow2', 'c.qcow2')), 'delete() removes the file')
    check_err(h, lambda: pool.storageVolLookupByName('c.qcow2'), 50,
              "no storage vol with matching name 'c.qcow2'", 'a deleted volume is gone')
    r = h.virsh(d.uri, 'vol-list', 'p1')
    h.ok(r.ok and 'a.qcow2' in r.out and 'b.raw' in r.out and 'c.qcow2' not in r.out,
         'virsh vol-list p1', r.describe())
    r = h.virsh(d.uri, 'vol-create-as', 'p1', 'd.qcow2', '10M', '--format', 'qcow2')
    h.cmd_ok(r, 'virsh vol-create-as p1 d.qcow2 10M --format qcow2')
    r = h.virsh(d.uri, 'vol-clone', '--pool', 'p1', 'd.qcow2', 'e.qcow2')
    h.cmd_ok(r, 'virsh vol-clone --pool p1 d.qcow2 e.qcow2')


def main(h):
    d = gvtest.Daemon(h)
    if not d.start():
        return
    target = os.path.join(h.workdir, 'pool1')
    conn = libvirt.open(d.uri)
    pool = check_pools(h, d, conn, target)
    check_volumes(h, d, conn, pool, target)
    uuid = pool.UUIDString()
    # an autostart pool left inactive: the restart starts it
    idle = os.path.join(h.workdir, 'idle')
    os.mkdir(idle)
    p3 = conn.storagePoolDefineXML(pool_xml('idle', idle), 0)
    p3.setAutostart(1)
    conn.close()

    ro = libvirt.openReadOnly(d.uri_ro)
    h.eq(names(ro.listAllStoragePools(0)), ['idle', 'p1'], 'read-only: listAllStoragePools()')
    e = err_of(lambda: ro.storagePoolDefineXML(pool_xml('ro', '/tmp'), 0))
    h.ok(isinstance(e, libvirt.libvirtError) and e.get_error_code() == 29,
         'read-only: storagePoolDefineXML is denied', err_str(e))
    ro.close()

    d.stop()
    if not d.start():
        return
    conn = libvirt.open(d.uri)
    pool = conn.storagePoolLookupByName('p1')
    h.ok(pool.UUIDString() == uuid and pool.isActive() == 1 and pool.autostart() == 1 and
         sorted(pool.listVolumes()) == ['a.qcow2', 'b.raw', 'd.qcow2', 'e.qcow2'],
         'after a restart p1 has its uuid, runs, autostarts and lists its volumes')
    h.eq(conn.storagePoolLookupByName('idle').isActive(), 1,
         'the autostart pool left inactive was started')
    pool.destroy()
    pool.setAutostart(0)
    for v in ('a.qcow2', 'b.raw', 'd.qcow2', 'e.qcow2'):
        os.unlink(os.path.join(target, v))
    pool.delete(0)
    h.ok(not os.path.exists(target), 'delete() of the inactive pool removes its empty directory')
    pool.undefine()
    h.ok(not os.path.exists(os.path.join(d.root, 'etc', 'genvirt', 'storage', 'p1.xml')) and
         names(conn.listAllStoragePools(0)) == ['idle'], 'undefine removes p1 and its config')
    h.ok(conn.getHostname(), 'the daemon serves on')
    conn.close()
    d.stop()


if __name__ == '__main__':
    gvtest.Harness('storage').main(main)
