// SPDX-License-Identifier: GPL-2.0
/*
 * One replay: reader -> model (+ observer) -> metrics -> struct mf_result.
 *
 * Captures and the trace are aligned in the one pass over the events: a start capture is
 * seeded when the stream reaches --from-time or the capture's own end marker
 * ("mmfrag-capture-end NAME", written after its kpageflags was read), a check capture is
 * compared when the stream reaches --check-time or its begin marker
 * ("mmfrag-capture-begin NAME", written just before its buddyinfo was read).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmfrag/common.h"
#include "mmfrag/metrics.h"
#include "mmfrag/model.h"
#include "mmfrag/observe.h"
#include "mmfrag/reader.h"
#include "mmfrag/replay.h"
#include "mmfrag/result.h"
#include "mmfrag/sim.h"
#include "mmfrag/state.h"

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_SLAB	7
#define KPF_BUDDY	10
#define KPF_NOPAGE	20
#define KPF_PGTABLE	26
#define KPF_RESERVED	32
#define KPF_LRU		5
#define KPF_MMAP	11
#define KPF_ANON	12
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_HUGE	17
#define KPF_THP		22

enum align { ALIGN_NONE, ALIGN_TIME, ALIGN_MARKER, ALIGN_EDGE };

static inline int hpage_order(const struct mf_model_params *p)
{
	return mf_hpage_order_clamp(p->max_order);
}

struct capture {
	const char	*dir;
	struct mf_state	*st;
	char		marker[160];	/* the marker text that aligns it */
	enum align	align;
	uint64_t	ts;
	bool		done;
};

/* A compound page of the start capture: head pfn, order, on the LRU. */
struct folio_run {
	uint64_t	pfn;
	uint32_t	len;
	bool		lru;
};

struct replay {
	const struct mf_replay_opts	*o;
	struct mf_result		*r;
	struct mf_reader		*rd;
	struct mf_model			*m;
	struct mf_observer		*obs;
	struct capture			start, check;
	int				nr_periodic;
	struct capture			*periodic;	/* FILE.state/NNNN: drift checks */
	uint64_t			type_count[MF_EV_NR];
	uint64_t			next_point;
	int				series_cap;
	/* seeding: unmovable-looking pages per pageblock */
	uint16_t			*pb_score;
	uint64_t			nr_pb;
	uint64_t			seeded_blocks, seeded_pages;
	/* simulate mode: one simulator per config, fed by one workload decoder */
	int				nr_sims;
	struct mf_sim			**sims;
	const char			**sims_from;
	struct mf_workload		*wl;
	uint64_t			*movable;	/* bit per pfn: LRU, not compound */
	uint64_t			nr_movable;
	struct folio_run		*folios;	/* compound pages at the start capture */
	size_t				nr_folios, cap_folios;
	struct folio_run		open_folio;	/* the one seed_page is walking */
};

static void warnf(struct mf_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warnf(struct mf_result *r, const char *fmt, ...)
{
	char **w, *s;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	w = realloc(r->warnings, (size_t)(r->nr_warnings + 1) * sizeof(*w));
	if (!w) {
		free(s);
		return;
	}
	r->warnings = w;
	r->warnings[r->nr_warnings++] = s;
}

/* The simulations' part of every series point (the points themselves are one array). */
static void free_series_sims(struct mf_result *r)
{
	int i, j;

	for (i = 0; i < r->nr_series; i++) {
		for (j = 0; j < r->series[i].nr_sims; j++)
			free(r->series[i].sims[j].zones);
		free(r->series[i].sims);
		r->series[i].sims = NULL;
		r->series[i].nr_sims = 0;
	}
}

void mf_result_free(struct mf_result *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nr_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r->event_counts);
	free(r->lost_per_cpu);
	free_series_sims(r);
	free(r->series);
	free(r->checks);
	free(r->sims);
	for (i = 0; i < (int)ARRAY_SIZE(r->owned); i++)
		free(r->owned[i]);
	free(r);
}

/* ---- captures ---------------------------------------------------------------------- */

/* The capture's name: DIR/meta's "name" line when there is one, else the folder's name. */
static void capture_name(const char *dir, char *name, size_t len)
{
	char path[4200], line[256], *copy;
	FILE *f;

	snprintf(path, sizeof(path), "%s/meta", dir);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char key[32], val[120];

			if ((sscanf(line, "name=%119s", val) == 1) ||
			    (sscanf(line, "%31[a-z_]%*[:= ]%119s", key, val) == 2 &&
			     !strcmp(key, "name"))) {
				snprintf(name, len, "%s", val);
				fclose(f);
				return;
			}
		}
		fclose(f);
	}
	copy = strdup(dir);
	if (!copy) {
		snprintf(name, len, "%s", dir);
		return;
	}
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	snprintf(name, len, "%s", basename(copy));
	free(copy);
}

static int capture_load(struct capture *c, const char *dir, bool has_ts, uint64_t ts,
			const char *marker_kind)
{
	char err[512], name[128];

	c->dir = dir;
	c->st = calloc(1, sizeof(*c->st));
	if (!c->st) {
		mf_err("%s: %s", dir, strerror(ENOMEM));
		return -1;
	}
	if (mf_state_load(c->st, dir, err, sizeof(err))) {
		mf_err("%s", err);
		return -1;
	}
	if (has_ts) {
		c->align = ALIGN_TIME;
		c->ts = ts;
	} else {
		capture_name(dir, name, sizeof(name));
		snprintf(c->marker, sizeof(c->marker), "mmfrag-capture-%s %s", marker_kind, name);
		c->align = ALIGN_MARKER;
	}
	return 0;
}

static int zone_desc_from_state(const struct mf_state *st, struct mf_zone_desc *zd)
{
	int i, n = 0;

	for (i = 0; i < st->nr_zones; i++) {
		const struct mf_state_zone *sz = &st->zones[i];

		if (!sz->has_zoneinfo || !sz->spanned)
			continue;
		zd[n].node = sz->node;
		snprintf(zd[n].name, sizeof(zd[n].name), "%s", sz->name);
		zd[n].start_pfn = sz->start_pfn;
		zd[n].end_pfn = sz->start_pfn + sz->spanned;
		zd[n].present = sz->present;
		zd[n].managed = sz->managed;
		n++;
	}
	return n;
}

/*
 * Without a capture the trace is all we know: x86-64's layout (ZONE_DMA below 16 MiB,
 * ZONE_DMA32 below 4 GiB, ZONE_NORMAL above, growing with the pfns the trace shows).
 */
static int zone_desc_learned(struct mf_zone_desc *zd)
{
	static const struct { const char *name; uint64_t start, end; } x86[] = {
		{ "DMA", 0, 1ULL << 12 },
		{ "DMA32", 1ULL << 12, 1ULL << 20 },
		{ "Normal", 1ULL << 20, (1ULL << 20) + 1024 },
	};
	int i;

	for (i = 0; i < 3; i++) {
		zd[i].node = 0;
		snprintf(zd[i].name, sizeof(zd[i].name), "%s", x86[i].name);
		zd[i].start_pfn = x86[i].start;
		zd[i].end_pfn = x86[i].end;
		zd[i].present = x86[i].end - x86[i].start;
		zd[i].managed = 0;
	}
	return 3;
}

/* ---- seeding the model from kpageflags ------------------------------------------------ */

static void seed_block(void *priv, int zone, uint64_t pfn, int order)
{
	struct replay *rp = priv;

	if (!mf_model_seed_free(rp->m, pfn, order)) {
		rp->seeded_blocks++;
		rp->seeded_pages += 1ULL << order;
	}
}

/* The compound page seed_page was walking ends: keep it if it is a naturally aligned block. */
static void close_folio(struct replay *rp)
{
	struct folio_run *f = &rp->open_folio;

	if (f->len >= 2 && !(f->len & (f->len - 1)) && !(f->pfn & (f->len - 1))) {
		if (rp->nr_folios == rp->cap_folios) {
			size_t cap = rp->cap_folios ? rp->cap_folios * 2 : 4096;
			struct folio_run *n = realloc(rp->folios, cap * sizeof(*n));

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
	const uint64_t movable = (1ULL << KPF_LRU) | (1ULL << KPF_MMAP) | (1ULL << KPF_ANON) |
				 (1ULL << KPF_BUDDY) | (1ULL << KPF_NOPAGE);
	const uint64_t compound = (1ULL << KPF_COMPOUND_HEAD) | (1ULL << KPF_COMPOUND_TAIL) |
				  (1ULL << KPF_HUGE) | (1ULL << KPF_THP);
	uint64_t pb = pfn >> mf_model_params(rp->m)->pageblock_order;

	/*
	 * The simulator's view of the pages in use: LRU pages are movable, compound pages
	 * (THP, large folios, hugetlb) are one block of their order.
	 */
	if (rp->movable && pfn < rp->nr_movable) {
		if ((flags & (1ULL << KPF_LRU)) && !(flags & compound))
			rp->movable[pfn / 64] |= 1ULL << (pfn % 64);
		if ((flags & (1ULL << KPF_COMPOUND_TAIL)) && rp->open_folio.len &&
		    pfn == rp->open_folio.pfn + rp->open_folio.len) {
			rp->open_folio.len++;
		} else {
			close_folio(rp);
			if (flags & (1ULL << KPF_COMPOUND_HEAD)) {
				rp->open_folio.pfn = pfn;
				rp->open_folio.len = 1;
				rp->open_folio.lru = flags & (1ULL << KPF_LRU);
			}
		}
	}
	if (pb >= rp->nr_pb)
		return;
	if ((flags & ((1ULL << KPF_SLAB) | (1ULL << KPF_PGTABLE) | (1ULL << KPF_RESERVED))) ||
	    !(flags & movable)) {
		if (rp->pb_score[pb] < UINT16_MAX)
			rp->pb_score[pb]++;
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

/*
 * kpageflags has no migratetype; pagetypeinfo has only counts per zone.  Give the zone's
 * non-movable pageblock counts to the pageblocks with the most unmovable-looking pages,
 * everything else MOVABLE (as memmap_init starts them).  Events then correct the guess:
 * every zone_locked and pcpu_drain tells the true type of the block it touches.
 */
static void seed_pageblock_types(struct replay *rp, const struct mf_state *st)
{
	int pbo = mf_model_params(rp->m)->pageblock_order, z;

	for (z = 0; z < mf_model_nr_zones(rp->m); z++) {
		const struct mf_zone_desc *zd = mf_model_zone(rp->m, z);
		const struct mf_state_zone *sz = NULL;
		struct pb_rank *rank;
		uint64_t n = 0, pfn, i = 0;
		int j, t;

		for (j = 0; j < st->nr_zones; j++)
			if (st->zones[j].node == zd->node && !strcmp(st->zones[j].name, zd->name))
				sz = &st->zones[j];
		if (!sz || !sz->has_pagetypeinfo)
			continue;
		for (pfn = zd->start_pfn; pfn < zd->end_pfn; pfn += 1ULL << pbo)
			n++;
		rank = calloc(n ? n : 1, sizeof(*rank));
		if (!rank)
			return;
		n = 0;
		for (pfn = zd->start_pfn; pfn < zd->end_pfn; pfn += 1ULL << pbo) {
			uint64_t pb = pfn >> pbo;

			rank[n].pfn = pfn;
			rank[n].score = pb < rp->nr_pb ? rp->pb_score[pb] : 0;
			n++;
		}
		qsort(rank, n, sizeof(*rank), cmp_rank);
		for (t = 0; t < MF_MAX_MT && t < st->nr_mt; t++) {
			uint64_t k;

			if (t == MF_MT_MOVABLE)
				continue;
			for (k = 0; k < sz->blocks_mt[t] && i < n; k++, i++)
				mf_model_retype_pageblock(rp->m, rank[i].pfn, t);
		}
		free(rank);
	}
}

static int seed_from_capture(struct replay *rp)
{
	const struct mf_state *st = rp->start.st;
	const struct mf_model_params *p = mf_model_params(rp->m);
	char err[512];
	uint64_t maxpfn = 0;
	int z, ret;

	for (z = 0; z < mf_model_nr_zones(rp->m); z++)
		if (mf_model_zone(rp->m, z)->end_pfn > maxpfn)
			maxpfn = mf_model_zone(rp->m, z)->end_pfn;
	rp->nr_pb = (maxpfn >> p->pageblock_order) + 1;
	rp->pb_score = calloc(rp->nr_pb, sizeof(*rp->pb_score));
	if (!rp->pb_score) {
		mf_err("%s: %s", rp->start.dir, strerror(ENOMEM));
		return -1;
	}
	if (rp->o->nr_configs) {
		free(rp->movable);
		rp->nr_movable = maxpfn;
		rp->movable = calloc(maxpfn / 64 + 1, sizeof(*rp->movable));
		if (!rp->movable) {
			mf_err("%s: %s", rp->start.dir, strerror(ENOMEM));
			return -1;
		}
	}
	mf_model_clear(rp->m);
	ret = mf_state_kpageflags_scan(st, p->max_order, seed_block, seed_page, rp, err,
				       sizeof(err));
	if (ret == -ENOENT) {
		warnf(rp->r, "%s: no kpageflags: free block positions unknown, the model starts "
			     "with no free memory", rp->start.dir);
	} else if (ret) {
		mf_err("%s", err);
		return -1;
	} else {
		seed_pageblock_types(rp, st);
	}
	if (rp->movable)
		close_folio(rp);
	free(rp->pb_score);
	rp->pb_score = NULL;
	rp->r->seeded_blocks = rp->seeded_blocks;
	rp->r->seeded_pages = rp->seeded_pages;
	return 0;
}

/* ---- checks, series ---------------------------------------------------------------- */

static const struct mf_state_zone *state_zone(const struct mf_state *st, int node,
					      const char *name)
{
	int i;

	for (i = 0; i < st->nr_zones; i++)
		if (st->zones[i].node == node && !strcmp(st->zones[i].name, name))
			return &st->zones[i];
	return NULL;
}

static double blocks_error(const uint64_t *model, const uint64_t *kernel, int nr)
{
	uint64_t diff = 0, total = 0;
	int o;

	for (o = 0; o < nr; o++) {
		diff += model[o] > kernel[o] ? model[o] - kernel[o] : kernel[o] - model[o];
		total += kernel[o];
	}
	return total ? (double)diff / (double)total : (diff ? 1.0 : 0.0);
}

/*
 * The model's free blocks of zone z and the capture's for the same node and zone, per
 * order; false when the capture lacks the zone.
 */
static bool zone_pair(struct replay *rp, const struct mf_state *st, int z, uint64_t *model,
		      uint64_t *kernel)
{
	const struct mf_zone_report *zr = &rp->r->zones[z];
	const struct mf_state_zone *sz = state_zone(st, zr->node, zr->name);
	int nr_orders = mf_model_params(rp->m)->max_order + 1, o;

	if (!sz)
		return false;
	memset(kernel, 0, MF_MAX_ORDERS * sizeof(*kernel));
	memset(model, 0, MF_MAX_ORDERS * sizeof(*model));
	mf_model_zone_nr_free(rp->m, z, model);
	for (o = 0; o < nr_orders && o < sz->nr_orders; o++)
		kernel[o] = sz->nr_free[o];
	return true;
}

/* One point of the drift series: the model now against a capture's buddyinfo. */
static void add_check_point(struct replay *rp, const struct capture *c, const char *name,
			    uint64_t ts)
{
	struct mf_result *r = rp->r;
	int nr_orders = mf_model_params(rp->m)->max_order + 1, z;
	struct mf_check_point *cp;

	cp = realloc(r->checks, (size_t)(r->nr_checks + 1) * sizeof(*cp));
	if (!cp)
		return;
	r->checks = cp;
	cp = &r->checks[r->nr_checks++];
	memset(cp, 0, sizeof(*cp));
	snprintf(cp->name, sizeof(cp->name), "%s", name);
	cp->ts = ts;
	for (z = 0; z < r->nr_zones; z++) {
		uint64_t model[MF_MAX_ORDERS], kernel[MF_MAX_ORDERS];

		if (!zone_pair(rp, c->st, z, model, kernel))
			continue;
		cp->zones[cp->nr_zones].node = r->zones[z].node;
		snprintf(cp->zones[cp->nr_zones].name, sizeof(cp->zones[0].name), "%s",
			 r->zones[z].name);
		cp->zones[cp->nr_zones++].free_blocks_error = blocks_error(model, kernel, nr_orders);
	}
}

/* The model at the check capture's time against the kernel's buddyinfo, zone by zone. */
static void do_check(struct replay *rp, uint64_t ts)
{
	struct mf_result *r = rp->r;
	int nr_orders = mf_model_params(rp->m)->max_order + 1, z;

	r->check_ts = ts;
	for (z = 0; z < r->nr_zones; z++) {
		struct mf_zone_report *zr = &r->zones[z];
		uint64_t model[MF_MAX_ORDERS], kernel[MF_MAX_ORDERS];
		int o;

		if (!zone_pair(rp, rp->check.st, z, model, kernel))
			continue;
		zr->has_check = true;
		memcpy(zr->check_nr_free, kernel, sizeof(kernel));
		memcpy(zr->check_model_nr_free, model, sizeof(model));
		zr->free_blocks_error = blocks_error(model, kernel, nr_orders);
		for (o = 0; o < nr_orders; o++) {
			zr->check_unusable_diff[o] = mf_unusable_index(model, nr_orders, o) -
						     mf_unusable_index(kernel, nr_orders, o);
			zr->check_extfrag_diff[o] = mf_fragmentation_index(model, nr_orders, o) -
						    mf_fragmentation_index(kernel, nr_orders, o);
		}
	}
	rp->check.done = true;
	add_check_point(rp, &rp->check, "end", ts);
}

/* The indices and score of a zone whose nr_free is filled in. */
static void series_zone(struct mf_series_zone *sz, const struct mf_zone_desc *zd, int nr_orders,
			int hpage)
{
	int o;

	sz->node = zd->node;
	snprintf(sz->name, sizeof(sz->name), "%s", zd->name);
	for (o = 0; o < nr_orders; o++) {
		sz->unusable_index[o] = mf_unusable_index(sz->nr_free, nr_orders, o);
		sz->extfrag_index[o] = mf_fragmentation_index(sz->nr_free, nr_orders, o);
	}
	sz->fragmentation_score = mf_fragmentation_score_zone(sz->nr_free, nr_orders, hpage);
}

static void add_point(struct replay *rp, uint64_t ts)
{
	struct mf_result *r = rp->r;
	const struct mf_observed *ob = mf_observer_result(rp->obs);
	int nr_orders = mf_model_params(rp->m)->max_order + 1, z;
	struct mf_series_point *pt;
	uint64_t lost = 0;
	int cpu, i, o;

	if (r->nr_series == rp->series_cap) {
		int cap = rp->series_cap ? 2 * rp->series_cap : 64;
		struct mf_series_point *s = realloc(r->series, (size_t)cap * sizeof(*s));

		if (!s)
			return;
		r->series = s;
		rp->series_cap = cap;
	}
	pt = &r->series[r->nr_series++];
	memset(pt, 0, sizeof(*pt));
	pt->ts = ts;
	pt->events = r->nr_events;
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		lost += mf_reader_lost(rp->rd, cpu);
	pt->lost = lost;
	pt->direct = ob->direct;
	pt->nr_zones = r->nr_zones;
	for (z = 0; z < r->nr_zones; z++) {
		mf_model_zone_nr_free(rp->m, z, pt->zones[z].nr_free);
		series_zone(&pt->zones[z], mf_model_zone(rp->m, z), nr_orders, hpage_order(&r->params));
	}
	pt->sims = rp->nr_sims ? calloc((size_t)rp->nr_sims, sizeof(*pt->sims)) : NULL;
	for (i = 0; pt->sims && i < rp->nr_sims; i++) {
		struct mf_series_sim *ss = &pt->sims[i];
		const struct mf_sim *s = rp->sims[i];
		const struct mf_sim_stats *st = mf_sim_stats(s);
		int so = mf_sim_max_order(s) + 1;

		ss->zones = calloc((size_t)mf_sim_nr_zones(s), sizeof(*ss->zones));
		if (!ss->zones)
			break;
		ss->nr_zones = mf_sim_nr_zones(s);
		ss->direct = st->cp.direct;
		for (o = 0; o < MF_MAX_ORDERS; o++)
			ss->failures += st->failures[o];
		for (z = 0; z < ss->nr_zones; z++) {
			mf_sim_zone_nr_free(s, z, ss->zones[z].nr_free);
			series_zone(&ss->zones[z], mf_sim_zone(s, z), so, mf_hpage_order_clamp(so - 1));
		}
		pt->nr_sims = i + 1;
	}
	{
		uint64_t fb = 0;
		int a, b;

		for (a = 0; a < MF_MAX_MT; a++)
			for (b = 0; b < MF_MAX_MT; b++)
				fb += ob->fallback[a][b][0] + ob->fallback[a][b][1];
		pt->fallbacks = fb;
	}
}

/* compact_* and pgmigrate_* of /proc/vmstat, start capture to check capture */
static int vmstat_read(const char *dir, const char *name, int64_t *val)
{
	char path[4200], key[64];
	long long v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/vmstat", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		if (!strcmp(key, name)) {
			*val = v;
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

static void vmstat_deltas(struct mf_result *r, const char *a, const char *b)
{
	static const char *const names[] = {
		"compact_stall", "compact_success", "compact_fail", "compact_migrate_scanned",
		"compact_free_scanned", "compact_isolated", "compact_daemon_wake",
		"compact_daemon_migrate_scanned", "compact_daemon_free_scanned",
		"pgmigrate_success", "pgmigrate_fail", "thp_fault_alloc", "thp_fault_fallback",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names) && r->nr_vmstat < (int)ARRAY_SIZE(r->vmstat); i++) {
		int64_t x, y;

		if (vmstat_read(a, names[i], &x) || vmstat_read(b, names[i], &y))
			continue;
		snprintf(r->vmstat[r->nr_vmstat].name, sizeof(r->vmstat[0].name), "%s", names[i]);
		r->vmstat[r->nr_vmstat++].delta = y - x;
	}
}

/* ---- the run ------------------------------------------------------------------------ */

static int setup(struct replay *rp)
{
	const struct mf_replay_opts *o = rp->o;
	struct mf_result *r = rp->r;
	const struct mf_reader_info *info = mf_reader_info(rp->rd);
	struct mf_zone_desc zd[MF_MAX_ZONES];
	struct mf_model_params p;
	const struct mf_state *layout = NULL;
	int nz = 0, z;

	if (o->from_state && capture_load(&rp->start, o->from_state, o->has_from_ts, o->from_ts,
					  "end"))
		return -1;
	if (o->check_state && capture_load(&rp->check, o->check_state, o->has_check_ts,
					   o->check_ts, "begin"))
		return -1;

	layout = rp->start.st ? rp->start.st : rp->check.st;
	if (layout)
		nz = zone_desc_from_state(layout, zd);
	if (layout && !nz)
		warnf(r, "%s: no zoneinfo: zone layout learned from the trace", layout->dir);

	mf_model_params_default(&p);
	if (layout && layout->nr_zones && layout->zones[0].nr_orders > 1)
		p.max_order = layout->zones[0].nr_orders - 1;
	if (o->max_order)
		p.max_order = o->max_order;
	if (layout && layout->pageblock_order > 0)
		p.pageblock_order = layout->pageblock_order;
	if (o->pageblock_order)
		p.pageblock_order = o->pageblock_order;
	if (p.pageblock_order > p.max_order)
		p.pageblock_order = p.max_order;
	p.pcp_high_order = COMPACTION_HPAGE_ORDER <= p.max_order ? COMPACTION_HPAGE_ORDER : -1;
	p.nr_cpus = info->nr_cpus > 0 ? info->nr_cpus : 1;
	if (!nz) {
		nz = zone_desc_learned(zd);
		p.learn_zones = true;
	}
	r->zones_from = p.learn_zones ? "learned" : "capture";
	r->params = p;

	rp->m = mf_model_new(&p, zd, nz);
	rp->obs = mf_observer_new(p.pageblock_order);
	if (!rp->m || !rp->obs) {
		mf_err("%s: cannot set up the model: %s", o->trace, strerror(ENOMEM));
		return -1;
	}
	r->nr_zones = nz;
	for (z = 0; z < nz; z++) {
		r->zones[z].node = zd[z].node;
		snprintf(r->zones[z].name, sizeof(r->zones[z].name), "%s", zd[z].name);
	}
	return 0;
}

/* ---- simulate mode --------------------------------------------------------------------- */

/* enum zone_type on x86-64, from the name /proc prints */
static int zone_type(const char *name)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return i;
	return 2;
}

/* memory=SIZE: an x86-64 machine of that size, DMA below 16 MiB, DMA32 below 4 GiB */
static int memory_layout(uint64_t bytes, struct mf_sim_zone_desc *zd)
{
	static const struct { const char *name; uint64_t start, end; } z[] = {
		{ "DMA", 1, 4096 }, { "DMA32", 4096, 1ULL << 20 }, { "Normal", 1ULL << 20, UINT64_MAX },
	};
	uint64_t n = bytes >> 12;
	int nz = 0, i;

	for (i = 0; i < (int)ARRAY_SIZE(z); i++) {
		uint64_t end = n < z[i].end ? n : z[i].end;

		if (end <= z[i].start)
			continue;
		memset(&zd[nz], 0, sizeof(zd[nz]));
		snprintf(zd[nz].d.name, sizeof(zd[nz].d.name), "%s", z[i].name);
		zd[nz].d.start_pfn = z[i].start;
		zd[nz].d.end_pfn = end;
		zd[nz].d.present = zd[nz].d.managed = end - z[i].start;
		zd[nz].type = i;
		nz++;
	}
	return nz;
}

static int sim_cpus(const struct replay *rp)
{
	int n = mf_reader_info(rp->rd)->nr_cpus;

	return n > 0 ? n : 1;
}

static void sim_seed_block(void *priv, uint64_t pfn, int order, int mt, bool pcp)
{
	/* per-CPU pages stay "in use" until the trace shows them handed out or drained */
	if (!pcp)
		mf_sim_seed_free(priv, pfn, order);
}

/* A simulator at the start capture: the observe model's free blocks and pageblock types. */
static struct mf_sim *sim_from_model(struct replay *rp, const struct mf_sim_config *c)
{
	const struct mf_state *st = rp->start.st;
	const struct mf_model_params *p = mf_model_params(rp->m);
	struct mf_sim_zone_desc zd[MF_MAX_ZONES];
	struct mf_sim_traced t = { .max_order = p->max_order, .pageblock_order = p->pageblock_order };
	struct mf_sim *s;
	int nz = mf_model_nr_zones(rp->m), z, j;
	uint64_t pfn;
	size_t i;

	for (z = 0; z < nz; z++) {
		memset(&zd[z], 0, sizeof(zd[z]));
		zd[z].d = *mf_model_zone(rp->m, z);
		zd[z].type = zone_type(zd[z].d.name);
		for (j = 0; st && j < st->nr_zones; j++)
			if (st->zones[j].node == zd[z].d.node && !strcmp(st->zones[j].name, zd[z].d.name)) {
				zd[z].wmark[0] = st->zones[j].wmark_min;
				zd[z].wmark[1] = st->zones[j].wmark_low;
				zd[z].wmark[2] = st->zones[j].wmark_high;
			}
	}
	s = mf_sim_new(c, &t, zd, nz, sim_cpus(rp));
	if (!s)
		return NULL;
	for (z = 0; z < nz; z++) {
		const struct mf_zone_desc *d = mf_model_zone(rp->m, z);

		for (pfn = d->start_pfn & ~((1ULL << p->pageblock_order) - 1); pfn < d->end_pfn;
		     pfn += 1ULL << p->pageblock_order)
			mf_sim_seed_pageblock(s, pfn, p->pageblock_order,
					      mf_model_pageblock_mt(rp->m, pfn));
	}
	for (z = 0; z < nz; z++)
		mf_model_for_each_block(rp->m, z, sim_seed_block, s);
	for (pfn = 0; rp->movable && pfn < rp->nr_movable; pfn++)
		if (rp->movable[pfn / 64] & (1ULL << (pfn % 64)))
			mf_sim_seed_movable(s, pfn);
	for (i = 0; i < rp->nr_folios; i++) {
		int order = 0;

		while ((1U << order) < rp->folios[i].len)
			order++;
		mf_sim_seed_used(s, rp->folios[i].pfn, order, rp->folios[i].lru);
	}
	return s;
}

/* What seed_page gathered for the simulators: needed only until they are made. */
static void free_seed_scratch(struct replay *rp)
{
	free(rp->movable);
	rp->movable = NULL;
	free(rp->folios);
	rp->folios = NULL;
	rp->nr_folios = rp->cap_folios = 0;
}

static int make_sims(struct replay *rp, uint64_t ts)
{
	const struct mf_replay_opts *o = rp->o;
	int i;

	rp->sims = calloc((size_t)o->nr_configs, sizeof(*rp->sims));
	rp->sims_from = calloc((size_t)o->nr_configs, sizeof(*rp->sims_from));
	rp->wl = mf_workload_new();
	if (!rp->sims || !rp->sims_from || !rp->wl)
		goto nomem;
	for (i = 0; i < o->nr_configs; i++) {
		const struct mf_sim_config *c = &o->configs[i];
		struct mf_sim *s;

		if (c->memory) {
			struct mf_sim_traced t = { .max_order = rp->r->params.max_order,
						   .pageblock_order = rp->r->params.pageblock_order };
			struct mf_sim_zone_desc zd[MF_MAX_ZONES];
			int nz = memory_layout(c->memory, zd);

			s = mf_sim_new(c, &t, zd, nz, sim_cpus(rp));
			if (s)
				mf_sim_seed_all_free(s);
			rp->sims_from[i] = "memory";
		} else if (!rp->start.st || !rp->seeded_blocks) {
			mf_err("%s: --simulate: config '%s': %s; give it memory=SIZE", o->trace, c->name,
			       rp->start.st ? "the start capture has no kpageflags" :
					      "no start capture (FILE.state/start or --from-state)");
			return -1;
		} else {
			s = sim_from_model(rp, c);
			rp->sims_from[i] = "capture";
		}
		if (!s) {
			mf_err("%s: --simulate: config '%s': %s", o->trace, c->name,
			       errno == EINVAL ? "the layout does not fit the config" : strerror(errno));
			return -1;
		}
		mf_sim_start(s, ts);
		rp->sims[rp->nr_sims++] = s;
	}
	free_seed_scratch(rp);
	return 0;
nomem:
	mf_err("%s: %s", o->trace, strerror(ENOMEM));
	return -1;
}

static void free_sims(struct replay *rp)
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

static bool is_marker(const struct mf_event *ev, const struct capture *c)
{
	return !c->done && c->align == ALIGN_MARKER && ev->type == MF_EV_PRINT && ev->print.str &&
	       !strcmp(ev->print.str, c->marker);
}

static int start_now(struct replay *rp, uint64_t ts, const char *how)
{
	rp->r->start_ts = ts;
	rp->r->start_aligned_by = how;
	rp->start.done = true;
	if (seed_from_capture(rp))
		return -1;
	/* how far the seeded model is from the capture's own buddyinfo */
	add_check_point(rp, &rp->start, "start", ts);
	if (rp->o->nr_configs && make_sims(rp, ts))
		return -1;
	return 0;
}

static int run_events(struct replay *rp)
{
	const struct mf_replay_opts *o = rp->o;
	struct mf_result *r = rp->r;
	bool started = !rp->start.st;
	struct mf_event ev;
	int ret;

	while ((ret = mf_reader_next(rp->rd, &ev)) > 0) {
		if (!r->nr_events) {
			r->first_ts = ev.ts;
			rp->next_point = ev.ts + o->interval_ns;
			/* no start capture: the simulators start with the trace */
			if (started && o->nr_configs && !rp->sims && make_sims(rp, ev.ts))
				return -1;
		}
		r->nr_events++;
		r->last_ts = ev.ts;
		rp->type_count[ev.type]++;

		if (!started && ((rp->start.align == ALIGN_TIME && ev.ts >= rp->start.ts) ||
				 rp->start.align == ALIGN_EDGE)) {
			if (start_now(rp, rp->start.align == ALIGN_TIME ? rp->start.ts : ev.ts,
				      rp->start.align == ALIGN_TIME ? "option" : "trace-start"))
				return -1;
			started = true;
		}
		if (!rp->check.done && rp->check.st &&
		    ((rp->check.align == ALIGN_TIME && ev.ts >= rp->check.ts) ||
		     is_marker(&ev, &rp->check)))
			do_check(rp, rp->check.align == ALIGN_TIME ? rp->check.ts : ev.ts);
		while (o->interval_ns && ev.ts >= rp->next_point) {
			add_point(rp, rp->next_point);
			rp->next_point += o->interval_ns;
		}

		if (ev.type == MF_EV_PRINT && started && rp->nr_periodic) {
			int i;

			for (i = 0; i < rp->nr_periodic; i++)
				if (is_marker(&ev, &rp->periodic[i])) {
					rp->periodic[i].done = true;
					add_check_point(rp, &rp->periodic[i],
							rp->periodic[i].marker + 21, ev.ts);
				}
		}
		mf_observer_apply(rp->obs, &ev);
		if (started) {
			mf_model_apply(rp->m, &ev);
			if (rp->nr_sims) {
				const char *comm;

				/* a begin of a task the workload may take for manual compaction */
				if (ev.type == MF_EV_CP_BEGIN &&
				    (comm = mf_reader_comm(rp->rd, ev.pid)) && !strncmp(comm, "kcompactd", 9))
					mf_workload_kcompactd_pid(rp->wl, ev.pid);
				mf_workload_apply(rp->wl, &ev, rp->sims, rp->nr_sims);
			}
		} else
			r->events_before_start++;

		if (!started && is_marker(&ev, &rp->start)) {
			if (start_now(rp, ev.ts, "marker"))
				return -1;
			started = true;
		}
	}
	if (ret < 0) {
		mf_err("%s", mf_reader_error(rp->rd));
		return -1;
	}
	if (!started)
		return 1;	/* no start marker: replay again from the trace's start */
	if (rp->check.st && !rp->check.done) {
		if (rp->check.align == ALIGN_MARKER)
			warnf(r, "%s: no marker '%s' in the trace: checked at the end of the trace",
			      rp->check.dir, rp->check.marker);
		do_check(rp, r->last_ts);
		r->check_aligned_by = rp->check.align == ALIGN_TIME ? "option" : "trace-end";
	}
	if (o->interval_ns && r->nr_events)
		add_point(rp, r->last_ts);
	return 0;
}

/* The zone report of a model or simulator zone whose free block counts are filled in. */
static void zone_fill(struct mf_zone_report *zr, const struct mf_zone_desc *zd, int nr_orders,
		      uint64_t pcp_pages)
{
	int o, t;

	zr->node = zd->node;
	snprintf(zr->name, sizeof(zr->name), "%s", zd->name);
	zr->start_pfn = zd->start_pfn;
	zr->spanned = zd->end_pfn - zd->start_pfn;
	zr->present = zd->present;
	zr->managed = zd->managed;
	zr->m.nr_orders = nr_orders;
	zr->has_mt = true;
	zr->nr_mt = MF_MAX_MT;
	for (t = 0; t < MF_MAX_MT; t++) {
		zr->free_pages_mt[t] = 0;
		for (o = 0; o < nr_orders; o++)
			zr->free_pages_mt[t] += zr->nr_free_mt[o][t] << o;
	}
	zr->has_pcp = true;
	zr->pcp_pages = pcp_pages;
}

static int collect_sims(struct replay *rp)
{
	struct mf_result *r = rp->r;
	char buf[256];
	int i, z;

	if (!rp->nr_sims)
		return 0;
	r->sims = calloc((size_t)rp->nr_sims, sizeof(*r->sims));
	if (!r->sims) {
		mf_err("%s: %s", rp->o->trace, strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < rp->nr_sims; i++) {
		struct mf_sim *s = rp->sims[i];
		struct mf_sim_result *sr = &r->sims[i];
		int nr_orders = mf_sim_max_order(s) + 1;

		sr->config = *mf_sim_config(s);
		sr->zones_from = rp->sims_from[i];
		sr->max_order = mf_sim_max_order(s);
		sr->pageblock_order = mf_sim_pageblock_order(s);
		sr->mobility_disabled = mf_sim_mobility_disabled(s);
		sr->nr_zones = mf_sim_nr_zones(s);
		for (z = 0; z < sr->nr_zones; z++) {
			struct mf_zone_report *zr = &sr->zones[z];

			mf_sim_zone_nr_free(s, z, zr->m.nr_free);
			mf_sim_zone_nr_free_mt(s, z, zr->nr_free_mt);
			mf_sim_zone_pageblocks_mt(s, z, zr->pageblocks_mt);
			zone_fill(zr, mf_sim_zone(s, z), nr_orders, mf_sim_zone_pcp_pages(s, z));
			mf_sim_zone_wmarks(s, z, sr->wmark[z]);
		}
		mf_zone_reports_finish(sr->zones, sr->nr_zones, mf_hpage_order_clamp(sr->max_order));
		sr->stats = *mf_sim_stats(s);
		/* the simulator's own invariants: a failure here is our bug, said, not hidden */
		if (mf_sim_check(s, buf, sizeof(buf)))
			warnf(r, "simulation %s: internal inconsistency: %s", sr->config.name, buf);
	}
	r->nr_sims = rp->nr_sims;
	return 0;
}

static int collect(struct replay *rp)
{
	struct mf_result *r = rp->r;
	const struct mf_reader_info *info = mf_reader_info(rp->rd);
	const char *const *w;
	int nr_orders = r->params.max_order + 1, i, z;
	uint64_t page_events;

	page_events = rp->type_count[MF_EV_PAGE_ALLOC] + rp->type_count[MF_EV_PAGE_FREE] +
		      rp->type_count[MF_EV_ZONE_LOCKED] + rp->type_count[MF_EV_PCPU_DRAIN];
	if (!page_events) {
		mf_err("%s: no page-allocator events (kmem:mm_page_alloc, mm_page_free, "
		       "mm_page_alloc_zone_locked, mm_page_pcpu_drain) in the trace",
		       rp->o->trace);
		return -1;
	}

	r->file_version = info->file_version;
	r->compression = info->compression;
	r->uname = info->uname;
	r->nr_cpus = info->nr_cpus;
	r->nr_event_counts = mf_reader_nr_event_names(rp->rd);
	r->event_counts = calloc((size_t)r->nr_event_counts + 1, sizeof(*r->event_counts));
	r->lost_per_cpu = calloc((size_t)r->nr_cpus + 1, sizeof(*r->lost_per_cpu));
	if (!r->event_counts || !r->lost_per_cpu) {
		mf_err("%s: %s", rp->o->trace, strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < r->nr_event_counts; i++) {
		snprintf(r->event_counts[i].name, sizeof(r->event_counts[i].name), "%s",
			 mf_reader_event_name(rp->rd, i));
		snprintf(r->event_counts[i].system, sizeof(r->event_counts[i].system), "%s",
			 mf_reader_event_system(rp->rd, i) ?: "");
		r->event_counts[i].count = mf_reader_event_count(rp->rd, i);
	}
	for (i = 0; i < r->nr_cpus; i++) {
		r->lost_per_cpu[i] = mf_reader_lost(rp->rd, i);
		r->lost_events += r->lost_per_cpu[i];
		r->lost_unknown += mf_reader_lost_unknown(rp->rd, i);
	}
	for (w = mf_reader_warnings(rp->rd); w && *w; w++)
		warnf(r, "%s", *w);

	mf_observer_finish(rp->obs);
	r->observed = *mf_observer_result(rp->obs);
	r->fidelity = *mf_model_fidelity(rp->m);

	for (z = 0; z < r->nr_zones; z++) {
		struct mf_zone_report *zr = &r->zones[z];

		mf_model_zone_nr_free(rp->m, z, zr->m.nr_free);
		mf_model_zone_nr_free_mt(rp->m, z, zr->nr_free_mt);
		mf_model_zone_pageblocks_mt(rp->m, z, zr->pageblocks_mt);
		zone_fill(zr, mf_model_zone(rp->m, z), nr_orders, mf_model_zone_pcp_pages(rp->m, z));
	}
	mf_zone_reports_finish(r->zones, r->nr_zones, hpage_order(&r->params));
	if (rp->start.st && rp->check.st)
		vmstat_deltas(r, rp->start.dir, rp->check.dir);
	return collect_sims(rp);
}

/* Back to the first event: a fresh reader, model, observer and result counters. */
static int restart(struct replay *rp)
{
	struct mf_result *r = rp->r;
	char err[512];
	int z;

	mf_reader_close(rp->rd);
	rp->rd = NULL;
	if (mf_reader_open(rp->o->trace, &rp->rd, err, sizeof(err))) {
		mf_err("%s", err);
		return -1;
	}
	mf_model_free(rp->m);
	mf_observer_free(rp->obs);
	free_sims(rp);
	rp->obs = mf_observer_new(r->params.pageblock_order);
	{
		struct mf_zone_desc zd[MF_MAX_ZONES];

		for (z = 0; z < r->nr_zones; z++) {
			memset(&zd[z], 0, sizeof(zd[z]));
			zd[z].node = r->zones[z].node;
			snprintf(zd[z].name, sizeof(zd[z].name), "%s", r->zones[z].name);
		}
		if (zone_desc_from_state(rp->start.st, zd) != r->nr_zones)
			zone_desc_learned(zd);
		rp->m = mf_model_new(&r->params, zd, r->nr_zones);
	}
	if (!rp->m || !rp->obs) {
		mf_err("%s: cannot set up the model: %s", rp->o->trace, strerror(ENOMEM));
		return -1;
	}
	memset(rp->type_count, 0, sizeof(rp->type_count));
	r->nr_events = 0;
	r->events_before_start = 0;
	free_series_sims(r);
	r->nr_series = 0;
	rp->check.done = false;
	for (z = 0; z < rp->nr_periodic; z++)
		rp->periodic[z].done = false;
	r->nr_checks = 0;
	for (z = 0; z < r->nr_zones; z++)
		r->zones[z].has_check = false;
	return 0;
}

/*
 * A recording's captures live beside it: FILE.state/ (or FILE without ".dat", then
 * ".state/", as the bundled traces), with start/, end/ and periodic NNNN/ folders.
 */
static char *state_dir(const char *trace)
{
	size_t len = strlen(trace);
	struct stat sb;
	char *dir;
	int i;

	for (i = 0; i < 2; i++) {
		if (i == 0) {
			if (asprintf(&dir, "%s.state", trace) < 0)
				return NULL;
		} else {
			if (len < 4 || strcmp(trace + len - 4, ".dat") ||
			    asprintf(&dir, "%.*s.state", (int)(len - 4), trace) < 0)
				return NULL;
		}
		if (!stat(dir, &sb) && S_ISDIR(sb.st_mode))
			return dir;
		free(dir);
	}
	return NULL;
}

static char *capture_dir(const char *sdir, const char *name)
{
	struct stat sb;
	char *dir, *bi;
	bool ok;

	if (asprintf(&dir, "%s/%s", sdir, name) < 0)
		return NULL;
	if (asprintf(&bi, "%s/buddyinfo", dir) < 0) {
		free(dir);
		return NULL;
	}
	ok = !stat(bi, &sb);
	free(bi);
	if (!ok) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FILE.state/NNNN captures (--capture-interval), by name, aligned by their begin marker. */
static int load_periodic(struct replay *rp, const char *sdir, char ***names)
{
	struct dirent *de;
	char **list = NULL;
	int n = 0, i;
	DIR *d;

	d = opendir(sdir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char **l, *dir;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "start") ||
		    !strcmp(de->d_name, "end"))
			continue;
		dir = capture_dir(sdir, de->d_name);
		if (!dir)
			continue;
		l = realloc(list, (size_t)(n + 1) * sizeof(*l));
		if (!l) {
			free(dir);
			break;
		}
		list = l;
		list[n++] = dir;
	}
	closedir(d);
	if (!n)
		return 0;
	qsort(list, (size_t)n, sizeof(*list), cmp_str);
	rp->periodic = calloc((size_t)n, sizeof(*rp->periodic));
	if (!rp->periodic)
		return -1;
	for (i = 0; i < n; i++) {
		if (capture_load(&rp->periodic[i], list[i], false, 0, "begin"))
			return -1;
		rp->nr_periodic++;
	}
	*names = list;
	return n;
}

int mf_replay_run(const struct mf_replay_opts *o_in, struct mf_result **out)
{
	struct mf_replay_opts opts = *o_in, *o = &opts;
	char *sdir = NULL, *auto_start = NULL, *auto_end = NULL, **periodic = NULL;
	struct replay rp = { .o = o };
	char err[512];
	int ret = -1, z;

	*out = NULL;
	rp.r = calloc(1, sizeof(*rp.r));
	if (!rp.r) {
		mf_err("%s: %s", o->trace, strerror(ENOMEM));
		return -1;
	}
	rp.r->trace_path = o->trace;
	if (!o->no_state && (!o->from_state || !o->check_state))
		sdir = state_dir(o->trace);
	if (sdir && !o->from_state && !o->has_from_ts) {
		auto_start = capture_dir(sdir, "start");
		o->from_state = auto_start;
	}
	if (sdir && !o->check_state && !o->has_check_ts) {
		auto_end = capture_dir(sdir, "end");
		o->check_state = auto_end;
	}
	/* the result keeps pointing at these */
	rp.r->owned[0] = auto_start;
	rp.r->owned[1] = auto_end;
	rp.r->owned[2] = sdir;
	if (mf_reader_open(o->trace, &rp.rd, err, sizeof(err))) {
		mf_err("%s", err);
		goto out_err;
	}
	if (setup(&rp))
		goto out_err;
	if (sdir && rp.start.st && load_periodic(&rp, sdir, &periodic) < 0)
		goto out_err;
	rp.r->start_dir = o->from_state;
	rp.r->check_dir = o->check_state;
	ret = run_events(&rp);
	if (ret == 1) {
		/*
		 * The start capture's marker is not in the trace: it was taken before the
		 * recording.  Apply it at the first event instead, in a second pass.
		 */
		warnf(rp.r, "%s: no marker '%s' in the trace: the start state is applied at the "
			    "first event", rp.start.dir, rp.start.marker);
		if (restart(&rp))
			goto out_err;
		rp.start.align = ALIGN_EDGE;
		ret = run_events(&rp);
	}
	if (ret || collect(&rp))
		goto out_err;
	if (rp.check.st && !rp.r->check_aligned_by)
		rp.r->check_aligned_by = rp.check.align == ALIGN_TIME ? "option" : "marker";
	if (rp.start.st && !rp.r->start_aligned_by)
		rp.r->start_aligned_by = "trace-start";
	ret = 0;
	goto out;
out_err:
	ret = -1;
out:
	if (rp.rd)
		mf_reader_close(rp.rd);
	mf_model_free(rp.m);
	mf_observer_free(rp.obs);
	free_sims(&rp);
	free(rp.start.st);
	free(rp.check.st);
	for (z = 0; z < rp.nr_periodic; z++) {
		free(rp.periodic[z].st);
		free(periodic[z]);
	}
	free(rp.periodic);
	free(periodic);
	free(rp.pb_score);
	if (ret) {
		mf_result_free(rp.r);
		return -1;
	}
	*out = rp.r;
	return 0;
}
