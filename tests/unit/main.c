// SPDX-License-Identifier: GPL-2.0
/*
 * Unit-test runner: every suite registers itself; the binary exits non-zero when any
 * test fails (unlike trace-utest, which exits 0 regardless).
 */
#include <stdio.h>
#include <stdlib.h>
#include <CUnit/Basic.h>

#include "unit.h"

int main(void)
{
	const char *only = getenv("MMFRAG_UNIT_SUITE");	/* run one suite, by name */
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	test_model_register();
	test_observe_register();
	test_state_register();
	test_reader_register();
	test_reader_text_register();
	test_sim_register();
	test_compare_register();
	test_flyrecord_register();
	test_picks_register();
	CU_basic_set_mode(CU_BRM_NORMAL);
	if (only) {
		CU_pSuite s = CU_get_suite(only);

		if (!s) {
			fprintf(stderr, "no suite '%s'\n", only);
			return 2;
		}
		CU_basic_run_suite(s);
	} else {
		CU_basic_run_tests();
	}
	failed = CU_get_number_of_tests_failed();
	printf("\nunit: %u passed, %u failed\n", CU_get_number_of_tests_run() - failed, failed);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
