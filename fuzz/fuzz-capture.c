// SPDX-License-Identifier: GPL-2.0
/*
 * /proc capture parsers (src/trace/state.c) as `status --proc DIR` and replay's captures
 * use them.  The input is the capture's files one after the other, separated by NUL
 * bytes: buddyinfo, zoneinfo, pagetypeinfo, vmstat, sysctl, then kpageflags (binary: the
 * rest of the input).  A file the input does not reach is absent from the capture.  Then
 * buddyinfo.after (the buddyinfo part again, as replay reads a start capture's), the zone
 * reports (indices, scores), every status renderer, the simulator's reading of
 * the traced settings (sysctl, as replay --simulate takes them) and a kpageflags scan run
 * on it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mmfrag/output.h"
#include "mmfrag/report.h"
#include "mmfrag/sim-config.h"
#include "mmfrag/state.h"

static const char *const names[] = { "buddyinfo", "zoneinfo", "pagetypeinfo", "vmstat",
				     "sysctl", "kpageflags" };
#define NR_TEXT	5	/* NUL-terminated parts; kpageflags is the rest */

struct scan { uint64_t blocks, pages; };

static int setting(void *priv, const char *key, char *val, size_t len)
{
	return mf_state_sysctl_read(priv, key, val, len);
}

static void on_block(void *priv, int zone, uint64_t pfn, int order)
{
	((struct scan *)priv)->blocks++;
}

static void on_page(void *priv, uint64_t pfn, uint64_t flags)
{
	((struct scan *)priv)->pages++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mf_zone_report z[MF_MAX_ZONES];
	static struct mf_state st;
	struct mf_sim_config cfg;
	struct scan sc = { 0 };
	const uint8_t *p = data, *end = data + size;
	char err[512], dir[128];
	size_t i;
	int64_t v;
	int n;

	snprintf(dir, sizeof(dir), "%s", fuzz_dir());
	for (i = 0; i <= NR_TEXT; i++) {
		const uint8_t *nul, *stop;

		if (p > end || (i < NR_TEXT && p == end)) {
			fuzz_unlink(names[i]);
			p = end + 1;
			continue;
		}
		nul = i < NR_TEXT ? memchr(p, 0, (size_t)(end - p)) : NULL;
		stop = nul ? nul : end;
		fuzz_write(names[i], p, (size_t)(stop - p));
		p = stop + 1;
	}
	if (mf_state_load(&st, dir, err, sizeof(err)))
		return 0;
	{
		/* buddyinfo read again after the scan: here the same bytes, over a copy */
		static struct mf_state after;
		const uint8_t *bend = memchr(data, 0, size);

		after = st;
		fuzz_write("buddyinfo.after", data, bend ? (size_t)(bend - data) : size);
		mf_state_load_after(&after, dir, err, sizeof(err));
	}
	n = mf_state_reports(&st, z, st.pageblock_order >= 0 ? st.pageblock_order : 9);
	mf_status_print(fuzz_sink(), z, n, dir, st.pageblock_order, true);
	mf_status_print(fuzz_sink(), z, n, dir, st.pageblock_order, false);
	mf_text_extfrag_index(fuzz_sink(), z, n);
	mf_text_unusable_index(fuzz_sink(), z, n);
	mf_state_vmstat_read(dir, "compact_stall", &v);
	mf_state_vmstat_read(dir, "nr_free_pages", &v);
	mf_sim_config_default(&cfg);
	mf_sim_config_traced(&cfg, setting, dir, err, sizeof(err));
	mf_state_kpageflags_scan(&st, 10, on_block, on_page, &sc, err, sizeof(err));
	return 0;
}
