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
 * Write `text` as a JSON string (quotes included) at `out`, or only count
 * its length when `out` is NULL. Escapes as cJSON does: the two-character
 * forms for " \\ \b \f \n \r \t, \u00XX for other control bytes,
 * everything else (UTF-8 included) as is.
 */
static size_t json_string(const char *text, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (out)
        out[n] = '"';
    n++;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        char short_form = 0;
        switch (*c) {
        case '"': short_form = '"'; break;
        case '\\': short_form = '\\'; break;
        case '\b': short_form = 'b'; break;
        case '\f': short_form = 'f'; break;
        case '\n': short_form = 'n'; break;
        case '\r': short_form = 'r'; break;
        case '\t': short_form = 't'; break;
        default: break;
        }
        if (short_form) {
            if (out) {
                out[n] = '\\';
                out[n + 1] = short_form;
            }
            n += 2;
        } else if (*c < 0x20) {
            if (out) {
                memcpy(out + n, "\\u00", 4);
                out[n + 4] = hex[*c >> 4];
                out[n + 5] = hex[*c & 0x0F];
            }
            n += 6;
        } else {
            if (out)
                out[n] = (char)*c;
            n++;
        }
    }
    if (out)
        out[n] = '"';
    return n + 1;
}

/* Write the object (or count its length when `out` is NULL), without the NUL. */
static size_t json_object(const upay_params *p, char *out)
{
    size_t n = 0, count = upay_params_count(p);
    if (out)
        out[n] = '{';
    n++;
    for (size_t i = 0; i < count; i++) {
        if (i > 0) {
            if (out)
                out[n] = ',';
            n++;
        }
        n += json_string(upay_params_name_at(p, i), out ? out + n : NULL);
        if (out)
            out[n] = ':';
        n++;
        n += json_string(upay_params_value_at(p, i), out ? out + n : NULL);
    }
    if (out)
        out[n] = '}';
    return n + 1;
}

/*
 * A direct writer rather than a cJSON tree: it answers every request of the
 * mock, and one measured pass plus one allocation cost a fraction of
 * building and printing a tree.
 */
UPAY_API upay_code upay_response_encode(const upay_params *p, char **out)
{
    if (p == NULL || out == NULL)
        return UPAY_E_INVALID_ARG;
    size_t len = json_object(p, NULL);
    char *s = malloc(len + 1);
    if (s == NULL)
        return UPAY_E_NOMEM;
    json_object(p, s);
    s[len] = '\0';
    *out = s;
    return UPAY_OK;
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
