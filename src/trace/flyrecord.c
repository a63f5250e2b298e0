// SPDX-License-Identifier: GPL-2.0
/*
 * Flyrecord reader: trace.dat per-CPU ring-buffer pages -> records, without libtracecmd.
 *
 * Why: libtracecmd 1.3.1 decompresses v7 data chunk by chunk into a cache it never trims
 * (see reader.c), and allocates a tep_record per event; reading through it tops out near
 * 4.5M events/s.  This reader keeps one chunk per CPU, decompresses it with libzstd or
 * zlib straight into a reused buffer, parses each ring-buffer page itself by the rules of
 * libtraceevent's kbuffer (page_record(); kbuffer's two calls per record took 44% of the
 * time) and returns records that point into that buffer.
 *
 * Layout (trace-cmd.dat.v6(5), trace-cmd.dat.v7(5)), numbers in the file's endianness:
 *  v6: the header blocks in a fixed order, nr_cpus, "options  \0" + options, then
 *      "flyrecord\0" + nr_cpus * (offset 8, size 8) of raw pages.  A buffer instance's
 *      BUFFER option points at its own "flyrecord\0" table (same CPU count).
 *  v7: sections (id 2, flags 2, string id 4, size 8); the first OPTIONS section's offset
 *      follows the compression strings, and each DONE option gives the next one.  A BUFFER
 *      option names the buffer's FLYRECORD section and lists (cpu 4, offset 8, size 8).
 *      With the section's compressed flag, a CPU's data is a chunk count (4) and chunks
 *      of (compressed size 4, uncompressed size 4, data).
 *
 * Trust: nothing read from the file is used before it is checked: extents against the
 * file size, chunk sizes against their CPU's extent and MF_FLY_MAX_CHUNK, a page's commit
 * word against the page size, each record against its page's data.  Buffers carry SLACK
 * zero bytes past their end because an item's 8-byte header is read before its length
 * is known.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <zlib.h>
#include <zstd.h>

#include "mmfrag/flyrecord.h"

#define SLACK			64
#define MAX_CPU_ID		65535
#define MAX_OPTIONS_BYTES	(16U << 20)	/* a compressed OPTIONS section, uncompressed */
#define MAX_OPTION_SECTIONS	4096
#define MAX_PAGE_SIZE		(16U << 20)

/* page header commit word (kernel ring_buffer.c: RB_MISSED_EVENTS, RB_MISSED_STORED) */
#define COMMIT_MASK		((1ULL << 27) - 1)
#define MISSED_EVENTS		(1ULL << 31)
#define MISSED_STORED		(1ULL << 30)

/* option ids (trace-cmd.h, enum tracecmd_file_options) */
#define OPT_DONE		0
#define OPT_DATE		1
#define OPT_BUFFER		3
#define OPT_UNAME		5
#define OPT_OFFSET		7
#define OPT_TIME_SHIFT		12
#define OPT_CPUCOUNT		8
#define OPT_TSC2NSEC		14
#define OPT_HEADER_INFO		16	/* ... to OPT_CMDLINES: offset of that section (v7) */
#define OPT_FTRACE_EVENTS	17
#define OPT_EVENT_FORMATS	18
#define OPT_PRINTK		20
#define OPT_CMDLINES		21
#define OPT_LAST_SECTION	21
#define SEC_OPTIONS		0
#define SEC_FLYRECORD		3
#define SEC_FL_COMPRESS		1

enum codec { C_NONE, C_ZSTD, C_ZLIB };

struct fly_cpu {
	unsigned char	*buf;		/* whole pages of this CPU, then SLACK zero bytes */
	size_t		cap;		/* bytes allocated for pages (SLACK not counted) */
	size_t		len;		/* bytes of pages in buf */
	size_t		next;		/* offset in buf of the next page to load */
	uint64_t	pos, end;	/* file range not read yet */
	uint32_t	chunks;		/* compressed: chunks left */
	const unsigned char *page;	/* page being parsed, NULL if none */
	const unsigned char *lo, *hi;	/* its event data: [lo, hi) */
	uint64_t	ts;		/* time of the item at lo + off, before ts_offset */
	uint32_t	off;		/* next item's offset from lo */
	int64_t		lost;		/* the page's lost events: 0, a count, or -1 */
	struct mf_fly_record head;	/* mf_fly_next(): the CPU's next record */
	bool		has_data;
	bool		done;
};

struct mf_fly {
	char		*path;
	int		fd;
	uint64_t	file_size;
	bool		swap;		/* file endianness is not ours */
	bool		big_endian;
	int		version;
	enum codec	codec;
	bool		compressed;	/* this buffer's CPU data is in chunks */
	uint32_t	page_size;
	unsigned int	hdr;		/* page header bytes: 8 + commit word */
	unsigned int	lsize;		/* commit word bytes: 4 or 8 */
	int64_t		ts_offset;	/* DATE and OFFSET options, as libtracecmd adds them */
	int		long_size;	/* user-space long size, from the file header */
	/* where the formats are, for mf_fly_load_tep() */
	uint64_t	v6_pos[7];	/* v6: header info, ftrace, events, kallsyms, printk,
					 * cmdlines, CPU count */
	uint64_t	sec[OPT_LAST_SECTION + 1];	/* v7: section offsets by option id */
	uint64_t	cpucount;
	char		*uname;		/* UNAME option, or NULL */
	int		nr_instances;	/* named buffers (BUFFER options with a name) */
	uint64_t	data_bytes;	/* file bytes of this buffer's CPU data */
	uint64_t	data_read;	/* of those, read so far (progress) */

	struct fly_cpu	*cpus;
	int		nr_cpus;

	/* merge */
	int		*heap;		/* CPU ids with a head record, min (ts, cpu) first */
	int		heap_len;
	int		pending;	/* CPU whose head was returned and must advance; -1 */
	uint64_t	limit_ts;	/* the root's CPU is still first below (limit_ts, limit_cpu) */
	int		limit_cpu;
	bool		merging;

	unsigned char	*zbuf;		/* one compressed chunk */
	size_t		zcap;
	ZSTD_DCtx	*zctx;
	uint64_t	page_bytes;
	char		err[512];
};

static void set_err(struct mf_fly *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_err(struct mf_fly *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->err[0])		/* keep the first problem */
		return;
	n = snprintf(f->err, sizeof(f->err), "%s: ", f->path);
	if (n < 0 || (size_t)n >= sizeof(f->err))
		return;
	va_start(ap, fmt);
	vsnprintf(f->err + n, sizeof(f->err) - n, fmt, ap);
	va_end(ap);
}

static uint64_t get_num(const struct mf_fly *f, const void *p, unsigned int len)
{
	const unsigned char *b = p;
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (uint64_t)b[f->big_endian ? len - 1 - i : i] << (8 * i);
	return v;
}

/* len bytes at off, all inside the file, or -EINVAL. */
static int rd(struct mf_fly *f, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (off > f->file_size || len > f->file_size - off) {
		set_err(f, "truncated or corrupt trace.dat (%zu bytes at offset %#llx, past the "
			"end of the file)", len, (unsigned long long)off);
		return -EINVAL;
	}
	while (done < len) {
		n = pread(f->fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_err(f, "read error at offset %#llx: %s", (unsigned long long)off,
				n < 0 ? strerror(errno) : "unexpected end of file");
			return n < 0 ? -errno : -EIO;
		}
		done += n;
	}
	return 0;
}

static int rd_num(struct mf_fly *f, uint64_t *pos, unsigned int len, uint64_t *v)
{
	unsigned char b[8];
	int ret;

	ret = rd(f, *pos, b, len);
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
			return rd(f, *pos, b, 1);	/* sets the message */
		n = f->file_size - *pos < sizeof(b) ? f->file_size - *pos : sizeof(b);
		ret = rd(f, *pos, b, n);
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

	ret = rd_num(f, pos, len, &n);
	if (ret)
		return ret;
	if (n > f->file_size - *pos) {
		set_err(f, "truncated or corrupt trace.dat (a header block of %llu bytes at "
			"offset %#llx runs past the end of the file)", (unsigned long long)n,
			(unsigned long long)*pos);
		return -EINVAL;
	}
	*pos += n;
	return 0;
}

/* ---- options ---------------------------------------------------------------------------- */

/* A cursor over an option's data: every read is checked against its size. */
struct cur {
	const unsigned char	*p, *end;
	bool			bad;
};

static uint64_t cur_num(const struct mf_fly *f, struct cur *c, unsigned int len)
{
	uint64_t v;

	if (c->bad || (size_t)(c->end - c->p) < len) {
		c->bad = true;
		return 0;
	}
	v = get_num(f, c->p, len);
	c->p += len;
	return v;
}

static const char *cur_str(struct cur *c)
{
	const unsigned char *z;
	const char *s;

	if (c->bad || !(z = memchr(c->p, 0, c->end - c->p))) {
		c->bad = true;
		return "";
	}
	s = (const char *)c->p;
	c->p = z + 1;
	return s;
}

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

	memcpy(s, d, n);
	s[n] = 0;
	/* libtracecmd: DATE is in microseconds, OFFSET in the timestamps' unit (ns) */
	if (id == OPT_DATE)
		f->ts_offset += strtoll(s, NULL, 0) * 1000;
	else
		f->ts_offset += strtoll(s, NULL, 0);
	return 0;
}

static int buffer_option(struct mf_fly *f, struct layout *l, const unsigned char *d,
			 uint32_t size)
{
	struct cur c = { d, d + size, false };
	uint64_t off;
	const char *name;
	bool mine;

	off = cur_num(f, &c, 8);
	name = cur_str(&c);
	if (c.bad) {
		set_err(f, "corrupt BUFFER option");
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
		set_err(f, "corrupt BUFFER option (CPU list)");
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
		if (size < 16)
			return 0;
		set_err(f, "TSC timestamps (TSC2NSEC option): left to libtracecmd");
		return -ENOTSUP;
	case OPT_TIME_SHIFT:
		set_err(f, "guest time shift (TIME_SHIFT option): left to libtracecmd");
		return -ENOTSUP;
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
			set_err(f, "corrupt option %u (size %u past its section)", id, size);
			return -EINVAL;
		}
		ret = one_option(f, l, id, d, size, next);
		if (ret)
			return ret < 0 ? ret : 0;
		p = d + size;
	}
	set_err(f, "corrupt OPTIONS section (no DONE option)");
	return -EINVAL;
}

/* v6 options: a list in the file ending with id 0.  *pos is left after it. */
static int v6_options(struct mf_fly *f, struct layout *l, uint64_t *pos)
{
	unsigned char *buf = NULL;
	uint64_t id, size, next;
	int ret;

	for (;;) {
		ret = rd_num(f, pos, 2, &id);
		if (ret || !id)
			break;
		ret = rd_num(f, pos, 4, &size);
		if (ret)
			break;
		if (size > f->file_size - *pos || size > MAX_OPTIONS_BYTES) {
			set_err(f, "corrupt option %u (size %llu)", (unsigned int)id,
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
		ret = rd(f, *pos, buf, size);
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

static int decompress(struct mf_fly *f, void *dst, size_t dlen, const void *src, size_t slen)
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
		if ((ret = rd_num(f, &pos, 2, &id)) || (ret = rd_num(f, &pos, 2, &flags)) ||
		    (ret = rd_num(f, &pos, 4, &size)) || (ret = rd_num(f, &pos, 8, &size)))
			break;
		if (id != SEC_OPTIONS || size > f->file_size - pos || size > MAX_OPTIONS_BYTES) {
			set_err(f, "corrupt OPTIONS section at %#llx", (unsigned long long)off);
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
		if ((ret = rd(f, pos, sec, size)))
			break;
		p = sec;
		us = size;
		if (flags & SEC_FL_COMPRESS) {
			if (size < 8 || f->codec == C_NONE) {
				set_err(f, "corrupt compressed OPTIONS section at %#llx",
					(unsigned long long)off);
				ret = -EINVAL;
				break;
			}
			zs = get_num(f, sec, 4);
			us = get_num(f, sec + 4, 4);
			if (zs > size - 8 || us > MAX_OPTIONS_BYTES || !(data = malloc(us + 1)) ||
			    decompress(f, data, us, sec + 8, zs)) {
				set_err(f, "corrupt compressed OPTIONS section at %#llx",
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
			set_err(f, "corrupt OPTIONS chain (%#llx after %#llx)",
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
		set_err(f, "corrupt CPU table (CPU %llu listed twice)", (unsigned long long)cpu);
		return -EINVAL;
	}
	if (!size)
		return 0;
	if (off > f->file_size || size > f->file_size - off) {
		set_err(f, "truncated or corrupt trace.dat (CPU %llu data [%#llx, +%llu) past the "
			"end of the file)", (unsigned long long)cpu, (unsigned long long)off,
			(unsigned long long)size);
		return -EINVAL;
	}
	c->has_data = true;
	c->pos = off;
	c->end = off + size;
	f->data_bytes += size;
	return 0;
}

static int alloc_cpus(struct mf_fly *f, uint64_t n)
{
	if (n > MAX_CPU_ID + 1) {
		set_err(f, "corrupt CPU count %llu", (unsigned long long)n);
		return -EINVAL;
	}
	f->nr_cpus = (int)n;
	f->cpus = calloc(n ? n : 1, sizeof(*f->cpus));
	f->heap = calloc(n ? n : 1, sizeof(*f->heap));
	return f->cpus && f->heap ? 0 : -ENOMEM;
}

/* v6: "flyrecord\0" and nr_cpus (offset 8, size 8) at pos. */
static int v6_table(struct mf_fly *f, uint64_t pos, uint64_t nr_cpus)
{
	uint64_t i, off, size;
	char tag[16];
	int ret;

	if ((ret = rd(f, pos, tag, 10)))
		return ret;
	pos += 10;
	if (!memcmp(tag, "latency  ", 10)) {
		/*
		 * A latency tracer's text, no ring-buffer records: nothing mmfrag can replay,
		 * and libtracecmd 1.3.1 crashes reading one with damaged headers
		 * (tracecmd_peek_data(), fuzz/README.md), so it is refused here.
		 */
		set_err(f, "latency trace (trace-cmd record -p of a latency tracer): no event "
			"records to replay");
		return -EINVAL;
	}
	if (!memcmp(tag, "options  ", 10)) {
		set_err(f, "options in a v6 buffer instance: left to libtracecmd");
		return -ENOTSUP;
	}
	if (memcmp(tag, "flyrecord", 10)) {
		set_err(f, "corrupt trace.dat v6 (no flyrecord table at %#llx)",
			(unsigned long long)(pos - 10));
		return -EINVAL;
	}
	if ((ret = alloc_cpus(f, nr_cpus)))
		return ret;
	for (i = 0; i < nr_cpus; i++) {
		if ((ret = rd_num(f, &pos, 8, &off)) || (ret = rd_num(f, &pos, 8, &size)) ||
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
	if ((ret = rd(f, pos, tag, 12)) || memcmp(tag, "header_page", 12))
		goto bad;
	pos += 12;
	if ((ret = skip_sized(f, &pos, 8)))
		return ret;
	if ((ret = rd(f, pos, tag, 13)) || memcmp(tag, "header_event", 13))
		goto bad;
	pos += 13;
	if ((ret = skip_sized(f, &pos, 8)))
		return ret;
	f->v6_pos[1] = pos;
	if ((ret = rd_num(f, &pos, 4, &n)))
		return ret;
	for (i = 0; i < n; i++)				/* ftrace formats */
		if ((ret = skip_sized(f, &pos, 8)))
			return ret;
	f->v6_pos[2] = pos;
	if ((ret = rd_num(f, &pos, 4, &n)))
		return ret;
	for (i = 0; i < n; i++) {			/* event systems */
		if ((ret = skip_string(f, &pos)) || (ret = rd_num(f, &pos, 4, &m)))
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
	if ((ret = rd_num(f, &pos, 4, &nr_cpus)) || (ret = rd(f, pos, tag, 10)))
		return ret;
	f->cpucount = nr_cpus;
	if (!memcmp(tag, "options  ", 10)) {
		pos += 10;
		if ((ret = v6_options(f, &l, &pos)))
			return ret;
	}
	f->nr_instances = l.nr_named;
	if (instance < 0)
		return v6_table(f, pos, nr_cpus);
	if (!l.found) {
		set_err(f, "no buffer instance %d", instance);
		return -EINVAL;
	}
	return v6_table(f, l.v6_table, nr_cpus);
bad:
	set_err(f, "corrupt trace.dat v6 headers");
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
	if (!l.found) {
		if (instance >= 0) {
			set_err(f, "no buffer instance %d", instance);
			ret = -EINVAL;
			goto out;
		}
		ret = alloc_cpus(f, 0);		/* no top buffer: no records */
		goto out;
	}
	if (l.page_size < 64 || l.page_size > MAX_PAGE_SIZE || (l.page_size & (l.page_size - 1))) {
		set_err(f, "corrupt BUFFER option (page size %u)", l.page_size);
		ret = -EINVAL;
		goto out;
	}
	f->page_size = l.page_size;
	pos = l.v7_section;
	if ((ret = rd_num(f, &pos, 2, &id)) || (ret = rd_num(f, &pos, 2, &flags)) ||
	    (ret = rd_num(f, &pos, 4, &dummy)) || (ret = rd_num(f, &pos, 8, &size)))
		goto out;
	if (id != SEC_FLYRECORD || size > f->file_size - pos) {
		set_err(f, "corrupt FLYRECORD section at %#llx", (unsigned long long)l.v7_section);
		ret = -EINVAL;
		goto out;
	}
	f->compressed = flags & SEC_FL_COMPRESS;
	if (f->compressed && f->codec == C_NONE) {
		set_err(f, "compressed FLYRECORD section in a file without compression");
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
		/* compressed: the size counts the chunks, not the chunk count before them */
		if (c->has_data && f->compressed)
			c->end += 4;
		/* the data lies inside its section */
		if (c->has_data && (c->pos < pos || c->end > pos + size)) {
			set_err(f, "corrupt BUFFER option (CPU data outside its section)");
			ret = -EINVAL;
			goto out;
		}
	}
out:
	free(l.cpu_list);
	return ret;
}

/* Magic, version, endianness, long size, page size, compression; then the layout. */
static int read_layout(struct mf_fly *f, int instance)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	unsigned char b[256];
	const unsigned char *p, *z, *end;
	size_t n = f->file_size < sizeof(b) ? f->file_size : sizeof(b);
	uint64_t first_options;
	int ret;

	if ((ret = rd(f, 0, b, n)))
		return ret;
	end = b + n;
	if (n < sizeof(magic) || memcmp(b, magic, sizeof(magic)))
		goto bad;
	p = b + sizeof(magic);
	if (!(z = memchr(p, 0, end - p)))
		goto bad;
	f->version = atoi((const char *)p);
	if (f->version != 6 && f->version != 7) {
		set_err(f, "unsupported trace.dat version %d", f->version);
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
		set_err(f, "corrupt trace.dat header (page size %u)", f->page_size);
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
			set_err(f, "%s", strerror(ENOMEM));
			return -ENOMEM;
		}
	} else if (!strcmp((const char *)p, "zlib")) {
		f->codec = C_ZLIB;
	} else {
		set_err(f, "compression '%.32s': left to libtracecmd", (const char *)p);
		return -ENOTSUP;
	}
	p = z + 1;
	if (!(z = memchr(p, 0, end - p)) || end - (z + 1) < 8)
		goto bad;
	first_options = get_num(f, z + 1, 8);
	return v7_layout(f, first_options, instance);
bad:
	set_err(f, "not a trace.dat file or a corrupt header");
	return -EINVAL;
}

/* ---- pages -------------------------------------------------------------------------------- */

static int grow(struct mf_fly *f, unsigned char **buf, size_t *cap, size_t need)
{
	unsigned char *nb;

	if (need <= *cap)
		return 0;
	nb = realloc(*buf, need + SLACK);
	if (!nb) {
		set_err(f, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	*buf = nb;
	*cap = need;
	return 0;
}

/* Refill c->buf with the CPU's next pages: 1, 0 at the end of its data, < 0 error. */
static int fill(struct mf_fly *f, struct fly_cpu *c, int cpu)
{
	uint64_t left = c->end - c->pos, want;
	unsigned char h[8];
	uint32_t zs, us;
	int ret;

	if (f->compressed) {
		if (!c->chunks)
			return 0;
		if (left < 8)
			goto bad;
		if ((ret = rd(f, c->pos, h, 8)))
			return ret;
		zs = get_num(f, h, 4);
		us = get_num(f, h + 4, 4);
		if (zs > left - 8 || !us || us > MF_FLY_MAX_CHUNK || us % f->page_size)
			goto bad;
		if ((ret = grow(f, &f->zbuf, &f->zcap, zs)) || (ret = grow(f, &c->buf, &c->cap, us)) ||
		    (ret = rd(f, c->pos + 8, f->zbuf, zs)))
			return ret;
		if (decompress(f, c->buf, us, f->zbuf, zs)) {
			set_err(f, "CPU %d: chunk at %#llx does not decompress to its %u bytes", cpu,
				(unsigned long long)c->pos, us);
			return -EINVAL;
		}
		c->pos += 8 + zs;
		__atomic_store_n(&f->data_read, f->data_read + 8 + zs, __ATOMIC_RELAXED);
		c->chunks--;
		c->len = us;
	} else {
		/* page sizes are powers of two: one divides the other */
		uint64_t unit = f->page_size > MF_FLY_READ_BYTES ? f->page_size : MF_FLY_READ_BYTES;

		want = left < unit ? left : unit;
		want -= want % f->page_size;
		if (!want)
			return 0;	/* a partial last page is not a page */
		if ((ret = grow(f, &c->buf, &c->cap, unit)) ||
		    (ret = rd(f, c->pos, c->buf, want)))
			return ret;
		c->pos += want;
		__atomic_store_n(&f->data_read, f->data_read + want, __ATOMIC_RELAXED);
		c->len = want;
	}
	memset(c->buf + c->len, 0, SLACK);
	c->next = 0;
	return 1;
bad:
	set_err(f, "CPU %d: corrupt compressed chunk header at %#llx", cpu,
		(unsigned long long)c->pos);
	return -EINVAL;
}

/* Load the CPU's next page: 1, 0 at the end, < 0 error. */
static int next_page(struct mf_fly *f, struct fly_cpu *c, int cpu)
{
	const unsigned char *pg;
	uint64_t commit, used, size;
	int ret;

	if (c->next >= c->len) {
		c->page = NULL;
		ret = fill(f, c, cpu);
		if (ret <= 0) {
			c->done = true;
			return ret;
		}
	}
	pg = c->buf + c->next;
	c->next += f->page_size;
	commit = get_num(f, pg + 8, f->lsize);
	size = commit & COMMIT_MASK;
	used = f->hdr + size;
	c->lost = 0;
	if (commit & MISSED_EVENTS) {
		c->lost = -1;
		if (commit & MISSED_STORED) {
			used += f->lsize;		/* the lost-event count after the data */
			if (used <= f->page_size)
				c->lost = (int64_t)get_num(f, pg + f->hdr + size, f->lsize);
		}
	}
	if (used > f->page_size) {
		set_err(f, "CPU %d: corrupt page header (commit %#llx for a %u-byte page)", cpu,
			(unsigned long long)commit, f->page_size);
		c->done = true;
		return -EINVAL;
	}
	f->page_bytes += f->page_size;
	c->ts = get_num(f, pg, 8);
	c->off = 0;
	c->page = pg;
	c->lo = pg + f->hdr;
	c->hi = c->lo + size;
	return 1;
}

/*
 * Ring-buffer page items (kernel ring_buffer.c, struct ring_buffer_event): a 32-bit
 * header, type_len in the low 5 bits and time_delta in the high 27 (the other way round
 * in a big-endian file), then:
 *  0       data; array[0] = length + 4, the payload after it, padded to 4 bytes
 *  1..28   data; the payload right after the header, type_len * 4 bytes
 *  29      padding; array[0] = bytes to skip after the header (the delta still counts)
 *  30      time extend: delta += array[0] << 27
 *  31      absolute time stamp: array[0] << 27 | delta, the top 5 bits kept from before
 * Each data item's time is the page's time plus the deltas of every item up to it.  The
 * rules are those of libtraceevent's kbuffer (translate_data(), update_pointers()), so the
 * records come out as libtracecmd gives them; the oracle test holds both to that.  The
 * page's lost-event count belongs to its first record only when that record is the
 * page's first item (kbuffer_missed_events() is 0 for any later offset).
 */
#define RB_PADDING	29
#define RB_TIME_EXTEND	30
#define RB_TIME_STAMP	31
#define RB_TS_SHIFT	27
#define RB_TS_MSB	(0xf8ULL << 56)

static inline uint32_t item_word(const struct mf_fly *f, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return f->swap ? __builtin_bswap32(v) : v;
}

/* The page's next data record: 1, 0 at the page's end, < 0 error. */
static inline int page_record(struct mf_fly *f, struct fly_cpu *c, int cpu,
			      struct mf_fly_record *rec)
{
	const unsigned char *lo = c->lo;
	uint64_t size = c->hi - lo, off = c->off, ts = c->ts, start, len;
	uint32_t w, type_len, delta;
	int64_t slen;

	for (;;) {
		if (off >= size) {
			c->off = off;
			c->ts = ts;
			return 0;
		}
		/* the item's first 8 bytes are inside the buffer (SLACK past its end) */
		w = item_word(f, lo + off);
		if (f->big_endian) {
			type_len = w >> 27;
			delta = w & ((1U << 27) - 1);
		} else {
			type_len = w & 31;
			delta = w >> 5;
		}
		switch (type_len) {
		case RB_PADDING:
			ts += delta;
			off += 4 + (uint64_t)item_word(f, lo + off + 4);
			continue;
		case RB_TIME_EXTEND:
			ts += ((uint64_t)item_word(f, lo + off + 4) << RB_TS_SHIFT) + delta;
			off += 8;
			continue;
		case RB_TIME_STAMP:
			ts = (((uint64_t)item_word(f, lo + off + 4) << RB_TS_SHIFT) + delta) |
			     (ts & RB_TS_MSB);
			off += 8;
			continue;
		case 0:
			/* kbuffer: int length = array[0] - 4, rounded up to 4 (1..3 give 0) */
			slen = ((int64_t)item_word(f, lo + off + 4) - 4 + 3) & ~(int64_t)3;
			if (slen < 0)
				goto bad;
			len = (uint64_t)slen;
			start = off + 8;
			break;
		default:
			len = type_len * 4;
			start = off + 4;
			break;
		}
		ts += delta;
		if (start > size || len > size - start)
			goto bad;
		rec->missed = off ? 0 : c->lost;
		rec->data = lo + start;
		rec->size = (uint32_t)len;
		rec->ts = ts + f->ts_offset;
		rec->cpu = cpu;
		c->off = start + len;
		c->ts = ts;
		return 1;
	}
bad:
	set_err(f, "CPU %d: corrupt record (at page offset %llu past the page's data)", cpu,
		(unsigned long long)(off + f->hdr));
	c->done = true;
	c->page = NULL;
	return -EINVAL;
}

/* The CPU's next record into *rec: 1, 0 at its end, < 0 error. */
static inline int read_record(struct mf_fly *f, int cpu, struct mf_fly_record *rec)
{
	struct fly_cpu *c = &f->cpus[cpu];
	int ret;

	for (;;) {
		if (c->page) {
			ret = page_record(f, c, cpu, rec);
			if (ret)
				return ret;
		}
		if (c->done)
			return 0;
		ret = next_page(f, c, cpu);
		if (ret <= 0)
			return ret;
	}
}

int mf_fly_read_cpu(struct mf_fly *f, int cpu, struct mf_fly_record *rec)
{
	if (cpu < 0 || cpu >= f->nr_cpus || !f->cpus[cpu].has_data)
		return 0;
	return read_record(f, cpu, rec);
}

/* ---- merge ---------------------------------------------------------------------------------- */

static inline bool before(const struct mf_fly *f, int a, int b)
{
	const struct mf_fly_record *x = &f->cpus[a].head, *y = &f->cpus[b].head;

	return x->ts < y->ts || (x->ts == y->ts && a < b);
}

static void heap_down(struct mf_fly *f, int i)
{
	int *h = f->heap, n = f->heap_len;

	for (;;) {
		int l = 2 * i + 1, m = i, t;

		if (l < n && before(f, h[l], h[m]))
			m = l;
		if (l + 1 < n && before(f, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static int merge_start(struct mf_fly *f)
{
	int cpu, ret, i;

	f->merging = true;
	f->pending = -1;
	f->heap_len = 0;
	for (cpu = 0; cpu < f->nr_cpus; cpu++) {
		if (!f->cpus[cpu].has_data)
			continue;
		ret = read_record(f, cpu, &f->cpus[cpu].head);
		if (ret < 0)
			return ret;
		if (ret)
			f->heap[f->heap_len++] = cpu;
	}
	for (i = f->heap_len / 2 - 1; i >= 0; i--)
		heap_down(f, i);
	return 0;
}

/* The smallest (ts, cpu) among the root's children: the root's CPU runs until it. */
static void set_limit(struct mf_fly *f)
{
	int *h = f->heap, m;

	if (f->heap_len < 2) {
		f->limit_ts = UINT64_MAX;
		f->limit_cpu = INT32_MAX;
		return;
	}
	m = f->heap_len > 2 && before(f, h[2], h[1]) ? h[2] : h[1];
	f->limit_ts = f->cpus[m].head.ts;
	f->limit_cpu = m;
}

int mf_fly_next(struct mf_fly *f, struct mf_fly_record *rec)
{
	struct mf_fly_record *hd;
	int ret, cpu;

	if (!f->merging) {
		ret = merge_start(f);
		if (ret < 0) {
			f->heap_len = 0;
			return ret;
		}
		set_limit(f);
	}
	if (f->pending >= 0) {
		/* the record returned last time is done with: its CPU moves on */
		cpu = f->pending;
		f->pending = -1;
		hd = &f->cpus[cpu].head;
		ret = read_record(f, cpu, hd);
		if (ret < 0) {
			f->heap_len = 0;
			return ret;
		}
		if (ret && (hd->ts < f->limit_ts || (hd->ts == f->limit_ts && cpu < f->limit_cpu))) {
			/* still the smallest: the heap is unchanged */
			*rec = *hd;
			f->pending = cpu;
			return 1;
		}
		if (!ret)
			f->heap[0] = f->heap[--f->heap_len];
		heap_down(f, 0);
		set_limit(f);
	}
	if (!f->heap_len)
		return 0;
	cpu = f->heap[0];
	*rec = f->cpus[cpu].head;
	f->pending = cpu;
	return 1;
}

static int fly_open(const char *path, struct tep_handle *tep, int instance, bool layout_only,
		    struct mf_fly **out, char *err, size_t errlen);

/* ---- formats, without libtracecmd ------------------------------------------------------- */

/* [off, off + len) of the file in a new buffer, NUL-terminated. */
static unsigned char *load_bytes(struct mf_fly *f, uint64_t off, uint64_t len)
{
	unsigned char *b;

	if (len > MF_FLY_MAX_CHUNK) {
		set_err(f, "corrupt header block (%llu bytes at %#llx)", (unsigned long long)len,
			(unsigned long long)off);
		return NULL;
	}
	b = malloc(len + 1);
	if (!b) {
		set_err(f, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (rd(f, off, b, len)) {
		free(b);
		return NULL;
	}
	b[len] = 0;
	return b;
}

/* v7: the data of the section an option named, decompressed and NUL-terminated. */
static unsigned char *load_section(struct mf_fly *f, unsigned int id, uint64_t *len)
{
	uint64_t pos = f->sec[id], sid, flags, dummy, size, zs, us;
	unsigned char *z, *out;

	*len = 0;
	if (!pos)
		return calloc(1, 1);		/* absent: empty */
	if (rd_num(f, &pos, 2, &sid) || rd_num(f, &pos, 2, &flags) ||
	    rd_num(f, &pos, 4, &dummy) || rd_num(f, &pos, 8, &size))
		return NULL;
	if (sid != id || size > f->file_size - pos) {
		set_err(f, "corrupt section %u at %#llx", id, (unsigned long long)f->sec[id]);
		return NULL;
	}
	if (!(flags & SEC_FL_COMPRESS)) {
		*len = size;
		return load_bytes(f, pos, size);
	}
	if (size < 8 || rd_num(f, &pos, 4, &zs) || rd_num(f, &pos, 4, &us) || zs > size - 8 ||
	    us > MF_FLY_MAX_CHUNK || f->codec == C_NONE) {
		set_err(f, "corrupt compressed section %u", id);
		return NULL;
	}
	z = load_bytes(f, pos, zs);
	out = z ? malloc(us + 1) : NULL;
	if (out && decompress(f, out, us, z, zs)) {
		set_err(f, "section %u does not decompress to its %llu bytes", id,
			(unsigned long long)us);
		free(out);
		out = NULL;
	} else if (z && !out) {
		set_err(f, "%s", strerror(ENOMEM));
	}
	free(z);
	if (out) {
		out[us] = 0;
		*len = us;
	}
	return out;
}

/* A size (len bytes) then that many bytes: the bytes, or NULL. */
static const unsigned char *cur_blob(const struct mf_fly *f, struct cur *c, unsigned int len,
				     uint64_t *n)
{
	const unsigned char *p;

	*n = cur_num(f, c, len);
	if (c->bad || *n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		return NULL;
	}
	p = c->p;
	c->p += *n;
	return p;
}

enum part { P_HEADER, P_FTRACE, P_EVENTS, P_PRINTK, P_CMDLINES };

/*
 * What of an event format goes to libtraceevent, or 0 to skip the event.  Only the part
 * before "print fmt:": mmfrag reads fields and never prints an event, and libtraceevent
 * 1.7.1's print-format parser crashes on damaged formats (NULL reads, a division by zero,
 * __print_flags naming a missing field; fuzz/README.md); without it tep_parse_event()
 * keeps the event and its fields, marked TEP_EVENT_FL_FAILED, which nothing here reads.
 * Its field parser crashes too (strcmp(NULL) on a control byte in a declaration), so the
 * lines before are checked against what the kernel writes (trace_events.c, f_show()):
 * "name: N", "ID: N", "format:", then "\tfield:DECL;\toffset:N;\tsize:N;..." and
 * empty lines, DECL made of identifiers, numbers, "*+-/," and balanced brackets.
 */
static uint64_t format_len(const unsigned char *d, uint64_t sz)
{
	static const char *const tags[] = { ";\toffset:", ";\tsize:" };
	const unsigned char *pf = memmem(d, sz, "\nprint fmt:", 11);
	const unsigned char *p = d, *e = pf ? pf + 1 : d + sz, *nl;
	int line, depth, k;

	for (line = 0; p < e; line++, p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			return 0;
		if (line < 3) {
			static const char *const head[] = { "name: ", "ID: ", "format:" };
			size_t n = strlen(head[line]);

			if ((size_t)(nl - p) < n || memcmp(p, head[line], n))
				return 0;
			for (; p < nl; p++)
				if (*p < 0x20 || *p > 0x7e)
					return 0;
			continue;
		}
		if (nl == p)
			continue;
		if (nl - p < 7 || memcmp(p, "\tfield:", 7))
			return 0;
		for (p += 7, depth = 0; p < nl && *p != ';'; p++) {
			/* a ':' or '=' leaks the half-parsed event inside libtraceevent */
			if (!isalnum(*p) && (!*p || !strchr("_ *[]()+-/,", *p)))
				return 0;
			depth += (*p == '[' || *p == '(') - (*p == ']' || *p == ')');
			if (depth < 0)
				return 0;
		}
		if (depth)
			return 0;
		for (k = 0; k < 2; k++) {
			size_t n = strlen(tags[k]);
			const unsigned char *q;

			if ((size_t)(nl - p) < n || memcmp(p, tags[k], n))
				return 0;
			for (q = p += n; p < nl && *p >= '0' && *p <= '9'; p++)
				;
			if (p == q || p - q > 10)
				return 0;
		}
		if (p == nl || *p != ';')
			return 0;	/* "signed:" and what newer kernels add are not checked */
	}
	return line >= 3 ? (uint64_t)(e - d) : 0;
}

/*
 * One block of the formats, as trace-cmd.dat(5) lays it out in both versions; the buffer
 * is NUL-terminated just past the block (printk formats and cmdlines are text).
 */
static int parse_part(struct mf_fly *f, struct tep_handle *tep, enum part part,
		      const unsigned char *buf, uint64_t len)
{
	struct cur c = { buf, buf + len, false };
	uint64_t n, m, i, j, sz;
	const unsigned char *d;
	const char *sys;

	switch (part) {
	case P_HEADER:
		if (strcmp(cur_str(&c), "header_page") || !(d = cur_blob(f, &c, 8, &sz)))
			break;
		if (tep_parse_header_page(tep, (char *)d, sz, f->long_size))
			c.bad = true;
		break;		/* header_event: the ring-buffer format kbuffer knows */
	case P_FTRACE:
		n = cur_num(f, &c, 4);
		for (i = 0; i < n && !c.bad; i++)
			if ((d = cur_blob(f, &c, 8, &sz)) && (sz = format_len(d, sz)))
				tep_parse_event(tep, (const char *)d, sz, "ftrace");
		break;
	case P_EVENTS:
		n = cur_num(f, &c, 4);
		for (i = 0; i < n && !c.bad; i++) {
			sys = cur_str(&c);
			m = cur_num(f, &c, 4);
			for (j = 0; j < m && !c.bad; j++)
				if ((d = cur_blob(f, &c, 8, &sz)) && (sz = format_len(d, sz)))
					tep_parse_event(tep, (const char *)d, sz, sys);
		}
		break;
	case P_PRINTK:
		if (len && (d = cur_blob(f, &c, 4, &sz)) && sz)
			tep_parse_printk_formats(tep, (const char *)d);
		break;
	case P_CMDLINES:
		if (len && (d = cur_blob(f, &c, 8, &sz)) && sz)
			tep_parse_saved_cmdlines(tep, (const char *)d);
		break;
	}
	if (c.bad) {
		set_err(f, "corrupt %s block", part == P_HEADER ? "header page" :
			part == P_FTRACE ? "ftrace formats" : part == P_EVENTS ? "event formats" :
			part == P_PRINTK ? "printk formats" : "saved cmdlines");
		return -EINVAL;
	}
	return 0;
}

int mf_fly_load_tep(const char *path, struct tep_handle **out, char *err, size_t errlen)
{
	static const unsigned int sec_of[] = { OPT_HEADER_INFO, OPT_FTRACE_EVENTS,
					       OPT_EVENT_FORMATS, OPT_PRINTK, OPT_CMDLINES };
	/* v6: the blocks between v6_pos[k] and v6_pos[k + 1] (kallsyms, 3-4, skipped) */
	static const int v6_from[] = { 0, 1, 2, 4, 5 };
	struct tep_handle *tep = NULL;
	unsigned char *buf;
	struct mf_fly *f;
	uint64_t len;
	int ret, part;

	*out = NULL;
	ret = fly_open(path, NULL, -1, true, &f, err, errlen);
	if (ret)
		return ret;
	tep = tep_alloc();
	if (!tep)
		goto nomem;
	tep_set_file_bigendian(tep, f->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? TEP_BIG_ENDIAN :
				TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, f->long_size);
	tep_set_page_size(tep, f->page_size);
	for (part = P_HEADER; part <= P_CMDLINES; part++) {
		if (f->version == 6) {
			len = f->v6_pos[v6_from[part] + 1] - f->v6_pos[v6_from[part]];
			buf = load_bytes(f, f->v6_pos[v6_from[part]], len);
		} else {
			buf = load_section(f, sec_of[part], &len);
		}
		if (!buf) {
			ret = f->err[0] ? -EINVAL : -ENOMEM;
			goto fail;
		}
		ret = parse_part(f, tep, part, buf, len);
		free(buf);
		if (ret)
			goto fail;
	}
	tep_set_cpus(tep, f->cpucount ? (int)f->cpucount : f->nr_cpus);
	mf_fly_close(f);
	*out = tep;
	return 0;
nomem:
	ret = -ENOMEM;
	set_err(f, "%s", strerror(ENOMEM));
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s", f->err);
	if (tep)
		tep_free(tep);
	mf_fly_close(f);
	return ret;
}

/* ---- open / close ------------------------------------------------------------------------ */

/* With layout_only (mf_fly_load_tep()), the file's layout is read and nothing else. */
static int fly_open(const char *path, struct tep_handle *tep, int instance, bool layout_only,
		    struct mf_fly **out, char *err, size_t errlen)
{
	struct mf_fly *f;
	struct stat st;
	int ret, cpu;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	f->pending = -1;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st) < 0) {
		ret = -errno;
		set_err(f, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(f, "not a regular file");
		ret = -EINVAL;
		goto fail;
	}
	f->file_size = st.st_size;
	ret = read_layout(f, instance);
	if (ret)
		goto fail;
	if (layout_only) {
		*out = f;
		return 0;
	}
	if (!tep || tep_is_file_bigendian(tep) != f->big_endian) {
		set_err(f, "page header layout not understood: left to libtracecmd");
		ret = -ENOTSUP;
		goto fail;
	}
	/*
	 * Every kernel since the ring buffer (2.6.28) writes "u64 timestamp" in header_page:
	 * another size is a damaged file, not one for libtracecmd, which crashes on some
	 * (tracecmd_close() of its half-opened handle, fuzz/README.md).
	 */
	if (tep_get_header_timestamp_size(tep) != 8) {
		set_err(f, "corrupt header_page format (timestamp of %d bytes, 8 expected)",
			tep_get_header_timestamp_size(tep));
		ret = -EINVAL;
		goto fail;
	}
	if (tep_is_old_format(tep)) {
		set_err(f, "ring-buffer format of kernels before 2.6.31: left to libtracecmd");
		ret = -ENOTSUP;
		goto fail;
	}
	f->lsize = tep_get_header_page_size(tep) == 8 ? 8 : 4;
	f->hdr = 8 + f->lsize;
	for (cpu = 0; cpu < f->nr_cpus; cpu++) {
		struct fly_cpu *c = &f->cpus[cpu];
		uint64_t pos = c->pos, n;

		if (!c->has_data)
			continue;
		if (f->compressed) {
			if ((ret = rd_num(f, &pos, 4, &n)))
				goto fail;
			/* each chunk takes at least its 8-byte header */
			if (pos > c->end || n > (c->end - pos) / 8) {
				set_err(f, "CPU %d: corrupt chunk count %llu", cpu,
					(unsigned long long)n);
				ret = -EINVAL;
				goto fail;
			}
			c->pos = pos;
			c->chunks = n;
		}
	}
	*out = f;
	return 0;
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s", f->err);
	mf_fly_close(f);
	return ret;
}

int mf_fly_open(const char *path, struct tep_handle *tep, int instance, struct mf_fly **out,
		char *err, size_t errlen)
{
	return fly_open(path, tep, instance, false, out, err, errlen);
}

int mf_fly_nr_cpus(const struct mf_fly *f)
{
	return f->nr_cpus;
}

const char *mf_fly_error(const struct mf_fly *f)
{
	return f->err[0] ? f->err : "no error";
}

uint64_t mf_fly_page_bytes(const struct mf_fly *f)
{
	return f->page_bytes;
}

void mf_fly_close(struct mf_fly *f)
{
	int cpu;

	if (!f)
		return;
	for (cpu = 0; f->cpus && cpu < f->nr_cpus; cpu++) {
		free(f->cpus[cpu].buf);
	}
	free(f->cpus);
	free(f->heap);
	free(f->zbuf);
	if (f->zctx)
		ZSTD_freeDCtx(f->zctx);
	if (f->fd >= 0)
		close(f->fd);
	free(f->uname);
	free(f->path);
	free(f);
}

const char *mf_fly_uname(const struct mf_fly *f)
{
	return f->uname;
}

int mf_fly_nr_instances(const struct mf_fly *f)
{
	return f->nr_instances;
}

void mf_fly_progress(const struct mf_fly *f, uint64_t *done, uint64_t *total)
{
	*done = __atomic_load_n(&f->data_read, __ATOMIC_RELAXED);
	*total = f->data_bytes;
}
