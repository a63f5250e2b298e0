/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator's private state, shared by its files: the allocator (sim.c free lists,
 * sim-pcp.c, sim-rmqueue.c, sim-slowpath.c), compaction (sim-compact.c, sim-kcompactd.c),
 * the trace as a workload (sim-owner.c, sim-workload.c) and sim-init.c.  Not a public
 * interface.
 *
 * Layout, sized by page frames and never by events:
 *
 *   st[pfn]	bits 0-3 order of the block this pfn heads, bits 4-5 kind (none: a tail or
 *		nothing; buddy: a free block on a free list; pcp: on a per-CPU list; used:
 *		handed out), bit 6 movable (a used block compaction may migrate), bit 7
 *		isolated by the running compaction (a migration source, or a free target).
 *   lnk[pfn]	free or per-CPU head: next on its list; used head: its owner, the kernel's
 *		pfn (t2s below) or a pending entry (OWNER_PENDING | index).
 *   prv[pfn]	free or per-CPU head: previous on its list.
 *   pb[pb]	pageblock: bits 0-2 migratetype, bit 3 PB_compact_skip.
 *   t2s[tpfn]	the kernel's pfn -> the frame the simulator gave that page (NIL: none).
 */
#ifndef MMFRAG_SIM_LOCAL_H
#define MMFRAG_SIM_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include "mmfrag/sim.h"

#define NIL		UINT32_MAX
#define OWNER_PENDING	0x80000000u
#define T2S_FAILED	(NIL - 1)	/* t2s: the simulator failed this request */
#define T2S_RECLAIMED	(NIL - 2)	/* t2s: the simulated kswapd reclaimed this page */

/*
 * The config's seed (struct mf_sim_config.seed) spread over 64 bits: the draws'
 * generator starts at seed * SIM_SEED_MIX and the LRU order's key moves by as much, so
 * seed 0 keeps both where they always were.
 */
#define SIM_SEED_MIX		0xd1b54a32d192ed03ULL

#define ST_ORDER	0x0f
#define ST_KIND		0x30
#define ST_BUDDY	0x10
#define ST_PCP		0x20
#define ST_USED		0x30
#define ST_MOVABLE	0x40
#define ST_ISOLATED	0x80

#define PB_MT		0x07
#define PB_SKIP		0x08
#define PB_ABSENT	0x10	/* no page: mf_model_set_pageblock_absent() */
#define PB_GUESS	0x20	/* PB_SKIP is skip_passed()'s guess of the kernel's bit */
#define PB_KSEEN	0x40	/* the trace showed the kernel's migrate scanner here */
#define PB_KTOUCH	0x80	/* ... or its free scanner, or a run that ignores skip bits */

#define PAGE_ALLOC_COSTLY_ORDER	3
#define COMPACT_CLUSTER_MAX	32
/*
 * Folios one batch of cc->migratepages can hold: a pageblock of order 9 of order-0
 * folios, which a finish_pageblock batch isolates whole.  Past it (a config's larger
 * pageblocks) the batch stops there and the next one goes on.
 */
#define SIM_SRC_MAX		512
#define COMPACT_MAX_DEFER_SHIFT	6
#define NR_PCP_LISTS		14	/* 3 orders x 3 types + ... (order_to_pindex) */
#define PCP_BATCH_SCALE_MAX	5
#define MAX_NODES		8
#define NR_ZONE_TYPES		5	/* DMA DMA32 Normal Movable Device (x86-64) */

/* gfp bits of the 6.18 trace format (include/linux/gfp_types.h) */
#define GFP_DMA			(1ULL << 0)
#define GFP_HIGHMEM		(1ULL << 1)
#define GFP_DMA32		(1ULL << 2)
#define GFP_MOVABLE		MF_GFP_MOVABLE
#define GFP_RECLAIMABLE		MF_GFP_RECLAIMABLE
#define GFP_HIGH		(1ULL << 5)
#define GFP_IO			(1ULL << 6)
#define GFP_DIRECT_RECLAIM	(1ULL << 10)
#define GFP_KSWAPD_RECLAIM	(1ULL << 11)
#define GFP_WRITE		(1ULL << 12)
#define GFP_RETRY_MAYFAIL	(1ULL << 14)
#define GFP_NOFAIL		(1ULL << 15)
#define GFP_NORETRY		(1ULL << 16)
#define GFP_MEMALLOC		(1ULL << 17)
#define GFP_NOMEMALLOC		(1ULL << 19)
#define GFP_NOWARN		(1ULL << 13)
#define GFP_COMP		MF_GFP_COMP
#define GFP_THISNODE		(1ULL << 21)

/* ALLOC_* (mm/internal.h, v6.15) */
#define ALLOC_WMARK_MIN		0x00
#define ALLOC_WMARK_LOW		0x01
#define ALLOC_WMARK_HIGH	0x02
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	0x03
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10
#define ALLOC_MIN_RESERVE	0x20
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200
#define ALLOC_KSWAPD		0x800
#define ALLOC_RESERVES	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

enum { WMARK_MIN, WMARK_LOW, WMARK_HIGH };

/* enum compact_result, in the kernel's (ordered) values */
enum cp_result {
	CP_NOT_SUITABLE_ZONE, CP_SKIPPED, CP_DEFERRED, CP_NO_SUITABLE_PAGE, CP_CONTINUE,
	CP_COMPLETE, CP_PARTIAL_SKIPPED, CP_CONTENDED, CP_SUCCESS,
};

enum cp_prio { PRIO_SYNC_FULL, PRIO_SYNC_LIGHT, PRIO_ASYNC };
enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

struct slist {
	uint32_t	head, tail;
};

struct pcp {
	int		count;		/* pages */
	int		held;		/* pages the kernel's list had at the start, not ours: see sim-pcp.c */
	int		high, high_min, high_max, batch;
	int		free_count;
	int		alloc_factor;
	bool		prev_free_high;	/* PCPF_PREV_FREE_HIGH_ORDER */
	struct slist	lists[NR_PCP_LISTS];
	int		credit[NR_PCP_LISTS];	/* sim_pcp_traced_alloc() */
};

struct szone {
	struct mf_zone_desc	d;
	int			type;
	int			idx;		/* in s->z[] */
	uint64_t		wmark[3];	/* _watermark[] */
	uint64_t		boost;		/* watermark_boost */
	uint64_t		lowmem_reserve[NR_ZONE_TYPES];
	bool			boosted;	/* ZONE_BOOSTED_WATERMARK */
	bool			below_high;	/* ZONE_BELOW_HIGH */
	bool			reclaim_active;	/* ZONE_RECLAIM_ACTIVE (the trace's kswapd) */
	uint64_t		boost_snap;	/* balance_pgdat()'s zone_boosts[] */

	uint64_t		free_pages;	/* NR_FREE_PAGES (no isolate) */
	uint64_t		free_highatomic, free_cma;
	uint64_t		nr_free[MF_MAX_ORDERS];
	uint64_t		nr_free_mt[MF_MAX_ORDERS][MF_MAX_MT];
	struct slist		fl[MF_MAX_ORDERS][MF_MAX_MT];
	struct pcp		*pcp;		/* nr_cpus */
	int			nr_start_high;	/* the start capture's pcp->high per CPU */
	uint32_t		start_high[MF_MAX_PCP_CPUS];
	uint32_t		start_count[MF_MAX_PCP_CPUS];	/* and its count */

	/* compaction (struct zone's compact_* fields) */
	uint64_t		cached_migrate[2], cached_free;
	uint64_t		init_migrate, init_free;
	unsigned int		considered, defer_shift;
	int			order_failed;
	bool			blockskip_flush;
	/*
	 * The trace's first mm_compaction_begin per mode in this zone has been taken as the
	 * kernel's cached positions (seen[sync]); passed: our own scanners have since met
	 * or been reset, so our positions are our own (mf_sim_traced_begin()).
	 */
	bool			begin_seen[2], passed;
	/*
	 * The kernel's zone: its scanners met in a direct run (compact_blockskip_flush), and
	 * its skip bits were reset since the trace began (mf_sim_traced_migrate_scan()).
	 */
	bool			kflush, kreset;
	bool			sreset;		/* ours were reset: __reset_isolation_suitable() */
	bool			defer_seen;	/* mf_sim_traced_defer() took the kernel's */
};

struct pending {
	uint32_t	spfn;		/* the frame the page has in the simulator */
	uint32_t	next;		/* FIFO by order, or the free list of entries */
};

/* Sources of migration whose failure rates differ (mode and who compacts). */
enum { SIM_MSRC_ASYNC, SIM_MSRC_SYNC, SIM_MSRC_BACKGROUND, SIM_NR_MSRC };

struct snode {
	int		kswapd_order;	/* -1: kswapd asleep */
	int		kswapd_hzi;
	int		kcd_max_order;	/* kcompactd_max_order, 0: nothing asked */
	int		kcd_cpu, kswapd_cpu;	/* where the trace last showed them, -1: not yet */
	int		kcd_hzi;
	uint64_t	kcd_next;	/* next proactive check (trace ns) */
	uint64_t	kcd_sleep;	/* the trace's last kcompactd_sleep */
	uint64_t	kcd_backoff;	/* no proactive check before (a round that did not help) */
	bool		kcd_unknown;	/* the kernel's wait began before the trace: no timer */
	bool		kcd_woken;	/* the trace's kcompactd was woken since its last sleep */
	bool		reclaiming;	/* the trace's kswapd, between its wake and sleep */
	bool		napped;		/* and its nap since that wake was seen */
	int		ra_hzi;		/* and its wake's classzone */
	unsigned int	proactive_defer;
	/* balance_pgdat() in progress (sim-vmscan.c) */
	int		reclaim_order;	/* sc.order: 0 once compact_gap() is reclaimed */
	uint64_t	nr_boost_reclaim;
	bool		boosted;	/* the run started with a boost */
	uint64_t	reclaimed;	/* sc.nr_reclaimed */
	uint64_t	budget_ts;	/* trace time the reclaim budget was last topped up */
	int64_t		budget;		/* pages kswapd may still reclaim by now */
	int		kswapd_failures;
	uint64_t	idle_ts;	/* when its passes began to reclaim nothing (0: they do) */
	/* kswapd_shrink_node() rounds of balance_pgdat() */
	int		priority;	/* sc.priority */
	bool		in_round;
	bool		round_boost;	/* a boost round: the start's pages only */
	uint64_t	round_left;	/* pages this round may still reclaim */
	uint64_t	round_target;
	uint64_t	round_want;	/* its sc->nr_to_reclaim, as kswapd_shrink_node() set it */
	uint64_t	round_reclaimed;
};

/* reclaim candidates: pages the kernel could reclaim (LRU, not anonymous), in LRU order */
struct lru_pool {
	uint32_t	*tpfn;		/* the kernel's pfn of each page (or folio head) */
	uint8_t		*order;
	uint64_t	n, cap, next;	/* [next, n): not yet taken */
	uint64_t	seeded;		/* [0, seeded): the start capture's pages */
	uint64_t	pages;		/* pages in [next, n) */
	unsigned int	inactive_pm;	/* the start's inactive share of its LRU pages, per mille */
};

/* compaction_capture(): a direct compactor waiting for a block of its order */
struct capture_control {
	int		order;
	int		mt;
	uint64_t	page;		/* MF_PFN_NONE until captured */
	struct szone	*zone;
};

struct mf_sim {
	struct mf_sim_config	c;
	int			max_order, pbo, pcp_thp_order;
	int			traced_pbo;	/* the traced kernel's pageblock order */
	bool			mobility_disabled;	/* page_group_by_mobility_disabled */
	int			nr_cpus;
	int			nr_zones;
	struct szone		z[MF_MAX_ZONES];
	int			last_zone;

	uint64_t		nr_pfns;
	uint8_t			*st;
	uint32_t		*lnk, *prv;
	uint8_t			*pb;

	uint32_t		*t2s;
	uint64_t		nr_t2s;

	struct pending		*pend;
	uint32_t		nr_pend, cap_pend, pend_free;
	struct slist		pend_fifo[MF_MAX_ORDERS];

	struct snode		node[MAX_NODES];
	uint64_t		now, next_decay;
	bool			started;
	bool			kcd_pending;		/* a wakeup_kcompactd to act on */
	struct capture_control	*capc;
	int			cur_cpu;

	struct mf_sim_stats	stats;
	uint64_t		thp_faults, thp_regfp, thp_as_4k, thp_madv_guessed;
	uint64_t		thp_fallback;	/* THP faults the kernel served, we failed */
	bool			in_4k;		/* alloc_4k(): its pages are no requests */
	uint64_t		hugetlb_taken, hugetlb_short;
	uint64_t		kfail_served;	/* requests the kernel failed that we served */
	bool			started_hopeless;	/* a node's kswapd had given up at the start */
	uint64_t		start_ts, revived_ts;	/* the start; reclaim progress revived it */
	bool			kcd_traced;		/* kcompactd's wait taken from the trace */
	uint64_t		kcd_first_sleep;	/* the trace's first kcompactd sleep */
	uint64_t		frees_split;	/* frees of folios split on our side, page by page */
	bool			thp_retry_pending;	/* a THP fault's local try, see alloc_one() */
	uint64_t		thp_retry_pfn;
	struct mf_sim_req	thp_retry_req;		/* the local try an owed one follows */
	uint64_t		thp_second_tries;	/* alloc_pages_mpol()'s second tries made */
	bool			absorbing;	/* a served THP the kernel failed, see absorb() */
	uint64_t		absorb_pfn;
	uint64_t		absorb_next;
	int			absorb_cpu;
	uint64_t		thp_absorbed;	/* the kernel's 4K fallback pages it stood for */

	/* reclaim approximated (sim-vmscan.c) */
	struct lru_pool		lru;
	uint64_t		reclaim_ahead;	/* pages our kswapd reclaimed beyond the trace's */
	uint64_t		reclaim_pool_pages;	/* pages our kswapd took from the pool */
	uint64_t		reclaim_trace_pages;	/* the trace's kswapd frees applied */
	uint64_t		boosts_given_up;	/* our boost balances ended at once */
	uint64_t		reclaim_absorbed;	/* the trace's kswapd frees ours had done already */
	uint64_t		reclaim_pool_seeded;
	uint64_t		reclaim_pool_inserted;	/* pages the trace put on a reclaimable LRU */
	uint64_t		reclaim_freed_later;	/* trace frees of pages ours reclaimed */
	uint64_t		direct_reclaim_pages, direct_reclaim_rounds;	/* ours */
	/*
	 * rclm: bit per kernel pfn (sim_tbit()), the page at that pfn is on an LRU list the
	 * kernel's reclaim scans (a pool entry is stale once its pfn was allocated again);
	 * rclm_seeded: the start state said which pages those were; no_swap: anonymous
	 * pages are not among them.
	 */
	uint64_t		*rclm;
	uint64_t		*rclm_active;	/* the start's active ones, until sim_lru_seed() */
	bool			rclm_seeded, no_swap;
	/*
	 * Page cache the trace wrote: fdirty, a bit per kernel pfn, a large folio allocated
	 * for a write (fwrite) the trace put on a file LRU list less than DIRTY_EXPIRE_NS
	 * ago (dirty or under writeback, so compaction cannot migrate it, see
	 * sim-migrate.c); the FIFO of those insertions clears the bits as they expire.
	 * file_seen: the trace showed such insertions.
	 */
	uint64_t		*fdirty;
	uint64_t		*fwrite;	/* a large folio allocated with __GFP_WRITE */
	struct {
		uint32_t	*tpfn;
		uint64_t	*ts;
		uint8_t		*order;
		uint64_t	n, cap, next;
		uint64_t	pages;		/* of the entries from next on */
	} dirty;
	bool			file_seen;
	uint64_t		dirty_fail;		/* simulated pages that failed for it */
	uint64_t		dirty_enomem;		/* migrations ended on a dirty folio, no target */
	uint64_t		dirty_enomem_clean;	/* such folios over the trace's share: split */
	uint64_t		totalreserve;		/* totalreserve_pages */
	uint64_t		dirty_clean_trace;	/* written back: the trace's kswapd took them */
	uint64_t		dirty_clean_kswapd;	/* written back: ours found them dirty */

	/* what makes the kernel's compaction fail, learned from the trace (sim-compact.c) */
	struct {
		uint64_t	migrated[SIM_NR_MSRC], failed[SIM_NR_MSRC];	/* pages */
		uint64_t	enomem[SIM_NR_MSRC];	/* of failed: the batches that ended runs */
		uint64_t	calls;			/* mm_compaction_migratepages seen */
		uint64_t	async_runs, async_contended, async_enomem;	/* the kernel's direct async */
		uint64_t	async_exposed;	/* of its batches, those a check followed */
		/* kcompactd's (and manual) runs that migrated: ended on -ENOMEM, their batches */
		uint64_t	bg_runs, bg_enomem, bg_enomem_batches;
		uint64_t	prior_ppm;		/* the captures' pgmigrate_fail share */
		bool		have_prior;
	} learn;
	uint64_t		rng;			/* splitmix64 state: the config's seed */
	uint64_t		injected_fail, injected_contended, injected_bg_enomem;
	/* pinned-frame density per source (ppm), steered to the learned failure share */
	uint64_t		pin_ppm[SIM_NR_MSRC];
	uint64_t		sim_tried[SIM_NR_MSRC], sim_failed[SIM_NR_MSRC];
	uint64_t		sim_enomem[SIM_NR_MSRC];	/* pages failed in -ENOMEM batches */
};

/* ---- small helpers ------------------------------------------------------------------ */

static inline int st_order(uint8_t v)
{
	return v & ST_ORDER;
}

static inline uint8_t st_kind(uint8_t v)
{
	return v & ST_KIND;
}

static inline int pb_mt(const struct mf_sim *s, uint64_t pfn)
{
	return s->pb[pfn >> s->pbo] & PB_MT;
}

static inline bool pb_skip(const struct mf_sim *s, uint64_t pfn)
{
	return s->pb[pfn >> s->pbo] & PB_SKIP;
}

/* the capture's pageblock has no page (a hole of the span): no scanner visits it */
static inline bool pb_absent(const struct mf_sim *s, uint64_t pfn)
{
	return s->pb[pfn >> s->pbo] & PB_ABSENT;
}

static inline void pb_set_skip(struct mf_sim *s, uint64_t pfn, bool on)
{
	if (on)
		s->pb[pfn >> s->pbo] = (uint8_t)((s->pb[pfn >> s->pbo] | PB_SKIP) & ~PB_GUESS);
	else
		s->pb[pfn >> s->pbo] &= (uint8_t)~(PB_SKIP | PB_GUESS);
}

static inline uint64_t pageblock_nr_pages(const struct mf_sim *s)
{
	return 1ULL << s->pbo;
}

static inline uint64_t pageblock_start(const struct mf_sim *s, uint64_t pfn)
{
	return pfn & ~(pageblock_nr_pages(s) - 1);
}

static inline uint64_t pageblock_end(const struct mf_sim *s, uint64_t pfn)
{
	return pageblock_start(s, pfn) + pageblock_nr_pages(s);
}

/*
 * Frame p is still the start capture's page in use at the kernel's pfn (mf_sim_new() seeds
 * every frame so, one page each); nothing of the trace has touched it.
 */
static inline bool sim_seed_identity(const struct mf_sim *s, uint64_t p)
{
	return p < s->nr_t2s && s->t2s[p] == (uint32_t)p && s->lnk[p] == (uint32_t)p &&
	       st_kind(s->st[p]) == ST_USED;
}

static inline bool is_buddy_head(const struct mf_sim *s, uint64_t pfn, int order)
{
	uint8_t v = s->st[pfn];

	return st_kind(v) == ST_BUDDY && !(v & ST_ISOLATED) && st_order(v) == order;
}

static inline uint64_t wmark_pages(const struct szone *z, int i)
{
	return z->wmark[i] + z->boost;
}

/* ---- the allocator, used by compaction (sim.c, sim-pcp.c, sim-rmqueue.c, sim-owner.c) ---- */

void sim_del_free(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int mt);
void sim_add_free(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int mt, bool tail);
void sim_set_pageblock_mt(struct mf_sim *s, uint64_t pfn, int mt);
bool sim_move_freepages_block(struct mf_sim *s, struct szone *z, uint64_t pfn, int new_mt);
/* Free a block whose st[] was cleared by the caller, through the per-CPU lists if allowed. */
void sim_pcp_release(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int cpu);
void sim_free_pages(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int cpu);
void sim_drain_zone_cpu(struct mf_sim *s, struct szone *z, int cpu);
void sim_drain_zone(struct mf_sim *s, struct szone *z);
bool sim_zone_watermark_ok(const struct mf_sim *s, const struct szone *z, int order,
			   uint64_t mark, int hzi, unsigned int alloc_flags, int64_t free_pages);
int sim_find_suitable_fallback(const struct mf_sim *s, const struct szone *z, int order,
			       int mt, bool claimable);
uint64_t sim_free_pages_blocks(const struct mf_sim *s, const struct szone *z);
/* split_page(): the used block at pfn becomes order-0 used pages, owners spread over them. */
void sim_split_used(struct mf_sim *s, uint64_t pfn);
/* Make t2s[] cover the kernel's pfns [0, end): 0 or -1. */
int sim_t2s_reserve(struct mf_sim *s, uint64_t end);
/* Compaction moved the used block at from to to: its owner follows. */
void sim_owner_moved(struct mf_sim *s, uint64_t from, uint64_t to, int order);
/* Mark pfn as the head of a used block of order; owner as in lnk[]. */
static inline void sim_set_used(struct mf_sim *s, uint64_t pfn, int order, bool movable, uint32_t owner)
{
	uint64_t i;

	s->st[pfn] = (uint8_t)(ST_USED | order | (movable ? ST_MOVABLE : 0));
	for (i = 1; i < (1ULL << order); i++)
		s->st[pfn + i] = 0;
	s->lnk[pfn] = owner;
}

/* The allocation context a direct compactor works for. */
struct alloc_ctx {
	int		order;
	int		mt;		/* gfp migratetype (after mobility grouping) */
	uint64_t	gfp;
	unsigned int	alloc_flags;
	int		hzi;		/* highest zone type */
	int		node;
	int		cpu;
	int		reclaim_rounds;	/* the kernel's direct reclaim made progress this often */
	uint64_t	tpfn;		/* the traced kernel's block, or MF_PFN_NONE */
};

uint64_t sim_get_page_from_freelist(struct mf_sim *s, const struct alloc_ctx *ac,
				    unsigned int alloc_flags);
struct szone *sim_zone_of(struct mf_sim *s, uint64_t pfn);

/* ---- compaction, used by the allocator (sim-kcompactd.c, sim-compact.c) ------------ */

/*
 * __alloc_pages_direct_compact(): returns the allocated pfn or MF_PFN_NONE; *result is
 * try_to_compact_pages()'s.
 */
uint64_t sim_direct_compact(struct mf_sim *s, const struct alloc_ctx *ac, enum cp_prio prio,
			    enum cp_result *result);
void sim_wakeup_kcompactd(struct mf_sim *s, int node, int order, int hzi);
void sim_kcompactd_work(struct mf_sim *s);
int sim_daemon_cpu(const struct mf_sim *s, int node, bool kcompactd);
void sim_kcompactd_timer(struct mf_sim *s, int node);
void sim_compact_manual(struct mf_sim *s, struct szone *z);
void sim_reset_isolation_suitable(struct mf_sim *s, int node);
unsigned int sim_node_score(const struct mf_sim *s, int node);

/* small helpers the allocator's files share */
/* free-list primitives: the lists are threaded through lnk[] (next) and prv[] */
static inline void sim_list_add(struct mf_sim *s, struct slist *l, uint64_t pfn, bool tail)
{
	uint32_t p = (uint32_t)pfn;

	if (l->head == NIL) {
		s->lnk[p] = s->prv[p] = NIL;
		l->head = l->tail = p;
	} else if (tail) {
		s->prv[p] = l->tail;
		s->lnk[p] = NIL;
		s->lnk[l->tail] = p;
		l->tail = p;
	} else {
		s->lnk[p] = l->head;
		s->prv[p] = NIL;
		s->prv[l->head] = p;
		l->head = p;
	}
}

static inline void sim_list_del(struct mf_sim *s, struct slist *l, uint64_t pfn)
{
	uint32_t p = (uint32_t)pfn, n = s->lnk[p], v = s->prv[p];

	if (v == NIL)
		l->head = n;
	else
		s->lnk[v] = n;
	if (n == NIL)
		l->tail = v;
	else
		s->prv[n] = v;
}

static inline bool list_empty(const struct slist *l)
{
	return l->head == NIL;
}

static inline bool pcp_allowed_order(const struct mf_sim *s, int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == s->pcp_thp_order;
}

static inline int pindex_to_order(const struct mf_sim *s, int pindex)
{
	return pindex >= 12 ? s->pcp_thp_order : pindex / MF_MT_PCPTYPES;
}

static inline bool zone_usable(const struct szone *z, const struct alloc_ctx *ac)
{
	return z->type <= ac->hzi && z->d.managed > 0;
}

/* HPAGE_FRAG_CHECK_INTERVAL_MSEC: kcompactd's wait */
#define KCD_TIMEOUT	500000000ULL
#define KCD_SLACK	50000000ULL	/* a traced wait's overrun: 10-15 ms seen */

/* __rmqueue()'s mode, which rmqueue_bulk() carries between iterations */
enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CMA, RMQUEUE_CLAIM, RMQUEUE_STEAL };

/* sim.c: free lists, buddy merging */
void sim_move_free_range(struct mf_sim *s, struct szone *z, uint64_t p, uint64_t end, int new_mt);
void sim_free_one_page_core(struct mf_sim *s, struct szone *z, uint64_t pfn, int order,
			    int mt, bool to_tail);
void sim_free_one_page(struct mf_sim *s, struct szone *z, uint64_t pfn, int order);

/* sim-pcp.c: per-CPU lists */
void sim_pcp_traced_alloc(struct mf_sim *s, struct szone *z, int order, int mt, int cpu);
uint64_t sim_pcp_take(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int cpu);
uint64_t sim_rmqueue_pcplist(struct mf_sim *s, struct szone *z, int order, int mt,
			     unsigned int alloc_flags, int cpu);
void sim_drain_all_pages(struct mf_sim *s);
void sim_decay_pcp(struct mf_sim *s);

/* sim-rmqueue.c: rmqueue and the fallbacks */
uint64_t sim_rmqueue(struct mf_sim *s, struct szone *z, int order, int mt,
		     unsigned int alloc_flags, enum rmqueue_mode *mode);

/* sim-slowpath.c: watermarks, kswapd, the slow path */
bool sim_wmark_ok(const struct mf_sim *s, const struct szone *z, int order,
		  uint64_t mark, int hzi, unsigned int alloc_flags);
bool sim_zone_watermark_fast(const struct mf_sim *s, const struct szone *z, int order,
			     uint64_t mark, int hzi, unsigned int alloc_flags);
void sim_deferred_work(struct mf_sim *s);
unsigned int sim_gfp_to_alloc_flags(const struct mf_sim *s, const struct alloc_ctx *ac);
int sim_gfp_zone(uint64_t gfp);
uint64_t sim_alloc_pages(struct mf_sim *s, struct alloc_ctx *ac);
/* sim-owner.c: a config's nr_hugepages above the capture's, taken at the start */
void sim_hugetlb_pool(struct mf_sim *s);
/*
 * The page (or folio) the kernel knew at tpfn, still held whole by the workload: our
 * frame, or MF_PFN_NONE.
 */
uint64_t sim_owner_frame(const struct mf_sim *s, uint64_t tpfn, int order);
/* Free the block at frame pfn as reclaimed: the trace's later free of it is ignored. */
void sim_reclaim_frame(struct mf_sim *s, uint64_t pfn, int cpu);
void sim_dirty_expire(struct mf_sim *s);
void sim_dirty_reclaimed(struct mf_sim *s, uint64_t tpfn);

/* sim-vmscan.c: kswapd (wakeup_kswapd(), balance_pgdat(), kswapd_try_to_sleep()) */
void sim_wakeup_kswapd(struct mf_sim *s, int node, uint64_t gfp, int order, int hzi);
void sim_wakeup_kswapd_traced(struct mf_sim *s, int node, int order, int hzi);
bool sim_kswapd_as_traced(const struct mf_sim *s);
void sim_kswapd_traced_sleep(struct mf_sim *s, int node, bool sleep);
bool sim_reclaim_as_traced(const struct mf_sim *s);
void sim_kswapd_traced_balance(struct mf_sim *s, int node);

/* The zones are the traced kernel's: no machine (memory=) or ZONE_MOVABLE of the config's. */
static inline bool sim_zones_as_traced(const struct mf_sim *s)
{
	return !s->c.memory && !s->c.kernelcore && !s->c.movablecore;
}

/* the trace's kcompactd runs that ended on -ENOMEM: their batches, rounded mean (0: none) */
static inline uint64_t sim_bg_enomem_mean(const struct mf_sim *s)
{
	return s->learn.bg_enomem ?
	       (s->learn.bg_enomem_batches + s->learn.bg_enomem / 2) / s->learn.bg_enomem : 0;
}

/* wake_all_kswapds()'s reclaim order: defrag_mode has kswapd work for whole pageblocks */
static inline int sim_kswapd_reclaim_order(const struct mf_sim *s, int order)
{
	return s->c.defrag_mode && order < s->pbo ? s->pbo : order;
}
#define MAX_RECLAIM_RETRIES	16	/* mm/internal.h */
void sim_kswapd_work(struct mf_sim *s, int node);
bool sim_direct_reclaim(struct mf_sim *s, int node, int hzi, int cpu);
void sim_reclaim_progress(struct mf_sim *s, int node);
bool sim_pgdat_balanced(const struct mf_sim *s, int node, int order, int hzi);
void sim_kswapd_credit(struct mf_sim *s, int node, uint64_t pages);
int sim_lru_add(struct mf_sim *s, uint64_t tpfn, int order);
/* The bitmaps over the kernel's pfns (rclm, fdirty, fwrite): nr_t2s bits, grown with t2s. */
static inline bool sim_tbit(const struct mf_sim *s, const uint64_t *map, uint64_t tpfn)
{
	return tpfn < s->nr_t2s && (map[tpfn / 64] >> (tpfn % 64) & 1);
}
static inline void sim_tbit_set(const struct mf_sim *s, uint64_t *map, uint64_t tpfn, bool on)
{
	if (tpfn >= s->nr_t2s)
		return;
	if (on)
		map[tpfn / 64] |= 1ULL << (tpfn % 64);
	else
		map[tpfn / 64] &= ~(1ULL << (tpfn % 64));
}
/* clear [tpfn, tpfn + n): whole words where the range covers them */
static inline void sim_tbits_clear(const struct mf_sim *s, uint64_t *map, uint64_t tpfn,
				   uint64_t n)
{
	uint64_t p = tpfn, end = tpfn + n < s->nr_t2s ? tpfn + n : s->nr_t2s;

	for (; p < end && (p & 63); p++)
		map[p / 64] &= ~(1ULL << (p % 64));
	for (; p + 64 <= end; p += 64)
		map[p / 64] = 0;
	for (; p < end; p++)
		map[p / 64] &= ~(1ULL << (p % 64));
}
void sim_lru_seed(struct mf_sim *s);

/* struct compact_control (mm/internal.h): one compaction run */
struct fblock {
	uint64_t	pfn;
	int		order;
};

/* cc->freepages[]: isolated free blocks by order (list head at index 0) */
struct flist {
	struct fblock	*v;
	int		n, cap;
};

struct cc {
	struct mf_sim		*s;
	struct szone		*zone;
	int			order;		/* -1: compact_memory, proactive */
	int			mt;		/* gfp migratetype of the request */
	enum migrate_mode	mode;
	bool			direct, whole_zone, ignore_skip_hint, ignore_block_suitable;
	bool			proactive, finish_pageblock;
	int			search_order;	/* fast_isolate_freepages() round robin */
	unsigned int		fast_search_fail;
	uint64_t		fast_start_pfn;	/* 0 unset, UINT64_MAX used */
	unsigned int		alloc_flags;
	int			hzi;
	int			cpu;
	uint64_t		migrate_pfn, free_pfn;
	struct fblock		src[SIM_SRC_MAX];
	int			nr_src;
	uint64_t		nr_migratepages, nr_freepages;	/* pages */
	struct flist		fl[MF_MAX_ORDERS];
	uint64_t		total_migrate_scanned, total_free_scanned;
	int			contend_after;	/* >= 0: the run is contended after as many batches */
	int			batches;	/* migrate_pages() calls */
};

static inline int sim_nr_orders(const struct mf_sim *s)
{
	return s->max_order + 1;
}

/* sim-compact.c: the scanners, one zone's run */
enum cp_result sim_suit_allocation_order(struct mf_sim *s, struct szone *z, int order,
					 int hzi, unsigned int alloc_flags, bool async,
					 bool kcompactd);
bool sim_kswapd_running(const struct mf_sim *s, int node);
enum cp_result sim_compact_zone(struct cc *cc, struct capture_control *capc);
void sim_cc_init(struct cc *cc, struct mf_sim *s, struct szone *z, int order, int mt,
		 enum migrate_mode mode);
bool sim_compaction_target(struct cc *cc, int order);
bool sim_compaction_alloc(struct cc *cc, int order, uint64_t *pfn);

/* sim-migrate.c: migrate_pages() and the failure rates learned from the trace */
void sim_draw_contention(struct cc *cc);
int sim_migrate_pages(struct cc *cc);
/* the trace's failed pages of source i that are drawn at a rate (no -ENOMEM batches) */
uint64_t sim_learned_failed(const struct mf_sim *s, int i);

/* sim-kcompactd.c: deferral, direct compaction, kcompactd, proactive compaction */
unsigned int sim_zone_score(const struct mf_sim *s, const struct szone *z);
unsigned int sim_score_wmark(const struct mf_sim *s, bool low);
bool sim_compaction_restarting(const struct szone *z, int order);

#endif
