// SPDX-License-Identifier: GPL-2.0
/*
 * Result documents as `report` and `compare` load them (src/output/result-load.c): the
 * input is the file.  Every report renderer (JSON, all table sections with the per-type
 * rows, CSV, HTML) runs on what loads, then compare's extraction of the observed run and
 * of a simulation, the comparison of the document with itself and its renderers.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fuzz.h"
#include "mmfrag/common.h"
#include "mmfrag/compare.h"
#include "mmfrag/output-html.h"
#include "mmfrag/output-result.h"
#include "mmfrag/replay.h"

static void compare_self(const char *path, const char *sim)
{
	struct mf_cmp_view v = { .zone = NULL };
	struct mf_compare c = { 0 };
	struct mf_threshold t;
	struct mf_cmp_doc d;
	json_t *doc = NULL;
	char err[512];

	if (mf_compare_load_doc(path, sim, &d, &doc, err, sizeof(err)))
		return;
	if (!mf_compare_build(&d, &d, &c)) {
		mf_table_compare(fuzz_sink(), &c, &v, path, path);
		v.orders_given = true;
		v.order_lo = 0;
		v.order_hi = MF_MAX_ORDERS - 1;
		if (!mf_threshold_parse("Normal.score.delta > 1", &t))
			mf_threshold_check(&c, &t);
		mf_json_compare_print(fuzz_sink(), &c, &v, path, path, NULL, 0);
		mf_compare_free(&c);
	}
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mf_table_opts t = { .sections = MF_SEC_ALL, .order_lo = 0,
				   .order_hi = MF_MAX_ORDERS - 1 };
	const char *path;
	char file[256], err[512];
	json_t *doc;

	/* a trace would be replayed: that is the trace harness's input, not this one's */
	if (size >= 3 && !memcmp(data, "\027\010\104", 3))
		return 0;
	path = fuzz_write("result.json", data, size);
	snprintf(file, sizeof(file), "%s", path);

	mf_result_report(fuzz_sink(), file, true, &t, err, sizeof(err));
	mf_result_report(fuzz_sink(), file, false, &t, err, sizeof(err));
	t.zone = "Normal";
	t.order_lo = 2;
	t.order_hi = 9;
	mf_result_report(fuzz_sink(), file, false, &t, err, sizeof(err));
	doc = mf_result_load(file, err, sizeof(err));
	if (doc) {
		mf_csv_result(fuzz_sink(), doc);
		/*
		 * the page embeds Chart.js (200 KB) whatever the document: one input in 8, by
		 * its last byte so that a crasher replays, keeps the rate up
		 */
		if (!(data[size - 1] & 7))
			mf_html_write(fuzz_sink(), "fuzz", doc);
		json_decref(doc);
	}
	compare_self(file, NULL);
	compare_self(file, "a");
	return 0;
}
