/*
 * check_e2e_mock_faults_proxy.c - the recording proxy: upay-mock --proxy
 * forwards every gateway request unchanged to another gateway (here a
 * second mock standing in for the live one), answers what it answered,
 * journals both sides, and `upay-suite record` turns that journal into a
 * scenario that replays green against a fresh mock.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <upay.h>

#include "e2e/mock_test_util.h"

static int run(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(forwards_journals_and_records)
{
    mock_server *upstream = mt_start(NULL);
    mock_options o = {.proxy_url = mock_server_url(upstream)};
    mock_server *proxy = mt_start(&o);

    mt_gw gw;
    mt_gw_init(&gw, mock_server_url(proxy));
    upay_params *p = mt_pay(&gw, "PROXY001", "PRX000001", "500", "134567890123450000");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");   /* verified with the agent key: unchanged */
    char tid[64];
    snprintf(tid, sizeof tid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);
    p = mt_call(&gw, "refund", "mch_id", "PROXY001", "paytype", "WECHAT", "transaction_id", tid,
                "out_refund_no", "PR1", "total_fee", "500", "refund_fee", "200", "op_user_id", "x",
                NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);

    /* the upstream has the order; the proxy's own store has none */
    long status = 0;
    char *body = mt_admin(mock_server_url(upstream), "GET", "/mock/orders?mch_id=PROXY001", NULL,
                          &status);
    ck_assert_ptr_nonnull(strstr(body, "PRX000001"));
    free(body);
    body = mt_admin(mock_server_url(proxy), "GET", "/mock/orders", NULL, &status);
    ck_assert_ptr_null(strstr(body, "PRX000001"));
    free(body);

    body = mt_admin(mock_server_url(proxy), "GET", "/mock/journal?mch_id=PROXY001", NULL, &status);
    cJSON *doc = cJSON_Parse(body);
    free(body);
    cJSON *entries = cJSON_GetObjectItem(doc, "entries");
    ck_assert_int_eq(cJSON_GetArraySize(entries), 2);
    cJSON *refund = cJSON_GetArrayItem(entries, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(refund, "call")->valuestring, "refund");
    ck_assert_str_eq(cJSON_GetObjectItem(refund, "out_trade_no")->valuestring, "PRX000001");
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(refund, "change")->valuestring, "proxied to"));
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(refund, "response")->valuestring, "PR1"));
    cJSON_Delete(doc);

    char suite[512];
    snprintf(suite, sizeof suite, "%s/upay-suite", UPAY_BIN_DIR);
    struct stat st;
    ck_assert_msg(stat(suite, &st) == 0, "%s is not built", suite);
    char dir[] = "/tmp/upay-proxy-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char file[600];
    snprintf(file, sizeof file, "%s/live.json", dir);
    char *rec[] = {suite, "record", "--target", (char *)mock_server_url(proxy), "--mch-id",
                   "PROXY001", "--out", file, NULL};
    ck_assert_int_eq(run(rec), 0);
    mock_server_stop(proxy);
    mock_server_stop(upstream);
    char *replay[] = {suite, "-q", file, NULL};
    ck_assert_int_eq(run(replay), 0);
    unlink(file);
    rmdir(dir);
}
END_TEST

/* The upstream's count of connections a worker took (GET /mock/stats). */
static long upstream_connections(mock_server *upstream)
{
    long status = 0;
    char *body = mt_admin(mock_server_url(upstream), "GET", "/mock/stats", NULL, &status);
    ck_assert_int_eq(status, 200);
    cJSON *doc = cJSON_Parse(body);
    free(body);
    long n = (long)cJSON_GetObjectItem(doc, "connections")->valuedouble;
    cJSON_Delete(doc);
    return n;
}

/*
 * Requests forwarded one after another share the proxy's connection to the
 * upstream (a fresh libcurl handle per request opened one each time).
 */
START_TEST(reuses_the_upstream_connection)
{
    mock_server *upstream = mt_start(NULL);
    mock_options o = {.proxy_url = mock_server_url(upstream)};
    mock_server *proxy = mt_start(&o);
    mt_gw gw;
    mt_gw_init(&gw, mock_server_url(proxy));
    upay_params *p = mt_pay(&gw, "PROXY002", "PRX000002", "100", "134567890123450000");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    long before = upstream_connections(upstream);
    enum { QUERIES = 10 };
    for (int i = 0; i < QUERIES; i++) {
        p = mt_call(&gw, "orderquery", "mch_id", "PROXY002", "paytype", "WECHAT", "out_trade_no",
                    "PRX000002", NULL);
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        upay_params_free(p);
    }
    /* the stats call itself is one connection; the queries may open one more */
    long opened = upstream_connections(upstream) - before;
    ck_assert_msg(opened <= 2, "%d forwarded queries opened %ld upstream connections", QUERIES,
                  opened);
    mock_server_stop(proxy);
    mock_server_stop(upstream);
}
END_TEST

START_TEST(upstream_down_is_502_and_bad_url_refused)
{
    mock_server *gone = mt_start(NULL);
    char url[128];
    snprintf(url, sizeof url, "%s", mock_server_url(gone));
    mock_server_stop(gone);   /* nothing listens there any more */
    mock_options o = {.proxy_url = url};
    mock_server *proxy = mt_start(&o);
    char gw[192];
    snprintf(gw, sizeof gw, "%s/UnifiedPay/Gateway", mock_server_url(proxy));
    mt_http_reply r;
    ck_assert_int_eq(mt_http("POST", gw, "application/x-www-form-urlencoded", "a=1", 3, NULL, &r), 0);
    ck_assert_int_eq(r.status, 502);
    ck_assert_ptr_nonnull(strstr(r.body, "proxy"));
    mt_http_reply_free(&r);
    mock_server_stop(proxy);

    mock_options bad = {.proxy_url = "ftp://example", .listen = "127.0.0.1:0", .quiet = 1};
    char err[256] = "";
    ck_assert_ptr_null(mock_server_start(&bad, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "--proxy"));
}
END_TEST

Suite *make_e2e_mock_faults_proxy_suite(void)
{
    Suite *s = suite_create("e2e_mock_faults_proxy");
    TCase *tc = tcase_create("proxy");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, forwards_journals_and_records);
    tcase_add_test(tc, reuses_the_upstream_connection);
    tcase_add_test(tc, upstream_down_is_502_and_bad_url_refused);
    suite_add_tcase(s, tc);
    return s;
}
