// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag compare: two results (or traces, replayed first) side by side, and thresholds
 * for CI: exit 3 when one is crossed.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mmfrag/cmds.h"
#include "mmfrag/common.h"
#include "mmfrag/compare.h"
#include "mmfrag/output-html.h"

#define MAX_THRESHOLDS	64

struct compare_opts {
	const char		*file[2];
	int			nr_files;
	bool			json, quiet, html;
	const char		*output;	/* --html: the page's file, default stdout */
	struct mf_cmp_view	view;
	int			nr_thresholds;
	struct mf_threshold	t[MAX_THRESHOLDS];
};

static const struct argp_option compare_options[] = {
	{ "fail-if", 'f', "EXPR", 0, "exit 3 when EXPR holds: METRIC[.delta|.relative] then >, <, "
	  ">= or <= and a number; repeatable", 0 },
	{ "json", 'j', NULL, 0, "print the comparison as JSON (mmfrag-compare/1)", 0 },
	{ "zone", 'z', "NAME", 0, "only this zone's metrics (DMA, DMA32, Normal, ...)", 0 },
	{ "orders", 'r', "LO[-HI]", 0, "per-order metrics of these orders, or 'all' (default: 0, 3, "
	  "the pageblock order and the highest; all in JSON)", 0 },
	{ "html", 'H', NULL, 0, "one self-contained HTML page: both runs' charts and memory maps "
	  "side by side, and every metric with its delta", 0 },
	{ "output", 'o', "FILE", 0, "with --html: write the page to FILE instead of stdout", 0 },
	{ "quiet", 'q', NULL, 0, "no table, no threshold lines on stderr (--json still prints)", 0 },
	{ 0 }
};

static int parse_orders(const char *arg, struct mf_cmp_view *v)
{
	int lo, hi, n;
	char tail;

	if (!strcmp(arg, "all")) {
		lo = 0;
		hi = MF_MAX_ORDERS - 1;
	} else {
		n = sscanf(arg, "%d%c", &lo, &tail);
		if (n == 1)
			hi = lo;
		else if (sscanf(arg, "%d-%d%c", &lo, &hi, &tail) != 2)
			return -1;
		if (lo < 0 || hi < lo || hi >= MF_MAX_ORDERS)
			return -1;
	}
	v->orders_given = true;
	v->order_lo = lo;
	v->order_hi = hi;
	return 0;
}

static error_t compare_parse(int key, char *arg, struct argp_state *state)
{
	struct compare_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		mf_argp_quiet(state);
		break;
	case 'f':
		if (o->nr_thresholds == MAX_THRESHOLDS)
			return mf_usage_error("compare", "--fail-if: at most %d thresholds",
					      MAX_THRESHOLDS);
		if (mf_threshold_parse(arg, &o->t[o->nr_thresholds]))
			return mf_usage_error("compare", "--fail-if: '%s' is not METRIC>VALUE "
					      "(or <, >=, <=) with a known metric name", arg);
		o->nr_thresholds++;
		break;
	case 'j':
		o->json = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'H':
		o->html = true;
		break;
	case 'o':
		o->output = arg;
		break;
	case 'z':
		o->view.zone = arg;
		break;
	case 'r':
		if (parse_orders(arg, &o->view))
			return mf_usage_error("compare", "--orders: '%s' is not an order, a range LO-HI or 'all'", arg);
		break;
	case ARGP_KEY_ARG:
		if (o->nr_files == 2)
			return mf_usage_error("compare", "two files, A and B");
		o->file[o->nr_files++] = arg;
		break;
	case ARGP_KEY_END:
		if (o->nr_files != 2)
			return mf_usage_error("compare", "two files are needed, A and B");
		if (o->html && o->json)
			return mf_usage_error("compare", "--html or --json, not both");
		if (o->output && !o->html)
			return mf_usage_error("compare", "--output goes with --html");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp compare_argp = {
	.options = compare_options,
	.parser = compare_parse,
	.args_doc = "A[#NAME] B[#NAME]",
	.doc = "Compare the key metrics of two results saved by 'mmfrag replay', or of two "
	       "trace.dat files (replayed first, nothing saved).  FILE#NAME is the simulation "
	       "NAME of a saved result, or a trace replayed with --simulate under the config "
	       "NAME (KEY=VALUE,... or default)."
	       "\vExit status: 0 ok, 1 runtime error, 2 usage error, 3 a --fail-if threshold was "
	       "crossed. See mmfrag-compare(1).",
};

/*
 * Load and extract one side; false after one line on stderr naming the file.  FILE#NAME
 * (when FILE#NAME itself is no file) is the simulation NAME of FILE.
 */
/*
 * Load and extract one side; false after one line on stderr naming the file.  FILE#NAME
 * (when FILE#NAME itself is no file) is the simulation NAME of FILE.
 */
static bool load_side(const char *arg, struct mf_cmp_doc *d, json_t **doc, const char **simp)
{
	const char *hash = strrchr(arg, '#'), *sim = NULL;
	char *path = strdup(arg);
	char err[512];
	struct stat sb;
	int ret;

	if (!path) {
		mf_err("%s: %s", arg, strerror(ENOMEM));
		return false;
	}
	if (hash && hash[1] && stat(arg, &sb)) {
		path[hash - arg] = '\0';
		sim = hash + 1;
	}
	ret = mf_compare_load_doc(path, sim, d, doc, err, sizeof(err));
	if (ret)
		mf_err("%s", err);
	/* the page draws the named simulation of the document */
	*simp = sim;
	free(path);
	return !ret;
}

static bool zone_in_both(const struct mf_compare *c, const char *zone)
{
	int i;

	for (i = 0; i < c->nr_zones; i++)
		if (!strcasecmp(c->zones[i].name, zone))
			return true;
	return false;
}

/* Raw numbers, in the units thresholds are written in. */
static void report_threshold(const struct mf_compare *c, const struct mf_threshold *t)
{
	const struct mf_cmp_metric *m = &c->metrics[t->idx];

	if (!t->has_actual) {
		const char *why = "no check capture";

		if (t->field == MF_CMP_RELATIVE && m->has_a && m->has_b)
			why = "A is 0";
		else if (m->kind == MF_CMP_PERCENT)
			why = "no direct compaction stall";
		mf_warn("%s: not checked: %s", t->expr, why);
		return;
	}
	if (!t->crossed)
		return;
	if (t->field == MF_CMP_B)
		mf_err("threshold crossed: %s (B %g)", t->expr, t->actual);
	else
		mf_err("threshold crossed: %s (%s %+g: A %g, B %g)", t->expr,
		       t->field == MF_CMP_DELTA ? "delta" : "relative", t->actual, m->a, m->b);
}

int cmd_compare(int argc, char **argv)
{
	struct compare_opts *o;
	struct mf_cmp_doc *d;
	struct mf_compare c;
	json_t *doc[2] = { NULL, NULL };
	const char *sim[2] = { NULL, NULL };
	int ret = MF_EXIT_RUNTIME, i, err;
	bool crossed = false;

	o = calloc(1, sizeof(*o));
	d = calloc(2, sizeof(*d));
	if (!o || !d) {
		mf_err("compare: %s", strerror(ENOMEM));
		goto out_free;
	}
	if (argp_parse(&compare_argp, argc, argv, 0, NULL, o)) {
		ret = MF_EXIT_USAGE;
		goto out_free;
	}
	if (!load_side(o->file[0], &d[0], o->html ? &doc[0] : NULL, &sim[0]) ||
	    !load_side(o->file[1], &d[1], o->html ? &doc[1] : NULL, &sim[1]))
		goto out_free;
	if (mf_compare_build(&d[0], &d[1], &c)) {
		mf_err("compare: %s", strerror(ENOMEM));
		goto out_free;
	}
	if (o->view.zone && !zone_in_both(&c, o->view.zone)) {
		mf_err("%s, %s: no zone '%s' in both results", o->file[0], o->file[1], o->view.zone);
		goto out;
	}
	for (i = 0; i < o->nr_thresholds; i++) {
		err = mf_threshold_check(&c, &o->t[i]);
		if (err) {
			if (err == -EEXIST)
				mf_usage_error("compare", "--fail-if: '%s' names a zone on several nodes; prefix N<node>.", o->t[i].metric);
			else
				mf_usage_error("compare", "--fail-if: no metric '%s' in both results", o->t[i].metric);
			ret = MF_EXIT_USAGE;
			goto out;
		}
		crossed |= o->t[i].crossed;
	}

	if (o->html) {
		json_t *data = json_pack("{s:s, s:O, s:s?, s:s, s:O, s:s?, s:s, s:o}",
			"kind", "compare", "a", doc[0], "a_sim", sim[0], "a_name", o->file[0],
			"b", doc[1], "b_sim", sim[1], "b_name", o->file[1],
			"compare", mf_json_compare(&c, &o->view, o->file[0], o->file[1], o->t,
						   o->nr_thresholds));
		char title[512], msg[512];

		snprintf(title, sizeof(title), "%s vs %s", o->file[0], o->file[1]);
		if (!data) {
			mf_err("compare: %s", strerror(ENOMEM));
			goto out;
		}
		if (o->output && mf_html_save(o->output, title, data, msg, sizeof(msg))) {
			mf_err("%s", msg);
			json_decref(data);
			goto out;
		}
		err = !o->output && (mf_html_write(stdout, title, data) || fflush(stdout));
		json_decref(data);
	} else if (o->json) {
		err = mf_json_compare_print(stdout, &c, &o->view, o->file[0], o->file[1], o->t,
					    o->nr_thresholds) || fflush(stdout);
	} else {
		if (!o->quiet)
			mf_table_compare(stdout, &c, &o->view, o->file[0], o->file[1]);
		err = fflush(stdout) || ferror(stdout);
	}
	if (err) {
		mf_err("stdout: %s", strerror(errno ? errno : EIO));
		goto out;
	}
	for (i = 0; i < o->nr_thresholds && !o->quiet; i++)
		report_threshold(&c, &o->t[i]);
	ret = crossed ? MF_EXIT_THRESHOLD : MF_EXIT_OK;
out:
	mf_compare_free(&c);
out_free:
	json_decref(doc[0]);
	json_decref(doc[1]);
	free(d);
	free(o);
	return ret;
}
