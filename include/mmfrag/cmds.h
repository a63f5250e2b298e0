/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMFRAG_CMDS_H
#define MMFRAG_CMDS_H

/* Subcommand entry points: argv[0] is the subcommand name; return an MF_EXIT_* status. */
int cmd_status(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_top(int argc, char **argv);

struct mf_cmd {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*summary;
};

extern const struct mf_cmd mf_cmds[];

#endif
