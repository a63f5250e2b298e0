/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_EVENT_H
#define MMFRAG_EVENT_H

#include <stdint.h>

/*
 * The one currency between the trace reader and the model.  The reader decodes each
 * record's fields once, by name, straight into the member of the union its type names
 * (mm_page_alloc's order lands in ev->alloc.order); nothing downstream ever sees a
 * tep_record.  Only the member of ev->type is defined: the reader writes every field of
 * that member (an optional field the trace lacks gets the default listed beside it) and
 * leaves the others as they were.  MF_EV_OTHER has no fields.
 */
enum mf_ev_type {	/* the tracepoint (ftrace:print, kmem:, compaction:, vmscan:), its member */
	MF_EV_OTHER = 0,		/* any event the model does not interpret */
	MF_EV_PAGE_ALLOC,		/* mm_page_alloc                         ->alloc */
	MF_EV_PAGE_FREE,		/* mm_page_free                          ->free */
	MF_EV_PAGE_FREE_BATCHED,	/* mm_page_free_batched                  ->free_batched */
	MF_EV_ZONE_LOCKED,		/* mm_page_alloc_zone_locked             ->zone_locked */
	MF_EV_PCPU_DRAIN,		/* mm_page_pcpu_drain                    ->pcpu_drain */
	MF_EV_EXTFRAG,			/* mm_page_alloc_extfrag                 ->extfrag */
	MF_EV_CP_ISOLATE_MIGRATE,	/* mm_compaction_isolate_migratepages    ->isolate */
	MF_EV_CP_ISOLATE_FREE,		/* mm_compaction_isolate_freepages       ->isolate */
	MF_EV_CP_FAST_ISOLATE_FREE,	/* mm_compaction_fast_isolate_freepages  ->isolate */
	MF_EV_CP_MIGRATEPAGES,		/* mm_compaction_migratepages            ->migrate */
	MF_EV_CP_BEGIN,			/* mm_compaction_begin                   ->cp_begin */
	MF_EV_CP_END,			/* mm_compaction_end                     ->cp_end */
	MF_EV_CP_TRY,			/* mm_compaction_try_to_compact_pages    ->cp_try */
	MF_EV_CP_FINISHED,		/* mm_compaction_finished                ->cp_ret */
	MF_EV_CP_SUITABLE,		/* mm_compaction_suitable                ->cp_ret */
	MF_EV_CP_DEFERRED,		/* mm_compaction_deferred                ->defer */
	MF_EV_CP_DEFER_COMPACTION,	/* mm_compaction_defer_compaction        ->defer */
	MF_EV_CP_DEFER_RESET,		/* mm_compaction_defer_reset             ->defer */
	MF_EV_CP_KCOMPACTD_SLEEP,	/* mm_compaction_kcompactd_sleep         ->node */
	MF_EV_CP_WAKEUP_KCOMPACTD,	/* mm_compaction_wakeup_kcompactd        ->kcompactd */
	MF_EV_CP_KCOMPACTD_WAKE,	/* mm_compaction_kcompactd_wake          ->kcompactd */
	MF_EV_KSWAPD_SLEEP,		/* mm_vmscan_kswapd_sleep                ->node */
	MF_EV_KSWAPD_WAKE,		/* mm_vmscan_kswapd_wake                 ->kswapd */
	MF_EV_WAKEUP_KSWAPD,		/* mm_vmscan_wakeup_kswapd               ->kswapd */
	MF_EV_DIRECT_RECLAIM_BEGIN,	/* mm_vmscan_direct_reclaim_begin        ->reclaim_begin */
	MF_EV_DIRECT_RECLAIM_END,	/* mm_vmscan_direct_reclaim_end          ->reclaim_end */
	MF_EV_PRINT,			/* print                                 ->print */
	MF_EV_LRU_INSERT,		/* pagemap:mm_lru_insertion              ->lru_insert */
	MF_EV_NR
};

#define MF_PFN_NONE	UINT64_MAX

/*
 * gfp bits of include/linux/gfp_types.h (6.x) that more than one layer reads: the
 * migratetype (___GFP_MOVABLE_BIT, ___GFP_RECLAIMABLE_BIT) and a compound page, one folio
 * (___GFP_COMP_BIT)
 */
#define MF_GFP_MOVABLE		(1ULL << 3)
#define MF_GFP_RECLAIMABLE	(1ULL << 4)
#define MF_GFP_COMP		(1ULL << 18)

/*
 * The page events (alloc, free, free_batched, zone_locked, pcpu_drain, extfrag) all start
 * with pfn then order (and mt where the event has one), so code that handles them alike
 * may read ev->page: C's common-initial-sequence rule makes that defined.
 */
struct mf_ev_page {
	uint64_t	pfn;
	int32_t		order;
	int32_t		mt;
};

struct mf_event {
	uint64_t	ts;		/* trace time, ns */
	union {
		struct mf_ev_page page;
		struct mf_ev_alloc {
			uint64_t pfn;		/* MF_PFN_NONE when the allocation failed */
			int32_t	 order;
			int32_t	 mt;
			uint64_t gfp;		/* gfp_flags; 0 if absent */
		} alloc;
		struct mf_ev_free {
			uint64_t pfn;
			int32_t	 order;
		} free;
		struct mf_ev_free_batched {
			uint64_t pfn;
		} free_batched;
		struct mf_ev_zone_locked {
			uint64_t pfn;
			int32_t	 order;
			int32_t	 mt;
			int32_t	 percpu_refill;	/* 1: a per-CPU refill; -1 if absent */
		} zone_locked;
		struct mf_ev_pcpu_drain {
			uint64_t pfn;
			int32_t	 order;
			int32_t	 mt;
		} pcpu_drain;
		struct mf_ev_extfrag {
			uint64_t pfn;
			int32_t	 order;		/* alloc_order */
			int32_t	 mt;		/* alloc_migratetype */
			int32_t	 fallback_order;
			int32_t	 fallback_mt;
			int32_t	 change_ownership;	/* -1 if absent */
		} extfrag;
		struct mf_ev_isolate {	/* isolate_migratepages, (fast_)isolate_freepages */
			uint64_t start_pfn;
			uint64_t end_pfn;
			uint64_t nr_scanned;
			uint64_t nr_taken;
		} isolate;
		struct mf_ev_migrate {
			uint64_t nr_migrated;
			uint64_t nr_failed;
		} migrate;
		struct mf_ev_cp_begin {
			uint64_t zone_start;
			uint64_t migrate_pfn;
			uint64_t free_pfn;
			uint64_t zone_end;
			int32_t	 sync;		/* -1 if absent */
		} cp_begin;
		struct mf_ev_cp_end {	/* the fields of cp_begin, then status */
			uint64_t zone_start;
			uint64_t migrate_pfn;
			uint64_t free_pfn;
			uint64_t zone_end;
			int32_t	 sync;
			int32_t	 status;	/* enum compact_result */
		} cp_end;
		struct mf_ev_cp_try {
			int32_t	 order;
			int32_t	 prio;		/* prio (old kernels: mode); -1 if absent */
			uint64_t gfp;		/* gfp_mask; 0 if absent */
		} cp_try;
		struct mf_ev_cp_ret {	/* finished, suitable */
			int32_t	 nid;
			int32_t	 idx;
			int32_t	 order;
			int32_t	 ret;
		} cp_ret;
		struct mf_ev_defer {	/* deferred, defer_compaction, defer_reset */
			int32_t	 nid;
			int32_t	 idx;
			int32_t	 order;
			uint32_t considered;
			uint32_t defer_shift;
			int32_t	 order_failed;
		} defer;
		struct mf_ev_node {	/* kcompactd_sleep, kswapd_sleep */
			int32_t	 nid;
		} node;
		struct mf_ev_kcompactd {	/* wakeup_kcompactd, kcompactd_wake */
			int32_t	 nid;
			int32_t	 order;
			int32_t	 highest_zoneidx;	/* -1 if absent */
		} kcompactd;
		struct mf_ev_kswapd {	/* kswapd_wake, wakeup_kswapd */
			int32_t	 nid;
			int32_t	 zid;		/* -1 if absent */
			int32_t	 order;
			uint64_t gfp;		/* wakeup_kswapd only; 0 if absent */
		} kswapd;
		struct mf_ev_reclaim_begin {
			int32_t	 order;
			uint64_t gfp;		/* 0 if absent */
		} reclaim_begin;
		struct mf_ev_reclaim_end {
			uint64_t nr_reclaimed;
		} reclaim_end;
		struct mf_ev_lru_insert {	/* folio_add_lru() reached the LRU list */
			uint64_t pfn;		/* the folio's first page */
			int32_t	 lru;		/* enum lru_list */
			uint64_t flags;		/* PAGEMAP_* bits (mapped, anon, swapbacked...) */
		} lru_insert;
		struct mf_ev_print {
			const char *str;	/* the marker text, trailing newline stripped; valid
						 * until the next mf_reader_next() */
		} print;
	};
	int32_t		cpu;
	int32_t		pid;
	uint16_t	type;		/* enum mf_ev_type */
	uint16_t	name_idx;	/* index into the reader's event-name table (mf_reader_event_name()) */
	uint32_t	missed;		/* events lost on this CPU just before this one (0 none) */
};

#endif
