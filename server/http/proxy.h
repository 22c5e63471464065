/*
 * server/http/proxy.h - the recording proxy's forwarding: one gateway request
 * passed unchanged to another gateway (the live one), its answer passed
 * back unchanged. server.c journals both sides, so `upay-suite record`
 * turns a session against the live gateway into a scenario too.
 */
#ifndef UPAY_MOCK_PROXY_H
#define UPAY_MOCK_PROXY_H

#include <stddef.h>

/* How long the upstream may take, in milliseconds (libupay's default total timeout). */
#define MOCK_PROXY_TIMEOUT_MS 30000L
/* Largest upstream answer passed back. */
#define MOCK_PROXY_ANSWER_MAX (1024u * 1024u)

typedef struct mock_proxy_answer {
    long status;          /* upstream HTTP status; 0 when none came */
    char *body;           /* NUL-terminated, owned (free()); "" when none */
    size_t len;
    char content_type[128];
} mock_proxy_answer;

/*
 * Nonzero when `url` is an http:// or https:// URL a proxy can forward to
 * (its path, when absent or "/", becomes /UnifiedPay/Gateway). Writes the
 * full gateway URL into `out`.
 */
int mock_proxy_url(const char *url, char *out, size_t outlen);

/*
 * POST `body` (`len` bytes, with `content_type`, may be NULL) to the
 * gateway URL `upstream`, waiting at most `timeout_ms` (0: the default).
 * Returns 0 with the answer in `out` (free with mock_proxy_answer_free),
 * or -1 with a sentence in `err` when no complete answer came (then `out`
 * holds an empty body).
 */
int mock_proxy_forward(const char *upstream, const char *content_type, const char *body,
                       size_t len, long timeout_ms, mock_proxy_answer *out, char *err,
                       size_t errlen);

/* Free the answer's body. NULL is a no-op. */
void mock_proxy_answer_free(mock_proxy_answer *a);

#endif /* UPAY_MOCK_PROXY_H */
