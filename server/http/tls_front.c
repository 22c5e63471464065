/*
 * server/http/tls_front.c - the TLS front of upay-mock (see tls_front.h): an
 * accept thread and one relay thread per connection, each pumping bytes
 * between an OpenSSL session and a plain loopback socket to CivetWeb.
 *
 * Limits that keep a hostile client from exhausting it: at most
 * FRONT_MAX_RELAYS connections at once (more are closed at accept), a
 * handshake must finish within FRONT_HANDSHAKE_MS, and a relay idle for
 * FRONT_IDLE_MS in both directions is closed (CivetWeb's own keep-alive
 * timeout is shorter, so the backend normally ends it first).
 */
#include "http/tls_front.h"
#include "http/listen_tune.h"
#include "http/peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRONT_MAX_RELAYS 256
#define FRONT_HANDSHAKE_MS 5000
#define FRONT_IDLE_MS 30000
#define FRONT_POLL_MS 100         /* how often threads look at the stop flag */

struct mock_tls_front {
    SSL_CTX *ssl;
    int listen_fd;
    int port;
    int local_port, remote_port;
    pthread_t acceptor;
    atomic_int stopping;
    pthread_mutex_t lock;
    pthread_cond_t idle;          /* signalled when `relays` drops to 0 */
    int relays;                   /* relay threads running */
};

typedef struct relay {
    mock_tls_front *front;
    int client_fd;
    int backend_port;
} relay;

static int connect_backend(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Wait until `fd` is readable or writable as OpenSSL asked; 0 on timeout or stop. */
static int wait_for_ssl(mock_tls_front *f, int fd, int ssl_err, int budget_ms)
{
    short events = ssl_err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
    for (int waited = 0; waited < budget_ms && !atomic_load(&f->stopping);
         waited += FRONT_POLL_MS) {
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, FRONT_POLL_MS);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
    }
    return 0;
}

/* Write all of `buf` to the TLS session; -1 on failure. */
static int ssl_write_all(mock_tls_front *f, SSL *s, int fd, const char *buf, size_t len)
{
    while (len > 0) {
        int n = SSL_write(s, buf, (int)len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        int e = SSL_get_error(s, n);
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
            !wait_for_ssl(f, fd, e, FRONT_IDLE_MS))
            return -1;
    }
    return 0;
}

static int plain_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * Pump bytes both ways until either side closes, an error, the idle limit
 * or the stop flag. The client socket is non-blocking (for OpenSSL's
 * WANT_READ/WANT_WRITE); the backend socket is blocking.
 */
static void pump(mock_tls_front *f, SSL *s, int client_fd, int backend_fd)
{
    char buf[16384];
    int idle_ms = 0;
    while (!atomic_load(&f->stopping) && idle_ms < FRONT_IDLE_MS) {
        if (SSL_pending(s) == 0) {
            struct pollfd p[2] = {{client_fd, POLLIN, 0}, {backend_fd, POLLIN, 0}};
            int r = poll(p, 2, FRONT_POLL_MS);
            if (r < 0 && errno != EINTR)
                return;
            if (r <= 0) {
                idle_ms += FRONT_POLL_MS;
                continue;
            }
            if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = recv(backend_fd, buf, sizeof buf, 0);
                if (n <= 0 || ssl_write_all(f, s, client_fd, buf, (size_t)n) != 0)
                    return;
                idle_ms = 0;
            }
            if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
        }
        int n = SSL_read(s, buf, sizeof buf);
        if (n > 0) {
            if (plain_write_all(backend_fd, buf, (size_t)n) != 0)
                return;
            idle_ms = 0;
            continue;
        }
        int e = SSL_get_error(s, n);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return; /* closed by the client, or a TLS error */
    }
}

static void *relay_main(void *arg)
{
    relay *r = arg;
    mock_tls_front *f = r->front;
    SSL *s = SSL_new(f->ssl);
    int backend_fd = -1;
    if (s && SSL_set_fd(s, r->client_fd) == 1) {
        int ok = 0;
        for (;;) {
            int n = SSL_accept(s);
            if (n == 1) {
                ok = 1;
                break;
            }
            int e = SSL_get_error(s, n);
            if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
                !wait_for_ssl(f, r->client_fd, e, FRONT_HANDSHAKE_MS))
                break;
        }
        if (ok && (backend_fd = connect_backend(r->backend_port)) >= 0)
            pump(f, s, r->client_fd, backend_fd);
        if (ok)
            SSL_shutdown(s);
    }
    SSL_free(s);
    if (backend_fd >= 0)
        close(backend_fd);
    close(r->client_fd);
    pthread_mutex_lock(&f->lock);
    if (--f->relays == 0)
        pthread_cond_signal(&f->idle);
    pthread_mutex_unlock(&f->lock);
    free(r);
    ERR_clear_error();
    return NULL;
}

static int sockaddr_is_loopback(const struct sockaddr_in *sa)
{
    char addr[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &sa->sin_addr, addr, sizeof addr) && mock_peer_is_loopback(addr);
}

static void *accept_main(void *arg)
{
    mock_tls_front *f = arg;
    while (!atomic_load(&f->stopping)) {
        struct pollfd p = {f->listen_fd, POLLIN, 0};
        if (poll(&p, 1, FRONT_POLL_MS) <= 0)
            continue;
        struct sockaddr_in peer;
        socklen_t plen = sizeof peer;
        int fd = accept(f->listen_fd, (struct sockaddr *)&peer, &plen);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        relay *r = malloc(sizeof *r);
        pthread_mutex_lock(&f->lock);
        int room = f->relays < FRONT_MAX_RELAYS;
        if (room && r)
            f->relays++;
        pthread_mutex_unlock(&f->lock);
        if (!room || !r) {
            free(r);
            close(fd);
            continue;
        }
        r->front = f;
        r->client_fd = fd;
        r->backend_port = sockaddr_is_loopback(&peer) ? f->local_port : f->remote_port;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_t tid;
        if (pthread_create(&tid, &attr, relay_main, r) != 0) {
            close(fd);
            free(r);
            pthread_mutex_lock(&f->lock);
            if (--f->relays == 0)
                pthread_cond_signal(&f->idle);
            pthread_mutex_unlock(&f->lock);
        }
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

static int listen_on(const char *host, int port, int *bound_port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *bound_port = ntohs(sa.sin_port);
    return fd;
}

mock_tls_front *mock_tls_front_start(const char *host, int port, const char *cert_file,
                                     const char *key_file, int local_port, int remote_port,
                                     char *err, size_t errlen)
{
    mock_tls_front *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->listen_fd = -1;
    f->local_port = local_port;
    f->remote_port = remote_port;
    atomic_init(&f->stopping, 0);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->idle, NULL);
    f->ssl = SSL_CTX_new(TLS_server_method());
    if (!f->ssl || SSL_CTX_set_min_proto_version(f->ssl, TLS1_2_VERSION) != 1) {
        snprintf(err, errlen, "cannot set up TLS");
        goto fail;
    }
    if (SSL_CTX_use_certificate_chain_file(f->ssl, cert_file) != 1) {
        snprintf(err, errlen, "cannot use the TLS certificate %s (not a PEM certificate?)",
                 cert_file);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(f->ssl, key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(f->ssl) != 1) {
        snprintf(err, errlen, "cannot use the TLS key %s (not a PEM key, or not the "
                              "certificate's key)", key_file);
        goto fail;
    }
    f->listen_fd = listen_on(host, port, &f->port);
    if (f->listen_fd < 0) {
        snprintf(err, errlen, "cannot listen on %s:%d (address in use or not local)", host,
                 port);
        goto fail;
    }
    mock_listen_defer_accept(f->port, MOCK_DEFER_ACCEPT_SECONDS); /* silent clients wait in the kernel */
    if (pthread_create(&f->acceptor, NULL, accept_main, f) != 0) {
        snprintf(err, errlen, "cannot start the TLS accept thread");
        goto fail;
    }
    ERR_clear_error();
    return f;
fail:
    ERR_clear_error();
    if (f->listen_fd >= 0)
        close(f->listen_fd);
    SSL_CTX_free(f->ssl);
    pthread_cond_destroy(&f->idle);
    pthread_mutex_destroy(&f->lock);
    free(f);
    return NULL;
}

int mock_tls_front_port(const mock_tls_front *front)
{
    return front ? front->port : 0;
}

void mock_tls_front_stop(mock_tls_front *front)
{
    if (!front)
        return;
    atomic_store(&front->stopping, 1);
    pthread_join(front->acceptor, NULL);
    close(front->listen_fd);
    pthread_mutex_lock(&front->lock);
    while (front->relays > 0)
        pthread_cond_wait(&front->idle, &front->lock);
    pthread_mutex_unlock(&front->lock);
    SSL_CTX_free(front->ssl);
    pthread_cond_destroy(&front->idle);
    pthread_mutex_destroy(&front->lock);
    free(front);
}
