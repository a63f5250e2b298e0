// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's migration: migrate_pages() (mm/migrate.c) as compaction calls it, and
 * what makes it fail.  Migration failures (pinned, dirty, writeback pages) and the aborts
 * of async compaction (lock contention, need_resched()) are not derived from page state
 * the simulator does not have: they happen at the rates the trace shows the kernel had
 * (mf_sim_learn_migration(), mf_sim_learn_async_end()), drawn from one seeded generator
 * so that a simulation is repeatable and configs are compared on the same draws.
 */
#include "sim-local.h"

#define PPM		1000000ULL
#define LEARN_WEIGHT	256	/* pages: a source's own rate outweighs the pooled one after */

/* splitmix64: every simulator starts from the same seed, so configs share the draws */
static uint64_t sim_rand(struct mf_sim *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void mf_sim_learn_migration(struct mf_sim *s, int src, uint64_t nr_migrated, uint64_t nr_failed)
{
	if (src < 0 || src >= SIM_NR_MSRC)
		return;
	s->learn.migrated[src] += nr_migrated;
	s->learn.failed[src] += nr_failed;
	s->learn.calls++;
}

/*
 * A direct async run of the trace ended; contended (COMPACT_CONTENDED), and whether its
 * last migrate_pages() failed pages: then the run most likely ended on -ENOMEM (a large
 * folio without a target that could not be split), which sim_migrate_pages() reproduces
 * where the trace shows the written page cache, so it is no lock contention to draw.
 */
void mf_sim_learn_async_end(struct mf_sim *s, bool contended, bool failed, bool success,
			    uint64_t batches)
{
	s->learn.async_runs++;
	/* the batch that captured the page is followed by no check that could end the run */
	s->learn.async_exposed += success && batches ? batches - 1 : batches;
	if (contended && failed)
		s->learn.async_enomem++;
	else if (contended)
		s->learn.async_contended++;
}

void mf_sim_learn_bg_end(struct mf_sim *s, bool enomem, uint64_t batches)
{
	s->learn.bg_runs++;
	if (enomem) {
		s->learn.bg_enomem++;
		s->learn.bg_enomem_batches += batches;
	}
}

void mf_sim_learn_enomem(struct mf_sim *s, int src, uint64_t nr_failed)
{
	uint64_t room;

	if (src < 0 || src >= SIM_NR_MSRC)
		return;
	room = s->learn.failed[src] - s->learn.enomem[src];
	s->learn.enomem[src] += nr_failed < room ? nr_failed : room;
}

void mf_sim_migration_prior(struct mf_sim *s, uint64_t fail_ppm)
{
	s->learn.prior_ppm = fail_ppm > PPM ? PPM : fail_ppm;
	s->learn.have_prior = true;
}

static int cc_source(const struct cc *cc)
{
	if (!cc->direct)
		return SIM_MSRC_BACKGROUND;
	return cc->mode == MIGRATE_ASYNC ? SIM_MSRC_ASYNC : SIM_MSRC_SYNC;
}

/*
 * The trace's failed pages of source i that the simulator is to fail at a rate.  Where
 * it models the written page cache, the batches that ended their runs with -ENOMEM are
 * not among them: sim_migrate_pages() ends runs on such folios by its own rule, and
 * drawing those failures a second time at the rate nearly doubled them (the held-out
 * default recordings: the trace's nr_failed 19,000 pages a run, the simulator's 33,300
 * before, 23,200 after).
 */
uint64_t sim_learned_failed(const struct mf_sim *s, int i)
{
	return s->learn.failed[i] - (s->file_seen ? s->learn.enomem[i] : 0);
}

/*
 * The failure rate of a migration from source src, in ppm: the source's own failed /
 * (migrated + failed) pages, pulled towards the rate of all sources (or, before the trace
 * showed any migration, the captures' vmstat share) while the source has few pages.
 */
static uint64_t fail_ppm(const struct mf_sim *s, int src)
{
	uint64_t n = 0, f = 0, base = 0, ns;
	int i;

	for (i = 0; i < SIM_NR_MSRC; i++) {
		n += s->learn.migrated[i] + sim_learned_failed(s, i);
		f += sim_learned_failed(s, i);
	}
	if (n)
		base = f * PPM / n;
	else if (s->learn.have_prior)
		base = s->learn.prior_ppm;
	ns = s->learn.migrated[src] + sim_learned_failed(s, src);
	return (sim_learned_failed(s, src) * PPM + LEARN_WEIGHT * base) / (ns + LEARN_WEIGHT);
}

/*
 * A direct async run is cut short (cc->contended: compact_lock_irqsave() found the LRU
 * or zone lock taken) at the kernel's rate per batch.  The lock is tried while a batch is
 * isolated and migrated, and the batch still completes, so the run ends at the
 * compact_finished() after it, unless that batch captured the page.  whatif31b's
 * default-r5 shows the shape: of 242 direct async runs, 15 ended contended with no
 * failed page, 5 after one batch and 10 after two, none before its first; 179 of the 206
 * successes came after three.  A rate per run with the batch drawn from 0 to 3 cut
 * runs short before any batch (never seen), and spent a quarter of its draws past the
 * third batch, where most runs had already succeeded.  Per batch, the contention a run
 * meets grows with the work it does, as the kernel's does.
 *
 * kcompactd's runs (proactive ones too) are never contended that way, but end on the
 * -ENOMEM of a large folio that found no target of its order and could not be split
 * (compact_zone(): COMPACT_CONTENDED unless the scanners met).  Where the simulator
 * models the written page cache, sim_migrate_pages() finds those folios itself; where
 * the trace does not say which folios are written (no mm_lru_insertion), such a run ends
 * as often as the kernel's did, after as many batches on average.  The bundled
 * whatif-small recording shows why: the kernel's proactive run ended that way after
 * 1,311 pages, and the simulator's went on to migrate 38,500, which left the THP
 * faults that followed free pageblocks: 57 direct compactions where the kernel had 109.
 */
static void draw_bg_enomem(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	uint64_t mean;

	/* bg_runs counts every run bg_enomem does, so it is not 0 here */
	if (s->file_seen || !s->learn.bg_enomem ||
	    sim_rand(s) % PPM >= s->learn.bg_enomem * PPM / s->learn.bg_runs)
		return;
	mean = sim_bg_enomem_mean(s);
	if (!mean)
		mean = 1;
	cc->contend_after = (int)(1 + sim_rand(s) % (2 * mean - 1));
	s->injected_bg_enomem++;
}

#define CONTEND_MAX_BATCHES	64	/* no async run of the traces came near */

void sim_draw_contention(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	uint64_t hazard, contended;
	int k;

	cc->contend_after = -1;
	if (!cc->direct) {
		draw_bg_enomem(cc);
		return;
	}
	contended = s->learn.async_contended + (s->file_seen ? 0 : s->learn.async_enomem);
	if (cc->mode != MIGRATE_ASYNC || !contended)
		return;
	hazard = s->learn.async_exposed ? contended * PPM / s->learn.async_exposed : PPM;
	if (hazard > PPM)
		hazard = PPM;
	for (k = 1; k <= CONTEND_MAX_BATCHES; k++)
		if (sim_rand(s) % PPM < hazard) {
			cc->contend_after = k;
			s->injected_contended++;
			return;
		}
}

/* Move the used block at from to a target; the source goes back through the free path. */
static bool migrate_one(struct cc *cc, uint64_t from, int o)
{
	struct mf_sim *s = cc->s;
	uint64_t to;

	if (!sim_compaction_alloc(cc, o, &to))
		return false;
	sim_set_used(s, to, o, true, NIL);
	sim_owner_moved(s, from, to, o);
	s->st[from] = (uint8_t)(ST_USED | o);
	sim_free_pages(s, cc->zone, from, o, cc->cpu);
	s->stats.cp.migrated += 1ULL << o;
	return true;
}

/*
 * Whether the folio at frame pfn cannot be migrated now.  The kernel's failures are not
 * spread evenly: a pinned page, or one under writeback, fails every time compaction
 * comes back to it, so the same few pages make most of the trace's nr_failed.  Frames
 * are "pinned" by a fixed hash below a density per source (a denser set for async,
 * which cannot wait on locks or writeback, contains the sparser ones), and the density
 * is steered so that the simulator's share of failed pages per source follows the
 * trace's (fail_ppm()).
 *
 * The unit is the pageblock, and in a pinned pageblock every folio fails.  That is what
 * the traces show: in the second what-if workload's default-r6, 31 of 424 pageblocks that
 * compaction migrated from had a failure, and 7,494 of the 8,108 pages tried in those 31
 * failed (23 of them failed every page: a batch of dirty or locked folios, or one large
 * folio, fails as a whole).  Failing every other page of a pageblock instead needs twice
 * as many pinned pageblocks for the same share of failed pages, and a pageblock with one
 * page that cannot move can never become a free block: the simulator then failed twice
 * as many direct compactions as the kernel and succeeded in a third fewer.
 */
static uint64_t frame_hash(uint64_t pfn)
{
	uint64_t z = pfn * 0x9e3779b97f4a7c15ULL + 0x6d6d66726167ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) % PPM;
}

/*
 * Whether the folio at frame pfn is a large page-cache folio the trace wrote and the
 * flusher has not written back yet (fdirty of its owner, see sim-vmscan.c).
 * Those fail migration whole, again and again.  The what-if recordings show it: in one
 * default recording, migration batches whose range held such folios (the recorder's own
 * trace file, order-8 folios on ext4) failed 17,860 pages and migrated 1,097, all other
 * batches failed 1,063 of 72,583; 46 of the 62 failing batches failed exactly 256 pages,
 * one such folio.  On a recording that wrote a file with fsync and read it back, batches
 * over written large folios failed 10% (written back by then), over written order-0
 * pages 3%, others 1.6%: dirty small pages migrate, and clean large ones too.  A config
 * whose kswapd reclaims that page cache (watermark_scale_factor=100: the kernel's
 * pgmigrate_fail fell from 17,400 to 400 a run) fails fewer migrations, which a learned
 * rate alone cannot express; the learned rate stays the ceiling (sim_migrate_pages()).
 */
static bool folio_dirty_large(const struct mf_sim *s, uint64_t pfn)
{
	uint32_t owner = s->lnk[pfn];

	return owner != NIL && !(owner & OWNER_PENDING) && sim_tbit(s, s->fdirty, owner);
}

/*
 * kcompactd and proactive compaction (SIM_MSRC_BACKGROUND) fail on the pageblocks direct
 * async compaction fails on, once the trace has shown async migrations: they scan whole
 * zones again and again, so the kernel's own background share counts the same pinned
 * folios once per pass (90% of the pages tried in the second workload's default-r12).
 * Steered to that share, nearly every pageblock was pinned for the simulated kcompactd,
 * and defrag_mode=1, which works through kcompactd, lost most of its effect.
 */
static bool pinned(struct mf_sim *s, int src, uint64_t pfn, int order)
{
	bool own = src != SIM_MSRC_BACKGROUND ||
		   !(s->learn.migrated[SIM_MSRC_ASYNC] + s->learn.failed[SIM_MSRC_ASYNC]);
	int ks = own ? src : SIM_MSRC_ASYNC;
	uint64_t target = fail_ppm(s, ks), share, *d = &s->pin_ppm[ks];
	bool fail;

	if (!s->sim_tried[ks])		/* start from the learned rate, steer from there */
		*d = target;
	/* a pageblock holds such pages or not, and in one that does, every folio fails */
	fail = *d && frame_hash(pfn >> s->pbo) < *d;
	s->sim_tried[src] += 1ULL << order;
	s->sim_failed[src] += fail ? 1ULL << order : 0;
	if (!own)
		return fail;
	share = s->sim_failed[src] * PPM / s->sim_tried[src];
	if (share < target)
		*d = *d + *d / 64 + 1 < PPM ? *d + *d / 64 + 1 : PPM;
	else
		*d -= *d / 64;
	return fail;
}

/*
 * Whether a written large folio without a target may end the run on -ENOMEM: not above
 * the share of pages the trace's own migrations of this source failed in batches that
 * ended runs so (learn.enomem).  Whether the folio was still dirty then, its buffers
 * not yet written back by the flusher, is not in the trace; the dirty window the
 * simulator keeps (30 s, or the background threshold) is an upper bound, and the
 * trace's count of such batches is what the kernel met.  On the fresh what-if sets of
 * the thirty-first round the simulated default ended 12 to 27 runs a recording so,
 * where the trace's pages failed so came to about 2 to 14 folios of 256 pages, and
 * failed 1.6 to 2.3 times the trace's pages.  A folio over the share is taken as
 * written back: split, and its pages migrated.
 */
static bool enomem_allowed(const struct mf_sim *s, int src, uint64_t pages)
{
	uint64_t tried = s->learn.migrated[src] + s->learn.failed[src];

	if (!s->learn.calls)
		return true;
	/*
	 * Nor before the trace has shown this source migrate: in defrag_mode_1-r1 of
	 * whatif31e the simulated kcompactd's first runs met the recorder's order-8 folio
	 * before the kernel's kcompactd had migrated a page in the trace, and ended on it
	 * twice; the kernel's migrated 44,195 pages and failed none.
	 */
	if (!tried)
		return false;
	/* through when it brings the share nearer the trace's: half a batch over at most */
	return (2 * s->sim_enomem[src] + pages) * tried <=
	       2 * s->learn.enomem[src] * (s->sim_tried[src] + s->sim_enomem[src] + pages);
}

/*
 * migrate_pages() with compaction_alloc(): the last isolated first.  A pinned folio
 * (pinned()) fails and stays where it is (putback_movable_pages()); the others
 * are still migrated.  A large folio that finds no target is split and its pages
 * migrated one by one (migrate_pages_batch()'s -ENOMEM path).  Returns 0, 1 when some
 * folio failed, -1 when even the split pages ran out of targets (-ENOMEM).
 */
int sim_migrate_pages(struct cc *cc)
{
	struct mf_sim *s = cc->s;
	int i, j, err = 0, src = cc_source(cc);
	bool learned = s->learn.calls || s->learn.have_prior;

	/*
	 * A trace that shows large page-cache folios being written: the failures are those
	 * folios while they are dirty (folio_dirty_large()), at any rate the trace's own
	 * migrations showed; else failures at those rates (pinned()).
	 */
	if (s->file_seen)
		sim_dirty_expire(s);
	for (i = cc->nr_src - 1; i >= 0; i--) {
		uint64_t from = cc->src[i].pfn, p;
		int o = cc->src[i].order;
		bool fail;

		/*
		 * No target of its order, and a written page-cache folio cannot be split:
		 * __folio_split() must release its buffers first (filemap_release_folio()),
		 * which dirty buffers refuse.  migrate_pages_batch() returns -ENOMEM and
		 * compact_zone() ends the run COMPACT_CONTENDED.  The target is asked for
		 * first (migrate_folio_unmap()), so this comes before anything else that
		 * fails the folio.  In watermark_scale_factor_100-r10 of the what-if
		 * recordings the kernel's proactive runs ended so after 5.9 and 1.2 ms,
		 * 256 pages (an order-8 folio of the recorder's trace file) failed in each;
		 * ours split the folio and went on through 252,002 pages, serving the THP
		 * faults that followed.
		 */
		if (o > 0 && s->file_seen && folio_dirty_large(s, from) &&
		    !sim_compaction_target(cc, o)) {
			uint64_t batch = 1ULL << o;

			for (j = 0; j < i; j++)
				batch += 1ULL << cc->src[j].order;
			if (enomem_allowed(s, src, batch)) {
				s->stats.cp.migrate_failed += 1ULL << o;
				s->sim_enomem[src] += batch;
				s->dirty_enomem++;
				goto enomem;
			}
			s->dirty_enomem_clean++;
		}
		if (s->file_seen) {
			/*
			 * Not above the share of failed pages the trace's own migrations
			 * showed for this source: whether that page cache was still dirty
			 * (fsync, writeback under memory pressure) is not in the trace.
			 */
			fail = cc->mode != MIGRATE_SYNC && folio_dirty_large(s, from) &&
			       (!learned || (s->sim_failed[src] + (1ULL << o)) * PPM <=
				fail_ppm(s, src) * (s->sim_tried[src] + (1ULL << o)));
			s->sim_tried[src] += 1ULL << o;
			s->sim_failed[src] += fail ? 1ULL << o : 0;
			s->dirty_fail += fail ? 1ULL << o : 0;
		} else {
			fail = learned && pinned(s, src, from, o);
		}
		if (fail) {
			s->st[from] &= (uint8_t)~ST_ISOLATED;
			s->stats.cp.migrate_failed += 1ULL << o;
			s->injected_fail += 1ULL << o;
			err = 1;
			continue;
		}
		if (migrate_one(cc, from, o))
			continue;
		/*
		 * The huge page held for the kernel's second THP try, or standing for its
		 * 4K fallback (absorb()), is followed by its pfn: it is not split here.
		 */
		if (o > 0 && !(o == s->pcp_thp_order &&
			       ((s->thp_retry_pending && from == s->thp_retry_pfn) ||
				(s->absorbing && from == s->absorb_pfn)))) {
			s->st[from] &= (uint8_t)~ST_ISOLATED;
			sim_split_used(s, from);
			for (p = from; p < from + (1ULL << o); p++) {
				if (!migrate_one(cc, p, 0)) {
					s->stats.cp.migrate_failed += from + (1ULL << o) - p;
					break;
				}
			}
			if (p == from + (1ULL << o))
				continue;
		} else {
			s->stats.cp.migrate_failed += 1;
		}
enomem:
		for (j = 0; j < i; j++) {
			s->st[cc->src[j].pfn] &= (uint8_t)~ST_ISOLATED;
			s->stats.cp.migrate_failed += 1ULL << cc->src[j].order;
		}
		s->st[from] &= (uint8_t)~ST_ISOLATED;
		cc->nr_src = 0;
		cc->nr_migratepages = 0;
		return -1;
	}
	cc->nr_src = 0;
	cc->nr_migratepages = 0;
	return err;
}
