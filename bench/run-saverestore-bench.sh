#!/usr/bin/env bash
# Run bench/saverestore-bench.py: save and restore latency of a 128 MiB and a 1 GiB
# guest on genvirtd, the stock libvirtd and raw QEMU (genvirtd's command line) in one run.
#
#   bash bench/run-saverestore-bench.sh [saverestore-bench.py options...]   (as root)
#
# Builds genvirtd and genvirsh (domxml-to-native, for the raw command line) in
# build-bench (release; BUILD_DIR overrides) when needed, starts
# libvirtd through bench/start-libvirtd.sh (stopped on exit if this run started it),
# starts genvirtd on a temporary --root (which also holds both daemons' disks and save
# files), stops genvirtd and removes the root.  Exit status: 0 target met, 3 missed.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_kill_leftovers() {
    bench_kill_status_qemus "$1" bench-save-
    bench_kill_raw_qemus "$1" bench-save-raw saverestore-bench.py
}

bench_build src/daemon/genvirtd tools/genvirsh
bench_start_libvirtd
bench_traps
bench_make_root 755
bench_start_genvirtd ""
bench_banner qemu
bench_run "$python" "$here/saverestore-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" --libvirtd-uri "qemu:///system" \
    --genvirsh "$genvirsh" --workdir "$root" --raw-pid-file "$root/raw-qemu.pids" "$@"
