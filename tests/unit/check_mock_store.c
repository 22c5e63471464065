/*
 * check_mock_store.c - the store's merchant cache (server/store/store.c):
 * every merchant is read once through the cache, then each write that can
 * change a merchant row (put, the resets, the offsets, retention's forget),
 * a rollback and a failed commit must make the next read see SQLite's row.
 * Each case reads first (filling the cache), changes, and reads again: with
 * a missing invalidation the second read answers the stale copy.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

static mock_store *st;

static void setup(void)
{
    char err[256];
    ck_assert_msg(mock_store_open(NULL, &st, err, sizeof err) == MOCK_STORE_OK, "%s", err);
}

static void teardown(void)
{
    mock_store_close(st);
}

/* Store merchant `mch` of agent 13000000000000001 with `offset`, `configured`. */
static void put(const char *mch, long long offset, int configured)
{
    mock_merchant m;
    memset(&m, 0, sizeof m);
    strcpy(m.mch_id, mch);
    strcpy(m.agent_id, "13000000000000001");
    m.clock_offset = offset;
    m.configured = configured;
    ck_assert_int_eq(mock_store_merchant_put(st, &m), MOCK_STORE_OK);
}

/* The clock offset of `mch`, read twice (cached the second time, the same answer). */
static long long offset_of(const char *mch)
{
    mock_merchant a, b;
    ck_assert_int_eq(mock_store_merchant_get(st, mch, &a), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_merchant_get(st, mch, &b), MOCK_STORE_OK);
    ck_assert_str_eq(a.mch_id, mch);
    ck_assert_str_eq(b.mch_id, mch);
    ck_assert_str_eq(a.agent_id, b.agent_id);
    ck_assert_int_eq(a.configured, b.configured);
    ck_assert_int_eq(a.clock_offset, b.clock_offset);
    return a.clock_offset;
}

static int found(const char *mch)
{
    mock_merchant m;
    mock_store_rc rc = mock_store_merchant_get(st, mch, &m);
    ck_assert(rc == MOCK_STORE_OK || rc == MOCK_STORE_NOT_FOUND);
    return rc == MOCK_STORE_OK;
}

START_TEST(put_then_get)
{
    put("M1", 10, 0);
    ck_assert_int_eq(offset_of("M1"), 10);
    put("M1", 20, 0);               /* a clock move (admin) is a put */
    ck_assert_int_eq(offset_of("M1"), 20);
    ck_assert(!found("M2"));
    put("M2", 5, 0);                /* a miss is not remembered */
    ck_assert_int_eq(offset_of("M2"), 5);
    ck_assert_int_eq(offset_of("M1"), 20);
}
END_TEST

/* Many merchants share the 64 slots: each still reads as its own. */
START_TEST(many_merchants)
{
    char mch[16];
    for (int i = 0; i < 300; i++) {
        snprintf(mch, sizeof mch, "MANY%d", i);
        put(mch, i, 0);
    }
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 300; i++) {
            snprintf(mch, sizeof mch, "MANY%d", i);
            ck_assert_int_eq(offset_of(mch), i);
        }
    ck_assert(!found("MANY300"));
    ck_assert(!found("MANY1 "));
    ck_assert(!found("MANY12345678901234567890123456789012")); /* longer than an id */
}
END_TEST

START_TEST(resets)
{
    put("SAND", 30, 0);
    put("CONF", 40, 1);
    put("OTHER", 50, 0);
    ck_assert_int_eq(offset_of("SAND"), 30);
    ck_assert_int_eq(offset_of("CONF"), 40);
    ck_assert_int_eq(mock_store_reset_merchant(st, "CONF"), MOCK_STORE_OK);
    ck_assert_int_eq(offset_of("CONF"), 0);        /* configured: kept, clock back to 0 */
    ck_assert_int_eq(mock_store_reset_merchant(st, "SAND"), MOCK_STORE_OK);
    ck_assert(!found("SAND"));                     /* sandbox: forgotten */
    ck_assert_int_eq(offset_of("OTHER"), 50);
    put("CONF", 60, 1);
    ck_assert_int_eq(offset_of("CONF"), 60);
    ck_assert_int_eq(mock_store_zero_offsets(st), MOCK_STORE_OK);
    ck_assert_int_eq(offset_of("CONF"), 0);
    ck_assert_int_eq(offset_of("OTHER"), 0);
    put("CONF", 70, 1);
    ck_assert_int_eq(offset_of("CONF"), 70);
    ck_assert_int_eq(mock_store_reset_all(st), MOCK_STORE_OK);
    ck_assert_int_eq(offset_of("CONF"), 0);
    ck_assert(!found("OTHER"));
}
END_TEST

START_TEST(forget)
{
    put("GONE", 80, 0);
    ck_assert_int_eq(offset_of("GONE"), 80);
    int gone = 0;
    ck_assert_int_eq(mock_store_begin(st), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_forget_merchant(st, "GONE", &gone), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_commit(st), MOCK_STORE_OK);
    ck_assert_int_eq(gone, 1);
    ck_assert(!found("GONE"));
}
END_TEST

/*
 * Rows read inside a transaction that is undone must not outlive it: undone
 * by a rollback (_i 0) or by a commit that fails (_i 1, it rolls back).
 */
START_TEST(undone)
{
    put("RB", 1, 0);
    ck_assert_int_eq(offset_of("RB"), 1);
    ck_assert_int_eq(mock_store_begin(st), MOCK_STORE_OK);
    put("RB", 2, 0);
    put("NEW", 3, 0);
    ck_assert_int_eq(offset_of("RB"), 2);          /* the transaction sees its own writes */
    ck_assert_int_eq(offset_of("NEW"), 3);
    if (_i == 0) {
        mock_store_rollback(st);
    } else {
        mock_store_fail_inject(st, SQLITE_FULL, MOCK_STORE_FAIL_COMMIT);
        ck_assert_int_eq(mock_store_commit(st), MOCK_STORE_ERROR);
        mock_store_fail_inject(st, 0, MOCK_STORE_FAIL_WRITES);
    }
    ck_assert_int_eq(offset_of("RB"), 1);
    ck_assert(!found("NEW"));
}
END_TEST

Suite *make_mock_store_suite(void)
{
    Suite *s = suite_create("mock_store");
    TCase *tc = tcase_create("merchant_cache");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, put_then_get);
    tcase_add_test(tc, many_merchants);
    tcase_add_test(tc, resets);
    tcase_add_test(tc, forget);
    tcase_add_loop_test(tc, undone, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
