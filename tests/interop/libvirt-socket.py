#!/usr/bin/python3
"""genvirtd on libvirt's standard socket: tools with a default URI, unchanged.

The test runs in a private mount namespace (it re-executes itself under
`unshare --mount --propagation private`), where ROOT/run/libvirt is
bind-mounted on /run/libvirt: a libvirtd of the host, if any, is neither
seen nor disturbed.  genvirtd --root ROOT --libvirt-socket then listens on
ROOT/run/libvirt/libvirt-sock{,-ro}, which is /run/libvirt/libvirt-sock
here, and the stock virsh (no -c), `virsh -r` and python3-libvirt's
`libvirt.open()` (no URI) manage it.  A second daemon whose libvirt socket
directory is the same place is refused with a message naming the socket,
and the first keeps serving; a stale socket file nobody answers on is
taken over.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gvtest  # noqa: E402

gvtest.gvinteg.private_mount_namespace('GV_LIBVIRT_SOCKET_NS')

RUN_LIBVIRT = '/run/libvirt'


def main(h):
    d = gvtest.Daemon(h, args=['--libvirt-socket'])
    mine = os.path.join(d.root, 'run', 'libvirt')
    os.makedirs(mine, exist_ok=True)
    os.makedirs(RUN_LIBVIRT, exist_ok=True)
    r = h.run(['mount', '--bind', mine, RUN_LIBVIRT], timeout=10)
    if not h.ok(r.rc == 0, 'bind-mount %s on %s in a private mount namespace' % (mine, RUN_LIBVIRT),
                r.describe()):
        return
    # a stale socket file from an earlier daemon, nobody answering: taken over
    stale = os.path.join(mine, 'libvirt-sock')
    import socket as sk
    s = sk.socket(sk.AF_UNIX, sk.SOCK_STREAM)
    s.bind(stale)
    s.close()
    if not d.start():
        return
    h.ok(os.path.exists(os.path.join(RUN_LIBVIRT, 'libvirt-sock')) and
         os.path.exists(os.path.join(RUN_LIBVIRT, 'libvirt-sock-ro')),
         'genvirtd listens on /run/libvirt/libvirt-sock and libvirt-sock-ro (a stale file '
         'nobody answered on was taken over)')
    h.ok('listening on libvirt\'s sockets' in d.log_text(), 'the log names libvirt\'s sockets')
    env = dict(h.env)
    env.pop('LIBVIRT_DEFAULT_URI', None)

    path, uid = h.write_domain('dflt', genid='auto')
    r = h.run([gvtest.VIRSH, 'define', path], env=env)
    h.cmd_ok(r, 'virsh define, with no -c (its default URI)')
    r = h.run([gvtest.VIRSH, 'list', '--all', '--name'], env=env)
    h.ok(r.ok and 'dflt' in r.out.split(), 'virsh list --all with no -c lists the domain',
         r.describe())
    r = h.run([gvtest.VIRSH, 'uri'], env=env)
    h.eq(r.out.strip(), 'qemu:///system', 'virsh uri says qemu:///system')
    r = h.run([gvtest.VIRSH, 'dumpxml', 'dflt'], env=env)
    guid = gvtest.GUID_ELEM_RE.search(r.out)
    h.ok(r.ok and guid, 'virsh dumpxml (read-write socket) shows the GUID')
    r = h.run([gvtest.VIRSH, '-r', 'dumpxml', 'dflt'], env=env)
    h.ok(r.ok and "<guid auto='yes'/>" in r.out and not gvtest.GUID_ELEM_RE.search(r.out),
         'virsh -r (libvirt-sock-ro) sees no GUID', r.describe())
    r = h.run([gvtest.VIRSH, '-r', 'undefine', 'dflt'], env=env)
    h.cmd_fails(r, 'virsh -r cannot undefine', ['read only'])
    code = ('import libvirt; c = libvirt.open(); '
            'print(c.getURI(), c.lookupByName("dflt").UUIDString(), c.getType())')
    r = h.run(['/usr/bin/python3', '-c', code], env=env)
    h.eq(r.out.strip(), 'qemu:///system %s QEMU' % uid,
         'python3-libvirt libvirt.open() with no URI reaches genvirtd')

    # a second daemon whose libvirt socket directory is the same place is refused
    root2 = h.mkdtemp('root2')
    os.makedirs(os.path.join(root2, 'run'), exist_ok=True)
    os.symlink(mine, os.path.join(root2, 'run', 'libvirt'))
    r = h.run([h.genvirtd, '--root', root2, '--libvirt-socket'], timeout=20)
    h.eq(r.rc, 1, 'a second genvirtd --libvirt-socket exits 1 at once')
    h.ok("libvirt's socket" in r.err and 'libvirt-sock' in r.err and 'is in use' in r.err,
         'it says which socket is in use and what to do', r.describe())
    h.ok(not os.path.exists(os.path.join(root2, 'run', 'genvirt', 'genvirt-sock')),
         'it refused before opening any socket of its own')
    r = h.run([gvtest.VIRSH, 'list', '--all', '--name'], env=env)
    h.ok(r.ok and 'dflt' in r.out.split(), 'the first daemon keeps serving on libvirt\'s socket')
    h.run([gvtest.VIRSH, 'undefine', 'dflt'], env=env)
    d.stop()
    h.ok(not os.path.exists(os.path.join(RUN_LIBVIRT, 'libvirt-sock')),
         'its libvirt sockets are removed when it stops')
    subprocess.run(['umount', RUN_LIBVIRT])


if __name__ == '__main__':
    gvtest.Harness('libvirt-socket').main(main)
