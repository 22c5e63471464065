/*
 * check_client.c - unit tests of the client with no network: handle
 * configuration, request building and signing for every call, response
 * verification (tampered, unsigned, wrongly signed, malformed answers),
 * classification of outcomes and errors, refund_list decoding, the
 * generic call and log redaction. Answers come from check_client_fake.h.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_client_fake.h"

#define PAID_FIELDS                                                                     \
    "state=SUCCESS&code=10000&msg=SUCCESS&trade_state=SUCCESS&mch_id=00000001"          \
    "&transaction_id=7551000001201706196281085687&out_trade_no=ORDER_0001&total_fee=100" \
    "&coupon_fee=1&fee_type=CNY&time_end=20170619165616&nonce_str=abc"

static const upay_pay_request pay_req = {
    .mch_id = "00000001",
    .out_trade_no = "ORDER_0001",
    .body = "超赢支付 test",
    .total_fee = 100,
    .auth_code = "120061098828009406",
    .attach = "a&b=c",
};

/* ---- configuration ---- */

START_TEST(setters_validate)
{
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_url(c, ""), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_url(c, "ftp://x/y"), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_url(c, "http://"), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_url(c, "http://a b/"), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_agent(c, ""), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_key(c, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_sign_type(c, (upay_sign_type)7), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_timeouts(c, -1, 0), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_timeouts(c, 0, 0), UPAY_OK);
    ck_assert_int_eq(upay_client_set_tls(c, NULL, "cert.pem", NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_tls(c, "ca.pem", "cert.pem", "key.pem"), UPAY_OK);
    ck_assert_int_eq(upay_client_set_insecure(c, 1), UPAY_OK);
    ck_assert_int_eq(upay_client_set_pid(c, NULL), UPAY_OK);
    ck_assert_int_eq(upay_client_set_pid(NULL, "x"), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_version(NULL, "x"), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_log(NULL, NULL, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_url(NULL, "http://x"), UPAY_E_INVALID_ARG);
    upay_client_free(c);
    upay_client_free(NULL);
    upay_result_free(NULL);
}
END_TEST

static const struct {
    const char *given;
    const char *used;
} url_cases[] = {
    {"http://127.0.0.1:8080", "http://127.0.0.1:8080/UnifiedPay/Gateway"},
    {"http://127.0.0.1:8080/", "http://127.0.0.1:8080/UnifiedPay/Gateway"},
    {"HTTPS://gw.example.com", "HTTPS://gw.example.com/UnifiedPay/Gateway"},
    {"https://gw.example.com/UnifiedPay/Gateway", "https://gw.example.com/UnifiedPay/Gateway"},
    {"http://h/custom/path", "http://h/custom/path"},
};

START_TEST(url_normalised)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    ck_assert_int_eq(upay_client_set_url(c, url_cases[_i].given), UPAY_OK);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->url, url_cases[_i].used);
    upay_result_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(unconfigured_client_refuses)
{
    upay_client *c = upay_client_new();
    upay_result *r = (upay_result *)1;
    upay_error e = {0};
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, &e), UPAY_E_INVALID_ARG);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(e.code, UPAY_E_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "URL"));
    ck_assert_int_eq(upay_pay(NULL, &pay_req, &r, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_pay(c, &pay_req, NULL, NULL), UPAY_E_INVALID_ARG);
    upay_client_free(c);
}
END_TEST

/* ---- request building and signing ---- */

static void assert_signed(const upay_params *p, upay_sign_type type)
{
    ck_assert_int_eq(upay_sign_verify(p, FAKE_KEY, type), UPAY_OK);
}

START_TEST(pay_request_built_and_signed)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    ck_assert_int_eq(upay_client_set_pid(c, "yunpos"), UPAY_OK);
    ck_assert_int_eq(upay_client_set_version(c, "1.0"), UPAY_OK);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    upay_params *p = fake_request(&f, 0);
    ck_assert_str_eq(upay_params_get(p, "method"), "pay");
    ck_assert_str_eq(upay_params_get(p, "agent_id"), FAKE_AGENT);
    ck_assert_str_eq(upay_params_get(p, "pid"), "yunpos");
    ck_assert_str_eq(upay_params_get(p, "version"), "1.0");
    ck_assert_str_eq(upay_params_get(p, "mch_id"), "00000001");
    ck_assert_str_eq(upay_params_get(p, "out_trade_no"), "ORDER_0001");
    ck_assert_str_eq(upay_params_get(p, "body"), "超赢支付 test");
    ck_assert_str_eq(upay_params_get(p, "attach"), "a&b=c");
    ck_assert_str_eq(upay_params_get(p, "total_fee"), "100");
    ck_assert_str_eq(upay_params_get(p, "auth_code"), "120061098828009406");
    ck_assert_ptr_null(upay_params_get(p, "sign_type"));
    ck_assert_ptr_null(upay_params_get(p, "device_info"));
    assert_signed(p, UPAY_SIGN_MD5);
    /* The result shows what was sent, with the key redacted from the canonical string. */
    ck_assert_str_eq(r->method, "pay");
    ck_assert_ptr_nonnull(strstr(r->request_body, "sign="));
    ck_assert_ptr_nonnull(strstr(r->request_sign_string, "&key=***"));
    ck_assert_ptr_null(strstr(r->request_sign_string, FAKE_KEY));
    ck_assert_str_eq(upay_params_get(r->request, "sign"), upay_params_get(p, "sign"));
    upay_params_free(p);
    upay_result_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(hmac_sends_sign_type)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_HMAC_SHA256);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    upay_params *p = fake_request(&f, 0);
    ck_assert_str_eq(upay_params_get(p, "sign_type"), "HMAC-SHA256");
    ck_assert_uint_eq(strlen(upay_params_get(p, "sign")), 64);
    assert_signed(p, UPAY_SIGN_HMAC_SHA256);
    ck_assert_int_eq(r->verified, 1);
    upay_params_free(p);
    upay_result_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(other_calls_built)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = "state=SUCCESS&code=10000&trade_state=SUCCESS"});
    upay_result *r = NULL;

    upay_orderquery_request oq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "00000001",
                                  .transaction_id = "T1"};
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_OK);
    upay_result_free(r);
    upay_refund_request rf = {.paytype = UPAY_PAYTYPE_ALIPAY, .mch_id = "00000001",
                              .out_trade_no = "ORDER_0001", .out_refund_no = "TK-1",
                              .total_fee = 100, .refund_fee = 40, .scene = 1};
    ck_assert_int_eq(upay_refund(c, &rf, &r, NULL), UPAY_OK);
    upay_result_free(r);
    upay_refundquery_request rq = {.paytype = UPAY_PAYTYPE_QQ, .mch_id = "00000001",
                                   .refund_id = "R1"};
    ck_assert_int_eq(upay_refundquery(c, &rq, &r, NULL), UPAY_OK);
    upay_result_free(r);
    upay_cancel_request cq = {.paytype = UPAY_PAYTYPE_UNIONPAY, .mch_id = "00000001",
                              .out_trade_no = "ORDER_0001", .op_user_id = "cashier"};
    ck_assert_int_eq(upay_cancel(c, &cq, &r, NULL), UPAY_OK);
    upay_result_free(r);

    ck_assert_uint_eq(f.nreq, 4);
    upay_params *p = fake_request(&f, 0);
    ck_assert_str_eq(upay_params_get(p, "method"), "orderquery");
    ck_assert_str_eq(upay_params_get(p, "paytype"), "WECHAT");
    ck_assert_str_eq(upay_params_get(p, "transaction_id"), "T1");
    ck_assert_ptr_null(upay_params_get(p, "out_trade_no"));
    assert_signed(p, UPAY_SIGN_MD5);
    upay_params_free(p);

    p = fake_request(&f, 1);
    ck_assert_str_eq(upay_params_get(p, "method"), "refund");
    ck_assert_str_eq(upay_params_get(p, "paytype"), "ALIPAY");
    ck_assert_str_eq(upay_params_get(p, "out_refund_no"), "TK-1");
    ck_assert_str_eq(upay_params_get(p, "total_fee"), "100");
    ck_assert_str_eq(upay_params_get(p, "refund_fee"), "40");
    ck_assert_str_eq(upay_params_get(p, "op_user_id"), "00000001"); /* defaults to mch_id */
    ck_assert_str_eq(upay_params_get(p, "scene"), "1");
    assert_signed(p, UPAY_SIGN_MD5);
    upay_params_free(p);

    p = fake_request(&f, 2);
    ck_assert_str_eq(upay_params_get(p, "method"), "refundquery");
    ck_assert_str_eq(upay_params_get(p, "paytype"), "QQ");
    ck_assert_str_eq(upay_params_get(p, "refund_id"), "R1");
    assert_signed(p, UPAY_SIGN_MD5);
    upay_params_free(p);

    p = fake_request(&f, 3);
    ck_assert_str_eq(upay_params_get(p, "method"), "cancel");
    ck_assert_str_eq(upay_params_get(p, "paytype"), "UNIONPAY");
    ck_assert_str_eq(upay_params_get(p, "op_user_id"), "cashier");
    ck_assert_ptr_null(upay_params_get(p, "scene"));
    assert_signed(p, UPAY_SIGN_MD5);
    upay_params_free(p);

    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(extra_params_added)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    upay_params *extra = upay_params_new();
    upay_params_set(extra, "new_field", "x y");
    upay_params_set(extra, "goods_tag", "override");
    upay_pay_request q = pay_req;
    q.goods_tag = "hot";
    q.extra = extra;
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &q, &r, NULL), UPAY_OK);
    upay_params *p = fake_request(&f, 0);
    ck_assert_str_eq(upay_params_get(p, "new_field"), "x y");
    ck_assert_str_eq(upay_params_get(p, "goods_tag"), "override");
    assert_signed(p, UPAY_SIGN_MD5);
    upay_params_free(p);
    upay_params_free(extra);
    upay_result_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

/* Required fields: each missing one is refused before anything is sent. */
START_TEST(missing_required_refused)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    upay_pay_request q = pay_req;
    switch (_i) {
    case 0: q.mch_id = NULL; break;
    case 1: q.out_trade_no = ""; break;
    case 2: q.body = NULL; break;
    case 3: q.auth_code = NULL; break;
    case 4: q.total_fee = 0; break;
    case 5: q.total_fee = -5; break;
    case 6: q.total_fee = UPAY_AMOUNT_MAX + 1; break;
    }
    upay_result *r = (upay_result *)1;
    upay_error e = {0};
    ck_assert_int_eq(upay_pay(c, &q, &r, &e), UPAY_E_INVALID_ARG);
    ck_assert_ptr_null(r);
    ck_assert_uint_eq(f.nreq, 0);
    ck_assert_ptr_nonnull(strstr(e.message, "required"));

    upay_orderquery_request oq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "1"};
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_E_INVALID_ARG);
    oq.out_trade_no = "ORDER_1";
    oq.paytype = UPAY_PAYTYPE_UNKNOWN;
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_E_INVALID_ARG);
    upay_refund_request rf = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "1",
                              .out_trade_no = "ORDER_1", .total_fee = 1, .refund_fee = 1};
    ck_assert_int_eq(upay_refund(c, &rf, &r, NULL), UPAY_E_INVALID_ARG);
    upay_refundquery_request rq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "1"};
    ck_assert_int_eq(upay_refundquery(c, &rq, &r, NULL), UPAY_E_INVALID_ARG);
    upay_cancel_request cq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "1"};
    ck_assert_int_eq(upay_cancel(c, &cq, &r, NULL), UPAY_E_INVALID_ARG);
    ck_assert_uint_eq(f.nreq, 0);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(pid_and_version_always_sent)
{
    /* The live gateway requires both: documented defaults, overridable, never dropped. */
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    upay_result_free(r);
    ck_assert_int_eq(upay_client_set_pid(c, "my-pos"), UPAY_OK);
    ck_assert_int_eq(upay_client_set_version(c, "2.6"), UPAY_OK);
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    upay_result_free(r);
    ck_assert_int_eq(upay_client_set_pid(c, ""), UPAY_OK);
    ck_assert_int_eq(upay_client_set_version(c, NULL), UPAY_OK);
    upay_orderquery_request oq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "1",
                                  .out_trade_no = "ORDER_0001"};
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_OK);
    upay_result_free(r);
    ck_assert_int_eq(upay_call(c, "pay", NULL, 0, &r, NULL), UPAY_OK);
    upay_result_free(r);
    const char *want[][2] = {{UPAY_DEFAULT_PID, UPAY_DEFAULT_VERSION},
                             {"my-pos", "2.6"},
                             {UPAY_DEFAULT_PID, UPAY_DEFAULT_VERSION},
                             {UPAY_DEFAULT_PID, UPAY_DEFAULT_VERSION}};
    ck_assert_str_eq(UPAY_DEFAULT_PID, "libupay");
    ck_assert_str_eq(UPAY_DEFAULT_VERSION, "1.0");
    for (size_t i = 0; i < 4; i++) {
        upay_params *p = fake_request(&f, i);
        ck_assert_str_eq(upay_params_get(p, "pid"), want[i][0]);
        ck_assert_str_eq(upay_params_get(p, "version"), want[i][1]);
        assert_signed(p, UPAY_SIGN_MD5);
        upay_params_free(p);
    }
    /* Only a deliberately bare generic call leaves them out. */
    ck_assert_int_eq(upay_call(c, "pay", NULL, UPAY_CALL_NO_DEFAULTS, &r, NULL), UPAY_OK);
    upay_result_free(r);
    upay_params *p = fake_request(&f, 4);
    ck_assert_ptr_null(upay_params_get(p, "pid"));
    ck_assert_ptr_null(upay_params_get(p, "version"));
    upay_params_free(p);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(merchant_key_v2)
{
    /* v2: signed and verified with the merchant's key, agent_id optional. */
    fake f = {0};
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    c->test_post = fake_post;
    c->test_post_userdata = &f;
    f.type = UPAY_SIGN_MD5;
    ck_assert_int_eq(upay_client_set_url(c, "http://gw.invalid:8080/"), UPAY_OK);
    ck_assert_str_eq(c->url, "http://gw.invalid:8080/UnifiedPay/Gateway");
    upay_result *r = NULL;
    ck_assert_int_eq(upay_client_set_key(c, FAKE_OTHER_KEY), UPAY_OK);
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_E_INVALID_ARG); /* v1 needs agent_id */
    ck_assert_int_eq(upay_client_set_merchant_key(c, FAKE_KEY), UPAY_OK);
    ck_assert_str_eq(c->url, "http://gw.invalid:8080/v2/UnifiedPay/Gateway");
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->verified, 1);
    ck_assert_str_eq(r->url, "http://gw.invalid:8080/v2/UnifiedPay/Gateway");
    upay_result_free(r);
    upay_params *p = fake_request(&f, 0);
    ck_assert_ptr_null(upay_params_get(p, "agent_id"));
    ck_assert_str_eq(upay_params_get(p, "pid"), UPAY_DEFAULT_PID);
    assert_signed(p, UPAY_SIGN_MD5); /* with FAKE_KEY, the merchant's */
    upay_params_free(p);
    /* agent_id, when set, is sent on v2 too; a later bare URL follows the key. */
    ck_assert_int_eq(upay_client_set_agent(c, FAKE_AGENT), UPAY_OK);
    ck_assert_int_eq(upay_client_set_url(c, "https://gw2.invalid"), UPAY_OK);
    ck_assert_str_eq(c->url, "https://gw2.invalid/v2/UnifiedPay/Gateway");
    ck_assert_int_eq(upay_client_set_url(c, "http://gw.invalid:8080/UnifiedPay/Gateway"), UPAY_OK);
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    upay_result_free(r);
    p = fake_request(&f, 1);
    ck_assert_str_eq(upay_params_get(p, "agent_id"), FAKE_AGENT);
    upay_params_free(p);
    /* A URL with a path stays as given; a bare one goes back to v1 with the agent key. */
    ck_assert_int_eq(upay_client_set_key(c, FAKE_KEY), UPAY_OK);
    ck_assert_str_eq(c->url, "http://gw.invalid:8080/UnifiedPay/Gateway");
    ck_assert_int_eq(upay_client_set_merchant_key(c, FAKE_KEY), UPAY_OK);
    ck_assert_str_eq(c->url, "http://gw.invalid:8080/UnifiedPay/Gateway");
    ck_assert_int_eq(upay_client_set_url(c, "http://gw.invalid"), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, FAKE_KEY), UPAY_OK);
    ck_assert_str_eq(c->url, "http://gw.invalid/UnifiedPay/Gateway");
    ck_assert_int_eq(upay_client_set_merchant_key(c, ""), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_client_set_merchant_key(NULL, FAKE_KEY), UPAY_E_INVALID_ARG);
    ck_assert_str_eq(c->url, "http://gw.invalid/UnifiedPay/Gateway");
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

/* ---- answers: verification and classification ---- */

static const struct {
    const char *name;
    fake_answer answer;
    upay_code code;
    int verified;
    upay_outcome outcome;
} answer_cases[] = {
    {"paid", {.fields = PAID_FIELDS}, UPAY_OK, 1, UPAY_OUTCOME_SUCCESS},
    {"lower-case sign accepted", {.fields = PAID_FIELDS, .mode = FAKE_LOWER_SIGN}, UPAY_OK, 1,
     UPAY_OUTCOME_SUCCESS},
    {"paying", {.fields = "state=SUCCESS&code=10001&trade_state=NEED_QUERY"}, UPAY_OK, 1,
     UPAY_OUTCOME_NEED_QUERY},
    {"wallet refused", {.fields = "state=SUCCESS&code=10006&trade_state=FAIL&msg=no"}, UPAY_OK, 1,
     UPAY_OUTCOME_FAIL},
    {"processing", {.fields = "state=SUCCESS&code=10000&trade_state=PROCESSING"}, UPAY_OK, 1,
     UPAY_OUTCOME_PROCESSING},
    {"refund", {.fields = "state=SUCCESS&code=10002&trade_state=REFUND"}, UPAY_OK, 1,
     UPAY_OUTCOME_REFUND},
    {"no trade_state", {.fields = "state=SUCCESS&code=10000"}, UPAY_OK, 1, UPAY_OUTCOME_OTHER},
    {"refused", {.fields = "state=FAIL&code=20002&msg=sign"}, UPAY_E_GATEWAY_REFUSED, 1,
     UPAY_OUTCOME_NONE},
    {"version", {.fields = "state=VER&code=20004&msg=old"}, UPAY_E_VERSION, 1,
     UPAY_OUTCOME_NONE},
    {"unknown state", {.fields = "state=MAYBE&code=10000"}, UPAY_E_BAD_RESPONSE, 1,
     UPAY_OUTCOME_NONE},
    {"tampered", {.fields = PAID_FIELDS, .mode = FAKE_TAMPERED}, UPAY_E_RESPONSE_SIGN, 0,
     UPAY_OUTCOME_NONE},
    {"unsigned", {.fields = PAID_FIELDS, .mode = FAKE_UNSIGNED}, UPAY_E_RESPONSE_SIGN, 0,
     UPAY_OUTCOME_NONE},
    /* Issue 11: an unverified answer is believed only when it says nothing moved. */
    {"unsigned refusal", {.fields = "state=FAIL&code=20012&msg=agent", .mode = FAKE_UNSIGNED},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"unsigned bad body", {.fields = "state=FAIL&code=20004&msg=body", .mode = FAKE_UNSIGNED},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"unsigned 20002", {.fields = "state=FAIL&code=20002&msg=sign", .mode = FAKE_UNSIGNED},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"unsigned live merchant error",
     {.fields = "state=FAIL&code=20005&msg=%E5%95%86%E6%88%B7%E9%94%99%E8%AF%AF",
      .mode = FAKE_UNSIGNED},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"unsigned refusal plus fields",
     {.fields = "state=FAIL&code=20012&msg=agent&mch_id=1&nonce_str=x", .mode = FAKE_UNSIGNED},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"unsigned refusal with trade_state FAIL",
     {.fields = "state=FAIL&code=20004&trade_state=FAIL", .mode = FAKE_UNSIGNED},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"wrongly signed refusal", {.fields = "state=FAIL&code=20002&msg=x", .mode = FAKE_WRONG_KEY},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"tampered refusal", {.fields = "state=FAIL&code=20005&msg=x", .mode = FAKE_TAMPERED},
     UPAY_E_GATEWAY_REFUSED, 0, UPAY_OUTCOME_NONE},
    {"unsigned version", {.fields = "state=VER&code=20004", .mode = FAKE_UNSIGNED},
     UPAY_E_VERSION, 0, UPAY_OUTCOME_NONE},
    {"unsigned version, no code", {.fields = "state=VER&msg=old", .mode = FAKE_UNSIGNED},
     UPAY_E_VERSION, 0, UPAY_OUTCOME_NONE},
    {"unsigned wallet refusal",
     {.fields = "state=SUCCESS&code=10006&trade_state=FAIL&msg=no", .mode = FAKE_UNSIGNED},
     UPAY_E_UNVERIFIED_FAIL, 0, UPAY_OUTCOME_NONE},
    {"wrongly signed wallet refusal",
     {.fields = "state=SUCCESS&code=10006&trade_state=FAIL", .mode = FAKE_WRONG_KEY},
     UPAY_E_UNVERIFIED_FAIL, 0, UPAY_OUTCOME_NONE},
    /* ... and never when it says money moved, or might have. */
    {"unsigned FAIL claiming success",
     {.fields = "state=FAIL&code=20004&trade_state=SUCCESS", .mode = FAKE_UNSIGNED},
     UPAY_E_RESPONSE_SIGN, 0, UPAY_OUTCOME_NONE},
    {"unsigned paying",
     {.fields = "state=SUCCESS&code=10001&trade_state=NEED_QUERY", .mode = FAKE_UNSIGNED},
     UPAY_E_RESPONSE_SIGN, 0, UPAY_OUTCOME_NONE},
    {"unsigned processing",
     {.fields = "state=SUCCESS&code=10000&trade_state=PROCESSING", .mode = FAKE_UNSIGNED},
     UPAY_E_RESPONSE_SIGN, 0, UPAY_OUTCOME_NONE},
    {"unsigned success without trade_state", {.fields = "state=SUCCESS&code=10000",
                                              .mode = FAKE_UNSIGNED},
     UPAY_E_RESPONSE_SIGN, 0, UPAY_OUTCOME_NONE},
    {"unsigned FAIL with a refund_list",
     {.fields = "state=SUCCESS&code=10000&trade_state=FAIL&refund_list=%5B%5D",
      .mode = FAKE_UNSIGNED},
     UPAY_E_RESPONSE_SIGN, 0, UPAY_OUTCOME_NONE},
    {"unsigned unknown state", {.fields = "state=MAYBE&code=20004", .mode = FAKE_UNSIGNED},
     UPAY_E_RESPONSE_SIGN, 0, UPAY_OUTCOME_NONE},
    {"no state", {.fields = "code=20004&msg=x", .mode = FAKE_UNSIGNED},
     UPAY_E_RESPONSE_SIGN, 0, UPAY_OUTCOME_NONE},
    {"wrong key", {.fields = PAID_FIELDS, .mode = FAKE_WRONG_KEY}, UPAY_E_RESPONSE_SIGN, 0,
     UPAY_OUTCOME_NONE},
    {"other sign type", {.fields = PAID_FIELDS, .mode = FAKE_OTHER_TYPE}, UPAY_E_RESPONSE_SIGN, 0,
     UPAY_OUTCOME_NONE},
    {"sign_type downgrade",
     {.fields = PAID_FIELDS "&sign_type=HMAC-SHA256"}, UPAY_E_RESPONSE_SIGN, 0,
     UPAY_OUTCOME_NONE},
    {"not json", {.raw = "<html>oops</html>"}, UPAY_E_BAD_RESPONSE, 0, UPAY_OUTCOME_NONE},
    {"json array", {.raw = "[1,2]"}, UPAY_E_BAD_RESPONSE, 0, UPAY_OUTCOME_NONE},
    {"number value", {.raw = "{\"state\":\"SUCCESS\",\"code\":10000}"}, UPAY_E_BAD_RESPONSE, 0,
     UPAY_OUTCOME_NONE},
    {"empty body", {.raw = ""}, UPAY_E_BAD_RESPONSE, 0, UPAY_OUTCOME_NONE},
    {"http 500", {.status = 500, .fields = PAID_FIELDS}, UPAY_E_HTTP_STATUS, 0,
     UPAY_OUTCOME_NONE},
    {"http 302", {.status = 302, .raw = ""}, UPAY_E_HTTP_STATUS, 0, UPAY_OUTCOME_NONE},
    {"not sent", {.transport = UPAY_E_TRANSPORT}, UPAY_E_TRANSPORT, 0, UPAY_OUTCOME_NONE},
    {"tls", {.transport = UPAY_E_TLS}, UPAY_E_TLS, 0, UPAY_OUTCOME_NONE},
    {"no answer", {.transport = UPAY_E_NO_ANSWER}, UPAY_E_NO_ANSWER, 0, UPAY_OUTCOME_NONE},
};

START_TEST(answer_classified)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, answer_cases[_i].answer);
    upay_result *r = NULL;
    upay_error e = {0};
    upay_code rc = upay_pay(c, &pay_req, &r, &e);
    ck_assert_msg(rc == answer_cases[_i].code, "%s: got %s (%s)", answer_cases[_i].name,
                  upay_strerror(rc), e.message);
    ck_assert_ptr_nonnull(r); /* a result for every code but INVALID_ARG and NOMEM */
    ck_assert_int_eq(r->verified, answer_cases[_i].verified);
    ck_assert_int_eq(r->outcome, answer_cases[_i].outcome);
    ck_assert_str_eq(r->method, "pay");
    ck_assert_ptr_nonnull(strstr(r->request_body, "method=pay"));
    if (rc != UPAY_OK)
        ck_assert_int_eq(e.code, rc);
    if (rc == UPAY_E_RESPONSE_SIGN) {
        /* Unverified: typed fields stay empty, the raw answer is kept for diagnosis. */
        ck_assert_str_eq(r->state, "");
        ck_assert_str_eq(r->transaction_id, "");
        ck_assert_ptr_nonnull(r->params);
        ck_assert_ptr_nonnull(upay_params_get(r->params, "code"));
        ck_assert_uint_gt(r->body_len, 0);
        ck_assert_ptr_nonnull(strstr(e.message, "20003"));
        ck_assert_ptr_nonnull(strstr(e.message, "unverified: state="));
        ck_assert_ptr_null(strstr(r->response_sign_string, FAKE_KEY));
    }
    if (rc == UPAY_E_GATEWAY_REFUSED || rc == UPAY_E_VERSION || rc == UPAY_E_UNVERIFIED_FAIL) {
        /* Believed: the typed fields say what the answer said. */
        ck_assert_str_eq(r->state, upay_params_get(r->params, "state"));
        ck_assert_ptr_nonnull(strstr(e.message, r->code));
        ck_assert_int_eq(upay_code_is_uncertain(rc), rc == UPAY_E_UNVERIFIED_FAIL);
        if (*r->code)
            ck_assert_int_gt(r->gw_code, 0);
    }
    if (rc == UPAY_E_HTTP_STATUS)
        ck_assert_int_eq(r->http_status, answer_cases[_i].answer.status);
    upay_result_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(answer_signed_nocase_accepted)
{
    /* The live rules sort names ignoring case: an added upper-case field moves. */
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    upay_params *p = NULL;
    const char *fields = PAID_FIELDS "&Zeta_Field=z";
    ck_assert_int_eq(upay_form_parse(fields, strlen(fields), 0, &p, NULL), UPAY_OK);
    char sig[UPAY_SIGN_BUF_SIZE];
    ck_assert_int_eq(upay_sign_compute_sorted(p, FAKE_KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE,
                                              sig), UPAY_OK);
    ck_assert_int_eq(upay_params_set(p, "sign", sig), UPAY_OK);
    char *json = NULL;
    ck_assert_int_eq(upay_response_encode(p, &json), UPAY_OK);
    fake_add(&f, (fake_answer){.raw = json});
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->verified, 1);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    upay_result_free(r);
    /* ... and tampering is still caught under either order. */
    ck_assert_int_eq(upay_params_set(p, "total_fee", "99999"), UPAY_OK);
    upay_free(json);
    json = NULL;
    ck_assert_int_eq(upay_response_encode(p, &json), UPAY_OK);
    fake_add(&f, (fake_answer){.raw = json});
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_E_RESPONSE_SIGN);
    upay_result_free(r);
    upay_free(json);
    upay_params_free(p);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(typed_fields_and_unknown_kept)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS "&future_field=kept&total_fee_x=1"});
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->state, "SUCCESS");
    ck_assert_str_eq(r->code, "10000");
    ck_assert_int_eq(r->gw_code, UPAY_GW_SUCCESS);
    ck_assert_str_eq(r->transaction_id, "7551000001201706196281085687");
    ck_assert_str_eq(r->time_end, "20170619165616");
    ck_assert_str_eq(r->fee_type, "CNY");
    ck_assert_int_eq(r->total_fee, 100);
    ck_assert_int_eq(r->coupon_fee, 1);
    ck_assert_int_eq(r->refund_fee, -1);
    ck_assert_str_eq(r->openid, "");
    ck_assert_str_eq(upay_params_get(r->params, "future_field"), "kept");
    ck_assert_int_eq(r->http_status, 200);
    ck_assert_ptr_nonnull(strstr(r->response_sign_string, "future_field=kept"));
    ck_assert_ptr_nonnull(strstr(r->response_sign_string, "&key=***"));
    upay_result_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

#define REFUND_LIST                                                                          \
    "[{\"serial_no\":\"0\",\"refund_id\":\"R0\",\"out_refund_id\":\"W0\",\"out_refund_no\":" \
    "\"TK-0\",\"refund_channel\":\"ORIGINAL\",\"refund_fee\":\"2\",\"refund_status\":"       \
    "\"SUCCESS\",\"refund_time\":\"20170622182219\"},{\"serial_no\":\"1\",\"refund_id\":"     \
    "\"R1\",\"out_refund_no\":\"TK-1\",\"refund_fee\":\"1\",\"refund_status\":\"CHANGE\"}]"

START_TEST(refundquery_decodes_list)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    upay_params *p = upay_params_new();
    upay_params_set(p, "state", "SUCCESS");
    upay_params_set(p, "code", "10000");
    upay_params_set(p, "trade_state", "SUCCESS");
    upay_params_set(p, "refund_count", "2");
    upay_params_set(p, "refund_fee_summary", "3");
    upay_params_set(p, "refund_list", REFUND_LIST);
    char *form = NULL;
    upay_form_encode(p, &form);
    fake_add(&f, (fake_answer){.fields = form});
    upay_refundquery_request q = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "00000001",
                                  .out_trade_no = "ORDER_0001"};
    upay_result *r = NULL;
    ck_assert_int_eq(upay_refundquery(c, &q, &r, NULL), UPAY_OK);
    ck_assert_uint_eq(r->refund_entry_count, 2);
    ck_assert_str_eq(r->refunds[0].out_refund_no, "TK-0");
    ck_assert_int_eq(r->refunds[0].refund_fee, 2);
    ck_assert_int_eq(r->refunds[0].refund_status, UPAY_REFUND_SUCCESS);
    ck_assert_int_eq(r->refunds[1].refund_status, UPAY_REFUND_CHANGE);
    ck_assert_int_eq(r->refund_count, 2);
    ck_assert_int_eq(r->refund_fee_summary, 3);
    ck_assert_str_eq(r->refund_list, REFUND_LIST);
    upay_result_free(r);

    /* A verified answer with an undecodable refund_list is a bad response. */
    upay_params_set(p, "refund_list", "[{\"serial_no\":0}]");
    upay_free(form);
    upay_form_encode(p, &form);
    fake_clear(&f);
    f.type = UPAY_SIGN_MD5;
    fake_add(&f, (fake_answer){.fields = form});
    upay_error e = {0};
    ck_assert_int_eq(upay_refundquery(c, &q, &r, &e), UPAY_E_BAD_RESPONSE);
    ck_assert_ptr_nonnull(strstr(e.message, "refund_list"));
    ck_assert_int_eq(r->verified, 1);
    ck_assert_uint_eq(r->refund_entry_count, 0);
    upay_result_free(r);
    upay_free(form);
    upay_params_free(p);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

/* ---- generic call ---- */

START_TEST(generic_call_flags)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = "state=FAIL&code=20002&msg=sign"});
    upay_params *p = upay_params_new();
    upay_params_set(p, "mch_id", "00000001");
    upay_params_set(p, "sign", "00000000000000000000000000000000");
    upay_result *r = NULL;

    ck_assert_int_eq(upay_call(c, "newmethod", p, 0, &r, NULL), UPAY_E_GATEWAY_REFUSED);
    upay_result_free(r);
    upay_params *sent = fake_request(&f, 0);
    ck_assert_str_eq(upay_params_get(sent, "method"), "newmethod");
    ck_assert_str_eq(upay_params_get(sent, "agent_id"), FAKE_AGENT);
    assert_signed(sent, UPAY_SIGN_MD5); /* the bogus sign was replaced */
    upay_params_free(sent);

    ck_assert_int_eq(upay_call(c, NULL, p, UPAY_CALL_NO_DEFAULTS | UPAY_CALL_NO_SIGN, &r, NULL),
                     UPAY_E_GATEWAY_REFUSED);
    upay_result_free(r);
    sent = fake_request(&f, 1);
    ck_assert_ptr_null(upay_params_get(sent, "method"));
    ck_assert_ptr_null(upay_params_get(sent, "agent_id"));
    ck_assert_str_eq(upay_params_get(sent, "sign"), "00000000000000000000000000000000");
    upay_params_free(sent);

    ck_assert_int_eq(upay_call(c, "pay", p, 0x80, &r, NULL), UPAY_E_INVALID_ARG);
    ck_assert_ptr_null(r);
    upay_params_free(p);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

/* ---- log redaction ---- */

typedef struct log_seen {
    int calls;
    int leaked;
    upay_code code;
    char method[16];
} log_seen;

static void on_log(const upay_log_entry *e, void *userdata)
{
    log_seen *s = userdata;
    s->calls++;
    s->code = e->code;
    snprintf(s->method, sizeof s->method, "%s", e->method);
    const char *texts[] = {e->request_body, e->request_sign_string, e->response_body, e->url};
    for (size_t i = 0; i < 4; i++) {
        if (strstr(texts[i], FAKE_KEY))
            s->leaked = 1;
        const char *sign = strstr(texts[i], "sign");
        /* Every sign value shows as ***: no 32-hex value after a sign name. */
        while (sign) {
            const char *v = sign + 4;
            if (*v == '=' || (*v == '"' && v[1] == ':' && v[2] == '"'))
                if (strncmp(v + (*v == '=' ? 1 : 3), "***", 3) != 0)
                    s->leaked = 1;
            sign = strstr(sign + 4, "sign");
        }
    }
    if (!strstr(e->request_sign_string, "&key=***"))
        s->leaked = 1;
}

START_TEST(log_redacts_key_and_sign)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    log_seen seen = {0};
    ck_assert_int_eq(upay_client_set_log(c, on_log, &seen), UPAY_OK);
    fake_add(&f, (fake_answer){.fields = PAID_FIELDS});
    fake_add(&f, (fake_answer){.transport = UPAY_E_NO_ANSWER});
    upay_result *r = NULL;
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_OK);
    upay_result_free(r);
    ck_assert_int_eq(seen.calls, 1);
    ck_assert_int_eq(seen.leaked, 0);
    ck_assert_str_eq(seen.method, "pay");
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, NULL), UPAY_E_NO_ANSWER);
    upay_result_free(r);
    ck_assert_int_eq(seen.calls, 2);
    ck_assert_int_eq(seen.code, UPAY_E_NO_ANSWER);
    ck_assert_int_eq(seen.leaked, 0);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(redaction_helpers)
{
    char *s = upay__redact_form("a=1&sign=ABCDEF&b=2&sign=");
    ck_assert_str_eq(s, "a=1&sign=***&b=2&sign=***");
    free(s);
    s = upay__redact_json("{\"a\":\"x\",\"sign\" : \"AB\\\"C\",\"b\":\"sign\"}");
    ck_assert_str_eq(s, "{\"a\":\"x\",\"sign\" : \"***\",\"b\":\"sign\"}");
    free(s);
    s = upay__redact_json("not json \"sign\"");
    ck_assert_str_eq(s, "not json \"sign\"");
    free(s);
}
END_TEST

/* ---- helpers ---- */

START_TEST(uncertain_codes)
{
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_OK), 0);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_TRANSPORT), 0);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_TLS), 0);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_GATEWAY_REFUSED), 0);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_INVALID_ARG), 0);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_NO_ANSWER), 1);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_HTTP_STATUS), 1);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_BAD_RESPONSE), 1);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_RESPONSE_SIGN), 1);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_FLOW_DEADLINE), 1);
    ck_assert_str_eq(upay_outcome_name(UPAY_OUTCOME_NEED_QUERY), "NEED_QUERY");
    ck_assert_str_eq(upay_outcome_name((upay_outcome)99), "?");
    ck_assert_int_eq(upay_global_init(), UPAY_OK);
}
END_TEST

START_TEST(out_trade_no_shape)
{
    char a[33], b[33];
    ck_assert_int_eq(upay_new_out_trade_no(a), UPAY_OK);
    ck_assert_int_eq(upay_new_out_trade_no(b), UPAY_OK);
    ck_assert_uint_eq(strlen(a), 28);
    ck_assert_str_ne(a, b);
    for (const char *p = a; *p; p++)
        ck_assert(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_", *p));
    ck_assert_int_eq(upay_new_out_trade_no(NULL), UPAY_E_INVALID_ARG);
}
END_TEST

Suite *make_client_suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, setters_validate);
    tcase_add_loop_test(tc, url_normalised, 0, sizeof url_cases / sizeof url_cases[0]);
    tcase_add_test(tc, unconfigured_client_refuses);
    suite_add_tcase(s, tc);

    tc = tcase_create("request");
    tcase_add_test(tc, pay_request_built_and_signed);
    tcase_add_test(tc, pid_and_version_always_sent);
    tcase_add_test(tc, merchant_key_v2);
    tcase_add_test(tc, hmac_sends_sign_type);
    tcase_add_test(tc, other_calls_built);
    tcase_add_test(tc, extra_params_added);
    tcase_add_loop_test(tc, missing_required_refused, 0, 7);
    suite_add_tcase(s, tc);

    tc = tcase_create("answer");
    tcase_add_loop_test(tc, answer_classified, 0, sizeof answer_cases / sizeof answer_cases[0]);
    tcase_add_test(tc, typed_fields_and_unknown_kept);
    tcase_add_test(tc, answer_signed_nocase_accepted);
    tcase_add_test(tc, refundquery_decodes_list);
    suite_add_tcase(s, tc);

    tc = tcase_create("generic");
    tcase_add_test(tc, generic_call_flags);
    suite_add_tcase(s, tc);

    tc = tcase_create("log");
    tcase_add_test(tc, log_redacts_key_and_sign);
    tcase_add_test(tc, redaction_helpers);
    suite_add_tcase(s, tc);

    tc = tcase_create("helpers");
    tcase_add_test(tc, uncertain_codes);
    tcase_add_test(tc, out_trade_no_shape);
    suite_add_tcase(s, tc);
    return s;
}
