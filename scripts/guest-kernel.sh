#!/usr/bin/env bash
# The guest kernel of tests/guest/: Debian's linux-image-amd64 kernel, taken
# from its package without installing it (no initramfs-tools, no systemd
# upgrade): apt-get download of the image package linux-image-amd64 depends
# on, then only its vmlinuz, its config and the qemu_fw_cfg module out of
# it.  Kept in $GENVIRT_GUEST_DIR (default /var/cache/genvirt/guest):
#   vmlinuz  config  qemu_fw_cfg.ko  VERSION (the package and its version)
#   vmlinux  the kernel inside vmlinuz, decompressed (an ELF with a PVH entry)
# The guest suite boots vmlinux: under TCG the bzImage's own XZ decompressor
# is most of a boot (about 7 of 13 s on an idle machine, 20 to 40 s when the
# two cores are busy), and QEMU starts the same kernel from its PVH note
# directly.  Does nothing when they are there.  Prints the directory.
#   --check: only tell (exit 1) when they are missing.
set -euo pipefail

dir=${GENVIRT_GUEST_DIR:-/var/cache/genvirt/guest}
have() {
    [ -s "$dir/vmlinuz" ] && [ -s "$dir/vmlinux" ] && [ -s "$dir/qemu_fw_cfg.ko" ] &&
        [ -s "$dir/VERSION" ]
}

if have; then
    echo "$dir"
    exit 0
fi
if [ "${1:-}" = --check ]; then
    echo "guest-kernel: no guest kernel in $dir (run scripts/install-deps.sh)" >&2
    exit 1
fi

# the image package the metapackage points at, e.g. linux-image-6.1.0-57-amd64
image() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}
pkg=$(image)
if [ -z "$pkg" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "guest-kernel: apt knows no linux-image-amd64 (run 'apt-get update' as root)" >&2
        exit 1
    fi
    apt-get update -qq
    pkg=$(image)
fi
if [ -z "$pkg" ]; then
    echo "guest-kernel: cannot tell which kernel linux-image-amd64 depends on" >&2
    exit 1
fi

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.fetch-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "guest-kernel: fetching $pkg into $dir" >&2
if ! (cd "$tmp" && apt-get download -qq "$pkg" 2>"$tmp/err"); then
    cat "$tmp/err" >&2
    exit 1
fi
deb=$(ls "$tmp"/*.deb)
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' \
    './boot/config-*' './lib/modules/*/kernel/drivers/firmware/qemu_fw_cfg.ko'
install -m 0644 "$tmp"/boot/vmlinuz-* "$dir/vmlinuz"
# a bzImage (Linux boot protocol 2.08+): the payload is at payload_offset
# (0x248) past the protected-mode code, which starts after the setup sectors
/usr/bin/python3 - "$dir/vmlinuz" "$tmp/vmlinux" <<'PY'
import lzma, struct, sys
data = open(sys.argv[1], 'rb').read()
if data[0x202:0x206] != b'HdrS' or struct.unpack_from('<H', data, 0x206)[0] < 0x208:
    sys.exit('guest-kernel: %s is not a bzImage of boot protocol 2.08 or later' % sys.argv[1])
setup = (data[0x1f1] or 4) + 1
offset, length = struct.unpack_from('<II', data, 0x248)
payload = data[setup * 512 + offset:setup * 512 + offset + length]
if not payload.startswith(b'\xfd7zXZ\x00'):
    sys.exit('guest-kernel: the payload of %s is not XZ' % sys.argv[1])
kernel = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
if kernel[:4] != b'\x7fELF':
    sys.exit('guest-kernel: the payload of %s is not an ELF kernel' % sys.argv[1])
open(sys.argv[2], 'wb').write(kernel)
PY
install -m 0644 "$tmp/vmlinux" "$dir/vmlinux"
install -m 0644 "$tmp"/boot/config-* "$dir/config"
install -m 0644 "$tmp"/lib/modules/*/kernel/drivers/firmware/qemu_fw_cfg.ko "$dir/qemu_fw_cfg.ko"
printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" >"$tmp/VERSION"
install -m 0644 "$tmp/VERSION" "$dir/VERSION"
echo "$dir"
