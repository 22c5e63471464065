/*
 * server/observe/ledger.h - the money consistency check: walks every order and
 * refund in the store and checks the ledger's invariants (refunds never
 * exceed what was paid, a refund number refunds once, a cancelled order has
 * no counting refund, ...). Served as GET /mock/ledger.
 */
#ifndef UPAY_MOCK_LEDGER_H
#define UPAY_MOCK_LEDGER_H

#include "core/ctx.h"
#include "core/reply.h"

/*
 * Check the whole store (or one merchant when `mch_id` is non-NULL) and fill
 * `out` with HTTP 200 and {"consistent":true|false, "orders":N, "refunds":M,
 * "violations":[...]} (500 with {"error":...} when the store fails).
 */
void mock_ledger_report(mock_ctx *ctx, const char *mch_id, mock_reply *out);

#endif /* UPAY_MOCK_LEDGER_H */
