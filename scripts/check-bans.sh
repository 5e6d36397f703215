#!/usr/bin/env bash
# Mechanical style checks (STYLE.md): banned C functions and string
# comparisons, as a TAP test.  Usage: check-bans.sh SOURCE_ROOT
set -u
root=${1:-.}
cd "$root" || exit 1
files=$(git ls-files -- 'src/*.[ch]' 'tools/*.[ch]' 'tests/*.[ch]' ':!tests/*/cases.h' 2>/dev/null)
[ -n "$files" ] || files=$(find src tools tests -name '*.[ch]')
n=0
fail=0
check() {
    local desc=$1 pattern=$2 hits
    n=$((n + 1))
    # shellcheck disable=SC2086
    hits=$(grep -nE "$pattern" $files | grep -v 'check-bans: allow' || true)
    if [ -n "$hits" ]; then
        echo "not ok $n - $desc"
        printf '%s\n' "$hits" | sed 's/^/# /'
        fail=1
    else
        echo "ok $n - $desc"
    fi
}
echo "TAP version 13"
echo "1..5"
check "no unbounded string functions (sprintf strcpy strcat strncpy)" '(^|[^_[:alnum:]])(sprintf|vsprintf|strcpy|strcat|strncpy)[[:space:]]*\('
check "no atoi/strtol (use g_ascii_string_to_*)" '(^|[^_[:alnum:]])(atoi|atol|strtol|strtoul|strtoll|strtoull)[[:space:]]*\('
check "no malloc/free/strdup (use GLib)" '(^|[^_[:alnum:]>.])(malloc|calloc|realloc|free|strdup|strndup)[[:space:]]*\('
check "no strcmp() == 0 (use g_str_equal)" 'strcmp[[:space:]]*\([^)]*\)[[:space:]]*[!=]=[[:space:]]*0'
n=$((n + 1))
if command -v clang-format >/dev/null; then
    # shellcheck disable=SC2086
    if out=$(clang-format --dry-run --Werror $files 2>&1); then
        echo "ok $n - clang-format leaves every file as it is"
    else
        echo "not ok $n - clang-format would change files (run clang-format -i on them)"
        printf '%s\n' "$out" | grep 'error:' | head -n 20 | sed 's/^/# /'
        fail=1
    fi
else
    echo "ok $n # SKIP clang-format is not installed"
fi
exit $fail
