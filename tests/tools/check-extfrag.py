#!/usr/bin/env python3
"""check-extfrag.py DIR... -- verify extfrag_index / unusable_index against /proc/buddyinfo.

Recomputes both debugfs files from DIR/buddyinfo with the integer formulas of
kernel-mm-model.md §4 (mm/vmstat.c: fill_contig_page_info, __fragmentation_index,
unusable_free_index) and the debugfs print formats, and compares them byte for byte.
Prints one line per DIR; exit status 1 if any DIR mismatches.  No dependencies.
"""
import os
import sys


def parse_buddyinfo(text):
    zones = []
    for line in text.splitlines():
        head, _, rest = line.partition("zone")
        node = int(head.split()[1].rstrip(","))
        fields = rest.split()
        zones.append((node, fields[0], [int(x) for x in fields[1:]]))
    return zones


def info(nr_free, suitable_order):
    total = sum(nr_free)
    pages = sum(n << o for o, n in enumerate(nr_free))
    suitable = sum(n << (o - suitable_order) for o, n in enumerate(nr_free) if o >= suitable_order)
    return total, pages, suitable


def frag_index(nr_free, order):
    if order > len(nr_free) - 1:
        return 0
    total, pages, suitable = info(nr_free, order)
    if total == 0:
        return 0
    if suitable:
        return -1000
    return 1000 - (1000 + (pages * 1000) // (1 << order)) // total


def unusable_index(nr_free, order):
    total, pages, suitable = info(nr_free, order)
    if pages == 0:
        return 1000
    return ((pages - (suitable << order)) * 1000) // pages


def c_div(a, b):   # C truncating division / modulo for the %d.%03d print
    q = abs(a) // b * (1 if a >= 0 else -1)
    return q, a - q * b


def fmt_extfrag(zones):
    out = []
    for node, name, nr in zones:
        s = "Node %d, zone %8s " % (node, name)
        for o in range(len(nr)):
            idx = frag_index(nr, o)
            q, r = c_div(idx, 1000)
            s += "%2d.%03d " % (q, abs(r))
        out.append(s + "\n")
    return "".join(out)


def fmt_unusable(zones):
    out = []
    for node, name, nr in zones:
        s = "Node %d, zone %8s " % (node, name)
        for o in range(len(nr)):
            idx = unusable_index(nr, o)
            s += "%d.%03d " % (idx // 1000, idx % 1000)
        out.append(s + "\n")
    return "".join(out)


def main(dirs):
    bad = 0
    for d in dirs:
        with open(os.path.join(d, "buddyinfo")) as f:
            zones = parse_buddyinfo(f.read())
        res = []
        for fn, fmt in (("extfrag_index", fmt_extfrag), ("unusable_index", fmt_unusable)):
            with open(os.path.join(d, fn)) as f:
                got = f.read()
            want = fmt(zones)
            if got == want:
                res.append(fn + " OK")
            else:
                bad += 1
                res.append(fn + " MISMATCH")
                for g, w in zip(got.splitlines(), want.splitlines()):
                    if g != w:
                        res.append("\n   kernel: %r\n   model:  %r" % (g, w))
        nonneg = [(name, o) for _, name, nr in zones for o in range(len(nr)) if frag_index(nr, o) >= 0]
        hi = sorted({"%s:%d" % z for z in nonneg if z[1] >= 9})
        print("%s: %s; extfrag>=0 at order>=9: %s" % (d, ", ".join(res), " ".join(hi) or "none"))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
