/*
 * server/http/proxy.c - forwarding one gateway request with libcurl (see
 * proxy.h). Nothing is changed on the way: the body, its Content-Type and
 * the answer's status, body and Content-Type pass as they are.
 *
 * libcurl is loaded with dlopen() when the first request is proxied, not
 * linked: with its dependencies it adds about 4.5 MB to the resident size
 * of every mock, and almost no mock proxies (docs/performance.md). Easy
 * handles are kept between requests so the upstream connection is reused.
 */
#include "http/proxy.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The libcurl functions the proxy uses: one list, whose types come from
 * curl.h itself (__typeof__), so no signature is written by hand and a
 * function is added by naming it here once.
 */
#define CURL_FUNCTIONS(X)                                                                  \
    X(global_init) X(easy_init) X(easy_setopt) X(easy_perform) X(easy_getinfo)            \
    X(easy_strerror) X(easy_cleanup) X(easy_reset) X(slist_append) X(slist_free_all)

/* curl_NAME's own type (no call follows, so curl.h's type-checking macros stay out) */
#define CURL_FIELD(name) __typeof__(curl_##name) *name;
static struct {
    CURL_FUNCTIONS(CURL_FIELD)
} curl;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

/*
 * Idle easy handles: each keeps its connection to the upstream open, so
 * requests forwarded one after another reuse it instead of connecting anew.
 * A request takes one (or makes one when none is idle) and gives it back.
 */
#define PROXY_IDLE_HANDLES 16
static CURL *idle[PROXY_IDLE_HANDLES];
static size_t nidle;
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;

/* Look `name` up in `lib` into the function pointer at `fn`; 0 when absent. */
static int find(void *lib, const char *name, void *fn)
{
    void *sym = dlsym(lib, name);
    memcpy(fn, &sym, sizeof sym); /* object to function pointer, as POSIX allows */
    return sym != NULL;
}

#define CURL_FIND(name) && find(lib, "curl_" #name, &curl.name)

static void init_curl(void)
{
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    curl_ready = 1 CURL_FUNCTIONS(CURL_FIND)
                 && curl.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    /* the library stays loaded for the life of the process */
}

/* An easy handle for one request: an idle one (reset, its connection kept) or a new one. */
static CURL *handle_take(void)
{
    CURL *c = NULL;
    pthread_mutex_lock(&idle_lock);
    if (nidle)
        c = idle[--nidle];
    pthread_mutex_unlock(&idle_lock);
    if (c) {
        curl.easy_reset(c);   /* options back to defaults; live connections stay */
        return c;
    }
    return curl.easy_init();
}

/* Give `c` back for the next request, or close it when enough are idle. */
static void handle_give(CURL *c)
{
    pthread_mutex_lock(&idle_lock);
    int kept = nidle < PROXY_IDLE_HANDLES;
    if (kept)
        idle[nidle++] = c;
    pthread_mutex_unlock(&idle_lock);
    if (!kept)
        curl.easy_cleanup(c);
}

int mock_proxy_url(const char *url, char *out, size_t outlen)
{
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return 0;
    const char *host = strstr(url, "://") + 3;
    if (!*host || *host == '/')
        return 0;
    const char *slash = strchr(host, '/');
    int n;
    if (!slash || strcmp(slash, "/") == 0)
        n = snprintf(out, outlen, "%.*s/UnifiedPay/Gateway",
                     (int)(slash ? (size_t)(slash - url) : strlen(url)), url);
    else
        n = snprintf(out, outlen, "%s", url);
    return n > 0 && (size_t)n < outlen;
}

typedef struct sink {
    char *data;
    size_t len;
    int too_large;
} sink;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    sink *s = user;
    size_t add = size * nmemb;
    if (s->len + add > MOCK_PROXY_ANSWER_MAX) {
        s->too_large = 1;
        return 0;
    }
    char *bigger = realloc(s->data, s->len + add + 1);
    if (!bigger)
        return 0;
    memcpy(bigger + s->len, ptr, add);
    s->data = bigger;
    s->len += add;
    s->data[s->len] = '\0';
    return add;
}

int mock_proxy_forward(const char *upstream, const char *content_type, const char *body,
                       size_t len, long timeout_ms, mock_proxy_answer *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    pthread_once(&curl_once, init_curl);
    CURL *c = curl_ready ? handle_take() : NULL;
    if (!c) {
        snprintf(err, errlen, "libcurl could not be loaded (libcurl.so.4)");
        out->body = calloc(1, 1);
        return -1;
    }
    struct curl_slist *headers = NULL;
    char line[256];
    snprintf(line, sizeof line, "Content-Type: %.200s", content_type ? content_type : "");
    headers = curl.slist_append(headers, content_type ? line : "Content-Type:");
    headers = curl.slist_append(headers, "Expect:");
    sink s = {0};
    char curl_err[CURL_ERROR_SIZE] = "";
    curl.easy_setopt(c, CURLOPT_URL, upstream);
    curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(c, CURLOPT_POST, 1L);
    curl.easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
    curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
    curl.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : MOCK_PROXY_TIMEOUT_MS);
    curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl.easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl.easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    CURLcode rc = curl.easy_perform(c);
    int ok = rc == CURLE_OK;
    if (ok) {
        char *ct = NULL;
        curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
        if (curl.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
            snprintf(out->content_type, sizeof out->content_type, "%s", ct);
    } else {
        snprintf(err, errlen, "%s", s.too_large ? "the upstream answer is too large"
                                   : curl_err[0] ? curl_err : curl.easy_strerror(rc));
    }
    curl.slist_free_all(headers);
    /* a failed exchange may leave the connection in any state: close it with the handle */
    if (ok)
        handle_give(c);
    else
        curl.easy_cleanup(c);
    if (!ok) {
        free(s.data);
        s.data = NULL;
        s.len = 0;
    }
    out->body = s.data ? s.data : calloc(1, 1);
    out->len = s.len;
    return ok && out->body ? 0 : -1;
}

void mock_proxy_answer_free(mock_proxy_answer *a)
{
    if (!a)
        return;
    free(a->body);
    a->body = NULL;
    a->len = 0;
}
