#!/usr/bin/env bash
# Run every unit test (tests/unit/test_*.c) of a build tree under valgrind.
# Fails on any memory error and on any definite, indirect or possible leak.
#
# usage: tests/valgrind.sh BUILD_DIR      (e.g. build/dev)
set -euo pipefail

build_dir=${1:?usage: tests/valgrind.sh BUILD_DIR}
tests_dir=$(cd "$(dirname "$0")" && pwd)

command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not found (make deps)" >&2; exit 1; }

# The test list comes from the sources, not from whatever binaries lie in the
# build tree, so that stale executables of deleted tests are not run.
shopt -s nullglob
sources=("$tests_dir"/unit/test_*.c)
if ((${#sources[@]} == 0)); then
	echo "valgrind.sh: no tests/unit/test_*.c found" >&2
	exit 1
fi

failed=()
for source in "${sources[@]}"; do
	name=$(basename "$source" .c)
	binary=$build_dir/tests/unit/$name
	echo "== valgrind $name"
	if [[ ! -x $binary ]]; then
		echo "valgrind.sh: $binary is not built" >&2
		failed+=("$name")
		continue
	fi
	if ! valgrind --quiet --error-exitcode=1 \
		--leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible \
		--show-leak-kinds=definite,indirect,possible \
		"$binary"; then
		failed+=("$name")
	fi
done

if ((${#failed[@]} > 0)); then
	echo "valgrind.sh: failed: ${failed[*]}" >&2
	exit 1
fi
echo "valgrind: ${#sources[@]} passed, 0 failed"
