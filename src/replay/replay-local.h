/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One replay's private state, shared by replay.c (the event loop), captures.c (finding
 * and loading the captures beside a trace), seed.c (the start: model seeded, simulators
 * made) and result.c (the result document's struct).  Not a public interface.
 */
#ifndef MMFRAG_REPLAY_LOCAL_H
#define MMFRAG_REPLAY_LOCAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mmfrag/metrics.h"
#include "mmfrag/model.h"
#include "mmfrag/observe.h"
#include "mmfrag/reader.h"
#include "mmfrag/replay.h"
#include "mmfrag/result.h"
#include "mmfrag/sim.h"
#include "mmfrag/state.h"

enum align { ALIGN_NONE, ALIGN_TIME, ALIGN_MARKER, ALIGN_EDGE };

struct capture {
	const char	*dir;
	struct mf_state	*st;
	/*
	 * A start capture's state at its end marker, when it has a scan window: its
	 * buddyinfo.after over st (mf_state_load_after()), or NULL.
	 */
	struct mf_state	*after;
	char		marker[160];	/* the marker text that aligns it */
	char		begin[160];	/* a start capture's begin marker: its scan window opens */
	enum align	align;
	uint64_t	ts;
	bool		done;
	/* --reanchor: measured at its begin marker, the model reset to it at its end marker */
	int		check_idx;	/* its point in r->checks */
};

struct replay {
	const struct mf_replay_opts	*o;
	char				*err;		/* the caller's: one line on failure */
	size_t				errlen;
	struct mf_result		*r;
	struct mf_reader		*rd;
	struct mf_model			*m;
	struct mf_observer		*obs;
	struct capture			start, check;
	int				nr_periodic;
	struct capture			*periodic;	/* FILE.state/NNNN: drift checks */
	uint64_t			type_count[MF_EV_NR];
	uint64_t			*cpu_last_ts;	/* per CPU: its last event (lost intervals) */
	int				nr_cpu_ts;
	uint64_t			next_point;
	int				series_cap;
	/* seeding: unmovable-looking pages per pageblock */
	uint16_t			*pb_score;
	uint16_t			*pb_blank;	/* pages with no flag at all */
	uint64_t			nr_pb;
	int				seed_pbo;	/* pageblock order, for seed_page() */
	uint64_t			seeded_blocks, seeded_pages;
	/* simulate mode: one simulator per config, fed by one workload decoder */
	int				nr_sims;
	struct mf_sim			**sims;
	const char			**sims_from;
	struct mf_workload		*wl;
	uint64_t			*movable;	/* bit per pfn: LRU, not compound */
	uint64_t			nr_movable;
	/*
	 * bit per pfn (a folio's head): what the kernel's reclaim could take at the start,
	 * LRU pages, only file ones when the capture's meminfo shows no swap; and of those,
	 * the ones on an active list
	 */
	uint64_t			*reclaimable, *reclaim_active;
	bool				no_swap;
	struct mf_sim_folio		*folios;	/* compound pages at the start capture */
	size_t				nr_folios, cap_folios;
	struct mf_sim_folio		open_folio;	/* the one seed_page is walking */
	/* the memory map: the model's pageblocks, and each simulation's (nr_sims) */
	struct mf_pb_map		*pb;
	struct mf_pb_map		**sim_pb;
};

/* captures.c */
int replay_capture_load(struct capture *c, const char *dir, bool has_ts, uint64_t ts,
			const char *marker_kind, char *err, size_t errlen);
char *replay_state_dir(const char *trace);
char *replay_capture_dir(const char *sdir, const char *name);
int replay_load_periodic(struct replay *rp, const char *sdir, char ***names);

/* replay.c */
void replay_release(struct replay *rp);
int replay_zone_desc_from_state(const struct mf_state *st, struct mf_zone_desc *zd);

/* seed.c */
int replay_seed_from_capture(struct replay *rp, const struct capture *c);
int replay_make_sims(struct replay *rp, uint64_t ts);
void replay_free_sims(struct replay *rp);

/* result.c */
/* the one line of a failure into rp->err (mf_replay_run()'s caller prints it) */
void replay_errf(struct replay *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void replay_warnf(struct mf_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void replay_free_series_sims(struct mf_result *r);
int replay_add_check_point(struct replay *rp, const struct capture *c, const char *name,
			   uint64_t ts);
void replay_note_lost(struct replay *rp, const struct mf_event *ev);
void replay_note_reanchor(struct replay *rp, int check_idx);
void replay_lost_warnings(struct replay *rp);
void replay_target_warning(struct replay *rp);
void replay_do_check(struct replay *rp, uint64_t ts);
void replay_add_point(struct replay *rp, uint64_t ts);
void replay_snap_pageblocks(struct replay *rp, const char *label, uint64_t ts);
void replay_free_pageblocks(struct replay *rp, int nr_sims);
int replay_collect(struct replay *rp);

#endif
