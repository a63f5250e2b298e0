// SPDX-License-Identifier: GPL-2.0
/*
 * The trace as a workload: which events are requests of the workload and which are the
 * traced kernel's own doing.  One decoder feeds every simulator of a replay, so the
 * configs see exactly the same requests.
 *
 *   mm_page_alloc		a request (a failed one too: the simulator may do better)
 *   mm_page_free		the workload gives the page back, unless the task is inside a
 *				compaction run: then it is the source of a migration (the page
 *				lives on at a frame the trace never names) or an isolated free
 *				page going back (a frame the workload never held)
 *   zone_locked, pcpu_drain	the frame was free in the kernel: whatever the simulator still
 *				held under that pfn was freed without an event (pages that sat on
 *				per-CPU lists at the start capture, lost events)
 *   mm_compaction_begin	in a task that is neither kcompactd nor a direct compactor:
 *				compact_memory or sysfs compact, which the simulators replay
 *   kcompactd_sleep		kcompactd's loop ticking: when the simulated kcompactd looks;
 *				with kcompactd_wake, the CPU it runs on
 *   kswapd_wake, _sleep	when the kernel's kswapd reclaimed, and on which CPU; its
 *				task's mm_page_free are its reclaim (mf_sim_reclaim_free())
 *   wakeup_kswapd		a request of the kernel's woke kswapd: the simulated kswapd
 *				gets the call too (mf_sim_traced_wakeup())
 *   direct_reclaim_end		the kernel's direct reclaim made progress for the task's next
 *				request: the drain of the per-CPU lists that follows it, and
 *				as many rounds of progress in the simulator's slow path
 */
#include <stdlib.h>
#include <string.h>

#include "mmfrag/sim.h"

#define MAX_TASKS	256
#define MAX_KSWAPD	8
#define PAGE_ALLOC_COSTLY_ORDER	3	/* include/linux/mmzone.h */

struct task {
	int32_t		pid;
	bool		in_run;		/* between mm_compaction_begin and _end */
	bool		direct;		/* try_to_compact_pages seen, allocation not yet */
	int		direct_order;	/* the attempt's order: its mm_page_alloc ends it */
	int		direct_prio;	/* and priority: sync-full ignores skip bits */
	uint64_t	zs, ze;		/* the run's zone */
	uint64_t	mig_next;	/* where its migrate scanner goes on */
	uint64_t	run_free;	/* its free scanner's start: no lower than where it is */
	int		run_order;	/* mm_compaction_finished's; -2 until seen */
	bool		kcompactd;
	int		run_src;	/* the run's migration source (mf_sim_learn_migration()) */
	uint64_t	last_failed;	/* pages the run's last migrate_pages() failed */
	uint64_t	batches;	/* the run's migrate_pages() calls */
	int		reclaim_rounds;	/* direct reclaims with progress since its last request */
	int		reclaim_order;	/* of the reclaim in progress */
	uint64_t	reclaim_gfp;
};

struct mf_workload {
	int		nr;
	int		nr_in_run, nr_direct, nr_reclaiming;	/* the hot path looks up tasks only then */
	struct task	t[MAX_TASKS];
	int		nr_kswapd;
	int32_t		kswapd_pid[MAX_KSWAPD];
	int		kswapd_nid[MAX_KSWAPD];
	mf_workload_lists_fn kernel_lists;	/* the kernel's free lists, if the replay models them */
	void		*kernel_lists_priv;
};

/* The node whose kswapd task pid is (its wake and sleep events name it), or -1. */
static int kswapd_node(const struct mf_workload *w, int32_t pid)
{
	int i;

	for (i = 0; i < w->nr_kswapd; i++)
		if (w->kswapd_pid[i] == pid)
			return w->kswapd_nid[i];
	return -1;
}

static void note_kswapd(struct mf_workload *w, int32_t pid, int nid)
{
	if (pid <= 0 || kswapd_node(w, pid) >= 0 || w->nr_kswapd == MAX_KSWAPD)
		return;
	w->kswapd_pid[w->nr_kswapd] = pid;
	w->kswapd_nid[w->nr_kswapd++] = nid;
}

struct mf_workload *mf_workload_new(void)
{
	return calloc(1, sizeof(struct mf_workload));
}

void mf_workload_free(struct mf_workload *w)
{
	free(w);
}

void mf_workload_kernel_lists(struct mf_workload *w, mf_workload_lists_fn fn, void *priv)
{
	w->kernel_lists = fn;
	w->kernel_lists_priv = priv;
}

static struct task *task(struct mf_workload *w, int32_t pid, bool create)
{
	int i;

	for (i = 0; i < w->nr; i++)
		if (w->t[i].pid == pid)
			return &w->t[i];
	if (!create)
		return NULL;
	if (w->nr == MAX_TASKS) {
		/* forget a task with nothing open */
		for (i = 0; i < w->nr; i++)
			if (!w->t[i].in_run && !w->t[i].direct && !w->t[i].kcompactd &&
			    !w->t[i].reclaim_rounds)
				break;
		if (i == w->nr)
			return NULL;
		w->t[i] = w->t[--w->nr];
	}
	memset(&w->t[w->nr], 0, sizeof(w->t[0]));
	w->t[w->nr].pid = pid;
	return &w->t[w->nr++];
}

/*
 * The first pfn of the span a run's migrate scanner passed block by block before it
 * scanned at start (mf_sim_traced_passed()): from where it went on, or past where
 * fast_find_migrateblock() may have jumped.  That is a run for an order above
 * PAGE_ALLOC_COSTLY_ORDER, at a pageblock boundary (taken as always), to a block with a
 * free block of order PAGE_ALLOC_COSTLY_ORDER to order - 1 on the MOVABLE lists, below
 * half the distance to the free scanner from the zone start, an eighth from elsewhere
 * (the run's first free position bounds that distance from above).  With the replay's
 * model of the kernel's lists, past the last such block before start; without, past the
 * farthest it could reach.  whatif31b's default-r6: the kernel's runs went on 14 to 35
 * pageblocks past where the last one stopped, within an eighth's reach, with no such
 * free block in between; ours scanned those pageblocks one after the other, met 13 ms
 * after the kernel's pass and missed the kswapd nap that reset its skip bits.
 */
static uint64_t passed_from(const struct mf_workload *w, const struct task *t, uint64_t start)
{
	uint64_t from = t->mig_next, dist, high, last;

	if (from >= start)
		return start;
	if (t->run_order <= PAGE_ALLOC_COSTLY_ORDER || t->run_free <= from)
		return from;
	dist = (t->run_free - from) >> 1;
	if (from != t->zs)
		dist >>= 2;
	high = from + dist >= from ? from + dist : UINT64_MAX;	/* dist 0: no jump forward */
	if (high > start)
		high = start;
	if (!w->kernel_lists)
		return high;
	last = w->kernel_lists(w->kernel_lists_priv, from, high, PAGE_ALLOC_COSTLY_ORDER,
			       t->run_order - 1);
	if (last == MF_PFN_NONE)
		return from;
	return last + 1 < start ? last + 1 : start;
}

/* The run honours skip bits: not compact_memory, nor sync-full (MIN_COMPACT_PRIORITY) */
static bool honours_skip(const struct task *t)
{
	return t->kcompactd || (t->direct && t->direct_prio != 0);
}

/* mm_compaction_end's status says compact_scanners_met(): COMPACT_COMPLETE, _PARTIAL_SKIPPED */
static bool scanners_met(int status)
{
	return status == MF_CP_STATUS_COMPLETE || status == MF_CP_STATUS_PARTIAL_SKIPPED;
}

void mf_workload_kcompactd_pid(struct mf_workload *w, int32_t pid)
{
	struct task *t = task(w, pid, true);

	if (t)
		t->kcompactd = true;
}

void mf_workload_kswapd_pid(struct mf_workload *w, int32_t pid, int nid)
{
	note_kswapd(w, pid, nid);
}

/* The task's compaction run is over (its mm_compaction_end, or a sign the end was lost). */
static void end_run(struct mf_workload *w, struct task *t, bool cond)
{
	if (t && t->in_run && cond) {
		t->in_run = false;
		w->nr_in_run--;
	}
}

void mf_workload_apply(struct mf_workload *w, const struct mf_event *ev, struct mf_sim **sims,
		       int nr_sims)
{
	struct mf_sim_req req;
	struct task *t;
	int i, nid;

	/* lost events: a run's end may be among them */
	if (ev->missed && w->nr_in_run)
		for (i = 0; i < w->nr; i++)
			end_run(w, &w->t[i], true);

	switch (ev->type) {
	case MF_EV_PAGE_ALLOC:
		t = w->nr_direct || w->nr_reclaiming || w->nr_in_run ? task(w, ev->pid, false) : NULL;
		req.reclaim_rounds = 0;
		/* the attempt's own allocation ends it (and any run whose end was lost), not an
		 * interrupt's allocation in the middle of it */
		if (t && t->direct && ev->alloc.order == t->direct_order) {
			t->direct = false;
			w->nr_direct--;
			end_run(w, t, true);
		}
		if (t && t->reclaim_rounds) {
			req.reclaim_rounds = t->reclaim_rounds;
			t->reclaim_rounds = 0;
			w->nr_reclaiming--;
		}
		req.ts = ev->ts;
		req.tpfn = ev->alloc.pfn;
		req.gfp = ev->alloc.gfp;
		req.order = ev->alloc.order;
		req.cpu = ev->cpu;
		for (i = 0; i < nr_sims; i++)
			mf_sim_alloc(sims[i], &req);
		break;
	case MF_EV_PAGE_FREE:
		t = w->nr_in_run ? task(w, ev->pid, false) : NULL;
		nid = w->nr_kswapd ? kswapd_node(w, ev->pid) : -1;
		for (i = 0; i < nr_sims; i++) {
			if (t && t->in_run)
				mf_sim_kernel_migrated(sims[i], ev->free.pfn, ev->free.order);
			else if (nid >= 0)
				mf_sim_reclaim_free(sims[i], ev->ts, ev->free.pfn, ev->free.order,
						    ev->cpu, nid);
			else
				mf_sim_free(sims[i], ev->ts, ev->free.pfn, ev->free.order, ev->cpu);
		}
		break;
	case MF_EV_ZONE_LOCKED:
	case MF_EV_PCPU_DRAIN:
		for (i = 0; i < nr_sims; i++)
			mf_sim_frame_free(sims[i], ev->page.pfn, ev->page.order, -1);
		break;
	case MF_EV_CP_TRY:
		t = task(w, ev->pid, true);
		end_run(w, t, true);		/* a run whose end was lost */
		if (t && !t->direct) {
			t->direct = true;
			w->nr_direct++;
		}
		if (t) {
			t->direct_order = ev->cp_try.order;
			t->direct_prio = ev->cp_try.prio;
		}
		break;
	case MF_EV_CP_KCOMPACTD_SLEEP:
		for (i = 0; i < nr_sims; i++) {
			mf_sim_traced_daemon_cpu(sims[i], ev->node.nid, true, ev->cpu);
			mf_sim_kcompactd_tick(sims[i], ev->ts, ev->node.nid);
		}
		/* fallthrough */
	case MF_EV_CP_KCOMPACTD_WAKE:
		if (ev->type == MF_EV_CP_KCOMPACTD_WAKE)
			for (i = 0; i < nr_sims; i++) {
				mf_sim_traced_daemon_cpu(sims[i], ev->kcompactd.nid, true, ev->cpu);
				mf_sim_kcompactd_woken(sims[i], ev->kcompactd.nid);
			}
		t = task(w, ev->pid, true);
		if (t)
			t->kcompactd = true;
		break;
	case MF_EV_CP_DEFERRED:
	case MF_EV_CP_DEFER_COMPACTION:
	case MF_EV_CP_DEFER_RESET:
		for (i = 0; i < nr_sims; i++) {
			mf_sim_tick(sims[i], ev->ts);
			mf_sim_traced_defer(sims[i], ev->defer.nid, ev->defer.idx, ev->defer.considered,
					    ev->defer.defer_shift, ev->defer.order_failed);
		}
		break;
	case MF_EV_CP_BEGIN:
		for (i = 0; i < nr_sims; i++)
			mf_sim_traced_begin(sims[i], ev->cp_begin.zone_start, ev->cp_begin.migrate_pfn,
					    ev->cp_begin.free_pfn, ev->cp_begin.zone_end,
					    ev->cp_begin.sync);
		t = task(w, ev->pid, true);
		if (!t)
			break;
		if (!t->in_run)
			w->nr_in_run++;
		t->in_run = true;
		t->last_failed = t->batches = 0;
		t->zs = ev->cp_begin.zone_start;
		t->ze = ev->cp_begin.zone_end;
		t->mig_next = ev->cp_begin.migrate_pfn;
		t->run_free = ev->cp_begin.free_pfn;
		t->run_order = -2;
		t->run_src = !t->direct ? 2 : ev->cp_begin.sync == 0 ? 0 : 1;
		if (!t->direct && !t->kcompactd)
			for (i = 0; i < nr_sims; i++)
				mf_sim_manual_compact(sims[i], ev->ts, ev->cp_begin.zone_start,
						      ev->cpu);
		break;
	case MF_EV_DIRECT_RECLAIM_BEGIN:
		t = task(w, ev->pid, true);
		if (t) {
			t->reclaim_order = ev->reclaim_begin.order;
			t->reclaim_gfp = ev->reclaim_begin.gfp;
		}
		break;
	case MF_EV_DIRECT_RECLAIM_END:
		t = ev->reclaim_end.nr_reclaimed ? task(w, ev->pid, false) : NULL;
		if (t) {
			if (!t->reclaim_rounds)
				w->nr_reclaiming++;
			t->reclaim_rounds++;
			for (i = 0; i < nr_sims; i++)
				mf_sim_direct_reclaim(sims[i], ev->ts, t->reclaim_order, t->reclaim_gfp);
		}
		break;
	case MF_EV_KSWAPD_WAKE:
		note_kswapd(w, ev->pid, ev->kswapd.nid);
		for (i = 0; i < nr_sims; i++) {
			mf_sim_traced_daemon_cpu(sims[i], ev->kswapd.nid, false, ev->cpu);
			mf_sim_kswapd(sims[i], ev->ts, ev->kswapd.nid, ev->kswapd.zid, true);
		}
		break;
	case MF_EV_WAKEUP_KSWAPD:
		for (i = 0; i < nr_sims; i++)
			mf_sim_traced_wakeup(sims[i], ev->ts, ev->kswapd.nid, ev->kswapd.zid,
					     ev->kswapd.order, ev->kswapd.gfp);
		break;
	case MF_EV_CP_WAKEUP_KCOMPACTD:
		nid = kswapd_node(w, ev->pid);
		for (i = 0; i < nr_sims && nid >= 0; i++) {
			mf_sim_traced_kswapd_sleep(sims[i], nid);
			mf_sim_kswapd_nap(sims[i], ev->ts, nid);
		}
		break;
	case MF_EV_KSWAPD_SLEEP:	/* the sleep event names no zone */
		note_kswapd(w, ev->pid, ev->node.nid);
		for (i = 0; i < nr_sims; i++) {
			mf_sim_traced_daemon_cpu(sims[i], ev->node.nid, false, ev->cpu);
			mf_sim_traced_kswapd_sleep(sims[i], ev->node.nid);
			mf_sim_kswapd(sims[i], ev->ts, ev->node.nid, 0, false);
		}
		break;
	case MF_EV_CP_MIGRATEPAGES:
		t = w->nr_in_run ? task(w, ev->pid, false) : NULL;
		if (t && t->in_run) {
			t->last_failed = ev->migrate.nr_failed;
			t->batches++;
		}
		for (i = 0; i < nr_sims; i++) {
			mf_sim_tick(sims[i], ev->ts);
			mf_sim_learn_migration(sims[i], t && t->in_run ? t->run_src : 2,
					       ev->migrate.nr_migrated, ev->migrate.nr_failed);
		}
		break;
	case MF_EV_CP_FINISHED:
		t = w->nr_in_run ? task(w, ev->pid, false) : NULL;
		if (t && t->in_run && t->run_order == -2)
			t->run_order = ev->cp_ret.order;
		for (i = 0; i < nr_sims; i++)
			mf_sim_tick(sims[i], ev->ts);
		break;
	case MF_EV_CP_ISOLATE_MIGRATE:
		t = w->nr_in_run ? task(w, ev->pid, false) : NULL;
		if (t && t->in_run && !honours_skip(t)) {
			/* it sets the skip bits it does not honour */
			for (i = 0; i < nr_sims; i++)
				mf_sim_traced_touch(sims[i], t->zs, t->ze, ev->isolate.start_pfn);
		} else if (t && t->in_run) {
			uint64_t from = passed_from(w, t, ev->isolate.start_pfn);

			for (i = 0; i < nr_sims; i++) {
				if (from < ev->isolate.start_pfn)
					mf_sim_traced_passed(sims[i], t->zs, t->ze, from,
							     ev->isolate.start_pfn, t->run_src == 0);
				mf_sim_traced_migrate_scan(sims[i], t->zs, t->ze,
							   ev->isolate.start_pfn,
							   ev->isolate.nr_taken > 0);
			}
			t->mig_next = ev->isolate.end_pfn;
		}
		for (i = 0; i < nr_sims; i++)
			mf_sim_tick(sims[i], ev->ts);
		break;
	case MF_EV_CP_ISOLATE_FREE:	/* a free scanner's pageblock: it sets the bit too */
		t = w->nr_in_run ? task(w, ev->pid, false) : NULL;
		for (i = 0; i < nr_sims; i++) {
			if (t && t->in_run)
				mf_sim_traced_touch(sims[i], t->zs, t->ze, ev->isolate.start_pfn);
			mf_sim_tick(sims[i], ev->ts);
		}
		break;
	case MF_EV_LRU_INSERT:
		for (i = 0; i < nr_sims; i++)
			mf_sim_lru_insert(sims[i], ev->lru_insert.pfn, ev->lru_insert.lru);
		break;
	case MF_EV_CP_END:
		t = w->nr_in_run ? task(w, ev->pid, false) : NULL;
		for (i = 0; i < nr_sims; i++)
			mf_sim_traced_end(sims[i], ev->cp_end.zone_start, ev->cp_end.zone_end,
					  ev->cp_end.migrate_pfn, ev->cp_end.free_pfn,
					  t && t->in_run && t->direct,
					  ev->cp_end.status == MF_CP_STATUS_SUCCESS);
		if (t && t->in_run && t->direct && !t->run_src)
			for (i = 0; i < nr_sims; i++)
				mf_sim_learn_async_end(sims[i],
						       ev->cp_end.status == MF_CP_STATUS_CONTENDED,
						       t->last_failed > 0,
						       ev->cp_end.status == MF_CP_STATUS_SUCCESS,
						       t->batches);
		if (t && t->in_run && !t->direct && t->batches)
			for (i = 0; i < nr_sims; i++)
				mf_sim_learn_bg_end(sims[i],
						    ev->cp_end.status == MF_CP_STATUS_CONTENDED &&
						    t->last_failed > 0, t->batches);
		if (t && t->in_run && ev->cp_end.status == MF_CP_STATUS_CONTENDED && t->last_failed)
			for (i = 0; i < nr_sims; i++)
				mf_sim_learn_enomem(sims[i], t->run_src, t->last_failed);
		/*
		 * A run whose scanners met passed the blocks after its last isolation one by
		 * one: no fast_find_migrateblock() jump there, or its block would have been
		 * scanned (an isolate event).
		 */
		if (t && t->in_run && honours_skip(t) && scanners_met(ev->cp_end.status) &&
		    ev->cp_end.migrate_pfn > t->mig_next)
			for (i = 0; i < nr_sims; i++)
				mf_sim_traced_passed(sims[i], t->zs, t->ze, t->mig_next,
						     ev->cp_end.migrate_pfn, t->run_src == 0);
		end_run(w, t, true);
		break;
	default:
		for (i = 0; i < nr_sims; i++)
			mf_sim_tick(sims[i], ev->ts);
		break;
	}
}
