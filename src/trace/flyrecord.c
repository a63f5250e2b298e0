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
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <zstd.h>

#include "flyrecord-local.h"
#include "merge-heap.h"

/* ---- pages -------------------------------------------------------------------------------- */

static int grow(struct mf_fly *f, unsigned char **buf, size_t *cap, size_t need)
{
	unsigned char *nb;

	if (need <= *cap)
		return 0;
	nb = realloc(*buf, need + SLACK);
	if (!nb) {
		fly_set_err(f, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	*buf = nb;
	*cap = need;
	return 0;
}

/*
 * Room for need bytes of pages in the CPU's buffer, within the bound of all CPUs' buffers
 * together (flyrecord.h): what is decompressed beyond the file's size is what a damaged
 * or hostile file can claim (and CPUs whose extents overlap: a CPU's buffer holds at
 * most its data, which lies in the file, but a table may list one extent many times).
 */
static int grow_cpu(struct mf_fly *f, struct fly_cpu *c, int cpu, size_t need)
{
	size_t old = c->cap;
	int ret;

	if (need <= c->cap)
		return 0;
	if (f->buf_bytes - c->cap + need > f->max_buffers + f->file_size) {
		fly_set_err(f, "CPU %d: a chunk of %zu bytes of pages takes the CPUs' buffers past "
			    "%llu MiB beyond the file's size (damaged or hostile file)", cpu, need,
			    (unsigned long long)(f->max_buffers >> 20));
		return -EINVAL;
	}
	ret = grow(f, &c->buf, &c->cap, need);
	if (!ret)
		f->buf_bytes += c->cap - old;
	return ret;
}

/*
 * The header of the CPU's chunk at pos (left: bytes of the CPU's extent from pos on), its
 * sizes checked: 0, or < 0 with the message in dst.
 */
int fly_chunk_head(const struct mf_fly *f, int cpu, uint64_t pos, uint64_t left, uint32_t *zs,
		   uint32_t *us, char *dst, size_t dlen)
{
	unsigned char h[8];
	int ret;

	if (left >= 8) {
		if ((ret = fly_rd_to(f, pos, h, 8, dst, dlen)))
			return ret;
		*zs = get_num(f, h, 4);
		*us = get_num(f, h + 4, 4);
		if (*zs <= left - 8 && *us && *us <= MF_FLY_MAX_CHUNK && !(*us % f->page_size))
			return 0;
	}
	fly_err_to(f, dst, dlen, "CPU %d: corrupt compressed chunk header at %#llx", cpu,
		   (unsigned long long)pos);
	return -EINVAL;
}

/*
 * The chunk whose header is at pos: its zs bytes read into zbuf and decompressed into out
 * (us bytes, then SLACK zero bytes): 0, or < 0 with the message in dst.
 */
int fly_chunk_data(struct mf_fly *f, int cpu, uint64_t pos, uint32_t zs, uint32_t us,
		   unsigned char *zbuf, unsigned char *out, char *dst, size_t dlen)
{
	int ret;

	if ((ret = fly_rd_to(f, pos + 8, zbuf, zs, dst, dlen)))
		return ret;
	if (fly_decompress(f, out, us, zbuf, zs)) {
		fly_err_to(f, dst, dlen, "CPU %d: chunk at %#llx does not decompress to its %u bytes",
			   cpu, (unsigned long long)pos, us);
		return -EINVAL;
	}
	memset(out + us, 0, SLACK);
	return 0;
}

/*
 * The CPU's compressed data ends at pos (its chunk count and chunks read): the progress
 * total takes what they took instead of the table's size, which counts the 4-byte chunk
 * count since trace-cmd 3.2 and leaves it out before (flyrecord-file.c), so that done
 * reaches the total at the end either way.
 */
void fly_cpu_end(struct mf_fly *f, int cpu, uint64_t pos)
{
	const struct fly_cpu *c = &f->cpus[cpu];

	/* the count, read at open, is done now; unsigned: a negative difference wraps */
	__atomic_store_n(&f->data_read, f->data_read + 4, __ATOMIC_RELAXED);
	__atomic_fetch_add(&f->data_bytes, (pos - c->start) - c->listed, __ATOMIC_RELAXED);
}

/* Refill c->buf with the CPU's next pages: 1, 0 at the end of its data, < 0 error. */
static int fill(struct mf_fly *f, struct fly_cpu *c, int cpu)
{
	uint64_t left = c->end - c->pos, want;
	uint32_t zs, us;
	int ret;

	if (f->ra)
		return fly_ra_take(f, c, cpu);	/* the read-ahead thread has it (or will) */
	if (f->compressed) {
		if (!c->chunks) {
			fly_cpu_end(f, cpu, c->pos);
			return 0;
		}
		if ((ret = fly_chunk_head(f, cpu, c->pos, left, &zs, &us, f->err, sizeof(f->err))) ||
		    (ret = grow(f, &f->zbuf, &f->zcap, zs)) || (ret = grow_cpu(f, c, cpu, us)) ||
		    (ret = fly_chunk_data(f, cpu, c->pos, zs, us, f->zbuf, c->buf, f->err,
					  sizeof(f->err))))
			return ret;
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
		/*
		 * The first fill is the largest (left only shrinks): a CPU with a few pages
		 * gets a buffer of their size, not MF_FLY_READ_BYTES
		 */
		if ((ret = grow_cpu(f, c, cpu, want)) ||
		    (ret = fly_rd(f, c->pos, c->buf, want)))
			return ret;
		c->pos += want;
		__atomic_store_n(&f->data_read, f->data_read + want, __ATOMIC_RELAXED);
		c->len = want;
	}
	memset(c->buf + c->len, 0, SLACK);
	c->next = 0;
	return 1;
}

/* Load the CPU's next page: 1, 0 at the end, < 0 error. */
static __attribute__((noinline)) int next_page(struct mf_fly *f, struct fly_cpu *c, int cpu)
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
		fly_set_err(f, "CPU %d: corrupt page header (commit %#llx for a %u-byte page)", cpu,
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
static inline __attribute__((always_inline)) int
page_record(struct mf_fly *f, struct fly_cpu *c, int cpu, struct mf_fly_record *rec)
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
		rec->ts = f->ts_conv ? fly_ts_conv(f, cpu, ts) : ts + f->ts_offset;
		rec->cpu = cpu;
		c->off = start + len;
		c->ts = ts;
		return 1;
	}
bad:
	fly_set_err(f, "CPU %d: corrupt record (at page offset %llu past the page's data)", cpu,
		(unsigned long long)(off + f->hdr));
	c->done = true;
	c->page = NULL;
	return -EINVAL;
}

#define WOULD_REFILL	2

/*
 * The CPU's next record into *rec: 1, 0 at its end, < 0 error.  Without may_refill,
 * WOULD_REFILL instead of loading the CPU's next chunk (which overwrites the buffer the
 * records handed out so far point into).
 */
static inline __attribute__((always_inline)) int
read_record(struct mf_fly *f, int cpu, struct mf_fly_record *rec, bool may_refill)
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
		if (!may_refill && c->next >= c->len)
			return WOULD_REFILL;
		ret = next_page(f, c, cpu);
		if (ret <= 0)
			return ret;
	}
}

int mf_fly_read_cpu(struct mf_fly *f, int cpu, struct mf_fly_record *rec)
{
	if (cpu < 0 || cpu >= f->nr_cpus || !f->cpus[cpu].has_data)
		return 0;
	return read_record(f, cpu, rec, true);
}

/* ---- merge ---------------------------------------------------------------------------------- */

/* merge-heap.h on the CPUs' head records */
static inline bool before(const struct mf_fly *f, int a, int b)
{
	return mf_merge_before(&f->cpus->head.ts, sizeof(*f->cpus), a, b);
}

static void heap_down(struct mf_fly *f, int i)
{
	mf_merge_heap_down(f->heap, f->heap_len, i, &f->cpus->head.ts, sizeof(*f->cpus));
}

static int merge_start(struct mf_fly *f)
{
	int cpu, ret;

	f->merging = true;
	f->pending = -1;
	f->heap_len = 0;
	for (cpu = 0; cpu < f->nr_cpus; cpu++) {
		if (!f->cpus[cpu].has_data)
			continue;
		ret = read_record(f, cpu, &f->cpus[cpu].head, true);
		if (ret < 0)
			return ret;
		if (ret)
			f->heap[f->heap_len++] = cpu;
	}
	if (f->heap_len)
		mf_merge_heap_build(f->heap, f->heap_len, &f->cpus->head.ts, sizeof(*f->cpus));
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

/*
 * Up to max records of the merge into recs.  The CPU whose record was handed out last
 * ("pending") moves on only at the next record wanted, because moving on may load its
 * next chunk over the data of the records handed out.  So a call stops early rather than
 * load a chunk once it has records: every record it returns stays valid until the next
 * call.  While the pending CPU's records come before every other CPU's head (limit_ts,
 * limit_cpu), they go out without touching the heap.
 */
int mf_fly_next_n(struct mf_fly *f, struct mf_fly_record *recs, int max)
{
	struct fly_cpu *c;
	int ret, cpu, n = 0;

	if (f->deferred) {
		ret = f->deferred;
		f->deferred = 0;
		return ret;
	}
	if (!f->merging) {
		ret = merge_start(f);
		if (ret < 0) {
			f->heap_len = 0;
			return ret;
		}
		set_limit(f);
	}
	while (n < max) {
		if (f->pending >= 0) {
			/* the record handed out last is done with: its CPU moves on */
			cpu = f->pending;
			c = &f->cpus[cpu];
			ret = read_record(f, cpu, &recs[n], !n);
			if (ret == WOULD_REFILL)
				break;
			if (ret < 0) {
				f->heap_len = 0;
				f->pending = -1;
				if (!n)
					return ret;
				f->deferred = ret;	/* after the records before it */
				break;
			}
			if (ret && (recs[n].ts < f->limit_ts ||
				    (recs[n].ts == f->limit_ts && cpu < f->limit_cpu))) {
				/* still the smallest: the heap is unchanged */
				n++;
				continue;
			}
			f->pending = -1;
			if (ret)
				c->head = recs[n];
			else
				f->heap[0] = f->heap[--f->heap_len];
			heap_down(f, 0);
			set_limit(f);
		}
		if (!f->heap_len)
			break;
		cpu = f->heap[0];
		recs[n++] = f->cpus[cpu].head;
		f->pending = cpu;
	}
	return n;
}

int mf_fly_next(struct mf_fly *f, struct mf_fly_record *rec)
{
	return mf_fly_next_n(f, rec, 1);
}

/* ---- open / close ------------------------------------------------------------------------ */

/* With layout_only (mf_fly_load_tep()), the file's layout is read and nothing else. */
int fly_open(const char *path, struct tep_handle *tep, int instance, bool layout_only,
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
	f->max_buffers = MF_FLY_MAX_BUFFERS;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st) < 0) {
		ret = -errno;
		fly_set_err(f, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		fly_set_err(f, "not a regular file");
		ret = -EINVAL;
		goto fail;
	}
	f->file_size = st.st_size;
	ret = fly_read_layout(f, instance);
	if (ret)
		goto fail;
	if (layout_only) {
		*out = f;
		return 0;
	}
	if (!tep || tep_is_file_bigendian(tep) != f->big_endian) {
		fly_set_err(f, "page header layout not understood: left to libtracecmd");
		ret = -ENOTSUP;
		goto fail;
	}
	/*
	 * Every kernel since the ring buffer (2.6.28) writes "u64 timestamp" in header_page:
	 * another size is a damaged file, not one for libtracecmd, which crashes on some
	 * (tracecmd_close() of its half-opened handle, fuzz/README.md).
	 */
	if (tep_get_header_timestamp_size(tep) != 8) {
		fly_set_err(f, "corrupt header_page format (timestamp of %d bytes, 8 expected)",
			    tep_get_header_timestamp_size(tep));
		ret = -EINVAL;
		goto fail;
	}
	if (tep_is_old_format(tep)) {
		fly_set_err(f, "ring-buffer format of kernels before 2.6.31: left to libtracecmd");
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
			if ((ret = fly_rd_num(f, &pos, 4, &n)))
				goto fail;
			/* each chunk takes at least its 8-byte header */
			if (pos > c->end || n > (c->end - pos) / 8) {
				fly_set_err(f, "CPU %d: corrupt chunk count %llu", cpu,
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

void mf_fly_set_max_buffers(struct mf_fly *f, uint64_t bytes)
{
	f->max_buffers = bytes;
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
	fly_ra_stop(f);
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
	fly_tsync_free(f);
	free(f->path);
	free(f);
}

const char *mf_fly_uname(const struct mf_fly *f)
{
	return f->uname;
}

int mf_fly_read_uname(const char *path, char **uname)
{
	struct mf_fly *f;
	int ret;

	*uname = NULL;
	ret = fly_open(path, NULL, -1, true, &f, NULL, 0);
	if (ret < 0)
		return ret;
	if (f->uname && !(*uname = strdup(f->uname)))
		ret = -ENOMEM;
	mf_fly_close(f);
	return ret;
}

int mf_fly_nr_instances(const struct mf_fly *f)
{
	return f->nr_instances;
}

void mf_fly_progress(const struct mf_fly *f, uint64_t *done, uint64_t *total)
{
	*done = __atomic_load_n(&f->data_read, __ATOMIC_RELAXED);
	*total = __atomic_load_n(&f->data_bytes, __ATOMIC_RELAXED);
}
