#!/usr/bin/python3
"""UEFI firmware (<os firmware='efi'>, <loader>, <nvram>), real QEMU and genvirtd.

- firmware='efi' on a 'pc' machine: genvirtd chooses OVMF from the
  firmware descriptors Debian's ovmf installs in /usr/share/qemu/firmware,
  creates the guest's NVRAM from the descriptor's template (0600, in a 0700
  directory under its state directory), and the guest runs; the live XML
  shows the loader and the NVRAM, the persistent config stays firmware='efi';
  the NVRAM is kept (not copied again) on the next start, and across a save
  and restore; restore --reset-nvram writes it again from its template before
  the restored QEMU starts (QEMU's pflash then writes the flash contents of the
  stream back once the guest runs); with an NVRAM that has no template it fails
  naming it, before any QEMU starts, and the image restores without the flag.
- OVMF runs under TCG here (a nested KVM may fail to emulate code run from
  flash), and writes its variables into the NVRAM: the firmware really ran.
- firmware='efi' on q35 picks Secure Boot (SMM) and runs; under KVM it
  either runs, or, on a host whose KVM has no SMM, fails before the start
  naming <features>/<smm>; with <feature enabled='no' name='secure-boot'/>
  plain OVMF is chosen.
- An explicit <loader> that does not exist, and an NVRAM without a template
  that does not exist, fail with one error naming the file and element;
  nothing runs and the config is unchanged.
"""

import os
import shutil
import stat
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402


def xml(name, uid, machine='pc', osattr=" firmware='efi'", os_inner='', features=''):
    return """<domain type='kvm'>
  <name>%s</name>
  <uuid>%s</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os%s>
    <type arch='x86_64' machine='%s'>hvm</type>
%s  </os>
  <features>
    <acpi/>
%s  </features>
  <devices>
    <genid model='vmgenid'><guid auto='yes'/></genid>
  </devices>
</domain>
""" % (name, uid, osattr, machine, os_inner, features)


def define(h, d, name, text):
    path = gi.write_file(os.path.join(h.workdir, name + '.xml'), text)
    h.cmd_ok(d.virsh('define', path), 'define %s' % name)


def reset_nvram(h, d, name, nvram, template):
    """restore --reset-nvram (VIR_DOMAIN_SAVE_RESET_NVRAM) of the running @name,
    whose NVRAM starts with b'GV' (not the template's bytes): restore keeps the
    NVRAM; restore --reset-nvram writes it again from its template before QEMU
    starts (a new file: a new inode), as libvirt does.  QEMU's pflash writes the
    flash contents of the migration stream back to the file once the guest runs
    (pflash_cfi01 post-load), so the check is made paused, and the write-back
    after resume is shown too."""
    image = os.path.join(h.workdir, name + '.save')
    h.cmd_ok(d.virsh('save', name, image, timeout=120), '%s: save' % name)
    h.cmd_ok(d.virsh('restore', image, timeout=120), '%s: restore' % name)
    h.eq(gi.read_bytes(nvram)[:2], b'GV', '%s: restore without --reset-nvram keeps the NVRAM'
         % name)
    inode = os.stat(nvram).st_ino
    h.cmd_ok(d.virsh('save', name, image, timeout=120), '%s: save again' % name)
    h.cmd_ok(d.virsh('restore', '--reset-nvram', '--paused', image, timeout=120),
             '%s: restore --reset-nvram --paused' % name)
    head = gi.read_bytes(nvram)[:16]
    h.eq(head, template[:16], '%s: --reset-nvram wrote the template into the NVRAM' % name)
    h.ok(os.stat(nvram).st_ino != inode, '%s: ... as a new file (written before QEMU started)'
         % name)
    h.eq(gi.file_mode(nvram), 0o600, '%s: the new NVRAM is 0600' % name)
    h.cmd_ok(d.virsh('resume', name), '%s: resume' % name)
    h.eq(d.qmp_status(name), 'running', '%s: the restored guest runs' % name)
    back, _ = gi.wait_until(lambda: gi.read_bytes(nvram)[:2] == b'GV', 30, interval=0.2)
    h.ok(back, "%s: once running, QEMU writes the stream's flash contents back (QEMU's pflash)"
         % name)
    os.unlink(image)


def reset_nvram_no_template(h, d):
    """An NVRAM without a template: restore --reset-nvram fails naming it, before
    any QEMU starts; the image stays and restores without the flag."""
    name = 'efi-notpl'
    vars_path = os.path.join(h.workdir, name + '_VARS.fd')
    shutil.copyfile('/usr/share/OVMF/OVMF_VARS_4M.fd', vars_path)
    os.chmod(vars_path, 0o600)
    uid = h.new_uuid()
    define(h, d, name, xml(name, uid, osattr='', os_inner=(
        "    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>\n"
        "    <nvram>%s</nvram>\n" % vars_path)))
    if not h.cmd_ok(d.virsh('start', name), '%s: start (an NVRAM without a template)' % name):
        return
    image = os.path.join(h.workdir, name + '.save')
    h.cmd_ok(d.virsh('save', name, image, timeout=120), '%s: save' % name)
    before = gi.read_bytes(vars_path)
    h.cmd_fails(d.virsh('restore', '--reset-nvram', image, timeout=120),
                '%s: restore --reset-nvram fails naming the NVRAM and its missing template'
                % name, (vars_path, 'no template', '--reset-nvram'))
    h.eq(gi.qemu_pids_by_uuid(uid), [], '%s: no QEMU runs' % name)
    h.ok(gi.read_bytes(vars_path) == before, '%s: the NVRAM is untouched' % name)
    h.cmd_ok(d.virsh('restore', image, timeout=120), '%s: the image restores without the flag'
             % name)
    h.eq(d.qmp_status(name), 'running', '%s: the restored guest runs' % name)
    h.cmd_ok(d.virsh('destroy', name), '%s: destroy' % name)


def main(h):
    if not os.path.isdir('/usr/share/qemu/firmware'):
        h.ok(False, 'Debian\'s ovmf is installed (scripts/install-deps.sh)')
        return
    # OVMF boots here under TCG: a nested KVM may fail to emulate code run from
    # flash ("KVM internal error ... emulation failure"), which is the host's
    d = gi.Daemon(h, env={'GENVIRT_ACCEL': 'tcg'}, label='tcg')
    if not d.start():
        return
    nvram = os.path.join(d.root, 'var', 'lib', 'genvirt', 'qemu', 'nvram', 'efi-pc_VARS.fd')

    uid = h.new_uuid()
    define(h, d, 'efi-pc', xml('efi-pc', uid))
    r = d.virsh('start', 'efi-pc')
    if h.cmd_ok(r, 'start efi-pc (firmware=efi, pc)'):
        h.eq(d.qmp_status('efi-pc'), 'running', 'efi-pc: the guest runs OVMF')
        live = d.live_xml('efi-pc') or ''
        h.ok("<loader readonly='yes' secure='no' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd"
             "</loader>" in live, 'efi-pc: the live XML names the OVMF chosen', live)
        h.ok("<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>%s</nvram>" % nvram in live,
             'efi-pc: the live XML names the NVRAM and its template', live)
        inactive = d.virsh('dumpxml', '--inactive', 'efi-pc').out
        h.ok("<os firmware='efi'>" in inactive and '<loader' not in inactive,
             'efi-pc: the persistent config stays firmware=efi', inactive)
        h.ok(os.path.isfile(nvram) and gi.file_mode(nvram) == 0o600 and
             gi.file_mode(os.path.dirname(nvram)) == 0o700,
             'efi-pc: NVRAM created from the template, 0600 in a 0700 directory')
        template = gi.read_bytes('/usr/share/OVMF/OVMF_VARS_4M.fd')
        h.eq(len(gi.read_bytes(nvram)), len(template),
             'efi-pc: the NVRAM is a copy of the template')
        # OVMF writes its boot variables: the firmware ran, on this NVRAM
        ran, _ = gi.wait_until(lambda: gi.read_bytes(nvram) != template, 90, interval=0.5)
        h.ok(ran, 'efi-pc: OVMF ran and wrote its variables into the NVRAM')
        h.eq(d.qmp_status('efi-pc'), 'running', 'efi-pc: still running')
        h.cmd_ok(d.virsh('destroy', 'efi-pc'), 'destroy efi-pc')
        with open(nvram, 'r+b') as f:  # the guest's own variables: kept
            f.seek(0)
            f.write(b'GV')
        h.cmd_ok(d.virsh('start', 'efi-pc'), 'start efi-pc again')
        h.eq(gi.read_bytes(nvram)[:2], b'GV', 'efi-pc: the NVRAM is kept across starts')
        reset_nvram(h, d, 'efi-pc', nvram, template)
        h.cmd_ok(d.virsh('destroy', 'efi-pc'), 'destroy efi-pc')

    reset_nvram_no_template(h, d)

    # q35: Secure Boot with SMM (TCG has SMM)
    define(h, d, 'efi-q35', xml('efi-q35', h.new_uuid(), machine='q35'))
    if h.cmd_ok(d.virsh('start', 'efi-q35'), 'start efi-q35 (Secure Boot, SMM)'):
        live = d.live_xml('efi-q35') or ''
        h.ok("secure='yes'" in live and "<smm state='on'/>" in live and
             'OVMF_CODE_4M.ms.fd' in live, 'efi-q35: Secure Boot firmware, keys enrolled, SMM on',
             live)
        h.eq(d.qmp_status('efi-q35'), 'running', 'efi-q35: the guest runs')
        h.cmd_ok(d.virsh('destroy', 'efi-q35'), 'destroy efi-q35')
    # under KVM the same domain needs the host's KVM to have SMM
    if os.access('/dev/kvm', os.R_OK | os.W_OK):
        k = gi.Daemon(h, env={'GENVIRT_ACCEL': 'kvm'}, label='kvm')
        if k.start():
            k_uid = h.new_uuid()
            path = gi.write_file(os.path.join(h.workdir, 'k-efi-q35.xml'),
                                 xml('k-efi-q35', k_uid, machine='q35'))
            h.cmd_ok(k.virsh('define', path), 'kvm: define k-efi-q35')
            r = k.virsh('start', 'k-efi-q35')
            if r.rc == 0:
                h.ok(True, 'kvm: k-efi-q35 starts: this host\'s KVM has SMM')
                h.cmd_ok(k.virsh('destroy', 'k-efi-q35'), 'kvm: destroy k-efi-q35')
            else:
                h.cmd_fails(r, "kvm: k-efi-q35 refused before the start: this host's KVM has "
                            'no SMM', ('<features>/<smm>', "cannot run on this host's KVM"))
                h.eq(gi.qemu_pids_by_uuid(k_uid), [], 'kvm: no QEMU runs for k-efi-q35')
            # a CPU option makes a trial QEMU run first: it has no flash, the start does
            k_uid = h.new_uuid()
            text = xml('k-efi-cpu', k_uid).replace(
                '  <devices>', "  <cpu mode='custom' check='none'>\n    <model>qemu64</model>\n"
                "  </cpu>\n  <devices>")
            path = gi.write_file(os.path.join(h.workdir, 'k-efi-cpu.xml'), text)
            h.cmd_ok(k.virsh('define', path), 'kvm: define k-efi-cpu (firmware=efi, a <cpu>)')
            h.cmd_ok(k.virsh('start', 'k-efi-cpu'), 'kvm: start k-efi-cpu (the trial passes)')
            h.cmd_ok(k.virsh('destroy', 'k-efi-cpu'), 'kvm: destroy k-efi-cpu')
            k.stop()
    define(h, d, 'efi-q35-nosb', xml('efi-q35-nosb', h.new_uuid(), machine='q35', os_inner=(
        "    <firmware>\n      <feature enabled='no' name='secure-boot'/>\n    </firmware>\n")))
    if h.cmd_ok(d.virsh('start', 'efi-q35-nosb'), 'start efi-q35-nosb (no Secure Boot)'):
        live = d.live_xml('efi-q35-nosb') or ''
        h.ok('/usr/share/OVMF/OVMF_CODE_4M.fd' in live, 'efi-q35-nosb: plain OVMF', live)
        h.cmd_ok(d.virsh('destroy', 'efi-q35-nosb'), 'destroy efi-q35-nosb')

    # files that are not there
    missing = os.path.join(h.workdir, 'no-such', 'OVMF_CODE.fd')
    vars_missing = os.path.join(h.workdir, 'no-template_VARS.fd')
    for name, inner, path, element in [
            ('bad-loader', "    <loader readonly='yes' type='pflash'>%s</loader>\n" % missing,
             missing, '<os>/<loader>'),
            ('no-template', "    <loader readonly='yes' type='pflash'>"
             "/usr/share/OVMF/OVMF_CODE_4M.fd</loader>\n    <nvram>%s</nvram>\n" % vars_missing,
             vars_missing, 'no template')]:
        uid = h.new_uuid()
        define(h, d, name, xml(name, uid, osattr='', os_inner=inner))
        cfg = gi.read_bytes(d.config_path(name))
        h.cmd_fails(d.virsh('start', name), '%s: start fails naming %s and %s' % (name, path,
                                                                                  element),
                    (path, element))
        h.eq(gi.qemu_pids_by_uuid(uid), [], '%s: no QEMU runs' % name)
        h.ok(gi.read_bytes(d.config_path(name)) == cfg, '%s: config unchanged' % name)
        h.ok(not os.path.exists(vars_missing), '%s: no NVRAM was made up' % name)
    h.ok(d.serving(), 'the daemon still serves')
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gi.Harness('firmware', deadline=300).main(main)
