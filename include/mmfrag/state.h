/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_STATE_H
#define MMFRAG_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"

struct mf_zone_report;

/*
 * A capture of the kernel's own view of memory: verbatim /proc/buddyinfo, /proc/zoneinfo,
 * /proc/pagetypeinfo (root only) and optionally /proc/kpageflags, either live (/proc) or
 * from a directory holding copies.  Any of them may instead be stored zstd-compressed as
 * NAME.zst (the plain file wins when both exist).  Parsing only; no policy.
 *
 * Per-migratetype arrays are indexed by enum mf_mt whatever order the kernel printed its
 * columns in (kernels before 4.4 had Unmovable, Reclaimable, Movable, Reserve): names are
 * matched against mf_mt_names[].  Types this program does not know (e.g. "Reserve") are
 * summed into the *_unknown counters so that totals still add up.
 */
/*
 * No zone has more page frames than this (2^52 pages of 4 KiB: 16 EiB, the reach of
 * x86-64's 5-level paging and more); every count, size and pfn read from a capture is
 * checked against it, so that sums and products of them cannot overflow.
 */
#define MF_STATE_MAX_PAGES	(1ULL << 52)

/* zoneinfo's per-CPU pagesets kept per CPU (all CPUs are summed) */
#define MF_STATE_PCP_CPUS	MF_MAX_PCP_CPUS

struct mf_state_zone {
	int		node;
	char		name[16];		/* "DMA", "DMA32", "Normal", ... */
	int		nr_orders;		/* columns in buddyinfo */
	uint64_t	nr_free[MF_MAX_ORDERS];	/* buddyinfo: free blocks per order */

	bool		has_zoneinfo;		/* its section was found in zoneinfo */
	bool		has_span;		/* start_pfn and spanned both read */
	uint64_t	start_pfn, spanned, present, managed;
	uint64_t	free_pages;		/* "pages free" */
	uint64_t	boost, wmark_min, wmark_low, wmark_high, wmark_promo;
	/* "node_unreclaimable:": the node's kswapd gave up (hopeless); absent from old kernels */
	bool		has_unreclaimable, node_unreclaimable;

	/*
	 * zoneinfo's pagesets: pages on the per-CPU lists of this zone, summed over the CPUs
	 * (count), and per CPU for the first MF_STATE_PCP_CPUS: count, high and batch.
	 */
	bool		has_pcp;
	int		nr_pcp_cpus;		/* highest "cpu: N" read, plus one */
	uint64_t	pcp_count;
	struct {
		uint32_t count, high, batch;
	}		pcp[MF_STATE_PCP_CPUS];

	/* pagetypeinfo: free blocks per order and type, '>' (the 100000 cap), pageblocks */
	bool		has_pagetypeinfo;
	uint64_t	free_mt[MF_MAX_ORDERS][MF_MAX_MT];
	bool		free_mt_capped[MF_MAX_ORDERS][MF_MAX_MT];
	uint64_t	blocks_mt[MF_MAX_MT];		/* "Number of blocks type" */
	uint64_t	free_unknown[MF_MAX_ORDERS];	/* types not in mf_mt_names[] */
	uint64_t	blocks_unknown;
};

#define MF_REPORTING_UNKNOWN	(-2)

struct mf_state {
	int			nr_zones;	/* populated zones, in buddyinfo order */
	struct mf_state_zone	zones[MF_MAX_ZONES];
	int			pageblock_order;	/* from pagetypeinfo, else -1 */
	int			nr_mt;		/* MF_MAX_MT slots with pagetypeinfo, else 0 */
	char			mt_names[MF_MAX_MT][16];	/* "" for a type not printed */
	bool			mt_present[MF_MAX_MT];	/* the kernel printed this type */
	int			nr_mt_unknown;	/* other names seen, at most MF_MAX_MT */
	char			mt_unknown[MF_MAX_MT][16];
	bool			has_pagetypeinfo;
	bool			has_zoneinfo;
	bool			has_kpageflags;	/* kpageflags or kpageflags.zst readable */
	/*
	 * Free page reporting at this capture (sysctl's free_page_reporting and
	 * page_reporting_order): the order when on (a balloon registered), -1 when off,
	 * MF_REPORTING_UNKNOWN when the capture does not say (periodic captures, older ones)
	 */
	int			reporting_order;
	char			dir[4096];	/* where it was read from; "" if strings */
};

/*
 * Load buddyinfo (required), zoneinfo and pagetypeinfo (each optional, a permission error
 * is not fatal: /proc/pagetypeinfo is mode 0400) from dir ("/proc" for the live machine).
 * Returns 0 or -errno with a one-line message in err naming the file and the problem,
 * e.g. "/x/buddyinfo: no such file" or "/x/buddyinfo: line 3: expected ...".
 */
int mf_state_load(struct mf_state *st, const char *dir, char *err, size_t errlen);

/*
 * A capture's buddyinfo read again after its kpageflags scan (dir/buddyinfo.after, which
 * mmfrag record and tests/tools/capture.sh write), over st's free block counts: 1, 0 when
 * dir has none, or -errno with the message in err (a file that does not parse, or whose
 * zones are not those of st's buddyinfo).
 */
int mf_state_load_after(struct mf_state *st, const char *dir, char *err, size_t errlen);

/* Parse from strings (tests); NULL for absent files.  Messages name "buddyinfo" etc. */
int mf_state_parse(struct mf_state *st, const char *buddyinfo, const char *zoneinfo,
		   const char *pagetypeinfo, char *err, size_t errlen);

/* Index of the zone holding pfn (needs zoneinfo), -1 if none. */
int mf_state_zone_of_pfn(const struct mf_state *st, uint64_t pfn);
/* The zone of that node and name (each is there once), NULL if st has none. */
const struct mf_state_zone *mf_state_zone_find(const struct mf_state *st, int node,
					       const char *name);

/*
 * One counter of dir/vmstat (a /proc/vmstat capture: "name value" lines).  Returns 0 and
 * sets *val, or -1 when the file or the counter is missing.
 */
int mf_state_vmstat_read(const char *dir, const char *name, int64_t *val);

/*
 * One line of dir/meminfo (a /proc/meminfo capture: "Name:   value kB"), such as
 * "SwapTotal": 0 and *kb set, or -1 when the file or the line is missing.
 */
int mf_state_meminfo_read(const char *dir, const char *name, int64_t *kb);

/*
 * One setting of dir/sysctl (written by mmfrag record since issue 12: "name value" lines,
 * the names simulate mode's --config keys, such as "extfrag_threshold 500" or
 * "thp_defrag madvise").  Returns 0 and copies the value into val, or -1 when the file
 * (an older capture) or the setting is missing.
 */
int mf_state_sysctl_read(const char *dir, const char *name, char *val, size_t len);

/*
 * Zone reports of the capture: free blocks per order, zoneinfo sizes and the per-type
 * data of pagetypeinfo, then the indices and scores (mf_zone_reports_finish()).
 * hpage_order is COMPACTION_HPAGE_ORDER (9 on x86-64), clamped to the highest order the
 * capture has.  z must hold st->nr_zones entries; returns st->nr_zones.
 */
int mf_state_reports(const struct mf_state *st, struct mf_zone_report *z, int hpage_order);

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define MF_KPF_LRU		5
#define MF_KPF_ACTIVE		6
#define MF_KPF_SLAB		7
#define MF_KPF_BUDDY		10
#define MF_KPF_MMAP		11
#define MF_KPF_ANON		12
#define MF_KPF_SWAPBACKED	14
#define MF_KPF_COMPOUND_HEAD	15
#define MF_KPF_COMPOUND_TAIL	16
#define MF_KPF_HUGE		17
#define MF_KPF_NOPAGE		20
#define MF_KPF_THP		22
#define MF_KPF_PGTABLE		26
#define MF_KPF_RESERVED		32

/*
 * Free buddy blocks from kpageflags (dir/kpageflags or dir/kpageflags.zst), streamed in
 * chunks.  Since about v5.x the kernel sets KPF_BUDDY on every page of a free block, not
 * only on the head, and exports no order; so every maximal run of KPF_BUDDY pages is split
 * greedily into naturally aligned blocks: at p, the largest o <= max_order with p aligned
 * to 2^o and p + 2^o inside the run and inside the zone.  Runs are clipped to the zones'
 * [start_pfn, start_pfn + spanned) from zoneinfo (where spans overlap, a pfn belongs to
 * the first such zone in buddyinfo order); pages outside every zone are not reported.
 *
 * block_cb (may be NULL) is called once per block, in increasing pfn order; page_cb (may
 * be NULL) once per pfn of the file with its raw flags, e.g. to guess pageblock types.
 * Returns 0, -ENOENT when no kpageflags file exists, -EINVAL without zone spans, or
 * -errno; err is set on every failure.
 */
typedef void (*mf_block_cb)(void *priv, int zone, uint64_t pfn, int order);
typedef void (*mf_page_cb)(void *priv, uint64_t pfn, uint64_t flags);

int mf_state_kpageflags_scan(const struct mf_state *st, int max_order, mf_block_cb block_cb,
			     mf_page_cb page_cb, void *priv, char *err, size_t errlen);

/* The same without the per-page callback. */
int mf_state_kpageflags_blocks(const struct mf_state *st, int max_order, mf_block_cb cb,
			       void *priv, char *err, size_t errlen);

#endif
