/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_REPORT_H
#define MMFRAG_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "metrics.h"

/*
 * What reports carry about one zone, filled by metrics and the model or a capture, and
 * rendered by out-json.c (the "zones" objects, same shape for status and replay) and
 * out-table.c.  Nothing here prints.
 */
struct mf_zone_report {
	int			node;
	char			name[16];
	uint64_t		start_pfn, spanned, present, managed;	/* 0 when unknown */
	struct mf_zone_metrics	m;		/* free_blocks per order, indices, score */
	uint64_t		node_score;	/* fragmentation_score_node() of the zone's node */

	bool			has_mt;		/* per-migratetype data present */
	int			nr_mt;		/* slots, indexed by enum mf_mt */
	unsigned int		mt_absent;	/* bit t: the kernel has no type t (no CMA...) */
	uint64_t		free_pages_mt[MF_MAX_MT];	/* free pages per type */
	uint64_t		nr_free_mt[MF_MAX_ORDERS][MF_MAX_MT];	/* free blocks per order/type */
	uint64_t		pageblocks_mt[MF_MAX_MT];	/* pageblocks per type */

	bool			has_pcp;	/* model only: pages on per-CPU lists */
	uint64_t		pcp_pages;

	bool			has_check;	/* replay with a kernel capture to compare with */
	uint64_t		check_nr_free[MF_MAX_ORDERS];	/* the kernel's buddyinfo */
	uint64_t		check_model_nr_free[MF_MAX_ORDERS];	/* the model then */
	double			free_blocks_error;	/* sum |model - kernel| / kernel total blocks */
	/*
	 * Blocks of a free page reporting batch the capture caught off the lists, counted
	 * free for the errors (check_nr_free stays what buddyinfo said)
	 */
	uint64_t		check_reporting_blocks;
	/*
	 * The pages on the zone's per-CPU lists then: the capture's zoneinfo (pagesets'
	 * count, summed) and the model's, in all and for the first MF_MAX_PCP_CPUS CPUs.
	 */
	bool			has_check_pcp;
	uint64_t		check_kernel_pcp, check_model_pcp;
	int			check_pcp_cpus;
	uint64_t		check_kernel_pcp_cpu[MF_MAX_PCP_CPUS];
	uint64_t		check_model_pcp_cpu[MF_MAX_PCP_CPUS];
	int			check_unusable_diff[MF_MAX_ORDERS];	/* model - kernel, thousandths */
	int			check_unusable_error;	/* max over orders of |unusable diff| */
	int			check_extfrag_diff[MF_MAX_ORDERS];
};

/* Fill the per-order metrics and node scores of an array of zones (node_score summed per node). */
void mf_zone_reports_finish(struct mf_zone_report *z, int nr, int hpage_order);

#endif
