/*
 * server/notify/http_post.h - one HTTP/1.1 form POST over a plain socket,
 * within a deadline: how the mock delivers a notification. No libcurl: the
 * target is an http:// URL on an allowed host (allow.h), and a tiny client
 * keeps the mock's binary free of another run-time dependency.
 */
#ifndef UPAY_MOCK_HTTP_POST_H
#define UPAY_MOCK_HTTP_POST_H

#include <stddef.h>

#include "notify/allow.h"

#define MOCK_POST_ANSWER_MAX 4096  /* bytes of the answer body kept */

typedef struct mock_post_result {
    int status;                    /* HTTP status; 0 when no complete status line came */
    char body[MOCK_POST_ANSWER_MAX + 1];   /* the answer body (dechunked), cut to fit */
    size_t body_len;
    long elapsed_ms;
    int timed_out;                 /* the deadline passed first */
    char error[160];               /* why no answer (connect refused ...), or "" */
} mock_post_result;

/*
 * POST `body` (application/x-www-form-urlencoded) to `url` and read the
 * answer, giving up after `timeout_ms` in all. Fills `out`; returns 0 when
 * a complete answer arrived in time, else -1 (out->error says why).
 */
int mock_http_post(const mock_url *url, const char *body, size_t len, long timeout_ms,
                   mock_post_result *out);

#endif /* UPAY_MOCK_HTTP_POST_H */
