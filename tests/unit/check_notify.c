/*
 * check_notify.c - upay_notify_parse(): a notification is decoded only when
 * its signature verifies (an independent vector signed with `openssl md5`,
 * both name orders, HMAC-SHA256), and every way a body can be forged,
 * unsigned or malformed is refused with its code and leaves nothing behind.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upay/form.h"
#include "upay/notify.h"
#include "upay/sign.h"

#define KEY "NOTIFYKEY0000000000000000000001"

/* The vendor's WeChat example with real values, signed by
 * printf '%s&key=%s' "$fields" KEY | openssl md5 (upper-cased). */
static const char vector[] =
    "bank_type=CFT&fee_type=CNY&mch_id=00000001&nonce_str=1523929649387"
    "&out_trade_no=1523929500000&out_transaction_id=4200000001201804170000000001&pay_result=0"
    "&result_code=SUCCESS&state=SUCCESS&time_end=20180417094729&total_fee=1"
    "&trade_type=pay.weixin.native&transaction_id=199520439266201804177199552446"
    "&sign=1D30C15DF4A30498ED51A8C0FD87B74F";

START_TEST(test_independent_vector)
{
    upay_notification n;
    upay_params *all = NULL;
    ck_assert_int_eq(upay_notify_parse(vector, strlen(vector), KEY, &n, &all, NULL), UPAY_OK);
    ck_assert_int_eq(n.paid, 1);
    ck_assert_str_eq(n.mch_id, "00000001");
    ck_assert_str_eq(n.out_trade_no, "1523929500000");
    ck_assert_str_eq(n.transaction_id, "199520439266201804177199552446");
    ck_assert_str_eq(n.trade_type, "pay.weixin.native");
    ck_assert_str_eq(n.time_end, "20180417094729");
    ck_assert_int_eq(n.total_fee, 1);
    ck_assert_int_eq(n.coupon_fee, 0);
    ck_assert_str_eq(upay_params_get(all, "bank_type"), "CFT");
    upay_params_free(all);
}
END_TEST

/* A body from `fields` ("name=value&..."), signed with `key` in `type` and `sort` unless key is NULL. */
static char *make(const char *fields, const char *key, upay_sign_type type, upay_sign_sort sort)
{
    upay_params *p = NULL;
    char *body = NULL;
    char sig[UPAY_SIGN_BUF_SIZE];
    ck_assert_int_eq(upay_form_parse(fields, strlen(fields), 65536, &p, NULL), UPAY_OK);
    if (key) {
        ck_assert_int_eq(upay_sign_compute_sorted(p, key, type, sort, sig), UPAY_OK);
        ck_assert_int_eq(upay_params_set(p, "sign", sig), UPAY_OK);
    }
    ck_assert_int_eq(upay_form_encode(p, &body), UPAY_OK);
    upay_params_free(p);
    return body;
}

#define PAID "state=SUCCESS&result_code=SUCCESS&pay_result=0&mch_id=M1&out_trade_no=ORDER0001" \
             "&transaction_id=7551000001&total_fee=1200&nonce_str=abc"

typedef struct refusal {
    const char *name;
    const char *fields;
    const char *key;          /* signing key; NULL: unsigned */
    upay_sign_type type;
    upay_sign_sort sort;
    upay_code expect;
    int paid;                 /* for UPAY_OK */
} refusal;

static const refusal cases[] = {
    { "paid", PAID, KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, UPAY_OK, 1 },
    { "hmac", PAID "&sign_type=HMAC-SHA256", KEY, UPAY_SIGN_HMAC_SHA256, UPAY_SIGN_SORT_BYTES,
      UPAY_OK, 1 },
    { "names ignoring case", PAID "&Zone=x", KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE, UPAY_OK, 1 },
    { "names in byte order", PAID "&Zone=x", KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, UPAY_OK, 1 },
    { "not paid", "state=SUCCESS&result_code=FAIL&mch_id=M1&out_trade_no=ORDER0001", KEY,
      UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, UPAY_OK, 0 },
    { "pay_result not 0", "state=SUCCESS&result_code=SUCCESS&pay_result=1&mch_id=M1"
      "&out_trade_no=ORDER0001", KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, UPAY_OK, 0 },
    { "unsigned", PAID, NULL, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, UPAY_E_SIGN_MISSING, 0 },
    { "another key", PAID, "UPAYMOCK000000000000000000000002", UPAY_SIGN_MD5,
      UPAY_SIGN_SORT_BYTES, UPAY_E_SIGN_MISMATCH, 0 },
    { "unknown sign_type", PAID "&sign_type=SHA1", KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES,
      UPAY_E_SIGN_TYPE, 0 },
    { "no out_trade_no", "state=SUCCESS&result_code=SUCCESS&pay_result=0&mch_id=M1"
      "&transaction_id=1&total_fee=1", KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES,
      UPAY_E_BAD_RESPONSE, 0 },
    { "no state", "result_code=SUCCESS&mch_id=M1&out_trade_no=ORDER0001", KEY, UPAY_SIGN_MD5,
      UPAY_SIGN_SORT_BYTES, UPAY_E_BAD_RESPONSE, 0 },
    { "paid without total_fee", "state=SUCCESS&result_code=SUCCESS&pay_result=0&mch_id=M1"
      "&out_trade_no=ORDER0001&transaction_id=1", KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES,
      UPAY_E_BAD_RESPONSE, 0 },
    { "total_fee in yuan", "state=SUCCESS&result_code=SUCCESS&pay_result=0&mch_id=M1"
      "&out_trade_no=ORDER0001&transaction_id=1&total_fee=12.00", KEY, UPAY_SIGN_MD5,
      UPAY_SIGN_SORT_BYTES, UPAY_E_BAD_RESPONSE, 0 },
    { "paid without transaction_id", "state=SUCCESS&result_code=SUCCESS&pay_result=0&mch_id=M1"
      "&out_trade_no=ORDER0001&total_fee=1", KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES,
      UPAY_E_BAD_RESPONSE, 0 },
    { "out_trade_no too long", "state=SUCCESS&result_code=FAIL&mch_id=M1"
      "&out_trade_no=012345678901234567890123456789012", KEY, UPAY_SIGN_MD5,
      UPAY_SIGN_SORT_BYTES, UPAY_E_BAD_RESPONSE, 0 },
};

START_TEST(test_table)
{
    const refusal *t = &cases[_i];
    char *body = make(t->fields, t->key, t->type, t->sort);
    upay_notification n;
    upay_params *all = (upay_params *)&n;   /* must be reset */
    upay_error e;
    upay_code rc = upay_notify_parse(body, strlen(body), KEY, &n, &all, &e);
    ck_assert_msg(rc == t->expect, "%s: %s, expected %s", t->name, upay_strerror(rc),
                  upay_strerror(t->expect));
    if (rc == UPAY_OK) {
        ck_assert_int_eq(n.paid, t->paid);
        ck_assert_str_eq(n.out_trade_no, "ORDER0001");
        if (t->paid)
            ck_assert_int_eq(n.total_fee, 1200);
        ck_assert_ptr_nonnull(all);
        upay_params_free(all);
    } else {
        ck_assert_ptr_null(all);
        ck_assert_int_eq(n.paid, 0);
        ck_assert_int_eq(n.total_fee, 0);
        ck_assert_str_eq(n.out_trade_no, "");
        ck_assert_int_eq(e.code, rc);
        ck_assert_uint_gt(strlen(e.message), 0);
    }
    upay_free(body);
}
END_TEST

/* One byte changed anywhere in the vector's values: refused. */
START_TEST(test_every_byte_matters)
{
    const char *sign = strstr(vector, "&sign=");
    for (size_t i = 0; vector + i < sign; i++) {
        if (vector[i] == '&' || vector[i] == '=')
            continue;
        char copy[sizeof vector];
        memcpy(copy, vector, sizeof vector);
        copy[i] = copy[i] == '1' ? '2' : '1';
        upay_notification n;
        upay_code rc = upay_notify_parse(copy, strlen(copy), KEY, &n, NULL, NULL);
        ck_assert_msg(rc != UPAY_OK, "byte %zu changed, still accepted", i);
        ck_assert_int_eq(n.paid, 0);
    }
}
END_TEST

START_TEST(test_bad_arguments)
{
    upay_notification n;
    ck_assert_int_eq(upay_notify_parse(NULL, 0, KEY, &n, NULL, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_notify_parse(vector, strlen(vector), "", &n, NULL, NULL),
                     UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_notify_parse(vector, strlen(vector), NULL, &n, NULL, NULL),
                     UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_notify_parse(vector, strlen(vector), KEY, NULL, NULL, NULL),
                     UPAY_E_INVALID_ARG);
    const char dup[] = "state=SUCCESS&state=FAIL";
    ck_assert_int_eq(upay_notify_parse(dup, strlen(dup), KEY, &n, NULL, NULL),
                     UPAY_E_FORM_DUPLICATE);
    ck_assert_str_eq(UPAY_NOTIFY_ACK, "success");
}
END_TEST

Suite *make_notify_suite(void)
{
    Suite *s = suite_create("notify");
    TCase *tc = tcase_create("vector");
    tcase_add_test(tc, test_independent_vector);
    tcase_add_test(tc, test_every_byte_matters);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_loop_test(tc, test_table, 0, (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("arguments");
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
