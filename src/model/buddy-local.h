/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The observe model's private state, shared by buddy.c (free lists, per-CPU lists and the
 * event handlers) and isolate.c (the ledger of pages compaction isolated).  Not a public
 * interface.
 */
#ifndef MMFRAG_BUDDY_LOCAL_H
#define MMFRAG_BUDDY_LOCAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mmfrag/model.h"

#define BLK_ORDER_MASK	0x0f
#define BLK_MT_SHIFT	4
#define BLK_MT_MASK	0x70
#define BLK_PCP		0x80

/* Largest pfn array a trace may make us grow to in learn mode: 16 TiB of 4K pages. */
#define MF_LEARN_MAX_PFNS	(1ULL << 32)
/*
 * In learn mode a pfn more than this beyond twice the model's size (1 GiB of 4K pages)
 * grows it only when a second event falls in the same GiB: one damaged pfn (a high byte
 * set) is counted and skipped instead of sizing the model for terabytes.
 */
#define MF_LEARN_FAR_PFNS	(1ULL << 18)

/* The end of a free list (pfns stay below MF_LEARN_MAX_PFNS - 1 in the links) */
#define LNONE		0xffffffffu
/* per-CPU lists per (zone, cpu): 3 types each of orders 0..3 and of the THP order */
#define PCP_LISTS	15
/* pb[]: the pageblock's type, and whether an event showed it (pb_known()) */
#define PB_MT_MASK	0x7f
#define PB_KNOWN	0x80

/* Words per 64-frame group in bits[]: held, ciso, cconf, inblk. */
#define BITS_STRIDE	4

/* How far, in pageblocks, swap_isolation() looks for the model's wrong pick. */
#define SWAP_REACH	256


/* Compaction runs open at once (direct compactors and kcompactd) the model follows. */
#define MAX_CP_RUNS	64
#define RUN_WINDOWS	32	/* scanner windows kept per compaction run */

/*
 * One block on a run's cc->freepages[order] list: seq orders the list (lowest first),
 * state says whether compaction_alloc() took it as a migration target or an event took it
 * off the run.
 */
enum { ENT_LISTED, ENT_TARGET, ENT_GONE };
struct cp_ent {
	uint64_t	pfn;
	int64_t		seq;
	uint8_t		order, state;
	bool		exact;		/* from an isolate event the model's walk reproduced */
	uint32_t	li;		/* while ENT_LISTED: its place in the run's live[] */
};

/*
 * A run's picks[] indexed by pfn (picks.c): per order, the distinct heads of that order in
 * descending pfn order, each with the first index in picks[] that holds it.  Built as the
 * run isolates; lets mm_lru_insertion find the pick holding a pfn and the nearest pick of
 * an order without walking picks[].  broken: out of memory, or a pick not aligned to its
 * order; the callers then walk picks[] as without.
 */
struct pick_ent {
	uint64_t	head;
	uint32_t	first;
};
struct pick_ix {
	struct pick_ent	*e[MF_MAX_ORDERS];
	uint32_t	n[MF_MAX_ORDERS], cap[MF_MAX_ORDERS];
	uint32_t	orders;		/* bit o: e[o] is not empty */
	bool		broken;
};

/*
 * One compaction run (mm_compaction_begin to mm_compaction_end of one task): the blocks
 * the model isolated for it, so that mm_lru_insertion can confirm or correct them.
 */
struct cp_run {
	int32_t		pid;
	uint32_t	nr, cap;
	uint64_t	*picks;		/* pfn << 6 | order */
	int		max_order;	/* the largest order among picks[] (0 when none) */
	struct pick_ix	ix;		/* picks[] by pfn */
	/*
	 * Without mm_lru_insertion (sim): the run's cc->freepages[] as the kernel orders them,
	 * entry by entry (see isolate.c, compaction_alloc()).
	 */
	bool		sim;
	uint32_t	nent, ecap;
	struct cp_ent	*ent;
	/*
	 * The indices of the ENT_LISTED entries, in no order: compaction_alloc() looks only
	 * at these (a run's ent[] grows to thousands, nearly all of them targets or gone).
	 */
	uint32_t	*live, nlive, lcap;
	int64_t		head_seq, tail_seq;	/* list_add() / list_add_tail() positions */
	uint64_t	migrated;		/* pages migrated (mm_compaction_migratepages) */
	/*
	 * Blocks the task freed after its last mm_compaction_migratepages that the model held
	 * free (pfn << 6 | order): release_free_list() of blocks the kernel picked and the
	 * model did not (run_infer_targets()).
	 */
	uint64_t	*frel;
	uint32_t	nfrel, frelcap;
	uint32_t	src[MF_MAX_ORDERS];	/* source folios freed in this batch, by order */
	/*
	 * Where the run's free scanner took pages: the windows of its isolate events with
	 * nr_taken > 0, adjacent ones merged ([lo, hi) pairs).  A migration target of this
	 * run lies in one of them (model_on_lru_insert()).  When all RUN_WINDOWS are taken
	 * the nearest one grows (run_window()).
	 */
	uint32_t	nr_win;
	uint64_t	win[RUN_WINDOWS][2];
};

/*
 * The compact_control of one compacting task as far as its events show, for the list
 * search of fast_isolate_freepages() (isolate.c): try_to_compact_pages / kcompactd_wake
 * give cc->order; cc->search_order and cc->fast_search_fail follow the searches the model
 * reproduced.  A direct compactor gets a new cc per zone (compact_zone_order()),
 * kcompactd one per wake for all its zones (kcompactd_do_work()).
 */
#define MAX_CP_CC	64
struct cp_cc {
	int32_t		pid;
	bool		used, kcompactd;
	bool		fast_migrate;	/* fast_find_migrateblock() runs: skip hints, MOVABLE */
	int8_t		order;		/* cc->order; 0 when no event gave it */
	int8_t		search_order;	/* cc->search_order */
	uint8_t		fail;		/* cc->fast_search_fail */
	uint64_t	migrate_pfn;	/* cc->migrate_pfn: end of the last migrate isolation */
};

/*
 * A block the model isolated on a guess (isolate-back.c): the counts of its isolate event
 * did not name it, but the kernel's block of that event lies in [lo, hi).
 */
struct iso_guess {
	uint64_t	head;
	int		order;
};

/*
 * Where the kernel's block of guess i lies, [lo, lo + len), in an array of its own: a swap
 * tests every guess's range and reads the guess itself only on a hit, so the walk streams
 * 16 bytes a guess (model_guess_take(), thousands of guesses on a compaction-heavy trace).
 */
struct guess_span {
	uint64_t	lo, len;
};

/*
 * The guesses by where their ranges lie (isolate-back.c): bucket c lists, in guess order,
 * the guesses whose range meets pfns [c << GIX_SHIFT, (c + 1) << GIX_SHIFT); a range over
 * more than GIX_WIDE buckets is listed in wide instead.  A swap tests the guesses of its
 * pfn's bucket and the wide ones, about a hundred, not every standing guess (12.5k on
 * fid-heavy-tc).  n: guess[0, n) are listed; broken: out of memory, the swap then walks
 * every guess as without.
 */
#define GIX_SHIFT	12
#define GIX_WIDE	256
struct guess_list {
	uint32_t	*v;
	uint32_t	n, cap;
};
struct guess_ix {
	struct guess_list	*b;
	uint64_t		nb;
	struct guess_list	wide;
	uint32_t		n;
	bool			broken;
};

/*
 * The head byte (blk) and owning CPU (cpu) of FG_FRAMES page frames in one cache line:
 * an event that takes or puts a block on a per-CPU list reads or writes both of its
 * head, and in two arrays of one byte per frame that was two cache misses.  blk[] stays
 * contiguous within a group, so model_next_head() still reads eight heads at a time.
 */
#define FG_SHIFT	5
#define FG_FRAMES	(1 << FG_SHIFT)
struct frame_group {
	uint8_t		blk[FG_FRAMES];
	uint8_t		cpu[FG_FRAMES];
};

/*
 * A free block head's neighbours on its free list, stored + 1 so that zero (LNONE + 1 in
 * 32 bits) is "none" and a fresh array needs no initialising: link_next(), link_prev().
 */
struct mf_link {
	uint32_t	next, prev;
};

struct mf_model {
	struct mf_model_params	p;
	int			nr_zones;
	struct mf_zone_desc	zones[MF_MAX_ZONES];
	int			last_zone;

	uint64_t		nr_pfns;	/* arrays cover pfns [0, nr_pfns) */
	struct frame_group	*fg;		/* blk and cpu bytes: blk_at(), cpu_at() */
	/*
	 * The per-pfn bitmaps, interleaved: the words of one 64-frame group side by side
	 * (BITS_STRIDE words), so that the bits one event reads and writes share a cache line.
	 * held, ciso and cconf point into bits[] at their offset in the group; word w of each
	 * is map[w * BITS_STRIDE] (bits_word()).
	 */
	uint64_t		*bits;
	uint64_t		*held;		/* handed out by mm_page_alloc and not freed since */
	uint64_t		*ciso;		/* isolated by the model for compaction */
	uint64_t		*cconf;		/* ... in a block a migration target confirmed */
	/*
	 * Inside a free or per-CPU block (any frame of it, not only the head): a pfn outside
	 * every block, as most freed pages are, is answered by the word the event reads for
	 * held anyway, instead of one blk[] probe per candidate head.
	 */
	uint64_t		*inblk;
	/*
	 * Pages of each pageblock in the ledger (set ciso bits): the searches for an isolated
	 * piece (find_isolated() in isolate.c) pass over pageblocks without one, where they read
	 * every word of the ledger before (a third of a page-cache replay went there).
	 */
	uint32_t		*ciso_pb;
	uint8_t			*pb;
	uint64_t		*pb_absent;	/* mf_model_set_pageblock_absent() */
	uint64_t		nr_pb_absent;	/* its pageblocks (a multiple of 64) */
	/*
	 * Free MOVABLE blocks (not per-CPU) per (pageblock, order): the search index of the
	 * free scanner's rules (fast_isolate_freepages(), suitable_migration_target()), which
	 * take from MOVABLE lists only; a pageblock of free UNMOVABLE blocks is not visited.
	 */
	uint16_t		*pb_orders;
	/*
	 * One bit per (pageblock, order): pb_orders[] of it is non-zero.  Word w of order o
	 * is pb_map[w * (max_order + 1) + o]; 1.4 KiB per GiB of page frames.  Lets the
	 * highest free MOVABLE block of an order be found without walking a free list.
	 */
	uint64_t		*pb_map;
	/*
	 * The free lists in the kernel's order, for fast_isolate_freepages(): per block head,
	 * the pfn of the next and previous block on its free_list[order][mt] (LNONE at the
	 * ends); head and tail of each list.  8 bytes per page frame.
	 */
	struct mf_link		*link;
	uint32_t		lhead[MF_MAX_ZONES][MF_MAX_ORDERS][MF_MAX_MT];
	uint32_t		ltail[MF_MAX_ZONES][MF_MAX_ORDERS][MF_MAX_MT];

	uint64_t		nr_free[MF_MAX_ZONES][MF_MAX_ORDERS][MF_MAX_MT];
	uint64_t		pcp_pages[MF_MAX_ZONES];
	uint64_t		*cpu_pcp_pages;	/* [zone * nr_cpus + cpu] */
	/*
	 * Each CPU's lists in the kernel's order (pcp->lists[] of struct per_cpu_pages):
	 * head and tail pfn per (zone, cpu, list), the blocks chained through link[], which
	 * a per-CPU head does not use for a free list.  free_pcppages_bulk() takes from the
	 * tail, so a drain says which blocks cannot have been on the kernel's list.
	 */
	uint32_t		*phead, *ptail;	/* [(zone * nr_cpus + cpu) * PCP_LISTS + list] */
	/* order-0 pages pcp_passed_over() put into buddy, until their next free: a bit per pfn */
	uint64_t		*passed;
	/* per-CPU blocks a refill listed (rmqueue_bulk()), not freed since: a bit per head */
	uint64_t		*refilled;
	/*
	 * Per CPU: 1 + the zone whose per-CPU lists a task holds locked in rmqueue_pcplist(),
	 * from its first refill (mm_page_alloc_zone_locked, percpu_refill) to its
	 * mm_page_alloc, and the task; 0 when none (pcp_lock_note()).
	 */
	uint8_t			*pcp_locked;
	int32_t			*pcp_locked_pid;

	int			nr_runs;
	struct cp_run		runs[MAX_CP_RUNS];
	struct cp_cc		cc[MAX_CP_CC];
	uint32_t		cc_next;	/* the slot a new task takes when all are used */
	int32_t			cur_pid;	/* the task of the event being applied */
	bool			lru_seen;	/* the trace has mm_lru_insertion */
	/*
	 * Per zone, pages free scanners took that the model did not hold free
	 * (cp_isolate_short) and that no free of a page the model held free has answered yet
	 * (on_page_free()).
	 */
	uint64_t		short_credit[MF_MAX_ZONES];

	struct mf_fidelity	fid;
	bool			seeded;		/* started from a capture: every page is known */
	bool			alloc_failed;	/* model_resize() failed: events were dropped */
	uint64_t		far_region;	/* learn mode: GiB of the last pfn far beyond the zones, + 1 */

	struct iso_guess	*guess;		/* isolations on a guess, oldest first */
	struct guess_span	*gspan;		/* guess[i]'s range is gspan[i] */
	uint32_t		nr_guess, guess_cap;
	struct guess_ix		gix;		/* guess[] by range */
};

/* blk[pfn]: the head byte of pfn (see buddy.c) */
static inline uint8_t *blk_at(const struct mf_model *m, uint64_t pfn)
{
	return &m->fg[pfn >> FG_SHIFT].blk[pfn & (FG_FRAMES - 1)];
}

/* cpu[pfn]: the CPU whose list holds the per-CPU block headed at pfn */
static inline uint8_t *cpu_at(const struct mf_model *m, uint64_t pfn)
{
	return &m->fg[pfn >> FG_SHIFT].cpu[pfn & (FG_FRAMES - 1)];
}

/*
 * comp[pfn]: order + 1 of the compound allocation (a folio) headed at pfn, 0 for none.
 * It shares the cpu byte, which only a per-CPU block's head uses: a frame heads an
 * allocation or a free block, never both (model_del_block() clears the byte a per-CPU
 * head leaves, model_free_to_buddy() the one a freed folio's head leaves, and add_pcp()
 * writes its CPU over it).  Read only through
 * model_compound_order(), which checks that the folio is still whole.
 */
static inline uint8_t *comp_at(const struct mf_model *m, uint64_t pfn)
{
	return cpu_at(m, pfn);
}

static inline uint32_t link_next(const struct mf_model *m, uint32_t p)
{
	return m->link[p].next - 1;
}

static inline uint32_t link_prev(const struct mf_model *m, uint32_t p)
{
	return m->link[p].prev - 1;
}

static inline void link_set_next(struct mf_model *m, uint32_t p, uint32_t q)
{
	m->link[p].next = q + 1;
}

static inline void link_set_prev(struct mf_model *m, uint32_t p, uint32_t q)
{
	m->link[p].prev = q + 1;
}

static inline int blk_order(uint8_t b)
{
	return (b & BLK_ORDER_MASK) - 1;
}

static inline int blk_mt(uint8_t b)
{
	return (b & BLK_MT_MASK) >> BLK_MT_SHIFT;
}

static inline uint8_t blk_make(int order, int mt, bool pcp)
{
	return (uint8_t)((order + 1) | (mt << BLK_MT_SHIFT) | (pcp ? BLK_PCP : 0));
}

/* pfn heads a free block (not per-CPU) of this order */
static inline bool is_free_head(const struct mf_model *m, uint64_t pfn, int order)
{
	uint8_t b = *blk_at(m, pfn);

	return b && !(b & BLK_PCP) && blk_order(b) == order;
}

/* pb_orders[]: free MOVABLE blocks of each order per pageblock */
static inline uint16_t *pb_order_count(struct mf_model *m, uint64_t pfn, int order)
{
	return &m->pb_orders[(pfn >> m->p.pageblock_order) * ((size_t)m->p.max_order + 1) + order];
}

/* free_area[order].nr_free of zone z: its free blocks of every type */
static inline uint64_t area_nr_free(const struct mf_model *m, int z, int order)
{
	uint64_t n = 0;
	int t;

	for (t = 0; t < MF_MAX_MT; t++)
		n += m->nr_free[z][order][t];
	return n;
}

/* Word w (pfns 64w to 64w + 63) of a per-pfn bitmap (held, ciso, cconf) */
static inline uint64_t *bits_word(uint64_t *map, uint64_t w)
{
	return &map[w * BITS_STRIDE];
}

static inline uint64_t bits_word_get(const uint64_t *map, uint64_t w)
{
	return map[w * BITS_STRIDE];
}

static inline bool bit_test(const uint64_t *map, uint64_t pfn)
{
	return bits_word_get(map, pfn / 64) & (1ULL << (pfn % 64));
}

static inline void bit_set(uint64_t *map, uint64_t pfn)
{
	*bits_word(map, pfn / 64) |= 1ULL << (pfn % 64);
}

static inline void bit_clear(uint64_t *map, uint64_t pfn)
{
	*bits_word(map, pfn / 64) &= ~(1ULL << (pfn % 64));
}

/*
 * The set bits of a word, inline: __builtin_popcountll() is a call to libgcc's
 * __popcountdi2 without -mpopcnt (which the build does not assume), 4% of the model
 * thread on a compaction-heavy trace.  This SWAR sum is a dozen instructions, no call.
 */
static inline uint64_t bits_popcount(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/*
 * Set (or clear) the bits of [pfn, pfn + n) in a per-pfn bitmap (held, ciso, cconf);
 * returns how many were set.  Inline: most callers drop the count, and then the compiler
 * drops its popcounts.
 */
static inline uint64_t model_bits_update(uint64_t *map, uint64_t pfn, uint64_t n, bool set)
{
	uint64_t was = 0, end = pfn + n;

	while (pfn < end) {
		uint64_t w = pfn / 64, bit = pfn % 64;
		uint64_t cnt = 64 - bit < end - pfn ? 64 - bit : end - pfn;
		uint64_t mask = (cnt == 64 ? ~0ULL : ((1ULL << cnt) - 1)) << bit;

		was += bits_popcount(*bits_word(map, w) & mask);
		if (set)
			*bits_word(map, w) |= mask;
		else
			*bits_word(map, w) &= ~mask;
		pfn += cnt;
	}
	return was;
}

/* Set (or clear) the ledger's bits of [pfn, pfn + n), keeping ciso_pb[]. */
static inline void ciso_update(struct mf_model *m, uint64_t pfn, uint64_t n, bool set)
{
	const int pbo = m->p.pageblock_order;
	uint64_t end = pfn + n;

	while (pfn < end) {
		uint64_t pb = pfn >> pbo, stop = (pb + 1) << pbo, was;

		if (stop > end)
			stop = end;
		was = model_bits_update(m->ciso, pfn, stop - pfn, set);
		if (set)
			m->ciso_pb[pb] += (uint32_t)(stop - pfn - was);
		else
			m->ciso_pb[pb] -= (uint32_t)was;
		pfn = stop;
	}
}

/* No page of [start, end) is in the ledger, by whole pageblocks. */
static inline bool ciso_none(const struct mf_model *m, uint64_t start, uint64_t end)
{
	const int pbo = m->p.pageblock_order;
	uint64_t pb;

	for (pb = start >> pbo; start < end && pb <= (end - 1) >> pbo; pb++)
		if (m->ciso_pb[pb])
			return false;
	return true;
}

/* How many bits of [pfn, pfn + n) are set. */
static inline uint64_t model_bits_count(const uint64_t *map, uint64_t pfn, uint64_t n)
{
	uint64_t c = 0, end = pfn + n;

	while (pfn < end) {
		uint64_t w = pfn / 64, bit = pfn % 64;
		uint64_t cnt = 64 - bit < end - pfn ? 64 - bit : end - pfn;
		uint64_t mask = (cnt == 64 ? ~0ULL : ((1ULL << cnt) - 1)) << bit;

		c += bits_popcount(bits_word_get(map, w) & mask);
		pfn += cnt;
	}
	return c;
}

/*
 * Every bit of [pfn, pfn + n) is set (set) or clear (!set): model_bits_count() == n or == 0
 * without its popcounts, and stopping at the first word that differs.
 */
static inline bool model_bits_all(const uint64_t *map, uint64_t pfn, uint64_t n, bool set)
{
	uint64_t end = pfn + n;

	while (pfn < end) {
		uint64_t w = pfn / 64, bit = pfn % 64;
		uint64_t cnt = 64 - bit < end - pfn ? 64 - bit : end - pfn;
		uint64_t mask = (cnt == 64 ? ~0ULL : ((1ULL << cnt) - 1)) << bit;

		if ((bits_word_get(map, w) & mask) != (set ? mask : 0))
			return false;
		pfn += cnt;
	}
	return true;
}

/* pb_map[]: the word holding pageblock pb's bit for an order */
static inline uint64_t *pb_map_word(const struct mf_model *m, uint64_t pb, int order)
{
	return &m->pb_map[(pb / 64) * ((size_t)m->p.max_order + 1) + order];
}

/* buddy.c */
size_t model_pcp_list(const struct mf_model *m, int z, int cpu, int order, int mt);
void model_del_block(struct mf_model *m, int z, uint64_t pfn);
uint64_t model_find_block(const struct mf_model *m, uint64_t pfn);
int model_compound_order(const struct mf_model *m, uint64_t pfn);
void model_list_move_head(struct mf_model *m, int z, int order, int mt, uint64_t pfn);
void model_list_move_tail(struct mf_model *m, int z, int order, int mt, uint64_t pfn);
void model_free_to_buddy(struct mf_model *m, int z, uint64_t pfn, int order);
uint64_t model_next_head(const struct mf_model *m, uint64_t from, uint64_t to);

void model_carve(struct mf_model *m, int z, uint64_t head, uint64_t pfn, int order);
void model_free_page(struct mf_model *m, int z, uint64_t pfn, int order, int cpu);

/* picks.c */
void pick_ix_reset(struct pick_ix *ix);
void pick_ix_free(struct pick_ix *ix);
void pick_ix_add(struct pick_ix *ix, uint64_t pfn, int order, uint32_t i);
uint32_t pick_ix_first(const struct cp_run *run, uint64_t pfn);
int64_t pick_ix_nearest(const struct mf_model *m, const struct cp_run *run, uint64_t pfn,
			int order);

/* isolate.c */
void model_run_begin(struct mf_model *m, int32_t pid);
void model_cc_event(struct mf_model *m, const struct mf_event *ev);
void model_run_end(struct mf_model *m, int32_t pid);
void model_runs_free(struct mf_model *m);
void model_runs_lru_seen(struct mf_model *m);
void model_on_lru_insert(struct mf_model *m, int z, uint64_t pfn);
void model_swap_isolation(struct mf_model *m, int z, uint64_t pfn, int order);
void model_isolation_taken_back(struct mf_model *m, int z, uint64_t pfn, int order);
bool model_runs_cover(const struct mf_model *m, uint64_t pfn);
bool model_isolated_piece(const struct mf_model *m, uint64_t q, int order);
void model_guess_note(struct mf_model *m, uint64_t head, int order, uint64_t lo, uint64_t hi);
uint64_t model_guess_take(struct mf_model *m, uint64_t pfn, int order);
void model_guess_free(struct mf_model *m);
void model_on_isolate_free(struct mf_model *m, int z, uint64_t start, uint64_t end,
			   uint64_t nr_scanned, uint64_t nr_taken);
void model_on_migratepages(struct mf_model *m, int32_t pid, uint64_t nr_migrated);
bool model_run_free(struct mf_model *m, uint64_t pfn, int order, int cpu);
bool model_in_run(struct mf_model *m);
bool model_cc_captured(struct mf_model *m, int order);
bool model_run_note_release(struct mf_model *m, uint64_t pfn, int order);
void model_on_fast_isolate(struct mf_model *m, int z, uint64_t min_pfn, uint64_t free_pfn,
			   uint64_t nr_scanned, uint64_t nr_taken);

#endif
