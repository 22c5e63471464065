/*
 * check_suite_rules.c - every rule id of docs/protocol.md (`**[R-AREA-NN]**`)
 * is named by at least one scenario of scenarios/ (except the few listed as
 * pending, with the reason), and every id a scenario names exists in
 * docs/protocol.md. Every rule says where it comes from: its line in the
 * index names a source (the seed pages, the rules file, the vendor's 2024
 * documents) or "Decision", as its bullet does; a scenario's "decide" names
 * only decisions; no expectation reads `msg` text or the raw body.
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
    /* R-CHECK-10 and R-CLIENT-02 have scenarios since fault injection (faults/) */
    {"R-CLIENT-12", "every answer name of the mock is lower case, so both orders agree and "
                    "no scenario can tell the fallback; tests/unit/check_client.c "
                    "(answer_signed_nocase_accepted) proves it with a scripted answer"},
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

/* The index row of `id` ("| R-X-NN | summary | live? | source |"), or NULL. */
static char *index_row(const char *doc, const char *id)
{
    char *needle = suite_strfmt("\n| %s |", id);
    const char *p = strstr(doc, needle);
    free(needle);
    if (!p)
        return NULL;
    p++;
    return suite_strfmt("%.*s", (int)strcspn(p, "\n"), p);
}

/* The bullet that defines `id` ("- **[R-X-NN]** ..."), or NULL. */
static char *bullet(const char *doc, const char *id)
{
    char *tag = suite_strfmt("**[%s]**", id);
    const char *p = strstr(doc, tag);
    free(tag);
    return p ? suite_strfmt("%.*s", (int)strcspn(p, "\n"), p) : NULL;
}

static int is_decision(const char *doc, const char *id)
{
    char *b = bullet(doc, id);
    int yes = b && strstr(b, "(**Decision**") != NULL;
    free(b);
    return yes;
}

START_TEST(every_rule_says_where_it_comes_from)
{
    char *doc = suite_read_file(UPAY_SOURCE_DIR "/docs/protocol.md", NULL);
    ck_assert_ptr_nonnull(doc);
    char **ids;
    size_t nids = rule_ids(doc, &ids);
    suite_buf bad = {0};
    for (size_t i = 0; i < nids; i++) {
        char *row = index_row(doc, ids[i]);
        char *b = bullet(doc, ids[i]);
        const char *last = row ? strrchr(row, '|') : NULL;
        const char *cell = NULL;
        if (last) { /* the last cell: between the last two bars */
            const char *q = last;
            while (q > row && q[-1] != '|')
                q--;
            cell = q;
        }
        int decision = b && strstr(b, "(**Decision**") != NULL;
        int row_decision = cell && strncmp(cell, " Decision", 9) == 0;
        int row_source = cell && (strstr(cell, "seed") || strstr(cell, "rules file") ||
                                  strstr(cell, "2024"));
        if (!row || !cell || (!row_decision && !row_source))
            suite_buf_printf(&bad, "\n  %s: the index names no source", ids[i]);
        else if (decision != row_decision)
            suite_buf_printf(&bad, "\n  %s: bullet and index disagree on Decision", ids[i]);
        else if (!decision && !strstr(b, "(Source: "))
            suite_buf_printf(&bad, "\n  %s: the bullet names no (Source: ...)", ids[i]);
        free(row);
        free(b);
        free(ids[i]);
    }
    free(ids);
    ck_assert_msg(bad.len == 0, "docs/protocol.md:%s", suite_buf_str(&bad));
    suite_buf_free(&bad);
    free(doc);
}
END_TEST

/* Problems of one expectations object: msg text and raw-body matchers. */
static void lint_expect(const cJSON *expect, const char *where, suite_buf *bad)
{
    for (const cJSON *e = expect ? expect->child : NULL; e; e = e->next) {
        int presence = cJSON_IsBool(e) || cJSON_IsNull(e) ||
                       (cJSON_IsObject(e) && e->child && !e->child->next &&
                        (!strcmp(e->child->string, "present") || !strcmp(e->child->string, "absent")));
        if ((!strcmp(e->string, "msg") || !strcmp(e->string, "_body")) && !presence)
            suite_buf_printf(bad, "\n  %s: expects %s's text (only presence may be asked: "
                                  "msg is the code table's, the body's layout no one's)",
                             where, e->string);
    }
}

START_TEST(decide_names_decisions_and_no_text_is_matched)
{
    char *doc = suite_read_file(UPAY_SOURCE_DIR "/docs/protocol.md", NULL);
    ck_assert_ptr_nonnull(doc);
    suite_set set = {0};
    suite_buf err = {0}, bad = {0};
    ck_assert_int_eq(suite_load_path(&set, UPAY_SOURCE_DIR "/scenarios", &err), 0);
    size_t decides = 0;
    for (size_t i = 0; i < set.count; i++) {
        const suite_scenario *s = set.items[i];
        for (size_t k = 0; k < s->nsteps; k++) {
            char *where = suite_strfmt("%s %s", s->name, s->steps[k].label);
            lint_expect(cJSON_GetObjectItemCaseSensitive(s->steps[k].spec, "expect"), where, &bad);
            const cJSON *decide = cJSON_GetObjectItemCaseSensitive(s->steps[k].spec, "decide");
            for (const cJSON *g = decide ? decide->child : NULL; g; g = g->next) {
                char *id = suite_strfmt("%.*s", (int)strcspn(g->string, "@"), g->string);
                if (!is_decision(doc, id))
                    suite_buf_printf(&bad, "\n  %s: decide names %s, which is not a "
                                           "**Decision** of docs/protocol.md", where, id);
                lint_expect(g, where, &bad);
                decides++;
                free(id);
            }
            free(where);
        }
        /* A scenario that also runs on gateways other than upay-mock holds every
         * decision it proves in "decide", so that they become notes there. */
        if (s->requires & (SUITE_REQ_NEEDS_MOCK | SUITE_REQ_PRIVATE))
            continue;
        for (size_t r = 0; r < s->nrules; r++) {
            if (!is_decision(doc, s->rules[r]))
                continue;
            int found = 0;
            for (size_t k = 0; k < s->nsteps && !found; k++) {
                const cJSON *d = cJSON_GetObjectItemCaseSensitive(s->steps[k].spec, "decide");
                for (const cJSON *g = d ? d->child : NULL; g && !found; g = g->next)
                    found = strncmp(g->string, s->rules[r], strlen(s->rules[r])) == 0 &&
                            (g->string[strlen(s->rules[r])] == '\0' ||
                             g->string[strlen(s->rules[r])] == '@');
            }
            if (!found)
                suite_buf_printf(&bad, "\n  %s: runs without mock control and proves the "
                                       "decision %s, but no step \"decide\"s it", s->name,
                                 s->rules[r]);
        }
    }
    ck_assert_msg(bad.len == 0, "scenarios:%s", suite_buf_str(&bad));
    ck_assert_uint_ge(decides, 10);
    suite_buf_free(&bad);
    suite_buf_free(&err);
    suite_set_free(&set);
    free(doc);
}
END_TEST

/* The loader takes a scenario without rules (a QA engineer's); the library does not. */
START_TEST(library_scenarios_name_rules)
{
    suite_set set = {0};
    suite_buf err = {0}, bare = {0};
    ck_assert_int_eq(suite_load_path(&set, UPAY_SOURCE_DIR "/scenarios", &err), 0);
    for (size_t i = 0; i < set.count; i++)
        if (set.items[i]->nrules == 0)
            suite_buf_printf(&bare, " %s", set.items[i]->name);
    ck_assert_msg(bare.len == 0, "library scenarios naming no rule:%s", suite_buf_str(&bare));
    suite_buf_free(&bare);
    suite_buf_free(&err);
    suite_set_free(&set);
}
END_TEST

Suite *make_suite_rules_suite(void)
{
    Suite *s = suite_create("suite_rules");
    TCase *tc = tcase_create("coverage");
    tcase_add_test(tc, every_rule_has_a_scenario);
    tcase_add_test(tc, every_named_rule_exists);
    tcase_add_test(tc, library_scenarios_name_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("sources");
    tcase_add_test(tc, every_rule_says_where_it_comes_from);
    tcase_add_test(tc, decide_names_decisions_and_no_text_is_matched);
    suite_add_tcase(s, tc);
    return s;
}
