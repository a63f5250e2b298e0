// SPDX-License-Identifier: GPL-2.0
/*
 * The observe model's consistency check (mf_model_check()): the free lists, counters,
 * head bytes, inblk bits and the pageblock index against a recount from the head bytes,
 * and the ledger's per-pageblock counts against its bits.
 * For the tests and for debugging; never on the replay's path.
 */
#include <stdio.h>
#include <string.h>

#include "buddy-local.h"

/*
 * Invariants: counters equal a recount of the head bytes; no two blocks overlap; blocks
 * are aligned and inside their zone; no two free buddies of the same order that the
 * kernel would have merged.
 */
int mf_model_check(const struct mf_model *m, char *buf, size_t len)
{
	static uint64_t cnt[MF_MAX_ZONES][MF_MAX_ORDERS][MF_MAX_MT];
	uint64_t pcp[MF_MAX_ZONES] = { 0 };
	uint64_t p, covered_to = 0;
	int z;

	memset(cnt, 0, sizeof(cnt));
	for (p = 0; p < m->nr_pfns; p++) {
		uint8_t b = *blk_at(m, p);
		int o;

		if (!b)
			continue;
		o = blk_order(b);
		z = mf_model_zone_of_pfn(m, p);
		if (p < covered_to) {
			snprintf(buf, len, "block at pfn 0x%llx overlaps the previous one",
				 (unsigned long long)p);
			return -1;
		}
		if (o < 0 || o > m->p.max_order || (p & ((1ULL << o) - 1)) || z < 0 ||
		    p + (1ULL << o) > m->zones[z].end_pfn) {
			snprintf(buf, len, "bad block at pfn 0x%llx order %d",
				 (unsigned long long)p, o);
			return -1;
		}
		covered_to = p + (1ULL << o);
		if (b & BLK_PCP) {
			pcp[z] += 1ULL << o;
			continue;
		}
		cnt[z][o][blk_mt(b)]++;
		if (o < m->p.pageblock_order && o < m->p.max_order) {
			uint64_t buddy = p ^ (1ULL << o);

			if (buddy >= m->zones[z].start_pfn && buddy < m->zones[z].end_pfn &&
			    is_free_head(m, buddy, o)) {
				snprintf(buf, len, "unmerged buddies at pfn 0x%llx and 0x%llx order %d",
					 (unsigned long long)p, (unsigned long long)buddy, o);
				return -1;
			}
		}
	}
	/* inblk marks exactly the frames inside a block (blocks do not overlap: checked above) */
	for (p = 0, covered_to = 0; p < m->nr_pfns; p++) {
		if (*blk_at(m, p))
			covered_to = p + (1ULL << blk_order(*blk_at(m, p)));
		if (bit_test(m->inblk, p) != (p < covered_to)) {
			snprintf(buf, len, "pfn 0x%llx: inblk bit is wrong", (unsigned long long)p);
			return -1;
		}
	}
	for (p = 0; p < (m->nr_pfns >> m->p.pageblock_order); p++) {
		uint64_t base = p << m->p.pageblock_order, q;
		uint16_t per[MF_MAX_ORDERS] = { 0 };
		int o;

		for (q = model_next_head(m, base, base + (1ULL << m->p.pageblock_order));
		     q < base + (1ULL << m->p.pageblock_order);
		     q = model_next_head(m, q + (1ULL << blk_order(*blk_at(m, q))),
				   base + (1ULL << m->p.pageblock_order)))
			if (!(*blk_at(m, q) & BLK_PCP) && blk_mt(*blk_at(m, q)) == MF_MT_MOVABLE)
				per[blk_order(*blk_at(m, q))]++;
		for (o = 0; o <= m->p.max_order; o++)
			if (per[o] != m->pb_orders[p * ((size_t)m->p.max_order + 1) + o] ||
			    !per[o] != !(*pb_map_word(m, p, o) & (1ULL << (p % 64)))) {
				snprintf(buf, len, "pageblock at pfn 0x%llx: order-%d index is wrong",
					 (unsigned long long)base, o);
				return -1;
			}
	}
	for (z = 0; z < m->nr_zones; z++) {
		if (memcmp(cnt[z], m->nr_free[z], sizeof(cnt[z]))) {
			snprintf(buf, len, "zone %d: free counters differ from the lists", z);
			return -1;
		}
		if (pcp[z] != m->pcp_pages[z]) {
			snprintf(buf, len, "zone %d: per-CPU page count differs from the lists", z);
			return -1;
		}
	}
	/* the linked free lists hold exactly the counted blocks, with consistent links */
	for (z = 0; z < m->nr_zones; z++) {
		int o, t;

		for (o = 0; o <= m->p.max_order; o++)
			for (t = 0; t < MF_MAX_MT; t++) {
				uint32_t q = m->lhead[z][o][t], prev = LNONE;
				uint64_t n = 0;

				for (; q != LNONE && n <= m->nr_free[z][o][t]; prev = q, q = link_next(m, q)) {
					n++;
					if (link_prev(m, q) != prev || !is_free_head(m, q, o) ||
					    blk_mt(*blk_at(m, q)) != t || mf_model_zone_of_pfn(m, q) != z)
						break;
				}
				if (q != LNONE || n != m->nr_free[z][o][t] || m->ltail[z][o][t] != prev) {
					snprintf(buf, len, "zone %d: free_list[%d][%d] differs from the counted blocks",
						 z, o, t);
					return -1;
				}
			}
	}
	/* each CPU's chained lists hold per-CPU blocks of their own list, linked both ways */
	for (z = 0; z < m->nr_zones; z++) {
		int c, l;

		for (c = 0; c < m->p.nr_cpus && c < 256; c++)
			for (l = 0; l < PCP_LISTS; l++) {
				size_t i = ((size_t)z * m->p.nr_cpus + c) * PCP_LISTS + l;
				uint32_t q = m->phead[i], prev = LNONE;
				uint64_t n = 0;

				for (; q != LNONE && n <= m->pcp_pages[z]; prev = q, q = link_next(m, q)) {
					uint8_t b = *blk_at(m, q);

					n++;
					if (link_prev(m, q) != prev || !(b & BLK_PCP) || *cpu_at(m, q) != c ||
					    model_pcp_list(m, z, c, blk_order(b), blk_mt(b)) != i)
						break;
				}
				if (q != LNONE || m->ptail[i] != prev) {
					snprintf(buf, len, "zone %d cpu %d: per-CPU list %d is broken", z, c, l);
					return -1;
				}
			}
	}
	/* the ledger's count per pageblock is its bits' */
	for (p = 0; p < m->nr_pfns; p += 1ULL << m->p.pageblock_order)
		if (model_bits_count(m->ciso, p, 1ULL << m->p.pageblock_order) !=
		    m->ciso_pb[p >> m->p.pageblock_order]) {
			snprintf(buf, len, "pageblock at pfn 0x%llx: ledger count is wrong",
				 (unsigned long long)p);
			return -1;
		}
	return 0;
}
