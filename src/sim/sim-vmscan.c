// SPDX-License-Identifier: GPL-2.0
/*
 * kswapd (mm/vmscan.c: wakeup_kswapd(), pgdat_balanced(), pgdat_watermark_boosted(),
 * balance_pgdat(), kswapd_shrink_node(), kswapd_try_to_sleep()), with reclaim itself
 * approximated.  Page reclaim is outside the model's events, so the simulated kswapd
 * reclaims from a pool of pages the kernel could have reclaimed: the LRU pages in use
 * at the start capture (in a fixed shuffled order: the trace's own kswapd frees scatter
 * over the pageblocks, a few dozen pages in each) and the pages the traced kswapd freed
 * after ours had already reclaimed as much.  The trace's kswapd frees stand for
 * reclaim as they come; under another config ours reclaims what its watermarks want
 * beyond them and takes the trace's later ones as done already (reclaim_ahead), so one
 * with higher watermarks (watermark_scale_factor, boosting) reclaims more, at the traced
 * kswapd's rate.  Under the traced kernel's own settings the trace's frees are all the
 * reclaim (sim_reclaim_as_traced()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim-local.h"

/*
 * The traced kswapd's reclaim rate while it reclaims: about 520 pages per ms.  The ten
 * balance_pgdat() passes that freed more than 5,000 pages in watermark_scale_factor=100
 * recordings of whatif31, 31d and 31e (r1-r3; bench/README.md, thirty-seventh round)
 * freed 390 to 775 pages per ms from kswapd's wake to its last free, a median of 523
 * (their mm_page_free pages, which match pgsteal_kswapd); the 150 we had was one
 * recording's reclaim over its whole wake-to-sleep time, idle time included.
 */
#define KSWAPD_PAGES_PER_MS	520

/*
 * Boost reclaim's rate.  balance_pgdat() reclaims a boost with writeback and swap off,
 * from DEF_PRIORITY, a few folios at the inactive file list's old end, and stops as
 * soon as the boost is reclaimed: about a millisecond, not kswapd's long run.  (It also
 * gives up when a round reclaims nothing: sim_kswapd_work().)  In nine default
 * recordings of three what-if sets (whatif31, 31b, 31c) the 42 boosted balance_pgdat()
 * passes that freed pages freed a median 526 at a median 1,368 pages per ms, from the
 * kswapd wake to the kcompactd wake at the pass's end.  At the 150 pages per ms we then
 * had for kswapd, ours stayed 37 ms in a pass that began with eleven pageblocks of
 * boost (default-r4 of whatif31e under watermark_scale_factor=100): no kcompactd wake
 * and no skip-bit reset meanwhile, while DMA32 deferred 95 times.
 */
#define KSWAPD_BOOST_PAGES_PER_MS	1400

/*
 * How long a balance_pgdat() pass that reclaims nothing takes.  Each such pass adds one
 * to kswapd_failures, any progress (by anyone) clears it, and at MAX_RECLAIM_RETRIES
 * the node is hopeless: kswapd sleeps and wakes kcompactd.  With watermarks it cannot
 * reach, the kernel's kswapd goes on passing instead, and takes the page cache the
 * workload writes as it comes: in watermark_scale_factor_100-r2 of whatif31b it made
 * 1,509 passes in 0.9 s without a sleep and freed 60,875 pages, the recorder's written
 * trace data, where the start capture held 9,800 file pages.  Half the passes freed
 * nothing, at a median 0.133 ms each (0.149 ms in whatif31d's -r4, 3,348 passes), and
 * it gave up after the first run of 16 of them.  Ours makes a pass per event, so a pass
 * that finds nothing counts by the time since the first: the node is given up after
 * 16 x 140 us with nothing reclaimed.
 */
#define KSWAPD_IDLE_PASS_NS	140000ULL
#define SWAP_CLUSTER_MAX	32
#define DEF_PRIORITY		12

/* ---- the pool of reclaimable pages ---------------------------------------------------- */

int sim_lru_add(struct mf_sim *s, uint64_t tpfn, int order)
{
	struct lru_pool *l = &s->lru;

	if (l->n == l->cap) {
		uint64_t cap = l->cap ? l->cap * 2 : 65536;
		uint32_t *t = realloc(l->tpfn, cap * sizeof(*t));
		uint8_t *o;

		if (!t)
			return -ENOMEM;
		l->tpfn = t;
		o = realloc(l->order, cap);
		if (!o)
			return -ENOMEM;
		l->order = o;
		l->cap = cap;
	}
	l->tpfn[l->n] = (uint32_t)tpfn;
	l->order[l->n++] = (uint8_t)order;
	l->pages += 1ULL << order;
	return 0;
}

static uint64_t mix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The LRU's order, approximated: clusters of 2^LRU_CLUSTER_ORDER frames in a random order
 * (a fixed seed, moved by the config's seed: every config of one seed and every run the
 * same), pfn order inside a cluster.  The
 * traced kswapd's frees come in short runs of neighbouring pfns from a few interleaved
 * streams: in a watermark_scale_factor=100 recording, 121,202 pages over 1,636
 * pageblocks (74 per pageblock touched); 64-frame clusters give 79 on the same trace,
 * single pages 51, whole pageblocks 364.
 */
#define LRU_CLUSTER_ORDER	6
#define LRU_SEED		0x5eedc0deULL

struct lru_ent {
	uint64_t	key;
	uint32_t	tpfn;
	uint8_t		order;
};

static int cmp_lru(const void *a, const void *b)
{
	const struct lru_ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->tpfn < y->tpfn ? -1 : x->tpfn > y->tpfn;
}

/*
 * The pages of the start capture on the LRU (not compound, or a compound page that was),
 * still held by the past, in the approximated LRU order: those the start state marks as
 * reclaimable (file pages only on a machine without swap; its active ones after its
 * inactive ones), or every one when it does not say.
 */
void sim_lru_seed(struct mf_sim *s)
{
	struct lru_pool *l = &s->lru;
	struct lru_ent *e;
	uint64_t p, i, inactive = 0;

	for (p = 0; p < s->nr_pfns; p++) {
		uint8_t v = s->st[p];

		if (!sim_seed_identity(s, p) || !(v & ST_MOVABLE) ||
		    (s->rclm_seeded && !sim_tbit(s, s->rclm, p)))
			continue;
		if (sim_lru_add(s, p, st_order(v)))
			break;
		sim_tbit_set(s, s->rclm, p, true);
		s->reclaim_pool_seeded += 1ULL << st_order(v);
		p += (1ULL << st_order(v)) - 1;
	}
	e = malloc(l->n * sizeof(*e) + 1);
	if (!e) {
		l->n = 0;	/* no pool: the simulated kswapd reclaims nothing of its own */
		l->pages = 0;
		return;
	}
	for (i = 0; i < l->n; i++) {
		uint64_t st = ((uint64_t)l->tpfn[i] >> LRU_CLUSTER_ORDER) * 0x9e3779b97f4a7c15ULL ^
			      (LRU_SEED + (uint64_t)s->c.seed * SIM_SEED_MIX);

		/* the start's active pages after its inactive ones */
		e[i].key = mix64(&st) >> 1;
		if (s->rclm_active && (s->rclm_active[l->tpfn[i] / 64] >> (l->tpfn[i] % 64) & 1))
			e[i].key |= 1ULL << 63;
		else
			inactive += 1ULL << l->order[i];
		e[i].tpfn = l->tpfn[i];
		e[i].order = l->order[i];
	}
	qsort(e, l->n, sizeof(*e), cmp_lru);
	l->seeded = l->n;
	l->inactive_pm = l->pages ? (unsigned int)(inactive * 1000 / l->pages) : 1000;
	for (i = 0; i < l->n; i++) {
		l->tpfn[i] = e[i].tpfn;
		l->order[i] = e[i].order;
	}
	free(e);
	free(s->rclm_active);
	s->rclm_active = NULL;
}

static void dirty_found_by_kswapd(struct mf_sim *s);

/*
 * shrink_node(), one folio: the next page of the pool before entry end that is still
 * held whole and lies in a zone kswapd balances; 0 pages when there is none.  A page of
 * another zone is dropped from the pool, where isolate_lru_folios() splices the folios
 * it skips back at the list's young end.  Fixed that way, the what-if effects of
 * watermark_scale_factor=100 moved away from the kernel's (bench/README.md,
 * thirty-third round): something else leans on the lost pages, and the fix waits for it.
 */
static uint64_t shrink_one(struct mf_sim *s, int node, int hzi, int cpu, uint64_t end)
{
	struct lru_pool *l = &s->lru;

	while (l->next < end) {
		uint64_t tpfn = l->tpfn[l->next], sp;
		int order = l->order[l->next];
		const struct szone *z;

		l->next++;
		l->pages -= 1ULL << order;
		/* allocated again since it joined the pool: another page, not on the list */
		if (!sim_tbit(s, s->rclm, tpfn))
			continue;
		if (s->fdirty && sim_tbit(s, s->fdirty, tpfn)) {
			/* activated, to come round again clean (and once only) */
			dirty_found_by_kswapd(s);
			sim_tbit_set(s, s->fdirty, tpfn, false);
			if (sim_lru_add(s, tpfn, order))
				sim_tbit_set(s, s->rclm, tpfn, false);
			continue;
		}
		sp = sim_owner_frame(s, tpfn, order);
		if (sp == MF_PFN_NONE || !(s->st[sp] & ST_MOVABLE))
			continue;
		sim_tbit_set(s, s->rclm, tpfn, false);
		z = sim_zone_of(s, sp);
		if (!z || z->d.node != node || z->type > hzi)
			continue;
		sim_reclaim_frame(s, sp, cpu);
		return 1ULL << order;
	}
	return 0;
}

/*
 * Page cache the trace wrote stays dirty, then under writeback, for about
 * dirty_expire_centisecs (30 s by default; the flusher writes it back then) and
 * compaction cannot move it meanwhile (sim-migrate.c).  Written page cache is a folio
 * allocated with __GFP_WRITE (grab_cache_page_write_begin() asks FGP_WRITE) that the
 * trace then puts on a file LRU list: on the what-if recordings, the recorder's own
 * trace file (order-8 folios on ext4); readahead's folios are clean and migrate.
 */
#define DIRTY_EXPIRE_NS		(30ULL * 1000000000ULL)

static void dirty_add(struct mf_sim *s, uint64_t tpfn, int order)
{
	if (s->dirty.n == s->dirty.cap) {
		uint64_t live = s->dirty.n - s->dirty.next;

		if (s->dirty.next >= s->dirty.cap / 2 && s->dirty.cap) {
			/* room at the front: slide the live records down */
			memmove(s->dirty.tpfn, s->dirty.tpfn + s->dirty.next,
				live * sizeof(*s->dirty.tpfn));
			memmove(s->dirty.ts, s->dirty.ts + s->dirty.next, live * sizeof(*s->dirty.ts));
			memmove(s->dirty.order, s->dirty.order + s->dirty.next, live);
			s->dirty.next = 0;
			s->dirty.n = live;
		} else {
			uint64_t cap = s->dirty.cap ? s->dirty.cap * 2 : 65536;
			uint32_t *t = realloc(s->dirty.tpfn, cap * sizeof(*t));
			uint64_t *ts;
			uint8_t *o;

			if (!t)
				return;
			s->dirty.tpfn = t;
			ts = realloc(s->dirty.ts, cap * sizeof(*ts));
			if (!ts)
				return;
			s->dirty.ts = ts;
			o = realloc(s->dirty.order, cap);
			if (!o)
				return;
			s->dirty.order = o;
			s->dirty.cap = cap;
		}
	}
	s->dirty.tpfn[s->dirty.n] = (uint32_t)tpfn;
	s->dirty.order[s->dirty.n] = (uint8_t)order;
	s->dirty.ts[s->dirty.n++] = s->now;
	s->dirty.pages += 1ULL << order;
	sim_tbit_set(s, s->fdirty, tpfn, true);
	s->file_seen = true;
}

/* The FIFO's oldest entry is written back (or long gone): its pfn's bit, if still set. */
static uint32_t dirty_pop(struct mf_sim *s)
{
	uint64_t i = s->dirty.next++;

	s->dirty.pages -= 1ULL << s->dirty.order[i];
	return s->dirty.tpfn[i];
}

/*
 * The flusher wrote back what was inserted DIRTY_EXPIRE_NS ago, and the oldest dirty
 * pages beyond the background threshold: dirty_background_ratio (10%) of the dirtyable
 * memory (wb_over_bg_thresh(); a big write is cleaned as it goes, in seconds, not after
 * 30 s).  global_dirtyable_memory() is the free pages above totalreserve_pages (the
 * high watermarks and lowmem reserves) and the file pages: a config with higher
 * watermarks writes back sooner, which is why the kernel under
 * watermark_scale_factor=100 kept the recorder's page cache clean.  The file pages
 * are approximated by the start's reclaimable pages and the dirty ones (the pool keeps
 * entries long gone).
 */
void sim_dirty_expire(struct mf_sim *s)
{
	uint64_t dirtyable = 0, limit;
	int i;

	for (i = 0; i < s->nr_zones; i++)
		dirtyable += s->z[i].free_pages;
	dirtyable -= dirtyable < s->totalreserve ? dirtyable : s->totalreserve;
	dirtyable += s->reclaim_pool_seeded + s->dirty.pages;
	limit = dirtyable / 10;
	while (s->dirty.next < s->dirty.n &&
	       (s->dirty.ts[s->dirty.next] + DIRTY_EXPIRE_NS <= s->now || s->dirty.pages > limit))
		sim_tbit_set(s, s->fdirty, dirty_pop(s), false);
}

/*
 * The flusher has written back the dirty FIFO's entries before end: writeback cleans
 * the oldest dirtied inodes first (b_io is sorted by dirtied_when), and the recorder
 * writes its files front to back.  why counts the folios it cleaned, for the result's
 * limits.
 */
static void dirty_clean_upto(struct mf_sim *s, uint64_t end, uint64_t *why)
{
	while (s->dirty.next < end) {
		uint64_t tpfn = dirty_pop(s);

		if (sim_tbit(s, s->fdirty, tpfn)) {
			sim_tbit_set(s, s->fdirty, tpfn, false);
			(*why)++;
		}
	}
}

/*
 * The trace's kswapd reclaimed the page at tpfn: the kernel had written it back, and
 * what was dirtied before it too.  In the recordings of issue 12, 15,742 of the
 * traced kswapd's 19,947 pages were the recorder's own page cache, written moments
 * before: the flusher cleans it in seconds once reclaim reaches it, not after
 * dirty_expire_centisecs.
 */
void sim_dirty_reclaimed(struct mf_sim *s, uint64_t tpfn)
{
	uint64_t i;

	if (!s->fdirty || !sim_tbit(s, s->fdirty, tpfn))
		return;
	for (i = s->dirty.next; i < s->dirty.n; i++)
		if (s->dirty.tpfn[i] == tpfn) {
			dirty_clean_upto(s, i + 1, &s->dirty_clean_trace);
			return;
		}
}

/*
 * shrink_inactive_list(): the folios kswapd took are dirty and not under writeback
 * (stat.nr_unqueued_dirty == nr_taken), so it wakes the flusher threads
 * (wakeup_flusher_threads(WB_REASON_VMSCAN)), which write back every dirty inode, and
 * activates the folios (shrink_folio_list(): reclaim does not write file folios since
 * v6.16).  The kernel under watermark_scale_factor=100 kept that page cache clean
 * (pgmigrate_fail 72 pages in a run whose default twin failed 4,678): its kswapd scanned
 * 174,241 pages against 20,739 and found the written pages at the list's end.
 */
static void dirty_found_by_kswapd(struct mf_sim *s)
{
	dirty_clean_upto(s, s->dirty.n, &s->dirty_clean_kswapd);
}

/*
 * mm_lru_insertion: folio_add_lru() put the kernel's folio at tpfn on list lru (enum
 * lru_list: 0 inactive anon, 1 active anon, 2 inactive file, 3 active file, 4
 * unevictable).  The page joins the pool at its young end, so it is reclaimed after the
 * pages that were there before it, as shrink_inactive_list() takes the list's old end;
 * an anonymous one only where there is swap.  The page cache a workload writes (the
 * recorder's own trace file, on the recordings of issue 12) is most of what the traced
 * kswapd reclaims: 15,742 of 19,947 pages in one such recording had been inserted on the
 * inactive file list during the trace, and under watermark_scale_factor=100 kswapd also
 * took 2,719 pages inserted on the active one.  Migration targets (the kernel's frames
 * our pages do not map) and pages ours does not hold are skipped.
 */
void mf_sim_lru_insert(struct mf_sim *s, uint64_t tpfn, int lru)
{
	uint64_t sp;
	int order;

	if (tpfn >= s->nr_t2s || s->t2s[tpfn] >= s->nr_pfns || lru < 0 || lru > 3)
		return;
	if (lru <= 1 && s->no_swap) {
		sim_tbit_set(s, s->rclm, tpfn, false);	/* anonymous now: not reclaimable */
		return;
	}
	if (sim_tbit(s, s->rclm, tpfn))
		return;		/* on a list already (a putback): one entry */
	sp = s->t2s[tpfn];
	order = st_order(s->st[sp]);
	if (sim_owner_frame(s, tpfn, order) != sp || !(s->st[sp] & ST_MOVABLE) ||
	    sim_lru_add(s, tpfn, order))
		return;
	sim_tbit_set(s, s->rclm, tpfn, true);
	s->reclaim_pool_inserted += 1ULL << order;
	if (lru >= 2 && sim_tbit(s, s->fwrite, tpfn))
		dirty_add(s, tpfn, order);
}

/* ---- kswapd ------------------------------------------------------------------------------ */

/*
 * pgdat_balanced(): some zone up to hzi meets its high watermark (boost included) at
 * order; in defrag_mode, for order > 0, with free whole pageblocks only (v6.15+: until
 * kswapd_shrink_node() drops the order, then base pages for compaction suffice).
 */
bool sim_pgdat_balanced(const struct mf_sim *s, int node, int order, int hzi)
{
	bool any = false;
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		const struct szone *z = &s->z[i];
		int64_t free_pages;

		if (z->d.node != node || z->type > hzi || !z->d.managed)
			continue;
		any = true;
		free_pages = s->c.defrag_mode && order ? (int64_t)sim_free_pages_blocks(s, z) :
			     (int64_t)z->free_pages;
		if (sim_zone_watermark_ok(s, z, order, wmark_pages(z, WMARK_HIGH), hzi, 0, free_pages))
			return true;
	}
	return !any;
}

/* pgdat_watermark_boosted() */
static bool pgdat_watermark_boosted(const struct mf_sim *s, int node, int hzi)
{
	int i;

	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node && s->z[i].type <= hzi && s->z[i].boost)
			return true;
	return false;
}

/* balance_pgdat()'s start: the boosts it will reclaim for, sc.order */
static void balance_begin(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];
	int i;

	n->reclaim_order = n->kswapd_order;
	n->nr_boost_reclaim = 0;
	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		z->boost_snap = 0;
		if (z->d.node != node || z->type > n->kswapd_hzi || !z->d.managed)
			continue;
		z->boost_snap = z->boost;
		n->nr_boost_reclaim += z->boost;
	}
	n->boosted = n->nr_boost_reclaim > 0;
	n->reclaimed = 0;
	n->budget_ts = s->now;
	n->budget = SWAP_CLUSTER_MAX;
	n->priority = DEF_PRIORITY;
	n->in_round = false;
}

/*
 * shrink_node() made progress: "a successful direct reclaim run will revive a dormant
 * kswapd" (kswapd_failures back to 0).  Nothing else revives it: LRU pages coming back
 * do not, so a node that starts hopeless keeps kswapd asleep until reclaim succeeds.
 */
void sim_reclaim_progress(struct mf_sim *s, int node)
{
	if (node < 0 || node >= MAX_NODES)
		return;
	if (s->node[node].kswapd_failures >= MAX_RECLAIM_RETRIES && s->started_hopeless &&
	    !s->revived_ts)
		s->revived_ts = s->now;
	s->node[node].kswapd_failures = 0;
	s->node[node].idle_ts = 0;
}

/* A running kswapd: the next balance_pgdat() sees the order and zone; true if running. */
static bool kswapd_running(struct snode *n, int order, int hzi)
{
	if (n->kswapd_order < 0)
		return false;
	if (order > n->kswapd_order)
		n->kswapd_order = order;
	if (hzi > n->kswapd_hzi)
		n->kswapd_hzi = hzi;
	return true;
}

static void kswapd_wake(struct mf_sim *s, int node, int order, int hzi)
{
	struct snode *n = &s->node[node];

	n->kswapd_order = order;
	n->kswapd_hzi = hzi;
	s->stats.cp.kswapd_wake++;
	n->idle_ts = 0;
	balance_begin(s, node);
}

/* wakeup_kswapd() */
void sim_wakeup_kswapd(struct mf_sim *s, int node, uint64_t gfp, int order, int hzi)
{
	struct snode *n = &s->node[node];

	if (kswapd_running(n, order, hzi))
		return;
	/* a hopeless node, or balanced and not boosted: kcompactd may still help */
	if (n->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    (sim_pgdat_balanced(s, node, order, hzi) && !pgdat_watermark_boosted(s, node, hzi))) {
		if (!(gfp & GFP_DIRECT_RECLAIM))
			sim_wakeup_kcompactd(s, node, order, hzi);
		return;
	}
	kswapd_wake(s, node, order, hzi);
}

/*
 * Whether the config keeps what decided the traced kernel's wakeup_kswapd(): its
 * watermarks (watermark_scale_factor, min_free_kbytes), its boosts
 * (watermark_boost_factor) and its zones and orders.
 */
bool sim_kswapd_as_traced(const struct mf_sim *s)
{
	const struct mf_sim_config *c = &s->c;

	if (!sim_zones_as_traced(s) || !c->traced.nr_settings)
		return false;
	if (c->max_order != MF_SIM_KEEP || c->pageblock_order != MF_SIM_KEEP)
		return false;
	return (c->watermark_scale_factor == MF_SIM_KEEP ||
		c->watermark_scale_factor == c->traced.watermark_scale_factor) &&
	       (c->min_free_kbytes == MF_SIM_KEEP || c->min_free_kbytes == c->traced.min_free_kbytes) &&
	       c->watermark_boost_factor == c->traced.watermark_boost_factor;
}

/*
 * The traced kernel's wakeup_kswapd() woke its kswapd: mm_vmscan_wakeup_kswapd comes after
 * the function found kswapd asleep or napping, the node not hopeless and either not
 * balanced at the order or boosted.  Under the traced kernel's own watermarks and boosts
 * that is a fact of the run, and our state, which drifts from the kernel's by a block or
 * two, does not get to overrule it.  In watermark_scale_factor_100-r6 of the what-if
 * recordings the kernel's DMA32 held no free block of order 8 or above when the
 * recorder's order-8 page-cache folio woke kswapd at 624.0007 (it had boosted the zone
 * a few ms before, falling back for the previous one); ours held two, served the folio
 * without falling back, and found the node balanced: no kswapd nap, so none of the
 * kernel's skip-bit resets and kcompactd runs (five that run, each a success that ends
 * a deferral), and our DMA32 deferred to the limit twice.  Taking the wake, the simulated
 * default of four held-out sets comes within 15% of the kernel in three of them, not two,
 * scored over four seeds (bench/README.md, twenty-eighth round).
 */
void sim_wakeup_kswapd_traced(struct mf_sim *s, int node, int order, int hzi)
{
	if (!kswapd_running(&s->node[node], order, hzi))
		kswapd_wake(s, node, order, hzi);
}

/* sc.nr_reclaimed grows: the boost to reclaim shrinks, kswapd_shrink_node() drops the order */
static void reclaimed(struct mf_sim *s, int node, uint64_t pages)
{
	struct snode *n = &s->node[node];

	if (pages)
		sim_reclaim_progress(s, node);
	n->reclaimed += pages;
	n->budget -= (int64_t)pages;
	n->nr_boost_reclaim -= n->nr_boost_reclaim < pages ? n->nr_boost_reclaim : pages;
	/* compact_gap(): enough for compaction to work with; balance for order 0 now */
	if (n->reclaim_order && n->reclaimed >= 2ULL << n->reclaim_order)
		n->reclaim_order = 0;
}

/* The trace's kswapd freed pages as reclaim (not taken as done by ours already). */
void sim_kswapd_credit(struct mf_sim *s, int node, uint64_t pages)
{
	struct snode *n;

	if (node < 0 || node >= MAX_NODES)
		return;
	n = &s->node[node];
	s->reclaim_trace_pages += pages;
	if (n->kswapd_order >= 0)
		reclaimed(s, node, pages);
}

/*
 * balance_pgdat()'s out: for a boosted node: the boosts it began with are taken off,
 * whatever was reclaimed, and kcompactd is woken for a pageblock.
 */
static void boost_reclaimed(struct mf_sim *s, int node, int hzi)
{
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		if (z->d.node != node || z->type > hzi)
			continue;
		z->boost -= z->boost < z->boost_snap ? z->boost : z->boost_snap;
		z->boost_snap = 0;
	}
	sim_wakeup_kcompactd(s, node, s->pbo, hzi);
}

/*
 * balance_pgdat()'s end and kswapd_try_to_sleep(): the boosts it reclaimed for are
 * cleared and kcompactd woken for a pageblock; balanced (or hopeless), kswapd resets the
 * skip hints, wakes kcompactd for the order it was woken for and sleeps; else another
 * balance_pgdat() round starts.
 */
static void balance_end(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];
	int hzi = n->kswapd_hzi;

	if (!n->reclaimed && n->kswapd_failures < MAX_RECLAIM_RETRIES &&
	    !sim_pgdat_balanced(s, node, n->reclaim_order, hzi)) {
		uint64_t passes;

		if (!n->idle_ts)
			n->idle_ts = s->now ? s->now : 1;
		passes = 1 + (s->now - n->idle_ts) / KSWAPD_IDLE_PASS_NS;
		n->kswapd_failures = passes < MAX_RECLAIM_RETRIES ? (int)passes :
				     MAX_RECLAIM_RETRIES;
	}
	if (n->boosted)
		boost_reclaimed(s, node, hzi);
	if (n->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    sim_pgdat_balanced(s, node, n->reclaim_order, hzi)) {
		int order = n->kswapd_order;

		n->kswapd_order = -1;
		sim_reset_isolation_suitable(s, node);
		sim_wakeup_kcompactd(s, node, order, hzi);
		return;
	}
	balance_begin(s, node);
}

/*
 * Whether the trace's kswapd frees are all the reclaim there is: kswapd as traced
 * (sim_kswapd_as_traced()), and reclaiming for the same goal (defrag_mode balances on
 * free pageblocks, so a defrag_mode=1 config on a default trace reclaims more than the
 * trace shows).  Where our kswapd reclaimed too, from the pool, it ran ahead of the
 * kernel's at our own moments and on pages of its choosing, and took the kernel's later
 * frees as done: on the four held-out what-if sets the simulated default failed 35%
 * fewer direct compactions than the kernel in one of them (whatif23b) and failed 3,732
 * order-0 requests the kernel served (whatif23).  With the trace's reclaim alone the
 * default is within 13% of the kernel in all four sets, and whatif23's failed order-0
 * requests are 101 (bench/README.md, twenty-ninth round).
 */
bool sim_reclaim_as_traced(const struct mf_sim *s)
{
	return sim_kswapd_as_traced(s) &&
	       s->c.defrag_mode == (s->c.traced.defrag_mode > 0 ? 1 : 0);
}

/*
 * The traced kswapd napped or slept (sleep), or began another balance_pgdat(): its
 * balance ended.  Under the traced settings ours, which reclaims only through the trace's
 * frees, ends with it, as balance_pgdat()'s out: does, whatever was freed: the boosts it
 * began with are taken off and kcompactd is woken for a pageblock; kswapd_try_to_sleep()
 * wakes it for the order kswapd was woken for.  Without this our boosts, raised by our own
 * fallbacks and never reclaimed by ours, stayed at their limit: DMA32's min watermark
 * stood 26,358 pages high, and a watermark_scale_factor=100 recording failed 69,701 of its
 * order-0 requests.
 */
void sim_kswapd_traced_sleep(struct mf_sim *s, int node, bool sleep)
{
	struct snode *n = &s->node[node];
	int order = n->kswapd_order, hzi = n->kswapd_hzi;

	if (!sim_reclaim_as_traced(s) || order < 0)
		return;
	if (n->boosted)
		boost_reclaimed(s, node, hzi);
	n->boosted = false;
	n->nr_boost_reclaim = 0;
	n->kswapd_order = -1;
	if (sleep)
		sim_wakeup_kcompactd(s, node, order, hzi);
}

/*
 * The traced kswapd began a balance_pgdat() (mm_vmscan_kswapd_wake): its previous one
 * ended, in a nap the trace need not show.  Under the traced settings ours ends that
 * one too and begins the next with the boosts as they are now.
 */
void sim_kswapd_traced_balance(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];

	if (!sim_reclaim_as_traced(s) || n->kswapd_order < 0)
		return;
	sim_kswapd_traced_sleep(s, node, false);
	n->kswapd_order = n->reclaim_order > 0 ? n->reclaim_order : 0;
	balance_begin(s, node);
}

/* kswapd_shrink_node(): sc->nr_to_reclaim, the high watermarks of the zones it balances */
static uint64_t nr_to_reclaim(const struct mf_sim *s, int node)
{
	int hzi = s->node[node].kswapd_hzi;
	uint64_t sum = 0;
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		const struct szone *z = &s->z[i];
		uint64_t high = wmark_pages(z, WMARK_HIGH);

		if (z->d.node != node || z->type > hzi || !z->d.managed)
			continue;
		sum += high > SWAP_CLUSTER_MAX ? high : SWAP_CLUSTER_MAX;
	}
	return sum;
}

/*
 * One kswapd_shrink_node() round's reclaim: shrink_lruvec() scans the inactive file list
 * >> sc.priority (get_scan_count(), no swap) and stops once sc->nr_to_reclaim pages are
 * reclaimed; pgdat_balanced() is asked between rounds only.  The inactive list: the
 * pool's pages at the start's inactive share, no less than a quarter
 * (inactive_is_low() deactivates to keep about that much).
 */
static uint64_t round_size(const struct mf_sim *s, int node, int priority)
{
	unsigned int pm = s->lru.seeded ? s->lru.inactive_pm : 1000;
	uint64_t inactive = s->lru.pages * (pm < 250 ? 250 : pm) / 1000;
	uint64_t want = nr_to_reclaim(s, node), scan = inactive >> priority;

	return scan < want ? scan : want;
}

/*
 * A round begins.  A boost's rounds, from DEF_PRIORITY to DEF_PRIORITY - 2 (where
 * balance_pgdat() stops raising the priority of boost reclaim), scan a few dozen pages
 * each, so ours takes a boost a page at a time with the checks between.
 */
static void round_begin(struct mf_sim *s, int node, bool boost)
{
	struct snode *n = &s->node[node];

	n->round_boost = boost;
	n->round_want = nr_to_reclaim(s, node);
	n->round_target = boost ? 1 : round_size(s, node, n->priority);
	n->round_left = n->round_target;
	n->round_reclaimed = 0;
	n->in_round = true;
}

/* balance_pgdat(): "if reclaim made no progress for a boost, stop" */
static void boost_no_progress(struct mf_sim *s, struct snode *n)
{
	n->nr_boost_reclaim = 0;
	s->boosts_given_up++;
}

/*
 * kswapd's work by now (after every event): balance_pgdat()'s loop, as far as the
 * reclaim rate allows since the last event.  Boost reclaim goes on while the node is
 * balanced; an unbalanced node turns it into normal reclaim to the (boosted) high
 * watermark, as balance_pgdat()'s restart does.
 *
 * Normal reclaim goes in kswapd_shrink_node() rounds (round_size()) and asks
 * pgdat_balanced() between them only, so it reclaims past the high watermark by up to a
 * round.  Under watermark_scale_factor=100 the kernel's kswapd freed 77,000 to 145,000
 * pages a run in whatif31d, in one or two passes; ours, stopping at the watermark, took
 * 78,000 of default-r1's pool.
 *
 * balance_pgdat() reclaims a boost without writeback or swap (sc.may_writepage and
 * may_swap off) and from DEF_PRIORITY, and gives it up when a round reclaims nothing:
 * it takes clean page cache at the inactive file list's end, and once that is gone a
 * boosted pass frees nothing and ends.  In ten default recordings (whatif31b and 31e,
 * r1-r5) the boosted passes freed pages first and nearly all freed nothing later: in
 * eight the first idle pass came after 5,200 to 10,300 pages (the start captures held
 * 9,400 to 16,500 file LRU pages, one 44,000), in two after 424 pages; under
 * watermark_scale_factor=100 kswapd's first pass, to the higher watermarks, freed
 * 14,400 pages, and 30 of the 31 boosted passes after it freed nothing.  The pages that
 * joined the LRU during those traces are mostly the recorder's written folios, dirty or
 * under writeback.  So ours takes a boost from the start capture's LRU pages only (the
 * pool's front, in its LRU order) and gives it up once they are reclaimed.  A learned
 * share of passes that give up, the trace's own, did not carry over: the default
 * kernel's boosted passes freed nothing in about half the cases, the kernel's under
 * the higher watermarks in nine of ten (bench/README.md, thirty-third round).
 */
void sim_kswapd_work(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];
	int hzi = n->kswapd_hzi;

	if (s->now > n->budget_ts) {
		uint64_t rate = n->nr_boost_reclaim ? KSWAPD_BOOST_PAGES_PER_MS : KSWAPD_PAGES_PER_MS;
		uint64_t add = (s->now - n->budget_ts) / 1000000ULL * rate +
			       (s->now - n->budget_ts) % 1000000ULL * rate / 1000000ULL;

		n->budget = n->budget + (int64_t)(add > (1ULL << 30) ? 1ULL << 30 : add);
		n->budget_ts = s->now;
	}
	for (;;) {
		uint64_t got;

		if (!n->in_round) {
			bool balanced = sim_pgdat_balanced(s, node, n->reclaim_order, hzi);

			if (!balanced && n->nr_boost_reclaim) {
				/* balance_pgdat()'s restart: normal reclaim from DEF_PRIORITY */
				n->nr_boost_reclaim = 0;
				n->priority = DEF_PRIORITY;
			}
			/*
			 * Under the traced settings the traced kswapd's naps end ours
			 * (sim_kswapd_traced_sleep()), boost or not: while it still reclaims,
			 * the kernel's node was not balanced, whatever ours holds, and the
			 * kernel resets the skip bits and wakes kcompactd at that nap.  In
			 * whatif31b's defrag_mode_1-r1 ours ended at 358.908 s and the traced
			 * kswapd napped at 358.912 s; waiting for the naps takes that set's
			 * defrag_mode_1-r2 from 244 direct compactions to 165 (the kernel's:
			 * 126).
			 */
			if (sim_reclaim_as_traced(s) && n->reclaiming)
				return;
			if (!n->nr_boost_reclaim && balanced)
				break;
			if (n->budget <= 0)
				return;
			if (sim_reclaim_as_traced(s)) {
				/*
				 * The trace's frees are the reclaim, credited as they come.  With
				 * the traced kswapd asleep or napping there are none, and a boost
				 * our own fallbacks raised makes no progress: balance_pgdat()
				 * gives a boost up then ("if reclaim made no progress for a
				 * boost, stop"), and a balanced node goes to sleep: boosts
				 * cleared, skip bits reset, kcompactd woken.  Our fallbacks boost
				 * at other moments than the kernel's, and ours had waited for the
				 * traced kswapd's next nap, up to 70 ms: in default-r6 of
				 * whatif31b the kernel's boost woke its kswapd 5 ms after its
				 * DMA32 scanners met, its skip bits were reset and the third
				 * sync-light run succeeded; ours met 50 ms later, in a gap
				 * between the kernel's naps, and deferred DMA32 to 32 attempts.
				 */
				if (!balanced)
					return;
				boost_no_progress(s, n);
				break;
			}
			round_begin(s, node, balanced);
		}
		if (n->budget <= 0)
			return;
		/* a boost round takes the start's pages only */
		got = n->round_left ? shrink_one(s, node, hzi, sim_daemon_cpu(s, node, false),
						 n->round_boost ? s->lru.seeded : s->lru.n) : 0;
		if (got) {
			sim_reclaim_progress(s, node);	/* shrink_node(): reclaimable */
			s->reclaim_pool_pages += got;
			s->reclaim_ahead += got;
			reclaimed(s, node, got);
			n->round_reclaimed += got;
			n->round_left -= n->round_left < got ? n->round_left : got;
			if (n->round_left)
				continue;
		}
		/* kswapd_shrink_node() returns */
		n->in_round = false;
		if (n->round_boost && !n->round_reclaimed) {
			boost_no_progress(s, n);
			break;
		}
		if (!got && !n->round_boost && !n->reclaimed && s->lru.next >= s->lru.n) {
			/* nothing left to reclaim: the pass ends, balance_end() counts it */
			break;
		}
		/*
		 * raise_priority, unless the round scanned sc->nr_to_reclaim: the round's
		 * own, set before shrink_node() (a boost may have moved the high watermarks
		 * since)
		 */
		if (!n->round_boost && (n->round_target < n->round_want || !n->round_reclaimed))
			n->priority--;
		if (n->priority < 1)
			break;
	}
	balance_end(s, node);
}

/*
 * __alloc_pages_direct_reclaim() for a request the kernel served without reclaiming
 * (the trace shows no direct reclaim for it) that the simulator cannot serve: the
 * kernel had the memory, our placement or per-CPU lists left us short, and where the
 * kernel would reclaim, so do we, from the same pool as kswapd: one __perform_reclaim()
 * round of up to SWAP_CLUSTER_MAX pages in the zones the request may use, freed on its
 * CPU.  In the what-if recordings the simulator failed 2,000 order-0 requests of a
 * default run this way, the kernel none.  Returns whether the round made progress.
 */
bool sim_direct_reclaim(struct mf_sim *s, int node, int hzi, int cpu)
{
	uint64_t got = 0, g;

	while (got < SWAP_CLUSTER_MAX && (g = shrink_one(s, node, hzi, cpu, s->lru.n)))
		got += g;
	if (!got)
		return false;
	sim_reclaim_progress(s, node);
	s->direct_reclaim_pages += got;
	s->direct_reclaim_rounds++;
	s->reclaim_ahead += got;	/* the trace's later kswapd frees: done already */
	return true;
}
