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

#endif
