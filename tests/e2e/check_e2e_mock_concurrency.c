/*
 * check_e2e_mock_concurrency.c - many clients at once against one mock:
 * parallel refunds of one order never refund more than was paid, one
 * out_refund_no sent in parallel refunds once, and idle connections do
 * not lock honest clients out of the worker pool.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "e2e/mock_test_util.h"
#include "http/listen_tune.h"

#define THREADS 16
#define PER_THREAD 8

static mock_server *server;
static mt_gw gw;

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server = mt_start(NULL);
    mt_gw_init(&gw, mock_server_url(server));
}

static void teardown(void)
{
    mock_server_stop(server);
    curl_global_cleanup();
}

typedef struct job {
    int index;
    const char *otn;
    const char *fixed_orn;   /* every request uses this number, or NULL for distinct ones */
    int accepted;            /* answers 10000 */
    int refused;             /* answers 20008 */
    int other;
    char refund_ids[PER_THREAD][40];
} job;

/* Check's assertions are not thread-safe: workers only count; main asserts. */
static int send_refund(const char *otn, const char *orn, char rid[40])
{
    upay_params *req = upay_params_new();
    upay_params_set(req, "method", "refund");
    upay_params_set(req, "agent_id", MT_AGENT1);
    upay_params_set(req, "mch_id", "CON1");
    upay_params_set(req, "paytype", "WECHAT");
    upay_params_set(req, "out_trade_no", otn);
    upay_params_set(req, "out_refund_no", orn);
    upay_params_set(req, "total_fee", "100");
    upay_params_set(req, "refund_fee", "7");
    upay_params_set(req, "op_user_id", "op");
    upay_sign_params(req, MT_KEY1, UPAY_SIGN_MD5);
    char *body = NULL;
    upay_form_encode(req, &body);
    upay_params_free(req);
    char url[192];
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", gw.base);
    mt_http_reply r;
    int rc = mt_http("POST", url, "application/x-www-form-urlencoded", body, strlen(body), NULL, &r);
    upay_free(body);
    int result = -1;
    upay_params *p = NULL;
    if (rc == 0 && r.status == 200 && upay_response_parse(r.body, r.len, 0, &p, NULL) == UPAY_OK
        && upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5) == UPAY_OK) {
        const char *code = upay_params_get(p, "code");
        result = code ? atoi(code) : -1;
        const char *id = upay_params_get(p, "refund_id");
        snprintf(rid, 40, "%s", id ? id : "");
    }
    upay_params_free(p);
    mt_http_reply_free(&r);
    return result;
}

static void *worker(void *arg)
{
    job *j = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char orn[40];
        if (j->fixed_orn)
            snprintf(orn, sizeof orn, "%s", j->fixed_orn);
        else
            snprintf(orn, sizeof orn, "C-%02d-%02d", j->index, i);
        int code = send_refund(j->otn, orn, j->refund_ids[i]);
        if (code == 10000)
            j->accepted++;
        else if (code == 20008)
            j->refused++;
        else
            j->other++;
    }
    return NULL;
}

static void run(job *jobs, const char *otn, const char *fixed)
{
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].index = i;
        jobs[i].otn = otn;
        jobs[i].fixed_orn = fixed;
        ck_assert_int_eq(pthread_create(&threads[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
}

START_TEST(parallel_refunds_never_overdraw)
{
    char code[32];
    mt_code(code, "WECHAT", NULL, 77);
    upay_params *p = mt_pay(&gw, "CON1", "CONC00001", "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);

    static job jobs[THREADS];
    run(jobs, "CONC00001", NULL);
    int accepted = 0, refused = 0, other = 0;
    for (int i = 0; i < THREADS; i++) {
        accepted += jobs[i].accepted;
        refused += jobs[i].refused;
        other += jobs[i].other;
    }
    /* 100 fen in refunds of 7: exactly 14 fit. */
    ck_assert_int_eq(other, 0);
    ck_assert_int_eq(accepted, 14);
    ck_assert_int_eq(refused, THREADS * PER_THREAD - 14);
    p = mt_call(&gw, "orderquery", "mch_id", "CON1", "paytype", "WECHAT", "out_trade_no",
                "CONC00001", NULL);
    mt_expect(p, "SUCCESS", "10002", "REFUND");
    upay_params_free(p);
    long status = 0;
    char *body = mt_admin(gw.base, "GET", "/mock/orders?mch_id=CON1", NULL, &status);
    ck_assert_ptr_nonnull(strstr(body, "\"refunded_fee\":98"));
    ck_assert_ptr_nonnull(strstr(body, "\"refundable_fee\":2"));
    free(body);
}
END_TEST

START_TEST(parallel_same_number_refunds_once)
{
    char code[32];
    mt_code(code, "WECHAT", NULL, 78);
    upay_params *p = mt_pay(&gw, "CON1", "CONC00002", "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);

    static job jobs[THREADS];
    run(jobs, "CONC00002", "SAME-NUMBER");
    const char *rid = NULL;
    for (int i = 0; i < THREADS; i++) {
        ck_assert_int_eq(jobs[i].other, 0);
        ck_assert_int_eq(jobs[i].refused, 0);
        ck_assert_int_eq(jobs[i].accepted, PER_THREAD);
        for (int k = 0; k < PER_THREAD; k++) {
            if (!rid)
                rid = jobs[i].refund_ids[k];
            ck_assert_str_eq(jobs[i].refund_ids[k], rid);
        }
    }
    p = mt_call(&gw, "refundquery", "mch_id", "CON1", "paytype", "WECHAT", "out_trade_no",
                "CONC00002", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "1");
    ck_assert_str_eq(mt_field(p, "refund_fee_summary"), "7");
    upay_params_free(p);
}
END_TEST

START_TEST(idle_connections_do_not_lock_out)
{
    /*
     * More connections than workers, each holding half a request line (so
     * TCP_DEFER_ACCEPT hands it to a worker, which waits for the rest): the
     * pool is full and the rest queue. An honest client is still served,
     * because the request timeout frees the workers: within a few timeouts
     * (the queue is freed in batches), far below curl's 30 s.
     */
    enum { IDLE = MOCK_WORKERS + 64 };
    static int fds[IDLE];
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)mock_server_port(server));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < IDLE; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        ck_assert_int_ge(fds[i], 0);
        ck_assert_int_eq(connect(fds[i], (struct sockaddr *)&addr, sizeof addr), 0);
        /* half a request line, then silence */
        ck_assert_int_eq(write(fds[i], "POST /Uni", 9), 9);
    }
    /* the pool is taken: every worker holds a silent connection */
    long status = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *body = mt_admin(gw.base, "GET", "/mock/health", NULL, &status);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_msg(status == 200, "no answer behind %d stalled connections (%.1f s)", IDLE, waited);
    /* it did wait: the stalled connections held every worker (70 of 384 never did) */
    ck_assert_msg(waited > 0.5 * MOCK_REQUEST_TIMEOUT_MS / 1000.0,
                  "served after %.2f s: %d stalled connections did not fill the pool", waited, IDLE);
    ck_assert_msg(waited < 4.0 * MOCK_REQUEST_TIMEOUT_MS / 1000.0,
                  "served after %.1f s behind %d stalled connections", waited, IDLE);
    free(body);
    for (int i = 0; i < IDLE; i++)
        close(fds[i]);
}
END_TEST

static void add(Suite *s, TCase *tc, const TTest *test)
{
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

Suite *make_e2e_mock_concurrency_suite(void)
{
    Suite *s = suite_create("e2e_mock_concurrency");
    add(s, tcase_create("overdraw"), parallel_refunds_never_overdraw);
    add(s, tcase_create("same_number"), parallel_same_number_refunds_once);
    add(s, tcase_create("idle_clients"), idle_connections_do_not_lock_out);
    return s;
}
