// SPDX-License-Identifier: GPL-2.0
/*
 * Observed statistics: what the events say on their own, without the buddy model.
 *
 * Direct compaction is followed per task.  __alloc_pages_direct_compact() counts a stall
 * for every try_to_compact_pages() whose result is not COMPACT_SKIPPED, then a success if
 * the allocation right after it (captured page or get_page_from_freelist()) succeeds and
 * a fail otherwise.  The events of one task between its try_to_compact_pages and its
 * next try_to_compact_pages, direct reclaim, or the matching mm_page_alloc show that:
 *
 *   stall    iff a zone was deferred (mm_compaction_deferred), compacted
 *            (mm_compaction_end) or already good enough (COMPACT_SUCCESS without a run,
 *            visible only as the in-loop mm_compaction_defer_reset).  Skipped zones emit
 *            nothing or mm_compaction_suitable, which is no stall.
 *   success  iff a defer_reset came from the allocation: __alloc_pages_direct_compact()
 *            calls compaction_defer_reset(zone, order, true) after a successful
 *            allocation, which leaves considered = defer_shift = 0.  The zone loop calls
 *            it with false when a zone returned COMPACT_SUCCESS, which includes a captured
 *            page whose mm_compaction_end still said "contended" (compact_zone_order()
 *            turns a capture into SUCCESS after the event).  So: two resets mean success;
 *            one reset with non-zero counters is the in-loop one (fail); one zeroed reset
 *            after a run that ended "success", or with no run and no deferred zone (the
 *            watermark was met), is the in-loop one too, since the allocation would have
 *            reset again (fail: the page came from the slow path's retry, which may
 *            also show as the task waking kswapd with the request's gfp); any other
 *            zeroed reset is the allocation's, and the allocation that ends the attempt
 *            decides.  "The next
 *            mm_page_alloc has a page" alone would be wrong: after compact_fail the slow
 *            path can still succeed without further events.
 */
#include <stdlib.h>
#include <string.h>

#include "mmfrag/observe.h"

#define MAX_PENDING	256
#define GFP_IO_FS	((1ULL << 6) | (1ULL << 7))	/* __GFP_IO | __GFP_FS */

const char *const mf_cp_status_names[MF_CP_NR_STATUS] = {
	"not_suitable_zone", "skipped", "deferred", "no_suitable_page", "continue",
	"complete", "partial_skipped", "contended", "success",
};

const char *const mf_cp_prio_names[MF_CP_NR_PRIO] = {
	"sync_full", "sync_light", "async",
};

struct attempt {
	int32_t		pid;
	int32_t		order;
	int32_t		prio;
	uint64_t	gfp;
	bool		stall;		/* deferred, end or defer_reset seen */
	bool		inloop_seen;	/* a reset that cannot be the allocation's */
	bool		zone_seen;	/* a zone of its own compacted (end) or deferred */
	bool		end_success;	/* an mm_compaction_end that said COMPACT_SUCCESS */
	uint32_t	resets;		/* mm_compaction_defer_reset events */
	uint64_t	ts;		/* of its mm_compaction_try_to_compact_pages */
};

struct kcompactd {
	int32_t		pid;
	bool		woken;		/* between kcompactd_wake and the next kcompactd_sleep */
};

struct mf_observer {
	struct mf_observed	r;
	int			pageblock_order;
	int			nr_pending;
	struct attempt		pending[MAX_PENDING];
	int			nr_kcd;
	struct kcompactd	kcd[64];
	mf_observer_stall_fn	stall_fn;
	void			*stall_priv;
};

struct mf_observer *mf_observer_new(int pageblock_order)
{
	struct mf_observer *o = calloc(1, sizeof(*o));

	if (o)
		o->pageblock_order = pageblock_order;
	return o;
}

void mf_observer_set_stall_fn(struct mf_observer *o, mf_observer_stall_fn fn, void *priv)
{
	o->stall_fn = fn;
	o->stall_priv = priv;
}

void mf_observer_free(struct mf_observer *o)
{
	free(o);
}

const struct mf_observed *mf_observer_result(const struct mf_observer *o)
{
	return &o->r;
}

static struct attempt *find_attempt(struct mf_observer *o, int32_t pid)
{
	int i;

	for (i = 0; i < o->nr_pending; i++)
		if (o->pending[i].pid == pid)
			return &o->pending[i];
	return NULL;
}

/*
 * The slow path's gfp may have lost __GFP_IO/__GFP_FS to a memalloc_noio/nofs scope
 * (current_gfp_context()); the final mm_page_alloc reports the caller's.
 */
static inline bool same_gfp(uint64_t a, uint64_t b)
{
	return (a & ~GFP_IO_FS) == (b & ~GFP_IO_FS);
}

static void add(struct mf_cp_outcome *c, bool stall, bool success)
{
	if (!stall)
		return;
	c->stall++;
	if (success)
		c->success++;
	else
		c->fail++;
}

/* __alloc_pages_direct_compact(): COMPACT_SKIPPED is no stall; anything else is one. */
static void resolve(struct mf_observer *o, struct attempt *a, bool alloc_ok, uint64_t ts)
{
	struct mf_observed *r = &o->r;
	bool success;

	if (a->resets >= 2)
		success = true;
	else if (a->resets == 1 && !a->inloop_seen && a->zone_seen && !a->end_success)
		success = alloc_ok;
	else
		success = false;
	if (!a->stall)
		r->direct_skipped++;
	add(&r->direct, a->stall, success);
	if (a->order >= 0 && a->order < MF_MAX_ORDERS)
		add(&r->direct_by_order[a->order], a->stall, success);
	if (a->prio >= 0 && a->prio < MF_CP_NR_PRIO)
		add(&r->direct_by_prio[a->prio], a->stall, success);
	if (a->stall && o->stall_fn)
		o->stall_fn(o->stall_priv, a->pid, a->order, success, a->ts, ts);
	*a = o->pending[--o->nr_pending];
}

/* compaction_defer_reset(..., alloc_success = true) zeroes considered and defer_shift */
static void on_defer_reset(struct attempt *a, const struct mf_event *ev)
{
	a->stall = true;
	a->resets++;
	if (ev->defer.considered != 0 || ev->defer.defer_shift != 0)
		a->inloop_seen = true;
}

static struct kcompactd *find_kcd(struct mf_observer *o, int32_t pid, bool create)
{
	int i;

	for (i = 0; i < o->nr_kcd; i++)
		if (o->kcd[i].pid == pid)
			return &o->kcd[i];
	if (!create || o->nr_kcd == (int)(sizeof(o->kcd) / sizeof(o->kcd[0])))
		return NULL;
	o->kcd[o->nr_kcd].pid = pid;
	o->kcd[o->nr_kcd].woken = false;
	return &o->kcd[o->nr_kcd++];
}

static inline bool valid_status(int32_t s)
{
	return s >= 0 && s < MF_CP_NR_STATUS;
}

static void on_end(struct mf_observer *o, const struct mf_event *ev)
{
	struct mf_observed *r = &o->r;
	struct attempt *a = o->nr_pending ? find_attempt(o, ev->pid) : NULL;
	int32_t st = ev->cp_end.status;
	struct kcompactd *k;

	if (valid_status(st))
		r->end_status[st]++;
	if (a) {
		a->stall = true;
		a->zone_seen = true;
		a->end_success |= st == MF_CP_STATUS_SUCCESS;
		r->runs_direct++;
		if (valid_status(st))
			r->end_status_direct[st]++;
		return;
	}
	k = find_kcd(o, ev->pid, false);
	if (k && k->woken) {
		r->runs_kcompactd++;
		if (valid_status(st))
			r->end_status_kcompactd[st]++;
	} else if (k) {
		r->runs_proactive++;
		if (valid_status(st))
			r->end_status_proactive[st]++;
	} else {
		r->runs_other++;	/* compact_memory, sysfs compact, alloc_contig */
	}
}

void mf_observer_apply(struct mf_observer *o, const struct mf_event *ev)
{
	struct mf_observed *r = &o->r;
	struct attempt *a;
	struct kcompactd *k;

	switch (ev->type) {
	case MF_EV_PAGE_ALLOC:
		if (ev->alloc.order < 0 || ev->alloc.order >= MF_MAX_ORDERS)
			break;
		if (ev->alloc.pfn == MF_PFN_NONE)
			r->alloc_fail[ev->alloc.order]++;
		else if (ev->alloc.mt >= 0 && ev->alloc.mt < MF_MAX_MT)
			r->alloc[ev->alloc.order][ev->alloc.mt]++;
		if (o->nr_pending) {
			a = find_attempt(o, ev->pid);
			if (a && a->order == ev->alloc.order && same_gfp(a->gfp, ev->alloc.gfp))
				resolve(o, a, ev->alloc.pfn != MF_PFN_NONE, ev->ts);
		}
		break;
	case MF_EV_PAGE_FREE:
		if (ev->free.order >= 0 && ev->free.order < MF_MAX_ORDERS)
			r->free[ev->free.order]++;
		break;
	case MF_EV_EXTFRAG: {
		const struct mf_ev_extfrag *e = &ev->extfrag;

		if (e->mt >= 0 && e->mt < MF_MAX_MT && e->fallback_mt >= 0 &&
		    e->fallback_mt < MF_MAX_MT)
			r->fallback[e->mt][e->fallback_mt][e->change_ownership ? 1 : 0]++;
		if (e->fallback_order < o->pageblock_order)
			r->fallback_fragmenting++;
		if (e->order >= 0 && e->order < MF_MAX_ORDERS)
			r->fallback_by_order[e->order]++;
		break;
	}
	case MF_EV_CP_TRY:
		r->direct_attempts++;
		a = find_attempt(o, ev->pid);
		if (a)
			resolve(o, a, false, ev->ts);
		if (o->nr_pending == MAX_PENDING) {
			r->direct_unresolved++;
			break;
		}
		a = &o->pending[o->nr_pending++];
		a->pid = ev->pid;
		a->order = ev->cp_try.order;
		a->prio = ev->cp_try.prio;
		a->gfp = ev->cp_try.gfp;
		a->stall = a->inloop_seen = a->zone_seen = a->end_success = false;
		a->resets = 0;
		a->ts = ev->ts;
		break;
	case MF_EV_CP_DEFERRED:
		r->deferred++;
		a = o->nr_pending ? find_attempt(o, ev->pid) : NULL;
		if (a)
			a->stall = a->zone_seen = true;
		break;
	case MF_EV_CP_SUITABLE:
		if (valid_status(ev->cp_ret.ret))
			r->suitable[ev->cp_ret.ret]++;
		break;
	case MF_EV_CP_END:
		on_end(o, ev);
		break;
	case MF_EV_CP_DEFER_COMPACTION:
		r->defer_compaction++;
		break;
	case MF_EV_CP_DEFER_RESET:
		r->defer_reset++;
		a = o->nr_pending ? find_attempt(o, ev->pid) : NULL;
		if (a)
			on_defer_reset(a, ev);
		break;
	case MF_EV_CP_KCOMPACTD_WAKE:
		r->kcompactd_wake++;
		k = find_kcd(o, ev->pid, true);
		if (k)
			k->woken = true;
		break;
	case MF_EV_CP_KCOMPACTD_SLEEP:
		r->kcompactd_sleep++;
		k = find_kcd(o, ev->pid, true);
		if (k)
			k->woken = false;
		break;
	case MF_EV_CP_WAKEUP_KCOMPACTD:
		r->wakeup_kcompactd++;
		break;
	case MF_EV_CP_MIGRATEPAGES:
		r->migrated += ev->migrate.nr_migrated;
		r->migrate_failed += ev->migrate.nr_failed;
		break;
	case MF_EV_CP_ISOLATE_MIGRATE:
		r->isolated_migrate += ev->isolate.nr_taken;
		r->scanned_migrate += ev->isolate.nr_scanned;
		break;
	case MF_EV_CP_ISOLATE_FREE:
	case MF_EV_CP_FAST_ISOLATE_FREE:
		r->isolated_free += ev->isolate.nr_taken;
		r->scanned_free += ev->isolate.nr_scanned;
		break;
	case MF_EV_DIRECT_RECLAIM_BEGIN:
		r->direct_reclaim++;
		a = o->nr_pending ? find_attempt(o, ev->pid) : NULL;
		if (a)
			resolve(o, a, false, ev->ts);
		break;
	case MF_EV_KSWAPD_WAKE:
		r->kswapd_wake++;
		break;
	case MF_EV_WAKEUP_KSWAPD:
		r->wakeup_kswapd++;
		/*
		 * The slow path's retry: label wakes kswapd again with the request's gfp, so
		 * the task's attempt returned no page (COMPACTFAIL), however the allocation
		 * ends.  A zone whose watermark was already met ends compaction at once with
		 * a reset of zero counters that looks like the allocation's own; in whatif18's
		 * defrag_mode_1-r12 the freelist still failed, the retry served the folio and
		 * vmstat counted a fail that this had taken for a success.  The wake after a
		 * watermark boost (rmqueue(), no gfp) can come inside a successful attempt.
		 */
		a = o->nr_pending && ev->kswapd.gfp ? find_attempt(o, ev->pid) : NULL;
		if (a && same_gfp(a->gfp, ev->kswapd.gfp))
			resolve(o, a, false, ev->ts);
		break;
	case MF_EV_PRINT:
		r->markers++;
		break;
	default:
		break;
	}
}

void mf_observer_finish(struct mf_observer *o)
{
	o->r.direct_unresolved += (uint64_t)o->nr_pending;
	o->nr_pending = 0;
}
