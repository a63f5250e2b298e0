/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_OUTPUT_H
#define MMFRAG_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "report.h"

/*
 * Renderers of zone reports.  They read filled struct mf_zone_report values and compute
 * nothing: JSON carries raw integers (pages, blocks, indices in the kernel's thousandths),
 * units and rounding exist only in the tables.
 */

#define MF_STATUS_SCHEMA	"mmfrag-status/1"

/*
 * One "zones" object, the same shape for status and replay:
 * {"node", "zone", "start_pfn", "spanned", "present", "managed", "free_pages",
 *  "free_blocks": [per order], "unusable_index": [...], "extfrag_index": [...],
 *  "fragmentation_score", "fragmentation_score_node"} plus, when the report has them,
 * "free_pages_by_type", "free_blocks_by_type", "pageblocks_by_type" (types the kernel
 * has), "pcp_pages", and "check": {"kernel_free_blocks", "model_free_blocks",
 * "free_blocks_error", "unusable_index_diff", "extfrag_index_diff"}.
 */
json_t *mf_json_zone(const struct mf_zone_report *z);

/* {"schema": "mmfrag-status/1", "source", "pageblock_order" (null if unknown), "zones"} */
json_t *mf_json_status(const struct mf_zone_report *z, int n, const char *source,
		       int pageblock_order);

/* Arrays of per-order numbers, as every document carries them. */
json_t *mf_json_u64_array(const uint64_t *v, int n);
json_t *mf_json_int_array(const int *v, int n);

/* doc with sorted keys, 2-space indent, 6 significant digits for reals, then a newline. */
int mf_json_dump(json_t *doc, FILE *f);

/*
 * doc as a reader of its saved text sees it (keys in sorted order, reals cut to 6
 * digits), so that what is printed from a document just built is what report prints from
 * the saved file.  A new reference, or NULL.
 */
json_t *mf_json_saved(json_t *doc);

/*
 * Human tables, read from the documents above so that status, replay and report print
 * every zone with the same code (out-table.c).  Units and rounding exist only there.
 */
struct mf_zone_view {
	const char	*zone;			/* only this zone (case-insensitive), NULL for all */
	int		order_lo, order_hi;	/* the per-order columns shown */
	bool		types;			/* per-migratetype rows, when the zone has them */
};

/* One table per object of a "zones" array (mf_json_zone()), each after a blank line. */
void mf_table_zones(FILE *f, json_t *zones, const struct mf_zone_view *v);

/* Thousandths as the kernel prints them: 980 is "0.980", -1000 is "-1.000". */
void mf_fmt_thousandths(char *buf, size_t len, long long v);

/*
 * mmfrag status: the mmfrag-status/1 document (mf_json_status()) printed as JSON, or as
 * its zone tables.  Returns 0, -ENOMEM, or -EIO when f could not be written.
 */
int mf_status_print(FILE *f, const struct mf_zone_report *z, int n, const char *source,
		    int pageblock_order, bool json);

/*
 * The kernel's debugfs files for these zones, byte for byte:
 * /sys/kernel/debug/extfrag/extfrag_index and .../unusable_index.
 */
void mf_text_extfrag_index(FILE *f, const struct mf_zone_report *z, int n);
void mf_text_unusable_index(FILE *f, const struct mf_zone_report *z, int n);

#endif
