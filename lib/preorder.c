/*
 * preorder.c - upay_preorder(): the scan-to-pay pre-order (upay/preorder.h),
 * built as a parameter set and sent through upay_call(), which signs it,
 * verifies the answer and fills the result like every other call.
 */
#include <stdio.h>
#include <string.h>

#include "error_detail.h"
#include "upay/preorder.h"

static int present(const char *s)
{
    return s && *s;
}

static upay_code missing(upay_error *err, const char *what)
{
    return upay__error_set(err, UPAY_E_INVALID_ARG, 0,
                           "pre-order: %s is required (nothing was sent)", what);
}

upay_code upay_preorder(upay_client *client, const upay_preorder_request *q, upay_result **out,
                        upay_error *err)
{
    if (out)
        *out = NULL;
    if (!client || !out)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "pre-order: the client or the result "
                                                           "pointer is NULL");
    if (!q)
        return missing(err, "a request");
    const char *method = q->paytype == UPAY_PAYTYPE_WECHAT ? "PreOrder_WECHAT"
                         : q->paytype == UPAY_PAYTYPE_ALIPAY ? "PreOrder_ALIPAY"
                         : q->paytype == UPAY_PAYTYPE_ECNY ? "PreOrder_ECNY" : NULL;
    if (!method)
        return missing(err, "paytype WECHAT, ALIPAY or ECNY");
    if (!present(q->mch_id))
        return missing(err, "mch_id");
    if (!present(q->out_trade_no))
        return missing(err, "out_trade_no");
    if (!present(q->trade_type))
        return missing(err, "trade_type");
    if (!present(q->body))
        return missing(err, "body");
    if (q->total_fee <= 0 || q->total_fee > UPAY_AMOUNT_MAX)
        return missing(err, "total_fee from 1 to UPAY_AMOUNT_MAX fen");

    upay_params *p = upay_params_new();
    char fee[24];
    snprintf(fee, sizeof fee, "%lld", q->total_fee);
    const char *pairs[][2] = {
        { "mch_id", q->mch_id },
        { "out_trade_no", q->out_trade_no },
        { "trade_type", q->trade_type },
        { "body", q->body },
        { "attach", q->attach },
        { "total_fee", fee },
        { "notify_url", q->notify_url },
        { "product_id", q->product_id },
        { "sub_appid", q->sub_appid },
        { "buyer_id", q->buyer_id },
        { "time_expire", q->time_expire },
        { "device_info", q->device_info },
        { "mch_create_ip", q->mch_create_ip },
        { "op_user_id", q->op_user_id },
        { "op_shop_id", q->op_shop_id },
        { "goods_tag", q->goods_tag },
    };
    upay_code rc = p ? UPAY_OK : UPAY_E_NOMEM;
    for (size_t i = 0; rc == UPAY_OK && i < sizeof pairs / sizeof pairs[0]; i++)
        if (present(pairs[i][1]))
            rc = upay_params_set(p, pairs[i][0], pairs[i][1]);
    for (size_t i = 0; rc == UPAY_OK && q->extra && i < upay_params_count(q->extra); i++)
        rc = upay_params_set(p, upay_params_name_at(q->extra, i), upay_params_value_at(q->extra, i));
    if (rc != UPAY_OK) {
        upay_params_free(p);
        return upay__error_set(err, rc, 0, "pre-order: the request cannot be built: %s",
                               upay_strerror(rc));
    }
    rc = upay_call(client, method, p, 0, out, err);
    upay_params_free(p);
    return rc;
}
