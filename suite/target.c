/*
 * suite/target.c - embedded or remote target and the mock admin API (see
 * target.h).
 */
#include "target.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

#ifdef UPAY_SUITE_HAVE_MOCK
#include "mock.h"
#endif

#define GATEWAY_PATH "/UnifiedPay/Gateway"

int suite_target_start_embedded(suite_target *t, unsigned long long seed, suite_buf *err)
{
    memset(t, 0, sizeof *t);
#ifdef UPAY_SUITE_HAVE_MOCK
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.listen = "127.0.0.1:0";
    opts.quiet = 1;
    opts.has_seed = 1;
    opts.seed = seed;
    char msg[256] = "";
    mock_server *srv = mock_server_start(&opts, msg, sizeof msg);
    if (!srv) {
        suite_buf_printf(err, "cannot start the embedded upay-mock: %s", msg);
        return -1;
    }
    t->server = srv;
    t->embedded = 1;
    t->base_url = suite_strdup(mock_server_url(srv));
    t->gateway_url = suite_strfmt("%s" GATEWAY_PATH, mock_server_url(srv));
    if (!t->base_url || !t->gateway_url) {
        suite_target_close(t);
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    return 0;
#else
    (void)seed;
    suite_buf_puts(err, "this upay-suite was built without upay-mock: use --target URL");
    return -1;
#endif
}

int suite_target_open_url(suite_target *t, const char *url, suite_buf *err)
{
    memset(t, 0, sizeof *t);
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        suite_buf_printf(err, "target URL must start with http:// or https://: \"%s\"",
                         url ? url : "");
        return -1;
    }
    const char *host = strstr(url, "://") + 3;
    const char *slash = strchr(host, '/');
    size_t base_len = slash ? (size_t)(slash - url) : strlen(url);
    t->base_url = malloc(base_len + 1);
    if (!t->base_url) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    memcpy(t->base_url, url, base_len);
    t->base_url[base_len] = '\0';
    if (!slash || strcmp(slash, "/") == 0)
        t->gateway_url = suite_strfmt("%s" GATEWAY_PATH, t->base_url);
    else
        t->gateway_url = suite_strdup(url);
    if (!t->gateway_url) {
        suite_target_close(t);
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    return 0;
}

int suite_target_probe(suite_target *t)
{
    char *url = suite_strfmt("%s/mock/health", t->base_url);
    suite_http_request req = {.method = "GET", .url = url, .timeout_ms = 5000,
                              .insecure = t->insecure};
    suite_http_response res;
    int rc = url ? suite_http(&req, &res) : -1;
    t->has_mock = rc == 0 && res.status == 200;
    if (url)
        suite_http_response_free(&res);
    free(url);
    return t->has_mock;
}

#ifdef UPAY_SUITE_HAVE_MOCK
/*
 * Why stopping needs help: CivetWeb 1.15's master thread waits for new
 * connections in poll() with a fixed 2-second quantum
 * (SOCKET_TIMEOUT_QUANTUM) and looks at its stop flag only between polls,
 * so mg_stop() (inside mock_server_stop()) takes up to 2 s after the last
 * accepted connection. A connection to the listening port ends that poll
 * at once: this thread knocks every 2 ms until the stop is done.
 */
typedef struct knocker {
    int port;
    atomic_int done;
} knocker;

static void *knock(void *arg)
{
    knocker *k = arg;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)k->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (!atomic_load(&k->done)) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0) {
            (void)connect(fd, (struct sockaddr *)&sa, sizeof sa); /* refused once closed: fine */
            close(fd);
        }
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 2000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}
#endif

void suite_embedded_stop(void *server)
{
#ifdef UPAY_SUITE_HAVE_MOCK
    if (!server)
        return;
    knocker k = {.port = mock_server_port(server)};
    atomic_init(&k.done, 0);
    pthread_t th;
    int started = k.port > 0 && pthread_create(&th, NULL, knock, &k) == 0;
    mock_server_stop(server); /* without the knocker: slow, never wrong */
    atomic_store(&k.done, 1);
    if (started)
        pthread_join(th, NULL);
#else
    (void)server;
#endif
}

void suite_target_close(suite_target *t)
{
    suite_embedded_stop(t->server);
    t->server = NULL;
    free(t->gateway_url);
    free(t->base_url);
    t->gateway_url = t->base_url = NULL;
}

static int admin_post(const suite_target *t, const char *what, cJSON *doc, suite_buf *err)
{
    char *json = cJSON_PrintUnformatted(doc);
    char *url = suite_strfmt("%s/mock/%s", t->base_url, what);
    int ok = -1;
    if (json && url) {
        suite_http_request req = {.url = url, .body = json, .body_len = strlen(json),
                                  .content_type = "application/json", .timeout_ms = 10000,
                                  .insecure = t->insecure};
        suite_http_response res;
        if (suite_http(&req, &res) != 0)
            suite_buf_printf(err, "POST /mock/%s: %s", what, res.error);
        else if (res.status != 200)
            suite_buf_printf(err, "POST /mock/%s %s: HTTP %ld: %s", what, json, res.status,
                             res.body);
        else
            ok = 0;
        suite_http_response_free(&res);
    } else {
        suite_buf_puts(err, "out of memory");
    }
    free(json);
    free(url);
    return ok;
}

int suite_mock_reset(const suite_target *t, const char *mch, suite_buf *err)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc || !cJSON_AddStringToObject(doc, "mch_id", mch)) {
        cJSON_Delete(doc);
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    int rc = admin_post(t, "reset", doc, err);
    cJSON_Delete(doc);
    return rc;
}

int suite_mock_advance(const suite_target *t, const char *mch, long long seconds, suite_buf *err)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc || !cJSON_AddNumberToObject(doc, "advance_seconds", (double)seconds) ||
        !cJSON_AddStringToObject(doc, "mch_id", mch)) {
        cJSON_Delete(doc);
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    int rc = admin_post(t, "clock", doc, err);
    cJSON_Delete(doc);
    return rc;
}

int suite_mock_get(const suite_target *t, const char *what, const char *mch, long *status,
                   char **body, suite_buf *err)
{
    *body = NULL;
    *status = 0;
    char *esc = curl_easy_escape(NULL, mch ? mch : "", 0);
    char *url = esc ? suite_strfmt("%s/mock/%s?mch_id=%s", t->base_url, what, esc) : NULL;
    curl_free(esc);
    if (!url) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    suite_http_request req = {.method = "GET", .url = url, .timeout_ms = 10000,
                              .insecure = t->insecure};
    suite_http_response res;
    int rc = suite_http(&req, &res);
    free(url);
    if (rc != 0) {
        suite_buf_printf(err, "GET /mock/%s: %s", what, res.error);
        suite_http_response_free(&res);
        return -1;
    }
    *status = res.status;
    *body = res.body;
    return 0;
}
