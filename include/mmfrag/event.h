/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_EVENT_H
#define MMFRAG_EVENT_H

#include <stdint.h>

/*
 * The one currency between the trace reader and the model.  The reader decodes each
 * record's fields once, by name, into this small struct; nothing downstream ever sees
 * a tep_record.  Field meanings per type are listed beside each enumerator; unused
 * fields are left as they were (callers must not rely on them).
 */
enum mf_ev_type {
	MF_EV_OTHER = 0,		/* any event the model does not interpret */
	MF_EV_PAGE_ALLOC,		/* kmem:mm_page_alloc    pfn (MF_PFN_NONE on failure), order, mt, a[0] gfp_flags */
	MF_EV_PAGE_FREE,		/* kmem:mm_page_free     pfn, order */
	MF_EV_PAGE_FREE_BATCHED,	/* kmem:mm_page_free_batched pfn */
	MF_EV_ZONE_LOCKED,		/* kmem:mm_page_alloc_zone_locked pfn, order, mt, a[0] percpu_refill (-1 if absent) */
	MF_EV_PCPU_DRAIN,		/* kmem:mm_page_pcpu_drain pfn, order, mt */
	MF_EV_EXTFRAG,			/* kmem:mm_page_alloc_extfrag pfn, order = alloc_order, mt = alloc_migratetype,
					 *   a[0] fallback_order, a[1] fallback_migratetype, a[2] change_ownership */
	MF_EV_CP_ISOLATE_MIGRATE,	/* compaction:mm_compaction_isolate_migratepages a[0] start_pfn, a[1] end_pfn,
					 *   a[2] nr_scanned, a[3] nr_taken */
	MF_EV_CP_ISOLATE_FREE,		/* compaction:mm_compaction_isolate_freepages, fields as above */
	MF_EV_CP_FAST_ISOLATE_FREE,	/* compaction:mm_compaction_fast_isolate_freepages, fields as above */
	MF_EV_CP_MIGRATEPAGES,		/* compaction:mm_compaction_migratepages a[0] nr_migrated, a[1] nr_failed */
	MF_EV_CP_BEGIN,			/* compaction:mm_compaction_begin a[0] zone_start, a[1] migrate_pfn,
					 *   a[2] free_pfn, a[3] zone_end, a[4] sync */
	MF_EV_CP_END,			/* compaction:mm_compaction_end as begin, a[5] status */
	MF_EV_CP_TRY,			/* compaction:mm_compaction_try_to_compact_pages order, a[0] gfp_mask, a[1] prio */
	MF_EV_CP_FINISHED,		/* compaction:mm_compaction_finished a[0] nid, a[1] zone idx, order, a[2] ret */
	MF_EV_CP_SUITABLE,		/* compaction:mm_compaction_suitable, fields as finished */
	MF_EV_CP_DEFERRED,		/* compaction:mm_compaction_deferred a[0] nid, a[1] zone idx, order,
					 *   a[2] considered, a[3] defer_shift, a[4] order_failed */
	MF_EV_CP_DEFER_COMPACTION,	/* compaction:mm_compaction_defer_compaction, fields as deferred */
	MF_EV_CP_DEFER_RESET,		/* compaction:mm_compaction_defer_reset, fields as deferred */
	MF_EV_CP_KCOMPACTD_SLEEP,	/* compaction:mm_compaction_kcompactd_sleep a[0] nid */
	MF_EV_CP_WAKEUP_KCOMPACTD,	/* compaction:mm_compaction_wakeup_kcompactd a[0] nid, order, a[1] highest_zoneidx */
	MF_EV_CP_KCOMPACTD_WAKE,	/* compaction:mm_compaction_kcompactd_wake, fields as wakeup */
	MF_EV_KSWAPD_SLEEP,		/* vmscan:mm_vmscan_kswapd_sleep a[0] nid */
	MF_EV_KSWAPD_WAKE,		/* vmscan:mm_vmscan_kswapd_wake a[0] nid, a[1] zid, order */
	MF_EV_WAKEUP_KSWAPD,		/* vmscan:mm_vmscan_wakeup_kswapd a[0] nid, a[1] zid, order, a[2] gfp_flags */
	MF_EV_DIRECT_RECLAIM_BEGIN,	/* vmscan:mm_vmscan_direct_reclaim_begin order, a[0] gfp_flags */
	MF_EV_DIRECT_RECLAIM_END,	/* vmscan:mm_vmscan_direct_reclaim_end a[0] nr_reclaimed */
	MF_EV_PRINT,			/* ftrace:print str = the marker text (trailing newline stripped) */
	MF_EV_NR
};

#define MF_PFN_NONE	UINT64_MAX

struct mf_event {
	uint64_t	ts;		/* trace time, ns */
	uint64_t	pfn;
	uint64_t	a[6];
	const char	*str;		/* MF_EV_PRINT only; valid until the next mf_reader_next() */
	int32_t		order;
	int32_t		mt;
	int32_t		cpu;
	int32_t		pid;
	uint16_t	type;		/* enum mf_ev_type */
	uint16_t	name_idx;	/* index into the reader's event-name table (mf_reader_event_name()) */
	uint32_t	missed;		/* events lost on this CPU just before this one (0 none) */
};

#endif
