// SPDX-License-Identifier: GPL-2.0
/*
 * Result documents as `report` and `compare` load them (src/output/result-load.c): the
 * input is the file.  Every report renderer (JSON, all table sections with the per-type
 * rows, CSV, HTML) runs on what loads, then compare's extraction of the observed run and
 * of a simulation, the comparison of the document with itself and its renderers.
 *
 * The document is loaded and checked once per run and every renderer takes that parsed
 * document, as report and compare do after their own load: loading it once for each of
 * them (six times) made a run cost 6.5 ms of CPU, most of it in jansson and the schema
 * check repeating the same work.  One input in eight (by a hash of its bytes: a crasher
 * replays, and the mutations that keep a document valid, most of them inside its strings
 * and numbers, reach both paths; a rule on its size did not) also goes through the entry points that take the file, mf_result_report() and
 * mf_compare_load_doc(), for their own lines (the zone check, the messages naming a
 * missing simulation).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fuzz.h"
#include "mmfrag/common.h"
#include "mmfrag/compare.h"
#include "mmfrag/output.h"
#include "mmfrag/output-html.h"
#include "mmfrag/output-result.h"
#include "mmfrag/replay.h"

static void compare_self(json_t *doc, const struct mf_cmp_doc *d, const char *name)
{
	struct mf_cmp_view v = { .zone = NULL };
	struct mf_compare c = { 0 };
	struct mf_threshold t;

	if (!mf_compare_build(d, d, &c)) {
		mf_table_compare(fuzz_sink(), &c, &v, name, name);
		v.orders_given = true;
		v.order_lo = 0;
		v.order_hi = MF_MAX_ORDERS - 1;
		if (!mf_threshold_parse("Normal.score.delta > 1", &t))
			mf_threshold_check(&c, &t);
		mf_json_compare_print(fuzz_sink(), &c, &v, name, name, NULL, 0);
		mf_compare_free(&c);
	}
}

/*
 * The same through the entry points that take the file (each loads it again), for their
 * own lines: mf_result_report()'s zone check, mf_compare_load_doc()'s messages.
 */
static void by_path(const char *file)
{
	struct mf_table_opts t = { .sections = MF_SEC_ALL, .order_lo = 0,
				   .order_hi = MF_MAX_ORDERS - 1 };
	struct mf_cmp_doc d;
	json_t *doc = NULL;
	char err[512];

	mf_result_report(fuzz_sink(), file, true, &t, err, sizeof(err));
	t.zone = "Normal";
	mf_result_report(fuzz_sink(), file, false, &t, err, sizeof(err));
	if (!mf_compare_load_doc(file, NULL, &d, &doc, err, sizeof(err)))
		json_decref(doc);
	doc = NULL;
	if (!mf_compare_load_doc(file, "a", &d, &doc, err, sizeof(err)))
		json_decref(doc);
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mf_table_opts t = { .sections = MF_SEC_ALL, .order_lo = 0,
				   .order_hi = MF_MAX_ORDERS - 1 };
	struct mf_cmp_doc obs, sim;
	const char *missing = NULL;
	char file[256], err[512];
	json_t *doc = NULL;

	/* a trace.dat would be replayed: that is the trace harness's input, not this one's */
	if (!size || (size >= 3 && !memcmp(data, "\027\010\104", 3)))
		return 0;
	snprintf(file, sizeof(file), "%s", fuzz_write("result.json", data, size));
	/*
	 * nor a text trace, which report and compare replay too (mf_result_load_sim()): the
	 * text harness's input.  Mutated documents that became text traces took over a
	 * long run (50 executions/s instead of 600): its 971-input corpus ran in 6.9 s of
	 * CPU with them replayed, 2.3 s without.
	 */
	if (mf_is_trace_file(file))
		return 0;
	if (!(fnv1a(data, size) >> 29))	/* the top bits: the low ones mix poorly */
		by_path(file);

	doc = mf_result_load(file, err, sizeof(err));
	if (!doc)
		return 0;
	/* report --json, report, report -z Normal -r 2-9 (mf_result_report()) */
	mf_json_dump(doc, fuzz_sink());
	mf_table_result(fuzz_sink(), doc, &t);
	t.zone = "Normal";
	t.order_lo = 2;
	t.order_hi = 9;
	if (mf_result_has_zone(doc, t.zone))
		mf_table_result(fuzz_sink(), doc, &t);
	mf_csv_result(fuzz_sink(), doc);
	/*
	 * the page embeds Chart.js (200 KB) whatever the document: one input in 8, by its
	 * last byte, keeps the rate up
	 */
	if (!(data[size - 1] & 7))
		mf_html_write(fuzz_sink(), "fuzz", doc);
	/* compare A A, observed and the simulation named "a", as mf_compare_load_doc() */
	if (!mf_compare_extract(doc, NULL, &obs, &missing))
		compare_self(doc, &obs, file);
	if (!mf_compare_extract(doc, "a", &sim, &missing))
		compare_self(doc, &sim, file);
	json_decref(doc);
	return 0;
}
