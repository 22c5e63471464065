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
    }
    return "";
}

UPAY_API upay_paytype upay_paytype_parse(const char *value)
{
    static const upay_paytype all[] = {
        UPAY_PAYTYPE_WECHAT, UPAY_PAYTYPE_ALIPAY, UPAY_PAYTYPE_JDPAY,
        UPAY_PAYTYPE_QQ, UPAY_PAYTYPE_UNIONPAY, UPAY_PAYTYPE_BESTPAY,
    };
    if (value == NULL)
        return UPAY_PAYTYPE_UNKNOWN;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(value, upay_paytype_name(all[i])) == 0)
            return all[i];
    return UPAY_PAYTYPE_UNKNOWN;
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
    time_t local = t + GMT8_OFFSET;
    struct tm tm;
    if (gmtime_r(&local, &tm) == NULL)
        return UPAY_E_INVALID_ARG;
    long long year = (long long)tm.tm_year + 1900;
    if (year < 1 || year > 9999)
        return UPAY_E_INVALID_ARG;
    put_digits(out, (int)year, 4);
    put_digits(out + 4, tm.tm_mon + 1, 2);
    put_digits(out + 6, tm.tm_mday, 2);
    put_digits(out + 8, tm.tm_hour, 2);
    put_digits(out + 10, tm.tm_min, 2);
    put_digits(out + 12, tm.tm_sec, 2);
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

UPAY_API upay_code upay_time_parse(const char *text, time_t *out)
{
    if (text == NULL || out == NULL)
        return UPAY_E_INVALID_ARG;
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
