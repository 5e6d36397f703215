#!/usr/bin/python3
"""Disk full, against a real genvirtd (issue 13, Faults: disk full).

In a private mount namespace (unshare -m, as root), ROOT/etc/genvirt/domains
(the configs) and ROOT/var/lib/genvirt (the config journal, snapshot
metadata) are small tmpfs mounts (512 KiB: the journal's 4 MiB cannot even
be preallocated, so its fallback, syncing the files in place, is used).
A domain with a qcow2 disk (on ordinary storage) is defined and has one
snapshot; then both mounts are filled up:

- define of a new domain, redefine of the old one and snapshot-create fail
  with an error naming the file and "No space left on device";
- the previous config and snapshot metadata stay byte-identical, no
  temporary file is left, the failed snapshot is not in the qcow2 image
  either (qemu-img snapshot -l), the current snapshot is unchanged;
- the daemon keeps serving (list, dumpxml);
- virsh save to a full tmpfs and managedsave with the managed-save
  directory full fail naming the image and "No space left on device",
  leave no partial image, and the guest runs on in the same QEMU with its
  GUID;
- once space comes back the same calls succeed without a restart, and
  after a restart everything is there.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gvinteg as gi  # noqa: E402

gi.private_mount_namespace('GV_DISKFULL_NS')

ENOSPC = 'No space left on device'


def snapshot_files(root):
    out = {}
    for top in (os.path.join(root, 'etc', 'genvirt', 'domains'),
                os.path.join(root, 'var', 'lib', 'genvirt', 'snapshots')):
        for dirpath, _, files in os.walk(top):
            for f in files:
                p = os.path.join(dirpath, f)
                if f == 'fill' or f.startswith('.spare'):
                    continue
                out[p] = gi.read_bytes(p)
    return out


def fill(path):
    """Fills the file system of @path; returns the filler's path."""
    p = os.path.join(path, 'fill')
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while os.write(fd, b'\0' * 4096) > 0:
            pass
    except OSError:
        pass
    os.close(fd)
    return p


def save_and_managedsave(h, d, root, statedir):
    """virsh save to a full tmpfs, managedsave with the managed-save
    directory (in the full ROOT/var/lib/genvirt) full."""
    saves = os.path.join(root, 'saves')
    os.makedirs(saves, mode=0o700)
    r = h.run(['mount', '-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', saves])
    if not h.cmd_ok(r, 'a 1 MiB tmpfs for save images'):
        return
    h.at_cleanup(lambda: subprocess.run(['umount', '-l', saves]), 'umount')
    if not h.cmd_ok(d.virsh('start', 'other'), 'start other'):
        return
    pid = d.qemu_pid('other')
    guid = d.qmp_guid('other')
    fillers = [fill(saves), fill(statedir)]
    image = os.path.join(saves, 'other.save')
    r = d.virsh('save', 'other', image)
    h.diag('save: ' + ' | '.join(r.err.strip().split('\n')))
    h.cmd_fails(r, 'save to a full file system fails naming the image and ENOSPC',
                [image, ENOSPC])
    mimage = os.path.join(statedir, 'save', 'other.save')
    r = d.virsh('managedsave', 'other')
    h.diag('managedsave: ' + ' | '.join(r.err.strip().split('\n')))
    h.cmd_fails(r, 'managedsave with its directory full fails naming the image and ENOSPC',
                [mimage, ENOSPC])
    h.eq(sorted(f for f in os.listdir(saves) if f != 'fill'), [],
         'no partial save image is left')
    h.ok(not os.path.exists(mimage), 'no partial managed-save image is left')
    st = d.domstate('other')
    h.ok(st is not None and st.startswith('running') and d.qemu_pid('other') == pid,
         'the domain runs on in the same QEMU (%s)' % st)
    h.eq(d.qmp_guid('other'), guid, 'with its GUID')
    for f in fillers:
        os.unlink(f)
    # the header fits now, QEMU's stream does not: QEMU's own ENOSPC
    filler = fill(saves)
    os.unlink(filler)
    spare = os.path.join(saves, 'spare')
    gi.write_file(spare, 'x' * (1024 * 1024 - 64 * 1024))
    r = d.virsh('save', 'other', image)
    h.diag('save, stream: ' + ' | '.join(r.err.strip().split('\n')))
    h.cmd_fails(r, 'save whose stream runs out of space fails naming the image and ENOSPC',
                [image, ENOSPC])
    st = d.domstate('other')
    h.ok(st is not None and st.startswith('running') and d.qemu_pid('other') == pid,
         'the domain runs on in the same QEMU (%s)' % st)
    h.eq(sorted(f for f in os.listdir(saves) if f != 'spare'), [],
         'no partial save image is left')
    os.unlink(spare)
    # a 32 MiB guest's stream fits in 1 MiB only because an idle guest's
    # memory is zero pages
    h.cmd_ok(d.virsh('save', 'other', image), 'with space back: save works')
    h.cmd_ok(d.virsh('restore', image), 'and restore')
    os.unlink(image)
    h.cmd_ok(d.virsh('destroy', 'other'), 'destroy other')


def main(h):
    root = h.mkdtemp('root')
    confdir = os.path.join(root, 'etc', 'genvirt', 'domains')
    statedir = os.path.join(root, 'var', 'lib', 'genvirt')
    for p in (confdir, statedir):
        os.makedirs(p, mode=0o700)
        r = h.run(['mount', '-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', p])
        if not h.cmd_ok(r, 'a 512 KiB tmpfs on %s' % os.path.relpath(p, root)):
            return
        h.at_cleanup(lambda p=p: subprocess.run(['umount', '-l', p]), 'umount')
    disk = os.path.join(h.workdir, 'full.qcow2')
    h.cmd_ok(h.run(['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '16M']), 'a qcow2 disk')
    d = gi.Daemon(h, root=root)
    if not d.start():
        return
    p, uid = h.write_domain('full', memory_mib=64, disks=[('qcow2', disk)])
    h.cmd_ok(d.virsh('define', p), 'define full')
    h.cmd_ok(d.virsh('snapshot-create-as', 'full', 'first'), 'snapshot first')
    before = snapshot_files(root)
    fillers = [fill(confdir), fill(statedir)]

    p2, _ = h.write_domain('other', memory_mib=64)
    r = d.virsh('define', p2)
    h.cmd_fails(r, 'define of a new domain on a full disk fails naming its file and ENOSPC',
                [d.config_path('other'), ENOSPC])
    pb, _ = h.write_domain('full', uid=uid, memory_mib=96, disks=[('qcow2', disk)])
    r = d.virsh('define', pb)
    h.cmd_fails(r, 'redefine on a full disk fails naming the config file and ENOSPC',
                [d.config_path('full'), ENOSPC])
    r = d.virsh('snapshot-create-as', 'full', 'second')
    h.cmd_fails(r, 'snapshot-create on a full disk fails naming the metadata file and ENOSPC',
                [os.path.join(d.snapdir, 'full', 'second.xml'), ENOSPC])
    h.eq(snapshot_files(root), before, 'the configs and snapshot metadata are byte-identical')
    img = h.run(['qemu-img', 'snapshot', '-U', '-l', disk])
    h.ok(' first ' in img.out and ' second ' not in img.out,
         'the failed snapshot is not left in the qcow2 image', img.describe())
    r = d.virsh('snapshot-current', '--name', 'full')
    h.eq(r.out.strip(), 'first', 'the current snapshot is still first')
    h.eq(d.names('--all'), ['full'], 'the daemon still serves list')
    x = d.live_xml('full')
    h.ok(x and "<memory unit='KiB'>65536</memory>" in x, 'dumpxml shows the old definition')

    for f in fillers:
        os.unlink(f)
    h.cmd_ok(d.virsh('define', p2), 'with space back: define of the new domain works')
    h.cmd_ok(d.virsh('define', pb), 'redefine works')
    h.cmd_ok(d.virsh('snapshot-create-as', 'full', 'second'), 'snapshot-create works')
    img = h.run(['qemu-img', 'snapshot', '-U', '-l', disk])
    h.eq(img.out.count(' second '), 1, 'the image has one snapshot second', img.describe())
    save_and_managedsave(h, d, root, statedir)
    d.stop()
    if not d.start():
        return
    h.eq(d.names('--all'), ['full', 'other'], 'after a restart both domains are there')
    x = d.live_xml('full')
    h.ok(x and "<memory unit='KiB'>98304</memory>" in x, 'with the redefined config')
    r = d.virsh('snapshot-list', '--name', 'full')
    h.eq(sorted(r.out.split()), ['first', 'second'], 'and both snapshots')
    d.stop()


if __name__ == '__main__':
    gi.Harness('diskfull', deadline=100).main(main)
