#!/usr/bin/env bash
# abi.exports: the shared library must export loyalty_* and nothing else.
#
# usage: check_exports.sh NM LIBRARY VERSION_NODE
#   e.g. check_exports.sh nm build/dev/libloyalty.so LOYALTY_0
#
# Fails when a defined dynamic symbol is not named loyalty_*, when no
# loyalty_* symbol is exported at all, or when the version script
# lib/loyalty.map was not applied: no VERSION_NODE symbol, or (with an nm
# that prints symbol versions, binutils >= 2.35) a loyalty_* symbol of
# another version.
set -euo pipefail

nm=$1 lib=$2 node=$3

symbols=$("$nm" -D --defined-only "$lib")

bad=() exported=0 have_node=0
while read -r _ type name; do
	[[ -n ${name:-} ]] || continue
	base=${name%%@*}
	case $base in
	"$node")
		# The version node itself, an absolute symbol.
		if [[ $type == A ]]; then
			have_node=1
			continue
		fi
		bad+=("$type $name") ;;
	_init|_fini|_edata|_end|__bss_start)
		# Linker-provided, harmless if present.
		continue ;;
	loyalty_*)
		exported=$((exported + 1))
		if [[ $name == *@* && $name != "$base@@$node" ]]; then
			bad+=("$type $name (expected version $node)")
		fi ;;
	*)
		bad+=("$type $name") ;;
	esac
done <<<"$symbols"

if ((${#bad[@]} > 0)); then
	echo "abi.exports: $lib exports unexpected symbols (only loyalty_* of version $node may be exported):" >&2
	printf '  %s\n' "${bad[@]}" >&2
	exit 1
fi
if ((exported == 0)); then
	echo "abi.exports: $lib exports no loyalty_* symbol at all" >&2
	exit 1
fi
if ((have_node == 0)); then
	echo "abi.exports: $lib has no $node version node: was lib/loyalty.map applied?" >&2
	exit 1
fi
echo "abi.exports: $exported loyalty_* symbols, nothing else"
