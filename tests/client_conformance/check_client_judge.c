/*
 * tests/client_conformance/check_client_judge.c - the judge of client
 * conformance (suite/client/client_judge.c) on hand-made journals: each
 * C- rule fails when its traffic breaks it and stays quiet when the
 * traffic keeps it. The naive POS test proves the verdicts end to end;
 * these prove the rules no naive program breaks (cadence, deadline, cancel
 * window, second pay, a failed refund number resent), and the notify
 * rules on hand-made deliveries (a genuine one rejected or left
 * unacknowledged, which naive_pos.py does not do).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "client/client_judge.h"
#include "client/client_notify.h"

/* One exchange: "call otn orn fee time mch_time fault|- response-json". */
typedef struct row {
    const char *call, *otn, *orn;
    int fee, time, mch;
    const char *fault;   /* NULL: none */
    const char *resp;
} row;

typedef struct jcase {
    const char *name;
    suite_client_action action;
    const char *outcome;
    const char *orders;   /* JSON array */
    row rows[8];
    const char *want;     /* a rule id that must fail, or NULL: none may */
} jcase;

#define PAYING "{\"state\":\"SUCCESS\",\"code\":\"10001\",\"trade_state\":\"NEED_QUERY\"}"
#define PAID "{\"state\":\"SUCCESS\",\"code\":\"10000\",\"trade_state\":\"SUCCESS\"}"
#define NOBAL "{\"state\":\"SUCCESS\",\"code\":\"10006\",\"trade_state\":\"FAIL\"}"
#define NOTSURE "{\"state\":\"SUCCESS\",\"code\":\"20008\",\"trade_state\":\"NEED_QUERY\"}"
#define RFAIL "{\"state\":\"SUCCESS\",\"code\":\"20008\",\"trade_state\":\"FAIL\"}"
#define O_PAID "[{\"out_trade_no\":\"O1\",\"state\":\"PAID\",\"total_fee\":100,\"refunds\":[]}]"
#define O_PAYING "[{\"out_trade_no\":\"O1\",\"state\":\"PAYING\",\"total_fee\":100}]"
#define O_REVOKED "[{\"out_trade_no\":\"O1\",\"state\":\"REVOKED\",\"total_fee\":100}]"
#define O_RFAIL "[{\"out_trade_no\":\"O1\",\"state\":\"PAID\",\"total_fee\":100,\"refunds\":[{\"refund_status\":\"FAIL\"}]}]"

static const jcase CASES[] = {
    {"polls_every_5s", SUITE_ACTION_PAY, "PAID", O_PAID,
     {{"pay", "O1", "", 0, 0, 0, NULL, PAYING}, {"orderquery", "O1", "", 0, 5, 5, NULL, PAYING},
      {"orderquery", "O1", "", 0, 10, 10, NULL, PAID}}, NULL},
    {"polls_too_fast", SUITE_ACTION_PAY, "PAID", O_PAID,
     {{"pay", "O1", "", 0, 0, 0, NULL, PAYING}, {"orderquery", "O1", "", 0, 2, 2, NULL, PAID}},
     "C-POLL-INTERVAL"},
    {"polls_past_deadline", SUITE_ACTION_PAY, "PAID", O_PAID,
     {{"pay", "O1", "", 0, 0, 0, NULL, PAYING}, {"orderquery", "O1", "", 0, 30, 30, NULL, PAYING},
      {"orderquery", "O1", "", 0, 70, 70, NULL, PAID}}, "C-POLL-DEADLINE"},
    {"paying_left_alone", SUITE_ACTION_PAY, "UNKNOWN", O_PAYING,
     {{"pay", "O1", "", 0, 0, 0, NULL, PAYING}}, "C-ABANDONED"},
    {"cancel_too_early", SUITE_ACTION_PAY, "CANCELLED", O_REVOKED,
     {{"pay", "O1", "", 0, 0, 0, NULL, PAYING}, {"cancel", "O1", "", 0, 10, 10, NULL, PAID}},
     "C-CANCEL-EARLY"},
    {"cancel_too_late", SUITE_ACTION_PAY, "CANCELLED", O_REVOKED,
     {{"pay", "O1", "", 0, 0, 0, NULL, PAYING}, {"cancel", "O1", "", 0, 301, 301, NULL, PAID}},
     "C-CANCEL-LATE"},
    {"second_pay_while_unknown", SUITE_ACTION_PAY, "PAID", O_PAID,
     {{"pay", "O1", "", 0, 0, 0, "drop", PAID}, {"pay", "O2", "", 0, 1, 1, NULL, PAID}},
     "C-ONE-PAY"},
    {"second_pay_after_refusal", SUITE_ACTION_PAY, "PAID",
     "[{\"out_trade_no\":\"O1\",\"state\":\"FAILED\"},{\"out_trade_no\":\"O2\",\"state\":\"PAID\"}]",
     {{"pay", "O1", "", 0, 0, 0, NULL, NOBAL}, {"pay", "O2", "", 0, 1, 1, NULL, PAID}}, NULL},
    {"forged_success_believed", SUITE_ACTION_PAY, "PAID", O_PAID,
     {{"pay", "O1", "", 0, 0, 0, "other_agent_sign", PAID}}, "C-TRUST"},
    {"wrong_outcome", SUITE_ACTION_PAY, "NOT_PAID", O_PAID,
     {{"pay", "O1", "", 0, 0, 0, NULL, NOBAL}}, "C-OUTCOME"},
    {"new_number_while_notsure", SUITE_ACTION_REFUND, "REFUND_FAILED", O_RFAIL,
     {{"refund", "O1", "R1", 100, 0, 0, NULL, NOTSURE}, {"refund", "O1", "R2", 100, 1, 1, NULL, RFAIL}},
     "C-REFUND-SAME-NO"},
    {"new_number_after_query", SUITE_ACTION_REFUND, "REFUND_FAILED", O_RFAIL,
     {{"refund", "O1", "R1", 100, 0, 0, NULL, NOTSURE},
      {"refundquery", "O1", "", 0, 5, 5, NULL,
       "{\"state\":\"SUCCESS\",\"code\":\"10000\",\"refund_list\":"
       "\"[{\\\"out_refund_no\\\":\\\"R1\\\",\\\"refund_status\\\":\\\"FAIL\\\"}]\"}"},
      {"refund", "O1", "R2", 100, 6, 6, NULL, RFAIL}}, NULL},
    {"failed_number_resent", SUITE_ACTION_REFUND, "REFUND_FAILED", O_RFAIL,
     {{"refund", "O1", "R1", 100, 0, 0, NULL, RFAIL}, {"refund", "O1", "R1", 100, 5, 5, NULL, RFAIL}},
     "C-REFUND-FAILED-NO"},
    {"more_than_paid", SUITE_ACTION_REFUND, "REFUND_FAILED", O_RFAIL,
     {{"refund", "O1", "R1", 60, 0, 0, NULL, PAID}, {"refund", "O1", "R2", 60, 1, 1, NULL, RFAIL}},
     "C-REFUND-LIMIT"},
    {"new_amount_after_failure", SUITE_ACTION_REFUND, "REFUND_FAILED", O_RFAIL,
     {{"refund", "O1", "R1", 100, 0, 0, NULL, RFAIL}, {"refund", "O1", "R2", 100, 1, 1, NULL, RFAIL}},
     NULL},
};

START_TEST(judge_rule)
{
    const jcase *c = &CASES[_i];
    cJSON *entries = cJSON_CreateArray();
    for (int k = 0; k < 8 && c->rows[k].call; k++) {
        const row *r = &c->rows[k];
        cJSON *e = cJSON_CreateObject();
        char req[128];
        snprintf(req, sizeof req, "method=%s&refund_fee=%d", r->call, r->fee);
        cJSON_AddNumberToObject(e, "seq", 10 + k);
        cJSON_AddNumberToObject(e, "time", 1000 + r->time);
        cJSON_AddNumberToObject(e, "mch_time", 5000 + r->mch);
        cJSON_AddStringToObject(e, "call", r->call);
        cJSON_AddNumberToObject(e, "http_status", 200);
        cJSON_AddStringToObject(e, "request", req);
        cJSON_AddStringToObject(e, "response", r->resp);
        cJSON_AddStringToObject(e, "out_trade_no", r->otn);
        if (*r->orn)
            cJSON_AddStringToObject(e, "out_refund_no", r->orn);
        if (r->fault)
            cJSON_AddStringToObject(e, "fault", r->fault);
        cJSON_AddItemToArray(entries, e);
    }
    cJSON *orders = cJSON_Parse(c->orders);
    ck_assert_ptr_nonnull(orders);
    suite_judge_input in = {.action = c->action, .outcome = c->outcome, .entries = entries,
                            .first_seq = 9, .orders = orders, .order_no = "O1"};
    suite_buf failures = {0}, detail = {0};
    int n = suite_judge(&in, &failures, &detail);
    if (c->want)
        ck_assert_msg(strstr(suite_buf_str(&failures), c->want) != NULL,
                      "%s: wanted %s, got: %s", c->name, c->want, suite_buf_str(&failures));
    else
        ck_assert_msg(n == 0, "%s: wanted no failure, got: %s", c->name, suite_buf_str(&failures));
    if (c->want)
        ck_assert_msg(strstr(suite_buf_str(&detail), "the program's traffic") != NULL,
                      "%s: the detail shows no traffic", c->name);
    suite_buf_free(&failures);
    suite_buf_free(&detail);
    cJSON_Delete(entries);
    cJSON_Delete(orders);
}
END_TEST

START_TEST(ledger_inconsistent)
{
    cJSON *entries = cJSON_CreateArray();
    cJSON *orders = cJSON_Parse(O_PAID);
    cJSON *ledger = cJSON_Parse("{\"consistent\":false,\"violations\":[\"refunded over paid\"]}");
    suite_judge_input in = {.action = SUITE_ACTION_REFUND, .outcome = "REFUND_UNKNOWN",
                            .entries = entries, .orders = orders, .ledger = ledger,
                            .order_no = "O1"};
    suite_buf failures = {0}, detail = {0};
    suite_judge(&in, &failures, &detail);
    ck_assert_ptr_nonnull(strstr(suite_buf_str(&failures), "C-REFUND-LIMIT: the mock's ledger"));
    suite_buf_free(&failures);
    suite_buf_free(&detail);
    cJSON_Delete(entries);
    cJSON_Delete(orders);
    cJSON_Delete(ledger);
}
END_TEST

/* The notify judge: deliveries in order, and the rule that must fail (NULL: none). */
typedef struct ncase {
    const char *name;
    suite_delivery d[3];
    size_t n;
    const char *want;
} ncase;

static const ncase NCASES[] = {
    {"paid_once", {{1, 1, "PAID", "success"}}, 1, NULL},
    {"duplicate_recognised", {{1, 1, "PAID", "success"}, {1, 1, "DUPLICATE", "success"}}, 2, NULL},
    {"forgery_refused", {{0, 0, "REJECTED", "fail"}, {1, 1, "PAID", "success"}}, 2, NULL},
    {"forgery_believed", {{0, 0, "PAID", "success"}}, 1, "C-NOTIFY-VERIFY"},
    {"forgery_acknowledged", {{0, 0, "REJECTED", "success"}, {1, 1, "PAID", "success"}}, 2,
     "C-NOTIFY-VERIFY"},
    {"processed_twice", {{1, 1, "PAID", "success"}, {1, 1, "PAID", "success"}}, 2, "C-NOTIFY-ONCE"},
    {"first_called_duplicate", {{1, 1, "DUPLICATE", "success"}}, 1, "C-NOTIFY-ONCE"},
    {"genuine_rejected", {{1, 1, "REJECTED", "fail"}}, 1, "C-NOTIFY-ACK"},
    {"genuine_not_acknowledged", {{1, 1, "PAID", "fail"}}, 1, "C-NOTIFY-ACK"},
    {"slow_or_silent", {{1, 1, "PAID", NULL}}, 1, "C-NOTIFY-ACK"},
};

START_TEST(judge_notify)
{
    const ncase *c = &NCASES[_i];
    suite_buf failures = {0};
    int n = suite_notify_judge(c->d, c->n, &failures);
    if (c->want)
        ck_assert_msg(n >= 1 && strstr(suite_buf_str(&failures), c->want) != NULL,
                      "%s: wanted %s, got: %s", c->name, c->want, suite_buf_str(&failures));
    else
        ck_assert_msg(n == 0, "%s: wanted no failure, got: %s", c->name, suite_buf_str(&failures));
    suite_buf_free(&failures);
}
END_TEST

Suite *make_client_judge_suite(void)
{
    Suite *s = suite_create("client_judge");
    TCase *t = tcase_create("rules");
    tcase_add_loop_test(t, judge_rule, 0, (int)(sizeof CASES / sizeof CASES[0]));
    tcase_add_test(t, ledger_inconsistent);
    tcase_add_loop_test(t, judge_notify, 0, (int)(sizeof NCASES / sizeof NCASES[0]));
    suite_add_tcase(s, t);
    return s;
}
