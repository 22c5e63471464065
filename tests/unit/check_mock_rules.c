/*
 * check_mock_rules.c - outcome rules without HTTP: reading them from JSON
 * (every key, every refusal), matching (method, merchant, numbers, a
 * parameter, the calls a fault fits), once / N times / always, newest
 * first, removal, listing, and the remembered effects.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "gateway/request.h"
#include "steer/rules.h"

static mock_rule parse_ok(const char *json)
{
    mock_rule r;
    char err[200] = "";
    cJSON *doc = cJSON_Parse(json);
    ck_assert_ptr_nonnull(doc);
    int rc = mock_rule_from_json(doc, &r, err, sizeof err);
    cJSON_Delete(doc);
    ck_assert_msg(rc == 0, "%s: %s", json, err);
    return r;
}

static const char *const bad_rules[] = {
    "[]",
    "{}",
    "{\"fault\": 3}",
    "{\"fault\": \"nonsense\"}",
    "{\"fault\": \"drop\", \"colour\": \"red\"}",
    "{\"fault\": \"drop\", \"method\": \"paying\"}",
    "{\"fault\": \"drop\", \"method\": []}",
    "{\"fault\": \"drop\", \"method\": [\"pay\", 4]}",
    "{\"fault\": \"refund_fail\", \"method\": \"pay\"}",
    "{\"fault\": \"drop\", \"times\": 0}",
    "{\"fault\": \"drop\", \"times\": 1.5}",
    "{\"fault\": \"drop\", \"times\": \"never\"}",
    "{\"fault\": \"drop\", \"mch_id\": 5}",
    "{\"fault\": \"drop\", \"mch_id\": \"123456789012345678901234567890123\"}",
    "{\"fault\": \"drop\", \"param\": \"total_fee\"}",
    "{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\"}}",
    "{\"fault\": \"drop\", \"applied\": \"no\"}",
    "{\"fault\": \"refund_notsure\", \"applied\": false}",
    /* numbers out of range or not whole: refused, never cast (1e300 was stored as -2^63) */
    "{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\", \"value\": 1e300}}",
    "{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\", \"value\": -1e300}}",
    "{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\", \"value\": 1e19}}",
    "{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\", \"value\": 1.9}}",
    "{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\", \"value\": -0.5}}",
    "{\"fault\": \"drop\", \"times\": 1e300}",
    "{\"fault\": \"drop\", \"times\": -1e300}",
};

START_TEST(refused_rules)
{
    mock_rule r;
    char err[200] = "";
    cJSON *doc = cJSON_Parse(bad_rules[_i]);
    ck_assert_ptr_nonnull(doc);
    int rc = mock_rule_from_json(doc, &r, err, sizeof err);
    cJSON_Delete(doc);
    ck_assert_msg(rc == -1, "%s should be refused", bad_rules[_i]);
    ck_assert_msg(err[0], "%s: the refusal says why", bad_rules[_i]);
}
END_TEST

START_TEST(every_key)
{
    mock_rule r = parse_ok("{\"fault\": \"drop\", \"method\": [\"pay\", \"cancel\"], "
                           "\"mch_id\": \"M1\", \"out_trade_no\": \"O1\", "
                           "\"out_refund_no\": \"R1\", \"param\": {\"name\": \"total_fee\", "
                           "\"value\": 100}, \"times\": 3, \"applied\": false}");
    ck_assert_int_eq(r.fault.kind, MOCK_FAULT_DROP);
    ck_assert_int_eq(r.fault.not_applied, 1);
    ck_assert_uint_eq(r.calls, MOCK_FAULT_CALL_PAY | MOCK_FAULT_CALL_CANCEL);
    ck_assert_str_eq(r.mch_id, "M1");
    ck_assert_str_eq(r.out_trade_no, "O1");
    ck_assert_str_eq(r.out_refund_no, "R1");
    ck_assert_str_eq(r.param_name, "total_fee");
    ck_assert_str_eq(r.param_value, "100");
    ck_assert_int_eq(r.times, 3);
    r = parse_ok("{\"fault\": \"delay=300\", \"param\": \"body=hello=world\", \"times\": \"always\"}");
    ck_assert_int_eq(r.fault.arg, 300);
    ck_assert_str_eq(r.param_name, "body");
    ck_assert_str_eq(r.param_value, "hello=world");
    ck_assert_int_eq(r.times, MOCK_RULE_ALWAYS);
    r = parse_ok("{\"fault\": \"refund_fail\"}");
    ck_assert_int_eq(r.times, 1);
    ck_assert_uint_eq(r.calls, 0);
    /* whole numbers up to 2^53 (what a double holds exactly) are kept as written */
    r = parse_ok("{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\", \"value\": "
                 "9007199254740992}}");
    ck_assert_str_eq(r.param_value, "9007199254740992");
    r = parse_ok("{\"fault\": \"drop\", \"param\": {\"name\": \"total_fee\", \"value\": -3}}");
    ck_assert_str_eq(r.param_value, "-3");
    r = parse_ok("{\"fault\": \"refund_fail\"}");

    cJSON *j = mock_rule_to_json(&r);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "fault")->valuestring, "refund_fail");
    ck_assert_int_eq(cJSON_GetObjectItem(j, "times")->valueint, 1);
    ck_assert_ptr_null(cJSON_GetObjectItem(j, "mch_id"));
    cJSON_Delete(j);
}
END_TEST

static mock_rule_subject subject(int kind, const char *mch, const char *otn, const char *orn)
{
    mock_rule_subject s = {.call_kind = kind, .mch_id = mch, .out_trade_no = otn,
                           .out_refund_no = orn, .params = NULL};
    return s;
}

START_TEST(matching)
{
    mock_rule r = parse_ok("{\"fault\": \"refund_notsure\", \"mch_id\": \"M1\"}");
    mock_rule_subject s = subject(MOCK_CALL_REFUND, "M1", "O1", "R1");
    ck_assert(mock_rule_matches(&r, &s));
    s.mch_id = "M2";
    ck_assert(!mock_rule_matches(&r, &s));
    s = subject(MOCK_CALL_PAY, "M1", "O1", NULL);     /* the fault does not fit pay */
    ck_assert(!mock_rule_matches(&r, &s));

    r = parse_ok("{\"fault\": \"drop\", \"method\": \"orderquery\", \"out_trade_no\": \"O1\"}");
    s = subject(MOCK_CALL_ORDERQUERY, "M1", "O1", NULL);
    ck_assert(mock_rule_matches(&r, &s));
    s.out_trade_no = NULL;
    ck_assert(!mock_rule_matches(&r, &s));
    s = subject(MOCK_CALL_PAY, "M1", "O1", NULL);
    ck_assert(!mock_rule_matches(&r, &s));

    r = parse_ok("{\"fault\": \"drop\", \"out_refund_no\": \"R1\"}");
    s = subject(MOCK_CALL_REFUNDQUERY, "M9", NULL, "R1");
    ck_assert(mock_rule_matches(&r, &s));
    s.out_refund_no = "R2";
    ck_assert(!mock_rule_matches(&r, &s));

    r = parse_ok("{\"fault\": \"drop\", \"param\": \"total_fee=101\"}");
    upay_params *p = upay_params_new();
    ck_assert_int_eq(upay_params_set(p, "total_fee", "100"), UPAY_OK);
    s = subject(MOCK_CALL_PAY, "M1", "O1", NULL);
    ck_assert(!mock_rule_matches(&r, &s));   /* no params at all */
    s.params = p;
    ck_assert(!mock_rule_matches(&r, &s));
    ck_assert_int_eq(upay_params_set(p, "total_fee", "101"), UPAY_OK);
    ck_assert(mock_rule_matches(&r, &s));
    upay_params_free(p);
    ck_assert(!mock_rule_matches(NULL, &s));
    ck_assert(!mock_rule_matches(&r, NULL));
}
END_TEST

START_TEST(times_and_order)
{
    mock_rules *set = mock_rules_new();
    ck_assert_ptr_nonnull(set);
    mock_rule_subject s = subject(MOCK_CALL_PAY, "M1", "O1", NULL);
    mock_rule fired;
    ck_assert_int_eq(mock_rules_take(set, &s, &fired), 0);

    unsigned long long always_id = 0, twice_id = 0, once_id = 0;
    mock_rule r = parse_ok("{\"fault\": \"empty\", \"times\": \"always\"}");
    ck_assert_int_eq(mock_rules_add(set, &r, &always_id), 0);
    r = parse_ok("{\"fault\": \"drop\", \"times\": 2, \"mch_id\": \"M1\"}");
    ck_assert_int_eq(mock_rules_add(set, &r, &twice_id), 0);
    r = parse_ok("{\"fault\": \"no_sign\", \"mch_id\": \"M2\"}");
    ck_assert_int_eq(mock_rules_add(set, &r, &once_id), 0);
    ck_assert(always_id < twice_id && twice_id < once_id);
    ck_assert_uint_eq(mock_rules_count(set), 3);

    /* newest matching first: M1 gets drop twice, then the always rule */
    ck_assert_int_eq(mock_rules_take(set, &s, &fired), 1);
    ck_assert_int_eq(fired.fault.kind, MOCK_FAULT_DROP);
    ck_assert_uint_eq(fired.fired, 1);
    ck_assert_int_eq(mock_rules_take(set, &s, &fired), 1);
    ck_assert_int_eq(fired.fault.kind, MOCK_FAULT_DROP);
    ck_assert_uint_eq(mock_rules_count(set), 2);   /* used up: gone */
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(mock_rules_take(set, &s, &fired), 1);
        ck_assert_int_eq(fired.fault.kind, MOCK_FAULT_EMPTY);
    }
    ck_assert_uint_eq(fired.fired, 5);
    /* M2's once rule */
    s.mch_id = "M2";
    ck_assert_int_eq(mock_rules_take(set, &s, &fired), 1);
    ck_assert_int_eq(fired.fault.kind, MOCK_FAULT_NO_SIGN);
    ck_assert_int_eq(mock_rules_take(set, &s, &fired), 1);
    ck_assert_int_eq(fired.fault.kind, MOCK_FAULT_EMPTY);

    /* listing: all, and by merchant (any-merchant rules included) */
    r = parse_ok("{\"fault\": \"bad_sign\", \"mch_id\": \"M3\"}");
    ck_assert_int_eq(mock_rules_add(set, &r, NULL), 0);
    cJSON *all = mock_rules_list(set, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(all), 2);
    cJSON_Delete(all);
    cJSON *m1 = mock_rules_list(set, "M1");
    ck_assert_int_eq(cJSON_GetArraySize(m1), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(m1, 0), "times")->valuestring,
                     "always");
    cJSON_Delete(m1);

    ck_assert_int_eq(mock_rules_remove(set, always_id), 0);
    ck_assert_int_eq(mock_rules_remove(set, always_id), -1);
    ck_assert_uint_eq(mock_rules_clear(set, "M9", 1), 0);
    ck_assert_uint_eq(mock_rules_clear(set, "M3", 1), 1);
    ck_assert_uint_eq(mock_rules_count(set), 0);
    s.mch_id = "M1";
    ck_assert_int_eq(mock_rules_take(set, &s, &fired), 0);
    mock_rules_free(set);
    mock_rules_free(NULL);
}
END_TEST

START_TEST(limit)
{
    mock_rules *set = mock_rules_new();
    mock_rule r = parse_ok("{\"fault\": \"drop\"}");
    for (int i = 0; i < MOCK_RULES_MAX; i++)
        ck_assert_int_eq(mock_rules_add(set, &r, NULL), 0);
    ck_assert_int_eq(mock_rules_add(set, &r, NULL), -1);
    ck_assert_uint_eq(mock_rules_clear(set, NULL, 1), MOCK_RULES_MAX);
    mock_rule bad;
    memset(&bad, 0, sizeof bad);
    ck_assert_int_eq(mock_rules_add(set, &bad, NULL), -1);   /* no fault */
    mock_rules_free(set);
}
END_TEST

START_TEST(effects)
{
    mock_rules *set = mock_rules_new();
    mock_fault f, got;
    ck_assert_int_eq(mock_fault_parse("refund_notsure_fail", &f, NULL, 0), 0);
    ck_assert_int_eq(mock_rules_effect_get(set, "M1", "R1", 1, &got), 0);
    mock_rules_effect_set(set, "M1", "R1", 1, &f);
    ck_assert_int_eq(mock_rules_effect_get(set, "M1", "R1", 1, &got), 1);
    ck_assert_int_eq(got.kind, MOCK_FAULT_REFUND_NOTSURE_FAIL);
    ck_assert_int_eq(mock_rules_effect_get(set, "M1", "R1", 0, &got), 0);  /* an order of that name */
    ck_assert_int_eq(mock_rules_effect_get(set, "M2", "R1", 1, &got), 0);
    ck_assert_int_eq(mock_fault_parse("refund_fail", &f, NULL, 0), 0);
    mock_rules_effect_set(set, "M1", "R1", 1, &f);   /* replaces */
    ck_assert_int_eq(mock_rules_effect_get(set, "M1", "R1", 1, &got), 1);
    ck_assert_int_eq(got.kind, MOCK_FAULT_REFUND_FAIL);
    /* the ring forgets the oldest */
    char num[33];
    for (int i = 0; i < MOCK_RULES_EFFECTS_MAX; i++) {
        snprintf(num, sizeof num, "N%d", i);
        mock_rules_effect_set(set, "M2", num, 0, &f);
    }
    ck_assert_int_eq(mock_rules_effect_get(set, "M1", "R1", 1, &got), 0);
    ck_assert_int_eq(mock_rules_effect_get(set, "M2", "N0", 0, &got), 1);
    mock_rules_clear(set, "M2", 0);   /* rules only: the effect stays */
    ck_assert_int_eq(mock_rules_effect_get(set, "M2", "N0", 0, &got), 1);
    mock_rules_clear(set, "M2", 1);
    ck_assert_int_eq(mock_rules_effect_get(set, "M2", "N0", 0, &got), 0);
    mock_rules_effect_set(set, "M3", "123456789012345678901234567890123", 0, &f); /* too long: ignored */
    ck_assert_int_eq(mock_rules_effect_get(set, "M3", "123456789012345678901234567890123", 0, &got), 0);
    mock_rules_free(set);
}
END_TEST

Suite *make_mock_rules_suite(void)
{
    Suite *s = suite_create("mock_rules");
    TCase *tc = tcase_create("json");
    tcase_add_loop_test(tc, refused_rules, 0, (int)(sizeof bad_rules / sizeof bad_rules[0]));
    tcase_add_test(tc, every_key);
    suite_add_tcase(s, tc);
    tc = tcase_create("match");
    tcase_add_test(tc, matching);
    tcase_add_test(tc, times_and_order);
    tcase_add_test(tc, limit);
    tcase_add_test(tc, effects);
    suite_add_tcase(s, tc);
    return s;
}
