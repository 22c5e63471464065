/*
 * suite/scenario.c - loading and validating scenario files (see scenario.h).
 */
#include "scenario.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "expect.h"
#include "jsonc.h"
#include "private_mock.h"
#include "template.h"

static const struct {
    const char *name;
    unsigned bits;
} requirement_names[] = {
    {"mock", SUITE_REQ_MOCK},
    {"clock", SUITE_REQ_CLOCK | SUITE_REQ_MOCK},
    {"persona", SUITE_REQ_PERSONA | SUITE_REQ_MOCK},
    {"wallet", SUITE_REQ_WALLET},
};

unsigned suite_requirement_bit(const char *name)
{
    for (size_t i = 0; i < sizeof requirement_names / sizeof requirement_names[0]; i++)
        if (name && strcmp(name, requirement_names[i].name) == 0)
            return requirement_names[i].bits;
    return 0;
}

void suite_requirements_format(unsigned bits, char *out, size_t outlen)
{
    static const char *const names[] = {"mock", "clock", "persona", "wallet", "private-mock"};
    size_t used = 0;
    if (outlen)
        out[0] = '\0';
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(bits & (1u << i)))
            continue;
        int n = snprintf(out + used, outlen - used, "%s%s", used ? "," : "", names[i]);
        if (n < 0 || (size_t)n >= outlen - used)
            return;
        used += (size_t)n;
    }
}

/*
 * Free what a step owns: its label and its parallel sub-steps, at any depth
 * (a "parallel" nested in a "parallel" is refused, but only after it was
 * loaded: found by fuzz_scenario as a leak).
 */
static void step_free(suite_step *step)
{
    for (size_t k = 0; k < step->nsub; k++)
        step_free(&step->sub[k]);
    free(step->sub);
    free(step->label);
}

static void scenario_free(suite_scenario *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->file);
    free(s->description);
    for (size_t i = 0; i < s->ntags; i++)
        free(s->tags[i]);
    free(s->tags);
    for (size_t i = 0; i < s->nrules; i++)
        free(s->rules[i]);
    free(s->rules);
    for (size_t i = 0; i < s->nsteps; i++)
        step_free(&s->steps[i]);
    free(s->steps);
    cJSON_Delete(s->json);
    free(s);
}

void suite_set_free(suite_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        scenario_free(set->items[i]);
    free(set->items);
    set->items = NULL;
    set->count = set->cap = 0;
}

static int set_push(suite_set *set, suite_scenario *s)
{
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        suite_scenario **items = realloc(set->items, cap * sizeof *items);
        if (!items)
            return -1;
        set->items = items;
        set->cap = cap;
    }
    s->index = set->count;
    set->items[set->count++] = s;
    return 0;
}

/* ---- validation helpers: each appends one sentence to `err` and returns -1 ---- */

static int only_keys(const cJSON *obj, const char *const *allowed, const char *what, suite_buf *err)
{
    for (const cJSON *k = obj->child; k; k = k->next) {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], k->string) == 0;
        if (!ok) {
            suite_buf_printf(err, "%s: unknown key \"%s\"", what, k->string);
            return -1;
        }
    }
    return 0;
}

static int string_list(const cJSON *arr, const char *what, char ***out, size_t *n, suite_buf *err)
{
    *out = NULL;
    *n = 0;
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr)) {
        suite_buf_printf(err, "\"%s\" must be an array of strings", what);
        return -1;
    }
    int count = cJSON_GetArraySize(arr);
    if (count == 0)
        return 0;
    *out = calloc((size_t)count, sizeof **out);
    if (!*out)
        return -1;
    for (const cJSON *e = arr->child; e; e = e->next) {
        if (!cJSON_IsString(e) || !*e->valuestring) {
            suite_buf_printf(err, "\"%s\" must be an array of non-empty strings", what);
            return -1;
        }
        (*out)[(*n)++] = suite_strdup(e->valuestring);
    }
    return 0;
}

static int valid_rule_id(const char *id)
{
    /* R-AREA-NN: 'R', '-', upper-case letters, '-', digits. */
    if (strncmp(id, "R-", 2) != 0)
        return 0;
    const char *p = id + 2;
    const char *start = p;
    while (*p >= 'A' && *p <= 'Z')
        p++;
    if (p == start || *p != '-')
        return 0;
    start = ++p;
    while (*p >= '0' && *p <= '9')
        p++;
    return p != start && *p == '\0';
}

/* Params: an object of strings or integers, templates checked. */
static int check_params(const cJSON *params, const char *what, suite_buf *err)
{
    if (!params)
        return 0;
    if (!cJSON_IsObject(params)) {
        suite_buf_printf(err, "%s: \"params\" must be an object", what);
        return -1;
    }
    for (const cJSON *p = params->child; p; p = p->next) {
        if (cJSON_IsString(p)) {
            if (suite_template_check(p->valuestring, err) != 0)
                return -1;
        } else if (!cJSON_IsNumber(p) && !cJSON_IsNull(p)) {
            suite_buf_printf(err, "%s: parameter \"%s\" must be a string, a number or null", what,
                             p->string);
            return -1;
        }
    }
    return 0;
}

static int check_string(const cJSON *v, const char *what, const char *key, suite_buf *err)
{
    if (!v)
        return 0;
    if (!cJSON_IsString(v)) {
        suite_buf_printf(err, "%s: \"%s\" must be a string", what, key);
        return -1;
    }
    return suite_template_check(v->valuestring, err);
}

static int check_raw(const cJSON *raw, const char *what, suite_buf *err)
{
    static const char *const keys[] = {
        "method", "params", "base", "drop", "sign", "key", "sign_type", "body",
        "content_type", "http_method", "path", "pad_to", "headers", "sort", NULL,
    };
    if (!cJSON_IsObject(raw)) {
        suite_buf_printf(err, "%s: \"raw\" must be an object", what);
        return -1;
    }
    if (only_keys(raw, keys, what, err) != 0 || check_params(cJSON_GetObjectItemCaseSensitive(raw, "params"), what, err))
        return -1;
    static const char *const strings[] = {"method", "key", "body", "content_type",
                                          "http_method", "path", "sign_type", NULL};
    for (size_t i = 0; strings[i]; i++)
        if (check_string(cJSON_GetObjectItemCaseSensitive(raw, strings[i]), what, strings[i], err) != 0)
            return -1;
    const cJSON *sign = cJSON_GetObjectItemCaseSensitive(raw, "sign");
    if (sign && (!cJSON_IsString(sign) ||
                 (strcmp(sign->valuestring, "valid") && strcmp(sign->valuestring, "none") &&
                  strcmp(sign->valuestring, "wrong") && strcmp(sign->valuestring, "empty") &&
                  strcmp(sign->valuestring, "lowercase")))) {
        suite_buf_printf(err, "%s: \"sign\" must be valid, none, empty, wrong or lowercase", what);
        return -1;
    }
    const cJSON *sort = cJSON_GetObjectItemCaseSensitive(raw, "sort");
    if (sort && (!cJSON_IsString(sort) ||
                 (strcmp(sort->valuestring, "bytes") && strcmp(sort->valuestring, "nocase")))) {
        suite_buf_printf(err, "%s: \"sort\" must be bytes or nocase", what);
        return -1;
    }
    const cJSON *hdrs = cJSON_GetObjectItemCaseSensitive(raw, "headers");
    if (hdrs) {
        int bad = !cJSON_IsObject(hdrs) || cJSON_GetArraySize(hdrs) > 8;
        for (const cJSON *h = cJSON_IsObject(hdrs) ? hdrs->child : NULL; h && !bad; h = h->next)
            bad = !cJSON_IsString(h) || !*h->string || strpbrk(h->string, ": \r\n")
                  || strpbrk(h->valuestring, "\r\n")
                  || suite_template_check(h->valuestring, err) != 0;
        if (bad) {
            if (!err->len)
                suite_buf_printf(err, "%s: \"headers\" must be an object of at most 8 "
                                      "\"Name\": \"value\" strings", what);
            return -1;
        }
    }
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(raw, "base");
    if (base && !cJSON_IsBool(base)) {
        suite_buf_printf(err, "%s: \"base\" must be true or false", what);
        return -1;
    }
    char **drop = NULL;
    size_t ndrop = 0;
    int rc = string_list(cJSON_GetObjectItemCaseSensitive(raw, "drop"), "drop", &drop, &ndrop, err);
    for (size_t i = 0; i < ndrop; i++)
        free(drop[i]);
    free(drop);
    if (rc != 0)
        return -1;
    if (!cJSON_GetObjectItemCaseSensitive(raw, "method") && !cJSON_GetObjectItemCaseSensitive(raw, "body") &&
        !(base && cJSON_IsFalse(base))) {
        suite_buf_printf(err, "%s: \"raw\" needs \"method\" (or a literal \"body\")", what);
        return -1;
    }
    return 0;
}

/*
 * A mock rule (server/steer/rules.h): an object whose strings are templates and
 * which names a "fault". The mock checks the rest when it is added.
 */
static int check_templates(const cJSON *v, suite_buf *err)
{
    if (cJSON_IsString(v))
        return suite_template_check(v->valuestring, err);
    for (const cJSON *e = (cJSON_IsObject(v) || cJSON_IsArray(v)) ? v->child : NULL; e; e = e->next)
        if (check_templates(e, err) != 0)
            return -1;
    return 0;
}

static int check_rule(const cJSON *rule, const char *what, suite_buf *err)
{
    const cJSON *fault = cJSON_GetObjectItemCaseSensitive(rule, "fault");
    if (!cJSON_IsObject(rule) || !cJSON_IsString(fault) || !*fault->valuestring) {
        suite_buf_printf(err, "%s: \"rule\" must be an object with a \"fault\" "
                              "(docs/edge-cases.md)", what);
        return -1;
    }
    return check_templates(rule, err);
}

/*
 * "decide": {"R-AREA-NN": {expectations}, ...}: expectations that hold a
 * decision of ours (the rule named), not the protocol. "R-AREA-NN@seed" (or
 * @live): a decision of that dialect only.
 */
static int check_decide(const cJSON *decide, const char *what, suite_buf *err)
{
    if (!decide)
        return 0;
    if (!cJSON_IsObject(decide) || !decide->child) {
        suite_buf_printf(err, "%s: \"decide\" must be an object of rule id: expectations", what);
        return -1;
    }
    for (const cJSON *g = decide->child; g; g = g->next) {
        char id[32];
        const char *at = strchr(g->string, '@');
        snprintf(id, sizeof id, "%.*s", at ? (int)(at - g->string) : (int)strlen(g->string),
                 g->string);
        if (!valid_rule_id(id) || (at && strcmp(at, "@seed") != 0 && strcmp(at, "@live") != 0)) {
            suite_buf_printf(err, "%s: decide: \"%s\" is not a rule id (R-AREA-NN, "
                                  "optionally @seed or @live)", what,
                             g->string);
            return -1;
        }
        if (!cJSON_IsObject(g) || suite_expect_validate(g, err) != 0) {
            if (!err->len)
                suite_buf_printf(err, "%s: decide: %s needs an object of expectations", what,
                                 g->string);
            return -1;
        }
    }
    return 0;
}

/* "dialect": "seed" | "live" (a scenario or step for that dialect only). */
static int check_dialect(const cJSON *d, const char *what, suite_buf *err)
{
    if (!d || (cJSON_IsString(d) && (!strcmp(d->valuestring, "seed") ||
                                     !strcmp(d->valuestring, "live"))))
        return 0;
    suite_buf_printf(err, "%s: \"dialect\" must be \"seed\" or \"live\"", what);
    return -1;
}

static int check_step(const cJSON *st, size_t index, unsigned requires, const cJSON *mock,
                      suite_step *out, suite_buf *err);

/*
 * "parallel": [2 to 16 call steps without repeat, expect, decide or capture]:
 * their requests go out at once; the expectations are the parallel step's, on
 * the set ("results"). Loads them into out->sub.
 */
static int check_parallel(const cJSON *list, size_t index, unsigned requires, const cJSON *mock,
                          suite_step *out, suite_buf *err)
{
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    if (n < 2 || n > 16) {
        suite_buf_printf(err, "step %zu: \"parallel\" must be an array of 2 to 16 call steps",
                         index + 1);
        return -1;
    }
    out->sub = calloc((size_t)n, sizeof *out->sub);
    if (!out->sub)
        return -1;
    for (const cJSON *c = list->child; c; c = c->next) {
        suite_step *sub = &out->sub[out->nsub];
        int rc = check_step(c, out->nsub, requires, mock, sub, err);
        out->nsub++;
        if (rc != 0)
            return -1;
        if (sub->kind != SUITE_STEP_CALL || cJSON_GetObjectItemCaseSensitive(c, "repeat") ||
            cJSON_GetObjectItemCaseSensitive(c, "expect") ||
            cJSON_GetObjectItemCaseSensitive(c, "decide") ||
            cJSON_GetObjectItemCaseSensitive(c, "capture")) {
            suite_buf_printf(err, "step %zu: each parallel step is a \"call\" without repeat, "
                                  "expect, decide or capture (the parallel step expects on "
                                  "the set)", index + 1);
            return -1;
        }
    }
    return 0;
}

static int check_step(const cJSON *st, size_t index, unsigned requires, const cJSON *mock,
                      suite_step *out, suite_buf *err)
{
    static const char *const common[] = {"title", "repeat", "expect", "capture"};
    static const char *const call_keys[] = {"call", "params", "as", "timeout_ms", "title",
                                            "repeat", "expect", "capture", "decide", "dialect", NULL};
    static const char *const raw_keys[] = {"raw", "title", "repeat", "expect", "capture", "decide", "dialect", NULL};
    static const char *const flow_keys[] = {"flow", "params", "options", "as", "timeout_ms",
                                            "title", "repeat", "expect", "capture", "decide", "dialect", NULL};
    static const char *const mock_keys[] = {"mock", "advance_seconds", "rule", "scan", "wait_ms", "title",
                                            "repeat",
                                            "expect", "capture", "decide", "dialect", NULL};
    static const char *const set_keys[] = {"set", "title", NULL};
    static const char *const notify_keys[] = {"notify", "key", "timeout_ms", "title", "repeat",
                                              "expect", "capture", "dialect", NULL};
    static const char *const parallel_keys[] = {"parallel", "title", "expect", "decide",
                                                "dialect", "capture", NULL};
    (void)common;
    char what[64];
    snprintf(what, sizeof what, "step %zu", index + 1);
    if (!cJSON_IsObject(st)) {
        suite_buf_printf(err, "%s: a step must be an object", what);
        return -1;
    }
    const char *kinds[] = {"call", "raw", "flow", "mock", "set", "parallel", "notify"};
    int found = -1, nfound = 0;
    for (int i = 0; i < 7; i++)
        if (cJSON_GetObjectItemCaseSensitive(st, kinds[i])) {
            found = i;
            nfound++;
        }
    if (nfound != 1) {
        suite_buf_printf(err, "%s: needs exactly one of call, raw, flow, mock, set, parallel, "
                              "notify", what);
        return -1;
    }
    out->kind = (suite_step_kind)found;
    out->spec = st;
    out->repeat = 1;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, kinds[found]);
    const char *detail = cJSON_IsString(v) ? v->valuestring : kinds[found];
    switch (out->kind) {
    case SUITE_STEP_CALL:
        if (only_keys(st, call_keys, what, err) != 0)
            return -1;
        if (!cJSON_IsString(v) || !*v->valuestring) {
            suite_buf_printf(err, "%s: \"call\" must name the method (pay, refund, ...)", what);
            return -1;
        }
        if (check_params(cJSON_GetObjectItemCaseSensitive(st, "params"), what, err) != 0)
            return -1;
        break;
    case SUITE_STEP_RAW:
        if (only_keys(st, raw_keys, what, err) != 0 || check_raw(v, what, err) != 0)
            return -1;
        {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, "method");
            detail = cJSON_IsString(m) ? m->valuestring : "body";
        }
        break;
    case SUITE_STEP_FLOW:
        if (only_keys(st, flow_keys, what, err) != 0)
            return -1;
        if (!cJSON_IsString(v) || (strcmp(v->valuestring, "barcode_pay") != 0 &&
                                   strcmp(v->valuestring, "refund") != 0)) {
            suite_buf_printf(err, "%s: \"flow\" must be barcode_pay or refund", what);
            return -1;
        }
        if (check_params(cJSON_GetObjectItemCaseSensitive(st, "params"), what, err) != 0 ||
            check_params(cJSON_GetObjectItemCaseSensitive(st, "options"), what, err) != 0)
            return -1;
        break;
    case SUITE_STEP_MOCK:
        if (only_keys(st, mock_keys, what, err) != 0)
            return -1;
        if (!cJSON_IsString(v) || (strcmp(v->valuestring, "reset") != 0 &&
                                   strcmp(v->valuestring, "clock") != 0 &&
                                   strcmp(v->valuestring, "orders") != 0 &&
                                   strcmp(v->valuestring, "restart") != 0 &&
                                   strcmp(v->valuestring, "rule") != 0 &&
                                   strcmp(v->valuestring, "rules") != 0 &&
                                   strcmp(v->valuestring, "journal") != 0 &&
                                   strcmp(v->valuestring, "merchant") != 0 &&
                                   strcmp(v->valuestring, "scan") != 0 &&
                                   strcmp(v->valuestring, "notifications") != 0 &&
                                   strcmp(v->valuestring, "lint") != 0)) {
            suite_buf_printf(err, "%s: \"mock\" must be reset, clock, orders, restart, rule, "
                                  "rules, journal, merchant, scan, notifications or lint", what);
            return -1;
        }
        if ((strcmp(v->valuestring, "scan") == 0) != (cJSON_GetObjectItemCaseSensitive(st, "scan") != NULL) ||
            (cJSON_GetObjectItemCaseSensitive(st, "scan") &&
             (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(st, "scan")) ||
              check_params(cJSON_GetObjectItemCaseSensitive(st, "scan"), what, err) != 0))) {
            if (!err->len)
                suite_buf_printf(err, "%s: \"scan\" (an object: out_trade_no, action, persona, "
                                      "notify_fault) goes with \"mock\": \"scan\"", what);
            return -1;
        }
        if ((strcmp(v->valuestring, "rule") == 0) != (cJSON_GetObjectItemCaseSensitive(st, "rule") != NULL)) {
            suite_buf_printf(err, "%s: \"rule\" goes with \"mock\": \"rule\" (and it needs one)", what);
            return -1;
        }
        if (strcmp(v->valuestring, "rule") == 0 && check_rule(cJSON_GetObjectItemCaseSensitive(st, "rule"), what, err) != 0)
            return -1;
        if (strcmp(v->valuestring, "restart") == 0 && !suite_private_has_state(mock)) {
            suite_buf_printf(err, "%s: restart needs the scenario's \"mock\": "
                                  "{\"state_file\": true}", what);
            return -1;
        }
        if (!(requires & SUITE_REQ_MOCK)) {
            suite_buf_printf(err, "%s: a mock step needs \"requires\": [\"mock\"] (or clock)", what);
            return -1;
        }
        {
            const cJSON *wait = cJSON_GetObjectItemCaseSensitive(st, "wait_ms");
            static const char *const waitable[] = {"orders", "journal", "notifications", "rules",
                                                   "lint", NULL};
            int ok = 0;
            for (size_t w = 0; waitable[w]; w++)
                ok |= strcmp(v->valuestring, waitable[w]) == 0;
            if (wait && (!ok || !cJSON_IsNumber(wait) || wait->valuedouble < 1 ||
                         wait->valuedouble > 60000)) {
                suite_buf_printf(err, "%s: \"wait_ms\" (1 to 60000) goes with mock orders, "
                                      "journal, notifications, rules or lint", what);
                return -1;
            }
        }
        if (strcmp(v->valuestring, "clock") == 0) {
            const cJSON *adv = cJSON_GetObjectItemCaseSensitive(st, "advance_seconds");
            if (!cJSON_IsNumber(adv) || adv->valuedouble < 0) {
                suite_buf_printf(err, "%s: clock needs \"advance_seconds\": a number >= 0", what);
                return -1;
            }
            if (!(requires & SUITE_REQ_CLOCK)) {
                suite_buf_printf(err, "%s: a clock step needs \"requires\": [\"clock\"]", what);
                return -1;
            }
        }
        break;
    case SUITE_STEP_PARALLEL:
        if (only_keys(st, parallel_keys, what, err) != 0 ||
            check_parallel(v, index, requires, mock, out, err) != 0)
            return -1;
        break;
    case SUITE_STEP_NOTIFY:
        if (only_keys(st, notify_keys, what, err) != 0)
            return -1;
        if (!cJSON_IsString(v) || (strcmp(v->valuestring, "success") != 0 &&
                                   strcmp(v->valuestring, "fail") != 0 &&
                                   strcmp(v->valuestring, "silence") != 0 &&
                                   strcmp(v->valuestring, "slow") != 0)) {
            suite_buf_printf(err, "%s: \"notify\" must be success, fail, silence or slow "
                                  "(the answer to give)", what);
            return -1;
        }
        {
            const cJSON *key = cJSON_GetObjectItemCaseSensitive(st, "key");
            suite_buf why = {0};
            if (key && (!cJSON_IsString(key) || suite_template_check(key->valuestring, &why) != 0)) {
                suite_buf_printf(err, "%s: \"key\" must be a string (a template): %s", what,
                                 why.len ? suite_buf_str(&why) : "not a string");
                suite_buf_free(&why);
                return -1;
            }
        }
        if (!(requires & SUITE_REQ_MOCK)) {
            suite_buf_printf(err, "%s: a notify step needs \"requires\": [\"mock\"] (the "
                                  "customer pays through mock control)", what);
            return -1;
        }
        break;
    case SUITE_STEP_SET:
        if (only_keys(st, set_keys, what, err) != 0)
            return -1;
        if (!cJSON_IsObject(v) || check_params(v, what, err) != 0) {
            suite_buf_printf(err, "%s: \"set\" must be an object of name: value", what);
            return -1;
        }
        break;
    }
    const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(st, "timeout_ms");
    if (timeout && (!cJSON_IsNumber(timeout) || timeout->valuedouble < 1 ||
                    timeout->valuedouble > 600000)) {
        suite_buf_printf(err, "%s: \"timeout_ms\" must be a number from 1 to 600000", what);
        return -1;
    }
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(st, "as");
    if (as) {
        static const char *const as_keys[] = {"agent_id", "key", "sign_type", "merchant_key",
                                              NULL};
        if (!cJSON_IsObject(as) || only_keys(as, as_keys, what, err) != 0 ||
            check_params(as, what, err) != 0) {
            if (!err->len)
                suite_buf_printf(err, "%s: \"as\" must be an object of agent_id, key, "
                                      "merchant_key, sign_type", what);
            return -1;
        }
    }
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(st, "repeat");
    if (rep) {
        if (!cJSON_IsNumber(rep) || rep->valuedouble < 1 || rep->valuedouble > 1000) {
            suite_buf_printf(err, "%s: \"repeat\" must be a number from 1 to 1000", what);
            return -1;
        }
        out->repeat = rep->valueint;
    }
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(st, "title");
    if (title && !cJSON_IsString(title)) {
        suite_buf_printf(err, "%s: \"title\" must be a string", what);
        return -1;
    }
    if (suite_expect_validate(cJSON_GetObjectItemCaseSensitive(st, "expect"), err) != 0)
        return -1;
    if (check_decide(cJSON_GetObjectItemCaseSensitive(st, "decide"), what, err) != 0 ||
        check_dialect(cJSON_GetObjectItemCaseSensitive(st, "dialect"), what, err) != 0)
        return -1;
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(st, "capture");
    if (cap) {
        if (!cJSON_IsObject(cap)) {
            suite_buf_printf(err, "%s: \"capture\" must be an object of variable: field", what);
            return -1;
        }
        for (const cJSON *c = cap->child; c; c = c->next)
            if (!cJSON_IsString(c) || suite_path_validate(c->valuestring, err) != 0) {
                suite_buf_printf(err, "%s: capture \"%s\" needs a field path", what, c->string);
                return -1;
            }
    }
    if (title)
        out->label = suite_strfmt("step %zu (%s: %s)", index + 1, detail, title->valuestring);
    else
        out->label = suite_strfmt("step %zu (%s %s)", index + 1, kinds[found], detail);
    return out->label ? 0 : -1;
}

static suite_scenario *parse_scenario(const cJSON *obj, const char *file, suite_buf *err)
{
    static const char *const keys[] = {"name", "description", "tags", "rules", "requires",
                                       "mock", "dialect", "steps", NULL};
    if (!cJSON_IsObject(obj)) {
        suite_buf_puts(err, "a scenario must be an object");
        return NULL;
    }
    suite_scenario *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->file = suite_strdup(file);
    s->json = cJSON_Duplicate(obj, 1);
    if (!s->json || !s->file)
        goto fail;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(s->json, "name");
    if (!cJSON_IsString(name) || !*name->valuestring) {
        suite_buf_puts(err, "\"name\" (a non-empty string) is required");
        goto fail;
    }
    s->name = suite_strdup(name->valuestring);
    if (only_keys(s->json, keys, "scenario", err) != 0)
        goto fail;
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(s->json, "description");
    if (desc) {
        if (!cJSON_IsString(desc)) {
            suite_buf_puts(err, "\"description\" must be a string");
            goto fail;
        }
        s->description = suite_strdup(desc->valuestring);
    }
    if (string_list(cJSON_GetObjectItemCaseSensitive(s->json, "tags"), "tags", &s->tags, &s->ntags, err) != 0 ||
        string_list(cJSON_GetObjectItemCaseSensitive(s->json, "rules"), "rules", &s->rules, &s->nrules, err) != 0)
        goto fail;
    /* "rules" may be empty: a QA engineer's scenario or a recording proves a session, not a
     * rule. The project's own library names a rule in every scenario; check_suite_rules.c
     * holds it to that (library_scenarios_name_rules). */
    for (size_t i = 0; i < s->nrules; i++)
        if (!valid_rule_id(s->rules[i])) {
            suite_buf_printf(err, "\"%s\" is not a rule id (R-AREA-NN)", s->rules[i]);
            goto fail;
        }
    char **reqs = NULL;
    size_t nreqs = 0;
    int rc = string_list(cJSON_GetObjectItemCaseSensitive(s->json, "requires"), "requires", &reqs, &nreqs, err);
    for (size_t i = 0; i < nreqs; i++) {
        unsigned bit = suite_requirement_bit(reqs[i]);
        if (!bit && rc == 0) {
            suite_buf_printf(err, "unknown requirement \"%s\" (mock, clock, persona, wallet)",
                             reqs[i]);
            rc = -1;
        }
        s->requires |= bit;
        free(reqs[i]);
    }
    free(reqs);
    if (rc != 0)
        goto fail;
    const cJSON *dialect = cJSON_GetObjectItemCaseSensitive(s->json, "dialect");
    if (check_dialect(dialect, "scenario", err) != 0)
        goto fail;
    s->dialect = dialect ? dialect->valuestring : NULL;
    s->mock = cJSON_GetObjectItemCaseSensitive(s->json, "mock");
    if (s->mock) {
        if (suite_private_validate(s->mock, err) != 0)
            goto fail;
        s->requires |= SUITE_REQ_PRIVATE | SUITE_REQ_MOCK;
    }
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(s->json, "steps");
    if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0) {
        suite_buf_puts(err, "\"steps\" must be a non-empty array");
        goto fail;
    }
    s->steps = calloc((size_t)cJSON_GetArraySize(steps), sizeof *s->steps);
    if (!s->steps)
        goto fail;
    for (const cJSON *st = steps->child; st; st = st->next) {
        if (check_step(st, s->nsteps, s->requires, s->mock, &s->steps[s->nsteps], err) != 0) {
            s->nsteps++;
            goto fail;
        }
        if (s->steps[s->nsteps].kind == SUITE_STEP_NOTIFY)
            s->notify = 1;
        s->nsteps++;
    }
    {
        char *text = cJSON_PrintUnformatted(steps);   /* ${notify_url} without a notify step */
        if (text && strstr(text, "${notify_url}"))
            s->notify = 1;
        cJSON_free(text);
    }
    return s;
fail:
    scenario_free(s);
    return NULL;
}

static int has_name(const suite_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i]->name, name) == 0)
            return 1;
    return 0;
}

/* "file:LINE:COL" of scenario `name` in `text`, or just the file when it cannot be found. */
static void where(suite_buf *b, const char *file, const char *text, const char *name)
{
    size_t at = 0;
    unsigned line, col;
    if (name && suite_jsonc_find_name(text, name, &at) == 0) {
        suite_jsonc_position(text, at, &line, &col);
        suite_buf_printf(b, "%s:%u:%u", file, line, col);
    } else {
        suite_buf_puts(b, file);
    }
}

static int add_one(suite_set *set, const cJSON *obj, const char *file, const char *text,
                   size_t pos, suite_buf *errors)
{
    suite_buf err = {0};
    suite_scenario *s = parse_scenario(obj, file, &err);
    if (!s) {
        const cJSON *name = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, "name") : NULL;
        if (cJSON_IsString(name)) {
            where(errors, file, text, name->valuestring);
            suite_buf_printf(errors, ": %s: %s\n", name->valuestring, suite_buf_str(&err));
        } else {
            suite_buf_printf(errors, "%s: scenario #%zu: %s\n", file, pos + 1, suite_buf_str(&err));
        }
        suite_buf_free(&err);
        return 1;
    }
    suite_buf_free(&err);
    if (has_name(set, s->name)) {
        where(errors, file, text, s->name);
        suite_buf_printf(errors, ": %s: duplicate scenario name\n", s->name);
        scenario_free(s);
        return 1;
    }
    if (set_push(set, s) != 0) {
        scenario_free(s);
        suite_buf_printf(errors, "%s: out of memory\n", file);
        return 1;
    }
    return 0;
}

int suite_load_text(suite_set *set, const char *text, const char *file, suite_buf *errors)
{
    char *copy = suite_strdup(text);
    if (!copy) {
        suite_buf_printf(errors, "%s: out of memory\n", file);
        return 1;
    }
    cJSON *root = suite_jsonc_parse(copy, file, errors);
    if (!root) {
        free(copy);
        return 1;
    }
    int problems = 0;
    const cJSON *list = root;
    if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "scenarios")) {
        list = cJSON_GetObjectItemCaseSensitive(root, "scenarios");
        if (cJSON_GetArraySize(root) != 1 || !cJSON_IsArray(list)) {
            suite_buf_printf(errors, "%s: a file with \"scenarios\" holds only that array\n", file);
            cJSON_Delete(root);
            free(copy);
            return 1;
        }
    }
    if (cJSON_IsArray(list)) {
        size_t pos = 0;
        for (const cJSON *e = list->child; e; e = e->next)
            problems += add_one(set, e, file, copy, pos++, errors);
    } else {
        problems += add_one(set, list, file, copy, 0, errors);
    }
    cJSON_Delete(root);
    free(copy);
    return problems;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(suite_set *set, const char *dir, suite_buf *errors)
{
    DIR *d = opendir(dir);
    if (!d) {
        suite_buf_printf(errors, "%s: cannot open directory: %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n] = suite_strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    int problems = 0;
    for (size_t i = 0; i < n; i++) {
        char *full = suite_strfmt("%s/%s", dir, names[i]);
        struct stat st;
        if (full && stat(full, &st) == 0) {
            size_t len = strlen(names[i]);
            if (S_ISDIR(st.st_mode))
                problems += load_dir(set, full, errors);
            else if (len > 5 && strcmp(names[i] + len - 5, ".json") == 0)
                problems += suite_load_path(set, full, errors);
        }
        free(full);
        free(names[i]);
    }
    free(names);
    return problems;
}

int suite_load_path(suite_set *set, const char *path, suite_buf *errors)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        suite_buf_printf(errors, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode))
        return load_dir(set, path, errors);
    char *text = suite_read_file(path, NULL);
    if (!text) {
        suite_buf_printf(errors, "%s: cannot read: %s\n", path, strerror(errno));
        return 1;
    }
    int problems = suite_load_text(set, text, path, errors);
    free(text);
    return problems;
}
