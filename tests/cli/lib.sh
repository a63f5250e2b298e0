# Helpers for CLI tests: source it, call the checks, end with 'finish'.
# MMFRAG (the binary) and TOP (the repo) come from tests/run.sh; defaults for direct runs.
: "${TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${MMFRAG:=$TOP/mmfrag}"
TMP=$(mktemp -d /tmp/mmfrag-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
_failures=0

ok()   { echo "ok - $*"; }
nok()  { echo "not ok - $*"; _failures=$((_failures + 1)); }
skip() { echo "skip - $*"; }

# expect_exit STATUS NAME -- CMD...: run CMD, stdout to $TMP/out, stderr to $TMP/err.
expect_exit() {
	local want=$1 name=$2; shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else
		nok "$name (exit $rc, wanted $want)"; sed 's/^/#   /' "$TMP/err" | head -5; fi
}

# An error: the wanted status, exactly one line on stderr naming $what, nothing on stdout.
expect_error() {
	local want=$1 name=$2 what=$3; shift 4
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$? lines
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne "$want" ]; then nok "$name (exit $rc, wanted $want)"; sed 's/^/#   /' "$TMP/err" | head -3
	elif [ -s "$TMP/out" ]; then nok "$name (stdout not empty)"
	elif [ "$lines" -ne 1 ] && [ "$want" -ne 2 ]; then nok "$name ($lines lines on stderr)"; sed 's/^/#   /' "$TMP/err" | head -3
	elif ! grep -qF -- "$what" "$TMP/err"; then nok "$name (stderr does not name '$what')"; sed 's/^/#   /' "$TMP/err" | head -3
	else ok "$name"; fi
}

json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

# json_get FILE EXPR: evaluate a python expression on the document 'd'
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# counts_report TRACE: "event count" lines, the event names counted in trace-cmd report's output
counts_report() {
	trace-cmd report "$1" 2>/dev/null | awk '
		/^CPU [0-9]+ is empty/ || /^cpus=/ { next }
		{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { n = $(i + 1); sub(/:$/, "", n); c[n]++; break } }
		END { for (k in c) print k, c[k] }' | sort
}

# same_counts NAME TRACE RESULT: the result document's per-event counts equal counts_report's
same_counts() {
	local name=$1 trace=$2 result=$3
	counts_report "$trace" >"$TMP/want"
	json_get "$result" '"\n".join("%s %d" % (k, v) for k, v in sorted(d["events"].items()))' |
		sort >"$TMP/got"
	if [ -s "$TMP/want" ] && diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		ok "$name"
	else
		nok "$name"; head -20 "$TMP/diff" | sed 's/^/#   /'
	fi
}

finish() { [ "$_failures" -eq 0 ]; }

# schema_errors SCHEMA FILE: the JSON Schema violations of the document, one line each ("path:
# message"), nothing when it is valid; status 2 when the schema itself or the document does
# not load.  The validator is the one of the schema's "$schema" draft (python3-jsonschema).
schema_errors() {
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed"); sys.exit(2)
try:
    schema = json.load(open(sys.argv[1]))
    doc = json.load(open(sys.argv[2]))
except (OSError, ValueError) as e:
    print(e); sys.exit(2)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
for e in sorted(cls(schema).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
    print("/".join(map(str, e.absolute_path)) + ": " + e.message[:200])
PY
}

# schema_valid NAME SCHEMA FILE: ok when the document validates, else not ok with the errors
schema_valid() {
	local name=$1 out rc
	out=$(schema_errors "$2" "$3"); rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "$name"
	else nok "$name"; printf '%s\n' "$out" | head -8 | sed 's/^/#   /'; fi
}

# schema_invalid NAME SCHEMA FILE WHAT: ok when validation fails and an error mentions WHAT
schema_invalid() {
	local name=$1 what=$4 out rc
	out=$(schema_errors "$2" "$3"); rc=$?
	if [ "$rc" -eq 0 ] && [ -n "$out" ] && grep -qF -- "$what" <<<"$out"; then ok "$name"
	elif [ "$rc" -ne 0 ]; then nok "$name (validator failed)"; printf '%s\n' "$out" | head -3 | sed 's/^/#   /'
	else nok "$name (no error naming '$what')"; printf '%s\n' "$out" | head -3 | sed 's/^/#   /'; fi
}
