#!/usr/bin/env bash
# Installs what genvirt needs to build and test on Debian 12 (as root), and
# the guest kernel of tests/guest/ (scripts/guest-kernel.sh).
# Does nothing when everything is already there.
set -euo pipefail

packages=(
    # build
    gcc meson ninja-build pkg-config libglib2.0-dev libxml2-dev libjson-c-dev
    # TLS (libvirt's library choice) and the test certificates (certtool)
    libgnutls28-dev gnutls-bin
    # fuzzing (clang's libFuzzer) and memory checking
    clang clang-format valgrind
    # the real hypervisor: capability probing, argv checks and (later) running domains
    qemu-system-x86 qemu-utils
    # UEFI firmware (OVMF) and its descriptors in /usr/share/qemu/firmware (firmware='efi')
    ovmf
    # the stock clients genvirtd is tested against (never linked into genvirt)
    libvirt-clients python3-libvirt
    # virt-install's own library, whose parsers and connection the host tests use
    virtinst
    # the real tools of tests/tools/ (meson suite 'tools'): virt-manager under Xvfb,
    # go-libvirt built offline with Debian's Go, Sys::Virt, Ansible's
    # community.libvirt collection, libvirt-dbus on a private bus
    virt-manager xvfb golang-go golang-github-digitalocean-go-libvirt-dev libsys-virt-perl
    ansible libvirt-dbus dbus-daemon dbus-bin python3-dbus
    # test scripts
    python3 git strace iproute2
    # a reflink file system on a loop file for `genvirsh clone --reflink` (tests/snapmig/clone.py)
    xfsprogs
    # remote transports: packet captures of migrations, ssh with `nc -U` on the remote end
    tcpdump openssh-server openssh-client netcat-openbsd
    # the guest of tests/guest/: its initramfs is built from these in the test run
    # (its kernel comes from scripts/guest-kernel.sh)
    busybox-static cpio
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # keep a configuration file changed on this host (libvirt-daemon-system, pulled in
    # by libvirt-dbus, ships /etc/libvirt/qemu.conf) instead of asking
    apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
fi
bash "$(dirname "$0")/guest-kernel.sh" >/dev/null
