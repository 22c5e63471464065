/*
 * check_e2e_suite_record.c - `upay-suite record` as QA uses it: a session at
 * the counter (a refund that stays PROCESSING until the clock moves, a
 * NOTSURE answer then SUCCESS), recorded from a running mock and replayed
 * twice against that same mock. The recording must check what makes the
 * edge case (refund_list statuses and amounts, trade_state): without its
 * clock steps it fails. A journal that lost the start of the merchant's
 * session is refused unless --partial. Runs in-process.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <upay.h>

#include "cli.h"
#include "e2e/mock_test_util.h"
#include "util.h"

#define MCH "QAREC001"

static char dir[] = "/tmp/check_e2e_suite_record_XXXXXX";
static char file[128];

static void setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/session.json", dir);
}

static void teardown(void)
{
    unlink(file);
    rmdir(dir);
    memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

/* upay-suite with `args` (NULL-terminated); its stderr into `log` (may be NULL). */
static int suite(const char *const *args, char *log, size_t loglen)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "upay-suite";
    for (size_t i = 0; args[i] && argc < 31; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    int rc = suite_cli_main(argc, argv, out, err);
    if (log) {
        fflush(out);
        fflush(err);
        rewind(out);
        rewind(err);
        size_t n = fread(log, 1, loglen - 1, err);
        n += fread(log + n, 1, loglen - 1 - n, out);
        log[n] = '\0';
    }
    fclose(out);
    fclose(err);
    return rc;
}

static void add_rule(const char *base, const char *json)
{
    long status = 0;
    char *body = mt_admin(base, "POST", "/mock/rules", json, &status);
    ck_assert_msg(status == 200, "%s: %ld %s", json, status, body);
    free(body);
}

static upay_client *client_for(const char *base)
{
    char url[192];
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", base);
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, url), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(c, MT_AGENT1), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, MT_KEY1), UPAY_OK);
    return c;
}

/* The session: a refund PROCESSING for 60 s, then one NOTSURE and retried. */
static void session(const char *base, const char *mch)
{
    upay_client *c = client_for(base);
    upay_result *r = NULL;
    upay_pay_request pay = {.mch_id = mch, .out_trade_no = "QA0001", .body = "tea",
                            .total_fee = 300, .auth_code = "134567890123450000"};
    ck_assert_int_eq(upay_pay(c, &pay, &r, NULL), UPAY_OK);
    upay_result_free(r);

    char rule[160];
    snprintf(rule, sizeof rule, "{\"fault\":\"refund_processing=60\",\"mch_id\":\"%s\"}", mch);
    add_rule(base, rule);
    upay_refund_request rf = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch,
                              .out_trade_no = "QA0001", .out_refund_no = "QAR1",
                              .total_fee = 300, .refund_fee = 100};
    ck_assert_int_eq(upay_refund(c, &rf, &r, NULL), UPAY_OK);
    upay_result_free(r);
    upay_refundquery_request rq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = mch,
                                   .out_refund_no = "QAR1"};
    ck_assert_int_eq(upay_refundquery(c, &rq, &r, NULL), UPAY_OK);
    upay_result_free(r);
    mt_advance(base, mch, 60);
    ck_assert_int_eq(upay_refundquery(c, &rq, &r, NULL), UPAY_OK);
    upay_result_free(r);

    snprintf(rule, sizeof rule, "{\"fault\":\"refund_notsure\",\"mch_id\":\"%s\"}", mch);
    add_rule(base, rule);
    rf.out_refund_no = "QAR2";
    rf.refund_fee = 50;
    ck_assert_int_eq(upay_refund(c, &rf, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->code, "20008");
    upay_result_free(r);
    mt_advance(base, mch, 5);
    ck_assert_int_eq(upay_refund(c, &rf, &r, NULL), UPAY_OK);
    ck_assert_str_eq(r->code, "10000");
    upay_result_free(r);
    rq.out_refund_no = "QAR2";
    ck_assert_int_eq(upay_refundquery(c, &rq, &r, NULL), UPAY_OK);
    upay_result_free(r);
    upay_client_free(c);
}

/* An embedded mock whose journal keeps `journal_size` exchanges. */
static mock_server *start_mock(size_t journal_size)
{
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.listen = "127.0.0.1:0";
    opts.quiet = 1;
    opts.frozen_clock = 1;
    opts.journal_size = journal_size;
    char msg[256];
    mock_server *server = mock_server_start(&opts, msg, sizeof msg);
    ck_assert_msg(server != NULL, "%s", msg);
    return server;
}

/* Remove every {"mock": "clock", ...} step from the recording. */
static void drop_clock_steps(const char *path)
{
    char *text = suite_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    cJSON *steps = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "scenarios"), 0),
                                       "steps");
    ck_assert_ptr_nonnull(steps);
    int dropped = 0;
    for (int i = cJSON_GetArraySize(steps) - 1; i >= 0; i--) {
        const cJSON *m = cJSON_GetObjectItem(cJSON_GetArrayItem(steps, i), "mock");
        if (cJSON_IsString(m) && strcmp(m->valuestring, "clock") == 0) {
            cJSON_DeleteItemFromArray(steps, i);
            dropped++;
        }
    }
    ck_assert_int_eq(dropped, 2);
    char *out = cJSON_Print(doc);
    cJSON_Delete(doc);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(out, f);
    fclose(f);
    cJSON_free(out);
}

START_TEST(recording_replays_twice_and_checks_the_edge)
{
    mock_server *server = mt_start(NULL);
    const char *base = mock_server_url(server);
    session(base, MCH);
    char log[16384];
    const char *rec[] = {"record", "--target", base, "--mch-id", MCH, "--out", file, NULL};
    ck_assert_msg(suite(rec, log, sizeof log) == 0, "%s", log);
    char *text = suite_read_file(file, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "\"refund_list[0].refund_status\":\t\"PROCESSING\"") != NULL,
                  "%s", text);
    ck_assert_msg(strstr(text, "\"refund_list[0].refund_status\":\t\"SUCCESS\"") != NULL, "%s",
                  text);
    ck_assert_msg(strstr(text, "\"refund_list[0].refund_fee\":\t\"100\"") != NULL, "%s", text);
    free(text);

    /* twice against the mock it was recorded on */
    const char *replay[] = {"-q", "--target", base, file, NULL};
    for (int i = 0; i < 2; i++)
        ck_assert_msg(suite(replay, log, sizeof log) == 0, "replay %d: %s", i + 1, log);

    /* without the clock steps that made the refund settle, it must fail */
    drop_clock_steps(file);
    ck_assert_msg(suite(replay, log, sizeof log) == 1, "%s", log);
    ck_assert_msg(strstr(log, "refund_status") != NULL, "%s", log);
    mock_server_stop(server);
}
END_TEST

/* The journal lost the merchant's first calls: refused, unless --partial. */
START_TEST(lost_start_refused_unless_partial)
{
    mock_server *server = start_mock(8);
    const char *base = mock_server_url(server);
    session(base, MCH);   /* 7 calls: the journal holds all of them */
    upay_client *c = client_for(base);
    upay_orderquery_request oq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = MCH,
                                  .out_trade_no = "QA0001"};
    for (int i = 0; i < 3; i++) {   /* the 10th pushes the pay out */
        upay_result *r = NULL;
        ck_assert_int_eq(upay_orderquery(c, &oq, &r, NULL), UPAY_OK);
        upay_result_free(r);
    }
    upay_client_free(c);

    char log[8192];
    const char *rec[] = {"record", "--target", base, "--mch-id", MCH, "--out", file, NULL};
    ck_assert_int_eq(suite(rec, log, sizeof log), 1);
    ck_assert_msg(strstr(log, "no longer holds the start") && strstr(log, "--partial"), "%s",
                  log);
    const char *partial[] = {"record", "--partial", "--target", base, "--mch-id", MCH, "--out",
                             file, NULL};
    ck_assert_msg(suite(partial, log, sizeof log) == 0, "%s", log);
    mock_server_stop(server);
}
END_TEST

/* A busy merchant does not evict another merchant's session from the journal. */
START_TEST(busy_merchant_keeps_to_its_budget)
{
    mock_server *server = start_mock(64);
    const char *base = mock_server_url(server);
    session(base, MCH);
    upay_client *c = client_for(base);
    upay_orderquery_request oq = {.paytype = UPAY_PAYTYPE_WECHAT, .mch_id = "BUSY0001",
                                  .out_trade_no = "NONE"};
    for (int i = 0; i < 200; i++) {
        upay_result *r = NULL;
        upay_orderquery(c, &oq, &r, NULL);
        upay_result_free(r);
    }
    upay_client_free(c);
    char log[8192];
    const char *rec[] = {"record", "--target", base, "--mch-id", MCH, "--out", file, NULL};
    ck_assert_msg(suite(rec, log, sizeof log) == 0, "%s", log);
    mock_server_stop(server);
}
END_TEST

Suite *make_e2e_suite_record_suite(void)
{
    Suite *s = suite_create("e2e_suite_record");
    TCase *tc = tcase_create("replay");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, recording_replays_twice_and_checks_the_edge);
    suite_add_tcase(s, tc);
    tc = tcase_create("journal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lost_start_refused_unless_partial);
    tcase_add_test(tc, busy_merchant_keeps_to_its_budget);
    suite_add_tcase(s, tc);
    return s;
}
