// SPDX-License-Identifier: GPL-2.0
/*
 * Live recording through a private tracefs instance: with recorder-meta.c (the trace.dat
 * header's formats, process names and stats), the only user of libtracefs.
 *
 * Why an instance: the top-level buffer belongs to whoever else traces on the machine, and
 * on this kind of machine the function tracer's files (set_ftrace_filter, set_ftrace_pid)
 * are locked with EPERM, which makes plain `trace-cmd record` fail.  An instance
 * (instances/mmfrag-<pid>) has its own ring buffer, event switches, trace_marker and
 * tracing_on, and we touch nothing else.
 *
 * Reading: one thread per CPU blocks in tracefs_cpu_read() on per_cpu/cpuN/trace_pipe_raw
 * and appends whole sub-buffers to a per-CPU file.  The kernel wakes a reader of
 * trace_pipe_raw only when the buffer is buffer_percent full (default 50); we set 1 on our
 * instance so that almost the whole buffer stays free to absorb bursts (3M events/s at
 * process exit on the development machine) while a reader is descheduled.  Each
 * sub-buffer is walked once to count events per type (4-byte event headers, see
 * kernel/trace/ring_buffer.c, rb_event_length()), which is cheap next to copying it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "mmfrag/common.h"
#include "mmfrag/recorder.h"
#include "mmfrag/tracedat.h"

#include "recorder-local.h"

/* ring-buffer event types (kernel/trace/ring_buffer.c, enum ring_buffer_type) */
#define RB_TYPE_DATA_MAX	28
#define RB_TYPE_PADDING		29
#define RB_TYPE_TIME_EXTEND	30
#define RB_TYPE_TIME_STAMP	31
/* flags in a sub-buffer's commit field (RB_MISSED_EVENTS, RB_MISSED_STORED) */
#define RB_MISSED_EVENTS	(1ULL << 31)
#define RB_COMMIT_MASK		((1ULL << 27) - 1)

#define IO_BUF			(1 << 20)

/* Append one line to a warnings buffer (see mf_recorder_open()); cut when it is full. */
static void add_warning(char *warn, size_t warnlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_warning(char *warn, size_t warnlen, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (!warn || !warnlen)
		return;
	n = strlen(warn);
	if (n && n + 1 < warnlen)
		warn[n++] = '\n';
	if (n + 1 >= warnlen)
		return;
	va_start(ap, fmt);
	vsnprintf(warn + n, warnlen - n, fmt, ap);
	va_end(ap);
}

/* What replay reads; those missing on the running kernel are skipped with one warning. */
static const char *const default_events[] = {
	"kmem:mm_page_alloc", "kmem:mm_page_free", "kmem:mm_page_free_batched",
	"kmem:mm_page_alloc_zone_locked", "kmem:mm_page_pcpu_drain",
	"kmem:mm_page_alloc_extfrag", "compaction:*",
	"vmscan:mm_vmscan_kswapd_sleep", "vmscan:mm_vmscan_kswapd_wake",
	"vmscan:mm_vmscan_wakeup_kswapd", "vmscan:mm_vmscan_direct_reclaim_begin",
	"vmscan:mm_vmscan_direct_reclaim_end",
	/* migration targets: folio_add_lru(dst) in migrate_folio_move() */
	"pagemap:mm_lru_insertion",
};

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* ---- sub-buffers -------------------------------------------------------------------- */

static uint64_t rd(const char *p, int size)
{
	uint64_t v = 0;

	if (size == 8)
		memcpy(&v, p, 8);
	else if (size == 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		v = w;
	}
	return v;
}

/*
 * Events per second of trace time, binned by each sub-buffer's timestamp (its first
 * event's time; a full sub-buffer spans well under a millisecond at high rates): the
 * peak rate the kernel produced, not the rate we happened to read at.
 */
static void hist_add(struct cpu_reader *c, uint64_t sec, uint64_t n)
{
	size_t i;

	if (!n)
		return;
	if (!c->hist_len)
		c->hist_base = sec;
	if (sec < c->hist_base)
		sec = c->hist_base;
	i = (size_t)(sec - c->hist_base);
	if (i >= c->hist_len) {
		size_t len = c->hist_len ? c->hist_len : 256;
		uint64_t *h;

		while (len <= i)
			len *= 2;
		if (len > (1u << 22))	/* 48 days of trace: stop binning */
			return;
		h = realloc(c->hist, len * sizeof(*h));
		if (!h)
			return;
		memset(h + c->hist_len, 0, (len - c->hist_len) * sizeof(*h));
		c->hist = h;
		c->hist_len = len;
	}
	c->hist[i] += n;
}

static uint64_t hist_peak(const struct mf_recorder *r)
{
	uint64_t base = UINT64_MAX, end = 0, peak = 0, sec;
	int i;

	for (i = 0; i < r->nr_cpus; i++) {
		const struct cpu_reader *c = &r->cpus[i];

		if (!c->hist_len)
			continue;
		if (c->hist_base < base)
			base = c->hist_base;
		if (c->hist_base + c->hist_len > end)
			end = c->hist_base + c->hist_len;
	}
	for (sec = base; base != UINT64_MAX && sec < end; sec++) {
		uint64_t sum = 0;

		for (i = 0; i < r->nr_cpus; i++) {
			const struct cpu_reader *c = &r->cpus[i];

			if (c->hist_len && sec >= c->hist_base && sec < c->hist_base + c->hist_len)
				sum += c->hist[sec - c->hist_base];
		}
		if (sum > peak)
			peak = sum;
	}
	return peak;
}

/* Count the data events of one sub-buffer per type. */
static void count_events(struct cpu_reader *c, const char *page)
{
	const struct mf_recorder *r = c->r;
	uint64_t commit = rd(page + r->commit_off, r->commit_size);
	size_t size = (size_t)(commit & RB_COMMIT_MASK), off = 0, avail;
	const char *data = page + r->data_off;
	uint64_t n = 0;

	avail = (size_t)(r->page_size - r->data_off);
	if (size > avail)
		size = avail;
	if (commit & RB_MISSED_EVENTS)
		c->missed_pages++;
	while (off + 4 <= size) {
		uint32_t hdr, len;
		unsigned int type;
		const char *payload;

		memcpy(&hdr, data + off, 4);
		type = hdr & 0x1f;
		if (type == RB_TYPE_PADDING) {
			if (!(hdr >> 5))
				break;			/* the rest of the sub-buffer is empty */
			if (off + 8 > size)
				break;
			memcpy(&len, data + off + 4, 4);
			off += 4 + (size_t)len;
			continue;
		}
		if (type == RB_TYPE_TIME_EXTEND || type == RB_TYPE_TIME_STAMP) {
			off += 8;
			continue;
		}
		if (type == 0) {
			if (off + 8 > size)
				break;
			memcpy(&len, data + off + 4, 4);	/* includes this length word */
			payload = data + off + 8;
			if (len < 4)
				break;
			off += 4 + (size_t)len;
		} else {
			payload = data + off + 4;
			off += 4 + (size_t)type * 4;
		}
		if (off > size)
			break;
		{
			uint16_t id;

			memcpy(&id, payload, 2);	/* common_type, first field */
			c->counts[r->slot_of_id[id]]++;
			n++;
		}
	}
	atomic_fetch_add_explicit(&c->events, n, memory_order_relaxed);
	hist_add(c, rd(page, 8) / 1000000000ULL, n);
}

static void consume(struct cpu_reader *c, int n)
{
	int ps = c->r->page_size;

	if (c->err)
		return;
	if (n < ps)
		memset(c->page + n, 0, (size_t)(ps - n));	/* keep the file page aligned */
	count_events(c, c->page);
	if (fwrite(c->page, 1, (size_t)ps, c->out) != (size_t)ps) {
		c->err = errno ? errno : EIO;
		return;
	}
	atomic_fetch_add_explicit(&c->pages, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->bytes, (uint64_t)ps, memory_order_relaxed);
}

static void *reader_main(void *arg)
{
	struct cpu_reader *c = arg;
	int n;

	for (;;) {
		n = tracefs_cpu_read(c->tcpu, c->page, false);
		if (n > 0) {
			consume(c, n);
			if (c->err)
				break;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			c->err = errno;
			break;
		}
		if (atomic_load(&c->stop))
			break;
	}
	/* tracing is off: take the rest, including the partly filled sub-buffer */
	while (!c->err && (n = tracefs_cpu_flush(c->tcpu, c->page)) > 0)
		consume(c, n);
	if (!c->err && fflush(c->out))
		c->err = errno;
	return NULL;
}

/* ---- events --------------------------------------------------------------------------- */

static int add_event(struct mf_recorder *r, const char *sys, const char *name, char *err,
		     size_t errlen)
{
	unsigned int i;
	char *s;

	for (i = 0; i < r->nr_evs; i++)
		if (!strcmp(r->evs[i].system, sys) && !strcmp(r->evs[i].name, name))
			return 0;
	if (r->nr_evs == MF_RECORDER_MAX_EVENTS) {
		snprintf(err, errlen, "more than %d events; record fewer", MF_RECORDER_MAX_EVENTS);
		return -E2BIG;
	}
	snprintf(r->evs[r->nr_evs].system, sizeof(r->evs[0].system), "%s", sys);
	snprintf(r->evs[r->nr_evs].name, sizeof(r->evs[0].name), "%s", name);
	s = tracefs_event_file_read(r->inst, sys, name, "id", NULL);
	r->evs[r->nr_evs].id = s ? atoi(s) : -1;
	free(s);
	r->nr_evs++;
	return 0;
}

/*
 * Resolve one event spec.  Returns 0 (added), 1 (not on this kernel), or -errno.
 */
static int resolve(struct mf_recorder *r, const char *spec, char *err, size_t errlen)
{
	char sys[64], name[64];
	const char *colon = strchr(spec, ':');
	char **list;
	int i, ret = 0;

	if (!colon)
		colon = strchr(spec, '/');
	if (colon) {
		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - spec), spec);
		snprintf(name, sizeof(name), "%s", colon + 1);
	} else {
		snprintf(sys, sizeof(sys), "%s", spec);
		snprintf(name, sizeof(name), "*");
	}
	if (!*sys || !*name || !strcmp(sys, "ftrace"))
		return 1;
	if (strcmp(name, "*")) {
		if (!tracefs_event_file_exists(r->inst, sys, name, "enable"))
			return 1;
		return add_event(r, sys, name, err, errlen);
	}
	list = tracefs_system_events(NULL, sys);
	if (!list || !list[0]) {
		tracefs_list_free(list);
		return 1;
	}
	for (i = 0; list[i] && !ret; i++)
		ret = add_event(r, sys, list[i], err, errlen);
	tracefs_list_free(list);
	return ret;
}

static int setup_events(struct mf_recorder *r, const struct mf_recorder_opts *o, char *warn,
			size_t warnlen, char *err, size_t errlen)
{
	char missing[512] = "";
	size_t wlen = 0;
	unsigned int i, j, slot;
	int ret;

	for (i = 0; i < (o->nr_events ? o->nr_events : 1); i++) {
		const char *spec = o->nr_events ? o->events[i] : "default";

		if (!strcmp(spec, "default")) {
			for (j = 0; j < ARRAY_SIZE(default_events); j++) {
				ret = resolve(r, default_events[j], err, errlen);
				if (ret < 0)
					return ret;
				if (ret > 0 && wlen + 1 < sizeof(missing))
					wlen += (size_t)snprintf(missing + wlen, sizeof(missing) - wlen,
								 "%s%s", wlen ? ", " : "",
								 default_events[j]);
			}
			continue;
		}
		ret = resolve(r, spec, err, errlen);
		if (ret < 0)
			return ret;
		if (ret > 0) {
			snprintf(err, errlen, "unknown event '%s': not in %s/available_events "
				 "(give SYSTEM:EVENT or SYSTEM)", spec, tracefs_tracing_dir());
			return -ENOENT;
		}
	}
	if (!r->nr_evs) {
		snprintf(err, errlen, "none of the events to record exists on this kernel");
		return -ENOENT;
	}
	if (*missing)
		add_warning(warn, warnlen, "not on this kernel, not recorded: %s", missing);

	r->slot_of_id = calloc(65536, 1);
	if (!r->slot_of_id) {
		snprintf(err, errlen, "events: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* slot 0 counts ids we did not enable (should not happen), 1..n the events */
	for (i = 0, slot = 1; i < r->nr_evs; i++, slot++)
		if (r->evs[i].id >= 0 && r->evs[i].id < 65536)
			r->slot_of_id[r->evs[i].id] = (uint8_t)slot;
	{
		char *s = tracefs_event_file_read(r->inst, "ftrace", "print", "id", NULL);

		r->print_id = s ? atoi(s) : -1;
		free(s);
		if (r->print_id >= 0 && r->print_id < 65536)
			r->slot_of_id[r->print_id] = (uint8_t)slot;
	}

	for (i = 0; i < r->nr_evs; i++) {
		if (tracefs_event_enable(r->inst, r->evs[i].system, r->evs[i].name)) {
			snprintf(err, errlen, "cannot enable %s:%s in instance %s: %s",
				 r->evs[i].system, r->evs[i].name, r->name, strerror(errno));
			return -errno;
		}
		r->events_on = true;
	}
	return 0;
}

/* ---- stale instances ------------------------------------------------------------------ */

/*
 * A recorder killed by SIGKILL leaves its instance: remove those whose pid is gone, and
 * say so in @warn.
 */
/*
 * The per-CPU ring buffers: under memory pressure the kernel may refuse -b's size
 * (ring_buffer_resize() allocates every page up front and fails with ENOMEM beyond
 * si_mem_available()); then a smaller one, with a warning, since a smaller buffer only
 * risks lost events (counted), where no recording loses them all.  The first retry takes
 * at most 1/16 of MemAvailable over all CPUs, not just under what the kernel would still
 * give: a recording must not push the machine it watches into reclaim.  Then halves, down
 * to MIN_BUFFER_KIB.
 */
#define MIN_BUFFER_KIB	64

static size_t mem_available_kib(void)
{
	unsigned long long v = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &v) == 1)
			break;
	fclose(f);
	return (size_t)v;
}

static int set_buffer_size(struct mf_recorder *r, size_t kib, char *warn, size_t warnlen,
			   char *err, size_t errlen)
{
	size_t want = kib;
	int ret;

	for (;;) {
		if (!tracefs_instance_set_buffer_size(r->inst, kib, -1))
			break;
		ret = -errno_or_eio();
		if (ret != -ENOMEM || kib / 2 < MIN_BUFFER_KIB) {
			snprintf(err, errlen, "cannot set a %zu KiB per-CPU buffer in instance %s: %s; "
				 "give a smaller -b", kib, r->name, strerror(-ret));
			return ret;
		}
		if (kib == want) {
			long cpus = sysconf(_SC_NPROCESSORS_CONF);
			size_t cap = mem_available_kib() / 16 / (size_t)(cpus > 0 ? cpus : 1);

			kib = cap < kib / 2 ? cap : kib / 2;
			if (kib < MIN_BUFFER_KIB)
				kib = MIN_BUFFER_KIB;
		} else {
			kib /= 2;
		}
	}
	if (kib != want)
		add_warning(warn, warnlen, "not enough memory for a %zu KiB per-CPU buffer: "
			    "recording with %zu KiB, events may be lost (counted)", want, kib);
	return 0;
}

/*
 * Whether process @pid has a file of instance @name open.  Every recorder opens the
 * instance's trace_marker right after creating it, and its per-CPU trace_pipe_raw files
 * for as long as it records, so this tells a live recorder whatever its binary is
 * called.  Checking the process name alone removed the instance of a live recorder run
 * under another name (a copy of the binary, valgrind) from under it: its reads went
 * quiet and mmfrag top's model stopped at that moment.
 */
static bool holds_instance(long pid, const char *name)
{
	char path[64], link[PATH_MAX], want[PATH_MAX];
	bool found = false;
	struct dirent *d;
	DIR *dir;
	ssize_t n;
	int w;

	w = snprintf(want, sizeof(want), "%s/instances/%s/", tracefs_tracing_dir(), name);
	if (w < 0 || (size_t)w >= sizeof(want))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		char fd[64 + 256];

		if (d->d_name[0] == '.')
			continue;
		snprintf(fd, sizeof(fd), "%s/%s", path, d->d_name);
		n = readlink(fd, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		found = !strncmp(link, want, (size_t)w);
	}
	closedir(dir);
	return found;
}

static void remove_stale(char *warn, size_t warnlen)
{
	/* a basic regex (libtracefs 1.6.4 compiles it without REG_EXTENDED): no '+' */
	char **list = tracefs_instances("^mmfrag-[0-9][0-9]*$");
	int i;

	for (i = 0; list && list[i]; i++) {
		long pid = strtol(list[i] + 7, NULL, 10);
		char path[64], comm[32] = "";
		struct tracefs_instance *inst;
		FILE *f;

		if (pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
			comm[strcspn(comm, "\n")] = 0;
			/* mmfrag: maybe between creating the instance and opening its marker */
			if (!strcmp(comm, "mmfrag") || holds_instance(pid, list[i]))
				continue;	/* a live recorder */
		}
		inst = tracefs_instance_alloc(NULL, list[i]);
		if (!inst)
			continue;
		/*
		 * No event_disable first: rmdir takes an instance with events on, and fails
		 * (EBUSY) while anyone holds one of its files, which is the last word on a live
		 * recorder; disabling its events first left such a recorder reading nothing.
		 */
		if (!tracefs_instance_destroy(inst))
			add_warning(warn, warnlen, "removed stale tracefs instance %s (its recorder, "
				    "pid %ld, is gone)", list[i], pid);
		tracefs_instance_free(inst);
	}
	tracefs_list_free(list);
}

/* ---- life cycle ------------------------------------------------------------------------- */

/* header_page: where the commit word and the data start ("field: local_t commit; ...") */
static int parse_header_page(struct mf_recorder *r)
{
	char *hp = tracefs_instance_file_read(NULL, "events/header_page", NULL), *p;

	r->commit_off = 8;
	r->commit_size = 8;
	r->data_off = 16;
	if (!hp)
		return -errno;
	p = strstr(hp, " commit;");
	if (p)
		sscanf(p, " commit;\toffset:%d;\tsize:%d;", &r->commit_off, &r->commit_size);
	p = strstr(hp, " data;");
	if (p)
		sscanf(p, " data;\toffset:%d;", &r->data_off);
	free(hp);
	return 0;
}

static int recorder_open(struct mf_recorder **rp, const struct mf_recorder_opts *o,
			 char *warn, size_t warnlen, char *err, size_t errlen)
{
	struct mf_recorder *r;
	sigset_t all, old;
	int i, ret;

	if (geteuid() != 0) {
		snprintf(err, errlen, "recording needs root (tracefs, /proc/pagetypeinfo and "
			 "/proc/kpageflags are root only): run it as root");
		return -EPERM;
	}
	/* libtracefs mounts tracefs on /sys/kernel/tracing when it is not mounted */
	if (!tracefs_tracing_dir() || access(tracefs_tracing_dir(), W_OK)) {
		snprintf(err, errlen, "tracefs is not available (%s): mount it with "
			 "'mount -t tracefs nodev /sys/kernel/tracing'", strerror(errno ? errno : ENODEV));
		return -ENODEV;
	}
	remove_stale(warn, warnlen);

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->marker_fd = -1;
	r->print_id = -1;
	r->data_prefix = o->data_prefix;
	r->live = !o->data_prefix;
	snprintf(r->name, sizeof(r->name), "mmfrag-%d", (int)getpid());
	*rp = r;

	if (tracefs_instance_exists(r->name)) {
		/* our own pid's leftover (pid reuse after a SIGKILL) */
		struct tracefs_instance *old_inst = tracefs_instance_alloc(NULL, r->name);

		if (old_inst) {
			tracefs_instance_destroy(old_inst);
			tracefs_instance_free(old_inst);
		}
	}
	r->inst = tracefs_instance_create(r->name);
	if (!r->inst) {
		ret = -errno_or_eio();
		snprintf(err, errlen, "cannot create tracefs instance %s: %s%s", r->name,
			 strerror(-ret), ret == -ENOMEM ? " (the kernel could not allocate its "
			 "default ring buffers: free some memory)" : "");
		return ret;
	}
	/* a new instance traces at once: off until mf_recorder_start() */
	tracefs_trace_off(r->inst);
	/* open from the start: it tells other recorders this instance is live (remove_stale()) */
	r->marker_fd = tracefs_instance_file_open(r->inst, "trace_marker", O_WRONLY | O_CLOEXEC);
	ret = set_buffer_size(r, o->buffer_kib, warn, warnlen, err, errlen);
	if (ret)
		return ret;
	tracefs_instance_file_write(r->inst, "buffer_percent", "1");
	/*
	 * Live: timestamps on CLOCK_MONOTONIC, so the reader knows which events every CPU
	 * has surely written by a given time (mmfrag top merges the CPUs with that).
	 */
	if (r->live && tracefs_instance_file_write(r->inst, "trace_clock", "mono") < 0) {
		ret = -errno_or_eio();
		snprintf(err, errlen, "cannot set trace_clock mono in instance %s: %s", r->name,
			 strerror(-ret));
		return ret;
	}

	ret = parse_header_page(r);
	if (ret) {
		snprintf(err, errlen, "cannot read %s/events/header_page: %s", tracefs_tracing_dir(),
			 strerror(-ret));
		return ret;
	}
	ret = setup_events(r, o, warn, warnlen, err, errlen);
	if (ret)
		return ret;

	r->nr_cpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (r->nr_cpus < 1)
		r->nr_cpus = 1;
	r->cpus = calloc((size_t)r->nr_cpus, sizeof(*r->cpus));
	if (!r->cpus)
		return -ENOMEM;
	for (i = 0; i < r->nr_cpus; i++) {
		struct cpu_reader *c = &r->cpus[i];

		c->r = r;
		c->cpu = i;
		if (r->live) {
			/* the caller reads: non-blocking, sub-buffer by sub-buffer */
			c->tcpu = tracefs_cpu_open(r->inst, i, true);
			if (!c->tcpu) {
				ret = -errno_or_eio();
				snprintf(err, errlen, "cannot open per_cpu/cpu%d/trace_pipe_raw of "
					 "instance %s: %s", i, r->name, strerror(-ret));
				return ret;
			}
			if (!r->page_size)
				r->page_size = tracefs_cpu_read_size(c->tcpu);
			continue;
		}
		if (asprintf(&c->path, "%s.cpu%d", o->data_prefix, i) < 0) {
			c->path = NULL;
			return -ENOMEM;
		}
		c->out = fopen(c->path, "w");
		if (!c->out) {
			ret = -errno_or_eio();
			snprintf(err, errlen, "%s: %s", c->path, strerror(-ret));
			return ret;
		}
		c->iobuf = malloc(IO_BUF);
		if (c->iobuf)
			setvbuf(c->out, c->iobuf, _IOFBF, IO_BUF);
		c->tcpu = tracefs_cpu_open(r->inst, i, false);
		if (!c->tcpu) {
			ret = -errno_or_eio();
			snprintf(err, errlen, "cannot open per_cpu/cpu%d/trace_pipe_raw of instance "
				 "%s: %s", i, r->name, strerror(-ret));
			return ret;
		}
		if (!r->page_size)
			r->page_size = tracefs_cpu_read_size(c->tcpu);
		c->page = malloc((size_t)r->page_size);
		if (!c->page)
			return -ENOMEM;
	}
	if (r->page_size <= r->data_off) {
		snprintf(err, errlen, "unexpected ring-buffer sub-buffer size %d", r->page_size);
		return -EINVAL;
	}

	if (r->live)
		return 0;
	r->comms_start = recorder_proc_comms(&r->comms_start_len);

	/* readers get no signals: the main thread handles SIGINT/SIGTERM */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < r->nr_cpus; i++) {
		ret = pthread_create(&r->cpus[i].thread, NULL, reader_main, &r->cpus[i]);
		if (ret) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			snprintf(err, errlen, "cannot start a reader thread: %s", strerror(ret));
			return -ret;
		}
		r->cpus[i].running = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

int mf_recorder_open(struct mf_recorder **rp, const struct mf_recorder_opts *o,
		     char *warn, size_t warnlen, char *err, size_t errlen)
{
	int ret;

	*rp = NULL;
	if (warn && warnlen)
		*warn = 0;
	if (errlen)
		*err = 0;
	ret = recorder_open(rp, o, warn, warnlen, err, errlen);
	/* the allocation failures above return bare -ENOMEM: still one line in err */
	if (ret < 0 && errlen && !*err)
		snprintf(err, errlen, "cannot set up tracefs instance mmfrag-%d: %s",
			 (int)getpid(), strerror(-ret));
	return ret;
}

int mf_recorder_start(struct mf_recorder *r, char *err, size_t errlen)
{
	if (tracefs_trace_on(r->inst)) {
		int e = errno_or_eio();

		snprintf(err, errlen, "cannot turn tracing on in instance %s: %s", r->name,
			 strerror(e));
		return -e;
	}
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->t_last = r->t0;
	r->started = true;
	return 0;
}

int mf_recorder_mark(struct mf_recorder *r, const char *text)
{
	size_t len = strlen(text);

	if (r->marker_fd < 0)
		return -EBADF;
	if (write(r->marker_fd, text, len) != (ssize_t)len)
		return -errno_or_eio();	/* a short write leaves errno alone */
	return 0;
}

int mf_recorder_read(struct mf_recorder *r, unsigned int cpu, void *buf)
{
	int n;

	if (!r->live || cpu >= (unsigned int)r->nr_cpus)
		return -EINVAL;
	n = tracefs_cpu_read(r->cpus[cpu].tcpu, buf, true);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return -errno_or_eio();
}

int mf_recorder_page_size(const struct mf_recorder *r)
{
	return r->page_size;
}

/*
 * The systems of the events this recorder enabled, and ftrace (the markers): their
 * formats are what the live reader decodes with.  Taken from r->evs, not from a list of
 * its own: a fixed list here once left pagemap out after mm_lru_insertion joined the
 * default events, and top's model then ran without migration targets (as OTHER events)
 * while a replay of the same events had them.
 */
struct tep_handle *mf_recorder_tep(struct mf_recorder *r, char *err, size_t errlen)
{
	const char *systems[MF_RECORDER_MAX_EVENTS + 2];
	struct tep_handle *tep;
	unsigned int i, j, n = 0;

	systems[n++] = "ftrace";
	for (i = 0; i < r->nr_evs; i++) {
		for (j = 0; j < n && strcmp(systems[j], r->evs[i].system); j++)
			;
		if (j == n)
			systems[n++] = r->evs[i].system;
	}
	systems[n] = NULL;
	tep = tracefs_local_events_system(NULL, systems);
	if (!tep)
		snprintf(err, errlen, "cannot read the event formats under %s/events: %s",
			 tracefs_tracing_dir(), strerror(errno_or_eio()));
	return tep;
}

/* overrun + commit overrun + dropped events of per_cpu/cpuN/stats */
uint64_t recorder_cpu_lost(struct mf_recorder *r, int cpu, char **text, size_t *len)
{
	char file[64], *s, *p;
	uint64_t lost = 0;
	int n;
	static const char *const keys[] = { "\noverrun:", "\ncommit overrun:", "\ndropped events:" };
	unsigned int k;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	s = tracefs_instance_file_read(r->inst, file, &n);
	if (!s)
		return 0;
	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		p = strstr(s, keys[k]);
		if (p)
			lost += strtoull(p + strlen(keys[k]), NULL, 10);
	}
	if (text) {
		*text = s;
		*len = (size_t)n;
	} else {
		free(s);
	}
	return lost;
}

int mf_recorder_poll(struct mf_recorder *r, struct mf_recorder_stats *s, char *err, size_t errlen)
{
	struct timespec now;
	double dt;
	int i;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < r->nr_cpus; i++) {
		struct cpu_reader *c = &r->cpus[i];

		s->events += atomic_load_explicit(&c->events, memory_order_relaxed);
		s->bytes += atomic_load_explicit(&c->bytes, memory_order_relaxed);
		s->lost += r->stopped ? c->lost : recorder_cpu_lost(r, i, NULL, NULL);
	}
	s->seconds = r->started ? ts_diff(&r->t0, &now) : 0;
	dt = ts_diff(&r->t_last, &now);
	if (dt >= 0.2 && !r->stopped) {
		uint64_t rate = (uint64_t)((double)(s->events - r->last_events) / dt);

		if (rate > r->peak_rate)
			r->peak_rate = rate;
		r->last_events = s->events;
		r->t_last = now;
	}
	s->peak_rate = r->stopped ? hist_peak(r) : r->peak_rate;
	/* a reader that failed has stopped reading: report it now, not at the end */
	for (i = 0; i < r->nr_cpus; i++) {
		int e = __atomic_load_n(&r->cpus[i].err, __ATOMIC_RELAXED);

		if (e) {
			snprintf(err, errlen, "%s: %s", r->cpus[i].path, strerror(e));
			return -e;
		}
	}
	return 0;
}

int mf_recorder_stop(struct mf_recorder *r, char *err, size_t errlen)
{
	int i, ret = 0;

	if (r->stopped)
		return 0;
	tracefs_trace_off(r->inst);
	for (i = 0; i < r->nr_cpus; i++) {
		struct cpu_reader *c = &r->cpus[i];

		if (!c->running)
			continue;
		atomic_store(&c->stop, true);
		tracefs_cpu_stop(c->tcpu);
	}
	for (i = 0; i < r->nr_cpus; i++) {
		struct cpu_reader *c = &r->cpus[i];

		if (r->live)
			c->lost = recorder_cpu_lost(r, i, NULL, NULL);
		if (!c->running)
			continue;
		pthread_join(c->thread, NULL);
		c->running = false;
		c->lost = recorder_cpu_lost(r, i, NULL, NULL);
		if (c->err && !ret) {
			ret = -c->err;
			snprintf(err, errlen, "%s: %s", c->path, strerror(c->err));
		}
		if (c->out) {
			if (fclose(c->out) && !ret) {
				ret = -errno_or_eio();
				snprintf(err, errlen, "%s: %s", c->path, strerror(-ret));
			}
			c->out = NULL;
		}
	}
	r->stopped = true;
	return ret;
}

unsigned int mf_recorder_nr_cpus(const struct mf_recorder *r)
{
	return (unsigned int)r->nr_cpus;
}

void mf_recorder_cpu(const struct mf_recorder *r, unsigned int cpu, struct mf_recorder_cpu_stats *s)
{
	const struct cpu_reader *c = &r->cpus[cpu];

	s->pages = atomic_load(&c->pages);
	s->bytes = atomic_load(&c->bytes);
	s->events = atomic_load(&c->events);
	s->lost = c->lost;
	s->missed_pages = c->missed_pages;
}

unsigned int mf_recorder_counts(const struct mf_recorder *r, struct mf_recorder_count *out,
				unsigned int max)
{
	uint64_t tot[MAX_SLOTS] = { 0 };
	unsigned int i, n = 0, slot;
	int cpu;

	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		for (slot = 0; slot < MAX_SLOTS; slot++)
			tot[slot] += r->cpus[cpu].counts[slot];
	for (i = 0; i < r->nr_evs && n < max; i++) {
		if (!tot[i + 1])
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%s", r->evs[i].name);
		out[n++].count = tot[i + 1];
	}
	if (r->print_id >= 0 && tot[r->nr_evs + 1] && n < max) {
		snprintf(out[n].name, sizeof(out[n].name), "print");
		out[n++].count = tot[r->nr_evs + 1];
	}
	if (tot[0] && n < max) {
		snprintf(out[n].name, sizeof(out[n].name), "other");
		out[n++].count = tot[0];
	}
	return n;
}

const char *mf_recorder_instance(const struct mf_recorder *r)
{
	return r->name;
}

int mf_recorder_close(struct mf_recorder *r, char *err, size_t errlen)
{
	int i, ret = 0;

	if (!r)
		return 0;
	if (r->inst && !r->stopped) {
		/* only on an error path: the error that led here is the one to report */
		char dummy[256];

		mf_recorder_stop(r, dummy, sizeof(dummy));
	}
	for (i = 0; r->cpus && i < r->nr_cpus; i++) {
		struct cpu_reader *c = &r->cpus[i];

		if (c->out)
			fclose(c->out);
		if (c->tcpu)
			tracefs_cpu_close(c->tcpu);
		if (c->path)
			unlink(c->path);
		free(c->path);
		free(c->iobuf);
		free(c->page);
		free(c->hist);
	}
	free(r->cpus);
	if (r->marker_fd >= 0)
		close(r->marker_fd);
	if (r->inst) {
		if (r->events_on)
			tracefs_event_disable(r->inst, NULL, NULL);
		if (tracefs_instance_destroy(r->inst)) {
			ret = -errno_or_eio();
			snprintf(err, errlen, "could not remove tracefs instance %s: %s; remove it "
				 "with 'rmdir %s/instances/%s'", r->name, strerror(-ret),
				 tracefs_tracing_dir(), r->name);
		}
		tracefs_instance_free(r->inst);
	}
	free(r->slot_of_id);
	free(r->comms_start);
	free(r);
	return ret;
}
