// SPDX-License-Identifier: GPL-2.0
/*
 * What each event's line carries in a text trace: the keys of its TP_printk() output
 * (include/trace/events/kmem.h, compaction.h, vmscan.h) and where each value goes in
 * struct mf_event.  reader-text.c matches a line's "key=value" tokens against this table;
 * it is kept apart because it follows the kernel's headers, not the scanner.
 */
#include <stddef.h>

#include "reader-local.h"
#include "reader-text.h"

#define EVF(m)		offsetof(struct mf_event, m), sizeof(((struct mf_event *)0)->m)
#define TR(k, kind, m)		{ k, sizeof(k) - 1, kind, EVF(m), true, 0 }
#define TO(k, kind, m, d)	{ k, sizeof(k) - 1, kind, EVF(m), false, d }
#define TPAGE			{ "page", 4, K_PAGE, 0, 0, false, 0 }

/* Keys as TP_printk() prints them (which is not always the field name: consider=, limit=). */
const struct tspec text_specs[] = {
	{ "kmem", "mm_page_alloc", MF_EV_PAGE_ALLOC,
	  { TPAGE, TR("pfn", K_NUM, alloc.pfn), TR("order", K_NUM, alloc.order),
	    TR("migratetype", K_NUM, alloc.mt), TO("gfp_flags", K_GFP, alloc.gfp, 0) } },
	{ "kmem", "mm_page_free", MF_EV_PAGE_FREE,
	  { TR("pfn", K_NUM, free.pfn), TR("order", K_NUM, free.order) } },
	{ "kmem", "mm_page_free_batched", MF_EV_PAGE_FREE_BATCHED,
	  { TR("pfn", K_NUM, free_batched.pfn) } },
	{ "kmem", "mm_page_alloc_zone_locked", MF_EV_ZONE_LOCKED,
	  { TR("pfn", K_NUM, zone_locked.pfn), TR("order", K_NUM, zone_locked.order),
	    TR("migratetype", K_NUM, zone_locked.mt),
	    TO("percpu_refill", K_NUM, zone_locked.percpu_refill, -1) } },
	{ "kmem", "mm_page_pcpu_drain", MF_EV_PCPU_DRAIN,
	  { TR("pfn", K_NUM, pcpu_drain.pfn), TR("order", K_NUM, pcpu_drain.order),
	    TR("migratetype", K_NUM, pcpu_drain.mt) } },
	{ "kmem", "mm_page_alloc_extfrag", MF_EV_EXTFRAG,
	  { TR("pfn", K_NUM, extfrag.pfn), TR("alloc_order", K_NUM, extfrag.order),
	    TR("alloc_migratetype", K_NUM, extfrag.mt),
	    TR("fallback_order", K_NUM, extfrag.fallback_order),
	    TR("fallback_migratetype", K_NUM, extfrag.fallback_mt),
	    TO("change_ownership", K_NUM, extfrag.change_ownership, -1) } },
/* the three isolate events print one layout (DECLARE_EVENT_CLASS mm_compaction_isolate_template) */
#define ISOLATE_FIELDS \
	{ TR("range", K_RANGE, isolate.start_pfn), TR("nr_scanned", K_NUM, isolate.nr_scanned), \
	  TR("nr_taken", K_NUM, isolate.nr_taken) }
	{ "compaction", "mm_compaction_isolate_migratepages", MF_EV_CP_ISOLATE_MIGRATE,
	  ISOLATE_FIELDS },
	{ "compaction", "mm_compaction_isolate_freepages", MF_EV_CP_ISOLATE_FREE,
	  ISOLATE_FIELDS },
	{ "compaction", "mm_compaction_fast_isolate_freepages", MF_EV_CP_FAST_ISOLATE_FREE,
	  ISOLATE_FIELDS },
	{ "compaction", "mm_compaction_migratepages", MF_EV_CP_MIGRATEPAGES,
	  { TR("nr_migrated", K_NUM, migrate.nr_migrated),
	    TR("nr_failed", K_NUM, migrate.nr_failed) } },
	{ "compaction", "mm_compaction_begin", MF_EV_CP_BEGIN,
	  { TR("zone_start", K_NUM, cp_begin.zone_start),
	    TR("migrate_pfn", K_NUM, cp_begin.migrate_pfn),
	    TR("free_pfn", K_NUM, cp_begin.free_pfn), TR("zone_end", K_NUM, cp_begin.zone_end),
	    TO("mode", K_SYNC, cp_begin.sync, -1) } },
	{ "compaction", "mm_compaction_end", MF_EV_CP_END,
	  { TR("zone_start", K_NUM, cp_end.zone_start), TR("migrate_pfn", K_NUM, cp_end.migrate_pfn),
	    TR("free_pfn", K_NUM, cp_end.free_pfn), TR("zone_end", K_NUM, cp_end.zone_end),
	    TO("mode", K_SYNC, cp_end.sync, -1), TR("status", K_STATUS, cp_end.status) } },
	{ "compaction", "mm_compaction_try_to_compact_pages", MF_EV_CP_TRY,
	  { TR("order", K_NUM, cp_try.order), TO("gfp_mask", K_GFP, cp_try.gfp, 0),
	    TO("priority", K_NUM, cp_try.prio, -1), TO("mode", K_NUM, cp_try.prio, -1) } },
	{ "compaction", "mm_compaction_finished", MF_EV_CP_FINISHED,
	  { TR("node", K_NUM, cp_ret.nid), TR("zone", K_ZONE, cp_ret.idx),
	    TR("order", K_NUM, cp_ret.order), TR("ret", K_STATUS, cp_ret.ret) } },
	{ "compaction", "mm_compaction_suitable", MF_EV_CP_SUITABLE,
	  { TR("node", K_NUM, cp_ret.nid), TR("zone", K_ZONE, cp_ret.idx),
	    TR("order", K_NUM, cp_ret.order), TR("ret", K_STATUS, cp_ret.ret) } },
#define DEFER_FIELDS(m) \
	{ TR("node", K_NUM, m.nid), TR("zone", K_ZONE, m.idx), TR("order", K_NUM, m.order), \
	  TR("consider", K_NUM, m.considered), TR("limit", K_SHIFT, m.defer_shift), \
	  TR("order_failed", K_NUM, m.order_failed) }
	{ "compaction", "mm_compaction_deferred", MF_EV_CP_DEFERRED, DEFER_FIELDS(defer) },
	{ "compaction", "mm_compaction_defer_compaction", MF_EV_CP_DEFER_COMPACTION,
	  DEFER_FIELDS(defer) },
	{ "compaction", "mm_compaction_defer_reset", MF_EV_CP_DEFER_RESET, DEFER_FIELDS(defer) },
	{ "compaction", "mm_compaction_kcompactd_sleep", MF_EV_CP_KCOMPACTD_SLEEP,
	  { TR("nid", K_NUM, node.nid) } },
	{ "compaction", "mm_compaction_wakeup_kcompactd", MF_EV_CP_WAKEUP_KCOMPACTD,
	  { TR("nid", K_NUM, kcompactd.nid), TR("order", K_NUM, kcompactd.order),
	    TO("classzone_idx", K_ZONE, kcompactd.highest_zoneidx, -1),
	    TO("highest_zoneidx", K_ZONE, kcompactd.highest_zoneidx, -1) } },
	{ "compaction", "mm_compaction_kcompactd_wake", MF_EV_CP_KCOMPACTD_WAKE,
	  { TR("nid", K_NUM, kcompactd.nid), TR("order", K_NUM, kcompactd.order),
	    TO("classzone_idx", K_ZONE, kcompactd.highest_zoneidx, -1),
	    TO("highest_zoneidx", K_ZONE, kcompactd.highest_zoneidx, -1) } },
	{ "vmscan", "mm_vmscan_kswapd_sleep", MF_EV_KSWAPD_SLEEP,
	  { TR("nid", K_NUM, node.nid) } },
	/* zid is a field of both kswapd events but TP_printk() does not print it: -1 */
	{ "vmscan", "mm_vmscan_kswapd_wake", MF_EV_KSWAPD_WAKE,
	  { TR("nid", K_NUM, kswapd.nid), TO("zid", K_NUM, kswapd.zid, -1),
	    TR("order", K_NUM, kswapd.order), TO("gfp_flags", K_GFP, kswapd.gfp, 0) } },
	{ "vmscan", "mm_vmscan_wakeup_kswapd", MF_EV_WAKEUP_KSWAPD,
	  { TR("nid", K_NUM, kswapd.nid), TO("zid", K_NUM, kswapd.zid, -1),
	    TR("order", K_NUM, kswapd.order), TO("gfp_flags", K_GFP, kswapd.gfp, 0) } },
	{ "vmscan", "mm_vmscan_direct_reclaim_begin", MF_EV_DIRECT_RECLAIM_BEGIN,
	  { TR("order", K_NUM, reclaim_begin.order), TO("gfp_flags", K_GFP, reclaim_begin.gfp, 0) } },
	{ "vmscan", "mm_vmscan_direct_reclaim_end", MF_EV_DIRECT_RECLAIM_END,
	  { TR("nr_reclaimed", K_NUM, reclaim_end.nr_reclaimed) } },
	/* flags= prints PAGEMAP_* as letters ("Ma bd"): not read, as the model needs only pfn */
	{ "pagemap", "mm_lru_insertion", MF_EV_LRU_INSERT,
	  { TR("pfn", K_NUM, lru_insert.pfn), TO("lru", K_NUM, lru_insert.lru, -1) } },
};

const size_t text_nr_specs = sizeof(text_specs) / sizeof(text_specs[0]);
