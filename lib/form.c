/*
 * form.c - application/x-www-form-urlencoded codec for request bodies
 * (see upay/form.h). Strict on what it decodes: every escape well formed,
 * names and values valid UTF-8 without NUL, names unique and non-empty, so
 * that what the signer sees is exactly what was sent.
 */
#include <stdlib.h>
#include <string.h>

#include "upay/form.h"
#include "error_detail.h"
#include "utf8.h"

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * Decode `n` raw bytes at `src` into `dst` (room for n + 1), NUL-terminate.
 * On failure returns the code and the offset of the bad byte, relative to
 * `src`, in `*bad_at`.
 */
static upay_code decode(const char *src, size_t n, char *dst, size_t *dst_len, size_t *bad_at)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '%') {
            if (n - i < 3 || hex_value((unsigned char)src[i + 1]) < 0
                || hex_value((unsigned char)src[i + 2]) < 0) {
                *bad_at = i;
                return UPAY_E_FORM_BAD_ESCAPE;
            }
            c = (unsigned char)(hex_value((unsigned char)src[i + 1]) * 16
                                + hex_value((unsigned char)src[i + 2]));
            if (c == 0) {
                *bad_at = i;
                return UPAY_E_FORM_NUL;
            }
            i += 2;
        } else if (c == '+') {
            c = ' ';
        } else if (c == 0) {
            *bad_at = i;
            return UPAY_E_FORM_NUL;
        }
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    if (!upay__utf8_valid((const unsigned char *)dst, o, bad_at)) {
        /* Map the decoded offset back to the raw one: an escape is 3 raw
         * bytes for 1 decoded byte. */
        size_t raw = 0;
        for (size_t k = 0; k < *bad_at; k++)
            raw += src[raw] == '%' ? 3 : 1;
        *bad_at = raw;
        return UPAY_E_FORM_BAD_UTF8;
    }
    *dst_len = o;
    return UPAY_OK;
}

static const char *what(upay_code code)
{
    switch (code) {
    case UPAY_E_FORM_BAD_ESCAPE: return "malformed percent escape";
    case UPAY_E_FORM_NUL: return "NUL byte";
    case UPAY_E_FORM_BAD_UTF8: return "invalid UTF-8";
    default: return upay_strerror(code);
    }
}

static upay_code parse_pairs(const char *body, size_t len, char *buf, upay_params *p,
                             upay_error *err)
{
    char q[UPAY__QUOTE_SIZE];
    size_t pos = 0;
    while (pos < len) {
        const char *amp = memchr(body + pos, '&', len - pos);
        size_t end = amp != NULL ? (size_t)(amp - body) : len;
        if (end == pos) { /* empty pair */
            pos++;
            continue;
        }
        const char *eq_p = memchr(body + pos, '=', end - pos);
        size_t eq = eq_p != NULL ? (size_t)(eq_p - body) : end;

        size_t name_len, value_len, bad;
        char *name = buf;
        upay_code rc = decode(body + pos, eq - pos, name, &name_len, &bad);
        if (rc != UPAY_OK)
            return upay__error_set(err, rc, pos + bad, "parameter name '%s': %s",
                                   upay__error_quote(q, body + pos, eq - pos), what(rc));
        if (name_len == 0)
            return upay__error_set(err, UPAY_E_FORM_EMPTY_NAME, pos,
                                   "parameter with an empty name at offset %zu", pos);
        /* the name is quoted only for an error: this runs for every parameter */
        if (upay_params_get(p, name) != NULL)
            return upay__error_set(err, UPAY_E_FORM_DUPLICATE, pos,
                                   "parameter '%s' appears twice",
                                   upay__error_quote(q, name, name_len));

        char *value = buf + name_len + 1;
        value_len = 0;
        if (eq < end) {
            rc = decode(body + eq + 1, end - eq - 1, value, &value_len, &bad);
            if (rc != UPAY_OK)
                return upay__error_set(err, rc, eq + 1 + bad, "parameter '%s': %s",
                                       upay__error_quote(q, name, name_len), what(rc));
        } else {
            value[0] = '\0';
        }
        rc = upay_params_add(p, name, value);
        if (rc != UPAY_OK)
            return upay__error_set(err, rc, pos, "parameter '%s': %s",
                                   upay__error_quote(q, name, name_len), upay_strerror(rc));
        pos = end + 1;
    }
    return UPAY_OK;
}

UPAY_API upay_code upay_form_parse(const char *body, size_t len, size_t max_bytes,
                                   upay_params **out, upay_error *err)
{
    if (out == NULL)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "no place to store the result");
    *out = NULL;
    if (body == NULL && len > 0)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "NULL body with a non-zero length");
    size_t limit = max_bytes != 0 ? max_bytes : UPAY_FORM_DEFAULT_MAX_BYTES;
    if (len > limit)
        return upay__error_set(err, UPAY_E_FORM_TOO_LARGE, limit,
                               "form body of %zu bytes is over the limit of %zu bytes",
                               len, limit);

    upay_params *p = upay_params_new();
    /* Scratch for one decoded name and value: never longer than the pair. */
    char *buf = malloc(len + 2);
    if (p == NULL || buf == NULL) {
        upay_params_free(p);
        free(buf);
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory");
    }
    upay_code rc = parse_pairs(body, len, buf, p, err);
    free(buf);
    if (rc != UPAY_OK) {
        upay_params_free(p);
        return rc;
    }
    *out = p;
    return UPAY_OK;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || c == '-' || c == '.' || c == '_' || c == '~';
}

static size_t encoded_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        n += unreserved(*p) || *p == ' ' ? 1 : 3;
    return n;
}

static char *encode_into(char *o, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (unreserved(*p)) {
            *o++ = (char)*p;
        } else if (*p == ' ') {
            *o++ = '+';
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 0x0F];
        }
    }
    return o;
}

UPAY_API upay_code upay_form_encode(const upay_params *p, char **out)
{
    if (p == NULL || out == NULL)
        return UPAY_E_INVALID_ARG;
    size_t n = upay_params_count(p);
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += encoded_len(upay_params_name_at(p, i)) + 1
                 + encoded_len(upay_params_value_at(p, i)) + 1;
    char *s = malloc(total);
    if (s == NULL)
        return UPAY_E_NOMEM;
    char *o = s;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *o++ = '&';
        o = encode_into(o, upay_params_name_at(p, i));
        *o++ = '=';
        o = encode_into(o, upay_params_value_at(p, i));
    }
    *o = '\0';
    *out = s;
    return UPAY_OK;
}
