/*
 * check_e2e_client_faults.c - libupay against every fault the mock can
 * force, counted in the mock's journal: the call returns the code that
 * says "outcome unknown", and no flow sends a second pay for an order or a
 * second refund number (R-CLIENT-02, R-CLIENT-05). Also the client fix
 * this needed: libcurl re-sends a request by itself when a kept-alive
 * connection closes before any answer byte; libupay refuses that re-send.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay.h>

#include "e2e/mock_test_util.h"

static mock_server *server;
static upay_client *client;

static void no_sleep(unsigned seconds, void *userdata)
{
    (void)userdata;
    mt_advance(mock_server_url(server), NULL, seconds);
}

static void setup(void)
{
    server = mt_start(NULL);
    char url[192];
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", mock_server_url(server));
    client = upay_client_new();
    ck_assert_ptr_nonnull(client);
    ck_assert_int_eq(upay_client_set_url(client, url), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(client, MT_AGENT1), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(client, MT_KEY1), UPAY_OK);
    ck_assert_int_eq(upay_client_set_timeouts(client, 0, 300), UPAY_OK);
}

static void teardown(void)
{
    upay_client_free(client);
    mock_server_stop(server);
}

static void rule(const char *json)
{
    long status = 0;
    char *body = mt_admin(mock_server_url(server), "POST", "/mock/rules", json, &status);
    ck_assert_msg(status == 200, "%s: %s", json, body);
    free(body);
}

/* How many times the mock received `call` for order `otn` of merchant `mch`. */
static int received(const char *mch, const char *otn, const char *call)
{
    char path[160];
    snprintf(path, sizeof path, "/mock/journal?limit=1000&mch_id=%s&out_trade_no=%s", mch, otn);
    long status = 0;
    char *body = mt_admin(mock_server_url(server), "GET", path, NULL, &status);
    cJSON *doc = cJSON_Parse(body);
    free(body);
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "entries"))
        n += strcmp(cJSON_GetObjectItem(e, "call")->valuestring, call) == 0;
    cJSON_Delete(doc);
    return n;
}

static void warm_up(const char *mch)
{
    /* one exchange first, so the next call reuses a kept-alive connection */
    upay_result *r = NULL;
    upay_orderquery_request q = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch,
                                 .out_trade_no = "WARMUP001"};
    ck_assert_int_eq(upay_orderquery(client, &q, &r, NULL), UPAY_OK);
    upay_result_free(r);
}

START_TEST(dropped_on_a_reused_connection_is_not_resent)
{
    warm_up("CFAULT01");
    rule("{\"fault\":\"drop\",\"mch_id\":\"CFAULT01\",\"method\":\"pay\"}");
    upay_result *r = NULL;
    upay_pay_request pay = {.mch_id = "CFAULT01", .out_trade_no = "CDROP0001", .body = "x",
                            .total_fee = 100, .auth_code = "134567890123450000"};
    ck_assert_int_eq(upay_pay(client, &pay, &r, NULL), UPAY_E_NO_ANSWER);
    upay_result_free(r);
    ck_assert_int_eq(received("CFAULT01", "CDROP0001", "pay"), 1);
    /* the client still works afterwards, on a fresh connection */
    upay_orderquery_request q = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "CFAULT01",
                                 .out_trade_no = "CDROP0001"};
    ck_assert_int_eq(upay_orderquery(client, &q, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->code, "10000");
    upay_result_free(r);
}
END_TEST

static const struct {
    const char *fault;
    upay_code code;
} pay_faults[] = {
    {"drop", UPAY_E_NO_ANSWER},          {"truncated", UPAY_E_NO_ANSWER},
    {"delay=1000", UPAY_E_NO_ANSWER},    {"empty", UPAY_E_BAD_RESPONSE},
    {"not_json", UPAY_E_BAD_RESPONSE},   {"http_5xx=502", UPAY_E_HTTP_STATUS},
    {"bad_sign", UPAY_E_RESPONSE_SIGN},  {"no_sign", UPAY_E_RESPONSE_SIGN},
    {"other_agent_sign", UPAY_E_RESPONSE_SIGN},
};

START_TEST(each_fault_pays_once)
{
    char mch[16], otn[16], json[160];
    snprintf(mch, sizeof mch, "CFPAY%02d", _i);
    snprintf(otn, sizeof otn, "CFP%06d", _i);
    warm_up(mch);
    snprintf(json, sizeof json, "{\"fault\":\"%s\",\"mch_id\":\"%s\",\"method\":\"pay\"}",
             pay_faults[_i].fault, mch);
    rule(json);
    upay_pay_request pay = {.mch_id = mch, .out_trade_no = otn, .body = "x", .total_fee = 100,
                            .auth_code = "134567890123450000"};
    upay_flow_options fo;
    upay_flow_options_init(&fo);
    fo.sleep = no_sleep;
    upay_flow_report *rep = NULL;
    ck_assert_int_eq(upay_barcode_pay(client, &pay, &fo, &rep, NULL), UPAY_OK);
    ck_assert_int_eq(rep->outcome, UPAY_FLOW_PAID);
    ck_assert_int_eq(rep->steps[0].code, pay_faults[_i].code);
    upay_flow_report_free(rep);
    ck_assert_int_eq(received(mch, otn, "pay"), 1);
}
END_TEST

START_TEST(each_fault_refunds_once)
{
    char mch[16], otn[16], json[200];
    snprintf(mch, sizeof mch, "CFREF%02d", _i);
    snprintf(otn, sizeof otn, "CFR%06d", _i);
    upay_result *r = NULL;
    upay_pay_request pay = {.mch_id = mch, .out_trade_no = otn, .body = "x", .total_fee = 100,
                            .auth_code = "134567890123450000"};
    ck_assert_int_eq(upay_pay(client, &pay, &r, NULL), UPAY_OK);
    upay_result_free(r);
    snprintf(json, sizeof json, "{\"fault\":\"%s\",\"mch_id\":\"%s\",\"method\":\"refund\",\"times\":2}",
             pay_faults[_i].fault, mch);
    rule(json);
    upay_refund_request rf = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch, .out_trade_no = otn,
                              .out_refund_no = "R1", .total_fee = 100, .refund_fee = 100};
    upay_flow_options fo;
    upay_flow_options_init(&fo);
    fo.sleep = no_sleep;
    upay_flow_report *rep = NULL;
    ck_assert_int_eq(upay_refund_with_retry(client, &rf, &fo, &rep, NULL), UPAY_OK);
    ck_assert_int_eq(rep->outcome, UPAY_FLOW_REFUNDED);
    ck_assert_str_eq(rep->out_refund_no, "R1");
    upay_flow_report_free(rep);
    ck_assert_int_eq(received(mch, otn, "refund"), 3);   /* two faulted, the third answered */
    upay_refundquery_request q = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch,
                                  .out_trade_no = otn};
    ck_assert_int_eq(upay_refundquery(client, &q, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->refund_count, 1);
    ck_assert_int_eq(r->refund_fee_summary, 100);
    upay_result_free(r);
}
END_TEST

Suite *make_e2e_client_faults_suite(void)
{
    Suite *s = suite_create("e2e_client_faults");
    TCase *tc = tcase_create("faults");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dropped_on_a_reused_connection_is_not_resent);
    tcase_add_loop_test(tc, each_fault_pays_once, 0, (int)(sizeof pay_faults / sizeof pay_faults[0]));
    tcase_add_loop_test(tc, each_fault_refunds_once, 0,
                        (int)(sizeof pay_faults / sizeof pay_faults[0]));
    suite_add_tcase(s, tc);
    return s;
}
