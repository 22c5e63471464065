/*
 * server/calls/pay.c - the pay call: tell the wallet from auth_code, let the
 * customer's persona decide, record the order. A repeated out_trade_no
 * with the same amount and code answers as orderquery would.
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

int mock_call_pay(mock_call *c)
{
    const mock_request *rq = c->rq;
    mock_store *s = c->ctx->store;
    mock_order o;

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
    if (rc != MOCK_STORE_NOT_FOUND)
        return -1;

    if (rq->paytype == UPAY_PAYTYPE_UNKNOWN || strlen(rq->auth_code) >= sizeof o.auth_code) {
        mock_answer_status(c, "SUCCESS", 10006,
                           "payment error: invalid payment code (auth_code fits no wallet)", "FAIL");
        return 0;
    }

    if (mock_edge_pay_refused_early(c))
        return 0;
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

    if (mock_call_insert_order(c, &o) != MOCK_STORE_OK)
        return -1;
    if (!mock_edge_pay_stored(c, &o))
        answer_new_order(c, &o, p);
    return 0;
}
