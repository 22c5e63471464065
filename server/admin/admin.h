/*
 * server/admin/admin.h - the admin API under /mock/, JSON in and out, as a pure
 * function like the gateway's. http/server.c decides whether the client may use
 * it (loopback, or the admin token) before calling.
 *
 *   GET  /mock/health              {"status":"ok","mock":"upay-mock","version":"..."}
 *   POST /mock/reset               {} everything, or {"mch_id":"..."}
 *   GET  /mock/clock[?mch_id=...]  the time now
 *   POST /mock/clock               {"advance_seconds":N[,"mch_id":"..."]}
 *   GET  /mock/orders[?mch_id=...&limit=N]  orders with their refunds
 *   GET  /mock/journal[?mch_id=...&out_trade_no=...&limit=N]  the latest exchanges
 *   GET  /mock/merchants[?after=MCH&limit=N]  the merchants, a page in mch_id order
 *   GET  /mock/merchants/MCH       one merchant and its key (admin_merchant.h)
 *   POST/GET/DELETE /mock/rules, DELETE /mock/rules/ID, GET /mock/faults,
 *   GET /mock/lint?mch_id=...      edge cases (admin_edge.h, docs/edge-cases.md)
 *   GET  /mock/ledger[?mch_id=...] the money consistency check (ledger.h)
 * (GET /mock/stats is answered by http/server.c: it counts connections, and
 * adds mock_admin_stats().)
 */
#ifndef UPAY_MOCK_ADMIN_H
#define UPAY_MOCK_ADMIN_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/reply.h"

/*
 * Answer one admin request. `path` is the URI path (starting "/mock/"),
 * `query` the query string or NULL. Never fails: `out` always receives a
 * status and a JSON body. Thread-safe.
 */
void mock_admin_handle(mock_ctx *ctx, const char *http_method, const char *path,
                       const char *query, const char *body, size_t len, mock_reply *out);

/*
 * What the mock holds, for GET /mock/stats: {"memory": {"rss", "store",
 * "linter", "rules", "journal_max"} in bytes, "count": {"merchants",
 * "orders", "refunds", "linter_merchants", "rules", "effects"}, "retention":
 * {"seconds", "sweeps", "merchants_forgotten", "orders_forgotten",
 * "refunds_forgotten"}}. Takes ctx->lock for a moment (the store's counts
 * walk its tables). Owned by the caller; NULL when out of memory.
 */
struct cJSON *mock_admin_stats(mock_ctx *ctx);

#endif /* UPAY_MOCK_ADMIN_H */
