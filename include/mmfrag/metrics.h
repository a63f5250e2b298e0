/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_METRICS_H
#define MMFRAG_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"

/*
 * Fragmentation metrics, integer arithmetic exactly as mm/vmstat.c and mm/compaction.c
 * do it, computed from nr_free[] (free *blocks* per order, buddy lists only; pages on
 * per-CPU lists are not in there, as in the kernel).
 */
struct mf_contig_info {
	uint64_t free_pages;
	uint64_t free_blocks_total;
	uint64_t free_blocks_suitable;
};

/* fill_contig_page_info() */
void mf_fill_contig_info(const uint64_t *nr_free, int nr_orders, int suitable_order,
			 struct mf_contig_info *info);

/* __fragmentation_index(): thousandths, -1000 when an allocation would succeed */
int mf_fragmentation_index(const uint64_t *nr_free, int nr_orders, int order);

/* unusable_free_index(): thousandths */
int mf_unusable_index(const uint64_t *nr_free, int nr_orders, int order);

/* extfrag_for_order(): percent */
unsigned int mf_extfrag_for_order(const uint64_t *nr_free, int nr_orders, int order);

/*
 * COMPACTION_HPAGE_ORDER (mm/compaction.c): HPAGE_PMD_ORDER, 9 on x86-64 with 4K pages.
 * The order the fragmentation score and proactive compaction look at; a model with fewer
 * orders uses its top order, as the kernel would if MAX_PAGE_ORDER were below it.
 */
#define COMPACTION_HPAGE_ORDER	9

static inline int mf_hpage_order_clamp(int max_order)
{
	return COMPACTION_HPAGE_ORDER <= max_order ? COMPACTION_HPAGE_ORDER : max_order;
}

/*
 * fragmentation_score_zone_weighted(): present * extfrag_for_order(hpage order) /
 * (node_present + 1).  The node score is the sum over the node's populated zones.
 */
unsigned int mf_fragmentation_score_zone(const uint64_t *nr_free, int nr_orders, int hpage_order);
uint64_t mf_fragmentation_score_weighted(unsigned int zone_score, uint64_t zone_present,
					 uint64_t node_present);

/*
 * Free page reporting (mm/page_reporting.c): page_reporting_process_zone() takes free
 * blocks of page_reporting_order and up off a zone's lists, PAGE_REPORTING_CAPACITY (32)
 * at a time (__isolate_free_page(), no event), hands them to the balloon and puts them
 * back.  A read of buddyinfo meanwhile lacks them.
 */
#define MF_REPORTING_BATCH	32

/*
 * mf_reporting_batch - did a read of a zone's buddyinfo catch a reporting batch?
 * @order: page_reporting_order while reporting was on (negative: off, or not known)
 * @model, @kernel: the zone's free blocks per order, the model's and buddyinfo's
 *
 * True when the kernel lacks exactly one batch of blocks of @order and up against the
 * model; @add then holds them per order (all nr_orders entries written), to be counted
 * free on the kernel's side.  A short batch (the last of a pass) is not told from a
 * model error.  One worker reports zone after zone: a caller takes the first zone.
 */
bool mf_reporting_batch(int order, int nr_orders, const uint64_t *model, const uint64_t *kernel,
			uint64_t *add);

/* Per-zone metric bundle, as reports carry it. */
struct mf_zone_metrics {
	int		nr_orders;
	uint64_t	nr_free[MF_MAX_ORDERS];
	uint64_t	free_pages;
	int		unusable_index[MF_MAX_ORDERS];	/* thousandths */
	int		extfrag_index[MF_MAX_ORDERS];	/* thousandths, -1000 included */
	unsigned int	fragmentation_score;		/* zone's own score, percent */
	uint64_t	fragmentation_score_weighted;	/* contribution to the node score */
};

void mf_zone_metrics_compute(struct mf_zone_metrics *zm, const uint64_t *nr_free, int nr_orders,
			     int hpage_order, uint64_t present, uint64_t node_present);

/* Kernel debugfs line formats (extfrag/unusable_index, extfrag_index) for one zone. */
int mf_format_unusable_line(char *buf, size_t len, int node, const char *zone,
			    const int *idx, int nr_orders);
int mf_format_extfrag_line(char *buf, size_t len, int node, const char *zone,
			   const int *idx, int nr_orders);

#endif
