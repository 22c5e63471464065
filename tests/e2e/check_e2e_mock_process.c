/*
 * check_e2e_mock_process.c - upay-mock as a program and as a configured
 * server: runs build/bin/upay-mock (fork/exec, --listen 127.0.0.1:0) and
 * reads its "listening" line, restarts it over a --state file after a
 * SIGKILL, checks --seed, --config with --strict-merchants and a minimum
 * version, --admin-token, TLS, --dialect and --min-version, and the
 * command line.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e/mock_child.h"
#include "e2e/mock_test_util.h"

#define MOCK_BIN MT_MOCK_BIN

/* Run the program to completion with `args`; returns its exit status, output in `out`. */
static int run_program(const char *const *args, char *out, size_t outlen)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    const char *argv[16] = { MOCK_BIN };
    int n = 1;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(MOCK_BIN, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t got;
    while (len < outlen - 1 && (got = read(fds[0], out + len, outlen - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = '\0';
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    curl_global_cleanup();
}

START_TEST(binary_listens_and_stops)
{
    const char *args[] = { "--listen", "127.0.0.1:0", "--quiet", NULL };
    mt_child c;
    mt_child_start(&c, args);
    ck_assert_ptr_nonnull(strstr(c.url, "http://127.0.0.1:"));   /* the port it really got */
    long status = 0;
    char *body = mt_admin(c.url, "GET", "/mock/health", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, "upay-mock"));
    free(body);
    mt_gw gw;
    mt_gw_init(&gw, c.url);
    char code[32];
    mt_code(code, "WECHAT", NULL, 1);
    upay_params *p = mt_pay(&gw, "BIN1", "BIN00001", "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    ck_assert_int_eq(mt_child_stop(&c, SIGTERM), 0);
}
END_TEST

START_TEST(restart_keeps_state)
{
    char path[] = "/tmp/upay-mock-state-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(path);
    const char *args[] = { "--listen", "127.0.0.1:0", "--quiet", "--state", path, "--seed", "7", NULL };
    mt_child c;
    mt_child_start(&c, args);
    mt_gw gw;
    mt_gw_init(&gw, c.url);
    char code[32], later[32];
    mt_code(code, "WECHAT", NULL, 11);
    mt_code(later, "ALIPAY", "9101", 12);

    upay_params *p = mt_pay(&gw, "ST1", "STATE0001", "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    char tid[40];
    snprintf(tid, sizeof tid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);
    p = mt_call(&gw, "refund", "mch_id", "ST1", "paytype", "WECHAT", "out_trade_no", "STATE0001",
                "out_refund_no", "SR1", "total_fee", "100", "refund_fee", "40", "op_user_id", "o", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    char rid[40];
    snprintf(rid, sizeof rid, "%s", mt_field(p, "refund_id"));
    upay_params_free(p);
    p = mt_pay(&gw, "ST1", "STATE0002", "100", later);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    p = mt_call(&gw, "refund", "mch_id", "ST1", "paytype", "ALIPAY", "out_trade_no", "STATE0002",
                "out_refund_no", "SR2", "total_fee", "100", "refund_fee", "100", "op_user_id", "o", NULL);
    mt_expect(p, "SUCCESS", "10000", "PROCESSING");
    upay_params_free(p);
    mt_advance(c.url, "ST1", 3600);

    /* Killed without warning: everything answered must survive (R-STATE-07). */
    ck_assert_int_eq(mt_child_stop(&c, SIGKILL), 128 + SIGKILL);
    mt_child_start(&c, args);
    mt_gw_init(&gw, c.url);

    p = mt_call(&gw, "orderquery", "mch_id", "ST1", "paytype", "WECHAT", "out_trade_no", "STATE0001", NULL);
    mt_expect(p, "SUCCESS", "10002", "REFUND");
    ck_assert_str_eq(mt_field(p, "transaction_id"), tid);
    upay_params_free(p);
    p = mt_call(&gw, "refund", "mch_id", "ST1", "paytype", "WECHAT", "out_trade_no", "STATE0001",
                "out_refund_no", "SR1", "total_fee", "100", "refund_fee", "40", "op_user_id", "o", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_id"), rid);
    upay_params_free(p);
    /* The merchant kept its clock (1 h of the 24 h settlement). A minute of
     * margin: real seconds also pass, and may cross a second boundary. */
    mt_advance(c.url, "ST1", 86400 - 3600 - 60);
    p = mt_call(&gw, "refundquery", "mch_id", "ST1", "paytype", "ALIPAY", "out_refund_no", "SR2", NULL);
    ck_assert_ptr_nonnull(strstr(mt_field(p, "refund_list"), "PROCESSING"));
    upay_params_free(p);
    mt_advance(c.url, "ST1", 60);
    p = mt_call(&gw, "refundquery", "mch_id", "ST1", "paytype", "ALIPAY", "out_refund_no", "SR2", NULL);
    ck_assert_ptr_nonnull(strstr(mt_field(p, "refund_list"), "\"SUCCESS\""));
    upay_params_free(p);
    /* New ids after a seeded restart do not collide with the stored ones. */
    mt_code(code, "WECHAT", NULL, 13);
    p = mt_pay(&gw, "ST1", "STATE0003", "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_ne(mt_field(p, "transaction_id"), tid);
    upay_params_free(p);
    /* The merchant still belongs to agent 1. */
    mt_gw two = gw;
    two.agent_id = MT_AGENT2;
    two.key = MT_KEY2;
    p = mt_call(&two, "orderquery", "mch_id", "ST1", "paytype", "WECHAT", "out_trade_no", "STATE0001", NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    ck_assert_int_eq(mt_child_stop(&c, SIGINT), 0);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}
END_TEST

START_TEST(seed_reproducible)
{
    char tids[2][40], nonces[2][40];
    for (int i = 0; i < 2; i++) {
        mock_options o;
        memset(&o, 0, sizeof o);
        o.has_seed = 1;
        o.seed = 42;
        mock_server *s = mt_start(&o);
        mt_gw gw;
        mt_gw_init(&gw, mock_server_url(s));
        char code[32];
        mt_code(code, "WECHAT", NULL, 5);
        upay_params *p = mt_pay(&gw, "SEED1", "SEED00001", "1", code);
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        snprintf(tids[i], sizeof tids[i], "%s", mt_field(p, "transaction_id"));
        snprintf(nonces[i], sizeof nonces[i], "%s", mt_field(p, "nonce_str"));
        upay_params_free(p);
        mock_server_stop(s);
    }
    ck_assert_str_eq(tids[0], tids[1]);
    ck_assert_str_eq(nonces[0], nonces[1]);
}
END_TEST

static const char config_json[] =
    "{\"agents\":[{\"agent_id\":\"800001\",\"key\":\"K-ONE\"},"
    "{\"agent_id\":\"800002\",\"key\":\"K-TWO\",\"sign_types\":[\"HMAC-SHA256\"]}],"
    "\"merchants\":[{\"mch_id\":\"CFG1\",\"agent_id\":\"800001\"},"
    "{\"mch_id\":\"CFG2\",\"agent_id\":\"800002\"}],"
    "\"min_version\":\"2.0\"}";

START_TEST(config_strict_version)
{
    char path[] = "/tmp/upay-mock-config-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, config_json, strlen(config_json)), (ssize_t)strlen(config_json));
    close(fd);
    mock_options o;
    memset(&o, 0, sizeof o);
    o.config_path = path;
    o.strict_merchants = 1;
    mock_server *s = mt_start(&o);
    mt_gw gw;
    mt_gw_init(&gw, mock_server_url(s));
    gw.agent_id = "800001";
    gw.key = "K-ONE";
    char code[32];
    mt_code(code, "WECHAT", NULL, 9);

    upay_params *p = mt_pay(&gw, "CFG1", "CFG000001", "1", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    /* Strict: an unconfigured merchant is unknown (R-CHECK-06); another agent's is refused. */
    p = mt_pay(&gw, "OTHER1", "CFG000002", "1", code);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    p = mt_pay(&gw, "CFG2", "CFG000003", "1", code);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    /* The built-in agents are gone when a config is given. */
    mt_gw builtin;
    mt_gw_init(&builtin, mock_server_url(s));
    p = mt_pay(&builtin, "CFG1", "CFG000004", "1", code);
    mt_expect(p, "FAIL", "20012", NULL);
    upay_params_free(p);
    /* Minimum version: lower is VER (signed), equal or absent passes (R-CHECK-11). */
    p = mt_call(&gw, "orderquery", "version", "1.9", "mch_id", "CFG1", "paytype", "WECHAT",
                "out_trade_no", "CFG000001", NULL);
    mt_expect(p, "VER", "20004", NULL);
    upay_params_free(p);
    p = mt_call(&gw, "orderquery", "version", "2.0", "mch_id", "CFG1", "paytype", "WECHAT",
                "out_trade_no", "CFG000001", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    /* An HMAC-only agent refuses MD5 (R-SIGN-13), accepts HMAC-SHA256. */
    mt_gw two = gw;
    two.agent_id = "800002";
    two.key = "K-TWO";
    p = mt_pay(&two, "CFG2", "CFG000005", "1", code);
    mt_expect(p, "FAIL", "20002", NULL);
    upay_params_free(p);
    two.type = UPAY_SIGN_HMAC_SHA256;
    p = mt_pay(&two, "CFG2", "CFG000005", "1", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    mock_server_stop(s);

    /* A broken config stops the start with a sentence. */
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_eq(write(fd, "{\"agents\":[]}", 13), 13);
    close(fd);
    char err[256] = "";
    o.quiet = 1;
    o.listen = "127.0.0.1:0";
    ck_assert_ptr_null(mock_server_start(&o, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "agents"));
    unlink(path);
}
END_TEST

START_TEST(admin_token)
{
    mock_options o;
    memset(&o, 0, sizeof o);
    o.admin_token = "s3cret";
    mock_server *s = mt_start(&o);
    char url[160];
    snprintf(url, sizeof url, "%s/mock/health", mock_server_url(s));
    mt_http_reply r;
    ck_assert_int_eq(mt_http("GET", url, NULL, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 401);
    mt_http_reply_free(&r);
    ck_assert_int_eq(mt_http("GET", url, NULL, NULL, 0, "Authorization: Bearer wrong", &r), 0);
    ck_assert_int_eq(r.status, 401);
    mt_http_reply_free(&r);
    ck_assert_int_eq(mt_http("GET", url, NULL, NULL, 0, "Authorization: Bearer s3cret", &r), 0);
    ck_assert_int_eq(r.status, 200);
    mt_http_reply_free(&r);
    ck_assert_int_eq(mt_http("GET", url, NULL, NULL, 0, "X-Upay-Admin-Token: s3cret", &r), 0);
    ck_assert_int_eq(r.status, 200);
    mt_http_reply_free(&r);
    mock_server_stop(s);
}
END_TEST

START_TEST(command_line)
{
    char out[8192];
    const char *help[] = { "--help", NULL };
    ck_assert_int_eq(run_program(help, out, sizeof out), 0);
    static const char *const options[] = { "--listen", "--config", "--state", "--seed", "--tls-cert",
                                           "--tls-key", "--strict-merchants", "--admin-token",
                                           "--quiet", "9001", "9104", "--dialect",
                                           "--min-version", "--verbose",
                                           "/v2/UnifiedPay/Gateway" };
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        ck_assert_msg(strstr(out, options[i]) != NULL, "--help lacks %s", options[i]);
    const char *unknown[] = { "--bogus", NULL };
    ck_assert_int_eq(run_program(unknown, out, sizeof out), 2);
    const char *bad_seed[] = { "--seed", "-3", NULL };
    ck_assert_int_eq(run_program(bad_seed, out, sizeof out), 2);
    const char *bad_listen[] = { "--listen", "nowhere", "--quiet", NULL };
    ck_assert_int_eq(run_program(bad_listen, out, sizeof out), 1);
    ck_assert_ptr_nonnull(strstr(out, "HOST:PORT"));
    const char *missing[] = { "--config", NULL };
    ck_assert_int_eq(run_program(missing, out, sizeof out), 2);
    const char *bad_dialect[] = { "--listen", "127.0.0.1:0", "--dialect", "v3", NULL };
    ck_assert_int_eq(run_program(bad_dialect, out, sizeof out), 1);
    ck_assert_ptr_nonnull(strstr(out, "seed or live"));
    const char *no_version[] = { "--min-version", NULL };
    ck_assert_int_eq(run_program(no_version, out, sizeof out), 2);
}
END_TEST

/* The program's --dialect live and --min-version reach the gateway. */
START_TEST(dialect_options)
{
    const char *args[] = { "--listen", "127.0.0.1:0", "--quiet", "--dialect", "live",
                           "--min-version", "2.0", NULL };
    mt_child c;
    mt_child_start(&c, args);
    mt_gw gw;
    mt_gw_init(&gw, c.url);
    gw.live = 1;
    upay_params *p = mt_call(&gw, "orderquery", "pid", "x", "version", "1.9", "mch_id", "DIA1",
                             "paytype", "WECHAT", "out_trade_no", "NOSUCHORDER", NULL);
    mt_expect(p, "VER", "20004", NULL);
    ck_assert_int_eq((int)upay_params_count(p), 3);   /* live: bare state, code, msg */
    upay_params_free(p);
    p = mt_call(&gw, "orderquery", "version", "2.0", "mch_id", "DIA1", "paytype", "WECHAT",
                "out_trade_no", "NOSUCHORDER", NULL);
    mt_expect(p, "FAIL", "20004", NULL);              /* live: pid is required */
    upay_params_free(p);
    ck_assert_int_eq(mt_child_stop(&c, SIGTERM), 0);
}
END_TEST

static void add(Suite *s, TCase *tc, const TTest *test)
{
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

Suite *make_e2e_mock_process_suite(void)
{
    Suite *s = suite_create("e2e_mock_process");
    add(s, tcase_create("binary"), binary_listens_and_stops);
    add(s, tcase_create("restart_state"), restart_keeps_state);
    add(s, tcase_create("seed"), seed_reproducible);
    add(s, tcase_create("config_strict"), config_strict_version);
    add(s, tcase_create("admin_token"), admin_token);
    add(s, tcase_create("command_line"), command_line);
    add(s, tcase_create("dialect_options"), dialect_options);
    return s;
}
