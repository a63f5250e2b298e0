#!/usr/bin/env bash
# The drift series in the human report, --reanchor, and lost events: the model against
# every capture it met, the model reset to a capture with kpageflags, and the trace-time
# intervals where the ring buffer dropped events.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

t=traces/compact-small.dat st=traces/compact-small.state
[ -f "$t" ] && [ -d "$st/end" ] || { nok "no $t with $st/end"; finish; exit; }

# ---- the drift section: one row per check, the numbers of the document ---------------------
if "$MMFRAG" replay -q -o "$TMP/plain.json" "$t" 2>"$TMP/err" &&
   "$MMFRAG" report --section drift "$TMP/plain.json" >"$TMP/drift.out" 2>"$TMP/err"; then
	# each check's row, rebuilt from the JSON: name, time, every zone's error to 4 places
	json_get "$TMP/plain.json" '"\n".join(" ".join([c["capture"], "%.6f" % (c["time_ns"] / 1e9)] +
		["%.4f" % z["free_blocks_error"] for z in c["zones"]]) for c in d["checks"])' >"$TMP/want"
	awk '/^drift:/ { on = 1; next } on && /^  capture/ { next }
	     on && /^  [a-z0-9]/ && $1 != "lost" { s = $1 " " $2; for (i = 3; i <= NF && $i ~ /^[0-9.]+\*?$/; i++) { v = $i; sub(/\*$/, "", v); s = s " " v } print s }
	     /^$/ { on = 0 }' "$TMP/drift.out" >"$TMP/got"
	if [ -s "$TMP/want" ] && diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		ok "drift: one row per check with the document's free_blocks_error per zone"
	else
		nok "drift: rows differ from the document's checks"; sed 's/^/#   /' "$TMP/diff" | head -10
	fi
	# the first check with a zone past 0.01 is marked, and only that one: none here (every
	# zone of compact-small within 0.01); whatif-small's Normal ends past it (its targets
	# guessed without pagemap:mm_lru_insertion)
	grep -q "first past" "$TMP/drift.out" && nok "drift: a replay within 0.01 marks a capture" ||
		ok "drift: a replay within 0.01 marks no capture"
	if "$MMFRAG" replay -q -o "$TMP/past.json" traces/whatif-small.dat 2>"$TMP/err" &&
	   "$MMFRAG" report --section drift "$TMP/past.json" >"$TMP/past.out" 2>"$TMP/err"; then
		first=$(json_get "$TMP/past.json" 'next((c["capture"] for c in d["checks"] if any(z["free_blocks_error"] > 0.01 for z in c["zones"])), "")')
		got=$(awk '/first past 0.01/ { print $1 }' "$TMP/past.out")
		[ -n "$first" ] && [ "$got" = "$first" ] &&
			ok "drift: the first capture past 0.01 is marked ($first)" ||
			nok "drift: first past 0.01 is '$got', the document says '$first'"
	else
		nok "replay/report of traces/whatif-small.dat"; sed 's/^/#   /' "$TMP/err" | head -3
	fi
	"$MMFRAG" report --section drift --zone Normal "$TMP/plain.json" >"$TMP/dz.out" 2>&1
	hdr=$(awk '/^  capture/ { $1 = $2 = $3 = ""; print }' "$TMP/dz.out" | tr -s ' ')
	[ "$hdr" = " Normal" ] && ok "drift --zone Normal: one zone column" ||
		nok "drift --zone Normal: columns '$hdr'"
else
	nok "replay/report of $t"; sed 's/^/#   /' "$TMP/err" | head -3
fi
"$MMFRAG" report --section drift "$TMP/plain.json" | grep -q "lost on CPU" &&
	nok "drift: a trace without lost events lists none" ||
	ok "drift: a trace without lost events lists none"

# ---- free page reporting: a batch off the lists at the check ----------------------------
# A copy of compact-small whose end capture caught a report: DMA32's buddyinfo lacks 32
# order-10 blocks.  With free page reporting on at the start (page_reporting_order 9), the
# check counts them free again: the same errors as the original, reporting_blocks 32, said
# in the human report.  Off, or a lack of 31 (no full batch), it is the model's error.
rep() {	# rep DIR ON LACK
	mkdir -p "$1" && ln -sf "$TOP/$t" "$1/t.dat" && cp -r "$st" "$1/t.dat.state" &&
	awk -v lack="$3" '$4 == "DMA32" { $15 -= lack } { print }' "$st/end/buddyinfo" \
		>"$1/t.dat.state/end/buddyinfo" &&
	rm -f "$1/t.dat.state/end/buddyinfo.after" &&
	printf 'page_reporting_order 9\nfree_page_reporting %s\n' "$2" >>"$1/t.dat.state/start/sysctl"
}
errs='" ".join("%s=%.6f/%.3f/%s" % (z["zone"], z["check"]["free_blocks_error"], z["check"]["unusable_index_error"], z["check"].get("reporting_blocks", 0)) for z in d["zones"] if "check" in z)'
ends='" ".join("%.6f/%s" % (z["free_blocks_error"], z.get("reporting_blocks", 0)) for z in d["checks"][-1]["zones"])'
if rep "$TMP/rep-on" 1 32 && rep "$TMP/rep-off" 0 32 && rep "$TMP/rep-31" 1 31 &&
   rep "$TMP/rep-none" 1 0 &&
   "$MMFRAG" replay -q -o "$TMP/rep-on.json" "$TMP/rep-on/t.dat" 2>"$TMP/err" &&
   "$MMFRAG" replay -q -o "$TMP/rep-off.json" "$TMP/rep-off/t.dat" 2>>"$TMP/err" &&
   "$MMFRAG" replay -q -o "$TMP/rep-31.json" "$TMP/rep-31/t.dat" 2>>"$TMP/err" &&
   "$MMFRAG" replay -q -o "$TMP/rep-none.json" "$TMP/rep-none/t.dat" 2>>"$TMP/err"; then
	base=$(json_get "$TMP/rep-none.json" "$errs")
	on=$(json_get "$TMP/rep-on.json" "$errs")
	[ "$on" = "$(echo "$base" | sed 's|DMA32=\([^/]*/[^/]*\)/0|DMA32=\1/32|')" ] &&
		ok "reporting: a full batch caught off the lists is counted free ($on)" ||
		nok "reporting: with the batch '$on', without '$base'"
	[ "$(json_get "$TMP/rep-on.json" "$ends")" = "$(json_get "$TMP/rep-none.json" "$ends" | sed 's|^\([^ ]*\) \([^/]*\)/0|\1 \2/32|')" ] &&
		ok "reporting: the end check point of the drift series says the same" ||
		nok "reporting: check points '$(json_get "$TMP/rep-on.json" "$ends")'"
	off=$(json_get "$TMP/rep-off.json" 'next(z["check"].get("reporting_blocks", 0) for z in d["zones"] if z["zone"] == "DMA32")')
	e31=$(json_get "$TMP/rep-31.json" 'next("%d %.6f" % (z["check"].get("reporting_blocks", 0), z["check"]["free_blocks_error"]) for z in d["zones"] if z["zone"] == "DMA32")')
	e0=$(json_get "$TMP/rep-none.json" 'next(z["check"]["free_blocks_error"] for z in d["zones"] if z["zone"] == "DMA32")')
	[ "$off" = 0 ] && ok "reporting: off at the start, the lack is the model's error" ||
		nok "reporting: off, yet $off blocks counted free"
	[ "${e31%% *}" = 0 ] && python3 -c "import sys; sys.exit(not float('${e31#* }') > $e0)" &&
		ok "reporting: 31 blocks short is no full batch: an error ($e31)" ||
		nok "reporting: 31 short gave '$e31' (without: $e0)"
	"$MMFRAG" report "$TMP/rep-on.json" >"$TMP/rep.out" 2>&1
	grep -q "32 blocks being reported to the host, counted free" "$TMP/rep.out" &&
	grep -q "being reported  *32, counted free in the errors" "$TMP/rep.out" &&
		ok "reporting: the human report says so, in the drift series and the zone" ||
		nok "reporting: not in the human report"; 
else
	nok "reporting: replay of the copies"; sed 's/^/#   /' "$TMP/err" | head -3
fi

# ---- --reanchor ------------------------------------------------------------------------
if "$MMFRAG" replay -j --reanchor "$t" >"$TMP/re.json" 2>"$TMP/err"; then
	got=$(json_get "$TMP/re.json" '"%s %d %s" % (d["model"]["reanchor"], d["model"]["reanchored"], " ".join("%s=%s" % (c["capture"], c["reanchored"]) for c in d["checks"]))')
	[ "$got" = "True 1 start=False end=True" ] &&
		ok "--reanchor: reset at the end capture (kpageflags), said per check and counted" ||
		nok "--reanchor: got '$got'"
	# measured first: every check's error is the one measured without --reanchor
	same=$(python3 -c 'import json, sys
a, b = (json.load(open(f))["checks"] for f in sys.argv[1:])
print([[z["free_blocks_error"] for z in c["zones"]] for c in a] == [[z["free_blocks_error"] for z in c["zones"]] for c in b])' \
		"$TMP/plain.json" "$TMP/re.json")
	[ "$same" = True ] && ok "--reanchor: the errors are measured before the reset" ||
		nok "--reanchor: the checks' errors changed"
	# reset as a start capture seeds: the end state equals a replay started from the end
	# capture (the same kpageflags, at the same marker, then the same events)
	"$MMFRAG" replay -j --from-state "$st/end" --check-state "$st/end" "$t" >"$TMP/fromend.json" 2>"$TMP/err"
	same=$(python3 -c 'import json, sys
a, b = (json.load(open(f))["zones"] for f in sys.argv[1:])
print([z["free_blocks"] for z in a] == [z["free_blocks"] for z in b])' "$TMP/re.json" "$TMP/fromend.json")
	[ "$same" = True ] &&
		ok "--reanchor: the end state is the end capture's kpageflags plus the events after it" ||
		nok "--reanchor: end state differs from a replay seeded from the end capture"
	json_get "$TMP/plain.json" 'd["model"]["reanchor"], d["model"]["reanchored"], [c["reanchored"] for c in d["checks"]]' >"$TMP/x"
	[ "$(cat "$TMP/x")" = "(False, 0, [False, False])" ] &&
		ok "without --reanchor nothing is re-anchored" || nok "without --reanchor: $(cat "$TMP/x")"
	"$MMFRAG" replay --reanchor -o "$TMP/re-saved.json" "$t" >"$TMP/re.out" 2>&1
	grep -q "^  end .*re-anchored$" "$TMP/re.out" && ok "--reanchor: replay's summary says where" ||
		nok "--reanchor: replay's summary does not say re-anchored"
else
	nok "replay --reanchor $t"; sed 's/^/#   /' "$TMP/err" | head -3
fi
# a light capture (no kpageflags) has counts, not positions: measured, not re-anchored
mkdir -p "$TMP/light"
cp "$st/end/buddyinfo" "$st/end/pagetypeinfo" "$st/end/zoneinfo" "$st/end/meta" "$TMP/light/"
if "$MMFRAG" replay -j --reanchor --from-state "$st/start" --check-state "$TMP/light" "$t" \
	>"$TMP/light.json" 2>"$TMP/err"; then
	got=$(json_get "$TMP/light.json" '"%d %s" % (d["model"]["reanchored"], d["checks"][-1]["reanchored"])')
	[ "$got" = "0 False" ] && ok "--reanchor: a capture without kpageflags is not re-anchored" ||
		nok "--reanchor at a light capture: '$got'"
	json_get "$TMP/light.json" '"\n".join(d["warnings"])' | grep -q "never re-anchored" &&
		ok "--reanchor with no capture to reset to warns" ||
		nok "--reanchor with no capture to reset to: no warning"
else
	nok "replay --reanchor with a light check capture"; sed 's/^/#   /' "$TMP/err" | head -3
fi

# ---- lost events -----------------------------------------------------------------------
# a v6 copy of pagecache-small with a ring-buffer page flagged on each CPU: 777 events lost
# on CPU 0 between the captures, an unknown number on CPU 1 after the end capture
lt=traces/pagecache-small.dat
if python3 tests/tools/lose-events.py "$lt" "$TMP/lost.dat" 0 150 777 &&
   python3 tests/tools/lose-events.py "$TMP/lost.dat" "$TMP/lost.dat" 1 100; then
	ln -sfn "$TOP/${lt%.dat}.state" "$TMP/lost.state"
	"$MMFRAG" replay -j "$TMP/lost.dat" >"$TMP/lost.json" 2>"$TMP/err" || nok "replay lost.dat"
	got=$(json_get "$TMP/lost.json" '" ".join("%d:%d+%d:%s" % (l["cpu"], l["events"], l["unknown_losses"], l["next_capture"]) for l in d["lost_intervals"])')
	[ "$got" = "0:777+0:end 1:0+1:None" ] &&
		ok "lost events: one interval per CPU, the first capture after each" ||
		nok "lost events: intervals '$got'"
	# the interval runs from the CPU's event before the drop to its event after, as
	# trace-cmd report prints them around "CPU:N [... EVENTS DROPPED]"
	for cpu in 0 1; do
		want=$(trace-cmd report -t --cpu "$cpu" "$TMP/lost.dat" 2>/dev/null |
			awk '/EVENTS DROPPED/ { getline n; split(n, a, ": "); print prev, a[1]; exit }
			     { split($0, b, ": "); prev = b[1] }' | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+$/) printf "%s ", $i }')
		got=$(json_get "$TMP/lost.json" "\" \".join(\"%d.%09d\" % divmod(v, 10**9) for l in d[\"lost_intervals\"] if l[\"cpu\"] == $cpu for v in (l[\"from_ns\"], l[\"to_ns\"])) + \" \"")
		[ -n "$want" ] && [ "$got" = "$want" ] &&
			ok "lost events on CPU $cpu: $got, as trace-cmd report places the drop" ||
			nok "lost events on CPU $cpu: '$got', trace-cmd report: '$want'"
	done
	json_get "$TMP/lost.json" '"\n".join(d["warnings"])' >"$TMP/w"
	grep -q "CPU 0 lost 777 events between .*first capture after is 'end'" "$TMP/w" &&
		ok "lost events: the warning names the first capture after the loss" ||
		nok "lost events: no warning naming 'end'"
	json_get "$TMP/lost.json" '[c["after_lost_events"] for c in d["checks"]]' | grep -qx "\[False, True\]" &&
		ok "lost events: the end check says events were lost before it" ||
		nok "lost events: after_lost_events wrong"
	"$MMFRAG" replay -j --reanchor "$TMP/lost.dat" >"$TMP/lost-re.json" 2>"$TMP/err"
	got=$(json_get "$TMP/lost-re.json" '" ".join("%d:%s" % (l["cpu"], l["reanchored_at"]) for l in d["lost_intervals"])')
	[ "$got" = "0:end 1:None" ] && ok "lost events with --reanchor: re-anchored at the next capture" ||
		nok "lost events with --reanchor: '$got'"
	json_get "$TMP/lost-re.json" '"\n".join(d["warnings"])' >"$TMP/w"
	! grep -q "CPU 0 lost" "$TMP/w" && grep -q "CPU 1 lost an unknown number of events" "$TMP/w" &&
		ok "lost events with --reanchor: only the loss no capture follows is warned about" ||
		nok "lost events with --reanchor: warnings $(tr '\n' '|' <"$TMP/w")"
	"$MMFRAG" report --section drift "$TMP/lost-re.json" >"$TMP/ld.out"
	grep -q "^  lost on CPU 0: .*777 events; re-anchored at end$" "$TMP/ld.out" &&
		grep -q "^  end .*after lost events  re-anchored$" "$TMP/ld.out" &&
		ok "lost events: the drift section lists them and what followed" ||
		nok "lost events: drift section"
else
	nok "tests/tools/lose-events.py"
fi

# ---- the start point: where the seed is measured ---------------------------------------------
# With buddyinfo.after the start point is taken at the capture's end marker, the scan
# window's events applied, against that file (compact-small's seed: 0.0181 in Normal
# against the buddyinfo read before the scan, 0.0006 here); without it, or with a damaged
# one, right after seeding at the begin marker against buddyinfo.
startpt() {	# startpt JSON: "time_relative_to_seed max_error" of the start point
	json_get "$1" '"%s %.4f" % ("at-seed" if d["checks"][0]["time_ns"] == d["model"]["start"]["time_ns"] else "later", max(z["free_blocks_error"] for z in d["checks"][0]["zones"]))'
}
if "$MMFRAG" replay -j -q --from-state "$st/start" --check-state "$st/end" "$t" >"$TMP/sa.json" 2>/dev/null; then
	read -r when err <<<"$(startpt "$TMP/sa.json")"
	[ "$when" = later ] && python3 -c "import sys; sys.exit(not $err <= 0.01)" &&
		ok "start point at the end marker against buddyinfo.after ($err)" ||
		nok "start point at the end marker against buddyinfo.after ($when, $err)"
else
	nok "replay for the start point"
fi
cp -r "$st/start" "$TMP/noafter"
rm "$TMP/noafter/buddyinfo.after"
"$MMFRAG" replay -j -q --from-state "$TMP/noafter" --check-state "$st/end" "$t" >"$TMP/sn.json" 2>/dev/null
[ "$(startpt "$TMP/sn.json" | cut -d' ' -f1)" = at-seed ] &&
	ok "without buddyinfo.after the start point is taken at seeding" ||
	nok "without buddyinfo.after the start point is taken at seeding"
cp -r "$st/start" "$TMP/badafter"
echo "Node 0, zone  Elsewhere 1 2 3" >"$TMP/badafter/buddyinfo.after"
"$MMFRAG" replay -j -q --from-state "$TMP/badafter" --check-state "$st/end" "$t" >"$TMP/sb.json" 2>/dev/null
[ "$(startpt "$TMP/sb.json" | cut -d' ' -f1)" = at-seed ] &&
	json_get "$TMP/sb.json" 'any("buddyinfo.after" in w for w in d["warnings"])' | grep -q True &&
	ok "a damaged buddyinfo.after is warned about; the start point is taken at seeding" ||
	nok "a damaged buddyinfo.after is warned about; the start point is taken at seeding"
finish
