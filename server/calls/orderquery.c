/*
 * server/calls/orderquery.c - the orderquery call: out_trade_no wins over
 * transaction_id; a known order is answered with its state and details.
 */
#include "calls/calls.h"

int mock_call_orderquery(mock_call *c)
{
    mock_order o;
    int found = mock_call_order_or_answer(c, 0, &o);
    if (found <= 0)
        return found;
    mock_answer_orderquery(c, &o);
    return 0;
}
