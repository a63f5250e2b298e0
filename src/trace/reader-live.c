// SPDX-License-Identifier: GPL-2.0
/*
 * Live reader: ring-buffer sub-buffers read from a tracefs instance (mmfrag top) ->
 * struct mf_event, with the decoders of the trace.dat reader.
 *
 * The running kernel's formats (a tep handle from mf_recorder_tep()) stand in for a
 * trace.dat's: reader_setup_decoders() resolves every field by name from them exactly as
 * for a file, and reader_decode() decodes each record.  kbuffer walks the sub-buffer
 * (time extends, padding, the missed-events flag), as libtracecmd does for a file page.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>

#include "reader-local.h"

struct mf_live_reader {
	struct mf_reader	*r;
	struct kbuffer		*kb;
	struct tep_handle	*tep;
};

int mf_reader_open_live(struct tep_handle *tep, struct mf_live_reader **out, char *err,
			size_t errlen)
{
	struct mf_live_reader *lr = calloc(1, sizeof(*lr));
	struct mf_reader *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!lr || !r) {
		free(lr);
		free(r);
		tep_free(tep);
		snprintf(err, errlen, "live reader: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	lr->r = r;
	lr->tep = tep;
	r->tep = tep;
	r->instance = -1;
	r->probed_cpu = -1;
	r->page_size = tep_get_page_size(tep);
	lr->kb = kbuffer_alloc(sizeof(long) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
			       tep_is_local_bigendian(tep) ? KBUFFER_ENDIAN_BIG :
							     KBUFFER_ENDIAN_LITTLE);
	if (!lr->kb) {
		mf_reader_close_live(lr);
		snprintf(err, errlen, "live reader: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = reader_setup_decoders(r);
	if (ret) {
		mf_reader_close_live(lr);
		snprintf(err, errlen, "live reader: cannot set up the event decoders: %s",
			 strerror(-ret));
		return ret;
	}
	*out = lr;
	return 0;
}

struct mf_reader *mf_reader_live_reader(struct mf_live_reader *lr)
{
	return lr->r;
}

int mf_reader_live_page(struct mf_live_reader *lr, int cpu, void *page, mf_reader_event_fn fn,
			void *priv)
{
	unsigned long long ts;
	struct mf_event ev;
	int n = 0, missed;
	void *data;

	if (kbuffer_load_subbuffer(lr->kb, page))
		return -EINVAL;
	missed = kbuffer_missed_events(lr->kb);
	for (data = kbuffer_read_event(lr->kb, &ts); data; data = kbuffer_next_event(lr->kb, &ts)) {
		struct tep_record rec = {
			.ts = ts,
			.cpu = cpu,
			.data = data,
			.size = kbuffer_event_size(lr->kb),
		};
		int ret;

		memset(&ev, 0, sizeof(ev));
		ret = reader_decode(lr->r, &rec, &ev);
		if (ret < 0)
			return ret;
		/* -1: the kernel lost events here but could not say how many */
		ev.missed = !n && missed ? (missed < 0 ? MF_MISSED_UNKNOWN : (uint32_t)missed) : 0;
		fn(priv, &ev);
		n++;
	}
	return n;
}

void mf_reader_close_live(struct mf_live_reader *lr)
{
	if (!lr)
		return;
	if (lr->kb)
		kbuffer_free(lr->kb);
	if (lr->r)
		lr->r->tep = NULL;
	mf_reader_close(lr->r);
	tep_free(lr->tep);
	free(lr);
}
