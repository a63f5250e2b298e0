/*
 * fragment.c -- deterministic workload that fragments the buddy allocator.  The tests
 * (record.sh, top.sh), bench/record-*.sh and the what-if validation (bench/whatif/run.sh,
 * with -F 2/3) all run this one program.
 *
 * Build:  cc -O2 -o fragment fragment.c        (no dependencies)
 *
 * Phases (each optional, in this order):
 *   1. -m MiB: mmap an anonymous region, madvise(MADV_NOHUGEPAGE) so every fault
 *      allocates exactly one order-0 page (no THP, no mTHP), and write one byte
 *      into every 4 KiB page, first to last.
 *   2. Free every D-th page of that region (D = -d, default 2: "every other
 *      page", i.e. pages 1, 3, 5, ... are released with MADV_DONTNEED, pages
 *      0, 2, 4, ... stay resident).  Physically consecutive faults tend to get
 *      physically consecutive pfns, so this leaves isolated order-0 holes that
 *      cannot merge because their buddies stay allocated.
 *      -F K/N instead frees the last K pages of every N (one MADV_DONTNEED per run of
 *      K pages): -d D is -F 1/D; -F 2/3 keeps page 0 of every 3 and frees pages 1, 2,
 *      4, 5, ..., holes of order 0 and 1 (bench/whatif's workload).  A last, partial
 *      group frees the pages it has of those K.  -F 0/N frees nothing.
 *   3. -t MiB: mmap a second region aligned to 2 MiB, madvise(MADV_HUGEPAGE) and
 *      touch every 4 KiB page.  With THP "defrag=madvise" (the default) each
 *      PMD fault does direct compaction when no order-9 block is free.  The
 *      number of PMD-mapped huge pages obtained is read back from
 *      /proc/self/smaps (AnonHugePages) and printed.
 *      -p N: after each 2 MiB of it, read one byte at N fresh 2 MiB-aligned
 *      addresses of a third, MAP_NORESERVE region.  A read fault maps the shared
 *      zero page, so each allocates only a page table: an order-0 unmovable page
 *      (GFP_PGTABLE_USER), held until exit.  That is unmovable demand arriving
 *      while the THP faults compact, the case where the allocator falls back into
 *      movable pageblocks and watermark boosting and defrag_mode matter.
 *   4. -s SEC: hold all memory for SEC seconds (-1: until SIGINT/SIGTERM/SIGUSR1)
 *      before exiting (exit frees everything: a burst of page frees).
 *
 * Nothing is random: the same options always touch/free the same virtual pages
 * in the same order.
 *
 * Safety: before each allocation phase the request is checked against
 * MemAvailable from /proc/meminfo minus a reserve (-r MiB, default 256); the
 * program refuses to start (exit 2) rather than drive the machine into OOM,
 * unless -f is given.
 *
 * Other options:
 *   -u USEC   sleep USEC microseconds after each MiB faulted / freed (throttle,
 *             to make a mid-workload state observable); default 0.
 *   -M        write phase markers "mmfrag-fragment PHASE" to
 *             /sys/kernel/tracing/trace_marker (best effort, ignored on error).
 *   -R FILE   create FILE (empty) when the hold phase starts (readiness flag
 *             for scripts that capture state while the memory is held).
 *   -P FILE   create FILE when phase 2 (free) is done, then wait until FILE is
 *             removed before starting phase 3 (pause point for captures).
 *   -q        quiet (no progress on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SZ  4096UL
#define HPAGE_SZ (2UL << 20)
#define MIB      (1UL << 20)

static int quiet;
static int markers;
static volatile sig_atomic_t stop_hold, waiting;

/*
 * In the pause and hold phases a signal ends the wait (the program then exits as usual);
 * while it faults or frees, it ends the program at once, as the default action would:
 * a caller that gives up on the workload (bench/whatif/run-one.sh's trap) must not wait
 * for a gigabyte of faults under short memory.
 */
static void on_signal(int sig)
{
	if (!waiting)
		_exit(128 + sig);
	stop_hold = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	fputs("fragment: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Best-effort trace marker (appears as "tracing_mark_write: mmfrag-fragment ..."). */
static void mark(const char *phase)
{
	char buf[128];
	int fd, n;

	if (!markers)
		return;
	fd = open("/sys/kernel/tracing/trace_marker", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "mmfrag-fragment %s\n", phase);
	if (write(fd, buf, n) < 0) { /* tracing off: ignore */ }
	close(fd);
}

/* Value of a /proc/meminfo field in KiB, or -1. */
static long meminfo_kb(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Sum of AnonHugePages (KiB) of the smaps entries overlapping [lo, hi). */
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
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = a < hi && b > lo;
			continue;
		}
		if (in && !strncmp(line, "AnonHugePages:", 14))
			total += strtol(line + 14, NULL, 10);
	}
	fclose(f);
	return total;
}

static void check_memory(unsigned long want_mib, unsigned long reserve_mib, int force)
{
	long avail = meminfo_kb("MemAvailable");

	if (avail < 0 || force)
		return;
	if ((long)((want_mib + reserve_mib) * 1024) > avail) {
		fprintf(stderr, "fragment: refusing: %lu MiB requested + %lu MiB reserve > "
			"MemAvailable %ld MiB (use -f to force)\n", want_mib, reserve_mib, avail / 1024);
		exit(2);
	}
}

static void throttle(unsigned long usec)
{
	if (usec)
		usleep(usec);
}

static void touch_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	else
		fprintf(stderr, "fragment: cannot create %s: %s\n", path, strerror(errno));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fragment [-m MiB] [-d D | -F K/N] [-t MiB [-p N]] [-s SEC] [-u USEC] [-r MiB] [-f]\n"
		"                [-M] [-R FILE] [-P FILE] [-q]\n"
		"  -m MiB   fault MiB of anonymous memory as 4K pages (MADV_NOHUGEPAGE)\n"
		"  -d D     then free every D-th page of it (default 2 = every other page)\n"
		"  -F K/N   then free the last K pages of every N instead (-d D is -F 1/D)\n"
		"  -t MiB   then fault MiB of 2MiB-aligned MADV_HUGEPAGE memory (THP, compaction)\n"
		"  -p N     and after each 2 MiB of it, N page tables (read faults 2 MiB apart)\n"
		"  -s SEC   hold the memory SEC seconds before exit (-1: until signal)\n"
		"  -u USEC  sleep USEC after each MiB faulted/freed (throttle)\n"
		"  -r MiB   keep this much of MemAvailable untouched (default 256)\n"
		"  -f       skip the MemAvailable safety check\n"
		"  -M       write phase markers to /sys/kernel/tracing/trace_marker\n"
		"  -R FILE  create FILE when the hold phase starts\n"
		"  -P FILE  create FILE after the free phase, wait until it is removed\n"
		"  -q       quiet\n");
	exit(1);
}

int main(int argc, char **argv)
{
	unsigned long m_mib = 0, t_mib = 0, stride = 2, nfree = 1, reserve = 256, usec = 0, pt = 0;
	char *slash;
	long hold = 0;
	int force = 0, c;
	const char *ready = NULL, *pause_file = NULL;
	double t0;

	while ((c = getopt(argc, argv, "m:d:F:t:p:s:u:r:fMR:P:qh")) != -1) {
		switch (c) {
		case 'm': m_mib = strtoul(optarg, NULL, 0); break;
		case 'd': stride = strtoul(optarg, NULL, 0); nfree = 1; break;
		case 'F':
			nfree = strtoul(optarg, &slash, 0);
			if (*slash != '/')
				usage();
			stride = strtoul(slash + 1, NULL, 0);
			break;
		case 't': t_mib = strtoul(optarg, NULL, 0); break;
		case 'p': pt = strtoul(optarg, NULL, 0); break;
		case 's': hold = strtol(optarg, NULL, 0); break;
		case 'u': usec = strtoul(optarg, NULL, 0); break;
		case 'r': reserve = strtoul(optarg, NULL, 0); break;
		case 'f': force = 1; break;
		case 'M': markers = 1; break;
		case 'R': ready = optarg; break;
		case 'P': pause_file = optarg; break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	if (optind != argc || stride < 1 || nfree > stride)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	mark("start");

	/* ---- phase 1: 4K faults ---- */
	if (m_mib) {
		size_t len = m_mib * MIB, npages = len / PAGE_SZ, i;
		unsigned char *p;

		check_memory(m_mib, reserve, force);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("fragment: mmap 4K region");
			return 1;
		}
		if (madvise(p, len, MADV_NOHUGEPAGE))
			perror("fragment: madvise(MADV_NOHUGEPAGE)");

		mark("fault4k-begin");
		t0 = now();
		for (i = 0; i < npages; i++) {
			p[i * PAGE_SZ] = (unsigned char)(i | 1);   /* non-zero: a real private page */
			if (usec && (i + 1) % (MIB / PAGE_SZ) == 0)
				throttle(usec);
		}
		mark("fault4k-end");
		say("faulted %lu MiB = %zu 4K pages in %.2f s", m_mib, npages, now() - t0);

		/*
		 * ---- phase 2: free the last nfree pages of every stride (-d D: page D-1,
		 * 2D-1, ...), one madvise per run ----
		 */
		mark("free-begin");
		t0 = now();
		size_t freed = 0;
		for (i = 0; nfree && i + stride - nfree < npages; i += stride) {
			size_t lo = i + stride - nfree, cnt = nfree;

			if (lo + cnt > npages)
				cnt = npages - lo;
			if (madvise(p + lo * PAGE_SZ, cnt * PAGE_SZ, MADV_DONTNEED)) {
				perror("fragment: madvise(MADV_DONTNEED)");
				return 1;
			}
			/* throttle each time another MiB has gone back */
			if (usec && (freed + cnt) / (MIB / PAGE_SZ) != freed / (MIB / PAGE_SZ))
				throttle(usec);
			freed += cnt;
		}
		mark("free-end");
		if (nfree == 1)
			say("freed %zu of %zu pages (every %lu%s) in %.2f s", freed, npages, stride,
			    stride == 1 ? "" : stride == 2 ? "nd" : stride == 3 ? "rd" : "th",
			    now() - t0);
		else
			say("freed %zu of %zu pages (the last %lu of every %lu) in %.2f s", freed,
			    npages, nfree, stride, now() - t0);
		/* the region stays mapped: the remaining pages are held until exit */
	}

	if (pause_file) {
		touch_file(pause_file);
		say("paused; remove %s to continue", pause_file);
		mark("paused");
		waiting = 1;
		while (access(pause_file, F_OK) == 0 && !stop_hold)
			usleep(20000);
		waiting = 0;
		stop_hold = 0;
		mark("resumed");
	}

	/* ---- phase 3: THP faults ---- */
	if (t_mib) {
		size_t len = t_mib * MIB, i, npt = 0, ptlen = len / HPAGE_SZ * pt * HPAGE_SZ;
		volatile unsigned char *ptr = NULL;
		unsigned char *raw, *p;
		uintptr_t a;

		check_memory(t_mib, reserve, force);
		raw = mmap(NULL, len + HPAGE_SZ, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw == MAP_FAILED) {
			perror("fragment: mmap THP region");
			return 1;
		}
		a = ((uintptr_t)raw + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1);
		p = (unsigned char *)a;
		if (madvise(p, len, MADV_HUGEPAGE))
			perror("fragment: madvise(MADV_HUGEPAGE)");
		if (ptlen) {
			/* address space only: MAP_NORESERVE, and nothing but zero-page reads */
			ptr = mmap(NULL, ptlen + HPAGE_SZ, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (ptr == MAP_FAILED) {
				perror("fragment: mmap page-table region");
				return 1;
			}
			ptr = (volatile unsigned char *)(((uintptr_t)ptr + HPAGE_SZ - 1) &
							 ~(HPAGE_SZ - 1));
			if (madvise((void *)ptr, ptlen, MADV_NOHUGEPAGE))
				perror("fragment: madvise(MADV_NOHUGEPAGE)");
		}

		mark("thp-begin");
		t0 = now();
		for (i = 0; i < len / PAGE_SZ; i++) {
			p[i * PAGE_SZ] = (unsigned char)(i | 1);
			if (usec && (i + 1) % (MIB / PAGE_SZ) == 0)
				throttle(usec);
			if (ptr && (i + 1) % (HPAGE_SZ / PAGE_SZ) == 0)
				for (size_t k = 0; k < pt; k++, npt++)
					(void)ptr[npt * HPAGE_SZ];	/* volatile: a read */
		}
		mark("thp-end");
		long kb = anon_huge_kb(a, a + len);
		say("faulted %lu MiB with MADV_HUGEPAGE in %.2f s: %ld of %lu huge pages (AnonHugePages %ld kB)",
		    t_mib, now() - t0, kb / 2048, len / HPAGE_SZ, kb);
		if (npt)
			say("read-faulted %zu page tables, %lu after each 2 MiB", npt, pt);
		if (!quiet)
			printf("thp_huge_pages=%ld thp_requested=%lu page_tables=%zu\n",
			       kb < 0 ? -1 : kb / 2048, len / HPAGE_SZ, npt);
	}

	/* ---- phase 4: hold ---- */
	if (hold) {
		mark("hold");
		if (ready)
			touch_file(ready);
		say("holding %s", hold < 0 ? "until signal" : "");
		double end = now() + hold;
		waiting = 1;
		while (!stop_hold && (hold < 0 || now() < end))
			usleep(20000);
	} else if (ready) {
		touch_file(ready);
	}
	mark("exit");
	return 0;
}
