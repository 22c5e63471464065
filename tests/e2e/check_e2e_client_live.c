/*
 * check_e2e_client_live.c - upay-pay against a scripted gateway that answers
 * the way the live gateway (v3.2.1) does: refusals, VER and business
 * failures without `sign`, Chinese `msg`. The gateway is a raw-socket server
 * in a thread on 127.0.0.1:0 that answers each request with the next line of
 * its script (the last repeats) and records every request.
 *
 * Issue 11's "done when": an unsigned FAIL (any code) or a VER is reported
 * as a refusal within a second, with no query. upay-pay really sleeps, so a
 * flow that polled would take 5 s or more.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "upay.h"
#include "check_e2e_client_raw.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"
#define MAX_REQUESTS 16

typedef struct scripted_gateway {
    int fd;
    int port;
    pthread_t thread;
    const char *const *script;   /* answers, NULL-terminated */
    size_t count;                /* requests answered */
    char methods[256];           /* "pay,orderquery,..." */
    char first[8192];            /* the first request body */
} scripted_gateway;

static void *serve(void *arg)
{
    scripted_gateway *g = arg;
    for (;;) {
        int c = accept(g->fd, NULL, NULL);
        if (c < 0)
            return NULL; /* shut down */
        char body[8192];
        if (read_request(c, body, sizeof body) && g->count < MAX_REQUESTS) {
            size_t n = 0;
            while (g->script[n + 1] && n < g->count)
                n++;
            if (g->count == 0)
                snprintf(g->first, sizeof g->first, "%s", body);
            upay_params *p = NULL;
            const char *method = "?";
            if (upay_form_parse(body, strlen(body), 0, &p, NULL) == UPAY_OK
                && upay_params_get(p, "method"))
                method = upay_params_get(p, "method");
            size_t used = strlen(g->methods);
            snprintf(g->methods + used, sizeof g->methods - used, "%s%s", used ? "," : "",
                     method);
            upay_params_free(p);
            g->count++;
            answer_json(c, 200, g->script[n]);
        }
        close(c);
    }
}

static void gateway_start(scripted_gateway *g, const char *const *script)
{
    memset(g, 0, sizeof *g);
    g->script = script;
    g->fd = listen_on_port0(&g->port, 1);
    ck_assert_int_eq(pthread_create(&g->thread, NULL, serve, g), 0);
}

static void gateway_stop(scripted_gateway *g)
{
    shutdown(g->fd, SHUT_RDWR);
    pthread_join(g->thread, NULL);
    close(g->fd);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run upay-pay against `g`; output into `out`, seconds taken into `*took`; exit status. */
static int run_upay_pay(const scripted_gateway *g, const char *more, char *out, size_t size,
                        double *took)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "'%s/upay-pay' --url http://127.0.0.1:%d --agent-id " AGENT " --key " KEY
             " --mch-id 00000001 --auth-code 134567890123450000 --total-fee 100 --body coffee"
             " --out-trade-no LIVE_ORDER_1 %s",
             UPAY_BIN_DIR, g->port, more);
    double start = now();
    int status = run_program(cmd, out, size);
    *took = now() - start;
    return status;
}

/* Unsigned refusals as the live gateway writes them (msg from its code table). */
static const char *const refusal_20005[] = {
    "{\"state\":\"FAIL\",\"code\":\"20005\",\"msg\":\"商户错误\"}", NULL};
static const char *const refusal_20002[] = {
    "{\"state\":\"FAIL\",\"code\":\"20002\",\"msg\":\"签名错误\"}", NULL};
static const char *const refusal_20012[] = {
    "{\"state\":\"FAIL\",\"code\":\"20012\",\"msg\":\"代理商错误\"}", NULL};
static const char *const refusal_20006[] = {
    "{\"state\":\"FAIL\",\"code\":\"20006\",\"msg\":\"系统错误\"}", NULL};
static const char *const refusal_no_code[] = {"{\"state\":\"FAIL\",\"msg\":\"x\"}", NULL};
static const char *const refusal_extra[] = {
    "{\"state\":\"FAIL\",\"code\":\"20004\",\"msg\":\"参数错误\",\"nonce_str\":\"abc\","
    "\"mch_id\":\"00000001\"}",
    NULL};
static const char *const version_low[] = {
    "{\"state\":\"VER\",\"code\":\"20004\",\"msg\":\"版本过低\"}", NULL};

static const struct {
    const char *name;
    const char *const *script;
    const char *says;   /* in upay-pay's output */
} refusals[] = {
    {"20005", refusal_20005, "gateway refused the request"},
    {"20002", refusal_20002, "gateway refused the request"},
    {"20012", refusal_20012, "gateway refused the request"},
    {"20006", refusal_20006, "gateway refused the request"},
    {"no code", refusal_no_code, "gateway refused the request"},
    {"added fields", refusal_extra, "gateway refused the request"},
    {"VER", version_low, "client version too low"},
};

START_TEST(refusal_reported_at_once)
{
    scripted_gateway g;
    gateway_start(&g, refusals[_i].script);
    char out[8192];
    double took;
    int status = run_upay_pay(&g, "", out, sizeof out, &took);
    gateway_stop(&g);
    ck_assert_msg(status == 1, "%s: exit %d\n%s", refusals[_i].name, status, out);
    ck_assert_msg(strstr(out, "outcome: NOT_PAID") != NULL, "%s", out);
    ck_assert_msg(strstr(out, refusals[_i].says) != NULL, "%s", out);
    ck_assert_msg(strstr(out, "nothing charged") != NULL, "%s", out);
    ck_assert_msg(strcmp(g.methods, "pay") == 0, "%s: requests %s", refusals[_i].name,
                  g.methods);
    ck_assert_msg(took < 1.0, "%s: took %.2f s", refusals[_i].name, took);
    /* The live gateway requires pid and version: always sent. */
    ck_assert_msg(strstr(g.first, "pid=upay-pay") != NULL, "%s", g.first);
    ck_assert_msg(strstr(g.first, "version=" UPAY_DEFAULT_VERSION) != NULL, "%s", g.first);
}
END_TEST

/* An unsigned decline to a pay is confirmed by one orderquery, then the order is closed. */
static const char *const unsigned_decline[] = {
    "{\"state\":\"SUCCESS\",\"code\":\"10006\",\"msg\":\"支付错误\",\"trade_state\":\"FAIL\"}",
    "{\"state\":\"SUCCESS\",\"code\":\"10003\",\"msg\":\"未支付\",\"trade_state\":\"FAIL\"}",
    "{\"state\":\"SUCCESS\",\"code\":\"20007\",\"msg\":\"订单不存在\",\"trade_state\":\"FAIL\"}",
    NULL};

START_TEST(unsigned_decline_confirmed_once)
{
    scripted_gateway g;
    gateway_start(&g, unsigned_decline);
    char out[8192];
    double took;
    int status = run_upay_pay(&g, "--cancel-delay 0", out, sizeof out, &took);
    gateway_stop(&g);
    ck_assert_msg(status == 1, "exit %d\n%s", status, out);
    ck_assert_msg(strstr(out, "outcome: NOT_PAID") != NULL, "%s", out);
    ck_assert_str_eq(g.methods, "pay,orderquery,cancel");
    ck_assert_msg(took < 1.0, "took %.2f s", took);
}
END_TEST

/* --merchant-key: the v2 endpoint, signed with the merchant key, no agent_id needed. */
START_TEST(merchant_key_without_agent)
{
    scripted_gateway g;
    gateway_start(&g, refusal_20005);
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd,
             "'%s/upay-pay' --url http://127.0.0.1:%d --merchant-key " KEY
             " --mch-id 00000001 --auth-code 134567890123450000 --total-fee 100 --body coffee",
             UPAY_BIN_DIR, g.port);
    int status = run_program(cmd, out, sizeof out);
    gateway_stop(&g);
    ck_assert_msg(status == 1, "exit %d\n%s", status, out);
    ck_assert_str_eq(g.methods, "pay");
    ck_assert_msg(strstr(g.first, "agent_id=") == NULL, "%s", g.first);
    upay_params *p = NULL;
    ck_assert_int_eq(upay_form_parse(g.first, strlen(g.first), 0, &p, NULL), UPAY_OK);
    ck_assert_int_eq(upay_sign_verify(p, KEY, UPAY_SIGN_MD5), UPAY_OK);
    upay_params_free(p);
}
END_TEST

Suite *make_e2e_client_live_suite(void)
{
    Suite *s = suite_create("e2e_client_live");
    TCase *tc = tcase_create("live_answers");
    tcase_add_loop_test(tc, refusal_reported_at_once, 0, sizeof refusals / sizeof refusals[0]);
    tcase_add_test(tc, unsigned_decline_confirmed_once);
    tcase_add_test(tc, merchant_key_without_agent);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
