/*
 * transport.c - one HTTP exchange with the gateway through libcurl, and the
 * mapping of libcurl's failures onto "nothing was sent" (UPAY_E_TRANSPORT,
 * UPAY_E_TLS) versus "sent, no complete answer" (UPAY_E_NO_ANSWER).
 *
 * Whether the request went out is told by CURLINFO_REQUEST_SIZE (bytes of
 * request libcurl wrote to the socket) and by the upload counter of the
 * progress callback: once either is non-zero the gateway may have the
 * request, so any later failure is "outcome unknown".
 *
 * The only global state is libcurl's, initialised once with pthread_once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "client_internal.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

upay_code upay__global_init_once(void)
{
    pthread_once(&global_once, global_init);
    return global_result == CURLE_OK ? UPAY_OK : UPAY_E_TRANSPORT;
}

void upay_global_cleanup(void)
{
    if (global_result == CURLE_OK) {
        curl_global_cleanup();
        global_result = CURLE_FAILED_INIT;
    }
}

void upay__transport_free(upay_client *client)
{
    if (client->curl) {
        curl_easy_cleanup(client->curl);
        client->curl = NULL;
    }
}

void upay__exchange_clear(upay__exchange *ex)
{
    free(ex->body);
    memset(ex, 0, sizeof *ex);
}

/* State the callbacks of one exchange share. */
typedef struct xfer {
    char *buf;
    size_t len, cap;
    int too_large;
    int nomem;
    curl_off_t uploaded;
    const char *body;        /* the request body, handed to libcurl by on_read */
    size_t body_len, body_off;
} xfer;

/*
 * The request body goes through a read callback, not CURLOPT_POSTFIELDS,
 * for one reason: libcurl silently sends a request again on a fresh
 * connection when a reused (kept-alive) one closes before any answer byte,
 * and a pay sent twice is what R-CLIENT-02 forbids. Re-sending needs a
 * rewind of the body; on_seek refuses it once the body was handed over, so
 * the exchange ends with CURLE_SEND_FAIL_REWIND: no answer, outcome
 * unknown, and the flows query instead.
 */
static size_t on_read(char *dest, size_t size, size_t nmemb, void *userdata)
{
    xfer *x = userdata;
    size_t room = size * nmemb, left = x->body_len - x->body_off;
    size_t n = left < room ? left : room;
    memcpy(dest, x->body + x->body_off, n);
    x->body_off += n;
    return n;
}

static int on_seek(void *userdata, curl_off_t offset, int origin)
{
    xfer *x = userdata;
    if (x->body_off > 0 || origin != SEEK_SET || offset != 0)
        return CURL_SEEKFUNC_FAIL;   /* a re-send after the body went out: refused */
    return CURL_SEEKFUNC_OK;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userdata)
{
    xfer *x = userdata;
    size_t n = size * nmemb;
    if (x->len + n > UPAY_RESPONSE_DEFAULT_MAX_BYTES) {
        x->too_large = 1;
        return 0;
    }
    if (x->len + n + 1 > x->cap) {
        size_t cap = x->cap ? x->cap : 1024;
        while (cap < x->len + n + 1)
            cap *= 2;
        char *grown = realloc(x->buf, cap);
        if (!grown) {
            x->nomem = 1;
            return 0;
        }
        x->buf = grown;
        x->cap = cap;
    }
    memcpy(x->buf + x->len, data, n);
    x->len += n;
    x->buf[x->len] = '\0';
    return n;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    xfer *x = userdata;
    if (ulnow > x->uploaded)
        x->uploaded = ulnow;
    return 0;
}

static int is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
        return 1;
    default:
        return 0;
    }
}

/* Map a failed transfer; `sent` says whether any request byte went out. */
static upay_code classify(CURLcode rc, int sent)
{
    switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
        /* also "Received HTTP/0.9": an answer that is not HTTP, after the request went out */
        return sent ? UPAY_E_NO_ANSWER : UPAY_E_TRANSPORT;
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return UPAY_E_TRANSPORT;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_FAIL_REWIND:   /* a re-send refused (on_seek): the request went out */
        return UPAY_E_NO_ANSWER;
    default:
        if (sent)
            return UPAY_E_NO_ANSWER;
        return is_tls_error(rc) ? UPAY_E_TLS : UPAY_E_TRANSPORT;
    }
}

static CURL *prepare(upay_client *c, const char *body, xfer *x, struct curl_slist *headers,
                     char *errbuf)
{
    CURL *h = c->curl;
    if (!h) {
        h = curl_easy_init();
        if (!h)
            return NULL;
        c->curl = h;
    } else {
        curl_easy_reset(h); /* keeps live connections for reuse */
    }
    int ok = 1;
#define SET(opt, val) ok &= curl_easy_setopt(h, opt, val) == CURLE_OK
    SET(CURLOPT_URL, c->url);
    x->body = body;
    x->body_len = strlen(body);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_READFUNCTION, on_read);
    SET(CURLOPT_READDATA, x);
    SET(CURLOPT_SEEKFUNCTION, on_seek);
    SET(CURLOPT_SEEKDATA, x);
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
    SET(CURLOPT_TIMEOUT_MS, c->total_ms);
    SET(CURLOPT_WRITEFUNCTION, on_write);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, x);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_USERAGENT, "libupay/0.1");
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    SET(CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
    if (c->ca_file)
        SET(CURLOPT_CAINFO, c->ca_file);
    if (c->cert_file) {
        SET(CURLOPT_SSLCERT, c->cert_file);
        SET(CURLOPT_SSLKEY, c->key_file);
    }
#undef SET
    return ok ? h : NULL;
}

void upay__transport_post(upay_client *c, const char *body, upay__exchange *ex)
{
    memset(ex, 0, sizeof *ex);
    xfer x = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL, *more;
    static const char *const lines[] = {
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
        "Accept: application/json",
        "Expect:",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        more = curl_slist_append(headers, lines[i]);
        if (!more) {
            curl_slist_free_all(headers);
            ex->code = UPAY_E_NOMEM;
            snprintf(ex->detail, sizeof ex->detail, "out of memory preparing the request");
            return;
        }
        headers = more;
    }
    CURL *h = prepare(c, body, &x, headers, errbuf);
    if (!h) {
        curl_slist_free_all(headers);
        ex->code = UPAY_E_TRANSPORT;
        snprintf(ex->detail, sizeof ex->detail, "libcurl could not be set up for %.150s", c->url);
        return;
    }
    CURLcode rc = curl_easy_perform(h);
    long status = 0, request_size = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
    /* The slist and our buffers are about to go: drop libcurl's pointers to them. */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(headers);

    int sent = request_size > 0 || x.uploaded > 0;
    ex->http_status = status;
    ex->body = x.buf;
    ex->body_len = x.len;
    if (rc == CURLE_OK) {
        ex->code = UPAY_OK;
        if (!ex->body) {
            ex->body = calloc(1, 1);
            if (!ex->body) {
                ex->code = UPAY_E_NO_ANSWER;
                snprintf(ex->detail, sizeof ex->detail, "out of memory storing the answer");
            }
        }
        return;
    }
    if (x.too_large) {
        ex->code = UPAY_E_BAD_RESPONSE;
        ex->body_too_large = 1;
        snprintf(ex->detail, sizeof ex->detail,
                 "the answer is longer than %u bytes", UPAY_RESPONSE_DEFAULT_MAX_BYTES);
        return;
    }
    if (x.nomem) {
        ex->code = UPAY_E_NO_ANSWER;
        snprintf(ex->detail, sizeof ex->detail, "out of memory storing the answer");
        return;
    }
    ex->code = classify(rc, sent);
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    const char *what = ex->code == UPAY_E_NO_ANSWER
                           ? "request sent but no complete answer (outcome unknown)"
                           : "request not sent";
    snprintf(ex->detail, sizeof ex->detail, "%s: %.180s", what, why);
}
