/*
 * churn.c -- the anonymous-memory workload of bench/fidelity/heavy-compaction.sh.
 *
 * Build:  cc -O2 -o churn churn.c
 *
 *   1. -m MiB: fault MiB of anonymous memory as 4K pages (MADV_NOHUGEPAGE), first to last.
 *   2. -f K/N: give back K of every N pages with MADV_DONTNEED: pages i with i % N < K
 *      (2/3 keeps pages 2, 5, 8, ...), or, with -z SEED, each page with probability K/N
 *      (xorshift64 seeded by SEED: the same seed frees the same pages).  The survivors pin
 *      almost every pageblock, so nothing of order >= 2 is left free in them.
 *   3. -t MiB: fault MiB of 2 MiB-aligned MADV_HUGEPAGE memory; with THP defrag=madvise
 *      every PMD fault that finds no free order-9 block compacts directly.  The THPs
 *      obtained (AnonHugePages of /proc/self/smaps_rollup) are printed.
 *   4. -s SEC: hold (-1: until SIGTERM/SIGINT/SIGUSR1), then exit (a burst of frees).
 *   -R FILE: create FILE when the hold starts.  -q: quiet.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE_SZ	4096UL
#define HPAGE_SZ (2UL << 20)
#define MIB	(1UL << 20)

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static unsigned long anon_huge_kb(void)
{
	char line[256];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	unsigned long m_mib = 0, t_mib = 0, k = 2, n = 3, i, pages, freed = 0;
	unsigned long long seed = 0;
	long hold = 0;
	const char *ready = NULL;
	int c, quiet = 0, random_mode = 0;
	char *p = NULL, *t;

	while ((c = getopt(argc, argv, "m:f:z:t:s:R:q")) != -1) {
		switch (c) {
		case 'm': m_mib = strtoul(optarg, NULL, 0); break;
		case 'f':
			if (sscanf(optarg, "%lu/%lu", &k, &n) != 2 || !n || k > n) {
				fprintf(stderr, "churn: -f K/N with K <= N\n");
				return 2;
			}
			break;
		case 'z': seed = strtoull(optarg, NULL, 0); random_mode = 1; break;
		case 't': t_mib = strtoul(optarg, NULL, 0); break;
		case 's': hold = strtol(optarg, NULL, 0); break;
		case 'R': ready = optarg; break;
		case 'q': quiet = 1; break;
		default:
			fprintf(stderr, "usage: churn [-m MiB] [-f K/N] [-z SEED] [-t MiB] [-s SEC] "
				"[-R FILE] [-q]\n");
			return 2;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);

	if (m_mib) {
		pages = m_mib * MIB / PAGE_SZ;
		p = mmap(NULL, pages * PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || madvise(p, pages * PAGE_SZ, MADV_NOHUGEPAGE)) {
			perror("churn: mmap 4K region");
			return 1;
		}
		for (i = 0; i < pages; i++)
			p[i * PAGE_SZ] = 1;
		for (i = 0; i < pages; i++) {
			int drop;

			if (random_mode) {
				seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
				drop = seed % n < k;
			} else {
				drop = i % n < k;
			}
			if (drop && !madvise(p + i * PAGE_SZ, PAGE_SZ, MADV_DONTNEED))
				freed++;
		}
		if (!quiet)
			fprintf(stderr, "churn: faulted %lu MiB of 4K pages, freed %lu MiB\n",
				m_mib, freed * PAGE_SZ / MIB);
	}
	if (t_mib) {
		size_t len = t_mib * MIB;

		t = mmap(NULL, len + HPAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t == MAP_FAILED) {
			perror("churn: mmap THP region");
			return 1;
		}
		t = (char *)(((uintptr_t)t + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1));
		if (madvise(t, len, MADV_HUGEPAGE)) {
			perror("churn: madvise(MADV_HUGEPAGE)");
			return 1;
		}
		for (i = 0; i < len; i += PAGE_SZ)
			t[i] = 1;
		if (!quiet)
			fprintf(stderr, "churn: faulted %lu MiB MADV_HUGEPAGE, %lu MiB as THP\n",
				t_mib, anon_huge_kb() / 1024);
	}
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	if (hold < 0)
		while (!stop)
			pause();
	else if (hold > 0)
		sleep((unsigned int)hold);
	return 0;
}
