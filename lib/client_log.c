/*
 * client_log.c - redaction for what the client shows: canonical strings
 * with the key replaced by "***" (results and the log callback), and form
 * bodies and JSON answers with their sign value replaced by "***" (the log
 * callback). The key itself never leaves the client.
 */
#include <stdlib.h>
#include <string.h>

#include "client_internal.h"

#define REDACTED "***"

char *upay__sign_string_redacted(const upay_params *p)
{
    char *s = NULL;
    if (upay_sign_string(p, REDACTED, &s) != UPAY_OK)
        return NULL;
    char *copy = strdup(s);
    upay_free(s);
    return copy;
}

/* Append `n` bytes to a buffer sized for the worst case by the caller. */
static char *put(char *dst, const char *src, size_t n)
{
    memcpy(dst, src, n);
    return dst + n;
}

char *upay__redact_form(const char *text)
{
    if (!text)
        return NULL;
    size_t len = strlen(text);
    /* Each pair grows by at most strlen(REDACTED) when its value was shorter. */
    size_t pairs = 1;
    for (const char *p = text; *p; p++)
        pairs += *p == '&';
    char *out = malloc(len + pairs * sizeof REDACTED + 1);
    if (!out)
        return NULL;
    char *w = out;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= 5 && memcmp(p, "sign=", 5) == 0) {
            w = put(w, "sign=" REDACTED, 5 + strlen(REDACTED));
        } else {
            w = put(w, p, n);
        }
        p += n;
        if (*p == '&')
            *w++ = *p++;
    }
    *w = '\0';
    return out;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

char *upay__redact_json(const char *text)
{
    if (!text)
        return NULL;
    size_t len = strlen(text), hits = 0;
    for (const char *p = text; (p = strstr(p, "\"sign\"")) != NULL; p += 6)
        hits++;
    char *out = malloc(len + hits * sizeof REDACTED + 1);
    if (!out)
        return NULL;
    char *w = out;
    const char *p = text;
    const char *hit;
    while ((hit = strstr(p, "\"sign\"")) != NULL) {
        const char *q = skip_ws(hit + 6);
        if (*q != ':') {
            w = put(w, p, (size_t)(hit + 6 - p));
            p = hit + 6;
            continue;
        }
        q = skip_ws(q + 1);
        if (*q != '"') {
            w = put(w, p, (size_t)(q - p));
            p = q;
            continue;
        }
        q++; /* opening quote of the value */
        w = put(w, p, (size_t)(q - p));
        const char *v = q;
        while (*v && *v != '"') {
            if (*v == '\\' && v[1])
                v++;
            v++;
        }
        w = put(w, REDACTED, strlen(REDACTED));
        p = v; /* the closing quote (or the end) is copied next */
    }
    w = put(w, p, strlen(p));
    *w = '\0';
    return out;
}
