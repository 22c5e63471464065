/*
 * server/store/store.c - SQLite persistence of merchants, orders and refunds
 * (see store.h). Every statement is prepared once at open. Merchants read
 * by mch_id and orders read by one of their keys are also kept in two small
 * caches (every request finds its merchant, most find an order; SQLite
 * costs 5 k instructions for the merchant's row, 15 k for the order's).
 */
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
    ST_META_GET, ST_META_SET,
    ST_MCH_GET, ST_MCH_PUT,
    ST_ORDER_BY_OTN, ST_ORDER_BY_TID, ST_ORDER_BY_TID_ID, ST_ORDER_BY_ID, ST_ORDER_INSERT, ST_ORDER_UPDATE,
    ST_REFUND_BY_ORN, ST_REFUND_BY_RID, ST_REFUND_INSERT, ST_REFUND_UPDATE, ST_REFUNDS_OF_ORDER,
    ST_ORDERS_ALL, ST_ORDERS_MCH, ST_ORDERS_AFTER, ST_ORDERS_MCH_AFTER,
    ST_DUP_NUMBERS, ST_DUP_IDS, ST_ORPHANS,
    ST_COUNT,
    ST_N
};

#define ORDER_COLS "id, mch_id, out_trade_no, transaction_id, out_transaction_id, auth_code, " \
    "attach, appid, sub_appid, paytype, state, total_fee, coupon_fee, refunded_fee, " \
    "refund_count, created_at, due_at, paid_at, closed_at, trade_type, notify_url, expires_at, api"
#define REFUND_COLS "id, order_id, mch_id, out_refund_no, refund_id, out_refund_id, refund_fee, " \
    "serial_no, attempts, status, created_at, updated_at, due_at"

static const char *const sql_text[ST_N] = {
    [ST_BEGIN] = "BEGIN",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_META_GET] = "SELECT value FROM meta WHERE name = ?1",
    [ST_META_SET] = "INSERT OR REPLACE INTO meta(name, value) VALUES (?1, ?2)",
    [ST_MCH_GET] = "SELECT mch_id, agent_id, clock_offset, configured FROM merchants WHERE mch_id = ?1",
    [ST_MCH_PUT] = "INSERT OR REPLACE INTO merchants(mch_id, agent_id, clock_offset, configured) "
                   "VALUES (?1, ?2, ?3, ?4)",
    [ST_ORDER_BY_OTN] = "SELECT " ORDER_COLS " FROM orders WHERE mch_id = ?1 AND out_trade_no = ?2",
    /* a state file written before 2026-11-30, with the index orders_by_transaction_id */
    [ST_ORDER_BY_TID] = "SELECT " ORDER_COLS " FROM orders WHERE transaction_id = ?2 AND mch_id = ?1",
    /* every other store: the row whose id is the transaction_id's sequence number */
    [ST_ORDER_BY_TID_ID] = "SELECT " ORDER_COLS " FROM orders WHERE id = ?3 AND transaction_id = ?2 "
                           "AND mch_id = ?1",
    [ST_ORDER_BY_ID] = "SELECT " ORDER_COLS " FROM orders WHERE id = ?1",
    [ST_ORDER_INSERT] = "INSERT INTO orders(id, mch_id, out_trade_no, transaction_id, out_transaction_id, "
                        "auth_code, attach, appid, sub_appid, paytype, state, total_fee, coupon_fee, "
                        "refunded_fee, refund_count, created_at, due_at, paid_at, closed_at, trade_type, notify_url, "
                        "expires_at, api) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                        "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23) "
                        "ON CONFLICT (mch_id, out_trade_no) DO NOTHING",
    [ST_ORDER_UPDATE] = "UPDATE orders SET state = ?11, coupon_fee = ?13, refunded_fee = ?14, "
                        "refund_count = ?15, due_at = ?17, paid_at = ?18, closed_at = ?19, auth_code = ?6 "
                        "WHERE id = ?1",
    [ST_REFUND_BY_ORN] = "SELECT " REFUND_COLS " FROM refunds WHERE mch_id = ?1 AND out_refund_no = ?2",
    [ST_REFUND_BY_RID] = "SELECT " REFUND_COLS " FROM refunds WHERE refund_id = ?2 AND mch_id = ?1",
    [ST_REFUND_INSERT] = "INSERT INTO refunds(order_id, mch_id, out_refund_no, refund_id, out_refund_id, "
                         "refund_fee, serial_no, attempts, status, created_at, updated_at, due_at) VALUES "
                         "(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [ST_REFUND_UPDATE] = "UPDATE refunds SET attempts = ?9, status = ?10, updated_at = ?12, due_at = ?13 "
                         "WHERE id = ?1",
    [ST_REFUNDS_OF_ORDER] = "SELECT " REFUND_COLS " FROM refunds WHERE order_id = ?1 ORDER BY serial_no",
    [ST_ORDERS_ALL] = "SELECT " ORDER_COLS " FROM orders ORDER BY id DESC LIMIT ?1",
    [ST_ORDERS_MCH] = "SELECT " ORDER_COLS " FROM orders WHERE mch_id = ?2 ORDER BY id DESC LIMIT ?1",
    [ST_ORDERS_AFTER] = "SELECT " ORDER_COLS " FROM orders WHERE id > ?2 ORDER BY id LIMIT ?1",
    /*
     * One merchant's orders in out_trade_no order: a range of the unique
     * index orders_by_out_trade_no, already in that order, so no other
     * merchant's row is read (a walk by id read every order of the store)
     * and nothing is sorted. EXPLAIN QUERY PLAN: "SEARCH orders USING INDEX
     * orders_by_out_trade_no (mch_id=? AND out_trade_no>?)", no temp b-tree.
     */
    [ST_ORDERS_MCH_AFTER] = "SELECT " ORDER_COLS " FROM orders WHERE mch_id = ?3 "
                            "AND out_trade_no > ?2 ORDER BY out_trade_no LIMIT ?1",
    /* the unique indexes, walked in key order a page at a time */
    [ST_DUP_NUMBERS] = "SELECT mch_id, out_refund_no, count(*) FROM refunds "
                       "WHERE (mch_id, out_refund_no) > (?2, ?3) AND (?4 IS NULL OR mch_id = ?4) "
                       "GROUP BY mch_id, out_refund_no ORDER BY mch_id, out_refund_no LIMIT ?1",
    [ST_DUP_IDS] = "SELECT min(mch_id), refund_id, count(*) FROM refunds "
                   "WHERE refund_id > ?2 AND (?4 IS NULL OR mch_id = ?4) "
                   "GROUP BY refund_id ORDER BY refund_id LIMIT ?1",
    [ST_ORPHANS] = "SELECT max(id), count(*), sum(NOT EXISTS (SELECT 1 FROM orders o "
                   "WHERE o.id = r.order_id)) FROM (SELECT id, order_id FROM refunds "
                   "WHERE id > ?2 ORDER BY id LIMIT ?1) r",
    [ST_COUNT] = "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM refunds)",
};

/*
 * An order's id is the sequence number its transaction_id ends in (see
 * order_id_of_transaction_id), so a lookup by transaction_id is a lookup by
 * id and the orders need no index of their transaction_id: a pay writes one
 * b-tree and one journal page less (7.8 k of its 100 k instructions, about
 * 40 bytes per stored order). A state file written before that keeps its
 * index orders_by_transaction_id and its rows their own ids; the store finds
 * its orders through the index (mock_store.tid_index).
 */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS merchants (mch_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL,"
    " clock_offset INTEGER NOT NULL DEFAULT 0, configured INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, mch_id TEXT NOT NULL,"
    " out_trade_no TEXT NOT NULL, transaction_id TEXT NOT NULL, out_transaction_id TEXT NOT NULL,"
    " auth_code TEXT NOT NULL, attach TEXT NOT NULL, appid TEXT NOT NULL, sub_appid TEXT NOT NULL,"
    " paytype INTEGER NOT NULL, state INTEGER NOT NULL, total_fee INTEGER NOT NULL,"
    " coupon_fee INTEGER NOT NULL, refunded_fee INTEGER NOT NULL, refund_count INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, due_at INTEGER NOT NULL, paid_at INTEGER NOT NULL,"
    " closed_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_by_out_trade_no ON orders(mch_id, out_trade_no);"
    "CREATE TABLE IF NOT EXISTS refunds (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
    " mch_id TEXT NOT NULL, out_refund_no TEXT NOT NULL, refund_id TEXT NOT NULL,"
    " out_refund_id TEXT NOT NULL, refund_fee INTEGER NOT NULL, serial_no INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL, status INTEGER NOT NULL, created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL, due_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS refunds_by_out_refund_no ON refunds(mch_id, out_refund_no);"
    "CREATE UNIQUE INDEX IF NOT EXISTS refunds_by_refund_id ON refunds(refund_id);"
    "CREATE INDEX IF NOT EXISTS refunds_by_order ON refunds(order_id, serial_no);";

/*
 * Columns added after the first release: a state file written before them
 * gets them, with defaults that mean "a barcode order" (scan-to-pay fields).
 */
static const char *const added_order_columns[][2] = {
    { "trade_type", "TEXT NOT NULL DEFAULT ''" },
    { "notify_url", "TEXT NOT NULL DEFAULT ''" },
    { "expires_at", "INTEGER NOT NULL DEFAULT 0" },
    { "api", "INTEGER NOT NULL DEFAULT 1" },
};

/*
 * The merchant cache: direct-mapped by a hash of mch_id, each slot a copy of
 * the row as SQLite last gave or took it. A slot counts only while its
 * generation is the store's: every write that may change a merchant row
 * (put, the resets, the offsets, retention's forget), every rollback and
 * every SQLite failure (which may have rolled back on its own) moves the
 * generation on, emptying the whole cache at once. Such writes are rare
 * (a new merchant, an admin call, a retention sweep); reads are on every
 * request. One process owns a state file, so no other writer exists.
 */
enum { MCH_CACHE_SLOTS = 64 };

typedef struct mch_slot {
    unsigned long long gen;       /* valid when equal to mock_store.mch_gen (never 0) */
    mock_merchant m;
} mch_slot;

/*
 * The order cache, built the same way: direct-mapped, each slot a copy of
 * an order row as SQLite last gave it (720 bytes a slot, 92 160 for the
 * 128). A lookup by (mch_id, out_trade_no), by (mch_id, transaction_id) or
 * by id hashes its own key to a slot and takes the copy there only when
 * that copy carries the same key, so the three share the slots (one order
 * may sit in up to three). Only rows read from SQLite are copied; a miss
 * is not remembered.
 *
 * A stale copy would answer a wrong trade state, so the generation moves
 * on, emptying every slot, at every write that touches orders or refunds
 * (insert, update, the refunds' insert and update, the resets, the offsets,
 * retention's forget, every raw SQL run), at every rollback and at every
 * SQLite failure. Writes are one per pay, refund or state change; an
 * orderquery of a settled order writes nothing and finds its copy. A new
 * store (open) starts empty; close frees it.
 *
 * Both caches rely on what the whole store relies on: it is used only
 * under the gateway's one lock (ctx->lock), never by two threads at once.
 */
enum { ORDER_CACHE_SLOTS = 128 };

typedef struct order_slot {
    unsigned long long gen;       /* valid when equal to mock_store.order_gen (never 0) */
    mock_order o;
} order_slot;

struct mock_store {
    sqlite3 *db;
    unsigned long long mch_gen;   /* the merchant cache's generation, from 1 */
    mch_slot mch_cache[MCH_CACHE_SLOTS];
    unsigned long long order_gen; /* the order cache's generation, from 1 */
    order_slot order_cache[ORDER_CACHE_SLOTS];
    sqlite3_stmt *st[ST_N];
    int inject_code;              /* test hook: the SQLite code writes fail with; 0 none */
    mock_store_fail_at inject_at; /* which writes */
    unsigned long long failures;  /* every MOCK_STORE_ERROR so far */
    char last_error[200];         /* the latest one, in words */
    sqlite3_stmt *fg[6];          /* retention's statements (FG_*), prepared on first use */
    int tid_index;                /* orders_by_transaction_id exists (an older state file) */
};

/*
 * Copy text column `col` into dst[size], cut to fit (a bounded memcpy:
 * snprintf cost more). Read as a blob: the same UTF-8 bytes, but where
 * sqlite3_column_text copies a value that lies in a page into a malloc'd
 * cell to end it with NUL, sqlite3_column_blob hands out the page's bytes.
 */
static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const void *text = sqlite3_column_blob(st, col);
    size_t len = text ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (len >= size)
        len = size - 1;
    if (len)
        memcpy(dst, text, len);
    dst[len] = '\0';
}

/* Empty the merchant cache: a merchant row may have changed. */
static void merchants_changed(mock_store *s)
{
    s->mch_gen++;
}

/* Empty the order cache: an order row may have changed. */
static void orders_changed(mock_store *s)
{
    s->order_gen++;
}

/* Both: anything may have changed (a rollback, a failure, raw SQL). */
static void all_changed(mock_store *s)
{
    merchants_changed(s);
    orders_changed(s);
}

/* FNV-1a of `text` on top of `h`. */
static uint32_t fnv(uint32_t h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* The cache slot of `mch_id`. */
static mch_slot *mch_slot_of(mock_store *s, const char *mch_id)
{
    uint32_t h = fnv(2166136261u, mch_id);
    return &s->mch_cache[(h ^ (h >> 16)) % MCH_CACHE_SLOTS];
}

static order_slot *order_slot_at(mock_store *s, uint32_t h)
{
    return &s->order_cache[(h ^ (h >> 16)) % ORDER_CACHE_SLOTS];
}

/* The order slot of a key: (mch_id, out_trade_no), (mch_id, transaction_id) or id. */
static order_slot *otn_slot_of(mock_store *s, const char *mch_id, const char *out_trade_no)
{
    return order_slot_at(s, fnv((fnv(2166136261u, mch_id) ^ '/') * 16777619u, out_trade_no));
}

static order_slot *tid_slot_of(mock_store *s, const char *transaction_id)
{
    return order_slot_at(s, fnv(2166136261u, transaction_id));
}

static order_slot *id_slot_of(mock_store *s, long long id)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;
    return order_slot_at(s, (uint32_t)(h >> 32));
}

/* Remember a failure in words (SQLite's name for the code and its message). */
static void note_failure(mock_store *s, int rc, const char *message)
{
    all_changed(s);         /* SQLite may have rolled the transaction back */
    s->failures++;
    snprintf(s->last_error, sizeof s->last_error, "%s (SQLite code %d): %s", sqlite3_errstr(rc),
             rc, message);
}

static mock_store_rc rc_of(mock_store *s, int rc)
{
    if (rc == SQLITE_DONE || rc == SQLITE_OK || rc == SQLITE_ROW)
        return MOCK_STORE_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return MOCK_STORE_CONFLICT;
    note_failure(s, rc, sqlite3_errmsg(s->db));
    return MOCK_STORE_ERROR;
}

/* A statement used: reset, and no longer pointing at its caller's text (bind_key). */
static void finish(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Step the statement once and finish it, for writes (and the failure a test injected). */
static mock_store_rc run(mock_store *s, sqlite3_stmt *st)
{
    if (s->inject_code && st != s->st[ST_ROLLBACK] && st != s->st[ST_BEGIN]
        && (s->inject_at == MOCK_STORE_FAIL_WRITES || st == s->st[ST_COMMIT])) {
        finish(st);
        note_failure(s, s->inject_code, "injected by a test");
        return MOCK_STORE_ERROR;
    }
    int rc = sqlite3_step(st);
    finish(st);
    return rc_of(s, rc);
}

static sqlite3_stmt *stmt(mock_store *s, int which)
{
    sqlite3_stmt *st = s->st[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* Bind a copy of `text` (NULL: ""). */
static void bind_text(sqlite3_stmt *st, int idx, const char *text)
{
    sqlite3_bind_text(st, idx, text ? text : "", -1, SQLITE_TRANSIENT);
}

/*
 * Bind `text` itself, not a copy (NULL: ""): SQLite's copy was a malloc and
 * a free per parameter, 33 of them per stored order. Only for a statement
 * stepped once and then finished (run, finish) before `text` changes or
 * goes away; never where stepping writes into the bound text.
 */
static void bind_key(sqlite3_stmt *st, int idx, const char *text)
{
    sqlite3_bind_text(st, idx, text ? text : "", -1, SQLITE_STATIC);
}

/*
 * The id an order with this transaction_id has: the number its last 10
 * digits write, for a transaction_id of 28 digits (mock_ids_make's: prefix,
 * date, sequence); 0 for anything else, which no order has. Two orders
 * cannot share a sequence number: the second insert is a conflict.
 */
static long long order_id_of_transaction_id(const char *tid)
{
    long long id = 0;
    size_t n = 0;
    for (; tid[n] >= '0' && tid[n] <= '9'; n++)
        if (n >= 18)
            id = id * 10 + (tid[n] - '0');
    return n == 28 && tid[n] == '\0' ? id : 0;
}

/* 1 when the database has the index `name`, 0 when not, -1 when SQLite failed. */
static int has_index(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Add the columns of added_order_columns that the orders table lacks. */
static int add_columns(sqlite3 *db, char **msg)
{
    for (size_t i = 0; i < sizeof added_order_columns / sizeof added_order_columns[0]; i++) {
        char sql[160];
        sqlite3_stmt *st = NULL;
        snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('orders') WHERE name = '%s'",
                 added_order_columns[i][0]);
        int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
        int present = rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (rc != SQLITE_OK)
            return rc;
        if (present)
            continue;
        snprintf(sql, sizeof sql, "ALTER TABLE orders ADD COLUMN %s %s", added_order_columns[i][0],
                 added_order_columns[i][1]);
        rc = sqlite3_exec(db, sql, NULL, NULL, msg);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/*
 * SQLite counts every allocation process-wide under a global mutex (its
 * memory statistics: sqlite3_memory_used(), the soft heap limit), about
 * 200 instructions per malloc and free, 14 of each per orderquery. The mock
 * uses none of them (mock_store_memory asks the connection, which counts
 * without them), so they are turned off before SQLite starts. When
 * something in the process started SQLite first, this does nothing.
 */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_configure(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

mock_store_rc mock_store_open(const char *path, mock_store **out, char *err, size_t errlen)
{
    pthread_once(&sqlite_once, sqlite_configure);
    *out = NULL;
    mock_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return MOCK_STORE_ERROR;
    }
    s->mch_gen = 1;
    s->order_gen = 1;
    int in_memory = !path || !*path;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(in_memory ? ":memory:" : path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open state file %s: %s", in_memory ? ":memory:" : path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        mock_store_close(s);
        return MOCK_STORE_ERROR;
    }
    sqlite3_busy_timeout(s->db, 5000);
    const char *pragmas = in_memory
        ? "PRAGMA foreign_keys=OFF;"
        : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
    char *msg = NULL;
    if (sqlite3_exec(s->db, pragmas, NULL, NULL, &msg) != SQLITE_OK
        || sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK
        || add_columns(s->db, &msg) != SQLITE_OK
        || (s->tid_index = has_index(s->db, "orders_by_transaction_id")) < 0) {
        snprintf(err, errlen, "cannot prepare state %s: %s", in_memory ? "in memory" : path,
                 msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        mock_store_close(s);
        return MOCK_STORE_ERROR;
    }
    for (int i = 0; i < ST_N; i++) {
        if (sqlite3_prepare_v3(s->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL)
            != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare statement %d: %s", i, sqlite3_errmsg(s->db));
            mock_store_close(s);
            return MOCK_STORE_ERROR;
        }
    }
    *out = s;
    return MOCK_STORE_OK;
}

void mock_store_close(mock_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(s->st[i]);
    for (size_t i = 0; i < sizeof s->fg / sizeof s->fg[0]; i++)
        sqlite3_finalize(s->fg[i]);
    sqlite3_close(s->db);
    free(s);
}

const char *mock_store_errmsg(mock_store *s)
{
    return s->last_error[0] ? s->last_error : "no failure";
}

unsigned long long mock_store_failures(const mock_store *s)
{
    return s->failures;
}

void mock_store_fail_inject(mock_store *s, int sqlite_code, mock_store_fail_at at)
{
    s->inject_code = sqlite_code;
    s->inject_at = at;
}

mock_store_rc mock_store_begin(mock_store *s)
{
    return run(s, stmt(s, ST_BEGIN));
}

mock_store_rc mock_store_commit(mock_store *s)
{
    mock_store_rc rc = run(s, stmt(s, ST_COMMIT));
    if (rc != MOCK_STORE_OK)
        mock_store_rollback(s);
    return rc;
}

void mock_store_rollback(mock_store *s)
{
    all_changed(s);
    if (!sqlite3_get_autocommit(s->db))
        (void)run(s, stmt(s, ST_ROLLBACK));
}

mock_store_rc mock_store_meta_get(mock_store *s, const char *name, long long *value)
{
    sqlite3_stmt *st = stmt(s, ST_META_GET);
    bind_key(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value = sqlite3_column_int64(st, 0);
    finish(st);
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc == SQLITE_DONE ? MOCK_STORE_NOT_FOUND : rc_of(s, rc);
}

mock_store_rc mock_store_meta_set(mock_store *s, const char *name, long long value)
{
    sqlite3_stmt *st = stmt(s, ST_META_SET);
    bind_key(st, 1, name);
    sqlite3_bind_int64(st, 2, value);
    return run(s, st);
}

mock_store_rc mock_store_merchant_get(mock_store *s, const char *mch_id, mock_merchant *out)
{
    const char *key = mch_id ? mch_id : "";
    mch_slot *slot = mch_slot_of(s, key);
    if (slot->gen == s->mch_gen && strcmp(slot->m.mch_id, key) == 0) {
        *out = slot->m;
        return MOCK_STORE_OK;
    }
    sqlite3_stmt *st = stmt(s, ST_MCH_GET);
    bind_key(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        copy_text(out->mch_id, sizeof out->mch_id, st, 0);
        copy_text(out->agent_id, sizeof out->agent_id, st, 1);
        out->clock_offset = sqlite3_column_int64(st, 2);
        out->configured = sqlite3_column_int(st, 3);
    }
    finish(st);
    if (rc == SQLITE_ROW) {
        slot->m = *out;
        slot->gen = s->mch_gen;
    }
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc == SQLITE_DONE ? MOCK_STORE_NOT_FOUND : rc_of(s, rc);
}

mock_store_rc mock_store_merchant_put(mock_store *s, const mock_merchant *m)
{
    merchants_changed(s);
    sqlite3_stmt *st = stmt(s, ST_MCH_PUT);
    bind_key(st, 1, m->mch_id);
    bind_key(st, 2, m->agent_id);
    sqlite3_bind_int64(st, 3, m->clock_offset);
    sqlite3_bind_int(st, 4, m->configured);
    return run(s, st);
}

/* Orders: columns in ORDER_COLS order; parameters ?1..?23 the same. */
static void read_order(sqlite3_stmt *st, mock_order *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    copy_text(o->mch_id, sizeof o->mch_id, st, 1);
    copy_text(o->out_trade_no, sizeof o->out_trade_no, st, 2);
    copy_text(o->transaction_id, sizeof o->transaction_id, st, 3);
    copy_text(o->out_transaction_id, sizeof o->out_transaction_id, st, 4);
    copy_text(o->auth_code, sizeof o->auth_code, st, 5);
    copy_text(o->attach, sizeof o->attach, st, 6);
    copy_text(o->appid, sizeof o->appid, st, 7);
    copy_text(o->sub_appid, sizeof o->sub_appid, st, 8);
    o->paytype = sqlite3_column_int(st, 9);
    o->state = (mock_trade_state)sqlite3_column_int(st, 10);
    o->total_fee = sqlite3_column_int64(st, 11);
    o->coupon_fee = sqlite3_column_int64(st, 12);
    o->refunded_fee = sqlite3_column_int64(st, 13);
    o->refund_count = sqlite3_column_int(st, 14);
    o->created_at = sqlite3_column_int64(st, 15);
    o->due_at = sqlite3_column_int64(st, 16);
    o->paid_at = sqlite3_column_int64(st, 17);
    o->closed_at = sqlite3_column_int64(st, 18);
    copy_text(o->trade_type, sizeof o->trade_type, st, 19);
    copy_text(o->notify_url, sizeof o->notify_url, st, 20);
    o->expires_at = sqlite3_column_int64(st, 21);
    o->api = sqlite3_column_int(st, 22);
}

static void bind_order(sqlite3_stmt *st, const mock_order *o, int with_text)
{
    sqlite3_bind_int64(st, 1, o->id);
    if (with_text) {
        bind_key(st, 2, o->mch_id);
        bind_key(st, 3, o->out_trade_no);
        bind_key(st, 4, o->transaction_id);
        bind_key(st, 5, o->out_transaction_id);
        bind_key(st, 6, o->auth_code);
        bind_key(st, 7, o->attach);
        bind_key(st, 8, o->appid);
        bind_key(st, 9, o->sub_appid);
        sqlite3_bind_int(st, 10, o->paytype);
        sqlite3_bind_int64(st, 12, o->total_fee);
        sqlite3_bind_int64(st, 16, o->created_at);
        bind_key(st, 20, o->trade_type);
        bind_key(st, 21, o->notify_url);
        sqlite3_bind_int64(st, 22, o->expires_at);
        sqlite3_bind_int(st, 23, o->api);
    }
    bind_key(st, 6, o->auth_code);   /* a pre-order gets its persona when the customer pays */
    sqlite3_bind_int(st, 11, (int)o->state);
    sqlite3_bind_int64(st, 13, o->coupon_fee);
    sqlite3_bind_int64(st, 14, o->refunded_fee);
    sqlite3_bind_int(st, 15, o->refund_count);
    sqlite3_bind_int64(st, 17, o->due_at);
    sqlite3_bind_int64(st, 18, o->paid_at);
    sqlite3_bind_int64(st, 19, o->closed_at);
}

/*
 * Whether key column `col` is text, as copy_text copied it into `text`
 * (after the type was asked: reading it as a blob changes what
 * sqlite3_column_type says), with no NUL inside and not cut. Only then does
 * a strcmp with the copy agree with SQLite's comparison of the column.
 */
static int whole_text(sqlite3_stmt *st, int col, int type, const char *text)
{
    return type == SQLITE_TEXT && strlen(text) == (size_t)sqlite3_column_bytes(st, col);
}

/*
 * Step a lookup of one order; when it finds one, copy it into `slot` too
 * (when its three keys compare there as they do in SQLite).
 */
static mock_store_rc one_order(mock_store *s, sqlite3_stmt *st, mock_order *out, order_slot *slot)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int t1 = sqlite3_column_type(st, 1), t2 = sqlite3_column_type(st, 2),
            t3 = sqlite3_column_type(st, 3);
        read_order(st, out);
        if (whole_text(st, 1, t1, out->mch_id) && whole_text(st, 2, t2, out->out_trade_no)
            && whole_text(st, 3, t3, out->transaction_id)) {
            slot->o = *out;
            slot->gen = s->order_gen;
        }
    }
    finish(st);
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc == SQLITE_DONE ? MOCK_STORE_NOT_FOUND : rc_of(s, rc);
}

mock_store_rc mock_store_order_by_out_trade_no(mock_store *s, const char *mch_id,
                                               const char *out_trade_no, mock_order *out)
{
    const char *mch = mch_id ? mch_id : "", *otn = out_trade_no ? out_trade_no : "";
    order_slot *slot = otn_slot_of(s, mch, otn);
    if (slot->gen == s->order_gen && strcmp(slot->o.out_trade_no, otn) == 0
        && strcmp(slot->o.mch_id, mch) == 0) {
        *out = slot->o;
        return MOCK_STORE_OK;
    }
    sqlite3_stmt *st = stmt(s, ST_ORDER_BY_OTN);
    bind_key(st, 1, mch);
    bind_key(st, 2, otn);
    return one_order(s, st, out, slot);
}

mock_store_rc mock_store_order_by_transaction_id(mock_store *s, const char *mch_id,
                                                 const char *transaction_id, mock_order *out)
{
    const char *mch = mch_id ? mch_id : "", *tid = transaction_id ? transaction_id : "";
    order_slot *slot = tid_slot_of(s, tid);
    if (slot->gen == s->order_gen && strcmp(slot->o.transaction_id, tid) == 0
        && strcmp(slot->o.mch_id, mch) == 0) {
        *out = slot->o;
        return MOCK_STORE_OK;
    }
    long long id = 0;
    if (!s->tid_index && (id = order_id_of_transaction_id(tid)) == 0)
        return MOCK_STORE_NOT_FOUND;
    sqlite3_stmt *st = stmt(s, s->tid_index ? ST_ORDER_BY_TID : ST_ORDER_BY_TID_ID);
    bind_key(st, 1, mch);
    bind_key(st, 2, tid);
    if (id)
        sqlite3_bind_int64(st, 3, id);
    return one_order(s, st, out, slot);
}

mock_store_rc mock_store_order_by_id(mock_store *s, long long id, mock_order *out)
{
    order_slot *slot = id_slot_of(s, id);
    if (slot->gen == s->order_gen && slot->o.id == id) {
        *out = slot->o;
        return MOCK_STORE_OK;
    }
    sqlite3_stmt *st = stmt(s, ST_ORDER_BY_ID);
    sqlite3_bind_int64(st, 1, id);
    return one_order(s, st, out, slot);
}

mock_store_rc mock_store_order_insert(mock_store *s, mock_order *o)
{
    long long id = s->tid_index ? 0 : order_id_of_transaction_id(o->transaction_id);
    if (!s->tid_index && id == 0) {
        snprintf(s->last_error, sizeof s->last_error,
                 "an order's transaction_id is 28 digits, not \"%s\"", o->transaction_id);
        return MOCK_STORE_ERROR;
    }
    orders_changed(s);
    sqlite3_stmt *st = stmt(s, ST_ORDER_INSERT);
    bind_order(st, o, 1);
    if (id)
        sqlite3_bind_int64(st, 1, id);
    else
        sqlite3_bind_null(st, 1);   /* an older state file: SQLite picks the id */
    mock_store_rc rc = run(s, st);
    if (rc == MOCK_STORE_OK && sqlite3_changes(s->db) == 0)
        return MOCK_STORE_EXISTS;   /* ON CONFLICT (mch_id, out_trade_no) DO NOTHING */
    if (rc == MOCK_STORE_OK)
        o->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

mock_store_rc mock_store_order_update(mock_store *s, const mock_order *o)
{
    orders_changed(s);
    sqlite3_stmt *st = stmt(s, ST_ORDER_UPDATE);
    bind_order(st, o, 0);
    return run(s, st);
}

/* Refunds: columns in REFUND_COLS order; parameters ?1..?13 the same. */
static void read_refund(sqlite3_stmt *st, mock_refund *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->order_id = sqlite3_column_int64(st, 1);
    copy_text(r->mch_id, sizeof r->mch_id, st, 2);
    copy_text(r->out_refund_no, sizeof r->out_refund_no, st, 3);
    copy_text(r->refund_id, sizeof r->refund_id, st, 4);
    copy_text(r->out_refund_id, sizeof r->out_refund_id, st, 5);
    r->refund_fee = sqlite3_column_int64(st, 6);
    r->serial_no = sqlite3_column_int(st, 7);
    r->attempts = sqlite3_column_int(st, 8);
    r->status = (upay_refund_status)sqlite3_column_int(st, 9);
    r->created_at = sqlite3_column_int64(st, 10);
    r->updated_at = sqlite3_column_int64(st, 11);
    r->due_at = sqlite3_column_int64(st, 12);
}

static void bind_refund(sqlite3_stmt *st, const mock_refund *r, int with_text)
{
    sqlite3_bind_int64(st, 1, r->id);
    if (with_text) {
        sqlite3_bind_int64(st, 2, r->order_id);
        bind_key(st, 3, r->mch_id);
        bind_key(st, 4, r->out_refund_no);
        bind_key(st, 5, r->refund_id);
        bind_key(st, 6, r->out_refund_id);
        sqlite3_bind_int64(st, 7, r->refund_fee);
        sqlite3_bind_int(st, 8, r->serial_no);
        sqlite3_bind_int64(st, 11, r->created_at);
    }
    sqlite3_bind_int(st, 9, r->attempts);
    sqlite3_bind_int(st, 10, (int)r->status);
    sqlite3_bind_int64(st, 12, r->updated_at);
    sqlite3_bind_int64(st, 13, r->due_at);
}

static mock_store_rc one_refund(mock_store *s, sqlite3_stmt *st, mock_refund *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_refund(st, out);
    finish(st);
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc == SQLITE_DONE ? MOCK_STORE_NOT_FOUND : rc_of(s, rc);
}

mock_store_rc mock_store_refund_by_out_refund_no(mock_store *s, const char *mch_id,
                                                 const char *out_refund_no, mock_refund *out)
{
    sqlite3_stmt *st = stmt(s, ST_REFUND_BY_ORN);
    bind_key(st, 1, mch_id);
    bind_key(st, 2, out_refund_no);
    return one_refund(s, st, out);
}

mock_store_rc mock_store_refund_by_refund_id(mock_store *s, const char *mch_id,
                                             const char *refund_id, mock_refund *out)
{
    sqlite3_stmt *st = stmt(s, ST_REFUND_BY_RID);
    bind_key(st, 1, mch_id);
    bind_key(st, 2, refund_id);
    return one_refund(s, st, out);
}

/*
 * The refunds' writes do not touch the orders table (the caller updates the
 * order's refunded_fee itself), but they empty the order cache all the
 * same: they are few, and a cache that errs towards SQLite costs only time.
 */
mock_store_rc mock_store_refund_insert(mock_store *s, mock_refund *r)
{
    orders_changed(s);
    sqlite3_stmt *st = stmt(s, ST_REFUND_INSERT);
    bind_refund(st, r, 1);
    mock_store_rc rc = run(s, st);
    if (rc == MOCK_STORE_OK)
        r->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

mock_store_rc mock_store_refund_update(mock_store *s, const mock_refund *r)
{
    orders_changed(s);
    sqlite3_stmt *st = stmt(s, ST_REFUND_UPDATE);
    bind_refund(st, r, 0);
    return run(s, st);
}

mock_store_rc mock_store_refunds_of_order(mock_store *s, long long order_id, mock_refund *out,
                                          size_t cap, size_t *count)
{
    sqlite3_stmt *st = stmt(s, ST_REFUNDS_OF_ORDER);
    sqlite3_bind_int64(st, 1, order_id);
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < cap)
        read_refund(st, &out[n++]);
    sqlite3_reset(st);
    *count = n;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? MOCK_STORE_OK : rc_of(s, rc);
}

/* Step `st` (bound) through its orders, calling `fn` for each until it returns nonzero. */
static mock_store_rc each_order(mock_store *s, sqlite3_stmt *st, mock_store_order_fn fn, void *user)
{
    int rc;
    mock_order o;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_order(st, &o);
        if (fn(&o, user))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? MOCK_STORE_OK : rc_of(s, rc);
}

mock_store_rc mock_store_orders_each(mock_store *s, const char *mch_id, size_t limit,
                                     mock_store_order_fn fn, void *user)
{
    sqlite3_stmt *st = stmt(s, mch_id ? ST_ORDERS_MCH : ST_ORDERS_ALL);
    sqlite3_bind_int64(st, 1, (long long)limit);
    if (mch_id)
        bind_text(st, 2, mch_id);
    return each_order(s, st, fn, user);
}

mock_store_rc mock_store_orders_after(mock_store *s, const char *mch_id,
                                      const mock_store_order_pos *after, size_t limit,
                                      mock_store_order_fn fn, void *user)
{
    sqlite3_stmt *st = stmt(s, mch_id ? ST_ORDERS_MCH_AFTER : ST_ORDERS_AFTER);
    sqlite3_bind_int64(st, 1, (long long)limit);
    if (mch_id) {
        bind_text(st, 2, after->out_trade_no);
        bind_text(st, 3, mch_id);
    } else {
        sqlite3_bind_int64(st, 2, after->id);
    }
    return each_order(s, st, fn, user);
}

mock_store_rc mock_store_duplicates_after(mock_store *s, int by_refund_id, const char *mch_id,
                                          mock_store_key *after, size_t limit,
                                          mock_store_dup_fn fn, void *user, size_t *seen)
{
    sqlite3_stmt *st = stmt(s, by_refund_id ? ST_DUP_IDS : ST_DUP_NUMBERS);
    sqlite3_bind_int64(st, 1, (long long)limit);
    if (by_refund_id) {
        bind_text(st, 2, after->refund_id);
    } else {
        bind_text(st, 2, after->mch_id);
        bind_text(st, 3, after->out_refund_no);
    }
    if (mch_id)
        bind_text(st, 4, mch_id);
    *seen = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        (*seen)++;
        copy_text(after->mch_id, sizeof after->mch_id, st, 0);
        copy_text(by_refund_id ? after->refund_id : after->out_refund_no,
                  by_refund_id ? sizeof after->refund_id : sizeof after->out_refund_no, st, 1);
        long long n = sqlite3_column_int64(st, 2);
        if (n > 1)
            fn(after, n, user);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? MOCK_STORE_OK : rc_of(s, rc);
}

mock_store_rc mock_store_orphans_after(mock_store *s, long long *after_id, size_t limit,
                                       long long *seen, long long *orphans)
{
    sqlite3_stmt *st = stmt(s, ST_ORPHANS);
    sqlite3_bind_int64(st, 1, (long long)limit);
    sqlite3_bind_int64(st, 2, *after_id);
    int rc = sqlite3_step(st);
    *seen = *orphans = 0;
    if (rc == SQLITE_ROW) {
        *seen = sqlite3_column_int64(st, 1);
        *orphans = sqlite3_column_int64(st, 2);
        if (*seen)
            *after_id = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc_of(s, rc);
}

mock_store_rc mock_store_count(mock_store *s, long long *orders, long long *refunds)
{
    sqlite3_stmt *st = stmt(s, ST_COUNT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *orders = sqlite3_column_int64(st, 0);
        *refunds = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc_of(s, rc);
}

mock_store_rc mock_store_max_id_sequence(mock_store *s, unsigned long long *out)
{
    static const char sql[] =
        "SELECT max(coalesce((SELECT max(CAST(substr(transaction_id, 19) AS INTEGER)) FROM orders), 0),"
        "           coalesce((SELECT max(CAST(substr(refund_id, 19) AS INTEGER)) FROM refunds), 0))";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            *out = (unsigned long long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc_of(s, rc);
}

/* Run `sql` (statements that change merchants or orders: both caches are emptied). */
static mock_store_rc exec(mock_store *s, const char *sql)
{
    all_changed(s);
    return rc_of(s, sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

mock_store_rc mock_store_reset_all(mock_store *s)
{
    return exec(s, "DELETE FROM refunds; DELETE FROM orders; DELETE FROM merchants WHERE configured = 0;"
                   " UPDATE merchants SET clock_offset = 0; DELETE FROM meta;");
}

mock_store_rc mock_store_reset_merchant(mock_store *s, const char *mch_id)
{
    static const char *const sql[] = {
        "DELETE FROM refunds WHERE mch_id = ?1",
        "DELETE FROM orders WHERE mch_id = ?1",
        "DELETE FROM merchants WHERE mch_id = ?1 AND configured = 0",
        "UPDATE merchants SET clock_offset = 0 WHERE mch_id = ?1",
    };
    all_changed(s);
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) != SQLITE_OK)
            return MOCK_STORE_ERROR;
        bind_text(st, 1, mch_id);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return rc_of(s, rc);
    }
    return MOCK_STORE_OK;
}

mock_store_rc mock_store_zero_offsets(mock_store *s)
{
    return exec(s, "UPDATE merchants SET clock_offset = 0;");
}

/* ---- retention: walking the merchants, forgetting in small batches ---- */

enum { FG_MERCHANTS, FG_OLD_ORDERS, FG_DEL_REFUNDS, FG_DEL_ORDER, FG_DEL_MERCHANT, FG_COUNT_MCH };

static const char *const fg_text[] = {
    [FG_MERCHANTS] = "SELECT mch_id, agent_id, clock_offset, configured FROM merchants "
                     "WHERE mch_id > ?2 ORDER BY mch_id LIMIT ?1",
    /*
     * Orders whose every time and every refund's are at or before ?2, with no
     * refund still PROCESSING (2) or NOTSURE (3): those may still move money.
     */
    [FG_OLD_ORDERS] = "SELECT o.id FROM orders o WHERE o.mch_id = ?1 AND o.created_at <= ?2 "
                      "AND o.paid_at <= ?2 AND o.closed_at <= ?2 AND NOT EXISTS (SELECT 1 "
                      "FROM refunds r WHERE r.order_id = o.id AND (r.status IN (2, 3) "
                      "OR r.created_at > ?2 OR r.updated_at > ?2)) LIMIT ?3",
    [FG_DEL_REFUNDS] = "DELETE FROM refunds WHERE order_id = ?1",
    [FG_DEL_ORDER] = "DELETE FROM orders WHERE id = ?1",
    [FG_DEL_MERCHANT] = "DELETE FROM merchants WHERE mch_id = ?1 AND configured = 0 "
                        "AND NOT EXISTS (SELECT 1 FROM orders WHERE mch_id = ?1)",
    [FG_COUNT_MCH] = "SELECT count(*) FROM merchants",
};

static sqlite3_stmt *fg_stmt(mock_store *s, int which)
{
    if (!s->fg[which]
        && sqlite3_prepare_v3(s->db, fg_text[which], -1, SQLITE_PREPARE_PERSISTENT, &s->fg[which],
                              NULL) != SQLITE_OK) {
        note_failure(s, sqlite3_errcode(s->db), sqlite3_errmsg(s->db));
        return NULL;
    }
    sqlite3_reset(s->fg[which]);
    sqlite3_clear_bindings(s->fg[which]);
    return s->fg[which];
}

mock_store_rc mock_store_merchants_after(mock_store *s, char after[33], size_t limit,
                                         mock_store_merchant_fn fn, void *user, size_t *seen)
{
    *seen = 0;
    sqlite3_stmt *st = fg_stmt(s, FG_MERCHANTS);
    if (!st)
        return MOCK_STORE_ERROR;
    sqlite3_bind_int64(st, 1, (long long)limit);
    bind_text(st, 2, after);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        mock_merchant m;
        copy_text(m.mch_id, sizeof m.mch_id, st, 0);
        copy_text(m.agent_id, sizeof m.agent_id, st, 1);
        m.clock_offset = sqlite3_column_int64(st, 2);
        m.configured = sqlite3_column_int(st, 3);
        memcpy(after, m.mch_id, sizeof m.mch_id);
        (*seen)++;
        fn(&m, user);
    }
    sqlite3_reset(st);
    return rc_of(s, rc);
}

mock_store_rc mock_store_forget_orders(mock_store *s, const char *mch_id, long long before,
                                       size_t limit, long long *orders, long long *refunds)
{
    *orders = *refunds = 0;
    orders_changed(s);
    long long ids[256];
    size_t n = 0;
    if (limit > sizeof ids / sizeof ids[0])
        limit = sizeof ids / sizeof ids[0];
    sqlite3_stmt *st = fg_stmt(s, FG_OLD_ORDERS);
    if (!st)
        return MOCK_STORE_ERROR;
    bind_text(st, 1, mch_id);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int64(st, 3, (long long)limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return rc_of(s, rc);
    for (size_t i = 0; i < n; i++) {
        mock_store_rc r;
        if (!(st = fg_stmt(s, FG_DEL_REFUNDS)))
            return MOCK_STORE_ERROR;
        sqlite3_bind_int64(st, 1, ids[i]);
        if ((r = run(s, st)) != MOCK_STORE_OK)
            return r;
        *refunds += sqlite3_changes(s->db);
        if (!(st = fg_stmt(s, FG_DEL_ORDER)))
            return MOCK_STORE_ERROR;
        sqlite3_bind_int64(st, 1, ids[i]);
        if ((r = run(s, st)) != MOCK_STORE_OK)
            return r;
        *orders += sqlite3_changes(s->db);
    }
    return MOCK_STORE_OK;
}

mock_store_rc mock_store_forget_merchant(mock_store *s, const char *mch_id, int *forgotten)
{
    *forgotten = 0;
    all_changed(s);     /* only a merchant without orders goes: orders too, to be safe */
    sqlite3_stmt *st = fg_stmt(s, FG_DEL_MERCHANT);
    if (!st)
        return MOCK_STORE_ERROR;
    bind_text(st, 1, mch_id);
    mock_store_rc rc = run(s, st);
    if (rc == MOCK_STORE_OK)
        *forgotten = sqlite3_changes(s->db) > 0;
    return rc;
}

mock_store_rc mock_store_merchant_count(mock_store *s, long long *merchants)
{
    sqlite3_stmt *st = fg_stmt(s, FG_COUNT_MCH);
    if (!st)
        return MOCK_STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *merchants = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? MOCK_STORE_OK : rc_of(s, rc);
}

size_t mock_store_memory(mock_store *s)
{
    static const int ops[] = {SQLITE_DBSTATUS_CACHE_USED, SQLITE_DBSTATUS_SCHEMA_USED,
                              SQLITE_DBSTATUS_STMT_USED};
    size_t total = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        int cur = 0, high = 0;
        if (sqlite3_db_status(s->db, ops[i], &cur, &high, 0) == SQLITE_OK && cur > 0)
            total += (size_t)cur;
    }
    return total;
}
