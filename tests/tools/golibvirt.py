#!/usr/bin/python3
"""go-libvirt (Debian's golang-github-digitalocean-go-libvirt-dev, a pure-Go
client with its own XDR) against a real genvirtd.  TAP.

The program tests/tools/golibvirt/main.go is built here, offline, with
Debian's Go toolchain in GOPATH mode (GO111MODULE=off, the package from
/usr/share/gocode, GOPROXY=off).  It connects (its CONNECT_OPEN writes the
optional-URI flag as the bytes 01 00 00 00), asks the library version,
capabilities, node info and free memory, lists the domains, reads the XML,
registers for lifecycle events, starts and destroys a domain (a real QEMU)
and defines and undefines another, checking each event; each step is one
JSON line that this script checks.

Usage: golibvirt.py GENVIRTD GENVIRSH SRCDIR
"""

import json
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tooltest  # noqa: E402

GOPKG = '/usr/share/gocode/src/github.com/digitalocean/go-libvirt'
tooltest.require({'/usr/bin/go': 'golang-go',
                  GOPKG + '/libvirt.go': 'golang-github-digitalocean-go-libvirt-dev'})

import gvtest  # noqa: E402

EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_STOPPED = 0, 1, 2, 5


def meminfo_kib(key):
    for line in open('/proc/meminfo'):
        if line.startswith(key + ':'):
            return int(line.split()[1])
    return None


def build(h):
    """Builds the program; returns its path or None (reported)."""
    gopath = os.path.join(h.workdir, 'gopath')
    src = os.path.join(gopath, 'src', 'golibvirt')
    os.makedirs(src)
    shutil.copy(os.path.join(h.srcdir, 'tests', 'tools', 'golibvirt', 'main.go'), src)
    exe = os.path.join(h.workdir, 'golibvirt')
    env = dict(h.env, GO111MODULE='off', GOPATH=gopath + ':/usr/share/gocode', GOPROXY='off',
               GOFLAGS='', CGO_ENABLED='0',
               GOCACHE=os.environ.get('GV_GOCACHE') or os.path.join(h.workdir, 'gocache'))
    r = h.run(['/usr/bin/go', 'build', '-o', exe, '.'], timeout=150, env=env, cwd=src)
    h.ok(r.rc == 0 and os.path.exists(exe),
         'go build of tests/tools/golibvirt with Debian\'s go-libvirt, offline (%.1f s)'
         % r.elapsed, r.describe())
    return exe if r.rc == 0 else None


def main(h):
    exe = build(h)
    if not exe:
        return
    d = tooltest.daemon(h)
    if not d:
        return
    path, _ = h.write_domain('go-dom', dtype='qemu')
    h.cmd_ok(d.virsh('define', path), 'virsh define go-dom')
    guid = d.config_guid('go-dom')
    newxml, _ = h.write_domain('go-new', dtype='qemu')

    r = h.run([exe, d.sock, 'go-dom', newxml], timeout=90)
    steps = {}
    for line in r.out.splitlines():
        try:
            j = json.loads(line)
            steps[j['step']] = j
        except (ValueError, KeyError):
            h.diag('not JSON: %r' % line)
    h.ok(r.rc == 0, 'the program ran to the end (%.1f s)' % r.elapsed, r.describe())

    def step(name, cond, desc):
        s = steps.get(name)
        good = s is not None and s.get('ok') and cond(s)
        h.ok(good, 'go-libvirt %s' % desc, 'step %s: %r' % (name, s))

    step('connect', lambda s: True,
         'ConnectToURI(qemu:///system): AUTH_LIST + CONNECT_OPEN with its 01 00 00 00 flag')
    step('libversion', lambda s: s['version'] >= 9000000, 'ConnectGetLibVersion >= 9.0.0')
    step('capabilities', lambda s: s['has_host'] and s['has_guest'],
         'Capabilities: <host> and <guest>')
    memtotal = meminfo_kib('MemTotal')
    step('nodeinfo', lambda s: s['memory_kib'] == memtotal and s['cpus'] == os.cpu_count() and
         s['nodes'] >= 1, 'NodeGetInfo: memory = MemTotal (%s KiB), cpus = %d'
         % (memtotal, os.cpu_count()))
    step('freemem', lambda s: 0 < s['bytes'] <= memtotal * 1024,
         'NodeGetFreeMemory: between 0 and MemTotal')
    step('list', lambda s: s['names'] == ['go-dom'], 'ConnectListAllDomains: [go-dom]')
    step('xml', lambda s: '<name>go-dom</name>' in s['xml'] and
         gvtest.guid_of(s['xml']) == guid,
         'DomainGetXMLDesc: the domain, with its GUID (read-write socket)')
    step('events', lambda s: True, 'LifecycleEvents: CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY')
    step('create', lambda s: True, 'DomainCreate')
    step('event_started', lambda s: (s['event'], s['detail']) == (EV_STARTED, 0),
         'lifecycle event Started Booted')
    step('state_running', lambda s: (s['state'], s['reason']) == (1, 1),
         'DomainGetState: running, booted')
    step('destroy', lambda s: True, 'DomainDestroy')
    step('event_stopped', lambda s: (s['event'], s['detail']) == (EV_STOPPED, 1),
         'lifecycle event Stopped Destroyed')
    step('state_shutoff', lambda s: (s['state'], s['reason']) == (5, 2),
         'DomainGetState: shut off, destroyed')
    step('define', lambda s: s['name'] == 'go-new', 'DomainDefineXML')
    step('event_defined', lambda s: (s['event'], s['detail']) == (EV_DEFINED, 0),
         'lifecycle event Defined Added')
    step('undefine', lambda s: True, 'DomainUndefine')
    step('event_undefined', lambda s: (s['event'], s['detail']) == (EV_UNDEFINED, 0),
         'lifecycle event Undefined Removed')
    s = steps.get('lookup_missing')
    h.ok(s is not None and not s['ok'] and 'Domain not found' in s.get('error', ''),
         'go-libvirt DomainLookupByName of a missing domain: libvirt\'s "Domain not found"',
         repr(s))
    step('disconnect', lambda s: True, 'Disconnect: CONNECT_CLOSE')
    log = d.log_text()
    h.ok("domain 'go-dom' started" in log, 'genvirtd started a QEMU for it', d.log_tail())
    h.ok('decode' not in log.lower(), 'genvirtd logged no decoding error', d.log_tail())
    h.eq(d.names('--all'), ['go-dom'], 'virsh sees the result: go-dom only')
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gvtest.Harness('tools-golibvirt', deadline=240).main(main)
