// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a trace.dat for the reader: the file layout checked before libtracecmd sees it
 * (check_v6_extents(), check_v7_extents()), stdout silenced around the calls that print,
 * the handle opened (or reopened at a segment boundary) on the buffer that holds events,
 * and every event the model needs resolved by name, once, from the trace's own formats
 * into a decoder (the specs[] table below).  reader.c decodes and merges the records.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#include "reader-local.h"

struct field_spec {
	const char	*names;		/* '|'-separated alternatives, newest first */
	uint8_t		ev_off;		/* where in struct mf_event */
	uint8_t		ev_size;	/* 4 or 8 (a pointer for F_STR) */
	uint8_t		flags;
	int64_t		dflt;		/* value when an optional field is absent */
};

struct event_spec {
	const char		*system;
	const char		*name;
	uint16_t		type;
	bool			core;	/* warn when the event is absent from the trace */
	struct field_spec	f[MAX_FIELDS];
};

#define EVF(m)		offsetof(struct mf_event, m), sizeof(((struct mf_event *)0)->m)
#define REQ(n, m)	{ n, EVF(m), F_REQ, 0 }
#define OPT(n, m, d)	{ n, EVF(m), 0, d }
#define PFN(n, m)	{ n, EVF(m), F_REQ | F_PFN, 0 }
#define STR(n, m)	{ n, EVF(m), F_REQ | F_STR, 0 }

static const struct event_spec specs[] = {
	{ "kmem", "mm_page_alloc", MF_EV_PAGE_ALLOC, true,
	  { PFN("pfn", alloc.pfn), REQ("order", alloc.order), REQ("migratetype", alloc.mt),
	    OPT("gfp_flags", alloc.gfp, 0) } },
	{ "kmem", "mm_page_free", MF_EV_PAGE_FREE, true,
	  { PFN("pfn", free.pfn), REQ("order", free.order) } },
	{ "kmem", "mm_page_free_batched", MF_EV_PAGE_FREE_BATCHED, false,
	  { PFN("pfn", free_batched.pfn) } },
	{ "kmem", "mm_page_alloc_zone_locked", MF_EV_ZONE_LOCKED, true,
	  { PFN("pfn", zone_locked.pfn), REQ("order", zone_locked.order),
	    REQ("migratetype", zone_locked.mt), OPT("percpu_refill", zone_locked.percpu_refill, -1) } },
	{ "kmem", "mm_page_pcpu_drain", MF_EV_PCPU_DRAIN, true,
	  { PFN("pfn", pcpu_drain.pfn), REQ("order", pcpu_drain.order),
	    REQ("migratetype", pcpu_drain.mt) } },
	{ "kmem", "mm_page_alloc_extfrag", MF_EV_EXTFRAG, false,
	  { PFN("pfn", extfrag.pfn), REQ("alloc_order", extfrag.order),
	    REQ("alloc_migratetype", extfrag.mt), REQ("fallback_order", extfrag.fallback_order),
	    REQ("fallback_migratetype", extfrag.fallback_mt),
	    OPT("change_ownership", extfrag.change_ownership, -1) } },
	{ "compaction", "mm_compaction_isolate_migratepages", MF_EV_CP_ISOLATE_MIGRATE, false,
	  { REQ("start_pfn", isolate.start_pfn), REQ("end_pfn", isolate.end_pfn),
	    REQ("nr_scanned", isolate.nr_scanned), REQ("nr_taken", isolate.nr_taken) } },
	{ "compaction", "mm_compaction_isolate_freepages", MF_EV_CP_ISOLATE_FREE, false,
	  { REQ("start_pfn", isolate.start_pfn), REQ("end_pfn", isolate.end_pfn),
	    REQ("nr_scanned", isolate.nr_scanned), REQ("nr_taken", isolate.nr_taken) } },
	{ "compaction", "mm_compaction_fast_isolate_freepages", MF_EV_CP_FAST_ISOLATE_FREE, false,
	  { REQ("start_pfn", isolate.start_pfn), REQ("end_pfn", isolate.end_pfn),
	    REQ("nr_scanned", isolate.nr_scanned), REQ("nr_taken", isolate.nr_taken) } },
	{ "compaction", "mm_compaction_migratepages", MF_EV_CP_MIGRATEPAGES, false,
	  { REQ("nr_migrated", migrate.nr_migrated), REQ("nr_failed", migrate.nr_failed) } },
	{ "compaction", "mm_compaction_begin", MF_EV_CP_BEGIN, false,
	  { REQ("zone_start", cp_begin.zone_start), REQ("migrate_pfn", cp_begin.migrate_pfn),
	    REQ("free_pfn", cp_begin.free_pfn), REQ("zone_end", cp_begin.zone_end),
	    OPT("sync", cp_begin.sync, -1) } },
	{ "compaction", "mm_compaction_end", MF_EV_CP_END, false,
	  { REQ("zone_start", cp_end.zone_start), REQ("migrate_pfn", cp_end.migrate_pfn),
	    REQ("free_pfn", cp_end.free_pfn), REQ("zone_end", cp_end.zone_end),
	    OPT("sync", cp_end.sync, -1), REQ("status", cp_end.status) } },
	{ "compaction", "mm_compaction_try_to_compact_pages", MF_EV_CP_TRY, false,
	  { REQ("order", cp_try.order), OPT("gfp_mask", cp_try.gfp, 0),
	    OPT("prio|mode", cp_try.prio, -1) } },
	{ "compaction", "mm_compaction_finished", MF_EV_CP_FINISHED, false,
	  { REQ("nid", cp_ret.nid), REQ("idx", cp_ret.idx), REQ("order", cp_ret.order),
	    REQ("ret", cp_ret.ret) } },
	{ "compaction", "mm_compaction_suitable", MF_EV_CP_SUITABLE, false,
	  { REQ("nid", cp_ret.nid), REQ("idx", cp_ret.idx), REQ("order", cp_ret.order),
	    REQ("ret", cp_ret.ret) } },
	{ "compaction", "mm_compaction_deferred", MF_EV_CP_DEFERRED, false,
	  { REQ("nid", defer.nid), REQ("idx", defer.idx), REQ("order", defer.order),
	    REQ("considered", defer.considered), REQ("defer_shift", defer.defer_shift),
	    REQ("order_failed", defer.order_failed) } },
	{ "compaction", "mm_compaction_defer_compaction", MF_EV_CP_DEFER_COMPACTION, false,
	  { REQ("nid", defer.nid), REQ("idx", defer.idx), REQ("order", defer.order),
	    REQ("considered", defer.considered), REQ("defer_shift", defer.defer_shift),
	    REQ("order_failed", defer.order_failed) } },
	{ "compaction", "mm_compaction_defer_reset", MF_EV_CP_DEFER_RESET, false,
	  { REQ("nid", defer.nid), REQ("idx", defer.idx), REQ("order", defer.order),
	    REQ("considered", defer.considered), REQ("defer_shift", defer.defer_shift),
	    REQ("order_failed", defer.order_failed) } },
	{ "compaction", "mm_compaction_kcompactd_sleep", MF_EV_CP_KCOMPACTD_SLEEP, false,
	  { REQ("nid", node.nid) } },
	{ "compaction", "mm_compaction_wakeup_kcompactd", MF_EV_CP_WAKEUP_KCOMPACTD, false,
	  { REQ("nid", kcompactd.nid), REQ("order", kcompactd.order),
	    OPT("highest_zoneidx|classzone_idx", kcompactd.highest_zoneidx, -1) } },
	{ "compaction", "mm_compaction_kcompactd_wake", MF_EV_CP_KCOMPACTD_WAKE, false,
	  { REQ("nid", kcompactd.nid), REQ("order", kcompactd.order),
	    OPT("highest_zoneidx|classzone_idx", kcompactd.highest_zoneidx, -1) } },
	{ "vmscan", "mm_vmscan_kswapd_sleep", MF_EV_KSWAPD_SLEEP, false,
	  { REQ("nid", node.nid) } },
	{ "vmscan", "mm_vmscan_kswapd_wake", MF_EV_KSWAPD_WAKE, false,
	  { REQ("nid", kswapd.nid), OPT("zid", kswapd.zid, -1), REQ("order", kswapd.order) } },
	{ "vmscan", "mm_vmscan_wakeup_kswapd", MF_EV_WAKEUP_KSWAPD, false,
	  { REQ("nid", kswapd.nid), OPT("zid", kswapd.zid, -1), REQ("order", kswapd.order),
	    OPT("gfp_flags", kswapd.gfp, 0) } },
	{ "vmscan", "mm_vmscan_direct_reclaim_begin", MF_EV_DIRECT_RECLAIM_BEGIN, false,
	  { REQ("order", reclaim_begin.order), OPT("gfp_flags", reclaim_begin.gfp, 0) } },
	{ "vmscan", "mm_vmscan_direct_reclaim_end", MF_EV_DIRECT_RECLAIM_END, false,
	  { REQ("nr_reclaimed", reclaim_end.nr_reclaimed) } },
	{ "ftrace", "print", MF_EV_PRINT, false,
	  { STR("buf", print.str) } },
	{ "pagemap", "mm_lru_insertion", MF_EV_LRU_INSERT, false,
	  { PFN("pfn", lru_insert.pfn), OPT("lru", lru_insert.lru, -1),
	    OPT("flags", lru_insert.flags, 0) } },
};

/* ---- small helpers ------------------------------------------------------------------ */

void reader_set_err(struct mf_reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, sizeof(r->err), "%s: ", r->path);
	if (n < 0 || (size_t)n >= sizeof(r->err))
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
}

void reader_add_warning(struct mf_reader *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (r->nr_warn >= MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s)
		r->warn[r->nr_warn++] = s;
}

/* The magic and fixed header of a trace.dat file (trace-cmd.dat(5) v6 and v7). */
struct file_head {
	int		version;
	int		page_size;
	int		long_size;
	bool		big_endian;
	size_t		end;		/* offset just after the fixed header (v6) */
	char		compression[32];
};

static const char *static_compression(const char *name)
{
	static const char *const known[] = { "none", "zstd", "zlib", "lz4", "gzip", "xz" };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, known[i]))
			return known[i];
	return "unknown";
}

/*
 * Check the file ourselves before libtracecmd sees it: a clean message for what is not a
 * trace.dat at all, and the version / compression, which the public API does not give.
 * Returns 0 or a negative errno value with r->err set.
 */
static int read_file_head(struct mf_reader *r, int fd, struct file_head *fh)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	unsigned char buf[512];
	const unsigned char *p, *end, *z;
	struct stat st;
	uint32_t ps;
	ssize_t n;
	char *e;
	long v;

	memset(fh, 0, sizeof(*fh));
	if (fstat(fd, &st) < 0) {
		reader_set_err(r, "%s", strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		reader_set_err(r, "%s", strerror(EISDIR));
		return -EISDIR;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		reader_set_err(r, "empty file, not a trace.dat");
		return -EINVAL;
	}
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		reader_set_err(r, "%s", strerror(errno));
		return -errno;
	}
	if ((size_t)n < sizeof(magic) || memcmp(buf, magic, sizeof(magic))) {
		reader_set_err(r, "not a trace.dat file (no trace-cmd magic)");
		return -EINVAL;
	}
	p = buf + sizeof(magic);
	end = buf + n;
	z = memchr(p, 0, end - p);
	if (!z) {
		reader_set_err(r, "truncated or corrupt trace.dat header");
		return -EINVAL;
	}
	errno = 0;
	v = strtol((const char *)p, &e, 10);
	if (errno || e == (const char *)p || v <= 0 || v > 1000) {
		reader_set_err(r, "bad trace.dat version string");
		return -EINVAL;
	}
	fh->version = (int)v;
	p = z + 1;
	if (end - p < 6) {
		reader_set_err(r, "truncated trace.dat header");
		return -EINVAL;
	}
	/* endian (1), long size (1), page size (4, file endianness) */
	fh->big_endian = p[0];
	fh->long_size = p[1];
	/* unsigned: a byte shifted into bit 31 of an int is undefined */
	if (p[0])
		ps = (uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
	else
		ps = (uint32_t)p[5] << 24 | (uint32_t)p[4] << 16 | (uint32_t)p[3] << 8 | p[2];
	fh->page_size = ps > INT_MAX ? -1 : (int)ps;
	p += 6;
	fh->end = p - buf;
	snprintf(fh->compression, sizeof(fh->compression), "none");
	if (fh->version >= 7) {
		z = memchr(p, 0, end - p);
		if (!z || z - p >= (ptrdiff_t)sizeof(fh->compression)) {
			reader_set_err(r, "truncated or corrupt trace.dat header");
			return -EINVAL;
		}
		memcpy(fh->compression, p, z - p);
		fh->compression[z - p] = 0;
		p = z + 1;
		z = memchr(p, 0, end - p);	/* compression version */
		if (!z || end - (z + 1) < 8) {
			reader_set_err(r, "truncated or corrupt trace.dat header");
			return -EINVAL;
		}
		fh->end = z + 1 + 8 - buf;	/* after the offset of the first options */
	}
	if (fh->version < 6 || fh->version > 7) {
		reader_set_err(r, "unsupported trace.dat version %d (6 or 7 expected)", fh->version);
		return -ENOTSUP;
	}
	if (fh->page_size <= 0 || (fh->page_size & (fh->page_size - 1))) {
		reader_set_err(r, "corrupt trace.dat header (page size %d)", fh->page_size);
		return -EINVAL;
	}
	return 0;
}

/*
 * v6 files: walk the header sections (trace-cmd.dat.v6(5)) to the CPU data table and
 * check that every CPU's data is inside the file.  libtracecmd 1.3.1 finds a truncated
 * v6 file itself, but then crashes in its own cleanup (tracecmd_close() on the
 * half-initialised handle), so such files must not reach it.  Returns 0 when the data
 * is inside the file or the layout is not understood (libtracecmd then decides), -1 for a
 * truncated file.
 */
struct file_walk {
	int		fd;
	uint64_t	pos;
	uint64_t	size;
	bool		big_endian;
	bool		bad;
};

static uint64_t walk_num(struct file_walk *w, int len)
{
	unsigned char b[8];
	uint64_t v = 0;
	int i;

	if (w->bad || w->pos + len > w->size ||
	    pread(w->fd, b, len, (off_t)w->pos) != len) {
		w->bad = true;
		return 0;
	}
	w->pos += len;
	for (i = 0; i < len; i++)
		v |= (uint64_t)b[w->big_endian ? len - 1 - i : i] << (8 * i);
	return v;
}

static bool walk_expect(struct file_walk *w, const char *tag, size_t len)
{
	char b[16];

	if (w->bad || len > sizeof(b) || w->pos + len > w->size ||
	    pread(w->fd, b, len, (off_t)w->pos) != (ssize_t)len || memcmp(b, tag, len)) {
		w->bad = true;
		return false;
	}
	w->pos += len;
	return true;
}

static void walk_skip(struct file_walk *w, uint64_t len)
{
	if (w->bad || len > w->size - w->pos)
		w->bad = true;
	else
		w->pos += len;
}

static void walk_skip_string(struct file_walk *w)
{
	char b[64];
	ssize_t n, i;

	while (!w->bad) {
		n = pread(w->fd, b, sizeof(b), (off_t)w->pos);
		if (n <= 0) {
			w->bad = true;
			return;
		}
		for (i = 0; i < n; i++) {
			if (!b[i]) {
				w->pos += i + 1;
				return;
			}
		}
		w->pos += n;
	}
}

/* "flyrecord\0" then nr_cpus (offset, size) pairs: 1 when some data is past the end. */
static int v6_check_cpus(struct file_walk *w, unsigned int nr_cpus)
{
	unsigned int cpu;

	if (!walk_expect(w, "flyrecord", 10))
		return 0;
	for (cpu = 0; cpu < nr_cpus && !w->bad; cpu++) {
		uint64_t off = walk_num(w, 8), size = walk_num(w, 8);

		if (!w->bad && size && (off > w->size || size > w->size - off))
			return 1;
	}
	return 0;
}

/*
 * v7 files are a chain of sections (id 2, flags 2, description 4, size 8, data) from the
 * fixed header to the end of the file; libtracecmd walks it when it opens the file and,
 * on a section cut short, goes on with values it never read (1.3.1).  A section running
 * past the end of the file, or a partial section header, means a truncated file.
 */
static int check_v7_extents(int fd, uint64_t file_size, const struct file_head *fh)
{
	struct file_walk w = { .fd = fd, .pos = fh->end, .size = file_size,
			     .big_endian = fh->big_endian };
	unsigned int n;

	for (n = 0; n < 1000000 && w.pos < file_size; n++) {
		uint64_t size;

		if (file_size - w.pos < 16)
			return -1;
		walk_num(&w, 2);
		walk_num(&w, 2);
		walk_num(&w, 4);
		size = walk_num(&w, 8);
		if (w.bad || size > file_size - w.pos)
			return -1;
		w.pos += size;
	}
	return 0;
}

static int check_v6_extents(int fd, uint64_t file_size, const struct file_head *fh)
{
	struct file_walk w = { .fd = fd, .pos = fh->end, .size = file_size,
			     .big_endian = fh->big_endian };
	uint64_t buffers[16];
	unsigned int n, m, i, j, nr_cpus, nr_buffers = 0, buf_cpus[16];
	char tag[10];

	if (!walk_expect(&w, "header_page", 12))
		return 0;
	walk_skip(&w, walk_num(&w, 8));
	if (!walk_expect(&w, "header_event", 13))
		return 0;
	walk_skip(&w, walk_num(&w, 8));
	n = walk_num(&w, 4);				/* ftrace event formats */
	for (i = 0; i < n && !w.bad; i++)
		walk_skip(&w, walk_num(&w, 8));
	n = walk_num(&w, 4);				/* event systems */
	for (i = 0; i < n && !w.bad; i++) {
		walk_skip_string(&w);
		m = walk_num(&w, 4);
		for (j = 0; j < m && !w.bad; j++)
			walk_skip(&w, walk_num(&w, 8));
	}
	walk_skip(&w, walk_num(&w, 4));			/* kallsyms */
	walk_skip(&w, walk_num(&w, 4));			/* printk formats */
	walk_skip(&w, walk_num(&w, 8));			/* saved cmdlines */
	nr_cpus = walk_num(&w, 4);
	if (w.bad || w.pos + 10 > file_size || pread(fd, tag, 10, (off_t)w.pos) != 10)
		return w.bad ? -1 : 0;
	if (!memcmp(tag, "options  ", 10)) {
		w.pos += 10;
		for (;;) {
			unsigned int id = walk_num(&w, 2), size;
			uint64_t start;

			if (w.bad || !id)
				break;
			size = walk_num(&w, 4);
			start = w.pos;
			if (id == 3 && size >= 8 && nr_buffers < 16) {	/* BUFFER: offset, name */
				buffers[nr_buffers] = walk_num(&w, 8);
				buf_cpus[nr_buffers++] = nr_cpus;
			} else if (id == 8 && size >= 4 && nr_buffers) {	/* CPUCOUNT */
				buf_cpus[nr_buffers - 1] = walk_num(&w, 4);
			}
			w.pos = start;
			walk_skip(&w, size);
		}
		if (w.bad)
			return -1;
	}
	if (v6_check_cpus(&w, nr_cpus))
		return -1;
	for (i = 0; i < nr_buffers; i++) {
		if (buffers[i] >= file_size)
			return -1;
		w.pos = buffers[i];
		w.bad = false;
		if (v6_check_cpus(&w, buf_cpus[i]))
			return -1;
	}
	return 0;
}

/*
 * libtracecmd 1.3.1 prints one diagnostic with printf() to stdout ("File possibly
 * truncated...") and others through its log functions.  The log is silenced with the
 * log levels; stdout is pointed at /dev/null around the calls that can print.
 */
struct quiet {
	int saved;
};

static void quiet_begin(struct quiet *q)
{
	int devnull;

	q->saved = -1;
	fflush(stdout);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0)
		return;
	q->saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
	if (q->saved >= 0 && dup2(devnull, STDOUT_FILENO) < 0) {
		close(q->saved);
		q->saved = -1;
	}
	close(devnull);
}

static void quiet_end(struct quiet *q)
{
	if (q->saved < 0)
		return;
	fflush(stdout);
	dup2(q->saved, STDOUT_FILENO);
	close(q->saved);
	q->saved = -1;
}

/* ---- decoders ---------------------------------------------------------------------- */

static struct tep_format_field *find_field(struct tep_event *ev, const char *names)
{
	char name[64];
	const char *p = names, *bar;
	struct tep_format_field *f;
	size_t len;

	while (*p) {
		bar = strchr(p, '|');
		len = bar ? (size_t)(bar - p) : strlen(p);
		if (len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = 0;
			f = tep_find_field(ev, name);
			if (f)
				return f;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	return NULL;
}

int reader_new_decoder(struct mf_reader *r, struct tep_event *ev, int id)
{
	struct decoder *d;

	if (r->nr_decoders == r->cap_decoders) {
		int cap = r->cap_decoders ? 2 * r->cap_decoders : 64;

		d = realloc(r->decoders, cap * sizeof(*d));
		if (!d)
			return -ENOMEM;
		r->decoders = d;
		r->cap_decoders = cap;
	}
	d = &r->decoders[r->nr_decoders];
	memset(d, 0, sizeof(*d));
	d->name_idx = -1;
	d->type = MF_EV_OTHER;
	if (ev) {
		d->name = strdup(ev->name ? ev->name : "?");
		d->system = strdup(ev->system ? ev->system : "");
	} else {
		char buf[64];

		/* an id the formats do not describe */
		snprintf(buf, sizeof(buf), "unknown_event_%d", id);
		d->name = strdup(buf);
		d->system = strdup("");
	}
	if (!d->name || !d->system) {
		free((char *)d->name);
		free((char *)d->system);
		return -ENOMEM;
	}
	if (r->nr_decoders >= UINT16_MAX) {
		free((char *)d->name);
		free((char *)d->system);
		return -ENOMEM;
	}
	r->id_map[id] = ++r->nr_decoders;
	return r->nr_decoders - 1;
}

/*
 * d's fields: the plain copies merged into segments (reader-local.h), the others in d->f.
 * Copies merge when the next one (by event offset) starts where the segment ends in the
 * event and in the record; fields whose event bytes overlap are left unmerged.
 */
static void to_segments(struct decoder *d, const struct dec_field *f, int nr)
{
	const struct dec_field *c[MAX_FIELDS], *t;
	int i, j, n = 0;

	d->nr = 0;
	d->nr_seg = 0;
	for (i = 0; i < nr; i++) {
		if (f[i].op == DOP_GENERAL)
			d->f[d->nr++] = f[i];
		else
			c[n++] = &f[i];
	}
	/* by event offset (at most MAX_FIELDS) */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && c[j - 1]->ev_off > c[j]->ev_off; j--) {
			t = c[j];
			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		struct dec_seg *sg = d->nr_seg ? &d->seg[d->nr_seg - 1] : NULL;
		unsigned int w = c[i]->op == DOP_COPY8 ? 8 : 4;

		if (sg && sg->dst + sg->len == c[i]->ev_off && sg->src + sg->len == c[i]->offset &&
		    sg->len + w <= SEG_MAX) {
			sg->len += w;
			continue;
		}
		sg = &d->seg[d->nr_seg++];
		sg->src = c[i]->offset;
		sg->dst = c[i]->ev_off;
		sg->len = w;
	}
	/* event bytes written twice would depend on the order: keep the fields as fields */
	for (i = 1; i < n; i++)
		if (c[i - 1]->ev_off + (c[i - 1]->op == DOP_COPY8 ? 8 : 4) > c[i]->ev_off)
			break;
	if (i < n) {
		d->nr_seg = 0;
		for (i = 0; i < n; i++)
			d->f[d->nr++] = *c[i];
	}
}

/* Fill d's field list from spec; on a missing required field leave it MF_EV_OTHER. */
static void resolve_spec(struct mf_reader *r, struct decoder *d, struct tep_event *ev,
			 const struct event_spec *sp)
{
	struct dec_field f[MAX_FIELDS];
	uint32_t min_size = 0;
	uint8_t str_kind = STR_STATIC;
	uint16_t str_size = 0;
	int i, nr = 0;

	for (i = 0; i < MAX_FIELDS && sp->f[i].names; i++) {
		const struct field_spec *fs = &sp->f[i];
		struct tep_format_field *tf = find_field(ev, fs->names);
		struct dec_field *df = &f[nr];
		bool ok;

		memset(df, 0, sizeof(*df));
		df->ev_off = fs->ev_off;
		df->ev_size = fs->ev_size;
		df->flags = fs->flags & (F_PFN | F_STR);
		df->dflt = fs->dflt;
		if (fs->flags & F_STR) {
			ok = tf && (tf->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING |
						 TEP_FIELD_IS_DYNAMIC));
			if (ok) {
				df->offset = tf->offset;
				if (tf->flags & TEP_FIELD_IS_DYNAMIC) {
					str_kind = tf->flags & TEP_FIELD_IS_RELATIVE ? STR_REL :
										      STR_DYNAMIC;
					df->size = 4;
					if ((uint32_t)tf->offset + 4 > min_size)
						min_size = tf->offset + 4;
				} else {
					str_kind = STR_STATIC;
					str_size = tf->size;
					df->size = 1;	/* marks "present" */
					if ((uint32_t)tf->offset > min_size)
						min_size = tf->offset;
				}
			}
		} else {
			ok = tf && !(tf->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC |
						  TEP_FIELD_IS_STRING)) &&
			     (tf->size == 1 || tf->size == 2 || tf->size == 4 || tf->size == 8);
			if (ok) {
				df->offset = tf->offset;
				df->size = tf->size;
				df->is_signed = !!(tf->flags & TEP_FIELD_IS_SIGNED);
				if ((uint32_t)(tf->offset + tf->size) > min_size)
					min_size = tf->offset + tf->size;
			}
		}
		if (!ok && (fs->flags & F_REQ)) {
			const char *why = tf ? "has an unexpected type" : "is missing";

			if ((fs->flags & F_PFN) && !tf && tep_find_field(ev, "page"))
				reader_add_warning(r, "%s:%s: field 'pfn' is missing (older kernel with "
					    "'page' pointers): its events are not replayed",
					    sp->system, sp->name);
			else
				reader_add_warning(r, "%s:%s: field '%s' %s: its events are not "
					    "interpreted", sp->system, sp->name, fs->names, why);
			return;
		}
		nr++;
	}
	for (i = 0; i < nr; i++) {
		struct dec_field *df = &f[i];

		if (r->swap || (df->flags & F_STR) || df->size != df->ev_size)
			continue;
		/* a pfn narrower than 8 bytes is mapped, so never a copy */
		if (df->size == 8)
			df->op = DOP_COPY8;
		else if (df->size == 4 && !(df->flags & F_PFN))
			df->op = DOP_COPY4;
	}
	to_segments(d, f, nr);
	d->type = sp->type;
	d->min_size = min_size;
	d->str_kind = str_kind;
	d->str_size = str_size;
}

/*
 * The event of id: with the own reader's formats, parsed the first time the trace names
 * it, else r->tep's.  While reading, the decoding thread parses into the tep's events and
 * the caller's thread may look up task names (mf_reader_comm(): its cmdlines, sorted on
 * first use); libtraceevent keeps the two apart.  Its format parser also writes
 * file-level statics, so two readers must not read on two threads at once.
 */
struct tep_event *reader_find_event(struct mf_reader *r, int id)
{
	if (r->fly_fmts && r->tep == mf_fly_formats_tep(r->fly_fmts))
		return mf_fly_formats_event(r->fly_fmts, id);
	return tep_find_event(r->tep, id);
}

static struct tep_event *reader_find_event_by_name(struct mf_reader *r, const char *sys,
						   const char *name)
{
	if (r->fly_fmts && r->tep == mf_fly_formats_tep(r->fly_fmts))
		return mf_fly_formats_find(r->fly_fmts, sys, name);
	return tep_find_event_by_name(r->tep, sys, name);
}

static int setup_decoders(struct mf_reader *r)
{
	struct tep_event *first;
	size_t i;

	r->id_map = calloc(NR_TEP_IDS, sizeof(*r->id_map));
	if (!r->id_map)
		return -ENOMEM;
	r->swap = tep_is_file_bigendian(r->tep) != tep_is_local_bigendian(r->tep);
	first = r->fly_fmts && r->tep == mf_fly_formats_tep(r->fly_fmts) ?
		mf_fly_formats_first(r->fly_fmts) : tep_get_first_event(r->tep);
	if (first) {
		struct tep_format_field *t = tep_find_common_field(first, "common_type");
		struct tep_format_field *p = tep_find_common_field(first, "common_pid");

		if (t && (t->size == 1 || t->size == 2 || t->size == 4)) {
			r->type_off = t->offset;
			r->type_size = t->size;
		}
		if (p && (p->size == 2 || p->size == 4)) {
			r->pid_off = p->offset;
			r->pid_size = p->size;
		}
		r->common_fast = !r->swap && r->type_size == 2 && r->pid_size == 4;
		r->common_end = r->type_off + 2 > r->pid_off + 4 ? r->type_off + 2 : r->pid_off + 4;
	}
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		const struct event_spec *sp = &specs[i];
		struct tep_event *ev = reader_find_event_by_name(r, sp->system, sp->name);
		int d;

		if (!ev) {
			if (sp->core)
				reader_add_warning(r, "%s:%s is not in the trace", sp->system, sp->name);
			continue;
		}
		if (ev->id < 0 || ev->id >= NR_TEP_IDS || r->id_map[ev->id])
			continue;
		d = reader_new_decoder(r, ev, ev->id);
		if (d < 0)
			return d;
		resolve_spec(r, &r->decoders[d], ev, sp);
		if (r->decoders[d].type != MF_EV_OTHER)
			r->have_types |= 1ULL << r->decoders[d].type;
	}
	return 0;
}

/*
 * The first CPU of h that has a record, or -1.  That record is consumed (the public API
 * has no peek); the caller gets it back with tracecmd_read_cpu_first().
 */
static int first_cpu_with_data(struct tracecmd_input *h, int nr_cpus)
{
	struct tep_record *rec;
	int cpu;

	for (cpu = 0; cpu < nr_cpus; cpu++) {
		rec = tracecmd_read_data(h, cpu);
		if (rec) {
			tracecmd_free_record(rec);
			return cpu;
		}
	}
	return -1;
}

/* Open path (once, or again for the next segment) and select the buffer to read. */
int reader_open_handle(struct mf_reader *r, bool first)
{
	struct quiet q;
	int ncpu, n, i;

	quiet_begin(&q);
	r->top = tracecmd_open(r->path, TRACECMD_FL_LOAD_NO_PLUGINS);
	quiet_end(&q);
	if (!r->top) {
		if (first)
			reader_set_err(r, "cannot read the trace headers or CPU data: truncated or corrupt "
				"trace.dat");
		else
			reader_set_err(r, "cannot reopen the trace");
		return -EINVAL;
	}
	r->h = r->top;
	r->tep = tracecmd_get_tep(r->top);
	ncpu = tep_get_cpus(r->tep);
	if (ncpu <= 0)
		ncpu = 1024;	/* tracecmd_read_data() returns NULL past the last CPU */

	if (first) {
		r->instance = -1;
		r->probed_cpu = -1;
		n = tracecmd_buffer_instances(r->top);
		if (n > 0) {
			r->probed_cpu = first_cpu_with_data(r->top, ncpu);
			for (i = 0; r->probed_cpu < 0 && i < n; i++) {
				struct tracecmd_input *ih;

				ih = tracecmd_buffer_instance_handle(r->top, i);
				if (!ih)
					continue;
				r->probed_cpu = first_cpu_with_data(ih, ncpu);
				if (r->probed_cpu >= 0) {
					r->h = ih;
					r->instance = i;
					break;
				}
				tracecmd_close(ih);
			}
		}
	} else if (r->instance >= 0) {
		r->h = tracecmd_buffer_instance_handle(r->top, r->instance);
		if (!r->h) {
			reader_set_err(r, "cannot reopen buffer instance %d", r->instance);
			return -EINVAL;
		}
	}
	return ncpu;
}

void reader_close_handle(struct mf_reader *r)
{
	int i;

	for (i = 0; i < r->nr_streams; i++) {
		if (r->trim)
			reader_trim_flush(r, &r->streams[i]);
		tracecmd_free_record(r->streams[i].rec);
		r->streams[i].rec = NULL;
	}
	if (r->h && r->h != r->top)
		tracecmd_close(r->h);
	if (r->top)
		tracecmd_close(r->top);
	r->h = r->top = NULL;
	r->tep = NULL;
}

/* ---- the own reader ------------------------------------------------------------------ */

/* The formats of mf_fly_formats_load(), when they are not (or no longer) read with. */
static void close_own_tep(struct mf_reader *r)
{
	if (!r->fly_fmts)
		return;
	if (r->tep == mf_fly_formats_tep(r->fly_fmts))
		r->tep = NULL;
	mf_fly_formats_free(r->fly_fmts);
	r->fly_fmts = NULL;
}

/*
 * Open with flyrecord.c: the formats from mf_fly_formats_load() (no tracecmd_open(), no
 * kallsyms parsing), the data without libtracecmd, decoded on a thread of its own.
 * Buffer choice as reader_open_handle(): the top buffer, or when it has no record the
 * first named instance that has one.  0, -ENOTSUP for what libtracecmd should read, or
 * another negative errno with r->err set.
 */
static int open_own(struct mf_reader *r)
{
	struct mf_fly_record fr;
	struct mf_fly *f = NULL;
	int ret, got, i, n, ncpu;

	/*
	 * Only what the own reader does not implement (-ENOTSUP: the ring buffer of kernels
	 * before 2.6.31) goes to libtracecmd.  A file it found corrupt is refused here:
	 * libtracecmd 1.3.1 and libtraceevent 1.7.1 crash or allocate without bound on such
	 * files (fuzz/README.md), and would only have refused it too.
	 */
	ret = mf_fly_formats_load(r->path, &r->fly_fmts, r->err, sizeof(r->err));
	if (ret < 0)
		return ret;
	ret = mf_fly_open(r->path, mf_fly_formats_tep(r->fly_fmts), -1, &f, r->err, sizeof(r->err));
	if (ret < 0)
		return ret;
	r->fly = f;
	r->instance = -1;
	if (mf_fly_uname(f) && !(r->uname = strdup(mf_fly_uname(f))))
		return -ENOMEM;
	got = mf_fly_next(f, &fr);
	n = mf_fly_nr_instances(f);
	for (i = 0; !got && i < n; i++) {
		mf_fly_close(r->fly);
		r->fly = NULL;
		ret = mf_fly_open(r->path, mf_fly_formats_tep(r->fly_fmts), i, &f, r->err, sizeof(r->err));
		if (ret < 0)
			return ret;
		r->fly = f;
		got = mf_fly_next(f, &fr);
		if (got)
			r->instance = i;
	}
	if (got < 0) {
		snprintf(r->err, sizeof(r->err), "%s", mf_fly_error(f));
		return got;
	}
	r->tep = mf_fly_formats_tep(r->fly_fmts);
	r->info.uname = r->uname;
	ncpu = mf_fly_nr_cpus(f);
	if (tep_get_cpus(r->tep) > ncpu)
		ncpu = tep_get_cpus(r->tep);
	r->info.nr_cpus = ncpu;
	if (ncpu > 0 && reader_ensure_lost(r, ncpu - 1))
		return -ENOMEM;
	ret = setup_decoders(r);
	if (ret)
		return ret;
	if (!got) {
		r->ended = true;	/* no record: nothing to decode */
		return 0;
	}
	/*
	 * The name table at its largest (one name per event id) up front: the thread never
	 * reallocates it, so the caller may look names up while it runs.  Pages nobody
	 * touches cost no memory.
	 */
	r->names = calloc(NR_TEP_IDS, sizeof(*r->names));
	r->systems = calloc(NR_TEP_IDS, sizeof(*r->systems));
	r->counts = calloc(NR_TEP_IDS, sizeof(*r->counts));
	if (!r->names || !r->systems || !r->counts)
		return -ENOMEM;
	r->cap_names = NR_TEP_IDS;
	r->info.first_ts = fr.ts;
	r->fly_first = fr;	/* its data stays valid until the thread's mf_fly_next() */
	/* no read-ahead is slower, not wrong: its failure is not the trace's */
	mf_fly_readahead(f, 0);
	r->fly_has_first = true;
	return reader_pipe_start(r);
}

/* ---- open / close / accessors ------------------------------------------------------ */

int mf_reader_open(const char *path, struct mf_reader **out, char *err, size_t errlen)
{
	struct file_head fh;
	struct mf_reader *r;
	const char *env;
	struct stat st;
	int fd, ret, ncpu, maxcpu, i;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path))) {
		free(r);
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}

	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		reader_set_err(r, "%s", strerror(errno));
		goto fail;
	}
	if (reader_text_detect(fd)) {
		close(fd);
		ret = reader_text_open(r);
		if (ret)
			goto fail;
		*out = r;
		return 0;
	}
	ret = read_file_head(r, fd, &fh);
	if (!ret && fstat(fd, &st) == 0) {
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		if (S_ISREG(st.st_mode) &&
		    (fh.version == 6 ? check_v6_extents(fd, st.st_size, &fh) :
				       check_v7_extents(fd, st.st_size, &fh))) {
			reader_set_err(r, "truncated trace.dat (headers or CPU data end past the end of "
				"the file)");
			ret = -EINVAL;
		}
	}
	close(fd);
	if (ret)
		goto fail;
	r->page_size = fh.page_size;
	r->page_shift = __builtin_ctz((unsigned int)fh.page_size);
	r->info.format = "trace.dat";
	r->info.file_version = fh.version;
	r->info.compression = static_compression(fh.compression);
	r->info.page_size = fh.page_size;
	r->info.uname = NULL;

	/*
	 * Compressed data lives in libtracecmd's chunk cache: bound it by reopening.
	 * Uncompressed data is mmap()ed: drop the pages already read.
	 */
	if (strcmp(fh.compression, "none")) {
		r->segment_bytes = SEGMENT_BYTES_DEFAULT;
		env = getenv("MMFRAG_READER_SEGMENT_MB");
		if (env)
			r->segment_bytes = strtoull(env, NULL, 10) << 20;
	} else {
		long sys_page = sysconf(_SC_PAGESIZE);

		r->trim = sys_page > 0 && fh.page_size % sys_page == 0;
		r->realpath = realpath(path, NULL);
	}

	/* MMFRAG_READER=tracecmd: libtracecmd reads the data too (the oracle, in tests) */
	env = getenv("MMFRAG_READER");
	if (!env || strcmp(env, "tracecmd")) {
		ret = open_own(r);
		if (!ret) {
			*out = r;
			return 0;
		}
		if (ret != -ENOTSUP) {
			if (ret == -ENOMEM)
				reader_set_err(r, "%s", strerror(ENOMEM));
			goto fail;
		}
		reader_pipe_stop(r);
		mf_fly_close(r->fly);
		r->fly = NULL;
		close_own_tep(r);
		r->err[0] = 0;
	}

	ncpu = reader_open_handle(r, true);
	if (ncpu < 0) {
		ret = ncpu;
		goto fail;
	}
	/*
	 * The UNAME option, as the own reader gives it: libtracecmd has no public call for it
	 * (tracecmd_get_uname() is declared only in its private header), so flyrecord.c reads
	 * the options.  A file whose options it cannot read keeps NULL.
	 */
	if (!r->uname) {
		ret = mf_fly_read_uname(path, &r->uname);
		if (ret == -ENOMEM)
			goto fail_nomem;
	}
	r->info.uname = r->uname;
	ret = setup_decoders(r);
	if (ret)
		goto fail_nomem;

	r->streams = calloc(ncpu, sizeof(*r->streams));
	r->heap = calloc(ncpu, sizeof(*r->heap));
	if (!r->streams || !r->heap)
		goto fail_nomem;
	r->nr_streams = ncpu;
	maxcpu = -1;
	for (i = 0; i < ncpu; i++) {
		struct stream *s = &r->streams[i];

		s->idx = i;
		s->last_page = UINT64_MAX;
		s->rec = tracecmd_read_data(r->h, i);
		if (s->rec && i == r->probed_cpu) {
			/* its first record went to the probe */
			tracecmd_free_record(s->rec);
			s->rec = tracecmd_read_cpu_first(r->h, i);
		}
		if (!s->rec)
			continue;
		s->ts = s->rec->ts;
		if (!r->info.first_ts || s->ts < r->info.first_ts)
			r->info.first_ts = s->ts;
		if (s->rec->cpu > maxcpu)
			maxcpu = s->rec->cpu;
		if (i > maxcpu)
			maxcpu = i;
	}
	if (tep_get_cpus(r->tep) > maxcpu + 1)
		maxcpu = tep_get_cpus(r->tep) - 1;
	r->nr_streams = maxcpu + 1 < ncpu ? maxcpu + 1 : ncpu;
	r->info.nr_cpus = maxcpu + 1;
	if (maxcpu >= 0 && reader_ensure_lost(r, maxcpu))
		goto fail_nomem;
	reader_heap_build(r);
	*out = r;
	return 0;

fail_nomem:
	ret = -ENOMEM;
	reader_set_err(r, "%s", strerror(ENOMEM));
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s", r->err);
	mf_reader_close(r);
	return ret;
}

void mf_reader_close(struct mf_reader *r)
{
	int i;

	if (!r)
		return;
	reader_text_close(r);
	reader_pipe_stop(r);
	mf_fly_close(r->fly);
	close_own_tep(r);
	free(r->uname);
	reader_close_handle(r);
	for (i = 0; i < r->nr_decoders; i++) {
		free((char *)r->decoders[i].name);
		free((char *)r->decoders[i].system);
	}
	free(r->decoders);
	free(r->id_map);
	free(r->names);
	free(r->systems);
	free(r->counts);
	free(r->lost);
	free(r->lost_unknown);
	for (i = 0; i < r->nr_warn; i++)
		free(r->warn[i]);
	free(r->streams);
	free(r->heap);
	free(r->str);
	free(r->realpath);
	free(r->path);
	free(r);
}

/* For reader-live.c: the same decoders from a live tep handle (r->tep set by the caller). */
int reader_setup_decoders(struct mf_reader *r)
{
	return setup_decoders(r);
}
