#!/usr/bin/python3
"""Live migration between two genvirtd on one machine (two --roots), real QEMU
(DESIGN.md 2.2, 2.4 and 6).

Successes, through the stock virsh (managed and --p2p) and genvirsh
(managed and --p2p): the destination QEMU's query-vm-generation-id equals
the source's value, the guest keeps running ('running (migrated)'), the
source domain is gone (transient) or shut off (persistent, reason
migrated); --persistent --undefinesource moves the definition (there and
back, managed and --p2p); a definition that came with --persistent is an
ordinary domain afterwards (destroy, start again with its GUID, undefine);
--offline --persistent (managed and --p2p) copies the definition with its
GUID.

Failures, each followed by a check that nothing is lost (the source runs on
in the same QEMU with the same GUID; the destination has no QEMU, no status
file, and no domain or its unchanged definition; both daemons serve):
- destination ABI mismatch (a definition there with another fixed GUID for
  the same uuid), managed and --p2p;
- the destination's emulator is broken (a destination daemon in its own
  mount namespace where /usr/bin/qemu-system-x86_64 cannot run);
- the destination cannot open the disk (its own mount namespace hides the
  shared disk directory);
- the destination QEMU starts but cannot listen on the migration port
  (--migrateuri naming a port the test holds);
- the connection dropped mid-migration: kill -9 of the destination daemon
  while a --p2p migration of a 512 MiB guest is under way; then the
  destination daemon is started again and must clean up.
Last, a migration that works, to show no stale state is left.
"""

import os
import re
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvsm  # noqa: E402


def running_on(h, d, name, uid, guid, what, reason='running (migrated)'):
    """@name runs on @d in one QEMU with @guid; returns its pid."""
    st = d.domstate(name)
    if reason:
        h.eq(st, reason, '%s: state on %s' % (what, d.label))
    else:
        h.ok(st is not None and st.startswith('running'), '%s: %s runs on %s (%s)'
             % (what, name, d.label, st))
    h.eq(d.qmp_status(name), 'running', '%s: QEMU on %s runs the guest' % (what, d.label))
    vals = {'QMP query-vm-generation-id': d.qmp_guid(name), 'domgenid': d.domgenid(name),
            'live XML': gvsm.guid_of(d.live_xml(name))}
    bad = {k: v for k, v in vals.items() if v != guid}
    h.ok(guid and not bad, '%s: on %s the GUID is the source value %s (QMP, domgenid, live XML)'
         % (what, d.label, guid), 'differing: %r' % bad)
    pid = d.qemu_pid(name)
    h.eq(gvsm.qemu_pids_by_uuid(uid), [pid] if pid else ['(none)'],
         '%s: exactly one QEMU runs %s, the one in the status file on %s' % (what, name, d.label))
    return pid


def gone_from(h, d, name, what, persistent):
    """After a successful migration out of @d."""
    if persistent:
        h.eq(d.domstate(name), 'shut off (migrated)', '%s: the source %s is shut off (migrated)'
             % (what, d.label))
        h.ok(os.path.exists(d.config_path(name)), '%s: the source keeps the definition' % what)
    else:
        names = d.names('--all')
        h.ok(names is not None and name not in names, '%s: the domain is gone from %s'
             % (what, d.label), 'list: %r, state: %r' % (names, d.domstate(name)))
        h.ok(not os.path.exists(d.config_path(name)), '%s: no config file on %s'
             % (what, d.label))
    h.ok(not os.path.exists(d.status_path(name)), '%s: no status file left on %s'
         % (what, d.label))


def migrate(h, src, dst, name, *flags, cli='virsh', timeout=90):
    if cli == 'virsh':
        return src.virsh('migrate', *(list(flags) + [name, dst.uri]), timeout=timeout)
    return src.genvirsh('migrate', *(list(flags) + [name, dst.gv_uri]), timeout=timeout)


def intact(h, src, dst, name, uid, guid, pid, dst_config, what):
    """Nothing is lost after a failed migration of @name from @src to @dst."""
    st = src.domstate(name)
    h.ok(st is not None and st.startswith('running'), '%s: the source keeps running (%s)'
         % (what, st), src.log_tail(10))
    h.eq(src.qemu_pid(name), pid, '%s: in the same QEMU' % what)
    h.ok(pid and gvsm.pid_alive(pid), '%s: that QEMU %s is alive' % (what, pid))
    h.eq(src.qmp_status(name), 'running', '%s: QEMU runs the guest' % what)
    h.eq(src.qmp_guid(name), guid, '%s: the source GUID is unchanged (QMP)' % what)
    h.eq(src.domgenid(name), guid, '%s: the source GUID is unchanged (domgenid)' % what)
    h.eq(gvsm.qemu_pids_by_uuid(uid), [pid] if pid else [],
         '%s: no destination QEMU is left' % what)
    h.eq(dst.config_text(name), dst_config, '%s: the destination definition is unchanged%s'
         % (what, ' (none)' if dst_config is None else ''))
    names = dst.names('--all')
    if dst_config is None:
        h.ok(names is not None and name not in names, '%s: no domain %s on %s'
             % (what, name, dst.label), 'list: %r' % names)
    else:
        st = dst.domstate(name)
        h.ok(st and st.startswith('shut off'), '%s: on %s it is still shut off (%s)'
             % (what, dst.label, st))
    h.ok(not os.path.exists(dst.status_path(name)), '%s: no status file on %s'
         % (what, dst.label))
    h.ok(src.serving() and dst.serving(), '%s: both daemons keep serving' % what)


def successes(h, S, T):
    # a transient guest: virsh managed there, --p2p back
    name = 'mig-t'
    path, uid = h.write_domain(name, disks=[('qcow2', h.image(name, dirpath=h.disks))])
    h.cmd_ok(S.virsh('create', path), 'create %s (transient) on %s' % (name, S.label))
    guid = S.qmp_guid(name)
    h.ok(guid and gvsm.UUID_RE.match(guid), 'the transient guest has a GUID', repr(guid))
    for src, dst, flags in ((S, T, ['--live']), (T, S, ['--live', '--p2p'])):
        what = 'virsh migrate %s %s %s -> %s' % (' '.join(flags), name, src.label, dst.label)
        pid0 = src.qemu_pid(name)
        r = migrate(h, src, dst, name, *flags)
        h.cmd_ok(r, '%s (%.2f s)' % (what, r.elapsed))
        running_on(h, dst, name, uid, guid, what)
        h.ok(pid0 and not gvsm.pid_alive(pid0), '%s: the source QEMU %s is gone' % (what, pid0))
        gone_from(h, src, name, what, persistent=False)
        h.ok(not os.path.exists(dst.config_path(name)), '%s: it stays transient on %s'
             % (what, dst.label))
    h.cmd_ok(S.virsh('destroy', name), 'destroy %s' % name)

    # a persistent guest: genvirsh managed and --p2p, virsh --undefinesource both ways
    name = 'mig-p'
    path, uid = h.write_domain(name, disks=[('qcow2', h.image(name, dirpath=h.disks))])
    h.cmd_ok(S.virsh('define', path), 'define %s on %s' % (name, S.label))
    h.cmd_ok(S.virsh('start', name), 'start %s' % name)
    guid = S.config_guid(name)
    h.eq(S.qmp_guid(name), guid, 'QEMU has the config GUID')
    steps = (
        (S, T, 'genvirsh', ['--live', '--persistent'], False),
        (T, S, 'genvirsh', ['--live', '--p2p', '--persistent', '--undefinesource'], True),
        (S, T, 'virsh', ['--live', '--persistent', '--undefinesource'], True),
        (T, S, 'virsh', ['--live', '--p2p', '--persistent', '--undefinesource'], True),
    )
    for src, dst, cli, flags, undef in steps:
        what = '%s migrate %s %s -> %s' % (cli, ' '.join(flags), src.label, dst.label)
        pid0 = src.qemu_pid(name)
        r = migrate(h, src, dst, name, *flags, cli=cli)
        h.cmd_ok(r, '%s (%.2f s)' % (what, r.elapsed))
        if cli == 'genvirsh':
            h.ok('Migration: [100 %]' in r.err, '%s: progress reaches 100 %%' % what, r.err[-300:])
        running_on(h, dst, name, uid, guid, what)
        h.ok(pid0 and not gvsm.pid_alive(pid0), '%s: the source QEMU %s is gone' % (what, pid0))
        h.eq(dst.config_guid(name), guid, '%s: the destination definition carries the GUID'
             % what)
        gone_from(h, src, name, what, persistent=not undef)
    # now on S, persistent; T has nothing
    names = T.names('--all')
    h.ok(names is not None and name not in names, 'after the round trips %s is not on %s'
         % (name, T.label), 'list: %r, state: %r' % (names, T.domstate(name)))
    h.ok(not os.path.exists(T.config_path(name)), 'and has no config file there')

    # a guest migrated with --persistent, then destroyed there: an ordinary
    # shut-off persistent domain that starts again with its GUID
    name = 'mig-d'
    path, uid = h.write_domain(name, disks=[('qcow2', h.image(name, dirpath=h.disks))])
    h.cmd_ok(S.virsh('define', path), 'define %s' % name)
    h.cmd_ok(S.virsh('start', name), 'start %s' % name)
    g = S.config_guid(name)
    r = migrate(h, S, T, name, '--live', '--persistent', '--undefinesource')
    h.cmd_ok(r, 'virsh migrate --live --persistent --undefinesource %s' % name)
    h.cmd_ok(T.virsh('destroy', name), 'destroy %s on %s' % (name, T.label))
    h.eq(T.domstate(name), 'shut off (destroyed)', 'it is shut off (destroyed)')
    r = T.virsh('domid', name)
    h.eq(r.out.strip(), '-', 'a shut-off domain has no id (virsh domid)', r.describe())
    r = T.virsh('start', name)
    h.cmd_ok(r, 'the migrated-in definition starts again on %s' % T.label)
    h.eq(T.qmp_guid(name), g, 'with its GUID')
    T.virsh('destroy', name)
    r = T.virsh('undefine', name)
    h.cmd_ok(r, 'undefine %s on %s' % (name, T.label))
    names = T.names('--all')
    h.ok(names is not None and name not in names, 'then %s is gone from %s' % (name, T.label),
         'list: %r, state: %r' % (names, T.domstate(name)))

    # offline, managed and --p2p: the definition travels with its GUID
    for name, flags in (('mig-o1', ['--offline', '--persistent']),
                        ('mig-o2', ['--offline', '--persistent', '--p2p'])):
        what = 'virsh migrate %s %s' % (' '.join(flags), name)
        path, uid = h.write_domain(name, disks=[('qcow2', h.image(name, dirpath=h.disks))])
        h.cmd_ok(S.virsh('define', path), 'define %s (shut off)' % name)
        g = S.config_guid(name)
        r = migrate(h, S, T, name, *flags)
        h.cmd_ok(r, what)
        h.eq(T.config_guid(name), g, '%s: the destination definition has the GUID' % what)
        st = T.domstate(name)
        h.ok(st and st.startswith('shut off'), '%s: shut off on the destination (%s)' % (what, st))
        h.ok(os.path.exists(S.config_path(name)), '%s: the source keeps its definition' % what)
        if r.ok:
            h.cmd_ok(T.virsh('start', name), 'start %s on %s' % (name, T.label))
            h.eq(T.qmp_guid(name), g, "%s: the destination QEMU runs with the source's GUID"
                 % what)
            h.cmd_ok(T.virsh('destroy', name), 'destroy')
            h.cmd_ok(T.virsh('undefine', name), 'undefine on %s' % T.label)
        h.cmd_ok(S.virsh('undefine', name), 'undefine on %s' % S.label)
        h.ok(name not in (T.names('--all') or []), '%s: nothing left on %s' % (what, T.label))


def broken_emulator_daemon(h):
    """A destination daemon whose /usr/bin/qemu-system-x86_64 cannot run:
    its own mount namespace binds a script that fails like a broken install
    over it (the rest of the host is unchanged)."""
    broken = gvsm.write_file(os.path.join(h.workdir, 'broken-qemu'),
                             '#!/bin/sh\necho "qemu-system-x86_64: error while loading shared '
                             'libraries: libpixman-1.so.0: cannot open shared object file" >&2\n'
                             'exit 127\n', mode=0o755)
    return gvsm.Daemon(h, label='dst-noqemu', prefix=[
        'unshare', '-m', '--propagation', 'private', '--', '/bin/sh', '-c',
        'mount --bind "$1" %s && shift && exec "$@"' % gvsm.QEMU, 'sh', broken])


def hidden_disk_daemon(h):
    """A destination daemon that cannot see the shared disk directory: its
    own mount namespace has an empty tmpfs over it."""
    return gvsm.Daemon(h, label='dst-nodisk', prefix=[
        'unshare', '-m', '--propagation', 'private', '--', '/bin/sh', '-c',
        'mount -t tmpfs -o size=1m,mode=0700 gvsm-empty "$1" && shift && exec "$@"', 'sh',
        h.disks])


def failures(h, S, T):
    name = 'mig-f'
    path, uid = h.write_domain(name, disks=[('qcow2', h.image(name, dirpath=h.disks))])
    h.cmd_ok(S.virsh('define', path), 'define %s on %s' % (name, S.label))
    h.cmd_ok(S.virsh('start', name), 'start %s' % name)
    guid = S.config_guid(name)
    pid = S.qemu_pid(name)

    # ABI mismatch: another fixed GUID for the same uuid on the destination
    other = gvsm.new_guid()
    p = os.path.join(h.workdir, 'abi-%s.xml' % name)
    gvsm.write_file(p, gvsm.domain_xml(name, uid, genid='fixed:' + other,
                                       disks=[('qcow2', os.path.join(h.disks, name + '.qcow2'))]))
    h.cmd_ok(T.virsh('define', p), 'define %s on %s with another fixed GUID' % (name, T.label))
    before = T.config_text(name)
    for flags in (['--live'], ['--live', '--p2p']):
        what = 'ABI mismatch, virsh migrate %s' % ' '.join(flags)
        r = migrate(h, S, T, name, *flags)
        h.cmd_fails(r, '%s fails, naming the genid' % what, ['genid'])
        h.diag('error: ' + r.err.strip())
        intact(h, S, T, name, uid, guid, pid, before, what)
    r = migrate(h, S, T, name, '--live', cli='genvirsh')
    h.cmd_fails(r, 'ABI mismatch, genvirsh migrate fails, naming the genid', ['genid'])
    intact(h, S, T, name, uid, guid, pid, before, 'ABI mismatch, genvirsh migrate')
    h.cmd_ok(T.virsh('undefine', name), 'undefine the mismatching definition on %s' % T.label)

    # the destination's emulator is broken
    U = broken_emulator_daemon(h)
    if U.start():
        for flags in (['--live'], ['--live', '--p2p']):
            what = 'broken destination emulator, virsh migrate %s' % ' '.join(flags)
            r = migrate(h, S, U, name, *flags)
            h.cmd_fails(r, '%s fails' % what)
            h.diag('error: ' + r.err.strip())
            intact(h, S, U, name, uid, guid, pid, None, what)
        U.stop()

    # the destination cannot open the disk
    V = hidden_disk_daemon(h)
    if V.start():
        what = 'destination cannot open the disk, virsh migrate --live --p2p'
        r = migrate(h, S, V, name, '--live', '--p2p')
        h.cmd_fails(r, '%s fails, naming the disk' % what, [os.path.join(h.disks, name)])
        h.diag('error: ' + r.err.strip())
        intact(h, S, V, name, uid, guid, pid, None, what)
        V.stop()

    # the destination QEMU starts but cannot listen on the migration port
    hold = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hold.bind(('0.0.0.0', 0))
    hold.listen(1)
    port = hold.getsockname()[1]
    try:
        what = 'destination QEMU cannot listen on port %d' % port
        r = migrate(h, S, T, name, '--live', '--migrateuri', 'tcp:127.0.0.1:%d' % port)
        h.cmd_fails(r, '%s: virsh migrate --migrateuri fails' % what)
        h.diag('error: ' + r.err.strip())
        logs = gvsm.read_text(os.path.join(T.root, 'var', 'log', 'genvirt', name + '.log')) \
            if os.path.exists(os.path.join(T.root, 'var', 'log', 'genvirt', name + '.log')) else ''
        h.ok('starting up' in logs, '%s: a destination QEMU was spawned (domain log)' % what,
             logs[-500:])
        intact(h, S, T, name, uid, guid, pid, None, what)
    finally:
        hold.close()
    return name, uid, guid


def jobinfo(d, name):
    """`virsh domjobinfo NAME` as a dict."""
    r = d.virsh('domjobinfo', name, timeout=10)
    out = {}
    for line in r.out.split('\n') if r.ok else []:
        if ':' in line:
            k, v = line.split(':', 1)
            out[k.strip()] = v.strip()
    return out


def slow_migration(h, S, T, name):
    """Creates NAME (512 MiB) on S and starts `virsh migrate --live --p2p` to T
    over a slow link, until data flows: (uuid, guid, source pid, destination
    pid, the background virsh)."""
    path, uid = h.write_domain(name, memory_mib=512,
                               disks=[('qcow2', h.image(name, dirpath=h.disks))])
    h.cmd_ok(S.virsh('create', path), 'create %s (512 MiB)' % name)
    guid = S.qmp_guid(name)
    pid = S.qemu_pid(name)
    # a slow link: QEMU sends at most 200 kB/s, so the migration lasts seconds
    a = S.qmp(name, {'execute': 'migrate-set-parameters',
                     'arguments': {'max-bandwidth': 200000}})
    h.ok(a is not None and 'return' in a, 'the source QEMU migrates at 200 kB/s', repr(a))
    bg = h.spawn([gvsm.VIRSH, '-c', S.uri, 'migrate', '--live', '--p2p', name, T.uri])

    def active():
        info = jobinfo(S, name)
        return (info.get('Data processed') or '0')[0] not in '0' and info
    r, el = gvsm.wait_until(active, 20, 0.05)
    h.ok(r, 'the migration is under way (domjobinfo: %s processed, %s remaining, after %.1f s)'
         % (r and r.get('Data processed'), r and r.get('Data remaining'), el))
    dpid = T.qemu_pid(name)
    h.ok(dpid is not None, 'the destination QEMU %s waits for the stream' % dpid)
    return uid, guid, pid, dpid, bg


def dropped(h, S, T):
    """kill -9 of the destination daemon during a --p2p migration."""
    name = 'mig-big'
    uid, guid, pid, dpid, bg = slow_migration(h, S, T, name)
    T.kill9()
    h.ok(not T.alive(), 'kill -9 of the destination daemon')
    res = h.collect(bg, 60)
    h.cmd_fails(res, 'virsh migrate --p2p fails when the destination daemon dies')
    h.diag('error: ' + res.err.strip())
    # at 200 kB/s the transfer has many seconds to go: the source holds the
    # connection to the destination daemon and must notice that it dropped
    # (as libvirtd does: 'Lost connection to destination host') and cancel,
    # rather than finish sending the guest to a QEMU nobody manages
    h.ok(res.elapsed < 5.0, 'the source cancels the migration as soon as the connection '
         'drops (virsh returned %.1f s after the kill)' % res.elapsed,
         'source log:\n' + S.log_tail(8))
    what = 'connection dropped'
    # the source must be left running in its own QEMU with its GUID
    st = S.domstate(name)
    h.ok(st is not None and st.startswith('running'), '%s: the source keeps running (%s)'
         % (what, st), 'QEMU: %r\nsource log:\n%s'
         % (S.qmp(name, {'execute': 'query-status'}), S.log_tail(12)))
    h.eq(S.qemu_pid(name), pid, '%s: in the same QEMU' % what)
    h.eq(S.qmp_status(name), 'running', '%s: QEMU runs the guest' % what)
    h.eq(S.qmp_guid(name), guid, '%s: the source GUID is unchanged (QMP)' % what)
    h.ok(S.serving(), '%s: the source daemon keeps serving' % what)
    # the destination daemon comes back and cleans up
    if T.start():
        left = [p for p in gvsm.qemu_pids_by_uuid(uid) if p != pid]
        if left:
            gvsm.wait_until(lambda: not [p for p in gvsm.qemu_pids_by_uuid(uid) if p != pid], 10)
            left = [p for p in gvsm.qemu_pids_by_uuid(uid) if p != pid]
        h.eq(left, [], '%s: no destination QEMU is left once its daemon is back' % what,
             'destination QEMU %s was %s; %s on %s: %s'
             % (dpid, 'still running' if dpid in left else 'replaced', name, T.label,
                T.domstate(name)))
        names = T.names('--all')
        h.ok(names is not None and name not in names, '%s: no domain %s on %s'
             % (what, name, T.label), 'list: %r, state: %r' % (names, T.domstate(name)))
        h.ok(not os.path.exists(T.status_path(name)), '%s: no status file on %s'
             % (what, T.label))
        h.ok(T.serving(), '%s: the destination daemon serves again' % what)
    # the guest is still usable on the source
    a = S.qmp(name, {'execute': 'migrate-set-parameters',
                     'arguments': {'max-bandwidth': 1 << 30}})
    st = S.domstate(name)
    if st and st.startswith('running'):
        r = migrate(h, S, T, name, '--live', '--p2p')
        h.cmd_ok(r, '%s: afterwards the guest migrates fine (%.2f s)' % (what, r.elapsed))
        if r.ok:
            running_on(h, T, name, uid, guid, '%s, then migrated' % what)
    for d in (S, T):
        if name in (d.names() or []):
            d.virsh('destroy', name)


def source_dropped(h, S, T):
    """kill -9 of the source daemon during a --p2p migration: the connection
    that prepared the destination closes before Finish, and the destination
    cancels the incoming migration by itself, as libvirtd does."""
    name = 'mig-srcdrop'
    uid, guid, pid, dpid, bg = slow_migration(h, S, T, name)
    S.kill9()
    h.ok(not S.alive(), 'kill -9 of the source daemon')
    h.collect(bg, 30)
    what = 'source daemon died'

    def dst_clean():
        return not [p for p in gvsm.qemu_pids_by_uuid(uid) if p != pid]
    ok, el = gvsm.wait_until(dst_clean, 15, 0.1)
    h.ok(ok, '%s: the destination stops its incoming QEMU by itself (%.1f s)' % (what, el),
         'destination log:\n' + T.log_tail(10))
    names = T.names('--all')
    h.ok(names is not None and name not in names, '%s: no domain %s left on %s'
         % (what, name, T.label), 'list: %r' % (names,))
    h.ok(not os.path.exists(T.status_path(name)), '%s: no status file on %s' % (what, T.label))
    h.ok(re.search(r"'%s'.*closed before finishing" % name, T.log_text()),
         "%s: the destination's log says why it cancelled" % what, T.log_tail(10))
    h.ok(T.serving(), '%s: the destination daemon keeps serving' % what)
    # the source QEMU never stopped the guest: its daemon finds it running
    if S.start():
        def src_running():
            st = S.domstate(name)
            return st is not None and st.startswith('running') and st
        st, _ = gvsm.wait_until(src_running, 15, 0.2)
        h.ok(st, '%s: back, the source daemon finds the guest running (%s)'
             % (what, S.domstate(name)), S.log_tail(10))
        h.eq(S.qemu_pid(name), pid, '%s: in the same QEMU' % what)
        h.eq(S.qmp_guid(name), guid, '%s: with the same GUID (QMP)' % what)
        S.virsh('destroy', name)


def main(h):
    h.disks = h.mkdtemp('disks')
    S = gvsm.Daemon(h, label='src')
    T = gvsm.Daemon(h, label='dst')
    if not (S.start() and T.start()):
        return
    t = time.monotonic()
    successes(h, S, T)
    h.diag('successful migrations: %.1f s' % (time.monotonic() - t))
    t = time.monotonic()
    name, uid, guid = failures(h, S, T)
    h.diag('failure cases: %.1f s' % (time.monotonic() - t))
    t = time.monotonic()
    dropped(h, S, T)
    h.diag('dropped connection: %.1f s' % (time.monotonic() - t))
    t = time.monotonic()
    source_dropped(h, S, T)
    h.diag('source daemon dropped: %.1f s' % (time.monotonic() - t))

    # after all that, a migration still works
    r = migrate(h, S, T, name, '--live', '--p2p')
    h.cmd_ok(r, 'after the failures, virsh migrate --live --p2p %s works' % name)
    if r.ok:
        running_on(h, T, name, uid, guid, 'final migration')
        gone_from(h, S, name, 'final migration', persistent=True)
    for d in (S, T):
        for n in d.names() or []:
            d.virsh('destroy', n)
    h.eq(h.our_qemus(), [], 'once every running domain is destroyed no QEMU of ours is left')
    S.stop()
    T.stop()


if __name__ == '__main__':
    gvsm.Harness('migration', deadline=200).main(main)
