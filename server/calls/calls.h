/*
 * server/calls/calls.h - the business side of the five calls. The gateway
 * (gateway/gateway.c) has already checked the HTTP layer, agent, signature,
 * parameters and merchant; a call runs with ctx->lock held inside one store
 * transaction and fills `resp` with state, code, msg, trade_state and the
 * detail fields (the gateway adds nonce_str and sign).
 *
 * Shared helpers: building answers in answer.c, finding orders in order_lookup.c.
 */
#ifndef UPAY_MOCK_CALLS_H
#define UPAY_MOCK_CALLS_H

#include <upay/params.h>

#include "core/ctx.h"
#include "gateway/request.h"

/* Draws of fresh ids (pay, refund) before giving up on unique-index collisions. */
#define MOCK_ID_ATTEMPTS 8

/*
 * The answer's fields as a call gives them, kept in the call itself. A call
 * runs under ctx->lock, which every request of every worker waits for, so
 * it only copies its fields here: no allocation, no digest. The gateway
 * turns them into `resp` (mock_answer_finish) once the lock is released.
 * Order is kept. An answer larger than these bounds (refundquery's list)
 * moves into `resp` early, under the lock: correct, only slower.
 */
#define MOCK_ANSWER_FIELDS 40
#define MOCK_ANSWER_TEXT 2048

typedef struct mock_answer {
    size_t count;                    /* fields staged */
    size_t used;                     /* bytes of text used */
    struct {
        unsigned short at;           /* offset in text of NUL-terminated strings */
        unsigned char buyer;         /* 0: name, value; 1: the inputs of the buyer fields */
    } field[MOCK_ANSWER_FIELDS];
    char text[MOCK_ANSWER_TEXT];
} mock_answer;

typedef struct mock_call {
    mock_ctx *ctx;
    const mock_request *rq;          /* checked request */
    mock_merchant merchant;          /* the request's merchant (exists): a copy, so no
                                        pointer outlives the caller's frame */
    long long now;                   /* the merchant's clock */
    upay_params *resp;               /* answer being built */
    mock_answer staged;              /* fields not yet in resp (see mock_answer) */
    struct mock_edge *edge;          /* the forced edge case (edge.h), or NULL */
    int nomem;                       /* set when building the answer ran out of memory */
    int api;                         /* the endpoint: 1 (/UnifiedPay/Gateway) or 2 (/v2/) */
    char detail[240];                /* English: why this answer (X-Upay-Detail), or "" */
    unsigned long long epoch;        /* the journal's epoch when the call ran (reset drops it) */
} mock_call;

/*
 * Each call returns 0 when `resp` holds the answer, or -1 when the store
 * failed (the gateway rolls back and answers 20006/NEED_QUERY).
 */
int mock_call_pay(mock_call *c);
int mock_call_orderquery(mock_call *c);
int mock_call_refund(mock_call *c);
int mock_call_refundquery(mock_call *c);
int mock_call_cancel(mock_call *c);
int mock_call_preorder(mock_call *c);   /* PreOrder_WECHAT, PreOrder_ALIPAY (preorder.c) */

/* ---- helpers (answer.c, order_lookup.c) ---- */

/*
 * Set one response field (copied, staged in c->staged until
 * mock_answer_finish); records running out of memory in c->nomem.
 */
void mock_answer_put(mock_call *c, const char *name, const char *value);
void mock_answer_put_ll(mock_call *c, const char *name, long long value);
void mock_answer_put_time(mock_call *c, const char *name, long long when);

/*
 * state, code, msg, and trade_state unless it is NULL (FAIL answers carry
 * none). `msg` is the code table's text (mock_reply_msg); `detail`, our
 * English explanation, goes to c->detail (X-Upay-Detail, the journal), not
 * to the answer. A `detail` of "SUCCESS" or NULL clears it.
 */
void mock_answer_status(mock_call *c, const char *state, int code, const char *detail,
                        const char *trade_state);

/* state FAIL, code 20004 with `msg`, e.g. a paytype that is not the order's. */
void mock_answer_param_error(mock_call *c, const char *msg);

/* The detail fields of pay and orderquery for order `o`. */
void mock_answer_order_details(mock_call *c, const mock_order *o);

/*
 * The buyer fields (appid, is_subscribe, openid, sub_*) of order `o`. Their
 * digests are computed by mock_answer_finish, outside the lock.
 */
void mock_answer_buyer(mock_call *c, const mock_order *o);

/*
 * Move the staged fields into c->resp (deriving the buyer fields), in the
 * order they were given. Called by the gateway after the call, outside
 * ctx->lock. Sets c->nomem when memory runs out.
 */
void mock_answer_finish(mock_call *c);

/* orderquery's answer for a known order: status by state plus details. */
void mock_answer_orderquery(mock_call *c, const mock_order *o);

/*
 * Find the request's order: by out_trade_no first when `transaction_id_first`
 * is 0, else by transaction_id first (only the winning parameter is used).
 * A found order is brought up to date with the merchant's clock (lazy
 * transitions, stored at once). Returns MOCK_STORE_OK, NOT_FOUND or ERROR.
 */
mock_store_rc mock_call_find_order(mock_call *c, int transaction_id_first, mock_order *o);

/*
 * The order a call acts on, as mock_call_find_order() finds it. Returns 1
 * when found; 0 when the call is already answered (20007/FAIL: no such
 * order, or FAIL/20004: paytype does not match its wallet); -1 when the
 * store fails.
 */
int mock_call_order_or_answer(mock_call *c, int transaction_id_first, mock_order *o);

/*
 * Insert new order `o`, drawing its transaction_id and out_transaction_id
 * (again on a unique-index collision, a few times). Returns MOCK_STORE_OK
 * with o->id set, MOCK_STORE_EXISTS (nothing written) when the merchant
 * has an order with its out_trade_no, or the failure.
 */
mock_store_rc mock_call_insert_order(mock_call *c, mock_order *o);

/* Bring order `o` up to date with the clock and store the change. */
mock_store_rc mock_call_settle_order(mock_call *c, mock_order *o);

/* Bring refund `r` of order `o` up to date with the clock and store the change. */
mock_store_rc mock_call_settle_refund(mock_call *c, const mock_order *o, mock_refund *r);

/*
 * When the request's paytype is not order `o`'s wallet, answer FAIL/20004
 * and return 1; else 0.
 */
int mock_call_paytype_mismatch(mock_call *c, const mock_order *o);

#endif /* UPAY_MOCK_CALLS_H */
