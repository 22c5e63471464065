/*
 * tests/e2e/mock_test_util.h - helpers for the upay-mock tests: sign and
 * send gateway requests over HTTP (libcurl), check answers, use the admin
 * API, make auth codes of each wallet and persona.
 *
 * Header-only (static inline) so each check_*mock* program can include it
 * without build changes. Every helper fails the running Check test on an
 * unexpected transport error.
 */
#ifndef UPAY_MOCK_TEST_UTIL_H
#define UPAY_MOCK_TEST_UTIL_H

#include <check.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <upay/form.h>
#include <upay/params.h>
#include <upay/protocol.h>
#include <upay/refund_list.h>
#include <upay/response.h>
#include <upay/sign.h>

#include "mock.h"

#define MT_AGENT1 "13000000000000001"
#define MT_KEY1 "UPAYMOCK000000000000000000000001"
#define MT_AGENT2 "13000000000000002"
#define MT_KEY2 "UPAYMOCK000000000000000000000002"

/* ---- raw HTTP ---- */

typedef struct mt_http_reply {
    long status;
    char *body;          /* NUL-terminated, owned */
    size_t len;
    char allow[64];      /* value of an Allow header, or "" */
    char content_type[96];
    char detail[256];    /* value of X-Upay-Detail (the mock's English diagnosis), or "" */
} mt_http_reply;

/* X-Upay-Detail of the latest answer mt_post_raw() (so mt_send, mt_call...) received. */
static char mt_last_detail[256];

static inline size_t mt_write_cb(char *data, size_t size, size_t n, void *user)
{
    mt_http_reply *r = user;
    size_t add = size * n;
    char *bigger = realloc(r->body, r->len + add + 1);
    if (!bigger)
        return 0;
    memcpy(bigger + r->len, data, add);
    r->body = bigger;
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static inline size_t mt_header_cb(char *data, size_t size, size_t n, void *user)
{
    mt_http_reply *r = user;
    size_t len = size * n;
    char line[256];
    size_t copy = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, data, copy);
    line[copy] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (strncasecmp(line, "Allow:", 6) == 0)
        snprintf(r->allow, sizeof r->allow, "%s", line + 6 + strspn(line + 6, " "));
    if (strncasecmp(line, "X-Upay-Detail:", 14) == 0)
        snprintf(r->detail, sizeof r->detail, "%s", line + 14 + strspn(line + 14, " "));
    if (strncasecmp(line, "Content-Type:", 13) == 0)
        snprintf(r->content_type, sizeof r->content_type, "%s", line + 13 + strspn(line + 13, " "));
    return len;
}

/*
 * One HTTP exchange. `content_type` NULL sends none; `extra_header` (may be
 * NULL) is one "Name: value" line. Returns 0, or -1 when no answer came.
 */
static inline int mt_http(const char *method, const char *url, const char *content_type,
                          const char *body, size_t len, const char *extra_header,
                          mt_http_reply *out)
{
    memset(out, 0, sizeof *out);
    CURL *curl = curl_easy_init();
    if (!curl)
        return -1;
    struct curl_slist *headers = NULL;
    char ct[160];
    snprintf(ct, sizeof ct, "Content-Type:%s%s", content_type ? " " : "",
             content_type ? content_type : "");
    headers = curl_slist_append(headers, ct);
    headers = curl_slist_append(headers, "Expect:");
    if (extra_header)
        headers = curl_slist_append(headers, extra_header);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, mt_write_cb);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, mt_header_cb);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        }
    }
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (!out->body) {
        out->body = calloc(1, 1);
        out->len = 0;
    }
    return rc == CURLE_OK ? 0 : -1;
}

static inline void mt_http_reply_free(mt_http_reply *r)
{
    free(r->body);
    r->body = NULL;
}

/* ---- gateway ---- */

typedef struct mt_gw {
    char base[128];            /* server base URL, no trailing slash */
    const char *agent_id;
    const char *key;
    const char *answer_key;    /* key answers are verified with; NULL: `key` */
    upay_sign_type type;
    const char *path;          /* gateway path; NULL: "/UnifiedPay/Gateway" */
    int live;                  /* the mock runs --dialect live: only a business success
                                  (state and trade_state SUCCESS) is signed */
    const char *pid;           /* added to every request that has none; NULL: not sent */
    const char *version;       /* the same for `version` (the live dialect requires both) */
} mt_gw;

static inline void mt_gw_init(mt_gw *g, const char *base)
{
    memset(g, 0, sizeof *g);
    snprintf(g->base, sizeof g->base, "%s", base);
    g->agent_id = MT_AGENT1;
    g->key = MT_KEY1;
    g->type = UPAY_SIGN_MD5;
}

/* POST a raw body; returns the parsed answer (free it), failing the test if it is not JSON. */
static inline upay_params *mt_post_raw(const mt_gw *g, const char *body, size_t len)
{
    char url[192];
    snprintf(url, sizeof url, "%s%s", g->base, g->path ? g->path : "/UnifiedPay/Gateway");
    mt_http_reply r;
    ck_assert_int_eq(mt_http("POST", url, "application/x-www-form-urlencoded", body, len, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    upay_params *p = NULL;
    ck_assert_msg(upay_response_parse(r.body, r.len, 0, &p, NULL) == UPAY_OK, "not JSON: %s", r.body);
    snprintf(mt_last_detail, sizeof mt_last_detail, "%s", r.detail);
    mt_http_reply_free(&r);
    return p;
}

/* The X-Upay-Detail of the latest gateway answer ("" when it had none). Borrowed. */
static inline const char *mt_detail(void)
{
    return mt_last_detail;
}

/*
 * Sign `req` with the gateway's agent (agent_id, pid and version added
 * when absent, unless the gateway's are NULL) and send it. The answer is checked: a
 * `sign` that verifies with the key (except for 20012 and unsigned FAIL
 * answers, which must carry none; with `live`, only a business success is
 * signed, and it must be).
 */
static inline upay_params *mt_send(const mt_gw *g, upay_params *req)
{
    if (!upay_params_get(req, "agent_id") && g->agent_id)
        upay_params_set(req, "agent_id", g->agent_id);
    if (!upay_params_get(req, "pid") && g->pid)
        upay_params_set(req, "pid", g->pid);
    if (!upay_params_get(req, "version") && g->version)
        upay_params_set(req, "version", g->version);
    if (g->type == UPAY_SIGN_HMAC_SHA256 && !upay_params_get(req, "sign_type"))
        upay_params_set(req, "sign_type", "HMAC-SHA256");
    ck_assert_int_eq(upay_sign_params(req, g->key, g->type), UPAY_OK);
    char *body = NULL;
    ck_assert_int_eq(upay_form_encode(req, &body), UPAY_OK);
    upay_params *p = mt_post_raw(g, body, strlen(body));
    upay_free(body);
    const char *code = upay_params_get(p, "code");
    ck_assert_ptr_nonnull(code);
    if (g->live) {
        const char *st = upay_params_get(p, "state"), *ts = upay_params_get(p, "trade_state");
        int success = st && ts && strcmp(st, "SUCCESS") == 0 && strcmp(ts, "SUCCESS") == 0;
        ck_assert_msg(!upay_params_get(p, "sign") == !success,
                      "live: %s answer with code %s", success ? "unsigned success" : "signed",
                      code);
        ck_assert_msg(!upay_params_get(p, "nonce_str") == !success,
                      "live: nonce_str on an answer with code %s", code);
    }
    if (upay_params_get(p, "sign"))
        ck_assert_msg(upay_response_verify(p, g->answer_key ? g->answer_key : g->key, g->type)
                          == UPAY_OK,
                      "answer signature does not verify (code %s)", code);
    else if (!g->live)
        ck_assert_msg(strcmp(code, "20012") == 0 || strcmp(code, "20004") == 0,
                      "unsigned answer with code %s", code);
    return p;
}

/* Build a request from NULL-terminated name, value pairs after `method`; send it. */
static inline upay_params *mt_vcall(const mt_gw *g, const char *method, va_list ap)
{
    upay_params *req = upay_params_new();
    ck_assert_ptr_nonnull(req);
    if (method)
        upay_params_set(req, "method", method);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        upay_params_set(req, name, value);
    }
    upay_params *p = mt_send(g, req);
    upay_params_free(req);
    return p;
}

static inline upay_params *mt_call(const mt_gw *g, const char *method, ...)
{
    va_list ap;
    va_start(ap, method);
    upay_params *p = mt_vcall(g, method, ap);
    va_end(ap);
    return p;
}

/*
 * The msg every answer carries for `state` and `code`, in both dialects:
 * SUCCESS for 10000, 版本过低 for state VER, else the vendor's code table.
 */
static inline const char *mt_msg_of(const char *state, const char *code)
{
    if (strcmp(state, "VER") == 0)
        return "\xe7\x89\x88\xe6\x9c\xac\xe8\xbf\x87\xe4\xbd\x8e";
    if (strcmp(code, "10000") == 0)
        return "SUCCESS";
    const char *text = upay_gw_code_text(atoi(code));
    return text ? text : "";
}

/* Check state, code and trade_state (NULL: must be absent), and that msg is the code's text. */
#define mt_expect(p, state, code, trade_state) \
    mt_expect_at(p, state, code, trade_state, __FILE__, __LINE__)

static inline void mt_expect_at(const upay_params *p, const char *state, const char *code,
                                const char *trade_state, const char *file, int line)
{
    const char *s = upay_params_get(p, "state"), *c = upay_params_get(p, "code");
    const char *t = upay_params_get(p, "trade_state"), *m = upay_params_get(p, "msg");
    ck_assert_msg(s && strcmp(s, state) == 0 && c && strcmp(c, code) == 0
                      && (trade_state ? t && strcmp(t, trade_state) == 0 : t == NULL),
                  "%s:%d: want %s/%s/%s, got %s/%s/%s (%s)", file, line, state, code,
                  trade_state ? trade_state : "-", s ? s : "-", c ? c : "-", t ? t : "-",
                  m ? m : "");
    ck_assert_msg(m && strcmp(m, mt_msg_of(state, code)) == 0, "%s:%d: msg \"%s\" is not %s's text",
                  file, line, m ? m : "(none)", code);
}

/* A field's value, failing the test when absent. Borrowed from p. */
static inline const char *mt_field(const upay_params *p, const char *name)
{
    const char *v = upay_params_get(p, name);
    ck_assert_msg(v != NULL, "answer lacks %s", name);
    return v;
}

/*
 * An auth_code of `wallet` ("WECHAT", ...) ending in `suffix` (4 digits,
 * or NULL for the default persona "0000"), unique through `n`.
 */
static inline void mt_code(char out[32], const char *wallet, const char *suffix, unsigned n)
{
    const char *sfx = suffix ? suffix : "0000";
    if (strcmp(wallet, "ALIPAY") == 0)
        snprintf(out, 32, "28%012u%s", n % 1000000000u, sfx);           /* 18 digits */
    else if (strcmp(wallet, "UNIONPAY") == 0)
        snprintf(out, 32, "62%013u%s", n % 1000000000u, sfx);           /* 19 digits */
    else if (strcmp(wallet, "QQ") == 0)
        snprintf(out, 32, "91%012u%s", n % 1000000000u, sfx);
    else if (strcmp(wallet, "JDPAY") == 0)
        snprintf(out, 32, "18%012u%s", n % 1000000000u, sfx);
    else if (strcmp(wallet, "BESTPAY") == 0)
        snprintf(out, 32, "51%012u%s", n % 1000000000u, sfx);
    else
        snprintf(out, 32, "13%012u%s", n % 1000000000u, sfx);           /* WECHAT */
}

/* Pay `fee` fen for order `otn` of merchant `mch` with `code`. */
static inline upay_params *mt_pay(const mt_gw *g, const char *mch, const char *otn, const char *fee,
                                  const char *code)
{
    return mt_call(g, "pay", "mch_id", mch, "out_trade_no", otn, "body", "test goods",
                   "total_fee", fee, "auth_code", code, "device_info", "POS-1", NULL);
}

/* ---- admin API ---- */

/* Returns the body (free it); `*status` gets the HTTP status. */
static inline char *mt_admin(const char *base, const char *method, const char *path,
                             const char *json, long *status)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", base, path);
    mt_http_reply r;
    ck_assert_int_eq(mt_http(method, url, json ? "application/json" : NULL, json,
                             json ? strlen(json) : 0, NULL, &r), 0);
    if (status)
        *status = r.status;
    return r.body;
}

/* Move merchant `mch`'s clock (NULL: the global clock) forward by `seconds`. */
static inline void mt_advance(const char *base, const char *mch, long long seconds)
{
    char json[128];
    if (mch)
        snprintf(json, sizeof json, "{\"advance_seconds\":%lld,\"mch_id\":\"%s\"}", seconds, mch);
    else
        snprintf(json, sizeof json, "{\"advance_seconds\":%lld}", seconds);
    long status = 0;
    char *body = mt_admin(base, "POST", "/mock/clock", json, &status);
    ck_assert_msg(status == 200, "clock move failed: %ld %s", status, body);
    free(body);
}

/* Start an in-process mock on 127.0.0.1:0 with `opts` (NULL: defaults, quiet). */
static inline mock_server *mt_start(const mock_options *opts)
{
    mock_options o;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof o);
    if (!o.listen)
        o.listen = "127.0.0.1:0";
    o.quiet = 1;
    o.frozen_clock = 1;   /* time boundaries (299/300 s, 24 h) exact, whatever real seconds pass */
    char err[256] = "";
    mock_server *s = mock_server_start(&o, err, sizeof err);
    ck_assert_msg(s != NULL, "mock_server_start: %s", err);
    ck_assert_int_gt(mock_server_port(s), 0);
    return s;
}

#endif /* UPAY_MOCK_TEST_UTIL_H */
