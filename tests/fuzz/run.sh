#!/usr/bin/env bash
# Run every libFuzzer target (tests/fuzz/fuzz_*.c) of a fuzz build for a while.
# Each target starts from a scratch corpus seeded with the golden files
# (tests/golden/*.mp) and, if present, tests/fuzz/seeds/<target>/*; the
# scratch corpus is deleted afterwards. Crashes are written to
# BUILD_DIR/fuzz-artifacts/<target>/. Fails when a target fails.
#
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET] [extra libFuzzer flags...]
#   e.g. tests/fuzz/run.sh build/fuzz 20
set -euo pipefail

build_dir=${1:?usage: tests/fuzz/run.sh BUILD_DIR [SECONDS] [libFuzzer flags...]}
seconds=${2:-20}
shift $(($# >= 2 ? 2 : 1))
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/../golden

shopt -s nullglob
sources=("$here"/fuzz_*.c)
if ((${#sources[@]} == 0)); then
	echo "fuzz: no tests/fuzz/fuzz_*.c found" >&2
	exit 1
fi

failed=()
for source in "${sources[@]}"; do
	name=$(basename "$source" .c)
	binary=$build_dir/tests/fuzz/$name
	if [[ ! -x $binary ]]; then
		echo "fuzz: $binary is not built (make test-fuzz builds it)" >&2
		failed+=("$name")
		continue
	fi
	corpus=$(mktemp -d "${TMPDIR:-/tmp}/loyalty-fuzz-$name.XXXXXX")
	artifacts=$build_dir/fuzz-artifacts/$name
	mkdir -p "$artifacts"
	seeds=("$golden"/*.mp "$here/seeds/$name"/*)
	((${#seeds[@]} == 0)) || cp -- "${seeds[@]}" "$corpus"/
	echo "== fuzz $name: ${seconds}s from ${#seeds[@]} seeds"
	if ! ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$@" "$corpus"; then
		failed+=("$name")
		echo "fuzz: $name failed; the input is in $artifacts/" >&2
	fi
	rm -rf -- "$corpus"
done

if ((${#failed[@]} > 0)); then
	echo "fuzz: failed: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz: ${#sources[@]} target(s) passed"
