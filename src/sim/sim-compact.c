// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's compaction: mm/compaction.c of v6.15 run on the simulated zones.
 *
 * The migrate scanner walks pageblocks up from the zone start (or its cached position)
 * and isolates used blocks that are movable, meaning allocated with __GFP_MOVABLE (the
 * workload's own pages) or LRU pages at the start capture; the free scanner walks
 * pageblocks down from the zone end and isolates free blocks of MOVABLE pageblocks.
 * Migration moves a block to a target and frees the source through the per-CPU lists,
 * as folio_put() does; the compacting CPU's lists are drained when the migrate scanner
 * leaves the cc->order-aligned block, which is where a direct compactor captures.
 *
 * Both fast paths are modelled (fast_find_migrateblock() and fast_isolate_freepages()
 * search the MOVABLE free lists and rotate them as the kernel does), and so are the skip
 * bits a scan sets on the way.  migrate_pages() and the failures learned from the trace
 * are sim-migrate.c's; when compaction runs (deferral, kcompactd, proactive compaction)
 * is sim-kcompactd.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

static void fl_add(struct flist *l, uint64_t pfn, int order, bool tail)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;
		struct fblock *v = realloc(l->v, (size_t)cap * sizeof(*v));

		if (!v)
			abort();	/* a few dozen entries: cannot fail in practice */
		l->v = v;
		l->cap = cap;
	}
	if (tail) {
		l->v[l->n].pfn = pfn;
		l->v[l->n].order = order;
	} else {
		memmove(&l->v[1], &l->v[0], (size_t)l->n * sizeof(l->v[0]));
		l->v[0].pfn = pfn;
		l->v[0].order = order;
	}
	l->n++;
}

static inline bool scanners_met(const struct mf_sim *s, const struct cc *cc)
{
	return (cc->free_pfn >> s->pbo) <= (cc->migrate_pfn >> s->pbo);
}

static inline uint64_t zone_end(const struct szone *z)
{
	return z->d.end_pfn;
}

/* PageLRU() of any page of a block: a used movable block covers pfn */
static bool pfn_lru(const struct mf_sim *s, uint64_t pfn)
{
	uint8_t v = s->st[pfn];
	int k;

	if (st_kind(v))
		return st_kind(v) == ST_USED && (v & ST_MOVABLE);
	for (k = 1; k <= s->max_order; k++) {
		v = s->st[pfn & ~((1ULL << k) - 1)];
		if (st_kind(v))
			return st_kind(v) == ST_USED && (v & ST_MOVABLE) && st_order(v) >= k;
	}
	return false;
}

/* pageblock_skip_persistent(): a used block of a pageblock or more covers pfn */
static bool skip_persistent(const struct mf_sim *s, uint64_t pfn)
{
	int k;

	for (k = 0; k <= s->max_order; k++) {
		uint8_t v = s->st[pfn & ~((1ULL << k) - 1)];

		if (st_kind(v))
			return st_kind(v) == ST_USED && st_order(v) >= s->pbo && st_order(v) >= k;
	}
	return false;
}

/*
 * __reset_isolation_pfn(): clear the block's skip bit if a sample of every 8th page shows
 * an LRU page (source side) or a free page (target side).
 */
static bool reset_isolation_pfn(struct mf_sim *s, struct szone *z, uint64_t pfn, bool source,
				bool target)
{
	uint64_t p, end;

	if (pfn < z->d.start_pfn || pfn >= z->d.end_pfn || skip_persistent(s, pfn))
		return false;
	if (source && target && !pb_skip(s, pfn))
		return true;
	if (!source && target && pb_mt(s, pfn) != MF_MT_MOVABLE)
		return false;
	p = pageblock_start(s, pfn) < z->d.start_pfn ? z->d.start_pfn : pageblock_start(s, pfn);
	end = pageblock_end(s, pfn) - 1 < z->d.end_pfn - 1 ? pageblock_end(s, pfn) - 1 :
	      z->d.end_pfn - 1;
	for (; p <= end; p += 1ULL << PAGE_ALLOC_COSTLY_ORDER) {
		if ((source && pfn_lru(s, p)) ||
		    (target && st_kind(s->st[p]) == ST_BUDDY && !(s->st[p] & ST_ISOLATED))) {
			pb_set_skip(s, p, false);
			return true;
		}
	}
	return false;
}

/*
 * __reset_isolation_suitable(): only after a direct compactor's scanners met; walks the
 * zone from both ends and restarts the scanners at the first blocks worth scanning.
 */
static void reset_isolation_suitable(struct mf_sim *s, struct szone *z)
{
	uint64_t migrate = z->d.start_pfn, free = z->d.end_pfn - 1;
	uint64_t reset_migrate = free, reset_free = migrate;
	bool source_set = false, free_set = false;

	if (!z->blockskip_flush)
		return;
	z->blockskip_flush = false;
	for (; migrate < free; migrate += pageblock_nr_pages(s), free -= pageblock_nr_pages(s)) {
		if (reset_isolation_pfn(s, z, migrate, true, source_set) && migrate < reset_migrate) {
			source_set = true;
			reset_migrate = migrate;
			z->init_migrate = z->cached_migrate[0] = z->cached_migrate[1] = migrate;
		}
		if (reset_isolation_pfn(s, z, free, free_set, true) && free > reset_free) {
			free_set = true;
			reset_free = free;
			z->init_free = z->cached_free = free;
		}
		if (free < pageblock_nr_pages(s))
			break;
	}
	if (reset_migrate >= reset_free) {
		z->cached_migrate[0] = z->cached_migrate[1] = migrate;
		z->cached_free = free;
	}
	z->passed = z->sreset = true;
}

/* reset_isolation_suitable(pgdat): kswapd going to sleep */
void sim_reset_isolation_suitable(struct mf_sim *s, int node)
{
	int i;

	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node && s->z[i].blockskip_flush)
			reset_isolation_suitable(s, &s->z[i]);
}

/* ---- suitability ------------------------------------------------------------------------ */

static inline uint64_t compact_gap(int order)
{
	return 2ULL << order;
}

/* compaction_suitable() with __compaction_suitable() of v6.15 */
static bool compaction_suitable(struct mf_sim *s, struct szone *z, int order, uint64_t wmark,
				int hzi)
{
	uint64_t mark = wmark + compact_gap(order);
	enum cp_result r;
	bool ok;

	if (order > PAGE_ALLOC_COSTLY_ORDER)
		mark += z->wmark[WMARK_LOW] - z->wmark[WMARK_MIN];
	ok = sim_zone_watermark_ok(s, z, 0, mark, hzi, ALLOC_CMA, (int64_t)z->free_pages);
	r = ok ? CP_CONTINUE : CP_SKIPPED;
	if (ok && order > PAGE_ALLOC_COSTLY_ORDER) {
		int fi = mf_fragmentation_index(z->nr_free, sim_nr_orders(s), order);

		if (fi >= 0 && fi <= s->c.extfrag_threshold) {
			ok = false;
			r = CP_NOT_SUITABLE_ZONE;
		}
	}
	s->stats.cp.suitable[r]++;
	return ok;
}

/* compaction_suit_allocation_order() */
enum cp_result sim_suit_allocation_order(struct mf_sim *s, struct szone *z, int order,
					 int hzi, unsigned int alloc_flags, bool async,
					 bool kcompactd)
{
	int64_t free = kcompactd && s->c.defrag_mode ? (int64_t)sim_free_pages_blocks(s, z) :
			(int64_t)z->free_pages;
	uint64_t wm = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);

	if (sim_zone_watermark_ok(s, z, order, wm, hzi, alloc_flags, free))
		return CP_SUCCESS;
	if (order > PAGE_ALLOC_COSTLY_ORDER && async && !(alloc_flags & ALLOC_CMA) &&
	    !sim_zone_watermark_ok(s, z, 0, wm + compact_gap(order), hzi, 0, (int64_t)z->free_pages))
		return CP_SKIPPED;
	if (!compaction_suitable(s, z, order, wm, hzi))
		return CP_SKIPPED;
	return CP_CONTINUE;
}

/* ---- __compact_finished() ----------------------------------------------------------------- */

/* kswapd_is_running(): ours, woken by our allocations, or the trace's, reclaiming */
bool sim_kswapd_running(const struct mf_sim *s, int node)
{
	return s->node[node].kswapd_order >= 0 || s->node[node].reclaiming;
}

static enum cp_result compact_finished(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	struct szone *z = cc->zone;
	int o;

	if (scanners_met(s, cc)) {
		/* reset_cached_positions(): the zone's ends, not __reset_isolation_suitable()'s */
		z->cached_migrate[0] = z->cached_migrate[1] = z->d.start_pfn;
		z->cached_free = pageblock_start(s, z->d.end_pfn - 1);
		z->passed = true;
		if (cc->direct)
			z->blockskip_flush = true;
		return cc->whole_zone ? CP_COMPLETE : CP_PARTIAL_SKIPPED;
	}
	if (cc->proactive) {
		if (sim_kswapd_running(s, z->d.node))
			return CP_PARTIAL_SKIPPED;
		return sim_zone_score(s, z) > sim_score_wmark(s, true) ? CP_CONTINUE : CP_SUCCESS;
	}
	if (cc->order < 0)
		return CP_CONTINUE;
	if (cc->migrate_pfn & (pageblock_nr_pages(s) - 1))
		return CP_CONTINUE;
	if (s->c.defrag_mode && !cc->direct)
		return sim_zone_watermark_ok(s, z, cc->order, wmark_pages(z, WMARK_HIGH), cc->hzi,
					     cc->alloc_flags, (int64_t)sim_free_pages_blocks(s, z)) ?
		       CP_SUCCESS : CP_CONTINUE;
	for (o = cc->order; o <= s->max_order; o++) {
		if (z->nr_free_mt[o][cc->mt])
			return CP_SUCCESS;
		if (cc->mt == MF_MT_MOVABLE && z->nr_free_mt[o][MF_MT_CMA])
			return CP_SUCCESS;
		if (sim_find_suitable_fallback(s, z, o, cc->mt, true) >= 0)
			return CP_SUCCESS;
	}
	return CP_CONTINUE;	/* COMPACT_NO_SUITABLE_PAGE, mapped by compact_finished() */
}

/* ---- the free scanner --------------------------------------------------------------------- */

static void update_cached_migrate(struct cc *cc, uint64_t pfn)
{
	struct szone *z = cc->zone;

	pfn = pageblock_end(cc->s, pfn);	/* pageblock_end_pfn(): ALIGN(pfn + 1) */
	if (pfn > z->cached_migrate[0])
		z->cached_migrate[0] = pfn;
	if (cc->mode != MIGRATE_ASYNC && pfn > z->cached_migrate[1])
		z->cached_migrate[1] = pfn;
}

/* __isolate_free_page(): false when the zone would drop below min + the block */
static bool isolate_free_page(struct cc *cc, uint64_t pfn, int order)
{
	struct mf_sim *s = cc->s;
	struct szone *z = cc->zone;
	int mt = pb_mt(s, pfn);

	if (mt != MF_MT_ISOLATE &&
	    !sim_zone_watermark_ok(s, z, 0, z->wmark[WMARK_MIN] + (1ULL << order), 0, ALLOC_CMA,
				   (int64_t)z->free_pages))
		return false;
	sim_del_free(s, z, pfn, order, mt);
	s->st[pfn] = (uint8_t)(ST_USED | ST_ISOLATED | order);
	/* a free block of at least half a pageblock turns its pageblocks MOVABLE */
	if (order >= s->pbo - 1) {
		uint64_t p;

		for (p = pfn; p < pfn + (1ULL << order); p += pageblock_nr_pages(s)) {
			int bmt = pb_mt(s, p);

			if (bmt < MF_MT_PCPTYPES && bmt != MF_MT_MOVABLE)
				sim_move_freepages_block(s, z, p, MF_MT_MOVABLE);
		}
	}
	return true;
}

/* isolate_freepages_block(): returns pages isolated, *start is where the scan stopped */
static uint64_t isolate_freepages_block(struct cc *cc, uint64_t *start, uint64_t end,
					unsigned int stride)
{
	struct mf_sim *s = cc->s;
	uint64_t p = *start, scanned = 0, total = 0;

	for (; p < end; p += stride) {
		uint8_t v = s->st[p];
		int o = st_order(v);

		scanned++;
		if (st_kind(v) == ST_USED || st_kind(v) == ST_PCP) {
			if (o && p + (1ULL << o) <= end) {
				p += (1ULL << o) - 1;
				scanned += (1ULL << o) - 1;
			}
			continue;
		}
		if (st_kind(v) != ST_BUDDY || (v & ST_ISOLATED))
			continue;
		if (!isolate_free_page(cc, p, o))
			break;
		scanned += (1ULL << o) - 1;
		total += 1ULL << o;
		cc->nr_freepages += 1ULL << o;
		fl_add(&cc->fl[o], p, o, true);
		if (cc->nr_migratepages <= cc->nr_freepages) {
			p += 1ULL << o;
			break;
		}
		p += (1ULL << o) - 1;
	}
	if (p > end)
		p = end;
	*start = p;
	cc->total_free_scanned += scanned;
	s->stats.cp.isolated_free += total;
	return total;
}

/* suitable_migration_target() */
static bool suitable_target(struct cc *cc, uint64_t pfn)
{
	struct mf_sim *s = cc->s;
	uint8_t v = s->st[pfn];

	if (st_kind(v) == ST_BUDDY && !(v & ST_ISOLATED) &&
	    st_order(v) >= (cc->order > 0 ? cc->order : s->pbo))
		return false;
	if (cc->ignore_block_suitable)
		return true;
	return pb_mt(s, pfn) == MF_MT_MOVABLE || pb_mt(s, pfn) == MF_MT_CMA;
}

/* move_freelist_head(): pfn becomes the list's first entry, what was before it goes last */
static void move_freelist_head(struct mf_sim *s, struct slist *l, uint32_t pfn)
{
	uint32_t before = s->prv[pfn];

	if (before == NIL)
		return;
	s->lnk[l->tail] = l->head;
	s->prv[l->head] = l->tail;
	l->head = pfn;
	l->tail = before;
	s->prv[pfn] = NIL;
	s->lnk[before] = NIL;
}

/* move_freelist_tail(): pfn becomes the list's last entry, what was after it goes first */
static void move_freelist_tail(struct mf_sim *s, struct slist *l, uint32_t pfn)
{
	uint32_t after = s->lnk[pfn];

	if (after == NIL)
		return;
	s->lnk[l->tail] = l->head;
	s->prv[l->head] = l->tail;
	l->head = after;
	l->tail = pfn;
	s->prv[after] = NIL;
	s->lnk[pfn] = NIL;
}

static unsigned int freelist_scan_limit(const struct cc *cc)
{
	return (COMPACT_CLUSTER_MAX >> (cc->fast_search_fail < 31 ? cc->fast_search_fail : 31)) + 1;
}

static uint64_t isolate_freepages_block(struct cc *cc, uint64_t *start, uint64_t end,
					unsigned int stride);
static bool suitable_target(struct cc *cc, uint64_t pfn);

/* fast_isolate_around(): the rest of the pageblock of a fast-isolated page */
static void fast_isolate_around(struct cc *cc, uint64_t pfn)
{
	struct mf_sim *s = cc->s;
	uint64_t start, end;

	if (cc->nr_freepages >= cc->nr_migratepages)
		return;
	if (cc->direct && cc->mode == MIGRATE_ASYNC)
		return;
	start = pageblock_start(s, pfn) > cc->zone->d.start_pfn ? pageblock_start(s, pfn) :
		cc->zone->d.start_pfn;
	end = pageblock_end(s, pfn) < cc->zone->d.end_pfn ? pageblock_end(s, pfn) : cc->zone->d.end_pfn;
	isolate_freepages_block(cc, &start, end, 1);
	if (start == end)
		pb_set_skip(s, pfn, true);
}

/* next_search_order() */
static int next_search_order(struct cc *cc, int order)
{
	order--;
	if (order < 0)
		order = cc->order - 1;
	if (order == cc->search_order) {
		cc->search_order--;
		if (cc->search_order < 0)
			cc->search_order = cc->order - 1;
		return -1;
	}
	return order;
}

static bool isolate_free_page(struct cc *cc, uint64_t pfn, int order);

/*
 * fast_isolate_freepages(): a page of order below cc->order from the MOVABLE lists, walked
 * from the tail, in the top quarter of the scan space (else the highest in the top half).
 */
static void fast_isolate_freepages(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	struct szone *z = cc->zone;
	unsigned int limit = freelist_scan_limit(cc) >> 1 ? freelist_scan_limit(cc) >> 1 : 1;
	uint64_t low_pfn, min_pfn, highest = 0, distance, page = MF_PFN_NONE, scanned = 0;
	bool scan_start = false;
	int order;

	if (cc->order <= 0)
		return;
	if (cc->free_pfn >= z->init_free) {
		limit = (unsigned int)(pageblock_nr_pages(s) >> 1);
		scan_start = true;
	}
	distance = cc->free_pfn - cc->migrate_pfn;
	low_pfn = pageblock_start(s, cc->free_pfn - (distance >> 2));
	min_pfn = pageblock_start(s, cc->free_pfn - (distance >> 1));
	if (min_pfn > low_pfn)
		low_pfn = min_pfn;
	if (cc->search_order > cc->order - 1)
		cc->search_order = cc->order - 1;

	for (order = cc->search_order; page == MF_PFN_NONE && order >= 0;
	     order = next_search_order(cc, order)) {
		struct slist *l = &z->fl[order][MF_MT_MOVABLE];
		unsigned int order_scanned = 0;
		uint64_t high_pfn = 0;
		uint32_t f, last = NIL;

		if (!z->nr_free[order])
			continue;
		for (f = l->tail; f != NIL; f = s->prv[f]) {
			last = f;
			order_scanned++;
			scanned++;
			if (f >= highest) {
				highest = pageblock_start(s, f);
				if (highest < z->d.start_pfn)
					highest = z->d.start_pfn;
			}
			if (f >= low_pfn) {
				cc->fast_search_fail = 0;
				cc->search_order = order;
				page = f;
				break;
			}
			if (f >= min_pfn && f > high_pfn) {
				high_pfn = f;
				limit >>= 1;
			}
			if (order_scanned >= limit)
				break;
		}
		if (page == MF_PFN_NONE && high_pfn) {
			page = high_pfn;
			last = (uint32_t)high_pfn;
		}
		if (last != NIL)
			move_freelist_head(s, l, last);
		if (page != MF_PFN_NONE) {
			if (isolate_free_page(cc, page, order)) {
				scanned += (1ULL << order) - 1;
				cc->nr_freepages += 1ULL << order;
				s->stats.cp.isolated_free += 1ULL << order;
				fl_add(&cc->fl[order], page, order, true);
			} else {
				order = cc->search_order + 1;
				page = MF_PFN_NONE;
			}
		}
		if (cc->nr_freepages >= cc->nr_migratepages)
			break;
		if (order_scanned >= limit)
			limit = limit >> 1 ? limit >> 1 : 1;
	}
	if (page == MF_PFN_NONE) {
		cc->fast_search_fail++;
		if (scan_start) {
			if (highest >= min_pfn) {
				page = highest;
				cc->free_pfn = highest;
			} else if (cc->direct && min_pfn >= z->d.start_pfn && min_pfn < z->d.end_pfn) {
				page = suitable_target(cc, min_pfn) ? min_pfn : MF_PFN_NONE;
				cc->free_pfn = min_pfn;
			}
		}
	}
	if (highest && highest >= z->cached_free) {
		highest -= pageblock_nr_pages(s);
		z->cached_free = highest;
	}
	cc->total_free_scanned += scanned;
	if (page == MF_PFN_NONE)
		return;
	fast_isolate_around(cc, page);
}

/* isolate_freepages() */
static void isolate_freepages(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	struct szone *z = cc->zone;
	unsigned int stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;
	uint64_t isolate_start, bstart, bend, low;

	fast_isolate_freepages(cc);
	if (cc->nr_freepages)
		return;
	isolate_start = cc->free_pfn;
	bstart = pageblock_start(s, isolate_start);
	low = pageblock_end(s, cc->migrate_pfn);
	bend = bstart + pageblock_nr_pages(s) < zone_end(z) ? bstart + pageblock_nr_pages(s) : zone_end(z);
	for (; bstart >= low; bend = bstart, bstart -= pageblock_nr_pages(s), isolate_start = bstart) {
		uint64_t first = bstart < z->d.start_pfn ? z->d.start_pfn : bstart, n;

		if (isolate_start < first)
			isolate_start = first;
		if (pb_absent(s, first))	/* pageblock_pfn_to_page(): no page */
			continue;
		if (!suitable_target(cc, first))
			continue;
		if (!cc->ignore_skip_hint && pb_skip(s, first))
			continue;
		n = isolate_freepages_block(cc, &isolate_start, bend, stride);
		if (isolate_start == bend) {
			pb_set_skip(s, first, true);
			if (bstart - pageblock_nr_pages(s) < z->cached_free)
				z->cached_free = bstart - pageblock_nr_pages(s);
		}
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start >= bend)
				isolate_start = bstart - pageblock_nr_pages(s);
			break;
		} else if (isolate_start < bend) {
			break;
		}
		if (n) {
			stride = 1;
			continue;
		}
		stride = stride << 1 < COMPACT_CLUSTER_MAX ? stride << 1 : COMPACT_CLUSTER_MAX;
		if (bstart < pageblock_nr_pages(s))
			break;
	}
	cc->free_pfn = isolate_start;
}

/*
 * compaction_alloc()'s search: the smallest order from order up with an isolated free
 * block, after isolating more once when there is none (has_isolated_pages); -1 when
 * there is still none.
 */
static int target_order(struct cc *cc, int order)
{
	int o, pass;

	for (pass = 0; pass < 2; pass++) {
		for (o = order; o <= cc->s->max_order; o++)
			if (cc->fl[o].n)
				return o;
		if (!pass)
			isolate_freepages(cc);
	}
	return -1;
}

/* compaction_alloc(): the smallest isolated block that fits, split, lowest part handed out */
bool sim_compaction_alloc(struct cc *cc, int order, uint64_t *pfn)
{
	int o = target_order(cc, order);

	if (o < 0)
		return false;
	*pfn = cc->fl[o].v[0].pfn;
	memmove(&cc->fl[o].v[0], &cc->fl[o].v[1], (size_t)(cc->fl[o].n - 1) * sizeof(cc->fl[o].v[0]));
	cc->fl[o].n--;
	while (o > order) {
		o--;
		cc->s->st[*pfn + (1ULL << o)] = (uint8_t)(ST_USED | ST_ISOLATED | o);
		fl_add(&cc->fl[o], *pfn + (1ULL << o), o, false);
	}
	cc->nr_freepages -= 1ULL << order;
	cc->nr_migratepages -= 1ULL << order;
	return true;
}

/*
 * Whether compaction_alloc() would find a target of order: migrate_folio_unmap() asks for
 * the destination before it looks at the folio (its lock, writeback, buffers), so a folio
 * without one ends in -ENOMEM whatever else would have failed it.  The same search,
 * isolating more free pages as it does; takes nothing.
 */
bool sim_compaction_target(struct cc *cc, int order)
{
	return target_order(cc, order) >= 0;
}

/* release_free_list(): unused targets go back through __free_pages() */
static void release_freepages(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	uint64_t high = 0;
	int o, i;

	for (o = 0; o <= s->max_order; o++) {
		for (i = 0; i < cc->fl[o].n; i++) {
			uint64_t p = cc->fl[o].v[i].pfn;

			if (p > high)
				high = p;
			sim_free_pages(s, cc->zone, p, o, cc->cpu);
		}
		cc->fl[o].n = 0;
		free(cc->fl[o].v);
		cc->fl[o].v = NULL;
		cc->fl[o].cap = 0;
	}
	if (cc->nr_freepages) {
		high = pageblock_start(s, high);
		if (high > cc->zone->cached_free)
			cc->zone->cached_free = high;
	}
	cc->nr_freepages = 0;
}

/* ---- the migrate scanner ------------------------------------------------------------------ */

static uint64_t block_end_order(uint64_t pfn, int order)
{
	return (pfn & ~((1ULL << order) - 1)) + (1ULL << order);
}

static void putback(struct cc *cc)
{
	int i;

	for (i = 0; i < cc->nr_src; i++)
		cc->s->st[cc->src[i].pfn] &= (uint8_t)~ST_ISOLATED;
	cc->nr_src = 0;
	cc->nr_migratepages = 0;
}

/* The block covering pfn when pfn is a tail: its head's end, else pfn + 1. */
static uint64_t skip_tail(const struct mf_sim *s, uint64_t pfn)
{
	int k;

	for (k = 1; k <= s->max_order; k++) {
		uint64_t h = pfn & ~((1ULL << k) - 1);
		uint8_t v = s->st[h];

		if (st_kind(v))
			return st_order(v) >= k ? h + (1ULL << st_order(v)) : pfn + 1;
	}
	return pfn + 1;
}

/* isolate_migratepages_block() */
static void isolate_migratepages_block(struct cc *cc, uint64_t low, uint64_t end)
{
	struct mf_sim *s = cc->s;
	bool skip_on_failure = cc->direct && cc->mode == MIGRATE_ASYNC && cc->order > 0;
	uint64_t next_skip = skip_on_failure ? block_end_order(low, cc->order) : 0;
	uint64_t scanned = 0, isolated = 0;
	bool valid = false, skip_updated = false;

	for (; low < end; low++) {
		uint8_t v;
		int o;

		if (skip_on_failure && low >= next_skip) {
			if (isolated)
				break;
			next_skip = block_end_order(low, cc->order);
		}
		scanned++;
		if (!valid && (!(low & (pageblock_nr_pages(s) - 1)) || low == cc->zone->d.start_pfn)) {
			if (!cc->ignore_skip_hint && pb_skip(s, low)) {
				low = end;
				goto abort;
			}
			valid = true;
		}
		v = s->st[low];
		o = st_order(v);
		if (st_kind(v) == ST_BUDDY) {
			low += (1ULL << o) - 1;
			scanned += (1ULL << o) - 1;
			continue;
		}
		if (!st_kind(v)) {
			uint64_t e = skip_tail(s, low);

			scanned += e - low - 1;
			low = e - 1;
			goto fail;
		}
		if (st_kind(v) == ST_USED && (v & ST_MOVABLE) && !(v & ST_ISOLATED) &&
		    !((cc->order >= 0 && o >= cc->order && o > 0) || o >= s->pbo)) {
			/* test_and_set_skip() under the first LRU lock: others stay away */
			if (valid && !skip_updated) {
				bool was = pb_skip(s, pageblock_start(s, low));

				skip_updated = true;
				if (!cc->ignore_skip_hint) {
					pb_set_skip(s, pageblock_start(s, low), true);
					if (was && !cc->finish_pageblock) {
						low = end;
						goto abort;
					}
				}
			}
			cc->src[cc->nr_src].pfn = low;
			cc->src[cc->nr_src].order = o;
			cc->nr_src++;
			s->st[low] |= ST_ISOLATED;
			cc->nr_migratepages += 1ULL << o;
			isolated += 1ULL << o;
			scanned += (1ULL << o) - 1;
			low += (1ULL << o) - 1;
			/*
			 * A pageblock being finished is isolated whole: the kernel's second
			 * batch in a pageblock takes its remaining 130 to 160 pages at once in
			 * the what-if recordings, and the page is captured in the third.
			 */
			if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
				low++;
				break;
			}
			if (cc->nr_src == SIM_SRC_MAX) {	/* our array, not the kernel's limit */
				low++;
				break;
			}
			continue;
		}
		/* unmovable, on a per-CPU list, or a compound page too big to move */
		if (o && low + (1ULL << o) <= end) {
			scanned += (1ULL << o) - 1;
			low += (1ULL << o) - 1;
		}
fail:
		if (!skip_on_failure)
			continue;
		if (isolated) {
			putback(cc);
			isolated = 0;
		}
		if (low < next_skip) {
			low = next_skip - 1;
			next_skip += 1ULL << cc->order;
		}
	}
	if (low > end)
		low = end;
abort:
	if (low == end && (!isolated || cc->finish_pageblock)) {
		if (valid && !skip_updated)
			pb_set_skip(s, pageblock_start(s, end - 1), true);
		update_cached_migrate(cc, low);
	}
	cc->total_migrate_scanned += scanned;
	s->stats.cp.isolated_migrate += isolated;
	cc->migrate_pfn = low;
}

/* suitable_migration_source() */
static bool suitable_source(struct cc *cc, uint64_t pfn)
{
	struct mf_sim *s = cc->s;
	int mt;

	if (skip_persistent(s, pfn))
		return false;
	if (cc->mode != MIGRATE_ASYNC || !cc->direct)
		return true;
	mt = pb_mt(s, pfn);
	if (cc->mt == MF_MT_MOVABLE)
		return mt == MF_MT_MOVABLE || mt == MF_MT_CMA;
	return mt == cc->mt;
}

static inline void update_fast_start_pfn(struct cc *cc, uint64_t pfn)
{
	if (cc->fast_start_pfn == UINT64_MAX)
		return;
	if (!cc->fast_start_pfn || pfn < cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
}

static inline uint64_t reinit_migrate_pfn(struct cc *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == UINT64_MAX)
		return cc->migrate_pfn;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = UINT64_MAX;
	return cc->migrate_pfn;
}

/*
 * fast_find_migrateblock(): for costly orders (kcompactd, or movable direct requests),
 * start at a pageblock near the migrate scanner that already has free pages of order
 * cc->order - 1 down to PAGE_ALLOC_COSTLY_ORDER on the MOVABLE lists.
 */
static uint64_t fast_find_migrateblock(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	struct szone *z = cc->zone;
	unsigned int limit = freelist_scan_limit(cc), scanned = 0;
	uint64_t pfn = cc->migrate_pfn, distance, high_pfn;
	bool found = false;
	int order;

	if (cc->ignore_skip_hint || cc->finish_pageblock)
		return pfn;
	if (pfn != z->d.start_pfn && pfn != pageblock_start(s, pfn))
		return pfn;
	if (cc->order <= PAGE_ALLOC_COSTLY_ORDER)
		return pfn;
	if (cc->direct && cc->mt != MF_MT_MOVABLE)
		return pfn;
	distance = (cc->free_pfn - cc->migrate_pfn) >> 1;
	if (cc->migrate_pfn != z->d.start_pfn)
		distance >>= 2;
	high_pfn = pageblock_start(s, cc->migrate_pfn + distance);

	for (order = cc->order - 1; order >= PAGE_ALLOC_COSTLY_ORDER && !found && scanned < limit;
	     order--) {
		struct slist *l = &z->fl[order][MF_MT_MOVABLE];
		uint32_t f, next;

		if (!z->nr_free[order])
			continue;
		for (f = l->head; f != NIL; f = next) {
			next = s->lnk[f];
			if (scanned++ >= limit) {
				move_freelist_tail(s, l, f);
				break;
			}
			if (f < high_pfn) {
				if (pb_skip(s, f))
					continue;
				move_freelist_tail(s, l, f);
				update_fast_start_pfn(cc, f);
				pfn = pageblock_start(s, f);
				if (pfn < z->d.start_pfn)
					pfn = z->d.start_pfn;
				cc->fast_search_fail = 0;
				found = true;
				break;
			}
		}
	}
	cc->total_migrate_scanned += scanned;
	if (!found) {
		cc->fast_search_fail++;
		pfn = reinit_migrate_pfn(cc);
	}
	return pfn;
}

/* isolate_migratepages(): true if pages were isolated */
static bool isolate_migratepages(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	uint64_t low = fast_find_migrateblock(cc), bstart = pageblock_start(s, low), bend;
	bool fast_block = low != cc->migrate_pfn && !cc->fast_search_fail;

	if (bstart < cc->zone->d.start_pfn)
		bstart = cc->zone->d.start_pfn;
	bend = pageblock_end(s, low);
	for (; bend <= cc->free_pfn; fast_block = false,
	     cc->migrate_pfn = low = bend, bstart = bend, bend += pageblock_nr_pages(s)) {
		if (pb_absent(s, bstart))	/* pageblock_pfn_to_page(): no page */
			continue;
		if ((!(low & (pageblock_nr_pages(s) - 1)) || low == cc->zone->d.start_pfn) &&
		    !fast_block && !cc->ignore_skip_hint && pb_skip(s, bstart))
			continue;
		if (!suitable_source(cc, bstart)) {
			update_cached_migrate(cc, bend);
			continue;
		}
		isolate_migratepages_block(cc, low, bend);
		break;
	}
	return cc->nr_migratepages > 0;
}

/* ---- compact_zone() -------------------------------------------------------------------------- */

static void count_end(struct mf_sim *s, const struct cc *cc, enum cp_result r)
{
	struct mf_sim_compaction *c = &s->stats.cp;

	c->end_status[r]++;
	if (cc->direct) {
		c->runs_direct++;
		c->end_status_direct[r]++;
	} else if (cc->proactive) {
		c->runs_proactive++;
		c->end_status_proactive[r]++;
	} else if (cc->order < 0) {
		c->runs_manual++;
	} else {
		c->runs_kcompactd++;
		c->end_status_kcompactd[r]++;
	}
	c->migrate_scanned += cc->total_migrate_scanned;
	c->free_scanned += cc->total_free_scanned;
}

enum cp_result sim_compact_zone(struct cc *cc, struct capture_control *capc)
{
	struct mf_sim *s = cc->s;
	struct szone *z = cc->zone;
	uint64_t start = z->d.start_pfn, end = z->d.end_pfn, last_migrated = 0;
	bool sync = cc->mode != MIGRATE_ASYNC, update_cached;
	enum cp_result ret;

	if (cc->order >= 0) {
		ret = sim_suit_allocation_order(s, z, cc->order, cc->hzi, cc->alloc_flags,
					    cc->mode == MIGRATE_ASYNC, !cc->direct);
		if (ret != CP_CONTINUE)
			return ret;
	}
	if (cc->order >= 0 && sim_compaction_restarting(z, cc->order))
		reset_isolation_suitable(s, z);
	cc->fast_start_pfn = 0;
	if (cc->whole_zone) {
		cc->migrate_pfn = start;
		cc->free_pfn = pageblock_start(s, end - 1);
	} else {
		cc->migrate_pfn = z->cached_migrate[sync];
		cc->free_pfn = z->cached_free;
		if (cc->free_pfn < start || cc->free_pfn >= end) {
			cc->free_pfn = pageblock_start(s, end - 1);
			z->cached_free = cc->free_pfn;
		}
		if (cc->migrate_pfn < start || cc->migrate_pfn >= end) {
			cc->migrate_pfn = start;
			z->cached_migrate[0] = z->cached_migrate[1] = start;
		}
		if (cc->migrate_pfn <= z->init_migrate)
			cc->whole_zone = true;
	}
	update_cached = !sync && z->cached_migrate[0] == z->cached_migrate[1];
	s->capc = capc;

	sim_draw_contention(cc);
	for (;;) {
		uint64_t iter_start = cc->migrate_pfn;
		int err;

		ret = compact_finished(cc);
		/* __compact_finished(): cc->contended wins over all but the scanners' meeting */
		if (!cc->contend_after && (ret == CP_CONTINUE || ret == CP_SUCCESS))
			ret = CP_CONTENDED;
		if (ret != CP_CONTINUE)
			break;
		/* with last_migrated 0 this holds in a zone's first pageblock, as in the kernel */
		cc->finish_pageblock = pageblock_start(s, last_migrated) == pageblock_start(s, iter_start);
rescan:
		if (!isolate_migratepages(cc)) {
			if (update_cached)
				z->cached_migrate[1] = z->cached_migrate[0];
			goto check_drain;
		}
		update_cached = false;
		cc->batches++;
		last_migrated = pageblock_start(s, cc->migrate_pfn - 1);
		if (last_migrated < start)
			last_migrated = start;
		if (cc->contend_after > 0)
			cc->contend_after--;
		err = sim_migrate_pages(cc);
		if (err < 0 && !scanners_met(s, cc)) {
			ret = CP_CONTENDED;
			break;
		}
		/*
		 * A folio failed: async and sync-light rescan the rest of the pageblock
		 * (finish_pageblock, which marks it skip); for a THP the drain cannot help.
		 */
		if (err > 0 && (cc->migrate_pfn & (pageblock_nr_pages(s) - 1)) &&
		    !cc->ignore_skip_hint && !cc->finish_pageblock && cc->mode != MIGRATE_SYNC) {
			cc->finish_pageblock = true;
			if (cc->order == s->pcp_thp_order)	/* COMPACTION_HPAGE_ORDER */
				last_migrated = 0;
			goto rescan;
		}
		if (capc && capc->page != MF_PFN_NONE) {
			ret = CP_SUCCESS;
			break;
		}
check_drain:
		/* lru_add_drain_cpu_zone(): freed sources merge before the next check */
		if (cc->order > 0 && last_migrated &&
		    last_migrated < (cc->migrate_pfn & ~((1ULL << cc->order) - 1))) {
			sim_drain_zone_cpu(s, z, cc->cpu);
			last_migrated = 0;
		}
	}
	putback(cc);
	release_freepages(cc);
	s->capc = NULL;
	/*
	 * mm_compaction_end's status: compact_zone()'s own.  A page captured at the drain
	 * before a contended check is a success only for compact_zone_order().  The
	 * kernel's ends count so: whatif31b's default-r2 has 174 direct runs that ended
	 * COMPACT_SUCCESS and 197 successful stalls.
	 */
	count_end(s, cc, ret);
	if (capc && capc->page != MF_PFN_NONE)
		ret = CP_SUCCESS;
	return ret;
}

/*
 * The pageblocks between from and to that the kernel's scanners passed before the trace
 * carry the skip bit they left: the migration scanner sets it on every block it scans
 * (test_and_set_skip() at its first isolation, or at the block's end when nothing was
 * isolated), the free scanner on every block it scans to the end; no capture shows the
 * bits.  Async direct compaction scans only movable blocks (suitable_migration_source())
 * and the free scanner only targets (suitable_migration_target()), so with movable_only
 * the others keep theirs.  Only __reset_isolation_suitable() clears skip bits, and it
 * also moves the positions back to the first blocks worth scanning from each end.  In
 * watermark_scale_factor_100-r2 of the what-if recordings the kernel's DMA32 scanners
 * began at 0x29a00 / 0x60000, met after 4 direct runs and, restarted from the zone's
 * ends, found every block up to 0x22a00 and down from 0xffe00 skipped: runs that scanned
 * nothing and ended COMPLETE, then sync compaction and deferral.  Ours scanned those
 * blocks afresh, and its async compaction went on succeeding there for 100 ms more.
 */
static void skip_passed(struct mf_sim *s, struct szone *z, uint64_t from, uint64_t to,
			bool movable_only)
{
	uint64_t pfn;

	if (from < z->d.start_pfn)
		from = z->d.start_pfn;
	if (to > z->d.end_pfn)
		to = z->d.end_pfn;
	for (pfn = pageblock_start(s, from); pfn < to; pfn += pageblock_nr_pages(s)) {
		uint64_t p = pfn < z->d.start_pfn ? z->d.start_pfn : pfn;
		int mt = pb_mt(s, p);

		if (skip_persistent(s, p) ||
		    (movable_only && mt != MF_MT_MOVABLE && mt != MF_MT_CMA) || pb_skip(s, p))
			continue;
		pb_set_skip(s, p, true);
		s->pb[p >> s->pbo] |= PB_GUESS;
	}
}

/*
 * The kernel's zone->compact_cached_migrate_pfn[] and compact_cached_free_pfn when the
 * trace began are in no capture, but compact_zone() prints them: its first
 * mm_compaction_begin in a zone of each mode shows cached_migrate[sync] and cached_free
 * (corrected into the zone) as that run starts.  Until our own scanners meet or restart
 * there, a pass over the zone is still the kernel's pass of before the trace, so we take
 * them: update_cached_migrate() only raises the migrate position and the free scanner
 * only lowers the free one, hence the max and min with where our own runs got to.
 *
 * A whole-zone run (cc->whole_zone: proactive compaction, compact_node() for
 * compact_memory) prints the zone's ends instead, and leaves the cached positions as
 * they were; so does any run whose cached positions are the ends, which are ours until
 * we learn otherwise.  Such a begin says nothing and is not the first: in
 * default-r3 of the twenty-third round's what-if set kcompactd's proactive pass over
 * DMA32 came first (migrate 0x1000, free 0xffe00), and the direct run half a second
 * later showed the kernel's positions, migrate 0x48c00 and free 0x4cc00, with the
 * scanners 16 pageblocks apart.  Taken as the first, the proactive begin had left our
 * free scanner at the zone's end and the blocks above 0x4cc00 without the kernel's
 * skip bits.
 */
/*
 * The simulated zone that is the traced kernel's zone [zone_start, zone_end), or NULL:
 * a layout of the config's own (memory=, kernelcore=, movablecore=) has none.
 */
static struct szone *traced_zone(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end)
{
	struct szone *z;

	if (s->c.memory || zone_start >= zone_end || zone_start >= s->nr_pfns)
		return NULL;
	z = sim_zone_of(s, zone_start);
	if (!z || z->d.start_pfn != zone_start || z->d.end_pfn != zone_end)
		return NULL;
	return z;
}

/* The same, where the kernel's pageblocks are ours too: its skip bits can be taken. */
static struct szone *traced_skip_zone(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end)
{
	return s->pbo == s->traced_pbo ? traced_zone(s, zone_start, zone_end) : NULL;
}

/*
 * The pageblock byte of pfn in the kernel's zone, where what the trace shows of its
 * skip bits still tells of the start (no reset of the kernel's since); NULL otherwise.
 */
static uint8_t *traced_start_pb(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end,
				uint64_t pfn)
{
	struct szone *z = traced_skip_zone(s, zone_start, zone_end);

	if (!z || z->kreset || pfn < zone_start || pfn >= zone_end)
		return NULL;
	return &s->pb[pfn >> s->pbo];
}

void mf_sim_traced_begin(struct mf_sim *s, uint64_t zone_start, uint64_t migrate_pfn,
			 uint64_t free_pfn, uint64_t zone_end, int sync)
{
	struct szone *z;
	bool first = false;
	int m;

	z = traced_zone(s, zone_start, zone_end);
	if (!z || z->passed)
		return;
	if (migrate_pfn < zone_start || migrate_pfn >= zone_end ||
	    free_pfn < zone_start || free_pfn >= zone_end)
		return;
	if (migrate_pfn == zone_start && free_pfn == pageblock_start(s, zone_end - 1))
		return;
	first = !z->begin_seen[0] && !z->begin_seen[1];
	/*
	 * Scanners that already met: this run ends at once and puts the positions back at
	 * the zone's ends (__compact_finished()), and which blocks the finished pass left
	 * skipped is not known.  Marking everything they passed marks the whole zone: in
	 * 31b's default-r12 of the what-if recordings (DMA32 at migrate 0x73c00, free
	 * 0x6c800) our async runs then found nothing to scan and sync compaction deferred the
	 * zone, where the kernel's next runs from the zone start isolated at 0x10000-0x55000
	 * and succeeded.  One first begin in the 72 default recordings of the eight what-if
	 * sets is of this kind.
	 */
	if (first && migrate_pfn >= free_pfn) {
		z->begin_seen[0] = z->begin_seen[1] = true;
		return;
	}
	for (m = 0; m < 2; m++) {
		if (z->begin_seen[m] || (sync >= 0 && !!sync != m))
			continue;
		z->begin_seen[m] = true;
		if (migrate_pfn > z->cached_migrate[m]) {
			z->cached_migrate[m] = migrate_pfn;
			/* async: cached_migrate[0]; sync scanned every type up to [1] */
			skip_passed(s, z, z->d.start_pfn, pageblock_start(s, migrate_pfn), m == 0);
		}
	}
	if (first && free_pfn < z->cached_free) {
		z->cached_free = free_pfn;
		skip_passed(s, z, pageblock_end(s, free_pfn), z->d.end_pfn, true);
	}
}

/*
 * The kernel's migrate scanner isolated in the pageblock at pfn (direct or kcompactd,
 * which honour skip bits: isolation_suitable(), or fast_find_migrateblock() passing over
 * skipped blocks).  Its skip bit was clear, and if no reset has cleared the kernel's bits
 * since the trace began and the kernel's scanners had not been here, it was clear when
 * the trace began: a fact of the start, the same under every config.  skip_passed()'s
 * guess that every block below the kernel's cached position was skipped is then wrong
 * for it.  In whatif31e's default-r1 the kernel's DMA32 scanners met and restarted from
 * the zone start, and its next five runs succeeded in blocks from 0x1000 up; ours found
 * those blocks skipped, completed, deferred, and the next kswapd nap reset them, where the
 * kernel's success had cleared compact_blockskip_flush: the kernel's reset came 100 ms
 * later, and ours succeeded in between where the kernel's runs completed and deferred.
 */
void mf_sim_traced_migrate_scan(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end,
				uint64_t pfn, bool isolated)
{
	uint8_t *b = traced_start_pb(s, zone_start, zone_end, pfn);

	if (!b || (*b & PB_KSEEN))
		return;
	*b |= PB_KSEEN;
	if (isolated && (*b & PB_GUESS))
		*b &= (uint8_t)~(PB_SKIP | PB_GUESS);
}

/*
 * The kernel's migrate scanner passed the pageblocks of [from, to) one by one without
 * scanning them (no isolate event, and beyond what fast_find_migrateblock() could have
 * jumped): isolation_suitable() found their skip bit set, or, for direct async, they
 * were no suitable source (another type).  Those the kernel had not been in before, with
 * no reset of its bits since the trace began, were skipped at the start: a fact of the
 * start, as in mf_sim_traced_migrate_scan(), the other way round.  Ours take the bit
 * unless our own bits have been reset since.  whatif33's default-r2: the kernel's second
 * direct run in DMA32 went from 0x11e00 to 0xb6e00 and scanned six blocks; an earlier
 * pass's free scanner had left the rest skipped, and the positions had gone back to the
 * zone's ends, so the first begin's positions said nothing of them.  Ours later
 * succeeded at 0x59600, inside that span, where the kernel's runs completed and deferred.
 */
void mf_sim_traced_passed(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end,
			  uint64_t from, uint64_t to, bool movable_only)
{
	struct szone *z = traced_skip_zone(s, zone_start, zone_end);
	uint64_t p;

	if (!z || z->kreset)
		return;
	if (from < zone_start)
		from = zone_start;
	if (to > zone_end)
		to = zone_end;
	for (p = pageblock_start(s, from); p + pageblock_nr_pages(s) <= to;
	     p += pageblock_nr_pages(s)) {
		uint8_t *b = &s->pb[p >> s->pbo];
		int mt = *b & PB_MT;

		/* p >= from >= zone_start from here: a part block at the zone start is out */
		if (p < from || (*b & (PB_KSEEN | PB_KTOUCH | PB_ABSENT)))
			continue;
		*b |= PB_KSEEN;
		if (z->sreset || skip_persistent(s, p) ||
		    (movable_only && mt != MF_MT_MOVABLE && mt != MF_MT_CMA))
			continue;
		pb_set_skip(s, p, true);
	}
}

/*
 * A skip bit the kernel's migrate scanner later finds in a block its free scanner (or a
 * run that ignores skip bits, and still sets them) scanned during the trace may be that
 * scan's: isolate_freepages() marks every pageblock it scanned to the end.  Such a block
 * says nothing of the start (mf_sim_traced_passed()).
 */
void mf_sim_traced_touch(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end, uint64_t pfn)
{
	uint8_t *b = traced_start_pb(s, zone_start, zone_end, pfn);

	if (b)
		*b |= PB_KTOUCH;
}

/*
 * The kernel's compact_blockskip_flush: set when a direct run's scanners met, cleared
 * by a direct compaction that succeeded (__alloc_pages_direct_compact()); kswapd going
 * to sleep (mf_sim_traced_kswapd_sleep()) resets the skip bits of zones that have it.
 */
void mf_sim_traced_end(struct mf_sim *s, uint64_t zone_start, uint64_t zone_end,
		       uint64_t migrate_pfn, uint64_t free_pfn, bool direct, bool success)
{
	struct szone *z = traced_skip_zone(s, zone_start, zone_end);

	if (!z || !direct)
		return;
	/* compact_scanners_met() */
	if (free_pfn >> s->pbo <= migrate_pfn >> s->pbo)
		z->kflush = true;
	else if (success)
		z->kflush = false;
}

void mf_sim_traced_kswapd_sleep(struct mf_sim *s, int node)
{
	int i;

	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node && s->z[i].kflush)
			s->z[i].kreset = true;
}

void sim_cc_init(struct cc *cc, struct mf_sim *s, struct szone *z, int order, int mt,
		 enum migrate_mode mode)
{
	memset(cc, 0, sizeof(*cc));
	cc->s = s;
	cc->zone = z;
	cc->order = order;
	cc->mt = mt;
	cc->mode = mode;
	cc->cpu = s->cur_cpu;
	cc->hzi = NR_ZONE_TYPES - 1;
	cc->search_order = order;
	cc->contend_after = -1;
}
