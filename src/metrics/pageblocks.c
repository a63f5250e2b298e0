// SPDX-License-Identifier: GPL-2.0
/*
 * The physical memory map: every pageblock's migratetype and free blocks, packed frame by
 * frame ("mmfrag-pageblocks/1", include/mmfrag/pageblocks.h).  Read through the model's
 * and the simulator's public walks only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/model.h"
#include "mmfrag/pageblocks.h"
#include "mmfrag/sim.h"

/* A growing byte buffer. */
struct buf {
	uint8_t	*p;
	size_t	len, cap;
	bool	failed;
};

static void buf_put(struct buf *b, const void *data, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_varint(struct buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = v & 0x7f;
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	buf_put(b, tmp, n);
}

/* One zone of the last frame: each pageblock's record, packed back to back. */
struct mf_pb_prev {
	int		node;
	char		name[16];
	uint64_t	first_pfn, nr;
	struct buf	recs;
	uint32_t	*off;		/* nr + 1 offsets into recs */
};

/* What one walk over a zone builds. */
struct walk {
	int		pbo;
	uint64_t	first_pfn, nr;
	uint64_t	cur;		/* the pageblock being counted */
	uint32_t	counts[MF_MAX_ORDERS];
	int		(*mt)(const void *src, uint64_t pfn);
	const void	*src;
	struct buf	recs;
	uint32_t	*off;
};

static void emit_record(struct walk *w, uint64_t pb, const uint32_t *counts)
{
	int mt = w->mt(w->src, w->first_pfn + (pb << w->pbo)), npairs = 0, o;
	uint8_t head;

	w->off[pb] = (uint32_t)w->recs.len;
	if (mt == MF_PB_NO_PAGE)
		counts = NULL;		/* nothing can be free where no page is */
	else if (mt < 0 || mt >= MF_MAX_MT)
		mt = MF_MT_UNMOVABLE;
	for (o = 0; counts && o < MF_MAX_ORDERS; o++)
		npairs += counts[o] != 0;
	head = (uint8_t)(mt | npairs << 3);
	buf_put(&w->recs, &head, 1);
	for (o = 0; npairs && o < MF_MAX_ORDERS; o++) {
		uint8_t ord = (uint8_t)o;

		if (!counts[o])
			continue;
		buf_put(&w->recs, &ord, 1);
		put_varint(&w->recs, counts[o]);
	}
}

/* Records for every pageblock before pb: the one counted so far, then empty ones. */
static void flush_to(struct walk *w, uint64_t pb)
{
	if (w->cur >= pb || w->cur >= w->nr)
		return;
	emit_record(w, w->cur, w->counts);
	memset(w->counts, 0, sizeof(w->counts));
	for (w->cur++; w->cur < pb && w->cur < w->nr; w->cur++)
		emit_record(w, w->cur, NULL);
}

static void walk_block(void *priv, uint64_t pfn, int order, int mt, bool pcp)
{
	struct walk *w = priv;
	uint64_t pb, last, i;

	if (pcp || pfn < w->first_pfn || order < 0 || order >= MF_MAX_ORDERS)
		return;
	pb = (pfn - w->first_pfn) >> w->pbo;
	if (order <= w->pbo) {
		flush_to(w, pb);
		w->counts[order]++;
		return;
	}
	/* larger than a pageblock: once in each pageblock it covers */
	last = pb + (1ULL << (order - w->pbo)) - 1;
	for (i = pb; i <= last && i < w->nr; i++) {
		flush_to(w, i);
		w->counts[order]++;
	}
}

static bool same_record(const struct buf *a, const uint32_t *aoff, uint64_t ai,
			const struct buf *b, const uint32_t *boff, uint64_t bi)
{
	size_t alen = aoff[ai + 1] - aoff[ai], blen = boff[bi + 1] - boff[bi];

	return alen == blen && !memcmp(a->p + aoff[ai], b->p + boff[bi], alen);
}

/*
 * The entries of one zone's frame: runs of pageblocks whose record changed (against prev,
 * or the empty record for a key frame) and is the same from one to the next.
 */
static void encode(struct buf *out, const struct walk *w, const struct mf_pb_prev *prev)
{
	static const uint8_t empty_rec = 0;
	static const uint32_t empty_off[2] = { 0, 1 };
	const struct buf empty = { .p = (uint8_t *)&empty_rec, .len = 1 };
	uint64_t i = 0, last_end = 0;

	while (i < w->nr) {
		uint64_t run = 1;
		bool changed = prev ? !same_record(&w->recs, w->off, i, &prev->recs, prev->off, i)
				    : !same_record(&w->recs, w->off, i, &empty, empty_off, 0);

		if (!changed) {
			i++;
			continue;
		}
		while (i + run < w->nr && same_record(&w->recs, w->off, i, &w->recs, w->off, i + run) &&
		       (prev ? !same_record(&w->recs, w->off, i + run, &prev->recs, prev->off, i + run)
			     : !same_record(&w->recs, w->off, i + run, &empty, empty_off, 0)))
			run++;
		put_varint(out, i - last_end);
		put_varint(out, run);
		buf_put(out, w->recs.p + w->off[i], w->off[i + 1] - w->off[i]);
		i += run;
		last_end = i;
	}
}

struct source {
	int			nr_zones;
	const struct mf_zone_desc *(*zone)(const void *src, int z);
	void			(*for_each)(const void *src, int z, mf_model_block_fn fn, void *priv);
	int			(*mt)(const void *src, uint64_t pfn);
	const void		*src;
};

static int add_frame(struct mf_pb_map *map, const struct source *s, const char *label,
		     uint64_t ts)
{
	uint64_t pbsize = 1ULL << map->pageblock_order;
	struct mf_pb_frame *f;
	struct mf_pb_prev *np;
	int z;

	f = realloc(map->frames, (size_t)(map->nr_frames + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	map->frames = f;
	f = &map->frames[map->nr_frames];
	memset(f, 0, sizeof(*f));
	snprintf(f->label, sizeof(f->label), "%s", label);
	f->ts = ts;
	f->zones = calloc((size_t)(s->nr_zones ? s->nr_zones : 1), sizeof(*f->zones));
	np = calloc((size_t)(s->nr_zones ? s->nr_zones : 1), sizeof(*np));
	if (!f->zones || !np) {
		free(f->zones);
		free(np);
		return -ENOMEM;
	}
	map->nr_frames++;
	f->nr_zones = s->nr_zones;

	for (z = 0; z < s->nr_zones; z++) {
		const struct mf_zone_desc *zd = s->zone(s->src, z);
		struct mf_pb_zone_frame *zf = &f->zones[z];
		const struct mf_pb_prev *prev = NULL;
		struct walk w = { .pbo = map->pageblock_order, .mt = s->mt, .src = s->src };
		struct buf out = { 0 };

		w.first_pfn = zd->start_pfn & ~(pbsize - 1);
		w.nr = zd->end_pfn > w.first_pfn ? (zd->end_pfn - w.first_pfn + pbsize - 1) >>
						   map->pageblock_order : 0;
		w.off = malloc((size_t)(w.nr + 1) * sizeof(*w.off));
		if (!w.off)
			goto nomem;
		s->for_each(s->src, z, walk_block, &w);
		flush_to(&w, w.nr);
		w.off[w.nr] = (uint32_t)w.recs.len;
		if (w.recs.failed)
			goto nomem;

		if (z < map->nr_prev && map->prev[z].first_pfn == w.first_pfn &&
		    map->prev[z].nr == w.nr && map->prev[z].node == zd->node &&
		    !strcmp(map->prev[z].name, zd->name))
			prev = &map->prev[z];
		encode(&out, &w, prev);
		if (out.failed)
			goto nomem;
		zf->node = zd->node;
		snprintf(zf->name, sizeof(zf->name), "%s", zd->name);
		zf->first_pfn = w.first_pfn;
		zf->nr_pageblocks = w.nr;
		zf->key = !prev;
		zf->data = out.p;
		zf->len = out.len;

		np[z].node = zd->node;
		snprintf(np[z].name, sizeof(np[z].name), "%s", zd->name);
		np[z].first_pfn = w.first_pfn;
		np[z].nr = w.nr;
		np[z].recs = w.recs;
		np[z].off = w.off;
		continue;
nomem:
		free(out.p);
		free(w.recs.p);
		free(w.off);
		for (; z >= 0; z--) {
			free(np[z].recs.p);
			free(np[z].off);
		}
		free(np);
		return -ENOMEM;
	}
	for (z = 0; z < map->nr_prev; z++) {
		free(map->prev[z].recs.p);
		free(map->prev[z].off);
	}
	free(map->prev);
	map->prev = np;
	map->nr_prev = s->nr_zones;
	return 0;
}

struct mf_pb_map *mf_pb_map_new(int pageblock_order)
{
	struct mf_pb_map *map = calloc(1, sizeof(*map));

	if (map)
		map->pageblock_order = pageblock_order;
	return map;
}

void mf_pb_map_free(struct mf_pb_map *map)
{
	int i, z;

	if (!map)
		return;
	for (i = 0; i < map->nr_frames; i++) {
		for (z = 0; z < map->frames[i].nr_zones; z++)
			free(map->frames[i].zones[z].data);
		free(map->frames[i].zones);
	}
	for (z = 0; z < map->nr_prev; z++) {
		free(map->prev[z].recs.p);
		free(map->prev[z].off);
	}
	free(map->prev);
	free(map->frames);
	free(map);
}

static const struct mf_zone_desc *model_zone(const void *src, int z)
{
	return mf_model_zone(src, z);
}

static void model_for_each(const void *src, int z, mf_model_block_fn fn, void *priv)
{
	mf_model_for_each_block(src, z, fn, priv);
}

static int model_mt(const void *src, uint64_t pfn)
{
	return mf_model_pageblock_absent(src, pfn) ? MF_PB_NO_PAGE : mf_model_pageblock_mt(src, pfn);
}

int mf_pb_map_add_model(struct mf_pb_map *map, const struct mf_model *m, const char *label,
			uint64_t ts)
{
	const struct source s = { mf_model_nr_zones(m), model_zone, model_for_each, model_mt, m };

	return add_frame(map, &s, label, ts);
}

static const struct mf_zone_desc *sim_zone(const void *src, int z)
{
	return mf_sim_zone(src, z);
}

static void sim_for_each(const void *src, int z, mf_model_block_fn fn, void *priv)
{
	mf_sim_for_each_block(src, z, fn, priv);
}

static int sim_mt(const void *src, uint64_t pfn)
{
	return mf_sim_pageblock_absent(src, pfn) ? MF_PB_NO_PAGE : mf_sim_pageblock_mt(src, pfn);
}

int mf_pb_map_add_sim(struct mf_pb_map *map, const struct mf_sim *s, const char *label,
		      uint64_t ts)
{
	const struct source src = { mf_sim_nr_zones(s), sim_zone, sim_for_each, sim_mt, s };

	return add_frame(map, &src, label, ts);
}
