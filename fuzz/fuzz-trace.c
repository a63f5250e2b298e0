// SPDX-License-Identifier: GPL-2.0
/*
 * The trace reader (src/trace/reader*.c): the input is a trace.dat file, opened with
 * mf_reader_open() and read to its end with mf_reader_next().  libtracecmd and
 * libtraceevent parse the headers and formats inside mf_reader_open(); a crash there is
 * a library bug unless mmfrag could have refused the file first (see fuzz/README.md).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "mmfrag/event.h"
#include "mmfrag/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mf_reader *r;
	struct mf_event ev;
	char err[512], file[256];
	unsigned long n = 0;
	int i;

	snprintf(file, sizeof(file), "%s", fuzz_write("trace.dat", data, size));
	if (mf_reader_open(file, &r, err, sizeof(err)))
		return 0;
	/* a page of 4 KiB holds at most a few hundred records; the input bounds the count */
	while (mf_reader_next(r, &ev) > 0 && n++ < 4 * size + 1000)
		;
	for (i = 0; i < mf_reader_nr_event_names(r); i++) {
		mf_reader_event_name(r, i);
		mf_reader_event_system(r, i);
		mf_reader_event_count(r, i);
	}
	mf_reader_warnings(r);
	mf_reader_close(r);
	return 0;
}
