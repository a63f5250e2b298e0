// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's free lists and buddy merging (mm/page_alloc.c: __free_one_page(),
 * move_freepages_block(), __add_to_free_list()).  The simulator is the kernel's
 * page-allocation policy, v6.15+, run on a machine of our own; it is split as page_alloc.c's
 * concepts are: sim-pcp.c (per-CPU lists), sim-rmqueue.c (rmqueue and the fallbacks),
 * sim-slowpath.c (watermarks, kswapd, the slow path), sim-compact.c and sim-kcompactd.c
 * (compaction), sim-owner.c (the trace as workload), sim-init.c (set-up and results).
 *
 * Ordered free lists (doubly linked through lnk[]/prv[]) keep the kernel's LIFO head
 * insertion and its tail rules, because which block __rmqueue_smallest() takes next is
 * what decides fragmentation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"


/* ---- configs ------------------------------------------------------------------------- */

void mf_sim_config_default(struct mf_sim_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "default");
	c->max_order = MF_SIM_KEEP;
	c->pageblock_order = MF_SIM_KEEP;
	c->extfrag_threshold = 500;
	c->compaction_proactiveness = 20;
	c->watermark_scale_factor = MF_SIM_KEEP;
	c->watermark_boost_factor = 15000;
	c->min_free_kbytes = MF_SIM_KEEP;
	c->mobility_grouping = 1;
	c->compaction = 1;
	c->defrag_mode = 0;
	c->memory = 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true"))
		*out = 1;
	else if (!strcmp(v, "off") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* SIZE: bytes, or with K, M, G, T (binary) */
static int parse_size(const char *v, uint64_t *out)
{
	unsigned long long x;
	char *end;
	int shift = 0;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || end == v || *v == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || x > (1ULL << 50) >> shift)
		return -1;
	*out = (uint64_t)x << shift;
	return 0;
}

int mf_sim_config_parse(struct mf_sim_config *c, const char *text, char *err, size_t len)
{
	char buf[256], *save, *kv;
	bool named = false;

	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, len, "'%.40s...' is longer than %zu characters", text, sizeof(buf) - 1);
		return -1;
	}
	snprintf(c->text, sizeof(c->text), "%s", text);
	snprintf(buf, sizeof(buf), "%s", text);
	for (kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');
		int bad;

		if (!v || v == kv || !v[1]) {
			snprintf(err, len, "'%s' is not KEY=VALUE", kv);
			return -1;
		}
		*v++ = '\0';
		if (!strcmp(kv, "name")) {
			snprintf(c->name, sizeof(c->name), "%s", v);
			named = true;
			bad = 0;
		} else if (!strcmp(kv, "max_order")) {
			bad = mf_parse_int(v, 1, MF_MAX_ORDERS - 2, &c->max_order);
		} else if (!strcmp(kv, "pageblock_order")) {
			bad = mf_parse_int(v, 1, MF_MAX_ORDERS - 2, &c->pageblock_order);
		} else if (!strcmp(kv, "extfrag_threshold")) {
			bad = mf_parse_int(v, 0, 1000, &c->extfrag_threshold);
		} else if (!strcmp(kv, "compaction_proactiveness")) {
			bad = mf_parse_int(v, 0, 100, &c->compaction_proactiveness);
		} else if (!strcmp(kv, "watermark_scale_factor")) {
			bad = mf_parse_int(v, 1, 3000, &c->watermark_scale_factor);
		} else if (!strcmp(kv, "watermark_boost_factor")) {
			bad = mf_parse_int(v, 0, 1000000, &c->watermark_boost_factor);
		} else if (!strcmp(kv, "min_free_kbytes")) {
			bad = mf_parse_int(v, 0, 1 << 30, &c->min_free_kbytes);
		} else if (!strcmp(kv, "mobility_grouping")) {
			bad = parse_bool(v, &c->mobility_grouping);
		} else if (!strcmp(kv, "compaction")) {
			bad = parse_bool(v, &c->compaction);
		} else if (!strcmp(kv, "defrag_mode")) {
			bad = parse_bool(v, &c->defrag_mode);
		} else if (!strcmp(kv, "memory")) {
			bad = parse_size(v, &c->memory) || c->memory < (64ULL << 20);
		} else {
			snprintf(err, len, "unknown key '%s'", kv);
			return -1;
		}
		if (bad) {
			snprintf(err, len, "%s: '%s' is not a valid value", kv, v);
			return -1;
		}
	}
	if (c->max_order != MF_SIM_KEEP && c->pageblock_order != MF_SIM_KEEP &&
	    c->pageblock_order > c->max_order) {
		snprintf(err, len, "pageblock_order %d is above max_order %d", c->pageblock_order,
			 c->max_order);
		return -1;
	}
	if (!named)
		snprintf(c->name, sizeof(c->name), "%s", *text ? text : "default");
	return 0;
}

/* ---- lists ----------------------------------------------------------------------------- */

/* (the list primitives are inline, in sim-local.h) */

/* ---- zones and free lists ---------------------------------------------------------------- */

struct szone *sim_zone_of(struct mf_sim *s, uint64_t pfn)
{
	struct szone *z = &s->z[s->last_zone];
	int i;

	if (pfn >= z->d.start_pfn && pfn < z->d.end_pfn)
		return z;
	for (i = 0; i < s->nr_zones; i++)
		if (pfn >= s->z[i].d.start_pfn && pfn < s->z[i].d.end_pfn) {
			s->last_zone = i;
			return &s->z[i];
		}
	return NULL;
}

static void account(struct szone *z, int order, int mt, int64_t sign)
{
	int64_t pages = sign * (int64_t)(1ULL << order);

	z->nr_free[order] += (uint64_t)sign;
	z->nr_free_mt[order][mt] += (uint64_t)sign;
	if (mt != MF_MT_ISOLATE)
		z->free_pages += (uint64_t)pages;
	if (mt == MF_MT_HIGHATOMIC)
		z->free_highatomic += (uint64_t)pages;
	if (mt == MF_MT_CMA)
		z->free_cma += (uint64_t)pages;
}

void sim_add_free(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int mt, bool tail)
{
	s->st[pfn] = (uint8_t)(ST_BUDDY | order);
	sim_list_add(s, &z->fl[order][mt], pfn, tail);
	account(z, order, mt, 1);
}

void sim_del_free(struct mf_sim *s, struct szone *z, uint64_t pfn, int order, int mt)
{
	sim_list_del(s, &z->fl[order][mt], pfn);
	s->st[pfn] = 0;
	account(z, order, mt, -1);
}

/* set_pageblock_migratetype(): pcp types collapse to UNMOVABLE without mobility grouping */
void sim_set_pageblock_mt(struct mf_sim *s, uint64_t pfn, int mt)
{
	uint8_t *b = &s->pb[pfn >> s->pbo];

	if (s->mobility_disabled && mt < MF_MT_PCPTYPES)
		mt = MF_MT_UNMOVABLE;
	*b = (uint8_t)((*b & ~PB_MT) | mt);
}

/* Every free block in [p, end) of zone z from its pageblock's list to new_mt's (tail). */
void sim_move_free_range(struct mf_sim *s, struct szone *z, uint64_t p, uint64_t end, int new_mt)
{
	while (p < end) {
		uint8_t v = s->st[p];
		int o = st_order(v);

		if (st_kind(v) == ST_BUDDY && !(v & ST_ISOLATED)) {
			sim_del_free(s, z, p, o, pb_mt(s, p));
			sim_add_free(s, z, p, o, new_mt, true);
			p += 1ULL << o;
		} else if (st_kind(v)) {
			p += 1ULL << o;
		} else {
			p++;
		}
	}
}

/*
 * move_freepages_block(): the pageblock's free blocks to new_mt's lists and the pageblock
 * to new_mt; refused (false) for a pageblock not wholly in the zone, as
 * prep_move_freepages_block() refuses it.
 */
bool sim_move_freepages_block(struct mf_sim *s, struct szone *z, uint64_t pfn, int new_mt)
{
	uint64_t start = pageblock_start(s, pfn), end = start + pageblock_nr_pages(s);

	if (start < z->d.start_pfn || end > z->d.end_pfn)
		return false;
	if (s->mobility_disabled && new_mt < MF_MT_PCPTYPES)
		new_mt = MF_MT_UNMOVABLE;
	if (pb_mt(s, start) == new_mt)
		return true;
	sim_move_free_range(s, z, start, end, new_mt);
	sim_set_pageblock_mt(s, start, new_mt);
	return true;
}

uint64_t sim_free_pages_blocks(const struct mf_sim *s, const struct szone *z)
{
	uint64_t n = 0;
	int o, t;

	for (o = s->pbo; o <= s->max_order; o++)
		for (t = 0; t < MF_MAX_MT; t++)
			if (t != MF_MT_ISOLATE)
				n += z->nr_free_mt[o][t] << o;
	return n;
}

/* ---- freeing ------------------------------------------------------------------------- */

static inline bool mergeable(int mt)
{
	return mt < MF_MT_PCPTYPES;
}

/* compaction_capture(): a direct compactor takes a block of exactly its order */
static bool compaction_capture(struct mf_sim *s, struct szone *z, uint64_t pfn, int order,
			       int mt)
{
	struct capture_control *c = s->capc;

	if (!c || c->zone != z || c->page != MF_PFN_NONE || order != c->order)
		return false;
	if (mt == MF_MT_CMA || mt == MF_MT_ISOLATE)
		return false;
	if (order < s->pbo && mt == MF_MT_MOVABLE && c->mt != MF_MT_MOVABLE)
		return false;
	c->page = pfn;
	return true;
}

/* __free_one_page() of v6.10+: merging, the cross-pageblock rule, buddy_merge_likely() */
void sim_free_one_page_core(struct mf_sim *s, struct szone *z, uint64_t pfn, int order,
			    int mt, bool to_tail)
{
	while (order < s->max_order) {
		uint64_t buddy;
		int buddy_mt = mt;

		if (compaction_capture(s, z, pfn, order, mt)) {
			s->st[pfn] = 0;
			return;
		}
		buddy = pfn ^ (1ULL << order);
		if (buddy < z->d.start_pfn || buddy >= z->d.end_pfn || !is_buddy_head(s, buddy, order))
			break;
		buddy_mt = pb_mt(s, buddy);
		if (order >= s->pbo && mt != buddy_mt && (!mergeable(mt) || !mergeable(buddy_mt)))
			break;
		sim_del_free(s, z, buddy, order, buddy_mt);
		if (buddy_mt != mt) {
			uint64_t q;

			/* v6.10+: the buddy takes our type, so expand() later stays right */
			for (q = buddy; q < buddy + (1ULL << order); q += pageblock_nr_pages(s))
				sim_set_pageblock_mt(s, q, mt);
		}
		pfn &= buddy;
		order++;
	}
	if (!to_tail && order < s->max_order - 1) {
		/* buddy_merge_likely(): the block one order up may soon be complete */
		uint64_t hb = (pfn & ~(1ULL << order)) ^ (2ULL << order);

		to_tail = hb >= z->d.start_pfn && hb < z->d.end_pfn && is_buddy_head(s, hb, order + 1);
	}
	sim_add_free(s, z, pfn, order, mt, to_tail);
}

/* free_one_page() -> split_large_buddy(): chunks of at most a pageblock, each its own type */
void sim_free_one_page(struct mf_sim *s, struct szone *z, uint64_t pfn, int order)
{
	uint64_t end = pfn + (1ULL << order);
	int chunk = order > s->pbo ? s->pbo : order;

	for (; pfn < end; pfn += 1ULL << chunk)
		sim_free_one_page_core(s, z, pfn, chunk, pb_mt(s, pfn), false);
}
