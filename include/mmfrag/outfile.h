/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_OUTFILE_H
#define MMFRAG_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * An output file that is either whole or untouched, and never replaces what is not a
 * regular file.  What PATH names decides how it is written:
 *
 *   "-"                        standard output
 *   a device, FIFO or socket   written in place (mmfrag runs as root: renaming over
 *                              /dev/null would replace the device with a file)
 *   a regular file or nothing  a temporary file beside it, renamed over it on success
 *   a symlink                  the same rules for what it points to; a symlink to a
 *                              regular file stays a symlink and its target is replaced
 *
 * Every write, flush and close error is reported (ENOSPC on /dev/full included).  Like
 * the other layers below cmd_*(), these functions fill ERR and never print.
 */
struct mf_outfile {
	FILE	*f;
	char	*path;		/* as given, for messages */
	char	*final;		/* the regular file rename() replaces; NULL when in place */
	char	*tmp;		/* the temporary file beside it */
	int	error;		/* errno of a write the caller saw fail; commit reports it */
};

enum mf_out_kind {
	MF_OUT_STDOUT,		/* "-" */
	MF_OUT_IN_PLACE,	/* an existing non-regular file (or a dangling symlink) */
	MF_OUT_RENAME,		/* a regular file, or a new one: write beside, rename */
};

/* What PATH is; for MF_OUT_RENAME, *final (malloc'd) is the path rename() must replace. */
int mf_out_resolve(const char *path, enum mf_out_kind *kind, char **final,
		   char *err, size_t errlen);

int mf_outfile_open(struct mf_outfile *o, const char *path, char *err, size_t errlen);
/* Flush, check, close and put into place: 0, or -errno with ERR filled (nothing replaced). */
int mf_outfile_commit(struct mf_outfile *o, char *err, size_t errlen);
/* Give up: the temporary file is removed, the target untouched. */
void mf_outfile_abort(struct mf_outfile *o);

/*
 * Copy the whole of regular file SRC into the output DST by the rules above (used by
 * record, which assembles its trace in a temporary file first): 0 or -errno.
 */
int mf_outfile_copy_from(const char *src, const char *dst, char *err, size_t errlen);

#endif
