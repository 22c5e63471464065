#!/bin/sh
# check_readme_tour.sh SOURCE_DIR BIN_DIR - runs the README's "Five minutes
# with the mock" as written, in order, against a fresh upay-mock on a free
# port (in place of ./upay mock on 8080): every command must succeed and
# none may answer an error.
set -eu
src=$1 bin=$2
. "$(dirname "$0")/helpers.sh"
tmp=$(mktemp -d)
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
start_mock "$bin/upay-mock"

# The tour's ```sh blocks, one command a line (continuations joined).
awk '/^## Five minutes with the mock/ { on = 1; next }
     on && /^## / { exit }
     on && /^```sh/ { code = 1; next }
     on && /^```/ { code = 0; next }
     code { if (sub(/\\$/, "")) { acc = acc $0; next } print acc $0; acc = "" }' \
    "$src/README.md" >"$tmp/tour.txt"
[ "$(wc -l <"$tmp/tour.txt")" -ge 4 ] || { echo "FAIL: tour not found in README.md" >&2; exit 1; }

cd "$tmp"
n=0
while IFS= read -r cmd; do
    case "$cmd" in
    ./upay\ mock*) continue ;;   # started above, on a free port
    esac
    cmd=$(printf '%s\n' "$cmd" | sed -e "s|http://127.0.0.1:8080|$mock_url|g" -e "s|build/bin/|$bin/|g")
    n=$((n + 1))
    if ! sh -c "$cmd" >"$tmp/out.txt" 2>&1 </dev/null; then
        cat "$tmp/out.txt" >&2
        echo "FAIL: tour command failed: $cmd" >&2
        exit 1
    fi
    if grep -q '"error"' "$tmp/out.txt"; then
        cat "$tmp/out.txt" >&2
        echo "FAIL: tour command answered an error: $cmd" >&2
        exit 1
    fi
    echo "ok: $cmd"
done <"$tmp/tour.txt"
echo "ok: the README's tour ran $n commands"
