/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flyrecord reader's private state, shared by its three files (not a public interface):
 *   flyrecord-file.c  the container: file header, options, sections, compression, and
 *                     where each CPU's data lies (the layout)
 *   flyrecord.c       the data: chunks and ring-buffer pages -> records, the per-CPU
 *                     merge, open and close
 *   flyrecord-tep.c   the event formats without libtracecmd (mf_fly_load_tep())
 * flyrecord.c's header comment describes the format and what is checked.
 */
#ifndef MMFRAG_FLYRECORD_LOCAL_H
#define MMFRAG_FLYRECORD_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

struct fly_ra;

struct fly_cpu {
	unsigned char	*buf;		/* whole pages of this CPU, then SLACK zero bytes */
	size_t		cap;		/* bytes allocated for pages (SLACK not counted) */
	size_t		len;		/* bytes of pages in buf */
	size_t		next;		/* offset in buf of the next page to load */
	uint64_t	pos, end;	/* file range not read yet */
	uint64_t	start, listed;	/* where its data starts, the size its table gives */
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
	/*
	 * Conversions of the raw timestamps before ts_offset (fly_ts_conv(), in the order of
	 * libtracecmd's timestamp_calc()): a guest's time shift, then TSC cycles to ns.
	 */
	bool		ts_conv;	/* one of them is set: page_record() calls fly_ts_conv() */
	uint64_t	tsc_mult;	/* TSC2NSEC: libtracecmd's int mult, sign-extended; 0 none */
	uint32_t	tsc_shift;	/* at most 32 */
	struct fly_tsync *tsync;	/* TIME_SHIFT: per-CPU samples, or NULL */
	int		tsync_cpus;
	uint32_t	tsync_flags;
	int		long_size;	/* user-space long size, from the file header */
	/* where the formats are, for mf_fly_load_tep() */
	uint64_t	v6_pos[7];	/* v6: header info, ftrace, events, kallsyms, printk,
					 * cmdlines, CPU count */
	uint64_t	sec[OPT_LAST_SECTION + 1];	/* v7: section offsets by option id */
	uint64_t	cpucount;
	char		*uname;		/* UNAME option, or NULL */
	int		nr_instances;	/* named buffers (BUFFER options with a name) */
	uint64_t	data_bytes;	/* file bytes of this buffer's CPU data (atomic) */
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
	int		deferred;	/* an error to return at the next call */

	size_t		buf_bytes;	/* the CPUs' page buffers together (fly_cpu.cap) */
	uint64_t	max_buffers;	/* their bound beyond the file's size (flyrecord.h) */
	unsigned char	*zbuf;		/* one compressed chunk */
	size_t		zcap;
	ZSTD_DCtx	*zctx;
	struct fly_ra	*ra;		/* read-ahead thread (flyrecord-ahead.c), or NULL */
	uint64_t	page_bytes;
	char		err[512];
};

static inline uint64_t get_num(const struct mf_fly *f, const void *p, unsigned int len)
{
	const unsigned char *b = p;
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (uint64_t)b[f->big_endian ? len - 1 - i : i] << (8 * i);
	return v;
}

struct cur {
	const unsigned char	*p, *end;
	bool			bad;
};

static inline uint64_t cur_num(const struct mf_fly *f, struct cur *c, unsigned int len)
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

static inline const char *cur_str(struct cur *c)
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

/* flyrecord-file.c */
void fly_set_err(struct mf_fly *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fly_err_to(const struct mf_fly *f, char *dst, size_t dlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int fly_rd(struct mf_fly *f, uint64_t off, void *buf, size_t len);
int fly_rd_to(const struct mf_fly *f, uint64_t off, void *buf, size_t len, char *dst,
	      size_t dlen);
int fly_rd_num(struct mf_fly *f, uint64_t *pos, unsigned int len, uint64_t *v);
int fly_decompress(struct mf_fly *f, void *dst, size_t dlen, const void *src, size_t slen);
int fly_read_layout(struct mf_fly *f, int instance);
uint64_t fly_ts_conv(const struct mf_fly *f, int cpu, uint64_t ts);
void fly_tsync_free(struct mf_fly *f);

/* flyrecord.c: one compressed chunk, messages into dst */
int fly_chunk_head(const struct mf_fly *f, int cpu, uint64_t pos, uint64_t left, uint32_t *zs,
		   uint32_t *us, char *dst, size_t dlen);
int fly_chunk_data(struct mf_fly *f, int cpu, uint64_t pos, uint32_t zs, uint32_t us,
		   unsigned char *zbuf, unsigned char *out, char *dst, size_t dlen);

void fly_cpu_end(struct mf_fly *f, int cpu, uint64_t pos);

/* flyrecord-ahead.c: the CPU's next chunk from the read-ahead thread, as fill() gives it */
int fly_ra_take(struct mf_fly *f, struct fly_cpu *c, int cpu);
void fly_ra_stop(struct mf_fly *f);

/* flyrecord.c: with layout_only (mf_fly_load_tep()), the file's layout and nothing else */
int fly_open(const char *path, struct tep_handle *tep, int instance, bool layout_only,
	     struct mf_fly **out, char *err, size_t errlen);

#endif
