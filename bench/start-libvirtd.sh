#!/usr/bin/env bash
# Starts the stock libvirtd (Debian 12, its qemu driver) on this machine for the
# side-by-side benchmarks, unless one already answers on qemu:///system.  As root.
#
# It installs libvirt's daemon and clients from Debian's packages when they are
# missing, runs guests as root with no security driver (no SELinux/AppArmor
# relabelling in a sandbox), starts virtlogd and libvirtd as daemons and waits
# until qemu:///system answers.  Prints the pid of the libvirtd it started on
# stdout's last line ("started PID"), or "running PID" when one was there.
set -euo pipefail

if virsh -c qemu:///system version >/dev/null 2>&1; then
    echo "running $(pgrep -x libvirtd | head -n 1)"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "start-libvirtd: needs root" >&2
    exit 1
fi
if ! command -v libvirtd >/dev/null || ! command -v virsh >/dev/null ||
    ! /usr/bin/python3 -c 'import libvirt' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -q libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients \
        python3-libvirt qemu-system-x86 qemu-utils >/dev/null
fi
# the qemu driver looks its default user up before it reads qemu.conf
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt libvirt-qemu
mkdir -p /var/log/libvirt /run/libvirt /var/lib/libvirt/qemu /var/lib/libvirt/images
conf=/etc/libvirt/qemu.conf
if ! grep -q '^security_driver = "none"' "$conf" 2>/dev/null; then
    printf 'user = "root"\ngroup = "root"\ndynamic_ownership = 0\nsecurity_driver = "none"\n' >>"$conf"
fi
pgrep -x virtlogd >/dev/null || virtlogd -d
libvirtd -d
for _ in $(seq 100); do
    if virsh -c qemu:///system version >/dev/null 2>&1; then
        echo "started $(pgrep -x libvirtd | head -n 1)"
        exit 0
    fi
    sleep 0.1
done
echo "start-libvirtd: libvirtd did not answer; see /var/log/libvirt/libvirtd.log" >&2
exit 1
