/*
 * server/domain/refund_machine.h - one refund and its state machine, independent of HTTP
 * and storage. Statuses and the only transitions there are:
 *
 *   (new or retried NOTSURE/FAIL) --attempt--> SUCCESS | PROCESSING | NOTSURE | FAIL
 *                                                (by the order's persona)
 *   PROCESSING --due time reached--> SUCCESS | CHANGE
 *
 * SUCCESS and CHANGE are final. A retry of a SUCCESS, PROCESSING or CHANGE
 * number returns the refund unchanged.
 */
#ifndef UPAY_MOCK_REFUND_H
#define UPAY_MOCK_REFUND_H

#include <upay/refund_list.h>

#include "domain/persona.h"

typedef struct mock_refund {
    long long id;                  /* store row id; 0 before it is stored */
    long long order_id;            /* the order's store row id */
    char mch_id[33];
    char out_refund_no[33];
    char refund_id[29];            /* gateway refund number, 28 digits */
    char out_refund_id[29];        /* wallet refund number, 28 digits */
    long long refund_fee;          /* fen */
    int serial_no;                 /* 0-based position among the order's refunds */
    int attempts;                  /* processing attempts so far */
    upay_refund_status status;
    long long created_at;          /* merchant clock when first asked */
    long long updated_at;          /* refund_time: the last status change */
    long long due_at;              /* PROCESSING: when it settles; 0 otherwise */
} mock_refund;

/* Nonzero when a refund in `status` counts against the refundable amount (not FAIL). */
int mock_refund_counts(upay_refund_status status);

/* Nonzero when a refund in `status` is processed again if its number is retried. */
int mock_refund_retryable(upay_refund_status status);

/*
 * One processing attempt of `r` at `now` for an order of persona `p`:
 * counts the attempt and sets status, due time and refund time.
 */
void mock_refund_attempt(mock_refund *r, const mock_persona *p, long long now);

/*
 * Apply what time did: a PROCESSING refund whose due time is at or before
 * `now` ends (SUCCESS, or CHANGE for the frozen-card persona) at its due
 * time. Returns 1 when `r` changed, else 0.
 */
int mock_refund_settle(mock_refund *r, const mock_persona *p, long long now);

/*
 * How the refund call reports a refund in `status`: code, trade_state and
 * an English message. Static strings.
 */
void mock_refund_answer(upay_refund_status status, int *code, const char **trade_state,
                        const char **msg);

#endif /* UPAY_MOCK_REFUND_H */
