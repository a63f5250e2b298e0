// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's allocator: the kernel's page-allocation policy, v6.15+ (mm/page_alloc.c,
 * mm/vmscan.c for kswapd's part), run on a machine of our own.  The trace says what was
 * asked for; every choice of page frame is made here.
 *
 * Ordered free lists (doubly linked through lnk[]/prv[]) keep the kernel's LIFO head
 * insertion and its tail rules, because which block __rmqueue_smallest() takes next is
 * what decides fragmentation.  Reclaim is outside the model: kswapd only wakes, clears
 * boosts and wakes kcompactd; a request that still fails after compaction counts as an
 * allocation failure at its order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

#define T2S_FAILED	(NIL - 1)	/* t2s: the simulator failed this request */
/* HPAGE_FRAG_CHECK_INTERVAL_MSEC: kcompactd's wait */
#define KCD_TIMEOUT	500000000ULL
#define HPAGE_PMD_ORDER	9

/* fallbacks[] (page_alloc.c): the types a request may take from, in order */
static const int fallbacks[MF_MT_PCPTYPES][2] = {
	[MF_MT_UNMOVABLE]	= { MF_MT_RECLAIMABLE, MF_MT_MOVABLE },
	[MF_MT_MOVABLE]		= { MF_MT_RECLAIMABLE, MF_MT_UNMOVABLE },
	[MF_MT_RECLAIMABLE]	= { MF_MT_UNMOVABLE, MF_MT_MOVABLE },
};

/* sysctl_lowmem_reserve_ratio[] by zone type (DMA, DMA32, Normal, Movable, Device) */
static const uint64_t lowmem_ratio[NR_ZONE_TYPES] = { 256, 256, 32, 0, 0 };

/* ---- lists ----------------------------------------------------------------------------- */

static void list_add(struct mf_sim *s, struct slist *l, uint64_t pfn, bool tail)
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

static void list_del(struct mf_sim *s, struct slist *l, uint64_t pfn)
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

/* ---- zones and free lists ---------------------------------------------------------------- */

struct szone *sim_zone_of(struct mf_sim *s, uint64_t pfn)
{
	struct szone *z = &s->z[s->last_zone];
	int i;

	if (pfn >= z->d.start_pfn && pfn < z->d.end_pfn)
		return z;
	for (i = 0; i < s->nr_zones; i++)
		if (pfn >= s->z[i].d.start_pfn && pfn < s->z[i].d.end_pfn) {
			s->last_zone = i;
			return &s->z[i];
		}
	return NULL;
}

static void account(struct szone *z, int order, int mt, int64_t sign)
{
	int64_t pages = sign * (int64_t)(1ULL << order);

	z->nr_free[order] += (uint64_t)sign;
	z->nr_free_mt[order][mt] += (uint64_t)sign;
	if (mt != MF_MT_ISOLATE)
		z->free_pages += (uint64_t)pages;
	if (mt == MF_MT_HIGHATOMIC)
		z->free_highatomic += (uint64_t)pages;
	if (mt == MF_MT_CMA)
		z->free_cma += (uint64_t)pages;
}

void sim_add_free(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int mt, bool tail)
{
	s->st[pfn] = (uint8_t)(ST_BUDDY | order);
	list_add(s, &z->fl[order][mt], pfn, tail);
	account(z, order, mt, 1);
}

void sim_del_free(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int mt)
{
	list_del(s, &z->fl[order][mt], pfn);
	s->st[pfn] = 0;
	account(z, order, mt, -1);
}

/* set_pageblock_migratetype(): pcp types collapse to UNMOVABLE without mobility grouping */
void sim_set_pageblock_mt(struct mf_sim *s, uint64_t pfn, int mt)
{
	uint8_t *b = &s->pb[pfn >> s->pbo];

	if (s->mobility_disabled && mt < MF_MT_PCPTYPES)
		mt = MF_MT_UNMOVABLE;
	*b = (uint8_t)((*b & ~PB_MT) | mt);
}

/* Every free block in [p, end) of zone z from its pageblock's list to new_mt's (tail). */
static void move_free_range(struct mf_sim *s, struct szone *z, uint64_t p, uint64_t end, int new_mt)
{
	while (p < end) {
		uint8_t v = s->st[p];
		int o = st_order(v);

		if (st_kind(v) == ST_BUDDY && !(v & ST_ISOLATED)) {
			sim_del_free(s, z, p, o, pb_mt(s, p));
			sim_add_free(s, z, p, o, new_mt, true);
			p += 1ULL << o;
		} else if (st_kind(v)) {
			p += 1ULL << o;
		} else {
			p++;
		}
	}
}

/*
 * move_freepages_block(): the pageblock's free blocks to new_mt's lists and the pageblock
 * to new_mt; refused (false) for a pageblock not wholly in the zone, as
 * prep_move_freepages_block() refuses it.
 */
bool sim_move_freepages_block(struct mf_sim *s, struct szone *z, uint64_t pfn, int new_mt)
{
	uint64_t start = pageblock_start(s, pfn), end = start + pageblock_nr_pages(s);

	if (start < z->d.start_pfn || end > z->d.end_pfn)
		return false;
	if (s->mobility_disabled && new_mt < MF_MT_PCPTYPES)
		new_mt = MF_MT_UNMOVABLE;
	if (pb_mt(s, start) == new_mt)
		return true;
	move_free_range(s, z, start, end, new_mt);
	sim_set_pageblock_mt(s, start, new_mt);
	return true;
}

uint64_t sim_free_pages_blocks(const struct mf_sim *s, const struct szone *z)
{
	uint64_t n = 0;
	int o, t;

	for (o = s->pbo; o <= s->max_order; o++)
		for (t = 0; t < MF_MAX_MT; t++)
			if (t != MF_MT_ISOLATE)
				n += z->nr_free_mt[o][t] << o;
	return n;
}

/* ---- freeing ------------------------------------------------------------------------- */

static inline bool mergeable(int mt)
{
	return mt < MF_MT_PCPTYPES;
}

/* compaction_capture(): a direct compactor takes a block of exactly its order */
static bool compaction_capture(struct mf_sim *s, struct szone *z, uint64_t pfn, int order,
			       int mt)
{
	struct capture_control *c = s->capc;

	if (!c || c->zone != z || c->page != MF_PFN_NONE || order != c->order)
		return false;
	if (mt == MF_MT_CMA || mt == MF_MT_ISOLATE)
		return false;
	if (order < s->pbo && mt == MF_MT_MOVABLE && c->mt != MF_MT_MOVABLE)
		return false;
	c->page = pfn;
	return true;
}

/* __free_one_page() of v6.10+: merging, the cross-pageblock rule, buddy_merge_likely() */
static void free_one_page_core(struct mf_sim *s, struct szone *z, uint64_t pfn, int order,
			       int mt, bool to_tail)
{
	while (order < s->max_order) {
		uint64_t buddy;
		int buddy_mt = mt;

		if (compaction_capture(s, z, pfn, order, mt)) {
			s->st[pfn] = 0;
			return;
		}
		buddy = pfn ^ (1ULL << order);
		if (buddy < z->d.start_pfn || buddy >= z->d.end_pfn || !is_buddy_head(s, buddy, order))
			break;
		buddy_mt = pb_mt(s, buddy);
		if (order >= s->pbo && mt != buddy_mt && (!mergeable(mt) || !mergeable(buddy_mt)))
			break;
		sim_del_free(s, z, buddy, order, buddy_mt);
		if (buddy_mt != mt) {
			uint64_t q;

			/* v6.10+: the buddy takes our type, so expand() later stays right */
			for (q = buddy; q < buddy + (1ULL << order); q += pageblock_nr_pages(s))
				sim_set_pageblock_mt(s, q, mt);
		}
		pfn &= buddy;
		order++;
	}
	if (!to_tail && order < s->max_order - 1) {
		/* buddy_merge_likely(): the block one order up may soon be complete */
		uint64_t hb = (pfn & ~(1ULL << order)) ^ (2ULL << order);

		to_tail = hb >= z->d.start_pfn && hb < z->d.end_pfn && is_buddy_head(s, hb, order + 1);
	}
	sim_add_free(s, z, pfn, order, mt, to_tail);
}

/* free_one_page() -> split_large_buddy(): chunks of at most a pageblock, each its own type */
static void free_one_page(struct mf_sim *s, struct szone *z, uint64_t pfn, int order)
{
	uint64_t end = pfn + (1ULL << order);
	int chunk = order > s->pbo ? s->pbo : order;

	for (; pfn < end; pfn += 1ULL << chunk)
		free_one_page_core(s, z, pfn, chunk, pb_mt(s, pfn), false);
}

static inline bool pcp_allowed_order(const struct mf_sim *s, int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == s->pcp_thp_order;
}

static inline int order_to_pindex(const struct mf_sim *s, int mt, int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return 12 + (mt == MF_MT_MOVABLE);
	return MF_MT_PCPTYPES * order + mt;
}

static inline int pindex_to_order(const struct mf_sim *s, int pindex)
{
	return pindex >= 12 ? s->pcp_thp_order : pindex / MF_MT_PCPTYPES;
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

			list_del(s, l, pfn);
			s->st[pfn] = 0;
			count -= 1 << order;
			pcp->count -= 1 << order;
			free_one_page_core(s, z, pfn, order, pb_mt(s, pfn), false);
		} while (count > 0 && !list_empty(l));
	}
}

void sim_drain_zone_cpu(struct mf_sim *s, struct szone *z, int cpu)
{
	struct pcp *pcp = &z->pcp[cpu];

	if (pcp->count)
		free_pcppages_bulk(s, z, pcp, pcp->count, 0);
}

static bool zone_watermark_ok(const struct mf_sim *s, const struct szone *z, int order,
			      uint64_t mark, int hzi, unsigned int alloc_flags);

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
		high = pcp->count > pcp->high_min ? pcp->count : pcp->high_min;
	} else if (pcp->count >= high) {
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
		return pcp->count < (batch << PCP_BATCH_SCALE_MAX) ? pcp->count :
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

/* free_frozen_page_commit() */
static void free_to_pcp(struct mf_sim *s, struct szone *z, struct pcp *pcp, uint64_t pfn,
			int order, int mt)
{
	int pindex = order_to_pindex(s, mt, order), batch = pcp->batch, high;
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	s->st[pfn] = (uint8_t)(ST_PCP | order);
	list_add(s, &pcp->lists[pindex], pfn, false);
	pcp->count += 1 << order;
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch + pcp->high_min / 2 && pcp->prev_free_high;
		pcp->prev_free_high = true;
	} else {
		pcp->prev_free_high = false;
	}
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = nr_pcp_high(pcp, z, batch, free_high);
	if (pcp->count >= high) {
		free_pcppages_bulk(s, z, pcp, nr_pcp_free(pcp, batch, high, free_high), pindex);
		if (z->below_high && zone_watermark_ok(s, z, 0, wmark_pages(z, WMARK_HIGH), 3, 0))
			z->below_high = false;
	}
}

/* __free_frozen_pages(): per-CPU lists for pcp orders, else the buddy lists */
void sim_free_pages(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int cpu)
{
	int mt;

	s->st[pfn] = 0;
	if (!pcp_allowed_order(s, order)) {
		free_one_page(s, z, pfn, order);
		return;
	}
	mt = pb_mt(s, pfn);
	if (mt >= MF_MT_PCPTYPES) {
		if (mt == MF_MT_ISOLATE) {
			free_one_page(s, z, pfn, order);
			return;
		}
		mt = MF_MT_MOVABLE;
	}
	free_to_pcp(s, z, &z->pcp[cpu], pfn, order, mt);
}

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

static bool zone_watermark_ok(const struct mf_sim *s, const struct szone *z, int order,
			      uint64_t mark, int hzi, unsigned int alloc_flags)
{
	return sim_zone_watermark_ok(s, z, order, mark, hzi, alloc_flags, (int64_t)z->free_pages);
}

/* zone_watermark_fast() */
static bool zone_watermark_fast(const struct mf_sim *s, const struct szone *z, int order,
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

/* ---- taking pages off the free lists ---------------------------------------------------- */

/* expand(): upper halves back on mt's lists (head), the caller keeps the lowest part */
static void expand(struct mf_sim *s, struct szone *z, uint64_t pfn, int low, int high, int mt)
{
	while (high > low) {
		high--;
		sim_add_free(s, z, pfn + (1ULL << high), high, mt, false);
	}
}

static uint64_t rmqueue_smallest(struct mf_sim *s, struct szone *z, int order, int mt)
{
	int o;

	for (o = order; o <= s->max_order; o++) {
		uint64_t pfn = z->fl[o][mt].head;

		if (pfn == NIL)
			continue;
		sim_del_free(s, z, pfn, o, mt);
		expand(s, z, pfn, order, o, mt);
		return pfn;
	}
	return MF_PFN_NONE;
}

/* should_try_claim_block() */
static bool should_try_claim_block(const struct mf_sim *s, int order, int start_mt)
{
	if (order >= s->pbo)
		return true;
	return order >= s->pbo / 2 || start_mt == MF_MT_RECLAIMABLE ||
	       start_mt == MF_MT_UNMOVABLE || s->mobility_disabled;
}

/* find_suitable_fallback(): -2 too low to claim, -1 none, else the fallback type */
int sim_find_suitable_fallback(const struct mf_sim *s, const struct szone *z, int order,
			       int mt, bool claimable)
{
	int i;

	if (mt >= MF_MT_PCPTYPES)
		return -1;
	if (claimable && !should_try_claim_block(s, order, mt))
		return -2;
	if (!z->nr_free[order])
		return -1;
	for (i = 0; i < 2; i++)
		if (z->nr_free_mt[order][fallbacks[mt][i]])
			return fallbacks[mt][i];
	return -1;
}

/* boost_watermark() */
static bool boost_watermark(struct mf_sim *s, struct szone *z)
{
	uint64_t max_boost, pb = pageblock_nr_pages(s);

	if (!s->c.watermark_boost_factor)
		return false;
	if (pb * 4 > z->d.managed)
		return false;
	max_boost = z->wmark[WMARK_HIGH] * (uint64_t)s->c.watermark_boost_factor / 10000;
	if (!max_boost)
		return false;
	if (max_boost < pb)
		max_boost = pb;
	z->boost = z->boost + pb < max_boost ? z->boost + pb : max_boost;
	s->stats.boosts++;
	return true;
}

static void count_fallback(struct mf_sim *s, int order, int fb_order, int start_mt, int fb_mt,
			   bool claimed)
{
	s->stats.fallback[start_mt][fb_mt][claimed]++;
	if (fb_order < s->pbo)
		s->stats.fallback_fragmenting++;
	s->stats.fallback_by_order[order]++;
}

/* try_to_claim_block() */
static uint64_t try_to_claim_block(struct mf_sim *s, struct szone *z, uint64_t pfn,
				   int cur_order, int order, int start_mt, int block_mt,
				   unsigned int alloc_flags)
{
	uint64_t start, end, p, free_pages = 0, movable_pages = 0, alike;

	if (cur_order >= s->pbo) {
		uint64_t q;

		sim_del_free(s, z, pfn, cur_order, block_mt);
		for (q = pfn; q < pfn + (1ULL << cur_order); q += pageblock_nr_pages(s))
			sim_set_pageblock_mt(s, q, start_mt);
		expand(s, z, pfn, order, cur_order, pb_mt(s, pfn));
		return pfn;
	}
	if (boost_watermark(s, z) && (alloc_flags & ALLOC_KSWAPD))
		z->boosted = true;
	/* prep_move_freepages_block(): the whole pageblock must be inside the zone */
	start = pageblock_start(s, pfn);
	end = start + pageblock_nr_pages(s);
	if (start < z->d.start_pfn || end > z->d.end_pfn)
		return MF_PFN_NONE;
	for (p = start; p < end;) {
		uint8_t v = s->st[p];
		int o = st_order(v);

		if (st_kind(v) == ST_BUDDY && !(v & ST_ISOLATED)) {
			free_pages += 1ULL << o;
			p += 1ULL << o;
		} else if (st_kind(v) == ST_USED) {
			if (v & ST_MOVABLE)
				movable_pages += 1ULL << o;
			p += 1ULL << o;
		} else if (st_kind(v) == ST_PCP) {
			p += 1ULL << o;
		} else {
			p++;
		}
	}
	if (start_mt == MF_MT_MOVABLE)
		alike = movable_pages;
	else if (block_mt == MF_MT_MOVABLE)
		alike = pageblock_nr_pages(s) - free_pages - movable_pages;
	else
		alike = 0;
	if (free_pages + alike >= pageblock_nr_pages(s) / 2 || s->mobility_disabled) {
		sim_move_freepages_block(s, z, start, start_mt);
		return rmqueue_smallest(s, z, order, pb_mt(s, start));
	}
	return MF_PFN_NONE;
}

/* __rmqueue_claim() */
static uint64_t rmqueue_claim(struct mf_sim *s, struct szone *z, int order, int start_mt,
			      unsigned int alloc_flags)
{
	int min_order = order, o;

	if (order < s->pbo && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = s->pbo;
	for (o = s->max_order; o >= min_order; o--) {
		int fb = sim_find_suitable_fallback(s, z, o, start_mt, true);
		uint64_t pfn;

		if (fb == -1)
			continue;
		if (fb == -2)
			break;
		pfn = try_to_claim_block(s, z, z->fl[o][fb].head, o, order, start_mt, fb,
					 alloc_flags);
		if (pfn != MF_PFN_NONE) {
			count_fallback(s, order, o, start_mt, fb, true);
			return pfn;
		}
	}
	return MF_PFN_NONE;
}

/* __rmqueue_steal() */
static uint64_t rmqueue_steal(struct mf_sim *s, struct szone *z, int order, int start_mt)
{
	int o;

	for (o = order; o <= s->max_order; o++) {
		int fb = sim_find_suitable_fallback(s, z, o, start_mt, false);
		uint64_t pfn;

		if (fb < 0)
			continue;
		pfn = z->fl[o][fb].head;
		sim_del_free(s, z, pfn, o, fb);
		expand(s, z, pfn, order, o, fb);
		count_fallback(s, order, o, start_mt, fb, false);
		return pfn;
	}
	return MF_PFN_NONE;
}

enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CMA, RMQUEUE_CLAIM, RMQUEUE_STEAL };

/* __rmqueue() of v6.15, with the mode rmqueue_bulk() carries between iterations */
static uint64_t rmqueue(struct mf_sim *s, struct szone *z, int order, int mt,
			unsigned int alloc_flags, enum rmqueue_mode *mode)
{
	uint64_t pfn;

	switch (*mode) {
	case RMQUEUE_NORMAL:
		pfn = rmqueue_smallest(s, z, order, mt);
		if (pfn != MF_PFN_NONE)
			return pfn;
		/* fallthrough */
	case RMQUEUE_CMA:
		if (alloc_flags & ALLOC_CMA) {
			pfn = rmqueue_smallest(s, z, order, MF_MT_CMA);
			if (pfn != MF_PFN_NONE) {
				*mode = RMQUEUE_CMA;
				return pfn;
			}
		}
		/* fallthrough */
	case RMQUEUE_CLAIM:
		pfn = rmqueue_claim(s, z, order, mt, alloc_flags);
		if (pfn != MF_PFN_NONE) {
			*mode = RMQUEUE_NORMAL;
			return pfn;
		}
		/* fallthrough */
	case RMQUEUE_STEAL:
		if (!(alloc_flags & ALLOC_NOFRAGMENT)) {
			pfn = rmqueue_steal(s, z, order, mt);
			if (pfn != MF_PFN_NONE) {
				*mode = RMQUEUE_STEAL;
				return pfn;
			}
		}
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
		int max_nr = high - pcp->count - base;

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

/* rmqueue_pcplist() with rmqueue_bulk() refills at the list tail */
static uint64_t rmqueue_pcplist(struct mf_sim *s, struct szone *z, int order, int mt,
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
			pfn = rmqueue(s, z, order, mt, alloc_flags, &mode);
			if (pfn == MF_PFN_NONE)
				break;
			s->st[pfn] = (uint8_t)(ST_PCP | order);
			list_add(s, l, pfn, true);
			pcp->count += 1 << order;
		}
		if (list_empty(l))
			return MF_PFN_NONE;
	}
	pfn = l->head;
	list_del(s, l, pfn);
	s->st[pfn] = 0;
	pcp->count -= 1 << order;
	return pfn;
}

static void sim_wakeup_kswapd(struct mf_sim *s, int node, uint64_t gfp, int order, int hzi);
static int gfp_migratetype(const struct mf_sim *s, uint64_t gfp);
static int gfp_zone(uint64_t gfp);

/* rmqueue() */
static uint64_t rmqueue_zone(struct mf_sim *s, struct szone *z, const struct alloc_ctx *ac,
			     unsigned int alloc_flags)
{
	uint64_t pfn = MF_PFN_NONE;

	if (pcp_allowed_order(s, ac->order))
		pfn = rmqueue_pcplist(s, z, ac->order, ac->mt, alloc_flags, ac->cpu);
	if (pfn == MF_PFN_NONE) {
		enum rmqueue_mode mode = RMQUEUE_NORMAL;

		if (alloc_flags & ALLOC_HIGHATOMIC)
			pfn = rmqueue_smallest(s, z, ac->order, MF_MT_HIGHATOMIC);
		if (pfn == MF_PFN_NONE)
			pfn = rmqueue(s, z, ac->order, ac->mt, alloc_flags, &mode);
		if (pfn == MF_PFN_NONE && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
			pfn = rmqueue_smallest(s, z, ac->order, MF_MT_HIGHATOMIC);
	}
	if ((alloc_flags & ALLOC_KSWAPD) && z->boosted) {
		z->boosted = false;
		sim_wakeup_kswapd(s, z->d.node, 0, 0, z->type);
	}
	return pfn;
}

/* ---- the allocation paths ---------------------------------------------------------------- */

static inline bool zone_usable(const struct szone *z, const struct alloc_ctx *ac)
{
	return z->type <= ac->hzi && z->d.managed > 0;
}

/*
 * get_page_from_freelist(): the zonelist is the request's node first, zones from the
 * highest allowed type down, then the other nodes'.
 */
uint64_t sim_get_page_from_freelist(struct mf_sim *s, const struct alloc_ctx *ac,
				    unsigned int alloc_flags)
{
	int pass, i;

retry:
	for (pass = 0; pass < 2; pass++) {
		for (i = s->nr_zones - 1; i >= 0; i--) {
			struct szone *z = &s->z[i];
			uint64_t pfn, mark;

			if ((pass == 0) != (z->d.node == ac->node) || !zone_usable(z, ac))
				continue;
			if (pass == 1 && (alloc_flags & ALLOC_NOFRAGMENT)) {
				/* a remote node: fragmenting the local one is better than that */
				alloc_flags &= ~ALLOC_NOFRAGMENT;
				goto retry;
			}
			if (!z->below_high) {
				if (zone_watermark_fast(s, z, ac->order, wmark_pages(z, WMARK_HIGH),
							ac->hzi, alloc_flags))
					goto try_this_zone;
				z->below_high = true;
			}
			mark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
			if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
			    !zone_watermark_fast(s, z, ac->order, mark, ac->hzi, alloc_flags))
				continue;
try_this_zone:
			pfn = rmqueue_zone(s, z, ac, alloc_flags);
			if (pfn != MF_PFN_NONE)
				return pfn;
		}
	}
	if ((alloc_flags & ALLOC_NOFRAGMENT) && !s->c.defrag_mode) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return MF_PFN_NONE;
}

/* pgdat_balanced(): some zone up to hzi meets its high watermark at order */
static bool pgdat_balanced(const struct mf_sim *s, int node, int order, int hzi)
{
	bool any = false;
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		const struct szone *z = &s->z[i];

		if (z->d.node != node || z->type > hzi || !z->d.managed)
			continue;
		any = true;
		if (zone_watermark_ok(s, z, order, wmark_pages(z, WMARK_HIGH), hzi, 0))
			return true;
	}
	return !any;
}

static bool pgdat_boosted(const struct mf_sim *s, int node, int hzi)
{
	int i;

	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node && s->z[i].type <= hzi && s->z[i].boost)
			return true;
	return false;
}

/* wakeup_kswapd() */
static void sim_wakeup_kswapd(struct mf_sim *s, int node, uint64_t gfp, int order, int hzi)
{
	struct snode *n = &s->node[node];

	if (n->kswapd_order >= 0) {		/* running: raise what it works for */
		if (order > n->kswapd_order)
			n->kswapd_order = order;
		if (hzi > n->kswapd_hzi)
			n->kswapd_hzi = hzi;
		return;
	}
	if (pgdat_balanced(s, node, order, hzi) && !pgdat_boosted(s, node, hzi)) {
		if (!(gfp & GFP_DIRECT_RECLAIM))
			sim_wakeup_kcompactd(s, node, order, hzi);
		return;
	}
	n->kswapd_order = order;
	n->kswapd_hzi = hzi;
	s->stats.cp.kswapd_wake++;
}

/*
 * kswapd without reclaim: balance_pgdat() ends a boosted run by clearing the boost and
 * waking kcompactd for a pageblock; kswapd_try_to_sleep() sleeps once the node meets its
 * order-0 high watermarks (kswapd drops to order 0 after compact_gap of reclaim) and then
 * wakes kcompactd for the order it was woken for.  Reclaim itself shows in the trace as
 * the frees that follow.
 */
static void kswapd_step(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];
	bool boosted = false;
	int i, order = n->kswapd_order, hzi = n->kswapd_hzi;

	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node && s->z[i].boost) {
			s->z[i].boost = 0;
			boosted = true;
		}
	if (boosted)
		sim_wakeup_kcompactd(s, node, s->pbo, hzi);
	if (!pgdat_balanced(s, node, 0, hzi))
		return;
	n->kswapd_order = -1;
	sim_reset_isolation_suitable(s, node);
	sim_wakeup_kcompactd(s, node, order, hzi);
}

static void deferred_work(struct mf_sim *s)
{
	int nd;

	for (nd = 0; nd < MAX_NODES; nd++)
		if (s->node[nd].kswapd_order >= 0)
			kswapd_step(s, nd);
	if (s->kcd_pending && s->c.compaction)
		sim_kcompactd_work(s);
	s->kcd_pending = false;
}

/* gfp_to_alloc_flags() (+ gfp_to_alloc_flags_cma()) */
static unsigned int gfp_to_alloc_flags(const struct mf_sim *s, const struct alloc_ctx *ac)
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
		/* defrag_mode: kswapd works for whole pageblocks */
		sim_wakeup_kswapd(s, z->d.node, ac->gfp,
				  s->c.defrag_mode && ac->order < s->pbo ? s->pbo : ac->order, ac->hzi);
	}
}

/* drain_all_pages(zone): every CPU's lists of one zone */
void sim_drain_zone(struct mf_sim *s, struct szone *z)
{
	int c;

	for (c = 0; c < s->nr_cpus; c++)
		sim_drain_zone_cpu(s, z, c);
}

/* drain_all_pages(NULL) */
static void drain_all_pages(struct mf_sim *s)
{
	int i;

	for (i = 0; i < s->nr_zones; i++)
		sim_drain_zone(s, &s->z[i]);
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
	int rounds = ac->reclaim_rounds, retries = 0;
	enum cp_result cr = CP_SKIPPED;
	bool progress;
	unsigned int f;
	uint64_t pfn;

	s->stats.slowpath[ac->order]++;
	f = gfp_to_alloc_flags(s, ac);
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
	/* __alloc_pages_direct_reclaim() */
	progress = rounds > 0;
	if (progress) {
		rounds--;
		pfn = sim_get_page_from_freelist(s, ac, f);
		if (pfn != MF_PFN_NONE)
			return pfn;
		drain_all_pages(s);
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
	/* should_reclaim_retry() while the trace shows more reclaim, then compaction's */
	if (progress && rounds > 0)
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
static int gfp_zone(uint64_t gfp)
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
static uint64_t alloc_pages(struct mf_sim *s, struct alloc_ctx *ac)
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

/* ---- the kernel's pfns and ours ------------------------------------------------------------ */

int sim_t2s_reserve(struct mf_sim *s, uint64_t end)
{
	uint64_t n = s->nr_t2s, i;
	uint32_t *t;

	if (end <= n)
		return 0;
	if (end >= OWNER_PENDING)
		return -1;
	while (n < end)
		n = n ? n * 2 : 1 << 20;
	if (n > OWNER_PENDING)
		n = OWNER_PENDING;
	t = realloc(s->t2s, n * sizeof(*t));
	if (!t)
		return -1;
	for (i = s->nr_t2s; i < n; i++)
		t[i] = NIL;
	s->t2s = t;
	s->nr_t2s = n;
	return 0;
}

void sim_set_used(struct mf_sim *s, uint64_t pfn, int order, bool movable, uint32_t owner)
{
	uint64_t i;

	s->st[pfn] = (uint8_t)(ST_USED | order | (movable ? ST_MOVABLE : 0));
	for (i = 1; i < (1ULL << order); i++)
		s->st[pfn + i] = 0;
	s->lnk[pfn] = owner;
}

/* The used block that covers pfn: its head, or MF_PFN_NONE. */
static uint64_t used_head(const struct mf_sim *s, uint64_t pfn)
{
	int k;

	if (st_kind(s->st[pfn]) == ST_USED)
		return pfn;
	if (st_kind(s->st[pfn]))
		return MF_PFN_NONE;
	for (k = 1; k <= s->max_order; k++) {
		uint64_t h = pfn & ~((1ULL << k) - 1);
		uint8_t v = s->st[h];

		if (st_kind(v)) {
			if (st_kind(v) == ST_USED && st_order(v) >= k)
				return h;
			return MF_PFN_NONE;
		}
	}
	return MF_PFN_NONE;
}

/* Forget where the owner of the used block at pfn said it lived. */
static void unmap_owner(struct mf_sim *s, uint64_t pfn, int order)
{
	uint32_t owner = s->lnk[pfn];
	uint64_t i;

	if (owner == NIL || (owner & OWNER_PENDING))
		return;
	for (i = 0; i < (1ULL << order) && owner + i < s->nr_t2s; i++)
		if (s->t2s[owner + i] == pfn + i)
			s->t2s[owner + i] = NIL;
}

/* split_page(): a used block becomes order-0 used pages with their own owners */
void sim_split_used(struct mf_sim *s, uint64_t pfn)
{
	uint8_t v = s->st[pfn];
	int order = st_order(v);
	uint32_t owner = s->lnk[pfn];
	uint64_t i;

	for (i = 0; i < (1ULL << order); i++) {
		s->st[pfn + i] = (uint8_t)(ST_USED | (v & ST_MOVABLE));
		s->lnk[pfn + i] = owner == NIL || (owner & OWNER_PENDING) ? (i ? NIL : owner) :
				  owner + (uint32_t)i;
	}
}

static void free_used_block(struct mf_sim *s, uint64_t pfn, int cpu)
{
	struct szone *z = sim_zone_of(s, pfn);
	int order = st_order(s->st[pfn]);
	uint32_t owner = s->lnk[pfn];

	/* a page waiting for its free after the kernel's compaction: it has had it */
	if (owner != NIL && (owner & OWNER_PENDING))
		s->pend[owner & ~OWNER_PENDING].spfn = NIL;
	unmap_owner(s, pfn, order);
	if (z)
		sim_free_pages(s, z, pfn, order, cpu);
}

/* Free what the simulator holds in [spfn, spfn + 2^order), splitting larger blocks. */
static void free_range(struct mf_sim *s, uint64_t spfn, int order, int cpu)
{
	uint64_t end = spfn + (1ULL << order), p, h;

	if (end > s->nr_pfns)
		end = s->nr_pfns;
	h = spfn < s->nr_pfns ? used_head(s, spfn) : MF_PFN_NONE;
	if (h != MF_PFN_NONE && h == spfn && st_order(s->st[h]) == order) {
		free_used_block(s, h, cpu);
		return;
	}
	if (h != MF_PFN_NONE && (h < spfn || h + (1ULL << st_order(s->st[h])) > end))
		sim_split_used(s, h);
	for (p = spfn; p < end;) {
		uint8_t v = s->st[p];

		if (st_kind(v) == ST_USED && !(v & ST_ISOLATED)) {
			p += 1ULL << st_order(v);
			free_used_block(s, p - (1ULL << st_order(v)), cpu);
		} else if (st_kind(v)) {
			p += 1ULL << st_order(v);
		} else {
			p++;
		}
	}
}

static uint32_t pend_take(struct mf_sim *s, int order)
{
	struct slist *f = &s->pend_fifo[order];
	uint32_t i = f->head;

	if (i == NIL)
		return NIL;
	f->head = s->pend[i].next;
	if (f->head == NIL)
		f->tail = NIL;
	s->pend[i].next = s->pend_free;
	s->pend_free = i;
	return i;
}

static uint32_t pend_put(struct mf_sim *s, uint64_t spfn, int order)
{
	struct slist *f = &s->pend_fifo[order];
	uint32_t i;

	if (s->pend_free != NIL) {
		i = s->pend_free;
		s->pend_free = s->pend[i].next;
	} else {
		if (s->nr_pend == s->cap_pend) {
			uint32_t cap = s->cap_pend ? s->cap_pend * 2 : 4096;
			struct pending *p = realloc(s->pend, cap * sizeof(*p));

			if (!p)
				return NIL;
			s->pend = p;
			s->cap_pend = cap;
		}
		i = s->nr_pend++;
	}
	s->pend[i].spfn = (uint32_t)spfn;
	s->pend[i].next = NIL;
	if (f->tail == NIL)
		f->head = i;
	else
		s->pend[f->tail].next = i;
	f->tail = i;
	return i;
}

/* Compaction moved the used block at from to to: its owner follows. */
void sim_owner_moved(struct mf_sim *s, uint64_t from, uint64_t to, int order)
{
	uint32_t owner = s->lnk[from];
	uint64_t i;

	s->lnk[to] = owner;
	if (owner == NIL)
		return;
	if (owner & OWNER_PENDING) {
		s->pend[owner & ~OWNER_PENDING].spfn = (uint32_t)to;
		return;
	}
	for (i = 0; i < (1ULL << order) && owner + i < s->nr_t2s; i++)
		if (s->t2s[owner + i] == from + i)
			s->t2s[owner + i] = (uint32_t)(to + i);
}

/* ---- the workload's entry points ---------------------------------------------------------- */

static inline int sim_cpu(const struct mf_sim *s, int cpu)
{
	return cpu >= 0 ? cpu % s->nr_cpus : 0;
}

static int gfp_migratetype(const struct mf_sim *s, uint64_t gfp)
{
	int mt = (int)((gfp & (GFP_RECLAIMABLE | GFP_MOVABLE)) >> 3);

	if (s->mobility_disabled)
		return MF_MT_UNMOVABLE;
	return mt >= MF_MT_PCPTYPES ? MF_MT_MOVABLE : mt;	/* both bits: invalid, as movable */
}

void mf_sim_frame_free(struct mf_sim *s, uint64_t tpfn, int order)
{
	uint64_t i, n = 1ULL << (order < 0 ? 0 : order);

	if (tpfn >= s->nr_t2s)
		return;
	for (i = 0; i < n && tpfn + i < s->nr_t2s; i++) {
		uint32_t sp = s->t2s[tpfn + i];

		if (sp == NIL)
			continue;
		s->t2s[tpfn + i] = NIL;
		if (sp == T2S_FAILED)
			continue;
		s->stats.stale_released++;
		free_range(s, sp, 0, 0);
	}
}

/* The allocation context of a request: migratetype and highest zone from its gfp. */
static void init_ctx(const struct mf_sim *s, struct alloc_ctx *ac, int order, uint64_t gfp,
		     int cpu)
{
	memset(ac, 0, sizeof(*ac));
	ac->order = order;
	ac->gfp = gfp;
	ac->mt = gfp_migratetype(s, gfp);
	ac->hzi = gfp_zone(gfp);
	ac->cpu = sim_cpu(s, cpu);
	ac->node = s->z[0].d.node;
}

void mf_sim_alloc(struct mf_sim *s, const struct mf_sim_req *r)
{
	struct alloc_ctx ac;
	uint64_t pfn, i, n;
	bool kernel_failed = r->tpfn == MF_PFN_NONE;

	if (r->order < 0 || r->order >= MF_MAX_ORDERS)
		return;
	mf_sim_tick(s, r->ts);
	s->stats.requests[r->order]++;
	if (kernel_failed)
		s->stats.kernel_failed[r->order]++;
	n = 1ULL << r->order;
	if (!kernel_failed)
		mf_sim_frame_free(s, r->tpfn, r->order);
	if (r->order > s->max_order) {
		s->stats.failures[r->order]++;
		if (!kernel_failed && !sim_t2s_reserve(s, r->tpfn + n))
			for (i = 0; i < n; i++)
				s->t2s[r->tpfn + i] = T2S_FAILED;
		return;
	}
	init_ctx(s, &ac, r->order, r->gfp, r->cpu);
	ac.reclaim_rounds = r->reclaim_rounds;
	s->cur_cpu = ac.cpu;
	pfn = alloc_pages(s, &ac);
	if (pfn == MF_PFN_NONE) {
		s->stats.failures[r->order]++;
		if (!kernel_failed && !sim_t2s_reserve(s, r->tpfn + n))
			for (i = 0; i < n; i++)
				s->t2s[r->tpfn + i] = T2S_FAILED;
	} else if (kernel_failed) {
		/* the kernel's caller fell back to something else: give it back at once */
		sim_set_used(s, pfn, r->order, false, NIL);
		sim_free_pages(s, sim_zone_of(s, pfn), pfn, r->order, ac.cpu);
	} else if (sim_t2s_reserve(s, r->tpfn + n)) {
		sim_set_used(s, pfn, r->order, r->gfp & GFP_MOVABLE, NIL);
	} else {
		sim_set_used(s, pfn, r->order, r->gfp & GFP_MOVABLE, (uint32_t)r->tpfn);
		for (i = 0; i < n; i++)
			s->t2s[r->tpfn + i] = (uint32_t)(pfn + i);
	}
	deferred_work(s);
}

void mf_sim_free(struct mf_sim *s, uint64_t ts, uint64_t tpfn, int order, int cpu)
{
	uint32_t sp;

	if (order < 0 || order >= MF_MAX_ORDERS)
		return;
	mf_sim_tick(s, ts);
	cpu = sim_cpu(s, cpu);
	sp = tpfn < s->nr_t2s ? s->t2s[tpfn] : NIL;
	if (sp == NIL) {
		/* a page the kernel's compaction moved: the oldest waiting of that order */
		uint32_t e = pend_take(s, order);
		uint64_t i, n = 1;

		if (e == NIL && order > 0 && (e = pend_take(s, 0)) != NIL)
			n = 1ULL << order;	/* or its pages, if it was split on our side */
		if (e == NIL) {
			s->stats.frees_unmatched++;
			return;
		}
		s->stats.frees_after_migration++;
		for (i = 0; i < n && e != NIL; i++, e = i < n ? pend_take(s, 0) : NIL) {
			sp = s->pend[e].spfn;
			if (sp != NIL && st_kind(s->st[sp]) == ST_USED && !(s->st[sp] & ST_ISOLATED)) {
				s->lnk[sp] = NIL;
				free_used_block(s, sp, cpu);
			}
		}
	} else if (sp == T2S_FAILED) {
		uint64_t i;

		s->stats.frees_of_failed++;
		for (i = 0; i < (1ULL << order) && tpfn + i < s->nr_t2s; i++)
			if (s->t2s[tpfn + i] == T2S_FAILED)
				s->t2s[tpfn + i] = NIL;
		return;
	} else {
		s->stats.frees++;
		free_range(s, sp, order, cpu);
	}
	deferred_work(s);
}

void mf_sim_kernel_migrated(struct mf_sim *s, uint64_t tpfn, int order)
{
	uint64_t h, i;
	uint32_t sp, e;

	if (tpfn >= s->nr_t2s || order < 0 || order >= MF_MAX_ORDERS)
		return;
	sp = s->t2s[tpfn];
	if (sp == NIL)
		return;
	if (sp == T2S_FAILED) {
		s->t2s[tpfn] = NIL;
		return;
	}
	h = used_head(s, sp);
	if (h == MF_PFN_NONE)
		return;
	s->stats.kernel_migrations++;
	if (h == sp && st_order(s->st[h]) == order) {
		unmap_owner(s, h, order);
		e = pend_put(s, h, order);
		s->lnk[h] = e == NIL ? NIL : OWNER_PENDING | e;
		return;
	}
	/* not one block of ours: each of its pages waits, as a page of order 0 */
	for (i = 0; i < (1ULL << order) && tpfn + i < s->nr_t2s; i++) {
		uint32_t p = s->t2s[tpfn + i];

		if (p == NIL || p == T2S_FAILED || (h = used_head(s, p)) == MF_PFN_NONE) {
			s->t2s[tpfn + i] = NIL;
			continue;
		}
		if (st_order(s->st[h]))
			sim_split_used(s, h);
		unmap_owner(s, p, 0);
		s->t2s[tpfn + i] = NIL;
		e = pend_put(s, p, 0);
		s->lnk[p] = e == NIL ? NIL : OWNER_PENDING | e;
	}
}

void mf_sim_manual_compact(struct mf_sim *s, uint64_t ts, uint64_t zone_tpfn)
{
	struct szone *z = NULL;
	int i, type;

	mf_sim_tick(s, ts);
	if (!s->c.compaction)
		return;
	if (!s->c.memory) {
		z = sim_zone_of(s, zone_tpfn);
	} else {
		/* a layout of our own: the zone of the same type (x86-64 boundaries) */
		type = zone_tpfn < 4096 ? 0 : zone_tpfn < (1ULL << 20) ? 1 : 2;
		for (i = 0; i < s->nr_zones; i++)
			if (s->z[i].type == type)
				z = &s->z[i];
	}
	if (z)
		sim_compact_manual(s, z);
	deferred_work(s);
}

/* refresh_cpu_vm_stats() -> decay_pcp_high(), once a second per CPU and zone */
static void decay_pcp(struct mf_sim *s)
{
	int i, c;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		for (c = 0; c < s->nr_cpus; c++) {
			struct pcp *pcp = &z->pcp[c];
			int to_drain;

			if (pcp->high > pcp->high_min) {
				int a = pcp->count - (pcp->batch << PCP_BATCH_SCALE_MAX);
				int b = pcp->high - (pcp->high >> 3);
				int h = a > b ? a : b;

				pcp->high = h > pcp->high_min ? h : pcp->high_min;
			}
			to_drain = pcp->count - pcp->high;
			if (to_drain > 0)
				free_pcppages_bulk(s, z, pcp, to_drain, 0);
		}
	}
}

void mf_sim_tick(struct mf_sim *s, uint64_t ts)
{
	int nd;

	if (ts <= s->now)
		return;
	s->now = ts;
	if (ts >= s->next_decay) {
		decay_pcp(s);
		s->next_decay = ts + 1000000000ULL;
	}
	if (!s->c.compaction)
		return;
	/* without proactive compaction kcompactd waits without a timeout */
	for (nd = 0; nd < MAX_NODES && s->c.compaction_proactiveness; nd++)
		if (s->node[nd].kcd_next && ts >= s->node[nd].kcd_next)
			sim_kcompactd_timer(s, nd);
}

void mf_sim_kswapd(struct mf_sim *s, uint64_t ts, int node, int zid, bool running)
{
	int i;

	if (node < 0 || node >= MAX_NODES)
		return;
	mf_sim_tick(s, ts);
	s->node[node].reclaiming = running;
	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node)
			s->z[i].reclaim_active = running && s->z[i].type <= zid;
}

void mf_sim_direct_reclaim(struct mf_sim *s, uint64_t ts, int order, uint64_t gfp)
{
	struct alloc_ctx ac;
	int i;

	if (order < 0 || order > s->max_order)
		return;
	mf_sim_tick(s, ts);
	init_ctx(s, &ac, order, gfp, 0);
	/* would get_page_from_freelist() with the slow path's flags succeed now? */
	for (i = 0; i < s->nr_zones; i++)
		if (zone_usable(&s->z[i], &ac) &&
		    zone_watermark_ok(s, &s->z[i], order, wmark_pages(&s->z[i], WMARK_MIN), ac.hzi,
				      gfp_to_alloc_flags(s, &ac)))
			return;
	drain_all_pages(s);
	s->stats.reclaim_drains++;
}

void mf_sim_kcompactd_tick(struct mf_sim *s, uint64_t ts, int node)
{
	struct snode *n;

	if (node < 0 || node >= MAX_NODES)
		return;
	mf_sim_tick(s, ts);
	n = &s->node[node];
	/* the kernel's kcompactd starts its wait now: ours ends with it, unless backing off */
	n->kcd_next = ts + KCD_TIMEOUT > n->kcd_backoff ? ts + KCD_TIMEOUT : n->kcd_backoff;
}

/* ---- set-up ----------------------------------------------------------------------------- */

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, b = 1ULL << 62;

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

/*
 * __setup_per_zone_wmarks(), with min_free_kbytes from calculate_min_free_kbytes() and
 * khugepaged's set_recommended_min_free_kbytes() unless the config sets it.
 */
static void setup_wmarks(struct mf_sim *s, bool keep)
{
	uint64_t lowmem = 0, min_kb, pages_min;
	int i, nz = 0;

	if (keep)
		return;
	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].type < 3) {
			lowmem += s->z[i].d.managed;
			if (s->z[i].d.managed)
				nz++;
		}
	if (s->c.min_free_kbytes != MF_SIM_KEEP) {
		min_kb = (uint64_t)s->c.min_free_kbytes;
	} else {
		uint64_t rec = pageblock_nr_pages(s) * (uint64_t)nz * 2 +
			       pageblock_nr_pages(s) * (uint64_t)nz * MF_MT_PCPTYPES * MF_MT_PCPTYPES;

		min_kb = int_sqrt(lowmem * 4 * 16);
		if (min_kb < 128)
			min_kb = 128;
		if (min_kb > 262144)
			min_kb = 262144;
		if (rec > lowmem / 20)
			rec = lowmem / 20;
		if (rec * 4 > min_kb)
			min_kb = rec * 4;
	}
	pages_min = min_kb / 4;
	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];
		uint64_t tmp = lowmem ? pages_min * z->d.managed / lowmem : 0, dist;
		int wsf = s->c.watermark_scale_factor == MF_SIM_KEEP ? 10 : s->c.watermark_scale_factor;

		z->wmark[WMARK_MIN] = tmp;
		if (z->type >= 3) {	/* ZONE_MOVABLE: a small min, the gaps still proportional */
			uint64_t min_pages = z->d.managed / 1024;

			z->wmark[WMARK_MIN] = min_pages < 32 ? 32 : min_pages > 128 ? 128 : min_pages;
		}
		dist = tmp / 4;
		if (z->d.managed * (uint64_t)wsf / 10000 > dist)
			dist = z->d.managed * (uint64_t)wsf / 10000;
		z->wmark[WMARK_LOW] = z->wmark[WMARK_MIN] + dist;
		z->wmark[WMARK_HIGH] = z->wmark[WMARK_MIN] + 2 * dist;
		z->boost = 0;
	}
}

/* setup_per_zone_lowmem_reserve() */
static void setup_lowmem_reserve(struct mf_sim *s)
{
	int i, j, k;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		for (j = 0; j < NR_ZONE_TYPES; j++) {
			uint64_t sum = 0;

			z->lowmem_reserve[j] = 0;
			if (j <= z->type || !lowmem_ratio[z->type])
				continue;
			for (k = 0; k < s->nr_zones; k++)
				if (s->z[k].d.node == z->d.node && s->z[k].type > z->type &&
				    s->z[k].type <= j)
					sum += s->z[k].d.managed;
			z->lowmem_reserve[j] = sum / lowmem_ratio[z->type];
		}
	}
}

/* zone_batchsize(), zone_highsize(): pcp sizes of a zone on a machine of nr_cpus */
static void setup_pcp(struct mf_sim *s, struct szone *z)
{
	uint64_t batch = z->d.managed >> 12, hmin, hmax;
	int c;

	if (batch > 64)
		batch = 64;
	if (batch < 1)
		batch = 1;
	else {
		uint64_t b = batch + batch / 2, p = 1;

		while (p * 2 <= b)
			p *= 2;
		batch = p - 1 ? p - 1 : 1;
	}
	hmin = wmark_pages(z, WMARK_LOW) / (uint64_t)s->nr_cpus;
	if (hmin < 4 * batch)
		hmin = 4 * batch;
	hmax = z->d.managed / 8 / (uint64_t)s->nr_cpus;
	if (hmax < 4 * batch)
		hmax = 4 * batch;
	for (c = 0; c < s->nr_cpus; c++) {
		struct pcp *p = &z->pcp[c];

		p->batch = (int)batch;
		p->high_min = (int)hmin;
		p->high_max = (int)hmax;
		p->high = (int)hmin;
	}
}

struct mf_sim *mf_sim_new(const struct mf_sim_config *c, const struct mf_sim_traced *tr,
			  const struct mf_sim_zone_desc *zones, int nr_zones, int nr_cpus)
{
	struct mf_sim *s;
	uint64_t p, end = 0;
	int i, o, t, k;

	if (nr_zones < 1 || nr_zones > MF_MAX_ZONES || nr_cpus < 1) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->c = *c;
	s->max_order = c->max_order == MF_SIM_KEEP ? tr->max_order : c->max_order;
	s->pbo = c->pageblock_order == MF_SIM_KEEP ? tr->pageblock_order : c->pageblock_order;
	s->traced_pbo = tr->pageblock_order;
	if (s->pbo > s->max_order)
		s->pbo = s->max_order;
	s->pcp_thp_order = HPAGE_PMD_ORDER <= s->max_order ? HPAGE_PMD_ORDER : -1;
	s->nr_cpus = nr_cpus;
	s->nr_zones = nr_zones;
	s->capc = NULL;
	for (i = 0; i < nr_zones; i++) {
		struct szone *z = &s->z[i];

		z->d = zones[i].d;
		z->type = zones[i].type;
		z->idx = i;
		memcpy(z->wmark, zones[i].wmark, sizeof(z->wmark));
		if (z->d.end_pfn > end)
			end = z->d.end_pfn;
		for (o = 0; o < MF_MAX_ORDERS; o++)
			for (t = 0; t < MF_MAX_MT; t++)
				z->fl[o][t].head = z->fl[o][t].tail = NIL;
		z->pcp = calloc((size_t)nr_cpus, sizeof(*z->pcp));
		if (!z->pcp)
			goto fail;
		for (k = 0; k < nr_cpus; k++)
			for (o = 0; o < NR_PCP_LISTS; o++)
				z->pcp[k].lists[o].head = z->pcp[k].lists[o].tail = NIL;
		z->order_failed = 0;
	}
	/* one spare pageblock past the end keeps every pageblock lookup in bounds */
	end = (end + pageblock_nr_pages(s)) & ~(pageblock_nr_pages(s) - 1);
	if (end >= OWNER_PENDING) {
		errno = EINVAL;
		goto fail;
	}
	s->nr_pfns = end;
	s->st = malloc(end);
	s->lnk = malloc(end * sizeof(*s->lnk));
	s->prv = malloc(end * sizeof(*s->prv));
	s->pb = malloc((end >> s->pbo) + 1);
	if (!s->st || !s->lnk || !s->prv || !s->pb || sim_t2s_reserve(s, end))
		goto fail;
	memset(s->pb, MF_MT_MOVABLE, (end >> s->pbo) + 1);
	/* every frame in use by the past, known to the kernel at the same pfn */
	for (p = 0; p < end; p++) {
		s->st[p] = ST_USED;
		s->lnk[p] = (uint32_t)p;
		s->t2s[p] = (uint32_t)p;
	}
	for (o = 0; o < MF_MAX_ORDERS; o++)
		s->pend_fifo[o].head = s->pend_fifo[o].tail = NIL;
	s->pend_free = NIL;
	for (i = 0; i < MAX_NODES; i++) {
		s->node[i].kswapd_order = -1;
		s->node[i].kcd_hzi = NR_ZONE_TYPES - 1;
	}
	return s;
fail:
	mf_sim_free_all(s);
	return NULL;
}

void mf_sim_free_all(struct mf_sim *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->nr_zones; i++)
		free(s->z[i].pcp);
	free(s->st);
	free(s->lnk);
	free(s->prv);
	free(s->pb);
	free(s->t2s);
	free(s->pend);
	free(s);
}

void mf_sim_seed_pageblock(struct mf_sim *s, uint64_t pfn, int order, int mt)
{
	uint64_t end = pfn + (1ULL << order), p;

	if (mt < 0 || mt >= MF_MAX_MT)
		return;
	for (p = pfn; p < end && p < s->nr_pfns; p += pageblock_nr_pages(s)) {
		uint8_t *b = &s->pb[p >> s->pbo];

		if (mt != MF_MT_MOVABLE || (*b & PB_MT) == MF_MT_MOVABLE)
			*b = (uint8_t)((*b & ~PB_MT) | mt);
	}
}

int mf_sim_seed_free(struct mf_sim *s, uint64_t pfn, int order)
{
	struct szone *z = sim_zone_of(s, pfn);
	uint64_t end = pfn + (1ULL << order), p;
	int o;

	if (!z || end > z->d.end_pfn)
		return -EINVAL;
	for (p = pfn; p < end; p++)
		if (s->t2s[p] == p)
			s->t2s[p] = NIL;
	/* as memblock_free_pages(): list tails, in pfn order, at most max order each */
	for (p = pfn; p < end; p += 1ULL << o) {
		o = order > s->max_order ? s->max_order : order;
		while (o > 0 && (p & ((1ULL << o) - 1)))
			o--;
		if (o > s->pbo) {
			uint64_t q;
			int mt = pb_mt(s, p);

			for (q = p; q < p + (1ULL << o); q += pageblock_nr_pages(s))
				if (pb_mt(s, q) != mt)
					break;
			if (q < p + (1ULL << o))
				o = s->pbo;
		}
		/* merge as the kernel would have: our max order may be above the capture's */
		memset(&s->st[p], 0, 1ULL << o);
		free_one_page_core(s, z, p, o, pb_mt(s, p), true);
	}
	return 0;
}

void mf_sim_seed_movable(struct mf_sim *s, uint64_t pfn)
{
	if (pfn < s->nr_pfns && st_kind(s->st[pfn]) == ST_USED && !st_order(s->st[pfn]))
		s->st[pfn] |= ST_MOVABLE;
}

int mf_sim_seed_used(struct mf_sim *s, uint64_t pfn, int order, bool movable)
{
	uint64_t p, end = pfn + (1ULL << order);

	if (order > s->max_order || end > s->nr_pfns || (pfn & ((1ULL << order) - 1)))
		return -EINVAL;
	for (p = pfn; p < end; p++)
		if ((s->st[p] & ~ST_MOVABLE) != ST_USED || s->t2s[p] != p)
			return -EINVAL;
	sim_set_used(s, pfn, order, movable, (uint32_t)pfn);
	return 0;
}

void mf_sim_seed_all_free(struct mf_sim *s)
{
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];
		uint64_t p;

		for (p = z->d.start_pfn; p < z->d.end_pfn; p++) {
			s->t2s[p] = NIL;
			s->lnk[p] = NIL;
		}
		for (p = z->d.start_pfn; p < z->d.end_pfn;) {
			int o = s->max_order;

			while (o > 0 && ((p & ((1ULL << o) - 1)) || p + (1ULL << o) > z->d.end_pfn))
				o--;
			memset(&s->st[p], 0, 1ULL << o);
			sim_add_free(s, z, p, o, pb_mt(s, p), true);
			p += 1ULL << o;
		}
	}
}

void mf_sim_start(struct mf_sim *s, uint64_t ts)
{
	/* khugepaged's recommended min_free_kbytes follows the pageblock size */
	bool keep = s->c.min_free_kbytes == MF_SIM_KEEP &&
		    s->c.watermark_scale_factor == MF_SIM_KEEP && s->pbo == s->traced_pbo;
	uint64_t usable = 0;
	int i, nd;

	for (i = 0; i < s->nr_zones; i++)
		if (!s->z[i].wmark[WMARK_HIGH] && s->z[i].d.managed)
			keep = false;
	setup_wmarks(s, keep);
	setup_lowmem_reserve(s);
	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		setup_pcp(s, z);
		if (z->type < 3 && z->d.managed > z->wmark[WMARK_HIGH])
			usable += z->d.managed - z->wmark[WMARK_HIGH];
		z->cached_migrate[0] = z->cached_migrate[1] = z->init_migrate = z->d.start_pfn;
		z->cached_free = z->init_free = pageblock_start(s, z->d.end_pfn - 1);
	}
	/* build_all_zonelists(): page_group_by_mobility_disabled */
	s->mobility_disabled = !s->c.mobility_grouping ||
			       usable < pageblock_nr_pages(s) * MF_MAX_MT;
	if (s->mobility_disabled) {
		uint64_t p, end = 0;

		/* every zone's free blocks first: a pageblock may straddle two zones */
		for (i = 0; i < s->nr_zones; i++)
			move_free_range(s, &s->z[i], s->z[i].d.start_pfn, s->z[i].d.end_pfn,
					MF_MT_UNMOVABLE);
		for (i = 0; i < s->nr_zones; i++)
			if (s->z[i].d.end_pfn > end)
				end = s->z[i].d.end_pfn;
		for (p = 0; p < end; p += pageblock_nr_pages(s))
			if (pb_mt(s, p) < MF_MT_PCPTYPES)
				sim_set_pageblock_mt(s, p, MF_MT_UNMOVABLE);
	}
	s->now = ts;
	s->next_decay = ts + 1000000000ULL;
	for (nd = 0; nd < MAX_NODES; nd++)
		s->node[nd].kcd_next = ts + KCD_TIMEOUT;
	s->started = true;
}

/* ---- results ---------------------------------------------------------------------------- */

const struct mf_sim_config *mf_sim_config(const struct mf_sim *s)
{
	return &s->c;
}

int mf_sim_max_order(const struct mf_sim *s)
{
	return s->max_order;
}

int mf_sim_pageblock_order(const struct mf_sim *s)
{
	return s->pbo;
}

int mf_sim_nr_zones(const struct mf_sim *s)
{
	return s->nr_zones;
}

const struct mf_zone_desc *mf_sim_zone(const struct mf_sim *s, int zone)
{
	return &s->z[zone].d;
}

void mf_sim_zone_nr_free(const struct mf_sim *s, int zone, uint64_t *nr_free)
{
	memcpy(nr_free, s->z[zone].nr_free, sizeof(s->z[zone].nr_free));
}

void mf_sim_zone_nr_free_mt(const struct mf_sim *s, int zone,
			    uint64_t nr_free_mt[MF_MAX_ORDERS][MF_MAX_MT])
{
	memcpy(nr_free_mt, s->z[zone].nr_free_mt, sizeof(s->z[zone].nr_free_mt));
}

void mf_sim_zone_pageblocks_mt(const struct mf_sim *s, int zone, uint64_t blocks[MF_MAX_MT])
{
	const struct szone *z = &s->z[zone];
	uint64_t p;

	memset(blocks, 0, sizeof(uint64_t) * MF_MAX_MT);
	for (p = pageblock_start(s, z->d.start_pfn); p < z->d.end_pfn; p += pageblock_nr_pages(s))
		blocks[pb_mt(s, p)]++;
}

uint64_t mf_sim_zone_pcp_pages(const struct mf_sim *s, int zone)
{
	uint64_t n = 0;
	int c;

	for (c = 0; c < s->nr_cpus; c++)
		n += (uint64_t)s->z[zone].pcp[c].count;
	return n;
}

void mf_sim_zone_wmarks(const struct mf_sim *s, int zone, uint64_t wmark[3])
{
	memcpy(wmark, s->z[zone].wmark, sizeof(s->z[zone].wmark));
}

bool mf_sim_mobility_disabled(const struct mf_sim *s)
{
	return s->mobility_disabled;
}

const struct mf_sim_stats *mf_sim_stats(const struct mf_sim *s)
{
	struct mf_sim_stats *st = (struct mf_sim_stats *)&s->stats;
	int i;

	st->pcp_pages = 0;
	for (i = 0; i < s->nr_zones; i++)
		st->pcp_pages += mf_sim_zone_pcp_pages(s, i);
	return &s->stats;
}

/*
 * Invariants: list counts equal a walk of the lists; every free head is on the list of
 * its pageblock's type (v6.10+); per-CPU counts equal their lists; no two free buddies
 * the kernel would have merged; blocks aligned and inside their zone.
 */
int mf_sim_check(const struct mf_sim *s, char *buf, size_t len)
{
	int i, o, t, c;

	for (i = 0; i < s->nr_zones; i++) {
		const struct szone *z = &s->z[i];
		uint64_t free_pages = 0;

		for (o = 0; o <= s->max_order; o++) {
			uint64_t total = 0;

			for (t = 0; t < MF_MAX_MT; t++) {
				uint64_t n = 0;
				uint32_t p;

				for (p = z->fl[o][t].head; p != NIL; p = s->lnk[p]) {
					if (!is_buddy_head(s, p, o)) {
						snprintf(buf, len, "%s: pfn %u on free list %d/%d is not a free head of that order",
							 z->d.name, p, o, t);
						return -1;
					}
					if (p & ((1ULL << o) - 1) || p < z->d.start_pfn ||
					    p + (1ULL << o) > z->d.end_pfn) {
						snprintf(buf, len, "%s: free block %u order %d misplaced", z->d.name, p, o);
						return -1;
					}
					if (pb_mt(s, p) != t) {
						snprintf(buf, len, "%s: free block %u order %d on list %d, pageblock type %d",
							 z->d.name, p, o, t, pb_mt(s, p));
						return -1;
					}
					if (o < s->max_order && (o < s->pbo) &&
					    (p ^ (1ULL << o)) >= z->d.start_pfn &&
					    (p ^ (1ULL << o)) < z->d.end_pfn &&
					    is_buddy_head(s, p ^ (1ULL << o), o)) {
						snprintf(buf, len, "%s: free buddies %u and %llu of order %d not merged",
							 z->d.name, p, (unsigned long long)(p ^ (1ULL << o)), o);
						return -1;
					}
					n++;
				}
				if (n != z->nr_free_mt[o][t]) {
					snprintf(buf, len, "%s: order %d type %d counts %llu, list has %llu",
						 z->d.name, o, t, (unsigned long long)z->nr_free_mt[o][t],
						 (unsigned long long)n);
					return -1;
				}
				total += n;
				if (t != MF_MT_ISOLATE)
					free_pages += n << o;
			}
			if (total != z->nr_free[o]) {
				snprintf(buf, len, "%s: nr_free[%d] %llu, lists hold %llu", z->d.name, o,
					 (unsigned long long)z->nr_free[o], (unsigned long long)total);
				return -1;
			}
		}
		if (free_pages != z->free_pages) {
			snprintf(buf, len, "%s: NR_FREE_PAGES %llu, lists hold %llu", z->d.name,
				 (unsigned long long)z->free_pages, (unsigned long long)free_pages);
			return -1;
		}
		for (c = 0; c < s->nr_cpus; c++) {
			int n = 0;

			for (t = 0; t < NR_PCP_LISTS; t++) {
				uint32_t p;

				for (p = z->pcp[c].lists[t].head; p != NIL; p = s->lnk[p])
					n += 1 << pindex_to_order(s, t);
			}
			if (n != z->pcp[c].count) {
				snprintf(buf, len, "%s: cpu %d pcp count %d, lists hold %d", z->d.name, c,
					 z->pcp[c].count, n);
				return -1;
			}
		}
	}
	return 0;
}
