#!/usr/bin/env bash
# Run bench/stats-bench.py: getAllDomainStats (344) for N running domains and for one,
# genvirtd against the stock libvirtd in one run.
#
#   bash bench/run-stats-bench.sh [stats-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd in build-bench (release) when needed, starts libvirtd through
# bench/start-libvirtd.sh (or $START_LIBVIRTD; stopped again when this run started it),
# starts genvirtd on a temporary --root with GENVIRT_ACCEL (default tcg,
# like the domains given to libvirtd: --accel), runs the benchmark, stops genvirtd, kills
# any bench-stats-* QEMU a failed run left in its status files and removes the root.
# Exit status: the benchmark's.  The shared steps are in lib.sh.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

export GENVIRT_ACCEL=${GENVIRT_ACCEL:-tcg}
bench_py_grace=300
# shellcheck disable=SC2317  # called by the EXIT trap
bench_kill_leftovers() {
    bench_kill_status_qemus "$1" bench-stats-
}

# 1. genvirtd, release build.
bench_build src/daemon/genvirtd

# 2. libvirtd (stopped on exit when this run started it: lib.sh).
bench_start_libvirtd

# 3. genvirtd on a temporary root.
bench_traps
bench_make_root 0755
bench_start_genvirtd ""
bench_banner qemu
echo "== GENVIRT_ACCEL=$GENVIRT_ACCEL"

# 4. The benchmark (its exit status becomes ours through the EXIT trap).
bench_run "$python" "$here/stats-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" \
    --libvirtd-uri "qemu:///system" --accel "$GENVIRT_ACCEL" "$@"
