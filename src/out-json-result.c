// SPDX-License-Identifier: GPL-2.0
/*
 * The replay result document (schema "mmfrag-replay/1", documented in mmfrag-replay(1)).
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
#include "mmfrag/output.h"
#include "mmfrag/output-result.h"
#include "mmfrag/result.h"

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

static json_t *json_compaction(const struct mf_result *r)
{
	const struct mf_observed *ob = &r->observed;
	json_t *direct, *by_order, *by_prio, *obs, *cp;
	int i;

	direct = outcome(&ob->direct);
	json_object_set_new(direct, "attempts", json_integer((json_int_t)ob->direct_attempts));
	json_object_set_new(direct, "skipped", json_integer((json_int_t)ob->direct_skipped));
	json_object_set_new(direct, "unresolved", json_integer((json_int_t)ob->direct_unresolved));
	by_order = json_array();
	for (i = 0; i < MF_MAX_ORDERS; i++) {
		json_t *e;

		if (!ob->direct_by_order[i].stall)
			continue;
		e = outcome(&ob->direct_by_order[i]);
		json_object_set_new(e, "order", json_integer(i));
		json_array_append_new(by_order, e);
	}
	json_object_set_new(direct, "by_order", by_order);
	by_prio = json_object();
	for (i = 0; i < MF_CP_NR_PRIO; i++)
		json_object_set_new(by_prio, mf_cp_prio_names[i], outcome(&ob->direct_by_prio[i]));
	json_object_set_new(direct, "by_priority", by_prio);

	obs = json_object();
	json_object_set_new(obs, "direct", direct);
	json_object_set_new(obs, "end_status", status_counts(ob->end_status));
	json_object_set_new(obs, "end_status_direct", status_counts(ob->end_status_direct));
	json_object_set_new(obs, "end_status_kcompactd", status_counts(ob->end_status_kcompactd));
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

	cp = json_object();
	json_object_set_new(cp, "observed", obs);
	if (r->nr_vmstat) {
		json_t *vm = json_object();

		for (i = 0; i < r->nr_vmstat; i++)
			json_object_set_new(vm, r->vmstat[i].name,
					    json_integer((json_int_t)r->vmstat[i].delta));
		json_object_set_new(cp, "vmstat", vm);
	}
	return cp;
}

static json_t *json_fallbacks(const struct mf_result *r)
{
	const struct mf_observed *ob = &r->observed;
	json_t *o = json_object(), *by_type = json_array();
	uint64_t total = 0;
	int a, b, c;

	for (a = 0; a < MF_MAX_MT; a++)
		for (b = 0; b < MF_MAX_MT; b++)
			for (c = 0; c < 2; c++) {
				if (!ob->fallback[a][b][c])
					continue;
				total += ob->fallback[a][b][c];
				json_array_append_new(by_type, json_pack("{s:s, s:s, s:i, s:I}",
					"alloc_migratetype", mf_mt_names[a],
					"fallback_migratetype", mf_mt_names[b],
					"change_ownership", c,
					"count", (json_int_t)ob->fallback[a][b][c]));
			}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "fragmenting", json_integer((json_int_t)ob->fallback_fragmenting));
	json_object_set_new(o, "by_type", by_type);
	json_object_set_new(o, "by_alloc_order",
			    mf_json_u64_array(ob->fallback_by_order, r->params.max_order + 1));
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

static json_t *json_fidelity(const struct mf_result *r)
{
	const struct mf_fidelity *f = &r->fidelity;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"events_applied", (json_int_t)f->events_applied,
		"events_before_start", (json_int_t)r->events_before_start,
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
		"pfn_out_of_range", (json_int_t)f->pfn_out_of_range,
		"lost_events", (json_int_t)f->lost_events,
		"lost_unknown", (json_int_t)f->lost_unknown);
}

static json_t *json_series(const struct mf_result *r)
{
	int nr = r->params.max_order + 1, i, z;
	json_t *a = json_array();

	for (i = 0; i < r->nr_series; i++) {
		const struct mf_series_point *p = &r->series[i];
		json_t *zones = json_array();

		for (z = 0; z < p->nr_zones; z++) {
			const struct mf_series_zone *sz = &p->zones[z];
			json_array_append_new(zones, json_pack("{s:i, s:s, s:o, s:o, s:o, s:i}",
				"node", sz->node, "zone", sz->name,
				"free_blocks", mf_json_u64_array(sz->nr_free, nr),
				"unusable_index", mf_json_int_array(sz->unusable_index, nr),
				"extfrag_index", mf_json_int_array(sz->extfrag_index, nr),
				"fragmentation_score", (int)sz->fragmentation_score));
		}
		json_array_append_new(a, json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}",
			"time_ns", (json_int_t)p->ts, "events", (json_int_t)p->events,
			"lost_events", (json_int_t)p->lost, "fallbacks", (json_int_t)p->fallbacks,
			"compaction_direct", outcome(&p->direct), "zones", zones));
	}
	return a;
}

static json_t *json_result(const struct mf_result *r)
{
	json_t *doc = json_object(), *events = json_object(), *zones = json_array(), *model;
	json_t *warnings = json_array();
	int i;

	json_object_set_new(doc, "schema", json_string(MF_RESULT_SCHEMA));
	json_object_set_new(doc, "trace", json_pack("{s:s, s:i, s:s?, s:s?, s:i, s:I, s:I, s:I}",
		"path", r->trace_path, "file_version", r->file_version,
		"compression", r->compression, "uname", r->uname, "nr_cpus", r->nr_cpus,
		"first_ns", (json_int_t)r->first_ts, "last_ns", (json_int_t)r->last_ts,
		"events", (json_int_t)r->nr_events));
	for (i = 0; i < r->nr_event_counts; i++)
		if (r->event_counts[i].count)
			json_object_set_new(events, r->event_counts[i].name,
					    json_integer((json_int_t)r->event_counts[i].count));
	json_object_set_new(doc, "events", events);
	json_object_set_new(doc, "lost_events", json_integer((json_int_t)r->lost_events));
	json_object_set_new(doc, "lost_events_unknown", json_integer((json_int_t)r->lost_unknown));
	json_object_set_new(doc, "lost_events_per_cpu", mf_json_u64_array(r->lost_per_cpu, r->nr_cpus));

	for (i = 0; i < r->nr_zones; i++)
		json_array_append_new(zones, mf_json_zone(&r->zones[i]));
	json_object_set_new(doc, "zones", zones);
	json_object_set_new(doc, "fallbacks", json_fallbacks(r));
	json_object_set_new(doc, "compaction", json_compaction(r));
	json_object_set_new(doc, "allocations", json_allocations(r));
	json_object_set_new(doc, "fidelity", json_fidelity(r));

	model = json_pack("{s:s, s:i, s:i, s:s}", "mode", "observe",
			  "max_order", r->params.max_order,
			  "pageblock_order", r->params.pageblock_order,
			  "zones_from", r->zones_from);
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
	if (r->nr_checks) {
		json_t *checks = json_array();
		int c, z;

		for (c = 0; c < r->nr_checks; c++) {
			const struct mf_check_point *cp = &r->checks[c];
			json_t *cz = json_array();

			for (z = 0; z < cp->nr_zones; z++)
				json_array_append_new(cz, json_pack("{s:i, s:s, s:f}",
					"node", cp->zones[z].node, "zone", cp->zones[z].name,
					"free_blocks_error", cp->zones[z].free_blocks_error));
			json_array_append_new(checks, json_pack("{s:s, s:I, s:o}",
				"capture", cp->name, "time_ns", (json_int_t)cp->ts, "zones", cz));
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

/* A temporary file beside the target, renamed into place: never half a document. */
static int save_atomic(json_t *doc, const char *path)
{
	char *tmp;
	FILE *f;
	int ret = -1;

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		mf_err("%s: %s", path, strerror(ENOMEM));
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		mf_err("%s: cannot write: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (mf_json_dump(doc, f) || fflush(f) || ferror(f)) {
		mf_err("%s: cannot write: %s", path, strerror(errno ? errno : EIO));
		fclose(f);
	} else if (fclose(f)) {
		mf_err("%s: cannot write: %s", path, strerror(errno));
	} else if (rename(tmp, path)) {
		mf_err("%s: cannot write: %s", path, strerror(errno));
	} else {
		ret = 0;
	}
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

int mf_result_emit(const struct mf_result *r, const char *path, FILE *stream)
{
	json_t *doc = json_result(r);
	int ret = 0;

	if (!doc) {
		mf_err("%s: cannot build the result document", r->trace_path);
		return -1;
	}
	if (path)
		ret = save_atomic(doc, path);
	if (!ret && stream && mf_json_dump(doc, stream)) {
		mf_err("stdout: %s", strerror(errno));
		ret = -1;
	}
	json_decref(doc);
	return ret;
}
