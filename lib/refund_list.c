/*
 * refund_list.c - the refund_list field of refundquery (see
 * upay/refund_list.h): a JSON array of objects of strings, carried as a
 * string inside the response, to upay_refund_entry values and back.
 *
 * Each item goes through a upay_params so duplicate members are caught the
 * same way as in a response; members this code does not know are ignored.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "upay/params.h"
#include "upay/protocol.h"
#include "upay/refund_list.h"
#include "error_detail.h"
#include "utf8.h"

UPAY_API const char *upay_refund_status_name(upay_refund_status status)
{
    switch (status) {
    case UPAY_REFUND_SUCCESS: return "SUCCESS";
    case UPAY_REFUND_FAIL: return "FAIL";
    case UPAY_REFUND_PROCESSING: return "PROCESSING";
    case UPAY_REFUND_NOTSURE: return "NOTSURE";
    case UPAY_REFUND_CHANGE: return "CHANGE";
    }
    return "";
}

UPAY_API upay_code upay_refund_status_parse(const char *value, upay_refund_status *out)
{
    static const upay_refund_status all[] = {
        UPAY_REFUND_SUCCESS, UPAY_REFUND_FAIL, UPAY_REFUND_PROCESSING,
        UPAY_REFUND_NOTSURE, UPAY_REFUND_CHANGE,
    };
    if (out == NULL)
        return UPAY_E_INVALID_ARG;
    if (value == NULL)
        return UPAY_E_REFUND_LIST_FIELD;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(value, upay_refund_status_name(all[i])) == 0) {
            *out = all[i];
            return UPAY_OK;
        }
    }
    return UPAY_E_REFUND_LIST_FIELD;
}

/* Ids and channel names: printable ASCII without spaces. */
static int id_shape(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s < 0x21 || *s > 0x7E)
            return 0;
    return 1;
}

/* Context of one item for error messages. */
struct item_ctx {
    const upay_params *m;
    size_t index;
    upay_error *err;
};

static upay_code field_error(const struct item_ctx *c, const char *field, const char *what)
{
    return upay__error_set(c->err, UPAY_E_REFUND_LIST_FIELD, 0,
                           "refund_list item %zu: field '%s' %s", c->index, field, what);
}

/* A string field into `dst` (`cap` bytes); "" when absent unless required. */
static upay_code get_id(const struct item_ctx *c, const char *field, int required, char *dst,
                        size_t cap)
{
    const char *v = upay_params_get(c->m, field);
    if (v == NULL || v[0] == '\0')
        return required ? field_error(c, field, "is missing") : UPAY_OK;
    if (strlen(v) >= cap)
        return field_error(c, field, "is too long");
    if (!id_shape(v))
        return field_error(c, field, "has characters other than printable ASCII");
    memcpy(dst, v, strlen(v) + 1);
    return UPAY_OK;
}

static upay_code get_amount(const struct item_ctx *c, const char *field, int required,
                            long long *out)
{
    const char *v = upay_params_get(c->m, field);
    if (v == NULL || v[0] == '\0') {
        *out = 0;
        return required ? field_error(c, field, "is missing") : UPAY_OK;
    }
    if (upay_amount_parse(v, out) != UPAY_OK)
        return field_error(c, field, "is not an amount in fen");
    return UPAY_OK;
}

static upay_code fill_entry(const struct item_ctx *c, upay_refund_entry *e)
{
    upay_code rc;
    long long serial;
    if ((rc = get_amount(c, "serial_no", 1, &serial)) != UPAY_OK)
        return rc;
    if (serial > UINT_MAX)
        return field_error(c, "serial_no", "is out of range");
    e->serial_no = (unsigned)serial;
    if ((rc = get_id(c, "refund_id", 1, e->refund_id, sizeof e->refund_id)) != UPAY_OK
        || (rc = get_id(c, "out_refund_id", 0, e->out_refund_id, sizeof e->out_refund_id))
               != UPAY_OK
        || (rc = get_id(c, "out_refund_no", 1, e->out_refund_no, sizeof e->out_refund_no))
               != UPAY_OK
        || (rc = get_id(c, "refund_channel", 0, e->refund_channel, sizeof e->refund_channel))
               != UPAY_OK
        || (rc = get_amount(c, "refund_fee", 1, &e->refund_fee)) != UPAY_OK
        || (rc = get_amount(c, "coupon_refund_fee", 0, &e->coupon_refund_fee)) != UPAY_OK)
        return rc;
    if (e->coupon_refund_fee > e->refund_fee)
        return field_error(c, "coupon_refund_fee", "is larger than refund_fee");

    const char *status = upay_params_get(c->m, "refund_status");
    if (status == NULL || status[0] == '\0')
        return field_error(c, "refund_status", "is missing");
    if (upay_refund_status_parse(status, &e->refund_status) != UPAY_OK)
        return field_error(c, "refund_status", "is not a known status");

    const char *t = upay_params_get(c->m, "refund_time");
    if (t != NULL && t[0] != '\0') {
        /* Both layouts the gateway writes; kept as yyyyMMddHHmmss. */
        time_t when;
        if (upay_time_parse(t, &when) != UPAY_OK
            || upay_time_format(when, e->refund_time) != UPAY_OK)
            return field_error(c, "refund_time",
                               "is not a yyyyMMddHHmmss or yyyy-MM-dd HH:mm:ss time");
    }
    return UPAY_OK;
}

static upay_code parse_item(const cJSON *item, size_t index, upay_refund_entry *e,
                            upay_error *err)
{
    if (!cJSON_IsObject(item))
        return upay__error_set(err, UPAY_E_REFUND_LIST_ITEM, 0,
                               "refund_list item %zu is not an object", index);
    upay_params *m = upay_params_new();
    if (m == NULL)
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory");
    upay_code rc = UPAY_OK;
    char q[UPAY__QUOTE_SIZE];
    for (const cJSON *f = item->child; f != NULL && rc == UPAY_OK; f = f->next) {
        upay__error_quote(q, f->string, strlen(f->string));
        if (!cJSON_IsString(f) || f->valuestring == NULL) {
            rc = upay__error_set(err, UPAY_E_REFUND_LIST_ITEM, 0,
                                 "refund_list item %zu: member '%s' is not a string", index, q);
            break;
        }
        rc = upay_params_add(m, f->string, f->valuestring);
        if (rc == UPAY_E_FORM_DUPLICATE)
            rc = upay__error_set(err, UPAY_E_REFUND_LIST_ITEM, 0,
                                 "refund_list item %zu: member '%s' appears twice", index, q);
        else if (rc != UPAY_OK)
            rc = upay__error_set(err, rc, 0, "out of memory");
    }
    if (rc == UPAY_OK) {
        struct item_ctx c = {m, index, err};
        rc = fill_entry(&c, e);
    }
    upay_params_free(m);
    return rc;
}

UPAY_API upay_code upay_refund_list_parse(const char *text, upay_refund_entry **items,
                                          size_t *count, upay_error *err)
{
    if (items == NULL || count == NULL)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "no place to store the result");
    *items = NULL;
    *count = 0;
    if (text == NULL)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "NULL refund_list");

    size_t len = strlen(text), at;
    const char *why;
    if (!upay__utf8_json_text_ok(text, len, &at, &why))
        return upay__error_set(err, UPAY_E_REFUND_LIST_SYNTAX, at,
                               "refund_list: %s at offset %zu", why, at);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (root == NULL) {
        at = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        return upay__error_set(err, UPAY_E_REFUND_LIST_SYNTAX, at,
                               "refund_list is not valid JSON (offset %zu)", at);
    }
    at = (size_t)(end - text);
    while (at < len && strchr(" \t\r\n", text[at]) != NULL)
        at++;
    upay_code rc = UPAY_OK;
    if (at < len)
        rc = upay__error_set(err, UPAY_E_REFUND_LIST_SYNTAX, at,
                             "refund_list: unexpected data after the array at offset %zu", at);
    else if (!cJSON_IsArray(root))
        rc = upay__error_set(err, UPAY_E_REFUND_LIST_NOT_ARRAY, 0,
                             "refund_list is not a JSON array");
    if (rc != UPAY_OK) {
        cJSON_Delete(root);
        return rc;
    }

    size_t n = 0;
    for (const cJSON *it = root->child; it != NULL; it = it->next)
        n++;
    upay_refund_entry *list = NULL;
    if (n > 0) {
        list = calloc(n, sizeof *list);
        if (list == NULL) {
            cJSON_Delete(root);
            return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory");
        }
    }
    size_t i = 0;
    for (const cJSON *it = root->child; it != NULL && rc == UPAY_OK; it = it->next, i++)
        rc = parse_item(it, i, &list[i], err);
    cJSON_Delete(root);
    if (rc != UPAY_OK) {
        free(list);
        return rc;
    }
    *items = list;
    *count = n;
    return UPAY_OK;
}

/* 1 when `s` holds a NUL within its `cap` bytes. */
static int terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int entry_ok(const upay_refund_entry *e)
{
    return terminated(e->refund_id, sizeof e->refund_id)
           && terminated(e->out_refund_id, sizeof e->out_refund_id)
           && terminated(e->out_refund_no, sizeof e->out_refund_no)
           && terminated(e->refund_channel, sizeof e->refund_channel)
           && terminated(e->refund_time, sizeof e->refund_time)
           && upay_refund_status_name(e->refund_status)[0] != '\0'
           && e->refund_fee >= 0 && e->coupon_refund_fee >= 0;
}

static int add_str(cJSON *obj, const char *name, const char *value, int keep_empty)
{
    if (value[0] == '\0' && !keep_empty)
        return 1;
    cJSON *v = cJSON_CreateString(value);
    if (v == NULL)
        return 0;
    if (!cJSON_AddItemToObject(obj, name, v)) {
        cJSON_Delete(v);
        return 0;
    }
    return 1;
}

static int add_entry(cJSON *array, const upay_refund_entry *e)
{
    char serial[24], fee[24], coupon[24];
    snprintf(serial, sizeof serial, "%u", e->serial_no);
    snprintf(fee, sizeof fee, "%lld", e->refund_fee);
    snprintf(coupon, sizeof coupon, "%lld", e->coupon_refund_fee);
    cJSON *obj = cJSON_CreateObject();
    if (obj == NULL)
        return 0;
    if (!cJSON_AddItemToArray(array, obj)) {
        cJSON_Delete(obj);
        return 0;
    }
    return add_str(obj, "serial_no", serial, 1)
           && add_str(obj, "refund_id", e->refund_id, 0)
           && add_str(obj, "out_refund_id", e->out_refund_id, 0)
           && add_str(obj, "out_refund_no", e->out_refund_no, 0)
           && add_str(obj, "refund_channel", e->refund_channel, 0)
           && add_str(obj, "refund_fee", fee, 1)
           && add_str(obj, "refund_status", upay_refund_status_name(e->refund_status), 1)
           && add_str(obj, "refund_time", e->refund_time, 0)
           && add_str(obj, "coupon_refund_fee", coupon, 1);
}

UPAY_API upay_code upay_refund_list_encode(const upay_refund_entry *items, size_t count,
                                           char **out)
{
    if (out == NULL || (items == NULL && count > 0))
        return UPAY_E_INVALID_ARG;
    for (size_t i = 0; i < count; i++)
        if (!entry_ok(&items[i]))
            return UPAY_E_INVALID_ARG;
    cJSON *array = cJSON_CreateArray();
    if (array == NULL)
        return UPAY_E_NOMEM;
    for (size_t i = 0; i < count; i++) {
        if (!add_entry(array, &items[i])) {
            cJSON_Delete(array);
            return UPAY_E_NOMEM;
        }
    }
    char *s = cJSON_PrintUnformatted(array); /* malloc'd: upay_free() releases it */
    cJSON_Delete(array);
    if (s == NULL)
        return UPAY_E_NOMEM;
    *out = s;
    return UPAY_OK;
}
