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
#include <stdlib.h>

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
	ciso_update(m, q, 1ULL << order, true);
	m->fid.cp_isolation_replaced++;
	m->fid.cp_isolation_replaced_pages += 1ULL << order;
}

/* ---- isolations on a guess --------------------------------------------------------------
 *
 * When the model cannot reproduce an isolate event's counts, the blocks it takes are
 * guesses, but the event still bounds where the kernel's block was:
 * isolate_freepages_block() takes only from the [start_pfn, end_pfn) of
 * mm_compaction_isolate_freepages, and fast_isolate_freepages() falls back to the highest
 * block at or above min_pfn it met.  The kernel's block stays free in the model, and when
 * the kernel frees it (compaction_free(), release_free_list(), or the target's owner later)
 * the model holds it free: the guess of an event whose range holds the freed pages is the
 * model's block in its place, wherever the nearest other isolated block lies.
 */

/* ---- the guesses by range (struct guess_ix) ---- */

static bool glist_push(struct guess_list *l, uint32_t i)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 16;
		uint32_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = i;
	return true;
}

/* List guess i in the buckets its range meets (or in wide). */
static bool gix_add(struct mf_model *m, uint32_t i)
{
	struct guess_ix *ix = &m->gix;
	uint64_t c, c0, c1;

	if (!m->gspan[i].len)
		return true;	/* holds no pfn: never taken */
	c0 = m->gspan[i].lo >> GIX_SHIFT;
	c1 = (m->gspan[i].lo + m->gspan[i].len - 1) >> GIX_SHIFT;
	if (c1 - c0 >= GIX_WIDE)
		return glist_push(&ix->wide, i);
	if (c1 >= ix->nb) {
		uint64_t nb = c1 + 1 > 2 * ix->nb ? c1 + 1 : 2 * ix->nb;
		struct guess_list *b = realloc(ix->b, nb * sizeof(*b));

		if (!b)
			return false;
		for (c = ix->nb; c < nb; c++)
			b[c] = (struct guess_list){ 0 };
		ix->b = b;
		ix->nb = nb;
	}
	for (c = c0; c <= c1; c++)
		if (!glist_push(&ix->b[c], i))
			return false;
	return true;
}

/* Empty the index (the guesses were renumbered or dropped); keeps its memory. */
static void gix_clear(struct guess_ix *ix)
{
	uint64_t c;

	for (c = 0; c < ix->nb; c++)
		ix->b[c].n = 0;
	ix->wide.n = 0;
	ix->n = 0;
	ix->broken = false;
}

/* The ledger was emptied (model reset) since the index listed its guesses: clear it. */
static void gix_drop_stale(struct mf_model *m)
{
	if (m->gix.n > m->nr_guess)
		gix_clear(&m->gix);
}

/* List the guesses noted since the last swap. */
static void gix_sync(struct mf_model *m)
{
	gix_drop_stale(m);
	while (!m->gix.broken && m->gix.n < m->nr_guess)
		m->gix.broken = !gix_add(m, m->gix.n++);
}

/*
 * Remember a guess: [lo, hi) is where the kernel's block of the same event lies.  Out of
 * memory it is not remembered (the swap then searches by distance only, as without).
 */
void model_guess_note(struct mf_model *m, uint64_t head, int order, uint64_t lo, uint64_t hi)
{
	uint32_t i, k;

	gix_drop_stale(m);
	/* full: first drop the guesses with nothing left in the ledger (freed or given back) */
	for (i = k = 0; m->nr_guess == m->guess_cap && i < m->nr_guess; i++)
		if (model_bits_count(m->ciso, m->guess[i].head, 1ULL << m->guess[i].order)) {
			m->gspan[k] = m->gspan[i];
			m->guess[k++] = m->guess[i];
		}
	if (i) {
		m->nr_guess = k;
		gix_clear(&m->gix);	/* renumbered */
	}
	if (m->nr_guess == m->guess_cap) {
		uint32_t cap = m->guess_cap ? m->guess_cap * 2 : 256;
		struct iso_guess *g = realloc(m->guess, cap * sizeof(*g));
		struct guess_span *sp;

		if (!g)
			return;
		m->guess = g;
		sp = realloc(m->gspan, cap * sizeof(*sp));
		if (!sp)
			return;
		m->gspan = sp;
		m->guess_cap = cap;
	}
	m->gspan[m->nr_guess] = (struct guess_span){ .lo = lo, .len = hi > lo ? hi - lo : 0 };
	m->guess[m->nr_guess++] = (struct iso_guess){ .head = head, .order = order };
}

/*
 * Guess i against the best so far (*best at distance *best_d, from guess *best_i): the
 * nearest guess wins, the first one (lowest i) at equal distance.
 */
static void guess_try(const struct mf_model *m, uint32_t i, uint64_t pfn, int order,
		      uint64_t *best, uint64_t *best_d, uint32_t *best_i)
{
	uint64_t n = 1ULL << order, q, d;
	struct iso_guess g;

	/* pfn in [lo, lo + len), one unsigned compare */
	if (pfn - m->gspan[i].lo >= m->gspan[i].len)
		return;
	g = m->guess[i];
	if (g.order < order)
		return;
	d = g.head > pfn ? g.head - pfn : pfn - g.head;
	if (d > *best_d || (d == *best_d && i > *best_i))
		return;
	for (q = g.head; q < g.head + (1ULL << g.order); q += n) {
		if (q != pfn && model_isolated_piece(m, q, order)) {
			*best = q;
			*best_d = d;
			*best_i = i;
			return;
		}
	}
}

/*
 * The kernel freed [pfn, pfn + 2^order), which the model held free.  Of the guesses whose
 * range holds pfn, the nearest one that still has 2^order pages model_isolated_piece()
 * allows: the first such piece of it, or MF_PFN_NONE.  A guess with nothing left in the
 * ledger (freed, allocated or given back since) has no such piece.
 */
uint64_t model_guess_take(struct mf_model *m, uint64_t pfn, int order)
{
	uint64_t best = MF_PFN_NONE, best_d = UINT64_MAX, c = pfn >> GIX_SHIFT;
	uint32_t i, best_i = UINT32_MAX;
	const struct guess_list *l;

	gix_sync(m);
	if (m->gix.broken) {
		for (i = 0; i < m->nr_guess; i++)
			guess_try(m, i, pfn, order, &best, &best_d, &best_i);
		return best;
	}
	if (c < m->gix.nb) {
		l = &m->gix.b[c];
		for (i = 0; i < l->n; i++)
			guess_try(m, l->v[i], pfn, order, &best, &best_d, &best_i);
	}
	l = &m->gix.wide;
	for (i = 0; i < l->n; i++)
		guess_try(m, l->v[i], pfn, order, &best, &best_d, &best_i);
	return best;
}

void model_guess_free(struct mf_model *m)
{
	uint64_t c;

	free(m->guess);
	free(m->gspan);
	m->guess = NULL;
	m->gspan = NULL;
	m->nr_guess = m->guess_cap = 0;
	for (c = 0; c < m->gix.nb; c++)
		free(m->gix.b[c].v);
	free(m->gix.b);
	free(m->gix.wide.v);
	m->gix = (struct guess_ix){ 0 };
}
