// SPDX-License-Identifier: GPL-2.0
/*
 * Ground-truth captures during a recording: /proc and debugfs copies, kpageflags as zstd.
 *
 * The capture runs while the trace records every page allocation, so it must not make
 * what it measures move: all buffers (and zstd's workspace) are allocated and faulted in
 * mf_capture_alloc(), the small files are read back to back into memory before anything is
 * written, and the compressed kpageflags stays in memory until the end marker.  Writing the
 * files afterwards allocates page cache, but those events fall after the end marker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "mmfrag/capture.h"
#include "mmfrag/common.h"

#define EXTFRAG_DIR	"/sys/kernel/debug/extfrag"
#define KPF_CHUNK	(1u << 20)	/* a multiple of 8: kpageflags reads are u64-granular */
#define KPF_OUT_CAP	(32u << 20)	/* compressed kpageflags of 24 GiB: ~1-4 MiB */
#define KPF_LEVEL	3

struct text {
	char	*buf;
	size_t	cap, len;
	bool	ok;
};

enum {
	T_BUDDY, T_EXTFRAG, T_UNUSABLE, T_PAGETYPE, T_ZONE, T_VMSTAT, T_MEMINFO, T_BUDDY2,
	T_BUDDY3, T_NR,
};

static const struct {
	const char	*path;
	const char	*save;		/* file name in the capture, NULL: compared only */
	size_t		cap;
} srcs[T_NR] = {
	[T_BUDDY]	= { "/proc/buddyinfo", "buddyinfo", 64 << 10 },
	[T_EXTFRAG]	= { EXTFRAG_DIR "/extfrag_index", "extfrag_index", 64 << 10 },
	[T_UNUSABLE]	= { EXTFRAG_DIR "/unusable_index", "unusable_index", 64 << 10 },
	[T_PAGETYPE]	= { "/proc/pagetypeinfo", "pagetypeinfo", 256 << 10 },
	[T_ZONE]	= { "/proc/zoneinfo", "zoneinfo", 2 << 20 },
	[T_VMSTAT]	= { "/proc/vmstat", "vmstat", 64 << 10 },
	[T_MEMINFO]	= { "/proc/meminfo", "meminfo", 64 << 10 },
	[T_BUDDY2]	= { "/proc/buddyinfo", NULL, 64 << 10 },
	[T_BUDDY3]	= { "/proc/buddyinfo", "buddyinfo.after", 64 << 10 },
};

/*
 * The settings that change what compaction does, saved as "sysctl": one "name value" line
 * each, the name being simulate mode's --config key (thp_enabled for the THP "enabled"
 * file), the value the selected word of a "[x]" list.  A file the kernel lacks (defrag_mode
 * before 6.15) is left out.
 */
static const struct {
	const char	*key;
	const char	*path;
} sysctls[] = {
	{ "extfrag_threshold",		"/proc/sys/vm/extfrag_threshold" },
	{ "compaction_proactiveness",	"/proc/sys/vm/compaction_proactiveness" },
	{ "watermark_scale_factor",	"/proc/sys/vm/watermark_scale_factor" },
	{ "watermark_boost_factor",	"/proc/sys/vm/watermark_boost_factor" },
	{ "min_free_kbytes",		"/proc/sys/vm/min_free_kbytes" },
	{ "defrag_mode",		"/proc/sys/vm/defrag_mode" },
	{ "percpu_pagelist_high_fraction", "/proc/sys/vm/percpu_pagelist_high_fraction" },
	{ "nr_hugepages",		"/proc/sys/vm/nr_hugepages" },
	{ "thp_enabled",		"/sys/kernel/mm/transparent_hugepage/enabled" },
	{ "thp_defrag",			"/sys/kernel/mm/transparent_hugepage/defrag" },
};

#define SYSCTL_CAP	4096

struct mf_capture {
	char		*sysctl;	/* the "sysctl" file's text */
	size_t		sysctl_len;
	struct text	t[T_NR];
	char		*kpf_in;
	char		*kpf_out;
	size_t		kpf_out_len;
	ZSTD_CCtx	*zc;
	double		kpf_secs;
};

static void *alloc_touched(size_t n)
{
	char *p = malloc(n);

	if (p)
		memset(p, 0, n);	/* fault it in now, not during a capture */
	return p;
}

struct mf_capture *mf_capture_alloc(void)
{
	struct mf_capture *c = calloc(1, sizeof(*c));
	char dummy[64] = { 0 }, out[256];
	ZSTD_outBuffer ob = { out, sizeof(out), 0 };
	ZSTD_inBuffer ib = { dummy, sizeof(dummy), 0 };
	int i;

	if (!c)
		return NULL;
	for (i = 0; i < T_NR; i++) {
		c->t[i].cap = srcs[i].cap;
		c->t[i].buf = alloc_touched(c->t[i].cap);
		if (!c->t[i].buf)
			goto fail;
	}
	c->sysctl = alloc_touched(SYSCTL_CAP);
	c->kpf_in = alloc_touched(KPF_CHUNK);
	c->kpf_out = alloc_touched(KPF_OUT_CAP);
	c->zc = ZSTD_createCCtx();
	if (!c->sysctl || !c->kpf_in || !c->kpf_out || !c->zc)
		goto fail;
	ZSTD_CCtx_setParameter(c->zc, ZSTD_c_compressionLevel, KPF_LEVEL);
	ZSTD_CCtx_setParameter(c->zc, ZSTD_c_checksumFlag, 1);
	/* one throw-away frame makes zstd allocate its workspace now */
	ZSTD_compressStream2(c->zc, &ob, &ib, ZSTD_e_end);
	ZSTD_CCtx_reset(c->zc, ZSTD_reset_session_only);
	return c;
fail:
	mf_capture_free(c);
	return NULL;
}

void mf_capture_free(struct mf_capture *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < T_NR; i++)
		free(c->t[i].buf);
	free(c->sysctl);
	free(c->kpf_in);
	free(c->kpf_out);
	ZSTD_freeCCtx(c->zc);
	free(c);
}

/* Read a /proc or debugfs file whole (their st_size is 0, so read to EOF). */
static int slurp(struct text *t, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int ret;

	t->len = 0;
	t->ok = false;
	if (fd < 0)
		return -errno;
	for (;;) {
		if (t->len == t->cap) {
			/* rare (huge zoneinfo): growing allocates, the capture stays valid */
			char *p = realloc(t->buf, t->cap * 2);

			if (!p) {
				close(fd);
				return -ENOMEM;
			}
			t->buf = p;
			t->cap *= 2;
		}
		n = read(fd, t->buf + t->len, t->cap - t->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		t->len += (size_t)n;
	}
	ret = n < 0 ? -errno : 0;	/* before close() can change errno */
	close(fd);
	if (ret)
		return ret;
	t->ok = true;
	return 0;
}

/*
 * The value of one setting file: its first line, or the bracketed word of a list such as
 * "always [madvise] never".  0, or -1 when the file cannot be read.
 */
static int read_setting(const char *path, char *val, size_t len)
{
	char buf[128], *p, *e;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	p = strchr(buf, '[');
	if (p && (e = strchr(p, ']'))) {
		*e = 0;
		p++;
	} else {
		p = buf;
	}
	if (strlen(p) >= len)
		return -1;
	memcpy(val, p, strlen(p) + 1);
	return *val ? 0 : -1;
}

/*
 * A virtio balloon that offers VIRTIO_BALLOON_F_REPORTING (feature bit 5), the driver that
 * registers with mm/page_reporting.c on a guest: 1, else 0.
 */
static int balloon_reports(void)
{
	char path[96], val[160];
	int i;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/sys/bus/virtio/devices/virtio%d/device", i);
		if (read_setting(path, val, sizeof(val)))
			continue;
		if (strcmp(val, "0x0005"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/virtio/devices/virtio%d/features", i);
		if (!read_setting(path, val, sizeof(val)) && strlen(val) > 5 && val[5] == '1')
			return 1;
	}
	return 0;
}

int mf_capture_reporting_order(void)
{
	char val[32], *end;
	long order;

	if (read_setting("/sys/module/page_reporting/parameters/page_reporting_order", val,
			 sizeof(val)) || !balloon_reports())
		return -1;
	order = strtol(val, &end, 10);
	return *end || order < 0 || order >= MF_MAX_ORDERS ? -1 : (int)order;
}

static void sysctl_line(struct mf_capture *c, const char *key, const char *val)
{
	int n = snprintf(c->sysctl + c->sysctl_len, SYSCTL_CAP - c->sysctl_len, "%s %s\n",
			 key, val);

	if (n > 0 && (size_t)n < SYSCTL_CAP - c->sysctl_len)
		c->sysctl_len += (size_t)n;
}

/* The "sysctl" file's text into c->sysctl (read before the capture's window). */
static void read_sysctls(struct mf_capture *c)
{
	char val[128];
	size_t i;

	c->sysctl_len = 0;
	for (i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++)
		if (!read_setting(sysctls[i].path, val, sizeof(val)))
			sysctl_line(c, sysctls[i].key, val);
	/*
	 * Free page reporting takes free blocks of page_reporting_order and up off the lists,
	 * up to 32 at a time, with no event, and puts them back once the host has them: a
	 * capture can catch such a batch (the replay's checks say so).
	 */
	if (!read_setting("/sys/module/page_reporting/parameters/page_reporting_order", val,
			  sizeof(val))) {
		sysctl_line(c, "page_reporting_order", val);
		sysctl_line(c, "free_page_reporting", balloon_reports() ? "1" : "0");
	}
}

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* /proc/uptime's first field, as capture.sh records it */
static void uptime(char *buf, size_t len)
{
	char tmp[64] = "";
	int fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, tmp, sizeof(tmp) - 1) : -1;

	if (fd >= 0)
		close(fd);
	tmp[n > 0 ? n : 0] = 0;
	tmp[strcspn(tmp, " \n")] = 0;
	snprintf(buf, len, "%s", tmp);
}

static int write_file(const char *dir, const char *name, const void *data, size_t len,
		      char *err, size_t errlen)
{
	char path[4096];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		ret = -errno;
	else if (len && fwrite(data, 1, len, f) != len)
		ret = errno ? -errno : -EIO;
	if (f && fclose(f) && !ret)
		ret = -errno;
	if (ret)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	return ret;
}

/*
 * Compress /proc/kpageflags into c->kpf_out.  Reads are KPF_CHUNK bytes, a multiple of 8
 * (the file rejects reads that are not u64 aligned).  Returns 0, -ENOENT when the kernel
 * has no kpageflags, or -errno.  If the frame outgrows the buffer, it spills to @spill.
 */
static int compress_kpf(struct mf_capture *c, FILE *spill, uint64_t *raw)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	ZSTD_outBuffer ob = { c->kpf_out, KPF_OUT_CAP, 0 };
	bool last = false;
	size_t zr;
	int ret = 0;

	*raw = 0;
	c->kpf_out_len = 0;
	if (fd < 0)
		return -errno;
	ZSTD_CCtx_reset(c->zc, ZSTD_reset_session_only);
	while (!last) {
		ssize_t n = read(fd, c->kpf_in, KPF_CHUNK);
		ZSTD_inBuffer ib;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		last = n == 0;
		*raw += (uint64_t)n;
		ib = (ZSTD_inBuffer){ c->kpf_in, (size_t)n, 0 };
		do {
			if (ob.pos == ob.size) {
				if (fwrite(ob.dst, 1, ob.pos, spill) != ob.pos) {
					ret = errno ? -errno : -EIO;
					goto out;
				}
				ob.pos = 0;
			}
			zr = ZSTD_compressStream2(c->zc, &ob, &ib, last ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(zr)) {
				ret = -EIO;
				goto out;
			}
		} while (last ? zr != 0 : ib.pos < ib.size);
	}
out:
	close(fd);
	c->kpf_out_len = ob.pos;
	return ret;
}

int mf_capture_take(struct mf_capture *c, const char *dir, const char *name,
		    enum mf_capture_kind kind, mf_capture_mark_fn mark, void *ctx,
		    char *err, size_t errlen)
{
	static const int light[] = { T_BUDDY, T_PAGETYPE, T_BUDDY3 };
	static const int light_kpf[] = { T_BUDDY, T_PAGETYPE, T_ZONE };
	static const int full[] = { T_BUDDY, T_EXTFRAG, T_UNUSABLE, T_PAGETYPE, T_ZONE, T_VMSTAT,
				    T_MEMINFO, T_BUDDY2 };
	const char *kpf = "skipped", *m_begin = "no", *m_end = "no";
	char up_begin[32], up_end[32], path[4096], text[256], *meta = NULL;
	double t_begin, t_end, k0;
	bool extfrag = false, stable, small_stable = false;
	uint64_t kpf_raw = 0;
	FILE *kf = NULL;
	struct utsname un;
	unsigned int i;
	int ret;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return ret;
	}
	if (kind != MF_CAPTURE_LIGHT) {
		/* opened before the window: a spill (rare) then needs no open() inside it */
		snprintf(path, sizeof(path), "%s/kpageflags.zst", dir);
		kf = fopen(path, "w");
		if (!kf) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return ret;
		}
	}
	c->kpf_secs = 0;
	if (kind == MF_CAPTURE_FULL)
		read_sysctls(c);

	t_begin = now_real();
	uptime(up_begin, sizeof(up_begin));
	snprintf(text, sizeof(text), "mmfrag-capture-begin %s", name);
	if (mark && !mark(ctx, text))
		m_begin = "ok";

	/* the small files, back to back, so that they describe (almost) one instant */
	if (kind == MF_CAPTURE_LIGHT) {
		for (i = 0; i < sizeof(light) / sizeof(light[0]); i++)
			slurp(&c->t[light[i]], srcs[light[i]].path);
	} else {
		if (kind == MF_CAPTURE_FULL) {
			for (i = 0; i < sizeof(full) / sizeof(full[0]); i++)
				slurp(&c->t[full[i]], srcs[full[i]].path);
			extfrag = c->t[T_EXTFRAG].ok && c->t[T_UNUSABLE].ok;
			small_stable = c->t[T_BUDDY2].ok &&
				       c->t[T_BUDDY2].len == c->t[T_BUDDY].len &&
				       !memcmp(c->t[T_BUDDY2].buf, c->t[T_BUDDY].buf,
					       c->t[T_BUDDY].len);
		} else {
			/* zoneinfo: the zone spans the kpageflags scan is cut by */
			for (i = 0; i < sizeof(light_kpf) / sizeof(light_kpf[0]); i++)
				slurp(&c->t[light_kpf[i]], srcs[light_kpf[i]].path);
		}

		k0 = now_mono();
		ret = compress_kpf(c, kf, &kpf_raw);
		c->kpf_secs = now_mono() - k0;
		kpf = !ret ? "ok" : ret == -ENOENT ? "absent" : "failed";
		slurp(&c->t[T_BUDDY3], srcs[T_BUDDY3].path);
	}
	stable = c->t[T_BUDDY3].ok && c->t[T_BUDDY3].len == c->t[T_BUDDY].len &&
		 !memcmp(c->t[T_BUDDY3].buf, c->t[T_BUDDY].buf, c->t[T_BUDDY].len);

	snprintf(text, sizeof(text), "mmfrag-capture-end %s", name);
	if (mark && !mark(ctx, text))
		m_end = "ok";
	t_end = now_real();
	uptime(up_end, sizeof(up_end));

	/* ---- everything below runs after the end marker ---- */
	ret = 0;
	if (!c->t[T_BUDDY].ok) {
		snprintf(err, errlen, "/proc/buddyinfo: cannot read it");
		ret = -EIO;
		goto out;
	}
	if (!c->t[T_PAGETYPE].ok) {
		snprintf(err, errlen, "/proc/pagetypeinfo: cannot read it (root only)");
		ret = -EACCES;
		goto out;
	}
	if (kind != MF_CAPTURE_LIGHT && !c->t[T_ZONE].ok) {
		snprintf(err, errlen, "/proc/zoneinfo: cannot read it");
		ret = -EIO;
		goto out;
	}
	for (i = 0; i < T_NR && !ret; i++) {
		if (!srcs[i].save || !c->t[i].ok)
			continue;
		if (kind == MF_CAPTURE_LIGHT && i != T_BUDDY && i != T_PAGETYPE)
			continue;
		if (kind == MF_CAPTURE_LIGHT_KPF && i != T_BUDDY && i != T_PAGETYPE &&
		    i != T_ZONE && i != T_BUDDY3)
			continue;
		ret = write_file(dir, srcs[i].save, c->t[i].buf, c->t[i].len, err, errlen);
	}
	if (!ret && kind == MF_CAPTURE_FULL)
		ret = write_file(dir, "sysctl", c->sysctl, c->sysctl_len, err, errlen);
	if (ret)
		goto out;
	if (kf) {
		if ((c->kpf_out_len && fwrite(c->kpf_out, 1, c->kpf_out_len, kf) != c->kpf_out_len) ||
		    fflush(kf))
			ret = errno ? -errno : -EIO;
		if (fclose(kf) && !ret)
			ret = -errno;
		kf = NULL;
		if (ret) {
			snprintf(err, errlen, "%s/kpageflags.zst: %s", dir, strerror(-ret));
			goto out;
		}
		if (strcmp(kpf, "ok")) {
			snprintf(path, sizeof(path), "%s/kpageflags.zst", dir);
			unlink(path);
		}
	}

	if (uname(&un))
		snprintf(un.release, sizeof(un.release), "unknown");
	if (kind == MF_CAPTURE_FULL) {
		ret = asprintf(&meta,
			"name=%s\ndate_begin=%.9f\ndate_end=%.9f\nuptime_begin=%s\nuptime_end=%s\n"
			"kernel=%s\nmarker_begin=mmfrag-capture-begin %s\nmarker_begin_written=%s\n"
			"marker_end=mmfrag-capture-end %s\nmarker_end_written=%s\n"
			"extfrag_files=%s\nbuddyinfo_stable_small_files=%s\nbuddyinfo_stable=%s\n"
			"kpageflags=%s\nkpageflags_raw_bytes=%llu\nkpageflags_read_seconds=%.3f\n"
			"read_order=buddyinfo extfrag_index unusable_index pagetypeinfo zoneinfo "
			"vmstat meminfo buddyinfo(compared,not saved) kpageflags buddyinfo.after\n"
			"writer=mmfrag record\n",
			name, t_begin, t_end, up_begin, up_end, un.release, name, m_begin, name,
			m_end, extfrag ? "yes" : "no", small_stable ? "yes" : "no",
			stable ? "yes" : "no", kpf, (unsigned long long)kpf_raw, c->kpf_secs);
	} else if (kind == MF_CAPTURE_LIGHT_KPF) {
		ret = asprintf(&meta,
			"name=%s\ndate_begin=%.9f\ndate_end=%.9f\nuptime_begin=%s\nuptime_end=%s\n"
			"kernel=%s\nmarker_begin=mmfrag-capture-begin %s\nmarker_begin_written=%s\n"
			"marker_end=mmfrag-capture-end %s\nmarker_end_written=%s\n"
			"buddyinfo_stable=%s\n"
			"kpageflags=%s\nkpageflags_raw_bytes=%llu\nkpageflags_read_seconds=%.3f\n"
			"read_order=buddyinfo pagetypeinfo zoneinfo kpageflags buddyinfo.after\n"
			"writer=mmfrag record\n",
			name, t_begin, t_end, up_begin, up_end, un.release, name, m_begin, name,
			m_end, stable ? "yes" : "no", kpf, (unsigned long long)kpf_raw,
			c->kpf_secs);
	} else {
		ret = asprintf(&meta,
			"name=%s\ndate_begin=%.9f\ndate_end=%.9f\nuptime_begin=%s\nuptime_end=%s\n"
			"kernel=%s\nmarker_begin=mmfrag-capture-begin %s\nmarker_begin_written=%s\n"
			"marker_end=mmfrag-capture-end %s\nmarker_end_written=%s\n"
			"buddyinfo_stable=%s\nread_order=buddyinfo pagetypeinfo buddyinfo(compared,"
			"not saved)\nwriter=mmfrag record\n",
			name, t_begin, t_end, up_begin, up_end, un.release, name, m_begin, name,
			m_end, stable ? "yes" : "no");
	}
	if (ret < 0) {
		meta = NULL;
		snprintf(err, errlen, "%s/meta: %s", dir, strerror(ENOMEM));
		ret = -ENOMEM;
		goto out;
	}
	ret = write_file(dir, "meta", meta, strlen(meta), err, errlen);
out:
	if (kf)
		fclose(kf);
	free(meta);
	return ret;
}
