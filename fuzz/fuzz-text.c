// SPDX-License-Identifier: GPL-2.0
/*
 * The text-trace reader (src/trace/reader-text*.c): trace_pipe and `trace-cmd report`
 * text, plain or compressed, through mf_reader_open() and mf_reader_next() as replay reads
 * it.  The input is the file; when its last byte is 1, 2 or 3 (no text ends so), the file
 * is the rest of the input compressed with zstd, gzip or xz, so that the line parser also
 * runs behind each decompressor (a mutated compressed seed, taken as it is, tries the
 * decompressors' error paths).
 */
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "fuzz.h"
#include "mmfrag/event.h"
#include "mmfrag/reader.h"

static size_t gzip(unsigned char *out, size_t cap, const uint8_t *in, size_t n)
{
	z_stream z = { 0 };
	size_t len;

	/* 16 + MAX_WBITS: a gzip header and trailer, as gzip(1) writes */
	if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	len = z.total_out;
	deflateEnd(&z);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char *buf;
	static size_t cap;
	const uint8_t *file = data;
	size_t len = size, need;
	struct mf_reader *r;
	struct mf_event ev;
	char err[512], path[256];
	unsigned long n = 0;
	int i, mode = size ? data[size - 1] : 0;

	if (mode >= 1 && mode <= 3) {
		size--;
		need = ZSTD_compressBound(size) + lzma_stream_buffer_bound(size) + 1024;
		if (need > cap) {
			free(buf);
			buf = malloc(cap = need);
			if (!buf)
				abort();
		}
		if (mode == 1) {
			len = ZSTD_compress(buf, cap, data, size, 1);
			if (ZSTD_isError(len))
				abort();
		} else if (mode == 2) {
			len = gzip(buf, cap, data, size);
		} else {
			len = 0;
			if (lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL, data, size, buf, &len,
						    cap) != LZMA_OK)
				abort();
		}
		file = buf;
	}
	snprintf(path, sizeof(path), "%s", fuzz_write("trace.txt", file, len));
	if (mf_reader_open(path, &r, err, sizeof(err)))
		return 0;
	/* a line holds at most one event: the input bounds the count */
	while (mf_reader_next(r, &ev) > 0 && n++ < 4 * size + 1000)
		mf_reader_comm(r, ev.pid);
	for (i = 0; i < mf_reader_nr_event_names(r); i++) {
		mf_reader_event_name(r, i);
		mf_reader_event_system(r, i);
		mf_reader_event_count(r, i);
	}
	for (i = 0; i < mf_reader_info(r)->nr_cpus && i < 4096; i++) {
		mf_reader_lost(r, i);
		mf_reader_lost_unknown(r, i);
	}
	mf_reader_unknown_lines(r);
	mf_reader_warnings(r);
	mf_reader_close(r);
	return 0;
}
