// SPDX-License-Identifier: GPL-2.0
/*
 * The trace as the simulator's workload: which of our frames holds each page the traced
 * kernel handed out (t2s[] and the owners of used blocks), and the entry points the
 * workload calls per event (mf_sim_alloc(), mf_sim_free(), mf_sim_kernel_migrated(), the
 * kswapd, reclaim and kcompactd hooks).  The trace says what was asked for and freed; the
 * frames are chosen by the simulator.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

/* ---- the kernel's pfns and ours ------------------------------------------------------------ */

/* A bitmap over the kernel's pfns grown from old words to words, the new ones clear. */
static int grow_bits(uint64_t **bits, uint64_t old, uint64_t words)
{
	uint64_t *r = realloc(*bits, words * sizeof(*r));

	if (!r)
		return -1;
	memset(r + old, 0, (words - old) * sizeof(*r));
	*bits = r;
	return 0;
}

int sim_t2s_reserve(struct mf_sim *s, uint64_t end)
{
	uint64_t n = s->nr_t2s, i, old;
	uint32_t *t;

	if (end <= n)
		return 0;
	if (end >= OWNER_PENDING)
		return -1;
	while (n < end)
		n = n ? n * 2 : 1 << 20;
	if (n > OWNER_PENDING)
		n = OWNER_PENDING;
	t = realloc(s->t2s, n * sizeof(*t));
	if (!t)
		return -1;
	for (i = s->nr_t2s; i < n; i++)
		t[i] = NIL;
	s->t2s = t;
	/* the bitmaps over the same pfns (rclm, fdirty, fwrite); on failure nr_t2s stays */
	old = s->nr_t2s ? s->nr_t2s / 64 + 1 : 0;
	if (grow_bits(&s->rclm, old, n / 64 + 1) || grow_bits(&s->fdirty, old, n / 64 + 1) ||
	    grow_bits(&s->fwrite, old, n / 64 + 1))
		return -1;	/* t2s grown, nr_t2s not: the next call retries */
	s->nr_t2s = n;
	return 0;
}

/* The used block that covers pfn: its head, or MF_PFN_NONE. */
static uint64_t used_head(const struct mf_sim *s, uint64_t pfn)
{
	int k;

	if (st_kind(s->st[pfn]) == ST_USED)
		return pfn;
	if (st_kind(s->st[pfn]))
		return MF_PFN_NONE;
	for (k = 1; k <= s->max_order; k++) {
		uint64_t h = pfn & ~((1ULL << k) - 1);
		uint8_t v = s->st[h];

		if (st_kind(v)) {
			if (st_kind(v) == ST_USED && st_order(v) >= k)
				return h;
			return MF_PFN_NONE;
		}
	}
	return MF_PFN_NONE;
}

/* Is the kernel's pfn t the page that lives at frame sp? */
static inline bool owns(const struct mf_sim *s, uint32_t t, uint64_t sp)
{
	return !(t & OWNER_PENDING) && t < s->nr_t2s && s->t2s[t] == sp;
}

/*
 * The kernel's pfn of page i of the used block at pfn, whose owner is owner, or NIL.
 * A block's owner stands for all its pages (owner + i); a huge page that stood for the
 * kernel's 4K fallback pages (absorb()) holds them one by one: the owner of its page i
 * is in lnk[pfn + i], trusted only where t2s[] agrees.
 */
static uint32_t page_owner(const struct mf_sim *s, uint64_t pfn, uint32_t owner, uint64_t i)
{
	if (owner != NIL && owns(s, owner + (uint32_t)i, pfn + i))
		return owner + (uint32_t)i;
	if (i && owns(s, s->lnk[pfn + i], pfn + i))
		return s->lnk[pfn + i];
	return NIL;
}

/* Forget where the owners of the used block at pfn said its pages lived. */
static void unmap_owner(struct mf_sim *s, uint64_t pfn, int order)
{
	uint32_t owner = s->lnk[pfn], t;
	uint64_t i;

	if (owner & OWNER_PENDING)
		owner = NIL;
	if (owner == NIL && !order)
		return;
	for (i = 0; i < (1ULL << order); i++)
		if ((t = page_owner(s, pfn, owner, i)) != NIL)
			s->t2s[t] = NIL;
}

/*
 * split_page(): a used block becomes order-0 used pages with their own owners.  The
 * frames of a huge page that absorb() has not yet given a 4K page stand for no page of
 * the kernel's: they stay ours for the rest of the absorption, not compaction's to move.
 */
void sim_split_used(struct mf_sim *s, uint64_t pfn)
{
	uint8_t v = s->st[pfn];
	int order = st_order(v);
	uint32_t owner = s->lnk[pfn], t;
	bool absorbing = s->absorbing && pfn == s->absorb_pfn;
	uint64_t i;

	for (i = 0; i < (1ULL << order); i++) {
		t = owner == NIL || (owner & OWNER_PENDING) ? (i ? NIL : owner) : owner + (uint32_t)i;
		if (i && !owns(s, t, pfn + i) && owns(s, s->lnk[pfn + i], pfn + i))
			t = s->lnk[pfn + i];
		s->lnk[pfn + i] = t;
		s->st[pfn + i] = (uint8_t)(ST_USED | (v & ST_MOVABLE));
		if (absorbing && i >= s->absorb_next)
			s->st[pfn + i] &= (uint8_t)~ST_MOVABLE;
	}
}

static void free_used_block(struct mf_sim *s, uint64_t pfn, int cpu, bool stale)
{
	struct szone *z = sim_zone_of(s, pfn);
	int order = st_order(s->st[pfn]);
	uint32_t owner = s->lnk[pfn];

	/* a page waiting for its free after the kernel's compaction: it has had it */
	if (owner != NIL && (owner & OWNER_PENDING))
		s->pend[owner & ~OWNER_PENDING].spfn = NIL;
	unmap_owner(s, pfn, order);
	if (z && stale)
		sim_pcp_release(s, z, pfn, order, cpu);
	else if (z)
		sim_free_pages(s, z, pfn, order, cpu);
}

/* The frame lies in the huge page held for the kernel's second THP try or for absorb(). */
static bool held_thp(const struct mf_sim *s, uint64_t sp)
{
	uint64_t n;

	if (s->pcp_thp_order < 0)
		return false;		/* no THP order: nothing is held */
	n = 1ULL << s->pcp_thp_order;
	return (s->thp_retry_pending && s->thp_retry_pfn != MF_PFN_NONE &&
		sp - s->thp_retry_pfn < n) ||
	       (s->absorbing && sp - s->absorb_pfn < n && s->lnk[s->absorb_pfn] == NIL);
}

/*
 * Free what the simulator holds in [spfn, spfn + 2^order), splitting larger blocks; the
 * huge page held for the kernel (held_thp()) is not the trace's to free.
 */
static void free_range_as(struct mf_sim *s, uint64_t spfn, int order, int cpu, bool stale)
{
	uint64_t end = spfn + (1ULL << order), p, h;

	if (end > s->nr_pfns)
		end = s->nr_pfns;
	h = spfn < s->nr_pfns ? used_head(s, spfn) : MF_PFN_NONE;
	if (h != MF_PFN_NONE && h == spfn && st_order(s->st[h]) == order) {
		free_used_block(s, h, cpu, stale);
		return;
	}
	if (h != MF_PFN_NONE && (h < spfn || h + (1ULL << st_order(s->st[h])) > end))
		sim_split_used(s, h);
	for (p = spfn; p < end;) {
		uint8_t v = s->st[p];

		if (st_kind(v) == ST_USED && !(v & ST_ISOLATED)) {
			p += 1ULL << st_order(v);
			if (!held_thp(s, p - (1ULL << st_order(v))))
				free_used_block(s, p - (1ULL << st_order(v)), cpu, stale);
		} else if (st_kind(v)) {
			p += 1ULL << st_order(v);
		} else {
			p++;
		}
	}
}

static void free_range(struct mf_sim *s, uint64_t spfn, int order, int cpu)
{
	free_range_as(s, spfn, order, cpu, false);
}

/*
 * The pages of a folio (tpfn, order) the trace freed, each where its own mapping says it
 * lives; a mapping into the huge page held for the kernel (held_thp()) is stale, and
 * splitting it for a page would hand the kernel's huge page to the free lists.
 */
static void free_mapped_pages(struct mf_sim *s, uint64_t tpfn, int order, int cpu)
{
	uint64_t t;

	for (t = tpfn; t < tpfn + (1ULL << order) && t < s->nr_t2s; t++) {
		uint32_t q = s->t2s[t];

		if (q == T2S_FAILED || q == T2S_RECLAIMED || (q < s->nr_pfns && held_thp(s, q)))
			s->t2s[t] = NIL;
		else if (q < s->nr_pfns)
			free_range(s, q, 0, cpu);
	}
}

/*
 * The trace freed (tpfn, order), which lives at sp.  Our block there is that folio whole,
 * or a larger block of ours holding it (the kernel split its folio, we did not): the
 * range goes.  Else our compaction split the folio and moved its pages one by one
 * (sim_migrate_pages()), and its frames may now hold other folios' pages: each page goes
 * where its own mapping says it lives.  Freeing the range instead freed up to 1,800 pages
 * of other folios a run on the what-if recordings and left as many of this one in use.
 */
static void free_owned(struct mf_sim *s, uint64_t tpfn, uint64_t sp, int order, int cpu)
{
	uint64_t h = used_head(s, sp);

	if (h != MF_PFN_NONE && h + (1ULL << st_order(s->st[h])) >= sp + (1ULL << order)) {
		free_range(s, sp, order, cpu);
		return;
	}
	s->frees_split++;
	free_mapped_pages(s, tpfn, order, cpu);
}

uint64_t sim_owner_frame(const struct mf_sim *s, uint64_t tpfn, int order)
{
	uint32_t sp = tpfn < s->nr_t2s ? s->t2s[tpfn] : NIL;
	uint8_t v;

	if (sp >= s->nr_pfns)		/* NIL, failed or reclaimed */
		return MF_PFN_NONE;
	v = s->st[sp];
	if (st_kind(v) != ST_USED || (v & ST_ISOLATED) || st_order(v) != order ||
	    s->lnk[sp] != (uint32_t)tpfn)
		return MF_PFN_NONE;
	return sp;
}

void sim_reclaim_frame(struct mf_sim *s, uint64_t pfn, int cpu)
{
	uint32_t owner = s->lnk[pfn];
	uint64_t i, n = 1ULL << st_order(s->st[pfn]);

	free_used_block(s, pfn, cpu, false);
	if (owner == NIL || (owner & OWNER_PENDING))
		return;
	for (i = 0; i < n && owner + i < s->nr_t2s; i++)
		if (s->t2s[owner + i] == NIL)
			s->t2s[owner + i] = T2S_RECLAIMED;
}

static uint32_t pend_take(struct mf_sim *s, int order)
{
	struct slist *f = &s->pend_fifo[order];
	uint32_t i = f->head;

	if (i == NIL)
		return NIL;
	f->head = s->pend[i].next;
	if (f->head == NIL)
		f->tail = NIL;
	s->pend[i].next = s->pend_free;
	s->pend_free = i;
	return i;
}

static uint32_t pend_put(struct mf_sim *s, uint64_t spfn, int order)
{
	struct slist *f = &s->pend_fifo[order];
	uint32_t i;

	if (s->pend_free != NIL) {
		i = s->pend_free;
		s->pend_free = s->pend[i].next;
	} else {
		if (s->nr_pend == s->cap_pend) {
			uint32_t cap = s->cap_pend ? s->cap_pend * 2 : 4096;
			struct pending *p = realloc(s->pend, cap * sizeof(*p));

			if (!p)
				return NIL;
			s->pend = p;
			s->cap_pend = cap;
		}
		i = s->nr_pend++;
	}
	s->pend[i].spfn = (uint32_t)spfn;
	s->pend[i].next = NIL;
	if (f->tail == NIL)
		f->head = i;
	else
		s->pend[f->tail].next = i;
	f->tail = i;
	return i;
}

/* Compaction moved the used block at from to to: its owner follows. */
void sim_owner_moved(struct mf_sim *s, uint64_t from, uint64_t to, int order)
{
	uint32_t owner = s->lnk[from], t;
	uint64_t i;

	/* a huge page held by absorb() or for the kernel's second THP try: theirs too */
	if (order == s->pcp_thp_order && s->absorbing && from == s->absorb_pfn)
		s->absorb_pfn = to;
	if (order == s->pcp_thp_order && s->thp_retry_pending && from == s->thp_retry_pfn)
		s->thp_retry_pfn = to;
	s->lnk[to] = owner;
	if (owner != NIL && (owner & OWNER_PENDING)) {
		s->pend[owner & ~OWNER_PENDING].spfn = (uint32_t)to;
		return;
	}
	if (owner == NIL && !order)
		return;
	for (i = 0; i < (1ULL << order); i++) {
		if ((t = page_owner(s, from, owner, i)) == NIL)
			continue;
		s->t2s[t] = (uint32_t)(to + i);
		if (i && t != owner + i)
			s->lnk[to + i] = t;
	}
}

/* ---- the workload's entry points ---------------------------------------------------------- */

static inline int sim_cpu(const struct mf_sim *s, int cpu)
{
	return cpu >= 0 ? cpu % s->nr_cpus : 0;
}

static int gfp_migratetype(const struct mf_sim *s, uint64_t gfp)
{
	int mt = (int)((gfp & (GFP_RECLAIMABLE | GFP_MOVABLE)) >> 3);

	if (s->mobility_disabled)
		return MF_MT_UNMOVABLE;
	return mt >= MF_MT_PCPTYPES ? MF_MT_MOVABLE : mt;	/* both bits: invalid, as movable */
}

/*
 * The frames [tpfn, tpfn + 2^order) are the start capture's pages in use, untouched since
 * (the seed's identity, one page each: kpageflags shows no block on a per-CPU list).
 */
static bool seed_held_block(const struct mf_sim *s, uint64_t tpfn, int order)
{
	uint64_t i, n = 1ULL << order;

	if (tpfn + n > s->nr_t2s || tpfn + n > s->nr_pfns || (tpfn & (n - 1)))
		return false;
	for (i = 0; i < n; i++)
		if (!sim_seed_identity(s, tpfn + i) || (s->st[tpfn + i] & ST_ISOLATED) ||
		    st_order(s->st[tpfn + i]))
			return false;
	return true;
}

void mf_sim_frame_free(struct mf_sim *s, uint64_t tpfn, int order, int cpu)
{
	uint64_t i, n = 1ULL << (order < 0 ? 0 : order);

	if (tpfn >= s->nr_t2s)
		return;
	/*
	 * A block the kernel had on a per-CPU list when the trace began and hands out whole
	 * (rmqueue_pcplist() keeps a list per order up to PAGE_ALLOC_COSTLY_ORDER and at
	 * pageblock order): it goes back to our list of that order as one block, where the
	 * request that follows takes it.  Released page by page it went to the order-0 list,
	 * and the request took a block of the buddy allocator instead: the what-if
	 * recordings begin with up to 300,000 pages on Normal's per-CPU lists (the previous
	 * recording's hugetlb pool, freed to the pageblock-order lists), the pool raised at
	 * the start took 281 of its 10,944 blocks from them, and ours took those 281 from
	 * the buddy allocator, DMA32's once Normal stood at its watermark: 143,000 pages
	 * fewer free in DMA32 than the kernel's from then on (watermark_scale_factor_100-r5
	 * of whatif21), and kswapd woken 6 s early.
	 */
	if (order > 0 && seed_held_block(s, tpfn, order)) {
		s->stats.stale_released += n;
		for (i = 0; i < n; i++)
			s->t2s[tpfn + i] = NIL;
		sim_set_used(s, tpfn, order, false, NIL);
		free_range_as(s, tpfn, order, cpu, true);
		return;
	}
	for (i = 0; i < n && tpfn + i < s->nr_t2s; i++) {
		uint32_t sp = s->t2s[tpfn + i];

		if (sp == NIL)
			continue;
		s->t2s[tpfn + i] = NIL;
		if (sp == T2S_FAILED || sp == T2S_RECLAIMED)
			continue;
		s->stats.stale_released++;
		/* the kernel had it free all along: no CPU frees it (sim_pcp_release()) */
		free_range_as(s, sp, 0, cpu, true);
	}
}

/* The allocation context of a request: migratetype and highest zone from its gfp. */
static void init_ctx(const struct mf_sim *s, struct alloc_ctx *ac, int order, uint64_t gfp,
		     int cpu)
{
	memset(ac, 0, sizeof(*ac));
	ac->order = order;
	ac->gfp = gfp;
	ac->mt = gfp_migratetype(s, gfp);
	ac->hzi = sim_gfp_zone(gfp);
	ac->cpu = sim_cpu(s, cpu);
	ac->node = s->z[0].d.node;
	ac->tpfn = MF_PFN_NONE;
}

/*
 * A THP fault (do_huge_pmd_anonymous_page()): order HPAGE_PMD_ORDER, movable, compound,
 * __GFP_NOMEMALLOC (GFP_TRANSHUGE_LIGHT); hugetlb's pool allocations carry
 * __GFP_RETRY_MAYFAIL instead.
 */
static bool is_thp_fault(const struct mf_sim *s, const struct mf_sim_req *r)
{
	const uint64_t need = GFP_MOVABLE | GFP_COMP | GFP_NOMEMALLOC;

	return r->order == 9 && s->pcp_thp_order == 9 && (r->gfp & need) == need &&
	       !(r->gfp & GFP_RETRY_MAYFAIL);
}

/*
 * Was the traced fault's VMA madvised (VM_HUGEPAGE)?  What vma_thp_gfp_mask() made of
 * the traced thp_defrag tells for always (no __GFP_NORETRY), madvise and defer+madvise
 * (__GFP_DIRECT_RECLAIM); with thp_enabled=madvise every THP fault was madvised.  Else
 * (defer, never, or settings unknown) not madvised, counted as a guess.
 */
static bool thp_madvised(struct mf_sim *s, uint64_t gfp)
{
	if (s->c.traced.thp_enabled == MF_THP_MADVISE)
		return true;
	switch (s->c.traced.thp_defrag) {
	case MF_THP_DEFRAG_ALWAYS:
		return !(gfp & GFP_NORETRY);
	case MF_THP_DEFRAG_MADVISE:
	case MF_THP_DEFRAG_DEFER_MADVISE:
		return gfp & GFP_DIRECT_RECLAIM;
	default:
		s->thp_madv_guessed++;
		return false;
	}
}

/* vma_thp_gfp_mask() for thp_defrag d, on GFP_TRANSHUGE_LIGHT (light) */
static uint64_t thp_gfp(int d, bool madv, uint64_t light)
{
	switch (d) {
	case MF_THP_DEFRAG_ALWAYS:
		return light | GFP_DIRECT_RECLAIM | (madv ? 0 : GFP_NORETRY);
	case MF_THP_DEFRAG_DEFER:
		return light | GFP_KSWAPD_RECLAIM;
	case MF_THP_DEFRAG_DEFER_MADVISE:
		return light | (madv ? GFP_DIRECT_RECLAIM : GFP_KSWAPD_RECLAIM);
	case MF_THP_DEFRAG_MADVISE:
		return light | (madv ? GFP_DIRECT_RECLAIM : 0);
	}
	return light;
}

/*
 * A THP fault under the config's thp_enabled and thp_defrag: false when the config
 * would not have tried a THP (thp_enabled never, or madvise for a VMA that was not
 * madvised), so the fault takes 4K pages; else *gfp is the config's
 * vma_thp_gfp_mask().  Faults the traced kernel served with 4K pages without trying a
 * THP are not in the trace as THP faults: a config cannot add them.
 */
static bool thp_config(struct mf_sim *s, const struct mf_sim_req *r, uint64_t *gfp)
{
	bool madv;

	*gfp = r->gfp;
	if (!is_thp_fault(s, r))
		return true;
	s->thp_faults++;
	if (s->c.thp_enabled == MF_SIM_KEEP && s->c.thp_defrag == MF_SIM_KEEP)
		return true;
	if (s->c.thp_enabled == MF_THP_NEVER) {
		s->thp_as_4k++;
		return false;
	}
	madv = thp_madvised(s, r->gfp);
	if (s->c.thp_enabled == MF_THP_MADVISE && !madv) {
		s->thp_as_4k++;
		return false;
	}
	if (s->c.thp_defrag != MF_SIM_KEEP) {
		*gfp = thp_gfp(s->c.thp_defrag, madv,
			       r->gfp & ~(GFP_DIRECT_RECLAIM | GFP_KSWAPD_RECLAIM | GFP_NORETRY));
		s->thp_regfp += *gfp != r->gfp;
	}
	return true;
}

static void alloc_one(struct mf_sim *s, const struct mf_sim_req *r);

/*
 * do_anonymous_page() after a THP fault fell back: the region's 4K pages, one request
 * each at tpfn + i, freed page by page when the trace frees the THP.
 */
static void alloc_4k(struct mf_sim *s, const struct mf_sim_req *r, uint64_t gfp)
{
	struct mf_sim_req q = *r;
	uint64_t i;

	q.order = 0;
	q.gfp = gfp & ~(GFP_COMP | GFP_NOMEMALLOC | GFP_NORETRY);
	q.gfp |= GFP_DIRECT_RECLAIM | GFP_KSWAPD_RECLAIM;
	s->in_4k = true;		/* the trace's request, not 512 of them */
	for (i = 0; i < (1ULL << r->order); i++) {
		q.tpfn = r->tpfn == MF_PFN_NONE ? MF_PFN_NONE : r->tpfn + i;
		alloc_one(s, &q);
	}
	s->in_4k = false;
}

/*
 * nr_hugepages above the capture's pool: set_max_huge_pages() grows the pool at once,
 * one alloc_pool_huge_folio() at a time with htlb_alloc_mask() (GFP_HIGHUSER, compound,
 * __GFP_RETRY_MAYFAIL, __GFP_NOWARN, __GFP_THISNODE) until a page cannot be had.  The
 * pages are hugetlb's for the whole simulation: compaction does not move them.  A pool
 * below the capture's is not modelled (which captured pages are hugetlb's is not kept).
 */
void sim_hugetlb_pool(struct mf_sim *s)
{
	const uint64_t gfp = GFP_DIRECT_RECLAIM | GFP_KSWAPD_RECLAIM | GFP_IO | (1ULL << 7) |
			     (1ULL << 20) | GFP_HIGHMEM | GFP_COMP | GFP_RETRY_MAYFAIL |
			     GFP_NOWARN | (1ULL << 21);
	struct alloc_ctx ac;
	uint64_t pfn;
	int64_t want;

	if (s->c.nr_hugepages == MF_SIM_KEEP || s->pcp_thp_order != 9)
		return;
	want = (int64_t)s->c.nr_hugepages - (s->c.traced.nr_hugepages > 0 ?
					     s->c.traced.nr_hugepages : 0);
	for (; want > 0; want--) {
		init_ctx(s, &ac, 9, gfp, 0);
		s->cur_cpu = ac.cpu;
		pfn = sim_alloc_pages(s, &ac);
		if (pfn == MF_PFN_NONE)
			break;
		sim_set_used(s, pfn, 9, false, NIL);
		s->hugetlb_taken++;
	}
	s->hugetlb_short = want > 0 ? (uint64_t)want : 0;
}

void mf_sim_alloc(struct mf_sim *s, const struct mf_sim_req *r)
{
	struct mf_sim_req q;

	if (r->order < 0 || r->order >= MF_MAX_ORDERS)
		return;
	/* a new page at those pfns: on no LRU list until the trace inserts it */
	if (r->tpfn != MF_PFN_NONE) {
		sim_tbits_clear(s, s->rclm, r->tpfn, 1ULL << r->order);
		sim_tbits_clear(s, s->fdirty, r->tpfn, 1ULL << r->order);
		sim_tbits_clear(s, s->fwrite, r->tpfn, 1ULL << r->order);
		/* a large folio for a write (grab_cache_page_write_begin(): FGP_WRITE) */
		if ((r->gfp & GFP_WRITE) && r->order > 0)
			sim_tbit_set(s, s->fwrite, r->tpfn, true);
	}
	q = *r;
	if (!thp_config(s, r, &q.gfp)) {
		s->stats.requests[r->order]++;
		if (r->tpfn != MF_PFN_NONE)	/* a failed THP fault's 4K pages are in the trace */
			alloc_4k(s, r, q.gfp);
		return;
	}
	alloc_one(s, &q);
}

/*
 * What became of a request the simulator served at pfn (MF_PFN_NONE: failed), against
 * what the kernel did: a failure marks the kernel's frames (their frees are no
 * workload's), a block the kernel did not get goes back at once (the kernel's caller
 * fell back to something else), else the kernel's frames map to the simulator's.
 */
/*
 * A THP fault the kernel failed and the simulator served: the kernel's fault fell back to
 * do_anonymous_page(), and the next 4K faults of the same task filled the 2 MiB region
 * one page at a time.  The simulator's huge page is that region: the next movable order-0
 * requests on the fault's CPU (up to the huge page's size, until the next THP fault) are
 * its pages, the trace's frees of them free parts of it (free_range() splits it).
 */
static void absorb_end(struct mf_sim *s)
{
	uint64_t n = 1ULL << s->pcp_thp_order;

	if (!s->absorbing)
		return;
	for (; s->absorb_next < n; s->absorb_next++)
		free_range(s, s->absorb_pfn + s->absorb_next, 0, s->absorb_cpu);
	s->absorbing = false;
}

static bool absorb(struct mf_sim *s, const struct mf_sim_req *r)
{
	uint64_t sp, h;

	if (!s->absorbing || r->order || !(r->gfp & GFP_MOVABLE) ||
	    r->tpfn == MF_PFN_NONE || sim_cpu(s, r->cpu) != s->absorb_cpu)
		return false;
	mf_sim_frame_free(s, r->tpfn, 0, sim_cpu(s, r->cpu));
	sp = s->absorb_pfn + s->absorb_next;
	h = used_head(s, sp);
	if (h != s->absorb_pfn && h != sp) {	/* not ours any more: cannot happen */
		absorb_end(s);
		return false;
	}
	s->absorb_next++;
	/*
	 * The page's owner is its own (page_owner()), so that it follows the page through a
	 * split of the huge page and compaction; a split-off frame is movable from now on.
	 */
	if (!sim_t2s_reserve(s, r->tpfn + 1)) {
		s->t2s[r->tpfn] = (uint32_t)sp;
		s->lnk[sp] = (uint32_t)r->tpfn;
	}
	if (h == sp && !st_order(s->st[sp]))
		s->st[sp] |= ST_MOVABLE;
	s->thp_absorbed++;
	if (s->absorb_next == 1ULL << s->pcp_thp_order)
		s->absorbing = false;
	return true;
}

/*
 * A compound page of a pageblock or more that the trace allocates and that is no THP fault
 * (a hugetlb pool page) takes its pageblocks skipped, as the kernel's most likely were: no
 * capture shows the bits, and nothing clears them while such a page holds the block
 * (__reset_isolation_pfn() leaves a block alone when pageblock_skip_persistent()), so the
 * bits a pool's blocks got when scanned outlive the pool, and a pool raised again lands on
 * them.  In the what-if recordings the kernel's direct free scanner scanned 2 to 86 of the
 * about 11,000 pool blocks per recording (default-r7 of 10a, r3 of 10b and 13h, r2 of 15):
 * it passed over the rest.  Ours found them clear and scanned each, 512 pfns a block
 * (13.7 M free pfns scanned in 14h's default-r7 against the kernel's 0.9 M), and its
 * linear scans went on down where the kernel's stopped.  A THP fault's block is left as
 * compaction made it (the migrate scanner's test_and_set_skip() already marked a block it
 * emptied).
 */
static void stale_skip(struct mf_sim *s, uint64_t pfn, int order)
{
	uint64_t p;

	for (p = pfn; p < pfn + (1ULL << order); p += pageblock_nr_pages(s))
		pb_set_skip(s, p, true);
}

static void settle(struct mf_sim *s, const struct mf_sim_req *r, uint64_t pfn, int cpu)
{
	uint64_t i, n = 1ULL << r->order;
	bool kernel_failed = r->tpfn == MF_PFN_NONE;

	if (kernel_failed && pfn != MF_PFN_NONE && is_thp_fault(s, r)) {
		s->kfail_served++;
		sim_set_used(s, pfn, r->order, true, NIL);
		absorb_end(s);
		s->absorbing = true;
		s->absorb_pfn = pfn;
		s->absorb_next = 0;
		s->absorb_cpu = cpu;
		return;
	}
	if (pfn == MF_PFN_NONE) {
		s->stats.failures[r->order]++;
		if (!kernel_failed && is_thp_fault(s, r)) {
			/*
			 * do_huge_pmd_anonymous_page() fell back to do_anonymous_page(): the
			 * task touches the region the kernel mapped huge all the same, 4K at a
			 * time.  Without these pages the simulated zones kept up to 40,000
			 * pages more free than the kernel's in a THP phase (78 huge pages in
			 * watermark_scale_factor_100-r3 of the what-if recordings), and
			 * compaction_suitable() passed where the kernel's skipped.
			 */
			absorb_end(s);
			s->thp_fallback++;
			alloc_4k(s, r, r->gfp);
			return;
		}
		if (!kernel_failed && !sim_t2s_reserve(s, r->tpfn + n))
			for (i = 0; i < n; i++)
				s->t2s[r->tpfn + i] = T2S_FAILED;
	} else if (kernel_failed) {
		s->kfail_served++;
		sim_set_used(s, pfn, r->order, false, NIL);
		sim_free_pages(s, sim_zone_of(s, pfn), pfn, r->order, cpu);
	} else {
		/*
		 * Where the simulated layout still follows the traced one: a request served
		 * at the kernel's own frames keeps it, one served elsewhere leaves it, and
		 * the frees, list orders and scanner walks after it part ways too.
		 */
		s->stats.placed++;
		s->stats.placed_as_traced += pfn == r->tpfn;
		if (sim_t2s_reserve(s, r->tpfn + n)) {
			sim_set_used(s, pfn, r->order, r->gfp & GFP_MOVABLE, NIL);
		} else {
			sim_set_used(s, pfn, r->order, r->gfp & GFP_MOVABLE, (uint32_t)r->tpfn);
			for (i = 0; i < n; i++)
				s->t2s[r->tpfn + i] = (uint32_t)(pfn + i);
		}
	}
	if (pfn != MF_PFN_NONE && !kernel_failed && r->order >= s->pbo && (r->gfp & GFP_COMP) &&
	    !is_thp_fault(s, r))
		stale_skip(s, pfn, r->order);
}

/*
 * alloc_pages_mpol(): a THP fault first tries the local node only, __GFP_THISNODE |
 * __GFP_NORETRY (compaction, no reclaim), and when that fails and the VMA's gfp allows
 * direct reclaim, tries again with the VMA's gfp.  The trace has the second request
 * only where the kernel's first failed.  Where both first tries failed, the simulator
 * makes its second try at the kernel's second request, which carries the direct
 * reclaim the kernel's try made (and the per-CPU drain a reclaim with progress brings,
 * __alloc_pages_direct_reclaim()); made at once, it knew of no reclaim, compacted at
 * DEF_COMPACT_PRIORITY, failed and deferred where the kernel's reclaim and drain had
 * served the fault.  Where only the simulator's first try failed, no second request
 * follows: it tries again at once, on its own reclaim.
 */
static bool thp_local_try(const struct mf_sim *s, const struct mf_sim_req *r)
{
	const uint64_t local = GFP_THISNODE | GFP_NORETRY;

	return is_thp_fault(s, r) && (r->gfp & local) == local && (r->gfp & GFP_DIRECT_RECLAIM);
}

static void thp_retry_settle(struct mf_sim *s, const struct mf_sim_req *r, int cpu)
{
	struct mf_sim_req q = *r;

	s->thp_retry_pending = false;
	if (r->tpfn != MF_PFN_NONE)
		mf_sim_frame_free(s, r->tpfn, r->order, cpu);
	q.order = s->pcp_thp_order;
	settle(s, &q, s->thp_retry_pfn, cpu);
}

/* alloc_pages_mpol()'s second try of the local try r, with the VMA's own gfp */
static uint64_t thp_second_try(struct mf_sim *s, const struct mf_sim_req *r)
{
	struct alloc_ctx ac;

	init_ctx(s, &ac, r->order, r->gfp & ~(GFP_THISNODE | GFP_NORETRY), r->cpu);
	ac.tpfn = r->tpfn;
	s->cur_cpu = ac.cpu;
	s->thp_second_tries++;
	return sim_alloc_pages(s, &ac);
}

/*
 * The pending second try is owed (ours waits for the kernel's second request) where our
 * first try served nothing: a first try that served holds its huge page until then.
 */
static bool thp_retry_owed(const struct mf_sim *s)
{
	return s->thp_retry_pending && s->thp_retry_pfn == MF_PFN_NONE;
}

static void alloc_one(struct mf_sim *s, const struct mf_sim_req *r)
{
	struct alloc_ctx ac;
	uint64_t pfn, i, n;
	bool kernel_failed = r->tpfn == MF_PFN_NONE, local = thp_local_try(s, r);
	bool second = false;

	mf_sim_tick(s, r->ts);
	if (s->absorbing) {
		if (absorb(s, r))
			return;
		if (is_thp_fault(s, r) && !s->thp_retry_pending)
			absorb_end(s);
	}
	if (s->thp_retry_pending) {
		if (is_thp_fault(s, r) && !local) {	/* the kernel's second try */
			if (!thp_retry_owed(s)) {	/* ours was served by its first */
				thp_retry_settle(s, r, sim_cpu(s, r->cpu));
				sim_deferred_work(s);
				return;
			}
			s->thp_retry_pending = false;
			second = true;
		} else if (local) {	/* no second try followed: the kernel's fault fell back */
			struct mf_sim_req f = *r;

			if (thp_retry_owed(s)) {
				s->thp_retry_pfn = thp_second_try(s, &s->thp_retry_req);
				if (s->thp_retry_pfn != MF_PFN_NONE)
					sim_set_used(s, s->thp_retry_pfn, r->order, true, NIL);
			}
			f.tpfn = MF_PFN_NONE;
			thp_retry_settle(s, &f, sim_cpu(s, r->cpu));
		}
	}
	if (!s->in_4k && !second)
		s->stats.requests[r->order]++;
	if (kernel_failed && !second)
		s->stats.kernel_failed[r->order]++;
	n = 1ULL << r->order;
	if (!kernel_failed)
		mf_sim_frame_free(s, r->tpfn, r->order, sim_cpu(s, r->cpu));
	if (r->order > s->max_order) {
		s->stats.failures[r->order]++;
		if (!kernel_failed && !sim_t2s_reserve(s, r->tpfn + n))
			for (i = 0; i < n; i++)
				s->t2s[r->tpfn + i] = T2S_FAILED;
		return;
	}
	init_ctx(s, &ac, r->order, r->gfp, r->cpu);
	ac.reclaim_rounds = r->reclaim_rounds;
	ac.tpfn = r->tpfn;
	s->cur_cpu = ac.cpu;
	s->thp_second_tries += second;
	pfn = sim_alloc_pages(s, &ac);
	if (local && pfn == MF_PFN_NONE && kernel_failed) {	/* tried at the kernel's second */
		s->thp_retry_pending = true;
		s->thp_retry_pfn = MF_PFN_NONE;		/* owed */
		s->thp_retry_req = *r;
		sim_deferred_work(s);
		return;
	}
	if (local && pfn == MF_PFN_NONE)
		pfn = thp_second_try(s, r);
	if (local && kernel_failed) {	/* served (failed: owed, above); settled next */
		sim_set_used(s, pfn, r->order, true, NIL);
		s->thp_retry_pending = true;
		s->thp_retry_pfn = pfn;
	} else {
		settle(s, r, pfn, ac.cpu);
	}
	sim_deferred_work(s);
}

void mf_sim_free(struct mf_sim *s, uint64_t ts, uint64_t tpfn, int order, int cpu)
{
	uint32_t sp;

	if (order < 0 || order >= MF_MAX_ORDERS)
		return;
	mf_sim_tick(s, ts);
	cpu = sim_cpu(s, cpu);
	sp = tpfn < s->nr_t2s ? s->t2s[tpfn] : NIL;
	if (sp == NIL) {
		/* a page the kernel's compaction moved: the oldest waiting of that order */
		uint32_t e = pend_take(s, order);
		uint64_t i, n = 1;

		if (e == NIL && order > 0 && (e = pend_take(s, 0)) != NIL)
			n = 1ULL << order;	/* or its pages, if it was split on our side */
		if (e == NIL) {
			s->stats.frees_unmatched++;
			return;
		}
		s->stats.frees_after_migration++;
		for (i = 0; i < n && e != NIL; i++, e = i < n ? pend_take(s, 0) : NIL) {
			sp = s->pend[e].spfn;
			if (sp != NIL && st_kind(s->st[sp]) == ST_USED && !(s->st[sp] & ST_ISOLATED)) {
				s->lnk[sp] = NIL;
				free_used_block(s, sp, cpu, false);
			}
		}
	} else if (sp == T2S_FAILED || sp == T2S_RECLAIMED) {
		uint64_t i, n = 0;

		/* failed by us, or reclaimed by our kswapd before the workload let it go */
		for (i = 0; i < (1ULL << order) && tpfn + i < s->nr_t2s; i++)
			if (s->t2s[tpfn + i] == sp) {
				s->t2s[tpfn + i] = NIL;
				n++;
			}
		if (sp == T2S_FAILED) {
			s->stats.frees_of_failed++;
			return;
		}
		/*
		 * The kernel lets go of a page ours reclaimed before it: free on both sides
		 * now, so it no longer counts in our lead (reclaim_ahead), and a later
		 * kswapd free of another page is the kernel's reclaim, not ours done
		 * already.  The pool's order follows the kernel's LRU closely: in a
		 * watermark_scale_factor=100 recording 9,183 of the traced kswapd's 10,931
		 * frees were pages ours had reclaimed, and the lead they left standing kept
		 * 26,486 other pages the kernel freed in use here.
		 */
		s->reclaim_freed_later += n;
		s->reclaim_ahead -= s->reclaim_ahead < n ? s->reclaim_ahead : n;
		return;
	} else if (order > 0 && st_kind(s->st[sp]) == ST_USED && !st_order(s->st[sp]) &&
		   s->lnk[sp] == (uint32_t)tpfn && tpfn + 1 < s->nr_t2s &&
		   s->t2s[tpfn + 1] != sp + 1) {
		/* a THP fault the config served with 4K pages (alloc_4k()): each page */
		s->stats.frees++;
		free_mapped_pages(s, tpfn, order, cpu);
	} else if (held_thp(s, sp)) {
		uint64_t i;

		/* a stale mapping into the huge page we hold for the kernel: not its page */
		s->stats.frees_unmatched++;
		for (i = 0; i < (1ULL << order) && tpfn + i < s->nr_t2s; i++)
			s->t2s[tpfn + i] = NIL;
	} else {
		s->stats.frees++;
		free_owned(s, tpfn, sp, order, cpu);
	}
	sim_deferred_work(s);
}

/*
 * The trace's kswapd freed (tpfn, order).  Where the simulated kswapd has reclaimed that
 * much beyond the trace's already, the page stays in use here (it was ours to reclaim
 * instead: reclaimed pages are interchangeable) and may be reclaimed later; else it is
 * a free, and reclaim done for the simulated kswapd if it runs.
 */
void mf_sim_reclaim_free(struct mf_sim *s, uint64_t ts, uint64_t tpfn, int order, int cpu,
			 int node)
{
	uint64_t sp, n = 1ULL << (order < 0 ? 0 : order);

	if (order < 0 || order >= MF_MAX_ORDERS)
		return;
	sim_dirty_reclaimed(s, tpfn);
	sp = sim_owner_frame(s, tpfn, order);
	if (sp == MF_PFN_NONE || !(s->st[sp] & ST_MOVABLE)) {
		uint64_t moved = s->stats.frees_after_migration;

		/*
		 * Not a page of ours on an LRU (slab a shrinker freed, ...): a plain free.
		 * A page the kernel's compaction had moved (ours waits for its free, see
		 * mf_sim_free()) was on an LRU list all the same: reclaim, and progress for
		 * our kswapd (6,495 of the 24,194 pages the traced kswapd freed in one
		 * default recording).
		 */
		mf_sim_free(s, ts, tpfn, order, cpu);
		if (s->stats.frees_after_migration != moved)
			sim_kswapd_credit(s, node, n);
		return;
	}
	mf_sim_tick(s, ts);
	if (s->reclaim_ahead >= n && !sim_lru_add(s, tpfn, order)) {
		sim_tbit_set(s, s->rclm, tpfn, true);
		s->reclaim_ahead -= n;
		s->reclaim_absorbed += n;
		sim_deferred_work(s);
		return;
	}
	sim_kswapd_credit(s, node, n);
	mf_sim_free(s, ts, tpfn, order, cpu);
}

void mf_sim_kernel_migrated(struct mf_sim *s, uint64_t tpfn, int order)
{
	uint64_t h, i;
	uint32_t sp, e;

	if (tpfn >= s->nr_t2s || order < 0 || order >= MF_MAX_ORDERS)
		return;
	sp = s->t2s[tpfn];
	if (sp == NIL)
		return;
	if (sp == T2S_FAILED || sp == T2S_RECLAIMED) {
		s->t2s[tpfn] = NIL;
		return;
	}
	h = used_head(s, sp);
	if (h == MF_PFN_NONE)
		return;
	s->stats.kernel_migrations++;
	if (h == sp && st_order(s->st[h]) == order) {
		unmap_owner(s, h, order);
		e = pend_put(s, h, order);
		s->lnk[h] = e == NIL ? NIL : OWNER_PENDING | e;
		return;
	}
	/* not one block of ours: each of its pages waits, as a page of order 0 */
	for (i = 0; i < (1ULL << order) && tpfn + i < s->nr_t2s; i++) {
		uint32_t p = s->t2s[tpfn + i];

		if (p >= s->nr_pfns || (h = used_head(s, p)) == MF_PFN_NONE) {
			s->t2s[tpfn + i] = NIL;
			continue;
		}
		if (st_order(s->st[h]))
			sim_split_used(s, h);
		unmap_owner(s, p, 0);
		s->t2s[tpfn + i] = NIL;
		e = pend_put(s, p, 0);
		s->lnk[p] = e == NIL ? NIL : OWNER_PENDING | e;
	}
}

void mf_sim_manual_compact(struct mf_sim *s, uint64_t ts, uint64_t zone_tpfn, int cpu)
{
	struct szone *z = NULL;
	int i, type;

	mf_sim_tick(s, ts);
	if (cpu >= 0 && cpu < s->nr_cpus)
		s->cur_cpu = cpu;	/* its frees and drains are the writer's CPU's */
	if (!s->c.compaction)
		return;
	if (!s->c.memory) {
		z = sim_zone_of(s, zone_tpfn);
	} else {
		/* a layout of our own: the zone of the same type (x86-64 boundaries) */
		type = zone_tpfn < 4096 ? 0 : zone_tpfn < (1ULL << 20) ? 1 : 2;
		for (i = 0; i < s->nr_zones; i++)
			if (s->z[i].type == type)
				z = &s->z[i];
	}
	if (z)
		sim_compact_manual(s, z);
	sim_deferred_work(s);
}

void mf_sim_tick(struct mf_sim *s, uint64_t ts)
{
	int nd;

	if (ts <= s->now)
		return;
	s->now = ts;
	if (ts >= s->next_decay) {
		sim_decay_pcp(s);
		s->next_decay = ts + 1000000000ULL;
	}
	if (!s->c.compaction)
		return;
	/* without proactive compaction kcompactd waits without a timeout */
	for (nd = 0; nd < MAX_NODES && s->c.compaction_proactiveness; nd++)
		if (!s->node[nd].kcd_unknown && s->node[nd].kcd_next && ts >= s->node[nd].kcd_next)
			sim_kcompactd_timer(s, nd);
}

/*
 * Whether the config leaves kswapd's settings as the traced kernel had them: then the
 * trace's kswapd naps and sleeps when ours would, and its resets of the skip bits are
 * taken.  Under another boost factor or other watermarks kswapd runs at other times (the
 * kernel's watermark_boost_factor=0 runs had no boost reclaim, which is most of the
 * trace's kswapd wakes), and the simulator's own kswapd resets where its balance_pgdat()
 * ends (sim-vmscan.c).  Taking the trace's resets there too cost the what-if sets'
 * watermark_boost_factor=0 effect: in the eighteenth round's set its simulated failure
 * effect fell from 1.20 to 0.34 of the real one.
 */
static bool kswapd_as_traced(const struct mf_sim *s)
{
	const struct mf_sim_config *c = &s->c;

	/* a capture without the settings (-1) leaves nothing to compare with */
	return !((c->traced.watermark_boost_factor >= 0 &&
		  c->watermark_boost_factor != c->traced.watermark_boost_factor) ||
		 (c->traced.watermark_scale_factor >= 0 && c->watermark_scale_factor != MF_SIM_KEEP &&
		  c->watermark_scale_factor != c->traced.watermark_scale_factor) ||
		 (c->traced.min_free_kbytes >= 0 && c->min_free_kbytes != MF_SIM_KEEP &&
		  c->min_free_kbytes != c->traced.min_free_kbytes));
}

void mf_sim_kswapd(struct mf_sim *s, uint64_t ts, int node, int zid, bool running)
{
	int i;

	if (node < 0 || node >= MAX_NODES)
		return;
	mf_sim_tick(s, ts);
	s->node[node].reclaiming = running;
	s->node[node].ra_hzi = zid;
	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node)
			s->z[i].reclaim_active = running && s->z[i].type <= zid;
	/*
	 * kswapd_try_to_sleep() calls reset_isolation_suitable() before its 100 ms nap, and
	 * the sleep event comes after the nap: the kernel's skip bits of a zone whose
	 * scanners met were cleared by now.  Ours had waited for our own kswapd, which
	 * sleeps at other times or is hopeless: in default-r4 of the what-if recordings
	 * every DMA32 block stayed skipped after the scanners met, each run ended COMPLETE
	 * at once, and DMA32 was deferred to the limit of 64 where the kernel's next run,
	 * after its kswapd's nap, succeeded.  Where the nap itself showed
	 * (mf_sim_kswapd_nap()), that reset was done then, and the kernel does not
	 * repeat it on going to sleep; under a config that runs kswapd otherwise, the
	 * simulator's own kswapd resets (kswapd_as_traced()).
	 */
	if (!running && !s->node[node].napped && kswapd_as_traced(s))
		sim_reset_isolation_suitable(s, node);
	if (!running)
		sim_kswapd_traced_sleep(s, node, true);
	else
		sim_kswapd_traced_balance(s, node);
	s->node[node].napped = false;
}

/*
 * The nap shows when kswapd wakes kcompactd: at its end, balance_pgdat() does for a
 * boosted node, then kswapd_try_to_sleep() for the order it was woken for, around
 * reset_isolation_suitable().  A kswapd woken again during its nap never logs a sleep,
 * so the sleep event alone missed most of these resets, and came 100 ms late for the
 * others: in default-r4 of the twentieth round's what-if set the kernel's kswapd napped
 * 5 times and slept twice.  After the nap at 46840.694 the kernel's DMA32 scanners
 * restarted from the first blocks worth scanning (0x4000 and 0xbe7ff), and its direct
 * compaction succeeded 14 times in the next 100 ms; ours found the blocks still skipped.
 * kswapd does not run while it naps (kswapd_is_running()).  Under a config that runs
 * kswapd otherwise the nap is not ours (kswapd_as_traced()).
 */
void mf_sim_kswapd_nap(struct mf_sim *s, uint64_t ts, int node)
{
	if (node < 0 || node >= MAX_NODES || !kswapd_as_traced(s))
		return;
	s->node[node].napped = false;	/* a boost wake and then the nap's: both reset */
	mf_sim_kswapd(s, ts, node, 0, false);
	s->node[node].napped = true;
}

/*
 * A request reaches wake_all_kswapds() when the fast path failed it, and a request the
 * kernel failed always did.  The simulated state drifts from the kernel's, so the
 * simulator serves some of those in its fast path and its kswapd never hears of them.
 * In defrag_mode_1-r6 of the eighteenth round's what-if set, three large page-cache
 * folios (order 7 and 8, __GFP_NORETRY) the kernel failed while the THP faults
 * compacted woke its kswapd, which woke kcompactd at pageblock order when it went back
 * to sleep: kcompactd migrated 33,000 pages in five runs.  The simulator took free
 * blocks for them, its kcompactd ran once, and it stalled 252 times to the kernel's 136.
 * Taking the trace's wakes as well, it stalls 128 times.  A wake the simulator's
 * allocator also made finds kswapd running and changes nothing.  Under the traced
 * kernel's watermarks and boosts the wake is taken as it happened
 * (sim_wakeup_kswapd_traced()); under another config the same call is weighed against
 * that config's watermarks (wakeup_kswapd()'s pgdat_balanced() test).  defrag_mode
 * raises its order to a pageblock as wake_all_kswapds() does; an order the traced kernel
 * raised so stays raised.
 */
void mf_sim_traced_wakeup(struct mf_sim *s, uint64_t ts, int node, int zid, int order,
			  uint64_t gfp)
{
	uint64_t woken;
	int hzi;

	if (node < 0 || node >= MAX_NODES || !gfp || order < 0 || order > s->max_order)
		return;
	mf_sim_tick(s, ts);
	hzi = zid >= 0 && zid < NR_ZONE_TYPES ? zid : sim_gfp_zone(gfp);
	woken = s->stats.cp.kswapd_wake;
	if (sim_kswapd_as_traced(s))
		sim_wakeup_kswapd_traced(s, node, sim_kswapd_reclaim_order(s, order), hzi);
	else
		sim_wakeup_kswapd(s, node, gfp, sim_kswapd_reclaim_order(s, order), hzi);
	s->stats.cp.kswapd_wake_traced += s->stats.cp.kswapd_wake - woken;
}

void mf_sim_direct_reclaim(struct mf_sim *s, uint64_t ts, int order, uint64_t gfp)
{
	struct alloc_ctx ac;
	int i;

	if (order < 0 || order > s->max_order)
		return;
	mf_sim_tick(s, ts);
	init_ctx(s, &ac, order, gfp, 0);
	/* the kernel's reclaim made progress on the nodes it may use */
	for (i = 0; i < s->nr_zones; i++)
		if (zone_usable(&s->z[i], &ac))
			sim_reclaim_progress(s, s->z[i].d.node);
	/* would get_page_from_freelist() with the slow path's flags succeed now? */
	for (i = 0; i < s->nr_zones; i++)
		if (zone_usable(&s->z[i], &ac) &&
		    sim_wmark_ok(s, &s->z[i], order, wmark_pages(&s->z[i], WMARK_MIN), ac.hzi,
				      sim_gfp_to_alloc_flags(s, &ac)))
			return;
	sim_drain_all_pages(s);
	s->stats.reclaim_drains++;
}

void mf_sim_kcompactd_woken(struct mf_sim *s, int node)
{
	if (node >= 0 && node < MAX_NODES)
		s->node[node].kcd_woken = true;
}

void mf_sim_traced_daemon_cpu(struct mf_sim *s, int node, bool kcompactd, int cpu)
{
	if (node < 0 || node >= MAX_NODES || cpu < 0 || cpu >= s->nr_cpus)
		return;
	if (kcompactd)
		s->node[node].kcd_cpu = cpu;
	else
		s->node[node].kswapd_cpu = cpu;
}

/*
 * The CPU kcompactd or kswapd runs on: their frees go to that CPU's per-CPU lists
 * (release_free_list(), shrink_folio_list()), and compact_zone()'s
 * lru_add_drain_cpu_zone() drains that CPU's lists only.  The scheduler places the
 * kthreads; in four what-if recordings (31b, 31c, 31e, 33) none of kcompactd's 67 runs
 * and none of kswapd's 66 wakes were on the CPU of the workload's last request.  Ours
 * took that CPU (kcompactd) or CPU 0 (kswapd): in whatif31c's default-r7 our kcompactd's
 * released free pages (order 1, each a free_high bulk free of 2,016 pages) emptied the
 * 43,000 pages the workload had freed to its CPU's DMA32 list, 220 ms before the
 * kernel's first direct compaction emptied its own; the zone's buddy lists had 39,000
 * pages more than the kernel's, and direct compaction began 16 ms late.  So the trace's
 * CPU for each, and before the trace shows one, another CPU than the last request's.
 */
int sim_daemon_cpu(const struct mf_sim *s, int node, bool kcompactd)
{
	const struct snode *n = &s->node[node];
	int cpu = kcompactd ? n->kcd_cpu : n->kswapd_cpu;

	if (cpu >= 0 && cpu < s->nr_cpus)
		return cpu;
	return s->nr_cpus > 1 ? (s->cur_cpu + 1) % s->nr_cpus : 0;
}

void mf_sim_traced_events(struct mf_sim *s, uint64_t types)
{
	int p = s->c.traced.compaction_proactiveness, nd;

	/*
	 * kcompactd() logs its sleep as each wait starts, so in its 500 ms wait it logs
	 * one within that time.  The kernel's did not in 44 of 84 what-if recordings (the
	 * first came after 1.8 to 3.4 s, or never in 4 s): it was in the 32 s wait that
	 * follows a proactive round which did not lower the score, begun before the trace.
	 * Ours checked the score 500 ms after the start and compacted where the kernel did
	 * not (the held-out default-r8: six proactive runs, 41 direct successes fewer).
	 * So until the trace's first sleep, ours does not look.  A config that changes
	 * compaction_proactiveness does: writing the sysctl wakes kcompactd
	 * (compaction_proactiveness_sysctl_handler()).
	 */
	if ((types >> MF_EV_CP_KCOMPACTD_SLEEP & 1) &&
	    (p < 0 || s->c.compaction_proactiveness == p)) {
		s->kcd_traced = true;
		for (nd = 0; nd < MAX_NODES; nd++)
			s->node[nd].kcd_unknown = true;
	}
}

void mf_sim_kcompactd_tick(struct mf_sim *s, uint64_t ts, int node)
{
	struct snode *n;

	if (node < 0 || node >= MAX_NODES)
		return;
	mf_sim_tick(s, ts);
	n = &s->node[node];
	if (!s->kcd_first_sleep)
		s->kcd_first_sleep = ts;
	/*
	 * kcompactd() logs the sleep as each wait starts.  One that comes a full timeout
	 * after the last is where the wait timed out and should_proactive_compact_node()
	 * was asked, a moment before: ours asks now, not a few milliseconds early (the
	 * workload may just be freeing what makes the score), and waits a little past the
	 * timeout so that the kernel's next sleep is what ends its wait, if it comes.
	 * The first sleep of a wait that began before the trace (mf_sim_traced_events())
	 * ends that wait: a timeout, unless the trace woke kcompactd for work first.
	 */
	if (s->c.compaction && s->c.compaction_proactiveness &&
	    (n->kcd_unknown ? !n->kcd_woken :
	     n->kcd_next && n->kcd_sleep && ts >= n->kcd_sleep + KCD_TIMEOUT &&
	     ts >= n->kcd_backoff))
		sim_kcompactd_timer(s, node);
	n->kcd_unknown = n->kcd_woken = false;
	n->kcd_sleep = ts;
	n->kcd_next = ts + KCD_TIMEOUT + KCD_SLACK > n->kcd_backoff ?
		      ts + KCD_TIMEOUT + KCD_SLACK : n->kcd_backoff;
}
