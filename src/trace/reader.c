// SPDX-License-Identifier: GPL-2.0
/*
 * Trace reader: trace.dat (v6 or v7) -> struct mf_event, in timestamp order.
 *
 * reader.c and reader-open.c are the only files that touch libtracecmd and libtraceevent;
 * this one decodes and merges records, reader-open.c opens the file.  The pattern is the
 * one of trace-cmd's tracecmd/trace-mem.c: resolve event ids and field offsets once, by
 * name, from the trace's own formats, then decode each record by reading its fields
 * directly (tep_read_number() on record->data + offset).  No string lookups and no
 * allocation of ours per record.
 *
 * Two ways to the records:
 *  - the own reader (default; flyrecord.c): formats from mf_fly_formats_load(), pages read,
 *    decompressed and merged by flyrecord.c (compressed chunks a few ahead on a thread of
 *    their own, flyrecord-ahead.c), decoded here on a thread of its own into a ring of
 *    preallocated batches (fill_batch()); mf_reader_next() hands the events out on the
 *    caller's thread, so the model runs beside them.  No tracecmd_open().
 *  - libtracecmd, for what flyrecord.c leaves to it (-ENOTSUP: the ring buffer of
 *    kernels before 2.6.31) and with MMFRAG_READER=tracecmd (the oracle of the tests).  Everything
 *    below about libtracecmd concerns this path only.
 *
 * Ordering: one stream per CPU (tracecmd_read_data()), merged by a small binary heap on
 * (timestamp, CPU index), which is the order `trace-cmd report` prints: on equal
 * timestamps the lower CPU comes first.  flyrecord.c merges in the same order.
 *
 * Memory: libtracecmd 1.3.1 keeps what it has read until tracecmd_close():
 *  - v7 compressed data is decompressed in memory, chunk by chunk (10 pages each), into a
 *    per-CPU cache whose entries are meant to be dropped by free_zpage(); its range test
 *    can never match, so every chunk stays cached until close, and each new chunk first
 *    walks the whole cache list (quadratic: 1.1M events/s and 560 MB on a 17.6M-event
 *    trace).  The reader therefore reads compressed data in segments: after
 *    segment_bytes of trace pages it notes the file offset of each CPU's next record,
 *    closes the handle, opens the file again and puts each CPU back with
 *    tracecmd_read_at().  That replays the page from its header, so timestamps and
 *    missed_events come back the same and the event stream is unchanged.  A reopen costs
 *    about one tracecmd_open() (kallsyms and formats parsed again, chunk index reloaded),
 *    so 64 MiB segments balance it against the cache walk.
 *  - v6 (and v7 "none") data is mmap()ed in windows of up to the largest CPU's data,
 *    and tracecmd_close() never munmap()s them.  Every page read would stay resident, so
 *    the reader drops pages it has finished with: madvise(MADV_DONTNEED) on ranges it has
 *    checked in /proc/self/maps to be private read-only mappings of the trace file itself
 *    (for those the kernel only unmaps the pages; the data stays in the file).
 *
 * Robustness: libtracecmd 1.3.1 crashes in its own cleanup on a v6 file cut in the CPU
 * data, reads uninitialised sizes on a v7 file cut inside a section, and printf()s to
 * stdout.  The reader checks the file layout first (check_v6_extents(),
 * check_v7_extents() in reader-open.c), silences the log, and points stdout at /dev/null
 * around tracecmd_open().
 *
 * Buffers: the top-level buffer is read.  If it holds no events and the file has buffer
 * instances (trace-cmd record -B, or mmfrag's own recorder), the first instance that
 * holds events is read instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#include "merge-heap.h"
#include "reader-local.h"

static int add_name(struct mf_reader *r, struct decoder *d)
{
	if (r->nr_names == r->cap_names) {
		int cap = r->cap_names ? 2 * r->cap_names : 32;
		const char **n = realloc(r->names, cap * sizeof(*n));
		const char **s;
		uint64_t *c;

		if (!n)
			return -ENOMEM;
		r->names = n;
		s = realloc(r->systems, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		r->systems = s;
		c = realloc(r->counts, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		r->counts = c;
		r->cap_names = cap;
	}
	r->names[r->nr_names] = d->name;
	r->systems[r->nr_names] = d->system;
	r->counts[r->nr_names] = 0;
	d->name_idx = r->nr_names++;
	return 0;
}

/* tep_read_number() without the call when the file has our endianness. */
static inline uint64_t load_num(const struct mf_reader *r, const void *p, unsigned int size)
{
	if (__builtin_expect(r->swap, 0))
		return tep_read_number(r->tep, p, size);
	switch (size) {
	case 1:
		return *(const uint8_t *)p;
	case 2: {
		uint16_t v;

		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		uint32_t v;

		memcpy(&v, p, 4);
		return v;
	}
	default: {
		uint64_t v;

		memcpy(&v, p, 8);
		return v;
	}
	}
}

static inline uint64_t read_num(struct mf_reader *r, const void *p, const struct dec_field *f)
{
	uint64_t v = load_num(r, p, f->size);

	if (f->is_signed) {
		switch (f->size) {
		case 1: return (uint64_t)(int64_t)(int8_t)v;
		case 2: return (uint64_t)(int64_t)(int16_t)v;
		case 4: return (uint64_t)(int64_t)(int32_t)v;
		}
	}
	return v;
}

static int decode_str(struct mf_reader *r, const struct decoder *d, const struct dec_field *f,
		      const char *data, uint32_t size, struct mf_event *ev)
{
	struct ev_batch *b = r->fill;
	size_t start, len;
	const char *nul;

	if (d->str_kind == STR_STATIC) {
		start = f->offset;
		len = (size_t)size - start;
		if (d->str_size && d->str_size < len)
			len = d->str_size;
	} else {
		uint32_t loc = (uint32_t)load_num(r, data + f->offset, 4);

		start = loc & 0xffff;
		len = loc >> 16;
		if (d->str_kind == STR_REL)
			start += f->offset + 4;
		if (start > (size_t)size)
			return -1;
		if (len > (size_t)size - start)
			len = (size_t)size - start;
	}
	nul = memchr(data + start, 0, len);
	if (nul)
		len = nul - (data + start);
	while (len && data[start + len - 1] == '\n')
		len--;
	if (b) {
		/*
		 * into the batch; the offset becomes a pointer when the batch is full (the
		 * buffer may move until then), for the events listed in b->prints
		 */
		if (reader_str_reserve(&b->str, &b->str_cap, b->str_len + len + 1, 4096))
			return -1;
		if (!b->prints && !(b->prints = malloc(BATCH_EVENTS * sizeof(*b->prints))))
			return -1;
		b->prints[b->nr_prints++] = (int)(ev - b->ev);
		memcpy(b->str + b->str_len, data + start, len);
		b->str[b->str_len + len] = 0;
		ev->print.str = (const char *)(uintptr_t)b->str_len;
		b->str_len += len + 1;
		return 0;
	}
	if (reader_str_reserve(&r->str, &r->str_cap, len + 1, 256))
		return -1;
	memcpy(r->str, data + start, len);
	r->str[len] = 0;
	ev->print.str = r->str;
	return 0;
}

/* tep_data_pid() / tep_data_type() for records too short for the common fields. */
static __attribute__((noinline)) int slow_common(struct mf_reader *r, const char *data,
						 uint32_t size, bool pid)
{
	struct tep_record rec = { .data = (void *)data, .size = size };

	return pid ? tep_data_pid(r->tep, &rec) : tep_data_type(r->tep, &rec);
}

/* One record (data, size bytes) into *ev: fields at the offsets resolved at open. */
static inline __attribute__((always_inline)) int
decode_inline(struct mf_reader *r, const char *data, uint32_t size, uint64_t ts, int cpu,
	      struct mf_event *ev)
{
	const struct dec_field *f, *fend;
	const struct dec_seg *sg, *send;
	struct decoder *d;
	uint16_t type;
	int id, di;

	ev->ts = ts;
	ev->cpu = cpu;
	if (__builtin_expect(r->common_fast && size >= r->common_end, 1)) {
		uint16_t t;

		memcpy(&ev->pid, data + r->pid_off, 4);
		memcpy(&t, data + r->type_off, 2);
		id = t;
	} else {
		if (r->pid_size && size >= (uint32_t)r->pid_off + r->pid_size)
			ev->pid = (int32_t)load_num(r, data + r->pid_off, r->pid_size);
		else
			ev->pid = slow_common(r, data, size, true);
		if (r->type_size && size >= (uint32_t)r->type_off + r->type_size)
			id = (int)load_num(r, data + r->type_off, r->type_size);
		else
			id = slow_common(r, data, size, false);
		if (id < 0 || id >= NR_TEP_IDS)
			id = NR_TEP_IDS - 1;
	}
	di = r->id_map[id] - 1;
	if (di < 0) {
		di = reader_new_decoder(r, reader_find_event(r, id), id);
		if (di < 0)
			return di;
	}
	d = &r->decoders[di];
	if (d->name_idx < 0 && add_name(r, d))
		return -ENOMEM;
	r->counts[d->name_idx]++;
	ev->name_idx = d->name_idx;
	ev->type = MF_EV_OTHER;
	if (d->type == MF_EV_OTHER || size < d->min_size)
		return 0;

	/*
	 * every field of the type's union member is written: no clearing needed.  The
	 * bounds are held in locals: stores through dst may alias anything, *d included.
	 */
	type = d->type;
	for (sg = d->seg, send = sg + d->nr_seg; sg < send; sg++) {
		char *dst = (char *)ev + sg->dst;
		const char *src = data + sg->src;
		unsigned int len = sg->len;

		/* inside the record: size >= d->min_size; two moves that may overlap */
		if (len <= 8) {
			if (len == 8)
				memcpy(dst, src, 8);
			else
				memcpy(dst, src, 4);
		} else if (len <= 16) {
			memcpy(dst, src, 8);
			memcpy(dst + len - 8, src + len - 8, 8);
		} else {
			memcpy(dst, src, 16);
			memcpy(dst + len - 16, src + len - 16, 16);
		}
	}
	for (f = d->f, fend = f + d->nr; f < fend; f++) {
		char *dst = (char *)ev + f->ev_off;
		uint64_t v;

		/* inside the record: size >= d->min_size */
		if (f->op == DOP_COPY8) {
			memcpy(dst, data + f->offset, 8);
			continue;
		}
		if (f->op == DOP_COPY4) {
			memcpy(dst, data + f->offset, 4);
			continue;
		}
		if (f->flags & F_STR) {
			if (decode_str(r, d, f, data, size, ev))
				return 0;
			continue;
		}
		if (!f->size)
			v = (uint64_t)f->dflt;
		else
			v = read_num(r, data + f->offset, f);
		/* a 32-bit kernel's -1UL is all ones in 4 bytes */
		if ((f->flags & F_PFN) && f->size && f->size < 8 && v == (1ULL << (8 * f->size)) - 1)
			v = MF_PFN_NONE;
		if (f->ev_size == 8) {
			memcpy(dst, &v, 8);
		} else {
			uint32_t w = (uint32_t)v;

			memcpy(dst, &w, 4);
		}
	}
	ev->type = type;
	return 0;
}

static int decode(struct mf_reader *r, const char *data, uint32_t size, uint64_t ts, int cpu,
		  struct mf_event *ev)
{
	return decode_inline(r, data, size, ts, cpu, ev);
}

/* ---- dropping consumed pages of mmap()ed data -------------------------------------- */

/*
 * Is [lo, hi) inside one private read-only mapping of the trace file?  Checked against
 * /proc/self/maps right before each madvise(), so only pages of the trace file itself are
 * ever dropped: for such a mapping MADV_DONTNEED only unmaps the pages, and a later
 * access faults them in again from the file.
 */
static bool is_trace_mapping(const struct mf_reader *r, uintptr_t lo, uintptr_t hi)
{
	bool line_start = true, found = false;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long start, end, off, ino;
		unsigned int maj, min;
		char perms[5], *path;
		int n = 0;
		bool whole;

		whole = strchr(line, '\n') != NULL;
		if (line_start &&
		    sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &start, &end, perms, &off, &maj,
			   &min, &ino, &n) >= 7 &&
		    start <= lo && hi <= end && perms[0] == 'r' && perms[1] == '-' &&
		    perms[3] == 'p' && ino == r->ino) {
			path = line + n;
			path[strcspn(path, "\n")] = 0;
			found = makedev(maj, min) == r->dev ||
				(r->realpath && !strcmp(path, r->realpath));
		}
		line_start = whole;
	}
	fclose(f);
	return found;
}

void reader_trim_flush(struct mf_reader *r, struct stream *s)
{
	if (s->trim_hi > s->trim_lo && is_trace_mapping(r, s->trim_lo, s->trim_hi) &&
	    !madvise((void *)s->trim_lo, s->trim_hi - s->trim_lo, MADV_DONTNEED))
		r->nr_trims++;
	s->trim_lo = s->trim_hi = 0;
}

/*
 * rec is done with; next (maybe NULL) is the CPU's next record.  When rec was the last
 * record of its page, add the page to the consumed range, and drop the range once it is
 * large (rec is still held here, so its mapping is alive).
 */
static void trim_page(struct mf_reader *r, struct stream *s, const struct tep_record *rec,
		      const struct tep_record *next)
{
	uintptr_t base;

	if (next && (next->offset >> r->page_shift) == (rec->offset >> r->page_shift))
		return;
	base = (uintptr_t)rec->data & ~((uintptr_t)r->page_size - 1);
	if (s->trim_hi != base) {
		reader_trim_flush(r, s);
		s->trim_lo = base;
		s->trim_hi = base;
	}
	s->trim_hi += r->page_size;
	if (s->trim_hi - s->trim_lo >= TRIM_BYTES || !next)
		reader_trim_flush(r, s);
}

/* ---- the merge ----------------------------------------------------------------------- */

/* merge-heap.h on the streams (streams[i].idx == i: the tie breaks on the CPU) */
static void heap_down(struct mf_reader *r, int i)
{
	mf_merge_heap_down(r->heap, r->heap_len, i, &r->streams->ts, sizeof(*r->streams));
}

void reader_heap_build(struct mf_reader *r)
{
	int i;

	r->heap_len = 0;
	for (i = 0; i < r->nr_streams; i++)
		if (r->streams[i].rec)
			r->heap[r->heap_len++] = i;
	if (r->heap_len)
		mf_merge_heap_build(r->heap, r->heap_len, &r->streams->ts, sizeof(*r->streams));
}

int reader_ensure_lost(struct mf_reader *r, int cpu)
{
	uint64_t *a, *b;
	int n;

	if (cpu < r->nr_lost)
		return 0;
	if (cpu < 0 || cpu > 1 << 20)
		return -EINVAL;
	n = cpu + 1;
	a = realloc(r->lost, n * sizeof(*a));
	if (!a)
		return -ENOMEM;
	r->lost = a;
	b = realloc(r->lost_unknown, n * sizeof(*b));
	if (!b)
		return -ENOMEM;
	r->lost_unknown = b;
	memset(a + r->nr_lost, 0, (n - r->nr_lost) * sizeof(*a));
	memset(b + r->nr_lost, 0, (n - r->nr_lost) * sizeof(*b));
	r->nr_lost = n;
	return 0;
}

/*
 * Next segment: note where each CPU stands, reopen the file, put every CPU back at its
 * next record.  tracecmd_read_at() replays the page from its start, so the record comes
 * back with the same timestamp and the same missed_events.
 */
static int reopen(struct mf_reader *r)
{
	unsigned long long *off;
	uint64_t *ts;
	int i, ret = 0;

	off = calloc(r->nr_streams, sizeof(*off));
	ts = calloc(r->nr_streams, sizeof(*ts));
	if (!off || !ts) {
		free(off);
		free(ts);
		return 0;	/* keep going without reopening */
	}
	for (i = 0; i < r->nr_streams; i++) {
		if (r->streams[i].rec) {
			off[i] = r->streams[i].rec->offset;
			ts[i] = r->streams[i].ts;
		}
	}
	reader_close_handle(r);
	ret = reader_open_handle(r, false);
	if (ret < 0)
		goto out;
	ret = 0;
	for (i = 0; i < r->nr_streams; i++) {
		struct stream *s = &r->streams[i];
		struct tep_record *rec;
		int cpu = -1;

		if (!off[i])
			continue;
		rec = tracecmd_read_at(r->h, off[i], &cpu);
		if (!rec || cpu != s->idx || rec->offset != off[i] || rec->ts != ts[i]) {
			tracecmd_free_record(rec);
			reader_set_err(r, "cannot reposition CPU %d at offset %#llx after reopening",
				s->idx, off[i]);
			ret = -EIO;
			goto out;
		}
		s->rec = rec;
	}
	reader_heap_build(r);
	r->seg_pages = 0;
	r->nr_reopens++;
out:
	if (ret < 0)
		r->heap_len = 0;	/* nothing more to read */
	free(off);
	free(ts);
	return ret;
}

/* A record's missed events: counted per CPU, and what goes into ev->missed. */
static uint32_t count_missed(struct mf_reader *r, int cpu, long long missed)
{
	if (!reader_ensure_lost(r, cpu)) {
		if (missed > 0)
			r->lost[cpu] += missed;
		else
			r->lost_unknown[cpu]++;
	}
	return missed < 0 ? MF_MISSED_UNKNOWN :
	       missed > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)missed;
}

/* ---- own reader: the decoding thread and its batches -------------------------------- */

/*
 * Fill one batch from flyrecord.c's merged stream.  b->ret: 1 when full (more may follow),
 * 0 at the end, < 0 on an error (message in r->err), after the events before it.
 */
static void fill_batch(struct mf_reader *r, struct ev_batch *b)
{
	struct mf_fly_record recs[FLY_RUN], *fr;
	struct mf_event *ev;
	int ret = 1, i, k;

	b->n = 0;
	b->nr_prints = 0;
	b->str_len = 0;
	r->fill = b;
	while (b->n < BATCH_EVENTS) {
		if (r->fly_has_first) {
			recs[0] = r->fly_first;
			r->fly_has_first = false;
			k = 1;
		} else {
			k = BATCH_EVENTS - b->n < FLY_RUN ? BATCH_EVENTS - b->n : FLY_RUN;
			k = mf_fly_next_n(r->fly, recs, k);
			if (k <= 0) {
				ret = k;
				if (ret < 0)
					snprintf(r->err, sizeof(r->err), "%s", mf_fly_error(r->fly));
				break;
			}
		}
		for (i = 0, fr = recs; i < k; i++, fr++) {
			ev = &b->ev[b->n];
			/*
			 * decode() writes the type's member of the union only: the rest would
			 * keep the bytes of the event this slot held in an earlier batch.
			 * Zeroed, an event reads the same whichever reader made it
			 * (test_reader_text.c).
			 */
			memset(ev, 0, sizeof(*ev));
			ev->missed = fr->missed ? count_missed(r, fr->cpu, fr->missed) : 0;
			ret = decode_inline(r, fr->data, fr->size, fr->ts, fr->cpu, ev);
			if (ret < 0) {
				reader_set_err(r, "%s", strerror(-ret));
				goto out;
			}
			b->n++;
		}
		ret = 1;
	}
out:
	r->fill = NULL;
	/* not a pass over the batch: its first events have left the cache by now */
	for (i = 0; i < b->nr_prints; i++) {
		struct mf_event *p = &b->ev[b->prints[i]];

		if (p->type == MF_EV_PRINT)
			p->print.str = b->str + (uintptr_t)p->print.str;
	}
	b->ret = ret;
}

static void *pipe_thread(void *arg)
{
	struct mf_reader *r = arg;
	struct ev_batch *b;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		while (r->produced - r->consumed == NR_BATCHES && !r->stop)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		b = &r->batches[r->produced % NR_BATCHES];
		pthread_mutex_unlock(&r->lock);

		fill_batch(r, b);

		pthread_mutex_lock(&r->lock);
		r->produced++;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		if (b->ret <= 0)
			break;
	}
	return NULL;
}

int reader_pipe_start(struct mf_reader *r)
{
	int i, ret;

	for (i = 0; i < NR_BATCHES; i++) {
		/* lines, not straddled: a 64-byte event is one line for the model thread to read */
		r->batches[i].ev = aligned_alloc(64, BATCH_EVENTS * sizeof(struct mf_event));
		if (!r->batches[i].ev)
			return -ENOMEM;
	}
	if (pthread_mutex_init(&r->lock, NULL))
		return -ENOMEM;
	if (pthread_cond_init(&r->cond, NULL)) {
		pthread_mutex_destroy(&r->lock);
		return -ENOMEM;
	}
	ret = pthread_create(&r->thread, NULL, pipe_thread, r);
	if (ret) {
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
		return -ret;
	}
	r->thread_on = true;
	return 0;
}

/* Stop the thread (mid-trace when the caller closes early) and free the batches. */
void reader_pipe_stop(struct mf_reader *r)
{
	int i;

	if (r->thread_on) {
		pthread_mutex_lock(&r->lock);
		r->stop = true;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
		r->thread_on = false;
	}
	for (i = 0; i < NR_BATCHES; i++) {
		free(r->batches[i].ev);
		free(r->batches[i].str);
		free(r->batches[i].prints);
		r->batches[i].ev = NULL;
		r->batches[i].str = NULL;
		r->batches[i].prints = NULL;
	}
}

/*
 * The batch mf_reader_next() hands out events from, or the next one from the thread:
 * 1 with r->cur holding events from r->cur_pos on, 0 / < 0 at the end of the stream.
 * The batch handed out before is given back to the thread first.
 */
static int pipe_batch(struct mf_reader *r)
{
	struct ev_batch *b;

	for (;;) {
		b = r->cur;
		if (b && r->cur_pos < b->n)
			return 1;
		if (r->ended)
			return r->end_ret;
		if (b) {
			if (b->ret <= 0) {
				/* the thread has exited: its writes (counts, r->err) are ours */
				pthread_join(r->thread, NULL);
				pthread_cond_destroy(&r->cond);
				pthread_mutex_destroy(&r->lock);
				r->thread_on = false;
				r->ended = true;
				r->end_ret = b->ret;
				return b->ret;
			}
			pthread_mutex_lock(&r->lock);
			r->consumed++;
			pthread_cond_broadcast(&r->cond);
			pthread_mutex_unlock(&r->lock);
			r->cur = NULL;
		}
		pthread_mutex_lock(&r->lock);
		while (r->produced == r->consumed)
			pthread_cond_wait(&r->cond, &r->lock);
		b = &r->batches[r->consumed % NR_BATCHES];
		pthread_mutex_unlock(&r->lock);
		r->cur = b;
		r->cur_pos = 0;
	}
}

static int pipe_next(struct mf_reader *r, struct mf_event *ev)
{
	int ret = pipe_batch(r);

	if (ret > 0)
		*ev = r->cur->ev[r->cur_pos++];
	return ret;
}

int mf_reader_next_batch(struct mf_reader *r, const struct mf_event **evs, size_t *n)
{
	int ret;

	if (r->fly || r->ended) {
		if (r->ended)
			return r->end_ret;
		ret = pipe_batch(r);
		if (ret > 0) {
			/* the rest of the batch: it goes back to the thread at the next call */
			*evs = &r->cur->ev[r->cur_pos];
			*n = (size_t)(r->cur->n - r->cur_pos);
			r->cur_pos = r->cur->n;
		}
		return ret;
	}
	ret = mf_reader_next(r, &r->one);
	if (ret > 0) {
		*evs = &r->one;
		*n = 1;
	}
	return ret;
}

int mf_reader_next(struct mf_reader *r, struct mf_event *ev)
{
	struct tep_record *rec;
	struct stream *s;
	uint64_t page;
	int ret;

	if (r->text)
		return reader_text_next(r, ev);
	if (r->fly || r->ended)
		return r->ended ? r->end_ret : pipe_next(r, ev);
	if (!r->heap_len)
		return 0;
	if (r->segment_bytes && r->seg_pages * r->page_size >= r->segment_bytes) {
		ret = reopen(r);
		if (ret < 0)
			return ret;
		if (!r->heap_len)
			return 0;
	}

	s = &r->streams[r->heap[0]];
	rec = s->rec;

	page = rec->offset >> r->page_shift;
	if (page != s->last_page) {
		s->last_page = page;
		r->seg_pages++;
	}
	ev->missed = rec->missed_events ? count_missed(r, rec->cpu, rec->missed_events) : 0;
	ret = decode(r, rec->data, rec->size, rec->ts, rec->cpu, ev);

	s->rec = tracecmd_read_data(r->h, s->idx);
	if (r->trim)
		trim_page(r, s, rec, s->rec);
	tracecmd_free_record(rec);
	if (s->rec) {
		s->ts = s->rec->ts;
		heap_down(r, 0);
	} else {
		r->heap[0] = r->heap[--r->heap_len];
		heap_down(r, 0);
	}
	if (ret < 0) {
		reader_set_err(r, "%s", strerror(-ret));
		return ret;
	}
	return 1;
}

const char *mf_reader_comm(const struct mf_reader *r, int pid)
{
	const char *comm;

	if (r->text)
		return reader_text_comm(r, pid);
	if (!r->tep || !tep_is_pid_registered(r->tep, pid))
		return NULL;
	comm = tep_data_comm_from_pid(r->tep, pid);
	return comm && strcmp(comm, "<...>") ? comm : NULL;
}

const char *mf_reader_error(const struct mf_reader *r)
{
	return r->err[0] ? r->err : "no error";
}

_Static_assert(MF_EV_NR <= 64, "mf_reader.have_types has a bit per event type");

uint64_t mf_reader_event_types(const struct mf_reader *r)
{
	return r->have_types;
}

const struct mf_reader_info *mf_reader_info(const struct mf_reader *r)
{
	return &r->info;
}

int mf_reader_nr_event_names(const struct mf_reader *r)
{
	return r->nr_names;
}

const char *mf_reader_event_name(const struct mf_reader *r, int name_idx)
{
	return name_idx >= 0 && name_idx < r->nr_names ? r->names[name_idx] : NULL;
}

const char *mf_reader_event_system(const struct mf_reader *r, int name_idx)
{
	return name_idx >= 0 && name_idx < r->nr_names ? r->systems[name_idx] : NULL;
}

uint64_t mf_reader_event_count(const struct mf_reader *r, int name_idx)
{
	return name_idx >= 0 && name_idx < r->nr_names ? r->counts[name_idx] : 0;
}

uint64_t mf_reader_lost(const struct mf_reader *r, int cpu)
{
	return cpu >= 0 && cpu < r->nr_lost ? r->lost[cpu] : 0;
}

uint64_t mf_reader_lost_unknown(const struct mf_reader *r, int cpu)
{
	return cpu >= 0 && cpu < r->nr_lost ? r->lost_unknown[cpu] : 0;
}

const char *const *mf_reader_warnings(const struct mf_reader *r)
{
	return (const char *const *)r->warn;
}

int mf_reader_progress(const struct mf_reader *r, uint64_t *done, uint64_t *total)
{
	if (!r->fly)
		return -ENOTSUP;
	mf_fly_progress(r->fly, done, total);
	return 0;
}

unsigned int mf_reader_nr_reopens(const struct mf_reader *r)
{
	return r->nr_reopens;
}

void mf_reader_set_segment(struct mf_reader *r, uint64_t bytes)
{
	r->segment_bytes = bytes;
}

/* For reader-live.c: decode one record of a live sub-buffer. */
int reader_decode(struct mf_reader *r, struct tep_record *rec, struct mf_event *ev)
{
	return decode(r, rec->data, (uint32_t)rec->size, rec->ts, rec->cpu, ev);
}
