/*
 * suite/expect.c - field paths, matchers and captures (see expect.h).
 */
#include "expect.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <upay/protocol.h>

typedef enum path_kind { P_PLAIN, P_LENGTH, P_INDEX, P_ALL, P_FIND } path_kind;

typedef struct path {
    char base[128];
    path_kind kind;
    long index;
    char key[64];
    char value[128];   /* raw (unexpanded) value of a [key=value] selector */
    char field[64];
} path;

static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
    if (n == 0 || n >= cap)
        return -1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

static int path_parse(const char *text, path *p, suite_buf *err)
{
    memset(p, 0, sizeof *p);
    size_t n = strcspn(text, "[.");
    if (copy_part(p->base, sizeof p->base, text, n) != 0)
        goto bad;
    const char *s = text + n;
    if (!*s) {
        p->kind = P_PLAIN;
        return 0;
    }
    if (strcmp(s, ".length") == 0) {
        p->kind = P_LENGTH;
        return 0;
    }
    if (*s != '[')
        goto bad;
    const char *close = strchr(s, ']');
    if (!close)
        goto bad;
    const char *in = s + 1;
    size_t inlen = (size_t)(close - in);
    const char *eq = memchr(in, '=', inlen);
    if (inlen == 1 && *in == '*') {
        p->kind = P_ALL;
    } else if (eq) {
        p->kind = P_FIND;
        if (copy_part(p->key, sizeof p->key, in, (size_t)(eq - in)) != 0)
            goto bad;
        size_t vlen = (size_t)(close - eq - 1);
        if (vlen >= sizeof p->value)
            goto bad;
        memcpy(p->value, eq + 1, vlen);
        p->value[vlen] = '\0';
    } else {
        char num[32];
        if (copy_part(num, sizeof num, in, inlen) != 0)
            goto bad;
        char *end;
        errno = 0;
        p->index = strtol(num, &end, 10);
        if (*end || errno)
            goto bad;
        p->kind = P_INDEX;
    }
    if (close[1] != '.' || copy_part(p->field, sizeof p->field, close + 2, strlen(close + 2)) != 0)
        goto bad;
    if (strpbrk(p->field, "[]."))
        goto bad;
    if (p->field[0] == '#' && ((strcmp(p->field, "#count") != 0 &&
                                (strncmp(p->field, "#sum:", 5) != 0 || !p->field[5])) ||
                               p->kind == P_INDEX))
        goto bad;
    return 0;
bad:
    suite_buf_printf(err, "bad field path \"%s\"", text);
    return -1;
}

int suite_path_validate(const char *text, suite_buf *err)
{
    path p;
    if (!text)
        return -1;
    if (path_parse(text, &p, err) != 0)
        return -1;
    return p.kind == P_FIND ? suite_template_check(p.value, err) : 0;
}

/* The values a path selects: n items, each a new string or NULL (absent). */
typedef struct values {
    char **v;
    size_t n;
} values;

static void values_free(values *vs)
{
    for (size_t i = 0; i < vs->n; i++)
        free(vs->v[i]);
    free(vs->v);
    vs->v = NULL;
    vs->n = 0;
}

static int values_push(values *vs, char *s)
{
    char **v = realloc(vs->v, (vs->n + 1) * sizeof *v);
    if (!v) {
        free(s);
        return -1;
    }
    vs->v = v;
    vs->v[vs->n++] = s;
    return 0;
}

static char *item_field(const cJSON *item, const char *field)
{
    const cJSON *f = cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, field) : NULL;
    if (!f || cJSON_IsNull(f))
        return NULL;
    if (cJSON_IsString(f))
        return suite_strdup(f->valuestring);
    return cJSON_PrintUnformatted(f);
}

/*
 * The aggregates over a [*] or [key=value] selection: "#count" (how many items
 * are selected) and "#sum:FIELD" (the sum of their FIELD, an amount in fen;
 * a missing or malformed amount is an error). One value into `out`.
 */
static int aggregate(const cJSON *arr, const path *p, suite_tpl_env *env, values *out,
                     suite_buf *err)
{
    char *want = NULL;
    if (p->kind == P_FIND && (!env || suite_expand(env, p->value, &want, err) != SUITE_TPL_OK)) {
        if (!env)
            suite_buf_puts(err, "no variables for a [key=value] selector");
        return -1;
    }
    const char *sum_of = strncmp(p->field, "#sum:", 5) == 0 ? p->field + 5 : NULL;
    long long count = 0, sum = 0;
    int rc = 0;
    for (const cJSON *item = arr->child; item && rc == 0; item = item->next) {
        if (want) {
            char *v = item_field(item, p->key);
            int hit = v && strcmp(v, want) == 0;
            free(v);
            if (!hit)
                continue;
        }
        count++;
        if (sum_of) {
            char *v = item_field(item, sum_of);
            long long n = 0;
            if (!v || upay_amount_parse(v, &n) != UPAY_OK) {
                suite_buf_printf(err, "%s: an item's %s is not an amount: \"%s\"", p->field,
                                 sum_of, v ? v : "(absent)");
                rc = -1;
            }
            sum += n;
            free(v);
        }
    }
    free(want);
    if (rc == 0 && values_push(out, suite_strfmt("%lld", sum_of ? sum : count)) != 0) {
        suite_buf_puts(err, "out of memory");
        rc = -1;
    }
    return rc;
}

static int resolve(const upay_params *view, const char *text, suite_tpl_env *env, values *out,
                   suite_buf *err)
{
    path p;
    memset(out, 0, sizeof *out);
    if (path_parse(text, &p, err) != 0)
        return -1;
    const char *raw = view ? upay_params_get(view, p.base) : NULL;
    if (p.kind == P_PLAIN)
        return values_push(out, raw ? suite_strdup(raw) : NULL);
    if (!raw)
        return values_push(out, NULL);
    cJSON *arr = cJSON_Parse(raw);
    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(arr);
        suite_buf_printf(err, "field %s is not a JSON array: \"%s\"", p.base, raw);
        return -1;
    }
    int count = cJSON_GetArraySize(arr), rc = 0;
    if (p.kind == P_LENGTH) {
        rc = values_push(out, suite_strfmt("%d", count));
    } else if (p.kind == P_INDEX) {
        long i = p.index < 0 ? count + p.index : p.index;
        const cJSON *item = (i >= 0 && i < count) ? cJSON_GetArrayItem(arr, (int)i) : NULL;
        rc = values_push(out, item ? item_field(item, p.field) : NULL);
    } else if (p.field[0] == '#') {
        rc = aggregate(arr, &p, env, out, err); /* says what went wrong itself */
        cJSON_Delete(arr);
        return rc;
    } else if (p.kind == P_ALL) {
        for (int i = 0; i < count && rc == 0; i++)
            rc = values_push(out, item_field(cJSON_GetArrayItem(arr, i), p.field));
    } else {
        char *want = NULL;
        if (!env || suite_expand(env, p.value, &want, err) != SUITE_TPL_OK) {
            cJSON_Delete(arr);
            if (!env)
                suite_buf_puts(err, "no variables for a [key=value] selector");
            return -1;
        }
        const cJSON *found = NULL;
        for (int i = 0; i < count && !found; i++) {
            const cJSON *item = cJSON_GetArrayItem(arr, i);
            char *v = item_field(item, p.key);
            if (v && strcmp(v, want) == 0)
                found = item;
            free(v);
        }
        free(want);
        rc = values_push(out, found ? item_field(found, p.field) : NULL);
    }
    cJSON_Delete(arr);
    if (rc != 0)
        suite_buf_puts(err, "out of memory");
    return rc;
}

int suite_view_get(const upay_params *view, const char *text, suite_tpl_env *env, char **out,
                   suite_buf *err)
{
    values vs;
    *out = NULL;
    if (resolve(view, text, env, &vs, err) != 0) {
        values_free(&vs);
        return -1;
    }
    path p;
    path_parse(text, &p, err);
    if (p.kind == P_ALL) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; arr && i < vs.n; i++)
            cJSON_AddItemToArray(arr, vs.v[i] ? cJSON_CreateString(vs.v[i]) : cJSON_CreateNull());
        *out = arr ? cJSON_PrintUnformatted(arr) : NULL;
        cJSON_Delete(arr);
    } else if (vs.n == 1 && vs.v[0]) {
        *out = vs.v[0];
        vs.v[0] = NULL;
    }
    values_free(&vs);
    return 0;
}

/* ---- matchers ---- */

static const char *const matcher_keys[] = {
    "equals", "not", "one_of", "pattern", "contains", "present", "absent",
    "eq", "ne", "lt", "le", "gt", "ge", "length", "near_now", NULL,
};

static int is_matcher_key(const char *k)
{
    for (size_t i = 0; matcher_keys[i]; i++)
        if (strcmp(matcher_keys[i], k) == 0)
            return 1;
    return 0;
}

/* Patterns longer than this, or repeating more than this many times in all, are refused. */
#define PATTERN_MAX_BYTES 512
#define PATTERN_MAX_REPEAT 1000

/*
 * Whether `p` is a pattern glibc's regcomp can compile in bounded memory.
 * It expands every bounded repeat into copies of its subtree and goes
 * exponential on stacked quantifiers ("a++++", found by fuzzing: 2 GB), so
 * stacked quantifiers are refused and the product of {m,n} bounds capped.
 * Scenario patterns are short (a field's shape): nothing real is lost.
 */
static int pattern_is_bounded(const char *p)
{
    if (strlen(p) > PATTERN_MAX_BYTES)
        return 0;
    unsigned long product = 1;
    int after_quantifier = 0;
    for (const char *c = p; *c; c++) {
        if (*c == '\\' && c[1]) {
            c++;
            after_quantifier = 0;
            continue;
        }
        if (*c == '[') {  /* a bracket expression: its characters are not operators */
            const char *end = c + 1;
            if (*end == '^')
                end++;
            if (*end == ']')
                end++;
            while (*end && *end != ']')
                end++;
            if (!*end)
                return 0;
            c = end;
            after_quantifier = 0;
            continue;
        }
        int quantifier = *c == '*' || *c == '+' || *c == '?' || *c == '{';
        if (quantifier && after_quantifier)
            return 0;
        if (*c == '{') {
            unsigned long bound = 0;
            for (c++; *c && *c != '}'; c++)
                if (*c >= '0' && *c <= '9' && bound < PATTERN_MAX_REPEAT + 1)
                    bound = bound * 10 + (unsigned long)(*c - '0');
                else if (*c == ',')
                    bound = 0;  /* the upper bound counts */
            if (!*c)
                return 0;
            product *= bound > 1 ? bound : 1;
            if (product > PATTERN_MAX_REPEAT)
                return 0;
        }
        after_quantifier = quantifier;
    }
    return 1;
}

static int validate_matcher(const char *field, const cJSON *m, suite_buf *err)
{
    if (cJSON_IsString(m))
        return suite_template_check(m->valuestring, err);
    if (cJSON_IsNumber(m) || cJSON_IsBool(m) || cJSON_IsNull(m))
        return 0;
    if (!cJSON_IsObject(m) || !m->child) {
        suite_buf_printf(err, "expectation on %s: a matcher is a string, number, bool, null "
                              "or a non-empty object", field);
        return -1;
    }
    for (const cJSON *k = m->child; k; k = k->next) {
        const char *name = k->string;
        if (!is_matcher_key(name)) {
            suite_buf_printf(err, "expectation on %s: unknown matcher \"%s\"", field, name);
            return -1;
        }
        int ok;
        if (!strcmp(name, "present") || !strcmp(name, "absent"))
            ok = cJSON_IsBool(k);
        else if (!strcmp(name, "one_of")) {
            ok = cJSON_IsArray(k);
            for (const cJSON *e = k->child; ok && e; e = e->next)
                ok = cJSON_IsString(e) && suite_template_check(e->valuestring, err) == 0;
        } else if (!strcmp(name, "length") || !strcmp(name, "near_now"))
            ok = cJSON_IsNumber(k) && k->valuedouble >= 0;
        else if (!strcmp(name, "equals") || !strcmp(name, "not") || !strcmp(name, "contains"))
            ok = cJSON_IsString(k) && suite_template_check(k->valuestring, err) == 0;
        else if (!strcmp(name, "pattern")) {
            regex_t re;
            ok = cJSON_IsString(k) && pattern_is_bounded(k->valuestring) &&
                 regcomp(&re, k->valuestring, REG_EXTENDED | REG_NOSUB) == 0;
            if (ok)
                regfree(&re);
        } else
            ok = cJSON_IsNumber(k) ||
                 (cJSON_IsString(k) && suite_template_check(k->valuestring, err) == 0);
        if (!ok) {
            suite_buf_printf(err, "expectation on %s: bad value for \"%s\"", field, name);
            return -1;
        }
    }
    return 0;
}

int suite_expect_validate(const cJSON *expect, suite_buf *err)
{
    if (!expect)
        return 0;
    if (!cJSON_IsObject(expect)) {
        suite_buf_puts(err, "\"expect\" must be an object of field: matcher");
        return -1;
    }
    for (const cJSON *e = expect->child; e; e = e->next) {
        if (suite_path_validate(e->string, err) != 0 || validate_matcher(e->string, e, err) != 0)
            return -1;
    }
    return 0;
}

static void describe_actual(suite_buf *b, const char *actual)
{
    if (actual)
        suite_buf_printf(b, "got \"%s\"", actual);
    else
        suite_buf_puts(b, "got (absent)");
}

/* Expand a matcher operand (string) or print a number; new string. */
static int operand(const cJSON *v, suite_tpl_env *env, char **out, suite_buf *err)
{
    if (cJSON_IsNumber(v)) {
        *out = suite_strfmt("%.0f", v->valuedouble);
        if (v->valuedouble != (double)(long long)v->valuedouble) {
            free(*out);
            *out = suite_strfmt("%g", v->valuedouble);
        }
        return *out ? SUITE_TPL_OK : SUITE_TPL_ERROR;
    }
    return suite_expand(env, v->valuestring, out, err);
}

static int parse_number(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end || errno)
        return -1;
    *out = d;
    return 0;
}

static int numeric(const char *op, double a, double b)
{
    if (!strcmp(op, "eq")) return a == b;
    if (!strcmp(op, "ne")) return a != b;
    if (!strcmp(op, "lt")) return a < b;
    if (!strcmp(op, "le")) return a <= b;
    if (!strcmp(op, "gt")) return a > b;
    return a >= b; /* ge */
}

/* One matcher key against one actual value. 0 holds, -1 fails, >0 tpl code. */
static int match_key(const char *field, const cJSON *k, const char *actual, suite_tpl_env *env,
                     suite_buf *fail)
{
    const char *name = k->string;
    if (!strcmp(name, "present") || !strcmp(name, "absent")) {
        int want_present = (!strcmp(name, "present")) == cJSON_IsTrue(k);
        if (want_present == (actual != NULL))
            return 0;
        suite_buf_printf(fail, "%s should be %s: ", field, want_present ? "present" : "absent");
        describe_actual(fail, actual);
        return -1;
    }
    if (!strcmp(name, "length")) {
        if (actual && (double)strlen(actual) == k->valuedouble)
            return 0;
        suite_buf_printf(fail, "%s should be %.0f characters long: ", field, k->valuedouble);
        describe_actual(fail, actual);
        return -1;
    }
    if (!strcmp(name, "near_now")) {
        /* yyyyMMddHHmmss in GMT+8, within the tolerance of the gateway's clock. */
        const char *now_text = env ? suite_vars_get(env->vars, SUITE_VAR_GATEWAY_NOW) : NULL;
        time_t when = 0;
        double now = 0;
        if (!now_text || parse_number(now_text, &now) != 0) {
            suite_buf_printf(fail, "%s: the gateway's time is not known", field);
            return -1;
        }
        if (actual && upay_time_parse(actual, &when) == UPAY_OK &&
            (double)when - now <= k->valuedouble && now - (double)when <= k->valuedouble)
            return 0;
        char now_fmt[15] = "";
        upay_time_format((time_t)now, now_fmt);
        suite_buf_printf(fail, "%s should be the gateway's Beijing time %s (GMT+8) within %.0f s",
                         field, now_fmt, k->valuedouble);
        if (actual && when)
            suite_buf_printf(fail, ", off by %+.0f s: ", (double)when - now);
        else
            suite_buf_puts(fail, ": ");
        describe_actual(fail, actual);
        return -1;
    }
    if (!strcmp(name, "one_of")) {
        suite_buf list = {0};
        int hit = 0, rc = 0;
        for (const cJSON *e = k->child; e; e = e->next) {
            char *want = NULL;
            rc = suite_expand(env, e->valuestring, &want, fail);
            if (rc != SUITE_TPL_OK)
                break;
            if (actual && strcmp(actual, want) == 0)
                hit = 1;
            suite_buf_printf(&list, "%s\"%s\"", list.len ? ", " : "", want);
            free(want);
        }
        if (rc == SUITE_TPL_OK && !hit) {
            suite_buf_printf(fail, "%s should be one of [%s]: ", field, suite_buf_str(&list));
            describe_actual(fail, actual);
            rc = -1;
        }
        suite_buf_free(&list);
        return rc;
    }
    if (!strcmp(name, "pattern")) {
        char *anchored = suite_strfmt("^(%s)$", k->valuestring);
        regex_t re;
        int ok = 0;
        if (anchored && pattern_is_bounded(k->valuestring) &&
            regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
            ok = actual && regexec(&re, actual, 0, NULL, 0) == 0;
            regfree(&re);
        }
        free(anchored);
        if (ok)
            return 0;
        suite_buf_printf(fail, "%s should match /%s/: ", field, k->valuestring);
        describe_actual(fail, actual);
        return -1;
    }
    char *want = NULL;
    int rc = operand(k, env, &want, fail);
    if (rc != SUITE_TPL_OK)
        return rc;
    int ok;
    if (!strcmp(name, "equals"))
        ok = actual && strcmp(actual, want) == 0;
    else if (!strcmp(name, "not"))
        ok = !actual || strcmp(actual, want) != 0;
    else if (!strcmp(name, "contains"))
        ok = actual && strstr(actual, want) != NULL;
    else {
        double a, b;
        if (parse_number(want, &b) != 0) {
            suite_buf_printf(fail, "%s: operand of \"%s\" is not a number: \"%s\"", field, name,
                             want);
            free(want);
            return -1;
        }
        ok = parse_number(actual, &a) == 0 && numeric(name, a, b);
    }
    if (!ok) {
        suite_buf_printf(fail, "%s should %s \"%s\": ", field,
                         !strcmp(name, "equals") ? "equal" :
                         !strcmp(name, "not") ? "not equal" :
                         !strcmp(name, "contains") ? "contain" : name, want);
        describe_actual(fail, actual);
    }
    free(want);
    return ok ? 0 : -1;
}

static int match_one(const char *field, const cJSON *m, const char *actual, suite_tpl_env *env,
                     suite_buf *fail)
{
    if (cJSON_IsObject(m)) {
        for (const cJSON *k = m->child; k; k = k->next) {
            int rc = match_key(field, k, actual, env, fail);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    /* Shorthands: build the equivalent one-key matcher. */
    cJSON *tmp = cJSON_CreateObject();
    if (!tmp)
        return -1;
    if (cJSON_IsString(m))
        cJSON_AddStringToObject(tmp, "equals", m->valuestring);
    else if (cJSON_IsNumber(m))
        cJSON_AddNumberToObject(tmp, "eq", m->valuedouble);
    else
        cJSON_AddBoolToObject(tmp, "present", cJSON_IsTrue(m));
    int rc = match_key(field, tmp->child, actual, env, fail);
    cJSON_Delete(tmp);
    return rc;
}

int suite_expect_uses_now(const cJSON *json)
{
    for (const cJSON *c = json ? json->child : NULL; c; c = c->next)
        if ((c->string && strcmp(c->string, "near_now") == 0) || suite_expect_uses_now(c))
            return 1;
    return 0;
}

int suite_expect_eval(const cJSON *expect, const upay_params *view, suite_tpl_env *env,
                      suite_buf *failure)
{
    if (!expect)
        return 0;
    for (const cJSON *e = expect->child; e; e = e->next) {
        values vs;
        if (resolve(view, e->string, env, &vs, failure) != 0) {
            values_free(&vs);
            return -1;
        }
        int rc = 0;
        for (size_t i = 0; i < vs.n && rc == 0; i++)
            rc = match_one(e->string, e, vs.v[i], env, failure);
        if (rc != 0 && vs.n > 1)
            suite_buf_puts(failure, " (in one of the items)");
        values_free(&vs);
        if (rc != 0)
            return rc;
    }
    return 0;
}
