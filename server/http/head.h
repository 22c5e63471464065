/*
 * head.h - the status line and headers of a keep-alive answer, written
 * without the printf family (server.c sends them with the body in one
 * write; docs/performance.md).
 */
#ifndef MOCK_HTTP_HEAD_H
#define MOCK_HTTP_HEAD_H

#include <stddef.h>

#define MOCK_DETAIL_HEADER "X-Upay-Detail"

/* What the head says; `allow` is left out when NULL, `detail` when NULL or "". */
typedef struct mock_http_head {
    int status;
    const char *reason;        /* "OK", as CivetWeb names the status */
    const char *content_type;
    size_t content_length;
    const char *allow;
    const char *detail;        /* the X-Upay-Detail header's value */
    const char *connection;    /* "keep-alive" or "close" */
} mock_http_head;

/*
 * Write the head, up to and including the empty line, into `out` (`room`
 * bytes, no NUL). Returns its length, or 0 when it does not fit.
 */
size_t mock_http_head_write(const mock_http_head *h, char *out, size_t room);

#endif
