/*
 * server/calls/order_lookup.c - storing a new order, finding the order a call acts on and
 * bringing it (and its refunds) up to date with the merchant's clock: the
 * lazy transitions, bent by a remembered forced outcome (steer/edge.h).
 * See calls.h.
 */
#include <stdio.h>
#include <upay/protocol.h>

#include "calls/calls.h"
#include "steer/edge.h"

mock_store_rc mock_call_insert_order(mock_call *c, mock_order *o)
{
    mock_store_rc rc = MOCK_STORE_CONFLICT;
    for (int i = 0; i < MOCK_ID_ATTEMPTS && rc == MOCK_STORE_CONFLICT; i++) {
        mock_ids_make(c->ctx->ids, MOCK_ID_TRANSACTION, c->now, o->transaction_id);
        mock_ids_make(c->ctx->ids, MOCK_ID_WALLET_TRADE, c->now, o->out_transaction_id);
        rc = mock_store_order_insert(c->ctx->store, o);
    }
    return rc;
}

mock_store_rc mock_call_settle_order(mock_call *c, mock_order *o)
{
    mock_persona forced;
    mock_trade_state before = o->state;
    mock_edge_order_seen(c, o);
    if (!mock_trade_settle(o, mock_edge_order_persona(c, o, &forced), c->now))
        return MOCK_STORE_OK;
    mock_edge_note(c, "order %s %s -> %s (due time)", o->out_trade_no,
                   mock_trade_state_name(before), mock_trade_state_name(o->state));
    return mock_store_order_update(c->ctx->store, o);
}

mock_store_rc mock_call_settle_refund(mock_call *c, const mock_order *o, mock_refund *r)
{
    mock_persona forced;
    upay_refund_status before = r->status;
    if (!mock_refund_settle(r, mock_edge_refund_persona(c, o, r, &forced), c->now))
        return MOCK_STORE_OK;
    mock_edge_note(c, "refund %s %s -> %s (due time)", r->out_refund_no,
                   upay_refund_status_name(before), upay_refund_status_name(r->status));
    return mock_store_refund_update(c->ctx->store, r);
}

mock_store_rc mock_call_find_order(mock_call *c, int transaction_id_first, mock_order *o)
{
    const mock_request *rq = c->rq;
    mock_store *s = c->ctx->store;
    mock_store_rc rc;
    if (rq->transaction_id && (transaction_id_first || !rq->out_trade_no))
        rc = mock_store_order_by_transaction_id(s, rq->mch_id, rq->transaction_id, o);
    else if (rq->out_trade_no)
        rc = mock_store_order_by_out_trade_no(s, rq->mch_id, rq->out_trade_no, o);
    else
        return MOCK_STORE_NOT_FOUND;
    if (rc != MOCK_STORE_OK)
        return rc;
    return mock_call_settle_order(c, o);
}

int mock_call_order_or_answer(mock_call *c, int transaction_id_first, mock_order *o)
{
    mock_store_rc rc = mock_call_find_order(c, transaction_id_first, o);
    if (rc == MOCK_STORE_NOT_FOUND) {
        mock_answer_status(c, "SUCCESS", 20007, "order does not exist", "FAIL");
        return 0;
    }
    if (rc != MOCK_STORE_OK)
        return -1;
    return mock_call_paytype_mismatch(c, o) ? 0 : 1;
}

int mock_call_paytype_mismatch(mock_call *c, const mock_order *o)
{
    if (c->rq->paytype == o->paytype)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "paytype does not match the order's wallet (%s)",
             upay_paytype_name((upay_paytype)o->paytype));
    mock_answer_param_error(c, msg);
    return 1;
}
