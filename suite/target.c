/*
 * suite/target.c - embedded or remote target and the mock admin API (see
 * target.h).
 */
#include "target.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "template.h"

#ifdef UPAY_SUITE_HAVE_MOCK
#include "mock.h"
#endif

#define GATEWAY_PATH "/UnifiedPay/Gateway"

int suite_target_start_embedded(suite_target *t, unsigned long long seed, const char *dialect,
                                int anonymous, suite_buf *err)
{
    memset(t, 0, sizeof *t);
#ifdef UPAY_SUITE_HAVE_MOCK
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.listen = "127.0.0.1:0";
    opts.quiet = 1;
    opts.has_seed = 1;
    opts.seed = seed;
    opts.dialect = dialect;
    /* Scenario time moves only by clock steps, so boundaries are exact; an anonymous
     * mock cannot be moved and runs in real time, as a foreign gateway does. */
    opts.frozen_clock = !anonymous;
    char token[40] = "";
    if (anonymous) {
        unsigned long long s = seed ^ 0xA5A5A5A5DEADBEEFULL ^ (unsigned long long)time(NULL);
        snprintf(token, sizeof token, "%016llx%016llx", suite_rand_next(&s), suite_rand_next(&s));
        opts.admin_token = token;
    }
    char msg[256] = "";
    mock_server *srv = mock_server_start(&opts, msg, sizeof msg);
    if (!srv) {
        suite_buf_printf(err, "cannot start the embedded upay-mock: %s", msg);
        return -1;
    }
    t->server = srv;
    t->embedded = 1;
    t->anonymous = anonymous;
    snprintf(t->dialect, sizeof t->dialect, "%s", dialect ? dialect : "seed");
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
    (void)dialect;
    (void)anonymous;
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
    t->is_upay_mock = 0;
    const char *said = NULL;
    cJSON *doc = t->has_mock ? cJSON_Parse(res.body) : NULL;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "mock");
    const cJSON *dialect = cJSON_GetObjectItemCaseSensitive(doc, "dialect");
    t->is_upay_mock = cJSON_IsString(name) && strcmp(name->valuestring, "upay-mock") == 0;
    if (cJSON_IsString(dialect) && (!strcmp(dialect->valuestring, "seed") ||
                                    !strcmp(dialect->valuestring, "live")))
        said = dialect->valuestring;
    if (!t->dialect[0])
        snprintf(t->dialect, sizeof t->dialect, "%s",
                 said ? said : t->is_upay_mock ? "seed" : "live");
    cJSON_Delete(doc);
    if (url)
        suite_http_response_free(&res);
    free(url);
    return t->has_mock;
}

int suite_target_reach(const suite_target *t, suite_buf *err)
{
    suite_http_request req = {.method = "POST", .url = t->gateway_url,
                              .content_type = "application/x-www-form-urlencoded", .body = "",
                              .body_len = 0, .timeout_ms = 10000, .insecure = t->insecure};
    suite_http_response res;
    if (suite_http(&req, &res) != 0) {
        suite_buf_printf(err, "cannot reach %s: %s", t->gateway_url, res.error);
        suite_http_response_free(&res);
        return -1;
    }
    cJSON *doc = cJSON_Parse(res.body);
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "code");
    int ok = cJSON_IsObject(doc) && cJSON_IsString(code);
    if (!ok)
        suite_buf_printf(err, "%s is not a UnifiedPay gateway: an empty POST got HTTP %ld "
                              "(%s), not a JSON answer with a \"code\"", t->gateway_url,
                         res.status, res.content_type[0] ? res.content_type : "no Content-Type");
    cJSON_Delete(doc);
    suite_http_response_free(&res);
    return ok ? 0 : -1;
}

int suite_target_now(const suite_target *t, const char *mch, long long *out, suite_buf *err)
{
    if (!t->has_mock) {
        *out = (long long)time(NULL);
        return 0;
    }
    long status = 0;
    char *body = NULL;
    if (suite_mock_get(t, "clock", mch, &status, &body, err) != 0)
        return -1;
    cJSON *doc = status == 200 ? cJSON_Parse(body) : NULL;
    const cJSON *now = cJSON_GetObjectItemCaseSensitive(doc, "now");
    int rc = cJSON_IsNumber(now) ? 0 : -1;
    if (rc == 0)
        *out = (long long)now->valuedouble;
    else
        suite_buf_printf(err, "GET /mock/clock: HTTP %ld: %s", status, body ? body : "");
    cJSON_Delete(doc);
    free(body);
    return rc;
}

void suite_embedded_stop(void *server)
{
#ifdef UPAY_SUITE_HAVE_MOCK
    mock_server_stop(server);
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

int suite_mock_post(const suite_target *t, const char *what, const char *json, long *status,
                    char **body, suite_buf *err)
{
    *body = NULL;
    *status = 0;
    char *url = suite_strfmt("%s/mock/%s", t->base_url, what);
    if (!url) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    suite_http_request req = {.url = url, .body = json, .body_len = strlen(json),
                              .content_type = "application/json", .timeout_ms = 10000,
                              .insecure = t->insecure};
    suite_http_response res;
    int rc = suite_http(&req, &res);
    free(url);
    if (rc != 0) {
        suite_buf_printf(err, "POST /mock/%s: %s", what, res.error);
        suite_http_response_free(&res);
        return -1;
    }
    *status = res.status;
    *body = res.body;
    return 0;
}

int suite_mock_delete(const suite_target *t, const char *what, suite_buf *err)
{
    char *url = suite_strfmt("%s/mock/%s", t->base_url, what);
    if (!url) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    suite_http_request req = {.method = "DELETE", .url = url, .timeout_ms = 10000,
                              .insecure = t->insecure};
    suite_http_response res;
    int rc = suite_http(&req, &res);
    free(url);
    if (rc != 0 || (res.status != 200 && res.status != 404)) {
        suite_buf_printf(err, "DELETE /mock/%s: %s", what,
                         rc != 0 ? res.error : res.body);
        rc = -1;
    }
    suite_http_response_free(&res);
    return rc;
}
