/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trace reader's private state, shared by reader-open.c (opening a trace.dat: layout
 * checks, formats, decoders) and reader.c (decoding and merging records), and by
 * reader-live.c (the same decoders on live sub-buffers, for mmfrag top).  Only these
 * files include libtracecmd and libtraceevent headers.  Not a public interface.
 */
#ifndef MMFRAG_READER_LOCAL_H
#define MMFRAG_READER_LOCAL_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#include "mmfrag/flyrecord.h"
#include "mmfrag/reader.h"

#define SEGMENT_BYTES_DEFAULT	(64ULL << 20)	/* compressed data: reopen after this much */
#define TRIM_BYTES		(1UL << 20)	/* mmap()ed data: drop consumed pages by this much */
#define MAX_WARNINGS		64
#define NR_TEP_IDS		65536	/* common_type is an unsigned short */

/*
 * Each field names where its value goes: the member of struct mf_event's union that the
 * event's type selects, by offset and width, so decode() stores it without a switch.
 */
#define F_REQ	1	/* without it the event is decoded as MF_EV_OTHER */
#define F_PFN	2	/* a pfn: a 32-bit kernel's -1UL becomes MF_PFN_NONE */
#define F_STR	4	/* a string (ftrace print's buf) into ev->print.str */
#define MAX_FIELDS 7

/* ---- resolved decoders ---------------------------------------------------------- */

struct dec_field {
	uint16_t	offset;
	uint8_t		size;		/* 1, 2, 4 or 8; 0 = absent, use dflt */
	uint8_t		ev_off;		/* from the field_spec */
	uint8_t		ev_size;
	uint8_t		flags;		/* F_PFN, F_STR */
	uint8_t		is_signed;
	uint8_t		op;		/* DOP_*: how decode() stores it */
	int64_t		dflt;
};

/*
 * A field whose bytes go to the event as they are (the file has our endianness, the
 * field the width of its member, nothing to extend or map) is a plain copy; any other
 * takes decode()'s general path.
 */
enum dec_op {
	DOP_GENERAL,
	DOP_COPY4,
	DOP_COPY8,
};

/* How a string field is stored (F_STR). */
enum str_kind {
	STR_STATIC,	/* char buf[N] or char buf[]: from offset to the end of the record */
	STR_DYNAMIC,	/* __data_loc: u32 (len << 16 | offset) */
	STR_REL,	/* __rel_loc: as dynamic, offset relative to the end of the field */
};

/*
 * Plain copies (DOP_COPY4/8) whose bytes lie next to each other in the record and in the
 * event, merged at open: most events' fields are one segment of 12-20 bytes, copied
 * with two overlapping moves instead of a dispatch per field.
 */
#define SEG_MAX		32	/* bytes of one segment (two 16-byte moves) */

struct dec_seg {
	uint16_t	src;		/* offset in the record */
	uint8_t		dst;		/* offset in struct mf_event */
	uint8_t		len;		/* 4 .. SEG_MAX, a multiple of 4 */
};

struct decoder {
	const char	*name;		/* owned copies: valid across reopen */
	const char	*system;
	uint16_t	type;		/* enum mf_ev_type */
	int32_t		name_idx;	/* -1 until the first record */
	uint8_t		nr;
	uint8_t		str_kind;
	uint16_t	str_size;	/* declared size of a static string field */
	uint32_t	min_size;	/* record bytes needed to decode every field */
	uint8_t		nr_seg;
	struct dec_seg	seg[MAX_FIELDS];	/* the plain copies */
	struct dec_field f[MAX_FIELDS];		/* the other fields (nr) */
};

struct stream {
	struct tep_record	*rec;	/* head record, owned; NULL when the CPU is done */
	uint64_t		ts;
	uint64_t		last_page;	/* file page of the last record taken */
	uintptr_t		trim_lo;	/* consumed mmap()ed pages not yet dropped */
	uintptr_t		trim_hi;
	int			idx;	/* CPU index for tracecmd_read_data() */
};

/*
 * Own reader (flyrecord.c): a thread reads, merges and decodes into a ring of NR_BATCHES
 * preallocated batches; mf_reader_next() hands them out on the caller's thread.  A print
 * event's text lives in its batch's str buffer (ev->print.str holds the offset until the
 * batch is full, then the pointer).
 */
#define BATCH_EVENTS	4096
#define NR_BATCHES	8
#define FLY_RUN		64	/* records taken from flyrecord.c at once */

/*
 * Room for need bytes in a string buffer that doubles as it grows (first: its first size):
 * MF_EV_PRINT text, in a batch or in a reader.  0, or -ENOMEM with the buffer kept.
 */
static inline int reader_str_reserve(char **buf, size_t *cap, size_t need, size_t first)
{
	size_t c = *cap ? *cap : first;
	char *s;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	s = realloc(*buf, c);
	if (!s)
		return -ENOMEM;
	*buf = s;
	*cap = c;
	return 0;
}

struct ev_batch {
	struct mf_event	*ev;		/* BATCH_EVENTS */
	int		n;
	int		nr_prints;	/* MF_EV_PRINT events: their indices in prints[] */
	int		*prints;	/* BATCH_EVENTS, allocated at the first print */
	int		ret;		/* 1: more follow; 0: the last one; < 0: error after it */
	char		*str;
	size_t		str_len, str_cap;
};

struct mf_reader {
	char			*path;
	struct tracecmd_input	*top;		/* handle from tracecmd_open() */
	struct tracecmd_input	*h;		/* handle read: top or a buffer instance */
	struct tep_handle	*tep;
	int			instance;	/* -1: top buffer */
	int			probed_cpu;	/* CPU whose first record the probe took */

	struct mf_reader_info	info;
	char			err[512];

	/* merge */
	struct stream		*streams;
	int			nr_streams;
	int			*heap;		/* indices into streams, min (ts, idx) first */
	int			heap_len;

	/* segmented reading (compressed data) */
	uint64_t		segment_bytes;	/* 0: never reopen */
	uint64_t		seg_pages;	/* pages entered since the last (re)open */
	unsigned int		nr_reopens;

	/* dropping consumed pages (uncompressed, mmap()ed data) */
	bool			trim;
	dev_t			dev;
	ino_t			ino;
	char			*realpath;
	uint64_t		nr_trims;

	/* common fields, read directly */
	bool			swap;		/* file endianness differs from ours */
	uint16_t		type_off, pid_off;
	uint8_t			type_size, pid_size;	/* 0: use tep_data_type() / _pid() */
	bool			common_fast;	/* our endianness, 2-byte type, 4-byte pid */
	uint32_t		common_end;	/* bytes the two common fields need */

	/* decoders: tep event id -> decoders[] index + 1 (0: not seen yet) */
	uint16_t		*id_map;
	uint64_t		have_types;	/* bit per enum mf_ev_type the formats define */
	struct decoder		*decoders;
	int			nr_decoders, cap_decoders;

	/* event-name table */
	const char		**names;
	const char		**systems;
	uint64_t		*counts;
	int			nr_names, cap_names;

	/* lost events per CPU (record->cpu) */
	uint64_t		*lost;
	uint64_t		*lost_unknown;
	int			nr_lost;

	char			*warn[MAX_WARNINGS + 1];
	int			nr_warn;

	struct mf_text		*text;		/* a text trace: reader-text.c reads it */
	/* own reader: set when flyrecord.c reads the file (no tracecmd handle then) */
	struct mf_fly		*fly;
	struct mf_fly_formats	*fly_fmts;	/* from mf_fly_formats_load(), owned */
	struct mf_fly_record	fly_first;	/* the probe's record, decoded first */
	bool			fly_has_first;
	char			*uname;
	struct ev_batch		batches[NR_BATCHES];
	struct ev_batch		*fill;		/* batch the thread decodes into */
	struct ev_batch		*cur;		/* batch mf_reader_next() hands out */
	int			cur_pos;
	int			end_ret;	/* the stream ended: this is returned */
	bool			ended;
	pthread_t		thread;
	bool			thread_on;
	pthread_mutex_t		lock;
	pthread_cond_t		cond;
	unsigned int		produced, consumed;	/* batches; ring index = count % NR */
	bool			stop;

	struct mf_event		one;		/* mf_reader_next_batch() without batches */
	char			*str;		/* MF_EV_PRINT text */
	size_t			str_cap;
	int			page_size;
	int			page_shift;
};

/* reader-open.c */
void reader_set_err(struct mf_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void reader_add_warning(struct mf_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int reader_new_decoder(struct mf_reader *r, struct tep_event *ev, int id);
struct tep_event *reader_find_event(struct mf_reader *r, int id);
int reader_open_handle(struct mf_reader *r, bool first);
void reader_close_handle(struct mf_reader *r);
int reader_setup_decoders(struct mf_reader *r);	/* for reader-live.c */

/* reader.c */
int reader_pipe_start(struct mf_reader *r);
void reader_pipe_stop(struct mf_reader *r);
void reader_heap_build(struct mf_reader *r);
void reader_trim_flush(struct mf_reader *r, struct stream *s);
int reader_ensure_lost(struct mf_reader *r, int cpu);
int reader_decode(struct mf_reader *r, struct tep_record *rec, struct mf_event *ev); /* reader-live.c */

/* reader-text.c: text traces (trace_pipe, trace-cmd report), plain or compressed */
struct mf_text;
bool reader_text_detect(int fd);
int reader_text_open(struct mf_reader *r);
int reader_text_next(struct mf_reader *r, struct mf_event *ev);
const char *reader_text_comm(const struct mf_reader *r, int pid);
void reader_text_close(struct mf_reader *r);

#endif
