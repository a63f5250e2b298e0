// SPDX-License-Identifier: GPL-2.0
/*
 * Output files: whole or untouched, and never a rename over a device.
 *
 * The rename-into-place idiom is what keeps a reader of FILE from ever seeing half a
 * document, but rename(2) replaces the directory entry whatever it names: as root,
 * "-o /dev/null" used to leave a regular file where the null device was.  So the kind
 * of the target is looked at first (through symlinks) and only a regular file, or a
 * name that does not exist yet, is written beside and renamed over.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmfrag/outfile.h"

static int fail(char *err, size_t errlen, int e, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s: %s", path, what, strerror(e));
	return -e;
}

int mf_out_resolve(const char *path, enum mf_out_kind *kind, char **final,
		   char *err, size_t errlen)
{
	struct stat st, lst;

	*final = NULL;
	if (!strcmp(path, "-")) {
		*kind = MF_OUT_STDOUT;
		return 0;
	}
	if (!*path)
		return fail(err, errlen, ENOENT, "''", "empty file name");
	if (lstat(path, &lst)) {
		if (errno != ENOENT)
			return fail(err, errlen, errno, path, "cannot write");
		*kind = MF_OUT_RENAME;
		*final = strdup(path);
		return *final ? 0 : fail(err, errlen, ENOMEM, path, "cannot write");
	}
	if (S_ISDIR(lst.st_mode))
		return fail(err, errlen, EISDIR, path, "cannot write");
	if (S_ISREG(lst.st_mode)) {
		*kind = MF_OUT_RENAME;
		*final = strdup(path);
		return *final ? 0 : fail(err, errlen, ENOMEM, path, "cannot write");
	}
	if (!S_ISLNK(lst.st_mode) || stat(path, &st)) {
		/* a device, FIFO or socket, or a symlink to nothing yet: open() decides */
		*kind = MF_OUT_IN_PLACE;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return fail(err, errlen, EISDIR, path, "cannot write");
	if (!S_ISREG(st.st_mode)) {
		*kind = MF_OUT_IN_PLACE;
		return 0;
	}
	*kind = MF_OUT_RENAME;
	*final = realpath(path, NULL);
	return *final ? 0 : fail(err, errlen, errno, path, "cannot write");
}

int mf_outfile_open(struct mf_outfile *o, const char *path, char *err, size_t errlen)
{
	enum mf_out_kind kind;
	int fd, ret;

	memset(o, 0, sizeof(*o));
	ret = mf_out_resolve(path, &kind, &o->final, err, errlen);
	if (ret)
		return ret;
	o->path = strdup(path);
	if (!o->path) {
		ret = fail(err, errlen, ENOMEM, path, "cannot write");
		goto out;
	}
	switch (kind) {
	case MF_OUT_STDOUT:
		o->f = stdout;
		return 0;
	case MF_OUT_IN_PLACE:
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		break;
	case MF_OUT_RENAME:
	default:
		if (asprintf(&o->tmp, "%s.tmp-%d", o->final, (int)getpid()) < 0) {
			o->tmp = NULL;
			ret = fail(err, errlen, ENOMEM, path, "cannot write");
			goto out;
		}
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, 0644);
		break;
	}
	if (fd < 0) {
		ret = fail(err, errlen, errno, path, "cannot write");
		goto out;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		ret = fail(err, errlen, errno, path, "cannot write");
		close(fd);
		goto out;
	}
	return 0;
out:
	mf_outfile_abort(o);
	return ret;
}

static void release(struct mf_outfile *o)
{
	free(o->path);
	free(o->final);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int mf_outfile_commit(struct mf_outfile *o, char *err, size_t errlen)
{
	int ret = 0, e;

	if (!o->f)
		return fail(err, errlen, EBADF, o->path ? o->path : "output", "cannot write");
	errno = 0;
	if (fflush(o->f) || ferror(o->f) || o->error) {
		e = o->error ? o->error : errno ? errno : EIO;
		ret = fail(err, errlen, e, o->path, "cannot write");
	}
	if (o->f == stdout) {
		o->f = NULL;
		release(o);
		return ret;
	}
	if (fclose(o->f) && !ret)
		ret = fail(err, errlen, errno, o->path, "cannot write");
	o->f = NULL;
	if (!ret && o->tmp && rename(o->tmp, o->final))
		ret = fail(err, errlen, errno, o->path, "cannot write");
	if (ret && o->tmp)
		unlink(o->tmp);
	release(o);
	return ret;
}

void mf_outfile_abort(struct mf_outfile *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	else if (o->f)
		fflush(stdout);
	if (o->tmp)
		unlink(o->tmp);
	release(o);
}

int mf_outfile_copy_from(const char *src, const char *dst, char *err, size_t errlen)
{
	struct mf_outfile o;
	char buf[1 << 16];
	size_t n;
	FILE *in;
	int ret;

	in = fopen(src, "re");
	if (!in)
		return fail(err, errlen, errno, src, "cannot read");
	ret = mf_outfile_open(&o, dst, err, errlen);
	if (ret) {
		fclose(in);
		return ret;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (fwrite(buf, 1, n, o.f) != n) {
			o.error = errno;
			break;
		}
	}
	if (ferror(in)) {
		ret = fail(err, errlen, EIO, src, "cannot read");
		mf_outfile_abort(&o);
	} else {
		ret = mf_outfile_commit(&o, err, errlen);
	}
	fclose(in);
	return ret;
}
