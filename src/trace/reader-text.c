// SPDX-License-Identifier: GPL-2.0
/*
 * Text traces -> struct mf_event: what `cat /sys/kernel/tracing/trace_pipe > FILE` keeps
 * (the input of the kernel's trace-pagealloc-postprocess.pl) and what `trace-cmd report`
 * prints, plain or compressed with zstd, gzip or xz.  mf_reader_open() (reader-open.c)
 * sends every file that is not a trace.dat here; the public accessors of reader.c read the
 * same struct mf_reader fields (names, counts, lost, warnings, info) that this file fills.
 *
 * Line layouts, one event a line, in the order the kernel (trace_pipe) or trace-cmd
 * (report) merged the CPUs, which is the order the binary reader hands out:
 *
 *   trace_pipe:  "  <idle>-0     [001] d..2.  2179.878359: mm_page_alloc: page=... pfn=0x..."
 *                (an optional "(tgid)" column before the CPU, a flags column after it, print
 *                events as "tracing_mark_write: TEXT", lost events "CPU:1 [LOST 12 EVENTS]")
 *   report:      "cpus=2" first, then "   cc1-8534  [000]  1666.770473: mm_page_alloc: ..."
 *                (print events as "print: tracing_mark_write: TEXT")
 *
 * The fields are the event's TP_printk() output, not its raw fields, so some values come
 * back through the kernel's own tables: gfp flags printed symbolically by show_gfp_flags()
 * (__def_gfpflag_names, include/trace/events/mmflags.h) are ORed back to their bits,
 * compaction results (COMPACTION_STATUS, include/trace/events/compaction.h) and zone names
 * (ZONE_TYPE) back to their numbers, mode=sync|async to sync, limit=1<<defer_shift back to
 * defer_shift, "range=(a ~ b)" to start_pfn and end_pfn, and a failed allocation
 * ("page=(nil) pfn=0x0", or a zero pointer) to MF_PFN_NONE.  The gfp bit values are those
 * of Linux 6.10 and later (include/linux/gfp_types.h, as on 6.18).  Timestamps keep the
 * precision printed (microseconds by default).
 *
 * Why a hand-written scanner: the goal is >= 5M lines/s with no allocation per line.
 * sscanf() parses its format string on every call and cannot say "the CPU is the first
 * [digits] after the comm"; regex engines (POSIX regexec, PCRE2) cost about a microsecond
 * a line on lines this long; and no library parses ftrace's text output (libtraceevent
 * only goes the other way, binary to text).  So each line is walked once: the comm-pid,
 * CPU and timestamp columns from fixed landmarks, the event name through a hash table,
 * then "key=value" tokens matched against a small per-event field table (text_specs[],
 * reader-text-spec.c),
 * in the spirit of reader-open.c's specs[].  The file layer (decompression) is in
 * reader-text-src.c, the kernel's name tables in reader-text-sym.c (reader-text.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader-local.h"
#include "reader-text.h"

#define TEXT_BUF_INIT	(1U << 20)	/* decompressed text window */
#define TEXT_BUF_MAX	(64U << 20)	/* longest line accepted */
#define PRESCAN_LINES	200000		/* lines looked at for the CPU count (trace_pipe) */
#define NAME_SLOTS	8192		/* event-name hash table's largest size: half of it usable */
#define NAME_SLOTS_INIT	64		/* its first size: a trace has a few dozen names */
#define COMMS_INIT	64		/* the pid -> comm table's first size (it grows) */

/* ---- the reader's state ---------------------------------------------------------------- */

struct name_slot {
	const char		*name;	/* NULL: empty */
	uint32_t		len;
	uint32_t		hash;
	int32_t			name_idx;
	const struct tspec	*spec;	/* NULL: not interpreted (MF_EV_OTHER) */
	bool			is_print;
	bool			warned;
};

struct comm_slot {
	int32_t	pid;		/* -1: empty */
	char	comm[20];
};

struct mf_text {
	struct text_src	src;
	char		*buf;
	size_t		cap, len, pos;
	bool		eof;
	char		serr[256];

	uint64_t	lineno;
	uint64_t	unknown;
	uint64_t	first_unknown;
	bool		finished;
	bool		quiet;		/* the prescan's pass: no warnings */
	bool		report;		/* trace-cmd report layout seen ("cpus=" or no flags) */
	bool		flags_col;	/* a flags column after the CPU: ftrace's own output */
	int		max_cpu;
	int		nr_cpus_hdr;	/* "cpus=N", 0 if absent */

	uint32_t	*pending;	/* per CPU: lost events announced, not yet attached */
	int		nr_pending;

	/*
	 * Open addressing, a power of 2 slots that doubles when half full, up to NAME_SLOTS:
	 * a table of the largest size made every open of a short trace clear and walk 320 KB.
	 */
	struct name_slot *names;
	uint32_t	name_cap;
	int		nr_slots;

	/* the last gfp string and its value: most lines repeat a handful of them */
	char		gfp_str[128];
	size_t		gfp_len;
	uint64_t	gfp_val;

	struct comm_slot *comms;
	uint32_t	comm_cap;	/* power of 2 */
	uint32_t	nr_comms;
};

/* ---- small scanners -------------------------------------------------------------------- */

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A number at *pp: "-"?, "0x" hex or decimal.  false when there are no digits. */
static inline bool scan_num(const char **pp, const char *e, uint64_t *out)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t v = 0;
	int h;

	if (p < e && *p == '-') {
		neg = true;
		p++;
	}
	if (e - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x' && hexval(p[2]) >= 0) {
		p += 2;
		while (p < e && (h = hexval(*p)) >= 0) {
			v = v << 4 | (uint64_t)h;
			p++;
		}
	} else {
		if (p >= e || !is_digit(*p))
			return false;
		while (p < e && is_digit(*p))
			v = v * 10 + (uint64_t)(*p++ - '0');
	}
	*pp = p;
	*out = neg ? (uint64_t)-(int64_t)v : v;
	return true;
}

static inline const char *skip_spaces(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static inline const char *token_end(const char *p, const char *e)
{
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/*
 * Event names are hashed on every line: the length and the first and last 8 bytes are
 * enough to tell the few dozen names of a trace apart (collisions only cost a memcmp).
 */
static inline uint32_t hash_name(const char *s, size_t n)
{
	uint64_t a = 0, b = 0;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else {
		memcpy(&a, s, n);
	}
	a = (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ n) * 0xff51afd7ed558ccdULL;
	return (uint32_t)(a >> 32);
}

static void finish_warnings(struct mf_reader *r);

/* ---- the line buffer ------------------------------------------------------------------- */

/*
 * The line buffer's first size: TEXT_BUF_INIT, or for a smaller plain file the power of 2
 * above its size (at least a page), so that opening a short trace does not map a megabyte
 * twice (the prescan's buffer and the reader's).  fill() doubles it for a longer line.
 */
static size_t first_cap(const struct text_src *s)
{
	struct stat st;
	size_t cap = 4096;

	if (s->kind != SRC_PLAIN || fstat(s->fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size >= (off_t)TEXT_BUF_INIT)
		return TEXT_BUF_INIT;
	while (cap <= (size_t)st.st_size)
		cap *= 2;
	return cap;
}

/* More text after buf[pos..len): 1 read, 0 at the end, < 0 an error (r->err set). */
static int fill(struct mf_reader *r, struct mf_text *t)
{
	ssize_t n;

	if (t->eof)
		return 0;
	if (t->pos) {
		memmove(t->buf, t->buf + t->pos, t->len - t->pos);
		t->len -= t->pos;
		t->pos = 0;
	}
	if (t->len == t->cap) {
		size_t cap = t->cap * 2;
		char *b;

		if (cap > TEXT_BUF_MAX) {
			reader_set_err(r, "line %llu is longer than %u MiB: not a text trace",
				       (unsigned long long)t->lineno + 1, TEXT_BUF_MAX >> 20);
			return -EINVAL;
		}
		b = realloc(t->buf, cap);
		if (!b) {
			reader_set_err(r, "%s", strerror(ENOMEM));
			return -ENOMEM;
		}
		t->buf = b;
		t->cap = cap;
	}
	n = text_src_read(&t->src, t->buf + t->len, t->cap - t->len, t->serr, sizeof(t->serr));
	if (n < 0) {
		reader_set_err(r, "%s", t->serr);
		return (int)n;
	}
	if (!n) {
		t->eof = true;
		return 0;
	}
	t->len += (size_t)n;
	return 1;
}

/* The next line (without its newline) in [*ls, *le): 1, 0 at the end, < 0 an error. */
static inline int next_line(struct mf_reader *r, struct mf_text *t, const char **ls,
			    const char **le)
{
	for (;;) {
		char *s = t->buf + t->pos;
		char *nl = memchr(s, '\n', t->len - t->pos);
		int ret;

		if (nl) {
			*ls = s;
			*le = nl;
			t->pos = (size_t)(nl + 1 - t->buf);
			t->lineno++;
			return 1;
		}
		ret = fill(r, t);
		if (ret < 0)
			return ret;
		if (!ret) {
			if (t->pos == t->len)
				return 0;
			/* the last line has no newline: the file was cut while written */
			if (!t->quiet)
				reader_add_warning(r, "line %llu (the last) has no newline: the text trace "
					   "was cut short", (unsigned long long)t->lineno + 1);
			*ls = t->buf + t->pos;
			*le = t->buf + t->len;
			t->pos = t->len;
			t->lineno++;
			return 1;
		}
	}
}

/* ---- names, comms, lost events --------------------------------------------------------- */

/* The first slot from h's on that is empty or holds name s (n bytes); the table has room. */
static struct name_slot *probe_name(struct mf_text *t, uint32_t h, const char *s, size_t n)
{
	uint32_t mask = t->name_cap - 1, i = h & mask;
	struct name_slot *sl;

	for (;; i = (i + 1) & mask) {
		sl = &t->names[i];
		if (!sl->name || (sl->hash == h && sl->len == n && !memcmp(sl->name, s, n)))
			return sl;
	}
}

/* Twice the slots (the first NAME_SLOTS_INIT), every name moved to its new place. */
static int grow_names(struct mf_text *t)
{
	uint32_t cap = t->name_cap ? 2 * t->name_cap : NAME_SLOTS_INIT, old = t->name_cap, i;
	struct name_slot *ns = calloc(cap, sizeof(*ns)), *os = t->names;

	if (!ns)
		return -ENOMEM;
	t->names = ns;
	t->name_cap = cap;
	for (i = 0; i < old; i++)
		if (os[i].name)
			*probe_name(t, os[i].hash, os[i].name, os[i].len) = os[i];
	free(os);
	return 0;
}

static struct name_slot *lookup_name(struct mf_reader *r, struct mf_text *t, const char *s,
				     size_t n)
{
	uint32_t h = hash_name(s, n);
	struct name_slot *sl;
	char *name;
	size_t k;

	if (t->name_cap) {
		sl = probe_name(t, h, s, n);
		if (sl->name)
			return sl;
	}
	/* a new name: its slot, and an entry in the reader's event-name table */
	if (t->nr_slots >= NAME_SLOTS / 2)
		return NULL;
	if ((uint32_t)(t->nr_slots + 1) * 2 > t->name_cap && grow_names(t))
		return NULL;
	sl = probe_name(t, h, s, n);
	if (r->nr_names == r->cap_names) {
		int cap = r->cap_names ? 2 * r->cap_names : 32;
		const char **nm = realloc(r->names, cap * sizeof(*nm)), **sy;
		uint64_t *c;

		if (!nm)
			return NULL;
		r->names = nm;
		sy = realloc(r->systems, cap * sizeof(*sy));
		if (!sy)
			return NULL;
		r->systems = sy;
		c = realloc(r->counts, cap * sizeof(*c));
		if (!c)
			return NULL;
		r->counts = c;
		r->cap_names = cap;
	}
	/* all n bytes, not strndup(): a NUL inside would leave fewer than sl->len to compare */
	name = malloc(n + 1);
	if (!name)
		return NULL;
	memcpy(name, s, n);
	name[n] = '\0';
	sl->name = name;
	sl->len = (uint32_t)n;
	sl->hash = h;
	sl->spec = NULL;
	sl->is_print = false;
	for (k = 0; k < text_nr_specs; k++) {
		if (strlen(text_specs[k].name) == n && !memcmp(text_specs[k].name, s, n)) {
			sl->spec = &text_specs[k];
			break;
		}
	}
	t->nr_slots++;
	/* trace_pipe names a print event by its caller, trace-cmd report by "print" */
	if ((n == 5 && !memcmp(s, "print", 5)) || (n == 18 && !memcmp(s, "tracing_mark_write", 18)))
		sl->is_print = true;
	if (sl->is_print) {
		/* one entry, "print", as the binary reader names ftrace:print */
		struct name_slot *p = NULL;
		int i2;

		for (i2 = 0; i2 < (int)t->name_cap; i2++)
			if (t->names[i2].name && t->names[i2].is_print && &t->names[i2] != sl &&
			    t->names[i2].name_idx >= 0) {
				p = &t->names[i2];
				break;
			}
		if (p) {
			sl->name_idx = p->name_idx;
			return sl;
		}
		r->names[r->nr_names] = "print";
		r->systems[r->nr_names] = "ftrace";
	} else {
		r->names[r->nr_names] = sl->name;
		r->systems[r->nr_names] = sl->spec ? sl->spec->system : "";
	}
	r->counts[r->nr_names] = 0;
	sl->name_idx = r->nr_names++;
	return sl;
}

static void remember_comm(struct mf_text *t, int pid, const char *c, size_t n)
{
	uint32_t i, mask;

	if (!t->comms || (n == 5 && !memcmp(c, "<...>", 5)))
		return;
	mask = t->comm_cap - 1;
	for (i = ((uint32_t)pid * 2654435761u) & mask;; i = (i + 1) & mask) {
		struct comm_slot *cs = &t->comms[i];

		if (cs->pid == pid)
			return;
		if (cs->pid < 0)
			break;
	}
	if ((t->nr_comms + 1) * 2 > t->comm_cap) {
		/* grow: amortised, once per doubling of the tasks seen */
		uint32_t cap = t->comm_cap * 2, j;
		struct comm_slot *nc = malloc(cap * sizeof(*nc));

		if (!nc)
			return;
		for (j = 0; j < cap; j++)
			nc[j].pid = -1;
		for (j = 0; j < t->comm_cap; j++) {
			uint32_t k;

			if (t->comms[j].pid < 0)
				continue;
			for (k = ((uint32_t)t->comms[j].pid * 2654435761u) & (cap - 1); nc[k].pid >= 0;
			     k = (k + 1) & (cap - 1))
				;
			nc[k] = t->comms[j];
		}
		free(t->comms);
		t->comms = nc;
		t->comm_cap = cap;
		mask = cap - 1;
		for (i = ((uint32_t)pid * 2654435761u) & mask; t->comms[i].pid >= 0; i = (i + 1) & mask)
			;
	}
	if (n >= sizeof(t->comms[i].comm))
		n = sizeof(t->comms[i].comm) - 1;
	t->comms[i].pid = pid;
	memcpy(t->comms[i].comm, c, n);
	t->comms[i].comm[n] = 0;
	t->nr_comms++;
}

static int ensure_pending(struct mf_text *t, int cpu)
{
	uint32_t *p;

	if (cpu < t->nr_pending)
		return 0;
	if (cpu < 0 || cpu > 1 << 20)
		return -EINVAL;
	p = realloc(t->pending, (size_t)(cpu + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	memset(p + t->nr_pending, 0, (size_t)(cpu + 1 - t->nr_pending) * sizeof(*p));
	t->pending = p;
	t->nr_pending = cpu + 1;
	return 0;
}

/* "CPU:N [LOST M EVENTS]" (or "[LOST EVENTS]"): 1 when the line is one. */
static int lost_line(struct mf_reader *r, struct mf_text *t, const char *p, const char *e)
{
	uint64_t cpu, n = 0;
	bool known;

	if (e - p < 4 || memcmp(p, "CPU:", 4))
		return 0;
	p += 4;
	if (!scan_num(&p, e, &cpu) || cpu > 1 << 20)
		return 0;
	p = skip_spaces(p, e);
	if (e - p < 6 || memcmp(p, "[LOST ", 6))
		return 0;
	p += 6;
	known = scan_num(&p, e, &n);
	p = skip_spaces(p, e);
	if (e - p < 7 || memcmp(p, "EVENTS]", 7))
		return 0;
	if (ensure_pending(t, (int)cpu) || reader_ensure_lost(r, (int)cpu))
		return -ENOMEM;
	if (!known)
		t->pending[cpu] = MF_MISSED_UNKNOWN;
	else if (t->pending[cpu] != MF_MISSED_UNKNOWN)
		t->pending[cpu] = n + t->pending[cpu] >= MF_MISSED_UNKNOWN ? MF_MISSED_UNKNOWN - 1 :
				  (uint32_t)(n + t->pending[cpu]);
	if ((int)cpu > t->max_cpu)
		t->max_cpu = (int)cpu;
	return 1;
}

/* ---- one event's fields ---------------------------------------------------------------- */

static bool sym_value(const char *const *tab, int n, const char *p, const char *e, int32_t *out)
{
	uint64_t v;
	int i;

	if (scan_num(&p, e, &v)) {
		*out = (int32_t)v;
		return true;
	}
	for (i = 0; i < n; i++)
		if (strlen(tab[i]) == (size_t)(e - p) && !memcmp(tab[i], p, e - p)) {
			*out = i;
			return true;
		}
	return false;
}

static bool gfp_value(struct mf_reader *r, struct name_slot *sl, const char *p, const char *e,
		      uint64_t *out)
{
	uint64_t v = 0, x;

	if (e - p == 4 && !memcmp(p, "none", 4)) {
		*out = 0;
		return true;
	}
	while (p < e) {
		const char *q = memchr(p, '|', e - p);
		size_t n;

		if (!q)
			q = e;
		n = q - p;
		if (n > 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
			const char *s = p;

			if (!scan_num(&s, q, &x))
				return false;
			v |= x;
		} else if (text_gfp_flag(p, n, &x)) {
			v |= x;
		} else if (!sl->warned) {
			sl->warned = true;
			reader_add_warning(r, "%s: gfp flag '%.*s' unknown (not in Linux 6.10+'s "
				"__def_gfpflag_names): taken as no bit", sl->name, (int)n, p);
		}
		p = q + 1;
	}
	*out = v;
	return true;
}

static inline void store(struct mf_event *ev, const struct tfield *f, uint64_t v)
{
	char *dst = (char *)ev + f->ev_off;

	if (f->ev_size == 8) {
		memcpy(dst, &v, 8);
	} else {
		uint32_t w = (uint32_t)v;

		memcpy(dst, &w, 4);
	}
}

/*
 * "key=value key=value ..." against the event's field table.  Returns true when every
 * required field was found and parsed.
 */
static bool parse_fields(struct mf_reader *r, struct name_slot *sl, const char *p, const char *e,
			 struct mf_event *ev)
{
	const struct tspec *sp = sl->spec;
	unsigned int found = 0, need = 0;
	bool null_page = false;
	int i, nf;

	for (nf = 0; nf < MAX_TFIELDS && sp->f[nf].key; nf++) {
		const struct tfield *f = &sp->f[nf];

		if (f->req)
			need |= 1U << nf;
		else if (f->ev_size)
			store(ev, f, (uint64_t)f->dflt);
	}
	while (p < e) {
		const char *k, *eq, *v, *ve;

		p = skip_spaces(p, e);
		k = p;
		while (p < e && *p != '=' && *p != ' ')
			p++;
		if (p >= e || *p != '=') {
			p = token_end(p, e);
			continue;
		}
		eq = p;
		v = eq + 1;
		ve = NULL;	/* the value's end, found only for the kinds that need it */
		p = v;
		for (i = 0; i < nf; i++) {
			const struct tfield *f = &sp->f[i];
			uint64_t x;
			int32_t s;
			const char *q = v;

			if (f->klen != eq - k || f->key[0] != k[0] || memcmp(f->key, k, f->klen))
				continue;
			if (f->kind == K_NUM) {
				/* the common case: no separate pass for the token's end */
				if (!scan_num(&q, e, &x))
					return false;
				store(ev, f, x);
				p = q;
				found |= 1U << i;
				break;
			}
			ve = token_end(v, e);
			p = ve;
			switch (f->kind) {
			case K_NUM:
				break;
			case K_PAGE:
				/* "(nil)" (trace-cmd), "(null)" or zeros (the kernel's %p) */
				null_page = v[0] == '(' || (ve - v == 3 && !memcmp(v, "0x0", 3)) ||
					    (ve - v >= 8 && strspn(v, "0") >= (size_t)(ve - v));
				break;
			case K_GFP: {
				struct mf_text *t = r->text;
				size_t n = (size_t)(ve - v);

				if (n == t->gfp_len && !memcmp(t->gfp_str, v, n)) {
					x = t->gfp_val;
				} else {
					if (!gfp_value(r, sl, v, ve, &x))
						return false;
					if (n <= sizeof(t->gfp_str)) {
						memcpy(t->gfp_str, v, n);
						t->gfp_len = n;
						t->gfp_val = x;
					}
				}
				store(ev, f, x);
				break;
			}
			case K_SYNC:
				/* "mode=%s", sync ? "sync" : "async" */
				if (ve - v == 4 && !memcmp(v, "sync", 4))
					store(ev, f, 1);
				else if (ve - v == 5 && !memcmp(v, "async", 5))
					store(ev, f, 0);
				else
					return false;
				break;
			case K_STATUS:
				if (!sym_value(text_status_names, text_nr_status_names,
					       v, ve, &s))
					return false;
				store(ev, f, (uint64_t)(int64_t)s);
				break;
			case K_ZONE:
				if (!sym_value(text_zone_names, text_nr_zone_names,
					       v, ve, &s))
					return false;
				store(ev, f, (uint64_t)(int64_t)s);
				break;
			case K_SHIFT:
				if (!scan_num(&q, ve, &x) || !x || (x & (x - 1)))
					return false;
				store(ev, f, (uint64_t)__builtin_ctzll(x));
				break;
			case K_RANGE: {
				uint64_t a, b;
				struct tfield f2 = *f;

				/* "(0x%lx ~ 0x%lx)": the value runs past the token */
				if (q >= e || *q != '(')
					return false;
				q++;
				if (!scan_num(&q, e, &a))
					return false;
				q = skip_spaces(q, e);
				if (q >= e || *q != '~')
					return false;
				q = skip_spaces(q + 1, e);
				if (!scan_num(&q, e, &b) || q >= e || *q != ')')
					return false;
				store(ev, f, a);
				f2.ev_off += 8;
				store(ev, &f2, b);
				p = q + 1;
				break;
			}
			}
			found |= 1U << i;
			break;
		}
		if (i == nf)
			p = token_end(v, e);	/* a key the model does not use */
	}
	if ((found & need) != need)
		return false;
	if (null_page && sp->type == MF_EV_PAGE_ALLOC && !ev->alloc.pfn)
		ev->alloc.pfn = MF_PFN_NONE;	/* pfn != -1UL ? pfn : 0, with page NULL */
	return true;
}

/* ---- one line ------------------------------------------------------------------------------ */

/*
 * The columns before the event name.  Returns the position after "name:" and fills
 * ev->pid, ev->cpu, ev->ts and the name, or NULL when the line is not an event line.
 */
static const char *parse_head(struct mf_text *t, const char *p, const char *e, struct mf_event *ev,
			      const char **name, size_t *name_len, const char **comm,
			      size_t *comm_len)
{
	const char *b, *q, *c, *ce, *n, *rb;
	uint64_t cpu, sec, frac = 0;
	int ndig = 0;

	p = skip_spaces(p, e);
	c = p;
	/* the CPU column: the first " [digits]" */
	for (b = p;; b++) {
		b = memchr(b, '[', e - b);
		if (!b || b == c)
			return NULL;
		if (b[-1] != ' ')
			continue;
		q = b + 1;
		/* bounded as lost_line() bounds it: a negative or huge number is no CPU */
		if (!scan_num(&q, e, &cpu) || q >= e || *q != ']' || cpu > 1 << 20)
			continue;
		break;
	}
	rb = q;
	/* back from the bracket: optional "(tgid)", then "comm-pid" */
	ce = b - 1;
	while (ce > c && ce[-1] == ' ')
		ce--;
	if (ce > c && ce[-1] == ')') {
		const char *o = ce - 1;

		while (o > c && *o != '(')
			o--;
		if (*o != '(')
			return NULL;
		ce = o;
		while (ce > c && ce[-1] == ' ')
			ce--;
	}
	q = ce;
	while (q > c && is_digit(q[-1]))
		q--;
	if (q == ce || q == c || q[-1] != '-')
		return NULL;
	{
		const char *d = q;
		uint64_t pid;

		if (!scan_num(&d, ce, &pid))
			return NULL;
		ev->pid = (int32_t)pid;
	}
	*comm = c;
	*comm_len = (size_t)(q - 1 - c);
	ev->cpu = (int32_t)cpu;

	/* after "]": an optional flags column ("d..2."), then "sec.frac:" */
	p = skip_spaces(rb + 1, e);
	q = p;
	while (q < e && (is_digit(*q) || *q == '.'))
		q++;
	if (q == p || q >= e || *q != ':') {
		t->flags_col = true;
		p = skip_spaces(token_end(p, e), e);
	}
	if (p >= e || !is_digit(*p))
		return NULL;
	sec = 0;
	while (p < e && is_digit(*p))
		sec = sec * 10 + (uint64_t)(*p++ - '0');
	if (p < e && *p == '.') {
		p++;
		while (p < e && is_digit(*p)) {
			if (ndig < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				ndig++;
			}
			p++;
		}
		while (ndig < 9) {
			frac *= 10;
			ndig++;
		}
		ev->ts = sec * 1000000000ULL + frac;
	} else {
		ev->ts = sec;	/* a counter clock: raw units */
	}
	if (p >= e || *p != ':')
		return NULL;
	p = skip_spaces(p + 1, e);
	n = p;
	while (p < e && *p != ':' && *p != ' ')
		p++;
	if (p >= e || *p != ':' || p == n)
		return NULL;
	*name = n;
	*name_len = (size_t)(p - n);
	return p + 1;
}

static int set_print(struct mf_reader *r, struct name_slot *sl, const char *p, const char *e,
		     struct mf_event *ev)
{
	size_t len;

	p = skip_spaces(p, e);
	/* trace-cmd report: "print: tracing_mark_write: TEXT"; trace_pipe has the caller as name */
	if (sl->len == 5) {
		const char *s = p;

		while (s < e && *s != ' ' && *s != ':')
			s++;
		if (e - s >= 2 && s[0] == ':' && s[1] == ' ')
			p = s + 2;
	}
	while (e > p && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	len = (size_t)(e - p);
	if (reader_str_reserve(&r->str, &r->str_cap, len + 1, 256))
		return -ENOMEM;
	memcpy(r->str, p, len);
	r->str[len] = 0;
	ev->print.str = r->str;
	ev->type = MF_EV_PRINT;
	return 0;
}

/* 1: an event in *ev; 0: a line that is not one (header, comment, lost events, unknown). */
static int parse_line(struct mf_reader *r, struct mf_text *t, const char *p, const char *e,
		      struct mf_event *ev)
{
	const char *name, *comm, *f;
	size_t name_len, comm_len;
	struct name_slot *sl;
	const char *s = skip_spaces(p, e);
	int ret;

	if (s == e || *s == '#')
		return 0;
	f = parse_head(t, s, e, ev, &name, &name_len, &comm, &comm_len);
	if (!f) {
		ret = lost_line(r, t, s, e);
		if (ret)
			return ret < 0 ? ret : 0;
		if (e - s > 5 && !memcmp(s, "cpus=", 5)) {
			uint64_t n;

			s += 5;
			if (scan_num(&s, e, &n) && n < 1 << 20) {
				t->nr_cpus_hdr = (int)n;
				t->report = true;
				return 0;
			}
		}
		if (e - s > 7 && !memcmp(s, "version", 7))
			return 0;	/* trace-cmd report's "version = 6" */
		if (e - s > 13 && !memcmp(s, "CPU ", 4) && !memcmp(e - 9, " is empty", 9))
			return 0;	/* trace-cmd report: "CPU 3 is empty" */
		if (!t->unknown++)
			t->first_unknown = t->lineno;
		return 0;
	}
	sl = lookup_name(r, t, name, name_len);
	if (!sl) {
		if (t->nr_slots >= NAME_SLOTS / 2)
			reader_set_err(r, "line %llu: more than %d distinct event names",
				       (unsigned long long)t->lineno, NAME_SLOTS / 2);
		else
			reader_set_err(r, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (ev->cpu > t->max_cpu)
		t->max_cpu = ev->cpu;
	remember_comm(t, ev->pid, comm, comm_len);
	r->counts[sl->name_idx]++;
	ev->name_idx = (uint16_t)sl->name_idx;
	ev->type = MF_EV_OTHER;
	ev->missed = 0;
	if (ev->cpu < t->nr_pending && t->pending[ev->cpu]) {
		uint32_t m = t->pending[ev->cpu];

		t->pending[ev->cpu] = 0;
		ev->missed = m;
		if (m == MF_MISSED_UNKNOWN)
			r->lost_unknown[ev->cpu]++;
		else
			r->lost[ev->cpu] += m;
	}
	if (sl->is_print)
		return set_print(r, sl, f, e, ev) ? -ENOMEM : 1;
	if (sl->spec) {
		if (parse_fields(r, sl, f, e, ev)) {
			ev->type = sl->spec->type;
		} else if (!sl->warned) {
			sl->warned = true;
			reader_add_warning(r, "%s:%s: line %llu lacks a field the model needs or has "
				"one it cannot read: such lines are not interpreted", sl->spec->system,
				sl->spec->name, (unsigned long long)t->lineno);
		}
	}
	return 1;
}

/* ---- the entry points (reader-local.h) ------------------------------------------------- */

/*
 * Look at the start of the text: which layout, the CPU count (trace-cmd report's "cpus=",
 * else the highest CPU in the first PRESCAN_LINES: trace_pipe states none), and the first
 * timestamp.  Fails when no event line starts the trace.
 */
static int prescan(struct mf_reader *r, struct mf_text *t)
{
	struct mf_text *p;
	struct mf_event ev;
	const char *ls, *le;
	uint64_t events = 0;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->max_cpu = -1;
	p->quiet = true;
	ret = text_src_open(&p->src, r->path, p->serr, sizeof(p->serr));
	if (!ret) {
		p->cap = first_cap(&p->src);
		p->buf = malloc(p->cap);
		if (!p->buf)
			ret = -ENOMEM;
	}
	if (ret) {
		reader_set_err(r, "%s", ret == -ENOMEM ? strerror(ENOMEM) : p->serr);
		goto out;
	}
	while ((ret = next_line(r, p, &ls, &le)) > 0) {
		const char *name, *comm;
		size_t nl, cl;
		const char *s = skip_spaces(ls, le);

		if (s == le || *s == '#')
			continue;
		if (!parse_head(p, s, le, &ev, &name, &nl, &comm, &cl)) {
			if (le - s > 5 && !memcmp(s, "cpus=", 5)) {
				uint64_t n;

				s += 5;
				if (scan_num(&s, le, &n) && n < 1 << 20)
					p->nr_cpus_hdr = (int)n;
			}
			continue;
		}
		if (!events++)
			r->info.first_ts = ev.ts;
		if (ev.cpu > p->max_cpu)
			p->max_cpu = ev.cpu;
		if (p->nr_cpus_hdr || p->lineno >= PRESCAN_LINES)
			break;
	}
	if (ret < 0)
		goto out;
	if (!events) {
		reader_set_err(r, "not a trace: no ftrace event line (\"comm-pid [cpu] sec.usec: "
			"event: fields\") in its first %llu lines", (unsigned long long)p->lineno);
		ret = -EINVAL;
		goto out;
	}
	t->report = p->nr_cpus_hdr > 0 || !p->flags_col;
	t->nr_cpus_hdr = p->nr_cpus_hdr;
	r->info.nr_cpus = p->nr_cpus_hdr > p->max_cpu ? p->nr_cpus_hdr : p->max_cpu + 1;
	ret = 0;
out:
	text_src_close(&p->src);
	free(p->buf);
	free(p);
	return ret;
}

int reader_text_open(struct mf_reader *r)
{
	struct mf_text *t;
	uint32_t i;
	int ret;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	r->text = t;
	t->max_cpu = -1;
	ret = text_src_open(&t->src, r->path, t->serr, sizeof(t->serr));
	if (ret) {
		reader_set_err(r, "%s", ret == -ENOMEM ? strerror(ENOMEM) : t->serr);
		return ret;
	}
	t->cap = first_cap(&t->src);
	t->buf = malloc(t->cap);
	t->comm_cap = COMMS_INIT;
	t->comms = malloc(t->comm_cap * sizeof(*t->comms));
	if (!t->buf || !t->comms) {
		reader_set_err(r, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < t->comm_cap; i++)
		t->comms[i].pid = -1;
	ret = prescan(r, t);
	if (ret)
		return ret;
	r->info.format = t->report ? "trace-cmd report" : "trace_pipe";	/* static: valid after close */
	r->info.file_version = 0;
	r->info.compression = text_src_names[t->src.kind];
	r->info.page_size = 0;
	r->info.uname = NULL;
	if (r->info.nr_cpus > 0 && (reader_ensure_lost(r, r->info.nr_cpus - 1) ||
				    ensure_pending(t, r->info.nr_cpus - 1))) {
		reader_set_err(r, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

int reader_text_next(struct mf_reader *r, struct mf_event *ev)
{
	struct mf_text *t = r->text;
	const char *ls, *le;
	int ret;

	for (;;) {
		ret = next_line(r, t, &ls, &le);
		if (ret <= 0)
			break;
		ret = parse_line(r, t, ls, le, ev);
		if (ret)
			break;
	}
	if (ret < 0)
		return ret;
	if (ret == 0 && !t->finished) {
		t->finished = true;
		finish_warnings(r);
	}
	if (ret == 1 && ev->cpu >= r->nr_lost && reader_ensure_lost(r, ev->cpu) == -ENOMEM) {
		reader_set_err(r, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	return ret;
}

/* At the end: the lines not understood, and a CPU count the prescan got wrong. */
static void finish_warnings(struct mf_reader *r)
{
	struct mf_text *t = r->text;

	if (t->unknown)
		reader_add_warning(r, "%llu line%s of the text trace not understood (not an event, "
			"header or lost-events line; the first is line %llu): skipped",
			(unsigned long long)t->unknown, t->unknown == 1 ? "" : "s",
			(unsigned long long)t->first_unknown);
	if (t->max_cpu + 1 > r->info.nr_cpus) {
		reader_add_warning(r, "CPU %d first appears after the first %u lines of the text "
			"trace: the model kept per-CPU lists for %d CPUs", t->max_cpu,
			PRESCAN_LINES, r->info.nr_cpus);
		r->info.nr_cpus = t->max_cpu + 1;
	}
}

uint64_t mf_reader_unknown_lines(const struct mf_reader *r)
{
	return r->text ? r->text->unknown : 0;
}

const char *reader_text_comm(const struct mf_reader *r, int pid)
{
	const struct mf_text *t = r->text;
	uint32_t i, mask = t->comm_cap - 1;

	for (i = ((uint32_t)pid * 2654435761u) & mask; t->comms[i].pid >= 0; i = (i + 1) & mask)
		if (t->comms[i].pid == pid)
			return t->comms[i].comm;
	return NULL;
}

void reader_text_close(struct mf_reader *r)
{
	struct mf_text *t = r->text;
	int i;

	if (!t)
		return;
	text_src_close(&t->src);
	for (i = 0; i < (int)t->name_cap; i++)
		free((char *)t->names[i].name);
	free(t->names);
	free(t->buf);
	free(t->pending);
	free(t->comms);
	free(t);
	r->text = NULL;
}
