// SPDX-License-Identifier: GPL-2.0
/*
 * What a recording's trace.dat holds beside the sub-buffers, read from tracefs and /proc
 * when the recording stops: the ring-buffer headers, event formats, printk formats,
 * process names and per-CPU stats (mf_recorder_header()).  The instance and its readers
 * are in recorder.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "mmfrag/common.h"
#include "mmfrag/recorder.h"
#include "mmfrag/tracedat.h"

#include "recorder-local.h"

/* ---- process names ------------------------------------------------------------------- */

/* "PID COMM\n" for every process now: saved_cmdlines holds only recent ones. */
char *recorder_proc_comms(size_t *len)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	*len = 0;
	if (!d || !buf) {
		if (d)
			closedir(d);
		free(buf);
		return NULL;
	}
	while ((de = readdir(d))) {
		char path[300], comm[64];
		ssize_t k;
		int fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		k = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (k <= 0)
			continue;
		comm[k] = 0;
		comm[strcspn(comm, "\n")] = 0;
		if (n + strlen(de->d_name) + strlen(comm) + 3 > cap) {
			char *p = realloc(buf, cap * 2);

			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		n += (size_t)sprintf(buf + n, "%s %s\n", de->d_name, comm);
	}
	closedir(d);
	*len = n;
	return buf;
}

struct comm {
	long		pid;
	const char	*line;
	int		len;
	int		prio;
};

static int cmp_comm(const void *a, const void *b)
{
	const struct comm *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->prio - y->prio;
}

/* Merge "PID COMM" lists, the first list winning for a pid seen in several. */
static int merge_comms(struct mf_td_blob *out, const char *const *texts, const size_t *lens,
		       int nr)
{
	struct comm *v = NULL;
	size_t nv = 0, cap = 0, k, total = 0, pos = 0;
	int t;

	for (t = 0; t < nr; t++) {
		const char *p = texts[t], *end = p ? p + lens[t] : NULL;

		while (p && p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			int len = (int)((nl ? nl : end) - p);

			if (nv == cap) {
				struct comm *q = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof(*v));

				if (!q) {
					free(v);
					return -ENOMEM;
				}
				v = q;
			}
			if (len > 0 && isdigit((unsigned char)*p)) {
				v[nv++] = (struct comm){ strtol(p, NULL, 10), p, len, t };
				total += (size_t)len + 1;
			}
			p = nl ? nl + 1 : end;
		}
	}
	qsort(v, nv, sizeof(*v), cmp_comm);
	out->data = malloc(total + 1);
	if (!out->data) {
		free(v);
		return -ENOMEM;
	}
	for (k = 0; k < nv; k++) {
		if (k && v[k].pid == v[k - 1].pid)
			continue;
		memcpy(out->data + pos, v[k].line, (size_t)v[k].len);
		pos += (size_t)v[k].len;
		out->data[pos++] = '\n';
	}
	out->len = pos;
	free(v);
	return 0;
}


/* ---- trace.dat header ------------------------------------------------------------- */

/*
 * /proc/kallsyms, whole (5.4 MB, 1.0 MB with zstd on this 6.18 kernel), as trace-cmd
 * stores it: trace-cmd report resolves addresses with it, e.g. the ip of every
 * trace_marker text (ftrace:print, "%ps: %s") to tracing_mark_write.  A subset would
 * resolve the addresses it lacks to the wrong function.  With kptr_restrict hiding the
 * addresses (all zero) it is of no use: empty then, as before.
 */
static int read_kallsyms(struct mf_td_blob *b)
{
	size_t cap = 8 << 20, len = 0;
	char *buf = malloc(cap);
	int fd = open("/proc/kallsyms", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	b->data = NULL;
	b->len = 0;
	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return buf ? 0 : -ENOMEM;
	}
	for (;;) {
		if (len == cap) {
			char *p = realloc(buf, cap * 2);

			if (!p) {
				close(fd);
				free(buf);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	/* the first line's address: zeros when kptr_restrict hides them all */
	if (n < 0 || !len || strspn(buf, "0") >= 8) {
		free(buf);
		return 0;
	}
	b->data = buf;
	b->len = len;
	return 0;
}

static int read_blob(struct tracefs_instance *inst, const char *file, struct mf_td_blob *b)
{
	int n = 0;

	b->data = tracefs_instance_file_read(inst, file, &n);
	b->len = b->data ? (size_t)n : 0;
	return b->data ? 0 : -(errno ? errno : EIO);
}

/* every event format of @sys, for the trace.dat header */
static int read_system(struct mf_recorder *r, const char *sys, struct mf_td_blob **formats,
		       unsigned int *nr)
{
	char **list = tracefs_system_events(NULL, sys);
	unsigned int i, n = 0;

	*formats = NULL;
	*nr = 0;
	for (i = 0; list && list[i]; i++)
		n++;
	if (!n) {
		tracefs_list_free(list);
		return 0;
	}
	*formats = calloc(n, sizeof(**formats));
	if (!*formats) {
		tracefs_list_free(list);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct mf_td_blob *b = &(*formats)[*nr];
		int len = 0;

		b->data = tracefs_event_file_read(r->inst, sys, list[i], "format", &len);
		if (!b->data)
			continue;	/* an event that vanished (module unload) */
		b->len = (size_t)len;
		(*nr)++;
	}
	tracefs_list_free(list);
	return 0;
}

int mf_recorder_header(struct mf_recorder *r, struct mf_tracedat *td, char *err, size_t errlen)
{
	const char *texts[3];
	size_t lens[3], end_len = 0;
	char *end_comms, *saved;
	struct mf_td_blob saved_b = { 0 };
	unsigned int i, j;
	int ret;

	memset(td, 0, sizeof(*td));
	td->page_size = (unsigned int)r->page_size;
	td->nr_cpus = (unsigned int)r->nr_cpus;
	ret = read_blob(r->inst, "events/header_page", &td->header_page);
	if (!ret)
		ret = read_blob(r->inst, "events/header_event", &td->header_event);
	if (ret) {
		snprintf(err, errlen, "cannot read the ring-buffer headers of instance %s: %s",
			 r->name, strerror(-ret));
		return ret;
	}
	ret = read_system(r, "ftrace", &td->ftrace, &td->nr_ftrace);
	if (ret)
		goto nomem;

	/* the systems of the recorded events, each with all of its formats */
	td->systems = calloc(r->nr_evs, sizeof(*td->systems));
	if (!td->systems)
		goto nomem;
	for (i = 0; i < r->nr_evs; i++) {
		for (j = 0; j < td->nr_systems; j++)
			if (!strcmp(td->systems[j].name, r->evs[i].system))
				break;
		if (j < td->nr_systems)
			continue;
		td->systems[j].name = strdup(r->evs[i].system);
		if (!td->systems[j].name)
			goto nomem;
		td->nr_systems++;
		ret = read_system(r, r->evs[i].system, &td->systems[j].formats,
				  &td->systems[j].nr_formats);
		if (ret)
			goto nomem;
	}

	/* printk_formats is global (trace_printk() strings); read-only for us */
	read_blob(NULL, "printk_formats", &td->printk);
	ret = read_kallsyms(&td->kallsyms);
	if (ret)
		goto nomem;

	/*
	 * Process names: the kernel's saved_cmdlines (names at event time, a ring of
	 * saved_cmdlines_size entries), then every process alive at the end and at the start.
	 */
	saved = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);
	saved_b.data = saved;
	saved_b.len = saved ? strlen(saved) : 0;
	end_comms = recorder_proc_comms(&end_len);
	texts[0] = saved_b.data;
	lens[0] = saved_b.len;
	texts[1] = end_comms;
	lens[1] = end_len;
	texts[2] = r->comms_start;
	lens[2] = r->comms_start_len;
	ret = merge_comms(&td->cmdlines, texts, lens, 3);
	free(saved);
	free(end_comms);
	if (ret)
		goto nomem;

	td->clock = tracefs_get_clock(r->inst);

	td->cpustats = calloc((size_t)r->nr_cpus, sizeof(*td->cpustats));
	td->cpu_files = calloc((size_t)r->nr_cpus, sizeof(*td->cpu_files));
	if (!td->cpustats || !td->cpu_files)
		goto nomem;
	for (i = 0; i < (unsigned int)r->nr_cpus; i++) {
		recorder_cpu_lost(r, (int)i, &td->cpustats[i].data, &td->cpustats[i].len);
		td->cpu_files[i] = strdup(r->cpus[i].path);
		if (!td->cpu_files[i])
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, "trace.dat header: %s", strerror(ENOMEM));
	mf_tracedat_release(td);
	return -ENOMEM;
}
