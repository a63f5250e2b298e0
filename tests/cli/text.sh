#!/usr/bin/env bash
# Text traces: `trace-cmd report` output and `cat trace_pipe` output (here converted from
# the report to the kernel's layout: flags column, hashed page pointers, print events named
# by their caller), plain and zstd/gzip/xz compressed, replay to the same result as the
# trace.dat they came from.  Unknown lines are counted, lost-event lines reach the counts,
# and a cut or garbage file is one error line, exit 1.
. "$(dirname "$0")/lib.sh"
cd "$TOP"

command -v trace-cmd >/dev/null || { skip "trace-cmd not installed"; exit 77; }

# report text -> trace_pipe text, as the kernel prints it (kernel/trace/trace_output.c)
to_pipe() {
	python3 - "$1" "$2" <<'PY'
import re, sys, zlib
line = re.compile(r'^\s*(.*)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+([^:\s]+):\s*(.*)$')
with open(sys.argv[1]) as f, open(sys.argv[2], 'w') as out:
    for l in f:
        m = line.match(l.rstrip('\n'))
        if not m:
            continue                      # "cpus=2": trace_pipe has no header
        comm, pid, cpu, ts, name, rest = m.groups()
        if name == 'print':               # "print: tracing_mark_write: TEXT"
            name, _, rest = rest.partition(': ')
        def ptr(p):
            v = p.group(1)
            # %p: NULL as zeros, anything else hashed
            h = '0' * 16 if v in ('(nil)', '0x0') else '%016x' % (zlib.crc32(v.encode()) | 1 << 40)
            return 'page=' + h
        rest = re.sub(r'page=(\S+)', ptr, rest)
        out.write('%16s-%-7s [%03d] d..2. %12s: %s: %s\n' % (comm, pid, int(cpu), ts, name, rest))
PY
}

# same_result NAME BINARY.json TEXT.json FORMAT COMPRESSION
same_result() {
	python3 - "$2" "$3" "$4" "$5" <<'PY' >"$TMP/cmp" 2>&1
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
def eq(what, x, y):
    if x != y:
        bad.append('%s: %r != %r' % (what, x, y)[:300])
eq('events', a['events'], b['events'])
eq('trace.events', a['trace']['events'], b['trace']['events'])
eq('trace.nr_cpus', a['trace']['nr_cpus'], b['trace']['nr_cpus'])
eq('lost_events', a['lost_events'], b['lost_events'])
eq('zones', [(z['zone'], z['free_blocks']) for z in a['zones']],
   [(z['zone'], z['free_blocks']) for z in b['zones']])
eq('compaction.observed', a['compaction']['observed'], b['compaction']['observed'])
eq('fallbacks', a['fallbacks'], b['fallbacks'])
eq('fidelity', a['fidelity'], b['fidelity'])
eq('checks', [[z['free_blocks_error'] for z in c['zones']] for c in a.get('checks', [])],
   [[z['free_blocks_error'] for z in c['zones']] for c in b.get('checks', [])])
eq('model.start.aligned_by', a['model'].get('start', {}).get('aligned_by'),
   b['model'].get('start', {}).get('aligned_by'))
eq('model.check.aligned_by', a['model'].get('check', {}).get('aligned_by'),
   b['model'].get('check', {}).get('aligned_by'))
eq('trace.format', b['trace']['format'], sys.argv[3])
eq('trace.compression', b['trace']['compression'], sys.argv[4])
eq('trace.file_version', b['trace']['file_version'], None)
eq('trace.unknown_lines', b['trace']['unknown_lines'], 0)
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	if [ $? -eq 0 ]; then ok "$1"; else nok "$1"; sed 's/^/#   /' "$TMP/cmp" | head -8; fi
}

# compact-heavy has pagemap:mm_lru_insertion (migration targets): the text gives it too
for t in traces/compact-small.dat traces/pagecache-small.dat traces/compact-heavy.dat; do
	[ -e "$t" ] || { nok "$t missing"; continue; }
	b=$(basename "$t" .dat)
	st=traces/$b.state
	states=()
	[ -d "$st/start" ] && states=(--from-state "$st/start" --check-state "$st/end")
	expect_exit 0 "replay $b.dat" -- "$MMFRAG" replay -q "${states[@]}" -o "$TMP/$b.bin.json" "$t"
	trace-cmd report "$t" >"$TMP/$b.report" 2>/dev/null
	to_pipe "$TMP/$b.report" "$TMP/$b.pipe"
	fmts=(report pipe)
	# its markers' caller prints as an address, which to_pipe cannot name as trace_pipe does
	[ "$b" = compact-heavy ] && fmts=(report)
	for fmt in "${fmts[@]}"; do
		f=$TMP/$b.$fmt
		want=$([ $fmt = report ] && echo "trace-cmd report" || echo trace_pipe)
		zs=("")
		# every compression on one trace: the other checks the layouts only
		if [ "$b" = compact-small ]; then
			zstd -q -f "$f" -o "$f.zst"; gzip -c "$f" >"$f.gz"; xz -T1 -0 -c "$f" >"$f.xz"
			zs=("" .zst .gz .xz)
		fi
		for z in "${zs[@]}"; do
			case $z in .zst) c=zstd ;; .gz) c=gzip ;; .xz) c=xz ;; *) c=none ;; esac
			if "$MMFRAG" replay -q "${states[@]}" -o "$TMP/$b.$fmt$z.json" "$f$z" 2>"$TMP/err"; then
				same_result "$b $fmt text ($c) replays as its trace.dat" \
					"$TMP/$b.bin.json" "$TMP/$b.$fmt$z.json" "$want" "$c"
			else
				nok "$b $fmt text ($c) replays"; sed 's/^/#   /' "$TMP/err" | head -3
			fi
		done
	done
done

b=compact-small
st=(--from-state traces/$b.state/start --check-state traces/$b.state/end)

# The document of a text trace is valid against the schema.
out=$(schema_errors doc/mmfrag-result.schema.json "$TMP/$b.pipe.zst.json")
[ $? -eq 0 ] && [ -z "$out" ] && ok "text trace result matches the schema" ||
	{ nok "text trace result matches the schema"; echo "$out" | head -5 | sed 's/^/#   /'; }

# Unknown lines: counted, a warning, never fatal, and the rest replays the same.
awk 'NR == 5 { print "this is not an event" } NR == 900 { print "    garbage-12 [x] 1.0: nothing" }
     { print } END { print "trailing junk" }' "$TMP/$b.pipe" >"$TMP/junk.txt"
expect_exit 0 "a text trace with unknown lines replays" -- \
	"$MMFRAG" replay -q "${st[@]}" -o "$TMP/junk.json" "$TMP/junk.txt"
[ "$(json_get "$TMP/junk.json" 'd["trace"]["unknown_lines"]')" = 3 ] && ok "unknown lines counted (3)" ||
	nok "unknown lines counted: $(json_get "$TMP/junk.json" 'd["trace"]["unknown_lines"]')"
json_get "$TMP/junk.json" '[w for w in d["warnings"] if "3 lines of the text trace not understood" in w and "line 5" in w]' |
	grep -q "not understood" && ok "unknown lines warned, first one named" || nok "unknown lines warned"
[ "$(json_get "$TMP/junk.json" '[z["free_blocks"] for z in d["zones"]]')" = \
  "$(json_get "$TMP/$b.bin.json" '[z["free_blocks"] for z in d["zones"]]')" ] &&
	ok "unknown lines change nothing else" || nok "unknown lines change nothing else"

# Lost events: "CPU:N [LOST M EVENTS]" in either layout reaches lost_events per CPU.
for fmt in report pipe; do
	awk 'NR == 3000 { print "CPU:1 [LOST 42 EVENTS]" } NR == 4000 { print "CPU:0 [LOST EVENTS]" } { print }' \
		"$TMP/$b.$fmt" >"$TMP/lost.txt"
	expect_exit 0 "$fmt text with lost-event lines replays" -- \
		"$MMFRAG" replay -q "${st[@]}" -o "$TMP/lost.json" "$TMP/lost.txt"
	[ "$(json_get "$TMP/lost.json" '(d["lost_events"], d["lost_events_per_cpu"], d["lost_events_unknown"], d["trace"]["unknown_lines"])')" = "(42, [0, 42], 1, 0)" ] &&
		ok "$fmt text: lost events counted per CPU" ||
		nok "$fmt text: lost events: $(json_get "$TMP/lost.json" '(d["lost_events"], d["lost_events_per_cpu"], d["lost_events_unknown"])')"
done

# The trace file's own header and the record-tgid column ("comm-pid (tgid) [cpu]").
{ printf '# tracer: nop\n#\n# entries-in-buffer/entries-written: 1/1   #P:2\n#\n'
  sed -E 's/^( *[^ ].*-([0-9]+)) +\[/\1 (\2) [/' "$TMP/$b.pipe"; } >"$TMP/tgid.txt"
expect_exit 0 "a trace file with header and tgid column replays" -- \
	"$MMFRAG" replay -q "${st[@]}" -o "$TMP/tgid.json" "$TMP/tgid.txt"
same_result "header and tgid column: same result" "$TMP/$b.bin.json" "$TMP/tgid.json" trace_pipe none

# The kernel's own trace_pipe output (tests/data/trace-pipe/sample.txt, see its README).
expect_exit 0 "the kernel's trace_pipe text replays" -- "$MMFRAG" replay --json tests/data/trace-pipe/sample.txt
[ "$(json_get "$TMP/out" '(d["trace"]["format"], d["trace"]["events"], d["trace"]["unknown_lines"], d["lost_events_per_cpu"], d["events"]["print"], d["events"]["mm_compaction_end"])')" = \
  "('trace_pipe', 76, 0, [0, 32677], 1, 1)" ] && ok "trace_pipe text: format, events, lost events, markers" ||
	nok "trace_pipe text: $(json_get "$TMP/out" '(d["trace"]["format"], d["trace"]["events"], d["trace"]["unknown_lines"], d["lost_events_per_cpu"])')"

# report and compare take a text trace as they take a trace.dat: replayed first.
expect_exit 0 "report of a text trace replays it" -- "$MMFRAG" report --json "$TMP/$b.pipe.zst"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["trace"]["format"] != "trace_pipe")' \
	"$TMP/out" 2>/dev/null && ok "report of a text trace: its result" || nok "report of a text trace: its result"
expect_exit 0 "compare a text trace with its trace.dat" -- "$MMFRAG" compare --json "$TMP/$b.report" traces/$b.dat

# Cut compressed files and garbage: one error line, exit 1.
for z in zst gz xz; do
	f=$TMP/$b.pipe.$z
	head -c $(($(stat -c %s "$f") / 2)) "$f" >"$TMP/cut.$z"
	expect_error 1 "a cut .$z text trace is one error" "truncated" -- \
		"$MMFRAG" replay -q -o "$TMP/cut.json" "$TMP/cut.$z"
done
head -c 100000 /dev/urandom >"$TMP/garbage.bin"
expect_error 1 "binary garbage is one error" "not a trace.dat" -- \
	"$MMFRAG" replay -q -o "$TMP/g.json" "$TMP/garbage.bin"
printf 'hello\nworld\n' >"$TMP/words.txt"
expect_error 1 "text without events is one error" "no ftrace event line" -- \
	"$MMFRAG" replay -q -o "$TMP/g.json" "$TMP/words.txt"
printf 'hello\nworld\n' | gzip >"$TMP/words.gz"
expect_error 1 "compressed text without events is one error" "no ftrace event line" -- \
	"$MMFRAG" replay -q -o "$TMP/g.json" "$TMP/words.gz"
# A plain text cut mid-line: the partial last line is an unknown line and a warning.
head -c 500000 "$TMP/$b.pipe" >"$TMP/cut.txt"
"$MMFRAG" replay -q -o "$TMP/cut.json" "$TMP/cut.txt" 2>/dev/null
[ $? -le 1 ] && python3 - "$TMP/cut.json" <<'PY' 2>/dev/null && ok "a plain text cut mid-line is warned about" || nok "a plain text cut mid-line is warned about"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not any('cut short' in w for w in d['warnings']))
PY

finish
