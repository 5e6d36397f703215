#!/usr/bin/env bash
# Run bench/soak.py on two genvirtds for 30 minutes (not part of CI).
#
#   bash bench/run-soak.sh [--minutes 30] [--workers 4] [soak.py options...]   (as root)
#
# Two genvirtds on temporary roots, migrating to each other over 127.0.0.1; exit status
# soak.py's: 0 when no call failed and no daemon kept descriptors, threads or memory.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

mhost=127.0.0.1
bench_log_names_root=1
bench_py_grace=300
bench_kill_leftovers() {
    bench_kill_status_qemus "$1" bench-soak-
}

bench_build src/daemon/genvirtd
bench_traps
args=()
for i in 1 2; do
    bench_make_root 755
    bench_start_genvirtd "$i" --migration-host "$mhost" --migration-listen "$mhost"
    args+=(--genvirtd-uri "qemu+unix:///system?socket=$sock" --genvirtd-pid "$gvpid")
done
bench_banner qemu
bench_run "$python" "$here/soak.py" "${args[@]}" --workdir "${roots[0]}" "$@"
