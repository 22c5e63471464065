/*
 * upay/protocol.h - protocol vocabulary shared by the client, the mock and
 * the suite: wallets (paytype) and how auth_code tells them, trade states,
 * gateway codes, amounts in fen and GMT+8 timestamps.
 * See docs/protocol.md for the rules these encode.
 */
#ifndef UPAY_PROTOCOL_H
#define UPAY_PROTOCOL_H

#include <time.h>
#include "error.h"

UPAY_BEGIN_DECLS

/* Wallets; the wire value is upay_paytype_name(). */
typedef enum upay_paytype {
    UPAY_PAYTYPE_UNKNOWN = 0,   /* not a wallet (an auth_code of no known shape) */
    UPAY_PAYTYPE_WECHAT,
    UPAY_PAYTYPE_ALIPAY,
    UPAY_PAYTYPE_JDPAY,
    UPAY_PAYTYPE_QQ,
    UPAY_PAYTYPE_UNIONPAY,
    UPAY_PAYTYPE_BESTPAY,
    UPAY_PAYTYPE_ECNY           /* digital yuan (数字人民币): scan-to-pay pre-orders only; no
                                   auth_code has its shape */
} upay_paytype;

/* "WECHAT", "ALIPAY", ... ; "" for UPAY_PAYTYPE_UNKNOWN. Static string. */
UPAY_API const char *upay_paytype_name(upay_paytype type);

/* The wallet named `value` (exact, upper case), or UPAY_PAYTYPE_UNKNOWN. */
UPAY_API upay_paytype upay_paytype_parse(const char *value);

/*
 * The wallet an auth_code belongs to, by its shape (digits only):
 *   WECHAT 18 digits starting 10-15; ALIPAY 16-24 digits starting 25-30;
 *   UNIONPAY 19 digits starting 62; QQ 18 starting 91; JDPAY 18 starting 18;
 *   BESTPAY 18 starting 51. Anything else (NULL included): UNKNOWN.
 */
UPAY_API upay_paytype upay_paytype_from_auth_code(const char *auth_code);

/* Gateway status codes (the `code` field), as numbers. */
typedef enum upay_gw_code {
    UPAY_GW_SUCCESS = 10000,
    UPAY_GW_PAYING = 10001,
    UPAY_GW_REFUNDED = 10002,
    UPAY_GW_NOT_PAID = 10003,
    UPAY_GW_CLOSED = 10004,
    UPAY_GW_REVOKED = 10005,
    UPAY_GW_PAY_ERROR = 10006,
    UPAY_GW_SIGN_ERROR = 20002,
    UPAY_GW_RESPONSE_SIGN_ERROR = 20003,
    UPAY_GW_PARAM_ERROR = 20004,
    UPAY_GW_MERCHANT_ERROR = 20005,
    UPAY_GW_SYSTEM_ERROR = 20006,
    UPAY_GW_NO_ORDER = 20007,
    UPAY_GW_REFUND_ERROR = 20008,
    UPAY_GW_QUERY_ERROR = 20009,
    UPAY_GW_REFUNDQUERY_ERROR = 20010,
    UPAY_GW_CANCEL_ERROR = 20011,
    UPAY_GW_AGENT_ERROR = 20012,
    UPAY_GW_TRADE_CONFIG_ERROR = 20013,
    UPAY_GW_NETWORK_ERROR = 30001
} upay_gw_code;

/*
 * The gateway's own text for `code`, from the vendor's code table (v3.2.1
 * parameters.md): "成功" for 10000, "签名错误" for 20002 ... UTF-8, static.
 * NULL for a code not in the table. A `msg` of a real gateway is this text
 * (or "SUCCESS" on success, as every example shows).
 */
UPAY_API const char *upay_gw_code_text(int code);

/* Largest amount accepted, in fen (10^12 fen = 10 billion yuan). */
#define UPAY_AMOUNT_MAX 1000000000000LL

/*
 * Parse an amount in fen: 1 to 13 ASCII digits, no sign, no decimals, no
 * spaces, value <= UPAY_AMOUNT_MAX. Zero is accepted; callers that need a
 * positive amount check it. Returns UPAY_OK or UPAY_E_BAD_AMOUNT (`*out`
 * untouched).
 */
UPAY_API upay_code upay_amount_parse(const char *text, long long *out);

/*
 * Format `t` (seconds since the epoch, UTC) as yyyyMMddHHmmss in GMT+8 into
 * `out` (15 bytes with the NUL). Thread-safe. Returns UPAY_OK or
 * UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_time_format(time_t t, char out[15]);

/*
 * Parse a GMT+8 time, yyyyMMddHHmmss or yyyy-MM-dd HH:mm:ss (the layout of
 * the live gateway's refund_time example), into seconds since the epoch.
 * Returns UPAY_OK or UPAY_E_INVALID_ARG (another shape or an impossible
 * date; `*out` untouched).
 */
UPAY_API upay_code upay_time_parse(const char *text, time_t *out);

UPAY_END_DECLS

#endif /* UPAY_PROTOCOL_H */
