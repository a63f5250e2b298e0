/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_COMPARE_H
#define MMFRAG_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "common.h"

/*
 * mmfrag compare: the key metrics of two result documents side by side, and thresholds on
 * them.  compare.c computes (no printing), out-compare.c renders, cmd-compare.c glues.
 *
 * Metric names are dotted paths, stable across versions because CI scripts hold them:
 *
 *   ZONE.fragmentation_score   ZONE.free_pages   ZONE.free_blocks_error
 *   ZONE.unusable_index.ORDER  ZONE.extfrag_index.ORDER
 *   compaction.direct.{stall,success,fail,efficiency}   compaction.kcompactd_wake
 *   compaction.pages_migrated  fallbacks.total  fallbacks.fragmenting
 *   allocations.failures       lost_events
 *
 * ZONE is a zone name ("Normal").  When either document has zones on more than one node,
 * zone metrics are named "N<node>.ZONE...."; a lookup always accepts the "N<node>." form,
 * and the bare form when only one matched zone has that name.
 *
 * Values are the result document's raw numbers: pages, counts, indices in thousandths,
 * scores and efficiency in percent.
 */

#define MF_COMPARE_SCHEMA	"mmfrag-compare/1"

/* What one number is, for the renderers' units and JSON's integer-or-real choice. */
enum mf_cmp_kind {
	MF_CMP_COUNT,		/* events, stalls, ... (integer) */
	MF_CMP_PAGES,		/* page frames (integer) */
	MF_CMP_INDEX,		/* thousandths, as the kernel's debugfs (integer) */
	MF_CMP_SCORE,		/* percent (integer) */
	MF_CMP_PERCENT,		/* percent (real): compaction efficiency */
	MF_CMP_RATIO,		/* real: free_blocks_error */
};

/* One zone of one document, as far as compare needs it. */
struct mf_cmp_zone {
	int		node;
	char		name[16];
	int64_t		free_pages;
	int64_t		score;
	int		nr_orders;
	int64_t		unusable_index[MF_MAX_ORDERS];
	int64_t		extfrag_index[MF_MAX_ORDERS];
	bool		has_check;
	double		free_blocks_error;
};

/* The numbers compare takes from one result document. */
struct mf_cmp_doc {
	int		max_order, pageblock_order;
	int		nr_zones;
	struct mf_cmp_zone zones[MF_MAX_ZONES];
	int64_t		direct_stall, direct_success, direct_fail;
	int64_t		kcompactd_wake, pages_migrated;
	int64_t		fallbacks_total, fallbacks_fragmenting;
	int64_t		alloc_failures;		/* sum of failures_by_order */
	int64_t		lost_events;
};

struct mf_cmp_metric {
	char		name[64];
	enum mf_cmp_kind kind;
	int		zone;		/* index into mf_compare.zone_names, -1 for global ones */
	int		order;		/* per-order metrics, else -1 */
	bool		has_a, has_b;	/* false: no value (no check, no stall) */
	double		a, b;
	bool		has_delta;	/* both values */
	double		delta;		/* b - a */
	bool		has_relative;	/* both values and a != 0 */
	double		relative;	/* 100 * (b - a) / |a| */
};

struct mf_compare {
	int		nr_metrics;
	struct mf_cmp_metric *metrics;
	int		nr_zones;			/* zones in both documents */
	struct {
		int	node;
		char	name[16];
	} zones[MF_MAX_ZONES];
	bool		multi_node;
	int		nr_orders;			/* orders both documents have */
	int		pageblock_order, max_order;	/* A's */
};

/*
 * Take compare's numbers from a result document.  config selects the model run: NULL is
 * the document's own (observe mode) "zones" and "compaction.observed"; a name picks the
 * entry of "simulations" with that name (its "zones", "compaction", "fallbacks" and
 * "allocations"; lost_events stay the document's).  Returns 0, -ENOENT when no
 * simulation has that name, or -EINVAL with *missing set to the key that is absent or
 * of the wrong type.
 */
int mf_compare_extract(json_t *doc, const char *config, struct mf_cmp_doc *d,
		       const char **missing);
/*
 * mf_compare_extract() of the result document of path (result-load.c: a saved result, or
 * a trace replayed; sim as mf_result_load_sim()'s config).  Returns 0, or -errno with one
 * line in err naming path.
 */
int mf_compare_load(const char *path, const char *sim, struct mf_cmp_doc *d, char *err,
		    size_t errlen);
/* The same, keeping the document in *doc (the caller's reference) for compare --html. */
int mf_compare_load_doc(const char *path, const char *sim, struct mf_cmp_doc *d, json_t **doc,
			char *err, size_t errlen);
/* The simulate-mode entry of doc named name, or NULL. */
json_t *mf_compare_simulation(json_t *doc, const char *name);

/*
 * Pair two documents' numbers into c->metrics: zone metrics for the zones both have
 * (same node, same name), in A's order, then the global ones.  Returns 0 or -ENOMEM.
 */
int mf_compare_build(const struct mf_cmp_doc *a, const struct mf_cmp_doc *b,
		     struct mf_compare *c);
void mf_compare_free(struct mf_compare *c);

/*
 * Look a metric up by name (see above).  Returns its index, -ENOENT, or -EEXIST when the
 * bare zone name matches zones on several nodes.
 */
int mf_compare_find(const struct mf_compare *c, const char *name);

/*
 * Whether name has the shape of a metric name, before any document is read, so that a
 * typo is a usage error without waiting for a replay.
 */
bool mf_compare_name_valid(const char *name);

enum mf_cmp_op { MF_CMP_GT, MF_CMP_LT, MF_CMP_GE, MF_CMP_LE };
enum mf_cmp_field { MF_CMP_B, MF_CMP_DELTA, MF_CMP_RELATIVE };

/* --fail-if METRIC[.delta|.relative]{>,<,>=,<=}VALUE */
struct mf_threshold {
	const char	*expr;		/* as given */
	char		metric[64];	/* without the .delta/.relative suffix */
	enum mf_cmp_field field;
	enum mf_cmp_op	op;
	double		value;
	/* filled by mf_threshold_check() */
	int		idx;		/* into mf_compare.metrics */
	bool		has_actual;	/* false: no value to compare, not crossed */
	double		actual;		/* B's value, the delta or the relative delta */
	bool		crossed;
};

extern const char *const mf_cmp_op_names[];

/* Parse expr into *t.  Returns 0 or -EINVAL (malformed, or not a metric name's shape). */
int mf_threshold_parse(const char *expr, struct mf_threshold *t);

/*
 * Resolve t->metric in c and decide t->crossed.  Returns 0, or mf_compare_find()'s error
 * for a metric the documents do not have.
 */
int mf_threshold_check(const struct mf_compare *c, struct mf_threshold *t);

/* Renderers (out-compare.c).  The table rows are filtered by zone and orders. */
struct mf_cmp_view {
	const char	*zone;		/* only this zone (case-insensitive), NULL for all */
	bool		orders_given;	/* else orders 0, 3, pageblock order, max order */
	int		order_lo, order_hi;
};

bool mf_compare_shown(const struct mf_compare *c, const struct mf_cmp_metric *m,
		      const struct mf_cmp_view *v, bool json);
void mf_table_compare(FILE *f, const struct mf_compare *c, const struct mf_cmp_view *v,
		      const char *a_path, const char *b_path);
/* The "mmfrag-compare/1" document on f.  Returns 0, or -1 when it cannot be built or written. */
int mf_json_compare_print(FILE *f, const struct mf_compare *c, const struct mf_cmp_view *v,
			  const char *a_path, const char *b_path,
			  const struct mf_threshold *t, int nr_thresholds);
/* The same document, built (NULL when it cannot be). */
json_t *mf_json_compare(const struct mf_compare *c, const struct mf_cmp_view *v,
			const char *a_path, const char *b_path,
			const struct mf_threshold *t, int nr_thresholds);

#endif
