// SPDX-License-Identifier: GPL-2.0
/*
 * main() for a harness built without libFuzzer: gcc or afl-clang-fast builds, and the
 * regression replay of `make test`.  Each argument is one input file; without arguments
 * the input is standard input (AFL++'s @@-less mode), in a persistent loop under AFL++.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

static int run_file(const char *path)
{
	size_t len = 0, cap = 1 << 16;
	unsigned char *buf = malloc(cap);
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t n;

	if (!buf || !f) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 1;
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			unsigned char *b = realloc(buf, cap *= 2);

			if (!b)
				abort();
			buf = b;
		}
	}
	if (f != stdin)
		fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

#ifdef __AFL_FUZZ_TESTCASE_LEN
	if (argc < 2) {
		unsigned char *buf;

		__AFL_INIT();
		buf = __AFL_FUZZ_TESTCASE_BUF;
		while (__AFL_LOOP(10000))
			LLVMFuzzerTestOneInput(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
		return 0;
	}
#endif
	if (argc < 2)
		return run_file("-");
	for (i = 1; i < argc; i++) {
		fprintf(stderr, "%s\n", argv[i]);
		ret |= run_file(argv[i]);
	}
	return ret;
}
