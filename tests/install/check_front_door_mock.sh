#!/bin/sh
# check_front_door_mock.sh SOURCE_DIR BIN_DIR - `./upay mock` prints only the
# mock's listening line on stdout, so a script can read the URL from it.
# Runs a copy of the front-door script in a scratch tree whose install-deps
# and cmake are stand-ins that chatter on stdout as the real ones do (the real
# build would rebuild this very tree), with build/bin/upay-mock the real one.
set -eu
src=$1 bin=$2
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tree/scripts" "$tmp/tree/build/bin" "$tmp/path"
cp "$src/upay" "$tmp/tree/upay"
ln -s "$bin/upay-mock" "$tmp/tree/build/bin/upay-mock"
for fake in "$tmp/tree/scripts/install-deps" "$tmp/path/cmake"; do
    printf '#!/bin/sh\necho "noise from %s $*"\n' "$(basename "$fake")" >"$fake"
    chmod +x "$fake"
done

mkfifo "$tmp/out"
PATH="$tmp/path:$PATH" "$tmp/tree/upay" mock --listen 127.0.0.1:0 --quiet \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
# The first line on stdout must be the listening line (a hang is the ctest timeout).
IFS= read -r line <"$tmp/out" || line="(stdout closed)"
case "$line" in
"upay-mock listening on http://127.0.0.1:"[0-9]*) ;;
*)
    echo "FAIL: first stdout line of ./upay mock: $line" >&2
    exit 1
    ;;
esac
grep -q "noise from cmake" "$tmp/err" || { echo "FAIL: build output lost, not on stderr" >&2; exit 1; }
echo "ok: ./upay mock printed only: $line"
