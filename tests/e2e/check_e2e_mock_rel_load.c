/*
 * check_e2e_mock_rel_load.c - money invariants under load: many client
 * threads send pays, refunds, cancels and queries on the SAME few orders of
 * one merchant at once (refund numbers shared between threads and orders,
 * personas whose refunds succeed, fail, or come back NOTSURE). Afterwards:
 *   - GET /mock/ledger says consistent, and refunded_fee <= paid_fee;
 *   - what the clients were told agrees: a refund number answered as
 *     accepted always names the same refund_id and order (it never refunds
 *     twice), the accepted amounts of an order never exceed what was paid,
 *     and an order a cancel closed or revoked never had a refund accepted;
 *   - the final store (GET /mock/orders) holds every accepted refund.
 * Bounded: THREADS x OPS requests, a few seconds on 2 cores.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e/mock_test_util.h"

#define THREADS 16
#define OPS 150                /* requests per thread */
#define ORDERS 8
#define NUMBERS 40             /* out_refund_no pool shared by all threads */
#define TOTAL 100              /* fen per order */
#define MCH "LOAD1"

/* Persona of order k (last four digits of its code): how its refunds end. */
static const char *const persona[ORDERS] = { "0000", "9006", "9102", "9104", "0000", "9002", "9101", "0000" };

typedef enum op_kind { OP_PAY, OP_REFUND, OP_CANCEL, OP_QUERY } op_kind;

typedef struct answer {
    op_kind kind;
    int order;
    int number;               /* refund number index, -1 for others */
    int code;                 /* -1: no answer */
    char trade_state[16];
    char refund_id[40];
    char out_trade_no[40];    /* refund answers: the order it names */
} answer;

typedef struct worker_job {
    unsigned seed;
    const char *base;
    answer log[OPS];
} worker_job;

static void order_no(char out[32], int k)
{
    snprintf(out, 32, "LOADORD%02d", k);
}

static long long number_fee(int j)
{
    return 10 + 10 * (j % 4);   /* 10..40 fen: a handful overdraw an order */
}

/* Send one signed request; fills `a` from the answer. No Check asserts (threads). */
static void send_op(const char *base, upay_params *req, answer *a)
{
    upay_params_set(req, "agent_id", MT_AGENT1);
    upay_params_set(req, "mch_id", MCH);
    a->code = -1;
    char *body = NULL;
    if (upay_sign_params(req, MT_KEY1, UPAY_SIGN_MD5) != UPAY_OK
        || upay_form_encode(req, &body) != UPAY_OK)
        return;
    char url[192];
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", base);
    mt_http_reply r;
    int rc = mt_http("POST", url, "application/x-www-form-urlencoded", body, strlen(body), NULL, &r);
    upay_free(body);
    upay_params *p = NULL;
    if (rc == 0 && r.status == 200 && upay_response_parse(r.body, r.len, 0, &p, NULL) == UPAY_OK
        && upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5) == UPAY_OK) {
        const char *v = upay_params_get(p, "code");
        a->code = v ? atoi(v) : -2;
        v = upay_params_get(p, "trade_state");
        snprintf(a->trade_state, sizeof a->trade_state, "%s", v ? v : "");
        v = upay_params_get(p, "refund_id");
        snprintf(a->refund_id, sizeof a->refund_id, "%s", v ? v : "");
        v = upay_params_get(p, "out_trade_no");
        snprintf(a->out_trade_no, sizeof a->out_trade_no, "%s", v ? v : "");
    }
    upay_params_free(p);
    mt_http_reply_free(&r);
}

static void *worker(void *arg)
{
    worker_job *j = arg;
    for (int i = 0; i < OPS; i++) {
        answer *a = &j->log[i];
        memset(a, 0, sizeof *a);
        unsigned roll = (unsigned)rand_r(&j->seed) % 100;
        a->order = rand_r(&j->seed) % ORDERS;
        a->number = -1;
        char otn[32], code[32], fee[24];
        order_no(otn, a->order);
        mt_code(code, "WECHAT", persona[a->order], 500 + (unsigned)a->order);
        upay_params *req = upay_params_new();
        if (!req)
            continue;
        upay_params_set(req, "out_trade_no", otn);
        if (roll < 10) {
            a->kind = OP_PAY;
            upay_params_set(req, "method", "pay");
            upay_params_set(req, "body", "load");
            snprintf(fee, sizeof fee, "%d", TOTAL);
            upay_params_set(req, "total_fee", fee);
            upay_params_set(req, "auth_code", code);
        } else if (roll < 80) {
            a->kind = OP_REFUND;
            a->number = rand_r(&j->seed) % NUMBERS;
            char orn[32];
            snprintf(orn, sizeof orn, "LOADRN%02d", a->number);
            upay_params_set(req, "method", "refund");
            upay_params_set(req, "paytype", "WECHAT");
            upay_params_set(req, "out_refund_no", orn);
            snprintf(fee, sizeof fee, "%d", TOTAL);
            upay_params_set(req, "total_fee", fee);
            snprintf(fee, sizeof fee, "%lld", number_fee(a->number));
            upay_params_set(req, "refund_fee", fee);
            upay_params_set(req, "op_user_id", "load");
        } else if (roll < 83) {
            a->kind = OP_CANCEL;
            upay_params_set(req, "method", "cancel");
            upay_params_set(req, "paytype", "WECHAT");
            upay_params_set(req, "op_user_id", "load");
        } else {
            a->kind = OP_QUERY;
            upay_params_set(req, "method", "orderquery");
            upay_params_set(req, "paytype", "WECHAT");
        }
        send_op(j->base, req, a);
        upay_params_free(req);
    }
    return NULL;
}

static cJSON *admin_json(const char *base, const char *path)
{
    long status = 0;
    char *body = mt_admin(base, "GET", path, NULL, &status);
    ck_assert_msg(status == 200, "%s: %ld %s", path, status, body);
    cJSON *j = cJSON_Parse(body);
    free(body);
    ck_assert_ptr_nonnull(j);
    return j;
}

static const cJSON *member(const cJSON *j, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
    ck_assert_msg(m != NULL, "no member %s", name);
    return m;
}

START_TEST(money_invariants_under_load)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mock_server *s = mt_start(NULL);
    const char *base = mock_server_url(s);
    mt_gw gw;
    mt_gw_init(&gw, base);
    /* Pay every order once before the storm (pays in the storm are retries). */
    for (int k = 0; k < ORDERS; k++) {
        char otn[32], code[32];
        order_no(otn, k);
        mt_code(code, "WECHAT", persona[k], 500 + (unsigned)k);
        upay_params *p = mt_pay(&gw, MCH, otn, "100", code);
        upay_params_free(p);
    }

    static worker_job jobs[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        memset(&jobs[t], 0, sizeof jobs[t]);
        jobs[t].seed = 7919u * (unsigned)(t + 1);
        jobs[t].base = base;
        ck_assert_int_eq(pthread_create(&threads[t], NULL, worker, &jobs[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);

    /* What the clients were told. */
    char rid_of[NUMBERS][40];
    int order_of[NUMBERS];
    long long accepted_fee[ORDERS] = {0};
    int cancelled[ORDERS] = {0}, refunded[ORDERS] = {0};
    memset(rid_of, 0, sizeof rid_of);
    for (int n = 0; n < NUMBERS; n++)
        order_of[n] = -1;
    int answered = 0, accepted = 0, refused = 0, cancels = 0, unanswered = 0;
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < OPS; i++) {
            const answer *a = &jobs[t].log[i];
            if (a->code < 0) {
                unanswered++;
                continue;
            }
            answered++;
            if (a->kind == OP_CANCEL && a->code == 10000) {
                cancelled[a->order] = 1;
                cancels++;
            }
            if (a->kind != OP_REFUND)
                continue;
            int ok = a->code == 10000 && (strcmp(a->trade_state, "SUCCESS") == 0
                                          || strcmp(a->trade_state, "PROCESSING") == 0);
            if (a->code == 20008)
                refused++;
            if (!ok)
                continue;
            accepted++;
            refunded[a->order] = 1;
            ck_assert_msg(a->refund_id[0], "accepted refund without refund_id");
            if (order_of[a->number] < 0) {
                order_of[a->number] = a->order;
                snprintf(rid_of[a->number], sizeof rid_of[a->number], "%s", a->refund_id);
                accepted_fee[a->order] += number_fee(a->number);
            } else {
                /* The same number again: the same refund, not a second one. */
                ck_assert_msg(order_of[a->number] == a->order,
                              "number %d accepted for orders %d and %d", a->number,
                              order_of[a->number], a->order);
                ck_assert_str_eq(rid_of[a->number], a->refund_id);
            }
        }
    }
    printf("load: %d threads x %d requests: %d refunds accepted, %d refused, %d cancels done\n",
           THREADS, OPS, accepted, refused, cancels);
    ck_assert_int_eq(unanswered, 0);
    ck_assert_int_eq(answered, THREADS * OPS);
    /* The storm did exercise the rules: some refunds accepted, some refused. */
    ck_assert_int_gt(accepted, 0);
    ck_assert_int_gt(refused, 0);
    for (int k = 0; k < ORDERS; k++) {
        long long coupon = strcmp(persona[k], "9006") == 0 ? 1 : 0;
        ck_assert_msg(accepted_fee[k] <= TOTAL - coupon, "order %d: %lld fen accepted", k,
                      accepted_fee[k]);
        ck_assert_msg(!(cancelled[k] && refunded[k]), "order %d both cancelled and refunded", k);
    }

    /* What the mock keeps. */
    cJSON *ledger = admin_json(base, "/mock/ledger");
    ck_assert_msg(cJSON_IsTrue(member(ledger, "consistent")), "ledger: %s",
                  cJSON_PrintUnformatted(ledger));
    ck_assert_int_eq((int)member(ledger, "orders")->valuedouble, ORDERS);
    ck_assert_double_le(member(ledger, "refunded_fee")->valuedouble,
                        member(ledger, "paid_fee")->valuedouble);
    cJSON_Delete(ledger);

    cJSON *orders = admin_json(base, "/mock/orders?mch_id=" MCH "&limit=100");
    const cJSON *o;
    int found = 0;
    cJSON_ArrayForEach(o, member(orders, "orders"))
    {
        const char *otn = member(o, "out_trade_no")->valuestring;
        int k = atoi(otn + strlen("LOADORD"));
        ck_assert(k >= 0 && k < ORDERS);
        const char *state = member(o, "state")->valuestring;
        if (cancelled[k])
            ck_assert_msg(strcmp(state, "REVOKED") == 0 || strcmp(state, "CLOSED") == 0,
                          "order %d cancelled but %s", k, state);
        const cJSON *r;
        cJSON_ArrayForEach(r, member(o, "refunds"))
        {
            const char *orn = member(r, "out_refund_no")->valuestring;
            int n = atoi(orn + strlen("LOADRN"));
            if (order_of[n] == k) {
                ck_assert_str_eq(member(r, "refund_id")->valuestring, rid_of[n]);
                found++;
            }
        }
    }
    cJSON_Delete(orders);
    /* Every number the clients saw accepted is in the store, on its order. */
    int distinct = 0;
    for (int n = 0; n < NUMBERS; n++)
        distinct += order_of[n] >= 0;
    ck_assert_int_eq(found, distinct);
    mock_server_stop(s);
    curl_global_cleanup();
}
END_TEST

Suite *make_e2e_mock_rel_load_suite(void)
{
    Suite *s = suite_create("e2e_mock_rel_load");
    TCase *tc = tcase_create("invariants");
    tcase_add_test(tc, money_invariants_under_load);
    tcase_set_timeout(tc, 90);
    suite_add_tcase(s, tc);
    return s;
}
