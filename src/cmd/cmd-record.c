// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag record: glue between the recorder (tracefs), the captures (/proc) and the
 * trace.dat writer, plus options, signals and the traced COMMAND.
 *
 * Files: the trace is assembled in FILE.tmp-<pid> (per-CPU data in FILE.tmp-<pid>.cpuN)
 * and the captures in FILE.state.tmp-<pid>/; both are renamed to FILE and FILE.state only
 * when complete, and removed on any failure, so FILE is either a whole trace or untouched.
 * A FILE that is not a regular file (a device, a FIFO, "-") is never renamed over: the
 * trace is assembled under $TMPDIR and copied into it, and no captures are kept.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmfrag/capture.h"
#include "mmfrag/cmds.h"
#include "mmfrag/common.h"
#include "mmfrag/outfile.h"
#include "mmfrag/recorder.h"
#include "mmfrag/tracedat.h"

#define DEFAULT_BUFFER_KIB	65536	/* FIELD-NOTES: 64 MiB per CPU lost nothing at 3M/s */
#define TICK_NS			100000000L

enum {
	OPT_CAPTURE_INTERVAL = 0x100,
	OPT_FORMAT,
	OPT_KPAGEFLAGS_INTERVAL,
};

struct record_opts {
	const char	*output;
	double		duration;		/* 0: none */
	size_t		buffer_kib;
	const char	*events[MF_RECORDER_MAX_EVENTS];
	unsigned int	nr_events;
	double		capture_interval;	/* 0: none */
	double		kpf_interval;		/* periodic kpageflags at most this often; 0: none */
	bool		quiet;
	unsigned int	format;			/* MF_TD_V7 or MF_TD_V6 */
	char		**cmd;			/* NULL: no COMMAND */
};

static const struct argp_option record_options[] = {
	{ "output", 'o', "FILE", 0, "write the trace to FILE (default trace.dat) and the "
	  "captures to FILE.state/", 0 },
	{ "duration", 'd', "SECONDS", 0, "stop after SECONDS", 0 },
	{ "buffer-size", 'b', "KIB", 0, "per-CPU ring buffer in KiB (default 65536)", 0 },
	{ "event", 'e', "EVENT", 0, "record EVENT (SYSTEM:EVENT, SYSTEM, or 'default'); "
	  "repeatable; replaces the default set", 0 },
	{ "capture-interval", OPT_CAPTURE_INTERVAL, "SECONDS", 0,
	  "also capture buddyinfo and pagetypeinfo every SECONDS", 0 },
	{ "format", OPT_FORMAT, "v7|v6", 0, "trace.dat version: v7 with zstd-compressed data "
	  "(default), or v6 uncompressed", 0 },
	{ "kpageflags-interval", OPT_KPAGEFLAGS_INTERVAL, "SECONDS", 0,
	  "a periodic capture also scans kpageflags (for replay --reanchor) when SECONDS have "
	  "passed since the last scan (default 5; 0: never)", 0 },
	{ "quiet", 'q', NULL, 0, "no progress line and no summary", 0 },
	{ 0 }
};

static int parse_secs(const char *s, double *out)
{
	return mf_parse_seconds(s, 1e7, out) || !(*out > 0) ? -1 : 0;
}

static error_t record_parse(int key, char *arg, struct argp_state *state)
{
	struct record_opts *o = state->input;
	unsigned long long v;
	char *end;

	switch (key) {
	case ARGP_KEY_INIT:
		mf_argp_quiet(state);
		break;
	case 'o':
		if (!*arg)
			return mf_usage_error("record", "-o: empty file name");
		o->output = arg;
		break;
	case 'd':
		if (parse_secs(arg, &o->duration))
			return mf_usage_error("record", "-d: '%s' is not a number of seconds > 0", arg);
		break;
	case 'b':
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || v < 4 || v > (16ULL << 20))
			return mf_usage_error("record", "-b: '%s' is not a size in KiB from 4 to %llu",
					      arg, 16ULL << 20);
		o->buffer_kib = (size_t)v;
		break;
	case 'e':
		if (o->nr_events == MF_RECORDER_MAX_EVENTS)
			return mf_usage_error("record", "-e: at most %d", MF_RECORDER_MAX_EVENTS);
		if (!*arg)
			return mf_usage_error("record", "-e: empty event name");
		o->events[o->nr_events++] = arg;
		break;
	case OPT_CAPTURE_INTERVAL:
		if (parse_secs(arg, &o->capture_interval) || o->capture_interval < 0.1)
			return mf_usage_error("record", "--capture-interval: '%s' is not a number of "
					      "seconds >= 0.1", arg);
		break;
	case OPT_FORMAT:
		if (!strcmp(arg, "v7") || !strcmp(arg, "7"))
			o->format = MF_TD_V7;
		else if (!strcmp(arg, "v6") || !strcmp(arg, "6"))
			o->format = MF_TD_V6;
		else
			return mf_usage_error("record", "--format: '%s' is not v7 or v6", arg);
		break;
	case OPT_KPAGEFLAGS_INTERVAL:
		if (!strcmp(arg, "0"))
			o->kpf_interval = 0;
		else if (parse_secs(arg, &o->kpf_interval))
			return mf_usage_error("record", "--kpageflags-interval: '%s' is not a number "
					      "of seconds >= 0", arg);
		break;
	case 'q':
		o->quiet = true;
		break;
	case ARGP_KEY_ARG:
		/* COMMAND and its arguments: everything from here on, options included */
		o->cmd = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp record_argp = {
	.options = record_options,
	.parser = record_parse,
	.args_doc = "[-- COMMAND [ARG...]]",
	.doc = "Record the page-allocator, compaction and reclaim events of the whole machine "
	       "into a trace.dat (version 7, zstd) through a private tracefs instance, with captures "
	       "of /proc/buddyinfo, pagetypeinfo, zoneinfo, vmstat and kpageflags at the start "
	       "and the end in FILE.state/."
	       "\vStops when COMMAND exits, after -d SECONDS, or on SIGINT/SIGTERM. Needs root. "
	       "Exit status: 0 ok, 1 runtime error, 2 usage error. See mmfrag-record(1).",
};

/* ---- signals and the child -------------------------------------------------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* fork and exec @argv; an exec failure comes back through a close-on-exec pipe */
static pid_t spawn(char **argv, char *err, size_t errlen)
{
	int p[2], e = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		sigemptyset(&dfl.sa_mask);
		sigaction(SIGPIPE, &dfl, NULL);
		/*
		 * No tracefs descriptor may outlive us in COMMAND: an open trace_pipe_raw
		 * keeps the instance busy and rmdir fails with EBUSY.
		 */
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		execvp(argv[0], argv);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(p[1]);
	do
		n = read(p[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == sizeof(e)) {
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(e));
		return -1;
	}
	return pid;
}

/* SIGTERM, then SIGKILL after 5 s: COMMAND must not outlive the recording. */
static int reap(pid_t pid)
{
	int status = 0, i;

	if (kill(pid, SIGTERM) && errno == ESRCH)
		return waitpid(pid, &status, 0) == pid ? status : -1;
	for (i = 0; i < 50; i++) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return status;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	return waitpid(pid, &status, 0) == pid ? status : -1;
}

/* ---- files ------------------------------------------------------------------------------ */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_DP || flag == FTW_D)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* An old FILE.state is replaced only when it is a recording's capture folder. */
static int replace_state(const char *tmp, const char *final, char *err, size_t errlen)
{
	char probe[4096];
	struct stat st;

	if (!lstat(final, &st)) {
		snprintf(probe, sizeof(probe), "%s/start/meta", final);
		if (!S_ISDIR(st.st_mode) || access(probe, F_OK)) {
			snprintf(err, errlen, "%s exists and is not a capture folder of an earlier "
				 "recording; move it away or choose another -o", final);
			return -EEXIST;
		}
		rm_tree(final);
	}
	if (rename(tmp, final)) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * A recording killed with SIGKILL leaves its PREFIX.tmp-<pid>* files behind (nothing runs
 * on SIGKILL); the next recording to the same place removes those whose recorder is gone,
 * as recorder.c removes their tracefs instances.  OURS is this recording's own name
 * (PREFIX<pid>...): the others are PREFIX<pid>*.
 */
static void remove_stale_tmp(const char *ours)
{
	char *pattern, *prefix;
	glob_t g;
	size_t i;

	prefix = strndup(ours, (size_t)(strrchr(ours, '-') - ours) + 1);
	if (!prefix || asprintf(&pattern, "%s*", prefix) < 0) {
		free(prefix);
		return;
	}
	if (!glob(pattern, GLOB_NOSORT, NULL, &g)) {
		for (i = 0; i < g.gl_pathc; i++) {
			const char *p = g.gl_pathv[i] + strlen(prefix);
			char *end;
			long pid;

			errno = 0;
			pid = strtol(p, &end, 10);
			if (errno || end == p || pid <= 0 || pid == getpid() ||
			    (*end && *end != '.') || !(kill((pid_t)pid, 0) && errno == ESRCH))
				continue;
			rm_tree(g.gl_pathv[i]);
			mf_warn("removed %s, left by a recording that was killed (pid %ld)",
				g.gl_pathv[i], pid);
		}
		globfree(&g);
	}
	free(pattern);
	free(prefix);
}

static void human(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2f GB", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.1f MB", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1f kB", v / 1e3);
	else
		snprintf(buf, len, "%.0f B", v);
}

static void progress(const struct mf_recorder_stats *s)
{
	char b[32];

	human(b, sizeof(b), (double)s->bytes);
	fprintf(stderr, "\rmmfrag record: %.1f s, %llu events, %llu lost, %s\033[K",
		s->seconds, (unsigned long long)s->events, (unsigned long long)s->lost, b);
}

static void ts_add(struct timespec *t, double secs)
{
	long long ns = (long long)(secs * 1e9) + t->tv_nsec;

	t->tv_sec += (time_t)(ns / 1000000000LL);
	t->tv_nsec = (long)(ns % 1000000000LL);
}

struct mark_ctx {
	struct mf_recorder	*r;
};

static int mark(void *ctx, const char *text)
{
	return mf_recorder_mark(((struct mark_ctx *)ctx)->r, text);
}

static void summary(struct mf_recorder *r, const struct mf_recorder_stats *s, const char *out,
		    unsigned long long size, const char *cmd, int status, unsigned int nr_periodic,
		    const char *state_dir)
{
	struct mf_recorder_count counts[MF_RECORDER_MAX_EVENTS + 2];
	struct mf_recorder_cpu_stats cs;
	unsigned int i, n;
	char b[32];

	human(b, sizeof(b), (double)size);
	fprintf(stderr, "mmfrag record: %.1f s, %llu events (peak %llu/s), %llu lost, %s %s\n",
		s->seconds, (unsigned long long)s->events, (unsigned long long)s->peak_rate,
		(unsigned long long)s->lost, out, b);
	if (cmd) {
		if (status >= 0 && WIFEXITED(status))
			fprintf(stderr, "  %s exited with status %d\n", cmd, WEXITSTATUS(status));
		else if (status >= 0 && WIFSIGNALED(status))
			fprintf(stderr, "  %s was killed by signal %d (%s)\n", cmd, WTERMSIG(status),
				strsignal(WTERMSIG(status)));
	}
	n = mf_recorder_counts(r, counts, ARRAY_SIZE(counts));
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %-40s %12llu\n", counts[i].name,
			(unsigned long long)counts[i].count);
	for (i = 0; i < mf_recorder_nr_cpus(r); i++) {
		mf_recorder_cpu(r, i, &cs);
		human(b, sizeof(b), (double)cs.bytes);
		fprintf(stderr, "  cpu%u: %llu events, %llu sub-buffers (%s), %llu lost\n", i,
			(unsigned long long)cs.events, (unsigned long long)cs.pages, b,
			(unsigned long long)cs.lost);
	}
	if (!state_dir) {
		fprintf(stderr, "  captures: not kept (%s is not a regular file)\n", out);
		return;
	}
	fprintf(stderr, "  captures: %s/start, %s/end", state_dir, state_dir);
	if (nr_periodic)
		fprintf(stderr, ", %u periodic (%s/0001 ...)", nr_periodic, state_dir);
	fputc('\n', stderr);
}

/* ---- the command ------------------------------------------------------------------------ */

/* The recorder's warnings, one per line (mf_recorder_open()): one "mmfrag: " line each. */
static void print_warnings(const char *warn)
{
	while (*warn) {
		int n = (int)strcspn(warn, "\n");

		mf_warn("%.*s", n, warn);
		warn += n + (warn[n] == '\n');
	}
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o = { .output = "trace.dat", .buffer_kib = DEFAULT_BUFFER_KIB,
				 .format = MF_TD_V7,
				 .kpf_interval = 5 };
	char *tmp_out = NULL, *data_prefix = NULL, *state_tmp = NULL, *state_dir = NULL;
	char *final = NULL;
	enum mf_out_kind okind;
	char err[1024] = "", warn[1024] = "", cdir[4096], name[16];
	struct mf_recorder_opts ro = { 0 };
	struct mf_recorder *r = NULL;
	struct mf_capture *cap = NULL;
	struct mf_tracedat td = { 0 };
	struct mf_recorder_stats st = { 0 };
	struct mark_ctx mc;
	struct timespec t0, now, next_cap;
	unsigned long long size = 0;
	unsigned int nr_periodic = 0;
	bool tty, done = false, cmd_ended = false;
	pid_t child = -1;
	int status = -1, ret = MF_EXIT_RUNTIME, fd;
	enum mf_capture_kind kind;
	double el, last_kpf = 0;

	if (argp_parse(&record_argp, argc, argv, ARGP_IN_ORDER, NULL, &o))
		return MF_EXIT_USAGE;
	tty = !o.quiet && isatty(STDERR_FILENO);

	if (mf_out_resolve(o.output, &okind, &final, err, sizeof(err))) {
		mf_err("%s; choose a writable -o FILE", err);
		return MF_EXIT_RUNTIME;
	}
	if (okind == MF_OUT_RENAME) {
		if (asprintf(&tmp_out, "%s.tmp-%d", final, (int)getpid()) < 0 ||
		    asprintf(&state_tmp, "%s.state.tmp-%d", o.output, (int)getpid()) < 0 ||
		    asprintf(&state_dir, "%s.state", o.output) < 0)
			tmp_out = NULL;
	} else {
		const char *tmpdir = getenv("TMPDIR");

		if (!tmpdir || !*tmpdir)
			tmpdir = "/tmp";
		if (asprintf(&tmp_out, "%s/mmfrag-record-%d.dat", tmpdir, (int)getpid()) < 0 ||
		    asprintf(&state_tmp, "%s/mmfrag-record-%d.state", tmpdir, (int)getpid()) < 0)
			tmp_out = NULL;
	}
	if (!tmp_out || asprintf(&data_prefix, "%s", tmp_out) < 0) {
		mf_err("record: %s", strerror(ENOMEM));
		goto out_free;
	}
	remove_stale_tmp(tmp_out);
	remove_stale_tmp(state_tmp);
	if (geteuid() != 0) {
		mf_err("record: recording needs root (tracefs, /proc/pagetypeinfo and "
		       "/proc/kpageflags are root only): run it as root");
		goto out_free;
	}
	/* find an unwritable output now, before any tracing is set up */
	fd = open(tmp_out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		mf_err("cannot create %s: %s; choose a writable -o FILE", tmp_out, strerror(errno));
		goto out_free;
	}
	close(fd);
	if (mkdir(state_tmp, 0755)) {
		mf_err("cannot create %s: %s; choose a writable -o FILE", state_tmp, strerror(errno));
		goto out;
	}

	catch_signals();
	cap = mf_capture_alloc();
	if (!cap) {
		mf_err("record: %s", strerror(ENOMEM));
		goto out;
	}
	ro.data_prefix = data_prefix;
	ro.buffer_kib = o.buffer_kib;
	ro.events = o.events;
	ro.nr_events = o.nr_events;
	if (mf_recorder_open(&r, &ro, warn, sizeof(warn), err, sizeof(err))) {
		print_warnings(warn);	/* a stale instance removed before the failure */
		mf_err("%s", err);
		goto out;
	}
	print_warnings(warn);
	mc.r = r;

	if (mf_recorder_start(r, err, sizeof(err))) {
		mf_err("%s", err);
		goto out;
	}
	snprintf(cdir, sizeof(cdir), "%s/start", state_tmp);
	if (mf_capture_take(cap, cdir, "start", MF_CAPTURE_FULL, mark, &mc, err, sizeof(err))) {
		mf_err("start capture: %s", err);
		goto out;
	}
	if (o.cmd) {
		child = spawn(o.cmd, err, sizeof(err));
		if (child < 0) {
			mf_err("%s", err);
			goto out;
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	next_cap = t0;
	ts_add(&next_cap, o.capture_interval);
	while (!done) {
		struct timespec tick = { 0, TICK_NS };

		nanosleep(&tick, NULL);	/* a signal cuts it short */
		if (mf_recorder_poll(r, &st, err, sizeof(err))) {
			if (tty)
				fputc('\n', stderr);
			mf_err("%s%s", err, strstr(err, strerror(ENOSPC)) ?
			       "; free space or record to another file system with -o" : "");
			goto out;
		}
		if (tty)
			progress(&st);
		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = -1;
			cmd_ended = true;
			done = true;
		}
		if (got_signal || (o.duration > 0 && el >= o.duration))
			done = true;
		if (!done && o.capture_interval > 0 &&
		    (now.tv_sec > next_cap.tv_sec ||
		     (now.tv_sec == next_cap.tv_sec && now.tv_nsec >= next_cap.tv_nsec))) {
			snprintf(name, sizeof(name), "%04u", ++nr_periodic);
			snprintf(cdir, sizeof(cdir), "%s/%s", state_tmp, name);
			/*
			 * A kpageflags scan takes 0.5-2.5 s of one CPU on 24 GiB (50 MiB read
			 * and compressed): at most one per --kpageflags-interval.
			 */
			kind = MF_CAPTURE_LIGHT;
			if (o.kpf_interval > 0 && el - last_kpf >= o.kpf_interval) {
				kind = MF_CAPTURE_LIGHT_KPF;
				last_kpf = el;
			}
			if (mf_capture_take(cap, cdir, name, kind, mark, &mc, err, sizeof(err))) {
				if (tty)
					fputc('\n', stderr);
				mf_err("capture %s: %s", name, err);
				goto out;
			}
			ts_add(&next_cap, o.capture_interval);
		}
	}
	if (tty)
		fputs("\r\033[K", stderr);
	if (child > 0) {
		status = reap(child);
		child = -1;
	}

	snprintf(cdir, sizeof(cdir), "%s/end", state_tmp);
	if (mf_capture_take(cap, cdir, "end", MF_CAPTURE_FULL, mark, &mc, err, sizeof(err))) {
		mf_err("end capture: %s", err);
		goto out;
	}
	if (mf_recorder_stop(r, err, sizeof(err))) {
		mf_err("%s%s", err, strstr(err, strerror(ENOSPC)) ?
		       "; free space or record to another file system with -o" : "");
		goto out;
	}
	mf_recorder_poll(r, &st, err, sizeof(err));
	if (mf_recorder_header(r, &td, err, sizeof(err))) {
		mf_err("%s", err);
		goto out;
	}
	td.version = o.format;
	if (mf_tracedat_write(tmp_out, &td, &size, err, sizeof(err))) {
		mf_err("%s%s", err, strstr(err, strerror(ENOSPC)) ?
		       "; free space or record to another file system with -o" : "");
		goto out;
	}
	if (okind != MF_OUT_RENAME) {
		/* a device, FIFO or stdout is written in place, never replaced */
		if (mf_outfile_copy_from(tmp_out, o.output, err, sizeof(err))) {
			mf_err("%s", err);
			goto out;
		}
		unlink(tmp_out);
		rm_tree(state_tmp);
	} else if (rename(tmp_out, final)) {
		mf_err("cannot rename %s to %s: %s", tmp_out, final, strerror(errno));
		goto out;
	} else if (replace_state(state_tmp, state_dir, err, sizeof(err))) {
		mf_err("%s", err);
		goto out_keep;
	}
	if (!o.quiet)
		summary(r, &st, o.output, size, o.cmd ? o.cmd[0] : NULL, status, nr_periodic,
			state_dir);
	ret = MF_EXIT_OK;
	/*
	 * As time(1): COMMAND's own exit status (128 + N when signal N killed it), so
	 * "mmfrag record -- make check" fails when make check fails.  When record stopped
	 * COMMAND itself (-d, Ctrl-C), the recording is what succeeded: 0.  A terminal's
	 * Ctrl-C (or timeout(1)) signals the whole process group, and COMMAND may die of
	 * it before record sees its own: that is the same stop.
	 */
	if (cmd_ended && WIFSIGNALED(status) && WTERMSIG(status) == got_signal)
		cmd_ended = false;
	if (cmd_ended && WIFEXITED(status))
		ret = WEXITSTATUS(status);
	else if (cmd_ended && WIFSIGNALED(status))
		ret = 128 + WTERMSIG(status);
	goto out_keep;

out:
	unlink(tmp_out);
	rm_tree(state_tmp);
out_keep:
	if (child > 0)
		reap(child);
	mf_tracedat_release(&td);
	if (mf_recorder_close(r, err, sizeof(err)))
		mf_warn("%s", err);
	mf_capture_free(cap);
out_free:
	free(final);
	free(tmp_out);
	free(data_prefix);
	free(state_tmp);
	free(state_dir);
	return ret;
}
