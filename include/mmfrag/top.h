/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_TOP_H
#define MMFRAG_TOP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "common.h"
#include "metrics.h"

/*
 * mmfrag top: the live pipeline (src/replay/live.c) and what it hands the renderers
 * (src/output/out-top.c) once per interval.
 *
 * The pipeline streams the events of its own tracefs instance (the recorder's live mode)
 * through the live reader into the observe model and the observer, seeded at the start
 * from a kpageflags scan of the running machine, as replay seeds from a start capture.
 * Each frame reads the kernel's own counters over the same window (/proc/vmstat) and its
 * buddyinfo, which the model's free lists are checked against: past the drift threshold
 * the model is seeded again from a fresh kpageflags scan (re-anchored).
 */

#define MF_TOP_SCHEMA	"mmfrag-top/1"

enum mf_top_sort {
	MF_TOP_SORT_STALL,	/* direct compaction stalls */
	MF_TOP_SORT_TIME,	/* total stall time */
	MF_TOP_SORT_FALLBACK,	/* fallbacks to another migratetype */
	MF_TOP_SORT_FRAG,	/* fragmenting fallbacks */
	MF_TOP_SORT_POLLUTED,	/* pageblocks polluted */
	MF_TOP_SORT_PID,
	MF_TOP_NR_SORT
};

extern const char *const mf_top_sort_names[MF_TOP_NR_SORT];

struct mf_top_opts {
	size_t		buffer_kib;	/* per-CPU ring buffer */
	double		drift_threshold;	/* re-anchor above this (0: never) */
	bool		no_seed;	/* skip the kpageflags scans (tests of the counters only) */
};

struct mf_top_cp {
	uint64_t	stall, success, fail;
};

struct mf_top_zone {
	int			node;
	char			name[16];
	struct mf_zone_metrics	m;			/* the model's free lists and indices */
	uint64_t		kernel_nr_free[MF_MAX_ORDERS];	/* buddyinfo of the last check */
	double			drift;		/* sum |model - kernel| / kernel blocks at the
						 * last check the model reached (see live.c) */
	uint64_t		reporting_blocks;	/* of a free page reporting batch
							 * that check caught, counted free */
};

struct mf_top_task {
	int32_t		pid;
	char		comm[17];
	uint64_t	stall, success, fail;	/* direct compaction, as compact_stall counts */
	uint64_t	stall_ns;		/* time in those stalls */
	uint64_t	fallbacks;		/* mm_page_alloc_extfrag */
	uint64_t	fragmenting;		/* ... from a block below pageblock order */
	uint64_t	polluted;		/* pageblocks its unmovable allocations polluted */
};

/* Stall latency, ns: percentiles of the stalls resolved in a window. */
struct mf_top_lat {
	uint64_t	count, p50, p90, p99, max;
};

struct mf_top_frame {
	double		time_s;		/* since the start */
	double		interval_s;	/* this frame's window */
	bool		final;		/* the last frame (stopped; may be a partial interval) */
	int		hpage_order;	/* COMPACTION_HPAGE_ORDER, clamped */
	int		order;		/* the order chosen for the extra index column */
	int		pageblock_order;

	int			nr_zones;
	struct mf_top_zone	zones[MF_MAX_ZONES];
	double			drift;		/* over all zones */
	double			drift_threshold;
	unsigned int		check_age;	/* checks written since the one drift is from */
	unsigned int		reanchors;
	bool			seeded;		/* from kpageflags (else free lists unknown) */

	/* direct compaction: the trace's count, and the kernel's over the same window */
	struct mf_top_cp	cp, cp_interval;
	bool			has_vmstat;
	struct mf_top_cp	vm, vm_interval;
	struct mf_top_lat	lat, lat_interval;
	uint64_t		unresolved;	/* attempts whose outcome never showed */

	/* kcompactd: wakes, runs after a wake, proactive runs (cumulative, interval) */
	uint64_t	kcompactd_wake, kcompactd_runs, proactive_runs;
	uint64_t	kcompactd_wake_i, kcompactd_runs_i, proactive_runs_i;
	uint64_t	fallbacks, fragmenting, fallbacks_i, fragmenting_i;

	uint64_t	events, events_i;	/* decoded */
	uint64_t	lru_insertions;		/* mm_lru_insertion decoded: migration targets */
	uint64_t	lost_events;		/* the kernel's count for the instance */
	uint64_t	peak_events_per_s;	/* highest events/s over a frame */

	enum mf_top_sort	sort;
	int			nr_tasks;	/* all tasks seen, sorted */
	const struct mf_top_task *tasks;
};

struct mf_top;

/*
 * mf_top_open - instance, events, reader, model seeded from the live machine; tracing on.
 * Returns 0, or -errno with one line in @err; @warn gets what to tell the user (one per
 * line).  Needs root.  mf_top_close() is safe on what a failed open left in *tp.
 */
int mf_top_open(struct mf_top **tp, const struct mf_top_opts *o, char *warn, size_t warnlen,
		char *err, size_t errlen);

/*
 * mf_top_pump - read what the kernel has written so far and apply it.  Returns the number
 * of sub-buffers read (0: the buffers were empty), or -errno with @err.
 */
int mf_top_pump(struct mf_top *t, char *err, size_t errlen);

/*
 * mf_top_frame - close the current window and fill @f (valid until the next call).
 * @final: stop tracing first and take everything left, so that the counts cover the
 * whole window.  Re-anchors the model when it drifted past the threshold.  0 or -errno.
 */
int mf_top_frame(struct mf_top *t, struct mf_top_frame *f, enum mf_top_sort sort, int order,
		 bool final, char *err, size_t errlen);

/* Seconds since tracing started (before the seeding scan): the clock of time_s and -d. */
double mf_top_elapsed(const struct mf_top *t);

/* Events off, instance removed; everything freed.  -errno with @err when the instance stays. */
int mf_top_close(struct mf_top *t, char *err, size_t errlen);

/* Renderers (out-top.c). */
/* One line: the frame as a mmfrag-top/1 JSON object, then '\n'.  0 or -errno. */
int mf_top_print_json(FILE *f, const struct mf_top_frame *fr);
/*
 * The text view: at most @rows lines of at most @cols columns (0: unlimited), with
 * @ansi the terminal view (clear, reverse-video header) else plain text for --batch.
 */
void mf_top_print_text(FILE *f, const struct mf_top_frame *fr, int rows, int cols, bool ansi);

#endif
