/*
 * server/notify/http_post.c - a minimal HTTP/1.1 client for notifications
 * (see http_post.h): connect, send one request with Connection: close, read
 * the status line, the headers and a body of Content-Length bytes, chunked,
 * or up to the close; all within one deadline.
 */
#define _GNU_SOURCE
#include "notify/http_post.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 8192

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for `events` on fd until `deadline`; 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = { fd, events, 0 };
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        return rc < 0 ? -1 : rc;
    }
}

static int connect_to(const mock_url *url, long long deadline, mock_post_result *out)
{
    char port[8];
    snprintf(port, sizeof port, "%d", url->port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(url->host, port, &hints, &res);
    if (rc != 0) {
        snprintf(out->error, sizeof out->error, "cannot resolve %s: %s", url->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        int ready = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, deadline) : -1;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (ready == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
            break;
        if (ready == 0)
            out->timed_out = 1;
        snprintf(out->error, sizeof out->error, "cannot connect to %s:%d: %s", url->host,
                 url->port, ready == 0 ? "timed out" : strerror(soerr ? soerr : errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static int send_all(int fd, const char *p, size_t len, long long deadline)
{
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (wait_fd(fd, POLLOUT, deadline) != 1)
                return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

/* Decode a chunked body in place; returns its length, or -1 while incomplete. */
static long dechunk(char *buf, size_t len)
{
    size_t in = 0, outlen = 0;
    for (;;) {
        char *eol = memmem(buf + in, len - in, "\r\n", 2);
        if (!eol)
            return -1;
        unsigned long size = strtoul(buf + in, NULL, 16);
        in = (size_t)(eol - buf) + 2;
        if (size == 0)
            return (long)outlen;
        if (len - in < size + 2)
            return -1;
        memmove(buf + outlen, buf + in, size);
        outlen += size;
        in += size + 2;
    }
}

int mock_http_post(const mock_url *url, const char *body, size_t len, long timeout_ms,
                   mock_post_result *out)
{
    memset(out, 0, sizeof *out);
    long long start = now_ms(), deadline = start + timeout_ms;
    int fd = connect_to(url, deadline, out);
    if (fd < 0) {
        out->elapsed_ms = (long)(now_ms() - start);
        return -1;
    }
    char head[512 + MOCK_HOST_MAX];
    int v6 = strchr(url->host, ':') != NULL;   /* an IPv6 literal goes in brackets */
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: %s%s%s:%d\r\nUser-Agent: upay-mock\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      url->path, v6 ? "[" : "", url->host, v6 ? "]" : "", url->port, len);
    size_t cap = HEAD_MAX + MOCK_POST_ANSWER_MAX + 64, got = 0;
    char *buf = malloc(cap + 1);
    int rc = -1;
    if (!buf) {
        snprintf(out->error, sizeof out->error, "out of memory");
        goto done;
    }
    if (hl < 0 || (size_t)hl >= sizeof head || send_all(fd, head, (size_t)hl, deadline) != 0
        || send_all(fd, body, len, deadline) != 0) {
        snprintf(out->error, sizeof out->error, "cannot send the notification: %s",
                 now_ms() >= deadline ? "timed out" : strerror(errno));
        out->timed_out = now_ms() >= deadline;
        goto done;
    }
    long long content_length = -1;
    int chunked = 0, eof = 0;
    size_t body_at = 0;
    for (;;) {
        if (got < cap) {
            int ready = wait_fd(fd, POLLIN, deadline);
            if (ready == 0) {
                out->timed_out = 1;
                snprintf(out->error, sizeof out->error, "no complete answer within %ld ms",
                         timeout_ms);
                goto done;
            }
            ssize_t n = ready == 1 ? recv(fd, buf + got, cap - got, 0) : -1;
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (n < 0) {
                snprintf(out->error, sizeof out->error, "reading the answer: %s", strerror(errno));
                goto done;
            }
            eof = n == 0;
            got += (size_t)n;
        } else {
            eof = 1;   /* more than we keep: what we have is the answer */
        }
        buf[got] = '\0';
        if (!body_at) {
            char *end = strstr(buf, "\r\n\r\n");
            if (!end) {
                if (eof) {
                    snprintf(out->error, sizeof out->error, "the answer ended inside its headers");
                    goto done;
                }
                continue;
            }
            body_at = (size_t)(end - buf) + 4;
            int status = 0;
            if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) {
                snprintf(out->error, sizeof out->error, "the answer is not HTTP");
                goto done;
            }
            out->status = status;
            for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
                if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
                    content_length = strtoll(line + 17, NULL, 10);
                else if (strncasecmp(line + 2, "Transfer-Encoding:", 18) == 0
                         && strcasestr(line + 2, "chunked") && strcasestr(line + 2, "chunked") < end)
                    chunked = 1;
            }
        }
        size_t have = got - body_at;
        if (chunked) {
            char *copy = malloc(have + 1);
            long dl = -1;
            if (copy) {
                memcpy(copy, buf + body_at, have);
                dl = dechunk(copy, have);
                if (dl >= 0) {
                    size_t keep = (size_t)dl > MOCK_POST_ANSWER_MAX ? MOCK_POST_ANSWER_MAX : (size_t)dl;
                    memcpy(out->body, copy, keep);
                    out->body_len = keep;
                }
            }
            free(copy);
            if (dl >= 0 || eof)
                break;
        } else if ((content_length >= 0 && (long long)have >= content_length) || eof) {
            size_t keep = content_length >= 0 && (long long)have > content_length
                          ? (size_t)content_length : have;
            if (keep > MOCK_POST_ANSWER_MAX)
                keep = MOCK_POST_ANSWER_MAX;
            memcpy(out->body, buf + body_at, keep);
            out->body_len = keep;
            break;
        }
    }
    rc = 0;
done:
    out->body[out->body_len] = '\0';
    out->elapsed_ms = (long)(now_ms() - start);
    free(buf);
    close(fd);
    return rc;
}
