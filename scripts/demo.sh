#!/usr/bin/env bash
# The genid demo: installs the dependencies, builds, starts genvirtd on a
# scratch root and walks through the VM Generation ID device with genvirsh,
# the stock virsh and the offline commands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
sh=build/tools/genvirsh
tmp=$(mktemp -d)
root=$tmp/root
sock=$root/run/genvirt/genvirt-sock
export GENVIRT_DEFAULT_URI="genvirt+unix:///system?socket=$sock"
daemon=
start_daemon() {
    build/src/daemon/genvirtd --root "$root" 2>>"$tmp/genvirtd.log" &
    daemon=$!
    for _ in $(seq 100); do [ -S "$sock" ] && return 0; sleep 0.05; done
    echo "genvirtd did not start:"; cat "$tmp/genvirtd.log"; exit 1
}
stop_daemon() { [ -z "$daemon" ] || { kill "$daemon"; wait "$daemon" || true; daemon=; }; }
reader=
cleanup() {
    [ -z "$reader" ] || kill "$reader" 2>/dev/null || true
    # a domain left running by a failed step goes too
    for f in "$root"/run/genvirt/qemu/*.xml "$tmp"/root2/run/genvirt/qemu/*.xml; do
        [ -f "$f" ] && kill -9 "$(sed -n "s/.*pid='\([0-9]*\)'.*/\1/p" "$f")" 2>/dev/null
    done
    stop_daemon
    [ -z "${daemon2:-}" ] || kill "$daemon2" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
genid() { sed -n '/<genid/,/<\/genid>/p'; }
guid_of() { "$sh" dumpxml "$1" | sed -n "s/.*<guid auto='[a-z]*'>\(.*\)<\/guid>.*/\1/p"; }

step "1. Every example validates against the schema and the semantic rules"
for f in examples/*.xml; do show "$sh" domxml-validate "$f"; done

step "2. Start genvirtd (libvirt's remote protocol) on a scratch root"
start_daemon
echo "genvirtd pid $daemon, socket $sock"

step "3. Define a domain whose genid has no value: genvirtd generates and stores one"
show grep -n '<genid' examples/genid-auto.xml
show "$sh" define examples/genid-auto.xml
show "$sh" dumpxml genid-auto | genid
first=$(guid_of genid-auto)
show ls -l "$root/etc/genvirt/domains/"

step "4. Read-only clients never see the value"
show "$sh" -r -c "genvirt+unix:///system?socket=$sock-ro" dumpxml genid-auto | genid
show "$sh" -r -c "genvirt+unix:///system?socket=$sock-ro" undefine genid-auto || true

step "5. Redefining without a value keeps the stored GUID; so does a daemon restart"
show "$sh" define examples/genid-auto.xml
stop_daemon
start_daemon
show "$sh" dumpxml genid-auto | genid
[ "$(guid_of genid-auto)" = "$first" ] && echo "checked: still $first"

step "6. A fixed GUID (auto='no') and libvirt's legacy <genid/> form"
show "$sh" define examples/genid-fixed.xml
show "$sh" dumpxml genid-fixed | genid
show "$sh" define examples/genid-legacy.xml
show "$sh" dumpxml genid-legacy | genid

step "7. The stock virsh and python3-libvirt manage genvirtd unchanged"
show virsh -c "qemu+unix:///system?socket=$sock" list --all
show virsh -c "qemu+unix:///system?socket=$sock" dominfo genid-fixed
show /usr/bin/python3 -c "import libvirt; c = libvirt.open('qemu+unix:///system?socket=$sock'); print([d.name() for d in c.listAllDomains()])"

step "8. Bad input: an error naming the value and its place; nothing changes"
cat >"$tmp/bad.xml" <<'XML'
<domain type='kvm'>
  <name>bad</name>
  <memory unit='MiB'>128</memory>
  <features><acpi/></features>
  <devices>
    <genid><guid>xyz</guid></genid>
  </devices>
</domain>
XML
show "$sh" define "$tmp/bad.xml" || true
sed 's#<guid>xyz</guid>#<guid auto="no"/>#' "$tmp/bad.xml" >"$tmp/bad2.xml"
show "$sh" define "$tmp/bad2.xml" || true
show "$sh" list --all

step "9. The QEMU command line: the GUID is never in argv, only in the config read from fd 3"
show "$sh" domxml-to-native examples/genid-fixed.xml | fold -w 160
guid=$(guid_of genid-fixed)
if "$sh" domxml-to-native examples/genid-fixed.xml | head -n 1 | grep -q "$guid"; then
    echo "FAIL: the GUID is on the command line"; exit 1
fi
echo "checked: $guid is not in argv"

step "10. ABI stability for migration: the destination must keep the GUID"
show "$sh" domxml-abi-check examples/genid-fixed.xml examples/genid-fixed.xml
sed "s/$guid/5e0c6d40-1b1f-4b8e-a0d1-8f3a5e6c7d20/I" examples/genid-fixed.xml >"$tmp/dst.xml"
show "$sh" domxml-abi-check examples/genid-fixed.xml "$tmp/dst.xml" || true

step "11. Start it on a real QEMU: the GUID QEMU reports is the stored one"
show "$sh" start genid-auto
live=$("$sh" domgenid genid-auto | head -n 1)
show "$sh" domgenid genid-auto
show "$sh" qemu-monitor-command genid-auto query-vm-generation-id
[ "$live" = "$first" ] && echo "checked: QEMU reports $live, the value stored at define"
pid=$(sed -n "s/.*pid='\([0-9]*\)'.*/\1/p" "$root/run/genvirt/qemu/genid-auto.xml")
if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$live"; then
    echo "FAIL: the GUID is on QEMU's command line"; exit 1
fi
echo "checked: not in /proc/$pid/cmdline (QEMU read it from a sealed memfd)"
show "$sh" dominfo genid-auto

step "12. A cold boot keeps the GUID (destroy, start)"
show "$sh" destroy genid-auto
show "$sh" start genid-auto
show "$sh" domgenid genid-auto
[ "$("$sh" domgenid genid-auto | head -n 1)" = "$first" ] && echo "checked: still $first"

step "13. The daemon restarts under a running domain: it reconnects and checks QEMU's GUID"
stop_daemon
start_daemon
show "$sh" list
show "$sh" domgenid genid-auto
show "$sh" destroy genid-auto

step "14. Snapshots: every revert gives the guest a GUID never seen before"
qemu-img create -q -f qcow2 "$tmp/snap.qcow2" 64M
sed "s#<genid/>#<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$tmp/snap.qcow2'/><target dev='vda' bus='virtio'/></disk><genid/>#" \
    examples/genid-auto.xml | sed 's/genid-auto/genid-snap/; /<uuid>/d' >"$tmp/snap.xml"
show "$sh" define "$tmp/snap.xml"
show "$sh" start genid-snap
before=$("$sh" domgenid genid-snap | head -n 1)
show "$sh" snapshot-create-as genid-snap before-upgrade --description "a point to go back to"
show "$sh" snapshot-list genid-snap
pid1=$(sed -n "s/.*pid='\([0-9]*\)'.*/\1/p" "$root/run/genvirt/qemu/genid-snap.xml")
show "$sh" snapshot-revert genid-snap before-upgrade
pid2=$(sed -n "s/.*pid='\([0-9]*\)'.*/\1/p" "$root/run/genvirt/qemu/genid-snap.xml")
after1=$("$sh" domgenid genid-snap | head -n 1)
show "$sh" snapshot-revert genid-snap before-upgrade
after2=$("$sh" domgenid genid-snap | head -n 1)
echo "GUID at the snapshot: $before"
echo "after a revert:       $after1   (QEMU pid $pid1 -> $pid2: a fresh emulator)"
echo "after another revert: $after2"
[ "$before" != "$after1" ] && [ "$after1" != "$after2" ] && [ "$before" != "$after2" ] &&
    echo "checked: three different values, the last one stored in the config:"
show grep guid "$root/etc/genvirt/domains/genid-snap.xml"

step "15. Live migration to a second genvirtd: the GUID goes with the guest"
root2=$tmp/root2
build/src/daemon/genvirtd --root "$root2" 2>>"$tmp/genvirtd2.log" &
daemon2=$!
for _ in $(seq 100); do [ -S "$root2/run/genvirt/genvirt-sock" ] && break; sleep 0.05; done
dest="genvirt+unix:///system?socket=$root2/run/genvirt/genvirt-sock"
show "$sh" migrate --live genid-snap "$dest"
show "$sh" -c "$dest" list
moved=$("$sh" -c "$dest" domgenid genid-snap | head -n 1)
show "$sh" -c "$dest" domgenid genid-snap
[ "$moved" = "$after2" ] && echo "checked: the destination QEMU reports $moved, the source's value"
show "$sh" list --all
show "$sh" -c "$dest" destroy genid-snap
kill "$daemon2"; wait "$daemon2" || true; daemon2=

step "16. The guest as witness: a Linux guest prints the generation ID it sees"
# Debian's kernel (scripts/guest-kernel.sh) with a busybox initramfs whose
# /init prints, on the serial console, the GUID in guest RAM and how often
# the kernel reseeded its crng for a "virtual machine fork" (tests/guest/)
gdir=${GENVIRT_GUEST_DIR:-/var/cache/genvirt/guest}
bash tests/guest/mkinitramfs.sh "$tmp/init.cpio.gz" build/tests/guest/witness "$gdir"
qemu-img create -q -f qcow2 "$tmp/witness.qcow2" 16M
cat >"$tmp/witness.xml" <<XML
<domain type='qemu'>
  <name>genid-witness</name>
  <memory unit='MiB'>160</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$gdir/vmlinux</kernel>
    <initrd>$tmp/init.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet notsc</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$tmp/witness.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <genid/>
  </devices>
</domain>
XML
show "$sh" define "$tmp/witness.xml"
show "$sh" start genid-witness
console() { # console LOG: copies the guest's serial pty, named in the live XML, to LOG
    local pty
    pty=$("$sh" dumpxml genid-witness | sed -n "s/.*<source path='\([^']*\)'.*/\1/p" | head -n 1)
    echo "the guest's console: $pty (<serial><source path=...> in the live XML)"
    [ -z "$reader" ] || kill "$reader" 2>/dev/null || true
    (stty raw -echo && exec cat 2>/dev/null) <"$pty" >"$1" & # EIO once that QEMU is gone
    reader=$!
}
wait_line() { # wait_line REGEX LOG SECONDS
    for _ in $(seq $(($3 * 10))); do
        grep -a -q "$1" "$2" && return 0
        sleep 0.1
    done
    echo "no line matching '$1' from the guest in $3 s"
    exit 1
}
guest_says() { # the guest's last state line, shortened
    grep -a 'GVW \(GEN\|TICK\)' "$1" | tail -n 1 |
        sed 's/.* boot=\([0-9a-f]*\)-[^ ]* dev=\([^ ]*\) crng=\([01]\) guid=\([^ ]*\) .* reseed=\([0-9]*\) .*/boot \1, driver \2, guid \4, crng reseeds \5/'
}
field() { guest_says "$1" | sed -n "s/.*$2 \([^,]*\).*/\1/p"; }
console "$tmp/console1.log"
echo "(booting under TCG: about 10 to 20 s)"
wait_line 'GVW GEN.*crng=1' "$tmp/console1.log" 240
echo "the guest says:   $(guest_says "$tmp/console1.log")"
echo "genvirsh domgenid: $("$sh" domgenid genid-witness | head -n 1)"
[ "$(field "$tmp/console1.log" guid)" = "$("$sh" domgenid genid-witness | head -n 1)" ] ||
    { echo "FAIL: the guest sees another GUID than domgenid"; exit 1; }
show "$sh" snapshot-create-as genid-witness booted
show "$sh" snapshot-revert genid-witness booted
console "$tmp/console2.log"
wait_line 'GVW [A-Z]*.* reseed=1 ' "$tmp/console2.log" 30
echo "the guest says:   $(guest_says "$tmp/console2.log")"
echo "genvirsh domgenid: $("$sh" domgenid genid-witness | head -n 1)"
if [ "$(field "$tmp/console2.log" boot)" = "$(field "$tmp/console1.log" boot)" ] &&
    [ "$(field "$tmp/console2.log" guid)" = "$("$sh" domgenid genid-witness | head -n 1)" ] &&
    [ "$(field "$tmp/console2.log" guid)" != "$(field "$tmp/console1.log" guid)" ] &&
    [ "$(field "$tmp/console2.log" reseeds)" = 1 ]; then
    echo "checked: the same boot of the guest, the new GUID in its RAM, and its kernel"
    echo "reseeded its random generator (\"crng reseeded due to virtual machine fork\"): it saw the change"
else
    echo "FAIL: the guest did not see the new GUID"
    exit 1
fi
show "$sh" destroy genid-witness
kill "$reader" 2>/dev/null || true
reader=

step "17. Undefine and stop"
show "$sh" snapshot-delete genid-snap before-upgrade --metadata
show "$sh" snapshot-delete genid-witness booted --metadata
for d in genid-auto genid-fixed genid-legacy genid-snap genid-witness; do show "$sh" undefine "$d"; done
stop_daemon
printf '\ndemo finished\n'
