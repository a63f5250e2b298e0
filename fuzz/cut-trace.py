#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Cut a trace.dat of file format 6 (trace-cmd.dat.v6(5)) to PAGES ring-buffer pages per
CPU (1 unless given), from page FIRST on (0: the first): the fuzz seeds of the trace
readers (fuzz/corpus/trace/, fuzz/corpus/fly/).  Headers, formats, cmdlines and options are
kept as they are, kallsyms and printk formats dropped (emptied).  --thin empties the
formats and cmdlines too: the fly harness takes them from a fixture, not from its input.
--no-cmdlines empties the cmdlines alone (with PAGES 0: fuzz/fixtures/fly-tep.dat).
--big-endian (with --thin) writes the cut as a big-endian machine would have: numbers of
the headers, options and pages, ring-buffer items and each record's common_type and
common_pid swapped (the other fields are left as they are: the fly harness's seed of its
byte-swapping paths).  --instance (with --thin) adds DATE and OFFSET options and a
buffer instance "inst" whose table lists the same pages (the instance and timestamp-option
paths of flyrecord-file.c).  --v7-zlib (with --thin) writes the cut as a v7 file whose
CPU data are zlib chunks, one per CPU (trace-cmd 3.1.6 cannot write zlib), with no format
sections.

usage: cut-trace.py [--thin [--big-endian | --instance | --v7-zlib] | --no-cmdlines]
                    IN.dat OUT.dat [PAGES [FIRST]]"""
import struct
import sys
import zlib


def main():
    args = sys.argv[1:]
    thin = args[0] == "--thin"
    no_cmdlines = thin or args[0] == "--no-cmdlines"
    if args[0] in ("--thin", "--no-cmdlines"):
        args = args[1:]
    big = thin and args[0] == "--big-endian"
    inst = thin and args[0] == "--instance"
    v7z = thin and args[0] == "--v7-zlib"
    if big or inst or v7z:
        args = args[1:]
    src, dst = args[0], args[1]
    pages = int(args[2]) if len(args) > 2 else 1
    first = int(args[3]) if len(args) > 3 else 0
    d = open(src, "rb").read()
    if d[:10] != b"\x17\x08\x44tracing" or d[10:12] != b"6\0":
        sys.exit("%s: not a v6 trace.dat" % src)
    assert d[12] == 0, "little endian only"
    pos = 14 + 4                                  # magic, version, endian, long size, page size
    page_size = struct.unpack_from("<I", d, 14)[0]
    out = bytearray(d[:pos])

    def take(n):
        nonlocal pos
        b = d[pos:pos + n]
        pos += n
        return b

    for name in (b"header_page\0", b"header_event\0"):
        assert take(len(name)) == name
        size = struct.unpack("<Q", take(8))[0]
        out += name + struct.pack("<Q", size) + take(size)
    formats = bytearray()
    cnt = struct.unpack("<I", take(4))[0]             # ftrace formats
    formats += struct.pack("<I", cnt)
    for _ in range(cnt):
        size = struct.unpack("<Q", take(8))[0]
        formats += struct.pack("<Q", size) + take(size)
    nsys = struct.unpack("<I", take(4))[0]            # event systems
    formats += struct.pack("<I", nsys)
    for _ in range(nsys):
        end = d.index(b"\0", pos)
        formats += take(end - pos + 1)
        cnt = struct.unpack("<I", take(4))[0]
        formats += struct.pack("<I", cnt)
        for _ in range(cnt):
            size = struct.unpack("<Q", take(8))[0]
            formats += struct.pack("<Q", size) + take(size)
    out += struct.pack("<II", 0, 0) if thin else formats
    for _ in range(2):                                # kallsyms, printk formats: emptied
        size = struct.unpack("<I", take(4))[0]
        take(size)
        out += struct.pack("<I", 0)
    size = struct.unpack("<Q", take(8))[0]            # cmdlines
    cmdlines = take(size)
    out += struct.pack("<Q", 0) if no_cmdlines else struct.pack("<Q", size) + cmdlines
    ncpu = struct.unpack("<I", take(4))[0]
    out += struct.pack("<I", ncpu)
    while True:                                       # options, then flyrecord
        label = take(10)
        out += label
        if label == b"flyrecord\0":
            break
        assert label == b"options  \0", label
        while True:
            oid = struct.unpack("<H", take(2))[0]     # id 0 ends the list, no size
            out += struct.pack("<H", oid)
            if oid == 0:
                break
            osize = struct.unpack("<I", take(4))[0]
            out += struct.pack("<I", osize) + take(osize)
    cpus = [struct.unpack("<QQ", take(16)) for _ in range(ncpu)]
    table = len(out)
    out += b"\0" * (16 * ncpu)
    data_at = (len(out) + page_size - 1) // page_size * page_size
    out += b"\0" * (data_at - len(out))
    for i, (off, size) in enumerate(cpus):
        skip = min(size, first * page_size)
        n = min(size - skip, pages * page_size)
        struct.pack_into("<QQ", out, table + 16 * i, len(out) if n else 0, n)
        out += d[off + skip:off + skip + n]
    if big:
        out = to_big_endian(out, page_size)
    if inst:
        out = add_instance(out)
    if v7z:
        out = to_v7_zlib(out, page_size)
    open(dst, "wb").write(out)


def to_v7_zlib(d, page_size):
    """A v6 cut as v7 (trace-cmd.dat.v7(5)): header, one OPTIONS section (BUFFER of the
    top buffer, UNAME, DONE), one compressed FLYRECORD section of a zlib chunk per CPU."""
    at = d.index(b"options  \0") + 10
    top = d.index(b"flyrecord\0", at)
    ncpu = struct.unpack_from("<I", d, at - 14)[0]
    cpus = [struct.unpack_from("<QQ", d, top + 10 + 16 * i) for i in range(ncpu)]
    uname = d[d.index(b"Linux", at):]
    uname = uname[:uname.index(b"\0") + 1]
    chunks = []
    for off, size in cpus:
        pages = bytes(d[off:off + size])
        z = zlib.compress(pages, 9)
        chunks.append(struct.pack("<III", 1, len(z), len(pages)) + z if size else b"")
    head = d[:10] + b"7\0" + d[12:18] + b"zlib\0" + b"1.2.13\0"
    opt_off = len(head) + 8
    def options(fly):
        b = struct.pack("<Q", fly) + b"\0" + b"local\0" + struct.pack("<II", page_size, ncpu)
        pos = fly + 16
        for cpu, c in enumerate(chunks):
            b += struct.pack("<IQQ", cpu, pos if c else 0, len(c))
            pos += len(c)
        o = struct.pack("<HI", 3, len(b)) + b
        o += struct.pack("<HI", 5, len(uname)) + uname
        o += struct.pack("<HIQ", 0, 8, 0)
        return struct.pack("<HHIQ", 0, 0, 0, len(o)) + o
    fly = opt_off + len(options(0))
    body = b"".join(chunks)
    return (head + struct.pack("<Q", opt_off) + options(fly) +
            struct.pack("<HHIQ", 3, 1, 0, len(body)) + body)


def add_instance(d):
    """DATE, OFFSET and BUFFER "inst" options first in a v6 cut; the instance's table at
    the end, listing the top buffer's pages."""
    d = bytearray(d)
    at = d.index(b"options  \0") + 10
    top = d.index(b"flyrecord\0", at)
    ncpu = struct.unpack_from("<I", d, at - 14)[0]
    opts = bytearray()
    for oid, data in ((1, b"0x3e8\0"), (7, b"-250\0")):      # DATE (us), OFFSET (ns)
        opts += struct.pack("<HI", oid, len(data)) + data
    buf = struct.pack("<HI", 3, 8 + 5)                        # BUFFER: offset, "inst"
    delta = len(opts) + len(buf) + 8 + 5
    cpus = [struct.unpack_from("<QQ", d, top + 10 + 16 * i) for i in range(ncpu)]
    for i, (off, size) in enumerate(cpus):
        struct.pack_into("<QQ", d, top + 10 + 16 * i, off + delta if size else 0, size)
    table = len(d) + delta
    d[at:at] = opts + buf + struct.pack("<Q", table) + b"inst\0"
    d += b"flyrecord\0"
    for off, size in cpus:
        d += struct.pack("<QQ", off + delta if size else 0, size)
    return d


def swap(b, pos, n):
    """The n-byte number at pos, little-endian to big-endian."""
    b[pos:pos + n] = bytes(reversed(b[pos:pos + n]))


def to_big_endian(d, page_size):
    """A --thin cut (no formats, no kallsyms, printk formats or cmdlines), v6."""
    d = bytearray(d)
    d[12] = 1                                      # file endianness
    swap(d, 14, 4)                                 # page size
    pos = 18
    for name in (b"header_page\0", b"header_event\0"):
        pos += len(name)
        size = struct.unpack_from("<Q", d, pos)[0]
        swap(d, pos, 8)
        pos += 8 + size
    for n in (4, 4, 4, 4, 8):                      # ftrace, systems, kallsyms, printk, cmdlines
        assert not any(d[pos:pos + n]), "not a --thin cut"
        pos += n
    ncpu = struct.unpack_from("<I", d, pos)[0]
    swap(d, pos, 4)
    pos += 4
    while True:
        label = bytes(d[pos:pos + 10])
        pos += 10
        if label == b"flyrecord\0":
            break
        while True:
            oid = struct.unpack_from("<H", d, pos)[0]
            swap(d, pos, 2)
            pos += 2
            if oid == 0:
                break
            osize = struct.unpack_from("<I", d, pos)[0]
            swap(d, pos, 4)
            pos += 4
            if oid == 8 and osize >= 4:            # CPUCOUNT
                swap(d, pos, 4)
            if oid == 3 and osize >= 8:            # BUFFER: offset
                swap(d, pos, 8)
            pos += osize
    cpus = []
    for _ in range(ncpu):
        cpus.append(struct.unpack_from("<QQ", d, pos))
        swap(d, pos, 8)
        swap(d, pos + 8, 8)
        pos += 16
    for off, size in cpus:
        for pg in range(off, off + size - page_size + 1, page_size):
            commit = struct.unpack_from("<Q", d, pg + 8)[0]
            swap(d, pg, 8)                         # timestamp
            swap(d, pg + 8, 8)                     # commit (and the missed-events flags)
            lo, hi, at = pg + 16, pg + 16 + (commit & ((1 << 27) - 1)), pg + 16
            while at + 4 <= hi:
                w = struct.unpack_from("<I", d, at)[0]
                type_len, delta = w & 31, w >> 5
                struct.pack_into(">I", d, at, type_len << 27 | delta)
                if type_len == 29:                 # padding: its length
                    length = struct.unpack_from("<I", d, at + 4)[0]
                    swap(d, at + 4, 4)
                    at += 4 + length
                    continue
                if type_len in (30, 31):           # time extend, absolute time stamp
                    swap(d, at + 4, 4)
                    at += 8
                    continue
                if type_len == 0:
                    length = (struct.unpack_from("<I", d, at + 4)[0] - 4 + 3) & ~3
                    swap(d, at + 4, 4)
                    start = at + 8
                else:
                    length, start = type_len * 4, at + 4
                if start + 8 <= hi:
                    swap(d, start, 2)              # common_type
                    swap(d, start + 4, 4)          # common_pid
                at = start + length
    return d


main()
