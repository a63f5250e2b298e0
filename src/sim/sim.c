// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's free lists and buddy merging (mm/page_alloc.c: __free_one_page(),
 * move_freepages_block(), __add_to_free_list()).  The simulator is the kernel's
 * page-allocation policy, v6.15+, run on a machine of our own; it is split as page_alloc.c's
 * concepts are: sim-pcp.c (per-CPU lists), sim-rmqueue.c (rmqueue and the fallbacks),
 * sim-slowpath.c (watermarks, kswapd, the slow path), sim-compact.c and sim-kcompactd.c
 * (compaction), sim-owner.c (the trace as workload), sim-init.c (set-up and results).
 *
 * Ordered free lists (doubly linked through lnk[]/prv[]) keep the kernel's LIFO head
 * insertion and its tail rules, because which block __rmqueue_smallest() takes next is
 * what decides fragmentation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"


/* ---- lists ----------------------------------------------------------------------------- */

/* (the list primitives are inline, in sim-local.h) */

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
	sim_list_add(s, &z->fl[order][mt], pfn, tail);
	account(z, order, mt, 1);
}

void sim_del_free(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int mt)
{
	sim_list_del(s, &z->fl[order][mt], pfn);
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
void sim_move_free_range(struct mf_sim *s, struct szone *z, uint64_t p, uint64_t end, int new_mt)
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
	sim_move_free_range(s, z, start, end, new_mt);
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
void sim_free_one_page_core(struct mf_sim *s, struct szone *z, uint64_t pfn, int order,
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
void sim_free_one_page(struct mf_sim *s, struct szone *z, uint64_t pfn, int order)
{
	uint64_t end = pfn + (1ULL << order);
	int chunk = order > s->pbo ? s->pbo : order;

	for (; pfn < end; pfn += 1ULL << chunk)
		sim_free_one_page_core(s, z, pfn, chunk, pb_mt(s, pfn), false);
}
