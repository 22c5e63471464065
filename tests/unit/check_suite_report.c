/*
 * check_suite_report.c - upay-suite's reporters on a small fixed run: the
 * exact JUnit XML and TAP 13 text, XML escaping of failure messages, the
 * console summary line CI parses, and the --list table.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt(): a terminal for the colour test */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "report.h"
#include "scenario.h"
#include "util.h"

/* Three scenarios of scenarios/pay/fixed.json: one passes, one fails, one is skipped. */
static const char *const fixed_file =
    "{\"scenarios\": ["
    " {\"name\": \"pay.ok\", \"tags\": [\"pay\", \"live\"], \"rules\": [\"R-PAY-01\", \"R-PAY-03\"],"
    "  \"steps\": [{\"set\": {\"a\": \"1\"}}]},"
    " {\"name\": \"pay.<broken> & \\\"quoted\\\"\", \"rules\": [\"R-PAY-08\"], \"requires\": [\"persona\"],"
    "  \"steps\": [{\"set\": {\"a\": \"1\"}}]},"
    " {\"name\": \"pay.skipped\", \"rules\": [\"R-STATE-07\"], \"mock\": {\"state_file\": true},"
    "  \"steps\": [{\"mock\": \"restart\"}]}"
    "]}";

typedef struct fixture {
    suite_set set;
    suite_outcome out[3];
} fixture;

static void fixture_load(fixture *fx)
{
    suite_buf err = {0};
    memset(fx, 0, sizeof *fx);
    ck_assert_msg(suite_load_text(&fx->set, fixed_file, "scenarios/pay/fixed.json", &err) == 0,
                  "%s", suite_buf_str(&err));
    ck_assert_uint_eq(fx->set.count, 3);
    suite_buf_free(&err);
    for (size_t i = 0; i < 3; i++)
        fx->out[i].scenario = fx->set.items[i];
    fx->out[0].status = SUITE_PASS;
    fx->out[0].ms = 12.0;
    fx->out[1].status = SUITE_FAIL;
    fx->out[1].ms = 1500.0;
    fx->out[1].message = "step 1 (call pay): code should equal \"10000\": got <20004> & 'FAIL'";
    fx->out[1].detail = "    problem:  <b>&amp;\n    response (HTTP 200):\n      {\"code\":\"20004\"}\n";
    fx->out[2].status = SUITE_SKIP;
    fx->out[2].message = "needs a private upay-mock: only with <embedded> #2";
}

static char *read_stream(FILE *f)
{
    long len = ftell(f);
    ck_assert_int_ge(len, 0);
    rewind(f);
    char *buf = calloc(1, (size_t)len + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    return buf;
}

/* Show the first difference: exact-text failures are unreadable otherwise. */
static void assert_text(const char *got, const char *want)
{
    size_t i = 0;
    while (got[i] && got[i] == want[i])
        i++;
    ck_assert_msg(got[i] == want[i], "texts differ at byte %zu:\n--- got from there:\n%s\n"
                  "--- want from there:\n%s", i, got + i, want + i);
}

START_TEST(junit_exact)
{
    fixture fx;
    fixture_load(&fx);
    char path[] = "/tmp/check_suite_report_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    suite_buf err = {0};
    ck_assert_int_eq(suite_junit_write(path, fx.out, 3, 2345.0, &err), 0);
    char *xml = suite_read_file(path, NULL);
    ck_assert_ptr_nonnull(xml);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"upay-suite\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"2.345\">\n"
        "  <testsuite name=\"upay-suite\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"2.345\">\n"
        "    <testcase classname=\"pay\" name=\"pay.ok\" time=\"0.012\">\n"
        "      <properties>\n"
        "        <property name=\"rule\" value=\"R-PAY-01\"/>\n"
        "        <property name=\"rule\" value=\"R-PAY-03\"/>\n"
        "      </properties>\n"
        "    </testcase>\n"
        "    <testcase classname=\"pay\" name=\"pay.&lt;broken&gt; &amp; &quot;quoted&quot;\" time=\"1.500\">\n"
        "      <properties>\n"
        "        <property name=\"rule\" value=\"R-PAY-08\"/>\n"
        "      </properties>\n"
        "      <failure message=\"step 1 (call pay): code should equal &quot;10000&quot;: got &lt;20004&gt; &amp; &apos;FAIL&apos;\">"
        "    problem:  &lt;b&gt;&amp;amp;\n"
        "    response (HTTP 200):\n"
        "      {&quot;code&quot;:&quot;20004&quot;}\n"
        "</failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"pay\" name=\"pay.skipped\" time=\"0.000\">\n"
        "      <properties>\n"
        "        <property name=\"rule\" value=\"R-STATE-07\"/>\n"
        "      </properties>\n"
        "      <skipped message=\"needs a private upay-mock: only with &lt;embedded&gt; #2\"/>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n";
    assert_text(xml, want);
    free(xml);
    unlink(path);
    suite_buf_free(&err);
    suite_set_free(&fx.set);
}
END_TEST

START_TEST(junit_unwritable_path)
{
    fixture fx;
    fixture_load(&fx);
    suite_buf err = {0};
    ck_assert_int_eq(suite_junit_write("/nonexistent-dir/x/report.xml", fx.out, 3, 1.0, &err), -1);
    ck_assert_ptr_nonnull(strstr(suite_buf_str(&err), "/nonexistent-dir/x/report.xml"));
    suite_buf_free(&err);
    suite_set_free(&fx.set);
}
END_TEST

START_TEST(tap_exact)
{
    fixture fx;
    fixture_load(&fx);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    suite_tap_write(f, fx.out, 3);
    char *tap = read_stream(f);
    fclose(f);
    const char *want =
        "TAP version 13\n"
        "1..3\n"
        "ok 1 - pay.ok\n"
        "not ok 2 - pay.<broken> & \"quoted\"\n"
        "  ---\n"
        "  message: \"step 1 (call pay): code should equal \\\"10000\\\": got <20004> & 'FAIL'\"\n"
        "  file: \"scenarios/pay/fixed.json\"\n"
        "  detail: |\n"
        "        problem:  <b>&amp;\n"
        "        response (HTTP 200):\n"
        "          {\"code\":\"20004\"}\n"
        "  ...\n"
        /* '#' would start a second directive: it becomes a space */
        "ok 3 - pay.skipped # SKIP needs a private upay-mock: only with <embedded>  2\n";
    assert_text(tap, want);
    free(tap);
    suite_set_free(&fx.set);
}
END_TEST

START_TEST(tap_quotes_file_path)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_eq(suite_load_text(&set, "{\"name\": \"n\", \"rules\": [\"R-PAY-01\"],"
                                           " \"steps\": [{\"set\": {\"a\": \"1\"}}]}",
                                     "dir/\"odd\"\\name.json", &err), 0);
    suite_outcome o = {.scenario = set.items[0], .status = SUITE_FAIL, .message = "m\nm"};
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    suite_tap_write(f, &o, 1);
    char *tap = read_stream(f);
    fclose(f);
    assert_text(tap, "TAP version 13\n1..1\nnot ok 1 - n\n  ---\n  message: \"m m\"\n"
                     "  file: \"dir/\\\"odd\\\"\\\\name.json\"\n  ...\n");
    free(tap);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

/* Colours on a terminal only, and never with NO_COLOR. */
START_TEST(console_colours_on_a_terminal_only)
{
    fixture fx;
    fixture_load(&fx);
    unsetenv("NO_COLOR");
    FILE *piped = tmpfile();
    ck_assert_ptr_nonnull(piped);
    ck_assert_int_eq(suite_console_colour(piped), 0);
    suite_console_progress(&fx.out[0], 1, 3, piped);
    char *text = read_stream(piped);
    fclose(piped);
    ck_assert_msg(strchr(text, '\033') == NULL, "%s", text);
    free(text);

    int master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(slave, 0);
    FILE *tty = fdopen(slave, "w");
    ck_assert_ptr_nonnull(tty);
    ck_assert_int_eq(suite_console_colour(tty), 1);
    suite_console_progress(&fx.out[0], 1, 3, tty);
    char got[512] = "";
    ssize_t len = read(master, got, sizeof got - 1);
    ck_assert_int_gt(len, 0);
    got[len] = '\0';
    ck_assert_msg(strstr(got, "\033[32mPASS\033[0m pay.ok") != NULL, "%s", got);
    setenv("NO_COLOR", "1", 1);
    ck_assert_int_eq(suite_console_colour(tty), 0);
    unsetenv("NO_COLOR");
    fclose(tty);
    close(master);
    suite_set_free(&fx.set);
}
END_TEST

START_TEST(console_summary_line)
{
    fixture fx;
    fixture_load(&fx);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    suite_console_summary(f, fx.out, 3, 2500.0);
    char *text = read_stream(f);
    fclose(f);
    const char *want =
        "\nFailed:\n"
        "  pay.<broken> & \"quoted\": step 1 (call pay): code should equal \"10000\": got <20004> & 'FAIL'\n"
        "\n1 passed, 1 failed, 1 skipped\n"
        "3 scenarios in 2.50 s\n";
    assert_text(text, want);
    free(text);
    suite_counts c = suite_count(fx.out, 3);
    ck_assert_uint_eq(c.passed, 1);
    ck_assert_uint_eq(c.failed, 1);
    ck_assert_uint_eq(c.skipped, 1);
    suite_set_free(&fx.set);
}
END_TEST

START_TEST(list_exact)
{
    fixture fx;
    fixture_load(&fx);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    suite_list_write(f, fx.set.items, 3);
    char *text = read_stream(f);
    fclose(f);
    const char *want =
        "pay.ok\n  rules: R-PAY-01 R-PAY-03\n  requires: -\n  tags: pay live\n"
        "  file: scenarios/pay/fixed.json\n"
        "pay.<broken> & \"quoted\"\n  rules: R-PAY-08\n  requires: mock,persona\n  tags: -\n"
        "  file: scenarios/pay/fixed.json\n"
        "pay.skipped\n  rules: R-STATE-07\n  requires: mock,private-mock\n  tags: -\n"
        "  file: scenarios/pay/fixed.json\n"
        "\n3 scenarios, 1 runnable without mock control\n";
    assert_text(text, want);
    free(text);
    suite_set_free(&fx.set);
}
END_TEST

static const struct {
    const char *in;
    const char *out;
} escapes[] = {
    {"plain", "plain"},
    {"a<b>c", "a&lt;b&gt;c"},
    {"&amp;", "&amp;amp;"},
    {"\"double\" 'single'", "&quot;double&quot; &apos;single&apos;"},
    {"tab\tnewline\nreturn\r", "tab\tnewline\nreturn\r"},
    {"bell\a nul-free \x01\x1f end", "bell nul-free  end"},
    {"UTF-8 超赢 stays", "UTF-8 超赢 stays"},
    {"", ""},
};

START_TEST(xml_escape_table)
{
    suite_buf b = {0};
    suite_xml_escape(&b, escapes[_i].in);
    ck_assert_str_eq(suite_buf_str(&b), escapes[_i].out);
    suite_buf_free(&b);
}
END_TEST

START_TEST(xml_escape_null)
{
    suite_buf b = {0};
    suite_xml_escape(&b, NULL);
    ck_assert_str_eq(suite_buf_str(&b), "");
    suite_buf_free(&b);
}
END_TEST

Suite *make_suite_report_suite(void)
{
    Suite *s = suite_create("suite_report");
    TCase *tc = tcase_create("junit");
    tcase_add_test(tc, junit_exact);
    tcase_add_test(tc, junit_unwritable_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("tap");
    tcase_add_test(tc, tap_exact);
    tcase_add_test(tc, tap_quotes_file_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("console");
    tcase_add_test(tc, console_summary_line);
    tcase_add_test(tc, console_colours_on_a_terminal_only);
    tcase_add_test(tc, list_exact);
    suite_add_tcase(s, tc);
    tc = tcase_create("escape");
    tcase_add_loop_test(tc, xml_escape_table, 0, sizeof escapes / sizeof escapes[0]);
    tcase_add_test(tc, xml_escape_null);
    suite_add_tcase(s, tc);
    return s;
}
