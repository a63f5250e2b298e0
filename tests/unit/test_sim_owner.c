// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's owners of its frames (sim-owner.c: which kernel pfn lives at which
 * frame) and its invariant check, on hand-built zones; part of test_sim.c's suite.
 */
#include <stdio.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "mmfrag/sim-config.h"
#include "sim-local.h"
#include "test-sim.h"

/* A THP fault's gfp (GFP_TRANSHUGE with __GFP_KSWAPD_RECLAIM and __GFP_IO) */
#define GFP_THP_FAULT	(GFP_MOVABLE | GFP_COMP | GFP_NOMEMALLOC | GFP_DIRECT_RECLAIM | \
			 GFP_KSWAPD_RECLAIM | GFP_IO | (1ULL << 7))

/*
 * A zone of 4096 pages (pfns 4096-8191, max order 10, pageblock order 9) on nr_cpus CPUs,
 * nothing seeded; watermarks 10/20/30 if wmarks (else from the config), and the start
 * capture's per-CPU highs if nr_high.
 */
static struct mf_sim *zone4k(const char *cfg, int nr_cpus, bool wmarks, const uint32_t *high,
			     int nr_high)
{
	struct mf_sim_zone_desc z = {
		.d = { .node = 0, .name = "Normal", .start_pfn = 4096, .end_pfn = 8192,
		       .present = 4096, .managed = 4096 },
		.type = 2,
	};
	struct mf_sim_traced t = { .max_order = 10, .pageblock_order = 9 };
	struct mf_sim_config c;
	struct mf_sim *s;
	char err[128];
	int i;

	if (wmarks) {
		z.wmark[0] = 10;
		z.wmark[1] = 20;
		z.wmark[2] = 30;
	}
	for (i = 0; i < nr_high; i++)
		z.pcp_high[i] = high[i];
	z.nr_pcp_high = nr_high;
	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(mf_sim_config_parse(&c, cfg, err, sizeof(err)), 0);
	s = mf_sim_new(&c, &t, &z, 1, nr_cpus);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

#define CFG_4K	"min_free_kbytes=0,compaction_proactiveness=0,watermark_boost_factor=0"

/*
 * The odd pfns from first to the zone's end free (single pages that cannot merge), the
 * rest as seeded before; starts s and returns its free pages.
 */
static uint64_t start_odd_free(struct mf_sim *s, uint64_t first)
{
	uint64_t p;

	for (p = first; p < 8192; p += 2)
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 0), 0);
	mf_sim_start(s, 0);
	return s->z[0].free_pages;
}

/* The trace's last free: then every page is back in the buddy lists, and s is gone. */
static void free_last(struct mf_sim *s, uint64_t ts, uint64_t tpfn, int order,
		      uint64_t free_pages)
{
	mf_sim_free(s, ts, tpfn, order, 0);
	sim_drain_all_pages(s);
	sim_check(s);
	CU_ASSERT_EQUAL(s->z[0].free_pages, free_pages);
	mf_sim_free_all(s);
}

/*
 * A THP fault the kernel failed and the simulator served (sim-owner.c, absorb()): the
 * huge page stands for the kernel's 4K fallback pages, each mapped to one of its frames.
 * A zone of 4096 pages (pageblock order 9): pfns 4096-6143 free, 6144-8191 even pages
 * held since before the trace, odd ones free (the free scanner's targets: a free block of
 * pageblock order is none).  Four 4K faults are absorbed (kernel pfns A-A+3); the kernel
 * migrates A+3 and frees A+1, which splits the huge page; compact_memory then moves what
 * it may of it.  Each absorbed page must still be found where compaction put it, the
 * frames not yet absorbed must still be ours for the next 4K faults (A+4-A+7) and for the
 * end of the absorption (the next THP fault, which the kernel served), so that freeing
 * all the trace allocated gives back every page.  Before the fix the split pages had no
 * owner: compaction moved them without their kernel pfns following, and the absorption
 * went on into frames that were free or someone else's (a replay's per-CPU list was
 * corrupted that way).
 */
static void test_absorbed_thp_owners(void)
{
	const uint64_t thp = GFP_THP_FAULT, A = 100000;
	struct mf_sim_req r = { .ts = 1, .tpfn = MF_PFN_NONE, .gfp = thp, .order = 9 };
	struct mf_sim *s = zone4k(CFG_4K, 1, false, NULL, 0);
	uint64_t i, huge, free_pages;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 4096, 10), 0);
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 5120, 10), 0);
	free_pages = start_odd_free(s, 6145);
	CU_ASSERT_EQUAL(free_pages, 3072);
	mf_sim_alloc(s, &r);
	CU_ASSERT_FATAL(s->absorbing);
	huge = s->absorb_pfn;
	r.order = 0;
	r.gfp = GFP_MOVABLE_REQ;
	for (i = 0; i < 4; i++) {
		r.ts++;
		r.tpfn = A + i;
		mf_sim_alloc(s, &r);
		CU_ASSERT_EQUAL(s->t2s[A + i], huge + i);
	}
	CU_ASSERT_EQUAL(s->thp_absorbed, 4);
	mf_sim_kernel_migrated(s, A + 3, 0);
	mf_sim_free(s, ++r.ts, A + 1, 0, 0);
	sim_compact_manual(s, &s->z[0]);
	CU_ASSERT(s->stats.cp.isolated_migrate >= 3);
	sim_check(s);
	for (i = 0; i < 4; i += 2) {		/* A and A+2: moved, still the kernel's */
		uint32_t sp = s->t2s[A + i];

		CU_ASSERT_FATAL(sp < s->nr_pfns);
		CU_ASSERT_NOT_EQUAL(sp, huge + i);
		CU_ASSERT_EQUAL(s->st[sp] & (ST_KIND | ST_ORDER), ST_USED);
	}
	for (i = 4; i < 8; i++) {
		r.ts++;
		r.tpfn = A + i;
		mf_sim_alloc(s, &r);
		CU_ASSERT_EQUAL(s->t2s[A + i], huge + i);
		CU_ASSERT_EQUAL(s->st[huge + i] & (ST_KIND | ST_ORDER), ST_USED);
	}
	r.ts++;
	r.tpfn = A + 20480;		/* a THP the kernel served ends the absorption */
	r.gfp = thp;
	r.order = 9;
	mf_sim_alloc(s, &r);
	CU_ASSERT_FALSE(s->absorbing);
	sim_check(s);
	mf_sim_free(s, ++r.ts, A + 7777, 0, 0);	/* A+3 where the kernel moved it */
	for (i = 0; i < 8; i++)
		if (i != 1 && i != 3)
			mf_sim_free(s, ++r.ts, A + i, 0, 0);
	mf_sim_free(s, ++r.ts, A + 20480, 9, 0);
	sim_drain_all_pages(s);
	sim_check(s);
	CU_ASSERT_EQUAL(s->stats.frees_unmatched, 0);
	CU_ASSERT_EQUAL(s->z[0].free_pages, free_pages);
	mf_sim_free_all(s);
}

/*
 * mf_sim_check() on a corrupted per-CPU list: a page freed to CPU 0's list whose link
 * points out of the simulator's frames, then one that points back into the list (a
 * cycle).  Each is said, not followed: the replay of the last round crashed walking such
 * a link.
 */
static void test_check_corrupt_pcp(void)
{
	struct mf_sim *s = sim_tiny(NULL, true);
	struct szone *z = &s->z[0];
	char buf[256];
	uint32_t p;

	mf_sim_start(s, 0);
	sim_used(s, 130, 0, true);
	sim_free_pages(s, z, 130, 0, 0);
	sim_used(s, 131, 0, true);
	sim_free_pages(s, z, 131, 0, 0);
	sim_check(s);
	p = z->pcp[0].lists[MF_MT_MOVABLE].head;
	CU_ASSERT_FATAL(p == 131 || p == 130);
	s->lnk[p] = 0x7ffffff0;
	CU_ASSERT_NOT_EQUAL(mf_sim_check(s, buf, sizeof(buf)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "pcp list"));
	s->lnk[p] = p;
	CU_ASSERT_NOT_EQUAL(mf_sim_check(s, buf, sizeof(buf)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "pcp count"));
	mf_sim_free_all(s);
}

/*
 * The kernel's first THP try (__GFP_THISNODE | __GFP_NORETRY) failed and the simulator
 * served it: the huge page is held for the kernel's second try (thp_retry_settle()).
 * Meanwhile the trace frees a folio whose stale mapping points into that huge page (a
 * what-if replay had one: an order-8 folio split and moved on our side), and compaction
 * runs with nowhere to put it.  Neither may free or split the held page: the second try
 * must find it whole.  Before the fix the free put it on a per-CPU list, the second try
 * marked the free block used, and the next allocation from that list crashed.
 */
static void test_held_thp_survives(void)
{
	const uint64_t thp = GFP_THP_FAULT, B = 200000, X = 300000, Y = 6000;
	struct mf_sim_req r = { .ts = 1, .tpfn = MF_PFN_NONE,
				.gfp = thp | GFP_THISNODE | GFP_NORETRY, .order = 9 };
	struct mf_sim *s = zone4k(CFG_4K, 1, false, NULL, 0);
	uint64_t huge, free_pages;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 4096, 10), 0);
	mf_sim_start(s, 0);
	free_pages = s->z[0].free_pages;
	mf_sim_alloc(s, &r);
	CU_ASSERT_FATAL(s->thp_retry_pending);
	huge = s->thp_retry_pfn;
	CU_ASSERT_FATAL(huge != MF_PFN_NONE);
	/* a kernel folio of order 8 whose first page maps into the middle of the held page */
	CU_ASSERT_FATAL(!sim_t2s_reserve(s, X + 256));
	s->t2s[X] = (uint32_t)(huge + 100);
	mf_sim_free(s, ++r.ts, X, 8, 0);
	CU_ASSERT_EQUAL(s->st[huge] & (ST_KIND | ST_ORDER), ST_USED | 9);
	CU_ASSERT_EQUAL(s->stats.frees_unmatched, 1);
	sim_check(s);
	/*
	 * A folio of order 1 freed page by page (its pages apart on our side: Y, a page held
	 * since before the trace, where it was) whose second page maps into the held page.
	 */
	CU_ASSERT_EQUAL_FATAL(sim_owner_frame(s, Y, 0), Y);
	s->t2s[Y + 1] = (uint32_t)(huge + 5);
	mf_sim_free(s, ++r.ts, Y, 1, 0);
	CU_ASSERT_EQUAL(s->st[huge] & (ST_KIND | ST_ORDER), ST_USED | 9);
	CU_ASSERT_NOT_EQUAL(st_kind(s->st[Y]), ST_USED);
	CU_ASSERT_EQUAL(s->t2s[Y + 1], NIL);
	free_pages++;		/* Y was in use at the start */
	r.ts++;
	r.tpfn = B;			/* the kernel's second try: served */
	r.gfp = thp;
	mf_sim_alloc(s, &r);
	CU_ASSERT_FALSE(s->thp_retry_pending);
	CU_ASSERT_EQUAL(s->t2s[B], huge);
	sim_check(s);
	free_last(s, ++r.ts, B, 9, free_pages);
}

/*
 * Both first THP tries failed: the kernel's second request carries the direct reclaim
 * its try made (sim-owner.c, alloc_one()), and the simulator's second try is made there,
 * with a round of progress, so it drains the per-CPU lists as
 * __alloc_pages_direct_reclaim() does.  Here 511 pages of one pageblock sit on CPU 0's
 * list and the 512th is free: only the drain makes the order-9 block.  Before the fix the
 * second try was made at once, at the first's failure, knew of no reclaim and failed;
 * in 31b's default-r12 of the what-if recordings the sync compaction it went on to
 * deferred DMA32, and 19 THP faults failed where the kernel failed 6.
 */
static void test_thp_second_try_reclaims(void)
{
	const uint64_t B = 200000;
	const uint32_t high[1] = { 512 };
	struct mf_sim_req r = { .ts = 1, .tpfn = MF_PFN_NONE,
				.gfp = GFP_THP_FAULT | GFP_THISNODE | GFP_NORETRY, .order = 9 };
	struct mf_sim *s = zone4k(CFG_4K ",compaction=off", 1, false, high, 1);
	uint64_t p;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 4607, 0), 0);
	mf_sim_start(s, 0);
	for (p = 4096; p < 4607; p++)
		mf_sim_free(s, r.ts, p, 0, 0);
	CU_ASSERT_EQUAL_FATAL(s->z[0].pcp[0].count, 511);
	mf_sim_alloc(s, &r);
	CU_ASSERT_FATAL(s->thp_retry_pending);
	CU_ASSERT_EQUAL(s->thp_second_tries, 0);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].count, 511);
	r.ts++;
	r.tpfn = B;			/* the kernel's second try, after reclaim: served */
	r.gfp = GFP_THP_FAULT;
	r.reclaim_rounds = 1;
	mf_sim_alloc(s, &r);
	CU_ASSERT_FALSE(s->thp_retry_pending);
	CU_ASSERT_EQUAL(s->thp_second_tries, 1);
	CU_ASSERT_EQUAL(s->stats.failures[9], 0);
	CU_ASSERT_EQUAL(s->stats.requests[9], 1);
	CU_ASSERT_EQUAL(s->t2s[B], 4096);
	sim_check(s);
	free_last(s, ++r.ts, B, 9, 512);
}

/*
 * Each CPU's pcp->high starts where the start capture's zoneinfo shows it (auto-tuned
 * since v6.7: the what-if recordings began with Normal's at 44,944 and 30,520 pages,
 * high_min 10,081), inside the config's bounds: here high_min 10 (low watermark 20 over
 * two CPUs), high_max 256 (managed / 8 over two CPUs).  A CPU the capture did not show
 * starts at high_min; with percpu_pagelist_high_fraction the high is fixed.
 */
static void test_pcp_start_high(void)
{
	const uint32_t high[2] = { 200, 1000 };
	struct mf_sim *s = zone4k("compaction_proactiveness=0", 2, true, high, 2);

	mf_sim_seed_all_free(s);
	mf_sim_start(s, 0);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].high_min, 10);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].high_max, 256);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].high, 200);
	CU_ASSERT_EQUAL(s->z[0].pcp[1].high, 256);
	mf_sim_free_all(s);

	s = zone4k("compaction_proactiveness=0", 2, true, high, 1);
	mf_sim_seed_all_free(s);
	mf_sim_start(s, 0);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].high, 200);
	CU_ASSERT_EQUAL(s->z[0].pcp[1].high, 10);
	mf_sim_free_all(s);

	s = zone4k("compaction_proactiveness=0,percpu_pagelist_high_fraction=8", 2, true,
		   high, 2);
	mf_sim_seed_all_free(s);
	mf_sim_start(s, 0);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].high, s->z[0].pcp[0].high_max);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].high_min, s->z[0].pcp[0].high_max);
	mf_sim_free_all(s);
}

/*
 * A page the simulator holds from the start capture (frame 5000, the kernel's 5000)
 * that the kernel had on a per-CPU list: the kernel hands it out on CPU 1, with no free
 * in between.  Ours goes to the head of CPU 1's list, where the allocation takes it,
 * and no CPU's auto-tuning moves.  Before, it was freed through CPU 0's list, which
 * halved CPU 0's alloc_factor (20,000 such pages a run kept the simulated refills at a
 * quarter of the kernel's) and left CPU 1 to refill from the buddy lists.
 */
static void test_stale_release(void)
{
	struct mf_sim_req r = { .ts = 10, .tpfn = 5000, .gfp = GFP_MOVABLE_REQ, .order = 0,
				.cpu = 1 };
	struct mf_sim *s = zone4k("compaction_proactiveness=0", 2, true, NULL, 0);
	uint64_t p;

	for (p = 4096; p < 8192; p += 512)
		if (p != 4608)
			CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 9), 0);
	for (p = 4608; p < 5120; p++)
		if (p != 5000)
			CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 0), 0);
	CU_ASSERT_EQUAL(s->t2s[5000], 5000);	/* held since before the trace */
	mf_sim_start(s, 0);
	s->z[0].pcp[0].alloc_factor = s->z[0].pcp[1].alloc_factor = 3;
	mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->stats.stale_released, 1);
	CU_ASSERT_EQUAL(s->t2s[5000], 5000);
	/* served at the kernel's frame: the layout still the traced one */
	CU_ASSERT_EQUAL(s->stats.placed, 1);
	CU_ASSERT_EQUAL(s->stats.placed_as_traced, 1);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].alloc_factor, 3);
	CU_ASSERT_EQUAL(s->z[0].pcp[1].alloc_factor, 3);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].count + s->z[0].pcp[1].count, 0);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * A pageblock the kernel had on a per-CPU list when the trace began (held by the start
 * capture, page by page: 4608-5119; of type mt in the simulation), handed out whole to a
 * Movable hugetlb pool page on CPU 1.  The request takes that block: the buddy lists
 * keep their 7 pageblocks and no per-CPU list keeps a page.
 */
static struct mf_sim *held_pageblock_taken(int mt)
{
	struct mf_sim_req r = { .ts = 10, .tpfn = 4608, .order = 9, .cpu = 1,
				.gfp = GFP_MOVABLE_REQ | GFP_COMP | GFP_RETRY_MAYFAIL };
	struct mf_sim *s = zone4k("compaction_proactiveness=0", 2, true, NULL, 0);
	uint64_t p;

	for (p = 4096; p < 8192; p += 512)
		if (p != 4608)
			CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 9), 0);
	mf_sim_seed_pageblock(s, 4608, 9, mt);
	mf_sim_start(s, 0);
	CU_ASSERT_EQUAL(s->z[0].free_pages, 7 * 512);
	mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->stats.stale_released, 512);
	CU_ASSERT_EQUAL(s->stats.failures[9], 0);
	CU_ASSERT_EQUAL(s->z[0].free_pages, 7 * 512);
	CU_ASSERT_EQUAL(s->t2s[4608], 4608);
	CU_ASSERT_EQUAL(st_kind(s->st[4608]), ST_USED);
	CU_ASSERT_EQUAL(st_order(s->st[4608]), 9);
	CU_ASSERT_EQUAL(s->z[0].pcp[0].count + s->z[0].pcp[1].count, 0);
	sim_check(s);
	return s;
}

/*
 * The block goes back to CPU 1's pageblock-order list as one block, where the request
 * takes it.  Released page by page, it went to the order-0 list, and the request took a
 * pageblock of the buddy lists.
 */
static void test_stale_release_block(void)
{
	struct mf_sim *s = held_pageblock_taken(MF_MT_MOVABLE);

	/* the trace frees it: back to the buddy lists whole */
	mf_sim_free(s, 20, 4608, 9, 1);
	sim_drain_all_pages(s);
	sim_check(s);
	CU_ASSERT_EQUAL(s->z[0].free_pages, 8 * 512);
	mf_sim_free_all(s);
}

/*
 * The same pageblock Unmovable in the simulation (its type came from the capture, or a
 * fallback of ours claimed it).  Released to the head of CPU 1's Unmovable list, it is
 * still the block the request takes (sim_pcp_take()): the request's own Movable list
 * was empty, and refilling it took two pageblocks of the buddy lists and left the
 * released one stranded on the other list (in a what-if recording 55 of them, 28,000
 * pages the kernel had in its pool or free).
 */
static void test_stale_release_other_type(void)
{
	mf_sim_free_all(held_pageblock_taken(MF_MT_UNMOVABLE));
}

/*
 * ZONE_RECLAIM_ACTIVE lasts while balance_pgdat() runs, and the trace shows only its
 * start (mm_vmscan_kswapd_wake).  The zone (watermarks 10/20/30, batch 1: a list keeps 4
 * pages while reclaim is active) starts with 16 free pages and the trace's kswapd awake;
 * the workload frees 64 pages on CPU 0.  While the zone is below its high watermark they
 * go on to the buddy lists past 4 a list; once it is above, kswapd has stopped, and the
 * list keeps them.  Held until the trace's sleep event, the list never kept more than 4
 * (the what-if recordings ended with 400-1,000 Normal pages on the simulated lists, the
 * kernel's 9,000-11,000).
 */
static void test_reclaim_active_ends(void)
{
	struct mf_sim *s = zone4k("compaction_proactiveness=0,watermark_boost_factor=0", 2, true,
				  NULL, 0);
	uint64_t p;

	for (p = 4096; p < 4112; p++)
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 0), 0);
	mf_sim_start(s, 0);
	mf_sim_kswapd(s, 1, 0, 2, true);
	CU_ASSERT_TRUE(s->z[0].reclaim_active);
	for (p = 4200; p < 4208; p++)
		mf_sim_free(s, 2, p, 0, 0);
	CU_ASSERT_TRUE(s->z[0].reclaim_active);
	CU_ASSERT_TRUE(s->z[0].pcp[0].count <= 4);
	for (; p < 4264; p++)
		mf_sim_free(s, 3, p, 0, 0);
	CU_ASSERT_FALSE(s->z[0].reclaim_active);
	CU_ASSERT_TRUE(s->z[0].free_pages > 30);
	CU_ASSERT_TRUE(s->z[0].pcp[0].count > 4);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The pages the start capture shows on a CPU's list (zoneinfo's count) count for it
 * until the trace hands them out (sim-pcp.c, pcp_pages()).  The zone (watermarks
 * 10/20/30, high_min 20, high_max 512) is flagged below its high watermark, as a failed
 * order-9 check leaves Normal in the what-if recordings, and CPU 0's list starts with
 * 100 held pages and a high of 500.  The first free finds the list over high_min, frees
 * one held page and clears the flag, so the 200 frees after it stay on the list under a
 * high of 499.  Counting only our own (empty) list, each free cut the high down to
 * high_min and the list kept 20.  A held page the kernel hands out leaves the count;
 * a drain of the list takes all the held ones.
 */
static void test_pcp_held_pages(void)
{
	const uint32_t high[1] = { 500 };
	struct mf_sim_req r = { .ts = 5, .tpfn = 6000, .gfp = GFP_MOVABLE_REQ, .order = 0 };
	struct mf_sim *s = zone4k("compaction_proactiveness=0,watermark_boost_factor=0", 1, true,
				  high, 1);
	struct pcp *pcp;
	uint64_t p;

	s->z[0].start_count[0] = 100;
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 7680, 9), 0);
	mf_sim_start(s, 0);
	pcp = &s->z[0].pcp[0];
	CU_ASSERT_EQUAL(pcp->held, 100);
	s->z[0].below_high = true;
	for (p = 4096; p < 4297; p++)
		mf_sim_free(s, 2, p, 0, 0);
	CU_ASSERT_FALSE(s->z[0].below_high);
	CU_ASSERT_EQUAL(pcp->held, 99);
	CU_ASSERT_EQUAL(pcp->count, 201);
	CU_ASSERT(pcp->high >= 490);
	mf_sim_alloc(s, &r);		/* the kernel hands out a page it had on the list */
	CU_ASSERT_EQUAL(pcp->held, 98);
	CU_ASSERT_EQUAL(pcp->count, 201);
	sim_drain_all_pages(s);
	CU_ASSERT_EQUAL(pcp->held, 0);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The trace's wakeup_kswapd() calls reach the simulated kswapd: it starts when the zone
 * is below its high watermark for the order (16 free pages against 30), not when it is
 * above (a free pageblock and more); a wake without gfp (rmqueue()'s after a boost) is
 * not taken, and defrag_mode raises an order-0 wake to a pageblock, for which even the
 * well-off zone (no free pageblock beside the one) is short.
 */
static void test_traced_wakeup(void)
{
	const uint64_t gfp = GFP_IO | (1ULL << 7) | GFP_DIRECT_RECLAIM | GFP_KSWAPD_RECLAIM;
	struct mf_sim *s = zone4k("compaction_proactiveness=0,watermark_boost_factor=0", 1, true,
				  NULL, 0);
	uint64_t p;
	int dm;

	for (p = 4096; p < 4112; p++)
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 0), 0);
	mf_sim_start(s, 0);
	mf_sim_traced_wakeup(s, 1, 0, 2, 0, 0);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 0);
	mf_sim_traced_wakeup(s, 2, 0, 2, 0, gfp);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 1);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake_traced, 1);
	sim_check(s);
	mf_sim_free_all(s);

	for (dm = 0; dm < 2; dm++) {
		s = zone4k(dm ? "compaction_proactiveness=0,watermark_boost_factor=0,defrag_mode=1" :
			   "compaction_proactiveness=0,watermark_boost_factor=0", 1, true, NULL, 0);
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, 4608, 9), 0);
		for (p = 4096; p < 4160; p++)
			CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 0), 0);
		mf_sim_start(s, 0);
		mf_sim_traced_wakeup(s, 1, 0, -1, 0, gfp);
		CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, (uint64_t)dm);
		CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake_traced, (uint64_t)dm);
		sim_check(s);
		mf_sim_free_all(s);
	}
}

/*
 * Under the traced kernel's own watermarks and boosts (a capture with settings, the
 * config changing neither) the trace's wake is taken as it happened: the well-off zone
 * of test_traced_wakeup() (a free pageblock, balanced at order 0) wakes the simulated
 * kswapd.  Under another watermark_boost_factor (the traced kernel's was 15000, the
 * config's 0) it is weighed as before, and the zone is balanced.
 */
static void test_traced_wakeup_as_traced(void)
{
	const uint64_t gfp = GFP_IO | (1ULL << 7) | GFP_DIRECT_RECLAIM | GFP_KSWAPD_RECLAIM;
	int other;

	for (other = 0; other < 2; other++) {
		struct mf_sim *s = zone4k("compaction_proactiveness=0,watermark_boost_factor=0", 1,
					  true, NULL, 0);
		uint64_t p;

		/* what mf_sim_config_traced() leaves from a capture's sysctl file */
		s->c.traced.nr_settings = 7;
		s->c.traced.watermark_scale_factor = 10;
		s->c.traced.min_free_kbytes = 67584;
		s->c.traced.watermark_boost_factor = other ? 15000 : 0;
		CU_ASSERT_EQUAL(sim_kswapd_as_traced(s), !other);
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, 4608, 9), 0);
		for (p = 4096; p < 4160; p++)
			CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 0), 0);
		mf_sim_start(s, 0);
		CU_ASSERT_TRUE(sim_pgdat_balanced(s, 0, 0, 2));
		mf_sim_traced_wakeup(s, 1, 0, -1, 0, gfp);
		CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, (uint64_t)!other);
		CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake_traced, (uint64_t)!other);
		/* a running kswapd takes a second wake as a higher order, not a second wake */
		mf_sim_traced_wakeup(s, 2, 0, -1, 3, gfp);
		CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, (uint64_t)!other);
		sim_check(s);
		mf_sim_free_all(s);
	}
}

/* A zone whose Movable pageblocks are all skipped after a direct compaction's scanners met */
static struct mf_sim *skipped_after_met(void)
{
	struct mf_sim *s = zone4k("compaction_proactiveness=0", 2, true, NULL, 0);
	uint64_t p;

	for (p = 4096; p < 8192; p += 512)
		s->pb[p >> s->pbo] = (uint8_t)((s->pb[p >> s->pbo] & ~PB_MT) | MF_MT_MOVABLE);
	for (p = 4096; p < 8192; p += 8)
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 0), 0);
	mf_sim_start(s, 0);
	for (p = 4096; p < 8192; p += 512)
		pb_set_skip(s, p, true);
	s->z[0].blockskip_flush = true;
	return s;
}

/*
 * The trace's kswapd going to sleep: the kernel's kswapd_try_to_sleep() cleared the skip
 * bits of zones whose scanners met (reset_isolation_suitable()) before the nap that the
 * sleep event ends.  The zone's Movable pageblocks hold a free page every 8 pages (where
 * __reset_isolation_pfn() looks) and pages in use, and are all marked skipped after a
 * direct compaction's scanners met; the wake leaves them, the sleep clears those the
 * free scanner would find pages in (the upper half: the walk from the zone's end meets
 * the one from its start in the middle; no page is on an LRU list for the other) and the
 * flush request.
 */
static void test_kswapd_sleep_resets_skip(void)
{
	struct mf_sim *s = skipped_after_met();

	mf_sim_kswapd(s, 10, 0, 2, true);
	CU_ASSERT_TRUE(pb_skip(s, 7680));
	CU_ASSERT_TRUE(s->z[0].blockskip_flush);
	mf_sim_kswapd(s, 20, 0, 0, false);
	CU_ASSERT_FALSE(s->z[0].blockskip_flush);
	CU_ASSERT_FALSE(pb_skip(s, 7680));
	CU_ASSERT_FALSE(pb_skip(s, 6144));
	CU_ASSERT_TRUE(pb_skip(s, 4096));
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * kswapd's nap (mf_sim_kswapd_nap(): the kcompactd wake at its start) is where
 * reset_isolation_suitable() runs, and the sleep that ends the nap does not run it
 * again: a direct compaction's scanners that met during the nap leave the zone's skip
 * bits until the next reset.  Without a nap seen, the sleep resets as before.  Under a
 * config that runs kswapd otherwise (no boosting here), neither resets.
 */
static void test_kswapd_nap_resets_skip(void)
{
	struct mf_sim *s = skipped_after_met();

	mf_sim_kswapd(s, 10, 0, 2, true);
	mf_sim_kswapd_nap(s, 20, 0);
	CU_ASSERT_FALSE(s->node[0].reclaiming);
	CU_ASSERT_FALSE(s->z[0].blockskip_flush);
	CU_ASSERT_FALSE(pb_skip(s, 7680));
	/* the scanners meet again during the nap: the sleep leaves that to the next reset */
	pb_set_skip(s, 7680, true);
	s->z[0].blockskip_flush = true;
	mf_sim_kswapd(s, 30, 0, 0, false);
	CU_ASSERT_TRUE(s->z[0].blockskip_flush);
	CU_ASSERT_TRUE(pb_skip(s, 7680));
	/* a wake and a sleep with no nap seen between them: the sleep resets */
	mf_sim_kswapd(s, 40, 0, 2, true);
	mf_sim_kswapd(s, 50, 0, 0, false);
	CU_ASSERT_FALSE(s->z[0].blockskip_flush);
	CU_ASSERT_FALSE(pb_skip(s, 7680));
	/* a config without the traced kernel's boosting: neither the nap nor the sleep is ours */
	s->c.traced.watermark_boost_factor = 15000;
	s->c.watermark_boost_factor = 0;
	pb_set_skip(s, 7680, true);
	s->z[0].blockskip_flush = true;
	mf_sim_kswapd(s, 60, 0, 2, true);
	mf_sim_kswapd_nap(s, 70, 0);
	CU_ASSERT_TRUE(s->z[0].blockskip_flush);
	mf_sim_kswapd(s, 80, 0, 0, false);
	CU_ASSERT_TRUE(s->z[0].blockskip_flush);
	CU_ASSERT_TRUE(pb_skip(s, 7680));
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * A folio our compaction split and moved in part (sim_migrate_pages()'s fallback when no
 * target of its order is free: sim_split_used(), then each page as migrate_one() moves
 * it, here pages 2 and 3 before the free scanner ran dry), after which another of the
 * kernel's pages lands in a frame it left.  The trace's free of the folio must free its
 * four pages where they now live and nothing of the other page; freeing its old range
 * freed the other page and kept pages 2 and 3 in use.
 */
static void test_free_split_folio(void)
{
	const uint64_t A = 100000, C = 200000, D = 300000;
	struct mf_sim_req r = { .ts = 1, .tpfn = A, .gfp = GFP_MOVABLE_REQ, .order = 2 };
	struct mf_sim *s = zone4k(CFG_4K, 1, false, NULL, 0);
	uint64_t sp, to[4], cp, free_pages;
	int i;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 4096, 10), 0);
	mf_sim_start(s, 0);
	sim_drain_all_pages(s);
	free_pages = s->z[0].free_pages;
	mf_sim_alloc(s, &r);
	sp = sim_owner_frame(s, A, 2);
	CU_ASSERT_FATAL(sp != MF_PFN_NONE);
	sim_split_used(s, sp);
	to[0] = sp;
	to[1] = sp + 1;
	for (i = 2; i < 4; i++) {
		/* a target frame, as the free scanner would isolate it */
		r.tpfn = D + (uint64_t)i;
		r.order = 0;
		mf_sim_alloc(s, &r);
		to[i] = sim_owner_frame(s, D + (uint64_t)i, 0);
		CU_ASSERT_FATAL(to[i] != MF_PFN_NONE);
		s->t2s[D + (uint64_t)i] = NIL;
		s->lnk[to[i]] = NIL;
		/* migrate_one() */
		sim_owner_moved(s, sp + (uint64_t)i, to[i], 0);
		s->st[sp + (uint64_t)i] = ST_USED;
		s->lnk[sp + (uint64_t)i] = NIL;
		sim_free_pages(s, &s->z[0], sp + (uint64_t)i, 0, 0);
		CU_ASSERT_EQUAL(sim_owner_frame(s, A + (uint64_t)i, 0), to[i]);
	}
	sim_check(s);
	/* the kernel's next 4K page takes the frame page 3 left (the per-CPU list's head) */
	r.tpfn = C;
	mf_sim_alloc(s, &r);
	cp = sim_owner_frame(s, C, 0);
	CU_ASSERT_EQUAL_FATAL(cp, sp + 3);
	mf_sim_free(s, ++r.ts, A, 2, 0);
	for (i = 0; i < 4; i++)
		CU_ASSERT_NOT_EQUAL(st_kind(s->st[to[i]]), ST_USED);
	CU_ASSERT_EQUAL(sim_owner_frame(s, C, 0), cp);
	CU_ASSERT_EQUAL(s->frees_split, 1);
	sim_check(s);
	free_last(s, ++r.ts, C, 0, free_pages);
}

/*
 * A THP fault the kernel served and the simulator cannot (no free block of order 9, no
 * compaction): do_anonymous_page() fills the region with 4K pages, so the simulator
 * takes 512 order-0 pages for the kernel's pfns, and the trace's free of the huge page
 * gives every one back.  Without them the simulator kept the memory free that the
 * kernel's task was using.
 */
static void test_thp_fallback_4k(void)
{
	const uint64_t A = 100000;
	struct mf_sim_req r = { .ts = 1, .tpfn = A, .gfp = GFP_THP_FAULT, .order = 9 };
	struct mf_sim *s = zone4k(CFG_4K ",compaction=off", 1, false, NULL, 0);
	uint64_t free_pages, i;

	free_pages = start_odd_free(s, 4097);
	CU_ASSERT_EQUAL(free_pages, 2048);
	mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->stats.failures[9], 1);
	CU_ASSERT_EQUAL(s->thp_fallback, 1);
	sim_drain_all_pages(s);
	CU_ASSERT_EQUAL(s->z[0].free_pages, free_pages - 512);
	for (i = 0; i < 512; i++)
		CU_ASSERT(sim_owner_frame(s, A + i, 0) != MF_PFN_NONE);
	/* 512 pages served, none at the kernel's frames (beyond this zone) */
	CU_ASSERT_EQUAL(s->stats.placed, 512);
	CU_ASSERT_EQUAL(s->stats.placed_as_traced, 0);
	sim_check(s);
	free_last(s, ++r.ts, A, 9, free_pages);
}

/* The next event of the trace: pid's, on cpu */
static void daemon_event(struct mf_workload *w, struct mf_sim **s, struct mf_event *ev,
			 int32_t pid, int cpu, enum mf_ev_type type)
{
	ev->ts++;
	ev->pid = pid;
	ev->cpu = cpu;
	ev->type = type;
	mf_workload_apply(w, ev, s, 1);
}

/*
 * kcompactd and kswapd free to, and drain, the per-CPU lists of the CPU they run on
 * (sim_daemon_cpu()): the one the trace last showed each on, from its own events, and
 * before that another CPU than the last request's (the scheduler put neither on the
 * workload's CPU in the what-if recordings).  A CPU the simulator does not have is not
 * taken.
 */
static void test_daemon_cpu(void)
{
	struct mf_sim *s = zone4k(CFG_4K, 2, true, NULL, 0);
	struct mf_workload *w = mf_workload_new();
	struct mf_event ev;

	mf_sim_start(s, 0);
	s->cur_cpu = 1;
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, true), 0);
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, false), 0);
	s->cur_cpu = 0;
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, true), 1);

	memset(&ev, 0, sizeof(ev));		/* node 0 */
	daemon_event(w, &s, &ev, 8, 0, MF_EV_CP_KCOMPACTD_WAKE);
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, true), 0);
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, false), 1);	/* kswapd not seen yet */
	ev.kswapd.zid = 2;
	daemon_event(w, &s, &ev, 9, 1, MF_EV_KSWAPD_WAKE);
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, false), 1);
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, true), 0);
	daemon_event(w, &s, &ev, 9, 5, MF_EV_KSWAPD_SLEEP);	/* beyond the two CPUs */
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, false), 1);
	daemon_event(w, &s, &ev, 8, 1, MF_EV_CP_KCOMPACTD_SLEEP);
	CU_ASSERT_EQUAL(sim_daemon_cpu(s, 0, true), 1);
	sim_check(s);
	mf_workload_free(w);
	mf_sim_free_all(s);
}

/*
 * A hugetlb pool page the trace allocates keeps the skip bit its pageblock had (sim-owner.c,
 * stale_skip()): the free scanner passes it over, as the kernel's passed over 99% of the
 * what-if recordings' pool blocks.  A THP fault's block is left as it was.
 */
static void test_pool_block_skipped(void)
{
	struct mf_sim_req pool = { .ts = 1, .tpfn = 200000, .order = 9,
				   .gfp = GFP_MOVABLE | GFP_COMP | GFP_IO | (1ULL << 7) |
					  GFP_DIRECT_RECLAIM | GFP_RETRY_MAYFAIL | GFP_NOWARN };
	struct mf_sim_req thp = { .ts = 2, .tpfn = 300000, .gfp = GFP_THP_FAULT, .order = 9 };
	struct mf_sim *s = zone4k(CFG_4K ",compaction=off", 1, false, NULL, 0);
	uint64_t p, a, b;

	for (p = 4096; p < 8192; p += 1024)
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, p, 10), 0);
	mf_sim_start(s, 0);
	for (p = 4096; p < 8192; p += 512)
		CU_ASSERT(!pb_skip(s, p));
	mf_sim_alloc(s, &pool);
	mf_sim_alloc(s, &thp);
	a = sim_owner_frame(s, pool.tpfn, 9);
	b = sim_owner_frame(s, thp.tpfn, 9);
	CU_ASSERT_FATAL(a != MF_PFN_NONE && b != MF_PFN_NONE);
	CU_ASSERT(pb_skip(s, a));
	CU_ASSERT(!pb_skip(s, b));
	for (p = 4096; p < 8192; p += 512)
		CU_ASSERT_EQUAL(pb_skip(s, p), p == a);
	sim_check(s);
	mf_sim_free(s, 3, thp.tpfn, 9, 0);
	free_last(s, 4, pool.tpfn, 9, 4096);
}

void test_sim_owner_add(CU_pSuite s)
{
	CU_add_test(s, "a pageblock on a per-CPU list at the start goes out whole, not from the buddy lists",
		    test_stale_release_block);
	CU_add_test(s, "a held pageblock of another type released to a per-CPU list is the one handed out",
		    test_stale_release_other_type);
	CU_add_test(s, "a hugetlb pool page the trace takes keeps its block's skip bit set",
		    test_pool_block_skipped);
	CU_add_test(s, "a THP fault the kernel served and we cannot takes the region in 4K pages",
		    test_thp_fallback_4k);
	CU_add_test(s, "the free of a folio split on our side frees its pages where they live",
		    test_free_split_folio);
	CU_add_test(s, "an absorbed THP's pages keep their kernel pfns through split and compaction",
		    test_absorbed_thp_owners);
	CU_add_test(s, "the huge page held for the kernel's second THP try is freed by no stale mapping",
		    test_held_thp_survives);
	CU_add_test(s, "a THP fault's second try is made at the kernel's, with its reclaim",
		    test_thp_second_try_reclaims);
	CU_add_test(s, "kcompactd and kswapd work on the CPU the trace shows them on",
		    test_daemon_cpu);
	CU_add_test(s, "the trace's kswapd sleep clears the skip bits where the scanners met",
		    test_kswapd_sleep_resets_skip);
	CU_add_test(s, "the trace's kswapd nap clears the skip bits, and its sleep does not again",
		    test_kswapd_nap_resets_skip);
	CU_add_test(s, "the trace's kswapd keeps the lists short only until the node is balanced",
		    test_reclaim_active_ends);
	CU_add_test(s, "the pages a CPU's list held at the start count for it until handed out",
		    test_pcp_held_pages);
	CU_add_test(s, "the trace's wakeup_kswapd() calls wake the simulated kswapd when it is short",
		    test_traced_wakeup);
	CU_add_test(s, "under the traced watermarks and boosts the trace's wake is taken as it was",
		    test_traced_wakeup_as_traced);
	CU_add_test(s, "each CPU's pcp high starts at the capture's, inside the config's bounds",
		    test_pcp_start_high);
	CU_add_test(s, "a held page the kernel hands out from a per-CPU list moves no CPU's tuning",
		    test_stale_release);
	CU_add_test(s, "the invariant check says a corrupted per-CPU list, not follows it",
		    test_check_corrupt_pcp);
}
