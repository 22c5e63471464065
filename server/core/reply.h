/*
 * server/core/reply.h - what the mock sends back for one HTTP request: a
 * status, a JSON body and the transport fault to apply. Every layer that
 * answers (gateway, admin API, ledger, HTTP front) fills one; the HTTP front
 * writes it. Its own header so none of them includes another to get it.
 */
#ifndef UPAY_MOCK_REPLY_H
#define UPAY_MOCK_REPLY_H

#include <stddef.h>
#include <upay/params.h>

#include "core/heap.h"

typedef struct mock_reply {
    int status;               /* HTTP status */
    char *body;               /* NUL-terminated JSON, owned: mock_reply_free() */
    size_t len;               /* strlen(body) */
    const char *allow;        /* static value of an Allow header (405), or NULL */
    const char *content_type; /* static Content-Type, or NULL for JSON */
    int fault;                /* a transport fault the writer applies (MOCK_FAULT_DELAY,
                                 _DROP or _TRUNCATED of fault.h), or 0 */
    long long fault_arg;      /* its argument (delay in ms) */
    char detail[240];         /* our English diagnosis, sent as the X-Upay-Detail header and
                                 journaled; "" = none. Printable ASCII only (mock_reply_detail) */
} mock_reply;

/*
 * The `msg` the gateway sends for `state` and `code` (docs/protocol.md, 14):
 * "SUCCESS" for code 10000, the vendor's VER text for state VER, else the
 * code table's Chinese text (libupay's upay_gw_code_text), "" for a code
 * outside the table. Static string.
 */
const char *mock_reply_msg(const char *state, int code);

/*
 * Set out->detail to `text` (NULL: ""), each byte outside printable ASCII
 * replaced by '?', so it is always a valid header value; truncated to fit.
 */
void mock_reply_detail(mock_reply *out, const char *text);

/*
 * Fill `out` with HTTP `status` and {"error":"<msg>"}: an HTTP-level error
 * (405, 404, 500...) that carries no protocol answer.
 */
void mock_reply_error(mock_reply *out, int status, const char *msg);

/*
 * Fill `out` with HTTP 200 and the unsigned protocol answer
 * {"state":"FAIL","code":"<code>","msg":"<the code's text>"} (bad body,
 * unknown agent); `detail` (English, what was wrong) goes to out->detail.
 */
void mock_reply_unsigned(mock_reply *out, int code, const char *detail);

/* Take ownership of `json` (malloc'ed) as the body of `out` with `status`. */
void mock_reply_take(mock_reply *out, int status, char *json);

/* The same with a string allocated by libupay (freed with upay_free). */
void mock_reply_take_upay(mock_reply *out, int status, char *upay_json);

/*
 * Write `p` as JSON (upay_response_write) into a body of its own: at least
 * MOCK_REPLY_BODY_MIN bytes, so that its size is one of few and above
 * glibc's per-thread cache (docs/performance.md, "A long-lived mock"). Out
 * of memory: the fallback body, status 500.
 */
#define MOCK_REPLY_BODY_MIN 2048   /* most answers fit */
_Static_assert(MOCK_REPLY_BODY_MIN >= MOCK_HEAP_UNCACHED_MIN, "a body above the per-thread cache");
void mock_reply_take_params(mock_reply *out, int status, const upay_params *p);

struct cJSON;

/* Fill `out` with `status` and `root` printed compactly; takes `root` (may be NULL: 500). */
void mock_reply_json(mock_reply *out, int status, struct cJSON *root);

/* Free the body. NULL is a no-op; the reply can be reused afterwards. */
void mock_reply_free(mock_reply *reply);

#endif /* UPAY_MOCK_REPLY_H */
