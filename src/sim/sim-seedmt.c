// SPDX-License-Identifier: GPL-2.0
/*
 * Which pageblocks hold the start capture's free blocks of the non-movable types.
 *
 * kpageflags says which frames are free, not on which list; pagetypeinfo counts the free
 * blocks per order and type.  The kernel keeps free blocks below pageblock order inside
 * Unmovable and Reclaimable pageblocks (the room kernel allocations left there), and
 * get_page_from_freelist() under ALLOC_NOFRAGMENT (alloc_flags_nofragment(), any Normal
 * zone above a DMA32 one) will not take them for a movable request: __rmqueue_claim()
 * then wants a whole pageblock and __rmqueue_steal() is not tried.  A zone can therefore
 * fail a movable request with tens of thousands of such pages free, and the request goes
 * on to the next zone, as the traced kernel showed (Normal stopped at the 53,948 free
 * pages its Unmovable and Reclaimable lists held, and DMA32 served the workload).  With
 * every free block seeded Movable the simulator spent those pages instead.
 *
 * So: partly free Movable pageblocks are re-typed (move_freepages_block()) until the
 * free blocks on each non-movable list match pagetypeinfo's counts, largest order first.
 * Which pageblocks the kernel used is not in the captures; the lowest that fit are taken.
 * Only what the lists lack is re-typed: the seed's pageblock types (seed.c) usually put
 * pagetypeinfo's free blocks on their lists already.  Counting them again doubled the
 * Unmovable free pages of DMA32 on the what-if recordings (15,402 against the kernel's
 * 9,169 in 19 pageblocks), and the page tables the workload allocated never had to
 * fall back to a Movable pageblock, where the kernel's did and boosted the watermarks.
 */
#include "sim-local.h"

/* the free blocks of pageblock start, by order; false if any frame of it is isolated */
static bool pageblock_free_blocks(const struct mf_sim *s, uint64_t start, uint64_t cnt[])
{
	uint64_t p = start, end = start + pageblock_nr_pages(s);
	int o;

	for (o = 0; o < s->pbo; o++)
		cnt[o] = 0;
	while (p < end) {
		uint8_t v = s->st[p];

		if (v & ST_ISOLATED)
			return false;
		if (st_kind(v) == ST_BUDDY) {
			if (st_order(v) >= s->pbo)
				return false;	/* wholly free: pagetypeinfo has none such */
			cnt[st_order(v)]++;
			p += 1ULL << st_order(v);
		} else if (st_kind(v)) {
			p += 1ULL << st_order(v);
		} else {
			p++;
		}
	}
	return true;
}

void mf_sim_seed_free_types(struct mf_sim *s, int zone,
			    const uint64_t free_mt[MF_MAX_ORDERS][MF_MAX_MT])
{
	static const int types[] = { MF_MT_UNMOVABLE, MF_MT_RECLAIMABLE };
	uint64_t need[MF_MAX_ORDERS][2] = { { 0 } }, cnt[MF_MAX_ORDERS], p;
	struct szone *z;
	int o, i, k;

	if (zone < 0 || zone >= s->nr_zones || s->mobility_disabled || s->pbo > s->max_order)
		return;
	z = &s->z[zone];
	for (o = 0; o < s->pbo && o < MF_MAX_ORDERS; o++)
		for (i = 0; i < 2; i++)
			need[o][i] = free_mt[o][types[i]] -
				     (free_mt[o][types[i]] < z->nr_free_mt[o][types[i]] ?
				      free_mt[o][types[i]] : z->nr_free_mt[o][types[i]]);
	for (o = s->pbo - 1; o >= 0; o--) {
		for (p = pageblock_start(s, z->d.start_pfn); p + pageblock_nr_pages(s) <= z->d.end_pfn;
		     p += pageblock_nr_pages(s)) {
			if (p < z->d.start_pfn || pb_mt(s, p) != MF_MT_MOVABLE ||
			    !pageblock_free_blocks(s, p, cnt) || !cnt[o])
				continue;
			i = need[o][0] >= need[o][1] ? 0 : 1;
			for (k = 0; k < s->pbo; k++)
				if (cnt[k] > need[k][i])
					break;
			if (k < s->pbo)
				continue;
			if (!sim_move_freepages_block(s, z, p, types[i]))
				continue;
			for (k = 0; k < s->pbo; k++)
				need[k][i] -= cnt[k];
		}
	}
}
