#!/usr/bin/env bash
# The trace.dat options that change timestamps, read by mmfrag's own reader as libtracecmd
# applies them (flyrecord-file.c): TSC2NSEC (trace-cmd record --tsc2nsec), TIME_SHIFT (a
# guest's clock against its host's), OFFSET, and a v6 buffer instance's own options.  The
# oracle is trace-cmd report -t (every record's CPU and time) and MMFRAG_READER=tracecmd
# (the same result document).  Damaged options: one line, exit 1, never libtracecmd.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
ADD=tests/tools/trace-add-options.py
command -v trace-cmd >/dev/null || { skip "timestamp options: no trace-cmd"; exit 77; }

# records FILE [BUFFER]: "cpu ts_ns" per record of the top buffer or of BUFFER, in trace-cmd
# report's order (3.1.6 prints every buffer, an instance's lines after "NAME: ")
records() {
	trace-cmd report -t "$1" 2>/dev/null |
		if [ -n "${2:-}" ]; then grep "^$2: "; else grep -v "^[^ ]*: "; fi |
		sed -n 's/^.*\[0*\([0-9][0-9]*\)\] *\([0-9]*\)\.\([0-9]\{9\}\):.*/\1 \2\3/p' |
		sed 's/ 0*\([0-9]\)/ \1/'
}

# same_times NAME FILE [BUFFER]: the result's event count, first and last times are
# trace-cmd report's, and libtracecmd's reading gives the same result document
same_times() {
	local name=$1 f=$2 buf=${3:-}
	"$MMFRAG" replay --json "$f" >"$TMP/own.json" 2>"$TMP/err" || { nok "$name (exit $?)"; head -3 "$TMP/err"; return; }
	MMFRAG_READER=tracecmd "$MMFRAG" replay --json "$f" >"$TMP/tc.json" 2>/dev/null
	records "$f" "$buf" >"$TMP/rec"
	# the first and last records in the merged order; JSON's int64 is report's u64
	want="$(wc -l <"$TMP/rec") $(head -1 "$TMP/rec" | cut -d' ' -f2) $(tail -1 "$TMP/rec" | cut -d' ' -f2)"
	got=$(json_get "$TMP/own.json" '"%d %d %d" % (d["trace"]["events"], d["trace"]["first_ns"] % 2**64, d["trace"]["last_ns"] % 2**64)')
	if [ "$got" != "$want" ]; then nok "$name: events, first, last: $got; trace-cmd report: $want"
	elif ! cmp -s "$TMP/own.json" "$TMP/tc.json"; then nok "$name: the result differs from libtracecmd's"
	else ok "$name ($got)"; fi
}

trace-cmd convert --file-version 7 --compression none -i fuzz/corpus/trace/v6-1page.dat \
	-o "$TMP/v7.dat" >/dev/null 2>&1 || { nok "trace-cmd convert"; finish; exit; }
same_times "no option" "$TMP/v7.dat"

# TSC2NSEC: ns = tsc * mult >> shift (a 2.1 GHz TSC), then OFFSET; a mult above 2^31 is
# libtracecmd's int, sign-extended; shift 32
"$ADD" "$TMP/v7.dat" "$TMP/tsc.dat" tsc2nsec:1022611260,31,12345
same_times "TSC2NSEC" "$TMP/tsc.dat"
"$ADD" "$TMP/v7.dat" "$TMP/tsc-off.dat" tsc2nsec:3,1 offset:-1000000
same_times "TSC2NSEC and OFFSET" "$TMP/tsc-off.dat"
"$ADD" "$TMP/v7.dat" "$TMP/tsc-neg.dat" tsc2nsec:0x90000001,32
same_times "TSC2NSEC, mult as a negative int" "$TMP/tsc-neg.dat"

# TIME_SHIFT: interpolated between samples (flag 1), below the first and above the last
# sample, scaled (scaling 5, fraction 2), unsorted samples; one sample; no interpolation
# with duplicate times; fractions absent (older trace-cmd); CPU count 0 (no correction)
"$ADD" "$TMP/v7.dat" "$TMP/ts.dat" "timeshift:1:1504246114889,5000,1,0;1504247000000,-7000000,1,0;1504249000000,100000000,1,0;1504252000000,0,5,2;1504253000000,7,1,0;1504254000000,8,1,0/1504250000000,-999,1,0;1504240000000,-999999,1,0;1504252024929,5,1,0"
same_times "TIME_SHIFT, interpolated" "$TMP/ts.dat"
"$ADD" "$TMP/v7.dat" "$TMP/ts1.dat" "timeshift:1:1504248000000,5000,1,0"
same_times "TIME_SHIFT, one sample on CPU 0" "$TMP/ts1.dat"
"$ADD" "$TMP/v7.dat" "$TMP/ts2.dat" "timeshift-nofrac:0:1504240000000,5000,2,0;1504250000000,-7000,1,0;1504250000000,-9,1,0/1504250000000,-999,1,0;1504260000000,-999999,1,0"
same_times "TIME_SHIFT, not interpolated, no fractions" "$TMP/ts2.dat"
"$ADD" "$TMP/v7.dat" "$TMP/ts0.dat" "timeshift:1:"
same_times "TIME_SHIFT of no CPU" "$TMP/ts0.dat"
"$ADD" "$TMP/v7.dat" "$TMP/ts-tsc.dat" "timeshift:1:1504248000000,5000,1,0;1504247000000,-7000000,1,0;1504249000000,100000000,1,0;1504252000000,0,5,2" tsc2nsec:1022611260,31 offset:12345
same_times "TIME_SHIFT, then TSC2NSEC, then OFFSET" "$TMP/ts-tsc.dat"

# damaged: where libtracecmd shifts by an undefined count, reads past its samples or
# refuses the file itself
"$ADD" "$TMP/v7.dat" "$TMP/bad1.dat" tsc2nsec:1,40
expect_error 1 "TSC2NSEC shift above 32" "corrupt TSC2NSEC option" -- "$MMFRAG" replay --json "$TMP/bad1.dat"
"$ADD" "$TMP/v7.dat" "$TMP/bad2.dat" "timeshift:1:1,2,3,4/"
expect_error 1 "TIME_SHIFT, a CPU without samples" "corrupt TIME_SHIFT option" -- "$MMFRAG" replay --json "$TMP/bad2.dat"
"$ADD" "$TMP/v7.dat" "$TMP/bad3.dat" "timeshift:1:1,2,3,64"
expect_error 1 "TIME_SHIFT, fraction bits 64" "corrupt TIME_SHIFT option" -- "$MMFRAG" replay --json "$TMP/bad3.dat"
"$ADD" "$TMP/v7.dat" "$TMP/bad4.dat" "raw:12:$(python3 -c 'import struct; print(struct.pack("<QIII", 1, 1, 1, 5).hex())')"
expect_error 1 "TIME_SHIFT, samples past the option" "corrupt TIME_SHIFT option" -- "$MMFRAG" replay --json "$TMP/bad4.dat"
# shorter than 16 bytes: ignored, as handle_options() does
"$ADD" "$TMP/v7.dat" "$TMP/short.dat" raw:12:0102 raw:14:01020304
same_times "TIME_SHIFT and TSC2NSEC shorter than 16 bytes" "$TMP/short.dat"
# another compression: libtracecmd 3.1.6 has no other either
python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); i=d.index(b"none\0"); open(sys.argv[2],"wb").write(d[:i]+b"lzma"+d[i+4:])' "$TMP/v7.dat" "$TMP/lzma.dat"
expect_error 1 "unknown compression" "compression 'lzma' not supported" -- "$MMFRAG" replay --json "$TMP/lzma.dat"

# v6 buffer instance (tests/data/flyopts/v6-instance.dat: trace-cmd record --file-version 6
# -B fly6b, the top buffer empty, so replay reads the instance), its table as trace-cmd
# writes it, then with options of its own before it (tests/tools/v6-instance-cut.py):
# OFFSET adds to the file's, TSC2NSEC and TIME_SHIFT are the instance's
V6=tests/data/flyopts/v6-instance.dat
CUT=tests/tools/v6-instance-cut.py
same_times "v6 buffer instance" "$V6" fly6b
same_counts "v6 buffer instance: event counts" "$V6" "$TMP/own.json"
"$CUT" "$V6" - "$TMP/i1.dat" 1 offset:-250 tsc2nsec:3,1
same_times "v6 buffer instance with OFFSET and TSC2NSEC options" "$TMP/i1.dat" fly6b
"$CUT" "$V6" - "$TMP/i2.dat" 1 "timeshift:1:1116500000000,5000,1,0;1117000000000,-7000,1,0" raw:1:307833653800
same_times "v6 buffer instance with TIME_SHIFT and DATE options" "$TMP/i2.dat" fly6b
"$CUT" "$V6" - "$TMP/i3.dat" 1 tsc2nsec:3,33
expect_error 1 "v6 buffer instance, damaged TSC2NSEC" "corrupt TSC2NSEC option" -- "$MMFRAG" replay --json "$TMP/i3.dat"
"$CUT" "$V6" - "$TMP/i4.dat" 1 offset:1
python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); i=d.rindex(b"flyrecord\0"); d[i:i+10]=b"options  \0"; open(sys.argv[2],"wb").write(d)' "$TMP/i4.dat" "$TMP/i5.dat"
expect_error 1 "v6 buffer instance, options twice" "no flyrecord table" -- "$MMFRAG" replay --json "$TMP/i5.dat"

finish
