/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_COMMON_H
#define MMFRAG_COMMON_H

#include <stdint.h>
#include <stdio.h>

#define MF_MAX_ORDERS	16	/* NR_PAGE_ORDERS upper bound the model supports */
#define MF_MAX_MT	6	/* Unmovable Movable Reclaimable HighAtomic CMA Isolate */
#define MF_MAX_ZONES	32	/* across all nodes */

enum mf_mt {
	MF_MT_UNMOVABLE = 0,
	MF_MT_MOVABLE,
	MF_MT_RECLAIMABLE,
	MF_MT_HIGHATOMIC,	/* == MIGRATE_PCPTYPES */
	MF_MT_CMA,
	MF_MT_ISOLATE,
};
#define MF_MT_PCPTYPES	3

extern const char *const mf_mt_names[MF_MAX_MT];	/* as /proc/pagetypeinfo prints them */

/* exit statuses, chosen only by cmd_*() */
#define MF_EXIT_OK	0
#define MF_EXIT_RUNTIME	1
#define MF_EXIT_USAGE	2
#define MF_EXIT_THRESHOLD 3

/* diagnostics: "mmfrag: <msg>\n" on stderr */
void mf_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Usage errors are one line: "mmfrag CMD: problem; see 'mmfrag CMD --help'".  A
 * subcommand's argp parser calls mf_argp_quiet() at ARGP_KEY_INIT, so argp's own "Try
 * ... --help" line (after getopt's one line for an unknown option) goes nowhere, and
 * returns mf_usage_error() instead of calling argp_error().
 */
struct argp_state;
void mf_argp_quiet(struct argp_state *state);
int mf_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A whole decimal number in [lo, hi] into *out: 0, or -1 for anything else. */
int mf_parse_int(const char *s, long lo, long hi, int *out);
/* A plain decimal number of seconds in [0, hi] ("1.5", "2e3"; not nan, inf, "-0"): 0 or -1. */
int mf_parse_seconds(const char *s, double hi, double *out);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
