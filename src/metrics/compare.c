// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag compare, the metrics layer: the numbers of two result documents paired into
 * named metrics with their deltas, and thresholds decided on them.  Nothing here prints.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mmfrag/compare.h"

const char *const mf_cmp_op_names[] = {
	[MF_CMP_GT] = ">", [MF_CMP_LT] = "<", [MF_CMP_GE] = ">=", [MF_CMP_LE] = "<=",
};

/* The metrics that are not per zone, with where the document keeps them. */
static const char *const global_names[] = {
	"compaction.direct.stall", "compaction.direct.success", "compaction.direct.fail",
	"compaction.direct.efficiency", "compaction.kcompactd_wake",
	"compaction.pages_migrated", "fallbacks.total", "fallbacks.fragmenting",
	"allocations.failures", "lost_events",
};

/* ---- extraction ------------------------------------------------------------------------ */

/* An integer at a path of object keys; false when a key is absent or not an integer. */
static bool get_int(json_t *o, int64_t *out, const char **missing, const char *path)
{
	char buf[96], *key, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key && o; key = strtok_r(NULL, ".", &save))
		o = json_object_get(o, key);
	if (!json_is_integer(o)) {
		*missing = path;
		return false;
	}
	*out = json_integer_value(o);
	return true;
}

static bool get_index_array(json_t *z, const char *key, int64_t *v, int *nr)
{
	json_t *arr = json_object_get(z, key), *e;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > MF_MAX_ORDERS)
		return false;
	json_array_foreach(arr, i, e) {
		if (!json_is_integer(e))
			return false;
		v[i] = json_integer_value(e);
	}
	/* both index arrays cover the same orders; keep the shorter if a document disagrees */
	if (*nr == 0 || (int)i < *nr)
		*nr = (int)i;
	return true;
}

static int extract_zone(json_t *z, struct mf_cmp_zone *cz, const char **missing)
{
	const char *name = json_string_value(json_object_get(z, "zone"));
	json_t *fbe = json_object_get(json_object_get(z, "check"), "free_blocks_error");
	int64_t node;

	if (!name) {
		*missing = "zones[].zone";
		return -EINVAL;
	}
	if (!get_int(z, &node, missing, "node") ||
	    !get_int(z, &cz->free_pages, missing, "free_pages") ||
	    !get_int(z, &cz->score, missing, "fragmentation_score"))
		return -EINVAL;
	cz->node = (int)node;
	snprintf(cz->name, sizeof(cz->name), "%s", name);
	if (!get_index_array(z, "unusable_index", cz->unusable_index, &cz->nr_orders)) {
		*missing = "zones[].unusable_index";
		return -EINVAL;
	}
	if (!get_index_array(z, "extfrag_index", cz->extfrag_index, &cz->nr_orders)) {
		*missing = "zones[].extfrag_index";
		return -EINVAL;
	}
	cz->has_check = json_is_number(fbe);
	if (cz->has_check) {
		char buf[32];

		/*
		 * Saved documents keep 6 significant digits (mf_json_dump()); a trace replayed
		 * in memory has them all.  Round alike, so a trace and its saved result compare
		 * equal.
		 */
		snprintf(buf, sizeof(buf), "%.6g", json_number_value(fbe));
		cz->free_blocks_error = strtod(buf, NULL);
	}
	return 0;
}

/* The simulate-mode entry of doc named name, or NULL. */
json_t *mf_compare_simulation(json_t *doc, const char *name)
{
	json_t *sim;
	size_t i;

	json_array_foreach(json_object_get(doc, "simulations"), i, sim)
		if (!strcmp(json_string_value(json_object_get(sim, "name")) ?: "", name))
			return sim;
	return NULL;
}

int mf_compare_extract(json_t *doc, const char *config, struct mf_cmp_doc *d,
		       const char **missing)
{
	json_t *zones, *z, *fails, *e, *src = doc;
	int64_t v;
	size_t i;
	int ret;

	memset(d, 0, sizeof(*d));
	/* a simulation: its zones, compaction, fallbacks and allocations; the trace's losses */
	if (config) {
		src = mf_compare_simulation(doc, config);
		if (!src)
			return -ENOENT;
	}
	if (!get_int(src, &v, missing, "model.max_order"))
		return -EINVAL;
	d->max_order = (int)v;
	if (!get_int(src, &v, missing, "model.pageblock_order"))
		return -EINVAL;
	d->pageblock_order = (int)v;

	zones = json_object_get(src, "zones");
	if (!json_is_array(zones) || json_array_size(zones) > MF_MAX_ZONES) {
		*missing = "zones";
		return -EINVAL;
	}
	json_array_foreach(zones, i, z) {
		ret = extract_zone(z, &d->zones[i], missing);
		if (ret)
			return ret;
	}
	d->nr_zones = (int)i;

	if (!get_int(src, &d->direct_stall, missing, config ? "compaction.direct.stall" :
		     "compaction.observed.direct.stall") ||
	    !get_int(src, &d->direct_success, missing, config ? "compaction.direct.success" :
		     "compaction.observed.direct.success") ||
	    !get_int(src, &d->direct_fail, missing, config ? "compaction.direct.fail" :
		     "compaction.observed.direct.fail") ||
	    !get_int(src, &d->kcompactd_wake, missing, config ? "compaction.kcompactd_wake" :
		     "compaction.observed.kcompactd_wake") ||
	    !get_int(src, &d->pages_migrated, missing, config ? "compaction.pages_migrated" :
		     "compaction.observed.pages_migrated") ||
	    !get_int(src, &d->fallbacks_total, missing, "fallbacks.total") ||
	    !get_int(src, &d->fallbacks_fragmenting, missing, "fallbacks.fragmenting") ||
	    !get_int(doc, &d->lost_events, missing, "lost_events"))
		return -EINVAL;

	/* a simulation also fails requests above its max order, outside the per-order array */
	if (config)
		return get_int(src, &d->alloc_failures, missing, "allocations.failures") ? 0 : -EINVAL;
	fails = json_object_get(json_object_get(src, "allocations"), "failures_by_order");
	if (!json_is_array(fails)) {
		*missing = "allocations.failures_by_order";
		return -EINVAL;
	}
	/* checked: the document is another machine's, its counts need not be sane */
	json_array_foreach(fails, i, e)
		if (__builtin_add_overflow(d->alloc_failures, json_integer_value(e), &d->alloc_failures)) {
			*missing = "allocations.failures_by_order (a sum within 64 bits)";
			return -EINVAL;
		}
	return 0;
}

/* ---- pairing ----------------------------------------------------------------------------- */

static struct mf_cmp_metric *add_metric(struct mf_compare *c, int *cap, enum mf_cmp_kind kind,
					int zone, int order)
{
	struct mf_cmp_metric *m;

	if (c->nr_metrics == *cap) {
		int ncap = *cap ? *cap * 2 : 64;

		m = realloc(c->metrics, (size_t)ncap * sizeof(*m));
		if (!m)
			return NULL;
		c->metrics = m;
		*cap = ncap;
	}
	m = &c->metrics[c->nr_metrics++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->zone = zone;
	m->order = order;
	return m;
}

/* Fill the deltas once both sides are known. */
static void finish_metric(struct mf_cmp_metric *m)
{
	m->has_delta = m->has_a && m->has_b;
	if (!m->has_delta)
		return;
	m->delta = m->b - m->a;
	/* relative to |A|, so that its sign is the delta's even for the -1000 extfrag index */
	m->has_relative = m->a != 0;
	if (m->has_relative)
		m->relative = 100.0 * m->delta / fabs(m->a);
}

static void set_values(struct mf_cmp_metric *m, bool has_a, double a, bool has_b, double b)
{
	m->has_a = has_a;
	m->a = has_a ? a : 0;
	m->has_b = has_b;
	m->b = has_b ? b : 0;
	finish_metric(m);
}

static void zone_prefix(const struct mf_compare *c, int zi, char *buf, size_t len)
{
	if (c->multi_node)
		snprintf(buf, len, "N%d.%s", c->zones[zi].node, c->zones[zi].name);
	else
		snprintf(buf, len, "%s", c->zones[zi].name);
}

static int add_zone_metrics(struct mf_compare *c, int *cap, int zi,
			    const struct mf_cmp_zone *za, const struct mf_cmp_zone *zb)
{
	struct mf_cmp_metric *m;
	char prefix[40];
	int o;

	zone_prefix(c, zi, prefix, sizeof(prefix));

	m = add_metric(c, cap, MF_CMP_SCORE, zi, -1);
	if (!m)
		return -ENOMEM;
	snprintf(m->name, sizeof(m->name), "%s.fragmentation_score", prefix);
	set_values(m, true, (double)za->score, true, (double)zb->score);

	m = add_metric(c, cap, MF_CMP_PAGES, zi, -1);
	if (!m)
		return -ENOMEM;
	snprintf(m->name, sizeof(m->name), "%s.free_pages", prefix);
	set_values(m, true, (double)za->free_pages, true, (double)zb->free_pages);

	for (o = 0; o < c->nr_orders && o < za->nr_orders && o < zb->nr_orders; o++) {
		m = add_metric(c, cap, MF_CMP_INDEX, zi, o);
		if (!m)
			return -ENOMEM;
		snprintf(m->name, sizeof(m->name), "%s.unusable_index.%d", prefix, o);
		set_values(m, true, (double)za->unusable_index[o], true,
			   (double)zb->unusable_index[o]);
	}
	for (o = 0; o < c->nr_orders && o < za->nr_orders && o < zb->nr_orders; o++) {
		m = add_metric(c, cap, MF_CMP_INDEX, zi, o);
		if (!m)
			return -ENOMEM;
		snprintf(m->name, sizeof(m->name), "%s.extfrag_index.%d", prefix, o);
		set_values(m, true, (double)za->extfrag_index[o], true,
			   (double)zb->extfrag_index[o]);
	}

	/* only replays with a check capture have it; one side without shows "-" */
	if (za->has_check || zb->has_check) {
		m = add_metric(c, cap, MF_CMP_RATIO, zi, -1);
		if (!m)
			return -ENOMEM;
		snprintf(m->name, sizeof(m->name), "%s.free_blocks_error", prefix);
		set_values(m, za->has_check, za->free_blocks_error, zb->has_check,
			   zb->free_blocks_error);
	}
	return 0;
}

/* mmtests' "compaction efficiency", as the result document's: 100 * success / stall */
static bool efficiency(const struct mf_cmp_doc *d, double *out)
{
	if (!d->direct_stall)
		return false;
	*out = 100.0 * (double)d->direct_success / (double)d->direct_stall;
	return true;
}

static int add_global_metrics(struct mf_compare *c, int *cap, const struct mf_cmp_doc *a,
			      const struct mf_cmp_doc *b)
{
	const int64_t va[] = {
		a->direct_stall, a->direct_success, a->direct_fail, 0, a->kcompactd_wake,
		a->pages_migrated, a->fallbacks_total, a->fallbacks_fragmenting,
		a->alloc_failures, a->lost_events,
	};
	const int64_t vb[] = {
		b->direct_stall, b->direct_success, b->direct_fail, 0, b->kcompactd_wake,
		b->pages_migrated, b->fallbacks_total, b->fallbacks_fragmenting,
		b->alloc_failures, b->lost_events,
	};
	struct mf_cmp_metric *m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(global_names); i++) {
		m = add_metric(c, cap, MF_CMP_COUNT, -1, -1);
		if (!m)
			return -ENOMEM;
		snprintf(m->name, sizeof(m->name), "%s", global_names[i]);
		if (!strcmp(global_names[i], "compaction.direct.efficiency")) {
			double ea = 0, eb = 0;
			bool ha = efficiency(a, &ea), hb = efficiency(b, &eb);

			m->kind = MF_CMP_PERCENT;
			set_values(m, ha, ea, hb, eb);
		} else {
			set_values(m, true, (double)va[i], true, (double)vb[i]);
		}
	}
	return 0;
}

int mf_compare_build(const struct mf_cmp_doc *a, const struct mf_cmp_doc *b,
		     struct mf_compare *c)
{
	int cap = 0, i, j, ret;

	memset(c, 0, sizeof(*c));
	c->pageblock_order = a->pageblock_order;
	c->max_order = a->max_order;
	c->nr_orders = (a->max_order < b->max_order ? a->max_order : b->max_order) + 1;
	if (c->nr_orders > MF_MAX_ORDERS)
		c->nr_orders = MF_MAX_ORDERS;

	/* node prefixes only when they tell something: a document with a zone off node 0 */
	for (i = 0; i < a->nr_zones; i++)
		c->multi_node |= a->zones[i].node != 0;
	for (i = 0; i < b->nr_zones; i++)
		c->multi_node |= b->zones[i].node != 0;

	for (i = 0; i < a->nr_zones; i++) {
		const struct mf_cmp_zone *za = &a->zones[i];

		for (j = 0; j < b->nr_zones; j++) {
			const struct mf_cmp_zone *zb = &b->zones[j];

			if (za->node != zb->node || strcmp(za->name, zb->name))
				continue;
			c->zones[c->nr_zones].node = za->node;
			snprintf(c->zones[c->nr_zones].name, sizeof(c->zones[0].name), "%s",
				 za->name);
			ret = add_zone_metrics(c, &cap, c->nr_zones, za, zb);
			if (ret)
				goto err;
			c->nr_zones++;
			break;
		}
	}
	ret = add_global_metrics(c, &cap, a, b);
	if (ret)
		goto err;
	return 0;
err:
	mf_compare_free(c);
	return ret;
}

void mf_compare_free(struct mf_compare *c)
{
	free(c->metrics);
	c->metrics = NULL;
	c->nr_metrics = 0;
}

/* ---- names ------------------------------------------------------------------------------- */

static bool is_global(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(global_names); i++)
		if (!strcmp(name, global_names[i]))
			return true;
	return false;
}

/* "N<digits>." at the start of name: its length, or 0 */
static size_t node_prefix(const char *name, int *node)
{
	const char *p = name;

	if (*p != 'N' || !isdigit((unsigned char)p[1]))
		return 0;
	for (p++; isdigit((unsigned char)*p); p++)
		;
	if (*p != '.')
		return 0;
	*node = atoi(name + 1);
	return (size_t)(p + 1 - name);
}

/* The part after "ZONE.": a zone metric's own name and order (-1 for none). */
static bool zone_suffix_valid(const char *s)
{
	static const char *const plain[] = {
		"fragmentation_score", "free_pages", "free_blocks_error",
	};
	static const char *const per_order[] = { "unusable_index.", "extfrag_index." };
	size_t i, n;
	char *end;
	long o;

	for (i = 0; i < ARRAY_SIZE(plain); i++)
		if (!strcmp(s, plain[i]))
			return true;
	for (i = 0; i < ARRAY_SIZE(per_order); i++) {
		n = strlen(per_order[i]);
		if (strncmp(s, per_order[i], n) || !isdigit((unsigned char)s[n]))
			continue;
		o = strtol(s + n, &end, 10);
		return !*end && o >= 0 && o < MF_MAX_ORDERS;
	}
	return false;
}

bool mf_compare_name_valid(const char *name)
{
	const char *dot;
	int node;

	if (is_global(name))
		return true;
	name += node_prefix(name, &node);
	dot = strchr(name, '.');
	return dot && dot > name && zone_suffix_valid(dot + 1);
}

int mf_compare_find(const struct mf_compare *c, const char *name)
{
	const char *rest, *dot;
	int i, found = -ENOENT, node = -1, zi;
	size_t zlen;

	if (is_global(name)) {
		for (i = 0; i < c->nr_metrics; i++)
			if (c->metrics[i].zone < 0 && !strcmp(c->metrics[i].name, name))
				return i;
		return -ENOENT;
	}
	rest = name + node_prefix(name, &node);
	dot = strchr(rest, '.');
	if (!dot)
		return -ENOENT;
	zlen = (size_t)(dot - rest);
	for (i = 0; i < c->nr_metrics; i++) {
		const struct mf_cmp_metric *m = &c->metrics[i];
		const char *msuffix;

		zi = m->zone;
		if (zi < 0)
			continue;
		/* zone names as the kernel spells them, but "normal" is meant as "Normal" */
		if (strlen(c->zones[zi].name) != zlen || strncasecmp(c->zones[zi].name, rest, zlen))
			continue;
		if (node >= 0 && c->zones[zi].node != node)
			continue;
		msuffix = strchr(m->name + (c->multi_node ? strcspn(m->name, ".") + 1 : 0), '.');
		if (!msuffix || strcmp(msuffix, dot))
			continue;
		if (found >= 0)
			return -EEXIST;
		found = i;
	}
	return found;
}

/* ---- thresholds -------------------------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool strip_suffix(char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n <= k || strcmp(s + n - k, suffix))
		return false;
	s[n - k] = '\0';
	return true;
}

int mf_threshold_parse(const char *expr, struct mf_threshold *t)
{
	char buf[128], *op, *metric, *value, *end;
	size_t oplen = 1;

	memset(t, 0, sizeof(*t));
	t->expr = expr;
	if (strlen(expr) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, expr);
	op = strpbrk(buf, "<>");
	if (!op)
		return -EINVAL;
	t->op = *op == '>' ? MF_CMP_GT : MF_CMP_LT;
	if (op[1] == '=') {
		t->op = t->op == MF_CMP_GT ? MF_CMP_GE : MF_CMP_LE;
		oplen = 2;
	}
	*op = '\0';
	metric = trim(buf);
	value = trim(op + oplen);

	/* a number and nothing else: "10", "-5", "0.5", "1e3"; not "nan" or "inf" */
	if (!*value || !(isdigit((unsigned char)*value) || strchr("+-.", *value)))
		return -EINVAL;
	errno = 0;
	t->value = strtod(value, &end);
	if (*end || errno || !isfinite(t->value))
		return -EINVAL;

	if (strip_suffix(metric, ".delta"))
		t->field = MF_CMP_DELTA;
	else if (strip_suffix(metric, ".relative"))
		t->field = MF_CMP_RELATIVE;
	if (strlen(metric) >= sizeof(t->metric) || !mf_compare_name_valid(metric))
		return -EINVAL;
	strcpy(t->metric, metric);
	return 0;
}

int mf_threshold_check(const struct mf_compare *c, struct mf_threshold *t)
{
	const struct mf_cmp_metric *m;
	int idx = mf_compare_find(c, t->metric);

	if (idx < 0)
		return idx;
	t->idx = idx;
	m = &c->metrics[idx];
	switch (t->field) {
	case MF_CMP_B:
		t->has_actual = m->has_b;
		t->actual = m->b;
		break;
	case MF_CMP_DELTA:
		t->has_actual = m->has_delta;
		t->actual = m->delta;
		break;
	case MF_CMP_RELATIVE:
		t->has_actual = m->has_relative;
		t->actual = m->relative;
		break;
	}
	t->crossed = false;
	if (!t->has_actual)
		return 0;
	switch (t->op) {
	case MF_CMP_GT:
		t->crossed = t->actual > t->value;
		break;
	case MF_CMP_LT:
		t->crossed = t->actual < t->value;
		break;
	case MF_CMP_GE:
		t->crossed = t->actual >= t->value;
		break;
	case MF_CMP_LE:
		t->crossed = t->actual <= t->value;
		break;
	}
	return 0;
}
