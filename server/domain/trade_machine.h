/*
 * server/domain/trade_machine.h - an order and its state machine, independent of HTTP and
 * storage. States and the only transitions there are:
 *
 *   (new) --pay--> PAID | PAYING | FAILED              (by persona)
 *   PAYING --due time reached--> PAID | NOT_PAID       (mock_trade_settle, by persona)
 *   PAYING --expiry of a pre-order reached--> CLOSED   (mock_trade_settle)
 *   PAYING | FAILED | NOT_PAID --cancel--> CLOSED      (mock_trade_cancel, age < 300 s)
 *   PAID --cancel--> REVOKED (money back)              (age < 300 s)
 *   PAID | REFUNDED --a refund starts counting--> REFUNDED  (mock_trade_refund_adjust)
 *   REFUNDED --its last counting refund ends FAIL--> PAID
 *
 * REFUNDED covers partly and fully refunded (mock_trade_refundable() tells
 * how much is left). CLOSED and REVOKED are final.
 */
#ifndef UPAY_MOCK_TRADE_H
#define UPAY_MOCK_TRADE_H

#include "domain/persona.h"

#define MOCK_ATTACH_MAX 128      /* bytes of attach kept and echoed */
#define MOCK_REFUNDS_MAX 50      /* refunds per order */
#define MOCK_REFUND_QUERY_MAX 20 /* refunds a query by order may list */
#define MOCK_REFUND_DAYS 365     /* a refund may be asked this many days after payment */

typedef enum mock_trade_state {
    MOCK_TRADE_PAYING = 1,    /* waiting for the user (password, or never) */
    MOCK_TRADE_PAID = 2,      /* paid, no refund */
    MOCK_TRADE_FAILED = 3,    /* the wallet refused the payment */
    MOCK_TRADE_CLOSED = 4,    /* cancelled before payment */
    MOCK_TRADE_REVOKED = 5,   /* cancelled after payment: money back */
    MOCK_TRADE_REFUNDED = 6,  /* paid, with at least one refund that is not FAIL */
    MOCK_TRADE_NOT_PAID = 7   /* failed: the user declined while paying */
} mock_trade_state;

typedef struct mock_order {
    long long id;                   /* store row id; 0 before it is stored */
    char mch_id[33];
    char out_trade_no[33];
    char transaction_id[29];        /* gateway trade number, 28 digits */
    char out_transaction_id[29];    /* wallet trade number, 28 digits */
    char auth_code[33];             /* the code paid with (tells persona and wallet) */
    char attach[MOCK_ATTACH_MAX + 1]; /* echoed; "" when the request had none */
    char appid[33];                 /* echoed when the request sent it, else "" */
    char sub_appid[33];             /* echoed when the request sent it, else "" */
    int paytype;                    /* upay_paytype */
    mock_trade_state state;
    long long total_fee;            /* fen */
    long long coupon_fee;           /* fen paid by coupon: never refundable */
    long long refunded_fee;         /* fen of refunds that are not FAIL */
    int refund_count;               /* refund records, FAIL ones included */
    long long created_at;           /* merchant clock, seconds */
    long long due_at;               /* PAYING: when it becomes PAID; 0 = never */
    long long paid_at;              /* time_end; 0 when never paid */
    long long closed_at;            /* when closed or revoked; 0 otherwise */
    /* scan-to-pay pre-orders (calls/preorder.c); "" and 0 for a barcode order */
    char trade_type[8];             /* NATIVE, JSPAY or APP */
    char notify_url[256];           /* where the payment notification goes; "" = none */
    long long expires_at;           /* still unpaid then (merchant clock): CLOSED; 0 = never */
    int api;                        /* 1 or 2: the endpoint it came by, whose key signs its
                                       notifications (agent's or merchant's) */
} mock_order;

/*
 * Start `o` (whose total_fee is set) as paid at `now` by a customer of
 * persona `p`: PAID, PAYING (due or never) or FAILED, with the persona's
 * coupon (at most the total).
 */
void mock_trade_open(mock_order *o, const mock_persona *p, long long now);

/*
 * Apply what time did: a PAYING order whose due time is at or before `now`
 * becomes PAID at its due time (NOT_PAID for a declining persona `p`); a
 * PAYING pre-order whose expiry comes first and is at or before `now`
 * becomes CLOSED at its expiry.
 * Returns 1 when `o` changed, else 0.
 */
int mock_trade_settle(mock_order *o, const mock_persona *p, long long now);

typedef enum mock_cancel_outcome {
    MOCK_CANCEL_CLOSED = 0,   /* was PAYING, FAILED or NOT_PAID: now CLOSED */
    MOCK_CANCEL_REVOKED,      /* was PAID: now REVOKED, money back */
    MOCK_CANCEL_ALREADY,      /* was CLOSED or REVOKED: unchanged, still a success */
    MOCK_CANCEL_TOO_OLD,      /* age >= MOCK_CANCEL_WINDOW: unchanged */
    MOCK_CANCEL_REFUNDED      /* has refunds: unchanged */
} mock_cancel_outcome;

/* Cancel `o` at `now` (merchant clock); changes it only on CLOSED/REVOKED. */
mock_cancel_outcome mock_trade_cancel(mock_order *o, long long now);

typedef enum mock_refund_check {
    MOCK_RCHECK_OK = 0,
    MOCK_RCHECK_NOT_PAID,     /* PAYING, FAILED, CLOSED or REVOKED */
    MOCK_RCHECK_WRONG_TOTAL,  /* total_fee is not the order's total */
    MOCK_RCHECK_TOO_MANY,     /* MOCK_REFUNDS_MAX records already */
    MOCK_RCHECK_OVER_AMOUNT,  /* more than what is left to refund */
    MOCK_RCHECK_TOO_LATE      /* MOCK_REFUND_DAYS or more after payment */
} mock_refund_check;

/*
 * May `refund_fee` be refunded from `o` at `now`, given the request's
 * `total_fee`? `new_record` is nonzero when the refund would add a record
 * (a retry of an existing number does not count against the 50).
 */
mock_refund_check mock_trade_refund_check(const mock_order *o, long long total_fee,
                                          long long refund_fee, long long now, int new_record);

/* What is left to refund: total - coupon - refunded, never negative. */
long long mock_trade_refundable(const mock_order *o);

/*
 * Account for a refund of `fee` whose status went from counting
 * (`was_counted`, not FAIL) to `now_counted`. A refund that starts counting
 * turns the order REFUNDED; when no counting refund is left it is PAID again.
 */
void mock_trade_refund_adjust(mock_order *o, long long fee, int was_counted, int now_counted);

/*
 * How orderquery reports `state`: code (10000...), trade_state and an
 * English message. Static strings.
 */
void mock_trade_query_answer(mock_trade_state state, int *code, const char **trade_state,
                             const char **msg);

/* Name of a state for the admin API ("PAYING", ...). Static string. */
const char *mock_trade_state_name(mock_trade_state state);

#endif /* UPAY_MOCK_TRADE_H */
