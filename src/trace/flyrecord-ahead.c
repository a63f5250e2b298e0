// SPDX-License-Identifier: GPL-2.0
/*
 * Read-ahead of compressed flyrecord data (mf_fly_readahead()): a thread of its own reads
 * and decompresses each CPU's next chunks into a small ring of buffers while the thread
 * that reads records parses pages and decodes them.
 *
 * Why: zstd decompression was 58% of the reading thread's time on compaction-v7 (perf,
 * sixth round), and that thread was the replay's critical path while the model thread
 * waited for batches a third of the time.  On two cores the decompression now runs in
 * that idle time, and ahead of the records while the model is seeded at the start.
 *
 * Per CPU a ring of RA_SLOTS buffers: the reader holds one (the chunk it parses, which
 * the records it handed out point into), the thread fills the others in the CPU's order.
 * The thread serves first the CPU the reader waits for, then the CPU with the fewest
 * chunks ready.  What is read and checked, and every message, is fill()'s (fly_chunk_head(),
 * fly_chunk_data()); the end of a CPU's data and an error are slots of their own, handed
 * out when the reader reaches them, so records come out as without the thread and an
 * error after the same records.
 *
 * Memory: reading ahead waits when the slots' capacity together would pass the file's
 * size plus max_buffers (the bound of flyrecord.h), or RA_BUDGET beyond the one buffer per
 * CPU the reader had when the thread started, or RA_BUDGET of chunks ready.  Whether a
 * chunk is refused for the bound is the reader's own rule (grow_cpu(): its buffer per CPU
 * grows to the largest chunk read, and the CPUs' buffers together stay within the bound),
 * applied when the reader takes the chunk, and by the thread already when the reader waits
 * for it: so both readers refuse the same files, after the same records, with the same
 * message.  Counting the thread's slots instead refused files the reader alone reads (a
 * 1 MiB chunk, then one of the bound less 0.5 MiB); the slots may now pass the bound by
 * the chunk the reader waits for and what was read ahead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flyrecord-local.h"

#define RA_SLOTS	8		/* per CPU: the reader's chunk and up to 7 ahead */
#define RA_BUDGET	(16U << 20)	/* bytes of pages ready ahead, all CPUs */
#define RA_MAX_CPUS	256		/* more CPUs with data: no thread (a scan per chunk) */

struct ra_slot {
	unsigned char	*buf;
	size_t		cap;		/* bytes for pages, SLACK not counted */
	size_t		len;		/* bytes of pages in buf */
	uint32_t	us;		/* the chunk's bytes of pages, once its head is read */
	int		ret;		/* 1 pages, 0 end of the CPU's data, < 0 error */
};

struct ra_cpu {
	struct ra_slot	slot[RA_SLOTS];
	uint64_t	filled, taken;	/* slots filled by the thread, taken by the reader */
	uint64_t	pos, end;	/* the thread's place in the CPU's data */
	uint32_t	chunks;		/* chunks left */
	uint32_t	plain_cap;	/* the reader's buffer without the thread: largest taken */
	bool		has_data;
	bool		finished;	/* its end or error slot is filled */
	char		*err;		/* the error slot's message */
};

struct fly_ra {
	pthread_t	thread;
	pthread_mutex_t	lock;
	pthread_cond_t	cond;		/* a slot filled or taken, a CPU wanted, stop */
	struct ra_cpu	*cpus;
	int		nr_cpus;
	int		want;		/* CPU the reader waits for, or -1 */
	bool		stop;
	uint64_t	gen;		/* counts the reader's takes and wants, and stop */
	size_t		budget;		/* RA_BUDGET, or less (tests) */
	size_t		alloc;		/* capacity of all slots */
	size_t		ready;		/* bytes of pages filled and not taken */
	size_t		base;		/* capacity when the thread started */
	unsigned char	*zbuf;		/* the thread's compressed chunk */
	size_t		zcap;
};

/* Slots the thread may fill: neither ready nor the reader's (taken - 1). */
static inline uint64_t free_slots(const struct ra_cpu *rc)
{
	return RA_SLOTS - 1 - (rc->filled - rc->taken);
}

/* The CPU to fill next: the one the reader waits for, else the fewest ready; -1 none. */
static int pick(const struct fly_ra *ra)
{
	uint64_t best_ready = RA_SLOTS - 1;
	int cpu, best = -1;

	if (ra->want >= 0 && !ra->cpus[ra->want].finished &&
	    ra->cpus[ra->want].filled == ra->cpus[ra->want].taken)
		return ra->want;
	for (cpu = 0; cpu < ra->nr_cpus; cpu++) {
		const struct ra_cpu *rc = &ra->cpus[cpu];

		if (!rc->has_data || rc->finished || rc->filled - rc->taken >= best_ready)
			continue;
		best = cpu;
		best_ready = rc->filled - rc->taken;
		if (!best_ready)
			break;
	}
	return best;
}

/* Drop the buffers of every CPU's free slots but skip (the one about to be filled). */
static void drop_free(struct fly_ra *ra, const struct ra_slot *skip)
{
	int cpu;

	for (cpu = 0; cpu < ra->nr_cpus; cpu++) {
		struct ra_cpu *rc = &ra->cpus[cpu];
		uint64_t k;

		for (k = 0; k < free_slots(rc); k++) {
			struct ra_slot *s = &rc->slot[(rc->filled + k) % RA_SLOTS];

			if (s == skip || !s->buf)
				continue;
			free(s->buf);
			ra->alloc -= s->cap;
			s->buf = NULL;
			s->cap = 0;
		}
	}
}

/* The CPU's slot s ends its data (ret 0) or holds an error; called with the lock held. */
static void finish(struct fly_ra *ra, struct ra_cpu *rc, struct ra_slot *s, int ret,
		   const char *msg)
{
	s->ret = ret;
	s->len = 0;
	if (!ret)
		s->us = 0;
	if (ret < 0)
		rc->err = strdup(msg);
	rc->finished = true;
	rc->filled++;
	pthread_cond_broadcast(&ra->cond);
}

/*
 * grow_cpu()'s rule: whether the reader without the thread refuses cpu's next chunk of us
 * bytes of pages, its buffers being the largest chunk taken per CPU.  Lock held.
 */
static bool bound_refuses(const struct mf_fly *f, const struct fly_ra *ra, int cpu, uint32_t us)
{
	uint64_t sum = us;
	int k;

	if (us <= ra->cpus[cpu].plain_cap)
		return false;
	for (k = 0; k < ra->nr_cpus; k++)
		if (k != cpu)
			sum += ra->cpus[k].plain_cap;
	return sum > f->max_buffers + f->file_size;
}

static void bound_msg(const struct mf_fly *f, char *msg, size_t len, int cpu, uint32_t us)
{
	fly_err_to(f, msg, len, "CPU %d: a chunk of %u bytes of pages takes the CPUs' buffers "
		   "past %llu MiB beyond the file's size (damaged or hostile file)", cpu, us,
		   (unsigned long long)(f->max_buffers >> 20));
}

/*
 * Room for us bytes of pages in slot s of CPU cpu: 0, 1 when reading ahead must wait,
 * < 0 with msg set when the reader's chunk passes the bound.  Lock held.
 */
static int reserve(struct mf_fly *f, struct fly_ra *ra, struct ra_slot *s, int cpu, bool need,
		   uint32_t us, char *msg, size_t len)
{
	uint64_t bound = f->max_buffers + f->file_size;
	size_t grow = us > s->cap ? us - s->cap : 0;

	if (!need && (ra->ready + us > ra->budget || ra->alloc + grow > bound ||
		      ra->alloc + grow > ra->base + ra->budget))
		return 1;
	if (need && ra->alloc + grow > bound)
		drop_free(ra, s);
	if (need && bound_refuses(f, ra, cpu, us)) {
		bound_msg(f, msg, len, cpu, us);
		return -EINVAL;
	}
	ra->alloc += grow;
	return 0;
}

static void *ra_thread(void *arg)
{
	struct mf_fly *f = arg;
	struct fly_ra *ra = f->ra;
	char msg[sizeof(f->err)];
	struct ra_cpu *rc;
	struct ra_slot *s;
	uint32_t zs, us;
	uint64_t gen;
	int cpu, ret;
	bool need;

	pthread_mutex_lock(&ra->lock);
	while (!ra->stop) {
		cpu = pick(ra);
		if (cpu < 0) {
			pthread_cond_wait(&ra->cond, &ra->lock);
			continue;
		}
		rc = &ra->cpus[cpu];
		s = &rc->slot[rc->filled % RA_SLOTS];
		msg[0] = 0;
		if (!rc->chunks) {
			fly_cpu_end(f, cpu, rc->pos);
			finish(ra, rc, s, 0, NULL);
			continue;
		}
		gen = ra->gen;
		s->us = 0;
		pthread_mutex_unlock(&ra->lock);
		ret = fly_chunk_head(f, cpu, rc->pos, rc->end - rc->pos, &zs, &us, msg, sizeof(msg));
		pthread_mutex_lock(&ra->lock);
		if (!ret)
			s->us = us;
		/* the reader may have come to wait for this CPU meanwhile */
		need = rc->filled == rc->taken;
		if (!ret)
			ret = reserve(f, ra, s, cpu, need, us, msg, sizeof(msg));
		if (ret == 1) {
			/*
			 * ahead far enough: until the reader takes a chunk, waits or stops.  What
			 * it did while the header was read counts too: its wake-up found nobody
			 * waiting, and waiting for the next one could be for ever (the reader
			 * waiting for another CPU, or fly_ra_stop() in pthread_join()).
			 */
			if (ra->gen == gen)
				pthread_cond_wait(&ra->cond, &ra->lock);
			continue;
		}
		if (ret < 0) {
			finish(ra, rc, s, ret, msg);
			continue;
		}
		pthread_mutex_unlock(&ra->lock);
		/* the slot is the thread's until filled++: the reader does not look at it */
		if (us > s->cap) {
			unsigned char *nb = realloc(s->buf, (size_t)us + SLACK);

			if (nb) {
				s->buf = nb;
				s->cap = us;
			} else {
				ret = -ENOMEM;
			}
		}
		if (!ret && zs > ra->zcap) {
			unsigned char *nb = realloc(ra->zbuf, (size_t)zs + SLACK);

			if (nb) {
				ra->zbuf = nb;
				ra->zcap = zs;
			} else {
				ret = -ENOMEM;
			}
		}
		if (ret)
			fly_err_to(f, msg, sizeof(msg), "%s", strerror(ENOMEM));
		else
			ret = fly_chunk_data(f, cpu, rc->pos, zs, us, ra->zbuf, s->buf, msg,
					     sizeof(msg));
		pthread_mutex_lock(&ra->lock);
		if (s->cap < us)	/* realloc failed: the reservation goes */
			ra->alloc -= us - s->cap;
		if (ret < 0) {
			finish(ra, rc, s, ret, msg);
			continue;
		}
		s->len = us;
		s->ret = 1;
		rc->pos += 8 + zs;
		rc->chunks--;
		ra->ready += us;
		__atomic_store_n(&f->data_read, f->data_read + 8 + zs, __ATOMIC_RELAXED);
		rc->filled++;
		pthread_cond_broadcast(&ra->cond);
	}
	pthread_mutex_unlock(&ra->lock);
	return NULL;
}

int fly_ra_take(struct mf_fly *f, struct fly_cpu *c, int cpu)
{
	struct fly_ra *ra = f->ra;
	struct ra_cpu *rc = &ra->cpus[cpu];
	struct ra_slot *s;
	bool refused;

	pthread_mutex_lock(&ra->lock);
	while (rc->filled == rc->taken) {
		ra->want = cpu;
		ra->gen++;
		pthread_cond_broadcast(&ra->cond);
		pthread_cond_wait(&ra->cond, &ra->lock);
	}
	if (ra->want == cpu)
		ra->want = -1;
	s = &rc->slot[rc->taken % RA_SLOTS];
	rc->taken++;		/* the slot held before is free: the thread may fill it */
	ra->ready -= s->len;
	ra->gen++;
	/* the reader alone would have refused it here, before its data (grow_cpu()) */
	refused = s->us && bound_refuses(f, ra, cpu, s->us);
	if (!refused && s->ret > 0 && s->us > rc->plain_cap)
		rc->plain_cap = s->us;
	pthread_cond_broadcast(&ra->cond);
	pthread_mutex_unlock(&ra->lock);
	if (refused) {
		if (!f->err[0])
			bound_msg(f, f->err, sizeof(f->err), cpu, s->us);
		return -EINVAL;
	}
	if (s->ret <= 0) {
		if (s->ret < 0 && !f->err[0])
			snprintf(f->err, sizeof(f->err), "%s", rc->err ? rc->err : strerror(-s->ret));
		return s->ret;
	}
	c->buf = s->buf;
	c->cap = s->cap;
	c->len = s->len;
	c->next = 0;
	return 1;
}

int mf_fly_readahead(struct mf_fly *f, size_t budget)
{
	struct fly_ra *ra;
	int cpu, n = 0, ret;

	if (f->ra || !f->compressed || !f->cpus)
		return 0;
	for (cpu = 0; cpu < f->nr_cpus; cpu++)
		n += f->cpus[cpu].has_data;
	if (n > RA_MAX_CPUS)
		return 0;
	ra = calloc(1, sizeof(*ra));
	if (!ra || !(ra->cpus = calloc(f->nr_cpus, sizeof(*ra->cpus)))) {
		free(ra);
		return -ENOMEM;
	}
	ra->nr_cpus = f->nr_cpus;
	ra->want = -1;
	ra->budget = budget && budget < RA_BUDGET ? budget : RA_BUDGET;
	for (cpu = 0; cpu < f->nr_cpus; cpu++) {
		struct fly_cpu *c = &f->cpus[cpu];
		struct ra_cpu *rc = &ra->cpus[cpu];

		rc->has_data = c->has_data;
		rc->finished = c->done || !c->has_data;
		rc->pos = c->pos;
		rc->end = c->end;
		rc->chunks = c->chunks;
		/* grow_cpu()'s buffer so far: the bound's rule goes on from there */
		rc->plain_cap = c->cap > UINT32_MAX ? UINT32_MAX : (uint32_t)c->cap;
		if (c->buf) {
			/* the chunk the reader parses now is the slot it holds */
			rc->slot[0].buf = c->buf;
			rc->slot[0].cap = c->cap;
			rc->slot[0].len = c->len;
			rc->slot[0].ret = 1;
			rc->filled = rc->taken = 1;
			ra->alloc += c->cap;
		}
	}
	ra->base = ra->alloc;
	if (pthread_mutex_init(&ra->lock, NULL)) {
		free(ra->cpus);
		free(ra);
		return -ENOMEM;
	}
	if (pthread_cond_init(&ra->cond, NULL)) {
		pthread_mutex_destroy(&ra->lock);
		free(ra->cpus);
		free(ra);
		return -ENOMEM;
	}
	f->ra = ra;
	ret = pthread_create(&ra->thread, NULL, ra_thread, f);
	if (ret) {
		f->ra = NULL;
		pthread_cond_destroy(&ra->cond);
		pthread_mutex_destroy(&ra->lock);
		free(ra->cpus);
		free(ra);
		return -ret;
	}
	return 0;
}

void fly_ra_stop(struct mf_fly *f)
{
	struct fly_ra *ra = f->ra;
	int cpu, k;

	if (!ra)
		return;
	pthread_mutex_lock(&ra->lock);
	ra->stop = true;
	ra->gen++;
	pthread_cond_broadcast(&ra->cond);
	pthread_mutex_unlock(&ra->lock);
	pthread_join(ra->thread, NULL);
	pthread_cond_destroy(&ra->cond);
	pthread_mutex_destroy(&ra->lock);
	for (cpu = 0; cpu < ra->nr_cpus; cpu++) {
		/* the CPUs' buffers are slots now */
		f->cpus[cpu].buf = NULL;
		f->cpus[cpu].cap = 0;
		for (k = 0; k < RA_SLOTS; k++)
			free(ra->cpus[cpu].slot[k].buf);
		free(ra->cpus[cpu].err);
	}
	free(ra->cpus);
	free(ra->zbuf);
	free(ra);
	f->ra = NULL;
}
