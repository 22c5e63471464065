/*
 * server/calls/pay.c - the pay call: tell the wallet from auth_code, let the
 * customer's persona decide, record the order. A repeated out_trade_no
 * with the same amount and code answers as orderquery would.
 *
 * A pay is nearly always a new order, so it is stored first and the store
 * says when the number is taken (MOCK_STORE_EXISTS, nothing written); only
 * then is the old order read. A lookup before every insert cost a pay 6 k
 * of its 93 k instructions. The answers are those of "look up, then
 * check, then store": an existing order answers before any check of the
 * new request (its code, a forced refusal), and the ids a stored-nothing
 * attempt drew stay unused.
 */
#include <stdio.h>
#include <string.h>
#include <upay/protocol.h>

#include "calls/calls.h"
#include "steer/edge.h"
#include "core/text.h"

static void answer_new_order(mock_call *c, const mock_order *o, const mock_persona *p)
{
    switch (p->pay) {
    case MOCK_PAY_AT_ONCE:
    case MOCK_PAY_COUPON:
        mock_answer_status(c, "SUCCESS", 10000, "SUCCESS", "SUCCESS");
        mock_answer_order_details(c, o);
        return;
    case MOCK_PAY_PASSWORD:
    case MOCK_PAY_NEVER:
    case MOCK_PAY_DECLINE:
        mock_answer_status(c, "SUCCESS", 10001,
                           "paying: the user is entering the password, query the order",
                           "NEED_QUERY");
        return;
    case MOCK_PAY_NO_BALANCE:
        mock_answer_status(c, "SUCCESS", 10006, "payment error: not enough balance", "FAIL");
        return;
    case MOCK_PAY_EXPIRED_CODE:
        mock_answer_status(c, "SUCCESS", 10006, "payment error: the payment code has expired",
                           "FAIL");
        return;
    case MOCK_PAY_FAULT:
        mock_answer_status(c, "SUCCESS", 20006, "system error: outcome unknown, query the order",
                           "NEED_QUERY");
        return;
    }
}

/* The request's code names a wallet and fits an order. */
static int code_usable(const mock_request *rq)
{
    const mock_order *o = NULL;   /* only its field's size is taken */
    return rq->paytype != UPAY_PAYTYPE_UNKNOWN && strlen(rq->auth_code) < sizeof o->auth_code;
}

/*
 * Store the request as a new order and answer it: 0 when stored and
 * answered, 1 when the merchant already has that out_trade_no (nothing
 * written, nothing answered), -1 on a store failure.
 */
static int store_new_order(mock_call *c)
{
    const mock_request *rq = c->rq;
    mock_order o;
    mock_persona forced;
    const mock_persona *p = mock_edge_pay_persona(c, rq->auth_code, &forced);
    memset(&o, 0, sizeof o);
    mock_text_copy(o.mch_id, sizeof o.mch_id, rq->mch_id);
    mock_text_copy(o.out_trade_no, sizeof o.out_trade_no, rq->out_trade_no);
    mock_text_copy(o.auth_code, sizeof o.auth_code, rq->auth_code);
    mock_text_copy(o.attach, sizeof o.attach, rq->attach ? rq->attach : "");
    mock_text_copy(o.appid, sizeof o.appid, rq->appid ? rq->appid : "");
    mock_text_copy(o.sub_appid, sizeof o.sub_appid, rq->sub_appid ? rq->sub_appid : "");
    o.paytype = rq->paytype;
    o.total_fee = rq->total_fee;
    mock_trade_open(&o, p, c->now);
    mock_edge_pay_opened(c, &o);

    mock_store_rc rc = mock_call_insert_order(c, &o);
    if (rc == MOCK_STORE_EXISTS)
        return 1;
    if (rc != MOCK_STORE_OK)
        return -1;
    if (!mock_edge_pay_stored(c, &o))
        answer_new_order(c, &o, p);
    return 0;
}

int mock_call_pay(mock_call *c)
{
    const mock_request *rq = c->rq;
    mock_store *s = c->ctx->store;
    mock_order o;
    int may_store = code_usable(rq) && !mock_edge_pay_refuses_early(c);

    if (may_store) {
        int stored = store_new_order(c);
        if (stored <= 0)
            return stored;
    }
    mock_store_rc rc = mock_store_order_by_out_trade_no(s, rq->mch_id, rq->out_trade_no, &o);
    if (rc == MOCK_STORE_OK) {
        if (mock_call_settle_order(c, &o) != MOCK_STORE_OK)
            return -1;
        if (o.total_fee == rq->total_fee && strcmp(o.auth_code, rq->auth_code) == 0)
            mock_answer_orderquery(c, &o);
        else
            mock_answer_status(c, "SUCCESS", 20004,
                               "out_trade_no is already used with another amount or payment code",
                               "FAIL");
        return 0;
    }
    if (rc != MOCK_STORE_NOT_FOUND || may_store)
        return -1;   /* a failure, or the store said the number was taken and has no such order */

    /* no such order, and no new one: the code or a forced refusal stopped it */
    if (!code_usable(rq)) {
        mock_answer_status(c, "SUCCESS", 10006,
                           "payment error: invalid payment code (auth_code fits no wallet)", "FAIL");
        return 0;
    }
    mock_edge_pay_refused_early(c);
    return 0;
}
