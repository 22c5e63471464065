/*
 * check_e2e_client.c - libupay against a real upay-mock started in this
 * process on 127.0.0.1:0: every call, every persona through the barcode and
 * refund flows, both signature types, a client holding the wrong key, an
 * unknown agent, and the generic call. The flows sleep by moving the mock's
 * clock (POST /mock/clock), so nothing here waits for real.
 *
 * Every case runs against both dialects of the mock (mock_options.dialect):
 * "seed" (the 2018 pages: every answer signed) and "live" (the gateway of
 * today: only business successes signed, Chinese msg). The TCases with the
 * suffix _live are the second run. What may differ between the two is
 * spelled out where it is asserted (assert_business_fail); msg texts are
 * never asserted.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "upay.h"
#include "mock.h"

#define AGENT_1 "13000000000000001"
#define KEY_1 "UPAYMOCK000000000000000000000001"
#define AGENT_2 "13000000000000002"
#define KEY_2 "UPAYMOCK000000000000000000000002"
/* WECHAT codes are 18 digits starting 10-15; the last four pick the persona. */
#define WECHAT_PREFIX "13456789012345"

static mock_server *server;
static char mch_id[33];
static int live; /* 1: the mock speaks the live dialect */

static void start_mock(void)
{
    mock_options o = {0};
    o.dialect = live ? "live" : "seed";
    o.listen = "127.0.0.1:0";
    o.quiet = 1;
    o.frozen_clock = 1; /* time moves only by the flows' injected sleep */
    char err[256] = "";
    server = mock_server_start(&o, err, sizeof err);
    ck_assert_msg(server != NULL, "mock did not start: %s", err);
    ck_assert_int_gt(mock_server_port(server), 0);
    /* A merchant of its own per test keeps clocks and orders apart. */
    static unsigned n;
    snprintf(mch_id, sizeof mch_id, "E2E%u%u", (unsigned)mock_server_port(server), ++n);
}

static void start_live_mock(void)
{
    live = 1;
    start_mock();
}

static void stop_mock(void)
{
    mock_server_stop(server);
    server = NULL;
}

/*
 * A business failure (trade_state=FAIL) with `gw_code`: signed in the seed
 * dialect (UPAY_OK, outcome FAIL); the live gateway signs only business
 * successes, so there it may come unsigned (UPAY_E_UNVERIFIED_FAIL, still
 * with its code).
 */
static void assert_business_fail(upay_code rc, const upay_result *r, int gw_code,
                                 const upay_error *e)
{
    if (live)
        ck_assert_msg(rc == UPAY_OK || rc == UPAY_E_UNVERIFIED_FAIL, "%s", e->message);
    else
        ck_assert_msg(rc == UPAY_OK, "%s", e->message);
    if (rc == UPAY_OK)
        ck_assert_int_eq(r->outcome, UPAY_OUTCOME_FAIL);
    else
        ck_assert_str_eq(r->trade_state, "FAIL");
    ck_assert_int_eq(r->gw_code, gw_code);
}

static upay_client *client_for(const char *agent, const char *key, upay_sign_type type)
{
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, mock_server_url(server)), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(c, agent), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, key), UPAY_OK);
    ck_assert_int_eq(upay_client_set_sign_type(c, type), UPAY_OK);
    ck_assert_int_eq(upay_client_set_pid(c, "e2e"), UPAY_OK);
    ck_assert_int_eq(upay_client_set_timeouts(c, 2000, 10000), UPAY_OK);
    return c;
}

/* POST {"advance_seconds":N,"mch_id":M} to the mock's clock. */
static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

static void advance_clock(unsigned seconds, void *userdata)
{
    const char *mch = userdata;
    char url[256], body[128];
    snprintf(url, sizeof url, "%s/mock/clock", mock_server_url(server));
    snprintf(body, sizeof body, "{\"advance_seconds\":%u,\"mch_id\":\"%s\"}", seconds, mch);
    CURL *h = curl_easy_init();
    ck_assert_ptr_nonnull(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    ck_assert_int_eq(status, 200);
}

static upay_flow_options clock_options(void)
{
    upay_flow_options o;
    upay_flow_options_init(&o);
    o.sleep = advance_clock;
    o.sleep_userdata = mch_id;
    return o;
}

static upay_pay_request pay_request(const char *order, const char *suffix, long long fee)
{
    static char code[32];
    snprintf(code, sizeof code, WECHAT_PREFIX "%s", suffix);
    upay_pay_request q = {
        .mch_id = mch_id,
        .out_trade_no = order,
        .body = "e2e 测试",
        .total_fee = fee,
        .auth_code = code,
        .attach = "a&b",
    };
    return q;
}

/* ---- every call ---- */

START_TEST(every_call)
{
    upay_client *c = client_for(AGENT_1, KEY_1, _i ? UPAY_SIGN_HMAC_SHA256 : UPAY_SIGN_MD5);
    upay_result *r = NULL;
    upay_error e = {0};

    upay_pay_request pq = pay_request("E2E_ORDER_1", "0000", 100);
    ck_assert_msg(upay_pay(c, &pq, &r, &e) == UPAY_OK, "pay: %s", e.message);
    ck_assert_int_eq(r->verified, 1);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    ck_assert_int_eq(r->gw_code, UPAY_GW_SUCCESS);
    ck_assert_str_eq(r->out_trade_no, "E2E_ORDER_1");
    ck_assert_int_eq(r->total_fee, 100);
    ck_assert_uint_eq(strlen(r->transaction_id), 28);
    ck_assert_uint_eq(strlen(r->time_end), 14);
    char transaction_id[65];
    snprintf(transaction_id, sizeof transaction_id, "%s", r->transaction_id);
    upay_result_free(r);

    upay_orderquery_request oq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch_id,
                                  .transaction_id = transaction_id};
    ck_assert_msg(upay_orderquery(c, &oq, &r, &e) == UPAY_OK, "orderquery: %s", e.message);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    ck_assert_str_eq(r->out_trade_no, "E2E_ORDER_1");
    ck_assert_str_eq(r->attach, "a&b");
    upay_result_free(r);

    upay_refund_request rq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch_id,
                              .out_trade_no = "E2E_ORDER_1", .out_refund_no = "TK-1",
                              .total_fee = 100, .refund_fee = 30};
    ck_assert_msg(upay_refund(c, &rq, &r, &e) == UPAY_OK, "refund: %s", e.message);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    ck_assert_str_eq(r->out_refund_no, "TK-1");
    ck_assert_int_eq(r->refund_fee, 30);
    upay_result_free(r);
    rq.out_refund_no = "TK-2";
    rq.refund_fee = 20;
    ck_assert_int_eq(upay_refund(c, &rq, &r, &e), UPAY_OK);
    upay_result_free(r);

    /* The seed finds every refund of the order by out_trade_no; the live
       gateway finds refunds by refund only (since v2.5.1), and lists that one. */
    upay_refundquery_request qq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch_id,
                                   .out_trade_no = live ? NULL : "E2E_ORDER_1",
                                   .out_refund_no = live ? "TK-1" : NULL};
    ck_assert_msg(upay_refundquery(c, &qq, &r, &e) == UPAY_OK, "refundquery: %s", e.message);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    ck_assert_uint_eq(r->refund_entry_count, live ? 1 : 2);
    ck_assert_str_eq(r->refunds[0].out_refund_no, "TK-1");
    ck_assert_int_eq(r->refunds[0].refund_fee, 30);
    ck_assert_int_eq(r->refunds[0].refund_status, UPAY_REFUND_SUCCESS);
    if (!live) {
        ck_assert_uint_eq(r->refunds[1].serial_no, 1);
        ck_assert_int_eq(r->refund_fee_summary, 50);
        ck_assert_int_eq(r->refund_count, 2);
    }
    upay_result_free(r);

    /* The refunded order can no longer be cancelled; a fresh one can. */
    upay_cancel_request cq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch_id,
                              .out_trade_no = "E2E_ORDER_1"};
    upay_code rc = upay_cancel(c, &cq, &r, &e);
    assert_business_fail(rc, r, UPAY_GW_CANCEL_ERROR, &e);
    upay_result_free(r);
    pq = pay_request("E2E_ORDER_2", "0000", 5);
    ck_assert_int_eq(upay_pay(c, &pq, &r, &e), UPAY_OK);
    upay_result_free(r);
    cq.out_trade_no = "E2E_ORDER_2";
    ck_assert_msg(upay_cancel(c, &cq, &r, &e) == UPAY_OK, "cancel: %s", e.message);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    upay_result_free(r);
    oq.transaction_id = NULL;
    oq.out_trade_no = "E2E_ORDER_2";
    rc = upay_orderquery(c, &oq, &r, &e);
    assert_business_fail(rc, r, UPAY_GW_REVOKED, &e);
    upay_result_free(r);

    /* No such order. */
    oq.out_trade_no = "E2E_NOPE";
    rc = upay_orderquery(c, &oq, &r, &e);
    assert_business_fail(rc, r, UPAY_GW_NO_ORDER, &e);
    upay_result_free(r);
    upay_client_free(c);
}
END_TEST

/* ---- every persona through a flow ---- */

typedef struct persona_case {
    const char *suffix;
    int refund_flow;                /* 0: barcode flow; 1: pay, then refund flow */
    upay_code code;
    upay_flow_outcome outcome;
    int refund_status;              /* refund flow: expected status */
    long long coupon_fee;           /* expected on a paid order; -1: not checked */
} persona_case;

static const persona_case personas[] = {
    {"0000", 0, UPAY_OK, UPAY_FLOW_PAID, -1, -1},
    {"9001", 0, UPAY_OK, UPAY_FLOW_PAID, -1, -1},
    {"9002", 0, UPAY_OK, UPAY_FLOW_CANCELLED, -1, -1},
    {"9003", 0, UPAY_OK, UPAY_FLOW_NOT_PAID, -1, -1},
    {"9004", 0, UPAY_OK, UPAY_FLOW_NOT_PAID, -1, -1},
    {"9005", 0, UPAY_OK, UPAY_FLOW_PAID, -1, -1},
    {"9006", 0, UPAY_OK, UPAY_FLOW_PAID, -1, 1},
    {"9007", 0, UPAY_OK, UPAY_FLOW_NOT_PAID, -1, -1},
    {"0000", 1, UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, -1},
    {"9101", 1, UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_PROCESSING, -1},
    {"9102", 1, UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, -1},
    {"9103", 1, UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_PROCESSING, -1},
    {"9104", 1, UPAY_OK, UPAY_FLOW_NOT_REFUNDED, UPAY_REFUND_FAIL, -1},
};

static unsigned count_calls(const upay_flow_report *r, const char *method)
{
    unsigned n = 0;
    for (size_t i = 0; i < r->step_count; i++)
        n += r->steps[i].kind == UPAY_STEP_CALL && strcmp(r->steps[i].method, method) == 0;
    return n;
}

START_TEST(persona_flow)
{
    const persona_case *pc = &personas[_i];
    upay_client *c = client_for(AGENT_1, KEY_1, UPAY_SIGN_MD5);
    upay_flow_options o = clock_options();
    upay_pay_request q = pay_request(NULL, pc->suffix, 100);
    upay_flow_report *rep = NULL;
    upay_error e = {0};
    upay_code rc = upay_barcode_pay(c, &q, &o, &rep, &e);
    ck_assert_ptr_nonnull(rep);
    if (!pc->refund_flow) {
        ck_assert_msg(rc == pc->code, "persona %s: %s (%s)", pc->suffix, upay_strerror(rc),
                      e.message);
        ck_assert_msg(rep->outcome == pc->outcome, "persona %s: outcome %s", pc->suffix,
                      upay_flow_outcome_name(rep->outcome));
        if (pc->coupon_fee >= 0)
            ck_assert_int_eq(rep->final_result->coupon_fee, pc->coupon_fee);
        if (rep->outcome == UPAY_FLOW_CANCELLED) {
            /* Queried up to the 60 s deadline, then cancelled. */
            ck_assert_uint_eq(count_calls(rep, "orderquery"), 12);
            ck_assert_uint_eq(count_calls(rep, "cancel"), 1);
            ck_assert(rep->elapsed == 60.0);
        }
        if (rep->outcome == UPAY_FLOW_NOT_PAID)
            ck_assert_uint_eq(count_calls(rep, "cancel"), 1); /* the failed order is closed */
        upay_flow_report_free(rep);
        upay_client_free(c);
        return;
    }
    ck_assert_int_eq(rc, UPAY_OK);
    ck_assert_int_eq(rep->outcome, UPAY_FLOW_PAID);
    char order[33];
    snprintf(order, sizeof order, "%s", rep->out_trade_no);
    upay_flow_report_free(rep);

    upay_refund_request rq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch_id,
                              .out_trade_no = order, .out_refund_no = "TK-persona",
                              .total_fee = 100, .refund_fee = 60};
    rc = upay_refund_with_retry(c, &rq, &o, &rep, &e);
    ck_assert_msg(rc == pc->code, "persona %s refund: %s (%s)", pc->suffix, upay_strerror(rc),
                  e.message);
    ck_assert_msg(rep->outcome == pc->outcome, "persona %s: outcome %s", pc->suffix,
                  upay_flow_outcome_name(rep->outcome));
    ck_assert_int_eq(rep->has_refund_status, 1);
    ck_assert_int_eq(rep->refund_status, pc->refund_status);
    ck_assert_uint_eq(count_calls(rep, "refund"), strcmp(pc->suffix, "9102") == 0 ? 2 : 1);
    upay_flow_report_free(rep);

    /* A day later the settling refunds have their final status. */
    advance_clock(24 * 3600 + 1, mch_id);
    upay_refundquery_request qq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch_id,
                                   .out_refund_no = "TK-persona"};
    upay_result *r = NULL;
    ck_assert_int_eq(upay_refundquery(c, &qq, &r, &e), UPAY_OK);
    ck_assert_uint_eq(r->refund_entry_count, 1);
    upay_refund_status later = strcmp(pc->suffix, "9103") == 0   ? UPAY_REFUND_CHANGE
                               : strcmp(pc->suffix, "9104") == 0 ? UPAY_REFUND_FAIL
                                                                 : UPAY_REFUND_SUCCESS;
    ck_assert_int_eq(r->refunds[0].refund_status, later);
    upay_result_free(r);
    upay_client_free(c);
}
END_TEST

/* ---- trust ---- */

START_TEST(wrong_key_detected)
{
    /* Agent 1's id with agent 2's key: the mock refuses the request (20002) and
       signs that refusal with agent 1's key (seed) or not at all (live), which
       this client cannot verify. A refusal says nothing happened: believed. */
    upay_client *c = client_for(AGENT_1, KEY_2, UPAY_SIGN_MD5);
    upay_pay_request q = pay_request("E2E_WRONGKEY", "0000", 1);
    upay_result *r = NULL;
    upay_error e = {0};
    ck_assert_int_eq(upay_pay(c, &q, &r, &e), UPAY_E_GATEWAY_REFUSED);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_GATEWAY_REFUSED), 0);
    ck_assert_int_eq(r->verified, 0);
    ck_assert_str_eq(r->state, "FAIL");
    ck_assert_str_eq(r->code, "20002");
    ck_assert_ptr_nonnull(strstr(e.message, "without a valid sign"));
    upay_result_free(r);
    upay_client_free(c);
}
END_TEST

START_TEST(unknown_agent_unsigned)
{
    upay_client *c = client_for("13000000000000999", KEY_1, UPAY_SIGN_MD5);
    upay_pay_request q = pay_request("E2E_AGENT", "0000", 1);
    upay_result *r = NULL;
    upay_error e = {0};
    /* The unsigned 20012 refusal means nothing happened */
    ck_assert_int_eq(upay_pay(c, &q, &r, &e), UPAY_E_GATEWAY_REFUSED);
    ck_assert_int_eq(r->verified, 0);
    ck_assert_str_eq(r->code, "20012");
    ck_assert_ptr_null(upay_params_get(r->params, "sign"));
    ck_assert_ptr_nonnull(strstr(e.message, "without a valid sign"));
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_GATEWAY_REFUSED), 0);
    upay_result_free(r);
    upay_client_free(c);
}
END_TEST

START_TEST(generic_call_refused)
{
    upay_client *c = client_for(AGENT_2, KEY_2, UPAY_SIGN_HMAC_SHA256);
    upay_params *p = upay_params_new();
    upay_params_set(p, "mch_id", mch_id);
    upay_params_set(p, "paytype", "WECHAT");
    upay_result *r = NULL;
    upay_error e = {0};
    /* orderquery without out_trade_no or transaction_id: a parameter error. */
    ck_assert_int_eq(upay_call(c, "orderquery", p, 0, &r, &e), UPAY_E_GATEWAY_REFUSED);
    if (!live)
        ck_assert_int_eq(r->verified, 1); /* live: a refusal comes unsigned */
    ck_assert_str_eq(r->state, "FAIL");
    ck_assert_int_eq(r->gw_code, UPAY_GW_PARAM_ERROR);
    upay_result_free(r);
    /* A deliberately bad signature. */
    upay_params_set(p, "method", "orderquery");
    upay_params_set(p, "agent_id", AGENT_2);
    upay_params_set(p, "out_trade_no", "E2E_X");
    upay_params_set(p, "sign", "00000000000000000000000000000000");
    ck_assert_int_eq(upay_call(c, NULL, p, UPAY_CALL_NO_DEFAULTS | UPAY_CALL_NO_SIGN, &r, &e),
                     UPAY_E_GATEWAY_REFUSED);
    ck_assert_int_eq(r->gw_code, UPAY_GW_SIGN_ERROR);
    upay_result_free(r);
    upay_params_free(p);
    upay_client_free(c);
}
END_TEST

/* ---- one handle per thread ---- */

typedef struct worker {
    int index;
    int paid;
    char error[256];
} worker;

static void *pay_many(void *arg)
{
    worker *w = arg;
    upay_client *c = upay_client_new();
    upay_client_set_url(c, mock_server_url(server));
    upay_client_set_agent(c, w->index % 2 ? AGENT_2 : AGENT_1);
    upay_client_set_key(c, w->index % 2 ? KEY_2 : KEY_1);
    upay_client_set_sign_type(c, w->index % 2 ? UPAY_SIGN_HMAC_SHA256 : UPAY_SIGN_MD5);
    for (int i = 0; i < 10; i++) {
        char order[33], mch[64], code[32];
        snprintf(order, sizeof order, "THREAD%d_%d", w->index, i);
        snprintf(mch, sizeof mch, "%sT%d", mch_id, w->index);
        snprintf(code, sizeof code, WECHAT_PREFIX "0000");
        upay_pay_request q = {.mch_id = mch, .out_trade_no = order, .body = "t",
                              .total_fee = 1, .auth_code = code};
        upay_result *r = NULL;
        upay_error e = {0};
        if (upay_pay(c, &q, &r, &e) == UPAY_OK && r->outcome == UPAY_OUTCOME_SUCCESS)
            w->paid++;
        else
            snprintf(w->error, sizeof w->error, "%s", e.message);
        upay_result_free(r);
    }
    upay_client_free(c);
    return NULL;
}

START_TEST(handle_per_thread)
{
    enum { N = 4 };
    pthread_t t[N];
    worker w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker){.index = i};
        ck_assert_int_eq(pthread_create(&t[i], NULL, pay_many, &w[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < N; i++)
        ck_assert_msg(w[i].paid == 10, "thread %d paid %d: %s", i, w[i].paid, w[i].error);
}
END_TEST

/* Add the cases of one dialect to `s`: calls, personas, trust. */
static void add_dialect(Suite *s, TCase *calls, TCase *personas_tc, TCase *trust,
                        void (*setup)(void))
{
    tcase_add_checked_fixture(calls, setup, stop_mock);
    tcase_add_loop_test(calls, every_call, 0, 2);
    tcase_add_checked_fixture(personas_tc, setup, stop_mock);
    tcase_add_loop_test(personas_tc, persona_flow, 0, sizeof personas / sizeof personas[0]);
    tcase_add_checked_fixture(trust, setup, stop_mock);
    tcase_add_test(trust, wrong_key_detected);
    tcase_add_test(trust, unknown_agent_unsigned);
    tcase_add_test(trust, generic_call_refused);
    TCase *all[] = {calls, personas_tc, trust};
    for (size_t i = 0; i < 3; i++) {
        tcase_set_timeout(all[i], 60);
        suite_add_tcase(s, all[i]);
    }
}

Suite *make_e2e_client_suite(void)
{
    Suite *s = suite_create("e2e_client");
    add_dialect(s, tcase_create("calls"), tcase_create("personas"), tcase_create("trust"),
                start_mock);
    add_dialect(s, tcase_create("calls_live"), tcase_create("personas_live"),
                tcase_create("trust_live"), start_live_mock);

    TCase *tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, start_mock, stop_mock);
    tcase_add_test(tc, handle_per_thread);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
