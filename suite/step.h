/*
 * suite/step.h - executing one step of a scenario (call, raw, flow, mock,
 * set) and turning what came back into a "view" for expectations. Internal
 * to the runner.
 */
#ifndef SUITE_STEP_H
#define SUITE_STEP_H

#include <cjson/cJSON.h>
#include <upay.h>

#include "private_mock.h"
#include "runner.h"
#include "template.h"

/* The run state of one scenario. */
typedef struct suite_ctx {
    const suite_run_config *cfg;
    suite_target *target;        /* cfg->target, or the scenario's private mock */
    const char *agent_id;        /* whom the scenario calls as (cfg's, or the private */
    const char *key;             /*   mock's first agent); borrowed */
    suite_private *priv;         /* the private mock, or NULL; owned by the runner */
    upay_client *own_client;     /* the client of a private mock, or NULL; owned here */
    upay_client *client;         /* the handle in use: the worker's or own_client */
    suite_vars *vars;            /* the scenario's variables (owned by the runner) */
    suite_tpl_env env;
    const char *mch;             /* the scenario's merchant */
    suite_buf sleep_err;         /* a clock move that failed inside a flow */
    unsigned long long slept;    /* seconds the flows asked to sleep */
    unsigned long long *rules;   /* ids of the mock rules its "rule" steps added, removed
                                    when the scenario ends (runner); owned */
    size_t nrules;
    struct suite_listener *listener; /* the scenario's ${notify_url} (notify.h), or NULL;
                                        owned by the runner */
} suite_ctx;

/* What one execution of a step produced. Strings owned; NULL when none. */
typedef struct suite_step_result {
    upay_params *view;           /* fields + pseudo fields for expectations */
    char *url;
    char *request;               /* body sent */
    char *sign_string;           /* string to sign, key shown as *** */
    char *response;              /* body received */
    long http_status;
} suite_step_result;

void suite_step_result_clear(suite_step_result *r);

/*
 * Execute `step` once. Returns 0 when it ran (out->view set), SUITE_TPL_MISSING
 * when an input is missing (skip; `err` says which) or -1 when it could not
 * run (bad template, admin API failure; `err` says why). `out` may hold
 * partial request data in every case.
 */
int suite_step_exec(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                    suite_buf *err);

/*
 * A client for target `t` calling as `agent_id` with `key` (MD5). NULL when
 * memory runs out or a setting is refused. Free with upay_client_free().
 */
upay_client *suite_client_new(const suite_target *t, const char *agent_id, const char *key);

/*
 * A copy of `v` with every string expanded as a template (numbers, booleans
 * and nulls kept); with `escape`, each '$' of an expanded string is written
 * '$$', so the copy can be expanded again and give the same text. NULL with
 * *rc a SUITE_TPL_* code (and a sentence in `err`), or -1 when memory runs out.
 * Free with cJSON_Delete().
 */
cJSON *suite_step_expand_json(suite_ctx *ctx, const cJSON *v, int escape, int *rc,
                              suite_buf *err);

/* The upay_code's enum name without UPAY_/UPAY_E_ ("OK", "GATEWAY_REFUSED"). */
const char *suite_code_name(upay_code code);

#endif /* SUITE_STEP_H */
