/*
 * suite/notify.h - the scenario's own notify_url: a listening socket on
 * 127.0.0.1 (port 0) that the gateway's notifications of scan-to-pay are
 * POSTed to, and the "notify" step that takes the next one, answers it as
 * the scenario says and turns it into a view for expectations
 * (docs/scenarios.md, "notify"). No thread: a connection waits in the
 * kernel's backlog until a notify step accepts it, so the step reads it at
 * once and answers well within the gateway's 3 s.
 */
#ifndef SUITE_NOTIFY_H
#define SUITE_NOTIFY_H

#include "step.h"
#include "util.h"

typedef struct suite_listener suite_listener;

/*
 * Listen on 127.0.0.1, a port the system picks. Returns the listener, or
 * NULL with a sentence in `err`. Free with suite_listener_close().
 */
suite_listener *suite_listener_open(suite_buf *err);

/* "http://127.0.0.1:PORT/upay/notify": the scenario's ${notify_url}. Borrowed. */
const char *suite_listener_url(const suite_listener *l);

/* Stop listening; connections not yet accepted are reset. NULL is a no-op. */
void suite_listener_close(suite_listener *l);

/* One notification taken from a listener, its connection held open for the answer. */
typedef struct suite_notice {
    int fd;              /* the gateway's connection; -1 once answered */
    char *head;          /* request line and headers, NUL-terminated; owned */
    char *body;          /* the body, NUL-terminated (inside head's allocation) */
    size_t body_len;
} suite_notice;

/*
 * Take the next notification: wait at most `wait_ms` for the gateway to
 * connect, then read its request (Content-Length, at most 3 s). 0 with `*n`
 * filled, or -1 with a sentence in `err` (`*n` then holds nothing). Answer
 * it with suite_notice_answer(), which also frees it.
 */
int suite_listener_take(suite_listener *l, long wait_ms, suite_notice *n, suite_buf *err);

/*
 * Answer `n` as `how` says ("success", "fail", "silence", "slow"; any
 * other text is sent as the body of an HTTP 200), close the connection
 * and free `n`. Returns the text sent (a new string), or NULL when nothing
 * was sent.
 */
char *suite_notice_answer(suite_notice *n, const char *how);

/* The value of header `name` of `n` (a new string), or NULL. */
char *suite_notice_header(const suite_notice *n, const char *name);

/*
 * The "notify" step: wait (at most "timeout_ms", 5000 by default) for the
 * next notification on ctx->listener, answer it ("success": 200 success,
 * "fail": 200 fail, "silence": hang up without an answer, "slow": say
 * nothing until the gateway gives up, at most 10 s), and fill out->view with
 * its form fields and pseudo fields (_verified, _code, _paid, _clock,
 * _since_paid, _method, _path, _content_type, _body). 0, or -1 with a
 * sentence in `err` (nothing came in time, no listener, a malformed request).
 */
int suite_notify_exec(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                      suite_buf *err);

#endif /* SUITE_NOTIFY_H */
