/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_RECORDER_H
#define MMFRAG_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mf_tracedat;
struct tep_handle;

/*
 * Live capture of trace events into per-CPU files of raw ring-buffer sub-buffers, through a
 * private tracefs instance "mmfrag-<pid>" (the only user of libtracefs).  The top-level
 * buffer and the function tracer's files are never touched: the instance has its own
 * buffer, event switches, trace_marker and tracing_on.
 *
 * Life cycle: mf_recorder_open() (instance, buffers, events, reader threads; tracing off)
 * -> mf_recorder_start() -> mf_recorder_mark()/mf_recorder_poll() -> mf_recorder_stop()
 * (tracing off, readers drained) -> mf_recorder_header() -> mf_recorder_close() (events
 * off, instance removed, per-CPU files removed).  mf_recorder_close() is safe at any step.
 */

#define MF_RECORDER_MAX_EVENTS	64

struct mf_recorder_opts {
	/*
	 * Per-CPU files are <data_prefix>.cpuN.  NULL: live mode (mmfrag top): no files and
	 * no reader threads; the caller takes each CPU's sub-buffers with mf_recorder_read().
	 */
	const char	*data_prefix;
	size_t		buffer_kib;	/* per-CPU ring buffer */
	/*
	 * "system:event", "system:*" or "system"; "default" stands for the events replay
	 * uses.  NULL/0: the default set.  Unknown names are an error, missing default
	 * events only a warning.
	 */
	const char	**events;
	unsigned int	nr_events;
};

struct mf_recorder;

/* One line per recorded event type, for the summary. */
struct mf_recorder_count {
	char		name[64];
	uint64_t	count;
};

struct mf_recorder_stats {
	double		seconds;	/* since mf_recorder_start() */
	uint64_t	events;		/* decoded from the sub-buffers read so far */
	uint64_t	lost;		/* overrun + commit overrun + dropped events, all CPUs */
	uint64_t	bytes;		/* sub-buffer bytes written to the per-CPU files */
	uint64_t	peak_rate;	/* events/s peak: as read, by trace time after stop */
};

struct mf_recorder_cpu_stats {
	uint64_t	pages;
	uint64_t	bytes;
	uint64_t	events;
	uint64_t	lost;		/* from per_cpu/cpuN/stats */
	uint64_t	missed_pages;	/* sub-buffers flagged RB_MISSED_EVENTS */
};

/*
 * mf_recorder_open - create the instance and everything that records into it
 *
 * Also removes stale instances "mmfrag-<pid>" whose pid is gone (a recorder killed by
 * SIGKILL).  Returns 0, or -errno with one line in @err (what failed and how to fix it).
 * @warn gets what the caller should tell the user, one message per line ("" when none):
 * stale instances removed, and on success the default events this kernel lacks.
 */
int mf_recorder_open(struct mf_recorder **rp, const struct mf_recorder_opts *o,
		     char *warn, size_t warnlen, char *err, size_t errlen);

/* Turn tracing on in the instance. */
int mf_recorder_start(struct mf_recorder *r, char *err, size_t errlen);

/* Write @text into the instance's trace_marker (an ftrace print event); 0 or -errno. */
int mf_recorder_mark(struct mf_recorder *r, const char *text);

/*
 * mf_recorder_poll - progress figures; updates the peak rate.  Returns 0, or -errno when a
 * reader thread failed (e.g. ENOSPC writing its file), with the message in @err.
 */
int mf_recorder_poll(struct mf_recorder *r, struct mf_recorder_stats *s, char *err, size_t errlen);

/* Tracing off, readers drained and joined.  0 or -errno (a reader's write error). */
int mf_recorder_stop(struct mf_recorder *r, char *err, size_t errlen);

/*
 * mf_recorder_header - fill @td with what the trace.dat header needs: header_page and
 * header_event, ftrace formats, the formats of every event of the recorded systems,
 * printk formats, /proc/kallsyms, process names, the clock, per-CPU stats and the per-CPU
 * data files.  @td->version is left 0 (v6): the caller picks.
 */
int mf_recorder_header(struct mf_recorder *r, struct mf_tracedat *td, char *err, size_t errlen);

/*
 * mf_recorder_read - live mode: one sub-buffer of @cpu into @buf (mf_recorder_page_size()
 * bytes), without blocking.  Returns its length, 0 when the CPU has nothing to read, or
 * -errno.  The sub-buffer is in the ring buffer's format (header, commit, events).
 */
int mf_recorder_read(struct mf_recorder *r, unsigned int cpu, void *buf);
int mf_recorder_page_size(const struct mf_recorder *r);

/*
 * mf_recorder_tep - the running kernel's event formats (ftrace and the systems of the events
 * the recorder enabled) and ring-buffer header, for decoding live sub-buffers
 * (mf_reader_open_live() takes it).
 * NULL with one line in @err.
 */
struct tep_handle *mf_recorder_tep(struct mf_recorder *r, char *err, size_t errlen);

/* Per-CPU figures after mf_recorder_stop(); @cpu < mf_recorder_nr_cpus(). */
unsigned int mf_recorder_nr_cpus(const struct mf_recorder *r);
void mf_recorder_cpu(const struct mf_recorder *r, unsigned int cpu, struct mf_recorder_cpu_stats *s);

/* Event counts by type (recorded events only, non-zero first); returns the number filled. */
unsigned int mf_recorder_counts(const struct mf_recorder *r, struct mf_recorder_count *c,
				unsigned int max);

/* Name of the instance ("mmfrag-1234"). */
const char *mf_recorder_instance(const struct mf_recorder *r);

/*
 * mf_recorder_close - events off, instance destroyed and freed, per-CPU files removed.
 * Safe with NULL and at any step.  Everything is freed either way; returns -errno with
 * one line in @err (how to remove the instance by hand) when the instance stays.
 */
int mf_recorder_close(struct mf_recorder *r, char *err, size_t errlen);

#endif
