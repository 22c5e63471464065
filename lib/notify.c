/*
 * notify.c - upay_notify_parse(): verify, then decode, the gateway's
 * scan-to-pay notification (upay/notify.h). Nothing of a body whose
 * signature does not verify is looked at beyond what verifying needs.
 */
#include <stdio.h>
#include <string.h>

#include "error_detail.h"
#include "upay/form.h"
#include "upay/notify.h"
#include "upay/protocol.h"
#include "upay/sign.h"

/* Copy field `name` of `p` into dst[size]; nonzero when it fits (absent: "" and fits). */
static int take(const upay_params *p, const char *name, char *dst, size_t size)
{
    const char *v = upay_params_get(p, name);
    size_t len = v ? strlen(v) : 0;
    if (len >= size) {
        dst[0] = '\0';
        return 0;
    }
    memcpy(dst, v ? v : "", len + 1);
    return 1;
}

static upay_code fail(upay_notification *out, upay_params *p, upay_error *err, upay_code code,
                      const char *what)
{
    memset(out, 0, sizeof *out);
    upay_params_free(p);
    return upay__error_set(err, code, 0, "notification: %s", what);
}

upay_code upay_notify_parse(const char *body, size_t len, const char *key,
                            upay_notification *out, upay_params **params, upay_error *err)
{
    if (params)
        *params = NULL;
    if (out)
        memset(out, 0, sizeof *out);
    if (!body || !key || !*key || !out)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0,
                               "notification: body, key and out are required (a non-empty key)");
    upay_params *p = NULL;
    upay_code rc = upay_form_parse(body, len, UPAY_FORM_DEFAULT_MAX_BYTES, &p, err);
    if (rc != UPAY_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    upay_sign_type type = UPAY_SIGN_MD5;
    if (upay_sign_type_parse(upay_params_get(p, "sign_type"), &type) != UPAY_OK)
        return fail(out, p, err, UPAY_E_SIGN_TYPE, "unknown sign_type");
    rc = upay_sign_verify_sorted(p, key, type, UPAY_SIGN_SORT_BYTES);
    if (rc == UPAY_E_SIGN_MISMATCH)
        rc = upay_sign_verify_sorted(p, key, type, UPAY_SIGN_SORT_NOCASE);
    if (rc == UPAY_E_SIGN_MISSING)
        return fail(out, p, err, rc, "no sign: not from the gateway, do not believe it");
    if (rc != UPAY_OK)
        return fail(out, p, err, rc == UPAY_E_NOMEM ? rc : UPAY_E_SIGN_MISMATCH,
                    "the sign does not match (forged, altered, or another key): do not "
                    "believe it");

    if (!take(p, "state", out->state, sizeof out->state) || !out->state[0]
        || !take(p, "result_code", out->result_code, sizeof out->result_code)
        || !out->result_code[0])
        return fail(out, p, err, UPAY_E_BAD_RESPONSE, "state or result_code missing or too long");
    if (!take(p, "mch_id", out->mch_id, sizeof out->mch_id) || !out->mch_id[0]
        || !take(p, "out_trade_no", out->out_trade_no, sizeof out->out_trade_no)
        || !out->out_trade_no[0])
        return fail(out, p, err, UPAY_E_BAD_RESPONSE, "mch_id or out_trade_no missing or too long");
    if (!take(p, "pay_result", out->pay_result, sizeof out->pay_result)
        || !take(p, "transaction_id", out->transaction_id, sizeof out->transaction_id)
        || !take(p, "out_transaction_id", out->out_transaction_id, sizeof out->out_transaction_id)
        || !take(p, "trade_type", out->trade_type, sizeof out->trade_type)
        || !take(p, "time_end", out->time_end, sizeof out->time_end)
        || !take(p, "attach", out->attach, sizeof out->attach))
        return fail(out, p, err, UPAY_E_BAD_RESPONSE, "a field is longer than its documented size");
    out->paid = strcmp(out->state, "SUCCESS") == 0 && strcmp(out->result_code, "SUCCESS") == 0
                && strcmp(out->pay_result, "0") == 0;
    if (out->paid) {
        const char *fee = upay_params_get(p, "total_fee");
        const char *coupon = upay_params_get(p, "coupon_fee");
        if (!out->transaction_id[0] || !fee || upay_amount_parse(fee, &out->total_fee) != UPAY_OK
            || out->total_fee <= 0)
            return fail(out, p, err, UPAY_E_BAD_RESPONSE,
                        "a paid notification needs transaction_id and a total_fee in fen");
        if (coupon && *coupon && upay_amount_parse(coupon, &out->coupon_fee) != UPAY_OK)
            return fail(out, p, err, UPAY_E_BAD_RESPONSE, "coupon_fee is not an amount in fen");
        out->paid = 1;
    }
    if (params)
        *params = p;
    else
        upay_params_free(p);
    return UPAY_OK;
}
