#!/usr/bin/env bash
# The initramfs of the guest suite (and of the demo), made with cpio:
#   mkinitramfs.sh OUT.cpio.gz WITNESS [GUEST_DIR]
# /init (init.sh beside this script), /bin/busybox (busybox-static's, the
# only program besides the witness), /bin/witness, and /lib/qemu_fw_cfg.ko
# from the guest kernel's directory (scripts/guest-kernel.sh).
set -euo pipefail
out=$1
witness=$2
guest=${3:-${GENVIRT_GUEST_DIR:-/var/cache/genvirt/guest}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/bin "$root"/lib "$root"/proc "$root"/sys "$root"/dev
install -m 0755 /bin/busybox "$root"/bin/busybox
install -m 0755 "$witness" "$root"/bin/witness
install -m 0644 "$guest"/qemu_fw_cfg.ko "$root"/lib/qemu_fw_cfg.ko
install -m 0755 "$here"/init.sh "$root"/init
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
    gzip -6 -n >"$out.tmp"
mv "$out.tmp" "$out"
