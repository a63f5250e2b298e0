/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_TRACEDAT_H
#define MMFRAG_TRACEDAT_H

#include <stddef.h>

/*
 * Writing a trace.dat, file format version 7 with zstd-compressed sections
 * (trace-cmd.dat.v7(5)) or version 6 uncompressed (trace-cmd.dat.v6(5)), as read by
 * trace-cmd report and libtracecmd.  Everything the header holds is gathered by the caller
 * (the recorder reads it from tracefs); this layer only lays it out.
 */

#define MF_TD_V6	6	/* uncompressed, the sub-buffers copied as they are */
#define MF_TD_V7	7	/* sections, zstd: metadata and chunks of sub-buffers */

/* A copy of one tracefs file: data need not be NUL-terminated. */
struct mf_td_blob {
	char	*data;
	size_t	len;
};

/* One event system ("kmem") and the format files of its events. */
struct mf_td_system {
	char			*name;
	struct mf_td_blob	*formats;
	unsigned int		nr_formats;
};

struct mf_tracedat {
	unsigned int		version;	/* MF_TD_V7 or MF_TD_V6; 0 reads as v6 */
	unsigned int		page_size;	/* ring-buffer sub-buffer size of the data */
	struct mf_td_blob	header_page;	/* events/header_page */
	struct mf_td_blob	header_event;	/* events/header_event */
	struct mf_td_blob	*ftrace;	/* events/ftrace/NAME/format */
	unsigned int		nr_ftrace;
	struct mf_td_system	*systems;	/* every system but ftrace */
	unsigned int		nr_systems;
	struct mf_td_blob	kallsyms;	/* /proc/kallsyms lines; may be empty */
	struct mf_td_blob	printk;		/* printk_formats; may be empty */
	struct mf_td_blob	cmdlines;	/* "PID COMM\n" lines, as saved_cmdlines */
	char			*clock;		/* the selected trace_clock, e.g. "local" */
	unsigned int		nr_cpus;
	struct mf_td_blob	*cpustats;	/* per_cpu/cpuN/stats text, nr_cpus or NULL */
	char			**cpu_files;	/* raw sub-buffers of each CPU, nr_cpus */
};

/*
 * mf_tracedat_write - write @td to @path (created or truncated, mode 0644)
 *
 * Returns 0, or -errno with a one-line message in @err naming the file.  On error the
 * file may be partial: the caller removes it.  @written receives the file size.
 */
int mf_tracedat_write(const char *path, const struct mf_tracedat *td, unsigned long long *written,
		      char *err, size_t errlen);

/* Free every allocation @td points to (not @td itself) and zero it. */
void mf_tracedat_release(struct mf_tracedat *td);

#endif
