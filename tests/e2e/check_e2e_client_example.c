/*
 * check_e2e_client_example.c - the example programs (upay-pay and the
 * guide's barcode_payment) run against an in-process upay-mock on port 0:
 * a payment that succeeds, one refused for a wrong key, and bad usage.
 * Only personas that answer at once are used, so nothing really sleeps.
 * Both dialects of the mock: "programs" (seed) and "programs_live".
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mock.h"
#include "check_e2e_client_raw.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

static mock_server *server;
static int live; /* 1: the mock speaks the live dialect */

static void start_mock(void)
{
    mock_options o = {0};
    o.dialect = live ? "live" : "seed";
    o.listen = "127.0.0.1:0";
    o.quiet = 1;
    char err[256] = "";
    server = mock_server_start(&o, err, sizeof err);
    ck_assert_msg(server != NULL, "mock did not start: %s", err);
}

static void start_live_mock(void)
{
    live = 1;
    start_mock();
}

static void stop_mock(void)
{
    mock_server_stop(server);
    server = NULL;
}

START_TEST(upay_pay_pays)
{
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd,
             "'%s/upay-pay' --url '%s' --agent-id " AGENT " --key " KEY
             " --mch-id 777 --auth-code 134567890123450000 --total-fee 250 --body coffee"
             " --out-trade-no EXAMPLE_1",
             UPAY_BIN_DIR, mock_server_url(server));
    ck_assert_int_eq(run_program(cmd, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "pay #1 -> success") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "outcome: PAID (order EXAMPLE_1") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "transaction_id: ") != NULL, "%s", out);
}
END_TEST

START_TEST(upay_pay_wrong_key)
{
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd,
             "'%s/upay-pay' --url '%s' --agent-id " AGENT
             " --key WRONGKEY --mch-id 777 --auth-code 134567890123450000 --total-fee 1"
             " --body coffee --deadline 0 --cancel-delay 0 --cancel-retries 0",
             UPAY_BIN_DIR, mock_server_url(server));
    /* The mock refuses the request (20002); the client cannot verify the refusal's
       sign but believes it, as it says nothing happened: not paid, exit 1. */
    ck_assert_int_eq(run_program(cmd, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "pay #1 -> gateway refused the request") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "orderquery") == NULL, "%s", out);
    ck_assert_msg(strstr(out, "outcome: NOT_PAID") != NULL, "%s", out);
}
END_TEST

START_TEST(upay_pay_usage)
{
    char cmd[512], out[4096];
    snprintf(cmd, sizeof cmd, "'%s/upay-pay' --url http://127.0.0.1:1 2>/dev/null", UPAY_BIN_DIR);
    ck_assert_int_eq(run_program(cmd, out, sizeof out), 2);
    snprintf(cmd, sizeof cmd, "'%s/upay-pay' --help", UPAY_BIN_DIR);
    ck_assert_int_eq(run_program(cmd, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "--auth-code"));
}
END_TEST

START_TEST(guide_example_pays)
{
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd, "'%s/barcode_payment' '%s' " AGENT " " KEY " 778 134567890123450000 9",
             UPAY_BIN_DIR, mock_server_url(server));
    ck_assert_int_eq(run_program(cmd, out, sizeof out), 0);
    ck_assert_msg(strstr(out, ": PAID") != NULL, "%s", out);
}
END_TEST

static void add_programs(Suite *s, TCase *tc, void (*setup)(void))
{
    tcase_add_checked_fixture(tc, setup, stop_mock);
    tcase_add_test(tc, upay_pay_pays);
    tcase_add_test(tc, upay_pay_wrong_key);
    tcase_add_test(tc, upay_pay_usage);
    tcase_add_test(tc, guide_example_pays);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
}

Suite *make_e2e_client_example_suite(void)
{
    Suite *s = suite_create("e2e_client_example");
    add_programs(s, tcase_create("programs"), start_mock);
    add_programs(s, tcase_create("programs_live"), start_live_mock);
    return s;
}
