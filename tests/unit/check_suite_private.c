/*
 * check_suite_private.c - the per-scenario private mock: the loader's
 * checks of the "mock" object and the "restart" step, scenarios run on a
 * private mock (strict merchants, restart on a state file, temporary files
 * removed), and the quick stop of an embedded mock.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "runner.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

/* ---- loader ---- */

static const char *const bad_mock[] = {
    /* not an object */
    "{\"name\":\"x\",\"rules\":[\"R-STATE-07\"],\"mock\":true,\"steps\":[{\"set\":{\"a\":\"1\"}}]}",
    /* unknown key */
    "{\"name\":\"x\",\"rules\":[\"R-STATE-07\"],\"mock\":{\"port\":1},\"steps\":[{\"set\":{\"a\":\"1\"}}]}",
    /* strict_merchants not a boolean */
    "{\"name\":\"x\",\"rules\":[\"R-CHECK-06\"],\"mock\":{\"strict_merchants\":1},"
    "\"steps\":[{\"set\":{\"a\":\"1\"}}]}",
    /* min_version empty */
    "{\"name\":\"x\",\"rules\":[\"R-CHECK-11\"],\"mock\":{\"min_version\":\"\"},"
    "\"steps\":[{\"set\":{\"a\":\"1\"}}]}",
    /* config without agents */
    "{\"name\":\"x\",\"rules\":[\"R-SIGN-13\"],\"mock\":{\"config\":{\"merchants\":[]}},"
    "\"steps\":[{\"set\":{\"a\":\"1\"}}]}",
    /* config agent without key */
    "{\"name\":\"x\",\"rules\":[\"R-SIGN-13\"],\"mock\":{\"config\":{\"agents\":[{\"agent_id\":\"1\"}]}},"
    "\"steps\":[{\"set\":{\"a\":\"1\"}}]}",
    /* a broken template inside the config */
    "{\"name\":\"x\",\"rules\":[\"R-SIGN-13\"],\"mock\":{\"config\":{\"agents\":[{\"agent_id\":\"${mch\","
    "\"key\":\"k\"}]}},\"steps\":[{\"set\":{\"a\":\"1\"}}]}",
    /* restart without a state file */
    "{\"name\":\"x\",\"rules\":[\"R-STATE-07\"],\"mock\":{},\"steps\":[{\"mock\":\"restart\"}]}",
    /* restart on the shared mock */
    "{\"name\":\"x\",\"rules\":[\"R-STATE-07\"],\"requires\":[\"mock\"],\"steps\":[{\"mock\":\"restart\"}]}",
};

START_TEST(loader_rejects_bad_mock_objects)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_gt(suite_load_text(&set, bad_mock[_i], "bad.json", &err), 0);
    ck_assert_msg(strstr(suite_buf_str(&err), "bad.json:1:2: x:") != NULL, "%s", suite_buf_str(&err));
    ck_assert_uint_eq(set.count, 0);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

START_TEST(loader_accepts_a_mock_object)
{
    const char *text =
        "{\"name\":\"p\",\"rules\":[\"R-STATE-07\"],\"mock\":{\"state_file\":true,"
        "\"strict_merchants\":false,\"min_version\":\"2.0\",\"config\":{\"agents\":"
        "[{\"agent_id\":\"1\",\"key\":\"k\"}],\"merchants\":[{\"mch_id\":\"${mch}\",\"agent_id\":\"1\"}]}},"
        "\"steps\":[{\"mock\":\"restart\"},{\"mock\":\"reset\"}]}";
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_eq(suite_load_text(&set, text, "ok.json", &err), 0);
    ck_assert_uint_eq(set.count, 1);
    ck_assert_ptr_nonnull(set.items[0]->mock);
    ck_assert_uint_eq(set.items[0]->requires, SUITE_REQ_PRIVATE | SUITE_REQ_MOCK);
    char req[64];
    suite_requirements_format(set.items[0]->requires, req, sizeof req);
    ck_assert_str_eq(req, "mock,private-mock");
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

/* ---- running on a private mock ---- */

static const char *const private_scenarios =
    "["
    /* 0: on the shared mock: an order the private mocks must not see. */
    "{\"name\":\"shared\",\"rules\":[\"R-PAY-03\"],\"steps\":[{\"call\":\"pay\",\"params\":"
    " {\"out_trade_no\":\"sharedorder1\",\"auth_code\":\"${code:wechat}\",\"body\":\"t\","
    "  \"total_fee\":1},\"expect\":{\"code\":\"10000\"}}]},"
    /* 1: strict merchants: the configured merchant pays, another one is refused. */
    "{\"name\":\"strict\",\"rules\":[\"R-CHECK-06\"],\"mock\":{\"strict_merchants\":true,"
    " \"config\":{\"agents\":[{\"agent_id\":\"13000000000000031\",\"key\":\"TESTKEY31\"}],"
    "  \"merchants\":[{\"mch_id\":\"${mch}\",\"agent_id\":\"13000000000000031\"}]}},"
    " \"steps\":["
    "  {\"call\":\"pay\",\"params\":{\"out_trade_no\":\"${gen:o}\",\"auth_code\":\"${code:wechat}\","
    "   \"body\":\"t\",\"total_fee\":1},\"expect\":{\"code\":\"10000\",\"_verified\":\"1\"}},"
    "  {\"call\":\"orderquery\",\"params\":{\"mch_id\":\"${mch}X\",\"paytype\":\"WECHAT\","
    "   \"out_trade_no\":\"${gen:o}\"},\"expect\":{\"state\":\"FAIL\",\"code\":\"20005\"}}]},"
    /* 2: restart on the state file keeps the order. */
    "{\"name\":\"restart\",\"rules\":[\"R-STATE-07\"],\"mock\":{\"state_file\":true},"
    " \"steps\":["
    "  {\"call\":\"pay\",\"params\":{\"out_trade_no\":\"${gen:o}\",\"auth_code\":\"${code:wechat}\","
    "   \"body\":\"t\",\"total_fee\":1},\"capture\":{\"tid\":\"transaction_id\"}},"
    "  {\"mock\":\"restart\"},"
    "  {\"call\":\"orderquery\",\"params\":{\"paytype\":\"WECHAT\",\"out_trade_no\":\"${gen:o}\"},"
    "   \"expect\":{\"code\":\"10000\",\"transaction_id\":\"${tid}\"}}]},"
    /* 3: a private mock starts empty: the shared mock's order (same merchant) is unknown. */
    "{\"name\":\"isolated\",\"rules\":[\"R-STATE-07\"],\"mock\":{},"
    " \"steps\":[{\"call\":\"orderquery\",\"params\":{\"paytype\":\"WECHAT\","
    "   \"out_trade_no\":\"sharedorder1\"},\"expect\":{\"code\":\"20007\"}}]},"
    /* 4: must fail: the min_version mock answers VER, not 20007. */
    "{\"name\":\"fails\",\"rules\":[\"R-CHECK-11\"],\"mock\":{\"min_version\":\"3\"},"
    " \"steps\":[{\"call\":\"orderquery\",\"params\":{\"version\":\"2.9\",\"paytype\":\"WECHAT\","
    "   \"out_trade_no\":\"${gen:o}\"},\"expect\":{\"state\":\"SUCCESS\",\"code\":\"20007\"}}]}"
    "]";

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

START_TEST(scenarios_run_on_private_mocks)
{
    char tmp[] = "/tmp/check_suite_private_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    char *old_tmp = suite_strdup(getenv("TMPDIR"));
    setenv("TMPDIR", tmp, 1);

    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_eq(suite_load_text(&set, private_scenarios, "private.json", &err), 0);
    suite_target target;
    ck_assert_int_eq(suite_target_start_embedded(&target, 7, NULL, 0, &err), 0);
    ck_assert_int_eq(suite_target_probe(&target), 1);

    /* One merchant for all, one at a time: "shared" runs first. */
    suite_run_config cfg = {.target = &target, .agent_id = AGENT, .key = KEY,
                            .mch_id = "TESTMCH1", .jobs = 1, .run_tag = "T1", .seed = 11};
    suite_outcome out[5];
    ck_assert_uint_eq(set.count, 5);
    ck_assert_int_eq(suite_run(&cfg, set.items, set.count, out), 0);
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(out[i].status == SUITE_PASS, "%s: %s\n%s", set.items[i]->name,
                      out[i].message ? out[i].message : "", out[i].detail ? out[i].detail : "");
    ck_assert_int_eq(out[4].status, SUITE_FAIL);
    ck_assert_msg(strstr(out[4].message, "VER") != NULL, "%s", out[4].message);

    /* Every temporary config and state file is gone. */
    ck_assert_uint_eq(count_entries(tmp), 0);

    /* A remote target cannot have private mocks: skipped with the reason. */
    suite_target remote;
    ck_assert_int_eq(suite_target_open_url(&remote, target.base_url, &err), 0);
    suite_target_probe(&remote);
    cfg.target = &remote;
    suite_outcome skipped[4];
    ck_assert_int_eq(suite_run(&cfg, set.items + 1, 4, skipped), 0);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(skipped[i].status, SUITE_SKIP);
        ck_assert_ptr_nonnull(strstr(skipped[i].message, "private upay-mock"));
        suite_outcome_clear(&skipped[i]);
    }
    suite_target_close(&remote);

    for (size_t i = 0; i < 5; i++)
        suite_outcome_clear(&out[i]);
    suite_target_close(&target);
    suite_set_free(&set);
    suite_buf_free(&err);
    if (old_tmp)
        setenv("TMPDIR", old_tmp, 1);
    else
        unsetenv("TMPDIR");
    free(old_tmp);
    rmdir(tmp);
}
END_TEST

/*
 * Stopping an embedded mock right after a request must not wait for
 * CivetWeb's 2-second accept poll (suite_embedded_stop() wakes it).
 */
START_TEST(embedded_stop_is_quick)
{
    suite_target t;
    suite_buf err = {0};
    ck_assert_int_eq(suite_target_start_embedded(&t, 1, NULL, 0, &err), 0);
    ck_assert_int_eq(suite_target_probe(&t), 1); /* the accept loop just ran */
    double start = suite_now_ms();
    suite_target_close(&t);
    double ms = suite_now_ms() - start;
    ck_assert_msg(ms < 1000, "stopping the embedded mock took %.0f ms", ms);
    suite_buf_free(&err);
}
END_TEST

Suite *make_suite_private_suite(void)
{
    Suite *s = suite_create("suite_private");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, loader_rejects_bad_mock_objects, 0, sizeof bad_mock / sizeof bad_mock[0]);
    tcase_add_test(tc, loader_accepts_a_mock_object);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, scenarios_run_on_private_mocks);
    tcase_add_test(tc, embedded_stop_is_quick);
    suite_add_tcase(s, tc);
    return s;
}
