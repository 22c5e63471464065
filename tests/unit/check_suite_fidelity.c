/*
 * check_suite_fidelity.c - protocol versus decision. The same scenarios run
 * against upay-mock (the embedded mock: every expectation is checked) and
 * against a gateway the suite cannot identify (the embedded mock with its
 * admin API hidden, --anonymous): there a decision that differs becomes a
 * fidelity note and the scenario passes, while a protocol mismatch still
 * fails. Also the dialect switches: a scenario or step for the other dialect
 * is skipped, and the reports list the notes apart.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

/* Order matters: the assertions below index these. */
static const char *const scenarios =
    "["
    /* 0: a decision that no gateway takes (GET answered 418): a note, or a failure on
     *    upay-mock. The protocol part (no protocol answer to a GET) holds. */
    "{\"name\":\"decision_differs\",\"rules\":[\"R-TRANS-03\"],\"steps\":["
    " {\"raw\":{\"http_method\":\"GET\",\"body\":\"\"},"
    "  \"expect\":{\"state\":false},"
    "  \"decide\":{\"R-TRANS-03\":{\"_http_status\":418}}},"
    " {\"raw\":{\"method\":\"orderquery\",\"params\":{\"paytype\":\"WECHAT\"}},"
    "  \"expect\":{\"state\":\"FAIL\",\"code\":\"20004\"}}]},"
    /* 1: a protocol expectation that is wrong: fails everywhere. */
    "{\"name\":\"protocol_differs\",\"rules\":[\"R-CHECK-04\"],\"steps\":["
    " {\"raw\":{\"method\":\"nosuchmethod\"},"
    "  \"expect\":{\"state\":\"SUCCESS\"}}]},"
    /* 2: a decision that holds: no note. */
    "{\"name\":\"decision_holds\",\"rules\":[\"R-TRANS-03\"],\"steps\":["
    " {\"raw\":{\"http_method\":\"GET\",\"body\":\"\"},"
    "  \"decide\":{\"R-TRANS-03\":{\"_http_status\":405}}}]},"
    /* 3: for the live dialect only: skipped on a seed target. */
    "{\"name\":\"live_only\",\"rules\":[\"R-CHECK-04\"],\"dialect\":\"live\",\"steps\":["
    " {\"raw\":{\"method\":\"nosuchmethod\"},\"expect\":{\"state\":\"SUCCESS\"}}]},"
    /* 4: a step for the live dialect only is left out on a seed target. */
    "{\"name\":\"live_step\",\"rules\":[\"R-CHECK-04\"],\"steps\":["
    " {\"raw\":{\"method\":\"nosuchmethod\"},\"dialect\":\"live\",\"expect\":{\"state\":\"SUCCESS\"}},"
    " {\"raw\":{\"method\":\"nosuchmethod\"},\"dialect\":\"seed\",\"expect\":{\"state\":\"FAIL\"}}]}"
    "]";

static void run_all(suite_target *t, suite_set *set, suite_outcome *out)
{
    suite_run_config cfg = {.target = t, .agent_id = AGENT, .key = KEY, .jobs = 1,
                            .run_tag = "F1", .seed = 3};
    ck_assert_int_eq(suite_run(&cfg, set->items, set->count, out), 0);
}

static void finish(suite_outcome *out, suite_target *t, suite_set *set, suite_buf *err)
{
    for (size_t i = 0; i < 5; i++)
        suite_outcome_clear(&out[i]);
    suite_target_close(t);
    suite_set_free(set);
    suite_buf_free(err);
}

static char *slurp(FILE *f)
{
    long n = ftell(f);
    char *text = calloc(1, (size_t)n + 1);
    rewind(f);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    return text;
}

START_TEST(decisions_are_checked_on_upay_mock)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_eq(suite_load_text(&set, scenarios, "f.json", &err), 0);
    suite_target t;
    ck_assert_int_eq(suite_target_start_embedded(&t, 5, NULL, 0, &err), 0);
    suite_target_probe(&t);
    ck_assert_int_eq(t.is_upay_mock, 1);
    ck_assert_str_eq(t.dialect, "seed");
    suite_outcome out[5];
    run_all(&t, &set, out);
    ck_assert_int_eq(out[0].status, SUITE_FAIL);
    ck_assert_msg(strstr(out[0].message, "R-TRANS-03 (decision)") != NULL, "%s", out[0].message);
    ck_assert_int_eq(out[1].status, SUITE_FAIL);
    ck_assert_int_eq(out[2].status, SUITE_PASS);
    ck_assert_ptr_null(out[2].notes);
    ck_assert_int_eq(out[3].status, SUITE_SKIP);
    ck_assert_ptr_nonnull(strstr(out[3].message, "live dialect"));
    ck_assert_msg(out[4].status == SUITE_PASS, "%s", out[4].message ? out[4].message : "");
    finish(out, &t, &set, &err);
}
END_TEST

START_TEST(decisions_are_notes_elsewhere)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_eq(suite_load_text(&set, scenarios, "f.json", &err), 0);
    suite_target t;
    ck_assert_int_eq(suite_target_start_embedded(&t, 5, "seed", 1, &err), 0);
    ck_assert_int_eq(suite_target_probe(&t), 0);
    ck_assert_int_eq(t.is_upay_mock, 0);
    suite_outcome out[5];
    run_all(&t, &set, out);
    /* The decision differs: a note, the scenario goes on (its second step ran) and passes. */
    ck_assert_msg(out[0].status == SUITE_PASS, "%s", out[0].message ? out[0].message : "");
    ck_assert_ptr_nonnull(out[0].notes);
    ck_assert_msg(strstr(out[0].notes, "step 1 (raw body): R-TRANS-03 (decision): ") != NULL &&
                  strstr(out[0].notes, "418") != NULL, "%s", out[0].notes);
    /* A protocol mismatch is a failure whoever answers. */
    ck_assert_int_eq(out[1].status, SUITE_FAIL);
    ck_assert_ptr_null(out[2].notes);

    suite_counts c = suite_count(out, 5);
    ck_assert_uint_eq(c.notes, 1);
    ck_assert_uint_eq(c.failed, 1);

    /* Console: the note under the scenario, apart in the summary, counted on its own line. */
    FILE *f = tmpfile();
    suite_console_progress(&out[0], 1, 5, f);
    suite_console_summary(f, out, 5, 10.0);
    char *text = slurp(f);
    fclose(f);
    ck_assert_msg(strstr(text, "    note:     step 1") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "Fidelity notes") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "\n3 passed, 1 failed, 1 skipped\n1 fidelity note\n") != NULL, "%s",
                  text);
    free(text);

    /* TAP: a diagnostic line, and the count at the end. */
    f = tmpfile();
    suite_tap_write(f, out, 5);
    text = slurp(f);
    fclose(f);
    ck_assert_msg(strstr(text, "ok 1 - decision_differs\n# fidelity note: step 1") != NULL, "%s",
                  text);
    ck_assert_msg(strstr(text, "# 1 fidelity note (decisions, not failures)") != NULL, "%s", text);
    free(text);

    /* JUnit: a property per note and the note in system-out; no failure for it. */
    char path[] = "/tmp/check_suite_fidelity_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(suite_junit_write(path, out, 5, 10.0, &err), 0);
    f = fopen(path, "r");
    fseek(f, 0, SEEK_END);
    text = slurp(f);
    fclose(f);
    unlink(path);
    ck_assert_msg(strstr(text, "<property name=\"fidelity_note\" value=\"step 1") != NULL, "%s",
                  text);
    ck_assert_msg(strstr(text, "<system-out>fidelity note: step 1") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "failures=\"1\"") != NULL, "%s", text);
    free(text);

    finish(out, &t, &set, &err);
}
END_TEST

static const char *const bad[] = {
    "{\"name\":\"x\",\"rules\":[\"R-TRANS-03\"],\"steps\":[{\"raw\":{},\"decide\":[]}]}",
    "{\"name\":\"x\",\"rules\":[\"R-TRANS-03\"],\"steps\":[{\"raw\":{},\"decide\":{}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-TRANS-03\"],\"steps\":[{\"raw\":{},\"decide\":{\"TRANS\":{}}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-TRANS-03\"],\"steps\":[{\"raw\":{},"
    "\"decide\":{\"R-TRANS-03\":{\"a\":{\"nosuch\":1}}}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-TRANS-03\"],\"dialect\":\"v2\",\"steps\":[{\"raw\":{}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-TRANS-03\"],\"steps\":[{\"raw\":{},\"dialect\":1}]}",
};

START_TEST(loader_rejects_bad_decide_and_dialect)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_gt(suite_load_text(&set, bad[_i], "bad.json", &err), 0);
    ck_assert_uint_eq(set.count, 0);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

Suite *make_suite_fidelity_suite(void)
{
    Suite *s = suite_create("suite_fidelity");
    TCase *tc = tcase_create("loader");
    tcase_add_loop_test(tc, loader_rejects_bad_decide_and_dialect, 0, sizeof bad / sizeof bad[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("notes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, decisions_are_checked_on_upay_mock);
    tcase_add_test(tc, decisions_are_notes_elsewhere);
    suite_add_tcase(s, tc);
    return s;
}
