#!/bin/sh
# tests/client_conformance/naive.sh SUITE SOURCE_DIR WORK_DIR - runs the
# client library against examples/naive-pos and checks that it fails
# exactly the scenarios of naive_fails.txt, that each failure names the
# rule it broke (C-...) in TAP and in JUnit: the verdicts can fail.
set -u
suite=$1 src=$2 work=$3
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
mkdir -p "$work"
"$suite" client --cmd "python3 $src/examples/naive-pos/naive_pos.py" -j 8 --tap \
    --junit "$work/naive-junit.xml" "$src/scenarios/client" >"$work/naive.tap" 2>"$work/naive.log"
status=$?
[ "$status" -eq 1 ] || { echo "upay-suite client exited $status, expected 1"; cat "$work/naive.log"; exit 1; }
sed -n 's/^not ok [0-9]* - //p' "$work/naive.tap" | sort >"$work/naive.failed"
grep -v '^#' "$src/tests/client_conformance/naive_fails.txt" | sort >"$work/naive.expected"
if ! diff -u "$work/naive.expected" "$work/naive.failed"; then
    echo "the naive POS failed other scenarios than naive_fails.txt lists (- expected, + actual)"
    exit 1
fi
# Every failure's TAP message and JUnit failure names a rule.
bad=$(grep -c '^  message: "C-' "$work/naive.tap")
want=$(wc -l <"$work/naive.expected")
[ "$bad" -eq "$want" ] || { echo "$bad of $want TAP failures name a C- rule"; exit 1; }
junit=$(grep -c '<failure message="C-' "$work/naive-junit.xml")
[ "$junit" -eq "$want" ] || { echo "$junit of $want JUnit failures name a C- rule"; exit 1; }
echo "naive POS: fails exactly the $want expected scenarios"
