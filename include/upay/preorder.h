/*
 * upay/preorder.h - scan-to-pay: create a pre-order (the vendor's
 * PreOrder_WECHAT, PreOrder_ALIPAY, PreOrder_ECNY) that the customer pays later on their
 * phone, by scanning a QR code drawn from `code_url` (NATIVE) or through
 * `pay_info` in a mini-program or app (JSPAY, APP). The gateway then posts
 * a signed notification to `notify_url`: decode it with
 * upay_notify_parse() (upay/notify.h). docs/scan-to-pay.md tells the
 * whole flow.
 */
#ifndef UPAY_PREORDER_H
#define UPAY_PREORDER_H

#include "client.h"

UPAY_BEGIN_DECLS

/*
 * method=PreOrder_WECHAT, PreOrder_ALIPAY or PreOrder_ECNY. Required: paytype
 * (WECHAT, ALIPAY or ECNY), mch_id, out_trade_no, trade_type, body, total_fee > 0; and, by
 * the gateway's table: product_id for NATIVE, buyer_id for JSPAY, sub_appid
 * for WeChat JSPAY and APP (the gateway checks those, not the library).
 */
typedef struct upay_preorder_request {
    upay_paytype paytype;        /* UPAY_PAYTYPE_WECHAT, _ALIPAY or _ECNY (digital yuan) */
    const char *mch_id;
    const char *out_trade_no;    /* 5-32 of [A-Za-z0-9_]; fresh for every attempt */
    const char *trade_type;      /* "NATIVE", "JSPAY" or "APP" */
    const char *body;            /* goods description */
    const char *attach;          /* echoed in the notification */
    long long total_fee;         /* fen, 1..UPAY_AMOUNT_MAX */
    const char *notify_url;      /* where the gateway posts the notification; no query string */
    const char *product_id;      /* NATIVE */
    const char *sub_appid;       /* WeChat JSPAY, APP */
    const char *buyer_id;        /* JSPAY */
    const char *time_expire;     /* yyyyMMddHHmmss GMT+8: unpaid then, the order closes */
    const char *device_info;
    const char *mch_create_ip;
    const char *op_user_id;
    const char *op_shop_id;
    const char *goods_tag;
    const upay_params *extra;    /* more parameters, replacing typed ones of the same name */
} upay_preorder_request;

/*
 * Create a pre-order. Like upay_pay(): the answer is verified before it is
 * trusted and the return codes are those of upay/client.h. On UPAY_OK with
 * outcome UPAY_OUTCOME_SUCCESS the pre-order exists, unpaid: its QR link is
 * upay_params_get((*out)->params, "code_url") (NATIVE) and the wallet's
 * payment data upay_params_get((*out)->params, "pay_info") (JSPAY, APP).
 * `*out` is set as by upay_pay() (NULL only for UPAY_E_INVALID_ARG and
 * UPAY_E_NOMEM); free it with upay_result_free(). A missing required
 * field fails with UPAY_E_INVALID_ARG before anything is sent.
 */
UPAY_API upay_code upay_preorder(upay_client *client, const upay_preorder_request *req,
                                 upay_result **out, upay_error *err);

UPAY_END_DECLS

#endif /* UPAY_PREORDER_H */
