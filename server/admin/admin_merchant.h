/*
 * server/admin/admin_merchant.h - the merchants the mock holds: GET
 * /mock/merchants lists them a page at a time (no keys), GET
 * /mock/merchants/MCH tells one, with the key that signs its /v2/ requests
 * (docs/mock.md "Merchant keys").
 *
 * Called by mock_admin_handle() (admin.c): the one merchant before its own
 * endpoints, the list once it has read the query string.
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

/*
 * Fill `out` with one page of the merchants in mch_id order (bytewise):
 * up to `limit` (1 to 1000) after `after` (NULL or "": from the first).
 * 200 {"merchants":[{"mch_id","agent_id","configured"},...],"next":N},
 * `next` the last mch_id listed when more follow (the next page's
 * `after`), else null; never a key. 400 when `after` is not 1-32 letters
 * or digits, 500 when the store fails or memory runs out. Holds ctx->lock
 * for one read of the store.
 */
void mock_admin_merchants_list(mock_ctx *ctx, const char *after, size_t limit, mock_reply *out);

#endif /* UPAY_MOCK_ADMIN_MERCHANT_H */
