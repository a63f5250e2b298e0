// SPDX-License-Identifier: GPL-2.0
/*
 * Renderers of a comparison: a table (units and rounding live only here) and the
 * "mmfrag-compare/1" document (raw numbers: pages, counts, indices in thousandths).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "mmfrag/compare.h"
#include "mmfrag/output.h"

/* orders shown without --orders: the small ones, costly, pageblock and the largest */
static bool key_order(const struct mf_compare *c, int o)
{
	return o == 0 || o == 3 || o == c->pageblock_order || o == c->max_order;
}

bool mf_compare_shown(const struct mf_compare *c, const struct mf_cmp_metric *m,
		      const struct mf_cmp_view *v, bool json)
{
	if (m->zone >= 0 && v->zone && strcasecmp(v->zone, c->zones[m->zone].name))
		return false;
	if (m->order < 0)
		return true;
	if (v->orders_given)
		return m->order >= v->order_lo && m->order <= v->order_hi;
	/* JSON is for programs: every order unless asked otherwise */
	return json || key_order(c, m->order);
}

static bool is_integer_kind(enum mf_cmp_kind k)
{
	return k != MF_CMP_PERCENT && k != MF_CMP_RATIO;
}

/* One value in the table's units; sign: a delta, printed with + or -. */
static void fmt_value(char *buf, size_t len, enum mf_cmp_kind k, double v, bool sign)
{
	const char *f;

	/* "+0" and "-0.000" say less than "0" */
	if (sign && v == 0) {
		snprintf(buf, len, "0");
		return;
	}
	switch (k) {
	case MF_CMP_INDEX:		/* the kernel's 0.980 */
		f = sign ? "%+.3f" : "%.3f";
		snprintf(buf, len, f, v / 1000.0);
		return;
	case MF_CMP_PERCENT:
		f = sign ? "%+.1f" : "%.1f";
		break;
	case MF_CMP_RATIO:
		f = sign ? "%+.4f" : "%.4f";
		break;
	default:
		f = sign ? "%+.0f" : "%.0f";
		break;
	}
	snprintf(buf, len, f, v);
	/* a delta that rounds away, "+0.0000", is "0" too */
	if (sign && !strpbrk(buf, "123456789"))
		snprintf(buf, len, "0");
}

static const char *unit(enum mf_cmp_kind k)
{
	switch (k) {
	case MF_CMP_PAGES:
		return "pages";
	case MF_CMP_SCORE:
	case MF_CMP_PERCENT:
		return "%";
	default:
		return "";
	}
}

void mf_table_compare(FILE *f, const struct mf_compare *c, const struct mf_cmp_view *v,
		      const char *a_path, const char *b_path)
{
	int i, width = (int)strlen("metric"), prev_zone = -2;

	for (i = 0; i < c->nr_metrics; i++)
		if (mf_compare_shown(c, &c->metrics[i], v, false) &&
		    (int)strlen(c->metrics[i].name) > width)
			width = (int)strlen(c->metrics[i].name);

	fprintf(f, "A: %s\nB: %s\n", a_path, b_path);
	if (!c->nr_zones)
		fprintf(f, "(no zone is in both results)\n");
	fprintf(f, "\n%-*s %12s %12s %12s %9s\n", width, "metric", "A", "B", "B-A", "relative");
	for (i = 0; i < c->nr_metrics; i++) {
		const struct mf_cmp_metric *m = &c->metrics[i];
		char a[32] = "-", b[32] = "-", d[32] = "-", r[32] = "-";

		if (!mf_compare_shown(c, m, v, false))
			continue;
		/* a blank line between zones, and before the global metrics */
		if (m->zone != prev_zone && prev_zone != -2)
			fputc('\n', f);
		prev_zone = m->zone;
		if (m->has_a)
			fmt_value(a, sizeof(a), m->kind, m->a, false);
		if (m->has_b)
			fmt_value(b, sizeof(b), m->kind, m->b, false);
		if (m->has_delta)
			fmt_value(d, sizeof(d), m->kind, m->delta, true);
		if (m->has_relative) {
			snprintf(r, sizeof(r), "%+.1f%%", m->relative);
			if (!strcmp(r, "+0.0%") || !strcmp(r, "-0.0%"))
				snprintf(r, sizeof(r), "0.0%%");
		}
		fprintf(f, "%-*s %12s %12s %12s %9s", width, m->name, a, b, d, r);
		if (*unit(m->kind))
			fprintf(f, "  %s", unit(m->kind));
		fputc('\n', f);
	}
}

static json_t *json_num(enum mf_cmp_kind k, bool has, double v)
{
	if (!has)
		return json_null();
	/* the values were integers before they were doubles; round away the float noise */
	if (is_integer_kind(k))
		return json_integer((json_int_t)(v < 0 ? v - 0.5 : v + 0.5));
	return json_real(v);
}

static const char *const field_names[] = {
	[MF_CMP_B] = "b", [MF_CMP_DELTA] = "delta", [MF_CMP_RELATIVE] = "relative",
};

static json_t *json_compare(const struct mf_compare *c, const struct mf_cmp_view *v,
			    const char *a_path, const char *b_path,
			    const struct mf_threshold *t, int nr_thresholds)
{
	json_t *doc = json_object(), *metrics = json_array(), *thr = json_array();
	bool crossed = false;
	int i;

	for (i = 0; i < c->nr_metrics; i++) {
		const struct mf_cmp_metric *m = &c->metrics[i];

		if (!mf_compare_shown(c, m, v, true))
			continue;
		json_array_append_new(metrics, json_pack("{s:s, s:o, s:o, s:o, s:o}",
			"name", m->name,
			"a", json_num(m->kind, m->has_a, m->a),
			"b", json_num(m->kind, m->has_b, m->b),
			"delta", json_num(m->kind, m->has_delta, m->delta),
			"relative", m->has_relative ? json_real(m->relative) : json_null()));
	}
	for (i = 0; i < nr_thresholds; i++) {
		const struct mf_cmp_metric *m = &c->metrics[t[i].idx];
		enum mf_cmp_kind k = t[i].field == MF_CMP_RELATIVE ? MF_CMP_PERCENT : m->kind;
		double val = t[i].value;
		json_t *o;

		o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b}",
			"expr", t[i].expr, "metric", m->name, "on", field_names[t[i].field],
			"op", mf_cmp_op_names[t[i].op],
			"value", fabs(val) < 1e15 && val == (double)(json_int_t)val ?
				 json_integer((json_int_t)val) : json_real(val),
			"b", json_num(m->kind, m->has_b, m->b),
			"actual", json_num(k, t[i].has_actual, t[i].actual),
			"crossed", t[i].crossed);
		/* A matters only to what is computed from it */
		if (t[i].field != MF_CMP_B)
			json_object_set_new(o, "a", json_num(m->kind, m->has_a, m->a));
		json_array_append_new(thr, o);
		crossed |= t[i].crossed;
	}
	json_object_set_new(doc, "schema", json_string(MF_COMPARE_SCHEMA));
	json_object_set_new(doc, "a", json_string(a_path));
	json_object_set_new(doc, "b", json_string(b_path));
	json_object_set_new(doc, "metrics", metrics);
	json_object_set_new(doc, "thresholds", thr);
	json_object_set_new(doc, "crossed", json_boolean(crossed));
	return doc;
}

json_t *mf_json_compare(const struct mf_compare *c, const struct mf_cmp_view *v,
			const char *a_path, const char *b_path,
			const struct mf_threshold *t, int nr_thresholds)
{
	return json_compare(c, v, a_path, b_path, t, nr_thresholds);
}

int mf_json_compare_print(FILE *f, const struct mf_compare *c, const struct mf_cmp_view *v,
			  const char *a_path, const char *b_path,
			  const struct mf_threshold *t, int nr_thresholds)
{
	json_t *doc = json_compare(c, v, a_path, b_path, t, nr_thresholds);
	int ret = doc ? mf_json_dump(doc, f) : -1;

	json_decref(doc);
	return ret;
}
