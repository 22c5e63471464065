/*
 * bench/ceiling.c - the ceiling for any server on CivetWeb here: a minimal
 * CivetWeb program that answers every request with a fixed JSON body of the
 * same size as upay-mock's orderquery answer, doing no other work.
 *
 * usage: upay-bench-ceiling PORT BODY_BYTES THREADS   (PORT 0: a free port)
 * Prints "ceiling listening on http://127.0.0.1:PORT" when ready and serves
 * until SIGINT/SIGTERM. Thread-pool settings and the workers' scheduling
 * policy (SCHED_BATCH) match upay-mock's, so the comparison measures only
 * the work each request does.
 */
#include <civetweb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/worker_sched.h"

static char *fixed_reply;      /* status line, headers and body */
static size_t fixed_reply_len;
static volatile sig_atomic_t stop_requested;
static long connections_served;   /* connections a worker picked up */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static int count_connection(const struct mg_connection *conn, void **conn_data)
{
    (void)conn;
    (void)conn_data;
    pthread_mutex_lock(&count_lock);
    connections_served++;
    pthread_mutex_unlock(&count_lock);
    return 0;
}

/* GET /stats: {"connections":N}, so the benchmark can prove every client was served. */
static int answer_stats(struct mg_connection *conn, void *cbdata)
{
    char body[64];
    (void)cbdata;
    pthread_mutex_lock(&count_lock);
    int len = snprintf(body, sizeof body, "{\"connections\":%ld}", connections_served);
    pthread_mutex_unlock(&count_lock);
    mg_printf(conn,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
              "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
              len, body);
    return 200;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int answer_fixed(struct mg_connection *conn, void *cbdata)
{
    char sink[4096];
    (void)cbdata;
    while (mg_read(conn, sink, sizeof sink) > 0) {
    }
    /* one write for header and body, as upay-mock does */
    mg_write(conn, fixed_reply, fixed_reply_len);
    return 200;
}

/* Workers scheduled as upay-mock's are (server/http/worker_sched.h). */
static void *init_thread(const struct mg_context *ctx, int thread_type)
{
    (void)ctx;
    if (thread_type == 1)
        (void)mock_worker_sched_batch();
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s PORT BODY_BYTES THREADS\n", argv[0]);
        return 2;
    }
    size_t body_len = (size_t)strtoul(argv[2], NULL, 10);
    if (body_len < 8 || body_len > 65536) {
        fprintf(stderr, "BODY_BYTES must be 8..65536\n");
        return 2;
    }
    char head[160];
    int head_len = snprintf(head, sizeof head,
                            "HTTP/1.1 200 OK\r\n"
                            "Content-Type: application/json; charset=utf-8\r\n"
                            "Content-Length: %zu\r\n\r\n",
                            body_len);
    fixed_reply_len = (size_t)head_len + body_len;
    fixed_reply = malloc(fixed_reply_len);
    if (fixed_reply == NULL)
        return 1;
    /* {"x":"aaaa...a"} padded to the requested size */
    char *body = fixed_reply + head_len;
    memcpy(fixed_reply, head, (size_t)head_len);
    memset(body, 'a', body_len);
    memcpy(body, "{\"x\":\"", 6);
    memcpy(body + body_len - 2, "\"}", 2);

    char ports[64];
    snprintf(ports, sizeof ports, "127.0.0.1:%s", argv[1]);
    const char *options[] = {
        "listening_ports", ports,
        "num_threads", argv[3],
        "request_timeout_ms", "5000",
        "enable_keep_alive", "yes",
        "keep_alive_timeout_ms", "2000",
        "tcp_nodelay", "1",
        "listen_backlog", "1024",
        "connection_queue", "1024",
        NULL
    };
    mg_init_library(0);
    struct mg_callbacks callbacks;
    memset(&callbacks, 0, sizeof callbacks);
    callbacks.init_connection = count_connection;
    callbacks.init_thread = init_thread;
    struct mg_context *ctx = mg_start(&callbacks, NULL, options);
    if (ctx == NULL) {
        fprintf(stderr, "ceiling: cannot listen on %s\n", ports);
        return 1;
    }
    mg_set_request_handler(ctx, "/stats", answer_stats, NULL);
    mg_set_request_handler(ctx, "/UnifiedPay/Gateway", answer_fixed, NULL);
    struct mg_server_port bound[1];
    if (mg_get_server_ports(ctx, 1, bound) < 1) {
        fprintf(stderr, "ceiling: no listening port\n");
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("ceiling listening on http://127.0.0.1:%d\n", bound[0].port);
    fflush(stdout);
    while (!stop_requested)
        pause();
    mg_stop(ctx);
    mg_exit_library();
    free(fixed_reply);
    return 0;
}
