/*
 * check_suite_rules.c - every rule id of docs/protocol.md (`**[R-AREA-NN]**`)
 * is named by at least one scenario of scenarios/ (except the few listed as
 * pending, with the reason), and every id a scenario names exists in
 * docs/protocol.md.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "util.h"

/*
 * Rules that knowingly have no scenario yet, each with the reason. The test
 * fails when one of them gains a scenario (take it off this list) as well
 * as when any other rule has none.
 */
static const struct {
    const char *id;
    const char *why;
} pending[] = {
    /* none left: R-CHECK-10 and R-CLIENT-02 have scenarios since fault injection (faults/) */
    {NULL, NULL},
};

/* Entries of `pending` (the NULL one does not count). */
#define NPENDING (sizeof pending / sizeof pending[0] - 1)

static const char *pending_reason(const char *id)
{
    for (size_t i = 0; pending[i].id; i++)
        if (strcmp(pending[i].id, id) == 0)
            return pending[i].why;
    return NULL;
}

/* The rule ids defined in `text` (each "**[R-...]**"), as new strings. */
static size_t rule_ids(const char *text, char ***out)
{
    size_t n = 0;
    *out = NULL;
    for (const char *p = strstr(text, "**[R-"); p; p = strstr(p + 1, "**[R-")) {
        const char *start = p + 3, *end = strstr(start, "]**");
        if (!end || end - start > 40)
            continue;
        char **grown = realloc(*out, (n + 1) * sizeof *grown);
        ck_assert_ptr_nonnull(grown);
        *out = grown;
        grown[n++] = suite_strfmt("%.*s", (int)(end - start), start);
    }
    return n;
}

static int named(const suite_set *set, const char *id)
{
    for (size_t i = 0; i < set->count; i++)
        for (size_t r = 0; r < set->items[i]->nrules; r++)
            if (strcmp(set->items[i]->rules[r], id) == 0)
                return 1;
    return 0;
}

START_TEST(every_rule_has_a_scenario)
{
    char *doc = suite_read_file(UPAY_SOURCE_DIR "/docs/protocol.md", NULL);
    ck_assert_msg(doc != NULL, "cannot read docs/protocol.md");
    char **ids;
    size_t nids = rule_ids(doc, &ids);
    ck_assert_msg(nids > 0, "docs/protocol.md defines no rule ids");

    suite_set set = {0};
    suite_buf err = {0};
    int problems = suite_load_path(&set, UPAY_SOURCE_DIR "/scenarios", &err);
    ck_assert_msg(problems == 0, "scenario files do not load:\n%s", suite_buf_str(&err));

    suite_buf missing = {0}, covered = {0};
    size_t nmissing = 0, npending = 0;
    for (size_t i = 0; i < nids; i++) {
        const char *why = pending_reason(ids[i]);
        npending += why != NULL;
        if (!named(&set, ids[i]) && !why) {
            suite_buf_printf(&missing, " %s", ids[i]);
            nmissing++;
        } else if (named(&set, ids[i]) && why) {
            suite_buf_printf(&covered, " %s", ids[i]);
        }
    }
    ck_assert_msg(nmissing == 0, "%zu of %zu rules have no scenario:%s", nmissing, nids,
                  suite_buf_str(&missing));
    ck_assert_msg(covered.len == 0, "pending rules now have a scenario (remove them from "
                  "`pending`):%s", suite_buf_str(&covered));
    ck_assert_msg(npending == NPENDING,
                  "a pending rule id is not defined by docs/protocol.md any more");
    suite_buf_free(&covered);

    for (size_t i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    free(doc);
    suite_buf_free(&missing);
    suite_buf_free(&err);
    suite_set_free(&set);
}
END_TEST

START_TEST(every_named_rule_exists)
{
    char *doc = suite_read_file(UPAY_SOURCE_DIR "/docs/protocol.md", NULL);
    ck_assert_ptr_nonnull(doc);
    suite_set set = {0};
    suite_buf err = {0}, unknown = {0};
    suite_load_path(&set, UPAY_SOURCE_DIR "/scenarios", &err);
    for (size_t i = 0; i < set.count; i++)
        for (size_t r = 0; r < set.items[i]->nrules; r++) {
            char *tag = suite_strfmt("**[%s]**", set.items[i]->rules[r]);
            if (!strstr(doc, tag))
                suite_buf_printf(&unknown, " %s (%s)", set.items[i]->rules[r], set.items[i]->name);
            free(tag);
        }
    ck_assert_msg(unknown.len == 0, "scenarios name rules docs/protocol.md does not define:%s",
                  suite_buf_str(&unknown));
    ck_assert_uint_ge(set.count, 80);
    free(doc);
    suite_buf_free(&err);
    suite_buf_free(&unknown);
    suite_set_free(&set);
}
END_TEST

Suite *make_suite_rules_suite(void)
{
    Suite *s = suite_create("suite_rules");
    TCase *tc = tcase_create("coverage");
    tcase_add_test(tc, every_rule_has_a_scenario);
    tcase_add_test(tc, every_named_rule_exists);
    suite_add_tcase(s, tc);
    return s;
}
