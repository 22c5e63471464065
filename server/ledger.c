/*
 * server/ledger.c - GET /mock/ledger: the money consistency check (see
 * ledger.h). Not built yet: answers 501 until the reliability work lands.
 */
#include "ledger.h"

void mock_ledger_report(mock_ctx *ctx, const char *mch_id, mock_reply *out)
{
    (void)ctx;
    (void)mch_id;
    mock_reply_error(out, 501, "the ledger check is not built yet");
}
