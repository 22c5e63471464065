/*
 * suite/client/client_run.h - one client scenario from start to verdict:
 * on a merchant of its own, pay the order a refund or cancel needs, move
 * the clock, arm the mock (rules, faults), run the integrator's program for
 * the business action, read back the journal, the orders and the ledger,
 * and judge (client_judge.h).
 */
#ifndef SUITE_CLIENT_RUN_H
#define SUITE_CLIENT_RUN_H

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

#endif /* SUITE_CLIENT_RUN_H */
