#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Cut a trace.dat of file format 6 (trace-cmd.dat.v6(5)) to PAGES ring-buffer pages per
CPU (1 unless given), from page FIRST on (0: the first): the fuzz seeds of the trace
readers (fuzz/corpus/trace/, fuzz/corpus/fly/).  Headers, formats, cmdlines and options are
kept as they are, kallsyms and printk formats dropped (emptied).  --thin empties the
formats and cmdlines too: the fly harness takes them from a fixture, not from its input.
--no-cmdlines empties the cmdlines alone (with PAGES 0: fuzz/fixtures/fly-tep.dat).

usage: cut-trace.py [--thin | --no-cmdlines] IN.dat OUT.dat [PAGES [FIRST]]"""
import struct
import sys


def main():
    args = sys.argv[1:]
    thin = args[0] == "--thin"
    no_cmdlines = thin or args[0] == "--no-cmdlines"
    if args[0] in ("--thin", "--no-cmdlines"):
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
    open(dst, "wb").write(out)


main()
