// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's per-CPU page lists (mm/page_alloc.c: free_frozen_page_commit(),
 * free_pcppages_bulk(), rmqueue_pcplist(), nr_pcp_high(), decay_pcp_high(), drain_pages()).
 * Orders up to PAGE_ALLOC_COSTLY_ORDER and the THP order are freed to and allocated from
 * a CPU's own lists; the lists fill and drain in batches, which is what keeps recently
 * freed pages away from the buddy allocator's merging.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

static inline int order_to_pindex(const struct mf_sim *s, int mt, int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return 12 + (mt == MF_MT_MOVABLE);
	return MF_MT_PCPTYPES * order + mt;
}

/*
 * The pages on the kernel's list: ours and the held ones.  zoneinfo's count at the start
 * capture is pages the kernel had on each CPU's lists, which we cannot tell from pages in
 * use (kpageflags shows neither as buddy): they stay ours as used, and the trace names
 * each as the kernel hands it out or drains it (sim_pcp_release()).  Until then they
 * count for the list as they do in the kernel: the what-if recordings begin with 30,000
 * of them on each CPU's Normal list, so that when the hugetlb pool's growth has flagged
 * Normal below its high watermark, the workload's first free finds the list over
 * high_min, frees a batch and clears the flag (nr_pcp_high()) and the list keeps its
 * auto-tuned high.  Counting our pages only, the first frees found the list short, cut
 * pcp->high by each free to high_min, and the workload's 134,000 frees went to the
 * buddy lists where the kernel kept 96,000 on its lists (whatif33 default-r4), for
 * compaction's free scanner to take.
 */
static inline int pcp_pages(const struct pcp *pcp)
{
	return pcp->count + pcp->held;
}

/* Take pfn (a block of order) off its per-CPU list l: no longer on any list. */
static void pcp_unlink(struct mf_sim *s, struct pcp *pcp, struct slist *l, uint64_t pfn,
		       int order)
{
	sim_list_del(s, l, pfn);
	s->st[pfn] = 0;
	pcp->count -= 1 << order;
}

/* free_pcppages_bulk(): round robin from pindex, oldest (tail) first, re-read block types */
static void free_pcppages_bulk(struct mf_sim *s, struct szone *z, struct pcp *pcp, int count,
			       int pindex)
{
	int min_pindex = 0, max_pindex = NR_PCP_LISTS - 1;

	if (count > pcp->count)
		count = pcp->count;
	pindex--;
	while (count > 0) {
		struct slist *l;
		int order;

		for (;;) {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			l = &pcp->lists[pindex];
			if (!list_empty(l))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
			if (min_pindex > max_pindex)
				return;		/* count and lists disagree: cannot happen */
		}
		order = pindex_to_order(s, pindex);
		do {
			uint64_t pfn = l->tail;

			pcp_unlink(s, pcp, l, pfn, order);
			count -= 1 << order;
			sim_free_one_page_core(s, z, pfn, order, pb_mt(s, pfn), false);
		} while (count > 0 && !list_empty(l));
	}
}

/*
 * free_pcppages_bulk() of count pages from the list tails: the oldest are the held ones,
 * freed by the trace's mm_page_pcpu_drain events that follow, so those are only counted.
 */
static void pcp_bulk(struct mf_sim *s, struct szone *z, struct pcp *pcp, int count, int pindex)
{
	int h = count < pcp->held ? count : pcp->held;

	pcp->held -= h;
	if (count > h)
		free_pcppages_bulk(s, z, pcp, count - h, pindex);
}

void sim_drain_zone_cpu(struct mf_sim *s, struct szone *z, int cpu)
{
	struct pcp *pcp = &z->pcp[cpu];

	pcp->held = 0;
	if (pcp->count)
		free_pcppages_bulk(s, z, pcp, pcp->count, 0);
}

/* nr_pcp_high(): the auto-tuned pcp->high */
static int nr_pcp_high(struct pcp *pcp, const struct szone *z, int batch, bool free_high)
{
	int high = pcp->high;

	if (high < pcp->high_min)
		high = pcp->high_min;
	if (high > pcp->high_max)
		high = pcp->high_max;
	pcp->high = high;
	if (!high)
		return 0;
	if (free_high) {
		int h = high - (batch << PCP_BATCH_SCALE_MAX);

		pcp->high = h > pcp->high_min ? h : pcp->high_min;
		return 0;
	}
	if (z->reclaim_active) {
		int fc = pcp->free_count > batch ? pcp->free_count : batch;
		int h = high - fc;

		pcp->high = h > pcp->high_min ? h : pcp->high_min;
		return batch << 2 < pcp->high ? batch << 2 : pcp->high;
	}
	if (pcp->high_min == pcp->high_max)
		return high;
	if (z->below_high) {
		int fc = pcp->free_count > batch ? pcp->free_count : batch;
		int h = high - fc;

		pcp->high = h > pcp->high_min ? h : pcp->high_min;
		high = pcp_pages(pcp) > pcp->high_min ? pcp_pages(pcp) : pcp->high_min;
	} else if (pcp_pages(pcp) >= high) {
		int need = pcp->free_count + batch;

		if (pcp->high < need)
			pcp->high = need < pcp->high_min ? pcp->high_min :
				    need > pcp->high_max ? pcp->high_max : need;
	}
	return high;
}

static int nr_pcp_free(const struct pcp *pcp, int batch, int high, bool free_high)
{
	int lo = batch, hi = high - batch, n;

	if (free_high)
		return pcp_pages(pcp) < (batch << PCP_BATCH_SCALE_MAX) ? pcp_pages(pcp) :
		       batch << PCP_BATCH_SCALE_MAX;
	if (high < batch)
		return 1;
	n = pcp->free_count;
	if (n > hi)
		n = hi;
	if (n < lo)
		n = lo;
	return n;
}

/*
 * balance_pgdat() sets ZONE_RECLAIM_ACTIVE when it starts and clears it when it returns,
 * and the trace shows only the start (mm_vmscan_kswapd_wake); mm_vmscan_kswapd_sleep
 * comes after kswapd's nap, or never.  So the flag ends when the node is balanced
 * (pgdat_balanced() at order 0: a zone up to the classzone above its high watermark),
 * which is when balance_pgdat() stops.  Held until the sleep event, it drained the
 * workload's exit frees to 252 pages a list: the simulated default ended the what-if
 * recordings with 400-1,000 Normal pages on the lists, the kernel with 9,000-11,000.
 */
static void reclaim_active_ends(struct mf_sim *s, int node)
{
	int i;

	if (!sim_pgdat_balanced(s, node, 0, s->node[node].ra_hzi))
		return;
	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node)
			s->z[i].reclaim_active = false;
}

/* free_frozen_page_commit() */
static void free_to_pcp(struct mf_sim *s, struct szone *z, struct pcp *pcp, uint64_t pfn,
			int order, int mt)
{
	int pindex = order_to_pindex(s, mt, order), batch = pcp->batch, high;
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	s->st[pfn] = (uint8_t)(ST_PCP | order);
	sim_list_add(s, &pcp->lists[pindex], pfn, false);
	pcp->count += 1 << order;
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch + pcp->high_min / 2 && pcp->prev_free_high;
		pcp->prev_free_high = true;
	} else {
		pcp->prev_free_high = false;
	}
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	if (z->reclaim_active)
		reclaim_active_ends(s, z->d.node);
	high = nr_pcp_high(pcp, z, batch, free_high);
	if (pcp_pages(pcp) >= high) {
		pcp_bulk(s, z, pcp, nr_pcp_free(pcp, batch, high, free_high), pindex);
		if (z->below_high && sim_wmark_ok(s, z, 0, wmark_pages(z, WMARK_HIGH), 3, 0))
			z->below_high = false;
	}
}

/* __free_frozen_pages(): per-CPU lists for pcp orders, else the buddy lists */
void sim_free_pages(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int cpu)
{
	int mt;

	s->st[pfn] = 0;
	if (!pcp_allowed_order(s, order)) {
		sim_free_one_page(s, z, pfn, order);
		return;
	}
	mt = pb_mt(s, pfn);
	if (mt >= MF_MT_PCPTYPES) {
		if (mt == MF_MT_ISOLATE) {
			sim_free_one_page(s, z, pfn, order);
			return;
		}
		mt = MF_MT_MOVABLE;
	}
	free_to_pcp(s, z, &z->pcp[cpu], pfn, order, mt);
}

/*
 * A page we held that the kernel had free all along (on a per-CPU list when the trace
 * began) and now hands out on cpu: it goes back to the head of that CPU's list, where
 * the allocation that follows takes it, as the kernel's did.  No CPU freed it, so no
 * auto-tuning moves (alloc_factor, free_count, high): the what-if recordings released
 * 20,000 such pages a run, and as frees through CPU 0 they kept its refills at 63-504
 * pages where the kernel's were 2,016.  cpu < 0 (the kernel moved it between its lists
 * and the buddy allocator): to the buddy lists; a drain of a held page was counted when
 * our list's bulk free or drain took it off held (pcp_bulk()).
 */
void sim_pcp_release(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int cpu)
{
	int mt = pb_mt(s, pfn);
	struct pcp *pcp;

	s->st[pfn] = 0;
	if (cpu < 0 || cpu >= s->nr_cpus || !pcp_allowed_order(s, order) || mt >= MF_MT_PCPTYPES) {
		sim_free_one_page(s, z, pfn, order);
		return;
	}
	pcp = &z->pcp[cpu];
	/* one of the held pages, now on our list until the request takes it */
	pcp->held -= pcp->held < (1 << order) ? pcp->held : 1 << order;
	s->st[pfn] = (uint8_t)(ST_PCP | order);
	sim_list_add(s, &pcp->lists[order_to_pindex(s, mt, order)], pfn, false);
	pcp->count += 1 << order;
}

/*
 * The block the traced kernel hands out (pfn, order), where it is the head of one of
 * cpu's lists for its order: taken from there.  sim_pcp_release() puts a page we held
 * and the kernel had free at the head of the list of its pageblock's type, for the
 * allocation that follows; a request of another type (our pageblock's type differs from
 * the kernel's) found its own list empty, refilled it from the buddy lists and left the
 * page there.  In compaction_proactiveness_0-r2 of the what-if set whatif23, 55 order-9
 * blocks of the hugetlb pool's growth stayed on CPU 1's Unmovable list that way (28,000
 * pages, where the kernel's lists of the zone held 600), and the simulated Normal zone
 * stayed below its min watermark: 5,293 order-0 requests failed that the kernel served.
 */
uint64_t sim_pcp_take(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int cpu)
{
	struct pcp *pcp;
	int mt;

	if (pfn == MF_PFN_NONE || pfn < z->d.start_pfn || pfn >= z->d.end_pfn || cpu < 0 ||
	    cpu >= s->nr_cpus || s->st[pfn] != (uint8_t)(ST_PCP | order))
		return MF_PFN_NONE;
	pcp = &z->pcp[cpu];
	for (mt = 0; mt < MF_MT_PCPTYPES; mt++) {
		struct slist *l = &pcp->lists[order_to_pindex(s, mt, order)];

		if (l->head != (uint32_t)pfn)
			continue;
		pcp_unlink(s, pcp, l, pfn, order);
		pcp->free_count >>= 1;	/* as rmqueue_pcplist() */
		return pfn;
	}
	return MF_PFN_NONE;
}

/* nr_pcp_alloc() */
static int nr_pcp_alloc(struct pcp *pcp, const struct szone *z, int order)
{
	int base = pcp->batch, high = pcp->high, batch;

	if (high < pcp->high_min)
		high = pcp->high_min;
	if (high > pcp->high_max)
		high = pcp->high_max;
	pcp->high = high;
	if (high < base)
		return 1;
	batch = order ? base : base << pcp->alloc_factor;
	if (pcp->high_min != pcp->high_max && !z->below_high) {
		high = high + batch < pcp->high_max ? high + batch : pcp->high_max;
		pcp->high = high;
	}
	if (!order) {
		int max_nr = high - pcp_pages(pcp) - base;

		if (max_nr < base)
			max_nr = base;
		if (batch <= max_nr && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		if (batch > max_nr)
			batch = max_nr;
	}
	if (batch > 1) {
		batch >>= order;
		if (batch < 2)
			batch = 2;
	}
	return batch;
}

/*
 * take_traced_block() handed out the kernel's own page from the buddy lists, where in
 * the kernel it came through rmqueue_pcplist() from a list that rmqueue_bulk() had
 * refilled.  The pages stay where they are (the trace names each one as it is handed
 * out), but the list's auto-tuning follows the refills: each raises pcp->high by its
 * batch (nr_pcp_alloc()), and that is what lets a CPU that faulted in a large region
 * keep the pages it frees afterwards.  Without it, in the what-if recordings, the
 * simulated DMA32 lists held 10,000 pages after the workload's frees where the
 * kernel's held 41,000, and the simulated buddy lists the difference.  credit counts
 * the blocks of the last refill not yet handed out.
 */
void sim_pcp_traced_alloc(struct mf_sim *s, struct szone *z, int order, int mt, int cpu)
{
	struct pcp *pcp = &z->pcp[cpu];
	int pindex = order_to_pindex(s, mt, order);

	pcp->free_count >>= 1;
	if (pcp->credit[pindex] > 0)
		pcp->credit[pindex]--;
	else
		pcp->credit[pindex] = nr_pcp_alloc(pcp, z, order) - 1;
}

/* rmqueue_pcplist() with rmqueue_bulk() refills at the list tail */
uint64_t sim_rmqueue_pcplist(struct mf_sim *s, struct szone *z, int order, int mt,
			     unsigned int alloc_flags, int cpu)
{
	struct pcp *pcp = &z->pcp[cpu];
	struct slist *l = &pcp->lists[order_to_pindex(s, mt, order)];
	uint64_t pfn;

	pcp->free_count >>= 1;
	if (list_empty(l)) {
		enum rmqueue_mode mode = RMQUEUE_NORMAL;
		int n = nr_pcp_alloc(pcp, z, order), i;

		for (i = 0; i < n; i++) {
			pfn = sim_rmqueue(s, z, order, mt, alloc_flags, &mode);
			if (pfn == MF_PFN_NONE)
				break;
			s->st[pfn] = (uint8_t)(ST_PCP | order);
			sim_list_add(s, l, pfn, true);
			pcp->count += 1 << order;
		}
		if (list_empty(l))
			return MF_PFN_NONE;
	}
	pfn = l->head;
	pcp_unlink(s, pcp, l, pfn, order);
	return pfn;
}

/* drain_all_pages(zone): every CPU's lists of one zone */
void sim_drain_zone(struct mf_sim *s, struct szone *z)
{
	int c;

	for (c = 0; c < s->nr_cpus; c++)
		sim_drain_zone_cpu(s, z, c);
}

/* drain_all_pages(NULL) */
void sim_drain_all_pages(struct mf_sim *s)
{
	int i;

	for (i = 0; i < s->nr_zones; i++)
		sim_drain_zone(s, &s->z[i]);
}

/* refresh_cpu_vm_stats() -> decay_pcp_high(), once a second per CPU and zone */
void sim_decay_pcp(struct mf_sim *s)
{
	int i, c;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		for (c = 0; c < s->nr_cpus; c++) {
			struct pcp *pcp = &z->pcp[c];
			int to_drain;

			if (pcp->high > pcp->high_min) {
				int a = pcp_pages(pcp) - (pcp->batch << PCP_BATCH_SCALE_MAX);
				int b = pcp->high - (pcp->high >> 3);
				int h = a > b ? a : b;

				pcp->high = h > pcp->high_min ? h : pcp->high_min;
			}
			to_drain = pcp_pages(pcp) - pcp->high;
			if (to_drain > 0)
				pcp_bulk(s, z, pcp, to_drain, 0);
		}
	}
}
