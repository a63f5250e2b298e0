// SPDX-License-Identifier: GPL-2.0
/*
 * The structure of a result document, checked before any renderer reads it: report,
 * compare, the CSV and HTML views take keys and types for granted, so a document whose
 * "schema" string matches but whose body does not (a zone name that is a number, a
 * simulation without config_text, 70 orders) must be refused first, with one line that
 * names the place.  The check is doc/mmfrag-result.schema.json itself, compiled in, read
 * by a small validator for the JSON Schema keywords that file uses: $ref (local), type,
 * properties, required, additionalProperties, propertyNames, items, minItems, maxItems,
 * minimum, maximum, minLength, enum, const, allOf, oneOf, not.  ("pattern" is not
 * checked: no renderer depends on it.)  On top of the schema, every integer must lie in
 * +-2^53, the range JSON numbers keep exactly (RFC 7493), so that the renderers' sums of
 * a few dozen of them, shifted by an order below 16, fit in 64 bits when checked.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "mmfrag/common.h"
#include "mmfrag/output-result.h"

extern const unsigned char mf_result_schema[];
extern const unsigned int mf_result_schema_len;

#define MAX_INT		(1LL << 53)
#define MAX_DEPTH	64

struct check {
	json_t	*root;		/* the schema, for $ref */
	char	*err;
	size_t	errlen;
	bool	quiet;		/* inside oneOf/not: failures are expected, say nothing */
};

static bool fail(struct check *c, const char *path, const char *fmt, const char *what)
{
	if (!c->quiet)
		snprintf(c->err, c->errlen, "%s: %s%s", *path ? path : "/", fmt, what ? what : "");
	return false;
}

static bool check(struct check *c, json_t *s, json_t *v, const char *path, int depth);

static json_t *resolve(struct check *c, const char *ref)
{
	char buf[256], *save, *k;
	json_t *o = c->root;

	if (strncmp(ref, "#/", 2))
		return NULL;
	snprintf(buf, sizeof(buf), "%s", ref + 2);
	for (k = strtok_r(buf, "/", &save); k && o; k = strtok_r(NULL, "/", &save))
		o = json_object_get(o, k);
	return o;
}

static bool type_is(const char *t, json_t *v)
{
	if (!strcmp(t, "object"))
		return json_is_object(v);
	if (!strcmp(t, "array"))
		return json_is_array(v);
	if (!strcmp(t, "string"))
		return json_is_string(v);
	if (!strcmp(t, "integer"))
		return json_is_integer(v);
	if (!strcmp(t, "number"))
		return json_is_number(v);
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(t, "null"))
		return json_is_null(v);
	return false;
}

static bool check_type(struct check *c, json_t *t, json_t *v, const char *path)
{
	json_t *e;
	size_t i;

	if (json_is_string(t)) {
		if (type_is(json_string_value(t), v))
			return true;
		return fail(c, path, "not of type ", json_string_value(t));
	}
	json_array_foreach(t, i, e)
		if (json_is_string(e) && type_is(json_string_value(e), v))
			return true;
	return fail(c, path, "not of the type the schema allows", NULL);
}

static double num(json_t *v)
{
	return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

/*
 * A missing key, with the members it should have had in compare's dotted names ("lacks
 * fallbacks (fallbacks.by_alloc_order, ..., fallbacks.total)"): what a reader looks for.
 */
static const char *missing_name(struct check *c, json_t *s, const char *key, char *buf,
				size_t len)
{
	json_t *sub = json_object_get(json_object_get(s, "properties"), key), *e;
	size_t i, n;
	int hops = 0;

	while (json_object_get(sub, "$ref") && hops++ < 8)
		sub = resolve(c, json_string_value(json_object_get(sub, "$ref")) ?: "");
	n = (size_t)snprintf(buf, len, "%s", key);
	json_array_foreach(json_object_get(sub, "required"), i, e) {
		if (n >= len)
			break;
		n += (size_t)snprintf(buf + n, len - n, "%s%s.%s", i ? ", " : " (", key,
				      json_string_value(e) ?: "?");
	}
	if (i && n + 1 < len)
		strcat(buf, ")");
	return buf;
}

static bool check_object(struct check *c, json_t *s, json_t *v, const char *path, int depth)
{
	json_t *props = json_object_get(s, "properties"), *addl = json_object_get(s, "additionalProperties");
	json_t *names = json_object_get(s, "propertyNames"), *req = json_object_get(s, "required");
	json_t *e, *sub;
	const char *key;
	char p[512];
	size_t i;

	json_array_foreach(req, i, e)
		if (json_is_string(e) && !json_object_get(v, json_string_value(e)))
			return fail(c, path, "lacks ", missing_name(c, s, json_string_value(e), p,
								  sizeof(p)));
	json_object_foreach(v, key, e) {
		snprintf(p, sizeof(p), "%s/%s", path, key);
		if (names) {
			json_t *k = json_string(key);
			bool ok = k && check(c, names, k, p, depth + 1);

			json_decref(k);
			if (!ok)
				return false;
		}
		sub = json_object_get(props, key);
		if (!sub && json_is_false(addl))
			return fail(c, p, "not a key of the result document", NULL);
		if (!sub && json_is_object(addl))
			sub = addl;
		if (sub && !check(c, sub, e, p, depth + 1))
			return false;
	}
	return true;
}

static bool check(struct check *c, json_t *s, json_t *v, const char *path, int depth)
{
	json_t *k, *e;
	size_t i;

	if (depth > MAX_DEPTH)
		return fail(c, path, "nested too deep", NULL);
	if (json_is_true(s))
		return true;
	if (json_is_false(s))
		return fail(c, path, "not allowed here", NULL);
	if (!json_is_object(s))
		return true;
	if ((k = json_object_get(s, "$ref"))) {
		json_t *t = resolve(c, json_string_value(k) ?: "");

		if (!t)
			return fail(c, path, "schema reference not found: ", json_string_value(k));
		if (!check(c, t, v, path, depth + 1))
			return false;
	}
	if (json_is_integer(v) && (json_integer_value(v) > MAX_INT || json_integer_value(v) < -MAX_INT))
		return fail(c, path, "integer out of range (more than 2^53)", NULL);
	if (json_is_real(v) && !(json_real_value(v) >= -1e300 && json_real_value(v) <= 1e300))
		return fail(c, path, "number out of range", NULL);
	if ((k = json_object_get(s, "type")) && !check_type(c, k, v, path))
		return false;
	if ((k = json_object_get(s, "const")) && !json_equal(k, v))
		return fail(c, path, "not the value the schema requires", NULL);
	if ((k = json_object_get(s, "enum"))) {
		bool found = false;

		json_array_foreach(k, i, e)
			found = found || json_equal(e, v);
		if (!found)
			return fail(c, path, "not one of the values the schema lists", NULL);
	}
	if (json_is_number(v)) {
		if ((k = json_object_get(s, "minimum")) && num(v) < num(k))
			return fail(c, path, "below the minimum", NULL);
		if ((k = json_object_get(s, "maximum")) && num(v) > num(k))
			return fail(c, path, "above the maximum", NULL);
	}
	if (json_is_string(v) && (k = json_object_get(s, "minLength")) &&
	    json_string_length(v) < (size_t)json_integer_value(k))
		return fail(c, path, "too short a string", NULL);
	if (json_is_array(v)) {
		char p[512];

		if ((k = json_object_get(s, "minItems")) && json_array_size(v) < (size_t)json_integer_value(k))
			return fail(c, path, "too few entries", NULL);
		if ((k = json_object_get(s, "maxItems")) && json_array_size(v) > (size_t)json_integer_value(k))
			return fail(c, path, "too many entries", NULL);
		if ((k = json_object_get(s, "items")))
			json_array_foreach(v, i, e) {
				snprintf(p, sizeof(p), "%s/%zu", path, i);
				if (!check(c, k, e, p, depth + 1))
					return false;
			}
	}
	if (json_is_object(v) && !check_object(c, s, v, path, depth))
		return false;
	json_array_foreach(json_object_get(s, "allOf"), i, e)
		if (!check(c, e, v, path, depth + 1))
			return false;
	if ((k = json_object_get(s, "oneOf"))) {
		bool quiet = c->quiet;
		int n = 0;

		c->quiet = true;
		json_array_foreach(k, i, e)
			n += check(c, e, v, path, depth + 1);
		c->quiet = quiet;
		if (n != 1)
			return fail(c, path, "matches none, or more than one, of the forms the schema "
				    "allows", NULL);
	}
	if ((k = json_object_get(s, "not"))) {
		bool quiet = c->quiet, m;

		c->quiet = true;
		m = check(c, k, v, path, depth + 1);
		c->quiet = quiet;
		if (m)
			return fail(c, path, "a form the schema rules out", NULL);
	}
	return true;
}

/*
 * Keys added to mmfrag-replay/1 after it first shipped (5ec2bc7): mmfrag writes them
 * today and doc/mmfrag-result.schema.json requires them of what it produces, but a
 * document saved by an older mmfrag lacks them and must still load.  Each entry is a
 * place in the schema ("#" its root) and the keys its "required" loses when loading; the
 * renderers print "-" or leave a section out for a key that is absent.  A key made
 * required later goes here too (tests/data/result-*.json are such old documents).
 */
static const struct {
	const char	*at;
	const char	*keys[24];
} added_later[] = {
	{ "#", { "lost_intervals", "pageblocks" } },
	{ "#/properties/compaction", { "success_rates" } },
	{ "#/$defs/observed_compaction", { "end_status_proactive", "pages_scanned" } },
	{ "#/properties/fidelity", { "alloc_from_buddy_pages", "alloc_not_free_pages",
		"alloc_of_allocated_pages", "alloc_of_pcp_elsewhere_pages", "alloc_unknown_pages",
		"compaction_isolate_mismatch_pages", "compaction_isolation_swapped",
		"compaction_isolation_swapped_pages", "compaction_isolation_replaced",
		"compaction_isolation_replaced_pages", "compaction_window_not_free",
		"compaction_window_not_free_pages", "compaction_released_pages",
		"compaction_targets_taken", "drain_not_pcp_pages", "drain_unknown_pages",
		"free_of_pcp_pages", "lru_insert_of_free", "pageblock_retyped_pages",
		"start_window_events", "start_window_repairs" } },
	{ "#/properties/model", { "reanchor", "reanchored" } },
	{ "#/$defs/check_point", { "after_lost_events", "reanchored" } },
	{ "#/$defs/simulation", { "limits", "pageblocks" } },
	{ "#/$defs/simulation/properties/config", { "kernelcore", "movablecore", "nr_hugepages",
		"percpu_pagelist_high_fraction", "seed", "thp_defrag", "thp_enabled" } },
};

/* The schema a loaded document is held to: the strict one less added_later's keys. */
static int accepting_schema(json_t *schema, char *err, size_t errlen)
{
	struct check c = { .root = schema };
	size_t i, k, j;
	json_t *e;

	for (i = 0; i < ARRAY_SIZE(added_later); i++) {
		json_t *at = strcmp(added_later[i].at, "#") ? resolve(&c, added_later[i].at) : schema;
		json_t *req = json_object_get(at, "required");

		if (!json_is_array(req)) {
			snprintf(err, errlen, "the compiled-in schema has no %s/required",
				 added_later[i].at);
			return -EINVAL;
		}
		for (k = 0; k < ARRAY_SIZE(added_later[i].keys) && added_later[i].keys[k]; k++)
			json_array_foreach(req, j, e)
				if (!strcmp(json_string_value(e) ?: "", added_later[i].keys[k])) {
					json_array_remove(req, j);
					break;
				}
	}
	return 0;
}

int mf_result_check(json_t *doc, char *err, size_t errlen)
{
	static json_t *schema;
	struct check c = { .err = err, .errlen = errlen };

	if (!schema) {
		json_error_t jerr;

		schema = json_loadb((const char *)mf_result_schema, mf_result_schema_len, 0, &jerr);
		if (!schema) {
			snprintf(err, errlen, "the compiled-in schema does not load: %s", jerr.text);
			return -EINVAL;
		}
		if (accepting_schema(schema, err, errlen)) {
			json_decref(schema);
			schema = NULL;
			return -EINVAL;
		}
	}
	c.root = schema;
	return check(&c, schema, doc, "", 0) ? 0 : -EINVAL;
}
