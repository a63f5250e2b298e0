#!/usr/bin/env bash
# Run every test: the CUnit binary, then each CLI script.  Each CLI script prints
# "ok - NAME", "not ok - NAME" or "skip - NAME" lines (lib.sh) and exits non-zero on a
# failure, 77 when it cannot run here (e.g. needs root).  The last line is the total,
# "N passed, N failed, N skipped", and the exit status is non-zero on any failure.
set -u
O=${1:-build}
cd "$(dirname "$0")/.."
export MMFRAG="${MMFRAG:-$PWD/mmfrag}" TOP="$PWD" O

passed=0 failed=0 skipped=0 failed_names=()

echo "== unit tests"
out=$("$O/unit-tests" 2>&1); rc=$?
echo "$out"
line=$(printf '%s\n' "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
if [ -n "$line" ]; then
	set -- $line
	passed=$((passed + $1)); failed=$((failed + $2))
	[ "$2" -eq 0 ] || failed_names+=("unit")
fi
if [ "$rc" -ne 0 ] && { [ -z "$line" ] || [ "${2:-0}" -eq 0 ]; }; then
	failed=$((failed + 1)); failed_names+=("unit (exit $rc)")
fi

for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	case "$(basename "$t")" in lib.sh) continue ;; esac
	# MF_SKIP_TESTS: scripts the caller runs elsewhere (make test_san skips the live
	# recordings, which the first pass has run)
	case " ${MF_SKIP_TESTS:-} " in *" $(basename "$t") "*) echo "== $t: skipped here"; continue ;; esac
	echo "== $t"
	out=$(bash "$t" 2>&1); rc=$?
	echo "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok - ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
	s=$(printf '%s\n' "$out" | grep -c '^skip - ')
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$rc" -eq 77 ]; then
		[ "$s" -gt 0 ] || skipped=$((skipped + 1))
	elif [ "$rc" -ne 0 ]; then
		[ "$f" -gt 0 ] || failed=$((failed + 1))
		failed_names+=("$t")
	fi
done

echo
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failing: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
