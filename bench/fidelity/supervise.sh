#!/bin/bash
# bench/fidelity/supervise.sh NAME -- the model's guessed migration targets against the
# true ones.  NAME.dat (with NAME.dat.state/) must carry pagemap:mm_lru_insertion: replayed
# as is, the insertions attribute each target to its compaction run (the truth); the same
# trace without that event (trace-cmd report text, NAME-nolru.txt, made if missing) is
# replayed on the model's guesses.  Both replays run a debug binary that prints the runs,
# picks, targets and give-backs to stderr (supervise.diff, never committed to src/):
#   git worktree add /tmp/sv HEAD && cd /tmp/sv && git apply bench/fidelity/supervise.diff
#   make -j2 && MMFRAG_DBG=/tmp/sv/mmfrag bench/fidelity/supervise.sh NAME
# Prints totals (supervise.py) and the first runs where the two replays' picks part.
set -eu
N=$1
D=$(cd "$(dirname "$0")" && pwd)
B=${MMFRAG_DBG:?set MMFRAG_DBG to a binary built with supervise.diff}
[ -e "$N-nolru.txt" ] || trace-cmd report "$N.dat" 2>/dev/null | grep -v 'mm_lru_insertion:' >"$N-nolru.txt"
[ -e "$N-nolru.txt.state" ] || ln -s "$(basename "$N").dat.state" "$N-nolru.txt.state"
nice -n 19 "$B" replay --json "$N.dat" 2>"$N-sv-lru.txt" >/dev/null &
nice -n 19 "$B" replay --json "$N-nolru.txt" 2>"$N-sv-nolru.txt" >/dev/null
wait
python3 "$D/supervise.py" "$N-sv-lru.txt" "$N-sv-nolru.txt" "${ROWS:-40}"
