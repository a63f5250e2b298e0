#!/usr/bin/env bash
# Output files (-o): a regular file is replaced whole or not at all; a device, a FIFO or a
# symlink's target is written in place and never replaced; "-" is standard output; every
# write error (ENOSPC on a full device) is an error.  The devices, FIFOs and symlinks are
# made here in $TMP, never the machine's own /dev entries.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

T=traces/compact-small.dat
"$MMFRAG" replay -q -o "$TMP/ref.json" "$T" 2>"$TMP/err" || { nok "reference replay"; finish; }
json_ok "$TMP/ref.json" && ok "reference result written" || nok "reference result written"

# kind PATH: what is at PATH now, for the before/after checks
kind() { stat -c '%F %t:%T' "$1" 2>/dev/null || echo missing; }

# -o -: the document on stdout, once, and no summary
expect_exit 0 "replay -o - exits 0" -- "$MMFRAG" replay -o - "$T"
cmp -s "$TMP/out" "$TMP/ref.json" && ok "-o - writes the document to stdout" ||
	nok "-o - writes the document to stdout"
[ ! -e ./- ] && ok "-o - creates no file named '-'" || { nok "-o - creates no file named '-'"; rm -f ./-; }
expect_exit 0 "replay --json -o - exits 0" -- "$MMFRAG" replay --json -o - "$T"
cmp -s "$TMP/out" "$TMP/ref.json" && ok "--json -o - prints the document once" ||
	nok "--json -o - prints the document once"

if [ "$(id -u)" -eq 0 ]; then
	mknod -m 666 "$TMP/null" c 1 3 && mknod -m 666 "$TMP/full" c 1 7
	before=$(kind "$TMP/null")
	expect_exit 0 "-o on a null device exits 0" -- "$MMFRAG" replay -q -o "$TMP/null" "$T"
	[ "$(kind "$TMP/null")" = "$before" ] && ok "a null device stays a device" ||
		nok "a null device stays a device (now $(kind "$TMP/null"))"
	ls "$TMP"/null.tmp* >/dev/null 2>&1 && nok "no temporary file beside the device" ||
		ok "no temporary file beside the device"
	before=$(kind "$TMP/full")
	expect_error 1 "-o on a full device is a write error" "No space left" -- \
		"$MMFRAG" replay -q -o "$TMP/full" "$T"
	[ "$(kind "$TMP/full")" = "$before" ] && ok "a full device stays a device" ||
		nok "a full device stays a device (now $(kind "$TMP/full"))"
	ln -s "$TMP/null" "$TMP/null-link"
	expect_exit 0 "-o on a symlink to a device exits 0" -- "$MMFRAG" replay -q -o "$TMP/null-link" "$T"
	[ -L "$TMP/null-link" ] && [ -c "$TMP/null" ] && ok "the symlink and its device stay" ||
		nok "the symlink and its device stay"
else
	skip "devices: mknod needs root"
fi

# a FIFO is written in place: its reader gets the whole document
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/fifo.out" &
reader=$!
expect_exit 0 "-o on a FIFO exits 0" -- timeout 60 "$MMFRAG" replay -q -o "$TMP/fifo" "$T"
wait "$reader"
[ -p "$TMP/fifo" ] && ok "the FIFO stays a FIFO" || nok "the FIFO stays a FIFO"
cmp -s "$TMP/fifo.out" "$TMP/ref.json" && ok "the FIFO's reader gets the document" ||
	nok "the FIFO's reader gets the document"

# a symlink to a regular file: the link stays, its target gets the new document
echo old >"$TMP/target.json"
ln -s target.json "$TMP/link.json"
expect_exit 0 "-o on a symlink to a file exits 0" -- "$MMFRAG" replay -q -o "$TMP/link.json" "$T"
[ -L "$TMP/link.json" ] && ok "the symlink stays a symlink" || nok "the symlink stays a symlink"
cmp -s "$TMP/target.json" "$TMP/ref.json" && ok "the symlink's target holds the document" ||
	nok "the symlink's target holds the document"

# a regular file is replaced whole; a failed run leaves it untouched
echo keep >"$TMP/keep.json"
expect_error 1 "a bad trace is an error" "nosuch.dat" -- "$MMFRAG" replay -q -o "$TMP/keep.json" "$TMP/nosuch.dat"
[ "$(cat "$TMP/keep.json")" = keep ] && ok "a failed replay leaves -o FILE untouched" ||
	nok "a failed replay leaves -o FILE untouched"
ls "$TMP"/keep.json.tmp* >/dev/null 2>&1 && nok "no temporary file left" || ok "no temporary file left"
mkdir "$TMP/dir"
expect_error 1 "-o on a directory is an error" "$TMP/dir" -- "$MMFRAG" replay -q -o "$TMP/dir" "$T"

# a full file system (root: a 1 MiB tmpfs) is an error, not a short document
if [ "$(id -u)" -eq 0 ] && mkdir "$TMP/small" && mount -t tmpfs -o size=64k tmpfs "$TMP/small" 2>/dev/null; then
	dd if=/dev/zero of="$TMP/small/fill" bs=4k 2>/dev/null	# until ENOSPC
	expect_error 1 "-o on a full file system is an error" "No space left" -- \
		"$MMFRAG" replay -q -o "$TMP/small/r.json" "$T"
	[ ! -e "$TMP/small/r.json" ] && ok "nothing half-written on a full file system" ||
		nok "nothing half-written on a full file system"
	ls "$TMP"/small/r.json.tmp* >/dev/null 2>&1 && nok "no temporary file on the full file system" ||
		ok "no temporary file on the full file system"
	umount "$TMP/small"
else
	skip "full file system: needs root and tmpfs"
fi
finish
