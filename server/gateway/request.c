/*
 * server/gateway/request.c - required parameters and value shapes of each call
 * (see request.h and docs/mock.md "Decisions").
 */
#include "gateway/request.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <upay/protocol.h>

#include "core/config.h"

const char *mock_request_get(const upay_params *req, const char *name)
{
    const char *v = upay_params_get(req, name);
    return v && *v ? v : NULL;
}

int mock_out_trade_no_valid(const char *s)
{
    size_t len = strlen(s);
    if (len < 5 || len > 32)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

int mock_out_refund_no_valid(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 32)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_-|*@.", s[i]))
            return 0;
    return 1;
}

/*
 * (**Decision**) notify_url: http:// or https://, a host, an optional port,
 * a path; no query or fragment (the vendor: "不能携带参数"), no spaces, at
 * most 255 bytes.
 */
int mock_notify_url_valid(const char *s)
{
    size_t len = strlen(s);
    const char *rest = strncmp(s, "http://", 7) == 0 ? s + 7
                       : strncmp(s, "https://", 8) == 0 ? s + 8 : NULL;
    if (!rest || len > MOCK_NOTIFY_URL_MAX || !*rest || *rest == '/' || *rest == ':')
        return 0;
    for (const char *p = rest; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("?#\\\"<>@", *p))
            return 0;
    return 1;
}

/* 14 digits: yyyyMMddHHmmss. */
static int time14_valid(const char *s)
{
    if (strlen(s) != 14)
        return 0;
    for (int i = 0; i < 14; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* 1-32 digits: transaction_id and refund_id (the mock's are 28). */
static int gateway_id_valid(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 32)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

typedef struct checker {
    const upay_params *req;
    char *msg;
    size_t msglen;
    int failed;
} checker;

static const char *fail(checker *c, const char *fmt, const char *name)
{
    if (!c->failed)
        snprintf(c->msg, c->msglen, fmt, name);
    c->failed = 1;
    return NULL;
}

static const char *required(checker *c, const char *name)
{
    const char *v = mock_request_get(c->req, name);
    return v ? v : fail(c, "missing parameter %s", name);
}

static const char *text(checker *c, const char *name, int must)
{
    const char *v = must ? required(c, name) : mock_request_get(c->req, name);
    if (v && strlen(v) > MOCK_TEXT_MAX)
        return fail(c, "parameter %s is longer than 128 bytes", name);
    return v;
}

static long long amount(checker *c, const char *name)
{
    const char *v = required(c, name);
    long long value = 0;
    if (!v)
        return 0;
    if (upay_amount_parse(v, &value) != UPAY_OK || value <= 0) {
        fail(c, "parameter %s must be a positive whole number of fen", name);
        return 0;
    }
    return value;
}

static const char *shaped(checker *c, const char *name, int must, int (*valid)(const char *),
                          const char *fmt)
{
    const char *v = must ? required(c, name) : mock_request_get(c->req, name);
    if (v && !valid(v))
        return fail(c, fmt, name);
    return v;
}

static int check_paytype(checker *c)
{
    const char *v = required(c, "paytype");
    if (!v)
        return 0;
    upay_paytype t = upay_paytype_parse(v);
    if (t == UPAY_PAYTYPE_UNKNOWN)
        fail(c, "parameter %s must be WECHAT, ALIPAY, JDPAY, QQ, UNIONPAY, BESTPAY or ECNY",
             "paytype");
    return (int)t;
}

static void check_scene(checker *c)
{
    const char *v = mock_request_get(c->req, "scene");
    if (v && strcmp(v, "1") != 0)
        fail(c, "parameter %s: only scene 1 (barcode payment) is supported", "scene");
}

#define OTN_FMT "parameter %s must be 5-32 letters, digits or _"
#define ORN_FMT "parameter %s must be 1-32 letters, digits or _-|*@."
#define ID_FMT "parameter %s must be 1-32 digits"

int mock_request_check(const upay_params *req, mock_request *out, char *msg, size_t msglen)
{
    return mock_request_check_dialect(req, 0, out, msg, msglen);
}

int mock_request_check_dialect(const upay_params *req, int live, mock_request *out, char *msg,
                               size_t msglen)
{
    checker c = { req, msg, msglen, 0 };
    memset(out, 0, sizeof *out);
    const char *method = required(&c, "method");
    if (!method)
        return -1;
    if (strcmp(method, "pay") == 0)
        out->kind = MOCK_CALL_PAY;
    else if (strcmp(method, "orderquery") == 0)
        out->kind = MOCK_CALL_ORDERQUERY;
    else if (strcmp(method, "refund") == 0)
        out->kind = MOCK_CALL_REFUND;
    else if (strcmp(method, "refundquery") == 0)
        out->kind = MOCK_CALL_REFUNDQUERY;
    else if (strcmp(method, "cancel") == 0)
        out->kind = MOCK_CALL_CANCEL;
    else if (strncmp(method, "PreOrder_", 9) == 0
             && (out->paytype = upay_paytype_parse(method + 9)) != UPAY_PAYTYPE_UNKNOWN
             && (out->paytype == UPAY_PAYTYPE_WECHAT || out->paytype == UPAY_PAYTYPE_ALIPAY
                 || out->paytype == UPAY_PAYTYPE_ECNY))
        out->kind = MOCK_CALL_PREORDER;
    else {
        snprintf(msg, msglen, "unknown method (pay, orderquery, refund, refundquery, cancel, "
                              "PreOrder_WECHAT, PreOrder_ALIPAY or PreOrder_ECNY)");
        return -1;
    }
    /* live: required since the vendor's v2.5.0 (2019-06) */
    out->version = text(&c, "version", live);
    (void)text(&c, "pid", live);
    out->mch_id = shaped(&c, "mch_id", 1, mock_mch_id_valid,
                         "parameter %s must be 1-32 letters or digits");

    switch (out->kind) {
    case MOCK_CALL_PAY: {
        out->out_trade_no = shaped(&c, "out_trade_no", 1, mock_out_trade_no_valid, OTN_FMT);
        (void)text(&c, "body", 1);
        out->total_fee = amount(&c, "total_fee");
        out->auth_code = text(&c, "auth_code", 1);
        out->attach = text(&c, "attach", 0);
        const char *device_info = text(&c, "device_info", 0);
        static const char *const optional[] = {
            "mch_create_ip", "op_user_id", "op_shop_id", "op_device_id", "goods_tag",
        };
        for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
            (void)text(&c, optional[i], 0);
        out->appid = mock_request_get(req, "appid");
        out->sub_appid = mock_request_get(req, "sub_appid");
        if ((out->appid && strlen(out->appid) > 32) || (out->sub_appid && strlen(out->sub_appid) > 32))
            fail(&c, "parameter %s is longer than 32 bytes", out->appid && strlen(out->appid) > 32
                                                             ? "appid" : "sub_appid");
        if (out->auth_code) {
            out->paytype = (int)upay_paytype_from_auth_code(out->auth_code);
            if (out->paytype == UPAY_PAYTYPE_QQ && !device_info)
                fail(&c, "missing parameter %s (mandatory for the QQ wallet)", "device_info");
        }
        break;
    }
    case MOCK_CALL_ORDERQUERY:
    case MOCK_CALL_REFUND:
        out->paytype = check_paytype(&c);
        out->out_trade_no = shaped(&c, "out_trade_no", 0, mock_out_trade_no_valid, OTN_FMT);
        out->transaction_id = shaped(&c, "transaction_id", 0, gateway_id_valid, ID_FMT);
        if (!c.failed && !out->out_trade_no && !out->transaction_id)
            fail(&c, "missing parameter %s (or transaction_id)", "out_trade_no");
        if (out->kind == MOCK_CALL_REFUND) {
            out->out_refund_no = shaped(&c, "out_refund_no", 1, mock_out_refund_no_valid, ORN_FMT);
            out->total_fee = amount(&c, "total_fee");
            out->refund_fee = amount(&c, "refund_fee");
            (void)text(&c, "op_user_id", 1);
            check_scene(&c);
        }
        break;
    case MOCK_CALL_REFUNDQUERY:
        out->paytype = check_paytype(&c);
        if (live) {
            /* the order keys left refundquery in the vendor's v2.5.1 */
            out->out_refund_no = shaped(&c, "out_refund_no", 0, mock_out_refund_no_valid, ORN_FMT);
            out->refund_id = shaped(&c, "refund_id", 0, gateway_id_valid, ID_FMT);
            if (!c.failed && !out->refund_id && !out->out_refund_no)
                fail(&c, "missing parameter %s (or refund_id; the live API has no query by order)",
                     "out_refund_no");
            if (out->out_refund_no)
                out->refund_id = NULL;   /* out_refund_no > refund_id (v3.2.1 refundquery) */
            break;
        }
        out->out_trade_no = shaped(&c, "out_trade_no", 0, mock_out_trade_no_valid, OTN_FMT);
        out->transaction_id = shaped(&c, "transaction_id", 0, gateway_id_valid, ID_FMT);
        out->out_refund_no = shaped(&c, "out_refund_no", 0, mock_out_refund_no_valid, ORN_FMT);
        out->refund_id = shaped(&c, "refund_id", 0, gateway_id_valid, ID_FMT);
        if (!c.failed && !out->refund_id && !out->out_refund_no && !out->transaction_id
            && !out->out_trade_no)
            fail(&c, "missing parameter %s (or out_refund_no, transaction_id, out_trade_no)",
                 "refund_id");
        if (!c.failed && out->paytype == UPAY_PAYTYPE_ALIPAY && !out->refund_id
            && !out->out_refund_no)
            fail(&c, "missing parameter %s (or out_refund_no): required for ALIPAY", "refund_id");
        break;
    case MOCK_CALL_CANCEL:
        out->paytype = check_paytype(&c);
        out->out_trade_no = shaped(&c, "out_trade_no", 1, mock_out_trade_no_valid, OTN_FMT);
        (void)text(&c, "op_user_id", 1);
        check_scene(&c);
        break;
    case MOCK_CALL_PREORDER: {
        out->out_trade_no = shaped(&c, "out_trade_no", 1, mock_out_trade_no_valid, OTN_FMT);
        (void)text(&c, "body", 1);
        out->total_fee = amount(&c, "total_fee");
        out->attach = text(&c, "attach", 0);
        static const char *const optional[] = {
            "device_info", "mch_create_ip", "op_user_id", "op_shop_id", "goods_tag", "product_id",
            "buyer_id", "buyer_logon_id", "limit_pay", "is_minipg",
        };
        for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
            (void)text(&c, optional[i], 0);
        out->trade_type = required(&c, "trade_type");
        if (out->trade_type && strcmp(out->trade_type, "NATIVE") != 0
            && strcmp(out->trade_type, "JSPAY") != 0 && strcmp(out->trade_type, "APP") != 0)
            fail(&c, "parameter %s must be NATIVE, JSPAY or APP", "trade_type");
        out->notify_url = shaped(&c, "notify_url", 0, mock_notify_url_valid,
                                 "parameter %s must be an http(s) URL of at most 255 bytes "
                                 "without parameters");
        (void)shaped(&c, "time_start", 0, time14_valid, "parameter %s must be yyyyMMddHHmmss");
        out->time_expire = shaped(&c, "time_expire", 0, time14_valid,
                                  "parameter %s must be yyyyMMddHHmmss");
        out->sub_appid = mock_request_get(req, "sub_appid");
        if (out->sub_appid && strlen(out->sub_appid) > 32)
            fail(&c, "parameter %s is longer than 32 bytes", "sub_appid");
        if (c.failed || !out->trade_type)
            break;
        /* (**Decision**) the digital yuan: NATIVE only (the vendor's one ECNY answer is a code_url) */
        if (out->paytype == UPAY_PAYTYPE_ECNY && strcmp(out->trade_type, "NATIVE") != 0)
            fail(&c, "parameter %s must be NATIVE for PreOrder_ECNY", "trade_type");
        /* the v2 pre-order table: what each trade_type needs */
        if (strcmp(out->trade_type, "NATIVE") == 0)
            (void)required(&c, "product_id");
        if (strcmp(out->trade_type, "JSPAY") == 0 && out->paytype == UPAY_PAYTYPE_WECHAT)
            (void)required(&c, "buyer_id");
        if (strcmp(out->trade_type, "JSPAY") == 0 && out->paytype == UPAY_PAYTYPE_ALIPAY
            && !mock_request_get(req, "buyer_id") && !mock_request_get(req, "buyer_logon_id"))
            fail(&c, "missing parameter %s (or buyer_logon_id) for JSPAY", "buyer_id");
        if (strcmp(out->trade_type, "NATIVE") != 0 && out->paytype == UPAY_PAYTYPE_WECHAT
            && !out->sub_appid)
            fail(&c, "missing parameter %s (JSPAY and APP need it)", "sub_appid");
        break;
    }
    }
    return c.failed ? -1 : 0;
}
