// SPDX-License-Identifier: GPL-2.0
/*
 * The live pipeline of mmfrag top: recorder (live mode) -> live reader -> observe model,
 * observer and a per-task table -> one struct mf_top_frame per interval.
 *
 * Order: each pump reads every CPU's ring buffer dry (non-blocking reads return the
 * committed part of a sub-buffer too) and merges the CPUs' events by timestamp.  Reading
 * the CPUs one after the other takes time, during which the first ones get new events
 * older than the last ones' newest; so only events stamped before the pump began (minus
 * a slack for commits in flight) are applied, on the instance's CLOCK_MONOTONIC clock,
 * and the rest wait for the next pump.  Out of order, a page freed on one CPU and taken
 * on another would be allocated before it is free.
 *
 * Seeding, as replay seeds from a start capture: a trace marker is written, then a thread
 * scans kpageflags into a new model while the pump goes on (the ring buffers must not
 * overflow during a scan of seconds).  The scan reads each page at its own moment of the
 * window, so the new model takes every event from the marker on: the events it kept
 * meanwhile are applied to it when the scan is done, and it takes over from the old model
 * (none at the start).  An event the scan already saw is then applied twice, which the
 * model's repairs absorb; one it did not see is applied once, as it must be.  Dropping the
 * window's events instead (the new model taking over at a marker written after the scan)
 * left every page that changed during the scan wrong: drift of 0.1 to 0.8 from the first
 * frame under load.  Re-anchoring is the same.
 *
 * The drift check, as replay's against a capture: "mmfrag-top-check-begin" is written, then
 * /proc/buddyinfo read, then "mmfrag-top-check-end"; the model is compared with that
 * buddyinfo when it reaches each marker, and the smaller difference of the two kept for
 * each zone (the kernel printed the zone's line somewhere between them).  Compared at the
 * moment of the frame instead, the model lagged the kernel by whatever was still in the
 * ring buffers: a transient drift of up to 0.4 during bursts of frees.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mmfrag/capture.h"
#include "mmfrag/metrics.h"
#include "mmfrag/model.h"
#include "mmfrag/observe.h"
#include "mmfrag/reader.h"
#include "mmfrag/recorder.h"
#include "mmfrag/replay.h"
#include "mmfrag/state.h"
#include "mmfrag/top.h"

#define MERGE_SLACK_NS		1000000ULL	/* see mf_top_pump() */
#define CHECK_WAIT_MS		200	/* at most this long for the model to reach a check */
#define MAX_BACKLOG		(1u << 23)	/* events kept for a new model: 512 MiB at most */

/* The trace markers mmfrag top writes, told apart in collect() by these pids. */
enum { MARK_SEED = -1, MARK_CHECK_BEGIN = -2, MARK_CHECK_END = -3 };

enum seed_state { SEED_IDLE, SEED_SCANNING, SEED_READY };
#define MAX_PAGES_PER_CPU	64	/* per pump: keep the other CPUs' reads close in time */

const char *const mf_top_sort_names[MF_TOP_NR_SORT] = {
	[MF_TOP_SORT_STALL] = "stall", [MF_TOP_SORT_TIME] = "time",
	[MF_TOP_SORT_FALLBACK] = "fallbacks", [MF_TOP_SORT_FRAG] = "fragmenting",
	[MF_TOP_SORT_POLLUTED] = "polluted", [MF_TOP_SORT_PID] = "pid",
};

struct mf_top;

struct evbuf {
	struct mf_top	*t;
	struct mf_event	*ev;
	size_t		len, cap, pos;
	bool		oom;
};

struct u64vec {
	uint64_t	*v;
	size_t		len, cap;
};

/* One drift check: the buddyinfo read between its two markers, and the model against it. */
struct check {
	char		marker[2][64];	/* begin, end */
	struct mf_state	bi;
	bool		have_bi;
	bool		pending;	/* written, the model has not reached the end marker */
	int		edges;		/* markers reached */
	double		drift[MF_MAX_ZONES];	/* per model zone, the smaller of the two */
	uint64_t	diff[MF_MAX_ZONES], total[MF_MAX_ZONES];
	uint64_t	reporting[MF_MAX_ZONES];	/* a reporting batch counted free, there */
	unsigned int	seq;		/* checks written */
	unsigned int	done;		/* checks resolved */
};

struct mf_top {
	struct mf_recorder	*rec;
	struct mf_live_reader	*lr;
	struct mf_model		*m;
	struct mf_observer	*obs;
	struct mf_state		st;
	const struct mf_top_opts *o;
	int			reporting_order;	/* free page reporting's, -1 when off */
	int			nr_cpus;
	int			pbo;
	char			*page;
	struct evbuf		*cpu;
	bool			stopped;
	bool			draining;	/* tracing off: apply everything */
	bool			seeded;

	/* tasks: open addressing on pid, plus the sorted copy handed out */
	struct mf_top_task	*tasks;
	size_t			nr_tasks, cap_tasks;
	struct mf_top_task	*sorted;
	int32_t			*pb_polluter;	/* pageblock -> pid of its last polluter, 0 */
	uint64_t		nr_pb;

	/* seeding: the marker, the scan thread, its model, and the events since the marker */
	pthread_t		seed_thread;
	enum seed_state		seed;
	atomic_bool		seed_done;
	struct mf_model		*next_m;	/* being scanned, or scanned */
	struct mf_state		seed_st;
	int			seed_ret;
	char			seed_err[256];
	char			marker[64];	/* "" when no marker is awaited */
	bool			marker_seen;	/* the events since are kept in backlog */
	struct mf_event		*backlog;
	size_t			nr_backlog, cap_backlog;
	bool			backlog_full;	/* the scan took too long: dropped */
	unsigned int		nr_seeds;

	struct check		check;

	/* stall latencies: all, and those of the current window */
	struct u64vec		lat_all, lat_win;

	struct timespec		t0, t_frame;
	int64_t			vm0[3], vm_prev[3];
	bool			has_vmstat;
	struct mf_observed	prev;		/* the observer at the last frame */
	uint64_t		events, events_prev, peak_rate;
	uint64_t		lru_insertions;	/* mm_lru_insertion: the model's migration targets */
	uint64_t		missed;
	unsigned int		reanchors;
};

static const char *const vm_keys[3] = { "compact_stall", "compact_success", "compact_fail" };

static double since(const struct timespec *a)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - a->tv_sec) + (now.tv_nsec - a->tv_nsec) / 1e9;
}

static bool read_vmstat(int64_t v[3])
{
	int i;

	for (i = 0; i < 3; i++)
		if (mf_state_vmstat_read("/proc", vm_keys[i], &v[i]))
			return false;
	return true;
}

/* ---- tasks ---------------------------------------------------------------------------- */

static size_t hash_pid(int32_t pid, size_t cap)
{
	return ((uint32_t)pid * 2654435761u) & (cap - 1);
}

static void task_comm(struct mf_top_task *t)
{
	char path[64];
	FILE *f;

	snprintf(t->comm, sizeof(t->comm), "%s", t->pid ? "?" : "<idle>");
	if (!t->pid)
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)t->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(t->comm, sizeof(t->comm), f))
		t->comm[strcspn(t->comm, "\n")] = 0;
	fclose(f);
}

static struct mf_top_task *task_get(struct mf_top *t, int32_t pid)
{
	size_t i;

	if (2 * (t->nr_tasks + 1) > t->cap_tasks) {
		size_t cap = t->cap_tasks ? 2 * t->cap_tasks : 256, j;
		struct mf_top_task *n = calloc(cap, sizeof(*n));

		if (!n)
			return NULL;
		for (j = 0; j < t->cap_tasks; j++) {
			if (!t->tasks[j].comm[0])
				continue;
			for (i = hash_pid(t->tasks[j].pid, cap); n[i].comm[0]; i = (i + 1) & (cap - 1))
				;
			n[i] = t->tasks[j];
		}
		free(t->tasks);
		t->tasks = n;
		t->cap_tasks = cap;
	}
	for (i = hash_pid(pid, t->cap_tasks); t->tasks[i].comm[0]; i = (i + 1) & (t->cap_tasks - 1))
		if (t->tasks[i].pid == pid)
			return &t->tasks[i];
	t->tasks[i].pid = pid;
	task_comm(&t->tasks[i]);	/* comm[0] != 0 marks the slot used */
	t->nr_tasks++;
	return &t->tasks[i];
}

static void u64_push(struct u64vec *v, uint64_t x)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 1024;
		uint64_t *n;

		if (cap > (1u << 24))
			return;		/* 16M stalls kept: enough for any percentile shown */
		n = realloc(v->v, cap * sizeof(*n));
		if (!n)
			return;
		v->v = n;
		v->cap = cap;
	}
	v->v[v->len++] = x;
}

static void on_stall(void *priv, int32_t pid, int order, bool success, uint64_t start_ts,
		     uint64_t end_ts)
{
	struct mf_top *t = priv;
	struct mf_top_task *k = task_get(t, pid);
	uint64_t ns = end_ts > start_ts ? end_ts - start_ts : 0;

	u64_push(&t->lat_all, ns);
	u64_push(&t->lat_win, ns);
	if (!k)
		return;
	k->stall++;
	k->stall_ns += ns;
	if (success)
		k->success++;
	else
		k->fail++;
}

/*
 * mm_page_alloc_extfrag: every fallback is the allocating task's; one that takes a free
 * block below pageblock order is "fragmenting" (trace-pagealloc-postprocess.pl), and an
 * unmovable or reclaimable allocation landing in a movable pageblock pollutes it
 * (counted once per pageblock and task in a row).
 */
static void on_extfrag(struct mf_top *t, const struct mf_event *ev)
{
	const struct mf_ev_extfrag *e = &ev->extfrag;
	struct mf_top_task *k = task_get(t, ev->pid);
	uint64_t pb;

	if (!k)
		return;
	k->fallbacks++;
	if (e->fallback_order < t->pbo)
		k->fragmenting++;
	if (e->mt == MF_MT_MOVABLE || e->fallback_mt != MF_MT_MOVABLE)
		return;
	pb = e->pfn >> t->pbo;
	if (pb < t->nr_pb && t->pb_polluter[pb] != ev->pid) {
		t->pb_polluter[pb] = ev->pid;
		k->polluted++;
	}
}

static int seed_poll(struct mf_top *t, bool wait, char *err, size_t errlen);

/* ---- events --------------------------------------------------------------------------- */

static void collect(void *priv, const struct mf_event *ev)
{
	struct evbuf *b = priv;

	if (b->len == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		struct mf_event *n = realloc(b->ev, cap * sizeof(*n));

		if (!n) {
			b->oom = true;
			return;
		}
		b->ev = n;
		b->cap = cap;
	}
	b->ev[b->len] = *ev;
	if (ev->type == MF_EV_PRINT) {
		struct mf_top *t = b->t;

		/* its text does not outlive the call: our markers are told by their pid */
		b->ev[b->len].print.str = NULL;
		if (!ev->print.str)
			;
		else if (t->marker[0] && !strcmp(ev->print.str, t->marker))
			b->ev[b->len].pid = MARK_SEED;
		else if (t->check.pending && !strcmp(ev->print.str, t->check.marker[0]))
			b->ev[b->len].pid = MARK_CHECK_BEGIN;
		else if (t->check.pending && !strcmp(ev->print.str, t->check.marker[1]))
			b->ev[b->len].pid = MARK_CHECK_END;
	}
	b->len++;
}

/*
 * Zone z's free blocks per order as buddyinfo bi read them (0 past its orders); false when
 * bi lacks the zone.
 */
static bool zone_kernel(struct mf_top *t, const struct mf_state *bi, int z, uint64_t *kernel)
{
	const struct mf_zone_desc *zd = mf_model_zone(t->m, z);
	const struct mf_state_zone *bz = mf_state_zone_find(bi, zd->node, zd->name);
	int nr_orders = mf_model_params(t->m)->max_order + 1, o;

	if (!bz)
		return false;
	for (o = 0; o < nr_orders; o++)
		kernel[o] = o < bz->nr_orders ? bz->nr_free[o] : 0;
	return true;
}

/*
 * The model reached a marker of the pending check: compare it with the buddyinfo read,
 * per zone the sum over orders of |model - kernel| and the kernel's blocks (replay's
 * free_blocks_error), and keep the smaller of the two markers'.  A free page reporting
 * batch the read caught in one zone (mf_reporting_batch()) counts free on the kernel's
 * side, as replay's checks count it.
 */
static void check_edge(struct mf_top *t)
{
	struct check *c = &t->check;
	uint64_t model[MF_MAX_ZONES][MF_MAX_ORDERS], kernel[MF_MAX_ZONES][MF_MAX_ORDERS];
	uint64_t add[MF_MAX_ZONES][MF_MAX_ORDERS] = { { 0 } };
	bool have[MF_MAX_ZONES] = { false }, batch = false;
	int nr_orders = mf_model_params(t->m)->max_order + 1, z, o;
	int nr_zones = mf_model_nr_zones(t->m) < MF_MAX_ZONES ? mf_model_nr_zones(t->m) :
								MF_MAX_ZONES;

	if (!c->pending)
		return;
	for (z = 0; c->have_bi && t->seeded && z < nr_zones; z++) {
		have[z] = zone_kernel(t, &c->bi, z, kernel[z]);
		memset(model[z], 0, sizeof(model[z]));
		mf_model_zone_nr_free(t->m, z, model[z]);
		/* one batch at a time: one worker, zone after zone */
		if (have[z] && !batch && t->reporting_order >= 0)
			batch = mf_reporting_batch(t->reporting_order, nr_orders, model[z],
						   kernel[z], add[z]);
	}
	for (z = 0; c->have_bi && t->seeded && z < nr_zones; z++) {
		uint64_t diff = 0, total = 0, blocks = 0;
		double d;

		for (o = 0; have[z] && o < nr_orders; o++) {
			uint64_t k = kernel[z][o] + add[z][o], mo = model[z][o];

			diff += k > mo ? k - mo : mo - k;
			total += k;
			blocks += add[z][o];
		}
		d = total ? (double)diff / (double)total : (diff ? 1.0 : 0.0);
		if (!c->edges || d < c->drift[z]) {
			c->drift[z] = d;
			c->diff[z] = diff;
			c->total[z] = total;
			c->reporting[z] = blocks;
		}
	}
	if (++c->edges == 2) {
		c->pending = false;
		if (c->have_bi && t->seeded)
			c->done = c->seq;
	}
}

/* A new model scanned: take the events since its marker, and take over. */
static void seed_take_over(struct mf_top *t)
{
	size_t i;

	for (i = 0; i < t->nr_backlog; i++)
		mf_model_apply(t->next_m, &t->backlog[i]);
	mf_model_free(t->m);
	t->m = t->next_m;
	t->next_m = NULL;
	t->nr_backlog = 0;
	t->marker_seen = false;
	t->seeded = true;
	t->seed = SEED_IDLE;
}

static void backlog_push(struct mf_top *t, const struct mf_event *ev)
{
	if (t->backlog_full)
		return;
	if (t->nr_backlog == t->cap_backlog) {
		size_t cap = t->cap_backlog ? 2 * t->cap_backlog : 65536;
		struct mf_event *n = cap <= MAX_BACKLOG ? realloc(t->backlog, cap * sizeof(*n)) : NULL;

		if (!n) {
			t->backlog_full = true;	/* this seed is given up (seed_poll()) */
			return;
		}
		t->backlog = n;
		t->cap_backlog = cap;
	}
	t->backlog[t->nr_backlog++] = *ev;
}

static void apply(struct mf_top *t, const struct mf_event *ev)
{
	if (ev->missed)
		t->missed += ev->missed == MF_MISSED_UNKNOWN ? 1 : ev->missed;
	if (ev->type == MF_EV_PRINT && ev->pid < 0) {
		switch (ev->pid) {
		case MARK_SEED:
			t->marker[0] = 0;
			t->marker_seen = true;	/* the scan starts after it */
			break;
		case MARK_CHECK_BEGIN:
		case MARK_CHECK_END:
			check_edge(t);
			break;
		}
		return;
	}
	if (t->marker_seen)
		backlog_push(t, ev);
	if (t->seeded)
		mf_model_apply(t->m, ev);
	mf_observer_apply(t->obs, ev);
	if (ev->type == MF_EV_EXTFRAG)
		on_extfrag(t, ev);
	else if (ev->type == MF_EV_LRU_INSERT)
		t->lru_insertions++;
	t->events++;
}

/*
 * Apply the collected events of every CPU up to @until (trace time, ns), oldest first;
 * later ones wait for the next pump, when the other CPUs' events up to then are in.
 */
static void merge(struct mf_top *t, uint64_t until)
{
	int c, best;

	for (;;) {
		best = -1;
		for (c = 0; c < t->nr_cpus; c++) {
			struct evbuf *b = &t->cpu[c];

			if (b->pos < b->len &&
			    (best < 0 || b->ev[b->pos].ts < t->cpu[best].ev[t->cpu[best].pos].ts))
				best = c;
		}
		if (best < 0 || t->cpu[best].ev[t->cpu[best].pos].ts > until)
			break;
		apply(t, &t->cpu[best].ev[t->cpu[best].pos++]);
	}
	for (c = 0; c < t->nr_cpus; c++) {
		struct evbuf *b = &t->cpu[c];

		if (!b->pos)
			continue;	/* nothing taken (and maybe no buffer yet) */
		memmove(b->ev, b->ev + b->pos, (b->len - b->pos) * sizeof(*b->ev));
		b->len -= b->pos;
		b->pos = 0;
	}
}

int mf_top_pump(struct mf_top *t, char *err, size_t errlen)
{
	int c, n, pages = 0, k, ret;
	struct timespec now;
	uint64_t until;

	if (t->stopped)
		return 0;
	/*
	 * The instance's clock is CLOCK_MONOTONIC: an event stamped a millisecond before
	 * this read began is committed (commits take microseconds), so once every CPU has
	 * been read, all events up to then are here and can be applied in order.
	 */
	clock_gettime(CLOCK_MONOTONIC, &now);
	until = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	until = t->draining ? UINT64_MAX : until - MERGE_SLACK_NS;
	for (c = 0; c < t->nr_cpus; c++) {
		for (k = 0; k < MAX_PAGES_PER_CPU; k++) {
			n = mf_recorder_read(t->rec, (unsigned int)c, t->page);
			if (n < 0) {
				snprintf(err, errlen, "cpu%d: cannot read the ring buffer: %s", c,
					 strerror(-n));
				return n;
			}
			if (!n)
				break;
			n = mf_reader_live_page(t->lr, c, t->page, collect, &t->cpu[c]);
			if (n < 0) {
				snprintf(err, errlen, "cpu%d: cannot decode a sub-buffer: %s", c,
					 strerror(-n));
				return n;
			}
			if (t->cpu[c].oom) {
				snprintf(err, errlen, "events: %s", strerror(ENOMEM));
				return -ENOMEM;
			}
			pages++;
		}
		/* not read dry: its unread events may be older than the others' newest */
		if (k == MAX_PAGES_PER_CPU && t->cpu[c].len &&
		    t->cpu[c].ev[t->cpu[c].len - 1].ts < until)
			until = t->cpu[c].ev[t->cpu[c].len - 1].ts;
	}
	merge(t, until);
	ret = seed_poll(t, false, err, errlen);
	return ret < 0 ? ret : pages;
}

/* ---- seeding -------------------------------------------------------------------------- */

static void *seed_main(void *arg)
{
	struct mf_top *t = arg;
	uint64_t blocks;
	int ret;

	ret = mf_state_load(&t->seed_st, "/proc", t->seed_err, sizeof(t->seed_err));
	if (!ret) {
		t->next_m = mf_replay_model_new(&t->seed_st, t->nr_cpus, t->seed_err,
						sizeof(t->seed_err));
		ret = t->next_m ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = mf_replay_seed_model(t->next_m, &t->seed_st, &blocks, t->seed_err,
					   sizeof(t->seed_err));
	t->seed_ret = ret;
	atomic_store(&t->seed_done, true);
	return NULL;
}

/*
 * Start a scan in the background (nothing when one runs or waits to take over): the marker
 * first, so that every event the scan may miss comes after it.
 */
static int seed_start(struct mf_top *t, char *err, size_t errlen)
{
	int ret;

	if (t->seed != SEED_IDLE || t->o->no_seed)
		return 0;
	snprintf(t->marker, sizeof(t->marker), "mmfrag-top-seed %d %u", (int)getpid(),
		 ++t->nr_seeds);
	t->marker_seen = false;
	t->nr_backlog = 0;
	t->backlog_full = false;
	ret = mf_recorder_mark(t->rec, t->marker);
	if (ret) {
		t->marker[0] = 0;
		snprintf(err, errlen, "cannot write the seeding marker into instance %s: %s",
			 mf_recorder_instance(t->rec), strerror(-ret));
		return ret;
	}
	atomic_store(&t->seed_done, false);
	ret = pthread_create(&t->seed_thread, NULL, seed_main, t);
	if (ret) {
		t->marker[0] = 0;
		snprintf(err, errlen, "cannot start the kpageflags scan: %s", strerror(ret));
		return -ret;
	}
	t->seed = SEED_SCANNING;
	return 0;
}

/* Give the scanned model up (the marker is then ignored when it comes). */
static void seed_drop(struct mf_top *t)
{
	mf_model_free(t->next_m);
	t->next_m = NULL;
	t->marker[0] = 0;
	t->marker_seen = false;
	t->nr_backlog = 0;
	t->seed = SEED_IDLE;
}

/*
 * A finished scan takes over once the events have reached its marker.  Without kpageflags
 * (-ENOENT) the model stays unseeded.  0 or -errno.
 */
static int seed_poll(struct mf_top *t, bool wait, char *err, size_t errlen)
{
	if (t->seed == SEED_SCANNING && (wait || atomic_load(&t->seed_done))) {
		pthread_join(t->seed_thread, NULL);
		t->seed = SEED_READY;
		if (t->seed_ret == -ENOENT) {
			seed_drop(t);
			return 0;
		}
		if (t->seed_ret) {
			seed_drop(t);
			snprintf(err, errlen, "%s", t->seed_err);
			return t->seed_ret;
		}
	}
	if (t->seed == SEED_READY && t->backlog_full)
		seed_drop(t);	/* a scan of minutes: the next drift check starts another */
	else if (t->seed == SEED_READY && t->marker_seen)
		seed_take_over(t);
	return 0;
}

int mf_top_open(struct mf_top **tp, const struct mf_top_opts *o, char *warn, size_t warnlen,
		char *err, size_t errlen)
{
	struct mf_recorder_opts ro = { .data_prefix = NULL, .buffer_kib = o->buffer_kib };
	struct tep_handle *tep;
	struct mf_top *t;
	uint64_t maxpfn = 0;
	int ret, z, c, tries;

	*tp = t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->o = o;
	t->reporting_order = mf_capture_reporting_order();
	ret = mf_state_load(&t->st, "/proc", err, errlen);
	if (ret)
		return ret;
	if (!t->st.has_zoneinfo || !t->st.has_pagetypeinfo) {
		snprintf(err, errlen, "/proc/zoneinfo and /proc/pagetypeinfo are needed (root): "
			 "run mmfrag top as root");
		return -EACCES;
	}
	ret = mf_recorder_open(&t->rec, &ro, warn, warnlen, err, errlen);
	if (ret)
		return ret;
	tep = mf_recorder_tep(t->rec, err, errlen);
	if (!tep)
		return -EIO;
	ret = mf_reader_open_live(tep, &t->lr, err, errlen);
	if (ret)
		return ret;
	t->nr_cpus = (int)mf_recorder_nr_cpus(t->rec);
	t->page = malloc((size_t)mf_recorder_page_size(t->rec));
	t->cpu = calloc((size_t)t->nr_cpus, sizeof(*t->cpu));
	t->m = mf_replay_model_new(&t->st, t->nr_cpus, err, errlen);
	if (!t->m)
		return -ENOMEM;
	t->pbo = mf_model_params(t->m)->pageblock_order;
	t->obs = mf_observer_new(t->pbo);
	for (z = 0; z < mf_model_nr_zones(t->m); z++)
		if (mf_model_zone(t->m, z)->end_pfn > maxpfn)
			maxpfn = mf_model_zone(t->m, z)->end_pfn;
	t->nr_pb = (maxpfn >> t->pbo) + 1;
	t->pb_polluter = calloc(t->nr_pb, sizeof(*t->pb_polluter));
	if (!t->page || !t->cpu || !t->obs || !t->pb_polluter) {
		snprintf(err, errlen, "cannot set up the live view: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	mf_observer_set_stall_fn(t->obs, on_stall, t);

	ret = mf_recorder_start(t->rec, err, errlen);
	if (ret)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
	t->t_frame = t->t0;
	t->has_vmstat = read_vmstat(t->vm0);
	memcpy(t->vm_prev, t->vm0, sizeof(t->vm0));
	for (c = 0; c < t->nr_cpus; c++)
		t->cpu[c].t = t;
	/* the first scan: pump meanwhile, and wait until its model has taken over */
	for (tries = 0; !ret && !t->seeded && !o->no_seed && tries < 3; tries++) {
		ret = seed_start(t, err, errlen);
		for (c = 0; !ret && t->seed != SEED_IDLE && c < 60000; c++) {
			ret = mf_top_pump(t, err, errlen);	/* polls the scan too */
			if (ret >= 0 && t->seed != SEED_IDLE) {
				ret = 0;
				nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
			}
		}
		if (ret > 0)
			ret = 0;
		if (!ret && !t->seeded && t->seed_ret == -ENOENT)
			break;
	}
	if (ret < 0)
		return ret;
	if (!o->no_seed && !t->seeded && warn && warnlen)
		snprintf(warn + strlen(warn), warnlen - strlen(warn), "%s/proc/kpageflags is "
			 "not readable: the model's free lists start empty", *warn ? "\n" : "");
	return 0;
}

/* ---- frames --------------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void percentiles(struct u64vec *v, struct mf_top_lat *l)
{
	memset(l, 0, sizeof(*l));
	if (!v->len)
		return;
	qsort(v->v, v->len, sizeof(*v->v), cmp_u64);
	l->count = v->len;
	/* nearest rank: the smallest value with at least p% of the stalls at or below it */
	l->p50 = v->v[(v->len * 50 + 99) / 100 - 1];
	l->p90 = v->v[(v->len * 90 + 99) / 100 - 1];
	l->p99 = v->v[(v->len * 99 + 99) / 100 - 1];
	l->max = v->v[v->len - 1];
}

static enum mf_top_sort sort_key;

static uint64_t sort_val(const struct mf_top_task *k)
{
	switch (sort_key) {
	case MF_TOP_SORT_TIME:		return k->stall_ns;
	case MF_TOP_SORT_FALLBACK:	return k->fallbacks;
	case MF_TOP_SORT_FRAG:		return k->fragmenting;
	case MF_TOP_SORT_POLLUTED:	return k->polluted;
	default:			return k->stall;
	}
}

/* Descending by the key (pid ascending for ties, and for the pid key). */
static int cmp_task(const void *a, const void *b)
{
	const struct mf_top_task *x = a, *y = b;

	if (sort_key != MF_TOP_SORT_PID) {
		uint64_t vx = sort_val(x), vy = sort_val(y);

		if (vx != vy)
			return vx > vy ? -1 : 1;
	}
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* /proc/buddyinfo parsed into *bi: buddyinfo only (zoneinfo and pagetypeinfo take zone locks). */
static bool read_buddyinfo(struct mf_state *bi)
{
	char buf[8192], err[256];
	size_t len = 0, n;
	FILE *fp = fopen("/proc/buddyinfo", "re");

	if (!fp)
		return false;
	while (len + 1 < sizeof(buf) && (n = fread(buf + len, 1, sizeof(buf) - 1 - len, fp)) > 0)
		len += n;
	fclose(fp);
	buf[len] = 0;
	return len + 1 < sizeof(buf) && !mf_state_parse(bi, buf, NULL, NULL, err, sizeof(err));
}

/* Write a check's markers around a read of buddyinfo (see the top of this file). */
static int check_start(struct mf_top *t, char *err, size_t errlen)
{
	struct check *c = &t->check;
	int ret;

	if (c->pending)
		return 0;	/* the last one not reached yet: it stands */
	c->seq++;
	snprintf(c->marker[0], sizeof(c->marker[0]), "mmfrag-top-check-begin %d %u",
		 (int)getpid(), c->seq);
	snprintf(c->marker[1], sizeof(c->marker[1]), "mmfrag-top-check-end %d %u",
		 (int)getpid(), c->seq);
	c->edges = 0;
	c->pending = true;
	ret = mf_recorder_mark(t->rec, c->marker[0]);
	if (!ret) {
		c->have_bi = read_buddyinfo(&c->bi);
		ret = mf_recorder_mark(t->rec, c->marker[1]);
	}
	if (ret) {
		c->pending = false;
		snprintf(err, errlen, "cannot write a check marker into instance %s: %s",
			 mf_recorder_instance(t->rec), strerror(-ret));
	}
	return ret;
}

/* Pump until the model has reached the check's end marker, CHECK_WAIT_MS at most. */
static int check_wait(struct mf_top *t, char *err, size_t errlen)
{
	int i, ret;

	for (i = 0; t->check.pending && i < CHECK_WAIT_MS; i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		ret = mf_top_pump(t, err, errlen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * The zones: the model's free lists and indices now, and its drift at the last resolved
 * check (per zone, and over all zones).
 */
static void fill_zones(struct mf_top *t, struct mf_top_frame *f)
{
	const struct check *c = &t->check;
	uint64_t node_present[MF_MAX_ZONES] = { 0 }, diff = 0, total = 0;
	int z, nr_orders = mf_model_params(t->m)->max_order + 1;

	f->nr_zones = mf_model_nr_zones(t->m);
	for (z = 0; z < f->nr_zones; z++) {
		const struct mf_zone_desc *zd = mf_model_zone(t->m, z);

		if (zd->node >= 0 && zd->node < MF_MAX_ZONES)
			node_present[zd->node] += zd->present;
	}
	f->check_age = c->done ? c->seq - c->done : c->seq;
	for (z = 0; z < f->nr_zones; z++) {
		const struct mf_zone_desc *zd = mf_model_zone(t->m, z);
		struct mf_top_zone *fz = &f->zones[z];
		uint64_t nr_free[MF_MAX_ORDERS] = { 0 };

		fz->node = zd->node;
		snprintf(fz->name, sizeof(fz->name), "%s", zd->name);
		mf_model_zone_nr_free(t->m, z, nr_free);
		mf_zone_metrics_compute(&fz->m, nr_free, nr_orders, f->hpage_order, zd->present,
					zd->node >= 0 && zd->node < MF_MAX_ZONES ?
						node_present[zd->node] : zd->present);
		memset(fz->kernel_nr_free, 0, sizeof(fz->kernel_nr_free));
		if (c->have_bi)
			zone_kernel(t, &c->bi, z, fz->kernel_nr_free);
		fz->drift = c->done ? c->drift[z] : 0;
		fz->reporting_blocks = c->done ? c->reporting[z] : 0;
		if (c->done) {
			diff += c->diff[z];
			total += c->total[z];
		}
	}
	f->drift = total ? (double)diff / (double)total : (diff ? 1.0 : 0.0);
}

int mf_top_frame(struct mf_top *t, struct mf_top_frame *f, enum mf_top_sort sort, int order,
		 bool final, char *err, size_t errlen)
{
	const struct mf_observed *r;
	struct mf_recorder_stats rs;
	int64_t vm[3];
	double now_s = since(&t->t0);
	size_t i, n;
	int ret;

	memset(f, 0, sizeof(*f));
	if (final && !t->stopped) {
		/* the kernel's counters and buddyinfo first: the trace then covers them */
		t->has_vmstat = t->has_vmstat && read_vmstat(vm);
		ret = check_start(t, err, errlen);
		if (ret)
			return ret;
		ret = mf_recorder_stop(t->rec, err, errlen);
		if (ret)
			return ret;
		/* tracing is off: read until every buffer is dry, and apply it all */
		t->stopped = false;
		t->draining = true;
		while ((ret = mf_top_pump(t, err, errlen)) > 0)
			;
		if (ret >= 0)
			ret = mf_top_pump(t, err, errlen);	/* the last held-back events */
		t->stopped = true;
		if (ret < 0)
			return ret;
		mf_observer_finish(t->obs);
	} else {
		ret = mf_top_pump(t, err, errlen);
		if (ret < 0)
			return ret;
		t->has_vmstat = t->has_vmstat && read_vmstat(vm);
		ret = check_start(t, err, errlen);
		if (!ret)
			ret = check_wait(t, err, errlen);
		if (ret < 0)
			return ret;
	}
	r = mf_observer_result(t->obs);

	f->final = final;
	f->time_s = now_s;
	f->interval_s = since(&t->t_frame);
	clock_gettime(CLOCK_MONOTONIC, &t->t_frame);
	f->pageblock_order = t->pbo;
	f->hpage_order = mf_hpage_order_clamp(mf_model_params(t->m)->max_order);
	f->order = order <= mf_model_params(t->m)->max_order ? order : f->hpage_order;
	f->seeded = t->seeded;
	f->drift_threshold = t->o->drift_threshold;

	f->cp.stall = r->direct.stall;
	f->cp.success = r->direct.success;
	f->cp.fail = r->direct.fail;
	f->cp_interval.stall = r->direct.stall - t->prev.direct.stall;
	f->cp_interval.success = r->direct.success - t->prev.direct.success;
	f->cp_interval.fail = r->direct.fail - t->prev.direct.fail;
	f->unresolved = r->direct_unresolved;
	f->has_vmstat = t->has_vmstat;
	if (t->has_vmstat) {
		f->vm.stall = (uint64_t)(vm[0] - t->vm0[0]);
		f->vm.success = (uint64_t)(vm[1] - t->vm0[1]);
		f->vm.fail = (uint64_t)(vm[2] - t->vm0[2]);
		f->vm_interval.stall = (uint64_t)(vm[0] - t->vm_prev[0]);
		f->vm_interval.success = (uint64_t)(vm[1] - t->vm_prev[1]);
		f->vm_interval.fail = (uint64_t)(vm[2] - t->vm_prev[2]);
		memcpy(t->vm_prev, vm, sizeof(vm));
	}
	percentiles(&t->lat_win, &f->lat_interval);
	t->lat_win.len = 0;
	percentiles(&t->lat_all, &f->lat);

	f->kcompactd_wake = r->kcompactd_wake;
	f->kcompactd_runs = r->runs_kcompactd;
	f->proactive_runs = r->runs_proactive;
	f->kcompactd_wake_i = r->kcompactd_wake - t->prev.kcompactd_wake;
	f->kcompactd_runs_i = r->runs_kcompactd - t->prev.runs_kcompactd;
	f->proactive_runs_i = r->runs_proactive - t->prev.runs_proactive;
	for (i = 0; i < MF_MAX_MT; i++) {
		size_t j;

		for (j = 0; j < MF_MAX_MT; j++) {
			f->fallbacks += r->fallback[i][j][0] + r->fallback[i][j][1];
			f->fallbacks_i += r->fallback[i][j][0] + r->fallback[i][j][1] -
					  t->prev.fallback[i][j][0] - t->prev.fallback[i][j][1];
		}
	}
	f->fragmenting = r->fallback_fragmenting;
	f->fragmenting_i = r->fallback_fragmenting - t->prev.fallback_fragmenting;
	t->prev = *r;

	f->events = t->events;
	f->lru_insertions = t->lru_insertions;
	f->events_i = t->events - t->events_prev;
	t->events_prev = t->events;
	if (f->interval_s >= 0.2 && (uint64_t)(f->events_i / f->interval_s) > t->peak_rate)
		t->peak_rate = (uint64_t)(f->events_i / f->interval_s);
	f->peak_events_per_s = t->peak_rate;
	if (!mf_recorder_poll(t->rec, &rs, err, errlen))
		f->lost_events = rs.lost > t->missed ? rs.lost : t->missed;
	else
		f->lost_events = t->missed;

	fill_zones(t, f);
	f->reanchors = t->reanchors;
	if (!final && t->seeded && t->o->drift_threshold > 0 && f->drift > t->o->drift_threshold) {
		/* re-anchor: a fresh scan takes over when done (a few frames later at most) */
		if (t->seed == SEED_IDLE) {
			ret = seed_start(t, err, errlen);
			if (ret)
				return ret;
			t->reanchors++;
		}
	}

	free(t->sorted);
	t->sorted = malloc((t->nr_tasks ? t->nr_tasks : 1) * sizeof(*t->sorted));
	if (!t->sorted) {
		snprintf(err, errlen, "tasks: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0, n = 0; i < t->cap_tasks; i++)
		if (t->tasks[i].comm[0])
			t->sorted[n++] = t->tasks[i];
	sort_key = sort;
	qsort(t->sorted, n, sizeof(*t->sorted), cmp_task);
	f->sort = sort;
	f->nr_tasks = (int)n;
	f->tasks = t->sorted;
	return 0;
}

double mf_top_elapsed(const struct mf_top *t)
{
	return since(&t->t0);
}

int mf_top_close(struct mf_top *t, char *err, size_t errlen)
{
	int c, ret;

	if (!t)
		return 0;
	if (t->seed == SEED_SCANNING)
		pthread_join(t->seed_thread, NULL);
	mf_model_free(t->next_m);
	ret = mf_recorder_close(t->rec, err, errlen);
	mf_reader_close_live(t->lr);
	mf_model_free(t->m);
	mf_observer_free(t->obs);
	for (c = 0; t->cpu && c < t->nr_cpus; c++)
		free(t->cpu[c].ev);
	free(t->cpu);
	free(t->page);
	free(t->tasks);
	free(t->sorted);
	free(t->pb_polluter);
	free(t->backlog);
	free(t->lat_all.v);
	free(t->lat_win.v);
	free(t);
	return ret;
}
