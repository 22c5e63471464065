/*
 * upay/flow.h - the two flows integrators get wrong, as library functions:
 *
 *   upay_barcode_pay()        pay; while the outcome is unknown, query every
 *                             poll_interval seconds up to a deadline; on the
 *                             deadline or a failure, cancel (retrying a cancel
 *                             whose outcome is unknown).
 *   upay_refund_with_retry()  refund; on NOTSURE or an unknown outcome retry
 *                             with the same out_refund_no up to a limit, then
 *                             settle the status with a refundquery.
 *
 * Time is injectable: the flows sleep only through opts->sleep, so tests can
 * move a mock's clock instead of waiting. Each flow returns a report of
 * every step it took and its final outcome.
 *
 * Included by upay/client.h; may also be included alone.
 */
#ifndef UPAY_FLOW_H
#define UPAY_FLOW_H

#include "client.h"

UPAY_BEGIN_DECLS

/*
 * Sleep `seconds`. The flows call it between attempts and count the
 * seconds it was asked for; a test moves the mock's clock here instead.
 */
typedef void (*upay_sleep_fn)(unsigned seconds, void *userdata);

typedef struct upay_flow_step upay_flow_step;

/* Called after each step; `step` is borrowed for the callback only. */
typedef void (*upay_step_fn)(const upay_flow_step *step, void *userdata);

/*
 * Flow settings. Fill with upay_flow_options_init() and change what you
 * need; a NULL options pointer means all defaults.
 *
 * The flow clock: with a caller's `sleep` it is the sum of the seconds
 * slept (the injected clock); with the built-in sleep it is the monotonic
 * clock since the flow started.
 */
typedef struct upay_flow_options {
    unsigned poll_interval;      /* seconds between orderqueries (default 5) */
    unsigned deadline;           /* seconds after the pay to stop querying and cancel (default 60) */
    unsigned cancel_delay;       /* never cancel before the order is this old, seconds (default 15) */
    unsigned cancel_retries;     /* more cancels after one with an unknown outcome (default 3) */
    unsigned refund_retries;     /* more refunds, same out_refund_no, after NOTSURE/unknown (default 3) */
    unsigned retry_interval;     /* seconds before each retry of a cancel or refund (default 5) */
    upay_sleep_fn sleep;         /* NULL: really sleep (nanosleep) */
    void *sleep_userdata;
    upay_step_fn on_step;        /* NULL: no progress callback */
    void *step_userdata;
} upay_flow_options;

/* Fill `opts` with the defaults above. NULL is a no-op. */
UPAY_API void upay_flow_options_init(upay_flow_options *opts);

/* The final outcome of a flow. */
typedef enum upay_flow_outcome {
    UPAY_FLOW_UNKNOWN = 0,       /* gave up without knowing: money may have moved, handle by hand */
    UPAY_FLOW_PAID,              /* barcode: the customer paid */
    UPAY_FLOW_NOT_PAID,          /* barcode: nothing charged (refused, failed, or never arrived) */
    UPAY_FLOW_CANCELLED,         /* barcode: cancelled after the deadline: closed or revoked,
                                    nothing stays charged */
    UPAY_FLOW_REFUNDED,          /* refund: accepted; refund_status is SUCCESS, PROCESSING or CHANGE */
    UPAY_FLOW_NOT_REFUNDED       /* refund: refused or failed; no money moved */
} upay_flow_outcome;

/* "UNKNOWN", "PAID", "NOT_PAID", "CANCELLED", "REFUNDED", "NOT_REFUNDED"; "?" if unknown. Static. */
UPAY_API const char *upay_flow_outcome_name(upay_flow_outcome outcome);

typedef enum upay_step_kind {
    UPAY_STEP_CALL = 0,          /* a gateway call */
    UPAY_STEP_SLEEP = 1          /* a wait through the sleep callback */
} upay_step_kind;

/* One step of a flow. Owned by its report. */
struct upay_flow_step {
    upay_step_kind kind;
    const char *method;          /* "pay", "orderquery", "cancel", "refund", "refundquery"; "sleep" */
    unsigned attempt;            /* 1-based attempt number of this method in the flow */
    unsigned seconds;            /* sleep: seconds slept; call: 0 */
    double at;                   /* flow clock when the step began, seconds */
    upay_code code;              /* call: what it returned; sleep: UPAY_OK */
    upay_outcome outcome;        /* call: business outcome (NONE unless code is UPAY_OK) */
    const upay_result *result;   /* call: its result (NULL when none); owned by the report */
    const char *note;            /* one English sentence on what the flow decided next */
};

/*
 * What a flow did. Allocated by the flow, freed with upay_flow_report_free();
 * every pointer in it is owned by the report.
 */
typedef struct upay_flow_report {
    upay_flow_outcome outcome;
    int has_refund_status;       /* refund flow: 1 when refund_status is known */
    upay_refund_status refund_status;
    char out_trade_no[33];       /* the order (generated when the request had none) */
    char out_refund_no[33];      /* refund flow: the refund number used throughout */
    const upay_result *final_result; /* the answer that decided the outcome, or NULL */
    const upay_flow_step *steps; /* every step, in order */
    size_t step_count;
    double elapsed;              /* flow clock at the end, seconds */
} upay_flow_report;

/* Free a report, its steps and their results. NULL is a no-op. */
UPAY_API void upay_flow_report_free(upay_flow_report *report);

/*
 * Barcode payment. `req->out_trade_no` may be NULL or "": a fresh one is
 * generated (see report->out_trade_no). The wallet for orderquery and cancel
 * is told from req->auth_code (upay_paytype_from_auth_code()).
 *
 * Steps:
 *  1. pay. SUCCESS: PAID. Refused (state=FAIL or VER, signed or not), not
 *     sent (TRANSPORT, TLS), or a signed business FAIL other than 10006:
 *     NOT_PAID at once, no query, no cancel.
 *     A signed business FAIL 10006 (wallet refused; the order exists as
 *     failed): NOT_PAID, and the order is closed with a cancel (step 3, best
 *     effort). An unsigned business FAIL (UPAY_E_UNVERIFIED_FAIL) may hide a
 *     payment: one orderquery confirms it at once, then step 2 goes on
 *     (believed without it when the wallet of auth_code is unknown).
 *  2. NEED_QUERY or an uncertain code: sleep poll_interval, orderquery,
 *     until SUCCESS or REFUND (PAID), FAIL signed or not (a paid order
 *     answers signed: NOT_PAID, then cancel as in 1),
 *     or the flow clock would pass `deadline` (then cancel). Query errors
 *     are retried at the next poll.
 *  3. cancel, not before the order is cancel_delay seconds old. SUCCESS, or
 *     20007 (no such order): CANCELLED after a deadline (NOT_PAID after a
 *     failure). An uncertain or not-sent cancel, or NEED_QUERY, is retried
 *     up to cancel_retries times after retry_interval seconds. Anything else
 *     (e.g. 20011, too old): UNKNOWN.
 *
 * Returns:
 *   UPAY_OK                 a definite outcome: PAID, NOT_PAID or CANCELLED
 *   UPAY_E_TRANSPORT, UPAY_E_TLS, UPAY_E_GATEWAY_REFUSED, UPAY_E_VERSION
 *                           the pay was not processed: NOT_PAID
 *   UPAY_E_FLOW_DEADLINE    outcome UNKNOWN: money may have moved
 *   UPAY_E_INVALID_ARG      bad arguments; nothing sent, `*out` NULL
 *   UPAY_E_NOMEM            out of memory; `*out` NULL, or the report so
 *                           far with outcome UNKNOWN when a call was made
 * `*out` (must not be NULL) gets the report in every other case.
 */
UPAY_API upay_code upay_barcode_pay(upay_client *client, const upay_pay_request *req,
                                    const upay_flow_options *opts,
                                    upay_flow_report **out, upay_error *err);

/*
 * Refund with retry. `req->out_refund_no` is required and is the only
 * number ever used (report->out_refund_no).
 *
 * Steps:
 *  1. refund. SUCCESS or PROCESSING: REFUNDED with that status. A signed
 *     FAIL (refused by the gateway's checks or the bank), or state=FAIL or
 *     VER: NOT_REFUNDED with status FAIL. An unsigned FAIL
 *     (UPAY_E_UNVERIFIED_FAIL) may hide a refund: step 3 at once, no wait.
 *  2. NEED_QUERY (NOTSURE, system fault), an uncertain code or a not-sent
 *     request: sleep retry_interval and send the same refund again, up to
 *     refund_retries more times.
 *  3. Still unknown after the retries: one refundquery by out_refund_no;
 *     the entry's refund_status decides (SUCCESS, PROCESSING, CHANGE:
 *     REFUNDED; FAIL: NOT_REFUNDED; NOTSURE or no answer: UNKNOWN; no such
 *     refund, signed or not: NOT_REFUNDED).
 *  A refund answer whose entry says CHANGE (card frozen, money back to the
 *  merchant) is a final answer too: REFUNDED with status CHANGE.
 *
 * Returns:
 *   UPAY_OK                 a definite outcome: REFUNDED or NOT_REFUNDED
 *   UPAY_E_GATEWAY_REFUSED, UPAY_E_VERSION
 *                           state=FAIL or VER: NOT_REFUNDED (nothing happened)
 *   UPAY_E_TRANSPORT, UPAY_E_TLS  never sent, after every retry: NOT_REFUNDED
 *   UPAY_E_FLOW_DEADLINE    outcome UNKNOWN (status NOTSURE when known)
 *   UPAY_E_INVALID_ARG, UPAY_E_NOMEM  as for upay_barcode_pay()
 */
UPAY_API upay_code upay_refund_with_retry(upay_client *client, const upay_refund_request *req,
                                          const upay_flow_options *opts,
                                          upay_flow_report **out, upay_error *err);

UPAY_END_DECLS

#endif /* UPAY_FLOW_H */
