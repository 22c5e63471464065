/*
 * check_suite_parallel.c - the holes the scenario library used to leave
 * open, closed: set expectations over a "parallel" step (#count, #sum:) catch
 * two refunds that together overdraw an order; near_now catches a time
 * written in UTC instead of GMT+8; the parallel step itself runs its calls
 * at once against the embedded mock and reports each answer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <upay/protocol.h>

#include "expect.h"
#include "runner.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

/* Evaluate `expect_json` against a view holding `name` = `value`. */
static int eval(const char *name, const char *value, const char *expect_json, suite_buf *fail,
                suite_vars *vars)
{
    upay_params *view = upay_params_new();
    ck_assert_int_eq(upay_params_set(view, name, value), UPAY_OK);
    cJSON *expect = cJSON_Parse(expect_json);
    ck_assert_ptr_nonnull(expect);
    suite_buf err = {0};
    ck_assert_msg(suite_expect_validate(expect, &err) == 0, "%s", suite_buf_str(&err));
    suite_tpl_env env = {.vars = vars, .gen_tag = "T"};
    int rc = suite_expect_eval(expect, view, &env, fail);
    cJSON_Delete(expect);
    upay_params_free(view);
    suite_buf_free(&err);
    return rc;
}

/* Two refunds of 60 on an order of 100 that both succeeded: what a racy gateway does. */
static const char overdrawn[] =
    "[{\"_code\":\"OK\",\"trade_state\":\"SUCCESS\",\"refund_fee\":\"60\"},"
    " {\"_code\":\"OK\",\"trade_state\":\"SUCCESS\",\"refund_fee\":\"60\"},"
    " {\"_code\":\"OK\",\"trade_state\":\"FAIL\",\"code\":\"20008\"}]";

START_TEST(set_expectations_catch_an_overdraw)
{
    suite_vars *vars = suite_vars_new();
    suite_buf fail = {0};
    ck_assert_int_eq(eval("results", overdrawn,
                          "{\"results[trade_state=SUCCESS].#count\":{\"le\":1}}", &fail, vars), -1);
    ck_assert_msg(strstr(suite_buf_str(&fail), "got \"2\"") != NULL, "%s", suite_buf_str(&fail));
    suite_buf_free(&fail);
    ck_assert_int_eq(eval("results", overdrawn,
                          "{\"results[trade_state=SUCCESS].#sum:refund_fee\":{\"le\":100}}", &fail,
                          vars), -1);
    ck_assert_msg(strstr(suite_buf_str(&fail), "got \"120\"") != NULL, "%s", suite_buf_str(&fail));
    suite_buf_free(&fail);
    /* The same expectations hold on a gateway that let one through. */
    ck_assert_int_eq(eval("results", "[{\"trade_state\":\"SUCCESS\",\"refund_fee\":\"60\"},"
                                     "{\"trade_state\":\"FAIL\"}]",
                          "{\"results[trade_state=SUCCESS].#count\":1,"
                          " \"results[*].#count\":2,"
                          " \"results[trade_state=SUCCESS].#sum:refund_fee\":{\"le\":100}}",
                          &fail, vars), 0);
    /* A sum over a field that is not an amount is an error, not a zero. */
    ck_assert_int_eq(eval("results", "[{\"trade_state\":\"SUCCESS\"}]",
                          "{\"results[*].#sum:refund_fee\":{\"le\":100}}", &fail, vars), -1);
    suite_buf_free(&fail);
    suite_vars_free(vars);
}
END_TEST

START_TEST(near_now_catches_utc)
{
    suite_vars *vars = suite_vars_new();
    time_t now = 1700000000;
    char num[32], beijing[15], utc_wall[15];
    snprintf(num, sizeof num, "%lld", (long long)now);
    ck_assert_int_eq(suite_vars_set(vars, SUITE_VAR_GATEWAY_NOW, num), 0);
    ck_assert_int_eq(upay_time_format(now - 20, beijing), UPAY_OK);
    /* The same instant written as UTC wall-clock time: 8 hours behind Beijing. */
    ck_assert_int_eq(upay_time_format(now - 8 * 3600, utc_wall), UPAY_OK);
    suite_buf fail = {0};
    ck_assert_int_eq(eval("time_end", beijing, "{\"time_end\":{\"near_now\":300}}", &fail, vars), 0);
    ck_assert_int_eq(eval("time_end", utc_wall, "{\"time_end\":{\"near_now\":300}}", &fail, vars), -1);
    ck_assert_msg(strstr(suite_buf_str(&fail), "off by -28800 s") != NULL, "%s",
                  suite_buf_str(&fail));
    suite_buf_free(&fail);
    /* The live docs' other layout of the same Beijing instant is the same time
       (R-FIELD-08 checks the layout; near_now checks the instant). */
    ck_assert_int_eq(eval("time_end", "2023-11-15 06:13:20", "{\"time_end\":{\"near_now\":300}}",
                          &fail, vars), 0);
    ck_assert_int_eq(eval("time_end", "2023-11-15 14:13:20", "{\"time_end\":{\"near_now\":300}}",
                          &fail, vars), -1);
    suite_buf_free(&fail);
    suite_vars_free(vars);
    /* Without the gateway's time the matcher fails rather than passes. */
    vars = suite_vars_new();
    ck_assert_int_eq(eval("time_end", beijing, "{\"time_end\":{\"near_now\":300}}", &fail, vars), -1);
    suite_buf_free(&fail);
    suite_vars_free(vars);
}
END_TEST

static const char *const bad[] = {
    /* one call is no race */
    "{\"name\":\"x\",\"rules\":[\"R-REFUND-10\"],\"steps\":[{\"parallel\":[{\"call\":\"pay\"}]}]}",
    /* only calls */
    "{\"name\":\"x\",\"rules\":[\"R-REFUND-10\"],\"steps\":[{\"parallel\":[{\"call\":\"pay\"},"
    "{\"raw\":{}}]}]}",
    /* expectations go on the set */
    "{\"name\":\"x\",\"rules\":[\"R-REFUND-10\"],\"steps\":[{\"parallel\":[{\"call\":\"pay\"},"
    "{\"call\":\"pay\",\"expect\":{\"code\":\"10000\"}}]}]}",
    "{\"name\":\"x\",\"rules\":[\"R-REFUND-10\"],\"steps\":[{\"parallel\":{}}]}",
    /* aggregates need [*] or [key=value] and a known name */
    "{\"name\":\"x\",\"rules\":[\"R-REFUND-10\"],\"steps\":[{\"set\":{\"a\":\"1\"}},"
    "{\"call\":\"pay\",\"expect\":{\"results[0].#count\":1}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-REFUND-10\"],\"steps\":[{\"call\":\"pay\","
    "\"expect\":{\"results[*].#max\":1}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-REFUND-10\"],\"steps\":[{\"call\":\"pay\","
    "\"expect\":{\"results[*].#sum:\":1}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-FIELD-08\"],\"steps\":[{\"call\":\"pay\","
    "\"expect\":{\"time_end\":{\"near_now\":\"soon\"}}}]}",
};

START_TEST(loader_rejects_bad_parallel_steps)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_gt(suite_load_text(&set, bad[_i], "bad.json", &err), 0);
    ck_assert_uint_eq(set.count, 0);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

/* Runs against the embedded mock: every answer comes back, in order. */
static const char race[] =
    "{\"name\":\"race\",\"rules\":[\"R-REFUND-10\"],\"steps\":["
    " {\"call\":\"pay\",\"params\":{\"out_trade_no\":\"${gen:o}\",\"auth_code\":\"${code:wechat}\","
    "  \"body\":\"t\",\"total_fee\":100},\"expect\":{\"code\":\"10000\"}},"
    " {\"parallel\":["
    "  {\"call\":\"refund\",\"params\":{\"paytype\":\"WECHAT\",\"out_trade_no\":\"${gen:o}\","
    "   \"out_refund_no\":\"${gen:a}\",\"total_fee\":100,\"refund_fee\":70,\"op_user_id\":\"${mch}\"}},"
    "  {\"call\":\"refund\",\"params\":{\"paytype\":\"WECHAT\",\"out_trade_no\":\"${gen:o}\","
    "   \"out_refund_no\":\"${gen:b}\",\"total_fee\":100,\"refund_fee\":70,\"op_user_id\":\"${mch}\"}},"
    "  {\"call\":\"orderquery\",\"params\":{\"paytype\":\"WECHAT\",\"out_trade_no\":\"${gen:o}\"}}],"
    "  \"expect\":{\"results.length\":3,\"results[2].out_trade_no\":\"${gen:o}\","
    "   \"results[*]._code\":\"OK\",\"results[refund_channel=ORIGINAL].#sum:refund_fee\":70},"
    "  \"capture\":{\"first\":\"results[2].transaction_id\"}},"
    " {\"set\":{\"seen\":\"${first}\"}}]}";

START_TEST(parallel_step_runs_against_the_mock)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_msg(suite_load_text(&set, race, "race.json", &err) == 0, "%s", suite_buf_str(&err));
    suite_target t;
    ck_assert_int_eq(suite_target_start_embedded(&t, 9, NULL, 0, &err), 0);
    suite_target_probe(&t);
    suite_run_config cfg = {.target = &t, .agent_id = AGENT, .key = KEY, .jobs = 1,
                            .run_tag = "P1", .seed = 4};
    suite_outcome out[1];
    ck_assert_int_eq(suite_run(&cfg, set.items, 1, out), 0);
    ck_assert_msg(out[0].status == SUITE_PASS, "%s\n%s", out[0].message ? out[0].message : "",
                  out[0].detail ? out[0].detail : "");
    suite_outcome_clear(&out[0]);
    suite_target_close(&t);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

Suite *make_suite_parallel_suite(void)
{
    Suite *s = suite_create("suite_parallel");
    TCase *tc = tcase_create("matchers");
    tcase_add_test(tc, set_expectations_catch_an_overdraw);
    tcase_add_test(tc, near_now_catches_utc);
    tcase_add_loop_test(tc, loader_rejects_bad_parallel_steps, 0, sizeof bad / sizeof bad[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, parallel_step_runs_against_the_mock);
    suite_add_tcase(s, tc);
    return s;
}
