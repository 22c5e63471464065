/*
 * check_e2e_client_raw.h - the raw-socket side of the client's wire tests:
 * listen on 127.0.0.1:0, read one HTTP request, write one JSON answer. No
 * libcurl and no mock on the server side, so a test controls every byte.
 * Also runs an example program and collects its output. Header-only, shared
 * by check_e2e_client_transport.c (misbehaving servers),
 * check_e2e_client_live.c (a scripted live-dialect gateway) and
 * check_e2e_client_example.c.
 */
#ifndef CHECK_E2E_CLIENT_RAW_H
#define CHECK_E2E_CLIENT_RAW_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static inline int listen_on_port0(int *port, int do_listen)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    if (do_listen)
        ck_assert_int_eq(listen(fd, 4), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static inline void send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Read one HTTP request; its body goes to `body`. Returns 0 when the peer went away. */
static inline int read_request(int fd, char *body, size_t size)
{
    char buf[16384];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            return 0;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (!end && len >= sizeof buf - 1)
            return 0;
    }
    size_t want = 0;
    const char *cl = strstr(buf, "Content-Length:");
    if (!cl)
        cl = strstr(buf, "content-length:");
    if (cl)
        want = (size_t)strtoul(cl + 15, NULL, 10);
    size_t have = len - (size_t)(end + 4 - buf);
    while (have < want && len < sizeof buf - 1) {
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            return 0;
        len += (size_t)n;
        have += (size_t)n;
    }
    buf[len] = '\0';
    snprintf(body, size, "%s", end + 4);
    return 1;
}

static inline void answer_json(int fd, int status, const char *json)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, strlen(json));
    send_all(fd, head, (size_t)n);
    send_all(fd, json, strlen(json));
}

/* Run `cmd`, collect its standard output into `out`; returns the exit status. */
static inline int run_program(const char *cmd, char *out, size_t size)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t len = fread(out, 1, size - 1, p);
    out[len] = '\0';
    int status = pclose(p);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

#endif /* CHECK_E2E_CLIENT_RAW_H */
