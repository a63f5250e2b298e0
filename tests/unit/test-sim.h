/* SPDX-License-Identifier: GPL-2.0 */
/* The simulator's unit tests (test_sim.c, test_sim_owner.c): the shared fixtures. */
#ifndef MMFRAG_TEST_SIM_H
#define MMFRAG_TEST_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <CUnit/CUnit.h>

struct mf_sim;

#define GFP_MOVABLE_REQ	(GFP_MOVABLE | GFP_IO | (1ULL << 7) | GFP_DIRECT_RECLAIM)
#define T(pfn)		((pfn) + 100000)	/* the "kernel's" pfn of a simulator frame */

/* 128 pages at pfns 128-255, max order 5, pageblock order 4 (test_sim.c's header) */
struct mf_sim *sim_tiny(const char *cfg, bool all_free);
/* A used block at pfn owned by the kernel's pfn T(pfn). */
void sim_used(struct mf_sim *s, uint64_t pfn, int order, bool movable);
/* mf_sim_check() passes */
void sim_check(struct mf_sim *s);
/* test_sim_owner.c: who owns a simulated frame, and the invariant check */
void test_sim_owner_add(CU_pSuite suite);

#endif
