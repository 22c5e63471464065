/*
 * suite/parallel.c - the "parallel" step (see parallel.h): templates first,
 * on the runner's thread; then one thread and one client per call, released
 * together by a barrier so the requests race at the gateway; then one view
 * of all the answers.
 */
#include "parallel.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define GET(obj, key) cJSON_GetObjectItemCaseSensitive((obj), (key))

/* The starting gate: every racer waits until `open`; `cancelled` sends them home. */
typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int open;
    int cancelled;
} gate;

/* One racing call. */
typedef struct racer {
    suite_ctx ctx;               /* a copy of the scenario's, with its own client */
    suite_step step;             /* the sub-step on the expanded spec */
    cJSON *spec;                 /* owned */
    gate *start;
    suite_step_result res;
    suite_buf err;
    int rc;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    pthread_mutex_lock(&r->start->lock);
    while (!r->start->open)
        pthread_cond_wait(&r->start->cond, &r->start->lock);
    int cancelled = r->start->cancelled;
    pthread_mutex_unlock(&r->start->lock);
    r->rc = cancelled ? -1 : suite_step_exec(&r->ctx, &r->step, &r->res, &r->err);
    return NULL;
}

static void gate_open(gate *g, int cancelled)
{
    pthread_mutex_lock(&g->lock);
    g->open = 1;
    g->cancelled = cancelled;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

/* The view's fields as a JSON object. */
static cJSON *view_object(const upay_params *view)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && view && i < upay_params_count(view); i++)
        cJSON_AddStringToObject(o, upay_params_name_at(view, i), upay_params_value_at(view, i));
    return o;
}

/* Every exchange, for the failure report. */
static void trace(const racer *rs, size_t n, suite_step_result *out)
{
    suite_buf req = {0}, sig = {0}, res = {0};
    for (size_t i = 0; i < n; i++) {
        suite_buf_printf(&req, "[%zu] %s\n", i, rs[i].res.request ? rs[i].res.request : "");
        suite_buf_printf(&sig, "[%zu] %s\n", i, rs[i].res.sign_string ? rs[i].res.sign_string : "");
        suite_buf_printf(&res, "[%zu] HTTP %ld %s\n", i, rs[i].res.http_status,
                         rs[i].res.response ? rs[i].res.response : "");
    }
    out->url = n && rs[0].res.url ? suite_strdup(rs[0].res.url) : NULL;
    out->request = suite_buf_take(&req);
    out->sign_string = suite_buf_take(&sig);
    out->response = suite_buf_take(&res);
}

int suite_parallel_exec(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                        suite_buf *err)
{
    memset(out, 0, sizeof *out);
    size_t n = step->nsub;
    racer *rs = calloc(n, sizeof *rs);
    pthread_t *threads = calloc(n, sizeof *threads);
    gate start = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    int rc = rs && threads ? 0 : -1;
    size_t ready = 0;
    for (; rc == 0 && ready < n; ready++) {
        racer *r = &rs[ready];
        r->spec = suite_step_expand_json(ctx, step->sub[ready].spec, 1, &rc, err);
        if (!r->spec)
            break;
        r->ctx = *ctx;
        r->ctx.own_client = NULL;
        r->ctx.client = suite_client_new(ctx->target, ctx->agent_id, ctx->key);
        r->step = step->sub[ready];
        r->step.spec = r->spec;
        r->start = &start;
        if (!r->ctx.client)
            rc = -1;
    }
    size_t started = 0;
    while (rc == 0 && started < n) {
        if (pthread_create(&threads[started], NULL, race, &rs[started]) != 0)
            rc = -1;
        else
            started++;
    }
    gate_open(&start, rc != 0);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (rc == -1 && !err->len)
        suite_buf_puts(err, "parallel: cannot start the calls (memory or threads)");
    cJSON *results = rc == 0 ? cJSON_CreateArray() : NULL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (rs[i].rc != 0) {
            rc = rs[i].rc;
            suite_buf_printf(err, "%s: %s", step->sub[i].label, suite_buf_str(&rs[i].err));
            break;
        }
        cJSON *o = view_object(rs[i].res.view);
        if (!o || !results) {
            cJSON_Delete(o);
            rc = -1;
            break;
        }
        cJSON_AddItemToArray(results, o);
    }
    if (rs)
        trace(rs, ready < n ? ready : n, out);
    char *text = rc == 0 && results ? cJSON_PrintUnformatted(results) : NULL;
    out->view = upay_params_new();
    if (rc == 0 && (!text || !out->view || upay_params_set(out->view, "results", text) != UPAY_OK)) {
        suite_buf_puts(err, "out of memory");
        rc = -1;
    }
    cJSON_free(text);
    cJSON_Delete(results);
    for (size_t i = 0; rs && i < n; i++) {
        upay_client_free(rs[i].ctx.client);
        cJSON_Delete(rs[i].spec);
        suite_step_result_clear(&rs[i].res);
        suite_buf_free(&rs[i].err);
    }
    free(rs);
    free(threads);
    return rc;
}
