/*
 * server/calls/refund.c - the refund call: partial refunds within what the
 * user paid (coupons excluded), out_refund_no idempotent, NOTSURE and FAIL
 * numbers processed again on retry, at most MOCK_REFUNDS_MAX per order.
 * The check and the write happen in the caller's one transaction.
 */
#include <stdio.h>
#include <string.h>

#include <upay/protocol.h>

#include "calls/calls.h"
#include "steer/edge.h"

static void answer_refund(mock_call *c, const mock_order *o, const mock_refund *r)
{
    int code;
    const char *trade_state, *msg;
    mock_refund_answer(r->status, &code, &trade_state, &msg);
    mock_answer_status(c, "SUCCESS", code, msg, trade_state);
    mock_answer_put(c, "mch_id", o->mch_id);
    mock_answer_put(c, "transaction_id", o->transaction_id);
    mock_answer_put(c, "out_trade_no", o->out_trade_no);
    /* The wallet's order number, as on every call (docs/protocol.md, 12). */
    mock_answer_put(c, "out_transaction_id", o->out_transaction_id);
    mock_answer_put(c, "out_refund_no", r->out_refund_no);
    mock_answer_put(c, "refund_id", r->refund_id);
    mock_answer_put(c, "out_refund_id", r->out_refund_id);
    mock_answer_put(c, "refund_channel", "ORIGINAL");
    mock_answer_put_ll(c, "refund_fee", r->refund_fee);
    mock_answer_put(c, "coupon_refund_fee", "0");
    if (c->ctx->live) {
        /* coupons are never refunded: asked (base) and refunded amounts are equal */
        mock_answer_put_ll(c, "base_fee", o->total_fee);
        mock_answer_put_ll(c, "total_fee", o->total_fee);
        mock_answer_put_ll(c, "base_refund_fee", r->refund_fee);
        mock_answer_put(c, "paytype", upay_paytype_name((upay_paytype)o->paytype));
    }
}

static void answer_refused(mock_call *c, mock_refund_check why, const mock_order *o)
{
    char msg[160];
    switch (why) {
    case MOCK_RCHECK_NOT_PAID:
        snprintf(msg, sizeof msg, "refund error: the order is not paid (%s)",
                 mock_trade_state_name(o->state));
        break;
    case MOCK_RCHECK_WRONG_TOTAL:
        snprintf(msg, sizeof msg, "refund error: total_fee is not the order's total (%lld)",
                 o->total_fee);
        break;
    case MOCK_RCHECK_TOO_MANY:
        snprintf(msg, sizeof msg, "refund error: the order already has %d refunds", MOCK_REFUNDS_MAX);
        break;
    case MOCK_RCHECK_OVER_AMOUNT:
        snprintf(msg, sizeof msg, "refund error: refund_fee is more than the refundable %lld fen",
                 mock_trade_refundable(o));
        break;
    case MOCK_RCHECK_TOO_LATE:
        snprintf(msg, sizeof msg, "refund error: the order was paid more than %d days ago",
                 MOCK_REFUND_DAYS);
        break;
    case MOCK_RCHECK_OK:
    default:
        snprintf(msg, sizeof msg, "refund error");
        break;
    }
    mock_answer_status(c, "SUCCESS", 20008, msg, "FAIL");
}

/* A retried NOTSURE or FAIL number: check again and process again. */
static int retry(mock_call *c, mock_order *o, mock_refund *r)
{
    int was_counted = mock_refund_counts(r->status);
    mock_order without = *o;   /* the order as if this refund did not count yet */
    mock_trade_refund_adjust(&without, r->refund_fee, was_counted, 0);
    mock_refund_check why = mock_trade_refund_check(&without, c->rq->total_fee, r->refund_fee,
                                                    c->now, 0);
    if (why != MOCK_RCHECK_OK) {
        answer_refused(c, why, o);
        return 0;
    }
    upay_refund_status before = r->status;
    mock_edge_refund_attempt(c, o, r);
    mock_edge_note(c, "refund %s %s -> %s", r->out_refund_no, upay_refund_status_name(before),
                   upay_refund_status_name(r->status));
    mock_trade_refund_adjust(o, r->refund_fee, was_counted, mock_refund_counts(r->status));
    if (mock_store_refund_update(c->ctx->store, r) != MOCK_STORE_OK
        || mock_store_order_update(c->ctx->store, o) != MOCK_STORE_OK)
        return -1;
    answer_refund(c, o, r);
    return 0;
}

static int create(mock_call *c, mock_order *o)
{
    mock_refund_check why = mock_trade_refund_check(o, c->rq->total_fee, c->rq->refund_fee,
                                                    c->now, 1);
    if (why != MOCK_RCHECK_OK) {
        answer_refused(c, why, o);
        return 0;
    }
    mock_refund r;
    memset(&r, 0, sizeof r);
    r.order_id = o->id;
    snprintf(r.mch_id, sizeof r.mch_id, "%s", o->mch_id);
    snprintf(r.out_refund_no, sizeof r.out_refund_no, "%s", c->rq->out_refund_no);
    r.refund_fee = c->rq->refund_fee;
    r.serial_no = o->refund_count;
    r.created_at = c->now;
    mock_edge_refund_attempt(c, o, &r);

    mock_store_rc rc = MOCK_STORE_CONFLICT;
    for (int i = 0; i < MOCK_ID_ATTEMPTS && rc == MOCK_STORE_CONFLICT; i++) {
        mock_ids_make(c->ctx->ids, MOCK_ID_REFUND, c->now, r.refund_id);
        mock_ids_make(c->ctx->ids, MOCK_ID_WALLET_REFUND, c->now, r.out_refund_id);
        rc = mock_store_refund_insert(c->ctx->store, &r);
    }
    if (rc != MOCK_STORE_OK)
        return -1;
    o->refund_count++;
    mock_trade_refund_adjust(o, r.refund_fee, 0, mock_refund_counts(r.status));
    if (mock_store_order_update(c->ctx->store, o) != MOCK_STORE_OK)
        return -1;
    mock_edge_note(c, "refund %s of order %s created %s (order %s)", r.out_refund_no,
                   o->out_trade_no, upay_refund_status_name(r.status),
                   mock_trade_state_name(o->state));
    answer_refund(c, o, &r);
    return 0;
}

int mock_call_refund(mock_call *c)
{
    mock_order o;
    int found = mock_call_order_or_answer(c, 1, &o);
    if (found <= 0)
        return found;

    mock_refund r;
    mock_store_rc rc = mock_store_refund_by_out_refund_no(c->ctx->store, o.mch_id, c->rq->out_refund_no, &r);
    if (rc == MOCK_STORE_NOT_FOUND)
        return create(c, &o);
    if (rc != MOCK_STORE_OK)
        return -1;
    if (r.order_id != o.id || r.refund_fee != c->rq->refund_fee) {
        mock_answer_status(c, "SUCCESS", 20008,
                           "refund error: out_refund_no is already used for another refund", "FAIL");
        return 0;
    }
    if (mock_call_settle_refund(c, &o, &r) != MOCK_STORE_OK)
        return -1;
    if (mock_refund_retryable(r.status))
        return retry(c, &o, &r);
    answer_refund(c, &o, &r);
    return 0;
}
