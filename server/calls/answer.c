/*
 * server/calls/answer.c - building a call's answer: response fields, order
 * details and the buyer fields the mock invents. See calls.h. Order lookup
 * lives in order_lookup.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <upay/protocol.h>

#include "calls/calls.h"
#include "core/reply.h"
#include "domain/ids.h"
#include "core/text.h"

static void set_now(mock_call *c, const char *name, const char *value)
{
    if (upay_params_set(c->resp, name, value) != UPAY_OK)
        c->nomem = 1;
}

static void buyer_now(mock_call *c, const char *agent_id, const char *mch_id,
                      const char *auth_code, const char *appid, const char *sub_appid);

/* Move every staged field into c->resp and empty the stage. */
static void drain(mock_call *c)
{
    mock_answer *a = &c->staged;
    for (size_t i = 0; i < a->count; i++) {
        const char *s = a->text + a->field[i].at;
        const char *s2 = s + strlen(s) + 1;
        if (!a->field[i].buyer) {
            set_now(c, s, s2);
        } else {
            const char *s3 = s2 + strlen(s2) + 1;
            const char *s4 = s3 + strlen(s3) + 1;
            buyer_now(c, s, s2, s3, s4, s4 + strlen(s4) + 1);
        }
    }
    a->count = 0;
    a->used = 0;
}

/*
 * Stage one field made of `n` strings; 0 when they cannot fit even in an
 * empty stage (the caller then sets the field at once).
 */
static int stage(mock_call *c, int buyer, const char *const *strings, size_t n)
{
    mock_answer *a = &c->staged;
    size_t len[5], total = 0;
    for (size_t i = 0; i < n; i++)
        total += (len[i] = strlen(strings[i])) + 1;
    if (total > sizeof a->text)
        return drain(c), 0;
    if (a->count == MOCK_ANSWER_FIELDS || a->used + total > sizeof a->text)
        drain(c);
    a->field[a->count].at = (unsigned short)a->used;
    a->field[a->count].buyer = (unsigned char)buyer;
    a->count++;
    for (size_t i = 0; i < n; i++) {
        memcpy(a->text + a->used, strings[i], len[i] + 1);
        a->used += len[i] + 1;
    }
    return 1;
}

void mock_answer_put(mock_call *c, const char *name, const char *value)
{
    const char *pair[2] = { name, value ? value : "" };
    if (!stage(c, 0, pair, 2))
        set_now(c, pair[0], pair[1]);
}

void mock_answer_finish(mock_call *c)
{
    drain(c);
}

void mock_answer_put_ll(mock_call *c, const char *name, long long value)
{
    /* by hand, as "%lld" would: three per answer, printf's machinery cost more */
    char buf[24], *at = buf + sizeof buf;
    unsigned long long u = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    *--at = '\0';
    do {
        *--at = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (value < 0)
        *--at = '-';
    mock_answer_put(c, name, at);
}

void mock_answer_put_time(mock_call *c, const char *name, long long when)
{
    char buf[15];
    if (upay_time_format((time_t)when, buf) != UPAY_OK)
        buf[0] = '\0';
    mock_answer_put(c, name, buf);
}

void mock_answer_status(mock_call *c, const char *state, int code, const char *detail,
                        const char *trade_state)
{
    mock_answer_put(c, "state", state);
    mock_answer_put_ll(c, "code", code);
    mock_answer_put(c, "msg", mock_reply_msg(state, code));
    mock_text_copy(c->detail, sizeof c->detail,
                   detail && strcmp(detail, "SUCCESS") != 0 ? detail : "");
    if (trade_state)
        mock_answer_put(c, "trade_state", trade_state);
}

void mock_answer_param_error(mock_call *c, const char *msg)
{
    mock_answer_status(c, "FAIL", 20004, msg, NULL);
}

/*
 * A stable made-up identifier: `prefix` then `len` characters drawn from
 * FNV-1a of `a` "|" `b`, stretched with splitmix64, in [A-Za-z0-9_-] (hex
 * for app ids, like WeChat's). Not a secret, only stable and well spread:
 * the same customer code gives the same openid. A cryptographic digest here
 * cost a sixth of an orderquery's work (docs/performance.md).
 */
static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void derive(char *out, size_t size, const char *prefix, size_t len, const char *a,
                   const char *b)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static const char hex[] = "0123456789abcdef";
    uint64_t state = fnv1a(fnv1a(fnv1a(14695981039346656037ULL, a), "|"), b);
    size_t p = strlen(prefix);
    if (p + len + 1 > size)
        len = size - p - 1;
    memcpy(out, prefix, p);
    int use_hex = prefix[0] == 'w';
    uint64_t bits = 0;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0)
            bits = mock_splitmix64(&state);
        unsigned char byte = (unsigned char)(bits >> (8 * (i % 8)));
        out[p + i] = use_hex ? hex[byte & 0xF] : alphabet[byte & 63];
    }
    out[p + len] = '\0';
}

static void buyer_now(mock_call *c, const char *agent_id, const char *mch_id,
                      const char *auth_code, const char *appid, const char *sub_appid)
{
    char derived_appid[40], derived_sub_appid[40], openid[40], sub_openid[40];
    derive(derived_appid, sizeof derived_appid, "wx", 16, "appid", agent_id);
    derive(derived_sub_appid, sizeof derived_sub_appid, "wx", 16, "sub_appid", mch_id);
    /* The code identifies the customer: the same code gives the same openid. */
    derive(openid, sizeof openid, "o", 27, mch_id, auth_code);
    derive(sub_openid, sizeof sub_openid, "o", 27, auth_code, mch_id);
    set_now(c, "appid", appid[0] ? appid : derived_appid);
    set_now(c, "is_subscribe", "N");
    set_now(c, "openid", openid);
    set_now(c, "sub_appid", sub_appid[0] ? sub_appid : derived_sub_appid);
    set_now(c, "sub_is_subscribe", "N");
    set_now(c, "sub_openid", sub_openid);
    if (c->ctx->live)
        set_now(c, "buyer_user_id", openid);   /* the buyer's id in the wallet (v3.2.1 pay) */
}

void mock_answer_buyer(mock_call *c, const mock_order *o)
{
    const char *inputs[5] = { c->merchant.agent_id, o->mch_id, o->auth_code, o->appid,
                              o->sub_appid };
    if (!stage(c, 1, inputs, 5))
        buyer_now(c, inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]);
}

static const char *bank_type_of(int paytype)
{
    switch ((upay_paytype)paytype) {
    case UPAY_PAYTYPE_WECHAT: return "CFT";
    case UPAY_PAYTYPE_ALIPAY: return "ALIPAY";
    case UPAY_PAYTYPE_JDPAY: return "JDPAY";
    case UPAY_PAYTYPE_QQ: return "QQWALLET";
    case UPAY_PAYTYPE_UNIONPAY: return "UNIONPAY";
    case UPAY_PAYTYPE_BESTPAY: return "BESTPAY";
    case UPAY_PAYTYPE_ECNY: return "ECNY";   /* (**Decision**): the vendor names none */
    case UPAY_PAYTYPE_UNKNOWN: break;
    }
    return "OTHERS";
}

void mock_answer_order_details(mock_call *c, const mock_order *o)
{
    mock_answer_put(c, "mch_id", o->mch_id);
    mock_answer_buyer(c, o);
    mock_answer_put(c, "transaction_id", o->transaction_id);
    mock_answer_put(c, "out_transaction_id", o->out_transaction_id);
    mock_answer_put(c, "out_trade_no", o->out_trade_no);
    mock_answer_put_ll(c, "total_fee", o->total_fee);
    mock_answer_put_ll(c, "coupon_fee", o->coupon_fee);
    mock_answer_put(c, "fee_type", "CNY");
    if (o->attach[0])
        mock_answer_put(c, "attach", o->attach);
    mock_answer_put(c, "bank_type", bank_type_of(o->paytype));
    if (o->paid_at)
        mock_answer_put_time(c, "time_end", o->paid_at);
    if (c->ctx->live) {
        /* (**Decision**) base_fee is the order's amount; total_fee keeps the seed's
           meaning, the same amount (docs/protocol.md, 14) */
        mock_answer_put_ll(c, "base_fee", o->total_fee);
        mock_answer_put(c, "paytype", upay_paytype_name((upay_paytype)o->paytype));
    }
}

void mock_answer_orderquery(mock_call *c, const mock_order *o)
{
    int code;
    const char *trade_state, *msg;
    mock_trade_query_answer(o->state, &code, &trade_state, &msg);
    mock_answer_status(c, "SUCCESS", code, msg, trade_state);
    mock_answer_order_details(c, o);
}
