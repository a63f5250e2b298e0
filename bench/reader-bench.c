// SPDX-License-Identifier: GPL-2.0
/*
 * reader-bench: time the trace reader alone.
 *
 *   reader-bench [-d] [-s MB] FILE
 *
 * Prints events, seconds, events/s and peak RSS (VmHWM) on stderr.  -d dumps one line per
 * event on stdout ("sec.nsec cpu name pid type pfn order mt") for comparison with
 * `trace-cmd report`.  -s sets the reader's reopen segment (MB, 0 = never).
 *
 * Build: cc -O2 -std=gnu11 -Iinclude bench/reader-bench.c src/trace/reader.c src/trace/reader-open.c \
 *	$(pkg-config --cflags --libs libtracecmd libtraceevent) -o reader-bench
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mmfrag/reader.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static long vm_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	struct mf_reader *r;
	struct mf_event ev;
	long long seg = -1;
	uint64_t n = 0, sum = 0;
	char err[512];
	double t0, t1, t2;
	int dump = 0, opt, ret, i;

	while ((opt = getopt(argc, argv, "ds:")) != -1) {
		switch (opt) {
		case 'd': dump = 1; break;
		case 's': seg = atoll(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: reader-bench [-d] [-s MB] FILE\n");
		return 2;
	}
	t0 = now();
	if (mf_reader_open(argv[optind], &r, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (seg >= 0)
		mf_reader_set_segment(r, (uint64_t)seg << 20);
	t1 = now();
	while ((ret = mf_reader_next(r, &ev)) > 0) {
		n++;
		sum += ev.page.pfn + ev.page.order + ev.alloc.gfp;	/* not meaningful, just read */
		if (dump)
			printf("%llu.%09llu %d %s %d %d %llx %d %d%s%s\n",
			       (unsigned long long)(ev.ts / 1000000000),
			       (unsigned long long)(ev.ts % 1000000000), ev.cpu,
			       mf_reader_event_name(r, ev.name_idx), ev.pid, ev.type,
			       (unsigned long long)ev.page.pfn, ev.page.order, ev.page.mt,
			       ev.type == MF_EV_PRINT ? " " : "",
			       ev.type == MF_EV_PRINT ? ev.print.str : "");
	}
	t2 = now();
	if (ret < 0)
		fprintf(stderr, "error: %s\n", mf_reader_error(r));
	fprintf(stderr, "%s: v%d %s, %d cpus: %llu events, open %.3f s, read %.3f s, "
		"%.2f M events/s (read), %.2f M events/s (with open), reopens %u, "
		"peak RSS %ld kB (checksum %llx)\n",
		argv[optind], mf_reader_info(r)->file_version, mf_reader_info(r)->compression,
		mf_reader_info(r)->nr_cpus, (unsigned long long)n, t1 - t0, t2 - t1,
		n / (t2 - t1) / 1e6, n / (t2 - t0) / 1e6, mf_reader_nr_reopens(r),
		vm_kb("VmHWM:"), (unsigned long long)sum);
	for (i = 0; i < mf_reader_nr_event_names(r); i++)
		fprintf(stderr, "  %-40s %llu\n", mf_reader_event_name(r, i),
			(unsigned long long)mf_reader_event_count(r, i));
	for (const char *const *w = mf_reader_warnings(r); *w; w++)
		fprintf(stderr, "  warning: %s\n", *w);
	mf_reader_close(r);
	return ret < 0;
}
