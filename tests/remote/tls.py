#!/usr/bin/python3
"""The TLS and plain TCP listeners between two hosts (network namespaces,
tests/remote/gvremote.py), with the stock clients and real certificates.

Host B's genvirtd listens for TLS (genvirtd.conf: listen_tls, a DN
allow-list and a read-only DN list); from host A:
- virsh and python3-libvirt manage B over qemu+tls://gvhost-b.test/system
  with pkipath= and without no_verify: define, list, dumpxml with the GUID;
- a read-only DN sees the domain without its GUID and cannot define;
- a DN not on the list, an expired, a revoked certificate, one from another
  CA and no certificate at all are refused before any RPC, and B's log
  names each DN and the reason;
- a host name that is not in B's certificate is refused by the stock
  client (no_verify=1 lets it through, as in libvirt);
- hostile clients (200 silent connections, half ClientHellos, random
  bytes) are closed (garbage at once, the rest at the handshake timeout)
  while B keeps serving TLS and UNIX clients.
Host A's genvirtd listens on plain TCP (--listen-tcp): read-only, no GUID,
a warning in its log; with --listen-tcp-rw, read-write.
Bad settings (an unknown key, missing certificate files) stop genvirtd at
start with a message naming them.
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvpki  # noqa: E402
import gvremote  # noqa: E402
import gvsm  # noqa: E402
from gvremote import HOST, ALIAS  # noqa: E402

CONF_B = '''# host B: TLS only
listen_tls = 1
tls_allowed_dn_list = [ "%s", "C=GB,O=genvirt tests,CN=gvhost-*" ]
tls_readonly_dn_list = [ "*,CN=auditor" ]
''' % gvpki.dn_of('admin')


def refused(h, hosts, b, cert, what, reason, extra='', pki=None):
    """A client of @cert is refused: virsh fails, B's log names the DN and @reason."""
    mark = len(b.log_text())
    uri = 'qemu+tls://%s/system?pkipath=%s%s' % (HOST['B'], pki or hosts.pkipath(cert), extra)
    r = hosts.virsh('A', uri, 'list', '--all', timeout=30)
    # libvirt's words when the server closes after the handshake, or during it
    h.cmd_fails(r, '%s: virsh is refused' % what, ['failed to connect to the hypervisor'])
    h.ok('server verification (of our certificate or IP address) failed' in r.err or
         (cert is None and 'Unable to read TLS confirmation' in r.err),
         '%s: virsh says the server refused it' % what, r.describe())
    log = b.log_text()[mark:]
    line = [l for l in log.split('\n') if 'refused' in l and
            (cert is None or ("DN '%s'" % cert.dn) in l)]
    h.ok(line and reason in line[0], "%s: B's log names %s and says '%s'"
         % (what, "DN '%s'" % cert.dn if cert else 'the refusal', reason), log[-3000:])


def main(h):
    hosts = gvremote.Hosts(h)
    if not hosts.nets:
        return
    B = gvremote.RemoteDaemon(h, hosts, 'B', CONF_B)
    A = gvremote.RemoteDaemon(h, hosts, 'A', '', args=['--listen-tcp'])
    if not B.start() or not A.start():
        return
    h.ok(re.search(r'listening for TLS on [^ ]*:16514', B.log_text()),
         'B listens for TLS on port 16514', B.log_tail())

    # ---- an allowed client, the stock tools
    name = 'tls-guest'
    path, uid = h.write_domain(name, disks=[])
    admin = hosts.tls_uri('B', hosts.admin)
    r = hosts.virsh('A', admin, 'define', path)
    h.cmd_ok(r, 'virsh on A: define over %s' % admin.split('?')[0])
    r = hosts.virsh('A', admin, 'list', '--all', '--name')
    h.ok(r.rc == 0 and name in r.out.split(), 'virsh on A: list --all over TLS shows it',
         r.describe())
    r = hosts.virsh('A', admin, 'dumpxml', name)
    guid = gvsm.guid_of(r.out)
    h.ok(r.rc == 0 and guid and guid == B.config_guid(name),
         'virsh on A: dumpxml over TLS has the GUID of B\'s config', r.describe())
    h.ok(re.search(r"TLS client %s:\d+ \(fd \d+\) accepted: DN '%s', \(TLS1\.[23]\)"
                   % (re.escape(gvremote.ADDR['A']), re.escape(hosts.admin.dn)), B.log_text()),
         "B's log: admin's DN accepted from %s over TLS 1.2 or 1.3" % gvremote.ADDR['A'],
         B.log_tail())
    py = ('import libvirt, sys\n'
          'libvirt.registerErrorHandler(lambda c, e: None, None)\n'
          'c = libvirt.open(sys.argv[1])\n'
          'd = c.lookupByName(sys.argv[2])\n'
          'print(sorted(x.name() for x in c.listAllDomains(0)))\n'
          'print(d.XMLDesc(0))\n'
          'print("secure=%d encrypted=%d" % (c.isSecure(), c.isEncrypted()))\n'
          'c.close()\n')
    r = hosts.run('A', ['/usr/bin/python3', '-c', py, admin, name])
    h.ok(r.rc == 0 and ("'%s'" % name) in r.out and gvsm.guid_of(r.out) == guid,
         'python3-libvirt on A: open, listAllDomains, XMLDesc with the GUID over TLS',
         r.describe())
    h.ok('secure=1 encrypted=1' in r.out,
         'python3-libvirt on A: isSecure() and isEncrypted() are 1 over TLS (CONNECT_IS_SECURE)',
         r.describe())

    # ---- genvirsh, the same way
    gv = hosts.tls_uri('B', hosts.admin, scheme='genvirt+tls')
    r = hosts.run('A', [h.genvirsh_path, '-c', gv, 'dumpxml', name])
    h.ok(r.rc == 0 and gvsm.guid_of(r.out) == guid,
         'genvirsh on A: dumpxml over genvirt+tls:// with pkipath= has the GUID', r.describe())
    r = hosts.run('A', [h.genvirsh_path, '-c', hosts.tls_uri('B', hosts.intruder,
                                                              scheme='genvirt+tls'), 'list'])
    h.cmd_fails(r, 'genvirsh on A with the intruder\'s certificate is refused',
                ['failed to connect to the hypervisor',
                 'server verification (of our certificate or IP address) failed'])
    r = hosts.run('A', [h.genvirsh_path, '-c', hosts.tls_uri('B', hosts.admin, host=ALIAS['B'],
                                                              scheme='genvirt+tls'), 'list'])
    h.cmd_fails(r, 'genvirsh on A: a host name not in the certificate is refused',
                ['does not match the hostname %s' % ALIAS['B']])
    r = hosts.run('A', [h.genvirsh_path, '-c', gv + '&bogus=1', 'list'])
    h.cmd_fails(r, 'genvirsh: an unknown URI parameter is an error naming it',
                ["unknown parameter 'bogus'"])

    # ---- the read-only DN
    ro = hosts.tls_uri('B', hosts.auditor)
    r = hosts.virsh('A', ro, 'dumpxml', name)
    h.ok(r.rc == 0 and "<guid auto='yes'/>" in r.out and not gvsm.gvinteg.contains_guid(r.out, guid),
         'auditor (tls_readonly_dn_list): dumpxml shows the genid without its GUID', r.describe())
    r = hosts.virsh('A', ro, 'dumpxml', '--security-info', name)
    h.ok(not gvsm.gvinteg.contains_guid(r.out + r.err, guid),
         'auditor: dumpxml --security-info does not show the GUID either', r.describe())
    path2, _ = h.write_domain('tls-ro-define', disks=[])
    h.cmd_fails(hosts.virsh('A', ro, 'define', path2), 'auditor: define is refused',
                ['read only'])
    h.ok(re.search(r"accepted: DN '%s', .*\(read-only\)" % re.escape(hosts.auditor.dn),
                   B.log_text()), "B's log: auditor's DN accepted read-only", B.log_tail())

    # ---- refused clients
    refused(h, hosts, B, hosts.intruder, 'a DN not on the list', 'not on tls_allowed_dn_list')
    refused(h, hosts, B, hosts.expired, 'an expired certificate', 'expired', '&no_sanity=1')
    refused(h, hosts, B, hosts.revoked, 'a revoked certificate', 'revoked')
    refused(h, hosts, B, hosts.foreign, "admin's DN from another CA", 'issuer is unknown',
            '&no_sanity=1')
    refused(h, hosts, B, None, 'no client certificate', 'sent no certificate',
            pki=hosts.admin.pkipath(cacert=hosts.ca, with_cert=False))
    r = hosts.virsh('A', hosts.tls_uri('B', hosts.admin, host=ALIAS['B']), 'list', timeout=30)
    h.cmd_fails(r, 'a host name not in B\'s certificate: the stock virsh refuses it',
                ['does not match the hostname'])
    r = hosts.virsh('A', hosts.tls_uri('B', hosts.admin, host=ALIAS['B'], extra='no_verify=1'),
                    'list', '--all', '--name', timeout=30)
    h.ok(r.rc == 0 and name in r.out, 'the same with no_verify=1: let through', r.describe())

    # ---- hostile clients, while others are served
    flood = h.spawn(hosts.prefix('A') + ['/usr/bin/python3',
                                         os.path.join(gvremote.HERE, 'tlsflood.py'),
                                         gvremote.ADDR['B'], '16514', '150', '30', '20'])
    ok = gvsm.wait_until(lambda: 'holding' in gvsm.read_text(flood[1]), 30, 0.1)[0]
    h.ok(ok, '200 hostile connections to B:16514 are open (150 silent, 30 half ClientHellos, '
         '20 random bytes)', gvsm.read_text(flood[2])[-2000:])
    t0 = time.monotonic()
    r1 = hosts.virsh('A', admin, 'list', '--all', '--name', timeout=30)
    r2 = B.virsh('list', '--all', '--name', timeout=30)
    r3 = B.virsh('list', '--all', '--name', ro=True, timeout=30)
    el = time.monotonic() - t0
    h.ok(r1.rc == 0 and name in r1.out and r2.rc == 0 and r3.rc == 0,
         'during the flood B serves a TLS client, its UNIX socket and its read-only socket '
         '(%.2f s)' % el, '\n'.join(x.describe() for x in (r1, r2, r3)))
    res = h.collect(flood, 60)
    try:
        out = json.loads(res.out.strip().split('\n')[-1])
    except (ValueError, IndexError):
        out = None
    h.ok(out and out['open'] == 0 and out['closed'] == {'silent': 150, 'halfhello': 30,
                                                         'garbage': 20},
         'B closed every hostile connection', res.describe())
    if out:
        # random bytes that look like the start of a long record wait for the rest
        h.ok(out['quick']['garbage'] >= 5, 'random bytes: %d of 20 closed at once'
             % out['quick']['garbage'])
        h.ok(8 <= out['longest']['silent'] <= 16 and out['longest']['halfhello'] <= 16,
             'silent and half handshakes: closed at the 10 s handshake timeout (%.1f s, %.1f s)'
             % (out['longest']['silent'], out['longest']['halfhello']))
    h.ok('no handshake within 10 s' in B.log_text(), "B's log: the handshake timeout",
         B.log_tail())
    r = hosts.virsh('A', admin, 'dumpxml', name)
    h.ok(B.alive() and r.rc == 0 and gvsm.guid_of(r.out) == guid,
         'after the flood B still serves TLS clients', r.describe())

    # ---- plain TCP on A: read-only unless --listen-tcp-rw
    h.ok(re.search(r'warning: listening on plain TCP .*:16509 read-only', A.log_text()),
         "A's log warns about plain TCP, read-only", A.log_tail())
    path3, _ = h.write_domain('tcp-guest', disks=[])
    h.cmd_ok(A.virsh('define', path3), 'define tcp-guest on A (UNIX socket)')
    guid3 = A.config_guid('tcp-guest')
    tcp = 'qemu+tcp://%s/system' % HOST['A']
    r = hosts.virsh('B', tcp, 'dumpxml', 'tcp-guest')
    h.ok(r.rc == 0 and "<guid auto='yes'/>" in r.out and not gvsm.gvinteg.contains_guid(r.out, guid3),
         'virsh on B over qemu+tcp:// reads A read-only: no GUID', r.describe())
    h.cmd_fails(hosts.virsh('B', tcp, 'undefine', 'tcp-guest'),
                'virsh on B over qemu+tcp://: undefine is refused', ['read only'])
    A.stop()
    A.args += ['--listen-tcp-rw']
    if not A.start():
        return
    h.ok(re.search(r'warning: listening on plain TCP .*:16509 READ-WRITE', A.log_text()),
         "A's log warns about plain TCP read-write", A.log_tail())
    r = hosts.virsh('B', tcp, 'dumpxml', 'tcp-guest')
    h.ok(r.rc == 0 and gvsm.guid_of(r.out) == guid3,
         'with --listen-tcp-rw virsh on B sees the GUID over qemu+tcp://', r.describe())
    h.cmd_ok(hosts.virsh('B', tcp, 'undefine', 'tcp-guest'),
             'with --listen-tcp-rw virsh on B undefines over qemu+tcp://')

    # ---- bad settings stop genvirtd at start
    root = h.mkdtemp('badconf')
    conf = gvsm.write_file(os.path.join(root, 'bad.conf'), 'listen_tls = 1\nlisten_tlss = 1\n')
    r = h.run([h.genvirtd, '--root', root, '--config', conf], timeout=20)
    h.ok(r.rc == 1 and "bad.conf:2: unknown key 'listen_tlss'" in r.err,
         'an unknown key in genvirtd.conf: genvirtd exits 1 naming the key and line',
         r.describe())
    r = h.run([h.genvirtd, '--root', root, '--listen-tls=127.0.0.1:26514'], timeout=20)
    h.ok(r.rc == 1 and os.path.join(root, 'etc/pki/CA/cacert.pem') in r.err,
         '--listen-tls without certificates: genvirtd exits 1 naming the CA file', r.describe())
    r = h.run([h.genvirtd, '--root', root, '--listen-tls=host:99999'], timeout=20)
    h.ok(r.rc == 1 and "'host:99999'" in r.err, '--listen-tls with a bad port: exits 1 naming it',
         r.describe())

    h.cmd_ok(hosts.virsh('A', admin, 'undefine', name), 'undefine over TLS')
    h.ok(A.serving() and B.serving(), 'both daemons serve')
    A.stop()
    B.stop()


if __name__ == '__main__':
    gvsm.Harness('tls', deadline=240).main(main)
