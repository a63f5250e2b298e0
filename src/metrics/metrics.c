// SPDX-License-Identifier: GPL-2.0
/*
 * Fragmentation metrics.  Every formula here mirrors mm/vmstat.c or mm/compaction.c in
 * integer arithmetic, so that the numbers match the kernel's debugfs files digit for digit.
 */
#include <stddef.h>
#include <stdio.h>

#include "mmfrag/metrics.h"
#include "mmfrag/report.h"

/* fill_contig_page_info(): only nr_free[] counts, so per-CPU pages are invisible here too. */
void mf_fill_contig_info(const uint64_t *nr_free, int nr_orders, int suitable_order,
			 struct mf_contig_info *info)
{
	int o;

	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (o = 0; o < nr_orders; o++) {
		uint64_t blocks = nr_free[o];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= suitable_order)
			info->free_blocks_suitable += blocks << (o - suitable_order);
	}
}

/*
 * __fragmentation_index(): 1000 - (1000 + free_pages * 1000 / 2^order) / free_blocks_total.
 * Both divisions truncate, in that order; -1000 means a block of the order exists.
 */
int mf_fragmentation_index(const uint64_t *nr_free, int nr_orders, int order)
{
	struct mf_contig_info info;
	uint64_t requested = 1ULL << order;

	if (order >= nr_orders)
		return 0;
	mf_fill_contig_info(nr_free, nr_orders, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return (int)(1000 - ((1000 + (info.free_pages * 1000 / requested)) /
			     info.free_blocks_total));
}

/* unusable_free_index(): share of free pages in blocks smaller than the order. */
int mf_unusable_index(const uint64_t *nr_free, int nr_orders, int order)
{
	struct mf_contig_info info;

	mf_fill_contig_info(nr_free, nr_orders, order, &info);
	if (!info.free_pages)
		return 1000;
	return (int)((info.free_pages - (info.free_blocks_suitable << order)) * 1000 /
		     info.free_pages);
}

/* extfrag_for_order(): the same ratio in percent, basis of the proactive score. */
unsigned int mf_extfrag_for_order(const uint64_t *nr_free, int nr_orders, int order)
{
	struct mf_contig_info info;

	mf_fill_contig_info(nr_free, nr_orders, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned int)((info.free_pages - (info.free_blocks_suitable << order)) * 100 /
			      info.free_pages);
}

/* fragmentation_score_zone(): extfrag_for_order(zone, COMPACTION_HPAGE_ORDER). */
unsigned int mf_fragmentation_score_zone(const uint64_t *nr_free, int nr_orders, int hpage_order)
{
	return mf_extfrag_for_order(nr_free, nr_orders, hpage_order);
}

/*
 * fragmentation_score_zone_weighted(): zones weigh by present pages against the node's,
 * with the kernel's "+ 1" that keeps an empty node from dividing by zero.
 */
uint64_t mf_fragmentation_score_weighted(unsigned int zone_score, uint64_t zone_present,
					 uint64_t node_present)
{
	return zone_present * zone_score / (node_present + 1);
}

void mf_zone_metrics_compute(struct mf_zone_metrics *zm, const uint64_t *nr_free, int nr_orders,
			     int hpage_order, uint64_t present, uint64_t node_present)
{
	struct mf_contig_info info;
	int o;

	zm->nr_orders = nr_orders;
	for (o = 0; o < nr_orders; o++) {
		zm->nr_free[o] = nr_free[o];
		zm->unusable_index[o] = mf_unusable_index(nr_free, nr_orders, o);
		zm->extfrag_index[o] = mf_fragmentation_index(nr_free, nr_orders, o);
	}
	mf_fill_contig_info(nr_free, nr_orders, 0, &info);
	zm->free_pages = info.free_pages;
	zm->fragmentation_score = mf_fragmentation_score_zone(nr_free, nr_orders, hpage_order);
	zm->fragmentation_score_weighted =
		mf_fragmentation_score_weighted(zm->fragmentation_score, present, node_present);
}

/*
 * One line of unusable_index or extfrag_index: "Node %d, zone %8s " then one index per
 * order, in thousandths, as "W.DDD " with the integer part at least width wide.
 */
static int format_index_line(char *buf, size_t len, int node, const char *zone,
			     const int *idx, int nr_orders, int width)
{
	size_t n;
	int o;

	n = (size_t)snprintf(buf, len, "Node %d, zone %8s ", node, zone);
	for (o = 0; o < nr_orders && n < len; o++)
		n += (size_t)snprintf(buf + n, len - n, "%*d.%03d ", width, idx[o] / 1000,
				      idx[o] % 1000);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "\n");
	return (int)n;
}

/*
 * unusable_show_print(): "%d.%03d " per order.  The index is never negative, so plain
 * division gives the kernel's digits.
 */
int mf_format_unusable_line(char *buf, size_t len, int node, const char *zone,
			    const int *idx, int nr_orders)
{
	return format_index_line(buf, len, node, zone, idx, nr_orders, 0);
}

/*
 * extfrag_show_print(): "%2d.%03d " of (idx / 1000, idx % 1000).  C division truncates
 * towards zero, so -1000 prints as "-1.000" and nothing in between is negative.
 */
int mf_format_extfrag_line(char *buf, size_t len, int node, const char *zone,
			   const int *idx, int nr_orders)
{
	return format_index_line(buf, len, node, zone, idx, nr_orders, 2);
}

/*
 * fragmentation_score_node(): the sum of the weighted scores of the node's populated
 * zones, with present pages of every zone of the node in the denominator.
 */
void mf_zone_reports_finish(struct mf_zone_report *z, int nr, int hpage_order)
{
	int i, j;

	for (i = 0; i < nr; i++) {
		uint64_t node_present = 0;

		for (j = 0; j < nr; j++)
			if (z[j].node == z[i].node)
				node_present += z[j].present;
		mf_zone_metrics_compute(&z[i].m, z[i].m.nr_free, z[i].m.nr_orders, hpage_order,
					z[i].present, node_present);
	}
	for (i = 0; i < nr; i++) {
		z[i].node_score = 0;
		for (j = 0; j < nr; j++)
			if (z[j].node == z[i].node)
				z[i].node_score += z[j].m.fragmentation_score_weighted;
	}
}

bool mf_reporting_batch(int order, int nr_orders, const uint64_t *model, const uint64_t *kernel,
			uint64_t *add)
{
	uint64_t lack = 0;
	int o;

	for (o = 0; o < nr_orders; o++) {
		add[o] = o >= order && order >= 0 && model[o] > kernel[o] ? model[o] - kernel[o] : 0;
		lack += add[o];
	}
	if (lack == MF_REPORTING_BATCH)
		return true;
	for (o = 0; o < nr_orders; o++)
		add[o] = 0;
	return false;
}
