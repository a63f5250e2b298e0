// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag top: the live view.  Options, signals, the terminal and the refresh loop; the
 * pipeline is src/replay/live.c, the views src/output/out-top.c.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mmfrag/cmds.h"
#include "mmfrag/common.h"
#include "mmfrag/top.h"

#define DEFAULT_BUFFER_KIB	65536	/* as record: absorbs a compacting workload's bursts */
#define PUMP_MS			20	/* how often the ring buffers are read when idle */

enum {
	OPT_ORDER = 0x100,
	OPT_BUFFER,
	OPT_DRIFT,
};

struct top_opts {
	double		interval;
	double		duration;	/* 0: until q or a signal */
	int		iterations;	/* 0: no limit */
	bool		batch, json;
	enum mf_top_sort sort;
	int		order;
	struct mf_top_opts pipe;
};

static const struct argp_option top_options[] = {
	{ "interval", 'i', "SECONDS", 0, "refresh every SECONDS (default 1)", 0 },
	{ "duration", 'd', "SECONDS", 0, "stop after SECONDS", 0 },
	{ "iterations", 'n', "N", 0, "stop after N refreshes", 0 },
	{ "batch", 'b', NULL, 0, "no terminal control: print each refresh on stdout", 0 },
	{ "json", 'j', NULL, 0, "with --batch (implied): one mmfrag-top/1 JSON object per "
	  "refresh, one per line", 0 },
	{ "sort", 's', "KEY", 0, "sort tasks by stall (default), time, fallbacks, fragmenting, "
	  "polluted or pid", 0 },
	{ "order", OPT_ORDER, "ORDER", 0, "the order of the second pair of index columns "
	  "(default 3; the first pair is order 9)", 0 },
	{ "buffer-size", OPT_BUFFER, "KIB", 0, "per-CPU ring buffer in KiB (default 65536)", 0 },
	{ "drift-threshold", OPT_DRIFT, "FRACTION", 0, "re-seed the model from kpageflags when "
	  "its free blocks differ from /proc/buddyinfo by more than FRACTION (default 0.1; 0 "
	  "never)", 0 },
	{ 0 }
};

static error_t top_parse(int key, char *arg, struct argp_state *state)
{
	struct top_opts *o = state->input;
	unsigned long long v;
	char *end;
	int i;

	switch (key) {
	case ARGP_KEY_INIT:
		mf_argp_quiet(state);
		break;
	case 'i':
		if (mf_parse_seconds(arg, 86400, &o->interval) || o->interval < 0.1)
			return mf_usage_error("top", "-i: '%s' is not a number of seconds >= 0.1", arg);
		break;
	case 'd':
		if (mf_parse_seconds(arg, 1e7, &o->duration) || !(o->duration > 0))
			return mf_usage_error("top", "-d: '%s' is not a number of seconds > 0", arg);
		break;
	case 'n':
		if (mf_parse_int(arg, 1, 1 << 30, &o->iterations))
			return mf_usage_error("top", "-n: '%s' is not a count >= 1", arg);
		break;
	case 'b':
		o->batch = true;
		break;
	case 'j':
		o->json = o->batch = true;
		break;
	case 's':
		for (i = 0; i < MF_TOP_NR_SORT; i++)
			if (!strcmp(arg, mf_top_sort_names[i]))
				break;
		if (i == MF_TOP_NR_SORT)
			return mf_usage_error("top", "-s: '%s' is not stall, time, fallbacks, "
					      "fragmenting, polluted or pid", arg);
		o->sort = (enum mf_top_sort)i;
		break;
	case OPT_ORDER:
		if (mf_parse_int(arg, 0, MF_MAX_ORDERS - 1, &o->order))
			return mf_usage_error("top", "--order: '%s' is not an order (0-%d)", arg,
					      MF_MAX_ORDERS - 1);
		break;
	case OPT_BUFFER:
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || v < 4 || v > (16ULL << 20))
			return mf_usage_error("top", "--buffer-size: '%s' is not a size in KiB from 4 "
					      "to %llu", arg, 16ULL << 20);
		o->pipe.buffer_kib = (size_t)v;
		break;
	case OPT_DRIFT:
		if (mf_parse_seconds(arg, 1e6, &o->pipe.drift_threshold))
			return mf_usage_error("top", "--drift-threshold: '%s' is not a number >= 0", arg);
		break;
	case ARGP_KEY_ARG:
		return mf_usage_error("top", "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp top_argp = {
	.options = top_options,
	.parser = top_parse,
	.doc = "Live view of fragmentation and compaction: the observe model fed by this "
	       "machine's page-allocator and compaction events through a private tracefs "
	       "instance, seeded from /proc/kpageflags, redrawn every interval: free blocks "
	       "and indices per zone, direct compaction stalls against /proc/vmstat, kcompactd, "
	       "fallbacks, and the tasks that stall and fragment.  Keys: q quit; s t f F p P "
	       "sort by stall, time, fallbacks, fragmenting, polluted, pid; < > previous/next "
	       "sort key; + - double/halve the interval; o next order; space refresh now."
	       "\vStops on q, after -d SECONDS or -n N refreshes, or on SIGINT/SIGTERM; the "
	       "tracefs instance is removed either way. Needs root. "
	       "Exit status: 0 ok, 1 runtime error, 2 usage error. See mmfrag-top(1).",
};

/* ---- signals and the terminal ---------------------------------------------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: poll() returns */
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct term {
	bool		on;
	bool		keys;	/* stdin is the terminal: raw keys */
	struct termios	saved;
};

static void term_enter(struct term *t)
{
	struct termios raw;

	t->keys = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &t->saved);
	if (t->keys) {
		raw = t->saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	/* the alternate screen, cursor hidden: the shell's screen comes back on exit */
	fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);
	fflush(stdout);
	t->on = true;
}

static void term_leave(struct term *t)
{
	if (!t->on)
		return;
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (t->keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	t->on = false;
}

static void term_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What a key asks for: 1 quit, 2 redraw now, 0 nothing. */
static int on_key(struct top_opts *o, int c)
{
	static const char sort_keys[MF_TOP_NR_SORT] = { 's', 't', 'f', 'F', 'p', 'P' };
	int i;

	for (i = 0; i < MF_TOP_NR_SORT; i++) {
		if (c == sort_keys[i]) {
			o->sort = (enum mf_top_sort)i;
			return 2;
		}
	}
	switch (c) {
	case 'q':
	case 'Q':
		return 1;
	case '<':
		o->sort = (enum mf_top_sort)((o->sort + MF_TOP_NR_SORT - 1) % MF_TOP_NR_SORT);
		return 2;
	case '>':
		o->sort = (enum mf_top_sort)((o->sort + 1) % MF_TOP_NR_SORT);
		return 2;
	case '+':
		if (o->interval * 2 <= 86400)
			o->interval *= 2;
		return 2;
	case '-':
		if (o->interval / 2 >= 0.1)
			o->interval /= 2;
		return 2;
	case 'o':
		o->order = (o->order + 1) % 11;
		return 2;
	case ' ':
		return 2;
	}
	return 0;
}

static int show(const struct top_opts *o, const struct mf_top_frame *f, bool interactive)
{
	int rows, cols;

	if (o->json)
		return mf_top_print_json(stdout, f);
	if (interactive) {
		term_size(&rows, &cols);
		mf_top_print_text(stdout, f, rows, cols, true);
	} else {
		mf_top_print_text(stdout, f, 0, 0, false);
	}
	return ferror(stdout) ? -EIO : 0;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o = {
		.interval = 1.0, .order = 3,
		.pipe = { .buffer_kib = DEFAULT_BUFFER_KIB, .drift_threshold = 0.1 },
	};
	struct mf_top_frame f;
	struct term term = { 0 };
	char warn[2048], err[512], *line, *save;
	struct mf_top *t = NULL;
	double start, next, end;
	bool interactive, quit = false;
	int ret, status = MF_EXIT_OK, frames = 0;

	if (argp_parse(&top_argp, argc, argv, 0, NULL, &o))
		return MF_EXIT_USAGE;
	interactive = !o.batch && isatty(STDOUT_FILENO);

	catch_signals();
	ret = mf_top_open(&t, &o.pipe, warn, sizeof(warn), err, sizeof(err));
	for (line = strtok_r(warn, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		mf_warn("%s", line);
	if (ret) {
		mf_err("top: %s", err);
		status = MF_EXIT_RUNTIME;
		goto out;
	}
	if (interactive)
		term_enter(&term);

	/* the clock starts with tracing, before the seeding scan: time_s and -d agree */
	start = now_s() - mf_top_elapsed(t);
	next = start + o.interval;
	end = o.duration > 0 ? start + o.duration : 0;
	while (!got_signal && !quit) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		double now, wait;
		bool redraw = false, last;

		ret = mf_top_pump(t, err, sizeof(err));
		if (ret < 0)
			break;
		now = now_s();
		if (end && now >= end)
			break;
		if (now >= next) {
			redraw = true;
			next += o.interval;
			if (next <= now)
				next = now + o.interval;
		}
		if (!redraw && ret >= 4)
			continue;	/* busy: read again before sleeping */
		if (!redraw) {
			wait = (end && end < next ? end : next) - now;
			if (wait > PUMP_MS / 1000.0)
				wait = PUMP_MS / 1000.0;
			if (poll(&pfd, term.keys ? 1 : 0, (int)(wait * 1000) + 1) > 0 &&
			    (pfd.revents & POLLIN)) {
				char keys[16];
				ssize_t n = read(STDIN_FILENO, keys, sizeof(keys)), k;

				for (k = 0; k < n; k++) {
					int what = on_key(&o, keys[k]);

					quit |= what == 1;
					redraw |= what == 2;
				}
				if (redraw)
					next = now_s() + o.interval;
			}
			if (!redraw)
				continue;
		}
		if (quit)
			break;
		/* -n N: the Nth refresh is the last, and says so */
		last = o.iterations && frames + 1 >= o.iterations;
		ret = mf_top_frame(t, &f, o.sort, o.order, last, err, sizeof(err));
		if (ret < 0)
			break;
		frames++;
		if (show(&o, &f, interactive)) {
			ret = 0;	/* stdout went away (a closed pipe): stop quietly */
			quit = true;
			frames = -1;
			break;
		}
		if (last) {
			frames = -1;	/* the final frame is out */
			break;
		}
	}
	if (ret < 0) {
		term_leave(&term);
		mf_err("top: %s", err);
		status = MF_EXIT_RUNTIME;
		goto out;
	}
	/* the last, possibly partial, window: q in the terminal needs none */
	if (frames >= 0 && !(interactive && quit)) {
		ret = mf_top_frame(t, &f, o.sort, o.order, true, err, sizeof(err));
		if (ret < 0) {
			term_leave(&term);
			mf_err("top: %s", err);
			status = MF_EXIT_RUNTIME;
			goto out;
		}
		if (!interactive)
			show(&o, &f, false);
	}
	term_leave(&term);
out:
	term_leave(&term);
	if (mf_top_close(t, err, sizeof(err))) {
		mf_err("top: %s", err);
		status = MF_EXIT_RUNTIME;
	}
	return status;
}
