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

UPAY_API upay_code upay_response_encode(const upay_params *p, char **out)
{
    if (p == NULL || out == NULL)
        return UPAY_E_INVALID_ARG;
    cJSON *obj = cJSON_CreateObject();
    if (obj == NULL)
        return UPAY_E_NOMEM;
    size_t n = upay_params_count(p);
    for (size_t i = 0; i < n; i++) {
        cJSON *v = cJSON_CreateString(upay_params_value_at(p, i));
        if (v == NULL || !cJSON_AddItemToObject(obj, upay_params_name_at(p, i), v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            return UPAY_E_NOMEM;
        }
    }
    /* cJSON allocates with malloc() (its default hooks), so upay_free()
     * releases the result. */
    char *s = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (s == NULL)
        return UPAY_E_NOMEM;
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
