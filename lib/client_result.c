/*
 * client_result.c - upay_result: allocation, the strings and sets it owns,
 * and filling its typed fields from a verified answer. The public struct is
 * the first member of a private one that records what must be freed.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "client_internal.h"

typedef struct result_impl {
    upay_result pub;             /* first: a upay_result * is a result_impl * */
    char **owned;                /* strings freed with the result */
    size_t owned_count, owned_cap;
    upay_params *params;
    upay_params *request;
    upay_refund_entry *refunds;
} result_impl;

static const char empty[] = "";

/* Typed string fields, by wire name. */
static const struct {
    const char *name;
    size_t offset;
} string_fields[] = {
    {"state", offsetof(upay_result, state)},
    {"code", offsetof(upay_result, code)},
    {"msg", offsetof(upay_result, msg)},
    {"trade_state", offsetof(upay_result, trade_state)},
    {"mch_id", offsetof(upay_result, mch_id)},
    {"appid", offsetof(upay_result, appid)},
    {"is_subscribe", offsetof(upay_result, is_subscribe)},
    {"openid", offsetof(upay_result, openid)},
    {"sub_appid", offsetof(upay_result, sub_appid)},
    {"sub_is_subscribe", offsetof(upay_result, sub_is_subscribe)},
    {"sub_openid", offsetof(upay_result, sub_openid)},
    {"transaction_id", offsetof(upay_result, transaction_id)},
    {"out_transaction_id", offsetof(upay_result, out_transaction_id)},
    {"out_trade_no", offsetof(upay_result, out_trade_no)},
    {"fee_type", offsetof(upay_result, fee_type)},
    {"attach", offsetof(upay_result, attach)},
    {"bank_type", offsetof(upay_result, bank_type)},
    {"bank_billno", offsetof(upay_result, bank_billno)},
    {"time_end", offsetof(upay_result, time_end)},
    {"nonce_str", offsetof(upay_result, nonce_str)},
    {"out_refund_no", offsetof(upay_result, out_refund_no)},
    {"refund_id", offsetof(upay_result, refund_id)},
    {"refund_channel", offsetof(upay_result, refund_channel)},
    {"refund_list", offsetof(upay_result, refund_list)},
};

/* Typed amount fields, by wire name. */
static const struct {
    const char *name;
    size_t offset;
} amount_fields[] = {
    {"total_fee", offsetof(upay_result, total_fee)},
    {"coupon_fee", offsetof(upay_result, coupon_fee)},
    {"refund_fee", offsetof(upay_result, refund_fee)},
    {"coupon_refund_fee", offsetof(upay_result, coupon_refund_fee)},
    {"refund_fee_summary", offsetof(upay_result, refund_fee_summary)},
    {"refund_count", offsetof(upay_result, refund_count)},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char **string_slot(upay_result *r, size_t offset)
{
    return (const char **)(void *)((char *)r + offset);
}

static long long *amount_slot(upay_result *r, size_t offset)
{
    return (long long *)(void *)((char *)r + offset);
}

upay_result *upay__result_new(void)
{
    result_impl *impl = calloc(1, sizeof *impl);
    if (!impl)
        return NULL;
    upay_result *r = &impl->pub;
    for (size_t i = 0; i < N_OF(string_fields); i++)
        *string_slot(r, string_fields[i].offset) = empty;
    for (size_t i = 0; i < N_OF(amount_fields); i++)
        *amount_slot(r, amount_fields[i].offset) = -1;
    r->body = empty;
    r->response_sign_string = empty;
    r->url = empty;
    r->method = empty;
    r->request_body = empty;
    r->request_sign_string = empty;
    return r;
}

void upay_result_free(upay_result *r)
{
    if (!r)
        return;
    result_impl *impl = (result_impl *)r;
    for (size_t i = 0; i < impl->owned_count; i++)
        free(impl->owned[i]);
    free(impl->owned);
    upay_params_free(impl->params);
    upay_params_free(impl->request);
    upay_free(impl->refunds);
    free(impl);
}

const char *upay__result_own_string(upay_result *r, char *s)
{
    result_impl *impl = (result_impl *)r;
    if (!s)
        return NULL;
    if (impl->owned_count == impl->owned_cap) {
        size_t cap = impl->owned_cap ? impl->owned_cap * 2 : 16;
        char **grown = realloc(impl->owned, cap * sizeof *grown);
        if (!grown) {
            free(s);
            return NULL;
        }
        impl->owned = grown;
        impl->owned_cap = cap;
    }
    impl->owned[impl->owned_count++] = s;
    return s;
}

const char *upay__result_keep(upay_result *r, const char *s)
{
    if (!s || !*s)
        return empty;
    return upay__result_own_string(r, strdup(s));
}

void upay__result_own_response(upay_result *r, upay_params *p)
{
    result_impl *impl = (result_impl *)r;
    upay_params_free(impl->params);
    impl->params = p;
    r->params = p;
}

void upay__result_own_request(upay_result *r, upay_params *p)
{
    result_impl *impl = (result_impl *)r;
    upay_params_free(impl->request);
    impl->request = p;
    r->request = p;
}

void upay__result_own_refunds(upay_result *r, upay_refund_entry *items, size_t count)
{
    result_impl *impl = (result_impl *)r;
    upay_free(impl->refunds);
    impl->refunds = items;
    r->refunds = items;
    r->refund_entry_count = items ? count : 0;
}

upay_outcome upay__outcome_of(const char *trade_state)
{
    static const struct {
        const char *name;
        upay_outcome outcome;
    } table[] = {
        {"SUCCESS", UPAY_OUTCOME_SUCCESS},       {"NEED_QUERY", UPAY_OUTCOME_NEED_QUERY},
        {"FAIL", UPAY_OUTCOME_FAIL},             {"PROCESSING", UPAY_OUTCOME_PROCESSING},
        {"REFUND", UPAY_OUTCOME_REFUND},
    };
    if (trade_state)
        for (size_t i = 0; i < N_OF(table); i++)
            if (strcmp(trade_state, table[i].name) == 0)
                return table[i].outcome;
    return UPAY_OUTCOME_OTHER;
}

/* A gateway code: 1 to 9 digits, else 0. */
static int parse_code(const char *s)
{
    int v = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 9)
            return 0;
        v = v * 10 + (s[n] - '0');
    }
    return n ? v : 0;
}

upay_code upay__result_fill(upay_result *r, const upay_params *p)
{
    for (size_t i = 0; i < N_OF(string_fields); i++) {
        const char *v = upay_params_get(p, string_fields[i].name);
        /* Borrow from `params`, which the result owns and never changes. */
        *string_slot(r, string_fields[i].offset) = v ? v : empty;
    }
    for (size_t i = 0; i < N_OF(amount_fields); i++) {
        const char *v = upay_params_get(p, amount_fields[i].name);
        long long amount;
        *amount_slot(r, amount_fields[i].offset) =
            v && upay_amount_parse(v, &amount) == UPAY_OK ? amount : -1;
    }
    r->gw_code = parse_code(r->code);
    return UPAY_OK;
}
