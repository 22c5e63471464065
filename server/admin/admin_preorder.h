/*
 * server/admin/admin_preorder.h - the customer's side of scan-to-pay and
 * the notifications it causes (docs/scan-to-pay.md):
 *
 *   POST /mock/preorders/pay   {"mch_id","out_trade_no"[,"action":"pay"|"decline"|"abandon"]
 *                               [,"persona":"9006"][,"notify_fault":"duplicate"|"bad_sign"|
 *                               "after_refund"|"never"]}
 *   GET  /mock/notifications[?mch_id=...&out_trade_no=...]
 *
 * Called by mock_admin_handle() (admin.c) before its own endpoints.
 */
#ifndef UPAY_MOCK_ADMIN_PREORDER_H
#define UPAY_MOCK_ADMIN_PREORDER_H

#include <stddef.h>
#include <upay/params.h>

#include "core/ctx.h"
#include "core/reply.h"

/*
 * Answer `path` when it is one of the two endpoints above (returns 1 with
 * `out` filled), else return 0 and leave `out` alone.
 */
int mock_admin_preorder_handle(mock_ctx *ctx, const char *http_method, const char *path,
                               const upay_params *query, const char *body, size_t len,
                               mock_reply *out);

#endif /* UPAY_MOCK_ADMIN_PREORDER_H */
