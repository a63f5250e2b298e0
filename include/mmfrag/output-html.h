/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_OUTPUT_HTML_H
#define MMFRAG_OUTPUT_HTML_H

#include <stdio.h>
#include <jansson.h>

/*
 * One self-contained HTML page (mmfrag report --html, replay --html, compare --html):
 * Chart.js (Debian's libjs-chart.js), the page's own script and styles
 * (src/output/html/) are embedded at build time, the data as a JSON block, so the page
 * opens offline.  DATA is {"kind": "report", "doc": RESULT} or {"kind": "compare",
 * "a": RESULT, "a_sim": NAME|null, "a_name": TEXT, "b": ..., "compare": COMPARE-DOC}.
 * Returns 0 or -1 with errno set by the failed write.
 */
int mf_html_write(FILE *f, const char *title, json_t *data);

/* The same into PATH, whole or untouched (outfile.h): 0, or -errno with one line in err. */
int mf_html_save(const char *path, const char *title, json_t *data, char *err, size_t errlen);

/*
 * The time series and the per-order tables of a result document as one CSV table with a
 * header line (mmfrag report --csv): one row per source, point, zone and order.
 */
int mf_csv_result(FILE *f, json_t *doc);

#endif
