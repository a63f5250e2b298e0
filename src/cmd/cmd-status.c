// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag status: fragmentation state of the live machine (/proc) or of a capture directory,
 * from buddyinfo (and zoneinfo, pagetypeinfo when readable).  Works without root:
 * /proc/pagetypeinfo is mode 0400 and is then simply left out.
 */

#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mmfrag/cmds.h"
#include "mmfrag/common.h"
#include "mmfrag/output.h"
#include "mmfrag/report.h"
#include "mmfrag/state.h"

enum status_format { FMT_TABLE, FMT_JSON, FMT_EXTFRAG, FMT_UNUSABLE };

static const char *const format_names[] = {
	[FMT_TABLE] = "table", [FMT_JSON] = "json",
	[FMT_EXTFRAG] = "extfrag_index", [FMT_UNUSABLE] = "unusable_index",
};

struct status_opts {
	const char		*dir;
	enum status_format	format;
	const char		*zone;
	int			node;		/* -1: all */
	int			hpage_order;	/* -1: pageblock order if known, else 9 */
};

enum { OPT_HPAGE_ORDER = 0x100 };

static const struct argp_option status_options[] = {
	{ "proc", 'p', "DIR", 0, "read buddyinfo, zoneinfo, pagetypeinfo from DIR (default "
	  "/proc); files may be NAME.zst", 0 },
	{ "json", 'j', NULL, 0, "same as --format json", 0 },
	{ "format", 'f', "FORMAT", 0, "table (default), json, extfrag_index or unusable_index "
	  "(the last two byte-identical to /sys/kernel/debug/extfrag/*)", 0 },
	{ "zone", 'z', "NAME", 0, "only zones named NAME (DMA, DMA32, Normal, ...)", 0 },
	{ "node", 'n', "N", 0, "only zones of node N", 0 },
	{ "hpage-order", OPT_HPAGE_ORDER, "ORDER", 0, "order of the fragmentation score "
	  "(COMPACTION_HPAGE_ORDER; default: the pageblock order if known, else 9)", 0 },
	{ 0 }
};

static error_t status_parse(int key, char *arg, struct argp_state *state)
{
	struct status_opts *o = state->input;
	size_t i;

	switch (key) {
	case ARGP_KEY_INIT:
		/*
		 * getopt has already printed its one line for an unknown option; argp's
		 * "Try ... --help" that follows goes to err_stream, which is dropped so
		 * that every usage error is a single line.
		 */
		mf_argp_quiet(state);
		break;
	case 'p':
		o->dir = arg;
		break;
	case 'j':
		o->format = FMT_JSON;
		break;
	case 'f':
		for (i = 0; i < ARRAY_SIZE(format_names); i++)
			if (!strcmp(arg, format_names[i]))
				break;
		if (i == ARRAY_SIZE(format_names))
			return mf_usage_error("status", "--format: '%s' is not table, json, extfrag_index or "
					   "unusable_index", arg);
		o->format = (enum status_format)i;
		break;
	case 'z':
		o->zone = arg;
		break;
	case 'n':
		if (mf_parse_int(arg, 0, 1 << 20, &o->node))
			return mf_usage_error("status", "--node: '%s' is not a node number", arg);
		break;
	case OPT_HPAGE_ORDER:
		if (mf_parse_int(arg, 0, MF_MAX_ORDERS - 1, &o->hpage_order))
			return mf_usage_error("status", "--hpage-order: '%s' is not an order (0-%d)", arg,
					   MF_MAX_ORDERS - 1);
		break;
	case ARGP_KEY_ARG:
		return mf_usage_error("status", "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp status_argp = {
	.options = status_options,
	.parser = status_parse,
	.doc = "Fragmentation state of the live machine or of a capture directory: free blocks "
	       "per order, the kernel's unusable and extfrag indices, the proactive compaction "
	       "score, and per-migratetype counts when pagetypeinfo is readable."
	       "\vExit status: 0 ok, 1 runtime error, 2 usage error. See mmfrag-status(1).",
};

static bool zone_wanted(const struct status_opts *o, const struct mf_zone_report *z)
{
	if (o->zone && strcasecmp(o->zone, z->name))
		return false;
	return o->node < 0 || o->node == z->node;
}

static int render(const struct status_opts *o, const struct mf_state *st,
		  const struct mf_zone_report *z, int n)
{
	int ret = 0;

	switch (o->format) {
	case FMT_TABLE:
		printf("%s: %d zone%s", st->dir, n, n == 1 ? "" : "s");
		if (st->pageblock_order >= 0)
			printf(", pageblock order %d", st->pageblock_order);
		if (!st->has_pagetypeinfo)
			printf(", no pagetypeinfo (root only)");
		printf("\n");
		/* the tables print the status document, the one --json prints */
		ret = mf_status_print(stdout, z, n, st->dir, st->pageblock_order, false);
		break;
	case FMT_JSON:
		ret = mf_status_print(stdout, z, n, st->dir, st->pageblock_order, true);
		break;
	case FMT_EXTFRAG:
		mf_text_extfrag_index(stdout, z, n);
		break;
	case FMT_UNUSABLE:
		mf_text_unusable_index(stdout, z, n);
		break;
	}
	if (fflush(stdout) || ferror(stdout))
		ret = -1;
	return ret;
}

int cmd_status(int argc, char **argv)
{
	struct status_opts o = { .dir = "/proc", .format = FMT_TABLE, .node = -1,
				 .hpage_order = -1 };
	struct mf_zone_report *z = NULL;
	struct mf_state *st = NULL;
	char err[512], **args;
	int i, n, kept, ret = MF_EXIT_RUNTIME, hpage_order;

	/* messages say "mmfrag status: ...", not "status: ..." */
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args) {
		mf_err("status: %s", strerror(ENOMEM));
		return MF_EXIT_RUNTIME;
	}
	memcpy(args, argv, (size_t)argc * sizeof(*args));
	args[0] = "mmfrag status";
	ret = argp_parse(&status_argp, argc, args, 0, NULL, &o);
	free(args);
	if (ret)
		return MF_EXIT_USAGE;
	ret = MF_EXIT_RUNTIME;

	st = calloc(1, sizeof(*st));
	z = calloc(MF_MAX_ZONES, sizeof(*z));
	if (!st || !z) {
		mf_err("status: %s", strerror(ENOMEM));
		goto out;
	}
	if (mf_state_load(st, o.dir, err, sizeof(err))) {
		mf_err("%s", err);
		goto out;
	}
	hpage_order = o.hpage_order >= 0 ? o.hpage_order :
		      st->pageblock_order >= 0 ? st->pageblock_order : COMPACTION_HPAGE_ORDER;
	n = mf_state_reports(st, z, hpage_order);

	/* filter after the node scores were summed over every zone of the node */
	for (i = 0, kept = 0; i < n; i++)
		if (zone_wanted(&o, &z[i]))
			z[kept++] = z[i];
	if (!kept) {
		char want[64] = "";

		if (o.node >= 0)
			snprintf(want, sizeof(want), "node %d", o.node);
		mf_err("%s: no zone%s%s%s%s in buddyinfo", o.dir, o.zone ? " " : "",
		       o.zone ? o.zone : "", want[0] ? " of " : "", want);
		goto out;
	}
	if (render(&o, st, z, kept)) {
		mf_err("stdout: %s", strerror(errno ? errno : EIO));
		goto out;
	}
	ret = MF_EXIT_OK;
out:
	free(z);
	free(st);
	return ret;
}
