// SPDX-License-Identifier: GPL-2.0
/*
 * Flyrecord reader, the container (see flyrecord.c for the format and the trust rules):
 * the file header, the options (v6 after the header blocks, v7 in OPTIONS sections),
 * sections and their compression, and where the chosen buffer's per-CPU data lies.
 * Every read goes through fly_rd(), which checks the extent against the file first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "flyrecord-local.h"

/* "PATH: message" into dst, unless dst already holds a message (keep the first problem). */
static void err_vfmt(const struct mf_fly *f, char *dst, size_t dlen, const char *fmt, va_list ap)
{
	int n;

	if (dst[0])
		return;
	n = snprintf(dst, dlen, "%s: ", f->path);
	if (n < 0 || (size_t)n >= dlen)
		return;
	vsnprintf(dst + n, dlen - n, fmt, ap);
}

void fly_set_err(struct mf_fly *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vfmt(f, f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
}

void fly_err_to(const struct mf_fly *f, char *dst, size_t dlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vfmt(f, dst, dlen, fmt, ap);
	va_end(ap);
}

/* len bytes at off, all inside the file, or -EINVAL with the message in dst. */
int fly_rd_to(const struct mf_fly *f, uint64_t off, void *buf, size_t len, char *dst,
	      size_t dlen)
{
	size_t done = 0;
	ssize_t n;

	if (off > f->file_size || len > f->file_size - off) {
		fly_err_to(f, dst, dlen, "truncated or corrupt trace.dat (%zu bytes at offset %#llx, "
			   "past the end of the file)", len, (unsigned long long)off);
		return -EINVAL;
	}
	while (done < len) {
		n = pread(f->fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fly_err_to(f, dst, dlen, "read error at offset %#llx: %s",
				   (unsigned long long)off,
				   n < 0 ? strerror(errno) : "unexpected end of file");
			return n < 0 ? -errno : -EIO;
		}
		done += n;
	}
	return 0;
}

int fly_rd(struct mf_fly *f, uint64_t off, void *buf, size_t len)
{
	return fly_rd_to(f, off, buf, len, f->err, sizeof(f->err));
}

int fly_rd_num(struct mf_fly *f, uint64_t *pos, unsigned int len, uint64_t *v)
{
	unsigned char b[8];
	int ret;

	ret = fly_rd(f, *pos, b, len);
	if (ret)
		return ret;
	*pos += len;
	*v = get_num(f, b, len);
	return 0;
}

/* Skip a NUL-terminated string at *pos (inside the file). */
static int skip_string(struct mf_fly *f, uint64_t *pos)
{
	char b[256];
	size_t n, i;
	int ret;

	for (;;) {
		if (*pos >= f->file_size)
			return fly_rd(f, *pos, b, 1);	/* sets the message */
		n = f->file_size - *pos < sizeof(b) ? f->file_size - *pos : sizeof(b);
		ret = fly_rd(f, *pos, b, n);
		if (ret)
			return ret;
		for (i = 0; i < n; i++) {
			if (!b[i]) {
				*pos += i + 1;
				return 0;
			}
		}
		*pos += n;
	}
}

static int skip_sized(struct mf_fly *f, uint64_t *pos, unsigned int len)
{
	uint64_t n;
	int ret;

	ret = fly_rd_num(f, pos, len, &n);
	if (ret)
		return ret;
	if (n > f->file_size - *pos) {
		fly_set_err(f, "truncated or corrupt trace.dat (a header block of %llu bytes at "
			"offset %#llx runs past the end of the file)", (unsigned long long)n,
			(unsigned long long)*pos);
		return -EINVAL;
	}
	*pos += n;
	return 0;
}

/* ---- options ---------------------------------------------------------------------------- */

/* layout.want of a v6 buffer instance's own options: their BUFFER options are not read */
#define LAYOUT_NO_BUFFER	(-2)

/* What the options walk collects. */
struct layout {
	int		want;		/* instance: -1 top, else index among named buffers */
	int		nr_named;
	bool		found;
	uint64_t	v6_table;	/* v6: offset of the buffer's "flyrecord\0" */
	uint64_t	v7_section;	/* v7: offset of the buffer's FLYRECORD section */
	uint32_t	page_size;	/* v7 BUFFER option */
	unsigned char	*cpu_list;	/* v7: copy of (cpu, offset, size) entries */
	uint32_t	nr_list;
	uint64_t	sec[OPT_LAST_SECTION + 1];	/* v7: offsets of sections 16..21 */
	uint64_t	cpucount;
};

static int ts_option(struct mf_fly *f, unsigned int id, const unsigned char *d, uint32_t size)
{
	char s[64];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	uint64_t v;

	memcpy(s, d, n);
	s[n] = 0;
	/*
	 * libtracecmd: DATE is in microseconds, OFFSET in the timestamps' unit (ns).  Its
	 * long long arithmetic overflows on hostile values (undefined); ours wraps.
	 */
	v = (uint64_t)strtoll(s, NULL, 0);
	if (id == OPT_DATE)
		v *= 1000;
	f->ts_offset = (int64_t)((uint64_t)f->ts_offset + v);
	return 0;
}

/* ---- timestamp conversions (libtracecmd 3.1.6 trace-input.c, timestamp_calc()) ------------- */

#define TSYNC_FLAG_INTERPOLATE	0x1	/* TRACECMD_TSYNC_FLAG_INTERPOLATE */

/* One TIME_SHIFT sample (libtracecmd's struct ts_offset_sample): from time on, add offset. */
struct fly_ts_sample {
	int64_t		time, offset, scaling, fraction;
};

struct fly_tsync {
	uint32_t		count;
	struct fly_ts_sample	*s;
};

static void ts_conv_update(struct mf_fly *f)
{
	f->ts_conv = f->tsc_mult || f->tsync;
}

void fly_tsync_free(struct mf_fly *f)
{
	int i;

	for (i = 0; f->tsync && i < f->tsync_cpus; i++)
		free(f->tsync[i].s);
	free(f->tsync);
	f->tsync = NULL;
	f->tsync_cpus = 0;
	ts_conv_update(f);
}

/*
 * libtracecmd's mul_u64_u32_shr() (the kernel's): a * mul >> shift without a 128-bit
 * product, wrapping where it wraps.  shift <= 32 (tsc_option()).
 */
static uint64_t mul_shr(uint64_t a, uint64_t mul, unsigned int shift)
{
	uint64_t al = (uint32_t)a, ah = a >> 32, ret;

	ret = (al * mul) >> shift;
	if (ah)
		ret += (ah * mul) << (32 - shift);
	return ret;
}

/* a / b in int64_t, INT64_MIN / -1 wrapping instead of trapping */
static int64_t sdiv(int64_t a, int64_t b)
{
	return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;
}

/*
 * timestamp_correction_calc(): the offset of sample lo, or with the interpolate flag the
 * offset on the line from lo to hi at ts (rounded to nearest); ts scaled by lo's ratio
 * (ts * scaling >> fraction) plus that offset.  libtracecmd's signed products overflow
 * on hostile samples (undefined); here they wrap, as they do on x86.
 */
static uint64_t tsync_calc(const struct mf_fly *f, uint64_t ts, const struct fly_ts_sample *lo,
			   const struct fly_ts_sample *hi)
{
	int64_t cor = lo->offset, delta, num;

	if (f->tsync_flags & TSYNC_FLAG_INTERPOLATE) {
		delta = (int64_t)((uint64_t)hi->time - (uint64_t)lo->time);	/* != 0: dedup */
		num = (int64_t)((ts - (uint64_t)lo->time) *
				((uint64_t)hi->offset - (uint64_t)lo->offset));
		if (delta)
			cor = (int64_t)((uint64_t)lo->offset +
					(uint64_t)sdiv((int64_t)((uint64_t)num + (uint64_t)(delta / 2)),
						       delta));
	}
	/* "ts - llabs(cor)" for a negative cor is ts + cor, modulo 2^64 */
	return ((ts * (uint64_t)lo->scaling) >> lo->fraction) + (uint64_t)cor;
}

/*
 * timestamp_host_sync(): the CPU's samples around ts (the first two below the first
 * sample, the last two above the last, else a binary search); one sample: ts + its
 * offset, unscaled; CPUs past the option's count unchanged.  libtracecmd compares the
 * unsigned ts with the signed times as unsigned, and so do we; its search can end past
 * the array when negative times break that order: clamped here.
 */
static uint64_t tsync_ts(const struct mf_fly *f, int cpu, uint64_t ts)
{
	const struct fly_tsync *t;
	int lo, mid, hi, n;

	if (cpu < 0 || cpu >= f->tsync_cpus)
		return ts;
	t = &f->tsync[cpu];
	n = (int)t->count;
	if (n == 1)
		return ts + (uint64_t)t->s[0].offset;
	if (n == 2 || ts <= (uint64_t)t->s[0].time)
		return tsync_calc(f, ts, &t->s[0], &t->s[1]);
	if (ts >= (uint64_t)t->s[n - 1].time)
		return tsync_calc(f, ts, &t->s[n - 2], &t->s[n - 1]);
	lo = 0;
	hi = n - 1;
	mid = (lo + hi) / 2;
	while (lo <= hi) {
		if (ts < (uint64_t)t->s[mid].time)
			hi = mid - 1;
		else if (ts > (uint64_t)t->s[mid].time)
			lo = mid + 1;
		else
			break;
		mid = (lo + hi) / 2;
	}
	mid = mid < 0 ? 0 : mid > n - 2 ? n - 2 : mid;
	return tsync_calc(f, ts, &t->s[mid], &t->s[mid + 1]);
}

/* The record's time from its raw ring-buffer time, as timestamp_calc() (no --raw-ts). */
uint64_t fly_ts_conv(const struct mf_fly *f, int cpu, uint64_t ts)
{
	if (f->tsync)
		ts = tsync_ts(f, cpu, ts);
	if (f->tsc_mult)
		ts = mul_shr(ts, f->tsc_mult, f->tsc_shift);
	return ts + (uint64_t)f->ts_offset;
}

/*
 * TSC2NSEC (mult 4, shift 4, offset 8; trace-cmd record --tsc2nsec): handle_options()
 * keeps mult and shift in ints (mult sign-extended into mul_u64_u32_shr()'s u64), ignores
 * the option when shorter than 16 bytes, and timestamp_calc() never reads the offset.  A
 * later option replaces an earlier one.  A shift above 32 is refused: libtracecmd would
 * shift by a negative count (undefined); the kernel's cyc2ns shift is at most 32.
 */
static int tsc_option(struct mf_fly *f, const unsigned char *d, uint32_t size)
{
	uint32_t mult, shift;

	if (size < 16)
		return 0;
	mult = get_num(f, d, 4);
	shift = get_num(f, d + 4, 4);
	if (mult && shift > 32) {
		fly_set_err(f, "corrupt TSC2NSEC option (shift %u, at most 32)", shift);
		return -EINVAL;
	}
	f->tsc_mult = (uint64_t)(int64_t)(int32_t)mult;
	f->tsc_shift = shift;
	ts_conv_update(f);
	return 0;
}

static int sample_cmp(const void *a, const void *b)
{
	const struct fly_ts_sample *x = a, *y = b;

	return x->time > y->time ? 1 : x->time < y->time ? -1 : 0;
}

/*
 * TIME_SHIFT (a guest's trace, trace-cmd record -A or agent): trace id 8, flags 4, CPU
 * count 4; per CPU a sample count 4 and that many times, offsets and scaling ratios (8
 * each); then, if bytes remain, per CPU its samples' fraction bits (8 each).  As
 * handle_options() and tsync_cpu_offsets_load(): ignored when shorter than 16 bytes,
 * refused when the counts run past the option (-EFAULT there), samples sorted by time
 * (signed) and of equal times only the first kept, a later option replacing an earlier
 * one, no correction with a CPU count of 0 (tracecmd_enable_tsync() fails).  Refused
 * where libtracecmd reads out of bounds or shifts undefinedly: a CPU without samples,
 * fraction bits outside 0..63.
 */
static int tsync_option(struct mf_fly *f, const unsigned char *d, uint32_t size)
{
	struct cur c = { d + 12, d + size, false };
	uint64_t n, cnt, i, k, j;
	struct fly_tsync *t;

	if (size < 16)
		return 0;
	fly_tsync_free(f);
	f->tsync_flags = get_num(f, d + 8, 4);
	n = cur_num(f, &c, 4);
	if (n > (size_t)(c.end - c.p) / 4)
		goto bad;
	if (!n)
		return 0;
	t = f->tsync = calloc(n, sizeof(*t));
	if (!t)
		return -ENOMEM;
	f->tsync_cpus = (int)n;
	ts_conv_update(f);
	for (i = 0; i < n; i++) {
		cnt = cur_num(f, &c, 4);
		if (c.bad || !cnt || cnt > (size_t)(c.end - c.p) / 24)
			goto bad;
		if (!(t[i].s = calloc(cnt, sizeof(*t[i].s))))
			return -ENOMEM;
		t[i].count = cnt;
		for (k = 0; k < cnt; k++)
			t[i].s[k].time = (int64_t)cur_num(f, &c, 8);
		for (k = 0; k < cnt; k++)
			t[i].s[k].offset = (int64_t)cur_num(f, &c, 8);
		for (k = 0; k < cnt; k++)
			t[i].s[k].scaling = (int64_t)cur_num(f, &c, 8);
	}
	for (i = 0; c.p < c.end && i < n; i++) {
		for (k = 0; k < t[i].count; k++) {
			t[i].s[k].fraction = (int64_t)cur_num(f, &c, 8);
			if ((uint64_t)t[i].s[k].fraction > 63)
				goto bad;
		}
	}
	if (c.bad)
		goto bad;
	for (i = 0; i < n; i++) {
		qsort(t[i].s, t[i].count, sizeof(*t[i].s), sample_cmp);
		for (k = 0, j = 0; k < t[i].count; k++)
			if (!k || t[i].s[k].time != t[i].s[k - 1].time)
				t[i].s[j++] = t[i].s[k];
		t[i].count = j;
	}
	return 0;
bad:
	fly_set_err(f, "corrupt TIME_SHIFT option (guest time shift)");
	return -EINVAL;
}

static int buffer_option(struct mf_fly *f, struct layout *l, const unsigned char *d,
			 uint32_t size)
{
	struct cur c = { d, d + size, false };
	uint64_t off;
	const char *name;
	bool mine;

	if (l->want == LAYOUT_NO_BUFFER)
		return 0;
	off = cur_num(f, &c, 8);
	name = cur_str(&c);
	if (c.bad) {
		fly_set_err(f, "corrupt BUFFER option");
		return -EINVAL;
	}
	if (*name)
		mine = l->want == l->nr_named++;
	else
		mine = l->want < 0;
	if (!mine)
		return 0;
	l->found = true;
	if (f->version < 7) {
		l->v6_table = off;
		return 0;
	}
	l->v7_section = off;
	cur_str(&c);				/* clock */
	l->page_size = cur_num(f, &c, 4);
	l->nr_list = cur_num(f, &c, 4);
	if (c.bad || l->nr_list > (size_t)(c.end - c.p) / 20) {
		fly_set_err(f, "corrupt BUFFER option (CPU list)");
		return -EINVAL;
	}
	free(l->cpu_list);
	l->cpu_list = malloc((size_t)l->nr_list * 20 + 1);
	if (!l->cpu_list)
		return -ENOMEM;
	memcpy(l->cpu_list, c.p, (size_t)l->nr_list * 20);
	return 0;
}

/* One option.  *next: set by a v7 DONE option (the next OPTIONS section); 1 = DONE seen. */
static int one_option(struct mf_fly *f, struct layout *l, unsigned int id,
		      const unsigned char *d, uint32_t size, uint64_t *next)
{
	switch (id) {
	case OPT_DONE:
		if (f->version >= 7 && size >= 8)
			*next = get_num(f, d, 8);
		return 1;
	case OPT_DATE:
	case OPT_OFFSET:
		return ts_option(f, id, d, size);
	case OPT_BUFFER:
		return buffer_option(f, l, d, size);
	case OPT_TSC2NSEC:
		return tsc_option(f, d, size);
	case OPT_TIME_SHIFT:
		return tsync_option(f, d, size);
	case OPT_CPUCOUNT:
		if (size >= 4)
			l->cpucount = get_num(f, d, 4);
		return 0;
	case OPT_UNAME:
		if (!f->uname && size) {
			f->uname = strndup((const char *)d, size);
			if (!f->uname)
				return -ENOMEM;
		}
		return 0;
	default:
		if (id >= OPT_HEADER_INFO && id <= OPT_LAST_SECTION && size >= 8)
			l->sec[id] = get_num(f, d, 8);
		return 0;
	}
}

/* v7: walk the options (id 2, size 4, data) of one section, [p, end). */
static int walk_options(struct mf_fly *f, struct layout *l, const unsigned char *p,
			const unsigned char *end, uint64_t *next)
{
	int ret;

	*next = 0;
	while (end - p >= 6) {
		unsigned int id = get_num(f, p, 2);
		uint32_t size = get_num(f, p + 2, 4);
		const unsigned char *d = p + 6;

		if (size > (size_t)(end - d)) {
			fly_set_err(f, "corrupt option %u (size %u past its section)", id, size);
			return -EINVAL;
		}
		ret = one_option(f, l, id, d, size, next);
		if (ret)
			return ret < 0 ? ret : 0;
		p = d + size;
	}
	fly_set_err(f, "corrupt OPTIONS section (no DONE option)");
	return -EINVAL;
}

/* v6 options: a list in the file ending with id 0.  *pos is left after it. */
static int v6_options(struct mf_fly *f, struct layout *l, uint64_t *pos)
{
	unsigned char *buf = NULL;
	uint64_t id, size, next;
	int ret;

	for (;;) {
		ret = fly_rd_num(f, pos, 2, &id);
		if (ret || !id)
			break;
		ret = fly_rd_num(f, pos, 4, &size);
		if (ret)
			break;
		if (size > f->file_size - *pos || size > MAX_OPTIONS_BYTES) {
			fly_set_err(f, "corrupt option %u (size %llu)", (unsigned int)id,
				(unsigned long long)size);
			ret = -EINVAL;
			break;
		}
		free(buf);
		buf = malloc(size + 1);
		if (!buf) {
			ret = -ENOMEM;
			break;
		}
		ret = fly_rd(f, *pos, buf, size);
		if (ret)
			break;
		*pos += size;
		ret = one_option(f, l, id, buf, size, &next);
		if (ret < 0)
			break;
		ret = 0;
	}
	free(buf);
	return ret;
}

int fly_decompress(struct mf_fly *f, void *dst, size_t dlen, const void *src, size_t slen)
{
	if (f->codec == C_ZSTD && f->zctx) {
		size_t n = ZSTD_decompressDCtx(f->zctx, dst, dlen, src, slen);

		return !ZSTD_isError(n) && n == dlen ? 0 : -EINVAL;
	}
	if (f->codec == C_ZLIB) {
		uLongf n = dlen;

		return uncompress(dst, &n, src, slen) == Z_OK && n == dlen ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* v7: the OPTIONS sections, following each DONE to the next. */
static int v7_options(struct mf_fly *f, struct layout *l, uint64_t first)
{
	uint64_t off = first, pos, id, flags, size, zs, us, next;
	unsigned char *sec = NULL, *data = NULL;
	const unsigned char *p;
	int n, ret = 0;

	for (n = 0; off && n < MAX_OPTION_SECTIONS; n++, off = next) {
		pos = off;
		if ((ret = fly_rd_num(f, &pos, 2, &id)) || (ret = fly_rd_num(f, &pos, 2, &flags)) ||
		    (ret = fly_rd_num(f, &pos, 4, &size)) || (ret = fly_rd_num(f, &pos, 8, &size)))
			break;
		if (id != SEC_OPTIONS || size > f->file_size - pos || size > MAX_OPTIONS_BYTES) {
			fly_set_err(f, "corrupt OPTIONS section at %#llx", (unsigned long long)off);
			ret = -EINVAL;
			break;
		}
		free(sec);
		free(data);
		data = NULL;
		sec = malloc(size + 1);
		if (!sec) {
			ret = -ENOMEM;
			break;
		}
		if ((ret = fly_rd(f, pos, sec, size)))
			break;
		p = sec;
		us = size;
		if (flags & SEC_FL_COMPRESS) {
			if (size < 8 || f->codec == C_NONE) {
				fly_set_err(f, "corrupt compressed OPTIONS section at %#llx",
					(unsigned long long)off);
				ret = -EINVAL;
				break;
			}
			zs = get_num(f, sec, 4);
			us = get_num(f, sec + 4, 4);
			if (zs > size - 8 || us > MAX_OPTIONS_BYTES || !(data = malloc(us + 1)) ||
			    fly_decompress(f, data, us, sec + 8, zs)) {
				fly_set_err(f, "corrupt compressed OPTIONS section at %#llx",
					(unsigned long long)off);
				ret = data ? -EINVAL : -ENOMEM;
				break;
			}
			p = data;
		}
		ret = walk_options(f, l, p, p + us, &next);
		if (ret)
			break;
		/* trace-cmd appends OPTIONS sections: a link backwards would be a loop */
		if (next && next <= off) {
			fly_set_err(f, "corrupt OPTIONS chain (%#llx after %#llx)",
				(unsigned long long)next, (unsigned long long)off);
			ret = -EINVAL;
			break;
		}
	}
	free(sec);
	free(data);
	return ret;
}

/* ---- layout ------------------------------------------------------------------------------ */

static int add_cpu(struct mf_fly *f, uint64_t cpu, uint64_t off, uint64_t size)
{
	struct fly_cpu *c;

	if (cpu >= (uint64_t)f->nr_cpus)
		return -EINVAL;
	c = &f->cpus[cpu];
	if (c->has_data) {
		fly_set_err(f, "corrupt CPU table (CPU %llu listed twice)", (unsigned long long)cpu);
		return -EINVAL;
	}
	if (!size)
		return 0;
	if (off > f->file_size || size > f->file_size - off) {
		fly_set_err(f, "truncated or corrupt trace.dat (CPU %llu data [%#llx, +%llu) past the "
			"end of the file)", (unsigned long long)cpu, (unsigned long long)off,
			(unsigned long long)size);
		return -EINVAL;
	}
	c->has_data = true;
	c->pos = off;
	c->start = off;
	c->end = off + size;
	c->listed = size;
	f->data_bytes += size;
	return 0;
}

static int alloc_cpus(struct mf_fly *f, uint64_t n)
{
	if (n > MAX_CPU_ID + 1) {
		fly_set_err(f, "corrupt CPU count %llu", (unsigned long long)n);
		return -EINVAL;
	}
	f->nr_cpus = (int)n;
	f->cpus = calloc(n ? n : 1, sizeof(*f->cpus));
	f->heap = calloc(n ? n : 1, sizeof(*f->heap));
	return f->cpus && f->heap ? 0 : -ENOMEM;
}

/*
 * v6: "flyrecord\0" and nr_cpus (offset 8, size 8) at pos; a buffer instance's table
 * (instance) may start with options of its own.
 */
static int v6_table(struct mf_fly *f, uint64_t pos, uint64_t nr_cpus, bool instance)
{
	struct layout own = { .want = LAYOUT_NO_BUFFER };
	uint64_t i, off, size;
	char tag[16];
	int ret;

	if ((ret = fly_rd(f, pos, tag, 10)))
		return ret;
	pos += 10;
	if (instance && !memcmp(tag, "options  ", 10)) {
		/*
		 * As tracecmd_buffer_instance_handle() -> read_options_type() ->
		 * handle_options(): the instance's handle is a copy of the top one's, so its
		 * DATE and OFFSET options add to the top's ts_offset and a TSC2NSEC option
		 * replaces the top's, and a TIME_SHIFT option is its own (the copy's host part
		 * is zeroed: v6_layout() dropped the top's).  Its BUFFER options would list
		 * buffers of the instance's handle, which nothing reads.  Then "flyrecord".
		 */
		if ((ret = v6_options(f, &own, &pos)) || (ret = fly_rd(f, pos, tag, 10)))
			return ret;
		pos += 10;
	}
	if (!memcmp(tag, "latency  ", 10)) {
		/*
		 * A latency tracer's text, no ring-buffer records: nothing mmfrag can replay,
		 * and libtracecmd 1.3.1 crashes reading one with damaged headers
		 * (tracecmd_peek_data(), fuzz/README.md), so it is refused here.
		 */
		fly_set_err(f, "latency trace (trace-cmd record -p of a latency tracer): no event "
			    "records to replay");
		return -EINVAL;
	}
	if (memcmp(tag, "flyrecord", 10)) {
		fly_set_err(f, "corrupt trace.dat v6 (no flyrecord table at %#llx)",
			(unsigned long long)(pos - 10));
		return -EINVAL;
	}
	if ((ret = alloc_cpus(f, nr_cpus)))
		return ret;
	for (i = 0; i < nr_cpus; i++) {
		if ((ret = fly_rd_num(f, &pos, 8, &off)) || (ret = fly_rd_num(f, &pos, 8, &size)) ||
		    (ret = add_cpu(f, i, off, size)))
			return ret;
	}
	return 0;
}

/*
 * v6: walk the header blocks (fixed order) to the CPU count and the options; the top
 * buffer's table follows them, an instance's is where its BUFFER option says.
 */
static int v6_layout(struct mf_fly *f, uint64_t pos, int instance)
{
	struct layout l = { .want = instance };
	uint64_t n, m, i, j, nr_cpus;
	char tag[16];
	int ret;

	f->v6_pos[0] = pos;
	if ((ret = fly_rd(f, pos, tag, 12)) || memcmp(tag, "header_page", 12))
		goto bad;
	pos += 12;
	if ((ret = skip_sized(f, &pos, 8)))
		return ret;
	if ((ret = fly_rd(f, pos, tag, 13)) || memcmp(tag, "header_event", 13))
		goto bad;
	pos += 13;
	if ((ret = skip_sized(f, &pos, 8)))
		return ret;
	f->v6_pos[1] = pos;
	if ((ret = fly_rd_num(f, &pos, 4, &n)))
		return ret;
	for (i = 0; i < n; i++)				/* ftrace formats */
		if ((ret = skip_sized(f, &pos, 8)))
			return ret;
	f->v6_pos[2] = pos;
	if ((ret = fly_rd_num(f, &pos, 4, &n)))
		return ret;
	for (i = 0; i < n; i++) {			/* event systems */
		if ((ret = skip_string(f, &pos)) || (ret = fly_rd_num(f, &pos, 4, &m)))
			return ret;
		for (j = 0; j < m; j++)
			if ((ret = skip_sized(f, &pos, 8)))
				return ret;
	}
	f->v6_pos[3] = pos;
	if ((ret = skip_sized(f, &pos, 4)))		/* kallsyms */
		return ret;
	f->v6_pos[4] = pos;
	if ((ret = skip_sized(f, &pos, 4)))		/* printk formats */
		return ret;
	f->v6_pos[5] = pos;
	if ((ret = skip_sized(f, &pos, 8)))		/* saved cmdlines */
		return ret;
	f->v6_pos[6] = pos;
	if ((ret = fly_rd_num(f, &pos, 4, &nr_cpus)) || (ret = fly_rd(f, pos, tag, 10)))
		return ret;
	f->cpucount = nr_cpus;
	if (!memcmp(tag, "options  ", 10)) {
		pos += 10;
		if ((ret = v6_options(f, &l, &pos)))
			return ret;
	}
	f->nr_instances = l.nr_named;
	if (instance < 0)
		return v6_table(f, pos, nr_cpus, false);
	if (!l.found) {
		fly_set_err(f, "no buffer instance %d", instance);
		return -EINVAL;
	}
	/* tracecmd_buffer_instance_handle(): the instance's copy has no time shift */
	fly_tsync_free(f);
	return v6_table(f, l.v6_table, nr_cpus, true);
bad:
	fly_set_err(f, "corrupt trace.dat v6 headers");
	return ret ? ret : -EINVAL;
}

static int v7_layout(struct mf_fly *f, uint64_t first_options, int instance)
{
	struct layout l = { .want = instance };
	uint64_t pos, id, flags, dummy, size, i, maxcpu = 0;
	struct fly_cpu *c;
	const unsigned char *e;
	int ret;

	ret = v7_options(f, &l, first_options);
	if (ret)
		goto out;
	memcpy(f->sec, l.sec, sizeof(f->sec));
	f->cpucount = l.cpucount;
	f->nr_instances = l.nr_named;
	/* tracecmd_buffer_instance_handle(): the instance's copy has no time shift */
	if (instance >= 0)
		fly_tsync_free(f);
	if (!l.found) {
		if (instance >= 0) {
			fly_set_err(f, "no buffer instance %d", instance);
			ret = -EINVAL;
			goto out;
		}
		ret = alloc_cpus(f, 0);		/* no top buffer: no records */
		goto out;
	}
	if (l.page_size < 64 || l.page_size > MAX_PAGE_SIZE || (l.page_size & (l.page_size - 1))) {
		fly_set_err(f, "corrupt BUFFER option (page size %u)", l.page_size);
		ret = -EINVAL;
		goto out;
	}
	f->page_size = l.page_size;
	pos = l.v7_section;
	if ((ret = fly_rd_num(f, &pos, 2, &id)) || (ret = fly_rd_num(f, &pos, 2, &flags)) ||
	    (ret = fly_rd_num(f, &pos, 4, &dummy)) || (ret = fly_rd_num(f, &pos, 8, &size)))
		goto out;
	if (id != SEC_FLYRECORD || size > f->file_size - pos) {
		fly_set_err(f, "corrupt FLYRECORD section at %#llx", (unsigned long long)l.v7_section);
		ret = -EINVAL;
		goto out;
	}
	f->compressed = flags & SEC_FL_COMPRESS;
	if (f->compressed && f->codec == C_NONE) {
		fly_set_err(f, "compressed FLYRECORD section in a file without compression");
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < l.nr_list; i++) {
		uint64_t cpu = get_num(f, l.cpu_list + 20 * i, 4);

		if (cpu > maxcpu)
			maxcpu = cpu;
	}
	if ((ret = alloc_cpus(f, l.nr_list ? maxcpu + 1 : 0)))
		goto out;
	for (i = 0; i < l.nr_list; i++) {
		e = l.cpu_list + 20 * i;
		c = &f->cpus[get_num(f, e, 4)];
		ret = add_cpu(f, get_num(f, e, 4), get_num(f, e + 4, 8), get_num(f, e + 12, 8));
		if (ret)
			goto out;
		/* the data lies inside its section */
		if (c->has_data && (c->pos < pos || c->end > pos + size)) {
			fly_set_err(f, "corrupt BUFFER option (CPU data outside its section)");
			ret = -EINVAL;
			goto out;
		}
		/*
		 * Compressed: trace-cmd up to 3.1.6 wrote a size that leaves out the 4-byte
		 * chunk count (the chunks alone), 3.2 and later count it (commit "libtracecmd:
		 * Fix tracecmd_compress_copy_from() write size return"); libtracecmd of either
		 * reads the chunks by their count and uses the size only against the file's.
		 * So do we: the count ends the data, and the extent may reach 4 bytes further,
		 * within the section.
		 */
		if (c->has_data && f->compressed)
			c->end = c->end + 4 <= pos + size ? c->end + 4 : pos + size;
	}
out:
	free(l.cpu_list);
	return ret;
}

/* Magic, version, endianness, long size, page size, compression; then the layout. */
int fly_read_layout(struct mf_fly *f, int instance)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	unsigned char b[256];
	const unsigned char *p, *z, *end;
	size_t n = f->file_size < sizeof(b) ? f->file_size : sizeof(b);
	uint64_t first_options;
	int ret;

	if ((ret = fly_rd(f, 0, b, n)))
		return ret;
	end = b + n;
	if (n < sizeof(magic) || memcmp(b, magic, sizeof(magic)))
		goto bad;
	p = b + sizeof(magic);
	if (!(z = memchr(p, 0, end - p)))
		goto bad;
	f->version = atoi((const char *)p);
	if (f->version != 6 && f->version != 7) {
		fly_set_err(f, "unsupported trace.dat version %d", f->version);
		return -ENOTSUP;
	}
	p = z + 1;
	if (end - p < 6)
		goto bad;
	f->big_endian = p[0];
	f->long_size = p[1];
	f->swap = f->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	f->page_size = get_num(f, p + 2, 4);
	p += 6;
	if (f->page_size < 64 || f->page_size > MAX_PAGE_SIZE ||
	    (f->page_size & (f->page_size - 1))) {
		fly_set_err(f, "corrupt trace.dat header (page size %u)", f->page_size);
		return -EINVAL;
	}
	if (f->version == 6) {
		return v6_layout(f, p - b, instance);
	}
	if (!(z = memchr(p, 0, end - p)))
		goto bad;
	if (!strcmp((const char *)p, "none")) {
		f->codec = C_NONE;
	} else if (!strcmp((const char *)p, "zstd")) {
		f->codec = C_ZSTD;
		/* OPTIONS and other sections may be compressed too */
		f->zctx = ZSTD_createDCtx();
		if (!f->zctx) {
			fly_set_err(f, "%s", strerror(ENOMEM));
			return -ENOMEM;
		}
	} else if (!strcmp((const char *)p, "zlib")) {
		f->codec = C_ZLIB;
	} else {
		/*
		 * libtracecmd 3.1.6 knows these two codecs too (trace-compress-zlib.c,
		 * -zstd.c): it would refuse the file in tracecmd_alloc_fd(), with a less
		 * telling message.
		 */
		fly_set_err(f, "compression '%.32s' not supported (zstd, zlib or none)",
			    (const char *)p);
		return -EINVAL;
	}
	p = z + 1;
	if (!(z = memchr(p, 0, end - p)) || end - (z + 1) < 8)
		goto bad;
	first_options = get_num(f, z + 1, 8);
	return v7_layout(f, first_options, instance);
bad:
	fly_set_err(f, "not a trace.dat file or a corrupt header");
	return -EINVAL;
}
