#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Append an OPTIONS section to a little-endian, uncompressed trace.dat v7 (trace-cmd
convert --file-version 7 --compression none), linked from the file's last DONE option, as
trace-cmd's tracecmd_append_options() does: the timestamp options of tests/cli/tsoptions.sh.

usage: trace-add-options.py IN.dat OUT.dat OPTION...
  tsc2nsec:MULT,SHIFT[,OFFSET]   TSC2NSEC (14): mult 4, shift 4, offset 8
  offset:TEXT                    OFFSET (7): the text, NUL-terminated
  timeshift:FLAGS:CPU/CPU/...    TIME_SHIFT (12); a CPU is samples TIME,OFFSET,SCALING,FRACTION
                                 joined by ';' (none: empty); the fractions are written
  timeshift-nofrac:...           the same without the fractions (older trace-cmd)
  raw:ID:HEX                     any option, its data in hex"""
import struct
import sys


def timeshift(spec, frac):
    flags, cpus = spec.split(":", 1)
    cpus = cpus.split("/") if cpus else []
    b = struct.pack("<QII", 0x1234, int(flags, 0), len(cpus))
    fr = b""
    for c in cpus:
        s = [[int(x, 0) for x in t.split(",")] for t in c.split(";")] if c else []
        b += struct.pack("<I", len(s))
        for k in range(3):
            b += b"".join(struct.pack("<q", t[k]) for t in s)
        fr += b"".join(struct.pack("<q", t[3]) for t in s)
    return b + (fr if frac else b"")


def option(arg):
    kind, rest = arg.split(":", 1)
    if kind == "tsc2nsec":
        v = [int(x, 0) for x in rest.split(",")] + [0]
        return 14, struct.pack("<IIQ", v[0] & 0xffffffff, v[1], v[2])
    if kind == "offset":
        return 7, rest.encode() + b"\0"
    if kind in ("timeshift", "timeshift-nofrac"):
        return 12, timeshift(rest, kind == "timeshift")
    if kind == "raw":
        i, h = rest.split(":")
        return int(i), bytes.fromhex(h)
    sys.exit("unknown option kind " + kind)


def main():
    d = bytearray(open(sys.argv[1], "rb").read())
    if d[:10] != b"\x17\x08\x44tracing" or d[10:12] != b"7\0" or d[12] != 0:
        sys.exit("not a little-endian trace.dat v7")
    p = d.index(b"\0", d.index(b"\0", 18) + 1) + 1	# after compression name, version
    off = struct.unpack_from("<Q", d, p)[0]
    while True:
        sid, flags, _, size = struct.unpack_from("<HHIQ", d, off)
        if sid != 0 or flags & 1:
            sys.exit("OPTIONS section at %#x not plain" % off)
        q = off + 16
        while struct.unpack_from("<H", d, q)[0]:
            q += 6 + struct.unpack_from("<I", d, q + 2)[0]
        nxt = struct.unpack_from("<Q", d, q + 6)[0]
        if not nxt:
            break
        off = nxt
    struct.pack_into("<Q", d, q + 6, len(d))
    body = b""
    for a in sys.argv[3:]:
        i, data = option(a)
        body += struct.pack("<HI", i, len(data)) + data
    body += struct.pack("<HIQ", 0, 8, 0)
    d += struct.pack("<HHIQ", 0, 0, 0, len(body)) + body
    open(sys.argv[2], "wb").write(d)


if __name__ == "__main__":
    main()
