// SPDX-License-Identifier: GPL-2.0
/*
 * fly-bench: read every record of a trace.dat, with our flyrecord reader or with
 * libtracecmd, and nothing else (no decoding, no model).
 *
 *   fly-bench [-t|-n] FILE   -t: libtracecmd (tracecmd_read_data() per CPU, merged)
 *                            -n: our reader on formats from mf_fly_load_tep() (no
 *                                libtracecmd at all) instead of tracecmd_open()
 *
 * Prints records, seconds (CPU time; open = tracecmd_open()), records/s, missed events and a checksum
 * on stdout; the checksum
 * (sum of ts, size and first data word) must be the same for both readers.
 * Build: see bench/reader.sh.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#include "mmfrag/flyrecord.h"

/* CPU time of this process: the machine is shared, wall time is not ours alone */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t ts, uint32_t size, const void *data)
{
	uint32_t w = 0;

	if (size >= 4)
		memcpy(&w, data, 4);
	return ts + size + w;
}

int main(int argc, char **argv)
{
	uint64_t n = 0, missed = 0, sum = 0;
	struct tracecmd_input *h = NULL;
	struct tep_handle *tep = NULL;
	int tcmd = 0, own_tep = 0, opt, ret = 0;
	char err[512];
	double t0, t1, to;

	while ((opt = getopt(argc, argv, "tn")) != -1) {
		if (opt == 't')
			tcmd = 1;
		else if (opt == 'n')
			own_tep = 1;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: fly-bench [-t] FILE\n");
		return 2;
	}
	tracecmd_set_loglevel(TEP_LOG_NONE);
	t0 = now();
	if (own_tep) {
		if (mf_fly_load_tep(argv[optind], &tep, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	} else {
		h = tracecmd_open(argv[optind], TRACECMD_FL_LOAD_NO_PLUGINS);
		if (!h) {
			fprintf(stderr, "%s: tracecmd_open failed\n", argv[optind]);
			return 1;
		}
		tep = tracecmd_get_tep(h);
	}
	to = now();
	if (tcmd) {
		int ncpu = tep_get_cpus(tracecmd_get_tep(h)), i, best;
		struct tep_record **head = calloc(ncpu, sizeof(*head));

		for (i = 0; i < ncpu; i++)
			head[i] = tracecmd_read_data(h, i);
		for (;;) {
			best = -1;
			for (i = 0; i < ncpu; i++)
				if (head[i] && (best < 0 || head[i]->ts < head[best]->ts))
					best = i;
			if (best < 0)
				break;
			n++;
			missed += head[best]->missed_events > 0 ? head[best]->missed_events : 0;
			sum += mix(head[best]->ts, head[best]->size, head[best]->data);
			tracecmd_free_record(head[best]);
			head[best] = tracecmd_read_data(h, best);
		}
		free(head);
	} else {
		struct mf_fly_record rec;
		struct mf_fly *f;

		if (mf_fly_open(argv[optind], tep, -1, &f, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		while ((ret = mf_fly_next(f, &rec)) > 0) {
			n++;
			missed += rec.missed > 0 ? rec.missed : 0;
			sum += mix(rec.ts, rec.size, rec.data);
		}
		if (ret < 0)
			fprintf(stderr, "%s (after %llu records)\n", mf_fly_error(f),
				(unsigned long long)n);
		mf_fly_close(f);
	}
	t1 = now();
	if (h)
		tracecmd_close(h);
	else
		tep_free(tep);
	printf("records %llu seconds %.3f open %.3f records/s %.0f (reading alone %.0f) missed %llu "
	       "checksum %llx\n", (unsigned long long)n, t1 - t0, to - t0, n / (t1 - t0),
	       n / (t1 - to), (unsigned long long)missed, (unsigned long long)sum);
	return ret < 0;
}
