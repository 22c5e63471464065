/*
 * server/calls/cancel.c - the cancel call: within 5 minutes of creation (merchant
 * clock) a paying or failed order is closed and a paid one revoked.
 */
#include "calls/calls.h"
#include "steer/edge.h"

int mock_call_cancel(mock_call *c)
{
    mock_order o;
    int found = mock_call_order_or_answer(c, 0, &o);
    if (found <= 0)
        return found;
    if (mock_edge_cancel_refused(c))
        return 0;
    mock_trade_state before = o.state;
    switch (mock_trade_cancel(&o, c->now)) {
    case MOCK_CANCEL_CLOSED:
    case MOCK_CANCEL_REVOKED:
        if (mock_store_order_update(c->ctx->store, &o) != MOCK_STORE_OK)
            return -1;
        mock_edge_note(c, "order %s %s -> %s", o.out_trade_no, mock_trade_state_name(before),
                       mock_trade_state_name(o.state));
        mock_answer_status(c, "SUCCESS", 10000,
                           o.state == MOCK_TRADE_REVOKED ? "order revoked: the money goes back"
                                                         : "order closed",
                           "SUCCESS");
        break;
    case MOCK_CANCEL_ALREADY:
        mock_answer_status(c, "SUCCESS", 10000,
                           o.state == MOCK_TRADE_REVOKED ? "order already revoked"
                                                         : "order already closed",
                           "SUCCESS");
        break;
    case MOCK_CANCEL_TOO_OLD:
        mock_answer_status(c, "SUCCESS", 20011,
                           "cancel error: the order is 5 minutes old or older, refund it instead",
                           "FAIL");
        return 0;
    case MOCK_CANCEL_REFUNDED:
        mock_answer_status(c, "SUCCESS", 20011,
                           "cancel error: the order has been turned into refund", "FAIL");
        return 0;
    }
    mock_answer_put(c, "mch_id", o.mch_id);
    return 0;
}
