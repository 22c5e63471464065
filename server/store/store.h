/*
 * server/store/store.h - the mock's state in SQLite: merchants (agent binding and
 * clock offset), orders, refunds and a few named numbers (meta).
 *
 * In memory by default, or in a file (WAL, synchronous=FULL, so a committed
 * transaction survives a crash: every answered request is durable before
 * it is answered). Statements are prepared once.
 *
 * Not thread-safe: the caller (mock_ctx) holds one lock around every use,
 * and wraps each business operation in mock_store_begin/commit so its
 * checks and writes are one serialized transaction.
 */
#ifndef UPAY_MOCK_STORE_H
#define UPAY_MOCK_STORE_H

#include <stddef.h>

#include "domain/refund_machine.h"
#include "domain/trade_machine.h"

typedef enum mock_store_rc {
    MOCK_STORE_OK = 0,
    MOCK_STORE_NOT_FOUND = 1,  /* no such row */
    MOCK_STORE_CONFLICT = 2,   /* a unique index refused the row */
    MOCK_STORE_ERROR = 3,      /* SQLite failed; see mock_store_errmsg() */
    MOCK_STORE_EXISTS = 4      /* order insert: the merchant has an order with that out_trade_no */
} mock_store_rc;

typedef struct mock_merchant {
    char mch_id[33];
    char agent_id[33];
    long long clock_offset;    /* seconds added to this merchant's clock */
    int configured;            /* 1: from the config file (kept by reset) */
} mock_merchant;

typedef struct mock_store mock_store;

/*
 * Open the store: `path` NULL or "" for memory, else a SQLite file created
 * when missing. Returns MOCK_STORE_OK with `*out` set, or MOCK_STORE_ERROR
 * with a sentence in `err`.
 */
mock_store_rc mock_store_open(const char *path, mock_store **out, char *err, size_t errlen);

/* Close the store (finalizing statements). NULL is a no-op. */
void mock_store_close(mock_store *s);

/*
 * The latest failure (MOCK_STORE_ERROR) in words: SQLite's name for the
 * code, the code, and its message ("database or disk is full (SQLite code
 * 13): ..."); "no failure" when none happened. Borrowed, valid until the
 * next call.
 */
const char *mock_store_errmsg(mock_store *s);

/* How many calls have answered MOCK_STORE_ERROR since the store opened. */
unsigned long long mock_store_failures(const mock_store *s);

/* Which writes an injected failure hits (mock_store_fail_inject). */
typedef enum mock_store_fail_at {
    MOCK_STORE_FAIL_WRITES = 0,  /* every insert, update and commit */
    MOCK_STORE_FAIL_COMMIT = 1   /* commits only: every statement ran, the end fails */
} mock_store_fail_at;

/*
 * Test hook: from now on the writes `at` names fail as if SQLite had
 * answered `sqlite_code` (SQLITE_FULL for a full disk, SQLITE_IOERR...),
 * without running; 0 stops it. Begin and rollback always run, so a failed
 * transaction is rolled back for real. Production code never calls it.
 */
void mock_store_fail_inject(mock_store *s, int sqlite_code, mock_store_fail_at at);

/* Transactions around one business operation. */
mock_store_rc mock_store_begin(mock_store *s);
mock_store_rc mock_store_commit(mock_store *s);
void mock_store_rollback(mock_store *s);

/* Named integers (global clock offset...). Get: NOT_FOUND leaves *value. */
mock_store_rc mock_store_meta_get(mock_store *s, const char *name, long long *value);
mock_store_rc mock_store_meta_set(mock_store *s, const char *name, long long value);

/*
 * Merchants. put = insert or replace. get answers from a small cache when
 * the row was read before and nothing has changed merchants since (any put,
 * reset, offset change, forget, rollback or SQLite failure empties it).
 */
mock_store_rc mock_store_merchant_get(mock_store *s, const char *mch_id, mock_merchant *out);
mock_store_rc mock_store_merchant_put(mock_store *s, const mock_merchant *m);

/*
 * Orders. Lookups are scoped to the merchant.
 * They answer from a small cache when the row was read before and nothing
 * has written orders or refunds since (an insert, update, refund write,
 * reset, offset change or forget, a rollback or a SQLite failure empties
 * it). insert sets o->id.
 */
mock_store_rc mock_store_order_by_out_trade_no(mock_store *s, const char *mch_id,
                                               const char *out_trade_no, mock_order *out);
mock_store_rc mock_store_order_by_transaction_id(mock_store *s, const char *mch_id,
                                                 const char *transaction_id, mock_order *out);
mock_store_rc mock_store_order_by_id(mock_store *s, long long id, mock_order *out);
/*
 * Insert new order `o`: MOCK_STORE_OK with o->id set; MOCK_STORE_EXISTS,
 * writing nothing, when its merchant already has an order with its
 * out_trade_no (so a pay inserts first and reads the old order only then);
 * MOCK_STORE_CONFLICT when its transaction_id's sequence number is taken.
 */
mock_store_rc mock_store_order_insert(mock_store *s, mock_order *o);
mock_store_rc mock_store_order_update(mock_store *s, const mock_order *o);

/* Refunds. insert sets r->id. */
mock_store_rc mock_store_refund_by_out_refund_no(mock_store *s, const char *mch_id,
                                                 const char *out_refund_no, mock_refund *out);
mock_store_rc mock_store_refund_by_refund_id(mock_store *s, const char *mch_id,
                                             const char *refund_id, mock_refund *out);
mock_store_rc mock_store_refund_insert(mock_store *s, mock_refund *r);
mock_store_rc mock_store_refund_update(mock_store *s, const mock_refund *r);

/*
 * The refunds of order `order_id` in serial_no order, up to `cap` of them
 * into `out`; `*count` receives how many were stored.
 */
mock_store_rc mock_store_refunds_of_order(mock_store *s, long long order_id, mock_refund *out,
                                          size_t cap, size_t *count);

/*
 * Call `fn` for up to `limit` orders (newest first), of merchant `mch_id`
 * or of every merchant when it is NULL. `fn` returning nonzero stops.
 * `fn` must not use the store.
 */
typedef int (*mock_store_order_fn)(const mock_order *o, void *user);
mock_store_rc mock_store_orders_each(mock_store *s, const char *mch_id, size_t limit,
                                     mock_store_order_fn fn, void *user);

/* Where a walk over the orders stands: the last order it saw (all zero to begin). */
typedef struct mock_store_order_pos {
    long long id;              /* the walk over every merchant's orders: id order */
    char out_trade_no[33];     /* the walk over one merchant's: out_trade_no order */
} mock_store_order_pos;

/*
 * Call `fn` for up to `limit` orders after `*after` in the walk's order. A
 * reader walks a page at a time, starting from a zeroed `*after` and
 * continuing after the last order it saw, with the lock released between
 * pages. Every merchant (`mch_id` NULL): in id order, after `after->id`
 * (ids start at 1). One merchant: in out_trade_no order (bytewise), after
 * `after->out_trade_no` ("" comes before every valid one), a range of the
 * index on (mch_id, out_trade_no) that reads no other merchant's order;
 * an order stored meanwhile is seen when its number sorts after the
 * position. `fn` must not use the store.
 */
mock_store_rc mock_store_orders_after(mock_store *s, const char *mch_id,
                                      const mock_store_order_pos *after, size_t limit,
                                      mock_store_order_fn fn, void *user);

/* A refund number, the key of a uniqueness walk. */
typedef struct mock_store_key {
    char mch_id[33];
    char out_refund_no[33];
    char refund_id[29];
} mock_store_key;

typedef void (*mock_store_dup_fn)(const mock_store_key *key, long long count, void *user);

/*
 * One page of a walk over the refunds' numbers in key order: (mch_id,
 * out_refund_no) when `by_refund_id` is 0, else refund_id; only merchant
 * `mch_id`'s refunds unless it is NULL. Starts after the key in `*after`
 * (all "" to begin) and leaves there the last key seen; `*seen` is how
 * many keys the page held (0: the walk is over). `fn` is called for each
 * key held by more than one refund, with that number.
 */
mock_store_rc mock_store_duplicates_after(mock_store *s, int by_refund_id, const char *mch_id,
                                          mock_store_key *after, size_t limit,
                                          mock_store_dup_fn fn, void *user, size_t *seen);

/*
 * One page of a walk over the refunds in id order: the next `limit` after
 * `*after_id` (0 to begin; moved to the last one seen). `*seen` is how many
 * the page held (0: over), `*orphans` how many of them have no order.
 */
mock_store_rc mock_store_orphans_after(mock_store *s, long long *after_id, size_t limit,
                                       long long *seen, long long *orphans);

/* Rows in orders and refunds. */
mock_store_rc mock_store_count(mock_store *s, long long *orders, long long *refunds);

/*
 * The largest value of the last 10 digits of any stored transaction_id or
 * refund_id (0 when there is none), for mock_ids_continue_after(). Scans
 * both tables: called once at start.
 */
mock_store_rc mock_store_max_id_sequence(mock_store *s, unsigned long long *out);

/*
 * Forget every order and refund, every merchant not from the config, every
 * clock offset (meta included).
 */
mock_store_rc mock_store_reset_all(mock_store *s);

/* Forget merchant `mch_id`'s orders and refunds and its clock offset. */
mock_store_rc mock_store_reset_merchant(mock_store *s, const char *mch_id);

/* Set every merchant's clock offset to zero. */
mock_store_rc mock_store_zero_offsets(mock_store *s);

/* ---- retention (retain/retention.h): walk the merchants, forget in small batches ---- */

typedef void (*mock_store_merchant_fn)(const mock_merchant *m, void *user);

/*
 * One page of a walk over the merchants in mch_id order: up to `limit`
 * after `after` ("" to begin; left at the last one seen). `*seen` is how
 * many the page held (0: the walk is over). `fn` must not use the store.
 */
mock_store_rc mock_store_merchants_after(mock_store *s, char after[33], size_t limit,
                                         mock_store_merchant_fn fn, void *user, size_t *seen);

/*
 * Delete up to `limit` (at most 256) orders of merchant `mch_id`, with
 * their refunds, whose every time (created, paid, closed; each refund's
 * created and updated) is at or before `before` on the merchant's clock,
 * and none of whose refunds is PROCESSING or NOTSURE (money still moving).
 * `*orders` and `*refunds` receive how many rows went; fewer than `limit`
 * orders means none is left to forget. Run inside a transaction.
 */
mock_store_rc mock_store_forget_orders(mock_store *s, const char *mch_id, long long before,
                                       size_t limit, long long *orders, long long *refunds);

/*
 * Delete merchant `mch_id` when it is not from the config and has no
 * order left; `*forgotten` is 1 when it went.
 */
mock_store_rc mock_store_forget_merchant(mock_store *s, const char *mch_id, int *forgotten);

/* Rows in merchants. */
mock_store_rc mock_store_merchant_count(mock_store *s, long long *merchants);

/* Bytes SQLite holds for this store (page cache, which is the data in memory; schema; statements). */
size_t mock_store_memory(mock_store *s);

#endif /* UPAY_MOCK_STORE_H */
