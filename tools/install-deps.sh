#!/usr/bin/env bash
# Install the Debian packages needed to build and test libloyalty (make deps).
# Only missing packages are installed; nothing happens when all are present.
set -euo pipefail

# python3-venv and python3-dev: the Python binding's virtual environments and
# extension module (make test-python, make demo-python). clang and its
# compiler-rt (libclang-rt-14-dev on Debian 12: libFuzzer and the sanitizer
# runtimes: only recommended by clang, so --no-install-recommends skips it): the
# fuzz targets (make test-fuzz).
packages=(cmake ninja-build gcc pkg-config uuid-dev libmsgpack-dev libcmocka-dev valgrind python3-venv python3-dev
	clang libclang-rt-14-dev)

# swig (Debian's 4.1): the Java binding's JNI wrapper (make test-java). The JDK
# and Maven it also needs come with the machine's base image.
packages+=(swig)

if ! command -v dpkg-query >/dev/null; then
	echo "deps: not a Debian-based system; install the equivalents of these by hand:" >&2
	echo "deps:   ${packages[*]}" >&2
	exit 0
fi

missing=()
for package in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
	[[ $status == installed ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
	echo "deps: all present (${packages[*]})"
	exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
	as_root=()
elif command -v sudo >/dev/null; then
	as_root=(sudo)
else
	echo "deps: missing ${missing[*]}, and installing them needs root: run 'make deps' as root, or install sudo" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
