/*
 * check_error.c - upay_strerror(): every enum value has its own non-empty
 * string, distinct from the others and from the unknown-code text.
 */
#include <check.h>
#include <string.h>

#include "upay/error.h"

/* Every value of upay_code: add new ones here when error.h grows. */
static const upay_code all_codes[] = {
    UPAY_OK, UPAY_E_NOMEM, UPAY_E_INVALID_ARG,
    UPAY_E_FORM_TOO_LARGE, UPAY_E_FORM_BAD_ESCAPE, UPAY_E_FORM_BAD_UTF8, UPAY_E_FORM_NUL,
    UPAY_E_FORM_DUPLICATE, UPAY_E_FORM_EMPTY_NAME,
    UPAY_E_JSON_SYNTAX, UPAY_E_JSON_NOT_OBJECT, UPAY_E_JSON_NOT_STRING, UPAY_E_JSON_DUPLICATE,
    UPAY_E_JSON_TOO_LARGE,
    UPAY_E_SIGN_MISSING, UPAY_E_SIGN_MISMATCH, UPAY_E_SIGN_TYPE,
    UPAY_E_REFUND_LIST_SYNTAX, UPAY_E_REFUND_LIST_NOT_ARRAY, UPAY_E_REFUND_LIST_ITEM,
    UPAY_E_REFUND_LIST_FIELD,
    UPAY_E_BAD_AMOUNT,
    UPAY_E_TRANSPORT, UPAY_E_NO_ANSWER, UPAY_E_HTTP_STATUS, UPAY_E_BAD_RESPONSE,
    UPAY_E_RESPONSE_SIGN, UPAY_E_GATEWAY_REFUSED, UPAY_E_TLS, UPAY_E_FLOW_DEADLINE,
    UPAY_E_VERSION, UPAY_E_UNVERIFIED_FAIL,
};
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

START_TEST(test_string_distinct)
{
    const char *unknown = upay_strerror((upay_code)9999);
    const char *s = upay_strerror(all_codes[_i]);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_gt(strlen(s), 0);
    ck_assert_str_ne(s, unknown);
    for (size_t j = 0; j < N_CODES; j++) {
        if (j != (size_t)_i)
            ck_assert_msg(strcmp(s, upay_strerror(all_codes[j])) != 0,
                          "codes %d and %d share \"%s\"", all_codes[_i], all_codes[j], s);
    }
}
END_TEST

START_TEST(test_unknown_code)
{
    ck_assert_str_eq(upay_strerror((upay_code)9999), "unknown error code");
    ck_assert_str_eq(upay_strerror((upay_code)-1), "unknown error code");
    ck_assert_str_eq(upay_strerror((upay_code)3), "unknown error code");
}
END_TEST

START_TEST(test_free_null)
{
    upay_free(NULL); /* must be a no-op */
}
END_TEST

Suite *make_error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("strerror");
    tcase_add_loop_test(tc, test_string_distinct, 0, (int)N_CODES);
    tcase_add_test(tc, test_unknown_code);
    tcase_add_test(tc, test_free_null);
    suite_add_tcase(s, tc);
    return s;
}
