/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_COMMON_H
#define MMFRAG_COMMON_H

#include <stdint.h>
#include <stdio.h>

#define MF_MAX_ORDERS	16	/* NR_PAGE_ORDERS upper bound the model supports */
#define MF_MAX_MT	6	/* Unmovable Movable Reclaimable HighAtomic CMA Isolate */
#define MF_MAX_ZONES	32	/* across all nodes */
#define MF_MAX_PCP_CPUS	64	/* per-CPU pageset figures kept per CPU (the rest summed) */

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

/*
 * Errors, the one convention of every layer:
 *
 * - Only cmd_*() (src/cmd/) and main.c print diagnostics (mf_err(), mf_warn()) and pick the
 *   exit status.  Nothing below them prints, to stdout or stderr, or exits: src/trace/,
 *   src/model/, src/metrics/, src/sim/, src/replay/ and src/output/ (whose renderers write
 *   the data they are given to the FILE * they are given, and nothing else).
 *   tests/cli/layers.sh fails when a file there calls mf_err(), mf_warn(), perror() or
 *   exit(), or names stderr.  A long job's progress line is a callback the cmd_*() caller
 *   supplies (struct mf_replay_opts' progress).
 * - A function that can fail returns 0 (or a count, or a pointer) on success and -errno on
 *   failure (never -1, never a positive errno, never 0 when errno happened to be 0: use EIO).
 *   Constructors return NULL, with errno set, only when ENOMEM is the one possible failure.
 * - When the caller must tell the user something, the function takes "char *err, size_t
 *   errlen" (last) and fills it with one line on every failure: lower case, naming the file
 *   or object first, then the problem (strerror() text), and how to fix it when we know.
 *   The caller prints it as is: mf_err("%s", err).  An object that outlives one call may
 *   keep its last error instead (mf_reader_error()).
 * - Warnings that are not failures go to a "char *warn, size_t warnlen" buffer, one
 *   message per line, or stay in the object (mf_reader_warnings()) or the result (struct
 *   mf_result's warnings); the cmd_*() caller prints each with mf_warn().
 * - The model (src/model/, src/sim/) is plain C on events: it counts contradictions as
 *   repairs (struct mf_fidelity) instead of failing, and never prints or allocates behind
 *   the caller's back.
 */

/* diagnostics: "mmfrag: <msg>\n" on stderr; for cmd_*() and main.c only (see above) */
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

/*
 * The page frames a model may describe on this machine.  A model keeps up to about
 * MF_MODEL_BYTES_PER_PFN bytes per frame (the observe model some 2.3: two bytes and two
 * bits per pfn, its pageblock index; a simulation's model about 14), so a zone layout
 * beyond this would not fit in the machine's RAM: refused before allocating (a capture's
 * zoneinfo, memory=SIZE) or never grown to (the trace's pfns).  Twice this machine's RAM
 * stays well inside.
 */
#define MF_MODEL_BYTES_PER_PFN	16
uint64_t mf_model_max_pfns(void);

/* A whole decimal number in [lo, hi] into *out: 0, or -1 for anything else. */
int mf_parse_int(const char *s, long lo, long hi, int *out);
/* A plain decimal number of seconds in [0, hi] ("1.5", "2e3"; not nan, inf, "-0"): 0 or -1. */
int mf_parse_seconds(const char *s, double hi, double *out);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
