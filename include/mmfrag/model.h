/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_MODEL_H
#define MMFRAG_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "event.h"

/*
 * The buddy-allocator model (observe mode): plain C, no I/O, never exits.
 *
 * State is sized by page frames, never by events: one byte per pfn (the head byte of a
 * free or per-CPU block: order + 1, list migratetype, per-CPU flag), one bit per pfn
 * ("handed out by mm_page_alloc and not freed since"), one byte per pfn for the owning
 * CPU of per-CPU blocks, and one byte per pageblock (migratetype).  Counters of free
 * blocks per zone, order and migratetype are kept incrementally, so reading buddyinfo
 * out of the model costs nothing.
 *
 * Everything the events contradict is repaired and counted in struct mf_fidelity,
 * never fatal.
 */

struct mf_zone_desc {
	int		node;
	char		name[16];
	uint64_t	start_pfn;
	uint64_t	end_pfn;		/* exclusive: start_pfn + spanned */
	uint64_t	present;
	uint64_t	managed;
};

struct mf_model_params {
	int	max_order;		/* MAX_PAGE_ORDER, inclusive (10) */
	int	pageblock_order;	/* 9 on x86-64 with 4K pages */
	int	pcp_high_order;		/* HPAGE_PMD_ORDER, also kept on per-CPU lists; -1 for none */
	int	nr_cpus;		/* per-CPU lists; events from higher CPUs are folded in */
	bool	learn_zones;		/* grow the last zone to cover pfns seen in the trace */
	uint64_t max_pfns;		/* learn_zones grows no further than this (0: 2^32) */
	/*
	 * back the per-frame arrays with transparent huge pages: for a replay of a file, never
	 * for a model of the machine it runs on (top), where a THP fault while memory is short
	 * is a direct compaction counted among the workload's
	 */
	bool	huge_pages;
};

void mf_model_params_default(struct mf_model_params *p);

/* Repairs: every place where the trace contradicted the model, and what was done. */
struct mf_fidelity {
	uint64_t free_of_free;		/* mm_page_free of pages the model held free in buddy (taken back) */
	uint64_t free_of_free_pages;	/* ... in pages */
	uint64_t free_of_pcp;		/* mm_page_free of pages the model had on a per-CPU list */
	uint64_t alloc_not_free;	/* zone_locked / extfrag of a page the model did not hold free */
	uint64_t alloc_unknown;		/* ... of a page it never saw (no start state: expected) */
	uint64_t alloc_of_pcp_elsewhere;/* zone_locked of a page the model had on a per-CPU list */
	uint64_t alloc_of_allocated;	/* mm_page_alloc of pages already handed out and not freed */
	uint64_t alloc_from_buddy;	/* mm_page_alloc of a page the model still held free in buddy */
	uint64_t drain_not_pcp;		/* mm_page_pcpu_drain of a page the model knew was allocated */
	uint64_t drain_unknown;		/* ... of a page the model had never seen (per-CPU at start, trylock path) */
	uint64_t pcp_passed_over;	/* per-CPU blocks older than a drained one: in buddy since their free */
	uint64_t pcp_bulk_taken;	/* ... order-0 ones alloc_pages_bulk() took: unmovable, refilled, or freed again */
	uint64_t pcp_locked_frees;	/* frees to buddy: their CPU held the zone's per-CPU lists for a refill */
	uint64_t pageblock_retyped;	/* zone_locked/drain revealed a pageblock type the model had wrong */
	uint64_t extfrag_claims;	/* pageblock ownership changes applied from mm_page_alloc_extfrag */
	uint64_t cp_isolated_pages;	/* free pages compaction's free scanner took off the lists */
	uint64_t cp_isolate_short;	/* pages an isolate event took that the model did not hold free */
	uint64_t cp_isolate_mismatch;	/* isolate events no walk over the model reproduces (fast: pick past nr_scanned) */
	uint64_t cp_isolation_swapped;	/* model isolations given back when the kernel's pick showed */
	uint64_t cp_isolation_replaced;	/* model isolations the kernel allocated: a free block taken instead */
	uint64_t cp_dest_taken;		/* migration targets (mm_lru_insertion) the model held free */
	uint64_t cp_released_pages;	/* isolated pages no target confirmed, given back at run end */
	uint64_t cp_targets_predicted;	/* pages kept as migration targets by compaction_alloc()'s order */
	uint64_t cp_targets_unsure;	/* ... pages of a run's picks beyond or short of nr_migrated */
	uint64_t cp_window_not_free;	/* free blocks left where a stride-1 free scan took every one */
	uint64_t cp_targets_inferred;	/* ... pages taken as targets from the blocks the run released */
	uint64_t cp_captured;		/* blocks compaction_capture() gave a direct compactor (no repair) */
	uint64_t cp_captured_pages;
	uint64_t lru_of_free;		/* mm_lru_insertion outside a compaction run of a page held free */
	uint64_t pfn_out_of_range;	/* events with a pfn outside every zone (ignored) */
	uint64_t lost_events;		/* events the kernel lost (missed_events), model may drift */
	uint64_t lost_unknown;		/* buffers that lost an unknown number of events */
	uint64_t events_applied;
	/* pages each repair above touched (free_of_free_pages and the cp_ ones are pages already) */
	uint64_t free_of_pcp_pages;
	uint64_t alloc_not_free_pages;
	uint64_t alloc_unknown_pages;
	uint64_t alloc_of_pcp_elsewhere_pages;
	uint64_t alloc_of_allocated_pages;
	uint64_t alloc_from_buddy_pages;
	uint64_t drain_not_pcp_pages;
	uint64_t drain_unknown_pages;
	uint64_t pcp_passed_over_pages;
	uint64_t pageblock_retyped_pages;
	uint64_t cp_isolate_mismatch_pages;
	uint64_t cp_isolation_swapped_pages;
	uint64_t cp_isolation_replaced_pages;
	uint64_t cp_window_not_free_pages;
};

struct mf_model;

struct mf_model *mf_model_new(const struct mf_model_params *p, const struct mf_zone_desc *zones,
			      int nr_zones);
void mf_model_free(struct mf_model *m);
/*
 * True once growing the model's arrays (learn_zones) failed for want of memory: the
 * events of that pfn were dropped, and the run must report an error, not a result.
 */
bool mf_model_alloc_failed(const struct mf_model *m);

const struct mf_model_params *mf_model_params(const struct mf_model *m);
int mf_model_nr_zones(const struct mf_model *m);
const struct mf_zone_desc *mf_model_zone(const struct mf_model *m, int zone);
int mf_model_zone_of_pfn(const struct mf_model *m, uint64_t pfn);	/* -1 if none */

/* Apply one event (observe mode). */
void mf_model_apply(struct mf_model *m, const struct mf_event *ev);

/*
 * Start loading the per-frame state an event will read (a hint, changes nothing): called a
 * few events ahead of mf_model_apply(), so that the cache misses of the next events
 * overlap the work of this one.
 */
void mf_model_prefetch(const struct mf_model *m, const struct mf_event *ev);

/*
 * Seeding from a capture: pageblock types, then free blocks.  seed_free puts a block on the
 * free list of its pageblock's type without merging (the capture's blocks are maximal);
 * seed_compound notes a folio in use (kpageflags' compound head and its tails).
 */
void mf_model_set_pageblock_mt(struct mf_model *m, uint64_t pfn, int mt);
int mf_model_pageblock_mt(const struct mf_model *m, uint64_t pfn);
/*
 * The pageblock holding pfn has no page in the kernel's memory map (a hole of the zone's
 * span, such as x86's below 4 GiB): pagetypeinfo does not count it.
 */
void mf_model_set_pageblock_absent(struct mf_model *m, uint64_t pfn);
bool mf_model_pageblock_absent(const struct mf_model *m, uint64_t pfn);
/* Re-type the pageblock holding pfn and move its free blocks to the new type's lists. */
void mf_model_retype_pageblock(struct mf_model *m, uint64_t pfn, int mt);
int mf_model_seed_free(struct mf_model *m, uint64_t pfn, int order);
void mf_model_seed_compound(struct mf_model *m, uint64_t pfn, int order);
/* Forget every free and per-CPU block (before seeding). */
void mf_model_clear(struct mf_model *m);

/* Free blocks per order (nr_free[], as buddyinfo) and per order and type (pagetypeinfo). */
void mf_model_zone_nr_free(const struct mf_model *m, int zone, uint64_t *nr_free);
void mf_model_zone_nr_free_mt(const struct mf_model *m, int zone,
			      uint64_t nr_free_mt[MF_MAX_ORDERS][MF_MAX_MT]);
void mf_model_zone_pageblocks_mt(const struct mf_model *m, int zone, uint64_t blocks[MF_MAX_MT]);
uint64_t mf_model_zone_pcp_pages(const struct mf_model *m, int zone);
uint64_t mf_model_cpu_pcp_pages(const struct mf_model *m, int cpu);
uint64_t mf_model_zone_cpu_pcp_pages(const struct mf_model *m, int zone, int cpu);

const struct mf_fidelity *mf_model_fidelity(const struct mf_model *m);
/*
 * Move the repair counters counted so far to *before and restart them from zero
 * (events_applied and the lost-event counts stay cumulative): the repairs of a stretch
 * of the trace counted apart, such as a start capture's scan window.
 */
void mf_model_fidelity_split(struct mf_model *m, struct mf_fidelity *before);

/* Every free (pcp false) and per-CPU (pcp true) block of a zone, in pfn order. */
typedef void (*mf_model_block_fn)(void *priv, uint64_t pfn, int order, int mt, bool pcp);
void mf_model_for_each_block(const struct mf_model *m, int zone, mf_model_block_fn fn, void *priv);

/*
 * The head of the last free block in [from, to) of order min_order..max_order on the
 * buddy lists of migratetype mt (not per-CPU); MF_PFN_NONE if there is none.
 */
uint64_t mf_model_last_free_block(const struct mf_model *m, uint64_t from, uint64_t to,
				  int min_order, int max_order, int mt);

/* Self-check of every invariant (tests): 0, or -1 with a description in buf. */
int mf_model_check(const struct mf_model *m, char *buf, size_t len);

#endif
