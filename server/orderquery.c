/*
 * server/orderquery.c - the orderquery call: out_trade_no wins over
 * transaction_id; a known order is answered with its state and details.
 */
#include "calls.h"

int mock_call_orderquery(mock_call *c)
{
    mock_order o;
    mock_store_rc rc = mock_call_find_order(c, 0, &o);
    if (rc == MOCK_STORE_NOT_FOUND) {
        mock_answer_status(c, "SUCCESS", 20007, "order does not exist", "FAIL");
        return 0;
    }
    if (rc != MOCK_STORE_OK)
        return -1;
    if (mock_call_paytype_mismatch(c, &o))
        return 0;
    mock_answer_orderquery(c, &o);
    return 0;
}
