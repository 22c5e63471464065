#!/bin/sh
# check_install.sh BUILD_DIR SOURCE_DIR - installs the build into a temporary
# prefix and builds a small program against it with pkg-config, as an
# integrator would: proves the headers, libupay and upay.pc install and work.
set -eu
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pcdir=$(dirname "$(find "$tmp/prefix" -name upay.pc | head -n 1)")
export PKG_CONFIG_PATH="$pcdir"
cc -std=c99 -Wall -Werror "$src/tests/install/uses_upay.c" \
   $(pkg-config --cflags --libs upay) -o "$tmp/uses_upay"
LD_LIBRARY_PATH="$tmp/prefix/$(basename "$(dirname "$pcdir")")" "$tmp/uses_upay"
