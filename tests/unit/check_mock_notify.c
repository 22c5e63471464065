/*
 * check_mock_notify.c - the mock's scan-to-pay parts without a network:
 * where notifications may go (--notify-allow, loopback), how an unpaid
 * pre-order expires, and a --state file written before pre-orders existed,
 * which must open with its orders intact and then hold pre-orders.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/persona.h"
#include "domain/trade_machine.h"
#include "notify/allow.h"
#include "store/store.h"

/* ---- the allow list ---- */

static const struct {
    const char *url;
    int allowed;
} urls[] = {
    { "http://127.0.0.1:5000/notify", 1 },
    { "http://127.9.8.7/n", 1 },
    { "http://localhost/notify", 1 },
    { "http://LOCALHOST:81/notify", 1 },
    { "http://[::1]:9/n", 1 },
    { "http://pos.example.com:8080/n", 1 },    /* allowed with that port */
    { "http://pos.example.com:8081/n", 0 },
    { "http://pos.example.com/n", 0 },         /* port 80 */
    { "http://10.0.0.5:1234/n", 1 },           /* allowed on any port */
    { "http://10.0.0.6/n", 0 },
    { "http://127.0.0.1.evil.com/n", 0 },
    { "https://127.0.0.1/n", 0 },              /* no TLS client in the mock */
    { "ftp://127.0.0.1/n", 0 },
    { "http://:80/n", 0 },
    { "http://127.0.0.1:99999/n", 0 },
};

START_TEST(test_allow_urls)
{
    mock_allow a;
    char err[160], why[240] = "";
    ck_assert_int_eq(mock_allow_parse(&a, "pos.example.com:8080, 10.0.0.5", err, sizeof err), -1);
    ck_assert_int_eq(mock_allow_parse(&a, "pos.example.com:8080,10.0.0.5", err, sizeof err), 0);
    ck_assert_uint_eq(a.count, 2);
    int got = mock_allow_url(&a, urls[_i].url, why, sizeof why);
    ck_assert_msg(got == urls[_i].allowed, "%s: %d (%s)", urls[_i].url, got, why);
    if (!got)
        ck_assert_uint_gt(strlen(why), 0);
}
END_TEST

START_TEST(test_allow_spec_errors)
{
    mock_allow a;
    char err[160];
    ck_assert_int_eq(mock_allow_parse(&a, NULL, err, sizeof err), 0);
    ck_assert_uint_eq(a.count, 0);
    ck_assert_int_eq(mock_allow_parse(&a, "host:0", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "HOST:PORT"));
    ck_assert_int_eq(mock_allow_parse(&a, "host:70000", err, sizeof err), -1);
    ck_assert_int_eq(mock_allow_parse(&a, "host:x", err, sizeof err), -1);
    char many[400] = "";
    for (int i = 0; i <= MOCK_ALLOW_MAX; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%sh%d", i ? "," : "", i);
    ck_assert_int_eq(mock_allow_parse(&a, many, err, sizeof err), -1);
}
END_TEST

/* ---- expiry ---- */

START_TEST(test_preorder_expires)
{
    mock_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.trade_type, sizeof o.trade_type, "NATIVE");
    o.state = MOCK_TRADE_PAYING;
    o.total_fee = 100;
    o.created_at = 1000;
    o.expires_at = 1000 + 7200;
    const mock_persona *p = mock_persona_of(NULL);
    ck_assert_int_eq(mock_trade_settle(&o, p, 1000 + 7199), 0);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAYING);
    ck_assert_int_eq(mock_trade_settle(&o, p, 1000 + 86400), 1);
    ck_assert_int_eq(o.state, MOCK_TRADE_CLOSED);
    ck_assert_int_eq(o.closed_at, 1000 + 7200);   /* at its expiry, not when seen */
    ck_assert_int_eq(mock_trade_settle(&o, p, 1000 + 86401), 0);

    /* a paid pre-order does not expire */
    o.state = MOCK_TRADE_PAID;
    o.paid_at = 1100;
    o.closed_at = 0;
    ck_assert_int_eq(mock_trade_settle(&o, p, 1000 + 86400), 0);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAID);
}
END_TEST

/* ---- a state file from before pre-orders ---- */

static const char old_schema[] =
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE merchants (mch_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL,"
    " clock_offset INTEGER NOT NULL DEFAULT 0, configured INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, mch_id TEXT NOT NULL,"
    " out_trade_no TEXT NOT NULL, transaction_id TEXT NOT NULL, out_transaction_id TEXT NOT NULL,"
    " auth_code TEXT NOT NULL, attach TEXT NOT NULL, appid TEXT NOT NULL, sub_appid TEXT NOT NULL,"
    " paytype INTEGER NOT NULL, state INTEGER NOT NULL, total_fee INTEGER NOT NULL,"
    " coupon_fee INTEGER NOT NULL, refunded_fee INTEGER NOT NULL, refund_count INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, due_at INTEGER NOT NULL, paid_at INTEGER NOT NULL,"
    " closed_at INTEGER NOT NULL);"
    "INSERT INTO merchants VALUES ('M1', '13000000000000001', 0, 0);"
    "INSERT INTO orders VALUES (1, 'M1', 'OLD000001', '7551000001202401010000000001',"
    " '4200000001202401010000000001', '134567890123450000', '', '', '', 1, 2, 100, 0, 0, 0,"
    " 1700000000, 0, 1700000000, 0);";

START_TEST(test_old_state_file)
{
    char path[] = "/tmp/upay-old-state-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, old_schema, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    for (int round = 0; round < 2; round++) {   /* migrated, then opened as it is */
        mock_store *s = NULL;
        char err[256] = "";
        ck_assert_msg(mock_store_open(path, &s, err, sizeof err) == MOCK_STORE_OK, "%s", err);
        mock_order o;
        ck_assert_int_eq(mock_store_order_by_out_trade_no(s, "M1", "OLD000001", &o), MOCK_STORE_OK);
        ck_assert_int_eq(o.state, MOCK_TRADE_PAID);
        ck_assert_int_eq(o.total_fee, 100);
        ck_assert_str_eq(o.trade_type, "");
        ck_assert_str_eq(o.notify_url, "");
        ck_assert_int_eq(o.expires_at, 0);
        ck_assert_int_eq(o.api, 1);
        if (round == 0) {
            memset(&o, 0, sizeof o);
            snprintf(o.mch_id, sizeof o.mch_id, "M1");
            snprintf(o.out_trade_no, sizeof o.out_trade_no, "NEW000001");
            snprintf(o.transaction_id, sizeof o.transaction_id, "7551000001202401010000000002");
            snprintf(o.out_transaction_id, sizeof o.out_transaction_id, "4200000001202401010000000002");
            snprintf(o.trade_type, sizeof o.trade_type, "JSPAY");
            snprintf(o.notify_url, sizeof o.notify_url, "http://127.0.0.1:1/n");
            o.state = MOCK_TRADE_PAYING;
            o.total_fee = 5;
            o.expires_at = 1700007200;
            o.api = 2;
            ck_assert_int_eq(mock_store_order_insert(s, &o), MOCK_STORE_OK);
        }
        ck_assert_int_eq(mock_store_order_by_out_trade_no(s, "M1", "NEW000001", &o), MOCK_STORE_OK);
        ck_assert_str_eq(o.trade_type, "JSPAY");
        ck_assert_str_eq(o.notify_url, "http://127.0.0.1:1/n");
        ck_assert_int_eq(o.expires_at, 1700007200);
        ck_assert_int_eq(o.api, 2);
        mock_store_close(s);
    }
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}
END_TEST

Suite *make_mock_notify_suite(void)
{
    Suite *s = suite_create("mock_notify");
    TCase *tc = tcase_create("allow");
    tcase_add_loop_test(tc, test_allow_urls, 0, (int)(sizeof urls / sizeof urls[0]));
    tcase_add_test(tc, test_allow_spec_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("expiry");
    tcase_add_test(tc, test_preorder_expires);
    suite_add_tcase(s, tc);
    tc = tcase_create("old_state");
    tcase_add_test(tc, test_old_state_file);
    suite_add_tcase(s, tc);
    return s;
}
