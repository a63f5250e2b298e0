/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_OBSERVE_H
#define MMFRAG_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "event.h"

/*
 * What the trace itself says, counted without the buddy model: allocations, fallbacks and
 * compaction outcomes.  Direct compaction is followed per task (common_pid) the way
 * __alloc_pages_direct_compact() counts it, so that stall/success/fail mean what
 * /proc/vmstat's compact_stall/compact_success/compact_fail mean.
 */
#define MF_CP_NR_STATUS	9	/* enum compact_result: not_suitable_zone .. success */
#define MF_CP_STATUS_COMPLETE	5	/* COMPACT_COMPLETE, as mm_compaction_end prints it */
#define MF_CP_STATUS_PARTIAL_SKIPPED	6	/* COMPACT_PARTIAL_SKIPPED */
#define MF_CP_STATUS_CONTENDED	7	/* COMPACT_CONTENDED */
#define MF_CP_STATUS_SUCCESS	8	/* COMPACT_SUCCESS */
#define MF_CP_NR_PRIO	3	/* COMPACT_PRIO_SYNC_FULL, _SYNC_LIGHT, _ASYNC */

struct mf_cp_outcome {
	uint64_t stall, success, fail;
};

struct mf_observed {
	uint64_t	alloc[MF_MAX_ORDERS][MF_MAX_MT];	/* mm_page_alloc successes */
	uint64_t	alloc_fail[MF_MAX_ORDERS];
	uint64_t	free[MF_MAX_ORDERS];			/* mm_page_free */

	uint64_t	fallback[MF_MAX_MT][MF_MAX_MT][2];	/* [alloc mt][fallback mt][change_ownership] */
	uint64_t	fallback_fragmenting;			/* fallback_order < pageblock_order */
	uint64_t	fallback_by_order[MF_MAX_ORDERS];	/* by alloc_order */

	/* direct compaction, as compact_stall / compact_success / compact_fail count it */
	struct mf_cp_outcome	direct;
	struct mf_cp_outcome	direct_by_order[MF_MAX_ORDERS];
	struct mf_cp_outcome	direct_by_prio[MF_CP_NR_PRIO];
	uint64_t	direct_attempts;	/* mm_compaction_try_to_compact_pages */
	uint64_t	direct_skipped;		/* attempts that were no stall (every zone skipped) */
	uint64_t	direct_unresolved;	/* attempts whose outcome the trace never showed */

	uint64_t	end_status[MF_CP_NR_STATUS];	/* mm_compaction_end, every run */
	uint64_t	runs_direct, runs_kcompactd, runs_proactive, runs_other;
	uint64_t	end_status_direct[MF_CP_NR_STATUS];
	uint64_t	end_status_kcompactd[MF_CP_NR_STATUS];
	uint64_t	end_status_proactive[MF_CP_NR_STATUS];	/* kcompactd, not after a wake */
	uint64_t	suitable[MF_CP_NR_STATUS];	/* mm_compaction_suitable ret */
	uint64_t	deferred, defer_compaction, defer_reset;
	uint64_t	kcompactd_wake;		/* kcompactd_do_work: compact_daemon_wake */
	uint64_t	wakeup_kcompactd, kcompactd_sleep;
	uint64_t	migrated, migrate_failed;	/* mm_compaction_migratepages */
	uint64_t	isolated_migrate;		/* nr_taken of isolate_migratepages */
	uint64_t	isolated_free;			/* nr_taken of (fast_)isolate_freepages */
	uint64_t	scanned_migrate, scanned_free;

	uint64_t	kswapd_wake, wakeup_kswapd, direct_reclaim;
	uint64_t	markers;
};

struct mf_observer;

struct mf_observer *mf_observer_new(int pageblock_order);
void mf_observer_free(struct mf_observer *o);
void mf_observer_apply(struct mf_observer *o, const struct mf_event *ev);
/*
 * Per-task stalls (mmfrag top): @fn is called for every direct compaction attempt that
 * counted as a stall, when its outcome is known, with the task, the order, the outcome and
 * the trace times of its try_to_compact_pages and of the event that resolved it (the
 * allocation, the task's next attempt or its direct reclaim): the time the task spent in
 * __alloc_pages_direct_compact(), to within the events around it.
 */
typedef void (*mf_observer_stall_fn)(void *priv, int32_t pid, int order, bool success,
				     uint64_t start_ts, uint64_t end_ts);
void mf_observer_set_stall_fn(struct mf_observer *o, mf_observer_stall_fn fn, void *priv);
/* Close attempts still open at the end of the trace (counted as unresolved, not as stalls). */
void mf_observer_finish(struct mf_observer *o);
const struct mf_observed *mf_observer_result(const struct mf_observer *o);

extern const char *const mf_cp_status_names[MF_CP_NR_STATUS];
extern const char *const mf_cp_prio_names[MF_CP_NR_PRIO];

#endif
