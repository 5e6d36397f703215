"""gvremote: two "hosts" for the remote-transport tests (TLS, TCP, ssh,
migration between hosts).

Two network namespaces joined by a veth pair (tests/snapmig/netns.py's
setup: gvA-PID 10.200.0.1, gvB-PID 10.200.0.2), each with its own
/etc/hosts through `ip netns exec`'s convention (/etc/netns/NS/hosts is
bind-mounted over /etc/hosts), so that gvhost-a.test and gvhost-b.test
resolve inside both.  A PKI made in the run (gvpki: certtool): a CA, a
certificate per host (server and client: the host's genvirtd serves with
it and opens the other host with it), the clients admin, auditor,
intruder, expired, revoked, a client without a certificate and one signed
by another CA.

Every namespace, hosts file and daemon is removed or stopped at the end,
also on failure; without root and iproute2 the caller skips.
"""

import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'snapmig'))
sys.path.insert(0, HERE)
import gvpki  # noqa: E402
import gvsm  # noqa: E402
import netns  # noqa: E402

ADDR = netns.ADDR
HOST = {'A': 'gvhost-a.test', 'B': 'gvhost-b.test'}
ALIAS = {'A': 'gvalias-a.test', 'B': 'gvalias-b.test'}   # resolves, but not in the certificate


class Hosts:
    """The namespaces, their hosts files and the PKI."""

    def __init__(self, h):
        self.h = h
        self.nets = netns.setup(h)
        if not self.nets:
            return
        text = '127.0.0.1 localhost\n' + ''.join(
            '%s %s %s\n' % (ADDR[k], HOST[k], ALIAS[k]) for k in ('A', 'B'))
        for k in ('A', 'B'):
            d = '/etc/netns/' + self.nets[k][0]
            os.makedirs(d, exist_ok=True)
            gvsm.write_file(os.path.join(d, 'hosts'), text, 0o644)
            h.at_cleanup(lambda d=d: shutil.rmtree(d, ignore_errors=True), 'hosts file ' + d)
        r = self.run('A', ['getent', 'hosts', HOST['B']])
        h.ok(r.rc == 0 and ADDR['B'] in r.out, '%s resolves to %s inside %s'
             % (HOST['B'], ADDR['B'], self.nets['A'][0]), r.describe())
        self.make_pki()

    def ns(self, k):
        return self.nets[k][0]

    def dev(self, k):
        return self.nets[k][1]

    def prefix(self, k):
        return ['ip', 'netns', 'exec', self.ns(k)]

    def run(self, k, argv, timeout=60, input=None):
        return self.h.run(self.prefix(k) + argv, timeout=timeout, input=input)

    def virsh(self, k, uri, *args, timeout=60):
        """The stock virsh, run on host @k."""
        return self.run(k, [gvsm.VIRSH, '-c', uri] + list(args), timeout=timeout)

    def make_pki(self):
        ca = gvpki.Authority(self.h.workdir, 'genvirt test CA')
        other = gvpki.Authority(self.h.workdir, 'another CA')
        self.ca = ca
        self.host = {k: ca.issue('host-' + k.lower(), cn=HOST[k], dns=[HOST[k]], ip=[ADDR[k]],
                                 server=True, client=True) for k in ('A', 'B')}
        self.admin = ca.issue('admin', cn='admin', client=True)
        self.auditor = ca.issue('auditor', cn='auditor', client=True)
        self.intruder = ca.issue('intruder', cn='intruder', client=True)
        self.expired = ca.issue('expired', cn='expired', client=True, expired=True)
        self.revoked = ca.issue('revoked', cn='revoked', client=True)
        ca.revoke(self.revoked)
        # the same DN as admin, signed by another CA
        self.foreign = other.issue('foreign', cn='admin', client=True)
        self.h.ok(True, 'certificates made with certtool: a CA, 2 hosts, admin, auditor, '
                  'intruder, expired, revoked, and admin again from another CA')

    def pkipath(self, cert, **kw):
        return cert.pkipath(cacert=self.ca, **kw)

    def tls_uri(self, k, cert=None, host=None, extra='', scheme='qemu+tls'):
        """scheme://HOST/system?pkipath=DIR (cert None: no pkipath)."""
        q = []
        if cert is not None:
            q.append('pkipath=' + self.pkipath(cert))
        if extra:
            q.append(extra)
        return '%s://%s/system%s' % (scheme, host or HOST[k], '?' + '&'.join(q) if q else '')


class RemoteDaemon(gvsm.Daemon):
    """genvirtd in namespace @k of @hosts with @conf as its
    ROOT/etc/genvirt/genvirtd.conf and the host's certificates installed
    in libvirt's layout under its root (server, client and QEMU's)."""

    def __init__(self, h, hosts, k, conf='', args=(), root=None):
        self.hosts, self.key = hosts, k
        super().__init__(h, root=root or h.mkdtemp('root-' + k.lower()), label='host' + k,
                         prefix=hosts.prefix(k),
                         args=['--migration-host', HOST[k], '--migration-listen', ADDR[k]] +
                         list(args))
        cert = hosts.host[k]
        cert.install_server(self.root)
        cert.install_client(self.root)
        cert.install_qemu(self.root)
        self.set_conf(conf)

    def set_conf(self, conf):
        d = os.path.join(self.root, 'etc', 'genvirt')
        os.makedirs(d, mode=0o700, exist_ok=True)
        gvsm.write_file(os.path.join(d, 'genvirtd.conf'), conf, 0o600)

    def virsh_from(self, k, uri, *args, timeout=60):
        return self.hosts.virsh(k, uri, *args, timeout=timeout)
