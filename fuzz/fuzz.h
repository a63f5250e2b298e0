/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the fuzz harnesses: a private scratch directory (inputs that the code under
 * test only takes as files are written there) and a sink for what the renderers print.
 */
#ifndef MMFRAG_FUZZ_H
#define MMFRAG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scratch directory, made on first use and removed at exit. */
const char *fuzz_dir(void);
/* Write data to fuzz_dir()/name; returns the path (static buffer per call site: copy it). */
const char *fuzz_write(const char *name, const void *data, size_t size);
/* Remove fuzz_dir()/name, if any. */
void fuzz_unlink(const char *name);
/* A stream that throws away what is written (a cookie stream, never a device). */
FILE *fuzz_sink(void);

/*
 * A limit on the CPU time (user + system, all threads: ITIMER_PROF) of one run: arm it
 * at the start of the run with the default in ms, disarm it at its end.  A run past it
 * aborts with a message, which libFuzzer keeps as a crash with its input.  libFuzzer's
 * -timeout counts wall-clock time, which a nice'd run on a loaded machine spends waiting:
 * a run that is slow only because of the load stays under this limit, a loop does not.
 * FUZZ_CPU_MS in the environment overrides the default (0: no limit).
 */
void fuzz_cpu_limit_arm(unsigned long default_ms);
void fuzz_cpu_limit_disarm(void);

#endif
