/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The k-way merge of per-CPU streams by time, shared by both readers of trace.dat (the own
 * reader, flyrecord.c, and the libtracecmd one, reader.c): a binary min-heap of ids (a CPU,
 * or a stream's index, which is its CPU's), ordered by (ts, id).  ts is the uint64_t of
 * element id of the caller's array: keys points at element 0's ts, stride is the element's
 * size, so each reader keeps its own per-CPU struct.  On equal times the lower id goes
 * first, as libtracecmd's tracecmd_read_next_data() takes the lowest CPU, so both readers
 * give the same order.  Not a public interface.
 */
#ifndef MMFRAG_TRACE_MERGE_HEAP_H
#define MMFRAG_TRACE_MERGE_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool mf_merge_before(const void *keys, size_t stride, int a, int b)
{
	uint64_t x = *(const uint64_t *)((const char *)keys + (size_t)a * stride);
	uint64_t y = *(const uint64_t *)((const char *)keys + (size_t)b * stride);

	return x < y || (x == y && a < b);
}

/* Sift h[i] down the heap h[0..n): its subtree is a heap again. */
static inline void mf_merge_heap_down(int *h, int n, int i, const void *keys, size_t stride)
{
	for (;;) {
		int l = 2 * i + 1, m = i, t;

		if (l < n && mf_merge_before(keys, stride, h[l], h[m]))
			m = l;
		if (l + 1 < n && mf_merge_before(keys, stride, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* h[0..n) in any order made a heap (Floyd: sift down from the last parent). */
static inline void mf_merge_heap_build(int *h, int n, const void *keys, size_t stride)
{
	int i;

	for (i = n / 2 - 1; i >= 0; i--)
		mf_merge_heap_down(h, n, i, keys, stride);
}

#endif
