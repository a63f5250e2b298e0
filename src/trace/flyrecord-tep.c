// SPDX-License-Identifier: GPL-2.0
/*
 * Flyrecord reader, the event formats without libtracecmd: header page, ftrace and event
 * formats, printk formats and saved cmdlines into a tep handle (mf_fly_load_tep()), from
 * the v6 header blocks or the v7 sections the options named.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "flyrecord-local.h"

/* ---- formats, without libtracecmd ------------------------------------------------------- */

/* [off, off + len) of the file in a new buffer, NUL-terminated. */
static unsigned char *load_bytes(struct mf_fly *f, uint64_t off, uint64_t len)
{
	unsigned char *b;

	if (len > MF_FLY_MAX_CHUNK) {
		fly_set_err(f, "corrupt header block (%llu bytes at %#llx)", (unsigned long long)len,
			(unsigned long long)off);
		return NULL;
	}
	b = malloc(len + 1);
	if (!b) {
		fly_set_err(f, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (fly_rd(f, off, b, len)) {
		free(b);
		return NULL;
	}
	b[len] = 0;
	return b;
}

/* v7: the data of the section an option named, decompressed and NUL-terminated. */
static unsigned char *load_section(struct mf_fly *f, unsigned int id, uint64_t *len)
{
	uint64_t pos = f->sec[id], sid, flags, dummy, size, zs, us;
	unsigned char *z, *out;

	*len = 0;
	if (!pos)
		return calloc(1, 1);		/* absent: empty */
	if (fly_rd_num(f, &pos, 2, &sid) || fly_rd_num(f, &pos, 2, &flags) ||
	    fly_rd_num(f, &pos, 4, &dummy) || fly_rd_num(f, &pos, 8, &size))
		return NULL;
	if (sid != id || size > f->file_size - pos) {
		fly_set_err(f, "corrupt section %u at %#llx", id, (unsigned long long)f->sec[id]);
		return NULL;
	}
	if (!(flags & SEC_FL_COMPRESS)) {
		*len = size;
		return load_bytes(f, pos, size);
	}
	if (size < 8 || fly_rd_num(f, &pos, 4, &zs) || fly_rd_num(f, &pos, 4, &us) || zs > size - 8 ||
	    us > MF_FLY_MAX_CHUNK || f->codec == C_NONE) {
		fly_set_err(f, "corrupt compressed section %u", id);
		return NULL;
	}
	z = load_bytes(f, pos, zs);
	out = z ? malloc(us + 1) : NULL;
	if (out && fly_decompress(f, out, us, z, zs)) {
		fly_set_err(f, "section %u does not decompress to its %llu bytes", id,
			(unsigned long long)us);
		free(out);
		out = NULL;
	} else if (z && !out) {
		fly_set_err(f, "%s", strerror(ENOMEM));
	}
	free(z);
	if (out) {
		out[us] = 0;
		*len = us;
	}
	return out;
}

/* A size (len bytes) then that many bytes: the bytes, or NULL. */
static const unsigned char *cur_blob(const struct mf_fly *f, struct cur *c, unsigned int len,
				     uint64_t *n)
{
	const unsigned char *p;

	*n = cur_num(f, c, len);
	if (c->bad || *n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		return NULL;
	}
	p = c->p;
	c->p += *n;
	return p;
}

enum part { P_HEADER, P_FTRACE, P_EVENTS, P_PRINTK, P_CMDLINES };

/*
 * What of an event format goes to libtraceevent, or 0 to skip the event.  Only the part
 * before "print fmt:": mmfrag reads fields and never prints an event, and libtraceevent
 * 1.7.1's print-format parser crashes on damaged formats (NULL reads, a division by zero,
 * __print_flags naming a missing field; fuzz/README.md); without it tep_parse_event()
 * keeps the event and its fields, marked TEP_EVENT_FL_FAILED, which nothing here reads.
 * Its field parser crashes too (strcmp(NULL) on a control byte in a declaration), so the
 * lines before are checked against what the kernel writes (trace_events.c, f_show()):
 * "name: N", "ID: N", "format:", then "\tfield:DECL;\toffset:N;\tsize:N;..." and
 * empty lines, DECL made of identifiers, numbers, "*+-/," and balanced brackets.
 */
static uint64_t format_len(const unsigned char *d, uint64_t sz)
{
	static const char *const tags[] = { ";\toffset:", ";\tsize:" };
	const unsigned char *pf = memmem(d, sz, "\nprint fmt:", 11);
	const unsigned char *p = d, *e = pf ? pf + 1 : d + sz, *nl;
	int line, depth, k;

	for (line = 0; p < e; line++, p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			return 0;
		if (line < 3) {
			static const char *const head[] = { "name: ", "ID: ", "format:" };
			size_t n = strlen(head[line]);

			if ((size_t)(nl - p) < n || memcmp(p, head[line], n))
				return 0;
			for (; p < nl; p++)
				if (*p < 0x20 || *p > 0x7e)
					return 0;
			continue;
		}
		if (nl == p)
			continue;
		if (nl - p < 7 || memcmp(p, "\tfield:", 7))
			return 0;
		for (p += 7, depth = 0; p < nl && *p != ';'; p++) {
			/* a ':' or '=' leaks the half-parsed event inside libtraceevent */
			if (!isalnum(*p) && (!*p || !strchr("_ *[]()+-/,", *p)))
				return 0;
			depth += (*p == '[' || *p == '(') - (*p == ']' || *p == ')');
			if (depth < 0)
				return 0;
		}
		if (depth)
			return 0;
		for (k = 0; k < 2; k++) {
			size_t n = strlen(tags[k]);
			const unsigned char *q;

			if ((size_t)(nl - p) < n || memcmp(p, tags[k], n))
				return 0;
			for (q = p += n; p < nl && *p >= '0' && *p <= '9'; p++)
				;
			if (p == q || p - q > 10)
				return 0;
		}
		if (p == nl || *p != ';')
			return 0;	/* "signed:" and what newer kernels add are not checked */
	}
	return line >= 3 ? (uint64_t)(e - d) : 0;
}

/*
 * The formats of one file, for the reader: the header page is parsed at once, each event
 * format only when the reader first meets its id or looks it up by name.  A file lists
 * every format of every system recorded (trace-cmd record -e all: about 2,000, some
 * thousand small allocations each inside libtraceevent's tokenizer) and a trace uses a
 * few dozen.  The blocks stay loaded: the index points into them.
 */
struct fmt {
	int			id;
	unsigned int		ord;		/* file order: duplicate ids, first wins */
	const char		*sys;
	const unsigned char	*name;		/* "name: X\n" of the format */
	unsigned int		name_len;
	const unsigned char	*d;
	uint64_t		sz;
	signed char		state;		/* 0 not parsed, 1 parsed, -1 refused */
};

struct mf_fly_formats {
	struct tep_handle	*tep;
	unsigned char		*blocks[2];	/* ftrace and event formats */
	struct fmt		*idx;		/* by (id, ord) */
	size_t			nr, cap;
};

/* Index a format by its first two lines; one that lacks them libtraceevent never gets. */
static int index_format(struct mf_fly_formats *fm, const char *sys, const unsigned char *d,
			uint64_t sz)
{
	const unsigned char *e = d + sz, *nl, *p;
	struct fmt *x;
	unsigned long id = 0;

	if (sz < 6 || memcmp(d, "name: ", 6) || !(nl = memchr(d, '\n', sz)))
		return 0;
	p = nl + 1;
	if (e - p < 5 || memcmp(p, "ID: ", 4))
		return 0;
	for (p += 4; p < e && *p >= '0' && *p <= '9' && id <= 65535; p++)
		id = id * 10 + (unsigned long)(*p - '0');
	if (p == nl + 5 || p == e || *p != '\n' || id > 65535)
		return 0;
	if (fm->nr == fm->cap) {
		size_t cap = fm->cap ? 2 * fm->cap : 256;

		x = realloc(fm->idx, cap * sizeof(*x));
		if (!x)
			return -ENOMEM;
		fm->idx = x;
		fm->cap = cap;
	}
	x = &fm->idx[fm->nr];
	*x = (struct fmt){ .id = (int)id, .ord = (unsigned int)fm->nr, .sys = sys, .name = d + 6,
			   .name_len = (unsigned int)(nl - d - 6), .d = d, .sz = sz };
	fm->nr++;
	return 0;
}

static int cmp_fmt(const void *a, const void *b)
{
	const struct fmt *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* Parse x into the tep: its event, or NULL when libtraceevent refused it. */
static struct tep_event *parse_fmt(struct mf_fly_formats *fm, struct fmt *x)
{
	struct tep_event *ev;
	uint64_t sz;

	if (x->state > 0)
		return tep_find_event(fm->tep, x->id);
	if (x->state < 0)
		return NULL;
	x->state = -1;
	if (!(sz = format_len(x->d, x->sz)))
		return NULL;
	/* an earlier format of the same id parsed: that one is the event (first wins) */
	if (tep_find_event(fm->tep, x->id))
		return NULL;
	tep_parse_event(fm->tep, (const char *)x->d, sz, x->sys);
	ev = tep_find_event(fm->tep, x->id);
	if (ev)
		x->state = 1;
	return ev;
}

struct tep_handle *mf_fly_formats_tep(const struct mf_fly_formats *fm)
{
	return fm->tep;
}

struct tep_event *mf_fly_formats_event(struct mf_fly_formats *fm, int id)
{
	size_t lo = 0, hi = fm->nr, mid;
	struct tep_event *ev;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fm->idx[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < fm->nr && fm->idx[lo].id == id; lo++)
		if ((ev = parse_fmt(fm, &fm->idx[lo])))
			return ev;
	return NULL;
}

struct tep_event *mf_fly_formats_find(struct mf_fly_formats *fm, const char *sys,
				      const char *name)
{
	size_t i, n = strlen(name);
	struct tep_event *ev;

	for (i = 0; i < fm->nr; i++) {
		struct fmt *x = &fm->idx[i];

		if (x->name_len == n && !memcmp(x->name, name, n) && !strcmp(x->sys, sys) &&
		    (ev = mf_fly_formats_event(fm, x->id)) && !strcmp(ev->system, sys) &&
		    !strcmp(ev->name, name))
			return ev;
	}
	return NULL;
}

/* The lowest id's event, as tep_get_first_event() gives it once every format is parsed. */
struct tep_event *mf_fly_formats_first(struct mf_fly_formats *fm)
{
	struct tep_event *ev;
	size_t i;

	for (i = 0; i < fm->nr; i++)
		if ((ev = mf_fly_formats_event(fm, fm->idx[i].id)))
			return ev;
	return NULL;
}

void mf_fly_formats_free(struct mf_fly_formats *fm)
{
	if (!fm)
		return;
	if (fm->tep)
		tep_free(fm->tep);
	free(fm->blocks[0]);
	free(fm->blocks[1]);
	free(fm->idx);
	free(fm);
}

/*
 * One block of the formats, as trace-cmd.dat(5) lays it out in both versions; the buffer
 * is NUL-terminated just past the block (printk formats and cmdlines are text).  With
 * lazy, event formats are indexed (fm) instead of parsed, and printk formats are checked
 * but not parsed: the reader prints nothing.
 */
static int parse_part(struct mf_fly *f, struct tep_handle *tep, enum part part,
		      const unsigned char *buf, uint64_t len, struct mf_fly_formats *lazy)
{
	struct cur c = { buf, buf + len, false };
	uint64_t n, m, i, j, sz;
	const unsigned char *d;
	const char *sys;

	switch (part) {
	case P_HEADER:
		if (strcmp(cur_str(&c), "header_page") || !(d = cur_blob(f, &c, 8, &sz)))
			break;
		if (tep_parse_header_page(tep, (char *)d, sz, f->long_size))
			c.bad = true;
		break;		/* header_event: the ring-buffer format kbuffer knows */
	case P_FTRACE:
		n = cur_num(f, &c, 4);
		for (i = 0; i < n && !c.bad; i++) {
			if (!(d = cur_blob(f, &c, 8, &sz)))
				break;
			if (lazy) {
				if (index_format(lazy, "ftrace", d, sz))
					return -ENOMEM;
			} else if ((sz = format_len(d, sz))) {
				tep_parse_event(tep, (const char *)d, sz, "ftrace");
			}
		}
		break;
	case P_EVENTS:
		n = cur_num(f, &c, 4);
		for (i = 0; i < n && !c.bad; i++) {
			sys = cur_str(&c);
			m = cur_num(f, &c, 4);
			for (j = 0; j < m && !c.bad; j++) {
				if (!(d = cur_blob(f, &c, 8, &sz)))
					break;
				if (lazy) {
					if (index_format(lazy, sys, d, sz))
						return -ENOMEM;
				} else if ((sz = format_len(d, sz))) {
					tep_parse_event(tep, (const char *)d, sz, sys);
				}
			}
		}
		break;
	case P_PRINTK:
		if (len && (d = cur_blob(f, &c, 4, &sz)) && sz && !lazy)
			tep_parse_printk_formats(tep, (const char *)d);
		break;
	case P_CMDLINES:
		/* mf_reader_comm(): replay tells kcompactd's runs by their task name */
		if (len && (d = cur_blob(f, &c, 8, &sz)) && sz)
			tep_parse_saved_cmdlines(tep, (const char *)d);
		break;
	}
	if (c.bad) {
		fly_set_err(f, "corrupt %s block", part == P_HEADER ? "header page" :
			part == P_FTRACE ? "ftrace formats" : part == P_EVENTS ? "event formats" :
			part == P_PRINTK ? "printk formats" : "saved cmdlines");
		return -EINVAL;
	}
	return 0;
}

/* The formats of path into tep; with lazy, the event formats into its index instead. */
static int load_formats(const char *path, struct tep_handle **out, struct mf_fly_formats *lazy,
			char *err, size_t errlen)
{
	static const unsigned int sec_of[] = { OPT_HEADER_INFO, OPT_FTRACE_EVENTS,
					       OPT_EVENT_FORMATS, OPT_PRINTK, OPT_CMDLINES };
	/* v6: the blocks between v6_pos[k] and v6_pos[k + 1] (kallsyms, 3-4, skipped) */
	static const int v6_from[] = { 0, 1, 2, 4, 5 };
	struct tep_handle *tep = NULL;
	unsigned char *buf;
	struct mf_fly *f;
	uint64_t len;
	int ret, part;

	*out = NULL;
	ret = fly_open(path, NULL, -1, true, &f, err, errlen);
	if (ret)
		return ret;
	tep = tep_alloc();
	if (!tep)
		goto nomem;
	tep_set_file_bigendian(tep, f->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? TEP_BIG_ENDIAN :
				TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, f->long_size);
	tep_set_page_size(tep, f->page_size);
	for (part = P_HEADER; part <= P_CMDLINES; part++) {
		if (f->version == 6) {
			len = f->v6_pos[v6_from[part] + 1] - f->v6_pos[v6_from[part]];
			buf = load_bytes(f, f->v6_pos[v6_from[part]], len);
		} else {
			buf = load_section(f, sec_of[part], &len);
		}
		if (!buf) {
			ret = f->err[0] ? -EINVAL : -ENOMEM;
			goto fail;
		}
		ret = parse_part(f, tep, part, buf, len, lazy);
		if (ret == -ENOMEM)
			fly_set_err(f, "%s", strerror(ENOMEM));
		if (lazy && (part == P_FTRACE || part == P_EVENTS))
			lazy->blocks[part - P_FTRACE] = buf;	/* the index points in */
		else
			free(buf);
		if (ret)
			goto fail;
	}
	tep_set_cpus(tep, f->cpucount ? (int)f->cpucount : f->nr_cpus);
	mf_fly_close(f);
	*out = tep;
	return 0;
nomem:
	ret = -ENOMEM;
	fly_set_err(f, "%s", strerror(ENOMEM));
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s", f->err);
	if (tep)
		tep_free(tep);
	mf_fly_close(f);
	return ret;
}

int mf_fly_load_tep(const char *path, struct tep_handle **out, char *err, size_t errlen)
{
	return load_formats(path, out, NULL, err, errlen);
}

int mf_fly_formats_load(const char *path, struct mf_fly_formats **out, char *err, size_t errlen)
{
	struct mf_fly_formats *fm = calloc(1, sizeof(*fm));
	int ret;

	*out = NULL;
	if (!fm) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = load_formats(path, &fm->tep, fm, err, errlen);
	if (ret) {
		mf_fly_formats_free(fm);
		return ret;
	}
	qsort(fm->idx, fm->nr, sizeof(*fm->idx), cmp_fmt);
	*out = fm;
	return 0;
}
