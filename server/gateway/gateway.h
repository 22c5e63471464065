/*
 * server/gateway/gateway.h - POST /UnifiedPay/Gateway as a pure function: no
 * network, no CivetWeb. The HTTP adapter (http/server.c) and the fuzzer call
 * mock_gateway_handle() with what arrived and send back what it answers.
 *
 * Order of checks (docs/protocol.md, section 7): HTTP method; body (content
 * type, size, form syntax: 20004 unsigned); agent (20012, unsigned; on /v2/
 * the merchant, whose key signs: 20004 or 20005, unsigned);
 * signature (20002); version (VER, only with a configured minimum);
 * parameters (20004); merchant (20005); then the call's business rules.
 * The first failing check answers.
 */
#ifndef UPAY_MOCK_GATEWAY_H
#define UPAY_MOCK_GATEWAY_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/reply.h"

/* Largest request body accepted, in bytes (larger: FAIL 20004, unsigned). */
#define MOCK_BODY_MAX 65536u

/*
 * Answer one gateway request. `http_method` and `content_type` may be NULL
 * (treated as wrong); `body` may be NULL when `len` is 0 and need not be
 * NUL-terminated. Never fails: `out` always receives a status and a JSON
 * body (a static fallback when memory runs out). Records the exchange in
 * the journal. Thread-safe.
 */
void mock_gateway_handle(mock_ctx *ctx, const char *http_method, const char *content_type,
                         const char *body, size_t len, mock_reply *out);

/*
 * The same, with the value of the request's X-Upay-Fault header (NULL when
 * absent): a fault for this request (docs/edge-cases.md). An unusable
 * header is answered HTTP 400 and nothing is processed. Faults that only
 * the connection can show (delay, drop, truncated) are left in
 * out->fault for the writer; the others are already in `out`.
 */
void mock_gateway_handle_fault(mock_ctx *ctx, const char *http_method, const char *content_type,
                               const char *body, size_t len, const char *fault_header,
                               mock_reply *out);

/* Which endpoint a request came to. */
#define MOCK_GATEWAY_V1 1   /* /UnifiedPay/Gateway: agent_id required, the agent's key signs */
#define MOCK_GATEWAY_V2 2   /* /v2/UnifiedPay/Gateway: agent_id optional, the merchant's key
                               signs (core/merchant_key.h); merchant checked before the signature */

/* mock_gateway_handle_fault() for endpoint `api` (MOCK_GATEWAY_V1 or _V2). */
void mock_gateway_handle_api(mock_ctx *ctx, int api, const char *http_method,
                             const char *content_type, const char *body, size_t len,
                             const char *fault_header, mock_reply *out);

/*
 * Journal one exchange the recording proxy forwarded to `upstream`: the
 * request `body` and the upstream's `answer` (what the client got), with
 * the request's merchant, numbers and call, and tell the linter.
 */
void mock_gateway_journal_proxied(mock_ctx *ctx, const char *body, size_t len,
                                  const mock_reply *answer, const char *upstream);

#endif /* UPAY_MOCK_GATEWAY_H */
