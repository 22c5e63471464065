/*
 * response.c - the JSON response codec (see upay/response.h): a JSON
 * object whose members are all strings, to an ordered parameter set and
 * back, plus signed responses.
 *
 * cJSON does the parsing. It is lenient where the protocol must not be, so
 * upay__utf8_json_text_ok() first refuses what cJSON would let through or
 * silently change (bad UTF-8, NUL, raw control characters in strings).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "upay/response.h"
#include "error_detail.h"
#include "utf8.h"

static upay_code prescan(const char *s, size_t len, upay_error *err)
{
    size_t at;
    const char *why;
    if (!upay__utf8_json_text_ok(s, len, &at, &why))
        return upay__error_set(err, UPAY_E_JSON_SYNTAX, at, "%s at offset %zu", why, at);
    return UPAY_OK;
}

static const char *type_name(const cJSON *item)
{
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsNull(item))
        return "null";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsObject(item))
        return "an object";
    return "not a string";
}

static upay_code to_params(const cJSON *root, upay_params *p, upay_error *err)
{
    char q[UPAY__QUOTE_SIZE];
    for (const cJSON *m = root->child; m != NULL; m = m->next) {
        upay__error_quote(q, m->string, strlen(m->string));
        if (!cJSON_IsString(m) || m->valuestring == NULL)
            return upay__error_set(err, UPAY_E_JSON_NOT_STRING, 0,
                                   "member '%s' is %s, not a string", q, type_name(m));
        upay_code rc = upay_params_add(p, m->string, m->valuestring);
        if (rc == UPAY_E_FORM_DUPLICATE)
            return upay__error_set(err, UPAY_E_JSON_DUPLICATE, 0,
                                   "member '%s' appears twice", q);
        if (rc != UPAY_OK)
            return upay__error_set(err, rc, 0, "member '%s': %s", q, upay_strerror(rc));
    }
    return UPAY_OK;
}

UPAY_API upay_code upay_response_parse(const char *json, size_t len, size_t max_bytes,
                                       upay_params **out, upay_error *err)
{
    if (out == NULL)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "no place to store the result");
    *out = NULL;
    if (json == NULL)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "NULL document");
    size_t limit = max_bytes != 0 ? max_bytes : UPAY_RESPONSE_DEFAULT_MAX_BYTES;
    if (len > limit)
        return upay__error_set(err, UPAY_E_JSON_TOO_LARGE, limit,
                               "JSON document of %zu bytes is over the limit of %zu bytes",
                               len, limit);
    upay_code rc = prescan(json, len, err);
    if (rc != UPAY_OK)
        return rc;

    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (root == NULL) {
        size_t at = end != NULL && end >= json && end <= json + len ? (size_t)(end - json) : 0;
        return upay__error_set(err, UPAY_E_JSON_SYNTAX, at, "invalid JSON at offset %zu", at);
    }
    size_t at = (size_t)(end - json);
    while (at < len && strchr(" \t\r\n", json[at]) != NULL)
        at++;
    if (at < len) {
        cJSON_Delete(root);
        return upay__error_set(err, UPAY_E_JSON_SYNTAX, at,
                               "unexpected data after the JSON value at offset %zu", at);
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return upay__error_set(err, UPAY_E_JSON_NOT_OBJECT, 0,
                               "the JSON document is not an object");
    }

    upay_params *p = upay_params_new();
    if (p == NULL) {
        cJSON_Delete(root);
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory");
    }
    rc = to_params(root, p, err);
    cJSON_Delete(root);
    if (rc != UPAY_OK) {
        upay_params_free(p);
        return rc;
    }
    *out = p;
    return UPAY_OK;
}

/*
 * How many bytes each byte takes inside a JSON string beyond its own one,
 * escaped as cJSON does: the two-character forms for " \\ \b \f \n \r \t,
 * \u00XX for other control bytes, everything else (UTF-8 included) as
 * is. A table rather than a switch per byte: this writes every answer of
 * the mock, twice (once to size it).
 */
static const unsigned char json_extra[256] = {
    5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, /* \b \t \n, \f \r: 2 bytes */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    ['"'] = 1, ['\\'] = 1, /* the rest: 0, written as is */
};

/* The length of `text` (`len` bytes) as a JSON string, quotes included. */
static size_t json_width(const unsigned char *text, size_t len)
{
    size_t n = len + 2;
    for (size_t i = 0; i < len; i++)
        n += json_extra[text[i]];
    return n;
}

/*
 * Write `text` as a JSON string (quotes included) at `out` when it fits in
 * `room` bytes, and return its length either way: a result over `room`
 * means nothing was written. Runs of bytes that need no escape are copied
 * whole.
 */
static size_t json_string(const char *text, char *out, size_t room)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *c = (const unsigned char *)text;
    size_t len = strlen(text);
    if (room / 6 <= len) { /* may not fit at 6 bytes per byte: measure */
        size_t width = json_width(c, len);
        if (width > room)
            return width;
    }
    size_t n = 0, i = 0;
    out[n++] = '"';
    while (i < len) {
        size_t run = i;
        while (run < len && json_extra[c[run]] == 0)
            run++;
        memcpy(out + n, c + i, run - i);
        n += run - i;
        if (run == len)
            break;
        unsigned char e = c[run];
        if (json_extra[e] == 1) {
            out[n] = '\\';
            out[n + 1] = e == '"' ? '"' : e == '\\' ? '\\' : e == '\b' ? 'b'
                       : e == '\f' ? 'f' : e == '\n' ? 'n' : e == '\r' ? 'r' : 't';
            n += 2;
        } else {
            memcpy(out + n, "\\u00", 4);
            out[n + 4] = hex[e >> 4];
            out[n + 5] = hex[e & 0x0F];
            n += 6;
        }
        i = run + 1;
    }
    out[n++] = '"';
    return n;
}

/* One byte at `out` if it fits; its length, 1. */
static size_t json_byte(char c, char *out, size_t room)
{
    if (room >= 1)
        *out = c;
    return 1;
}

/*
 * Write the object, without the NUL, into `out` (`cap` bytes) as far as it
 * fits, and return its whole length: a result over `cap` means `out` does
 * not hold it.
 */
static size_t json_object(const upay_params *p, char *out, size_t cap)
{
    size_t n = 0, count = upay_params_count(p);
#define ROOM (n < cap ? cap - n : 0)
    n += json_byte('{', out + n, ROOM);
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            n += json_byte(',', out + (n < cap ? n : 0), ROOM);
        n += json_string(upay_params_name_at(p, i), out + (n < cap ? n : 0), ROOM);
        n += json_byte(':', out + (n < cap ? n : 0), ROOM);
        n += json_string(upay_params_value_at(p, i), out + (n < cap ? n : 0), ROOM);
    }
    n += json_byte('}', out + (n < cap ? n : 0), ROOM);
#undef ROOM
    return n;
}

/*
 * A direct writer rather than a cJSON tree: it answers every request of the
 * mock. One pass writes into a buffer on the stack that holds any usual
 * answer, then one allocation of the exact size takes a copy; only a
 * larger document (a long refund list) is measured and written again.
 */
UPAY_API upay_code upay_response_encode(const upay_params *p, char **out)
{
    if (p == NULL || out == NULL)
        return UPAY_E_INVALID_ARG;
    char stack[2048];
    size_t len = json_object(p, stack, sizeof stack);
    char *s = malloc(len + 1);
    if (s == NULL)
        return UPAY_E_NOMEM;
    if (len <= sizeof stack)
        memcpy(s, stack, len);
    else
        (void)json_object(p, s, len);
    s[len] = '\0';
    *out = s;
    return UPAY_OK;
}

UPAY_API size_t upay_response_write(const upay_params *p, char *buf, size_t cap)
{
    char none;
    if (buf == NULL) {   /* measure only: no pointer arithmetic on NULL */
        buf = &none;
        cap = 0;
    }
    if (p == NULL) {
        if (cap > 0)
            buf[0] = '\0';
        return 0;
    }
    size_t len = json_object(p, buf, cap);
    if (len < cap)
        buf[len] = '\0';
    return len;
}

UPAY_API upay_code upay_response_build(upay_params *p, const char *key, upay_sign_type type,
                                       char **out)
{
    if (out == NULL)
        return UPAY_E_INVALID_ARG;
    upay_code rc = upay_sign_params(p, key, type);
    if (rc != UPAY_OK)
        return rc;
    return upay_response_encode(p, out);
}

UPAY_API upay_code upay_response_verify(const upay_params *p, const char *key,
                                        upay_sign_type type)
{
    return upay_sign_verify(p, key, type);
}
