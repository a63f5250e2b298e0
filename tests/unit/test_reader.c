// SPDX-License-Identifier: GPL-2.0
/*
 * The trace reader against `trace-cmd report` on the bundled traces, and against broken
 * files.  Paths are relative to the repository root (the tests run from there); a bundled
 * trace that is missing is a failure, not a skip.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "mmfrag/reader.h"
#include "unit.h"

static const char *const traces[] = {
	"traces/compact-small.dat",	/* v7, zstd */
	"traces/pagecache-small.dat",	/* v6 */
};

#define MAX_NAMES 256

struct name_count {
	char		name[64];
	uint64_t	count;
};

struct expect {
	struct name_count	names[MAX_NAMES];
	int			nr_names;
	uint64_t		total;
	uint64_t		lost;		/* "CPU:N [M EVENTS DROPPED]" */
	uint64_t		lost_unknown;	/* "CPU:N [EVENTS DROPPED]" */
	bool			ok;
};

static void count_name(struct name_count *nc, int *nr, const char *name, size_t len)
{
	int i;

	for (i = 0; i < *nr; i++) {
		if (strlen(nc[i].name) == len && !memcmp(nc[i].name, name, len)) {
			nc[i].count++;
			return;
		}
	}
	if (*nr < MAX_NAMES && len < sizeof(nc[0].name)) {
		memcpy(nc[*nr].name, name, len);
		nc[*nr].name[len] = 0;
		nc[*nr].count = 1;
		(*nr)++;
	}
}

/*
 * Count the event-name column of `trace-cmd report FILE`: the word after
 * "[CPU] SECONDS.USECS: " on each event line.
 */
static void report_counts(const char *path, struct expect *e)
{
	char cmd[512], *line = NULL;
	size_t cap = 0;
	regmatch_t m[2];
	regex_t re;
	long long n;
	FILE *f;
	int cpu;

	memset(e, 0, sizeof(*e));
	if (regcomp(&re, "\\[[0-9]+\\] +[0-9]+\\.[0-9]+: ([^: ]+):", REG_EXTENDED))
		return;
	snprintf(cmd, sizeof(cmd), "trace-cmd report '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f) {
		regfree(&re);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		if (!regexec(&re, line, 2, m, 0)) {
			count_name(e->names, &e->nr_names, line + m[1].rm_so,
				   m[1].rm_eo - m[1].rm_so);
			e->total++;
		} else if (sscanf(line, "CPU:%d [%lld EVENTS DROPPED]", &cpu, &n) == 2) {
			e->lost += n;
		} else if (sscanf(line, "CPU:%d [EVENTS DROPPE%c", &cpu, (char *)&n) == 2) {
			e->lost_unknown++;
		}
	}
	e->ok = pclose(f) == 0 && e->total > 0;
	free(line);
	regfree(&re);
}

struct run {
	uint64_t	total;
	uint64_t	hash;		/* of the whole decoded stream */
	uint64_t	missed;		/* sum of ev.missed (known amounts) */
	uint64_t	missed_unknown;
	int		nr_bad_ts;	/* timestamps going backwards */
	int		nr_bad;		/* fields out of range */
	int		nr_prints;
	int		ret;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static void read_all(struct mf_reader *r, struct run *out)
{
	const struct mf_reader_info *info = mf_reader_info(r);
	uint64_t last_ts = 0;
	struct mf_event ev;
	int ret, i;

	memset(out, 0, sizeof(*out));
	memset(&ev, 0, sizeof(ev));
	while ((ret = mf_reader_next(r, &ev)) > 0) {
		out->total++;
		if (ev.ts < last_ts)
			out->nr_bad_ts++;
		last_ts = ev.ts;
		if (ev.cpu < 0 || ev.cpu >= info->nr_cpus || ev.type >= MF_EV_NR ||
		    ev.name_idx >= mf_reader_nr_event_names(r))
			out->nr_bad++;
		if (ev.type == MF_EV_PRINT) {
			const char *str = ev.print.str;
			size_t len = str ? strlen(str) : 0;

			out->nr_prints++;
			if (!str || (len && str[len - 1] == '\n'))
				out->nr_bad++;
			for (i = 0; str && str[i]; i++)
				out->hash = mix(out->hash, (unsigned char)str[i]);
		} else if (ev.type != MF_EV_OTHER) {
			/* the union's bytes: every field the type defines (ev was zeroed once,
			 * so bytes no type writes stay the same in both runs) */
			const unsigned char *u = (const unsigned char *)&ev.alloc;

			for (i = 0; i + 8 <= (int)(offsetof(struct mf_event, cpu) -
						   offsetof(struct mf_event, alloc)); i += 8) {
				uint64_t w;

				memcpy(&w, u + i, 8);
				out->hash = mix(out->hash, w);
			}
		}
		if (ev.missed == MF_MISSED_UNKNOWN)
			out->missed_unknown++;
		else
			out->missed += ev.missed;
		out->hash = mix(out->hash, ev.ts);
		out->hash = mix(out->hash, (uint64_t)ev.cpu << 32 | (uint32_t)ev.pid);
		out->hash = mix(out->hash, (uint64_t)ev.type << 16 | ev.name_idx);
	}
	out->ret = ret;
}

/* Per-name counts, timestamps, lost events: as trace-cmd report has them. */
static void check_trace(const char *path, uint64_t *lost_out, uint64_t *unknown_out)
{
	static struct expect e;
	const struct mf_reader_info *info;
	struct mf_reader *r = NULL;
	uint64_t lost = 0, lost_unknown = 0, sum = 0;
	struct run run;
	char err[512];
	int i, j, cpu;

	if (access(path, R_OK)) {
		CU_FAIL_FATAL("bundled trace missing (run from the repository root)");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(mf_reader_open(path, &r, err, sizeof(err)), 0);
	info = mf_reader_info(r);
	CU_ASSERT(info->file_version == 6 || info->file_version == 7);
	CU_ASSERT_PTR_NOT_NULL(info->compression);
	CU_ASSERT(info->nr_cpus > 0);
	CU_ASSERT(info->page_size > 0);

	read_all(r, &run);
	CU_ASSERT_EQUAL(run.ret, 0);
	CU_ASSERT_EQUAL(run.nr_bad_ts, 0);
	CU_ASSERT_EQUAL(run.nr_bad, 0);
	CU_ASSERT(run.total > 0);

	report_counts(path, &e);
	CU_ASSERT_FATAL(e.ok);
	CU_ASSERT_EQUAL(run.total, e.total);
	CU_ASSERT_EQUAL(mf_reader_nr_event_names(r), e.nr_names);
	for (i = 0; i < mf_reader_nr_event_names(r); i++) {
		const char *name = mf_reader_event_name(r, i);
		uint64_t want = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT_PTR_NOT_NULL(mf_reader_event_system(r, i));
		for (j = 0; j < e.nr_names; j++)
			if (!strcmp(e.names[j].name, name))
				want = e.names[j].count;
		if (mf_reader_event_count(r, i) != want)
			fprintf(stderr, "\n%s: %s: reader %llu, trace-cmd report %llu\n", path, name,
				(unsigned long long)mf_reader_event_count(r, i),
				(unsigned long long)want);
		CU_ASSERT_EQUAL(mf_reader_event_count(r, i), want);
		sum += mf_reader_event_count(r, i);
	}
	CU_ASSERT_EQUAL(sum, run.total);
	for (j = 0; j < e.nr_names; j++)	/* every ftrace marker decoded as MF_EV_PRINT */
		if (!strcmp(e.names[j].name, "print"))
			CU_ASSERT_EQUAL((uint64_t)run.nr_prints, (uint64_t)e.names[j].count);

	for (cpu = 0; cpu < info->nr_cpus; cpu++) {
		lost += mf_reader_lost(r, cpu);
		lost_unknown += mf_reader_lost_unknown(r, cpu);
	}
	CU_ASSERT_EQUAL(lost, e.lost);
	CU_ASSERT_EQUAL(lost_unknown, e.lost_unknown);
	CU_ASSERT_EQUAL(lost, run.missed);
	CU_ASSERT_EQUAL(lost_unknown, run.missed_unknown);
	if (lost_out)
		*lost_out = lost;
	if (unknown_out)
		*unknown_out = lost_unknown;
	mf_reader_close(r);
}

static void test_compact_small(void)
{
	check_trace(traces[0], NULL, NULL);
}

static void test_pagecache_small(void)
{
	check_trace(traces[1], NULL, NULL);
}

/* Reading in small segments (close, reopen, reposition) gives the same stream. */
static void test_segments(void)
{
	struct mf_reader *r;
	struct run a, b;
	char err[512];
	size_t t;

	/* segments are libtracecmd's (the own reader keeps one chunk per CPU) */
	setenv("MMFRAG_READER", "tracecmd", 1);
	for (t = 0; t < sizeof(traces) / sizeof(traces[0]); t++) {
		CU_ASSERT_EQUAL_FATAL(mf_reader_open(traces[t], &r, err, sizeof(err)), 0);
		mf_reader_set_segment(r, 0);
		read_all(r, &a);
		mf_reader_close(r);

		CU_ASSERT_EQUAL_FATAL(mf_reader_open(traces[t], &r, err, sizeof(err)), 0);
		mf_reader_set_segment(r, 1 << 20);
		read_all(r, &b);
		if (mf_reader_info(r)->file_version == 7 &&
		    strcmp(mf_reader_info(r)->compression, "none"))
			CU_ASSERT(mf_reader_nr_reopens(r) > 0);
		mf_reader_close(r);

		CU_ASSERT_EQUAL(a.ret, 0);
		CU_ASSERT_EQUAL(b.ret, 0);
		CU_ASSERT_EQUAL(a.total, b.total);
		CU_ASSERT_EQUAL(a.hash, b.hash);
	}
	unsetenv("MMFRAG_READER");
}

/* Every model event type the trace has is decoded with sane fields. */
static void test_fields(void)
{
	struct mf_reader *r;
	struct mf_event ev;
	uint64_t allocs = 0, frees = 0;
	int bad = 0, ret;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(mf_reader_open(traces[0], &r, err, sizeof(err)), 0);
	while ((ret = mf_reader_next(r, &ev)) > 0) {
		switch (ev.type) {
		case MF_EV_PAGE_ALLOC:
			allocs++;
			if (ev.alloc.order < 0 || ev.alloc.order > 15 || ev.alloc.mt < 0 ||
			    ev.alloc.mt > 7)
				bad++;
			break;
		case MF_EV_PAGE_FREE:
			frees++;
			if (ev.free.pfn == MF_PFN_NONE || ev.free.order < 0 || ev.free.order > 15)
				bad++;
			break;
		case MF_EV_ZONE_LOCKED:
			if (ev.zone_locked.pfn == MF_PFN_NONE || ev.zone_locked.mt < 0 ||
			    (ev.zone_locked.percpu_refill != 0 && ev.zone_locked.percpu_refill != 1))
				bad++;
			break;
		case MF_EV_PCPU_DRAIN:
			if (ev.pcpu_drain.pfn == MF_PFN_NONE || ev.pcpu_drain.order < 0 ||
			    ev.pcpu_drain.order > 15)
				bad++;
			break;
		case MF_EV_CP_END:
			/* status is an enum compact_result: 0..8; begin's pfns lie in the zone */
			if ((uint32_t)ev.cp_end.status > 8 || ev.cp_end.zone_start > ev.cp_end.zone_end)
				bad++;
			break;
		default:
			break;
		}
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT(allocs > 0);
	CU_ASSERT(frees > 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_PTR_NOT_NULL(mf_reader_warnings(r));
	CU_ASSERT_PTR_NULL(mf_reader_warnings(r)[0]);	/* a 6.18 trace has every field */
	/* the formats the trace defines, the events of its systems with or without records */
	CU_ASSERT(mf_reader_event_types(r) >> MF_EV_PAGE_ALLOC & 1);
	CU_ASSERT(mf_reader_event_types(r) >> MF_EV_CP_KCOMPACTD_SLEEP & 1);
	CU_ASSERT(mf_reader_event_types(r) >> MF_EV_KSWAPD_WAKE & 1);
	CU_ASSERT_FALSE(mf_reader_event_types(r) >> MF_EV_OTHER & 1);
	mf_reader_close(r);
}

/* ---- bad input ------------------------------------------------------------------------ */

static char tmpdir[64];

static int bad_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mmfrag-test-reader.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int bad_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Open must fail with a negative errno and one line "PATH: problem". */
static void expect_reject(const char *path)
{
	struct mf_reader *r = (struct mf_reader *)1;
	char err[512] = "";
	size_t n = strlen(path);
	int ret;

	ret = mf_reader_open(path, &r, err, sizeof(err));
	if (ret >= 0)
		fprintf(stderr, "\n%s: accepted\n", path);
	CU_ASSERT(ret < 0);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT(!strncmp(err, path, n) && err[n] == ':' && err[n + 1] == ' ' && err[n + 2]);
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	if (ret >= 0)
		mf_reader_close(r);
}

static void test_bad_files(void)
{
	char path[256], buf[4096];
	size_t i;

	snprintf(path, sizeof(path), "%s/missing.dat", tmpdir);
	expect_reject(path);

	snprintf(path, sizeof(path), "%s/empty.dat", tmpdir);
	write_file(path, "", 0);
	expect_reject(path);

	snprintf(path, sizeof(path), "%s/text.dat", tmpdir);
	snprintf(buf, sizeof(buf), "# not a trace\nhello world\n");
	write_file(path, buf, strlen(buf));
	expect_reject(path);

	snprintf(path, sizeof(path), "%s/random.dat", tmpdir);
	srand(1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)rand();
	write_file(path, buf, sizeof(buf));
	expect_reject(path);

	/* the magic alone, then the magic and a version 6 header cut short */
	snprintf(path, sizeof(path), "%s/magic.dat", tmpdir);
	write_file(path, "\x17\x08\x44tracing", 10);
	expect_reject(path);
	snprintf(path, sizeof(path), "%s/magic6.dat", tmpdir);
	write_file(path, "\x17\x08\x44tracing6\0\0\x08\x00\x10\0\0header_page", 29);
	expect_reject(path);

	expect_reject(tmpdir);		/* a directory */
}

static void test_missing_message(void)
{
	struct mf_reader *r;
	char err[512];

	CU_ASSERT_EQUAL(mf_reader_open("traces/no-such-trace.dat", &r, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "traces/no-such-trace.dat: No such file or directory");
}

/*
 * Truncated copies of the bundled traces.  A cut in the headers must be rejected; a cut
 * in the CPU data may be rejected or read up to the cut, but never crash or hang.
 */
static void test_truncated(void)
{
	size_t t, c;

	for (t = 0; t < sizeof(traces) / sizeof(traces[0]); t++) {
		char path[256], *data;
		long size;
		FILE *f;

		f = fopen(traces[t], "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		data = malloc(size);
		CU_ASSERT_PTR_NOT_NULL_FATAL(data);
		CU_ASSERT_EQUAL_FATAL(fread(data, 1, size, f), (size_t)size);
		fclose(f);

		long cuts[] = { 5, 16, 100, 4096, 100000, size / 2, size - 4096, size - 100,
				size - 1 };

		for (c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
			struct mf_reader *r;
			char err[512];
			int ret;

			if (cuts[c] <= 0 || cuts[c] >= size)
				continue;
			snprintf(path, sizeof(path), "%s/cut-%zu-%ld.dat", tmpdir, t, cuts[c]);
			write_file(path, data, cuts[c]);
			if (cuts[c] <= 100000) {
				expect_reject(path);
				continue;
			}
			ret = mf_reader_open(path, &r, err, sizeof(err));
			if (ret < 0) {
				CU_ASSERT(!strncmp(err, path, strlen(path)));
				CU_ASSERT_PTR_NULL(strchr(err, '\n'));
			} else {
				struct run run;

				read_all(r, &run);
				CU_ASSERT(run.ret <= 0);
				CU_ASSERT_EQUAL(run.nr_bad_ts, 0);
				mf_reader_close(r);
			}
		}
		free(data);
	}
}

/*
 * Older formats, made by renaming fields in a copy of the v6 trace (v6 keeps the formats
 * uncompressed; a same-length rename keeps the file valid):
 *  - mm_page_alloc without 'pfn': counted by name, decoded as MF_EV_OTHER, one warning;
 *  - mm_page_alloc_zone_locked without 'percpu_refill': decoded, a[0] = -1.
 */
static char *patch_in_block(char *data, long size, const char *block, const char *from,
			    const char *to)
{
	char *b = memmem(data, size, block, strlen(block)), *end, *f;

	if (!b)
		return NULL;
	end = memmem(b + 1, size - (b + 1 - data), "name: ", 6);
	if (!end)
		end = data + size;
	f = memmem(b, end - b, from, strlen(from));
	if (f)
		memcpy(f, to, strlen(to));
	return f;
}

static void test_old_formats(void)
{
	char path[256], *data, err[512];
	struct mf_reader *r;
	struct mf_event ev;
	uint64_t allocs = 0, other_allocs = 0, locked = 0, refill_unknown = 0;
	const char *const *w;
	int nw = 0, alloc_warn = 0, ret;
	long size;
	FILE *f;

	f = fopen(traces[1], "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc(size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT_EQUAL_FATAL(fread(data, 1, size, f), (size_t)size);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(patch_in_block(data, size, "name: mm_page_alloc\n",
					      "unsigned long pfn;", "unsigned long pfX;"));
	CU_ASSERT_PTR_NOT_NULL(patch_in_block(data, size, "name: mm_page_alloc_zone_locked\n",
					      "int percpu_refill;", "int percpu_refilX;"));
	snprintf(path, sizeof(path), "%s/old-formats.dat", tmpdir);
	write_file(path, data, size);
	free(data);

	CU_ASSERT_EQUAL_FATAL(mf_reader_open(path, &r, err, sizeof(err)), 0);
	for (w = mf_reader_warnings(r); *w; w++, nw++)
		if (strstr(*w, "mm_page_alloc:") && strstr(*w, "'pfn'"))
			alloc_warn++;
	CU_ASSERT_EQUAL(nw, 1);
	CU_ASSERT_EQUAL(alloc_warn, 1);
	/* an event the reader cannot decode is not one the trace can be said to lack */
	CU_ASSERT_FALSE(mf_reader_event_types(r) >> MF_EV_PAGE_ALLOC & 1);
	CU_ASSERT(mf_reader_event_types(r) >> MF_EV_ZONE_LOCKED & 1);
	while ((ret = mf_reader_next(r, &ev)) > 0) {
		const char *name = mf_reader_event_name(r, ev.name_idx);

		if (!strcmp(name, "mm_page_alloc")) {
			allocs++;
			other_allocs += ev.type == MF_EV_OTHER;
		} else if (!strcmp(name, "mm_page_alloc_zone_locked")) {
			locked += ev.type == MF_EV_ZONE_LOCKED;
			refill_unknown += ev.zone_locked.percpu_refill == -1;
		}
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT(allocs > 0);
	CU_ASSERT_EQUAL(other_allocs, allocs);
	CU_ASSERT(locked > 0);
	CU_ASSERT_EQUAL(refill_unknown, locked);
	mf_reader_close(r);
}

/*
 * Lost events, made by flagging pages of a copy of the v6 trace the way the kernel does
 * (page header commit word, bit 31: events were lost before this page; bit 30: their
 * count is stored after the data): ev.missed, mf_reader_lost() and
 * mf_reader_lost_unknown() must agree with trace-cmd report's "EVENTS DROPPED" lines.
 */
static void test_lost_events(void)
{
	const uint64_t missing = 1ULL << 31, stored = 1ULL << 30, mask = (1ULL << 27) - 1;
	uint64_t commit, lost = 0, unknown = 0;
	char path[256], *data;
	long size, off;
	FILE *f;

	f = fopen(traces[1], "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc(size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT_EQUAL_FATAL(fread(data, 1, size, f), (size_t)size);
	fclose(f);
	/* the file ends with the last CPU's pages (4 KiB, 64-bit little-endian header) */
	CU_ASSERT_EQUAL_FATAL(size % 4096, 0);

	off = size - 4096;			/* 1234 events lost, count stored */
	memcpy(&commit, data + off + 8, 8);
	CU_ASSERT_FATAL((commit & mask) + 16 + 8 <= 4096);
	{
		uint64_t n = 1234;

		memcpy(data + off + 16 + (commit & mask), &n, 8);
	}
	commit |= missing | stored;
	memcpy(data + off + 8, &commit, 8);

	off = size - 3 * 4096;			/* an unknown number lost */
	memcpy(&commit, data + off + 8, 8);
	commit |= missing;
	memcpy(data + off + 8, &commit, 8);

	snprintf(path, sizeof(path), "%s/lost.dat", tmpdir);
	write_file(path, data, size);
	free(data);
	check_trace(path, &lost, &unknown);
	CU_ASSERT_EQUAL(lost, 1234);
	CU_ASSERT_EQUAL(unknown, 1);
}

void test_reader_register(void)
{
	CU_pSuite s = CU_add_suite("reader", NULL, NULL);
	CU_pSuite b = CU_add_suite("reader-bad-input", bad_init, bad_cleanup);

	CU_add_test(s, "compact-small.dat (v7 zstd) counts = trace-cmd report", test_compact_small);
	CU_add_test(s, "pagecache-small.dat (v6) counts = trace-cmd report", test_pagecache_small);
	CU_add_test(s, "segmented reading gives the same stream", test_segments);
	CU_add_test(s, "decoded fields in range", test_fields);
	CU_add_test(b, "missing, empty, text, random, header-only files", test_bad_files);
	CU_add_test(b, "missing file message", test_missing_message);
	CU_add_test(b, "truncated traces", test_truncated);
	CU_add_test(b, "older formats: no pfn, no percpu_refill", test_old_formats);
	CU_add_test(b, "lost events = trace-cmd report's", test_lost_events);
}
