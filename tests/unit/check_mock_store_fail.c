/*
 * check_mock_store_fail.c - the mock when its store fails, driven through
 * the pure gateway and admin handlers with the store's failure hook
 * (mock_store_fail_inject): a failed call answers 20006 and changes
 * nothing, neither in the store nor in the rules' memory; the failure is
 * said in the answer's detail and the journal; a rule is used up only by a
 * call that committed (not by a rollback, not by a 20005 refusal).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <upay/form.h>
#include <upay/response.h>
#include <upay/sign.h>

#include "admin/admin.h"
#include "core/ctx.h"
#include "gateway/gateway.h"

static mock_ctx *ctx;

static void setup(void)
{
    char err[256];
    mock_options o;
    memset(&o, 0, sizeof o);
    o.has_seed = 1;
    o.seed = 7;
    o.quiet = 1;
    ctx = mock_ctx_new(&o, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    mock_clock_freeze(ctx->clock, 1700000000);
}

static void teardown(void)
{
    mock_ctx_free(ctx);
}

/*
 * Send one signed call of `agent` (1 or 2) with `pairs` (name, value, ...,
 * NULL) and return the parsed answer; the raw reply goes to `reply`.
 */
static upay_params *call(int agent, mock_reply *reply, ...)
{
    upay_params *req = upay_params_new();
    va_list ap;
    va_start(ap, reply);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL)
        upay_params_set(req, name, va_arg(ap, const char *));
    va_end(ap);
    upay_params_set(req, "agent_id", agent == 1 ? "13000000000000001" : "13000000000000002");
    upay_sign_params(req, agent == 1 ? "UPAYMOCK000000000000000000000001"
                                     : "UPAYMOCK000000000000000000000002", UPAY_SIGN_MD5);
    char *body = NULL;
    ck_assert_int_eq(upay_form_encode(req, &body), UPAY_OK);
    upay_params_free(req);
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", body, strlen(body), reply);
    upay_free(body);
    upay_params *p = NULL;
    ck_assert_int_eq(upay_response_parse(reply->body, reply->len, 0, &p, NULL), UPAY_OK);
    return p;
}

static void expect(upay_params *p, const char *code, const char *trade_state)
{
    ck_assert_msg(strcmp(upay_params_get(p, "code"), code) == 0, "code %s, wanted %s: %s",
                  upay_params_get(p, "code"), code, upay_params_get(p, "msg"));
    if (trade_state)
        ck_assert_str_eq(upay_params_get(p, "trade_state"), trade_state);
    upay_params_free(p);
}

static void pay(const char *mch, const char *otn, const char *code)
{
    mock_reply r;
    expect(call(1, &r, "method", "pay", "mch_id", mch, "out_trade_no", otn, "total_fee", "100",
                "auth_code", "134567890123450000", "body", "x", NULL),
           code, NULL);
    mock_reply_free(&r);
}

static void refund(const char *mch, const char *otn, const char *orn, const char *code,
                   const char *trade_state)
{
    mock_reply r;
    expect(call(1, &r, "method", "refund", "mch_id", mch, "out_trade_no", otn, "out_refund_no",
                orn, "total_fee", "100", "refund_fee", "10", "op_user_id", "1", "paytype",
                "WECHAT", NULL),
           code, trade_state);
    mock_reply_free(&r);
}

static void admin(const char *method, const char *path, const char *query, const char *body,
                  int status)
{
    mock_reply r;
    mock_admin_handle(ctx, method, path, query, body, body ? strlen(body) : 0, &r);
    ck_assert_msg(r.status == status, "%s %s: %d %s", method, path, r.status, r.body);
    mock_reply_free(&r);
}

/* The `times` left of the only rule, or -1 when there is none. */
static long long rule_times(void)
{
    mock_reply r;
    mock_admin_handle(ctx, "GET", "/mock/rules", NULL, NULL, 0, &r);
    cJSON *doc = cJSON_Parse(r.body);
    mock_reply_free(&r);
    cJSON *rules = cJSON_GetObjectItem(doc, "rules");
    long long times = -1;
    if (cJSON_GetArraySize(rules) == 1)
        times = (long long)cJSON_GetObjectItem(cJSON_GetArrayItem(rules, 0), "times")->valuedouble;
    cJSON_Delete(doc);
    return times;
}

/*
 * A refund_notsure rule on R1: the refund's commit fails. The rule must still
 * be there, and no NOTSURE-then-FAIL effect may be remembered for R1; the
 * retry (store healthy) is the one the rule fires on.
 */
START_TEST(rule_and_effect_survive_rollback)
{
    pay("MF1", "ORDER0001", "10000");
    admin("POST", "/mock/rules", NULL,
          "{\"fault\":\"refund_notsure_fail\",\"mch_id\":\"MF1\",\"out_refund_no\":\"R1\"}", 200);
    ck_assert_int_eq(rule_times(), 1);

    mock_store_fail_inject(ctx->store, SQLITE_FULL, MOCK_STORE_FAIL_COMMIT);
    refund("MF1", "ORDER0001", "R1", "20006", "NEED_QUERY");
    mock_store_fail_inject(ctx->store, 0, MOCK_STORE_FAIL_WRITES);

    ck_assert_msg(rule_times() == 1, "a rolled-back refund used the rule up");
    mock_fault f;
    ck_assert_msg(!mock_rules_effect_get(ctx->rules, "MF1", "R1", 1, &f),
                  "a rolled-back refund left an effect behind");

    /* the retry is the call the rule fires on: NOTSURE now, FAIL on the next try */
    refund("MF1", "ORDER0001", "R1", "20008", "NEED_QUERY");
    ck_assert_int_eq(rule_times(), -1);
    refund("MF1", "ORDER0001", "R1", "20008", "FAIL");
    admin("GET", "/mock/ledger", NULL, NULL, 200);
}
END_TEST

/* A pay_paid_after rule: the failed pay must not leave the order's effect behind. */
START_TEST(pay_rule_and_effect_survive_rollback)
{
    pay("MF2", "ORDER0000", "10000");   /* the merchant exists before the store fails */
    admin("POST", "/mock/rules", NULL,
          "{\"fault\":\"pay_paying_forever\",\"mch_id\":\"MF2\",\"times\":1}", 200);
    mock_store_fail_inject(ctx->store, SQLITE_IOERR, MOCK_STORE_FAIL_COMMIT);
    pay("MF2", "ORDER0002", "20006");
    mock_store_fail_inject(ctx->store, 0, MOCK_STORE_FAIL_WRITES);
    mock_fault f;
    ck_assert(!mock_rules_effect_get(ctx->rules, "MF2", "ORDER0002", 0, &f));
    ck_assert_int_eq(rule_times(), 1);
}
END_TEST

/* A 20005 (the merchant belongs to another agent) does not use a rule up. */
START_TEST(refusal_uses_no_rule)
{
    pay("MF3", "ORDER0003", "10000");
    admin("POST", "/mock/rules", NULL, "{\"fault\":\"drop\",\"mch_id\":\"MF3\"}", 200);
    mock_reply r;
    expect(call(2, &r, "method", "orderquery", "mch_id", "MF3", "out_trade_no", "ORDER0003",
                "paytype", "WECHAT", NULL),
           "20005", NULL);
    ck_assert_int_eq(r.fault, 0);   /* not dropped either */
    mock_reply_free(&r);
    ck_assert_msg(rule_times() == 1, "a 20005 used the rule up");
}
END_TEST

static void last_detail(const mock_journal_entry *e, void *user)
{
    snprintf(user, 240, "%s", e->detail);
}

/* A full disk: 20006, and the detail, the journal and the failure count say why. */
START_TEST(failure_is_said)
{
    pay("MF4", "ORDER0004", "10000");
    unsigned long long before = mock_store_failures(ctx->store);
    mock_store_fail_inject(ctx->store, SQLITE_FULL, MOCK_STORE_FAIL_WRITES);
    mock_reply r;
    expect(call(1, &r, "method", "pay", "mch_id", "MF4", "out_trade_no", "ORDER0005", "total_fee",
                "100", "auth_code", "134567890123450000", "body", "x", NULL),
           "20006", "NEED_QUERY");
    ck_assert_msg(strstr(r.detail, "database or disk is full") != NULL, "detail: %s", r.detail);
    mock_reply_free(&r);
    mock_store_fail_inject(ctx->store, 0, MOCK_STORE_FAIL_WRITES);
    ck_assert_uint_eq(mock_store_failures(ctx->store), before + 1);
    char detail[240] = "";
    mock_journal_each(ctx->journal, 1, last_detail, detail);
    ck_assert_msg(strstr(detail, "database or disk is full") != NULL, "journal: %s", detail);
    /* nothing was written: the order does not exist, and the next pay of it works */
    expect(call(1, &r, "method", "orderquery", "mch_id", "MF4", "out_trade_no", "ORDER0005",
                "paytype", "WECHAT", NULL),
           "20007", NULL);
    mock_reply_free(&r);
    pay("MF4", "ORDER0005", "10000");
}
END_TEST

Suite *make_mock_store_fail_suite(void)
{
    Suite *s = suite_create("mock_store_fail");
    TCase *tc = tcase_create("rollback");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rule_and_effect_survive_rollback);
    tcase_add_test(tc, pay_rule_and_effect_survive_rollback);
    tcase_add_test(tc, refusal_uses_no_rule);
    suite_add_tcase(s, tc);
    tc = tcase_create("said");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, failure_is_said);
    suite_add_tcase(s, tc);
    return s;
}
