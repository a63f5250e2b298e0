// SPDX-License-Identifier: GPL-2.0
/*
 * A compaction run's picks[] (isolate.c: the blocks the model isolated for the run, in the
 * order it isolated them) indexed by pfn.  mm_lru_insertion asks, for every migration
 * target, which pick holds the page (the first one in picks[]) and, when the model had the
 * page free, which pick of an order is nearest (run_unconfirmed()).  Walking picks[] made
 * that ~180 instructions an event on compaction-heavy traces, a run holding hundreds to
 * thousands of picks.  The answers here are exactly those of the walks: the index only
 * says where to look.
 *
 * Every pick is a buddy block, aligned to its order (isolate_freepages_block() and
 * fast_isolate_freepages() take buddy heads; the LRU path cuts an aligned block), so the
 * pick of order o that holds pfn can only start at pfn rounded down to 2^o: per order, a
 * sorted array of the distinct heads with the first index in picks[] of each.  Heads are
 * kept in descending order: the free scanner walks the zone downwards, so most new heads
 * go at the end of their array.  Arrays grow by doubling, as picks[] does: no allocation
 * per event.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buddy-local.h"

void pick_ix_reset(struct pick_ix *ix)
{
	memset(ix->n, 0, sizeof(ix->n));
	ix->orders = 0;
	ix->broken = false;
}

void pick_ix_free(struct pick_ix *ix)
{
	int o;

	for (o = 0; o < MF_MAX_ORDERS; o++)
		free(ix->e[o]);
	memset(ix, 0, sizeof(*ix));
}

/* Position of head in e[0..n) (descending), or where it would go. */
static uint32_t ix_pos(const struct pick_ent *e, uint32_t n, uint64_t head)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (e[mid].head > head)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* picks[i] = pfn << 6 | order was appended to the run. */
void pick_ix_add(struct pick_ix *ix, uint64_t pfn, int order, uint32_t i)
{
	struct pick_ent *e;
	uint32_t n, pos;

	if (ix->broken)
		return;
	if (order < 0 || order >= MF_MAX_ORDERS || (pfn & ((1ULL << order) - 1))) {
		ix->broken = true;
		return;
	}
	e = ix->e[order];
	n = ix->n[order];
	pos = n && e[n - 1].head > pfn ? n : ix_pos(e, n, pfn);
	if (pos < n && e[pos].head == pfn)
		return;		/* picked before: the first index stays */
	if (n == ix->cap[order]) {
		uint32_t cap = n ? n * 2 : 64;

		e = realloc(e, cap * sizeof(*e));
		if (!e) {
			ix->broken = true;
			return;
		}
		ix->e[order] = e;
		ix->cap[order] = cap;
	}
	if (pos < n)
		memmove(&e[pos + 1], &e[pos], (n - pos) * sizeof(*e));
	e[pos].head = pfn;
	e[pos].first = i;
	ix->n[order] = n + 1;
	ix->orders |= 1U << order;
}

/*
 * Where model_on_lru_insert()'s walk of picks[] for the pick holding pfn starts: the first
 * such pick, run->nr when none holds it, 0 when the index cannot tell (broken).
 */
uint32_t pick_ix_first(const struct cp_run *run, uint64_t pfn)
{
	const struct pick_ix *ix = &run->ix;
	uint32_t best = run->nr, orders = ix->orders;

	if (ix->broken)
		return 0;
	while (orders) {
		int o = __builtin_ctz(orders);
		uint64_t head = pfn & ~((1ULL << o) - 1);
		uint32_t pos = ix_pos(ix->e[o], ix->n[o], head);

		orders &= orders - 1;
		if (pos < ix->n[o] && ix->e[o][pos].head == head && ix->e[o][pos].first < best)
			best = ix->e[o][pos].first;
	}
	return best;
}

/*
 * run_unconfirmed() by the index: of the run's picks of this order other than pfn whose
 * block is still wholly isolated (ciso) and not confirmed (cconf), the nearest to pfn, the
 * first in picks[] among equally near ones; its index in picks[], or -1.  The heads are
 * visited outwards from pfn, nearer first, and the walk stops once the next is farther
 * than the one found.
 */
int64_t pick_ix_nearest(const struct mf_model *m, const struct cp_run *run, uint64_t pfn,
			int order)
{
	const struct pick_ix *ix = &run->ix;
	const struct pick_ent *e;
	uint64_t n = 1ULL << order, best_d = UINT64_MAX;
	int64_t best = -1, up, down;	/* heads above pfn: [0, up]; below: [down, cnt) */
	uint32_t cnt;

	if (order < 0 || order >= MF_MAX_ORDERS)
		return -1;
	e = ix->e[order];
	cnt = ix->n[order];
	down = ix_pos(e, cnt, pfn);
	up = down - 1;
	if (down < cnt && e[down].head == pfn)
		down++;
	while (up >= 0 || down < cnt) {
		uint64_t du = up >= 0 ? e[up].head - pfn : UINT64_MAX;
		uint64_t dd = down < cnt ? pfn - e[down].head : UINT64_MAX;
		const struct pick_ent *c;
		uint64_t d;

		if (du <= dd) {
			c = &e[up--];
			d = du;
		} else {
			c = &e[down++];
			d = dd;
		}
		if (d > best_d)
			break;
		if (d == best_d && c->first >= best)
			continue;
		if (model_bits_all(m->ciso, c->head, n, true) &&
		    model_bits_all(m->cconf, c->head, n, false)) {
			best = c->first;
			best_d = d;
		}
	}
	return best;
}
