// SPDX-License-Identifier: GPL-2.0
/*
 * The observer (src/model/observe.c) on hand-built event sequences.  Each case writes the
 * events it feeds and, beside them, what __alloc_pages_direct_compact() would have
 * counted in /proc/vmstat (compact_stall, compact_success, compact_fail), then checks
 * the observer agrees.
 */
#include <stdbool.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "mmfrag/observe.h"
#include "unit.h"

#define PBO		9			/* pageblock_order */
#define GFP_USER_MOV	0x140cca	/* GFP_HIGHUSER_MOVABLE | __GFP_COMP, as traced */
#define GFP_IO_FS	0xc0		/* __GFP_IO | __GFP_FS */

/* enum compact_result values (mf_cp_status_names[]) */
enum { ST_SKIPPED = 1, ST_COMPLETE = 5, ST_CONTENDED = 7, ST_SUCCESS = 8 };

static struct mf_event ev_of(int type, int pid)
{
	struct mf_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.pid = pid;
	return ev;
}

/* mm_compaction_try_to_compact_pages */
static void try_compact(struct mf_observer *o, int pid, int order, uint64_t gfp, int prio)
{
	struct mf_event ev = ev_of(MF_EV_CP_TRY, pid);

	ev.cp_try.order = order;
	ev.cp_try.gfp = gfp;
	ev.cp_try.prio = prio;
	mf_observer_apply(o, &ev);
}

/* mm_compaction_end of one zone's run */
static void cp_end(struct mf_observer *o, int pid, int status)
{
	struct mf_event ev = ev_of(MF_EV_CP_END, pid);

	ev.cp_end.zone_start = 0x100000;
	ev.cp_end.zone_end = 0x600000;
	ev.cp_end.status = status;
	mf_observer_apply(o, &ev);
}

/* mm_compaction_defer_reset: (0, 0) after compaction_defer_reset(zone, order, true) */
static void defer_reset(struct mf_observer *o, int pid, int order, unsigned int considered,
			unsigned int defer_shift)
{
	struct mf_event ev = ev_of(MF_EV_CP_DEFER_RESET, pid);

	ev.defer.order = order;
	ev.defer.considered = considered;
	ev.defer.defer_shift = defer_shift;
	ev.defer.order_failed = order + 1;
	mf_observer_apply(o, &ev);
}

/* mm_page_alloc: a page (ok) or a failure (pfn MF_PFN_NONE) */
static void page_alloc(struct mf_observer *o, int pid, int order, uint64_t gfp, bool ok)
{
	struct mf_event ev = ev_of(MF_EV_PAGE_ALLOC, pid);

	ev.alloc.pfn = ok ? 0x200000 : MF_PFN_NONE;
	ev.alloc.order = order;
	ev.alloc.mt = MF_MT_MOVABLE;
	ev.alloc.gfp = gfp;
	mf_observer_apply(o, &ev);
}

static void simple(struct mf_observer *o, int type, int pid)
{
	struct mf_event ev = ev_of(type, pid);

	mf_observer_apply(o, &ev);
}

static void expect_outcome(const struct mf_cp_outcome *c, uint64_t stall, uint64_t success,
			   uint64_t fail)
{
	CU_ASSERT_EQUAL(c->stall, stall);
	CU_ASSERT_EQUAL(c->success, success);
	CU_ASSERT_EQUAL(c->fail, fail);
}

/*
 * Compaction ran and the allocation after it failed:
 *   pid 10: try(order 4, sync_light)  end(complete)  alloc(order 4, no page)
 * The run is a stall; no defer_reset means no success: stall 1, success 0, fail 1.
 */
static void test_direct_fail(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	try_compact(o, 10, 4, GFP_USER_MOV, 1);
	cp_end(o, 10, ST_COMPLETE);
	page_alloc(o, 10, 4, GFP_USER_MOV, false);
	mf_observer_finish(o);
	r = mf_observer_result(o);
	CU_ASSERT_EQUAL(r->direct_attempts, 1);
	expect_outcome(&r->direct, 1, 0, 1);
	expect_outcome(&r->direct_by_order[4], 1, 0, 1);
	expect_outcome(&r->direct_by_prio[1], 1, 0, 1);
	CU_ASSERT_EQUAL(r->runs_direct, 1);
	CU_ASSERT_EQUAL(r->end_status_direct[ST_COMPLETE], 1);
	CU_ASSERT_EQUAL(r->alloc_fail[4], 1);
	CU_ASSERT_EQUAL(r->direct_unresolved, 0);
	mf_observer_free(o);
}

/*
 * Compaction ran and the allocation right after it succeeded:
 *   pid 10: try(order 3)  end(success)  defer_reset(0, 0)  defer_reset(0, 0)  alloc(page)
 * COMPACT_SUCCESS makes the zone loop reset (counters zero already), the page the
 * allocation's reset: stall 1, success 1.  The allocation reports the caller's gfp with
 * __GFP_IO|__GFP_FS, which a noio scope had taken from the slow path's: still the same
 * request.  A zeroed reset after a run that ended in any other way is the allocation's:
 *   pid 11: try(order 3)  end(complete)  defer_reset(0, 0)  alloc(page)
 * (a page freed meanwhile; stall 1, success 1).  One after "success" alone is the loop's,
 * the freelist failed and the page came from the slow path's retry:
 *   pid 12: try(order 3)  end(success)  defer_reset(0, 0)  alloc(page)
 * and so is one without a run or a deferred zone (the watermark was met already):
 *   pid 13: try(order 8)  defer_reset(0, 0)  alloc(page)
 * (defrag_mode_1-r16 of the what-if recordings: vmstat counted both fails).
 */
static void test_direct_success(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	try_compact(o, 10, 3, GFP_USER_MOV & ~GFP_IO_FS, 2);
	cp_end(o, 10, ST_SUCCESS);
	defer_reset(o, 10, 3, 0, 0);
	defer_reset(o, 10, 3, 0, 0);
	page_alloc(o, 10, 3, GFP_USER_MOV, true);
	r = mf_observer_result(o);
	expect_outcome(&r->direct, 1, 1, 0);
	expect_outcome(&r->direct_by_order[3], 1, 1, 0);
	expect_outcome(&r->direct_by_prio[2], 1, 1, 0);
	CU_ASSERT_EQUAL(r->defer_reset, 2);
	try_compact(o, 11, 3, GFP_USER_MOV, 2);
	cp_end(o, 11, ST_COMPLETE);
	defer_reset(o, 11, 3, 0, 0);
	page_alloc(o, 11, 3, GFP_USER_MOV, true);
	expect_outcome(&r->direct, 2, 2, 0);
	try_compact(o, 12, 3, GFP_USER_MOV, 2);
	cp_end(o, 12, ST_SUCCESS);
	defer_reset(o, 12, 3, 0, 0);
	page_alloc(o, 12, 3, GFP_USER_MOV, true);
	expect_outcome(&r->direct, 3, 2, 1);
	try_compact(o, 13, 8, GFP_USER_MOV, 2);
	defer_reset(o, 13, 8, 0, 0);
	page_alloc(o, 13, 8, GFP_USER_MOV, true);
	expect_outcome(&r->direct, 4, 2, 2);
	mf_observer_free(o);
}

/*
 * A captured page: compact_zone() ends with "contended" (the event is written before
 * compact_zone_order() turns the capture into COMPACT_SUCCESS), the zone loop resets
 * deferral with alloc_success false (counters not yet zero), and the allocation resets
 * it again with true:
 *   pid 10: try(order 9)  end(contended)  defer_reset(2, 1)  defer_reset(0, 0)  alloc(page)
 * Two resets mean success: stall 1, success 1, fail 0 (a fail by status alone).
 */
static void test_captured_contended(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	try_compact(o, 10, 9, GFP_USER_MOV, 1);
	cp_end(o, 10, ST_CONTENDED);
	defer_reset(o, 10, 9, 2, 1);
	defer_reset(o, 10, 9, 0, 0);
	page_alloc(o, 10, 9, GFP_USER_MOV, true);
	r = mf_observer_result(o);
	expect_outcome(&r->direct, 1, 1, 0);
	CU_ASSERT_EQUAL(r->end_status_direct[ST_CONTENDED], 1);
	CU_ASSERT_EQUAL(r->defer_reset, 2);
	mf_observer_free(o);
}

/*
 * Only the zone loop's reset (non-zero counters), then a page: the allocation right after
 * compaction failed (it would have reset again) and the page came later in the slow path.
 *   pid 10: try(order 4)  defer_reset(3, 1)  alloc(page)
 * stall 1, success 0, fail 1.
 */
static void test_inloop_reset_is_fail(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	try_compact(o, 10, 4, GFP_USER_MOV, 1);
	defer_reset(o, 10, 4, 3, 1);
	page_alloc(o, 10, 4, GFP_USER_MOV, true);
	r = mf_observer_result(o);
	expect_outcome(&r->direct, 1, 0, 1);
	CU_ASSERT_EQUAL(r->alloc[4][MF_MT_MOVABLE], 1);
	mf_observer_free(o);
}

/* mm_vmscan_wakeup_kswapd from the task (gfp 0: the wake after a watermark boost) */
static void wakeup_kswapd(struct mf_observer *o, int pid, uint64_t gfp)
{
	struct mf_event ev = ev_of(MF_EV_WAKEUP_KSWAPD, pid);

	ev.kswapd.order = 9;
	ev.kswapd.zid = -1;
	ev.kswapd.gfp = gfp;
	mf_observer_apply(o, &ev);
}

/*
 * One zone deferred, another already at its watermark: compaction ends at once with a
 * reset of counters that were zero (after a deferred zone it could be the allocation's);
 * the freelist still fails, the slow path retries (and wakes kswapd with the request's
 * gfp again), and the retry gets the page:
 *   pid 10: try(order 8)  deferred  defer_reset(0, 0)  wakeup_kswapd(gfp)  alloc(page)
 * stall 1, success 0, fail 1 (defrag_mode_1-r12 of the what-if recordings, where the
 * wake shows; in r16 kswapd was awake).  A boost's wake (no gfp) inside a successful
 * attempt, in the allocation that compaction made possible:
 *   pid 11: try(order 9)  end(success)  defer_reset(0, 0)  wakeup_kswapd(0)
 *           defer_reset(0, 0)  alloc(page)
 * stall 1, success 1.
 */
static void test_retry_wake_is_fail(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	try_compact(o, 10, 8, GFP_USER_MOV, 2);
	simple(o, MF_EV_CP_DEFERRED, 10);
	defer_reset(o, 10, 8, 0, 0);
	wakeup_kswapd(o, 10, GFP_USER_MOV);
	page_alloc(o, 10, 8, GFP_USER_MOV, true);
	try_compact(o, 11, 9, GFP_USER_MOV, 2);
	cp_end(o, 11, ST_SUCCESS);
	defer_reset(o, 11, 9, 0, 0);
	wakeup_kswapd(o, 11, 0);
	defer_reset(o, 11, 9, 0, 0);
	page_alloc(o, 11, 9, GFP_USER_MOV, true);
	mf_observer_finish(o);
	r = mf_observer_result(o);
	expect_outcome(&r->direct_by_order[8], 1, 0, 1);
	expect_outcome(&r->direct_by_order[9], 1, 1, 0);
	CU_ASSERT_EQUAL(r->wakeup_kswapd, 2);
	CU_ASSERT_EQUAL(r->direct_unresolved, 0);
	mf_observer_free(o);
}

/*
 * Deferred zones are a stall without a run; skipped zones are none.  Two tasks interleave,
 * an interrupt's allocation of another order in the middle does not end pid 20's attempt:
 *   pid 20: try(order 2)                 pid 30: try(order 5)
 *   pid 20: deferred                     pid 30: suitable(skipped)
 *   pid 20: alloc(order 0, page)  (an interrupt's: ignored)
 *   pid 20: direct reclaim begins  -> pid 20 fails: stall 1, fail 1
 *   pid 30: alloc(order 5, no page) -> pid 30 skipped: no stall
 * Totals: attempts 2, stall 1, success 0, fail 1, skipped 1.
 */
static void test_deferred_and_skipped(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;
	struct mf_event ev;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	try_compact(o, 20, 2, GFP_USER_MOV, 2);
	try_compact(o, 30, 5, GFP_USER_MOV, 2);
	simple(o, MF_EV_CP_DEFERRED, 20);
	ev = ev_of(MF_EV_CP_SUITABLE, 30);
	ev.cp_ret.order = 5;
	ev.cp_ret.ret = ST_SKIPPED;
	mf_observer_apply(o, &ev);
	page_alloc(o, 20, 0, 0xcc0, true);
	simple(o, MF_EV_DIRECT_RECLAIM_BEGIN, 20);
	page_alloc(o, 30, 5, GFP_USER_MOV, false);
	r = mf_observer_result(o);
	CU_ASSERT_EQUAL(r->direct_attempts, 2);
	expect_outcome(&r->direct, 1, 0, 1);
	expect_outcome(&r->direct_by_order[2], 1, 0, 1);
	expect_outcome(&r->direct_by_order[5], 0, 0, 0);
	CU_ASSERT_EQUAL(r->direct_skipped, 1);
	CU_ASSERT_EQUAL(r->deferred, 1);
	CU_ASSERT_EQUAL(r->suitable[ST_SKIPPED], 1);
	CU_ASSERT_EQUAL(r->direct_reclaim, 1);
	mf_observer_free(o);
}

/*
 * An attempt whose outcome the trace never shows is neither stall nor fail:
 *   pid 40: try(order 4)  end(complete)  <trace ends>
 * After mf_observer_finish(): unresolved 1, stall 0.  A second try by the same task
 * closes the first as a fail (its allocation was lost):
 *   pid 41: try  end(complete)  try  -> the first attempt: stall 1, fail 1
 */
static void test_unresolved(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	try_compact(o, 40, 4, GFP_USER_MOV, 1);
	cp_end(o, 40, ST_COMPLETE);
	try_compact(o, 41, 4, GFP_USER_MOV, 1);
	cp_end(o, 41, ST_COMPLETE);
	try_compact(o, 41, 4, GFP_USER_MOV, 0);
	mf_observer_finish(o);
	r = mf_observer_result(o);
	CU_ASSERT_EQUAL(r->direct_attempts, 3);
	expect_outcome(&r->direct, 1, 0, 1);
	CU_ASSERT_EQUAL(r->direct_unresolved, 2);	/* pid 40's and pid 41's second */
	mf_observer_free(o);
}

/*
 * Compaction runs by who ran them: pid 50 is kcompactd (it slept and woke); a run after
 * kcompactd_wake is kcompactd's, one while it is not woken is proactive; pid 60 has no
 * attempt and is not kcompactd (compact_memory):
 *   50: sleep  wake  end(complete)  sleep  end(success)      60: end(complete)
 * runs_kcompactd 1, runs_proactive 1, runs_other 1, end_status[complete] 2.
 */
static void test_run_classes(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	simple(o, MF_EV_CP_KCOMPACTD_SLEEP, 50);
	simple(o, MF_EV_CP_KCOMPACTD_WAKE, 50);
	cp_end(o, 50, ST_COMPLETE);
	simple(o, MF_EV_CP_KCOMPACTD_SLEEP, 50);
	cp_end(o, 50, ST_SUCCESS);
	cp_end(o, 60, ST_COMPLETE);
	r = mf_observer_result(o);
	CU_ASSERT_EQUAL(r->runs_kcompactd, 1);
	CU_ASSERT_EQUAL(r->runs_proactive, 1);
	CU_ASSERT_EQUAL(r->runs_other, 1);
	CU_ASSERT_EQUAL(r->runs_direct, 0);
	CU_ASSERT_EQUAL(r->end_status[ST_COMPLETE], 2);
	CU_ASSERT_EQUAL(r->end_status_kcompactd[ST_COMPLETE], 1);
	CU_ASSERT_EQUAL(r->end_status_proactive[ST_SUCCESS], 1);
	CU_ASSERT_EQUAL(r->kcompactd_wake, 1);
	CU_ASSERT_EQUAL(r->kcompactd_sleep, 2);
	expect_outcome(&r->direct, 0, 0, 0);
	mf_observer_free(o);
}

static void extfrag(struct mf_observer *o, int order, int mt, int fb_order, int fb_mt, int claim)
{
	struct mf_event ev = ev_of(MF_EV_EXTFRAG, 1);

	ev.extfrag.pfn = 0x1000;
	ev.extfrag.order = order;
	ev.extfrag.mt = mt;
	ev.extfrag.fallback_order = fb_order;
	ev.extfrag.fallback_mt = fb_mt;
	ev.extfrag.change_ownership = claim;
	mf_observer_apply(o, &ev);
}

/*
 * Fallbacks from mm_page_alloc_extfrag, pageblock_order 9:
 *   order 0 UNMOVABLE from a MOVABLE order-3 block, no claim  -> [U][M][0], fragmenting
 *   order 2 RECLAIMABLE from an UNMOVABLE order-9 block, claim -> [R][U][1], not fragmenting
 *   order 0 UNMOVABLE from a MOVABLE order-10 block, claim     -> [U][M][1], not fragmenting
 *   order 1 MOVABLE, fallback type -1 (an unknown value)        -> no matrix cell, fragmenting
 *                                                               (fallback_order 0 < 9)
 * fallback_fragmenting 2 (fallback_order < pageblock_order, as the extfrag_index
 * tracepoint's "fragmenting" flag), by alloc order: [0] 2, [1] 1, [2] 1.
 */
static void test_fallbacks(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	extfrag(o, 0, MF_MT_UNMOVABLE, 3, MF_MT_MOVABLE, 0);
	extfrag(o, 2, MF_MT_RECLAIMABLE, 9, MF_MT_UNMOVABLE, 1);
	extfrag(o, 0, MF_MT_UNMOVABLE, 10, MF_MT_MOVABLE, 1);
	extfrag(o, 1, MF_MT_MOVABLE, 0, -1, 0);
	r = mf_observer_result(o);
	CU_ASSERT_EQUAL(r->fallback[MF_MT_UNMOVABLE][MF_MT_MOVABLE][0], 1);
	CU_ASSERT_EQUAL(r->fallback[MF_MT_UNMOVABLE][MF_MT_MOVABLE][1], 1);
	CU_ASSERT_EQUAL(r->fallback[MF_MT_RECLAIMABLE][MF_MT_UNMOVABLE][1], 1);
	CU_ASSERT_EQUAL(r->fallback[MF_MT_RECLAIMABLE][MF_MT_UNMOVABLE][0], 0);
	CU_ASSERT_EQUAL(r->fallback_fragmenting, 2);
	CU_ASSERT_EQUAL(r->fallback_by_order[0], 2);
	CU_ASSERT_EQUAL(r->fallback_by_order[1], 1);
	CU_ASSERT_EQUAL(r->fallback_by_order[2], 1);
	mf_observer_free(o);
}

/*
 * Scanner and migration totals add up the events' counts:
 *   isolate_migratepages scanned 32 taken 8; isolate_freepages scanned 64 taken 16;
 *   fast_isolate_freepages scanned 4 taken 4; migratepages migrated 7 failed 1
 */
static void test_scan_totals(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	const struct mf_observed *r;
	struct mf_event ev;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	ev = ev_of(MF_EV_CP_ISOLATE_MIGRATE, 1);
	ev.isolate.nr_scanned = 32;
	ev.isolate.nr_taken = 8;
	mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_ISOLATE_FREE, 1);
	ev.isolate.nr_scanned = 64;
	ev.isolate.nr_taken = 16;
	mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_FAST_ISOLATE_FREE, 1);
	ev.isolate.nr_scanned = 4;
	ev.isolate.nr_taken = 4;
	mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_MIGRATEPAGES, 1);
	ev.migrate.nr_migrated = 7;
	ev.migrate.nr_failed = 1;
	mf_observer_apply(o, &ev);
	r = mf_observer_result(o);
	CU_ASSERT_EQUAL(r->scanned_migrate, 32);
	CU_ASSERT_EQUAL(r->isolated_migrate, 8);
	CU_ASSERT_EQUAL(r->scanned_free, 68);
	CU_ASSERT_EQUAL(r->isolated_free, 20);
	CU_ASSERT_EQUAL(r->migrated, 7);
	CU_ASSERT_EQUAL(r->migrate_failed, 1);
	mf_observer_free(o);
}

/* What the stall callback was told, for test_stall_fn. */
struct stall_log {
	int		n;
	int32_t		pid[4];
	bool		success[4];
	uint64_t	ns[4];
};

static void log_stall(void *priv, int32_t pid, int order, bool success, uint64_t start_ts,
		      uint64_t end_ts)
{
	struct stall_log *l = priv;

	if (l->n < 4) {
		l->pid[l->n] = pid;
		l->success[l->n] = success;
		l->ns[l->n] = end_ts - start_ts;
	}
	l->n++;
}

/*
 * Per-task stalls (mmfrag top): two tasks interleaved, and a skipped attempt.
 *   t=1000 pid 10: try(order 9)              t=1500 pid 20: try(order 4)
 *   t=2000 pid 10: end(complete)             t=2500 pid 20: direct reclaim (no event
 *   t=4000 pid 10: alloc(no page)                           between: skipped, no stall)
 *   t=5000 pid 30: try  t=5200 end(success)  t=5300 reset(0,0)  t=6000 alloc(page)
 * Told: pid 10 fail after 3000 ns, pid 30 success after 1000 ns; nothing for pid 20.
 */
static void test_stall_fn(void)
{
	struct mf_observer *o = mf_observer_new(PBO);
	struct stall_log l = { 0 };
	struct mf_event ev;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	mf_observer_set_stall_fn(o, log_stall, &l);
	ev = ev_of(MF_EV_CP_TRY, 10); ev.ts = 1000; ev.cp_try.order = 9;
	ev.cp_try.gfp = GFP_USER_MOV; mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_TRY, 20); ev.ts = 1500; ev.cp_try.order = 4;
	ev.cp_try.gfp = GFP_USER_MOV; mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_END, 10); ev.ts = 2000; ev.cp_end.status = ST_COMPLETE;
	mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_DIRECT_RECLAIM_BEGIN, 20); ev.ts = 2500; mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_PAGE_ALLOC, 10); ev.ts = 4000; ev.alloc.pfn = MF_PFN_NONE;
	ev.alloc.order = 9; ev.alloc.gfp = GFP_USER_MOV; mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_TRY, 30); ev.ts = 5000; ev.cp_try.order = 3;
	ev.cp_try.gfp = GFP_USER_MOV; mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_END, 30); ev.ts = 5200; ev.cp_end.status = ST_SUCCESS;
	mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_CP_DEFER_RESET, 30); ev.ts = 5300; ev.defer.order = 3;
	mf_observer_apply(o, &ev);
	ev.ts = 5400;			/* the zone loop's reset, then the allocation's */
	mf_observer_apply(o, &ev);
	ev = ev_of(MF_EV_PAGE_ALLOC, 30); ev.ts = 6000; ev.alloc.pfn = 0x200000;
	ev.alloc.order = 3; ev.alloc.mt = MF_MT_MOVABLE; ev.alloc.gfp = GFP_USER_MOV;
	mf_observer_apply(o, &ev);
	mf_observer_finish(o);
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	CU_ASSERT_EQUAL(l.pid[0], 10);
	CU_ASSERT_FALSE(l.success[0]);
	CU_ASSERT_EQUAL(l.ns[0], 3000);
	CU_ASSERT_EQUAL(l.pid[1], 30);
	CU_ASSERT_TRUE(l.success[1]);
	CU_ASSERT_EQUAL(l.ns[1], 1000);
	expect_outcome(&mf_observer_result(o)->direct, 2, 1, 1);
	mf_observer_free(o);
}

void test_observe_register(void)
{
	CU_pSuite s = CU_add_suite("observe", NULL, NULL);

	CU_add_test(s, "direct compaction: run, allocation fails", test_direct_fail);
	CU_add_test(s, "direct compaction: zeroed reset, page", test_direct_success);
	CU_add_test(s, "direct compaction: captured page ends 'contended'", test_captured_contended);
	CU_add_test(s, "direct compaction: in-loop reset only is a fail", test_inloop_reset_is_fail);
	CU_add_test(s, "direct compaction: the retry's kswapd wake is a fail", test_retry_wake_is_fail);
	CU_add_test(s, "direct compaction: deferred, skipped, two tasks", test_deferred_and_skipped);
	CU_add_test(s, "direct compaction: unresolved attempts", test_unresolved);
	CU_add_test(s, "compaction runs: kcompactd, proactive, other", test_run_classes);
	CU_add_test(s, "fallbacks from mm_page_alloc_extfrag", test_fallbacks);
	CU_add_test(s, "scanner and migration totals", test_scan_totals);
	CU_add_test(s, "per-task stalls and their times", test_stall_fn);
}
