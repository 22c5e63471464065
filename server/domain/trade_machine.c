/*
 * server/domain/trade_machine.c - the order state machine (see trade_machine.h for the diagram).
 */
#include "domain/trade_machine.h"

#include "domain/clock.h"

void mock_trade_open(mock_order *o, const mock_persona *p, long long now)
{
    o->created_at = now;
    o->due_at = 0;
    o->paid_at = 0;
    o->closed_at = 0;
    o->refunded_fee = 0;
    o->refund_count = 0;
    o->coupon_fee = p->coupon_fee < o->total_fee ? p->coupon_fee : o->total_fee;
    switch (p->pay) {
    case MOCK_PAY_AT_ONCE:
    case MOCK_PAY_FAULT:
    case MOCK_PAY_COUPON:
        o->state = MOCK_TRADE_PAID;
        o->paid_at = now;
        break;
    case MOCK_PAY_PASSWORD:
    case MOCK_PAY_DECLINE:
        o->state = MOCK_TRADE_PAYING;
        o->due_at = now + MOCK_PASSWORD_DELAY;
        break;
    case MOCK_PAY_NEVER:
        o->state = MOCK_TRADE_PAYING;
        break;
    case MOCK_PAY_NO_BALANCE:
    case MOCK_PAY_EXPIRED_CODE:
        o->state = MOCK_TRADE_FAILED;
        o->coupon_fee = 0;
        break;
    }
}

int mock_trade_settle(mock_order *o, const mock_persona *p, long long now)
{
    if (o->state == MOCK_TRADE_PAYING && o->expires_at && o->expires_at <= now
        && (o->due_at == 0 || o->due_at > o->expires_at)) {
        o->state = MOCK_TRADE_CLOSED;
        o->closed_at = o->expires_at;
        o->due_at = 0;
        return 1;
    }
    if (o->state != MOCK_TRADE_PAYING || o->due_at == 0 || o->due_at > now)
        return 0;
    if (p->pay == MOCK_PAY_DECLINE) {
        o->state = MOCK_TRADE_NOT_PAID;
        o->coupon_fee = 0;
    } else {
        o->state = MOCK_TRADE_PAID;
        o->paid_at = o->due_at;
    }
    o->due_at = 0;
    return 1;
}

mock_cancel_outcome mock_trade_cancel(mock_order *o, long long now)
{
    /* Checked in this order: already cancelled, age, refunded (docs/protocol.md, 10). */
    if (o->state == MOCK_TRADE_CLOSED || o->state == MOCK_TRADE_REVOKED)
        return MOCK_CANCEL_ALREADY;
    if (!mock_clock_cancel_window_open(o->created_at, now))
        return MOCK_CANCEL_TOO_OLD;
    if (o->state == MOCK_TRADE_REFUNDED)
        return MOCK_CANCEL_REFUNDED;
    o->closed_at = now;
    o->due_at = 0;
    if (o->state == MOCK_TRADE_PAID) {
        o->state = MOCK_TRADE_REVOKED;
        return MOCK_CANCEL_REVOKED;
    }
    o->state = MOCK_TRADE_CLOSED;
    return MOCK_CANCEL_CLOSED;
}

long long mock_trade_refundable(const mock_order *o)
{
    long long left = o->total_fee - o->coupon_fee - o->refunded_fee;
    return left > 0 ? left : 0;
}

mock_refund_check mock_trade_refund_check(const mock_order *o, long long total_fee,
                                          long long refund_fee, long long now, int new_record)
{
    if (o->state != MOCK_TRADE_PAID && o->state != MOCK_TRADE_REFUNDED)
        return MOCK_RCHECK_NOT_PAID;
    if (total_fee != o->total_fee)
        return MOCK_RCHECK_WRONG_TOTAL;
    if (now - o->paid_at >= (long long)MOCK_REFUND_DAYS * 86400)
        return MOCK_RCHECK_TOO_LATE;
    if (new_record && o->refund_count >= MOCK_REFUNDS_MAX)
        return MOCK_RCHECK_TOO_MANY;
    if (refund_fee <= 0 || refund_fee > mock_trade_refundable(o))
        return MOCK_RCHECK_OVER_AMOUNT;
    return MOCK_RCHECK_OK;
}

void mock_trade_refund_adjust(mock_order *o, long long fee, int was_counted, int now_counted)
{
    if (!was_counted && now_counted) {
        o->refunded_fee += fee;
        if (o->state == MOCK_TRADE_PAID)
            o->state = MOCK_TRADE_REFUNDED;
    } else if (was_counted && !now_counted) {
        o->refunded_fee -= fee;
        if (o->refunded_fee <= 0) {   /* every refund is at least 1 fen */
            o->refunded_fee = 0;
            if (o->state == MOCK_TRADE_REFUNDED)
                o->state = MOCK_TRADE_PAID;
        }
    }
}

void mock_trade_query_answer(mock_trade_state state, int *code, const char **trade_state,
                             const char **msg)
{
    switch (state) {
    case MOCK_TRADE_PAID:
        *code = 10000; *trade_state = "SUCCESS"; *msg = "SUCCESS";
        return;
    case MOCK_TRADE_PAYING:
        *code = 10001; *trade_state = "NEED_QUERY"; *msg = "paying: the user is entering the password, query again";
        return;
    case MOCK_TRADE_REFUNDED:
        *code = 10002; *trade_state = "REFUND"; *msg = "turned into refund";
        return;
    case MOCK_TRADE_CLOSED:
        *code = 10004; *trade_state = "FAIL"; *msg = "order closed";
        return;
    case MOCK_TRADE_REVOKED:
        *code = 10005; *trade_state = "FAIL"; *msg = "order revoked";
        return;
    case MOCK_TRADE_FAILED:
        *code = 10006; *trade_state = "FAIL"; *msg = "payment error";
        return;
    case MOCK_TRADE_NOT_PAID:
        *code = 10003; *trade_state = "FAIL"; *msg = "not paid: the user declined";
        return;
    }
    *code = 20006; *trade_state = "NEED_QUERY"; *msg = "system error: unknown order state";
}

const char *mock_trade_state_name(mock_trade_state state)
{
    switch (state) {
    case MOCK_TRADE_PAYING: return "PAYING";
    case MOCK_TRADE_PAID: return "PAID";
    case MOCK_TRADE_FAILED: return "FAILED";
    case MOCK_TRADE_CLOSED: return "CLOSED";
    case MOCK_TRADE_REVOKED: return "REVOKED";
    case MOCK_TRADE_REFUNDED: return "REFUNDED";
    case MOCK_TRADE_NOT_PAID: return "NOT_PAID";
    }
    return "UNKNOWN";
}
