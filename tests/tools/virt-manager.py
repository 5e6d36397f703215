#!/usr/bin/python3
"""virt-manager 4.1 (Debian's, GTK) under Xvfb against a real genvirtd.  TAP.

virt-manager runs with --debug --no-fork --connect URI on a private X
server (Xvfb -displayfd) and a private session bus (dbus-run-session), with
libvirt's client debug log of its RPC layer.  Checked:
- the connection becomes Active and the domain list shows both domains
  with their states (its log: "domain=NAME status=Running added");
- it stays connected for 20 s after that: at least 4 more ticks, each a
  NODE_GET_INFO (6) that got a reply (the libvirt log's RPC_CLIENT_MSG_RX
  probes), no "Disconnected" state, and genvirtd's log shows no close of
  its connection until the test ends virt-manager;
- its log has no traceback at all; it defined, built, started and
  autostarted its "default" storage pool, which genvirtd --root keeps in
  ROOT/var/lib/libvirt/images;
- a screenshot of the window is kept (build/tests/tools/artifacts/).

Usage: virt-manager.py GENVIRTD GENVIRSH SRCDIR
"""

import os
import re
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tooltest  # noqa: E402

tooltest.require({'/usr/bin/virt-manager': 'virt-manager', '/usr/bin/Xvfb': 'xvfb',
                  '/usr/bin/dbus-run-session': 'dbus-bin'})

import gvtest  # noqa: E402
from gvinteg import wait_until  # noqa: E402

WATCH = 20.0   # seconds it must stay connected after it became Active

SCREENSHOT = r'''
import sys
import gi
gi.require_version('Gdk', '3.0')
from gi.repository import Gdk
w = Gdk.get_default_root_window()
pb = Gdk.pixbuf_get_from_window(w, 0, 0, w.get_width(), w.get_height())
pb.savev(sys.argv[1], 'png', [], [])
px = pb.get_pixels()
step = pb.get_n_channels()
print(pb.get_width(), pb.get_height(), len({px[i:i + 3] for i in range(0, len(px), step * 7)}))
'''


def start_xvfb(h):
    r, w = os.pipe()
    p = subprocess.Popen(['/usr/bin/Xvfb', '-displayfd', str(w), '-screen', '0', '1024x768x24',
                          '-nolisten', 'tcp', '-noreset'], pass_fds=(w,),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(h.workdir, 'xvfb.log'), 'wb'),
                         start_new_session=True)
    os.close(w)
    h.at_cleanup(lambda: (p.poll() is None and p.kill(), p.wait(5)), 'Xvfb')
    import select
    num = b''
    end = time.monotonic() + 20
    while time.monotonic() < end and not num.endswith(b'\n'):
        if select.select([r], [], [], 1.0)[0]:
            chunk = os.read(r, 16)
            if not chunk:
                break
            num += chunk
    os.close(r)
    return p, (':' + num.decode().strip()) if num.strip() else None


def tx_rx(lvlog, proc):
    """(sent, answered OK) counts of procedure @proc in libvirt's client log."""
    try:
        text = gvtest.read_text(lvlog)
    except OSError:
        return 0, 0
    tx = len(re.findall(r'RPC_CLIENT_MSG_TX_QUEUE: .*prog=536903814 vers=1 proc=%d type=0 ' % proc,
                        text))
    rx = len(re.findall(r'RPC_CLIENT_MSG_RX: .*prog=536903814 vers=1 proc=%d type=1 status=0 '
                        % proc, text))
    return tx, rx


def tracebacks(log):
    """Each traceback's preceding log line."""
    out = []
    lines = log.split('\n')
    for i, line in enumerate(lines):
        if line.startswith('Traceback (most recent call last):'):
            out.append(lines[i - 1] if i else '')
    return out


def main(h):
    d = tooltest.daemon(h)
    if not d:
        return
    for name in ('vm-run', 'vm-off'):
        path, _ = h.write_domain(name, dtype='qemu')
        h.cmd_ok(d.virsh('define', path), 'virsh define %s' % name)
    h.cmd_ok(d.virsh('start', 'vm-run'), 'virsh start vm-run')

    xvfb, display = start_xvfb(h)
    if not h.ok(display, 'Xvfb runs on a free display (%s)' % display):
        return
    vmlog = os.path.join(h.workdir, 'virt-manager.log')
    lvlog = os.path.join(h.workdir, 'libvirt-client.log')
    env = dict(h.env, DISPLAY=display, NO_AT_BRIDGE='1', GSETTINGS_BACKEND='memory',
               LIBVIRT_LOG_FILTERS='1:rpc 4:*', LIBVIRT_LOG_OUTPUTS='1:file:' + lvlog)
    with open(vmlog, 'wb') as f:
        vm = subprocess.Popen(['/usr/bin/dbus-run-session', '--', '/usr/bin/virt-manager',
                               '--debug', '--no-fork', '--connect', d.uri],
                              stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                              env=env, start_new_session=True)

    def end_vm():
        if vm.poll() is None:
            os.killpg(vm.pid, signal.SIGTERM)
            try:
                vm.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(vm.pid, signal.SIGKILL)
                vm.wait(5)
    h.at_cleanup(end_vm, 'virt-manager')

    def log():
        return gvtest.read_text(vmlog)

    active, el = wait_until(lambda: 'changed to state=Active' in log() or vm.poll() is not None,
                            60, 0.2)
    h.ok(active and vm.poll() is None, 'virt-manager connects: state Active (%.1f s)' % el,
         log()[-5000:])
    if not active or vm.poll() is not None:
        return
    t_active = time.monotonic()
    for name, state in (('vm-run', 'Running'), ('vm-off', 'Shutoff')):
        h.ok(('domain=%s status=%s added' % (name, state)) in log(),
             'its domain list shows %s, %s' % (name, state), log()[-3000:])
    tx0, rx0 = tx_rx(lvlog, 6)
    time.sleep(max(0.0, WATCH - (time.monotonic() - t_active)))
    tx1, rx1 = tx_rx(lvlog, 6)
    h.ok(vm.poll() is None, 'virt-manager is still running %.0f s later' % WATCH)
    h.ok(rx1 - rx0 >= 4 and tx1 - rx1 <= 1,
         'it kept polling: %d NODE_GET_INFO ticks answered in %.0f s (%d sent)'
         % (rx1 - rx0, WATCH, tx1 - tx0), 'tx %d->%d rx %d->%d' % (tx0, tx1, rx0, rx1))
    text = log()
    h.ok('state=Disconnected' not in text and 'changed to state=Active' in text,
         'its connection never left state Active', text[-3000:])
    tb = tracebacks(text)
    h.ok(not tb, 'its --debug log has no traceback (%d)' % len(tb), '\n'.join(tb) or None)
    h.ok("Attempting to build default pool with target '/var/lib/libvirt/images'" in text,
         'it built its "default" storage pool (STORAGE_POOL_DEFINE_XML, BUILD, CREATE, '
         'SET_AUTOSTART)', text[-3000:])
    pool = d.virsh('pool-dumpxml', 'default').out
    want = os.path.join(d.root, 'var/lib/libvirt/images')
    h.ok(('<path>%s</path>' % want) in pool and os.path.isdir(want) and
         d.virsh('pool-info', 'default').out.count('running') == 1,
         'genvirtd runs it in ROOT/var/lib/libvirt/images (--root maps libvirt\'s directories)',
         pool)

    # genvirtd's side: virt-manager's connections stay open until it ends
    vmpids = set()
    for pid in gvtest.gvinteg.all_pids():
        cmd = tooltest.qemu_args(pid)
        if '/usr/bin/virt-manager' in cmd and '/usr/bin/dbus-run-session' not in cmd:
            vmpids.add(pid)
    opened, dropped = set(), []
    for line in d.log_text().split('\n'):
        m = re.search(r'client connected: fd=(\d+) pid=(\d+)', line)
        if m and int(m.group(2)) in vmpids:
            opened.add(m.group(1))
        m = re.search(r'client (\d+): closed', line)
        if m and m.group(1) in opened:
            dropped.append(line)
            opened.discard(m.group(1))
    h.ok(vmpids and opened and not dropped,
         'genvirtd kept virt-manager\'s connection (fd %s) open all along'
         % ','.join(sorted(opened)), 'virt-manager pids %r; closed: %r' % (vmpids, dropped))

    artifacts = os.environ.get('GV_ARTIFACTS') or h.workdir
    os.makedirs(artifacts, exist_ok=True)
    png = os.path.join(artifacts, 'virt-manager.png')
    r = h.run(['/usr/bin/python3', '-c', SCREENSHOT, png], timeout=30,
              env=dict(h.env, DISPLAY=display))
    parts = r.out.split()
    h.ok(r.rc == 0 and len(parts) == 3 and int(parts[2]) > 8 and os.path.getsize(png) > 2000,
         'a screenshot of its window: %s (%s)' % (png, ' x '.join(parts[:2])), r.describe())

    end_vm()
    closed, _ = wait_until(lambda: any(re.search(r'client %s: closed' % fd, l)
                                       for fd in opened for l in d.log_text().split('\n')),
                           10, 0.1)
    h.ok(closed, 'genvirtd sees its connection close when virt-manager ends')
    d.virsh('destroy', 'vm-run')
    d.stop()
    h.check_no_qemus()
    xvfb.terminate()


if __name__ == '__main__':
    gvtest.Harness('tools-vmgr', deadline=150).main(main)
