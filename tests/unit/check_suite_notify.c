/*
 * check_suite_notify.c - upay-suite's side of scan-to-pay notifications:
 * the loader's checks of "notify", "scan" and "wait_ms" steps, the
 * scenario's own loopback listener (${notify_url}), and scenarios that must
 * fail (a forged notification believed, a notification that never comes)
 * or be skipped (no mock control) against an embedded mock.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "runner.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

/* ---- loader ---- */

#define HEAD "{\"name\":\"x\",\"rules\":[\"R-NOTIFY-01\"],"

static const char *const bad_steps[] = {
    /* an answer that is none of the four */
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"notify\":\"ok\"}]}",
    /* not a string */
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"notify\":true}]}",
    /* without mock control nobody pays */
    HEAD "\"steps\":[{\"notify\":\"success\"}]}",
    /* a key a notify step does not take */
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"notify\":\"success\",\"params\":{}}]}",
    /* a broken template in its key */
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"notify\":\"success\",\"key\":\"${k\"}]}",
    /* a timeout out of range */
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"notify\":\"fail\",\"timeout_ms\":0}]}",
    /* scan without its object, and the object without scan */
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"mock\":\"scan\"}]}",
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"mock\":\"orders\",\"scan\":{}}]}",
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"mock\":\"scan\",\"scan\":\"QR1\"}]}",
    /* wait_ms only on a GET of mock state, 1 to 60000 */
    HEAD "\"requires\":[\"clock\"],\"steps\":[{\"mock\":\"clock\",\"advance_seconds\":1,\"wait_ms\":10}]}",
    HEAD "\"requires\":[\"mock\"],\"steps\":[{\"mock\":\"notifications\",\"wait_ms\":0}]}",
};

START_TEST(loader_rejects_bad_notify_steps)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_gt(suite_load_text(&set, bad_steps[_i], "bad.json", &err), 0);
    ck_assert_msg(strstr(suite_buf_str(&err), "x: step 1") != NULL, "%s", suite_buf_str(&err));
    ck_assert_uint_eq(set.count, 0);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

START_TEST(loader_marks_scenarios_that_listen)
{
    const char *text =
        "["
        HEAD "\"requires\":[\"mock\"],\"steps\":[{\"notify\":\"slow\",\"key\":\"${k}\",\"timeout_ms\":50}]},"
        "{\"name\":\"y\",\"rules\":[\"R-NOTIFY-10\"],\"requires\":[\"mock\"],\"steps\":["
        " {\"call\":\"PreOrder_WECHAT\",\"params\":{\"notify_url\":\"${notify_url}\"}},"
        " {\"mock\":\"scan\",\"scan\":{\"out_trade_no\":\"${gen:o}\",\"notify_fault\":\"never\"}},"
        " {\"mock\":\"notifications\",\"wait_ms\":100}]},"
        "{\"name\":\"z\",\"rules\":[\"R-QUERY-03\"],\"steps\":[{\"call\":\"orderquery\"}]}"
        "]";
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_msg(suite_load_text(&set, text, "ok.json", &err) == 0, "%s", suite_buf_str(&err));
    ck_assert_uint_eq(set.count, 3);
    ck_assert_int_eq(set.items[0]->steps[0].kind, SUITE_STEP_NOTIFY);
    ck_assert_str_eq(set.items[0]->steps[0].label, "step 1 (notify slow)");
    ck_assert_int_eq(set.items[0]->notify, 1);
    ck_assert_int_eq(set.items[1]->notify, 1);  /* ${notify_url} without a notify step */
    ck_assert_int_eq(set.items[2]->notify, 0);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

START_TEST(listener_binds_loopback_port)
{
    suite_buf err = {0};
    suite_listener *a = suite_listener_open(&err), *b = suite_listener_open(&err);
    ck_assert_msg(a && b, "%s", suite_buf_str(&err));
    unsigned pa = 0, pb = 0;
    ck_assert_int_eq(sscanf(suite_listener_url(a), "http://127.0.0.1:%u/upay/notify", &pa), 1);
    ck_assert_int_eq(sscanf(suite_listener_url(b), "http://127.0.0.1:%u/upay/notify", &pb), 1);
    ck_assert(pa > 0 && pb > 0 && pa != pb);
    suite_listener_close(a);
    suite_listener_close(b);
    suite_listener_close(NULL);
    suite_buf_free(&err);
}
END_TEST

/* ---- running ---- */

#define PREORDER(amount)                                                                   \
    " {\"call\":\"PreOrder_WECHAT\",\"params\":{\"out_trade_no\":\"${gen:o}\","             \
    "  \"trade_type\":\"NATIVE\",\"product_id\":\"P1\",\"body\":\"t\",\"total_fee\":" amount \
    ",\"notify_url\":\"${notify_url}\"},\"expect\":{\"code\":\"10000\"}},"

static const char *const run_scenarios =
    "["
    /* 0, 1: each scenario hears its own order's notification (they run at once) */
    "{\"name\":\"own1\",\"rules\":[\"R-NOTIFY-01\"],\"requires\":[\"mock\"],\"steps\":["
    PREORDER("101")
    " {\"mock\":\"scan\",\"scan\":{\"out_trade_no\":\"${gen:o}\"}},"
    " {\"notify\":\"success\",\"expect\":{\"_verified\":\"1\",\"out_trade_no\":\"${gen:o}\","
    "  \"mch_id\":\"${mch}\",\"total_fee\":\"101\"}}]},"
    "{\"name\":\"own2\",\"rules\":[\"R-NOTIFY-01\"],\"requires\":[\"mock\"],\"steps\":["
    PREORDER("202")
    " {\"mock\":\"scan\",\"scan\":{\"out_trade_no\":\"${gen:o}\"}},"
    " {\"notify\":\"success\",\"expect\":{\"_verified\":\"1\",\"out_trade_no\":\"${gen:o}\","
    "  \"mch_id\":\"${mch}\",\"total_fee\":\"202\"}}]},"
    /* 2: must fail: a forged notification expected to verify */
    "{\"name\":\"believes_forgery\",\"rules\":[\"R-NOTIFY-08\"],\"requires\":[\"mock\"],\"steps\":["
    PREORDER("100")
    " {\"mock\":\"scan\",\"scan\":{\"out_trade_no\":\"${gen:o}\",\"notify_fault\":\"bad_sign\"}},"
    " {\"notify\":\"success\",\"expect\":{\"_verified\":\"1\"}}]},"
    /* 3: must fail: nothing is paid, so nothing comes (bounded wait) */
    "{\"name\":\"nothing_comes\",\"rules\":[\"R-NOTIFY-11\"],\"requires\":[\"mock\"],\"steps\":["
    PREORDER("100")
    " {\"notify\":\"success\",\"timeout_ms\":300}]},"
    /* 4: must fail: attempt 2 is not due before 15 s */
    "{\"name\":\"too_early\",\"rules\":[\"R-NOTIFY-05\"],\"requires\":[\"mock\",\"clock\"],\"steps\":["
    PREORDER("100")
    " {\"mock\":\"scan\",\"scan\":{\"out_trade_no\":\"${gen:o}\"}},"
    " {\"notify\":\"fail\"},"
    " {\"mock\":\"clock\",\"advance_seconds\":14},"
    " {\"notify\":\"success\",\"timeout_ms\":300}]},"
    /* 5: must fail: a refused scan without an expectation on it */
    "{\"name\":\"scan_refused\",\"rules\":[\"R-NOTIFY-11\"],\"requires\":[\"mock\"],\"steps\":["
    " {\"mock\":\"scan\",\"scan\":{\"out_trade_no\":\"${gen:none}\"}}]}"
    "]";

START_TEST(notify_steps_run_and_fail)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_msg(suite_load_text(&set, run_scenarios, "run.json", &err) == 0, "%s",
                  suite_buf_str(&err));
    ck_assert_uint_eq(set.count, 6);
    suite_target target;
    ck_assert_int_eq(suite_target_start_embedded(&target, 3, NULL, 0, &err), 0);
    ck_assert_int_eq(suite_target_probe(&target), 1);
    suite_run_config cfg = {.target = &target, .agent_id = AGENT, .key = KEY, .jobs = 2,
                            .run_tag = "N1", .seed = 5};
    suite_outcome out[6];
    ck_assert_int_eq(suite_run(&cfg, set.items, set.count, out), 0);
    for (size_t i = 0; i < 2; i++)
        ck_assert_msg(out[i].status == SUITE_PASS, "%s: %s\n%s", set.items[i]->name,
                      out[i].message ? out[i].message : "", out[i].detail ? out[i].detail : "");
    const char *why[] = {"_verified", "no notification", "no notification", "HTTP 404"};
    for (size_t i = 2; i < 6; i++) {
        ck_assert_msg(out[i].status == SUITE_FAIL, "%s passed", set.items[i]->name);
        ck_assert_msg(strstr(out[i].message, why[i - 2]) != NULL, "%s: %s", set.items[i]->name,
                      out[i].message);
    }
    for (size_t i = 0; i < 6; i++)
        suite_outcome_clear(&out[i]);

    /* Without mock control nobody can pay: skipped, with the reason. */
    suite_target remote;
    ck_assert_int_eq(suite_target_open_url(&remote, target.base_url, &err), 0);
    remote.has_mock = 0;
    cfg.target = &remote;
    ck_assert_int_eq(suite_run(&cfg, set.items, 1, out), 0);
    ck_assert_int_eq(out[0].status, SUITE_SKIP);
    ck_assert_msg(strstr(out[0].message, "no mock control") != NULL, "%s", out[0].message);
    suite_outcome_clear(&out[0]);
    suite_target_close(&remote);

    suite_target_close(&target);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

Suite *make_suite_notify_suite(void)
{
    Suite *s = suite_create("suite_notify");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, loader_rejects_bad_notify_steps, 0,
                        sizeof bad_steps / sizeof bad_steps[0]);
    tcase_add_test(tc, loader_marks_scenarios_that_listen);
    tcase_add_test(tc, listener_binds_loopback_port);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, notify_steps_run_and_fail);
    suite_add_tcase(s, tc);
    return s;
}
