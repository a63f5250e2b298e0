// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag report: present a saved result (like perf report after perf record).  Given a
 * trace.dat instead, replay it first, without saving anything.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/cmds.h"
#include "mmfrag/common.h"
#include "mmfrag/outfile.h"
#include "mmfrag/output-html.h"
#include "mmfrag/output-result.h"
#include "mmfrag/replay.h"

enum report_format { FMT_TABLE, FMT_JSON, FMT_HTML, FMT_CSV };

struct report_opts {
	const char		*file;
	const char		*output;
	enum report_format	format;
	struct mf_table_opts	t;
	bool			sections_given;
};

static const struct argp_option report_options[] = {
	{ "json", 'j', NULL, 0, "print the result document instead of tables (--format json)", 0 },
	{ "html", 'H', NULL, 0, "one self-contained HTML page with charts and the memory map "
	  "(--format html)", 0 },
	{ "csv", 'C', NULL, 0, "the time series and per-order tables as CSV (--format csv)", 0 },
	{ "format", 'F', "FMT", 0, "table, json, html or csv", 0 },
	{ "output", 'o', "FILE", 0, "write to FILE instead of stdout (whole or not at all)", 0 },
	{ "section", 's', "LIST", 0, "sections to show, comma-separated: summary, zones, types, "
	  "drift, events, fallbacks, compaction, simulations, series, fidelity, all (default: all but "
	  "types)", 0 },
	{ "zone", 'z', "NAME", 0, "only this zone (DMA, DMA32, Normal, ...)", 0 },
	{ "orders", 'r', "LO[-HI]", 0, "only these orders in per-order rows", 0 },
	{ 0 }
};

static int parse_sections(const char *arg, unsigned int *out)
{
	static const struct { const char *name; unsigned int bit; } names[] = {
		{ "summary", MF_SEC_SUMMARY }, { "zones", MF_SEC_ZONES },
		{ "types", MF_SEC_TYPES | MF_SEC_ZONES }, { "drift", MF_SEC_DRIFT },
		{ "events", MF_SEC_EVENTS },
		{ "fallbacks", MF_SEC_FALLBACKS }, { "compaction", MF_SEC_COMPACTION },
		{ "series", MF_SEC_SERIES }, { "fidelity", MF_SEC_FIDELITY },
		{ "simulations", MF_SEC_SIMULATIONS },
		{ "all", MF_SEC_ALL },
	};
	char *copy = strdup(arg), *tok, *save = NULL;
	unsigned int bits = 0;
	size_t i;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i == ARRAY_SIZE(names)) {
			free(copy);
			return -1;
		}
		bits |= names[i].bit;
	}
	free(copy);
	*out = bits;
	return bits ? 0 : -1;
}

static error_t report_parse(int key, char *arg, struct argp_state *state)
{
	struct report_opts *o = state->input;
	int lo, hi, n;

	switch (key) {
	case ARGP_KEY_INIT:
		mf_argp_quiet(state);
		break;
	case 'j':
		o->format = FMT_JSON;
		break;
	case 'H':
		o->format = FMT_HTML;
		break;
	case 'C':
		o->format = FMT_CSV;
		break;
	case 'F': {
		static const char *const names[] = { "table", "json", "html", "csv" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcmp(arg, names[i]))
				break;
		if (i == ARRAY_SIZE(names))
			return mf_usage_error("report", "--format: '%s' is not table, json, html or csv", arg);
		o->format = (enum report_format)i;
		break;
	}
	case 'o':
		o->output = arg;
		break;
	case 's':
		if (parse_sections(arg, &o->t.sections))
			return mf_usage_error("report", "--section: '%s' is not a list of sections", arg);
		o->sections_given = true;
		break;
	case 'z':
		o->t.zone = arg;
		break;
	case 'r': {
		char tail;

		n = sscanf(arg, "%d%c", &lo, &tail);
		if (n == 1) {
			hi = lo;
		} else {
			n = sscanf(arg, "%d-%d%c", &lo, &hi, &tail);
			n = n == 2 ? 2 : 0;
		}
		if (n < 1 || lo < 0 || hi < lo || hi >= MF_MAX_ORDERS)
			return mf_usage_error("report", "--orders: '%s' is not an order or a range LO-HI", arg);
		o->t.order_lo = lo;
		o->t.order_hi = hi;
		break;
	}
	case ARGP_KEY_ARG:
		if (o->file)
			return mf_usage_error("report", "one file at a time");
		o->file = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp report_argp = {
	.options = report_options,
	.parser = report_parse,
	.args_doc = "[FILE]",
	.doc = "Present a result saved by 'mmfrag replay' (default ./mmfrag.json), or replay a "
	       "trace.dat first."
	       "\vExit status: 0 ok, 1 runtime error, 2 usage error. See mmfrag-report(1).",
};

/* The page or the CSV of one result document, into o->output (stdout by default). */
static int report_file(const struct report_opts *o)
{
	struct mf_outfile of;
	json_t *doc, *data;
	char err[512];
	int ret;

	doc = mf_result_load(o->file, err, sizeof(err));
	if (!doc) {
		mf_err("%s", err);
		return MF_EXIT_RUNTIME;
	}
	if (!o->output) {
		if (o->format == FMT_HTML) {
			data = json_pack("{s:s, s:o}", "kind", "report", "doc", doc);
			ret = !data || mf_html_write(stdout, o->file, data);
			json_decref(data);
		} else {
			ret = mf_csv_result(stdout, doc);
			json_decref(doc);
		}
		if (ret || fflush(stdout)) {
			mf_err("stdout: %s", strerror(errno ? errno : EIO));
			return MF_EXIT_RUNTIME;
		}
		return MF_EXIT_OK;
	}
	if (o->format == FMT_HTML) {
		data = json_pack("{s:s, s:o}", "kind", "report", "doc", doc);
		if (!data)
			snprintf(err, sizeof(err), "%s: cannot build the page: %s", o->file,
				 strerror(ENOMEM));
		ret = data ? mf_html_save(o->output, o->file, data, err, sizeof(err)) : -ENOMEM;
		json_decref(data);
		if (ret)
			mf_err("%s", err);
		return ret ? MF_EXIT_RUNTIME : MF_EXIT_OK;
	}
	if (mf_outfile_open(&of, o->output, err, sizeof(err))) {
		mf_err("%s", err);
		json_decref(doc);
		return MF_EXIT_RUNTIME;
	}
	if (mf_csv_result(of.f, doc))
		of.error = errno ? errno : EIO;
	json_decref(doc);
	if (mf_outfile_commit(&of, err, sizeof(err))) {
		mf_err("%s", err);
		return MF_EXIT_RUNTIME;
	}
	return MF_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o = { .t = { .order_lo = 0, .order_hi = MF_MAX_ORDERS - 1 } };
	struct mf_outfile of;
	char err[512];
	int ret;

	if (argp_parse(&report_argp, argc, argv, 0, NULL, &o))
		return MF_EXIT_USAGE;
	if (!o.file)
		o.file = "mmfrag.json";
	if (!o.sections_given)
		o.t.sections = MF_SEC_ALL & ~MF_SEC_TYPES;
	if (o.format == FMT_HTML || o.format == FMT_CSV)
		return report_file(&o);
	if (!o.output) {
		ret = mf_result_report(stdout, o.file, o.format == FMT_JSON, &o.t, err, sizeof(err));
		if (ret == -EINVAL)
			mf_err("%s", err);
		if (ret == -ENOENT) {
			mf_err("%s: no zone '%s' in the result", o.file, o.t.zone);
			return MF_EXIT_RUNTIME;
		}
		if (ret == -EIO || (!ret && fflush(stdout))) {
			mf_err("stdout: %s", strerror(errno ? errno : EIO));
			return MF_EXIT_RUNTIME;
		}
		return ret ? MF_EXIT_RUNTIME : MF_EXIT_OK;
	}

	if (mf_outfile_open(&of, o.output, err, sizeof(err))) {
		mf_err("%s", err);
		return MF_EXIT_RUNTIME;
	}
	ret = mf_result_report(of.f, o.file, o.format == FMT_JSON, &o.t, err, sizeof(err));
	if (ret == -ENOENT) {
		mf_outfile_abort(&of);
		mf_err("%s: no zone '%s' in the result", o.file, o.t.zone);
		return MF_EXIT_RUNTIME;
	}
	if (ret == -EIO)
		of.error = errno ? errno : EIO;
	else if (ret) {
		mf_outfile_abort(&of);
		mf_err("%s", err);
		return MF_EXIT_RUNTIME;
	}
	if (mf_outfile_commit(&of, err, sizeof(err))) {
		mf_err("%s", err);
		return MF_EXIT_RUNTIME;
	}
	return MF_EXIT_OK;
}
