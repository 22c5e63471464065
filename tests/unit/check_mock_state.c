/*
 * check_mock_state.c - the mock's order and refund state machines and its
 * personas, without HTTP or storage: every transition of docs/protocol.md
 * sections 8-10, and the ones that must not happen.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "domain/clock.h"
#include "domain/persona.h"
#include "domain/refund_machine.h"
#include "domain/trade_machine.h"

static const mock_persona *P(const char *suffix)
{
    char code[32];
    snprintf(code, sizeof code, "13000000000000%s", suffix);
    return mock_persona_of(code);
}

static mock_order opened(const char *suffix, long long total, long long now)
{
    mock_order o;
    memset(&o, 0, sizeof o);
    o.total_fee = total;
    snprintf(o.auth_code, sizeof o.auth_code, "13000000000000%s", suffix);
    mock_trade_open(&o, mock_persona_of(o.auth_code), now);
    return o;
}

/* ---- personas: table-driven ---- */

static const struct {
    const char *suffix;
    mock_pay_behaviour pay;
    mock_refund_behaviour refund;
    long long coupon;
} persona_rows[] = {
    { "0000", MOCK_PAY_AT_ONCE, MOCK_REFUND_AT_ONCE, 0 },
    { "1234", MOCK_PAY_AT_ONCE, MOCK_REFUND_AT_ONCE, 0 },
    { "9001", MOCK_PAY_PASSWORD, MOCK_REFUND_AT_ONCE, 0 },
    { "9002", MOCK_PAY_NEVER, MOCK_REFUND_AT_ONCE, 0 },
    { "9003", MOCK_PAY_NO_BALANCE, MOCK_REFUND_AT_ONCE, 0 },
    { "9004", MOCK_PAY_EXPIRED_CODE, MOCK_REFUND_AT_ONCE, 0 },
    { "9005", MOCK_PAY_FAULT, MOCK_REFUND_AT_ONCE, 0 },
    { "9006", MOCK_PAY_COUPON, MOCK_REFUND_AT_ONCE, 1 },
    { "9007", MOCK_PAY_DECLINE, MOCK_REFUND_AT_ONCE, 0 },
    { "9101", MOCK_PAY_AT_ONCE, MOCK_REFUND_LATER, 0 },
    { "9102", MOCK_PAY_AT_ONCE, MOCK_REFUND_NOTSURE_ONCE, 0 },
    { "9103", MOCK_PAY_AT_ONCE, MOCK_REFUND_CHANGE, 0 },
    { "9104", MOCK_PAY_AT_ONCE, MOCK_REFUND_BANK_FAIL, 0 },
    { "9105", MOCK_PAY_AT_ONCE, MOCK_REFUND_AT_ONCE, 0 },
};

START_TEST(persona_table)
{
    const mock_persona *p = P(persona_rows[_i].suffix);
    ck_assert_int_eq(p->pay, persona_rows[_i].pay);
    ck_assert_int_eq(p->refund, persona_rows[_i].refund);
    ck_assert_int_eq(p->coupon_fee, persona_rows[_i].coupon);
    ck_assert_ptr_nonnull(p->summary);
}
END_TEST

START_TEST(persona_odd_input)
{
    ck_assert_int_eq(mock_persona_of(NULL)->pay, MOCK_PAY_AT_ONCE);
    ck_assert_int_eq(mock_persona_of("")->pay, MOCK_PAY_AT_ONCE);
    ck_assert_int_eq(mock_persona_of("001")->pay, MOCK_PAY_AT_ONCE);
    ck_assert_int_eq(mock_persona_of("9001")->pay, MOCK_PAY_PASSWORD);
    unsigned n = 0;
    ck_assert_ptr_nonnull(mock_persona_table(&n));
    ck_assert_uint_eq(n, 11);
}
END_TEST

/* ---- trade state machine ---- */

START_TEST(trade_open_by_persona)
{
    mock_order o = opened("0000", 100, 1000);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAID);
    ck_assert_int_eq(o.paid_at, 1000);
    o = opened("9001", 100, 1000);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAYING);
    ck_assert_int_eq(o.due_at, 1000 + MOCK_PASSWORD_DELAY);
    o = opened("9002", 100, 1000);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAYING);
    ck_assert_int_eq(o.due_at, 0);
    o = opened("9003", 100, 1000);
    ck_assert_int_eq(o.state, MOCK_TRADE_FAILED);
    ck_assert_int_eq(o.paid_at, 0);
    o = opened("9005", 100, 1000);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAID);
    o = opened("9006", 100, 1000);
    ck_assert_int_eq(o.coupon_fee, 1);
    ck_assert_int_eq(mock_trade_refundable(&o), 99);
    o = opened("9006", 1, 1000);       /* coupon never above the total */
    ck_assert_int_eq(o.coupon_fee, 1);
    ck_assert_int_eq(mock_trade_refundable(&o), 0);
}
END_TEST

START_TEST(trade_settle)
{
    mock_order o = opened("9001", 100, 1000);
    ck_assert_int_eq(mock_trade_settle(&o, P("9001"), 1009), 0);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAYING);
    ck_assert_int_eq(mock_trade_settle(&o, P("9001"), 1010), 1);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAID);
    ck_assert_int_eq(o.paid_at, 1010);                 /* paid at its due time, not "now" */
    ck_assert_int_eq(mock_trade_settle(&o, P("9001"), 5000), 0);

    o = opened("9007", 100, 1000);
    ck_assert_int_eq(mock_trade_settle(&o, P("9007"), 99999), 1);
    ck_assert_int_eq(o.state, MOCK_TRADE_NOT_PAID);
    ck_assert_int_eq(o.paid_at, 0);

    o = opened("9002", 100, 1000);                     /* never confirms */
    ck_assert_int_eq(mock_trade_settle(&o, P("9002"), 1000 + 86400 * 365), 0);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAYING);

    o = opened("0000", 100, 1000);                     /* only PAYING settles */
    o.due_at = 1;
    ck_assert_int_eq(mock_trade_settle(&o, P("0000"), 5000), 0);
}
END_TEST

static const struct {
    const char *suffix;
    long long age;
    int refunded;               /* add a counting refund first */
    mock_cancel_outcome want;
    mock_trade_state after;
} cancel_rows[] = {
    { "0000", 0, 0, MOCK_CANCEL_REVOKED, MOCK_TRADE_REVOKED },
    { "0000", 299, 0, MOCK_CANCEL_REVOKED, MOCK_TRADE_REVOKED },
    { "0000", 300, 0, MOCK_CANCEL_TOO_OLD, MOCK_TRADE_PAID },
    { "9002", 299, 0, MOCK_CANCEL_CLOSED, MOCK_TRADE_CLOSED },
    { "9002", 300, 0, MOCK_CANCEL_TOO_OLD, MOCK_TRADE_PAYING },
    { "9003", 10, 0, MOCK_CANCEL_CLOSED, MOCK_TRADE_CLOSED },
    { "0000", 10, 1, MOCK_CANCEL_REFUNDED, MOCK_TRADE_REFUNDED },
    { "0000", 400, 1, MOCK_CANCEL_TOO_OLD, MOCK_TRADE_REFUNDED },
};

START_TEST(trade_cancel)
{
    mock_order o = opened(cancel_rows[_i].suffix, 100, 1000);
    if (cancel_rows[_i].refunded)
        mock_trade_refund_adjust(&o, 10, 0, 1);
    ck_assert_int_eq(mock_trade_cancel(&o, 1000 + cancel_rows[_i].age), cancel_rows[_i].want);
    ck_assert_int_eq(o.state, cancel_rows[_i].after);
}
END_TEST

START_TEST(trade_cancel_final)
{
    mock_order o = opened("0000", 100, 1000);
    ck_assert_int_eq(mock_trade_cancel(&o, 1001), MOCK_CANCEL_REVOKED);
    /* Already cancelled: a success whatever the age, nothing changes. */
    ck_assert_int_eq(mock_trade_cancel(&o, 1000 + 86400), MOCK_CANCEL_ALREADY);
    ck_assert_int_eq(o.state, MOCK_TRADE_REVOKED);
    ck_assert_int_eq(o.paid_at, 1000);                 /* time_end stays */
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 1, 1002, 1), MOCK_RCHECK_NOT_PAID);
    o = opened("9002", 100, 1000);
    ck_assert_int_eq(mock_trade_cancel(&o, 1001), MOCK_CANCEL_CLOSED);
    ck_assert_int_eq(mock_trade_settle(&o, P("9002"), 99999), 0);
    ck_assert_int_eq(mock_trade_cancel(&o, 99999), MOCK_CANCEL_ALREADY);
}
END_TEST

START_TEST(trade_refund_checks)
{
    mock_order o = opened("0000", 100, 1000);
    ck_assert_int_eq(mock_trade_refund_check(&o, 99, 1, 1000, 1), MOCK_RCHECK_WRONG_TOTAL);
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 101, 1000, 1), MOCK_RCHECK_OVER_AMOUNT);
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 0, 1000, 1), MOCK_RCHECK_OVER_AMOUNT);
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 100, 1000, 1), MOCK_RCHECK_OK);
    long long year = (long long)MOCK_REFUND_DAYS * 86400;
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 1, 1000 + year - 1, 1), MOCK_RCHECK_OK);
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 1, 1000 + year, 1), MOCK_RCHECK_TOO_LATE);
    o.refund_count = MOCK_REFUNDS_MAX;
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 1, 1000, 1), MOCK_RCHECK_TOO_MANY);
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 1, 1000, 0), MOCK_RCHECK_OK);

    /* Partial refunds until nothing is left; REFUNDED from the first. */
    o = opened("0000", 100, 1000);
    mock_trade_refund_adjust(&o, 60, 0, 1);
    ck_assert_int_eq(o.state, MOCK_TRADE_REFUNDED);
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 41, 1000, 1), MOCK_RCHECK_OVER_AMOUNT);
    ck_assert_int_eq(mock_trade_refund_check(&o, 100, 40, 1000, 1), MOCK_RCHECK_OK);
    mock_trade_refund_adjust(&o, 40, 0, 1);
    ck_assert_int_eq(mock_trade_refundable(&o), 0);
    /* A refund that stops counting gives its money back; none left: PAID again. */
    mock_trade_refund_adjust(&o, 40, 1, 0);
    ck_assert_int_eq(o.state, MOCK_TRADE_REFUNDED);
    mock_trade_refund_adjust(&o, 60, 1, 0);
    ck_assert_int_eq(o.state, MOCK_TRADE_PAID);
    ck_assert_int_eq(mock_trade_refundable(&o), 100);
    /* FAIL to FAIL changes nothing. */
    mock_trade_refund_adjust(&o, 60, 0, 0);
    ck_assert_int_eq(o.refunded_fee, 0);

    static const char *const unpaid[] = { "9001", "9002", "9003", "9004" };
    for (int i = 0; i < 4; i++) {
        o = opened(unpaid[i], 100, 1000);
        ck_assert_int_eq(mock_trade_refund_check(&o, 100, 1, 1000, 1), MOCK_RCHECK_NOT_PAID);
    }
}
END_TEST

static const struct {
    mock_trade_state state;
    int code;
    const char *trade_state;
} query_rows[] = {
    { MOCK_TRADE_PAID, 10000, "SUCCESS" },   { MOCK_TRADE_PAYING, 10001, "NEED_QUERY" },
    { MOCK_TRADE_REFUNDED, 10002, "REFUND" }, { MOCK_TRADE_NOT_PAID, 10003, "FAIL" },
    { MOCK_TRADE_CLOSED, 10004, "FAIL" },    { MOCK_TRADE_REVOKED, 10005, "FAIL" },
    { MOCK_TRADE_FAILED, 10006, "FAIL" },
};

START_TEST(trade_query_answers)
{
    int code = 0;
    const char *ts = NULL, *msg = NULL;
    mock_trade_query_answer(query_rows[_i].state, &code, &ts, &msg);
    ck_assert_int_eq(code, query_rows[_i].code);
    ck_assert_str_eq(ts, query_rows[_i].trade_state);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_ne(mock_trade_state_name(query_rows[_i].state), "UNKNOWN");
}
END_TEST

/* ---- refund state machine ---- */

START_TEST(refund_attempts)
{
    mock_refund r;
    memset(&r, 0, sizeof r);
    mock_refund_attempt(&r, P("0000"), 100);
    ck_assert_int_eq(r.status, UPAY_REFUND_SUCCESS);
    ck_assert_int_eq(r.updated_at, 100);

    memset(&r, 0, sizeof r);
    mock_refund_attempt(&r, P("9101"), 100);
    ck_assert_int_eq(r.status, UPAY_REFUND_PROCESSING);
    ck_assert_int_eq(mock_refund_settle(&r, P("9101"), 100 + MOCK_SETTLE_DELAY - 1), 0);
    ck_assert_int_eq(mock_refund_settle(&r, P("9101"), 100 + MOCK_SETTLE_DELAY), 1);
    ck_assert_int_eq(r.status, UPAY_REFUND_SUCCESS);
    ck_assert_int_eq(r.updated_at, 100 + MOCK_SETTLE_DELAY);
    ck_assert_int_eq(mock_refund_settle(&r, P("9101"), 1 << 30), 0);

    memset(&r, 0, sizeof r);
    mock_refund_attempt(&r, P("9103"), 100);
    ck_assert_int_eq(mock_refund_settle(&r, P("9103"), 1 << 30), 1);
    ck_assert_int_eq(r.status, UPAY_REFUND_CHANGE);
    ck_assert(!mock_refund_retryable(r.status));

    memset(&r, 0, sizeof r);
    mock_refund_attempt(&r, P("9102"), 100);
    ck_assert_int_eq(r.status, UPAY_REFUND_NOTSURE);
    ck_assert(mock_refund_retryable(r.status));
    ck_assert(mock_refund_counts(r.status));
    mock_refund_attempt(&r, P("9102"), 200);
    ck_assert_int_eq(r.status, UPAY_REFUND_SUCCESS);
    ck_assert_int_eq(r.attempts, 2);

    memset(&r, 0, sizeof r);
    mock_refund_attempt(&r, P("9104"), 100);
    ck_assert_int_eq(r.status, UPAY_REFUND_FAIL);
    ck_assert(!mock_refund_counts(r.status));
    ck_assert(mock_refund_retryable(r.status));
    mock_refund_attempt(&r, P("9104"), 100);
    ck_assert_int_eq(r.status, UPAY_REFUND_FAIL);
    /* Only PROCESSING settles. */
    ck_assert_int_eq(mock_refund_settle(&r, P("9104"), 1 << 30), 0);
}
END_TEST

static const struct {
    upay_refund_status status;
    int code;
    const char *trade_state;
} refund_answer_rows[] = {
    { UPAY_REFUND_SUCCESS, 10000, "SUCCESS" },
    { UPAY_REFUND_PROCESSING, 10000, "PROCESSING" },
    { UPAY_REFUND_NOTSURE, 20008, "NEED_QUERY" },
    { UPAY_REFUND_FAIL, 20008, "FAIL" },
    { UPAY_REFUND_CHANGE, 10000, "SUCCESS" },
};

START_TEST(refund_answers)
{
    int code = 0;
    const char *ts = NULL, *msg = NULL;
    mock_refund_answer(refund_answer_rows[_i].status, &code, &ts, &msg);
    ck_assert_int_eq(code, refund_answer_rows[_i].code);
    ck_assert_str_eq(ts, refund_answer_rows[_i].trade_state);
    ck_assert_ptr_nonnull(msg);
}
END_TEST

START_TEST(clock_window)
{
    mock_clock *c = mock_clock_new();
    ck_assert_ptr_nonnull(c);
    mock_clock_freeze(c, 1000000);
    ck_assert_int_eq(mock_clock_merchant_now(c, 0), 1000000);
    mock_clock_set_global_offset(c, 60);
    ck_assert_int_eq(mock_clock_merchant_now(c, 5), 1000065);
    ck_assert_int_eq(mock_clock_global_offset(c), 60);
    ck_assert(mock_clock_cancel_window_open(100, 399));
    ck_assert(!mock_clock_cancel_window_open(100, 400));
    ck_assert(mock_clock_offset_ok(0, MOCK_CLOCK_MAX_ADVANCE));
    ck_assert(!mock_clock_offset_ok(1, MOCK_CLOCK_MAX_ADVANCE));
    ck_assert(!mock_clock_offset_ok(0, MOCK_CLOCK_MAX_ADVANCE + 1));
    mock_clock_freeze(c, -1);
    ck_assert_int_gt(mock_clock_real_now(c), 1600000000);
    mock_clock_free(c);
    mock_clock_free(NULL);
}
END_TEST

Suite *make_mock_state_suite(void)
{
    Suite *s = suite_create("mock_state");
    TCase *tc = tcase_create("persona");
    tcase_add_loop_test(tc, persona_table, 0, sizeof persona_rows / sizeof persona_rows[0]);
    tcase_add_test(tc, persona_odd_input);
    suite_add_tcase(s, tc);

    tc = tcase_create("trade");
    tcase_add_test(tc, trade_open_by_persona);
    tcase_add_test(tc, trade_settle);
    tcase_add_loop_test(tc, trade_cancel, 0, sizeof cancel_rows / sizeof cancel_rows[0]);
    tcase_add_test(tc, trade_cancel_final);
    tcase_add_test(tc, trade_refund_checks);
    tcase_add_loop_test(tc, trade_query_answers, 0, sizeof query_rows / sizeof query_rows[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("refund");
    tcase_add_test(tc, refund_attempts);
    tcase_add_loop_test(tc, refund_answers, 0,
                        sizeof refund_answer_rows / sizeof refund_answer_rows[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("clock");
    tcase_add_test(tc, clock_window);
    suite_add_tcase(s, tc);
    return s;
}
