// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag replay: glue between the reader, the model, the observer, the metrics and the
 * result document.  One pass over the trace: start and check captures are applied when
 * the stream reaches their time (an option, or the capture's own trace marker).
 */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mmfrag/cmds.h"
#include "mmfrag/common.h"
#include "mmfrag/metrics.h"
#include "mmfrag/model.h"
#include "mmfrag/observe.h"
#include "mmfrag/output-html.h"
#include "mmfrag/output-result.h"
#include "mmfrag/reader.h"
#include "mmfrag/replay.h"
#include "mmfrag/result.h"
#include "mmfrag/sim.h"
#include "mmfrag/sim-config.h"
#include "mmfrag/state.h"

enum {
	OPT_FROM_STATE = 0x100,
	OPT_FROM_TIME,
	OPT_CHECK_STATE,
	OPT_CHECK_TIME,
	OPT_INTERVAL,
	OPT_MAX_ORDER,
	OPT_PAGEBLOCK_ORDER,
	OPT_NO_STATE,
	OPT_SIMULATE,
	OPT_CONFIG,
	OPT_HTML,
	OPT_REANCHOR,
};

#define MAX_CONFIGS	16

/* argp's input: the options and the simulate configs they build */
struct replay_args {
	struct mf_replay_opts	o;
	bool			simulate;
	const char		*html;		/* --html FILE: the page too */
	int			nr_configs;
	struct mf_sim_config	configs[MAX_CONFIGS];
};

static const struct argp_option replay_options[] = {
	{ "output", 'o', "FILE", 0, "save the result document to FILE (default ./mmfrag.json; "
	  "with --json, only when given)", 0 },
	{ "json", 'j', NULL, 0, "print the result document on stdout instead of a summary", 0 },
	{ "quiet", 'q', NULL, 0, "print nothing on success (the result is still saved)", 0 },
	{ "html", OPT_HTML, "FILE", 0, "also write the result as one self-contained HTML page "
	  "(as mmfrag report --html)", 0 },
	{ "from-state", OPT_FROM_STATE, "DIR", 0,
	  "start from the capture in DIR (buddyinfo, zoneinfo, pagetypeinfo, kpageflags[.zst])", 1 },
	{ "from-time", OPT_FROM_TIME, "TS", 0,
	  "trace time (seconds, as trace-cmd report prints it) of the start capture", 1 },
	{ "check-state", OPT_CHECK_STATE, "DIR", 0, "compare the model with the capture in DIR", 1 },
	{ "check-time", OPT_CHECK_TIME, "TS", 0, "trace time of the check capture", 1 },
	{ "no-state", OPT_NO_STATE, NULL, 0,
	  "ignore the captures beside the trace (FILE.state/start, end, NNNN)", 1 },
	{ "reanchor", OPT_REANCHOR, NULL, 0,
	  "after checking the model at a capture with kpageflags, reset it to that capture", 1 },
	{ "interval", OPT_INTERVAL, "SECONDS", 0, "add a time series point every SECONDS", 2 },
	{ "max-order", OPT_MAX_ORDER, "N", 0, "MAX_PAGE_ORDER of the traced kernel (default: the capture's, else 10)", 3 },
	{ "pageblock-order", OPT_PAGEBLOCK_ORDER, "N", 0,
	  "pageblock_order of the traced kernel (default: the capture's, else 9)", 3 },
	{ "simulate", OPT_SIMULATE, NULL, 0,
	  "also replay the trace's workload through the model's own allocator and compaction", 4 },
	{ "config", OPT_CONFIG, "KEY=VALUE,...", 0,
	  "with --simulate: one simulated kernel config (repeatable, up to 16, one pass); "
	  "the keys are below", 4 },
	{ 0 }
};

static int parse_seconds(const char *s, uint64_t *ns)
{
	double v;

	if (mf_parse_seconds(s, 1e10, &v))
		return -1;
	*ns = (uint64_t)(v * 1e9 + 0.5);
	return 0;
}

static error_t replay_parse(int key, char *arg, struct argp_state *state)
{
	struct replay_args *ra = state->input;
	struct mf_replay_opts *o = &ra->o;
	char err[256];
	int i;

	switch (key) {
	case ARGP_KEY_INIT:
		mf_argp_quiet(state);
		break;
	case 'o':
		o->output = arg;
		break;
	case 'j':
		o->json = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case OPT_HTML:
		ra->html = arg;
		break;
	case OPT_FROM_STATE:
		o->from_state = arg;
		break;
	case OPT_FROM_TIME:
		if (parse_seconds(arg, &o->from_ts))
			return mf_usage_error("replay", "--from-time: '%s' is not a trace time in seconds", arg);
		o->has_from_ts = true;
		break;
	case OPT_CHECK_STATE:
		o->check_state = arg;
		break;
	case OPT_CHECK_TIME:
		if (parse_seconds(arg, &o->check_ts))
			return mf_usage_error("replay", "--check-time: '%s' is not a trace time in seconds", arg);
		o->has_check_ts = true;
		break;
	case OPT_REANCHOR:
		o->reanchor = true;
		break;
	case OPT_NO_STATE:
		o->no_state = true;
		break;
	case OPT_INTERVAL:
		if (parse_seconds(arg, &o->interval_ns) || o->interval_ns < 1000000)
			return mf_usage_error("replay", "--interval: '%s' is not a number of seconds >= 0.001", arg);
		break;
	case OPT_MAX_ORDER:
		if (mf_parse_int(arg, 1, MF_MAX_ORDERS - 2, &o->max_order))
			return mf_usage_error("replay", "--max-order: '%s' is not an order from 1 to %d", arg,
				   MF_MAX_ORDERS - 2);
		break;
	case OPT_PAGEBLOCK_ORDER:
		if (mf_parse_int(arg, 1, MF_MAX_ORDERS - 2, &o->pageblock_order))
			return mf_usage_error("replay", "--pageblock-order: '%s' is not an order", arg);
		break;
	case OPT_SIMULATE:
		ra->simulate = true;
		break;
	case OPT_CONFIG:
		if (ra->nr_configs == MAX_CONFIGS)
			return mf_usage_error("replay", "--config: at most %d configs", MAX_CONFIGS);
		mf_sim_config_default(&ra->configs[ra->nr_configs]);
		if (mf_sim_config_parse(&ra->configs[ra->nr_configs], arg, err, sizeof(err)))
			return mf_usage_error("replay", "--config: %s", err);
		/* refused before the trace is read: such a model cannot fit in memory here */
		if (ra->configs[ra->nr_configs].memory / 4096 > mf_model_max_pfns())
			return mf_usage_error("replay", "--config: memory=%llu MiB needs a model of "
					      "%llu MiB, more than this machine has (%llu MiB)",
					      (unsigned long long)(ra->configs[ra->nr_configs].memory >> 20),
					      (unsigned long long)(ra->configs[ra->nr_configs].memory /
								   4096 / (1 << 20) * MF_MODEL_BYTES_PER_PFN),
					      (unsigned long long)(mf_model_max_pfns() / (1 << 20) *
								   MF_MODEL_BYTES_PER_PFN));
		for (i = 0; i < ra->nr_configs; i++)
			if (!strcmp(ra->configs[i].name, ra->configs[ra->nr_configs].name))
				return mf_usage_error("replay", "--config: two configs named '%s' (add name=...)",
						      ra->configs[i].name);
		ra->nr_configs++;
		break;
	case ARGP_KEY_ARG:
		if (o->trace)
			return mf_usage_error("replay", "one trace file at a time ('%s' and '%s')", o->trace, arg);
		o->trace = arg;
		break;
	case ARGP_KEY_END:
		if (!o->trace && !o->trace_optional)
			return mf_usage_error("replay", "a trace file is required");
		if (o->has_from_ts && !o->from_state)
			return mf_usage_error("replay", "--from-time goes with --from-state");
		if (o->has_check_ts && !o->check_state)
			return mf_usage_error("replay", "--check-time goes with --check-state");
		if (o->max_order && o->pageblock_order > o->max_order)
			return mf_usage_error("replay", "--pageblock-order is above --max-order");
		if (ra->nr_configs && !ra->simulate)
			return mf_usage_error("replay", "--config goes with --simulate");
		if (ra->simulate && !ra->nr_configs)
			mf_sim_config_default(&ra->configs[ra->nr_configs++]);
		o->nr_configs = ra->nr_configs;
		o->configs = ra->configs;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* "  KEY=ARG   text", text wrapped within 78 columns from column 29, as argp's options */
static void put_key(FILE *f, const char *key, const char *text)
{
	const char *w = text, *e;
	int col;

	col = fprintf(f, "  %-26s", key);
	if (col > 28) {
		fprintf(f, "\n%28s", "");
		col = 28;
	}
	while (*w) {
		e = strchr(w, ' ');
		if (!e)
			e = w + strlen(w);
		if (col + 1 + (e - w) > 78) {
			fprintf(f, "\n%28s", "");
			col = 28;
		}
		col += fprintf(f, " %.*s", (int)(e - w), w);
		w = *e ? e + 1 : e;
	}
	fputc('\n', f);
}

/* After the options: the --config keys, from the simulator's table. */
static char *replay_help_filter(int key, const char *text, void *input)
{
	const struct mf_sim_knob *k;
	char *s = NULL, arg[64], line[512];
	size_t len;
	FILE *f;

	if (key != ARGP_KEY_HELP_POST_DOC || !(f = open_memstream(&s, &len)))
		return (char *)text;
	fprintf(f, "Keys of --config KEY=VALUE,... (unknown or repeated keys are usage errors):\n");
	for (k = mf_sim_knobs; k->name; k++) {
		snprintf(arg, sizeof(arg), "%s=%s", k->name, mf_sim_knob_arg(k));
		mf_sim_knob_describe(k, line + snprintf(line, sizeof(line) / 2, "%s; ", k->help),
				     sizeof(line) / 2);
		put_key(f, arg, line);
	}
	fprintf(f, "\n%s", text);
	if (fclose(f))
		return (char *)text;
	return s;
}

static const struct argp replay_argp = {
	.options = replay_options,
	.parser = replay_parse,
	.args_doc = "FILE",
	.doc = "Replay a trace.dat (trace-cmd v6 or v7, compressed or not), or a text trace "
	       "(cat trace_pipe or trace-cmd report output, plain or zstd/gzip/xz), through the "
	       "buddy-allocator model and save the result document."
	       "\vCaptures beside the trace (FILE.state/ or FILE without .dat + .state/: "
	       "start/, end/, NNNN/) are used unless given otherwise or --no-state. "
	       "Without a start state the model knows only what the trace frees and "
	       "allocates. Exit status: 0 ok, 1 runtime error (unreadable trace, bad capture), "
	       "2 usage error. See mmfrag-replay(1).",
	.help_filter = replay_help_filter,
};

/* ---- the progress line ---------------------------------------------------------------- */

#define PROGRESS_AFTER_S	2.0	/* shorter replays print nothing */
#define PROGRESS_EVERY_S	0.25

struct progress {
	const char	*trace;
	double		start, last;
	bool		shown;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* "\rTRACE: 42.0%  21.3M events/s  ETA 7s", redrawn in place on the terminal. */
static void show_progress(const struct mf_replay_progress *p, void *arg)
{
	struct progress *pr = arg;
	double t = now_s(), el = t - pr->start;
	double rate = el > 0 ? p->events / el / 1e6 : 0;

	if (el < PROGRESS_AFTER_S || t - pr->last < PROGRESS_EVERY_S)
		return;
	pr->last = t;
	pr->shown = true;
	if (p->total && p->done && p->done <= p->total)
		fprintf(stderr, "\r\033[K%s: %.1f%%  %.1fM events/s  ETA %.0fs", pr->trace,
			100.0 * p->done / p->total, rate, el * (p->total - p->done) / p->done);
	else
		fprintf(stderr, "\r\033[K%s: %.1fM events  %.1fM events/s", pr->trace,
			p->events / 1e6, rate);
	fflush(stderr);
}

int cmd_replay(int argc, char **argv)
{
	struct progress pr = { 0 };
	static struct replay_args ra;
	struct mf_replay_opts o;
	struct mf_result *r;
	char err[512];
	int ret;

	memset(&ra, 0, sizeof(ra));
	if (argp_parse(&replay_argp, argc, argv, 0, NULL, &ra))
		return MF_EXIT_USAGE;
	o = ra.o;
	/* --json prints the document; it saves it too only when -o asks for it */
	if (!o.output && !o.json)
		o.output = "mmfrag.json";
	/* "-o -": the document on stdout, so no summary beside it */
	if (o.output && !strcmp(o.output, "-"))
		o.json = true;

	/* only for a person watching: a terminal, and no -q */
	if (!o.quiet && isatty(STDERR_FILENO)) {
		pr.trace = o.trace;
		pr.start = pr.last = now_s();
		o.progress = show_progress;
		o.progress_arg = &pr;
	}
	ret = mf_replay_run(&o, &r, err, sizeof(err));
	if (pr.shown)
		fputs("\r\033[K", stderr);	/* the line goes: what follows starts clean */
	if (ret) {
		mf_err("%s", err);
		return MF_EXIT_RUNTIME;
	}
	ret = mf_result_emit(r, o.output, o.json ? stdout : NULL, err, sizeof(err));
	if (!ret && ra.html) {
		json_t *data = json_pack("{s:s, s:o}", "kind", "report", "doc", mf_result_json(r));

		if (!data)
			snprintf(err, sizeof(err), "%s: cannot build the result document", o.trace);
		ret = data ? mf_html_save(ra.html, o.trace, data, err, sizeof(err)) : -ENOMEM;
		json_decref(data);
	}
	if (ret)
		mf_err("%s", err);
	if (!ret && !o.json && !o.quiet)
		mf_result_print_summary(r, stdout, o.output);
	mf_result_free(r);
	return ret ? MF_EXIT_RUNTIME : MF_EXIT_OK;
}
