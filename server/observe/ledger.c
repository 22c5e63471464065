/*
 * server/observe/ledger.c - GET /mock/ledger: the money consistency check (see
 * ledger.h). Walks the orders a page at a time, the whole store's in id
 * order, one merchant's in out_trade_no order (a range of its index, so a
 * small merchant's check does not read the whole store): each page (up
 * to LEDGER_PAGE orders with their refunds) is read inside one store
 * transaction under ctx->lock, so an order and its refunds are seen at one
 * instant, and checked after the lock is released; the gateway runs
 * between pages, and memory stays one page whatever the store holds. The
 * uniqueness and orphan checks walk the refunds' indexes the same way.
 * Each broken invariant is reported:
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
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

#define LEDGER_LISTED_MAX 100               /* violations listed; all are counted */
#define LEDGER_REFUND_CAP (2 * MOCK_REFUNDS_MAX + 1) /* rows read per order */

#define LEDGER_PAGE 256                      /* orders read per turn of the lock */
#define LEDGER_PAGE_ROWS 4096                /* refund rows read per turn (about 1 MB) */

/* One page: orders and their refunds, read under the lock, checked after it. */
typedef struct page {
    mock_order orders[LEDGER_PAGE];
    size_t first[LEDGER_PAGE];               /* each order's first row in `rows` */
    size_t nrows[LEDGER_PAGE];
    size_t count;
    mock_refund rows[LEDGER_PAGE_ROWS + LEDGER_REFUND_CAP];
    size_t used;
} page;

typedef struct ledger {
    cJSON *list;             /* listed violations */
    long long violations;    /* all of them */
    long long orders, refunds;
    long long paid_fee;      /* what customers paid and did not get back by cancel */
    long long refunded_fee;  /* counting refunds */
    int nomem;
} ledger;

static int collect(const mock_order *o, void *user)
{
    page *p = user;
    p->orders[p->count++] = *o;
    return p->count == LEDGER_PAGE;
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

/* The invariants of one order and its refunds `r[0..n)` (`n` == cap: maybe more). */
static void check_order(ledger *l, const mock_order *o, const mock_refund *r, size_t n)
{
    long long counting_fee = 0;
    size_t counting = 0;
    for (size_t i = 0; i < n; i++) {
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
    if (n >= LEDGER_REFUND_CAP)
        violation(l, "too_many", o->mch_id, o->out_trade_no, "%zu or more refunds", n);
    else if (n > MOCK_REFUNDS_MAX)
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

static void duplicate(const mock_store_key *k, long long count, void *user)
{
    ledger *l = user;
    if (k->refund_id[0])
        violation(l, "duplicate_id", k->mch_id, "", "refund_id %s is used %lld times",
                  k->refund_id, count);
    else
        violation(l, "duplicate_number", k->mch_id, "", "out_refund_no %s is used %lld times",
                  k->out_refund_no, count);
}

/* Read the page after `after` (orders, then their refunds while they fit). Caller locks. */
static mock_store_rc read_page(mock_ctx *ctx, const char *mch_id, const mock_store_order_pos *after,
                               page *p)
{
    p->count = 0;
    p->used = 0;
    mock_store_rc rc = mock_store_orders_after(ctx->store, mch_id, after, LEDGER_PAGE, collect, p);
    for (size_t i = 0; rc == MOCK_STORE_OK && i < p->count; i++) {
        if (p->used > LEDGER_PAGE_ROWS) {
            p->count = i;   /* the rest starts the next page */
            break;
        }
        p->first[i] = p->used;
        rc = mock_store_refunds_of_order(ctx->store, p->orders[i].id, p->rows + p->used,
                                         LEDGER_REFUND_CAP, &p->nrows[i]);
        p->used += p->nrows[i];
    }
    return rc;
}

/* One read-only transaction under the lock around `step`. */
#define LOCKED_READ(ctx, rc, step)                                   \
    do {                                                             \
        pthread_mutex_lock(&(ctx)->lock);                            \
        (rc) = mock_store_begin((ctx)->store);                       \
        if ((rc) == MOCK_STORE_OK)                                   \
            (rc) = (step);                                           \
        if ((rc) == MOCK_STORE_OK)                                   \
            (rc) = mock_store_commit((ctx)->store);                  \
        else                                                         \
            mock_store_rollback((ctx)->store);                       \
        pthread_mutex_unlock(&(ctx)->lock);                          \
    } while (0)

/*
 * Between two pages: when gateway calls wait for the lock, let one take it
 * before the next page does (unlocking alone is not enough: the mutex is not
 * fair, and this thread would take it back at once, page after page).
 */
static void let_gateway_in(mock_ctx *ctx)
{
    unsigned long long turns = atomic_load(&ctx->gateway_turns);
    while (atomic_load(&ctx->gateway_waiting) > 0 && atomic_load(&ctx->gateway_turns) == turns)
        sched_yield();
}

/* Walk and check everything, a page per turn of ctx->lock. */
static mock_store_rc walk(mock_ctx *ctx, const char *mch_id, ledger *l, page *p)
{
    mock_store_rc rc = MOCK_STORE_OK;
    mock_store_order_pos pos;   /* where the walk stands */
    memset(&pos, 0, sizeof pos);
    do {
        LOCKED_READ(ctx, rc, read_page(ctx, mch_id, &pos, p));
        let_gateway_in(ctx);
        for (size_t i = 0; rc == MOCK_STORE_OK && i < p->count; i++) {
            check_order(l, &p->orders[i], p->rows + p->first[i], p->nrows[i]);
            l->orders++;
            l->refunds += (long long)p->nrows[i];
        }
        if (rc == MOCK_STORE_OK && p->count > 0) {
            /* the next page starts after the last order checked (a page cut short included) */
            const mock_order *last = &p->orders[p->count - 1];
            pos.id = last->id;
            memcpy(pos.out_trade_no, last->out_trade_no, sizeof pos.out_trade_no);
        }
    } while (rc == MOCK_STORE_OK && p->count > 0);

    for (int by_id = 0; by_id < 2 && rc == MOCK_STORE_OK; by_id++) {
        mock_store_key after;
        memset(&after, 0, sizeof after);
        size_t seen = 0;
        do {
            LOCKED_READ(ctx, rc, mock_store_duplicates_after(ctx->store, by_id, mch_id, &after,
                                                             LEDGER_PAGE_ROWS, duplicate, l,
                                                             &seen));
        } while (rc == MOCK_STORE_OK && seen > 0);
    }

    /* Every refund belongs to an order (whole-store check). */
    long long after = 0, seen = 0, orphans = 0, all_orphans = 0;
    while (!mch_id && rc == MOCK_STORE_OK) {
        LOCKED_READ(ctx, rc, mock_store_orphans_after(ctx->store, &after, LEDGER_PAGE_ROWS, &seen,
                                                      &orphans));
        all_orphans += orphans;
        if (seen == 0)
            break;
    }
    if (rc == MOCK_STORE_OK && all_orphans)
        violation(l, "orphan", "", "", "%lld refund(s) without an order", all_orphans);
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
    page *p = malloc(sizeof *p);
    l.list = cJSON_CreateArray();
    if (!root || !p || !l.list) {
        cJSON_Delete(root);
        cJSON_Delete(l.list);
        free(p);
        mock_reply_error(out, 500, "out of memory");
        return;
    }
    mock_store_rc rc = walk(ctx, mch_id, &l, p);
    free(p);
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
