/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_READER_H
#define MMFRAG_READER_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"

/*
 * Trace reader: the only code that touches libtracecmd / libtraceevent.
 *
 * mf_reader_open() opens a trace.dat (v6 or v7, compressed or not), resolves every event
 * id and field the model needs once, by name, from the trace's own formats, and prepares
 * a merge of the per-CPU streams in timestamp order.  mf_reader_next() then hands out one
 * decoded struct mf_event at a time, allocation-free.
 *
 * Errors: functions return a negative errno-style value and leave a one-line message
 * (naming the file and the problem) in r->err / the err buffer given to open.
 */
struct mf_reader;

struct mf_reader_info {
	const char	*format;	/* "trace.dat", "trace_pipe" or "trace-cmd report" (text) */
	int		file_version;	/* 6 or 7; 0 for a text trace */
	const char	*compression;	/* "none", "zstd", "zlib", ... (static: valid after close);
					 * a text trace's: "none", "zstd", "gzip" or "xz" */
	int		nr_cpus;
	uint64_t	first_ts;	/* ns, first record in the file (0 if empty) */
	const char	*uname;		/* kernel uname stored in the file (UNAME option), or
					 * NULL (also when libtracecmd reads the file: its public
					 * API does not expose it) */
	int		page_size;
};

/*
 * A file that is not a trace.dat but text (plain, or zstd, gzip or xz compressed) is read as
 * a text trace: `cat trace_pipe` output or `trace-cmd report` output (reader-text.c), into
 * the same events.
 */
int mf_reader_open(const char *path, struct mf_reader **out, char *err, size_t errlen);

/* 1: *ev filled; 0: end of trace; < 0: error (message in mf_reader_error()). */
int mf_reader_next(struct mf_reader *r, struct mf_event *ev);

/*
 * The next events in place, without a copy: *evs points at *n (>= 1) events, in order,
 * valid (print.str too) until the next mf_reader_next_batch() or mf_reader_next() call.
 * Returns 1, 0 at the end of the trace, < 0 on an error (after the events before it).
 * The own reader hands out its decoding thread's batches whole (up to a few thousand
 * events): the model reads each event where the reader wrote it.  The other readers give
 * one event at a time.  Do not mix with mf_reader_next() within one batch.
 */
int mf_reader_next_batch(struct mf_reader *r, const struct mf_event **evs, size_t *n);

const char *mf_reader_error(const struct mf_reader *r);
/*
 * The event types (bit 1 << enum mf_ev_type) the trace's formats define: where an event
 * is defined, its absence from the trace means it did not happen.  0 for text traces,
 * which carry no formats.
 */
uint64_t mf_reader_event_types(const struct mf_reader *r);
const struct mf_reader_info *mf_reader_info(const struct mf_reader *r);

/*
 * Event-name table: every event that occurs in the trace gets a name_idx when it is first
 * returned.  Names are as trace-cmd report prints them; the strings live until close.
 */
int mf_reader_nr_event_names(const struct mf_reader *r);
const char *mf_reader_event_name(const struct mf_reader *r, int name_idx);	/* e.g. "mm_page_alloc" */
/* The task name the trace saved for pid (its cmdlines), or NULL if none. */
const char *mf_reader_comm(const struct mf_reader *r, int pid);
const char *mf_reader_event_system(const struct mf_reader *r, int name_idx);	/* e.g. "kmem" */

/*
 * Counts per name_idx of events decoded so far: with the own reader's decoding thread
 * that may run ahead of mf_reader_next() until the end of the trace is returned.
 */
uint64_t mf_reader_event_count(const struct mf_reader *r, int name_idx);

/* Lost events: sum of records' missed_events; unknown amounts (-1) counted in lost_unknown. */
uint64_t mf_reader_lost(const struct mf_reader *r, int cpu);
uint64_t mf_reader_lost_unknown(const struct mf_reader *r, int cpu);

/* ev->missed when the kernel flagged lost events without a count. */
#define MF_MISSED_UNKNOWN	UINT32_MAX

/*
 * Memory bound for compressed (v7) traces.  libtracecmd 1.3.1 keeps every decompressed
 * chunk until the handle is closed, so the reader closes and reopens the file after this
 * many bytes of trace pages and puts each CPU back at its next record: the event stream
 * is the same either way.  Default 64 MiB for compressed data (MMFRAG_READER_SEGMENT_MB
 * overrides it at open), 0 (never) for uncompressed data, whose mmap()ed pages the reader
 * drops as it goes instead.  0 = never.  mf_reader_nr_reopens() counts the reopens.
 */
void mf_reader_set_segment(struct mf_reader *r, uint64_t bytes);
unsigned int mf_reader_nr_reopens(const struct mf_reader *r);

/* Text traces: lines that were neither an event, a header nor a lost-events line. */
uint64_t mf_reader_unknown_lines(const struct mf_reader *r);
/*
 * How far reading has got, in file bytes of the trace's CPU data: 0 and *done / *total,
 * or -ENOTSUP when libtracecmd reads the file.  Callable between mf_reader_next() calls.
 */
int mf_reader_progress(const struct mf_reader *r, uint64_t *done, uint64_t *total);

/* Problems found in the formats (absent events/fields), one line each; NULL-terminated. */
const char *const *mf_reader_warnings(const struct mf_reader *r);

void mf_reader_close(struct mf_reader *r);

/*
 * Live reading (reader-live.c, for mmfrag top): the same decoders on ring-buffer
 * sub-buffers read from a tracefs instance.  mf_reader_open_live() takes @tep (from
 * mf_recorder_tep()) and frees it, also on failure.  mf_reader_live_page() decodes one
 * sub-buffer of @cpu and calls @fn for each event in order (ev->missed on the first when
 * the kernel lost events before this sub-buffer; print.str valid during the call only);
 * returns the number of events or -errno.  mf_reader_live_reader() gives the reader
 * underneath, for the event-name table and warnings.
 */
struct tep_handle;
struct mf_live_reader;
typedef void (*mf_reader_event_fn)(void *priv, const struct mf_event *ev);

int mf_reader_open_live(struct tep_handle *tep, struct mf_live_reader **out, char *err,
			size_t errlen);
int mf_reader_live_page(struct mf_live_reader *lr, int cpu, void *page, mf_reader_event_fn fn,
			void *priv);
struct mf_reader *mf_reader_live_reader(struct mf_live_reader *lr);
void mf_reader_close_live(struct mf_live_reader *lr);

#endif
