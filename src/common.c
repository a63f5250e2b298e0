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

#include "mmfrag/common.h"
#include "mmfrag/event.h"

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

const char *mf_ev_type_name(enum mf_ev_type t)
{
	static const char *const names[MF_EV_NR] = {
		[MF_EV_OTHER]			= "other",
		[MF_EV_PAGE_ALLOC]		= "mm_page_alloc",
		[MF_EV_PAGE_FREE]		= "mm_page_free",
		[MF_EV_PAGE_FREE_BATCHED]	= "mm_page_free_batched",
		[MF_EV_ZONE_LOCKED]		= "mm_page_alloc_zone_locked",
		[MF_EV_PCPU_DRAIN]		= "mm_page_pcpu_drain",
		[MF_EV_EXTFRAG]			= "mm_page_alloc_extfrag",
		[MF_EV_CP_ISOLATE_MIGRATE]	= "mm_compaction_isolate_migratepages",
		[MF_EV_CP_ISOLATE_FREE]		= "mm_compaction_isolate_freepages",
		[MF_EV_CP_FAST_ISOLATE_FREE]	= "mm_compaction_fast_isolate_freepages",
		[MF_EV_CP_MIGRATEPAGES]		= "mm_compaction_migratepages",
		[MF_EV_CP_BEGIN]		= "mm_compaction_begin",
		[MF_EV_CP_END]			= "mm_compaction_end",
		[MF_EV_CP_TRY]			= "mm_compaction_try_to_compact_pages",
		[MF_EV_CP_FINISHED]		= "mm_compaction_finished",
		[MF_EV_CP_SUITABLE]		= "mm_compaction_suitable",
		[MF_EV_CP_DEFERRED]		= "mm_compaction_deferred",
		[MF_EV_CP_DEFER_COMPACTION]	= "mm_compaction_defer_compaction",
		[MF_EV_CP_DEFER_RESET]		= "mm_compaction_defer_reset",
		[MF_EV_CP_KCOMPACTD_SLEEP]	= "mm_compaction_kcompactd_sleep",
		[MF_EV_CP_WAKEUP_KCOMPACTD]	= "mm_compaction_wakeup_kcompactd",
		[MF_EV_CP_KCOMPACTD_WAKE]	= "mm_compaction_kcompactd_wake",
		[MF_EV_KSWAPD_SLEEP]		= "mm_vmscan_kswapd_sleep",
		[MF_EV_KSWAPD_WAKE]		= "mm_vmscan_kswapd_wake",
		[MF_EV_WAKEUP_KSWAPD]		= "mm_vmscan_wakeup_kswapd",
		[MF_EV_DIRECT_RECLAIM_BEGIN]	= "mm_vmscan_direct_reclaim_begin",
		[MF_EV_DIRECT_RECLAIM_END]	= "mm_vmscan_direct_reclaim_end",
		[MF_EV_PRINT]			= "print",
	};

	return (unsigned int)t < MF_EV_NR && names[t] ? names[t] : "?";
}

static ssize_t null_write(void *cookie, const char *buf, size_t size)
{
	return (ssize_t)size;
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
