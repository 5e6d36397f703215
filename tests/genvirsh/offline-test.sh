#!/usr/bin/env bash
# genvirsh's offline commands, as a user runs them: exit codes, stdout and
# stderr.  TAP.  Usage: offline-test.sh GENVIRSH TESTS_SRCDIR
set -u
sh=$1
src=$2
caps=$src/caps/qemu-7.2.x86_64.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
# expect DESC RC CMD...: runs CMD, checks its exit code, keeps out/err
expect() {
    local desc=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$desc"; else
        notok "$desc (exit $rc, wanted $want)"; sed 's/^/# /' "$tmp/err"; fi
}
has() { # has DESC FILE TEXT
    if grep -qF -- "$3" "$2"; then ok "$1"; else notok "$1"; sed 's/^/# /' "$2"; fi
}
hasnot() {
    if grep -qF -- "$3" "$2"; then notok "$1"; sed 's/^/# /' "$2"; else ok "$1"; fi
}

guid=4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11
cat >"$tmp/fixed.xml" <<XML
<domain type='kvm' id='7'>
  <name>cli</name>
  <uuid>6f0f3d1c-93ab-4c5e-8f22-0d3c3fbd0a55</uuid>
  <memory unit='MiB'>128</memory>
  <features><acpi/></features>
  <devices><genid><guid>4D3B1D4E8F4C4E1C9F5A2B7C1E0D9A11</guid></genid></devices>
</domain>
XML
sed 's/<acpi\/>//' "$tmp/fixed.xml" >"$tmp/noacpi.xml"
sed "s/$guid//; s/4D3B1D4E8F4C4E1C9F5A2B7C1E0D9A11/5e0c6d40-1b1f-4b8e-a0d1-8f3a5e6c7d20/" "$tmp/fixed.xml" >"$tmp/other.xml"

echo "TAP version 13"

expect "domxml-validate accepts a valid domain" 0 "$sh" domxml-validate "$tmp/fixed.xml"
has "domxml-validate says so" "$tmp/out" "fixed.xml validates"
expect "domxml-validate refuses genid without ACPI" 1 "$sh" domxml-validate "$tmp/noacpi.xml"
has "the error names the reason and the element" "$tmp/err" "error: unsupported configuration: genid in <devices>/<genid> needs ACPI: add <acpi/> to <features>"
expect "domxml-validate of a missing file fails" 1 "$sh" domxml-validate "$tmp/nosuch.xml"
has "the error names the file" "$tmp/err" "nosuch.xml"
sed "s/4D3B1D4E8F4C4E1C9F5A2B7C1E0D9A11/xyz/" "$tmp/fixed.xml" >"$tmp/badguid.xml"
expect "domxml-validate refuses a bad genid value" 1 "$sh" domxml-validate "$tmp/badguid.xml"
has "the error names the value and its place" "$tmp/err" "invalid genid guid 'xyz' in <devices>/<genid>/<guid>"
sed "s/<genid>/<genid model='vmgenid2'>/" "$tmp/fixed.xml" >"$tmp/badmodel.xml"
expect "domxml-validate refuses an unknown genid model" 1 "$sh" domxml-validate "$tmp/badmodel.xml"
has "the error names the model" "$tmp/err" "vmgenid2"
sed "s/<features>/<frobnicate\/><features>/" "$tmp/fixed.xml" >"$tmp/unknown.xml"
expect "domxml-validate refuses an unknown element" 1 "$sh" domxml-validate "$tmp/unknown.xml"
has "the error names the element and its path" "$tmp/err" "frobnicate"

expect "domxml-format succeeds" 0 "$sh" domxml-format "$tmp/fixed.xml"
has "domxml-format prints the GUID lower-case with dashes" "$tmp/out" "<guid auto='no'>$guid</guid>"
has "domxml-format keeps the live id" "$tmp/out" "<domain type='kvm' id='7'>"
expect "domxml-format --inactive succeeds" 0 "$sh" domxml-format --inactive "$tmp/fixed.xml"
has "--inactive drops the id" "$tmp/out" "<domain type='kvm'>"
expect "domxml-format --migratable succeeds" 0 "$sh" domxml-format --migratable "$tmp/fixed.xml"
has "--migratable keeps the GUID" "$tmp/out" "$guid"

expect "domxml-to-native succeeds" 0 "$sh" domxml-to-native --caps "$caps" --accel tcg "$tmp/fixed.xml"
head -n 1 "$tmp/out" >"$tmp/argv"
tail -n +2 "$tmp/out" >"$tmp/payload"
has "the command line reads the genid config from an fd" "$tmp/argv" "-readconfig /dev/fd/3"
hasnot "the GUID is not on the command line" "$tmp/argv" "$guid"
has "the payload follows, prefixed with '# '" "$tmp/payload" "#   guid = \"$guid\""
has "the accelerator is the one asked for" "$tmp/argv" "-accel tcg"
expect "domxml-to-native on a QEMU without vmgenid fails" 1 "$sh" domxml-to-native --caps "$src/caps/qemu-7.2-novmgenid.x86_64.json" "$tmp/fixed.xml"
has "and says why" "$tmp/err" "error: unsupported configuration: genid model 'vmgenid' in <devices>/<genid> needs the QEMU device 'vmgenid', which this QEMU binary does not have"
expect "domxml-to-native refuses an unknown accelerator" 1 "$sh" domxml-to-native --accel xen "$tmp/fixed.xml"

expect "domxml-abi-check of a domain against itself" 0 "$sh" domxml-abi-check "$tmp/fixed.xml" "$tmp/fixed.xml"
has "prints compatible" "$tmp/out" "compatible"
expect "domxml-abi-check with another GUID fails" 1 "$sh" domxml-abi-check "$tmp/fixed.xml" "$tmp/other.xml"
has "naming both values" "$tmp/err" "target genid guid '5e0c6d40-1b1f-4b8e-a0d1-8f3a5e6c7d20' does not match source guid '$guid'"

expect "an unknown command fails" 1 "$sh" no-such-command
has "naming it" "$tmp/err" "error: unknown command: 'no-such-command'"
expect "a missing required argument fails" 1 "$sh" domxml-format
has "naming it" "$tmp/err" "requires <file> option"
expect "help succeeds" 0 "$sh" help
has "help lists domxml-to-native" "$tmp/out" "domxml-to-native"
expect "help of one command" 0 "$sh" help domxml-format
has "shows its options" "$tmp/out" "--inactive"

echo "1..$n"
exit $fail
