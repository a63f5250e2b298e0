// SPDX-License-Identifier: GPL-2.0
/*
 * Watermarks and the allocation slow path (mm/page_alloc.c: __zone_watermark_ok(),
 * zone_watermark_fast(), __alloc_pages_slowpath(), should_compact_retry()).  kswapd is
 * in sim-vmscan.c; direct reclaim is the trace's (its rounds of progress); a request that
 * still fails after direct compaction counts as an allocation failure at its order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

/* ---- watermarks ---------------------------------------------------------------------- */

static int64_t unusable_free(const struct szone *z, int order, unsigned int alloc_flags)
{
	int64_t u = (int64_t)(1ULL << order) - 1;

	if (!(alloc_flags & ALLOC_RESERVES))
		u += (int64_t)z->free_highatomic;
	if (!(alloc_flags & ALLOC_CMA))
		u += (int64_t)z->free_cma;
	return u;
}

/* __zone_watermark_ok() */
bool sim_zone_watermark_ok(const struct mf_sim *s, const struct szone *z, int order,
			   uint64_t mark, int hzi, unsigned int alloc_flags, int64_t free_pages)
{
	int64_t min = (int64_t)mark;
	int o, t;

	free_pages -= unusable_free(z, order, alloc_flags);
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + (int64_t)z->lowmem_reserve[hzi])
		return false;
	if (!order)
		return true;
	for (o = order; o <= s->max_order; o++) {
		if (!z->nr_free[o])
			continue;
		for (t = 0; t < MF_MT_PCPTYPES; t++)
			if (z->nr_free_mt[o][t])
				return true;
		if ((alloc_flags & ALLOC_CMA) && z->nr_free_mt[o][MF_MT_CMA])
			return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) && z->nr_free_mt[o][MF_MT_HIGHATOMIC])
			return true;
	}
	return false;
}

bool sim_wmark_ok(const struct mf_sim *s, const struct szone *z, int order,
		  uint64_t mark, int hzi, unsigned int alloc_flags)
{
	return sim_zone_watermark_ok(s, z, order, mark, hzi, alloc_flags, (int64_t)z->free_pages);
}

/* zone_watermark_fast() */
bool sim_zone_watermark_fast(const struct mf_sim *s, const struct szone *z, int order,
			     uint64_t mark, int hzi, unsigned int alloc_flags)
{
	int64_t free_pages = (int64_t)z->free_pages;

	if (!order) {
		int64_t usable = free_pages, reserved = unusable_free(z, 0, alloc_flags);

		usable -= usable < reserved ? usable : reserved;
		if (usable > (int64_t)(mark + z->lowmem_reserve[hzi]))
			return true;
	}
	if (sim_zone_watermark_ok(s, z, order, mark, hzi, alloc_flags, free_pages))
		return true;
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) && z->boost &&
	    (alloc_flags & ALLOC_WMARK_MASK) == ALLOC_WMARK_MIN)
		return sim_zone_watermark_ok(s, z, order, z->wmark[WMARK_MIN], hzi, alloc_flags,
					     free_pages);
	return false;
}

void sim_deferred_work(struct mf_sim *s)
{
	int nd;

	for (nd = 0; nd < MAX_NODES; nd++)
		if (s->node[nd].kswapd_order >= 0)
			sim_kswapd_work(s, nd);
	if (s->kcd_pending && s->c.compaction)
		sim_kcompactd_work(s);
	s->kcd_pending = false;
}

/* gfp_to_alloc_flags() (+ gfp_to_alloc_flags_cma()) */
unsigned int sim_gfp_to_alloc_flags(const struct mf_sim *s, const struct alloc_ctx *ac)
{
	unsigned int f = ALLOC_WMARK_MIN | ALLOC_CPUSET;
	uint64_t gfp = ac->gfp;

	if (gfp & GFP_HIGH)
		f |= ALLOC_MIN_RESERVE;
	if (gfp & GFP_KSWAPD_RECLAIM)
		f |= ALLOC_KSWAPD;
	if (!(gfp & GFP_DIRECT_RECLAIM) && !(gfp & GFP_NOMEMALLOC)) {
		f |= ALLOC_NON_BLOCK;
		if (ac->order > 0 && (f & ALLOC_MIN_RESERVE))
			f |= ALLOC_HIGHATOMIC;
	}
	if (ac->mt == MF_MT_MOVABLE)
		f |= ALLOC_CMA;
	if (s->c.defrag_mode)
		f |= ALLOC_NOFRAGMENT;
	return f;
}

static void wake_all_kswapds(struct mf_sim *s, const struct alloc_ctx *ac)
{
	bool seen[MAX_NODES] = { false };
	int i;

	for (i = s->nr_zones - 1; i >= 0; i--) {
		const struct szone *z = &s->z[i];

		if (!zone_usable(z, ac) || seen[z->d.node])
			continue;
		seen[z->d.node] = true;
		sim_wakeup_kswapd(s, z->d.node, ac->gfp, sim_kswapd_reclaim_order(s, ac->order),
				  ac->hzi);
	}
}

/*
 * should_compact_retry(): after a skipped compaction only if free memory could come back
 * (taken as yes: the kernel's reclaim made progress); after a success up to
 * MAX_COMPACT_RETRIES (a quarter for costly orders); after a failure, one priority
 * harder, down to sync-light for costly orders and sync-full for the others.
 */
static bool should_compact_retry(const struct alloc_ctx *ac, enum cp_result cr,
				 enum cp_prio *prio, int *retries)
{
	int max_retries = 16;
	enum cp_prio min_prio;

	if (!ac->order)
		return false;
	if (cr == CP_SKIPPED)
		return true;
	if (cr == CP_SUCCESS) {
		if (ac->order > PAGE_ALLOC_COSTLY_ORDER)
			max_retries /= 4;
		if (++*retries <= max_retries)
			return true;
	}
	min_prio = ac->order > PAGE_ALLOC_COSTLY_ORDER ? PRIO_SYNC_LIGHT : PRIO_SYNC_FULL;
	if (*prio > min_prio) {
		(*prio)--;
		*retries = 0;
		return true;
	}
	return false;
}

/*
 * __alloc_pages_slowpath().  Reclaim is outside the model: where the kernel's task
 * reclaimed with progress for this request (ac->reclaim_rounds, from the trace), the
 * simulator takes a round of progress as it reaches __alloc_pages_direct_reclaim(),
 * drains the per-CPU lists if the allocation still fails, and may retry compaction one
 * priority harder; without progress the request fails after its compactions, where the
 * kernel would retry reclaim or go OOM.
 */
static uint64_t alloc_slowpath(struct mf_sim *s, struct alloc_ctx *ac)
{
	bool can_reclaim = ac->gfp & GFP_DIRECT_RECLAIM, costly = ac->order > PAGE_ALLOC_COSTLY_ORDER;
	bool can_compact = s->c.compaction && (ac->gfp & GFP_IO), nofrag_retry_done = false;
	enum cp_prio prio = PRIO_SYNC_LIGHT;
	int rounds = ac->reclaim_rounds, retries = 0, own_rounds = 0;
	enum cp_result cr = CP_SKIPPED;
	bool progress;
	unsigned int f;
	uint64_t pfn;

	s->stats.slowpath[ac->order]++;
	f = sim_gfp_to_alloc_flags(s, ac);
	ac->alloc_flags = f;
	if (f & ALLOC_KSWAPD)
		wake_all_kswapds(s, ac);
	pfn = sim_get_page_from_freelist(s, ac, f);
	if (pfn != MF_PFN_NONE)
		return pfn;
	if (can_reclaim && can_compact && (costly || (ac->order > 0 && ac->mt != MF_MT_MOVABLE)) &&
	    !((ac->gfp & GFP_MEMALLOC) && !(ac->gfp & GFP_NOMEMALLOC))) {
		pfn = sim_direct_compact(s, ac, PRIO_ASYNC, &cr);
		if (pfn != MF_PFN_NONE)
			return pfn;
		if (costly && (ac->gfp & GFP_NORETRY)) {
			if (cr == CP_SKIPPED || cr == CP_DEFERRED)
				return MF_PFN_NONE;
			/*
			 * A THP fault's first, local-node-only try (alloc_pages_mpol()) may
			 * compact but never reclaim (Linux 6.18 and the stable kernels).
			 */
			if (ac->gfp & GFP_THISNODE)
				return MF_PFN_NONE;
			prio = PRIO_ASYNC;
		}
	}
retry:
	if ((ac->gfp & GFP_MEMALLOC) && !(ac->gfp & GFP_NOMEMALLOC))
		f = ALLOC_NO_WATERMARKS | (f & ALLOC_CMA);
	pfn = sim_get_page_from_freelist(s, ac, f);
	if (pfn != MF_PFN_NONE)
		return pfn;
	if (!can_reclaim)
		goto nopage;
	/* __alloc_pages_direct_reclaim(): the trace's rounds, else our own (served requests) */
	progress = rounds > 0;
	if (progress) {
		rounds--;
	} else if (!ac->reclaim_rounds && ac->tpfn != MF_PFN_NONE &&
		   own_rounds < MAX_RECLAIM_RETRIES &&
		   sim_direct_reclaim(s, ac->node, ac->hzi, ac->cpu)) {
		own_rounds++;
		progress = true;
	}
	if (progress) {
		pfn = sim_get_page_from_freelist(s, ac, f);
		if (pfn != MF_PFN_NONE)
			return pfn;
		sim_drain_all_pages(s);
		s->stats.reclaim_drains++;
		pfn = sim_get_page_from_freelist(s, ac, f);
		if (pfn != MF_PFN_NONE)
			return pfn;
	}
	if (can_compact) {
		ac->alloc_flags = f;
		pfn = sim_direct_compact(s, ac, prio, &cr);
		if (pfn != MF_PFN_NONE)
			return pfn;
	}
	if (ac->gfp & GFP_NORETRY)
		goto nopage;
	if (costly && !(ac->gfp & GFP_RETRY_MAYFAIL))
		goto nopage;
	/* should_reclaim_retry() while the trace shows more reclaim (or ours progresses) */
	if (progress && (rounds > 0 || own_rounds))
		goto retry;
	if (progress && can_compact && should_compact_retry(ac, cr, &prio, &retries))
		goto retry;
	/* defrag_mode: reclaim and compaction failed to prevent the fallback, before OOM */
	if (s->c.defrag_mode && (f & ALLOC_NOFRAGMENT) && !nofrag_retry_done) {
		f &= ~ALLOC_NOFRAGMENT;
		nofrag_retry_done = true;
		goto retry;
	}
nopage:
	return MF_PFN_NONE;
}

/* gfp_zone() on x86-64: the highest zone type a request may use */
int sim_gfp_zone(uint64_t gfp)
{
	if (gfp & GFP_DMA)
		return 0;
	if (gfp & GFP_DMA32)
		return 1;
	if ((gfp & GFP_MOVABLE) && (gfp & GFP_HIGHMEM))
		return 3;
	return 2;
}

/* alloc_flags_nofragment(): NOFRAGMENT when the preferred zone is Normal and DMA32 exists */
static unsigned int alloc_flags_nofragment(const struct mf_sim *s, const struct alloc_ctx *ac)
{
	const struct szone *pref = NULL;
	unsigned int f = s->c.defrag_mode ? ALLOC_NOFRAGMENT : 0;
	int i;

	for (i = s->nr_zones - 1; i >= 0 && !pref; i--)
		if (s->z[i].d.node == ac->node && zone_usable(&s->z[i], ac))
			pref = &s->z[i];
	if (!pref || pref->type != 2)
		return f;
	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == pref->d.node && s->z[i].type == 1 && s->z[i].d.managed)
			return f | ALLOC_NOFRAGMENT;
	return f;
}

/* __alloc_frozen_pages_noprof() */
uint64_t sim_alloc_pages(struct mf_sim *s, struct alloc_ctx *ac)
{
	unsigned int f = ALLOC_WMARK_LOW | alloc_flags_nofragment(s, ac);
	uint64_t pfn;

	if (ac->gfp & GFP_KSWAPD_RECLAIM)
		f |= ALLOC_KSWAPD;
	if (ac->mt == MF_MT_MOVABLE)
		f |= ALLOC_CMA;
	ac->alloc_flags = f;
	pfn = sim_get_page_from_freelist(s, ac, f);
	if (pfn != MF_PFN_NONE)
		return pfn;
	return alloc_slowpath(s, ac);
}
