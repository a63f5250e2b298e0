// SPDX-License-Identifier: GPL-2.0
/*
 * The observe model's ledger of pages compaction isolated (mm/compaction.c:
 * isolate_freepages_block(), fast_isolate_freepages()).  mm_compaction_isolate_freepages
 * says how many free pages the free scanner took from a range, not which: the model takes
 * as many from its own free lists in that range, the way the scanner walks, and notes them
 * in the ledger (m->ciso).  Every page the kernel isolated comes back through
 * mm_page_free; when one comes back that the model still held free, the model guessed
 * wrong and gives back a ledger block of the same order instead (swap_isolation()).
 *
 * With pagemap:mm_lru_insertion in the trace the ledger is checked per compaction run:
 * migrate_folio_move() puts each migration target on the LRU (folio_add_lru(dst)), so an
 * LRU insertion by the compacting task of a page no allocation handed out is one of the
 * run's free pages in use.  The pages of the run the model isolated and no target
 * confirmed are given back at mm_compaction_end: release_free_list() has freed (with
 * mm_page_free) what the kernel isolated and did not use before that event, so what the
 * model still holds then is its own wrong picks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buddy-local.h"

static void run_note(struct mf_model *m, uint64_t pfn, int order, bool exact);
static void run_window(struct mf_model *m, uint64_t lo, uint64_t hi);
static int64_t ent_add(struct cp_run *run, uint64_t pfn, int order, bool head, bool exact);

/*
 * [q, q + 2^order) is a piece of a block the model isolated for compaction that no event
 * freed or allocated since and no migration target confirmed (its pages may be the rest
 * of a large target folio), and no model block lies inside it: a swap may give it back.
 */
bool model_isolated_piece(const struct mf_model *m, uint64_t q, int order)
{
	uint64_t n = 1ULL << order;

	return model_bits_all(m->ciso, q, n, true) && model_bits_all(m->held, q, n, false) &&
	       model_bits_all(m->cconf, q, n, false) && model_find_block(m, q) == MF_PFN_NONE &&
	       model_next_head(m, q, q + n) == q + n;
}

/*
 * The first piece of 2^order pages in [start, end) model_isolated_piece() allows, or
 * MF_PFN_NONE.  A range whose pageblocks hold no ledger page is answered by ciso_pb[];
 * else whole empty words of the ledger are skipped.
 */
static uint64_t find_isolated(const struct mf_model *m, uint64_t start, uint64_t end, int order)
{
	uint64_t n = 1ULL << order, q = (start + n - 1) & ~(n - 1);

	if (ciso_none(m, start, end))
		return MF_PFN_NONE;

	while (q + n <= end) {
		uint64_t w = q / 64;

		if (!(bits_word_get(m->ciso, w) &
		      ~(bits_word_get(m->held, w) | bits_word_get(m->cconf, w))) && n <= 64) {
			q = ((w + 1) * 64 + n - 1) & ~(n - 1);
			continue;
		}
		if (model_isolated_piece(m, q, order))
			return q;
		q += n;
	}
	return MF_PFN_NONE;
}

/*
 * The kernel freed pages the model still held free: it had taken them silently, and every
 * page compaction's free scanner takes comes back through mm_page_free.  So the model
 * isolated some other block in their place, and that block is still in the model's ledger
 * of isolated pages, never to be freed by any event.  A block the model isolated on a
 * guess for an event that could have taken the freed pages is the one (model_guess_take());
 * else give back the nearest such block of the same order, searching pageblock by
 * pageblock outwards from the freed one, at most SWAP_REACH pageblocks away (a farther
 * block is as likely a target a live task still holds).  Without this a wrong pick never
 * heals.
 */
void model_swap_isolation(struct mf_model *m, int z, uint64_t pfn, int order)
{
	const struct mf_zone_desc *zd = &m->zones[z];
	uint64_t pb = 1ULL << (order > m->p.pageblock_order ? order : m->p.pageblock_order);
	uint64_t base = pfn & ~(pb - 1), d, q = model_guess_take(m, pfn, order);

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
	ciso_update(m, q, 1ULL << order, false);
	m->fid.cp_isolation_swapped++;
	m->fid.cp_isolation_swapped_pages += 1ULL << order;
	model_free_to_buddy(m, z, q, order);
}

/*
 * The walk isolate_freepages_block() makes over the model's blocks with one stride: from
 * start to end (where the kernel stopped: the block end, or just past the block that gave
 * it enough), a buddy head is taken whole and the walk resumes stride pfns after its end;
 * so does it after a compound page, which the kernel skips at once (with a stride above 1
 * that puts the walk on other pfns); any other pfn is stepped over by stride.  Returns
 * pages taken; heads go to out[].
 */
static uint64_t isolate_walk(const struct mf_model *m, uint64_t start, uint64_t end,
			     uint64_t stride, uint64_t *out, int *nr_out, uint64_t *scanned)
{
	uint64_t pos = start, taken = 0;
	int n = 0;

	*scanned = 0;
	while (pos < end && n < 1024) {
		uint8_t b = *blk_at(m, pos);

		(*scanned)++;
		if (b && !(b & BLK_PCP)) {
			uint64_t size = 1ULL << blk_order(b);

			out[n++] = pos;
			taken += size;
			*scanned += size - 1;
			pos += size - 1 + stride;
			continue;
		}
		if (!b) {
			int o = model_compound_order(m, pos);

			if (o > 0 && pos + (1ULL << o) <= end) {
				*scanned += (1ULL << o) - 1;
				pos += (1ULL << o) - 1;
			}
		}
		pos += stride;
	}
	*nr_out = n;
	return taken;
}

/*
 * A scan took nr_taken pages where the model held only `held` free: the kernel's other
 * pages were ones the model thought in use, so the model holds as many free elsewhere
 * that the kernel has in use (short_credit).  A free of such a page (on_page_free()) or a
 * full scan that finds one (window_not_free()) settles it.
 */
static void isolate_short(struct mf_model *m, int z, uint64_t nr_taken, uint64_t held)
{
	m->fid.cp_isolate_short += nr_taken - held;
	m->short_credit[z] += nr_taken - held;
}

/*
 * A free scan that visited every pfn of [start, end) (stride 1: nr_scanned is the window's
 * length, as isolate_freepages_block() counts the pages of what it takes and of compound
 * pages it steps over) isolated every buddy block whose head it met, or stopped there
 * (__isolate_free_page() refused it, and the window ends before it).  A free block the
 * model still holds with its head in the window was not free in the kernel: in use, most
 * likely the migration target of another run the model placed elsewhere.  Per-CPU pages
 * are not PageBuddy and the scanner passes them.
 *
 * Such a block is one of the pages a short scan left the model holding free
 * (isolate_short()): it settles that much of the zone's short_credit, or a later free of
 * another such page would keep a wrong pick of the model's in the ledger for good.
 */
static void window_not_free(struct mf_model *m, int z, uint64_t start, uint64_t end)
{
	uint64_t pos = model_next_head(m, start, end);

	while (pos < end) {
		uint8_t b = *blk_at(m, pos);	/* a block head: model_next_head() */
		uint64_t n = 1ULL << blk_order(b);

		if (!(b & BLK_PCP) && pos + n <= end) {
			model_del_block(m, z, pos);
			model_bits_update(m->held, pos, n, true);
			m->fid.cp_window_not_free++;
			m->fid.cp_window_not_free_pages += n;
			m->short_credit[z] -= m->short_credit[z] < n ? m->short_credit[z] : n;
		}
		pos = model_next_head(m, pos + n, end);
	}
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
	if (!nr_taken) {
		/* a walk of every pfn that found nothing: no free block in the window */
		if (nr_scanned == end - start && end - start <= 4096)
			window_not_free(m, z, start, end);
		return;
	}
	run_window(m, start, end);
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
			uint64_t size = 1ULL << blk_order(*blk_at(m, best_heads[n]));

			if (taken + size > nr_taken)
				break;
			taken += size;
		}
		best_n = n;
		best_taken = taken;
		m->fid.cp_isolate_mismatch++;
		m->fid.cp_isolate_mismatch_pages += nr_taken;
	}
	for (n = 0; n < best_n; n++) {
		ciso_update(m, best_heads[n], 1ULL << blk_order(*blk_at(m, best_heads[n])),
				  true);
		run_note(m, best_heads[n], blk_order(*blk_at(m, best_heads[n])), best_score == 3);
		/* isolate_freepages_block() took the kernel's pages from [start, end) only */
		if (best_score != 3)
			model_guess_note(m, best_heads[n], blk_order(*blk_at(m, best_heads[n])),
					 start, end);
		model_del_block(m, z, best_heads[n]);
	}
	m->fid.cp_isolated_pages += best_taken;
	if (best_taken < nr_taken)
		isolate_short(m, z, nr_taken, best_taken);
	if (nr_scanned == end - start)
		window_not_free(m, z, start, end);
}

/*
 * The highest block head h in [lo, hi] with blk[h] == want, in zone z, or MF_PFN_NONE.
 * Block by block downwards: the highest frame inside a block (an inblk word per 64
 * frames) names the block (model_find_block()), and the walk goes on below its head.
 * Probing every aligned candidate instead was 512 blk[] reads per pageblock at order 0,
 * 98.7M for 17k fast isolations on fid-heavy-tc.
 */
static uint64_t inblk_top(const struct mf_model *m, uint8_t want, int z, uint64_t lo, uint64_t hi)
{
	uint64_t w, bits, c, h;

	while (hi >= lo && hi != MF_PFN_NONE) {
		w = hi / 64;
		bits = bits_word_get(m->inblk, w) & (~0ULL >> (63 - hi % 64));
		if (!bits) {
			if (w * 64 <= lo)
				return MF_PFN_NONE;
			hi = w * 64 - 1;
			continue;
		}
		c = w * 64 + 63 - (uint64_t)__builtin_clzll(bits);
		if (c < lo)
			return MF_PFN_NONE;
		h = model_find_block(m, c);
		if (h == MF_PFN_NONE) {
			hi = c - 1;	/* not in a block after all */
			continue;
		}
		if (h < lo)
			return MF_PFN_NONE;
		if (*blk_at(m, h) == want && mf_model_zone_of_pfn(m, h) == z)
			return h;
		hi = h - 1;
	}
	return MF_PFN_NONE;
}

/*
 * The highest block in [lo, end) on zone z's free_list[order][MOVABLE], or MF_PFN_NONE:
 * pageblocks without a free block of the order are skipped through pb_map[] a word at a
 * time, and the candidates of the others (aligned to 2^order) are looked at from the top.
 * A block on that list is a head of that order, of that type, not per-CPU, in the zone
 * (mf_model_check() holds the lists to it).
 */
static uint64_t movable_top(const struct mf_model *m, int z, int order, uint64_t lo, uint64_t end)
{
	const uint8_t want = blk_make(order, MF_MT_MOVABLE, false);
	const int pbo = m->p.pageblock_order;
	uint64_t pb, w;

	if (lo >= end)
		return MF_PFN_NONE;
	pb = (end - 1) >> pbo;
	w = *pb_map_word(m, pb, order) & (~0ULL >> (63 - pb % 64));
	for (;;) {
		uint64_t base, h;

		if (!w) {
			if (pb < 64 || ((pb & ~63ULL) << pbo) <= lo)
				return MF_PFN_NONE;
			pb = (pb & ~63ULL) - 1;
			w = *pb_map_word(m, pb, order);
			continue;
		}
		pb = (pb & ~63ULL) + 63 - (uint64_t)__builtin_clzll(w);
		w &= ~(1ULL << (pb % 64));
		base = pb << pbo;
		if (base + (1ULL << pbo) <= lo)
			return MF_PFN_NONE;
		h = ((base + (1ULL << pbo) < end ? base + (1ULL << pbo) : end) - 1) &
		    ~((1ULL << order) - 1);
		if (order < 6) {
			h = inblk_top(m, want, z, base > lo ? base : lo, h);
			if (h != MF_PFN_NONE)
				return h;
			continue;
		}
		for (; h >= base && h >= lo; h -= 1ULL << order) {
			if (*blk_at(m, h) == want && mf_model_zone_of_pfn(m, h) == z)
				return h;
			if (h < (1ULL << order))
				break;
		}
	}
}

/*
 * fast_isolate_freepages()'s walk of zone z's free_list[order][MOVABLE] from the tail with
 * a scan limit: the first block at or above low_pfn is the pick; else each block at or
 * above min_pfn higher than the candidate so far becomes the candidate and halves the
 * limit ("Shorten the scan if a candidate is found"), and the walk stops when
 * order_scanned reaches the limit; the candidate is the pick.  *scanned: entries visited.
 */
static uint64_t fast_walk(const struct mf_model *m, int z, int order, uint64_t min_pfn,
			  uint64_t low_pfn, uint64_t limit, uint64_t *scanned)
{
	uint64_t high = MF_PFN_NONE, n = 0;
	uint32_t q;

	for (q = m->ltail[z][order][MF_MT_MOVABLE]; q != LNONE; q = link_prev(m, q)) {
		n++;
		if (q >= low_pfn) {
			*scanned = n;
			return q;
		}
		if (q >= min_pfn && (high == MF_PFN_NONE || q > high)) {
			high = q;
			limit >>= 1;
		}
		if (n >= limit)
			break;
	}
	*scanned = n;
	return high;
}

/*
 * The kernel's pick when the model's lists are checked by migration targets
 * (mm_lru_insertion): the walk of fast_walk() that visits exactly cap entries.  The
 * starting limit is not in the event: freelist_scan_limit(cc) >> 1 (16, halved per
 * fast_search_fail, and per earlier order searched), or pageblock_nr_pages >> 1 when the
 * free scanner starts at the zone's end.  When no limit fits (the search visited other
 * orders first, or the lists differ), the highest block among the first cap entries.
 * MF_PFN_NONE when none of the first cap entries qualifies.  On the six recordings of
 * issue 11 this cut the picks a target corrected (compaction_targets_taken) by 8-47%.
 * Without mm_lru_insertion the model's lists keep the blocks the kernel took on earlier
 * wrong picks near the tail, where a short walk meets them first: there the old rule
 * (the highest block anywhere) lands nearer, and model_on_fast_isolate() keeps it.
 */
static uint64_t fast_pick_bounded(const struct mf_model *m, int z, int order, uint64_t min_pfn,
				  uint64_t low_pfn, uint64_t cap)
{
	/* the last: pageblock_nr_pages >> 1, the free scanner at the zone's end */
	const uint64_t limits[] = { 16, 8, 4, 2, 1,
				    m->p.pageblock_order ? 1ULL << (m->p.pageblock_order - 1) : 1 };
	uint64_t pick, n, high = MF_PFN_NONE;
	uint32_t q;
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		pick = fast_walk(m, z, order, min_pfn, low_pfn, limits[i], &n);
		if (n == cap && pick != MF_PFN_NONE)
			return pick;
	}
	for (n = 0, q = m->ltail[z][order][MF_MT_MOVABLE]; n < cap && q != LNONE;
	     n++, q = link_prev(m, q)) {
		if (q >= low_pfn)
			return q;
		if (q >= min_pfn && (high == MF_PFN_NONE || q > high))
			high = q;
	}
	return high;
}

/* ---- the whole list search of fast_isolate_freepages() --------------------------------
 *
 * One fast_isolate_freepages() call visits several orders: cc->search_order (at most
 * cc->order - 1), then down to 0, then from cc->order - 1 down until it wraps back to
 * search_order (next_search_order()), skipping the orders whose free_area holds no block
 * of any type.  It walks each visited order's free_list[o][MOVABLE] from the tail under
 * one shared scan limit, and calls move_freelist_head() on every one of them, not only on
 * the list it takes from: a walk cut short by the limit sends the entries it did not
 * reach to the tail, where the next search starts.  The event has only the total of the
 * entries visited (plus 2^o - 1 for the pick) and the pick's size, so the model
 * simulates the search for each value of what the event leaves out (the limit, which
 * follows cc->fast_search_fail or the zone's scan start; cc->search_order) and keeps the
 * one that reproduces both.  None of the simulations changes a list: the lists of
 * different orders are apart, and one search visits an order once.
 */

/* The longest walk of one list: pageblock_nr_pages >> 1, the limit at the scan start. */
#define FAST_PEEK	256

/*
 * The first entries of zone z's free_list[o][MOVABLE] from the tail, read only as far as a
 * simulated walk asks; the simulations of one event share them.
 */
struct fast_peek {
	uint32_t	n;		/* entries read into e[] */
	bool		end;		/* the list holds no more */
	uint32_t	e[FAST_PEEK];
};

static uint32_t peek_at(const struct mf_model *m, int z, int o, struct fast_peek *pk, uint32_t i)
{
	while (pk->n <= i && !pk->end && pk->n < FAST_PEEK) {
		uint32_t q = pk->n ? link_prev(m, pk->e[pk->n - 1]) : m->ltail[z][o][MF_MT_MOVABLE];

		if (q == LNONE)
			pk->end = true;
		else
			pk->e[pk->n++] = q;
	}
	return i < pk->n ? pk->e[i] : LNONE;
}

/* One simulated search: what the event shows of it, and what it did to the lists. */
struct fast_sim {
	uint64_t	scanned;	/* nr_scanned as traced */
	uint64_t	pick;		/* MF_PFN_NONE: none */
	int		pick_order;	/* -1: none */
	bool		low;		/* the pick lies at or above low_pfn */
	int		search_order;	/* cc->search_order after the search */
	int		nvis;
	int8_t		vis_order[MF_MAX_ORDERS];
	uint32_t	vis_head[MF_MAX_ORDERS];	/* move_freelist_head()'s entry, LNONE: none */
};

/*
 * fast_isolate_freepages()'s loop over the orders, from search_order with the starting
 * limit, on zone z's lists as they are, given up (pick_order -2) once it visits more than
 * max_visits entries: the event's count rules it out already.  Per order: nothing when free_area[o].nr_free is 0
 * (blocks of any type); else the walk from the tail, where the first block at or above
 * low_pfn is the pick, a block at or above min_pfn higher than the candidate so far becomes
 * the candidate and halves the limit, and the walk stops when the order's count reaches
 * the limit; with no pick the candidate is taken.  move_freelist_head() then gets the pick,
 * or the entry the walk stopped at (a walk to the list's end changes nothing).  A reached
 * limit is halved for the next order (at least 1).  The search stops at the first pick.
 */
static void fast_simulate(const struct mf_model *m, int z, struct fast_peek *pk, int cc_order,
			  int search_order, uint32_t limit, uint64_t min_pfn, uint64_t low_pfn,
			  uint64_t max_visits, struct fast_sim *r)
{
	int order = search_order;

	r->scanned = 0;
	r->pick = MF_PFN_NONE;
	r->pick_order = -1;
	r->low = false;
	r->nvis = 0;
	r->search_order = search_order;
	while (order >= 0) {
		uint64_t high = 0;
		uint32_t os = 0, q = LNONE;

		if (area_nr_free(m, z, order)) {
			for (;;) {
				q = peek_at(m, z, order, &pk[order], os);
				if (q == LNONE)
					break;
				os++;
				if (++r->scanned > max_visits) {
					r->pick_order = -2;
					return;
				}
				if (q >= low_pfn) {
					r->pick = q;
					r->low = true;
					break;
				}
				if (q >= min_pfn && q > high) {
					high = q;
					limit >>= 1;	/* "Shorten the scan if a candidate is found" */
				}
				if (os >= limit)
					break;
			}
			if (r->pick == MF_PFN_NONE && high) {
				r->pick = high;
				q = (uint32_t)high;
			}
			r->vis_order[r->nvis] = (int8_t)order;
			r->vis_head[r->nvis++] = q;
			if (r->pick != MF_PFN_NONE) {
				r->pick_order = order;
				r->scanned += (1ULL << order) - 1;
				if (r->low)
					r->search_order = order;
				return;
			}
			if (os >= limit)
				limit = limit >> 1 ? limit >> 1 : 1;
		}
		/* next_search_order(): round robin below cc->order, once round */
		if (--order < 0)
			order = cc_order - 1;
		if (order == search_order) {
			r->search_order = search_order ? search_order - 1 : cc_order - 1;
			return;
		}
	}
}

/* freelist_scan_limit(): (COMPACT_CLUSTER_MAX >> cc->fast_search_fail) + 1 */
static uint32_t freelist_scan_limit(unsigned int fail)
{
	return (32U >> (fail < 31 ? fail : 31)) + 1;
}

/* fast_isolate_freepages()'s starting limit: max(1, freelist_scan_limit(cc) >> 1) */
static uint32_t fast_limit(unsigned int fail)
{
	uint32_t l = freelist_scan_limit(fail) >> 1;

	return l ? l : 1;
}

/* the compact_control of task pid (struct cp_cc), a new one when create, else NULL */
static struct cp_cc *cc_find(struct mf_model *m, int32_t pid, bool create)
{
	struct cp_cc *cc;
	uint32_t i;

	for (i = 0; i < MAX_CP_CC; i++)
		if (m->cc[i].used && m->cc[i].pid == pid)
			return &m->cc[i];
	if (!create)
		return NULL;
	cc = &m->cc[m->cc_next++ % MAX_CP_CC];	/* the oldest task's, when all are taken */
	memset(cc, 0, sizeof(*cc));
	cc->used = true;
	cc->pid = pid;
	cc->migrate_pfn = MF_PFN_NONE;
	return cc;
}

/*
 * fast_find_migrateblock() before an isolate_migratepages_block() of task cc: when the
 * migrate scanner stands at a pageblock's start (or the zone's), for a request above
 * PAGE_ALLOC_COSTLY_ORDER that honours skip hints (not the SYNC_FULL priority) and is
 * kcompactd's or MOVABLE, it walks free_list[o][MOVABLE] from the head for o = cc->order - 1
 * down to 3, under a limit of freelist_scan_limit() entries in all, for a free block below
 * a high mark in a pageblock without the skip bit, and jumps the migrate scanner to that
 * pageblock.  move_freelist_tail() sends the found block, and the blocks before it, to the
 * tail, where fast_isolate_freepages() starts its walks; a search that reaches its limit
 * does the same with the entry it stopped at.  The event names the pageblock the scanner
 * isolates from: the found block is the first of that pageblock on the walk (the blocks
 * below the mark before it carried the skip bit).  None within the limit: the search
 * failed, and counts in cc->fast_search_fail as the free scanner's failures do.
 */
static void fast_find_migrate(struct mf_model *m, struct cp_cc *cc, uint64_t start_pfn)
{
	const uint64_t pbmask = ~((1ULL << m->p.pageblock_order) - 1);
	uint32_t limit = freelist_scan_limit(cc->fail), nr_scanned = 0, q;
	int z = mf_model_zone_of_pfn(m, start_pfn), order;
	uint64_t prev = cc->migrate_pfn;
	/*
	 * Without the block in reach, the scanner either failed the search or jumped to a
	 * block the model's lists do not show where it walks; only an isolation where the
	 * scanner stood tells a failure for sure (on h9 and pc9 counting the others as
	 * failures too made the picks worse: bench/README.md).
	 */
	bool sure = start_pfn == prev;

	if (z < 0 || cc->order <= 3 || !cc->fast_migrate || prev == MF_PFN_NONE ||
	    (prev != m->zones[z].start_pfn && (prev & ~pbmask)))
		return;
	for (order = cc->order - 1; order >= 3 && nr_scanned < limit; order--) {
		if (!area_nr_free(m, z, order))
			continue;
		for (q = m->lhead[z][order][MF_MT_MOVABLE]; q != LNONE; q = link_next(m, q)) {
			if (nr_scanned++ >= limit) {
				if (sure)
					model_list_move_tail(m, z, order, MF_MT_MOVABLE, q);
				break;
			}
			if ((q & pbmask) == (start_pfn & pbmask)) {
				model_list_move_tail(m, z, order, MF_MT_MOVABLE, q);
				cc->fail = 0;
				return;
			}
		}
	}
	if (sure && cc->fail < UINT8_MAX)
		cc->fail++;
}

/*
 * The events that set the compact_control a fast search starts from:
 *   - mm_compaction_try_to_compact_pages(order): try_to_compact_pages(); each zone's
 *     compact_zone_order() then starts a cc of this order with search_order = order and
 *     fast_search_fail = 0, so mm_compaction_begin resets them;
 *   - mm_compaction_kcompactd_wake(order): kcompactd_do_work() sets up one cc for all the
 *     zones it compacts: its search_order and fast_search_fail go on from zone to zone;
 *   - mm_compaction_begin, mm_compaction_isolate_migratepages: cc->migrate_pfn
 *     (isolate_migratepages_block() sets it to the end pfn it traces).
 */
void model_cc_event(struct mf_model *m, const struct mf_event *ev)
{
	struct cp_cc *cc;
	int order;

	switch (ev->type) {
	case MF_EV_CP_TRY:
	case MF_EV_CP_KCOMPACTD_WAKE:
		order = ev->type == MF_EV_CP_TRY ? ev->cp_try.order : ev->kcompactd.order;
		cc = cc_find(m, ev->pid, true);
		cc->order = (int8_t)(order > 0 && order <= m->p.max_order ? order : 0);
		cc->kcompactd = ev->type == MF_EV_CP_KCOMPACTD_WAKE;
		/* direct: not COMPACT_PRIO_SYNC_FULL (ignore_skip_hint), gfp_migratetype() MOVABLE */
		cc->fast_migrate = cc->kcompactd ||
			(ev->cp_try.prio != 0 &&
			 (!ev->cp_try.gfp ||
			  (ev->cp_try.gfp & (MF_GFP_MOVABLE | MF_GFP_RECLAIMABLE)) == MF_GFP_MOVABLE));
		cc->search_order = cc->order;
		cc->fail = 0;
		return;
	case MF_EV_CP_BEGIN:
		cc = cc_find(m, ev->pid, false);
		if (!cc)
			return;
		if (!cc->kcompactd) {
			cc->search_order = cc->order;
			cc->fail = 0;
		}
		cc->migrate_pfn = ev->cp_begin.migrate_pfn;
		return;
	case MF_EV_CP_ISOLATE_MIGRATE:
		cc = cc_find(m, ev->pid, false);
		if (!cc)
			return;
		if (cc->order > 0)
			fast_find_migrate(m, cc, ev->isolate.start_pfn);
		cc->migrate_pfn = ev->isolate.end_pfn;
		return;
	default:
		return;
	}
}

/*
 * compaction_capture(): a block of the requested order that __free_one_page() forms while
 * a task compacts directly goes straight to that task (capture_control), neither onto a
 * list nor with a zone_locked event; its mm_page_alloc comes after the run.  True when the
 * task of the event being applied last asked direct compaction for this order.
 */
bool model_cc_captured(struct mf_model *m, int order)
{
	const struct cp_cc *cc = order > 0 ? cc_find(m, m->cur_pid, false) : NULL;

	return cc && !cc->kcompactd && cc->order == order;
}

/*
 * low_pfn = pageblock_start(free_pfn - distance / 4), distance = free_pfn - migrate_pfn.
 * The event has min_pfn = pageblock_start(free_pfn - distance / 2): when the task's last
 * migrate isolation gives a migrate_pfn that reproduces it, low_pfn is exact; else it is
 * taken halfway between min_pfn and free_pfn.
 */
static uint64_t fast_low_pfn(const struct mf_model *m, const struct cp_cc *cc, uint64_t min_pfn,
			     uint64_t free_pfn)
{
	const uint64_t pbmask = ~((1ULL << m->p.pageblock_order) - 1);
	uint64_t d, low;

	if (cc && cc->migrate_pfn != MF_PFN_NONE && cc->migrate_pfn < free_pfn) {
		d = free_pfn - cc->migrate_pfn;
		if (((free_pfn - d / 2) & pbmask) == min_pfn)
			return (free_pfn - d / 4) & pbmask;
	}
	low = free_pfn > min_pfn ? free_pfn - (free_pfn - min_pfn) / 2 : min_pfn;
	low &= pbmask;
	return low < min_pfn ? min_pfn : low;
}

/*
 * The simulated search that reproduces the event (nr_scanned, and the order taken, -1 for
 * none) for task cc.  The search orders are tried from the tracked one round robin, as
 * next_search_order() steps; for each, two starting limits: the tracked
 * fast_search_fail's, then the scan start's (cc->free_pfn at or above the zone's
 * compact_init_free_pfn, which no event shows).  Other limits are not tried: on h9 and
 * pc9 (bench/README.md) the picks of searches only they reproduced were mostly not the
 * kernel's (mm_lru_insertion showed a target in 71 of 370), short walks match by chance.
 * On a match its rotations are applied to the lists (not the pick's removal), cc follows
 * the search, and *pick is its pick (MF_PFN_NONE for none).  False when nothing matched:
 * cc then follows the event alone (a pick resets fast_search_fail and search_order as one
 * at or above low_pfn does; no pick counts a failure and a wrap).
 */
static bool fast_search(struct mf_model *m, int z, struct cp_cc *cc, uint64_t min_pfn,
			uint64_t low_pfn, uint64_t nr_scanned, int taken_order, uint64_t *pick)
{
	const uint32_t half_pb = m->p.pageblock_order ? 1U << (m->p.pageblock_order - 1) : 1;
	const uint32_t limits[2] = { fast_limit(cc->fail),
				     half_pb < FAST_PEEK ? half_pb : FAST_PEEK };
	/* the entries visited: nr_scanned less the pick's 2^o - 1 */
	const uint64_t extra = taken_order >= 0 ? (1ULL << taken_order) - 1 : 0;
	const uint64_t max_visits = nr_scanned >= extra ? nr_scanned - extra : 0;
	struct fast_peek pk[MF_MAX_ORDERS];
	int cc_order = cc->order, s0, s, si, li, o;
	struct fast_sim r;

	s0 = cc->search_order < cc_order - 1 ? cc->search_order : cc_order - 1;
	if (s0 < 0)
		s0 = 0;
	for (o = 0; o < cc_order; o++) {
		pk[o].n = 0;
		pk[o].end = false;
	}
	for (si = 0; si < cc_order; si++) {
		s = s0 - si >= 0 ? s0 - si : s0 - si + cc_order;
		for (li = 0; li < 2; li++) {
			fast_simulate(m, z, pk, cc_order, s, limits[li], min_pfn, low_pfn, max_visits,
				      &r);
			if (r.scanned == nr_scanned && r.pick_order == taken_order)
				goto match;
		}
	}
	/* no simulation reproduces the event: the model's lists differ from the kernel's */
	if (taken_order >= 0) {
		cc->fail = 0;
		cc->search_order = (int8_t)taken_order;
	} else {
		if (cc->fail < UINT8_MAX)
			cc->fail++;
		cc->search_order = (int8_t)(s0 ? s0 - 1 : cc_order - 1);
	}
	return false;
match:
	for (o = 0; o < r.nvis; o++)
		if (r.vis_head[o] != LNONE)
			model_list_move_head(m, z, r.vis_order[o], MF_MT_MOVABLE, r.vis_head[o]);
	cc->search_order = (int8_t)r.search_order;
	if (r.low)
		cc->fail = 0;		/* a pick at or above low_pfn */
	else if (r.pick == MF_PFN_NONE && cc->fail < UINT8_MAX)
		cc->fail++;
	*pick = r.pick;
	return true;
}

/*
 * mm_compaction_fast_isolate_freepages(min_pfn, free_pfn, nr_scanned, nr_taken): the list
 * search of fast_isolate_freepages() took at most one block, from free_list[o][MOVABLE]
 * with 2^o = nr_taken.  It walks that list from the tail (list_for_each_entry_reverse) and
 * takes the first block at or above low_pfn = pageblock_start(free_pfn - distance / 4) (no
 * upper bound); when its scan limit ends the walk first, the highest block it met at or
 * above min_pfn = pageblock_start(free_pfn - distance / 2).  Then move_freelist_head()
 * rotates the blocks it walked past to the tail, and the pick leaves the list.
 *
 * What the event leaves out: distance (low_pfn is taken halfway between min_pfn and
 * free_pfn), the limit (16 halved per candidate and per order, 256 when the scan starts)
 * and the other orders the search visited (search_order down to 0, then cc->order - 1 down)
 * and rotated without a pick.  nr_scanned counts the entries visited over all orders plus
 * 2^o - 1 for the pick, so in the kernel the pick was at most nr_scanned - (2^o - 1)
 * entries from the tail.  The walk does not stop there: the model's lists also hold blocks
 * the kernel's do not (migration targets taken without an event), which push the kernel's
 * pick further from the tail; cutting the walk at nr_scanned then takes a fallback
 * candidate instead, and on the recordings of issue 11 that lands farther from the kernel.
 * A pick past that bound counts as an isolate mismatch.  Once mm_lru_insertion shows, the
 * targets correct the lists run by run, and the walk within the scan limit is the nearer
 * one (fast_pick_bounded()).  The pages the around-scan takes come in their own
 * isolate_freepages event.
 *
 * All of that is the fallback.  When the task's events gave its run's order
 * (mm_compaction_try_to_compact_pages, mm_compaction_kcompactd_wake), the whole search is
 * simulated first, over every order it visits, and the simulation that reproduces
 * nr_scanned and the order taken gives the pick and the rotations (fast_search()); a
 * search that took nothing (nr_taken 0) still rotates the lists it visited.
 */
void model_on_fast_isolate(struct mf_model *m, int z, uint64_t min_pfn, uint64_t free_pfn,
			   uint64_t nr_scanned, uint64_t nr_taken)
{
	const struct mf_zone_desc *zd = &m->zones[z];
	struct cp_cc *cc = cc_find(m, m->cur_pid, false);
	uint64_t low_pfn, best = MF_PFN_NONE, cap, n = 0, top;
	uint32_t q;
	int order;

	if (cc && cc->order <= 0)
		cc = NULL;	/* no event gave the run's order: the search is not simulated */
	low_pfn = fast_low_pfn(m, cc, min_pfn, free_pfn);
	if (!nr_taken) {
		/* a search that took nothing: its rotations, and fast_search_fail */
		if (cc)
			fast_search(m, z, cc, min_pfn, low_pfn, nr_scanned, -1, &best);
		return;
	}
	/* its candidates are any free block at or above min_pfn, free_pfn no bound */
	run_window(m, min_pfn > zd->start_pfn ? min_pfn : zd->start_pfn, zd->end_pfn);
	if (nr_taken & (nr_taken - 1)) {
		isolate_short(m, z, nr_taken, 0);
		return;
	}
	order = __builtin_ctzll(nr_taken);
	if (order > m->p.max_order)
		return;
	if (cc && order < cc->order) {
		/* the search the kernel made: its pick, its rotations already applied */
		if (fast_search(m, z, cc, min_pfn, low_pfn, nr_scanned, order, &best))
			goto take;
	}
	if (free_pfn > zd->end_pfn)
		free_pfn = zd->end_pfn;
	if (min_pfn < zd->start_pfn)
		min_pfn = zd->start_pfn;
	if (low_pfn < min_pfn)
		low_pfn = min_pfn;
	cap = nr_scanned >= nr_taken ? nr_scanned - (nr_taken - 1) : 1;

	/*
	 * The pageblock index first (movable_top(): the highest block at or above min_pfn on
	 * the list), then the list walk only as far as the answer needs.  A block at or above
	 * low_pfn: the walk's pick is the first such from the tail, and on a compaction-heavy
	 * trace it is a few entries away.  None: the pick is that highest block, and the walk
	 * only tells whether it lies among the first cap entries.
	 */
	top = movable_top(m, z, order, min_pfn, zd->end_pfn);
	q = m->ltail[z][order][MF_MT_MOVABLE];
	if (m->lru_seen && top != MF_PFN_NONE)
		best = fast_pick_bounded(m, z, order, min_pfn, low_pfn, cap);
	if (best != MF_PFN_NONE) {
		n = 0;		/* among the first cap entries */
	} else if (top != MF_PFN_NONE && top >= low_pfn) {
		for (n = 0; q != LNONE && q < low_pfn; n++)
			q = link_prev(m, q);
		if (q != LNONE)
			best = q;
	} else if (top != MF_PFN_NONE) {
		for (n = 0; n < cap && q != LNONE && q != top; n++)
			q = link_prev(m, q);
		best = top;	/* n: its place from the tail, cap when not among the first cap */
	}
	if (best != MF_PFN_NONE && n >= cap) {
		m->fid.cp_isolate_mismatch++;
		/*
		 * No block at or above low_pfn in reach: the model took its highest block at or
		 * above min_pfn, and the kernel the highest of the at most nr_scanned entries it
		 * looked at, which is no higher when its list holds what the model's does.
		 */
		if (best < low_pfn)
			model_guess_note(m, best, order, min_pfn, best + nr_taken);
	}
	if (best == MF_PFN_NONE) {
		isolate_short(m, z, nr_taken, 0);
		return;
	}
	model_list_move_head(m, z, order, MF_MT_MOVABLE, best);
take:
	ciso_update(m, best, nr_taken, true);
	run_note(m, best, order, false);
	model_del_block(m, z, best);
	m->fid.cp_isolated_pages += nr_taken;
}

/* ---- compaction runs ----------------------------------------------------------------- */

static struct cp_run *find_run(struct mf_model *m, int32_t pid)
{
	int i;

	for (i = 0; i < m->nr_runs; i++)
		if (m->runs[i].pid == pid)
			return &m->runs[i];
	return NULL;
}

/* The task of the event being applied is inside compact_zone(). */
bool model_in_run(struct mf_model *m)
{
	return m->nr_runs && find_run(m, m->cur_pid);
}

/* mm_compaction_begin: compact_zone() of this task starts (one zone at a time per task). */
void model_run_begin(struct mf_model *m, int32_t pid)
{
	struct cp_run *run = find_run(m, pid);

	if (!run) {
		if (m->nr_runs == MAX_CP_RUNS)
			return;		/* not followed: its picks stay in the ledger as without */
		run = &m->runs[m->nr_runs++];
		run->pid = pid;
	}
	run->nr = 0;
	pick_ix_reset(&run->ix);
	run->max_order = 0;
	run->sim = !m->lru_seen;
	run->nent = run->nlive = 0;
	run->head_seq = run->tail_seq = 0;
	run->migrated = 0;
	run->nfrel = 0;
	memset(run->src, 0, sizeof(run->src));
	run->nr_win = 0;
}

/* the pages between [lo, hi) and window w, 0 when they overlap or touch */
static uint64_t window_gap(const uint64_t *w, uint64_t lo, uint64_t hi)
{
	if (hi < w[0])
		return w[0] - hi;
	if (lo > w[1])
		return lo - w[1];
	return 0;
}

/*
 * isolate_freepages_block() / fast_isolate_freepages() of the task applying the event took
 * pages in [lo, hi): the run's migration targets come from such windows.  The linear
 * scanner walks down pageblock by pageblock, so most windows extend the one before; it
 * skips pageblocks it takes nothing from, so a long run (kcompactd's, a proactive one)
 * leaves more separate windows than are kept.  Then the nearest window grows over the
 * gap: the run keeps a bounded cover of where its scanner took pages, which other tasks'
 * insertions of its targets (target_run()) still find.
 */
static void run_window(struct mf_model *m, uint64_t lo, uint64_t hi)
{
	struct cp_run *run = m->nr_runs ? find_run(m, m->cur_pid) : NULL;
	uint32_t i, near = 0;
	uint64_t *w;

	if (!run || lo >= hi)
		return;
	for (i = 0; i < run->nr_win; i++) {
		w = run->win[i];
		if (window_gap(w, lo, hi) < window_gap(run->win[near], lo, hi))
			near = i;
	}
	if (run->nr_win < RUN_WINDOWS && (!run->nr_win || window_gap(run->win[near], lo, hi))) {
		run->win[run->nr_win][0] = lo;
		run->win[run->nr_win][1] = hi;
		run->nr_win++;
		return;
	}
	w = run->win[near];		/* overlapping, adjacent, or the nearest when full */
	w[0] = lo < w[0] ? lo : w[0];
	w[1] = hi > w[1] ? hi : w[1];
}

/* pfn lies in a window the run's free scanner took pages from */
static bool run_scanned(const struct cp_run *run, uint64_t pfn)
{
	uint32_t i;

	for (i = 0; i < run->nr_win; i++)
		if (pfn >= run->win[i][0] && pfn < run->win[i][1])
			return true;
	return false;
}

/*
 * The open run pfn can be a migration target of: the run of the task applying the event
 * if its scanner took pages around pfn, else another open run whose scanner did, else
 * none.  folio_add_lru() only queues the target on this CPU's LRU batch: the insertion
 * comes when the batch is drained (lru_add_drain(), a full batch), in whatever task runs
 * on that CPU then, another compacting task among them; or after the run ended.
 */
static struct cp_run *target_run(struct mf_model *m, uint64_t pfn)
{
	struct cp_run *run = m->nr_runs ? find_run(m, m->cur_pid) : NULL;
	int i;

	if (run && run_scanned(run, pfn))
		return run;
	for (i = 0; i < m->nr_runs; i++)
		if (run_scanned(&m->runs[i], pfn))
			return &m->runs[i];
	return NULL;
}

/* Note a block the model isolated, for run. */
static void run_note_in(struct cp_run *run, uint64_t pfn, int order, bool exact)
{
	if (run->sim && ent_add(run, pfn, order, false, exact) < 0)
		run->sim = false;	/* not followed: its picks stay in the ledger */
	if (run->nr == run->cap) {
		uint32_t cap = run->cap ? run->cap * 2 : 256;
		uint64_t *p = realloc(run->picks, cap * sizeof(*p));

		if (!p)
			return;		/* not followed: the pick stays in the ledger as without */
		run->picks = p;
		run->cap = cap;
	}
	pick_ix_add(&run->ix, pfn, order, run->nr);
	run->picks[run->nr++] = pfn << 6 | (uint64_t)order;
	if (order > run->max_order)
		run->max_order = order;
}

/* Note a block the model isolated, for the run of the task applying the event. */
static void run_note(struct mf_model *m, uint64_t pfn, int order, bool exact)
{
	struct cp_run *run = m->nr_runs ? find_run(m, m->cur_pid) : NULL;

	if (run)
		run_note_in(run, pfn, order, exact);
}

/*
 * Give back what is left of an isolated block [pfn, pfn + 2^order) that no target
 * confirmed (no page of it in use): the pages still isolated go back to the buddy lists,
 * the whole block at once when nothing of it was freed since.  Returns the pages.
 */
static uint64_t release_block(struct mf_model *m, int z, uint64_t pfn, int order)
{
	uint64_t n = 1ULL << order, p, left;

	if (model_bits_count(m->cconf, pfn, n)) {
		/*
		 * A target confirmed it: the kernel's pick, whose unused pages came back
		 * through mm_page_free.  What is still isolated is in use (the rest of a
		 * large target folio, or a target the model did not see).
		 */
		for (p = pfn; p < pfn + n; p++)
			if (bit_test(m->ciso, p) && bit_test(m->cconf, p))
				bit_set(m->held, p);
		ciso_update(m, pfn, n, false);
		model_bits_update(m->cconf, pfn, n, false);
		return 0;
	}
	left = model_bits_count(m->ciso, pfn, n);
	if (left == n && model_find_block(m, pfn) == MF_PFN_NONE &&
	    model_next_head(m, pfn, pfn + n) == pfn + n) {
		ciso_update(m, pfn, n, false);
		model_free_to_buddy(m, z, pfn, order);
		return n;
	}
	for (p = pfn, left = 0; p < pfn + n; p++) {
		if (!bit_test(m->ciso, p))
			continue;
		ciso_update(m, p, 1, false);
		if (model_find_block(m, p) != MF_PFN_NONE)
			continue;	/* already free in the model */
		model_free_to_buddy(m, z, p, 0);
		left++;
	}
	return left;
}

/* ---- cc->freepages without mm_lru_insertion ------------------------------------------
 *
 * Without mm_lru_insertion no event names a migration target, but the kernel's order
 * does.  isolate_freepages_block() and fast_isolate_freepages() add each block they take
 * at the tail of cc->freepages[order] (list_add_tail()).  compaction_alloc() serves a
 * source folio of order o from the first block of the lowest non-empty list >= o, and
 * splits it as expand() does: the upper halves go back at the head of the lower lists
 * (list_add()), the lowest 2^o pages become the target.  compaction_free() puts a target
 * whose migration failed back at the head, after free_pages_prepare() traced it with
 * mm_page_free.  At the run's end release_free_list() frees every block still listed
 * with mm_page_free, before mm_compaction_end.  So, per run:
 *   - a free by the compacting task of one of its listed or target blocks takes the block
 *     off the run and is applied as any free (compaction_free() or the release; the
 *     per-CPU list it reaches is drained with events);
 *   - a free of a page the model held free by the compacting task is the release of a
 *     block the kernel picked and the model did not: the model's pick in its place is
 *     still listed and goes back at the end, so no swap_isolation() now;
 *   - mm_compaction_migratepages takes nr_migrated pages of targets off the lists in the
 *     kernel's order, as folios of the orders of the sources the batch freed (order 0 for
 *     the rest);
 *   - at mm_compaction_end every block an event released is gone; of the rest, the run's
 *     nr_migrated pages stay targets (the simulated ones first, then in list order), and
 *     the others were the model's own picks: given back.  A target from a block whose
 *     isolate walk the model reproduced is the kernel's: swap_isolation() never takes it.
 * The prediction is exact where the model's picks are the kernel's; where they are not
 * (compaction_isolate_mismatch), the pages kept or given back against the run's
 * nr_migrated count as compaction_targets_unsure.
 */

/* Add a block to the run's lists; returns its index, -1 when out of memory. */
static int64_t ent_add(struct cp_run *run, uint64_t pfn, int order, bool head, bool exact)
{
	struct cp_ent *e;

	if (run->nent == run->ecap) {
		uint32_t cap = run->ecap ? run->ecap * 2 : 256;
		struct cp_ent *p = realloc(run->ent, cap * sizeof(*p));

		if (!p)
			return -1;
		run->ent = p;
		run->ecap = cap;
	}
	if (run->nlive == run->lcap) {
		uint32_t cap = run->lcap ? run->lcap * 2 : 256;
		uint32_t *p = realloc(run->live, cap * sizeof(*p));

		if (!p)
			return -1;
		run->live = p;
		run->lcap = cap;
	}
	e = &run->ent[run->nent];
	memset(e, 0, sizeof(*e));
	e->pfn = pfn;
	e->order = (uint8_t)order;
	e->state = ENT_LISTED;
	e->exact = exact;
	e->seq = head ? --run->head_seq : ++run->tail_seq;
	e->li = run->nlive;
	run->live[run->nlive++] = run->nent;
	return run->nent++;
}

/* Entry i leaves ENT_LISTED (or stays): live[] follows. */
static void ent_state(struct cp_run *run, int64_t i, uint8_t state)
{
	struct cp_ent *e = &run->ent[i];

	if (e->state == ENT_LISTED && state != ENT_LISTED) {
		uint32_t last = run->live[--run->nlive];

		run->live[e->li] = last;
		run->ent[last].li = e->li;
	}
	e->state = state;
}

/* Split entry i in halves, keeping its place, until its piece holding pfn is of order. */
static int64_t ent_split_to(struct cp_run *run, int64_t i, uint64_t pfn, int order)
{
	while (run->ent[i].order > order) {
		struct cp_ent e = run->ent[i];
		int o = e.order - 1;
		uint64_t half = e.pfn + (1ULL << o);
		int64_t j = ent_add(run, pfn >= half ? e.pfn : half, o, false, e.exact);

		if (j < 0)
			return -1;
		e.order = (uint8_t)o;
		run->ent[j].seq = e.seq;
		ent_state(run, j, e.state);
		if (pfn >= half)
			e.pfn = half;
		run->ent[i] = e;
	}
	return i;
}

/*
 * The run's block [pfn, pfn + 2^order) as one entry: a larger entry is split, smaller
 * ones inside it are joined (the model picked the kernel's block in pieces).  -1 if the
 * run's entries do not cover it.
 */
static int64_t ent_find(struct cp_run *run, uint64_t pfn, int order)
{
	uint64_t n = 1ULL << order, covered = 0;
	int64_t i, first = -1;

	for (i = 0; i < run->nent; i++) {
		struct cp_ent *e = &run->ent[i];
		uint64_t en = 1ULL << e->order;

		if (e->state == ENT_GONE || e->pfn + en <= pfn || e->pfn >= pfn + n)
			continue;
		if (e->pfn <= pfn && e->pfn + en >= pfn + n)
			return ent_split_to(run, i, pfn, order);
		if (e->pfn < pfn || e->pfn + en > pfn + n)
			return -1;	/* straddles the freed block */
		covered += en;
		if (first < 0 || e->seq < run->ent[first].seq)
			first = i;
	}
	if (covered != n)
		return -1;
	for (i = 0; i < run->nent; i++) {
		struct cp_ent *e = &run->ent[i];

		if (i != first && e->state != ENT_GONE && e->pfn >= pfn && e->pfn < pfn + n)
			ent_state(run, i, ENT_GONE);
	}
	run->ent[first].pfn = pfn;
	run->ent[first].order = (uint8_t)order;
	return first;
}

/*
 * mm_page_free by a task in a compaction run.  Of a page on the run's lists or one of its
 * targets: compaction_free() or release_free_list(); the page leaves the run (the caller
 * frees it as any other: the per-CPU list it went to is drained with events).  Of a page
 * in use: a migrated source, whose order is the order of the target compaction_alloc()
 * gave it.  Returns false: the caller applies the free.
 */
bool model_run_free(struct mf_model *m, uint64_t pfn, int order, int cpu)
{
	struct cp_run *run = m->nr_runs ? find_run(m, m->cur_pid) : NULL;
	uint64_t n = 1ULL << order;
	int64_t i;

	(void)cpu;
	if (!run || !run->sim)
		return false;
	if (model_bits_count(m->ciso, pfn, n) != n) {
		if (model_bits_count(m->held, pfn, n) == n && run->src[order] < UINT32_MAX)
			run->src[order]++;
		return false;
	}
	i = ent_find(run, pfn, order);
	if (i >= 0)
		ent_state(run, i, ENT_GONE);
	return false;
}

/*
 * A page the model held free was freed by a task whose run follows cc->freepages: the
 * kernel released a block of its own pick.  The block is noted for run_infer_targets(),
 * and the model's pick in its place is still on the run's lists, given back at the run's
 * end: true tells the caller not to swap now.
 */
bool model_run_note_release(struct mf_model *m, uint64_t pfn, int order)
{
	struct cp_run *run = m->nr_runs ? find_run(m, m->cur_pid) : NULL;

	if (!run || !run->sim)
		return false;
	if (run->nfrel == run->frelcap) {
		uint32_t cap = run->frelcap ? run->frelcap * 2 : 64;
		uint64_t *p = realloc(run->frel, cap * sizeof(*p));

		if (!p)
			return true;	/* not noted: the run's end infers less */
		run->frel = p;
		run->frelcap = cap;
	}
	run->frel[run->nfrel++] = pfn << 6 | (uint64_t)order;
	return true;
}

/*
 * compaction_alloc() for one folio of order: the first block of the lowest non-empty list
 * >= order, split; a block a failed migration of this batch gave back is not taken again
 * (the kernel took it before it came back).  Returns false when the lists are empty.
 */
static bool run_consume(struct mf_model *m, struct cp_run *run, int order)
{
	int64_t i, best = -1;
	uint32_t l;
	int k;

	/* the lowest (order, seq), and of equal ones the first entry; the ledger last */
	for (l = 0; l < run->nlive; l++) {
		const struct cp_ent *e = &run->ent[run->live[l]];

		i = run->live[l];
		if (e->order < order)
			continue;
		if (best >= 0 && (e->order > run->ent[best].order ||
				  (e->order == run->ent[best].order &&
				   (e->seq > run->ent[best].seq ||
				    (e->seq == run->ent[best].seq && i > best)))))
			continue;
		if (model_bits_all(m->ciso, e->pfn, 1ULL << e->order, true))
			best = i;
	}
	if (best < 0)
		return false;
	for (k = run->ent[best].order; k > order; k--) {
		uint64_t half = run->ent[best].pfn + (1ULL << (k - 1));

		if (ent_add(run, half, k - 1, true, run->ent[best].exact) < 0)
			return false;
		run->ent[best].order = (uint8_t)(k - 1);
	}
	ent_state(run, best, ENT_TARGET);
	return true;
}

/*
 * mm_compaction_migratepages(nr_migrated): the batch's targets, in the order
 * compaction_alloc() took them.  The folios' orders are those of the sources the batch
 * freed (largest first); what nr_migrated leaves beyond them is taken as order 0.
 */
void model_on_migratepages(struct mf_model *m, int32_t pid, uint64_t nr_migrated)
{
	struct cp_run *run = m->nr_runs ? find_run(m, pid) : NULL;
	uint64_t budget = nr_migrated;
	int o;

	if (!run || !run->sim)
		return;
	/*
	 * What the batch freed was its sources and compaction_free()'s failed targets, which
	 * went back at the head of cc->freepages: only frees after the run's last batch are
	 * release_free_list()'s.
	 */
	run->nfrel = 0;
	run->migrated += nr_migrated;
	for (o = MF_MAX_ORDERS - 1; o >= 0; o--) {
		for (; run->src[o] && budget >= 1ULL << o; run->src[o]--) {
			if (!run_consume(m, run, o))
				break;
			budget -= 1ULL << o;
		}
		run->src[o] = 0;
	}
	while (budget && run_consume(m, run, 0))
		budget--;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct cp_ent *x = a, *y = b;

	/* targets first, then the lists in the kernel's order */
	if (x->state != y->state)
		return x->state == ENT_TARGET ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A released block (frel[], sorted) overlaps [q, q + n). */
static bool frel_overlap(const struct cp_run *run, uint64_t q, uint64_t n)
{
	uint32_t lo = 0, hi = run->nfrel;

	/* the released blocks do not overlap each other: the last one starting below q + n */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (run->frel[mid] >> 6 < q + n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && (run->frel[lo - 1] >> 6) + (1ULL << (run->frel[lo - 1] & 63)) > q;
}

/*
 * Take [q, q + 2^order), less the released blocks inside it, off the model's free lists as
 * pages in use; at most *budget pages.  Returns the pages taken.
 */
static uint64_t take_in_use(struct mf_model *m, struct cp_run *run, int z, uint64_t q,
			    int order, uint64_t *budget)
{
	uint64_t n = 1ULL << order, head;

	if (!*budget)
		return 0;
	if (!frel_overlap(run, q, n) && n <= *budget) {
		head = model_find_block(m, q);
		if (head != MF_PFN_NONE) {
			if ((*blk_at(m, head) & BLK_PCP) || model_bits_count(m->ciso, q, n))
				return 0;
			model_carve(m, z, head, q, order);
			model_bits_update(m->held, q, n, true);
			*budget -= n;
			return n;
		}
		if (model_next_head(m, q, q + n) == q + n)
			return 0;	/* in use in the model too */
	}
	/* released pages, the budget or smaller free blocks inside: by halves */
	if (!order)
		return 0;
	return take_in_use(m, run, z, q, order - 1, budget) +
	       take_in_use(m, run, z, q + n / 2, order - 1, budget);
}

/*
 * At mm_compaction_end: the blocks release_free_list() freed that the model held free were
 * the kernel's picks, cut by compaction_alloc(), which takes the lowest 2^o pages of a block
 * and lists the upper halves (list_add()): a released block that is an upper half had its
 * lower buddy cut into targets, and what of that buddy was not released is in use.  (A
 * block isolated whole is never an upper half whose buddy was free as well: the buddy
 * allocator would have merged them.)  Those pages leave the model's free lists, up to the
 * run's migrated pages; returns the pages taken, which the run's own picks then need not
 * stand in for.
 */
static uint64_t run_infer_targets(struct mf_model *m, struct cp_run *run)
{
	uint64_t budget = run->migrated, taken = 0;
	uint32_t i;

	if (!run->nfrel)
		return 0;
	qsort(run->frel, run->nfrel, sizeof(run->frel[0]), u64_cmp);
	for (i = 0; i < run->nfrel && budget; i++) {
		uint64_t pfn = run->frel[i] >> 6;
		int order = (int)(run->frel[i] & 63), z;

		if (!(pfn & (1ULL << order)))
			continue;	/* a lower half: isolated whole, or the rest of a target */
		z = mf_model_zone_of_pfn(m, pfn);
		if (z >= 0)
			taken += take_in_use(m, run, z, pfn - (1ULL << order), order, &budget);
	}
	m->fid.cp_targets_inferred += taken;
	return taken;
}

/* mm_compaction_end of a run that follows cc->freepages: see above. */
static void run_release(struct mf_model *m, struct cp_run *run)
{
	uint64_t inferred = run_infer_targets(m, run);
	uint64_t keep = run->migrated > inferred ? run->migrated - inferred : 0, left = 0, kept = 0;
	uint32_t i;

	for (i = 0; i < run->nent; i++) {
		struct cp_ent *e = &run->ent[i];
		uint64_t n = 1ULL << e->order;

		if (e->state == ENT_GONE || model_bits_count(m->ciso, e->pfn, n) != n)
			e->state = ENT_GONE;
		else
			left += n;
	}
	if (run->nent)		/* ent is NULL until the run's first isolation */
		qsort(run->ent, run->nent, sizeof(run->ent[0]), ent_cmp);
	for (i = 0; i < run->nent; i++) {
		struct cp_ent *e = &run->ent[i];
		uint64_t n = 1ULL << e->order;
		int z;

		if (e->state == ENT_GONE)
			continue;
		if (kept + n <= keep) {
			/*
			 * A target: stays in the ledger until it is freed.  One the simulation
			 * took from a block the kernel's walk isolated too is the kernel's own:
			 * swap_isolation() leaves it alone.
			 */
			kept += n;
			if (e->state == ENT_TARGET && e->exact)
				model_bits_update(m->cconf, e->pfn, n, true);
			continue;
		}
		z = mf_model_zone_of_pfn(m, e->pfn);
		ciso_update(m, e->pfn, n, false);
		if (z >= 0)
			model_free_to_buddy(m, z, e->pfn, e->order);
		m->fid.cp_released_pages += n;
	}
	m->fid.cp_targets_predicted += kept;
	m->fid.cp_targets_unsure += left > keep ? left - keep : keep - left;
	run->nent = run->nlive = 0;
}

/*
 * mm_compaction_end.  With LRU insertions in the trace, the run's isolated blocks that no
 * migration target confirmed were not the kernel's: give them back.  (Of a block a target
 * confirmed, release_free_list() freed the unused rest with mm_page_free; what is left is
 * in use: the tail of a large target folio, or a target whose insertion the model did not
 * see.)  Without LRU insertions a target shows nowhere, and every pick stays in the ledger
 * until an event frees or swaps it.
 */
void model_run_end(struct mf_model *m, int32_t pid)
{
	struct cp_run *run = find_run(m, pid);
	uint32_t i;

	if (!run)
		return;
	if (run->sim)
		run_release(m, run);
	for (i = 0; !run->sim && m->lru_seen && i < run->nr; i++) {
		uint64_t pfn = run->picks[i] >> 6;
		int order = (int)(run->picks[i] & 63), z = mf_model_zone_of_pfn(m, pfn);

		if (z >= 0)
			m->fid.cp_released_pages += release_block(m, z, pfn, order);
	}
	free(run->picks);
	free(run->ent);
	free(run->live);
	free(run->frel);
	pick_ix_free(&run->ix);
	*run = m->runs[--m->nr_runs];
	memset(&m->runs[m->nr_runs].ix, 0, sizeof(m->runs[m->nr_runs].ix));
	m->runs[m->nr_runs].picks = NULL;
	m->runs[m->nr_runs].nr = m->runs[m->nr_runs].cap = 0;
	m->runs[m->nr_runs].max_order = 0;
	m->runs[m->nr_runs].ent = NULL;
	m->runs[m->nr_runs].nent = m->runs[m->nr_runs].ecap = 0;
	m->runs[m->nr_runs].live = NULL;
	m->runs[m->nr_runs].nlive = m->runs[m->nr_runs].lcap = 0;
	m->runs[m->nr_runs].frel = NULL;
	m->runs[m->nr_runs].nfrel = m->runs[m->nr_runs].frelcap = 0;
}

/*
 * The first mm_lru_insertion: targets show from now on, so the open runs follow them
 * (their picks) instead of the simulated cc->freepages.
 */
void model_runs_lru_seen(struct mf_model *m)
{
	int i;

	for (i = 0; i < m->nr_runs; i++)
		m->runs[i].sim = false;
}

void model_runs_free(struct mf_model *m)
{
	int i;

	model_guess_free(m);
	for (i = 0; i < m->nr_runs; i++) {
		free(m->runs[i].picks);
		free(m->runs[i].ent);
		free(m->runs[i].live);
		free(m->runs[i].frel);
		pick_ix_free(&m->runs[i].ix);
	}
	m->nr_runs = 0;
}

/*
 * The run's isolated block of this order nearest to pfn that no target confirmed and
 * nothing freed since (index into picks[]), or -1: the model's pick in place of the
 * kernel's.
 */
static int64_t run_unconfirmed(const struct mf_model *m, const struct cp_run *run,
			       uint64_t pfn, int order)
{
	uint64_t best_d = UINT64_MAX, n = 1ULL << order;
	int64_t best = -1;
	uint32_t i;

	if (!run->ix.broken)
		return pick_ix_nearest(m, run, pfn, order);
	for (i = 0; i < run->nr; i++) {
		uint64_t head = run->picks[i] >> 6, d;

		if ((int)(run->picks[i] & 63) != order || head == pfn)
			continue;
		/* the distance first: the bitmaps only for a block that would be nearer */
		d = head > pfn ? head - pfn : pfn - head;
		if (d >= best_d)
			continue;
		if (model_bits_count(m->ciso, head, n) != n || model_bits_count(m->cconf, head, n))
			continue;
		best = i;
		best_d = d;
	}
	return best;
}

/* Mark the pick of run holding pfn as a confirmed target; false when run made no such pick. */
static bool run_confirm(struct mf_model *m, struct cp_run *run, uint64_t pfn)
{
	uint32_t i;

	for (i = pick_ix_first(run, pfn); i < run->nr; i++) {
		uint64_t b = run->picks[i] >> 6, n = 1ULL << (run->picks[i] & 63);

		if (pfn >= b && pfn < b + n) {
			model_bits_update(m->cconf, b, n, true);
			return true;
		}
	}
	return false;
}

/*
 * pagemap:mm_lru_insertion of pfn, of a page no allocation handed out.  During a
 * compaction run of the same task it is a migration target (migrate_folio_move()), cut from a block the
 * free scanner isolated whole.  Isolated by the model: confirmed, it stays in use.  Still
 * free in the model: the scanner took its block silently and the model picked another.
 * The model's free block around pfn, cut to the largest order this run isolated, becomes
 * the run's (pfn in use, the rest isolated), and the run's nearest unconfirmed block of
 * that order goes back.  The target's order is not in the event: pfn is marked in use,
 * and its block confirmed, so that the rest of a large target folio is never given back
 * (model_run_end() takes it as in use).
 */
void model_on_lru_insert(struct mf_model *m, int z, uint64_t pfn)
{
	struct cp_run *run = target_run(m, pfn);
	uint64_t head, blk;
	int order, max;
	int64_t back;

	if (bit_test(m->held, pfn))
		return;
	if (!run) {
		/*
		 * A page on an LRU list is in use.  Outside a run, one the model holds free is
		 * mostly a target whose insertion came after its run ended (the per-CPU LRU
		 * batch was drained later); the run gave back its own pick then.
		 */
		head = model_find_block(m, pfn);
		if (head != MF_PFN_NONE && !(*blk_at(m, head) & BLK_PCP)) {
			model_carve(m, z, head, pfn, 0);
			bit_set(m->held, pfn);
			m->fid.lru_of_free++;
		}
		return;
	}
	if (bit_test(m->ciso, pfn)) {
		int r;

		bit_set(m->held, pfn);
		/*
		 * The pick is confirmed in whichever open run made it: the windows of two
		 * runs can overlap (another task's run scanned near it, or a grown window),
		 * and a pick left unconfirmed goes back to the free lists when its run ends.
		 */
		if (!run_confirm(m, run, pfn))
			for (r = 0; r < m->nr_runs; r++)
				if (&m->runs[r] != run && run_confirm(m, &m->runs[r], pfn))
					break;
		return;
	}
	head = model_find_block(m, pfn);
	if (head == MF_PFN_NONE || (*blk_at(m, head) & BLK_PCP))
		return;		/* in use already, or on a per-CPU list: not isolated */
	max = run->max_order;
	order = blk_order(*blk_at(m, head)) < max ? blk_order(*blk_at(m, head)) : max;
	blk = pfn & ~((1ULL << order) - 1);
	model_carve(m, z, head, blk, order);	/* blk leaves the lists, the rest stays */
	ciso_update(m, blk, 1ULL << order, true);
	model_bits_update(m->cconf, blk, 1ULL << order, true);
	bit_set(m->held, pfn);
	m->fid.cp_dest_taken++;
	back = run_unconfirmed(m, run, blk, order);
	run_note_in(run, blk, order, false);
	/*
	 * The give-back goes through release_block(): a block of the model's found inside
	 * the pick (free or on a per-CPU list) is not freed over, only the pages that are
	 * still isolated go back.
	 */
	if (back >= 0 && release_block(m, z, run->picks[back] >> 6, order))
		m->fid.cp_isolation_swapped++;
}
