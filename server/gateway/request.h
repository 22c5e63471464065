/*
 * server/gateway/request.h - the parameter check of the five calls (code 20004):
 * which parameters each call requires, and the shape of each value. Runs
 * after the signature check and before anything touches the store.
 */
#ifndef UPAY_MOCK_REQUEST_H
#define UPAY_MOCK_REQUEST_H

#include <stddef.h>
#include <upay/params.h>

typedef enum mock_call_kind {
    MOCK_CALL_PAY = 0,
    MOCK_CALL_ORDERQUERY,
    MOCK_CALL_REFUND,
    MOCK_CALL_REFUNDQUERY,
    MOCK_CALL_CANCEL,
    MOCK_CALL_PREORDER         /* PreOrder_WECHAT, PreOrder_ALIPAY (scan-to-pay, calls/preorder.c) */
} mock_call_kind;

/* Longest free-text value accepted (body, attach, op_user_id, ...), in bytes. */
#define MOCK_TEXT_MAX 128

/*
 * A checked request. String fields are borrowed from the parameter set
 * (valid while it lives); an absent or empty parameter is NULL.
 */
typedef struct mock_request {
    mock_call_kind kind;
    const char *mch_id;
    const char *out_trade_no;
    const char *transaction_id;
    const char *out_refund_no;
    const char *refund_id;
    const char *auth_code;
    const char *attach;
    const char *appid;
    const char *sub_appid;
    const char *version;
    int paytype;               /* upay_paytype: the request's, or (pay) the auth_code's */
    long long total_fee;       /* pay, refund */
    long long refund_fee;      /* refund */
    const char *trade_type;    /* pre-order: NATIVE, JSPAY or APP */
    const char *notify_url;    /* pre-order: http(s)://host[:port]/path, no query */
    const char *time_expire;   /* pre-order: yyyyMMddHHmmss GMT+8 */
} mock_request;

/*
 * Check `req` (already authenticated) for its `method`. Returns 0 and fills
 * `out`, or -1 with an English sentence naming the parameter in `msg`.
 */
int mock_request_check(const upay_params *req, mock_request *out, char *msg, size_t msglen);

/*
 * The same in a dialect: `live` nonzero adds the live rules (docs/protocol.md,
 * 14): `pid` and `version` required; refundquery by out_refund_no or
 * refund_id only (out_trade_no and transaction_id are ignored, and are not
 * enough alone), out_refund_no winning over refund_id.
 */
int mock_request_check_dialect(const upay_params *req, int live, mock_request *out, char *msg,
                               size_t msglen);

/* The value of `name`, or NULL when absent or empty. Borrowed. */
const char *mock_request_get(const upay_params *req, const char *name);

/* Longest notify_url accepted, in bytes. */
#define MOCK_NOTIFY_URL_MAX 255

/* Shapes, exposed for tests: nonzero when valid. */
int mock_notify_url_valid(const char *s);
int mock_out_trade_no_valid(const char *s);
int mock_out_refund_no_valid(const char *s);

#endif /* UPAY_MOCK_REQUEST_H */
