#!/usr/bin/env python3
# lose-events.py IN OUT CPU PAGE [COUNT]: copy a trace-cmd v6 trace.dat (uncompressed), with
# the ring buffer's "events were lost before this page" flag set on page PAGE of CPU's
# flyrecord data (with COUNT: the first page from PAGE on with 8 bytes free after its data), as the kernel sets it when the buffer overran (RB_MISSED_EVENTS, bit 31 of
# the page's commit word; with COUNT and room on the page, RB_MISSED_STORED and the count
# after the data, as rb_get_reader_page() stores it).  The reader then reports ev->missed on
# the page's first record.
import struct, sys

src, dst, cpu, page = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
count = int(sys.argv[5]) if len(sys.argv) > 5 else None
b = bytearray(open(src, 'rb').read())
if b[:10] != b'\x17\x08\x44tracing' or b[10:12] != b'6\0':
    sys.exit(f'{src}: not a trace-cmd v6 trace.dat')
if b[12] != 0 or b[13] != 8:
    sys.exit(f'{src}: not little-endian with 8-byte longs')
psize = struct.unpack_from('<I', b, 14)[0]
fly = b.find(b'flyrecord\0')
if fly < 0:
    sys.exit(f'{src}: no flyrecord section')
off, size = struct.unpack_from('<QQ', b, fly + 10 + 16 * cpu)
if (page + 1) * psize > size:
    sys.exit(f'{src}: CPU {cpu} has {size // psize} pages')
def commit_of(pg):
    return struct.unpack_from('<Q', b, off + pg * psize + 8)[0] & ((1 << 27) - 1)
while count is not None and 16 + commit_of(page) + 8 > psize:
    page += 1
    if (page + 1) * psize > size:
        sys.exit(f'{src}: CPU {cpu}: no page with room for a stored count')
p = off + page * psize
commit = commit_of(page)
flags = 1 << 31
if count is not None:
    flags |= 1 << 30
    struct.pack_into('<Q', b, p + 16 + commit, count)
struct.pack_into('<Q', b, p + 8, commit | flags)
open(dst, 'wb').write(b)
