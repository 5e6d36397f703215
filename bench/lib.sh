# What the bench/run-*-bench.sh wrappers share; sourced by them (after set -euo pipefail).
#
# A wrapper: bench_build the targets it needs, bench_start_libvirtd if it compares with
# libvirtd, bench_traps, then bench_make_root + bench_start_genvirtd per genvirtd,
# bench_banner, and finally runs its benchmark (bench_run for one in the background).
# On exit the EXIT trap (bench_cleanup) stops the benchmark, then every genvirtd, then
# per root calls bench_kill_leftovers ROOT (the wrapper's own QEMU kill pattern; nothing
# by default), prints the tail of the genvirtd log unless the exit status is one of
# bench_quiet_statuses, and removes the root.  INT and TERM exit 130.
#
# Environment: BUILD_DIR (default build-bench), START_LIBVIRTD (default the project's
# bench/start-libvirtd.sh), BENCH_TMPDIR (default /tmp).  A libvirtd the run started is
# stopped on exit; one that was running before is left running.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
# shellcheck disable=SC2034  # python and genvirsh: used by the wrappers
python=/usr/bin/python3

# Set by the functions below, read by the wrappers and the cleanup.
genvirtd=$build/src/daemon/genvirtd
# shellcheck disable=SC2034
genvirsh=$build/tools/genvirsh
lvpid=          # libvirtd, when bench_start_libvirtd ran
lvstarted=      # non-empty: bench_start_libvirtd started it (stopped on exit)
root=           # the last root bench_make_root made
roots=()        # every root made, removed on exit
gvpid=          # the last genvirtd bench_start_genvirtd started
gvpids=()       # every genvirtd started, stopped on exit
sock=           # the socket of the last genvirtd
pypid=          # the benchmark while bench_run waits for it

# Settings a wrapper may change after sourcing this file.
bench_quiet_statuses="0 3"   # exit statuses that do not print the genvirtd log tail
bench_log_names_root=        # non-empty: the log tail heading names its root
bench_py_grace=150           # tenths of a second the benchmark gets after TERM
bench_kill_leftovers() { :; }

# 1. Release build of the given targets (paths under $build), e.g. src/daemon/genvirtd.
bench_build() {
    if [ ! -f "$build/build.ninja" ]; then
        echo "== meson setup $build (release)"
        meson setup "$build" "$src" -Dbuildtype=release >/dev/null
    fi
    echo "== ninja -C $build $*"
    ninja -C "$build" "$@" >/dev/null
    local t
    for t in "$@"; do
        [ -x "$build/$t" ] || { echo "no $build/$t" >&2; exit 1; }
    done
}

# 2. libvirtd (the start script does nothing if it already answers).
bench_start_libvirtd() {
    local out
    echo "== starting libvirtd"
    out=$(bash "${START_LIBVIRTD:-$here/start-libvirtd.sh}")
    echo "$out"
    lvpid=$(pgrep -x libvirtd)
    # one this run started is stopped at the end; one that ran before is left alone
    case "${out##*$'\n'}" in started*) lvstarted=1 ;; esac
}

# stops @pid: TERM, up to @ticks tenths of a second, then KILL
bench_stop() {
    local pid=$1 ticks=$2
    kill -TERM "$pid"
    for _ in $(seq "$ticks"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
}

# kills @pid when it still is a QEMU whose command line names guest=@prefix...
kill_qemu() {
    local qpid=$1 prefix=$2 why=$3
    [ -n "$qpid" ] || return 0
    if tr '\0' ' ' 2>/dev/null <"/proc/$qpid/cmdline" | grep -q "guest=$prefix"; then
        echo "== killing QEMU pid $qpid $why" >&2
        kill -KILL "$qpid" 2>/dev/null || true
    fi
}

# QEMU outlives genvirtd (its own session): kills the QEMU of every status file left in
# @root whose guest name starts with @prefix, by pid.
bench_kill_status_qemus() {
    local root=$1 prefix=$2 st
    for st in "$root"/run/genvirt/qemu/*.xml; do
        [ -f "$st" ] || continue
        kill_qemu "$(sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$st")" "$prefix" \
            "left by genvirtd ($st)"
    done
}

# kills the raw QEMUs (guest name starting with @prefix) a benchmark spawned itself and
# appended to @root/raw-qemu.pids; @who names the benchmark.
bench_kill_raw_qemus() {
    local root=$1 prefix=$2 who=$3 qpid
    if [ -f "$root/raw-qemu.pids" ]; then
        while read -r qpid; do
            kill_qemu "$qpid" "$prefix" "left by $who"
        done <"$root/raw-qemu.pids"
    fi
}

bench_cleanup() {
    local status=$? pid r
    # the benchmark first: its finally destroys the domains while the daemons still run
    if [ -n "$pypid" ] && kill -0 "$pypid" 2>/dev/null; then
        bench_stop "$pypid" "$bench_py_grace"
    fi
    for pid in "${gvpids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            bench_stop "$pid" 50
        fi
    done
    for r in "${roots[@]}"; do
        bench_kill_leftovers "$r"
        case " $bench_quiet_statuses " in
        *" $status "*) ;;
        *)
            if [ -f "$r/genvirtd.log" ]; then
                echo "== last lines of the genvirtd log${bench_log_names_root:+ in $r}" >&2
                tail -n 20 "$r/genvirtd.log" >&2
            fi
            ;;
        esac
        rm -rf "$r"
    done
    if [ -n "$lvstarted" ] && [ -n "$lvpid" ] && kill -0 "$lvpid" 2>/dev/null; then
        echo "== stopping the libvirtd this run started (pid $lvpid)"
        bench_stop "$lvpid" 100
        pkill -x virtlogd 2>/dev/null || true
    fi
    exit "$status"
}

bench_traps() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

# 3. A fresh temporary root in $root (added to $roots); @mode, if given, is chmod'ed on it.
# shellcheck disable=SC2120  # the mode is optional
bench_make_root() {
    root=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/genvirt-bench.XXXXXX")
    roots+=("$root")
    if [ $# -gt 0 ]; then
        chmod "$1" "$root"
    fi
}

# starts genvirtd on $root with @args after the first and waits for its socket ($sock);
# @1 numbers it in the messages when several run ("" for none).
bench_start_genvirtd() {
    local n=${1:+ $1}
    shift
    echo "== starting genvirtd$n --root $root${*:+ $*}"
    "$genvirtd" --root "$root" "$@" 2>"$root/genvirtd.log" &
    gvpid=$!
    gvpids+=("$gvpid")
    sock=$root/run/genvirt/genvirt-sock
    for _ in $(seq 100); do
        [ -S "$sock" ] && break
        kill -0 "$gvpid" 2>/dev/null || { echo "genvirtd$n exited" >&2; exit 1; }
        sleep 0.05
    done
    [ -S "$sock" ] || { echo "genvirtd$n did not create $sock" >&2; exit 1; }
}

# the version lines; @1 "qemu" adds QEMU's version to the host line
# shellcheck disable=SC2120  # "qemu" is optional
bench_banner() {
    local pids=pid
    if [ "${#gvpids[@]}" -gt 1 ]; then
        pids=pids
    fi
    echo "== genvirtd $("$genvirtd" --version 2>&1 | head -n1) $pids ${gvpids[*]}${lvpid:+; libvirtd $(libvirtd --version | head -n1) pid $lvpid}"
    echo "== host: $(nproc) CPUs, $(uname -r)${1:+; $(/usr/bin/qemu-system-x86_64 --version | head -n1)}"
}

# 4. Runs the benchmark @args in the background and waits for it, so that a TERM to the
# wrapper reaches the trap at once and the cleanup can stop the benchmark, which then
# destroys its domains itself; its exit status becomes the wrapper's (through the trap).
bench_run() {
    set +e
    "$@" &
    pypid=$!
    wait "$pypid"
    local rc=$?
    pypid=
    set -e
    exit "$rc"
}
