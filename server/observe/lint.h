/*
 * server/observe/lint.h - the integration linter: it watches each merchant's
 * traffic, exchange by exchange, and names the mistakes that lose money or
 * get merchants banned (docs/edge-cases.md, "Integration linter"):
 *
 *   double_refund_risk     a new out_refund_no for an order while an earlier
 *                          refund of it is NOTSURE, PROCESSING or unknown to
 *                          the merchant (its answer was lost)
 *   early_cancel           a cancel sooner than 15 s after the pay
 *   fast_polling           an orderquery of a paying order sooner than 5 s
 *                          after the previous pay or orderquery
 *   abandoned_order        a paying order left without a cancel or a final
 *                          answer for MOCK_LINT_ABANDON_AFTER seconds
 *   out_trade_no_reused    a pay with an out_trade_no already used
 *   refund_total_mismatch  a refund whose total_fee differs from the order's
 *
 * Times are the merchant's clock. Pure (no store, no HTTP), thread-safe
 * (one lock inside). Memory is what it holds, allocated as it fills: a
 * merchant costs about 200 bytes until it has orders or findings, which
 * grow by doubling up to MOCK_LINT_ORDERS_MAX orders and
 * MOCK_LINT_FINDINGS_MAX findings (the oldest forgotten first); from 8
 * orders on, a merchant's orders are found by a hash of out_trade_no.
 * Only the MOCK_LINT_DETAILED_MAX merchants seen last keep their orders and
 * findings: an older one keeps only when it was seen (about 200 bytes), so a
 * mock that meets a new merchant per CI run stays small. Merchants are found
 * by a hash; beyond MOCK_LINT_MERCHANTS_MAX, the merchant whose latest
 * exchange is the oldest is forgotten altogether. Retention
 * (retain/retention.h) asks it when each merchant was last seen.
 */
#ifndef UPAY_MOCK_LINT_H
#define UPAY_MOCK_LINT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define MOCK_LINT_ORDERS_MAX 256
#define MOCK_LINT_REFUNDS_MAX 50
#define MOCK_LINT_FINDINGS_MAX 200
#define MOCK_LINT_MERCHANTS_MAX 65536
#define MOCK_LINT_DETAILED_MAX 1024   /* merchants keeping their orders and findings */
#define MOCK_LINT_CANCEL_MIN 15        /* seconds between pay and cancel (R-CLIENT-07) */
#define MOCK_LINT_POLL_MIN 5           /* seconds between polls (R-CLIENT-01) */
#define MOCK_LINT_ABANDON_AFTER 300    /* seconds a paying order may be left alone */

/* What one exchange told the merchant. Strings may be NULL. */
typedef struct mock_lint_event {
    const char *mch_id;
    int call_kind;              /* mock_call_kind */
    long long now;              /* the merchant's clock */
    const char *out_trade_no;   /* the request's, else the order's */
    const char *out_refund_no;  /* refund: the request's */
    const char *auth_code;      /* pay */
    long long total_fee;        /* the request's total_fee; -1 when absent */
    long long order_total;      /* the order's total as the mock knows it; -1 unknown */
    int told;                   /* 1: the answer reached the merchant intact; 0: a fault or 20006 */
    const char *trade_state;    /* the answer's trade_state */
    /* refundquery: what refund_list told, one status per out_refund_no */
    const char *const *refund_nos;
    const char *const *refund_statuses;
    size_t nrefunds;
} mock_lint_event;

typedef struct mock_lint mock_lint;

/* An empty linter. NULL when memory runs out. */
mock_lint *mock_lint_new(void);

/* Free it. NULL is a no-op. */
void mock_lint_free(mock_lint *l);

/*
 * Learn from one exchange and record the mistakes it shows. Their kinds,
 * comma-separated, go to `raised` ("" for none; may be NULL). Returns the
 * number of findings raised. Silently learns less when memory runs out.
 */
size_t mock_lint_observe(mock_lint *l, const mock_lint_event *e, char *raised, size_t raisedlen);

/*
 * The findings of merchant `mch_id`, oldest first, with abandoned orders
 * checked against `now` (the merchant's clock; a finding is recorded once):
 * {"mch_id": "...", "count": N, "findings": [{"kind", "time",
 * "out_trade_no", "out_refund_no", "message"}]}. An unknown merchant has
 * none. NULL when out of memory.
 */
cJSON *mock_lint_report(mock_lint *l, const char *mch_id, long long now);

/* Forget merchant `mch_id` (NULL: every merchant). */
void mock_lint_forget(mock_lint *l, const char *mch_id);

/*
 * How many exchanges the linter has observed (any merchant's, with an
 * order or not): a clock that only moves with traffic. 0 for NULL.
 */
unsigned long long mock_lint_sequence(mock_lint *l);

/*
 * When merchant `mch_id` was last seen: 1 with mock_lint_sequence()'s value
 * of its latest exchange in `*seq` (may be NULL), or 0 when the linter does
 * not know it (never seen, forgotten, or pushed out by the cap).
 */
int mock_lint_seen(mock_lint *l, const char *mch_id, unsigned long long *seq);

/* What the linter holds: bytes allocated and merchants known (either may be NULL). */
void mock_lint_usage(mock_lint *l, size_t *bytes, size_t *merchants);

#endif /* UPAY_MOCK_LINT_H */
