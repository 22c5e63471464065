/*
 * suite/runner.c - worker threads, one scenario at a time, step by step
 * (see runner.h). A failure stops its scenario and keeps the step, the
 * expectation, the actual value and the exchange for the report.
 */
#include "runner.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expect.h"
#include "notify.h"
#include "parallel.h"
#include "step.h"

#define GET(obj, key) cJSON_GetObjectItemCaseSensitive((obj), (key))

const char *suite_status_name(suite_status s)
{
    switch (s) {
    case SUITE_PASS: return "PASS";
    case SUITE_FAIL: return "FAIL";
    case SUITE_SKIP: return "SKIP";
    }
    return "?";
}

void suite_outcome_clear(suite_outcome *o)
{
    free(o->mch);
    free(o->message);
    free(o->detail);
    free(o->lint);
    free(o->notes);
    o->mch = o->message = o->detail = o->lint = o->notes = NULL;
}

void suite_merchant_id(const char *tag, size_t index, char *out, size_t outlen)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char num[16];
    size_t n = 0;
    do {
        num[n++] = digits[index % 36];
        index /= 36;
    } while (index && n < sizeof num);
    char rev[17];
    for (size_t i = 0; i < n; i++)
        rev[i] = num[n - 1 - i];
    rev[n] = '\0';
    snprintf(out, outlen, "S%.8s%s", tag, rev);
}

/* Shared by the workers. */
typedef struct run_state {
    const suite_run_config *cfg;
    suite_scenario **items;
    suite_outcome *outcomes;
    size_t n;
    size_t next;
    size_t done;
    pthread_mutex_t lock;
} run_state;

static pthread_mutex_t prompt_lock = PTHREAD_MUTEX_INITIALIZER;

/* Ask on the terminal (one prompt at a time across threads). */
static char *prompt_input(void *ctx, const char *name, const char *why)
{
    const suite_run_config *cfg = ctx;
    if (!cfg->interactive)
        return NULL;
    (void)why;
    pthread_mutex_lock(&prompt_lock);
    fprintf(stderr, "upay-suite: enter %s (empty to skip): ", name);
    fflush(stderr);
    char line[512];
    char *got = NULL;
    if (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            got = suite_strdup(line);
    }
    pthread_mutex_unlock(&prompt_lock);
    return got;
}

static int has_key(const cJSON *obj, const char *key)
{
    return obj && GET(obj, key) != NULL;
}

/*
 * Checks every call makes unless the scenario asks about them itself: the
 * answer arrived, and a signed answer verifies. The client's answer must be
 * one libupay believes: OK, GATEWAY_REFUSED, an unsigned RESPONSE_SIGN (an
 * answer nobody may believe, which the expectations then read) and, in the
 * live dialect, UNVERIFIED_FAIL (an unsigned "nothing moved", which the live
 * gateway sends for every business failure, R-LIVE-03). In the seed dialect
 * every answer but R-CHECK-01/02 is signed, a decision (R-CHECK-14@seed): an
 * unsigned one fails against upay-mock and is a fidelity note elsewhere.
 */
static int default_checks(const suite_ctx *ctx, const suite_step *step, const upay_params *view,
                          suite_buf *notes, suite_buf *fail)
{
    const cJSON *expect = GET(step->spec, "expect");
    if (step->kind != SUITE_STEP_CALL && step->kind != SUITE_STEP_RAW)
        return 0;
    if (has_key(expect, "_verified") || has_key(expect, "_code") || has_key(expect, "_error"))
        return 0;
    const char *code = upay_params_get(view, "_code");
    const char *sign = upay_params_get(view, "sign");
    const char *verified = upay_params_get(view, "_verified");
    const char *error = upay_params_get(view, "_error");
    int live = strcmp(ctx->target->dialect, "live") == 0;
    if (step->kind == SUITE_STEP_CALL && code && !live && !strcmp(code, "UNVERIFIED_FAIL")) {
        if (ctx->target->is_upay_mock) {
            suite_buf_printf(fail, "R-CHECK-14@seed (decision): the answer should be signed: "
                                   "the client returned %s: %s", code, error ? error : "");
            return -1;
        }
        suite_buf_printf(notes, "%s: R-CHECK-14@seed (decision): the answer is not signed\n",
                         step->label);
    } else if (step->kind == SUITE_STEP_CALL && code && strcmp(code, "OK") != 0 &&
               strcmp(code, "GATEWAY_REFUSED") != 0 &&
               !(live && strcmp(code, "UNVERIFIED_FAIL") == 0) &&
               !(strcmp(code, "RESPONSE_SIGN") == 0 && !sign)) {
        suite_buf_printf(fail, "the client returned %s: %s", code, error ? error : "");
        return -1;
    }
    if (step->kind == SUITE_STEP_RAW && error) {
        suite_buf_printf(fail, "no answer: %s", error);
        return -1;
    }
    if (sign && verified && strcmp(verified, "1") != 0) {
        suite_buf_puts(fail, "the answer's sign does not verify with the agent key");
        return -1;
    }
    return 0;
}

static int do_captures(suite_ctx *ctx, const suite_step *step, const upay_params *view,
                       suite_buf *fail)
{
    const cJSON *cap = GET(step->spec, "capture");
    for (const cJSON *c = cap ? cap->child : NULL; c; c = c->next) {
        char *v = NULL;
        if (suite_view_get(view, c->valuestring, &ctx->env, &v, fail) != 0)
            return -1;
        if (!v) {
            suite_buf_printf(fail, "capture %s: %s is absent", c->string, c->valuestring);
            return -1;
        }
        char *name = NULL; /* the variable's name may use ${i} */
        int rc = suite_expand(&ctx->env, c->string, &name, fail) == SUITE_TPL_OK
                     ? suite_vars_set(ctx->vars, name, v) : -1;
        free(name);
        free(v);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static void indent(suite_buf *b, const char *title, const char *text)
{
    if (!text || !*text)
        return;
    suite_buf_printf(b, "    %s:\n", title);
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        suite_buf_printf(b, "      %.*s\n", (int)n, p);
        p += n;
        if (*p)
            p++;
    }
}

static void describe_failure(suite_outcome *o, const suite_step *step, int iteration,
                             const char *what, const suite_step_result *r)
{
    suite_buf line = {0}, d = {0};
    if (step->repeat > 1)
        suite_buf_printf(&line, "%s [i=%d]: %s", step->label, iteration, what);
    else
        suite_buf_printf(&line, "%s: %s", step->label, what);
    suite_buf_printf(&d, "    step:     %s%s\n", step->label, step->repeat > 1 ? "" : "");
    if (step->repeat > 1)
        suite_buf_printf(&d, "    repeat:   i=%d\n", iteration);
    suite_buf_printf(&d, "    problem:  %s\n", what);
    if (r->url)
        suite_buf_printf(&d, "    url:      %s\n", r->url);
    indent(&d, "request", r->request);
    indent(&d, "string to sign", r->sign_string);
    if (r->response || r->http_status) {
        char title[64];
        snprintf(title, sizeof title, "response (HTTP %ld)", r->http_status);
        indent(&d, title, r->response ? r->response : "");
    }
    o->status = SUITE_FAIL;
    o->message = suite_buf_take(&line);
    o->detail = suite_buf_take(&d);
}

/*
 * The mock linter's findings for merchant `mch` as "kind: message" lines
 * (GET /mock/lint), or NULL when there are none or the mock has no linter.
 */
static char *fetch_lint(const suite_target *t, const char *mch)
{
    long status = 0;
    char *body = NULL;
    suite_buf err = {0};
    if (suite_mock_get(t, "lint", mch, &status, &body, &err) != 0 || status != 200) {
        suite_buf_free(&err);
        free(body);
        return NULL;
    }
    suite_buf_free(&err);
    cJSON *doc = cJSON_Parse(body);
    free(body);
    suite_buf lines = {0};
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(doc, "findings"))
    {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(f, "kind");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(f, "message");
        if (cJSON_IsString(kind) && cJSON_IsString(msg))
            suite_buf_printf(&lines, "%s: %s\n", kind->valuestring, msg->valuestring);
    }
    cJSON_Delete(doc);
    return lines.len ? suite_buf_take(&lines) : NULL;
}

/*
 * Start the scenario's private mock and switch the context to it: its
 * target, its agents (${agent}, ${agent2}, ${key2}) and a client of its
 * own. Returns 0, or -1 with the outcome set to FAIL.
 */
static int start_private(suite_ctx *ctx, const suite_scenario *s, size_t position,
                         suite_outcome *o)
{
    suite_buf err = {0};
    ctx->priv = suite_private_start(s->mock, &ctx->env, ctx->cfg->target->dialect,
                                    ctx->cfg->seed ^ (0xD1B54A32D192ED03ULL * (position + 1)),
                                    &err);
    if (ctx->priv) {
        ctx->target = suite_private_target(ctx->priv);
        ctx->agent_id = suite_private_agent(ctx->priv, 0);
        ctx->key = suite_private_key(ctx->priv, 0);
        ctx->own_client = suite_client_new(ctx->target, ctx->agent_id, ctx->key);
        ctx->client = ctx->own_client;
        if (!ctx->own_client || suite_vars_set(ctx->vars, "agent", ctx->agent_id) != 0 ||
            suite_vars_set(ctx->vars, "agent2", suite_private_agent(ctx->priv, 1)) != 0 ||
            suite_vars_set(ctx->vars, "key2", suite_private_key(ctx->priv, 1)) != 0)
            suite_buf_puts(&err, "out of memory");
    }
    if (!ctx->priv || err.len) {
        o->status = SUITE_FAIL;
        o->message = suite_strfmt("private mock: %s", suite_buf_str(&err));
        suite_buf_free(&err);
        return -1;
    }
    return 0;
}

/*
 * The step's decisions ("decide": {rule: expectations}; "rule@dialect" only on
 * a target of that dialect). Against upay-mock a
 * decision is checked like any expectation (-1, `fail` set). Elsewhere a
 * decision that differs is a fidelity note, appended to `notes`, and 0 is
 * returned. SUITE_TPL_MISSING when an expected value needs a missing input.
 */
static int eval_decisions(const suite_ctx *ctx, const suite_step *step, const upay_params *view,
                          suite_tpl_env *env, suite_buf *notes, suite_buf *fail)
{
    const cJSON *decide = GET(step->spec, "decide");
    for (const cJSON *g = decide ? decide->child : NULL; g; g = g->next) {
        const char *at = strchr(g->string, '@');
        if (at && strcmp(at + 1, ctx->target->dialect) != 0)
            continue; /* a decision of the other dialect */
        suite_buf why = {0};
        int rc = suite_expect_eval(g, view, env, &why);
        if (rc == 0) {
            suite_buf_free(&why);
            continue;
        }
        if (rc == -1 && !ctx->target->is_upay_mock) {
            suite_buf_printf(notes, "%s: %s (decision): %s\n", step->label, g->string,
                             suite_buf_str(&why));
            suite_buf_free(&why);
            continue;
        }
        if (rc == -1)
            suite_buf_printf(fail, "%s (decision): %s", g->string, suite_buf_str(&why));
        else
            suite_buf_puts(fail, suite_buf_str(&why));
        suite_buf_free(&why);
        return rc;
    }
    return 0;
}

/* The gateway's clock now into SUITE_VAR_GATEWAY_NOW, for the near_now matcher. */
static int set_gateway_now(suite_ctx *ctx, suite_buf *err)
{
    long long now = 0;
    if (suite_target_now(ctx->target, ctx->mch, &now, err) != 0)
        return -1;
    char num[32];
    snprintf(num, sizeof num, "%lld", now);
    return suite_vars_set(ctx->vars, SUITE_VAR_GATEWAY_NOW, num);
}

/*
 * Remove the mock rules the scenario's steps added: whatever they left
 * (a "times": "always" rule, one that never fired) must not strike the next
 * scenario or another user of a shared mock. A removal that fails fails the
 * scenario, which would otherwise pass and leave the rule behind.
 */
static void remove_rules(suite_ctx *ctx, suite_outcome *o)
{
    for (size_t i = 0; i < ctx->nrules; i++) {
        char path[48];
        suite_buf err = {0};
        snprintf(path, sizeof path, "rules/%llu", ctx->rules[i]);
        if (suite_mock_delete(ctx->target, path, &err) != 0 && o->status == SUITE_PASS) {
            o->status = SUITE_FAIL;
            o->message = suite_strfmt("removing the rule it added: %s", suite_buf_str(&err));
        }
        suite_buf_free(&err);
    }
    ctx->nrules = 0;
}

static void run_scenario(const suite_run_config *cfg, upay_client *client,
                         const suite_scenario *s, size_t position, suite_outcome *o)
{
    double start = suite_now_ms();
    memset(o, 0, sizeof *o);
    o->scenario = s;
    o->status = SUITE_PASS;
    if (s->dialect && strcmp(s->dialect, cfg->target->dialect) != 0) {
        o->status = SUITE_SKIP;
        o->message = suite_strfmt("for the %s dialect; the target speaks %s", s->dialect,
                                  cfg->target->dialect);
        o->ms = suite_now_ms() - start;
        return;
    }
    if ((s->requires & SUITE_REQ_PRIVATE) && (!cfg->target->embedded || !cfg->target->has_mock)) {
        o->status = SUITE_SKIP;
        o->message = suite_strdup("needs a private upay-mock (its \"mock\" object): "
                                  "only with the embedded target");
        o->ms = suite_now_ms() - start;
        return;
    }
    if ((s->requires & SUITE_REQ_NEEDS_MOCK) && !cfg->target->has_mock) {
        char req[64];
        suite_requirements_format(s->requires & SUITE_REQ_NEEDS_MOCK, req, sizeof req);
        o->status = SUITE_SKIP;
        o->message = suite_strfmt("needs %s: the target has no mock control "
                                  "(GET /mock/health did not answer)", req);
        o->ms = suite_now_ms() - start;
        return;
    }
    char mch[40];
    if (cfg->mch_id)
        snprintf(mch, sizeof mch, "%s", cfg->mch_id);
    else
        suite_merchant_id(cfg->run_tag, position, mch, sizeof mch);
    o->mch = suite_strdup(mch);

    suite_buf notes = {0};
    suite_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = cfg;
    ctx.target = cfg->target;
    ctx.agent_id = cfg->agent_id;
    ctx.key = cfg->key;
    ctx.client = client;
    ctx.mch = mch;
    ctx.vars = suite_vars_new();
    char gen_tag[40];
    snprintf(gen_tag, sizeof gen_tag, "%s", mch + 1);
    ctx.env.vars = ctx.vars;
    ctx.env.gen_tag = gen_tag;
    ctx.env.rng = cfg->seed ^ (0x9E3779B97F4A7C15ULL * (position + 1));
    ctx.env.live_codes = !cfg->target->has_mock;
    ctx.env.input = prompt_input;
    ctx.env.input_ctx = (void *)cfg;
    if (!ctx.vars || suite_vars_merge(ctx.vars, cfg->vars) != 0 ||
        suite_vars_set(ctx.vars, "mch", mch) != 0 ||
        suite_vars_set(ctx.vars, "agent", cfg->agent_id) != 0 ||
        suite_vars_set(ctx.vars, "scenario", s->name) != 0) {
        o->status = SUITE_FAIL;
        o->message = suite_strdup("out of memory");
        goto done;
    }
    if (s->mock && start_private(&ctx, s, position, o) != 0)
        goto done;
    if (s->notify) {   /* the scenario's own notify_url (notify.h) */
        suite_buf lerr = {0};
        ctx.listener = suite_listener_open(&lerr);
        if (!ctx.listener || suite_vars_set(ctx.vars, "notify_url",
                                            suite_listener_url(ctx.listener)) != 0) {
            o->status = SUITE_FAIL;
            o->message = suite_strfmt("notify listener: %s",
                                      lerr.len ? suite_buf_str(&lerr) : "out of memory");
            suite_buf_free(&lerr);
            goto done;
        }
        suite_buf_free(&lerr);
    }
    for (size_t i = 0; i < s->nsteps && o->status == SUITE_PASS; i++) {
        const suite_step *step = &s->steps[i];
        const cJSON *dialect = GET(step->spec, "dialect");
        if (cJSON_IsString(dialect) && strcmp(dialect->valuestring, ctx.target->dialect) != 0)
            continue; /* a step for the other dialect */
        for (int it = 0; it < step->repeat && o->status == SUITE_PASS; it++) {
            char num[16];
            snprintf(num, sizeof num, "%d", it);
            suite_vars_set(ctx.vars, "i", num);
            suite_step_result r;
            suite_buf err = {0};
            int rc = step->kind == SUITE_STEP_PARALLEL
                         ? suite_parallel_exec(&ctx, step, &r, &err)
                         : suite_step_exec(&ctx, step, &r, &err);
            if (rc == SUITE_TPL_MISSING) {
                o->status = SUITE_SKIP;
                o->message = suite_strfmt("%s %s", step->label, suite_buf_str(&err));
            } else if (rc != 0) {
                describe_failure(o, step, it, suite_buf_str(&err), &r);
            } else {
                rc = default_checks(&ctx, step, r.view, &notes, &err);
                if (rc == 0 && (suite_expect_uses_now(GET(step->spec, "expect")) ||
                                suite_expect_uses_now(GET(step->spec, "decide"))))
                    rc = set_gateway_now(&ctx, &err);
                if (rc == 0)
                    rc = suite_expect_eval(GET(step->spec, "expect"), r.view, &ctx.env, &err);
                if (rc == 0)
                    rc = eval_decisions(&ctx, step, r.view, &ctx.env, &notes, &err);
                if (rc == 0)
                    rc = do_captures(&ctx, step, r.view, &err);
                if (rc == SUITE_TPL_MISSING) {
                    o->status = SUITE_SKIP;
                    o->message = suite_strfmt("%s %s", step->label, suite_buf_str(&err));
                } else if (rc != 0) {
                    describe_failure(o, step, it, suite_buf_str(&err), &r);
                }
            }
            suite_buf_free(&err);
            suite_step_result_clear(&r);
        }
    }
    if (notes.len)
        o->notes = suite_buf_take(&notes);
    suite_buf_free(&notes);
    if (cfg->lint && ctx.target && ctx.target->has_mock)
        o->lint = fetch_lint(ctx.target, mch);
    remove_rules(&ctx, o);
done:
    suite_listener_close(ctx.listener);
    free(ctx.rules);
    upay_client_free(ctx.own_client); /* before the mock stops: see suite_embedded_stop() */
    suite_private_stop(ctx.priv);
    suite_buf_free(&ctx.sleep_err);
    suite_vars_free(ctx.vars);
    o->ms = suite_now_ms() - start;
}

static void *worker(void *arg)
{
    run_state *st = arg;
    upay_client *client = suite_client_new(st->cfg->target, st->cfg->agent_id, st->cfg->key);
    for (;;) {
        pthread_mutex_lock(&st->lock);
        size_t i = st->next < st->n ? st->next++ : st->n;
        pthread_mutex_unlock(&st->lock);
        if (i >= st->n)
            break;
        if (!client) {
            memset(&st->outcomes[i], 0, sizeof st->outcomes[i]);
            st->outcomes[i].scenario = st->items[i];
            st->outcomes[i].status = SUITE_FAIL;
            st->outcomes[i].message = suite_strdup("could not create a client handle");
        } else {
            run_scenario(st->cfg, client, st->items[i], st->items[i]->index, &st->outcomes[i]);
        }
        pthread_mutex_lock(&st->lock);
        st->done++;
        if (st->cfg->progress)
            st->cfg->progress(&st->outcomes[i], st->done, st->n, st->cfg->progress_userdata);
        pthread_mutex_unlock(&st->lock);
    }
    upay_client_free(client);
    return NULL;
}

int suite_run(const suite_run_config *cfg, suite_scenario **items, size_t n,
              suite_outcome *outcomes)
{
    for (size_t i = 0; i < n; i++) {
        memset(&outcomes[i], 0, sizeof outcomes[i]);
        outcomes[i].scenario = items[i];
        outcomes[i].status = SUITE_SKIP;
    }
    if (upay_global_init() != UPAY_OK)
        return -1;
    run_state st = {.cfg = cfg, .items = items, .outcomes = outcomes, .n = n};
    pthread_mutex_init(&st.lock, NULL);
    unsigned jobs = cfg->jobs > 1 ? cfg->jobs : 1;
    if (jobs > n)
        jobs = n ? (unsigned)n : 1;
    pthread_t *threads = calloc(jobs, sizeof *threads);
    int rc = threads ? 0 : -1;
    unsigned started = 0;
    for (unsigned j = 1; rc == 0 && j < jobs; j++) {
        if (pthread_create(&threads[j], NULL, worker, &st) != 0)
            break;
        started++;
    }
    if (rc == 0)
        worker(&st); /* the calling thread works too */
    for (unsigned j = 1; j <= started; j++)
        pthread_join(threads[j], NULL);
    free(threads);
    pthread_mutex_destroy(&st.lock);
    return rc;
}
