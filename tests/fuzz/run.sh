#!/bin/sh
# tests/fuzz/run.sh [SECONDS] - build the libFuzzer targets with clang
# (-fsanitize=fuzzer,address,undefined) and run each for SECONDS (default 60)
# from its seed corpus. Fails when any target finds a crash, a leak, UB, a
# timeout or an oracle failure; the input that did it is kept in
# $BUILD/fuzz-work/<target>/artifacts/.
#
# Environment: UPAY_FUZZ_RUNS=N runs exactly N inputs per target instead of
# SECONDS, from UPAY_FUZZ_SEED (default 1): a reproducible run, as CI uses, so
# CI cannot fail at random on a run that passed here.
# UPAY_FUZZ_BUILD (build dir, default <root>/build-fuzz),
# UPAY_FUZZ_TARGETS (default: all five), UPAY_FUZZ_JOBS (default 2),
# UPAY_FUZZ_KEEP=1 keeps the grown corpora of an earlier run.
set -eu

secs=${1:-60}
case $secs in *[!0-9]*|'') echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
command -v clang >/dev/null 2>&1 || { echo "$0: needs clang (apt-get install clang)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${UPAY_FUZZ_BUILD:-$root/build-fuzz}
targets=${UPAY_FUZZ_TARGETS:-"form response refund_list scenario gateway"}
jobs=${UPAY_FUZZ_JOBS:-2}

# Until the root CMakeLists.txt adds tests/fuzz, add it from outside.
if grep -q 'tests/fuzz' "$root/CMakeLists.txt"; then
  include=-UCMAKE_PROJECT_INCLUDE
else
  include=-DCMAKE_PROJECT_INCLUDE=$root/tests/fuzz/standalone.cmake
fi
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DUPAY_FUZZ=ON -DUPAY_BUILD_TESTS=OFF "$include" >"$build.configure.log" 2>&1 \
  || { cat "$build.configure.log" >&2; exit 1; }
for t in $targets; do
  cmake --build "$build" -j "$jobs" --target "fuzz_$t" >"$build.build.log" 2>&1 \
    || { tail -40 "$build.build.log" >&2; exit 1; }
done

failed=""
for t in $targets; do
  work=$build/fuzz-work/$t
  [ "${UPAY_FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  case $t in
    form|gateway) dict=$root/tests/fuzz/gateway.dict ;;
    *) dict=$root/tests/fuzz/json.dict ;;
  esac
  set +e
  if [ -n "${UPAY_FUZZ_RUNS:-}" ]; then
    budget="-runs=$UPAY_FUZZ_RUNS -seed=${UPAY_FUZZ_SEED:-1}"
    how="from seed ${UPAY_FUZZ_SEED:-1}"
  else
    budget="-max_total_time=$secs"
    how="in ${secs}s"
  fi
  # shellcheck disable=SC2086
  "$build/fuzz/fuzz_$t" $budget -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -dict="$dict" \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$root/tests/fuzz/corpus/$t" \
    >"$work/log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1)
  if [ $rc -ne 0 ]; then
    echo "fuzz_$t: FAILED (exit $rc) after ${execs:-?} runs; log $work/log" >&2
    grep -E 'ERROR|oracle failed|SUMMARY|Test unit written' "$work/log" | head -20 >&2
    failed="$failed $t"
  else
    echo "fuzz_$t: ok, ${execs:-?} runs $how, ${cov:-cov: ?}, corpus $(ls "$work/corpus" | wc -l) inputs"
  fi
done
[ -z "$failed" ] || { echo "fuzzing failed:$failed" >&2; exit 1; }
