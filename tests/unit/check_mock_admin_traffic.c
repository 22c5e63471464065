/*
 * check_mock_admin_traffic.c - admin calls while payments flow, through the
 * pure gateway and admin handlers on one in-process context.
 *
 * Reset: one step for every request: none may meet the fresh store with the
 * rules of before, and the journal after a reset holds no call of before it.
 *
 * Paying threads send pays of fresh orders for merchant RACE1, which has an
 * "always pay_paying_forever" rule; the main thread resets RACE1 (rules go
 * with it) or everything, then stops the traffic. Every order of RACE1 left
 * in the store was made after the reset, so none may be PAYING; and after
 * a full reset every journal entry must name an order the store holds.
 *
 * Ledger: GET /mock/ledger over a large store must not hold the gateway up
 * for its whole walk: payments are answered while it reads.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <upay/form.h>
#include <upay/sign.h>

#include "admin/admin.h"
#include "core/ctx.h"
#include "gateway/gateway.h"

#define PAYERS 3
#define ROUNDS 60

static mock_ctx *ctx;
static atomic_int running;
static atomic_uint paid;
static atomic_uint next_order;
static atomic_llong last_done_ns;   /* when the latest pay was answered */
static atomic_llong max_gap_ns;     /* the longest time without an answer, while measured */
static atomic_int measuring;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A pay was answered: note the gap since the previous answer of any payer. */
static void answered(void)
{
    long long now = now_ns();
    long long prev = atomic_exchange(&last_done_ns, now);
    long long gap = now - prev, max = atomic_load(&max_gap_ns);
    while (atomic_load(&measuring) && gap > max
           && !atomic_compare_exchange_weak(&max_gap_ns, &max, gap))
        ;
}

static void setup(void)
{
    char err[256];
    mock_options o;
    memset(&o, 0, sizeof o);
    o.has_seed = 1;
    o.seed = 11;
    o.quiet = 1;
    ctx = mock_ctx_new(&o, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    mock_clock_freeze(ctx->clock, 1700000000);
}

static void teardown(void)
{
    mock_ctx_free(ctx);
}

static void *payer(void *unused)
{
    (void)unused;
    while (atomic_load(&running)) {
        char otn[33];
        snprintf(otn, sizeof otn, "RACE%08u", atomic_fetch_add(&next_order, 1));
        upay_params *req = upay_params_new();
        upay_params_set(req, "method", "pay");
        upay_params_set(req, "agent_id", "13000000000000001");
        upay_params_set(req, "mch_id", "RACE1");
        upay_params_set(req, "out_trade_no", otn);
        upay_params_set(req, "total_fee", "100");
        upay_params_set(req, "auth_code", "134567890123450000");
        upay_params_set(req, "body", "x");
        upay_sign_params(req, "UPAYMOCK000000000000000000000001", UPAY_SIGN_MD5);
        char *body = NULL;
        if (upay_form_encode(req, &body) == UPAY_OK) {
            mock_reply r;
            mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", body,
                                strlen(body), &r);
            mock_reply_free(&r);
        }
        upay_free(body);
        upay_params_free(req);
        atomic_fetch_add(&paid, 1);
        answered();
    }
    return NULL;
}

static cJSON *admin_json(const char *method, const char *path, const char *query, const char *body)
{
    mock_reply r;
    mock_admin_handle(ctx, method, path, query, body, body ? strlen(body) : 0, &r);
    ck_assert_msg(r.status == 200, "%s %s: %d %s", method, path, r.status, r.body);
    cJSON *doc = cJSON_Parse(r.body);
    mock_reply_free(&r);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

/* Let the payers run until `n` more pays were answered (no sleeping: yield). */
static void let_pay(unsigned n)
{
    unsigned until = atomic_load(&paid) + n;
    while (atomic_load(&paid) < until)
        sched_yield();
}

/* One round: rule, traffic, reset (RACE1 or all) mid-traffic, stop, check. */
static void round_of(int all)
{
    cJSON_Delete(admin_json("POST", "/mock/rules", NULL,
                            "{\"fault\":\"pay_paying_forever\",\"mch_id\":\"RACE1\",\"times\":\"always\"}"));
    atomic_store(&running, 1);
    pthread_t t[PAYERS];
    for (int i = 0; i < PAYERS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, payer, NULL), 0);
    let_pay(20);
    cJSON_Delete(admin_json("POST", "/mock/reset", NULL, all ? "{}" : "{\"mch_id\":\"RACE1\"}"));
    atomic_store(&running, 0);
    for (int i = 0; i < PAYERS; i++)
        pthread_join(t[i], NULL);

    /* every order left was paid after the reset removed the rule */
    cJSON *orders = admin_json("GET", "/mock/orders", "mch_id=RACE1&limit=1000", NULL);
    cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(orders, "orders")) {
        const char *state = cJSON_GetObjectItem(o, "state")->valuestring;
        ck_assert_msg(strcmp(state, "PAID") == 0,
                      "order %s is %s: a pay after the reset met the rule of before",
                      cJSON_GetObjectItem(o, "out_trade_no")->valuestring, state);
    }
    if (all) {
        /* the journal holds only calls after the reset: their orders exist */
        cJSON *journal = admin_json("GET", "/mock/journal", "limit=1000", NULL);
        cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(journal, "entries")) {
            const char *otn = cJSON_GetObjectItem(e, "out_trade_no")->valuestring;
            int found = 0;
            cJSON_ArrayForEach(o, cJSON_GetObjectItem(orders, "orders"))
                found |= strcmp(cJSON_GetObjectItem(o, "out_trade_no")->valuestring, otn) == 0;
            ck_assert_msg(found, "journal entry for %s, an order the reset forgot", otn);
        }
        cJSON_Delete(journal);
    }
    cJSON_Delete(orders);
    cJSON_Delete(admin_json("DELETE", "/mock/rules", NULL, NULL));
}

START_TEST(reset_merchant_mid_traffic)
{
    for (int i = 0; i < ROUNDS; i++)
        round_of(0);
}
END_TEST

START_TEST(reset_all_mid_traffic)
{
    for (int i = 0; i < ROUNDS; i++)
        round_of(1);
}
END_TEST

#define LEDGER_ORDERS 40000

/* Fill the store with paid orders of merchant BULK1, straight through the store. */
static void fill(void)
{
    pthread_mutex_lock(&ctx->lock);
    ck_assert_int_eq(mock_store_begin(ctx->store), MOCK_STORE_OK);
    for (int i = 0; i < LEDGER_ORDERS; i++) {
        mock_order o;
        memset(&o, 0, sizeof o);
        snprintf(o.mch_id, sizeof o.mch_id, "BULK1");
        snprintf(o.out_trade_no, sizeof o.out_trade_no, "BULK%08d", i);
        snprintf(o.transaction_id, sizeof o.transaction_id, "7551000001202311150%09d", i + 1);
        o.total_fee = 100;
        o.state = MOCK_TRADE_PAID;
        ck_assert_int_eq(mock_store_order_insert(ctx->store, &o), MOCK_STORE_OK);
    }
    ck_assert_int_eq(mock_store_commit(ctx->store), MOCK_STORE_OK);
    pthread_mutex_unlock(&ctx->lock);
}

/*
 * The ledger walks 40000 orders while 3 threads pay. The gateway may wait
 * for one page, not for the walk: the longest time without a pay answered
 * must be a small part of the ledger call (the whole walk under the lock
 * made it 77-100% of it; paged, 4-10%, so half leaves room for a loaded
 * machine), and the walk still counts every order.
 */
START_TEST(ledger_lets_payments_through)
{
    fill();
    atomic_store(&running, 1);
    pthread_t t[PAYERS];
    for (int i = 0; i < PAYERS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, payer, NULL), 0);
    let_pay(PAYERS);
    atomic_store(&max_gap_ns, 0);
    atomic_store(&last_done_ns, now_ns());
    atomic_store(&measuring, 1);
    long long start = now_ns();
    cJSON *l = admin_json("GET", "/mock/ledger", NULL, NULL);
    long long took = now_ns() - start;
    answered();   /* the gap up to the ledger's end counts too */
    atomic_store(&measuring, 0);
    atomic_store(&running, 0);
    for (int i = 0; i < PAYERS; i++)
        pthread_join(t[i], NULL);
    ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(l, "consistent")), "ledger inconsistent");
    ck_assert_int_ge((long long)cJSON_GetObjectItem(l, "orders")->valuedouble, LEDGER_ORDERS);
    cJSON_Delete(l);
    long long gap = atomic_load(&max_gap_ns);
    ck_assert_msg(gap * 2 < took, "the gateway waited %.1f ms of the ledger's %.1f ms",
                  (double)gap / 1e6, (double)took / 1e6);
}
END_TEST

Suite *make_mock_admin_traffic_suite(void)
{
    Suite *s = suite_create("mock_admin_traffic");
    TCase *tc = tcase_create("merchant");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_merchant_mid_traffic);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("all");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_all_mid_traffic);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("ledger");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ledger_lets_payments_through);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
