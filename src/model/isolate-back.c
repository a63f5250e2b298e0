// SPDX-License-Identifier: GPL-2.0
/*
 * The other half of model_swap_isolation() (isolate.c).  When the kernel allocates pages
 * the model holds isolated for compaction (mm_page_alloc_zone_locked of a page in the
 * ledger), the free scanner did not take them: the model's pick was not the kernel's.
 * The kernel's pick, taken silently by isolate_freepages_block() or
 * fast_isolate_freepages(), is still free in the model.  Without a correction the model
 * then holds one block more free than the kernel for every such allocation.  The model
 * takes the free block of the order nearest to the allocated pages (a free scanner takes
 * from MOVABLE pageblocks: suitable_migration_target()) into the ledger in its place.
 */
#include <stdint.h>

#include "buddy-local.h"

/*
 * The head of a free block (not per-CPU, MOVABLE, of order >= order) in zone z nearest
 * to pfn, searching pageblock by pageblock outwards up to SWAP_REACH pageblocks, or
 * MF_PFN_NONE.
 */
static uint64_t nearest_free(const struct mf_model *m, int z, uint64_t pfn, int order, int top)
{
	const struct mf_zone_desc *zd = &m->zones[z];
	const int pbo = m->p.pageblock_order;
	uint64_t pb = 1ULL << pbo, base = pfn & ~(pb - 1), d;

	for (d = 0; d <= SWAP_REACH * pb; d += pb) {
		int side;

		for (side = 0; side < 2; side++) {
			uint64_t b, p, end;
			int k;
			bool any = false;

			if (side == 0 ? base < zd->start_pfn + d : (!d || base + d >= zd->end_pfn))
				continue;
			b = side == 0 ? base - d : base + d;
			for (k = order; k <= top && !any; k++)
				any = *pb_order_count((struct mf_model *)m, b, k) != 0;
			if (!any)
				continue;
			end = b + pb < zd->end_pfn ? b + pb : zd->end_pfn;
			for (p = b < zd->start_pfn ? zd->start_pfn : b; p < end;) {
				uint8_t x = *blk_at(m, p);

				if (x && !(x & BLK_PCP) && blk_order(x) >= order && blk_order(x) <= top &&
				    blk_mt(x) == MF_MT_MOVABLE)
					return p;
				p += x ? 1ULL << blk_order(x) : 1;
			}
		}
	}
	return MF_PFN_NONE;
}

/*
 * pfn is in a block an open compaction run isolated (its picks, or its cc->freepages
 * entries and targets): the run's end still decides whether it was the kernel's.
 */
bool model_runs_cover(const struct mf_model *m, uint64_t pfn)
{
	int i;
	uint32_t k;

	for (i = 0; i < m->nr_runs; i++) {
		const struct cp_run *run = &m->runs[i];

		for (k = 0; k < run->nr; k++) {
			uint64_t b = run->picks[k] >> 6;

			if (pfn >= b && pfn < b + (1ULL << (run->picks[k] & 63)))
				return true;
		}
		for (k = 0; run->sim && k < run->nent; k++) {
			const struct cp_ent *e = &run->ent[k];

			if (e->state != ENT_GONE && pfn >= e->pfn && pfn < e->pfn + (1ULL << e->order))
				return true;
		}
	}
	return false;
}

/*
 * The kernel allocated [pfn, pfn + 2^order), all of it in the model's ledger of isolated
 * pages and no migration target confirmed: isolate the nearest free block of the order
 * in its place (the pages were already cleared from the ledger by the caller).
 */
void model_isolation_taken_back(struct mf_model *m, int z, uint64_t pfn, int order)
{
	uint64_t head = nearest_free(m, z, pfn, order, order), q;

	if (head == MF_PFN_NONE)
		head = nearest_free(m, z, pfn, order, m->p.max_order);

	if (head == MF_PFN_NONE)
		return;
	q = pfn & ~((1ULL << order) - 1);
	if (q < head || q >= head + (1ULL << blk_order(*blk_at(m, head))))
		q = head;	/* the block's first 2^order pages */
	model_carve(m, z, head, q, order);
	model_bits_update(m->ciso, q, 1ULL << order, true);
	m->fid.cp_isolation_replaced++;
	m->fid.cp_isolation_replaced_pages += 1ULL << order;
}
