// SPDX-License-Identifier: GPL-2.0
/*
 * Simulate-mode configs: the table of knobs and everything that reads it by name
 * (defaults, the --config parser).  The result document's "config" object and 'mmfrag
 * replay --help' walk the same table; the model reads only struct mf_sim_config's fields.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mmfrag/common.h"
#include "mmfrag/sim-config.h"

/*
 * offsetof() of field f of struct mf_sim_config, and a build error (an array of size -1)
 * when the field is not of the C type the knob's type stores.
 */
#define CONFIG_FIELD(f)	(((struct mf_sim_config *)0)->f)
#define FIELD(f, ctype)							\
	(offsetof(struct mf_sim_config, f) +				\
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(CONFIG_FIELD(f)), ctype) ? 1 : -1]))

#define NAME(f)		.name = #f, .type = MF_KNOB_NAME,			\
			.offset = FIELD(f, char[sizeof(CONFIG_FIELD(f))]),	\
			.max = sizeof(CONFIG_FIELD(f)) - 1
#define INT(f)		.name = #f, .type = MF_KNOB_INT, .offset = FIELD(f, int)
#define BOOL(f)		.name = #f, .type = MF_KNOB_BOOL, .offset = FIELD(f, int)
#define SIZE(f)		.name = #f, .type = MF_KNOB_SIZE, .offset = FIELD(f, uint64_t)
#define ENUM(f, w)	.name = #f, .type = MF_KNOB_ENUM, .offset = FIELD(f, int), .words = (w), \
			.max = ARRAY_SIZE(w) - 2
#define RANGE(lo, hi)	.min = (lo), .max = (hi)
#define DEF(v)		.def = (v)
/* the default is the traced kernel's; keep is the field's value that says so */
#define TRACED(keep)	.def = (keep), .traced = true
#define VM		.sysctl_dir = "/proc/sys/vm/"
#define THP(file)	.sysctl_dir = "/sys/kernel/mm/transparent_hugepage/", .sysctl_file = (file)

static const char *const thp_enabled_words[] = { "always", "madvise", "never", NULL };
static const char *const thp_defrag_words[] = {
	"always", "defer", "defer+madvise", "madvise", "never", NULL
};

const struct mf_sim_knob mf_sim_knobs[] = {
	{ NAME(name),
	  .help = "the simulation's name (in the result, the table and mmfrag compare's FILE#NAME)" },
	{ INT(max_order), RANGE(1, MF_MAX_ORDERS - 2), TRACED(MF_SIM_KEEP),
	  .help = "MAX_PAGE_ORDER, the highest order of a free block" },
	{ INT(pageblock_order), RANGE(1, MF_MAX_ORDERS - 2), TRACED(MF_SIM_KEEP),
	  .help = "pageblock order, not above max_order" },
	{ INT(extfrag_threshold), RANGE(0, 1000), DEF(500), VM,
	  .help = "compaction of a costly order needs an extfrag index above it" },
	{ INT(compaction_proactiveness), RANGE(0, 100), DEF(20), VM,
	  .help = "proactive compaction's target (0: none)" },
	{ INT(watermark_scale_factor), RANGE(1, 3000), TRACED(MF_SIM_KEEP), VM,
	  .help = "watermark distance in 1/10000 of memory (given: watermarks recomputed)" },
	{ INT(watermark_boost_factor), RANGE(0, 1000000), DEF(15000), VM,
	  .help = "watermark boost after a fragmenting fallback (0: no boosting)" },
	{ INT(min_free_kbytes), RANGE(0, 1 << 30), TRACED(MF_SIM_KEEP), VM,
	  .help = "the min watermark in KiB (given: watermarks recomputed)" },
	{ BOOL(mobility_grouping), DEF(1),
	  .help = "off: page_group_by_mobility_disabled, every request Unmovable" },
	{ BOOL(compaction), DEF(1),
	  .help = "off: a kernel without CONFIG_COMPACTION" },
	{ BOOL(defrag_mode), DEF(0), VM,
	  .help = "ALLOC_NOFRAGMENT until the end of the slow path (Linux 6.15)" },
	{ SIZE(memory), RANGE(64LL << 20, 1LL << 50), TRACED(0),
	  .help = "a machine of SIZE bytes, all free, instead of the start capture's" },
	{ SIZE(kernelcore), RANGE(2LL << 20, 1LL << 50), TRACED(0),
	  .help = "boot option: memory for the kernel, the rest of the top zone ZONE_MOVABLE" },
	{ SIZE(movablecore), RANGE(2LL << 20, 1LL << 50), TRACED(0),
	  .help = "boot option: a ZONE_MOVABLE of SIZE at the top (the larger of the two wins)" },
	{ INT(percpu_pagelist_high_fraction), RANGE(0, 1 << 30), DEF(0), VM,
	  .help = "per-CPU list high = zone pages / N, not auto-tuned (0: auto-tuned; 1-7 invalid)" },
	{ ENUM(thp_enabled, thp_enabled_words), TRACED(MF_SIM_KEEP), THP("enabled"),
	  .help = "which THP faults are tried (never: the trace's THP faults take 4K pages)" },
	{ ENUM(thp_defrag, thp_defrag_words), TRACED(MF_SIM_KEEP), THP("defrag"),
	  .help = "the GFP of a THP fault (vma_thp_gfp_mask()): direct compaction or kcompactd" },
	{ INT(nr_hugepages), RANGE(0, 1 << 30), TRACED(MF_SIM_KEEP), VM,
	  .help = "hugetlb pool size; more than the capture's is taken at the start" },
	{ INT(seed), RANGE(0, INT32_MAX), DEF(0),
	  .help = "the simulator's own random draws (migration failures, contention, the LRU "
		  "order): another seed shows what chance alone moves" },
	{ .name = NULL }
};

#define NR_KNOBS	(ARRAY_SIZE(mf_sim_knobs) - 1)
_Static_assert(NR_KNOBS <= 64, "mf_sim_config.given has a bit per knob");

const struct mf_sim_knob *mf_sim_knob_find(const char *name)
{
	const struct mf_sim_knob *k;

	for (k = mf_sim_knobs; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

static void *field(struct mf_sim_config *c, const struct mf_sim_knob *k)
{
	return (char *)c + k->offset;
}

static int64_t get(const struct mf_sim_config *c, const struct mf_sim_knob *k)
{
	const void *p = (const char *)c + k->offset;

	return k->type == MF_KNOB_SIZE ? (int64_t)*(const uint64_t *)p : *(const int *)p;
}

static void set(struct mf_sim_config *c, const struct mf_sim_knob *k, int64_t v)
{
	if (k->type == MF_KNOB_SIZE)
		*(uint64_t *)field(c, k) = (uint64_t)v;
	else
		*(int *)field(c, k) = (int)v;
}

bool mf_sim_knob_value(const struct mf_sim_config *c, const struct mf_sim_knob *k, int64_t *v)
{
	*v = get(c, k);
	return !(k->traced && *v == k->def);
}

/* "always|madvise|never": built once per knob (the table is constant) */
static const char *enum_arg(const struct mf_sim_knob *k)
{
	static char bufs[4][96];
	static const struct mf_sim_knob *owner[4];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(owner) && owner[i] && owner[i] != k; i++)
		;
	if (i == ARRAY_SIZE(owner))
		return "WORD";
	if (!owner[i]) {
		owner[i] = k;
		for (n = 0; k->words[n]; n++)
			snprintf(bufs[i] + strlen(bufs[i]), sizeof(bufs[i]) - strlen(bufs[i]), "%s%s",
				 n ? "|" : "", k->words[n]);
	}
	return bufs[i];
}

const char *mf_sim_knob_arg(const struct mf_sim_knob *k)
{
	switch (k->type) {
	case MF_KNOB_NAME:	return "NAME";
	case MF_KNOB_BOOL:	return "on|off";
	case MF_KNOB_SIZE:	return "SIZE";
	case MF_KNOB_ENUM:	return enum_arg(k);
	case MF_KNOB_INT:	break;
	}
	return "N";
}

/* bytes in the largest binary unit that divides them: 64M, 1024T */
static void fmt_size(int64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i = -1;

	while (i < 3 && v && !(v & 1023)) {
		v >>= 10;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%lld", (long long)v);
	else
		snprintf(buf, len, "%lld%c", (long long)v, units[i]);
}

int mf_sim_knob_describe(const struct mf_sim_knob *k, char *buf, size_t len)
{
	char lo[128], hi[24], def[64];

	switch (k->type) {
	case MF_KNOB_NAME:
		return snprintf(buf, len, "up to %lld characters, default the config's text",
				(long long)k->max);
	case MF_KNOB_BOOL:
		snprintf(lo, sizeof(lo), "on or off");
		*hi = '\0';
		break;
	case MF_KNOB_ENUM:
		snprintf(lo, sizeof(lo), "one of %s", enum_arg(k));
		*hi = '\0';
		break;
	case MF_KNOB_INT:
		snprintf(lo, sizeof(lo), "%lld to ", (long long)k->min);
		snprintf(hi, sizeof(hi), "%lld", (long long)k->max);
		break;
	case MF_KNOB_SIZE:
		fmt_size(k->min, lo, sizeof(lo));
		strcat(lo, " to ");
		fmt_size(k->max, hi, sizeof(hi));
		break;
	}
	/*
	 * mf_sim_config_traced() gives every key with a sysctl the start capture's value, so
	 * the kernel's default is only what a trace without that capture gets
	 */
	if (k->traced)
		snprintf(def, sizeof(def), "the traced kernel's");
	else if (k->type == MF_KNOB_BOOL)
		snprintf(def, sizeof(def), "%s%s", k->sysctl_dir ? "the traced kernel's, else " : "",
			 k->def ? "on" : "off");
	else
		snprintf(def, sizeof(def), "%s%lld", k->sysctl_dir ? "the traced kernel's, else " : "",
			 (long long)k->def);
	if (k->sysctl_dir)
		return snprintf(buf, len, "%s%s, default %s, %s%s", lo, hi, def, k->sysctl_dir,
				k->sysctl_file ? k->sysctl_file : k->name);
	return snprintf(buf, len, "%s%s, default %s", lo, hi, def);
}

/*
 * A whole decimal number: digits only (a '-' first where the range allows it), none of
 * strtol()'s leading blanks, '+', "0x" or trailing characters.  *end: the first
 * character after the digits.  0, -1 when there are no digits, 1 when it overflows.
 */
static int parse_digits(const char *s, bool neg_ok, int64_t *out, const char **end)
{
	bool neg = neg_ok && *s == '-';
	uint64_t x = 0;
	int over = 0;

	s += neg;
	*end = s;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX >> 1) / 10)
			over = 1;
		else
			x = x * 10 + (uint64_t)(*s - '0');
	}
	*end = s;
	*out = neg ? -(int64_t)x : (int64_t)x;
	return over;
}

/* SIZE: digits, then K, M, G or T (binary), optionally followed by i, B or iB; or B */
static int parse_size(const char *v, int64_t *out)
{
	const char *unit = "kmgt", *p, *end;
	int64_t x;
	int r, shift = 0;

	r = parse_digits(v, false, &x, &end);
	if (r < 0)
		return -1;
	if (*end && (p = strchr(unit, *end | 0x20))) {
		shift = 10 * (int)(p - unit + 1);
		end++;
		if (*end == 'i')
			end++;
	}
	if (*end == 'B')
		end++;
	if (*end)
		return -1;
	/* too large to shift: above every range the table can give */
	if (r || x > INT64_MAX >> shift) {
		*out = INT64_MAX;
		return 0;
	}
	*out = x << shift;
	return 0;
}

static int parse_bool(const char *v, int64_t *out)
{
	static const char *const yes[] = { "on", "1", "yes", "true" };
	static const char *const no[] = { "off", "0", "no", "false" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i]))
			return *out = 1, 0;
		if (!strcmp(v, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

/* Valid UTF-8 without control characters (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
static bool name_ok(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			(*p & 0xf8) == 0xf0 ? 3 : -1;
		uint32_t cp;
		int i;

		if (n < 0 || *p < 0x20 || *p == 0x7f)
			return false;
		cp = n ? *p & (0x3f >> n) : *p;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return false;
		p += n + 1;
	}
	return true;
}

int mf_sim_knob_parse(struct mf_sim_config *c, const struct mf_sim_knob *k, const char *v,
		      char *err, size_t len)
{
	const char *end;
	char range[128];
	int64_t x = 0;
	int r;

	switch (k->type) {
	case MF_KNOB_NAME:
		if (strlen(v) > (size_t)k->max) {
			snprintf(err, len, "%s: '%.20s...' is longer than %lld characters", k->name, v,
				 (long long)k->max);
			return -1;
		}
		/*
		 * the name (and the config's text, which holds it) goes into the result
		 * document, where JSON takes UTF-8 only: jansson's json_string() returns
		 * NULL for anything else, and the simulation was left without its keys
		 */
		if (!name_ok(v)) {
			snprintf(err, len, "%s: not printable UTF-8 text", k->name);
			return -1;
		}
		snprintf(field(c, k), (size_t)k->max + 1, "%s", v);
		return 0;
	case MF_KNOB_BOOL:
		if (parse_bool(v, &x)) {
			snprintf(err, len, "%s: '%s' is not on or off", k->name, v);
			return -1;
		}
		set(c, k, x);
		return 0;
	case MF_KNOB_ENUM:
		for (x = 0; k->words[x] && strcmp(k->words[x], v); x++)
			;
		if (!k->words[x]) {
			snprintf(err, len, "%s: '%s' is not one of %s", k->name, v, enum_arg(k));
			return -1;
		}
		set(c, k, x);
		return 0;
	case MF_KNOB_INT:
		r = parse_digits(v, k->min < 0, &x, &end);
		if (r < 0 || *end) {
			snprintf(err, len, "%s: '%s' is not a whole decimal number", k->name, v);
			return -1;
		}
		if (r)
			x = INT64_MAX;
		break;
	case MF_KNOB_SIZE:
		if (parse_size(v, &x)) {
			snprintf(err, len, "%s: '%s' is not a size (a number with K, M, G or T)",
				 k->name, v);
			return -1;
		}
		break;
	}
	if (x < k->min || x > k->max) {
		mf_sim_knob_describe(k, range, sizeof(range));
		*strchr(range, ',') = '\0';	/* "LO to HI" */
		snprintf(err, len, "%s: '%s' is out of range (%s)", k->name, v, range);
		return -1;
	}
	set(c, k, x);
	return 0;
}

void mf_sim_config_default(struct mf_sim_config *c)
{
	const struct mf_sim_knob *k;

	memset(c, 0, sizeof(*c));
	for (k = mf_sim_knobs; k->name; k++)
		if (k->type != MF_KNOB_NAME)
			set(c, k, k->def);
	snprintf(c->name, sizeof(c->name), "default");
	c->traced.watermark_scale_factor = c->traced.min_free_kbytes = -1;
	c->traced.thp_enabled = c->traced.thp_defrag = c->traced.nr_hugepages = -1;
	c->traced.compaction_proactiveness = c->traced.watermark_boost_factor = -1;
	c->traced.defrag_mode = -1;
}

int mf_sim_config_parse(struct mf_sim_config *c, const char *text, char *err, size_t len)
{
	char buf[sizeof(c->text)], *save, *kv;
	bool seen[NR_KNOBS] = { false };
	const struct mf_sim_knob *k;
	bool named = false;

	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, len, "'%.40s...' is longer than %zu characters", text, sizeof(buf) - 1);
		return -1;
	}
	snprintf(c->text, sizeof(c->text), "%s", text);
	snprintf(buf, sizeof(buf), "%s", text);
	for (kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');

		if (!v || v == kv || !v[1]) {
			snprintf(err, len, "'%s' is not KEY=VALUE", kv);
			return -1;
		}
		*v++ = '\0';
		k = mf_sim_knob_find(kv);
		if (!k) {
			snprintf(err, len, "unknown key '%s'", kv);
			return -1;
		}
		if (seen[k - mf_sim_knobs]) {
			snprintf(err, len, "key '%s' given twice", kv);
			return -1;
		}
		seen[k - mf_sim_knobs] = true;
		c->given |= 1ULL << (k - mf_sim_knobs);
		if (mf_sim_knob_parse(c, k, v, err, len))
			return -1;
		named |= k->type == MF_KNOB_NAME;
	}
	/* a model rule, not a range: the kernel's pageblock is never above MAX_PAGE_ORDER */
	if (c->max_order != MF_SIM_KEEP && c->pageblock_order != MF_SIM_KEEP &&
	    c->pageblock_order > c->max_order) {
		snprintf(err, len, "pageblock_order %d is above max_order %d", c->pageblock_order,
			 c->max_order);
		return -1;
	}
	/* zone_highsize(): the sysctl refuses 1 to MIN_PERCPU_PAGELIST_HIGH_FRACTION - 1 */
	if (c->percpu_pagelist_high_fraction > 0 && c->percpu_pagelist_high_fraction < 8) {
		snprintf(err, len, "percpu_pagelist_high_fraction: '%d' is neither 0 nor at least 8",
			 c->percpu_pagelist_high_fraction);
		return -1;
	}
	if (!named)
		snprintf(c->name, sizeof(c->name), "%s", *text ? text : "default");
	return 0;
}

int mf_sim_config_traced(struct mf_sim_config *c, mf_sim_setting_fn fetch, void *priv,
			 char *err, size_t len)
{
	const struct mf_sim_knob *k;
	struct mf_sim_config t;
	char val[64], e[160];
	int64_t v;
	int n = 0;

	for (k = mf_sim_knobs; k->name; k++) {
		if (!k->sysctl_dir || fetch(priv, k->name, val, sizeof(val)))
			continue;
		/* the kernel's own range may be wider than the table's: take it as it is */
		t = *c;
		if (mf_sim_knob_parse(&t, k, val, e, sizeof(e))) {
			snprintf(err, len, "the start capture's %s", e);
			return -1;
		}
		n++;
		v = get(&t, k);
		if (!strcmp(k->name, "watermark_scale_factor"))
			c->traced.watermark_scale_factor = (int)v;
		else if (!strcmp(k->name, "min_free_kbytes"))
			c->traced.min_free_kbytes = (int)v;
		else if (!strcmp(k->name, "thp_enabled"))
			c->traced.thp_enabled = (int)v;
		else if (!strcmp(k->name, "thp_defrag"))
			c->traced.thp_defrag = (int)v;
		else if (!strcmp(k->name, "nr_hugepages"))
			c->traced.nr_hugepages = (int)v;
		else if (!strcmp(k->name, "compaction_proactiveness"))
			c->traced.compaction_proactiveness = (int)v;
		else if (!strcmp(k->name, "watermark_boost_factor"))
			c->traced.watermark_boost_factor = (int)v;
		else if (!strcmp(k->name, "defrag_mode"))
			c->traced.defrag_mode = (int)v;
		if (!k->traced && !(c->given & (1ULL << (k - mf_sim_knobs))))
			set(c, k, v);
	}
	c->traced.nr_settings = n;
	return n;
}
