#!/usr/bin/env bash
# mmfrag record on the live kernel (root): a trace.dat that trace-cmd report and mmfrag
# replay both read with the same per-event counts, start/end captures with markers in the
# trace, the top-level tracefs state untouched, clean-up on SIGINT and on every error.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

TRACEFS=/sys/kernel/tracing
if [ "$(id -u)" -ne 0 ]; then skip "record: needs root"; exit 77; fi
if [ ! -w "$TRACEFS/instances" ] && ! mountpoint -q "$TRACEFS" && \
	! mount -t tracefs nodev "$TRACEFS" 2>/dev/null; then
	skip "record: tracefs is not available"; exit 77
fi
[ -w "$TRACEFS/instances" ] || { skip "record: tracefs is not available"; exit 77; }
command -v trace-cmd >/dev/null || { skip "record: trace-cmd is not installed"; exit 77; }

# top_state: what another tracing user would see; must be identical before and after
top_state() {
	local f
	ls "$TRACEFS/instances"
	for f in set_event tracing_on buffer_size_kb current_tracer trace_clock buffer_percent; do
		printf '%s: %s\n' "$f" "$(cat "$TRACEFS/$f")"
	done
}
top_state >"$TMP/top-before"

# check_trace NAME FILE: trace-cmd report reads it silently; replay counts the same
check_trace() {
	local name=$1 f=$2
	if trace-cmd report "$f" >/dev/null 2>"$TMP/tc-err" && [ ! -s "$TMP/tc-err" ]; then
		ok "$name: trace-cmd report reads it without a message"
	else
		nok "$name: trace-cmd report reads it without a message"; sed 's/^/#   /' "$TMP/tc-err" | head -5
	fi
	if "$MMFRAG" replay --json "$f" >"$TMP/replay.json" 2>"$TMP/err"; then
		ok "$name: mmfrag replay reads it"
	else
		nok "$name: mmfrag replay reads it"; sed 's/^/#   /' "$TMP/err" | head -5
	fi
	same_counts "$name: replay's per-event counts equal trace-cmd report's" "$f" "$TMP/replay.json"
}

# ---- record `sleep 1` ----------------------------------------------------------------------
expect_exit 0 "record -- sleep 1" -- "$MMFRAG" record -o "$TMP/s.dat" -- sleep 1
cp "$TMP/err" "$TMP/s.summary"
[ -s "$TMP/s.dat" ] && ok "s.dat written" || nok "s.dat written"
ls "$TMP"/s.dat.tmp-* >/dev/null 2>&1 && nok "no temporary files left" || ok "no temporary files left"
grep -q "sleep exited with status 0" "$TMP/s.summary" && ok "summary reports COMMAND's exit status" ||
	nok "summary reports COMMAND's exit status"
check_trace "sleep 1" "$TMP/s.dat"
# the UNAME option (issue 13 item 8: a recording's result had "uname": null), through both
# readers (MMFRAG_READER=tracecmd is libtracecmd's)
un=$(json_get "$TMP/replay.json" 'd["trace"]["uname"]' 2>/dev/null)
case "$un" in *" $(uname -r) "*) ok "the result's uname is the kernel's ($un)" ;;
	*) nok "the result's uname is the kernel's (got '$un')" ;; esac
MMFRAG_READER=tracecmd "$MMFRAG" replay --json "$TMP/s.dat" >"$TMP/replay-tc.json" 2>/dev/null
un2=$(json_get "$TMP/replay-tc.json" 'd["trace"]["uname"]' 2>/dev/null)
[ "$un2" = "$un" ] && [ "$un" != None ] && ok "libtracecmd's reader gives the same uname" ||
	nok "libtracecmd's reader gives the same uname (got '$un2')"
for c in start end; do
	d=$TMP/s.dat.state/$c
	missing=
	for f in buddyinfo pagetypeinfo zoneinfo vmstat kpageflags.zst meta; do
		[ -s "$d/$f" ] || missing+="$f "
	done
	[ -z "$missing" ] && ok "capture $c has every file" || nok "capture $c lacks $missing"
	grep -qx "name=$c" "$d/meta" 2>/dev/null && ok "capture $c meta says name=$c" ||
		nok "capture $c meta says name=$c"
	if zstd -q -t "$d/kpageflags.zst" 2>/dev/null; then ok "capture $c kpageflags.zst is valid zstd"
	else nok "capture $c kpageflags.zst is valid zstd"; fi
	for m in begin end; do
		trace-cmd report "$TMP/s.dat" 2>/dev/null | grep -q "mmfrag-capture-$m $c\$" &&
			ok "trace holds marker mmfrag-capture-$m $c" || nok "trace holds marker mmfrag-capture-$m $c"
	done
done
json_get "$TMP/replay.json" 'd["model"]["start"]["state"]' 2>/dev/null | grep -q 's.dat.state/start' &&
	ok "replay finds the start capture by itself" || nok "replay finds the start capture by itself"

# ---- a small fragmenting workload ------------------------------------------------------------
if cc -O2 -o "$TMP/fragment" tests/tools/fragment.c 2>"$TMP/err"; then
	expect_exit 0 "record -- fragment -m 200" -- "$MMFRAG" record -o "$TMP/f.dat" -- "$TMP/fragment" -q -m 200
	check_trace "fragment -m 200" "$TMP/f.dat"
	lost=$(json_get "$TMP/replay.json" 'd["lost_events"]' 2>/dev/null)
	[ "$lost" = 0 ] && ok "fragment: no lost events" || nok "fragment: lost events: $lost"
	err=$(json_get "$TMP/replay.json" '[z["check"]["free_blocks_error"] for z in d["zones"] if z["zone"] == "Normal"][0]' 2>/dev/null)
	echo "# Normal zone free_blocks_error at the end capture: $err"
	# A live recording is not repeatable (0.0003 to 0.055 seen on this machine): the
	# 0.01 goal is held on the bundled traces (replay.sh); here, gross breakage only.
	python3 -c "import sys; sys.exit(not float('$err') <= 0.1)" 2>/dev/null &&
		ok "fragment: replay checks itself against the end capture (error $err <= 0.1)" ||
		nok "fragment: end-state error '$err' > 0.1"

	# v7 (zstd, the default) and v6 (--format v6): both mmfrag readers give libtracecmd's
	# stream on both files
	head -c 16 "$TMP/f.dat" | grep -qa "tracing7" && trace-cmd dump --summary "$TMP/f.dat" 2>/dev/null |
		grep -q "zstd.*Compression algorithm" && ok "record writes v7 with zstd by default" ||
		nok "record writes v7 with zstd by default"
	trace-cmd report "$TMP/f.dat" 2>/dev/null | grep -m1 " print: " | grep -q "tracing_mark_write: mmfrag-capture" &&
		ok "kallsyms: trace-cmd report names the markers' function" ||
		nok "kallsyms: trace-cmd report names the markers' function"
	expect_exit 0 "record --format v6 -- fragment -m 200" -- "$MMFRAG" record -q --format v6 \
		-o "$TMP/f6.dat" -- "$TMP/fragment" -q -m 200
	check_trace "fragment -m 200, v6" "$TMP/f6.dat"
	case "$(json_get "$TMP/replay.json" 'd["trace"]["uname"]' 2>/dev/null)" in
	*" $(uname -r) "*) ok "v6: the result's uname is the kernel's" ;;
	*) nok "v6: the result's uname is the kernel's" ;; esac
	head -c 16 "$TMP/f6.dat" | grep -qa "tracing6" && ok "--format v6 writes v6" || nok "--format v6 writes v6"
	echo "# sizes: v7 $(stat -c %s "$TMP/f.dat"), v6 $(stat -c %s "$TMP/f6.dat") bytes"
	if MMFRAG_UNIT_SUITE="recorded traces" MMFRAG_RECORDED_TRACES="$TMP/f.dat:$TMP/f6.dat" \
		"$TOP/${O:-build}/unit-tests" >"$TMP/unit.out" 2>&1; then
		ok "v7 and v6 recordings: own readers = libtracecmd, record by record and event by event"
	else
		nok "v7 and v6 recordings: own readers = libtracecmd"; grep -v "^$" "$TMP/unit.out" | tail -5 | sed 's/^/#   /'
	fi
else
	nok "build tests/tools/fragment.c"; sed 's/^/#   /' "$TMP/err" | head -3
fi

# ---- -d, --capture-interval, -e ---------------------------------------------------------------
expect_exit 0 "record -d 1.5 --capture-interval 0.5" -- "$MMFRAG" record -q -o "$TMP/d.dat" -d 1.5 \
	--capture-interval 0.5
[ ! -s "$TMP/err" ] && ok "-q prints nothing" || nok "-q prints nothing"
[ -f "$TMP/d.dat.state/0001/buddyinfo" ] && [ -f "$TMP/d.dat.state/0001/pagetypeinfo" ] &&
	grep -qx name=0001 "$TMP/d.dat.state/0001/meta" && ok "periodic capture 0001" || nok "periodic capture 0001"
trace-cmd report "$TMP/d.dat" 2>/dev/null | grep -q "mmfrag-capture-end 0001\$" &&
	ok "periodic capture markers in the trace" || nok "periodic capture markers in the trace"
expect_exit 0 "record --capture-interval 0.5 --kpageflags-interval 1" -- "$MMFRAG" record -q \
	-o "$TMP/k.dat" -d 3 --capture-interval 0.5 --kpageflags-interval 1
nk=$(ls "$TMP"/k.dat.state/0*/kpageflags.zst 2>/dev/null | wc -l)
np=$(ls -d "$TMP"/k.dat.state/0* 2>/dev/null | wc -l)
[ "$nk" -ge 1 ] && [ "$nk" -lt "$np" ] && [ -s "$(ls "$TMP"/k.dat.state/0*/kpageflags.zst | head -1)" ] &&
	ok "--kpageflags-interval 1: $nk of $np periodic captures scan kpageflags" ||
	nok "--kpageflags-interval 1: $nk of $np periodic captures scan kpageflags"
"$MMFRAG" replay --json --reanchor "$TMP/k.dat" >"$TMP/k.json" 2>"$TMP/err"
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
n = sum(1 for c in d['checks'] if c['reanchored'])
sys.exit(not n >= int(sys.argv[2]))" "$TMP/k.json" "$nk" &&
	ok "replay --reanchor re-anchors at each periodic capture with kpageflags" ||
	nok "replay --reanchor re-anchors at each periodic capture with kpageflags"
[ ! -e "$TMP/d.dat.state/0001/kpageflags.zst" ] && ok "--kpageflags-interval 5 (default): none in 1.5 s" ||
	nok "--kpageflags-interval 5 (default): a scan within 1.5 s"
expect_exit 0 "record -e kmem:mm_page_alloc" -- "$MMFRAG" record -q -o "$TMP/e.dat" -e kmem:mm_page_alloc -- true
counts_report "$TMP/e.dat" | awk '{ print $1 }' | sort -u | tr '\n' ' ' >"$TMP/names"
[ "$(cat "$TMP/names")" = "mm_page_alloc print " ] && ok "-e replaces the default events" ||
	nok "-e replaces the default events (got: $(cat "$TMP/names"))"
# trace-cmd reads our v7 exactly as its own v6 rewrite of it (on this small recording:
# two reports of fragment's millions of events would take a minute)
if trace-cmd convert -i "$TMP/e.dat" -o "$TMP/ec6.dat" --file-version 6 --compression none \
	>/dev/null 2>&1 && trace-cmd report "$TMP/e.dat" >"$TMP/e.txt" 2>/dev/null &&
	trace-cmd report "$TMP/ec6.dat" >"$TMP/ec6.txt" 2>/dev/null && cmp -s "$TMP/e.txt" "$TMP/ec6.txt" &&
	[ "$(wc -l <"$TMP/e.txt")" -gt 2 ]; then
	ok "v7: trace-cmd report = report of trace-cmd's v6 conversion ($(wc -l <"$TMP/e.txt") lines)"
else
	nok "v7: trace-cmd report = report of trace-cmd's v6 conversion"
fi
rm -f "$TMP/ec6.dat" "$TMP/e.txt" "$TMP/ec6.txt"

# ---- SIGINT in the middle ---------------------------------------------------------------------
timeout --preserve-status -s INT 2 "$MMFRAG" record -o "$TMP/i.dat" -- sleep 10 >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 0 ] && ok "SIGINT: exit 0" || { nok "SIGINT: exit $rc"; sed 's/^/#   /' "$TMP/err" | head -3; }
if trace-cmd report "$TMP/i.dat" >/dev/null 2>"$TMP/tc-err" && [ ! -s "$TMP/tc-err" ]; then
	ok "SIGINT: trace-cmd report reads the file"
else
	nok "SIGINT: trace-cmd report reads the file"; sed 's/^/#   /' "$TMP/tc-err" | head -3
fi
pgrep -f "^sleep 10\$" -P $$ >/dev/null && nok "SIGINT: COMMAND left running" || ok "SIGINT: COMMAND not left running"
# Ctrl-C reaches the whole process group: COMMAND may die of it before record sees its own
# (here COMMAND signals record, then itself); that is still record stopped by Ctrl-C
"$MMFRAG" record -q -o "$TMP/i2.dat" -- sh -c 'kill -INT $PPID; kill -INT $$; sleep 5' >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 0 ] && ok "SIGINT to record and COMMAND: exit 0" ||
	{ nok "SIGINT to record and COMMAND: exit $rc"; sed 's/^/#   /' "$TMP/err" | head -3; }
rm -f "$TMP/i2.dat"

# ---- errors: one line, exit 1 (usage: exit 2), nothing left behind -----------------------------
expect_error 1 "not root" "root" -- setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$MMFRAG" record -o /tmp/x.dat -- true
expect_error 1 "unknown -e event" "kmem:no_such_event" -- "$MMFRAG" record -o "$TMP/u.dat" \
	-e kmem:no_such_event -- true
ls "$TMP"/u.dat* >/dev/null 2>&1 && nok "unknown event: nothing left behind" || ok "unknown event: nothing left behind"
expect_error 1 "unwritable output" "$TMP/nodir/x.dat" -- "$MMFRAG" record -o "$TMP/nodir/x.dat" -- true
expect_error 1 "COMMAND not found" "no-such-command" -- "$MMFRAG" record -o "$TMP/n.dat" -- "$TMP/no-such-command"
[ -e "$TMP/n.dat" ] && nok "COMMAND not found: no output" || ok "COMMAND not found: no output"
expect_error 2 "bad -d" "-d" -- "$MMFRAG" record -d soon
expect_error 2 "bad -b" "-b" -- "$MMFRAG" record -b 0
mkdir -p "$TMP/full"
if mount -t tmpfs -o size=3m tmpfs "$TMP/full" 2>/dev/null; then
	expect_error 1 "disk full" "No space left on device" -- "$MMFRAG" record -o "$TMP/full/x.dat" \
		-- "$TMP/fragment" -q -m 300
	[ -z "$(ls -A "$TMP/full")" ] && ok "disk full: partial files removed" ||
		nok "disk full: partial files left: $(ls -A "$TMP/full" | tr '\n' ' ')"
	umount "$TMP/full"
else
	skip "disk full: cannot mount a small tmpfs"
fi

# ---- -o on a device: written in place, never replaced ------------------------------------------
mknod -m 666 "$TMP/nulldev" c 1 3
expect_exit 0 "record -o a null device" -- "$MMFRAG" record -o "$TMP/nulldev" -- true
[ -c "$TMP/nulldev" ] && ok "record -o leaves a device a device" || nok "record -o leaves a device a device"
ls -d "$TMP"/nulldev.* >/dev/null 2>&1 && nok "record -o on a device leaves nothing beside it" ||
	ok "record -o on a device leaves nothing beside it"
expect_exit 0 "record -o - writes the trace to stdout" -- "$MMFRAG" record -q -o - -- true
head -c 10 "$TMP/out" | grep -q 'tracing' && ok "record -o -: stdout holds a trace.dat" ||
	nok "record -o -: stdout holds a trace.dat"

# ---- stale instance after SIGKILL ----------------------------------------------------------------
"$MMFRAG" record -q -o "$TMP/k.dat" -- sleep 30 &
kpid=$!
for _ in $(seq 50); do [ -d "$TRACEFS/instances/mmfrag-$kpid" ] && break; sleep 0.1; done
kill -KILL "$kpid"; wait "$kpid" 2>/dev/null
pkill -KILL -P "$kpid" 2>/dev/null
[ -d "$TRACEFS/instances/mmfrag-$kpid" ] && ok "SIGKILL leaves instance mmfrag-$kpid" ||
	skip "SIGKILL: instance already gone"
expect_exit 0 "next record after SIGKILL" -- "$MMFRAG" record -o "$TMP/k2.dat" -- true
[ -d "$TRACEFS/instances/mmfrag-$kpid" ] && nok "stale instance mmfrag-$kpid removed" ||
	ok "stale instance mmfrag-$kpid removed"
grep -q "stale tracefs instance mmfrag-$kpid" "$TMP/err" && ok "stale removal is reported" ||
	nok "stale removal is reported"
ls "$TMP"/k.dat.tmp-"$kpid"* >/dev/null 2>&1 && ok "SIGKILL leaves k.dat.tmp-$kpid" ||
	skip "SIGKILL: no temporary file left"
expect_exit 0 "next record of the same file after SIGKILL" -- "$MMFRAG" record -o "$TMP/k.dat" -- true
ls -d "$TMP"/k.dat.tmp-* "$TMP"/k.dat.state.tmp-* >/dev/null 2>&1 &&
	nok "stale k.dat.tmp-* and k.dat.state.tmp-* removed" ||
	ok "stale k.dat.tmp-* and k.dat.state.tmp-* removed"
grep -q "removed .*k.dat.tmp-$kpid.*killed" "$TMP/err" && ok "stale temporary files are reported" ||
	nok "stale temporary files are reported"

# ---- a live recorder under another name keeps its instance ---------------------------------------
# (remove_stale() once went by the process name alone: a copy of the binary, or valgrind,
# lost its instance to the next record and read nothing from then on)
cp "$MMFRAG" "$TMP/mf-other"
"$TMP/mf-other" record -q -o "$TMP/o.dat" -- sleep 30 &
opid=$!
for _ in $(seq 50); do [ -d "$TRACEFS/instances/mmfrag-$opid" ] && break; sleep 0.1; done
expect_exit 0 "record beside a recorder named mf-other" -- "$MMFRAG" record -q -o "$TMP/o2.dat" -- true
[ -d "$TRACEFS/instances/mmfrag-$opid" ] && ok "a live recorder named mf-other keeps its instance" ||
	nok "record removed the instance of a live recorder named mf-other"
kill -INT "$opid"; wait "$opid" 2>/dev/null
pkill -KILL -P "$opid" 2>/dev/null
[ -d "$TRACEFS/instances/mmfrag-$opid" ] && nok "mf-other's instance left after it stopped" ||
	ok "mf-other's instance gone after it stopped"

# ---- the exit status is COMMAND's, as time(1) --------------------------------------------------
expect_exit 3 "record -- sh -c 'exit 3' exits 3" -- "$MMFRAG" record -q -o "$TMP/x.dat" -- sh -c 'exit 3'
[ -s "$TMP/x.dat" ] && ok "the trace is kept when COMMAND fails" || nok "the trace is kept when COMMAND fails"
expect_exit 137 "COMMAND killed by SIGKILL: 128 + 9" -- "$MMFRAG" record -q -o "$TMP/x.dat" -- sh -c 'kill -9 $$'
expect_exit 0 "-d stopping COMMAND: 0" -- "$MMFRAG" record -q -o "$TMP/x.dat" -d 0.5 -- sleep 30

# ---- under memory pressure: a smaller buffer, and a warning (issue 13 item 8) ---------------------
# The workload this tool is for: hugetlb pages (never reclaimed) hold all but ~3 GiB of the free
# memory, and -b asks 16 GiB per CPU.  The kernel refuses that before allocating anything
# (kernel/trace/ring_buffer.c __rb_allocate_pages(): ENOMEM when si_mem_available() is below
# one CPU's pages), so nothing is pushed into reclaim or OOM; record must retry with what
# mf_recorder_open() allows (at most 1/16 of MemAvailable over all CPUs) and say so.
HP_SAVED=$(cat /proc/sys/vm/nr_hugepages)
hp_restore() { echo "$HP_SAVED" >/proc/sys/vm/nr_hugepages; }
trap 'hp_restore; rm -rf "$TMP"' EXIT
# after a day of work free memory can be too scattered for the pool: compact and try again
for try in 1 2; do
	free_kb=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
	n=$(( (free_kb - 3 * 1024 * 1024) / 2048 ))
	[ "$n" -gt 0 ] && echo $(( $(cat /proc/sys/vm/nr_hugepages) + n )) >/proc/sys/vm/nr_hugepages
	avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	[ "$avail_kb" -lt $(( 12 << 20 )) ] && break
	[ "$try" = 1 ] && echo 1 >/proc/sys/vm/compact_memory
done
if [ "$avail_kb" -ge $(( 12 << 20 )) ]; then
	hp_restore
	skip "record -b 16G under memory pressure: $avail_kb KiB still available (hugetlb pool short)"
else
	# COMMAND is record's child: the instance is mmfrag-$PPID
	expect_exit 0 "record -b 16G with $((avail_kb >> 10)) MiB available: falls back" -- \
		"$MMFRAG" record -o "$TMP/p.dat" -b 16777216 -- \
		sh -c "cat $TRACEFS/instances/mmfrag-\$PPID/buffer_size_kb >'$TMP/p.kb'"
	hp_restore
	got=$(sed -n 's/.*not enough memory for a 16777216 KiB per-CPU buffer: recording with \([0-9]*\) KiB.*/\1/p' "$TMP/err")
	[ -n "$got" ] && ok "the fallback is reported ($got KiB per CPU)" ||
		{ nok "the fallback is reported"; sed 's/^/#   /' "$TMP/err" | head -5; }
	inst=$(cat "$TMP/p.kb" 2>/dev/null)
	cpus=$(getconf _NPROCESSORS_CONF)
	# the kernel rounds up to whole sub-buffers; the retry is at most MemAvailable/16 overall,
	# as record read it a moment after this script did: page cache and other processes move
	# it by a few MiB in between (CI once saw record's 1.9 MiB above ours), hence 1%
	if [ -n "$got" ] && [ -n "$inst" ] && [ "$inst" -ge "$got" ] && [ "$inst" -le $((got + 64)) ] &&
	   [ $((got * cpus)) -le $((avail_kb / 16 * 101 / 100 + 64)) ]; then
		ok "the instance recorded with that buffer ($inst KiB per CPU, $cpus CPUs)"
	else
		nok "the instance recorded with that buffer (instance ${inst:-?} KiB, reported ${got:-?}, available $avail_kb KiB, $cpus CPUs)"
	fi
	"$MMFRAG" replay --json "$TMP/p.dat" >"$TMP/p.json" 2>"$TMP/err" && json_ok "$TMP/p.json" &&
		ok "the smaller-buffer recording replays" ||
		{ nok "the smaller-buffer recording replays"; sed 's/^/#   /' "$TMP/err" | head -3; }
fi
[ "$(cat /proc/sys/vm/nr_hugepages)" = "$HP_SAVED" ] && ok "nr_hugepages restored ($HP_SAVED)" ||
	nok "nr_hugepages restored ($HP_SAVED)"

# ---- the top-level tracefs state is untouched ------------------------------------------------------
top_state >"$TMP/top-after"
if diff -u "$TMP/top-before" "$TMP/top-after" >"$TMP/diff"; then
	ok "top-level tracefs state (instances, set_event, tracing_on, buffer_size_kb, current_tracer) unchanged"
else
	nok "top-level tracefs state changed"; sed 's/^/#   /' "$TMP/diff" | head -10
fi

finish
