/*
 * check_e2e_mock_rel_hostile.c - upay-mock against hostile input: bodies
 * over the 64 KiB limit (and a Content-Length that lies), clients that
 * send a byte a second, two thousand idle connections and two thousand
 * that send half a request line and stall, invalid UTF-8, NUL bytes,
 * huge, negative and zero amounts, repeated parameter names.
 * Each gets a clear error (20004 naming the problem, or the connection is
 * dropped for the slow ones), and the mock stays up and keeps serving an
 * honest client throughout.
 *
 * Real-time waits exist only where the transport behaviour is the subject
 * (the slow, idle and stalled clients: the mock's request timeout is 5 s),
 * bounded to about 9 s for the slow ones and 15 s for a crowd.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e2e/mock_test_util.h"
#include "gateway/gateway.h"

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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An honest client is served: a pay of a fresh order answers 10000. */
static void assert_serving(unsigned n)
{
    char code[32], otn[32];
    mt_code(code, "WECHAT", NULL, 900 + n);
    snprintf(otn, sizeof otn, "HONEST%04u", n);
    upay_params *p = mt_pay(&gw, "HOST1", otn, "1", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
}

static int connect_mock(int nonblocking)
{
    int fd = socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)mock_server_port(server));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- bodies over the limit ---- */

START_TEST(body_over_limit)
{
    size_t n = MOCK_BODY_MAX + 1;
    char *body = malloc(n + 1);
    ck_assert_ptr_nonnull(body);
    memcpy(body, "method=pay&x=", 13);
    memset(body + 13, 'a', n - 13);
    body[n] = '\0';
    upay_params *p = mt_post_raw(&gw, body, n);
    mt_expect(p, "FAIL", "20004", NULL);
    ck_assert_ptr_nonnull(strstr(mt_detail(), "65536"));
    ck_assert_ptr_null(upay_params_get(p, "sign"));
    upay_params_free(p);
    /* Exactly at the limit: read in full, refused for what it says (no agent). */
    body[n - 1] = '\0';
    p = mt_post_raw(&gw, body, n - 1);
    ck_assert_ptr_null(strstr(mt_detail(), "65536"));
    upay_params_free(p);
    /* Ten times the limit. */
    char *big = realloc(body, 10 * n);
    ck_assert_ptr_nonnull(big);
    memset(big + 13, 'b', 10 * n - 13);
    p = mt_post_raw(&gw, big, 10 * n);
    mt_expect(p, "FAIL", "20004", NULL);
    upay_params_free(p);
    free(big);
    assert_serving(1);
}
END_TEST

START_TEST(content_length_lies)
{
    /* Announces 100 MB, sends 10 bytes, goes away: the worker must not wait forever or crash. */
    int fd = connect_mock(0);
    ck_assert_int_ge(fd, 0);
    const char req[] = "POST /UnifiedPay/Gateway HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\n"
                       "Content-Length: 104857600\r\n\r\nmethod=pay";
    ck_assert_int_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
    /* The answer comes at once: too large, said before reading it. */
    char buf[4096] = "";
    size_t len = 0;
    double start = now_s();
    while (len < sizeof buf - 1 && !strstr(buf, "20004") && now_s() - start < 10) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        if (poll(&pfd, 1, 1000) != 1)
            continue;
        ssize_t got = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
        buf[len] = '\0';
    }
    buf[len] = '\0';
    ck_assert_msg(strstr(buf, "20004") != NULL, "answer: %s", buf);
    close(fd);
    /* A negative and a garbage Content-Length. */
    static const char *const lengths[] = { "-5", "abc", "18446744073709551617" };
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        fd = connect_mock(0);
        ck_assert_int_ge(fd, 0);
        char r[256];
        int n = snprintf(r, sizeof r,
                         "POST /UnifiedPay/Gateway HTTP/1.1\r\nHost: x\r\nContent-Length: %s\r\n\r\n",
                         lengths[i]);
        ck_assert_int_eq(send(fd, r, (size_t)n, MSG_NOSIGNAL), n);
        struct pollfd q = { fd, POLLIN, 0 };
        ck_assert_msg(poll(&q, 1, 10000) == 1, "no answer to Content-Length %s", lengths[i]);
        close(fd);
    }
    assert_serving(2);
}
END_TEST

/* ---- slow clients ---- */

enum { SLOW = 4, SLOW_LIMIT_S = 9 };

typedef struct slow_job {
    int fd;
    double closed_after;  /* seconds until the mock dropped us; < 0: never */
    int answered;         /* the mock sent something (e.g. 408) before closing */
} slow_job;

/* Send a request one byte a second until the mock hangs up (or SLOW_LIMIT_S passes). */
static void *drip(void *arg)
{
    slow_job *j = arg;
    static const char req[] = "POST /UnifiedPay/Gateway HTTP/1.1\r\nHost: slow\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: 20\r\n\r\nmethod=orderquery&x=";
    double start = now_s();
    j->closed_after = -1;
    for (size_t i = 0; i < sizeof req - 1 && now_s() - start < SLOW_LIMIT_S; i++) {
        if (send(j->fd, req + i, 1, MSG_NOSIGNAL) != 1) {
            j->closed_after = now_s() - start;
            return NULL;
        }
        /* Wait a second, or less if the mock says something or hangs up. */
        struct pollfd pfd = { j->fd, POLLIN, 0 };
        if (poll(&pfd, 1, 1000) == 1) {
            char buf[512];
            ssize_t got = recv(j->fd, buf, sizeof buf, 0);
            if (got > 0)
                j->answered = 1;
            j->closed_after = now_s() - start;
            return NULL;
        }
    }
    return NULL;
}

START_TEST(slow_clients)
{
    slow_job jobs[SLOW];
    pthread_t threads[SLOW];
    for (int i = 0; i < SLOW; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].fd = connect_mock(0);
        ck_assert_int_ge(jobs[i].fd, 0);
        ck_assert_int_eq(pthread_create(&threads[i], NULL, drip, &jobs[i]), 0);
    }
    /* Meanwhile an honest client is served, again and again. */
    for (unsigned n = 0; n < 5; n++)
        assert_serving(10 + n);
    for (int i = 0; i < SLOW; i++) {
        pthread_join(threads[i], NULL);
        close(jobs[i].fd);
    }
    /* The request timeout (5 s for the whole request) cut every slow client off. */
    for (int i = 0; i < SLOW; i++)
        ck_assert_msg(jobs[i].closed_after >= 0,
                      "a client sending a byte a second was still connected after %d s "
                      "(the 5 s request timeout does not bound a whole request)",
                      SLOW_LIMIT_S);
    assert_serving(20);
}
END_TEST

/* ---- thousands of idle connections ---- */

enum { IDLE_WAIT_MAX_S = 15 };

/* Seconds an honest pay took to be answered 10000, or -1 when not within `limit_s`. */
static double honest_wait(unsigned n, int limit_s)
{
    char code[32], otn[32];
    mt_code(code, "WECHAT", NULL, 900 + n);
    snprintf(otn, sizeof otn, "HONEST%04u", n);
    upay_params *req = upay_params_new();
    upay_params_set(req, "method", "pay");
    upay_params_set(req, "agent_id", MT_AGENT1);
    upay_params_set(req, "mch_id", "HOST1");
    upay_params_set(req, "out_trade_no", otn);
    upay_params_set(req, "body", "b");
    upay_params_set(req, "total_fee", "1");
    upay_params_set(req, "auth_code", code);
    ck_assert_int_eq(upay_sign_params(req, MT_KEY1, UPAY_SIGN_MD5), UPAY_OK);
    char *body = NULL;
    ck_assert_int_eq(upay_form_encode(req, &body), UPAY_OK);
    upay_params_free(req);
    char url[192];
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", gw.base);
    mt_http_reply r;
    memset(&r, 0, sizeof r);
    CURL *curl = curl_easy_init();
    ck_assert_ptr_nonnull(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, mt_write_cb);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)limit_s);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    double start = now_s();
    CURLcode rc = curl_easy_perform(curl);
    double took = now_s() - start;
    curl_easy_cleanup(curl);
    upay_free(body);
    int ok = rc == CURLE_OK && r.body && strstr(r.body, "\"code\":\"10000\"") != NULL;
    mt_http_reply_free(&r);
    return ok ? took : -1;
}

/*
 * Open about 2000 connections (fewer under a low open-file limit) that each
 * send `first` (may be "") and then nothing; an honest pay must be answered
 * within IDLE_WAIT_MAX_S meanwhile, and after they close.
 */
static void crowd_then_honest(const char *first, const char *what, unsigned n)
{
    int want = 2000;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want + 200) {
        /* The test's own and the mock's sockets share this process's limit. */
        want = rl.rlim_cur > 400 ? (int)(rl.rlim_cur - 200) / 2 : 100;
        fprintf(stderr, "%s: open-file limit %llu, using %d connections\n", what,
                (unsigned long long)rl.rlim_cur, want);
    }
    int *fds = calloc((size_t)want, sizeof *fds);
    ck_assert_ptr_nonnull(fds);
    int opened = 0;
    for (int i = 0; i < want; i++) {
        fds[i] = connect_mock(1);
        if (fds[i] >= 0)
            opened++;
    }
    ck_assert_int_ge(opened, want * 9 / 10);
    if (*first) {
        /* Once each connection is up, its first bytes go out. */
        for (int i = 0; i < want; i++) {
            if (fds[i] < 0)
                continue;
            struct pollfd pfd = { fds[i], POLLOUT, 0 };
            if (poll(&pfd, 1, 5000) == 1)
                (void)send(fds[i], first, strlen(first), MSG_NOSIGNAL);
        }
    }
    /* UPAY_IDLE_WAIT_S=N waits longer, to measure how long the honest client waits. */
    const char *env = getenv("UPAY_IDLE_WAIT_S");
    int limit = env && atoi(env) > 0 ? atoi(env) : IDLE_WAIT_MAX_S;
    double took = honest_wait(n, limit);
    fprintf(stderr, "%s: honest client answered after %.1f s (-1: not within %d s)\n", what, took,
            limit);
    for (int i = 0; i < want; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    ck_assert_msg(took >= 0 && took <= IDLE_WAIT_MAX_S,
                  "an honest client got no answer within %d s (took %.1f) behind %d %s "
                  "connections: see the worker pool, request timeout and TCP_DEFER_ACCEPT in "
                  "server/http/server.c and docs/mock.md",
                  IDLE_WAIT_MAX_S, took, opened, what);
    assert_serving(n + 1);
    long status = 0;
    char *body = mt_admin(gw.base, "GET", "/mock/health", NULL, &status);
    ck_assert_int_eq(status, 200);
    free(body);
}

START_TEST(idle_thousands)
{
    /* Connect and send nothing. */
    crowd_then_honest("", "idle", 30);
}
END_TEST

START_TEST(stalled_thousands)
{
    /* Connect, send half a request line, stall: past any accept filter. */
    crowd_then_honest("POST /Uni", "stalled", 32);
}
END_TEST

/* ---- bad values: a clear 20004 each ---- */

typedef struct bad_case {
    const char *what;
    const char *raw;          /* a raw body (unsigned refusal expected), or NULL */
    const char *name;         /* else: pay with this parameter set to `value`, signed */
    const char *value;
    const char *msg_has;      /* the answer's msg names this */
} bad_case;

static const bad_case bad[] = {
    {"invalid UTF-8", "method=pay&agent_id=13000000000000001&body=%C3%28", NULL, NULL, "UTF-8"},
    {"overlong UTF-8", "method=pay&agent_id=13000000000000001&body=%C0%AF", NULL, NULL, "UTF-8"},
    {"surrogate UTF-8", "method=pay&agent_id=13000000000000001&body=%ED%A0%80", NULL, NULL, "UTF-8"},
    {"NUL byte", "method=pay&agent_id=13000000000000001&body=a%00b", NULL, NULL, "body"},
    {"bad escape", "method=pay&agent_id=13000000000000001&body=%G1", NULL, NULL, "body"},
    {"repeated name", "method=pay&total_fee=1&total_fee=2", NULL, NULL, "total_fee"},
    {"repeated method", "method=pay&method=refund", NULL, NULL, "method"},
    {"empty name", "method=pay&=1", NULL, NULL, ""},
    {"huge amount", NULL, "total_fee", "99999999999999999999999", "total_fee"},
    {"int64 max + 1", NULL, "total_fee", "9223372036854775808", "total_fee"},
    {"negative amount", NULL, "total_fee", "-1", "total_fee"},
    {"zero amount", NULL, "total_fee", "0", "total_fee"},
    {"minus zero", NULL, "total_fee", "-0", "total_fee"},
    {"fraction", NULL, "total_fee", "1.5", "total_fee"},
    {"exponent", NULL, "total_fee", "1e3", "total_fee"},
    {"hex", NULL, "total_fee", "0x10", "total_fee"},
    {"plus sign", NULL, "total_fee", "+1", "total_fee"},
    {"space", NULL, "total_fee", " 1", "total_fee"},
    {"empty amount", NULL, "total_fee", "", "total_fee"},
    {"long out_trade_no", NULL, "out_trade_no", "A234567890123456789012345678901234", "out_trade_no"},
    {"long body", NULL, "body",
     "0123456789012345678901234567890123456789012345678901234567890123456789"
     "0123456789012345678901234567890123456789012345678901234567890123456789", "body"},
};

START_TEST(bad_values)
{
    const bad_case *c = &bad[_i];
    upay_params *p;
    if (c->raw) {
        p = mt_post_raw(&gw, c->raw, strlen(c->raw));
    } else {
        upay_params *req = upay_params_new();
        upay_params_set(req, "method", "pay");
        upay_params_set(req, "mch_id", "HOST1");
        upay_params_set(req, "out_trade_no", "BADVAL0001");
        upay_params_set(req, "body", "b");
        upay_params_set(req, "total_fee", "1");
        upay_params_set(req, "auth_code", "134567890123450000");
        upay_params_set(req, c->name, c->value);
        p = mt_send(&gw, req);
        upay_params_free(req);
    }
    const char *code = mt_field(p, "code"), *msg = mt_field(p, "msg");
    ck_assert_msg(strcmp(code, "20004") == 0, "%s: code %s (%s)", c->what, code, msg);
    ck_assert_msg(strcmp(mt_field(p, "state"), "SUCCESS") != 0, "%s: state SUCCESS", c->what);
    /* msg is the code's text; what was wrong is in X-Upay-Detail */
    ck_assert_str_eq(msg, upay_gw_code_text(20004));
    ck_assert_msg(strstr(mt_detail(), c->msg_has) != NULL && strlen(mt_detail()) > 10,
                  "%s: unclear X-Upay-Detail \"%s\"", c->what, mt_detail());
    upay_params_free(p);
    /* Nothing was stored, and the mock still serves. */
    p = mt_call(&gw, "orderquery", "mch_id", "HOST1", "paytype", "WECHAT", "out_trade_no",
                "BADVAL0001", NULL);
    ck_assert_str_ne(mt_field(p, "code"), "10000");
    upay_params_free(p);
    assert_serving(40 + (unsigned)_i);
}
END_TEST

START_TEST(refund_amounts)
{
    /* Refund amounts: zero, negative, huge and over the order are each refused. */
    char code[32];
    mt_code(code, "WECHAT", NULL, 60);
    upay_params *p = mt_pay(&gw, "HOST1", "HOSTILE01", "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    static const char *const fees[] = { "0", "-100", "99999999999999999999", "9223372036854775807",
                                        "101" };
    for (size_t i = 0; i < sizeof fees / sizeof fees[0]; i++) {
        char orn[16];
        snprintf(orn, sizeof orn, "HR%zu", i);
        p = mt_call(&gw, "refund", "mch_id", "HOST1", "paytype", "WECHAT", "out_trade_no",
                    "HOSTILE01", "out_refund_no", orn, "total_fee", "100", "refund_fee", fees[i],
                    "op_user_id", "o", NULL);
        const char *c = mt_field(p, "code");
        ck_assert_msg(strcmp(c, "20004") == 0 || strcmp(c, "20008") == 0, "refund_fee %s: code %s",
                      fees[i], c);
        upay_params_free(p);
    }
    long status = 0;
    char *body = mt_admin(gw.base, "GET", "/mock/ledger", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, "\"consistent\":true"));
    ck_assert_ptr_nonnull(strstr(body, "\"refunds\":0"));
    free(body);
}
END_TEST

static void add(Suite *s, TCase *tc)
{
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}

Suite *make_e2e_mock_rel_hostile_suite(void)
{
    Suite *s = suite_create("e2e_mock_rel_hostile");
    TCase *tc = tcase_create("body_limit");
    tcase_add_test(tc, body_over_limit);
    tcase_add_test(tc, content_length_lies);
    add(s, tc);
    tc = tcase_create("slow_clients");
    tcase_add_test(tc, slow_clients);
    add(s, tc);
    tc = tcase_create("idle_thousands");
    tcase_add_test(tc, idle_thousands);
    add(s, tc);
    tc = tcase_create("stalled_thousands");
    tcase_add_test(tc, stalled_thousands);
    add(s, tc);
    tc = tcase_create("bad_values");
    tcase_add_loop_test(tc, bad_values, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, refund_amounts);
    add(s, tc);
    return s;
}
