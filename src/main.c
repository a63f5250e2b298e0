// SPDX-License-Identifier: GPL-2.0
/*
 * mmfrag: global options, the command table, exit status.  Global argp parsing stops at
 * the subcommand (ARGP_IN_ORDER); each cmd_*() parses its own options.
 */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmfrag/cmds.h"
#include "mmfrag/common.h"

const char *argp_program_bug_address = NULL;

/*
 * argp's own --version prints and exits 0 whatever follows it, so "mmfrag -V x" looked
 * like success; -V takes nothing after it, in every subcommand.
 */
static void print_version(FILE *f, struct argp_state *state)
{
	if (state && state->next < state->argc) {
		fprintf(stderr, "%s: --version takes nothing after it ('%s'); see '%s --help'\n",
			state->name, state->argv[state->next], state->name);
		exit(MF_EXIT_USAGE);
	}
	fprintf(f, "mmfrag 0.1\n");
}

void (*argp_program_version_hook)(FILE *, struct argp_state *) = print_version;

const struct mf_cmd mf_cmds[] = {
	{ "status",	cmd_status,	"fragmentation state of the live machine or of a capture" },
	{ "replay",	cmd_replay,	"replay a trace.dat through the buddy-allocator model" },
	{ "report",	cmd_report,	"present a saved replay result" },
	{ "compare",	cmd_compare,	"compare two results or traces; exit 3 when a threshold is crossed" },
	{ "record",	cmd_record,	"capture page-allocator and compaction events with ground truth" },
	{ "top",	cmd_top,	"live fragmentation, compaction stalls and the tasks behind them" },
	{ NULL, NULL, NULL },
};

static char *help_filter(int key, const char *text, void *input)
{
	const struct mf_cmd *c;
	size_t len = 0, n;
	char *s;

	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	for (c = mf_cmds; c->name; c++)
		len += strlen(c->name) + strlen(c->summary) + 16;
	s = malloc(len + 64);
	if (!s)
		return (char *)text;
	n = (size_t)sprintf(s, "Commands:\n");
	for (c = mf_cmds; c->name; c++)
		n += (size_t)sprintf(s + n, "  %-10s %s\n", c->name, c->summary);
	sprintf(s + n, "\nRun 'mmfrag COMMAND --help' for a command's options.");
	return s;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	int *cmd_idx = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		mf_argp_quiet(state);	/* one line per usage error, as in the subcommands */
		return 0;
	case ARGP_KEY_ARG:
		*cmd_idx = state->next - 1;
		state->next = state->argc;	/* the rest belongs to the subcommand */
		return 0;
	case ARGP_KEY_NO_ARGS:
		fprintf(stderr, "mmfrag: a command is required; see 'mmfrag --help'\n");
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.parser = parse_opt,
	.args_doc = "COMMAND [OPTION...]",
	.doc = "Trace replayer and fragmentation analyzer for Linux physical memory."
	       "\vExit status: 0 ok, 1 runtime error, 2 usage error, 3 a compare threshold was crossed.",
	.help_filter = help_filter,
};

int main(int argc, char **argv)
{
	const struct mf_cmd *c;
	int cmd_idx = -1;

	argp_err_exit_status = MF_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &cmd_idx))
		return MF_EXIT_USAGE;
	for (c = mf_cmds; c->name; c++) {
		if (!strcmp(c->name, argv[cmd_idx])) {
			char name[64];

			/* "mmfrag replay" in usage lines and getopt's messages */
			snprintf(name, sizeof(name), "mmfrag %s", c->name);
			argv[cmd_idx] = name;
			return c->fn(argc - cmd_idx, argv + cmd_idx);
		}
	}
	mf_err("unknown command '%s'; see 'mmfrag --help'", argv[cmd_idx]);
	return MF_EXIT_USAGE;
}
