// SPDX-License-Identifier: GPL-2.0
/*
 * Human zone tables, and the kernel's own debugfs text.  Renderers only: the numbers were
 * computed by metrics.c; units and rounding live here.
 *
 * The tables read the documents, never the structs: status prints its mmfrag-status/1
 * document, replay and report their mmfrag-replay/1 one, and both carry the same "zones"
 * objects (mf_json_zone()), so one printer serves both and their labels cannot drift.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "mmfrag/metrics.h"
#include "mmfrag/output.h"

#define LABEL_W	20

static long long ival(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static int digits(long long v)
{
	int n = v < 0 ? 2 : 1;

	for (v = v < 0 ? -v : v; v >= 10; v /= 10)
		n++;
	return n;
}

void mf_fmt_thousandths(char *buf, size_t len, long long v)
{
	/* the kernel's "%d.%03d"; -1000 is "-1.000", "a block of this order is free" */
	snprintf(buf, len, "%s%lld.%03lld", v < 0 ? "-" : "", (v < 0 ? -v : v) / 1000,
		 (v < 0 ? -v : v) % 1000);
}

static bool order_shown(const struct mf_zone_view *v, size_t o)
{
	return (int)o >= v->order_lo && (int)o <= v->order_hi;
}

static void widen(int *w, const struct mf_zone_view *v, json_t *arr)
{
	json_t *e;
	size_t o;

	json_array_foreach(arr, o, e)
		if (order_shown(v, o) && digits(json_integer_value(e)) > *w)
			*w = digits(json_integer_value(e));
}

/* Column width of a zone's table: wide enough for "-1.000" and for every count shown. */
static int col_width(json_t *z, const struct mf_zone_view *v)
{
	json_t *check = json_object_get(z, "check"), *bt, *e;
	const char *name;
	int w = 6;

	widen(&w, v, json_object_get(z, "free_blocks"));
	widen(&w, v, json_object_get(check, "kernel_free_blocks"));
	widen(&w, v, json_object_get(check, "model_free_blocks"));
	bt = v->types ? json_object_get(z, "free_blocks_by_type") : NULL;
	json_object_foreach(bt, name, e)
		widen(&w, v, e);
	return w;
}

static void row(FILE *f, const struct mf_zone_view *v, const char *label, json_t *arr, int w,
		bool thousandths)
{
	char buf[32];
	json_t *e;
	size_t o;

	fprintf(f, "  %-*s", LABEL_W, label);
	json_array_foreach(arr, o, e) {
		if (!order_shown(v, o))
			continue;
		if (thousandths)
			mf_fmt_thousandths(buf, sizeof(buf), json_integer_value(e));
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(e));
		fprintf(f, " %*s", w, buf);
	}
	fputc('\n', f);
}

/* "Unmovable 256, Movable 3584, ...", in the kernel's order of migratetypes */
static void type_list(FILE *f, const char *label, json_t *by_type)
{
	const char *sep = "";
	json_t *e;
	int t;

	fprintf(f, "  %-*s", LABEL_W, label);
	for (t = 0; t < MF_MAX_MT; t++) {
		e = json_object_get(by_type, mf_mt_names[t]);
		if (!e)
			continue;
		fprintf(f, "%s %s %lld", sep, mf_mt_names[t], (long long)json_integer_value(e));
		sep = ",";
	}
	fputc('\n', f);
}

static void zone_table(FILE *f, json_t *z, const struct mf_zone_view *v)
{
	json_t *fb = json_object_get(z, "free_blocks"), *check = json_object_get(z, "check");
	long long managed = ival(z, "managed"), spanned = ival(z, "spanned");
	json_t *pcp = json_object_get(z, "pcp_pages"), *bt, *e;
	int w = col_width(z, v), t;
	size_t o;

	fprintf(f, "\nNode %lld, zone %s: %lld free pages", ival(z, "node"),
		json_string_value(json_object_get(z, "zone")), ival(z, "free_pages"));
	if (managed)
		fprintf(f, " (%.1f%% of %lld managed)",
			100.0 * (double)ival(z, "free_pages") / (double)managed, managed);
	fprintf(f, ", fragmentation score %lld (node %lld)\n", ival(z, "fragmentation_score"),
		ival(z, "fragmentation_score_node"));
	if (spanned)
		fprintf(f, "  pfn 0x%llx-0x%llx, spanned %lld, present %lld\n",
			ival(z, "start_pfn"), ival(z, "start_pfn") + spanned - 1, spanned,
			ival(z, "present"));
	if (pcp)
		fprintf(f, "  %lld pages on per-CPU lists\n", (long long)json_integer_value(pcp));

	fprintf(f, "  %-*s", LABEL_W, "order");
	json_array_foreach(fb, o, e)
		if (order_shown(v, o))
			fprintf(f, " %*zu", w, o);
	fputc('\n', f);
	row(f, v, "free blocks", fb, w, false);
	row(f, v, "unusable index", json_object_get(z, "unusable_index"), w, true);
	row(f, v, "extfrag index", json_object_get(z, "extfrag_index"), w, true);
	if (check) {
		row(f, v, "kernel free blocks", json_object_get(check, "kernel_free_blocks"), w,
		    false);
		row(f, v, "model then", json_object_get(check, "model_free_blocks"), w, false);
		fprintf(f, "  %-*s %.4f\n", LABEL_W, "free_blocks_error",
			json_real_value(json_object_get(check, "free_blocks_error")));
		if (ival(check, "reporting_blocks"))
			fprintf(f, "  %-*s %lld, counted free in the errors\n", LABEL_W,
				"being reported", ival(check, "reporting_blocks"));
		/* only when the check capture's zoneinfo had the pagesets */
		if (json_object_get(check, "kernel_pcp_pages"))
			fprintf(f, "  %-*s model %lld, kernel %lld\n", LABEL_W, "per-CPU pages then",
				ival(check, "model_pcp_pages"), ival(check, "kernel_pcp_pages"));
		/* results written before the per-order error have neither row */
		if (json_object_get(check, "unusable_index_error")) {
			row(f, v, "unusable diff", json_object_get(check, "unusable_index_diff"), w,
			    true);
			fprintf(f, "  %-*s %.3f\n", LABEL_W, "unusable_index_error",
				json_real_value(json_object_get(check, "unusable_index_error")));
		}
	}
	bt = json_object_get(z, "free_blocks_by_type");
	if (!v->types || !bt)
		return;
	for (t = 0; t < MF_MAX_MT; t++) {
		char label[32];

		e = json_object_get(bt, mf_mt_names[t]);
		if (!e)
			continue;
		snprintf(label, sizeof(label), "  %s", mf_mt_names[t]);
		row(f, v, label, e, w, false);
	}
	type_list(f, "free pages by type", json_object_get(z, "free_pages_by_type"));
	type_list(f, "pageblocks by type", json_object_get(z, "pageblocks_by_type"));
}

void mf_table_zones(FILE *f, json_t *zones, const struct mf_zone_view *v)
{
	json_t *z;
	size_t i;

	json_array_foreach(zones, i, z) {
		const char *name = json_string_value(json_object_get(z, "zone"));

		if (!v->zone || (name && !strcasecmp(v->zone, name)))
			zone_table(f, z, v);
	}
}

int mf_status_print(FILE *f, const struct mf_zone_report *z, int n, const char *source,
		    int pageblock_order, bool json)
{
	struct mf_zone_view v = { .order_lo = 0, .order_hi = MF_MAX_ORDERS - 1, .types = true };
	json_t *doc = mf_json_status(z, n, source, pageblock_order);
	int ret = -ENOMEM;

	if (!doc)
		return ret;
	if (json) {
		ret = mf_json_dump(doc, f) ? -EIO : 0;
	} else {
		mf_table_zones(f, json_object_get(doc, "zones"), &v);
		ret = ferror(f) ? -EIO : 0;
	}
	json_decref(doc);
	return ret;
}

/*
 * extfrag_show(): walk_zones_in_node() over populated zones, which are exactly the zones
 * buddyinfo lists.
 */
void mf_text_extfrag_index(FILE *f, const struct mf_zone_report *z, int n)
{
	char line[64 + 8 * MF_MAX_ORDERS];
	int i;

	for (i = 0; i < n; i++) {
		mf_format_extfrag_line(line, sizeof(line), z[i].node, z[i].name,
				       z[i].m.extfrag_index, z[i].m.nr_orders);
		fputs(line, f);
	}
}

/*
 * unusable_show() also skips nodes without N_MEMORY.  No line buddyinfo has is lost by
 * that: a zone is listed only when populated, and free_area_init() sets N_MEMORY on every
 * node with present pages (offlining clears both together).  So the same zones print.
 */
void mf_text_unusable_index(FILE *f, const struct mf_zone_report *z, int n)
{
	char line[64 + 8 * MF_MAX_ORDERS];
	int i;

	for (i = 0; i < n; i++) {
		mf_format_unusable_line(line, sizeof(line), z[i].node, z[i].name,
					z[i].m.unusable_index, z[i].m.nr_orders);
		fputs(line, f);
	}
}
