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
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
python=/usr/bin/python3
mhost=127.0.0.1

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

# 2. Two genvirtd on temporary roots.
roots=()
gvpids=()
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
    # the benchmark first: its finally destroys the domain while both daemons still run
    if [ -n "$pypid" ] && kill -0 "$pypid" 2>/dev/null; then
        kill -TERM "$pypid"
        for _ in $(seq 150); do kill -0 "$pypid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pypid" 2>/dev/null && kill -KILL "$pypid"
        wait "$pypid" 2>/dev/null || true
    fi
    for gvpid in "${gvpids[@]}"; do
        if kill -0 "$gvpid" 2>/dev/null; then
            kill -TERM "$gvpid"
            for _ in $(seq 50); do kill -0 "$gvpid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$gvpid" 2>/dev/null && kill -KILL "$gvpid"
            wait "$gvpid" 2>/dev/null || true
        fi
    done
    # QEMU outlives genvirtd (its own session): should migrate-bench.py have died without
    # destroying its domain, kill the QEMU of every status file left in a root, by pid;
    # and the raw QEMUs it spawned itself (it appends their pids to raw-qemu.pids).
    for root in "${roots[@]}"; do
        for st in "$root"/run/genvirt/qemu/*.xml; do
            [ -f "$st" ] || continue
            kill_qemu "$(sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$st")" \
                bench-migrate- "left by genvirtd ($st)"
        done
        if [ -f "$root/raw-qemu.pids" ]; then
            while read -r qpid; do
                kill_qemu "$qpid" bench-migrate-raw "left by migrate-bench.py"
            done <"$root/raw-qemu.pids"
        fi
        if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ -f "$root/genvirtd.log" ]; then
            echo "== last lines of the genvirtd log in $root" >&2
            tail -n 20 "$root/genvirtd.log" >&2
        fi
        rm -rf "$root"
    done
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

uris=()
for i in 1 2; do
    root=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/genvirt-bench.XXXXXX")
    chmod 755 "$root"
    roots+=("$root")
    echo "== starting genvirtd $i --root $root --migration-host $mhost --migration-listen $mhost"
    "$genvirtd" --root "$root" --migration-host "$mhost" --migration-listen "$mhost" \
        2>"$root/genvirtd.log" &
    gvpid=$!
    gvpids+=("$gvpid")
    sock=$root/run/genvirt/genvirt-sock
    for _ in $(seq 100); do
        [ -S "$sock" ] && break
        kill -0 "$gvpid" 2>/dev/null || { echo "genvirtd $i exited" >&2; exit 1; }
        sleep 0.05
    done
    [ -S "$sock" ] || { echo "genvirtd $i did not create $sock" >&2; exit 1; }
    uris+=(--genvirtd-uri "qemu+unix:///system?socket=$sock")
done

echo "== genvirtd $("$genvirtd" --version 2>&1 | head -n1) pids ${gvpids[*]}"
echo "== host: $(nproc) CPUs, $(uname -r); $(/usr/bin/qemu-system-x86_64 --version | head -n1)"

# 3. The benchmark (its exit status becomes ours through the EXIT trap).  In the
# background and waited for, so that a TERM to this script reaches the trap at once and
# the cleanup can stop the benchmark, which then destroys its domain itself.
# libvirt's client debug log (a few lines per API call) gives genvirtd's time per v3
# phase; BENCH_PHASES=0 leaves it off.
phases=()
if [ "${BENCH_PHASES:-1}" != 0 ]; then
    export LIBVIRT_LOG_OUTPUTS="1:file:${roots[0]}/libvirt-client.log"
    export LIBVIRT_LOG_FILTERS="1:libvirt 4:object 4:util 4:event 4:rpc"
    phases=(--libvirt-log "${roots[0]}/libvirt-client.log")
fi
set +e
"$python" "$here/migrate-bench.py" "${uris[@]}" --genvirsh "$genvirsh" \
    --raw-host "$mhost" --workdir "${roots[0]}" --raw-pid-file "${roots[0]}/raw-qemu.pids" \
    "${phases[@]}" "$@" &
pypid=$!
wait "$pypid"
rc=$?
pypid=
set -e
exit "$rc"
