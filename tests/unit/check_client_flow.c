/*
 * check_client_flow.c - unit tests of the two flows with a scripted gateway
 * (no network, no real sleeping): barcode payment (paid at once, paying
 * then paid, deadline then cancel, failure then close, refusal, not sent,
 * cancel retries) and refund with retry (final answers, NOTSURE retried
 * with the same out_refund_no, settled by refundquery; unsigned failures
 * and unsigned PROCESSING settled by one refundquery at once). Each case states
 * which calls the flow must make and how many seconds it must sleep.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_client_fake.h"

#define A_PAID "state=SUCCESS&code=10000&trade_state=SUCCESS"
#define A_PAYING "state=SUCCESS&code=10001&trade_state=NEED_QUERY"
#define A_FAULT "state=SUCCESS&code=20006&trade_state=NEED_QUERY"
#define A_DECLINED "state=SUCCESS&code=10006&trade_state=FAIL"
#define A_DUPLICATE "state=SUCCESS&code=20004&trade_state=FAIL"
#define A_NOT_PAID "state=SUCCESS&code=10003&trade_state=FAIL"
#define A_NO_ORDER "state=SUCCESS&code=20007&trade_state=FAIL"
#define A_REFUSED "state=FAIL&code=20004&msg=bad"
/* 商户错误, as the live gateway writes it (unsigned there) */
#define A_MCH_REFUSED "state=FAIL&code=20005&msg=%E5%95%86%E6%88%B7%E9%94%99%E8%AF%AF"
#define A_VER "state=VER&code=20004"
#define A_CANCELLED "state=SUCCESS&code=10000&trade_state=SUCCESS"
#define A_TOO_OLD "state=SUCCESS&code=20011&trade_state=FAIL"
#define A_REFUNDED "state=SUCCESS&code=10000&trade_state=SUCCESS&out_refund_no=TK-1"
#define A_PROCESSING "state=SUCCESS&code=10000&trade_state=PROCESSING"
#define A_NOTSURE "state=SUCCESS&code=20008&trade_state=NEED_QUERY"
#define A_REFUND_FAIL "state=SUCCESS&code=20008&trade_state=FAIL"
#define LIST(status)                                                                         \
    "state=SUCCESS&code=10000&trade_state=SUCCESS&refund_list=%5B%7B%22serial_no%22%3A%220" \
    "%22%2C%22refund_id%22%3A%22R1%22%2C%22out_refund_no%22%3A%22TK-1%22%2C%22refund_fee"    \
    "%22%3A%2210%22%2C%22refund_status%22%3A%22" status "%22%7D%5D"

#define S(f) {.a = {.fields = f}, .times = 1}
#define SN(f, n) {.a = {.fields = f}, .times = n}
#define U(f) {.a = {.fields = f, .mode = FAKE_UNSIGNED}, .times = 1}
#define W(f) {.a = {.fields = f, .mode = FAKE_WRONG_KEY}, .times = 1}
#define N(c) {.a = {.transport = c}, .times = 1}
#define NN(c, n) {.a = {.transport = c}, .times = n}

typedef struct scripted {
    fake_answer a;
    unsigned times;
} scripted;

typedef struct flow_case {
    const char *name;
    int refund;                 /* 0: barcode flow, 1: refund flow */
    const char *auth_code;      /* barcode: NULL means a WECHAT code */
    scripted script[8];
    upay_code code;
    upay_flow_outcome outcome;
    int refund_status;          /* refund flow: expected status, -1 when unknown */
    unsigned pays, queries, cancels, refunds, refundqueries;
    unsigned slept;
} flow_case;

static const flow_case cases[] = {
    {"paid at once", 0, NULL, {S(A_PAID)}, UPAY_OK, UPAY_FLOW_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"paying then paid", 0, NULL,
     {S(A_PAYING), SN(A_PAYING, 2), S(A_PAID)},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 3, 0, 0, 0, 15},
    {"fault then paid", 0, NULL, {S(A_FAULT), S(A_PAID)},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 1, 0, 0, 0, 5},
    {"no answer then paid", 0, NULL, {N(UPAY_E_NO_ANSWER), N(UPAY_E_TRANSPORT), S(A_PAID)},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 2, 0, 0, 0, 10},
    {"bad signature then paid", 0, NULL,
     {{.a = {.fields = A_PAID, .mode = FAKE_WRONG_KEY}, .times = 1}, S(A_PAID)},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 1, 0, 0, 0, 5},
    {"refund state counts as paid", 0, NULL,
     {S(A_PAYING), S("state=SUCCESS&code=10002&trade_state=REFUND")},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 1, 0, 0, 0, 5},
    {"deadline then cancel", 0, NULL, {S(A_PAYING), SN(A_PAYING, 12), S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_CANCELLED, -1, 1, 12, 1, 0, 0, 60},
    {"cancel retried", 0, NULL,
     {S(A_PAYING), SN(A_PAYING, 12), N(UPAY_E_NO_ANSWER), S(A_FAULT),
      S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_CANCELLED, -1, 1, 12, 3, 0, 0, 70},
    {"cancel never answers", 0, NULL,
     {S(A_PAYING), SN(A_PAYING, 12), N(UPAY_E_NO_ANSWER)},
     UPAY_E_FLOW_DEADLINE, UPAY_FLOW_UNKNOWN, -1, 1, 12, 4, 0, 0, 75},
    {"cancel too late", 0, NULL, {S(A_PAYING), SN(A_PAYING, 12), S(A_TOO_OLD)},
     UPAY_E_FLOW_DEADLINE, UPAY_FLOW_UNKNOWN, -1, 1, 12, 1, 0, 0, 60},
    {"declined then closed", 0, NULL, {S(A_DECLINED), S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 0, 1, 0, 0, 15},
    {"declined, no order to close", 0, NULL, {S(A_DECLINED), S(A_NO_ORDER)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 0, 1, 0, 0, 15},
    {"duplicate order number", 0, NULL, {S(A_DUPLICATE)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"paying then not paid", 0, NULL,
     {S(A_PAYING), S(A_PAYING), S(A_NOT_PAID), S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 2, 1, 0, 0, 15},
    {"pay refused", 0, NULL, {S(A_REFUSED)},
     UPAY_E_GATEWAY_REFUSED, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"pay not sent", 0, NULL, {N(UPAY_E_TRANSPORT)},
     UPAY_E_TRANSPORT, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"query refused: cancel", 0, NULL, {S(A_PAYING), S(A_REFUSED), S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_CANCELLED, -1, 1, 1, 1, 0, 0, 15},
    {"unknown wallet", 0, "999", {S(A_PAYING)},
     UPAY_E_FLOW_DEADLINE, UPAY_FLOW_UNKNOWN, -1, 1, 0, 0, 0, 0, 0},
    /* Issue 11: unsigned answers are believed only when they say nothing moved. */
    {"pay refused unsigned", 0, NULL, {U(A_MCH_REFUSED)},
     UPAY_E_GATEWAY_REFUSED, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"pay refused unsigned, other code", 0, NULL, {U("state=FAIL&code=20013")},
     UPAY_E_GATEWAY_REFUSED, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"pay refusal wrongly signed", 0, NULL, {W(A_REFUSED)},
     UPAY_E_GATEWAY_REFUSED, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"pay version too low", 0, NULL, {S(A_VER)},
     UPAY_E_VERSION, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"pay version too low unsigned", 0, NULL, {U(A_VER)},
     UPAY_E_VERSION, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"unsigned decline confirmed by one query", 0, NULL,
     {U(A_DECLINED), U(A_NOT_PAID), S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 1, 1, 0, 0, 15},
    {"unsigned decline hid a payment", 0, NULL, {U(A_DECLINED), S(A_PAID)},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 1, 0, 0, 0, 0},
    {"unsigned decline, query unanswered", 0, NULL,
     {U(A_DECLINED), N(UPAY_E_NO_ANSWER), S(A_PAID)},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 2, 0, 0, 0, 5},
    {"unsigned decline, no such order", 0, NULL, {U(A_DECLINED), U(A_NO_ORDER), U(A_NO_ORDER)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 1, 1, 0, 0, 15},
    {"unsigned decline, unknown wallet", 0, "999", {U(A_DECLINED)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 0, 0, 0, 0, 0},
    {"unsigned paid is not believed", 0, NULL, {U(A_PAID), S(A_PAID)},
     UPAY_OK, UPAY_FLOW_PAID, -1, 1, 1, 0, 0, 0, 5},
    {"paying then unsigned not paid", 0, NULL, {S(A_PAYING), U(A_NOT_PAID), S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_NOT_PAID, -1, 1, 1, 1, 0, 0, 15},
    {"unsigned cancel refusal", 0, NULL, {S(A_PAYING), SN(A_PAYING, 12), U(A_TOO_OLD)},
     UPAY_E_FLOW_DEADLINE, UPAY_FLOW_UNKNOWN, -1, 1, 12, 1, 0, 0, 60},
    {"query version too low: cancel", 0, NULL, {S(A_PAYING), U(A_VER), S(A_CANCELLED)},
     UPAY_OK, UPAY_FLOW_CANCELLED, -1, 1, 1, 1, 0, 0, 15},

    {"refunded", 1, NULL, {S(A_REFUNDED)},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, 0, 0, 0, 1, 0, 0},
    {"processing is final", 1, NULL, {S(A_PROCESSING)},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_PROCESSING, 0, 0, 0, 1, 0, 0},
    {"notsure then refunded", 1, NULL, {S(A_NOTSURE), S(A_REFUNDED)},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, 0, 0, 0, 2, 0, 5},
    {"no answer then refunded", 1, NULL, {N(UPAY_E_NO_ANSWER), S(A_REFUNDED)},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, 0, 0, 0, 2, 0, 5},
    {"refund failed", 1, NULL, {S(A_REFUND_FAIL)},
     UPAY_OK, UPAY_FLOW_NOT_REFUNDED, UPAY_REFUND_FAIL, 0, 0, 0, 1, 0, 0},
    {"refund refused", 1, NULL, {S(A_REFUSED)},
     UPAY_E_GATEWAY_REFUSED, UPAY_FLOW_NOT_REFUNDED, UPAY_REFUND_FAIL, 0, 0, 0, 1, 0, 0},
    {"refund never sent", 1, NULL, {N(UPAY_E_TRANSPORT)},
     UPAY_E_TRANSPORT, UPAY_FLOW_NOT_REFUNDED, -1, 0, 0, 0, 4, 0, 15},
    {"notsure settled as change", 1, NULL, {SN(A_NOTSURE, 4), S(LIST("CHANGE"))},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_CHANGE, 0, 0, 0, 4, 1, 20},
    {"notsure settled as notsure", 1, NULL, {SN(A_NOTSURE, 4), S(LIST("NOTSURE"))},
     UPAY_E_FLOW_DEADLINE, UPAY_FLOW_UNKNOWN, UPAY_REFUND_NOTSURE, 0, 0, 0, 4, 1, 20},
    {"no answer then refused: query", 1, NULL,
     {N(UPAY_E_NO_ANSWER), S(A_REFUSED), S(LIST("SUCCESS"))},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, 0, 0, 0, 2, 1, 10},
    {"refund refused unsigned", 1, NULL, {U(A_MCH_REFUSED)},
     UPAY_E_GATEWAY_REFUSED, UPAY_FLOW_NOT_REFUNDED, UPAY_REFUND_FAIL, 0, 0, 0, 1, 0, 0},
    {"refund version too low", 1, NULL, {U(A_VER)},
     UPAY_E_VERSION, UPAY_FLOW_NOT_REFUNDED, UPAY_REFUND_FAIL, 0, 0, 0, 1, 0, 0},
    {"unsigned refund failure confirmed", 1, NULL, {U(A_REFUND_FAIL), U(A_NO_ORDER)},
     UPAY_OK, UPAY_FLOW_NOT_REFUNDED, -1, 0, 0, 0, 1, 1, 0},
    {"unsigned refund failure hid a refund", 1, NULL, {U(A_REFUND_FAIL), S(LIST("SUCCESS"))},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, 0, 0, 0, 1, 1, 0},
    {"unsigned refund success is not believed", 1, NULL, {U(A_REFUNDED), S(A_REFUNDED)},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, 0, 0, 0, 2, 0, 5},
    {"refund unknown to the gateway", 1, NULL, {NN(UPAY_E_NO_ANSWER, 4), S(A_NO_ORDER)},
     UPAY_OK, UPAY_FLOW_NOT_REFUNDED, -1, 0, 0, 0, 4, 1, 20},
    /* The live gateway signs no PROCESSING: one refundquery at once, never the refund again. */
    {"unsigned processing settled by one query", 1, NULL, {U(A_PROCESSING), S(LIST("PROCESSING"))},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_PROCESSING, 0, 0, 0, 1, 1, 0},
    {"unsigned processing, already settled", 1, NULL, {U(A_PROCESSING), S(LIST("SUCCESS"))},
     UPAY_OK, UPAY_FLOW_REFUNDED, UPAY_REFUND_SUCCESS, 0, 0, 0, 1, 1, 0},
    {"unsigned processing, query unanswered", 1, NULL,
     {U(A_PROCESSING), N(UPAY_E_NO_ANSWER), S(A_REFUNDED)},
     UPAY_E_FLOW_DEADLINE, UPAY_FLOW_UNKNOWN, -1, 0, 0, 0, 1, 1, 0},
};

typedef struct steps_seen {
    unsigned calls, sleeps;
} steps_seen;

static void on_step(const upay_flow_step *s, void *userdata)
{
    steps_seen *seen = userdata;
    if (s->kind == UPAY_STEP_CALL)
        seen->calls++;
    else
        seen->sleeps++;
    ck_assert_ptr_nonnull(s->note);
}

static unsigned count_calls(const upay_flow_report *r, const char *method)
{
    unsigned n = 0;
    for (size_t i = 0; i < r->step_count; i++)
        n += r->steps[i].kind == UPAY_STEP_CALL && strcmp(r->steps[i].method, method) == 0;
    return n;
}

START_TEST(flow_case_runs)
{
    const flow_case *fc = &cases[_i];
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    for (size_t i = 0; i < sizeof fc->script / sizeof fc->script[0]; i++) {
        if (fc->script[i].times == 0)
            break;
        for (unsigned t = 0; t < fc->script[i].times; t++)
            fake_add(&f, fc->script[i].a);
    }
    upay_flow_options o;
    upay_flow_options_init(&o);
    o.sleep = fake_sleep;
    o.sleep_userdata = &f;
    steps_seen seen = {0};
    o.on_step = on_step;
    o.step_userdata = &seen;

    upay_flow_report *r = NULL;
    upay_error e = {0};
    upay_code rc;
    if (fc->refund) {
        upay_refund_request q = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "00000001",
                                 .out_trade_no = "ORDER_0001", .out_refund_no = "TK-1",
                                 .total_fee = 100, .refund_fee = 10};
        rc = upay_refund_with_retry(c, &q, &o, &r, &e);
    } else {
        upay_pay_request q = {.mch_id = "00000001", .out_trade_no = "ORDER_0001", .body = "b",
                              .total_fee = 100,
                              .auth_code = fc->auth_code ? fc->auth_code : "134567890123456789"};
        rc = upay_barcode_pay(c, &q, &o, &r, &e);
    }
    ck_assert_msg(rc == fc->code, "%s: returned %s (%s)", fc->name, upay_strerror(rc),
                  e.message);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->outcome == fc->outcome, "%s: outcome %s", fc->name,
                  upay_flow_outcome_name(r->outcome));
    ck_assert_uint_eq(count_calls(r, "pay"), fc->pays);
    ck_assert_uint_eq(count_calls(r, "orderquery"), fc->queries);
    ck_assert_uint_eq(count_calls(r, "cancel"), fc->cancels);
    ck_assert_uint_eq(count_calls(r, "refund"), fc->refunds);
    ck_assert_uint_eq(count_calls(r, "refundquery"), fc->refundqueries);
    ck_assert_uint_eq(f.nreq, fc->pays + fc->queries + fc->cancels + fc->refunds
                                  + fc->refundqueries);
    ck_assert_msg(f.slept == fc->slept, "%s: slept %u", fc->name, f.slept);
    ck_assert_uint_eq(seen.calls + seen.sleeps, r->step_count);
    ck_assert(r->elapsed == (double)fc->slept);
    if (fc->refund_status >= 0) {
        ck_assert_int_eq(r->has_refund_status, 1);
        ck_assert_int_eq(r->refund_status, fc->refund_status);
    } else if (fc->refund) {
        ck_assert_int_eq(r->has_refund_status, 0);
    }
    if (rc != UPAY_OK)
        ck_assert_int_eq(e.code, rc);

    /* Every request of the flow names the same order / refund number. */
    for (size_t i = 0; i < f.nreq && i < FAKE_MAX; i++) {
        upay_params *p = fake_request(&f, i);
        const char *method = upay_params_get(p, "method");
        if (strcmp(method, "refundquery") == 0) {
            ck_assert_str_eq(upay_params_get(p, "out_refund_no"), "TK-1");
        } else if (fc->refund) {
            ck_assert_str_eq(upay_params_get(p, "out_refund_no"), "TK-1");
            ck_assert_str_eq(upay_params_get(p, "refund_fee"), "10");
        } else {
            ck_assert_str_eq(upay_params_get(p, "out_trade_no"), "ORDER_0001");
            if (strcmp(method, "pay") != 0)
                ck_assert_str_eq(upay_params_get(p, "paytype"), "WECHAT");
        }
        upay_params_free(p);
    }
    upay_flow_report_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(cancel_waits_for_order_age)
{
    /* Queries every 5 s to a 10 s deadline: the cancel still waits until 15 s. */
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = A_PAYING});
    fake_add(&f, (fake_answer){.fields = A_PAYING});
    fake_add(&f, (fake_answer){.fields = A_PAYING});
    fake_add(&f, (fake_answer){.fields = A_CANCELLED});
    upay_flow_options o;
    upay_flow_options_init(&o);
    o.deadline = 10;
    o.sleep = fake_sleep;
    o.sleep_userdata = &f;
    upay_pay_request q = {.mch_id = "1", .out_trade_no = "ORDER_0001", .body = "b",
                          .total_fee = 1, .auth_code = "134567890123456789"};
    upay_flow_report *r = NULL;
    ck_assert_int_eq(upay_barcode_pay(c, &q, &o, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->outcome, UPAY_FLOW_CANCELLED);
    ck_assert_uint_eq(f.slept, 15);
    const upay_flow_step *last = &r->steps[r->step_count - 1];
    ck_assert_str_eq(last->method, "cancel");
    ck_assert(last->at == 15.0);
    ck_assert_ptr_eq(r->final_result, last->result);
    ck_assert_str_eq(r->out_trade_no, "ORDER_0001");
    upay_flow_report_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(out_trade_no_generated)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = A_PAYING});
    fake_add(&f, (fake_answer){.fields = A_PAID});
    upay_pay_request q = {.mch_id = "1", .body = "b", .total_fee = 1,
                          .auth_code = "284567890123456789"};
    upay_flow_options o;
    upay_flow_options_init(&o);
    o.sleep = fake_sleep;
    o.sleep_userdata = &f;
    upay_flow_report *r = NULL;
    ck_assert_int_eq(upay_barcode_pay(c, &q, &o, &r, NULL), UPAY_OK);
    ck_assert_uint_eq(strlen(r->out_trade_no), 28);
    for (size_t i = 0; i < 2; i++) {
        upay_params *p = fake_request(&f, i);
        ck_assert_str_eq(upay_params_get(p, "out_trade_no"), r->out_trade_no);
        upay_params_free(p);
    }
    upay_params *p = fake_request(&f, 1);
    ck_assert_str_eq(upay_params_get(p, "paytype"), "ALIPAY");
    upay_params_free(p);
    upay_flow_report_free(r);
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

START_TEST(bad_arguments)
{
    fake f = {0};
    upay_client *c = fake_client(&f, UPAY_SIGN_MD5);
    fake_add(&f, (fake_answer){.fields = A_PAID});
    upay_flow_report *r = (upay_flow_report *)1;
    upay_pay_request q = {.mch_id = "1", .body = "b", .total_fee = 0,
                          .auth_code = "134567890123456789"};
    ck_assert_int_eq(upay_barcode_pay(c, &q, NULL, &r, NULL), UPAY_E_INVALID_ARG);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(upay_barcode_pay(NULL, &q, NULL, &r, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_barcode_pay(c, &q, NULL, NULL, NULL), UPAY_E_INVALID_ARG);
    upay_flow_options o;
    upay_flow_options_init(&o);
    o.poll_interval = 0;
    q.total_fee = 1;
    ck_assert_int_eq(upay_barcode_pay(c, &q, &o, &r, NULL), UPAY_E_INVALID_ARG);
    upay_refund_request rq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "1",
                              .out_trade_no = "ORDER_1", .total_fee = 1, .refund_fee = 1};
    ck_assert_int_eq(upay_refund_with_retry(c, &rq, NULL, &r, NULL), UPAY_E_INVALID_ARG);
    ck_assert_ptr_null(r);
    ck_assert_uint_eq(f.nreq, 0);
    upay_flow_report_free(NULL);
    ck_assert_str_eq(upay_flow_outcome_name(UPAY_FLOW_CANCELLED), "CANCELLED");
    upay_client_free(c);
    fake_clear(&f);
}
END_TEST

Suite *make_client_flow_suite(void)
{
    Suite *s = suite_create("client_flow");
    TCase *tc = tcase_create("cases");
    tcase_add_loop_test(tc, flow_case_runs, 0, sizeof cases / sizeof cases[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("details");
    tcase_add_test(tc, cancel_waits_for_order_age);
    tcase_add_test(tc, out_trade_no_generated);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
