/*
 * server/admin/admin_edge.h - the admin endpoints of the edge cases
 * (docs/edge-cases.md): outcome rules, the fault table and the linter.
 *
 *   POST   /mock/rules              add a rule (rules.h format)
 *   GET    /mock/rules[?mch_id=M]   list them
 *   DELETE /mock/rules[?mch_id=M]   remove all (or a merchant's)
 *   DELETE /mock/rules/ID           remove one
 *   GET    /mock/faults             every fault name, argument and summary
 *   GET    /mock/lint?mch_id=M      the linter's findings for merchant M
 *
 * Called by mock_admin_handle() (admin.c) before its own endpoints.
 */
#ifndef UPAY_MOCK_ADMIN_EDGE_H
#define UPAY_MOCK_ADMIN_EDGE_H

#include <stddef.h>
#include <upay/params.h>

#include "core/ctx.h"
#include "core/reply.h"

/*
 * Answer `path` when it is one of the endpoints above (returns 1 with `out`
 * filled), else return 0 and leave `out` alone. `q` is the parsed query
 * string (may be NULL).
 */
int mock_admin_edge_handle(mock_ctx *ctx, const char *http_method, const char *path,
                           const upay_params *q, const char *body, size_t len, mock_reply *out);

#endif /* UPAY_MOCK_ADMIN_EDGE_H */
