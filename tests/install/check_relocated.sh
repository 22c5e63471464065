#!/bin/sh
# check_relocated.sh SOURCE_DIR - the install works without the source tree
# and from wherever the prefix is moved to. Copies the sources, builds and
# installs them (tests off), deletes the copy and its build, moves the
# prefix, then runs what was installed:
#   - the programs start with no LD_LIBRARY_PATH (RPATH $ORIGIN/../lib);
#   - upay-pay takes a payment from the installed upay-mock;
#   - upay-suite runs the installed scenario library, share/upay/scenarios;
#   - a program built with find_package(upay CONFIG) and upay::upay runs.
set -eu
src=$1
. "$(dirname "$0")/helpers.sh"
tmp=$(mktemp -d)
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
for part in CMakeLists.txt cmake include lib server suite examples tools scenarios tests; do
    [ -e "$src/$part" ] && cp -R "$src/$part" "$tmp/src/"
done
cmake -S "$tmp/src" -B "$tmp/build" -DUPAY_BUILD_TESTS=OFF >/dev/null
cmake --build "$tmp/build" -j 2 >/dev/null
cmake --install "$tmp/build" --prefix "$tmp/prefix" >/dev/null
cp -R "$src/tests/install" "$tmp/consumer"
rm -rf "$tmp/src" "$tmp/build"
mv "$tmp/prefix" "$tmp/moved"
p=$tmp/moved
unset LD_LIBRARY_PATH
mkdir "$tmp/cwd"
cd "$tmp/cwd"

ldd "$p/bin/upay-pay" | grep -q "libupay.so.0 => $p/" ||
    { echo "FAIL: upay-pay does not find the moved prefix's libupay:" >&2; ldd "$p/bin/upay-pay" >&2; exit 1; }

start_mock "$p/bin/upay-mock"
pay_once "$p/bin/upay-pay" installed

[ -f "$p/share/upay/scenarios/$(cd "$src/scenarios" && find . -name '*.json' | head -n 1)" ] ||
    { echo "FAIL: scenarios not installed under share/upay/scenarios" >&2; exit 1; }
"$p/bin/upay-suite" --junit "$tmp/junit.xml" "$p/share/upay/scenarios" >"$tmp/suite.txt" ||
    { tail -n 30 "$tmp/suite.txt" >&2; echo "FAIL: installed upay-suite on the installed scenarios" >&2; exit 1; }
grep -q "<testsuite" "$tmp/junit.xml"
echo "ok: installed upay-suite ran $p/share/upay/scenarios"

# With no path, the installed suite must find share/upay/scenarios from its
# own location (UPAY_SUITE_SCENARIOS_RELATIVE, docs/install.md), from a
# folder with no scenarios/ of its own.
(cd "$tmp" && "$p/bin/upay-suite" >"$tmp/suite-default.txt") ||
    { tail -n 30 "$tmp/suite-default.txt" >&2; echo "FAIL: installed upay-suite with no path" >&2; exit 1; }
grep -q "passed" "$tmp/suite-default.txt"
echo "ok: installed upay-suite found its scenarios with no path"

cmake -S "$tmp/consumer/find_package" -B "$tmp/consumer-build" -DCMAKE_PREFIX_PATH="$p" >/dev/null
cmake --build "$tmp/consumer-build" >/dev/null
"$tmp/consumer-build/uses_upay"
echo "ok: a program built with find_package(upay CONFIG) and upay::upay runs"
