// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own view of memory, read back: /proc/buddyinfo, /proc/zoneinfo,
 * /proc/pagetypeinfo and /proc/kpageflags, live or from a capture directory, plain or
 * zstd-compressed.  The parsers follow the seq_printf() formats of mm/vmstat.c
 * (frag_show_print(), zoneinfo_show_print(), pagetypeinfo_showfree_print(),
 * pagetypeinfo_showblockcount_print()) but match by keyword rather than by column, so
 * other kernels' layouts (fewer zoneinfo fields, more or fewer orders or migratetypes,
 * several nodes) read as well.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "mmfrag/metrics.h"
#include "mmfrag/report.h"
#include "mmfrag/state.h"
#include "state-local.h"

#define MF_TEXT_MAX	(256UL << 20)	/* no /proc text file comes near this */
#define MF_LINE_MAX	4096

/* A whole text file, NUL-terminated; *text is NULL and 0 returned when it is absent. */
static int load_text(const char *dir, const char *name, bool optional, char **text,
		     char *label, size_t labellen, char *err, size_t errlen)
{
	size_t cap = 65536, len = 0;
	struct mf_src s;
	char *buf;
	int ret;

	*text = NULL;
	ret = src_open(&s, dir, name, err, errlen);
	snprintf(label, labellen, "%s", s.path);
	if (ret) {
		/* a missing file, or a root-only one read by a user, is just not there */
		if (optional && (ret == -ENOENT || ret == -EACCES || ret == -EPERM)) {
			if (err && errlen)
				err[0] = '\0';
			return 0;
		}
		return ret;
	}
	buf = malloc(cap);
	if (!buf) {
		src_close(&s);
		seterr(err, errlen, "%s: %s", s.path, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb;

			if (cap >= MF_TEXT_MAX) {
				seterr(err, errlen, "%s: larger than %lu MiB", s.path,
				       MF_TEXT_MAX >> 20);
				ret = -EFBIG;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				seterr(err, errlen, "%s: %s", s.path, strerror(ENOMEM));
				ret = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = src_read(&s, buf + len, cap - len - 1, err, errlen);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	src_close(&s);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		seterr(err, errlen, "%s: not a text file", label);
		free(buf);
		return -EINVAL;
	}
	*text = buf;
	return 0;
}

/* ---- line and number helpers --------------------------------------------------------- */

struct lines {
	const char	*p;
	int		nr;		/* number of the line last returned, from 1 */
};

/* Next line into buf without its newline; false at the end. */
static bool next_line(struct lines *l, char *buf, size_t len, bool *too_long)
{
	const char *e;
	size_t n;

	*too_long = false;
	if (!l->p || !*l->p)
		return false;
	e = strchr(l->p, '\n');
	n = e ? (size_t)(e - l->p) : strlen(l->p);
	if (n >= len) {
		*too_long = true;
		n = len - 1;
	}
	memcpy(buf, l->p, n);
	buf[n] = '\0';
	l->p = e ? e + 1 : l->p + strlen(l->p);
	l->nr++;
	return true;
}

static bool blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* An unsigned decimal at *s (after blanks); advances *s.  No sign, no overflow. */
static bool parse_u64(const char **s, uint64_t *v)
{
	const char *p = *s;
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	*v = strtoull(p, &end, 10);
	if (errno)
		return false;
	*s = end;
	return true;
}

static bool at_end(const char *s)
{
	return blank(s);
}

/* "Node N, zone NAME" at the start of s; *rest points after the name. */
static bool parse_node_zone(const char *s, int *node, char *name, size_t namelen,
			    const char **rest, const char *stop)
{
	const char *p = s, *n0;
	uint64_t v;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "Node", 4))
		return false;
	p += 4;
	if (!parse_u64(&p, &v) || v > INT32_MAX)
		return false;
	*node = (int)v;
	if (*p != ',')
		return false;
	p++;
	while (*p == ' ')
		p++;
	if (strncmp(p, "zone", 4) || (p[4] != ' ' && p[4] != '\t'))
		return false;
	p += 4;
	while (*p == ' ' || *p == '\t')
		p++;
	n0 = p;
	while (*p && !isspace((unsigned char)*p) && !strchr(stop, *p))
		p++;
	n = (size_t)(p - n0);
	if (!n || n >= namelen)
		return false;
	memcpy(name, n0, n);
	name[n] = '\0';
	*rest = p;
	return true;
}

static int find_zone(const struct mf_state *st, int node, const char *name)
{
	int i;

	for (i = 0; i < st->nr_zones; i++)
		if (st->zones[i].node == node && !strcmp(st->zones[i].name, name))
			return i;
	return -1;
}

/* enum mf_mt index of a pagetypeinfo type name, -1 when unknown (e.g. "Reserve"). */
static int mt_index(const char *name)
{
	int t;

	for (t = 0; t < MF_MAX_MT; t++)
		if (!strcmp(mf_mt_names[t], name))
			return t;
	return -1;
}

static void mt_seen(struct mf_state *st, const char *name)
{
	int t = mt_index(name), i;

	if (t >= 0) {
		st->mt_present[t] = true;
		snprintf(st->mt_names[t], sizeof(st->mt_names[t]), "%s", name);
		return;
	}
	for (i = 0; i < st->nr_mt_unknown; i++)
		if (!strcmp(st->mt_unknown[i], name))
			return;
	if (st->nr_mt_unknown < MF_MAX_MT)
		snprintf(st->mt_unknown[st->nr_mt_unknown++], sizeof(st->mt_unknown[0]), "%s",
			 name);
}

/* ---- buddyinfo: frag_show_print() ---------------------------------------------------- */

/*
 * "Node %d, zone %8s " then "%6lu " per order (nr_free, blocks).  One line per populated
 * zone of every online node.  The number of columns is the kernel's NR_PAGE_ORDERS.
 */
static int parse_buddyinfo(struct mf_state *st, const char *text, const char *label,
			   char *err, size_t errlen)
{
	struct lines l = { text, 0 };
	char line[MF_LINE_MAX];
	bool too_long;

	while (next_line(&l, line, sizeof(line), &too_long)) {
		struct mf_state_zone *z;
		const char *p;
		uint64_t v;
		int node, n = 0;
		char name[16];

		if (too_long) {
			seterr(err, errlen, "%s: line %d: too long", label, l.nr);
			return -EINVAL;
		}
		if (blank(line))
			continue;
		if (!parse_node_zone(line, &node, name, sizeof(name), &p, "")) {
			seterr(err, errlen, "%s: line %d: expected 'Node N, zone NAME' and free "
			       "block counts", label, l.nr);
			return -EINVAL;
		}
		if (st->nr_zones == MF_MAX_ZONES) {
			seterr(err, errlen, "%s: line %d: more than %d zones", label, l.nr,
			       MF_MAX_ZONES);
			return -E2BIG;
		}
		if (find_zone(st, node, name) >= 0) {
			seterr(err, errlen, "%s: line %d: node %d zone %s listed twice", label,
			       l.nr, node, name);
			return -EINVAL;
		}
		z = &st->zones[st->nr_zones];
		memset(z, 0, sizeof(*z));
		z->node = node;
		snprintf(z->name, sizeof(z->name), "%s", name);
		while (parse_u64(&p, &v)) {
			if (n == MF_MAX_ORDERS) {
				seterr(err, errlen, "%s: line %d: more than %d orders", label, l.nr,
				       MF_MAX_ORDERS);
				return -E2BIG;
			}
			if (v > MF_STATE_MAX_PAGES >> n) {
				seterr(err, errlen, "%s: line %d: %llu free blocks of order %d are "
				       "more pages than a zone can have", label, l.nr,
				       (unsigned long long)v, n);
				return -ERANGE;
			}
			z->nr_free[n++] = v;
		}
		if (!n || !at_end(p)) {
			seterr(err, errlen, "%s: line %d: expected free block counts after "
			       "'zone %s'", label, l.nr, name);
			return -EINVAL;
		}
		z->nr_orders = n;
		st->nr_zones++;
	}
	if (!st->nr_zones) {
		seterr(err, errlen, "%s: no zones", label);
		return -EINVAL;
	}
	return 0;
}

/* ---- zoneinfo: zoneinfo_show_print() ------------------------------------------------- */

/*
 * "Node %d, zone %8s" opens a zone; then keyword lines.  Only the first word counts:
 * "pages free", "boost", "min", "low", "high", "promo", "spanned", "present", "managed",
 * "node_unreclaimable:" and "start_pfn:".  The pagesets' "high:" carries a colon and so
 * never matches "high".
 * Unpopulated zones stop after "protection:" (no start_pfn) and are not in buddyinfo;
 * zones that are not in buddyinfo are skipped.  Older kernels lack promo, boost, cma or
 * start_pfn and may print other lines ("scanned"); unknown lines are ignored.
 */
static int parse_zoneinfo(struct mf_state *st, const char *text, const char *label,
			  char *err, size_t errlen)
{
	struct lines l = { text, 0 };
	struct mf_state_zone *z = NULL;
	char line[MF_LINE_MAX];
	bool too_long, start_seen = false, spanned_seen = false;
	int zi, pcp_cpu = -1;

	while (next_line(&l, line, sizeof(line), &too_long)) {
		static const struct { const char *key; size_t off; } keys[] = {
			{ "boost", offsetof(struct mf_state_zone, boost) },
			{ "min", offsetof(struct mf_state_zone, wmark_min) },
			{ "low", offsetof(struct mf_state_zone, wmark_low) },
			{ "high", offsetof(struct mf_state_zone, wmark_high) },
			{ "promo", offsetof(struct mf_state_zone, wmark_promo) },
			{ "spanned", offsetof(struct mf_state_zone, spanned) },
			{ "present", offsetof(struct mf_state_zone, present) },
			{ "managed", offsetof(struct mf_state_zone, managed) },
			{ "start_pfn:", offsetof(struct mf_state_zone, start_pfn) },
		};
		char word[32];
		const char *p, *w;
		uint64_t v;
		size_t i, n;
		int node, idx;
		char name[16];

		if (too_long)
			continue;	/* nothing we read is long */
		if (parse_node_zone(line, &node, name, sizeof(name), &p, "")) {
			if (z)
				z->has_span = start_seen && spanned_seen;
			idx = find_zone(st, node, name);
			z = idx >= 0 ? &st->zones[idx] : NULL;
			if (z)
				z->has_zoneinfo = true;
			start_seen = spanned_seen = false;
			pcp_cpu = -1;
			continue;
		}
		if (!z)
			continue;
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		n = (size_t)(p - w);
		if (!n || n >= sizeof(word))
			continue;
		memcpy(word, w, n);
		word[n] = '\0';
		/*
		 * zone_pcp_show(): "cpu: %i" then "count: %i", "high: %i", "batch: %i"
		 * (and high_min, high_max) per CPU; a number that does not parse is skipped.
		 */
		if (!strcmp(word, "cpu:")) {
			if (parse_u64(&p, &v) && at_end(p) && v < INT32_MAX) {
				pcp_cpu = (int)v;
				/* online CPUs only are shown: an offline one is a gap, not the end */
				if (pcp_cpu >= z->nr_pcp_cpus)
					z->nr_pcp_cpus = pcp_cpu + 1;
			}
			continue;
		}
		if (!strcmp(word, "count:") || !strcmp(word, "high:") || !strcmp(word, "batch:")) {
			if (pcp_cpu < 0 || !parse_u64(&p, &v) || !at_end(p) || v > UINT32_MAX)
				continue;
			if (word[0] == 'c') {
				z->has_pcp = true;
				z->pcp_count += v;
			}
			if (pcp_cpu < MF_STATE_PCP_CPUS) {
				if (word[0] == 'c')
					z->pcp[pcp_cpu].count = (uint32_t)v;
				else if (word[0] == 'h')
					z->pcp[pcp_cpu].high = (uint32_t)v;
				else
					z->pcp[pcp_cpu].batch = (uint32_t)v;
			}
			continue;
		}
		/* the node's kswapd_failures >= MAX_RECLAIM_RETRIES, printed with each zone */
		if (!strcmp(word, "node_unreclaimable:")) {
			if (parse_u64(&p, &v) && at_end(p) && v <= 1) {
				z->has_unreclaimable = true;
				z->node_unreclaimable = v;
			}
			continue;
		}
		if (!strcmp(word, "pages")) {
			while (*p == ' ')
				p++;
			if (strncmp(p, "free", 4))
				continue;
			p += 4;
			if (!parse_u64(&p, &v) || !at_end(p))
				goto bad;
			if (v > MF_STATE_MAX_PAGES)
				goto range;
			z->free_pages = v;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			if (strcmp(word, keys[i].key))
				continue;
			if (!parse_u64(&p, &v) || !at_end(p))
				goto bad;
			if (v > MF_STATE_MAX_PAGES)
				goto range;
			*(uint64_t *)((char *)z + keys[i].off) = v;
			if (!strcmp(word, "start_pfn:"))
				start_seen = true;
			if (!strcmp(word, "spanned"))
				spanned_seen = true;
			break;
		}
		continue;
bad:
		seterr(err, errlen, "%s: line %d: expected a number after '%s'", label, l.nr, word);
		return -EINVAL;
range:
		seterr(err, errlen, "%s: line %d: '%s' %llu is more pages than a zone can have "
		       "(2^52)", label, l.nr, word, (unsigned long long)v);
		return -ERANGE;
	}
	if (z)
		z->has_span = start_seen && spanned_seen;
	/* sums of them stay far from overflowing: a zone must end below 2^52 too */
	for (zi = 0; zi < st->nr_zones; zi++) {
		z = &st->zones[zi];
		if (z->has_span && z->start_pfn + z->spanned > MF_STATE_MAX_PAGES) {
			seterr(err, errlen, "%s: node %d zone %s: start_pfn %llu + spanned %llu "
			       "ends beyond pfn 2^52", label, z->node, z->name,
			       (unsigned long long)z->start_pfn, (unsigned long long)z->spanned);
			return -ERANGE;
		}
	}
	st->has_zoneinfo = true;
	return 0;
}

/* ---- pagetypeinfo: pagetypeinfo_show() ----------------------------------------------- */

enum pti_section { PTI_NONE, PTI_FREE, PTI_BLOCKS, PTI_OTHER };

/*
 * Per node with memory: "Page block order: %d", "Pages per block:  %lu", then the free
 * table ("Node %4d, zone %8s, type %12s " and "%s%6lu " per order, the %s being ">" when
 * the count reached the 100000 cap of the list walk), then "Number of blocks type " with
 * the type names as column heads and "Node %d, zone %8s " + "%12lu " per type, then with
 * PAGE_OWNER a "Number of mixed blocks " table of the same shape, which is skipped.
 */
static int parse_pagetypeinfo(struct mf_state *st, const char *text, const char *label,
			      char *err, size_t errlen)
{
	int col_mt[64], nr_cols = 0;
	enum pti_section sec = PTI_NONE;
	struct lines l = { text, 0 };
	char line[MF_LINE_MAX];
	bool too_long;

	while (next_line(&l, line, sizeof(line), &too_long)) {
		struct mf_state_zone *z;
		const char *p = line;
		char name[16], type[32];
		int node, idx, n, t;
		uint64_t v;

		if (too_long) {
			seterr(err, errlen, "%s: line %d: too long", label, l.nr);
			return -EINVAL;
		}
		if (blank(line))
			continue;
		if (!strncmp(line, "Page block order:", 17)) {
			p = line + 17;
			if (!parse_u64(&p, &v) || v >= 64 || !at_end(p))
				goto bad;
			st->pageblock_order = (int)v;
			continue;
		}
		if (!strncmp(line, "Pages per block:", 16))
			continue;
		if (!strncmp(line, "Free pages count per migrate type", 33)) {
			sec = PTI_FREE;
			continue;
		}
		if (!strncmp(line, "Number of blocks type", 21)) {
			sec = PTI_BLOCKS;
			p = line + 21;
			nr_cols = 0;
			while (sscanf(p, "%31s%n", type, &n) == 1) {
				if (nr_cols == (int)ARRAY_SIZE(col_mt))
					goto bad;
				col_mt[nr_cols++] = mt_index(type);
				mt_seen(st, type);
				p += n;
			}
			continue;
		}
		if (strncmp(line, "Node", 4)) {
			sec = PTI_OTHER;	/* "Number of mixed blocks" and anything newer */
			continue;
		}
		if (sec == PTI_FREE) {
			if (!parse_node_zone(line, &node, name, sizeof(name), &p, ",") || *p != ',')
				goto bad;
			p++;
			if (sscanf(p, " type %31s%n", type, &n) != 1)
				goto bad;
			p += n;
			mt_seen(st, type);
			t = mt_index(type);
			idx = find_zone(st, node, name);
			z = idx >= 0 ? &st->zones[idx] : NULL;
			for (n = 0; ; n++) {
				bool capped = false;

				while (*p == ' ' || *p == '\t')
					p++;
				if (*p == '>') {
					capped = true;
					p++;
				}
				if (!parse_u64(&p, &v)) {
					if (capped)
						goto bad;
					break;
				}
				if (n < MF_MAX_ORDERS && v > MF_STATE_MAX_PAGES >> n)
					goto bad;
				if (!z || n >= MF_MAX_ORDERS)
					continue;
				z->has_pagetypeinfo = true;
				if (t >= 0) {
					z->free_mt[n][t] = v;
					z->free_mt_capped[n][t] = capped;
				} else {
					z->free_unknown[n] += v;
				}
			}
			if (!n || !at_end(p))
				goto bad;
		} else if (sec == PTI_BLOCKS) {
			if (!parse_node_zone(line, &node, name, sizeof(name), &p, ""))
				goto bad;
			idx = find_zone(st, node, name);
			z = idx >= 0 ? &st->zones[idx] : NULL;
			for (n = 0; parse_u64(&p, &v); n++) {
				if (n >= nr_cols || v > MF_STATE_MAX_PAGES)
					goto bad;
				if (!z)
					continue;
				z->has_pagetypeinfo = true;
				if (col_mt[n] >= 0)
					z->blocks_mt[col_mt[n]] = v;
				else
					z->blocks_unknown += v;
			}
			if (n != nr_cols || !at_end(p))
				goto bad;
		}
		continue;
bad:
		seterr(err, errlen, "%s: line %d: unexpected '%.60s'", label, l.nr, line);
		return -EINVAL;
	}
	st->has_pagetypeinfo = true;
	st->nr_mt = MF_MAX_MT;
	return 0;
}

/* ---- entry points -------------------------------------------------------------------- */

static void state_init(struct mf_state *st)
{
	memset(st, 0, sizeof(*st));
	st->pageblock_order = -1;
	st->reporting_order = MF_REPORTING_UNKNOWN;
}

int mf_state_parse(struct mf_state *st, const char *buddyinfo, const char *zoneinfo,
		   const char *pagetypeinfo, char *err, size_t errlen)
{
	int ret;

	state_init(st);
	if (!buddyinfo) {
		seterr(err, errlen, "buddyinfo: %s", errtext(ENOENT));
		return -ENOENT;
	}
	ret = parse_buddyinfo(st, buddyinfo, "buddyinfo", err, errlen);
	if (!ret && zoneinfo)
		ret = parse_zoneinfo(st, zoneinfo, "zoneinfo", err, errlen);
	if (!ret && pagetypeinfo)
		ret = parse_pagetypeinfo(st, pagetypeinfo, "pagetypeinfo", err, errlen);
	return ret;
}

static bool kpageflags_readable(const char *dir)
{
	static const char *const names[] = { "kpageflags", "kpageflags.zst" };
	char path[MF_PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return true;
		}
		if (errno != ENOENT)
			return false;
	}
	return false;
}

/* dir/file of a capture, for reading; NULL when it cannot be opened */
static FILE *capture_open(const char *dir, const char *file)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return fopen(path, "r");
}

/* /proc/vmstat: "name value" per line */
int mf_state_vmstat_read(const char *dir, const char *name, int64_t *val)
{
	char key[64];
	long long v;
	FILE *f = capture_open(dir, "vmstat");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		if (!strcmp(key, name)) {
			*val = v;
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

/* /proc/meminfo: "Name:   value kB" per line */
int mf_state_meminfo_read(const char *dir, const char *name, int64_t *kb)
{
	char line[256];
	size_t len = strlen(name);
	long long v;
	FILE *f = capture_open(dir, "meminfo");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%lld", &v) == 1) {
			*kb = v;
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

/* dir/sysctl: "name value" per line, the value one word */
int mf_state_sysctl_read(const char *dir, const char *name, char *val, size_t len)
{
	char key[64], v[64];
	FILE *f = capture_open(dir, "sysctl");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %63s", key, v) == 2) {
		if (!strcmp(key, name) && strlen(v) < len) {
			memcpy(val, v, strlen(v) + 1);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

int mf_state_load_after(struct mf_state *st, const char *dir, char *err, size_t errlen)
{
	char *text = NULL, label[MF_PATH_MAX + 8];
	struct mf_state *after;
	int ret, i, k;

	ret = load_text(dir, "buddyinfo.after", true, &text, label, sizeof(label), err, errlen);
	if (ret || !text)
		return ret;
	after = calloc(1, sizeof(*after));
	if (!after) {
		free(text);
		seterr(err, errlen, "%s: %s", label, strerror(ENOMEM));
		return -ENOMEM;
	}
	state_init(after);
	ret = parse_buddyinfo(after, text, label, err, errlen);
	free(text);
	/* the same zones, in the same order: else it is another machine's file */
	for (i = 0; !ret && i < st->nr_zones; i++) {
		const struct mf_state_zone *a = &after->zones[i];

		if (after->nr_zones != st->nr_zones || a->node != st->zones[i].node ||
		    strcmp(a->name, st->zones[i].name) || a->nr_orders != st->zones[i].nr_orders) {
			seterr(err, errlen, "%s: its zones are not buddyinfo's", label);
			ret = -EINVAL;
		}
	}
	for (i = 0; !ret && i < st->nr_zones; i++)
		for (k = 0; k < st->zones[i].nr_orders; k++)
			st->zones[i].nr_free[k] = after->zones[i].nr_free[k];
	free(after);
	return ret ? ret : 1;
}

/* dir/sysctl's free page reporting: struct mf_state's reporting_order */
static int reporting_order(const char *dir)
{
	char on[8], order[8];
	int o;

	if (mf_state_sysctl_read(dir, "free_page_reporting", on, sizeof(on)))
		return MF_REPORTING_UNKNOWN;
	if (strcmp(on, "1") ||
	    mf_state_sysctl_read(dir, "page_reporting_order", order, sizeof(order)))
		return -1;
	o = atoi(order);
	return o >= 0 && o < MF_MAX_ORDERS ? o : -1;
}

int mf_state_load(struct mf_state *st, const char *dir, char *err, size_t errlen)
{
	char *text = NULL, label[MF_PATH_MAX + 8];
	struct stat sb;
	int ret;

	state_init(st);
	if (strlen(dir) >= sizeof(st->dir)) {
		seterr(err, errlen, "%.64s...: %s", dir, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	if (stat(dir, &sb)) {
		ret = -errno;
		seterr(err, errlen, "%s: %s", dir, ret == -ENOENT ? "no such directory" :
		       errtext(-ret));
		return ret;
	}
	if (!S_ISDIR(sb.st_mode)) {
		seterr(err, errlen, "%s: not a directory", dir);
		return -ENOTDIR;
	}
	snprintf(st->dir, sizeof(st->dir), "%s", dir);

	ret = load_text(dir, "buddyinfo", false, &text, label, sizeof(label), err, errlen);
	if (ret)
		return ret;
	ret = parse_buddyinfo(st, text, label, err, errlen);
	free(text);
	if (ret)
		return ret;

	ret = load_text(dir, "zoneinfo", true, &text, label, sizeof(label), err, errlen);
	if (!ret && text)
		ret = parse_zoneinfo(st, text, label, err, errlen);
	free(text);
	if (ret)
		return ret;

	ret = load_text(dir, "pagetypeinfo", true, &text, label, sizeof(label), err, errlen);
	if (!ret && text)
		ret = parse_pagetypeinfo(st, text, label, err, errlen);
	free(text);
	if (ret)
		return ret;

	st->has_kpageflags = kpageflags_readable(dir);
	st->reporting_order = reporting_order(dir);
	return 0;
}

const struct mf_state_zone *mf_state_zone_find(const struct mf_state *st, int node,
					       const char *name)
{
	int i = find_zone(st, node, name);

	return i < 0 ? NULL : &st->zones[i];
}

int mf_state_zone_of_pfn(const struct mf_state *st, uint64_t pfn)
{
	int i;

	for (i = 0; i < st->nr_zones; i++) {
		const struct mf_state_zone *z = &st->zones[i];

		if (z->has_span && pfn >= z->start_pfn && pfn - z->start_pfn < z->spanned)
			return i;
	}
	return -1;
}

int mf_state_reports(const struct mf_state *st, struct mf_zone_report *z, int hpage_order)
{
	int i, o, t, max_nr_orders = 1;

	for (i = 0; i < st->nr_zones; i++) {
		const struct mf_state_zone *sz = &st->zones[i];
		struct mf_zone_report *zr = &z[i];

		memset(zr, 0, sizeof(*zr));
		zr->node = sz->node;
		snprintf(zr->name, sizeof(zr->name), "%s", sz->name);
		if (sz->has_zoneinfo) {
			zr->start_pfn = sz->start_pfn;
			zr->spanned = sz->spanned;
			zr->present = sz->present;
			zr->managed = sz->managed;
		}
		zr->m.nr_orders = sz->nr_orders;
		memcpy(zr->m.nr_free, sz->nr_free, sizeof(zr->m.nr_free));
		if (sz->nr_orders > max_nr_orders)
			max_nr_orders = sz->nr_orders;
		if (!sz->has_pagetypeinfo)
			continue;
		zr->has_mt = true;
		zr->nr_mt = MF_MAX_MT;
		for (t = 0; t < MF_MAX_MT; t++) {
			if (!st->mt_present[t])
				zr->mt_absent |= 1U << t;
			zr->pageblocks_mt[t] = sz->blocks_mt[t];
			for (o = 0; o < sz->nr_orders; o++) {
				zr->nr_free_mt[o][t] = sz->free_mt[o][t];
				zr->free_pages_mt[t] += sz->free_mt[o][t] << o;
			}
		}
	}
	if (hpage_order > max_nr_orders - 1)
		hpage_order = max_nr_orders - 1;
	mf_zone_reports_finish(z, st->nr_zones, hpage_order);
	return st->nr_zones;
}

/* ---- kpageflags ---------------------------------------------------------------------- */

/*
 * The zones' spans cut the pfn line into segments; each segment belongs to the first zone
 * (buddyinfo order) whose span covers it, or to none.  Runs arrive in increasing pfn
 * order, so a cursor walks the segments once.
 */
struct kpf_scan {
	const struct mf_state	*st;
	int			max_order;
	mf_block_cb		block_cb;
	void			*priv;
	uint64_t		bound[2 * MF_MAX_ZONES];
	int			seg_zone[2 * MF_MAX_ZONES];
	int			nr_bounds;
	int			cursor;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int kpf_segments(struct kpf_scan *k)
{
	const struct mf_state *st = k->st;
	int i, j, n = 0;

	for (i = 0; i < st->nr_zones; i++) {
		if (!st->zones[i].has_span || !st->zones[i].spanned)
			continue;
		k->bound[n++] = st->zones[i].start_pfn;
		k->bound[n++] = st->zones[i].start_pfn + st->zones[i].spanned;
	}
	qsort(k->bound, (size_t)n, sizeof(k->bound[0]), cmp_u64);
	for (i = 0, j = 0; i < n; i++)
		if (!j || k->bound[j - 1] != k->bound[i])
			k->bound[j++] = k->bound[i];
	k->nr_bounds = j;
	for (i = 0; i + 1 < j; i++)
		k->seg_zone[i] = mf_state_zone_of_pfn(st, k->bound[i]);
	k->cursor = 0;
	return j;
}

/*
 * Greedy split of [p, end), all in one zone: the largest naturally aligned block that
 * fits, as __free_one_page() would have merged free buddies (blocks never cross a zone).
 */
static void kpf_emit(struct kpf_scan *k, int zone, uint64_t p, uint64_t end)
{
	while (p < end) {
		int o = k->max_order;

		if (p && __builtin_ctzll(p) < o)
			o = __builtin_ctzll(p);
		while ((1ULL << o) > end - p)
			o--;
		if (k->block_cb)
			k->block_cb(k->priv, zone, p, o);
		p += 1ULL << o;
	}
}

/* A maximal run [s, e) of KPF_BUDDY pages. */
static void kpf_run(struct kpf_scan *k, uint64_t s, uint64_t e)
{
	while (s < e) {
		uint64_t seg_end;

		if (s < k->bound[0]) {
			s = k->bound[0];
			continue;
		}
		while (k->cursor + 1 < k->nr_bounds && k->bound[k->cursor + 1] <= s)
			k->cursor++;
		if (k->cursor + 1 >= k->nr_bounds)
			return;		/* above every zone */
		seg_end = k->bound[k->cursor + 1] < e ? k->bound[k->cursor + 1] : e;
		if (k->seg_zone[k->cursor] >= 0)
			kpf_emit(k, k->seg_zone[k->cursor], s, seg_end);
		s = seg_end;
	}
}

#define KPF_CHUNK	(64 * 1024)	/* pfns per read: 512 KiB */

int mf_state_kpageflags_scan(const struct mf_state *st, int max_order, mf_block_cb block_cb,
			     mf_page_cb page_cb, void *priv, char *err, size_t errlen)
{
	struct kpf_scan k = { .st = st, .max_order = max_order, .block_cb = block_cb,
			      .priv = priv };
	uint64_t pfn = 0, run_start = 0;
	bool in_run = false;
	struct mf_src s;
	int ret = 0;

	if (max_order < 0 || max_order >= 63) {
		seterr(err, errlen, "kpageflags: bad max order %d", max_order);
		return -EINVAL;
	}
	if (!st->dir[0]) {
		seterr(err, errlen, "kpageflags: %s", errtext(ENOENT));
		return -ENOENT;
	}
	if (kpf_segments(&k) < 2) {
		seterr(err, errlen, "%s/zoneinfo: no zone spans (start_pfn, spanned): cannot "
		       "place kpageflags blocks in zones", st->dir);
		return -EINVAL;
	}
	ret = src_open(&s, st->dir, "kpageflags", err, errlen);
	if (ret)
		return ret;
	/* decompressing is most of a seed: on a thread of its own when it starts */
	src_ahead_start(&s, KPF_CHUNK * sizeof(uint64_t));
	for (;;) {
		const unsigned char *buf;
		ssize_t n = src_next(&s, &buf, err, errlen);
		size_t i, words;

		if (n < 0) {
			ret = (int)n;
			break;
		}
		if (!n)
			break;
		/* pieces are whole words but the last; a partial u64 at the end is dropped */
		words = (size_t)n / sizeof(uint64_t);
		for (i = 0; i < words; i++, pfn++) {
			uint64_t flags;

			memcpy(&flags, buf + i * sizeof(uint64_t), sizeof(flags));
			if (page_cb)
				page_cb(priv, pfn, flags);
			if (flags & (1ULL << MF_KPF_BUDDY)) {
				if (!in_run) {
					in_run = true;
					run_start = pfn;
				}
			} else if (in_run) {
				kpf_run(&k, run_start, pfn);
				in_run = false;
			}
		}
	}
	if (!ret && in_run)
		kpf_run(&k, run_start, pfn);
	src_close(&s);
	return ret;
}

int mf_state_kpageflags_blocks(const struct mf_state *st, int max_order, mf_block_cb cb,
			       void *priv, char *err, size_t errlen)
{
	return mf_state_kpageflags_scan(st, max_order, cb, NULL, priv, err, errlen);
}
