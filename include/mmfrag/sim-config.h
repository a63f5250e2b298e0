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
	MF_KNOB_ENUM,		/* one of words[]; field int, the word's index */
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
	const char		*sysctl_file;	/* the file in sysctl_dir when not name */
	const char *const	*words;		/* MF_KNOB_ENUM: NULL-ended, in the kernel's order */
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

/*
 * What --help and the man page write after "KEY=": "N", "on|off", "SIZE", "NAME", or an
 * enum's words joined by '|'.
 */
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

/*
 * The traced kernel's settings (a start capture's "sysctl" file, mf_state_sysctl_read()):
 * get(priv, key, val, len) returns 0 with the value of the setting named as knob key, or
 * -1 when the capture lacks it.  Every knob with a sysctl that c does not give takes the
 * traced value: the knobs with a kernel default (extfrag_threshold, ...) as their value,
 * the knobs whose default is the traced kernel's (watermark_scale_factor, thp_defrag, ...)
 * stay MF_SIM_KEEP and the value goes to c->traced, for the model to start from when a
 * config changes them.  Returns the number of settings taken, or -1 with err naming the
 * key when the capture's value is not one the knob takes.
 */
typedef int (*mf_sim_setting_fn)(void *priv, const char *key, char *val, size_t len);
int mf_sim_config_traced(struct mf_sim_config *c, mf_sim_setting_fn get, void *priv,
			 char *err, size_t len);

#endif
