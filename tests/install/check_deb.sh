#!/bin/sh
# check_deb.sh BUILD_DIR - `cpack -G DEB` makes a package that depends on
# Debian's own library packages and whose programs run straight from it:
# unpacked with dpkg-deb -x (not installed), upay-pay pays on the packaged
# upay-mock and upay-suite runs the packaged scenarios.
set -eu
build=$1
. "$(dirname "$0")/helpers.sh"
tmp=$(mktemp -d)
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.txt" 2>&1 ||
    { cat "$tmp/cpack.txt" >&2; echo "FAIL: cpack -G DEB" >&2; exit 1; }
deb=$(ls "$tmp"/pkg/*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libcjson1 libcurl4 libssl3 libsqlite3-0 libcivetweb; do
    case "$depends" in
    *"$lib"*) ;;
    *) echo "FAIL: the package does not depend on Debian's $lib" >&2; exit 1 ;;
    esac
done
case "$depends" in
*upay*) echo "FAIL: the package depends on itself: $depends" >&2; exit 1 ;;
esac

dpkg-deb -x "$deb" "$tmp/root"
r=$tmp/root/usr
unset LD_LIBRARY_PATH
for program in upay-mock upay-pay upay-suite; do
    [ -x "$r/bin/$program" ] || { echo "FAIL: no $program in the package" >&2; exit 1; }
done
[ -f "$r/lib/cmake/upay/upayConfig.cmake" ] && [ -f "$r/include/upay.h" ] ||
    { echo "FAIL: headers or CMake package missing from the package" >&2; exit 1; }

start_mock "$r/bin/upay-mock"
pay_once "$r/bin/upay-pay" packaged
"$r/bin/upay-suite" -q "$r/share/upay/scenarios" >"$tmp/suite.txt" ||
    { tail -n 30 "$tmp/suite.txt" >&2; echo "FAIL: packaged upay-suite" >&2; exit 1; }
echo "ok: $(basename "$deb"): programs run from dpkg-deb -x"
