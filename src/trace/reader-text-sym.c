// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's TP_printk() tables the text-trace reader reads back (reader-text.h): gfp
 * flag names, compaction results and zone names, as Linux 6.10 and later print them.
 */
#include <stdint.h>
#include <string.h>

#include "reader-text.h"

/*
 * __def_gfpflag_names (include/trace/events/mmflags.h) with the values of
 * include/linux/gfp_types.h since Linux 6.10 (___GFP_*_BIT); __print_flags() prints the
 * composites first and clears their bits, so ORing the names back gives the value.
 */
#define B(n)	(1ULL << (n))
#define GFP_RECLAIM_	(B(10) | B(11))
#define GFP_KERNEL_	(GFP_RECLAIM_ | B(6) | B(7))
#define GFP_USER_	(GFP_KERNEL_ | B(20))
#define GFP_HIGHUSER_MOVABLE_ (GFP_USER_ | B(1) | B(3))
#define GFP_TRANSHUGE_LIGHT_ ((GFP_HIGHUSER_MOVABLE_ | B(18) | B(19) | B(13)) & ~GFP_RECLAIM_)

static const struct { const char *name; uint8_t len; uint64_t val; } gfp_names[] = {
#define G(n, v)	{ n, sizeof(n) - 1, v }
	G("GFP_TRANSHUGE", GFP_TRANSHUGE_LIGHT_ | B(10)),
	G("GFP_TRANSHUGE_LIGHT", GFP_TRANSHUGE_LIGHT_),
	G("GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE_),
	G("GFP_HIGHUSER", GFP_USER_ | B(1)),
	G("GFP_USER", GFP_USER_),
	G("GFP_KERNEL_ACCOUNT", GFP_KERNEL_ | B(22)),
	G("GFP_KERNEL", GFP_KERNEL_),
	G("GFP_NOFS", GFP_RECLAIM_ | B(6)),
	G("GFP_ATOMIC", B(5) | B(11)),
	G("GFP_NOIO", GFP_RECLAIM_),
	G("GFP_NOWAIT", B(11) | B(13)),
	G("GFP_DMA", B(0)),
	G("GFP_DMA32", B(2)),
	G("__GFP_RECLAIM", GFP_RECLAIM_),
	G("__GFP_DMA", B(0)),
	G("__GFP_HIGHMEM", B(1)),
	G("__GFP_DMA32", B(2)),
	G("__GFP_MOVABLE", B(3)),
	G("__GFP_RECLAIMABLE", B(4)),
	G("__GFP_HIGH", B(5)),
	G("__GFP_IO", B(6)),
	G("__GFP_FS", B(7)),
	G("__GFP_ZERO", B(8)),
	G("__GFP_DIRECT_RECLAIM", B(10)),
	G("__GFP_KSWAPD_RECLAIM", B(11)),
	G("__GFP_WRITE", B(12)),
	G("__GFP_NOWARN", B(13)),
	G("__GFP_RETRY_MAYFAIL", B(14)),
	G("__GFP_NOFAIL", B(15)),
	G("__GFP_NORETRY", B(16)),
	G("__GFP_MEMALLOC", B(17)),
	G("__GFP_COMP", B(18)),
	G("__GFP_NOMEMALLOC", B(19)),
	G("__GFP_HARDWALL", B(20)),
	G("__GFP_THISNODE", B(21)),
	G("__GFP_ACCOUNT", B(22)),
	G("__GFP_ZEROTAGS", B(23)),
	G("__GFP_NO_OBJ_EXT", B(24)),
#undef G
};

/* enum compact_result (include/linux/compaction.h) by COMPACTION_STATUS name */
const char *const text_status_names[] = {
	"not_suitable_zone", "skipped", "deferred", "no_suitable_page", "continue", "complete",
	"partial_skipped", "contended", "success",
};

/* ZONE_TYPE of a 64-bit kernel with ZONE_DMA and ZONE_DMA32 (no ZONE_HIGHMEM) */
const char *const text_zone_names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
const int text_nr_status_names = sizeof(text_status_names) / sizeof(text_status_names[0]);
const int text_nr_zone_names = sizeof(text_zone_names) / sizeof(text_zone_names[0]);

bool text_gfp_flag(const char *p, size_t n, uint64_t *val)
{
	size_t i;

	for (i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
		if (gfp_names[i].len == n && !memcmp(gfp_names[i].name, p, n)) {
			*val = gfp_names[i].val;
			return true;
		}
	}
	return false;
}
