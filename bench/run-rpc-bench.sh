#!/usr/bin/env bash
# Run bench/rpc-bench.py against genvirtd and the stock libvirtd in one run.
#
#   bash bench/run-rpc-bench.sh [rpc-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd in build-bench (release) when needed, starts libvirtd through
# bench/start-libvirtd.sh (or $START_LIBVIRTD), starts genvirtd on a
# temporary --root, runs the benchmark, stops genvirtd and removes the temporary root.
# BENCH_TMPDIR (default /tmp) is where the temporary root goes; see README.md on why it matters.
# Exit status: the benchmark's (0 all targets met, 3 a target missed, other: failure).
# The shared steps are in lib.sh.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# 1. genvirtd, release build.
bench_build src/daemon/genvirtd

# 2. libvirtd.
bench_start_libvirtd

# 3. genvirtd on a temporary root.
bench_traps
bench_make_root
bench_start_genvirtd ""
bench_banner

# 4. The benchmark (its exit status becomes ours through the EXIT trap).
set +e
"$python" "$here/rpc-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" --genvirtd-pid "$gvpid" \
    --libvirtd-uri "qemu:///system" --libvirtd-pid "$lvpid" "$@"
rc=$?
set -e
exit "$rc"
