/*
 * server/admin/admin_merchant.h - GET /mock/merchants/MCH: what the mock
 * knows of one merchant, with the key that signs its /v2/ requests
 * (docs/mock.md "Merchant keys").
 *
 * Called by mock_admin_handle() (admin.c) before its own endpoints.
 */
#ifndef UPAY_MOCK_ADMIN_MERCHANT_H
#define UPAY_MOCK_ADMIN_MERCHANT_H

#include "core/ctx.h"
#include "core/reply.h"

/*
 * Answer `path` when it is under /mock/merchants/ (returns 1 with `out`
 * filled: 200 {"mch_id","agent_id","configured","key","key_source"}, 404
 * for a merchant the mock does not hold yet, 405 for a method other than
 * GET), else return 0 and leave `out` alone.
 */
int mock_admin_merchant_handle(mock_ctx *ctx, const char *http_method, const char *path,
                               mock_reply *out);

#endif /* UPAY_MOCK_ADMIN_MERCHANT_H */
