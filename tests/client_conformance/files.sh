#!/bin/sh
# tests/client_conformance/files.sh SUITE SOURCE_DIR - the client scenario
# files: every rule id they name is defined in docs/protocol.md, and a
# scenario file with a mistake is refused at load time, naming it.
set -u
suite=$1 src=$2
fails=0
for r in $(grep -oh '"R-[A-Z]*-[0-9]*"' "$src"/scenarios/client/*.jsonc | tr -d '"' | sort -u); do
    grep -q "\[$r\]" "$src/docs/protocol.md" || { echo "FAIL: $r is not a rule of docs/protocol.md"; fails=$((fails + 1)); }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
refused() { # refused TEXT PATTERN
    printf '%s\n' "$1" >"$tmp/s.jsonc"
    out=$("$suite" client --cmd true "$tmp/s.jsonc" 2>&1)
    st=$?
    if [ "$st" -ne 2 ] || ! printf '%s\n' "$out" | grep -q -- "$2"; then
        echo "FAIL: status $st (want 2), no '$2' in: $out"
        fails=$((fails + 1))
    else
        echo "ok: refused: $2"
    fi
}
refused '{"name": "x", "action": "pay", "rules": ["R-PAY-03"], "persnoa": "9001"}' 'unknown key "persnoa"'
refused '{"name": "x", "action": "buy", "rules": ["R-PAY-03"]}' '"action" must be pay, refund, cancel or notify'
refused '{"name": "x", "action": "pay", "rules": ["R-PAY-03"], "fault": "duplicate"}' '"fault" goes with action notify'
refused '{"name": "x", "action": "notify", "rules": ["R-NOTIFY-07"], "fault": "never"}' '"fault" goes with action notify: duplicate or bad_sign'
refused '{"name": "x", "action": "notify", "rules": ["R-NOTIFY-07"], "persona": "9001"}' 'action notify takes no persona'
refused '{"name": "x", "action": "pay"}' '"rules" must name'
refused '{"name": "x", "action": "pay", "rules": ["R-PAY-03"], "persona": "91"}' '"persona" must be'
refused '{"name": "x", "action": "pay", "rules": ["R-PAY-03"], "accept": ["MAYBE"]}' '"accept" holds an unknown outcome'
refused '{"name": "x", "action": "pay", "rules": ["R-PAY-03"], "dialect": "old"}' '"dialect" must be'
refused '{"name": "x", "action": "pay", "rules": ["R-PAY-03"], "arm": [{"method": "pay"}]}' 'with a "fault"'
"$suite" client --list "$src/scenarios/client" >"$tmp/list" || fails=$((fails + 1))
[ "$(wc -l <"$tmp/list")" -ge 40 ] || { echo "FAIL: --list shows $(wc -l <"$tmp/list") scenarios"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ]
