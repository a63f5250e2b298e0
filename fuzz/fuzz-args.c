// SPDX-License-Identifier: GPL-2.0
/*
 * The argument parsers, through the cmd_* entry points of status, replay, report and
 * compare (never record: it runs commands).  The input is the argument vector, NUL
 * separated; its first byte picks the subcommand.  The work is guarded: the harness runs
 * in its scratch directory, arguments naming an absolute path or a parent ('/') are
 * refused, and the only files there are small fixtures rewritten before every run (t.txt,
 * a text trace of 76 events; r.json, a result; cap/, a capture), so whatever an option
 * makes the command write stays in the scratch directory.
 *
 * Each run must stay cheap: the fixtures describe the smallest plausible machine, 32 MB
 * (DMA's 4095 pages and 4096 of DMA32, the trace's pfns moved into them; the 24 GB of
 * tests/data/extfrag/idle cost 150 MB of memset() a run).  Going from 144 MB to 32 MB
 * changed no cost measurably (17 ms of CPU a run over the last round's corpus either
 * way): what a run costs is the replays it starts.  A --config memory= above MAX_MEMORY
 * is not run (the parser's limits are the unit tests' part; the harness would spend its
 * time clearing a model that large).
 *
 * argp exits on --help, --version and usage errors: an atexit handler jumps back here, so
 * that exit() ends one run, not the fuzzer (leak checking is off for this harness: argp
 * does not free its state on that path).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "mmfrag/cmds.h"

#ifndef FUZZ_FIXTURES
#error "FUZZ_FIXTURES: the directory of t.dat, r.json and cap/"
#endif

#define MAX_ARGS	24
#define MAX_ARG_LEN	256
#define MAX_MEMORY	(256ULL << 20)
/*
 * CPU time of one run (fuzz.h): the slowest runs seen take 0.7 s (replays with --interval
 * 0.001); a run that spins is kept as a crash, while libFuzzer's wall-clock -timeout
 * is left for runs that block
 */
#define CPU_MS		20000

static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
	{ "status", cmd_status }, { "replay", cmd_replay },
	{ "report", cmd_report }, { "compare", cmd_compare },
};

static const char *const fixtures[] = { "t.txt", "r.json", "cap/buddyinfo", "cap/zoneinfo",
					"cap/pagetypeinfo", "cap/sysctl" };
#define NR_FIX	(sizeof(fixtures) / sizeof(fixtures[0]))
static struct { char *data; size_t len; } fix[NR_FIX];

static sigjmp_buf back;
static bool armed, in_cmd;

static void exit_trap(void)
{
	armed = false;
	if (in_cmd) {
		in_cmd = false;
		siglongjmp(back, 1);
	}
}

static void load_fixtures(void)
{
	char path[512];
	size_t i;

	for (i = 0; i < NR_FIX; i++) {
		FILE *f;
		long n;

		snprintf(path, sizeof(path), "%s/%s", FUZZ_FIXTURES, fixtures[i]);
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
			abort();
		fix[i].len = (size_t)n;
		fix[i].data = malloc(fix[i].len + 1);
		if (!fix[i].data || fread(fix[i].data, 1, fix[i].len, f) != fix[i].len)
			abort();
		fclose(f);
	}
	if (chdir(fuzz_dir()))
		abort();
	/* what the commands print is not the point; libFuzzer's own lines go to stderr */
	i = (size_t)open("out", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if ((int)i < 0 || dup2((int)i, 1) < 0)
		abort();
}

static void reset_dir(unsigned long runs)
{
	size_t i;

	/* now and then, drop whatever the commands wrote */
	if (!(runs % 512) && system("find . -mindepth 1 -maxdepth 1 ! -name out -exec rm -rf {} +"))
		abort();
	mkdir("cap", 0700);
	for (i = 0; i < NR_FIX; i++) {
		unlink(fixtures[i]);
		fuzz_write(fixtures[i], fix[i].data, fix[i].len);
	}
	if (ftruncate(1, 0))
		abort();
}

/* Does some "memory=N[kKmMgGtT]" in [p, e) ask for more than MAX_MEMORY? */
static bool too_much_memory(const uint8_t *p, const uint8_t *e)
{
	const uint8_t *m;

	while ((m = memmem(p, (size_t)(e - p), "memory=", 7))) {
		unsigned long long v = 0;
		int digits = 0;

		for (p = m + 7; p < e && *p >= '0' && *p <= '9' && digits < 20; p++, digits++)
			v = v * 10 + (*p - '0');
		if (digits >= 20)
			return true;
		if (p < e && *p && strchr("kKmMgGtT", *p)) {
			int shift = strchr("kK", *p) ? 10 : strchr("mM", *p) ? 20 :
				    strchr("gG", *p) ? 30 : 40;

			if (v > (MAX_MEMORY >> shift))
				return true;
		} else if (v > MAX_MEMORY) {
			return true;
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long runs;
	char *argv[MAX_ARGS + 2], *copy;
	const char *p, *end;
	int argc = 1, c;
	size_t i;

	if (!size || size > MAX_ARGS * MAX_ARG_LEN)
		return 0;
	for (i = 1; i < size; i++)
		if (data[i] == '/')
			return 0;
	if (too_much_memory(data, data + size))
		return 0;
	if (!runs)
		load_fixtures();
	reset_dir(++runs);
	c = data[0] % (int)(sizeof(cmds) / sizeof(cmds[0]));

	copy = malloc(size);
	if (!copy)
		abort();
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	argv[0] = (char *)cmds[c].name;
	for (p = copy, end = copy + size - 1; p < end && argc <= MAX_ARGS; argc++) {
		argv[argc] = (char *)p;
		p += strlen(p) + 1;
	}
	argv[argc] = NULL;

	if (!armed) {
		if (atexit(exit_trap))
			abort();
		armed = true;
	}
	fuzz_cpu_limit_arm(CPU_MS);
	if (!sigsetjmp(back, 0)) {
		in_cmd = true;
		cmds[c].fn(argc, argv);
	}
	in_cmd = false;
	fuzz_cpu_limit_disarm();
	fflush(stdout);
	free(copy);
	return 0;
}
