#!/usr/bin/python3
"""<cpu> and the host-dependent <features>, real QEMU and genvirtd.

What a guest's CPU can be depends on the host: a nested KVM may lack the
host's own CPU model (QEMU aborts setting an MSR), SMM or Hyper-V
enlightenments; TCG has no Hyper-V.  For each domain below, through the
stock virsh, the start either works and the guest gets exactly the CPU of
its XML, or it fails before any guest QEMU runs, with one error naming the
element and QEMU's (or genvirt's) reason.  Never a QEMU that dies after the
start, never a silently different CPU:

- host-model: resolved from QEMU's data to a custom CPU (model, vendor,
  features); the live XML shows that CPU, the QEMU command line has it, the
  persistent config stays host-model;
- host-passthrough: -cpu host under KVM (max under TCG);
- Hyper-V enlightenments; SMM on q35; both together with host-passthrough;
- a custom model the host cannot give as written (check='partial');
- the same model with check='none' (QEMU may leave features out: asked for).

virsh domcapabilities says the same: its host-model is, line for line, the
<cpu> of the live XML of the host-model domain, and a model is usable='yes'
exactly when check='partial' lets it start.

A <currentMemory> below <memory> starts with the balloon's target set (the
memballoon post-parse adds is in QEMU); with <memballoon model='none'/> it
is refused at start, not silently ignored.

After a failure: no QEMU for the domain, the config byte-identical, the
domain shut off, the daemon serving; the second try fails the same way
(the preflight result is kept).
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

HYPERV = """    <hyperv mode='custom'>
      <relaxed state='on'/>
      <vapic state='on'/>
      <spinlocks state='on' retries='8191'/>
      <vpindex state='on'/>
      <synic state='on'/>
    </hyperv>
"""


def xml(name, uid, cpu='', features='', machine='pc', virt='kvm'):
    return """<domain type='%s'>
  <name>%s</name>
  <uuid>%s</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='%s'>hvm</type>
  </os>
  <features>
    <acpi/>
%s  </features>
%s  <devices>
    <genid model='vmgenid'><guid auto='yes'/></genid>
  </devices>
</domain>
""" % (virt, name, uid, machine, features, cpu)


def qemu_cpu_arg(pid):
    argv = gi.proc_cmdline(pid)
    for i, a in enumerate(argv[:-1]):
        if a == b'-cpu':
            return argv[i + 1].decode()
    return None


def trimmed_lines(text, start, end):
    """The lines after the one holding @start up to the one holding @end, stripped."""
    out, inside = [], False
    for line in text.split('\n'):
        line = line.strip()
        if not inside:
            inside = start in line
        elif end in line:
            break
        else:
            out.append(line)
    return out


def main(h):
    d = gi.Daemon(h)
    if not d.start():
        return
    kvm = os.environ.get('GENVIRT_ACCEL', 'kvm' if os.access('/dev/kvm', os.R_OK | os.W_OK)
                         else 'tcg') == 'kvm'
    h.diag('accelerator: %s' % ('kvm' if kvm else 'tcg'))
    # type='kvm' domains run under TCG on a TCG host, as domcapabilities' default type does
    r = d.virsh('domcapabilities')
    h.cmd_ok(r, 'virsh domcapabilities')
    domcaps = r.out
    r = d.virsh('domcapabilities', '--virttype', 'qemu')
    h.cmd_ok(r, 'virsh domcapabilities --virttype qemu')
    domcaps_tcg = r.out
    m = re.search(r"<model usable='(yes|no|unknown)'[^>]*>EPYC</model>", domcaps)
    epyc_usable = m.group(1) if m else None
    h.ok(epyc_usable in ('yes', 'no'), 'domcapabilities lists EPYC, usable or not (%s)'
         % epyc_usable, domcaps[-3000:])
    cases = [
        # name, <cpu>, extra <features>, machine, the element an error must name
        ('plain', '', '', 'pc', None),
        ('hostmodel', "  <cpu mode='host-model'/>\n", '', 'pc', "<cpu mode='host-model'>"),
        # type='qemu': TCG whatever the host has, resolved against TCG's max
        ('hostmodel-qemu', "  <cpu mode='host-model'/>\n", '', 'pc', "<cpu mode='host-model'>"),
        ('passthrough', "  <cpu mode='host-passthrough'/>\n", '', 'pc',
         "<cpu mode='host-passthrough'>"),
        ('hyperv', '', HYPERV, 'pc', '<features>/<hyperv>'),
        ('smm', '', "    <smm state='on'/>\n", 'q35', '<features>/<smm>'),
        ('combo', "  <cpu mode='host-passthrough'/>\n", HYPERV, 'pc', None),
        ('epyc', "  <cpu mode='custom'>\n    <model>EPYC</model>\n  </cpu>\n", '', 'pc',
         "CPU model 'EPYC' in <cpu>/<model>"),
        ('epyc-none', "  <cpu mode='custom' check='none'>\n    <model>EPYC</model>\n  </cpu>\n",
         '', 'pc', '<cpu mode='),
    ]
    for name, cpu, features, machine, element in cases:
        uid = h.new_uuid()
        path = gi.write_file(os.path.join(h.workdir, name + '.xml'),
                             xml(name, uid, cpu, features, machine,
                                 'qemu' if name.endswith('-qemu') else 'kvm'))
        h.cmd_ok(d.virsh('define', path), 'define %s' % name)
        cfg = (gi.read_bytes(d.config_path(name)), gi.file_mode(d.config_path(name)))
        r = d.virsh('start', name)
        if r.rc == 0:
            pid = d.qemu_pid(name)
            h.ok(gi.pid_alive(pid), '%s: started, QEMU %s runs' % (name, pid))
            h.eq(d.qmp_status(name), 'running', '%s: the guest runs' % name)
            live = d.live_xml(name) or ''
            arg = qemu_cpu_arg(pid) or ''
            h.diag('%s: -cpu %s' % (name, arg[:200]))
            if name.startswith('hostmodel'):
                m = re.search(r"<cpu mode='custom' match='exact' check='partial'>\s*"
                              r"<model fallback='forbid'>([^<]+)</model>\s*<vendor>", live)
                h.ok(m is not None, '%s: the live XML shows the CPU it resolved to' % name,
                     live)
                if m:
                    h.ok(arg.split(',')[0] == m.group(1),
                         '%s: QEMU runs model %s, the one of the live XML' % (name, m.group(1)),
                         arg)
                h.eq(trimmed_lines(domcaps_tcg if name.endswith('-qemu') else domcaps,
                                   "<mode name='host-model' supported='yes'>", '</mode>'),
                     trimmed_lines(live, "<cpu mode='custom'", '</cpu>'),
                     "%s: domcapabilities' host-model is the live XML's CPU, line for line"
                     % name)
                inactive = d.virsh('dumpxml', '--inactive', name).out
                h.ok("<cpu mode='host-model' check='partial'/>" in inactive,
                     '%s: the persistent config stays host-model' % name, inactive)
            if name == 'epyc':
                h.eq(epyc_usable, 'yes', "epyc: it starts, and domcapabilities says usable='yes'")
            if name == 'passthrough':
                h.eq(arg.split(',')[0], 'host' if kvm else 'max',
                     'passthrough: -cpu %s' % ('host' if kvm else 'max'))
            h.cmd_ok(d.virsh('destroy', name), 'destroy %s' % name)
            continue
        text = r.err.strip().replace('\n', ' | ')
        h.diag('%s: %s' % (name, text))
        if name == 'plain':
            h.ok(False, 'plain: a domain without CPU options starts', r.describe())
            continue
        if name == 'combo':
            good = "cannot run on this host's KVM" in text or 'need KVM' in text
        elif name == 'hyperv' and not kvm:
            good = '<features>/<hyperv> need KVM' in text
        elif name == 'epyc':
            good = element in text and 'cannot run as written under' in text
            h.eq(epyc_usable, 'no', "epyc: refused by check='partial', and domcapabilities "
                 "says usable='no'")
        else:
            good = element in text and "cannot run on this host's KVM: QEMU said:" in text
        h.ok(good, '%s: refused before the start, naming %s and why' % (name, element or
                                                                           'the elements'),
             r.describe())
        h.ok('monitor closed' not in text and 'exited while' not in text,
             '%s: no QEMU died after the start' % name)
        h.eq(gi.qemu_pids_by_uuid(uid), [], '%s: no QEMU runs for it' % name)
        after = (gi.read_bytes(d.config_path(name)), gi.file_mode(d.config_path(name)))
        h.ok(after == cfg, '%s: the config is byte-identical' % name)
        h.ok((d.domstate(name) or '').startswith('shut off'), '%s: shut off' % name)
        r2 = d.virsh('start', name)
        h.ok(r2.rc != 0 and r2.err.strip().replace('\n', ' | ') == text,
             '%s: a second start fails the same way' % name, r2.describe())
    # <currentMemory> below <memory>: the balloon's target, set before the guest runs
    uid = h.new_uuid()
    small = xml('smallmem', uid).replace("  <vcpu>", "  <currentMemory unit='MiB'>32</currentMemory>\n  <vcpu>")
    path = gi.write_file(os.path.join(h.workdir, 'smallmem.xml'), small)
    h.cmd_ok(d.virsh('define', path), 'define smallmem (currentMemory 32 MiB of 64)')
    h.ok("<memballoon model='virtio'>" in d.virsh('dumpxml', '--inactive', 'smallmem').out,
         'smallmem: post-parse gave it a virtio memballoon')
    h.cmd_ok(d.virsh('start', 'smallmem'), 'smallmem: starts (the balloon holds the rest)')
    h.eq(len(gi.qemu_pids_by_uuid(uid)), 1, 'smallmem: one QEMU runs')
    bal = (d.qmp('smallmem', {'execute': 'query-balloon'}) or {}).get('return', {})
    h.ok(bal.get('actual', 0) > 0, 'smallmem: QEMU has the balloon (query-balloon)', repr(bal))
    h.cmd_ok(d.virsh('destroy', 'smallmem'), 'destroy smallmem')
    # without a balloon: refused, not a silently bigger guest
    uid = h.new_uuid()
    nob = xml('noballoon', uid).replace(
        "  <vcpu>", "  <currentMemory unit='MiB'>32</currentMemory>\n  <vcpu>").replace(
        "  </devices>", "    <memballoon model='none'/>\n  </devices>")
    path = gi.write_file(os.path.join(h.workdir, 'noballoon.xml'), nob)
    h.cmd_ok(d.virsh('define', path), 'define noballoon (currentMemory 32 MiB of 64, no balloon)')
    r = d.virsh('start', 'noballoon')
    h.cmd_fails(r, 'noballoon: start refused, naming <currentMemory> and the balloon',
                ("<currentMemory> of domain 'noballoon'", 'balloon device'))
    h.eq(gi.qemu_pids_by_uuid(uid), [], 'noballoon: no QEMU runs for it')
    h.ok(d.serving(), 'the daemon still serves')
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('cpu', deadline=300).main(main)
