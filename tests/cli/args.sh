#!/usr/bin/env bash
# Strict arguments: numbers that strtod() takes but no user means (nan, inf, blanks),
# --version with something after it, and one line per global usage error.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
T=traces/compact-small.dat

for v in nan NaN inf -inf ' 1' 1e400 0x10 '1,5' ''; do
	expect_error 2 "replay --interval '$v' is a usage error" "--interval" -- \
		"$MMFRAG" replay --interval "$v" "$T"
	expect_error 2 "replay --from-time '$v' is a usage error" "--from-time" -- \
		"$MMFRAG" replay --from-state traces/compact-small.state/start --from-time "$v" "$T"
	expect_error 2 "replay --check-time '$v' is a usage error" "--check-time" -- \
		"$MMFRAG" replay --check-state traces/compact-small.state/end --check-time "$v" "$T"
	expect_error 2 "record -d '$v' is a usage error" "-d" -- "$MMFRAG" record -o "$TMP/no/such/x.dat" -d "$v"
done
expect_error 2 "-V with a command after it is a usage error" "--version" -- "$MMFRAG" -V replay
expect_error 2 "replay -V FILE is a usage error" "--version" -- "$MMFRAG" replay -V "$T"
expect_exit 0 "-V alone prints the version" -- "$MMFRAG" -V
grep -q '^mmfrag [0-9]' "$TMP/out" && ok "-V prints 'mmfrag VERSION'" || nok "-V prints 'mmfrag VERSION'"
expect_error 2 "no command" "a command is required" -- "$MMFRAG"
[ "$(wc -l <"$TMP/err")" -eq 1 ] && ok "no command: one line" || nok "no command: one line"
expect_error 2 "unknown global option" "--bogus" -- "$MMFRAG" --bogus
[ "$(wc -l <"$TMP/err")" -eq 1 ] && ok "unknown global option: one line" ||
	nok "unknown global option: one line"

# glibc argp's hidden --HANG (any prefix down to --H) sleeps an hour: an unknown option here
# (found by the args fuzzer).  timeout: a regression fails instead of hanging the suite.
for a in --H --HAN --HANG=1; do
	for c in status report replay compare top; do
		expect_error 2 "$c $a is an unknown option, not argp's hang" "unrecognized option '$a'" -- \
			timeout 20 "$MMFRAG" $c $a
	done
done
expect_error 2 "mmfrag --H is an unknown option" "unrecognized option '--H'" -- timeout 20 "$MMFRAG" --H
finish
