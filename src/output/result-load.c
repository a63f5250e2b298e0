// SPDX-License-Identifier: GPL-2.0
/*
 * A result document from a file: a saved one, or a trace.dat replayed in memory.  Shared
 * by report and compare, so that both accept the same files with the same messages.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "mmfrag/common.h"
#include "mmfrag/compare.h"
#include "mmfrag/output.h"
#include "mmfrag/output-result.h"
#include "mmfrag/replay.h"
#include "mmfrag/result.h"

/*
 * A trace rather than a result document: a trace.dat ("\027\010\104tracing",
 * trace-cmd.dat(5)), compressed data (a compressed text trace: zstd, gzip, xz), or text
 * whose first non-blank byte does not open a JSON object (a text trace, which the reader
 * then checks).  Result documents are JSON objects.
 */
bool mf_is_trace_file(const char *path)
{
	static const char magic[] = "\027\010\104tracing";
	unsigned char buf[256];
	FILE *f = fopen(path, "rb");
	size_t n, i;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n >= sizeof(magic) - 1 && !memcmp(buf, magic, sizeof(magic) - 1))
		return true;
	if ((n >= 4 && !memcmp(buf, "\x28\xb5\x2f\xfd", 4)) || (n >= 2 && !memcmp(buf, "\x1f\x8b", 2)) ||
	    (n >= 6 && !memcmp(buf, "\xfd" "7zXZ\0", 6)))
		return true;
	for (i = 0; i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'); i++)
		;
	if (i == n || buf[i] == '{')
		return false;
	for (; i < n; i++)	/* text, not binary garbage */
		if (buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\t' && buf[i] != '\r')
			return false;
	return true;
}

/*
 * The document parsed from memory: json_load_file() takes a locked getc() per byte, a
 * tenth of the time report, compare and the result harness spend on a document.  When
 * the file cannot be read whole, json_load_file() itself, for its messages.
 */
static json_t *load_json(const char *path, json_error_t *jerr)
{
	size_t len = 0, cap = 64 << 10;
	char *buf = malloc(cap), *nb;
	FILE *f = fopen(path, "rb");
	json_t *doc;

	while (f && buf) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		nb = cap < ((size_t)1 << 40) ? realloc(buf, cap * 2) : NULL;
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	if (!f || !buf || ferror(f)) {
		if (f)
			fclose(f);
		free(buf);
		return json_load_file(path, 0, jerr);
	}
	fclose(f);
	doc = json_loadb(buf, len, 0, jerr);
	free(buf);
	return doc;
}

static json_t *load_saved(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	const char *schema;
	char why[512];
	json_t *doc;

	doc = load_json(path, &jerr);
	if (!doc) {
		if (jerr.position == 0 && jerr.line == -1)
			snprintf(err, errlen, "%s: cannot read: %s", path, jerr.text);
		else
			snprintf(err, errlen, "%s: not a result document (line %d: %s)", path,
				 jerr.line, jerr.text);
		return NULL;
	}
	schema = json_string_value(json_object_get(doc, "schema"));
	if (!schema || strncmp(schema, "mmfrag-replay/", 14)) {
		snprintf(err, errlen, "%s: not a replay result (schema %s)", path,
			 schema ? schema : "missing");
		json_decref(doc);
		return NULL;
	}
	if (strcmp(schema, MF_RESULT_SCHEMA)) {
		snprintf(err, errlen, "%s: result schema %s is not %s", path, schema, MF_RESULT_SCHEMA);
		json_decref(doc);
		return NULL;
	}
	/* the renderers take the structure for granted: check it first */
	if (mf_result_check(doc, why, sizeof(why))) {
		snprintf(err, errlen, "%s: not a valid %s document: %s", path, MF_RESULT_SCHEMA, why);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *mf_result_load(const char *path, char *err, size_t errlen)
{
	return mf_result_load_sim(path, NULL, err, errlen);
}

json_t *mf_result_load_sim(const char *path, const char *config, char *err, size_t errlen)
{
	struct mf_replay_opts ro = { .trace = path };
	struct mf_sim_config c;
	struct mf_result *r;
	char why[256];
	json_t *doc;

	if (!mf_is_trace_file(path))
		return load_saved(path, err, errlen);
	if (config) {
		mf_sim_config_default(&c);
		if (strcmp(config, "default") && mf_sim_config_parse(&c, config, why, sizeof(why))) {
			snprintf(err, errlen, "%s#%s: %s", path, config, why);
			return NULL;
		}
		/* the simulation is then found under the name the config was given */
		snprintf(c.name, sizeof(c.name), "%s", config);
		ro.nr_configs = 1;
		ro.configs = &c;
	}
	/* as 'mmfrag replay FILE' without options would, captures beside it included */
	if (mf_replay_run(&ro, &r, err, errlen))
		return NULL;
	doc = mf_result_json(r);
	mf_result_free(r);
	if (!doc)
		snprintf(err, errlen, "%s: cannot build the result document", path);
	return doc;
}

bool mf_result_has_zone(json_t *doc, const char *zone)
{
	json_t *z;
	size_t i;

	json_array_foreach(json_object_get(doc, "zones"), i, z) {
		const char *name = json_string_value(json_object_get(z, "zone"));

		if (name && !strcasecmp(name, zone))
			return true;
	}
	return false;
}

int mf_result_report(FILE *f, const char *path, bool json, const struct mf_table_opts *t,
		     char *err, size_t errlen)
{
	json_t *doc = mf_result_load(path, err, errlen);
	int ret;

	if (!doc)
		return -EINVAL;
	if (t->zone && !mf_result_has_zone(doc, t->zone))
		ret = -ENOENT;
	else if (json)
		ret = mf_json_dump(doc, f) ? -EIO : 0;
	else
		ret = mf_table_result(f, doc, t) ? -EIO : 0;
	json_decref(doc);
	return ret;
}

int mf_compare_load(const char *path, const char *sim, struct mf_cmp_doc *d, char *err,
		    size_t errlen)
{
	return mf_compare_load_doc(path, sim, d, NULL, err, errlen);
}

int mf_compare_load_doc(const char *path, const char *sim, struct mf_cmp_doc *d, json_t **keep,
			char *err, size_t errlen)
{
	const char *missing = NULL;
	json_t *doc, *s;
	char names[256] = "";
	size_t i;
	int ret;

	doc = mf_result_load_sim(path, sim, err, errlen);
	if (!doc)
		return -EINVAL;
	ret = mf_compare_extract(doc, sim, d, &missing);
	if (ret == -ENOENT) {
		json_array_foreach(json_object_get(doc, "simulations"), i, s)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s'%s'",
				 i ? ", " : "", json_string_value(json_object_get(s, "name")));
		snprintf(err, errlen, "%s: no simulation named '%s' (%s%s)", path, sim,
			 *names ? "it has " : "replayed without --simulate", names);
	} else if (ret == -EINVAL) {
		snprintf(err, errlen, "%s: the result document lacks %s", path, missing);
	} else if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	}
	if (keep && !ret)
		*keep = doc;
	else
		json_decref(doc);
	return ret;
}
