"""gvpki: x509 certificates for the TLS tests, made during the run with
GnuTLS's certtool (gnutls-bin), in libvirt's layout.

    ca = Authority(workdir, 'genvirt test CA')
    host = ca.issue('host-a', cn='hosta.test', dns=['hosta.test'], ip=['10.200.0.1'],
                    server=True, client=True)
    admin = ca.issue('admin', cn='admin', client=True)
    ca.revoke(bad)                         # writes cacrl.pem
    host.install_server(root)              # ROOT/etc/pki/CA/cacert.pem, .../libvirt/servercert.pem, ...
    admin.pkipath()                        # DIR with cacert.pem, clientcert.pem, clientkey.pem

Every key is RSA 2048: libvirt's clients want keyEncipherment in a
server certificate's key usage, which an ECDSA key cannot have.  Every DN is
C=GB,O=genvirt tests,CN=<cn>, which libvirt's and genvirtd's DN lists see
as "C=GB,O=genvirt tests,CN=<cn>".
"""

import os
import shutil
import subprocess

CERTTOOL = '/usr/bin/certtool'
ORG = 'genvirt tests'


def dn_of(cn):
    return 'C=GB,O=%s,CN=%s' % (ORG, cn)


def _run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode != 0:
        raise RuntimeError('%s failed: %s' % (' '.join(argv), p.stderr.decode(errors='replace')))


def _write(path, text, mode=0o644):
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def _copy(src, dst, mode):
    os.makedirs(os.path.dirname(dst), mode=0o755, exist_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, mode)


class Cert:
    def __init__(self, ca, name, cn):
        self.ca, self.name, self.cn = ca, name, cn
        self.dn = dn_of(cn)
        self.key = os.path.join(ca.dir, name + '-key.pem')
        self.cert = os.path.join(ca.dir, name + '-cert.pem')

    def pkipath(self, cacert=None, with_cert=True):
        """A pkipath= directory: cacert.pem (of @cacert's authority, by
        default this certificate's), [cacrl.pem], clientcert.pem, clientkey.pem."""
        d = os.path.join(self.ca.dir, 'pki-' + self.name + ('' if with_cert else '-nocert'))
        os.makedirs(d, mode=0o700, exist_ok=True)
        _copy((cacert or self.ca).cacert, os.path.join(d, 'cacert.pem'), 0o644)
        if with_cert:
            _copy(self.cert, os.path.join(d, 'clientcert.pem'), 0o644)
            _copy(self.key, os.path.join(d, 'clientkey.pem'), 0o600)
        return d

    def install_server(self, root):
        """libvirt's server layout under @root (the CA's CRL too, if any)."""
        _copy(self.ca.cacert, os.path.join(root, 'etc/pki/CA/cacert.pem'), 0o644)
        if os.path.exists(self.ca.crl):
            _copy(self.ca.crl, os.path.join(root, 'etc/pki/CA/cacrl.pem'), 0o644)
        _copy(self.cert, os.path.join(root, 'etc/pki/libvirt/servercert.pem'), 0o644)
        _copy(self.key, os.path.join(root, 'etc/pki/libvirt/private/serverkey.pem'), 0o600)

    def install_client(self, root):
        """libvirt's client layout under @root: what a daemon uses to open
        another daemon (p2p migration)."""
        _copy(self.ca.cacert, os.path.join(root, 'etc/pki/CA/cacert.pem'), 0o644)
        _copy(self.cert, os.path.join(root, 'etc/pki/libvirt/clientcert.pem'), 0o644)
        _copy(self.key, os.path.join(root, 'etc/pki/libvirt/private/clientkey.pem'), 0o600)

    def install_qemu(self, root, sub='etc/pki/qemu'):
        """QEMU's tls-creds-x509 directory: ca-cert.pem, server-cert.pem,
        server-key.pem, client-cert.pem, client-key.pem."""
        d = os.path.join(root, sub)
        _copy(self.ca.cacert, os.path.join(d, 'ca-cert.pem'), 0o644)
        for role in ('server', 'client'):
            _copy(self.cert, os.path.join(d, role + '-cert.pem'), 0o644)
            _copy(self.key, os.path.join(d, role + '-key.pem'), 0o600)
        return d


class Authority:
    def __init__(self, workdir, name):
        self.dir = os.path.join(workdir, 'pki-' + name.replace(' ', '-'))
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        self.key = os.path.join(self.dir, 'cakey.pem')
        self.cacert = os.path.join(self.dir, 'cacert.pem')
        self.crl = os.path.join(self.dir, 'cacrl.pem')
        self.revoked = []
        self.n = 0
        _run([CERTTOOL, '--generate-privkey', '--key-type=rsa', '--bits=2048', '--outfile', self.key])
        tpl = _write(os.path.join(self.dir, 'ca.info'),
                     'cn = "%s"\norganization = "%s"\nca\ncert_signing_key\ncrl_signing_key\n'
                     'expiration_days = 30\n' % (name, ORG))
        _run([CERTTOOL, '--generate-self-signed', '--load-privkey', self.key, '--template', tpl,
              '--outfile', self.cacert])

    def issue(self, name, cn, dns=(), ip=(), server=False, client=False, expired=False):
        c = Cert(self, name, cn)
        self.n += 1
        lines = ['country = "GB"', 'organization = "%s"' % ORG, 'cn = "%s"' % cn,
                 'serial = %d' % (1000 + self.n), 'signing_key', 'encryption_key']
        lines += ['dns_name = "%s"' % d for d in dns]
        lines += ['ip_address = "%s"' % i for i in ip]
        if server:
            lines.append('tls_www_server')
        if client:
            lines.append('tls_www_client')
        if expired:
            lines += ['activation_date = "2020-01-01 00:00:00"',
                      'expiration_date = "2020-02-01 00:00:00"']
        else:
            lines.append('expiration_days = 30')
        tpl = _write(os.path.join(self.dir, name + '.info'), '\n'.join(lines) + '\n')
        _run([CERTTOOL, '--generate-privkey', '--key-type=rsa', '--bits=2048', '--outfile', c.key])
        os.chmod(c.key, 0o600)
        _run([CERTTOOL, '--generate-certificate', '--load-privkey', c.key,
              '--load-ca-certificate', self.cacert, '--load-ca-privkey', self.key,
              '--template', tpl, '--outfile', c.cert])
        return c

    def revoke(self, cert):
        """Adds @cert to the CRL (cacrl.pem), rewritten."""
        self.revoked.append(cert)
        tpl = _write(os.path.join(self.dir, 'crl.info'), 'crl_next_update = 30\ncrl_number = %d\n'
                     % len(self.revoked))
        bundle = os.path.join(self.dir, 'revoked.pem')
        with open(bundle, 'w') as out:
            for c in self.revoked:
                with open(c.cert) as f:
                    out.write(f.read())
        _run([CERTTOOL, '--generate-crl', '--load-ca-privkey', self.key,
              '--load-ca-certificate', self.cacert, '--load-certificate', bundle,
              '--template', tpl, '--outfile', self.crl])
