// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator on hand-built zones.  Each case lays out a small zone page by page (the
 * simulator's private layout, sim-local.h), states what the kernel's rules make of it in
 * a comment, runs the allocator or compaction and checks the outcome and the invariants.
 *
 * The zone is 128 pages at pfns 128-255 (so that the compactor's "last migrated block"
 * is never pfn 0), max order 5, pageblock order 4: eight pageblocks of 16 pages.  All
 * watermarks are 0 (min_free_kbytes=0), so only the free lists decide.
 */
#include <stdio.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "mmfrag/sim-config.h"
#include "sim-local.h"
#include "unit.h"
#include "test-sim.h"

#define Z_START		128
#define Z_END		256
#define PB		16
#define GFP_KERNEL_REQ	(GFP_IO | (1ULL << 7) | GFP_DIRECT_RECLAIM)

struct mf_sim *sim_tiny(const char *cfg, bool all_free)
{
	struct mf_sim_zone_desc z = {
		.d = { .node = 0, .name = "Normal", .start_pfn = Z_START, .end_pfn = Z_END,
		       .present = Z_END - Z_START, .managed = Z_END - Z_START },
		.type = 2,
	};
	struct mf_sim_traced t = { .max_order = 10, .pageblock_order = 9 };
	struct mf_sim_config c;
	struct mf_sim *s;
	char err[128];

	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(mf_sim_config_parse(&c, cfg ? cfg :
		"max_order=5,pageblock_order=4,min_free_kbytes=0,compaction_proactiveness=0,"
		"watermark_boost_factor=0", err, sizeof(err)), 0);
	s = mf_sim_new(&c, &t, &z, 1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (all_free)
		mf_sim_seed_all_free(s);
	return s;
}

/* A used block at pfn owned by the kernel's pfn T(pfn). */
void sim_used(struct mf_sim *s, uint64_t pfn, int order, bool movable)
{
	uint64_t i;

	sim_set_used(s, pfn, order, movable, (uint32_t)T(pfn));
	for (i = 0; i < (1ULL << order); i++)
		s->t2s[T(pfn) + i] = (uint32_t)(pfn + i);
}

void sim_check(struct mf_sim *s)
{
	char buf[256];
	int ret = mf_sim_check(s, buf, sizeof(buf));

	if (ret)
		fprintf(stderr, "\n  sim check: %s\n", buf);
	CU_ASSERT_EQUAL(ret, 0);
}

/* The board's frame: every kernel pfn unmapped, the two top pageblocks unmovable. */
static void board_frame(struct mf_sim *s)
{
	uint64_t p;

	CU_ASSERT_EQUAL_FATAL(sim_t2s_reserve(s, T(Z_END)), 0);
	for (p = Z_START; p < Z_END; p++)
		s->t2s[p] = NIL;
	for (p = 224; p < Z_END; p += PB)
		mf_sim_seed_pageblock(s, p, 4, MF_MT_UNMOVABLE);
}

/*
 * Pageblocks 0-5 (pfns 128-223): even pfns used, odd pfns free (48 order-0 blocks that
 * cannot merge); pageblocks 6-7 (224-255) used by unmovable pages and UNMOVABLE.  The
 * even pages are movable or not as asked.
 */
static struct mf_sim *checkerboard_cfg(const char *cfg, bool movable)
{
	struct mf_sim *s = sim_tiny(cfg, false);
	struct szone *z = &s->z[0];
	uint64_t p;

	board_frame(s);
	for (p = Z_START; p < 224; p += 2) {
		sim_used(s, p, 0, movable);
	}
	mf_sim_start(s, 0);
	for (p = Z_START + 1; p < 224; p += 2)
		sim_add_free(s, z, p, 0, MF_MT_MOVABLE, true);
	for (p = 224; p < Z_END; p++)
		sim_used(s, p, 0, false);
	return s;
}

static struct mf_sim *checkerboard(bool movable)
{
	return checkerboard_cfg(NULL, movable);
}

static struct alloc_ctx ctx(int order, int mt, uint64_t gfp)
{
	struct alloc_ctx ac = { .order = order, .mt = mt, .gfp = gfp, .hzi = 2, .node = 0, .cpu = 0,
				.alloc_flags = ALLOC_WMARK_MIN | (mt == MF_MT_MOVABLE ? ALLOC_CMA : 0) };

	return ac;
}

/*
 * Sync-light direct compaction for order 4: the migrate scanner takes the 8 movable
 * pages of pageblock 0 (pfns 128-143), the free scanner finds targets from the top (the
 * odd pfns of pageblock 5 down), the sources are freed through the per-CPU list and
 * drained once the migrate scanner leaves the block; pfns 128-143 merge into one order-4
 * block, which the compactor captures.  compact_zone() looks at the capture only after
 * its next migrate_pages(), so pageblock 1's 8 pages move too before it stops.
 * compaction_defer_reset(alloc_success) leaves defer_shift 0 and compact_order_failed =
 * order + 1.
 */
static void test_compaction_success(void)
{
	struct mf_sim *s = checkerboard(true);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	const struct mf_sim_compaction *cp = &s->stats.cp;
	enum cp_result r;
	uint64_t page, p;
	int moved = 0;

	page = sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r);
	CU_ASSERT_EQUAL(page, 128);
	CU_ASSERT_EQUAL(r, CP_SUCCESS);
	CU_ASSERT_EQUAL(cp->direct.stall, 1);
	CU_ASSERT_EQUAL(cp->direct.success, 1);
	CU_ASSERT_EQUAL(cp->captured, 1);
	CU_ASSERT_EQUAL(cp->migrated, 16);
	CU_ASSERT_EQUAL(s->z[0].defer_shift, 0);
	CU_ASSERT_EQUAL(s->z[0].order_failed, 5);
	/* every moved page's owner followed it to a used movable frame above pageblock 0 */
	for (p = 128; p < 144; p += 2) {
		uint32_t to = s->t2s[T(p)];

		CU_ASSERT(to >= 144 && to < 224);
		CU_ASSERT_EQUAL(s->st[to], ST_USED | ST_MOVABLE);
		CU_ASSERT_EQUAL(s->lnk[to], T(p));
		moved++;
	}
	CU_ASSERT_EQUAL(moved, 8);
	sim_set_used(s, page, 4, true, NIL);	/* the caller's now */
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * A pageblock being finished is isolated whole (isolate_migratepages_block() lifts
 * COMPACT_CLUSTER_MAX for cc->finish_pageblock).  Pageblocks of 128 pages: the first has
 * 96 movable pages (every fourth pfn free), the seven above it (mobility grouping needs
 * six pageblocks' worth of memory) unmovable pages at even pfns and free ones at odd pfns.  Sync-light compaction for order 7 takes 32 pages in
 * its first batch; its second starts in the pageblock it migrated from and takes the
 * other 64 at once, which empties the pageblock for the capture: two batches, where
 * batches of 32 took three.
 */
static void test_compaction_finish_pageblock_whole(void)
{
	struct mf_sim_zone_desc zd = {
		.d = { .node = 0, .name = "Normal", .start_pfn = 1024, .end_pfn = 2048,
		       .present = 1024, .managed = 1024 },
		.type = 2,
	};
	struct mf_sim_traced t = { .max_order = 10, .pageblock_order = 9 };
	struct capture_control capc = { .order = 7, .mt = MF_MT_MOVABLE, .page = MF_PFN_NONE };
	struct mf_sim_config c;
	struct mf_sim *s;
	struct szone *z;
	struct cc cc;
	char err[128];
	uint64_t p;

	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(mf_sim_config_parse(&c, "max_order=8,pageblock_order=7,"
		"min_free_kbytes=0,compaction_proactiveness=0,watermark_boost_factor=0",
		err, sizeof(err)), 0);
	s = mf_sim_new(&c, &t, &zd, 1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	z = &s->z[0];
	CU_ASSERT_EQUAL_FATAL(sim_t2s_reserve(s, T(2048)), 0);
	for (p = 1024; p < 2048; p++)
		if (p < 1152 && p % 4 != 3)
			sim_used(s, p, 0, true);
		else if (p >= 1152 && !(p & 1))
			sim_used(s, p, 0, false);
	mf_sim_start(s, 0);
	for (p = 1024; p < 2048; p++)
		if ((p < 1152 && p % 4 == 3) || (p >= 1152 && (p & 1)))
			sim_add_free(s, z, p, 0, MF_MT_MOVABLE, true);
	sim_cc_init(&cc, s, z, 7, MF_MT_MOVABLE, MIGRATE_SYNC_LIGHT);
	cc.direct = true;
	cc.alloc_flags = ALLOC_WMARK_MIN | ALLOC_CMA;
	capc.zone = z;
	sim_compact_zone(&cc, &capc);
	CU_ASSERT_EQUAL(capc.page, 1024);
	CU_ASSERT_EQUAL(s->stats.cp.migrated, 96);
	CU_ASSERT_EQUAL(cc.batches, 3);
	CU_ASSERT_EQUAL(s->stats.cp.isolated_migrate, 128);
	if (capc.page != MF_PFN_NONE)
		sim_set_used(s, capc.page, 7, true, NIL);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The same zone with unmovable pages: nothing can be isolated, the scanners meet and the
 * run is COMPLETE (whole zone: the migrate scanner started at the zone start).  The
 * cached positions go back to the zone's ends, a direct compactor asks for the skip bits
 * to be flushed, and a sync run that completed defers compaction (defer_shift 1).
 */
static void test_compaction_blocked(void)
{
	struct mf_sim *s = checkerboard(false);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	const struct mf_sim_compaction *cp = &s->stats.cp;
	struct szone *z = &s->z[0];
	enum cp_result r;

	CU_ASSERT_EQUAL(sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r), MF_PFN_NONE);
	CU_ASSERT_EQUAL(r, CP_COMPLETE);
	CU_ASSERT_EQUAL(cp->direct.stall, 1);
	CU_ASSERT_EQUAL(cp->direct.fail, 1);
	CU_ASSERT_EQUAL(cp->migrated, 0);
	CU_ASSERT_EQUAL(cp->end_status_direct[CP_COMPLETE], 1);
	CU_ASSERT_EQUAL(z->cached_migrate[0], Z_START);
	CU_ASSERT_EQUAL(z->cached_migrate[1], Z_START);
	CU_ASSERT_EQUAL(z->cached_free, Z_END - PB);
	CU_ASSERT(z->blockskip_flush);
	CU_ASSERT_EQUAL(z->defer_shift, 1);
	CU_ASSERT_EQUAL(z->considered, 0);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The capture's pageblocks without a page stay out of the zone's count
 * (mf_sim_seed_pageblock_absent()): one of 2^5 pages covers two of ours; one of 2^3
 * pages is smaller than ours, which may hold pages, and is counted.
 */
static void test_pageblocks_absent_sim(void)
{
	struct mf_sim *s = sim_tiny(NULL, true);
	uint64_t blocks[MF_MAX_MT];

	mf_sim_zone_pageblocks_mt(s, 0, blocks);
	CU_ASSERT_EQUAL(blocks[MF_MT_MOVABLE], 8);
	mf_sim_seed_pageblock_absent(s, 160, 5);
	mf_sim_seed_pageblock_absent(s, 224, 3);
	mf_sim_zone_pageblocks_mt(s, 0, blocks);
	CU_ASSERT_EQUAL(blocks[MF_MT_MOVABLE], 6);
	CU_ASSERT_EQUAL(mf_sim_pageblock_mt(s, 160), MF_MT_MOVABLE);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * No scanner visits a pageblock without a page (pageblock_pfn_to_page() NULL): on the
 * board of test_compaction_blocked the scanners still meet (COMPLETE) and mark every
 * block they scanned, but not block 176, which keeps its free pages and no skip bit.
 */
static void test_scanners_pass_absent(void)
{
	struct mf_sim *s = checkerboard(false);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	enum cp_result r;
	uint64_t p;

	mf_sim_seed_pageblock_absent(s, 176, 4);
	CU_ASSERT_EQUAL(sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r), MF_PFN_NONE);
	CU_ASSERT_EQUAL(r, CP_COMPLETE);
	CU_ASSERT(!pb_skip(s, 176));
	CU_ASSERT(pb_skip(s, 160));
	for (p = 177; p < 192; p += 2)
		CU_ASSERT_EQUAL(st_kind(s->st[p]), ST_BUDDY);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The trace's first mm_compaction_begin per mode is the kernel's cached positions
 * (mf_sim_traced_begin()): an async begin at migrate 176, free 208 sets
 * cached_migrate[0] and cached_free, and the skip bit of the movable blocks below 176
 * (the unmovable ones above 208 are no free scanner's targets: they keep none); a sync
 * begin sets cached_migrate[1]; later begins,
 * begins of another zone layout and begins out of the zone change nothing.  A sync-light
 * run then starts at 176, not at the zone start, so it is no whole-zone pass: when the
 * scanners meet it ends PARTIAL_SKIPPED (COMPLETE in test_compaction_blocked), puts the
 * positions back at the zone's ends, and from then on the positions are ours.  A begin
 * at the zone's ends (a whole-zone pass: proactive compaction) shows no cached positions
 * and does not count as the first.
 */
static void test_traced_begin(void)
{
	struct mf_sim *s = checkerboard(false);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	struct szone *z = &s->z[0];
	enum cp_result r;
	uint64_t p;

	mf_sim_traced_begin(s, Z_START, Z_START, Z_END - PB, Z_END, 1);	/* whole zone */
	CU_ASSERT_FALSE(z->begin_seen[0] || z->begin_seen[1]);
	mf_sim_traced_begin(s, Z_START, 176, 208, Z_END, 0);
	CU_ASSERT_EQUAL(z->cached_migrate[0], 176);
	CU_ASSERT_EQUAL(z->cached_migrate[1], Z_START);
	CU_ASSERT_EQUAL(z->cached_free, 208);
	/* the blocks the kernel's scanners passed carry the skip bits they left */
	for (p = Z_START; p < Z_END; p += PB)
		CU_ASSERT_EQUAL(pb_skip(s, p), p < 176);
	mf_sim_traced_begin(s, Z_START, 192, 160, Z_END, 0);	/* not the first async */
	mf_sim_traced_begin(s, Z_START, 150, 200, Z_END + PB, 1);	/* another layout */
	mf_sim_traced_begin(s, Z_START, Z_END, 200, Z_END, 1);	/* out of the zone */
	CU_ASSERT_EQUAL(z->cached_migrate[0], 176);
	CU_ASSERT_EQUAL(z->cached_migrate[1], Z_START);
	CU_ASSERT_EQUAL(z->cached_free, 208);
	mf_sim_traced_begin(s, Z_START, 176, 160, Z_END, 1);	/* the first sync one */
	CU_ASSERT_EQUAL(z->cached_migrate[1], 176);
	CU_ASSERT_EQUAL(z->cached_free, 208);			/* only the first begin's */

	CU_ASSERT_EQUAL(sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r), MF_PFN_NONE);
	CU_ASSERT_EQUAL(r, CP_PARTIAL_SKIPPED);
	CU_ASSERT_EQUAL(z->cached_migrate[1], Z_START);
	CU_ASSERT_EQUAL(z->cached_free, Z_END - PB);
	CU_ASSERT(z->passed);
	mf_sim_traced_begin(s, Z_START, 192, 192, Z_END, 1);
	CU_ASSERT_EQUAL(z->cached_migrate[1], Z_START);
	CU_ASSERT_EQUAL(z->cached_free, Z_END - PB);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The kernel's migrate scanner isolating in a block shows its skip bit clear
 * (mf_sim_traced_migrate_scan()): the first async begin at migrate 176 guesses the blocks
 * below it skipped; the kernel isolating at 150 (block 144) clears that guess, and only
 * the first time it is seen there.  A bit our own scanner set is no guess and stays.  A
 * direct run whose scanners met, then kswapd's sleep, resets the kernel's bits: its scans
 * say nothing of the start any more.  Not so after kcompactd's meeting, nor after a
 * direct success, which clears compact_blockskip_flush before kswapd sleeps.
 */
static void test_traced_migrate_scan(void)
{
	struct mf_sim *s = checkerboard(false);
	struct szone *z = &s->z[0];

	s->traced_pbo = s->pbo;		/* the kernel's pageblocks are ours */
	mf_sim_traced_begin(s, Z_START, 176, 208, Z_END, 0);
	CU_ASSERT(pb_skip(s, 128) && pb_skip(s, 144) && pb_skip(s, 160));
	pb_set_skip(s, 160, true);	/* our scanner's */
	mf_sim_traced_migrate_scan(s, Z_START, Z_END, 150, true);
	mf_sim_traced_migrate_scan(s, Z_START, Z_END, 160, true);
	CU_ASSERT(pb_skip(s, 128));
	CU_ASSERT_FALSE(pb_skip(s, 144));
	CU_ASSERT(pb_skip(s, 160));
	s->pb[144 >> s->pbo] |= PB_SKIP | PB_GUESS;	/* as if guessed again */
	mf_sim_traced_migrate_scan(s, Z_START, Z_END, 144, true);	/* seen already */
	CU_ASSERT(pb_skip(s, 144));
	mf_sim_traced_migrate_scan(s, Z_START, Z_END + PB, 130, true);	/* another layout */
	CU_ASSERT(pb_skip(s, 128));
	mf_sim_traced_end(s, Z_START, Z_END, 200, 192, true, false);
	CU_ASSERT(z->kflush);
	mf_sim_traced_kswapd_sleep(s, 0);
	CU_ASSERT(z->kreset);
	mf_sim_traced_migrate_scan(s, Z_START, Z_END, 130, true);
	CU_ASSERT(pb_skip(s, 128));
	mf_sim_free_all(s);

	s = checkerboard(false);
	z = &s->z[0];
	s->traced_pbo = s->pbo;
	mf_sim_traced_end(s, Z_START, Z_END, 200, 192, false, false);	/* kcompactd's */
	CU_ASSERT_FALSE(z->kflush);
	mf_sim_traced_end(s, Z_START, Z_END, 200, 192, true, false);
	mf_sim_traced_end(s, Z_START, Z_END, 150, 208, true, true);	/* a success */
	CU_ASSERT_FALSE(z->kflush);
	mf_sim_traced_kswapd_sleep(s, 0);
	CU_ASSERT_FALSE(z->kreset);
	mf_sim_free_all(s);
}

/*
 * The kernel's migrate scanner passing blocks over (mf_sim_traced_passed()) shows them
 * skipped at the start: [144, 192) in a direct async run marks the movable blocks 144
 * and 160, not 176 (seen scanned before), nor the part-block ends of the span.  In a
 * sync run the type does not matter.  After our own reset the bits are ours, and after
 * the kernel's its passes say nothing of the start.
 */
static void test_traced_passed(void)
{
	struct mf_sim *s = checkerboard(false);
	struct szone *z = &s->z[0];

	s->traced_pbo = s->pbo;
	mf_sim_seed_pageblock(s, 160, 4, MF_MT_UNMOVABLE);
	mf_sim_traced_migrate_scan(s, Z_START, Z_END, 176, false);
	mf_sim_traced_passed(s, Z_START, Z_END, 136, 200, true);
	CU_ASSERT_FALSE(pb_skip(s, 128));
	CU_ASSERT(pb_skip(s, 144));
	CU_ASSERT_FALSE(pb_skip(s, 160));	/* not movable: no source for async */
	CU_ASSERT_FALSE(pb_skip(s, 176));
	CU_ASSERT_FALSE(pb_skip(s, 192));
	mf_sim_traced_passed(s, Z_START, Z_END, 128, 224, false);
	CU_ASSERT(pb_skip(s, 128) && pb_skip(s, 192) && pb_skip(s, 208));
	CU_ASSERT_FALSE(pb_skip(s, 160));	/* seen by the async pass */
	mf_sim_free_all(s);

	s = checkerboard(false);
	z = &s->z[0];
	s->traced_pbo = s->pbo;
	z->sreset = true;
	mf_sim_traced_passed(s, Z_START, Z_END, 128, 160, false);
	CU_ASSERT_FALSE(pb_skip(s, 128) || pb_skip(s, 144));
	z->sreset = false;
	z->kreset = true;
	mf_sim_traced_passed(s, Z_START, Z_END, 160, 192, false);
	CU_ASSERT_FALSE(pb_skip(s, 160) || pb_skip(s, 176));
	mf_sim_free_all(s);
}

/*
 * A first begin whose scanners already met (migrate 192 above free 160) is the end of a
 * pass of before the trace: it marks no block skipped and takes no position, and the
 * begins after it are not first either.
 */
static void test_traced_begin_met(void)
{
	struct mf_sim *s = checkerboard(false);
	struct szone *z = &s->z[0];
	uint64_t p;

	mf_sim_traced_begin(s, Z_START, 192, 160, Z_END, 0);
	CU_ASSERT(z->begin_seen[0] && z->begin_seen[1]);
	mf_sim_traced_begin(s, Z_START, 176, 208, Z_END, 0);
	CU_ASSERT_EQUAL(z->cached_migrate[0], Z_START);
	CU_ASSERT_EQUAL(z->cached_migrate[1], Z_START);
	CU_ASSERT_EQUAL(z->cached_free, Z_END - PB);
	for (p = Z_START; p < Z_END; p += PB)
		CU_ASSERT_FALSE(pb_skip(s, p));
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The trace's first deferral event in a zone is the kernel's deferral state
 * (mf_sim_traced_defer()): Normal deferred before the recording, considered 17 of 64 at
 * order 4, so the next attempt is deferred (a stall, COMPACT_DEFERRED, no run); events
 * of another zone type or node and later events change nothing.
 */
static void test_traced_defer(void)
{
	struct mf_sim *s = checkerboard(false);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	const struct mf_sim_compaction *cp = &s->stats.cp;
	struct szone *z = &s->z[0];
	enum cp_result r;

	mf_sim_traced_defer(s, 0, 1, 3, 2, 4);		/* DMA32: not ours */
	mf_sim_traced_defer(s, 1, 2, 3, 2, 4);		/* another node */
	CU_ASSERT_EQUAL(z->defer_shift, 0);
	mf_sim_traced_defer(s, 0, 2, 17, 6, 4);
	mf_sim_traced_defer(s, 0, 2, 0, 0, 10);		/* not the first */
	CU_ASSERT_EQUAL(z->considered, 17);
	CU_ASSERT_EQUAL(z->defer_shift, 6);
	CU_ASSERT_EQUAL(z->order_failed, 4);
	CU_ASSERT_EQUAL(sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r), MF_PFN_NONE);
	CU_ASSERT_EQUAL(r, CP_DEFERRED);
	CU_ASSERT_EQUAL(cp->direct.stall, 1);
	CU_ASSERT_EQUAL(cp->runs_direct, 0);
	CU_ASSERT_EQUAL(z->considered, 18);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * defer_compaction() / compaction_deferred(): after the k-th failing sync run the next
 * 2^k - 1 attempts are deferred, so compaction runs at attempts 1, 3, 7, 15, 31, 63 and
 * defer_shift reaches COMPACT_MAX_DEFER_SHIFT (6) there; it stays at 6, and the next run
 * comes 64 attempts later.  Deferred attempts are still stalls (COMPACT_DEFERRED).
 */
static void test_compaction_defer(void)
{
	struct mf_sim *s = checkerboard(false);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	const struct mf_sim_compaction *cp = &s->stats.cp;
	struct szone *z = &s->z[0];
	enum cp_result r;
	int i, runs = 0, deferred = 0;

	for (i = 1; i <= 63; i++) {
		sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r);
		if (r == CP_DEFERRED)
			deferred++;
		else
			runs++;
		if (i == 7)
			CU_ASSERT_EQUAL(z->defer_shift, 3);
	}
	CU_ASSERT_EQUAL(runs, 6);
	CU_ASSERT_EQUAL(deferred, 57);
	CU_ASSERT_EQUAL(z->defer_shift, COMPACT_MAX_DEFER_SHIFT);
	CU_ASSERT_EQUAL(cp->direct.stall, 63);
	CU_ASSERT_EQUAL(cp->deferred, 57);
	for (i = 0; i < 64; i++) {
		sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r);
		if (r != CP_DEFERRED)
			runs++;
	}
	CU_ASSERT_EQUAL(runs, 7);
	CU_ASSERT_EQUAL(z->defer_shift, COMPACT_MAX_DEFER_SHIFT);
	/* sync-full ignores deferral (prio > MIN_COMPACT_PRIORITY only) */
	sim_direct_compact(s, &ac, PRIO_SYNC_FULL, &r);
	CU_ASSERT_EQUAL(r, CP_COMPLETE);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * Async direct compaction is restricted to the request's pageblock type and jumps over
 * an order-aligned block at the first page it cannot isolate: with an unmovable page in
 * every order-4 block, nothing is migrated even though the movable pages could move.
 */
static void test_compaction_async_skip_on_failure(void)
{
	struct mf_sim *s = checkerboard(true);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	enum cp_result r;
	uint64_t p;

	for (p = Z_START + 14; p < 224; p += PB)
		s->st[p] &= (uint8_t)~ST_MOVABLE;
	CU_ASSERT_EQUAL(sim_direct_compact(s, &ac, PRIO_ASYNC, &r), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->stats.cp.migrated, 0);
	CU_ASSERT_EQUAL(s->stats.cp.direct.fail, 1);
	/* async never defers */
	CU_ASSERT_EQUAL(s->z[0].defer_shift, 0);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The slow path with the kernel's reclaim (three rounds of progress) for an order-2
 * unmovable request the zone cannot serve: the initial async compaction, sync-light
 * after each round (the second deferred: defer_shift 1 means every other attempt), then
 * should_compact_retry() goes one priority harder, to sync-full, and the request fails.
 */
static void test_slowpath_reclaim_rounds(void)
{
	struct mf_sim *s = checkerboard(false);
	struct mf_sim_req r = { .ts = 1, .tpfn = 3000, .gfp = GFP_KERNEL_REQ, .order = 2, .cpu = 0,
				.reclaim_rounds = 3 };
	const struct mf_sim_compaction *cp = &s->stats.cp;

	mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->stats.failures[2], 1);
	CU_ASSERT_EQUAL(cp->direct_by_prio[PRIO_ASYNC].stall, 1);
	CU_ASSERT_EQUAL(cp->direct_by_prio[PRIO_SYNC_LIGHT].stall, 3);
	CU_ASSERT_EQUAL(cp->direct_by_prio[PRIO_SYNC_FULL].stall, 1);
	CU_ASSERT_EQUAL(cp->direct.fail, 5);
	CU_ASSERT_EQUAL(cp->deferred, 1);
	CU_ASSERT_EQUAL(s->stats.reclaim_drains, 3);
	/* without the kernel's reclaim: the initial async and one sync-light compaction */
	r.tpfn = 3100;
	r.reclaim_rounds = 0;
	mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->stats.failures[2], 2);
	CU_ASSERT_EQUAL(cp->direct_by_prio[PRIO_SYNC_FULL].stall, 1);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * __rmqueue_smallest() and expand(): 128 free pages are four order-5 blocks, list head
 * 128.  An order-4 request takes 128-143 and leaves 144-159 free at order 4; freeing it
 * merges back.  (Order 4 is not a per-CPU order.)
 */
static void test_alloc_split_and_merge(void)
{
	struct mf_sim *s = sim_tiny(NULL, true);
	struct mf_sim_req r = { .ts = 1, .tpfn = 5000, .gfp = GFP_MOVABLE_REQ, .order = 4, .cpu = 0 };
	struct szone *z;

	mf_sim_start(s, 0);
	z = &s->z[0];
	CU_ASSERT_EQUAL(z->nr_free[5], 4);
	mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->t2s[5000], 128);
	CU_ASSERT_EQUAL(s->t2s[5015], 143);
	CU_ASSERT_EQUAL(z->nr_free[5], 3);
	CU_ASSERT_EQUAL(z->nr_free[4], 1);
	CU_ASSERT_EQUAL(z->fl[4][MF_MT_MOVABLE].head, 144);
	sim_check(s);
	mf_sim_free(s, 2, 5000, 4, 0);
	CU_ASSERT_EQUAL(z->nr_free[5], 4);
	CU_ASSERT_EQUAL(z->nr_free[4], 0);
	CU_ASSERT_EQUAL(s->t2s[5000], NIL);
	CU_ASSERT_EQUAL(s->stats.frees, 1);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * An unmovable order-4 request in an all-movable zone: no unmovable free block, so
 * __rmqueue_claim() takes the largest fallback (order 5 at 128) and, as it is at least a
 * pageblock, re-types both its pageblocks to UNMOVABLE; the other half stays free on the
 * UNMOVABLE list.  mm_page_alloc_extfrag would say change_ownership=1.
 */
static void test_alloc_claim(void)
{
	struct mf_sim *s = sim_tiny(NULL, true);
	struct mf_sim_req r = { .ts = 1, .tpfn = 7000, .gfp = GFP_KERNEL_REQ, .order = 4, .cpu = 0 };
	uint64_t blocks[MF_MAX_MT];

	mf_sim_start(s, 0);
	mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->t2s[7000], 128);
	CU_ASSERT_EQUAL(s->stats.fallback[MF_MT_UNMOVABLE][MF_MT_MOVABLE][1], 1);
	CU_ASSERT_EQUAL(s->stats.fallback_fragmenting, 0);
	CU_ASSERT_EQUAL(s->z[0].nr_free_mt[4][MF_MT_UNMOVABLE], 1);
	mf_sim_zone_pageblocks_mt(s, 0, blocks);
	CU_ASSERT_EQUAL(blocks[MF_MT_UNMOVABLE], 2);
	CU_ASSERT_EQUAL(blocks[MF_MT_MOVABLE], 6);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The workload: a page the kernel's compaction moved lives on; the next free of a frame
 * the simulator never handed out is taken as that page's free.  A free of an unknown
 * frame with nothing pending is only counted.
 */
static void test_workload_migration(void)
{
	struct mf_sim *s = sim_tiny(NULL, true);
	struct mf_sim_req r = { .ts = 1, .tpfn = 9000, .gfp = GFP_MOVABLE_REQ, .order = 4, .cpu = 0 };
	struct mf_workload *w = mf_workload_new();
	struct mf_event ev;

	mf_sim_start(s, 0);
	mf_sim_alloc(s, &r);
	memset(&ev, 0, sizeof(ev));
	ev.pid = 42;
	ev.ts = 2;
	ev.type = MF_EV_CP_TRY;
	mf_workload_apply(w, &ev, &s, 1);
	ev.type = MF_EV_CP_BEGIN;
	mf_workload_apply(w, &ev, &s, 1);
	ev.type = MF_EV_PAGE_FREE;	/* the migration source */
	ev.free.pfn = 9000;
	ev.free.order = 4;
	mf_workload_apply(w, &ev, &s, 1);
	ev.type = MF_EV_CP_END;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_EQUAL(s->stats.kernel_migrations, 1);
	CU_ASSERT_EQUAL(s->z[0].nr_free[4], 1);		/* still held */
	ev.type = MF_EV_PAGE_FREE;	/* the page at its new frame, freed by its owner */
	ev.free.pfn = 12345;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_EQUAL(s->stats.frees_after_migration, 1);
	CU_ASSERT_EQUAL(s->z[0].nr_free[5], 4);
	ev.free.pfn = 23456;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_EQUAL(s->stats.frees_unmatched, 1);
	sim_check(s);
	mf_workload_free(w);
	mf_sim_free_all(s);
}

/* A started tiny simulator, a workload decoder and a zeroed event at time 1 of task pid. */
static struct mf_sim *workload_sim(struct mf_workload **w, struct mf_event *ev, int32_t pid)
{
	struct mf_sim *s = sim_tiny(NULL, true);

	mf_sim_start(s, 0);
	*w = mf_workload_new();
	memset(ev, 0, sizeof(*ev));
	ev->ts = 1;
	ev->pid = pid;
	return s;
}

/*
 * A compaction run in a task that is neither a direct compactor nor known as kcompactd is
 * compact_memory: replayed; once the task is known as kcompactd (its saved name, or its
 * kcompactd events), its runs are not.  A lost mm_compaction_end does not keep the task
 * in its run past its next try_to_compact_pages.
 */
static void test_workload_classify(void)
{
	struct mf_workload *w;
	struct mf_event ev;
	struct mf_sim *s = workload_sim(&w, &ev, 7);

	ev.type = MF_EV_CP_BEGIN;
	ev.cp_begin.zone_start = Z_START;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_EQUAL(s->stats.cp.runs_manual, 1);
	ev.type = MF_EV_CP_END;
	mf_workload_apply(w, &ev, &s, 1);
	mf_workload_kcompactd_pid(w, 8);
	ev.pid = 8;
	ev.type = MF_EV_CP_BEGIN;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_EQUAL(s->stats.cp.runs_manual, 1);
	/* pid 8's run never ends in the trace; its next attempt does end it */
	ev.type = MF_EV_CP_TRY;
	ev.cp_try.order = 4;
	mf_workload_apply(w, &ev, &s, 1);
	ev.type = MF_EV_PAGE_FREE;
	ev.free.pfn = 4321;
	ev.free.order = 0;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_EQUAL(s->stats.frees_unmatched, 1);	/* a free, not a migration */
	CU_ASSERT_EQUAL(s->stats.kernel_migrations, 0);
	sim_check(s);
	mf_workload_free(w);
	mf_sim_free_all(s);
}

/*
 * mm_compaction_wakeup_kcompactd from the kswapd task marks its nap, where the skip bits
 * are reset (mf_sim_kswapd_nap()); the same event from any other task (kcompactd woken
 * by an allocation) resets nothing.  kswapd is known by its kswapd events, or by its
 * saved name (mf_workload_kswapd_pid()).
 */
static void test_workload_kswapd_nap(void)
{
	struct mf_workload *w;
	struct mf_event ev;
	struct mf_sim *s = workload_sim(&w, &ev, 9);

	ev.type = MF_EV_KSWAPD_WAKE;
	ev.kswapd.zid = 1;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_TRUE(s->node[0].reclaiming);
	s->z[0].blockskip_flush = true;
	ev.ts = 2;
	ev.pid = 7;
	ev.type = MF_EV_CP_WAKEUP_KCOMPACTD;
	ev.kcompactd.order = 9;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_TRUE(s->z[0].blockskip_flush);
	CU_ASSERT_TRUE(s->node[0].reclaiming);
	ev.ts = 3;
	ev.pid = 9;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_FALSE(s->z[0].blockskip_flush);
	CU_ASSERT_FALSE(s->node[0].reclaiming);
	/* a kswapd known only by its saved name, with no kswapd event yet */
	s->z[0].blockskip_flush = true;
	mf_workload_kswapd_pid(w, 11, 0);
	ev.ts = 4;
	ev.pid = 11;
	mf_workload_apply(w, &ev, &s, 1);
	CU_ASSERT_FALSE(s->z[0].blockskip_flush);
	sim_check(s);
	mf_workload_free(w);
	mf_sim_free_all(s);
}

/* One event of kcompactd (pid 8) in the zone: a run's begin or end, an isolate event */
static void kcd_event(struct mf_workload *w, struct mf_sim *s, int type, uint64_t a, uint64_t b,
		      int status)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts = 1;
	ev.pid = 8;
	ev.type = (uint16_t)type;
	if (type == MF_EV_CP_BEGIN || type == MF_EV_CP_END) {
		/* cp_end is cp_begin's fields, then the status */
		ev.cp_end.zone_start = Z_START;
		ev.cp_end.migrate_pfn = a;
		ev.cp_end.free_pfn = b;
		ev.cp_end.zone_end = Z_END;
		ev.cp_end.sync = 1;
		ev.cp_end.status = status;
	} else if (type == MF_EV_CP_FINISHED) {
		ev.cp_ret.order = (int)a;
	} else {
		ev.isolate.start_pfn = a;
		ev.isolate.end_pfn = b;
		ev.isolate.nr_taken = (uint64_t)status;
	}
	mf_workload_apply(w, &ev, &s, 1);
}

/*
 * A run whose scanners met passed the blocks after its last isolation over, one by one
 * (no fast_find_migrateblock() jump: its block would have been scanned, an isolate
 * event): kcompactd's run from 144 isolates in block 144, its free scanner scans block
 * 208, and it ends COMPACT_COMPLETE at 224.  Blocks 160-192 were skipped at the start;
 * 208 may carry the free scanner's own bit and says nothing of the start.  The same run
 * ending COMPACT_SUCCESS passed nothing over.
 */
static void passed_end_run(struct mf_workload *w, struct mf_sim *s, int status)
{
	mf_workload_kcompactd_pid(w, 8);
	kcd_event(w, s, MF_EV_CP_BEGIN, 144, 224, 0);
	kcd_event(w, s, MF_EV_CP_ISOLATE_MIGRATE, 144, 160, 8);
	kcd_event(w, s, MF_EV_CP_ISOLATE_FREE, 208, 224, 0);
	kcd_event(w, s, MF_EV_CP_END, 224, 224, status);
}

static void test_workload_passed_end(void)
{
	struct mf_sim *s = checkerboard(false);
	struct mf_workload *w = mf_workload_new();

	s->traced_pbo = s->pbo;
	passed_end_run(w, s, MF_CP_STATUS_COMPLETE);
	CU_ASSERT_FALSE(pb_skip(s, 144));
	CU_ASSERT(pb_skip(s, 160) && pb_skip(s, 176) && pb_skip(s, 192));
	CU_ASSERT_FALSE(pb_skip(s, 208));
	mf_workload_free(w);
	mf_sim_free_all(s);

	s = checkerboard(false);
	w = mf_workload_new();
	s->traced_pbo = s->pbo;
	passed_end_run(w, s, MF_CP_STATUS_SUCCESS);
	CU_ASSERT_FALSE(pb_skip(s, 160) || pb_skip(s, 176) || pb_skip(s, 192) || pb_skip(s, 208));
	sim_check(s);
	mf_workload_free(w);
	mf_sim_free_all(s);
}

/* The kernel's free lists for the workload, as a test sets them: one block, or none */
static uint64_t fake_lists_pfn;

static uint64_t fake_lists(void *priv, uint64_t from, uint64_t to, int min_order, int max_order)
{
	(void)priv;
	CU_ASSERT_EQUAL(min_order, 3);
	CU_ASSERT_EQUAL(max_order, 4);
	return fake_lists_pfn >= from && fake_lists_pfn < to ? fake_lists_pfn : MF_PFN_NONE;
}

/*
 * kcompactd's run of order 5 from the zone start (128, free scanner at 256) first scans at
 * 224: fast_find_migrateblock() could have jumped below 192 (half the distance).  With the
 * kernel's lists holding a MOVABLE block of order 3-4 at 150, it may have jumped to block
 * 144 and passed 160-208 over; with none, it passed 128-208 over; with no lists to ask,
 * only 192-208 beyond its reach are sure.
 */
static void passed_jump_run(uint64_t lists_pfn, bool lists, bool expect[8])
{
	struct mf_sim *s = checkerboard(false);
	struct mf_workload *w = mf_workload_new();
	uint64_t p;

	s->traced_pbo = s->pbo;
	fake_lists_pfn = lists_pfn;
	if (lists)
		mf_workload_kernel_lists(w, fake_lists, NULL);
	mf_workload_kcompactd_pid(w, 8);
	kcd_event(w, s, MF_EV_CP_BEGIN, Z_START, Z_END, 0);
	kcd_event(w, s, MF_EV_CP_FINISHED, 5, 0, 0);
	kcd_event(w, s, MF_EV_CP_ISOLATE_MIGRATE, 224, 240, 0);
	for (p = Z_START; p < Z_END; p += PB)
		CU_ASSERT_EQUAL(pb_skip(s, p), expect[(p - Z_START) / PB]);
	mf_workload_free(w);
	mf_sim_free_all(s);
}

static void test_workload_passed_jump(void)
{
	bool at150[8] = { false, false, true, true, true, true, false, false };
	bool none[8] = { true, true, true, true, true, true, false, false };
	bool unknown[8] = { false, false, false, false, true, true, false, false };

	passed_jump_run(150, true, at150);
	passed_jump_run(MF_PFN_NONE, true, none);
	passed_jump_run(150, false, unknown);
}

static void test_config_parse(void)
{
	struct mf_sim_config c;
	char err[128];

	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL(mf_sim_config_parse(&c, "mobility_grouping=off,memory=4G,extfrag_threshold=0",
					    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.mobility_grouping, 0);
	CU_ASSERT_EQUAL(c.memory, 4ULL << 30);
	CU_ASSERT_EQUAL(c.extfrag_threshold, 0);
	CU_ASSERT_STRING_EQUAL(c.name, "mobility_grouping=off,memory=4G,extfrag_threshold=0");
	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL(mf_sim_config_parse(&c, "name=x,defrag_mode=1", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.name, "x");
	/* the name goes into the JSON result: UTF-8 (found by fuzz-args) */
	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL(mf_sim_config_parse(&c, "name=\xc3\xa9t\xc3\xa9", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "name=\x84" "a", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "name=a\xdd\xdd", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "name=\xc0\x80", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "name=\xed\xa0\x80", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "name=a\tb", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "colour=blue", err, sizeof(err)), 0);
	CU_ASSERT(strstr(err, "colour") != NULL);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "extfrag_threshold=1001", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "max_order=8,pageblock_order=9", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "memory=1M", err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "compaction", err, sizeof(err)), 0);
}

/* ---- the knob table and its parser ------------------------------------------------------ */

/* parse text on a default config: 0 or -1, with the error in err (one line, no newline) */
static int cfg(struct mf_sim_config *c, const char *text, char *err, size_t len)
{
	int r;

	mf_sim_config_default(c);
	*err = '\0';
	r = mf_sim_config_parse(c, text, err, len);
	CU_ASSERT(strchr(err, '\n') == NULL);
	return r;
}

/* text must fail, with an error that contains want */
#define BAD(text, want) do {								\
	CU_ASSERT_EQUAL(cfg(&c, (text), err, sizeof(err)), -1);				\
	if (!strstr(err, (want)))							\
		CU_FAIL("'" text "': error '" want "' expected");			\
} while (0)

static void test_knob_table(void)
{
	const struct mf_sim_knob *k, *j;
	struct mf_sim_config c;
	int64_t v;

	mf_sim_config_default(&c);
	CU_ASSERT_STRING_EQUAL(c.name, "default");
	for (k = mf_sim_knobs; k->name; k++) {
		CU_ASSERT_PTR_EQUAL(mf_sim_knob_find(k->name), k);
		for (j = k + 1; j->name; j++)
			CU_ASSERT_STRING_NOT_EQUAL(k->name, j->name);
		CU_ASSERT_PTR_NOT_NULL(k->help);
		if (k->type == MF_KNOB_NAME)
			continue;
		/* the default is the table's; "traced" is a value no KEY=VALUE can give */
		CU_ASSERT_EQUAL(mf_sim_knob_value(&c, k, &v), !k->traced);
		CU_ASSERT_EQUAL(v, k->def);
		if (k->type == MF_KNOB_BOOL) {
			CU_ASSERT(k->def == 0 || k->def == 1);
		} else if (k->traced) {
			CU_ASSERT(k->def < k->min || k->def > k->max);
		} else {
			CU_ASSERT(k->def >= k->min && k->def <= k->max);
		}
	}
	CU_ASSERT_PTR_NULL(mf_sim_knob_find("colour"));
	CU_ASSERT_PTR_NULL(mf_sim_knob_find(""));
	/* the fields the model reads are the table's */
	CU_ASSERT_EQUAL(c.extfrag_threshold, 500);
	CU_ASSERT_EQUAL(c.compaction_proactiveness, 20);
	CU_ASSERT_EQUAL(c.watermark_boost_factor, 15000);
	CU_ASSERT_EQUAL(c.max_order, MF_SIM_KEEP);
	CU_ASSERT_EQUAL(c.min_free_kbytes, MF_SIM_KEEP);
	CU_ASSERT_EQUAL(c.mobility_grouping, 1);
	CU_ASSERT_EQUAL(c.defrag_mode, 0);
	CU_ASSERT_EQUAL(c.memory, 0);
}

static void test_knob_describe(void)
{
	char buf[160];

	mf_sim_knob_describe(mf_sim_knob_find("extfrag_threshold"), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0 to 1000, default the traced kernel's, else 500, /proc/sys/vm/extfrag_threshold");
	mf_sim_knob_describe(mf_sim_knob_find("max_order"), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1 to 14, default the traced kernel's");
	mf_sim_knob_describe(mf_sim_knob_find("memory"), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "64M to 1024T, default the traced kernel's");
	mf_sim_knob_describe(mf_sim_knob_find("defrag_mode"), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "on or off, default the traced kernel's, else off, /proc/sys/vm/defrag_mode");
	CU_ASSERT_STRING_EQUAL(mf_sim_knob_arg(mf_sim_knob_find("memory")), "SIZE");
	CU_ASSERT_STRING_EQUAL(mf_sim_knob_arg(mf_sim_knob_find("compaction")), "on|off");
	CU_ASSERT_STRING_EQUAL(mf_sim_knob_arg(mf_sim_knob_find("min_free_kbytes")), "N");
}

static void test_knob_good_values(void)
{
	static const char *const yes[] = { "on", "1", "yes", "true" };
	static const char *const no[] = { "off", "0", "no", "false" };
	static const struct { const char *text; uint64_t bytes; } sizes[] = {
		{ "67108864", 64ULL << 20 }, { "67108864B", 64ULL << 20 }, { "65536K", 64ULL << 20 },
		{ "64m", 64ULL << 20 }, { "4G", 4ULL << 30 }, { "4Gi", 4ULL << 30 },
		{ "4GB", 4ULL << 30 }, { "4GiB", 4ULL << 30 }, { "2T", 2ULL << 40 },
		{ "1024T", 1ULL << 50 }, { "007G", 7ULL << 30 },
	};
	const struct mf_sim_knob *k;
	struct mf_sim_config c;
	char text[256], err[256];
	int64_t v;
	size_t i;

	/* every number knob at both ends of its range */
	for (k = mf_sim_knobs; k->name; k++) {
		if (k->type != MF_KNOB_INT)
			continue;
		snprintf(text, sizeof(text), "%s=%lld", k->name, (long long)k->min);
		CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), 0);
		CU_ASSERT(mf_sim_knob_value(&c, k, &v) && v == k->min);
		snprintf(text, sizeof(text), "%s=%lld", k->name, (long long)k->max);
		CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), 0);
		CU_ASSERT(mf_sim_knob_value(&c, k, &v) && v == k->max);
	}
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		snprintf(text, sizeof(text), "mobility_grouping=%s,defrag_mode=%s", no[i], yes[i]);
		CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(c.mobility_grouping, 0);
		CU_ASSERT_EQUAL(c.defrag_mode, 1);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(text, sizeof(text), "memory=%s", sizes[i].text);
		CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(c.memory, sizes[i].bytes);
	}
	/* every key at once, in any order; unnamed, the config is named by its text */
	CU_ASSERT_EQUAL(cfg(&c, "memory=1G,defrag_mode=on,compaction=off,mobility_grouping=off,"
			    "min_free_kbytes=0,watermark_boost_factor=0,watermark_scale_factor=3000,"
			    "compaction_proactiveness=0,extfrag_threshold=1000,pageblock_order=3,"
			    "max_order=3", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.max_order, 3);
	CU_ASSERT_EQUAL(c.pageblock_order, 3);
	CU_ASSERT_EQUAL(c.extfrag_threshold, 1000);
	CU_ASSERT_EQUAL(c.compaction_proactiveness, 0);
	CU_ASSERT_EQUAL(c.watermark_scale_factor, 3000);
	CU_ASSERT_EQUAL(c.watermark_boost_factor, 0);
	CU_ASSERT_EQUAL(c.min_free_kbytes, 0);
	CU_ASSERT_EQUAL(c.compaction, 0);
	CU_ASSERT_EQUAL(c.memory, 1ULL << 30);
	CU_ASSERT(strncmp(c.name, "memory=1G,defrag_mode=on,", 25) == 0);
	CU_ASSERT_EQUAL(cfg(&c, "", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.name, "default");
	/* a name of 63 characters is the longest */
	snprintf(text, sizeof(text), "name=%063d", 7);
	CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(strlen(c.name), 63);
}

static void test_knob_bad_values(void)
{
	char text[256], big[300], err[256];
	struct mf_sim_config c;

	/* not KEY=VALUE, unknown key */
	BAD("compaction", "'compaction' is not KEY=VALUE");
	BAD("compaction=", "is not KEY=VALUE");
	BAD("=on", "is not KEY=VALUE");
	BAD("colour=blue", "unknown key 'colour'");
	BAD("Extfrag_threshold=1", "unknown key");
	/* numbers: strictly decimal digits */
	BAD("extfrag_threshold=nan", "extfrag_threshold: 'nan' is not a whole decimal number");
	BAD("extfrag_threshold=inf", "not a whole decimal number");
	BAD("extfrag_threshold=5x", "not a whole decimal number");
	BAD("extfrag_threshold=5 ", "not a whole decimal number");
	BAD("extfrag_threshold= 5", "not a whole decimal number");
	BAD("extfrag_threshold=+5", "not a whole decimal number");
	BAD("extfrag_threshold=-5", "not a whole decimal number");
	BAD("extfrag_threshold=0x10", "not a whole decimal number");
	BAD("extfrag_threshold=1.5", "not a whole decimal number");
	BAD("extfrag_threshold=1e3", "not a whole decimal number");
	/* booleans */
	BAD("compaction=maybe", "compaction: 'maybe' is not on or off");
	BAD("compaction=ON", "is not on or off");
	BAD("compaction=2", "is not on or off");
	BAD("compaction=on ", "is not on or off");
	/* sizes */
	BAD("memory=G", "memory: 'G' is not a size");
	BAD("memory=4i", "is not a size");
	BAD("memory=4Gq", "is not a size");
	BAD("memory=4 G", "is not a size");
	BAD("memory=-4G", "is not a size");
	BAD("memory=4.5G", "is not a size");
	BAD("memory=4GiBB", "is not a size");
	/* names */
	snprintf(text, sizeof(text), "name=%064d", 7);
	CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "longer than 63 characters") != NULL);
	/* the whole text: 255 characters at most (a 256th cannot be kept in the result) */
	memset(big, 'a', 256);
	big[256] = '\0';
	CU_ASSERT_EQUAL(cfg(&c, big, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "longer than 255 characters") != NULL);
}

static void test_knob_ranges(void)
{
	const struct mf_sim_knob *k;
	struct mf_sim_config c;
	char text[256], want[128], err[256];

	/* one past each end of every number knob's range, the range named in the error */
	for (k = mf_sim_knobs; k->name; k++) {
		if (k->type != MF_KNOB_INT)
			continue;
		snprintf(want, sizeof(want), "%s: '%lld' is out of range (%lld to %lld)", k->name,
			 (long long)k->max + 1, (long long)k->min, (long long)k->max);
		snprintf(text, sizeof(text), "%s=%lld", k->name, (long long)k->max + 1);
		CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), -1);
		CU_ASSERT_STRING_EQUAL(err, want);
		if (k->min > 0) {
			snprintf(text, sizeof(text), "%s=%lld", k->name, (long long)k->min - 1);
			CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), -1);
			CU_ASSERT(strstr(err, "out of range") != NULL);
		}
	}
	BAD("extfrag_threshold=1001", "extfrag_threshold: '1001' is out of range (0 to 1000)");
	BAD("max_order=0", "max_order: '0' is out of range (1 to 14)");
	BAD("extfrag_threshold=99999999999999999999999", "out of range (0 to 1000)");
	BAD("memory=1M", "memory: '1M' is out of range (64M to 1024T)");
	BAD("memory=67108863", "out of range (64M to 1024T)");
	BAD("memory=1025T", "out of range");
	BAD("memory=99999999999999999T", "out of range");
	BAD("memory=99999999999999999999999", "out of range");
	/* a rule between two keys */
	BAD("max_order=8,pageblock_order=9", "pageblock_order 9 is above max_order 8");
}

static void test_knob_repeated(void)
{
	const struct mf_sim_knob *k;
	struct mf_sim_config c;
	char text[256], want[96], err[256];

	BAD("extfrag_threshold=1,extfrag_threshold=2", "key 'extfrag_threshold' given twice");
	/* even with the same value, even far apart, for every key */
	for (k = mf_sim_knobs; k->name; k++) {
		const char *v = k->type == MF_KNOB_BOOL ? "on" : k->type == MF_KNOB_SIZE ? "1G" :
				k->type == MF_KNOB_NAME ? "x" : k->type == MF_KNOB_ENUM ? k->words[0] :
				"1";

		snprintf(text, sizeof(text), "%s=%s,compaction_proactiveness=0,%s=%s", k->name, v,
			 k->name, v);
		snprintf(want, sizeof(want), "key '%s' given twice", k->name);
		CU_ASSERT_EQUAL(cfg(&c, text, err, sizeof(err)), -1);
		CU_ASSERT_STRING_EQUAL(err, want);
	}
}

/*
 * zoneinfo prints min_wmark_pages() = _watermark[WMARK_MIN] + watermark_boost (and so for
 * low and high).  A capture of min 300, low 400, high 500 with boost 200 is a zone whose
 * base watermarks are 100, 200, 300 and whose boost is 200: the allocator's low mark is
 * still 400 at the start, and 200 once kswapd has cleared the boost.  With the watermarks
 * recomputed (watermark_scale_factor given) __setup_per_zone_wmarks() zeroes the boost;
 * with watermark_boost_factor=0 the kernel never had one.
 */
/*
 * kernelcore= / movablecore= on an 8 GiB machine (memory=: DMA 1-4095, DMA32 to 1 Mi,
 * Normal to 2 Mi pages; 2,097,151 present), find_zone_movable_pfns_for_nodes():
 * kernelcore=5G is 1,310,720 pages, DMA and DMA32 count 1,048,575 of them, the rest
 * 262,145 ends at pfn 1,310,721, rounded up to 1024: Movable from 1,311,744.
 * movablecore=3G leaves 1,310,719 to the kernel: Movable from 1,310,720, 3 GiB exactly.
 * With kernelcore=2G,movablecore=1G the larger kernel share wins: Movable is 1 GiB.
 * kernelcore=2G alone is met below Normal: all of Normal is Movable.  kernelcore=8G: no
 * Movable zone.  A request for ZONE_MOVABLE (GFP_HIGHUSER_MOVABLE) is served from it.
 */
static void test_kernelcore(void)
{
	static const struct { const char *cfg; int nz; uint64_t mstart; } cases[] = {
		{ "memory=8G,kernelcore=5G", 4, 1311744 },
		{ "memory=8G,movablecore=3G", 4, 1310720 },
		{ "memory=8G,kernelcore=2G,movablecore=1G", 4, 1835008 },
		{ "memory=8G,kernelcore=2G", 4, 1048576 },
		{ "memory=8G,kernelcore=8G", 3, 0 },
	};
	struct mf_sim_traced t = { .max_order = 10, .pageblock_order = 9 };
	struct mf_sim_config c;
	const char *from;
	struct mf_sim *s;
	char err[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct alloc_ctx ac = ctx(0, MF_MT_MOVABLE, GFP_MOVABLE_REQ | GFP_HIGHMEM |
					  GFP_KSWAPD_RECLAIM);
		uint64_t pfn;

		mf_sim_config_default(&c);
		CU_ASSERT_EQUAL_FATAL(mf_sim_config_parse(&c, cases[i].cfg, err, sizeof(err)), 0);
		s = mf_sim_setup(&c, &t, NULL, 1, &from);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		mf_sim_start(s, 0);
		CU_ASSERT_EQUAL(mf_sim_nr_zones(s), cases[i].nz);
		CU_ASSERT_EQUAL(mf_sim_zone(s, 2)->end_pfn, cases[i].nz == 4 ? cases[i].mstart : 2097152);
		if (cases[i].nz == 4) {
			CU_ASSERT_STRING_EQUAL(mf_sim_zone(s, 3)->name, "Movable");
			CU_ASSERT_EQUAL(s->z[3].type, 3);
			CU_ASSERT_EQUAL(mf_sim_zone(s, 3)->start_pfn, cases[i].mstart);
			CU_ASSERT_EQUAL(mf_sim_zone(s, 3)->end_pfn, 2097152);
			CU_ASSERT_EQUAL(mf_sim_zone(s, 3)->present + mf_sim_zone(s, 2)->present,
					2097152 - 1048576);
			ac.hzi = sim_gfp_zone(ac.gfp);
			CU_ASSERT_EQUAL(ac.hzi, 3);
			pfn = sim_alloc_pages(s, &ac);
			CU_ASSERT(pfn >= cases[i].mstart && pfn < 2097152);
		}
		sim_check(s);
		mf_sim_free_all(s);
	}
	mf_sim_config_default(&c);
	CU_ASSERT_NOT_EQUAL(mf_sim_config_parse(&c, "kernelcore=1M", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "kernelcore: '1M' is out of range (2M to 1024T)"));
}

/*
 * kswapd with reclaim approximated: 128 pages, watermarks 10/20/30, pfns 128-191 LRU
 * pages of the start capture (the pool), 192-207 free (16 pages), the rest unmovable.
 * A movable order-0 request fails the low watermark and wakes kswapd (16 < 30 high);
 * kswapd reclaims from the pool at most SWAP_CLUSTER_MAX pages before any trace time
 * passes, then, 1 ms later, until the zone meets its high watermark, and sleeps.  A
 * reclaimed page's later free by the workload is ignored.  With the node balanced, a
 * boost of 8 wakes kswapd all the same (pgdat_watermark_boosted()); it reclaims the
 * boost's 8 pages, clears it and sleeps.  A traced kswapd free of a held LRU page while
 * ours is ahead leaves it in use (absorbed).
 */
/*
 * The zone of the kswapd tests: 128 pages, watermarks 10/20/30, compaction off, the
 * start's LRU pages at 128-191 (not yet started).
 */
static struct mf_sim *kswapd_sim_hopeless(bool hopeless)
{
	struct mf_sim_zone_desc z = {
		.d = { .node = 0, .name = "Normal", .start_pfn = Z_START, .end_pfn = Z_END,
		       .present = Z_END - Z_START, .managed = Z_END - Z_START },
		.type = 2, .wmark = { 10, 20, 30 }, .node_unreclaimable = hopeless,
	};
	struct mf_sim_traced t = { .max_order = 5, .pageblock_order = 4 };
	struct mf_sim_config c;
	struct mf_sim *s;
	char err[128];
	uint64_t p;

	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(mf_sim_config_parse(&c, "compaction=off", err, sizeof(err)), 0);
	s = mf_sim_new(&c, &t, &z, 1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (p = 128; p < 192; p++)
		mf_sim_seed_movable(s, p);
	return s;
}

static struct mf_sim *kswapd_sim(void)
{
	return kswapd_sim_hopeless(false);
}

/*
 * What the simulated kswapd may reclaim on a machine without swap: of the start's LRU
 * pages (128-191) only those the capture marks reclaimable (file pages 128-159; 144-159
 * active, so after 128-143), and pages the trace puts on a file LRU list later (a page
 * the workload allocated at kernel pfn 5000), not an anonymous one (5001).  A page whose
 * pfn was allocated again after it joined the pool (5002) is another page: kswapd skips
 * its stale entry.  Order of reclaim: the start's inactive, its active, then insertions.
 */
static void test_reclaim_pool(void)
{
	struct mf_sim_req r = { .ts = 2000, .gfp = GFP_MOVABLE_REQ, .order = 0, .cpu = 0 };
	uint64_t bits[4] = { 0 }, active[4] = { 0 }, p, i, got[5] = { 0 };
	struct mf_sim *s = kswapd_sim();

	for (p = 128; p < 160; p++)
		bits[p / 64] |= 1ULL << (p % 64);
	for (p = 144; p < 160; p++)
		active[p / 64] |= 1ULL << (p % 64);
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 5), 0);
	CU_ASSERT_EQUAL_FATAL(mf_sim_seed_reclaimable(s, bits, active, 256, true), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_EQUAL(s->lru.n, 32);
	CU_ASSERT_EQUAL(s->reclaim_pool_seeded, 32);
	for (i = 0; i < 16; i++)
		CU_ASSERT(s->lru.tpfn[i] < 144);
	for (i = 16; i < 32; i++)
		CU_ASSERT(s->lru.tpfn[i] >= 144 && s->lru.tpfn[i] < 160);
	/* three pages of the workload */
	for (i = 0; i < 3; i++) {
		r.tpfn = 5000 + i;
		mf_sim_alloc(s, &r);
		got[i] = sim_owner_frame(s, r.tpfn, 0);
		CU_ASSERT_FATAL(got[i] != MF_PFN_NONE);
	}
	mf_sim_lru_insert(s, 5000, 2);		/* inactive file */
	mf_sim_lru_insert(s, 5001, 0);		/* inactive anon: no swap */
	mf_sim_lru_insert(s, 5002, 3);		/* active file */
	mf_sim_lru_insert(s, 5000, 2);		/* again (a putback): one entry */
	CU_ASSERT_EQUAL(s->lru.n, 34);
	CU_ASSERT_EQUAL(s->reclaim_pool_inserted, 2);
	/* 5002 freed and allocated again: the new page is on no list */
	mf_sim_free(s, 3000, 5002, 0, 0);
	r.ts = 3000;
	r.tpfn = 5002;
	mf_sim_alloc(s, &r);
	got[2] = sim_owner_frame(s, 5002, 0);
	CU_ASSERT_FATAL(got[2] != MF_PFN_NONE);
	/*
	 * a boost beyond the free pages makes kswapd reclaim, one ms of trace time at a
	 * time, in rounds of the inactive pages >> priority: a few pages a balance_pgdat()
	 * here, and none once the pool is so small that size >> 1 is 0 (kswapd stops at
	 * priority 1); direct reclaim goes down to priority 0 and takes the rest
	 */
	for (i = 0; i < 16 && s->lru.next < s->lru.n; i++) {
		s->z[0].boost = 64;
		sim_wakeup_kswapd(s, 0, 0, 0, 2);
		mf_sim_tick(s, 4000 + (i + 1) * 1000000);
		sim_deferred_work(s);
	}
	CU_ASSERT(s->lru.next < s->lru.n);
	CU_ASSERT(s->reclaim_pool_pages >= 28);
	while (sim_direct_reclaim(s, 0, 2, 0))
		;
	CU_ASSERT_EQUAL(s->lru.next, s->lru.n);
	CU_ASSERT_EQUAL(s->reclaim_pool_pages + s->direct_reclaim_pages, 33);
	CU_ASSERT_EQUAL(s->t2s[5000], T2S_RECLAIMED);
	CU_ASSERT_EQUAL(sim_owner_frame(s, 5001, 0), got[1]);
	CU_ASSERT_EQUAL(sim_owner_frame(s, 5002, 0), got[2]);
	for (p = 160; p < 192; p++)
		CU_ASSERT_EQUAL(sim_owner_frame(s, p, 0), p);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * A start capture whose zoneinfo says node_unreclaimable (kswapd_failures had reached
 * MAX_RECLAIM_RETRIES): wakeup_kswapd() returns silently, so a request below the low
 * watermark is served at the min one without waking kswapd, and pages joining the LRU
 * do not change that; the trace's direct reclaim with progress revives it (shrink_node()),
 * and the next such request wakes it.  The limits say when.
 */
static void test_kswapd_hopeless(void)
{
	struct alloc_ctx ac = ctx(0, MF_MT_MOVABLE, GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM);
	struct mf_sim *s = kswapd_sim_hopeless(true);
	char lines[12][MF_SIM_LIMIT_LEN];
	int n, i, found = 0;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 4), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, MAX_RECLAIM_RETRIES);
	CU_ASSERT_EQUAL(s->z[0].free_pages, 16);	/* below low (20), above min (10) */
	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 0);
	CU_ASSERT_EQUAL(sim_lru_add(s, 5000, 0), 0);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, MAX_RECLAIM_RETRIES);
	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 0);
	mf_sim_direct_reclaim(s, 1000 + 500000000ULL, 0, GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, 0);
	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 1);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	n = mf_sim_limits(s, lines, 12);
	for (i = 0; i < n; i++)
		found += strstr(lines[i], "kswapd hopeless at the start") &&
			 strstr(lines[i], "0.500 s into the trace");
	CU_ASSERT_EQUAL(found, 1);
	sim_check(s);
	mf_sim_free_all(s);

	/* the same start without the flag wakes kswapd at the first such request */
	s = kswapd_sim();
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 4), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 1);
	mf_sim_free_all(s);
}

static void test_kswapd_reclaim(void)
{
	struct alloc_ctx ac = ctx(0, MF_MT_MOVABLE, GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM);
	uint64_t p, before, reclaimed, tp = MF_PFN_NONE;
	struct mf_sim *s = kswapd_sim();

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 4), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_EQUAL(s->lru.n, 64);
	CU_ASSERT_EQUAL(s->reclaim_pool_seeded, 64);
	CU_ASSERT_EQUAL(s->z[0].free_pages, 16);
	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 1);
	sim_deferred_work(s);
	CU_ASSERT(s->reclaim_pool_pages >= 1 && s->reclaim_pool_pages <= 32);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, s->z[0].free_pages > 30 ? -1 : 0);
	mf_sim_tick(s, 1000 + 1000000);
	sim_deferred_work(s);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
	CU_ASSERT(s->z[0].free_pages > 30);
	CU_ASSERT_EQUAL(s->reclaim_ahead, s->reclaim_pool_pages);
	sim_check(s);
	/*
	 * A reclaimed page: the workload's free of it frees nothing more, and it leaves our
	 * lead over the kernel's reclaim (the page is free on both sides now).
	 */
	for (p = 128; p < 192 && tp == MF_PFN_NONE; p++)
		if (s->t2s[p] == T2S_RECLAIMED)
			tp = p;
	CU_ASSERT_NOT_EQUAL_FATAL(tp, MF_PFN_NONE);
	before = s->z[0].free_pages;
	reclaimed = s->reclaim_ahead;
	mf_sim_free(s, 1000 + 2000000, tp, 0, 0);
	CU_ASSERT_EQUAL(s->reclaim_freed_later, 1);
	CU_ASSERT_EQUAL(s->reclaim_ahead, reclaimed - 1);
	CU_ASSERT_EQUAL(s->t2s[tp], NIL);
	CU_ASSERT_EQUAL(s->z[0].free_pages, before);
	sim_check(s);
	/* boosted while balanced: boost reclaim of the boost's pages, then cleared */
	reclaimed = s->reclaim_pool_pages;
	s->z[0].boost = 8;
	sim_wakeup_kswapd(s, 0, 0, 0, 2);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	mf_sim_tick(s, 1000 + 3000000);
	sim_deferred_work(s);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
	CU_ASSERT_EQUAL(s->z[0].boost, 0);
	CU_ASSERT(s->reclaim_pool_pages - reclaimed >= 8);
	/* the trace's kswapd frees a page ours has reclaimed the like of already */
	for (p = 128; p < 192; p++)
		if (sim_owner_frame(s, p, 0) != MF_PFN_NONE)
			break;
	CU_ASSERT_FATAL(p < 192);
	before = s->reclaim_ahead;
	mf_sim_reclaim_free(s, 1000 + 4000000, p, 0, 0, 0);
	CU_ASSERT_EQUAL(s->reclaim_absorbed, 1);
	CU_ASSERT_EQUAL(s->reclaim_ahead, before - 1);
	CU_ASSERT_EQUAL(sim_owner_frame(s, p, 0), p);
	sim_check(s);
	mf_sim_free_all(s);
}

/* A movable request that takes the zone below its low watermark: kswapd woken and run */
static void kswapd_woken_by_request(struct mf_sim *s)
{
	struct alloc_ctx ac = ctx(0, MF_MT_MOVABLE, GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM);

	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	sim_deferred_work(s);
}

/* trace time after the start (1000 ns), and the work deferred to it */
static void kswapd_tick(struct mf_sim *s, uint64_t after)
{
	mf_sim_tick(s, 1000 + after);
	sim_deferred_work(s);
}

/*
 * balance_pgdat() asks pgdat_balanced() between kswapd_shrink_node() rounds only, and a
 * round reclaims up to the inactive file list >> sc.priority (from DEF_PRIORITY down,
 * while a round scans less than sc->nr_to_reclaim).  The 64-page pool and 15 free pages
 * against a high watermark of 30: rounds of 0 pages down to priority 7, then 1, 1, 3, 7
 * (27 free, not balanced) and 13: 25 pages reclaimed (some of them on the per-CPU
 * list).  Page by page, kswapd stopped as soon as 31 were free in the zone.
 */
static void test_kswapd_rounds(void)
{
	struct mf_sim *s = kswapd_sim();

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 4), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_EQUAL(s->lru.pages, 64);
	kswapd_woken_by_request(s);
	CU_ASSERT_EQUAL(s->reclaim_pool_pages, 25);
	CU_ASSERT(s->z[0].free_pages > 30);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
	CU_ASSERT_EQUAL(s->node[0].priority, 1);	/* lowered after the last round */
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * Nothing to reclaim (the capture marks none of the start's LRU pages reclaimable): the
 * kernel's kswapd makes passes that reclaim nothing, about 140 us each, and gives the
 * node up after MAX_RECLAIM_RETRIES of them, unless the workload's page cache comes
 * meanwhile, which it takes as it comes.  Ours counts such passes by time: woken, it
 * has failed once and waits; eight pages that join the pool are reclaimed by the next
 * pass (failures back to 0) but for the last, which no priority scans (1 >> 1 is 0);
 * from the first pass after that (3 ms) the count grows by one per 140 us: 15 at 5 ms,
 * still waiting, and 16 at 5.2 ms, when the node is given up and kswapd sleeps.
 */
static void test_kswapd_pool_dry(void)
{
	struct mf_sim_req r = { .ts = 1500, .gfp = GFP_MOVABLE_REQ, .order = 0, .cpu = 0 };
	uint64_t bits[4] = { 0 }, active[4] = { 0 }, i;
	struct mf_sim *s = kswapd_sim();

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 4), 0);
	CU_ASSERT_EQUAL_FATAL(mf_sim_seed_reclaimable(s, bits, active, 256, true), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_EQUAL(s->lru.n, 0);
	kswapd_woken_by_request(s);
	CU_ASSERT_EQUAL(s->reclaim_pool_pages, 0);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, 1);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);	/* waiting for the pool */

	for (i = 0; i < 8; i++) {
		r.tpfn = 5000 + i;
		mf_sim_alloc(s, &r);
		CU_ASSERT_FATAL(sim_owner_frame(s, r.tpfn, 0) != MF_PFN_NONE);
		mf_sim_lru_insert(s, r.tpfn, 2);
	}
	kswapd_tick(s, 1000000);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(s->t2s[5000 + i] == T2S_RECLAIMED, i < 7);
	CU_ASSERT_EQUAL(s->lru.pages, 1);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, 0);

	kswapd_tick(s, 3000000);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, 1);
	kswapd_tick(s, 5000000);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, 15);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	kswapd_tick(s, 5200000);
	CU_ASSERT_EQUAL(s->node[0].kswapd_failures, MAX_RECLAIM_RETRIES);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
	sim_check(s);
	mf_sim_free_all(s);
}

/* balance_pgdat()'s out: kswapd asleep, the boost cleared, the skip bits reset */
static void assert_boost_pass_ended(const struct mf_sim *s, uint64_t pool_pages)
{
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
	CU_ASSERT_EQUAL(s->z[0].boost, 0);
	CU_ASSERT_FALSE(s->z[0].blockskip_flush);
	CU_ASSERT_EQUAL(s->reclaim_pool_pages, pool_pages);
}

/* One boost pass of our own kswapd on a balanced node: woken, 20 us of work. */
static void own_boost_pass(struct mf_sim *s, uint64_t ts, uint64_t boost)
{
	s->z[0].boost = boost;
	s->z[0].blockskip_flush = true;
	sim_wakeup_kswapd(s, 0, 0, 0, 2);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	CU_ASSERT_EQUAL(s->node[0].nr_boost_reclaim, boost);
	mf_sim_tick(s, ts + 20000);
	sim_deferred_work(s);
}

/*
 * Boost reclaim is quick: balance_pgdat() reclaims a boost at a pass's start, a few
 * folios, and the pass ends (kcompactd woken, skip bits reset) about a millisecond
 * later, not at kswapd's long-run rate.  A boost of 52 pages while balanced: reclaimed
 * within 20 us, where kswapd's 520 pages per ms would still be at 42 (32 to begin with).
 */
static void test_kswapd_boost_rate(void)
{
	struct mf_sim *s = kswapd_sim();

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 5), 0);
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 224, 5), 0);
	mf_sim_start(s, 1000);
	s->z[0].wmark[WMARK_MIN] = 4;
	s->z[0].wmark[WMARK_LOW] = 7;
	s->z[0].wmark[WMARK_HIGH] = 10;
	own_boost_pass(s, 1000, 52);
	assert_boost_pass_ended(s, 52);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * Boost reclaim (no writeback, DEF_PRIORITY first) takes clean page cache and gives a
 * boost up when a round reclaims nothing: ours takes the start capture's LRU pages (64
 * here) and not a page the trace put on an LRU list later.  The first pass reclaims 48
 * of them; the second the last 16, and gives up (the boost cleared, kswapd asleep, the
 * skip bits reset) with the workload's page still in use.
 */
static void test_kswapd_boost_start_pages(void)
{
	struct mf_sim_req r = { .ts = 2000, .gfp = GFP_MOVABLE_REQ, .order = 0, .cpu = 0 };
	struct mf_sim *s = kswapd_sim();
	uint64_t got;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 5), 0);
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 224, 5), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_EQUAL(s->lru.seeded, 64);
	r.tpfn = 5000;
	mf_sim_alloc(s, &r);
	got = sim_owner_frame(s, 5000, 0);
	CU_ASSERT_FATAL(got != MF_PFN_NONE);
	mf_sim_lru_insert(s, 5000, 2);		/* inactive file */
	CU_ASSERT_EQUAL(s->lru.n, 65);
	s->z[0].wmark[WMARK_MIN] = 4;
	s->z[0].wmark[WMARK_LOW] = 7;
	s->z[0].wmark[WMARK_HIGH] = 10;
	own_boost_pass(s, 3000, 48);
	assert_boost_pass_ended(s, 48);
	CU_ASSERT_EQUAL(s->boosts_given_up, 0);
	own_boost_pass(s, 30000, 48);
	assert_boost_pass_ended(s, 64);
	CU_ASSERT_EQUAL(s->boosts_given_up, 1);
	CU_ASSERT_EQUAL(sim_owner_frame(s, 5000, 0), got);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * What mf_sim_config_traced() leaves from a capture's sysctl file: the traced kernel's
 * watermarks and defrag_mode, and boost factor boost.
 */
static void traced_settings(struct mf_sim *s, int boost)
{
	s->c.traced.nr_settings = 7;
	s->c.traced.watermark_scale_factor = 10;
	s->c.traced.min_free_kbytes = 67584;
	s->c.traced.watermark_boost_factor = boost;
	s->c.traced.defrag_mode = 0;
}

/*
 * Under the traced settings, a boost of ours while the traced kswapd sleeps: no trace
 * frees come to credit, the boost reclaim makes no progress, and balance_pgdat() gives
 * it up at once: the boost is cleared, the balanced node goes to sleep (its skip bits
 * reset), and nothing is reclaimed from the pool.  With the traced kswapd awake ours
 * waits for its frees, as test_kswapd_reclaim_as_traced() has it.
 */
static void test_kswapd_boost_given_up(void)
{
	struct alloc_ctx ac = ctx(0, MF_MT_MOVABLE, GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM);
	struct mf_sim *s = kswapd_sim();

	traced_settings(s, s->c.watermark_boost_factor);
	CU_ASSERT_FATAL(sim_reclaim_as_traced(s));
	/* 64 free pages: balanced above the boosted high watermark, 30 + 8 */
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 5), 0);
	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 224, 5), 0);
	mf_sim_start(s, 1000);
	/* boost_watermark() by a fallback of ours: rmqueue() wakes kswapd (gfp 0) */
	s->z[0].boost = 8;
	s->z[0].boosted = true;
	s->z[0].blockskip_flush = true;
	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 1);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	mf_sim_tick(s, 1000 + 1000000);
	sim_deferred_work(s);
	assert_boost_pass_ended(s, 0);
	CU_ASSERT_EQUAL(s->boosts_given_up, 1);

	mf_sim_kswapd(s, 1000 + 2000000, 0, 2, true);
	s->z[0].boost = 8;
	s->z[0].boosted = true;
	CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
	CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 2);
	mf_sim_tick(s, 1000 + 3000000);
	sim_deferred_work(s);
	CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
	CU_ASSERT_EQUAL(s->z[0].boost, 8);
	CU_ASSERT_EQUAL(s->boosts_given_up, 1);
	CU_ASSERT_EQUAL(s->reclaim_pool_pages, 0);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * Under the traced kernel's watermarks, boosts and defrag_mode the traced kswapd's frees
 * are all the reclaim there is: ours, woken as the trace shows, reclaims nothing from the
 * pool on its own, takes the trace's frees as its progress, and ends its balance_pgdat()
 * where the traced kswapd begins its next one (mm_vmscan_kswapd_wake) or naps: the boost
 * it set out to reclaim is taken off then, and the next balance starts from the boosts as
 * they are.  Under another watermark_boost_factor it reclaims from the pool as before.
 */
static void test_kswapd_reclaim_as_traced(void)
{
	struct alloc_ctx ac = ctx(0, MF_MT_MOVABLE, GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM);
	int other;

	for (other = 0; other < 2; other++) {
		struct mf_sim *s = kswapd_sim();
		uint64_t p;

		traced_settings(s, other ? 0 : s->c.watermark_boost_factor);
		CU_ASSERT_EQUAL(sim_reclaim_as_traced(s), !other);
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 4), 0);
		mf_sim_start(s, 1000);
		if (!other)	/* the traced kswapd is reclaiming (test_kswapd_boost_given_up()) */
			mf_sim_kswapd(s, 1000, 0, 2, true);
		s->z[0].boost = 8;
		CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
		CU_ASSERT_EQUAL(s->stats.cp.kswapd_wake, 1);
		CU_ASSERT_EQUAL(s->z[0].boost_snap, 8);
		mf_sim_tick(s, 1000 + 1000000);
		sim_deferred_work(s);
		if (other) {
			CU_ASSERT(s->reclaim_pool_pages > 0);
			sim_check(s);
			mf_sim_free_all(s);
			continue;
		}
		CU_ASSERT_EQUAL(s->reclaim_pool_pages, 0);
		CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
		/*
		 * The trace's kswapd frees a page on an LRU list: our progress (the
		 * allocation's own direct reclaim had put ours ahead; it is not now).
		 */
		s->reclaim_ahead = 0;
		for (p = 128; p < 192; p++)
			if (sim_owner_frame(s, p, 0) != MF_PFN_NONE)
				break;
		CU_ASSERT_FATAL(p < 192);
		mf_sim_reclaim_free(s, 1000 + 2000000, p, 0, 0, 0);
		CU_ASSERT_EQUAL(s->reclaim_trace_pages, 1);
		CU_ASSERT_EQUAL(s->node[0].reclaimed, 1);
		/* its next balance_pgdat(): the boost of this one is off, none left to snap */
		mf_sim_kswapd(s, 1000 + 3000000, 0, 2, true);
		CU_ASSERT_EQUAL(s->z[0].boost, 0);
		CU_ASSERT_EQUAL(s->z[0].boost_snap, 0);
		CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
		/* a boost raised meanwhile is the next balance's, taken off at its nap */
		s->z[0].boost = 4;
		mf_sim_kswapd(s, 1000 + 4000000, 0, 2, true);
		CU_ASSERT_EQUAL(s->z[0].boost_snap, 4);
		mf_sim_kswapd_nap(s, 1000 + 5000000, 0);
		CU_ASSERT_EQUAL(s->z[0].boost, 0);
		CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
		CU_ASSERT_EQUAL(s->reclaim_pool_pages, 0);
		sim_check(s);
		mf_sim_free_all(s);
	}
}

/*
 * Under the traced settings ours ends a balance_pgdat() that is not a boost's where the
 * traced kswapd naps or sleeps, whether our node is balanced before that or not: while
 * the traced one reclaims, the kernel's node was not balanced, and the kernel's kswapd
 * resets the skip bits and wakes kcompactd at that nap.  With the traced kswapd asleep a
 * balanced node ends ours at once, as before.  Watermarks 10 / 20 / 30 and 16 free pages:
 * an allocation wakes ours; the watermarks then fall to 1 / 2 / 3, which balances it.
 */
static void test_kswapd_balanced_ends_at_nap(void)
{
	struct alloc_ctx ac = ctx(0, MF_MT_MOVABLE, GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM);
	int traced_awake;

	for (traced_awake = 0; traced_awake < 2; traced_awake++) {
		struct mf_sim *s = kswapd_sim();
		int i;

		traced_settings(s, s->c.watermark_boost_factor);
		CU_ASSERT_FATAL(sim_reclaim_as_traced(s));
		CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 4), 0);
		mf_sim_start(s, 1000);
		if (traced_awake)
			mf_sim_kswapd(s, 1000, 0, 2, true);
		CU_ASSERT_NOT_EQUAL(sim_alloc_pages(s, &ac), MF_PFN_NONE);
		CU_ASSERT_EQUAL(s->node[0].kswapd_order, 0);
		for (i = 0; i < 3; i++)
			s->z[0].wmark[i] = (uint64_t)i + 1;
		mf_sim_tick(s, 1000 + 1000000);
		sim_deferred_work(s);
		CU_ASSERT_EQUAL(s->node[0].kswapd_order, traced_awake ? 0 : -1);
		CU_ASSERT_EQUAL(s->reclaim_pool_pages, 0);
		if (traced_awake) {
			mf_sim_kswapd_nap(s, 1000 + 2000000, 0);
			CU_ASSERT_EQUAL(s->node[0].kswapd_order, -1);
		}
		sim_check(s);
		mf_sim_free_all(s);
	}
}

static void test_wmark_boost(void)
{
	struct mf_sim_zone_desc z = {
		.d = { .node = 0, .name = "Normal", .start_pfn = Z_START, .end_pfn = Z_END,
		       .present = Z_END - Z_START, .managed = Z_END - Z_START },
		.type = 2, .wmark = { 300, 400, 500 }, .boost = 200,
	};
	struct mf_sim_traced t = { .max_order = 5, .pageblock_order = 4 };
	static const char *const cfgs[] = { "", "watermark_boost_factor=0",
					    "watermark_scale_factor=10,min_free_kbytes=0" };
	struct mf_sim_config c;
	uint64_t wm[3];
	struct mf_sim *s;
	char err[128];
	int i;

	for (i = 0; i < 3; i++) {
		mf_sim_config_default(&c);
		CU_ASSERT_EQUAL_FATAL(mf_sim_config_parse(&c, cfgs[i], err, sizeof(err)), 0);
		s = mf_sim_new(&c, &t, &z, 1, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		mf_sim_seed_all_free(s);
		mf_sim_start(s, 0);
		mf_sim_zone_wmarks(s, 0, wm);
		if (i < 2) {
			CU_ASSERT_EQUAL(wm[WMARK_MIN], 100);
			CU_ASSERT_EQUAL(wm[WMARK_LOW], 200);
			CU_ASSERT_EQUAL(wm[WMARK_HIGH], 300);
		} else {
			/* min_free_kbytes=0: min 0, the gaps 128 pages * 10 / 10000 = 0 */
			CU_ASSERT_EQUAL(wm[WMARK_HIGH], 0);
		}
		CU_ASSERT_EQUAL(s->z[0].boost, i ? 0 : 200);
		CU_ASSERT_EQUAL(wmark_pages(&s->z[0], WMARK_LOW), i ? wm[WMARK_LOW] : 400);
		mf_sim_free_all(s);
	}
}

/*
 * The checkerboard of test_compaction_success, after the trace showed the kernel's sync
 * direct compaction failing every page it tried (1000 of 1000): the simulator's pinned
 * pageblock density rises from 0 as its own share of failures stays below the learned
 * one, so some of the 48 movable pages fail and stay put (still used, movable, not
 * isolated, owned), the run cannot capture a free order-4 block in pageblock 0 as in the
 * clean case, and the lists stay consistent.  With nothing learned, no page fails.
 */
static void test_compaction_learned_failures(void)
{
	struct mf_sim *s = checkerboard(true);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	const struct mf_sim_compaction *cp = &s->stats.cp;
	char lines[12][MF_SIM_LIMIT_LEN];
	enum cp_result r;
	uint64_t page, p;
	int i, n, stuck = 0;

	mf_sim_learn_migration(s, SIM_MSRC_SYNC, 0, 1000);
	page = sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r);
	CU_ASSERT(cp->migrate_failed > 0);
	CU_ASSERT_EQUAL(s->injected_fail, cp->migrate_failed);
	CU_ASSERT_NOT_EQUAL(page, 128);
	for (p = 128; p < 224; p += 2)
		if (s->t2s[T(p)] == p) {
			CU_ASSERT_EQUAL(s->st[p], ST_USED | ST_MOVABLE);
			stuck++;
		}
	CU_ASSERT(stuck > 0);
	if (page != MF_PFN_NONE)
		sim_set_used(s, page, 4, true, NIL);
	sim_check(s);
	n = mf_sim_limits(s, lines, 12);
	for (i = 0; i < n && strncmp(lines[i], "migration failures learned from 1 calls", 39); i++)
		;
	CU_ASSERT(i < n);
	mf_sim_free_all(s);

	s = checkerboard(true);
	page = sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r);
	CU_ASSERT_EQUAL(page, 128);
	CU_ASSERT_EQUAL(s->stats.cp.migrate_failed, 0);
	mf_sim_free_all(s);
}

/*
 * The same after the trace showed sync failures of three pages in ten (300 of 1000): a
 * pinned pageblock fails every folio the compactor tries in it (the traces' failed
 * batches fail whole), so no pageblock of the six movable ones ends with some of its
 * pages moved and others stuck, and at least one is pinned.  The old rule (every other
 * page of a pinned pageblock) leaves pageblocks half moved.
 */
static void test_compaction_pinned_blocks(void)
{
	struct mf_sim *s = checkerboard(true);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	int pinned_blocks = 0, mixed = 0;
	enum cp_result r;
	uint64_t page, b, p;

	mf_sim_learn_migration(s, SIM_MSRC_SYNC, 700, 300);
	page = sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r);
	CU_ASSERT(s->stats.cp.migrate_failed > 0);
	for (b = Z_START; b < 224; b += PB) {
		int stuck = 0, moved = 0;

		for (p = b; p < b + PB; p += 2) {
			if (s->t2s[T(p)] == p)
				stuck += s->st[p] == (ST_USED | ST_MOVABLE);
			else
				moved++;
		}
		pinned_blocks += stuck == PB / 2;
		mixed += stuck && moved;
	}
	CU_ASSERT(pinned_blocks > 0);
	CU_ASSERT_EQUAL(mixed, 0);
	if (page != MF_PFN_NONE)
		sim_set_used(s, page, 4, true, NIL);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * When the flusher cleans the page cache the trace wrote (sim-vmscan.c).  On the kswapd
 * tests' zone (high watermark 30, so totalreserve_pages 30; the start's 64 LRU pages),
 * the workload writes order-1 folios at kernel pfns 6000, 6002, ... and puts them on the
 * inactive file list:
 * - past dirty_background_ratio: dirtyable memory is the free pages above
 *   totalreserve_pages (none: 24 free) plus the file pages (64 and the 8 dirty), a tenth
 *   of it 7 pages, so the oldest folio is written back, the three younger stay dirty (the
 *   threshold counts pages, not folios; with the free pages counted, none was written);
 * - the trace's kswapd reclaims the third (6004): the kernel had written it back, and the
 *   second (6002) before it; the youngest (6006) stays dirty;
 * - our kswapd, reclaiming the whole pool, comes to 6006 still dirty: it wakes the
 *   flusher, which cleans it, and reclaims it on its way round.
 */
static void test_dirty_writeback(void)
{
	struct mf_sim_req r = { .ts = 2000, .gfp = GFP_MOVABLE_REQ, .order = 1, .cpu = 0 };
	struct mf_sim *s = kswapd_sim();
	uint64_t i;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 5), 0);
	mf_sim_start(s, 1000);
	CU_ASSERT_EQUAL(s->totalreserve, 30);
	for (i = 0; i < 4; i++) {
		r.tpfn = 6000 + 2 * i;
		mf_sim_alloc(s, &r);
		CU_ASSERT_FATAL(sim_owner_frame(s, r.tpfn, 1) != MF_PFN_NONE);
		sim_tbit_set(s, s->fwrite, r.tpfn, true);
		mf_sim_lru_insert(s, r.tpfn, 2);
	}
	CU_ASSERT_EQUAL(s->dirty.pages, 8);
	CU_ASSERT_EQUAL(s->z[0].free_pages, 24);
	sim_dirty_expire(s);
	CU_ASSERT_EQUAL(s->dirty.pages, 6);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(sim_tbit(s, s->fdirty, 6000 + 2 * i), i > 0);
	mf_sim_reclaim_free(s, 3000, 6004, 1, 0, 0);
	CU_ASSERT_EQUAL(s->dirty_clean_trace, 2);
	CU_ASSERT_FALSE(sim_tbit(s, s->fdirty, 6002));
	CU_ASSERT_TRUE(sim_tbit(s, s->fdirty, 6006));
	for (i = 0; i < 8 && s->lru.next < s->lru.n; i++) {
		s->z[0].boost = 96;
		sim_wakeup_kswapd(s, 0, 0, 0, 2);
		mf_sim_tick(s, 4000 + (i + 1) * 1000000);
		sim_deferred_work(s);
	}
	CU_ASSERT_EQUAL(s->dirty_clean_kswapd, 1);
	CU_ASSERT_FALSE(sim_tbit(s, s->fdirty, 6006));
	CU_ASSERT_EQUAL(s->t2s[6006], T2S_RECLAIMED);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * Direct reclaim where the trace shows none (sim-slowpath.c, sim_direct_reclaim()): on
 * the kswapd tests' zone (32 pages free, the start's 64 LRU pages reclaimable), 80
 * order-0 requests at one instant that the kernel served without reclaiming.  Our
 * kswapd's first budget (32 pages) is not enough: the rest come from our own direct
 * reclaim from the same pool, none fails.  A request the kernel failed reclaims nothing.
 */
static void test_direct_reclaim_own(void)
{
	struct mf_sim_req r = { .ts = 2000, .gfp = GFP_MOVABLE_REQ | GFP_KSWAPD_RECLAIM,
				.order = 0, .cpu = 0 };
	struct mf_sim *s = kswapd_sim();
	uint64_t i, before;

	CU_ASSERT_EQUAL(mf_sim_seed_free(s, 192, 5), 0);
	mf_sim_start(s, 1000);
	for (i = 0; i < 80; i++) {
		r.tpfn = 7000 + i;
		mf_sim_alloc(s, &r);
	}
	CU_ASSERT_EQUAL(s->stats.failures[0], 0);
	CU_ASSERT(s->direct_reclaim_pages > 0);
	CU_ASSERT(s->direct_reclaim_rounds > 0);
	sim_check(s);
	before = s->direct_reclaim_pages;
	r.tpfn = MF_PFN_NONE;
	for (i = 0; i < 40; i++)
		mf_sim_alloc(s, &r);
	CU_ASSERT_EQUAL(s->direct_reclaim_pages, before);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * The order-4 compaction of test_compaction_success() after the trace wrote page cache
 * into pageblock 0 (a folio it allocated for a write at frame 130, then put on the
 * inactive file list): that folio fails (dirty, async and sync-light migration do not
 * move it; the trace's sync migrations failed 3 pages in 10, so the share allows it),
 * and the run captures pageblock 1 instead.  Put on an anonymous list instead, it is
 * no written page cache and the trace's rates decide as without it; 30 s later
 * (dirty_expire_centisecs) the flusher has written it back and nothing fails.  Nothing
 * fails either where the trace's failed pages were all in batches that ended their runs
 * on -ENOMEM (mf_sim_learn_enomem()): those are the simulator's own rule's to make.
 */
static void test_compaction_dirty_page_cache(void)
{
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	enum cp_result r;
	uint64_t page, p;
	int round;

	for (round = 0; round < 4; round++) {
		struct mf_sim *s = checkerboard(true);

		mf_sim_learn_migration(s, SIM_MSRC_SYNC, 700, 300);
		/* every failed page in batches that ended their runs on -ENOMEM */
		if (round == 3)
			mf_sim_learn_enomem(s, SIM_MSRC_SYNC, 300);
		/* allocated by the trace since the start, for a write (as a large folio) */
		sim_tbit_set(s, s->rclm, T(130), false);
		sim_tbit_set(s, s->fwrite, T(130), true);
		mf_sim_lru_insert(s, T(130), round == 1 ? 0 : 2);
		if (round == 2)
			mf_sim_tick(s, 31ULL * 1000000000ULL);
		page = sim_direct_compact(s, &ac, PRIO_SYNC_LIGHT, &r);
		CU_ASSERT_EQUAL(r, CP_SUCCESS);
		if (round == 0) {
			CU_ASSERT_EQUAL(page, 144);
			CU_ASSERT_EQUAL(s->dirty_fail, 1);
			CU_ASSERT_EQUAL(s->stats.cp.migrate_failed, 1);
			for (p = 128; p < 144; p += 2)
				CU_ASSERT_EQUAL(s->t2s[T(p)] == p, p == 130);
		} else if (round == 1) {
			/* no written page cache: the trace's rates decide (pinned()) */
			CU_ASSERT(!s->file_seen);
			CU_ASSERT_EQUAL(s->dirty_fail, 0);
		} else {
			/* written back (round 2), or no rate left to draw (round 3) */
			CU_ASSERT(s->file_seen);
			CU_ASSERT_EQUAL(page, 128);
			CU_ASSERT_EQUAL(s->dirty_fail, 0);
			CU_ASSERT_EQUAL(s->stats.cp.migrate_failed, 0);
		}
		if (page != MF_PFN_NONE)
			sim_set_used(s, page, 4, true, NIL);
		sim_check(s);
		mf_sim_free_all(s);
	}
}

/*
 * A large folio without a target of its order (sim_migrate_pages()): pageblock 0 holds an
 * order-1 folio at 128 and is otherwise full, the other movable blocks have only single
 * free pages.  Written page cache (dirty buffers) cannot be split: migrate_pages()
 * returns -ENOMEM and the run ends COMPACT_CONTENDED with the folio where it was (round
 * 1); also where the trace's failure share would fail the dirty folio anyway, since the
 * target is asked for first (migrate_folio_unmap(), round 2).  Both while the trace's
 * own migrations failed a share of their pages in batches that ended runs so, and the
 * simulator's stay below it.  Where the trace shows no such batch the folio is taken as
 * written back (round 3), and a folio that is not written (round 0): split, its pages
 * migrated one by one.  So it is too before the trace has shown any sync migration,
 * though it has shown async ones (round 4).
 */
static void test_compaction_dirty_folio_enomem(void)
{
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	int round;

	for (round = 0; round < 5; round++) {
		struct mf_sim *s = sim_tiny(NULL, false);
		struct szone *z = &s->z[0];
		bool enomem = round == 1 || round == 2;
		enum cp_result r;
		uint64_t p;

		board_frame(s);
		sim_used(s, 128, 1, true);
		for (p = 130; p < 144; p++)
			sim_used(s, p, 0, true);
		for (p = 144; p < 224; p += 2)
			sim_used(s, p, 0, true);
		mf_sim_start(s, 0);
		for (p = 145; p < 224; p += 2)
			sim_add_free(s, z, p, 0, MF_MT_MOVABLE, true);
		for (p = 224; p < Z_END; p++)
			sim_used(s, p, 0, false);
		if (round) {
			sim_tbit_set(s, s->rclm, T(128), false);
			sim_tbit_set(s, s->fwrite, T(128), true);
			mf_sim_lru_insert(s, T(128), 2);
			CU_ASSERT_FATAL(s->file_seen);
		}
		/*
		 * The trace's sync migrations: 1,000 pages migrated, none failed (rounds 0
		 * and 3), 100 failed in a batch that ended its run on -ENOMEM (round 1), or
		 * 1,000 failed, 500 of them so (round 2); and the simulator migrated 100
		 * pages before, without failing any.
		 */
		if (round == 2)
			mf_sim_learn_migration(s, SIM_MSRC_SYNC, 0, 1000);
		else if (round == 4)
			mf_sim_learn_migration(s, SIM_MSRC_ASYNC, 1000, 0);
		else
			mf_sim_learn_migration(s, SIM_MSRC_SYNC, 1000, round == 1 ? 100 : 0);
		if (enomem)
			mf_sim_learn_enomem(s, SIM_MSRC_SYNC, round == 1 ? 100 : 500);
		s->sim_tried[SIM_MSRC_SYNC] = 100;
		sim_direct_compact(s, &ac, PRIO_SYNC_FULL, &r);
		if (enomem) {
			CU_ASSERT_EQUAL(r, CP_CONTENDED);
			CU_ASSERT_EQUAL(s->dirty_enomem, 1);
			CU_ASSERT_EQUAL(s->dirty_enomem_clean, 0);
			CU_ASSERT_EQUAL(s->sim_enomem[SIM_MSRC_SYNC], 2);
			CU_ASSERT_EQUAL(s->stats.cp.end_status[CP_CONTENDED], 1);
			CU_ASSERT_EQUAL(sim_owner_frame(s, T(128), 1), 128);
		} else {
			CU_ASSERT_NOT_EQUAL(r, CP_CONTENDED);
			CU_ASSERT_EQUAL(s->dirty_enomem, 0);
			CU_ASSERT_EQUAL(s->dirty_enomem_clean, round >= 3 ? 1 : 0);
			CU_ASSERT_EQUAL(sim_owner_frame(s, T(128), 1), MF_PFN_NONE);
		}
		sim_check(s);
		mf_sim_free_all(s);
	}
}

/*
 * Direct async runs of the trace that ended contended after failed pages (-ENOMEM on a
 * large folio, mf_sim_learn_async_end()): drawn as contention while the trace shows no
 * written page cache, left to the migrations once it does (sim_migrate_pages() ends
 * such runs itself), so that they are not counted twice.
 */
static void test_learn_enomem(void)
{
	struct mf_sim *s = checkerboard(true);
	struct cc cc;
	int i;

	for (i = 0; i < 10; i++)
		mf_sim_learn_async_end(s, true, true, false, 1);
	mf_sim_learn_async_end(s, false, true, false, 1);
	CU_ASSERT_EQUAL(s->learn.async_runs, 11);
	CU_ASSERT_EQUAL(s->learn.async_enomem, 10);
	CU_ASSERT_EQUAL(s->learn.async_contended, 0);
	sim_cc_init(&cc, s, &s->z[0], 4, MF_MT_MOVABLE, MIGRATE_ASYNC);
	cc.direct = true;
	for (i = 0; i < 20 && cc.contend_after < 0; i++)
		sim_draw_contention(&cc);
	CU_ASSERT(cc.contend_after >= 0);
	s->file_seen = true;
	for (i = 0; i < 20; i++) {
		sim_draw_contention(&cc);
		CU_ASSERT_EQUAL(cc.contend_after, -1);
	}
	mf_sim_free_all(s);
}

/*
 * Async contention per batch (sim_draw_contention()): the trace's direct async runs, a
 * success after 3 batches (the last captured: 2 exposed), one contended after 2 with no
 * failed page, one that completed after 4, give 1 contention in 8 exposed batches.  A
 * run draws the batch after which it ends, never before its first, about 8 on average.
 * Learned from a run contended after its only batch, a direct async compaction of the
 * checkerboard for order 4 stops after pageblock 0's 8 pages: contended, though they
 * merged into the block it asked for (__compact_finished(): cc->contended wins).
 */
static void test_async_contention_per_batch(void)
{
	struct mf_sim *s = checkerboard(true);
	struct alloc_ctx ac = ctx(4, MF_MT_MOVABLE, GFP_MOVABLE_REQ);
	uint64_t sum = 0, drawn = 0;
	enum cp_result r;
	struct cc cc;
	int i;

	mf_sim_learn_async_end(s, false, false, true, 3);
	mf_sim_learn_async_end(s, true, false, false, 2);
	mf_sim_learn_async_end(s, false, false, false, 4);
	CU_ASSERT_EQUAL(s->learn.async_exposed, 8);
	CU_ASSERT_EQUAL(s->learn.async_contended, 1);
	sim_cc_init(&cc, s, &s->z[0], 9, MF_MT_MOVABLE, MIGRATE_ASYNC);
	cc.direct = true;
	for (i = 0; i < 4000; i++) {
		sim_draw_contention(&cc);
		if (cc.contend_after < 0)
			continue;
		CU_ASSERT(cc.contend_after >= 1);
		sum += (uint64_t)cc.contend_after;
		drawn++;
	}
	CU_ASSERT(drawn > 3900);
	CU_ASSERT(sum > 7 * drawn && sum < 9 * drawn);
	cc.mode = MIGRATE_SYNC_LIGHT;
	sim_draw_contention(&cc);
	CU_ASSERT_EQUAL(cc.contend_after, -1);
	mf_sim_free_all(s);

	s = checkerboard(true);
	mf_sim_learn_async_end(s, true, false, false, 1);
	sim_cc_init(&cc, s, &s->z[0], 4, MF_MT_MOVABLE, MIGRATE_ASYNC);
	cc.direct = true;
	cc.alloc_flags = ac.alloc_flags;
	r = sim_compact_zone(&cc, NULL);
	CU_ASSERT_EQUAL(r, CP_CONTENDED);
	CU_ASSERT_EQUAL(s->stats.cp.migrated, 8);
	CU_ASSERT_EQUAL(s->stats.cp.end_status_direct[MF_CP_STATUS_CONTENDED], 1);
	CU_ASSERT_EQUAL(s->injected_contended, 1);
	sim_check(s);
	mf_sim_free_all(s);
}

/*
 * kcompactd's runs that ended on -ENOMEM (mf_sim_learn_bg_end()): one of two that
 * migrated, after 4 batches.  A background run draws the end at that rate, after 1 to 7
 * batches, while the trace shows no written page cache; a direct one never draws it, and
 * once the page cache is modelled none is drawn.  At a rate of one, a manual compaction
 * of the checkerboard stops contended after its first batch.
 */
static void test_learn_bg_enomem(void)
{
	struct mf_sim *s = checkerboard(true);
	int i, drawn = 0;
	struct cc cc;

	mf_sim_learn_bg_end(s, false, 9);
	mf_sim_learn_bg_end(s, true, 4);
	CU_ASSERT_EQUAL(s->learn.bg_runs, 2);
	CU_ASSERT_EQUAL(s->learn.bg_enomem, 1);
	CU_ASSERT_EQUAL(s->learn.bg_enomem_batches, 4);
	sim_cc_init(&cc, s, &s->z[0], -1, MF_MT_UNMOVABLE, MIGRATE_SYNC_LIGHT);
	for (i = 0; i < 200; i++) {
		sim_draw_contention(&cc);
		if (cc.contend_after < 0)
			continue;
		drawn++;
		CU_ASSERT(cc.contend_after >= 1 && cc.contend_after <= 7);
	}
	CU_ASSERT(drawn > 60 && drawn < 140);
	cc.direct = true;
	for (i = 0; i < 20; i++) {
		sim_draw_contention(&cc);
		CU_ASSERT_EQUAL(cc.contend_after, -1);
	}
	mf_sim_free_all(s);

	s = checkerboard(true);
	mf_sim_learn_bg_end(s, true, 1);
	sim_compact_manual(s, &s->z[0]);
	CU_ASSERT_EQUAL(s->injected_bg_enomem, 1);
	CU_ASSERT_EQUAL(s->stats.cp.end_status[MF_CP_STATUS_CONTENDED], 1);
	CU_ASSERT(s->stats.cp.migrated > 0 && s->stats.cp.migrated <= 32);
	sim_check(s);
	mf_sim_free_all(s);

	s = checkerboard(true);
	s->file_seen = true;
	mf_sim_learn_bg_end(s, true, 1);
	sim_compact_manual(s, &s->z[0]);
	CU_ASSERT_EQUAL(s->injected_bg_enomem, 0);
	CU_ASSERT_EQUAL(s->stats.cp.end_status[MF_CP_STATUS_CONTENDED], 0);
	mf_sim_free_all(s);
}

/*
 * mf_sim_seed_free_types() re-types partly free Movable pageblocks only for the free
 * blocks pagetypeinfo lists that the non-movable lists lack: pageblock 6 is Unmovable
 * with its 8 odd pfns free on the Unmovable list, so pagetypeinfo's 8 order-0 Unmovable
 * blocks are there already and nothing moves; 16 take one Movable pageblock of the
 * checkerboard (8 free pages) and no more.
 */
static void test_seed_free_types(void)
{
	uint64_t free_mt[MF_MAX_ORDERS][MF_MAX_MT], blocks[MF_MAX_MT];
	int want;

	for (want = 8; want <= 16; want += 8) {
		struct mf_sim *s = sim_tiny(NULL, false);
		uint64_t p;

		board_frame(s);
		for (p = Z_START; p < Z_END - PB; p += 2)
			sim_used(s, p, 0, p < 224);
		for (p = Z_END - PB; p < Z_END; p++)
			sim_used(s, p, 0, false);
		mf_sim_start(s, 0);
		for (p = Z_START + 1; p < Z_END - PB; p += 2)
			sim_add_free(s, &s->z[0], p, 0, p < 224 ? MF_MT_MOVABLE : MF_MT_UNMOVABLE,
				     true);
		CU_ASSERT_EQUAL(s->z[0].nr_free_mt[0][MF_MT_UNMOVABLE], 8);
		memset(free_mt, 0, sizeof(free_mt));
		free_mt[0][MF_MT_UNMOVABLE] = (uint64_t)want;
		free_mt[0][MF_MT_MOVABLE] = 56 - (uint64_t)want;
		mf_sim_seed_free_types(s, 0, free_mt);
		mf_sim_zone_pageblocks_mt(s, 0, blocks);
		CU_ASSERT_EQUAL(blocks[MF_MT_UNMOVABLE], want == 8 ? 2 : 3);
		CU_ASSERT_EQUAL(s->z[0].nr_free_mt[0][MF_MT_UNMOVABLE], (uint64_t)want);
		sim_check(s);
		mf_sim_free_all(s);
	}
}

/*
 * A manual compaction (a background source) after the trace showed direct async
 * compaction migrating 100000 pages without a failure and kcompactd failing 1000 of 1000:
 * the background run fails on async's pinned pageblocks (none), not at its own share, so
 * no page fails for a pinned pageblock (some may still find no free target).
 */
static void test_compaction_background_pins(void)
{
	struct mf_sim *s = checkerboard(true);

	mf_sim_learn_migration(s, SIM_MSRC_ASYNC, 100000, 0);
	mf_sim_learn_migration(s, SIM_MSRC_BACKGROUND, 0, 1000);
	sim_compact_manual(s, &s->z[0]);
	CU_ASSERT(s->sim_tried[SIM_MSRC_BACKGROUND] > 0);
	CU_ASSERT(s->stats.cp.migrated > 0);
	CU_ASSERT_EQUAL(s->sim_failed[SIM_MSRC_BACKGROUND], 0);
	CU_ASSERT_EQUAL(s->injected_fail, 0);
	sim_check(s);
	mf_sim_free_all(s);
}

/* a capture's settings: what the config leaves to the traced kernel, and only that */
static int settings(void *priv, const char *key, char *val, size_t len)
{
	static const char *const kv[][2] = {
		{ "extfrag_threshold", "700" }, { "compaction_proactiveness", "0" },
		{ "watermark_scale_factor", "30" }, { "min_free_kbytes", "4096" },
		{ "defrag_mode", "1" }, { "thp_defrag", "defer+madvise" }, { "thp_enabled", "never" },
		{ "nr_hugepages", "12" },
	};
	size_t i;

	(void)priv;
	for (i = 0; i < ARRAY_SIZE(kv); i++)
		if (!strcmp(kv[i][0], key)) {
			snprintf(val, len, "%s", kv[i][1]);
			return 0;
		}
	return -1;
}

static int bad_setting(void *priv, const char *key, char *val, size_t len)
{
	(void)priv;
	snprintf(val, len, "%s", strcmp(key, "thp_enabled") ? "5" : "sometimes");
	return 0;
}

/*
 * kcompactd's proactive check on the checkerboard (all free memory in order-0 pages,
 * the node's score 100, above compaction_proactiveness=20's high mark of 90).  Without
 * kcompactd's sleep events in the trace, the simulator's timer runs from the start.  A
 * trace that records them and shows none in the first 500 ms had the kernel's kcompactd
 * in a longer wait: no check until the trace's first sleep, which ends that wait with a
 * check, unless the trace woke kcompactd for work before it (then the check is 500 ms
 * after).  A config that changes compaction_proactiveness woke kcompactd by writing it.
 */
static void test_kcompactd_traced_wait(void)
{
	const uint64_t ms = 1000000;
	int round;

	for (round = 0; round < 4; round++) {
		struct mf_sim *s = checkerboard_cfg("max_order=5,pageblock_order=4,"
						    "min_free_kbytes=0,watermark_boost_factor=0",
						    true);
		char lines[12][MF_SIM_LIMIT_LEN];
		uint64_t rounds;
		int i, n, said = 0;

		if (round == 3)
			s->c.traced.compaction_proactiveness = 10;
		if (round)
			mf_sim_traced_events(s, 1ULL << MF_EV_CP_KCOMPACTD_SLEEP);
		mf_sim_tick(s, 600 * ms);
		rounds = s->stats.cp.proactive_rounds;
		CU_ASSERT_EQUAL(rounds, round == 0 || round == 3);
		if (round == 1 || round == 2) {
			mf_sim_tick(s, 2000 * ms);
			CU_ASSERT_EQUAL(s->stats.cp.proactive_rounds, 0);
			if (round == 2)
				mf_sim_kcompactd_woken(s, 0);
			mf_sim_kcompactd_tick(s, 2500 * ms, 0);
			CU_ASSERT_EQUAL(s->stats.cp.proactive_rounds, round == 1);
			mf_sim_tick(s, 2900 * ms);
			CU_ASSERT_EQUAL(s->stats.cp.proactive_rounds, round == 1);
			mf_sim_tick(s, 3100 * ms);
			CU_ASSERT_EQUAL(s->stats.cp.proactive_rounds, 1);
		}
		/* the result says where the wait came from the trace */
		n = mf_sim_limits(s, lines, 12);
		for (i = 0; i < n; i++)
			said += !strncmp(lines[i], "kcompactd: the trace shows no kcompactd sleep", 45);
		CU_ASSERT_EQUAL(said, round == 1 || round == 2);
		sim_check(s);
		mf_sim_free_all(s);
	}
}

static void test_config_traced(void)
{
	struct mf_sim_config c;
	char err[160];

	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL(c.traced.min_free_kbytes, -1);
	CU_ASSERT_EQUAL_FATAL(mf_sim_config_parse(&c, "extfrag_threshold=1000,thp_defrag=never",
						  err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(mf_sim_config_traced(&c, settings, NULL, err, sizeof(err)), 8);
	CU_ASSERT_EQUAL(c.traced.nr_settings, 8);
	/* given: the config's */
	CU_ASSERT_EQUAL(c.extfrag_threshold, 1000);
	CU_ASSERT_EQUAL(c.thp_defrag, MF_THP_DEFRAG_NEVER);
	/* a kernel default the capture overrides */
	CU_ASSERT_EQUAL(c.compaction_proactiveness, 0);
	CU_ASSERT_EQUAL(c.defrag_mode, 1);
	/* not in the capture: the kernel default */
	CU_ASSERT_EQUAL(c.watermark_boost_factor, 15000);
	CU_ASSERT_EQUAL(c.percpu_pagelist_high_fraction, 0);
	/* the traced kernel's own: kept, the value noted for the model */
	CU_ASSERT_EQUAL(c.watermark_scale_factor, MF_SIM_KEEP);
	CU_ASSERT_EQUAL(c.min_free_kbytes, MF_SIM_KEEP);
	CU_ASSERT_EQUAL(c.thp_enabled, MF_SIM_KEEP);
	CU_ASSERT_EQUAL(c.nr_hugepages, MF_SIM_KEEP);
	CU_ASSERT_EQUAL(c.traced.watermark_scale_factor, 30);
	CU_ASSERT_EQUAL(c.traced.min_free_kbytes, 4096);
	CU_ASSERT_EQUAL(c.traced.thp_enabled, MF_THP_NEVER);
	CU_ASSERT_EQUAL(c.traced.thp_defrag, MF_THP_DEFRAG_DEFER_MADVISE);
	CU_ASSERT_EQUAL(c.traced.nr_hugepages, 12);
	CU_ASSERT_EQUAL(c.traced.compaction_proactiveness, 0);

	mf_sim_config_default(&c);
	CU_ASSERT_EQUAL(mf_sim_config_traced(&c, bad_setting, NULL, err, sizeof(err)), -1);
	/* the first in table order that cannot take "5" */
	CU_ASSERT_STRING_EQUAL(err, "the start capture's defrag_mode: '5' is not on or off");
	CU_ASSERT_EQUAL(mf_sim_config_parse(&c, "thp_enabled=sometimes", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "thp_enabled: 'sometimes' is not one of always|madvise|never");
	CU_ASSERT_EQUAL(mf_sim_config_parse(&c, "percpu_pagelist_high_fraction=7", err,
					    sizeof(err)), -1);
	CU_ASSERT_EQUAL(mf_sim_config_parse(&c, "percpu_pagelist_high_fraction=8", err,
					    sizeof(err)), 0);
}

void test_sim_register(void)
{
	CU_pSuite s = CU_add_suite("sim", NULL, NULL);

	CU_add_test(s, "sync-light compaction frees and captures an aligned block",
		    test_compaction_success);
	CU_add_test(s, "unmovable pages: scanners meet, COMPLETE, deferred", test_compaction_blocked);
	CU_add_test(s, "defer sequence reaches defer_shift 6", test_compaction_defer);
	CU_add_test(s, "pageblocks without a page are not counted", test_pageblocks_absent_sim);
	CU_add_test(s, "the scanners pass pageblocks without a page", test_scanners_pass_absent);
	CU_add_test(s, "the trace's first compaction begin sets the cached positions",
		    test_traced_begin);
	CU_add_test(s, "a first begin whose scanners met marks no block skipped",
		    test_traced_begin_met);
	CU_add_test(s, "the kernel's migrate scanner isolating in a block clears the guessed skip bit",
		    test_traced_migrate_scan);
	CU_add_test(s, "the blocks the kernel's migrate scanner passed over were skipped at the start",
		    test_traced_passed);
	CU_add_test(s, "the trace's first deferral event sets the deferral state",
		    test_traced_defer);
	CU_add_test(s, "async compaction skips an order block on failure",
		    test_compaction_async_skip_on_failure);
	CU_add_test(s, "slow path: the kernel's reclaim rounds, up to sync-full",
		    test_slowpath_reclaim_rounds);
	CU_add_test(s, "__rmqueue_smallest split and merge on free", test_alloc_split_and_merge);
	CU_add_test(s, "claim of a whole fallback block re-types it", test_alloc_claim);
	CU_add_test(s, "workload: the kernel's migrations are not frees", test_workload_migration);
	CU_add_test(s, "workload: manual compaction, kcompactd, lost run ends",
		    test_workload_classify);
	CU_add_test(s, "workload: kswapd's kcompactd wake marks its nap, another task's does not",
		    test_workload_kswapd_nap);
	CU_add_test(s, "workload: a run whose scanners met passed the blocks after its last isolation",
		    test_workload_passed_end);
	CU_add_test(s, "workload: the kernel's free lists bound fast_find_migrateblock()'s jump",
		    test_workload_passed_jump);
	CU_add_test(s, "zoneinfo's watermarks include the boost", test_wmark_boost);
	test_sim_owner_add(s);
	CU_add_test(s, "kernelcore= and movablecore= lay out ZONE_MOVABLE", test_kernelcore);
	CU_add_test(s, "kswapd reclaims to the high watermark and for a boost", test_kswapd_reclaim);
	CU_add_test(s, "kswapd reclaims a boost in about a millisecond", test_kswapd_boost_rate);
	CU_add_test(s, "kswapd checks the watermarks between its reclaim rounds", test_kswapd_rounds);
	CU_add_test(s, "kswapd gives a node up after 16 passes with nothing to reclaim", test_kswapd_pool_dry);
	CU_add_test(s, "boost reclaim takes the start's LRU pages, then gives up",
		    test_kswapd_boost_start_pages);
	CU_add_test(s, "under the traced settings the trace's kswapd frees are the reclaim",
		    test_kswapd_reclaim_as_traced);
	CU_add_test(s, "kswapd as traced ends a balanced pass at the traced nap",
		    test_kswapd_balanced_ends_at_nap);
	CU_add_test(s, "a boost of ours while the traced kswapd sleeps is given up at once",
		    test_kswapd_boost_given_up);
	CU_add_test(s, "a node hopeless at the start keeps kswapd asleep until reclaim progress",
		    test_kswapd_hopeless);
	CU_add_test(s, "kswapd reclaims file pages, the trace's insertions after the start's",
		    test_reclaim_pool);
	CU_add_test(s, "compaction fails pages at the trace's learned rate",
		    test_compaction_learned_failures);
	CU_add_test(s, "compaction: a pinned pageblock fails every folio tried in it",
		    test_compaction_pinned_blocks);
	CU_add_test(s, "compaction: page cache the trace wrote does not migrate until written back",
		    test_compaction_dirty_page_cache);
	CU_add_test(s, "a written large folio without a target ends the run contended, unsplit",
		    test_compaction_dirty_folio_enomem);
	CU_add_test(s, "the trace's -ENOMEM runs are no contention once its page cache is modelled",
		    test_learn_enomem);
	CU_add_test(s, "a pageblock being finished is isolated whole, past COMPACT_CLUSTER_MAX",
		    test_compaction_finish_pageblock_whole);
	CU_add_test(s, "async contention is the trace's per batch, after a batch at the earliest",
		    test_async_contention_per_batch);
	CU_add_test(s, "kcompactd's -ENOMEM runs are drawn at the trace's rate while its page cache is not",
		    test_learn_bg_enomem);
	CU_add_test(s, "the start's non-movable free blocks: only what the seeded lists lack is re-typed",
		    test_seed_free_types);
	CU_add_test(s, "the flusher: background threshold in pages above the reserve, reclaim's writeback",
		    test_dirty_writeback);
	CU_add_test(s, "direct reclaim of our own where the trace shows none, for served requests",
		    test_direct_reclaim_own);
	CU_add_test(s, "compaction: kcompactd fails on async's pinned pageblocks",
		    test_compaction_background_pins);
	CU_add_test(s, "kcompactd: a wait begun before the trace ends at its first sleep",
		    test_kcompactd_traced_wait);
	CU_add_test(s, "config: the start capture's settings are the default",
		    test_config_traced);
	CU_add_test(s, "config parsing", test_config_parse);
	CU_add_test(s, "knob table: defaults, ranges, names", test_knob_table);
	CU_add_test(s, "knob table: what --help says of a knob", test_knob_describe);
	CU_add_test(s, "config: every good value", test_knob_good_values);
	CU_add_test(s, "config: each kind of bad value", test_knob_bad_values);
	CU_add_test(s, "config: one past each end of each range", test_knob_ranges);
	CU_add_test(s, "config: a key given twice", test_knob_repeated);
}
