// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat writer, versions 6 and 7, plain stdio and libzstd.
 *
 * Why our own writer: libtracecmd 1.3.1 (Debian 12) exports tracecmd_output_* and
 * tracecmd_write_cpu_data() from the .so, but declares them only in trace-cmd-private.h,
 * which the -dev package does not install: it is not an interface we may build against.
 * libtracefs and libtraceevent read tracefs and parse formats but write no files.  Both
 * layouts are small and documented (trace-cmd.dat.v6(5), trace-cmd.dat.v7(5)); trace-cmd
 * 3.1.6 and libtracecmd read them.  v7 with zstd is the default of `mmfrag record`: trace
 * data compresses about 8x; v6 is uncompressed and written with copy_file_range().
 *
 * v6 layout (numbers in the host's byte order, which the endianness byte declares):
 *   "\027\010\104tracing" "6\0" endian(1) sizeof(long)(1) page_size(4)
 *   "header_page\0" size(8) data   "header_event\0" size(8) data
 *   nr(4) { size(8) ftrace format }                          events/ftrace/{NAME}/format
 *   nr(4) { "system\0" nr(4) { size(8) format } }
 *   size(4) kallsyms   size(4) printk_formats   size(8) saved_cmdlines
 *   nr_cpus(4) "options  \0" { id(2) size(4) data } 0(2)
 *   "flyrecord\0" nr_cpus * { offset(8) size(8) } size(8) "[clock]"
 *   padding to page_size, then each CPU's raw sub-buffers, each CPU page aligned.
 * The clock after the CPU table is what trace-cmd itself writes for v6: a TRACECLOCK
 * option of size 0 tells the reader it is there (trace-output.c, save_clock()).
 *
 * v7 layout: the same first bytes with "7\0", then "zstd\0" "<libzstd version>\0" and the
 * offset(8) of the first OPTIONS section; then sections, each a header id(2) flags(2)
 * string id(4) size(8) and its data.  The sections follow each other with no gap, because
 * libtracecmd walks them from the start to find the STRINGS section (read_metadata_strings()
 * in trace-input.c).  Ours, in order:
 *   HEADER_INFO(16) FTRACE_EVENTS(17) EVENT_FORMATS(18) KALLSYMS(19) PRINTK(20) CMDLINES(21)
 *     compressed (flag 1): csize(4) usize(4) and one zstd frame of what v6 holds there;
 *   BUFFER(3), flag 1: padding, then per CPU, page aligned: a chunk count(4) and chunks of
 *     csize(4) usize(4) frame, each chunk a whole number of sub-buffers;
 *   OPTIONS(0), not compressed: CPUCOUNT, TRACECLOCK, UNAME, CPUSTATs, one offset option
 *     per metadata section, BUFFER (section offset, name "", clock, page size, and
 *     cpu(4) offset(8) size(8) per CPU with data), DONE(8: no next OPTIONS section);
 *   STRINGS(15), compressed: the sections' names, the header's string id an offset in it.
 * A CPU's size in the BUFFER option counts its chunk count too, as trace-cmd writes it
 * since 3.2 (commit "libtracecmd: Fix tracecmd_compress_copy_from() write size return");
 * 3.1.6 wrote 4 bytes less.  Readers of both find the chunks by their count and use the
 * size only against the file's (libtracecmd's init_cpu_zpage()), or accept either size
 * (flyrecord-file.c), so the section ends with the last CPU's last chunk.
 */
#define _GNU_SOURCE		/* copy_file_range() */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <zstd.h>

#include "mmfrag/tracedat.h"

/* option and section ids of trace-cmd.h (enum tracecmd_file_options) */
#define OPT_DONE		0
#define OPT_CPUSTAT		2
#define OPT_BUFFER		3
#define OPT_TRACECLOCK		4
#define OPT_UNAME		5
#define OPT_CPUCOUNT		8
#define OPT_STRINGS		15
#define OPT_HEADER_INFO		16
#define OPT_FTRACE_EVENTS	17
#define OPT_EVENT_FORMATS	18
#define OPT_KALLSYMS		19
#define OPT_PRINTK		20
#define OPT_CMDLINES		21
#define SEC_FL_COMPRESS		1

/*
 * Sub-buffers per compressed chunk.  trace-cmd takes 10; 64 (256 KiB with 4 KiB
 * sub-buffers) makes a file 1% larger (zstd -3 on an 89 MB recording: 14.83 MB against
 * 14.66 MB) but gives a reader 6x fewer frames to set up, and one chunk per CPU is all a
 * reader holds.
 */
#define PAGES_PER_CHUNK		64
#define ZSTD_LEVEL		3	/* zstd's default, trace-cmd's too */

/* Where the bytes go: a file, or a growing buffer (f NULL) for a section to compress. */
struct out {
	FILE		*f;
	char		*mem;
	size_t		len, cap;
	int		err;		/* first errno */
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->err || !n)
		return;
	if (o->f) {
		if (fwrite(p, 1, n, o->f) != n)
			o->err = errno ? errno : EIO;
		return;
	}
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1 << 16;
		char *m;

		while (cap < o->len + n)
			cap *= 2;
		m = realloc(o->mem, cap);
		if (!m) {
			o->err = ENOMEM;
			return;
		}
		o->mem = m;
		o->cap = cap;
	}
	memcpy(o->mem + o->len, p, n);
	o->len += n;
}

static void put_u16(struct out *o, uint16_t v) { put(o, &v, 2); }
static void put_u32(struct out *o, uint32_t v) { put(o, &v, 4); }
static void put_u64(struct out *o, uint64_t v) { put(o, &v, 8); }

static void put_blob8(struct out *o, const struct mf_td_blob *b)
{
	put_u64(o, b->len);
	put(o, b->data, b->len);
}

static void put_blob4(struct out *o, const struct mf_td_blob *b)
{
	put_u32(o, (uint32_t)b->len);
	put(o, b->data, b->len);
}

static void put_option(struct out *o, uint16_t id, const void *data, uint32_t size)
{
	put_u16(o, id);
	put_u32(o, size);
	put(o, data, size);
}

static uint64_t pos_of(struct out *o)
{
	off_t p = ftello(o->f);

	if (p < 0 && !o->err)
		o->err = errno ? errno : EIO;
	return p < 0 ? 0 : (uint64_t)p;
}

/* Write @v at @at in the file, behind the stream's back (flushed first). */
static void patch_u64(struct out *o, uint64_t at, uint64_t v)
{
	if (o->err)
		return;
	if (fflush(o->f)) {
		o->err = errno ? errno : EIO;
		return;
	}
	if (pwrite(fileno(o->f), &v, 8, (off_t)at) != 8)
		o->err = errno ? errno : EIO;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static int file_size(const char *path, uint64_t *size)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* ---- the metadata blocks: the same bytes in v6 and inside v7's sections ------------------ */

static void put_header_info(struct out *o, const struct mf_tracedat *td)
{
	put(o, "header_page", 12);
	put_blob8(o, &td->header_page);
	put(o, "header_event", 13);
	put_blob8(o, &td->header_event);
}

/* ftrace formats (print carries the trace_marker texts) */
static void put_ftrace(struct out *o, const struct mf_tracedat *td)
{
	unsigned int i;

	put_u32(o, td->nr_ftrace);
	for (i = 0; i < td->nr_ftrace; i++)
		put_blob8(o, &td->ftrace[i]);
}

static void put_systems(struct out *o, const struct mf_tracedat *td)
{
	unsigned int i, j;

	put_u32(o, td->nr_systems);
	for (i = 0; i < td->nr_systems; i++) {
		const struct mf_td_system *s = &td->systems[i];

		put(o, s->name, strlen(s->name) + 1);
		put_u32(o, s->nr_formats);
		for (j = 0; j < s->nr_formats; j++)
			put_blob8(o, &s->formats[j]);
	}
}

static void put_uname(struct out *o)
{
	struct utsname un;
	char s[sizeof(un) + 8];
	int n;

	if (uname(&un))
		return;
	n = snprintf(s, sizeof(s), "%s %s %s %s %s", un.sysname, un.nodename, un.release,
		     un.version, un.machine);
	put_option(o, OPT_UNAME, s, (uint32_t)n + 1);
}

static int put_cpustats(struct out *o, const struct mf_tracedat *td)
{
	unsigned int i;

	for (i = 0; td->cpustats && i < td->nr_cpus; i++) {
		char *s = NULL;
		int n = asprintf(&s, "CPU: %u\n%.*s", i, (int)td->cpustats[i].len,
				 td->cpustats[i].data ? td->cpustats[i].data : "");

		if (n < 0)
			return -ENOMEM;
		put_option(o, OPT_CPUSTAT, s, (uint32_t)n + 1);
		free(s);
	}
	return 0;
}

/* Copy @src to @dst at @off: in the kernel when the file systems allow it. */
static int copy_data(int dst, uint64_t off, const char *src, uint64_t size)
{
	loff_t in_off = 0, out_off = (loff_t)off;
	static char buf[1 << 16];
	uint64_t done = 0;
	int fd, ret = 0;

	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done < size) {
		ssize_t n = copy_file_range(fd, &in_off, dst, &out_off, size - done, 0);

		if (n > 0) {
			done += (uint64_t)n;
			continue;
		}
		if (n == 0) {
			ret = -EIO;	/* the source shrank */
			break;
		}
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
			ret = -errno;
			break;
		}
		/* cross-device on older kernels, or a file system without it: read/write */
		while (done < size) {
			size_t want = size - done < sizeof(buf) ? (size_t)(size - done) : sizeof(buf);
			ssize_t r = pread(fd, buf, want, (off_t)done), w;

			if (r <= 0) {
				ret = r < 0 ? -errno : -EIO;
				break;
			}
			w = pwrite(dst, buf, (size_t)r, (off_t)(off + done));
			if (w != r) {
				ret = w < 0 ? -errno : -ENOSPC;
				break;
			}
			done += (uint64_t)r;
		}
		break;
	}
	close(fd);
	return ret;
}

/* ---- version 6 ------------------------------------------------------------------------- */

static int write_v6(struct out *o, const struct mf_tracedat *td, const uint64_t *sizes,
		    uint64_t *end)
{
	uint64_t *offs, pos;
	char clock[64];
	unsigned int i;
	int ret = 0;

	offs = calloc(td->nr_cpus, sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	put_header_info(o, td);
	put_ftrace(o, td);
	put_systems(o, td);
	/* kallsyms and printk formats have 4-byte sizes, saved_cmdlines an 8-byte one */
	put_blob4(o, &td->kallsyms);
	put_blob4(o, &td->printk);
	put_blob8(o, &td->cmdlines);

	put_u32(o, td->nr_cpus);

	put(o, "options  ", 10);
	put_option(o, OPT_TRACECLOCK, NULL, 0);
	put_uname(o);
	ret = put_cpustats(o, td);
	if (ret)
		goto out;
	put_u16(o, OPT_DONE);

	put(o, "flyrecord", 10);
	snprintf(clock, sizeof(clock), "[%s]", td->clock && *td->clock ? td->clock : "local");
	if (!o->err && fflush(o->f))
		o->err = errno;
	pos = pos_of(o) + 16ULL * td->nr_cpus + 8 + strlen(clock);
	for (i = 0; i < td->nr_cpus; i++) {
		pos = align_up(pos, td->page_size);
		offs[i] = pos;
		pos += sizes[i];
	}
	*end = pos;
	for (i = 0; i < td->nr_cpus; i++) {
		put_u64(o, offs[i]);
		put_u64(o, sizes[i]);
	}
	put_u64(o, strlen(clock));
	put(o, clock, strlen(clock));
	if (!o->err && fflush(o->f))
		o->err = errno;
	if (o->err)
		goto out;

	for (i = 0; i < td->nr_cpus; i++) {
		if (!sizes[i])
			continue;
		ret = copy_data(fileno(o->f), offs[i], td->cpu_files[i], sizes[i]);
		if (ret)
			goto out;
	}
	/* the last CPU may be empty: the file still ends at the last data byte */
	if (ftruncate(fileno(o->f), (off_t)*end))
		o->err = errno;
out:
	free(offs);
	return ret;
}

/* ---- version 7 ------------------------------------------------------------------------- */

struct v7 {
	struct out	*o;
	ZSTD_CCtx	*cctx;
	struct out	strings;	/* section names, NUL separated */
	struct out	opts;		/* the OPTIONS section's options */
	void		*zbuf;
	size_t		zcap;
};

static uint32_t add_string(struct v7 *w, const char *s)
{
	uint32_t id = (uint32_t)w->strings.len;

	put(&w->strings, s, strlen(s) + 1);
	return id;
}

static void put_section_header(struct v7 *w, uint16_t id, uint16_t flags, const char *name,
			       uint64_t size)
{
	put_u16(w->o, id);
	put_u16(w->o, flags);
	put_u32(w->o, add_string(w, name));
	put_u64(w->o, size);
}

/* One zstd frame of @len bytes at @src into w->zbuf; returns its size, 0 on error. */
static size_t compress(struct v7 *w, const void *src, size_t len)
{
	size_t bound = ZSTD_compressBound(len), n;

	if (bound > w->zcap) {
		void *z = realloc(w->zbuf, bound);

		if (!z) {
			w->o->err = ENOMEM;
			return 0;
		}
		w->zbuf = z;
		w->zcap = bound;
	}
	n = ZSTD_compress2(w->cctx, w->zbuf, w->zcap, src, len);
	if (ZSTD_isError(n)) {
		w->o->err = EIO;
		return 0;
	}
	return n;
}

/* A compressed section of one zstd frame of @src: csize(4) usize(4) frame. */
static void put_frame_section(struct v7 *w, uint16_t id, uint32_t sid, const void *src,
			      size_t len)
{
	size_t n;

	if (len > UINT32_MAX && !w->o->err)
		w->o->err = EFBIG;
	n = w->o->err ? 0 : compress(w, src ? src : "", len);
	if (w->o->err)
		return;
	put_u16(w->o, id);
	put_u16(w->o, SEC_FL_COMPRESS);
	put_u32(w->o, sid);
	put_u64(w->o, 8 + (uint64_t)n);
	put_u32(w->o, (uint32_t)n);
	put_u32(w->o, (uint32_t)len);
	put(w->o, w->zbuf, n);
}

/* A metadata section from @body (emptied), and the option that gives its offset. */
static void put_section(struct v7 *w, uint16_t id, const char *name, struct out *body)
{
	uint64_t at = pos_of(w->o);

	if (body->err && !w->o->err)
		w->o->err = body->err;
	put_frame_section(w, id, add_string(w, name), body->mem, body->len);
	put_option(&w->opts, id, &at, 8);
	free(body->mem);
	memset(body, 0, sizeof(*body));
}

/*
 * One CPU's sub-buffers as chunks of PAGES_PER_CHUNK.  Returns the bytes written (chunk
 * count included) in *written.
 */
static int put_cpu_chunks(struct v7 *w, const struct mf_tracedat *td, unsigned int cpu,
			  uint64_t size, uint64_t *written)
{
	size_t chunk = (size_t)td->page_size * PAGES_PER_CHUNK;
	uint64_t done = 0, nr = (size + chunk - 1) / chunk, start = pos_of(w->o);
	char *buf = malloc(chunk);
	int fd, ret = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(td->cpu_files[cpu], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	if (nr > UINT32_MAX) {
		ret = -EFBIG;
		goto out;
	}
	put_u32(w->o, (uint32_t)nr);
	while (done < size && !w->o->err) {
		size_t want = size - done < chunk ? (size_t)(size - done) : chunk, got = 0, n;

		while (got < want) {
			ssize_t r = pread(fd, buf + got, want - got, (off_t)(done + got));

			if (r <= 0) {
				ret = r < 0 ? -errno : -EIO;	/* 0: the file shrank */
				goto out;
			}
			got += (size_t)r;
		}
		n = compress(w, buf, want);
		if (w->o->err)
			break;
		put_u32(w->o, (uint32_t)n);
		put_u32(w->o, (uint32_t)want);
		put(w->o, w->zbuf, n);
		done += want;
	}
	*written = pos_of(w->o) - start;
out:
	close(fd);
	free(buf);
	return ret;
}

static int write_v7(struct out *o, const struct mf_tracedat *td, const uint64_t *sizes,
		    uint64_t opts_field, uint64_t *end)
{
	struct v7 w = { .o = o };
	struct out body = { 0 };
	uint64_t buf_at, size_at, data_start, *offs = NULL, *wsizes = NULL, v;
	const char *clock = td->clock && *td->clock ? td->clock : "local";
	char tclock[64];
	unsigned int i, nr;
	int ret = 0;

	w.cctx = ZSTD_createCCtx();
	offs = calloc(td->nr_cpus, sizeof(*offs));
	wsizes = calloc(td->nr_cpus, sizeof(*wsizes));
	if (!w.cctx || !offs || !wsizes) {
		ret = -ENOMEM;
		goto out;
	}
	ZSTD_CCtx_setParameter(w.cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL);

	put_header_info(&body, td);
	put_section(&w, OPT_HEADER_INFO, "headers", &body);
	put_ftrace(&body, td);
	put_section(&w, OPT_FTRACE_EVENTS, "ftrace events", &body);
	put_systems(&body, td);
	put_section(&w, OPT_EVENT_FORMATS, "events format", &body);
	put_blob4(&body, &td->kallsyms);
	put_section(&w, OPT_KALLSYMS, "kallsyms", &body);
	put_blob4(&body, &td->printk);
	put_section(&w, OPT_PRINTK, "printk", &body);
	put_blob8(&body, &td->cmdlines);
	put_section(&w, OPT_CMDLINES, "command lines", &body);

	/* the flyrecord data, its size known only at the end */
	buf_at = pos_of(o);
	put_section_header(&w, OPT_BUFFER, SEC_FL_COMPRESS, "buffer flyrecord ", 0);
	size_at = buf_at + 8;
	data_start = buf_at + 16;
	for (i = 0; i < td->nr_cpus && !o->err; i++) {
		uint64_t at = pos_of(o), pad = align_up(at, td->page_size) - at;
		static const char zeros[1 << 16];

		while (pad) {
			size_t n = pad < sizeof(zeros) ? (size_t)pad : sizeof(zeros);

			put(o, zeros, n);
			pad -= n;
		}
		offs[i] = pos_of(o);
		if (!sizes[i])
			continue;
		ret = put_cpu_chunks(&w, td, i, sizes[i], &wsizes[i]);
		if (ret)
			goto out;
	}
	patch_u64(o, size_at, pos_of(o) - data_start);

	/* OPTIONS: the offset field of the file's start points here */
	patch_u64(o, opts_field, pos_of(o));
	nr = td->nr_cpus;
	put_option(&w.opts, OPT_CPUCOUNT, &nr, 4);
	snprintf(tclock, sizeof(tclock), "[%s]", clock);
	put_option(&w.opts, OPT_TRACECLOCK, tclock, (uint32_t)strlen(tclock) + 1);
	put_uname(&w.opts);
	ret = put_cpustats(&w.opts, td);
	if (ret)
		goto out;
	for (i = 0, nr = 0; i < td->nr_cpus; i++)
		nr += sizes[i] != 0;
	put_u16(&w.opts, OPT_BUFFER);
	put_u32(&w.opts, 8 + 1 + (uint32_t)strlen(clock) + 1 + 4 + 4 + 20 * nr);
	put_u64(&w.opts, buf_at);
	put(&w.opts, "", 1);				/* the top instance */
	put(&w.opts, clock, strlen(clock) + 1);
	put_u32(&w.opts, td->page_size);
	put_u32(&w.opts, nr);
	for (i = 0; i < td->nr_cpus; i++) {
		if (!sizes[i])
			continue;
		put_u32(&w.opts, i);
		put_u64(&w.opts, offs[i]);
		put_u64(&w.opts, wsizes[i]);
	}
	v = 0;
	put_option(&w.opts, OPT_DONE, &v, 8);		/* no next OPTIONS section */
	if (w.opts.err && !o->err)
		o->err = w.opts.err;
	put_section_header(&w, OPT_DONE, 0, "options", w.opts.len);
	put(o, w.opts.mem, w.opts.len);

	/* STRINGS last: it names itself too */
	v = add_string(&w, "strings");
	if (w.strings.err && !o->err)
		o->err = w.strings.err;
	put_frame_section(&w, OPT_STRINGS, (uint32_t)v, w.strings.mem, w.strings.len);
	*end = pos_of(o);
out:
	ZSTD_freeCCtx(w.cctx);
	free(w.strings.mem);
	free(w.opts.mem);
	free(body.mem);
	free(w.zbuf);
	free(offs);
	free(wsizes);
	return ret;
}
int mf_tracedat_write(const char *path, const struct mf_tracedat *td, unsigned long long *written,
		      char *err, size_t errlen)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	bool v7 = td->version == MF_TD_V7;
	uint64_t *sizes = NULL, end = 0, opts_field = 0;
	struct out o = { 0 };
	const uint16_t one = 1;
	unsigned int i;
	uint8_t b;
	int ret;

	if (!td->page_size || !td->nr_cpus) {
		snprintf(err, errlen, "%s: nothing to write", path);
		return -EINVAL;
	}
	sizes = calloc(td->nr_cpus, sizeof(*sizes));
	if (!sizes) {
		ret = -ENOMEM;
		goto fail_msg;
	}
	for (i = 0; i < td->nr_cpus; i++) {
		ret = file_size(td->cpu_files[i], &sizes[i]);
		if (ret) {
			snprintf(err, errlen, "%s: %s", td->cpu_files[i], strerror(-ret));
			goto out;
		}
	}

	o.f = fopen(path, "w");
	if (!o.f) {
		ret = -errno;
		goto fail_msg;
	}

	/* initial format */
	put(&o, magic, sizeof(magic));
	put(&o, v7 ? "7" : "6", 2);
	b = *(const uint8_t *)&one ? 0 : 1;	/* 0 little endian, 1 big endian */
	put(&o, &b, 1);
	b = sizeof(long);			/* the recorder's userspace long */
	put(&o, &b, 1);
	put_u32(&o, td->page_size);
	if (v7) {
		const char *zv = ZSTD_versionString();

		put(&o, "zstd", 5);
		put(&o, zv, strlen(zv) + 1);
		opts_field = pos_of(&o);
		put_u64(&o, 0);			/* the first OPTIONS section, patched */
		ret = write_v7(&o, td, sizes, opts_field, &end);
	} else {
		ret = write_v6(&o, td, sizes, &end);
	}
	if (ret)
		goto fail_msg;
	if (o.err)
		goto fail_io;
	if (fflush(o.f) || fsync(fileno(o.f))) {
		o.err = errno;
		goto fail_io;
	}
	if (fclose(o.f)) {
		o.f = NULL;
		o.err = errno;
		goto fail_io;
	}
	o.f = NULL;
	if (written)
		*written = end;
	ret = 0;
	goto out;

fail_io:
	ret = -(o.err ? o.err : EIO);	/* a 0 errno must not read as success */
fail_msg:
	snprintf(err, errlen, "%s: %s", path, strerror(-ret));
out:
	if (o.f)
		fclose(o.f);
	free(sizes);
	return ret;
}

static void blob_free(struct mf_td_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

void mf_tracedat_release(struct mf_tracedat *td)
{
	unsigned int i, j;

	blob_free(&td->header_page);
	blob_free(&td->header_event);
	for (i = 0; i < td->nr_ftrace; i++)
		blob_free(&td->ftrace[i]);
	free(td->ftrace);
	for (i = 0; i < td->nr_systems; i++) {
		for (j = 0; j < td->systems[i].nr_formats; j++)
			blob_free(&td->systems[i].formats[j]);
		free(td->systems[i].formats);
		free(td->systems[i].name);
	}
	free(td->systems);
	blob_free(&td->kallsyms);
	blob_free(&td->printk);
	blob_free(&td->cmdlines);
	free(td->clock);
	for (i = 0; td->cpustats && i < td->nr_cpus; i++)
		blob_free(&td->cpustats[i]);
	free(td->cpustats);
	for (i = 0; td->cpu_files && i < td->nr_cpus; i++)
		free(td->cpu_files[i]);
	free(td->cpu_files);
	memset(td, 0, sizeof(*td));
}
