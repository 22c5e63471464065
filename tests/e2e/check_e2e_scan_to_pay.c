/*
 * check_e2e_scan_to_pay.c - scan-to-pay from end to end (docs/scan-to-pay.md):
 * the real upay-mock program (--frozen-clock), libupay's upay_preorder()
 * and upay_notify_parse(), and a merchant: a tiny HTTP server of this test
 * on loopback that records every notification and answers what the test
 * scripted ("fail", "success").
 *
 * No sleeps: retries are driven by moving the merchant's clock
 * (POST /mock/clock) and the test waits, bounded, for the merchant to have
 * received the next notification.
 */
#define _GNU_SOURCE   /* strcasestr, strndup */
#include <arpa/inet.h>
#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <upay/client.h>
#include <upay/notify.h>
#include <upay/preorder.h>

#include "e2e/mock_child.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"
#define WAIT_MS 10000     /* longest wait for a notification that is due */
#define MAX_NOTES 16

/* ---- the merchant: a loopback HTTP server that records notifications ---- */

typedef struct merchant {
    int fd;
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int count;                       /* notifications received */
    char *bodies[MAX_NOTES];
    const char *answers[MAX_NOTES];  /* answer to the i-th; NULL: "success" */
    int stop;
} merchant;

static void *merchant_run(void *arg)
{
    merchant *m = arg;
    for (;;) {
        int c = accept(m->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        pthread_mutex_lock(&m->lock);
        int stop = m->stop;
        pthread_mutex_unlock(&m->lock);
        if (stop) {
            close(c);
            return NULL;
        }
        char buf[8192];
        size_t got = 0;
        long need = -1;
        char *body = NULL;
        while (got < sizeof buf - 1) {
            ssize_t n = recv(c, buf + got, sizeof buf - 1 - got, 0);
            if (n <= 0)
                break;
            got += (size_t)n;
            buf[got] = '\0';
            char *end = strstr(buf, "\r\n\r\n");
            if (end && need < 0) {
                char *cl = strcasestr(buf, "Content-Length:");
                need = cl ? strtol(cl + 15, NULL, 10) : 0;
                body = end + 4;
            }
            if (body && (long)(got - (size_t)(body - buf)) >= need)
                break;
        }
        pthread_mutex_lock(&m->lock);
        int i = m->count;
        const char *answer = i < MAX_NOTES && m->answers[i] ? m->answers[i] : "success";
        if (i < MAX_NOTES && body)
            m->bodies[i] = strndup(body, (size_t)need);
        m->count++;
        pthread_cond_broadcast(&m->cond);
        pthread_mutex_unlock(&m->lock);
        if (strcmp(answer, "hold") == 0) {
            /* a merchant too slow to answer: say nothing until the mock hangs up */
            struct pollfd p = { c, POLLIN, 0 };
            while (poll(&p, 1, WAIT_MS) == 1 && recv(c, buf, sizeof buf, 0) > 0)
                ;
            close(c);
            continue;
        }
        char reply[256];
        int len = snprintf(reply, sizeof reply,
                           "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                           "Connection: close\r\n\r\n%s", strlen(answer), answer);
        ck_assert_int_eq(send(c, reply, (size_t)len, MSG_NOSIGNAL), len);
        close(c);
    }
}

static void merchant_start(merchant *m)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    m->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(m->fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;   /* any free port */
    ck_assert_int_eq(bind(m->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(m->fd, 16), 0);
    socklen_t al = sizeof a;
    ck_assert_int_eq(getsockname(m->fd, (struct sockaddr *)&a, &al), 0);
    m->port = ntohs(a.sin_port);
    ck_assert_int_eq(pthread_create(&m->thread, NULL, merchant_run, m), 0);
}

static void merchant_stop(merchant *m)
{
    pthread_mutex_lock(&m->lock);
    m->stop = 1;
    pthread_mutex_unlock(&m->lock);
    shutdown(m->fd, SHUT_RDWR);
    close(m->fd);
    pthread_join(m->thread, NULL);
    for (int i = 0; i < MAX_NOTES; i++)
        free(m->bodies[i]);
}

/* Wait, at most WAIT_MS, until the merchant has received `n` notifications. */
static int merchant_wait(merchant *m, int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&m->lock);
    while (m->count < n && pthread_cond_timedwait(&m->cond, &m->lock, &until) == 0)
        ;
    int count = m->count;
    pthread_mutex_unlock(&m->lock);
    return count;
}

static const char *merchant_body(merchant *m, int i)
{
    pthread_mutex_lock(&m->lock);
    const char *b = m->bodies[i];
    pthread_mutex_unlock(&m->lock);
    ck_assert_ptr_nonnull(b);
    return b;
}

/* ---- the mock and its admin API ---- */

static mt_child mock;

static void mock_up(void)
{
    const char *args[] = { "--listen", "127.0.0.1:0", "--frozen-clock", "--quiet", "--seed", "17",
                           NULL };
    mt_child_start(&mock, args);
}

static void mock_down(void)
{
    ck_assert_int_eq(mt_child_stop(&mock, SIGTERM), 0);
}

static size_t collect(char *data, size_t size, size_t n, void *user)
{
    char **buf = user;
    size_t old = *buf ? strlen(*buf) : 0, add = size * n;
    char *bigger = realloc(*buf, old + add + 1);
    if (!bigger)
        return 0;
    memcpy(bigger + old, data, add);
    bigger[old + add] = '\0';
    *buf = bigger;
    return add;
}

/* One admin request; returns the parsed JSON answer (caller frees) and its status. */
static cJSON *admin(const char *method, const char *path, const char *json, long *status)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", mock.url, path);
    CURL *curl = curl_easy_init();
    char *body = NULL;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json ? json : "{}");
    ck_assert_int_eq(curl_easy_perform(curl), CURLE_OK);
    long st = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &st);
    curl_easy_cleanup(curl);
    if (status)
        *status = st;
    cJSON *root = cJSON_Parse(body ? body : "");
    ck_assert_msg(root != NULL, "admin %s %s: not JSON: %s", method, path, body ? body : "");
    free(body);
    return root;
}

static void advance(const char *mch, int seconds)
{
    char json[128];
    long st;
    snprintf(json, sizeof json, "{\"advance_seconds\":%d,\"mch_id\":\"%s\"}", seconds, mch);
    cJSON_Delete(admin("POST", "/mock/clock", json, &st));
    ck_assert_int_eq(st, 200);
}

static long long mch_now(const char *mch)
{
    char path[96];
    snprintf(path, sizeof path, "/mock/clock?mch_id=%s", mch);
    cJSON *c = admin("GET", path, NULL, NULL);
    long long now = (long long)cJSON_GetObjectItem(c, "now")->valuedouble;
    cJSON_Delete(c);
    return now;
}

/* The customer pays (or not): POST /mock/preorders/pay. Returns the HTTP status. */
static long customer(const char *mch, const char *otn, const char *extra)
{
    char json[256];
    long st;
    snprintf(json, sizeof json, "{\"mch_id\":\"%s\",\"out_trade_no\":\"%s\"%s%s}", mch, otn,
             extra ? "," : "", extra ? extra : "");
    cJSON_Delete(admin("POST", "/mock/preorders/pay", json, &st));
    return st;
}

/* The merchant clock of every "notify" journal entry of the order, oldest first. */
static int notify_times(const char *mch, const char *otn, long long *times, int cap)
{
    char path[160];
    snprintf(path, sizeof path, "/mock/journal?mch_id=%s&out_trade_no=%s&limit=100", mch, otn);
    cJSON *j = admin("GET", path, NULL, NULL);
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "entries")) {
        const cJSON *call = cJSON_GetObjectItem(e, "call");
        if (cJSON_IsString(call) && strcmp(call->valuestring, "notify") == 0 && n < cap)
            times[n++] = (long long)cJSON_GetObjectItem(e, "mch_time")->valuedouble;
    }
    cJSON_Delete(j);
    return n;
}

/*
 * The status of the order's latest notification ("none" when there is none)
 * once it is no longer being sent; its attempts in `*attempts`. Polls, at
 * most WAIT_MS, while the status is `while_status`.
 */
static const char *notice_status(const char *mch, const char *otn, const char *while_status,
                                 int *attempts)
{
    static char status[32];
    char path[160];
    snprintf(path, sizeof path, "/mock/notifications?mch_id=%s&out_trade_no=%s", mch, otn);
    for (int waited = 0; waited <= WAIT_MS; waited += 10) {
        cJSON *j = admin("GET", path, NULL, NULL);
        const cJSON *list = cJSON_GetObjectItem(j, "notifications");
        const cJSON *last = cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1);
        snprintf(status, sizeof status, "%s",
                 last ? cJSON_GetObjectItem(last, "status")->valuestring : "none");
        *attempts = last ? cJSON_GetObjectItem(last, "attempts")->valueint : 0;
        cJSON_Delete(j);
        if (!while_status || strcmp(status, while_status) != 0)
            break;
        struct timespec nap = { 0, 10 * 1000 * 1000 };
        nanosleep(&nap, NULL);   /* polling a condition, bounded by WAIT_MS */
    }
    return status;
}

/* Wait, polling at most WAIT_MS, until the order's notification has made `n` attempts. */
static int wait_attempts(const char *mch, const char *otn, int n)
{
    int attempts = 0;
    for (int waited = 0; waited <= WAIT_MS && attempts < n; waited += 10) {
        (void)notice_status(mch, otn, NULL, &attempts);
        struct timespec nap = { 0, 10 * 1000 * 1000 };
        if (attempts < n)
            nanosleep(&nap, NULL);   /* polling a condition, bounded by WAIT_MS */
    }
    return attempts;
}

/* ---- the POS: libupay ---- */

static upay_client *pos(void)
{
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, mock.url), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(c, AGENT), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, KEY), UPAY_OK);
    return c;
}

static upay_result *preorder(upay_client *c, const char *mch, const char *otn, const char *type,
                             const char *notify_url, upay_code expect)
{
    upay_preorder_request q = {
        .paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch, .out_trade_no = otn, .trade_type = type,
        .body = "coffee", .total_fee = 1200, .notify_url = notify_url, .product_id = "SKU42",
        .sub_appid = "wx1234567890abcdef", .buyer_id = "oRA5quGvJc1wwvjMW-tnpLLqD-FM",
        .attach = "table 7",
    };
    upay_result *r = NULL;
    upay_error e;
    upay_code rc = upay_preorder(c, &q, &r, &e);
    ck_assert_msg(rc == expect, "pre-order %s: %s (%s)", otn, upay_strerror(rc),
                  rc == UPAY_OK ? "" : e.message);
    return r;
}

/* orderquery's gw_code for the order. */
static int query_code(upay_client *c, const char *mch, const char *otn, upay_result **keep)
{
    upay_orderquery_request q = { UPAY_PAYTYPE_WECHAT, mch, otn, NULL, NULL };
    upay_result *r = NULL;
    upay_code rc = upay_orderquery(c, &q, &r, NULL);
    ck_assert_msg(rc == UPAY_OK || rc == UPAY_E_UNVERIFIED_FAIL, "orderquery: %s",
                  upay_strerror(rc));
    int code = r->gw_code;
    if (keep)
        *keep = r;
    else
        upay_result_free(r);
    return code;
}

static void notify_url(const merchant *m, char out[96])
{
    snprintf(out, 96, "http://127.0.0.1:%d/notify", m->port);
}

/* A merchant listening, a mock running, a POS client; the merchant's notify_url in `url`. */
static upay_client *setup(merchant *m, char url[96])
{
    merchant_start(m);
    mock_up();
    notify_url(m, url);
    return pos();
}

static void teardown(upay_client *c, merchant *m)
{
    upay_client_free(c);
    mock_down();
    merchant_stop(m);
}

/* ---- the tests ---- */

/* A NATIVE pre-order, paid by the customer; the notification verified by libupay. */
START_TEST(test_native_paid_notified)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);

    upay_result *r = preorder(c, "S2P00001", "QR_0000001", "NATIVE", url, UPAY_OK);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    ck_assert_int_eq(r->verified, 1);
    const char *code_url = upay_params_get(r->params, "code_url");
    ck_assert_ptr_nonnull(code_url);
    ck_assert_msg(strncmp(code_url, "weixin://wxpay/bizpayurl?pr=", 28) == 0, "%s", code_url);
    ck_assert_ptr_null(upay_params_get(r->params, "pay_info"));
    upay_result_free(r);

    /* unpaid: paying (10001), and no notification */
    ck_assert_int_eq(query_code(c, "S2P00001", "QR_0000001", NULL), 10001);
    ck_assert_int_eq(m.count, 0);

    ck_assert_int_eq(customer("S2P00001", "QR_0000001", NULL), 200);
    ck_assert_int_eq(merchant_wait(&m, 1), 1);

    upay_notification n;
    upay_params *all = NULL;
    upay_error e;
    const char *body = merchant_body(&m, 0);
    ck_assert_msg(upay_notify_parse(body, strlen(body), KEY, &n, &all, &e) == UPAY_OK, "%s: %s",
                  e.message, body);
    ck_assert_int_eq(n.paid, 1);
    ck_assert_str_eq(n.mch_id, "S2P00001");
    ck_assert_str_eq(n.out_trade_no, "QR_0000001");
    ck_assert_int_eq(n.total_fee, 1200);
    ck_assert_str_eq(n.trade_type, "pay.weixin.native");
    ck_assert_str_eq(n.attach, "table 7");
    ck_assert_ptr_nonnull(upay_params_get(all, "nonce_str"));
    upay_params_free(all);

    /* the order says the same: paid, same transaction and time */
    upay_result *q = NULL;
    ck_assert_int_eq(query_code(c, "S2P00001", "QR_0000001", &q), 10000);
    ck_assert_str_eq(q->transaction_id, n.transaction_id);
    ck_assert_str_eq(q->time_end, n.time_end);
    upay_result_free(q);

    /* answered success: delivered once, nothing more is due */
    int attempts;
    ck_assert_str_eq(notice_status("S2P00001", "QR_0000001", "pending", &attempts), "delivered");
    ck_assert_int_eq(attempts, 1);

    teardown(c, &m);
}
END_TEST

/* A merchant that answers "fail" three times sees the retries at 15, 30 and 45 s. */
START_TEST(test_retries_on_the_clock)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);
    pthread_mutex_lock(&m.lock);
    m.answers[0] = m.answers[1] = m.answers[2] = "fail";
    pthread_mutex_unlock(&m.lock);
    upay_result_free(preorder(c, "S2P00002", "QR_0000002", "NATIVE", url, UPAY_OK));

    long long t0 = mch_now("S2P00002");
    ck_assert_int_eq(customer("S2P00002", "QR_0000002", NULL), 200);
    ck_assert_int_eq(merchant_wait(&m, 1), 1);
    for (int i = 1; i <= 3; i++) {
        advance("S2P00002", 14);   /* not yet due */
        advance("S2P00002", 1);
        ck_assert_int_eq(merchant_wait(&m, i + 1), i + 1);
    }
    /* the fourth was answered success: delivered (and journaled), nothing more is due */
    int attempts;
    ck_assert_str_eq(notice_status("S2P00002", "QR_0000002", "pending", &attempts), "delivered");
    ck_assert_int_eq(attempts, 4);
    long long t[8];
    ck_assert_int_eq(notify_times("S2P00002", "QR_0000002", t, 8), 4);
    ck_assert_int_eq(t[0], t0);
    ck_assert_int_eq(t[1], t0 + 15);
    ck_assert_int_eq(t[2], t0 + 30);
    ck_assert_int_eq(t[3], t0 + 45);
    /* every attempt is the same payment, each signed afresh */
    upay_notification a, b;
    const char *b0 = merchant_body(&m, 0), *b3 = merchant_body(&m, 3);
    ck_assert_int_eq(upay_notify_parse(b0, strlen(b0), KEY, &a, NULL, NULL), UPAY_OK);
    ck_assert_int_eq(upay_notify_parse(b3, strlen(b3), KEY, &b, NULL, NULL), UPAY_OK);
    ck_assert_str_eq(a.transaction_id, b.transaction_id);
    ck_assert_int_eq(a.total_fee, b.total_fee);

    teardown(c, &m);
}
END_TEST

/* A notification with a wrong signature, and hand-made forgeries, are refused by libupay. */
START_TEST(test_forged_refused)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);
    pthread_mutex_lock(&m.lock);
    m.answers[0] = "fail";     /* a careful merchant refuses the forged one */
    pthread_mutex_unlock(&m.lock);
    upay_result_free(preorder(c, "S2P00003", "QR_0000003", "NATIVE", url, UPAY_OK));
    ck_assert_int_eq(customer("S2P00003", "QR_0000003", "\"notify_fault\":\"bad_sign\""), 200);
    ck_assert_int_eq(merchant_wait(&m, 1), 1);

    upay_notification n;
    upay_error e;
    const char *bad = merchant_body(&m, 0);
    ck_assert_int_eq(upay_notify_parse(bad, strlen(bad), KEY, &n, NULL, &e), UPAY_E_SIGN_MISMATCH);
    ck_assert_int_eq(n.paid, 0);
    ck_assert_str_eq(n.out_trade_no, "");

    /* the retry 15 s later is signed right */
    advance("S2P00003", 15);
    ck_assert_int_eq(merchant_wait(&m, 2), 2);
    const char *good = merchant_body(&m, 1);
    ck_assert_int_eq(upay_notify_parse(good, strlen(good), KEY, &n, NULL, &e), UPAY_OK);
    ck_assert_int_eq(n.paid, 1);

    /* the genuine one with the amount raised, or under another key, or unsigned */
    char forged[2048];
    const char *fee = strstr(good, "total_fee=1200");
    ck_assert_ptr_nonnull(fee);
    snprintf(forged, sizeof forged, "%.*stotal_fee=120000%s", (int)(fee - good), good,
             fee + strlen("total_fee=1200"));
    ck_assert_int_eq(upay_notify_parse(forged, strlen(forged), KEY, &n, NULL, NULL),
                     UPAY_E_SIGN_MISMATCH);
    ck_assert_int_eq(upay_notify_parse(good, strlen(good), "UPAYMOCK000000000000000000000002", &n,
                                       NULL, NULL), UPAY_E_SIGN_MISMATCH);
    const char *sign = strstr(good, "&sign=");
    ck_assert_ptr_nonnull(sign);
    snprintf(forged, sizeof forged, "%.*s", (int)(sign - good), good);
    ck_assert_int_eq(upay_notify_parse(forged, strlen(forged), KEY, &n, NULL, NULL),
                     UPAY_E_SIGN_MISSING);
    teardown(c, &m);
}
END_TEST

/* Unpaid, a pre-order closes at its expiry on the merchant's clock; the customer is then refused. */
START_TEST(test_expired_closed)
{
    mock_up();
    upay_client *c = pos();
    upay_result_free(preorder(c, "S2P00004", "QR_0000004", "NATIVE", NULL, UPAY_OK));
    advance("S2P00004", 2 * 3600 - 1);
    ck_assert_int_eq(query_code(c, "S2P00004", "QR_0000004", NULL), 10001);
    advance("S2P00004", 1);
    ck_assert_int_eq(query_code(c, "S2P00004", "QR_0000004", NULL), 10004);   /* closed */
    ck_assert_int_eq(customer("S2P00004", "QR_0000004", NULL), 409);
    ck_assert_int_eq(query_code(c, "S2P00004", "QR_0000004", NULL), 10004);

    /* an explicit time_expire in the past is refused, and nothing is made */
    upay_preorder_request q = {
        .paytype = UPAY_PAYTYPE_ALIPAY, .mch_id = "S2P00004", .out_trade_no = "QR_0000005",
        .trade_type = "NATIVE", .product_id = "P", .body = "tea", .total_fee = 5,
        .time_expire = "20200101000000",
    };
    upay_result *r = NULL;
    ck_assert_int_eq(upay_preorder(c, &q, &r, NULL), UPAY_E_GATEWAY_REFUSED);
    ck_assert_str_eq(r->code, "20004");
    upay_result_free(r);
    upay_orderquery_request oq = { UPAY_PAYTYPE_ALIPAY, "S2P00004", "QR_0000005", NULL, NULL };
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->gw_code, 20007);
    upay_result_free(r);
    upay_client_free(c);
    mock_down();
}
END_TEST

/* Refused before anything is made: a notify_url the mock may not post to, missing fields. */
START_TEST(test_bad_preorders_refused)
{
    mock_up();
    upay_client *c = pos();
    upay_result *r = preorder(c, "S2P00005", "QR_0000006", "NATIVE", "http://10.1.2.3/notify",
                              UPAY_E_GATEWAY_REFUSED);
    ck_assert_str_eq(r->code, "20004");
    upay_result_free(r);
    r = preorder(c, "S2P00005", "QR_0000006", "NATIVE", "http://127.0.0.1:9/notify?x=1",
                 UPAY_E_GATEWAY_REFUSED);
    upay_result_free(r);
    r = preorder(c, "S2P00005", "QR_0000006", "MICROPAY", NULL, UPAY_E_GATEWAY_REFUSED);
    upay_result_free(r);
    ck_assert_int_eq(query_code(c, "S2P00005", "QR_0000006", NULL), 20007);

    /* JSPAY answers pay_info, no code_url; asking again while unpaid answers the same order */
    r = preorder(c, "S2P00005", "QR_0000007", "JSPAY", NULL, UPAY_OK);
    const char *pay_info = upay_params_get(r->params, "pay_info");
    ck_assert_ptr_nonnull(pay_info);
    ck_assert_ptr_nonnull(strstr(pay_info, "prepay_id="));
    ck_assert_ptr_null(upay_params_get(r->params, "code_url"));
    char token[64];
    snprintf(token, sizeof token, "%s", upay_params_get(r->params, "token_id"));
    upay_result_free(r);
    r = preorder(c, "S2P00005", "QR_0000007", "JSPAY", NULL, UPAY_OK);
    ck_assert_str_eq(upay_params_get(r->params, "token_id"), token);
    upay_result_free(r);
    upay_client_free(c);
    mock_down();
}
END_TEST

/*
 * Money is neither created nor lost: a paid pre-order refunds like any
 * order, and a stale "paid" notification held back until after the refund
 * (fault after_refund) arrives while the order is already turned into refund.
 */
START_TEST(test_refund_and_stale_notification)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);
    upay_result_free(preorder(c, "S2P00006", "QR_0000008", "NATIVE", url, UPAY_OK));
    ck_assert_int_eq(customer("S2P00006", "QR_0000008", "\"notify_fault\":\"after_refund\""), 200);
    int attempts;
    ck_assert_str_eq(notice_status("S2P00006", "QR_0000008", NULL, &attempts), "pending");
    ck_assert_int_eq(attempts, 0);   /* held back until a refund */

    upay_refund_request rq = {
        .paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "S2P00006", .out_trade_no = "QR_0000008",
        .out_refund_no = "R_0000008", .total_fee = 1200, .refund_fee = 200,
    };
    upay_result *r = NULL;
    ck_assert_int_eq(upay_refund(c, &rq, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    upay_result_free(r);
    rq.out_refund_no = "R_0000009";
    rq.refund_fee = 1001;   /* more than is left */
    ck_assert_int_eq(upay_refund(c, &rq, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_FAIL);
    upay_result_free(r);

    advance("S2P00006", 1);
    ck_assert_int_eq(merchant_wait(&m, 1), 1);
    upay_notification n;
    const char *body = merchant_body(&m, 0);
    ck_assert_int_eq(upay_notify_parse(body, strlen(body), KEY, &n, NULL, NULL), UPAY_OK);
    ck_assert_int_eq(n.paid, 1);   /* it describes the payment... */
    ck_assert_int_eq(n.total_fee, 1200);
    ck_assert_int_eq(query_code(c, "S2P00006", "QR_0000008", NULL), 10002);   /* ...not now */

    cJSON *ledger = admin("GET", "/mock/ledger?mch_id=S2P00006", NULL, NULL);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ledger, "consistent")));
    ck_assert_int_eq(cJSON_GetObjectItem(ledger, "paid_fee")->valueint, 1200);
    ck_assert_int_eq(cJSON_GetObjectItem(ledger, "refunded_fee")->valueint, 200);
    cJSON_Delete(ledger);
    teardown(c, &m);
}
END_TEST

/* Duplicate delivery (same payment twice), and a notification never sent (the merchant must query). */
START_TEST(test_duplicate_and_never)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);
    upay_result_free(preorder(c, "S2P00007", "QR_0000010", "NATIVE", url, UPAY_OK));
    ck_assert_int_eq(customer("S2P00007", "QR_0000010", "\"notify_fault\":\"duplicate\""), 200);
    ck_assert_int_eq(merchant_wait(&m, 2), 2);
    upay_notification a, b;
    const char *b0 = merchant_body(&m, 0), *b1 = merchant_body(&m, 1);
    ck_assert_int_eq(upay_notify_parse(b0, strlen(b0), KEY, &a, NULL, NULL), UPAY_OK);
    ck_assert_int_eq(upay_notify_parse(b1, strlen(b1), KEY, &b, NULL, NULL), UPAY_OK);
    ck_assert_str_eq(a.transaction_id, b.transaction_id);

    upay_result_free(preorder(c, "S2P00007", "QR_0000011", "NATIVE", url, UPAY_OK));
    ck_assert_int_eq(customer("S2P00007", "QR_0000011", "\"notify_fault\":\"never\""), 200);
    int attempts;
    ck_assert_str_eq(notice_status("S2P00007", "QR_0000011", NULL, &attempts), "none");
    long long t[2];
    ck_assert_int_eq(notify_times("S2P00007", "QR_0000011", t, 2), 1);   /* "withheld" */
    ck_assert_str_eq(notice_status("S2P00007", "QR_0000010", "pending", &attempts), "delivered");
    ck_assert_int_eq(attempts, 2);
    ck_assert_int_eq(m.count, 2);
    ck_assert_int_eq(query_code(c, "S2P00007", "QR_0000011", NULL), 10000);   /* paid all the same */
    teardown(c, &m);
}
END_TEST

/* On /v2/ the merchant's key signs the pre-order and its notification (the agent's does not verify it). */
START_TEST(test_v2_merchant_key)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);
    ck_assert_int_eq(query_code(c, "S2P00008", "QR_0000012", NULL), 20007);   /* opens the merchant */
    cJSON *mj = admin("GET", "/mock/merchants/S2P00008", NULL, NULL);
    char key[129];
    snprintf(key, sizeof key, "%s", cJSON_GetObjectItem(mj, "key")->valuestring);
    cJSON_Delete(mj);
    ck_assert_int_eq(upay_client_set_merchant_key(c, key), UPAY_OK);
    char v2[160];
    snprintf(v2, sizeof v2, "%s/v2/UnifiedPay/Gateway", mock.url);
    ck_assert_int_eq(upay_client_set_url(c, v2), UPAY_OK);
    upay_result_free(preorder(c, "S2P00008", "QR_0000012", "NATIVE", url, UPAY_OK));
    ck_assert_int_eq(customer("S2P00008", "QR_0000012", NULL), 200);
    ck_assert_int_eq(merchant_wait(&m, 1), 1);
    upay_notification n;
    const char *body = merchant_body(&m, 0);
    ck_assert_int_eq(upay_notify_parse(body, strlen(body), key, &n, NULL, NULL), UPAY_OK);
    ck_assert_int_eq(upay_notify_parse(body, strlen(body), KEY, &n, NULL, NULL),
                     UPAY_E_SIGN_MISMATCH);
    teardown(c, &m);
}
END_TEST

/*
 * A merchant that does not answer within 3 s (real time: the vendor's limit)
 * has failed; meanwhile the gateway answers at once (a sender thread waits,
 * not a gateway worker), and the retry 15 s later on the clock succeeds.
 */
START_TEST(test_slow_merchant_fails)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);
    pthread_mutex_lock(&m.lock);
    m.answers[0] = "hold";
    pthread_mutex_unlock(&m.lock);
    upay_result_free(preorder(c, "S2P00009", "QR_0000013", "NATIVE", url, UPAY_OK));
    ck_assert_int_eq(customer("S2P00009", "QR_0000013", NULL), 200);
    ck_assert_int_eq(merchant_wait(&m, 1), 1);
    /* the merchant holds the notification: the gateway still answers */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(query_code(c, "S2P00009", "QR_0000013", NULL), 10000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_lt((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000, 1000);

    ck_assert_int_eq(wait_attempts("S2P00009", "QR_0000013", 1), 1);
    int attempts;
    ck_assert_str_eq(notice_status("S2P00009", "QR_0000013", NULL, &attempts), "pending");
    advance("S2P00009", 15);
    ck_assert_int_eq(merchant_wait(&m, 2), 2);
    ck_assert_str_eq(notice_status("S2P00009", "QR_0000013", "pending", &attempts), "delivered");
    ck_assert_int_eq(attempts, 2);
    teardown(c, &m);
}
END_TEST

/* The digital yuan: PreOrder_ECNY, NATIVE only; its order is queried with paytype ECNY. */
START_TEST(test_ecny)
{
    merchant m;
    char url[96];
    upay_client *c = setup(&m, url);
    upay_preorder_request q = {
        .paytype = UPAY_PAYTYPE_ECNY, .mch_id = "S2P00010", .out_trade_no = "QR_0000014",
        .trade_type = "NATIVE", .product_id = "P1", .body = "rice", .total_fee = 300,
        .notify_url = url,
    };
    upay_result *r = NULL;
    ck_assert_int_eq(upay_preorder(c, &q, &r, NULL), UPAY_OK);
    ck_assert_ptr_nonnull(strstr(upay_params_get(r->params, "code_url"), "https://qr.pbcdci.cn/"));
    upay_result_free(r);
    q.out_trade_no = "QR_0000015";
    q.trade_type = "JSPAY";
    q.buyer_id = "b1";
    ck_assert_int_eq(upay_preorder(c, &q, &r, NULL), UPAY_E_GATEWAY_REFUSED);
    upay_result_free(r);

    ck_assert_int_eq(customer("S2P00010", "QR_0000014", NULL), 200);
    ck_assert_int_eq(merchant_wait(&m, 1), 1);
    upay_notification n;
    const char *body = merchant_body(&m, 0);
    ck_assert_int_eq(upay_notify_parse(body, strlen(body), KEY, &n, NULL, NULL), UPAY_OK);
    ck_assert_str_eq(n.trade_type, "pay.ecny.native");
    ck_assert_int_eq(n.total_fee, 300);
    upay_orderquery_request oq = { UPAY_PAYTYPE_ECNY, "S2P00010", "QR_0000014", NULL, NULL };
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_OK);
    ck_assert_int_eq(r->gw_code, 10000);
    ck_assert_str_eq(r->transaction_id, n.transaction_id);
    upay_result_free(r);
    oq.paytype = UPAY_PAYTYPE_WECHAT;   /* another wallet's paytype: 20004 */
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_E_GATEWAY_REFUSED);
    upay_result_free(r);
    teardown(c, &m);
}
END_TEST

static void add(Suite *s, TCase *tc, const TTest *fn)
{
    tcase_add_test(tc, fn);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}

Suite *make_e2e_scan_to_pay_suite(void)
{
    Suite *s = suite_create("e2e_scan_to_pay");
    add(s, tcase_create("native_paid_notified"), test_native_paid_notified);
    add(s, tcase_create("retries_on_the_clock"), test_retries_on_the_clock);
    add(s, tcase_create("forged_refused"), test_forged_refused);
    add(s, tcase_create("expired_closed"), test_expired_closed);
    add(s, tcase_create("bad_preorders_refused"), test_bad_preorders_refused);
    add(s, tcase_create("refund_and_stale_notification"), test_refund_and_stale_notification);
    add(s, tcase_create("duplicate_and_never"), test_duplicate_and_never);
    add(s, tcase_create("v2_merchant_key"), test_v2_merchant_key);
    add(s, tcase_create("slow_merchant_fails"), test_slow_merchant_fails);
    add(s, tcase_create("ecny"), test_ecny);
    return s;
}
