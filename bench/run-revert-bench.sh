#!/usr/bin/env bash
# Run bench/revert-bench.py: latency of a revert to a running snapshot (new GUID verified)
# on genvirtd, the stock libvirtd and raw QEMU (the floor) in one run.
#
#   bash bench/run-revert-bench.sh [revert-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd and genvirsh in build-bench (release; BUILD_DIR overrides) when needed,
# starts libvirtd through bench/start-libvirtd.sh (or $START_LIBVIRTD),
# starts genvirtd on a temporary --root, runs the benchmark (its qcow2 disks go in the
# temporary root too), stops genvirtd and removes the temporary root.
# BENCH_TMPDIR (default /tmp) is where the temporary root goes.
# Exit status: the benchmark's (0 all targets met, 3 a target missed, 4 a revert failed
# (reported, retried; see README.md), 130 interrupted, other: failure).
# The shared steps are in lib.sh.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_quiet_statuses="0 3 130"
# should revert-bench.py have died without destroying its domain, its QEMU; and the raw
# QEMUs it spawned itself (it appends their pids to raw-qemu.pids)
# shellcheck disable=SC2317  # called by the EXIT trap
bench_kill_leftovers() {
    bench_kill_status_qemus "$1" bench-revert-
    bench_kill_raw_qemus "$1" bench-revert-raw revert-bench.py
}

# 1. genvirtd, release build.
bench_build src/daemon/genvirtd tools/genvirsh

# 2. libvirtd (not needed for --only without libvirtd, but cheap when it already runs).
bench_start_libvirtd

# 3. genvirtd on a temporary root.
bench_traps
bench_make_root 755
bench_start_genvirtd ""
bench_banner qemu

# 4. The benchmark (its exit status becomes ours through the EXIT trap).
bench_run "$python" "$here/revert-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" \
    --libvirtd-uri "qemu:///system" --genvirsh "$genvirsh" \
    --workdir "$root" --raw-pid-file "$root/raw-qemu.pids" "$@"
