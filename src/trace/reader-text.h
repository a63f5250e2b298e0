/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text traces, shared by the four files that read them: reader-text.c parses the lines
 * of both layouts, reader-text-src.c is the file layer under it (plain or decompressed
 * with zstd, gzip or xz), reader-text-sym.c holds the kernel's TP_printk() tables that
 * turn printed names back into values, reader-text-spec.c the keys each event prints.
 */
#ifndef MMFRAG_READER_TEXT_H
#define MMFRAG_READER_TEXT_H

#include <lzma.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>
#include <zstd.h>

#define IN_BUF_SIZE	(256U << 10)	/* compressed input */

enum src_kind { SRC_PLAIN, SRC_ZSTD, SRC_GZIP, SRC_XZ };

/* by enum src_kind: "none", "zstd", "gzip", "xz" */
extern const char *const text_src_names[];

struct text_src {
	enum src_kind	kind;
	int		fd;
	unsigned char	*in;
	size_t		in_len, in_pos;
	bool		in_eof;
	bool		at_end;		/* the stream ended where a frame/member/stream may */
	bool		done;
	ZSTD_DStream	*zs;
	z_stream	gz;
	bool		gz_init;
	lzma_stream	xz;
	bool		xz_init;
};

/* The compression the first n bytes b of a file announce by their magic. */
enum src_kind text_sniff_kind(const unsigned char *b, size_t n);
/* Open path for text_src_read(): 0, or a negative errno value with err set. */
int text_src_open(struct text_src *s, const char *path, char *err, size_t errlen);
void text_src_close(struct text_src *s);
/*
 * Up to cap bytes of text into out: the count (0 at the end of the data) or a negative
 * errno value with err set.  A compressed stream cut short is an error, not an end.
 */
ssize_t text_src_read(struct text_src *s, char *out, size_t cap, char *err, size_t errlen);

/* gfp flag name (n bytes at p, as show_gfp_flags() prints it) -> its bits; false: unknown */
bool text_gfp_flag(const char *p, size_t n, uint64_t *val);
/* enum compact_result by COMPACTION_STATUS name; ZONE_TYPE names */
extern const char *const text_status_names[];
extern const int text_nr_status_names;
extern const char *const text_zone_names[];
extern const int text_nr_zone_names;

/* ---- what each event's text carries (reader-text-spec.c) ------------------------------- */

#define MAX_TFIELDS	8

enum tkind {
	K_NUM,		/* decimal, or hex with 0x; '-' allowed */
	K_PAGE,		/* page=%p: only whether it is NULL */
	K_GFP,		/* show_gfp_flags() */
	K_SYNC,		/* "sync" / "async" */
	K_STATUS,	/* COMPACTION_STATUS names */
	K_ZONE,		/* ZONE_TYPE names */
	K_SHIFT,	/* limit=1UL << defer_shift */
	K_RANGE,	/* range=(0x%lx ~ 0x%lx) into two u64 */
};

struct tfield {
	const char	*key;
	uint8_t		klen;
	uint8_t		kind;
	uint8_t		ev_off;
	uint8_t		ev_size;
	bool		req;
	int64_t		dflt;
};

struct tspec {
	const char	*system;
	const char	*name;
	uint16_t	type;
	struct tfield	f[MAX_TFIELDS];
};

/* By event: the keys TP_printk() prints and where each value goes in struct mf_event. */
extern const struct tspec text_specs[];
extern const size_t text_nr_specs;

#endif
