// SPDX-License-Identifier: GPL-2.0
/*
 * The index of a compaction run's picks (src/model/picks.c) against the walks of picks[]
 * it replaces (isolate.c: the pick holding a pfn in model_on_lru_insert(), the nearest
 * unconfirmed pick of an order in run_unconfirmed()), on random runs: repeated heads,
 * blocks of several orders, isolated and confirmed bits set at random.
 */
#include <stdlib.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "model/buddy-local.h"
#include "unit.h"

#define NPFNS	4096

/* The walk model_on_lru_insert() made: the first pick whose block holds pfn, or nr. */
static uint32_t walk_first(const struct cp_run *run, uint64_t pfn)
{
	uint32_t i;

	for (i = 0; i < run->nr; i++) {
		uint64_t b = run->picks[i] >> 6, n = 1ULL << (run->picks[i] & 63);

		if (pfn >= b && pfn < b + n)
			break;
	}
	return i;
}

/* run_unconfirmed()'s walk: nearest pick of order (not pfn) wholly isolated, unconfirmed. */
static int64_t walk_nearest(const struct mf_model *m, const struct cp_run *run, uint64_t pfn,
			    int order)
{
	uint64_t best_d = UINT64_MAX, n = 1ULL << order;
	int64_t best = -1;
	uint32_t i;

	for (i = 0; i < run->nr; i++) {
		uint64_t head = run->picks[i] >> 6, d;

		if ((int)(run->picks[i] & 63) != order || head == pfn)
			continue;
		d = head > pfn ? head - pfn : pfn - head;
		if (d >= best_d)
			continue;
		if (model_bits_count(m->ciso, head, n) != n || model_bits_count(m->cconf, head, n))
			continue;
		best = i;
		best_d = d;
	}
	return best;
}

static void test_random_runs(void)
{
	static uint64_t bits[NPFNS / 64 * BITS_STRIDE];
	struct mf_model *m = calloc(1, sizeof(*m));
	struct cp_run run;
	int round;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ciso = bits + 1;		/* laid out as model_resize() does */
	m->cconf = bits + 2;
	memset(&run, 0, sizeof(run));
	srand(15);
	for (round = 0; round < 200; round++) {
		int k, picks = 1 + rand() % 300, w;

		run.nr = 0;
		pick_ix_reset(&run.ix);
		for (k = 0; k < picks; k++) {
			int order = rand() % 4 ? rand() % 3 : rand() % 10;
			uint64_t pfn = ((uint64_t)rand() % NPFNS) & ~((1ULL << order) - 1);

			if (run.nr == run.cap) {
				run.cap = run.cap ? run.cap * 2 : 64;
				run.picks = realloc(run.picks, run.cap * sizeof(*run.picks));
				CU_ASSERT_PTR_NOT_NULL_FATAL(run.picks);
			}
			pick_ix_add(&run.ix, pfn, order, run.nr);
			run.picks[run.nr++] = pfn << 6 | (uint64_t)order;
		}
		CU_ASSERT_FALSE(run.ix.broken);
		for (w = 0; w < NPFNS / 64; w++) {
			uint64_t *ciso = bits_word(m->ciso, w), *cconf = bits_word(m->cconf, w);

			*ciso = (uint64_t)rand() << 33 ^ (uint64_t)rand() << 11 ^ (uint64_t)rand();
			*ciso |= rand() % 2 ? ~0ULL : 0;	/* whole words: large blocks too */
			*cconf = rand() % 3 ? 0 : 1ULL << (rand() % 64);
		}
		for (k = 0; k < 200; k++) {
			uint64_t pfn = (uint64_t)rand() % NPFNS;
			int order = rand() % 3 ? rand() % 3 : rand() % 10;
			uint64_t blk = pfn & ~((1ULL << order) - 1);
			int64_t a = pick_ix_nearest(m, &run, blk, order), b = walk_nearest(m, &run, blk, order);

			CU_ASSERT_EQUAL(pick_ix_first(&run, pfn), walk_first(&run, pfn));
			/* the same block; the index may name another pick of the same head */
			CU_ASSERT_EQUAL(a < 0 ? -1 : (int64_t)(run.picks[a] >> 6),
					b < 0 ? -1 : (int64_t)(run.picks[b] >> 6));
		}
	}
	/* a pick not aligned to its order: the index gives up, the callers walk picks[] */
	pick_ix_add(&run.ix, 3, 1, run.nr);
	CU_ASSERT_TRUE(run.ix.broken);
	CU_ASSERT_EQUAL(pick_ix_first(&run, 3), 0);
	pick_ix_free(&run.ix);
	free(run.picks);
	free(m);
}

void test_picks_register(void)
{
	CU_pSuite s = CU_add_suite("picks", NULL, NULL);

	CU_add_test(s, "run picks index agrees with the walks of picks[]", test_random_runs);
}
