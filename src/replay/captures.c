// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a replay's captures: the folder beside the trace (FILE.state/), its start/,
 * end/ and periodic NNNN/ captures, each loaded (mf_state_load()) and given the markers that
 * align it with the trace: "mmfrag-capture-begin NAME" (written just before its buddyinfo
 * was read) for every capture, and for a start capture also "mmfrag-capture-end NAME"
 * (written after its kpageflags was read), which closes its scan window.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <libgen.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/common.h"
#include "replay-local.h"

/* ---- captures ---------------------------------------------------------------------- */

/* The capture's name: DIR/meta's "name" line when there is one, else the folder's name. */
static void capture_name(const char *dir, char *name, size_t len)
{
	char path[4200], line[256], *copy;
	FILE *f;

	snprintf(path, sizeof(path), "%s/meta", dir);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char key[32], val[120];

			if ((sscanf(line, "name=%119s", val) == 1) ||
			    (sscanf(line, "%31[a-z_]%*[:= ]%119s", key, val) == 2 &&
			     !strcmp(key, "name"))) {
				snprintf(name, len, "%s", val);
				fclose(f);
				return;
			}
		}
		fclose(f);
	}
	copy = strdup(dir);
	if (!copy) {
		snprintf(name, len, "%s", dir);
		return;
	}
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	snprintf(name, len, "%s", basename(copy));
	free(copy);
}

int replay_capture_load(struct capture *c, const char *dir, bool has_ts, uint64_t ts,
			const char *marker_kind, char *err, size_t errlen)
{
	char name[128];

	c->dir = dir;
	c->st = calloc(1, sizeof(*c->st));
	if (!c->st) {
		snprintf(err, errlen, "%s: %s", dir, strerror(ENOMEM));
		return -1;
	}
	if (mf_state_load(c->st, dir, err, errlen))
		return -1;
	if (has_ts) {
		c->align = ALIGN_TIME;
		c->ts = ts;
	} else {
		capture_name(dir, name, sizeof(name));
		snprintf(c->marker, sizeof(c->marker), "mmfrag-capture-%s %s", marker_kind, name);
		snprintf(c->begin, sizeof(c->begin), "mmfrag-capture-begin %s", name);
		c->align = ALIGN_MARKER;
	}
	return 0;
}

/*
 * A recording's captures live beside it: FILE.state/ (or FILE without ".dat", then
 * ".state/", as the bundled traces), with start/, end/ and periodic NNNN/ folders.
 */
char *replay_state_dir(const char *trace)
{
	size_t len = strlen(trace);
	struct stat sb;
	char *dir;
	int i;

	for (i = 0; i < 2; i++) {
		if (i == 0) {
			if (asprintf(&dir, "%s.state", trace) < 0)
				return NULL;
		} else {
			if (len < 4 || strcmp(trace + len - 4, ".dat") ||
			    asprintf(&dir, "%.*s.state", (int)(len - 4), trace) < 0)
				return NULL;
		}
		if (!stat(dir, &sb) && S_ISDIR(sb.st_mode))
			return dir;
		free(dir);
	}
	return NULL;
}

char *replay_capture_dir(const char *sdir, const char *name)
{
	struct stat sb;
	char *dir, *bi;
	bool ok;

	if (asprintf(&dir, "%s/%s", sdir, name) < 0)
		return NULL;
	if (asprintf(&bi, "%s/buddyinfo", dir) < 0) {
		free(dir);
		return NULL;
	}
	ok = !stat(bi, &sb);
	free(bi);
	if (!ok) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FILE.state/NNNN captures (--capture-interval), by name, aligned by their begin marker. */
int replay_load_periodic(struct replay *rp, const char *sdir, char ***names)
{
	struct dirent *de;
	char **list = NULL;
	int n = 0, i;
	DIR *d;

	d = opendir(sdir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char **l, *dir;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "start") ||
		    !strcmp(de->d_name, "end"))
			continue;
		dir = replay_capture_dir(sdir, de->d_name);
		if (!dir)
			continue;
		l = realloc(list, (size_t)(n + 1) * sizeof(*l));
		if (!l) {
			free(dir);
			break;
		}
		list = l;
		list[n++] = dir;
	}
	closedir(d);
	if (!n)
		return 0;
	qsort(list, (size_t)n, sizeof(*list), cmp_str);
	rp->periodic = calloc((size_t)n, sizeof(*rp->periodic));
	if (!rp->periodic) {
		replay_errf(rp, "%s: %s", sdir, strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (replay_capture_load(&rp->periodic[i], list[i], false, 0, "begin", rp->err,
					rp->errlen))
			return -1;
		rp->nr_periodic++;
	}
	*names = list;
	return n;
}
