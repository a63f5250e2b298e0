// SPDX-License-Identifier: GPL-2.0
/*
 * When the simulator compacts, and how hard (mm/compaction.c): deferral after failures
 * (defer_compaction(), compaction_deferred(), compaction_defer_reset()), direct compaction
 * from the allocation slow path (try_to_compact_pages()), kcompactd woken by kswapd, and
 * proactive compaction driven by the node's fragmentation score against
 * compaction_proactiveness.  The scanners and migration that a run performs are in
 * sim-compact.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/metrics.h"
#include "sim-local.h"

/* fragmentation_score_zone() */
unsigned int sim_zone_score(const struct mf_sim *s, const struct szone *z)
{
	int ho = mf_hpage_order_clamp(s->max_order);

	return mf_extfrag_for_order(z->nr_free, sim_nr_orders(s), ho);
}

/* fragmentation_score_node() */
unsigned int sim_node_score(const struct mf_sim *s, int node)
{
	uint64_t present = 0, score = 0;
	int i;

	for (i = 0; i < s->nr_zones; i++)
		if (s->z[i].d.node == node)
			present += s->z[i].d.present;
	for (i = 0; i < s->nr_zones; i++) {
		const struct szone *z = &s->z[i];

		if (z->d.node != node || !z->d.present)
			continue;
		score += mf_fragmentation_score_weighted(sim_zone_score(s, z), z->d.present, present);
	}
	return (unsigned int)score;
}

unsigned int sim_score_wmark(const struct mf_sim *s, bool low)
{
	unsigned int wl = 100 - (unsigned int)s->c.compaction_proactiveness;

	if (wl < 5)
		wl = 5;
	return low ? wl : (wl + 10 < 100 ? wl + 10 : 100);
}

/* ---- deferral (defer_compaction(), compaction_deferred(), compaction_defer_reset()) ---- */

static void defer_compaction(struct mf_sim *s, struct szone *z, int order)
{
	z->considered = 0;
	if (++z->defer_shift > COMPACT_MAX_DEFER_SHIFT)
		z->defer_shift = COMPACT_MAX_DEFER_SHIFT;
	if (order < z->order_failed)
		z->order_failed = order;
	s->stats.cp.defer_compaction++;
}

static bool compaction_deferred(struct mf_sim *s, struct szone *z, int order)
{
	unsigned int limit = 1U << z->defer_shift;

	if (order < z->order_failed)
		return false;
	if (++z->considered >= limit) {
		z->considered = limit;
		return false;
	}
	s->stats.cp.deferred++;
	return true;
}

static void compaction_defer_reset(struct mf_sim *s, struct szone *z, int order, bool alloc_success)
{
	if (alloc_success) {
		z->considered = 0;
		z->defer_shift = 0;
	}
	if (order >= z->order_failed)
		z->order_failed = order + 1;
	s->stats.cp.defer_reset++;
}

/*
 * zone->compact_considered, compact_defer_shift and compact_order_failed when the trace
 * began are in no capture, but every mm_compaction_deferred, _defer_compaction and
 * _defer_reset prints them (as the event left them).  Every change of that state but
 * compaction_deferred()'s silent count up to the limit has such an event, so the kernel's
 * first one in a zone shows the state it brought from before the recording.  A zone the
 * kernel had deferred then (the calibration trace's Normal: considered 17 of 64, the
 * whatif recordings' Normal in 5 of 6) skips its first attempts, where ours compacted it,
 * failed sync-light runs and deferred DMA32 instead.  The first event per zone is taken
 * over whatever our own runs did there before: runs the kernel did not make (it would
 * have traced a change), so its state is the better guess for every config.
 */
void mf_sim_traced_defer(struct mf_sim *s, int nid, int zone_type, unsigned int considered,
			 unsigned int defer_shift, int order_failed)
{
	int i;

	if (!sim_zones_as_traced(s))
		return;
	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		if (z->d.node != nid || z->type != zone_type || z->defer_seen)
			continue;
		z->defer_seen = true;
		z->defer_shift = defer_shift > COMPACT_MAX_DEFER_SHIFT ? COMPACT_MAX_DEFER_SHIFT :
				 defer_shift;
		z->considered = considered > 1U << z->defer_shift ? 1U << z->defer_shift : considered;
		z->order_failed = order_failed < 0 ? 0 : order_failed;
		return;
	}
}

bool sim_compaction_restarting(const struct szone *z, int order)
{
	if (order < z->order_failed)
		return false;
	return z->defer_shift == COMPACT_MAX_DEFER_SHIFT && z->considered >= 1U << COMPACT_MAX_DEFER_SHIFT;
}

/* ---- direct compaction ---------------------------------------------------------------------- */

/* try_to_compact_pages() and __alloc_pages_direct_compact() */
uint64_t sim_direct_compact(struct mf_sim *s, const struct alloc_ctx *ac, enum cp_prio prio,
			    enum cp_result *result)
{
	struct mf_sim_compaction *c = &s->stats.cp;
	enum cp_result rc = CP_SKIPPED;
	uint64_t page = MF_PFN_NONE;
	bool stall, ok;
	int pass, i;

	*result = CP_SKIPPED;
	if (!ac->order || !(ac->gfp & GFP_IO))
		return MF_PFN_NONE;
	c->direct_attempts++;
	for (pass = 0; pass < 2 && page == MF_PFN_NONE; pass++) {
		for (i = s->nr_zones - 1; i >= 0; i--) {
			struct szone *z = &s->z[i];
			struct capture_control capc = { .order = ac->order, .mt = ac->mt,
							 .page = MF_PFN_NONE, .zone = z };
			enum cp_result st;
			struct cc cc;

			if ((pass == 0) != (z->d.node == ac->node) || z->type > ac->hzi ||
			    !z->d.managed)
				continue;
			if (prio > PRIO_SYNC_FULL && compaction_deferred(s, z, ac->order)) {
				if (rc < CP_DEFERRED)
					rc = CP_DEFERRED;
				continue;
			}
			/* compact_zone_order() */
			sim_cc_init(&cc, s, z, ac->order, ac->mt,
				prio == PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT);
			cc.direct = true;
			cc.alloc_flags = ac->alloc_flags;
			cc.hzi = ac->hzi;
			cc.cpu = ac->cpu;
			cc.whole_zone = cc.ignore_skip_hint = cc.ignore_block_suitable =
				prio == PRIO_SYNC_FULL;
			st = sim_compact_zone(&cc, &capc);
			if (capc.page != MF_PFN_NONE) {
				page = capc.page;
				s->stats.cp.captured++;
				st = CP_SUCCESS;
			}
			if (st > rc)
				rc = st;
			if (st == CP_SUCCESS) {
				compaction_defer_reset(s, z, ac->order, false);
				break;
			}
			if (prio != PRIO_ASYNC && (st == CP_COMPLETE || st == CP_PARTIAL_SKIPPED))
				defer_compaction(s, z, ac->order);
		}
		if (rc == CP_SUCCESS)
			break;
	}
	*result = rc;
	stall = rc != CP_SKIPPED;
	if (!stall) {
		c->direct_skipped++;
		return MF_PFN_NONE;
	}
	if (page == MF_PFN_NONE)
		page = sim_get_page_from_freelist(s, ac, ac->alloc_flags);
	ok = page != MF_PFN_NONE;
	if (ok) {
		struct szone *z = sim_zone_of(s, page);

		if (z) {
			z->blockskip_flush = false;
			compaction_defer_reset(s, z, ac->order, true);
		}
	}
	c->direct.stall++;
	c->direct_by_order[ac->order].stall++;
	c->direct_by_prio[prio].stall++;
	if (ok) {
		c->direct.success++;
		c->direct_by_order[ac->order].success++;
		c->direct_by_prio[prio].success++;
	} else {
		c->direct.fail++;
		c->direct_by_order[ac->order].fail++;
		c->direct_by_prio[prio].fail++;
	}
	return page;
}

/* ---- kcompactd ---------------------------------------------------------------------------- */

static unsigned int kcd_alloc_flags(const struct mf_sim *s)
{
	return s->c.defrag_mode ? ALLOC_WMARK_HIGH : ALLOC_WMARK_MIN;
}

/* kcompactd_node_suitable() */
static bool kcompactd_node_suitable(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];

		if (z->d.node != node || z->type > n->kcd_hzi || !z->d.managed)
			continue;
		if (sim_suit_allocation_order(s, z, n->kcd_max_order, n->kcd_hzi, kcd_alloc_flags(s),
					  false, true) == CP_CONTINUE)
			return true;
	}
	return false;
}

/* wakeup_kcompactd() */
void sim_wakeup_kcompactd(struct mf_sim *s, int node, int order, int hzi)
{
	struct snode *n = &s->node[node];

	if (!order || !s->c.compaction)
		return;
	if (n->kcd_max_order < order)
		n->kcd_max_order = order;
	if (n->kcd_hzi > hzi)
		n->kcd_hzi = hzi;
	if (!kcompactd_node_suitable(s, node))
		return;
	s->stats.cp.wakeup_kcompactd++;
	s->kcd_pending = true;
}

/* kcompactd_do_work() */
static void kcompactd_do_work(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];
	int order = n->kcd_max_order, hzi = n->kcd_hzi, i;

	s->stats.cp.kcompactd_wake++;
	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];
		enum cp_result st;
		struct cc cc;

		if (z->d.node != node || z->type > hzi || !z->d.managed)
			continue;
		if (compaction_deferred(s, z, order))
			continue;
		if (sim_suit_allocation_order(s, z, order, z->type, kcd_alloc_flags(s), false, true) !=
		    CP_CONTINUE)
			continue;
		sim_cc_init(&cc, s, z, order, MF_MT_UNMOVABLE, MIGRATE_SYNC_LIGHT);	/* GFP_KERNEL */
		cc.cpu = sim_daemon_cpu(s, node, true);
		cc.alloc_flags = kcd_alloc_flags(s);
		cc.hzi = hzi;
		st = sim_compact_zone(&cc, NULL);
		if (st == CP_SUCCESS) {
			compaction_defer_reset(s, z, order, false);
		} else if (st == CP_PARTIAL_SKIPPED || st == CP_COMPLETE) {
			sim_drain_zone(s, z);	/* stranded per-CPU pages may coalesce */
			defer_compaction(s, z, order);
		}
	}
	if (n->kcd_max_order <= order)
		n->kcd_max_order = 0;
	if (n->kcd_hzi >= hzi)
		n->kcd_hzi = NR_ZONE_TYPES - 1;
	n->kcd_next = s->now + 500000000ULL;
	n->kcd_backoff = 0;
	n->kcd_unknown = false;		/* ours waits from here, whatever the kernel's did */
}

void sim_kcompactd_work(struct mf_sim *s)
{
	int nd;

	for (nd = 0; nd < MAX_NODES; nd++)
		if (s->node[nd].kcd_max_order > 0)
			kcompactd_do_work(s, nd);
}

/* compact_node(): every zone of the node, order -1 */
static void compact_node(struct mf_sim *s, int node, bool proactive)
{
	int i;

	for (i = 0; i < s->nr_zones; i++) {
		struct szone *z = &s->z[i];
		struct cc cc;

		if (z->d.node != node || !z->d.present)
			continue;
		sim_cc_init(&cc, s, z, -1, MF_MT_UNMOVABLE, proactive ? MIGRATE_SYNC_LIGHT : MIGRATE_SYNC);
		cc.cpu = sim_daemon_cpu(s, node, true);
		cc.whole_zone = cc.ignore_skip_hint = true;
		cc.proactive = proactive;
		sim_compact_zone(&cc, NULL);
	}
}

/*
 * kcompactd's 500 ms timeout: pending work (kcompactd_max_order raised while it was not
 * suitable), else proactive compaction when the node score is above the high mark; a
 * round that did not lower the score waits 500 ms << COMPACT_MAX_DEFER_SHIFT.
 */
void sim_kcompactd_timer(struct mf_sim *s, int node)
{
	struct snode *n = &s->node[node];
	unsigned int prev, score;
	uint64_t timeout = 500000000ULL;

	if (n->kcd_max_order > 0) {
		kcompactd_do_work(s, node);
		return;
	}
	if (s->c.compaction_proactiveness && !sim_kswapd_running(s, node) &&
	    sim_node_score(s, node) > sim_score_wmark(s, false)) {
		prev = sim_node_score(s, node);
		s->stats.cp.proactive_rounds++;
		compact_node(s, node, true);
		score = sim_node_score(s, node);
		if (score >= prev)
			timeout <<= COMPACT_MAX_DEFER_SHIFT;
	}
	n->kcd_next = s->now + timeout;
	n->kcd_backoff = timeout > 500000000ULL ? n->kcd_next : 0;
}

/* compact_memory / sysfs compact: one zone, as the trace showed it */
void sim_compact_manual(struct mf_sim *s, struct szone *z)
{
	struct cc cc;

	sim_cc_init(&cc, s, z, -1, MF_MT_UNMOVABLE, MIGRATE_SYNC);
	cc.whole_zone = cc.ignore_skip_hint = true;
	sim_compact_zone(&cc, NULL);
}
