/*
 * server/domain/refund_machine.c - the refund state machine (see refund_machine.h).
 */
#include "domain/refund_machine.h"

int mock_refund_counts(upay_refund_status status)
{
    return status != UPAY_REFUND_FAIL;
}

int mock_refund_retryable(upay_refund_status status)
{
    return status == UPAY_REFUND_NOTSURE || status == UPAY_REFUND_FAIL;
}

void mock_refund_attempt(mock_refund *r, const mock_persona *p, long long now)
{
    r->attempts++;
    r->updated_at = now;
    r->due_at = 0;
    switch (p->refund) {
    case MOCK_REFUND_AT_ONCE:
        r->status = UPAY_REFUND_SUCCESS;
        return;
    case MOCK_REFUND_LATER:
    case MOCK_REFUND_CHANGE:
        r->status = UPAY_REFUND_PROCESSING;
        r->due_at = now + MOCK_SETTLE_DELAY;
        return;
    case MOCK_REFUND_NOTSURE_ONCE:
        r->status = r->attempts == 1 ? UPAY_REFUND_NOTSURE : UPAY_REFUND_SUCCESS;
        return;
    case MOCK_REFUND_BANK_FAIL:
        r->status = UPAY_REFUND_FAIL;
        return;
    }
    r->status = UPAY_REFUND_SUCCESS;
}

int mock_refund_settle(mock_refund *r, const mock_persona *p, long long now)
{
    if (r->status != UPAY_REFUND_PROCESSING || r->due_at == 0 || r->due_at > now)
        return 0;
    r->status = p->refund == MOCK_REFUND_CHANGE ? UPAY_REFUND_CHANGE : UPAY_REFUND_SUCCESS;
    r->updated_at = r->due_at;
    r->due_at = 0;
    return 1;
}

void mock_refund_answer(upay_refund_status status, int *code, const char **trade_state,
                        const char **msg)
{
    switch (status) {
    case UPAY_REFUND_SUCCESS:
        *code = 10000; *trade_state = "SUCCESS"; *msg = "SUCCESS";
        return;
    case UPAY_REFUND_PROCESSING:
        *code = 10000; *trade_state = "PROCESSING"; *msg = "refund accepted, settling";
        return;
    case UPAY_REFUND_NOTSURE:
        *code = 20008; *trade_state = "NEED_QUERY";
        *msg = "refund outcome unknown (NOTSURE): retry with the same out_refund_no";
        return;
    case UPAY_REFUND_FAIL:
        *code = 20008; *trade_state = "FAIL"; *msg = "refund refused by the bank";
        return;
    case UPAY_REFUND_CHANGE:
        /* The gateway's part is done; refundquery shows CHANGE. */
        *code = 10000; *trade_state = "SUCCESS";
        *msg = "SUCCESS (the card was frozen: refundquery shows CHANGE, refund by hand)";
        return;
    }
    *code = 20006; *trade_state = "NEED_QUERY"; *msg = "system error: unknown refund status";
}
