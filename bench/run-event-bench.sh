#!/usr/bin/env bash
# Run bench/event-bench.py: event delivery latency and fan-out to 100 connected clients,
# genvirtd against the stock libvirtd in one run.
#
#   bash bench/run-event-bench.sh [event-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd in build-bench (release) when needed, starts libvirtd (lib.sh), starts
# genvirtd on a temporary --root, runs the benchmark, stops genvirtd and removes the root.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2317  # called by the EXIT trap
bench_kill_leftovers() {
    bench_kill_status_qemus "$1" bench-ev-
}

bench_build src/daemon/genvirtd tools/genvirsh
bench_start_libvirtd
bench_traps
bench_make_root
bench_start_genvirtd ""
bench_banner qemu
bench_run "$python" "$here/event-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" --libvirtd-uri "qemu:///system" "$@"
