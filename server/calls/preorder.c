/*
 * server/calls/preorder.c - PreOrder_WECHAT and PreOrder_ALIPAY (the
 * vendor's api/preorderpay.md, docs/scan-to-pay.md): record an unpaid
 * order that a customer pays later by scanning its QR code (NATIVE) or in
 * a mini-program (JSPAY, APP), and answer its code_url or pay_info. The
 * customer's side is the admin API's (admin/admin_preorder.c); once paid,
 * the order is like any other: orderquery, cancel, refund, refundquery.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <upay/protocol.h>

#include "calls/calls.h"
#include "domain/code_url.h"
#include "notify/notify.h"
#include "steer/edge.h"

/* (**Decision**) A pre-order without time_expire closes 2 hours after it was made. */
#define PREORDER_DEFAULT_EXPIRY (2 * 3600)

static void answer_preorder(mock_call *c, const mock_order *o)
{
    char text[400], nonce[MOCK_NONCE_SIZE], token[40];
    int wechat = o->paytype == UPAY_PAYTYPE_WECHAT;
    mock_answer_status(c, "SUCCESS", 10000, "SUCCESS", "SUCCESS");
    mock_answer_put(c, "mch_id", o->mch_id);
    mock_answer_put(c, "out_trade_no", o->out_trade_no);
    snprintf(token, sizeof token, "wx%s", o->out_transaction_id);
    if (wechat)
        mock_answer_put(c, "token_id", token);
    if (strcmp(o->trade_type, "NATIVE") == 0) {
        mock_code_url(o, text, sizeof text);
        mock_answer_put(c, "code_url", text);
        return;
    }
    mock_ids_nonce(c->ctx->ids, nonce);
    if (wechat) {
        /* (**Decision**) paySign is 32 hex digits no wallet checks: the mock has no wallet key */
        for (char *p = nonce; *p; p++)
            if (*p >= 'a' && *p <= 'f')
                *p = (char)(*p - 'a' + 'A');
        snprintf(text, sizeof text,
                 "{\"appId\":\"%s\",\"timeStamp\":\"%lld\",\"nonceStr\":\"%.16s\","
                 "\"package\":\"prepay_id=%s\",\"signType\":\"MD5\",\"paySign\":\"%s\"}",
                 o->sub_appid, o->created_at, nonce + 16, token, nonce);
    } else {
        snprintf(text, sizeof text, "{\"tradeNO\":\"%s\"}", o->out_transaction_id);
    }
    mock_answer_put(c, "pay_info", text);
}

/* The same pre-order asked again: same wallet, trade type and amount. */
static int same_preorder(const mock_order *o, const mock_request *rq)
{
    return o->trade_type[0] && strcmp(o->trade_type, rq->trade_type) == 0
           && o->paytype == rq->paytype && o->total_fee == rq->total_fee;
}

int mock_call_preorder(mock_call *c)
{
    const mock_request *rq = c->rq;
    mock_store *s = c->ctx->store;
    char why[240];
    if (rq->notify_url && !mock_notify_url_allowed(c->ctx->notify, rq->notify_url, why, sizeof why)) {
        char msg[300];
        snprintf(msg, sizeof msg, "parameter error: notify_url: %s", why);
        mock_answer_param_error(c, msg);
        return 0;
    }
    long long expires_at = c->now + PREORDER_DEFAULT_EXPIRY;
    if (rq->time_expire) {
        time_t t;
        if (upay_time_parse(rq->time_expire, &t) != UPAY_OK || (long long)t <= c->now) {
            mock_answer_param_error(c, "parameter error: time_expire must be a time after now "
                                       "(yyyyMMddHHmmss GMT+8, on the merchant's clock)");
            return 0;
        }
        expires_at = (long long)t;
    }

    mock_order o;
    mock_store_rc rc = mock_store_order_by_out_trade_no(s, rq->mch_id, rq->out_trade_no, &o);
    if (rc == MOCK_STORE_OK) {
        if (mock_call_settle_order(c, &o) != MOCK_STORE_OK)
            return -1;
        /* (**Decision**) asked again while unpaid: the same pre-order, the same answer */
        if (same_preorder(&o, rq) && o.state == MOCK_TRADE_PAYING)
            answer_preorder(c, &o);
        else
            mock_answer_status(c, "SUCCESS", 20004,
                               "out_trade_no is already used (by another order, or this pre-order "
                               "is no longer unpaid)", "FAIL");
        return 0;
    }
    if (rc != MOCK_STORE_NOT_FOUND)
        return -1;

    memset(&o, 0, sizeof o);
    snprintf(o.mch_id, sizeof o.mch_id, "%s", rq->mch_id);
    snprintf(o.out_trade_no, sizeof o.out_trade_no, "%s", rq->out_trade_no);
    snprintf(o.attach, sizeof o.attach, "%s", rq->attach ? rq->attach : "");
    snprintf(o.sub_appid, sizeof o.sub_appid, "%s", rq->sub_appid ? rq->sub_appid : "");
    snprintf(o.trade_type, sizeof o.trade_type, "%s", rq->trade_type);
    snprintf(o.notify_url, sizeof o.notify_url, "%s", rq->notify_url ? rq->notify_url : "");
    o.paytype = rq->paytype;
    o.total_fee = rq->total_fee;
    o.state = MOCK_TRADE_PAYING;   /* unpaid until the customer pays (never due by itself) */
    o.created_at = c->now;
    o.expires_at = expires_at;
    o.api = c->api;
    mock_edge_note(c, "pre-order %s %s, unpaid until %s", o.out_trade_no, o.trade_type,
                   "the customer pays (POST /mock/preorders/pay)");

    if (mock_call_insert_order(c, &o) != MOCK_STORE_OK)
        return -1;
    answer_preorder(c, &o);
    return 0;
}
