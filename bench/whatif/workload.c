/*
 * workload.c -- the what-if validation workload (bench/whatif/run.sh).
 *
 * Build:  cc -O2 -o workload workload.c        (no dependencies)
 *
 *   1. -m MiB: fault an anonymous region as 4K pages (MADV_NOHUGEPAGE), first to last.
 *   2. Keep one page of every K (-k, default 3) and give the others back with
 *      MADV_DONTNEED: pages 1, 2, 4, 5, 7, 8, ... are freed, so 2 of every 3 pages go
 *      back as isolated order-0 and order-1 holes whose buddies stay allocated.
 *   3. -t MiB: fault a 2 MiB-aligned MADV_HUGEPAGE region (with THP defrag=madvise,
 *      every PMD fault that finds no free order-9 block compacts directly).
 *   Then exit (a burst of frees).  Prints "thp_huge_pages=N thp_requested=M".
 *
 * Nothing is random.  The caller (run-one.sh) makes memory short first (hugetlb pool):
 * this program does no safety check of its own beyond failing cleanly on mmap.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE_SZ  4096UL
#define HPAGE_SZ (2UL << 20)
#define MIB      (1UL << 20)

/* AnonHugePages (KiB) of the smaps entries overlapping [lo, hi), or -1. */
static long anon_huge_kb(uintptr_t lo, uintptr_t hi)
{
	char line[512];
	long total = 0;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char *dash = strchr(line, '-'), *sp = strchr(line, ' ');

		if (dash && sp && dash < sp && sscanf(line, "%lx-%lx ", &a, &b) == 2) {
			in = a < hi && b > lo;
			continue;
		}
		if (in && !strncmp(line, "AnonHugePages:", 14))
			total += strtol(line + 14, NULL, 10);
	}
	fclose(f);
	return total;
}

int main(int argc, char **argv)
{
	unsigned long m_mib = 1000, keep = 3, t_mib = 800;
	size_t i, n, len;
	unsigned char *p, *raw;
	uintptr_t a;
	long kb;
	int c;

	while ((c = getopt(argc, argv, "m:k:t:")) != -1) {
		switch (c) {
		case 'm': m_mib = strtoul(optarg, NULL, 0); break;
		case 'k': keep = strtoul(optarg, NULL, 0); break;
		case 't': t_mib = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: workload [-m MiB] [-k K] [-t MiB]\n");
			return 2;
		}
	}
	if (keep < 1) {
		fprintf(stderr, "workload: -k must be at least 1\n");
		return 2;
	}

	len = m_mib * MIB;
	n = len / PAGE_SZ;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("workload: mmap 4K region");
		return 1;
	}
	if (madvise(p, len, MADV_NOHUGEPAGE))
		perror("workload: madvise(MADV_NOHUGEPAGE)");
	for (i = 0; i < n; i++)
		p[i * PAGE_SZ] = (unsigned char)(i | 1);
	/* keep page 0 of every K, free the K-1 after it (runs of K-1 pages: one madvise each) */
	for (i = 0; i + 1 < n; i += keep) {
		size_t cnt = keep - 1;

		if (i + 1 + cnt > n)
			cnt = n - i - 1;
		if (cnt && madvise(p + (i + 1) * PAGE_SZ, cnt * PAGE_SZ, MADV_DONTNEED)) {
			perror("workload: madvise(MADV_DONTNEED)");
			return 1;
		}
	}

	len = t_mib * MIB;
	raw = mmap(NULL, len + HPAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		perror("workload: mmap THP region");
		return 1;
	}
	a = ((uintptr_t)raw + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1);
	if (madvise((void *)a, len, MADV_HUGEPAGE))
		perror("workload: madvise(MADV_HUGEPAGE)");
	for (i = 0; i < len / PAGE_SZ; i++)
		((unsigned char *)a)[i * PAGE_SZ] = (unsigned char)(i | 1);
	kb = anon_huge_kb(a, a + len);
	printf("thp_huge_pages=%ld thp_requested=%lu\n", kb < 0 ? -1 : kb / 2048, len / HPAGE_SZ);
	return 0;
}
