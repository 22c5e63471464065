/*
 * server/notify/notify.h - the gateway's payment notifications of
 * scan-to-pay (docs/scan-to-pay.md): a queue of signed form POSTs to each
 * paid pre-order's notify_url, attempted on the vendor's schedule
 * (0, 15 s, 15 s, 15 s, 30 s, 3 min, 3 min, 30 min x4, 1 h) *on the
 * merchant's clock*, until the merchant answers the plain text `success`
 * within 3 s (real time). A small pool of the notifier's own threads sends
 * them, so a slow merchant never holds a gateway worker; every attempt goes
 * into the journal as call "notify".
 *
 * Locks: the queue has its own lock, taken after ctx->lock when both are
 * needed, never before (and the journal's after it). The queue lives in memory: a --state file keeps
 * the orders, not the notifications still due (docs/scan-to-pay.md).
 */
#ifndef UPAY_MOCK_NOTIFY_H
#define UPAY_MOCK_NOTIFY_H

#include <stddef.h>

#include "domain/trade_machine.h"

struct mock_ctx;

#define MOCK_NOTIFY_ATTEMPTS 12     /* the vendor's schedule has 12 attempts */
#define MOCK_NOTIFY_THREADS 2       /* senders */
#define MOCK_NOTIFY_TIMEOUT_MS 3000 /* an answer later than this is a failure */
#define MOCK_NOTIFY_KEEP 1024       /* finished notifications kept for GET /mock/notifications */

/* Faults on demand (POST /mock/preorders/pay "notify_fault"). */
typedef enum mock_notify_fault {
    MOCK_NOTIFY_FAULT_NONE = 0,
    MOCK_NOTIFY_FAULT_DUPLICATE,    /* delivered, then sent once more: the same payment twice */
    MOCK_NOTIFY_FAULT_BAD_SIGN,     /* the first attempt's sign is wrong (later ones are right) */
    MOCK_NOTIFY_FAULT_AFTER_REFUND, /* held back until the order has a refund, then sent:
                                       a stale "paid" arriving after the refund */
    MOCK_NOTIFY_FAULT_NEVER         /* never sent: the merchant must query */
} mock_notify_fault;

/* "duplicate", "bad_sign", "after_refund", "never" ("" for NONE). Static. */
const char *mock_notify_fault_name(mock_notify_fault f);

/* The fault named `name`; -1 for an unknown name. */
int mock_notify_fault_parse(const char *name, mock_notify_fault *out);

typedef struct mock_notify mock_notify;

/*
 * A notifier for `ctx` (which it reads: store, clock, config, ids,
 * journal), allowed to post to loopback and to the HOST[:PORT] entries of
 * `allow` (comma-separated; NULL = none). Threads start with the first
 * notification. NULL with a sentence in `err` on a bad `allow` or no memory.
 */
mock_notify *mock_notify_new(struct mock_ctx *ctx, const char *allow, char *err, size_t errlen);

/* Stop the senders (an attempt in progress finishes) and free. NULL is a no-op. */
void mock_notify_free(mock_notify *n);

/*
 * Nonzero when notifications may go to `url`; else 0 with an English
 * sentence in `why` (not http://, or a host that is not allowed).
 */
int mock_notify_url_allowed(const mock_notify *n, const char *url, char *why, size_t whylen);

/*
 * Queue the payment notification of pre-order `o`, just paid (state PAID,
 * paid_at set), of a merchant of agent `agent_id`: first attempt due at
 * o->paid_at on the merchant's clock. With MOCK_NOTIFY_FAULT_NEVER nothing
 * is queued and the journal says so. Caller may hold ctx->lock. Returns 0,
 * or -1 when memory runs out (nothing queued).
 */
int mock_notify_payment(mock_notify *n, const mock_order *o, const char *agent_id,
                        mock_notify_fault fault);

/* A clock moved: the senders look for due attempts at once. */
void mock_notify_kick(mock_notify *n);

/* Forget the notifications of `mch_id` (NULL: all), as a reset does. */
void mock_notify_forget(mock_notify *n, const char *mch_id);

/* What GET /mock/notifications shows of one notification. */
typedef struct mock_notice_view {
    unsigned long long id;
    const char *mch_id;
    const char *out_trade_no;
    const char *notify_url;
    const char *status;            /* "pending", "delivered", "gave_up" */
    const char *fault;             /* "" or a fault name */
    int attempts;                  /* made so far */
    long long next_due;            /* merchant clock of the next attempt; 0 when none */
    int held;                      /* after_refund: still waiting for a refund */
    int last_http_status;          /* 0: none, or no answer */
    const char *last_answer;       /* the last answer's body, cut, or why there was none */
} mock_notice_view;

/*
 * Call `fn` for each notification (oldest first) of `mch_id` and
 * `out_trade_no` (either NULL: any), under the queue's lock: `fn` must not
 * call back into the notifier. Views are borrowed for the call.
 */
typedef void (*mock_notice_fn)(const mock_notice_view *v, void *user);
void mock_notify_each(mock_notify *n, const char *mch_id, const char *out_trade_no,
                      mock_notice_fn fn, void *user);

#endif /* UPAY_MOCK_NOTIFY_H */
