// SPDX-License-Identifier: GPL-2.0
/*
 * Building and inspecting a simulated machine (mm/mm_init.c and mm/page_alloc.c:
 * setup_per_zone_wmarks(), setup_per_zone_lowmem_reserve(), zone_pcp_init()): zones
 * sized from the traced kernel or the config, seeding from a capture, the start of a
 * replay, the results, and a consistency check of every list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

#define HPAGE_PMD_ORDER	9

/* sysctl_lowmem_reserve_ratio[] by zone type (DMA, DMA32, Normal, Movable, Device) */
static const uint64_t lowmem_ratio[NR_ZONE_TYPES] = { 256, 256, 32, 0, 0 };

/* ---- set-up ----------------------------------------------------------------------------- */

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, b = 1ULL << 62;

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

/*
 * __setup_per_zone_wmarks(), with min_free_kbytes from calculate_min_free_kbytes() and
 * khugepaged's set_recommended_min_free_kbytes() unless the config sets it.
 */
static void setup_wmarks(struct mf_sim *s, bool keep)
{
	uint64_t lowmem = 0, min_kb, pages_min;
	int i, nz = 0;

	if (keep)
		return;
	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].type < 3) {
			lowmem += s->z[i].d.managed;
			if (s->z[i].d.managed)
				nz++;
		}
	if (s->c.min_free_kbytes != MF_SIM_KEEP) {
		min_kb = (uint64_t)s->c.min_free_kbytes;
	} else if (s->c.traced.min_free_kbytes >= 0 && s->pbo == s->traced_pbo) {
		/* writing another sysctl leaves min_free_kbytes as it was */
		min_kb = (uint64_t)s->c.traced.min_free_kbytes;
	} else {
		uint64_t rec = pageblock_nr_pages(s) * (uint64_t)nz * 2 +
			       pageblock_nr_pages(s) * (uint64_t)nz * MF_MT_PCPTYPES * MF_MT_PCPTYPES;

		min_kb = int_sqrt(lowmem * 4 * 16);
		if (min_kb < 128)
			min_kb = 128;
		if (min_kb > 262144)
			min_kb = 262144;
		if (rec > lowmem / 20)
			rec = lowmem / 20;
		if (rec * 4 > min_kb)
			min_kb = rec * 4;
	}
	pages_min = min_kb / 4;
	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];
		uint64_t tmp = lowmem ? pages_min * z->d.managed / lowmem : 0, dist;
		int wsf = s->c.watermark_scale_factor != MF_SIM_KEEP ? s->c.watermark_scale_factor :
			  s->c.traced.watermark_scale_factor > 0 ?
			  s->c.traced.watermark_scale_factor : 10;

		z->wmark[WMARK_MIN] = tmp;
		if (z->type >= 3) {	/* ZONE_MOVABLE: a small min, the gaps still proportional */
			uint64_t min_pages = z->d.managed / 1024;

			z->wmark[WMARK_MIN] = min_pages < 32 ? 32 : min_pages > 128 ? 128 : min_pages;
		}
		dist = tmp / 4;
		if (z->d.managed * (uint64_t)wsf / 10000 > dist)
			dist = z->d.managed * (uint64_t)wsf / 10000;
		z->wmark[WMARK_LOW] = z->wmark[WMARK_MIN] + dist;
		z->wmark[WMARK_HIGH] = z->wmark[WMARK_MIN] + 2 * dist;
		z->boost = 0;
	}
}

/* setup_per_zone_lowmem_reserve() */
static void setup_lowmem_reserve(struct mf_sim *s)
{
	int i, j, k;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		for (j = 0; j < NR_ZONE_TYPES; j++) {
			uint64_t sum = 0;

			z->lowmem_reserve[j] = 0;
			if (j <= z->type || !lowmem_ratio[z->type])
				continue;
			for (k = 0; k < s->nr_zones; k++)
				if (s->z[k].d.node == z->d.node && s->z[k].type > z->type &&
				    s->z[k].type <= j)
					sum += s->z[k].d.managed;
			z->lowmem_reserve[j] = sum / lowmem_ratio[z->type];
		}
	}
}

/* zone_batchsize(), zone_highsize(): pcp sizes of a zone on a machine of nr_cpus */
static void setup_pcp(struct mf_sim *s, struct szone *z)
{
	uint64_t batch = z->d.managed >> 12, hmin, hmax;
	int c;

	if (batch > 64)
		batch = 64;
	if (batch < 1)
		batch = 1;
	else {
		uint64_t b = batch + batch / 2, p = 1;

		while (p * 2 <= b)
			p *= 2;
		batch = p - 1 ? p - 1 : 1;
	}
	/*
	 * zone_set_pageset_high_and_batch(): with percpu_pagelist_high_fraction the high
	 * is the zone's pages / fraction, split over the CPUs, and not auto-tuned
	 * (high_min = high_max); else it moves between low_wmark / CPUs and managed / 8
	 * (MIN_PERCPU_PAGELIST_HIGH_FRACTION) / CPUs.
	 */
	if (s->c.percpu_pagelist_high_fraction > 0) {
		hmin = z->d.managed / (uint64_t)s->c.percpu_pagelist_high_fraction /
		       (uint64_t)s->nr_cpus;
		if (hmin < 4 * batch)
			hmin = 4 * batch;
		hmax = hmin;
	} else {
		hmin = wmark_pages(z, WMARK_LOW) / (uint64_t)s->nr_cpus;
		if (hmin < 4 * batch)
			hmin = 4 * batch;
		hmax = z->d.managed / 8 / (uint64_t)s->nr_cpus;
		if (hmax < 4 * batch)
			hmax = 4 * batch;
	}
	for (c = 0; c < s->nr_cpus; c++) {
		struct pcp *p = &z->pcp[c];
		uint64_t h = c < z->nr_start_high && z->start_high[c] ? z->start_high[c] : hmin;

		/*
		 * The auto-tuned high is state: where the capture shows it (the first what-if
		 * recordings began with Normal's at 44,944 and 30,520 pages, high_min 10,081),
		 * each CPU starts there, inside this config's bounds.
		 */
		p->batch = (int)batch;
		p->high_min = (int)hmin;
		p->high_max = (int)hmax;
		p->high = (int)(h < hmin ? hmin : h > hmax ? hmax : h);
		p->held = c < z->nr_start_high ? (int)z->start_count[c] : 0;
	}
}

struct mf_sim *mf_sim_new(const struct mf_sim_config *c, const struct mf_sim_traced *tr,
			  const struct mf_sim_zone_desc *zones, int nr_zones, int nr_cpus)
{
	struct mf_sim *s;
	uint64_t p, end = 0;
	int i, o, t, k;

	if (nr_zones < 1 || nr_zones > MF_MAX_ZONES || nr_cpus < 1) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->c = *c;
	/* the draws' generator (sim_rand()); seed 0 is the state every release started from */
	s->rng = (uint64_t)c->seed * SIM_SEED_MIX;
	s->max_order = c->max_order == MF_SIM_KEEP ? tr->max_order : c->max_order;
	s->pbo = c->pageblock_order == MF_SIM_KEEP ? tr->pageblock_order : c->pageblock_order;
	s->traced_pbo = tr->pageblock_order;
	if (s->pbo > s->max_order)
		s->pbo = s->max_order;
	s->pcp_thp_order = HPAGE_PMD_ORDER <= s->max_order ? HPAGE_PMD_ORDER : -1;
	s->nr_cpus = nr_cpus;
	s->nr_zones = nr_zones;
	s->capc = NULL;
	for (i = 0; i < nr_zones; i++) {
		struct szone *z = &s->z[i];

		z->d = zones[i].d;
		z->type = zones[i].type;
		z->idx = i;
		/*
		 * zoneinfo_show_print() prints min_wmark_pages() etc., _watermark[] plus
		 * watermark_boost: the base is what is left without the boost, and the zone
		 * starts boosted as the kernel's was (kswapd clears it when it balances).
		 */
		for (o = 0; o < 3; o++)
			z->wmark[o] = zones[i].wmark[o] > zones[i].boost ?
				      zones[i].wmark[o] - zones[i].boost : 0;
		z->boost = zones[i].wmark[WMARK_HIGH] ? zones[i].boost : 0;
		z->nr_start_high = zones[i].nr_pcp_high < MF_MAX_PCP_CPUS ? zones[i].nr_pcp_high :
				   MF_MAX_PCP_CPUS;
		memcpy(z->start_high, zones[i].pcp_high, sizeof(z->start_high));
		memcpy(z->start_count, zones[i].pcp_count, sizeof(z->start_count));
		if (z->d.end_pfn > end)
			end = z->d.end_pfn;
		for (o = 0; o < MF_MAX_ORDERS; o++)
			for (t = 0; t < MF_MAX_MT; t++)
				z->fl[o][t].head = z->fl[o][t].tail = NIL;
		z->pcp = calloc((size_t)nr_cpus, sizeof(*z->pcp));
		if (!z->pcp)
			goto fail;
		for (k = 0; k < nr_cpus; k++)
			for (o = 0; o < NR_PCP_LISTS; o++)
				z->pcp[k].lists[o].head = z->pcp[k].lists[o].tail = NIL;
		z->order_failed = 0;
	}
	/* one spare pageblock past the end keeps every pageblock lookup in bounds */
	end = (end + pageblock_nr_pages(s)) & ~(pageblock_nr_pages(s) - 1);
	if (end >= OWNER_PENDING) {
		errno = EINVAL;
		goto fail;
	}
	s->nr_pfns = end;
	s->st = malloc(end);
	s->lnk = malloc(end * sizeof(*s->lnk));
	s->prv = malloc(end * sizeof(*s->prv));
	s->pb = malloc((end >> s->pbo) + 1);
	if (!s->st || !s->lnk || !s->prv || !s->pb || sim_t2s_reserve(s, end))
		goto fail;
	memset(s->pb, MF_MT_MOVABLE, (end >> s->pbo) + 1);
	/* every frame in use by the past, known to the kernel at the same pfn */
	for (p = 0; p < end; p++) {
		s->st[p] = ST_USED;
		s->lnk[p] = (uint32_t)p;
		s->t2s[p] = (uint32_t)p;
	}
	for (o = 0; o < MF_MAX_ORDERS; o++)
		s->pend_fifo[o].head = s->pend_fifo[o].tail = NIL;
	s->pend_free = NIL;
	for (i = 0; i < MAX_NODES; i++) {
		s->node[i].kswapd_order = -1;
		s->node[i].kcd_cpu = s->node[i].kswapd_cpu = -1;
		s->node[i].kcd_hzi = NR_ZONE_TYPES - 1;
	}
	/*
	 * A node the kernel had given up on (kswapd_test_hopeless()) stays so until reclaim
	 * makes progress: wakeup_kswapd() returns silently, and allocations dip below the
	 * low watermark without kswapd.  A quarter of the what-if recordings start so.
	 */
	for (i = 0; i < nr_zones; i++) {
		int nd = zones[i].d.node;

		if (zones[i].node_unreclaimable && nd >= 0 && nd < MAX_NODES) {
			s->node[nd].kswapd_failures = MAX_RECLAIM_RETRIES;
			s->started_hopeless = true;
		}
	}
	return s;
fail:
	mf_sim_free_all(s);
	return NULL;
}

void mf_sim_free_all(struct mf_sim *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->nr_zones; i++)
		free(s->z[i].pcp);
	free(s->st);
	free(s->lnk);
	free(s->prv);
	free(s->pb);
	free(s->t2s);
	free(s->rclm);
	free(s->rclm_active);
	free(s->fdirty);
	free(s->fwrite);
	free(s->dirty.tpfn);
	free(s->dirty.ts);
	free(s->dirty.order);
	free(s->pend);
	free(s->lru.tpfn);
	free(s->lru.order);
	free(s);
}

void mf_sim_seed_pageblock(struct mf_sim *s, uint64_t pfn, int order, int mt)
{
	uint64_t end = pfn + (1ULL << order), p;

	if (mt < 0 || mt >= MF_MAX_MT)
		return;
	for (p = pfn; p < end && p < s->nr_pfns; p += pageblock_nr_pages(s)) {
		uint8_t *b = &s->pb[p >> s->pbo];

		if (mt != MF_MT_MOVABLE || (*b & PB_MT) == MF_MT_MOVABLE)
			*b = (uint8_t)((*b & ~PB_MT) | mt);
	}
}

void mf_sim_seed_pageblock_absent(struct mf_sim *s, uint64_t pfn, int order)
{
	uint64_t end = pfn + (1ULL << order), p;

	/* a larger pageblock of ours may hold pages: counted */
	for (p = pfn; p + pageblock_nr_pages(s) <= end && p < s->nr_pfns; p += pageblock_nr_pages(s))
		s->pb[p >> s->pbo] |= PB_ABSENT;
}

int mf_sim_seed_free(struct mf_sim *s, uint64_t pfn, int order)
{
	struct szone *z = sim_zone_of(s, pfn);
	uint64_t end = pfn + (1ULL << order), p;
	int o;

	if (!z || end > z->d.end_pfn)
		return -EINVAL;
	for (p = pfn; p < end; p++)
		if (s->t2s[p] == p)
			s->t2s[p] = NIL;
	/* as memblock_free_pages(): list tails, in pfn order, at most max order each */
	for (p = pfn; p < end; p += 1ULL << o) {
		o = order > s->max_order ? s->max_order : order;
		while (o > 0 && (p & ((1ULL << o) - 1)))
			o--;
		if (o > s->pbo) {
			uint64_t q;
			int mt = pb_mt(s, p);

			for (q = p; q < p + (1ULL << o); q += pageblock_nr_pages(s))
				if (pb_mt(s, q) != mt)
					break;
			if (q < p + (1ULL << o))
				o = s->pbo;
		}
		/* merge as the kernel would have: our max order may be above the capture's */
		memset(&s->st[p], 0, 1ULL << o);
		sim_free_one_page_core(s, z, p, o, pb_mt(s, p), true);
	}
	return 0;
}

void mf_sim_seed_movable(struct mf_sim *s, uint64_t pfn)
{
	if (pfn < s->nr_pfns && st_kind(s->st[pfn]) == ST_USED && !st_order(s->st[pfn]))
		s->st[pfn] |= ST_MOVABLE;
}

int mf_sim_seed_reclaimable(struct mf_sim *s, const uint64_t *bits, const uint64_t *active,
			    uint64_t nr, bool no_swap)
{
	uint64_t pfn;

	s->no_swap = no_swap;
	if (!bits)
		return 0;
	s->rclm_seeded = true;
	if (nr > s->nr_t2s)
		nr = s->nr_t2s;
	for (pfn = 0; pfn < nr; pfn++)
		if (bits[pfn / 64] & (1ULL << (pfn % 64)))
			sim_tbit_set(s, s->rclm, pfn, true);
	if (!active)
		return 0;
	/* until sim_lru_seed() orders the pool */
	s->rclm_active = calloc(s->nr_t2s / 64 + 1, sizeof(*s->rclm_active));
	if (!s->rclm_active)
		return -ENOMEM;
	memcpy(s->rclm_active, active, (nr / 64 + (nr % 64 != 0)) * sizeof(*active));
	return 0;
}

int mf_sim_seed_used(struct mf_sim *s, uint64_t pfn, int order, bool movable)
{
	uint64_t p, end = pfn + (1ULL << order);

	if (order > s->max_order || end > s->nr_pfns || (pfn & ((1ULL << order) - 1)))
		return -EINVAL;
	for (p = pfn; p < end; p++)
		if ((s->st[p] & ~ST_MOVABLE) != ST_USED || s->t2s[p] != p)
			return -EINVAL;
	sim_set_used(s, pfn, order, movable, (uint32_t)pfn);
	return 0;
}

void mf_sim_seed_all_free(struct mf_sim *s)
{
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];
		uint64_t p;

		for (p = z->d.start_pfn; p < z->d.end_pfn; p++) {
			s->t2s[p] = NIL;
			s->lnk[p] = NIL;
		}
		for (p = z->d.start_pfn; p < z->d.end_pfn;) {
			int o = s->max_order;

			while (o > 0 && ((p & ((1ULL << o) - 1)) || p + (1ULL << o) > z->d.end_pfn))
				o--;
			memset(&s->st[p], 0, 1ULL << o);
			sim_add_free(s, z, p, o, pb_mt(s, p), true);
			p += 1ULL << o;
		}
	}
}

void mf_sim_start(struct mf_sim *s, uint64_t ts)
{
	/* khugepaged's recommended min_free_kbytes follows the pageblock size */
	bool keep = s->c.min_free_kbytes == MF_SIM_KEEP &&
		    s->c.watermark_scale_factor == MF_SIM_KEEP && s->pbo == s->traced_pbo;
	uint64_t usable = 0;
	int i, nd;

	for (i = 0; i < s->nr_zones; i++)
		if (!s->z[i].wmark[WMARK_HIGH] && s->z[i].d.managed)
			keep = false;
	setup_wmarks(s, keep);
	/* a kernel that never boosts had no boost at the capture either */
	for (i = 0; !s->c.watermark_boost_factor && i < s->nr_zones; i++)
		s->z[i].boost = 0;
	/* a boost at the capture was raised with ZONE_BOOSTED_WATERMARK: kswapd is due */
	for (i = 0; i < s->nr_zones; i++)
		s->z[i].boosted = s->z[i].boost > 0;
	setup_lowmem_reserve(s);
	s->totalreserve = 0;
	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];
		uint64_t max = 0;
		int j;

		/* calculate_totalreserve_pages(): the high watermark and the largest reserve */
		for (j = 0; j < NR_ZONE_TYPES; j++)
			max = z->lowmem_reserve[j] > max ? z->lowmem_reserve[j] : max;
		max += z->wmark[WMARK_HIGH];
		s->totalreserve += max < z->d.managed ? max : z->d.managed;
		setup_pcp(s, z);
		if (z->type < 3 && z->d.managed > z->wmark[WMARK_HIGH])
			usable += z->d.managed - z->wmark[WMARK_HIGH];
		z->cached_migrate[0] = z->cached_migrate[1] = z->init_migrate = z->d.start_pfn;
		z->cached_free = z->init_free = pageblock_start(s, z->d.end_pfn - 1);
	}
	/* build_all_zonelists(): page_group_by_mobility_disabled */
	s->mobility_disabled = !s->c.mobility_grouping ||
			       usable < pageblock_nr_pages(s) * MF_MAX_MT;
	if (s->mobility_disabled) {
		uint64_t p, end = 0;

		/* every zone's free blocks first: a pageblock may straddle two zones */
		for (i = 0; i < s->nr_zones; i++)
			sim_move_free_range(s, &s->z[i], s->z[i].d.start_pfn, s->z[i].d.end_pfn,
					MF_MT_UNMOVABLE);
		for (i = 0; i < s->nr_zones; i++)
			if (s->z[i].d.end_pfn > end)
				end = s->z[i].d.end_pfn;
		for (p = 0; p < end; p += pageblock_nr_pages(s))
			if (pb_mt(s, p) < MF_MT_PCPTYPES)
				sim_set_pageblock_mt(s, p, MF_MT_UNMOVABLE);
	}
	s->now = s->start_ts = ts;
	s->next_decay = ts + 1000000000ULL;
	for (nd = 0; nd < MAX_NODES; nd++)
		s->node[nd].kcd_next = ts + KCD_TIMEOUT;
	s->started = true;
	sim_lru_seed(s);
	sim_hugetlb_pool(s);
}

/* ---- results ---------------------------------------------------------------------------- */

#define LIMIT(...)	do { if (n < max) snprintf(lines[n++], sizeof(*lines), __VA_ARGS__); } while (0)

int mf_sim_limits(const struct mf_sim *s, char (*lines)[MF_SIM_LIMIT_LEN], int max)
{
	const struct mf_sim_stats *st = &s->stats;
	uint64_t kfail = 0, n_src[SIM_NR_MSRC];
	int n = 0, i;

	if (!s->c.memory && !s->c.traced.nr_settings)
		LIMIT("settings: the start capture has no sysctl file (an older recording): the "
		      "kernel defaults stand for the traced kernel's extfrag_threshold, "
		      "compaction_proactiveness, watermark_boost_factor, defrag_mode and "
		      "percpu_pagelist_high_fraction");
	if (s->kcd_traced && (!s->kcd_first_sleep ||
			      s->kcd_first_sleep - s->start_ts > KCD_TIMEOUT + KCD_SLACK)) {
		char when[48] = "none at all";

		if (s->kcd_first_sleep)
			snprintf(when, sizeof(when), "the first at %.3f s",
				 (double)(s->kcd_first_sleep - s->start_ts) / 1e9);
		LIMIT("kcompactd: the trace shows no kcompactd sleep in its first 500 ms (%s): "
		      "the kernel's wait began before the trace, and the simulated kcompactd made "
		      "its first proactive check at that sleep, unless woken for work before",
		      when);
	}
	if (st->placed)
		LIMIT("layout: %.1f%% of the %llu requests the kernel served were served at the "
		      "kernel's own frames; where the rest went, the simulated layout is its own",
		      100.0 * (double)st->placed_as_traced / (double)st->placed,
		      (unsigned long long)st->placed);
	LIMIT("reclaim approximated: %llu pages: the simulated kswapd took %llu pages from "
	      "%llu LRU pages of the start capture (%s) and %llu the trace put on an LRU "
	      "list, and applied %llu pages of the trace's kswapd frees, %llu more of "
	      "which it had reclaimed already; direct reclaim is the trace's, and where the "
	      "trace shows none for a request the kernel served and the simulator cannot, "
	      "ours from the same pool (%llu pages in %llu rounds), with %llu per-CPU drains "
	      "after it",
	      (unsigned long long)(s->reclaim_pool_pages + s->reclaim_trace_pages +
				   s->direct_reclaim_pages),
	      (unsigned long long)s->reclaim_pool_pages,
	      (unsigned long long)s->reclaim_pool_seeded,
	      s->no_swap ? "file pages: the capture shows no swap" :
	      "anonymous ones too: swap is not modelled",
	      (unsigned long long)s->reclaim_pool_inserted,
	      (unsigned long long)s->reclaim_trace_pages,
	      (unsigned long long)s->reclaim_absorbed,
	      (unsigned long long)s->direct_reclaim_pages,
	      (unsigned long long)s->direct_reclaim_rounds,
	      (unsigned long long)st->reclaim_drains);
	if (sim_reclaim_as_traced(s))
		LIMIT("kswapd's reclaim as traced: under the traced kernel's watermarks, boosts "
		      "and defrag_mode the simulated kswapd reclaims nothing of its own, the "
		      "traced kswapd's frees are its reclaim, and its balance_pgdat() ends where "
		      "the traced one began its next or napped, or at once for a boost of ours "
		      "while the traced one slept (no progress: %llu boosts given up)",
		      (unsigned long long)s->boosts_given_up);
	else if (s->boosts_given_up)
		LIMIT("boost reclaim approximated: the simulated kswapd reclaims a boost on a "
		      "balanced node from the start capture's LRU pages only (clean page cache; "
		      "pages that joined an LRU list later are taken as dirty or under writeback, "
		      "which boost reclaim does not write) and gave up %llu boosts once those were "
		      "reclaimed", (unsigned long long)s->boosts_given_up);
	if (s->started_hopeless) {
		if (s->revived_ts)
			LIMIT("kswapd hopeless at the start (zoneinfo's node_unreclaimable): not woken "
			      "until reclaim made progress, %.3f s into the trace",
			      (double)(s->revived_ts - s->start_ts) / 1e9);
		else
			LIMIT("kswapd hopeless at the start (zoneinfo's node_unreclaimable): not woken "
			      "in the whole trace, no reclaim made progress");
	}
	for (i = 0; i < SIM_NR_MSRC; i++)
		n_src[i] = s->learn.migrated[i] + s->learn.failed[i];
	if (s->file_seen) {
		uint64_t lf[SIM_NR_MSRC], ln[SIM_NR_MSRC], en = 0;

		for (i = 0; i < SIM_NR_MSRC; i++) {
			lf[i] = sim_learned_failed(s, i);
			ln[i] = s->learn.migrated[i] + lf[i];
			en += s->learn.failed[i] - lf[i];
		}
		LIMIT("migration failures where the trace's written page cache is: %llu simulated "
		      "pages failed on large folios written less than 30 s before (dirty, up to "
		      "the trace's share per source; failed/tried pages: direct async %llu/%llu, "
		      "direct sync %llu/%llu, kcompactd and others %llu/%llu; the trace's own "
		      "%llu/%llu, %llu/%llu, %llu/%llu, less %llu in batches that ended runs on "
		      "-ENOMEM); written back early: %llu folios the trace's kswapd reclaimed (and "
		      "those written before), %llu the simulated kswapd found dirty",
		      (unsigned long long)s->dirty_fail,
		      (unsigned long long)s->sim_failed[0], (unsigned long long)s->sim_tried[0],
		      (unsigned long long)s->sim_failed[1], (unsigned long long)s->sim_tried[1],
		      (unsigned long long)s->sim_failed[2], (unsigned long long)s->sim_tried[2],
		      (unsigned long long)lf[0], (unsigned long long)ln[0],
		      (unsigned long long)lf[1], (unsigned long long)ln[1],
		      (unsigned long long)lf[2], (unsigned long long)ln[2],
		      (unsigned long long)en,
		      (unsigned long long)s->dirty_clean_trace,
		      (unsigned long long)s->dirty_clean_kswapd);
	}
	else if (s->learn.calls)
		LIMIT("migration failures learned from %llu calls (failed/tried pages: direct async "
		      "%llu/%llu, direct sync %llu/%llu, kcompactd and others %llu/%llu): %llu "
		      "simulated pages failed by those rates (%llu/%llu, %llu/%llu, %llu/%llu)",
		      (unsigned long long)s->learn.calls,
		      (unsigned long long)s->learn.failed[0], (unsigned long long)n_src[0],
		      (unsigned long long)s->learn.failed[1], (unsigned long long)n_src[1],
		      (unsigned long long)s->learn.failed[2], (unsigned long long)n_src[2],
		      (unsigned long long)s->injected_fail,
		      (unsigned long long)s->sim_failed[0], (unsigned long long)s->sim_tried[0],
		      (unsigned long long)s->sim_failed[1], (unsigned long long)s->sim_tried[1],
		      (unsigned long long)s->sim_failed[2], (unsigned long long)s->sim_tried[2]);
	else if (s->learn.have_prior)
		LIMIT("migration failures: no mm_compaction_migratepages in the trace; the captures' "
		      "pgmigrate_fail share (%llu ppm) for every source: %llu simulated pages failed",
		      (unsigned long long)s->learn.prior_ppm, (unsigned long long)s->injected_fail);
	else
		LIMIT("migration failures not modelled: no mm_compaction_migratepages and no vmstat "
		      "captures; migrations fail only for lack of free targets");
	if (s->dirty_enomem || s->dirty_enomem_clean)
		LIMIT("written page cache: %llu migrations ended on a dirty large folio without a "
		      "target of its order, which cannot be split (-ENOMEM: the run ends contended); "
		      "%llu more such folios, over the trace's share of pages failed so, taken as "
		      "written back and split", (unsigned long long)s->dirty_enomem,
		      (unsigned long long)s->dirty_enomem_clean);
	if (s->learn.async_runs)
		LIMIT("async contention learned from %llu direct async runs (%llu contended after "
		      "%llu batches that could end them, %llu more after failed pages: -ENOMEM, "
		      "%s): %llu simulated runs cut short",
		      (unsigned long long)s->learn.async_runs,
		      (unsigned long long)s->learn.async_contended,
		      (unsigned long long)s->learn.async_exposed,
		      (unsigned long long)s->learn.async_enomem,
		      s->file_seen ? "left to the written page cache" : "drawn as contention",
		      (unsigned long long)s->injected_contended);
	else
		LIMIT("async contention not modelled: the trace shows no direct async run");
	if (s->learn.bg_enomem && !s->file_seen)
		LIMIT("kcompactd runs ended on -ENOMEM (a large folio without a target): %llu of "
		      "the trace's %llu that migrated, after %llu batches on average; drawn as such, "
		      "the trace does not say which folios are written: %llu simulated runs cut short",
		      (unsigned long long)s->learn.bg_enomem, (unsigned long long)s->learn.bg_runs,
		      (unsigned long long)sim_bg_enomem_mean(s),
		      (unsigned long long)s->injected_bg_enomem);
	for (i = 0; i < MF_MAX_ORDERS; i++)
		kfail += st->kernel_failed[i];
	if (kfail)
		LIMIT("requests the kernel failed: %llu, replayed through the simulated slow path; "
		      "%llu served (given back at once: the kernel's caller did without)",
		      (unsigned long long)kfail, (unsigned long long)s->kfail_served);
	if (s->thp_fallback)
		LIMIT("THP faults the kernel served and the simulator failed: %llu, served with 4K "
		      "pages instead (do_anonymous_page(), the whole region at once)",
		      (unsigned long long)s->thp_fallback);
	if (s->c.thp_enabled != MF_SIM_KEEP || s->c.thp_defrag != MF_SIM_KEEP) {
		LIMIT("thp: %llu THP faults in the trace, %llu given another GFP, %llu served with "
		      "4K pages; faults the traced kernel never tried as THP cannot be added",
		      (unsigned long long)s->thp_faults, (unsigned long long)s->thp_regfp,
		      (unsigned long long)s->thp_as_4k);
		if (s->thp_madv_guessed)
			LIMIT("thp: for %llu faults the trace cannot tell whether the VMA was madvised "
			      "(traced thp_defrag %s): taken as not madvised",
			      (unsigned long long)s->thp_madv_guessed,
			      s->c.traced.thp_defrag < 0 ? "unknown" : "defer or never");
	}
	if (s->c.nr_hugepages != MF_SIM_KEEP) {
		if (s->c.traced.nr_hugepages < 0)
			LIMIT("nr_hugepages: the capture's pool is unknown, taken as 0");
		if (s->c.nr_hugepages < s->c.traced.nr_hugepages)
			LIMIT("nr_hugepages: a pool below the capture's (%d) is not modelled",
			      s->c.traced.nr_hugepages);
		else
			LIMIT("nr_hugepages: %llu huge pages taken at the start, %llu could not be had",
			      (unsigned long long)s->hugetlb_taken,
			      (unsigned long long)s->hugetlb_short);
	}
	return n;
}

const struct mf_sim_config *mf_sim_config(const struct mf_sim *s)
{
	return &s->c;
}

int mf_sim_max_order(const struct mf_sim *s)
{
	return s->max_order;
}

int mf_sim_pageblock_order(const struct mf_sim *s)
{
	return s->pbo;
}

int mf_sim_nr_zones(const struct mf_sim *s)
{
	return s->nr_zones;
}

const struct mf_zone_desc *mf_sim_zone(const struct mf_sim *s, int zone)
{
	return &s->z[zone].d;
}

void mf_sim_zone_nr_free(const struct mf_sim *s, int zone, uint64_t *nr_free)
{
	memcpy(nr_free, s->z[zone].nr_free, sizeof(s->z[zone].nr_free));
}

void mf_sim_zone_nr_free_mt(const struct mf_sim *s, int zone,
			    uint64_t nr_free_mt[MF_MAX_ORDERS][MF_MAX_MT])
{
	memcpy(nr_free_mt, s->z[zone].nr_free_mt, sizeof(s->z[zone].nr_free_mt));
}

void mf_sim_zone_pageblocks_mt(const struct mf_sim *s, int zone, uint64_t blocks[MF_MAX_MT])
{
	const struct szone *z = &s->z[zone];
	uint64_t p;

	memset(blocks, 0, sizeof(uint64_t) * MF_MAX_MT);
	for (p = pageblock_start(s, z->d.start_pfn); p < z->d.end_pfn; p += pageblock_nr_pages(s))
		if (!pb_absent(s, p))
			blocks[pb_mt(s, p)]++;
}

bool mf_sim_pageblock_absent(const struct mf_sim *s, uint64_t pfn)
{
	return pfn < s->nr_pfns && pb_absent(s, pfn);
}

int mf_sim_pageblock_mt(const struct mf_sim *s, uint64_t pfn)
{
	return pfn < s->nr_pfns ? pb_mt(s, pfn) : -1;
}

/* A walk over st[]: heads carry their order, tails and empty frames kind none. */
void mf_sim_for_each_block(const struct mf_sim *s, int zone, mf_model_block_fn fn, void *priv)
{
	const struct szone *z = &s->z[zone];
	uint64_t p = z->d.start_pfn, end = z->d.end_pfn < s->nr_pfns ? z->d.end_pfn : s->nr_pfns;

	while (p < end) {
		uint8_t v = s->st[p];
		int order = v & ST_ORDER;

		switch (v & ST_KIND) {
		case ST_BUDDY:
			/* the free scanner's isolated pages are off the free lists */
			if (!(v & ST_ISOLATED))
				fn(priv, p, order, pb_mt(s, p), false);
			break;
		case ST_PCP:
			fn(priv, p, order, pb_mt(s, p), true);
			break;
		case ST_USED:
			break;
		default:
			p++;
			continue;
		}
		p += 1ULL << order;
	}
}

uint64_t mf_sim_zone_pcp_pages(const struct mf_sim *s, int zone)
{
	uint64_t n = 0;
	int c;

	for (c = 0; c < s->nr_cpus; c++)
		n += (uint64_t)s->z[zone].pcp[c].count;
	return n;
}

void mf_sim_zone_wmarks(const struct mf_sim *s, int zone, uint64_t wmark[3])
{
	memcpy(wmark, s->z[zone].wmark, sizeof(s->z[zone].wmark));
}

bool mf_sim_mobility_disabled(const struct mf_sim *s)
{
	return s->mobility_disabled;
}

const struct mf_sim_stats *mf_sim_stats(const struct mf_sim *s)
{
	struct mf_sim_stats *st = (struct mf_sim_stats *)&s->stats;
	int i;

	st->pcp_pages = 0;
	for (i = 0; i < s->nr_zones; i++)
		st->pcp_pages += mf_sim_zone_pcp_pages(s, i);
	return &s->stats;
}

/*
 * Invariants: list counts equal a walk of the lists; every free head is on the list of
 * its pageblock's type (v6.10+); per-CPU counts equal their lists; no two free buddies
 * the kernel would have merged; blocks aligned and inside their zone.  The walks stop at
 * a link out of the zone or a list longer than its count: a corrupted list is said, not
 * followed into a crash.
 */
int mf_sim_check(const struct mf_sim *s, char *buf, size_t len)
{
	int i, o, t, c;

	for (i = 0; i < s->nr_zones; i++) {
		const struct szone *z = &s->z[i];
		uint64_t free_pages = 0;

		for (o = 0; o <= s->max_order; o++) {
			uint64_t total = 0;

			for (t = 0; t < MF_MAX_MT; t++) {
				uint64_t n = 0;
				uint32_t p;

				for (p = z->fl[o][t].head; p != NIL; p = s->lnk[p]) {
					if (p >= s->nr_pfns || !is_buddy_head(s, p, o)) {
						snprintf(buf, len, "%s: pfn %u on free list %d/%d is not a free head of that order",
							 z->d.name, p, o, t);
						return -1;
					}
					if (p & ((1ULL << o) - 1) || p < z->d.start_pfn ||
					    p + (1ULL << o) > z->d.end_pfn) {
						snprintf(buf, len, "%s: free block %u order %d misplaced", z->d.name, p, o);
						return -1;
					}
					if (pb_mt(s, p) != t) {
						snprintf(buf, len, "%s: free block %u order %d on list %d, pageblock type %d",
							 z->d.name, p, o, t, pb_mt(s, p));
						return -1;
					}
					if (o < s->max_order && (o < s->pbo) &&
					    (p ^ (1ULL << o)) >= z->d.start_pfn &&
					    (p ^ (1ULL << o)) < z->d.end_pfn &&
					    is_buddy_head(s, p ^ (1ULL << o), o)) {
						snprintf(buf, len, "%s: free buddies %u and %llu of order %d not merged",
							 z->d.name, p, (unsigned long long)(p ^ (1ULL << o)), o);
						return -1;
					}
					if (++n > z->nr_free_mt[o][t])
						break;	/* said below; a cycle ends here */
				}
				if (n != z->nr_free_mt[o][t]) {
					snprintf(buf, len, "%s: order %d type %d counts %llu, list has %llu",
						 z->d.name, o, t, (unsigned long long)z->nr_free_mt[o][t],
						 (unsigned long long)n);
					return -1;
				}
				total += n;
				if (t != MF_MT_ISOLATE)
					free_pages += n << o;
			}
			if (total != z->nr_free[o]) {
				snprintf(buf, len, "%s: nr_free[%d] %llu, lists hold %llu", z->d.name, o,
					 (unsigned long long)z->nr_free[o], (unsigned long long)total);
				return -1;
			}
		}
		if (free_pages != z->free_pages) {
			snprintf(buf, len, "%s: NR_FREE_PAGES %llu, lists hold %llu", z->d.name,
				 (unsigned long long)z->free_pages, (unsigned long long)free_pages);
			return -1;
		}
		for (c = 0; c < s->nr_cpus; c++) {
			int n = 0;

			for (t = 0; t < NR_PCP_LISTS; t++) {
				uint32_t p;

				for (p = z->pcp[c].lists[t].head; p != NIL; p = s->lnk[p]) {
					if (p < z->d.start_pfn || p >= z->d.end_pfn ||
					    st_kind(s->st[p]) != ST_PCP) {
						snprintf(buf, len, "%s: cpu %d pcp list %d holds pfn %u, not a per-CPU page of the zone",
							 z->d.name, c, t, p);
						return -1;
					}
					n += 1 << pindex_to_order(s, t);
					if (n > z->pcp[c].count)
						break;	/* said below; a cycle ends here */
				}
			}
			if (n != z->pcp[c].count) {
				snprintf(buf, len, "%s: cpu %d pcp count %d, lists hold %d", z->d.name, c,
					 z->pcp[c].count, n);
				return -1;
			}
		}
	}
	return 0;
}
