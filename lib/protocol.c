/*
 * protocol.c - protocol vocabulary (see upay/protocol.h): wallet names and
 * how an auth_code tells its wallet, amounts in fen, and yyyyMMddHHmmss
 * timestamps in GMT+8 (China has had no daylight saving since 1991, so a
 * fixed +8 hours is exact for every time this protocol deals with).
 */
#include <stdint.h>
#include <string.h>

#include "upay/protocol.h"

#define GMT8_OFFSET (8 * 3600)

UPAY_API const char *upay_paytype_name(upay_paytype type)
{
    switch (type) {
    case UPAY_PAYTYPE_UNKNOWN: return "";
    case UPAY_PAYTYPE_WECHAT: return "WECHAT";
    case UPAY_PAYTYPE_ALIPAY: return "ALIPAY";
    case UPAY_PAYTYPE_JDPAY: return "JDPAY";
    case UPAY_PAYTYPE_QQ: return "QQ";
    case UPAY_PAYTYPE_UNIONPAY: return "UNIONPAY";
    case UPAY_PAYTYPE_BESTPAY: return "BESTPAY";
    case UPAY_PAYTYPE_ECNY: return "ECNY";
    }
    return "";
}

UPAY_API upay_paytype upay_paytype_parse(const char *value)
{
    static const upay_paytype all[] = {
        UPAY_PAYTYPE_WECHAT, UPAY_PAYTYPE_ALIPAY, UPAY_PAYTYPE_JDPAY,
        UPAY_PAYTYPE_QQ, UPAY_PAYTYPE_UNIONPAY, UPAY_PAYTYPE_BESTPAY, UPAY_PAYTYPE_ECNY,
    };
    if (value == NULL)
        return UPAY_PAYTYPE_UNKNOWN;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(value, upay_paytype_name(all[i])) == 0)
            return all[i];
    return UPAY_PAYTYPE_UNKNOWN;
}

UPAY_API const char *upay_gw_code_text(int code)
{
    switch ((upay_gw_code)code) {
    case UPAY_GW_SUCCESS: return "\xe6\x88\x90\xe5\x8a\x9f";                       /* 成功 */
    case UPAY_GW_PAYING: return "\xe6\x94\xaf\xe4\xbb\x98\xe4\xb8\xad";           /* 支付中 */
    case UPAY_GW_REFUNDED: return "\xe8\xbd\xac\xe5\x85\xa5\xe9\x80\x80\xe6\xac\xbe"; /* 转入退款 */
    case UPAY_GW_NOT_PAID: return "\xe6\x9c\xaa\xe6\x94\xaf\xe4\xbb\x98";         /* 未支付 */
    case UPAY_GW_CLOSED: return "\xe5\xb7\xb2\xe5\x85\xb3\xe9\x97\xad";           /* 已关闭 */
    case UPAY_GW_REVOKED: return "\xe5\xb7\xb2\xe6\x92\xa4\xe9\x94\x80";          /* 已撤销 */
    case UPAY_GW_PAY_ERROR: return "\xe6\x94\xaf\xe4\xbb\x98\xe9\x94\x99\xe8\xaf\xaf"; /* 支付错误 */
    case UPAY_GW_SIGN_ERROR: return "\xe7\xad\xbe\xe5\x90\x8d\xe9\x94\x99\xe8\xaf\xaf"; /* 签名错误 */
    case UPAY_GW_RESPONSE_SIGN_ERROR:
        return "\xe5\x93\x8d\xe5\xba\x94\xe7\xbb\x93\xe6\x9e\x9c\xe7\xad\xbe\xe5\x90\x8d\xe9\x94\x99\xe8\xaf\xaf"; /* 响应结果签名错误 */
    case UPAY_GW_PARAM_ERROR: return "\xe5\x8f\x82\xe6\x95\xb0\xe9\x94\x99\xe8\xaf\xaf"; /* 参数错误 */
    case UPAY_GW_MERCHANT_ERROR: return "\xe5\x95\x86\xe6\x88\xb7\xe9\x94\x99\xe8\xaf\xaf"; /* 商户错误 */
    case UPAY_GW_SYSTEM_ERROR: return "\xe7\xb3\xbb\xe7\xbb\x9f\xe9\x94\x99\xe8\xaf\xaf"; /* 系统错误 */
    case UPAY_GW_NO_ORDER: return "\xe8\xae\xa2\xe5\x8d\x95\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8"; /* 订单不存在 */
    case UPAY_GW_REFUND_ERROR: return "\xe9\x80\x80\xe6\xac\xbe\xe9\x94\x99\xe8\xaf\xaf"; /* 退款错误 */
    case UPAY_GW_QUERY_ERROR:
        return "\xe4\xba\xa4\xe6\x98\x93\xe6\x9f\xa5\xe8\xaf\xa2\xe9\x94\x99\xe8\xaf\xaf"; /* 交易查询错误 */
    case UPAY_GW_REFUNDQUERY_ERROR:
        return "\xe9\x80\x80\xe6\xac\xbe\xe6\x9f\xa5\xe8\xaf\xa2\xe9\x94\x99\xe8\xaf\xaf"; /* 退款查询错误 */
    case UPAY_GW_CANCEL_ERROR:
        return "\xe4\xba\xa4\xe6\x98\x93\xe6\x92\xa4\xe9\x94\x80\xe9\x94\x99\xe8\xaf\xaf"; /* 交易撤销错误 */
    case UPAY_GW_AGENT_ERROR: return "\xe4\xbb\xa3\xe7\x90\x86\xe5\x95\x86\xe9\x94\x99\xe8\xaf\xaf"; /* 代理商错误 */
    case UPAY_GW_TRADE_CONFIG_ERROR:
        return "\xe5\x95\x86\xe6\x88\xb7\xe4\xba\xa4\xe6\x98\x93\xe9\x85\x8d\xe7\xbd\xae\xe9\x94\x99\xe8\xaf\xaf"; /* 商户交易配置错误 */
    case UPAY_GW_NETWORK_ERROR: return "\xe7\xbd\x91\xe7\xbb\x9c\xe5\xbc\x82\xe5\xb8\xb8"; /* 网络异常 */
    }
    return NULL;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

UPAY_API upay_paytype upay_paytype_from_auth_code(const char *auth_code)
{
    if (auth_code == NULL)
        return UPAY_PAYTYPE_UNKNOWN;
    size_t n = strnlen(auth_code, 25);
    if (n < 2 || n > 24 || !all_digits(auth_code, n))
        return UPAY_PAYTYPE_UNKNOWN;
    int prefix = (auth_code[0] - '0') * 10 + (auth_code[1] - '0');
    if (n >= 16 && prefix >= 25 && prefix <= 30)
        return UPAY_PAYTYPE_ALIPAY;
    if (n == 19 && prefix == 62)
        return UPAY_PAYTYPE_UNIONPAY;
    if (n != 18)
        return UPAY_PAYTYPE_UNKNOWN;
    if (prefix >= 10 && prefix <= 15)
        return UPAY_PAYTYPE_WECHAT;
    switch (prefix) {
    case 91: return UPAY_PAYTYPE_QQ;
    case 18: return UPAY_PAYTYPE_JDPAY;
    case 51: return UPAY_PAYTYPE_BESTPAY;
    default: return UPAY_PAYTYPE_UNKNOWN;
    }
}

/*
 * Leading zeros are refused ("0" itself is fine): an amount then has one
 * spelling only, so amounts compared as strings (a repeated request, a
 * signed field) agree with amounts compared as numbers.
 */
UPAY_API upay_code upay_amount_parse(const char *text, long long *out)
{
    if (out == NULL)
        return UPAY_E_INVALID_ARG;
    if (text == NULL)
        return UPAY_E_BAD_AMOUNT;
    size_t n = strnlen(text, 14);
    if (n == 0 || n > 13 || !all_digits(text, n) || (text[0] == '0' && n > 1))
        return UPAY_E_BAD_AMOUNT;
    long long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (text[i] - '0'); /* 13 digits cannot overflow */
    if (v > UPAY_AMOUNT_MAX)
        return UPAY_E_BAD_AMOUNT;
    *out = v;
    return UPAY_OK;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (the well-known era algorithm: 400-year cycles of 146097 days). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse: y-m-d of a day count from 1970-01-01 (the same era algorithm). */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;                                  /* [0, 146096] */
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           /* [0, 365] */
    long long mp = (5 * doy + 2) / 153;                                /* [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static void put_digits(char *o, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

UPAY_API upay_code upay_time_format(time_t t, char out[15])
{
    if (out == NULL)
        return UPAY_E_INVALID_ARG;
    if (t > (time_t)(INT64_MAX - GMT8_OFFSET))
        return UPAY_E_INVALID_ARG;
    /* arithmetic, not gmtime_r: every answer formats two or three times */
    long long local = (long long)t + GMT8_OFFSET;
    long long days = (local >= 0 ? local : local - 86399) / 86400;
    long long secs = local - days * 86400;                              /* [0, 86399] */
    long long year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    if (year < 1 || year > 9999)
        return UPAY_E_INVALID_ARG;
    put_digits(out, (int)year, 4);
    put_digits(out + 4, month, 2);
    put_digits(out + 6, day, 2);
    put_digits(out + 8, (int)(secs / 3600), 2);
    put_digits(out + 10, (int)(secs / 60 % 60), 2);
    put_digits(out + 12, (int)(secs % 60), 2);
    out[14] = '\0';
    return UPAY_OK;
}

static int field(const char *s, int width)
{
    int v = 0;
    for (int i = 0; i < width; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/*
 * "yyyy-MM-dd HH:mm:ss" into "yyyyMMddHHmmss" (the live gateway's refundquery
 * example writes refund_time so, while its table says yyyyMMddHHmmss).
 * 0 when `text` is not exactly that layout.
 */
static int compact_dashed(const char *text, char out[15])
{
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    size_t n = 0;
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        char c = text[i];
        if (shape[i] == 'd') {
            if (c < '0' || c > '9')
                return 0;
            out[n++] = c;
        } else if (c != shape[i]) {
            return 0;
        }
    }
    if (text[sizeof shape - 1] != '\0')
        return 0;
    out[n] = '\0';
    return 1;
}

UPAY_API upay_code upay_time_parse(const char *text, time_t *out)
{
    if (text == NULL || out == NULL)
        return UPAY_E_INVALID_ARG;
    char compact[15];
    if (compact_dashed(text, compact))
        text = compact;
    if (strnlen(text, 15) != 14 || !all_digits(text, 14))
        return UPAY_E_INVALID_ARG;
    int year = field(text, 4), month = field(text + 4, 2), day = field(text + 6, 2);
    int hour = field(text + 8, 2), min = field(text + 10, 2), sec = field(text + 12, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)
        || hour > 23 || min > 59 || sec > 59)
        return UPAY_E_INVALID_ARG;
    long long s = days_from_civil(year, month, day) * 86400LL + hour * 3600LL + min * 60LL
                  + sec - GMT8_OFFSET;
    *out = (time_t)s;
    return UPAY_OK;
}
