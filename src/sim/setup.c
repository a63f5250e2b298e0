// SPDX-License-Identifier: GPL-2.0
/*
 * Setting a simulator up for a replay: the machine it simulates (the traced one, as the
 * observe model holds it at the start capture, or an x86-64 machine of memory= bytes)
 * and its state at the start: free blocks, pageblock types, the pages in use that
 * compaction may move, and the compound pages that stay one block.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mmfrag/common.h"
#include "mmfrag/sim.h"

/* enum zone_type on x86-64, from the name /proc prints */
static int zone_type(const char *name)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return i;
	return 2;
}

/* memory=SIZE: an x86-64 machine of that size, DMA below 16 MiB, DMA32 below 4 GiB */
static int memory_layout(uint64_t bytes, struct mf_sim_zone_desc *zd)
{
	static const struct { const char *name; uint64_t start, end; } z[] = {
		{ "DMA", 1, 4096 }, { "DMA32", 4096, 1ULL << 20 }, { "Normal", 1ULL << 20, UINT64_MAX },
	};
	uint64_t n = bytes >> 12;
	int nz = 0, i;

	for (i = 0; i < (int)ARRAY_SIZE(z); i++) {
		uint64_t end = n < z[i].end ? n : z[i].end;

		if (end <= z[i].start)
			continue;
		memset(&zd[nz], 0, sizeof(zd[nz]));
		snprintf(zd[nz].d.name, sizeof(zd[nz].d.name), "%s", z[i].name);
		zd[nz].d.start_pfn = z[i].start;
		zd[nz].d.end_pfn = end;
		zd[nz].d.present = zd[nz].d.managed = end - z[i].start;
		zd[nz].type = i;
		nz++;
	}
	return nz;
}

static void sim_seed_block(void *priv, uint64_t pfn, int order, int mt, bool pcp)
{
	/* per-CPU pages stay "in use" until the trace shows them handed out or drained */
	if (!pcp)
		mf_sim_seed_free(priv, pfn, order);
}

/* A simulator at the start capture: the observe model's free blocks and pageblock types. */
static struct mf_sim *sim_from_model(const struct mf_sim_config *c,
				     const struct mf_sim_start_state *st, int nr_cpus)
{
	const struct mf_model_params *p = mf_model_params(st->m);
	struct mf_sim_zone_desc zd[MF_MAX_ZONES];
	struct mf_sim_traced t = { .max_order = p->max_order, .pageblock_order = p->pageblock_order };
	struct mf_sim *s;
	int nz = mf_model_nr_zones(st->m), z;
	uint64_t pfn;
	size_t i;

	for (z = 0; z < nz; z++) {
		memset(&zd[z], 0, sizeof(zd[z]));
		zd[z].d = *mf_model_zone(st->m, z);
		zd[z].type = zone_type(zd[z].d.name);
		if (st->wmarks) {
			memcpy(zd[z].wmark, st->wmarks[z].wmark, sizeof(zd[z].wmark));
			zd[z].boost = st->wmarks[z].boost;
		}
	}
	s = mf_sim_new(c, &t, zd, nz, nr_cpus);
	if (!s)
		return NULL;
	for (z = 0; z < nz; z++) {
		const struct mf_zone_desc *d = mf_model_zone(st->m, z);

		for (pfn = d->start_pfn & ~((1ULL << p->pageblock_order) - 1); pfn < d->end_pfn;
		     pfn += 1ULL << p->pageblock_order)
			mf_sim_seed_pageblock(s, pfn, p->pageblock_order,
					      mf_model_pageblock_mt(st->m, pfn));
	}
	for (z = 0; z < nz; z++)
		mf_model_for_each_block(st->m, z, sim_seed_block, s);
	for (z = 0; st->free_mt && z < nz; z++)
		if (st->free_mt[z].known)
			mf_sim_seed_free_types(s, z, st->free_mt[z].n);
	for (pfn = 0; st->movable && pfn < st->nr_movable; pfn++)
		if (st->movable[pfn / 64] & (1ULL << (pfn % 64)))
			mf_sim_seed_movable(s, pfn);
	for (i = 0; i < st->nr_folios; i++) {
		int order = 0;

		while ((1U << order) < st->folios[i].len)
			order++;
		mf_sim_seed_used(s, st->folios[i].pfn, order, st->folios[i].lru);
	}
	return s;
}

struct mf_sim *mf_sim_setup(const struct mf_sim_config *c, const struct mf_sim_traced *t,
			    const struct mf_sim_start_state *st, int nr_cpus, const char **from)
{
	struct mf_sim *s;

	if (c->memory) {
		struct mf_sim_zone_desc zd[MF_MAX_ZONES];
		int nz = memory_layout(c->memory, zd);

		*from = "memory";
		s = mf_sim_new(c, t, zd, nz, nr_cpus);
		if (s)
			mf_sim_seed_all_free(s);
		return s;
	}
	*from = "capture";
	if (!st || !st->m) {
		errno = EINVAL;
		return NULL;
	}
	return sim_from_model(c, st, nr_cpus);
}
