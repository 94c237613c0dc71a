#!/usr/bin/env bash
# install.consumer: install a build tree into a scratch prefix, then build
# and run tests/install/consumer.c against the installed files
#   1. with pkg-config (loyalty.pc),
#   2. with CMake, find_package(loyalty CONFIG): loyalty::loyalty and
#      loyalty::loyalty_static,
#   3. with CMake again, shared library only and pkg-config disabled, since
#      consumers of libloyalty.so must not need it.
#
# usage: run.sh BUILD_DIR CMAKE C_COMPILER GENERATOR VERSION
set -euo pipefail

build_dir=$1 cmake=$2 cc=$3 generator=$4 version=$5
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/loyalty-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() {
	echo "install.consumer: $*" >&2
	exit 1
}

# Runs a consumer binary and checks what it prints.
check_consumer() {
	local binary=$1 output
	output=$("$binary") || fail "$binary failed"
	printf '%s\n' "$output"
	grep -Fxq "libloyalty $version" <<<"$output" ||
		fail "$binary did not print 'libloyalty $version'"
	grep -q '^LOYALTY_ENOTFOUND: .' <<<"$output" ||
		fail "$binary did not print the LOYALTY_ENOTFOUND message"
}

# Checks that a binary loads libloyalty.so from the scratch prefix.
check_loads_installed() {
	# capture first: `grep -q` may exit early and SIGPIPE ldd under pipefail
	local deps
	deps=$(ldd "$1")
	grep -Fq "$libdir/libloyalty.so.${version%%.*}" <<<"$deps" ||
		fail "$1 does not load $libdir/libloyalty.so.${version%%.*}:$deps"
}

echo "== cmake --install $build_dir --prefix $prefix"
"$cmake" --install "$build_dir" --prefix "$prefix"

pc=$(find "$prefix" -path '*/pkgconfig/loyalty.pc' | head -n 1)
[[ -n $pc ]] || fail "loyalty.pc was not installed"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
[[ -f $prefix/include/loyalty/loyalty.h ]] || fail "include/loyalty/loyalty.h was not installed"
[[ -f $prefix/include/loyalty/version.h ]] || fail "include/loyalty/version.h was not installed"
[[ -f $libdir/libloyalty.a ]] || fail "libloyalty.a was not installed in $libdir"
if grep -n '}//' "$pc"; then
	fail "$pc joins paths badly"
fi

echo "== pkg-config"
cat "$pc"
# The build tree was configured for another prefix, and `cmake --install
# --prefix` does not rewrite loyalty.pc: point its prefix at the scratch one.
# This also checks that libdir and includedir are relative to ${prefix}.
export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
pkg_config=(pkg-config "--define-variable=prefix=$prefix")
[[ $("${pkg_config[@]}" --modversion loyalty) == "$version" ]] ||
	fail "pkg-config reports version $("${pkg_config[@]}" --modversion loyalty), expected $version"
# shellcheck disable=SC2207 # word splitting of the flags is intended
flags=($("${pkg_config[@]}" --cflags --libs loyalty))
echo "flags: ${flags[*]}"
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$work/consumer-pc" \
	"$here/consumer.c" "${flags[@]}"
LD_LIBRARY_PATH=$libdir check_consumer "$work/consumer-pc"
LD_LIBRARY_PATH=$libdir check_loads_installed "$work/consumer-pc"

echo "== CMake: find_package(loyalty CONFIG)"
"$cmake" -S "$here" -B "$work/cmake" -G "$generator" \
	-DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix"
"$cmake" --build "$work/cmake"
LD_LIBRARY_PATH=$libdir check_consumer "$work/cmake/consumer"
check_loads_installed "$work/cmake/consumer"    # through its RPATH this time
check_consumer "$work/cmake/consumer_static"
static_deps=$(ldd "$work/cmake/consumer_static")
if grep -q libloyalty <<<"$static_deps"; then
	fail "consumer_static loads libloyalty.so"
fi

echo "== CMake: shared library only, without pkg-config"
"$cmake" -S "$here" -B "$work/cmake-shared" -G "$generator" \
	-DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCONSUMER_STATIC=OFF -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON
"$cmake" --build "$work/cmake-shared"
LD_LIBRARY_PATH=$libdir check_consumer "$work/cmake-shared/consumer"

echo "install.consumer: OK"
