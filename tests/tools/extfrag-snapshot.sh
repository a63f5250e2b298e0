#!/bin/bash
# extfrag-snapshot.sh DIR [NAME] -- one consistent ground-truth set for the
# fragmentation-index formulas (kernel-mm-model.md §4).
#
# Protocol (each attempt): read /proc/buddyinfo, then
# /sys/kernel/debug/extfrag/extfrag_index and unusable_index, then /proc/buddyinfo
# again; the attempt counts only if both buddyinfo reads are byte-identical.  Then
# /proc/pagetypeinfo and /proc/zoneinfo are read and buddyinfo a third time; an
# attempt where that third read also matches is preferred ("strict").  Up to
# MMFRAG_SNAP_TRIES attempts (default 2000, 2 ms apart); the first strict attempt
# wins, else the first attempt that satisfied the basic rule.  All reads use bash
# builtins (no fork between them), so one attempt takes well under a millisecond.
#
# Writes DIR/{buddyinfo,extfrag_index,unusable_index,pagetypeinfo,zoneinfo,meta}.
# Exit 1 if no attempt succeeded (nothing written).  Root only.
set -u
die() { echo "extfrag-snapshot.sh: $*" >&2; exit 1; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: extfrag-snapshot.sh DIR [NAME]"
[ "$(id -u)" -eq 0 ] || die "must be run as root"
DIR=$1 NAME=${2:-$(basename -- "$1")}
EF=/sys/kernel/debug/extfrag
[ -r $EF/extfrag_index ] || die "$EF/extfrag_index not readable (debugfs mounted? CONFIG_COMPACTION?)"
TRIES=${MMFRAG_SNAP_TRIES:-2000}

rd() { IFS= read -r -d '' "$1" < "$2"; }

best='' tries=0 basic_ok=0 b2='' b3=''
for ((i = 1; i <= TRIES; i++)); do
	tries=$i
	rd b1 /proc/buddyinfo; rd e $EF/extfrag_index; rd u $EF/unusable_index; rd b2 /proc/buddyinfo
	if [ "$b1" = "$b2" ]; then
		rd p /proc/pagetypeinfo; rd z /proc/zoneinfo; rd b3 /proc/buddyinfo
		if [ "$b1" = "$b3" ]; then
			best=strict; break
		fi
		if [ -z "$best" ]; then
			best=basic basic_ok=$i
			sb=$b1 se=$e su=$u sp=$p sz=$z
		fi
	fi
	sleep 0.002
done
if [ "$best" = basic ]; then   # loop ran out: use the saved basic attempt
	b1=$sb e=$se u=$su p=$sp z=$sz
	tries=$basic_ok
fi
[ -n "$best" ] || die "no consistent read in $TRIES attempts (system too busy)"

mkdir -p -- "$DIR" || die "cannot create $DIR"
printf '%s' "$b1" > "$DIR/buddyinfo"
printf '%s' "$e" > "$DIR/extfrag_index"
printf '%s' "$u" > "$DIR/unusable_index"
printf '%s' "$p" > "$DIR/pagetypeinfo"
printf '%s' "$z" > "$DIR/zoneinfo"
cat > "$DIR/meta" <<EOF
name=$NAME
date=$(date +%s.%N)
kernel=$(uname -r)
consistency=$best
attempt=$tries
protocol=buddyinfo extfrag_index unusable_index buddyinfo(identical) pagetypeinfo zoneinfo buddyinfo(identical if consistency=strict)
EOF
echo "extfrag-snapshot.sh: $DIR: $best after $tries attempt(s)" >&2
