/*
 * check_mock_fault.c - the fault name table and its text form: every name
 * parses and formats back to itself, arguments are range-checked, and
 * ";not_applied" is refused where it makes no sense.
 */
#include <check.h>
#include <string.h>

#include "steer/fault.h"
#include "gateway/request.h"

START_TEST(every_name_round_trips)
{
    size_t n = 0;
    const mock_fault_info *t = mock_fault_table(&n);
    ck_assert_uint_eq(n, MOCK_FAULT_COUNT_ - 1);
    const mock_fault_info *info = &t[_i];
    mock_fault f;
    char err[200], text[64];
    ck_assert_int_eq(mock_fault_parse(info->name, &f, err, sizeof err), 0);
    ck_assert_int_eq(f.kind, info->kind);
    ck_assert_int_eq(f.arg, info->arg_default);
    ck_assert_int_eq(f.not_applied, 0);
    ck_assert_ptr_eq(mock_fault_info_of(info->kind), info);
    mock_fault back;
    ck_assert_int_eq(mock_fault_parse(mock_fault_format(&f, text, sizeof text), &back, err,
                                      sizeof err), 0);
    ck_assert_int_eq(back.kind, f.kind);
    ck_assert_int_eq(back.arg, f.arg);
    ck_assert_ptr_nonnull(info->summary);
    ck_assert_uint_ne(info->calls, 0);
    ck_assert_int_eq(mock_fault_is_transport(&f), info->transport);
}
END_TEST

static const struct {
    const char *text;
    int ok;
    mock_fault_kind kind;
    long long arg;
    int not_applied;
} parse_rows[] = {
    {"drop", 1, MOCK_FAULT_DROP, 0, 0},
    {" drop ; not_applied ", 1, MOCK_FAULT_DROP, 0, 1},
    {"delay=1500", 1, MOCK_FAULT_DELAY, 1500, 0},
    {"delay", 1, MOCK_FAULT_DELAY, 2000, 0},
    {"delay=0", 0, MOCK_FAULT_NONE, 0, 0},
    {"delay=120001", 0, MOCK_FAULT_NONE, 0, 0},
    {"delay=-5", 0, MOCK_FAULT_NONE, 0, 0},
    {"delay=1e3", 0, MOCK_FAULT_NONE, 0, 0},
    {"delay=", 0, MOCK_FAULT_NONE, 0, 0},
    {"http_5xx=503", 1, MOCK_FAULT_HTTP_5XX, 503, 0},
    {"http_5xx=404", 0, MOCK_FAULT_NONE, 0, 0},
    {"http_5xx", 1, MOCK_FAULT_HTTP_5XX, 502, 0},
    {"pay_refused=10003", 1, MOCK_FAULT_PAY_REFUSED, 10003, 0},
    {"pay_refused=20004", 1, MOCK_FAULT_PAY_REFUSED, 20004, 0},
    {"pay_refused=15000", 0, MOCK_FAULT_NONE, 0, 0},
    {"pay_refused=9999", 0, MOCK_FAULT_NONE, 0, 0},
    {"pay_paid_after=30", 1, MOCK_FAULT_PAY_PAID_AFTER, 30, 0},
    {"refund_change=60", 1, MOCK_FAULT_REFUND_CHANGE, 60, 0},
    {"refund_processing", 1, MOCK_FAULT_REFUND_PROCESSING, 86400, 0},
    {"system_error;not_applied", 1, MOCK_FAULT_SYSTEM_ERROR, 0, 1},
    {"refund_fail;not_applied", 0, MOCK_FAULT_NONE, 0, 0},
    {"drop;maybe", 0, MOCK_FAULT_NONE, 0, 0},
    {"drop=3", 0, MOCK_FAULT_NONE, 0, 0},
    {"nonsense", 0, MOCK_FAULT_NONE, 0, 0},
    {"", 0, MOCK_FAULT_NONE, 0, 0},
    {"=5", 0, MOCK_FAULT_NONE, 0, 0},
    {"a_very_long_fault_name_that_is_longer_than_any_buffer_we_keep", 0, MOCK_FAULT_NONE, 0, 0},
};

START_TEST(parse_table)
{
    mock_fault f;
    char err[200] = "";
    int rc = mock_fault_parse(parse_rows[_i].text, &f, err, sizeof err);
    if (!parse_rows[_i].ok) {
        ck_assert_msg(rc == -1, "\"%s\" should be refused", parse_rows[_i].text);
        ck_assert_msg(err[0] != '\0', "a refusal says why");
        return;
    }
    ck_assert_msg(rc == 0, "\"%s\": %s", parse_rows[_i].text, err);
    ck_assert_int_eq(f.kind, parse_rows[_i].kind);
    ck_assert_int_eq(f.arg, parse_rows[_i].arg);
    ck_assert_int_eq(f.not_applied, parse_rows[_i].not_applied);
}
END_TEST

START_TEST(null_and_format)
{
    mock_fault f;
    char text[64];
    ck_assert_int_eq(mock_fault_parse(NULL, &f, NULL, 0), -1);
    ck_assert_int_eq(mock_fault_parse("drop", NULL, NULL, 0), -1);
    ck_assert_ptr_null(mock_fault_info_of(MOCK_FAULT_NONE));
    ck_assert_str_eq(mock_fault_format(NULL, text, sizeof text), "none");
    f.kind = MOCK_FAULT_DROP;
    f.arg = 0;
    f.not_applied = 1;
    ck_assert_str_eq(mock_fault_format(&f, text, sizeof text), "drop;not_applied");
    f.kind = MOCK_FAULT_REFUND_PROCESSING;
    f.arg = 30;
    f.not_applied = 0;
    ck_assert_str_eq(mock_fault_format(&f, text, sizeof text), "refund_processing=30");
    char tiny[4];
    ck_assert_str_eq(mock_fault_format(&f, tiny, sizeof tiny), "ref");
}
END_TEST

START_TEST(fits_calls)
{
    mock_fault f;
    ck_assert_int_eq(mock_fault_parse("refund_notsure", &f, NULL, 0), 0);
    ck_assert(mock_fault_fits(&f, MOCK_CALL_REFUND));
    ck_assert(!mock_fault_fits(&f, MOCK_CALL_PAY));
    ck_assert(!mock_fault_fits(&f, MOCK_CALL_REFUNDQUERY));
    ck_assert_int_eq(mock_fault_parse("cancel_refused", &f, NULL, 0), 0);
    ck_assert(mock_fault_fits(&f, MOCK_CALL_CANCEL));
    ck_assert(!mock_fault_fits(&f, MOCK_CALL_ORDERQUERY));
    ck_assert_int_eq(mock_fault_parse("drop", &f, NULL, 0), 0);
    for (int k = MOCK_CALL_PAY; k <= MOCK_CALL_CANCEL; k++)
        ck_assert(mock_fault_fits(&f, k));
    ck_assert(!mock_fault_fits(&f, 7));
    ck_assert(!mock_fault_fits(&f, -1));
    ck_assert(!mock_fault_fits(NULL, 0));
}
END_TEST

Suite *make_mock_fault_suite(void)
{
    Suite *s = suite_create("mock_fault");
    size_t n = 0;
    mock_fault_table(&n);
    TCase *tc = tcase_create("names");
    tcase_add_loop_test(tc, every_name_round_trips, 0, (int)n);
    tcase_add_test(tc, null_and_format);
    tcase_add_test(tc, fits_calls);
    suite_add_tcase(s, tc);
    tc = tcase_create("parse");
    tcase_add_loop_test(tc, parse_table, 0, (int)(sizeof parse_rows / sizeof parse_rows[0]));
    suite_add_tcase(s, tc);
    return s;
}
