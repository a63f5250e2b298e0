/* SPDX-License-Identifier: GPL-2.0 */
/*
 * state.c's sources (state-src.c): a capture's file, plain or zstd-compressed, read in
 * pieces, on the caller's thread or a thread of its own.  Not a public interface.
 */
#ifndef MMFRAG_STATE_LOCAL_H
#define MMFRAG_STATE_LOCAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <zstd.h>

#define MF_PATH_MAX	(4096 + 64)	/* dir (st->dir is 4096) + "/" + a short name */

static inline __attribute__((format(printf, 3, 4))) void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "no such file" rather than strerror's "No such file or directory": bpftool style. */
static inline const char *errtext(int e)
{
	switch (e) {
	case ENOENT:
		return "no such file";
	case EACCES:
		return "permission denied";
	default:
		return strerror(e);
	}
}

struct src_ahead;

struct mf_src {
	int		fd;
	ZSTD_DCtx	*dctx;		/* NULL for a plain file */
	void		*in;
	ZSTD_inBuffer	zin;
	bool		in_eof;
	size_t		frame_left;	/* decompressor hint, 0 at a frame end */
	char		path[MF_PATH_MAX + 8];
	struct src_ahead *ahead;	/* src_ahead_start(): a reading thread, or NULL */
	unsigned char	*sync_buf;	/* src_next() without the thread */
	size_t		chunk;		/* src_next()'s bytes at once */
};

/*
 * Open dir/name, else dir/name.zst.  -ENOENT (message naming the plain file) when neither
 * exists; any other failure of the plain file is reported as it is, not hidden by .zst.
 */
int src_open(struct mf_src *s, const char *dir, const char *name, char *err, size_t errlen);
void src_close(struct mf_src *s);

/* Up to len bytes (fewer only at the end); 0 at the end, -errno with err set on failure. */
ssize_t src_read(struct mf_src *s, void *buf, size_t len, char *err, size_t errlen);

/*
 * Reading in pieces of chunk bytes (a multiple of 8): src_next() gives the next piece,
 * valid until the next call, chunk bytes but at the end; 0 at the end, -errno with err
 * set on failure (what src_read() would have said).  src_ahead_start() reads the pieces
 * on a thread of its own, a few ahead (decompressing a zstd kpageflags is most of a seed
 * from a capture); without it, or when it fails (-errno), they are read by src_next().
 */
int src_ahead_start(struct mf_src *s, size_t chunk);
ssize_t src_next(struct mf_src *s, const unsigned char **piece, char *err, size_t errlen);

#endif
