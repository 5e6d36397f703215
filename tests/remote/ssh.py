#!/usr/bin/python3
"""qemu+ssh:// to a genvirtd on another host (tests/remote/gvremote.py):
the stock virsh, python3-libvirt and genvirsh on host A reach host B's
genvirtd through B's sshd, which runs libvirt's netcat command
(`nc -U SOCKET`, netcat-openbsd) against the socket named by ?socket=.

sshd runs in B's namespace with a private configuration (its own host
key, root by public key only, an authorized_keys file in the test's work
directory) and is stopped at the end.  Read-write over genvirt-sock shows
the GUID; the read-only socket does not.  Skips when openssh-server or
netcat-openbsd is missing.
"""

import os
import shutil
import signal
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvremote  # noqa: E402
import gvsm  # noqa: E402
from gvremote import HOST  # noqa: E402

SSHD = '/usr/sbin/sshd'
SSH_KEYGEN = '/usr/bin/ssh-keygen'


def start_sshd(h, hosts):
    d = h.mkdtemp('sshd')
    hostkey = os.path.join(d, 'hostkey')
    userkey = os.path.join(d, 'id')
    for k in (hostkey, userkey):
        r = h.run([SSH_KEYGEN, '-q', '-t', 'ed25519', '-N', '', '-f', k], timeout=30)
        if not h.cmd_ok(r, 'ssh-keygen %s' % os.path.basename(k)):
            return None, None
    shutil.copyfile(userkey + '.pub', os.path.join(d, 'authorized_keys'))
    cfg = gvsm.write_file(os.path.join(d, 'sshd_config'), '\n'.join([
        'ListenAddress %s' % gvremote.ADDR['B'],
        'Port 22',
        'HostKey %s' % hostkey,
        'PidFile %s' % os.path.join(d, 'sshd.pid'),
        'AuthorizedKeysFile %s' % os.path.join(d, 'authorized_keys'),
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM yes',
        'StrictModes no',
        'LogLevel VERBOSE',
        '']))
    os.makedirs('/run/sshd', mode=0o755, exist_ok=True)   # sshd's privilege separation dir
    log = os.path.join(d, 'sshd.log')
    with open(log, 'wb') as f:
        p = subprocess.Popen(hosts.prefix('B') + [SSHD, '-D', '-e', '-f', cfg],
                             stdin=subprocess.DEVNULL, stdout=f, stderr=f)

    def stop():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
    h.at_cleanup(stop, 'sshd')
    up = gvsm.wait_until(lambda: 'Server listening on' in gvsm.read_text(log) or
                         p.poll() is not None, 10, 0.05)[0] and p.poll() is None
    h.ok(up, 'sshd listens on %s:22 in %s' % (gvremote.ADDR['B'], hosts.ns('B')),
         gvsm.read_text(log))
    return (userkey if up else None), log


def main(h):
    for path, pkg in ((SSHD, 'openssh-server'), ('/bin/nc.openbsd', 'netcat-openbsd')):
        if not os.access(path, os.X_OK):
            h.skip('qemu+ssh://', 'no %s (%s)' % (path, pkg))
            return
    hosts = gvremote.Hosts(h)
    if not hosts.nets:
        return
    B = gvremote.RemoteDaemon(h, hosts, 'B', '')
    if not B.start():
        return
    key, log = start_sshd(h, hosts)
    if not key:
        return
    name = 'ssh-guest'
    path, uid = h.write_domain(name, disks=[])
    h.cmd_ok(B.virsh('define', path), 'define %s on B' % name)
    guid = B.config_guid(name)

    def uri(scheme, sock):
        return ('%s://root@%s/system?socket=%s&keyfile=%s&no_verify=1&no_tty=1'
                % (scheme, HOST['B'], sock, key))
    rw = uri('qemu+ssh', B.sock)
    r = hosts.virsh('A', rw, 'dumpxml', name)
    h.ok(r.rc == 0 and gvsm.guid_of(r.out) == guid,
         'virsh on A: dumpxml over qemu+ssh://root@%s/system?socket=... has the GUID' % HOST['B'],
         r.describe() + '\n' + gvsm.read_text(log)[-3000:])
    r = hosts.virsh('A', rw, 'list', '--all', '--name')
    h.ok(r.rc == 0 and name in r.out.split(), 'virsh on A: list --all over ssh', r.describe())
    r = hosts.virsh('A', uri('qemu+ssh', B.sock_ro), 'dumpxml', name)
    h.ok(r.rc == 0 and "<guid auto='yes'/>" in r.out and
         not gvsm.gvinteg.contains_guid(r.out, guid),
         'virsh on A over ssh to the read-only socket: no GUID', r.describe())
    py = ('import libvirt, sys\n'
          'libvirt.registerErrorHandler(lambda c, e: None, None)\n'
          'c = libvirt.open(sys.argv[1])\n'
          'print(c.lookupByName(sys.argv[2]).XMLDesc(0))\n'
          'print("secure=%d" % c.isSecure())\n'
          'c.close()\n')
    r = hosts.run('A', ['/usr/bin/python3', '-c', py, rw, name])
    h.ok(r.rc == 0 and gvsm.guid_of(r.out) == guid, 'python3-libvirt on A over qemu+ssh://',
         r.describe())
    # ssh reaches B's UNIX socket: secure, as the client's own ssh transport is
    h.ok('secure=1' in r.out.split(), 'python3-libvirt on A: isSecure() is 1 over ssh '
         '(CONNECT_IS_SECURE on the UNIX socket ssh reaches)', r.describe())
    r = hosts.run('A', [h.genvirsh_path, '-c', uri('genvirt+ssh', B.sock), 'dumpxml', name])
    h.ok(r.rc == 0 and gvsm.guid_of(r.out) == guid, 'genvirsh on A over genvirt+ssh://',
         r.describe())
    h.ok("Accepted publickey for root from %s" % gvremote.ADDR['A'] in gvsm.read_text(log),
         "sshd's log: root logged in from A with its key", gvsm.read_text(log)[-2000:])
    h.cmd_ok(B.virsh('undefine', name), 'undefine %s' % name)
    h.ok(B.serving(), 'B serves')
    B.stop()


if __name__ == '__main__':
    gvsm.Harness('ssh', deadline=120).main(main)
