/*
 * server/observe/ledger.c - GET /mock/ledger: the money consistency check (see
 * ledger.h). Reads every order and its refunds inside one store
 * transaction under ctx->lock (a consistent snapshot, nothing written) and
 * reports each broken invariant:
 *
 *   overdrawn        counting (non-FAIL) refunds exceed total_fee - coupon_fee
 *   refunded_fee     the order's refunded_fee is not the sum of its counting refunds
 *   refund_count     the order's refund_count is not its number of refund rows
 *   too_many         more than MOCK_REFUNDS_MAX refunds
 *   serial_no        the refunds' serial numbers are not 0..n-1
 *   cancelled        a CLOSED or REVOKED order has a counting refund
 *   state            REFUNDED without a counting refund, or a counting refund on
 *                    an order that is not REFUNDED
 *   amount           a fee out of range (total <= 0, coupon outside [0, total],
 *                    refund_fee <= 0)
 *   merchant         a refund filed under another merchant than its order's
 *   duplicate_number one out_refund_no twice for a merchant
 *   duplicate_id     one refund_id twice
 *   orphan           refunds whose order does not exist (whole-store check only)
 *
 * The check does not settle anything: settling only moves PAYING orders and
 * PROCESSING refunds, and neither move changes what counts.
 */
#include "observe/ledger.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

#define LEDGER_LISTED_MAX 100               /* violations listed; all are counted */
#define LEDGER_REFUND_CAP (2 * MOCK_REFUNDS_MAX + 1) /* rows read per order */

typedef struct order_vec {
    mock_order *items;
    size_t count, cap;
    int nomem;
} order_vec;

/* One refund number, for the uniqueness checks. */
typedef struct refund_key {
    char mch_id[33];
    char out_refund_no[33];
    char refund_id[29];
} refund_key;

typedef struct ledger {
    cJSON *list;             /* listed violations */
    long long violations;    /* all of them */
    long long orders, refunds;
    long long paid_fee;      /* what customers paid and did not get back by cancel */
    long long refunded_fee;  /* counting refunds */
    refund_key *keys;
    size_t nkeys, capkeys;
    int capped;              /* an order had more rows than were read */
    int nomem;
} ledger;

static int collect(const mock_order *o, void *user)
{
    order_vec *v = user;
    if (v->count == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        mock_order *bigger = realloc(v->items, cap * sizeof *bigger);
        if (!bigger) {
            v->nomem = 1;
            return 1;
        }
        v->items = bigger;
        v->cap = cap;
    }
    v->items[v->count++] = *o;
    return 0;
}

static void violation(ledger *l, const char *rule, const char *mch_id, const char *out_trade_no,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void violation(ledger *l, const char *rule, const char *mch_id, const char *out_trade_no,
                      const char *fmt, ...)
{
    l->violations++;
    if (l->violations > LEDGER_LISTED_MAX)
        return;
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cJSON *v = cJSON_CreateObject();
    if (!v) {
        l->nomem = 1;
        return;
    }
    cJSON_AddStringToObject(v, "rule", rule);
    cJSON_AddStringToObject(v, "mch_id", mch_id);
    cJSON_AddStringToObject(v, "out_trade_no", out_trade_no);
    cJSON_AddStringToObject(v, "detail", detail);
    cJSON_AddItemToArray(l->list, v);
}

static void remember(ledger *l, const mock_refund *r)
{
    if (l->nkeys == l->capkeys) {
        size_t cap = l->capkeys ? 2 * l->capkeys : 64;
        refund_key *bigger = realloc(l->keys, cap * sizeof *bigger);
        if (!bigger) {
            l->nomem = 1;
            return;
        }
        l->keys = bigger;
        l->capkeys = cap;
    }
    refund_key *k = &l->keys[l->nkeys++];
    memcpy(k->mch_id, r->mch_id, sizeof k->mch_id);
    memcpy(k->out_refund_no, r->out_refund_no, sizeof k->out_refund_no);
    memcpy(k->refund_id, r->refund_id, sizeof k->refund_id);
}

/* The invariants of one order and its refunds `r[0..n)` (`n` == cap: maybe more). */
static void check_order(ledger *l, const mock_order *o, const mock_refund *r, size_t n)
{
    long long counting_fee = 0;
    size_t counting = 0;
    for (size_t i = 0; i < n; i++) {
        remember(l, &r[i]);
        if (r[i].refund_fee <= 0)
            violation(l, "amount", o->mch_id, o->out_trade_no, "refund %s has refund_fee %lld",
                      r[i].out_refund_no, r[i].refund_fee);
        if (strcmp(r[i].mch_id, o->mch_id) != 0)
            violation(l, "merchant", o->mch_id, o->out_trade_no,
                      "refund %s is filed under merchant %s", r[i].out_refund_no, r[i].mch_id);
        if (r[i].serial_no != (int)i)
            violation(l, "serial_no", o->mch_id, o->out_trade_no,
                      "refund %s has serial_no %d at position %zu", r[i].out_refund_no,
                      r[i].serial_no, i);
        if (mock_refund_counts(r[i].status)) {
            counting++;
            if (r[i].refund_fee > 0 && counting_fee <= LLONG_MAX - r[i].refund_fee)
                counting_fee += r[i].refund_fee;
        }
    }
    l->refunded_fee += counting_fee;
    if (o->state == MOCK_TRADE_PAID || o->state == MOCK_TRADE_REFUNDED)
        l->paid_fee += o->total_fee - o->coupon_fee;

    if (o->total_fee <= 0 || o->coupon_fee < 0 || o->coupon_fee > o->total_fee)
        violation(l, "amount", o->mch_id, o->out_trade_no, "total_fee %lld, coupon_fee %lld",
                  o->total_fee, o->coupon_fee);
    if (counting_fee > o->total_fee - o->coupon_fee)
        violation(l, "overdrawn", o->mch_id, o->out_trade_no,
                  "counting refunds %lld fen > paid %lld fen (total %lld, coupon %lld)",
                  counting_fee, o->total_fee - o->coupon_fee, o->total_fee, o->coupon_fee);
    if (o->refunded_fee != counting_fee)
        violation(l, "refunded_fee", o->mch_id, o->out_trade_no,
                  "refunded_fee %lld, counting refunds sum to %lld", o->refunded_fee, counting_fee);
    if (n >= LEDGER_REFUND_CAP) {
        l->capped = 1;
        violation(l, "too_many", o->mch_id, o->out_trade_no, "%zu or more refunds", n);
    } else if (n > MOCK_REFUNDS_MAX)
        violation(l, "too_many", o->mch_id, o->out_trade_no, "%zu refunds (at most %d)", n,
                  MOCK_REFUNDS_MAX);
    if ((size_t)o->refund_count != n && n < LEDGER_REFUND_CAP)
        violation(l, "refund_count", o->mch_id, o->out_trade_no,
                  "refund_count %d, %zu refund rows", o->refund_count, n);
    if ((o->state == MOCK_TRADE_CLOSED || o->state == MOCK_TRADE_REVOKED) && counting)
        violation(l, "cancelled", o->mch_id, o->out_trade_no,
                  "%s with %zu counting refund(s)", mock_trade_state_name(o->state), counting);
    else if (o->state == MOCK_TRADE_REFUNDED && !counting)
        violation(l, "state", o->mch_id, o->out_trade_no, "REFUNDED without a counting refund");
    else if (o->state != MOCK_TRADE_REFUNDED && counting)
        violation(l, "state", o->mch_id, o->out_trade_no, "%s with %zu counting refund(s)",
                  mock_trade_state_name(o->state), counting);
}

static int by_number(const void *a, const void *b)
{
    const refund_key *x = a, *y = b;
    int c = strcmp(x->mch_id, y->mch_id);
    return c ? c : strcmp(x->out_refund_no, y->out_refund_no);
}

static int by_id(const void *a, const void *b)
{
    const refund_key *x = a, *y = b;
    return strcmp(x->refund_id, y->refund_id);
}

static void check_unique(ledger *l)
{
    if (l->nkeys < 2)
        return;
    qsort(l->keys, l->nkeys, sizeof *l->keys, by_number);
    for (size_t i = 1; i < l->nkeys; i++)
        if (by_number(&l->keys[i - 1], &l->keys[i]) == 0)
            violation(l, "duplicate_number", l->keys[i].mch_id, "",
                      "out_refund_no %s is used twice", l->keys[i].out_refund_no);
    qsort(l->keys, l->nkeys, sizeof *l->keys, by_id);
    for (size_t i = 1; i < l->nkeys; i++)
        if (by_id(&l->keys[i - 1], &l->keys[i]) == 0)
            violation(l, "duplicate_id", l->keys[i].mch_id, "", "refund_id %s is used twice",
                      l->keys[i].refund_id);
}

/* Read and check everything. Caller holds ctx->lock. */
static mock_store_rc walk(mock_ctx *ctx, const char *mch_id, ledger *l, mock_refund *rows)
{
    order_vec v = { NULL, 0, 0, 0 };
    long long all_orders = 0, all_refunds = 0;
    mock_store_rc rc = mock_store_begin(ctx->store);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_count(ctx->store, &all_orders, &all_refunds);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_orders_each(ctx->store, mch_id, (size_t)LLONG_MAX, collect, &v);
    if (rc == MOCK_STORE_OK && v.nomem)
        rc = MOCK_STORE_ERROR;
    long long seen_refunds = 0;
    for (size_t i = 0; rc == MOCK_STORE_OK && i < v.count; i++) {
        size_t n = 0;
        rc = mock_store_refunds_of_order(ctx->store, v.items[i].id, rows, LEDGER_REFUND_CAP, &n);
        if (rc == MOCK_STORE_OK) {
            check_order(l, &v.items[i], rows, n);
            seen_refunds += (long long)n;
        }
    }
    if (rc == MOCK_STORE_OK)
        rc = mock_store_commit(ctx->store);
    else
        mock_store_rollback(ctx->store);
    l->orders = (long long)v.count;
    l->refunds = seen_refunds;
    /* Every refund belongs to an order (a capped order hides some: then say nothing). */
    if (rc == MOCK_STORE_OK && !mch_id && !l->capped && seen_refunds < all_refunds)
        violation(l, "orphan", "", "", "%lld refund(s) without an order", all_refunds - seen_refunds);
    free(v.items);
    return rc;
}

void mock_ledger_report(mock_ctx *ctx, const char *mch_id, mock_reply *out)
{
    memset(out, 0, sizeof *out);
    if (mch_id && !*mch_id)
        mch_id = NULL;
    if (mch_id && !mock_mch_id_valid(mch_id)) {
        mock_reply_error(out, 400, "mch_id must be 1-32 letters or digits");
        return;
    }
    ledger l;
    memset(&l, 0, sizeof l);
    cJSON *root = cJSON_CreateObject();
    mock_refund *rows = calloc(LEDGER_REFUND_CAP, sizeof *rows);
    l.list = cJSON_CreateArray();
    if (!root || !rows || !l.list) {
        cJSON_Delete(root);
        cJSON_Delete(l.list);
        free(rows);
        mock_reply_error(out, 500, "out of memory");
        return;
    }
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = walk(ctx, mch_id, &l, rows);
    pthread_mutex_unlock(&ctx->lock);
    free(rows);
    if (rc == MOCK_STORE_OK)
        check_unique(&l);
    free(l.keys);
    if (rc != MOCK_STORE_OK || l.nomem) {
        cJSON_Delete(root);
        cJSON_Delete(l.list);
        mock_reply_error(out, 500, rc != MOCK_STORE_OK ? "the store failed" : "out of memory");
        return;
    }
    cJSON_AddBoolToObject(root, "consistent", l.violations == 0);
    cJSON_AddStringToObject(root, "scope", mch_id ? mch_id : "all");
    cJSON_AddNumberToObject(root, "orders", (double)l.orders);
    cJSON_AddNumberToObject(root, "refunds", (double)l.refunds);
    cJSON_AddNumberToObject(root, "paid_fee", (double)l.paid_fee);
    cJSON_AddNumberToObject(root, "refunded_fee", (double)l.refunded_fee);
    cJSON_AddNumberToObject(root, "violation_count", (double)l.violations);
    cJSON_AddItemToObject(root, "violations", l.list);
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) {
        mock_reply_error(out, 500, "out of memory");
        return;
    }
    mock_reply_take(out, 200, text);
}
