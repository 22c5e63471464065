/*
 * check_suite_core.c - unit tests of upay-suite's building blocks that need
 * no target: templates and payment codes, field paths and matchers, the
 * scenario loader's validation, filters, shards and seeded order.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay.h>

#include "expect.h"
#include "scenario.h"
#include "select.h"
#include "template.h"

static suite_tpl_env make_env(suite_vars *v)
{
    suite_tpl_env env;
    memset(&env, 0, sizeof env);
    env.vars = v;
    env.gen_tag = "TAG1";
    env.rng = 42;
    return env;
}

START_TEST(template_variables_and_gen)
{
    suite_vars *v = suite_vars_new();
    suite_vars_set(v, "mch", "S1");
    suite_tpl_env env = make_env(v);
    suite_buf err = {0};
    char *out = NULL;
    ck_assert_int_eq(suite_expand(&env, "m=${mch} $$ ${gen:trade}", &out, &err), SUITE_TPL_OK);
    char *again = NULL;
    ck_assert_int_eq(suite_expand(&env, "${gen:trade}", &again, &err), SUITE_TPL_OK);
    ck_assert_ptr_nonnull(strstr(out, again));          /* same name, same value */
    ck_assert_str_eq(strncmp(out, "m=S1 $ trade_", 13) == 0 ? "ok" : out, "ok");
    char *other = NULL;
    ck_assert_int_eq(suite_expand(&env, "${gen:refund}", &other, &err), SUITE_TPL_OK);
    ck_assert_str_ne(other, again);
    free(out);
    ck_assert_int_eq(suite_expand(&env, "${nope}", &out, &err), SUITE_TPL_ERROR);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(suite_expand(&env, "${input:code.x}", &out, &err), SUITE_TPL_MISSING);
    ck_assert_int_ne(suite_template_check("${unterminated", &err), 0);
    free(again);
    free(other);
    suite_buf_free(&err);
    suite_vars_free(v);
}
END_TEST

static const struct {
    const char *wallet;
    const char *suffix;
    upay_paytype want;
} codes[] = {
    {"wechat", NULL, UPAY_PAYTYPE_WECHAT},   {"WECHAT", "9001", UPAY_PAYTYPE_WECHAT},
    {"alipay", "9003", UPAY_PAYTYPE_ALIPAY}, {"unionpay", NULL, UPAY_PAYTYPE_UNIONPAY},
    {"qq", NULL, UPAY_PAYTYPE_QQ},           {"jdpay", "9104", UPAY_PAYTYPE_JDPAY},
    {"bestpay", NULL, UPAY_PAYTYPE_BESTPAY}, {"invalid", NULL, UPAY_PAYTYPE_UNKNOWN},
};

START_TEST(payment_codes_fit_their_wallet)
{
    unsigned long long rng = (unsigned long long)_i * 7919u;
    for (int round = 0; round < 200; round++) {
        char code[40];
        ck_assert_int_eq(suite_make_code(codes[_i].wallet, codes[_i].suffix, &rng, code, sizeof code), 0);
        ck_assert_int_eq(upay_paytype_from_auth_code(code), codes[_i].want);
        size_t len = strlen(code);
        if (codes[_i].suffix)
            ck_assert_str_eq(code + len - 4, codes[_i].suffix);
        else
            ck_assert_int_ne(code[len - 4], '9'); /* never a persona by accident */
    }
}
END_TEST

static cJSON *parse(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    return j;
}

static const struct {
    const char *expect;
    int ok;
} matchers[] = {
    {"{\"code\":\"10000\"}", 0},
    {"{\"code\":\"10001\"}", -1},
    {"{\"code\":{\"one_of\":[\"1\",\"10000\"]}}", 0},
    {"{\"total_fee\":{\"gt\":99,\"le\":\"100\"}}", 0},
    {"{\"total_fee\":{\"lt\":100}}", -1},
    {"{\"missing\":false,\"code\":true}", 0},
    {"{\"missing\":{\"present\":true}}", -1},
    {"{\"msg\":{\"pattern\":\"order [a-z]+\"}}", 0},
    {"{\"msg\":{\"pattern\":\"order\"}}", -1},
    {"{\"msg\":{\"contains\":\"exist\",\"not\":\"x\"}}", 0},
    {"{\"refund_list.length\":2}", 0},
    {"{\"refund_list[1].refund_fee\":\"2\",\"refund_list[-1].serial_no\":\"1\"}", 0},
    {"{\"refund_list[*].refund_status\":\"SUCCESS\"}", -1},
    {"{\"refund_list[out_refund_no=${mch}B].refund_status\":\"FAIL\"}", 0},
    {"{\"refund_list[5].refund_fee\":null}", 0},
    {"{\"sign\":{\"length\":4}}", 0},
};

START_TEST(matchers_and_paths)
{
    upay_params *view = upay_params_new();
    upay_params_set(view, "code", "10000");
    upay_params_set(view, "total_fee", "100");
    upay_params_set(view, "msg", "order exists");
    upay_params_set(view, "sign", "ABCD");
    upay_params_set(view, "refund_list",
                    "[{\"serial_no\":\"0\",\"out_refund_no\":\"S1A\",\"refund_fee\":\"1\",\"refund_status\":\"SUCCESS\"},"
                    "{\"serial_no\":\"1\",\"out_refund_no\":\"S1B\",\"refund_fee\":\"2\",\"refund_status\":\"FAIL\"}]");
    suite_vars *v = suite_vars_new();
    suite_vars_set(v, "mch", "S1");
    suite_tpl_env env = make_env(v);
    cJSON *e = parse(matchers[_i].expect);
    suite_buf err = {0};
    ck_assert_int_eq(suite_expect_validate(e, &err), 0);
    int rc = suite_expect_eval(e, view, &env, &err);
    ck_assert_msg(rc == matchers[_i].ok, "%s: rc %d: %s", matchers[_i].expect, rc, suite_buf_str(&err));
    if (rc != 0)
        ck_assert_uint_gt(err.len, 0);
    cJSON_Delete(e);
    suite_buf_free(&err);
    suite_vars_free(v);
    upay_params_free(view);
}
END_TEST

static const char *const bad_files[] = {
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"]}",                                  /* no steps */
    "{\"name\":\"x\",\"rules\":[\"PAY-1\"],\"steps\":[{\"call\":\"pay\"}]}",      /* bad rule id */
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\",\"raw\":{}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"mock\":\"clock\",\"advance_seconds\":1}]}",
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\",\"expect\":{\"a\":{\"bogus\":1}}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\",\"params\":{\"a\":\"${x\"}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"requires\":[\"moon\"],\"steps\":[{\"call\":\"pay\"}]}",
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\",\"typo\":1}]}",
    "[{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\"}]},"
    " {\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\"}]}]", /* duplicate */
    "not json",
    /* patterns glibc's regcomp would blow up on (fuzzing found the first: 2 GB) */
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\",\"expect\":"
    "{\"a\":{\"pattern\":\"js++++++++++++++++++++on\"}}}]}",
    "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\",\"expect\":"
    "{\"a\":{\"pattern\":\"((a{100}){100}){100}\"}}}]}",
};

START_TEST(loader_rejects_bad_scenarios)
{
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_gt(suite_load_text(&set, bad_files[_i], "bad.json", &err), 0);
    ck_assert_ptr_nonnull(strstr(suite_buf_str(&err), "bad.json"));
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

/* Ordinary shapes stay accepted by the pattern guard. */
START_TEST(loader_accepts_ordinary_patterns)
{
    static const char *const patterns[] = {
        "[0-9A-F]{32}", "[+*?]x", "a{1,28}", "(wx|o)[0-9a-f]+", "\\\\+\\\\+", "SUCCESS|FAIL",
    };
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "{\"name\":\"x\",\"rules\":[\"R-PAY-01\"],\"steps\":[{\"call\":\"pay\","
                 "\"expect\":{\"a\":{\"pattern\":\"%s\"}}}]}", patterns[i]);
        suite_set set = {0};
        suite_buf err = {0};
        ck_assert_msg(suite_load_text(&set, text, "ok.json", &err) == 0, "%s: %s", patterns[i],
                      suite_buf_str(&err));
        suite_set_free(&set);
        suite_buf_free(&err);
    }
}
END_TEST

START_TEST(loader_accepts_comments_and_lists)
{
    const char *text =
        "// a comment\n{\"scenarios\": [\n"
        "  {\"name\": \"a\", \"tags\": [\"pay\", \"live\"], \"rules\": [\"R-PAY-01\"],\n"
        "   \"steps\": [{\"call\": \"pay\", \"params\": {\"url\": \"http://x/y\"}}]},\n"
        "  /* block */ {\"name\": \"b\", \"tags\": [\"refund\"], \"rules\": [\"R-REFUND-10\"],\n"
        "   \"requires\": [\"clock\"], \"steps\": [{\"mock\": \"clock\", \"advance_seconds\": 5},\n"
        "   {\"call\": \"refund\", \"repeat\": 3, \"capture\": {\"r\": \"refund_id\"}}]},\n"
        "  {\"name\": \"c\", \"tags\": [\"pay\", \"slow\"], \"rules\": [\"R-PAY-03\", \"R-REFUND-16\"],\n"
        "   \"steps\": [{\"set\": {\"x\": \"1\"}}]}\n]}\n";
    suite_set set = {0};
    suite_buf err = {0};
    ck_assert_int_eq(suite_load_text(&set, text, "ok.json", &err), 0);
    ck_assert_uint_eq(set.count, 3);
    ck_assert_uint_eq(set.items[1]->requires, SUITE_REQ_CLOCK | SUITE_REQ_MOCK);
    ck_assert_int_eq(set.items[1]->steps[1].repeat, 3);

    const char *tag_pay[] = {"pay"}, *not_slow[] = {"!slow"}, *rule_refund[] = {"R-REFUND-*"};
    suite_filter f;
    memset(&f, 0, sizeof f);
    suite_scenario **items;
    size_t n;
    f.tags = tag_pay;
    f.ntags = 1;
    ck_assert_int_eq(suite_select(&set, &f, &items, &n), 0);
    ck_assert_uint_eq(n, 2);
    free(items);
    f.tags = not_slow;
    suite_select(&set, &f, &items, &n);
    ck_assert_uint_eq(n, 2);
    free(items);
    f.tags = NULL;
    f.ntags = 0;
    f.rules = rule_refund;
    f.nrules = 1;
    suite_select(&set, &f, &items, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(items[0]->name, "b");
    free(items);

    /* Shards partition the set. */
    memset(&f, 0, sizeof f);
    size_t total = 0;
    for (unsigned k = 1; k <= 2; k++) {
        ck_assert_int_eq(suite_shard_parse(k == 1 ? "1/2" : "2/2", &f.shard_index, &f.shard_count), 0);
        suite_select(&set, &f, &items, &n);
        total += n;
        free(items);
    }
    ck_assert_uint_eq(total, 3);
    ck_assert_int_ne(suite_shard_parse("3/2", &f.shard_index, &f.shard_count), 0);
    ck_assert_int_ne(suite_shard_parse("0/2", &f.shard_index, &f.shard_count), 0);

    /* The same seed gives the same order. */
    suite_scenario *a[3], *b[3];
    memcpy(a, set.items, sizeof a);
    memcpy(b, set.items, sizeof b);
    suite_shuffle(a, 3, 1234);
    suite_shuffle(b, 3, 1234);
    ck_assert_int_eq(memcmp(a, b, sizeof a), 0);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

/* A scenario written outside the library may name no rule; a named one must be a rule id. */
START_TEST(loader_rules_optional)
{
    suite_set set = {0};
    suite_buf err = {0};
    const char *qa = "{\"name\":\"qa.counter\",\"steps\":[{\"set\":{\"a\":\"1\"}}]}";
    ck_assert_msg(suite_load_text(&set, qa, "qa.json", &err) == 0, "%s", suite_buf_str(&err));
    ck_assert_uint_eq(set.count, 1);
    ck_assert_uint_eq(set.items[0]->nrules, 0);
    const char *wrong = "{\"name\":\"qa.x\",\"rules\":[\"nope\"],\"steps\":[{\"set\":{\"a\":\"1\"}}]}";
    ck_assert_int_eq(suite_load_text(&set, wrong, "qa2.json", &err), 1);
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

/* Problems name the file, line and column: of the JSON error, or of the scenario. */
START_TEST(loader_names_line_and_column)
{
    suite_set set = {0};
    suite_buf err = {0};
    const char *broken = "// header\n{\"scenarios\": [\n  /* one */ {\"name\": \"a\",\n"
                         "   \"steps\": [{\"set\": {\"x\": \"1\"}}],,\n]}\n";
    ck_assert_int_eq(suite_load_text(&set, broken, "b.json", &err), 1);
    ck_assert_msg(strstr(suite_buf_str(&err), "b.json:4:") != NULL, "%s", suite_buf_str(&err));
    suite_buf_free(&err);
    const char *unknown = "// header\n{\"scenarios\": [\n  {\"name\": \"ok\", \"steps\": "
                          "[{\"set\": {\"x\": \"1\"}}]},\n  /* c */ {\"name\": \"bad\", "
                          "\"stepz\": []}\n]}\n";
    ck_assert_int_eq(suite_load_text(&set, unknown, "u.json", &err), 1);
    ck_assert_msg(strstr(suite_buf_str(&err), "u.json:4:12: bad: ") != NULL, "%s",
                  suite_buf_str(&err));
    suite_set_free(&set);
    suite_buf_free(&err);
}
END_TEST

Suite *make_suite_core_suite(void)
{
    Suite *s = suite_create("suite_core");
    TCase *tc = tcase_create("template");
    tcase_add_test(tc, template_variables_and_gen);
    tcase_add_loop_test(tc, payment_codes_fit_their_wallet, 0, sizeof codes / sizeof codes[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("expect");
    tcase_add_loop_test(tc, matchers_and_paths, 0, sizeof matchers / sizeof matchers[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_add_loop_test(tc, loader_rejects_bad_scenarios, 0, sizeof bad_files / sizeof bad_files[0]);
    tcase_add_test(tc, loader_accepts_ordinary_patterns);
    tcase_add_test(tc, loader_accepts_comments_and_lists);
    tcase_add_test(tc, loader_rules_optional);
    tcase_add_test(tc, loader_names_line_and_column);
    suite_add_tcase(s, tc);
    return s;
}
