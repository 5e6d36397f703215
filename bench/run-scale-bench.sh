#!/usr/bin/env bash
# Run bench/scale-bench.py (10,000 defined domains; 20 clients starting at once)
# against genvirtd and the stock libvirtd in one run.
#
#   bash bench/run-scale-bench.sh [scale-bench.py options...]     (as root)
#
# libvirtd keeps its domains in /etc/libvirt/qemu: the benchmark undefines the ones it
# defined (bench-scale-*) at its end.  It restarts both daemons once; the restarted
# genvirtd's pid is in ROOT/genvirtd.pid, the restarted libvirtd's in ROOT/libvirtd.pid,
# so that the cleanup stops the right processes.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_py_grace=600
bench_kill_leftovers() {
    local r=$1 p
    if [ -f "$r/genvirtd.pid" ]; then
        p=$(cat "$r/genvirtd.pid")
        kill -0 "$p" 2>/dev/null && bench_stop "$p" 50
    fi
    if [ -f "$r/libvirtd.pid" ]; then
        lvpid=$(cat "$r/libvirtd.pid")
    fi
    bench_kill_status_qemus "$r" bench-scale-
}

bench_build src/daemon/genvirtd
bench_start_libvirtd
bench_traps
bench_make_root
bench_start_genvirtd ""
bench_banner qemu
bench_run "$python" "$here/scale-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" --genvirtd-pid "$gvpid" \
    --genvirtd-cmd "$genvirtd --root $root" --root "$root" \
    --libvirtd-uri "qemu:///system" --libvirtd-pid "$lvpid" \
    --libvirtd-pidfile "$root/libvirtd.pid" "$@"
