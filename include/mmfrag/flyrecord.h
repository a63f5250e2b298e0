/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_FLYRECORD_H
#define MMFRAG_FLYRECORD_H

#include <stddef.h>
#include <stdint.h>

/*
 * Flyrecord reader: the ring-buffer pages of a trace.dat (v6 uncompressed; v7 with its
 * per-CPU data uncompressed or in zstd / zlib chunks), read without libtracecmd.
 *
 * The file layout (headers, options, the per-CPU table) is parsed here; the event formats
 * come from a tep handle the caller already has (mf_fly_load_tep(), or tracecmd_open()),
 * which gives the page-header layout (commit word size, endianness).  Pages are parsed
 * here by kbuffer's rules (see page_record() in flyrecord.c), so a record comes out as libtracecmd's
 * tracecmd_read_data() gives it: same ts (with the file's DATE / OFFSET options applied),
 * same data and size, same missed_events.  Every offset, length and size read from the
 * file is checked against the file and the page size first; a corrupt file gives -EINVAL
 * and a message, never a read outside a buffer or an allocation sized by the file beyond
 * MF_FLY_MAX_CHUNK.
 *
 * Memory: one buffer of decompressed (or read) pages per CPU, at most one chunk or
 * MF_FLY_READ_BYTES, whatever the trace's length.  No allocation per record.  All CPUs'
 * buffers together stay within the file's size plus MF_FLY_MAX_BUFFERS: a chunk of a few
 * KB of zstd can claim 64 MiB of pages, and a file listing a few hundred CPUs with one
 * each (or one extent for many CPUs) would otherwise take tens of GB; past the bound the
 * file is refused (-EINVAL).
 */
struct mf_fly;
struct tep_handle;

#define MF_FLY_MAX_CHUNK	(64U << 20)	/* largest uncompressed chunk accepted */
#define MF_FLY_READ_BYTES	(1U << 20)	/* uncompressed data: pread() this much at once */
/* page buffers of all CPUs, beyond the file's size (mf_fly_set_max_buffers(): tests) */
#define MF_FLY_MAX_BUFFERS	(512U << 20)

struct mf_fly_record {
	const void	*data;		/* the event (common fields first) */
	uint64_t	ts;		/* ns, as libtracecmd reports it */
	uint32_t	size;		/* bytes at data */
	int32_t		cpu;
	/* events lost before this one: 0, a count, or -1 when the kernel did not store it */
	int64_t		missed;
};

/*
 * Open path's buffer @instance (-1: the top buffer; i: the i-th named buffer instance, in
 * the order of tracecmd_buffer_instance_handle()).  @tep is borrowed and must outlive the
 * reader.  Returns 0, or a negative errno with a one-line "PATH: problem" in err:
 * -EINVAL corrupt or truncated (or a latency trace, or another compression than zstd and
 * zlib, which libtracecmd does not read either), -ENOTSUP a feature this reader leaves to
 * libtracecmd (the ring buffer of kernels before 2.6.31).  TSC-to-ns conversion (TSC2NSEC), a guest's time shift (TIME_SHIFT) and
 * a v6 buffer instance's own options are read here, as libtracecmd applies them.
 */
int mf_fly_open(const char *path, struct tep_handle *tep, int instance, struct mf_fly **out,
		char *err, size_t errlen);

/*
 * A tep handle with the file's formats, built without libtracecmd: header page, ftrace and
 * event formats, printk formats, saved cmdlines and CPU count, but not kallsyms (parsing
 * /proc/kallsyms text is most of tracecmd_open()'s time; function addresses then print
 * as numbers).  Free it with tep_free().  Returns 0 or a negative errno with err set.
 */
int mf_fly_load_tep(const char *path, struct tep_handle **out, char *err, size_t errlen);

/*
 * The same formats, for reading: the header page parsed at once, each event format parsed
 * the first time it is asked for (a trace uses a few dozen of the hundreds or thousands of
 * formats a file lists), printk formats not at all.  The tep handle
 * (mf_fly_formats_tep()) is owned by the set and grows as events are asked for.
 * Returns 0 or a negative errno with err set.
 */
struct mf_fly_formats;
struct tep_event;

int mf_fly_formats_load(const char *path, struct mf_fly_formats **out, char *err, size_t errlen);
struct tep_handle *mf_fly_formats_tep(const struct mf_fly_formats *fm);
/* The event of id (the first format of that id in the file that parses), or NULL. */
struct tep_event *mf_fly_formats_event(struct mf_fly_formats *fm, int id);
struct tep_event *mf_fly_formats_find(struct mf_fly_formats *fm, const char *sys,
				      const char *name);
/* The event of the lowest id that parses, as tep_get_first_event() on the eager handle. */
struct tep_event *mf_fly_formats_first(struct mf_fly_formats *fm);
void mf_fly_formats_free(struct mf_fly_formats *fm);

/*
 * The bound of all CPUs' page buffers beyond the file's size, MF_FLY_MAX_BUFFERS unless
 * set here (tests lower it to exercise it with small files).  Before the first record.
 */
void mf_fly_set_max_buffers(struct mf_fly *f, uint64_t bytes);

/* Slots for CPU ids 0 .. n-1 (a CPU without data gives no records). */
int mf_fly_nr_cpus(const struct mf_fly *f);

/*
 * The next record of one CPU: 1 and *rec filled, 0 at its end, < 0 on error (message in
 * mf_fly_error()).  rec->data stays valid until the next call for the same CPU.
 * Do not mix with mf_fly_next() on one reader.
 */
int mf_fly_read_cpu(struct mf_fly *f, int cpu, struct mf_fly_record *rec);

/*
 * The next record of all CPUs merged by (ts, cpu), the order of `trace-cmd report`:
 * 1, 0 at the end, < 0 on error.  rec->data stays valid until the next call.
 */
int mf_fly_next(struct mf_fly *f, struct mf_fly_record *rec);

/*
 * The same, up to max records at once into recs: their number, 0 at the end, < 0 on an
 * error (returned at the call after the records before it).  Every record's data stays
 * valid until the next call; a call may return fewer than max before the end (when a
 * CPU's next chunk must be read).  mf_fly_next() is this with max 1.
 */
int mf_fly_next_n(struct mf_fly *f, struct mf_fly_record *recs, int max);

/*
 * Compressed data: read and decompress the CPUs' next chunks on a thread of its own, a
 * few ahead of the records (flyrecord-ahead.c); records, errors and their order are
 * unchanged, and the reader must call the functions above from one thread only.  At most
 * budget bytes of pages wait decompressed (0: 16 MiB; tests give less, to bring about
 * what many CPUs do).  0 (also for uncompressed data, or past 256 CPUs with data: then
 * nothing changes), or a negative errno with the reader as it was.
 */
int mf_fly_readahead(struct mf_fly *f, size_t budget);

const char *mf_fly_error(const struct mf_fly *f);

/* Bytes of trace pages handed to kbuffer so far (decompressed size for v7). */
uint64_t mf_fly_page_bytes(const struct mf_fly *f);

/* The kernel's uname stored in the file (UNAME option), or NULL; valid until close. */
const char *mf_fly_uname(const struct mf_fly *f);

/*
 * The UNAME option of the file at @path, read from its options alone (no formats, no
 * data), in *uname (malloc()ed; NULL when the file has none).  0, or a negative errno when
 * the options cannot be read here (a codec or option left to libtracecmd, a corrupt file).
 */
int mf_fly_read_uname(const char *path, char **uname);

/* Named buffer instances in the file: mf_fly_open()'s @instance goes 0 .. n-1. */
int mf_fly_nr_instances(const struct mf_fly *f);

/*
 * How far reading has got: file bytes of the buffer's CPU data read so far and in all.
 * May be called from another thread than the one reading (a relaxed atomic load).
 */
void mf_fly_progress(const struct mf_fly *f, uint64_t *done, uint64_t *total);

void mf_fly_close(struct mf_fly *f);

#endif
