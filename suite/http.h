/*
 * suite/http.h - a minimal libcurl exchange for what the client library
 * deliberately cannot send (raw negative-test requests) and for the mock's
 * admin API.
 */
#ifndef SUITE_HTTP_H
#define SUITE_HTTP_H

#include <stddef.h>

typedef struct suite_http_response {
    long status;      /* HTTP status; 0 when no answer */
    char *body;       /* owned, NUL-terminated ("" when none) */
    size_t len;
    char error[256];  /* transport error sentence; "" on success */
    char content_type[128]; /* Content-Type of the answer; "" when none */
    char allow[64];   /* Allow header of the answer; "" when none */
} suite_http_response;

/* Options of one exchange (zero-initialise; all optional). */
typedef struct suite_http_request {
    const char *method;        /* "POST" (default when body given), "GET", ... */
    const char *url;           /* required */
    const char *content_type;  /* Content-Type header; NULL = none */
    const char *body;          /* NULL = no body */
    size_t body_len;
    const char *bearer;        /* Authorization: Bearer TOKEN, or NULL */
    const char *const *headers; /* more "Name: value" lines, NULL-terminated; NULL = none */
    long timeout_ms;           /* 0 = 30 s */
    int insecure;              /* skip TLS verification */
} suite_http_request;

/*
 * Perform `req`, filling `*out` (free with suite_http_response_free()).
 * Returns 0 when an HTTP answer came back (any status), -1 otherwise (then
 * out->error says why and out->body is "").
 */
int suite_http(const suite_http_request *req, suite_http_response *out);

void suite_http_response_free(suite_http_response *r);

#endif /* SUITE_HTTP_H */
