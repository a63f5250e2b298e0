// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy-allocator model, observe mode: events from a trace say which pages moved
 * where; the model keeps the free lists, per-CPU lists and pageblock types that those
 * moves imply, and repairs (and counts) every contradiction.
 *
 * Layout, sized by page frames and never by events:
 *
 *   blk[pfn]	head byte of a free or per-CPU block: bits 0-3 order + 1 (0: not a head),
 *		bits 4-6 the migratetype of the list it is on, bit 7 per-CPU.
 *   cpu[pfn]	owning CPU of a per-CPU block (head only); blk and cpu of 32 frames share
 *		a cache line (struct frame_group, blk_at(), cpu_at()).  At a frame that
 *		heads no block, the order of a compound allocation headed there (comp_at()).
 *   held	one bit per pfn: handed out by mm_page_alloc and not freed since; with the
 *		ledger's bits (ciso, cconf) in one array, a 64-frame group's words side by side.
 *   pb[]	one byte per pageblock: its migratetype.
 *   link[]	per free block head: its neighbours on its free list (next, prev side by side:
 *		one cache line per unlink or insert instead of two), so that the
 *		lists keep the kernel's order (head or tail insertion, fast_isolate_freepages()'s
 *		rotation), which decides the blocks compaction's fast search takes.
 *
 * Rules mirror mm/page_alloc.c of v6.10+ (the freelist-type series): a free block always
 * sits on the list of its pageblock's type, so an event's migratetype (zone_locked's list
 * type, pcpu_drain's re-read type) also tells the pageblock's type, and the model learns
 * pageblock types from the stream instead of guessing them.  The ledger of pages
 * compaction isolated, and how the model guesses them, is isolate.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "buddy-local.h"

void mf_model_params_default(struct mf_model_params *p)
{
	p->max_order = 10;
	p->pageblock_order = 9;
	p->pcp_high_order = 9;
	p->nr_cpus = 256;
	p->learn_zones = false;
	p->max_pfns = 0;
	p->huge_pages = false;
}

/* ---- allocation of the per-pfn arrays ---------------------------------------------- */

/*
 * Ask for transparent huge pages over the 2 MiB-aligned part of [p, p + len), before its
 * first touch (THP "madvise" is the usual default).  fg[] and bits[] are read at random
 * pfns by every event: with 4 KiB pages nearly every event also missed the TLB.  Only a
 * hint; the arrays are zeroed whole right after, so the resident size does not change.
 */
static void want_huge(const struct mf_model *m, void *p, size_t len)
{
	const uintptr_t huge = 2UL << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + len) & ~(huge - 1);

	if (m->p.huge_pages && e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

/* A bitmap of a bit per page frame, grown from old to nr_pfns frames; the new words zero. */
static int grow_frame_bits(uint64_t **bits, uint64_t old, uint64_t nr_pfns)
{
	uint64_t from = old ? old / 64 + 1 : 0, *b = realloc(*bits, (nr_pfns / 64 + 1) * sizeof(*b));

	if (!b)
		return -ENOMEM;
	*bits = b;
	memset(b + from, 0, (nr_pfns / 64 + 1 - from) * sizeof(*b));
	return 0;
}

static int model_resize(struct mf_model *m, uint64_t nr_pfns)
{
	uint64_t old = m->nr_pfns, pbs_old, pbs_new, align;
	struct frame_group *fg;
	uint64_t *held;
	uint8_t *pb;

	/*
	 * whole max-order blocks, so that buddy lookups never index past the end, and whole
	 * frame groups
	 */
	align = 1ULL << (m->p.max_order > FG_SHIFT ? m->p.max_order : FG_SHIFT);
	nr_pfns = (nr_pfns + align - 1) & ~(align - 1);
	if (nr_pfns <= old)
		return 0;
	pbs_old = old >> m->p.pageblock_order;
	pbs_new = nr_pfns >> m->p.pageblock_order;

	fg = realloc(m->fg, (nr_pfns >> FG_SHIFT) * sizeof(*fg));
	if (!fg)
		return -ENOMEM;
	m->fg = fg;
	want_huge(m, fg, (nr_pfns >> FG_SHIFT) * sizeof(*fg));
	held = realloc(m->bits, (nr_pfns / 64 + 1) * BITS_STRIDE * sizeof(uint64_t));
	if (!held)
		return -ENOMEM;
	m->bits = held;
	want_huge(m, held, (nr_pfns / 64 + 1) * BITS_STRIDE * sizeof(uint64_t));
	m->held = held;
	m->ciso = held + 1;
	m->cconf = held + 2;
	m->inblk = held + 3;
	{
		/*
		 * Zero is "no neighbour" (struct mf_link): the first allocation comes from
		 * calloc(), whose pages stay unbacked until a free block's head lands in them.
		 */
		struct mf_link *l = m->link ? realloc(m->link, nr_pfns * sizeof(*l)) :
				    calloc(nr_pfns, sizeof(*l));

		if (!l)
			return -ENOMEM;
		m->link = l;
		if (old)
			memset(m->link + old, 0, (nr_pfns - old) * sizeof(*l));
	}
	if (grow_frame_bits(&m->passed, old, nr_pfns) || grow_frame_bits(&m->refilled, old, nr_pfns))
		return -ENOMEM;
	pb = realloc(m->pb, pbs_new + 1);
	if (!pb)
		return -ENOMEM;
	m->pb = pb;
	{
		uint32_t *cp = realloc(m->ciso_pb, (pbs_new + 1) * sizeof(*cp));

		if (!cp)
			return -ENOMEM;
		m->ciso_pb = cp;
		memset(cp + (old ? pbs_old + 1 : 0), 0,
		       ((pbs_new + 1) - (old ? pbs_old + 1 : 0)) * sizeof(*cp));
	}
	{
		size_t per = (size_t)m->p.max_order + 1;
		uint16_t *po = realloc(m->pb_orders, (pbs_new + 1) * per * sizeof(*po));

		if (!po)
			return -ENOMEM;
		m->pb_orders = po;
		memset(po + (old ? pbs_old + 1 : 0) * per, 0,
		       ((pbs_new + 1) - (old ? pbs_old + 1 : 0)) * per * sizeof(*po));
		held = realloc(m->pb_map, (pbs_new / 64 + 1) * per * sizeof(*held));
		if (!held)
			return -ENOMEM;
		m->pb_map = held;
		memset(held + (old ? pbs_old / 64 + 1 : 0) * per, 0,
		       ((pbs_new / 64 + 1) - (old ? pbs_old / 64 + 1 : 0)) * per * sizeof(*held));
	}

	memset(m->fg + (old >> FG_SHIFT), 0, ((nr_pfns - old) >> FG_SHIFT) * sizeof(*fg));
	memset(m->bits + (old ? old / 64 + 1 : 0) * BITS_STRIDE, 0,
	       ((nr_pfns / 64 + 1) - (old ? old / 64 + 1 : 0)) * BITS_STRIDE * sizeof(uint64_t));
	/* memmap_init_range() starts every pageblock MOVABLE */
	memset(pb + (old ? pbs_old + 1 : 0), MF_MT_MOVABLE,
	       (pbs_new + 1) - (old ? pbs_old + 1 : 0));
	m->nr_pfns = nr_pfns;
	return 0;
}

/* phead[] and ptail[]: one end per (zone, cpu, list) */
static size_t pcp_lists_size(const struct mf_model_params *p)
{
	return (size_t)MF_MAX_ZONES * p->nr_cpus * PCP_LISTS * sizeof(uint32_t);
}

static void pcp_lists_empty(struct mf_model *m)
{
	memset(m->phead, 0xff, pcp_lists_size(&m->p));
	memset(m->ptail, 0xff, pcp_lists_size(&m->p));
}

struct mf_model *mf_model_new(const struct mf_model_params *p, const struct mf_zone_desc *zones,
			      int nr_zones)
{
	struct mf_model *m;
	uint64_t end = 0;
	int i;

	if (nr_zones < 0 || nr_zones > MF_MAX_ZONES || p->max_order >= MF_MAX_ORDERS - 1 ||
	    p->max_order < 0 || p->pageblock_order > p->max_order || p->nr_cpus <= 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->p = *p;
	m->nr_zones = nr_zones;
	memset(m->lhead, 0xff, sizeof(m->lhead));
	memset(m->ltail, 0xff, sizeof(m->ltail));
	for (i = 0; i < nr_zones; i++) {
		m->zones[i] = zones[i];
		if (zones[i].end_pfn > end)
			end = zones[i].end_pfn;
	}
	/* the list links are 32-bit pfns */
	if (end > MF_LEARN_MAX_PFNS - (1ULL << p->max_order)) {
		free(m);
		return NULL;
	}
	m->cpu_pcp_pages = calloc((size_t)MF_MAX_ZONES * p->nr_cpus, sizeof(uint64_t));
	m->pcp_locked = calloc((size_t)p->nr_cpus, sizeof(*m->pcp_locked));
	m->pcp_locked_pid = calloc((size_t)p->nr_cpus, sizeof(*m->pcp_locked_pid));
	m->phead = malloc(pcp_lists_size(p));
	m->ptail = malloc(pcp_lists_size(p));
	if (m->phead && m->ptail)
		pcp_lists_empty(m);
	if (!m->cpu_pcp_pages || !m->pcp_locked || !m->pcp_locked_pid || !m->phead || !m->ptail ||
	    model_resize(m, end ? end : 1)) {
		mf_model_free(m);
		return NULL;
	}
	return m;
}

void mf_model_free(struct mf_model *m)
{
	if (!m)
		return;
	free(m->fg);
	free(m->bits);
	free(m->link);
	free(m->passed);
	free(m->refilled);
	free(m->pcp_locked);
	free(m->pcp_locked_pid);
	free(m->pb);
	free(m->pb_absent);
	free(m->ciso_pb);
	free(m->pb_orders);
	free(m->pb_map);
	free(m->cpu_pcp_pages);
	free(m->phead);
	free(m->ptail);
	model_runs_free(m);
	free(m);
}

bool mf_model_alloc_failed(const struct mf_model *m)
{
	return m->alloc_failed;
}

const struct mf_model_params *mf_model_params(const struct mf_model *m)
{
	return &m->p;
}

void mf_model_fidelity_split(struct mf_model *m, struct mf_fidelity *before)
{
	*before = m->fid;
	memset(&m->fid, 0, sizeof(m->fid));
	m->fid.events_applied = before->events_applied;
	m->fid.lost_events = before->lost_events;
	m->fid.lost_unknown = before->lost_unknown;
}

int mf_model_nr_zones(const struct mf_model *m)
{
	return m->nr_zones;
}

const struct mf_zone_desc *mf_model_zone(const struct mf_model *m, int zone)
{
	return zone >= 0 && zone < m->nr_zones ? &m->zones[zone] : NULL;
}

const struct mf_fidelity *mf_model_fidelity(const struct mf_model *m)
{
	return &m->fid;
}

int mf_model_zone_of_pfn(const struct mf_model *m, uint64_t pfn)
{
	int i;

	for (i = 0; i < m->nr_zones; i++)
		if (pfn >= m->zones[i].start_pfn && pfn < m->zones[i].end_pfn)
			return i;
	return -1;
}

/*
 * Hot path: nearly every event hits the zone of the previous one.  In learn mode the last
 * zone grows to cover pfns beyond it (the trace is all we know of the layout).
 */
static int zone_of(struct mf_model *m, uint64_t pfn)
{
	const struct mf_zone_desc *z = &m->zones[m->last_zone];
	int i;

	if (m->nr_zones && pfn >= z->start_pfn && pfn < z->end_pfn)
		return m->last_zone;
	i = mf_model_zone_of_pfn(m, pfn);
	if (i < 0 && m->p.learn_zones && m->nr_zones &&
	    pfn >= m->zones[m->nr_zones - 1].start_pfn &&
	    pfn < (m->p.max_pfns ? m->p.max_pfns : MF_LEARN_MAX_PFNS) - (1ULL << m->p.max_order)) {
		struct mf_zone_desc *last = &m->zones[m->nr_zones - 1];
		uint64_t end = (pfn | ((1ULL << m->p.max_order) - 1)) + 1;
		uint64_t cap = m->p.max_pfns ? m->p.max_pfns : MF_LEARN_MAX_PFNS;
		uint64_t grow = end > 2 * m->nr_pfns ? end : 2 * m->nr_pfns;

		if (end > 2 * m->nr_pfns + MF_LEARN_FAR_PFNS &&
		    m->far_region != (pfn >> 18) + 1) {
			m->far_region = (pfn >> 18) + 1;
			return -1;	/* the caller counts it out of range */
		}
		if (grow > cap)
			grow = end;
		if (end > m->nr_pfns && model_resize(m, grow)) {
			m->alloc_failed = true;
			return -1;
		}
		last->end_pfn = end;
		last->present = last->end_pfn - last->start_pfn;
		i = m->nr_zones - 1;
	}
	if (i >= 0)
		m->last_zone = i;
	return i;
}

/* ---- pageblocks ------------------------------------------------------------------ */

static inline int pb_mt(const struct mf_model *m, uint64_t pfn)
{
	return m->pb[pfn >> m->p.pageblock_order] & PB_MT_MASK;
}

/* The pageblocks covering [pfn, pfn + 2^order): [*start, *end), within the model. */
static void pb_span(const struct mf_model *m, uint64_t pfn, int order, uint64_t *start,
		    uint64_t *end)
{
	if (order < m->p.pageblock_order)
		order = m->p.pageblock_order;
	*start = pfn & ~((1ULL << order) - 1);
	*end = *start + (1ULL << order);
	if (*end > m->nr_pfns)
		*end = m->nr_pfns;
}

/* An event showed the type of the pageblocks of [pfn, pfn + 2^order) (pb_known()). */
static void pb_mark_known(struct mf_model *m, uint64_t pfn, int order)
{
	uint64_t p, start, end;

	pb_span(m, pfn, order, &start, &end);
	for (p = start; p < end; p += 1ULL << m->p.pageblock_order)
		m->pb[p >> m->p.pageblock_order] |= PB_KNOWN;
}

static inline bool pb_known(const struct mf_model *m, uint64_t pfn)
{
	return m->pb[pfn >> m->p.pageblock_order] & PB_KNOWN;
}

int mf_model_pageblock_mt(const struct mf_model *m, uint64_t pfn)
{
	return pfn < m->nr_pfns ? pb_mt(m, pfn) : -1;
}

void mf_model_set_pageblock_mt(struct mf_model *m, uint64_t pfn, int mt)
{
	if (pfn < m->nr_pfns && mt >= 0 && mt < MF_MAX_MT)
		m->pb[pfn >> m->p.pageblock_order] = (uint8_t)mt;
}

void mf_model_set_pageblock_absent(struct mf_model *m, uint64_t pfn)
{
	uint64_t pb = pfn >> m->p.pageblock_order;

	if (pfn >= m->nr_pfns)
		return;
	if (pb >= m->nr_pb_absent) {
		uint64_t n = ((m->nr_pfns >> m->p.pageblock_order) / 64 + 1) * 64;
		uint64_t *a = realloc(m->pb_absent, n / 8);

		if (!a)
			return;		/* counted as present: the span's view, not wrong */
		memset(a + m->nr_pb_absent / 64, 0, (n - m->nr_pb_absent) / 8);
		m->pb_absent = a;
		m->nr_pb_absent = n;
	}
	m->pb_absent[pb / 64] |= 1ULL << (pb % 64);
}

bool mf_model_pageblock_absent(const struct mf_model *m, uint64_t pfn)
{
	uint64_t pb = pfn >> m->p.pageblock_order;

	return pb < m->nr_pb_absent && (m->pb_absent[pb / 64] >> (pb % 64) & 1);
}

/* ---- free and per-CPU lists ------------------------------------------------------ */

/*
 * Mark (or unmark) the frames of the block [pfn, pfn + 2^order) in inblk.  Blocks are
 * aligned: up to order 6 they lie in one word, above it they are whole words.
 */
static inline void inblk_mark(struct mf_model *m, uint64_t pfn, int order, bool set)
{
	uint64_t *w = bits_word(m->inblk, pfn / 64), i;

	if (order < 6) {
		uint64_t mask = ((1ULL << (1ULL << order)) - 1) << (pfn % 64);

		*w = set ? *w | mask : *w & ~mask;
		return;
	}
	for (i = 0; i < 1ULL << (order - 6); i++)
		w[i * BITS_STRIDE] = set ? ~0ULL : 0;
}

/* Put p on the list with ends *h and *t, at its tail or its head. */
static inline void chain_link(struct mf_model *m, uint32_t *h, uint32_t *t, uint32_t p, bool tail)
{
	if (*h == LNONE) {
		*h = *t = p;
		link_set_next(m, p, LNONE);
		link_set_prev(m, p, LNONE);
	} else if (tail) {
		link_set_prev(m, p, *t);
		link_set_next(m, p, LNONE);
		link_set_next(m, *t, p);
		*t = p;
	} else {
		link_set_next(m, p, *h);
		link_set_prev(m, p, LNONE);
		link_set_prev(m, *h, p);
		*h = p;
	}
}

static inline void chain_unlink(struct mf_model *m, uint32_t *h, uint32_t *t, uint32_t p)
{
	uint32_t n = link_next(m, p), v = link_prev(m, p);

	if (v != LNONE)
		link_set_next(m, v, n);
	else
		*h = n;
	if (n != LNONE)
		link_set_prev(m, n, v);
	else
		*t = v;
	link_set_next(m, p, LNONE);
	link_set_prev(m, p, LNONE);
}

/* __add_to_free_list(): at the head, or at the tail (to_tail) */
static inline void list_link(struct mf_model *m, int z, uint64_t pfn, int order, int mt,
			     bool tail)
{
	chain_link(m, &m->lhead[z][order][mt], &m->ltail[z][order][mt], (uint32_t)pfn, tail);
}

static inline void list_unlink(struct mf_model *m, int z, uint64_t pfn, int order, int mt)
{
	chain_unlink(m, &m->lhead[z][order][mt], &m->ltail[z][order][mt], (uint32_t)pfn);
}

/*
 * move_freelist_head() (mm/compaction.c): the blocks before pfn on its list go to the
 * tail, in their order, so that pfn heads the list and a later reverse walk meets the
 * blocks it skipped first.
 */
void model_list_move_head(struct mf_model *m, int z, int order, int mt, uint64_t pfn)
{
	uint32_t *h = &m->lhead[z][order][mt], *t = &m->ltail[z][order][mt];
	uint32_t p = (uint32_t)pfn, before = link_prev(m, p);

	if (before == LNONE)
		return;
	link_set_next(m, *t, *h);
	link_set_prev(m, *h, *t);
	*h = p;
	link_set_prev(m, p, LNONE);
	*t = before;
	link_set_next(m, before, LNONE);
}

/*
 * move_freelist_tail() (mm/compaction.c): pfn and the blocks before it on its list go to
 * the tail, in their order, so that a later forward walk meets the blocks after pfn first.
 */
void model_list_move_tail(struct mf_model *m, int z, int order, int mt, uint64_t pfn)
{
	uint32_t *h = &m->lhead[z][order][mt], *t = &m->ltail[z][order][mt];
	uint32_t p = (uint32_t)pfn, after = link_next(m, p);

	if (after == LNONE)
		return;
	link_set_next(m, *t, *h);
	link_set_prev(m, *h, *t);
	*h = after;
	link_set_prev(m, after, LNONE);
	*t = p;
	link_set_next(m, p, LNONE);
}

/* A free MOVABLE block of the order comes to (or leaves) its pageblock: pb_orders, pb_map */
static inline void pb_index_add(struct mf_model *m, uint64_t pfn, int order)
{
	if (!(*pb_order_count(m, pfn, order))++)
		*pb_map_word(m, pfn >> m->p.pageblock_order, order) |=
			1ULL << ((pfn >> m->p.pageblock_order) % 64);
}

static inline void pb_index_del(struct mf_model *m, uint64_t pfn, int order)
{
	if (!--(*pb_order_count(m, pfn, order)))
		*pb_map_word(m, pfn >> m->p.pageblock_order, order) &=
			~(1ULL << ((pfn >> m->p.pageblock_order) % 64));
}

static inline void add_free_at(struct mf_model *m, int z, uint64_t pfn, int order, int mt,
			       bool tail)
{
	*blk_at(m, pfn) = blk_make(order, mt, false);
	inblk_mark(m, pfn, order, true);
	m->nr_free[z][order][mt]++;
	if (mt == MF_MT_MOVABLE)
		pb_index_add(m, pfn, order);
	list_link(m, z, pfn, order, mt, tail);
}

/* expand() and the seed put blocks at the head */
static inline void add_free(struct mf_model *m, int z, uint64_t pfn, int order, int mt)
{
	add_free_at(m, z, pfn, order, mt, false);
}

static inline uint64_t *zone_cpu_pcp(struct mf_model *m, int z, int cpu)
{
	return &m->cpu_pcp_pages[(size_t)z * m->p.nr_cpus + cpu];
}

/* order_to_pindex(): HIGHATOMIC and CMA pages ride on the MOVABLE list */
size_t model_pcp_list(const struct mf_model *m, int z, int cpu, int order, int mt)
{
	int slot = order <= 3 ? order : 4;

	if (mt < 0 || mt >= MF_MT_PCPTYPES)
		mt = MF_MT_MOVABLE;
	return ((size_t)z * m->p.nr_cpus + cpu) * PCP_LISTS + (size_t)slot * MF_MT_PCPTYPES + mt;
}

static inline int pcp_cpu(const struct mf_model *m, uint64_t pfn)
{
	return *cpu_at(m, pfn) < m->p.nr_cpus ? *cpu_at(m, pfn) : m->p.nr_cpus - 1;
}

/*
 * free_frozen_page_commit() puts a freed page at the head of its list, rmqueue_bulk() a
 * refill's pages at the tail (tail true).  A block not chained (chain false) is counted on
 * the CPU's list but has no place in its order: pcp_passed_over() never passes it.
 */
static inline void add_pcp_at(struct mf_model *m, int z, uint64_t pfn, int order, int mt,
			      int cpu, bool tail, bool chain)
{
	size_t l;

	if (cpu < 0 || cpu >= m->p.nr_cpus)
		cpu = m->p.nr_cpus - 1;
	if (cpu > 255)
		cpu = 255;	/* what cpu_at() can hold; pcp_cpu() reads it back */
	*blk_at(m, pfn) = blk_make(order, mt, true);
	inblk_mark(m, pfn, order, true);
	*cpu_at(m, pfn) = (uint8_t)cpu;
	m->pcp_pages[z] += 1ULL << order;
	*zone_cpu_pcp(m, z, cpu) += 1ULL << order;
	if (!chain) {
		/* no neighbours: model_del_block() tells it from a chained block by that */
		link_set_next(m, (uint32_t)pfn, LNONE);
		link_set_prev(m, (uint32_t)pfn, LNONE);
		return;
	}
	l = model_pcp_list(m, z, cpu, order, mt);
	chain_link(m, &m->phead[l], &m->ptail[l], (uint32_t)pfn, tail);
}

/* The per-CPU block headed at pfn has its place on list l (add_pcp_at()'s chain). */
static inline bool pcp_chained(const struct mf_model *m, size_t l, uint64_t pfn)
{
	return link_next(m, (uint32_t)pfn) != LNONE || link_prev(m, (uint32_t)pfn) != LNONE ||
	       m->phead[l] == (uint32_t)pfn;
}

static inline void add_pcp(struct mf_model *m, int z, uint64_t pfn, int order, int mt, int cpu,
			   bool tail)
{
	add_pcp_at(m, z, pfn, order, mt, cpu, tail, true);
}

/* rmqueue_bulk(): a refill's block goes to the tail of its CPU's list */
static inline void add_pcp_refill(struct mf_model *m, int z, uint64_t pfn, int order, int mt,
				  int cpu)
{
	add_pcp(m, z, pfn, order, mt, cpu, true);
	m->refilled[pfn / 64] |= 1ULL << (pfn % 64);
}

/* Take the block headed at pfn off whichever list it is on. */
void model_del_block(struct mf_model *m, int z, uint64_t pfn)
{
	uint8_t b = *blk_at(m, pfn);
	int order = blk_order(b);

	if (b & BLK_PCP) {
		int cpu = pcp_cpu(m, pfn);
		size_t l = model_pcp_list(m, z, cpu, order, blk_mt(b));

		m->pcp_pages[z] -= 1ULL << order;
		*zone_cpu_pcp(m, z, cpu) -= 1ULL << order;
		m->refilled[pfn / 64] &= ~(1ULL << (pfn % 64));
		if (pcp_chained(m, l, pfn))
			chain_unlink(m, &m->phead[l], &m->ptail[l], (uint32_t)pfn);
		*comp_at(m, pfn) = 0;	/* no folio heads here (yet) */
	} else {
		m->nr_free[z][order][blk_mt(b)]--;
		if (blk_mt(b) == MF_MT_MOVABLE)
			pb_index_del(m, pfn, order);
		list_unlink(m, z, pfn, order, blk_mt(b));
	}
	inblk_mark(m, pfn, order, false);
	*blk_at(m, pfn) = 0;
}

/*
 * The head of the free or per-CPU block that contains pfn, or MF_PFN_NONE.  Blocks are
 * naturally aligned, so the candidates are pfn rounded down to each order.
 */
uint64_t model_find_block(const struct mf_model *m, uint64_t pfn)
{
	uint64_t h = pfn;
	int o = 0;

	if (!bit_test(m->inblk, pfn))
		return MF_PFN_NONE;

	/*
	 * Only the distinct candidates: rounding down to orders o..k gives the same head while
	 * bit k is its lowest set bit, so the next one is h without that bit, first seen at
	 * order k + 1 (a free probe per set low bit of pfn instead of one per order).
	 */
	for (;;) {
		uint8_t b = *blk_at(m, h);

		if (b && blk_order(b) >= o)
			return h;
		if (!h)
			return MF_PFN_NONE;
		o = __builtin_ctzll(h) + 1;
		if (o > m->p.max_order)
			return MF_PFN_NONE;
		h &= h - 1;
	}
}

/*
 * The order of the folio headed at pfn that an allocation made compound, or -1: none, or
 * one no longer whole (a page of it is free or on a per-CPU list: it was split and that
 * part freed, with no event for the split itself).
 */
int model_compound_order(const struct mf_model *m, uint64_t pfn)
{
	int c = *comp_at(m, pfn);

	if (c < 2 || *blk_at(m, pfn) || pfn + (1ULL << (c - 1)) > m->nr_pfns ||
	    !model_bits_all(m->inblk, pfn, 1ULL << (c - 1), false))
		return -1;
	return c - 1;
}

/*
 * Remove the block (head, order of blk[head]) and give back every part of it outside
 * [pfn, pfn + 2^order) to the same kind of list, as expand() does after
 * __rmqueue_smallest(): the halves not holding pfn go back one order lower each time.
 * remain_mt is the type the remainders are listed under.
 */
static void carve(struct mf_model *m, int z, uint64_t head, uint64_t pfn, int order, int remain_mt)
{
	uint8_t b = *blk_at(m, head);
	int high = blk_order(b);
	bool pcp = b & BLK_PCP;
	int cpu = *cpu_at(m, head);

	model_del_block(m, z, head);
	while (high > order) {
		uint64_t half;

		high--;
		half = 1ULL << high;
		if (pfn >= head + half) {
			if (pcp)
				add_pcp(m, z, head, high, remain_mt, cpu, false);
			else
				add_free(m, z, head, high, remain_mt);
			head += half;
		} else {
			if (pcp)
				add_pcp(m, z, head + half, high, remain_mt, cpu, false);
			else
				add_free(m, z, head + half, high, remain_mt);
		}
	}
}

void model_carve(struct mf_model *m, int z, uint64_t head, uint64_t pfn, int order)
{
	carve(m, z, head, pfn, order, blk_mt(*blk_at(m, head)));
}

/*
 * Set the type of the pageblocks covering [pfn, pfn + 2^order) and move the free blocks
 * inside to the new type's lists, as move_freepages_block() / change_pageblock_range() do
 * (move_to_free_list(): to the tail).
 */
static void retype_range(struct mf_model *m, int z, uint64_t pfn, int order, int mt)
{
	int pbo = m->p.pageblock_order;
	uint64_t start, end, p;

	pb_span(m, pfn, order, &start, &end);
	for (p = start; p < end; p += 1ULL << pbo)
		m->pb[p >> pbo] = (uint8_t)mt;	/* not PB_KNOWN: callers an event told mark it */
	for (p = start; p < end; p++) {
		uint8_t b = *blk_at(m, p);

		if (!b)
			continue;
		if (!(b & BLK_PCP) && blk_mt(b) != mt) {
			m->nr_free[z][blk_order(b)][blk_mt(b)]--;
			m->nr_free[z][blk_order(b)][mt]++;
			list_unlink(m, z, p, blk_order(b), blk_mt(b));
			list_link(m, z, p, blk_order(b), mt, true);
			if (blk_mt(b) == MF_MT_MOVABLE)
				pb_index_del(m, p, blk_order(b));
			else if (mt == MF_MT_MOVABLE)
				pb_index_add(m, p, blk_order(b));
			*blk_at(m, p) = blk_make(blk_order(b), mt, false);
		}
		p += (1ULL << blk_order(b)) - 1;
	}
}

static inline bool mt_mergeable(int mt)
{
	return mt < MF_MT_PCPTYPES;	/* migratetype_is_mergeable() */
}

/*
 * __free_one_page(): merge with the buddy while it is a free block of the same order in
 * the same zone.  From pageblock_order up, blocks of different types merge only when both
 * types are mergeable, and the buddy's pageblocks then take our type (v6.10+), so that the
 * merged block is homogeneous.  The result goes to the tail of its list when
 * buddy_merge_likely(): the block's buddy one order up (the buddy of pfn & ~2^order at
 * order + 1) is free, so that the block is likely to merge soon and should be taken last.
 * (Free page shuffling, off by default, would pick head or tail at random.)
 */
static void free_one_page(struct mf_model *m, int z, uint64_t pfn, int order, int mt)
{
	const struct mf_zone_desc *zd = &m->zones[z];
	int pbo = m->p.pageblock_order;
	bool to_tail = false;

	while (order < m->p.max_order) {
		uint64_t buddy = pfn ^ (1ULL << order);
		int buddy_mt;

		if (buddy < zd->start_pfn || buddy >= zd->end_pfn || !is_free_head(m, buddy, order))
			break;
		buddy_mt = blk_mt(*blk_at(m, buddy));
		if (order >= pbo) {
			buddy_mt = pb_mt(m, buddy);
			if (mt != buddy_mt && (!mt_mergeable(mt) || !mt_mergeable(buddy_mt)))
				break;
		}
		model_del_block(m, z, buddy);
		if (order >= pbo && buddy_mt != mt)
			retype_range(m, z, buddy, order, mt);
		pfn &= ~(1ULL << order);
		order++;
	}
	if (order < m->p.max_order - 1) {
		uint64_t higher = pfn & ~(1ULL << order), hb = higher ^ (1ULL << (order + 1));

		to_tail = hb >= zd->start_pfn && hb < zd->end_pfn && is_free_head(m, hb, order + 1);
	}
	add_free_at(m, z, pfn, order, mt, to_tail);
}

/*
 * free_one_page() -> split_large_buddy() (v6.10+): a block above pageblock_order goes in
 * as pageblock-sized chunks, each with its own pageblock's type, which then re-merge.
 */
void model_free_to_buddy(struct mf_model *m, int z, uint64_t pfn, int order)
{
	int pbo = m->p.pageblock_order;
	uint64_t end = pfn + (1ULL << order), p;

	/*
	 * Whatever frees the pages (an event, a drain the model did not expect, a repair), no
	 * folio heads at pfn any more; a merge may leave pfn inside a larger block.
	 */
	*comp_at(m, pfn) = 0;
	if (order <= pbo) {
		free_one_page(m, z, pfn, order, pb_mt(m, pfn));
		return;
	}
	for (p = pfn; p < end; p += 1ULL << pbo)
		free_one_page(m, z, p, pbo, pb_mt(m, p));
}

/* The next pfn in [from, to) holding a block head; to when none.  Skips zeros a word at a time. */
uint64_t model_next_head(const struct mf_model *m, uint64_t from, uint64_t to)
{
	while (from < to && (from & 7)) {
		if (*blk_at(m, from))
			return from;
		from++;
	}
	while (from + 8 <= to) {
		uint64_t w;

		memcpy(&w, blk_at(m, from), sizeof(w));	/* 8-aligned: inside one group */
		if (w)
			break;
		from += 8;
	}
	while (from < to && !*blk_at(m, from))
		from++;
	return from;
}

/* ---- held bitmap ------------------------------------------------------------------ */

static inline uint64_t held_update(struct mf_model *m, uint64_t pfn, uint64_t n, bool set)
{
	return model_bits_update(m->held, pfn, n, set);
}

/* ---- event handlers ---------------------------------------------------------------- */

static inline bool pcp_allowed(const struct mf_model *m, int order)
{
	/* pcp_allowed_order(): the cheap orders, and the THP order */
	return order <= 3 || order == m->p.pcp_high_order;
}

static inline bool valid_mt(int mt)
{
	return mt >= 0 && mt < MF_MAX_MT;
}

/*
 * In v6.10+ a block on free_list[mt] lies in a pageblock of type mt; when an event shows
 * another type, the model's guess for that pageblock was wrong (or a claim changed it
 * silently): follow the kernel.
 */
static void learn_pageblock(struct mf_model *m, int z, uint64_t pfn, int order, int mt)
{
	if (!valid_mt(mt))
		return;
	if (pb_mt(m, pfn) != mt) {
		m->fid.pageblock_retyped++;
		m->fid.pageblock_retyped_pages += 1ULL << (order > m->p.pageblock_order ? order :
							  m->p.pageblock_order);
		retype_range(m, z, pfn, order, mt);
	}
	pb_mark_known(m, pfn, order);
}

/*
 * Free pages the model still holds in [pfn, pfn + 2^order): the kernel just handed these
 * out or freed them, so they were not free after all (compaction's free scanner takes pages
 * without per-page events).  Take them off the lists; return how many pages that was.
 */
static uint64_t take_overlap(struct mf_model *m, int z, uint64_t pfn, int order, uint64_t *pcp)
{
	uint64_t end = pfn + (1ULL << order), head, taken = 0, p;

	*pcp = 0;
	head = model_find_block(m, pfn);
	if (head != MF_PFN_NONE) {
		uint8_t b = *blk_at(m, head);
		int bo = blk_order(b);

		if (bo >= order) {
			if (b & BLK_PCP)
				*pcp += 1ULL << order;
			else
				taken += 1ULL << order;
			carve(m, z, head, pfn, order, blk_mt(b));
			return taken;
		}
	}
	/* smaller blocks inside the range */
	if (model_bits_all(m->inblk, pfn, end - pfn, false))
		return 0;
	for (p = pfn; (p = model_next_head(m, p, end)) < end; ) {
		uint8_t b = *blk_at(m, p);
		uint64_t size;

		size = 1ULL << blk_order(b);
		if (b & BLK_PCP)
			*pcp += size;
		else
			taken += size;
		model_del_block(m, z, p);
		p += size;
	}
	return taken;
}

/*
 * The kernel took pages off its free lists that the model did not hold free.  Without a
 * start state, pages the trace never showed are simply unknown; a page the model knows to
 * be handed out, or any page once a capture said what was free, is a contradiction.
 */
static void not_free(struct mf_model *m, uint64_t pfn, int order)
{
	uint64_t i, n = 1ULL << order;
	bool held = false;

	for (i = 0; i < n && !held; i++)
		held = bit_test(m->held, pfn + i);
	if (m->seeded || held) {
		m->fid.alloc_not_free++;
		m->fid.alloc_not_free_pages += n;
	} else {
		m->fid.alloc_unknown++;
		m->fid.alloc_unknown_pages += n;
	}
}

/*
 * The kernel takes pages the model holds isolated for compaction: the free scanner
 * (isolate_freepages_block(), fast_isolate_freepages()) had not taken them, so the model's
 * pick was not the kernel's.  They are no longer isolated: a run must not give them back
 * to the buddy lists (release_block(), or a swap in model_on_lru_insert()) over the block
 * or allocation they are now part of.
 */
static void not_isolated(struct mf_model *m, uint64_t pfn, int order)
{
	ciso_update(m, pfn, 1ULL << order, false);
}

/*
 * [pfn, pfn + 2^order) is all in the model's ledger of isolated pages, not free in the
 * model, no migration target confirmed it and no open run still decides on it.
 */
static bool isolated_by_model(const struct mf_model *m, uint64_t pfn, int order)
{
	uint64_t n = 1ULL << order;

	return model_bits_count(m->ciso, pfn, n) == n && !model_bits_count(m->cconf, pfn, n) &&
	       model_find_block(m, pfn) == MF_PFN_NONE && !model_runs_cover(m, pfn);
}

/*
 * rmqueue_pcplist() holds the zone's per-CPU lock of its CPU from before rmqueue_bulk()
 * until it has its page, and mm_page_alloc comes after.  rmqueue_bulk() runs with
 * interrupts off; an interrupt pending at its end is taken inside that window, and a
 * softirq then frees on the same CPU and under the same task (RCU freeing page tables:
 * "1.Ns3." in trace-cmd report -l).  Preemption is off as long as the lock is held, so
 * an event of another task on the CPU means the lock is free again, as does the task's
 * mm_page_alloc.
 */
static void pcp_lock_note(struct mf_model *m, const struct mf_event *ev)
{
	int cpu = ev->cpu;

	if (cpu < 0 || cpu >= m->p.nr_cpus || !m->pcp_locked[cpu])
		return;
	if (ev->type == MF_EV_PAGE_ALLOC || ev->pid != m->pcp_locked_pid[cpu])
		m->pcp_locked[cpu] = 0;
}

static void pcp_lock_refill(struct mf_model *m, int z, const struct mf_event *ev)
{
	if (ev->cpu < 0 || ev->cpu >= m->p.nr_cpus)
		return;
	m->pcp_locked[ev->cpu] = (uint8_t)(z + 1);
	m->pcp_locked_pid[ev->cpu] = ev->pid;
}

/*
 * __free_frozen_pages() frees to buddy when pcp_spin_trylock() fails: a free that
 * interrupted its own CPU's refill of the zone's lists.
 */
static bool pcp_lock_held(const struct mf_model *m, int z, const struct mf_event *ev)
{
	return ev->cpu >= 0 && ev->cpu < m->p.nr_cpus && m->pcp_locked[ev->cpu] == z + 1;
}

static void on_zone_locked(struct mf_model *m, int z, const struct mf_event *ev)
{
	const struct mf_ev_zone_locked *e = &ev->zone_locked;
	uint64_t pfn = e->pfn, head;
	bool replace;

	/* __rmqueue_smallest() hands out the model's pick: the scanner had taken another */
	replace = isolated_by_model(m, pfn, e->order);

	not_isolated(m, pfn, e->order);
	if (replace)
		model_isolation_taken_back(m, z, pfn, e->order);
	head = model_find_block(m, pfn);
	if (head != MF_PFN_NONE && blk_order(*blk_at(m, head)) >= e->order) {
		if (*blk_at(m, head) & BLK_PCP) {
			m->fid.alloc_of_pcp_elsewhere++;
			m->fid.alloc_of_pcp_elsewhere_pages += 1ULL << e->order;
		}
		learn_pageblock(m, z, head, blk_order(*blk_at(m, head)), e->mt);
		carve(m, z, head, pfn, e->order, valid_mt(e->mt) ? e->mt : pb_mt(m, pfn));
	} else {
		uint64_t pcp;

		if (take_overlap(m, z, pfn, e->order, &pcp) == 0 && !pcp)
			not_free(m, pfn, e->order);
		learn_pageblock(m, z, pfn, e->order, e->mt);
	}
	/* rmqueue_bulk(): a refill parks the block on this CPU's list until mm_page_alloc */
	if (e->percpu_refill == 1 && pcp_allowed(m, e->order)) {
		add_pcp_refill(m, z, pfn, e->order, valid_mt(e->mt) ? e->mt : pb_mt(m, pfn), ev->cpu);
		pcp_lock_refill(m, z, ev);
	}
}

static void on_page_alloc(struct mf_model *m, int z, const struct mf_event *ev)
{
	const struct mf_ev_alloc *e = &ev->alloc;
	uint64_t pfn = e->pfn, head, n = 1ULL << e->order;

	not_isolated(m, pfn, e->order);
	head = model_find_block(m, pfn);
	if (head != MF_PFN_NONE && blk_order(*blk_at(m, head)) >= e->order) {
		/*
		 * From a per-CPU list, as expected for cheap orders; still in buddy means the
		 * removal event was lost (or never emitted), or compaction captured the block.
		 */
		if (!(*blk_at(m, head) & BLK_PCP)) {
			if (model_cc_captured(m, e->order)) {
				m->fid.cp_captured++;
				m->fid.cp_captured_pages += n;
			} else {
				m->fid.alloc_from_buddy++;
				m->fid.alloc_from_buddy_pages += n;
			}
		}
		carve(m, z, head, pfn, e->order, blk_mt(*blk_at(m, head)));
	} else if (e->order > 0) {
		uint64_t pcp, taken;

		if ((taken = take_overlap(m, z, pfn, e->order, &pcp))) {
			m->fid.alloc_from_buddy++;
			m->fid.alloc_from_buddy_pages += taken;
		}
	}
	if (held_update(m, pfn, n, true)) {
		m->fid.alloc_of_allocated++;
		m->fid.alloc_of_allocated_pages += n;
	}
	/*
	 * prep_compound_page() for __GFP_COMP (THP, large folios, slab, hugetlb): the free
	 * scanner steps over the folio whole.  A trace without gfp_flags: order > 0 is
	 * compound far more often than not.
	 */
	if (!*blk_at(m, pfn))
		*comp_at(m, pfn) = e->order > 0 && (!e->gfp || (e->gfp & MF_GFP_COMP)) ?
				   (uint8_t)(e->order + 1) : 0;
}

/*
 * free_frozen_page_commit(): cheap and THP orders go to this CPU's list unless the
 * pageblock is isolated; HIGHATOMIC and CMA pages ride on the MOVABLE list.
 */
void model_free_page(struct mf_model *m, int z, uint64_t pfn, int order, int cpu)
{
	int mt = pb_mt(m, pfn);

	/*
	 * Such a page takes no place in its list's order (pcp_passed_over()) where the model
	 * cannot be sure it is on that list: its pageblock's type is a guess no event has
	 * shown yet (the kernel's list is the type at the free), or a task inside
	 * compact_zone() freed it, which may be compaction_free() of a target whose
	 * migration failed: free_pages_prepare() emits the event, but the page goes back
	 * to cc->freepages, not to a list.
	 */
	if (pcp_allowed(m, order) && mt != MF_MT_ISOLATE)
		add_pcp_at(m, z, pfn, order, mt < MF_MT_PCPTYPES ? mt : MF_MT_MOVABLE, cpu, false,
			   pb_known(m, pfn) && !model_in_run(m));
	else
		model_free_to_buddy(m, z, pfn, order);
}

static void on_page_free(struct mf_model *m, int z, const struct mf_event *ev)
{
	const struct mf_ev_free *e = &ev->free;
	uint64_t pfn = e->pfn, taken, pcp;

	/* a page of a compaction run's cc->freepages: it stays isolated until the run ends */
	if (model_run_free(m, pfn, e->order, ev->cpu))
		return;
	held_update(m, pfn, 1ULL << e->order, false);
	ciso_update(m, pfn, 1ULL << e->order, false);
	model_bits_update(m->cconf, pfn, 1ULL << e->order, false);
	taken = take_overlap(m, z, pfn, e->order, &pcp);
	if (e->order == 0 && (m->passed[pfn / 64] & (1ULL << (pfn % 64)))) {
		m->passed[pfn / 64] &= ~(1ULL << (pfn % 64));
		if (taken) {
			/* pcp_passed_over() guessed buddy; alloc_pages_bulk() had taken it */
			m->fid.pcp_bulk_taken++;
			taken = 0;
		}
	}
	if (taken) {
		m->fid.free_of_free++;
		m->fid.free_of_free_pages += taken;
		/*
		 * The kernel had taken these pages silently.  Where its scanners took more
		 * than the model held free (short_credit), the model was left holding as many
		 * pages free that the kernel had in use, with no pick of its own in their
		 * place: such a free settles that, and no pick goes back.
		 */
		bool held_back = model_run_note_release(m, pfn, e->order);

		if (m->short_credit[z] >= taken)
			m->short_credit[z] -= taken;
		else if (!held_back)
			model_swap_isolation(m, z, pfn, e->order);
	}
	if (pcp) {
		m->fid.free_of_pcp++;
		m->fid.free_of_pcp_pages += pcp;
	}
	if (pcp_allowed(m, e->order) && pcp_lock_held(m, z, ev)) {
		m->fid.pcp_locked_frees++;
		model_free_to_buddy(m, z, pfn, e->order);
		return;
	}
	model_free_page(m, z, pfn, e->order, ev->cpu);
}

/*
 * free_pcppages_bulk() takes a list's last entry, the oldest: the drained block was the
 * tail of the kernel's list.  Blocks the model holds behind it, older on the same list,
 * were not on the kernel's, and left with no event of their own: either
 * __free_frozen_pages() put them into buddy at their free, because the pcp trylock failed
 * (another CPU's drain_all_pages() held this list's lock) or their pageblock was
 * isolated, or alloc_pages_bulk() took them.
 */
static void pcp_passed_over(struct mf_model *m, int z, uint64_t head)
{
	uint8_t b = *blk_at(m, head);
	size_t l = model_pcp_list(m, z, pcp_cpu(m, head), blk_order(b), blk_mt(b));
	uint32_t q = m->ptail[l];
	bool bulk = false;

	if (!pcp_chained(m, l, head))
		return;		/* no place in the order: nothing to say about the others */
	while (q != LNONE && q != (uint32_t)head) {
		uint32_t newer = link_prev(m, q);
		int order = blk_order(*blk_at(m, q)), mt = blk_mt(*blk_at(m, q));
		bool refilled = m->refilled[q / 64] & (1ULL << (q % 64));

		m->fid.pcp_passed_over++;
		m->fid.pcp_passed_over_pages += 1ULL << order;
		model_del_block(m, z, q);
		/*
		 * From the tail to the head: once a refill's page went with alloc_pages_bulk(),
		 * the newer ones passed over are taken to have gone with it.  The bulk
		 * allocation pops the list's head, so what lay in front of that page went
		 * first; a page freed after the bulk and still listed would have been drained
		 * before the drained block, which is newer.  A page the model listed before
		 * the refill (the kernel's list was empty then) may instead have gone to buddy
		 * at its free; the model cannot tell the two apart.  h41d: eleven movable
		 * pages the bulk-allocating task had freed just before were in use at the end,
		 * with the refill's pages behind them.
		 */
		if (order == 0 && refilled)
			bulk = true;
		if (order == 0 && (mt == MF_MT_UNMOVABLE || bulk)) {
			/*
			 * alloc_pages_bulk() takes order-0 pages from the head of a list and emits
			 * no mm_page_alloc; its callers (vmalloc: kernel stacks at fork, page_pool,
			 * sunrpc) ask for unmovable pages.  Taken that way, the page is in use.
			 * So is a page of any type a refill listed and no free put back since:
			 * only an allocation or a drain takes such a page off the list (a failed
			 * pcp trylock sends a page to buddy at its free, and it was never freed),
			 * and the drain would have named it.  h41d: 35 movable DMA32 pages a
			 * refill listed were gone from the list before drain_all_pages() emptied
			 * it, in use at the end (anon, mlocked), with no mm_page_alloc.
			 */
			held_update(m, q, 1, true);
			m->fid.pcp_bulk_taken++;
		} else {
			free_one_page(m, z, q, order, pb_mt(m, q));
			/*
			 * An order-0 movable page may yet have left with alloc_pages_bulk():
			 * if so, its free will show (on_page_free()).
			 */
			if (order == 0)
				m->passed[q / 64] |= 1ULL << (q % 64);
		}
		q = newer;
	}
}

static void on_pcpu_drain(struct mf_model *m, int z, const struct mf_event *ev)
{
	const struct mf_ev_pcpu_drain *e = &ev->pcpu_drain;
	uint64_t pfn = e->pfn, head;

	not_isolated(m, pfn, e->order);		/* it was on a per-CPU list */
	head = model_find_block(m, pfn);
	if (head == pfn && (*blk_at(m, head) & BLK_PCP) && blk_order(*blk_at(m, head)) == e->order) {
		/*
		 * The event's type is the pageblock's at the drain; the list is the type at
		 * the free.  Where the model's list differs, the model typed the pageblock
		 * wrong and its list's order says nothing.
		 */
		if (blk_mt(*blk_at(m, head)) == e->mt)
			pcp_passed_over(m, z, head);
		model_del_block(m, z, head);
	} else {
		uint64_t taken, pcp;

		taken = take_overlap(m, z, pfn, e->order, &pcp);
		if (!pcp && !taken) {
			if (held_update(m, pfn, 1ULL << e->order, false)) {
				m->fid.drain_not_pcp++;
				m->fid.drain_not_pcp_pages += 1ULL << e->order;
			} else {
				m->fid.drain_unknown++;
				m->fid.drain_unknown_pages += 1ULL << e->order;
			}
		} else if (taken) {
			m->fid.drain_not_pcp++;
			m->fid.drain_not_pcp_pages += taken;
		}
	}
	/* free_pcppages_bulk() re-reads the pageblock type: the event carries it */
	learn_pageblock(m, z, pfn, e->order, e->mt);
	free_one_page(m, z, pfn, e->order, valid_mt(e->mt) ? e->mt : pb_mt(m, pfn));
}

/*
 * mm_page_alloc_extfrag.  In v6.15+ a claim of a whole block (fallback_order >=
 * pageblock_order) and a single-block steal take the page off the lists without a
 * zone_locked event; a partial claim re-types the pageblock and then allocates through
 * __rmqueue_smallest (zone_locked came first, with the new type).
 */
static void on_extfrag(struct mf_model *m, int z, const struct mf_event *ev)
{
	const struct mf_ev_extfrag *e = &ev->extfrag;
	uint64_t pfn = e->pfn, head;
	int alloc_mt = e->mt, fb_order = e->fallback_order, fb_mt = e->fallback_mt;
	bool claim = e->change_ownership != 0;
	int pbo = m->p.pageblock_order;

	head = model_find_block(m, pfn);
	if (head != MF_PFN_NONE && !(*blk_at(m, head) & BLK_PCP) &&
	    blk_order(*blk_at(m, head)) >= e->order) {
		int remain = claim ? alloc_mt : (valid_mt(fb_mt) ? fb_mt : blk_mt(*blk_at(m, head)));

		if (claim && valid_mt(alloc_mt)) {
			/* try_to_claim_block(): the whole fallback block changes owner */
			retype_range(m, z, pfn, fb_order > pbo ? fb_order : pbo, alloc_mt);
			pb_mark_known(m, pfn, fb_order > pbo ? fb_order : pbo);
			m->fid.extfrag_claims++;
		}
		carve(m, z, head, pfn, e->order, remain);
		/* taken for a per-CPU refill (rmqueue_bulk) when the order is a cheap one */
		if (pcp_allowed(m, e->order) && alloc_mt < MF_MT_PCPTYPES) {
			add_pcp_refill(m, z, pfn, e->order, alloc_mt, ev->cpu);
			pcp_lock_refill(m, z, ev);
		}
		return;
	}
	if (claim && valid_mt(alloc_mt)) {
		if (pb_mt(m, pfn) != alloc_mt)
			retype_range(m, z, pfn, fb_order > pbo ? fb_order : pbo, alloc_mt);
		pb_mark_known(m, pfn, fb_order > pbo ? fb_order : pbo);
		m->fid.extfrag_claims++;
		return;
	}
	/* a steal of a page the model does not hold free */
	not_free(m, pfn, e->order);
}

/*
 * Every page event reads the held/inblk word of its pfn and the head byte of its frame
 * group, one random cache line each in arrays of megabytes: most of the model thread's
 * time on a page-cache trace was waiting for them.
 */
void mf_model_prefetch(const struct mf_model *m, const struct mf_event *ev)
{
	uint64_t pfn;

	switch (ev->type) {
	case MF_EV_PAGE_ALLOC:
	case MF_EV_PAGE_FREE:
	case MF_EV_ZONE_LOCKED:
	case MF_EV_PCPU_DRAIN:
		pfn = ev->page.pfn;
		break;
	case MF_EV_LRU_INSERT:
		pfn = ev->lru_insert.pfn;
		break;
	default:
		return;
	}
	if (pfn >= m->nr_pfns)
		return;
	__builtin_prefetch(bits_word(m->bits, pfn / 64), 1);
	__builtin_prefetch(&m->fg[pfn >> FG_SHIFT], 1);
	if (ev->type == MF_EV_ZONE_LOCKED || ev->type == MF_EV_PCPU_DRAIN) {
		/* the buddy lists: the block's (or its buddy's) links and pageblock counts */
		__builtin_prefetch(&m->link[pfn], 1);
		__builtin_prefetch(pb_order_count((struct mf_model *)m, pfn, 0), 1);
	}
}

void mf_model_apply(struct mf_model *m, const struct mf_event *ev)
{
	int z;

	if (ev->missed) {
		if (ev->missed == UINT32_MAX)
			m->fid.lost_unknown++;
		else
			m->fid.lost_events += ev->missed;
	}

	m->cur_pid = ev->pid;
	pcp_lock_note(m, ev);
	switch (ev->type) {
	case MF_EV_PAGE_ALLOC:
	case MF_EV_PAGE_FREE:
	case MF_EV_ZONE_LOCKED:
	case MF_EV_PCPU_DRAIN:
	case MF_EV_EXTFRAG:
		break;
	case MF_EV_CP_MIGRATEPAGES:
		model_on_migratepages(m, ev->pid, ev->migrate.nr_migrated);
		return;
	case MF_EV_CP_BEGIN:
		model_cc_event(m, ev);
		model_run_begin(m, ev->pid);
		return;
	case MF_EV_CP_TRY:
	case MF_EV_CP_KCOMPACTD_WAKE:
	case MF_EV_CP_ISOLATE_MIGRATE:
		model_cc_event(m, ev);
		return;
	case MF_EV_CP_END:
		model_run_end(m, ev->pid);
		return;
	case MF_EV_LRU_INSERT:
		if (!m->lru_seen)
			model_runs_lru_seen(m);
		m->lru_seen = true;
		if (ev->lru_insert.pfn == MF_PFN_NONE)
			return;
		z = zone_of(m, ev->lru_insert.pfn);
		if (z >= 0) {
			m->cur_pid = ev->pid;
			model_on_lru_insert(m, z, ev->lru_insert.pfn);
		}
		return;
	case MF_EV_CP_ISOLATE_FREE:
	case MF_EV_CP_FAST_ISOLATE_FREE: {
		const struct mf_ev_isolate *e = &ev->isolate;

		/*
		 * A fast search that took nothing still reorders the lists it visited; a free
		 * scan that took nothing from a window it walked pfn by pfn says the window
		 * held no free block.
		 */
		if (!e->nr_taken && ev->type != MF_EV_CP_FAST_ISOLATE_FREE &&
		    (!e->nr_scanned || e->nr_scanned != e->end_pfn - e->start_pfn))
			return;
		z = zone_of(m, ev->type == MF_EV_CP_ISOLATE_FREE ? e->start_pfn : e->end_pfn - 1);
		if (z < 0) {
			if (e->nr_taken)
				m->fid.pfn_out_of_range++;
			return;
		}
		if (e->nr_taken)
			m->fid.events_applied++;
		m->cur_pid = ev->pid;
		if (ev->type == MF_EV_CP_ISOLATE_FREE)
			model_on_isolate_free(m, z, e->start_pfn, e->end_pfn, e->nr_scanned,
					      e->nr_taken);
		else
			model_on_fast_isolate(m, z, e->start_pfn, e->end_pfn, e->nr_scanned,
					      e->nr_taken);
		return;
	}
	default:
		return;
	}

	if (ev->type == MF_EV_PAGE_ALLOC && ev->page.pfn == MF_PFN_NONE)
		return;		/* a failed allocation moves nothing */
	if (ev->page.order < 0 || ev->page.order > m->p.max_order) {
		m->fid.pfn_out_of_range++;
		return;
	}
	z = zone_of(m, ev->page.pfn);
	if (z < 0 || ev->page.pfn + (1ULL << ev->page.order) > m->zones[z].end_pfn ||
	    (ev->page.pfn & ((1ULL << ev->page.order) - 1))) {
		m->fid.pfn_out_of_range++;
		return;
	}
	m->fid.events_applied++;

	switch (ev->type) {
	case MF_EV_PAGE_ALLOC:
		on_page_alloc(m, z, ev);
		break;
	case MF_EV_PAGE_FREE:
		on_page_free(m, z, ev);
		break;
	case MF_EV_ZONE_LOCKED:
		on_zone_locked(m, z, ev);
		break;
	case MF_EV_PCPU_DRAIN:
		on_pcpu_drain(m, z, ev);
		break;
	case MF_EV_EXTFRAG:
		on_extfrag(m, z, ev);
		break;
	default:
		break;
	}
}

/* ---- seeding and queries ------------------------------------------------------------ */

void mf_model_retype_pageblock(struct mf_model *m, uint64_t pfn, int mt)
{
	int z = zone_of(m, pfn);

	if (z >= 0 && valid_mt(mt))
		retype_range(m, z, pfn, m->p.pageblock_order, mt);
}

void mf_model_clear(struct mf_model *m)
{
	int i;

	memset(m->fg, 0, (m->nr_pfns >> FG_SHIFT) * sizeof(*m->fg));
	memset(m->bits, 0, (m->nr_pfns / 64 + 1) * BITS_STRIDE * sizeof(uint64_t));
	memset(m->passed, 0, (m->nr_pfns / 64 + 1) * sizeof(uint64_t));
	memset(m->refilled, 0, (m->nr_pfns / 64 + 1) * sizeof(uint64_t));
	memset(m->ciso_pb, 0, ((m->nr_pfns >> m->p.pageblock_order) + 1) * sizeof(*m->ciso_pb));
	memset(m->pb_orders, 0, ((m->nr_pfns >> m->p.pageblock_order) + 1) *
	       ((size_t)m->p.max_order + 1) * sizeof(*m->pb_orders));
	memset(m->pb_map, 0, ((m->nr_pfns >> m->p.pageblock_order) / 64 + 1) *
	       ((size_t)m->p.max_order + 1) * sizeof(*m->pb_map));
	memset(m->nr_free, 0, sizeof(m->nr_free));
	memset(m->lhead, 0xff, sizeof(m->lhead));
	memset(m->ltail, 0xff, sizeof(m->ltail));
	memset(m->pcp_pages, 0, sizeof(m->pcp_pages));
	memset(m->cpu_pcp_pages, 0, (size_t)MF_MAX_ZONES * m->p.nr_cpus * sizeof(uint64_t));
	memset(m->pcp_locked, 0, (size_t)m->p.nr_cpus * sizeof(*m->pcp_locked));
	pcp_lists_empty(m);
	for (i = 0; i < m->nr_runs; i++) {
		m->runs[i].nr = 0;	/* their picks were cleared with the lists */
		pick_ix_reset(&m->runs[i].ix);
		m->runs[i].max_order = 0;
	}
	m->nr_guess = 0;	/* the ledger is empty: no guess stands any more */
	memset(m->short_credit, 0, sizeof(m->short_credit));	/* nor any shortfall */
	m->seeded = true;	/* what follows is a capture: everything not seeded is in use */
}

int mf_model_seed_free(struct mf_model *m, uint64_t pfn, int order)
{
	int z = zone_of(m, pfn);
	uint64_t pcp;

	if (z < 0 || order < 0 || order > m->p.max_order ||
	    pfn + (1ULL << order) > m->zones[z].end_pfn || (pfn & ((1ULL << order) - 1)))
		return -EINVAL;
	take_overlap(m, z, pfn, order, &pcp);
	add_free(m, z, pfn, order, pb_mt(m, pfn));
	m->seeded = true;
	return 0;
}

/* A folio of 2^order pages in use at pfn (a capture's compound head): see comp_at(). */
void mf_model_seed_compound(struct mf_model *m, uint64_t pfn, int order)
{
	if (order > 0 && order <= m->p.max_order && pfn + (1ULL << order) <= m->nr_pfns &&
	    !(pfn & ((1ULL << order) - 1)) && !*blk_at(m, pfn))
		*comp_at(m, pfn) = (uint8_t)(order + 1);
}

void mf_model_zone_nr_free(const struct mf_model *m, int zone, uint64_t *nr_free)
{
	int o;

	for (o = 0; o <= m->p.max_order; o++)
		nr_free[o] = area_nr_free(m, zone, o);
}

void mf_model_zone_nr_free_mt(const struct mf_model *m, int zone,
			      uint64_t nr_free_mt[MF_MAX_ORDERS][MF_MAX_MT])
{
	memcpy(nr_free_mt, m->nr_free[zone], sizeof(m->nr_free[zone]));
}

/*
 * pagetypeinfo's "Number of blocks type": pageblocks stepping from zone_start_pfn, those
 * without a page (pfn_to_online_page() NULL) left out
 */
void mf_model_zone_pageblocks_mt(const struct mf_model *m, int zone, uint64_t blocks[MF_MAX_MT])
{
	const struct mf_zone_desc *zd = &m->zones[zone];
	uint64_t pfn;

	memset(blocks, 0, MF_MAX_MT * sizeof(uint64_t));
	for (pfn = zd->start_pfn; pfn < zd->end_pfn && pfn < m->nr_pfns;
	     pfn += 1ULL << m->p.pageblock_order)
		if (!mf_model_pageblock_absent(m, pfn))
			blocks[pb_mt(m, pfn)]++;
}

uint64_t mf_model_zone_pcp_pages(const struct mf_model *m, int zone)
{
	return m->pcp_pages[zone];
}

uint64_t mf_model_cpu_pcp_pages(const struct mf_model *m, int cpu)
{
	uint64_t n = 0;
	int z;

	if (cpu < 0 || cpu >= m->p.nr_cpus)
		return 0;
	for (z = 0; z < m->nr_zones; z++)
		n += mf_model_zone_cpu_pcp_pages(m, z, cpu);
	return n;
}

uint64_t mf_model_zone_cpu_pcp_pages(const struct mf_model *m, int zone, int cpu)
{
	if (zone < 0 || zone >= m->nr_zones || cpu < 0 || cpu >= m->p.nr_cpus)
		return 0;
	return m->cpu_pcp_pages[(size_t)zone * m->p.nr_cpus + cpu];
}

void mf_model_for_each_block(const struct mf_model *m, int zone, mf_model_block_fn fn, void *priv)
{
	const struct mf_zone_desc *zd = &m->zones[zone];
	uint64_t p, end = zd->end_pfn < m->nr_pfns ? zd->end_pfn : m->nr_pfns;

	for (p = model_next_head(m, zd->start_pfn, end); p < end;
	     p = model_next_head(m, p + (1ULL << blk_order(*blk_at(m, p))), end))
		fn(priv, p, blk_order(*blk_at(m, p)), blk_mt(*blk_at(m, p)), *blk_at(m, p) & BLK_PCP);
}

uint64_t mf_model_last_free_block(const struct mf_model *m, uint64_t from, uint64_t to,
				  int min_order, int max_order, int mt)
{
	uint64_t p, last = MF_PFN_NONE;

	if (to > m->nr_pfns)
		to = m->nr_pfns;
	for (p = model_next_head(m, from, to); p < to;
	     p = model_next_head(m, p + (1ULL << blk_order(*blk_at(m, p))), to)) {
		uint8_t b = *blk_at(m, p);

		if (!(b & BLK_PCP) && blk_order(b) >= min_order && blk_order(b) <= max_order &&
		    blk_mt(b) == mt)
			last = p;
	}
	return last;
}
