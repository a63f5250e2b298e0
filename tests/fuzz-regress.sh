#!/usr/bin/env bash
# Replay every input kept under tests/fuzz-regress/TARGET/ (crashers the fuzzers found,
# each fixed since) through O/fuzz-TARGET-run, the sanitizer build of that harness.
# usage: tests/fuzz-regress.sh O TARGET...
set -u
cd "$(dirname "$0")/.."
O=$1; shift
passed=0 failed=0
for t in "$@"; do
	dir=tests/fuzz-regress/$t
	[ -d "$dir" ] || continue
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		case "$f" in *.md) continue ;; esac
		# argp's state is not freed on its exit() path (fuzz/fuzz-args.c): no leak check
		leaks=1
		[ "$t" = args ] && leaks=0
		if out=$(ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=$leaks" \
			 timeout 60 "$O/fuzz-$t-run" "$f" 2>&1 >/dev/null); then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "not ok - fuzz-regress $t $(basename "$f")"
			printf '%s\n' "$out" | tail -30
		fi
	done
done
echo "fuzz-regress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
