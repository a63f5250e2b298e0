/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_CAPTURE_H
#define MMFRAG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Ground-truth captures for a recording: verbatim copies of the kernel's own view of
 * memory, taken while the trace runs and delimited in the trace by two trace-marker
 * texts, "mmfrag-capture-begin NAME" before the first read and "mmfrag-capture-end NAME"
 * after the last, so that replay can tell which events happened before, during and after.
 *
 * A full capture (MF_CAPTURE_FULL) writes into DIR: buddyinfo, extfrag_index and
 * unusable_index (when debugfs shows them), pagetypeinfo, zoneinfo, vmstat, meminfo,
 * kpageflags.zst (zstd frame of /proc/kpageflags), buddyinfo.after (re-read after
 * kpageflags), sysctl (the settings that change compaction, "name value" lines named
 * as simulate mode's --config keys, read just before the window) and meta ("key=value"
 * lines, name=NAME first).  A light capture
 * (MF_CAPTURE_LIGHT, for --capture-interval) holds buddyinfo, pagetypeinfo and meta;
 * MF_CAPTURE_LIGHT_KPF adds zoneinfo, kpageflags.zst and buddyinfo.after, so that
 * replay --reanchor can reset its model there.
 * The layout and meta keys are those of tests/tools/capture.sh.
 */

enum mf_capture_kind {
	MF_CAPTURE_FULL,
	MF_CAPTURE_LIGHT,
	MF_CAPTURE_LIGHT_KPF,
};

/* Write @text to the trace (the recorder's trace_marker); 0 or -errno. */
typedef int (*mf_capture_mark_fn)(void *ctx, const char *text);

struct mf_capture;

/*
 * mf_capture_alloc - buffers and a zstd context for captures
 *
 * Everything a capture needs is allocated and touched here, once, so that the capture
 * itself allocates (almost) no memory while the trace records the page allocator.
 */
struct mf_capture *mf_capture_alloc(void);
void mf_capture_free(struct mf_capture *c);

/*
 * mf_capture_take - take one capture into @dir (created; its parent must exist)
 * @name: the name in the markers and in meta (no white space)
 * @mark: writes the markers; may be NULL (meta then says marker_*_written=no)
 *
 * Returns 0, or -errno with one line in @err naming the file.  A missing extfrag or
 * kpageflags file is not an error (meta says so); buddyinfo and, for a full capture,
 * pagetypeinfo and zoneinfo are required.
 */
int mf_capture_take(struct mf_capture *c, const char *dir, const char *name,
		    enum mf_capture_kind kind, mf_capture_mark_fn mark, void *ctx,
		    char *err, size_t errlen);

/*
 * mf_capture_reporting_order - free page reporting on the running system
 *
 * page_reporting_order when a virtio balloon reports free pages (the driver that
 * registers with mm/page_reporting.c), -1 when none does or the module is absent: what a
 * capture's sysctl file says as page_reporting_order and free_page_reporting.
 */
int mf_capture_reporting_order(void);

#endif
