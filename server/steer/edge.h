/*
 * server/steer/edge.h - where forced edge cases meet the gateway pipeline. One
 * gateway call gets at most one fault (fault.h): the X-Upay-Fault header's,
 * else the newest matching rule's (rules.h). This module picks it, bends
 * the business outcome of pay, refund and cancel as the fault says, keeps
 * the rule's effect for later transitions, writes the journal's account of
 * the state change, and tells the linter what the merchant learned.
 *
 * The calls (calls/pay.c, refund.c, cancel.c, order_lookup.c) use the hooks below;
 * gateway/gateway.c picks the fault, applies system_error and the answer-signing
 * faults; http/server.c applies the transport faults when it writes the answer.
 * Every hook is a no-op when the call has no edge or no fault.
 */
#ifndef UPAY_MOCK_EDGE_H
#define UPAY_MOCK_EDGE_H

#include <stddef.h>

#include "calls/calls.h"
#include "steer/fault.h"

/* Effects a call holds until its transaction commits (one per call today). */
#define MOCK_EDGE_EFFECTS 4

/* One effect the call will remember for later transitions (rules.h "Effects"). */
typedef struct mock_edge_effect {
    char mch_id[33];
    char number[33];               /* an out_trade_no or an out_refund_no */
    int is_refund;
    mock_fault fault;
} mock_edge_effect;

/* The edge-case state of one gateway call. */
typedef struct mock_edge {
    mock_fault fault;              /* kind NONE: nothing forced */
    mock_edge_effect effects[MOCK_EDGE_EFFECTS]; /* held until the commit (mock_edge_settle) */
    size_t neffects;
    unsigned long long rule_id;    /* the rule that fired; 0 for the header or none */
    char source[8];                /* "rule", "header" or "" */
    char change[256];              /* the state changes the call made ("" none) */
    char out_trade_no[33];         /* the order the call touched ("" unknown) */
    long long order_total;         /* its total_fee; -1 unknown */
} mock_edge;

/* Header a client sends to force a fault on one request. */
#define MOCK_FAULT_HEADER "X-Upay-Fault"

/* A fresh edge: no fault, nothing changed. */
void mock_edge_init(mock_edge *e);

/*
 * The X-Upay-Fault header of one checked request (`header`, NULL when
 * absent): its fault goes into `out`. Returns 0, or -1 with a sentence in
 * `err` when the header names no fault or one that does not fit the call.
 * Rules are not consulted here (mock_edge_pick_rule).
 */
int mock_edge_pick(mock_ctx *ctx, const mock_request *rq, const upay_params *req,
                   const char *header, mock_edge *out, char *err, size_t errlen);

/*
 * Under ctx->lock, inside the call's transaction, when no header fault was
 * given: the newest matching rule's fault goes into `out`, without using
 * the rule up yet (mock_edge_settle does, after the commit).
 */
void mock_edge_pick_rule(mock_ctx *ctx, const mock_request *rq, const upay_params *req,
                         mock_edge *out);

/*
 * The call's transaction committed (still under ctx->lock): use up the rule
 * that fired and remember the effects the call made. Their memory changes
 * only with the store's, so a rolled-back call leaves no trace in either.
 */
void mock_edge_settle(mock_ctx *ctx, mock_edge *e);

/*
 * The call was refused before it ran (merchant check) or its transaction
 * rolled back: forget the fault, the rule (not used up) and the effects,
 * and say so in the journal's account when `why` is not NULL.
 */
void mock_edge_forget(mock_edge *e, const char *why);

/* Append one state change to the journal's account ("; " between them). */
void mock_edge_note(mock_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a note of words alone: the strings up to NULL, joined, no formatting (a pay's). */
void mock_edge_note_words(mock_call *c, const char *first, ...) __attribute__((sentinel));

/* The call found or made order `o`: remember its number and total for the linter. */
void mock_edge_order_seen(mock_call *c, const mock_order *o);

/* ---- pay ---- */

/*
 * The persona a new order of `auth_code` opens with: the code's, or the
 * pay fault's variation of it written into `scratch`.
 */
const mock_persona *mock_edge_pay_persona(const mock_call *c, const char *auth_code,
                                          mock_persona *scratch);

/*
 * Before the order is made: a pay_refused fault with a 2xxxx code answers
 * FAIL with that code and nothing is recorded: returns 1 (answered), else 0.
 * mock_edge_pay_refuses_early only tells whether it would answer.
 */
int mock_edge_pay_refused_early(mock_call *c);
int mock_edge_pay_refuses_early(const mock_call *c);

/* After mock_trade_open: set the fault's due time or refusal state on `o`. */
void mock_edge_pay_opened(mock_call *c, mock_order *o);

/* After the order is stored: remember the effect; answer a refusal. 1 when answered. */
int mock_edge_pay_stored(mock_call *c, const mock_order *o);

/* The persona that settles order `o` (a remembered pay_paid_after pays). */
const mock_persona *mock_edge_order_persona(mock_call *c, const mock_order *o,
                                            mock_persona *scratch);

/* ---- refund ---- */

/*
 * One processing attempt of refund `r` of order `o`: the persona's, bent by
 * the call's refund fault or by the effect remembered for the number.
 */
void mock_edge_refund_attempt(mock_call *c, const mock_order *o, mock_refund *r);

/* The persona that settles refund `r` of order `o` (PROCESSING ends SUCCESS or CHANGE). */
const mock_persona *mock_edge_refund_persona(mock_call *c, const mock_order *o,
                                             const mock_refund *r, mock_persona *scratch);

/* ---- cancel ---- */

/* A cancel_refused fault answers 20011 and changes nothing: returns 1, else 0. */
int mock_edge_cancel_refused(mock_call *c);

/* ---- after the call ---- */

/*
 * Tell the linter what this exchange told the merchant: `resp` is the
 * answer (NULL when none was built), `told` 0 when a fault hid it.
 * Writes the raised kinds to `raised` ("" none).
 */
void mock_edge_lint(mock_ctx *ctx, const mock_edge *e, const mock_request *rq,
                    const upay_params *resp, long long now, int told, char *raised,
                    size_t raisedlen);

#endif /* UPAY_MOCK_EDGE_H */
