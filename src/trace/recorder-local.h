/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recorder's private state, shared by recorder.c (the tracefs instance, its per-CPU
 * readers and the live sub-buffer mode) and recorder-meta.c (what a trace.dat needs beside
 * the sub-buffers: formats, process names, CPU stats).  Only these files include libtracefs
 * headers.  Not a public interface.
 */
#ifndef MMFRAG_RECORDER_LOCAL_H
#define MMFRAG_RECORDER_LOCAL_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <tracefs.h>

#include "mmfrag/recorder.h"

#define MAX_SLOTS		(MF_RECORDER_MAX_EVENTS + 1)	/* + ftrace:print */

/*
 * The errno of a failed libtracefs or libc call, never 0: libtracefs does not set errno
 * on every failure path, and a 0 would turn the failure into success.
 */
static inline int errno_or_eio(void)
{
	return errno ? errno : EIO;
}

struct ev {
	char	system[64];
	char	name[64];
	int	id;
};

struct cpu_reader {
	struct mf_recorder	*r;
	int			cpu;
	struct tracefs_cpu	*tcpu;
	pthread_t		thread;
	bool			running;
	char			*path;
	FILE			*out;
	char			*iobuf;
	char			*page;
	atomic_bool		stop;
	atomic_uint_fast64_t	pages, bytes, events;
	uint64_t		missed_pages;
	uint64_t		counts[MAX_SLOTS];
	uint64_t		*hist;		/* events per second of trace time, from hist_base */
	uint64_t		hist_base;
	size_t			hist_len;
	int			err;		/* errno of a failed read or write */
	uint64_t		lost;		/* per_cpu stats after stop */
};

struct mf_recorder {
	struct tracefs_instance	*inst;
	char			name[32];
	int			marker_fd;
	int			nr_cpus;
	struct cpu_reader	*cpus;
	struct ev		evs[MF_RECORDER_MAX_EVENTS];
	unsigned int		nr_evs;
	int			print_id;
	uint8_t			*slot_of_id;	/* 65536 entries: event id -> count slot */
	int			page_size;
	int			commit_off, commit_size, data_off;
	bool			started, stopped, events_on;
	struct timespec		t0, t_last;
	uint64_t		last_events, peak_rate;
	char			*comms_start;	/* "PID COMM\n" of every process at start */
	size_t			comms_start_len;
	const char		*data_prefix;
	bool			live;		/* no files, no threads: mf_recorder_read() */
};

/* "PID COMM\n" for every process now (recorder-meta.c); NULL when /proc cannot be read */
char *recorder_proc_comms(size_t *len);
/* overrun + commit overrun + dropped events of per_cpu/cpuN/stats; the file in @text */
uint64_t recorder_cpu_lost(struct mf_recorder *r, int cpu, char **text, size_t *len);

#endif /* MMFRAG_RECORDER_LOCAL_H */
