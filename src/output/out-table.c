// SPDX-License-Identifier: GPL-2.0
/*
 * Human tables of zone reports, and the kernel's own debugfs text.  Renderers only: the
 * numbers were computed by metrics.c; units and rounding live here.
 */
#include <stdio.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "mmfrag/output.h"

#define LABEL_W	20

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Column width of a zone's table: wide enough for "-1.000" and for every count shown. */
static int col_width(const struct mf_zone_report *z, unsigned int flags)
{
	int w = 6, o, t;

	for (o = 0; o < z->m.nr_orders; o++) {
		if (digits(z->m.nr_free[o]) > w)
			w = digits(z->m.nr_free[o]);
		if (!(flags & MF_TABLE_TYPES) || !z->has_mt)
			continue;
		for (t = 0; t < z->nr_mt && t < MF_MAX_MT; t++)
			if (digits(z->nr_free_mt[o][t]) > w)
				w = digits(z->nr_free_mt[o][t]);
	}
	return w;
}

static void row_u64(FILE *f, const char *label, const uint64_t *v, int n, int w)
{
	int o;

	fprintf(f, "  %-*s", LABEL_W, label);
	for (o = 0; o < n; o++)
		fprintf(f, " %*llu", w, (unsigned long long)v[o]);
	fputc('\n', f);
}

/* Thousandths as the kernel prints them (0.xxx); -1000 is "-1.000", "a block exists". */
static void row_index(FILE *f, const char *label, const int *v, int n, int w)
{
	char buf[16];
	int o;

	fprintf(f, "  %-*s", LABEL_W, label);
	for (o = 0; o < n; o++) {
		snprintf(buf, sizeof(buf), "%d.%03d", v[o] / 1000, v[o] < 0 ? -v[o] % 1000 :
			 v[o] % 1000);
		fprintf(f, " %*s", w, buf);
	}
	fputc('\n', f);
}

static void type_list(FILE *f, const char *label, const struct mf_zone_report *z,
		      const uint64_t *v)
{
	const char *sep = "";
	int t;

	fprintf(f, "  %-*s", LABEL_W, label);
	for (t = 0; t < z->nr_mt && t < MF_MAX_MT; t++) {
		if (z->mt_absent & (1U << t))
			continue;
		fprintf(f, "%s %s %llu", sep, mf_mt_names[t], (unsigned long long)v[t]);
		sep = ",";
	}
	fputc('\n', f);
}

static void table_zone(FILE *f, const struct mf_zone_report *z, unsigned int flags)
{
	const struct mf_zone_metrics *m = &z->m;
	int w = col_width(z, flags), o, t;

	fprintf(f, "Node %d, zone %s: %llu free pages", z->node, z->name,
		(unsigned long long)m->free_pages);
	if (z->managed)
		fprintf(f, " (%.1f%% of %llu managed)",
			100.0 * (double)m->free_pages / (double)z->managed,
			(unsigned long long)z->managed);
	fprintf(f, ", fragmentation score %u (node %llu)\n", m->fragmentation_score,
		(unsigned long long)z->node_score);
	if (z->spanned)
		fprintf(f, "  pfn 0x%llx-0x%llx, spanned %llu, present %llu\n",
			(unsigned long long)z->start_pfn,
			(unsigned long long)(z->start_pfn + z->spanned - 1),
			(unsigned long long)z->spanned, (unsigned long long)z->present);
	if (z->has_pcp)
		fprintf(f, "  %llu pages on per-CPU lists\n", (unsigned long long)z->pcp_pages);

	fprintf(f, "  %-*s", LABEL_W, "order");
	for (o = 0; o < m->nr_orders; o++)
		fprintf(f, " %*d", w, o);
	fputc('\n', f);
	row_u64(f, "free blocks", m->nr_free, m->nr_orders, w);
	row_index(f, "unusable index", m->unusable_index, m->nr_orders, w);
	row_index(f, "extfrag index", m->extfrag_index, m->nr_orders, w);
	if (z->has_check) {
		row_u64(f, "kernel free blocks", z->check_nr_free, m->nr_orders, w);
		row_u64(f, "model then", z->check_model_nr_free, m->nr_orders, w);
		fprintf(f, "  %-*s %.4f\n", LABEL_W, "free blocks error", z->free_blocks_error);
	}
	if ((flags & MF_TABLE_TYPES) && z->has_mt) {
		for (t = 0; t < z->nr_mt && t < MF_MAX_MT; t++) {
			uint64_t v[MF_MAX_ORDERS];
			char label[32];

			if (z->mt_absent & (1U << t))
				continue;
			for (o = 0; o < m->nr_orders; o++)
				v[o] = z->nr_free_mt[o][t];
			snprintf(label, sizeof(label), "  %s", mf_mt_names[t]);
			row_u64(f, label, v, m->nr_orders, w);
		}
		type_list(f, "free pages by type", z, z->free_pages_mt);
		type_list(f, "pageblocks by type", z, z->pageblocks_mt);
	}
}

void mf_table_zones(FILE *f, const struct mf_zone_report *z, int n, unsigned int flags)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc('\n', f);
		table_zone(f, &z[i], flags);
	}
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
