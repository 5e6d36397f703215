#!/usr/bin/env bash
# Run bench/migrate-bench.py: live migration time of an idle 128 MiB guest between two
# genvirtd on this host, against raw QEMU migration (the floor), in one run.
#
#   bash bench/run-migrate-bench.sh [migrate-bench.py options...]     (as root)
#
# Builds genvirtd and genvirsh in build-bench (release; BUILD_DIR overrides) when needed,
# starts two genvirtd on two temporary --root directories (both migrating over
# 127.0.0.1: --migration-host and --migration-listen), runs the benchmark (its qcow2
# disks go in the first root), stops both genvirtd and removes the temporary roots.
# libvirtd is not involved: two libvirtd cannot run on one host.
# BENCH_TMPDIR (default /tmp) is where the temporary roots go.
# Exit status: the benchmark's (0 done, 4 a migration failed (reported, retried; see
# README.md), 130 interrupted, other: failure).
# The shared steps are in lib.sh.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

mhost=127.0.0.1
bench_quiet_statuses="0 130"
bench_log_names_root=1
# should migrate-bench.py have died without destroying its domain, its QEMU; and the raw
# QEMUs it spawned itself (it appends their pids to raw-qemu.pids)
# shellcheck disable=SC2317  # called by the EXIT trap
bench_kill_leftovers() {
    bench_kill_status_qemus "$1" bench-migrate-
    bench_kill_raw_qemus "$1" bench-migrate-raw migrate-bench.py
}

# 1. genvirtd, release build.
bench_build src/daemon/genvirtd tools/genvirsh

# 2. Two genvirtd on temporary roots.
bench_traps
uris=()
for i in 1 2; do
    bench_make_root 755
    bench_start_genvirtd "$i" --migration-host "$mhost" --migration-listen "$mhost"
    uris+=(--genvirtd-uri "qemu+unix:///system?socket=$sock")
done
bench_banner qemu

# 3. The benchmark (its exit status becomes ours through the EXIT trap).
# libvirt's client debug log (a few lines per API call) gives genvirtd's time per v3
# phase; BENCH_PHASES=0 leaves it off.
phases=()
if [ "${BENCH_PHASES:-1}" != 0 ]; then
    export LIBVIRT_LOG_OUTPUTS="1:file:${roots[0]}/libvirt-client.log"
    export LIBVIRT_LOG_FILTERS="1:libvirt 4:object 4:util 4:event 4:rpc"
    phases=(--libvirt-log "${roots[0]}/libvirt-client.log")
fi
bench_run "$python" "$here/migrate-bench.py" "${uris[@]}" --genvirsh "$genvirsh" \
    --raw-host "$mhost" --workdir "${roots[0]}" --raw-pid-file "${roots[0]}/raw-qemu.pids" \
    "${phases[@]}" "$@"
