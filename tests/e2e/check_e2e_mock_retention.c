/*
 * check_e2e_mock_retention.c - a long-lived mock forgets what nobody uses
 * (server/retain/retention.c, docs/mock.md "Retention"): exactly the
 * merchants, orders and refunds with no exchange for the retention period
 * on the global clock, never an order whose refund is still PROCESSING or
 * NOTSURE, never a merchant from the config file; a merchant's own clock
 * never triggers it. Time moves through the admin clock, never by sleeping
 * (the mock's clock is frozen; moving the global clock runs a sweep).
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e/mock_test_util.h"

#define HOUR 3600

static mock_server *server;
static mt_gw gw;
static const char *base;
static unsigned serial;

static void start_with(const char *retain, const char *config_path)
{
    mock_options o;
    memset(&o, 0, sizeof o);
    o.retain = retain;
    o.config_path = config_path;
    server = mt_start(&o);
    base = mock_server_url(server);
    mt_gw_init(&gw, base);
}

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    mock_server_stop(server);
    server = NULL;
    curl_global_cleanup();
}

static const char *code_of(const char *suffix)
{
    static char buf[64][32];
    static unsigned slot;
    char *out = buf[slot++ % 64];
    mt_code(out, "WECHAT", suffix, ++serial);
    return out;
}

/* Pay 100 fen for `otn` of `mch`, expecting the answer `trade_state`. */
static void pay(const char *mch, const char *otn, const char *suffix, const char *trade_state)
{
    upay_params *p = mt_pay(&gw, mch, otn, "100", code_of(suffix));
    ck_assert_str_eq(mt_field(p, "trade_state"), trade_state);
    upay_params_free(p);
}

static const char *refund(const char *mch, const char *otn, const char *orn)
{
    static char state[32];
    upay_params *p = mt_call(&gw, "refund", "mch_id", mch, "paytype", "WECHAT", "out_trade_no",
                             otn, "out_refund_no", orn, "total_fee", "100", "refund_fee", "40",
                             "op_user_id", "op1", NULL);
    const char *ts = upay_params_get(p, "trade_state");
    snprintf(state, sizeof state, "%s", ts ? ts : "");
    upay_params_free(p);
    return state;
}

static void orderquery(const char *mch, const char *otn)
{
    upay_params_free(mt_call(&gw, "orderquery", "mch_id", mch, "paytype", "WECHAT",
                             "out_trade_no", otn, NULL));
}

static void refundquery(const char *mch, const char *otn)
{
    upay_params_free(mt_call(&gw, "refundquery", "mch_id", mch, "paytype", "WECHAT",
                             "out_trade_no", otn, NULL));
}

static cJSON *admin_json(const char *path)
{
    long status = 0;
    char *body = mt_admin(base, "GET", path, NULL, &status);
    ck_assert_msg(status == 200, "GET %s: %ld %s", path, status, body);
    cJSON *j = cJSON_Parse(body);
    free(body);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* How many orders the store keeps of merchant `mch`. */
static int orders_of(const char *mch)
{
    char path[96];
    snprintf(path, sizeof path, "/mock/orders?mch_id=%s&limit=1000", mch);
    cJSON *j = admin_json(path);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "orders"));
    cJSON_Delete(j);
    return n;
}

/* The refund status of `mch`'s order `otn`'s first refund ("" when none or no order). */
static const char *first_refund_status(const char *mch, const char *otn)
{
    static char status[16];
    char path[96];
    snprintf(path, sizeof path, "/mock/orders?mch_id=%s&limit=1000", mch);
    cJSON *j = admin_json(path);
    status[0] = '\0';
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(j, "orders")) {
        if (strcmp(cJSON_GetObjectItem(o, "out_trade_no")->valuestring, otn) != 0)
            continue;
        const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "refunds"), 0);
        if (r)
            snprintf(status, sizeof status, "%s",
                     cJSON_GetObjectItem(r, "refund_status")->valuestring);
    }
    cJSON_Delete(j);
    return status;
}

/* Is merchant `mch` still stored (its clock answers)? */
static int merchant_kept(const char *mch)
{
    char path[96];
    snprintf(path, sizeof path, "/mock/clock?mch_id=%s", mch);
    long status = 0;
    free(mt_admin(base, "GET", path, NULL, &status));
    ck_assert(status == 200 || status == 404);
    return status == 200;
}

/* A number of GET /mock/stats: `part` ("count", "retention", "memory"), `name`. */
static double stat(const char *part, const char *name)
{
    cJSON *j = admin_json("/mock/stats");
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(j, part), name);
    ck_assert_msg(cJSON_IsNumber(v), "stats has no %s.%s", part, name);
    double d = v->valuedouble;
    cJSON_Delete(j);
    return d;
}

START_TEST(idle_merchant_forgotten_at_the_period)
{
    start_with("1h", NULL);
    pay("RET1", "ORDO1", NULL, "SUCCESS");
    pay("RET1", "ORDO2", NULL, "SUCCESS");
    ck_assert_str_eq(refund("RET1", "ORDO2", "R1"), "SUCCESS");
    mt_advance(base, NULL, HOUR - 1);
    ck_assert_int_eq(orders_of("RET1"), 2);
    ck_assert(merchant_kept("RET1"));
    mt_advance(base, NULL, 1);
    ck_assert_int_eq(orders_of("RET1"), 0);
    ck_assert(!merchant_kept("RET1"));
    ck_assert_int_eq((int)stat("retention", "merchants_forgotten"), 1);
    ck_assert_int_eq((int)stat("retention", "orders_forgotten"), 2);
    ck_assert_int_eq((int)stat("retention", "refunds_forgotten"), 1);
    ck_assert_int_eq((int)stat("count", "orders"), 0);
    ck_assert_int_eq((int)stat("count", "refunds"), 0);
    ck_assert_int_eq((int)stat("count", "merchants"), 0);
    ck_assert_int_eq((int)stat("count", "linter_merchants"), 0);
    /* journaled */
    cJSON *j = admin_json("/mock/journal?limit=1");
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "entries"), 0);
    ck_assert_str_eq(cJSON_GetObjectItem(e, "call")->valuestring, "retention");
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(e, "change")->valuestring,
                                 "forgot 1 merchants, 2 orders and 1 refunds"));
    cJSON_Delete(j);
    /* a forgotten merchant comes back as new on its next call, its numbers free again */
    pay("RET1", "ORDO1", NULL, "SUCCESS");
    ck_assert_int_eq(orders_of("RET1"), 1);
}
END_TEST

START_TEST(any_exchange_keeps_a_merchant)
{
    start_with("1h", NULL);
    pay("BUSY", "ORDO1", NULL, "SUCCESS");
    pay("IDLE", "ORDO1", NULL, "SUCCESS");
    mt_advance(base, NULL, HOUR / 2);
    orderquery("BUSY", "ORDO1");   /* reads only: still an exchange */
    mt_advance(base, NULL, HOUR / 2);
    ck_assert(!merchant_kept("IDLE"));
    ck_assert(merchant_kept("BUSY"));
    ck_assert_int_eq(orders_of("BUSY"), 1);
    mt_advance(base, NULL, HOUR / 2 - 1);
    ck_assert_int_eq(orders_of("BUSY"), 1);
    mt_advance(base, NULL, 1);
    ck_assert(!merchant_kept("BUSY"));
}
END_TEST

START_TEST(merchant_clock_never_triggers)
{
    start_with("1h", NULL);
    pay("OWN", "ORDO1", NULL, "SUCCESS");
    mt_advance(base, "OWN", 30LL * 86400);   /* as scenarios do */
    mt_advance(base, NULL, HOUR - 1);
    ck_assert_int_eq(orders_of("OWN"), 1);
    ck_assert_int_eq((int)stat("retention", "orders_forgotten"), 0);
    mt_advance(base, NULL, 1);
    ck_assert_int_eq(orders_of("OWN"), 0);
}
END_TEST

START_TEST(unsettled_refunds_keep_their_order)
{
    start_with("1h", NULL);
    /* 9101: refunds are PROCESSING for 24 h; 9102: a refund's first attempt is NOTSURE */
    pay("MONEY", "ORDP1", "9101", "SUCCESS");
    ck_assert_str_eq(refund("MONEY", "ORDP1", "RP"), "PROCESSING");
    pay("MONEY", "ORDN1", "9102", "SUCCESS");
    ck_assert_str_eq(refund("MONEY", "ORDN1", "RN"), "NEED_QUERY");
    pay("MONEY", "ORDS1", NULL, "SUCCESS");
    mt_advance(base, NULL, HOUR);
    /* the settled order goes; the two with money still moving stay, and so does the merchant */
    ck_assert_int_eq(orders_of("MONEY"), 2);
    ck_assert_str_eq(first_refund_status("MONEY", "ORDP1"), "PROCESSING");
    ck_assert_str_eq(first_refund_status("MONEY", "ORDN1"), "NOTSURE");
    ck_assert(merchant_kept("MONEY"));
    mt_advance(base, NULL, 2 * 86400);   /* past the PROCESSING refund's due time */
    ck_assert_int_eq(orders_of("MONEY"), 2);
    /* the merchant settles both (a query, a retry), then leaves them alone */
    refundquery("MONEY", "ORDP1");
    ck_assert_str_eq(first_refund_status("MONEY", "ORDP1"), "SUCCESS");
    ck_assert_str_eq(refund("MONEY", "ORDN1", "RN"), "SUCCESS");
    mt_advance(base, NULL, HOUR - 1);
    ck_assert_int_eq(orders_of("MONEY"), 2);
    mt_advance(base, NULL, 1);
    ck_assert_int_eq(orders_of("MONEY"), 0);
    ck_assert(!merchant_kept("MONEY"));
    ck_assert_int_eq((int)stat("retention", "refunds_forgotten"), 2);
}
END_TEST

START_TEST(configured_merchant_keeps_itself)
{
    char path[] = "/tmp/upay-retain-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    static const char cfg[] =
        "{\"agents\":[{\"agent_id\":\"" MT_AGENT1 "\",\"key\":\"" MT_KEY1 "\"}],"
        "\"merchants\":[{\"mch_id\":\"CFG1\",\"agent_id\":\"" MT_AGENT1 "\"}],"
        "\"retain\":\"2h\"}";
    ck_assert_int_eq(write(fd, cfg, sizeof cfg - 1), (int)(sizeof cfg - 1));
    close(fd);
    start_with(NULL, path);   /* the config file's "retain" */
    unlink(path);
    ck_assert_int_eq((int)stat("retention", "seconds"), 2 * HOUR);
    pay("CFG1", "ORDO1", NULL, "SUCCESS");
    pay("SAND", "ORDO1", NULL, "SUCCESS");
    mt_advance(base, NULL, 2 * HOUR);
    ck_assert_int_eq(orders_of("CFG1"), 0);
    ck_assert(merchant_kept("CFG1"));
    ck_assert(!merchant_kept("SAND"));
    ck_assert_int_eq((int)stat("retention", "merchants_forgotten"), 1);
}
END_TEST

START_TEST(never_and_bad_values)
{
    start_with("never", NULL);
    pay("KEEP", "ORDO1", NULL, "SUCCESS");
    mt_advance(base, NULL, 400LL * 86400);
    ck_assert_int_eq(orders_of("KEEP"), 1);
    ck_assert_int_eq((int)stat("retention", "seconds"), 0);
    mock_server_stop(server);
    server = NULL;
    static const char *const bad[] = {"soon", "", "1w", "-1h", "1h30m", "99999999999d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mock_options o;
        memset(&o, 0, sizeof o);
        o.listen = "127.0.0.1:0";
        o.quiet = 1;
        o.retain = bad[i];
        char err[256] = "";
        mock_server *s = mock_server_start(&o, err, sizeof err);
        ck_assert_msg(s == NULL, "--retain %s was accepted", bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "--retain"));
    }
}
END_TEST

START_TEST(stats_say_what_the_memory_is)
{
    start_with(NULL, NULL);   /* in memory: 24 h by default */
    ck_assert_int_eq((int)stat("retention", "seconds"), 86400);
    pay("STAT", "ORDO1", NULL, "SUCCESS");
    ck_assert_int_eq((int)stat("count", "merchants"), 1);
    ck_assert_int_eq((int)stat("count", "orders"), 1);
    ck_assert_int_eq((int)stat("count", "linter_merchants"), 1);
    ck_assert_double_gt(stat("memory", "store"), 0);
    ck_assert_double_gt(stat("memory", "linter"), 0);
    ck_assert_double_gt(stat("memory", "rules"), 0);
    ck_assert_double_gt(stat("memory", "journal_max"), 0);
    /* the pay and the merchant's first call are journaled: their bodies are counted */
    ck_assert_double_ge(stat("count", "journal_entries"), 1);
    ck_assert_double_gt(stat("memory", "journal"), 1536);
    ck_assert_double_lt(stat("memory", "journal"), stat("memory", "journal_max"));
    ck_assert_double_gt(stat("memory", "rss"), 0);
    /* a full reset zeroes what retention counted */
    mt_advance(base, NULL, 86400);
    ck_assert_int_eq((int)stat("retention", "merchants_forgotten"), 1);
    long status = 0;
    free(mt_admin(base, "POST", "/mock/reset", "{}", &status));
    ck_assert_int_eq(status, 200);
    ck_assert_int_eq((int)stat("retention", "merchants_forgotten"), 0);
}
END_TEST

Suite *make_e2e_mock_retention_suite(void)
{
    Suite *s = suite_create("e2e_mock_retention");
    TCase *tc = tcase_create("forget");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, idle_merchant_forgotten_at_the_period);
    tcase_add_test(tc, any_exchange_keeps_a_merchant);
    tcase_add_test(tc, merchant_clock_never_triggers);
    tcase_add_test(tc, configured_merchant_keeps_itself);
    suite_add_tcase(s, tc);
    tc = tcase_create("money");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unsettled_refunds_keep_their_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("options");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, never_and_bad_values);
    tcase_add_test(tc, stats_say_what_the_memory_is);
    suite_add_tcase(s, tc);
    return s;
}
