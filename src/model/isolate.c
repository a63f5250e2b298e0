// SPDX-License-Identifier: GPL-2.0
/*
 * The observe model's ledger of pages compaction isolated (mm/compaction.c:
 * isolate_freepages_block(), fast_isolate_freepages()).  mm_compaction_isolate_freepages
 * says how many free pages the free scanner took from a range, not which: the model takes
 * as many from its own free lists in that range, the way the scanner walks, and notes them
 * in the ledger (m->ciso).  Every page the kernel isolated comes back through
 * mm_page_free; when one comes back that the model still held free, the model guessed
 * wrong and gives back a ledger block of the same order instead (swap_isolation()).
 */
#include <stdint.h>
#include <string.h>

#include "buddy-local.h"

/*
 * A block of 2^order pages in [start, end) that the model isolated for compaction, that no
 * event freed or allocated since: the first one, or MF_PFN_NONE.  Whole empty words of the
 * ledger are skipped.
 */
static uint64_t find_isolated(const struct mf_model *m, uint64_t start, uint64_t end, int order)
{
	uint64_t n = 1ULL << order, q = (start + n - 1) & ~(n - 1);

	while (q + n <= end) {
		uint64_t w = q / 64;

		if (!(m->ciso[w] & ~m->held[w]) && n <= 64) {
			q = ((w + 1) * 64 + n - 1) & ~(n - 1);
			continue;
		}
		if (model_bits_count(m->ciso, q, n) == n && !model_bits_count(m->held, q, n) &&
		    model_find_block(m, q) == MF_PFN_NONE && model_next_head(m, q, q + n) == q + n)
			return q;
		q += n;
	}
	return MF_PFN_NONE;
}

/*
 * The kernel freed pages the model still held free: it had taken them silently, and every
 * page compaction's free scanner takes comes back through mm_page_free.  So the model
 * isolated some other block in their place, and that block is still in the model's ledger
 * of isolated pages, never to be freed by any event.  Give back the nearest such block of
 * the same order, searching pageblock by pageblock outwards from the freed one, at most
 * SWAP_REACH pageblocks away (a farther block is as likely a target a live task still
 * holds).  Without this a wrong pick never heals.
 */
void model_swap_isolation(struct mf_model *m, int z, uint64_t pfn, int order)
{
	const struct mf_zone_desc *zd = &m->zones[z];
	uint64_t pb = 1ULL << (order > m->p.pageblock_order ? order : m->p.pageblock_order);
	uint64_t base = pfn & ~(pb - 1), d, q = MF_PFN_NONE;

	for (d = 0; q == MF_PFN_NONE; d += pb) {
		bool below = base >= zd->start_pfn + d, above = base + d < zd->end_pfn;

		if ((!below && !above) || d > SWAP_REACH * pb)
			return;
		if (below)
			q = find_isolated(m, base - d, base - d + pb < zd->end_pfn ?
					  base - d + pb : zd->end_pfn, order);
		if (q == MF_PFN_NONE && above && d)
			q = find_isolated(m, base + d, base + d + pb < zd->end_pfn ?
					  base + d + pb : zd->end_pfn, order);
		if (q == pfn)
			q = MF_PFN_NONE;
	}
	model_bits_update(m->ciso, q, 1ULL << order, false);
	m->fid.cp_isolation_swapped++;
	model_free_to_buddy(m, z, q, order);
}

/*
 * The walk isolate_freepages_block() makes over the model's blocks with one stride: from
 * start to end (where the kernel stopped: the block end, or just past the block that gave
 * it enough), a buddy head is taken whole and the walk resumes stride pfns after its end;
 * any other pfn is stepped over by stride.  Returns pages taken; heads go to out[].
 */
static uint64_t isolate_walk(const struct mf_model *m, uint64_t start, uint64_t end,
			     uint64_t stride, uint64_t *out, int *nr_out, uint64_t *scanned)
{
	uint64_t pos = start, taken = 0;
	int n = 0;

	*scanned = 0;
	while (pos < end && n < 1024) {
		uint8_t b = m->blk[pos];

		(*scanned)++;
		if (b && !(b & BLK_PCP)) {
			uint64_t size = 1ULL << blk_order(b);

			out[n++] = pos;
			taken += size;
			*scanned += size - 1;
			pos += size - 1 + stride;
			continue;
		}
		pos += stride;
	}
	*nr_out = n;
	return taken;
}

/*
 * mm_compaction_isolate_freepages: the free scanner took nr_taken pages in whole buddy
 * blocks from [start, end) with no per-page event.  Async compaction walks with a stride
 * of 32 that isolate_freepages() halves or doubles from block to block, so the stride is
 * not in the event.  nr_scanned identifies the stride (the walk visits end - start / stride
 * pfns plus the extent of what it took): take the walk that reproduces both counts, else
 * the one that reproduces nr_scanned, cut to nr_taken in walk order (the model holds
 * blocks there the kernel did not), else the stride-1 walk cut likewise.  Compound pages
 * the model cannot see make some scans irreproducible.
 */
void model_on_isolate_free(struct mf_model *m, int z, uint64_t start, uint64_t end,
			   uint64_t nr_scanned, uint64_t nr_taken)
{
	static const uint64_t strides[] = { 1, 32, 16, 8, 4, 2 };
	const struct mf_zone_desc *zd = &m->zones[z];
	uint64_t heads[1024], best_heads[1024], taken, scanned, best_taken = 0;
	int n, best_n = 0, best_score = -1;
	size_t i;

	if (end > zd->end_pfn)
		end = zd->end_pfn;
	if (end > start + 4096)
		end = start + 4096;	/* one pageblock per event; never trust more */
	for (i = 0; i < sizeof(strides) / sizeof(strides[0]); i++) {
		int score;

		taken = isolate_walk(m, start, end, strides[i], heads, &n, &scanned);
		score = (scanned == nr_scanned ? 2 : 0) + (taken == nr_taken ? 1 : 0);
		if (score > best_score) {
			best_score = score;
			best_taken = taken;
			best_n = n;
			memcpy(best_heads, heads, (size_t)n * sizeof(heads[0]));
		}
		if (score == 3)
			break;
	}
	if (best_score < 2)
		/* no stride reproduces the scan: the stride-1 walk */
		best_taken = isolate_walk(m, start, end, 1, best_heads, &best_n, &scanned);
	if (best_score != 3) {
		/* the model's blocks differ: the first ones of the walk, up to nr_taken */
		for (n = 0, taken = 0; n < best_n; n++) {
			uint64_t size = 1ULL << blk_order(m->blk[best_heads[n]]);

			if (taken + size > nr_taken)
				break;
			taken += size;
		}
		best_n = n;
		best_taken = taken;
		m->fid.cp_isolate_mismatch++;
	}
	for (n = 0; n < best_n; n++) {
		model_bits_update(m->ciso, best_heads[n], 1ULL << blk_order(m->blk[best_heads[n]]),
				  true);
		model_del_block(m, z, best_heads[n]);
	}
	m->fid.cp_isolated_pages += best_taken;
	if (best_taken < nr_taken)
		m->fid.cp_isolate_short += nr_taken - best_taken;
}

static inline bool is_movable_head(const struct mf_model *m, uint64_t pfn, int order)
{
	uint8_t b = m->blk[pfn];

	return b && !(b & BLK_PCP) && blk_order(b) == order && blk_mt(b) == MF_MT_MOVABLE;
}

/*
 * The lowest (or highest) MOVABLE free block of exactly this order with its head in
 * [from, to), or MF_PFN_NONE.  Only pageblocks whose index says they hold a free block of
 * the order are scanned.
 */
static uint64_t find_movable(struct mf_model *m, uint64_t from, uint64_t to, int order,
			     bool highest)
{
	uint64_t pbn = 1ULL << m->p.pageblock_order, pb, first, last, best = MF_PFN_NONE;

	if (from >= to)
		return MF_PFN_NONE;
	first = from >> m->p.pageblock_order;
	last = (to - 1) >> m->p.pageblock_order;
	for (pb = highest ? last : first; highest ? pb + 1 > first : pb <= last;
	     highest ? pb-- : pb++) {
		uint64_t lo = pb * pbn > from ? pb * pbn : from;
		uint64_t hi = (pb + 1) * pbn < to ? (pb + 1) * pbn : to, p;

		if (!*pb_order_count(m, pb * pbn, order))
			continue;
		for (p = model_next_head(m, lo, hi); p < hi;
		     p = model_next_head(m, p + (1ULL << blk_order(m->blk[p])), hi)) {
			if (is_movable_head(m, p, order)) {
				best = p;
				if (!highest)
					return best;
			}
		}
		if (best != MF_PFN_NONE)
			return best;
		if (highest && pb == 0)
			break;
	}
	return best;
}

/*
 * mm_compaction_fast_isolate_freepages(min_pfn, free_pfn, nr_scanned, nr_taken): the list
 * search of fast_isolate_freepages() took at most one block, from free_list[o][MOVABLE]
 * with 2^o = nr_taken: the first one it met at or above low_pfn =
 * pageblock_start(free_pfn - distance / 4) (no upper bound), else the highest one at or
 * above min_pfn = pageblock_start(free_pfn - distance / 2).  The list order is not in the
 * model, so "first met" becomes the lowest pfn at or above low_pfn.  The pages the
 * around-scan takes come in their own isolate_freepages event.
 */
void model_on_fast_isolate(struct mf_model *m, int z, uint64_t min_pfn, uint64_t free_pfn,
			   uint64_t nr_taken)
{
	const struct mf_zone_desc *zd = &m->zones[z];
	uint64_t low_pfn, best;
	int order;

	if (nr_taken & (nr_taken - 1)) {
		m->fid.cp_isolate_short += nr_taken;
		return;
	}
	order = __builtin_ctzll(nr_taken);
	if (order > m->p.max_order)
		return;
	if (free_pfn > zd->end_pfn)
		free_pfn = zd->end_pfn;
	if (min_pfn < zd->start_pfn)
		min_pfn = zd->start_pfn;
	low_pfn = free_pfn > min_pfn ? free_pfn - (free_pfn - min_pfn) / 2 : min_pfn;
	low_pfn &= ~((1ULL << m->p.pageblock_order) - 1);
	if (low_pfn < min_pfn)
		low_pfn = min_pfn;

	best = find_movable(m, low_pfn, zd->end_pfn, order, false);
	if (best == MF_PFN_NONE)
		best = find_movable(m, min_pfn, low_pfn, order, true);
	if (best == MF_PFN_NONE) {
		m->fid.cp_isolate_short += nr_taken;
		return;
	}
	model_bits_update(m->ciso, best, nr_taken, true);
	model_del_block(m, z, best);
	m->fid.cp_isolated_pages += nr_taken;
}
