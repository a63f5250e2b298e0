// SPDX-License-Identifier: GPL-2.0
/*
 * The replay result document (schema "mmfrag-replay/1", documented in mmfrag-result(5) and doc/mmfrag-result.schema.json).
 * JSON carries raw integers: pages, blocks, nanoseconds, indices in the kernel's
 * thousandths.  Units and rounding exist only in the tables.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "mmfrag/observe.h"
#include "mmfrag/outfile.h"
#include "mmfrag/output.h"
#include "mmfrag/output-result.h"
#include "mmfrag/result.h"
#include "mmfrag/sim-config.h"

static json_t *outcome(const struct mf_cp_outcome *c)
{
	json_t *o = json_pack("{s:I, s:I, s:I}", "stall", (json_int_t)c->stall,
			      "success", (json_int_t)c->success, "fail", (json_int_t)c->fail);

	/* mmtests' "compaction efficiency": 100 * success / stall */
	if (c->stall)
		json_object_set_new(o, "efficiency",
				    json_real(100.0 * (double)c->success / (double)c->stall));
	else
		json_object_set_new(o, "efficiency", json_null());
	return o;
}

static json_t *status_counts(const uint64_t *v)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < MF_CP_NR_STATUS; i++)
		if (v[i])
			json_object_set_new(o, mf_cp_status_names[i], json_integer((json_int_t)v[i]));
	return o;
}

/* Direct compaction as compact_stall/success/fail count it, by order and priority. */
static json_t *json_direct(const struct mf_cp_outcome *all, const struct mf_cp_outcome *by_order,
			   const struct mf_cp_outcome *by_prio, uint64_t attempts, uint64_t skipped)
{
	json_t *direct = outcome(all), *orders = json_array(), *prios = json_object();
	int i;

	json_object_set_new(direct, "attempts", json_integer((json_int_t)attempts));
	json_object_set_new(direct, "skipped", json_integer((json_int_t)skipped));
	for (i = 0; i < MF_MAX_ORDERS; i++) {
		json_t *e;

		if (!by_order[i].stall)
			continue;
		e = outcome(&by_order[i]);
		json_object_set_new(e, "order", json_integer(i));
		json_array_append_new(orders, e);
	}
	json_object_set_new(direct, "by_order", orders);
	for (i = 0; i < MF_CP_NR_PRIO; i++)
		json_object_set_new(prios, mf_cp_prio_names[i], outcome(&by_prio[i]));
	json_object_set_new(direct, "by_priority", prios);
	return direct;
}

static int64_t vmstat_delta(const struct mf_result *r, const char *name, bool *found)
{
	int i;

	for (i = 0; i < r->nr_vmstat; i++)
		if (!strcmp(r->vmstat[i].name, name))
			return r->vmstat[i].delta;
	*found = false;
	return 0;
}

/* Background runs that ended with COMPACT_SUCCESS: runs, success, 100 * success / runs. */
static json_t *background(uint64_t runs, const uint64_t *end_status)
{
	uint64_t ok = end_status[MF_CP_NR_STATUS - 1];	/* success */
	json_t *o = json_pack("{s:I, s:I}", "runs", (json_int_t)runs, "success", (json_int_t)ok);

	json_object_set_new(o, "efficiency", runs ? json_real(100.0 * (double)ok / (double)runs) :
				json_null());
	return o;
}

/* A direct outcome with kcompactd's and proactive compaction's beside it. */
static json_t *rates(const struct mf_cp_outcome *direct, uint64_t kcd_runs, const uint64_t *kcd,
		     uint64_t pro_runs, const uint64_t *pro)
{
	json_t *o = outcome(direct);

	json_object_set_new(o, "kcompactd", background(kcd_runs, kcd));
	json_object_set_new(o, "proactive", background(pro_runs, pro));
	return o;
}

/* Compaction success as the trace, /proc/vmstat and every simulation saw it. */
static json_t *json_success_rates(const struct mf_result *r)
{
	const struct mf_observed *ob = &r->observed;
	json_t *o = json_object(), *sims = json_object();
	struct mf_cp_outcome vm;
	bool found = true;
	int i;

	json_object_set_new(o, "observed", rates(&ob->direct, ob->runs_kcompactd, ob->end_status_kcompactd,
						 ob->runs_proactive, ob->end_status_proactive));
	vm.stall = (uint64_t)vmstat_delta(r, "compact_stall", &found);
	vm.success = (uint64_t)vmstat_delta(r, "compact_success", &found);
	vm.fail = (uint64_t)vmstat_delta(r, "compact_fail", &found);
	json_object_set_new(o, "vmstat", found && r->nr_vmstat ? outcome(&vm) : json_null());
	for (i = 0; i < r->nr_sims; i++) {
		const struct mf_sim_compaction *c = &r->sims[i].stats.cp;

		json_object_set_new(sims, r->sims[i].config.name,
				    rates(&c->direct, c->runs_kcompactd, c->end_status_kcompactd,
					  c->runs_proactive, c->end_status_proactive));
	}
	json_object_set_new(o, "simulated", sims);
	return o;
}

static json_t *json_compaction(const struct mf_result *r)
{
	const struct mf_observed *ob = &r->observed;
	json_t *direct, *obs, *cp;
	int i;

	direct = json_direct(&ob->direct, ob->direct_by_order, ob->direct_by_prio,
			     ob->direct_attempts, ob->direct_skipped);
	json_object_set_new(direct, "unresolved", json_integer((json_int_t)ob->direct_unresolved));

	obs = json_object();
	json_object_set_new(obs, "direct", direct);
	json_object_set_new(obs, "end_status", status_counts(ob->end_status));
	json_object_set_new(obs, "end_status_direct", status_counts(ob->end_status_direct));
	json_object_set_new(obs, "end_status_kcompactd", status_counts(ob->end_status_kcompactd));
	json_object_set_new(obs, "end_status_proactive", status_counts(ob->end_status_proactive));
	json_object_set_new(obs, "suitable", status_counts(ob->suitable));
	json_object_set_new(obs, "runs", json_pack("{s:I, s:I, s:I, s:I}",
		"direct", (json_int_t)ob->runs_direct, "kcompactd", (json_int_t)ob->runs_kcompactd,
		"proactive", (json_int_t)ob->runs_proactive, "other", (json_int_t)ob->runs_other));
	json_object_set_new(obs, "kcompactd_wake", json_integer((json_int_t)ob->kcompactd_wake));
	json_object_set_new(obs, "wakeup_kcompactd", json_integer((json_int_t)ob->wakeup_kcompactd));
	json_object_set_new(obs, "kcompactd_sleep", json_integer((json_int_t)ob->kcompactd_sleep));
	json_object_set_new(obs, "deferred", json_integer((json_int_t)ob->deferred));
	json_object_set_new(obs, "defer_compaction", json_integer((json_int_t)ob->defer_compaction));
	json_object_set_new(obs, "defer_reset", json_integer((json_int_t)ob->defer_reset));
	json_object_set_new(obs, "pages_migrated", json_integer((json_int_t)ob->migrated));
	json_object_set_new(obs, "pages_migrate_failed", json_integer((json_int_t)ob->migrate_failed));
	json_object_set_new(obs, "isolated_migrate", json_integer((json_int_t)ob->isolated_migrate));
	json_object_set_new(obs, "isolated_free", json_integer((json_int_t)ob->isolated_free));
	json_object_set_new(obs, "scanned_migrate", json_integer((json_int_t)ob->scanned_migrate));
	json_object_set_new(obs, "scanned_free", json_integer((json_int_t)ob->scanned_free));
	json_object_set_new(obs, "pages_scanned",
			    json_integer((json_int_t)(ob->scanned_migrate + ob->scanned_free)));

	cp = json_object();
	json_object_set_new(cp, "observed", obs);
	if (r->nr_vmstat) {
		json_t *vm = json_object();

		for (i = 0; i < r->nr_vmstat; i++)
			json_object_set_new(vm, r->vmstat[i].name,
					    json_integer((json_int_t)r->vmstat[i].delta));
		json_object_set_new(cp, "vmstat", vm);
	}
	json_object_set_new(cp, "success_rates", json_success_rates(r));
	return cp;
}

/* Fallbacks as mm_page_alloc_extfrag reports them: [alloc mt][fallback mt][ownership]. */
static json_t *json_fallback_counts(const uint64_t fb[MF_MAX_MT][MF_MAX_MT][2],
				    uint64_t fragmenting, const uint64_t *by_order, int nr_orders)
{
	json_t *o = json_object(), *by_type = json_array();
	uint64_t total = 0;
	int a, b, c;

	for (a = 0; a < MF_MAX_MT; a++)
		for (b = 0; b < MF_MAX_MT; b++)
			for (c = 0; c < 2; c++) {
				if (!fb[a][b][c])
					continue;
				total += fb[a][b][c];
				json_array_append_new(by_type, json_pack("{s:s, s:s, s:i, s:I}",
					"alloc_migratetype", mf_mt_names[a],
					"fallback_migratetype", mf_mt_names[b],
					"change_ownership", c,
					"count", (json_int_t)fb[a][b][c]));
			}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "fragmenting", json_integer((json_int_t)fragmenting));
	json_object_set_new(o, "by_type", by_type);
	json_object_set_new(o, "by_alloc_order", mf_json_u64_array(by_order, nr_orders));
	return o;
}

static json_t *json_fallbacks(const struct mf_result *r)
{
	const struct mf_observed *ob = &r->observed;

	return json_fallback_counts(ob->fallback, ob->fallback_fragmenting, ob->fallback_by_order,
				    r->params.max_order + 1);
}

/* "config": every knob of the table; null where it is the traced kernel's */
static json_t *json_sim_config(const struct mf_sim_config *c)
{
	const struct mf_sim_knob *k;
	json_t *o = json_object();
	int64_t v;

	for (k = mf_sim_knobs; k->name; k++) {
		if (k->type == MF_KNOB_NAME)	/* the simulation's own "name" */
			continue;
		if (!mf_sim_knob_value(c, k, &v))
			json_object_set_new(o, k->name, json_null());
		else if (k->type == MF_KNOB_BOOL)
			json_object_set_new(o, k->name, json_boolean(v));
		else if (k->type == MF_KNOB_ENUM)
			json_object_set_new(o, k->name, json_string(k->words[v]));
		else
			json_object_set_new(o, k->name, json_integer((json_int_t)v));
	}
	return o;
}

/* RFC 4648 base64 of the packed pageblock records: JSON strings carry no bytes. */
static json_t *json_base64(const uint8_t *p, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	json_t *s;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);

		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	s = json_string(out);
	free(out);
	return s;
}

/* The memory map (pageblocks.h): one object per frame, one packed string per zone. */
static json_t *json_pageblocks(const struct mf_pb_map *map)
{
	json_t *frames = json_array();
	int i, z;

	for (i = 0; i < map->nr_frames; i++) {
		const struct mf_pb_frame *f = &map->frames[i];
		json_t *zones = json_array();

		for (z = 0; z < f->nr_zones; z++) {
			const struct mf_pb_zone_frame *zf = &f->zones[z];

			json_array_append_new(zones, json_pack("{s:i, s:s, s:I, s:I, s:b, s:o}",
				"node", zf->node, "zone", zf->name,
				"first_pfn", (json_int_t)zf->first_pfn,
				"pageblocks", (json_int_t)zf->nr_pageblocks, "key", zf->key,
				"data", json_base64(zf->data, zf->len)));
		}
		json_array_append_new(frames, json_pack("{s:s, s:I, s:o}", "label", f->label,
			"time_ns", (json_int_t)f->ts, "zones", zones));
	}
	return json_pack("{s:s, s:i, s:o}", "encoding", "mmfrag-pageblocks/1",
			 "pageblock_order", map->pageblock_order, "frames", frames);
}

static json_t *json_sim(const struct mf_sim_result *sr)
{
	const struct mf_sim_stats *st = &sr->stats;
	const struct mf_sim_compaction *c = &st->cp;
	int nr = sr->max_order + 1, i;
	json_t *o = json_object(), *zones = json_array(), *wm = json_array(), *cp, *model;
	uint64_t failures = 0;

	json_object_set_new(o, "name", json_string(sr->config.name));
	json_object_set_new(o, "config_text", json_string(sr->config.text));
	json_object_set_new(o, "config", json_sim_config(&sr->config));
	json_object_set_new(o, "limits", json_array());
	for (i = 0; i < sr->nr_limits; i++)
		json_array_append_new(json_object_get(o, "limits"), json_string(sr->limits[i]));
	for (i = 0; i < sr->nr_zones; i++) {
		json_array_append_new(zones, mf_json_zone(&sr->zones[i]));
		json_array_append_new(wm, json_pack("{s:i, s:s, s:I, s:I, s:I}",
			"node", sr->zones[i].node, "zone", sr->zones[i].name,
			"min", (json_int_t)sr->wmark[i][0], "low", (json_int_t)sr->wmark[i][1],
			"high", (json_int_t)sr->wmark[i][2]));
	}
	model = json_pack("{s:s, s:i, s:i, s:b, s:s, s:o}", "mode", "simulate",
			  "max_order", sr->max_order, "pageblock_order", sr->pageblock_order,
			  "mobility_disabled", sr->mobility_disabled, "zones_from", sr->zones_from,
			  "watermarks", wm);
	json_object_set_new(o, "model", model);
	json_object_set_new(o, "zones", zones);

	cp = json_object();
	json_object_set_new(cp, "direct", json_direct(&c->direct, c->direct_by_order, c->direct_by_prio,
						      c->direct_attempts, c->direct_skipped));
	json_object_set_new(cp, "by_order", json_incref(json_object_get(json_object_get(cp, "direct"),
									"by_order")));
	json_object_set_new(cp, "runs", json_pack("{s:I, s:I, s:I, s:I}",
		"direct", (json_int_t)c->runs_direct, "kcompactd", (json_int_t)c->runs_kcompactd,
		"proactive", (json_int_t)c->runs_proactive, "manual", (json_int_t)c->runs_manual));
	json_object_set_new(cp, "end_status", status_counts(c->end_status));
	json_object_set_new(cp, "end_status_direct", status_counts(c->end_status_direct));
	json_object_set_new(cp, "end_status_kcompactd", status_counts(c->end_status_kcompactd));
	json_object_set_new(cp, "end_status_proactive", status_counts(c->end_status_proactive));
	json_object_set_new(cp, "suitable", status_counts(c->suitable));
	json_object_set_new(cp, "kcompactd_wake", json_integer((json_int_t)c->kcompactd_wake));
	json_object_set_new(cp, "wakeup_kcompactd", json_integer((json_int_t)c->wakeup_kcompactd));
	json_object_set_new(cp, "kswapd_wake", json_integer((json_int_t)c->kswapd_wake));
	json_object_set_new(cp, "kswapd_wake_traced", json_integer((json_int_t)c->kswapd_wake_traced));
	json_object_set_new(cp, "proactive_rounds", json_integer((json_int_t)c->proactive_rounds));
	json_object_set_new(cp, "deferred", json_integer((json_int_t)c->deferred));
	json_object_set_new(cp, "defer_compaction", json_integer((json_int_t)c->defer_compaction));
	json_object_set_new(cp, "defer_reset", json_integer((json_int_t)c->defer_reset));
	json_object_set_new(cp, "pages_scanned",
			    json_integer((json_int_t)(c->migrate_scanned + c->free_scanned)));
	json_object_set_new(cp, "scanned_migrate", json_integer((json_int_t)c->migrate_scanned));
	json_object_set_new(cp, "scanned_free", json_integer((json_int_t)c->free_scanned));
	json_object_set_new(cp, "isolated_migrate", json_integer((json_int_t)c->isolated_migrate));
	json_object_set_new(cp, "isolated_free", json_integer((json_int_t)c->isolated_free));
	json_object_set_new(cp, "pages_migrated", json_integer((json_int_t)c->migrated));
	json_object_set_new(cp, "pages_migrate_failed", json_integer((json_int_t)c->migrate_failed));
	json_object_set_new(cp, "captured", json_integer((json_int_t)c->captured));
	json_object_set_new(o, "compaction", cp);

	for (i = 0; i < MF_MAX_ORDERS; i++)
		failures += st->failures[i];
	json_object_set_new(o, "allocations", json_pack("{s:o, s:o, s:o, s:o, s:I}",
		"requests_by_order", mf_json_u64_array(st->requests, nr),
		"failures_by_order", mf_json_u64_array(st->failures, nr),
		"kernel_failures_by_order", mf_json_u64_array(st->kernel_failed, nr),
		"slowpath_by_order", mf_json_u64_array(st->slowpath, nr),
		"failures", (json_int_t)failures));
	json_object_set_new(o, "fallbacks", json_fallback_counts(st->fallback, st->fallback_fragmenting,
								 st->fallback_by_order, nr));
	json_object_set_new(o, "watermark_boosts", json_integer((json_int_t)st->boosts));
	if (sr->pageblocks)
		json_object_set_new(o, "pageblocks", json_pageblocks(sr->pageblocks));
	json_object_set_new(o, "workload", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"placed", (json_int_t)st->placed,
		"placed_as_traced", (json_int_t)st->placed_as_traced,
		"frees", (json_int_t)st->frees, "frees_unmatched", (json_int_t)st->frees_unmatched,
		"frees_of_failed", (json_int_t)st->frees_of_failed,
		"frees_after_migration", (json_int_t)st->frees_after_migration,
		"kernel_migrations", (json_int_t)st->kernel_migrations,
		"stale_released", (json_int_t)st->stale_released,
		"reclaim_drains", (json_int_t)st->reclaim_drains,
		"pcp_pages", (json_int_t)st->pcp_pages));
	return o;
}

static json_t *json_allocations(const struct mf_result *r)
{
	const struct mf_observed *ob = &r->observed;
	int nr = r->params.max_order + 1, o, t;
	json_t *by_type = json_object();

	for (t = 0; t < MF_MAX_MT; t++) {
		uint64_t v[MF_MAX_ORDERS];
		uint64_t sum = 0;

		for (o = 0; o < nr; o++) {
			v[o] = ob->alloc[o][t];
			sum += v[o];
		}
		if (sum)
			json_object_set_new(by_type, mf_mt_names[t], mf_json_u64_array(v, nr));
	}
	return json_pack("{s:o, s:o, s:o}", "by_type", by_type,
			 "failures_by_order", mf_json_u64_array(ob->alloc_fail, nr),
			 "frees_by_order", mf_json_u64_array(ob->free, nr));
}

/* The repairs of the start capture's scan window, in events (see replay.c). */
static uint64_t window_repairs(const struct mf_fidelity *w)
{
	return w->free_of_free + w->free_of_pcp + w->alloc_not_free + w->alloc_unknown +
	       w->alloc_of_pcp_elsewhere + w->alloc_of_allocated + w->alloc_from_buddy +
	       w->drain_not_pcp + w->drain_unknown + w->pcp_passed_over + w->pageblock_retyped +
	       w->cp_isolate_mismatch + w->cp_isolation_swapped + w->cp_isolation_replaced +
	       w->cp_window_not_free + w->cp_dest_taken + w->lru_of_free;
}

static json_t *json_fidelity(const struct mf_result *r)
{
	const struct mf_fidelity *f = &r->fidelity;
	/* the pages each repair touched, beside its count of events */
	const struct { const char *name; uint64_t v; } pages[] = {
		{ "free_of_pcp_pages", f->free_of_pcp_pages },
		{ "alloc_not_free_pages", f->alloc_not_free_pages },
		{ "alloc_unknown_pages", f->alloc_unknown_pages },
		{ "alloc_of_pcp_elsewhere_pages", f->alloc_of_pcp_elsewhere_pages },
		{ "alloc_of_allocated_pages", f->alloc_of_allocated_pages },
		{ "alloc_from_buddy_pages", f->alloc_from_buddy_pages },
		{ "drain_not_pcp_pages", f->drain_not_pcp_pages },
		{ "drain_unknown_pages", f->drain_unknown_pages },
		{ "pcp_passed_over", f->pcp_passed_over },
		{ "pcp_passed_over_pages", f->pcp_passed_over_pages },
		{ "pcp_bulk_taken", f->pcp_bulk_taken },
		{ "pcp_locked_frees", f->pcp_locked_frees },
		{ "pageblock_retyped_pages", f->pageblock_retyped_pages },
		{ "compaction_isolate_mismatch_pages", f->cp_isolate_mismatch_pages },
		{ "compaction_isolation_swapped_pages", f->cp_isolation_swapped_pages },
		{ "compaction_isolation_replaced", f->cp_isolation_replaced },
		{ "compaction_isolation_replaced_pages", f->cp_isolation_replaced_pages },
		{ "compaction_window_not_free", f->cp_window_not_free },
		{ "compaction_window_not_free_pages", f->cp_window_not_free_pages },
		/* runs without mm_lru_insertion: targets by compaction_alloc()'s order */
		{ "compaction_targets_predicted", f->cp_targets_predicted },
		{ "compaction_targets_unsure", f->cp_targets_unsure },
		{ "compaction_targets_inferred", f->cp_targets_inferred },
		{ "compaction_captured", f->cp_captured },
		{ "compaction_captured_pages", f->cp_captured_pages },
	};
	json_t *o;
	size_t i;

	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"events_applied", (json_int_t)f->events_applied,
		"events_before_start", (json_int_t)r->events_before_start,
		"start_window_events", (json_int_t)r->start_window_events,
		"start_window_repairs", (json_int_t)window_repairs(&r->start_window_fidelity),
		"free_of_free", (json_int_t)f->free_of_free,
		"free_of_free_pages", (json_int_t)f->free_of_free_pages,
		"free_of_pcp", (json_int_t)f->free_of_pcp,
		"alloc_not_free", (json_int_t)f->alloc_not_free,
		"alloc_unknown", (json_int_t)f->alloc_unknown,
		"alloc_of_pcp_elsewhere", (json_int_t)f->alloc_of_pcp_elsewhere,
		"alloc_of_allocated", (json_int_t)f->alloc_of_allocated,
		"alloc_from_buddy", (json_int_t)f->alloc_from_buddy,
		"drain_not_pcp", (json_int_t)f->drain_not_pcp,
		"drain_unknown", (json_int_t)f->drain_unknown,
		"pageblock_retyped", (json_int_t)f->pageblock_retyped,
		"extfrag_claims", (json_int_t)f->extfrag_claims,
		"compaction_isolated_pages", (json_int_t)f->cp_isolated_pages,
		"compaction_isolate_short", (json_int_t)f->cp_isolate_short,
		"compaction_isolate_mismatch", (json_int_t)f->cp_isolate_mismatch,
		"compaction_isolation_swapped", (json_int_t)f->cp_isolation_swapped,
		"compaction_targets_taken", (json_int_t)f->cp_dest_taken,
		"compaction_released_pages", (json_int_t)f->cp_released_pages,
		"lru_insert_of_free", (json_int_t)f->lru_of_free,
		"pfn_out_of_range", (json_int_t)f->pfn_out_of_range,
		"lost_events", (json_int_t)f->lost_events,
		"lost_unknown", (json_int_t)f->lost_unknown);
	for (i = 0; o && i < ARRAY_SIZE(pages); i++)
		json_object_set_new(o, pages[i].name, json_integer((json_int_t)pages[i].v));
	return o;
}

static json_t *series_zones(const struct mf_series_zone *zs, int nr_zones, int nr)
{
	json_t *zones = json_array();
	int z;

	for (z = 0; z < nr_zones; z++)
		json_array_append_new(zones, json_pack("{s:i, s:s, s:o, s:I, s:o, s:o, s:i}",
			"node", zs[z].node, "zone", zs[z].name,
			"free_blocks", mf_json_u64_array(zs[z].nr_free, nr),
			"pcp_pages", (json_int_t)zs[z].pcp_pages,
			"unusable_index", mf_json_int_array(zs[z].unusable_index, nr),
			"extfrag_index", mf_json_int_array(zs[z].extfrag_index, nr),
			"fragmentation_score", (int)zs[z].fragmentation_score));
	return zones;
}

static json_t *json_series(const struct mf_result *r)
{
	int nr = r->params.max_order + 1, i, j;
	json_t *a = json_array();

	for (i = 0; i < r->nr_series; i++) {
		const struct mf_series_point *p = &r->series[i];
		json_t *pt = json_pack("{s:I, s:I, s:I, s:I, s:o, s:{s:I, s:I}, s:o}",
			"time_ns", (json_int_t)p->ts, "events", (json_int_t)p->events,
			"lost_events", (json_int_t)p->lost, "fallbacks", (json_int_t)p->fallbacks,
			"compaction_direct", outcome(&p->direct),
			"compaction_runs", "kcompactd", (json_int_t)p->runs_kcompactd,
			"proactive", (json_int_t)p->runs_proactive,
			"zones", series_zones(p->zones, p->nr_zones, nr));

		if (p->nr_sims) {
			json_t *sims = json_object();

			for (j = 0; j < p->nr_sims && j < r->nr_sims; j++)
				json_object_set_new(sims, r->sims[j].config.name, json_pack("{s:o, s:I, s:o}",
					"compaction_direct", outcome(&p->sims[j].direct),
					"allocation_failures", (json_int_t)p->sims[j].failures,
					"zones", series_zones(p->sims[j].zones, p->sims[j].nr_zones,
							      r->sims[j].max_order + 1)));
			json_object_set_new(pt, "simulations", sims);
		}
		json_array_append_new(a, pt);
	}
	return a;
}

static json_t *json_lost_intervals(const struct mf_result *r)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < r->nr_lost_intervals; i++) {
		const struct mf_lost_interval *li = &r->lost_intervals[i];

		json_array_append_new(a, json_pack("{s:i, s:I, s:I, s:I, s:I, s:o, s:o}",
			"cpu", li->cpu, "from_ns", (json_int_t)li->from_ts,
			"to_ns", (json_int_t)li->to_ts, "events", (json_int_t)li->events,
			"unknown_losses", (json_int_t)li->unknown,
			"next_capture", li->next_capture[0] ? json_string(li->next_capture) : json_null(),
			"reanchored_at", li->reanchored_at[0] ? json_string(li->reanchored_at) :
								json_null()));
	}
	return a;
}

static json_t *json_result(const struct mf_result *r)
{
	json_t *doc = json_object(), *events = json_object(), *zones = json_array(), *model;
	json_t *warnings = json_array();
	int i;

	json_object_set_new(doc, "schema", json_string(MF_RESULT_SCHEMA));
	/* a text trace has no file version: null */
	json_object_set_new(doc, "trace", json_pack("{s:s, s:s?, s:o, s:s?, s:s?, s:i, s:I, s:I, s:I, s:I}",
		"path", r->trace_path, "format", r->format,
		"file_version", r->file_version ? json_integer(r->file_version) : json_null(),
		"compression", r->compression, "uname", r->uname, "nr_cpus", r->nr_cpus,
		"first_ns", (json_int_t)r->first_ts, "last_ns", (json_int_t)r->last_ts,
		"events", (json_int_t)r->nr_events, "unknown_lines", (json_int_t)r->unknown_lines));
	for (i = 0; i < r->nr_event_counts; i++)
		if (r->event_counts[i].count)
			json_object_set_new(events, r->event_counts[i].name,
					    json_integer((json_int_t)r->event_counts[i].count));
	json_object_set_new(doc, "events", events);
	json_object_set_new(doc, "lost_events", json_integer((json_int_t)r->lost_events));
	json_object_set_new(doc, "lost_events_unknown", json_integer((json_int_t)r->lost_unknown));
	json_object_set_new(doc, "lost_events_per_cpu", mf_json_u64_array(r->lost_per_cpu, r->nr_cpus));
	json_object_set_new(doc, "lost_intervals", json_lost_intervals(r));

	for (i = 0; i < r->nr_zones; i++)
		json_array_append_new(zones, mf_json_zone(&r->zones[i]));
	json_object_set_new(doc, "zones", zones);
	json_object_set_new(doc, "fallbacks", json_fallbacks(r));
	json_object_set_new(doc, "compaction", json_compaction(r));
	json_object_set_new(doc, "allocations", json_allocations(r));
	json_object_set_new(doc, "fidelity", json_fidelity(r));
	if (r->nr_sims) {
		json_t *sims = json_array();

		for (i = 0; i < r->nr_sims; i++)
			json_array_append_new(sims, json_sim(&r->sims[i]));
		json_object_set_new(doc, "simulations", sims);
	}

	model = json_pack("{s:s, s:i, s:i, s:s, s:b, s:I}", "mode", "observe",
			  "max_order", r->params.max_order,
			  "pageblock_order", r->params.pageblock_order,
			  "zones_from", r->zones_from, "reanchor", r->reanchor,
			  "reanchored", (json_int_t)r->nr_reanchored);
	if (r->start_dir)
		json_object_set_new(model, "start", json_pack("{s:s, s:I, s:s?, s:I, s:I}",
			"state", r->start_dir, "time_ns", (json_int_t)r->start_ts,
			"aligned_by", r->start_aligned_by,
			"seeded_blocks", (json_int_t)r->seeded_blocks,
			"seeded_pages", (json_int_t)r->seeded_pages));
	if (r->check_dir)
		json_object_set_new(model, "check", json_pack("{s:s, s:I, s:s?}",
			"state", r->check_dir, "time_ns", (json_int_t)r->check_ts,
			"aligned_by", r->check_aligned_by));
	json_object_set_new(doc, "model", model);
	if (r->nr_series)
		json_object_set_new(doc, "series", json_series(r));
	if (r->pageblocks)
		json_object_set_new(doc, "pageblocks", json_pageblocks(r->pageblocks));
	if (r->nr_checks) {
		json_t *checks = json_array();
		int c, z;

		for (c = 0; c < r->nr_checks; c++) {
			const struct mf_check_point *cp = &r->checks[c];
			json_t *cz = json_array();

			for (z = 0; z < cp->nr_zones; z++) {
				json_t *o = json_pack("{s:i, s:s, s:f}",
					"node", cp->zones[z].node, "zone", cp->zones[z].name,
					"free_blocks_error", cp->zones[z].free_blocks_error);

				if (cp->zones[z].has_pcp) {
					json_object_set_new(o, "model_pcp_pages",
							    json_integer((json_int_t)cp->zones[z].model_pcp_pages));
					json_object_set_new(o, "kernel_pcp_pages",
							    json_integer((json_int_t)cp->zones[z].kernel_pcp_pages));
				}
				if (cp->zones[z].reporting_blocks)
					json_object_set_new(o, "reporting_blocks",
							    json_integer((json_int_t)cp->zones[z].reporting_blocks));
				json_array_append_new(cz, o);
			}
			json_array_append_new(checks, json_pack("{s:s, s:I, s:o, s:b, s:b}",
				"capture", cp->name, "time_ns", (json_int_t)cp->ts, "zones", cz,
				"reanchored", cp->reanchored, "after_lost_events", cp->after_lost));
		}
		json_object_set_new(doc, "checks", checks);
	}
	for (i = 0; i < r->nr_warnings; i++)
		json_array_append_new(warnings, json_string(r->warnings[i]));
	json_object_set_new(doc, "warnings", warnings);
	return doc;
}

json_t *mf_result_json(const struct mf_result *r)
{
	return json_result(r);
}

/* Whole or untouched, and never a rename over a device (outfile.h). */
static int save_doc(json_t *doc, const char *path, char *err, size_t errlen)
{
	struct mf_outfile of;
	int ret;

	ret = mf_outfile_open(&of, path, err, errlen);
	if (ret)
		return ret;
	if (mf_json_dump(doc, of.f))
		of.error = errno ? errno : EIO;		/* commit reports it */
	return mf_outfile_commit(&of, err, errlen);
}

int mf_result_emit(const struct mf_result *r, const char *path, FILE *stream, char *err,
		   size_t errlen)
{
	json_t *doc = json_result(r);
	int ret = 0;

	if (!doc) {
		snprintf(err, errlen, "%s: cannot build the result document", r->trace_path);
		return -ENOMEM;
	}
	/* "-o -" is standard output: the document goes there once */
	if (path && !strcmp(path, "-") && stream == stdout)
		path = NULL;
	if (path)
		ret = save_doc(doc, path, err, errlen);
	if (!ret && stream && (mf_json_dump(doc, stream) || fflush(stream))) {
		ret = errno ? -errno : -EIO;
		snprintf(err, errlen, "stdout: %s", strerror(-ret));
	}
	json_decref(doc);
	return ret;
}
