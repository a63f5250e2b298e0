// SPDX-License-Identifier: GPL-2.0
/*
 * A capture's files for state.c: plain or zstd-compressed, read in pieces on the
 * caller's thread (src_read()) or ahead on a thread of its own (src_ahead_start(),
 * src_next()).  state-local.h describes the calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "state-local.h"

/* ---- sources: a plain file or a zstd stream ------------------------------------------ */


static int src_open_one(struct mf_src *s, const char *path, bool zst)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	if (!zst)
		return 0;
	s->dctx = ZSTD_createDCtx();
	s->in = malloc(ZSTD_DStreamInSize());
	if (!s->dctx || !s->in) {
		ZSTD_freeDCtx(s->dctx);
		free(s->in);
		close(s->fd);
		s->fd = -1;
		return -ENOMEM;
	}
	s->zin.src = s->in;
	return 0;
}

/*
 * Open dir/name, else dir/name.zst.  -ENOENT (message naming the plain file) when neither
 * exists; any other failure of the plain file is reported as it is, not hidden by .zst.
 */
int src_open(struct mf_src *s, const char *dir, const char *name, char *err, size_t errlen)
{
	char path[MF_PATH_MAX];
	int ret;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		memset(s, 0, sizeof(*s));
		s->fd = -1;
		seterr(err, errlen, "%s: %s", dir, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	ret = src_open_one(s, path, false);
	if (ret == -ENOENT) {
		char zpath[MF_PATH_MAX + 8];

		snprintf(zpath, sizeof(zpath), "%s.zst", path);
		ret = src_open_one(s, zpath, true);
		if (ret == -ENOENT) {
			snprintf(s->path, sizeof(s->path), "%s", path);
			seterr(err, errlen, "%s: %s", path, errtext(ENOENT));
			return ret;
		}
	}
	if (ret)
		seterr(err, errlen, "%s: %s", s->path, errtext(-ret));
	return ret;
}

static void src_ahead_stop(struct mf_src *s);

void src_close(struct mf_src *s)
{
	src_ahead_stop(s);
	free(s->sync_buf);
	s->sync_buf = NULL;
	if (s->fd >= 0)
		close(s->fd);
	ZSTD_freeDCtx(s->dctx);
	free(s->in);
	s->fd = -1;
	s->dctx = NULL;
	s->in = NULL;
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* Up to len bytes (fewer only at the end); 0 at the end, -errno with err set on failure. */
ssize_t src_read(struct mf_src *s, void *buf, size_t len, char *err, size_t errlen)
{
	ZSTD_outBuffer out = { buf, len, 0 };
	ssize_t n;

	if (!s->dctx) {
		size_t got = 0;

		while (got < len) {
			n = read_full(s->fd, (char *)buf + got, len - got);
			if (n < 0) {
				seterr(err, errlen, "%s: %s", s->path, errtext((int)-n));
				return n;
			}
			if (!n)
				break;
			got += (size_t)n;
		}
		return (ssize_t)got;
	}
	while (out.pos < out.size) {
		size_t before = out.pos, consumed, ret;

		if (s->zin.pos == s->zin.size && !s->in_eof) {
			n = read_full(s->fd, s->in, ZSTD_DStreamInSize());
			if (n < 0) {
				seterr(err, errlen, "%s: %s", s->path, errtext((int)-n));
				return n;
			}
			s->zin.size = (size_t)n;
			s->zin.pos = 0;
			s->in_eof = !n;
		}
		consumed = s->zin.pos;
		ret = ZSTD_decompressStream(s->dctx, &out, &s->zin);
		if (ZSTD_isError(ret)) {
			seterr(err, errlen, "%s: zstd: %s", s->path, ZSTD_getErrorName(ret));
			return -EBADMSG;
		}
		/*
		 * 0 at the end of a frame; a call that moves nothing after that asks for
		 * the next frame's header, which is not a truncation.
		 */
		if (out.pos != before || s->zin.pos != consumed)
			s->frame_left = ret;
		if (s->in_eof && s->zin.pos == s->zin.size && out.pos == before) {
			if (s->frame_left) {
				seterr(err, errlen, "%s: zstd: truncated frame", s->path);
				return -EBADMSG;
			}
			break;
		}
	}
	return (ssize_t)out.pos;
}


/* ---- reading ahead ------------------------------------------------------------------ */

#define AHEAD_PIECES	4	/* the caller's piece and up to 3 ahead */

struct src_ahead {
	pthread_t	thread;
	pthread_mutex_t	lock;
	pthread_cond_t	cond;		/* a piece read or given back, stop */
	unsigned char	*buf[AHEAD_PIECES];
	ssize_t		len[AHEAD_PIECES];	/* bytes, 0 at the end, -errno */
	uint64_t	filled, taken;	/* pieces read by the thread, taken by the caller */
	bool		stop;
	char		err[512];	/* the failed read's message */
};

static void *ahead_thread(void *arg)
{
	struct mf_src *s = arg;
	struct src_ahead *a = s->ahead;
	ssize_t n;
	int i;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		/* the caller's piece is taken - 1: the thread fills the others */
		while (!a->stop && a->filled - a->taken >= AHEAD_PIECES - 1)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->stop)
			break;
		i = a->filled % AHEAD_PIECES;
		pthread_mutex_unlock(&a->lock);
		n = src_read(s, a->buf[i], s->chunk, a->err, sizeof(a->err));
		pthread_mutex_lock(&a->lock);
		a->len[i] = n;
		a->filled++;
		pthread_cond_broadcast(&a->cond);
		if (n <= 0)
			break;		/* the end, or an error: nothing more to read */
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

int src_ahead_start(struct mf_src *s, size_t chunk)
{
	struct src_ahead *a;
	int i, ret;

	s->chunk = chunk;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (i = 0; i < AHEAD_PIECES; i++)
		if (!(a->buf[i] = malloc(chunk)))
			goto nomem;
	if (pthread_mutex_init(&a->lock, NULL))
		goto nomem;
	if (pthread_cond_init(&a->cond, NULL)) {
		pthread_mutex_destroy(&a->lock);
		goto nomem;
	}
	s->ahead = a;
	ret = pthread_create(&a->thread, NULL, ahead_thread, s);
	if (!ret)
		return 0;
	s->ahead = NULL;
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	for (i = 0; i < AHEAD_PIECES; i++)
		free(a->buf[i]);
	free(a);
	return -ret;
nomem:
	for (i = 0; i < AHEAD_PIECES; i++)
		free(a->buf[i]);
	free(a);
	return -ENOMEM;
}

static void src_ahead_stop(struct mf_src *s)
{
	struct src_ahead *a = s->ahead;
	int i;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	for (i = 0; i < AHEAD_PIECES; i++)
		free(a->buf[i]);
	free(a);
	s->ahead = NULL;
}

ssize_t src_next(struct mf_src *s, const unsigned char **piece, char *err, size_t errlen)
{
	struct src_ahead *a = s->ahead;
	ssize_t n;
	int i;

	if (!a) {
		if (!s->chunk)
			s->chunk = 64 * 1024 * 8;
		if (!s->sync_buf && !(s->sync_buf = malloc(s->chunk))) {
			seterr(err, errlen, "%s: %s", s->path, strerror(ENOMEM));
			return -ENOMEM;
		}
		*piece = s->sync_buf;
		return src_read(s, s->sync_buf, s->chunk, err, errlen);
	}
	pthread_mutex_lock(&a->lock);
	if (a->taken && a->len[(a->taken - 1) % AHEAD_PIECES] <= 0) {
		/* past the end or an error: it stays */
		n = a->len[(a->taken - 1) % AHEAD_PIECES];
		pthread_mutex_unlock(&a->lock);
		return n;
	}
	while (a->filled == a->taken)
		pthread_cond_wait(&a->cond, &a->lock);
	i = a->taken % AHEAD_PIECES;
	a->taken++;		/* the piece given out before is the thread's again */
	n = a->len[i];
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	*piece = a->buf[i];
	if (n < 0)
		seterr(err, errlen, "%s", a->err);
	return n;
}
