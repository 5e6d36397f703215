#!/usr/bin/python3
"""Peer-to-peer live migration between two hosts over TLS, with the QEMU
stream encrypted (--tls), and its failure cases (tests/remote/gvremote.py).

Both genvirtd listen for TLS and hold their host's certificates in
libvirt's layout (server, client, QEMU's); virsh asks the source genvirtd
for `migrate --live --p2p [--tls] NAME qemu+tls://DEST/system`, and the
source genvirtd opens the destination over TLS with its own client
certificate.  The guest boots a disk whose boot sector holds a marker
string, so the marker is in guest RAM (checked with pmemsave), as is the
GUID (the firmware copies QEMU's vmgenid blob into RAM).

- control: without --tls, a capture on the destination's veth holds the
  marker and the GUID's bytes in clear (the capture sees what crosses);
- with --tls, both ways: the destination QEMU reports the source's GUID
  and a capture of everything on the veth (RPC and QEMU stream) holds
  neither the marker nor the GUID in any form;
- migrate_tls_force on the source refuses a migration without --tls before
  anything reaches the destination; on the destination, Prepare refuses it;
- the destination QEMU killed mid-stream, and the link cut mid-stream
  (`ip link set down`: the source notices through keepalive on its
  connection to the destination daemon): the guest goes on at the source
  with its GUID, and nothing of it is left on the destination.
"""

import os
import re
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvpki  # noqa: E402
import gvremote  # noqa: E402
import gvsm  # noqa: E402
import netns  # noqa: E402
from gvremote import HOST  # noqa: E402

TCPDUMP = '/usr/bin/tcpdump'
QEMU_IMG = '/usr/bin/qemu-img'


def conf(force=False):
    return ('listen_tls = 1\n'
            'tls_allowed_dn_list = [ "%s", "C=GB,O=genvirt tests,CN=gvhost-*" ]\n'
            'migrate_tls_force = %d\n'
            '# the link-cut case: dead after 1 s x (2 + 1) of silence\n'
            'keepalive_interval = 1\n'
            'keepalive_count = 2\n' % (gvpki.dn_of('admin'), 1 if force else 0))


def guid_bytes(guid):
    """The GUID as text (every form) and as the 16 raw bytes, both byte orders."""
    raw = bytes.fromhex(guid.replace('-', ''))
    le = raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:]
    return [f.encode() for f in gvsm.gvinteg.guid_forms(guid)] + [raw, le]


def marker_disk(h, marker):
    """A qcow2 disk whose boot sector is `jmp $` followed by @marker."""
    raw = os.path.join(h.workdir, 'marker.raw')
    sector = bytearray(512)
    sector[0:2] = b'\xeb\xfe'
    sector[2:2 + len(marker)] = marker
    sector[510:512] = b'\x55\xaa'
    with open(raw, 'wb') as f:
        f.write(bytes(sector) + bytes(1024 * 1024 - 512))
    path = os.path.join(h.workdir, 'marker.qcow2')
    r = h.run([QEMU_IMG, 'convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, path], timeout=30)
    if r.rc != 0:
        raise RuntimeError(r.describe())
    return path


class Capture:
    """tcpdump of everything on veth @dev in namespace @ns."""

    def __init__(self, h, hosts, k):
        self.h = h
        self.path = os.path.join(h.workdir, 'capture-%s-%d.pcap' % (k, time.monotonic_ns()))
        err = self.path + '.err'
        self.errf = err
        with open(err, 'wb') as fe:
            self.p = subprocess.Popen(hosts.prefix(k) + [TCPDUMP, '-i', hosts.dev(k), '-s', '0',
                                                         '-U', '-n', '-w', self.path],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=fe)
        self.ready = gvsm.wait_until(lambda: 'listening on' in gvsm.read_text(err), 10, 0.05)[0]
        h.at_cleanup(self.stop, 'tcpdump')

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=5)
        try:
            return gvsm.read_bytes(self.path)
        except OSError:
            return b''


def migrate(h, src, dst, name, tls, bg=False):
    argv = [gvsm.VIRSH, '-c', src.uri, 'migrate', '--live', '--p2p'] + (['--tls'] if tls else [])
    argv += [name, 'qemu+tls://%s/system' % HOST[dst.key]]
    if bg:
        return h.spawn(argv)
    return h.run(argv, timeout=120)


def check_moved(h, src, dst, name, uid, guid, what):
    h.eq(dst.domstate(name), 'running (migrated)', '%s: state on %s' % (what, dst.label))
    vals = {'QMP': dst.qmp_guid(name), 'domgenid': dst.domgenid(name)}
    h.ok(all(v == guid for v in vals.values()),
         "%s: the destination QEMU reports the source's GUID %s" % (what, guid), repr(vals))
    dpid = dst.qemu_pid(name)
    h.ok(dpid and gvsm.wait_until(lambda: gvsm.qemu_pids_by_uuid(uid) == [dpid], 10)[0],
         '%s: exactly one QEMU runs the guest, in %s' % (what, dst.label),
         'QEMUs: %r, destination %r' % (gvsm.qemu_pids_by_uuid(uid), dpid))


def check_stayed(h, src, dst, name, uid, guid, what, spid):
    st = src.domstate(name)
    h.ok(st and st.startswith('running'), '%s: the guest runs on at %s (%s)'
         % (what, src.label, st))
    h.eq(src.qmp_status(name), 'running', '%s: QEMU on %s runs it' % (what, src.label))
    h.eq(src.qmp_guid(name), guid, '%s: with its GUID' % what)
    h.eq(src.qemu_pid(name), spid, '%s: in the same QEMU' % what)
    left = gvsm.wait_until(lambda: gvsm.qemu_pids_by_uuid(uid) == [spid], 30, 0.1)[0]
    h.ok(left, '%s: no QEMU of it is left at %s' % (what, dst.label),
         'QEMUs: %r' % gvsm.qemu_pids_by_uuid(uid))
    def gone():
        n = dst.names('--all')
        return n is not None and name not in n
    names = gvsm.wait_until(gone, 30, 0.1)[0]
    h.ok(names, '%s: no domain of it is left at %s' % (what, dst.label),
         repr(dst.names('--all')))


def main(h):
    hosts = gvremote.Hosts(h)
    if not hosts.nets:
        return
    if not os.access(TCPDUMP, os.X_OK):
        h.skip('tls migration', 'no %s (tcpdump)' % TCPDUMP)
        return
    A = gvremote.RemoteDaemon(h, hosts, 'A', conf())
    B = gvremote.RemoteDaemon(h, hosts, 'B', conf())
    if not A.start() or not B.start():
        return
    marker = ('GENVIRT-MARKER-%s' % os.urandom(8).hex()).encode()
    name = 'tlsmig'
    path, uid = h.write_domain(name, disks=[('qcow2', marker_disk(h, marker))])
    h.cmd_ok(A.virsh('create', path), 'create %s on %s' % (name, A.label))
    guid = A.qmp_guid(name)
    h.ok(guid and gvsm.UUID_RE.match(guid), 'the guest has a GUID %s' % guid)
    ram = os.path.join(h.workdir, 'ram.bin')

    def marker_in_ram():
        a = A.qmp(name, {'execute': 'pmemsave',
                         'arguments': {'val': 0x7c00, 'size': 512, 'filename': ram}})
        return a and 'return' in a and os.path.exists(ram) and marker in gvsm.read_bytes(ram)
    h.ok(gvsm.wait_until(marker_in_ram, 30, 0.2)[0],
         'the firmware loaded the boot sector: the marker is in guest RAM at 0x7c00')
    forms = guid_bytes(guid)

    # ---- the control: a stream in clear is seen in clear
    cap = Capture(h, hosts, 'B')
    h.ok(cap.ready, 'tcpdump captures the veth of host B')
    r = migrate(h, A, B, name, tls=False)
    data = cap.stop()
    h.cmd_ok(r, 'control: migrate --live --p2p %s A -> B without --tls' % name)
    check_moved(h, A, B, name, uid, guid, 'control')
    h.ok(marker in data and any(f in data for f in forms[-2:]),
         'control: the capture (%d bytes) holds the marker and the GUID\'s bytes in clear'
         % len(data), 'marker: %s, GUID bytes: %s' % (marker in data,
                                                       [f in data for f in forms[-2:]]))

    # ---- encrypted, both ways
    for src, dst, k in ((B, A, 'A'), (A, B, 'B')):
        what = 'migrate --live --p2p --tls %s -> %s' % (src.label, dst.label)
        cap = Capture(h, hosts, k)
        mark = len(dst.log_text())
        r = migrate(h, src, dst, name, tls=True)
        data = cap.stop()
        h.cmd_ok(r, what)
        check_moved(h, src, dst, name, uid, guid, what)
        h.ok('waiting for an incoming migration on tcp:%s' % gvremote.ADDR[dst.key] in
             dst.log_text()[mark:] and 'over TLS' in dst.log_text()[mark:],
             '%s: the destination QEMU listened for a TLS stream' % what, dst.log_tail())
        h.ok(re.search(r"TLS client %s:\d+ \(fd \d+\) accepted: DN '%s'"
                       % (re.escape(gvremote.ADDR[src.key]),
                          re.escape(hosts.host[src.key].dn)), dst.log_text()[mark:]),
             "%s: the source daemon came with its host certificate (DN %s)"
             % (what, hosts.host[src.key].dn), dst.log_tail())
        found = [f for f in forms if f in data]
        h.ok(len(data) >= 256 * 1024 and marker not in data and not found,
             '%s: the capture (%d bytes) holds neither the marker nor the GUID in any form'
             % (what, len(data)), 'marker: %s, GUID forms found: %r' % (marker in data, found))
    r = migrate(h, B, A, name, tls=True)
    h.cmd_ok(r, 'migrate --live --p2p --tls back to A')
    spid = A.qemu_pid(name)

    # ---- migrate_tls_force on the source: refused before anything starts
    A.stop()
    A.set_conf(conf(force=True))
    if not A.start():
        return
    mark = len(B.log_text())
    r = migrate(h, A, B, name, tls=False)
    h.cmd_fails(r, 'migrate_tls_force on A: a migration without --tls is refused',
                ['allows migration only with VIR_MIGRATE_TLS flag', 'source'])
    h.ok('client connected' not in B.log_text()[mark:],
         'migrate_tls_force on A: nothing reached B', B.log_text()[mark:][-2000:])
    check_stayed(h, A, B, name, uid, guid, 'migrate_tls_force on A', spid)

    # ---- migrate_tls_force on the destination: Prepare refuses
    A.stop()
    A.set_conf(conf())
    B.stop()
    B.set_conf(conf(force=True))
    if not A.start() or not B.start():
        return
    r = migrate(h, A, B, name, tls=False)
    h.cmd_fails(r, 'migrate_tls_force on B: the destination refuses a migration without --tls',
                ['allows migration only with VIR_MIGRATE_TLS flag', 'destination'])
    check_stayed(h, A, B, name, uid, guid, 'the destination refused', spid)

    # ---- the destination QEMU dies mid-stream
    def slow_then(action, what, after=None):
        a = A.qmp(name, {'execute': 'migrate-set-parameters',
                         'arguments': {'max-bandwidth': 200000}})
        h.ok(a is not None and 'return' in a, '%s: the source QEMU migrates at 200 kB/s' % what)
        bg = migrate(h, A, B, name, tls=True, bg=True)
        dpid = gvsm.wait_until(lambda: [p for p in gvsm.qemu_pids_by_uuid(uid) if p != spid],
                               30, 0.05)[0]
        started = gvsm.wait_until(
            lambda: (netns.to_bytes(netns.jobinfo(A, name).get('Data processed')) or 0) > 65536,
            20, 0.1)[0]
        h.ok(dpid and started, '%s: the stream to B\'s QEMU %s is flowing' % (what, dpid))
        t0 = time.monotonic()
        action(dpid[0] if dpid else None)
        r = h.collect(bg, 90)
        h.cmd_fails(r, '%s: the migration fails (%.1f s after)' % (what, time.monotonic() - t0))
        if after:
            after(r)
        a = A.qmp(name, {'execute': 'migrate-set-parameters',
                         'arguments': {'max-bandwidth': 1 << 40}})
        check_stayed(h, A, B, name, uid, guid, what, spid)
        return r

    def kill_dest(dpid):
        if dpid:
            os.kill(dpid, signal.SIGKILL)
    slow_then(kill_dest, 'the destination QEMU killed mid-stream')

    def cut(dpid):
        r = hosts.run('A', ['ip', 'link', 'set', hosts.dev('A'), 'down'])
        h.cmd_ok(r, 'ip link set %s down' % hosts.dev('A'))
    def uncut(r):
        h.ok('Lost connection to destination host' in r.err,
             'the link cut: the source noticed through keepalive', r.describe())
        h.cmd_ok(hosts.run('A', ['ip', 'link', 'set', hosts.dev('A'), 'up']),
                 'the link is back up')
        gvsm.wait_until(lambda: 'LOWER_UP' in hosts.run('A', ['ip', 'link', 'show',
                                                              hosts.dev('A')]).out, 10, 0.05)
    slow_then(cut, 'the link cut mid-stream', uncut)

    # ---- and after all that, a TLS migration still works
    r = migrate(h, A, B, name, tls=True)
    h.cmd_ok(r, 'after the failures: migrate --live --p2p --tls A -> B')
    check_moved(h, A, B, name, uid, guid, 'after the failures')
    h.cmd_ok(B.virsh('destroy', name), 'destroy %s' % name)
    h.ok(A.serving() and B.serving(), 'both daemons serve')
    A.stop()
    B.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gvsm.Harness('tlsmig', deadline=400).main(main)
