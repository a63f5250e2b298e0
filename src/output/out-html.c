// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML page and the CSV table of result documents.  The page is a fixed frame around
 * three assets compiled in from files (Makefile: $(O)/gen/html-assets.c, from Debian's
 * libjs-chart.js and src/output/html/), and the data as one JSON block that the page's
 * script draws: nothing is fetched when it is opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "mmfrag/common.h"
#include "mmfrag/outfile.h"
#include "mmfrag/output-html.h"
#include "mmfrag/output.h"

extern const unsigned char mf_html_chartjs[], mf_html_js[], mf_html_css[];
extern const unsigned int mf_html_chartjs_len, mf_html_js_len, mf_html_css_len;

/*
 * An asset inside <script> or <style>: the first "</" that starts "</script" or "</style"
 * would end the element, so it is written "<\/", which means the same inside the string
 * or regular expression it can only be part of.
 */
static int put_asset(FILE *f, const unsigned char *p, size_t len)
{
	size_t i, from = 0;

	for (i = 0; i + 1 < len; i++) {
		if (p[i] != '<' || p[i + 1] != '/')
			continue;
		if (strncasecmp((const char *)p + i + 2, "script", 6) &&
		    strncasecmp((const char *)p + i + 2, "style", 5))
			continue;
		if (fwrite(p + from, 1, i + 1 - from, f) != i + 1 - from || fputc('\\', f) == EOF)
			return -1;
		from = i + 1;
	}
	return fwrite(p + from, 1, len - from, f) == len - from ? 0 : -1;
}

/* JSON inside <script type="application/json">: '<' appears only in strings, as \u003c. */
static int put_json(FILE *f, json_t *data)
{
	char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
	const char *p, *lt;
	int ret = 0;

	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	for (p = text; !ret && (lt = strchr(p, '<')); p = lt + 1)
		if (fwrite(p, 1, (size_t)(lt - p), f) != (size_t)(lt - p) || fputs("\\u003c", f) == EOF)
			ret = -1;
	if (!ret && fputs(p, f) == EOF)
		ret = -1;
	free(text);
	return ret;
}

static int put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : NULL;

		if (e ? fputs(e, f) == EOF : fputc(*s, f) == EOF)
			return -1;
	}
	return 0;
}

int mf_html_write(FILE *f, const char *title, json_t *data)
{
	/* window.onerror first: an error in Chart.js or the page counts too */
	static const char catcher[] =
		"<script>window.mfErrors=0;window.onerror=function(){window.mfErrors++;"
		"if(document.body)document.body.setAttribute('data-mmfrag-errors',"
		"String(window.mfErrors));};</script>\n";

	if (fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta name=\"generator\" content=\"mmfrag\">\n<title>", f) == EOF ||
	    put_text(f, title) || fputs("</title>\n", f) == EOF || fputs(catcher, f) == EOF ||
	    fputs("<style>\n", f) == EOF || put_asset(f, mf_html_css, mf_html_css_len) ||
	    fputs("</style>\n<script>\n", f) == EOF ||
	    put_asset(f, mf_html_chartjs, mf_html_chartjs_len) ||
	    fputs("\n</script>\n</head>\n<body data-mmfrag-ready=\"0\" data-mmfrag-errors=\"0\">\n"
		  "<script type=\"application/json\" id=\"mmfrag-data\">", f) == EOF ||
	    put_json(f, data) || fputs("</script>\n<script>\n", f) == EOF ||
	    put_asset(f, mf_html_js, mf_html_js_len) ||
	    fputs("\n</script>\n</body>\n</html>\n", f) == EOF)
		return -1;
	return ferror(f) ? -1 : 0;
}

int mf_html_save(const char *path, const char *title, json_t *data, char *err, size_t errlen)
{
	struct mf_outfile of;
	int ret;

	ret = mf_outfile_open(&of, path, err, errlen);
	if (ret)
		return ret;
	if (mf_html_write(of.f, title, data))
		of.error = errno ? errno : EIO;		/* commit reports it */
	return mf_outfile_commit(&of, err, errlen);
}

/* ---- CSV ----------------------------------------------------------------------------- */

static void csv_zone_rows(FILE *f, const char *source, const char *point, json_t *time_ns,
			  json_t *zones)
{
	json_t *z;
	size_t i, o;

	json_array_foreach(zones, i, z) {
		json_t *nr = json_object_get(z, "free_blocks");

		for (o = 0; o < json_array_size(nr); o++)
			fprintf(f, "%s,%s,%lld,%lld,%s,%zu,%lld,%lld,%lld,%lld\n", source, point,
				(long long)json_integer_value(time_ns),
				(long long)json_integer_value(json_object_get(z, "node")),
				json_string_value(json_object_get(z, "zone")), o,
				(long long)json_integer_value(json_array_get(nr, o)),
				(long long)json_integer_value(json_array_get(
					json_object_get(z, "unusable_index"), o)),
				(long long)json_integer_value(json_array_get(
					json_object_get(z, "extfrag_index"), o)),
				(long long)json_integer_value(json_object_get(z, "fragmentation_score")));
	}
}

/*
 * Long format, one header line: a program groups by what it needs.  source is "observed"
 * or "sim:NAME"; point is the series index (1, 2, ...) or "end" (the result's zones).
 * Raw numbers as in the document: blocks, indices in thousandths, score in percent.
 */
int mf_csv_result(FILE *f, json_t *doc)
{
	json_t *p, *sims = json_object_get(doc, "simulations"), *s, *last;
	const char *key;
	size_t i;
	char point[24], src[96];

	fputs("source,point,time_ns,node,zone,order,free_blocks,unusable_index,extfrag_index,"
	      "fragmentation_score\n", f);
	json_array_foreach(json_object_get(doc, "series"), i, p) {
		snprintf(point, sizeof(point), "%zu", i + 1);
		csv_zone_rows(f, "observed", point, json_object_get(p, "time_ns"),
			      json_object_get(p, "zones"));
		json_object_foreach(json_object_get(p, "simulations"), key, s) {
			snprintf(src, sizeof(src), "sim:%s", key);
			csv_zone_rows(f, src, point, json_object_get(p, "time_ns"),
				      json_object_get(s, "zones"));
		}
	}
	last = json_object_get(json_object_get(doc, "trace"), "last_ns");
	csv_zone_rows(f, "observed", "end", last, json_object_get(doc, "zones"));
	json_array_foreach(sims, i, s) {
		snprintf(src, sizeof(src), "sim:%s", json_string_value(json_object_get(s, "name")));
		csv_zone_rows(f, src, "end", last, json_object_get(s, "zones"));
	}
	return ferror(f) ? -1 : 0;
}
