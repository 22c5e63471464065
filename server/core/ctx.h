/*
 * server/core/ctx.h - everything one running mock shares between its worker
 * threads: config (read-only), store and clock (behind `lock`), id
 * generator and journal (each with its own lock).
 *
 * Lock order: ctx->lock, then the store's transaction. Every business
 * operation and every admin change runs with ctx->lock held inside one
 * store transaction, so a check and the write it allows cannot interleave
 * with another request's (concurrent refunds cannot overdraw).
 */
#ifndef UPAY_MOCK_CTX_H
#define UPAY_MOCK_CTX_H

#include <pthread.h>
#include <stdatomic.h>

#include "domain/clock.h"
#include "core/config.h"
#include "domain/ids.h"
#include "observe/journal.h"
#include "observe/lint.h"
#include "retain/retention.h"
#include "mock.h"
#include "notify/notify.h"
#include "steer/rules.h"
#include "store/store.h"

typedef struct mock_ctx {
    pthread_mutex_t lock;      /* guards store and clock */
    /*
     * Gateway calls waiting for `lock`, and how many took it so far: a long
     * reader that works in turns (the ledger) lets a waiting call through
     * between its turns (the mutex itself is not fair).
     */
    atomic_uint gateway_waiting;
    atomic_ullong gateway_turns;
    mock_store *store;
    mock_clock *clock;
    mock_ids *ids;
    mock_config *config;
    mock_journal *journal;
    mock_rules *rules;         /* outcome rules and their effects (own lock) */
    mock_lint *lint;           /* the integration linter (own lock) */
    mock_notify *notify;       /* scan-to-pay notifications and their senders (own lock) */
    mock_retention *retention; /* forgets what is idle (own lock and thread) */
    int strict_merchants;
    int live;                  /* the live dialect (docs/mock.md "Dialects"); 0 = seed */
    int verbose;               /* log each gateway answer to stderr */
    int quiet;                 /* log nothing to stderr (not even store failures) */
} mock_ctx;

/* Meta name of the global clock offset in the store. */
#define MOCK_META_GLOBAL_OFFSET "global_offset"

/*
 * Build a context from `opts` (NULL = defaults): load the config (or the
 * built-in agents), open the store, restore the global clock offset, enter
 * the configured merchants. NULL with a sentence in `err` on failure.
 */
mock_ctx *mock_ctx_new(const mock_options *opts, char *err, size_t errlen);

/* Free the context, closing the store. NULL is a no-op. */
void mock_ctx_free(mock_ctx *ctx);

/*
 * Store configured merchants (after a reset, too). Caller holds ctx->lock
 * inside a transaction. Returns MOCK_STORE_OK or the failure.
 */
mock_store_rc mock_ctx_enter_merchants(mock_ctx *ctx);

/*
 * Add the config file's rules (at start and after a full reset). Returns 0,
 * or -1 when memory runs out.
 */
int mock_ctx_enter_rules(mock_ctx *ctx);

#endif /* UPAY_MOCK_CTX_H */
