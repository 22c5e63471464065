/*
 * check_suite_options.c - upay-suite's command line (suite_options_parse),
 * then environment and profile (suite_options_finish): every option in
 * both spellings, malformed values refused with a sentence, precedence
 * command line > environment > profile.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "util.h"

#define MAX_ARGS 12

static int parse(const char *const *args, suite_options *o, suite_buf *err)
{
    char *argv[MAX_ARGS + 1] = {"upay-suite"};
    int argc = 1;
    for (; args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    return suite_options_parse(argc, argv, o, err);
}

START_TEST(every_option)
{
    static const char *const args[] = {
        "--target", "http://h:1", "--agent-id=A1", "--key", "K1", "--mch-id", "M1",
        "--junit=r.xml", "-j4", "--seed", "18446744073709551615", "--shard=2/3", NULL,
    };
    suite_options o;
    suite_buf err = {0};
    ck_assert_msg(parse(args, &o, &err) == 0, "%s", suite_buf_str(&err));
    ck_assert_str_eq(o.target, "http://h:1");
    ck_assert_str_eq(o.agent_id, "A1");
    ck_assert_str_eq(o.key, "K1");
    ck_assert_str_eq(o.mch_id, "M1");
    ck_assert_str_eq(o.junit, "r.xml");
    ck_assert_uint_eq(o.jobs, 4);
    ck_assert_int_eq(o.has_seed, 1);
    ck_assert(o.seed == 18446744073709551615ULL);
    ck_assert_uint_eq(o.filter.shard_index, 2);
    ck_assert_uint_eq(o.filter.shard_count, 3);
    ck_assert_uint_eq(o.npaths, 0);
    suite_options_free(&o);

    static const char *const flags[] = {
        "--tap", "--list", "--random", "--insecure", "--no-prompt", "-q", "-h",
        "--tag", "pay", "--tag=!slow", "scenarios/pay", NULL,
    };
    ck_assert_int_eq(parse(flags, &o, &err), 0);
    ck_assert(o.tap && o.list && o.random && o.insecure && o.no_prompt && o.quiet && o.help);
    ck_assert_int_eq(o.has_seed, 0);
    ck_assert_uint_eq(o.filter.ntags, 2);
    ck_assert_str_eq(o.filter.tags[0], "pay");
    ck_assert_str_eq(o.filter.tags[1], "!slow");
    ck_assert_uint_eq(o.npaths, 1);
    ck_assert_str_eq(o.paths[0], "scenarios/pay");
    suite_options_free(&o);

    static const char *const more[] = {
        "--name", "pay.*", "--rule=R-CANCEL-*", "--jobs", "2", "--var", "code.wechat=13=4",
        "--var=x=", "--quiet", "a.json", "b", "--help", NULL,
    };
    ck_assert_int_eq(parse(more, &o, &err), 0);
    ck_assert_uint_eq(o.filter.nnames, 1);
    ck_assert_str_eq(o.filter.names[0], "pay.*");
    ck_assert_uint_eq(o.filter.nrules, 1);
    ck_assert_str_eq(o.filter.rules[0], "R-CANCEL-*");
    ck_assert_uint_eq(o.jobs, 2);
    ck_assert_str_eq(suite_vars_get(o.vars, "code.wechat"), "13=4"); /* split at the first '=' */
    ck_assert_str_eq(suite_vars_get(o.vars, "x"), "");
    ck_assert_uint_eq(o.npaths, 2);
    ck_assert(o.quiet && o.help);
    suite_options_free(&o);
    suite_buf_free(&err);
}
END_TEST

START_TEST(later_value_wins)
{
    static const char *const args[] = {"--target", "http://a", "--target=http://b", "-j", "3",
                                       "-j5", NULL};
    suite_options o;
    suite_buf err = {0};
    ck_assert_int_eq(parse(args, &o, &err), 0);
    ck_assert_str_eq(o.target, "http://b");
    ck_assert_uint_eq(o.jobs, 5);
    suite_options_free(&o);
    suite_buf_free(&err);
}
END_TEST

static const struct {
    const char *args[4];
    const char *error; /* a piece of the sentence */
} bad[] = {
    {{"--bogus", NULL}, "unknown option --bogus"},
    {{"-x", NULL}, "unknown option -x"},
    {{"--target", NULL}, "--target needs a value"},
    {{"--var", "novalue", NULL}, "--var needs NAME=VALUE"},
    {{"--var", "=v", NULL}, "--var needs NAME=VALUE"},
    {{"-j", "0", NULL}, "-j needs a number from 1 to 256"},
    {{"-j", "257", NULL}, "-j needs a number from 1 to 256"},
    {{"--jobs=two", NULL}, "-j needs a number"},
    {{"-j", "-1", NULL}, "-j needs a number"},
    {{"--seed", "-5", NULL}, "--seed needs a non-negative integer"},
    {{"--seed", "18446744073709551616", NULL}, "--seed needs a non-negative integer"},
    {{"--seed=12x", NULL}, "--seed needs"},
    {{"--shard", "3/2", NULL}, "--shard needs K/N"},
    {{"--shard", "0/2", NULL}, "--shard needs K/N"},
    {{"--shard=1", NULL}, "--shard needs K/N"},
    {{"--targetx", "u", NULL}, "unknown option --targetx"},
};

START_TEST(bad_options_refused)
{
    suite_options o;
    suite_buf err = {0};
    ck_assert_int_eq(parse(bad[_i].args, &o, &err), -1);
    ck_assert_msg(strstr(suite_buf_str(&err), bad[_i].error) != NULL, "got \"%s\", want \"%s\"",
                  suite_buf_str(&err), bad[_i].error);
    suite_options_free(&o);
    suite_buf_free(&err);
}
END_TEST

/* ---- environment and profile ---- */

static const char *const env_names[] = {"UPAY_TARGET", "UPAY_AGENT_ID", "UPAY_KEY",
                                        "UPAY_MCH_ID", "UPAY_SUITE_PROFILE"};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof env_names / sizeof env_names[0]; i++)
        unsetenv(env_names[i]);
}

static char *write_profile(const char *text)
{
    char *path = suite_strdup("/tmp/check_suite_options_XXXXXX");
    ck_assert_ptr_nonnull(path);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    return path;
}

START_TEST(precedence_command_line_env_profile)
{
    clear_env();
    char *profile = write_profile(
        "# a comment\n"
        "\n"
        "target = https://profile.example/UnifiedPay/Gateway\n"
        "agent_id = PROFILE_AGENT\r\n"
        "  key=PROFILE_KEY  \n"
        "mch_id = PROFILE_MCH\n"
        "insecure = true\n"
        "var.code.wechat = 134111111111111111\n"
        "var.shared = from-profile\n");
    setenv("UPAY_AGENT_ID", "ENV_AGENT", 1);
    setenv("UPAY_MCH_ID", "ENV_MCH", 1);
    setenv("UPAY_SUITE_PROFILE", profile, 1);
    static const char *const args[] = {"--mch-id", "CLI_MCH", "--var", "shared=from-cli", NULL};
    suite_options o;
    suite_buf err = {0};
    ck_assert_int_eq(parse(args, &o, &err), 0);
    ck_assert_msg(suite_options_finish(&o, &err) == 0, "%s", suite_buf_str(&err));
    ck_assert_str_eq(o.target, "https://profile.example/UnifiedPay/Gateway"); /* profile only */
    ck_assert_str_eq(o.agent_id, "ENV_AGENT");                                /* env over profile */
    ck_assert_str_eq(o.key, "PROFILE_KEY");                                   /* trimmed */
    ck_assert_str_eq(o.mch_id, "CLI_MCH");                                    /* cli over env */
    ck_assert_int_eq(o.insecure, 1);
    ck_assert_str_eq(suite_vars_get(o.vars, "code.wechat"), "134111111111111111");
    ck_assert_str_eq(suite_vars_get(o.vars, "shared"), "from-cli");
    suite_options_free(&o);

    /* --profile beats UPAY_SUITE_PROFILE; an empty environment value counts as unset. */
    char *other = write_profile("agent_id = OTHER\n");
    setenv("UPAY_AGENT_ID", "", 1);
    char arg[300];
    snprintf(arg, sizeof arg, "--profile=%s", other);
    const char *args2[] = {arg, NULL};
    ck_assert_int_eq(parse(args2, &o, &err), 0);
    ck_assert_int_eq(suite_options_finish(&o, &err), 0);
    ck_assert_str_eq(o.agent_id, "OTHER");
    ck_assert_ptr_null(o.target);
    ck_assert_str_eq(o.mch_id, "ENV_MCH");
    suite_options_free(&o);

    clear_env();
    unlink(profile);
    unlink(other);
    free(profile);
    free(other);
    suite_buf_free(&err);
}
END_TEST

static const struct {
    const char *text;
    const char *error;
} bad_profiles[] = {
    {"target = x\nno equals sign here\n", ":2: expected name = value"},
    {"# ok\ncolour = blue\n", ":2: unknown name \"colour\""},
    {"var. = x\n", ":1: unknown name \"var.\""},
};

START_TEST(bad_profile_refused)
{
    clear_env();
    char *path = write_profile(bad_profiles[_i].text);
    char arg[300];
    snprintf(arg, sizeof arg, "--profile=%s", path);
    const char *args[] = {arg, NULL};
    suite_options o;
    suite_buf err = {0};
    ck_assert_int_eq(parse(args, &o, &err), 0);
    ck_assert_int_eq(suite_options_finish(&o, &err), -1);
    ck_assert_msg(strstr(suite_buf_str(&err), bad_profiles[_i].error) != NULL &&
                      strstr(suite_buf_str(&err), path) != NULL,
                  "got \"%s\"", suite_buf_str(&err));
    suite_options_free(&o);
    unlink(path);
    free(path);
    suite_buf_free(&err);
}
END_TEST

START_TEST(missing_profile_refused)
{
    clear_env();
    static const char *const args[] = {"--profile", "/nonexistent/profile.conf", NULL};
    suite_options o;
    suite_buf err = {0};
    ck_assert_int_eq(parse(args, &o, &err), 0);
    ck_assert_int_eq(suite_options_finish(&o, &err), -1);
    ck_assert_ptr_nonnull(strstr(suite_buf_str(&err), "cannot read profile /nonexistent/profile.conf"));
    suite_options_free(&o);
    suite_buf_free(&err);
}
END_TEST

START_TEST(free_twice_is_harmless)
{
    static const char *const args[] = {"--tag", "a", "x", NULL};
    suite_options o;
    suite_buf err = {0};
    ck_assert_int_eq(parse(args, &o, &err), 0);
    suite_options_free(&o);
    suite_options_free(&o); /* zeroed by the first call */
    suite_buf_free(&err);
}
END_TEST

Suite *make_suite_options_suite(void)
{
    Suite *s = suite_create("suite_options");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, every_option);
    tcase_add_test(tc, later_value_wins);
    tcase_add_loop_test(tc, bad_options_refused, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, free_twice_is_harmless);
    suite_add_tcase(s, tc);
    tc = tcase_create("environment");
    tcase_add_test(tc, precedence_command_line_env_profile);
    tcase_add_loop_test(tc, bad_profile_refused, 0, sizeof bad_profiles / sizeof bad_profiles[0]);
    tcase_add_test(tc, missing_profile_refused);
    suite_add_tcase(s, tc);
    return s;
}
