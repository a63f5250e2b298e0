#!/bin/bash
# bench/record-large.sh -- record the large benchmark trace on this machine (root).
#
# Produces (bench/work/ is git-ignored):
#   bench/work/large.dat        trace-cmd's default format here: v7, zstd-compressed
#   bench/work/large-v6.dat     the same trace converted: v6, uncompressed
#   bench/work/large.state/     start/ and end/ captures (tests/tools/capture.sh),
#                               record-command, event-counts, buffer-stat, dump-summary
# Workload (recipe "large" of tests/tools/record-trace.sh): hugetlb pool leaves ~6 GiB
# free; fragment -m 4608 -t 2048 (4.5 GiB of 4K pages, every other page freed, 2 GiB
# THP); hugetlb pool +512 pages; compact_memory; release.  Expect > 5M events, ~1 minute.
# tracefs state (tracing_on=1, buffer_size_kb=1410, set_event empty) and nr_hugepages
# are restored afterwards, also on failure.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$HERE/work"
exec "$HERE/../tests/tools/record-trace.sh" -o "$HERE/work/large.dat" large "$@"
