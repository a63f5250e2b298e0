// SPDX-License-Identifier: GPL-2.0
/*
 * The file layer of the text-trace reader (reader-text.h): which compression a file
 * announces, and its text, decompressed with libzstd, zlib or liblzma into the caller's
 * buffer a window at a time.  Concatenated zstd frames, gzip members and xz streams are
 * read as one text, as zstdcat, zcat and xzcat do; data cut short is an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader-local.h"
#include "reader-text.h"

const char *const text_src_names[] = { "none", "zstd", "gzip", "xz" };

enum src_kind text_sniff_kind(const unsigned char *b, size_t n)
{
	if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return SRC_ZSTD;
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return SRC_GZIP;
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return SRC_XZ;
	return SRC_PLAIN;
}

int text_src_open(struct text_src *s, const char *path, char *err, size_t errlen)
{
	unsigned char head[8];
	ssize_t n;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -errno;
	}
	n = pread(s->fd, head, sizeof(head), 0);
	s->kind = text_sniff_kind(head, n > 0 ? (size_t)n : 0);
	if (s->kind == SRC_PLAIN)
		return 0;
	s->in = malloc(IN_BUF_SIZE);
	if (!s->in)
		return -ENOMEM;
	switch (s->kind) {
	case SRC_ZSTD:
		s->zs = ZSTD_createDStream();
		if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs)))
			return -ENOMEM;
		break;
	case SRC_GZIP:
		/* 16 + MAX_WBITS: a gzip header and trailer, not a raw zlib stream */
		if (inflateInit2(&s->gz, 16 + MAX_WBITS) != Z_OK)
			return -ENOMEM;
		s->gz_init = true;
		break;
	case SRC_XZ:
		s->xz = (lzma_stream)LZMA_STREAM_INIT;
		if (lzma_stream_decoder(&s->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			return -ENOMEM;
		s->xz_init = true;
		break;
	default:
		break;
	}
	return 0;
}

void text_src_close(struct text_src *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	ZSTD_freeDStream(s->zs);
	s->zs = NULL;
	if (s->gz_init)
		inflateEnd(&s->gz);
	s->gz_init = false;
	if (s->xz_init)
		lzma_end(&s->xz);
	s->xz_init = false;
	free(s->in);
	s->in = NULL;
}

static int src_refill_in(struct text_src *s, char *err, size_t errlen)
{
	ssize_t n;

	if (s->in_pos < s->in_len || s->in_eof)
		return 0;
	n = read(s->fd, s->in, IN_BUF_SIZE);
	if (n < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -errno;
	}
	s->in_pos = 0;
	s->in_len = (size_t)n;
	if (!n)
		s->in_eof = true;
	return 0;
}

ssize_t text_src_read(struct text_src *s, char *out, size_t cap, char *err, size_t errlen)
{
	size_t got = 0;
	int ret;

	if (s->done)
		return 0;
	if (s->kind == SRC_PLAIN) {
		ssize_t n = read(s->fd, out, cap);

		if (n < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			return -errno;
		}
		if (!n)
			s->done = true;
		return n;
	}
	while (!got) {
		ret = src_refill_in(s, err, errlen);
		if (ret)
			return ret;
		if (s->in_eof && s->kind != SRC_XZ) {
			if (!s->at_end) {
				snprintf(err, errlen, "truncated %s stream (the compressed data ends early)",
					 text_src_names[s->kind]);
				return -EINVAL;
			}
			s->done = true;
			return 0;
		}
		if (s->kind == SRC_ZSTD) {
			ZSTD_inBuffer ib = { s->in, s->in_len, s->in_pos };
			ZSTD_outBuffer ob = { out, cap, 0 };
			size_t r = ZSTD_decompressStream(s->zs, &ob, &ib);

			if (ZSTD_isError(r)) {
				snprintf(err, errlen, "corrupt zstd data: %s", ZSTD_getErrorName(r));
				return -EINVAL;
			}
			s->in_pos = ib.pos;
			got = ob.pos;
			/* 0: a frame is complete; more frames may follow (zstd concatenates) */
			s->at_end = r == 0;
		} else if (s->kind == SRC_GZIP) {
			s->gz.next_in = s->in + s->in_pos;
			s->gz.avail_in = (uInt)(s->in_len - s->in_pos);
			s->gz.next_out = (Bytef *)out;
			s->gz.avail_out = (uInt)cap;
			ret = inflate(&s->gz, Z_NO_FLUSH);
			if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
				snprintf(err, errlen, "corrupt gzip data: %s",
					 s->gz.msg ? s->gz.msg : "inflate failed");
				return -EINVAL;
			}
			s->in_pos = s->in_len - s->gz.avail_in;
			got = cap - s->gz.avail_out;
			s->at_end = ret == Z_STREAM_END;
			if (ret == Z_STREAM_END)	/* gzip members may be concatenated */
				inflateReset(&s->gz);
			else if (s->at_end)
				s->at_end = false;
		} else {
			/* LZMA_CONCATENATED: the end is only known once told there is no more input */
			lzma_action act = s->in_eof ? LZMA_FINISH : LZMA_RUN;
			lzma_ret lr;

			s->xz.next_in = s->in + s->in_pos;
			s->xz.avail_in = s->in_len - s->in_pos;
			s->xz.next_out = (uint8_t *)out;
			s->xz.avail_out = cap;
			lr = lzma_code(&s->xz, act);
			s->in_pos = s->in_len - s->xz.avail_in;
			got = cap - s->xz.avail_out;
			if (lr == LZMA_STREAM_END) {
				s->done = true;
				return (ssize_t)got;
			}
			if (lr != LZMA_OK || (act == LZMA_FINISH && !got)) {
				if (act == LZMA_FINISH && (lr == LZMA_OK || lr == LZMA_BUF_ERROR))
					snprintf(err, errlen, "truncated xz stream (the compressed data "
						 "ends early)");
				else
					snprintf(err, errlen, "corrupt xz data (lzma error %d)", (int)lr);
				return -EINVAL;
			}
		}
	}
	return (ssize_t)got;
}

/*
 * Is the file a text trace?  Compressed data is taken as text (a compressed trace.dat is
 * not read; it then fails as "no ftrace event line"), plain data when its first bytes are
 * printable text.
 */
bool reader_text_detect(int fd)
{
	unsigned char b[512];
	ssize_t n = pread(fd, b, sizeof(b), 0), i;

	if (n <= 0)
		return false;
	if (n >= 3 && b[0] == 0x17 && b[1] == 0x08 && b[2] == 0x44)
		return false;	/* trace.dat */
	if (text_sniff_kind(b, (size_t)n) != SRC_PLAIN)
		return true;
	for (i = 0; i < n; i++)
		if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\t' && b[i] != '\r')
			return false;
	return true;
}
