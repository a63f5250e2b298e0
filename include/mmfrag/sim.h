/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_SIM_H
#define MMFRAG_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "model.h"
#include "observe.h"

/*
 * Simulate mode: the model's own allocator.  The trace supplies only the workload (what
 * was asked for, when, on which CPU, and when it was given back); the simulator picks
 * the page frames with the kernel's policy (src/sim/: per-CPU lists, __rmqueue_smallest,
 * claim and steal, watermarks and boosting) and compacts memory as the kernel would
 * (direct, kcompactd, proactive and manual compaction).  Plain C, no I/O.
 *
 * A config names the kernel knobs it changes; every other knob is the traced kernel's
 * (its capture's watermarks, pageblock order, ...).  Several simulators can run side
 * by side over one pass of the trace, one per config.
 */

/* A knob left at MF_SIM_KEEP takes the traced kernel's value (or the kernel default). */
#define MF_SIM_KEEP	(-1)

struct mf_sim_config {
	char		name[64];		/* "default", or name=, or the config text */
	char		text[256];		/* as given on the command line */
	int		max_order;		/* MAX_PAGE_ORDER */
	int		pageblock_order;
	int		extfrag_threshold;	/* vm.extfrag_threshold, default 500 */
	int		compaction_proactiveness;	/* default 20 */
	int		watermark_scale_factor;	/* KEEP: the capture's watermarks */
	int		watermark_boost_factor;	/* default 15000 */
	int		min_free_kbytes;	/* KEEP: the capture's watermarks */
	int		mobility_grouping;	/* 1 on, 0 = page_group_by_mobility_disabled */
	int		compaction;		/* 1: CONFIG_COMPACTION, 0: none at all */
	int		defrag_mode;		/* vm.defrag_mode (v6.15+) */
	uint64_t	memory;			/* bytes; 0: the start capture's layout */
	uint64_t	kernelcore, movablecore;	/* bytes (boot options); 0: as traced */
	int		percpu_pagelist_high_fraction;	/* 0: pcp high auto-tuned */
	int		thp_enabled;		/* enum mf_thp_enabled; KEEP: as traced */
	int		thp_defrag;		/* enum mf_thp_defrag; KEEP: as traced */
	int		nr_hugepages;		/* hugetlb pool; KEEP: the capture's */
	int		seed;			/* the simulator's own draws; 0 as ever */

	uint64_t	given;			/* bit per knob table index: set by the config */
	/*
	 * The traced kernel's settings behind the knobs that default to it
	 * (mf_sim_config_traced()); -1 where the capture has none (older captures).
	 */
	struct {
		int	nr_settings;		/* settings read from the capture; 0: none */
		int	watermark_scale_factor, min_free_kbytes;
		int	thp_enabled, thp_defrag, nr_hugepages;
		int	compaction_proactiveness, watermark_boost_factor, defrag_mode;
	} traced;
};

/* /sys/kernel/mm/transparent_hugepage/enabled and defrag, in the kernel's order */
enum mf_thp_enabled { MF_THP_ALWAYS, MF_THP_MADVISE, MF_THP_NEVER };
enum mf_thp_defrag {
	MF_THP_DEFRAG_ALWAYS, MF_THP_DEFRAG_DEFER, MF_THP_DEFRAG_DEFER_MADVISE,
	MF_THP_DEFRAG_MADVISE, MF_THP_DEFRAG_NEVER,
};

/* Defaults: the traced kernel as it ran (KEEP where it has a value of its own). */
void mf_sim_config_default(struct mf_sim_config *c);
/*
 * Parse "KEY=VALUE[,KEY=VALUE]..." onto c (keys in man mmfrag-replay, SIMULATE MODE).
 * Returns 0, or -1 with one line in err naming the key or value.
 */
int mf_sim_config_parse(struct mf_sim_config *c, const char *text, char *err, size_t len);

/* What the traced kernel had: the knobs a config leaves at MF_SIM_KEEP take these. */
struct mf_sim_traced {
	int		max_order;		/* MAX_PAGE_ORDER */
	int		pageblock_order;
};

/* One zone of the simulated machine. */
struct mf_sim_zone_desc {
	struct mf_zone_desc	d;
	int			type;		/* enum zone_type: 0 DMA, 1 DMA32, 2 Normal, 3 Movable */
	/*
	 * min, low, high as zoneinfo prints them (0 = compute): min_wmark_pages() and the
	 * others add zone->watermark_boost to _watermark[], so mf_sim_new() takes boost off
	 * to get the base watermarks and starts the zone with that boost.
	 */
	uint64_t		wmark[3];
	uint64_t		boost;		/* zoneinfo's "boost" */
	/* each CPU's pageset "high" (pcp->high, auto-tuned since v6.7) and "count"; 0 CPUs: unknown */
	int			nr_pcp_high;
	uint32_t		pcp_high[MF_MAX_PCP_CPUS];
	uint32_t		pcp_count[MF_MAX_PCP_CPUS];
	/* zoneinfo's node_unreclaimable: the node's kswapd starts hopeless */
	bool			node_unreclaimable;
};

/* ---- counters ------------------------------------------------------------------- */

struct mf_sim_compaction {
	struct mf_cp_outcome	direct;				/* compact_stall/success/fail */
	struct mf_cp_outcome	direct_by_order[MF_MAX_ORDERS];
	struct mf_cp_outcome	direct_by_prio[MF_CP_NR_PRIO];
	uint64_t		direct_attempts;		/* try_to_compact_pages */
	uint64_t		direct_skipped;			/* attempts that were no stall */
	uint64_t		runs_direct, runs_kcompactd, runs_proactive, runs_manual;
	uint64_t		end_status[MF_CP_NR_STATUS];	/* every compact_zone that ran */
	uint64_t		end_status_direct[MF_CP_NR_STATUS];
	uint64_t		end_status_kcompactd[MF_CP_NR_STATUS];
	uint64_t		end_status_proactive[MF_CP_NR_STATUS];
	uint64_t		suitable[MF_CP_NR_STATUS];	/* compaction_suit_allocation_order */
	uint64_t		kcompactd_wake;			/* compact_daemon_wake */
	uint64_t		wakeup_kcompactd, kswapd_wake;
	uint64_t		kswapd_wake_traced;		/* of them: by a traced wake */
	uint64_t		proactive_rounds;
	uint64_t		deferred, defer_compaction, defer_reset;
	uint64_t		migrate_scanned, free_scanned;	/* compact_*_scanned */
	uint64_t		isolated_migrate, isolated_free;
	uint64_t		migrated, migrate_failed;	/* pages */
	uint64_t		captured;
};

struct mf_sim_stats {
	uint64_t	requests[MF_MAX_ORDERS];	/* allocation requests replayed */
	uint64_t	failures[MF_MAX_ORDERS];	/* still failed after compaction */
	uint64_t	kernel_failed[MF_MAX_ORDERS];	/* the trace's own failures, replayed too */
	uint64_t	slowpath[MF_MAX_ORDERS];	/* requests past the low watermark */
	uint64_t	fallback[MF_MAX_MT][MF_MAX_MT][2];	/* [alloc mt][fallback mt][claimed] */
	uint64_t	fallback_fragmenting;
	uint64_t	fallback_by_order[MF_MAX_ORDERS];
	uint64_t	boosts;				/* boost_watermark() raised a boost */

	/* the workload as the simulator took it */
	uint64_t	frees;			/* frees applied */
	uint64_t	frees_unmatched;	/* frees of frames the simulator never handed out */
	uint64_t	frees_of_failed;	/* frees of requests the simulator had failed */
	uint64_t	frees_after_migration;	/* frees of pages the kernel's compaction had moved */
	uint64_t	kernel_migrations;	/* the trace's compaction moves, not workload frees */
	uint64_t	stale_released;		/* frames the trace showed free that we held in use */
	uint64_t	reclaim_drains;		/* drain_all_pages() after a direct reclaim with progress */
	uint64_t	placed;			/* requests the kernel served that we served too */
	uint64_t	placed_as_traced;	/* of those, at the kernel's own frames */
	uint64_t	pcp_pages;		/* on per-CPU lists at the end */

	struct mf_sim_compaction cp;
};

/* ---- the simulator ----------------------------------------------------------------- */

struct mf_sim;

/*
 * A machine of nr_zones zones (sorted by node, then zone type) with nr_cpus CPUs.  Every
 * page frame starts in use by "the past" (not movable, trace pfn = its own pfn) until
 * seeded otherwise; mf_sim_new_empty() starts with every frame free instead (memory=).
 * NULL on ENOMEM or a config the layout cannot take (errno EINVAL).
 */
struct mf_sim *mf_sim_new(const struct mf_sim_config *c, const struct mf_sim_traced *t,
			  const struct mf_sim_zone_desc *zones, int nr_zones, int nr_cpus);
void mf_sim_free_all(struct mf_sim *s);

/*
 * Seeding, before the first request: pageblock types (of a capture's pageblocks of
 * 2^order pages: where ours are larger, a non-movable type wins), free blocks, movable
 * in-use pages.
 */
void mf_sim_seed_pageblock(struct mf_sim *s, uint64_t pfn, int order, int mt);
/* The capture's pageblock of 2^order pages at pfn has no page (pagetypeinfo skips it). */
void mf_sim_seed_pageblock_absent(struct mf_sim *s, uint64_t pfn, int order);
int mf_sim_seed_free(struct mf_sim *s, uint64_t pfn, int order);
void mf_sim_seed_movable(struct mf_sim *s, uint64_t pfn);
/*
 * Which of the start's LRU pages the kernel's reclaim could take (bits, a bit per pfn, nr
 * of them; NULL: every one), which of them were active (NULL: none), and whether
 * anonymous pages are out of its reach (no swap).  0 or -ENOMEM.
 */
int mf_sim_seed_reclaimable(struct mf_sim *s, const uint64_t *bits, const uint64_t *active,
			    uint64_t nr, bool no_swap);
/* Free blocks onto the non-movable lists pagetypeinfo counts (sim-seedmt.c), once seeded. */
void mf_sim_seed_free_types(struct mf_sim *s, int zone,
			    const uint64_t free_mt[MF_MAX_ORDERS][MF_MAX_MT]);
/* A compound page in use at the capture (THP, large folio, hugetlb): one block of order. */
int mf_sim_seed_used(struct mf_sim *s, uint64_t pfn, int order, bool movable);
/* Starts every frame free (memory= layouts): pageblocks MOVABLE, blocks of max order. */
void mf_sim_seed_all_free(struct mf_sim *s);
/* End of seeding: watermarks, per-CPU sizing, page_group_by_mobility_disabled. */
void mf_sim_start(struct mf_sim *s, uint64_t ts);

/* A compound page in use at a start capture: head pfn, length in pages, on the LRU. */
struct mf_sim_folio {
	uint64_t	pfn;
	uint32_t	len;
	bool		lru;
};

/*
 * zoneinfo's min, low, high (boost included, as printed) and boost of one zone; all 0
 * when the capture has no zoneinfo
 */
struct mf_zone_wmarks {
	uint64_t	wmark[3];
	uint64_t	boost;
	int		nr_pcp_high;			/* the per-CPU pagesets' high */
	uint32_t	pcp_high[MF_MAX_PCP_CPUS];
	uint32_t	pcp_count[MF_MAX_PCP_CPUS];	/* and the pages on their lists */
	bool		node_unreclaimable;		/* zoneinfo's, of the zone's node */
};

/* pagetypeinfo of a zone at the start capture: its free blocks per order and type */
struct mf_zone_free_mt {
	bool		known;
	uint64_t	n[MF_MAX_ORDERS][MF_MAX_MT];
};

/* What a replay knows at its start capture, for a simulator built from it. */
struct mf_sim_start_state {
	const struct mf_model		*m;	/* seeded model: zones, free blocks, types */
	const struct mf_zone_wmarks	*wmarks; /* per model zone, or NULL: computed */
	const struct mf_zone_free_mt	*free_mt; /* per model zone, or NULL */
	const uint64_t			*movable; /* bit per pfn: an LRU page, not compound */
	uint64_t			nr_movable;
	/*
	 * bit per pfn (nr_movable of them; a folio's head): pages the kernel's reclaim could
	 * take at the start (LRU, file only without swap; NULL: every LRU page), and which
	 * of them were on an active list
	 */
	const uint64_t			*reclaimable, *reclaim_active;
	bool				no_swap; /* anonymous pages are not reclaimable */
	const struct mf_sim_folio	*folios; /* naturally aligned compound pages */
	size_t				nr_folios;
};

/*
 * A simulator for config c, seeded, not yet started (mf_sim_start()): with c->memory an
 * x86-64 machine of that size, every frame free; else the machine of the start state,
 * its free blocks, pageblock types and pages in use (st may be NULL only with memory=).
 * *from is "memory" or "capture".  NULL with errno set (EINVAL: the layout does not fit
 * the config).
 */
struct mf_sim *mf_sim_setup(const struct mf_sim_config *c, const struct mf_sim_traced *t,
			    const struct mf_sim_start_state *st, int nr_cpus, const char **from);

/* One request of the workload: mm_page_alloc (pfn MF_PFN_NONE: the kernel failed it). */
struct mf_sim_req {
	uint64_t	ts;
	uint64_t	tpfn;		/* the kernel's pfn, to match the free */
	uint64_t	gfp;
	int		order;
	int		cpu;
	int		reclaim_rounds;	/* direct reclaims with progress the kernel did for it */
};

void mf_sim_alloc(struct mf_sim *s, const struct mf_sim_req *r);
/* mm_page_free of the kernel's (tpfn, order). */
void mf_sim_free(struct mf_sim *s, uint64_t ts, uint64_t tpfn, int order, int cpu);
/*
 * mm_page_free by the traced kswapd of node (its reclaim): a free, unless the simulated
 * kswapd has reclaimed as much already (then the page stays in use, reclaimable later).
 */
void mf_sim_reclaim_free(struct mf_sim *s, uint64_t ts, uint64_t tpfn, int order, int cpu,
			 int node);
/*
 * mm_lru_insertion: the kernel put its folio at tpfn on LRU list lru (enum lru_list):
 * it becomes reclaimable (an anonymous one only with swap), and a large folio written
 * to (__GFP_WRITE) is dirty page cache for a while.
 */
void mf_sim_lru_insert(struct mf_sim *s, uint64_t tpfn, int lru);
/* The kernel's compaction moved (tpfn, order): the page lives on, at a frame to be seen. */
void mf_sim_kernel_migrated(struct mf_sim *s, uint64_t tpfn, int order);
/*
 * The trace shows (tpfn, order) free: release what we held there, to the buddy lists
 * (cpu < 0: zone_locked, pcpu_drain) or, when the kernel hands the page out on cpu, to
 * the head of that CPU's per-CPU list (sim_pcp_release()).
 */
void mf_sim_frame_free(struct mf_sim *s, uint64_t tpfn, int order, int cpu);
/*
 * Writing compact_memory (or sysfs compact) compacted the zone holding the kernel's pfn,
 * in the writer's task on cpu.
 */
void mf_sim_manual_compact(struct mf_sim *s, uint64_t ts, uint64_t zone_tpfn, int cpu);
/*
 * The trace's mm_compaction_begin (sync -1: mode unknown): the kernel's cached scanner
 * positions in that zone, taken until the simulator's own scanners have met there.
 */
void mf_sim_traced_begin(struct mf_sim *s, uint64_t zone_start, uint64_t migrate_pfn,
			 uint64_t free_pfn, uint64_t zone_end, int sync);
/*
 * The kernel's skip bits, as the trace shows them: its migrate scanner scanned the
 * pageblock at pfn (isolated: and took pages), or passed [from, to) over, in a run that
 * honours skip bits (movable_only: a direct async one); a run ended where its scanners were
 * (direct: a direct compactor's; success: COMPACT_SUCCESS); kswapd went to sleep or
 * napped on node.
 */
void mf_sim_traced_migrate_scan(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end,
				uint64_t pfn, bool isolated);
void mf_sim_traced_passed(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end,
			  uint64_t from, uint64_t to, bool movable_only);
/* Its free scanner, or a run that ignores skip bits, scanned the pageblock at pfn. */
void mf_sim_traced_touch(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end, uint64_t pfn);
void mf_sim_traced_end(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end,
		       uint64_t migrate_pfn, uint64_t free_pfn, bool direct, bool success);
void mf_sim_traced_kswapd_sleep(struct mf_sim *s, int node);
/* The trace's deferral events: the kernel's deferral state of zone_type on node nid. */
void mf_sim_traced_defer(struct mf_sim *s, int nid, int zone_type, unsigned int considered,
			 unsigned int defer_shift, int order_failed);
/* Trace time moves on: timers (kcompactd's 500 ms, the vmstat worker's per-CPU decay). */
void mf_sim_tick(struct mf_sim *s, uint64_t ts);
/*
 * The traced kernel's kcompactd started its 500 ms wait (mm_compaction_kcompactd_sleep):
 * the simulated kcompactd's wait ends with it, so both look at their node at the same
 * moments, unless ours is backing off (32 s after a proactive round that did not help).
 * Without these events the simulator keeps kcompactd's timer on its own.
 */
void mf_sim_kcompactd_tick(struct mf_sim *s, uint64_t ts, int node);
/* The traced kernel's kcompactd was woken for work (mm_compaction_kcompactd_wake). */
void mf_sim_kcompactd_woken(struct mf_sim *s, int node);
/*
 * The CPU the trace shows a node's kcompactd (kcompactd true) or kswapd on, from any of
 * its events: the simulated one frees and drains the per-CPU lists of that CPU.
 */
void mf_sim_traced_daemon_cpu(struct mf_sim *s, int node, bool kcompactd, int cpu);
/*
 * The event types the trace records (bit 1 << enum mf_ev_type; mf_reader_event_types()),
 * so that a missing event is something the kernel did not do.  Where the kernel's
 * kcompactd was in its wait at the start is in no capture: with
 * mm_compaction_kcompactd_sleep recorded, the simulator takes it from the trace
 * (sim-owner.c).  Call after mf_sim_start().
 */
void mf_sim_traced_events(struct mf_sim *s, uint64_t types);
/*
 * The traced kernel's kswapd started (mm_vmscan_kswapd_wake, zones up to zid) or stopped
 * reclaiming: while it runs the zones are ZONE_RECLAIM_ACTIVE (per-CPU lists shrink)
 * and proactive compaction backs off.  The simulated kswapd is woken by the simulated
 * allocations (src/sim/sim-vmscan.c); the traced one's frees come as mf_sim_reclaim_free().
 */
void mf_sim_kswapd(struct mf_sim *s, uint64_t ts, int node, int zid, bool running);
/*
 * The traced kernel's kswapd woke kcompactd (mm_compaction_wakeup_kcompactd from the kswapd
 * task): balance_pgdat() is over and kswapd_try_to_sleep() begins its 100 ms nap, which
 * reset_isolation_suitable() precedes.
 */
void mf_sim_kswapd_nap(struct mf_sim *s, uint64_t ts, int node);
/*
 * The traced kernel's allocator called wakeup_kswapd() (mm_vmscan_wakeup_kswapd: for
 * order, zones up to zid or -1, from a request with gfp): the simulated kswapd gets the
 * same call, and starts only if the simulated node is not balanced for it.  A wake
 * without gfp (rmqueue()'s after a watermark boost) is left out: the simulator boosts on
 * its own fallbacks.
 */
void mf_sim_traced_wakeup(struct mf_sim *s, uint64_t ts, int node, int zid, int order,
			  uint64_t gfp);
/*
 * The traced kernel's direct reclaim for (order, gfp) ended having reclaimed something:
 * __alloc_pages_direct_reclaim() drains every per-CPU list when the allocation still
 * fails after reclaim, and the simulator does when its own would fail now.  The request
 * that follows carries the reclaim as mf_sim_req.reclaim_rounds.
 */
void mf_sim_direct_reclaim(struct mf_sim *s, uint64_t ts, int order, uint64_t gfp);

/*
 * What makes the kernel's compaction fail, as the trace shows it: one
 * mm_compaction_migratepages (nr_migrated, nr_failed pages) of a run that is direct async
 * (src 0), direct sync or sync-light (1), or kcompactd's, proactive or manual (2); and
 * the end of a direct async run (contended: status COMPACT_CONTENDED; success; its
 * migrate_pages() calls).  The simulator
 * fails as many of its migrations, and aborts as many async runs, as the kernel's rates
 * so far (deterministic: one seeded generator).
 */
void mf_sim_learn_migration(struct mf_sim *s, int src, uint64_t nr_migrated, uint64_t nr_failed);
void mf_sim_learn_async_end(struct mf_sim *s, bool contended, bool failed, bool success,
			    uint64_t batches);
/*
 * The end of a kcompactd, proactive or manual run that called migrate_pages() batches
 * times; enomem: it ended COMPACT_CONTENDED right after a batch that failed pages.
 */
void mf_sim_learn_bg_end(struct mf_sim *s, bool enomem, uint64_t batches);
/*
 * A run of source src ended COMPACT_CONTENDED right after a migrate_pages() that failed
 * nr_failed pages: the -ENOMEM of a large folio without a target, which the simulator
 * reproduces on its own where it models the written page cache (sim_migrate_pages()).
 */
void mf_sim_learn_enomem(struct mf_sim *s, int src, uint64_t nr_failed);
/*
 * The captures' pgmigrate_fail / (pgmigrate_success + pgmigrate_fail) over the trace,
 * in parts per million: the rate before the trace has shown a source's own.
 */
void mf_sim_migration_prior(struct mf_sim *s, uint64_t fail_ppm);

/*
 * What this simulation could not model on this trace, one line each ("reclaim
 * approximated: ..."), into lines[max][MF_SIM_LIMIT_LEN]; returns the number of lines.
 * The longest, the migration line, is 164 characters and 14 numbers of up to 20 digits.
 */
#define MF_SIM_LIMIT_LEN	512
int mf_sim_limits(const struct mf_sim *s, char (*lines)[MF_SIM_LIMIT_LEN], int max);

/* Results. */
const struct mf_sim_config *mf_sim_config(const struct mf_sim *s);
int mf_sim_max_order(const struct mf_sim *s);
int mf_sim_pageblock_order(const struct mf_sim *s);
int mf_sim_nr_zones(const struct mf_sim *s);
const struct mf_zone_desc *mf_sim_zone(const struct mf_sim *s, int zone);
void mf_sim_zone_nr_free(const struct mf_sim *s, int zone, uint64_t *nr_free);
void mf_sim_zone_nr_free_mt(const struct mf_sim *s, int zone,
			    uint64_t nr_free_mt[MF_MAX_ORDERS][MF_MAX_MT]);
void mf_sim_zone_pageblocks_mt(const struct mf_sim *s, int zone, uint64_t blocks[MF_MAX_MT]);
bool mf_sim_pageblock_absent(const struct mf_sim *s, uint64_t pfn);
uint64_t mf_sim_zone_pcp_pages(const struct mf_sim *s, int zone);
void mf_sim_zone_wmarks(const struct mf_sim *s, int zone, uint64_t wmark[3]);
bool mf_sim_mobility_disabled(const struct mf_sim *s);
/* A pageblock's migratetype (-1 outside the frames), and every free (pcp false) and
 * per-CPU (pcp true) block of a zone in pfn order, as the model's (model.h). */
int mf_sim_pageblock_mt(const struct mf_sim *s, uint64_t pfn);
void mf_sim_for_each_block(const struct mf_sim *s, int zone, mf_model_block_fn fn, void *priv);
const struct mf_sim_stats *mf_sim_stats(const struct mf_sim *s);

/* Self-check of the simulator's invariants (tests): 0, or -1 with a description. */
int mf_sim_check(const struct mf_sim *s, char *buf, size_t len);

/* ---- the workload: which trace events are requests -------------------------------- */

/*
 * Turns the trace into the workload the simulators replay.  The kernel's own compaction
 * shows in the trace as frees of migrated pages and of unused isolated free pages, in
 * the compacting task; those are not the workload's frees (the page lives on elsewhere),
 * so events of a task between its mm_compaction_begin and mm_compaction_end are taken as
 * the kernel's compaction, and a begin in a task that is neither kcompactd nor a direct
 * compactor (compact_memory, sysfs compact) is replayed as manual compaction.
 */
struct mf_workload;

struct mf_workload *mf_workload_new(void);
void mf_workload_free(struct mf_workload *w);
void mf_workload_apply(struct mf_workload *w, const struct mf_event *ev, struct mf_sim **sims,
		       int nr_sims);
/*
 * The kernel's free lists as the replay models them: the head of the last free block in
 * [from, to) of order min_order..max_order on the MOVABLE lists, MF_PFN_NONE if none.
 * Without them the workload takes the farthest fast_find_migrateblock() could jump.
 */
typedef uint64_t (*mf_workload_lists_fn)(void *priv, uint64_t from, uint64_t to,
					 int min_order, int max_order);
void mf_workload_kernel_lists(struct mf_workload *w, mf_workload_lists_fn fn, void *priv);
/*
 * pid is a kcompactd thread (the trace's saved task names say so): its compaction runs
 * are kcompactd's even before its first kcompactd event, never manual compaction.
 */
void mf_workload_kcompactd_pid(struct mf_workload *w, int32_t pid);
/*
 * pid is node nid's kswapd (the saved task names say so): its kcompactd wake marks a nap
 * even before its first kswapd wake or sleep event.
 */
void mf_workload_kswapd_pid(struct mf_workload *w, int32_t pid, int nid);

#endif
