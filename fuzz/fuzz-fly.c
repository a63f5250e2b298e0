// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag's own trace.dat reader without the libraries' format parsing: the input is a
 * trace.dat (v6, or v7 plain, zstd or zlib), read by flyrecord.c (mf_fly_open(), the
 * merged mf_fly_next_n() / mf_fly_next(), and per CPU mf_fly_read_cpu()), and every record
 * decoded by reader.c's decoders (reader_decode(), fields at the offsets resolved once
 * from the formats).
 *
 * The formats come from a fixture trace (fuzz/fixtures/fly-tep.dat), parsed once with
 * mf_fly_load_tep(), not from the input: mf_reader_open() parses the input's own formats
 * with libtraceevent, which took most of the trace harness's time (fuzz/README.md); the
 * trace harness covers that part.  A second copy of the formats is marked big-endian, so
 * that an input whose header says big-endian is read with byte swapping, not refused.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mmfrag/event.h"
#include "mmfrag/flyrecord.h"
#include "mmfrag/reader.h"
#include "trace/reader-local.h"

#ifndef FUZZ_FIXTURES
#error "FUZZ_FIXTURES: the directory of fly-tep.dat"
#endif

static struct tep_handle *tep_le, *tep_be;

/*
 * The decoders of each tep (a live reader: reader_setup_decoders() on the tep), made
 * anew every DEC_RUNS inputs: their setup took 14% of a run.  Between two setups they
 * keep what the inputs added (decoders of event ids the formats lack, the name table),
 * a state that each input run alone (make test's replay) starts without.
 */
#define DEC_RUNS	128
static struct dec {
	struct mf_live_reader	*lr;
	unsigned int		runs;
} decs[2];

static struct mf_reader *decoder(struct tep_handle *tep)
{
	struct dec *d = &decs[tep == tep_be];
	char err[512];

	if (d->lr && d->runs++ < DEC_RUNS)
		return mf_reader_live_reader(d->lr);
	mf_reader_close_live(d->lr);
	d->lr = NULL;
	d->runs = 0;
	/* mf_reader_open_live() frees the tep it is given: it gets a reference */
	tep_ref(tep);
	if (mf_reader_open_live(tep, &d->lr, err, sizeof(err)))
		return NULL;
	return mf_reader_live_reader(d->lr);
}

static struct tep_handle *load_tep(void)
{
	struct tep_handle *tep;
	char err[512];

	if (mf_fly_load_tep(FUZZ_FIXTURES "/fly-tep.dat", &tep, err, sizeof(err))) {
		fprintf(stderr, "fuzz-fly: %s\n", err);
		abort();
	}
	return tep;
}

/* The header's endianness byte (after the magic and the version string): the tep to use. */
static struct tep_handle *tep_for(const uint8_t *data, size_t size)
{
	const uint8_t *z = size > 10 ? memchr(data + 10, 0, size - 10) : NULL;

	return z && z + 1 < data + size && z[1] ? tep_be : tep_le;
}

/*
 * Decode one record as the reader's decoding thread does, and read every byte of it, so
 * that ASan sees a record that points outside its buffer.
 */
static unsigned int use_record(struct mf_reader *r, const struct mf_fly_record *fr)
{
	struct tep_record rec = {
		.ts = fr->ts,
		.cpu = fr->cpu,
		.data = (void *)fr->data,
		.size = (int)fr->size,
	};
	const unsigned char *p = fr->data;
	unsigned int sum = 0;
	struct mf_event ev;
	uint32_t i;

	for (i = 0; i < fr->size; i++)
		sum += p[i];
	if (r) {
		memset(&ev, 0, sizeof(ev));
		if (reader_decode(r, &rec, &ev) == 0 && ev.type == MF_EV_PRINT && ev.print.str)
			sum += (unsigned int)strlen(ev.print.str);
	}
	return sum;
}

/*
 * The merged stream, in batches of 1 .. 64 records (mf_fly_next() is a batch of 1).
 * Returns the file's number of buffer instances, or -1 when it cannot be opened.
 */
static int read_merged(const char *path, struct tep_handle *tep, int instance, int batch,
			unsigned long limit)
{
	struct mf_fly_record recs[64];
	struct mf_reader *r;
	uint64_t done, total;
	unsigned long n = 0;
	struct mf_fly *f;
	char err[512];
	int k, i, nr;

	if (mf_fly_open(path, tep, instance, &f, err, sizeof(err)))
		return -1;
	nr = mf_fly_nr_instances(f);
	r = decoder(tep);
	mf_fly_uname(f);
	mf_fly_nr_cpus(f);
	do {
		k = batch == 1 ? mf_fly_next(f, recs) : mf_fly_next_n(f, recs, batch);
		if (k < 0) {
			mf_fly_error(f);
			/* an error is given once, after the records before it: the end */
			k = mf_fly_next_n(f, recs, batch);
			if (k > 0)
				abort();
			break;
		}
		for (i = 0; i < k; i++)
			use_record(r, &recs[i]);
		mf_fly_progress(f, &done, &total);
		mf_fly_page_bytes(f);
		n += k;
		/* a zstd chunk of a few bytes may hold 64 MiB of pages: bounded by the input */
	} while (k > 0 && n < limit);
	if (r) {
		for (i = 0; i < mf_reader_nr_event_names(r); i++) {
			mf_reader_event_name(r, i);
			mf_reader_event_count(r, i);
		}
		mf_reader_warnings(r);
	}
	mf_fly_close(f);
	return nr;
}

/* Each CPU on its own (mf_fly_read_cpu(); not mixed with the merge on one reader). */
static void read_per_cpu(const char *path, struct tep_handle *tep, unsigned long limit)
{
	struct mf_fly_record rec;
	unsigned long n = 0;
	struct mf_fly *f;
	char err[512];
	int cpu, ret;

	if (mf_fly_open(path, tep, -1, &f, err, sizeof(err)))
		return;
	/* past the last CPU and below 0: no records */
	for (cpu = -1; cpu <= mf_fly_nr_cpus(f) && n < limit; cpu++) {
		while ((ret = mf_fly_read_cpu(f, cpu, &rec)) > 0 && n++ < limit)
			use_record(NULL, &rec);
		if (ret < 0)
			mf_fly_error(f);
	}
	mf_fly_close(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tep_handle *tep;
	unsigned long limit;
	char path[256];
	char *uname;
	int i, n, batch;

	if (!tep_le) {
		tep_le = load_tep();
		tep_be = load_tep();
		tep_set_file_bigendian(tep_be, TEP_BIG_ENDIAN);
	}
	tep = tep_for(data, size);
	snprintf(path, sizeof(path), "%s", fuzz_write("fly.dat", data, size));
	/*
	 * Every record takes at least 4 bytes of page, but a compressed chunk of a few bytes
	 * can hold up to MF_FLY_MAX_CHUNK of pages: stop after 64 times as many records as
	 * the input could hold uncompressed, so that a run stays short.
	 */
	limit = 16 * (unsigned long)size + 4096;
	/* the batch size of the merged read: from the input's last byte, 1 .. 64 */
	batch = size ? 1 + data[size - 1] % 64 : 1;

	/*
	 * The reader reads the UNAME option alone only for files left to libtracecmd; the
	 * layout walk is mf_fly_open()'s: one input in 8 (its last byte) is enough
	 */
	if (batch % 8 == 1 && !mf_fly_read_uname(path, &uname))
		free(uname);
	/* a run takes about 0.3 ms of CPU; one that takes seconds is a loop (fuzz.h) */
	fuzz_cpu_limit_arm(10000);
	n = read_merged(path, tep, -1, batch, limit);
	if (n >= 0)
		read_per_cpu(path, tep, limit);
	/* named buffer instances, as open_own() tries them; a few at most */
	for (i = 0; i < n && i < 4; i++)
		read_merged(path, tep, i, batch, limit);
	fuzz_cpu_limit_disarm();
	return 0;
}
