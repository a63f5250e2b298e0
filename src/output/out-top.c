// SPDX-License-Identifier: GPL-2.0
/*
 * Renderers of mmfrag top's frames: one JSON object per line (schema mmfrag-top/1), and
 * the text view, plain for --batch or with ANSI escapes for the terminal (no curses: the
 * view is redrawn whole, from the top-left corner, each line cleared to its end).
 * JSON carries raw integers (blocks, ns, thousandths); units exist only in the text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "mmfrag/output.h"
#include "mmfrag/top.h"

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *cp_obj(const struct mf_top_cp *c)
{
	return json_pack("{s:o, s:o, s:o}", "stall", u64(c->stall), "success", u64(c->success),
			 "fail", u64(c->fail));
}

static json_t *lat_obj(const struct mf_top_lat *l)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "count", u64(l->count), "p50", u64(l->p50),
			 "p90", u64(l->p90), "p99", u64(l->p99), "max", u64(l->max));
}

static json_t *zone_obj(const struct mf_top_frame *fr, const struct mf_top_zone *z)
{
	const struct mf_zone_metrics *m = &z->m;

	return json_pack("{s:i, s:s, s:o, s:o, s:o, s:o, s:i, s:f, s:o}",
			 "node", z->node, "zone", z->name,
			 "free_blocks", mf_json_u64_array(m->nr_free, m->nr_orders),
			 "kernel_free_blocks", mf_json_u64_array(z->kernel_nr_free, m->nr_orders),
			 "unusable_index", mf_json_int_array(m->unusable_index, m->nr_orders),
			 "extfrag_index", mf_json_int_array(m->extfrag_index, m->nr_orders),
			 "fragmentation_score", (int)m->fragmentation_score,
			 "drift", z->drift, "reporting_blocks", u64(z->reporting_blocks));
}

static json_t *task_obj(const struct mf_top_task *k)
{
	return json_pack("{s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "pid", (int)k->pid, "comm", k->comm, "stall", u64(k->stall),
			 "success", u64(k->success), "fail", u64(k->fail),
			 "stall_ns", u64(k->stall_ns), "fallbacks", u64(k->fallbacks),
			 "fragmenting_fallbacks", u64(k->fragmenting),
			 "polluted_pageblocks", u64(k->polluted));
}

int mf_top_print_json(FILE *f, const struct mf_top_frame *fr)
{
	json_t *doc, *zones = json_array(), *tasks = json_array(), *cp, *vm = json_null();
	int i, ret;

	for (i = 0; i < fr->nr_zones; i++)
		json_array_append_new(zones, zone_obj(fr, &fr->zones[i]));
	for (i = 0; i < fr->nr_tasks; i++)
		json_array_append_new(tasks, task_obj(&fr->tasks[i]));
	if (fr->has_vmstat) {
		json_decref(vm);
		vm = json_pack("{s:o, s:o, s:o, s:o}", "compact_stall", u64(fr->vm.stall),
			       "compact_success", u64(fr->vm.success), "compact_fail",
			       u64(fr->vm.fail), "interval", cp_obj(&fr->vm_interval));
	}
	cp = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		       "stall", u64(fr->cp.stall), "success", u64(fr->cp.success),
		       "fail", u64(fr->cp.fail), "interval", cp_obj(&fr->cp_interval),
		       "unresolved", u64(fr->unresolved), "vmstat", vm,
		       "latency_ns", lat_obj(&fr->lat),
		       "interval_latency_ns", lat_obj(&fr->lat_interval),
		       "kcompactd", json_pack("{s:o, s:o, s:o, s:{s:o, s:o, s:o}}",
					      "wake", u64(fr->kcompactd_wake),
					      "runs", u64(fr->kcompactd_runs),
					      "proactive_runs", u64(fr->proactive_runs), "interval",
					      "wake", u64(fr->kcompactd_wake_i),
					      "runs", u64(fr->kcompactd_runs_i),
					      "proactive_runs", u64(fr->proactive_runs_i)));
	doc = json_pack("{s:s, s:f, s:f, s:b, s:i, s:i, s:i, s:o, s:{s:f, s:f, s:i, s:b, s:i}, s:o, "
			"s:{s:o, s:o, s:{s:o, s:o}}, s:s, s:o, s:{s:o, s:o, s:o, s:o}, s:o}",
			"schema", MF_TOP_SCHEMA, "time_s", fr->time_s, "interval_s", fr->interval_s,
			"final", fr->final, "pageblock_order", fr->pageblock_order,
			"hpage_order", fr->hpage_order, "order", fr->order, "zones", zones,
			"drift", "value", fr->drift, "threshold", fr->drift_threshold,
			"reanchors", (int)fr->reanchors, "seeded", fr->seeded,
			"stale_checks", (int)fr->check_age,
			"compaction", cp,
			"fallbacks", "total", u64(fr->fallbacks), "fragmenting", u64(fr->fragmenting),
			"interval", "total", u64(fr->fallbacks_i), "fragmenting", u64(fr->fragmenting_i),
			"sort", mf_top_sort_names[fr->sort], "tasks", tasks,
			"events", "total", u64(fr->events), "interval", u64(fr->events_i),
			"peak_per_s", u64(fr->peak_events_per_s),
			"lru_insertions", u64(fr->lru_insertions),
			"lost_events", u64(fr->lost_events));
	if (!doc)
		return -ENOMEM;
	ret = json_dumpf(doc, f, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (ret || fputc('\n', f) == EOF || fflush(f))
		return -EIO;
	return 0;
}

/* ---- text ------------------------------------------------------------------------------ */

struct view {
	FILE	*f;
	int	rows, cols, used;
	bool	ansi;
};

static void __attribute__((format(printf, 3, 4))) line(struct view *v, bool rev, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (v->rows && v->used >= v->rows)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (v->cols > 0 && v->cols < (int)sizeof(buf) && (int)strlen(buf) > v->cols)
		buf[v->cols] = 0;
	v->used++;
	if (v->ansi)
		fprintf(v->f, "%s%s\033[K%s", rev ? "\033[7m" : "", buf, rev ? "\033[0m" : "");
	else
		fputs(buf, v->f);
	/* the terminal's last line stays without a newline: it would scroll the view */
	if (!v->ansi || !v->rows || v->used < v->rows)
		fputc('\n', v->f);
}

static const char *si(uint64_t v, char *buf, size_t len)
{
	if (v >= 10000000)
		snprintf(buf, len, "%lluM", (unsigned long long)(v / 1000000));
	else if (v >= 100000)
		snprintf(buf, len, "%lluk", (unsigned long long)(v / 1000));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static const char *ms(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%.2fms", ns / 1e6);
	return buf;
}

static double rate(uint64_t n, double s)
{
	return s > 0 ? n / s : 0;
}

void mf_top_print_text(FILE *f, const struct mf_top_frame *fr, int rows, int cols, bool ansi)
{
	struct view v = { .f = f, .rows = rows, .cols = cols, .ansi = ansi };
	char hdr[256], b1[32], b2[32], b3[32], b4[32];
	double s = fr->interval_s;
	int i, o, n = 0, nr_orders = fr->nr_zones ? fr->zones[0].m.nr_orders : 0;
	bool reporting = false;

	for (i = 0; i < fr->nr_zones; i++)
		reporting |= fr->zones[i].reporting_blocks != 0;
	if (ansi)
		fputs("\033[H", f);
	line(&v, false, "mmfrag top - %.1f s, interval %.1f s%s, events %llu (%.0f/s, peak %llu/s), "
	     "lost %llu", fr->time_s, s, fr->final ? " (final)" : "",
	     (unsigned long long)fr->events, rate(fr->events_i, s),
	     (unsigned long long)fr->peak_events_per_s, (unsigned long long)fr->lost_events);
	line(&v, false, "model drift %.2f%% vs /proc/buddyinfo (re-anchor above %.0f%%, done %u)%s%s%s",
	     fr->drift * 100, fr->drift_threshold * 100, fr->reanchors,
	     fr->check_age ? ", from an earlier check" : "",
	     fr->seeded ? "" : ", not seeded: free lists unknown",
	     reporting ? ", a free page reporting batch counted free" : "");
	line(&v, false, "%s", "");

	for (o = 0; o < nr_orders && n < (int)sizeof(hdr) - 8; o++)
		n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, "%7d", o);
	line(&v, true, "%-12s%s  unus@%-2d extf@%-2d unus@%-2d extf@%-2d score  drift", "ZONE", hdr,
	     fr->hpage_order, fr->hpage_order, fr->order, fr->order);
	for (i = 0; i < fr->nr_zones; i++) {
		const struct mf_top_zone *z = &fr->zones[i];
		char name[32];

		n = 0;
		for (o = 0; o < z->m.nr_orders && n < (int)sizeof(hdr) - 8; o++)
			n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, "%7s",
				      si(z->m.nr_free[o], b1, sizeof(b1)));
		snprintf(name, sizeof(name), "%d %s", z->node, z->name);
		line(&v, false, "%-12s%s  %7.3f %7.3f %7.3f %7.3f %5u %5.1f%%", name, hdr,
		     z->m.unusable_index[fr->hpage_order] / 1000.0,
		     z->m.extfrag_index[fr->hpage_order] / 1000.0,
		     z->m.unusable_index[fr->order] / 1000.0,
		     z->m.extfrag_index[fr->order] / 1000.0, z->m.fragmentation_score,
		     z->drift * 100);
	}
	line(&v, false, "%s", "");
	line(&v, false, "direct compaction: %.1f stalls/s  %.1f success/s  %.1f fail/s   total %llu "
	     "(vmstat %s)", rate(fr->cp_interval.stall, s), rate(fr->cp_interval.success, s),
	     rate(fr->cp_interval.fail, s), (unsigned long long)fr->cp.stall,
	     fr->has_vmstat ? si(fr->vm.stall, b1, sizeof(b1)) : "-");
	line(&v, false, "stall latency: p50 %s  p90 %s  p99 %s  max %s  (%llu stalls since start)",
	     ms(fr->lat.p50, b1, sizeof(b1)), ms(fr->lat.p90, b2, sizeof(b2)),
	     ms(fr->lat.p99, b3, sizeof(b3)), ms(fr->lat.max, b4, sizeof(b4)),
	     (unsigned long long)fr->lat.count);
	line(&v, false, "kcompactd: %.1f wakes/s  %.1f runs/s  proactive %.1f runs/s   fallbacks "
	     "%.1f/s (fragmenting %.1f/s)", rate(fr->kcompactd_wake_i, s),
	     rate(fr->kcompactd_runs_i, s), rate(fr->proactive_runs_i, s),
	     rate(fr->fallbacks_i, s), rate(fr->fragmenting_i, s));
	line(&v, false, "%s", "");
	line(&v, true, "%7s %-16s %7s %10s %9s %9s %9s   sort: %s", "PID", "COMM", "STALLS",
	     "STALL_MS", "FALLBACK", "FRAGMENT", "POLLUTED", mf_top_sort_names[fr->sort]);
	for (i = 0; i < fr->nr_tasks; i++) {
		const struct mf_top_task *k = &fr->tasks[i];

		line(&v, false, "%7d %-16s %7llu %10.2f %9llu %9llu %9llu", (int)k->pid, k->comm,
		     (unsigned long long)k->stall, k->stall_ns / 1e6,
		     (unsigned long long)k->fallbacks, (unsigned long long)k->fragmenting,
		     (unsigned long long)k->polluted);
	}
	if (ansi) {
		/* clear what a longer previous frame left below */
		fputs("\033[J", f);
	} else {
		fputc('\n', f);
	}
	fflush(f);
}
