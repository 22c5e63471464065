/*
 * check_e2e_mock_calls.c - end-to-end tests of upay-mock's five calls over
 * HTTP: an in-process server on 127.0.0.1:0 per test, requests signed and
 * sent with libcurl, answers verified. Covers the rows of the decisions
 * table (docs/protocol.md), every persona, lookup precedence, idempotency,
 * the cancel window on both sides of 300 s and the 20/50-refund limits.
 * Time moves through the admin clock, never by sleeping.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e/mock_test_util.h"

static mock_server *server;
static mt_gw gw;
static unsigned serial;

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server = mt_start(NULL);
    mt_gw_init(&gw, mock_server_url(server));
}

static void teardown(void)
{
    mock_server_stop(server);
    server = NULL;
    curl_global_cleanup();
}

/* A fresh out_trade_no / out_refund_no (valid for the next 255 calls). */
static const char *fresh(const char *prefix)
{
    static char buf[256][40];
    static unsigned slot;
    char *out = buf[slot++ % 256];
    snprintf(out, 40, "%s%05u", prefix, ++serial);
    return out;
}

static const char *code_of(const char *wallet, const char *suffix)
{
    static char buf[256][32];
    static unsigned slot;
    char *out = buf[slot++ % 256];
    mt_code(out, wallet, suffix, ++serial);
    return out;
}

static int all_digits(const char *s, size_t len)
{
    if (strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int lower_hex(const char *s, size_t len)
{
    if (strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
            return 0;
    return 1;
}

static upay_params *query(const char *mch, const char *paytype, const char *otn)
{
    return mt_call(&gw, "orderquery", "mch_id", mch, "paytype", paytype, "out_trade_no", otn, NULL);
}

static upay_params *refund(const char *mch, const char *paytype, const char *otn, const char *orn,
                           const char *total, const char *fee)
{
    return mt_call(&gw, "refund", "mch_id", mch, "paytype", paytype, "out_trade_no", otn,
                   "out_refund_no", orn, "total_fee", total, "refund_fee", fee,
                   "op_user_id", "op1", NULL);
}

static upay_params *cancel(const char *mch, const char *paytype, const char *otn)
{
    return mt_call(&gw, "cancel", "mch_id", mch, "paytype", paytype, "out_trade_no", otn,
                   "op_user_id", "op1", NULL);
}

static upay_params *rquery(const char *mch, const char *paytype, const char *key, const char *value)
{
    return mt_call(&gw, "refundquery", "mch_id", mch, "paytype", paytype, key, value, NULL);
}

/* Pay and expect `code`; returns the answer. */
static upay_params *pay_expect(const char *mch, const char *otn, const char *fee, const char *code,
                               const char *want_code, const char *want_ts)
{
    upay_params *p = mt_pay(&gw, mch, otn, fee, code);
    mt_expect(p, "SUCCESS", want_code, want_ts);
    return p;
}

static void expect_and_free(upay_params *p, const char *state, const char *code, const char *ts)
{
    mt_expect(p, state, code, ts);
    upay_params_free(p);
}

/* ------------------------------------------------------------------ http */

START_TEST(http_layer)
{
    char url[192];
    mt_http_reply r;
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", gw.base);

    /* GET and PUT: 405 with Allow: POST, not a protocol answer (R-TRANS-03). */
    ck_assert_int_eq(mt_http("GET", url, NULL, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(r.allow, "POST");
    ck_assert_ptr_null(strstr(r.body, "\"state\""));
    mt_http_reply_free(&r);
    ck_assert_int_eq(mt_http("PUT", url, "application/x-www-form-urlencoded", "a=1", 3, NULL, &r), 0);
    ck_assert_int_eq(r.status, 405);
    mt_http_reply_free(&r);

    /* Another path: 404. */
    char other[192];
    snprintf(other, sizeof other, "%s/UnifiedPay/Gateway2", gw.base);
    ck_assert_int_eq(mt_http("POST", other, "application/x-www-form-urlencoded", "a=1", 3, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    mt_http_reply_free(&r);
    snprintf(other, sizeof other, "%s/nothing/here", gw.base);
    ck_assert_int_eq(mt_http("GET", other, NULL, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    mt_http_reply_free(&r);

    /* Wrong content type: FAIL 20004 unsigned, HTTP 200 (R-TRANS-01). */
    ck_assert_int_eq(mt_http("POST", url, "application/json", "{}", 2, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20004\""));
    ck_assert_ptr_null(strstr(r.body, "\"sign\""));
    mt_http_reply_free(&r);

    /* Oversized and malformed bodies (R-CHECK-01). */
    size_t big = 70000;
    char *huge = malloc(big + 1);
    ck_assert_ptr_nonnull(huge);
    memset(huge, 'a', big);
    huge[big] = '\0';
    memcpy(huge, "x=", 2);
    ck_assert_int_eq(mt_http("POST", url, "application/x-www-form-urlencoded", huge, big, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20004\""));
    ck_assert_ptr_null(strstr(r.body, "\"sign\""));
    mt_http_reply_free(&r);
    free(huge);

    static const char *const bad[] = { "a=%zz", "a=1&a=2", "=x", "a=%00", "a=%ff%fe" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        upay_params *p = mt_post_raw(&gw, bad[i], strlen(bad[i]));
        mt_expect(p, "FAIL", "20004", NULL);
        ck_assert_ptr_null(upay_params_get(p, "sign"));
        upay_params_free(p);
    }

    /* A good answer is JSON with the right content type. */
    ck_assert_int_eq(mt_http("POST", url, "application/x-www-form-urlencoded; charset=UTF-8",
                             "method=pay", 10, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.content_type, "application/json"));
    mt_http_reply_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- checks */

START_TEST(checks_agent_and_signature)
{
    const char *otn = fresh("CK");
    const char *code = code_of("WECHAT", NULL);
    /* Unknown and missing agent: 20012, unsigned (R-CHECK-02). */
    mt_gw other = gw;
    other.agent_id = "13999999999999999";
    upay_params *p = mt_pay(&other, "M1", otn, "100", code);
    mt_expect(p, "FAIL", "20012", NULL);
    ck_assert_ptr_null(upay_params_get(p, "sign"));
    upay_params_free(p);

    /* Bad signature: 20002 signed with the agent's key (R-SIGN-08). */
    upay_params *req = upay_params_new();
    upay_params_set(req, "method", "pay");
    upay_params_set(req, "agent_id", MT_AGENT1);
    upay_params_set(req, "mch_id", "M1");
    upay_sign_params(req, MT_KEY2, UPAY_SIGN_MD5);
    char *body = NULL;
    upay_form_encode(req, &body);
    p = mt_post_raw(&gw, body, strlen(body));
    mt_expect(p, "FAIL", "20002", NULL);
    ck_assert_int_eq(upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5), UPAY_OK);
    upay_params_free(p);
    upay_free(body);

    /* Missing sign: 20002. */
    upay_params_remove(req, "sign");
    upay_form_encode(req, &body);
    p = mt_post_raw(&gw, body, strlen(body));
    mt_expect(p, "FAIL", "20002", NULL);
    upay_params_free(p);
    upay_free(body);
    upay_params_free(req);

    /* Lower-case sign passes (R-SIGN-07); unknown params are signed and ignored (R-SIGN-09). */
    req = upay_params_new();
    upay_params_set(req, "method", "orderquery");
    upay_params_set(req, "agent_id", MT_AGENT1);
    upay_params_set(req, "mch_id", "M1");
    upay_params_set(req, "paytype", "WECHAT");
    upay_params_set(req, "out_trade_no", otn);
    upay_params_set(req, "Zeta", "1");
    upay_sign_params(req, MT_KEY1, UPAY_SIGN_MD5);
    char lower[80];
    snprintf(lower, sizeof lower, "%s", upay_params_get(req, "sign"));
    for (char *c = lower; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    upay_params_set(req, "sign", lower);
    upay_form_encode(req, &body);
    p = mt_post_raw(&gw, body, strlen(body));
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    upay_free(body);
    upay_params_free(req);

    /* Unknown sign_type: 20002 (R-SIGN-06). */
    p = mt_call(&gw, "orderquery", "sign_type", "SHA1", "mch_id", "M1", "paytype", "WECHAT",
                "out_trade_no", otn, NULL);
    mt_expect(p, "FAIL", "20002", NULL);
    upay_params_free(p);

    /* HMAC-SHA256 request, answer signed the same way (R-SIGN-05, R-SIGN-10). */
    mt_gw hmac = gw;
    hmac.type = UPAY_SIGN_HMAC_SHA256;
    p = mt_pay(&hmac, "M1", otn, "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_int_eq(strlen(mt_field(p, "sign")), 64);
    upay_params_free(p);
}
END_TEST

START_TEST(checks_order_and_parameters)
{
    const char *code = code_of("WECHAT", NULL);
    /* Unknown agent with a bad signature: 20012 (R-CHECK-03). */
    mt_gw bad = gw;
    bad.agent_id = "42";
    bad.key = "nope";
    expect_and_free(mt_call(&bad, "pay", NULL), "FAIL", "20012", NULL);
    /* Bad signature with a missing parameter: 20002. */
    mt_gw wrong = gw;
    wrong.key = MT_KEY2;
    wrong.answer_key = MT_KEY1;
    expect_and_free(mt_call(&wrong, "pay", "mch_id", "M1", NULL), "FAIL", "20002", NULL);
    /* Missing parameter (any call): 20004. */
    expect_and_free(mt_call(&gw, "pay", "mch_id", "M1", NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, NULL, "mch_id", "M1", NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "PAY", "mch_id", "M1", NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "close", "mch_id", "M1", NULL), "FAIL", "20004", NULL);
    /* Empty required value counts as absent (R-CHECK-05). */
    expect_and_free(mt_call(&gw, "pay", "mch_id", "M1", "out_trade_no", fresh("P"), "body", "",
                            "total_fee", "1", "auth_code", code, NULL), "FAIL", "20004", NULL);
    /* Shapes (R-FIELD-*). */
    static const char *const amounts[] = { "0", "01", "-1", "1.00", " 1", "1e2", "10000000000001" };
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++)
        expect_and_free(mt_pay(&gw, "M1", fresh("P"), amounts[i], code), "FAIL", "20004", NULL);
    expect_and_free(mt_pay(&gw, "M1", "abc", "1", code), "FAIL", "20004", NULL);
    expect_and_free(mt_pay(&gw, "M1", "abc-def", "1", code), "FAIL", "20004", NULL);
    expect_and_free(mt_pay(&gw, "M1", "A23456789012345678901234567890123", "1", code),
                    "FAIL", "20004", NULL);
    expect_and_free(mt_pay(&gw, "M-1", fresh("P"), "1", code), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "orderquery", "mch_id", "M1", "paytype", "wechat",
                            "out_trade_no", "ABCDE", NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "orderquery", "mch_id", "M1", "out_trade_no", "ABCDE", NULL),
                    "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "orderquery", "mch_id", "M1", "paytype", "WECHAT", NULL),
                    "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "refund", "mch_id", "M1", "paytype", "WECHAT", "out_trade_no",
                            "ABCDE", "out_refund_no", "R#1", "total_fee", "1", "refund_fee", "1",
                            "op_user_id", "x", NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "refund", "mch_id", "M1", "paytype", "WECHAT", "out_trade_no",
                            "ABCDE", "out_refund_no", "R-1.a|*@_", "total_fee", "1", "refund_fee",
                            "1", "op_user_id", "x", "scene", "2", NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "refund", "mch_id", "M1", "paytype", "WECHAT", "out_trade_no",
                            "ABCDE", "out_refund_no", "R-1.a|*@_", "total_fee", "1", "refund_fee",
                            "1", NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "cancel", "mch_id", "M1", "paytype", "WECHAT",
                            "transaction_id", "7551000001202001010000000001", "op_user_id", "x",
                            NULL), "FAIL", "20004", NULL);
    expect_and_free(mt_call(&gw, "refundquery", "mch_id", "M1", "paytype", "WECHAT", NULL),
                    "FAIL", "20004", NULL);
    /* A valid out_refund_no with every allowed character reaches the business rules. */
    expect_and_free(mt_call(&gw, "refund", "mch_id", "M1", "paytype", "WECHAT", "out_trade_no",
                            "ABCDE", "out_refund_no", "R-1.a|*@_", "total_fee", "1", "refund_fee",
                            "1", "op_user_id", "x", "scene", "1", NULL), "SUCCESS", "20007", "FAIL");
    /* QQ needs device_info (R-PAY-02). */
    expect_and_free(mt_call(&gw, "pay", "mch_id", "M1", "out_trade_no", fresh("P"), "body", "b",
                            "total_fee", "1", "auth_code", code_of("QQ", NULL), NULL),
                    "FAIL", "20004", NULL);
}
END_TEST

START_TEST(checks_merchants)
{
    const char *otn = fresh("MC");
    upay_params *p = pay_expect("SHOP1", otn, "100", code_of("WECHAT", NULL), "10000", "SUCCESS");
    upay_params_free(p);
    /* The merchant now belongs to agent 1: agent 2 is refused (R-CHECK-07). */
    mt_gw two = gw;
    two.agent_id = MT_AGENT2;
    two.key = MT_KEY2;
    expect_and_free(mt_call(&two, "orderquery", "mch_id", "SHOP1", "paytype", "WECHAT",
                            "out_trade_no", otn, NULL), "FAIL", "20005", NULL);
    /* Another merchant of the same agent does not see the order (R-CHECK-12). */
    expect_and_free(query("SHOP2", "WECHAT", otn), "SUCCESS", "20007", "FAIL");
    /* The same out_trade_no is free at another merchant. */
    p = pay_expect("SHOP2", otn, "5", code_of("WECHAT", NULL), "10000", "SUCCESS");
    upay_params_free(p);
    /* out_trade_no is case-sensitive (R-FIELD-02). */
    char upper[40];
    snprintf(upper, sizeof upper, "%s", otn);
    upper[0] = (char)tolower((unsigned char)upper[0]);
    expect_and_free(query("SHOP1", "WECHAT", upper), "SUCCESS", "20007", "FAIL");
}
END_TEST

/* ------------------------------------------------------------------- pay */

START_TEST(pay_answers)
{
    const char *otn = fresh("PA");
    const char *code = code_of("WECHAT", NULL);
    upay_params *p = mt_call(&gw, "pay", "mch_id", "M1", "out_trade_no", otn, "body", "商品",
                             "total_fee", "888", "auth_code", code, "attach", "附加 & = data",
                             "version", "1.0", "pid", "yunpos", "paytype", "ALIPAY", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "mch_id"), "M1");
    ck_assert_str_eq(mt_field(p, "out_trade_no"), otn);
    ck_assert_str_eq(mt_field(p, "total_fee"), "888");
    ck_assert_str_eq(mt_field(p, "fee_type"), "CNY");
    ck_assert_str_eq(mt_field(p, "attach"), "附加 & = data");
    ck_assert(all_digits(mt_field(p, "transaction_id"), 28));
    ck_assert(all_digits(mt_field(p, "out_transaction_id"), 28));
    ck_assert(all_digits(mt_field(p, "time_end"), 14));
    ck_assert(lower_hex(mt_field(p, "nonce_str"), 32));
    ck_assert_int_gt(strlen(mt_field(p, "openid")), 10);
    static const char *const present[] = { "appid", "is_subscribe", "sub_appid",
                                           "sub_is_subscribe", "sub_openid", "coupon_fee",
                                           "bank_type", "msg" };
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        mt_field(p, present[i]);
    char tid[40];
    snprintf(tid, sizeof tid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);

    /* Same out_trade_no, same content: orderquery's answer, same order (R-PAY-07). */
    p = mt_call(&gw, "pay", "mch_id", "M1", "out_trade_no", otn, "body", "x", "total_fee", "888",
                "auth_code", code, NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "transaction_id"), tid);
    upay_params_free(p);
    /* Different amount or code: SUCCESS 20004 FAIL, order unchanged (R-PAY-08). */
    expect_and_free(mt_pay(&gw, "M1", otn, "889", code), "SUCCESS", "20004", "FAIL");
    expect_and_free(mt_pay(&gw, "M1", otn, "888", code_of("WECHAT", NULL)), "SUCCESS", "20004",
                    "FAIL");
    /* The number's order answers before any check of the new code: 20004, not 10006. */
    expect_and_free(mt_pay(&gw, "M1", otn, "888", "123123123"), "SUCCESS", "20004", "FAIL");
    p = query("M1", "WECHAT", otn);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "total_fee"), "888");
    ck_assert_str_eq(mt_field(p, "attach"), "附加 & = data");
    upay_params_free(p);

    /* auth_code of no shape: 10006, no order; the number stays free (R-WALLET-03/04). */
    const char *otn2 = fresh("PB");
    p = pay_expect("M1", otn2, "1", "123123123", "10006", "FAIL");
    ck_assert_ptr_nonnull(strstr(mt_detail(), "invalid"));   /* msg is 支付错误 */
    upay_params_free(p);
    expect_and_free(query("M1", "WECHAT", otn2), "SUCCESS", "20007", "FAIL");
    upay_params_free(pay_expect("M1", otn2, "1", code_of("WECHAT", NULL), "10000", "SUCCESS"));
}
END_TEST

START_TEST(pay_wallets)
{
    static const char *const wallets[] = { "WECHAT", "ALIPAY", "UNIONPAY", "QQ", "JDPAY", "BESTPAY" };
    for (size_t i = 0; i < 6; i++) {
        const char *otn = fresh("W");
        upay_params_free(pay_expect("M1", otn, "10", code_of(wallets[i], NULL), "10000", "SUCCESS"));
        /* Other calls must name the order's wallet (R-CHECK-08). */
        const char *wrong = wallets[(i + 1) % 6];
        expect_and_free(query("M1", wrong, otn), "FAIL", "20004", NULL);
        expect_and_free(refund("M1", wrong, otn, fresh("R"), "10", "1"), "FAIL", "20004", NULL);
        expect_and_free(cancel("M1", wrong, otn), "FAIL", "20004", NULL);
        expect_and_free(query("M1", wallets[i], otn), "SUCCESS", "10000", "SUCCESS");
    }
    /* ALIPAY codes of 16 and 24 digits; 25 digits fit no wallet. */
    upay_params_free(pay_expect("M1", fresh("W"), "1", "2800000000000001", "10000", "SUCCESS"));
    upay_params_free(pay_expect("M1", fresh("W"), "1", "280000000000000000000002", "10000", "SUCCESS"));
    upay_params_free(pay_expect("M1", fresh("W"), "1", "2800000000000000000000003", "10006", "FAIL"));
    upay_params_free(pay_expect("M1", fresh("W"), "1", "160000000000000000", "10006", "FAIL"));
}
END_TEST

/* ------------------------------------------------------------ orderquery */

START_TEST(orderquery_lookup)
{
    const char *otn = fresh("OQ");
    upay_params *p = pay_expect("M1", otn, "100", code_of("WECHAT", NULL), "10000", "SUCCESS");
    char tid[40];
    snprintf(tid, sizeof tid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);

    expect_and_free(query("M1", "WECHAT", "NOSUCH1"), "SUCCESS", "20007", "FAIL");
    /* By transaction_id alone. */
    p = mt_call(&gw, "orderquery", "mch_id", "M1", "paytype", "WECHAT", "transaction_id", tid, NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "out_trade_no"), otn);
    upay_params_free(p);
    /* Both: out_trade_no wins, no fallback (R-QUERY-02). */
    expect_and_free(mt_call(&gw, "orderquery", "mch_id", "M1", "paytype", "WECHAT",
                            "transaction_id", "7551000001202001019999999999", "out_trade_no", otn,
                            NULL), "SUCCESS", "10000", "SUCCESS");
    expect_and_free(mt_call(&gw, "orderquery", "mch_id", "M1", "paytype", "WECHAT",
                            "transaction_id", tid, "out_trade_no", "NOSUCH2", NULL),
                    "SUCCESS", "20007", "FAIL");
}
END_TEST

/* ---------------------------------------------------------- pay personas */

START_TEST(persona_password_and_decline)
{
    /* 9001: 10001 now, paid 10 s later on the merchant's clock. */
    const char *otn = fresh("PW");
    upay_params *p = pay_expect("PW1", otn, "100", code_of("WECHAT", "9001"), "10001", "NEED_QUERY");
    ck_assert_ptr_null(upay_params_get(p, "transaction_id"));
    upay_params_free(p);
    p = query("PW1", "WECHAT", otn);
    mt_expect(p, "SUCCESS", "10001", "NEED_QUERY");
    ck_assert_ptr_null(upay_params_get(p, "time_end"));
    mt_field(p, "transaction_id");
    upay_params_free(p);
    mt_advance(gw.base, "PW1", 9);
    expect_and_free(query("PW1", "WECHAT", otn), "SUCCESS", "10001", "NEED_QUERY");
    mt_advance(gw.base, "PW1", 1);
    p = query("PW1", "WECHAT", otn);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert(all_digits(mt_field(p, "time_end"), 14));
    upay_params_free(p);

    /* 9007: 10001 now, not paid (10003) 10 s later. */
    otn = fresh("DC");
    upay_params_free(pay_expect("PW1", otn, "100", code_of("ALIPAY", "9007"), "10001", "NEED_QUERY"));
    mt_advance(gw.base, "PW1", 10);
    p = query("PW1", "ALIPAY", otn);
    mt_expect(p, "SUCCESS", "10003", "FAIL");
    ck_assert_ptr_null(upay_params_get(p, "time_end"));
    upay_params_free(p);
    expect_and_free(refund("PW1", "ALIPAY", otn, fresh("R"), "100", "1"), "SUCCESS", "20008", "FAIL");
    expect_and_free(cancel("PW1", "ALIPAY", otn), "SUCCESS", "10000", "SUCCESS");
    expect_and_free(query("PW1", "ALIPAY", otn), "SUCCESS", "10004", "FAIL");
}
END_TEST

START_TEST(persona_never_confirms)
{
    const char *otn = fresh("NV");
    upay_params_free(pay_expect("NV1", otn, "100", code_of("WECHAT", "9002"), "10001", "NEED_QUERY"));
    mt_advance(gw.base, "NV1", 86400 * 3);
    expect_and_free(query("NV1", "WECHAT", otn), "SUCCESS", "10001", "NEED_QUERY");
    expect_and_free(refund("NV1", "WECHAT", otn, fresh("R"), "100", "1"), "SUCCESS", "20008", "FAIL");
    /* Too old to cancel after three days... */
    expect_and_free(cancel("NV1", "WECHAT", otn), "SUCCESS", "20011", "FAIL");
    /* ...a fresh one is closed by cancel (R-CANCEL-04). */
    otn = fresh("NV");
    upay_params_free(pay_expect("NV1", otn, "100", code_of("WECHAT", "9002"), "10001", "NEED_QUERY"));
    expect_and_free(cancel("NV1", "WECHAT", otn), "SUCCESS", "10000", "SUCCESS");
    expect_and_free(query("NV1", "WECHAT", otn), "SUCCESS", "10004", "FAIL");
}
END_TEST

START_TEST(persona_refusals_fault_coupon)
{
    static const char *const refusing[] = { "9003", "9004" };
    for (int i = 0; i < 2; i++) {
        const char *otn = fresh("RF");
        upay_params_free(pay_expect("RF1", otn, "100", code_of("WECHAT", refusing[i]), "10006", "FAIL"));
        /* Recorded as failed and queryable (R-PAY-05). */
        expect_and_free(query("RF1", "WECHAT", otn), "SUCCESS", "10006", "FAIL");
        expect_and_free(refund("RF1", "WECHAT", otn, fresh("R"), "100", "100"), "SUCCESS", "20008",
                        "FAIL");
        expect_and_free(cancel("RF1", "WECHAT", otn), "SUCCESS", "10000", "SUCCESS");
        expect_and_free(query("RF1", "WECHAT", otn), "SUCCESS", "10004", "FAIL");
    }
    /* 9005: 20006 although paid (R-PAY-06). */
    const char *otn = fresh("FT");
    upay_params *p = pay_expect("RF1", otn, "100", code_of("UNIONPAY", "9005"), "20006", "NEED_QUERY");
    ck_assert_ptr_null(upay_params_get(p, "transaction_id"));
    upay_params_free(p);
    expect_and_free(query("RF1", "UNIONPAY", otn), "SUCCESS", "10000", "SUCCESS");

    /* 9006: 1 fen coupon, not refundable. */
    otn = fresh("CP");
    p = pay_expect("RF1", otn, "100", code_of("WECHAT", "9006"), "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "coupon_fee"), "1");
    upay_params_free(p);
    expect_and_free(refund("RF1", "WECHAT", otn, fresh("R"), "100", "100"), "SUCCESS", "20008", "FAIL");
    p = refund("RF1", "WECHAT", otn, fresh("R"), "100", "99");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "coupon_refund_fee"), "0");
    upay_params_free(p);
    expect_and_free(refund("RF1", "WECHAT", otn, fresh("R"), "100", "1"), "SUCCESS", "20008", "FAIL");
}
END_TEST

/* ------------------------------------------------------- refund personas */

static char *list_status(const upay_params *p, size_t index)
{
    upay_refund_entry *items = NULL;
    size_t n = 0;
    ck_assert_int_eq(upay_refund_list_parse(mt_field(p, "refund_list"), &items, &n, NULL), UPAY_OK);
    ck_assert_uint_gt(n, index);
    char *s = strdup(upay_refund_status_name(items[index].refund_status));
    upay_free(items);
    return s;
}

static void expect_status(const char *mch, const char *paytype, const char *orn, const char *want)
{
    upay_params *p = rquery(mch, paytype, "out_refund_no", orn);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    char *s = list_status(p, 0);
    ck_assert_str_eq(s, want);
    free(s);
    upay_params_free(p);
}

START_TEST(persona_refund_later_and_change)
{
    static const struct { const char *suffix, *final; } cases[] = {
        { "9101", "SUCCESS" }, { "9103", "CHANGE" }
    };
    for (int i = 0; i < 2; i++) {
        const char *otn = fresh("RL");
        upay_params_free(pay_expect("RL1", otn, "100", code_of("WECHAT", cases[i].suffix), "10000",
                                    "SUCCESS"));
        const char *orn = fresh("RLR");
        upay_params *p = refund("RL1", "WECHAT", otn, orn, "100", "40");
        mt_expect(p, "SUCCESS", "10000", "PROCESSING");
        char rid[40];
        snprintf(rid, sizeof rid, "%s", mt_field(p, "refund_id"));
        upay_params_free(p);
        expect_status("RL1", "WECHAT", orn, "PROCESSING");
        /* PROCESSING counts against the refundable amount. */
        expect_and_free(refund("RL1", "WECHAT", otn, fresh("R"), "100", "61"), "SUCCESS", "20008", "FAIL");
        expect_and_free(query("RL1", "WECHAT", otn), "SUCCESS", "10002", "REFUND");
        mt_advance(gw.base, "RL1", 86400 - 1);
        expect_status("RL1", "WECHAT", orn, "PROCESSING");
        mt_advance(gw.base, "RL1", 1);
        expect_status("RL1", "WECHAT", orn, cases[i].final);
        /* A retry of the settled number: the same refund, 10000/SUCCESS. */
        p = refund("RL1", "WECHAT", otn, orn, "100", "40");
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        ck_assert_str_eq(mt_field(p, "refund_id"), rid);
        upay_params_free(p);
    }
}
END_TEST

START_TEST(persona_refund_notsure_and_fail)
{
    /* 9102: NOTSURE first, a retry with the same number succeeds. */
    const char *otn = fresh("NS");
    upay_params_free(pay_expect("NS1", otn, "100", code_of("ALIPAY", "9102"), "10000", "SUCCESS"));
    const char *orn = fresh("NSR");
    upay_params *p = refund("NS1", "ALIPAY", otn, orn, "100", "100");
    mt_expect(p, "SUCCESS", "20008", "NEED_QUERY");
    char rid[40];
    snprintf(rid, sizeof rid, "%s", mt_field(p, "refund_id"));
    upay_params_free(p);
    expect_status("NS1", "ALIPAY", orn, "NOTSURE");
    p = refund("NS1", "ALIPAY", otn, orn, "100", "100");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_id"), rid);
    upay_params_free(p);
    p = rquery("NS1", "ALIPAY", "refund_id", rid);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "1");
    ck_assert_str_eq(mt_field(p, "refund_fee_summary"), "100");
    upay_params_free(p);

    /* 9104: the bank refuses: FAIL, recorded, not counted; the order stays paid. */
    otn = fresh("BF");
    upay_params_free(pay_expect("NS1", otn, "100", code_of("WECHAT", "9104"), "10000", "SUCCESS"));
    orn = fresh("BFR");
    p = refund("NS1", "WECHAT", otn, orn, "100", "100");
    mt_expect(p, "SUCCESS", "20008", "FAIL");
    upay_params_free(p);
    p = rquery("NS1", "WECHAT", "out_trade_no", otn);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "1");
    ck_assert_str_eq(mt_field(p, "refund_fee_summary"), "0");
    char *s = list_status(p, 0);
    ck_assert_str_eq(s, "FAIL");
    free(s);
    upay_params_free(p);
    expect_and_free(query("NS1", "WECHAT", otn), "SUCCESS", "10000", "SUCCESS");
    /* Retried: processed again, FAIL again; a new number for the whole amount is processed too. */
    expect_and_free(refund("NS1", "WECHAT", otn, orn, "100", "100"), "SUCCESS", "20008", "FAIL");
    expect_and_free(refund("NS1", "WECHAT", otn, fresh("BFR"), "100", "100"), "SUCCESS", "20008", "FAIL");
    /* All refunds FAIL: revoked normally (R-CANCEL-07). */
    expect_and_free(cancel("NS1", "WECHAT", otn), "SUCCESS", "10000", "SUCCESS");
    expect_and_free(query("NS1", "WECHAT", otn), "SUCCESS", "10005", "FAIL");
}
END_TEST

/* ---------------------------------------------------------------- refund */

START_TEST(refund_rules)
{
    const char *otn = fresh("RR");
    upay_params *p = pay_expect("RR1", otn, "100", code_of("WECHAT", NULL), "10000", "SUCCESS");
    char tid[40];
    snprintf(tid, sizeof tid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);

    expect_and_free(refund("RR1", "WECHAT", "NOSUCH9", fresh("R"), "100", "1"), "SUCCESS", "20007", "FAIL");
    expect_and_free(refund("RR1", "WECHAT", otn, fresh("R"), "99", "1"), "SUCCESS", "20008", "FAIL");
    expect_and_free(refund("RR1", "WECHAT", otn, fresh("R"), "100", "101"), "SUCCESS", "20008", "FAIL");

    const char *orn1 = fresh("RA");
    p = refund("RR1", "WECHAT", otn, orn1, "100", "30");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    static const char *const fields[] = { "mch_id", "transaction_id", "out_trade_no",
                                          "out_transaction_id", "out_refund_no", "refund_id",
                                          "out_refund_id", "refund_channel", "refund_fee",
                                          "coupon_refund_fee", "nonce_str" };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        mt_field(p, fields[i]);
    ck_assert(all_digits(mt_field(p, "refund_id"), 28));
    ck_assert(all_digits(mt_field(p, "out_refund_id"), 28));
    ck_assert_str_eq(mt_field(p, "refund_channel"), "ORIGINAL");
    char rid1[40];
    snprintf(rid1, sizeof rid1, "%s", mt_field(p, "refund_id"));
    upay_params_free(p);
    expect_and_free(query("RR1", "WECHAT", otn), "SUCCESS", "10002", "REFUND");

    /* Idempotent: the same refund again (R-REFUND-12). */
    p = refund("RR1", "WECHAT", otn, orn1, "100", "30");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_id"), rid1);
    upay_params_free(p);
    /* Same number, other amount: 20008, nothing changes (R-REFUND-13). */
    expect_and_free(refund("RR1", "WECHAT", otn, orn1, "100", "31"), "SUCCESS", "20008", "FAIL");

    /* Precedence: transaction_id wins (R-REFUND-02). */
    expect_and_free(mt_call(&gw, "refund", "mch_id", "RR1", "paytype", "WECHAT", "transaction_id",
                            "7551000001202001019999999999", "out_trade_no", otn, "out_refund_no",
                            fresh("R"), "total_fee", "100", "refund_fee", "1", "op_user_id", "o",
                            NULL), "SUCCESS", "20007", "FAIL");
    const char *orn2 = fresh("RB");
    expect_and_free(mt_call(&gw, "refund", "mch_id", "RR1", "paytype", "WECHAT", "transaction_id",
                            tid, "out_trade_no", "NOSUCH8", "out_refund_no", orn2, "total_fee",
                            "100", "refund_fee", "20", "op_user_id", "o", NULL),
                    "SUCCESS", "10000", "SUCCESS");
    /* The same number on another order is refused. */
    const char *otn2 = fresh("RR");
    upay_params_free(pay_expect("RR1", otn2, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    expect_and_free(refund("RR1", "WECHAT", otn2, orn2, "100", "20"), "SUCCESS", "20008", "FAIL");

    /* 50 left: 51 is over, exactly 50 passes, then nothing is left (R-REFUND-10). */
    expect_and_free(refund("RR1", "WECHAT", otn, fresh("R"), "100", "51"), "SUCCESS", "20008", "FAIL");
    expect_and_free(refund("RR1", "WECHAT", otn, fresh("R"), "100", "50"), "SUCCESS", "10000", "SUCCESS");
    expect_and_free(refund("RR1", "WECHAT", otn, fresh("R"), "100", "1"), "SUCCESS", "20008", "FAIL");
    p = rquery("RR1", "WECHAT", "out_trade_no", otn);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "3");   /* refused ones leave no record */
    ck_assert_str_eq(mt_field(p, "refund_fee_summary"), "100");
    upay_params_free(p);
    /* Refunded orders cannot be cancelled (R-CANCEL-07). */
    expect_and_free(cancel("RR1", "WECHAT", otn), "SUCCESS", "20011", "FAIL");
}
END_TEST

START_TEST(refund_365_days)
{
    const char *otn = fresh("OLD");
    upay_params_free(pay_expect("OLD1", otn, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    mt_advance(gw.base, "OLD1", 365LL * 86400 - 1);
    expect_and_free(refund("OLD1", "WECHAT", otn, fresh("R"), "100", "1"), "SUCCESS", "10000", "SUCCESS");
    mt_advance(gw.base, "OLD1", 1);
    expect_and_free(refund("OLD1", "WECHAT", otn, fresh("R"), "100", "1"), "SUCCESS", "20008", "FAIL");
}
END_TEST

/* ----------------------------------------------------------- refundquery */

START_TEST(refundquery_rules)
{
    const char *otn = fresh("RQ");
    upay_params *p = pay_expect("RQ1", otn, "100", code_of("ALIPAY", NULL), "10000", "SUCCESS");
    char tid[40];
    snprintf(tid, sizeof tid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);

    /* ALIPAY asked by order: 20004 (R-RQUERY-03). */
    expect_and_free(rquery("RQ1", "ALIPAY", "out_trade_no", otn), "FAIL", "20004", NULL);
    expect_and_free(rquery("RQ1", "ALIPAY", "out_refund_no", "NONE"), "SUCCESS", "20007", "FAIL");

    /* A WECHAT order: no refunds yet -> 20007 (R-RQUERY-05). */
    const char *wotn = fresh("RQW");
    upay_params_free(pay_expect("RQ1", wotn, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    expect_and_free(rquery("RQ1", "WECHAT", "out_trade_no", wotn), "SUCCESS", "20007", "FAIL");
    expect_and_free(rquery("RQ1", "WECHAT", "out_trade_no", "NOSUCH7"), "SUCCESS", "20007", "FAIL");

    char orns[3][40], rids[3][40];
    for (int i = 0; i < 3; i++) {
        snprintf(orns[i], sizeof orns[i], "%s", fresh("RQR"));
        p = refund("RQ1", "ALIPAY", otn, orns[i], "100", i == 0 ? "2" : "1");
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        snprintf(rids[i], sizeof rids[i], "%s", mt_field(p, "refund_id"));
        upay_params_free(p);
    }
    /* By refund: one item whose serial_no is its position (R-RQUERY-07). */
    p = rquery("RQ1", "ALIPAY", "refund_id", rids[2]);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "1");
    ck_assert_str_eq(mt_field(p, "refund_fee_summary"), "1");
    ck_assert_str_eq(mt_field(p, "out_trade_no"), otn);
    ck_assert_str_eq(mt_field(p, "transaction_id"), tid);
    upay_refund_entry *items = NULL;
    size_t n = 0;
    ck_assert_int_eq(upay_refund_list_parse(mt_field(p, "refund_list"), &items, &n, NULL), UPAY_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(items[0].serial_no, 2);
    ck_assert_str_eq(items[0].out_refund_no, orns[2]);
    upay_free(items);
    upay_params_free(p);

    /* Precedence refund_id > out_refund_no > transaction_id > out_trade_no (R-RQUERY-02). */
    expect_and_free(mt_call(&gw, "refundquery", "mch_id", "RQ1", "paytype", "ALIPAY", "refund_id",
                            "7552000001202001019999999999", "out_refund_no", orns[0], NULL),
                    "SUCCESS", "20007", "FAIL");
    p = mt_call(&gw, "refundquery", "mch_id", "RQ1", "paytype", "ALIPAY", "out_refund_no", orns[1],
                "transaction_id", "7551000001202001019999999999", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "1");
    upay_params_free(p);

    /* By order (WECHAT): all refunds in serial order; transaction_id beats out_trade_no. */
    const char *w2 = fresh("RQW");
    upay_params_free(pay_expect("RQ1", w2, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    for (int i = 0; i < 3; i++)
        upay_params_free(refund("RQ1", "WECHAT", w2, fresh("RW"), "100", "5"));
    expect_and_free(mt_call(&gw, "refundquery", "mch_id", "RQ1", "paytype", "WECHAT",
                            "transaction_id", "7551000001202001019999999999", "out_trade_no", w2,
                            NULL), "SUCCESS", "20007", "FAIL");
    p = rquery("RQ1", "WECHAT", "out_trade_no", w2);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "3");
    ck_assert_str_eq(mt_field(p, "refund_fee_summary"), "15");
    ck_assert_int_eq(upay_refund_list_parse(mt_field(p, "refund_list"), &items, &n, NULL), UPAY_OK);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(items[i].serial_no, i);
        ck_assert_int_eq(items[i].refund_status, UPAY_REFUND_SUCCESS);
        ck_assert_int_eq(strlen(items[i].refund_time), 14);
        ck_assert_str_eq(items[i].refund_channel, "ORIGINAL");
    }
    upay_free(items);
    upay_params_free(p);
}
END_TEST

START_TEST(refund_limits_20_and_50)
{
    const char *otn = fresh("LIM");
    upay_params_free(pay_expect("LIM1", otn, "1000", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    char first_rid[40] = "";
    for (int i = 1; i <= 50; i++) {
        char orn[40];
        snprintf(orn, sizeof orn, "L-%02d", i);
        upay_params *p = refund("LIM1", "WECHAT", otn, orn, "1000", "1");
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        if (i == 1)
            snprintf(first_rid, sizeof first_rid, "%s", mt_field(p, "refund_id"));
        upay_params_free(p);
        if (i == 20) {
            upay_params *q = rquery("LIM1", "WECHAT", "out_trade_no", otn);
            mt_expect(q, "SUCCESS", "10000", "SUCCESS");
            ck_assert_str_eq(mt_field(q, "refund_count"), "20");
            upay_params_free(q);
        }
        if (i == 21) {
            upay_params *q = rquery("LIM1", "WECHAT", "out_trade_no", otn);
            mt_expect(q, "SUCCESS", "20010", "FAIL");
            ck_assert_ptr_nonnull(strstr(mt_detail(), "refund_id"));
            upay_params_free(q);
        }
    }
    /* A 51st refund is refused and leaves no record (R-REFUND-16)... */
    expect_and_free(refund("LIM1", "WECHAT", otn, "L-51", "1000", "1"), "SUCCESS", "20008", "FAIL");
    expect_and_free(rquery("LIM1", "WECHAT", "out_refund_no", "L-51"), "SUCCESS", "20007", "FAIL");
    /* ...a retry of an existing number still answers, and queries by refund work. */
    expect_and_free(refund("LIM1", "WECHAT", otn, "L-50", "1000", "1"), "SUCCESS", "10000", "SUCCESS");
    upay_params *p = rquery("LIM1", "WECHAT", "refund_id", first_rid);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    p = rquery("LIM1", "WECHAT", "out_refund_no", "L-50");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_refund_entry *items = NULL;
    size_t n = 0;
    ck_assert_int_eq(upay_refund_list_parse(mt_field(p, "refund_list"), &items, &n, NULL), UPAY_OK);
    ck_assert_uint_eq(items[0].serial_no, 49);
    upay_free(items);
    upay_params_free(p);
}
END_TEST

/* ---------------------------------------------------------------- cancel */

START_TEST(cancel_window)
{
    /* Paid, 299 s: revoked (R-CANCEL-03/06). */
    const char *a = fresh("CA");
    upay_params_free(pay_expect("CW1", a, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    mt_advance(gw.base, "CW1", 299);
    upay_params *p = cancel("CW1", "WECHAT", a);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "mch_id"), "CW1");
    mt_field(p, "nonce_str");
    upay_params_free(p);
    p = query("CW1", "WECHAT", a);
    mt_expect(p, "SUCCESS", "10005", "FAIL");
    mt_field(p, "time_end");
    upay_params_free(p);
    /* Afterwards: refunds refused, the same pay answers the revoked order, cancel again is fine. */
    expect_and_free(refund("CW1", "WECHAT", a, fresh("R"), "100", "1"), "SUCCESS", "20008", "FAIL");
    mt_advance(gw.base, "CW1", 3600);
    expect_and_free(cancel("CW1", "WECHAT", a), "SUCCESS", "10000", "SUCCESS");

    /* Paid, exactly 300 s: 20011, unchanged. */
    const char *b = fresh("CB");
    const char *code = code_of("WECHAT", NULL);
    upay_params_free(pay_expect("CW1", b, "100", code, "10000", "SUCCESS"));
    mt_advance(gw.base, "CW1", 300);
    expect_and_free(cancel("CW1", "WECHAT", b), "SUCCESS", "20011", "FAIL");
    expect_and_free(query("CW1", "WECHAT", b), "SUCCESS", "10000", "SUCCESS");
    expect_and_free(mt_pay(&gw, "CW1", a, "100", code), "SUCCESS", "20004", "FAIL");

    /* Each merchant has its own clock; the global clock moves them all. */
    const char *c1 = fresh("CC"), *c2 = fresh("CD");
    upay_params_free(pay_expect("CW2", c1, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    upay_params_free(pay_expect("CW3", c2, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    mt_advance(gw.base, "CW2", 400);
    expect_and_free(cancel("CW2", "WECHAT", c1), "SUCCESS", "20011", "FAIL");
    mt_advance(gw.base, NULL, 300);
    expect_and_free(cancel("CW3", "WECHAT", c2), "SUCCESS", "20011", "FAIL");
    /* A merchant created after the global move is moved too, but its new orders are young. */
    const char *c3 = fresh("CE");
    upay_params_free(pay_expect("CW4", c3, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    expect_and_free(cancel("CW4", "WECHAT", c3), "SUCCESS", "10000", "SUCCESS");

    expect_and_free(cancel("CW4", "WECHAT", "NOSUCH6"), "SUCCESS", "20007", "FAIL");
}
END_TEST

START_TEST(cancel_same_pay_after)
{
    const char *otn = fresh("CP");
    const char *code = code_of("QQ", NULL);
    upay_params_free(pay_expect("CS1", otn, "100", code, "10000", "SUCCESS"));
    expect_and_free(cancel("CS1", "QQ", otn), "SUCCESS", "10000", "SUCCESS");
    /* The same pay again: the revoked order's answer, never a new charge. */
    upay_params *p = mt_pay(&gw, "CS1", otn, "100", code);
    mt_expect(p, "SUCCESS", "10005", "FAIL");
    upay_params_free(p);
}
END_TEST

/* ----------------------------------------------------------------- admin */

START_TEST(admin_api)
{
    long status = 0;
    char *body = mt_admin(gw.base, "GET", "/mock/health", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, "\"status\":\"ok\""));
    ck_assert_ptr_nonnull(strstr(body, "\"mock\":\"upay-mock\""));
    ck_assert_ptr_nonnull(strstr(body, "\"version\":"));
    free(body);

    const char *otn = fresh("AD");
    upay_params_free(pay_expect("AD1", otn, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    upay_params_free(refund("AD1", "WECHAT", otn, "ADR1", "100", "7"));
    body = mt_admin(gw.base, "GET", "/mock/orders?mch_id=AD1", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, otn));
    ck_assert_ptr_nonnull(strstr(body, "ADR1"));
    ck_assert_ptr_nonnull(strstr(body, "\"state\":\"REFUNDED\""));
    free(body);

    body = mt_admin(gw.base, "GET", "/mock/journal?limit=2", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, "\"call\":\"refund\""));
    free(body);

    body = mt_admin(gw.base, "POST", "/mock/clock", "{\"advance_seconds\":60,\"mch_id\":\"AD1\"}", &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, "\"offset\":60"));
    free(body);
    body = mt_admin(gw.base, "GET", "/mock/clock?mch_id=AD1", NULL, &status);
    ck_assert_int_eq(status, 200);
    free(body);
    static const char *const bad[] = { "{\"advance_seconds\":-1}", "{\"advance_seconds\":1.5}",
                                       "{\"advance_seconds\":\"1\"}", "[]", "{" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        body = mt_admin(gw.base, "POST", "/mock/clock", bad[i], &status);
        ck_assert_int_eq(status, 400);
        free(body);
    }
    body = mt_admin(gw.base, "POST", "/mock/clock", "{\"advance_seconds\":1,\"mch_id\":\"NOBODY\"}", &status);
    ck_assert_int_eq(status, 404);
    free(body);
    body = mt_admin(gw.base, "GET", "/mock/nothing", NULL, &status);
    ck_assert_int_eq(status, 404);
    free(body);
    body = mt_admin(gw.base, "GET", "/mock/reset", NULL, &status);
    ck_assert_int_eq(status, 405);
    free(body);

    /* Reset one merchant, then everything. */
    const char *other = fresh("AE");
    upay_params_free(pay_expect("AD2", other, "100", code_of("WECHAT", NULL), "10000", "SUCCESS"));
    body = mt_admin(gw.base, "POST", "/mock/reset", "{\"mch_id\":\"AD1\"}", &status);
    ck_assert_int_eq(status, 200);
    free(body);
    expect_and_free(query("AD1", "WECHAT", otn), "SUCCESS", "20007", "FAIL");
    expect_and_free(query("AD2", "WECHAT", other), "SUCCESS", "10000", "SUCCESS");
    body = mt_admin(gw.base, "POST", "/mock/reset", "{}", &status);
    ck_assert_int_eq(status, 200);
    free(body);
    expect_and_free(query("AD2", "WECHAT", other), "SUCCESS", "20007", "FAIL");
    body = mt_admin(gw.base, "GET", "/mock/journal", NULL, &status);
    ck_assert_ptr_null(strstr(body, "\"call\":\"pay\""));
    free(body);
}
END_TEST

static void add(Suite *s, TCase *tc, const TTest *test)
{
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

Suite *make_e2e_mock_calls_suite(void)
{
    Suite *s = suite_create("e2e_mock_calls");
    add(s, tcase_create("http"), http_layer);
    add(s, tcase_create("agent_signature"), checks_agent_and_signature);
    add(s, tcase_create("check_order_params"), checks_order_and_parameters);
    add(s, tcase_create("merchants"), checks_merchants);
    add(s, tcase_create("pay"), pay_answers);
    add(s, tcase_create("wallets"), pay_wallets);
    add(s, tcase_create("orderquery"), orderquery_lookup);
    add(s, tcase_create("persona_password_decline"), persona_password_and_decline);
    add(s, tcase_create("persona_never"), persona_never_confirms);
    add(s, tcase_create("persona_refusal_fault_coupon"), persona_refusals_fault_coupon);
    add(s, tcase_create("persona_refund_later_change"), persona_refund_later_and_change);
    add(s, tcase_create("persona_refund_notsure_fail"), persona_refund_notsure_and_fail);
    add(s, tcase_create("refund"), refund_rules);
    add(s, tcase_create("refund_365"), refund_365_days);
    add(s, tcase_create("refundquery"), refundquery_rules);
    add(s, tcase_create("limits"), refund_limits_20_and_50);
    add(s, tcase_create("cancel_window"), cancel_window);
    add(s, tcase_create("cancel_then_pay"), cancel_same_pay_after);
    add(s, tcase_create("admin"), admin_api);
    return s;
}
