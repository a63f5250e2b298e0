#!/usr/bin/env python3
# Decode the memory map of a result document (mmfrag-pageblocks/1, man mmfrag-replay) and
# check it against the document's own zone counters: at the last frame, per zone, the
# free blocks per order and the pageblocks per migratetype must equal zones[].free_blocks
# and zones[].pageblocks_by_type (or a simulation's), and at every frame a free block above
# pageblock_order must lie in pageblocks of one type.  Prints one line per map, exit 1 on a
# mismatch.
import base64, json, sys

MT = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"]
NO_PAGE = 7     # a pageblock without a page: in no zone counter, nothing free


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7f) << s; s += 7
        if not c & 0x80:
            return v, i


def record(b, i):
    h = b[i]; i += 1
    pairs = []
    for _ in range(h >> 3):
        o = b[i]; i += 1
        c, i = varint(b, i)
        pairs.append((o, c))
    return (h & 7, tuple(pairs)), i


def frames(pb):
    """The map after each frame: {(node, zone): [(mt, ((order, count), ...)), ...]}."""
    state = {}
    for f in pb["frames"]:
        for z in f["zones"]:
            key = (z["node"], z["zone"])
            if z["key"] or key not in state or len(state[key]) != z["pageblocks"]:
                state[key] = [(0, ())] * z["pageblocks"]
            recs, b, i, pos = state[key], base64.b64decode(z["data"]), 0, 0
            while i < len(b):
                skip, i = varint(b, i)
                run, i = varint(b, i)
                rec, i = record(b, i)
                pos += skip
                for k in range(run):
                    recs[pos + k] = rec
                pos += run
        yield f.get("label", ""), state


def decode(pb):
    state = {}
    for _, state in frames(pb):
        pass
    return state


def one_type(name, pb, zones, pbo):
    """A free block above pageblock_order has one type in all its pageblocks: the kernel
    merges such buddies only into one type (v6.10+), and pagetypeinfo lists it once."""
    first = {(z["node"], z["zone"]): z["start_pfn"] >> pbo for z in zones}
    bad = 0
    for label, state in frames(pb):
        for key, recs in state.items():
            for i, (mt, pairs) in enumerate(recs):
                for o, c in pairs:
                    if o <= pbo:
                        continue
                    span = 1 << (o - pbo)
                    g = i - (first[key] + i) % span
                    types = {recs[j][0] for j in range(max(g, 0), min(g + span, len(recs)))
                             if recs[j][0] != NO_PAGE}
                    if len(types) > 1 and not bad:
                        print("%s %s, frame %s: free block of order %d over pageblocks of types %s"
                              % (name, key[1], label, o, sorted(MT[t] for t in types)))
                        bad = 1
    return bad


def check(name, pb, zones, pbo):
    bad = 0
    state = decode(pb)
    for zr in zones:
        recs = state[(zr["node"], zr["zone"])]
        nr = [0] * len(zr["free_blocks"])
        types = {t: 0 for t in MT}
        for mt, pairs in recs:
            if mt == NO_PAGE:
                if pairs:
                    print("%s %s: a pageblock without a page has free blocks" % (name, zr["zone"]))
                    bad = 1
                continue
            types[MT[mt]] += 1
            for o, c in pairs:
                # a block above a pageblock is in each of its pageblocks once
                nr[o] += c if o <= pbo else 0
                if o > pbo:
                    nr[o] += c / (1 << (o - pbo))
        nr = [int(round(x)) for x in nr]
        if nr != zr["free_blocks"]:
            print("%s %s: free blocks %s != %s" % (name, zr["zone"], nr, zr["free_blocks"]))
            bad = 1
        if types != zr["pageblocks_by_type"]:
            print("%s %s: pageblocks %s != %s" % (name, zr["zone"], types, zr["pageblocks_by_type"]))
            bad = 1
        first, n = zr["start_pfn"] >> pbo << pbo, len(recs)
        want = (zr["start_pfn"] + zr["spanned"] - first + (1 << pbo) - 1) >> pbo
        if n != want:
            print("%s %s: %d pageblocks, spanned says %d" % (name, zr["zone"], n, want))
            bad = 1
    bad |= one_type(name, pb, zones, pbo)
    print("%s: %d frames, %s" % (name, len(pb["frames"]), "ok" if not bad else "MISMATCH"))
    return bad


d = json.load(open(sys.argv[1]))
bad = check("observed", d["pageblocks"], d["zones"], d["model"]["pageblock_order"])
for s in d.get("simulations", []):
    bad |= check(s["name"], s["pageblocks"], s["zones"], s["model"]["pageblock_order"])
sys.exit(bad)
