#!/usr/bin/python3
"""DOMAIN_OPEN_GRAPHICS_FD (343) and FD passing, on real QEMU.

virt-manager shows a local guest's display through virDomainOpenGraphicsFD:
the daemon connects a socket pair to QEMU's VNC server (QMP getfd +
add_client) and passes the other end back with the reply (REPLY_WITH_FDS,
SCM_RIGHTS).  python3-libvirt's openGraphicsFD() here reads the RFB banner
of the guest's VNC server from that fd, twice, concurrently with other
calls; a read-only connection, a wrong index and a domain without graphics
are refused with libvirt's errors, and the daemon keeps serving.  The same
for a SPICE display without a TCP port (<listen type='none'>, the local
virt-manager case): its server answers a SPICE link message on the fd.
"""

import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gvinteg as gi  # noqa: E402

import libvirt  # noqa: E402


def exchange(fd, send, n):
    """Sends @send (if any) on the display fd, then reads up to @n bytes."""
    s = socket.socket(fileno=fd)
    s.settimeout(10)
    try:
        if send:
            s.sendall(send)
        data = b''
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                break
            data += chunk
        return data
    finally:
        s.close()


def rfb_banner(fd):
    """The 12-byte version banner a VNC server sends first."""
    return exchange(fd, None, 12)


def spice_link_reply(fd):
    """Sends a SPICE link message for the main channel; the first 4 bytes of
    the server's reply (its link header's magic, b'REDQ')."""
    # SpiceLinkMess: connection id, channel type (1: main), channel id,
    # no common or channel capabilities, caps offset
    mess = struct.pack('<IBBIII', 0, 1, 0, 0, 0, 18)
    return exchange(fd, b'REDQ' + struct.pack('<III', 2, 2, len(mess)) + mess, 4)


def main(h):
    d = gi.Daemon(h)
    if not d.start():
        return
    name = 'gfxfd'
    uid = h.new_uuid()
    xml = gi.domain_xml(name, uid).replace('  </devices>',
                                           "    <graphics type='vnc'/>\n  </devices>")
    path = os.path.join(h.workdir, name + '.xml')
    gi.write_file(path, xml)
    h.cmd_ok(d.virsh('define', path), 'define %s with a VNC display' % name)
    h.cmd_ok(d.virsh('start', name), 'start %s' % name)
    conn = libvirt.open(d.uri)
    dom = conn.lookupByName(name)
    for i in range(2):
        fd = dom.openGraphicsFD(0, 0)
        h.ok(fd >= 0, 'openGraphicsFD(0) returns an fd (%d)' % (i + 1))
        banner = rfb_banner(fd)
        h.ok(banner.startswith(b'RFB 003.'), "QEMU's VNC server answers on it: %r" % banner)
        h.eq(dom.state()[0], libvirt.VIR_DOMAIN_RUNNING, 'the domain runs on')
    try:
        fd = dom.openGraphicsFD(0, libvirt.VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH)
        banner = rfb_banner(fd)
        h.ok(banner.startswith(b'RFB 003.'), 'with SKIPAUTH too: %r' % banner)
    except libvirt.libvirtError as e:
        h.ok(False, 'openGraphicsFD with SKIPAUTH', str(e))
    for args, want, what in (((5, 0), 'No graphics backend with index 5', 'a wrong index'),
                             ((0, 0x80), 'unsupported flags', 'unknown flags')):
        try:
            dom.openGraphicsFD(*args)
            got = None
        except libvirt.libvirtError as e:
            got = str(e)
        h.ok(got and want in got, '%s is refused: %s' % (what, got))
    ro = libvirt.openReadOnly(d.uri_ro)
    try:
        ro.lookupByName(name).openGraphicsFD(0, 0)
        got = None
    except libvirt.libvirtError as e:
        got = str(e)
    h.ok(got and 'read only' in got, 'a read-only connection is refused: %s' % got)
    ro.close()
    h.cmd_ok(d.virsh('destroy', name), 'destroy %s' % name)

    # SPICE without a TCP port: the fd is the only way in
    sname = 'gfxfd-spice'
    xml = gi.domain_xml(sname, h.new_uuid()).replace(
        '  </devices>', "    <graphics type='spice'><listen type='none'/></graphics>\n"
        '  </devices>')
    spath = os.path.join(h.workdir, sname + '.xml')
    gi.write_file(spath, xml)
    h.cmd_ok(d.virsh('define', spath), 'define %s with a SPICE display and no port' % sname)
    h.cmd_ok(d.virsh('start', sname), 'start %s' % sname)
    try:
        fd = conn.lookupByName(sname).openGraphicsFD(0, 0)
        h.eq(spice_link_reply(fd), b'REDQ', "openGraphicsFD(0): QEMU's SPICE server answers")
    except libvirt.libvirtError as e:
        h.ok(False, 'openGraphicsFD on SPICE', str(e))
    h.cmd_ok(d.virsh('destroy', sname), 'destroy %s' % sname)
    conn.close()
    h.ok(d.serving(), 'the daemon serves on')
    h.cmd_ok(d.virsh('undefine', name), 'undefine %s' % name)
    d.stop()


if __name__ == '__main__':
    gi.Harness('graphicsfd').main(main)
