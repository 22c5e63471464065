/*
 * suite/http.c - one libcurl exchange per call (see http.h). libcurl's
 * global init is done by libupay's upay_global_init() before threads start.
 */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Keep the Allow header (405 answers must carry it). */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    suite_http_response *out = userdata;
    size_t n = size * nmemb;
    if (n > 6 && strncasecmp(ptr, "Allow:", 6) == 0) {
        size_t start = 6, end = n;
        while (start < n && (ptr[start] == ' ' || ptr[start] == '\t'))
            start++;
        while (end > start && (ptr[end - 1] == '\r' || ptr[end - 1] == '\n' || ptr[end - 1] == ' '))
            end--;
        snprintf(out->allow, sizeof out->allow, "%.*s", (int)(end - start), ptr + start);
    }
    return n;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    suite_buf *b = userdata;
    suite_buf_append(b, ptr, size * nmemb);
    return b->oom ? 0 : size * nmemb;
}

int suite_http(const suite_http_request *req, suite_http_response *out)
{
    memset(out, 0, sizeof *out);
    suite_buf body = {0};
    if (!req || !req->url) {
        snprintf(out->error, sizeof out->error, "no URL");
        out->body = suite_strdup("");
        return -1;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(out->error, sizeof out->error, "libcurl could not start");
        out->body = suite_strdup("");
        return -1;
    }
    struct curl_slist *headers = NULL;
    char line[512];
    if (req->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", req->content_type);
        headers = curl_slist_append(headers, line);
    } else if (req->body) {
        /* Without this libcurl would add a form Content-Type by itself. */
        headers = curl_slist_append(headers, "Content-Type:");
    }
    if (req->bearer) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", req->bearer);
        headers = curl_slist_append(headers, line);
    }
    for (size_t i = 0; req->headers && req->headers[i]; i++)
        headers = curl_slist_append(headers, req->headers[i]);
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 30000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    if (req->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (req->body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    if (req->method && strcmp(req->method, req->body ? "POST" : "GET") != 0)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        char *ct = NULL;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
        if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
            snprintf(out->content_type, sizeof out->content_type, "%s", ct);
    }
    else
        snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    out->len = body.len;
    out->body = suite_buf_take(&body);
    if (!out->body) {
        out->body = suite_strdup("");
        out->len = 0;
    }
    return rc == CURLE_OK ? 0 : -1;
}

void suite_http_response_free(suite_http_response *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->len = 0;
}
