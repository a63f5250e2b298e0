/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_UNIT_H
#define MMFRAG_UNIT_H

void test_model_register(void);
void test_state_register(void);
void test_reader_register(void);
void test_reader_text_register(void);
void test_sim_register(void);
void test_compare_register(void);
void test_observe_register(void);
void test_flyrecord_register(void);
void test_picks_register(void);

#endif
