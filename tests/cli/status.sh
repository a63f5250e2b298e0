#!/usr/bin/env bash
# mmfrag status: the kernel's debugfs files reproduced from captures, JSON, the live
# machine without root, and every usage and runtime error.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

# A usage error: exit 2, exactly one line on stderr, nothing on stdout.
expect_usage() {
	local name=$1; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$? lines
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne 2 ]; then nok "$name (exit $rc, wanted 2)"
	elif [ -s "$TMP/out" ]; then nok "$name (stdout not empty)"
	elif [ "$lines" -ne 1 ]; then nok "$name ($lines lines on stderr)"; sed 's/^/#   /' "$TMP/err" | head -3
	else ok "$name"; fi
}

# Byte-for-byte reproduction of /sys/kernel/debug/extfrag/* from each capture's buddyinfo
# (MMFRAG_EXTFRAG_DATA overrides where the captures are).
data=${MMFRAG_EXTFRAG_DATA:-tests/data/extfrag}
captures=("$data"/*/)
if [ ! -d "${captures[0]}" ]; then
	nok "no captures in $data"
else
	for c in "${captures[@]}"; do
		c=${c%/}
		for f in extfrag_index unusable_index; do
			[ -f "$c/$f" ] || continue
			if "$MMFRAG" status --proc "$c" --format "$f" >"$TMP/out" 2>"$TMP/err" &&
			   cmp -s "$TMP/out" "$c/$f"; then
				ok "status --format $f reproduces $c/$f"
			else
				nok "status --format $f reproduces $c/$f"
				diff "$c/$f" "$TMP/out" | head -6 | sed 's/^/#   /'
				sed 's/^/#   /' "$TMP/err" | head -2
			fi
		done
	done
	c=${captures[0]%/}

	expect_exit 0 "status --json on $c" -- "$MMFRAG" status --proc "$c" --json
	cp "$TMP/out" "$TMP/status.json"
	if json_ok "$TMP/status.json"; then ok "status --json is valid JSON"
	else nok "status --json is valid JSON"; fi
	want='["node","zone","start_pfn","spanned","present","managed","free_pages","free_blocks","unusable_index","extfrag_index","fragmentation_score","fragmentation_score_node"]'
	if json_get "$TMP/status.json" "d['schema'] == 'mmfrag-status/1' and all(all(k in z for k in $want) for z in d['zones']) and len(d['zones']) > 0" |
		grep -qx True; then ok "status JSON has the schema and the zone keys"
	else nok "status JSON has the schema and the zone keys"; fi
	if json_get "$TMP/status.json" "all(len(z['free_blocks']) == len(z['unusable_index']) == len(z['extfrag_index']) for z in d['zones'])" |
		grep -qx True; then ok "per-order arrays have one entry per order"
	else nok "per-order arrays have one entry per order"; fi
	"$MMFRAG" status --proc "$c" --format json >"$TMP/out2" 2>/dev/null
	cmp -s "$TMP/out2" "$TMP/status.json" && ok "--format json is --json" || nok "--format json is --json"
	if [ -f "$c/pagetypeinfo" ]; then
		json_get "$TMP/status.json" "all('pageblocks_by_type' in z for z in d['zones'])" | grep -qx True &&
			ok "pagetypeinfo gives per-type counts" || nok "pagetypeinfo gives per-type counts"
	fi

	# the same capture compressed reads the same
	mkdir -p "$TMP/zst"
	for f in buddyinfo zoneinfo pagetypeinfo; do
		[ -f "$c/$f" ] && zstd -q -c "$c/$f" >"$TMP/zst/$f.zst"
	done
	"$MMFRAG" status --proc "$TMP/zst" --json 2>"$TMP/err" | sed 's|"source": ".*"|"source": ""|' >"$TMP/a"
	sed 's|"source": ".*"|"source": ""|' "$TMP/status.json" >"$TMP/b"
	cmp -s "$TMP/a" "$TMP/b" && ok "NAME.zst captures read the same" ||
		{ nok "NAME.zst captures read the same"; sed 's/^/#   /' "$TMP/err" | head -2; }

	expect_exit 0 "status table on $c" -- "$MMFRAG" status --proc "$c"
	grep -q "free blocks" "$TMP/out" && grep -q "extfrag index" "$TMP/out" &&
		ok "table shows free blocks and indices" || nok "table shows free blocks and indices"
	expect_exit 0 "status --zone normal" -- "$MMFRAG" status --proc "$c" --zone normal --format extfrag_index
	if [ -s "$TMP/out" ] && ! grep -qv 'zone   Normal' "$TMP/out"; then ok "--zone keeps only that zone (any case)"
	else nok "--zone keeps only that zone (any case)"; fi
fi

# The live machine.
expect_exit 0 "status on the live machine" -- "$MMFRAG" status
expect_exit 0 "status --json on the live machine" -- "$MMFRAG" status --json
json_ok "$TMP/out" && ok "live --json is valid JSON" || nok "live --json is valid JSON"

# Without root: /proc/pagetypeinfo is mode 0400, which must not be an error.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# a copy nobody can reach and execute (the tree may sit under a 0700 directory)
	pub=$(mktemp -d /tmp/mmfrag-pub.XXXXXX)
	chmod 755 "$pub"
	install -m 755 "$MMFRAG" "$pub/mmfrag"
	asnobody=(setpriv --reuid=65534 --regid=65534 --clear-groups "$pub/mmfrag")
	expect_exit 0 "status as nobody" -- "${asnobody[@]}" status
	grep -q "no pagetypeinfo" "$TMP/out" && ok "as nobody, pagetypeinfo is left out" ||
		nok "as nobody, pagetypeinfo is left out"
	expect_exit 0 "status --json as nobody" -- "${asnobody[@]}" status --json
	if json_ok "$TMP/out" && json_get "$TMP/out" "all('pageblocks_by_type' not in z for z in d['zones'])" | grep -qx True
	then ok "as nobody, valid JSON without per-type data"
	else nok "as nobody, valid JSON without per-type data"; fi
	expect_exit 0 "status --format unusable_index as nobody" -- "${asnobody[@]}" status --format unusable_index
	rm -rf "$pub"
elif [ "$(id -u)" != 0 ]; then
	ok "running as a user already (status above ran without root)"
else
	skip "status as nobody (no setpriv)"
fi

# Usage errors: exit 2, one line, nothing on stdout.
expect_usage "unknown option" -- "$MMFRAG" status --no-such-option
expect_usage "unknown --format" -- "$MMFRAG" status --format yaml
expect_usage "missing option argument" -- "$MMFRAG" status --proc
expect_usage "stray argument" -- "$MMFRAG" status extra
expect_usage "bad --node" -- "$MMFRAG" status --node x
expect_usage "bad --hpage-order" -- "$MMFRAG" status --hpage-order 99
expect_exit 0 "status --help" -- "$MMFRAG" status --help
grep -q -- "--format" "$TMP/out" && ok "--help lists the options" || nok "--help lists the options"

# Runtime errors: exit 1, one line naming the object.
expect_error 1 "missing --proc directory" "$TMP/nonexistent" -- "$MMFRAG" status --proc "$TMP/nonexistent"
mkdir -p "$TMP/empty"
expect_error 1 "directory without buddyinfo" "$TMP/empty/buddyinfo" -- "$MMFRAG" status --proc "$TMP/empty"
mkdir -p "$TMP/bad"
printf 'Node 0, zone DMA 1 2 3\nNode 0, zone\n' >"$TMP/bad/buddyinfo"
expect_error 1 "malformed buddyinfo" "$TMP/bad/buddyinfo: line 2" -- "$MMFRAG" status --proc "$TMP/bad"
expect_error 1 "--zone matching nothing" "NoSuchZone" -- "$MMFRAG" status --zone NoSuchZone

finish
