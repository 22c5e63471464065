/*
 * server/domain/persona.h - personas: the last four digits of a valid auth_code
 * pick how that customer behaves at pay time and how the order's refunds
 * behave. docs/personas.md documents them with example codes.
 */
#ifndef UPAY_MOCK_PERSONA_H
#define UPAY_MOCK_PERSONA_H

/* A paying order of 9001 (9007) is paid (declined) this many seconds later on the merchant's clock. */
#define MOCK_PASSWORD_DELAY 10
/* A settling refund (9101, 9103) ends this many seconds later. */
#define MOCK_SETTLE_DELAY (24 * 3600)

typedef enum mock_pay_behaviour {
    MOCK_PAY_AT_ONCE = 0,   /* paid at once: 10000/SUCCESS */
    MOCK_PAY_PASSWORD,      /* 10001/NEED_QUERY, paid MOCK_PASSWORD_DELAY s later */
    MOCK_PAY_NEVER,         /* 10001/NEED_QUERY, stays paying until cancelled */
    MOCK_PAY_NO_BALANCE,    /* 10006/FAIL, order recorded as failed */
    MOCK_PAY_EXPIRED_CODE,  /* 10006/FAIL, order recorded as failed */
    MOCK_PAY_FAULT,         /* 20006/NEED_QUERY although the order is paid */
    MOCK_PAY_COUPON,        /* paid at once with a 1-fen coupon */
    MOCK_PAY_DECLINE        /* 10001/NEED_QUERY, not paid (10003) MOCK_PASSWORD_DELAY s later */
} mock_pay_behaviour;

typedef enum mock_refund_behaviour {
    MOCK_REFUND_AT_ONCE = 0,  /* SUCCESS at once */
    MOCK_REFUND_LATER,        /* PROCESSING, SUCCESS MOCK_SETTLE_DELAY s later */
    MOCK_REFUND_NOTSURE_ONCE, /* first attempt of a number NOTSURE, a retry succeeds */
    MOCK_REFUND_CHANGE,       /* PROCESSING, CHANGE MOCK_SETTLE_DELAY s later */
    MOCK_REFUND_BANK_FAIL     /* FAIL (the bank refuses) */
} mock_refund_behaviour;

typedef struct mock_persona {
    const char *suffix;            /* last four digits, "" for the default persona */
    mock_pay_behaviour pay;
    mock_refund_behaviour refund;
    long long coupon_fee;          /* fen paid by a coupon (not refundable) */
    const char *summary;           /* one English line for docs and --help */
} mock_persona;

/*
 * The persona of `auth_code` (by its last four characters); the default
 * persona (pays at once, refunds settle at once) for any other ending,
 * a short code or NULL. Never NULL; static storage.
 */
const mock_persona *mock_persona_of(const char *auth_code);

/* Every special persona, for docs and tests; `*count` receives the number. */
const mock_persona *mock_persona_table(unsigned *count);

#endif /* UPAY_MOCK_PERSONA_H */
