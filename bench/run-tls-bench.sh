#!/usr/bin/env bash
# RPC throughput over TLS, genvirtd against the stock libvirtd over TLS, and p2p migration
# time over TLS (--tls) against plain TCP, in one run.
#
#   bash bench/run-tls-bench.sh [rpc-bench.py options...]          (as root)
#
# Everything runs in a network namespace of its own (gvtlsbench-PID, loopback only, with
# /etc/netns/NS/hosts naming 127.0.0.1 gvbench.test), so no port of this host is used:
# - a PKI made with certtool (tests/remote/gvpki.py): a CA, a host certificate for
#   gvbench.test, a client certificate;
# - libvirtd with a scratch libvirtd.conf (listen_tls, auth_tls none, port 16514) and a
#   scratch qemu.conf, in a private mount namespace: /etc/libvirt is a scratch directory
#   and /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt are tmpfs, so
#   it shares nothing with a libvirtd other tools may run; it is stopped (by pid) at the end;
# - genvirtd on a temporary root with listen_tls on port 16515 (and a second one on 16516
#   for the migrations);
# - bench/rpc-bench.py with both URIs qemu+tls://gvbench.test:PORT/system?pkipath=...
#   (define, dumpxml, list, undefine; ratios; target 2x on define and dumpxml);
# - bench/tls-migrate-bench.py between the two genvirtd.
# Exit status: rpc-bench.py's (0 all targets met, 3 a target missed), or the first failure.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "run-tls-bench.sh needs root (network and mount namespaces)" >&2; exit 1; }
bench_build src/daemon/genvirtd

# libvirtd and its qemu driver, as bench/start-libvirtd.sh installs them
if ! command -v libvirtd >/dev/null; then
    echo "== installing libvirt-daemon"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -q libvirt-daemon libvirt-daemon-driver-qemu >/dev/null
fi
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt libvirt-qemu
mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt

ns=gvtlsbench-$$
scratch=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/genvirt-tlsbench.XXXXXX")
chmod 0700 "$scratch"
bench_kill_leftovers() { bench_kill_status_qemus "$1" bench-; }
tls_cleanup() {
    local status=$? pid r
    set +e
    for pid in "${gvpids[@]}"; do
        kill -0 "$pid" 2>/dev/null && bench_stop "$pid" 50
    done
    for r in "${roots[@]}"; do
        bench_kill_leftovers "$r"
        if [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && [ -f "$r/genvirtd.log" ]; then
            echo "== last lines of the genvirtd log in $r" >&2
            tail -n 20 "$r/genvirtd.log" >&2
        fi
        rm -rf "$r"
    done
    if [ -n "$lvpid" ] && kill -0 "$lvpid" 2>/dev/null; then
        echo "== stopping libvirtd pid $lvpid"
        bench_stop "$lvpid" 100
    fi
    ip netns del "$ns" 2>/dev/null
    rm -rf "/etc/netns/$ns" "$scratch"
    exit "$status"
}
trap tls_cleanup EXIT
trap 'exit 130' INT TERM

echo "== network namespace $ns"
ip netns add "$ns"
ip -n "$ns" link set lo up
mkdir -p "/etc/netns/$ns"
printf '127.0.0.1 localhost gvbench.test\n' >"/etc/netns/$ns/hosts"
inns() { ip netns exec "$ns" "$@"; }

echo "== certificates (certtool)"
"$python" - "$scratch" "$src/tests/remote" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import gvpki
ca = gvpki.Authority(sys.argv[1], 'bench CA')
host = ca.issue('host', cn='gvbench.test', dns=['gvbench.test'], ip=['127.0.0.1'],
                server=True, client=True)
client = ca.issue('client', cn='bench-client', client=True)
host.install_server(sys.argv[1] + '/libvirtd')
open(sys.argv[1] + '/pkipath', 'w').write(client.pkipath())
for r in ('gv1', 'gv2'):
    host.install_server(sys.argv[1] + '/' + r)
    host.install_client(sys.argv[1] + '/' + r)
    host.install_qemu(sys.argv[1] + '/' + r)
PY
pki=$(cat "$scratch/pkipath")

echo "== libvirtd with listen_tls (scratch config, private mounts)"
lv=$scratch/libvirtd
mkdir -p "$lv/etc-libvirt/qemu"
cat >"$lv/libvirtd.conf" <<EOF2
listen_tls = 1
listen_tcp = 0
tls_port = "16514"
auth_tls = "none"
key_file = "$lv/etc/pki/libvirt/private/serverkey.pem"
cert_file = "$lv/etc/pki/libvirt/servercert.pem"
ca_file = "$lv/etc/pki/CA/cacert.pem"
log_outputs = "3:file:$lv/libvirtd.log"
EOF2
printf 'user = "root"\ngroup = "root"\ndynamic_ownership = 0\nsecurity_driver = "none"\n' \
    >"$lv/etc-libvirt/qemu.conf"
inns unshare -m --propagation private sh -c "
    mount --bind '$lv/etc-libvirt' /etc/libvirt &&
    for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
        mount -t tmpfs tmpfs \$d || exit 1
    done &&
    exec libvirtd -f '$lv/libvirtd.conf' --listen -p '$lv/libvirtd.pid'" \
    >"$lv/stdout.log" 2>&1 &
lvwrap=$!
lvuri="qemu+tls://gvbench.test:16514/system?pkipath=$pki"
for _ in $(seq 300); do
    # ip netns exec forks: libvirtd's own pid is in its pid file
    [ -z "$lvpid" ] && [ -s "$lv/libvirtd.pid" ] && lvpid=$(cat "$lv/libvirtd.pid")
    [ -n "$lvpid" ] && inns virsh -c "$lvuri" version >/dev/null 2>&1 && break
    kill -0 "$lvwrap" 2>/dev/null || { echo "libvirtd exited" >&2; cat "$lv/stdout.log" >&2; exit 1; }
    sleep 0.1
done
inns virsh -c "$lvuri" version >/dev/null || { echo "libvirtd does not answer over TLS" >&2; exit 1; }

echo "== genvirtd (two, TLS on 16515 and 16516)"
start_gv() { # start_gv ROOTNAME PORT
    bench_make_root 0700
    cp -a "$scratch/$1/etc" "$root/"
    mkdir -p "$root/etc/genvirt"
    printf 'listen_tls = 1\ntls_port = %s\n' "$2" >"$root/etc/genvirt/genvirtd.conf"
    echo "== starting genvirtd --root $root (TLS port $2)"
    inns "$genvirtd" --root "$root" --migration-host gvbench.test \
        2>"$root/genvirtd.log" &
    local wrap=$!
    gvpid=
    for _ in $(seq 100); do
        # ip netns exec forks: the daemon is the process with this --root
        [ -z "$gvpid" ] && gvpid=$(pgrep -n -f -x "$genvirtd --root $root --migration-host gvbench.test" || true)
        [ -n "$gvpid" ] && [ -S "$root/run/genvirt/genvirt-sock" ] && break
        kill -0 "$wrap" 2>/dev/null || { echo "genvirtd exited" >&2; cat "$root/genvirtd.log" >&2; exit 1; }
        sleep 0.05
    done
    [ -n "$gvpid" ] || { echo "no genvirtd process for $root" >&2; exit 1; }
    gvpids+=("$gvpid")
}
start_gv gv1 16515
gv1pid=$gvpid
start_gv gv2 16516
bench_banner

gvuri="qemu+tls://gvbench.test:16515/system?pkipath=$pki"
set +e
inns "$python" "$here/rpc-bench.py" --genvirtd-uri "$gvuri" --genvirtd-pid "$gv1pid" \
    --libvirtd-uri "$lvuri" --libvirtd-pid "$lvpid" "$@"
rc=$?
set -e
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || exit "$rc"
inns "$python" "$here/tls-migrate-bench.py" --workdir "$scratch" \
    --a-uri "$gvuri" --b-uri "qemu+tls://gvbench.test:16516/system?pkipath=$pki" \
    --a-dest "qemu+tls://gvbench.test:16515/system" --b-dest "qemu+tls://gvbench.test:16516/system"
exit "$rc"
