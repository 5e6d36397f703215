#!/usr/bin/env bash
# Run bench/rpc-bench.py against genvirtd and the stock libvirtd in one run.
#
#   bash bench/run-rpc-bench.sh [rpc-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd in build-bench (release) when needed, starts libvirtd through
# /work/shared/scripts/start-libvirtd.sh (or $START_LIBVIRTD), starts genvirtd on a
# temporary --root, runs the benchmark, stops genvirtd and removes the temporary root.
# BENCH_TMPDIR (default /tmp) is where the temporary root goes; see README.md on why it matters.
# Exit status: the benchmark's (0 all targets met, 3 a target missed, other: failure).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
start_libvirtd=${START_LIBVIRTD:-/work/shared/scripts/start-libvirtd.sh}
python=/usr/bin/python3

# 1. genvirtd, release build.
if [ ! -f "$build/build.ninja" ]; then
    echo "== meson setup $build (release)"
    meson setup "$build" "$src" -Dbuildtype=release >/dev/null
fi
echo "== ninja -C $build src/daemon/genvirtd"
ninja -C "$build" src/daemon/genvirtd >/dev/null
genvirtd=$build/src/daemon/genvirtd
[ -x "$genvirtd" ] || { echo "no $genvirtd" >&2; exit 1; }

# 2. libvirtd.
echo "== starting libvirtd"
bash "$start_libvirtd"
lvpid=$(pgrep -x libvirtd)

# 3. genvirtd on a temporary root.
root=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/genvirt-bench.XXXXXX")
gvpid=
cleanup() {
    status=$?
    if [ -n "$gvpid" ] && kill -0 "$gvpid" 2>/dev/null; then
        kill -TERM "$gvpid"
        for _ in $(seq 50); do kill -0 "$gvpid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$gvpid" 2>/dev/null && kill -KILL "$gvpid"
        wait "$gvpid" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && [ -f "$root/genvirtd.log" ]; then
        echo "== last lines of the genvirtd log" >&2
        tail -n 20 "$root/genvirtd.log" >&2
    fi
    rm -rf "$root"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== starting genvirtd --root $root"
"$genvirtd" --root "$root" 2>"$root/genvirtd.log" &
gvpid=$!
sock=$root/run/genvirt/genvirt-sock
for _ in $(seq 100); do
    [ -S "$sock" ] && break
    kill -0 "$gvpid" 2>/dev/null || { echo "genvirtd exited" >&2; exit 1; }
    sleep 0.05
done
[ -S "$sock" ] || { echo "genvirtd did not create $sock" >&2; exit 1; }

echo "== genvirtd $("$genvirtd" --version 2>&1 | head -n1) pid $gvpid; libvirtd $(libvirtd --version | head -n1) pid $lvpid"
echo "== host: $(nproc) CPUs, $(uname -r)"

# 4. The benchmark (its exit status becomes ours through the EXIT trap).
set +e
"$python" "$here/rpc-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" --genvirtd-pid "$gvpid" \
    --libvirtd-uri "qemu:///system" --libvirtd-pid "$lvpid" "$@"
rc=$?
set -e
exit "$rc"
