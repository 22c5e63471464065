/*
 * check_e2e_mock_rel_isolation.c - one agent can never touch another
 * agent's merchants: agent 2 can neither read, refund nor cancel agent 1's
 * orders, whether it names agent 1's merchant (20005) or reuses agent 1's
 * numbers under a merchant of its own (20007: lookups are per merchant),
 * and agent 1's orders are unchanged afterwards. The admin API refuses
 * clients that are not on loopback unless --admin-token is set, and with a
 * token refuses every request that lacks it. The remote cases bind the mock
 * to 0.0.0.0 and connect through the machine's first non-loopback IPv4
 * address; without one they say so and check the loopback half only.
 */
/* IFF_UP and IFF_LOOPBACK are not POSIX. */
#define _DEFAULT_SOURCE 1
#include <arpa/inet.h>
#include <check.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e/mock_test_util.h"

#define MCH1 "ISO1"       /* agent 1's merchant */
#define MCH2 "ISO2"       /* agent 2's merchant */
#define OTN "ISOLATED01"

static mock_server *server;
static mt_gw one, two;
static char tid[40], rid[40];

/* Agent 1 pays OTN (100 fen) and refunds 10 of it as ISORN1; agent 2 gets a merchant. */
static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server = mt_start(NULL);
    mt_gw_init(&one, mock_server_url(server));
    two = one;
    two.agent_id = MT_AGENT2;
    two.key = MT_KEY2;
    char code[32];
    mt_code(code, "WECHAT", NULL, 71);
    upay_params *p = mt_pay(&one, MCH1, OTN, "100", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    snprintf(tid, sizeof tid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);
    p = mt_call(&one, "refund", "mch_id", MCH1, "paytype", "WECHAT", "out_trade_no", OTN,
                "out_refund_no", "ISORN1", "total_fee", "100", "refund_fee", "10", "op_user_id", "o",
                NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    snprintf(rid, sizeof rid, "%s", mt_field(p, "refund_id"));
    upay_params_free(p);
    mt_code(code, "WECHAT", NULL, 72);
    p = mt_pay(&two, MCH2, "ISOTWO0001", "1", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
}

static void teardown(void)
{
    mock_server_stop(server);
    curl_global_cleanup();
}

/* Agent 1's order is exactly as setup left it: paid 100, one refund of 10. */
static void assert_untouched(void)
{
    upay_params *p = mt_call(&one, "orderquery", "mch_id", MCH1, "paytype", "WECHAT",
                             "out_trade_no", OTN, NULL);
    mt_expect(p, "SUCCESS", "10002", "REFUND");
    upay_params_free(p);
    p = mt_call(&one, "refundquery", "mch_id", MCH1, "paytype", "WECHAT", "out_trade_no", OTN, NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "1");
    ck_assert_str_eq(mt_field(p, "refund_fee_summary"), "10");
    upay_params_free(p);
    long status = 0;
    char *body = mt_admin(one.base, "GET", "/mock/ledger?mch_id=" MCH1, NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, "\"consistent\":true"));
    ck_assert_ptr_nonnull(strstr(body, "\"refunded_fee\":10"));
    free(body);
}

START_TEST(cannot_read)
{
    /* Naming agent 1's merchant: refused before any lookup. */
    upay_params *p = mt_call(&two, "orderquery", "mch_id", MCH1, "paytype", "WECHAT",
                             "out_trade_no", OTN, NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    ck_assert_ptr_null(upay_params_get(p, "transaction_id"));
    ck_assert_ptr_null(upay_params_get(p, "total_fee"));
    upay_params_free(p);
    p = mt_call(&two, "orderquery", "mch_id", MCH1, "paytype", "WECHAT", "transaction_id", tid, NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    p = mt_call(&two, "refundquery", "mch_id", MCH1, "paytype", "WECHAT", "refund_id", rid, NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    ck_assert_ptr_null(upay_params_get(p, "refund_list"));
    upay_params_free(p);
    /* Agent 1's numbers under agent 2's own merchant: no such order or refund. */
    p = mt_call(&two, "orderquery", "mch_id", MCH2, "paytype", "WECHAT", "out_trade_no", OTN, NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    p = mt_call(&two, "orderquery", "mch_id", MCH2, "paytype", "WECHAT", "transaction_id", tid, NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    p = mt_call(&two, "refundquery", "mch_id", MCH2, "paytype", "WECHAT", "refund_id", rid, NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    p = mt_call(&two, "refundquery", "mch_id", MCH2, "paytype", "WECHAT", "out_refund_no", "ISORN1",
                NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    assert_untouched();
}
END_TEST

START_TEST(cannot_refund)
{
    upay_params *p = mt_call(&two, "refund", "mch_id", MCH1, "paytype", "WECHAT", "out_trade_no", OTN,
                             "out_refund_no", "STEAL1", "total_fee", "100", "refund_fee", "90",
                             "op_user_id", "o", NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    p = mt_call(&two, "refund", "mch_id", MCH1, "paytype", "WECHAT", "transaction_id", tid,
                "out_refund_no", "STEAL2", "total_fee", "100", "refund_fee", "90", "op_user_id", "o",
                NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    /* Through its own merchant, with agent 1's order numbers or refund number. */
    p = mt_call(&two, "refund", "mch_id", MCH2, "paytype", "WECHAT", "transaction_id", tid,
                "out_refund_no", "STEAL3", "total_fee", "100", "refund_fee", "90", "op_user_id", "o",
                NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    p = mt_call(&two, "refund", "mch_id", MCH2, "paytype", "WECHAT", "out_trade_no", OTN,
                "out_refund_no", "ISORN1", "total_fee", "100", "refund_fee", "10", "op_user_id", "o",
                NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    assert_untouched();
}
END_TEST

START_TEST(cannot_cancel)
{
    /* A fresh paid order of agent 1 (cancellable: no refund, inside the 5 minutes). */
    char code[32];
    mt_code(code, "WECHAT", NULL, 73);
    upay_params *p = mt_pay(&one, MCH1, "ISOLATED02", "50", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    p = mt_call(&two, "cancel", "mch_id", MCH1, "paytype", "WECHAT", "out_trade_no", "ISOLATED02",
                "op_user_id", "o", NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    p = mt_call(&two, "cancel", "mch_id", MCH2, "paytype", "WECHAT", "out_trade_no", "ISOLATED02",
                "op_user_id", "o", NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    p = mt_call(&one, "orderquery", "mch_id", MCH1, "paytype", "WECHAT", "out_trade_no", "ISOLATED02",
                NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    /* Nor can it take the merchant over by paying in its name. */
    mt_code(code, "WECHAT", NULL, 74);
    p = mt_pay(&two, MCH1, "ISOLATED03", "1", code);
    mt_expect(p, "FAIL", "20005", NULL);
    upay_params_free(p);
    p = mt_call(&one, "orderquery", "mch_id", MCH1, "paytype", "WECHAT", "out_trade_no", "ISOLATED03",
                NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    assert_untouched();
}
END_TEST

/* ---- admin API from another host ---- */

/*
 * The first non-loopback IPv4 address that is up, into `out`; 0 when there
 * is none, or when UPAY_TEST_HOST_ADDRESS is not set: tests here talk to
 * loopback only unless asked, since the traffic to the machine's own
 * address, though it never leaves it, is not loopback traffic.
 */
static int remote_address(char out[INET_ADDRSTRLEN])
{
    if (!getenv("UPAY_TEST_HOST_ADDRESS")) {
        fprintf(stderr, "set UPAY_TEST_HOST_ADDRESS=1 to test the admin API from this "
                        "machine's own non-loopback address\n");
        return 0;
    }
    struct ifaddrs *all = NULL;
    if (getifaddrs(&all) != 0)
        return 0;
    int found = 0;
    for (struct ifaddrs *i = all; i && !found; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP)
            || (i->ifa_flags & IFF_LOOPBACK))
            continue;
        const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
        if ((ntohl(a->sin_addr.s_addr) >> 24) == 127)
            continue;
        found = inet_ntop(AF_INET, &a->sin_addr, out, INET_ADDRSTRLEN) != NULL;
    }
    freeifaddrs(all);
    return found;
}

/* HTTP status of GET `path` at host:port, with `header` (may be NULL). */
static long get_status(const char *host, int port, const char *path, const char *header)
{
    char url[160];
    snprintf(url, sizeof url, "http://%s:%d%s", host, port, path);
    mt_http_reply r;
    ck_assert_msg(mt_http("GET", url, NULL, NULL, 0, header, &r) == 0, "no answer from %s", url);
    long status = r.status;
    mt_http_reply_free(&r);
    return status;
}

static mock_server *start_on_any(const char *token)
{
    mock_options o;
    memset(&o, 0, sizeof o);
    o.listen = "0.0.0.0:0";
    o.admin_token = token;
    return mt_start(&o);
}

START_TEST(admin_loopback_only)
{
    mock_server *s = start_on_any(NULL);
    int port = mock_server_port(s);
    ck_assert_int_eq(get_status("127.0.0.1", port, "/mock/health", NULL), 200);
    ck_assert_int_eq(get_status("127.0.0.1", port, "/mock/ledger", NULL), 200);
    char addr[INET_ADDRSTRLEN];
    if (!remote_address(addr)) {
        fprintf(stderr, "admin_loopback_only: no non-loopback IPv4 address here; "
                        "the remote half is not checked\n");
        mock_server_stop(s);
        return;
    }
    static const char *const paths[] = {
        "/mock/health", "/mock/orders", "/mock/journal", "/mock/ledger", "/mock/clock",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        ck_assert_msg(get_status(addr, port, paths[i], NULL) == 403, "%s from %s not refused",
                      paths[i], addr);
    /* A forged header does not make a remote client local. */
    ck_assert_int_eq(get_status(addr, port, "/mock/health", "X-Forwarded-For: 127.0.0.1"), 403);
    /* Changes are refused too, and changed nothing. */
    char url[160];
    snprintf(url, sizeof url, "http://%s:%d/mock/reset", addr, port);
    mt_http_reply r;
    ck_assert_int_eq(mt_http("POST", url, "application/json", "{}", 2, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    mt_http_reply_free(&r);
    /* The gateway itself answers remote clients. */
    char base[96];
    snprintf(base, sizeof base, "http://%s:%d", addr, port);
    mt_gw remote;
    mt_gw_init(&remote, base);
    char code[32];
    mt_code(code, "WECHAT", NULL, 75);
    upay_params *p = mt_pay(&remote, "ISOREMOTE", "ISOREMOTE1", "1", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    mock_server_stop(s);
}
END_TEST

START_TEST(admin_token_required)
{
    mock_server *s = start_on_any("t0ken-42");
    int port = mock_server_port(s);
    char addr[INET_ADDRSTRLEN];
    int have_remote = remote_address(addr);
    if (!have_remote)
        fprintf(stderr, "admin_token_required: no non-loopback IPv4 address here; "
                        "checked from loopback only\n");
    const char *hosts[2] = { "127.0.0.1", have_remote ? addr : NULL };
    for (int h = 0; h < 2 && hosts[h]; h++) {
        ck_assert_int_eq(get_status(hosts[h], port, "/mock/health", NULL), 401);
        ck_assert_int_eq(get_status(hosts[h], port, "/mock/ledger", "Authorization: Bearer nope"), 401);
        ck_assert_int_eq(get_status(hosts[h], port, "/mock/ledger", "Authorization: Bearer t0ken-4"), 401);
        ck_assert_int_eq(get_status(hosts[h], port, "/mock/ledger", "Authorization: Bearer t0ken-420"),
                         401);
        ck_assert_int_eq(get_status(hosts[h], port, "/mock/ledger", "Authorization: Basic t0ken-42"),
                         401);
        ck_assert_int_eq(get_status(hosts[h], port, "/mock/ledger", "Authorization: Bearer t0ken-42"),
                         200);
        ck_assert_int_eq(get_status(hosts[h], port, "/mock/orders", "X-Upay-Admin-Token: t0ken-42"),
                         200);
    }
    mock_server_stop(s);
}
END_TEST

Suite *make_e2e_mock_rel_isolation_suite(void)
{
    Suite *s = suite_create("e2e_mock_rel_isolation");
    TCase *tc = tcase_create("read");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cannot_read);
    suite_add_tcase(s, tc);
    tc = tcase_create("refund");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cannot_refund);
    suite_add_tcase(s, tc);
    tc = tcase_create("cancel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cannot_cancel);
    suite_add_tcase(s, tc);
    tc = tcase_create("admin_remote");
    tcase_add_test(tc, admin_loopback_only);
    suite_add_tcase(s, tc);
    tc = tcase_create("admin_token");
    tcase_add_test(tc, admin_token_required);
    suite_add_tcase(s, tc);
    return s;
}
