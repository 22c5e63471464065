/*
 * check_form.c - the form codec: accepted shapes, every malformed-input
 * error with its offset, the size limit at its edge, encoding, round trip.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "upay/form.h"

struct bad_case {
    const char *body;
    size_t len;        /* 0: strlen(body) */
    size_t max_bytes;
    upay_code code;
    size_t offset;
};

static const struct bad_case bad_cases[] = {
    /* escapes */
    {"a=%G1", 0, 0, UPAY_E_FORM_BAD_ESCAPE, 2},
    {"a=%", 0, 0, UPAY_E_FORM_BAD_ESCAPE, 2},
    {"a=%4", 0, 0, UPAY_E_FORM_BAD_ESCAPE, 2},
    {"a=1&b=%4G", 0, 0, UPAY_E_FORM_BAD_ESCAPE, 6},
    {"%zz=1", 0, 0, UPAY_E_FORM_BAD_ESCAPE, 0},
    {"a=%e4%b8%ad%", 0, 0, UPAY_E_FORM_BAD_ESCAPE, 11},
    {"a=%%41", 0, 0, UPAY_E_FORM_BAD_ESCAPE, 2},
    /* UTF-8 */
    {"a=%C0%AF", 0, 0, UPAY_E_FORM_BAD_UTF8, 2},          /* overlong '/' */
    {"a=%E0%80%AF", 0, 0, UPAY_E_FORM_BAD_UTF8, 2},       /* overlong, 3 bytes */
    {"a=%80", 0, 0, UPAY_E_FORM_BAD_UTF8, 2},             /* lone continuation */
    {"a=%ED%A0%80", 0, 0, UPAY_E_FORM_BAD_UTF8, 2},       /* surrogate U+D800 */
    {"a=%E4%B8", 0, 0, UPAY_E_FORM_BAD_UTF8, 2},          /* truncated */
    {"a=%F4%90%80%80", 0, 0, UPAY_E_FORM_BAD_UTF8, 2},    /* above U+10FFFF */
    {"a=x%FF", 0, 0, UPAY_E_FORM_BAD_UTF8, 3},
    {"a=%41%C3", 0, 0, UPAY_E_FORM_BAD_UTF8, 5},          /* offset maps back past escapes */
    {"a=\xC3", 0, 0, UPAY_E_FORM_BAD_UTF8, 2},            /* raw, truncated */
    {"%C3(=1", 0, 0, UPAY_E_FORM_BAD_UTF8, 0},            /* in a name */
    /* NUL */
    {"a=%00", 0, 0, UPAY_E_FORM_NUL, 2},
    {"%00=1", 0, 0, UPAY_E_FORM_NUL, 0},
    {"a=x\0y", 5, 0, UPAY_E_FORM_NUL, 3},                 /* raw NUL byte */
    /* duplicates */
    {"a=1&a=2", 0, 0, UPAY_E_FORM_DUPLICATE, 4},
    {"a=1&b=2&a", 0, 0, UPAY_E_FORM_DUPLICATE, 8},
    {"a%20b=1&a+b=2", 0, 0, UPAY_E_FORM_DUPLICATE, 8},    /* equal once decoded */
    /* empty names */
    {"=x", 0, 0, UPAY_E_FORM_EMPTY_NAME, 0},
    {"a=1&=2", 0, 0, UPAY_E_FORM_EMPTY_NAME, 4},
    {"a=1&=", 0, 0, UPAY_E_FORM_EMPTY_NAME, 4},
    /* size */
    {"a=12345678", 0, 9, UPAY_E_FORM_TOO_LARGE, 9},       /* limit + 1 */
};

START_TEST(test_bad)
{
    const struct bad_case *c = &bad_cases[_i];
    size_t len = c->len != 0 ? c->len : strlen(c->body);
    upay_params *p = (upay_params *)1;
    upay_error err;
    memset(&err, 0, sizeof err);
    upay_code rc = upay_form_parse(c->body, len, c->max_bytes, &p, &err);
    ck_assert_msg(rc == c->code, "case %d \"%s\": got %d (%s), want %d", _i, c->body, rc,
                  err.message, c->code);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(err.code, c->code);
    ck_assert_msg(err.offset == c->offset, "case %d: offset %zu, want %zu", _i, err.offset,
                  c->offset);
    ck_assert_uint_gt(strlen(err.message), 0);
}
END_TEST

START_TEST(test_default_limit)
{
    size_t n = UPAY_FORM_DEFAULT_MAX_BYTES + 1;
    char *body = malloc(n);
    memset(body, 'x', n);
    memcpy(body, "a=", 2);
    upay_params *p = NULL;
    upay_error err;
    ck_assert_int_eq(upay_form_parse(body, n, 0, &p, &err), UPAY_E_FORM_TOO_LARGE);
    ck_assert_uint_eq(err.offset, UPAY_FORM_DEFAULT_MAX_BYTES);
    /* Exactly the limit is accepted. */
    ck_assert_int_eq(upay_form_parse(body, n - 1, 0, &p, NULL), UPAY_OK);
    ck_assert_uint_eq(strlen(upay_params_get(p, "a")), n - 3);
    upay_params_free(p);
    ck_assert_int_eq(upay_form_parse(body, 10, 10, &p, NULL), UPAY_OK);
    upay_params_free(p);
    free(body);
}
END_TEST

START_TEST(test_messages_name_parameter)
{
    upay_params *p;
    upay_error err;
    ck_assert_int_eq(upay_form_parse("x=1&total_fee=%FF", 17, 0, &p, &err),
                     UPAY_E_FORM_BAD_UTF8);
    ck_assert_str_eq(err.message, "parameter 'total_fee': invalid UTF-8");
    ck_assert_uint_eq(err.offset, 14);
    ck_assert_int_eq(upay_form_parse("x=1&x=2", 7, 0, &p, &err), UPAY_E_FORM_DUPLICATE);
    ck_assert_str_eq(err.message, "parameter 'x' appears twice");
    /* A name with control characters is quoted safely. */
    ck_assert_int_eq(upay_form_parse("%0A=1&%0A=2", 11, 0, &p, &err), UPAY_E_FORM_DUPLICATE);
    ck_assert_str_eq(err.message, "parameter '?' appears twice");
    /* NULL err is fine. */
    ck_assert_int_eq(upay_form_parse("=", 1, 0, &p, NULL), UPAY_E_FORM_EMPTY_NAME);
}
END_TEST

struct good_case {
    const char *body;
    const char *pairs[8]; /* name, value, ..., NULL */
};

static const struct good_case good_cases[] = {
    {"", {NULL}},
    {"&&", {NULL}},
    {"a=1&&b=2&", {"a", "1", "b", "2", NULL}},
    {"a", {"a", "", NULL}},
    {"a=&b", {"a", "", "b", "", NULL}},
    {"a=b=c", {"a", "b=c", NULL}},
    {"+=+a+", {" ", " a ", NULL}},
    {"k=%e4%b8%ad%E6%96%87", {"k", "中文", NULL}},
    {"k=中文", {"k", "中文", NULL}},
    {"k=%F0%9F%98%80", {"k", "\xF0\x9F\x98\x80", NULL}},
    {"k=%F4%8F%BF%BF", {"k", "\xF4\x8F\xBF\xBF", NULL}},      /* U+10FFFF */
    {"k=%26%3D%25%2B", {"k", "&=%+", NULL}},
    {"Sign=1&sign=2", {"Sign", "1", "sign", "2", NULL}},       /* names are case-sensitive */
};

START_TEST(test_good)
{
    const struct good_case *c = &good_cases[_i];
    upay_params *p = NULL;
    upay_error err;
    upay_code rc = upay_form_parse(c->body, strlen(c->body), 0, &p, &err);
    ck_assert_msg(rc == UPAY_OK, "case %d \"%s\": %s", _i, c->body, err.message);
    size_t n = 0;
    while (c->pairs[2 * n] != NULL) {
        ck_assert_str_eq(upay_params_name_at(p, n), c->pairs[2 * n]);
        ck_assert_str_eq(upay_params_value_at(p, n), c->pairs[2 * n + 1]);
        n++;
    }
    ck_assert_uint_eq(upay_params_count(p), n);
    upay_params_free(p);
}
END_TEST

START_TEST(test_bad_arguments)
{
    upay_params *p;
    char *s;
    ck_assert_int_eq(upay_form_parse("a=1", 3, 0, NULL, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_form_parse(NULL, 3, 0, &p, NULL), UPAY_E_INVALID_ARG);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(upay_form_parse(NULL, 0, 0, &p, NULL), UPAY_OK);
    ck_assert_uint_eq(upay_params_count(p), 0);
    upay_params_free(p);
    ck_assert_int_eq(upay_form_encode(NULL, &s), UPAY_E_INVALID_ARG);
    p = upay_params_new();
    ck_assert_int_eq(upay_form_encode(p, NULL), UPAY_E_INVALID_ARG);
    upay_params_free(p);
}
END_TEST

START_TEST(test_encode)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "method", "pay");
    upay_params_set(p, "body", "超赢 & more=yes~");
    upay_params_set(p, "a-b.c_d~", "x+y/z");
    upay_params_set(p, "empty", "");
    char *s = NULL;
    ck_assert_int_eq(upay_form_encode(p, &s), UPAY_OK);
    ck_assert_str_eq(s, "method=pay&body=%E8%B6%85%E8%B5%A2+%26+more%3Dyes~"
                        "&a-b.c_d~=x%2By%2Fz&empty=");
    upay_free(s);
    upay_params_free(p);

    p = upay_params_new();
    ck_assert_int_eq(upay_form_encode(p, &s), UPAY_OK);
    ck_assert_str_eq(s, "");
    upay_free(s);
    upay_params_free(p);
}
END_TEST

START_TEST(test_round_trip)
{
    static const char *const values[] = {
        "plain", "with space", "&=%+?#", "中文 text", "\xF0\x9F\x98\x80", "\t\r\n", "~-._", "",
    };
    upay_params *p = upay_params_new();
    char name[16];
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        name[0] = 'n';
        name[1] = (char)('0' + i);
        strcpy(name + 2, i % 2 ? " x" : "&y");
        upay_params_set(p, name, values[i]);
    }
    char *s;
    ck_assert_int_eq(upay_form_encode(p, &s), UPAY_OK);
    upay_params *q;
    ck_assert_int_eq(upay_form_parse(s, strlen(s), 0, &q, NULL), UPAY_OK);
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

Suite *make_form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("malformed");
    tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_default_limit);
    tcase_add_test(tc, test_messages_name_parameter);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_good, 0, (int)(sizeof good_cases / sizeof good_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("encode");
    tcase_add_test(tc, test_encode);
    tcase_add_test(tc, test_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
