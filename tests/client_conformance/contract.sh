#!/bin/sh
# tests/client_conformance/contract.sh SUITE SOURCE_DIR - programs that
# break the contract fail with C-CONTRACT naming why: a non-zero exit, no
# JSON last line, an outcome that is not one of the eight, running past the
# limit. A program that lies about the outcome fails C-OUTCOME. One that
# keeps to it passes.
set -u
suite=$1 src=$2
file="$src/tests/client_conformance/contract.jsonc"
fails=0
expect() { # expect STATUS PATTERN COMMAND
    out=$("$suite" client --cmd "$3" "$file" 2>&1)
    st=$?
    if [ "$st" -ne "$1" ] || ! printf '%s\n' "$out" | grep -q -- "$2"; then
        echo "FAIL: --cmd '$3': status $st (want $1), output lacks '$2':"
        printf '%s\n' "$out" | sed 's/^/    /'
        fails=$((fails + 1))
    else
        echo "ok: --cmd '$3': $2"
    fi
}
expect 1 'C-CONTRACT: the program exited with status 3' 'echo "{\"outcome\":\"PAID\"}"; exit 3'
expect 1 'C-CONTRACT: the last line on standard output is not a JSON object' 'echo paid'
expect 1 'C-CONTRACT: the last line on standard output is not a JSON object: "(no output)"' 'true'
expect 1 'C-CONTRACT: the last line has no valid "outcome"' 'echo "{\"outcome\":\"MAYBE\"}"'
expect 1 'C-CONTRACT: the program ran past' 'sleep 30; echo "{\"outcome\":\"UNKNOWN\"}"'
expect 1 'C-OUTCOME: the program says NOT_PAID; the mock holds 1 order(s): 1 paid' \
    "python3 $src/examples/naive-pos/naive_pos.py >/dev/null; echo '{\"outcome\":\"NOT_PAID\"}'"
expect 1 'C-TRUST: the program says PAID, but no answer it received said paid' \
    'echo "{\"outcome\":\"PAID\"}"'
expect 0 '1 passed, 0 failed' "$src/examples/naive-pos/naive_pos.py"
[ "$fails" -eq 0 ]
