/*
 * check_response.c - the JSON response codec: malformed documents with
 * their exact errors, accepted shapes, compact encoding in insertion order,
 * build (sign + encode) and verify, round trip.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upay/response.h"

struct bad_case {
    const char *json;
    size_t len;       /* 0: strlen(json) */
    size_t max_bytes;
    upay_code code;
    const char *member; /* expected in the message, or NULL */
};

static const struct bad_case bad_cases[] = {
    {"{", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"   ", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{'a':'1'}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"1\",}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"1\"} x", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"1\"}{}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"\\u0000\"}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\\u0000\":\"1\"}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"x\x01\"}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"\xC0\xAF\"}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"\xED\xA0\x80\"}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"1\"\0}", 10, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"{\"a\":\"\\ud800\"}", 0, 0, UPAY_E_JSON_SYNTAX, NULL},
    {"[]", 0, 0, UPAY_E_JSON_NOT_OBJECT, NULL},
    {"[{\"a\":\"1\"}]", 0, 0, UPAY_E_JSON_NOT_OBJECT, NULL},
    {"\"a\"", 0, 0, UPAY_E_JSON_NOT_OBJECT, NULL},
    {"1", 0, 0, UPAY_E_JSON_NOT_OBJECT, NULL},
    {"null", 0, 0, UPAY_E_JSON_NOT_OBJECT, NULL},
    {"{\"state\":\"SUCCESS\",\"total_fee\":1}", 0, 0, UPAY_E_JSON_NOT_STRING, "total_fee"},
    {"{\"msg\":null}", 0, 0, UPAY_E_JSON_NOT_STRING, "msg"},
    {"{\"code\":true}", 0, 0, UPAY_E_JSON_NOT_STRING, "code"},
    {"{\"list\":[\"x\"]}", 0, 0, UPAY_E_JSON_NOT_STRING, "list"},
    {"{\"obj\":{\"b\":\"c\"}}", 0, 0, UPAY_E_JSON_NOT_STRING, "obj"},
    {"{\"code\":\"1\",\"msg\":\"a\",\"code\":\"2\"}", 0, 0, UPAY_E_JSON_DUPLICATE, "code"},
    {"{\"a\":\"12\"}", 0, 9, UPAY_E_JSON_TOO_LARGE, NULL},
};

START_TEST(test_bad)
{
    const struct bad_case *c = &bad_cases[_i];
    size_t len = c->len != 0 ? c->len : strlen(c->json);
    upay_params *p = (upay_params *)1;
    upay_error err;
    memset(&err, 0, sizeof err);
    upay_code rc = upay_response_parse(c->json, len, c->max_bytes, &p, &err);
    ck_assert_msg(rc == c->code, "case %d: got %d (%s), want %d", _i, rc, err.message, c->code);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(err.code, c->code);
    ck_assert_uint_gt(strlen(err.message), 0);
    if (c->member != NULL)
        ck_assert_msg(strstr(err.message, c->member) != NULL, "message \"%s\" lacks %s",
                      err.message, c->member);
}
END_TEST

START_TEST(test_offsets)
{
    upay_params *p;
    upay_error err;
    ck_assert_int_eq(upay_response_parse("{\"a\":\"1\"} x", 11, 0, &p, &err),
                     UPAY_E_JSON_SYNTAX);
    ck_assert_uint_eq(err.offset, 10);
    ck_assert_int_eq(upay_response_parse("{\"a\":\"x\x01\"}", 10, 0, &p, &err),
                     UPAY_E_JSON_SYNTAX);
    ck_assert_uint_eq(err.offset, 7);
    ck_assert_int_eq(upay_response_parse("{\"a\":\"1\"}", 9, 8, &p, &err), UPAY_E_JSON_TOO_LARGE);
    ck_assert_uint_eq(err.offset, 8);
    /* Exactly the limit is accepted. */
    ck_assert_int_eq(upay_response_parse("{\"a\":\"1\"}", 9, 9, &p, &err), UPAY_OK);
    upay_params_free(p);
}
END_TEST

START_TEST(test_default_limit)
{
    size_t n = UPAY_RESPONSE_DEFAULT_MAX_BYTES + 1;
    char *doc = malloc(n);
    memset(doc, ' ', n);
    memcpy(doc, "{\"a\":\"1\"}", 9);
    upay_params *p;
    ck_assert_int_eq(upay_response_parse(doc, n, 0, &p, NULL), UPAY_E_JSON_TOO_LARGE);
    ck_assert_int_eq(upay_response_parse(doc, n - 1, 0, &p, NULL), UPAY_OK);
    upay_params_free(p);
    free(doc);
}
END_TEST

START_TEST(test_good)
{
    const char *json = " {\"state\" : \"SUCCESS\",\n\"msg\":\"a\\\"b\\\\c\\n\\u4e2d\\ud83d\\ude00\","
                       "\"empty\":\"\",\"raw\":\"中\"} \r\n";
    upay_params *p = NULL;
    upay_error err;
    ck_assert_int_eq(upay_response_parse(json, strlen(json), 0, &p, &err), UPAY_OK);
    ck_assert_uint_eq(upay_params_count(p), 4);
    ck_assert_str_eq(upay_params_name_at(p, 0), "state");
    ck_assert_str_eq(upay_params_name_at(p, 1), "msg");
    ck_assert_str_eq(upay_params_value_at(p, 1), "a\"b\\c\n中\xF0\x9F\x98\x80");
    ck_assert_str_eq(upay_params_get(p, "empty"), "");
    ck_assert_str_eq(upay_params_get(p, "raw"), "中");
    upay_params_free(p);

    ck_assert_int_eq(upay_response_parse("{}", 2, 0, &p, NULL), UPAY_OK);
    ck_assert_uint_eq(upay_params_count(p), 0);
    upay_params_free(p);
}
END_TEST

START_TEST(test_bad_arguments)
{
    upay_params *p;
    char *s;
    ck_assert_int_eq(upay_response_parse("{}", 2, 0, NULL, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_response_parse(NULL, 2, 0, &p, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_response_encode(NULL, &s), UPAY_E_INVALID_ARG);
    p = upay_params_new();
    ck_assert_int_eq(upay_response_encode(p, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_response_build(p, "k", UPAY_SIGN_MD5, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_response_build(p, NULL, UPAY_SIGN_MD5, &s), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_response_build(NULL, "k", UPAY_SIGN_MD5, &s), UPAY_E_INVALID_ARG);
    upay_params_free(p);
}
END_TEST

/*
 * upay_response_write gives exactly upay_response_encode's text in the
 * caller's buffer, measures with no buffer, and never writes past `cap`:
 * every cap from 0 to the length plus 2, around a guard byte.
 */
START_TEST(test_write_into_buffer)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "state", "SUCCESS");
    upay_params_set(p, "msg", "a\"b\\c\n\x01中");
    upay_params_set(p, "empty", "");
    char *want = NULL;
    ck_assert_int_eq(upay_response_encode(p, &want), UPAY_OK);
    size_t len = strlen(want);
    ck_assert_uint_eq(upay_response_write(p, NULL, 0), len);
    char buf[256];
    for (size_t cap = 0; cap <= len + 2; cap++) {
        memset(buf, '#', sizeof buf);
        ck_assert_uint_eq(upay_response_write(p, buf, cap), len);
        ck_assert_int_eq(buf[cap], '#');                    /* nothing past cap */
        if (cap > len)
            ck_assert_str_eq(buf, want);
    }
    ck_assert_uint_eq(upay_response_write(NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    upay_free(want);
    upay_params_free(p);
}
END_TEST

START_TEST(test_encode)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "state", "SUCCESS");
    upay_params_set(p, "code", "10000");
    upay_params_set(p, "msg", "a\"b\\c\n\x01中/");
    upay_params_set(p, "empty", "");
    upay_params_set(p, "ctl\t", "\b\f\r\t\x1f\x7f");
    char *s;
    ck_assert_int_eq(upay_response_encode(p, &s), UPAY_OK);
    ck_assert_str_eq(s, "{\"state\":\"SUCCESS\",\"code\":\"10000\","
                        "\"msg\":\"a\\\"b\\\\c\\n\\u0001中/\",\"empty\":\"\","
                        "\"ctl\\t\":\"\\b\\f\\r\\t\\u001f\x7f\"}");
    upay_free(s);
    upay_params_free(p);

    p = upay_params_new();
    ck_assert_int_eq(upay_response_encode(p, &s), UPAY_OK);
    ck_assert_str_eq(s, "{}");
    upay_free(s);
    upay_params_free(p);
}
END_TEST

/* A document far larger than the encoder's first buffer, with escapes on
 * both sides of its edge, decodes back to the same members. */
START_TEST(test_encode_large)
{
    upay_params *p = upay_params_new();
    char name[16], value[700];
    for (size_t i = 0; i < sizeof value - 1; i++)
        value[i] = i % 7 == 0 ? '"' : i % 11 == 0 ? '\x02' : (char)('a' + i % 26);
    value[sizeof value - 1] = '\0';
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "m%d", i);
        ck_assert_int_eq(upay_params_set(p, name, value + i * 13), UPAY_OK);
    }
    char *s;
    ck_assert_int_eq(upay_response_encode(p, &s), UPAY_OK);
    ck_assert_uint_gt(strlen(s), 4096);
    upay_params *back = NULL;
    ck_assert_int_eq(upay_response_parse(s, strlen(s), 0, &back, NULL), UPAY_OK);
    ck_assert_uint_eq(upay_params_count(back), 12);
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "m%d", i);
        ck_assert_str_eq(upay_params_get(back, name), value + i * 13);
    }
    upay_params_free(back);
    upay_free(s);
    upay_params_free(p);
}
END_TEST

/* Vector 5 of sign-vectors.json: a refundquery response with refund_list. */
START_TEST(test_build_and_verify)
{
    const char *key = "UPAYMOCK000000000000000000000001";
    upay_params *p = upay_params_new();
    upay_params_set(p, "state", "SUCCESS");
    upay_params_set(p, "code", "10000");
    upay_params_set(p, "trade_state", "SUCCESS");
    upay_params_set(p, "msg", "SUCCESS");
    upay_params_set(p, "mch_id", "00000001");
    upay_params_set(p, "transaction_id", "199520175115201706224112697859");
    upay_params_set(p, "out_trade_no", "1498125915060");
    upay_params_set(p, "refund_list",
                    "[{\"serial_no\":\"0\",\"refund_id\":\"199520175115201706224212715917\","
                    "\"refund_fee\":\"2\",\"refund_status\":\"SUCCESS\"}]");
    upay_params_set(p, "refund_fee_summary", "2");
    upay_params_set(p, "refund_count", "1");
    upay_params_set(p, "nonce_str", "65f753cf49f049c4ab434a7caa75449c");

    char *s;
    ck_assert_int_eq(upay_response_build(p, key, UPAY_SIGN_MD5, &s), UPAY_OK);
    ck_assert_str_eq(upay_params_get(p, "sign"), "BF92B7FD4159E430B32613FD4D607077");
    ck_assert_ptr_nonnull(strstr(s, ",\"sign\":\"BF92B7FD4159E430B32613FD4D607077\"}"));

    upay_params *q;
    ck_assert_int_eq(upay_response_parse(s, strlen(s), 0, &q, NULL), UPAY_OK);
    upay_free(s);
    ck_assert_int_eq(upay_response_verify(q, key, UPAY_SIGN_MD5), UPAY_OK);
    ck_assert_int_eq(upay_response_verify(q, key, UPAY_SIGN_HMAC_SHA256), UPAY_E_SIGN_MISMATCH);
    /* An unknown field is signed like the rest. */
    upay_params_set(q, "new_field", "x");
    ck_assert_int_eq(upay_response_verify(q, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISMATCH);
    upay_params_remove(q, "sign");
    ck_assert_int_eq(upay_response_verify(q, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISSING);
    upay_params_free(q);

    ck_assert_int_eq(upay_response_build(p, key, UPAY_SIGN_HMAC_SHA256, &s), UPAY_OK);
    ck_assert_str_eq(upay_params_get(p, "sign"),
                     "D94824CD1B863659D11F3D2FFFE3F3893B9ADA5366855279C108837654696300");
    ck_assert_int_eq(upay_response_parse(s, strlen(s), 0, &q, NULL), UPAY_OK);
    ck_assert_int_eq(upay_response_verify(q, key, UPAY_SIGN_HMAC_SHA256), UPAY_OK);
    upay_free(s);
    upay_params_free(q);
    upay_params_free(p);
}
END_TEST

START_TEST(test_round_trip)
{
    static const char *const values[] = {
        "SUCCESS", "", "中文", "\"quoted\"", "back\\slash", "\t\r\n\b\f\x1f", "/slash/",
        "\xF0\x9F\x98\x80", "[{\"serial_no\":\"0\"}]",
    };
    upay_params *p = upay_params_new();
    char name[8] = "m0";
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        name[1] = (char)('0' + i);
        upay_params_set(p, name, values[i]);
    }
    upay_params_set(p, "名字", "v");
    char *s;
    ck_assert_int_eq(upay_response_encode(p, &s), UPAY_OK);
    upay_params *q;
    upay_error err;
    ck_assert_msg(upay_response_parse(s, strlen(s), 0, &q, &err) == UPAY_OK, "%s", err.message);
    ck_assert_uint_eq(upay_params_count(q), upay_params_count(p));
    for (size_t i = 0; i < upay_params_count(p); i++) {
        ck_assert_str_eq(upay_params_name_at(q, i), upay_params_name_at(p, i));
        ck_assert_str_eq(upay_params_value_at(q, i), upay_params_value_at(p, i));
    }
    upay_free(s);
    upay_params_free(p);
    upay_params_free(q);
}
END_TEST

Suite *make_response_suite(void)
{
    Suite *s = suite_create("response");
    TCase *tc = tcase_create("malformed");
    tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_offsets);
    tcase_add_test(tc, test_default_limit);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("codec");
    tcase_add_test(tc, test_good);
    tcase_add_test(tc, test_encode);
    tcase_add_test(tc, test_write_into_buffer);
    tcase_add_test(tc, test_encode_large);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_build_and_verify);
    suite_add_tcase(s, tc);
    return s;
}
