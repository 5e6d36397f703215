#!/usr/bin/env bash
# Run bench/revert-bench.py: latency of a revert to a running snapshot (new GUID verified)
# on genvirtd, the stock libvirtd and raw QEMU (the floor) in one run.
#
#   bash bench/run-revert-bench.sh [revert-bench.py options...]     (as root: starts libvirtd)
#
# Builds genvirtd and genvirsh in build-bench (release; BUILD_DIR overrides) when needed,
# starts libvirtd through /work/shared/scripts/start-libvirtd.sh (or $START_LIBVIRTD),
# starts genvirtd on a temporary --root, runs the benchmark (its qcow2 disks go in the
# temporary root too), stops genvirtd and removes the temporary root.
# BENCH_TMPDIR (default /tmp) is where the temporary root goes.
# Exit status: the benchmark's (0 all targets met, 3 a target missed, 4 a revert failed
# (reported, retried; see README.md), 130 interrupted, other: failure).
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
echo "== ninja -C $build src/daemon/genvirtd tools/genvirsh"
ninja -C "$build" src/daemon/genvirtd tools/genvirsh >/dev/null
genvirtd=$build/src/daemon/genvirtd
genvirsh=$build/tools/genvirsh
[ -x "$genvirtd" ] || { echo "no $genvirtd" >&2; exit 1; }
[ -x "$genvirsh" ] || { echo "no $genvirsh" >&2; exit 1; }

# 2. libvirtd (not needed for --only without libvirtd, but cheap when it already runs).
echo "== starting libvirtd"
bash "$start_libvirtd"
lvpid=$(pgrep -x libvirtd)

# 3. genvirtd on a temporary root.
root=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/genvirt-bench.XXXXXX")
chmod 755 "$root"
gvpid=
pypid=
# kills @pid when it still is a QEMU whose command line names guest=@prefix...
kill_qemu() {
    local qpid=$1 prefix=$2 why=$3
    [ -n "$qpid" ] || return 0
    if tr '\0' ' ' 2>/dev/null <"/proc/$qpid/cmdline" | grep -q "guest=$prefix"; then
        echo "== killing QEMU pid $qpid $why" >&2
        kill -KILL "$qpid" 2>/dev/null || true
    fi
}
cleanup() {
    status=$?
    # the benchmark first: its finally destroys the domains while both daemons still run
    if [ -n "$pypid" ] && kill -0 "$pypid" 2>/dev/null; then
        kill -TERM "$pypid"
        for _ in $(seq 150); do kill -0 "$pypid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pypid" 2>/dev/null && kill -KILL "$pypid"
        wait "$pypid" 2>/dev/null || true
    fi
    if [ -n "$gvpid" ] && kill -0 "$gvpid" 2>/dev/null; then
        kill -TERM "$gvpid"
        for _ in $(seq 50); do kill -0 "$gvpid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$gvpid" 2>/dev/null && kill -KILL "$gvpid"
        wait "$gvpid" 2>/dev/null || true
    fi
    # QEMU outlives genvirtd (its own session): should revert-bench.py have died without
    # destroying its domain, kill the QEMU of every status file left in the root, by pid;
    # and the raw QEMUs it spawned itself (it appends their pids to raw-qemu.pids).
    for st in "$root"/run/genvirt/qemu/*.xml; do
        [ -f "$st" ] || continue
        kill_qemu "$(sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$st")" bench-revert- \
            "left by genvirtd ($st)"
    done
    if [ -f "$root/raw-qemu.pids" ]; then
        while read -r qpid; do
            kill_qemu "$qpid" bench-revert-raw "left by revert-bench.py"
        done <"$root/raw-qemu.pids"
    fi
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && [ "$status" -ne 130 ] && [ -f "$root/genvirtd.log" ]; then
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
echo "== host: $(nproc) CPUs, $(uname -r); $(/usr/bin/qemu-system-x86_64 --version | head -n1)"

# 4. The benchmark (its exit status becomes ours through the EXIT trap).  In the
# background and waited for, so that a TERM to this script reaches the trap at once and
# the cleanup can stop the benchmark, which then destroys its domains itself.
set +e
"$python" "$here/revert-bench.py" \
    --genvirtd-uri "qemu+unix:///system?socket=$sock" \
    --libvirtd-uri "qemu:///system" --genvirsh "$genvirsh" \
    --workdir "$root" --raw-pid-file "$root/raw-qemu.pids" "$@" &
pypid=$!
wait "$pypid"
rc=$?
pypid=
set -e
exit "$rc"
