/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_SIM_CONFIG_H
#define MMFRAG_SIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim.h"

/*
 * The simulate-mode knobs: one table (src/sim/config.c) that the --config parser, the
 * defaults, the result document's "config" object and 'mmfrag replay --help' all read,
 * and that tests/cli/man.sh holds man/mmfrag-replay.1 to.  A knob's name is the name of
 * its field in struct mf_sim_config, its KEY in --config and its key in the JSON.
 *
 * Adding a knob: a field in struct mf_sim_config (sim.h), one line in the table, a tag in
 * the man page's "Simulate mode" list, and the model code that reads the field.
 */

enum mf_sim_knob_type {
	MF_KNOB_NAME,		/* the simulation's name: a string, in no JSON "config" */
	MF_KNOB_INT,		/* a whole decimal number in [min, max]; field int */
	MF_KNOB_BOOL,		/* on/off, 1/0, yes/no, true/false; field int (1 or 0) */
	MF_KNOB_SIZE,		/* bytes, with K, M, G or T; in [min, max]; field uint64_t */
};

struct mf_sim_knob {
	const char		*name;
	enum mf_sim_knob_type	type;
	size_t			offset;		/* of its field in struct mf_sim_config */
	int64_t			min, max;	/* MF_KNOB_INT and MF_KNOB_SIZE */
	/*
	 * The default; for a knob whose default is the traced kernel's (traced), the value
	 * that stands for "not set" (MF_SIM_KEEP, or 0 for a size).
	 */
	int64_t			def;
	bool			traced;
	const char		*sysctl_dir;	/* the sysctl is sysctl_dir + name, or NULL */
	const char		*help;		/* one line for --help, without range or default */
};

/* The table, in --help order, ended by an entry with a NULL name. */
extern const struct mf_sim_knob mf_sim_knobs[];

/* The knob called name, or NULL. */
const struct mf_sim_knob *mf_sim_knob_find(const char *name);

/*
 * The value of knob k (not MF_KNOB_NAME) in c into *v (booleans 1 or 0): true, or false
 * when c leaves it to the traced kernel.
 */
bool mf_sim_knob_value(const struct mf_sim_config *c, const struct mf_sim_knob *k, int64_t *v);

/* What --help and the man page write after "KEY=": "N", "on|off", "SIZE", "NAME". */
const char *mf_sim_knob_arg(const struct mf_sim_knob *k);

/*
 * The table's facts about k as one phrase, such as "0 to 1000, default 500,
 * /proc/sys/vm/extfrag_threshold".  Returns what snprintf() returns.
 */
int mf_sim_knob_describe(const struct mf_sim_knob *k, char *buf, size_t len);

/*
 * Parse value v of knob k into c: 0, or -1 with one line in err naming the key.  Strict:
 * no sign, blank, base prefix, fraction or trailing character, and the table's range.
 */
int mf_sim_knob_parse(struct mf_sim_config *c, const struct mf_sim_knob *k, const char *v,
		      char *err, size_t len);

#endif
