/*
 * check_mock_store.c - the store's two caches (server/store/store.c).
 * Merchants: every merchant is read once through the cache, then each write
 * that can change a merchant row (put, the resets, the offsets, retention's
 * forget), a rollback and a failed commit must make the next read see
 * SQLite's row. Orders: the same for the three lookups (out_trade_no,
 * transaction_id, id) and every write that can change an order row (its
 * update, the refunds' writes as a refund makes them, the resets,
 * retention's forget, a rollback, a failed write or commit, a new store).
 * Each case reads first (filling the cache), changes, and reads again: with
 * a missing invalidation the second read answers the stale copy. And the
 * ledger's walk over the orders a page at a time (mock_store_orders_after):
 * the whole store's by id, one merchant's by out_trade_no.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- orders ---- */

/*
 * Store order `otn` of `mch`, its transaction id ending in `n` (5 digits; not 0, which no
 * order id is), paid `fee`.
 */
static mock_order order_put(const char *mch, const char *otn, unsigned n, long long fee)
{
    mock_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.mch_id, sizeof o.mch_id, "%s", mch);
    snprintf(o.out_trade_no, sizeof o.out_trade_no, "%s", otn);
    snprintf(o.transaction_id, sizeof o.transaction_id, "75510000012020010100000%05u",
             n % 100000u);
    snprintf(o.attach, sizeof o.attach, "attach of %s", otn);
    o.state = MOCK_TRADE_PAID;
    o.total_fee = fee;
    o.created_at = o.paid_at = 1000;
    o.api = 1;
    ck_assert_int_eq(mock_store_order_insert(st, &o), MOCK_STORE_OK);
    return o;
}

/* Read `o` by one key (0 out_trade_no, 1 transaction_id, 2 id) into `out`. */
static mock_store_rc order_get(const mock_order *o, int key, mock_order *out)
{
    switch (key) {
    case 0:
        return mock_store_order_by_out_trade_no(st, o->mch_id, o->out_trade_no, out);
    case 1:
        return mock_store_order_by_transaction_id(st, o->mch_id, o->transaction_id, out);
    default:
        return mock_store_order_by_id(st, o->id, out);
    }
}

/*
 * The refunded_fee of `o` as the store has it, -1 when it has no such
 * order: read twice by each of the three keys (the second read of each
 * from the cache), every read the same row.
 */
static long long refunded_of(const mock_order *o)
{
    mock_order first, again;
    mock_store_rc rc = order_get(o, 0, &first);
    ck_assert(rc == MOCK_STORE_OK || rc == MOCK_STORE_NOT_FOUND);
    for (int key = 0; key < 3; key++)
        for (int round = 0; round < 2; round++) {
            ck_assert_int_eq(order_get(o, key, &again), rc);
            if (rc == MOCK_STORE_OK)
                ck_assert_msg(memcmp(&first, &again, sizeof first) == 0, "key %d round %d", key,
                              round);
        }
    if (rc != MOCK_STORE_OK)
        return -1;
    ck_assert_int_eq(first.id, o->id);
    ck_assert_str_eq(first.out_trade_no, o->out_trade_no);
    ck_assert_str_eq(first.attach, o->attach);
    return first.refunded_fee;
}

/* Set `o`'s refunded_fee to `fee` and store it, as a refund does. */
static void order_refunded(mock_order *o, long long fee)
{
    o->refunded_fee = fee;
    o->refund_count++;
    o->state = MOCK_TRADE_REFUNDED;
    ck_assert_int_eq(mock_store_order_update(st, o), MOCK_STORE_OK);
}

/* Each order reads as itself, by every key, with many of them sharing the slots. */
START_TEST(orders_read)
{
    mock_order o[300], out;
    char otn[16], mch[16];
    /* an empty slot of a new store is no order: not the one with empty keys and id 0 */
    ck_assert_int_eq(mock_store_order_by_out_trade_no(st, "", "", &out), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_order_by_out_trade_no(st, NULL, NULL, &out), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_order_by_transaction_id(st, "", "", &out), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_order_by_id(st, 0, &out), MOCK_STORE_NOT_FOUND);
    for (int i = 0; i < 300; i++) {
        snprintf(otn, sizeof otn, "T%d", i);
        o[i] = order_put(i % 2 ? "M1" : "M2", otn, i + 1, 100 + i);
        order_refunded(&o[i], i);
    }
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 300; i++)
            ck_assert_int_eq(refunded_of(&o[i]), i);
    /*
     * Another merchant's number is not this order, though it may share its
     * slot: o[1] is in the cache under both its keys, then asked for by
     * 1000 other merchants (some of whom land on its slot).
     */
    ck_assert_int_eq(refunded_of(&o[1]), 1);
    for (int i = 0; i < 1000; i++) {
        snprintf(mch, sizeof mch, "X%d", i);
        ck_assert_int_eq(mock_store_order_by_out_trade_no(st, mch, "T1", &out), MOCK_STORE_NOT_FOUND);
        ck_assert_int_eq(mock_store_order_by_transaction_id(st, mch, o[1].transaction_id, &out),
                         MOCK_STORE_NOT_FOUND);
    }
    ck_assert_int_eq(mock_store_order_by_out_trade_no(st, "M1", "T1 ", &out), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_order_by_out_trade_no(st, "M1", "t1", &out), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_order_by_id(st, o[299].id + 1, &out), MOCK_STORE_NOT_FOUND);
    /* the copy handed out is the caller's: changing it changes nothing stored */
    ck_assert_int_eq(mock_store_order_by_id(st, o[7].id, &out), MOCK_STORE_OK);
    out.refunded_fee = 99;
    ck_assert_int_eq(refunded_of(&o[7]), 7);
}
END_TEST

START_TEST(order_update)
{
    mock_order o = order_put("M1", "UPD", 1, 100);
    ck_assert_int_eq(refunded_of(&o), 0);
    order_refunded(&o, 30);
    ck_assert_int_eq(refunded_of(&o), 30);
    order_refunded(&o, 40);
    ck_assert_int_eq(refunded_of(&o), 40);
}
END_TEST

/* A refund as refund.c stores it: the refund's row, then the order's update. */
START_TEST(order_refund_writes)
{
    mock_order o = order_put("M1", "REF", 1, 100);
    ck_assert_int_eq(refunded_of(&o), 0);
    mock_refund r;
    memset(&r, 0, sizeof r);
    r.order_id = o.id;
    strcpy(r.mch_id, "M1");
    strcpy(r.out_refund_no, "R1");
    strcpy(r.refund_id, "7552000001202001010000000001");
    r.refund_fee = 25;
    r.status = UPAY_REFUND_PROCESSING;
    ck_assert_int_eq(mock_store_refund_insert(st, &r), MOCK_STORE_OK);
    ck_assert_int_eq(refunded_of(&o), 0);           /* the refund's row alone is not the order */
    order_refunded(&o, 25);
    ck_assert_int_eq(refunded_of(&o), 25);
    r.status = UPAY_REFUND_FAIL;                    /* a failed refund gives its amount back */
    ck_assert_int_eq(mock_store_refund_update(st, &r), MOCK_STORE_OK);
    order_refunded(&o, 0);
    ck_assert_int_eq(refunded_of(&o), 0);
}
END_TEST

START_TEST(order_resets)
{
    put("CONF", 10, 1);
    mock_order a = order_put("CONF", "A", 1, 100), b = order_put("OTHER", "B", 2, 100);
    order_refunded(&a, 5);
    ck_assert_int_eq(refunded_of(&a), 5);
    ck_assert_int_eq(refunded_of(&b), 0);
    ck_assert_int_eq(mock_store_zero_offsets(st), MOCK_STORE_OK);
    ck_assert_int_eq(refunded_of(&a), 5);          /* the clocks, not the orders */
    ck_assert_int_eq(mock_store_reset_merchant(st, "CONF"), MOCK_STORE_OK);
    ck_assert_int_eq(refunded_of(&a), -1);
    ck_assert_int_eq(refunded_of(&b), 0);
    ck_assert_int_eq(mock_store_reset_all(st), MOCK_STORE_OK);
    ck_assert_int_eq(refunded_of(&b), -1);
}
END_TEST

START_TEST(order_forget)
{
    put("GONE", 0, 0);
    mock_order old = order_put("GONE", "OLD", 1, 100);
    ck_assert_int_eq(refunded_of(&old), 0);
    long long orders = 0, refunds = 0;
    int gone = 0;
    ck_assert_int_eq(mock_store_begin(st), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_forget_orders(st, "GONE", 2000, 10, &orders, &refunds),
                     MOCK_STORE_OK);
    ck_assert_int_eq(orders, 1);
    ck_assert_int_eq(refunded_of(&old), -1);
    ck_assert_int_eq(mock_store_forget_merchant(st, "GONE", &gone), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_commit(st), MOCK_STORE_OK);
    ck_assert_int_eq(gone, 1);
    ck_assert_int_eq(refunded_of(&old), -1);
}
END_TEST

/*
 * Orders read inside a transaction that is undone must not outlive it:
 * undone by a rollback (_i 0), by a commit that fails (_i 1, it rolls
 * back), or by a write that fails, which the caller then rolls back (_i 2).
 */
START_TEST(order_undone)
{
    mock_order o = order_put("M1", "RB", 1, 100);
    ck_assert_int_eq(refunded_of(&o), 0);
    ck_assert_int_eq(mock_store_begin(st), MOCK_STORE_OK);
    order_refunded(&o, 10);
    mock_order added = order_put("M1", "NEW", 2, 100);
    ck_assert_int_eq(refunded_of(&o), 10);          /* the transaction sees its own writes */
    ck_assert_int_eq(refunded_of(&added), 0);
    if (_i == 0) {
        mock_store_rollback(st);
    } else if (_i == 1) {
        mock_store_fail_inject(st, SQLITE_FULL, MOCK_STORE_FAIL_COMMIT);
        ck_assert_int_eq(mock_store_commit(st), MOCK_STORE_ERROR);
    } else {
        mock_store_fail_inject(st, SQLITE_IOERR, MOCK_STORE_FAIL_WRITES);
        o.refunded_fee = 20;
        ck_assert_int_eq(mock_store_order_update(st, &o), MOCK_STORE_ERROR);
        mock_store_rollback(st);
    }
    mock_store_fail_inject(st, 0, MOCK_STORE_FAIL_WRITES);
    ck_assert_int_eq(refunded_of(&o), 0);
    ck_assert_int_eq(refunded_of(&added), -1);
}
END_TEST

/* A state file in a directory of its own, for the cases that restart on one. */
typedef struct state_file {
    char dir[32];
    char path[64];
} state_file;

/* Make the directory and open `st` on a new file there (closing the in-memory one). */
static void state_file_open(state_file *f)
{
    char err[256];
    snprintf(f->dir, sizeof f->dir, "/tmp/check_mock_store.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/state.db", f->dir);
    mock_store_close(st);
    ck_assert_msg(mock_store_open(f->path, &st, err, sizeof err) == MOCK_STORE_OK, "%s", err);
}

/* Open `st` again on the file (a restart). */
static void state_file_reopen(const state_file *f)
{
    char err[256];
    ck_assert_msg(mock_store_open(f->path, &st, err, sizeof err) == MOCK_STORE_OK, "%s", err);
}

/* Remove the file, its WAL companions and the directory. */
static void state_file_remove(const state_file *f)
{
    static const char *const suffix[] = { "", "-wal", "-shm" };
    char file[80];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(file, sizeof file, "%s%s", f->path, suffix[i]);
        unlink(file);
    }
    rmdir(f->dir);
}

/* A store opened again (a restart on its state file) reads the file, not an old copy. */
START_TEST(order_reopen)
{
    state_file f;
    state_file_open(&f);
    mock_order o = order_put("M1", "FILE", 1, 100);
    ck_assert_int_eq(refunded_of(&o), 0);
    mock_store_close(st);
    sqlite3 *db = NULL;   /* another writer while the mock is down */
    ck_assert_int_eq(sqlite3_open(f.path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE orders SET refunded_fee = 7", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    state_file_reopen(&f);
    ck_assert_int_eq(refunded_of(&o), 7);
    state_file_remove(&f);
}
END_TEST

/* ---- an order's id is its transaction_id's sequence number ---- */

/* Each order is found by its transaction_id alone, not by one that only ends like it. */
START_TEST(id_is_the_sequence)
{
    mock_order out, o = order_put("M1", "SEQ", 4242, 100);
    ck_assert_int_eq(o.id, 4242);
    ck_assert_int_eq(mock_store_order_by_transaction_id(st, "M1", o.transaction_id, &out),
                     MOCK_STORE_OK);
    ck_assert_str_eq(out.out_trade_no, "SEQ");
    /* the same last 10 digits after another date: the row's id, but not its transaction_id */
    static const char *const not_it[] = {
        "7551000001202001020000004242", "7551000001202001010000004243",
        "755100000120200101000000424",  "75510000012020010100000042420",
        "755100000120200101000000424x", "",
    };
    for (size_t i = 0; i < sizeof not_it / sizeof not_it[0]; i++)
        ck_assert_msg(mock_store_order_by_transaction_id(st, "M1", not_it[i], &out)
                      == MOCK_STORE_NOT_FOUND, "%s", not_it[i]);
    ck_assert_int_eq(mock_store_order_by_transaction_id(st, "M2", o.transaction_id, &out),
                     MOCK_STORE_NOT_FOUND);
    /* a second order with that sequence is a conflict (the pay call makes new ids and retries) */
    mock_order twin = o;
    twin.id = 0;
    snprintf(twin.out_trade_no, sizeof twin.out_trade_no, "TWIN");
    memcpy(twin.transaction_id + 10, "20200102", 8);
    ck_assert_int_eq(mock_store_order_insert(st, &twin), MOCK_STORE_CONFLICT);
    ck_assert_int_eq(mock_store_order_by_out_trade_no(st, "M1", "TWIN", &out), MOCK_STORE_NOT_FOUND);
    /* no order has a transaction_id that is not 28 digits, or whose sequence is 0 */
    snprintf(twin.transaction_id, sizeof twin.transaction_id, "7551000001202001020000000000");
    ck_assert_int_eq(mock_store_order_insert(st, &twin), MOCK_STORE_ERROR);
    snprintf(twin.transaction_id, sizeof twin.transaction_id, "T-1");
    ck_assert_int_eq(mock_store_order_insert(st, &twin), MOCK_STORE_ERROR);
    ck_assert_int_eq(mock_store_order_by_out_trade_no(st, "M1", "TWIN", &out), MOCK_STORE_NOT_FOUND);
}
END_TEST

/*
 * A state file written before orders took their sequence as id: its rows
 * have SQLite's ids and the index orders_by_transaction_id, through which
 * they (and orders stored after the upgrade) are still found.
 */
START_TEST(older_state_file)
{
    state_file f;
    state_file_open(&f);
    mock_store_close(st);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(f.path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db,
        "CREATE UNIQUE INDEX orders_by_transaction_id ON orders(transaction_id);"
        "INSERT INTO orders(id, mch_id, out_trade_no, transaction_id, out_transaction_id,"
        " auth_code, attach, appid, sub_appid, paytype, state, total_fee, coupon_fee,"
        " refunded_fee, refund_count, created_at, due_at, paid_at, closed_at) VALUES"
        " (1, 'M1', 'OLD', '7551000001202001010000000777', '4200000001202001010000000777',"
        " '134567890123456789', '', '', '', 1, 1, 100, 0, 0, 0, 1000, 0, 1000, 0)",
        NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    state_file_reopen(&f);
    mock_order out;
    ck_assert_int_eq(mock_store_order_by_transaction_id(st, "M1", "7551000001202001010000000777",
                                                        &out), MOCK_STORE_OK);
    ck_assert_int_eq(out.id, 1);
    ck_assert_str_eq(out.out_trade_no, "OLD");
    mock_order added = order_put("M1", "NEW", 1, 100);   /* sequence 1: the old row's id */
    ck_assert_int_eq(mock_store_order_by_transaction_id(st, "M1", added.transaction_id, &out),
                     MOCK_STORE_OK);
    ck_assert_str_eq(out.out_trade_no, "NEW");
    ck_assert_int_ne(out.id, 1);
    state_file_remove(&f);
}
END_TEST

/* ---- the walk over the orders, a page at a time ---- */

typedef struct walked {
    mock_order o[64];
    size_t count, stop_at;    /* stop_at: fn answers "stop" at that many (0: never) */
} walked;

static int walk_fn(const mock_order *o, void *user)
{
    walked *w = user;
    ck_assert_uint_lt(w->count, 64);
    w->o[w->count++] = *o;
    return w->stop_at && w->count == w->stop_at;
}

/* One page of `limit` after `*pos`; moves `*pos` to its last order. Returns how many. */
static size_t walk_page(const char *mch, mock_store_order_pos *pos, size_t limit, walked *w)
{
    w->count = 0;
    ck_assert_int_eq(mock_store_orders_after(st, mch, pos, limit, walk_fn, w), MOCK_STORE_OK);
    if (w->count) {
        pos->id = w->o[w->count - 1].id;
        memcpy(pos->out_trade_no, w->o[w->count - 1].out_trade_no, sizeof pos->out_trade_no);
    }
    return w->count;
}

/*
 * A merchant's walk: its orders only (its neighbours' ids sort just before
 * and after it, and share its numbers), in out_trade_no order whatever the
 * order they were stored in, each once across pages; an order stored
 * meanwhile is seen when its number sorts after the walk's position. The
 * whole store's walk: every order in id order.
 */
START_TEST(orders_after)
{
    static const char *const numbers[] = { "N40", "N07", "N33", "N01", "N25", "N19", "N12" };
    static const char *const sorted[] = { "N01", "N07", "N12", "N19", "N25", "N33", "N40" };
    const size_t n = sizeof numbers / sizeof numbers[0];
    unsigned tid = 0;
    for (size_t i = 0; i < n; i++) {
        order_put("W0", numbers[i], ++tid, 100);
        order_put("W1", numbers[i], ++tid, 100);
        order_put("W2", numbers[i], ++tid, 100);
    }
    walked w;
    memset(&w, 0, sizeof w);
    mock_store_order_pos pos;
    memset(&pos, 0, sizeof pos);
    size_t seen = 0, got;
    while ((got = walk_page("W1", &pos, 3, &w)) > 0) {
        ck_assert_uint_le(got, 3);
        for (size_t i = 0; i < got; i++, seen++) {
            ck_assert_uint_lt(seen, n);
            ck_assert_str_eq(w.o[i].mch_id, "W1");
            ck_assert_str_eq(w.o[i].out_trade_no, sorted[seen]);
        }
    }
    ck_assert_uint_eq(seen, n);

    /* stored during a walk standing after N12: N05 sorts before it, N50 after */
    memset(&pos, 0, sizeof pos);
    strcpy(pos.out_trade_no, "N12");
    order_put("W1", "N05", ++tid, 100);
    order_put("W1", "N50", ++tid, 100);
    ck_assert_uint_eq(walk_page("W1", &pos, 64, &w), 5);
    ck_assert_str_eq(w.o[0].out_trade_no, "N19");
    ck_assert_str_eq(w.o[4].out_trade_no, "N50");
    ck_assert_uint_eq(walk_page("W1", &pos, 64, &w), 0);
    ck_assert_uint_eq(walk_page("NOBODY", &pos, 64, &w), 0);

    /* the whole store by id, across pages of 5 */
    memset(&pos, 0, sizeof pos);
    long long last_id = 0;
    seen = 0;
    while ((got = walk_page(NULL, &pos, 5, &w)) > 0)
        for (size_t i = 0; i < got; i++, seen++) {
            ck_assert_int_gt(w.o[i].id, last_id);
            last_id = w.o[i].id;
        }
    ck_assert_uint_eq(seen, 3 * n + 2);

    /* fn answering nonzero ends the page there */
    memset(&pos, 0, sizeof pos);
    w.stop_at = 2;
    ck_assert_uint_eq(walk_page("W2", &pos, 64, &w), 2);
    ck_assert_str_eq(pos.out_trade_no, "N07");
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
    tc = tcase_create("order_cache");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, orders_read);
    tcase_add_test(tc, order_update);
    tcase_add_test(tc, order_refund_writes);
    tcase_add_test(tc, order_resets);
    tcase_add_test(tc, order_forget);
    tcase_add_loop_test(tc, order_undone, 0, 3);
    tcase_add_test(tc, order_reopen);
    tcase_set_timeout(tc, 30);   /* order_reopen syncs a file */
    suite_add_tcase(s, tc);
    tc = tcase_create("order_ids");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);   /* older_state_file syncs a file: slow when the disk is busy */
    tcase_add_test(tc, id_is_the_sequence);
    tcase_add_test(tc, older_state_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("order_walk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, orders_after);
    suite_add_tcase(s, tc);
    return s;
}
