// SPDX-License-Identifier: GPL-2.0
/*
 * Human tables of a result document.  They read the saved JSON, so `replay`'s summary and
 * `report` are the same renderer; units and rounding live only here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "mmfrag/common.h"
#include "mmfrag/output.h"
#include "mmfrag/output-result.h"

static json_int_t ival(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static bool zone_wanted(const struct mf_table_opts *t, json_t *z)
{
	const char *name = json_string_value(json_object_get(z, "zone"));

	return !t->zone || (name && !strcasecmp(t->zone, name));
}

/* the kernel's thousandths in 6 columns, after a space (the series' columns) */
static void print_thousandths(FILE *f, json_int_t v)
{
	char buf[32];

	mf_fmt_thousandths(buf, sizeof(buf), (long long)v);
	fprintf(f, " %6s", buf);
}

/* The zone tables are status's too (out-table.c): one printer, the same labels. */
static void section_zones(FILE *f, json_t *doc, const struct mf_table_opts *t)
{
	struct mf_zone_view v = { .zone = t->zone, .order_lo = t->order_lo,
				  .order_hi = t->order_hi, .types = t->sections & MF_SEC_TYPES };

	mf_table_zones(f, json_object_get(doc, "zones"), &v);
}

static void section_summary(FILE *f, json_t *doc)
{
	json_t *tr = json_object_get(doc, "trace"), *model = json_object_get(doc, "model");
	json_t *start = json_object_get(model, "start");

	if (json_is_integer(json_object_get(tr, "file_version")))
		fprintf(f, "trace %s: v%lld, ", json_string_value(json_object_get(tr, "path")),
			(long long)ival(tr, "file_version"));
	else	/* a text trace */
		fprintf(f, "trace %s: %s text, ", json_string_value(json_object_get(tr, "path")),
			json_string_value(json_object_get(tr, "format")) ?: "?");
	fprintf(f, "%s, %lld CPUs, %lld events over %.3f s, %lld lost\n",
		json_string_value(json_object_get(tr, "compression")) ?: "?",
		(long long)ival(tr, "nr_cpus"), (long long)ival(tr, "events"),
		(double)(ival(tr, "last_ns") - ival(tr, "first_ns")) / 1e9,
		(long long)ival(doc, "lost_events"));
	fprintf(f, "model: observe, max order %lld, pageblock order %lld, zones from %s",
		(long long)ival(model, "max_order"), (long long)ival(model, "pageblock_order"),
		json_string_value(json_object_get(model, "zones_from")));
	if (start)
		fprintf(f, ", start state %s (%lld free blocks)",
			json_string_value(json_object_get(start, "state")),
			(long long)ival(start, "seeded_blocks"));
	else
		fprintf(f, ", no start state (only memory the trace frees is known)");
	fputc('\n', f);
}

static json_t *zone_named(json_t *zones, json_int_t node, const char *name);

/* the first check point where some zone's free_blocks_error passes this is marked */
#define DRIFT_MARK	0.01

/*
 * The drift series: the model against every capture it met (start, periodic, end), one
 * column per zone, the first capture past DRIFT_MARK marked; then the lost events.
 */
static void section_drift(FILE *f, json_t *doc, const struct mf_table_opts *t)
{
	json_t *checks = json_object_get(doc, "checks"), *lost = json_object_get(doc, "lost_intervals");
	json_t *zones = json_object_get(doc, "zones"), *cp, *z, *li;
	bool marked = false;
	size_t i, j;

	if (!json_array_size(checks) && !json_array_size(lost))
		return;
	fprintf(f, "\ndrift: the model against each capture, free_blocks_error (* past %.2f)\n",
		DRIFT_MARK);
	fprintf(f, "  %-10s %14s", "capture", "trace time");
	json_array_foreach(zones, j, z)
		if (zone_wanted(t, z))
			fprintf(f, " %9s", json_string_value(json_object_get(z, "zone")));
	fputc('\n', f);
	json_array_foreach(checks, i, cp) {
		json_t *cz = json_object_get(cp, "zones");
		bool past = false;
		long long reporting = 0;

		fprintf(f, "  %-10s %14.6f", json_string_value(json_object_get(cp, "capture")),
			(double)ival(cp, "time_ns") / 1e9);
		json_array_foreach(zones, j, z) {
			json_t *zc, *e;

			if (!zone_wanted(t, z))
				continue;
			zc = zone_named(cz, ival(z, "node"), json_string_value(json_object_get(z, "zone")));
			reporting += ival(zc, "reporting_blocks");
			e = json_object_get(zc, "free_blocks_error");
			if (!json_is_number(e)) {
				fprintf(f, " %9s", "-");
				continue;
			}
			past |= json_number_value(e) > DRIFT_MARK;
			fprintf(f, " %8.4f%c", json_number_value(e),
				json_number_value(e) > DRIFT_MARK ? '*' : ' ');
		}
		if (past && !marked)
			fprintf(f, "  first past %.2f", DRIFT_MARK);
		marked |= past;
		if (json_is_true(json_object_get(cp, "after_lost_events")))
			fprintf(f, "  after lost events");
		if (json_is_true(json_object_get(cp, "reanchored")))
			fprintf(f, "  re-anchored");
		if (reporting)
			fprintf(f, "  %lld blocks being reported to the host, counted free",
				reporting);
		fputc('\n', f);
	}
	json_array_foreach(lost, i, li) {
		json_t *next = json_object_get(li, "next_capture");
		json_t *re = json_object_get(li, "reanchored_at");

		fprintf(f, "  lost on CPU %lld: %.6f-%.6f, ", (long long)ival(li, "cpu"),
			(double)ival(li, "from_ns") / 1e9, (double)ival(li, "to_ns") / 1e9);
		if (ival(li, "events"))
			fprintf(f, "%lld events%s", (long long)ival(li, "events"),
				ival(li, "unknown_losses") ? " and more" : "");
		else
			fprintf(f, "an unknown number of events");
		if (json_is_string(re))
			fprintf(f, "; re-anchored at %s\n", json_string_value(re));
		else if (json_is_string(next))
			fprintf(f, "; first capture after: %s\n", json_string_value(next));
		else
			fprintf(f, "; no capture after\n");
	}
}

static void section_events(FILE *f, json_t *doc)
{
	json_t *ev = json_object_get(doc, "events"), *v;
	const char *name;

	fprintf(f, "\nevents\n");
	json_object_foreach(ev, name, v)
		fprintf(f, "  %-40s %12lld\n", name, (long long)json_integer_value(v));
}

static void section_fallbacks(FILE *f, json_t *doc)
{
	json_t *fb = json_object_get(doc, "fallbacks"), *e;
	size_t i;

	fprintf(f, "\nfallbacks: %lld (%lld fragmenting)\n", (long long)ival(fb, "total"),
		(long long)ival(fb, "fragmenting"));
	json_array_foreach(json_object_get(fb, "by_type"), i, e)
		fprintf(f, "  %-12s from %-12s %-8s %10lld\n",
			json_string_value(json_object_get(e, "alloc_migratetype")),
			json_string_value(json_object_get(e, "fallback_migratetype")),
			ival(e, "change_ownership") ? "claim" : "steal", (long long)ival(e, "count"));
}

static void print_outcome(FILE *f, const char *label, json_t *o)
{
	json_t *eff = json_object_get(o, "efficiency");

	fprintf(f, "  %-22s stall %8lld  success %8lld  fail %8lld", label,
		(long long)ival(o, "stall"), (long long)ival(o, "success"),
		(long long)ival(o, "fail"));
	if (json_is_real(eff))
		fprintf(f, "  efficiency %5.1f%%", json_real_value(eff));
	fputc('\n', f);
}

static void section_compaction(FILE *f, json_t *doc)
{
	json_t *cp = json_object_get(doc, "compaction");
	json_t *ob = json_object_get(cp, "observed"), *d = json_object_get(ob, "direct");
	json_t *vm = json_object_get(cp, "vmstat"), *e, *v;
	const char *name;
	size_t i;

	fprintf(f, "\ncompaction (observed)\n");
	print_outcome(f, "direct", d);
	json_array_foreach(json_object_get(d, "by_order"), i, e) {
		char label[32];

		snprintf(label, sizeof(label), "  order %lld", (long long)ival(e, "order"));
		print_outcome(f, label, e);
	}
	json_object_foreach(json_object_get(d, "by_priority"), name, e)
		if (ival(e, "stall"))
			print_outcome(f, name, e);
	if (vm && json_object_get(vm, "compact_stall")) {
		json_int_t st = ival(vm, "compact_stall"), su = ival(vm, "compact_success");

		fprintf(f, "  %-22s stall %8lld  success %8lld  fail %8lld", "/proc/vmstat delta",
			(long long)st, (long long)su, (long long)ival(vm, "compact_fail"));
		if (st)
			fprintf(f, "  efficiency %5.1f%%", 100.0 * (double)su / (double)st);
		fputc('\n', f);
	}
	fprintf(f, "  runs: direct %lld, kcompactd %lld, proactive %lld, other %lld; "
		   "kcompactd wakes %lld\n",
		(long long)ival(json_object_get(ob, "runs"), "direct"),
		(long long)ival(json_object_get(ob, "runs"), "kcompactd"),
		(long long)ival(json_object_get(ob, "runs"), "proactive"),
		(long long)ival(json_object_get(ob, "runs"), "other"),
		(long long)ival(ob, "kcompactd_wake"));
	fprintf(f, "  end status:");
	json_object_foreach(json_object_get(ob, "end_status"), name, v)
		fprintf(f, " %s %lld", name, (long long)json_integer_value(v));
	fprintf(f, "\n  pages migrated %lld, failed %lld\n", (long long)ival(ob, "pages_migrated"),
		(long long)ival(ob, "pages_migrate_failed"));
}

/* One row of the simulations table: observed (or "-") and each simulation's value. */
struct sim_row {
	const char	*label;
	const char	*path;		/* dotted path in a simulation and in the document */
	const char	*obs_path;	/* in the document, NULL for none */
	int		kind;		/* 0 count, 1 percent, 2 thousandths */
};

static json_t *dig(json_t *o, const char *path)
{
	char buf[128], *save, *k;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	return o;
}

static void print_cell(FILE *f, json_t *v, int kind)
{
	if (!v || json_is_null(v))
		fprintf(f, " %12s", "-");
	else if (kind == 1)
		fprintf(f, " %11.1f%%", json_number_value(v));
	else if (kind == 2)
		fprintf(f, " %6s%6.3f", "", (double)json_integer_value(v) / 1000.0);
	else
		fprintf(f, " %12lld", (long long)json_integer_value(v));
}

static json_t *zone_named(json_t *zones, json_int_t node, const char *name)
{
	json_t *z;
	size_t i;

	json_array_foreach(zones, i, z)
		if (ival(z, "node") == node && !strcmp(json_string_value(json_object_get(z, "zone")), name))
			return z;
	return NULL;
}

/*
 * Sums of a document's counts, checked: mf_result_check() bounds each count by 2^53 and
 * each array by 16 entries, but a saved document is another machine's, so the sums
 * saturate instead of wrapping (INT64_MAX reads as "more than any machine has").
 */
static json_int_t sat_add(json_int_t a, json_int_t b)
{
	json_int_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

/* count << order, the pages of count blocks of that order, saturated the same way */
static json_int_t sat_pages(json_int_t count, size_t order)
{
	if (order >= 63 || count < 0)
		return count ? (count < 0 ? INT64_MIN : INT64_MAX) : 0;
	if (count > (INT64_MAX >> order))
		return INT64_MAX;
	return count << order;
}

static json_int_t failures(json_t *arr)
{
	json_int_t n = 0;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		n = sat_add(n, json_integer_value(v));
	return n;
}

/* s as lines of at most width columns, broken at blanks: the first after lead, the rest after indent */
static void print_wrapped(FILE *f, const char *s, const char *lead, const char *indent, int width)
{
	const char *pre = lead;

	while (*s) {
		int room = width - (int)strlen(pre), n = 0, brk = 0;

		while (s[n] && n < room) {
			if (s[n] == ' ')
				brk = n;
			n++;
		}
		if (s[n] && brk)	/* a word runs past the line: break before it */
			n = brk;
		fprintf(f, "%s%.*s\n", pre, n, s);
		s += n;
		while (*s == ' ')
			s++;
		pre = indent;
	}
}

static void section_simulations(FILE *f, json_t *doc, const struct mf_table_opts *t)
{
	static const struct sim_row rows[] = {
		{ "direct stall", "compaction.direct.stall", "compaction.observed.direct.stall", 0 },
		{ "direct success", "compaction.direct.success", "compaction.observed.direct.success", 0 },
		{ "direct fail", "compaction.direct.fail", "compaction.observed.direct.fail", 0 },
		{ "efficiency", "compaction.direct.efficiency", "compaction.observed.direct.efficiency", 1 },
		{ "runs: direct", "compaction.runs.direct", "compaction.observed.runs.direct", 0 },
		{ "runs: kcompactd", "compaction.runs.kcompactd", "compaction.observed.runs.kcompactd", 0 },
		{ "runs: proactive", "compaction.runs.proactive", "compaction.observed.runs.proactive", 0 },
		{ "runs: manual", "compaction.runs.manual", "compaction.observed.runs.other", 0 },
		{ "kcompactd wakes", "compaction.kcompactd_wake", "compaction.observed.kcompactd_wake", 0 },
		{ "pages migrated", "compaction.pages_migrated", "compaction.observed.pages_migrated", 0 },
		{ "pages scanned", "compaction.pages_scanned", "compaction.observed.pages_scanned", 0 },
		{ "fallbacks", "fallbacks.total", "fallbacks.total", 0 },
		{ "  fragmenting", "fallbacks.fragmenting", "fallbacks.fragmenting", 0 },
	};
	json_t *sims = json_object_get(doc, "simulations"), *sim, *z;
	int pbo = (int)ival(json_object_get(doc, "model"), "pageblock_order");
	size_t i, j, k;

	if (!json_array_size(sims))
		return;
	fprintf(f, "\nsimulate mode: the trace's workload through the model's allocator\n");
	json_array_foreach(sims, j, sim)
		fprintf(f, "  %s: %s\n", json_string_value(json_object_get(sim, "name")),
			*json_string_value(json_object_get(sim, "config_text")) ?
			json_string_value(json_object_get(sim, "config_text")) : "the traced kernel's config");
	fprintf(f, "  %-22s %12s", "", "observed");
	json_array_foreach(sims, j, sim)
		fprintf(f, " %12.12s", json_string_value(json_object_get(sim, "name")));
	fputc('\n', f);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		fprintf(f, "  %-22s", rows[i].label);
		print_cell(f, rows[i].obs_path ? dig(doc, rows[i].obs_path) : NULL, rows[i].kind);
		json_array_foreach(sims, j, sim)
			print_cell(f, dig(sim, rows[i].path), rows[i].kind);
		fputc('\n', f);
	}
	fprintf(f, "  %-22s %12lld", "allocation failures",
		(long long)failures(dig(doc, "allocations.failures_by_order")));
	json_array_foreach(sims, j, sim)
		fprintf(f, " %12lld", (long long)ival(json_object_get(sim, "allocations"), "failures"));
	fputc('\n', f);
	json_array_foreach(json_object_get(doc, "zones"), k, z) {
		const char *zn = json_string_value(json_object_get(z, "zone"));
		char label[64], unusable[32], name[32];

		if (!zone_wanted(t, z))
			continue;
		/* the traced kernel's pageblock order in every column, so they compare */
		snprintf(unusable, sizeof(unusable), "unusable_index.%d", pbo);
		snprintf(name, sizeof(name), "unusable@%d", pbo);
		for (i = 0; i < 3; i++) {
			static const char *const labels[] = { "free pages", NULL, "score" };
			const char *path = i == 0 ? "free_pages" : i == 1 ? unusable : "fragmentation_score";

			snprintf(label, sizeof(label), "%s %s", zn, labels[i] ?: name);
			fprintf(f, "  %-22s", label);
			print_cell(f, dig(z, path), i == 1 ? 2 : 0);
			json_array_foreach(sims, j, sim)
				print_cell(f, dig(zone_named(json_object_get(sim, "zones"), ival(z, "node"), zn),
						  path), i == 1 ? 2 : 0);
			fputc('\n', f);
		}
	}
	/* how far to trust each column: what its simulation approximated or could not model */
	json_array_foreach(sims, j, sim) {
		json_t *lim = json_object_get(sim, "limits"), *l;

		if (!json_array_size(lim))
			continue;
		fprintf(f, "  %s: approximated or not modelled\n",
			json_string_value(json_object_get(sim, "name")));
		json_array_foreach(lim, k, l)
			print_wrapped(f, json_string_value(l), "    - ", "      ", 88);
	}
}

static void section_fidelity(FILE *f, json_t *doc)
{
	json_t *fi = json_object_get(doc, "fidelity"), *v, *w;
	const char *name;
	size_t i;

	fprintf(f, "\nmodel bookkeeping and repairs (see mmfrag-result(5), Repairs)\n");
	fprintf(f, "  %-32s %12s %12s\n", "", "count", "pages");
	json_object_foreach(fi, name, v) {
		size_t len = strlen(name);
		char base[64];
		json_t *pages;

		/* NAME_pages is NAME's pages column, not a row of its own */
		if (len > 6 && !strcmp(name + len - 6, "_pages") && len - 6 < sizeof(base)) {
			snprintf(base, sizeof(base), "%.*s", (int)(len - 6), name);
			if (json_object_get(fi, base))
				continue;
		}
		if (!json_integer_value(v))
			continue;
		/* counters in pages only: in the pages column */
		if ((len > 6 && !strcmp(name + len - 6, "_pages")) ||
		    !strcmp(name, "compaction_isolate_short")) {
			fprintf(f, "  %-32s %12s %12lld\n", name, "", (long long)json_integer_value(v));
			continue;
		}
		snprintf(base, sizeof(base), "%s_pages", name);
		pages = json_object_get(fi, base);
		fprintf(f, "  %-32s %12lld", name, (long long)json_integer_value(v));
		if (pages)
			fprintf(f, " %12lld", (long long)json_integer_value(pages));
		fputc('\n', f);
	}
	json_array_foreach(json_object_get(doc, "warnings"), i, w)
		fprintf(f, "warning: %s\n", json_string_value(w));
}

/* The series, and with --simulate each simulation's unusable index at the same point. */
static void section_series(FILE *f, json_t *doc, const struct mf_table_opts *t)
{
	json_t *series = json_object_get(doc, "series"), *sims = json_object_get(doc, "simulations");
	int pbo = (int)ival(json_object_get(doc, "model"), "pageblock_order");
	json_t *p, *z, *sim;
	size_t i, j, k;

	if (!series)
		return;
	fprintf(f, "\n%-14s %-8s %12s %10s %10s %8s", "time", "zone", "free pages",
		"unusable@", "extfrag@", "score");
	json_array_foreach(sims, k, sim)
		fprintf(f, " %12.12s", json_string_value(json_object_get(sim, "name")));
	fputc('\n', f);
	json_array_foreach(series, i, p) {
		json_array_foreach(json_object_get(p, "zones"), j, z) {
			json_t *fb = json_object_get(z, "free_blocks"), *v;
			const char *zn = json_string_value(json_object_get(z, "zone"));
			json_int_t pages = 0;
			size_t o;

			if (!zone_wanted(t, z))
				continue;
			json_array_foreach(fb, o, v)
				pages = sat_add(pages, sat_pages(json_integer_value(v), o));
			fprintf(f, "%14.6f %-8s %12lld", (double)ival(p, "time_ns") / 1e9, zn,
				(long long)pages);
			print_thousandths(f, json_integer_value(json_array_get(
				json_object_get(z, "unusable_index"), (size_t)pbo)));
			fprintf(f, "   ");
			print_thousandths(f, json_integer_value(json_array_get(
				json_object_get(z, "extfrag_index"), (size_t)pbo)));
			fprintf(f, " %8lld", (long long)ival(z, "fragmentation_score"));
			/* unusable@ of each simulation, before it starts "-" */
			json_array_foreach(sims, k, sim) {
				json_t *ps = json_object_get(json_object_get(p, "simulations"),
							     json_string_value(json_object_get(sim, "name")));
				json_t *sz = zone_named(json_object_get(ps, "zones"), ival(z, "node"), zn);
				char path[32];

				snprintf(path, sizeof(path), "unusable_index.%d", pbo);
				print_cell(f, dig(sz, path), 2);
			}
			fputc('\n', f);
		}
	}
}

int mf_table_result(FILE *f, json_t *doc, const struct mf_table_opts *t)
{
	if (t->sections & MF_SEC_SUMMARY)
		section_summary(f, doc);
	if (t->sections & MF_SEC_ZONES)
		section_zones(f, doc, t);
	if (t->sections & MF_SEC_DRIFT)
		section_drift(f, doc, t);
	if (t->sections & MF_SEC_EVENTS)
		section_events(f, doc);
	if (t->sections & MF_SEC_FALLBACKS)
		section_fallbacks(f, doc);
	if (t->sections & MF_SEC_COMPACTION)
		section_compaction(f, doc);
	if (t->sections & MF_SEC_SIMULATIONS)
		section_simulations(f, doc, t);
	if (t->sections & MF_SEC_SERIES)
		section_series(f, doc, t);
	if (t->sections & MF_SEC_FIDELITY)
		section_fidelity(f, doc);
	return ferror(f) ? -1 : 0;
}

void mf_result_print_summary(const struct mf_result *r, FILE *f, const char *saved_to)
{
	struct mf_table_opts t = { .sections = MF_RESULT_SUMMARY_SECTIONS, .order_lo = 0,
				   .order_hi = MF_MAX_ORDERS - 1 };
	json_t *built = mf_result_json(r), *doc;

	/*
	 * Print the document as report will read it back from the file: same key order,
	 * same rounding of reals, hence the same bytes as 'mmfrag report --section ...'.
	 */
	doc = built ? mf_json_saved(built) : NULL;
	json_decref(built);
	if (!doc)
		return;
	mf_table_result(f, doc, &t);
	if (saved_to)
		fprintf(f, "\nresult saved to %s (mmfrag report %s)\n", saved_to, saved_to);
	json_decref(doc);
}
