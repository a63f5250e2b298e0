#!/usr/bin/env python3
"""kpf-buddy.py CAPDIR... -- rebuild /proc/buddyinfo from a capture's kpageflags.zst.

For each capture directory (tests/tools/capture.sh output) decompresses
kpageflags.zst (needs the zstd program), takes every maximal run of pfns with
KPF_BUDDY (bit 10), clips it to each zone's [start_pfn, start_pfn + spanned) from
the capture's zoneinfo, splits it greedily into naturally aligned blocks of order
<= MAX_ORDER (10), and compares the per-zone counts with the captured buddyinfo
(read just before kpageflags) and buddyinfo.after (just after).  Prints the number
of blocks that differ.  Pure Python, no dependencies besides zstd; ~10 s per capture.
"""
import os
import re
import subprocess
import sys
from array import array

KPF_BUDDY = 1 << 10
MAX_ORDER = 10


def zones_from_zoneinfo(text):
    zones, cur = [], None
    for line in text.splitlines():
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            cur = {"node": int(m.group(1)), "name": m.group(2)}
            zones.append(cur)
            continue
        m = re.match(r"\s+spanned\s+(\d+)", line)
        if m and cur is not None:
            cur["spanned"] = int(m.group(1))
        m = re.match(r"\s+start_pfn:\s+(\d+)", line)
        if m and cur is not None:
            cur["start"] = int(m.group(1))
    return [z for z in zones if z.get("spanned") and "start" in z]


def buddyinfo(text):
    out = {}
    for line in text.splitlines():
        head, _, rest = line.partition("zone")
        f = rest.split()
        out[(int(head.split()[1].rstrip(",")), f[0])] = [int(x) for x in f[1:]]
    return out


def split_run(lo, hi, counts):
    while lo < hi:
        o = MAX_ORDER
        while o > 0 and (lo & ((1 << o) - 1) or lo + (1 << o) > hi):
            o -= 1
        counts[o] += 1
        lo += 1 << o


def check(d):
    raw = subprocess.run(["zstd", "-q", "-d", "-c", os.path.join(d, "kpageflags.zst")],
                         check=True, stdout=subprocess.PIPE).stdout
    flags = array("Q")
    flags.frombytes(raw)
    with open(os.path.join(d, "zoneinfo")) as f:
        zones = zones_from_zoneinfo(f.read())
    model = {}
    for z in zones:
        counts = [0] * (MAX_ORDER + 1)
        lo, hi = z["start"], min(z["start"] + z["spanned"], len(flags))
        pfn = lo
        while pfn < hi:
            if flags[pfn] & KPF_BUDDY:
                s = pfn
                while pfn < hi and flags[pfn] & KPF_BUDDY:
                    pfn += 1
                split_run(s, pfn, counts)
            else:
                pfn += 1
        model[(z["node"], z["name"])] = counts
    res = []
    for fn in ("buddyinfo", "buddyinfo.after"):
        p = os.path.join(d, fn)
        if not os.path.exists(p):
            continue
        with open(p) as f:
            bi = buddyinfo(f.read())
        diff = sum(abs(a - b) for k in bi for a, b in zip(bi[k], model.get(k, [0] * 11)))
        total = sum(sum(v) for v in bi.values())
        res.append("%s: %d of %d blocks differ" % (fn, diff, total))
    print("%s: %d pfns; %s" % (d, len(flags), "; ".join(res)))
    for k, v in model.items():
        print("   model Node %d, zone %8s %s" % (k[0], k[1], " ".join("%6d" % x for x in v)))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for d in sys.argv[1:]:
        check(d)
