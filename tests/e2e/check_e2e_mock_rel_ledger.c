/*
 * check_e2e_mock_rel_ledger.c - the money consistency check (server/observe/ledger.c,
 * GET /mock/ledger) against an in-memory mock_ctx: a store filled through
 * the gateway is consistent, and each invariant, broken on purpose by
 * writing rows straight into the store, is reported by name. Proves the
 * check can fail, so the load tests that rely on it mean something.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay/form.h>
#include <upay/params.h>
#include <upay/response.h>
#include <upay/sign.h>

#include "admin/admin.h"
#include "core/ctx.h"
#include "gateway/gateway.h"
#include "observe/ledger.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

static mock_ctx *ctx;

static void setup(void)
{
    mock_options o;
    memset(&o, 0, sizeof o);
    o.quiet = 1;
    char err[256] = "";
    ctx = mock_ctx_new(&o, err, sizeof err);
    ck_assert_msg(ctx != NULL, "mock_ctx_new: %s", err);
}

static void teardown(void)
{
    mock_ctx_free(ctx);
}

/* Sign NULL-terminated name, value pairs and hand them to the gateway; returns `code`. */
static int gw(const char *method, ...)
{
    upay_params *req = upay_params_new();
    upay_params_set(req, "method", method);
    upay_params_set(req, "agent_id", AGENT);
    va_list ap;
    va_start(ap, method);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL)
        upay_params_set(req, name, va_arg(ap, const char *));
    va_end(ap);
    ck_assert_int_eq(upay_sign_params(req, KEY, UPAY_SIGN_MD5), UPAY_OK);
    char *body = NULL;
    ck_assert_int_eq(upay_form_encode(req, &body), UPAY_OK);
    upay_params_free(req);
    mock_reply r;
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", body, strlen(body), &r);
    upay_free(body);
    ck_assert_int_eq(r.status, 200);
    upay_params *p = NULL;
    ck_assert_int_eq(upay_response_parse(r.body, r.len, 0, &p, NULL), UPAY_OK);
    int code = atoi(upay_params_get(p, "code"));
    upay_params_free(p);
    mock_reply_free(&r);
    return code;
}

/* The ledger report (scope `mch_id`, may be NULL) as parsed JSON; checks status 200. */
static cJSON *report(const char *mch_id)
{
    mock_reply r;
    mock_ledger_report(ctx, mch_id, &r);
    ck_assert_msg(r.status == 200, "ledger: %d %s", r.status, r.body);
    cJSON *j = cJSON_Parse(r.body);
    mock_reply_free(&r);
    ck_assert_ptr_nonnull(j);
    return j;
}

static int consistent(const cJSON *j)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "consistent"));
}

static double number(const cJSON *j, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, name);
    ck_assert_msg(cJSON_IsNumber(n), "no number %s", name);
    return n->valuedouble;
}

/* Nonzero when some listed violation has rule `rule`. */
static int has_rule(const cJSON *j, const char *rule)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(j, "violations"))
    {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(v, "rule");
        if (cJSON_IsString(r) && strcmp(r->valuestring, rule) == 0)
            return 1;
    }
    return 0;
}

START_TEST(gateway_store_is_consistent)
{
    /* A paid order with two refunds, a revoked one, a closed one, another merchant. */
    ck_assert_int_eq(gw("pay", "mch_id", "LED1", "out_trade_no", "LEDG1", "body", "b", "total_fee", "100",
                        "auth_code", "134567890123450000", NULL), 10000);
    ck_assert_int_eq(gw("refund", "mch_id", "LED1", "paytype", "WECHAT", "out_trade_no", "LEDG1",
                        "out_refund_no", "LR1", "total_fee", "100", "refund_fee", "30",
                        "op_user_id", "o", NULL), 10000);
    ck_assert_int_eq(gw("refund", "mch_id", "LED1", "paytype", "WECHAT", "out_trade_no", "LEDG1",
                        "out_refund_no", "LR2", "total_fee", "100", "refund_fee", "70",
                        "op_user_id", "o", NULL), 10000);
    ck_assert_int_eq(gw("refund", "mch_id", "LED1", "paytype", "WECHAT", "out_trade_no", "LEDG1",
                        "out_refund_no", "LR3", "total_fee", "100", "refund_fee", "1",
                        "op_user_id", "o", NULL), 20008);
    ck_assert_int_eq(gw("pay", "mch_id", "LED1", "out_trade_no", "LEDG2", "body", "b", "total_fee", "50",
                        "auth_code", "134567890123460000", NULL), 10000);
    ck_assert_int_eq(gw("cancel", "mch_id", "LED1", "paytype", "WECHAT", "out_trade_no", "LEDG2", "op_user_id", "o", NULL),
                     10000);
    ck_assert_int_eq(gw("pay", "mch_id", "LED2", "out_trade_no", "LEDG3", "body", "b", "total_fee", "20",
                        "auth_code", "134567890123470000", NULL), 10000);
    cJSON *j = report(NULL);
    ck_assert_msg(consistent(j), "violations: %s", cJSON_PrintUnformatted(j));
    ck_assert_int_eq((int)number(j, "orders"), 3);
    ck_assert_int_eq((int)number(j, "refunds"), 2);
    ck_assert_int_eq((int)number(j, "paid_fee"), 120);
    ck_assert_int_eq((int)number(j, "refunded_fee"), 100);
    ck_assert_int_eq((int)number(j, "violation_count"), 0);
    cJSON_Delete(j);
    j = report("LED2");
    ck_assert(consistent(j));
    ck_assert_int_eq((int)number(j, "orders"), 1);
    ck_assert_int_eq((int)number(j, "refunds"), 0);
    cJSON_Delete(j);
    /* Through the admin route too; a bad merchant id is a 400. */
    mock_reply r;
    mock_admin_handle(ctx, "GET", "/mock/ledger", "mch_id=LED1", NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"consistent\":true"));
    mock_reply_free(&r);
    mock_admin_handle(ctx, "GET", "/mock/ledger", "mch_id=%25bad", NULL, 0, &r);
    ck_assert_int_eq(r.status, 400);
    mock_reply_free(&r);
}
END_TEST

/* ---- broken on purpose: one row per case, written straight into the store ---- */

static mock_order make_order(const char *otn, mock_trade_state state, long long total,
                             long long coupon, long long refunded, int count)
{
    mock_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.mch_id, sizeof o.mch_id, "BAD1");
    snprintf(o.out_trade_no, sizeof o.out_trade_no, "%s", otn);
    static unsigned serial;
    serial++;
    snprintf(o.transaction_id, sizeof o.transaction_id, "1%027u", serial);
    snprintf(o.out_transaction_id, sizeof o.out_transaction_id, "2%027u", serial);
    snprintf(o.auth_code, sizeof o.auth_code, "134567890123450000");
    o.paytype = 1;
    o.state = state;
    o.total_fee = total;
    o.coupon_fee = coupon;
    o.refunded_fee = refunded;
    o.refund_count = count;
    o.created_at = 1700000000;
    o.paid_at = 1700000000;
    return o;
}

static void add_refund(const mock_order *o, const char *mch, const char *orn, const char *rid,
                       long long fee, int serial, upay_refund_status status)
{
    mock_refund r;
    memset(&r, 0, sizeof r);
    r.order_id = o->id;
    snprintf(r.mch_id, sizeof r.mch_id, "%s", mch ? mch : o->mch_id);
    snprintf(r.out_refund_no, sizeof r.out_refund_no, "%s", orn);
    snprintf(r.refund_id, sizeof r.refund_id, "%s", rid);
    snprintf(r.out_refund_id, sizeof r.out_refund_id, "9%s", rid + 1);
    r.refund_fee = fee;
    r.serial_no = serial;
    r.status = status;
    ck_assert_int_eq(mock_store_refund_insert(ctx->store, &r), MOCK_STORE_OK);
}

static const struct {
    const char *rule;
    mock_trade_state state;
    long long total, coupon, refunded;
    int count;
    long long fees[3];       /* refunds (0 ends) */
    upay_refund_status status[3];
} broken[] = {
    /* 60 + 50 of 100 with a 0 coupon */
    {"overdrawn", MOCK_TRADE_REFUNDED, 100, 0, 110, 2, {60, 50, 0}, {UPAY_REFUND_SUCCESS, UPAY_REFUND_SUCCESS}},
    /* the coupon part is never refundable */
    {"overdrawn", MOCK_TRADE_REFUNDED, 100, 30, 80, 1, {80, 0, 0}, {UPAY_REFUND_SUCCESS}},
    {"refunded_fee", MOCK_TRADE_REFUNDED, 100, 0, 10, 1, {40, 0, 0}, {UPAY_REFUND_PROCESSING}},
    {"refund_count", MOCK_TRADE_REFUNDED, 100, 0, 40, 3, {40, 0, 0}, {UPAY_REFUND_SUCCESS}},
    {"cancelled", MOCK_TRADE_REVOKED, 100, 0, 40, 1, {40, 0, 0}, {UPAY_REFUND_SUCCESS}},
    {"cancelled", MOCK_TRADE_CLOSED, 100, 0, 5, 1, {5, 0, 0}, {UPAY_REFUND_NOTSURE}},
    {"state", MOCK_TRADE_PAID, 100, 0, 40, 1, {40, 0, 0}, {UPAY_REFUND_SUCCESS}},
    {"state", MOCK_TRADE_REFUNDED, 100, 0, 0, 1, {40, 0, 0}, {UPAY_REFUND_FAIL}},
    {"amount", MOCK_TRADE_PAID, 100, 120, 0, 0, {0, 0, 0}, {0}},
    {"amount", MOCK_TRADE_REFUNDED, 100, 0, 0, 1, {-5, 0, 0}, {UPAY_REFUND_SUCCESS}},
};

START_TEST(each_invariant_reported)
{
    mock_order o = make_order("B1", broken[_i].state, broken[_i].total, broken[_i].coupon,
                              broken[_i].refunded, broken[_i].count);
    ck_assert_int_eq(mock_store_order_insert(ctx->store, &o), MOCK_STORE_OK);
    for (int k = 0; k < 3 && broken[_i].fees[k]; k++) {
        char orn[16], rid[29];
        snprintf(orn, sizeof orn, "BR%d", k);
        snprintf(rid, sizeof rid, "5%027d", k);
        add_refund(&o, NULL, orn, rid, broken[_i].fees[k], k, broken[_i].status[k]);
    }
    cJSON *j = report(NULL);
    ck_assert_msg(!consistent(j), "case %d (%s) not seen", _i, broken[_i].rule);
    ck_assert_msg(has_rule(j, broken[_i].rule), "case %d: want %s in %s", _i, broken[_i].rule,
                  cJSON_PrintUnformatted(j));
    ck_assert_int_ge((int)number(j, "violation_count"), 1);
    cJSON_Delete(j);
}
END_TEST

START_TEST(store_wide_invariants)
{
    /* 51 refunds on one order: too many. */
    mock_order o = make_order("MANY", MOCK_TRADE_REFUNDED, 1000, 0, 51, 51);
    ck_assert_int_eq(mock_store_order_insert(ctx->store, &o), MOCK_STORE_OK);
    for (int k = 0; k < 51; k++) {
        char orn[16], rid[29];
        snprintf(orn, sizeof orn, "M%d", k);
        snprintf(rid, sizeof rid, "6%027d", k);
        add_refund(&o, NULL, orn, rid, 1, k, UPAY_REFUND_SUCCESS);
    }
    /* A refund filed under another merchant, out of serial order. */
    mock_order p = make_order("MIX", MOCK_TRADE_REFUNDED, 100, 0, 10, 1);
    ck_assert_int_eq(mock_store_order_insert(ctx->store, &p), MOCK_STORE_OK);
    add_refund(&p, "BAD2", "X1", "7000000000000000000000000001", 10, 3, UPAY_REFUND_SUCCESS);
    /* A refund whose order does not exist. */
    mock_order ghost = p;
    ghost.id = 999999;
    add_refund(&ghost, NULL, "GHOST", "7000000000000000000000000002", 1, 0, UPAY_REFUND_SUCCESS);
    cJSON *j = report(NULL);
    ck_assert(!consistent(j));
    ck_assert(has_rule(j, "too_many"));
    ck_assert(has_rule(j, "merchant"));
    ck_assert(has_rule(j, "serial_no"));
    ck_assert(has_rule(j, "orphan"));
    ck_assert(!has_rule(j, "overdrawn"));
    cJSON_Delete(j);
    /* Scoped to another merchant: nothing of BAD1's is seen. */
    j = report("OTHER");
    ck_assert(consistent(j));
    ck_assert_int_eq((int)number(j, "orders"), 0);
    cJSON_Delete(j);
}
END_TEST

/* ---- one merchant's check over many pages ---- */

#define PAGED_ORDERS 700          /* LEDGER_PAGE is 256: three pages and a bit */
#define PAGED_WITH_REFUNDS 260    /* 20 refunds each: 5200 rows, the page cut at 4096 */
#define PAGED_REFUNDS 20

/*
 * A merchant's check reads its orders a page at a time by out_trade_no: it
 * must count every order of its own once, and none of anyone else's. The
 * orders are stored with their numbers out of id order (a cursor taken
 * from the id would skip or repeat them), between orders of a merchant
 * whose id sorts before and one whose id sorts after (each with the same
 * numbers), and the first 260 by number carry 20 refunds each, so the
 * first page is cut short by its refund rows (the next page must start
 * after the last order checked, not the last one read). Every order's
 * total differs, so paid_fee tells a repeated or missing order even when
 * the count came out right.
 */
START_TEST(merchant_scope_pages)
{
    static const char *const mch[] = { "PAGEC", "PAGED", "PAGEE" };
    long long paid = 0, closed = 0;
    ck_assert_int_eq(mock_store_begin(ctx->store), MOCK_STORE_OK);
    for (unsigned i = 0; i < PAGED_ORDERS; i++) {
        unsigned k = (i * 389u) % PAGED_ORDERS;   /* the numbers in another order than the ids */
        char otn[16];
        snprintf(otn, sizeof otn, "PG%05u", k);
        for (int m = 0; m < 3; m++) {
            int with_refunds = m == 1 && k < PAGED_WITH_REFUNDS;
            mock_trade_state state = with_refunds ? MOCK_TRADE_REFUNDED
                                   : k % 7 == 3 ? MOCK_TRADE_CLOSED : MOCK_TRADE_PAID;
            mock_order o = make_order(otn, state, 100 + k, k % 5, with_refunds ? PAGED_REFUNDS : 0,
                                      with_refunds ? PAGED_REFUNDS : 0);
            snprintf(o.mch_id, sizeof o.mch_id, "%s", mch[m]);
            ck_assert_int_eq(mock_store_order_insert(ctx->store, &o), MOCK_STORE_OK);
            if (m == 1 && state == MOCK_TRADE_CLOSED)
                closed++;
            else if (m == 1)
                paid += 100 + k - k % 5;
            for (int r = 0; with_refunds && r < PAGED_REFUNDS; r++) {
                char orn[16], rid[29];
                snprintf(orn, sizeof orn, "PR%05u_%02d", k, r);
                snprintf(rid, sizeof rid, "8%025u%02d", k, r);
                add_refund(&o, NULL, orn, rid, 1, r, UPAY_REFUND_SUCCESS);
            }
        }
    }
    ck_assert_int_eq(mock_store_commit(ctx->store), MOCK_STORE_OK);
    ck_assert_int_gt(closed, 0);

    cJSON *j = report("PAGED");
    ck_assert_msg(consistent(j), "violations: %s", cJSON_PrintUnformatted(j));
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "scope")->valuestring, "PAGED");
    ck_assert_int_eq((long long)number(j, "orders"), PAGED_ORDERS);
    ck_assert_int_eq((long long)number(j, "refunds"), PAGED_WITH_REFUNDS * PAGED_REFUNDS);
    ck_assert_int_eq((long long)number(j, "paid_fee"), paid);
    ck_assert_int_eq((long long)number(j, "refunded_fee"), PAGED_WITH_REFUNDS * PAGED_REFUNDS);
    cJSON_Delete(j);
    /* a neighbour's check sees its own orders only, and the whole store sees all three */
    j = report("PAGEE");
    ck_assert(consistent(j));
    ck_assert_int_eq((long long)number(j, "orders"), PAGED_ORDERS);
    ck_assert_int_eq((long long)number(j, "refunds"), 0);
    cJSON_Delete(j);
    j = report(NULL);
    ck_assert_msg(consistent(j), "violations: %s", cJSON_PrintUnformatted(j));
    ck_assert_int_eq((long long)number(j, "orders"), 3 * PAGED_ORDERS);
    ck_assert_int_eq((long long)number(j, "refunds"), PAGED_WITH_REFUNDS * PAGED_REFUNDS);
    cJSON_Delete(j);

    /* a broken order on the last page of the merchant's walk is still found */
    mock_order o;
    ck_assert_int_eq(mock_store_order_by_out_trade_no(ctx->store, "PAGED", "PG00699", &o),
                     MOCK_STORE_OK);
    o.refunded_fee = 5;
    ck_assert_int_eq(mock_store_order_update(ctx->store, &o), MOCK_STORE_OK);
    j = report("PAGED");
    ck_assert(!consistent(j));
    ck_assert(has_rule(j, "refunded_fee"));
    ck_assert_int_eq((long long)number(j, "violation_count"), 1);
    ck_assert_int_eq((long long)number(j, "orders"), PAGED_ORDERS);
    cJSON_Delete(j);
}
END_TEST

Suite *make_e2e_mock_rel_ledger_suite(void)
{
    Suite *s = suite_create("e2e_mock_rel_ledger");
    TCase *tc = tcase_create("consistent");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, gateway_store_is_consistent);
    suite_add_tcase(s, tc);
    tc = tcase_create("violations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, each_invariant_reported, 0, (int)(sizeof broken / sizeof broken[0]));
    tcase_add_test(tc, store_wide_invariants);
    suite_add_tcase(s, tc);
    tc = tcase_create("merchant_pages");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, merchant_scope_pages);
    suite_add_tcase(s, tc);
    return s;
}
