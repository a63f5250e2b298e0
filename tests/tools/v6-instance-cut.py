#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A v6 trace.dat with a buffer instance (trace-cmd record --file-version 6 -B NAME),
cut to PAGES ring-buffer pages per CPU of its first instance: CUT.dat is the file cut by
fuzz/cut-trace.py (headers, formats, top options and top buffer), to which the instance's
table and pages from ORIG.dat are appended and its BUFFER option pointed at them.  With
OPTION arguments (as tests/tools/trace-add-options.py's, raw:ID:HEX, offset:TEXT,
tsc2nsec:...) the instance's table starts with "options  " and them, a layout
libtracecmd reads (read_options_type()) though trace-cmd 3.1.6 does not write it.  CUT
"-": ORIG is such a cut already (its instance's table last), rewritten.

usage: v6-instance-cut.py ORIG.dat CUT.dat|- OUT.dat PAGES [OPTION...]"""
import importlib.util
import os
import struct
import sys


def buffer_options(d):
    """(offset of the BUFFER option's data, table offset, name) of a v6 file's options"""
    pos = d.index(b"options  \0") + 10
    out = []
    while True:
        oid = struct.unpack_from("<H", d, pos)[0]
        if oid == 0:
            return out
        size = struct.unpack_from("<I", d, pos + 2)[0]
        if oid == 3:
            name = d[pos + 14:pos + 6 + size].split(b"\0")[0]
            out.append((pos + 6, struct.unpack_from("<Q", d, pos + 6)[0], name))
        pos += 6 + size


def main():
    orig = open(sys.argv[1], "rb").read()
    pages = int(sys.argv[4])
    spec = importlib.util.spec_from_file_location(
        "addopt", os.path.join(os.path.dirname(sys.argv[0]), "trace-add-options.py"))
    addopt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(addopt)
    page_size = struct.unpack_from("<I", orig, 14)[0]
    ncpu = struct.unpack_from("<I", orig, orig.index(b"options  \0") - 4)[0]
    (_, table, name), = buffer_options(orig)[:1]
    out = bytearray(orig[:table] if sys.argv[2] == "-" else open(sys.argv[2], "rb").read())
    (at, _, name2), = buffer_options(out)[:1]
    assert name == name2 and orig[table:table + 10] == b"flyrecord\0"
    cpus = [struct.unpack_from("<QQ", orig, table + 10 + 16 * i) for i in range(ncpu)]
    struct.pack_into("<Q", out, at, len(out))
    if sys.argv[5:]:
        out += b"options  \0"
        for a in sys.argv[5:]:
            i, data = addopt.option(a)
            out += struct.pack("<HI", i, len(data)) + data
        out += struct.pack("<H", 0)
    out += b"flyrecord\0"
    tab = len(out)
    out += b"\0" * (16 * ncpu)
    out += b"\0" * (-len(out) % page_size)
    for i, (off, size) in enumerate(cpus):
        n = min(size, pages * page_size)
        struct.pack_into("<QQ", out, tab + 16 * i, len(out) if n else 0, n)
        out += orig[off:off + n]
    open(sys.argv[3], "wb").write(out)


if __name__ == "__main__":
    main()
