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
