// SPDX-License-Identifier: GPL-2.0
/*
 * One replay: reader -> model (+ observer) -> metrics -> struct mf_result.  This file is
 * the event loop: the model set up, every event of the trace applied in one pass, the
 * captures aligned on the way (captures.c finds them, seed.c applies the start one,
 * result.c builds the result).
 *
 * Captures and the trace are aligned in the one pass over the events: a start capture is
 * seeded when the stream reaches --from-time or the capture's own begin marker
 * ("mmfrag-capture-begin NAME", written just before its buddyinfo was read), a check
 * capture is compared when the stream reaches --check-time or its begin marker.
 *
 * A start capture's kpageflags is read page by page while the machine runs on, until its
 * end marker ("mmfrag-capture-end NAME"): each page shows its state at the moment the scan
 * passed it, so the seed mixes states from the whole window.  The events of the window are
 * in the trace, so the model is seeded at the begin marker and applies them: an event the
 * scan already saw is applied twice, which a repair absorbs (a page freed twice, taken
 * when not free), and those repairs are counted apart (start_window_fidelity).  Throwing
 * the window's events away instead left every page that changed there wrong.  Without a
 * begin marker the seed is applied at the end marker, as captures from before it did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/common.h"
#include "replay-local.h"

int replay_zone_desc_from_state(const struct mf_state *st, struct mf_zone_desc *zd)
{
	int i, n = 0;

	for (i = 0; i < st->nr_zones; i++) {
		const struct mf_state_zone *sz = &st->zones[i];

		if (!sz->has_zoneinfo || !sz->spanned)
			continue;
		zd[n].node = sz->node;
		snprintf(zd[n].name, sizeof(zd[n].name), "%s", sz->name);
		zd[n].start_pfn = sz->start_pfn;
		zd[n].end_pfn = sz->start_pfn + sz->spanned;
		zd[n].present = sz->present;
		zd[n].managed = sz->managed;
		n++;
	}
	return n;
}

/*
 * Without a capture the trace is all we know: x86-64's layout (ZONE_DMA below 16 MiB,
 * ZONE_DMA32 below 4 GiB, ZONE_NORMAL above, growing with the pfns the trace shows).
 */
static int zone_desc_learned(struct mf_zone_desc *zd)
{
	static const struct { const char *name; uint64_t start, end; } x86[] = {
		{ "DMA", 0, 1ULL << 12 },
		{ "DMA32", 1ULL << 12, 1ULL << 20 },
		{ "Normal", 1ULL << 20, (1ULL << 20) + 1024 },
	};
	int i;

	for (i = 0; i < 3; i++) {
		zd[i].node = 0;
		snprintf(zd[i].name, sizeof(zd[i].name), "%s", x86[i].name);
		zd[i].start_pfn = x86[i].start;
		zd[i].end_pfn = x86[i].end;
		zd[i].present = x86[i].end - x86[i].start;
		zd[i].managed = 0;
	}
	return 3;
}

/* ---- the run ------------------------------------------------------------------------ */

static int setup(struct replay *rp)
{
	const struct mf_replay_opts *o = rp->o;
	struct mf_result *r = rp->r;
	const struct mf_reader_info *info = mf_reader_info(rp->rd);
	struct mf_zone_desc zd[MF_MAX_ZONES];
	struct mf_model_params p;
	const struct mf_state *layout = NULL;
	int nz = 0, z;

	if (o->from_state && replay_capture_load(&rp->start, o->from_state, o->has_from_ts,
						 o->from_ts, "end", rp->err, rp->errlen))
		return -1;
	if (o->check_state && replay_capture_load(&rp->check, o->check_state, o->has_check_ts,
						  o->check_ts, "begin", rp->err, rp->errlen))
		return -1;

	layout = rp->start.st ? rp->start.st : rp->check.st;
	if (layout)
		nz = replay_zone_desc_from_state(layout, zd);
	if (layout && !nz)
		replay_warnf(r, "%s: no zoneinfo: zone layout learned from the trace", layout->dir);

	mf_model_params_default(&p);
	if (layout && layout->nr_zones && layout->zones[0].nr_orders > 1)
		p.max_order = layout->zones[0].nr_orders - 1;
	if (o->max_order)
		p.max_order = o->max_order;
	if (layout && layout->pageblock_order > 0)
		p.pageblock_order = layout->pageblock_order;
	if (o->pageblock_order)
		p.pageblock_order = o->pageblock_order;
	if (p.pageblock_order > p.max_order)
		p.pageblock_order = p.max_order;
	p.pcp_high_order = COMPACTION_HPAGE_ORDER <= p.max_order ? COMPACTION_HPAGE_ORDER : -1;
	p.nr_cpus = info->nr_cpus > 0 ? info->nr_cpus : 1;
	if (!nz) {
		nz = zone_desc_learned(zd);
		p.learn_zones = true;
	}
	r->zones_from = p.learn_zones ? "learned" : "capture";
	p.max_pfns = mf_model_max_pfns();
	for (z = 0; z < nz; z++) {
		if (zd[z].end_pfn <= p.max_pfns)
			continue;
		/* checked before allocating: a zoneinfo may say anything up to 2^52 */
		replay_errf(rp, "%s: node %d zone %s ends at pfn %#llx: a model of that much memory "
			    "needs %llu MiB, more than this machine has (%llu MiB)",
			    layout ? layout->dir : o->trace, zd[z].node, zd[z].name,
			    (unsigned long long)zd[z].end_pfn,
			    (unsigned long long)(zd[z].end_pfn / (1 << 20) * MF_MODEL_BYTES_PER_PFN),
			    (unsigned long long)(p.max_pfns / (1 << 20) * MF_MODEL_BYTES_PER_PFN));
		return -1;
	}
	p.huge_pages = true;
	r->params = p;

	rp->m = mf_model_new(&p, zd, nz);
	rp->obs = mf_observer_new(p.pageblock_order);
	if (!rp->m || !rp->obs) {
		replay_errf(rp, "%s: cannot set up the model: %s", o->trace, strerror(ENOMEM));
		return -1;
	}
	r->nr_zones = nz;
	for (z = 0; z < nz; z++) {
		r->zones[z].node = zd[z].node;
		snprintf(r->zones[z].name, sizeof(r->zones[z].name), "%s", zd[z].name);
	}
	return 0;
}

static bool is_marker(const struct mf_event *ev, const struct capture *c)
{
	return !c->done && c->align == ALIGN_MARKER && ev->type == MF_EV_PRINT && ev->print.str &&
	       !strcmp(ev->print.str, c->marker);
}

static bool is_start_begin(const struct mf_event *ev, const struct capture *c)
{
	return !c->done && c->align == ALIGN_MARKER && c->begin[0] && ev->type == MF_EV_PRINT &&
	       ev->print.str && !strcmp(ev->print.str, c->begin);
}

/* The model seeded from the start capture: the model starts applying events at ts. */
static int seed_now(struct replay *rp, uint64_t ts, const char *how, bool window)
{
	rp->r->start_ts = ts;
	rp->r->start_aligned_by = how;
	if (replay_seed_from_capture(rp, &rp->start))
		return -1;
	/*
	 * How far the seeded model is from the capture's own buddyinfo; with a scan window
	 * and buddyinfo read again after it, at the window's end (start_done()).
	 */
	if (!window || !rp->start.after)
		rp->start.check_idx = replay_add_check_point(rp, &rp->start, "start", ts);
	return 0;
}

/*
 * The start capture is complete at ts: the simulators start from the model, and the
 * repairs of the scan window (seed_now() to here) are set apart.
 */
static int start_done(struct replay *rp, uint64_t ts, bool window)
{
	rp->start.done = true;
	if (window)
		mf_model_fidelity_split(rp->m, &rp->r->start_window_fidelity);
	if (window && rp->start.after) {
		/*
		 * The seed mixes the states the scan met over the whole window, so the model
		 * at its begin marker is no state the kernel was ever in: the buddyinfo read
		 * before the scan measured how busy the window was, not whether the seed
		 * landed.  Here, its events applied, the model is the kernel's state when
		 * buddyinfo was read again.
		 */
		struct capture at_end = rp->start;

		at_end.st = rp->start.after;
		rp->start.check_idx = replay_add_check_point(rp, &at_end, "start", ts);
	}
	if (rp->o->nr_configs && replay_make_sims(rp, ts))
		return -1;
	replay_snap_pageblocks(rp, "start", ts);
	return 0;
}

/*
 * --reanchor: capture c was just measured at its begin marker (the error stands as
 * measured).  With kpageflags it resets the model there, as the start capture seeds it:
 * the events of the kpageflags scan that follow are applied over the seed, so a page the
 * scan saw before and after an event lands either way.  A light capture (buddyinfo,
 * pagetypeinfo) has counts but no positions, so it cannot.
 */
static int reanchor_arm(struct replay *rp, struct capture *c)
{
	if (!rp->o->reanchor || !c->st->has_kpageflags || c->check_idx < 0)
		return 0;
	if (replay_seed_from_capture(rp, c))
		return -1;
	replay_note_reanchor(rp, c->check_idx);
	return 0;
}

static void note_cpu(struct replay *rp, const struct mf_event *ev, bool started)
{
	if (ev->missed && started)
		replay_note_lost(rp, ev);
	if (ev->cpu < 0)
		return;
	if (ev->cpu >= rp->nr_cpu_ts) {
		int n = ev->cpu + 1;
		uint64_t *a = realloc(rp->cpu_last_ts, (size_t)n * sizeof(*a));

		if (!a)
			return;
		memset(a + rp->nr_cpu_ts, 0, (size_t)(n - rp->nr_cpu_ts) * sizeof(*a));
		rp->cpu_last_ts = a;
		rp->nr_cpu_ts = n;
	}
	rp->cpu_last_ts[ev->cpu] = ev->ts;
}

static int start_now(struct replay *rp, uint64_t ts, const char *how)
{
	if (seed_now(rp, ts, how, false))
		return -1;
	return start_done(rp, ts, false);
}

static void report_progress(struct replay *rp)
{
	struct mf_replay_progress p = { .events = rp->r->nr_events };

	if (mf_reader_progress(rp->rd, &p.done, &p.total))
		p.done = p.total = 0;
	rp->o->progress(&p, rp->o->progress_arg);
}

/*
 * Where the pass stands: the start capture applied (started), its scan window open; and
 * until when an ordinary event needs nothing but the model (quiet_until, see quiet()).
 */
struct pass {
	bool		started;
	bool		window;
	uint64_t	quiet_until;
};

/* One event through captures, model, observer and simulators: 0, or -1 on an error. */
static inline int apply_event(struct replay *rp, struct pass *st, const struct mf_event *ev)
{
	const struct mf_replay_opts *o = rp->o;
	struct mf_result *r = rp->r;

	if (!r->nr_events) {
		r->first_ts = ev->ts;
		rp->next_point = ev->ts + o->interval_ns;
		/* no start capture: the simulators start with the trace */
		if (st->started && o->nr_configs && !rp->sims && replay_make_sims(rp, ev->ts))
			return -1;
		if (st->started)
			replay_snap_pageblocks(rp, "start", ev->ts);
	}
	r->nr_events++;
	r->last_ts = ev->ts;
	if (o->progress && !(r->nr_events & (MF_REPLAY_PROGRESS_EVENTS - 1)))
		report_progress(rp);
	rp->type_count[ev->type]++;

	if (!st->started && ((rp->start.align == ALIGN_TIME && ev->ts >= rp->start.ts) ||
			     rp->start.align == ALIGN_EDGE)) {
		if (start_now(rp, rp->start.align == ALIGN_TIME ? rp->start.ts : ev->ts,
			      rp->start.align == ALIGN_TIME ? "option" : "trace-start"))
			return -1;
		st->started = true;
	}
	note_cpu(rp, ev, st->started);
	if (!rp->check.done && rp->check.st &&
	    ((rp->check.align == ALIGN_TIME && ev->ts >= rp->check.ts) ||
	     is_marker(ev, &rp->check))) {
		replay_do_check(rp, rp->check.align == ALIGN_TIME ? rp->check.ts : ev->ts);
		if (st->started && reanchor_arm(rp, &rp->check))
			return -1;
	}
	while (o->interval_ns && ev->ts >= rp->next_point) {
		replay_add_point(rp, rp->next_point);
		rp->next_point += o->interval_ns;
	}

	if (ev->type == MF_EV_PRINT && st->started && rp->nr_periodic) {
		int i;

		for (i = 0; i < rp->nr_periodic; i++)
			if (is_marker(ev, &rp->periodic[i])) {
				rp->periodic[i].done = true;
				rp->periodic[i].check_idx = replay_add_check_point(rp,
					&rp->periodic[i], rp->periodic[i].marker + 21, ev->ts);
				if (reanchor_arm(rp, &rp->periodic[i]))
					return -1;
			}
	}
	mf_observer_apply(rp->obs, ev);
	if (st->started) {
		mf_model_apply(rp->m, ev);
		if (st->window)
			r->start_window_events++;
		if (rp->nr_sims) {
			const char *comm;

			/* a begin of a task the workload may take for manual compaction */
			if (ev->type == MF_EV_CP_BEGIN &&
			    (comm = mf_reader_comm(rp->rd, ev->pid)) && !strncmp(comm, "kcompactd", 9))
				mf_workload_kcompactd_pid(rp->wl, ev->pid);
			/* kswapd's kcompactd wake (its nap) before its first kswapd event */
			if (ev->type == MF_EV_CP_WAKEUP_KCOMPACTD &&
			    (comm = mf_reader_comm(rp->rd, ev->pid)) && !strncmp(comm, "kswapd", 6))
				mf_workload_kswapd_pid(rp->wl, ev->pid, ev->kcompactd.nid);
			mf_workload_apply(rp->wl, ev, rp->sims, rp->nr_sims);
		}
	} else
		r->events_before_start++;

	if (!st->started && is_start_begin(ev, &rp->start)) {
		if (seed_now(rp, ev->ts, "marker", true))
			return -1;
		st->started = st->window = true;
	} else if (st->window && is_marker(ev, &rp->start)) {
		if (start_done(rp, ev->ts, true))
			return -1;
		st->window = false;
	} else if (!st->started && is_marker(ev, &rp->start)) {
		if (start_now(rp, ev->ts, "marker"))
			return -1;
		st->started = true;
	}
	return 0;
}

/*
 * The trace time before which an event that is not a print, carries no lost-event count
 * and comes from a CPU already seen needs nothing of apply_event() but the counts, the
 * observer and the model: 0 while the start capture is pending or its scan window open,
 * with simulators, or before the first event; else the next time-aligned check or time
 * series point.  Markers are prints, so every marker still takes apply_event().
 */
static uint64_t quiet(const struct replay *rp, const struct pass *st)
{
	uint64_t until = UINT64_MAX;

	if (!st->started || st->window || rp->nr_sims || !rp->r->nr_events)
		return 0;
	if (!rp->check.done && rp->check.st && rp->check.align == ALIGN_TIME)
		until = rp->check.ts;
	if (rp->o->interval_ns && rp->next_point < until)
		until = rp->next_point;
	return until;
}

/*
 * Every event of the trace in one pass, read in place from the reader's batches
 * (mf_reader_next_batch(): no copy of the event on this thread).  Most events take the
 * short way: what apply_event() would do to them, without its tests.
 */
/* How many events ahead run_events() asks the model to load an event's state */
#define MODEL_AHEAD	6

static int run_events(struct replay *rp)
{
	struct pass st = { .started = !rp->start.st };
	const struct mf_replay_opts *o = rp->o;
	struct mf_result *r = rp->r;
	const struct mf_event *evs, *ev;
	size_t n, i;
	int ret;

	while ((ret = mf_reader_next_batch(rp->rd, &evs, &n)) > 0) {
		for (i = 0, ev = evs; i < n; i++, ev++) {
			if (i + MODEL_AHEAD < n)
				mf_model_prefetch(rp->m, ev + MODEL_AHEAD);
			if (ev->ts < st.quiet_until && ev->type != MF_EV_PRINT && !ev->missed &&
			    ev->cpu >= 0 && ev->cpu < rp->nr_cpu_ts) {
				r->nr_events++;
				r->last_ts = ev->ts;
				if (o->progress && !(r->nr_events & (MF_REPLAY_PROGRESS_EVENTS - 1)))
					report_progress(rp);
				rp->type_count[ev->type]++;
				rp->cpu_last_ts[ev->cpu] = ev->ts;
				mf_observer_apply(rp->obs, ev);
				mf_model_apply(rp->m, ev);
				continue;
			}
			if (apply_event(rp, &st, ev))
				return -1;
			st.quiet_until = quiet(rp, &st);
		}
	}
	if (ret < 0) {
		replay_errf(rp, "%s", mf_reader_error(rp->rd));
		return -1;
	}
	if (!st.started)
		return 1;	/* no start marker: replay again from the trace's start */
	if (st.window) {
		replay_warnf(r, "%s: no marker '%s' in the trace: the start capture's scan window runs "
			     "to the end of the trace", rp->start.dir, rp->start.marker);
		if (start_done(rp, r->last_ts, true))
			return -1;
	}
	if (rp->check.st && !rp->check.done) {
		if (rp->check.align == ALIGN_MARKER)
			replay_warnf(r, "%s: no marker '%s' in the trace: checked at the end of the trace",
			      rp->check.dir, rp->check.marker);
		replay_do_check(rp, r->last_ts);
		r->check_aligned_by = rp->check.align == ALIGN_TIME ? "option" : "trace-end";
	}
	if (rp->o->interval_ns && r->nr_events)
		replay_add_point(rp, r->last_ts);
	replay_snap_pageblocks(rp, "end", r->last_ts);
	return 0;
}

/* What one pass over the events built: pageblock maps, model, observer, simulators. */
void replay_release(struct replay *rp)
{
	replay_free_pageblocks(rp, rp->nr_sims);
	mf_model_free(rp->m);
	rp->m = NULL;
	mf_observer_free(rp->obs);
	rp->obs = NULL;
	replay_free_sims(rp);
}

/*
 * A start capture with kpageflags is seeded at its begin marker and completed at its end
 * marker (its scan window): its buddyinfo.after, when it has one, is the kernel's side of
 * the start check there.  A damaged one is warned about and the check stays at the begin.
 */
static void load_start_after(struct replay *rp)
{
	char msg[512];
	int ret;

	if (!rp->start.st || !rp->start.st->has_kpageflags || rp->start.align != ALIGN_MARKER)
		return;
	rp->start.after = malloc(sizeof(*rp->start.after));
	if (!rp->start.after)
		return;
	*rp->start.after = *rp->start.st;
	ret = mf_state_load_after(rp->start.after, rp->start.dir, msg, sizeof(msg));
	if (ret < 0)
		replay_warnf(rp->r, "%s: the start check is made at the capture's begin marker "
			     "instead", msg);
	if (ret <= 0) {
		free(rp->start.after);
		rp->start.after = NULL;
	}
}

/* Back to the first event: a fresh reader, model, observer and result counters. */
static int restart(struct replay *rp)
{
	struct mf_result *r = rp->r;
	int z;

	mf_reader_close(rp->rd);
	rp->rd = NULL;
	if (mf_reader_open(rp->o->trace, &rp->rd, rp->err, rp->errlen))
		return -1;
	replay_release(rp);
	rp->obs = mf_observer_new(r->params.pageblock_order);
	{
		struct mf_zone_desc zd[MF_MAX_ZONES];

		for (z = 0; z < r->nr_zones; z++) {
			memset(&zd[z], 0, sizeof(zd[z]));
			zd[z].node = r->zones[z].node;
			snprintf(zd[z].name, sizeof(zd[z].name), "%s", r->zones[z].name);
		}
		if (replay_zone_desc_from_state(rp->start.st, zd) != r->nr_zones)
			zone_desc_learned(zd);
		rp->m = mf_model_new(&r->params, zd, r->nr_zones);
	}
	if (!rp->m || !rp->obs) {
		replay_errf(rp, "%s: cannot set up the model: %s", rp->o->trace, strerror(ENOMEM));
		return -1;
	}
	memset(rp->type_count, 0, sizeof(rp->type_count));
	r->nr_events = 0;
	r->events_before_start = 0;
	r->start_window_events = 0;
	memset(&r->start_window_fidelity, 0, sizeof(r->start_window_fidelity));
	replay_free_series_sims(r);
	r->nr_series = 0;
	rp->check.done = false;
	for (z = 0; z < rp->nr_periodic; z++)
		rp->periodic[z].done = false;
	r->nr_checks = 0;
	r->nr_lost_intervals = 0;
	r->nr_reanchored = 0;
	memset(rp->cpu_last_ts, 0, (size_t)rp->nr_cpu_ts * sizeof(*rp->cpu_last_ts));
	for (z = 0; z < r->nr_zones; z++)
		r->zones[z].has_check = false;
	return 0;
}

int mf_replay_run(const struct mf_replay_opts *o_in, struct mf_result **out, char *err,
		  size_t errlen)
{
	struct mf_replay_opts opts = *o_in, *o = &opts;
	char *sdir = NULL, *auto_start = NULL, *auto_end = NULL, **periodic = NULL;
	struct replay rp = { .o = o, .err = err, .errlen = errlen };
	int ret = -1, z;

	*out = NULL;
	snprintf(err, errlen, "%s: replay failed", o->trace);	/* replaced by the cause */
	rp.r = calloc(1, sizeof(*rp.r));
	if (!rp.r) {
		replay_errf(&rp, "%s: %s", o->trace, strerror(ENOMEM));
		return -ENOMEM;
	}
	rp.r->trace_path = o->trace;
	rp.r->reanchor = o->reanchor;
	if (!o->no_state && (!o->from_state || !o->check_state))
		sdir = replay_state_dir(o->trace);
	if (sdir && !o->from_state && !o->has_from_ts) {
		auto_start = replay_capture_dir(sdir, "start");
		o->from_state = auto_start;
	}
	if (sdir && !o->check_state && !o->has_check_ts) {
		auto_end = replay_capture_dir(sdir, "end");
		o->check_state = auto_end;
	}
	/* the result keeps pointing at these */
	rp.r->owned[0] = auto_start;
	rp.r->owned[1] = auto_end;
	rp.r->owned[2] = sdir;
	if (mf_reader_open(o->trace, &rp.rd, err, errlen))
		goto out_err;
	if (setup(&rp))
		goto out_err;
	if (sdir && rp.start.st && replay_load_periodic(&rp, sdir, &periodic) < 0)
		goto out_err;
	load_start_after(&rp);
	rp.r->start_dir = o->from_state;
	rp.r->check_dir = o->check_state;
	ret = run_events(&rp);
	if (ret == 1) {
		/*
		 * The start capture's marker is not in the trace: it was taken before the
		 * recording.  Apply it at the first event instead, in a second pass.
		 */
		replay_warnf(rp.r, "%s: no marker '%s' in the trace: the start state is applied at the "
			    "first event", rp.start.dir, rp.start.marker);
		if (restart(&rp))
			goto out_err;
		rp.start.align = ALIGN_EDGE;
		ret = run_events(&rp);
	}
	if (!ret && mf_model_alloc_failed(rp.m)) {
		replay_errf(&rp, "%s: out of memory growing the model to the trace's pfns", o->trace);
		goto out_err;
	}
	if (ret || replay_collect(&rp))
		goto out_err;
	replay_lost_warnings(&rp);
	replay_target_warning(&rp);
	if (o->reanchor && !rp.r->nr_reanchored)
		replay_warnf(rp.r, "--reanchor: no capture after the start has kpageflags (periodic "
			     "captures are light: buddyinfo counts cannot place blocks): the model was "
			     "never re-anchored");
	if (rp.check.st && !rp.r->check_aligned_by)
		rp.r->check_aligned_by = rp.check.align == ALIGN_TIME ? "option" : "marker";
	if (rp.start.st && !rp.r->start_aligned_by)
		rp.r->start_aligned_by = "trace-start";
	ret = 0;
	goto out;
out_err:
	ret = -1;
out:
	if (rp.rd)
		mf_reader_close(rp.rd);
	replay_release(&rp);
	free(rp.start.st);
	free(rp.start.after);
	free(rp.check.st);
	for (z = 0; z < rp.nr_periodic; z++) {
		free(rp.periodic[z].st);
		free(periodic[z]);
	}
	free(rp.periodic);
	free(periodic);
	free(rp.pb_score);
	free(rp.pb_blank);
	free(rp.cpu_last_ts);
	if (ret) {
		mf_result_free(rp.r);
		return -EIO;
	}
	*out = rp.r;
	return 0;
}
