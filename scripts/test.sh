#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test: the gcc build
# (warnings are errors), the same suites under ASan+UBSan, the unit suites
# under valgrind, and a short libFuzzer run of each fuzz target (clang).
# Ends with "N passed, N failed" counting every TAP test case.
# --long: every crash point (tests/integration/crashpoints.py), not a sample.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

for arg in "$@"; do
    case $arg in
    --long) export GENVIRT_TEST_LONG=1 ;;
    *)
        echo "usage: $0 [--long]" >&2
        exit 2
        ;;
    esac
done

bash scripts/install-deps.sh || exit 1

status=0
logs=()
run() { # run NAME CMD...: one stage; its testlog joins the count
    echo "=== $1"
    shift
    "$@" || status=1
}

# 1. gcc, warnings as errors, all suites
bash scripts/build.sh build -Dwerror=true || exit 1
run "tests (gcc)" meson test -C build --num-processes 2 --print-errorlogs
logs+=(build/meson-logs/testlog.json)

# 2. ASan + UBSan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
bash scripts/build.sh build-asan -Dwerror=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug || exit 1
run "tests (ASan+UBSan)" meson test -C build-asan --num-processes 2 --print-errorlogs
logs+=(build-asan/meson-logs/testlog.json)

# 3. valgrind on the unit suites of the gcc build
run "tests (valgrind)" meson test -C build --setup valgrind --suite unit --num-processes 2 \
    --print-errorlogs
logs+=(build/meson-logs/testlog-valgrind.json)

# 4. libFuzzer (clang): each target for a few seconds, from its seed corpus
CC=clang bash scripts/build.sh build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
    -Db_lundef=false || exit 1
fuzzlog=build-fuzz/fuzz-results.txt
: >"$fuzzlog"
for target in build-fuzz/tests/fuzz-*; do
    [ -f "$target" ] && [ -x "$target" ] || continue
    name=$(basename "$target")
    corpus=$(mktemp -d)
    cp "$top"/tests/fuzz/"${name#fuzz-}"/* "$corpus"/ 2>/dev/null || true
    echo "=== libFuzzer $name (20 s)"
    if "$target" -max_total_time=20 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$top/tests/fuzz/crash-" "$corpus" >build-fuzz/"$name".log 2>&1; then
        echo "ok $name" >>"$fuzzlog"
    else
        tail -n 30 build-fuzz/"$name".log
        echo "not ok $name" >>"$fuzzlog"
        status=1
    fi
    rm -rf "$corpus"
done

# The count: every TAP case of every run
/usr/bin/python3 - "$fuzzlog" "${logs[@]}" <<'PY' || status=1
import json, re, sys
passed = failed = 0
fuzz = sys.argv[1]
for line in open(fuzz):
    if line.startswith("ok "): passed += 1
    elif line.startswith("not ok"): failed += 1
for path in sys.argv[2:]:
    try:
        lines = [l for l in open(path) if l.strip()]
    except OSError:
        print(f"missing test log {path}"); failed += 1; continue
    entries = []
    for n, l in enumerate(lines, 1):
        try:
            entries.append(json.loads(l))
        except ValueError:
            # a log rewritten while read (a second meson test on the same build dir)
            print(f"{path}:{n}: not a JSON record, counted as one failure"); failed += 1
    for e in entries:
        out = e.get("stdout") or ""
        ok = len(re.findall(r"^ok ", out, re.M))
        bad = len(re.findall(r"^not ok ", out, re.M))
        if ok + bad == 0 or (e.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and bad == 0):
            # not TAP, or the program died: count the program once
            if e.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"): ok = max(ok, 1)
            else: bad = max(bad, 1)
        passed += ok; failed += bad
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
exit $status
