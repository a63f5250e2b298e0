/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_RESULT_H
#define MMFRAG_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include "model.h"
#include "observe.h"
#include "pageblocks.h"
#include "report.h"
#include "sim.h"

/*
 * Everything one replay produces, filled by cmd-replay.c from the reader, the model, the
 * observer and the metrics, and turned into the result document by out-json-result.c.
 * Schema: "mmfrag-replay/1" (man mmfrag-replay, RESULT DOCUMENT).
 */
#define MF_RESULT_SCHEMA "mmfrag-replay/1"

struct mf_event_count {
	char		name[64];
	char		system[32];
	uint64_t	count;
};

/* One point of the --interval time series (and of periodic checks). */
struct mf_series_zone {
	int		node;
	char		name[16];
	uint64_t	nr_free[MF_MAX_ORDERS];
	int		unusable_index[MF_MAX_ORDERS];
	int		extfrag_index[MF_MAX_ORDERS];
	unsigned int	fragmentation_score;
	uint64_t	pcp_pages;	/* on the per-CPU lists: not in nr_free */
};

/* One simulation at one point of the series. */
struct mf_series_sim {
	struct mf_cp_outcome	direct;		/* cumulative */
	uint64_t		failures;	/* allocation failures so far */
	int			nr_zones;
	struct mf_series_zone	*zones;
};

struct mf_series_point {
	uint64_t		ts;		/* ns, trace time */
	uint64_t		events;		/* events read so far */
	uint64_t		lost;
	struct mf_cp_outcome	direct;		/* cumulative direct compaction outcome */
	uint64_t		runs_kcompactd;	/* cumulative kcompactd and proactive runs */
	uint64_t		runs_proactive;
	uint64_t		fallbacks;
	int			nr_zones;
	struct mf_series_zone	zones[MF_MAX_ZONES];
	int			nr_sims;	/* simulate mode: one per simulation, in order */
	struct mf_series_sim	*sims;
};

/* The model against one capture: the drift series (start, periodic captures, end). */
struct mf_check_point {
	char		name[32];		/* the capture's name: start, 0001, ..., end */
	uint64_t	ts;			/* ns */
	int		nr_zones;
	struct {
		int	node;
		char	name[16];
		double	free_blocks_error;
		bool	has_pcp;	/* the capture's zoneinfo has the pagesets */
		uint64_t model_pcp_pages, kernel_pcp_pages;
		uint64_t reporting_blocks;	/* a free page reporting batch caught: counted free */
	} zones[MF_MAX_ZONES];
	bool		reanchored;		/* --reanchor: the model reset to it, after the check */
	bool		after_lost;		/* events were lost since the capture before */
};

/*
 * Events the ring buffer dropped on one CPU (records' missed_events), one entry per CPU
 * and stretch between two captures: from the CPU's last event before its first loss to its
 * first event after its last loss in that stretch.
 */
struct mf_lost_interval {
	int		cpu;
	uint64_t	from_ts, to_ts;		/* ns */
	uint64_t	events;			/* known amounts, summed */
	uint64_t	unknown;		/* losses of unknown amount */
	char		next_capture[32];	/* the first capture after to_ts; "" none */
	char		reanchored_at[32];	/* the first re-anchoring after it; "" none */
};

/* One simulate-mode run: its config, its end state and its counters. */
struct mf_sim_result {
	struct mf_sim_config	config;
	const char		*zones_from;		/* "capture" or "memory" */
	int			max_order, pageblock_order;
	bool			mobility_disabled;	/* page_group_by_mobility_disabled */
	int			nr_zones;
	struct mf_zone_report	zones[MF_MAX_ZONES];
	uint64_t		wmark[MF_MAX_ZONES][3];
	struct mf_sim_stats	stats;
	struct mf_pb_map	*pageblocks;		/* the memory map, owned */
	int			nr_limits;		/* mf_sim_limits(): what it could not model */
	char			limits[12][MF_SIM_LIMIT_LEN];
};

struct mf_vmstat_delta {
	char		name[48];
	int64_t		delta;
};

struct mf_result {
	/* the trace */
	const char		*trace_path;
	const char		*format;	/* "trace.dat", "trace_pipe", "trace-cmd report" */
	int			file_version;	/* 0: a text trace */
	uint64_t		unknown_lines;	/* text traces: lines not understood */
	const char		*compression;
	const char		*uname;
	int			nr_cpus;
	uint64_t		first_ts, last_ts;
	uint64_t		nr_events;
	int			nr_event_counts;
	struct mf_event_count	*event_counts;
	uint64_t		lost_events, lost_unknown;
	uint64_t		*lost_per_cpu;		/* nr_cpus entries */
	int			nr_lost_intervals;
	struct mf_lost_interval	*lost_intervals;

	/* the model */
	struct mf_model_params	params;
	const char		*zones_from;		/* "capture" or "learned" */
	int			nr_zones;
	struct mf_zone_report	zones[MF_MAX_ZONES];
	struct mf_fidelity	fidelity;
	uint64_t		events_before_start;	/* not applied: before the start state */
	/*
	 * The start capture's scan window (its begin to its end marker): events applied over
	 * a seed that may already show them, and the repairs they caused, counted apart
	 * from fidelity.
	 */
	uint64_t		start_window_events;
	struct mf_fidelity	start_window_fidelity;

	/* start and check captures */
	const char		*start_dir;
	uint64_t		start_ts;
	const char		*start_aligned_by;	/* "marker", "option", "trace-start" */
	uint64_t		seeded_blocks, seeded_pages;
	const char		*check_dir;
	uint64_t		check_ts;
	const char		*check_aligned_by;	/* "marker", "option", "trace-end" */
	bool			reanchor;		/* --reanchor given */
	uint64_t		nr_reanchored;		/* captures the model was reset to */

	struct mf_observed	observed;
	int			nr_vmstat;
	struct mf_vmstat_delta	vmstat[16];		/* compact_* deltas between the captures */

	int			nr_series;
	struct mf_series_point	*series;

	int			nr_checks;
	struct mf_check_point	*checks;

	int			nr_sims;
	struct mf_sim_result	*sims;

	struct mf_pb_map	*pageblocks;		/* the memory map, owned (pageblocks.h) */

	int			nr_warnings;
	char			**warnings;
	char			*owned[3];	/* strings the result points to (found capture dirs) */
};

#endif
