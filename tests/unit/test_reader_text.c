// SPDX-License-Identifier: GPL-2.0
/*
 * Text traces against their trace.dat: `trace-cmd report -t` (nanosecond times) of each
 * bundled trace must give the binary reader's event stream, event for event: type, name,
 * CPU, pid, time, lost-event marks and every field of the type's union member (gfp flags
 * turned back from their names, compaction results and zones from theirs, ...).
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "mmfrag/reader.h"
#include "unit.h"

static char tmpdir[] = "/tmp/mmfrag-unit-text.XXXXXX";

static int text_init(void)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int text_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void same_stream(const char *trace)
{
	struct mf_reader *b = NULL, *t = NULL;
	struct mf_event eb, et;
	char cmd[512], txt[256], err[512];
	unsigned long long n = 0, bad = 0;
	int rb, rt;

	snprintf(txt, sizeof(txt), "%s/report.txt", tmpdir);
	snprintf(cmd, sizeof(cmd), "trace-cmd report -t '%s' >'%s' 2>/dev/null", trace, txt);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	/*
	 * The default reader (the own one): its batch slots are zeroed before each event
	 * is decoded, so the union's bytes past the type's member compare too.
	 */
	rb = mf_reader_open(trace, &b, err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(rb, 0);
	if (mf_reader_open(txt, &t, err, sizeof(err))) {
		fprintf(stderr, "\n%s\n", err);
		mf_reader_close(b);
		CU_FAIL_FATAL("text trace does not open");
	}
	CU_ASSERT_STRING_EQUAL(mf_reader_info(t)->format, "trace-cmd report");
	CU_ASSERT_EQUAL(mf_reader_info(t)->nr_cpus, mf_reader_info(b)->nr_cpus);
	for (;;) {
		/* only the type's member is written: zero both so the rest compares equal */
		memset(&eb, 0, sizeof(eb));
		memset(&et, 0, sizeof(et));
		rb = mf_reader_next(b, &eb);
		rt = mf_reader_next(t, &et);
		if (rb != rt || rb <= 0)
			break;
		n++;
		if (eb.type != et.type || eb.cpu != et.cpu || eb.pid != et.pid || eb.ts != et.ts ||
		    eb.missed != et.missed ||
		    strcmp(mf_reader_event_name(b, eb.name_idx), mf_reader_event_name(t, et.name_idx)) ||
		    (eb.type == MF_EV_PRINT ? strcmp(eb.print.str, et.print.str) :
		     memcmp(&eb.alloc, &et.alloc,
			    offsetof(struct mf_event, cpu) - offsetof(struct mf_event, alloc)))) {
			if (!bad++)
				fprintf(stderr, "\n%s: event %llu (%s) differs in the text trace\n", trace, n,
					mf_reader_event_name(b, eb.name_idx));
		}
	}
	CU_ASSERT_EQUAL(rb, 0);
	CU_ASSERT_EQUAL(rt, 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(n > 10000);
	CU_ASSERT_EQUAL(mf_reader_unknown_lines(t), 0);
	CU_ASSERT_PTR_NULL(mf_reader_warnings(t)[0]);
	mf_reader_close(b);
	mf_reader_close(t);
}

static void test_compact(void)
{
	same_stream("traces/compact-small.dat");
}

static void test_pagecache(void)
{
	same_stream("traces/pagecache-small.dat");
}

void test_reader_text_register(void)
{
	CU_pSuite s = CU_add_suite("reader-text", text_init, text_cleanup);

	CU_add_test(s, "compact-small: report text gives the trace.dat's stream", test_compact);
	CU_add_test(s, "pagecache-small: report text gives the trace.dat's stream", test_pagecache);
}
