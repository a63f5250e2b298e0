// SPDX-License-Identifier: GPL-2.0
/* Scratch files and a null stream for the harnesses (fuzz.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[64];

static void cleanup(void)
{
	char cmd[128];

	/* only what this process made: the directory name carries its pid */
	if (dir[0] && strstr(dir, "/mmfrag-fuzz.")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			return;
	}
}

const char *fuzz_dir(void)
{
	if (!dir[0]) {
		/* memory-backed when there is one: a run writes its input to a file each time */
		snprintf(dir, sizeof(dir), "%s/mmfrag-fuzz.%d.XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm", (int)getpid());
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup);
	}
	return dir;
}

const char *fuzz_write(const char *name, const void *data, size_t size)
{
	static char path[256];
	const char *p = data;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n <= 0)
			abort();
		p += n;
		size -= (size_t)n;
	}
	close(fd);
	return path;
}

void fuzz_unlink(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	unlink(path);
}

static ssize_t null_write(void *c, const char *buf, size_t size)
{
	return (ssize_t)size;
}

FILE *fuzz_sink(void)
{
	static FILE *sink;

	if (!sink)
		sink = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = null_write });
	if (!sink)
		abort();
	return sink;
}
