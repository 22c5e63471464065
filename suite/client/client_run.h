/*
 * suite/client/client_run.h - one client scenario from start to verdict:
 * on a merchant of its own, pay the order a refund or cancel needs, move
 * the clock, arm the mock (rules, faults), run the integrator's program for
 * the business action, read back the journal, the orders and the ledger,
 * and judge (client_judge.h).
 */
#ifndef SUITE_CLIENT_RUN_H
#define SUITE_CLIENT_RUN_H

#include <cjson/cJSON.h>

#include "client_program.h"
#include "client_scenario.h"
#include "runner.h"
#include "target.h"

typedef struct suite_client_config {
    const char *command;        /* the program: /bin/sh -c COMMAND */
    const char *agent_id;       /* handed to the program, and used for the setup pay */
    const char *key;
    const char *run_tag;        /* merchants and numbers: unique per run */
    unsigned long long seed;    /* payment codes */
    double limit_scale;         /* multiplies every scenario's time limit (1 = as written) */
} suite_client_config;

/*
 * Run scenario `s` (at position `index` of the run) against `target` (a
 * mock with control). Fills `*o` (o->scenario = &s->base): PASS, FAIL with
 * the broken rules in o->message ("C-RULE: sentence; ...") and the
 * traffic, the program's output and the truth in o->detail, or SKIP when
 * the target cannot run it.
 */
void suite_client_run_one(const suite_client_config *cfg, suite_target *target,
                          const suite_client_scenario *s, size_t index, suite_outcome *o);

/* Shared with client_notify.c. */

/* The environment of the contract (docs/client-conformance.md): "NAME=value" strings. */
typedef struct contract_env {
    char *vars[16];
    size_t n;
} contract_env;

/* Add NAME=value (copied; beyond 16 variables ignored). */
void suite_client_env_add(contract_env *e, const char *name, const char *value);
void suite_client_env_free(contract_env *e);

/*
 * Check one run of the program against the contract (started, exited 0 in
 * time, a JSON object on its last line with a valid "outcome"): 0 with the
 * outcome's name in `outcome` and the object in `*line` (may be NULL; the
 * caller deletes), or -1 with "C-CONTRACT: ..." appended to `why`.
 */
int suite_client_read_outcome(const suite_client_scenario *s, const suite_prog_result *pr,
                              char outcome[32], cJSON **line, suite_buf *why);

/* The lines of `lines` joined with "; " onto `msg`: the broken rules on one line. */
void suite_client_join_lines(const char *lines, suite_buf *msg);

/* The end (at most `max` bytes, whole lines) of `text`, indented, into `b`. */
void suite_client_tail(suite_buf *b, const char *label, const char *text, size_t max);

#endif /* SUITE_CLIENT_RUN_H */
