/*
 * suite/options.h - upay-suite's command line, environment and profile
 * file. Precedence: command line, then environment (UPAY_TARGET,
 * UPAY_AGENT_ID, UPAY_KEY, UPAY_MCH_ID), then the profile file (--profile
 * FILE or UPAY_SUITE_PROFILE): lines "name = value", '#' comments, names
 * target, agent_id, key, mch_id, insecure, var.NAME.
 */
#ifndef SUITE_OPTIONS_H
#define SUITE_OPTIONS_H

#include <stdio.h>

#include "select.h"
#include "vars.h"

typedef struct suite_options {
    char **paths;            /* FILES or DIRS; empty = default scenarios/ */
    size_t npaths;
    char *target;            /* --target URL; NULL = embedded mock */
    char *agent_id;
    char *key;
    char *mch_id;
    char *profile;
    char *junit;             /* --junit FILE */
    int tap;                 /* --tap: TAP on stdout, console on stderr */
    int list;                /* --list */
    int random;              /* --random order */
    int has_seed;
    unsigned long long seed;
    unsigned jobs;           /* -j N */
    int insecure;            /* --insecure (self-signed https targets) */
    int no_prompt;           /* --no-prompt */
    int quiet;               /* -q: no progress lines, only failures and summary */
    int lint;                /* --lint: report the mock linter's findings per scenario */
    int anonymous;           /* --anonymous: the embedded mock hides its admin API (a
                                foreign gateway, for testing the suite itself) */
    char *dialect;           /* --dialect seed|live: the embedded mock's dialect, or what a
                                --target speaks; NULL = seed embedded, else the target's */
    int help;
    suite_vars *vars;        /* --var NAME=VALUE (and var.NAME from the profile) */
    suite_filter filter;     /* --tag, --name, --rule, --shard (pattern arrays owned) */
} suite_options;

/*
 * Parse argv into `o` (zeroed first). Returns 0, or -1 with a sentence in
 * `err` (unknown option, missing or malformed value). Environment and
 * profile are applied by suite_options_finish().
 */
int suite_options_parse(int argc, char **argv, suite_options *o, suite_buf *err);

/* Fill what the command line left unset from the environment, then the
 * profile. Returns 0, or -1 with a sentence (unreadable/malformed profile). */
int suite_options_finish(suite_options *o, suite_buf *err);

void suite_options_free(suite_options *o);

/* The usage text. */
void suite_options_usage(FILE *f);

#endif /* SUITE_OPTIONS_H */
