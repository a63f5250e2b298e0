// SPDX-License-Identifier: GPL-2.0
/*
 * compare's --fail-if parser (mf_threshold_parse) and the decision on a parsed threshold
 * (mf_threshold_check): every form the man page's THRESHOLDS section allows, and each way
 * an expression can be wrong, which cmd-compare.c turns into a usage error (exit 2).
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "mmfrag/compare.h"
#include "unit.h"

struct good_case {
	const char		*expr;
	const char		*metric;
	enum mf_cmp_field	field;
	enum mf_cmp_op		op;
	double			value;
};

static void test_parse_good(void)
{
	static const struct good_case cases[] = {
		{ "lost_events>0", "lost_events", MF_CMP_B, MF_CMP_GT, 0 },
		{ "allocations.failures<3", "allocations.failures", MF_CMP_B, MF_CMP_LT, 3 },
		{ "fallbacks.total>=10", "fallbacks.total", MF_CMP_B, MF_CMP_GE, 10 },
		{ "compaction.direct.efficiency<=90.5", "compaction.direct.efficiency",
		  MF_CMP_B, MF_CMP_LE, 90.5 },
		/* the suffixes pick the number compared; values may be signed or start with '.' */
		{ "Normal.free_pages.delta<-100", "Normal.free_pages", MF_CMP_DELTA, MF_CMP_LT, -100 },
		{ "Normal.fragmentation_score.relative>+.5", "Normal.fragmentation_score",
		  MF_CMP_RELATIVE, MF_CMP_GT, 0.5 },
		{ "N0.DMA32.unusable_index.9.delta>=1e2", "N0.DMA32.unusable_index.9",
		  MF_CMP_DELTA, MF_CMP_GE, 100 },
		{ "normal.extfrag_index.15>-1000", "normal.extfrag_index.15", MF_CMP_B, MF_CMP_GT,
		  -1000 },
		{ "Normal.free_blocks_error<=0.25", "Normal.free_blocks_error", MF_CMP_B, MF_CMP_LE,
		  0.25 },
		/* blanks around the metric and the value are ignored (quoted shell words) */
		{ "  compaction.direct.stall  >=  7  ", "compaction.direct.stall", MF_CMP_B,
		  MF_CMP_GE, 7 },
	};
	struct mf_threshold t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct good_case *c = &cases[i];
		int ret = mf_threshold_parse(c->expr, &t);

		CU_ASSERT_EQUAL_FATAL(ret, 0);
		CU_ASSERT_PTR_EQUAL(t.expr, c->expr);
		CU_ASSERT_STRING_EQUAL(t.metric, c->metric);
		CU_ASSERT_EQUAL(t.field, c->field);
		CU_ASSERT_EQUAL(t.op, c->op);
		CU_ASSERT_DOUBLE_EQUAL(t.value, c->value, 1e-12);
		CU_ASSERT_FALSE(t.crossed);
	}
	CU_ASSERT_STRING_EQUAL(mf_cmp_op_names[MF_CMP_GE], ">=");
	CU_ASSERT_STRING_EQUAL(mf_cmp_op_names[MF_CMP_LT], "<");
}

static void test_parse_errors(void)
{
	static const char *const bad[] = {
		/* no operator, or no value after it */
		"lost_events", "lost_events=0", "lost_events>", "lost_events>=  ", "lost_events=>1",
		/* a value that is not one finite number */
		"lost_events>abc", "lost_events>10x", "lost_events>1 2", "lost_events>nan",
		"lost_events>inf", "lost_events>-inf", "lost_events>1e999", "lost_events>>1",
		"lost_events><1",
		/* no metric, or one that has not a metric name's shape */
		">1", "  <=1", "lost>0", "compaction.direct>0", "Normal>0", "Normal.>0",
		".free_pages>0", "Normal.free_page>0", "Normal.unusable_index>0",
		"Normal.unusable_index.>0", "Normal.unusable_index.16>0",
		"Normal.extfrag_index.-1>0", "Normal.extfrag_index.3x>0", "N0.>0",
		"lost_events.delta.relative>0", ".delta>0", "Normal.free_pages.ratio>0",
		/* a zone name beyond the metric buffer */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.free_pages>0",
	};
	struct mf_threshold t;
	char longexpr[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = mf_threshold_parse(bad[i], &t);

		if (ret != -EINVAL)
			fprintf(stderr, "\n  accepted: '%s' (%d)\n", bad[i], ret);
		CU_ASSERT_EQUAL(ret, -EINVAL);
	}
	/* an expression beyond the parser's buffer, although a good one */
	strcpy(longexpr, "lost_events>");
	memset(longexpr + 12, '0', sizeof(longexpr) - 14);
	strcpy(longexpr + sizeof(longexpr) - 2, "1");
	CU_ASSERT_EQUAL(mf_threshold_parse(longexpr, &t), -EINVAL);
	CU_ASSERT_EQUAL(mf_threshold_parse(longexpr + sizeof(longexpr) - 100, &t), -EINVAL);
	memcpy(longexpr + sizeof(longexpr) - 100, "lost_events>", 12);
	CU_ASSERT_EQUAL(mf_threshold_parse(longexpr + sizeof(longexpr) - 100, &t), 0);
	CU_ASSERT_DOUBLE_EQUAL(t.value, 1, 0);
	/* the same long zone name one character shorter fits */
	CU_ASSERT_EQUAL(mf_threshold_parse(
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.free_pages>0", &t), 0);
}

/* Two one-zone documents: A and B differ in free pages, B has no direct stall. */
static void fill_doc(struct mf_cmp_doc *d, int64_t free_pages, int64_t stall, int64_t success)
{
	memset(d, 0, sizeof(*d));
	d->max_order = 10;
	d->pageblock_order = 9;
	d->nr_zones = 1;
	d->zones[0].node = 0;
	strcpy(d->zones[0].name, "Normal");
	d->zones[0].free_pages = free_pages;
	d->zones[0].score = 40;
	d->zones[0].nr_orders = 11;
	d->direct_stall = stall;
	d->direct_success = success;
	d->direct_fail = stall - success;
}

static void check_one(const struct mf_compare *c, const char *expr, int want_ret,
		      bool want_actual, double actual, bool crossed)
{
	struct mf_threshold t;

	CU_ASSERT_EQUAL_FATAL(mf_threshold_parse(expr, &t), 0);
	CU_ASSERT_EQUAL(mf_threshold_check(c, &t), want_ret);
	if (want_ret)
		return;
	CU_ASSERT_EQUAL(t.has_actual, want_actual);
	if (want_actual)
		CU_ASSERT_DOUBLE_EQUAL(t.actual, actual, 1e-9);
	CU_ASSERT_EQUAL(t.crossed, crossed);
}

static void test_check(void)
{
	struct mf_cmp_doc a, b;
	struct mf_compare c;

	fill_doc(&a, 1000, 4, 3);	/* efficiency 75 */
	fill_doc(&b, 800, 0, 0);	/* efficiency: none */
	CU_ASSERT_EQUAL_FATAL(mf_compare_build(&a, &b, &c), 0);

	/* B's value; delta = 800 - 1000; relative = 100 * -200 / 1000 */
	check_one(&c, "Normal.free_pages<900", 0, true, 800, true);
	check_one(&c, "Normal.free_pages>=800", 0, true, 800, true);
	check_one(&c, "Normal.free_pages>800", 0, true, 800, false);
	check_one(&c, "normal.free_pages.delta<=-200", 0, true, -200, true);
	check_one(&c, "Normal.free_pages.delta<-200", 0, true, -200, false);
	check_one(&c, "N0.Normal.free_pages.relative<-19.5", 0, true, -20, true);
	check_one(&c, "compaction.direct.stall.delta<0", 0, true, -4, true);
	/* no value to compare (B never stalled; a zero has no relative): never crossed */
	check_one(&c, "compaction.direct.efficiency<50", 0, false, 0, false);
	check_one(&c, "compaction.direct.efficiency.delta<0", 0, false, 0, false);
	check_one(&c, "lost_events.relative>0", 0, false, 0, false);
	/* a name of the right shape that these documents do not have */
	check_one(&c, "DMA32.free_pages>0", -ENOENT, false, 0, false);
	check_one(&c, "N1.Normal.free_pages>0", -ENOENT, false, 0, false);
	mf_compare_free(&c);
}

void test_compare_register(void)
{
	CU_pSuite s = CU_add_suite("compare thresholds", NULL, NULL);

	CU_add_test(s, "--fail-if: every accepted form", test_parse_good);
	CU_add_test(s, "--fail-if: each malformed kind is -EINVAL", test_parse_errors);
	CU_add_test(s, "thresholds decided on two documents", test_check);
}
