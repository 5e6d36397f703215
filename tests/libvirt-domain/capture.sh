#!/usr/bin/env bash
# What the stock tools give for the full-document cases of tests/xml2xml/
# (not a test; needs root and virtinst; the stock libvirtd is started by
# bench/start-libvirtd.sh, or $START_LIBVIRTD):
#   capture.sh OUTDIR
# starts libvirtd, has virt-install 4.1 print a default Debian 11 guest
# (q35 and pc, with and without --graphics none; once as is, with libvirt's
# 'default' network, once with --network user; once with --boot uefi),
# defines each of those and OUTDIR/nova-26-full.xml (nova-guest.py) in
# libvirtd and keeps its 'virsh dumpxml --inactive', then stops the
# libvirtd (and virtlogd) it started, by pid.  virt-install gives a new UUID and MAC on
# every run, so new output means new cases, not a refresh of these.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
cd "$out"
hadlog=$(pgrep -x virtlogd || true)
started=$(bash "${START_LIBVIRTD:-$here/../../bench/start-libvirtd.sh}" | tail -n 1)
newlog=
[ -n "$hadlog" ] || newlog=$(pgrep -x virtlogd || true)
case $started in
started\ *) trap 'kill ${started#started } $newlog 2>/dev/null || true' EXIT ;;
*)
    echo "capture.sh: a libvirtd runs already ($started); not touching it" >&2
    exit 1
    ;;
esac
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
