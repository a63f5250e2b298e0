// SPDX-License-Identifier: GPL-2.0
/*
 * The model on hand-worked cases.  Each case builds a small zone, states the expected free
 * lists in a comment, applies events and checks the lists and the model's invariants.
 */
#include <stdio.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "mmfrag/model.h"
#include "unit.h"

/* A Normal zone of `pages` page frames from pfn 0, 4 CPUs, no high-order per-CPU lists */
static struct mf_model *small_zone(uint64_t pages, int max_order, int pageblock_order)
{
	struct mf_model_params p;
	struct mf_zone_desc z = { .node = 0, .name = "Normal", .start_pfn = 0, .end_pfn = pages,
				  .present = pages, .managed = pages };

	mf_model_params_default(&p);
	p.max_order = max_order;
	p.pageblock_order = pageblock_order;
	p.pcp_high_order = -1;
	p.nr_cpus = 4;
	return mf_model_new(&p, &z, 1);
}

static struct mf_model *zone16(int max_order, int pageblock_order)
{
	return small_zone(16, max_order, pageblock_order);
}

/* A page event: every page kind starts with pfn, order, mt (struct mf_ev_page). */
static void ev_set(struct mf_event *ev, int type, uint64_t pfn, int order, int mt)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint16_t)type;
	ev->page.pfn = pfn;
	ev->page.order = order;
	ev->page.mt = mt;
	ev->cpu = 0;
}

/* refill: zone_locked's percpu_refill; ignored for the other kinds */
static void apply(struct mf_model *m, int type, uint64_t pfn, int order, int mt, int refill)
{
	struct mf_event ev;

	ev_set(&ev, type, pfn, order, mt);
	if (type == MF_EV_ZONE_LOCKED)
		ev.zone_locked.percpu_refill = refill;
	mf_model_apply(m, &ev);
}

/*
 * nr_scanned of a free scan over [start, end) that no stride over the model's frames
 * reproduces (an async walk past compound pages the model cannot see): the cases of a
 * pick the model can only guess.  A scan of every pfn (nr_scanned = end - start) leaves
 * nothing to guess: it took every free block there (test_window_not_free).
 */
#define SCAN_UNKNOWN(start, end)	(((end) - (start)) / 2 + 1)

/* mm_compaction_isolate_freepages over [start, end) */
static void isolate_free(struct mf_model *m, uint64_t start, uint64_t end, uint64_t scanned,
			 uint64_t taken)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = MF_EV_CP_ISOLATE_FREE;
	ev.isolate.start_pfn = start;
	ev.isolate.end_pfn = end;
	ev.isolate.nr_scanned = scanned;
	ev.isolate.nr_taken = taken;
	mf_model_apply(m, &ev);
}

static void expect_free(struct mf_model *m, const uint64_t *want, int nr)
{
	uint64_t got[MF_MAX_ORDERS];
	char buf[256];
	int o;

	mf_model_zone_nr_free(m, 0, got);
	for (o = 0; o < nr; o++)
		CU_ASSERT_EQUAL(got[o], want[o]);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
}

/*
 * 16 pages, one free order-4 block at pfn 0.  Allocating pfn 0 at order 0 splits it as
 * expand() does: the upper halves 8-15 (order 3), 4-7 (2), 2-3 (1) and 1 (0) stay free.
 *   buddyinfo after the split:  1 1 1 1 0
 * Freeing pfn 0 puts it on the per-CPU list (order 0 is a pcp order): buddy unchanged.
 * The drain then merges 0+1, 0-1+2-3, 0-3+4-7, 0-7+8-15 back into one order-4 block.
 */
static void test_split_merge_16(void)
{
	const uint64_t split[] = { 1, 1, 1, 1, 0 }, whole[] = { 0, 0, 0, 0, 1 };
	int pbo;

	for (pbo = 2; pbo <= 4; pbo++) {
		struct mf_model *m = zone16(4, pbo);
		int t;

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		for (t = 0; t < 16; t += 1 << pbo)
			mf_model_set_pageblock_mt(m, (uint64_t)t, MF_MT_MOVABLE);
		CU_ASSERT_EQUAL(mf_model_seed_free(m, 0, 4), 0);
		expect_free(m, whole, 5);

		apply(m, MF_EV_ZONE_LOCKED, 0, 0, MF_MT_MOVABLE, 0);
		expect_free(m, split, 5);
		apply(m, MF_EV_PAGE_ALLOC, 0, 0, MF_MT_MOVABLE, 0);
		expect_free(m, split, 5);

		apply(m, MF_EV_PAGE_FREE, 0, 0, 0, 0);
		expect_free(m, split, 5);
		CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
		CU_ASSERT_EQUAL(mf_model_cpu_pcp_pages(m, 0), 1);
		CU_ASSERT_EQUAL(mf_model_zone_cpu_pcp_pages(m, 0, 0), 1);
		CU_ASSERT_EQUAL(mf_model_zone_cpu_pcp_pages(m, 0, 1), 0);
		CU_ASSERT_EQUAL(mf_model_zone_cpu_pcp_pages(m, 1, 0), 0);

		apply(m, MF_EV_PCPU_DRAIN, 0, 0, MF_MT_MOVABLE, 0);
		expect_free(m, whole, 5);
		CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 0);
		CU_ASSERT_EQUAL(mf_model_zone_cpu_pcp_pages(m, 0, 0), 0);
		CU_ASSERT_EQUAL(mf_model_fidelity(m)->drain_not_pcp, 0);
		CU_ASSERT_EQUAL(mf_model_fidelity(m)->drain_unknown, 0);
		mf_model_free(m);
	}
}

/*
 * Allocation of a page in the middle of a free block (the model missed the split the kernel
 * did): pfn 5 of the order-4 block at 0.  The remainders are 8-15 (3), 0-3 (2), 6-7 (1),
 * 4 (0):  buddyinfo 1 1 1 1 0, with pfn 5 allocated.
 */
static void test_carve_middle(void)
{
	const uint64_t want[] = { 1, 1, 1, 1, 0 };
	struct mf_model *m = zone16(4, 4);

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 0, 4), 0);
	apply(m, MF_EV_ZONE_LOCKED, 5, 0, MF_MT_MOVABLE, 0);
	expect_free(m, want, 5);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->alloc_not_free, 0);
	mf_model_free(m);
}

/*
 * Cross-pageblock rule of __free_one_page(): pageblocks of 4 pages (order 2), max order 3.
 * Pageblock 0 (pfns 0-3) is MOVABLE, pageblock 1 (4-7) HIGHATOMIC.  Two free order-2 blocks
 * at 0 and 4 must stay apart (HIGHATOMIC is not mergeable):  buddyinfo 0 0 2 0.
 * With pageblock 1 UNMOVABLE instead, both types are mergeable: they merge to order 3 and
 * the buddy's pageblock takes the freeing block's type:  buddyinfo 0 0 0 1, both MOVABLE.
 */
static void test_cross_pageblock(void)
{
	const uint64_t apart[] = { 0, 0, 2, 0 }, merged[] = { 0, 0, 0, 1 };
	struct mf_model *m;

	m = zone16(3, 2);
	mf_model_set_pageblock_mt(m, 0, MF_MT_MOVABLE);
	mf_model_set_pageblock_mt(m, 4, MF_MT_HIGHATOMIC);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 4, 2), 0);
	/* order 2 is a per-CPU order: the free parks it, the drain merges it into buddy */
	apply(m, MF_EV_PAGE_FREE, 0, 2, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 0, 2, MF_MT_MOVABLE, 0);
	expect_free(m, apart, 4);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 4), MF_MT_HIGHATOMIC);
	mf_model_free(m);

	m = zone16(3, 2);
	mf_model_set_pageblock_mt(m, 0, MF_MT_MOVABLE);
	mf_model_set_pageblock_mt(m, 4, MF_MT_UNMOVABLE);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 4, 2), 0);
	apply(m, MF_EV_PAGE_FREE, 0, 2, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 0, 2, MF_MT_MOVABLE, 0);
	expect_free(m, merged, 4);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 4), MF_MT_MOVABLE);
	mf_model_free(m);
}

/*
 * Per-CPU refill then allocation: zone_locked with percpu_refill=1 takes pfn 0 (order 0)
 * off buddy onto CPU 0's list; mm_page_alloc takes it from there.  Nothing is repaired.
 */
static void test_pcp_refill(void)
{
	const uint64_t split[] = { 1, 1, 1, 1, 0 };
	struct mf_model *m = zone16(4, 4);

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 0, 4), 0);
	apply(m, MF_EV_ZONE_LOCKED, 0, 0, MF_MT_MOVABLE, 1);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
	apply(m, MF_EV_PAGE_ALLOC, 0, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 0);
	expect_free(m, split, 5);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->alloc_from_buddy, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->alloc_of_allocated, 0);
	mf_model_free(m);
}

/*
 * Fallback claim of a whole block (v6.15 try_to_claim_block with current_order >=
 * pageblock_order): 16 pages, pageblocks of 4 (order 2), one free MOVABLE order-3 block at
 * 8.  An UNMOVABLE order-0 request claims it: pageblocks 8-11 and 12-15 become UNMOVABLE,
 * pfn 8 is allocated and 9 (0), 10-11 (1), 12-15 (2) stay free on the UNMOVABLE lists.
 */
static void test_claim_retypes(void)
{
	const uint64_t want[] = { 1, 1, 1, 0 };
	uint64_t mt[MF_MAX_ORDERS][MF_MAX_MT];
	struct mf_model *m = zone16(3, 2);
	struct mf_event ev;

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 8, 3), 0);
	ev_set(&ev, MF_EV_EXTFRAG, 8, 0, MF_MT_UNMOVABLE);
	ev.extfrag.fallback_order = 3;
	ev.extfrag.fallback_mt = MF_MT_MOVABLE;
	ev.extfrag.change_ownership = 1;
	mf_model_apply(m, &ev);
	/* order 0 from an UNMOVABLE request is a per-CPU refill: pfn 8 sits on CPU 0's list */
	apply(m, MF_EV_PAGE_ALLOC, 8, 0, MF_MT_UNMOVABLE, 0);
	expect_free(m, want, 4);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 8), MF_MT_UNMOVABLE);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 12), MF_MT_UNMOVABLE);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 0), MF_MT_MOVABLE);
	mf_model_zone_nr_free_mt(m, 0, mt);
	CU_ASSERT_EQUAL(mt[2][MF_MT_UNMOVABLE], 1);
	CU_ASSERT_EQUAL(mt[2][MF_MT_MOVABLE], 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->extfrag_claims, 1);
	mf_model_free(m);
}

/*
 * pagetypeinfo counts a pageblock only where a page is (pfn_to_online_page()): the
 * pageblocks marked absent (a hole of the span) are left out of the zone's count, keep
 * their type for the map, and the marks outlive a reseed (mf_model_clear()).
 */
static void test_pageblocks_absent(void)
{
	struct mf_model *m = small_zone(64, 3, 2);
	uint64_t blocks[MF_MAX_MT];

	mf_model_zone_pageblocks_mt(m, 0, blocks);
	CU_ASSERT_EQUAL(blocks[MF_MT_MOVABLE], 16);
	mf_model_set_pageblock_absent(m, 32);
	mf_model_set_pageblock_absent(m, 39);		/* the same pageblock as 36 */
	mf_model_set_pageblock_absent(m, 36);
	mf_model_set_pageblock_absent(m, 64);		/* past the zone: ignored */
	CU_ASSERT(mf_model_pageblock_absent(m, 33));
	CU_ASSERT(mf_model_pageblock_absent(m, 38));
	CU_ASSERT(!mf_model_pageblock_absent(m, 40));
	CU_ASSERT(!mf_model_pageblock_absent(m, 64));
	mf_model_set_pageblock_mt(m, 4, MF_MT_UNMOVABLE);
	mf_model_clear(m);
	mf_model_zone_pageblocks_mt(m, 0, blocks);
	CU_ASSERT_EQUAL(blocks[MF_MT_MOVABLE], 13);
	CU_ASSERT_EQUAL(blocks[MF_MT_UNMOVABLE], 1);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 32), MF_MT_MOVABLE);
	mf_model_free(m);
}

/*
 * A steal (change_ownership=0) leaves the pageblock's type alone and lists the remainders
 * under the fallback type.
 */
static void test_steal_keeps_type(void)
{
	uint64_t mt[MF_MAX_ORDERS][MF_MAX_MT];
	struct mf_model *m = zone16(3, 2);
	struct mf_event ev;

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 8, 2), 0);
	ev_set(&ev, MF_EV_EXTFRAG, 8, 0, MF_MT_UNMOVABLE);
	ev.extfrag.fallback_order = 2;
	ev.extfrag.fallback_mt = MF_MT_MOVABLE;
	ev.extfrag.change_ownership = 0;
	mf_model_apply(m, &ev);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 8), MF_MT_MOVABLE);
	mf_model_zone_nr_free_mt(m, 0, mt);
	CU_ASSERT_EQUAL(mt[1][MF_MT_MOVABLE], 1);	/* 10-11 */
	CU_ASSERT_EQUAL(mt[0][MF_MT_MOVABLE], 1);	/* 9 */
	mf_model_free(m);
}

/*
 * A drain reveals the pageblock type (free_pcppages_bulk re-reads it): the model thought
 * pageblock 0 MOVABLE; a drain with RECLAIMABLE re-types it and its free blocks.
 */
static void test_drain_learns_type(void)
{
	uint64_t mt[MF_MAX_ORDERS][MF_MAX_MT];
	struct mf_model *m = zone16(3, 2);

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 2, 1), 0);
	apply(m, MF_EV_PAGE_FREE, 0, 0, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 0, 0, MF_MT_RECLAIMABLE, 0);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 0), MF_MT_RECLAIMABLE);
	mf_model_zone_nr_free_mt(m, 0, mt);
	/* 0 and 2-3 are free, 1 is not: no merge */
	CU_ASSERT_EQUAL(mt[0][MF_MT_RECLAIMABLE], 1);
	CU_ASSERT_EQUAL(mt[1][MF_MT_RECLAIMABLE], 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->pageblock_retyped, 1);
	mf_model_free(m);
}

/*
 * Repairs, each counted once: a free of a page the model held free (compaction took it
 * silently), an allocation of a page already handed out, a drain of a page that was
 * allocated, a pfn outside every zone.
 */
static void test_repairs(void)
{
	struct mf_model *m = zone16(4, 4);
	const struct mf_fidelity *f = mf_model_fidelity(m);
	char buf[256];

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 0, 4), 0);
	apply(m, MF_EV_PAGE_FREE, 3, 0, 0, 0);
	CU_ASSERT_EQUAL(f->free_of_free, 1);
	CU_ASSERT_EQUAL(f->free_of_free_pages, 1);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);

	apply(m, MF_EV_PAGE_ALLOC, 3, 0, 1, 0);		/* from the per-CPU list: fine */
	apply(m, MF_EV_PAGE_ALLOC, 3, 0, 1, 0);		/* again: already handed out */
	CU_ASSERT_EQUAL(f->alloc_of_allocated, 1);

	apply(m, MF_EV_PCPU_DRAIN, 3, 0, 1, 0);		/* allocated, not on a list */
	CU_ASSERT_EQUAL(f->drain_not_pcp, 1);
	apply(m, MF_EV_PCPU_DRAIN, 3, 0, 1, 0);		/* now free in buddy */
	CU_ASSERT_EQUAL(f->drain_not_pcp, 2);

	apply(m, MF_EV_PAGE_FREE, 100, 0, 0, 0);
	CU_ASSERT_EQUAL(f->pfn_out_of_range, 1);
	apply(m, MF_EV_PAGE_FREE, 1, 1, 0, 0);		/* misaligned for its order */
	CU_ASSERT_EQUAL(f->pfn_out_of_range, 2);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * Compaction's free scanner: isolate_freepages over pfns 0-15 taking 3 pages takes whole
 * blocks in ascending order until it has them: with 0-1 (1) and 4 (0) free, both go.
 */
static void test_isolate_free(void)
{
	const uint64_t none[] = { 0, 0, 0, 0, 0 };
	struct mf_model *m = zone16(4, 4);

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 0, 1), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 4, 0), 0);
	isolate_free(m, 0, 16, 16, 3);
	expect_free(m, none, 5);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolated_pages, 3);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_short, 0);
	mf_model_free(m);
}

/*
 * A wrong pick heals: pfns 2 and 6 are free (order 0).  An isolate event over 0-15 taking
 * one page, by a walk no stride reproduces, makes the model take 2 (the first block of the
 * stride-1 walk); the kernel took 6.  When
 * the kernel frees 6, which the model still held free, the model gives 2 back: it is in
 * the ledger of isolated pages and no event will ever free it.
 *   before the free: buddyinfo 1 0 0 0 0 (6)   after: 2 in buddy, 6 on the per-CPU list
 */
static void test_isolation_swap(void)
{
	const uint64_t one[] = { 1, 0, 0, 0, 0 };
	struct mf_model *m = zone16(4, 4);

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 2, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 6, 0), 0);
	isolate_free(m, 0, 16, SCAN_UNKNOWN(0, 16), 1);
	expect_free(m, one, 5);
	apply(m, MF_EV_PAGE_FREE, 6, 0, 0, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->free_of_free, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 1);
	expect_free(m, one, 5);			/* 2 is back in buddy */
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);	/* 6 on CPU 0's list */
	mf_model_free(m);
}

/*
 * A free scan of every pfn in its window (stride 1: nr_scanned = end - start) took every
 * buddy block it met.  16 pages; 5 and 9 free (order 0), 12-13 (order 1); 3 is freed to
 * CPU 0's list.  The scan over 0-15 took one page: the model takes 5, the first of its
 * walk, and 9 and 12-13 were not free in the kernel (in use: in a trace, mostly another
 * run's migration targets placed elsewhere by the model).  The per-CPU page is not
 * PageBuddy, and the scanner passes it.  The kernel freeing 9 later is an ordinary free.
 *   buddyinfo: 2 1 0 0 0 -> 0 0 0 0 0, per-CPU 1
 */
static void test_window_not_free(void)
{
	const uint64_t none[] = { 0, 0, 0, 0, 0 };
	struct mf_model *m = zone16(4, 4);

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 5, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 9, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 12, 1), 0);
	apply(m, MF_EV_PAGE_FREE, 3, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
	isolate_free(m, 0, 16, 16, 1);
	expect_free(m, none, 5);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolated_pages, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_window_not_free, 2);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_window_not_free_pages, 3);
	apply(m, MF_EV_PAGE_FREE, 9, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->free_of_free, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 2);
	expect_free(m, none, 5);

	/* a scan that stopped early says nothing past where it stopped */
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 14, 0), 0);
	isolate_free(m, 0, 14, 14, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_window_not_free, 2);
	mf_model_free(m);
}

/*
 * A scan that took more than the model held free owes the model's excess elsewhere: the
 * kernel's extra pages were ones the model thought in use, so some page the model holds
 * free is in use in the kernel, and when the kernel frees such a page there is no pick of
 * the model's in its place to give back.  16 pages; 2, 6 and 10 free (order 0).  A scan of
 * 0-3 took 2 pages: the model takes 2, one short.  The kernel frees 6, which the model
 * held free: the shortfall answers it, and 2 stays isolated.  It frees 10 as well: now
 * the model's pick was in the kernel's place, and 2 goes back.
 *   buddy: {2, 6, 10} -> {6, 10} -> {10} (6 per-CPU) -> {2} (10 per-CPU)
 */
static uint64_t free_set(struct mf_model *m);

/* Seed free order-0 pages at the pfns of set (one bit per pfn, below 64). */
static void seed_pages(struct mf_model *m, uint64_t set)
{
	uint64_t pfn;

	for (pfn = 0; pfn < 64; pfn++)
		if (set & (1ULL << pfn))
			CU_ASSERT_EQUAL(mf_model_seed_free(m, pfn, 0), 0);
}

/*
 * The kernel frees order-0 page pfn (to CPU 0's list); then free_of_free and
 * cp_isolation_swapped are fof and swapped, and the order-0 buddy pages are buddy.
 */
static void free_expect(struct mf_model *m, uint64_t pfn, uint64_t fof, uint64_t swapped,
			uint64_t buddy)
{
	apply(m, MF_EV_PAGE_FREE, pfn, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->free_of_free, fof);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, swapped);
	CU_ASSERT_EQUAL(free_set(m), buddy);
}

static void test_short_scan_owes(void)
{
	struct mf_model *m = zone16(4, 4);

	seed_pages(m, 1ULL << 2 | 1ULL << 6 | 1ULL << 10);
	isolate_free(m, 0, 4, 4, 2);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_short, 1);
	free_expect(m, 6, 1, 0, 1ULL << 10);
	free_expect(m, 10, 2, 1, 1ULL << 2);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 2);
	mf_model_free(m);
}

/*
 * A full scan that finds a block the model holds free settles a shortfall as a free does.
 * 16 pages; 2, 6, 10 and 13 free (order 0).  A scan of 0-3 took 2 pages: the model takes
 * 2, one short, so one page the model holds free is in use in the kernel.  A scan of
 * every pfn of 8-15 took one: the model takes 10, and 13 was not free in the kernel; that
 * was the page.  The kernel frees 6, which the model held free: nothing is owed any more,
 * so the model's pick was in the kernel's place, and 2 goes back.
 *   buddy: {2, 6, 10, 13} -> {6, 10, 13} -> {6} -> {2} (6 per-CPU)
 */
static void test_full_scan_settles_short(void)
{
	struct mf_model *m = zone16(4, 4);

	seed_pages(m, 1ULL << 2 | 1ULL << 6 | 1ULL << 10 | 1ULL << 13);
	isolate_free(m, 0, 4, 4, 2);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_short, 1);
	isolate_free(m, 8, 16, 8, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_window_not_free_pages, 1);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 6);
	free_expect(m, 6, 1, 1, 1ULL << 2);
	mf_model_free(m);
}

/*
 * isolate_freepages_block() emits its event when it took nothing, too.  A walk of every
 * pfn that took nothing says the window held no free block; a strided walk says nothing.
 * 16 pages; 5 and 9 free.  A scan of 4-7 with nr_scanned 4 took nothing: 5 was in use.
 * A scan of 8-15 with nr_scanned 3 (stride 4, say) took nothing: 9 may be free still.
 *   buddy: {5, 9} -> {9} -> {9}
 */
static void test_empty_full_scan(void)
{
	struct mf_model *m = zone16(4, 4);

	seed_pages(m, 1ULL << 5 | 1ULL << 9);
	isolate_free(m, 4, 8, 4, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 9);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_window_not_free, 1);
	isolate_free(m, 8, 16, 3, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 9);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_window_not_free, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 0);
	mf_model_free(m);
}

static void add_pfn(void *priv, uint64_t pfn, int order, int mt, bool pcp)
{
	uint64_t *set = priv;

	if (!pcp && order == 0 && pfn < 64)
		*set |= 1ULL << pfn;
}

/* The order-0 buddy blocks of a 64-page zone, one bit per pfn. */
static uint64_t free_set(struct mf_model *m)
{
	uint64_t set = 0;

	mf_model_for_each_block(m, 0, add_pfn, &set);
	return set;
}

/*
 * isolate_freepages_block() steps over a compound page whole, and with a stride above 1
 * that moves its walk.  64 pages; a folio of order 2 at 0-3 (allocated __GFP_COMP, or
 * seeded from a capture's compound head); order-0 pages free at 16, 19, 32 and 35.  The
 * async walk with stride 16 from 0: the folio (4 scanned, to 3), 19 taken, 35 taken, 51:
 * 7 scanned, 2 taken.  No stride reproduces that over single frames (stride 16 scans 4 and
 * takes 16 and 32), so a model blind to the folio takes the first two of the stride-1 walk,
 * 16 and 19.  Once the folio is split and a page of it freed, the walk no longer skips it.
 */
static void test_isolate_free_compound(void)
{
	int how;

	for (how = 0; how < 3; how++) {
		struct mf_model *m = small_zone(64, 6, 6);
		struct mf_event ev;
		char buf[256];

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		mf_model_set_pageblock_mt(m, 0, MF_MT_MOVABLE);
		CU_ASSERT_EQUAL(mf_model_seed_free(m, 16, 0), 0);
		CU_ASSERT_EQUAL(mf_model_seed_free(m, 19, 0), 0);
		CU_ASSERT_EQUAL(mf_model_seed_free(m, 32, 0), 0);
		CU_ASSERT_EQUAL(mf_model_seed_free(m, 35, 0), 0);
		if (how == 1) {
			mf_model_seed_compound(m, 0, 2);
		} else {
			ev_set(&ev, MF_EV_PAGE_ALLOC, 0, 2, MF_MT_MOVABLE);
			ev.alloc.gfp = MF_GFP_COMP;
			mf_model_apply(m, &ev);
		}
		if (how == 2) {
			/* split (no event) and one page of it freed: four single frames now */
			apply(m, MF_EV_PAGE_FREE, 2, 0, 0, 0);
			isolate_free(m, 0, 64, 4, 2);
			CU_ASSERT_EQUAL(free_set(m), (1ULL << 19) | (1ULL << 35));
		} else {
			isolate_free(m, 0, 64, 7, 2);
			CU_ASSERT_EQUAL(free_set(m), (1ULL << 16) | (1ULL << 32));
			CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 0);
		}
		CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
		mf_model_free(m);
	}
}

/* mm_compaction_fast_isolate_freepages(min_pfn, free_pfn, nr_scanned, nr_taken) of pid */
static void fast_isolate_by(struct mf_model *m, int32_t pid, uint64_t min_pfn,
			    uint64_t free_pfn, uint64_t scanned, uint64_t taken)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = MF_EV_CP_FAST_ISOLATE_FREE;
	ev.pid = pid;
	ev.isolate.start_pfn = min_pfn;
	ev.isolate.end_pfn = free_pfn;
	ev.isolate.nr_scanned = scanned;
	ev.isolate.nr_taken = taken;
	mf_model_apply(m, &ev);
}

static void fast_isolate(struct mf_model *m, uint64_t min_pfn, uint64_t free_pfn,
			 uint64_t scanned, uint64_t taken)
{
	fast_isolate_by(m, 0, min_pfn, free_pfn, scanned, taken);
}

/*
 * mf_model_last_free_block(), the workload's view of fast_find_migrateblock()'s lists: in
 * a 64-page zone, free blocks of order 2 at 8 (MOVABLE), order 1 at 20 (MOVABLE) and
 * order 2 at 40 (an UNMOVABLE pageblock): the last MOVABLE one of order 2-3 is 8, of
 * order 1-3 it is 20; none of order 1-3 lies below 8; 40 is on the UNMOVABLE list.
 */
static void test_last_free_block(void)
{
	struct mf_model *m = small_zone(64, 3, 2);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	mf_model_set_pageblock_mt(m, 40, MF_MT_UNMOVABLE);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 8, 2), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 20, 1), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 40, 2), 0);
	CU_ASSERT_EQUAL(mf_model_last_free_block(m, 0, 64, 2, 3, MF_MT_MOVABLE), 8);
	CU_ASSERT_EQUAL(mf_model_last_free_block(m, 0, 64, 1, 3, MF_MT_MOVABLE), 20);
	CU_ASSERT_EQUAL(mf_model_last_free_block(m, 0, 8, 1, 3, MF_MT_MOVABLE), MF_PFN_NONE);
	CU_ASSERT_EQUAL(mf_model_last_free_block(m, 9, 64, 2, 3, MF_MT_UNMOVABLE), 40);
	CU_ASSERT_EQUAL(mf_model_last_free_block(m, 0, 1000, 2, 2, MF_MT_UNMOVABLE), 40);
	mf_model_free(m);
}

/* small_zone(64, 3, 2) with the order-0 pages pfns[0..n) free and the rest in use */
static struct mf_model *zone_free_at(const uint64_t *pfns, int n)
{
	struct mf_model *m = small_zone(64, 3, 2);
	int i;

	for (i = 0; m && i < n; i++)
		if (mf_model_seed_free(m, pfns[i], 0)) {
			mf_model_free(m);
			return NULL;
		}
	return m;
}

/*
 * The free lists keep the kernel's order, and fast_isolate_freepages() picks by it.  A
 * 64-page zone (max order 3, pageblocks of 4 pages), all MOVABLE.  Seeded order-0 blocks
 * 5, 17, 49, 33 go to the head one after the other; 22-23 is a free order-1 block.
 *   free_list[0] head..tail:  33 49 17 5
 * A drained page 9 goes to the head (buddy 8 is not free, and neither is 10-11, the buddy
 * of 8-9 one order up); a drained 21 goes to the tail: 20 is not free, but 22-23, the
 * buddy of 20-21 one order up, is (buddy_merge_likely()).
 *   free_list[0]:  9 33 49 17 5 21
 * Fast isolation with min_pfn 0, free_pfn 64 (low_pfn 32) walks from the tail: 21, 5, 17,
 * then 49 is the first at or above 32 (the lowest such pfn, 33, is not).  The blocks before
 * 49 rotate to the tail (move_freelist_head()), and 49 leaves:  17 5 21 9 33
 * The next one takes 33, the tail.  Then 9 21 5 17 hold nothing at or above 32: the
 * highest at or above min_pfn, 21, is taken.
 */
static void test_fast_isolate_list_order(void)
{
	struct mf_model *m;
	uint64_t all;
	char buf[256];

	m = zone_free_at((const uint64_t[]){ 5, 17, 49, 33 }, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 22, 1), 0);
	apply(m, MF_EV_PCPU_DRAIN, 9, 0, MF_MT_MOVABLE, 0);
	apply(m, MF_EV_PCPU_DRAIN, 21, 0, MF_MT_MOVABLE, 0);
	all = (1ULL << 5) | (1ULL << 9) | (1ULL << 17) | (1ULL << 21) | (1ULL << 33) |
	      (1ULL << 49);
	CU_ASSERT_EQUAL(free_set(m), all);

	fast_isolate(m, 0, 64, 4, 1);
	CU_ASSERT_EQUAL(free_set(m), all & ~(1ULL << 49));
	fast_isolate(m, 0, 64, 1, 1);
	CU_ASSERT_EQUAL(free_set(m), all & ~(1ULL << 49) & ~(1ULL << 33));
	fast_isolate(m, 0, 64, 4, 1);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 5) | (1ULL << 9) | (1ULL << 17));
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolated_pages, 3);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * A swap gives back the guess of the event that could have taken the freed page, not the
 * nearest isolated block.  16 pages, pageblocks of 4; 1, 12 and 14 free (order 0).  An
 * isolate event over 12-13 scanning 2 and taking 1 is reproduced: 12 is the kernel's pick.
 * One over 0-15 taking 1 by a walk no stride reproduces is not: the model takes 1, the
 * first of the stride-1 walk, a guess, and the kernel's page lies in 0-15.  The kernel took 14 and now frees it:
 * the model gives back 1, not 12, which sits in 14's own pageblock.
 */
static void test_swap_takes_guess(void)
{
	struct mf_model *m = small_zone(16, 4, 2);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 1, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 12, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 14, 0), 0);
	isolate_free(m, 12, 14, 2, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 0);
	isolate_free(m, 0, 16, SCAN_UNKNOWN(0, 16), 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 1);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 14);
	apply(m, MF_EV_PAGE_FREE, 14, 0, 0, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 1);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 1);	/* 12 stays isolated, 14 is per-CPU */
	mf_model_free(m);
}

/*
 * The same for fast_isolate_freepages()'s fallback.  64 pages, pageblocks of 4.  9 goes
 * first to a reproduced isolate walk over 8-11.  Seeded 5, 17, 21: free_list[0] tail to
 * head 5 17 21.  Fast isolation with min_pfn 0, free_pfn 64 (low_pfn 32), 1 page scanned:
 * nothing at or above 32, the model takes its highest block, 21, two entries past the
 * kernel's one; the kernel's fallback is no higher: its page lies in 0-21.  The kernel
 * took 5 and frees it: 21 goes back, not 9, which is nearer.
 */
static void test_swap_takes_fast_guess(void)
{
	struct mf_model *m = small_zone(64, 3, 2);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 9, 0), 0);
	isolate_free(m, 8, 12, 4, 1);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 5, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 17, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 21, 0), 0);
	fast_isolate(m, 0, 64, 1, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 1);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 5) | (1ULL << 17));
	apply(m, MF_EV_PAGE_FREE, 5, 0, 0, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 1);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 17) | (1ULL << 21));	/* 9 stays isolated */
	mf_model_free(m);
}

/* An event of task pid: compaction begin/end, free scanner, or an LRU insertion of pfn. */
static void task_event(struct mf_model *m, int type, int32_t pid, uint64_t pfn)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.pid = pid;
	if (type == MF_EV_LRU_INSERT)
		ev.lru_insert.pfn = pfn;
	if (type == MF_EV_CP_ISOLATE_FREE) {	/* over 0-15, one page taken */
		ev.isolate.start_pfn = 0;
		ev.isolate.end_pfn = 16;
		ev.isolate.nr_scanned = SCAN_UNKNOWN(0, 16);
		ev.isolate.nr_taken = 1;
	}
	mf_model_apply(m, &ev);
}

/* a page event of task pid on cpu; refill as apply()'s */
static void apply_on(struct mf_model *m, int type, uint64_t pfn, int order, int cpu, int32_t pid,
		     int refill)
{
	struct mf_event ev;

	ev_set(&ev, type, pfn, order, MF_MT_MOVABLE);
	ev.cpu = cpu;
	ev.pid = pid;
	if (type == MF_EV_ZONE_LOCKED)
		ev.zone_locked.percpu_refill = refill;
	mf_model_apply(m, &ev);
}

/* mm_page_free of pfn by task pid, on CPU 0 */
static void free_by(struct mf_model *m, int32_t pid, uint64_t pfn, int order)
{
	apply_on(m, MF_EV_PAGE_FREE, pfn, order, 0, pid, 0);
}

/*
 * free_pcppages_bulk() drains a list from its tail, the oldest entry first: a block the
 * model holds behind the drained one was never on the kernel's list.  32 pages, pageblocks
 * of 16 (types unknown until an event shows them), nothing free at the start, every free
 * on CPU 0.
 * - 10 and 15 are freed while pageblock 0's type is a guess: the model cannot be sure of
 *   their list, so they take no place in its order.  15's drain shows the type.
 * - 0 (order 2) then 4 (order 2) go to the MOVABLE list; the kernel drains 4 first, so
 *   0 went to buddy at its free (a failed pcp trylock): 0-7 merge into one order-3 block.
 * - 8 then 9 (order 0); 9 is drained: 8 went to buddy, and merges with 9 (10 is not
 *   passed: it has no place).  A later free of 8 is no free of a free page:
 *   alloc_pages_bulk() had taken it silently.
 * - Pageblock 1 is shown MOVABLE (31); 16 then 17 are listed MOVABLE, but 17's drain says
 *   UNMOVABLE: the pageblock changed type, the list's order says nothing, 16 stays.
 * - 20 then 21 (UNMOVABLE); 21 is drained: 20 left with alloc_pages_bulk() (in use),
 *   which is what unmovable order-0 pages the drain passes over did.  Freed again, 20 is
 *   listed, and a drain of the tail passes nothing.
 * - In a compaction run of task 7, 24 is freed (maybe compaction_free() of a failed
 *   target); then task 9 frees 25 and 25 is drained: 24 has no place to be passed from.
 */
static void test_pcp_passed_over(void)
{
	struct mf_model *m = small_zone(32, 5, 4);
	const struct mf_fidelity *f = mf_model_fidelity(m);
	uint64_t got[MF_MAX_ORDERS];
	char buf[256];

	apply(m, MF_EV_PAGE_FREE, 10, 0, 0, 0);
	apply(m, MF_EV_PAGE_FREE, 15, 0, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 15, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(f->pcp_passed_over, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);

	apply(m, MF_EV_PAGE_FREE, 0, 2, 0, 0);
	apply(m, MF_EV_PAGE_FREE, 4, 2, 0, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 9);
	apply(m, MF_EV_PCPU_DRAIN, 4, 2, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(f->pcp_passed_over, 1);
	CU_ASSERT_EQUAL(f->pcp_passed_over_pages, 4);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
	mf_model_zone_nr_free(m, 0, got);
	CU_ASSERT_EQUAL(got[3], 1);

	apply(m, MF_EV_PAGE_FREE, 8, 0, 0, 0);
	apply(m, MF_EV_PAGE_FREE, 9, 0, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 9, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(f->pcp_passed_over, 2);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
	mf_model_zone_nr_free(m, 0, got);
	CU_ASSERT_EQUAL(got[1], 1);
	apply(m, MF_EV_PAGE_FREE, 8, 0, 0, 0);
	CU_ASSERT_EQUAL(f->free_of_free, 0);
	CU_ASSERT_EQUAL(f->pcp_bulk_taken, 1);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 2);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);

	apply(m, MF_EV_PAGE_FREE, 31, 0, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 31, 0, MF_MT_MOVABLE, 0);
	apply(m, MF_EV_PAGE_FREE, 16, 0, 0, 0);
	apply(m, MF_EV_PAGE_FREE, 17, 0, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 17, 0, MF_MT_UNMOVABLE, 0);
	CU_ASSERT_EQUAL(f->pcp_passed_over, 2);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 3);	/* 8, 10 and 16 */
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 16), MF_MT_UNMOVABLE);

	apply(m, MF_EV_PAGE_FREE, 20, 0, 0, 0);
	apply(m, MF_EV_PAGE_FREE, 21, 0, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 21, 0, MF_MT_UNMOVABLE, 0);
	CU_ASSERT_EQUAL(f->pcp_passed_over, 3);
	CU_ASSERT_EQUAL(f->pcp_bulk_taken, 2);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 3);
	apply(m, MF_EV_PAGE_FREE, 20, 0, 0, 0);		/* in use: an ordinary free */
	CU_ASSERT_EQUAL(f->free_of_free, 0);
	CU_ASSERT_EQUAL(f->free_of_pcp, 0);
	apply(m, MF_EV_PCPU_DRAIN, 20, 0, MF_MT_UNMOVABLE, 0);	/* the tail: nothing passed */
	CU_ASSERT_EQUAL(f->pcp_passed_over, 3);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);

	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	free_by(m, 7, 24, 0);
	free_by(m, 9, 25, 0);
	apply(m, MF_EV_PCPU_DRAIN, 25, 0, MF_MT_UNMOVABLE, 0);
	CU_ASSERT_EQUAL(f->pcp_passed_over, 3);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 4);	/* 8, 10, 16 and 24 */
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * A refill's pages leave their list only through an allocation or a drain (a failed pcp
 * trylock sends a page to buddy at its free, and these were not freed): one a drain
 * passes over was taken with no mm_page_alloc, by alloc_pages_bulk(), whatever its type.
 * 32 pages, pageblocks of 16.
 * - 0-3 come to buddy as one order-2 block (a free and its drain).
 * - A refill lists 0, 1, 2, 3 (movable) at the tail of CPU 0's list; 0 is allocated.
 * - 5 is freed to the head (movable), then 8; the drain of 8 passes over 3, 2 and 1, and
 *   then 5, newer than the refill's pages the bulk allocation took: all four in use.
 * - A free of 1 is an ordinary free.
 */
static void test_pcp_passed_over_refill(void)
{
	struct mf_model *m = small_zone(32, 5, 4);
	const struct mf_fidelity *f = mf_model_fidelity(m);
	uint64_t got[MF_MAX_ORDERS];
	char buf[256];
	int i;

	apply(m, MF_EV_PAGE_FREE, 0, 2, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 0, 2, MF_MT_MOVABLE, 0);
	mf_model_zone_nr_free(m, 0, got);
	CU_ASSERT_EQUAL(got[2], 1);
	for (i = 0; i < 4; i++)
		apply(m, MF_EV_ZONE_LOCKED, (uint64_t)i, 0, MF_MT_MOVABLE, 1);
	apply(m, MF_EV_PAGE_ALLOC, 0, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 3);

	apply(m, MF_EV_PAGE_FREE, 5, 0, 0, 0);
	apply(m, MF_EV_PAGE_FREE, 8, 0, 0, 0);
	apply(m, MF_EV_PCPU_DRAIN, 8, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(f->pcp_passed_over, 4);
	CU_ASSERT_EQUAL(f->pcp_bulk_taken, 4);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 0);
	memset(got, 0, sizeof(got));	/* the orders above max_order stay untouched */
	mf_model_zone_nr_free(m, 0, got);
	CU_ASSERT_EQUAL(got[0], 1);	/* 8 alone */
	for (i = 1; i < MF_MAX_ORDERS; i++)
		CU_ASSERT_EQUAL(got[i], 0);

	apply(m, MF_EV_PAGE_FREE, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(f->free_of_free, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * rmqueue_pcplist() holds its CPU's per-CPU lock from the refill to its page, and
 * mm_page_alloc comes after: a free on that CPU under the same task in between is an
 * interrupt's, whose pcp_spin_trylock() fails, and goes to buddy.  32 pages, pageblocks
 * of 16, nothing free at the start.
 * - Task 5 refills 0 on CPU 0; a free of 8 on CPU 0 under task 5 goes to buddy; task 6's
 *   free of 10 on CPU 1 goes to CPU 1's list.
 * - Task 5's mm_page_alloc of 0 ends the hold: its free of 12 goes to CPU 0's list.
 * - Task 5 refills 2; task 7 runs on CPU 0 (its free of 14 goes to the list), so the
 *   lock was let go: task 5's free of 16 goes to the list too.
 */
static void test_pcp_locked_free(void)
{
	struct mf_model *m = small_zone(32, 5, 4);
	const struct mf_fidelity *f = mf_model_fidelity(m);
	uint64_t got[MF_MAX_ORDERS];
	char buf[256];

	apply_on(m, MF_EV_ZONE_LOCKED, 0, 0, 0, 5, 1);
	CU_ASSERT_EQUAL(mf_model_cpu_pcp_pages(m, 0), 1);
	apply_on(m, MF_EV_PAGE_FREE, 8, 0, 0, 5, 0);
	apply_on(m, MF_EV_PAGE_FREE, 10, 0, 1, 6, 0);
	CU_ASSERT_EQUAL(f->pcp_locked_frees, 1);
	mf_model_zone_nr_free(m, 0, got);
	CU_ASSERT_EQUAL(got[0], 1);
	CU_ASSERT_EQUAL(mf_model_cpu_pcp_pages(m, 0), 1);
	CU_ASSERT_EQUAL(mf_model_cpu_pcp_pages(m, 1), 1);

	apply_on(m, MF_EV_PAGE_ALLOC, 0, 0, 0, 5, 0);
	CU_ASSERT_EQUAL(mf_model_cpu_pcp_pages(m, 0), 0);
	apply_on(m, MF_EV_PAGE_FREE, 12, 0, 0, 5, 0);
	CU_ASSERT_EQUAL(mf_model_cpu_pcp_pages(m, 0), 1);

	apply_on(m, MF_EV_ZONE_LOCKED, 2, 0, 0, 5, 1);
	apply_on(m, MF_EV_PAGE_FREE, 14, 0, 0, 7, 0);
	apply_on(m, MF_EV_PAGE_FREE, 16, 0, 0, 5, 0);
	CU_ASSERT_EQUAL(mf_model_cpu_pcp_pages(m, 0), 4);	/* 12, 2, 14 and 16 */
	CU_ASSERT_EQUAL(f->pcp_locked_frees, 1);
	mf_model_zone_nr_free(m, 0, got);
	CU_ASSERT_EQUAL(got[0], 1);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * compaction_capture(): task 7 asks direct compaction for order 2; a block of order 2
 * forms while it compacts and goes straight to it, so its mm_page_alloc finds the block
 * still free in the model with no zone_locked before.  That is no repair.  The same by
 * task 8, which asked for nothing, is one (alloc_from_buddy).
 */
static void test_compaction_capture(void)
{
	struct mf_model *m = zone16(4, 4);
	const struct mf_fidelity *f = mf_model_fidelity(m);
	struct mf_event ev;

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 0, 2), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 8, 2), 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = MF_EV_CP_TRY;
	ev.pid = 7;
	ev.cp_try.order = 2;
	ev.cp_try.prio = 1;
	mf_model_apply(m, &ev);
	ev_set(&ev, MF_EV_PAGE_ALLOC, 0, 2, MF_MT_MOVABLE);
	ev.pid = 7;
	mf_model_apply(m, &ev);
	CU_ASSERT_EQUAL(f->cp_captured, 1);
	CU_ASSERT_EQUAL(f->cp_captured_pages, 4);
	CU_ASSERT_EQUAL(f->alloc_from_buddy, 0);
	ev_set(&ev, MF_EV_PAGE_ALLOC, 8, 2, MF_MT_MOVABLE);
	ev.pid = 8;
	mf_model_apply(m, &ev);
	CU_ASSERT_EQUAL(f->cp_captured, 1);
	CU_ASSERT_EQUAL(f->alloc_from_buddy, 1);
	mf_model_free(m);
}

/*
 * Migration targets.  Pages 5 and 9 are free (order 0).  In a compaction run of task 7 the
 * free scanner takes one page over 0-15: the model takes 5, the first of its walk.  Task
 * 7 then puts 9 on an LRU list: 9 was the kernel's pick, a migration target.  The model
 * takes 9 (in use) and gives 5 back.  In a second run the model takes 5 again, and no
 * target shows before mm_compaction_end: 5 goes back.  Last, task 8 (in no run) puts 5 on
 * an LRU list: in use, taken off the free lists.
 *   free pages: {5, 9} -> {9} -> {5} -> {} -> {5} -> {}
 */
static void test_lru_targets(void)
{
	struct mf_model *m;
	char buf[256];

	m = zone_free_at((const uint64_t[]){ 5, 9 }, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);

	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	task_event(m, MF_EV_CP_ISOLATE_FREE, 7, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 9);
	task_event(m, MF_EV_LRU_INSERT, 7, 9);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 5);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_dest_taken, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 1);
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 5);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_released_pages, 0);

	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	task_event(m, MF_EV_CP_ISOLATE_FREE, 7, 0);
	CU_ASSERT_EQUAL(free_set(m), 0);
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 5);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_released_pages, 1);

	task_event(m, MF_EV_LRU_INSERT, 8, 5);
	CU_ASSERT_EQUAL(free_set(m), 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->lru_of_free, 1);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * The give-back of model_on_lru_insert() over a pick that holds a block of the model's.
 * Pages 5 and 9 are free.  Task 7's run takes 5 (the first of the walk over 0-15); then 5
 * shows free again while still marked isolated (here by a seed: in a trace, any path that
 * frees a page without clearing its mark).  Task 7 puts 9 on an LRU list: 9 was the
 * kernel's pick, and 5, the model's, is given back as release_block() does it: only the
 * pages still isolated and not already free, so 5 is not freed over itself.
 *   free pages: {5, 9} -> {9} -> {5, 9} -> {5}, with one block on free_list[0]
 */
static void test_lru_giveback_guard(void)
{
	uint64_t nr[MF_MAX_ORDERS];
	struct mf_model *m;
	char buf[256];

	m = zone_free_at((const uint64_t[]){ 5, 9 }, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	task_event(m, MF_EV_LRU_INSERT, 8, 40);		/* the trace has LRU insertions */

	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	task_event(m, MF_EV_CP_ISOLATE_FREE, 7, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 9);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 5, 0), 0);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 5) | (1ULL << 9));

	task_event(m, MF_EV_LRU_INSERT, 7, 9);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 5);
	mf_model_zone_nr_free(m, 0, nr);
	CU_ASSERT_EQUAL(nr[0], 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_dest_taken, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 5);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/* mm_compaction_isolate_freepages of task pid over [start, end), one page taken */
static void task_isolate(struct mf_model *m, int32_t pid, uint64_t start, uint64_t end)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = MF_EV_CP_ISOLATE_FREE;
	ev.pid = pid;
	ev.isolate.start_pfn = start;
	ev.isolate.end_pfn = end;
	ev.isolate.nr_scanned = SCAN_UNKNOWN(start, end);
	ev.isolate.nr_taken = 1;
	mf_model_apply(m, &ev);
}

/*
 * A migration target's LRU insertion in another task's context (folio_add_lru() queues it
 * on the CPU's LRU batch, drained by whatever task runs there next).  Pages 5, 9, 37, 41
 * and 60 are free.  Task 7's scanner takes one page over 0-15 (the model: 5), task 8's one
 * over 32-47 (the model: 37).  Task 7 puts 41 on an LRU list: only task 8's scanner took
 * pages there, so 41 is task 8's target and 37, task 8's pick, goes back; 5 stays
 * isolated.  Then task 7 puts 60 on an LRU list, in no run's windows: a target of a run
 * that ended, in use, and no pick goes back.
 *   free pages: {5, 9, 37, 41, 60} -> {9, 41, 60} -> {9, 37, 60} -> {9, 37}
 */
static void test_lru_target_of_other_run(void)
{
	struct mf_model *m;
	char buf[256];

	m = zone_free_at((const uint64_t[]){ 5, 9, 37, 41, 60 }, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	task_event(m, MF_EV_CP_BEGIN, 8, 0);
	task_isolate(m, 7, 0, 16);
	task_isolate(m, 8, 32, 48);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 9) | (1ULL << 41) | (1ULL << 60));

	task_event(m, MF_EV_LRU_INSERT, 7, 41);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 9) | (1ULL << 37) | (1ULL << 60));
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_dest_taken, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 1);

	task_event(m, MF_EV_LRU_INSERT, 7, 60);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 9) | (1ULL << 37));
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_dest_taken, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->lru_of_free, 1);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);

	task_event(m, MF_EV_CP_END, 8, 0);		/* 41 confirmed: in use */
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 9) | (1ULL << 37));
	task_event(m, MF_EV_CP_END, 7, 0);		/* 5 unconfirmed: back */
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 5) | (1ULL << 9) | (1ULL << 37));
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * Two runs' windows over the same pages: the insertion confirms the pick of the run that
 * made it, whichever run the inserting task is in.  Pages 5, 9 and 37 are free.  Task 7's
 * scanner takes one page over 0-15 (the model: 5), then task 8's (kcompactd, say) one
 * over 0-15 too (the model: 9).  Task 7 drains its CPU's LRU batch and inserts 9: task 8's
 * pick, a target of task 8's run, confirmed there although task 7's windows cover it too.
 * When task 8's run ends 9 stays in use; when task 7's ends its unconfirmed 5 goes back.
 *   free pages: {5, 9, 37} -> {37} -> {37} -> {5, 37}
 */
static void test_lru_confirm_other_run(void)
{
	struct mf_model *m;
	char buf[256];

	m = zone_free_at((const uint64_t[]){ 5, 9, 37 }, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	task_event(m, MF_EV_LRU_INSERT, 9, 60);		/* the trace has LRU insertions */
	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	task_event(m, MF_EV_CP_BEGIN, 8, 0);
	task_isolate(m, 7, 0, 16);
	task_isolate(m, 8, 0, 16);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 37);
	task_event(m, MF_EV_LRU_INSERT, 7, 9);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 37);
	task_event(m, MF_EV_CP_END, 8, 0);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 37);
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(free_set(m), (1ULL << 5) | (1ULL << 37));
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * A long run's windows: more separate windows than the model keeps (kcompactd's linear
 * scanner skips the pageblocks it takes nothing from).  A 128-page zone; pages 0, 2, ...,
 * 70 and 67 are free.  Task 8's scanner takes one page from each of [0,1), [2,3), ...,
 * [68,69): 35 windows, 32 kept, the last ones grow the nearest, [62,63), to [62,69).
 * Task 7, in no run, inserts 67: inside that cover, so a target of task 8's run (taken as
 * such, and one of its picks given back), not a page "in use" outside any run.
 */
static void test_lru_long_run_windows(void)
{
	struct mf_model *m = small_zone(128, 3, 2);
	char buf[256];
	uint64_t p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (p = 0; p <= 70; p += 2)
		CU_ASSERT_EQUAL(mf_model_seed_free(m, p, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 67, 0), 0);
	task_event(m, MF_EV_LRU_INSERT, 9, 120);	/* the trace has LRU insertions */
	task_event(m, MF_EV_CP_BEGIN, 8, 0);
	for (p = 0; p <= 68; p += 2)
		task_isolate(m, 8, p, p + 1);
	task_event(m, MF_EV_LRU_INSERT, 7, 67);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_dest_taken, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->lru_of_free, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	task_event(m, MF_EV_CP_END, 8, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->lru_of_free, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * The kernel allocates the model's pick.  Pages 5 and 9 are free.  The free scanner takes
 * one page over 0-15 by a walk no stride reproduces: the model takes 5, the first of its
 * stride-1 walk.  Then the kernel hands 5
 * out (zone_locked, alloc): its scanner had not taken 5, so it took another free page the
 * model still holds, and the nearest is 9: the model isolates 9 in its place.  When the
 * kernel frees 9 (a migration target going away) that is an ordinary free, not a free of
 * a free page.
 *   free pages: {5, 9} -> {9} -> {} -> {9 on a per-CPU list}
 */
static void test_isolation_replaced(void)
{
	struct mf_model *m;
	char buf[256];

	m = zone_free_at((const uint64_t[]){ 5, 9 }, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	isolate_free(m, 0, 16, SCAN_UNKNOWN(0, 16), 1);
	CU_ASSERT_EQUAL(free_set(m), 1ULL << 9);

	apply(m, MF_EV_ZONE_LOCKED, 5, 0, MF_MT_MOVABLE, 0);
	apply(m, MF_EV_PAGE_ALLOC, 5, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(free_set(m), 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_replaced, 1);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_replaced_pages, 1);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);

	apply(m, MF_EV_PAGE_FREE, 9, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);	/* 9 on CPU 0's list */
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->free_of_free, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/* Every page in the buddy lists (any order) of a 64-page zone, one bit per pfn. */
static void add_pages(void *priv, uint64_t pfn, int order, int mt, bool pcp)
{
	uint64_t *set = priv, i;

	(void)mt;
	for (i = 0; !pcp && i < 1ULL << order && pfn + i < 64; i++)
		*set |= 1ULL << (pfn + i);
}

static uint64_t buddy_pages(struct mf_model *m)
{
	uint64_t set = 0;

	mf_model_for_each_block(m, 0, add_pages, &set);
	return set;
}

/* An event of task 7: isolate_freepages over [start, end), migratepages, or a free. */
static void run_event(struct mf_model *m, int type, uint64_t a, uint64_t b, uint64_t c,
		      uint64_t d)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.pid = 7;
	if (type == MF_EV_CP_ISOLATE_FREE) {
		ev.isolate.start_pfn = a;
		ev.isolate.end_pfn = b;
		ev.isolate.nr_scanned = c;
		ev.isolate.nr_taken = d;
	} else if (type == MF_EV_CP_MIGRATEPAGES) {
		ev.migrate.nr_migrated = a;
	} else if (type == MF_EV_PAGE_FREE) {
		ev.free.pfn = a;
		ev.free.order = (int)b;
	}
	mf_model_apply(m, &ev);
}

/*
 * Migration targets without mm_lru_insertion, by compaction_alloc()'s order.  Free: 5
 * (order 0) and 10-11 (order 1).  Run 1: the scanner takes both over 0-15 (the stride-1
 * walk reproduces nr_scanned 16, nr_taken 3): freepages[0] = {5}, freepages[1] = {10}.
 * One page migrated: compaction_alloc() takes 5, the lowest order first.  No event frees
 * 10 (the kernel would have): at the end one page stays a target (5), 10-11 go back.
 * Run 2: the scanner takes 10-11 (nr_scanned 14 over 2-15); one page migrated:
 * compaction_alloc() splits 10-11, target 10, 11 listed; release_free_list() frees 11
 * (to a per-CPU list): 10 stays a target, nothing is unsure.  Then task 8 frees 40, which
 * the model held free: swap_isolation() may not give back 5 or 10 (their isolate walks
 * were reproduced: the kernel's own targets).
 *   buddy pages: {5, 10, 11, 40} -> {40} -> {10, 11, 40} -> {40} -> {40}
 */
static void test_targets_predicted(void)
{
	const struct mf_fidelity *f;
	struct mf_model *m;
	struct mf_event ev;
	char buf[256];

	m = small_zone(64, 3, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	f = mf_model_fidelity(m);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 5, 0), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 10, 1), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 40, 0), 0);

	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	run_event(m, MF_EV_CP_ISOLATE_FREE, 0, 16, 16, 3);
	CU_ASSERT_EQUAL(buddy_pages(m), 1ULL << 40);
	CU_ASSERT_EQUAL(f->cp_isolate_mismatch, 0);
	run_event(m, MF_EV_CP_MIGRATEPAGES, 1, 0, 0, 0);
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(buddy_pages(m), 1ULL << 40 | 3ULL << 10);
	CU_ASSERT_EQUAL(f->cp_targets_predicted, 1);
	CU_ASSERT_EQUAL(f->cp_released_pages, 2);
	CU_ASSERT_EQUAL(f->cp_targets_unsure, 2);

	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	run_event(m, MF_EV_CP_ISOLATE_FREE, 2, 16, 14, 2);
	CU_ASSERT_EQUAL(buddy_pages(m), 1ULL << 40);
	run_event(m, MF_EV_CP_MIGRATEPAGES, 1, 0, 0, 0);
	run_event(m, MF_EV_PAGE_FREE, 11, 0, 0, 0);
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(buddy_pages(m), 1ULL << 40);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
	CU_ASSERT_EQUAL(f->cp_targets_predicted, 2);
	CU_ASSERT_EQUAL(f->cp_released_pages, 2);
	CU_ASSERT_EQUAL(f->cp_targets_unsure, 2);
	CU_ASSERT_EQUAL(f->free_of_free, 0);

	memset(&ev, 0, sizeof(ev));
	ev.type = MF_EV_PAGE_FREE;
	ev.pid = 8;
	ev.free.pfn = 40;
	mf_model_apply(m, &ev);
	CU_ASSERT_EQUAL(f->free_of_free, 1);
	CU_ASSERT_EQUAL(f->cp_isolation_swapped, 0);
	CU_ASSERT_EQUAL(buddy_pages(m), 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * The blocks release_free_list() frees name what compaction_alloc() cut from them.  64
 * pages, pageblocks of 4; free 4-7 and 8-11 (order 2).  Task 7's scanner takes one block
 * over 4-11 by a walk no stride reproduces: the model takes 4-7, the kernel took 8-11.
 * One page migrated: the kernel's target is 8, and its release frees 9 (order 0) and
 * 10-11 (order 1), which the model held free.  Both are upper halves: 8, their lower
 * buddies less what was released, is in use.  The model's own picks stand in for nothing
 * then, and go back at the end.
 *   buddy pages: {4-11} -> {8-11} -> {8} (9, 10-11 per-CPU) -> {4-7}
 */
static void test_targets_inferred(void)
{
	const struct mf_fidelity *f;
	struct mf_model *m;
	char buf[256];

	m = small_zone(64, 3, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	f = mf_model_fidelity(m);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 4, 2), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 8, 2), 0);

	task_event(m, MF_EV_CP_BEGIN, 7, 0);
	run_event(m, MF_EV_CP_ISOLATE_FREE, 4, 12, 7, 4);
	CU_ASSERT_EQUAL(buddy_pages(m), 0xfULL << 8);
	run_event(m, MF_EV_CP_MIGRATEPAGES, 1, 0, 0, 0);
	run_event(m, MF_EV_PAGE_FREE, 9, 0, 0, 0);
	run_event(m, MF_EV_PAGE_FREE, 10, 1, 0, 0);
	CU_ASSERT_EQUAL(f->free_of_free, 2);
	CU_ASSERT_EQUAL(buddy_pages(m), 1ULL << 8);
	task_event(m, MF_EV_CP_END, 7, 0);
	CU_ASSERT_EQUAL(buddy_pages(m), 0xfULL << 4);
	CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 3);
	CU_ASSERT_EQUAL(f->cp_targets_inferred, 1);
	CU_ASSERT_EQUAL(f->cp_targets_predicted, 0);
	CU_ASSERT_EQUAL(f->cp_isolation_swapped, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * A page the model isolated that the kernel hands out anyway (the model's pick was not the
 * kernel's).  64 pages, max order 3, pageblocks of 4, free order-1 blocks 4-5 and 12-13:
 *   free_list[1] head..tail:  4 12
 * In a run of task 7, fast isolation of one order-1 block (min_pfn 0, free_pfn 16, low_pfn
 * 8) takes 12-13, the tail.  The kernel had taken 4-5, and now allocates 13: as a per-CPU
 * refill (rmqueue_bulk(), round 0) or a plain allocation (round 1).  13 is no longer
 * isolated: when task 7 puts 4 on an LRU list, 12-13 is not an untouched pick to give back
 * in place of 4-5 (freeing it whole would lay a buddy block over the per-CPU page 13 and
 * corrupt the lists, the crash of f83a3ce on watermark_boost_factor_0-r13.dat).  At
 * mm_compaction_end only 12 goes back.
 */
static void test_isolated_then_allocated(void)
{
	int round;

	for (round = 0; round < 2; round++) {
		struct mf_model *m = small_zone(64, 3, 2);
		char buf[256];
		uint64_t nr[MF_MAX_ORDERS];

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL(mf_model_seed_free(m, 12, 1), 0);
		CU_ASSERT_EQUAL(mf_model_seed_free(m, 4, 1), 0);
		task_event(m, MF_EV_CP_BEGIN, 7, 0);
		fast_isolate_by(m, 7, 0, 16, 2, 2);
		mf_model_zone_nr_free(m, 0, nr);
		CU_ASSERT_EQUAL(nr[1], 1);	/* 4-5 */

		if (round == 0) {
			apply(m, MF_EV_ZONE_LOCKED, 13, 0, MF_MT_MOVABLE, 1);
			CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), 1);
		} else {
			apply(m, MF_EV_ZONE_LOCKED, 13, 0, MF_MT_MOVABLE, 0);
			apply(m, MF_EV_PAGE_ALLOC, 13, 0, MF_MT_MOVABLE, 0);
		}
		CU_ASSERT_EQUAL(mf_model_fidelity(m)->alloc_not_free, 1);

		task_event(m, MF_EV_LRU_INSERT, 7, 4);
		CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_dest_taken, 1);
		CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolation_swapped, 0);
		CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
		CU_ASSERT_EQUAL(free_set(m), 0);

		task_event(m, MF_EV_CP_END, 7, 0);
		CU_ASSERT_EQUAL(free_set(m), 1ULL << 12);
		CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_released_pages, 1);
		CU_ASSERT_EQUAL(mf_model_zone_pcp_pages(m, 0), round == 0 ? 1 : 0);
		CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
		mf_model_free(m);
	}
}

/*
 * fast_isolate_freepages()'s scan limit, once mm_lru_insertion shows the trace checks the
 * lists.  64 pages, max order 3, pageblocks of 4; free order-0 blocks, head..tail:
 *   free_list[0]:  26 14 2 6 20 10
 * A fast isolation of one page (min_pfn 0, free_pfn 64: low_pfn 32, no block that high)
 * that scanned 4 entries: from the tail with limit 16, 10 is a candidate (limit 8), 20 a
 * higher one (limit 4), 6 and 2 are not, and the walk stops at the 4th entry: the kernel
 * took 20.  The highest block on the list, 26, is the 6th entry.  With the event seen
 * (round 0) the model takes 20 and counts no mismatch; without it (round 1) it keeps
 * taking the highest block, 26, and counts the isolation as a mismatch.
 */
static void test_fast_isolate_scan_limit(void)
{
	static const uint64_t seed[] = { 10, 20, 6, 2, 14, 26 };
	int round;

	for (round = 0; round < 2; round++) {
		struct mf_model *m = small_zone(64, 3, 2);
		uint64_t all = 0, taken = round == 0 ? 20 : 26;
		char buf[256];
		size_t i;

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		for (i = 0; i < sizeof(seed) / sizeof(seed[0]); i++) {
			CU_ASSERT_EQUAL(mf_model_seed_free(m, seed[i], 0), 0);
			all |= 1ULL << seed[i];
		}
		if (round == 0)
			task_event(m, MF_EV_LRU_INSERT, 9, MF_PFN_NONE);
		task_event(m, MF_EV_CP_BEGIN, 7, 0);
		fast_isolate_by(m, 7, 0, 64, 4, 1);
		CU_ASSERT_EQUAL(free_set(m), all & ~(1ULL << taken));
		CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, round == 0 ? 0 : 1);
		CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
		mf_model_free(m);
	}
}

/* An event of a compaction run's task: try_to_compact_pages(order) or compaction begin. */
static void cc_event(struct mf_model *m, int type, int32_t pid, int order, uint64_t migrate_pfn)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.pid = pid;
	if (type == MF_EV_CP_TRY) {
		ev.cp_try.order = order;
		ev.cp_try.prio = 2;			/* COMPACT_PRIO_ASYNC */
		ev.cp_try.gfp = 1ULL << 3;		/* __GFP_MOVABLE */
	} else if (type == MF_EV_CP_BEGIN) {
		ev.cp_begin.migrate_pfn = migrate_pfn;
		ev.cp_begin.sync = 0;
	}
	mf_model_apply(m, &ev);
}

struct find_block {
	uint64_t pfn;
	int order;
	bool found;
};

static void find_pfn(void *priv, uint64_t pfn, int order, int mt, bool pcp)
{
	struct find_block *f = priv;

	(void)mt;
	if (!pcp && pfn == f->pfn && order == f->order)
		f->found = true;
}

/* [pfn, pfn + 2^order) is a free buddy block of zone 0 */
static bool free_block(struct mf_model *m, uint64_t pfn, int order)
{
	struct find_block f = { .pfn = pfn, .order = order };

	mf_model_for_each_block(m, 0, find_pfn, &f);
	return f.found;
}

/*
 * fast_isolate_freepages() rotates every order it visits, not only the one it takes from.
 * 512 pages, max order 3, pageblocks of 8; task 7 compacts for order 3 (search orders 2,
 * 1, 0), scanners from migrate_pfn 0.  Free: order-1 block 400; order-2 blocks, head to
 * tail:  208 200 112 104 ... 8 0  (17 blocks).
 * Search 1 (min_pfn 256, free_pfn 512: low_pfn 384), nr_scanned 18, one order-1 block:
 * search_order 2 first; its walk from the tail meets 0, 8, ..., 112, 200, none at or above
 * 256, and stops at its limit of 16 entries; move_freelist_head(200) sends 208 to the tail:
 *   order 2:  200 112 ... 8 0 208
 * The limit halves (8); order 1: 400 is at or above 384, taken: 16 + 1 + (2 - 1) scanned.
 * search_order becomes 1, fast_search_fail 0.
 * Search 2 (min_pfn 128, free_pfn 256: low_pfn 192), nr_scanned 4, one order-2 block:
 * orders 1 and 0 hold no block, order 2 is next: 208, the tail, is at or above 192 and
 * taken (1 + 3 scanned).  A model that rotated only order 1 finds 200 first (its tail is
 * still 0) and takes it, a mismatch.
 */
static void test_fast_isolate_all_orders(void)
{
	struct mf_model *m = small_zone(512, 3, 3);
	char buf[256];
	uint64_t p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (p = 0; p <= 112; p += 8)
		CU_ASSERT_EQUAL(mf_model_seed_free(m, p, 2), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 200, 2), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 208, 2), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 400, 1), 0);
	cc_event(m, MF_EV_CP_TRY, 7, 3, 0);
	cc_event(m, MF_EV_CP_BEGIN, 7, 0, 0);

	fast_isolate_by(m, 7, 256, 512, 18, 2);
	CU_ASSERT_FALSE(free_block(m, 400, 1));
	CU_ASSERT_TRUE(free_block(m, 200, 2));
	CU_ASSERT_TRUE(free_block(m, 208, 2));
	fast_isolate_by(m, 7, 128, 256, 4, 4);
	CU_ASSERT_FALSE(free_block(m, 208, 2));
	CU_ASSERT_TRUE(free_block(m, 200, 2));
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolated_pages, 6);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * fast_find_migrateblock() reorders the lists fast_isolate_freepages() walks next.  512
 * pages, max order 4, pageblocks of 16; task 7 compacts for order 4 from migrate_pfn 0 (the
 * zone's start).  Free order-3 blocks, head to tail:  448 64 416
 * The migrate scanner's isolation starts at 64, a jump: its search walked
 * free_list[3][MOVABLE] from the head (448, then 64, in the pageblock it jumped to), and
 * move_freelist_tail(64) sent 448 and 64 to the tail:  416 448 64
 * The fast search (min_pfn 288, free_pfn 512, migrate_pfn 80: low_pfn 400) from the tail:
 * 64, then 448, at or above 400 and taken: 2 + 7 scanned.  Without the rotation the tail
 * is 416, taken at once (1 + 7 scanned): no simulation reproduces the event, and the old
 * rule takes 416 too.
 */
static void test_fast_find_migrate_rotates(void)
{
	struct mf_model *m = small_zone(512, 4, 4);
	struct mf_event ev;
	char buf[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 416, 3), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 64, 3), 0);
	CU_ASSERT_EQUAL(mf_model_seed_free(m, 448, 3), 0);
	cc_event(m, MF_EV_CP_TRY, 7, 4, 0);
	cc_event(m, MF_EV_CP_BEGIN, 7, 0, 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = MF_EV_CP_ISOLATE_MIGRATE;
	ev.pid = 7;
	ev.isolate.start_pfn = 64;
	ev.isolate.end_pfn = 80;
	ev.isolate.nr_scanned = 16;
	ev.isolate.nr_taken = 8;
	mf_model_apply(m, &ev);

	fast_isolate_by(m, 7, 288, 512, 9, 8);
	CU_ASSERT_FALSE(free_block(m, 448, 3));
	CU_ASSERT_TRUE(free_block(m, 416, 3));
	CU_ASSERT_TRUE(free_block(m, 64, 3));
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->cp_isolate_mismatch, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * A deterministic storm of legal and illegal events: whatever the trace says, the
 * invariants (counters, no overlaps, alignment, merged buddies) hold after every event.
 */
static void test_invariants_storm(void)
{
	struct mf_model_params p;
	struct mf_zone_desc z[2] = {
		{ .node = 0, .name = "DMA32", .start_pfn = 0, .end_pfn = 4096 },
		{ .node = 0, .name = "Normal", .start_pfn = 4096, .end_pfn = 8192 },
	};
	uint64_t x = 88172645463325252ULL;
	struct mf_model *m;
	char buf[256];
	int i, bad = 0;

	mf_model_params_default(&p);
	p.nr_cpus = 2;
	m = mf_model_new(&p, z, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (i = 0; i < 8192; i += 1024)
		mf_model_seed_free(m, (uint64_t)i, 10);
	for (i = 0; i < 200000; i++) {
		static const int types[] = { MF_EV_PAGE_ALLOC, MF_EV_PAGE_FREE, MF_EV_ZONE_LOCKED,
					     MF_EV_PCPU_DRAIN, MF_EV_EXTFRAG, MF_EV_CP_ISOLATE_FREE };
		struct mf_event ev;
		int order;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		order = (int)(x % 11);
		if (order > 3 && order != 9 && (x >> 8) % 4)
			order = (int)((x >> 12) % 4);
		ev_set(&ev, types[(x >> 20) % 6], ((x >> 24) % 8300) & ~((1ULL << order) - 1),
		       order, (int)((x >> 40) % 4));
		ev.cpu = (int)((x >> 44) % 3);
		switch (ev.type) {
		case MF_EV_ZONE_LOCKED:
			ev.zone_locked.percpu_refill = (x >> 48) % 2 ? order : 1;
			break;
		case MF_EV_EXTFRAG:
			ev.extfrag.fallback_order = (x >> 48) % 2 ? order : 1;
			ev.extfrag.fallback_mt = (int)((x >> 50) % 3);
			ev.extfrag.change_ownership = (int)((x >> 52) % 2);
			break;
		case MF_EV_CP_ISOLATE_FREE: {
			uint64_t pfn = ev.page.pfn;

			ev.isolate.start_pfn = pfn;
			ev.isolate.end_pfn = pfn + 512;
			ev.isolate.nr_scanned = (x >> 52) % 2;
			ev.isolate.nr_taken = (x >> 54) % 64;
			break;
		}
		default:
			break;
		}
		mf_model_apply(m, &ev);
		if (i % 5000 == 0 && mf_model_check(m, buf, sizeof(buf))) {
			fprintf(stderr, "after event %d: %s\n", i, buf);
			bad = 1;
			break;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * The pages each repair touched: an order-2 allocation of pages the model held free in buddy
 * (4), the same allocation again (4), a drain of an order-1 block the model never saw (2),
 * and a zone_locked order-1 of pages it did not hold free, UNMOVABLE in a MOVABLE
 * pageblock of 4 pages (2 not free, 4 re-typed).
 */
static void test_repair_pages(void)
{
	struct mf_model *m = zone16(4, 2);
	const struct mf_fidelity *f = mf_model_fidelity(m);
	char buf[256];

	CU_ASSERT_EQUAL(mf_model_seed_free(m, 0, 3), 0);
	apply(m, MF_EV_PAGE_ALLOC, 0, 2, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(f->alloc_from_buddy, 1);
	CU_ASSERT_EQUAL(f->alloc_from_buddy_pages, 4);
	apply(m, MF_EV_PAGE_ALLOC, 0, 2, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(f->alloc_of_allocated, 1);
	CU_ASSERT_EQUAL(f->alloc_of_allocated_pages, 4);
	CU_ASSERT_EQUAL(f->alloc_from_buddy_pages, 4);
	apply(m, MF_EV_PCPU_DRAIN, 12, 1, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(f->drain_unknown, 1);
	CU_ASSERT_EQUAL(f->drain_unknown_pages, 2);
	apply(m, MF_EV_ZONE_LOCKED, 8, 1, MF_MT_UNMOVABLE, 0);
	CU_ASSERT_EQUAL(f->alloc_not_free, 1);
	CU_ASSERT_EQUAL(f->alloc_not_free_pages, 2);
	CU_ASSERT_EQUAL(f->pageblock_retyped, 1);
	CU_ASSERT_EQUAL(f->pageblock_retyped_pages, 4);
	CU_ASSERT_EQUAL(mf_model_check(m, buf, sizeof(buf)), 0);
	mf_model_free(m);
}

/*
 * Learn mode (no capture): a zone ending at pfn 0x1000 grows to cover pfns the trace
 * shows, but one damaged pfn with a high byte set (0xff001000, 16 TiB up) is counted out
 * of range and skipped; a second event in the same GiB confirms memory there; and no pfn
 * grows the model past max_pfns.
 */
static void test_learn_bounded(void)
{
	struct mf_zone_desc z = { .node = 0, .name = "Normal", .start_pfn = 0x800,
				  .end_pfn = 0x1000, .present = 0x800 };
	struct mf_model_params p;
	struct mf_model *m;

	mf_model_params_default(&p);
	p.pcp_high_order = -1;
	p.nr_cpus = 4;
	p.learn_zones = true;
	p.max_pfns = 1ULL << 30;
	m = mf_model_new(&p, &z, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);

	/* just past the end: grows */
	apply(m, MF_EV_PAGE_FREE, 0x1000, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone(m, 0)->end_pfn, 0x1400);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->pfn_out_of_range, 0);

	/* far beyond, once: skipped, counted, the zone unchanged */
	apply(m, MF_EV_PAGE_FREE, 0x2f001000, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone(m, 0)->end_pfn, 0x1400);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->pfn_out_of_range, 1);

	/* a different far GiB resets the confirmation, then a second event in it grows */
	apply(m, MF_EV_PAGE_FREE, 0x100000, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->pfn_out_of_range, 2);
	apply(m, MF_EV_PAGE_FREE, 0x100200, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone(m, 0)->end_pfn, 0x100400);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->pfn_out_of_range, 2);

	/* beyond max_pfns: never, however often */
	apply(m, MF_EV_PAGE_FREE, 0xff001000, 0, MF_MT_MOVABLE, 0);
	apply(m, MF_EV_PAGE_FREE, 0xff001200, 0, MF_MT_MOVABLE, 0);
	CU_ASSERT_EQUAL(mf_model_zone(m, 0)->end_pfn, 0x100400);
	CU_ASSERT_EQUAL(mf_model_fidelity(m)->pfn_out_of_range, 4);
	CU_ASSERT_FALSE(mf_model_alloc_failed(m));
	mf_model_free(m);
}

void test_model_register(void)
{
	CU_pSuite s = CU_add_suite("model", NULL, NULL);

	CU_add_test(s, "16-page split and merge (pageblock orders 2-4)", test_split_merge_16);
	CU_add_test(s, "allocation inside a free block", test_carve_middle);
	CU_add_test(s, "cross-pageblock merge rule", test_cross_pageblock);
	CU_add_test(s, "per-CPU refill then allocation", test_pcp_refill);
	CU_add_test(s, "fallback claim re-types pageblocks", test_claim_retypes);
	CU_add_test(s, "absent pageblocks are not counted", test_pageblocks_absent);
	CU_add_test(s, "fallback steal keeps the type", test_steal_keeps_type);
	CU_add_test(s, "drain teaches the pageblock type", test_drain_learns_type);
	CU_add_test(s, "repairs are counted", test_repairs);
	CU_add_test(s, "a drain passes over what was never listed", test_pcp_passed_over);
	CU_add_test(s, "a refill's page passed over was taken", test_pcp_passed_over_refill);
	CU_add_test(s, "a free under a refill's lock goes to buddy", test_pcp_locked_free);
	CU_add_test(s, "a block compaction captured is no repair", test_compaction_capture);
	CU_add_test(s, "the pages each repair touched", test_repair_pages);
	CU_add_test(s, "compaction free scanner isolation", test_isolate_free);
	CU_add_test(s, "a wrong isolation is given back", test_isolation_swap);
	CU_add_test(s, "a free scan of every pfn leaves no free block there", test_window_not_free);
	CU_add_test(s, "a scan that took more than the model held free owes a swap",
		    test_short_scan_owes);
	CU_add_test(s, "a full scan that finds a free block settles a short scan",
		    test_full_scan_settles_short);
	CU_add_test(s, "a full scan that took nothing leaves no free block there",
		    test_empty_full_scan);
	CU_add_test(s, "the free scanner steps over a compound page", test_isolate_free_compound);
	CU_add_test(s, "fast isolation follows the free lists' order", test_fast_isolate_list_order);
	CU_add_test(s, "a swap gives back the guess of the freed page's event", test_swap_takes_guess);
	CU_add_test(s, "a swap gives back the guess of fast isolation's fallback",
		    test_swap_takes_fast_guess);
	CU_add_test(s, "migration targets confirm or correct isolations", test_lru_targets);
	CU_add_test(s, "an LRU give-back does not free over a block in the pick", test_lru_giveback_guard);
	CU_add_test(s, "an LRU insertion goes to the run whose scanner took its page",
		    test_lru_target_of_other_run);
	CU_add_test(s, "an LRU insertion confirms the pick of the run that made it",
		    test_lru_confirm_other_run);
	CU_add_test(s, "a long run's windows past the kept ones still cover its targets",
		    test_lru_long_run_windows);
	CU_add_test(s, "a pick the kernel allocates is replaced by a free block",
		    test_isolation_replaced);
	CU_add_test(s, "migration targets by compaction_alloc()'s order", test_targets_predicted);
	CU_add_test(s, "released blocks name what compaction_alloc() cut from them",
		    test_targets_inferred);
	CU_add_test(s, "an isolated page the kernel allocates is no longer isolated",
		    test_isolated_then_allocated);
	CU_add_test(s, "fast isolation within the scan limit once targets show",
		    test_fast_isolate_scan_limit);
	CU_add_test(s, "fast isolation rotates every order it visits",
		    test_fast_isolate_all_orders);
	CU_add_test(s, "the migrate scanner's fast search reorders the free lists",
		    test_fast_find_migrate_rotates);
	CU_add_test(s, "the last free block of an order range on a migratetype's lists",
		    test_last_free_block);
	CU_add_test(s, "invariants under an event storm", test_invariants_storm);
	CU_add_test(s, "learn mode: a damaged pfn does not grow the model", test_learn_bounded);
}
