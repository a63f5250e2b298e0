// SPDX-License-Identifier: GPL-2.0
/*
 * Taking pages off the simulator's free lists (mm/page_alloc.c: get_page_from_freelist(),
 * rmqueue(), __rmqueue_smallest(), the fallbacks: __rmqueue_claim(), __rmqueue_steal(),
 * try_to_claim_block(), boost_watermark()).  Which block a request gets, and which
 * migratetype it falls back to when its own lists are empty, is what mixes pageblocks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

/* fallbacks[] (page_alloc.c): the types a request may take from, in order */
static const int fallbacks[MF_MT_PCPTYPES][2] = {
	[MF_MT_UNMOVABLE]	= { MF_MT_RECLAIMABLE, MF_MT_MOVABLE },
	[MF_MT_MOVABLE]		= { MF_MT_RECLAIMABLE, MF_MT_UNMOVABLE },
	[MF_MT_RECLAIMABLE]	= { MF_MT_UNMOVABLE, MF_MT_MOVABLE },
};

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

/* __rmqueue() of v6.15, with the mode rmqueue_bulk() carries between iterations */
uint64_t sim_rmqueue(struct mf_sim *s, struct szone *z, int order, int mt,
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

/*
 * The block the traced kernel handed out, when the simulated zone has it free on the
 * request's own list: taken as take_page_off_buddy() does (the free block holding it off
 * its list, the rest back as break_down_buddy_pages() leaves it).  Which free block of
 * a list the kernel takes depends on the order of its free and per-CPU lists, which no
 * capture shows; the trace shows the kernel's choice, and as long as the simulated state
 * allows the same choice, placing the page where the kernel did keeps the simulated
 * zone's layout (what compaction's scanners later find) the traced one.  Only where a
 * config made the states differ does the simulator's own list order decide.
 */
static uint64_t take_traced_block(struct mf_sim *s, struct szone *z, const struct alloc_ctx *ac)
{
	uint64_t tp = ac->tpfn, head = MF_PFN_NONE, p;
	int o, ho = -1, mt;

	if (tp == MF_PFN_NONE || tp < z->d.start_pfn || tp + (1ULL << ac->order) > z->d.end_pfn ||
	    (tp & ((1ULL << ac->order) - 1)))
		return MF_PFN_NONE;
	for (o = ac->order; o <= s->max_order; o++) {
		uint8_t v;

		p = tp & ~((1ULL << o) - 1);
		if (p < z->d.start_pfn)
			break;
		v = s->st[p];
		if (st_kind(v) == ST_BUDDY && !(v & ST_ISOLATED) && st_order(v) >= ac->order &&
		    p + (1ULL << st_order(v)) > tp) {
			head = p;
			ho = st_order(v);
			break;
		}
		if (st_kind(v) && st_kind(v) != ST_BUDDY && p + (1ULL << st_order(v)) > tp)
			return MF_PFN_NONE;	/* a used block covers it */
	}
	if (head == MF_PFN_NONE)
		return MF_PFN_NONE;
	mt = pb_mt(s, head);
	if (mt != ac->mt)
		return MF_PFN_NONE;
	sim_del_free(s, z, head, ho, mt);
	/* break_down_buddy_pages(): halves without the target back on the list */
	while (ho > ac->order) {
		uint64_t half;

		ho--;
		half = head + (1ULL << ho);
		if (tp >= half) {
			sim_add_free(s, z, head, ho, mt, false);
			head = half;
		} else {
			sim_add_free(s, z, half, ho, mt, false);
		}
	}
	return tp;
}

/* rmqueue() */
static uint64_t rmqueue_zone(struct mf_sim *s, struct szone *z, const struct alloc_ctx *ac,
			     unsigned int alloc_flags)
{
	uint64_t pfn = take_traced_block(s, z, ac);

	if (pfn != MF_PFN_NONE) {
		if (pcp_allowed_order(s, ac->order))
			sim_pcp_traced_alloc(s, z, ac->order, ac->mt, ac->cpu);
		return pfn;
	}
	if (pcp_allowed_order(s, ac->order)) {
		pfn = sim_pcp_take(s, z, ac->tpfn, ac->order, ac->cpu);
		if (pfn == MF_PFN_NONE)
			pfn = sim_rmqueue_pcplist(s, z, ac->order, ac->mt, alloc_flags, ac->cpu);
	}
	if (pfn == MF_PFN_NONE) {
		enum rmqueue_mode mode = RMQUEUE_NORMAL;

		if (alloc_flags & ALLOC_HIGHATOMIC)
			pfn = rmqueue_smallest(s, z, ac->order, MF_MT_HIGHATOMIC);
		if (pfn == MF_PFN_NONE)
			pfn = sim_rmqueue(s, z, ac->order, ac->mt, alloc_flags, &mode);
		if (pfn == MF_PFN_NONE && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
			pfn = rmqueue_smallest(s, z, ac->order, MF_MT_HIGHATOMIC);
	}
	if ((alloc_flags & ALLOC_KSWAPD) && z->boosted) {
		z->boosted = false;
		sim_wakeup_kswapd(s, z->d.node, 0, 0, z->type);
	}
	return pfn;
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
			if (pass == 1 && (alloc_flags & ALLOC_NOFRAGMENT) && !s->c.defrag_mode) {
				/*
				 * a remote node: fragmenting the local one is better than that,
				 * except under defrag_mode (v6.15+), which keeps NOFRAGMENT
				 */
				alloc_flags &= ~ALLOC_NOFRAGMENT;
				goto retry;
			}
			if (!z->below_high) {
				if (sim_zone_watermark_fast(s, z, ac->order, wmark_pages(z, WMARK_HIGH),
							ac->hzi, alloc_flags))
					goto try_this_zone;
				z->below_high = true;
			}
			mark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
			if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
			    !sim_zone_watermark_fast(s, z, ac->order, mark, ac->hzi, alloc_flags))
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
