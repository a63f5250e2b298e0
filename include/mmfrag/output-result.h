/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_OUTPUT_RESULT_H
#define MMFRAG_OUTPUT_RESULT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "result.h"

/*
 * The result document.  Write it to path (atomically: a temporary file renamed into
 * place, so a failure never leaves half a document) and/or to stream.  Returns 0, or
 * -errno with one line in err.
 */
int mf_result_emit(const struct mf_result *r, const char *path, FILE *stream, char *err,
		   size_t errlen);
json_t *mf_result_json(const struct mf_result *r);

/*
 * The structure of a loaded result document against doc/mmfrag-result.schema.json
 * (compiled in), integers within +-2^53 on top.  Keys added to mmfrag-replay/1 after it
 * first shipped are optional here (a document saved by an older mmfrag lacks them), though
 * the schema file requires them of what mmfrag writes.  Returns 0, or -EINVAL with "PATH:
 * problem" in err (e.g. "/zones/0/zone: not of type string").
 */
int mf_result_check(json_t *doc, char *err, size_t errlen);

/* Sections of the human view. */
#define MF_SEC_SUMMARY		0x01
#define MF_SEC_ZONES		0x02
#define MF_SEC_EVENTS		0x04
#define MF_SEC_FALLBACKS	0x08
#define MF_SEC_COMPACTION	0x10
#define MF_SEC_FIDELITY		0x20
#define MF_SEC_SERIES		0x40
#define MF_SEC_TYPES		0x80	/* per-migratetype rows inside zones */
#define MF_SEC_SIMULATIONS	0x100	/* simulate mode beside what was observed */
#define MF_SEC_DRIFT		0x200	/* the model against each capture, lost events */
#define MF_SEC_ALL		0x3ff

struct mf_table_opts {
	unsigned int	sections;
	const char	*zone;		/* only this zone (case-insensitive), NULL for all */
	int		order_lo, order_hi;
};

/* Tables of a result document (as saved by replay). */
int mf_table_result(FILE *f, json_t *doc, const struct mf_table_opts *t);

/* The document has a zone of that name (any case): report renders a zone's tables only then. */
bool mf_result_has_zone(json_t *doc, const char *zone);

/*
 * mmfrag report: the result document of path (mf_result_load(): a saved result, or a
 * trace.dat replayed in memory) on f, as JSON or as the tables t selects.  Returns 0,
 * -ENOENT when t->zone names no zone of it, -EIO when f could not be written, or -EINVAL
 * when it could not be loaded (err says why, naming the file).
 */
int mf_result_report(FILE *f, const char *path, bool json, const struct mf_table_opts *t,
		     char *err, size_t errlen);

/*
 * The short human summary replay prints after saving: these sections of report, byte for
 * byte (mmfrag report --section summary,zones,drift,compaction,simulations,fidelity).
 */
#define MF_RESULT_SUMMARY_SECTIONS	(MF_SEC_SUMMARY | MF_SEC_ZONES | MF_SEC_DRIFT | \
					 MF_SEC_COMPACTION | MF_SEC_SIMULATIONS | MF_SEC_FIDELITY)

void mf_result_print_summary(const struct mf_result *r, FILE *f, const char *saved_to);

#endif
