#!/usr/bin/env bash
# Run bench/host-bench.py against genvirtd and the stock libvirtd in one run.
#
#   bash bench/run-host-bench.sh [host-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd in build-bench (release) when needed, starts libvirtd through
# bench/start-libvirtd.sh (or $START_LIBVIRTD), starts genvirtd on a
# temporary --root, runs the benchmark, stops genvirtd and removes the temporary root.
# libvirtd is left running (stop it with: pkill libvirtd; pkill virtlogd).
# The shared steps are in lib.sh.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_build src/daemon/genvirtd
bench_start_libvirtd
bench_traps
bench_make_root
bench_start_genvirtd ""
bench_banner qemu

bench_run "$python" "$here/host-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" --libvirtd-uri "qemu:///system" "$@"
