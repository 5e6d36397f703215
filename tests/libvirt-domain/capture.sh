#!/usr/bin/env bash
# What the stock tools give for the full-document cases of tests/xml2xml/
# (not a test; needs root, virtinst, and the stock libvirtd, which
# $START_LIBVIRTD starts as bench/lib.sh does):
#   capture.sh OUTDIR
# starts libvirtd, has virt-install 4.1 print a default Debian 11 guest
# (q35 and pc, with and without --graphics none; once as is, with libvirt's
# 'default' network, once with --network user; once with --boot uefi),
# defines each of those and OUTDIR/nova-26-full.xml (nova-guest.py) in
# libvirtd and keeps its 'virsh dumpxml --inactive', then stops the
# libvirtd it started, by pid.  virt-install gives a new UUID and MAC on
# every run, so new output means new cases, not a refresh of these.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
cd "$out"
if pgrep -x libvirtd >/dev/null; then
    echo "capture.sh: a libvirtd runs already; not touching it" >&2
    exit 1
fi
bash "${START_LIBVIRTD:-/work/shared/scripts/start-libvirtd.sh}"
lpid=$(pgrep -x libvirtd)
vpid=$(pgrep -x virtlogd || true)
trap 'kill $lpid $vpid 2>/dev/null || true' EXIT
qemu-img create -q -f qcow2 "$out/deb11.qcow2" 10G
vi="virt-install --connect qemu:///system --print-xml --import --name deb11 --memory 1024
    --vcpus 2 --disk $out/deb11.qcow2 --os-variant debian11"
$vi --network user >virt-install-q35-full.xml
$vi --network user --graphics none >virt-install-q35-nographics-full.xml
$vi --network user --machine pc >virt-install-pc-full.xml
$vi --network user --machine pc --graphics none >virt-install-pc-nographics-full.xml
$vi >virt-install-q35-network-full.xml
$vi --boot uefi >virt-install-q35-uefi-full.xml
/usr/bin/python3 "$here/nova-guest.py" >nova-26-full.xml 2>/dev/null
mkdir -p libvirt
for f in *-full.xml; do
    name=$(sed -n 's:^  <name>\(.*\)</name>$:\1:p' "$f")
    virsh -c qemu:///system define "$f" >/dev/null
    # without the empty line virsh prints after the document
    virsh -c qemu:///system dumpxml --inactive "$name" | sed '${/^$/d}' >"libvirt/$f"
    virsh -c qemu:///system undefine --nvram "$name" >/dev/null
done
echo "capture.sh: documents in $out, libvirtd's dumpxml of each in $out/libvirt"
