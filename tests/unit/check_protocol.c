/*
 * check_protocol.c - protocol vocabulary: wallet names, auth_code shapes,
 * amounts (with the malformed ones), GMT+8 timestamps (format, parse,
 * impossible dates, round trip).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "upay/protocol.h"

static const struct {
    upay_paytype type;
    const char *name;
} paytypes[] = {
    {UPAY_PAYTYPE_WECHAT, "WECHAT"}, {UPAY_PAYTYPE_ALIPAY, "ALIPAY"},
    {UPAY_PAYTYPE_JDPAY, "JDPAY"},   {UPAY_PAYTYPE_QQ, "QQ"},
    {UPAY_PAYTYPE_UNIONPAY, "UNIONPAY"}, {UPAY_PAYTYPE_BESTPAY, "BESTPAY"},
};

START_TEST(test_paytype_names)
{
    ck_assert_str_eq(upay_paytype_name(paytypes[_i].type), paytypes[_i].name);
    ck_assert_int_eq(upay_paytype_parse(paytypes[_i].name), paytypes[_i].type);
}
END_TEST

START_TEST(test_paytype_unknown)
{
    ck_assert_str_eq(upay_paytype_name(UPAY_PAYTYPE_UNKNOWN), "");
    ck_assert_str_eq(upay_paytype_name((upay_paytype)42), "");
    ck_assert_int_eq(upay_paytype_parse("wechat"), UPAY_PAYTYPE_UNKNOWN);
    ck_assert_int_eq(upay_paytype_parse(""), UPAY_PAYTYPE_UNKNOWN);
    ck_assert_int_eq(upay_paytype_parse(NULL), UPAY_PAYTYPE_UNKNOWN);
    ck_assert_int_eq(upay_paytype_parse("WECHAT "), UPAY_PAYTYPE_UNKNOWN);
}
END_TEST

static const struct {
    const char *code;
    upay_paytype type;
} auth_codes[] = {
    {"100000000000000000", UPAY_PAYTYPE_WECHAT},
    {"134567890123456789", UPAY_PAYTYPE_WECHAT},
    {"159999999999999999", UPAY_PAYTYPE_WECHAT},
    {"160000000000000000", UPAY_PAYTYPE_UNKNOWN},    /* 16 is no wallet */
    {"09999999999999999", UPAY_PAYTYPE_UNKNOWN},
    {"13456789012345678", UPAY_PAYTYPE_UNKNOWN},     /* 17 digits */
    {"1345678901234567890", UPAY_PAYTYPE_UNKNOWN},   /* 19 digits */
    {"2500000000000000", UPAY_PAYTYPE_ALIPAY},       /* 16 digits */
    {"300000000000000000000000", UPAY_PAYTYPE_ALIPAY}, /* 24 digits */
    {"280000000000000000", UPAY_PAYTYPE_ALIPAY},
    {"250000000000000", UPAY_PAYTYPE_UNKNOWN},       /* 15 digits */
    {"3000000000000000000000000", UPAY_PAYTYPE_UNKNOWN}, /* 25 digits */
    {"310000000000000000", UPAY_PAYTYPE_UNKNOWN},
    {"2400000000000000", UPAY_PAYTYPE_UNKNOWN},
    {"6200000000000000000", UPAY_PAYTYPE_UNIONPAY},
    {"620000000000000000", UPAY_PAYTYPE_UNKNOWN},    /* 18 digits */
    {"910000000000000000", UPAY_PAYTYPE_QQ},
    {"180000000000000000", UPAY_PAYTYPE_JDPAY},
    {"510000000000000000", UPAY_PAYTYPE_BESTPAY},
    {"520000000000000000", UPAY_PAYTYPE_UNKNOWN},
    {"13456789012345678a", UPAY_PAYTYPE_UNKNOWN},
    {" 134567890123456789", UPAY_PAYTYPE_UNKNOWN},
    {"-34567890123456789", UPAY_PAYTYPE_UNKNOWN},
    {"123123123", UPAY_PAYTYPE_UNKNOWN},             /* the seed's example */
    {"", UPAY_PAYTYPE_UNKNOWN},
    {NULL, UPAY_PAYTYPE_UNKNOWN},
};

START_TEST(test_auth_code)
{
    ck_assert_msg(upay_paytype_from_auth_code(auth_codes[_i].code) == auth_codes[_i].type,
                  "auth_code %s", auth_codes[_i].code ? auth_codes[_i].code : "(null)");
}
END_TEST

static const struct {
    const char *text;
    upay_code code;
    long long value;
} amounts[] = {
    {"0", UPAY_OK, 0},
    {"1", UPAY_OK, 1},
    {"100", UPAY_OK, 100},
    {"1000000000000", UPAY_OK, UPAY_AMOUNT_MAX},
    {"1000000000001", UPAY_E_BAD_AMOUNT, 0},       /* > max */
    {"9999999999999", UPAY_E_BAD_AMOUNT, 0},       /* 13 digits, > max */
    {"10000000000000", UPAY_E_BAD_AMOUNT, 0},      /* 14 digits */
    {"99999999999999999999999", UPAY_E_BAD_AMOUNT, 0},
    {"", UPAY_E_BAD_AMOUNT, 0},
    {"01", UPAY_E_BAD_AMOUNT, 0},                  /* leading zeros refused */
    {"00", UPAY_E_BAD_AMOUNT, 0},
    {"1e3", UPAY_E_BAD_AMOUNT, 0},
    {" 1", UPAY_E_BAD_AMOUNT, 0},
    {"1 ", UPAY_E_BAD_AMOUNT, 0},
    {"+1", UPAY_E_BAD_AMOUNT, 0},
    {"-1", UPAY_E_BAD_AMOUNT, 0},
    {"1.5", UPAY_E_BAD_AMOUNT, 0},
    {"1.0", UPAY_E_BAD_AMOUNT, 0},
    {"0x10", UPAY_E_BAD_AMOUNT, 0},
    {"１", UPAY_E_BAD_AMOUNT, 0},                  /* full-width digit */
    {NULL, UPAY_E_BAD_AMOUNT, 0},
};

START_TEST(test_amount)
{
    long long v = -7;
    upay_code rc = upay_amount_parse(amounts[_i].text, &v);
    ck_assert_msg(rc == amounts[_i].code, "amount \"%s\": got %d", amounts[_i].text, rc);
    if (rc == UPAY_OK)
        ck_assert_int_eq(v, amounts[_i].value);
    else
        ck_assert_int_eq(v, -7); /* untouched */
}
END_TEST

static const struct {
    time_t t;
    const char *text;
} times[] = {
    {0, "19700101080000"},
    {-28800, "19700101000000"},
    {1498126939, "20170622182219"},   /* the seed's refund_time */
    {951753600, "20000229000000"},    /* leap day, GMT+8 midnight */
    {1704038399, "20231231235959"},
    {4102415999, "20991231235959"},
    {253402271999, "99991231235959"},
};

START_TEST(test_time_format_parse)
{
    char buf[15];
    memset(buf, 'x', sizeof buf);
    ck_assert_int_eq(upay_time_format(times[_i].t, buf), UPAY_OK);
    ck_assert_str_eq(buf, times[_i].text);
    time_t back = 0;
    ck_assert_int_eq(upay_time_parse(times[_i].text, &back), UPAY_OK);
    ck_assert_int_eq((long long)back, (long long)times[_i].t);
}
END_TEST

static const char *const bad_times[] = {
    "20171322182219",   /* month 13 */
    "20170022182219",   /* month 0 */
    "20170230120000",   /* Feb 30 */
    "20190229120000",   /* Feb 29, not a leap year */
    "21000229120000",   /* 2100 is not a leap year */
    "20170431120000",   /* April 31 */
    "20170600120000",   /* day 0 */
    "20170622242219",   /* hour 24 */
    "20170622186019",   /* minute 60 */
    "20170622182260",   /* second 60 */
    "00000101000000",   /* year 0 */
    "2017062218221",    /* 13 characters */
    "201706221822190",  /* 15 characters */
    "",
    "2017-06-22 18:2",
    "2017-02-30 18:22:19",   /* dashed layout, Feb 30 */
    "2017-06-22T18:22:19",
    "2017/06/22 18:22:19",
    "2017-06-22 18:22:19 ",
    "2017-06-22  18:22:1",
    "2017-6-22 18:22:19",
    "2017-06-22 18:22:1x",
    "2017062218221a",
    " 2017062218221",
};

START_TEST(test_time_parse_bad)
{
    time_t t = 12345;
    ck_assert_msg(upay_time_parse(bad_times[_i], &t) == UPAY_E_INVALID_ARG, "\"%s\"",
                  bad_times[_i]);
    ck_assert_int_eq((long long)t, 12345);
}
END_TEST

/* What gmtime_r says `t` is in GMT+8, as upay_time_format writes it. */
static void expected_text(time_t t, char out[64])
{
    time_t local = t + 8 * 3600;
    struct tm tm;
    ck_assert_ptr_nonnull(gmtime_r(&local, &tm));
    snprintf(out, 64, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * upay_time_format does its own calendar arithmetic: it agrees with
 * gmtime_r over its whole range (years 1 to 9999), around and through the
 * days where calendars go wrong, and refuses the second before year 1.
 */
START_TEST(test_time_format_calendar)
{
    const long long first = -62135596800LL - 8 * 3600;   /* 0001-01-01 00:00:00 GMT+8 */
    const long long last = 253402271999LL;               /* 9999-12-31 23:59:59 GMT+8 */
    char got[15], want[64];
    for (long long t = first; t <= last; t += 36000011) {   /* about 416 days */
        ck_assert_int_eq(upay_time_format((time_t)t, got), UPAY_OK);
        expected_text((time_t)t, want);
        ck_assert_str_eq(got, want);
    }
    static const char *const days[] = { "19000228", "19000301", "20000229", "20000301",
                                        "21000228", "21000301", "19691231", "19700101",
                                        "00010101", "16000229", "99991231", "20240229" };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        char text[15];
        time_t day;
        snprintf(text, sizeof text, "%s000000", days[i]);
        ck_assert_int_eq(upay_time_parse(text, &day), UPAY_OK);
        /* the two seconds either side of midnight, and every 61st second between */
        for (long long t = (long long)day - 2; t < (long long)day + 86400 + 2;
             t += t < (long long)day + 2 || t >= (long long)day + 86400 - 2 ? 1 : 61) {
            if (t > last)
                break;
            if (t < first)
                continue;
            ck_assert_int_eq(upay_time_format((time_t)t, got), UPAY_OK);
            expected_text((time_t)t, want);
            ck_assert_str_eq(got, want);
        }
    }
    ck_assert_int_eq(upay_time_format((time_t)(first - 1), got), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_time_format((time_t)first, got), UPAY_OK);
    ck_assert_str_eq(got, "00010101000000");
}
END_TEST

START_TEST(test_time_misc)
{
    char buf[15];
    time_t t;
    ck_assert_int_eq(upay_time_parse("20000229120000", &t), UPAY_OK); /* 2000 is leap */
    /* The live refundquery example's layout means the same instant. */
    time_t dashed = 0;
    ck_assert_int_eq(upay_time_parse("2019-05-24 11:11:33", &dashed), UPAY_OK);
    ck_assert_int_eq(upay_time_parse("20190524111133", &t), UPAY_OK);
    ck_assert_int_eq((long long)dashed, (long long)t);
    ck_assert_int_eq(upay_time_parse(NULL, &t), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_time_parse("20170622182219", NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_time_format(0, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_time_format((time_t)253402271999 + 1, buf), UPAY_E_INVALID_ARG);
    long long v;
    ck_assert_int_eq(upay_amount_parse("1", NULL), UPAY_E_INVALID_ARG);
    (void)v;
    /* Every second of a day round-trips (and across a year boundary). */
    for (time_t s = 1704038399 - 86400; s <= 1704038399 + 86400; s += 997) {
        ck_assert_int_eq(upay_time_format(s, buf), UPAY_OK);
        ck_assert_int_eq(upay_time_parse(buf, &t), UPAY_OK);
        ck_assert_int_eq((long long)t, (long long)s);
    }
}
END_TEST

/* The vendor's code table (v3.2.1 parameters.md), typed as it is written there. */
static const struct {
    int code;
    const char *text;
} gw_codes[] = {
    {10000, "成功"}, {10001, "支付中"}, {10002, "转入退款"}, {10003, "未支付"},
    {10004, "已关闭"}, {10005, "已撤销"}, {10006, "支付错误"}, {20002, "签名错误"},
    {20003, "响应结果签名错误"}, {20004, "参数错误"}, {20005, "商户错误"},
    {20006, "系统错误"}, {20007, "订单不存在"}, {20008, "退款错误"},
    {20009, "交易查询错误"}, {20010, "退款查询错误"}, {20011, "交易撤销错误"},
    {20012, "代理商错误"}, {20013, "商户交易配置错误"}, {30001, "网络异常"},
};

START_TEST(test_gw_code_text)
{
    const char *text = upay_gw_code_text(gw_codes[_i].code);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, gw_codes[_i].text);
}
END_TEST

START_TEST(test_gw_code_text_unknown)
{
    ck_assert_ptr_null(upay_gw_code_text(0));
    ck_assert_ptr_null(upay_gw_code_text(10007));
    ck_assert_ptr_null(upay_gw_code_text(20001));
    ck_assert_ptr_null(upay_gw_code_text(-1));
}
END_TEST

Suite *make_protocol_suite(void)
{
    Suite *s = suite_create("protocol");
    TCase *tc = tcase_create("paytype");
    tcase_add_loop_test(tc, test_paytype_names, 0, (int)(sizeof paytypes / sizeof paytypes[0]));
    tcase_add_test(tc, test_paytype_unknown);
    tcase_add_loop_test(tc, test_auth_code, 0, (int)(sizeof auth_codes / sizeof auth_codes[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("amount");
    tcase_add_loop_test(tc, test_amount, 0, (int)(sizeof amounts / sizeof amounts[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("time");
    tcase_add_loop_test(tc, test_time_format_parse, 0, (int)(sizeof times / sizeof times[0]));
    tcase_add_loop_test(tc, test_time_parse_bad, 0, (int)(sizeof bad_times / sizeof bad_times[0]));
    tcase_add_test(tc, test_time_misc);
    tcase_add_test(tc, test_time_format_calendar);
    suite_add_tcase(s, tc);
    tc = tcase_create("code_text");
    tcase_add_loop_test(tc, test_gw_code_text, 0, (int)(sizeof gw_codes / sizeof gw_codes[0]));
    tcase_add_test(tc, test_gw_code_text_unknown);
    suite_add_tcase(s, tc);
    return s;
}
