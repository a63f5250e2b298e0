// SPDX-License-Identifier: GPL-2.0
/*
 * JSON renderers of zone reports (jansson is used here and in out-json-result.c only).
 * Raw integers throughout: pages, blocks, pfns, indices in the kernel's thousandths.
 * Keys are sorted and reals have a fixed precision, so documents compare byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>

#include "mmfrag/output.h"

static json_t *json_u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

json_t *mf_json_u64_array(const uint64_t *v, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_u64(v[i]));
	return a;
}

json_t *mf_json_int_array(const int *v, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static bool mt_shown(const struct mf_zone_report *z, int t)
{
	return t < MF_MAX_MT && !(z->mt_absent & (1U << t));
}

static void add_types(json_t *o, const struct mf_zone_report *z)
{
	json_t *pages = json_object(), *blocks = json_object(), *pbs = json_object();
	int t, o2;

	for (t = 0; t < z->nr_mt && t < MF_MAX_MT; t++) {
		uint64_t v[MF_MAX_ORDERS];

		if (!mt_shown(z, t))
			continue;
		for (o2 = 0; o2 < z->m.nr_orders; o2++)
			v[o2] = z->nr_free_mt[o2][t];
		json_object_set_new(pages, mf_mt_names[t], json_u64(z->free_pages_mt[t]));
		json_object_set_new(blocks, mf_mt_names[t], mf_json_u64_array(v, z->m.nr_orders));
		json_object_set_new(pbs, mf_mt_names[t], json_u64(z->pageblocks_mt[t]));
	}
	json_object_set_new(o, "free_pages_by_type", pages);
	json_object_set_new(o, "free_blocks_by_type", blocks);
	json_object_set_new(o, "pageblocks_by_type", pbs);
}

static json_t *json_check(const struct mf_zone_report *z)
{
	int n = z->m.nr_orders;
	json_t *c = json_object();

	json_object_set_new(c, "kernel_free_blocks", mf_json_u64_array(z->check_nr_free, n));
	json_object_set_new(c, "model_free_blocks", mf_json_u64_array(z->check_model_nr_free, n));
	json_object_set_new(c, "free_blocks_error", json_real(z->free_blocks_error));
	if (z->check_reporting_blocks)
		json_object_set_new(c, "reporting_blocks", json_u64(z->check_reporting_blocks));
	json_object_set_new(c, "unusable_index_diff", mf_json_int_array(z->check_unusable_diff, n));
	json_object_set_new(c, "unusable_index_error", json_real(z->check_unusable_error / 1000.0));
	json_object_set_new(c, "extfrag_index_diff", mf_json_int_array(z->check_extfrag_diff, n));
	if (z->has_check_pcp) {
		json_object_set_new(c, "kernel_pcp_pages", json_u64(z->check_kernel_pcp));
		json_object_set_new(c, "model_pcp_pages", json_u64(z->check_model_pcp));
		json_object_set_new(c, "kernel_pcp_pages_by_cpu",
				    mf_json_u64_array(z->check_kernel_pcp_cpu, z->check_pcp_cpus));
		json_object_set_new(c, "model_pcp_pages_by_cpu",
				    mf_json_u64_array(z->check_model_pcp_cpu, z->check_pcp_cpus));
	}
	return c;
}

json_t *mf_json_zone(const struct mf_zone_report *z)
{
	const struct mf_zone_metrics *m = &z->m;
	json_t *o = json_object();

	json_object_set_new(o, "node", json_integer(z->node));
	json_object_set_new(o, "zone", json_string(z->name));
	json_object_set_new(o, "start_pfn", json_u64(z->start_pfn));
	json_object_set_new(o, "spanned", json_u64(z->spanned));
	json_object_set_new(o, "present", json_u64(z->present));
	json_object_set_new(o, "managed", json_u64(z->managed));
	json_object_set_new(o, "free_pages", json_u64(m->free_pages));
	json_object_set_new(o, "free_blocks", mf_json_u64_array(m->nr_free, m->nr_orders));
	json_object_set_new(o, "unusable_index", mf_json_int_array(m->unusable_index, m->nr_orders));
	json_object_set_new(o, "extfrag_index", mf_json_int_array(m->extfrag_index, m->nr_orders));
	json_object_set_new(o, "fragmentation_score", json_integer(m->fragmentation_score));
	json_object_set_new(o, "fragmentation_score_node", json_u64(z->node_score));
	if (z->has_mt)
		add_types(o, z);
	if (z->has_pcp)
		json_object_set_new(o, "pcp_pages", json_u64(z->pcp_pages));
	if (z->has_check)
		json_object_set_new(o, "check", json_check(z));
	return o;
}

json_t *mf_json_status(const struct mf_zone_report *z, int n, const char *source,
		       int pageblock_order)
{
	json_t *doc = json_object(), *zones = json_array();
	int i;

	json_object_set_new(doc, "schema", json_string(MF_STATUS_SCHEMA));
	json_object_set_new(doc, "source", json_string(source));
	json_object_set_new(doc, "pageblock_order",
			    pageblock_order >= 0 ? json_integer(pageblock_order) : json_null());
	for (i = 0; i < n; i++)
		json_array_append_new(zones, mf_json_zone(&z[i]));
	json_object_set_new(doc, "zones", zones);
	return doc;
}

/* How every document is written: sorted keys, 2-space indent, 6 significant digits. */
#define MF_JSON_FLAGS	(JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(6))

int mf_json_dump(json_t *doc, FILE *f)
{
	if (json_dumpf(doc, f, MF_JSON_FLAGS))
		return -1;
	if (fputc('\n', f) == EOF)
		return -1;
	return ferror(f) ? -1 : 0;
}

json_t *mf_json_saved(json_t *doc)
{
	char *text = json_dumps(doc, MF_JSON_FLAGS);
	json_t *saved;

	if (!text)
		return NULL;
	saved = json_loads(text, 0, NULL);
	free(text);
	return saved;
}
