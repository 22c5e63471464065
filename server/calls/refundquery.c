/*
 * server/calls/refundquery.c - the refundquery call: precedence refund_id >
 * out_refund_no > transaction_id > out_trade_no (the live dialect's request
 * check leaves only one of out_refund_no > refund_id); a query by order lists
 * every refund (refused over MOCK_REFUND_QUERY_MAX), a query by refund lists
 * that one with its serial_no. refund_list is a JSON array in a string.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay/protocol.h>
#include <upay/refund_list.h>

#include "calls/calls.h"

/*
 * Copy `src` into `dst` of `size` bytes, cut to fit. Not snprintf: GCC 12's
 * Release build cannot see the source's bound through the inlined refund
 * list and fails -Wformat-truncation on it.
 */
static void copy_cut(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void entry_of(const mock_refund *r, upay_refund_entry *e)
{
    memset(e, 0, sizeof *e);
    e->serial_no = (unsigned)r->serial_no;
    copy_cut(e->refund_id, sizeof e->refund_id, r->refund_id);
    copy_cut(e->out_refund_id, sizeof e->out_refund_id, r->out_refund_id);
    copy_cut(e->out_refund_no, sizeof e->out_refund_no, r->out_refund_no);
    snprintf(e->refund_channel, sizeof e->refund_channel, "ORIGINAL");
    e->refund_fee = r->refund_fee;
    e->refund_status = r->status;
    if (upay_time_format((time_t)r->updated_at, e->refund_time) != UPAY_OK)
        e->refund_time[0] = '\0';
    e->coupon_refund_fee = 0;
}

/*
 * The live dialect's refund_list: each entry adds base_refund_fee, the
 * amount asked (equal to refund_fee: coupons are never refunded). libupay
 * encodes the seed's entries; the field is added here. NULL when memory
 * runs out. Malloc'ed.
 */
static char *live_list(const char *seed_list)
{
    cJSON *list = cJSON_Parse(seed_list), *item;
    char *text = NULL;
    int ok = cJSON_IsArray(list);
    cJSON_ArrayForEach(item, list) {
        const cJSON *fee = cJSON_GetObjectItemCaseSensitive(item, "refund_fee");
        if (!ok || !cJSON_IsString(fee)
            || !cJSON_AddStringToObject(item, "base_refund_fee", fee->valuestring))
            ok = 0;
    }
    if (ok)
        text = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    return text;
}

/*
 * The refund lists live on the heap, not the stack: a worker's stack keeps
 * every page it ever touched, so 50 refunds' worth of stack here (21 KiB)
 * once cost each of the 384 workers that ever answered a refundquery 21 KiB
 * of resident memory for the rest of the mock's life (docs/performance.md).
 */
static void answer_found(mock_call *c, const mock_order *o, const mock_refund *list, size_t n)
{
    upay_refund_entry *entries = malloc((n ? n : 1) * sizeof *entries);
    if (!entries) {
        c->nomem = 1;
        return;
    }
    long long summary = 0;
    for (size_t i = 0; i < n; i++) {
        entry_of(&list[i], &entries[i]);
        if (mock_refund_counts(list[i].status))
            summary += list[i].refund_fee;
    }
    char *encoded = NULL;
    upay_code st = upay_refund_list_encode(entries, n, &encoded);
    free(entries);
    if (st != UPAY_OK) {
        c->nomem = 1;
        return;
    }
    char *live = c->ctx->live ? live_list(encoded) : NULL;
    if (c->ctx->live && !live) {
        upay_free(encoded);
        c->nomem = 1;
        return;
    }
    mock_answer_status(c, "SUCCESS", 10000, "SUCCESS", "SUCCESS");
    mock_answer_put(c, "mch_id", o->mch_id);
    mock_answer_buyer(c, o);
    mock_answer_put(c, "transaction_id", o->transaction_id);
    mock_answer_put(c, "out_transaction_id", o->out_transaction_id);
    mock_answer_put(c, "out_trade_no", o->out_trade_no);
    mock_answer_put_ll(c, "refund_count", (long long)n);
    mock_answer_put_ll(c, "refund_fee_summary", summary);
    mock_answer_put(c, "refund_list", live ? live : encoded);
    if (c->ctx->live) {
        mock_answer_put_ll(c, "base_refund_fee_summary", summary);
        mock_answer_put(c, "paytype", upay_paytype_name((upay_paytype)o->paytype));
    }
    free(live);
    upay_free(encoded);
}

static void answer_missing(mock_call *c, const char *what)
{
    mock_answer_status(c, "SUCCESS", 20007, what, "FAIL");
}

int mock_call_refundquery(mock_call *c)
{
    const mock_request *rq = c->rq;
    mock_store *s = c->ctx->store;
    mock_order o;
    mock_refund one;
    size_t n = 0;
    mock_store_rc rc;

    if (rq->refund_id || rq->out_refund_no) {
        rc = rq->refund_id ? mock_store_refund_by_refund_id(s, rq->mch_id, rq->refund_id, &one)
                           : mock_store_refund_by_out_refund_no(s, rq->mch_id, rq->out_refund_no,
                                                                &one);
        if (rc == MOCK_STORE_NOT_FOUND) {
            answer_missing(c, "refund does not exist");
            return 0;
        }
        if (rc != MOCK_STORE_OK || mock_store_order_by_id(s, one.order_id, &o) != MOCK_STORE_OK
            || mock_call_settle_order(c, &o) != MOCK_STORE_OK)
            return -1;
        if (mock_call_paytype_mismatch(c, &o))
            return 0;
        if (mock_call_settle_refund(c, &o, &one) != MOCK_STORE_OK)
            return -1;
        answer_found(c, &o, &one, 1);
        return 0;
    }

    rc = mock_call_find_order(c, 1, &o);
    if (rc == MOCK_STORE_NOT_FOUND) {
        answer_missing(c, "order does not exist");
        return 0;
    }
    if (rc != MOCK_STORE_OK)
        return -1;
    if (mock_call_paytype_mismatch(c, &o))
        return 0;
    if (o.refund_count == 0) {
        answer_missing(c, "the order has no refunds");
        return 0;
    }
    if (o.refund_count > MOCK_REFUND_QUERY_MAX) {
        mock_answer_status(c, "SUCCESS", 20010,
                           "refund query error: the order has more than 20 refunds, "
                           "query by refund_id", "FAIL");
        return 0;
    }
    mock_refund *list = malloc(MOCK_REFUNDS_MAX * sizeof *list);
    if (!list) {
        c->nomem = 1;
        return 0;
    }
    int failed = mock_store_refunds_of_order(s, o.id, list, MOCK_REFUNDS_MAX, &n) != MOCK_STORE_OK;
    for (size_t i = 0; !failed && i < n; i++)
        failed = mock_call_settle_refund(c, &o, &list[i]) != MOCK_STORE_OK;
    if (!failed)
        answer_found(c, &o, list, n);
    free(list);
    return failed ? -1 : 0;
}
