/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_REPLAY_H
#define MMFRAG_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include "result.h"
#include "sim.h"

/*
 * How far a replay has got: events handed to the model so far, and file bytes of the
 * trace's CPU data read of all (both 0 when the reader cannot tell).
 */
struct mf_replay_progress {
	uint64_t	events;
	uint64_t	done, total;
};

/* What a replay needs to know; shared by replay, report (given a trace) and compare. */
struct mf_replay_opts {
	const char	*trace;
	const char	*output;
	bool		json, quiet;
	bool		trace_optional;		/* report: the file may be a saved result */
	const char	*from_state;
	bool		has_from_ts;
	uint64_t	from_ts;
	const char	*check_state;
	bool		has_check_ts;
	uint64_t	check_ts;
	uint64_t	interval_ns;
	bool		reanchor;		/* reset the model at each later capture with kpageflags */
	bool		no_state;		/* don't look for FILE.state/ captures */
	int		max_order;		/* 0: default */
	int		pageblock_order;	/* 0: from the capture, else 9 */
	int		nr_configs;		/* simulate mode: one simulator per config */
	const struct mf_sim_config *configs;
	/* called every MF_REPLAY_PROGRESS_EVENTS events when set (cmd-replay.c's line) */
	void		(*progress)(const struct mf_replay_progress *p, void *arg);
	void		*progress_arg;
};

#define MF_REPLAY_PROGRESS_EVENTS	(1U << 18)

/*
 * Run the replay: reader -> model + observer -> metrics -> *out.  Returns 0, or -errno
 * with one line in err naming the file and the problem.  Warnings (lost events, markers
 * not found) are the result's (struct mf_result's warnings), for the caller to print.
 */
int mf_replay_run(const struct mf_replay_opts *o, struct mf_result **out, char *err,
		  size_t errlen);
void mf_result_free(struct mf_result *r);

/*
 * The observe model of a live machine (mmfrag top), reusing replay's start: a model laid
 * out as st's zones (zoneinfo spans, buddyinfo orders, pagetypeinfo's pageblock order),
 * then seeded as replay seeds from its start capture: free blocks from st's kpageflags,
 * pageblock types guessed from the pages in use.  mf_replay_seed_model() clears the
 * model first, so it also re-anchors a model that drifted; it returns 0, -ENOENT without
 * kpageflags, or -errno, with @err; @blocks gets the number of free blocks seeded.
 */
struct mf_state;
struct mf_model;
struct mf_model *mf_replay_model_new(const struct mf_state *st, int nr_cpus, char *err,
				     size_t errlen);
int mf_replay_seed_model(struct mf_model *m, const struct mf_state *st, uint64_t *blocks,
			 char *err, size_t errlen);

/* Whether path starts with trace-cmd's magic bytes (a trace.dat, not a result document). */
bool mf_is_trace_file(const char *path);

/*
 * The result document of path: a trace.dat is replayed first, in memory, as 'mmfrag
 * replay FILE' would without options; anything else must be a saved result of schema
 * MF_RESULT_SCHEMA.  NULL with one line in err naming the file.
 */
struct json_t;
struct json_t *mf_result_load(const char *path, char *err, size_t errlen);
/*
 * The same, for compare's "FILE#NAME": a trace is replayed with --simulate under the
 * config NAME (KEY=VALUE,... or "default"); a saved result is loaded as it is and NAME
 * names one of its simulations.  config may be NULL (mf_result_load()).
 */
struct json_t *mf_result_load_sim(const char *path, const char *config, char *err,
				  size_t errlen);

#endif
