#!/usr/bin/env bash
# Run bench/start-bench.py: start-to-running latency of genvirtd, the stock libvirtd and
# raw QEMU (the floor) in one run.
#
#   bash bench/run-start-bench.sh [start-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd and genvirsh in build-bench (release) when needed, starts libvirtd through
# bench/start-libvirtd.sh (or $START_LIBVIRTD), starts genvirtd on a
# temporary --root, runs the benchmark, stops genvirtd and removes the temporary root.
# BENCH_TMPDIR (default /tmp) is where the temporary root goes; see README.md on why it matters.
# Exit status: the benchmark's (0 all targets met, 3 a target missed, other: failure).
# The shared steps are in lib.sh.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_py_grace=100
# should start-bench.py have died without destroying its domain, its QEMU
# shellcheck disable=SC2317  # called by the EXIT trap
bench_kill_leftovers() {
    bench_kill_status_qemus "$1" bench-start-
}

# 1. genvirtd, release build.
bench_build src/daemon/genvirtd tools/genvirsh

# 2. libvirtd.
bench_start_libvirtd

# 3. genvirtd on a temporary root.
bench_traps
bench_make_root
bench_start_genvirtd ""
bench_banner qemu

# 4. The benchmark (its exit status becomes ours through the EXIT trap).
bench_run "$python" "$here/start-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" \
    --libvirtd-uri "qemu:///system" --genvirsh "$genvirsh" "$@"
