// SPDX-License-Identifier: GPL-2.0
/*
 * The start of a replay: the observe model seeded from the start capture's kpageflags
 * (free blocks, pageblock types guessed from the pages in use), and the simulators of
 * --simulate made from that model or from a memory= layout (mf_sim_setup()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/common.h"
#include "mmfrag/sim-config.h"
#include "replay-local.h"

/* ---- seeding the model from kpageflags ------------------------------------------------ */

static void seed_block(void *priv, int zone, uint64_t pfn, int order)
{
	struct replay *rp = priv;

	if (!mf_model_seed_free(rp->m, pfn, order)) {
		rp->seeded_blocks++;
		rp->seeded_pages += 1ULL << order;
	}
}

/*
 * The compound page seed_page was walking ends: if it is a naturally aligned block, the
 * model notes it (the free scanner steps over it whole), and so do the simulators.
 */
static void close_folio(struct replay *rp)
{
	struct mf_sim_folio *f = &rp->open_folio;

	if (f->len >= 2 && !(f->len & (f->len - 1)) && !(f->pfn & (f->len - 1))) {
		mf_model_seed_compound(rp->m, f->pfn, __builtin_ctzll(f->len));
		if (!rp->movable) {
			f->len = 0;
			return;
		}
		if (rp->nr_folios == rp->cap_folios) {
			size_t cap = rp->cap_folios ? rp->cap_folios * 2 : 4096;
			struct mf_sim_folio *n = realloc(rp->folios, cap * sizeof(*n));

			if (!n) {
				f->len = 0;
				return;		/* the pages stay single frames: less exact, not wrong */
			}
			rp->folios = n;
			rp->cap_folios = cap;
		}
		rp->folios[rp->nr_folios++] = *f;
	}
	f->len = 0;
}

/*
 * Pages that cannot sit in a movable pageblock's normal use: slab, page tables, reserved
 * memory, and in-use pages that are neither on the LRU nor mapped.  They vote for their
 * pageblock being UNMOVABLE or RECLAIMABLE.
 */
static void seed_page(void *priv, uint64_t pfn, uint64_t flags)
{
	struct replay *rp = priv;
	const uint64_t movable = (1ULL << MF_KPF_LRU) | (1ULL << MF_KPF_MMAP) | (1ULL << MF_KPF_ANON) |
				 (1ULL << MF_KPF_BUDDY) | (1ULL << MF_KPF_NOPAGE);
	const uint64_t compound = (1ULL << MF_KPF_COMPOUND_HEAD) | (1ULL << MF_KPF_COMPOUND_TAIL) |
				  (1ULL << MF_KPF_HUGE) | (1ULL << MF_KPF_THP);
	uint64_t pb = pfn >> rp->seed_pbo;
	unsigned int unmov;

	/*
	 * The simulator's view of the pages in use: LRU pages are movable, compound pages
	 * (THP, large folios, hugetlb) are one block of their order.
	 */
	if (rp->movable && pfn < rp->nr_movable &&
	    (flags & (1ULL << MF_KPF_LRU)) && !(flags & compound))
		rp->movable[pfn / 64] |= 1ULL << (pfn % 64);
	/*
	 * What kswapd could reclaim: LRU pages, without swap only file ones (get_scan_count():
	 * SCAN_FILE when anon cannot be reclaimed; shmem is swap-backed); the active ones
	 * reach the inactive list's end after the inactive ones (shrink_active_list()).
	 */
	if (rp->reclaimable && pfn < rp->nr_movable &&
	    (flags & ((1ULL << MF_KPF_LRU) | (1ULL << MF_KPF_COMPOUND_TAIL))) ==
	    (1ULL << MF_KPF_LRU) &&
	    !(rp->no_swap && (flags & ((1ULL << MF_KPF_ANON) | (1ULL << MF_KPF_SWAPBACKED))))) {
		rp->reclaimable[pfn / 64] |= 1ULL << (pfn % 64);
		if (flags & (1ULL << MF_KPF_ACTIVE))
			rp->reclaim_active[pfn / 64] |= 1ULL << (pfn % 64);
	}
	if ((flags & (1ULL << MF_KPF_COMPOUND_TAIL)) && rp->open_folio.len &&
	    pfn == rp->open_folio.pfn + rp->open_folio.len) {
		rp->open_folio.len++;
	} else {
		close_folio(rp);
		if (flags & (1ULL << MF_KPF_COMPOUND_HEAD)) {
			rp->open_folio.pfn = pfn;
			rp->open_folio.len = 1;
			rp->open_folio.lru = flags & (1ULL << MF_KPF_LRU);
		}
	}
	if (pb >= rp->nr_pb)
		return;
	/* without a branch: neighbouring pages often alternate between the two kinds */
	unmov = !!(flags & ((1ULL << MF_KPF_SLAB) | (1ULL << MF_KPF_PGTABLE) |
			    (1ULL << MF_KPF_RESERVED))) | !(flags & movable);
	rp->pb_score[pb] += unmov & (rp->pb_score[pb] < UINT16_MAX);
	rp->pb_blank[pb] += !flags & (rp->pb_blank[pb] < UINT16_MAX);
}

/*
 * The pageblocks of a zone's span without a page: pagetypeinfo steps through the span
 * and counts only pageblocks whose first page is online (pfn_to_online_page()), and
 * kpageflags reads 0 for a pfn without one (x86's hole below 4 GiB: 512 pageblocks of
 * DMA32 on a machine with more than 3 GiB; offline memory: 10,112 of the 10,752 in
 * Normal of traces/pagecache-small).  A page in use can have no flag either (a per-CPU
 * list's, a driver's; whatif19's default-r5 has two such whole pageblocks in DMA32), so
 * the runs of pageblocks whose every page reads 0 are taken as the hole, longest first,
 * only when they add up exactly to the pageblocks pagetypeinfo leaves out (without
 * pagetypeinfo, to zoneinfo's spanned - present pages).
 */
struct blank_run {
	uint64_t	pfn, n;		/* first pfn, pageblocks */
};

static int cmp_run(const void *a, const void *b)
{
	const struct blank_run *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static void seed_absent(struct replay *rp, const struct mf_state *st)
{
	int pbo = mf_model_params(rp->m)->pageblock_order, z, t;
	uint64_t nr = 1ULL << pbo;

	for (z = 0; z < mf_model_nr_zones(rp->m); z++) {
		const struct mf_zone_desc *zd = mf_model_zone(rp->m, z);
		const struct mf_state_zone *sz = mf_state_zone_find(st, zd->node, zd->name);
		uint64_t span = zd->end_pfn - zd->start_pfn, want, sum = 0, counted = 0, pfn, k;
		uint64_t first = (zd->start_pfn + nr - 1) & ~(nr - 1);
		struct blank_run *run = NULL;
		size_t nr_runs = 0, cap = 0, i, used;

		if (zd->end_pfn <= zd->start_pfn)
			continue;
		if (sz && sz->has_pagetypeinfo) {
			/* the kernel's own count: pageblocks stepping from zone_start_pfn */
			for (t = 0; t < MF_MAX_MT && t < st->nr_mt; t++)
				counted += sz->blocks_mt[t];
			want = (span + nr - 1) / nr;
			if (counted >= want)
				continue;
			want -= counted;
		} else {
			if (zd->present >= span || (span - zd->present) % nr)
				continue;
			want = (span - zd->present) / nr;
		}
		for (pfn = first; pfn + nr <= zd->end_pfn && (pfn >> pbo) < rp->nr_pb; pfn += nr) {
			if (rp->pb_blank[pfn >> pbo] != nr)
				continue;
			if (nr_runs && run[nr_runs - 1].pfn + run[nr_runs - 1].n * nr == pfn) {
				run[nr_runs - 1].n++;
				continue;
			}
			if (nr_runs == cap) {
				struct blank_run *r = realloc(run, (cap = cap ? 2 * cap : 16) * sizeof(*r));

				if (!r) {
					free(run);
					return;		/* the span's count stays: less exact, not wrong */
				}
				run = r;
			}
			run[nr_runs++] = (struct blank_run){ .pfn = pfn, .n = 1 };
		}
		if (nr_runs)
			qsort(run, nr_runs, sizeof(*run), cmp_run);
		for (used = 0; used < nr_runs && sum + run[used].n <= want; used++)
			sum += run[used].n;
		if (sum == want)
			for (i = 0; i < used; i++)
				for (k = 0; k < run[i].n; k++)
					mf_model_set_pageblock_absent(rp->m, run[i].pfn + k * nr);
		free(run);
	}
}

struct pb_rank {
	uint64_t	pfn;
	uint16_t	score;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct pb_rank *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The free blocks of each pageblock of a zone, by order (seed_pageblock_types()). */
struct pb_hist {
	uint64_t	first;		/* the zone's first pageblock */
	uint64_t	nr;
	int		pbo, nr_orders;
	uint32_t	*n;		/* [pageblock * nr_orders + order] */
	bool		*any;		/* the pageblock holds a free block */
	bool		*tail;		/* ... one above pageblock_order that began before it */
};

static void hist_block(void *priv, uint64_t pfn, int order, int mt, bool pcp)
{
	struct pb_hist *h = priv;
	uint64_t pb = (pfn >> h->pbo) - h->first, k;

	(void)mt;
	if (pcp || pb >= h->nr || order >= h->nr_orders)
		return;
	h->n[pb * h->nr_orders + order]++;
	/* a block above pageblock_order covers whole pageblocks, all of one type */
	for (k = 0; k < (order > h->pbo ? 1ULL << (order - h->pbo) : 1) && pb + k < h->nr; k++) {
		h->any[pb + k] = true;
		h->tail[pb + k] = k > 0;
	}
}

/*
 * kpageflags has no migratetype.  pagetypeinfo counts, per zone, the pageblocks of each
 * type and the free blocks of each order on each type's lists; the type of a pageblock
 * decides the list its free blocks sit on (v6.10+), and so which of them
 * __rmqueue_smallest() and fast_isolate_freepages() can take.  So the zone's non-movable
 * pageblocks go first to pageblocks holding free blocks, in the order of their
 * unmovable-looking pages, each only while its free blocks fit in what pagetypeinfo still
 * lists for that type at every order; then the rest of each type's count to the pageblocks
 * with the most unmovable-looking pages and no free block; everything else is MOVABLE (as
 * memmap_init starts them).  Without the first step the free blocks of non-movable
 * pageblocks landed on the Movable lists whenever those pageblocks were not the
 * slab-fullest.  Events then correct what is left: every zone_locked and pcpu_drain tells
 * the true type of the block it touches.
 */
static void seed_pageblock_types(struct replay *rp, const struct mf_state *st)
{
	int pbo = mf_model_params(rp->m)->pageblock_order, z;
	int nr_orders = mf_model_params(rp->m)->max_order + 1;

	for (z = 0; z < mf_model_nr_zones(rp->m); z++) {
		const struct mf_zone_desc *zd = mf_model_zone(rp->m, z);
		const struct mf_state_zone *sz = mf_state_zone_find(st, zd->node, zd->name);
		struct pb_hist h = { .pbo = pbo, .nr_orders = nr_orders };
		uint64_t left[MF_MAX_ORDERS], n = 0, pfn, i, quota;
		struct pb_rank *rank;
		int8_t *type;
		int t, o, pass;

		if (!sz || !sz->has_pagetypeinfo || zd->end_pfn <= zd->start_pfn)
			continue;
		h.first = zd->start_pfn >> pbo;
		h.nr = ((zd->end_pfn - 1) >> pbo) - h.first + 1;
		rank = calloc(h.nr, sizeof(*rank));
		type = malloc(h.nr);
		h.n = calloc(h.nr * (uint64_t)nr_orders, sizeof(*h.n));
		h.any = calloc(h.nr, sizeof(*h.any));
		h.tail = calloc(h.nr, sizeof(*h.tail));
		if (!rank || !type || !h.n || !h.any || !h.tail) {
			free(rank);
			free(type);
			free(h.n);
			free(h.any);
			free(h.tail);
			return;		/* the model keeps its types: less exact, not wrong */
		}
		mf_model_for_each_block(rp->m, z, hist_block, &h);
		for (pfn = zd->start_pfn; pfn < zd->end_pfn; pfn += 1ULL << pbo) {
			uint64_t pb = pfn >> pbo;

			type[pb - h.first] = -1;
			if (mf_model_pageblock_absent(rp->m, pfn))
				continue;	/* no page: no type pagetypeinfo counts */
			rank[n].pfn = pfn;
			rank[n].score = pb < rp->nr_pb ? rp->pb_score[pb] : 0;
			n++;
		}
		qsort(rank, n, sizeof(*rank), cmp_rank);
		for (t = 0; t < MF_MAX_MT && t < st->nr_mt; t++) {
			if (t == MF_MT_MOVABLE || t == MF_MT_ISOLATE)
				continue;
			for (o = 0; o < nr_orders; o++)
				left[o] = sz->free_mt_capped[o][t] ? UINT64_MAX : sz->free_mt[o][t];
			quota = sz->blocks_mt[t];
			for (pass = 0; pass < 2; pass++) {
				for (i = 0; i < n && quota; i++) {
					uint64_t pb = (rank[i].pfn >> pbo) - h.first;
					const uint32_t *c = &h.n[pb * nr_orders];

					uint64_t span = 1, k;

					/*
					 * The later pageblocks of a free block above
					 * pageblock_order take its first one's type: they
					 * hold no free block of their own to count.
					 */
					if (type[pb] >= 0 || h.tail[pb] || h.any[pb] != (pass == 0))
						continue;
					for (o = 0; o < nr_orders && c[o] <= left[o]; o++)
						if (c[o] && o > pbo)
							span = 1ULL << (o - pbo);
					if (o < nr_orders || span > quota)
						continue;	/* more free blocks than the type has */
					for (o = 0; o < nr_orders; o++)
						left[o] -= c[o];
					for (k = 0; k < span && pb + k < h.nr; k++)
						type[pb + k] = (int8_t)t;
					quota -= span;
				}
			}
		}
		for (i = 0; i < n; i++) {
			uint64_t pb = (rank[i].pfn >> pbo) - h.first;

			if (type[pb] >= 0)
				mf_model_retype_pageblock(rp->m, rank[i].pfn, type[pb]);
		}
		free(rank);
		free(type);
		free(h.n);
		free(h.any);
		free(h.tail);
	}
}

/*
 * The model's free blocks from st's kpageflags, and with TYPES its pageblock types from
 * the counts of pagetypeinfo (a reset keeps what the events have taught it instead):
 * 0, -ENOENT without kpageflags (the model is then left empty), or -errno with @err.
 * Compound pages are noted for the simulators only when rp->movable is wanted (the start).
 */
static int seed_scan(struct replay *rp, const struct mf_state *st, bool types, bool folios,
		     char *err, size_t errlen)
{
	const struct mf_model_params *p = mf_model_params(rp->m);
	uint64_t maxpfn = 0;
	int z, ret;

	for (z = 0; z < mf_model_nr_zones(rp->m); z++)
		if (mf_model_zone(rp->m, z)->end_pfn > maxpfn)
			maxpfn = mf_model_zone(rp->m, z)->end_pfn;
	rp->nr_pb = (maxpfn >> p->pageblock_order) + 1;
	free(rp->pb_score);
	free(rp->pb_blank);
	rp->pb_score = calloc(rp->nr_pb, sizeof(*rp->pb_score));
	rp->pb_blank = calloc(rp->nr_pb, sizeof(*rp->pb_blank));
	if (!rp->pb_score || !rp->pb_blank) {
		free(rp->pb_score);
		free(rp->pb_blank);
		rp->pb_score = rp->pb_blank = NULL;
		snprintf(err, errlen, "%s: %s", st->dir, strerror(ENOMEM));
		return -ENOMEM;
	}
	if (folios) {
		int64_t swap_kb;

		free(rp->movable);
		free(rp->reclaimable);
		free(rp->reclaim_active);
		rp->nr_movable = maxpfn;
		rp->movable = calloc(maxpfn / 64 + 1, sizeof(*rp->movable));
		rp->reclaimable = calloc(maxpfn / 64 + 1, sizeof(*rp->reclaimable));
		rp->reclaim_active = calloc(maxpfn / 64 + 1, sizeof(*rp->reclaim_active));
		/* a capture without meminfo: swap assumed, every inactive LRU page counts */
		rp->no_swap = *st->dir && !mf_state_meminfo_read(st->dir, "SwapTotal", &swap_kb) &&
			      !swap_kb;
		if (!rp->movable || !rp->reclaimable || !rp->reclaim_active) {
			free(rp->movable);
			free(rp->reclaimable);
			free(rp->reclaim_active);
			rp->movable = rp->reclaimable = rp->reclaim_active = NULL;
			free(rp->pb_score);
			free(rp->pb_blank);
			rp->pb_score = rp->pb_blank = NULL;
			snprintf(err, errlen, "%s: %s", st->dir, strerror(ENOMEM));
			return -ENOMEM;
		}
	}
	rp->seeded_blocks = rp->seeded_pages = 0;
	rp->seed_pbo = p->pageblock_order;
	mf_model_clear(rp->m);
	ret = mf_state_kpageflags_scan(st, p->max_order, seed_block, seed_page, rp, err, errlen);
	if (!ret && types) {
		seed_absent(rp, st);
		seed_pageblock_types(rp, st);
	}
	close_folio(rp);
	free(rp->pb_score);
	free(rp->pb_blank);
	rp->pb_score = rp->pb_blank = NULL;
	return ret;
}

/*
 * The model reset to capture c's kpageflags: the start capture, and with --reanchor every
 * later capture that has kpageflags.  Only the start's seed feeds the simulators and the
 * result's seeded_blocks; a later one leaves the simulations as they are, and keeps the
 * pageblock types the events have told the model since (better than a guess from counts).
 */
int replay_seed_from_capture(struct replay *rp, const struct capture *c)
{
	bool first = c == &rp->start;
	char err[512];
	int ret;

	ret = seed_scan(rp, c->st, first, first && rp->o->nr_configs, err, sizeof(err));
	if (ret == -ENOENT) {
		replay_warnf(rp->r, "%s: no kpageflags: free block positions unknown, the model starts "
			     "with no free memory", c->dir);
	} else if (ret) {
		replay_errf(rp, "%s", err);
		return -1;
	}
	if (first) {
		rp->r->seeded_blocks = rp->seeded_blocks;
		rp->r->seeded_pages = rp->seeded_pages;
	}
	return 0;
}

struct mf_model *mf_replay_model_new(const struct mf_state *st, int nr_cpus, char *err,
				     size_t errlen)
{
	struct mf_zone_desc zd[MF_MAX_ZONES];
	struct mf_model_params p;
	struct mf_model *m;
	int nz = replay_zone_desc_from_state(st, zd);

	if (!nz) {
		snprintf(err, errlen, "%s/zoneinfo: no zone spans: cannot lay out the model", st->dir);
		return NULL;
	}
	/* as setup() in replay.c does for a start capture */
	mf_model_params_default(&p);
	if (st->nr_zones && st->zones[0].nr_orders > 1)
		p.max_order = st->zones[0].nr_orders - 1;
	if (st->pageblock_order > 0)
		p.pageblock_order = st->pageblock_order;
	if (p.pageblock_order > p.max_order)
		p.pageblock_order = p.max_order;
	p.pcp_high_order = COMPACTION_HPAGE_ORDER <= p.max_order ? COMPACTION_HPAGE_ORDER : -1;
	p.nr_cpus = nr_cpus > 0 ? nr_cpus : 1;
	m = mf_model_new(&p, zd, nz);
	if (!m)
		snprintf(err, errlen, "cannot set up the model: %s", strerror(ENOMEM));
	return m;
}

int mf_replay_seed_model(struct mf_model *m, const struct mf_state *st, uint64_t *blocks,
			 char *err, size_t errlen)
{
	struct mf_replay_opts o = { 0 };
	struct replay rp = { .o = &o, .m = m };
	int ret = seed_scan(&rp, st, true, false, err, errlen);

	if (blocks)
		*blocks = rp.seeded_blocks;
	return ret;
}

static int sim_cpus(const struct replay *rp)
{
	int n = mf_reader_info(rp->rd)->nr_cpus;

	return n > 0 ? n : 1;
}

/* What seed_page gathered for the simulators: needed only until they are made. */
static void free_seed_scratch(struct replay *rp)
{
	free(rp->movable);
	rp->movable = NULL;
	free(rp->reclaimable);
	free(rp->reclaim_active);
	rp->reclaimable = rp->reclaim_active = NULL;
	free(rp->folios);
	rp->folios = NULL;
	rp->nr_folios = rp->cap_folios = 0;
}

/*
 * zoneinfo's watermarks (boost included), boost and per-CPU pageset highs of the start
 * capture, per model zone (0: the simulator computes)
 */
static void start_wmarks(const struct replay *rp, struct mf_zone_wmarks *wm)
{
	const struct mf_state *st = rp->start.st;
	int nz = mf_model_nr_zones(rp->m), z;

	for (z = 0; z < nz; z++) {
		const struct mf_zone_desc *d = mf_model_zone(rp->m, z);
		const struct mf_state_zone *sz = st ? mf_state_zone_find(st, d->node, d->name) : NULL;

		memset(&wm[z], 0, sizeof(wm[z]));
		if (!sz)
			continue;
		wm[z].wmark[0] = sz->wmark_min;
		wm[z].wmark[1] = sz->wmark_low;
		wm[z].wmark[2] = sz->wmark_high;
		wm[z].boost = sz->boost;
		wm[z].node_unreclaimable = sz->node_unreclaimable;
		if (sz->has_pcp) {
			int c, n = sz->nr_pcp_cpus;

			n = n < MF_STATE_PCP_CPUS ? n : MF_STATE_PCP_CPUS;
			for (c = 0; c < n; c++) {
				wm[z].pcp_high[c] = sz->pcp[c].high;
				wm[z].pcp_count[c] = sz->pcp[c].count;
			}
			wm[z].nr_pcp_high = n;
		}
	}
}

/* pagetypeinfo's free blocks per order and type, per model zone */
static void start_free_mt(const struct replay *rp, struct mf_zone_free_mt *fm)
{
	const struct mf_state *st = rp->start.st;
	int nz = mf_model_nr_zones(rp->m), z;

	for (z = 0; z < nz; z++) {
		const struct mf_zone_desc *d = mf_model_zone(rp->m, z);
		const struct mf_state_zone *sz = st && st->has_pagetypeinfo ?
						 mf_state_zone_find(st, d->node, d->name) : NULL;

		memset(&fm[z], 0, sizeof(fm[z]));
		if (sz && sz->has_pagetypeinfo) {
			fm[z].known = true;
			memcpy(fm[z].n, sz->free_mt, sizeof(fm[z].n));
		}
	}
}

/*
 * pgmigrate_fail's share of the migrations between the start and check captures, in ppm;
 * -1 without both vmstat files.
 */
static int64_t migrate_fail_ppm(const struct replay *rp)
{
	int64_t s0, f0, s1, f1;

	if (!rp->start.dir || !rp->check.dir ||
	    mf_state_vmstat_read(rp->start.dir, "pgmigrate_success", &s0) ||
	    mf_state_vmstat_read(rp->start.dir, "pgmigrate_fail", &f0) ||
	    mf_state_vmstat_read(rp->check.dir, "pgmigrate_success", &s1) ||
	    mf_state_vmstat_read(rp->check.dir, "pgmigrate_fail", &f1) ||
	    s1 < s0 || f1 < f0 || s1 - s0 + f1 - f0 <= 0)
		return -1;
	return (f1 - f0) * 1000000 / (s1 - s0 + f1 - f0);
}

static int start_setting(void *priv, const char *key, char *val, size_t len)
{
	return mf_state_sysctl_read(priv, key, val, len);
}

/*
 * The workload's view of the kernel's free lists (fast_find_migrateblock()'s MOVABLE
 * lists): the replay's model of them, which follows the trace.
 */
static uint64_t kernel_lists(void *priv, uint64_t from, uint64_t to, int min_order, int max_order)
{
	const struct replay *rp = priv;

	if (!rp->m)	/* no model: it may have jumped as far as it could reach */
		return to > from ? to - 1 : MF_PFN_NONE;
	return mf_model_last_free_block(rp->m, from, to, min_order, max_order, MF_MT_MOVABLE);
}

int replay_make_sims(struct replay *rp, uint64_t ts)
{
	const struct mf_replay_opts *o = rp->o;
	struct mf_sim_traced t = { .max_order = rp->r->params.max_order,
				   .pageblock_order = rp->r->params.pageblock_order };
	struct mf_zone_wmarks wm[MF_MAX_ZONES];
	struct mf_zone_free_mt fm[MF_MAX_ZONES];
	struct mf_sim_start_state start = {
		.m = rp->m, .wmarks = wm, .free_mt = fm, .movable = rp->movable, .nr_movable = rp->nr_movable,
		.reclaimable = rp->reclaimable, .reclaim_active = rp->reclaim_active,
		.no_swap = rp->no_swap,
		.folios = rp->folios, .nr_folios = rp->nr_folios,
	};
	int i;

	rp->sims = calloc((size_t)o->nr_configs, sizeof(*rp->sims));
	rp->sims_from = calloc((size_t)o->nr_configs, sizeof(*rp->sims_from));
	rp->wl = mf_workload_new();
	if (!rp->sims || !rp->sims_from || !rp->wl)
		goto nomem;
	mf_workload_kernel_lists(rp->wl, kernel_lists, rp);
	start_wmarks(rp, wm);
	start_free_mt(rp, fm);
	for (i = 0; i < o->nr_configs; i++) {
		struct mf_sim_config cfg = o->configs[i], *c = &cfg;
		char err[256];
		struct mf_sim *s;

		/* default = the traced kernel: its settings where the config gives none */
		if (rp->start.st && !c->memory &&
		    mf_sim_config_traced(c, start_setting, (void *)rp->start.dir, err,
					 sizeof(err)) < 0) {
			replay_errf(rp, "%s: --simulate: config '%s': %s", o->trace, c->name, err);
			return -1;
		}

		if (!c->memory && (!rp->start.st || !rp->seeded_blocks)) {
			replay_errf(rp, "%s: --simulate: config '%s': %s; give it memory=SIZE", o->trace, c->name,
			       rp->start.st ? "the start capture has no kpageflags" :
					      "no start capture (FILE.state/start or --from-state)");
			return -1;
		}
		s = mf_sim_setup(c, &t, &start, sim_cpus(rp), &rp->sims_from[i]);
		if (!s) {
			replay_errf(rp, "%s: --simulate: config '%s': %s", o->trace, c->name,
			       errno == EINVAL ? "the layout does not fit the config" : strerror(errno));
			return -1;
		}
		mf_sim_start(s, ts);
		mf_sim_traced_events(s, mf_reader_event_types(rp->rd));
		if (migrate_fail_ppm(rp) >= 0)
			mf_sim_migration_prior(s, (uint64_t)migrate_fail_ppm(rp));
		rp->sims[rp->nr_sims++] = s;
	}
	free_seed_scratch(rp);
	return 0;
nomem:
	replay_errf(rp, "%s: %s", o->trace, strerror(ENOMEM));
	return -1;
}

void replay_free_sims(struct replay *rp)
{
	int i;

	for (i = 0; i < rp->nr_sims; i++)
		mf_sim_free_all(rp->sims[i]);
	free(rp->sims);
	free(rp->sims_from);
	mf_workload_free(rp->wl);
	free_seed_scratch(rp);
	rp->sims = NULL;
	rp->sims_from = NULL;
	rp->wl = NULL;
	rp->nr_sims = 0;
}
