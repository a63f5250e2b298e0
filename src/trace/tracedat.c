// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat version 6 writer, plain stdio.
 *
 * Why our own writer: libtracecmd 1.3.1 (Debian 12) exports tracecmd_output_* and
 * tracecmd_write_cpu_data() from the .so, but declares them only in trace-cmd-private.h,
 * which the -dev package does not install: it is not an interface we may build against.
 * libtracefs and libtraceevent read tracefs and parse formats but write no files.  The v6
 * layout is small and documented (trace-cmd.dat.v6(5)); trace-cmd 3.1.6 and libtracecmd
 * read it, and v6 without compression is also the fastest for libtracecmd to read back.
 *
 * Layout (numbers in the host's byte order, which the endianness byte declares):
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
 */
#define _GNU_SOURCE		/* copy_file_range() */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mmfrag/tracedat.h"

/* option ids of trace-cmd.h (enum tracecmd_file_options) */
#define OPT_DONE	0
#define OPT_CPUSTAT	2
#define OPT_TRACECLOCK	4
#define OPT_UNAME	5

struct out {
	FILE		*f;
	const char	*path;
	int		err;		/* first errno */
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->err || !n)
		return;
	if (fwrite(p, 1, n, o->f) != n)
		o->err = errno ? errno : EIO;
}

static void put_u16(struct out *o, uint16_t v) { put(o, &v, 2); }
static void put_u32(struct out *o, uint32_t v) { put(o, &v, 4); }
static void put_u64(struct out *o, uint64_t v) { put(o, &v, 8); }

static void put_blob8(struct out *o, const struct mf_td_blob *b)
{
	put_u64(o, b->len);
	put(o, b->data, b->len);
}

static void put_option(struct out *o, uint16_t id, const void *data, uint32_t size)
{
	put_u16(o, id);
	put_u32(o, size);
	put(o, data, size);
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

int mf_tracedat_write(const char *path, const struct mf_tracedat *td, unsigned long long *written,
		      char *err, size_t errlen)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	uint64_t *sizes = NULL, *offs = NULL, pos, end;
	struct out o = { .path = path };
	struct utsname un;
	const uint16_t one = 1;
	char clock[64];
	unsigned int i, j;
	uint8_t b;
	int ret;

	if (!td->page_size || !td->nr_cpus) {
		snprintf(err, errlen, "%s: nothing to write", path);
		return -EINVAL;
	}
	sizes = calloc(td->nr_cpus, sizeof(*sizes));
	offs = calloc(td->nr_cpus, sizeof(*offs));
	if (!sizes || !offs) {
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
	put(&o, "6", 2);
	b = *(const uint8_t *)&one ? 0 : 1;	/* 0 little endian, 1 big endian */
	put(&o, &b, 1);
	b = sizeof(long);			/* the recorder's userspace long */
	put(&o, &b, 1);
	put_u32(&o, td->page_size);

	/* header info */
	put(&o, "header_page", 12);
	put_blob8(&o, &td->header_page);
	put(&o, "header_event", 13);
	put_blob8(&o, &td->header_event);

	/* ftrace formats (print carries the trace_marker texts), then event systems */
	put_u32(&o, td->nr_ftrace);
	for (i = 0; i < td->nr_ftrace; i++)
		put_blob8(&o, &td->ftrace[i]);
	put_u32(&o, td->nr_systems);
	for (i = 0; i < td->nr_systems; i++) {
		const struct mf_td_system *s = &td->systems[i];

		put(&o, s->name, strlen(s->name) + 1);
		put_u32(&o, s->nr_formats);
		for (j = 0; j < s->nr_formats; j++)
			put_blob8(&o, &s->formats[j]);
	}

	/* kallsyms and printk formats have 4-byte sizes, saved_cmdlines an 8-byte one */
	put_u32(&o, (uint32_t)td->kallsyms.len);
	put(&o, td->kallsyms.data, td->kallsyms.len);
	put_u32(&o, (uint32_t)td->printk.len);
	put(&o, td->printk.data, td->printk.len);
	put_blob8(&o, &td->cmdlines);

	put_u32(&o, td->nr_cpus);

	put(&o, "options  ", 10);
	put_option(&o, OPT_TRACECLOCK, NULL, 0);
	if (!uname(&un)) {
		char s[sizeof(un) + 8];
		int n = snprintf(s, sizeof(s), "%s %s %s %s %s", un.sysname, un.nodename,
				 un.release, un.version, un.machine);

		put_option(&o, OPT_UNAME, s, (uint32_t)n + 1);
	}
	for (i = 0; td->cpustats && i < td->nr_cpus; i++) {
		char *s = NULL;
		int n = asprintf(&s, "CPU: %u\n%.*s", i, (int)td->cpustats[i].len,
				 td->cpustats[i].data ? td->cpustats[i].data : "");

		if (n < 0) {
			ret = -ENOMEM;
			goto fail_msg;
		}
		put_option(&o, OPT_CPUSTAT, s, (uint32_t)n + 1);
		free(s);
	}
	put_u16(&o, OPT_DONE);

	put(&o, "flyrecord", 10);
	snprintf(clock, sizeof(clock), "[%s]", td->clock && *td->clock ? td->clock : "local");
	if (o.err)
		goto fail_io;
	if (fflush(o.f)) {
		o.err = errno;
		goto fail_io;
	}
	pos = (uint64_t)ftello(o.f) + 16ULL * td->nr_cpus + 8 + strlen(clock);
	for (i = 0; i < td->nr_cpus; i++) {
		pos = align_up(pos, td->page_size);
		offs[i] = pos;
		pos += sizes[i];
	}
	end = pos;
	for (i = 0; i < td->nr_cpus; i++) {
		put_u64(&o, offs[i]);
		put_u64(&o, sizes[i]);
	}
	put_u64(&o, strlen(clock));
	put(&o, clock, strlen(clock));
	if (!o.err && fflush(o.f))
		o.err = errno;
	if (o.err)
		goto fail_io;

	for (i = 0; i < td->nr_cpus; i++) {
		if (!sizes[i])
			continue;
		ret = copy_data(fileno(o.f), offs[i], td->cpu_files[i], sizes[i]);
		if (ret) {
			o.err = -ret;
			goto fail_io;
		}
	}
	/* the last CPU may be empty: the file still ends at the last data byte */
	if (ftruncate(fileno(o.f), (off_t)end)) {
		o.err = errno;
		goto fail_io;
	}
	if (fsync(fileno(o.f))) {
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
	free(offs);
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
