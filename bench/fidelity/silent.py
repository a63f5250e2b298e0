#!/usr/bin/env python3
"""silent.py REPORT.txt TRACE.state -- pages that left or joined buddy with no event.

REPORT.txt is `trace-cmd report TRACE` (text; the capture markers must be in it).  For each
pair of consecutive captures that have kpageflags.zst (mmfrag record --kpageflags-interval,
bench/fidelity/heavy-compaction.sh -K), the pfns whose BUDDY bit changed between the two
scans while no page event named them (mm_page_alloc, _zone_locked, _free, _free_batched,
_pcpu_drain, _alloc_extfrag, over the event's 2^order pages) between the first capture's
begin marker and the second's end marker.  Compaction's isolations are summaries, not
page events: an interval with compaction events is marked, since its free scanners'
isolations and migration targets leave buddy with no page event of their own.
Per interval and zone: pages that left buddy silently and joined it silently, the runs of
contiguous pfns, and the first event that names each silent leaver after the interval (if
any), which usually says where it went (a pcpu_drain: it sat on a per-CPU list).  No model.
Needs zstd.
"""
import os
import re
import sys
from collections import Counter

from capdir import kpageflags, zones

BUDDY = 1 << 10
EV = re.compile(r"\s(\d+\.\d+): (mm_page_\w+):\s+page=\S+ pfn=0x([0-9a-f]+)(?: order=(\d+))?"
                r"(?:.*?migratetype=(-?\d+))?")
MARK = re.compile(r"\s(\d+\.\d+): print:.*mmfrag-capture-(begin|end) (\S+)")
CP = re.compile(r"\s(\d+\.\d+): mm_compaction_(isolate_freepages|fast_isolate_freepages|"
                r"begin|end)")


def runs(pfns):
    out = []
    for p in sorted(pfns):
        if out and p == out[-1][1]:
            out[-1][1] = p + 1
        else:
            out.append([p, p + 1])
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    report, state = sys.argv[1], sys.argv[2]
    caps = [c for c in os.listdir(state)
            if os.path.exists(os.path.join(state, c, "kpageflags.zst"))]
    # one pass over the report: capture markers, page events (time, pfn, order, kind, mt)
    marks, events, cwin = {}, [], []
    with open(report, errors="replace") as f:
        for line in f:
            m = EV.search(line)
            if m:
                events.append((float(m.group(1)), int(m.group(3), 16), int(m.group(4) or 0),
                               m.group(2), m.group(5)))
                continue
            m = MARK.search(line)
            if m:
                marks[(m.group(3), m.group(2))] = float(m.group(1))
                continue
            m = CP.search(line)
            if m:
                cwin.append(float(m.group(1)))
    caps = sorted((c for c in caps if (c, "begin") in marks and (c, "end") in marks),
                  key=lambda c: marks[(c, "begin")])
    if len(caps) < 2:
        sys.exit("silent.py: fewer than two captures with kpageflags and markers in %s" % report)
    zs = zones(os.path.join(state, caps[0]))
    prev = kpageflags(os.path.join(state, caps[0]))
    for a, b in zip(caps, caps[1:]):
        cur = kpageflags(os.path.join(state, b))
        t0, t1 = marks[(a, "begin")], marks[(b, "end")]
        named = set()
        for t, pfn, order, _, _ in events:
            if t0 <= t <= t1:
                named.update(range(pfn, pfn + (1 << min(order, 10))))
        compacting = any(t0 <= t <= t1 for t in cwin)
        print("%s -> %s (%.3f s%s)" % (a, b, t1 - t0,
                                      ", compaction in the interval" if compacting else ""))
        for name, lo, hi in zs:
            hi = min(hi, len(cur), len(prev))
            left = [p for p in range(lo, hi)
                    if prev[p] & BUDDY and not cur[p] & BUDDY and p not in named]
            joined = [p for p in range(lo, hi)
                      if cur[p] & BUDDY and not prev[p] & BUDDY and p not in named]
            if not left and not joined:
                continue
            print("  %-8s left buddy silently %6d  joined silently %6d" %
                  (name, len(left), len(joined)))
            if left:
                r = runs(left)
                print("    left, %d runs; first: %s" % (len(r), " ".join(
                    "%x+%d" % (s, e - s) for s, e in r[:8])))
                fate, want = Counter(), set(left)
                for t, pfn, order, kind, mt in events:
                    if t > t1 and pfn in want:
                        fate["%s order=%d mt=%s" % (kind, order, mt)] += 1
                        want.discard(pfn)
                fate["no later event"] = len(want)
                print("    their next event: " + ", ".join(
                    "%s %d" % kv for kv in fate.most_common(6)))
                print("    flags now: " + ", ".join("%x %d" % kv for kv in Counter(
                    cur[p] for p in left).most_common(5)))
            if joined:
                r = runs(joined)
                print("    joined, %d runs; first: %s" % (len(r), " ".join(
                    "%x+%d" % (s, e - s) for s, e in r[:8])))
        prev = cur


if __name__ == "__main__":
    main()
