/*
 * server/gateway.h - POST /UnifiedPay/Gateway as a pure function: no
 * network, no CivetWeb. The HTTP adapter (server.c) and the fuzzer call
 * mock_gateway_handle() with what arrived and send back what it answers.
 *
 * Order of checks (docs/protocol.md, section 7): HTTP method; body (content
 * type, size, form syntax: 20004 unsigned); agent (20012, unsigned);
 * signature (20002); version (VER, only with a configured minimum);
 * parameters (20004); merchant (20005); then the call's business rules.
 * The first failing check answers.
 */
#ifndef UPAY_MOCK_GATEWAY_H
#define UPAY_MOCK_GATEWAY_H

#include <stddef.h>

#include "ctx.h"

/* Largest request body accepted, in bytes (larger: FAIL 20004, unsigned). */
#define MOCK_BODY_MAX 65536u

typedef struct mock_reply {
    int status;               /* HTTP status */
    char *body;               /* NUL-terminated JSON, owned: mock_reply_free() */
    size_t len;               /* strlen(body) */
    const char *allow;        /* static value of an Allow header (405), or NULL */
    const char *content_type; /* static Content-Type, or NULL for JSON */
    int fault;                /* a transport fault the writer applies (MOCK_FAULT_DELAY,
                                 _DROP or _TRUNCATED of fault.h), or 0 */
    long long fault_arg;      /* its argument (delay in ms) */
} mock_reply;

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

/*
 * Fill `out` with HTTP `status` and {"error":"<msg>"}: an HTTP-level error
 * (405, 404, 500...) that carries no protocol answer.
 */
void mock_reply_error(mock_reply *out, int status, const char *msg);

/*
 * Fill `out` with HTTP 200 and the unsigned protocol answer
 * {"state":"FAIL","code":"<code>","msg":"<msg>"} (bad body, unknown agent).
 */
void mock_reply_unsigned(mock_reply *out, int code, const char *msg);

/*
 * Journal one exchange the recording proxy forwarded to `upstream`: the
 * request `body` and the upstream's `answer` (what the client got), with
 * the request's merchant, numbers and call, and tell the linter.
 */
void mock_gateway_journal_proxied(mock_ctx *ctx, const char *body, size_t len,
                                  const mock_reply *answer, const char *upstream);

/* Take ownership of `json` (malloc'ed) as the body of `out` with `status`. */
void mock_reply_take(mock_reply *out, int status, char *json);

/* Free the body. NULL is a no-op; the reply can be reused afterwards. */
void mock_reply_free(mock_reply *reply);

#endif /* UPAY_MOCK_GATEWAY_H */
