// SPDX-License-Identifier: GPL-2.0
/*
 * What `mmfrag status` stands on: the index formulas on hand-worked free lists, the
 * parsers of buddyinfo/zoneinfo/pagetypeinfo (this kernel's layout and others'), free
 * block recovery from kpageflags (synthetic files, then the live machine when root), and
 * the kernel's debugfs files reproduced byte for byte from captured buddyinfo.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <zstd.h>

#include "mmfrag/metrics.h"
#include "mmfrag/output.h"
#include "mmfrag/model.h"
#include "mmfrag/replay.h"
#include "mmfrag/report.h"
#include "mmfrag/state.h"
#include "unit.h"

/* ---- helpers ------------------------------------------------------------------------- */

static char *tmpdir_new(void)
{
	char *d = strdup("/tmp/mmfrag-unit.XXXXXX");

	if (d && !mkdtemp(d)) {
		free(d);
		return NULL;
	}
	return d;
}

static void tmpdir_free(char *d)
{
	char cmd[256];

	if (!d)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", d);
	free(d);
}

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	n = fwrite(data, 1, len, f);
	return fclose(f) || n != len ? -1 : 0;
}

static int write_zst(const char *dir, const char *name, const void *data, size_t len)
{
	size_t cap = ZSTD_compressBound(len), n;
	void *out = malloc(cap);
	int ret;

	if (!out)
		return -1;
	n = ZSTD_compress(out, cap, data, len, 3);
	ret = ZSTD_isError(n) ? -1 : write_file(dir, name, out, n);
	free(out);
	return ret;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return NULL;
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* ---- the formulas, by hand ----------------------------------------------------------- */

/*
 * A 16-page zone (max order 4, nr_orders 5) holding 8 free pages:
 *   order 0: 2 blocks (2 pages), order 1: 1 block (2 pages), order 2: 1 block (4 pages)
 *   free_pages = 8, free_blocks_total = 4
 *
 * unusable_free_index(o) = (free_pages - (suitable << o)) * 1000 / free_pages, where
 * suitable = sum over k >= o of nr_free[k] << (k - o):
 *   o=0: suitable 2+2+4 = 8  -> (8 - 8) * 1000 / 8 = 0
 *   o=1: suitable 1 + 2 = 3  -> (8 - 6) * 1000 / 8 = 250
 *   o=2: suitable 1          -> (8 - 4) * 1000 / 8 = 500
 *   o=3, 4: suitable 0       -> 8000 / 8 = 1000
 * __fragmentation_index(o) = -1000 while a block of order >= o exists (o <= 2), else
 *   1000 - (1000 + free_pages * 1000 / 2^o) / free_blocks_total:
 *   o=3: 1000 - (1000 + 8000/8 = 1000) / 4 = 1000 - 500 = 500
 *   o=4: 1000 - (1000 + 8000/16 = 500) / 4 = 1000 - 375 = 625
 * extfrag_for_order(o) (percent): o=2: (8 - 4) * 100 / 8 = 50; o=3: 100.
 */
static void test_index_16(void)
{
	const uint64_t nr_free[5] = { 2, 1, 1, 0, 0 };
	const int unusable[5] = { 0, 250, 500, 1000, 1000 };
	const int extfrag[5] = { -1000, -1000, -1000, 500, 625 };
	struct mf_contig_info info;
	int o;

	mf_fill_contig_info(nr_free, 5, 1, &info);
	CU_ASSERT_EQUAL(info.free_pages, 8);
	CU_ASSERT_EQUAL(info.free_blocks_total, 4);
	CU_ASSERT_EQUAL(info.free_blocks_suitable, 3);
	for (o = 0; o < 5; o++) {
		CU_ASSERT_EQUAL(mf_unusable_index(nr_free, 5, o), unusable[o]);
		CU_ASSERT_EQUAL(mf_fragmentation_index(nr_free, 5, o), extfrag[o]);
	}
	CU_ASSERT_EQUAL(mf_extfrag_for_order(nr_free, 5, 2), 50);
	CU_ASSERT_EQUAL(mf_extfrag_for_order(nr_free, 5, 3), 100);
	CU_ASSERT_EQUAL(mf_fragmentation_score_zone(nr_free, 5, 2), 50);
}

/*
 * Truncation: 5 free pages in 4 blocks (order 0: 3, order 1: 1).
 *   extfrag o=2: 1000 - (1000 + 5000/4 = 1250) / 4 = 1000 - 2250/4 (562.5 -> 562) = 438
 *   extfrag o=3: 1000 - (1000 + 5000/8 (625)) / 4 = 1000 - 1625/4 (406.25 -> 406) = 594
 *   unusable o=1: suitable 1 -> (5 - 2) * 1000 / 5 = 600
 *   extfrag_for_order(1): (5 - 2) * 100 / 5 = 60
 * An empty zone: unusable 1000 (all of nothing is unusable), extfrag 0, score 0.
 */
static void test_index_truncation_empty(void)
{
	const uint64_t nr_free[4] = { 3, 1, 0, 0 }, none[4] = { 0 };
	int o;

	CU_ASSERT_EQUAL(mf_fragmentation_index(nr_free, 4, 2), 438);
	CU_ASSERT_EQUAL(mf_fragmentation_index(nr_free, 4, 3), 594);
	CU_ASSERT_EQUAL(mf_fragmentation_index(nr_free, 4, 1), -1000);
	CU_ASSERT_EQUAL(mf_unusable_index(nr_free, 4, 1), 600);
	CU_ASSERT_EQUAL(mf_extfrag_for_order(nr_free, 4, 1), 60);
	for (o = 0; o < 4; o++) {
		CU_ASSERT_EQUAL(mf_unusable_index(none, 4, o), 1000);
		CU_ASSERT_EQUAL(mf_fragmentation_index(none, 4, o), 0);
	}
	CU_ASSERT_EQUAL(mf_extfrag_for_order(none, 4, 2), 0);
}

/*
 * A read of buddyinfo that caught free page reporting's batch: the kernel lacks exactly
 * 32 blocks of page_reporting_order (9) and up against the model (20 of order 9, 12 of
 * order 10); what it lacks below that order does not count.  31 or 33 are a model
 * error, as is any lack with reporting off.
 */
static void test_reporting_batch(void)
{
	uint64_t model[11] = { 50, 0, 0, 0, 0, 0, 0, 0, 0, 30, 40 };
	uint64_t kernel[11] = { 40, 0, 0, 0, 0, 0, 0, 0, 0, 10, 28 }, add[11];

	CU_ASSERT_TRUE(mf_reporting_batch(9, 11, model, kernel, add));
	CU_ASSERT_EQUAL(add[0], 0);
	CU_ASSERT_EQUAL(add[9], 20);
	CU_ASSERT_EQUAL(add[10], 12);
	CU_ASSERT_FALSE(mf_reporting_batch(10, 11, model, kernel, add));
	CU_ASSERT_EQUAL(add[10], 0);
	CU_ASSERT_FALSE(mf_reporting_batch(-1, 11, model, kernel, add));
	kernel[9] = 11;
	CU_ASSERT_FALSE(mf_reporting_batch(9, 11, model, kernel, add));
	kernel[9] = 9;
	CU_ASSERT_FALSE(mf_reporting_batch(9, 11, model, kernel, add));
	CU_ASSERT_EQUAL(add[9], 0);
}

/*
 * fragmentation_score_zone_weighted() = present * score / (node_present + 1), summed per
 * node by fragmentation_score_node().  Node 0: a 16-page zone (score 50, as above) and a
 * 48-page zone whose free memory is one order-4 block (score at order 2: 0); node 1: a
 * 16-page zone with the same lists as the first, alone on its node.
 *   node 0: node_present 64: 16 * 50 / 65 = 12 (12.3), 48 * 0 / 65 = 0 -> node score 12
 *   node 1: 16 * 50 / 17 = 47 (47.06)                               -> node score 47
 */
static void test_node_score(void)
{
	struct mf_zone_report z[3];
	const uint64_t a[5] = { 2, 1, 1, 0, 0 }, b[5] = { 0, 0, 0, 0, 1 };

	memset(z, 0, sizeof(z));
	z[0].node = 0; z[0].present = 16; z[0].m.nr_orders = 5;
	memcpy(z[0].m.nr_free, a, sizeof(a));
	z[1].node = 0; z[1].present = 48; z[1].m.nr_orders = 5;
	memcpy(z[1].m.nr_free, b, sizeof(b));
	z[2].node = 1; z[2].present = 16; z[2].m.nr_orders = 5;
	memcpy(z[2].m.nr_free, a, sizeof(a));
	mf_zone_reports_finish(z, 3, 2);
	CU_ASSERT_EQUAL(z[0].m.fragmentation_score, 50);
	CU_ASSERT_EQUAL(z[0].m.fragmentation_score_weighted, 12);
	CU_ASSERT_EQUAL(z[1].m.fragmentation_score, 0);
	CU_ASSERT_EQUAL(z[0].node_score, 12);
	CU_ASSERT_EQUAL(z[1].node_score, 12);
	CU_ASSERT_EQUAL(z[2].m.fragmentation_score_weighted, 47);
	CU_ASSERT_EQUAL(z[2].node_score, 47);
	CU_ASSERT_EQUAL(z[0].m.free_pages, 8);
	CU_ASSERT_EQUAL(z[0].m.unusable_index[1], 250);
	CU_ASSERT_EQUAL(z[0].m.extfrag_index[4], 625);
}

/* extfrag_show_print() "%2d.%03d ", unusable_show_print() "%d.%03d ", zone "%8s". */
static void test_debugfs_format(void)
{
	const int idx[4] = { -1000, 0, 438, 1000 };
	char buf[256];

	mf_format_extfrag_line(buf, sizeof(buf), 0, "DMA32", idx, 4);
	CU_ASSERT_STRING_EQUAL(buf, "Node 0, zone    DMA32 -1.000  0.000  0.438  1.000 \n");
	mf_format_unusable_line(buf, sizeof(buf), 1, "Normal", idx + 1, 3);
	CU_ASSERT_STRING_EQUAL(buf, "Node 1, zone   Normal 0.000 0.438 1.000 \n");
	mf_format_unusable_line(buf, sizeof(buf), 0, "Movable", idx + 1, 1);
	CU_ASSERT_STRING_EQUAL(buf, "Node 0, zone  Movable 0.000 \n");
}

/* ---- parsers ------------------------------------------------------------------------- */

static const char buddyinfo_618[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
	"Node 0, zone    DMA32      2      3      0      2      3      2      1      4      4      2    752 \n"
	"Node 0, zone   Normal    543    216     65     44     23     43     87     66     40     51    182 \n";

static void test_parse_buddyinfo(void)
{
	struct mf_state *st = calloc(1, sizeof(*st));
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(mf_state_parse(st, buddyinfo_618, NULL, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st->nr_zones, 3);
	CU_ASSERT_STRING_EQUAL(st->zones[1].name, "DMA32");
	CU_ASSERT_EQUAL(st->zones[1].nr_orders, 11);
	CU_ASSERT_EQUAL(st->zones[1].nr_free[10], 752);
	CU_ASSERT_EQUAL(st->zones[2].nr_free[0], 543);
	CU_ASSERT_EQUAL(st->pageblock_order, -1);
	CU_ASSERT_FALSE(st->has_zoneinfo);
	CU_ASSERT_FALSE(st->has_pagetypeinfo);

	/* arm64 64K pages (14 orders), two nodes, tabs, no trailing blank, a blank line */
	CU_ASSERT_EQUAL(mf_state_parse(st,
		"Node 0, zone   Normal 1 2 3 4 5 6 7 8 9 10 11 12 13 14\n"
		"\n"
		"Node 1, zone\tNormal\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t7",
		NULL, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st->nr_zones, 2);
	CU_ASSERT_EQUAL(st->zones[0].nr_orders, 14);
	CU_ASSERT_EQUAL(st->zones[0].nr_free[13], 14);
	CU_ASSERT_EQUAL(st->zones[1].node, 1);
	CU_ASSERT_EQUAL(st->zones[1].nr_free[13], 7);

	/* pre-4.x: orders 0-10 under MAX_ORDER 11, and a HighMem zone */
	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone  HighMem 5 4 3\n", NULL, NULL, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(st->zones[0].nr_orders, 3);

	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone DMA 1 2\ngarbage\n", NULL, NULL, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "buddyinfo: line 2: expected 'Node N, zone NAME' and free "
			       "block counts");
	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone DMA 1 x\n", NULL, NULL, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1"));
	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone DMA\n", NULL, NULL, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone DMA 1 -2\n", NULL, NULL, err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone DMA 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
				       NULL, NULL, err, sizeof(err)), -E2BIG);
	CU_ASSERT_EQUAL(mf_state_parse(st, "\n\n", NULL, NULL, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "buddyinfo: no zones");
	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone DMA 1\nNode 0, zone DMA 2\n", NULL, NULL,
				       err, sizeof(err)), -EINVAL);
	free(st);
}

/* 6.18: per-node stats in the first zone, promo, cma, pagesets with "high:", Movable and
 * Device unpopulated (absent from buddyinfo).  Node 1 is an older kernel's layout (no
 * boost/promo/cma/high_min, "scanned"), which never happens in one file but reads the same. */
static const char zoneinfo_mixed[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 1526\n"
	"      nr_free_pages_blocks 3584\n"
	"  pages free     3840\n"
	"        boost    0\n"
	"        min      58\n"
	"        low      72\n"
	"        high     86\n"
	"        promo    100\n"
	"        spanned  4095\n"
	"        present  3998\n"
	"        managed  3840\n"
	"        cma      0\n"
	"        protection: (0, 3018, 4298, 4298, 4298)\n"
	"      nr_free_pages 3840\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count:    0\n"
	"              high:     0\n"
	"              batch:    1\n"
	"              high_min: 36\n"
	"              high_max: 240\n"
	"  vm stats threshold: 4\n"
	"  node_unreclaimable:  1\n"
	"  start_pfn:           1\n"
	"Node 0, zone   Normal\n"
	"  pages free     1000\n"
	"        boost    7\n"
	"        min      10\n"
	"        low      20\n"
	"        high     30\n"
	"        promo    40\n"
	"        spanned  262144\n"
	"        present  262000\n"
	"        managed  250000\n"
	"        cma      0\n"
	"        protection: (0, 0, 0, 0, 0)\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count:    12\n"
	"              high:     999\n"
	"    cpu: 1\n"
	"              count:    30\n"
	"              high:     500\n"
	"              batch:    63\n"
	"              high_min: 384\n"
	"              high_max: 7000\n"
	"  vm stats threshold: 4\n"
	"    cpu: 2\n"
	"              count:    x\n"
	"  node_unreclaimable:  2\n"
	"  start_pfn:           1048576\n"
	"Node 0, zone  Movable\n"
	"  pages free     0\n"
	"        min      0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        protection: (0, 0, 0, 0, 0)\n"
	"Node 0, zone   Device\n"
	"  pages free     0\n"
	"        protection: (0, 0, 0, 0, 0)\n"
	"Node 1, zone   Normal\n"
	"  pages free     500\n"
	"        min      1\n"
	"        low      2\n"
	"        high     3\n"
	"        scanned  0\n"
	"        spanned  1024\n"
	"        present  1024\n"
	"        managed  1000\n"
	"    nr_free_pages 500\n"
	"        protection: (0, 0, 0, 0)\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count: 0\n"
	"              high:  186\n"
	"              batch: 31\n"
	"  all_unreclaimable: 0\n"
	"  start_pfn:         2097152\n";

static void test_parse_zoneinfo(void)
{
	struct mf_state *st = calloc(1, sizeof(*st));
	const struct mf_state_zone *z;
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(mf_state_parse(st,
		"Node 0, zone DMA 0 0 0 0 0 0 0 0 1 1 3\n"
		"Node 0, zone DMA32 1 1 1 1 1 1 1 1 1 1 1\n"
		"Node 0, zone Normal 5 0 0 0 0 0 0 0 0 0 1\n"
		"Node 1, zone Normal 0 0 0 0 0 0 0 0 0 0 0\n",
		zoneinfo_mixed, NULL, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(st->has_zoneinfo);
	z = &st->zones[0];
	CU_ASSERT_TRUE(z->has_zoneinfo && z->has_span);
	CU_ASSERT_EQUAL(z->start_pfn, 1);
	CU_ASSERT_EQUAL(z->spanned, 4095);
	CU_ASSERT_EQUAL(z->present, 3998);
	CU_ASSERT_EQUAL(z->managed, 3840);
	CU_ASSERT_EQUAL(z->free_pages, 3840);
	CU_ASSERT_EQUAL(z->wmark_min, 58);
	CU_ASSERT_EQUAL(z->wmark_high, 86);	/* not the pagesets' "high: 0" */
	CU_ASSERT_EQUAL(z->wmark_promo, 100);
	/* the node's kswapd had given up (kswapd_failures >= MAX_RECLAIM_RETRIES) */
	CU_ASSERT_TRUE(z->has_unreclaimable && z->node_unreclaimable);
	z = &st->zones[1];			/* DMA32: not in zoneinfo */
	CU_ASSERT_FALSE(z->has_zoneinfo);
	CU_ASSERT_FALSE(z->has_span);
	z = &st->zones[2];
	CU_ASSERT_TRUE(z->has_span);
	CU_ASSERT_EQUAL(z->start_pfn, 1048576);
	CU_ASSERT_EQUAL(z->boost, 7);
	CU_ASSERT_EQUAL(z->wmark_high, 30);
	CU_ASSERT_FALSE(z->has_unreclaimable);	/* not 0 or 1: not taken */
	/* the pagesets: counts summed, per CPU count/high/batch; a bad number skipped */
	CU_ASSERT_TRUE(z->has_pcp);
	CU_ASSERT_EQUAL(z->nr_pcp_cpus, 3);
	CU_ASSERT_EQUAL(z->pcp_count, 42);
	CU_ASSERT_EQUAL(z->pcp[0].count, 12);
	CU_ASSERT_EQUAL(z->pcp[0].high, 999);
	CU_ASSERT_EQUAL(z->pcp[1].count, 30);
	CU_ASSERT_EQUAL(z->pcp[1].high, 500);
	CU_ASSERT_EQUAL(z->pcp[1].batch, 63);
	CU_ASSERT_EQUAL(z->pcp[2].count, 0);
	CU_ASSERT_TRUE(st->zones[0].has_pcp);
	CU_ASSERT_EQUAL(st->zones[0].pcp_count, 0);
	CU_ASSERT_EQUAL(st->zones[0].pcp[0].batch, 1);
	CU_ASSERT_FALSE(st->zones[1].has_pcp);
	z = &st->zones[3];			/* node 1, old layout */
	CU_ASSERT_TRUE(z->has_span);
	CU_ASSERT_EQUAL(z->start_pfn, 2097152);
	CU_ASSERT_EQUAL(z->spanned, 1024);
	CU_ASSERT_EQUAL(z->managed, 1000);
	CU_ASSERT_EQUAL(z->wmark_high, 3);
	CU_ASSERT_EQUAL(z->wmark_promo, 0);
	CU_ASSERT_FALSE(z->has_unreclaimable);	/* "all_unreclaimable:" of old kernels */

	CU_ASSERT_EQUAL(mf_state_zone_of_pfn(st, 0), -1);
	CU_ASSERT_EQUAL(mf_state_zone_of_pfn(st, 1), 0);
	CU_ASSERT_EQUAL(mf_state_zone_of_pfn(st, 4095), 0);
	CU_ASSERT_EQUAL(mf_state_zone_of_pfn(st, 4096), -1);
	CU_ASSERT_EQUAL(mf_state_zone_of_pfn(st, 1048576 + 262143), 2);
	CU_ASSERT_EQUAL(mf_state_zone_of_pfn(st, 1048576 + 262144), -1);
	CU_ASSERT_EQUAL(mf_state_zone_of_pfn(st, 2097152 + 5), 3);

	/* without start_pfn (very old kernels) the span is unknown */
	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone Normal 1\n",
		"Node 0, zone   Normal\n  pages free 1\n        spanned  100\n", NULL, err,
		sizeof(err)), 0);
	CU_ASSERT_TRUE(st->zones[0].has_zoneinfo);
	CU_ASSERT_FALSE(st->zones[0].has_span);
	CU_ASSERT_EQUAL(st->zones[0].spanned, 100);

	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone Normal 1\n",
		"Node 0, zone   Normal\n  pages free     many\n", NULL, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "zoneinfo: line 2: expected a number after 'pages'");
	free(st);
}

/* 6.18 without CMA, with PAGE_OWNER's mixed-blocks table, a capped count, two nodes. */
static const char pagetypeinfo_618[] =
	"Page block order: 9\n"
	"Pages per block:  512\n"
	"\n"
	"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
	"Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      1      0      0 \n"
	"Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      0      1      3 \n"
	"Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone   Normal, type    Unmovable    240    110     26     17     10     12      7      5      2      0      0 \n"
	"Node    0, zone   Normal, type      Movable >100000     75     29      3      1     22     76     61     39     51    182 \n"
	"Node    0, zone   Normal, type  Reclaimable     23     30     11     23     12      8      4      3      0      0      0 \n"
	"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
	"\n"
	"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
	"Node 0, zone      DMA            1            7            0            0            0 \n"
	"Node 0, zone   Normal          104          508           28            0            0 \n"
	"\n"
	"Number of mixed blocks    Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
	"Node 0, zone      DMA            0            1            0            0            0 \n"
	"Node 0, zone   Normal           77           66            5            0            0 \n"
	"Page block order: 9\n"
	"Pages per block:  512\n"
	"\n"
	"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
	"Node    1, zone   Normal, type    Unmovable      1      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    1, zone   Normal, type      Movable      2      0      0      0      0      0      0      0      0      0      0 \n"
	"\n"
	"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
	"Node 1, zone   Normal            3            4            0            0            0 \n";

/* 3.x: Reclaimable before Movable, a Reserve type, CMA; fewer orders. */
static const char pagetypeinfo_old[] =
	"Page block order: 10\n"
	"Pages per block:  1024\n"
	"\n"
	"Free pages count per migrate type at order       0      1      2 \n"
	"Node    0, zone   Normal, type    Unmovable      1      2      3 \n"
	"Node    0, zone   Normal, type  Reclaimable      4      5      6 \n"
	"Node    0, zone   Normal, type      Movable      7      8      9 \n"
	"Node    0, zone   Normal, type      Reserve      1      0      1 \n"
	"Node    0, zone   Normal, type          CMA      0      0      2 \n"
	"Node    0, zone   Normal, type      Isolate      0      0      0 \n"
	"\n"
	"Number of blocks type     Unmovable  Reclaimable      Movable      Reserve          CMA      Isolate \n"
	"Node 0, zone   Normal           10           20           30            2            5            0 \n";

static void test_parse_pagetypeinfo(void)
{
	struct mf_state *st = calloc(1, sizeof(*st));
	struct mf_zone_report z[3];
	const struct mf_state_zone *s;
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(mf_state_parse(st,
		"Node 0, zone DMA 0 0 0 0 0 0 0 0 1 1 3\n"
		"Node 0, zone Normal 543 216 65 44 23 43 87 66 40 51 182\n"
		"Node 1, zone Normal 3 0 0 0 0 0 0 0 0 0 0\n",
		NULL, pagetypeinfo_618, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(st->has_pagetypeinfo);
	CU_ASSERT_EQUAL(st->pageblock_order, 9);
	CU_ASSERT_EQUAL(st->nr_mt, MF_MAX_MT);
	CU_ASSERT_TRUE(st->mt_present[MF_MT_ISOLATE]);
	CU_ASSERT_FALSE(st->mt_present[MF_MT_CMA]);
	CU_ASSERT_STRING_EQUAL(st->mt_names[MF_MT_CMA], "");
	CU_ASSERT_EQUAL(st->nr_mt_unknown, 0);
	s = &st->zones[0];
	CU_ASSERT_TRUE(s->has_pagetypeinfo);
	CU_ASSERT_EQUAL(s->free_mt[8][MF_MT_UNMOVABLE], 1);
	CU_ASSERT_EQUAL(s->free_mt[10][MF_MT_MOVABLE], 3);
	CU_ASSERT_EQUAL(s->blocks_mt[MF_MT_MOVABLE], 7);	/* not the mixed table's 1 */
	s = &st->zones[1];
	CU_ASSERT_EQUAL(s->free_mt[0][MF_MT_MOVABLE], 100000);
	CU_ASSERT_TRUE(s->free_mt_capped[0][MF_MT_MOVABLE]);
	CU_ASSERT_FALSE(s->free_mt_capped[1][MF_MT_MOVABLE]);
	CU_ASSERT_EQUAL(s->free_mt[3][MF_MT_RECLAIMABLE], 23);
	CU_ASSERT_EQUAL(s->blocks_mt[MF_MT_UNMOVABLE], 104);
	CU_ASSERT_EQUAL(s->blocks_mt[MF_MT_RECLAIMABLE], 28);
	s = &st->zones[2];
	CU_ASSERT_TRUE(s->has_pagetypeinfo);
	CU_ASSERT_EQUAL(s->free_mt[0][MF_MT_MOVABLE], 2);
	CU_ASSERT_EQUAL(s->blocks_mt[MF_MT_MOVABLE], 4);

	/* into reports: per-type pages, CMA marked absent */
	CU_ASSERT_EQUAL(mf_state_reports(st, z, 9), 3);
	CU_ASSERT_TRUE(z[0].has_mt);
	CU_ASSERT_EQUAL(z[0].free_pages_mt[MF_MT_UNMOVABLE], 256);
	CU_ASSERT_EQUAL(z[0].free_pages_mt[MF_MT_MOVABLE], 512 + 3 * 1024);
	CU_ASSERT_EQUAL(z[0].pageblocks_mt[MF_MT_MOVABLE], 7);
	CU_ASSERT_EQUAL(z[0].mt_absent, 1U << MF_MT_CMA);
	CU_ASSERT_EQUAL(z[0].m.free_pages, 256 + 512 + 3 * 1024);

	CU_ASSERT_EQUAL_FATAL(mf_state_parse(st, "Node 0, zone Normal 9 15 18\n", NULL,
					     pagetypeinfo_old, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st->pageblock_order, 10);
	s = &st->zones[0];
	CU_ASSERT_EQUAL(s->free_mt[0][MF_MT_RECLAIMABLE], 4);
	CU_ASSERT_EQUAL(s->free_mt[2][MF_MT_MOVABLE], 9);
	CU_ASSERT_EQUAL(s->free_mt[2][MF_MT_CMA], 2);
	CU_ASSERT_EQUAL(s->free_unknown[0], 1);
	CU_ASSERT_EQUAL(s->free_unknown[2], 1);
	CU_ASSERT_EQUAL(s->blocks_mt[MF_MT_RECLAIMABLE], 20);
	CU_ASSERT_EQUAL(s->blocks_mt[MF_MT_MOVABLE], 30);
	CU_ASSERT_EQUAL(s->blocks_mt[MF_MT_CMA], 5);
	CU_ASSERT_EQUAL(s->blocks_unknown, 2);
	CU_ASSERT_EQUAL(st->nr_mt_unknown, 1);
	CU_ASSERT_STRING_EQUAL(st->mt_unknown[0], "Reserve");
	CU_ASSERT_FALSE(st->mt_present[MF_MT_HIGHATOMIC]);

	CU_ASSERT_EQUAL(mf_state_parse(st, "Node 0, zone Normal 1\n", NULL,
		"Number of blocks type     Unmovable      Movable\n"
		"Node 0, zone   Normal            1            2            3\n", err,
		sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "pagetypeinfo: line 2: "));
	free(st);
}

/* Loading from a directory: .zst copies, optional files, one-line messages. */
static void test_load_dir(void)
{
	struct mf_state *st = calloc(1, sizeof(*st));
	char err[512], want[600], *d = tmpdir_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(mf_state_load(st, "/nonexistent/mmfrag", err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/mmfrag: no such directory");
	CU_ASSERT_EQUAL(mf_state_load(st, d, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s/buddyinfo: no such file", d);
	CU_ASSERT_STRING_EQUAL(err, want);

	CU_ASSERT_EQUAL(write_zst(d, "buddyinfo.zst", buddyinfo_618, strlen(buddyinfo_618)), 0);
	CU_ASSERT_EQUAL(write_file(d, "pagetypeinfo", pagetypeinfo_618,
				   strlen(pagetypeinfo_618)), 0);
	CU_ASSERT_EQUAL(mf_state_load(st, d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st->nr_zones, 3);
	CU_ASSERT_EQUAL(st->zones[2].nr_free[0], 543);
	CU_ASSERT_FALSE(st->has_zoneinfo);
	CU_ASSERT_TRUE(st->has_pagetypeinfo);
	CU_ASSERT_FALSE(st->has_kpageflags);
	CU_ASSERT_STRING_EQUAL(st->dir, d);

	/* a corrupt .zst names the file */
	CU_ASSERT_EQUAL(write_file(d, "zoneinfo.zst", "\x28\xb5\x2f\xfd garbage", 12), 0);
	CU_ASSERT_EQUAL(mf_state_load(st, d, err, sizeof(err)), -EBADMSG);
	snprintf(want, sizeof(want), "%s/zoneinfo.zst: zstd: ", d);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);

	CU_ASSERT_EQUAL(write_file(d, "zoneinfo.zst", "", 0), 0);
	CU_ASSERT_EQUAL(write_file(d, "buddyinfo", "Node 0, zone DMA 1\nNode 0, zone\n", 32), 0);
	CU_ASSERT_EQUAL(mf_state_load(st, d, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s/buddyinfo: line 2: expected 'Node N, zone NAME' and "
		 "free block counts", d);
	CU_ASSERT_STRING_EQUAL(err, want);
	tmpdir_free(d);
	free(st);
}

/* ---- kpageflags ---------------------------------------------------------------------- */

struct blocks_seen {
	int		n;
	int		zone[64];
	uint64_t	pfn[64];
	int		order[64];
	uint64_t	pages_cb;
	uint64_t	flags_sum;
	uint64_t	counts[MF_MAX_ZONES][MF_MAX_ORDERS];
};

static void block_cb(void *priv, int zone, uint64_t pfn, int order)
{
	struct blocks_seen *b = priv;

	if (zone >= 0 && zone < MF_MAX_ZONES && order >= 0 && order < MF_MAX_ORDERS)
		b->counts[zone][order]++;
	if (b->n < 64) {
		b->zone[b->n] = zone;
		b->pfn[b->n] = pfn;
		b->order[b->n] = order;
	}
	b->n++;
}

static void page_cb(void *priv, uint64_t pfn, uint64_t flags)
{
	struct blocks_seen *b = priv;

	b->pages_cb++;
	b->flags_sum += flags;
}

#define BUDDY	(1ULL << MF_KPF_BUDDY)

static void set_run(uint64_t *kpf, uint64_t s, uint64_t e)
{
	for (; s < e; s++)
		kpf[s] |= BUDDY;
}

/*
 * max_order 3.  Zone A = [1, 40), zone B = [40, 100); pfn 0 is a hole (NOPAGE); pages
 * 100-103 are BUDDY but in no zone.  Runs of BUDDY pages and the greedy split (largest
 * naturally aligned block that fits in the run and the zone):
 *   [1, 8)    A: 1 (o0), 2 (o1), 4 (o2)
 *   [16, 29)  A: 16 (o3), 24 (o2), 28 (o0)
 *   [36, 48)  crosses 40: A: 36 (o2); B: 40 (o3)
 *   [64, 80)  B: 64 (o3), 72 (o3)
 *   [98, 104) B: 98 (o1); 100-103 outside every zone: nothing
 * Other flag bits on BUDDY pages (here UPTODATE) do not matter.
 */
static void test_kpageflags_synthetic(void)
{
	static const char zoneinfo[] =
		"Node 0, zone      DMA\n  pages free 20\n        spanned  39\n"
		"        present  39\n  start_pfn:           1\n"
		"Node 0, zone   Normal\n  pages free 30\n        spanned  60\n"
		"        present  60\n  start_pfn:           40\n";
	static const char buddyinfo[] = "Node 0, zone DMA 2 1 3 1\nNode 0, zone Normal 0 1 0 3\n";
	static const struct { int zone; uint64_t pfn; int order; } want[] = {
		{ 0, 1, 0 }, { 0, 2, 1 }, { 0, 4, 2 }, { 0, 16, 3 }, { 0, 24, 2 }, { 0, 28, 0 },
		{ 0, 36, 2 }, { 1, 40, 3 }, { 1, 64, 3 }, { 1, 72, 3 }, { 1, 98, 1 },
	};
	struct mf_state *st = calloc(1, sizeof(*st));
	uint64_t kpf[104] = { 0 }, flags_sum = 0;
	struct blocks_seen b;
	char err[512], *d = tmpdir_new();
	size_t i;
	int pass;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	kpf[0] = 1ULL << MF_KPF_NOPAGE;
	set_run(kpf, 1, 8);
	set_run(kpf, 16, 29);
	set_run(kpf, 36, 48);
	set_run(kpf, 64, 80);
	set_run(kpf, 98, 104);
	kpf[5] |= 1ULL << 3;
	kpf[50] = 1ULL << 5;	/* LRU: in use */
	for (i = 0; i < ARRAY_SIZE(kpf); i++)
		flags_sum += kpf[i];
	CU_ASSERT_EQUAL(write_file(d, "buddyinfo", buddyinfo, strlen(buddyinfo)), 0);
	CU_ASSERT_EQUAL(write_file(d, "zoneinfo", zoneinfo, strlen(zoneinfo)), 0);

	/* without kpageflags */
	CU_ASSERT_EQUAL_FATAL(mf_state_load(st, d, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(st->has_kpageflags);
	CU_ASSERT_EQUAL(mf_state_kpageflags_blocks(st, 3, block_cb, &b, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/kpageflags: no such file"));

	for (pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			CU_ASSERT_EQUAL(write_file(d, "kpageflags", kpf, sizeof(kpf)), 0);
		} else {
			char path[512];

			snprintf(path, sizeof(path), "%s/kpageflags", d);
			unlink(path);
			CU_ASSERT_EQUAL(write_zst(d, "kpageflags.zst", kpf, sizeof(kpf)), 0);
		}
		CU_ASSERT_EQUAL_FATAL(mf_state_load(st, d, err, sizeof(err)), 0);
		CU_ASSERT_TRUE(st->has_kpageflags);
		memset(&b, 0, sizeof(b));
		CU_ASSERT_EQUAL(mf_state_kpageflags_scan(st, 3, block_cb, page_cb, &b, err,
							 sizeof(err)), 0);
		CU_ASSERT_EQUAL(b.n, (int)ARRAY_SIZE(want));
		for (i = 0; i < ARRAY_SIZE(want) && i < (size_t)b.n; i++) {
			CU_ASSERT_EQUAL(b.zone[i], want[i].zone);
			CU_ASSERT_EQUAL(b.pfn[i], want[i].pfn);
			CU_ASSERT_EQUAL(b.order[i], want[i].order);
		}
		CU_ASSERT_EQUAL(b.pages_cb, ARRAY_SIZE(kpf));
		CU_ASSERT_EQUAL(b.flags_sum, flags_sum);
		/* the blocks agree with the buddyinfo written above */
		for (i = 0; i < 4; i++) {
			CU_ASSERT_EQUAL(b.counts[0][i], st->zones[0].nr_free[i]);
			CU_ASSERT_EQUAL(b.counts[1][i], st->zones[1].nr_free[i]);
		}
	}

	/* max_order 1 splits the same runs finer: [64, 80) is 8 order-1 blocks */
	memset(&b, 0, sizeof(b));
	CU_ASSERT_EQUAL(mf_state_kpageflags_blocks(st, 1, block_cb, &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(b.counts[1][1], 4 + 8 + 1);
	CU_ASSERT_EQUAL(b.counts[1][0], 0);
	tmpdir_free(d);
	free(st);
}

/*
 * The pageblock types of a seed follow pagetypeinfo's free blocks by type.  One zone of 32
 * pages, pageblocks of 4 (max_order 3).  Pageblock 0 is all slab, no free page; pageblock
 * 1 has 4 free and 5-7 slab; 8-11 are free (order 2) and 16 (order 0), among LRU pages.
 * pagetypeinfo: one Unmovable pageblock, and the Unmovable list holds one order-0 block.
 * The slab-fullest pageblock is 0, but its type would leave the Unmovable list empty and
 * put 4 on the Movable one: pageblock 1 is the Unmovable one.
 */
static void test_seed_types_follow_pagetypeinfo(void)
{
	static const char zoneinfo[] =
		"Node 0, zone   Normal\n  pages free 6\n        spanned  32\n"
		"        present  32\n  start_pfn:           0\n";
	static const char buddyinfo[] = "Node 0, zone Normal 2 0 1 0\n";
	static const char pagetypeinfo[] =
		"Page block order: 2\n"
		"Pages per block:  4\n"
		"\n"
		"Free pages count per migrate type at order       0      1      2      3 \n"
		"Node    0, zone   Normal, type    Unmovable      1      0      0      0 \n"
		"Node    0, zone   Normal, type      Movable      1      0      1      0 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      0      0      0 \n"
		"\n"
		"Number of blocks type     Unmovable      Movable  Reclaimable \n"
		"Node 0, zone   Normal            1            7            0 \n";
	struct mf_state *st = calloc(1, sizeof(*st));
	uint64_t kpf[32], nf[MF_MAX_ORDERS][MF_MAX_MT], pbs[MF_MAX_MT], blocks = 0;
	char err[512], *d = tmpdir_new();
	struct mf_model *m;
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (i = 0; i < 32; i++)
		kpf[i] = 1ULL << MF_KPF_LRU;
	for (i = 0; i < 8; i++)
		kpf[i] = 1ULL << MF_KPF_SLAB;
	kpf[4] = kpf[8] = kpf[9] = kpf[10] = kpf[11] = kpf[16] = BUDDY;
	CU_ASSERT_EQUAL(write_file(d, "buddyinfo", buddyinfo, strlen(buddyinfo)), 0);
	CU_ASSERT_EQUAL(write_file(d, "zoneinfo", zoneinfo, strlen(zoneinfo)), 0);
	CU_ASSERT_EQUAL(write_file(d, "pagetypeinfo", pagetypeinfo, strlen(pagetypeinfo)), 0);
	CU_ASSERT_EQUAL(write_file(d, "kpageflags", kpf, sizeof(kpf)), 0);
	CU_ASSERT_EQUAL_FATAL(mf_state_load(st, d, err, sizeof(err)), 0);
	m = mf_replay_model_new(st, 1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(mf_replay_seed_model(m, st, &blocks, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(blocks, 3);
	mf_model_zone_nr_free_mt(m, 0, nf);
	CU_ASSERT_EQUAL(nf[0][MF_MT_UNMOVABLE], 1);
	CU_ASSERT_EQUAL(nf[0][MF_MT_MOVABLE], 1);
	CU_ASSERT_EQUAL(nf[2][MF_MT_MOVABLE], 1);
	mf_model_zone_pageblocks_mt(m, 0, pbs);
	CU_ASSERT_EQUAL(pbs[MF_MT_UNMOVABLE], 1);
	CU_ASSERT_EQUAL(pbs[MF_MT_MOVABLE], 7);
	CU_ASSERT_EQUAL(mf_model_pageblock_mt(m, 4), MF_MT_UNMOVABLE);
	mf_model_free(m);
	tmpdir_free(d);
	free(st);
}

/*
 * Chunking: 300000 pfns, more than one 64Ki-pfn read, with a run across the first chunk
 * boundary (pfn 65536).  Zone [0, 300000), max_order 10:
 *   [65530, 66565): 65530 (o1), 65532 (o2), 65536 (o10: 2^16 is aligned, 1024 fits),
 *                   66560 (o2: 66560 = 65 * 1024, only 5 pages left), 66564 (o0)
 *   [299990, 300000): 299990 (o1), 299992 (o3) - the file's end closes the run
 * Read plain and as .zst (decompressed in ZSTD_DStreamInSize() pieces).
 */
static void test_kpageflags_chunks(void)
{
	static const struct { uint64_t pfn; int order; } want[] = {
		{ 65530, 1 }, { 65532, 2 }, { 65536, 10 }, { 66560, 2 }, { 66564, 0 },
		{ 299990, 1 }, { 299992, 3 },
	};
	static const char buddyinfo[] = "Node 0, zone Normal 0 0 0 0 0 0 0 0 0 0 0\n";
	static const char zoneinfo[] =
		"Node 0, zone   Normal\n        spanned  300000\n  start_pfn:           0\n";
	const size_t nr = 300000;
	struct mf_state *st = calloc(1, sizeof(*st));
	uint64_t *kpf = calloc(nr, sizeof(*kpf));
	char err[512], *d = tmpdir_new();
	struct blocks_seen b;
	size_t i;
	int pass;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kpf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	set_run(kpf, 65530, 66565);
	set_run(kpf, 299990, 300000);
	CU_ASSERT_EQUAL(write_file(d, "buddyinfo", buddyinfo, strlen(buddyinfo)), 0);
	CU_ASSERT_EQUAL(write_file(d, "zoneinfo", zoneinfo, strlen(zoneinfo)), 0);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			CU_ASSERT_EQUAL(write_file(d, "kpageflags", kpf, nr * sizeof(*kpf)), 0);
		} else {
			char path[512];

			snprintf(path, sizeof(path), "%s/kpageflags", d);
			unlink(path);
			CU_ASSERT_EQUAL(write_zst(d, "kpageflags.zst", kpf, nr * sizeof(*kpf)), 0);
		}
		CU_ASSERT_EQUAL_FATAL(mf_state_load(st, d, err, sizeof(err)), 0);
		memset(&b, 0, sizeof(b));
		CU_ASSERT_EQUAL(mf_state_kpageflags_scan(st, 10, block_cb, page_cb, &b, err,
							 sizeof(err)), 0);
		CU_ASSERT_EQUAL(b.pages_cb, nr);
		CU_ASSERT_EQUAL(b.n, (int)ARRAY_SIZE(want));
		for (i = 0; i < ARRAY_SIZE(want) && i < (size_t)b.n; i++) {
			CU_ASSERT_EQUAL(b.zone[i], 0);
			CU_ASSERT_EQUAL(b.pfn[i], want[i].pfn);
			CU_ASSERT_EQUAL(b.order[i], want[i].order);
		}
	}
	/* a truncated .zst is an error naming the file */
	{
		size_t cap = ZSTD_compressBound(nr * 8), n;
		char *z = malloc(cap);

		CU_ASSERT_PTR_NOT_NULL_FATAL(z);
		n = ZSTD_compress(z, cap, kpf, nr * sizeof(*kpf), 1);
		CU_ASSERT_FALSE(ZSTD_isError(n));
		CU_ASSERT_EQUAL(write_file(d, "kpageflags.zst", z, n / 2), 0);
		CU_ASSERT_EQUAL(mf_state_kpageflags_blocks(st, 10, NULL, NULL, err, sizeof(err)),
				-EBADMSG);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "kpageflags.zst: zstd: "));
		free(z);
	}
	tmpdir_free(d);
	free(kpf);
	free(st);
}

/*
 * The live machine (root only): blocks recovered from /proc/kpageflags equal
 * /proc/buddyinfo per zone and order.  buddyinfo is read before and after the scan and
 * only a pair that agrees is compared exactly; a busy system gets a few tries.  When no
 * try matches and buddyinfo moved during at least one scan (~0.3 s for 24 GiB), the
 * machine is too busy for an exact answer and the closest scan must come within 5% of
 * the blocks: the field notes saw 41 blocks off in 1.27M under a heavy workload.  A
 * machine that held still for every scan and never matched fails.
 */
static void test_kpageflags_live(void)
{
	struct mf_state *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct blocks_seen *seen = calloc(1, sizeof(*seen));
	uint64_t best = UINT64_MAX, total = 0;
	int try, stable = 0, z, o, fd;
	char err[512];
	bool ok = false;

	CU_ASSERT_FATAL(a && b && seen);
	fd = open("/proc/kpageflags", O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "\n  (live kpageflags check skipped: /proc/kpageflags: %s)\n",
			strerror(errno));
		goto out;
	}
	close(fd);
	for (try = 0; try < 8 && !ok; try++) {
		uint64_t diff;
		bool same = true;

		CU_ASSERT_EQUAL_FATAL(mf_state_load(a, "/proc", err, sizeof(err)), 0);
		memset(seen, 0, sizeof(*seen));
		CU_ASSERT_EQUAL_FATAL(mf_state_kpageflags_blocks(a, a->zones[0].nr_orders - 1,
					block_cb, seen, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL_FATAL(mf_state_load(b, "/proc", err, sizeof(err)), 0);
		if (a->nr_zones != b->nr_zones)
			continue;
		for (z = 0, diff = 0, total = 0; z < a->nr_zones; z++) {
			if (memcmp(a->zones[z].nr_free, b->zones[z].nr_free,
				   sizeof(a->zones[z].nr_free)))
				same = false;
			for (o = 0; o < a->zones[z].nr_orders; o++) {
				uint64_t x = seen->counts[z][o], y = a->zones[z].nr_free[o];

				diff += x > y ? x - y : y - x;
				total += y;
			}
		}
		if (diff < best)
			best = diff;
		if (!same) {
			usleep(200000);
			continue;
		}
		stable++;
		ok = true;
		for (z = 0; z < a->nr_zones; z++)
			for (o = 0; o < a->zones[z].nr_orders; o++)
				if (seen->counts[z][o] != a->zones[z].nr_free[o])
					ok = false;
		if (!ok && try == 7) {
			for (z = 0; z < a->nr_zones; z++)
				for (o = 0; o < a->zones[z].nr_orders; o++)
					if (seen->counts[z][o] != a->zones[z].nr_free[o])
						fprintf(stderr, "\n  zone %s order %d: "
							"kpageflags %llu, buddyinfo %llu",
							a->zones[z].name, o,
							(unsigned long long)seen->counts[z][o],
							(unsigned long long)a->zones[z].nr_free[o]);
		}
	}
	if (!ok && stable < try) {
		/*
		 * buddyinfo moved during some scans: the machine is busy, and a pair that
		 * agrees can still hide pages that were taken and given back in between.
		 * Only a machine that held still for every try owes the exact answer.
		 */
		fprintf(stderr, "\n  (live kpageflags: buddyinfo held still for %d of %d scans; "
			"closest scan %llu of %llu blocks off)\n", stable, try,
			(unsigned long long)best, (unsigned long long)total);
		CU_ASSERT(best * 20 <= total);
	} else {
		CU_ASSERT_TRUE(ok);
	}
out:
	free(a);
	free(b);
	free(seen);
}

/* ---- debugfs reproduction from captures ---------------------------------------------- */

static int render_text(const char *dir, bool extfrag, char **out)
{
	struct mf_state *st = calloc(1, sizeof(*st));
	struct mf_zone_report *z = calloc(MF_MAX_ZONES, sizeof(*z));
	char err[512];
	size_t len;
	FILE *f;
	int n, ret = -1;

	*out = NULL;
	if (!st || !z)
		goto out;
	if (mf_state_load(st, dir, err, sizeof(err))) {
		fprintf(stderr, "\n  %s\n", err);
		goto out;
	}
	n = mf_state_reports(st, z, 9);
	f = open_memstream(out, &len);
	if (!f)
		goto out;
	if (extfrag)
		mf_text_extfrag_index(f, z, n);
	else
		mf_text_unusable_index(f, z, n);
	ret = fclose(f) ? -1 : 0;
out:
	free(st);
	free(z);
	return ret;
}

/*
 * Every capture under tests/data/extfrag/NAME (buddyinfo and the two debugfs files read
 * at the same moment) is reproduced byte for byte.  MMFRAG_EXTFRAG_DATA overrides the
 * directory; TOP (set by tests/run.sh) is the repository.
 */
static void test_debugfs_captures(void)
{
	const char *base = getenv("MMFRAG_EXTFRAG_DATA"), *top = getenv("TOP");
	char dir[1024], path[1600];
	struct dirent *e;
	int nr = 0;
	DIR *dp;

	if (base)
		snprintf(dir, sizeof(dir), "%s", base);
	else
		snprintf(dir, sizeof(dir), "%s/tests/data/extfrag", top ? top : ".");
	dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "\n  %s: %s\n", dir, strerror(errno));
		CU_FAIL("no captures in tests/data/extfrag");
		return;
	}
	while ((e = readdir(dp))) {
		static const char *const files[] = { "extfrag_index", "unusable_index" };
		char capture[1400];
		struct stat sb;
		size_t i;

		if (e->d_name[0] == '.')
			continue;
		snprintf(capture, sizeof(capture), "%s/%s", dir, e->d_name);
		if (stat(capture, &sb) || !S_ISDIR(sb.st_mode))
			continue;
		for (i = 0; i < ARRAY_SIZE(files); i++) {
			char *want, *got;

			snprintf(path, sizeof(path), "%s/%s", capture, files[i]);
			want = read_text(path);
			if (!want)
				continue;
			nr++;
			CU_ASSERT_EQUAL(render_text(capture, i == 0, &got), 0);
			if (got && strcmp(got, want))
				fprintf(stderr, "\n  %s differs:\n--- kernel\n%s+++ mmfrag\n%s",
					path, want, got);
			CU_ASSERT_PTR_NOT_NULL(got);
			if (got)
				CU_ASSERT_STRING_EQUAL(got, want);
			free(got);
			free(want);
		}
	}
	closedir(dp);
	if (!nr)
		CU_FAIL("no captures in tests/data/extfrag");
}

/* ---- JSON shape ---------------------------------------------------------------------- */

static void test_json_zone(void)
{
	struct mf_state *st = calloc(1, sizeof(*st));
	struct mf_zone_report z[3];
	json_t *o, *doc;
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(mf_state_parse(st, buddyinfo_618, zoneinfo_mixed, pagetypeinfo_618,
					     err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(mf_state_reports(st, z, 9), 3);
	o = mf_json_zone(&z[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "zone")), "DMA");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(o, "start_pfn")), 1);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(o, "free_pages")), 3840);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(o, "free_blocks")), 11);
	CU_ASSERT_EQUAL(json_integer_value(json_array_get(json_object_get(o, "unusable_index"),
							  10)), 200);
	CU_ASSERT_EQUAL(json_integer_value(json_array_get(json_object_get(o, "extfrag_index"),
							  0)), -1000);
	CU_ASSERT_PTR_NOT_NULL(json_object_get(o, "fragmentation_score"));
	CU_ASSERT_PTR_NOT_NULL(json_object_get(o, "fragmentation_score_node"));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(o,
				"pageblocks_by_type"), "Movable")), 7);
	CU_ASSERT_PTR_NULL(json_object_get(json_object_get(o, "pageblocks_by_type"), "CMA"));
	CU_ASSERT_EQUAL(json_object_size(json_object_get(o, "free_blocks_by_type")), 5);
	CU_ASSERT_PTR_NULL(json_object_get(o, "pcp_pages"));
	CU_ASSERT_PTR_NULL(json_object_get(o, "check"));
	json_decref(o);

	doc = mf_json_status(z, 3, "/x", -1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "schema")), MF_STATUS_SCHEMA);
	CU_ASSERT_TRUE(json_is_null(json_object_get(doc, "pageblock_order")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "zones")), 3);
	json_decref(doc);
	free(st);
}

void test_state_register(void)
{
	CU_pSuite s = CU_add_suite("state and status", NULL, NULL);

	CU_add_test(s, "indices of a 16-page zone", test_index_16);
	CU_add_test(s, "index truncation and an empty zone", test_index_truncation_empty);
	CU_add_test(s, "a free page reporting batch caught by buddyinfo", test_reporting_batch);
	CU_add_test(s, "zone-weighted node score", test_node_score);
	CU_add_test(s, "debugfs line format", test_debugfs_format);
	CU_add_test(s, "parse buddyinfo", test_parse_buddyinfo);
	CU_add_test(s, "parse zoneinfo (new, old, unpopulated zones)", test_parse_zoneinfo);
	CU_add_test(s, "parse pagetypeinfo (capped, mixed, old types)", test_parse_pagetypeinfo);
	CU_add_test(s, "load a directory (.zst, messages)", test_load_dir);
	CU_add_test(s, "kpageflags blocks, synthetic, zone clipping", test_kpageflags_synthetic);
	CU_add_test(s, "kpageflags across read chunks, zstd", test_kpageflags_chunks);
	CU_add_test(s, "a seed's pageblock types follow pagetypeinfo's free lists",
		    test_seed_types_follow_pagetypeinfo);
	CU_add_test(s, "kpageflags against live buddyinfo", test_kpageflags_live);
	CU_add_test(s, "debugfs extfrag files from captures", test_debugfs_captures);
	CU_add_test(s, "zone JSON shape", test_json_zone);
}
