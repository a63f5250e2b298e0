// SPDX-License-Identifier: GPL-2.0
/*
 * The result of a replay (struct mf_result): drift checks against captures, the time
 * series, and at the end the event counts, what the observer saw, the model's and each
 * simulator's zones with their indices, and the vmstat deltas between the captures.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/common.h"
#include "replay-local.h"

void replay_errf(struct replay *rp, const char *fmt, ...)
{
	va_list ap;

	if (!rp->err || !rp->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(rp->err, rp->errlen, fmt, ap);
	va_end(ap);
}

void replay_warnf(struct mf_result *r, const char *fmt, ...)
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
void replay_free_series_sims(struct mf_result *r)
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
	free((char *)r->uname);
	free(r->event_counts);
	free(r->lost_per_cpu);
	free(r->lost_intervals);
	replay_free_series_sims(r);
	free(r->series);
	free(r->checks);
	mf_pb_map_free(r->pageblocks);
	for (i = 0; r->sims && i < r->nr_sims; i++)
		mf_pb_map_free(r->sims[i].pageblocks);
	free(r->sims);
	for (i = 0; i < (int)ARRAY_SIZE(r->owned); i++)
		free(r->owned[i]);
	free(r);
}

/* ---- checks, series ---------------------------------------------------------------- */

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
	const struct mf_state_zone *sz = mf_state_zone_find(st, zr->node, zr->name);
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

/*
 * The pages on zone z's per-CPU lists: the capture's zoneinfo (its pagesets' count) and
 * the model's; false when the capture has no pagesets for the zone.
 */
static const struct mf_state_zone *pcp_pair(struct replay *rp, const struct mf_state *st, int z,
					    uint64_t *model, uint64_t *kernel)
{
	const struct mf_zone_report *zr = &rp->r->zones[z];
	const struct mf_state_zone *sz = mf_state_zone_find(st, zr->node, zr->name);

	if (!sz || !sz->has_pcp)
		return NULL;
	*kernel = sz->pcp_count;
	*model = mf_model_zone_pcp_pages(rp->m, z);
	return sz;
}

/* The check capture's per-CPU pages of zone z against the model's, in all and per CPU. */
static void check_pcp(struct replay *rp, int z, struct mf_zone_report *zr)
{
	const struct mf_state_zone *sz = pcp_pair(rp, rp->check.st, z, &zr->check_model_pcp,
						  &zr->check_kernel_pcp);
	int c;

	zr->has_check_pcp = sz != NULL;
	zr->check_pcp_cpus = 0;
	if (!sz)
		return;
	/*
	 * zone_pcp_show() prints online CPUs only, each under its own "cpu: N": the parser
	 * keeps them by N and counts to the highest, so an offline CPU in between is a 0
	 * here, not the next CPU's figures.
	 */
	zr->check_pcp_cpus = sz->nr_pcp_cpus < MF_MAX_PCP_CPUS ? sz->nr_pcp_cpus : MF_MAX_PCP_CPUS;
	for (c = 0; c < zr->check_pcp_cpus; c++) {
		zr->check_kernel_pcp_cpu[c] = sz->pcp[c].count;
		zr->check_model_pcp_cpu[c] = mf_model_zone_cpu_pcp_pages(rp->m, z, c);
	}
}

/*
 * A capture that caught a free page reporting batch (mf_reporting_batch()) in one zone:
 * add[z][] gets its blocks, to be counted free for the errors.
 */
static void reporting_batch(struct replay *rp, const struct mf_state *st,
			    uint64_t add[MF_MAX_ZONES][MF_MAX_ORDERS])
{
	int nr_orders = mf_model_params(rp->m)->max_order + 1, z, order = st->reporting_order;

	memset(add, 0, MF_MAX_ZONES * sizeof(add[0]));
	/* a periodic capture does not read the setting: the recording's start did */
	if (order == MF_REPORTING_UNKNOWN && rp->start.st)
		order = rp->start.st->reporting_order;
	if (order < 0)
		return;
	for (z = 0; z < rp->r->nr_zones; z++) {
		uint64_t model[MF_MAX_ORDERS], kernel[MF_MAX_ORDERS];

		if (zone_pair(rp, st, z, model, kernel) &&
		    mf_reporting_batch(order, nr_orders, model, kernel, add[z]))
			return;		/* one batch at a time: one worker, zone after zone */
	}
}

/* Count a zone's blocks of the batch free on the kernel's side; returns how many. */
static uint64_t reporting_add(const uint64_t *add, uint64_t *kernel, int nr_orders)
{
	uint64_t n = 0;
	int o;

	for (o = 0; o < nr_orders; o++) {
		kernel[o] += add[o];
		n += add[o];
	}
	return n;
}

/*
 * One point of the drift series: the model now against a capture's buddyinfo.  Returns its
 * index in r->checks, or -1.  Lost intervals still waiting for a capture get this one.
 */
int replay_add_check_point(struct replay *rp, const struct capture *c, const char *name,
			   uint64_t ts)
{
	struct mf_result *r = rp->r;
	int nr_orders = mf_model_params(rp->m)->max_order + 1, z, i;
	uint64_t add[MF_MAX_ZONES][MF_MAX_ORDERS];
	struct mf_check_point *cp;

	cp = realloc(r->checks, (size_t)(r->nr_checks + 1) * sizeof(*cp));
	if (!cp)
		return -1;
	r->checks = cp;
	cp = &r->checks[r->nr_checks++];
	memset(cp, 0, sizeof(*cp));
	snprintf(cp->name, sizeof(cp->name), "%s", name);
	cp->ts = ts;
	for (i = 0; i < r->nr_lost_intervals; i++)
		if (!r->lost_intervals[i].next_capture[0]) {
			snprintf(r->lost_intervals[i].next_capture,
				 sizeof(r->lost_intervals[i].next_capture), "%s", name);
			cp->after_lost = true;
		}
	reporting_batch(rp, c->st, add);
	for (z = 0; z < r->nr_zones; z++) {
		uint64_t model[MF_MAX_ORDERS], kernel[MF_MAX_ORDERS];

		if (!zone_pair(rp, c->st, z, model, kernel))
			continue;
		cp->zones[cp->nr_zones].reporting_blocks = reporting_add(add[z], kernel, nr_orders);
		cp->zones[cp->nr_zones].node = r->zones[z].node;
		snprintf(cp->zones[cp->nr_zones].name, sizeof(cp->zones[0].name), "%s",
			 r->zones[z].name);
		cp->zones[cp->nr_zones].free_blocks_error = blocks_error(model, kernel, nr_orders);
		cp->zones[cp->nr_zones].has_pcp =
			pcp_pair(rp, c->st, z, &cp->zones[cp->nr_zones].model_pcp_pages,
				 &cp->zones[cp->nr_zones].kernel_pcp_pages) != NULL;
		cp->nr_zones++;
	}
	return r->nr_checks - 1;
}

/*
 * ev->missed: the ring buffer dropped events on ev's CPU between the CPU's previous event
 * and this one.  One entry per CPU until the next capture: a later loss on the same CPU
 * before any capture widens it (what the model lost is only known again at a capture).
 */
void replay_note_lost(struct replay *rp, const struct mf_event *ev)
{
	struct mf_result *r = rp->r;
	struct mf_lost_interval *li = NULL;
	uint64_t from = r->first_ts;
	int i;

	if (ev->cpu >= 0 && ev->cpu < rp->nr_cpu_ts && rp->cpu_last_ts[ev->cpu])
		from = rp->cpu_last_ts[ev->cpu];
	for (i = r->nr_lost_intervals - 1; i >= 0; i--)
		if (r->lost_intervals[i].cpu == ev->cpu && !r->lost_intervals[i].next_capture[0]) {
			li = &r->lost_intervals[i];
			break;
		}
	if (!li) {
		li = realloc(r->lost_intervals, (size_t)(r->nr_lost_intervals + 1) * sizeof(*li));
		if (!li)
			return;
		r->lost_intervals = li;
		li = &r->lost_intervals[r->nr_lost_intervals++];
		memset(li, 0, sizeof(*li));
		li->cpu = ev->cpu;
		li->from_ts = from;
	}
	li->to_ts = ev->ts;
	if (ev->missed == MF_MISSED_UNKNOWN)
		li->unknown++;
	else
		li->events += ev->missed;
}

/* The model was reset to check point check_idx: it, and the losses before it, say so. */
void replay_note_reanchor(struct replay *rp, int check_idx)
{
	struct mf_result *r = rp->r;
	int i;

	r->nr_reanchored++;
	if (check_idx < 0 || check_idx >= r->nr_checks)
		return;
	r->checks[check_idx].reanchored = true;
	for (i = 0; i < r->nr_lost_intervals; i++)
		if (r->lost_intervals[i].next_capture[0] && !r->lost_intervals[i].reanchored_at[0])
			snprintf(r->lost_intervals[i].reanchored_at,
				 sizeof(r->lost_intervals[i].reanchored_at), "%s",
				 r->checks[check_idx].name);
}

static uint64_t event_count(const struct mf_result *r, const char *name)
{
	int i;

	for (i = 0; i < r->nr_event_counts; i++)
		if (!strcmp(r->event_counts[i].name, name))
			return r->event_counts[i].count;
	return 0;
}

/*
 * No compaction event names the free pages the free scanner isolated: only
 * pagemap:mm_lru_insertion of each migration target (folio_add_lru(dst) in
 * migrate_folio_move()) shows them.  Without it the model guesses, and on heavy direct
 * compaction its free block counts drift by 2% to 60% where they stay within about 1%
 * with it (bench/README.md): say so, since trace-cmd's usual "-e kmem -e compaction"
 * leaves the event out.
 */
void replay_target_warning(struct replay *rp)
{
	struct mf_result *r = rp->r;
	uint64_t runs = event_count(r, "mm_compaction_migratepages");

	if (!runs || event_count(r, "mm_lru_insertion"))
		return;
	replay_warnf(r, "%s: %llu mm_compaction_migratepages but no pagemap:mm_lru_insertion: the "
		     "model guesses which free pages compaction took as migration targets, and its "
		     "free block counts can drift (record with mmfrag record, or add "
		     "-e pagemap:mm_lru_insertion to trace-cmd record)", rp->o->trace,
		     (unsigned long long)runs);
}

/* At the end: each loss the model was not re-anchored after, named with where to look. */
void replay_lost_warnings(struct replay *rp)
{
	struct mf_result *r = rp->r;
	int i;

	for (i = 0; i < r->nr_lost_intervals; i++) {
		const struct mf_lost_interval *li = &r->lost_intervals[i];
		char amount[64];

		if (li->reanchored_at[0])
			continue;
		if (li->unknown && li->events)
			snprintf(amount, sizeof(amount), "%llu events and more", (unsigned long long)li->events);
		else if (li->unknown)
			snprintf(amount, sizeof(amount), "an unknown number of events");
		else
			snprintf(amount, sizeof(amount), "%llu events", (unsigned long long)li->events);
		if (li->next_capture[0])
			replay_warnf(r, "CPU %d lost %s between %.6f and %.6f: the model may be off from "
				     "there; the first capture after is '%s'%s", li->cpu, amount,
				     li->from_ts / 1e9, li->to_ts / 1e9, li->next_capture,
				     r->reanchor ? " (no kpageflags there: not re-anchored)" :
						   " (--reanchor resets the model at a capture with kpageflags)");
		else
			replay_warnf(r, "CPU %d lost %s between %.6f and %.6f: the model may be off from "
				     "there, and no capture after it checks it", li->cpu, amount,
				     li->from_ts / 1e9, li->to_ts / 1e9);
	}
}

/* The model at the check capture's time against the kernel's buddyinfo, zone by zone. */
void replay_do_check(struct replay *rp, uint64_t ts)
{
	struct mf_result *r = rp->r;
	int nr_orders = mf_model_params(rp->m)->max_order + 1, z;
	uint64_t add[MF_MAX_ZONES][MF_MAX_ORDERS];

	r->check_ts = ts;
	reporting_batch(rp, rp->check.st, add);
	for (z = 0; z < r->nr_zones; z++) {
		struct mf_zone_report *zr = &r->zones[z];
		uint64_t model[MF_MAX_ORDERS], kernel[MF_MAX_ORDERS];
		int o;

		if (!zone_pair(rp, rp->check.st, z, model, kernel))
			continue;
		zr->has_check = true;
		memcpy(zr->check_nr_free, kernel, sizeof(kernel));
		memcpy(zr->check_model_nr_free, model, sizeof(model));
		zr->check_reporting_blocks = reporting_add(add[z], kernel, nr_orders);
		zr->free_blocks_error = blocks_error(model, kernel, nr_orders);
		check_pcp(rp, z, zr);
		zr->check_unusable_error = 0;
		for (o = 0; o < nr_orders; o++) {
			zr->check_unusable_diff[o] = mf_unusable_index(model, nr_orders, o) -
						     mf_unusable_index(kernel, nr_orders, o);
			/* the worst order: issue 11's goal is every order within 0.005 */
			if (abs(zr->check_unusable_diff[o]) > zr->check_unusable_error)
				zr->check_unusable_error = abs(zr->check_unusable_diff[o]);
			zr->check_extfrag_diff[o] = mf_fragmentation_index(model, nr_orders, o) -
						    mf_fragmentation_index(kernel, nr_orders, o);
		}
	}
	rp->check.done = true;
	rp->check.check_idx = replay_add_check_point(rp, &rp->check, "end", ts);
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

/* A frame of the memory map, of the model and of every simulation (metrics/pageblocks.c). */
void replay_snap_pageblocks(struct replay *rp, const char *label, uint64_t ts)
{
	int i;

	if (!rp->pb)
		rp->pb = mf_pb_map_new(rp->r->params.pageblock_order);
	if (rp->pb && mf_pb_map_add_model(rp->pb, rp->m, label, ts))
		replay_warnf(rp->r, "memory map at %s: %s", label, strerror(ENOMEM));
	if (rp->nr_sims && !rp->sim_pb)
		rp->sim_pb = calloc((size_t)rp->nr_sims, sizeof(*rp->sim_pb));
	for (i = 0; rp->sim_pb && i < rp->nr_sims; i++) {
		if (!rp->sim_pb[i])
			rp->sim_pb[i] = mf_pb_map_new(mf_sim_pageblock_order(rp->sims[i]));
		if (rp->sim_pb[i] && mf_pb_map_add_sim(rp->sim_pb[i], rp->sims[i], label, ts))
			replay_warnf(rp->r, "simulation %s: memory map at %s: %s",
				     mf_sim_config(rp->sims[i])->name, label, strerror(ENOMEM));
	}
}

void replay_free_pageblocks(struct replay *rp, int nr_sims)
{
	int i;

	mf_pb_map_free(rp->pb);
	rp->pb = NULL;
	for (i = 0; rp->sim_pb && i < nr_sims; i++)
		mf_pb_map_free(rp->sim_pb[i]);
	free(rp->sim_pb);
	rp->sim_pb = NULL;
}

void replay_add_point(struct replay *rp, uint64_t ts)
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
	pt->runs_kcompactd = ob->runs_kcompactd;
	pt->runs_proactive = ob->runs_proactive;
	pt->nr_zones = r->nr_zones;
	for (z = 0; z < r->nr_zones; z++) {
		mf_model_zone_nr_free(rp->m, z, pt->zones[z].nr_free);
		series_zone(&pt->zones[z], mf_model_zone(rp->m, z), nr_orders,
			    mf_hpage_order_clamp(r->params.max_order));
		pt->zones[z].pcp_pages = mf_model_zone_pcp_pages(rp->m, z);
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
			ss->zones[z].pcp_pages = mf_sim_zone_pcp_pages(s, z);
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
	{
		char label[16];

		snprintf(label, sizeof(label), "%d", r->nr_series);
		replay_snap_pageblocks(rp, label, ts);
	}
}

/* compact_* and pgmigrate_* of /proc/vmstat, start capture to check capture */
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

		if (mf_state_vmstat_read(a, names[i], &x) || mf_state_vmstat_read(b, names[i], &y))
			continue;
		snprintf(r->vmstat[r->nr_vmstat].name, sizeof(r->vmstat[0].name), "%s", names[i]);
		r->vmstat[r->nr_vmstat++].delta = y - x;
	}
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
		replay_errf(rp, "%s: %s", rp->o->trace, strerror(ENOMEM));
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
		sr->nr_limits = mf_sim_limits(s, sr->limits, 12);
		if (rp->sim_pb) {
			sr->pageblocks = rp->sim_pb[i];
			rp->sim_pb[i] = NULL;
		}
		/* the simulator's own invariants: a failure here is our bug, said, not hidden */
		if (mf_sim_check(s, buf, sizeof(buf)))
			replay_warnf(r, "simulation %s: internal inconsistency: %s", sr->config.name, buf);
	}
	r->nr_sims = rp->nr_sims;
	return 0;
}

int replay_collect(struct replay *rp)
{
	struct mf_result *r = rp->r;
	const struct mf_reader_info *info = mf_reader_info(rp->rd);
	const char *const *w;
	int nr_orders = r->params.max_order + 1, i, z;
	uint64_t page_events;

	page_events = rp->type_count[MF_EV_PAGE_ALLOC] + rp->type_count[MF_EV_PAGE_FREE] +
		      rp->type_count[MF_EV_ZONE_LOCKED] + rp->type_count[MF_EV_PCPU_DRAIN];
	if (!page_events) {
		replay_errf(rp, "%s: no page-allocator events (kmem:mm_page_alloc, mm_page_free, "
		       "mm_page_alloc_zone_locked, mm_page_pcpu_drain) in the trace",
		       rp->o->trace);
		return -1;
	}

	r->format = info->format;
	r->unknown_lines = mf_reader_unknown_lines(rp->rd);
	r->file_version = info->file_version;
	r->compression = info->compression;
	/* a copy: the result outlives the reader */
	r->uname = info->uname ? strdup(info->uname) : NULL;
	r->nr_cpus = info->nr_cpus;
	r->nr_event_counts = mf_reader_nr_event_names(rp->rd);
	r->event_counts = calloc((size_t)r->nr_event_counts + 1, sizeof(*r->event_counts));
	r->lost_per_cpu = calloc((size_t)r->nr_cpus + 1, sizeof(*r->lost_per_cpu));
	if (!r->event_counts || !r->lost_per_cpu) {
		replay_errf(rp, "%s: %s", rp->o->trace, strerror(ENOMEM));
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
		replay_warnf(r, "%s", *w);

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
	mf_zone_reports_finish(r->zones, r->nr_zones, mf_hpage_order_clamp(r->params.max_order));
	if (rp->start.st && rp->check.st)
		vmstat_deltas(r, rp->start.dir, rp->check.dir);
	r->pageblocks = rp->pb;
	rp->pb = NULL;
	return collect_sims(rp);
}
