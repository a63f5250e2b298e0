// SPDX-License-Identifier: GPL-2.0
/* Scratch files and a null stream for the harnesses (fuzz.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
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

/*
 * A harness that crashes, or is killed by libFuzzer's -fork parent, never reaches its
 * atexit(): remove the directories of harness processes that no longer exist, so that a
 * long campaign does not fill the memory-backed /dev/shm.
 */
static void reap_stale(const char *base)
{
	char cmd[PATH_MAX + 32];
	struct dirent *de;
	DIR *d = opendir(base);
	int pid;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "mmfrag-fuzz.%d.", &pid) != 1 || pid <= 0 ||
		    pid == getpid() || strchr(de->d_name, '\''))
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", base, de->d_name);
		if (system(cmd))
			break;
	}
	closedir(d);
}

const char *fuzz_dir(void)
{
	if (!dir[0]) {
		/* memory-backed when there is one: a run writes its input to a file each time */
		const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

		reap_stale(base);
		snprintf(dir, sizeof(dir), "%s/mmfrag-fuzz.%d.XXXXXX", base, (int)getpid());
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

static char cpu_msg[160];
static int cpu_msg_len;

static void cpu_limit_hit(int sig)
{
	/* async-signal-safe: the message was formatted when the limit was armed */
	ssize_t n = write(2, cpu_msg, (size_t)cpu_msg_len);

	(void)n;
	(void)sig;
	abort();
}

void fuzz_cpu_limit_arm(unsigned long default_ms)
{
	static unsigned long ms = ULONG_MAX;
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	if (ms == ULONG_MAX) {
		const char *env = getenv("FUZZ_CPU_MS");
		struct sigaction sa;

		ms = env ? strtoul(env, NULL, 10) : default_ms;
		if (ms == ULONG_MAX)
			ms--;
		cpu_msg_len = snprintf(cpu_msg, sizeof(cpu_msg), "==%d== fuzz: this run used more "
				       "than %lu ms of CPU time (FUZZ_CPU_MS): a loop, not the load\n",
				       (int)getpid(), ms);
		if (cpu_msg_len < 0 || cpu_msg_len >= (int)sizeof(cpu_msg))
			cpu_msg_len = 0;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = cpu_limit_hit;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGPROF, &sa, NULL))
			abort();
	}
	if (!ms)
		return;
	it.it_value.tv_sec = (time_t)(ms / 1000);
	it.it_value.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	if (setitimer(ITIMER_PROF, &it, NULL))
		abort();
}

void fuzz_cpu_limit_disarm(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	if (setitimer(ITIMER_PROF, &it, NULL))
		abort();
}
