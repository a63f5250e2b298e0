// SPDX-License-Identifier: GPL-2.0
/*
 * Trace reader: trace.dat (v6 or v7) -> struct mf_event, in timestamp order.
 *
 * This is the only file that touches libtracecmd and libtraceevent.  The pattern is the
 * one of trace-cmd's tracecmd/trace-mem.c: resolve event ids and field offsets once, by
 * name, from the trace's own formats, then decode each record by reading its fields
 * directly (tep_read_number() on record->data + offset).  No string lookups and no
 * allocation of ours per record.
 *
 * Ordering: one stream per CPU (tracecmd_read_data()), merged by a small binary heap on
 * (timestamp, CPU index), which is the order `trace-cmd report` prints: on equal
 * timestamps the lower CPU comes first.
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
 * check_v7_extents()), silences the log, and points stdout at /dev/null around
 * tracecmd_open().
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#include "mmfrag/flyrecord.h"
#include "mmfrag/reader.h"

#define SEGMENT_BYTES_DEFAULT	(64ULL << 20)	/* compressed data: reopen after this much */
#define TRIM_BYTES		(1UL << 20)	/* mmap()ed data: drop consumed pages by this much */
#define MAX_WARNINGS		64
#define NR_TEP_IDS		65536	/* common_type is an unsigned short */

/* ---- what the model needs, by name ------------------------------------------------ */

enum slot {
	S_NONE = 0,
	S_PFN,
	S_ORDER,
	S_MT,
	S_A0, S_A1, S_A2, S_A3, S_A4, S_A5,
	S_STR,
};

#define F_REQ	1	/* without it the event is decoded as MF_EV_OTHER */
#define MAX_FIELDS 7

struct field_spec {
	const char	*names;		/* '|'-separated alternatives, newest first */
	uint8_t		slot;
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

#define REQ(n, s)	{ n, s, F_REQ, 0 }
#define OPT(n, s, d)	{ n, s, 0, d }

static const struct event_spec specs[] = {
	{ "kmem", "mm_page_alloc", MF_EV_PAGE_ALLOC, true,
	  { REQ("pfn", S_PFN), REQ("order", S_ORDER), REQ("migratetype", S_MT),
	    OPT("gfp_flags", S_A0, 0) } },
	{ "kmem", "mm_page_free", MF_EV_PAGE_FREE, true,
	  { REQ("pfn", S_PFN), REQ("order", S_ORDER) } },
	{ "kmem", "mm_page_free_batched", MF_EV_PAGE_FREE_BATCHED, false,
	  { REQ("pfn", S_PFN) } },
	{ "kmem", "mm_page_alloc_zone_locked", MF_EV_ZONE_LOCKED, true,
	  { REQ("pfn", S_PFN), REQ("order", S_ORDER), REQ("migratetype", S_MT),
	    OPT("percpu_refill", S_A0, -1) } },
	{ "kmem", "mm_page_pcpu_drain", MF_EV_PCPU_DRAIN, true,
	  { REQ("pfn", S_PFN), REQ("order", S_ORDER), REQ("migratetype", S_MT) } },
	{ "kmem", "mm_page_alloc_extfrag", MF_EV_EXTFRAG, false,
	  { REQ("pfn", S_PFN), REQ("alloc_order", S_ORDER), REQ("alloc_migratetype", S_MT),
	    REQ("fallback_order", S_A0), REQ("fallback_migratetype", S_A1),
	    OPT("change_ownership", S_A2, -1) } },
	{ "compaction", "mm_compaction_isolate_migratepages", MF_EV_CP_ISOLATE_MIGRATE, false,
	  { REQ("start_pfn", S_A0), REQ("end_pfn", S_A1), REQ("nr_scanned", S_A2),
	    REQ("nr_taken", S_A3) } },
	{ "compaction", "mm_compaction_isolate_freepages", MF_EV_CP_ISOLATE_FREE, false,
	  { REQ("start_pfn", S_A0), REQ("end_pfn", S_A1), REQ("nr_scanned", S_A2),
	    REQ("nr_taken", S_A3) } },
	{ "compaction", "mm_compaction_fast_isolate_freepages", MF_EV_CP_FAST_ISOLATE_FREE, false,
	  { REQ("start_pfn", S_A0), REQ("end_pfn", S_A1), REQ("nr_scanned", S_A2),
	    REQ("nr_taken", S_A3) } },
	{ "compaction", "mm_compaction_migratepages", MF_EV_CP_MIGRATEPAGES, false,
	  { REQ("nr_migrated", S_A0), REQ("nr_failed", S_A1) } },
	{ "compaction", "mm_compaction_begin", MF_EV_CP_BEGIN, false,
	  { REQ("zone_start", S_A0), REQ("migrate_pfn", S_A1), REQ("free_pfn", S_A2),
	    REQ("zone_end", S_A3), OPT("sync", S_A4, -1) } },
	{ "compaction", "mm_compaction_end", MF_EV_CP_END, false,
	  { REQ("zone_start", S_A0), REQ("migrate_pfn", S_A1), REQ("free_pfn", S_A2),
	    REQ("zone_end", S_A3), OPT("sync", S_A4, -1), REQ("status", S_A5) } },
	{ "compaction", "mm_compaction_try_to_compact_pages", MF_EV_CP_TRY, false,
	  { REQ("order", S_ORDER), OPT("gfp_mask", S_A0, 0), OPT("prio|mode", S_A1, -1) } },
	{ "compaction", "mm_compaction_finished", MF_EV_CP_FINISHED, false,
	  { REQ("nid", S_A0), REQ("idx", S_A1), REQ("order", S_ORDER), REQ("ret", S_A2) } },
	{ "compaction", "mm_compaction_suitable", MF_EV_CP_SUITABLE, false,
	  { REQ("nid", S_A0), REQ("idx", S_A1), REQ("order", S_ORDER), REQ("ret", S_A2) } },
	{ "compaction", "mm_compaction_deferred", MF_EV_CP_DEFERRED, false,
	  { REQ("nid", S_A0), REQ("idx", S_A1), REQ("order", S_ORDER), REQ("considered", S_A2),
	    REQ("defer_shift", S_A3), REQ("order_failed", S_A4) } },
	{ "compaction", "mm_compaction_defer_compaction", MF_EV_CP_DEFER_COMPACTION, false,
	  { REQ("nid", S_A0), REQ("idx", S_A1), REQ("order", S_ORDER), REQ("considered", S_A2),
	    REQ("defer_shift", S_A3), REQ("order_failed", S_A4) } },
	{ "compaction", "mm_compaction_defer_reset", MF_EV_CP_DEFER_RESET, false,
	  { REQ("nid", S_A0), REQ("idx", S_A1), REQ("order", S_ORDER), REQ("considered", S_A2),
	    REQ("defer_shift", S_A3), REQ("order_failed", S_A4) } },
	{ "compaction", "mm_compaction_kcompactd_sleep", MF_EV_CP_KCOMPACTD_SLEEP, false,
	  { REQ("nid", S_A0) } },
	{ "compaction", "mm_compaction_wakeup_kcompactd", MF_EV_CP_WAKEUP_KCOMPACTD, false,
	  { REQ("nid", S_A0), REQ("order", S_ORDER),
	    OPT("highest_zoneidx|classzone_idx", S_A1, -1) } },
	{ "compaction", "mm_compaction_kcompactd_wake", MF_EV_CP_KCOMPACTD_WAKE, false,
	  { REQ("nid", S_A0), REQ("order", S_ORDER),
	    OPT("highest_zoneidx|classzone_idx", S_A1, -1) } },
	{ "vmscan", "mm_vmscan_kswapd_sleep", MF_EV_KSWAPD_SLEEP, false,
	  { REQ("nid", S_A0) } },
	{ "vmscan", "mm_vmscan_kswapd_wake", MF_EV_KSWAPD_WAKE, false,
	  { REQ("nid", S_A0), OPT("zid", S_A1, -1), REQ("order", S_ORDER) } },
	{ "vmscan", "mm_vmscan_wakeup_kswapd", MF_EV_WAKEUP_KSWAPD, false,
	  { REQ("nid", S_A0), OPT("zid", S_A1, -1), REQ("order", S_ORDER),
	    OPT("gfp_flags", S_A2, 0) } },
	{ "vmscan", "mm_vmscan_direct_reclaim_begin", MF_EV_DIRECT_RECLAIM_BEGIN, false,
	  { REQ("order", S_ORDER), OPT("gfp_flags", S_A0, 0) } },
	{ "vmscan", "mm_vmscan_direct_reclaim_end", MF_EV_DIRECT_RECLAIM_END, false,
	  { REQ("nr_reclaimed", S_A0) } },
	{ "ftrace", "print", MF_EV_PRINT, false,
	  { REQ("buf", S_STR) } },
};

/* ---- resolved decoders ---------------------------------------------------------- */

struct dec_field {
	uint16_t	offset;
	uint8_t		size;		/* 1, 2, 4 or 8; 0 = absent, use dflt */
	uint8_t		slot;
	uint8_t		is_signed;
	int64_t		dflt;
};

/* How a string field is stored (S_STR). */
enum str_kind {
	STR_STATIC,	/* char buf[N] or char buf[]: from offset to the end of the record */
	STR_DYNAMIC,	/* __data_loc: u32 (len << 16 | offset) */
	STR_REL,	/* __rel_loc: as dynamic, offset relative to the end of the field */
};

struct decoder {
	const char	*name;		/* owned copies: valid across reopen */
	const char	*system;
	uint16_t	type;		/* enum mf_ev_type */
	int32_t		name_idx;	/* -1 until the first record */
	uint8_t		nr;
	uint8_t		str_kind;
	uint16_t	str_size;	/* declared size of a static string field */
	uint32_t	min_size;	/* record bytes needed to decode every field */
	struct dec_field f[MAX_FIELDS];
};

struct stream {
	struct tep_record	*rec;	/* head record, owned; NULL when the CPU is done */
	uint64_t		ts;
	uint64_t		last_page;	/* file page of the last record taken */
	uintptr_t		trim_lo;	/* consumed mmap()ed pages not yet dropped */
	uintptr_t		trim_hi;
	int			idx;	/* CPU index for tracecmd_read_data() */
};

struct mf_reader {
	char			*path;
	struct tracecmd_input	*top;		/* handle from tracecmd_open() */
	struct tracecmd_input	*h;		/* handle read: top or a buffer instance */
	struct tep_handle	*tep;
	int			instance;	/* -1: top buffer */
	int			probed_cpu;	/* CPU whose first record the probe took */

	struct mf_reader_info	info;
	char			err[512];

	/* merge */
	struct stream		*streams;
	int			nr_streams;
	int			*heap;		/* indices into streams, min (ts, idx) first */
	int			heap_len;

	/* segmented reading (compressed data) */
	uint64_t		segment_bytes;	/* 0: never reopen */
	uint64_t		seg_pages;	/* pages entered since the last (re)open */
	unsigned int		nr_reopens;

	/* dropping consumed pages (uncompressed, mmap()ed data) */
	bool			trim;
	dev_t			dev;
	ino_t			ino;
	char			*realpath;
	uint64_t		nr_trims;

	/* common fields, read directly */
	bool			swap;		/* file endianness differs from ours */
	uint16_t		type_off, pid_off;
	uint8_t			type_size, pid_size;	/* 0: use tep_data_type() / _pid() */

	/* decoders: tep event id -> decoders[] index + 1 (0: not seen yet) */
	uint16_t		*id_map;
	struct decoder		*decoders;
	int			nr_decoders, cap_decoders;

	/* event-name table */
	const char		**names;
	const char		**systems;
	uint64_t		*counts;
	int			nr_names, cap_names;

	/* lost events per CPU (record->cpu) */
	uint64_t		*lost;
	uint64_t		*lost_unknown;
	int			nr_lost;

	char			*warn[MAX_WARNINGS + 1];
	int			nr_warn;

	/*
	 * MMFRAG_READER=own: records come from flyrecord.c instead of tracecmd_read_data()
	 * (libtracecmd still opens the file and gives the formats).  Each stream's record
	 * is then fly_recs[idx], not an allocated one.
	 */
	struct mf_fly		*fly;
	struct tep_record	*fly_recs;
	int			fly_ret;	/* < 0: flyrecord.c failed */

	char			*str;		/* MF_EV_PRINT text */
	size_t			str_cap;
	int			page_size;
	int			page_shift;
};

/* ---- small helpers ------------------------------------------------------------------ */

static void set_err(struct mf_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_err(struct mf_reader *r, const char *fmt, ...)
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

static void add_warning(struct mf_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(struct mf_reader *r, const char *fmt, ...)
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
	ssize_t n;
	char *e;
	long v;

	memset(fh, 0, sizeof(*fh));
	if (fstat(fd, &st) < 0) {
		set_err(r, "%s", strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		set_err(r, "%s", strerror(EISDIR));
		return -EISDIR;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		set_err(r, "empty file, not a trace.dat");
		return -EINVAL;
	}
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		set_err(r, "%s", strerror(errno));
		return -errno;
	}
	if ((size_t)n < sizeof(magic) || memcmp(buf, magic, sizeof(magic))) {
		set_err(r, "not a trace.dat file (no trace-cmd magic)");
		return -EINVAL;
	}
	p = buf + sizeof(magic);
	end = buf + n;
	z = memchr(p, 0, end - p);
	if (!z) {
		set_err(r, "truncated or corrupt trace.dat header");
		return -EINVAL;
	}
	errno = 0;
	v = strtol((const char *)p, &e, 10);
	if (errno || e == (const char *)p || v <= 0 || v > 1000) {
		set_err(r, "bad trace.dat version string");
		return -EINVAL;
	}
	fh->version = (int)v;
	p = z + 1;
	if (end - p < 6) {
		set_err(r, "truncated trace.dat header");
		return -EINVAL;
	}
	/* endian (1), long size (1), page size (4, file endianness) */
	fh->big_endian = p[0];
	fh->long_size = p[1];
	if (p[0])
		fh->page_size = p[2] << 24 | p[3] << 16 | p[4] << 8 | p[5];
	else
		fh->page_size = p[5] << 24 | p[4] << 16 | p[3] << 8 | p[2];
	p += 6;
	fh->end = p - buf;
	snprintf(fh->compression, sizeof(fh->compression), "none");
	if (fh->version >= 7) {
		z = memchr(p, 0, end - p);
		if (!z || z - p >= (ptrdiff_t)sizeof(fh->compression)) {
			set_err(r, "truncated or corrupt trace.dat header");
			return -EINVAL;
		}
		memcpy(fh->compression, p, z - p);
		fh->compression[z - p] = 0;
		p = z + 1;
		z = memchr(p, 0, end - p);	/* compression version */
		if (!z || end - (z + 1) < 8) {
			set_err(r, "truncated or corrupt trace.dat header");
			return -EINVAL;
		}
		fh->end = z + 1 + 8 - buf;	/* after the offset of the first options */
	}
	if (fh->version < 6 || fh->version > 7) {
		set_err(r, "unsupported trace.dat version %d (6 or 7 expected)", fh->version);
		return -ENOTSUP;
	}
	if (fh->page_size <= 0 || (fh->page_size & (fh->page_size - 1))) {
		set_err(r, "corrupt trace.dat header (page size %d)", fh->page_size);
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

static int new_decoder(struct mf_reader *r, struct tep_event *ev, int id)
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
		df->slot = fs->slot;
		df->dflt = fs->dflt;
		if (fs->slot == S_STR) {
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

			if (fs->slot == S_PFN && !tf && tep_find_field(ev, "page"))
				add_warning(r, "%s:%s: field 'pfn' is missing (older kernel with "
					    "'page' pointers): its events are not replayed",
					    sp->system, sp->name);
			else
				add_warning(r, "%s:%s: field '%s' %s: its events are not "
					    "interpreted", sp->system, sp->name, fs->names, why);
			return;
		}
		nr++;
	}
	memcpy(d->f, f, sizeof(f));
	d->nr = nr;
	d->type = sp->type;
	d->min_size = min_size;
	d->str_kind = str_kind;
	d->str_size = str_size;
}

static int setup_decoders(struct mf_reader *r)
{
	struct tep_event *first;
	size_t i;

	r->id_map = calloc(NR_TEP_IDS, sizeof(*r->id_map));
	if (!r->id_map)
		return -ENOMEM;
	r->swap = tep_is_file_bigendian(r->tep) != tep_is_local_bigendian(r->tep);
	first = tep_get_first_event(r->tep);
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
	}
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		const struct event_spec *sp = &specs[i];
		struct tep_event *ev = tep_find_event_by_name(r->tep, sp->system, sp->name);
		int d;

		if (!ev) {
			if (sp->core)
				add_warning(r, "%s:%s is not in the trace", sp->system, sp->name);
			continue;
		}
		if (ev->id < 0 || ev->id >= NR_TEP_IDS || r->id_map[ev->id])
			continue;
		d = new_decoder(r, ev, ev->id);
		if (d < 0)
			return d;
		resolve_spec(r, &r->decoders[d], ev, sp);
	}
	return 0;
}

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
		      const struct tep_record *rec, struct mf_event *ev)
{
	const char *data = rec->data;
	size_t start, len;
	const char *nul;

	if (d->str_kind == STR_STATIC) {
		start = f->offset;
		len = (size_t)rec->size - start;
		if (d->str_size && d->str_size < len)
			len = d->str_size;
	} else {
		uint32_t loc = (uint32_t)load_num(r, data + f->offset, 4);

		start = loc & 0xffff;
		len = loc >> 16;
		if (d->str_kind == STR_REL)
			start += f->offset + 4;
		if (start > (size_t)rec->size)
			return -1;
		if (len > (size_t)rec->size - start)
			len = (size_t)rec->size - start;
	}
	nul = memchr(data + start, 0, len);
	if (nul)
		len = nul - (data + start);
	while (len && data[start + len - 1] == '\n')
		len--;
	if (len + 1 > r->str_cap) {
		size_t cap = r->str_cap ? r->str_cap : 256;
		char *s;

		while (cap < len + 1)
			cap *= 2;
		s = realloc(r->str, cap);
		if (!s)
			return -1;
		r->str = s;
		r->str_cap = cap;
	}
	memcpy(r->str, data + start, len);
	r->str[len] = 0;
	ev->str = r->str;
	return 0;
}

static int decode(struct mf_reader *r, struct tep_record *rec, struct mf_event *ev)
{
	const char *data = rec->data;
	struct decoder *d;
	int id, i, di;

	ev->ts = rec->ts;
	ev->pfn = MF_PFN_NONE;
	memset(ev->a, 0, sizeof(ev->a));
	ev->str = NULL;
	ev->order = -1;
	ev->mt = -1;
	ev->cpu = rec->cpu;
	if (r->pid_size && (uint32_t)rec->size >= (uint32_t)r->pid_off + r->pid_size)
		ev->pid = (int32_t)load_num(r, data + r->pid_off, r->pid_size);
	else
		ev->pid = tep_data_pid(r->tep, rec);
	if (r->type_size && (uint32_t)rec->size >= (uint32_t)r->type_off + r->type_size)
		id = (int)load_num(r, data + r->type_off, r->type_size);
	else
		id = tep_data_type(r->tep, rec);
	if (id < 0 || id >= NR_TEP_IDS)
		id = NR_TEP_IDS - 1;
	di = r->id_map[id] - 1;
	if (di < 0) {
		di = new_decoder(r, tep_find_event(r->tep, id), id);
		if (di < 0)
			return di;
	}
	d = &r->decoders[di];
	if (d->name_idx < 0 && add_name(r, d))
		return -ENOMEM;
	r->counts[d->name_idx]++;
	ev->name_idx = d->name_idx;
	ev->type = MF_EV_OTHER;
	if (d->type == MF_EV_OTHER || (uint32_t)rec->size < d->min_size)
		return 0;

	for (i = 0; i < d->nr; i++) {
		const struct dec_field *f = &d->f[i];
		uint64_t v;

		if (f->slot == S_STR) {
			if (decode_str(r, d, f, rec, ev))
				return 0;
			continue;
		}
		if (!f->size)
			v = (uint64_t)f->dflt;
		else
			v = read_num(r, data + f->offset, f);
		switch (f->slot) {
		case S_PFN:
			/* a 32-bit kernel's -1UL is all ones in 4 bytes */
			if (f->size && f->size < 8 && v == (1ULL << (8 * f->size)) - 1)
				v = MF_PFN_NONE;
			ev->pfn = v;
			break;
		case S_ORDER:
			ev->order = (int32_t)v;
			break;
		case S_MT:
			ev->mt = (int32_t)v;
			break;
		default:
			ev->a[f->slot - S_A0] = v;
			break;
		}
	}
	ev->type = d->type;
	return 0;
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

static void trim_flush(struct mf_reader *r, struct stream *s)
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
		trim_flush(r, s);
		s->trim_lo = base;
		s->trim_hi = base;
	}
	s->trim_hi += r->page_size;
	if (s->trim_hi - s->trim_lo >= TRIM_BYTES || !next)
		trim_flush(r, s);
}

/* ---- the merge ----------------------------------------------------------------------- */

static inline bool before(const struct stream *a, const struct stream *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->idx < b->idx);
}

static void heap_down(struct mf_reader *r, int i)
{
	int *h = r->heap, n = r->heap_len;

	for (;;) {
		int l = 2 * i + 1, m = i, t;

		if (l < n && before(&r->streams[h[l]], &r->streams[h[m]]))
			m = l;
		if (l + 1 < n && before(&r->streams[h[l + 1]], &r->streams[h[m]]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void heap_build(struct mf_reader *r)
{
	int i;

	r->heap_len = 0;
	for (i = 0; i < r->nr_streams; i++)
		if (r->streams[i].rec)
			r->heap[r->heap_len++] = i;
	for (i = r->heap_len / 2 - 1; i >= 0; i--)
		heap_down(r, i);
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
static int open_handle(struct mf_reader *r, bool first)
{
	struct quiet q;
	int ncpu, n, i;

	quiet_begin(&q);
	r->top = tracecmd_open(r->path, TRACECMD_FL_LOAD_NO_PLUGINS);
	quiet_end(&q);
	if (!r->top) {
		if (first)
			set_err(r, "cannot read the trace headers or CPU data: truncated or corrupt "
				"trace.dat");
		else
			set_err(r, "cannot reopen the trace");
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
			set_err(r, "cannot reopen buffer instance %d", r->instance);
			return -EINVAL;
		}
	}
	return ncpu;
}

/* The next record of stream idx: tracecmd_read_data(), or flyrecord.c's with r->fly. */
static struct tep_record *stream_read(struct mf_reader *r, int idx)
{
	struct tep_record *rec = &r->fly_recs[idx];
	struct mf_fly_record fr;
	int ret;

	if (!r->fly)
		return tracecmd_read_data(r->h, idx);
	ret = mf_fly_read_cpu(r->fly, idx, &fr);
	if (ret <= 0) {
		if (ret < 0)
			r->fly_ret = ret;
		return NULL;
	}
	rec->ts = fr.ts;
	rec->data = (void *)fr.data;
	rec->size = fr.size;
	rec->cpu = fr.cpu;
	rec->missed_events = fr.missed;
	rec->offset = 0;
	return rec;
}

static void free_rec(struct mf_reader *r, struct tep_record *rec)
{
	if (!r->fly)
		tracecmd_free_record(rec);
}

static void close_handle(struct mf_reader *r)
{
	int i;

	for (i = 0; i < r->nr_streams; i++) {
		if (r->trim)
			trim_flush(r, &r->streams[i]);
		free_rec(r, r->streams[i].rec);
		r->streams[i].rec = NULL;
	}
	if (r->h && r->h != r->top)
		tracecmd_close(r->h);
	if (r->top)
		tracecmd_close(r->top);
	r->h = r->top = NULL;
	r->tep = NULL;
}

static int ensure_lost(struct mf_reader *r, int cpu)
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
	close_handle(r);
	ret = open_handle(r, false);
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
			set_err(r, "cannot reposition CPU %d at offset %#llx after reopening",
				s->idx, off[i]);
			ret = -EIO;
			goto out;
		}
		s->rec = rec;
	}
	heap_build(r);
	r->seg_pages = 0;
	r->nr_reopens++;
out:
	if (ret < 0)
		r->heap_len = 0;	/* nothing more to read */
	free(off);
	free(ts);
	return ret;
}

int mf_reader_next(struct mf_reader *r, struct mf_event *ev)
{
	struct tep_record *rec;
	struct stream *s;
	uint64_t page;
	int ret;

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
	if (rec->missed_events) {
		if (!ensure_lost(r, rec->cpu)) {
			if (rec->missed_events > 0)
				r->lost[rec->cpu] += rec->missed_events;
			else
				r->lost_unknown[rec->cpu]++;
		}
		ev->missed = rec->missed_events < 0 ? MF_MISSED_UNKNOWN :
			     rec->missed_events > UINT32_MAX - 1 ? UINT32_MAX - 1 :
			     (uint32_t)rec->missed_events;
	} else {
		ev->missed = 0;
	}
	ret = decode(r, rec, ev);

	s->rec = stream_read(r, s->idx);
	if (r->trim)
		trim_page(r, s, rec, s->rec);
	free_rec(r, rec);
	if (s->rec) {
		s->ts = s->rec->ts;
		heap_down(r, 0);
	} else {
		r->heap[0] = r->heap[--r->heap_len];
		heap_down(r, 0);
	}
	if (ret < 0) {
		set_err(r, "%s", strerror(-ret));
		return ret;
	}
	if (r->fly_ret < 0) {
		snprintf(r->err, sizeof(r->err), "%s", mf_fly_error(r->fly));
		r->heap_len = 0;
		return r->fly_ret;
	}
	return 1;
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
		set_err(r, "%s", strerror(errno));
		goto fail;
	}
	ret = read_file_head(r, fd, &fh);
	if (!ret && fstat(fd, &st) == 0) {
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		if (S_ISREG(st.st_mode) &&
		    (fh.version == 6 ? check_v6_extents(fd, st.st_size, &fh) :
				       check_v7_extents(fd, st.st_size, &fh))) {
			set_err(r, "truncated trace.dat (headers or CPU data end past the end of "
				"the file)");
			ret = -EINVAL;
		}
	}
	close(fd);
	if (ret)
		goto fail;
	r->page_size = fh.page_size;
	r->page_shift = __builtin_ctz((unsigned int)fh.page_size);
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

	ncpu = open_handle(r, true);
	if (ncpu < 0) {
		ret = ncpu;
		goto fail;
	}
	ret = setup_decoders(r);
	if (ret)
		goto fail_nomem;

	env = getenv("MMFRAG_READER");
	if (env && !strcmp(env, "own")) {
		/* -ENOTSUP: a feature flyrecord.c leaves to libtracecmd, which reads on */
		ret = mf_fly_open(path, r->tep, r->instance, &r->fly, r->err, sizeof(r->err));
		if (ret < 0 && ret != -ENOTSUP)
			goto fail;
		r->err[0] = 0;
		if (r->fly) {
			if (mf_fly_nr_cpus(r->fly) > ncpu)
				ncpu = mf_fly_nr_cpus(r->fly);
			r->fly_recs = calloc(ncpu, sizeof(*r->fly_recs));
			if (!r->fly_recs)
				goto fail_nomem;
			r->segment_bytes = 0;
			r->trim = false;
		}
	}

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
		s->rec = stream_read(r, i);
		if (s->rec && i == r->probed_cpu && !r->fly) {
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
	if (r->fly_ret < 0) {
		ret = r->fly_ret;
		snprintf(r->err, sizeof(r->err), "%s", mf_fly_error(r->fly));
		goto fail;
	}
	if (tep_get_cpus(r->tep) > maxcpu + 1)
		maxcpu = tep_get_cpus(r->tep) - 1;
	r->nr_streams = maxcpu + 1 < ncpu ? maxcpu + 1 : ncpu;
	r->info.nr_cpus = maxcpu + 1;
	if (maxcpu >= 0 && ensure_lost(r, maxcpu))
		goto fail_nomem;
	heap_build(r);
	*out = r;
	return 0;

fail_nomem:
	ret = -ENOMEM;
	set_err(r, "%s", strerror(ENOMEM));
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
	close_handle(r);
	mf_fly_close(r->fly);
	free(r->fly_recs);
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

const char *mf_reader_comm(const struct mf_reader *r, int pid)
{
	const char *comm;

	if (!r->tep || !tep_is_pid_registered(r->tep, pid))
		return NULL;
	comm = tep_data_comm_from_pid(r->tep, pid);
	return comm && strcmp(comm, "<...>") ? comm : NULL;
}

const char *mf_reader_error(const struct mf_reader *r)
{
	return r->err[0] ? r->err : "no error";
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

unsigned int mf_reader_nr_reopens(const struct mf_reader *r)
{
	return r->nr_reopens;
}

void mf_reader_set_segment(struct mf_reader *r, uint64_t bytes)
{
	r->segment_bytes = bytes;
}
