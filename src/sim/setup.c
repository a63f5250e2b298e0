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

/*
 * kernelcore= and movablecore=: find_zone_movable_pfns_for_nodes() (mm/mm_init.c).  The
 * kernel's share (kernelcore, or all but movablecore, whichever is larger) is spread
 * evenly over the nodes, counted from each node's lowest pfn; the zones below the
 * highest populated one (find_usable_zone_for_movable()) count towards it whole, and
 * what the share leaves of the highest zone, from zone_movable_pfn rounded up to
 * MAX_ORDER_NR_PAGES, becomes ZONE_MOVABLE.  Holes are spread over the split zone's
 * present and managed pages in proportion.  Returns the new number of zones, or -1
 * (errno EINVAL) when the layout has a Movable zone already or the result would not fit.
 */
static int zone_movable_layout(const struct mf_sim_config *c, int max_order,
			       struct mf_sim_zone_desc *zd, int nz)
{
	uint64_t total = 0, kcore = c->kernelcore >> 12, mcore = c->movablecore >> 12;
	uint64_t usable_start = UINT64_MAX, align = 1ULL << max_order;
	int movable_type = -1, nodes = 0, seen_node = -1, z, i;

	if (!kcore && !mcore)
		return nz;
	for (z = 0; z < nz; z++) {
		if (zd[z].type >= 3) {
			errno = EINVAL;		/* the traced kernel has a ZONE_MOVABLE already */
			return -1;
		}
		total += zd[z].d.present;
		if (zd[z].d.present && zd[z].type > movable_type)
			movable_type = zd[z].type;
		if (zd[z].d.node != seen_node) {
			nodes++;
			seen_node = zd[z].d.node;
		}
	}
	if (mcore) {
		mcore = (mcore + align - 1) & ~(align - 1);
		if (mcore > total)
			mcore = total;
		if (total - mcore > kcore)
			kcore = total - mcore;
	}
	if (!kcore || kcore >= total || movable_type < 0)
		return nz;
	for (z = 0; z < nz; z++)
		if (zd[z].type == movable_type && zd[z].d.start_pfn < usable_start)
			usable_start = zd[z].d.start_pfn;
	for (z = 0; z < nz; z++) {
		uint64_t remaining = kcore / (uint64_t)nodes, mpfn = 0, start, end, size, len;
		int node = zd[z].d.node, top = -1;

		if (z && zd[z - 1].d.node == node)
			continue;		/* first zone of each node only */
		for (i = z; i < nz && zd[i].d.node == node; i++) {
			start = zd[i].d.start_pfn;
			end = zd[i].d.end_pfn;
			if (zd[i].type == movable_type)
				top = i;
			if (start < usable_start) {
				uint64_t kp = (end < usable_start ? end : usable_start) - start;

				remaining -= kp < remaining ? kp : remaining;
				if (end <= usable_start)
					continue;
				start = usable_start;
			}
			if (!remaining)
				break;
			size = end - start;
			if (size > remaining)
				size = remaining;
			mpfn = start + size;
			remaining -= size;
		}
		if (top < 0)
			continue;
		if (!mpfn)
			mpfn = zd[top].d.start_pfn;
		mpfn = (mpfn + align - 1) & ~(align - 1);
		if (mpfn >= zd[top].d.end_pfn)
			continue;
		if (nz == MF_MAX_ZONES) {
			errno = EINVAL;
			return -1;
		}
		/* the new zone right after the split one: zones stay sorted by node, type */
		memmove(&zd[top + 2], &zd[top + 1], (size_t)(nz - top - 1) * sizeof(*zd));
		nz++;
		zd[top + 1] = zd[top];
		snprintf(zd[top + 1].d.name, sizeof(zd[top + 1].d.name), "Movable");
		zd[top + 1].type = 3;
		if (mpfn < zd[top].d.start_pfn)
			mpfn = zd[top].d.start_pfn;
		len = zd[top].d.end_pfn - zd[top].d.start_pfn;
		zd[top + 1].d.start_pfn = mpfn;
		zd[top + 1].d.present = zd[top].d.present * (zd[top].d.end_pfn - mpfn) / len;
		zd[top + 1].d.managed = zd[top].d.managed * (zd[top].d.end_pfn - mpfn) / len;
		zd[top].d.end_pfn = mpfn;
		zd[top].d.present -= zd[top + 1].d.present;
		zd[top].d.managed -= zd[top + 1].d.managed;
		/* the captured watermarks were the old zones': computed again for both */
		memset(zd[top].wmark, 0, sizeof(zd[top].wmark));
		memset(zd[top + 1].wmark, 0, sizeof(zd[top + 1].wmark));
		zd[top].boost = zd[top + 1].boost = 0;
		z = top + 1;
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
	int nz = mf_model_nr_zones(st->m), nzs, z;
	uint64_t pfn;
	size_t i;

	for (z = 0; z < nz; z++) {
		memset(&zd[z], 0, sizeof(zd[z]));
		zd[z].d = *mf_model_zone(st->m, z);
		zd[z].type = zone_type(zd[z].d.name);
		if (st->wmarks) {
			memcpy(zd[z].wmark, st->wmarks[z].wmark, sizeof(zd[z].wmark));
			zd[z].boost = st->wmarks[z].boost;
			zd[z].nr_pcp_high = st->wmarks[z].nr_pcp_high;
			memcpy(zd[z].pcp_high, st->wmarks[z].pcp_high, sizeof(zd[z].pcp_high));
			memcpy(zd[z].pcp_count, st->wmarks[z].pcp_count, sizeof(zd[z].pcp_count));
			zd[z].node_unreclaimable = st->wmarks[z].node_unreclaimable;
		}
	}
	nzs = zone_movable_layout(c, c->max_order == MF_SIM_KEEP ? p->max_order : c->max_order,
				  zd, nz);
	if (nzs < 0)
		return NULL;
	s = mf_sim_new(c, &t, zd, nzs, nr_cpus);
	if (!s)
		return NULL;
	for (z = 0; z < nz; z++) {
		const struct mf_zone_desc *d = mf_model_zone(st->m, z);

		for (pfn = d->start_pfn & ~((1ULL << p->pageblock_order) - 1); pfn < d->end_pfn;
		     pfn += 1ULL << p->pageblock_order) {
			mf_sim_seed_pageblock(s, pfn, p->pageblock_order,
					      mf_model_pageblock_mt(st->m, pfn));
			if (mf_model_pageblock_absent(st->m, pfn))
				mf_sim_seed_pageblock_absent(s, pfn, p->pageblock_order);
		}
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
	if (mf_sim_seed_reclaimable(s, st->reclaimable, st->reclaim_active, st->nr_movable,
				    st->no_swap)) {
		mf_sim_free_all(s);
		errno = ENOMEM;
		return NULL;
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
		nz = zone_movable_layout(c, c->max_order == MF_SIM_KEEP ? t->max_order : c->max_order,
					 zd, nz);
		if (nz < 0)
			return NULL;
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
