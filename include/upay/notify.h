/*
 * upay/notify.h - the gateway's payment notification of scan-to-pay: a
 * form POST to the pre-order's notify_url, signed like the gateway's
 * answers (v1: the agent's key; v2: the merchant's key). Call
 * upay_notify_parse() from your own HTTP handler with the request body:
 * only a notification whose signature verifies is decoded. Then, as the
 * vendor insists, check out_trade_no and total_fee against your own order
 * before marking it paid, make handling a repeat harmless (the gateway
 * sends the same notification again until it is acknowledged), and answer
 * the plain text UPAY_NOTIFY_ACK within 3 seconds. docs/scan-to-pay.md.
 */
#ifndef UPAY_NOTIFY_H
#define UPAY_NOTIFY_H

#include "error.h"
#include "params.h"

UPAY_BEGIN_DECLS

/* The answer that acknowledges a notification: the body, exactly, with HTTP 200. */
#define UPAY_NOTIFY_ACK "success"

/* What a verified payment notification says. Strings are NUL-terminated, "" when absent. */
typedef struct upay_notification {
    int paid;                    /* 1: state and result_code SUCCESS and pay_result 0 */
    char state[16];
    char result_code[16];
    char pay_result[16];
    char mch_id[33];
    char out_trade_no[33];
    char transaction_id[65];
    char out_transaction_id[65];
    char trade_type[33];         /* e.g. pay.weixin.native, pay.alipay.jspay */
    char time_end[15];           /* yyyyMMddHHmmss GMT+8 */
    char attach[257];
    long long total_fee;         /* fen; 0 unless paid */
    long long coupon_fee;        /* fen; 0 when absent */
} upay_notification;

/*
 * Verify and decode the notification body `body` (`len` bytes, an
 * application/x-www-form-urlencoded form of at most 65536 bytes) with `key`
 * (the agent's key for a pre-order made on /UnifiedPay/Gateway, the
 * merchant's for /v2/). The signature is checked first, in the `sign_type`
 * the body names (MD5 when none), parameter names sorted either way the
 * vendor has documented (byte order, or ignoring case); nothing of an
 * unverified body is decoded.
 *
 * Returns UPAY_OK with `*out` filled; UPAY_E_SIGN_MISSING or
 * UPAY_E_SIGN_MISMATCH for an unsigned or forged body (answer it with
 * anything but UPAY_NOTIFY_ACK and change nothing); UPAY_E_SIGN_TYPE; a
 * form error (UPAY_E_FORM_*); UPAY_E_BAD_RESPONSE when a verified body
 * lacks state, result_code, mch_id or out_trade_no, or, when it says paid,
 * transaction_id or a well-formed total_fee; UPAY_E_INVALID_ARG for NULL
 * `body`, `key` or `out`, or an empty key; UPAY_E_NOMEM. On any failure
 * `*out` is zeroed and `err` (may be NULL) gets a sentence. `params` (may
 * be NULL) receives the whole verified form on UPAY_OK (free with
 * upay_params_free()), NULL otherwise.
 */
UPAY_API upay_code upay_notify_parse(const char *body, size_t len, const char *key,
                                     upay_notification *out, upay_params **params,
                                     upay_error *err);

UPAY_END_DECLS

#endif /* UPAY_NOTIFY_H */
