/*
 * server/admin/admin.c - the admin API (see admin.h): health, reset, clock,
 * orders and journal; it routes the rest (rules, merchants, pre-orders,
 * ledger) to their files. Changes run under the store lock in one transaction.
 */
#include "admin/admin.h"
#include "admin/admin_edge.h"
#include "admin/admin_merchant.h"
#include "admin/admin_preorder.h"
#include "observe/ledger.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay/form.h>
#include <upay/protocol.h>

#include "calls/calls.h"
#include "domain/code_url.h"

#ifndef UPAY_MOCK_VERSION
#define UPAY_MOCK_VERSION "0.0.0"
#endif

#define ORDERS_DEFAULT_LIMIT 100
#define ORDERS_MAX_LIMIT 1000
#define MERCHANTS_DEFAULT_LIMIT 100
#define MERCHANTS_MAX_LIMIT 1000
#define JOURNAL_MAX_LIMIT 1000

static void add_time(cJSON *obj, const char *name, long long when)
{
    char buf[15];
    if (when && upay_time_format((time_t)when, buf) == UPAY_OK)
        cJSON_AddStringToObject(obj, name, buf);
    else
        cJSON_AddStringToObject(obj, name, "");
}

/* A query-string parameter parsed as a whole number within [min, max]; `def` when absent. */
static int query_number(const upay_params *q, const char *name, long long def, long long min,
                        long long max, long long *out)
{
    const char *v = q ? upay_params_get(q, name) : NULL;
    if (!v || !*v) {
        *out = def;
        return 0;
    }
    long long n;
    if (upay_amount_parse(v, &n) != UPAY_OK || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

static void health(mock_reply *out)
{
    cJSON *root = cJSON_CreateObject();
    if (root) {
        cJSON_AddStringToObject(root, "status", "ok");
        cJSON_AddStringToObject(root, "mock", "upay-mock");
        cJSON_AddStringToObject(root, "version", UPAY_MOCK_VERSION);
    }
    mock_reply_json(out, 200, root);
}

/* Parse an optional JSON object body ("" counts as {}). NULL on error (reply sent). */
static cJSON *object_body(const char *body, size_t len, mock_reply *out)
{
    cJSON *root = len ? cJSON_ParseWithLength(body, len) : cJSON_CreateObject();
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        mock_reply_error(out, 400, "the body must be a JSON object");
        return NULL;
    }
    return root;
}

/* The optional "mch_id" member; sets *bad when present but not a valid merchant id. */
static const char *mch_member(const cJSON *root, int *bad)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "mch_id");
    *bad = 0;
    if (!m)
        return NULL;
    if (!cJSON_IsString(m) || !mock_mch_id_valid(m->valuestring)) {
        *bad = 1;
        return NULL;
    }
    return m->valuestring;
}

static void reset(mock_ctx *ctx, const char *body, size_t len, mock_reply *out)
{
    cJSON *root = object_body(body, len, out);
    if (!root)
        return;
    int bad;
    const char *mch_id = mch_member(root, &bad);
    if (bad) {
        cJSON_Delete(root);
        mock_reply_error(out, 400, "mch_id must be 1-32 letters or digits");
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mock_store_begin(ctx->store);
    if (rc == MOCK_STORE_OK && mch_id)
        rc = mock_store_reset_merchant(ctx->store, mch_id);
    else if (rc == MOCK_STORE_OK) {
        rc = mock_store_reset_all(ctx->store);
        if (rc == MOCK_STORE_OK)
            rc = mock_ctx_enter_merchants(ctx);
    }
    if (rc == MOCK_STORE_OK)
        rc = mock_store_commit(ctx->store);
    else
        mock_store_rollback(ctx->store);
    if (rc == MOCK_STORE_OK && !mch_id)
        mock_clock_set_global_offset(ctx->clock, 0);
    /*
     * Still under the lock, so no call sees the fresh store with the old
     * rules, effects or linter memory (a call picks its rule under this
     * lock too); a call that ran before finds its journal entry dropped
     * (mock_journal_clear starts a new epoch).
     */
    if (rc == MOCK_STORE_OK && !mch_id)
        mock_journal_clear(ctx->journal);
    if (rc == MOCK_STORE_OK && !mch_id)
        mock_retention_reset(ctx->retention, mock_clock_merchant_now(ctx->clock, 0),
                             mock_lint_sequence(ctx->lint));
    if (rc == MOCK_STORE_OK) {
        /* a merchant's rules, their effects and its linter memory go with it */
        mock_rules_clear(ctx->rules, mch_id, 1);
        mock_lint_forget(ctx->lint, mch_id);
        mock_notify_forget(ctx->notify, mch_id);
        if (!mch_id && mock_ctx_enter_rules(ctx) != 0)
            rc = MOCK_STORE_ERROR;
    }
    pthread_mutex_unlock(&ctx->lock);

    cJSON *answer = cJSON_CreateObject();
    if (answer) {
        cJSON_AddStringToObject(answer, "status", rc == MOCK_STORE_OK ? "ok" : "error");
        cJSON_AddStringToObject(answer, "reset", mch_id ? mch_id : "all");
    }
    cJSON_Delete(root);
    mock_reply_json(out, rc == MOCK_STORE_OK ? 200 : 500, answer);
}

/* Answer the time of merchant `m` (or the global clock when NULL). Caller holds the lock. */
static cJSON *clock_answer(mock_ctx *ctx, const mock_merchant *m)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    long long offset = m ? m->clock_offset : 0;
    long long now = mock_clock_merchant_now(ctx->clock, offset);
    cJSON_AddNumberToObject(root, "now", (double)now);
    add_time(root, "time", now);
    cJSON_AddNumberToObject(root, "global_offset", (double)mock_clock_global_offset(ctx->clock));
    if (m) {
        cJSON_AddStringToObject(root, "mch_id", m->mch_id);
        cJSON_AddNumberToObject(root, "offset", (double)m->clock_offset);
    }
    return root;
}

static void clock_get(mock_ctx *ctx, const upay_params *q, mock_reply *out)
{
    const char *mch_id = q ? upay_params_get(q, "mch_id") : NULL;
    mock_merchant m;
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mch_id ? mock_store_merchant_get(ctx->store, mch_id, &m) : MOCK_STORE_OK;
    cJSON *answer = rc == MOCK_STORE_OK ? clock_answer(ctx, mch_id ? &m : NULL) : NULL;
    pthread_mutex_unlock(&ctx->lock);
    if (rc == MOCK_STORE_NOT_FOUND)
        mock_reply_error(out, 404, "unknown mch_id");
    else
        mock_reply_json(out, rc == MOCK_STORE_OK ? 200 : 500, answer);
}

static void clock_post(mock_ctx *ctx, const char *body, size_t len, mock_reply *out)
{
    cJSON *root = object_body(body, len, out);
    if (!root)
        return;
    int bad;
    const char *mch_id = mch_member(root, &bad);
    const cJSON *adv = cJSON_GetObjectItemCaseSensitive(root, "advance_seconds");
    double d = cJSON_IsNumber(adv) ? adv->valuedouble : -1;
    if (bad || d < 0 || d > (double)MOCK_CLOCK_MAX_ADVANCE || d != (double)(long long)d) {
        cJSON_Delete(root);
        mock_reply_error(out, 400, bad ? "mch_id must be 1-32 letters or digits"
                                  : "advance_seconds must be a whole number of seconds >= 0");
        return;
    }
    long long delta = (long long)d;
    mock_merchant m;
    cJSON *answer = NULL;
    int status = 200;
    const char *error = NULL;
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mock_store_begin(ctx->store);
    if (rc == MOCK_STORE_OK && mch_id) {
        rc = mock_store_merchant_get(ctx->store, mch_id, &m);
        if (rc == MOCK_STORE_OK && !mock_clock_offset_ok(m.clock_offset, delta))
            error = "the clock cannot move that far";
        else if (rc == MOCK_STORE_OK) {
            m.clock_offset += delta;
            rc = mock_store_merchant_put(ctx->store, &m);
        }
    } else if (rc == MOCK_STORE_OK) {
        long long g = mock_clock_global_offset(ctx->clock);
        if (!mock_clock_offset_ok(g, delta))
            error = "the clock cannot move that far";
        else
            rc = mock_store_meta_set(ctx->store, MOCK_META_GLOBAL_OFFSET, g + delta);
        /* every exchange so far happened before the move (retention counts from here) */
        if (rc == MOCK_STORE_OK && !error)
            mock_retention_mark(ctx->retention, mock_clock_merchant_now(ctx->clock, 0),
                                mock_lint_sequence(ctx->lint));
    }
    if (rc == MOCK_STORE_OK && !error)
        rc = mock_store_commit(ctx->store);
    else
        mock_store_rollback(ctx->store);
    if (rc == MOCK_STORE_OK && !error && !mch_id)
        mock_clock_set_global_offset(ctx->clock, mock_clock_global_offset(ctx->clock) + delta);
    if (rc == MOCK_STORE_OK && !error)
        answer = clock_answer(ctx, mch_id ? &m : NULL);
    pthread_mutex_unlock(&ctx->lock);
    if (rc == MOCK_STORE_OK && !error)
        mock_notify_kick(ctx->notify);   /* notifications due on the moved clock go now */
    cJSON_Delete(root);
    /* the global clock moved: forget now what it made idle, not a minute later */
    if (rc == MOCK_STORE_OK && !error && !mch_id && delta > 0)
        (void)mock_retention_sweep(ctx->retention, ctx);
    if (error)
        mock_reply_error(out, 400, error);
    else if (rc == MOCK_STORE_NOT_FOUND)
        mock_reply_error(out, 404, "unknown mch_id");
    else if (rc != MOCK_STORE_OK)
        mock_reply_error(out, 500, "the store failed");
    else
        mock_reply_json(out, status, answer);
}

typedef struct order_batch {
    mock_order *items;
    size_t count, cap;
} order_batch;

static int collect(const mock_order *o, void *user)
{
    order_batch *b = user;
    if (b->count >= b->cap)
        return 1;
    b->items[b->count++] = *o;
    return 0;
}

static cJSON *refund_json(const mock_refund *r)
{
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return NULL;
    cJSON_AddNumberToObject(j, "serial_no", r->serial_no);
    cJSON_AddStringToObject(j, "out_refund_no", r->out_refund_no);
    cJSON_AddStringToObject(j, "refund_id", r->refund_id);
    cJSON_AddStringToObject(j, "out_refund_id", r->out_refund_id);
    cJSON_AddNumberToObject(j, "refund_fee", (double)r->refund_fee);
    cJSON_AddStringToObject(j, "refund_status", upay_refund_status_name(r->status));
    cJSON_AddNumberToObject(j, "attempts", r->attempts);
    add_time(j, "created", r->created_at);
    add_time(j, "refund_time", r->updated_at);
    add_time(j, "due", r->due_at);
    return j;
}

static cJSON *order_json(const mock_order *o, const mock_refund *refunds, size_t n)
{
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return NULL;
    const mock_persona *p = mock_persona_of(o->auth_code);
    cJSON_AddStringToObject(j, "mch_id", o->mch_id);
    cJSON_AddStringToObject(j, "out_trade_no", o->out_trade_no);
    cJSON_AddStringToObject(j, "transaction_id", o->transaction_id);
    cJSON_AddStringToObject(j, "out_transaction_id", o->out_transaction_id);
    cJSON_AddStringToObject(j, "paytype", upay_paytype_name((upay_paytype)o->paytype));
    cJSON_AddStringToObject(j, "auth_code", o->auth_code);
    cJSON_AddStringToObject(j, "persona", p->suffix[0] ? p->suffix : "default");
    /* an unpaid pre-order is NOTPAY: waiting for the customer's scan (docs/scan-to-pay.md) */
    cJSON_AddStringToObject(j, "state", o->trade_type[0] && o->state == MOCK_TRADE_PAYING
                                        ? "NOTPAY" : mock_trade_state_name(o->state));
    cJSON_AddNumberToObject(j, "total_fee", (double)o->total_fee);
    cJSON_AddNumberToObject(j, "coupon_fee", (double)o->coupon_fee);
    cJSON_AddNumberToObject(j, "refunded_fee", (double)o->refunded_fee);
    cJSON_AddNumberToObject(j, "refundable_fee", (double)mock_trade_refundable(o));
    cJSON_AddStringToObject(j, "attach", o->attach);
    add_time(j, "created", o->created_at);
    add_time(j, "time_end", o->paid_at);
    add_time(j, "closed", o->closed_at);
    add_time(j, "due", o->due_at);
    if (o->trade_type[0]) {
        cJSON_AddStringToObject(j, "trade_type", o->trade_type);
        cJSON_AddStringToObject(j, "notify_url", o->notify_url);
        add_time(j, "expires", o->expires_at);
        char link[128];
        mock_code_url(o, link, sizeof link);
        cJSON_AddStringToObject(j, "code_url", link);
    }
    cJSON *list = cJSON_AddArrayToObject(j, "refunds");
    for (size_t i = 0; list && i < n; i++) {
        cJSON *r = refund_json(&refunds[i]);
        if (r)
            cJSON_AddItemToArray(list, r);
    }
    return j;
}

static void orders(mock_ctx *ctx, const upay_params *q, mock_reply *out)
{
    long long limit;
    if (query_number(q, "limit", ORDERS_DEFAULT_LIMIT, 1, ORDERS_MAX_LIMIT, &limit) != 0) {
        mock_reply_error(out, 400, "limit must be a number from 1 to 1000");
        return;
    }
    const char *mch_id = q ? upay_params_get(q, "mch_id") : NULL;
    if (mch_id && !*mch_id)
        mch_id = NULL;
    order_batch b = { calloc((size_t)limit, sizeof(mock_order)), 0, (size_t)limit };
    mock_refund *refunds = calloc(MOCK_REFUNDS_MAX, sizeof *refunds);
    cJSON *root = cJSON_CreateObject();
    cJSON *list = root ? cJSON_AddArrayToObject(root, "orders") : NULL;
    if (!b.items || !refunds || !list) {
        free(b.items);
        free(refunds);
        cJSON_Delete(root);
        mock_reply_take(out, 500, NULL);
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mock_store_begin(ctx->store);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_orders_each(ctx->store, mch_id, (size_t)limit, collect, &b);
    for (size_t i = 0; rc == MOCK_STORE_OK && i < b.count; i++) {
        /* Reading applies what the merchant's clock did, as the gateway would. */
        mock_merchant m;
        mock_call c;
        memset(&c, 0, sizeof c);
        c.ctx = ctx;
        rc = mock_store_merchant_get(ctx->store, b.items[i].mch_id, &m);
        if (rc == MOCK_STORE_NOT_FOUND) {
            memset(&m, 0, sizeof m);
            rc = MOCK_STORE_OK;
        }
        c.merchant = m;
        c.now = mock_clock_merchant_now(ctx->clock, m.clock_offset);
        size_t n = 0;
        if (rc == MOCK_STORE_OK)
            rc = mock_call_settle_order(&c, &b.items[i]);
        if (rc == MOCK_STORE_OK)
            rc = mock_store_refunds_of_order(ctx->store, b.items[i].id, refunds, MOCK_REFUNDS_MAX, &n);
        for (size_t k = 0; rc == MOCK_STORE_OK && k < n; k++)
            rc = mock_call_settle_refund(&c, &b.items[i], &refunds[k]);
        cJSON *item = order_json(&b.items[i], refunds, n);
        if (item)
            cJSON_AddItemToArray(list, item);
    }
    if (rc == MOCK_STORE_OK)
        rc = mock_store_commit(ctx->store);
    else
        mock_store_rollback(ctx->store);
    pthread_mutex_unlock(&ctx->lock);
    free(b.items);
    free(refunds);
    if (rc != MOCK_STORE_OK) {
        cJSON_Delete(root);
        mock_reply_error(out, 500, "the store failed");
        return;
    }
    mock_reply_json(out, 200, root);
}

static void journal_item(const mock_journal_entry *e, void *user)
{
    cJSON *list = user;
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return;
    cJSON_AddNumberToObject(j, "seq", (double)e->seq);
    cJSON_AddNumberToObject(j, "time", (double)e->time);
    cJSON_AddStringToObject(j, "call", e->call);
    cJSON_AddNumberToObject(j, "http_status", e->http_status);
    cJSON_AddStringToObject(j, "request", e->request ? e->request : "");
    cJSON_AddStringToObject(j, "response", e->response ? e->response : "");
    if (e->mch_id[0]) {
        cJSON_AddStringToObject(j, "mch_id", e->mch_id);
        if (e->mch_time)
            cJSON_AddNumberToObject(j, "mch_time", (double)e->mch_time);
    }
    if (e->out_trade_no[0])
        cJSON_AddStringToObject(j, "out_trade_no", e->out_trade_no);
    if (e->out_refund_no[0])
        cJSON_AddStringToObject(j, "out_refund_no", e->out_refund_no);
    if (e->rule)
        cJSON_AddNumberToObject(j, "rule", (double)e->rule);
    if (e->fault[0]) {
        cJSON_AddStringToObject(j, "fault", e->fault);
        cJSON_AddStringToObject(j, "fault_source", e->fault_source);
    }
    if (e->change[0])
        cJSON_AddStringToObject(j, "change", e->change);
    if (e->lint[0])
        cJSON_AddStringToObject(j, "lint", e->lint);
    if (e->detail[0])
        cJSON_AddStringToObject(j, "detail", e->detail);
    cJSON_AddItemToArray(list, j);
}

static void journal(mock_ctx *ctx, const upay_params *q, mock_reply *out)
{
    long long limit;
    if (query_number(q, "limit", 50, 1, JOURNAL_MAX_LIMIT, &limit) != 0) {
        mock_reply_error(out, 400, "limit must be a number from 1 to 1000");
        return;
    }
    const char *mch = q ? upay_params_get(q, "mch_id") : NULL;
    const char *otn = q ? upay_params_get(q, "out_trade_no") : NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *list = root ? cJSON_AddArrayToObject(root, "entries") : NULL;
    if (list)
        mock_journal_each_match(ctx->journal, (size_t)limit, mch && *mch ? mch : NULL,
                                otn && *otn ? otn : NULL, journal_item, list);
    mock_reply_json(out, 200, root);
}

static void merchants(mock_ctx *ctx, const upay_params *q, mock_reply *out)
{
    long long limit;
    if (query_number(q, "limit", MERCHANTS_DEFAULT_LIMIT, 1, MERCHANTS_MAX_LIMIT, &limit) != 0) {
        mock_reply_error(out, 400, "limit must be a number from 1 to 1000");
        return;
    }
    mock_admin_merchants_list(ctx, q ? upay_params_get(q, "after") : NULL, (size_t)limit, out);
}

void mock_admin_handle(mock_ctx *ctx, const char *http_method, const char *path,
                       const char *query, const char *body, size_t len, mock_reply *out)
{
    memset(out, 0, sizeof *out);
    const char *m = http_method ? http_method : "";
    int get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0;
    upay_params *q = NULL;
    if (query && *query && upay_form_parse(query, strlen(query), 4096, &q, NULL) != UPAY_OK) {
        mock_reply_error(out, 400, "malformed query string");
        return;
    }
    const char *p = path ? path : "";
    if (mock_admin_edge_handle(ctx, http_method, p, q, body, len, out))
        ; /* rules, faults, lint */
    else if (mock_admin_merchant_handle(ctx, http_method, p, out))
        ; /* one merchant and its key */
    else if (mock_admin_preorder_handle(ctx, http_method, p, q, body, len, out))
        ; /* scan-to-pay: the customer's side, notifications */
    else if (strcmp(p, "/mock/health") == 0 && get)
        health(out);
    else if (strcmp(p, "/mock/reset") == 0 && post)
        reset(ctx, body, len, out);
    else if (strcmp(p, "/mock/clock") == 0 && get)
        clock_get(ctx, q, out);
    else if (strcmp(p, "/mock/clock") == 0 && post)
        clock_post(ctx, body, len, out);
    else if (strcmp(p, "/mock/orders") == 0 && get)
        orders(ctx, q, out);
    else if (strcmp(p, "/mock/journal") == 0 && get)
        journal(ctx, q, out);
    else if (strcmp(p, "/mock/merchants") == 0 && get)
        merchants(ctx, q, out);
    else if (strcmp(p, "/mock/ledger") == 0 && get)
        mock_ledger_report(ctx, q ? upay_params_get(q, "mch_id") : NULL, out);
    else if (strcmp(p, "/mock/health") == 0 || strcmp(p, "/mock/reset") == 0
             || strcmp(p, "/mock/clock") == 0 || strcmp(p, "/mock/orders") == 0
             || strcmp(p, "/mock/journal") == 0 || strcmp(p, "/mock/ledger") == 0
             || strcmp(p, "/mock/merchants") == 0) {
        mock_reply_error(out, 405, "method not allowed on this admin endpoint");
        out->allow = strcmp(p, "/mock/clock") == 0 ? "GET, POST"
                   : strcmp(p, "/mock/reset") == 0 ? "POST" : "GET";
    } else
        mock_reply_error(out, 404, "unknown admin endpoint");
    upay_params_free(q);
}

/* VmRSS of this process in bytes, from /proc/self/status; -1 when unknown. */
static long long rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[128];
    long long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %lld kB", &kib) == 1)
            break;
    fclose(f);
    return kib < 0 ? -1 : kib * 1024;
}

cJSON *mock_admin_stats(mock_ctx *ctx)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *mem = root ? cJSON_AddObjectToObject(root, "memory") : NULL;
    cJSON *count = root ? cJSON_AddObjectToObject(root, "count") : NULL;
    cJSON *ret = root ? cJSON_AddObjectToObject(root, "retention") : NULL;
    if (!mem || !count || !ret) {
        cJSON_Delete(root);
        return NULL;
    }
    long long merchants = 0, orders = 0, refunds = 0;
    pthread_mutex_lock(&ctx->lock);
    size_t store_bytes = mock_store_memory(ctx->store);
    mock_store_rc rc = mock_store_merchant_count(ctx->store, &merchants);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_count(ctx->store, &orders, &refunds);
    pthread_mutex_unlock(&ctx->lock);
    size_t lint_bytes = 0, lint_merchants = 0, rules_bytes = 0, nrules = 0, effects = 0;
    mock_lint_usage(ctx->lint, &lint_bytes, &lint_merchants);
    mock_rules_usage(ctx->rules, &rules_bytes, &nrules, &effects);
    mock_retention_counts rc_counts;
    mock_retention_counts_get(ctx->retention, &rc_counts);
    long long rss = rss_bytes();
    if (rss >= 0)
        cJSON_AddNumberToObject(mem, "rss", (double)rss);
    cJSON_AddNumberToObject(mem, "store", (double)store_bytes);
    cJSON_AddNumberToObject(mem, "linter", (double)lint_bytes);
    cJSON_AddNumberToObject(mem, "rules", (double)rules_bytes);
    size_t journal_bytes = 0, journal_entries = 0;
    mock_journal_usage(ctx->journal, &journal_bytes, &journal_entries);
    cJSON_AddNumberToObject(mem, "journal", (double)journal_bytes);
    /* and its bound: entries times their largest size */
    cJSON_AddNumberToObject(mem, "journal_max",
                            (double)MOCK_JOURNAL_CAPACITY
                                * (sizeof(mock_journal_entry) + 2.0 * MOCK_JOURNAL_BODY_MAX));
    if (rc == MOCK_STORE_OK) {
        cJSON_AddNumberToObject(count, "merchants", (double)merchants);
        cJSON_AddNumberToObject(count, "orders", (double)orders);
        cJSON_AddNumberToObject(count, "refunds", (double)refunds);
    }
    cJSON_AddNumberToObject(count, "linter_merchants", (double)lint_merchants);
    cJSON_AddNumberToObject(count, "journal_entries", (double)journal_entries);
    cJSON_AddNumberToObject(count, "rules", (double)nrules);
    cJSON_AddNumberToObject(count, "effects", (double)effects);
    cJSON_AddNumberToObject(ret, "seconds", (double)rc_counts.period);
    cJSON_AddNumberToObject(ret, "sweeps", (double)rc_counts.sweeps);
    cJSON_AddNumberToObject(ret, "merchants_forgotten", (double)rc_counts.merchants);
    cJSON_AddNumberToObject(ret, "orders_forgotten", (double)rc_counts.orders);
    cJSON_AddNumberToObject(ret, "refunds_forgotten", (double)rc_counts.refunds);
    return root;
}
