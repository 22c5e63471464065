/*
 * server/http/server.c - mock_server_start/stop (see mock.h): CivetWeb setup and
 * thin request handlers that read the body, call the pure handlers
 * (gateway/gateway.c, admin/admin.c) and write their answer. Nothing keeps an
 * mg_connection after its handler returns.
 *
 * CivetWeb serves one connection per worker thread, so the pool and the
 * timeouts decide whether idle or slow clients can lock honest ones out:
 * see the settings below and docs/mock.md.
 */
#include "mock.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "admin/admin.h"
#include "steer/edge.h"
#include "core/ctx.h"
#include "gateway/gateway.h"
#include "http/head.h"
#include "http/proxy.h"
#include "http/listen_tune.h"
#include "http/peer.h"
#include "http/tls_front.h"
#include "http/ui.h"
#include "http/worker_sched.h"

/* Our English diagnosis of a gateway answer (docs/mock.md "X-Upay-Detail"). */

/* CivetWeb settings; documented in docs/mock.md ("Connections and timeouts"). */
#define STRING_(x) #x
#define STRING(x) STRING_(x)
#define MOCK_NUM_THREADS STRING(MOCK_WORKERS)            /* listen_tune.h */
#define MOCK_REQUEST_TIMEOUT STRING(MOCK_REQUEST_TIMEOUT_MS)
#define MOCK_KEEP_ALIVE_MS "2000"      /* an idle keep-alive connection is dropped after 2 s */
#define MOCK_LISTEN_BACKLOG "4096"     /* holds the connections TCP_DEFER_ACCEPT keeps back */
#define MOCK_CONNECTION_QUEUE "1024"   /* accepted connections waiting for a worker */
#define MOCK_MAX_HEADER_BYTES "4096"   /* request line + headers; each worker holds one buffer */

struct mock_server {
    struct mg_context *mg;
    mock_ctx *ctx;
    int port;
    int quiet;
    char url[96];
    char *admin_token;
    int backend_port;          /* CivetWeb's (first) listening port */
    int remote_backend_port;   /* with TLS: where the front relays non-loopback clients */
    mock_tls_front *tls;       /* NULL: CivetWeb listens on the public address itself */
    atomic_long connections;   /* connections a worker picked up (GET /mock/stats) */
    atomic_long requests;      /* requests answered */
    char proxy[512];           /* the recording proxy's upstream gateway URL, or "" */
};

/* The Connection header CivetWeb itself would send: keep-alive unless the request said otherwise. */
static const char *connection_header(const struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *asked = mg_get_header(conn, "Connection");
    if (asked)
        return strcasecmp(asked, "keep-alive") == 0 ? "keep-alive" : "close";
    return ri->http_version && strcmp(ri->http_version, "1.1") == 0 ? "keep-alive" : "close";
}

/*
 * Send the answer in one write. CivetWeb's header API (mg_response_header_*)
 * sends every header line as its own TCP segment (the listener sets
 * TCP_NODELAY): eight segments per answer cost more than all the gateway's
 * work (docs/performance.md). The header API stays for the rare answers that
 * must close the connection, because only it tells CivetWeb to close.
 */
static void send_reply(struct mg_connection *conn, const mock_reply *reply, int close_after)
{
    if (close_after) {
        mg_response_header_start(conn, reply->status);
        mg_response_header_add(conn, "Content-Type",
                               reply->content_type ? reply->content_type
                                                   : "application/json; charset=utf-8", -1);
        char length[24];
        snprintf(length, sizeof length, "%zu", reply->len);
        mg_response_header_add(conn, "Content-Length", length, -1);
        mg_response_header_add(conn, "Cache-Control", "no-store", -1);
        if (reply->allow)
            mg_response_header_add(conn, "Allow", reply->allow, -1);
        if (reply->detail[0])
            mg_response_header_add(conn, MOCK_DETAIL_HEADER, reply->detail, -1);
        mg_response_header_add(conn, "Connection", "close", -1);
        mg_response_header_send(conn);
        mg_write(conn, reply->body, reply->len);
        return;
    }
    mock_http_head h = {
        .status = reply->status,
        .reason = mg_get_response_code_text(conn, reply->status),
        .content_type = reply->content_type ? reply->content_type
                                            : "application/json; charset=utf-8",
        .content_length = reply->len,
        .allow = reply->allow,
        .detail = reply->detail,
        .connection = connection_header(conn),
    };
    /* head and body in one buffer: on the stack for any usual answer */
    char stack[4096];
    size_t n = mock_http_head_write(&h, stack, sizeof stack);
    if (n == 0) {
        /* no room for the head: CivetWeb's header API has no such limit (and closes) */
        send_reply(conn, reply, 1);
        return;
    }
    if (reply->len <= sizeof stack - n) {
        memcpy(stack + n, reply->body, reply->len);
        mg_write(conn, stack, n + reply->len);
        return;
    }
    char *whole = malloc(n + reply->len);
    if (!whole) {
        /* out of memory: two writes still answer correctly */
        mg_write(conn, stack, n);
        mg_write(conn, reply->body, reply->len);
        return;
    }
    memcpy(whole, stack, n);
    memcpy(whole + n, reply->body, reply->len);
    mg_write(conn, whole, n + reply->len);
    free(whole);
}

/*
 * Write the answer as the transport fault in reply->fault says
 * (docs/edge-cases.md): late (real time: the client's timeout is real),
 * not at all (the connection closed without a byte), or cut in half under
 * the Content-Length of the whole.
 */
static void send_faulty(struct mg_connection *conn, const mock_reply *reply)
{
    switch (reply->fault) {
    case MOCK_FAULT_DELAY: {
        struct timespec ts = {.tv_sec = (time_t)(reply->fault_arg / 1000),
                              .tv_nsec = (long)(reply->fault_arg % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
        send_reply(conn, reply, 0);
        return;
    }
    case MOCK_FAULT_DROP:
        mg_disable_connection_keep_alive(conn);   /* nothing written: CivetWeb closes */
        return;
    case MOCK_FAULT_TRUNCATED: {
        mg_response_header_start(conn, reply->status);
        mg_response_header_add(conn, "Content-Type", "application/json; charset=utf-8", -1);
        char length[24];
        snprintf(length, sizeof length, "%zu", reply->len);
        mg_response_header_add(conn, "Content-Length", length, -1);
        mg_response_header_add(conn, "Connection", "close", -1);
        mg_response_header_send(conn);
        mg_write(conn, reply->body, reply->len / 2);
        mg_disable_connection_keep_alive(conn);
        return;
    }
    default:
        send_reply(conn, reply, 0);
        return;
    }
}

/*
 * Read the request body, at most `max` bytes. Returns the body (malloc'ed,
 * NUL-terminated, maybe empty) with its length in *len; *too_large is set
 * when it is longer than `max`. NULL when memory runs out.
 */
static char *read_body(struct mg_connection *conn, size_t max, size_t *len, int *too_large)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    *len = 0;
    *too_large = 0;
    if (ri->content_length > (long long)max) {
        *too_large = 1;
        return calloc(1, 1);
    }
    /* at least MOCK_REPLY_BODY_MIN: few sizes, none in glibc's per-thread cache (reply.h) */
    size_t cap = ri->content_length >= 0 ? (size_t)ri->content_length + 1 : 4096;
    if (cap < MOCK_REPLY_BODY_MIN)
        cap = MOCK_REPLY_BODY_MIN;
    char *buf = malloc(cap);
    while (buf) {
        if (*len + 1 >= cap) {
            if (cap > max + 1) {
                *too_large = 1;
                break;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        int got = mg_read(conn, buf + *len, cap - 1 - *len);
        if (got <= 0)
            break;
        *len += (size_t)got;
        if (*len > max) {
            *too_large = 1;
            break;
        }
    }
    if (buf)
        buf[*len] = '\0';
    return buf;
}

/*
 * The recording proxy: pass the request to the upstream gateway, pass its
 * answer back unchanged (502 when none came), journal both. Takes `body`.
 */
static int proxy_handler(mock_server *server, struct mg_connection *conn, char *body, size_t len)
{
    mock_proxy_answer ans;
    char err[256];
    mock_reply reply;
    memset(&reply, 0, sizeof reply);
    if (mock_proxy_forward(server->proxy, mg_get_header(conn, "Content-Type"), body, len, 0, &ans,
                           err, sizeof err) != 0) {
        char msg[320];
        snprintf(msg, sizeof msg, "proxy: no answer from the upstream gateway: %s", err);
        mock_proxy_answer_free(&ans);
        mock_reply_error(&reply, 502, msg);
    } else {
        mock_reply_take(&reply, (int)ans.status, ans.body);
        ans.body = NULL;
        if (ans.content_type[0])
            reply.content_type = ans.content_type;
    }
    mock_gateway_journal_proxied(server->ctx, body, len, &reply, server->proxy);
    atomic_fetch_add(&server->requests, 1);
    send_reply(conn, &reply, 0);
    int status = reply.status;
    mock_reply_free(&reply);
    free(body);
    return status;
}

/* Constant-time comparison of a presented token with the configured one. */
static int token_matches(const char *given, const char *want)
{
    size_t gl = strlen(given), wl = strlen(want);
    unsigned diff = (unsigned)(gl ^ wl);
    for (size_t i = 0; i < wl; i++)
        diff |= (unsigned char)want[i] ^ (unsigned char)(i < gl ? given[i] : 0);
    return diff == 0;
}

static int admin_allowed(const mock_server *server, struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    /* behind the TLS front every client looks local: its port tells them apart */
    int local = mock_peer_is_loopback(ri->remote_addr) &&
                !(server->tls && ri->server_port == server->remote_backend_port);
    if (!server->admin_token)
        return local;
    const char *auth = mg_get_header(conn, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0 && token_matches(auth + 7, server->admin_token))
        return 1;
    const char *alt = mg_get_header(conn, "X-Upay-Admin-Token");
    return alt && token_matches(alt, server->admin_token);
}

/*
 * The X-Upay-Fault header, from a client that passes the admin guard only:
 * anyone else could pin the workers with 120 s delays or spoil other
 * merchants' answers. For them the header does not exist, as at the live
 * gateway (docs/edge-cases.md).
 */
static const char *fault_header(const mock_server *server, struct mg_connection *conn)
{
    const char *h = mg_get_header(conn, MOCK_FAULT_HEADER);
    return h && admin_allowed(server, conn) ? h : NULL;
}

static int gateway_handler(struct mg_connection *conn, void *user)
{
    mock_server *server = user;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    mock_reply reply;
    memset(&reply, 0, sizeof reply);
    int api = !ri->local_uri ? 0
              : strcmp(ri->local_uri, "/UnifiedPay/Gateway") == 0 ? MOCK_GATEWAY_V1
              : strcmp(ri->local_uri, "/v2/UnifiedPay/Gateway") == 0 ? MOCK_GATEWAY_V2 : 0;
    if (!api) {
        mock_reply_error(&reply, 404, "no such path: the gateway is POST /UnifiedPay/Gateway");
        send_reply(conn, &reply, 0);
        mock_reply_free(&reply);
        return reply.status;
    }
    size_t len = 0;
    int too_large = 0;
    char *body = read_body(conn, MOCK_BODY_MAX, &len, &too_large);
    if (!body) {
        mock_reply_take(&reply, 500, NULL);
        send_reply(conn, &reply, 1);
        return 500;
    }
    if (server->proxy[0] && !too_large)
        return proxy_handler(server, conn, body, len);
    if (too_large)
        mock_reply_unsigned(&reply, 20004, "parameter error: the body is larger than 65536 bytes");
    else
        mock_gateway_handle_api(server->ctx, api, ri->request_method,
                                mg_get_header(conn, "Content-Type"), body, len,
                                fault_header(server, conn), &reply);
    int status = reply.status;
    atomic_fetch_add(&server->requests, 1);
    if (reply.fault)
        send_faulty(conn, &reply);
    else
        send_reply(conn, &reply, too_large);
    mock_reply_free(&reply);
    free(body);
    return status;
}

static int admin_handler(struct mg_connection *conn, void *user)
{
    mock_server *server = user;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    mock_reply reply;
    memset(&reply, 0, sizeof reply);
    if (!admin_allowed(server, conn)) {
        mock_reply_take(&reply, server->admin_token ? 401 : 403,
                        strdup(server->admin_token
                                   ? "{\"error\":\"admin token required (Authorization: Bearer T)\"}"
                                   : "{\"error\":\"the admin API answers loopback clients only\"}"));
        send_reply(conn, &reply, 0);
        mock_reply_free(&reply);
        return 403;
    }
    size_t len = 0;
    int too_large = 0;
    char *body = read_body(conn, MOCK_BODY_MAX, &len, &too_large);
    if (!body || too_large) {
        mock_reply_take(&reply, body ? 413 : 500,
                        strdup("{\"error\":\"the body is too large\"}"));
        send_reply(conn, &reply, 1);
        mock_reply_free(&reply);
        free(body);
        return 413;
    }
    mock_admin_handle(server->ctx, ri->request_method, ri->local_uri, ri->query_string, body, len,
                      &reply);
    int status = reply.status;
    send_reply(conn, &reply, 0);
    mock_reply_free(&reply);
    free(body);
    return status;
}

/* CivetWeb calls this in each thread it starts: its workers run SCHED_BATCH (worker_sched.h). */
static void *init_thread(const struct mg_context *ctx, int thread_type)
{
    (void)ctx;
    if (thread_type == 1)
        (void)mock_worker_sched_batch();
    return NULL;
}

/* CivetWeb calls this when a worker takes a new connection. */
static int count_connection(const struct mg_connection *conn, void **conn_data)
{
    (void)conn_data;
    mock_server *server = mg_get_user_data(mg_get_context(conn));
    if (server)
        atomic_fetch_add(&server->connections, 1);
    return 0;
}

/*
 * GET /mock/stats: {"connections":N,"requests":M,...}, counted since start,
 * then what the mock holds (mock_admin_stats). The benchmark uses the
 * counters to prove that every keep-alive client was served.
 */
static int stats_handler(struct mg_connection *conn, void *user)
{
    mock_server *server = user;
    mock_reply reply;
    memset(&reply, 0, sizeof reply);
    if (!admin_allowed(server, conn)) {
        mock_reply_error(&reply, server->admin_token ? 401 : 403, "admin access refused");
    } else {
        /* the counters first: bench/run reads them before and after a run */
        cJSON *root = cJSON_CreateObject();
        cJSON *parts = mock_admin_stats(server->ctx);
        if (root) {
            cJSON_AddNumberToObject(root, "connections", (double)atomic_load(&server->connections));
            cJSON_AddNumberToObject(root, "requests", (double)atomic_load(&server->requests));
        }
        for (cJSON *p = parts ? parts->child : NULL; root && p;) {
            cJSON *next = p->next;
            cJSON_AddItemToObject(root, p->string, cJSON_DetachItemViaPointer(parts, p));
            p = next;
        }
        cJSON_Delete(parts);
        mock_reply_json(&reply, 200, root);
    }
    send_reply(conn, &reply, 0);
    mock_reply_free(&reply);
    return reply.status;
}

/* GET /mock/ui/...: the dashboard (http/ui.c), behind the admin guard. */
static int ui_handler(struct mg_connection *conn, void *user)
{
    mock_server *server = user;
    return mock_http_ui_handle(conn, admin_allowed(server, conn), server->admin_token ? 401 : 403);
}

static int other_handler(struct mg_connection *conn, void *user)
{
    (void)user;
    mock_reply reply;
    memset(&reply, 0, sizeof reply);
    mock_reply_error(&reply, 404, "no such path: the gateway is POST /UnifiedPay/Gateway");
    send_reply(conn, &reply, 0);
    mock_reply_free(&reply);
    return 404;
}

static int log_message(const struct mg_connection *conn, const char *message)
{
    (void)message;
    const struct mg_context *mg = mg_get_context(conn);
    const mock_server *server = mg ? mg_get_user_data(mg) : NULL;
    return server && server->quiet ? 1 : 0;
}

/* Split "HOST:PORT" (or "PORT") into host and port; -1 when malformed. */
static int parse_listen(const char *listen, char *host, size_t hostlen, int *port)
{
    const char *colon = strrchr(listen, ':');
    const char *port_text = colon ? colon + 1 : listen;
    size_t hl = colon ? (size_t)(colon - listen) : 0;
    if (colon && (hl == 0 || hl >= hostlen))
        return -1;
    if (!*port_text || strlen(port_text) > 5)
        return -1;
    long p = 0;
    for (const char *c = port_text; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        p = p * 10 + (*c - '0');
    }
    if (p > 65535)
        return -1;
    if (colon) {
        memcpy(host, listen, hl);
        host[hl] = '\0';
    } else {
        snprintf(host, hostlen, "127.0.0.1");
    }
    if (strchr(host, ':') || strchr(host, ','))
        return -1;
    *port = (int)p;
    return 0;
}

mock_server *mock_server_start(const mock_options *opts, char *errbuf, size_t errlen)
{
    static const mock_options defaults;
    char scratch[256];
    if (!errbuf || errlen == 0) {
        errbuf = scratch;
        errlen = sizeof scratch;
    }
    errbuf[0] = '\0';
    if (!opts)
        opts = &defaults;

    char host[64];
    int port = 0;
    const char *listen = opts->listen ? opts->listen : "127.0.0.1:8080";
    if (parse_listen(listen, host, sizeof host, &port) != 0) {
        snprintf(errbuf, errlen, "--listen wants HOST:PORT (IPv4), not \"%s\"", listen);
        return NULL;
    }
    int tls = opts->tls_cert || opts->tls_key;
    if (tls && !(opts->tls_cert && opts->tls_key)) {
        snprintf(errbuf, errlen, "TLS needs both --tls-cert and --tls-key");
        return NULL;
    }

    mock_server *server = calloc(1, sizeof *server);
    if (!server) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    server->quiet = opts->quiet;
    if (opts->admin_token && *opts->admin_token) {
        server->admin_token = strdup(opts->admin_token);
        if (!server->admin_token) {
            snprintf(errbuf, errlen, "out of memory");
            goto fail;
        }
    }
    if (opts->proxy_url && !mock_proxy_url(opts->proxy_url, server->proxy, sizeof server->proxy)) {
        snprintf(errbuf, errlen, "--proxy wants an http:// or https:// gateway URL, not \"%.200s\"",
                 opts->proxy_url);
        goto fail;
    }
    server->ctx = mock_ctx_new(opts, errbuf, errlen);
    if (!server->ctx)
        goto fail;

    /*
     * With TLS, CivetWeb serves two loopback ports behind the TLS front
     * (tls_front.h): the first for loopback clients, the second for the rest.
     */
    mg_init_library(0);
    char ports[96];
    if (tls)
        snprintf(ports, sizeof ports, "127.0.0.1:0,127.0.0.1:0");
    else
        snprintf(ports, sizeof ports, "%s:%d", host, port);
    const char *options[] = {
        "listening_ports", ports,
        "num_threads", MOCK_NUM_THREADS,
        "request_timeout_ms", MOCK_REQUEST_TIMEOUT,
        "enable_keep_alive", "yes",
        "keep_alive_timeout_ms", MOCK_KEEP_ALIVE_MS,
        "tcp_nodelay", "1",
        "listen_backlog", MOCK_LISTEN_BACKLOG,
        "connection_queue", MOCK_CONNECTION_QUEUE,
        "max_request_size", MOCK_MAX_HEADER_BYTES,
        NULL
    };
    struct mg_callbacks callbacks;
    memset(&callbacks, 0, sizeof callbacks);
    callbacks.log_message = log_message;
    callbacks.init_connection = count_connection;
    callbacks.init_thread = init_thread;
    server->mg = mg_start(&callbacks, server, options);
    if (!server->mg) {
        snprintf(errbuf, errlen, "cannot listen on %s (address in use, or not local)", listen);
        goto fail;
    }
    mg_set_request_handler(server->mg, "/UnifiedPay/Gateway", gateway_handler, server);
    mg_set_request_handler(server->mg, "/v2/UnifiedPay/Gateway", gateway_handler, server);
    mg_set_request_handler(server->mg, "/mock/stats", stats_handler, server);
    mg_set_request_handler(server->mg, "/mock/ui", ui_handler, server);
    mg_set_request_handler(server->mg, "/mock/", admin_handler, server);
    mg_set_request_handler(server->mg, "/", other_handler, server);

    struct mg_server_port bound[2];
    memset(bound, 0, sizeof bound);
    int n = mg_get_server_ports(server->mg, 2, bound);
    if (n < (tls ? 2 : 1)) {
        snprintf(errbuf, errlen, "cannot learn the bound port");
        goto fail;
    }
    server->backend_port = server->port = bound[0].port;
    for (int i = 0; i < n; i++)
        mock_listen_defer_accept(bound[i].port, MOCK_DEFER_ACCEPT_SECONDS);
    if (tls) {
        server->remote_backend_port = bound[1].port;
        server->tls = mock_tls_front_start(host, port, opts->tls_cert, opts->tls_key,
                                           bound[0].port, bound[1].port, errbuf, errlen);
        if (!server->tls)
            goto fail;
        server->port = mock_tls_front_port(server->tls);
    }
    snprintf(server->url, sizeof server->url, "%s://%s:%d", tls ? "https" : "http", host,
             server->port);
    return server;
fail:
    mock_server_stop(server);
    return NULL;
}

int mock_server_port(const mock_server *server)
{
    return server ? server->port : 0;
}

const char *mock_server_url(const mock_server *server)
{
    return server ? server->url : "";
}

/*
 * Why stopping needs help: CivetWeb 1.15's master thread waits for new
 * connections in poll() with a fixed 2-second quantum and looks at its stop
 * flag only between polls, so mg_stop() alone takes up to 2 s. A connection
 * to the listening port ends that poll at once: a helper thread knocks
 * every 2 ms until the stop is done.
 */
typedef struct stop_knocker {
    int port;
    atomic_int done;
} stop_knocker;

static void *knock_until_stopped(void *arg)
{
    stop_knocker *k = arg;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)k->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (!atomic_load(&k->done)) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0) {
            /* a byte, so TCP_DEFER_ACCEPT (listen_tune.h) lets the knock through */
            if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) /* refused once closed: fine */
                (void)send(fd, "\n", 1, MSG_NOSIGNAL);
            close(fd);
        }
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 2000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

void mock_server_stop(mock_server *server)
{
    if (!server)
        return;
    mock_tls_front_stop(server->tls);
    if (server->mg) {
        stop_knocker k = {.port = server->backend_port};
        atomic_init(&k.done, 0);
        pthread_t knocker;
        int knocking = k.port > 0 && pthread_create(&knocker, NULL, knock_until_stopped, &k) == 0;
        mg_stop(server->mg); /* without the knocker: up to 2 s slower, never wrong */
        atomic_store(&k.done, 1);
        if (knocking)
            pthread_join(knocker, NULL);
    }
    mock_ctx_free(server->ctx);
    free(server->admin_token);
    free(server);
}
