/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_PAGEBLOCKS_H
#define MMFRAG_PAGEBLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"

/*
 * The physical memory map: every pageblock of every zone (its migratetype and its free
 * buddy blocks), at the start, at every --interval point and at the end, for the observe
 * model and for each simulation.  Plain C, no I/O; out-json-result.c turns it into the
 * "pageblocks" objects of the result document (man mmfrag-replay, RESULT DOCUMENT).
 *
 * A 1 TB machine has 512k pageblocks, so a frame is packed and, after the first, holds
 * only the pageblocks that changed since the frame before ("mmfrag-pageblocks/1"):
 *
 *   frame  := entry*
 *   entry  := skip:varint run:varint record
 *             skip pageblocks keep their previous record, then the next run pageblocks
 *             all take this record
 *   record := head:u8 (order:u8 count:varint){npairs}
 *             head = migratetype | npairs << 3; one pair per order with free blocks;
 *             migratetype MF_PB_NO_PAGE: the pageblock has no page (a hole of the span,
 *             which pagetypeinfo does not count), and no pair
 *   varint := unsigned LEB128 (7 bits a byte, low first, high bit: more follows)
 *
 * "Previous" is the same zone in the frame before, or, in a key frame (the first one, or
 * when the zone's span changed), the empty record: Unmovable, nothing free.  A free block
 * larger than a pageblock counts once, at its order, in each pageblock it covers; one
 * pageblock's free pages are then sum(count << min(order, pageblock_order)).  Per-CPU
 * blocks are not free in buddy and are left out, as /proc/buddyinfo leaves them out.
 */

#define MF_PB_NO_PAGE	7	/* a record's type: mf_model_pageblock_absent() */

struct mf_pb_zone_frame {
	int		node;
	char		name[16];
	uint64_t	first_pfn;	/* of the first pageblock: start_pfn rounded down */
	uint64_t	nr_pageblocks;	/* up to end_pfn rounded up */
	bool		key;		/* against the empty record, not the frame before */
	uint8_t		*data;
	size_t		len;
};

struct mf_pb_frame {
	char			label[16];	/* "start", "1", "2", ..., "end" */
	uint64_t		ts;		/* ns, trace time */
	int			nr_zones;
	struct mf_pb_zone_frame	*zones;
};

struct mf_pb_prev;

struct mf_pb_map {
	int			pageblock_order;
	int			nr_frames;
	struct mf_pb_frame	*frames;
	int			nr_prev;
	struct mf_pb_prev	*prev;		/* private: each zone's records in the last frame */
};

struct mf_model;
struct mf_sim;

struct mf_pb_map *mf_pb_map_new(int pageblock_order);
void mf_pb_map_free(struct mf_pb_map *map);

/* Add a frame of the observe model's, or a simulator's, pageblocks now: 0 or -ENOMEM. */
int mf_pb_map_add_model(struct mf_pb_map *map, const struct mf_model *m, const char *label,
			uint64_t ts);
int mf_pb_map_add_sim(struct mf_pb_map *map, const struct mf_sim *s, const char *label,
		      uint64_t ts);

#endif
