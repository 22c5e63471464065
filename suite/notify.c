/*
 * suite/notify.c - the scenario's notify_url and the "notify" step (see
 * notify.h). The request is read with a plain socket: the gateway sends one
 * form POST with Content-Length and Connection: close (docs/scan-to-pay.md).
 */
#include "notify.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <upay.h>

#include "target.h"

#define GET(obj, key) cJSON_GetObjectItemCaseSensitive((obj), (key))

/* A notification body is at most 65536 bytes (upay_notify_parse); headers fit in 8 KiB. */
#define MAX_REQUEST (65536 + 8192)
#define READ_MS 3000        /* the gateway sends the whole request at once */
#define SLOW_MS 10000       /* "slow": the gateway hangs up after 3 s */

struct suite_listener {
    int fd;
    char url[64];
};

suite_listener *suite_listener_open(suite_buf *err)
{
    suite_listener *l = calloc(1, sizeof *l);
    if (!l) {
        suite_buf_puts(err, "out of memory");
        return NULL;
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(l->fd, 16) != 0 || getsockname(l->fd, (struct sockaddr *)&a, &alen) != 0) {
        suite_buf_printf(err, "cannot listen on 127.0.0.1 for notifications: %s",
                         strerror(errno));
        suite_listener_close(l);
        return NULL;
    }
    snprintf(l->url, sizeof l->url, "http://127.0.0.1:%u/upay/notify", ntohs(a.sin_port));
    return l;
}

const char *suite_listener_url(const suite_listener *l)
{
    return l->url;
}

void suite_listener_close(suite_listener *l)
{
    if (!l)
        return;
    if (l->fd >= 0)
        close(l->fd);
    free(l);
}

/* Wait up to `ms` for `fd` to be readable: 1, 0 on timeout, -1 on error. */
static int wait_readable(int fd, long ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int rc;
    do
        rc = poll(&p, 1, (int)ms);
    while (rc < 0 && errno == EINTR);
    return rc;
}

/* A received request: head (NUL-terminated, header names as sent) and body. */
typedef struct request {
    char *data;     /* head '\0' body '\0' */
    size_t head_len;
    char *body;     /* inside data */
    size_t body_len;
} request;

/* The value of header `name` in `head` (a new string), or NULL. */
static char *header(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
            const char *v = h + n + 1, *end = strstr(v, "\r\n");
            while (*v == ' ' || *v == '\t')
                v++;
            size_t len = end ? (size_t)(end - v) : strlen(v);
            while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
                len--;
            return suite_strfmt("%.*s", (int)len, v);
        }
    }
    return NULL;
}

/* Read one request with Content-Length from `fd`. 0, or -1 with a sentence. */
static int read_request(int fd, request *r, suite_buf *err)
{
    size_t cap = 4096, len = 0, want = 0;
    char *buf = malloc(cap + 1);
    double deadline = suite_now_ms() + READ_MS;
    char *end = NULL;
    memset(r, 0, sizeof *r);
    while (buf) {
        if (end && len >= want)
            break;
        long left = (long)(deadline - suite_now_ms());
        if (left <= 0 || wait_readable(fd, left) <= 0) {
            suite_buf_printf(err, "the notification's request did not arrive whole within "
                                  "%d ms (%zu bytes)", READ_MS, len);
            free(buf);
            return -1;
        }
        if (len == cap) {
            if (cap >= MAX_REQUEST) {
                suite_buf_printf(err, "the notification's request is over %d bytes",
                                 MAX_REQUEST);
                free(buf);
                return -1;
            }
            char *grown = realloc(buf, cap * 2 + 1);
            if (!grown)
                break;
            buf = grown;
            cap *= 2;
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            suite_buf_printf(err, "the gateway closed the notification's connection after "
                                  "%zu bytes", len);
            free(buf);
            return -1;
        }
        len += (size_t)n;
        buf[len] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL) {
            r->head_len = (size_t)(end - buf);
            buf[r->head_len] = '\0';
            char *cl = header(buf, "Content-Length");
            long long n_body = cl ? strtoll(cl, NULL, 10) : 0;
            free(cl);
            if (n_body < 0 || n_body > 65536) {
                suite_buf_printf(err, "the notification's Content-Length %lld is out of range",
                                 n_body);
                free(buf);
                return -1;
            }
            want = r->head_len + 4 + (size_t)n_body;
        }
    }
    if (!buf) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    r->data = buf;
    r->body = buf + r->head_len + 4;
    r->body_len = want - r->head_len - 4;
    r->body[r->body_len] = '\0';
    return 0;
}

static int send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

char *suite_notice_answer(suite_notice *n, const char *how)
{
    char *given = NULL;
    if (n->fd >= 0 && !strcmp(how, "slow")) {
        char sink[512];
        double deadline = suite_now_ms() + SLOW_MS;
        for (;;) {   /* until the gateway hangs up */
            long left = (long)(deadline - suite_now_ms());
            if (left <= 0 || wait_readable(n->fd, left) <= 0 ||
                recv(n->fd, sink, sizeof sink, 0) <= 0)
                break;
        }
    } else if (n->fd >= 0 && strcmp(how, "silence") != 0) {
        const char *text = !strcmp(how, "success") ? UPAY_NOTIFY_ACK : how;
        char *resp = suite_strfmt("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                  "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                  strlen(text), text);
        if (resp && send_all(n->fd, resp, strlen(resp)) == 0)
            given = suite_strdup(text);
        free(resp);
    }
    if (n->fd >= 0)
        close(n->fd);
    free(n->head);
    memset(n, 0, sizeof *n);
    n->fd = -1;
    return given;
}

char *suite_notice_header(const suite_notice *n, const char *name)
{
    return n->head ? header(n->head, name) : NULL;
}

int suite_listener_take(suite_listener *l, long wait_ms, suite_notice *n, suite_buf *err)
{
    memset(n, 0, sizeof *n);
    n->fd = -1;
    int fd = -1;
    double deadline = suite_now_ms() + (double)wait_ms;
    while (fd < 0) {
        long left = (long)(deadline - suite_now_ms());
        if (left <= 0 || wait_readable(l->fd, left) <= 0) {
            suite_buf_printf(err, "no notification arrived at %s within %ld ms", l->url,
                             wait_ms);
            return -1;
        }
        fd = accept(l->fd, NULL, NULL);
        if (fd < 0 && errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
            suite_buf_printf(err, "accept on %s: %s", l->url, strerror(errno));
            return -1;
        }
    }
    request r;
    if (read_request(fd, &r, err) != 0) {
        close(fd);
        return -1;
    }
    n->fd = fd;
    n->head = r.data;
    n->body = r.body;
    n->body_len = r.body_len;
    return 0;
}

static int set_num(upay_params *p, const char *name, long long v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", v);
    return upay_params_set(p, name, num) == UPAY_OK ? 0 : -1;
}

/* The view of request `r` verified with `key`, the merchant's clock `now` at arrival. */
static int make_view(const suite_notice *r, const char *key, long long now, upay_params *view)
{
    int bad = 0;
    upay_params *form = NULL;
    if (upay_form_parse(r->body, r->body_len, 0, &form, NULL) == UPAY_OK)
        for (size_t i = 0; i < upay_params_count(form); i++)
            bad |= upay_params_set(view, upay_params_name_at(form, i),
                                   upay_params_value_at(form, i)) != UPAY_OK;
    upay_params_free(form);

    upay_notification n;
    upay_error uerr;
    memset(&uerr, 0, sizeof uerr);
    upay_code code = upay_notify_parse(r->body, r->body_len, key, &n, NULL, &uerr);
    bad |= upay_params_set(view, "_code", suite_code_name(code)) != UPAY_OK;
    bad |= upay_params_set(view, "_verified", code == UPAY_OK ? "1" : "0") != UPAY_OK;
    bad |= upay_params_set(view, "_paid", code == UPAY_OK && n.paid ? "1" : "0") != UPAY_OK;
    if (code != UPAY_OK && uerr.message[0])
        bad |= upay_params_set(view, "_error", uerr.message) != UPAY_OK;

    char clock[15];
    if (upay_time_format((time_t)now, clock) == UPAY_OK)
        bad |= upay_params_set(view, "_clock", clock) != UPAY_OK;
    time_t paid_at;
    const char *time_end = upay_params_get(view, "time_end");
    if (time_end && upay_time_parse(time_end, &paid_at) == UPAY_OK)
        bad |= set_num(view, "_since_paid", now - (long long)paid_at);

    char method[16] = "", path[256] = "";
    sscanf(r->head, "%15s %255s", method, path);
    bad |= upay_params_set(view, "_method", method) != UPAY_OK;
    bad |= upay_params_set(view, "_path", path) != UPAY_OK;
    char *ctype = header(r->head, "Content-Type");
    if (ctype)
        bad |= upay_params_set(view, "_content_type", ctype) != UPAY_OK;
    free(ctype);
    bad |= upay_params_set(view, "_body", r->body) != UPAY_OK;
    return bad ? -1 : 0;
}

int suite_notify_exec(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                      suite_buf *err)
{
    const char *how = GET(step->spec, "notify")->valuestring;
    const cJSON *timeout = GET(step->spec, "timeout_ms");
    long wait_ms = cJSON_IsNumber(timeout) ? (long)timeout->valuedouble : 5000;
    if (!ctx->listener) {
        suite_buf_puts(err, "the scenario has no notify listener");
        return -1;
    }
    char *key = NULL;
    const cJSON *k = GET(step->spec, "key");
    if (k) {
        int rc = suite_expand(&ctx->env, k->valuestring, &key, err);
        if (rc != SUITE_TPL_OK)
            return rc;
    }
    out->view = upay_params_new();
    if (!out->view) {
        free(key);
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    suite_notice n;
    if (suite_listener_take(ctx->listener, wait_ms, &n, err) != 0) {
        suite_buf_printf(err, " (merchant %s)", ctx->mch);
        free(key);
        return -1;
    }
    long long now = 0;
    int rc = suite_target_now(ctx->target, ctx->mch, &now, err);
    if (rc == 0) {
        out->url = suite_strdup(ctx->listener->url);
        out->request = suite_strdup(n.body);
        if (make_view(&n, key ? key : ctx->key, now, out->view) != 0) {
            suite_buf_puts(err, "out of memory");
            rc = -1;
        }
    }
    out->response = suite_notice_answer(&n, rc == 0 ? how : "silence");
    out->http_status = out->response ? 200 : 0;
    free(key);
    return rc;
}
