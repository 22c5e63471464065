/*
 * check_e2e_suite_cli.c - what CI sees of upay-suite: the exit status (0
 * passed or nothing selected, 1 a scenario failed, 2 usage or a bad scenario
 * file, 3 a target that is not there or is no UnifiedPay gateway), and the
 * JUnit and TAP reports written in every case, including the runs that could
 * not start. Runs suite_cli_main() in-process against embedded mocks.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "http.h"
#include "mock.h"
#include "util.h"

typedef struct run_result {
    int status;
    char *out;      /* stdout (TAP with --tap) */
    char *err;      /* stderr (the console with --tap) */
    char *junit;    /* the JUnit file, or NULL when none was written */
} run_result;

static char dir[] = "/tmp/check_e2e_suite_cli_XXXXXX";
static char junit_path[128], good_path[128], failing_path[128], broken_path[128];

static char *slurp(FILE *f)
{
    fflush(f);
    long len = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)(len > 0 ? len : 0) + 1);
    ck_assert_ptr_nonnull(buf);
    if (len > 0)
        ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Run upay-suite with the NULL-terminated `args` (after the program name). */
static run_result run(const char *const *args)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "upay-suite";
    for (size_t i = 0; args[i] && argc < 31; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    unlink(junit_path);
    FILE *out = tmpfile(), *err = tmpfile();
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    run_result r;
    r.status = suite_cli_main(argc, argv, out, err);
    r.out = slurp(out);
    r.err = slurp(err);
    r.junit = suite_read_file(junit_path, NULL);
    return r;
}

static void run_result_free(run_result *r)
{
    free(r->out);
    free(r->err);
    free(r->junit);
}

/* A port on 127.0.0.1 where nothing listens: bound to learn it, then closed. */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(junit_path, sizeof junit_path, "%s/junit.xml", dir);
    snprintf(good_path, sizeof good_path, "%s/good.json", dir);
    snprintf(failing_path, sizeof failing_path, "%s/failing.json", dir);
    snprintf(broken_path, sizeof broken_path, "%s/broken.json", dir);
    write_text(good_path, "{\"scenarios\": [\n"
                          " {\"name\": \"cli.one\", \"tags\": [\"a\"], \"steps\": [\n"
                          "  {\"call\": \"orderquery\", \"params\": {\"paytype\": \"WECHAT\","
                          " \"out_trade_no\": \"${gen:o}\"}, \"expect\": {\"code\": \"20007\"}}]},\n"
                          " {\"name\": \"cli.two\", \"tags\": [\"a\"],"
                          " \"steps\": [{\"set\": {\"x\": \"1\"}}]}\n]}\n");
    write_text(failing_path, "{\"name\": \"cli.fails\", \"steps\": [\n"
                             " {\"call\": \"orderquery\", \"params\": {\"paytype\": \"WECHAT\","
                             " \"out_trade_no\": \"${gen:o}\"}, \"expect\": {\"code\": \"10000\"}}]}\n");
    write_text(broken_path, "// a scenario with a typo\n{\"name\": \"cli.broken\",\n"
                            "  \"steps\": [{\"set\": {\"x\": \"1\"}}]\n  \"tags\": []}\n");
}

static void teardown(void)
{
    unlink(junit_path);
    unlink(good_path);
    unlink(failing_path);
    unlink(broken_path);
    rmdir(dir);
    memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

START_TEST(passed_and_failed)
{
    const char *ok[] = {"-q", "--junit", junit_path, good_path, NULL};
    run_result r = run(ok);
    ck_assert_msg(r.status == 0, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "2 passed, 0 failed, 0 skipped"));
    ck_assert_ptr_nonnull(r.junit);
    ck_assert_ptr_nonnull(strstr(r.junit, "tests=\"2\" failures=\"0\""));
    run_result_free(&r);

    const char *bad[] = {"-q", "--tap", "--junit", junit_path, failing_path, NULL};
    r = run(bad);
    ck_assert_msg(r.status == 1, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "not ok 1 - cli.fails"));
    ck_assert_ptr_nonnull(strstr(r.junit, "<failure"));
    run_result_free(&r);
}
END_TEST

/* An empty shard or filter is a selection: 0, with empty reports. */
START_TEST(empty_selection_passes)
{
    const char *shard[] = {"--shard", "190/200", "--tap", "--junit", junit_path, good_path, NULL};
    run_result r = run(shard);
    ck_assert_msg(r.status == 0, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, "TAP version 13\n1..0\n") != NULL, "%s", r.out);
    ck_assert_ptr_nonnull(r.junit);
    ck_assert_ptr_nonnull(strstr(r.junit, "tests=\"0\""));
    ck_assert_ptr_nonnull(strstr(r.err, "0 passed, 0 failed, 0 skipped"));
    run_result_free(&r);

    const char *tagged[] = {"--tag", "nothing-has-it", "--shard", "2/3", good_path, NULL};
    r = run(tagged);
    ck_assert_msg(r.status == 0, "%d: %s%s", r.status, r.out, r.err);
    run_result_free(&r);
}
END_TEST

/* Nothing listens: 3, one clear line, and both reports say so. Credentials do not matter. */
START_TEST(dead_target_exits_3)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", dead_port());
    const char *args[] = {"--target", url, "--tap", "--junit", junit_path, good_path, NULL};
    run_result r = run(args);
    ck_assert_msg(r.status == 3, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.err, "upay-suite: cannot reach http://127.0.0.1:") == r.err, "%s", r.err);
    ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line: %s", r.err);
    ck_assert_msg(strstr(r.out, "Bail out! cannot reach") != NULL, "%s", r.out);
    ck_assert_ptr_nonnull(r.junit);
    ck_assert_msg(strstr(r.junit, "<error type=\"target\" message=\"cannot reach") != NULL, "%s",
                  r.junit);
    run_result_free(&r);

    const char *keyed[] = {"--target", url, "--agent-id", "1", "--key", "k", good_path, NULL};
    r = run(keyed);
    ck_assert_int_eq(r.status, 3);
    run_result_free(&r);
}
END_TEST

/* Something answers, but not as a UnifiedPay gateway: 3 too. */
START_TEST(not_a_gateway_exits_3)
{
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.listen = "127.0.0.1:0";
    opts.quiet = 1;
    char msg[256];
    mock_server *srv = mock_server_start(&opts, msg, sizeof msg);
    ck_assert_msg(srv != NULL, "%s", msg);
    char url[128];
    snprintf(url, sizeof url, "%s/mock/health", mock_server_url(srv));
    const char *args[] = {"--target", url, "--junit", junit_path, good_path, NULL};
    run_result r = run(args);
    ck_assert_msg(r.status == 3, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.err, "is not a UnifiedPay gateway") != NULL, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.junit, "<error type=\"target\""));
    run_result_free(&r);
    mock_server_stop(srv);
}
END_TEST

/* A bad scenario file: 2, its file:line:column, and reports that say so. */
START_TEST(bad_file_exits_2_with_reports)
{
    const char *args[] = {"--tap", "--junit", junit_path, good_path, broken_path, NULL};
    run_result r = run(args);
    ck_assert_msg(r.status == 2, "%d: %s%s", r.status, r.out, r.err);
    char where[160];
    snprintf(where, sizeof where, "%s:4:3: not valid JSON", broken_path);
    ck_assert_msg(strstr(r.err, where) != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.out, "Bail out! ") != NULL, "%s", r.out);
    ck_assert_ptr_nonnull(r.junit);
    ck_assert_msg(strstr(r.junit, "<error type=\"scenarios\"") && strstr(r.junit, where), "%s",
                  r.junit);
    run_result_free(&r);

    const char *usage[] = {"--tap", "--junit", junit_path, "--shard", "9/2", good_path, NULL};
    r = run(usage);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.out, "Bail out! --shard"));
    ck_assert_ptr_nonnull(r.junit);
    run_result_free(&r);
}
END_TEST

/* An unwritable --junit path stops the run before it starts. */
START_TEST(unwritable_report_checked_first)
{
    char path[160];
    snprintf(path, sizeof path, "%s/no/such/dir/junit.xml", dir);
    const char *args[] = {"--tap", "--junit", path, good_path, NULL};
    run_result r = run(args);
    ck_assert_msg(r.status == 2, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.err, "cannot write") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "scenario(s) against") == NULL, "the run started: %s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "Bail out! cannot write"));
    run_result_free(&r);
}
END_TEST

/* Against an external mock, the rules a scenario added are gone when it ends, failed or not. */
START_TEST(rules_removed_after_each_scenario)
{
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.listen = "127.0.0.1:0";
    opts.quiet = 1;
    opts.frozen_clock = 1;
    char msg[256];
    mock_server *srv = mock_server_start(&opts, msg, sizeof msg);
    ck_assert_msg(srv != NULL, "%s", msg);
    write_text(good_path,
               "{\"scenarios\": [\n"
               " {\"name\": \"rules.always\", \"requires\": [\"mock\"], \"steps\": [\n"
               "  {\"mock\": \"rule\", \"rule\": {\"fault\": \"system_error\", \"method\": \"refund\","
               " \"times\": \"always\"}},\n"
               "  {\"mock\": \"rule\", \"rule\": {\"fault\": \"drop\", \"mch_id\": null,"
               " \"method\": \"cancel\", \"out_trade_no\": \"${gen:o}\", \"times\": \"always\"}}]},\n"
               " {\"name\": \"rules.failing\", \"requires\": [\"mock\"], \"steps\": [\n"
               "  {\"mock\": \"rule\", \"rule\": {\"fault\": \"system_error\", \"times\": \"always\"}},\n"
               "  {\"mock\": \"rules\", \"expect\": {\"rules\": false}}]}\n]}\n");
    const char *args[] = {"-q", "--target", mock_server_url(srv), good_path, NULL};
    run_result r = run(args);
    ck_assert_msg(r.status == 1, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, "1 passed, 1 failed") != NULL, "%s", r.out);
    run_result_free(&r);
    char url[160];
    snprintf(url, sizeof url, "%s/mock/rules", mock_server_url(srv));
    suite_http_request req = {.method = "GET", .url = url};
    suite_http_response res;
    ck_assert_int_eq(suite_http(&req, &res), 0);
    ck_assert_msg(strcmp(res.body, "{\"rules\":[]}") == 0, "rules left behind: %s", res.body);
    suite_http_response_free(&res);
    mock_server_stop(srv);
}
END_TEST

/* `upay-suite client` shares the exit statuses and the reports of a run that cannot run. */
START_TEST(client_exit_statuses)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", dead_port());
    const char *dead[] = {"client", "--cmd", "true", "--target", url, "--tap", "--junit",
                          junit_path, NULL};
    run_result r = run(dead);
    ck_assert_msg(r.status == 3, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.err, "upay-suite client: cannot reach") == r.err, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "Bail out! cannot reach"));
    ck_assert_ptr_nonnull(r.junit);
    ck_assert_ptr_nonnull(strstr(r.junit, "<error type=\"target\""));
    run_result_free(&r);

    const char *empty[] = {"client", "--cmd", "true", "--name", "no-such-scenario", "--tap",
                           "--junit", junit_path, NULL};
    r = run(empty);
    ck_assert_msg(r.status == 0, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "1..0"));
    ck_assert_ptr_nonnull(strstr(r.junit, "tests=\"0\""));
    run_result_free(&r);

    const char *broken[] = {"client", "--cmd", "true", "--junit", junit_path, broken_path, NULL};
    r = run(broken);
    ck_assert_msg(r.status == 2, "%d: %s%s", r.status, r.out, r.err);
    char where[160];
    snprintf(where, sizeof where, "%s:4:3: not valid JSON", broken_path);
    ck_assert_msg(strstr(r.err, where) != NULL, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.junit, "<error type=\"scenarios\""));
    run_result_free(&r);

    char path[160];
    snprintf(path, sizeof path, "%s/no/dir/junit.xml", dir);
    const char *unwritable[] = {"client", "--cmd", "true", "--junit", path, NULL};
    r = run(unwritable);
    ck_assert_msg(r.status == 2, "%d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.err, "cannot write") != NULL, "%s", r.err);
    run_result_free(&r);
}
END_TEST

Suite *make_e2e_suite_cli_suite(void)
{
    Suite *s = suite_create("e2e_suite_cli");
    TCase *tc = tcase_create("exit");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, passed_and_failed);
    tcase_add_test(tc, empty_selection_passes);
    tcase_add_test(tc, dead_target_exits_3);
    tcase_add_test(tc, not_a_gateway_exits_3);
    tcase_add_test(tc, bad_file_exits_2_with_reports);
    tcase_add_test(tc, unwritable_report_checked_first);
    suite_add_tcase(s, tc);
    tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rules_removed_after_each_scenario);
    suite_add_tcase(s, tc);
    tc = tcase_create("client");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, client_exit_statuses);
    suite_add_tcase(s, tc);
    return s;
}
