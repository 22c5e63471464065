/*
 * check_e2e_mock_faults_record.c - a QA session becomes a regression
 * scenario: a session through libupay against a running mock (rules,
 * clock moves, ids reused from earlier answers), `upay-suite record` of
 * its merchant, and the recorded file replayed green by `upay-suite`
 * against a fresh embedded mock. Needs the upay-suite program built.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <upay.h>

#include "e2e/mock_test_util.h"

#define MCH "RECORD01"

static int run(char *const argv[], const char *out_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (out_path) {
            FILE *f = freopen(out_path, "w", stdout);
            (void)f;
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void add_rule(const char *base, const char *json)
{
    long status = 0;
    char *body = mt_admin(base, "POST", "/mock/rules", json, &status);
    ck_assert_msg(status == 200, "%s: %ld %s", json, status, body);
    free(body);
}

/* The session: what a tester does at the counter. */
static void session(const char *base)
{
    char url[192];
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", base);
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, url), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(c, MT_AGENT1), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, MT_KEY1), UPAY_OK);
    upay_result *r = NULL;

    upay_pay_request pay = {.mch_id = MCH, .out_trade_no = "REC000001", .body = "coffee",
                            .total_fee = 300, .auth_code = "134567890123450000"};
    ck_assert_int_eq(upay_pay(c, &pay, &r, NULL), UPAY_OK);
    char tid[64];
    snprintf(tid, sizeof tid, "%s", r->transaction_id);
    upay_result_free(r);

    mt_advance(base, MCH, 20);
    add_rule(base, "{\"fault\":\"refund_notsure\",\"mch_id\":\"" MCH "\"}");
    upay_refund_request rf = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = MCH,
                              .transaction_id = tid, .out_refund_no = "RR1", .total_fee = 300,
                              .refund_fee = 100};
    ck_assert_int_eq(upay_refund(c, &rf, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->code, "20008");
    upay_result_free(r);
    ck_assert_int_eq(upay_refund(c, &rf, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->code, "10000");
    char rid[64];
    snprintf(rid, sizeof rid, "%s", r->refund_id);
    upay_result_free(r);

    mt_advance(base, MCH, 5);
    upay_refundquery_request rq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = MCH, .refund_id = rid};
    ck_assert_int_eq(upay_refundquery(c, &rq, &r, NULL), UPAY_OK);
    upay_result_free(r);

    add_rule(base, "{\"fault\":\"drop\",\"method\":\"orderquery\",\"mch_id\":\"" MCH "\"}");
    upay_orderquery_request oq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = MCH,
                                  .transaction_id = tid};
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_E_NO_ANSWER);
    upay_result_free(r);
    ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->code, "10002");
    upay_result_free(r);
    upay_client_free(c);
}

START_TEST(recorded_session_replays_green)
{
    char suite[512];
    snprintf(suite, sizeof suite, "%s/upay-suite", UPAY_BIN_DIR);
    struct stat st;
    ck_assert_msg(stat(suite, &st) == 0, "%s is not built", suite);

    mock_server *server = mt_start(NULL);
    const char *base = mock_server_url(server);
    session(base);

    char dir[] = "/tmp/upay-record-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char file[600];
    snprintf(file, sizeof file, "%s/session.json", dir);
    char *rec[] = {suite, "record", "--target", (char *)base, "--mch-id", MCH, "--out", file,
                   "--name", "recorded.counter_session", NULL};
    ck_assert_int_eq(run(rec, NULL), 0);
    mock_server_stop(server);

    size_t len = 0;
    FILE *f = fopen(file, "rb");
    ck_assert_ptr_nonnull(f);
    char text[65536];
    len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    /* ids are captured, not hard-coded; clock moves and faults are replayed */
    ck_assert_msg(strstr(text, "${transaction_id_1}") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "${refund_id_1}") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "\"advance_seconds\"") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "refund_notsure") && strstr(text, "\"drop\""), "%s", text);
    ck_assert_msg(strstr(text, "NO_ANSWER") != NULL, "%s", text);
    const char *first = strstr(text, MCH);   /* named in the description only */
    ck_assert_msg(first && strstr(first + 1, MCH) == NULL, "the merchant is ${mch}: %s", text);

    /* replay against a fresh embedded mock */
    char out[600];
    snprintf(out, sizeof out, "%s/replay.txt", dir);
    char *replay[] = {suite, "-q", file, NULL};
    int rc = run(replay, out);
    char log[4096] = "";
    f = fopen(out, "rb");
    if (f) {
        log[fread(log, 1, sizeof log - 1, f)] = '\0';
        fclose(f);
    }
    ck_assert_msg(rc == 0, "replay failed (%d): %s\n%s", rc, log, text);
    ck_assert_msg(strstr(log, "1 passed") != NULL, "%s", log);
    unlink(file);
    unlink(out);
    rmdir(dir);
}
END_TEST

START_TEST(record_refuses_what_it_cannot)
{
    char suite[512];
    snprintf(suite, sizeof suite, "%s/upay-suite", UPAY_BIN_DIR);
    mock_server *server = mt_start(NULL);
    char *nothing[] = {suite, "record", "--target", (char *)mock_server_url(server), "--mch-id",
                       "NOBODY01", "--out", "/dev/null", NULL};
    ck_assert_int_eq(run(nothing, NULL), 1);
    char *usage[] = {suite, "record", "--target", (char *)mock_server_url(server), NULL};
    ck_assert_int_eq(run(usage, NULL), 2);
    mock_server_stop(server);
}
END_TEST

Suite *make_e2e_mock_faults_record_suite(void)
{
    Suite *s = suite_create("e2e_mock_faults_record");
    TCase *tc = tcase_create("record");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, recorded_session_replays_green);
    tcase_add_test(tc, record_refuses_what_it_cannot);
    suite_add_tcase(s, tc);
    return s;
}
