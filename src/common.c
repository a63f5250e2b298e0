// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE		/* fopencookie() */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mmfrag/common.h"

const char *const mf_mt_names[MF_MAX_MT] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "mmfrag: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int mf_parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int mf_parse_seconds(const char *s, double hi, double *out)
{
	char *end;
	double v;

	/* strtod() takes "nan", "inf", hex and leading blanks; a duration is none of those */
	if ((!isdigit((unsigned char)*s) && *s != '.') || s[strspn(s, "0123456789.eE+-")])
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > hi)
		return -1;
	*out = v;
	return 0;
}

void mf_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void mf_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

static ssize_t null_write(void *cookie, const char *buf, size_t size)
{
	return (ssize_t)size;
}

uint64_t mf_model_max_pfns(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || psz <= 0)
		return 1ULL << 32;	/* unknown: 16 TiB of 4K frames, the learn-mode cap */
	return (uint64_t)pages * (uint64_t)psz / MF_MODEL_BYTES_PER_PFN;
}

void mf_argp_quiet(struct argp_state *state)
{
	static FILE *sink;
	int i;

	/*
	 * glibc's argp has a hidden debugging option, "--HANG[=SECS]" (argp-parse.c), that
	 * sleeps an hour by default, and getopt takes any prefix down to "--H" for it: found
	 * by the args fuzzer as `mmfrag status --H` hanging.  Refused here as getopt refuses
	 * an unknown option.  Up to "--", and in ARGP_IN_ORDER parsers (main, record) up to
	 * the first argument that is not an option: what follows is not parsed by argp.
	 */
	for (i = state->next > 0 ? state->next : 1; i < state->argc; i++) {
		const char *a = state->argv[i];
		size_t n = strcspn(a, "=");

		if (!strcmp(a, "--") || (a[0] != '-' && (state->flags & ARGP_IN_ORDER)))
			break;
		if (n >= 3 && n <= 6 && !strncmp(a, "--HANG", n)) {
			fprintf(stderr, "%s: unrecognized option '%s'\n",
				state->name ? state->name : state->argv[0], a);
			exit(argp_err_exit_status);
		}
	}

	if (!sink)
		sink = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = null_write });
	if (sink)
		state->err_stream = sink;
}

int mf_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mmfrag %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see 'mmfrag %s --help'\n", cmd);
	return EINVAL;
}
