/*
 * suite/template.c - ${...} expansion and payment-code generation (see
 * template.h).
 */
#include "template.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <strings.h>

unsigned long long suite_rand_next(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Shapes from docs/protocol.md: leading digits and total length. */
static const struct {
    const char *name;
    const char *prefix;
    size_t length;
} wallets[] = {
    {"wechat", "13", 18},  {"alipay", "28", 18},  {"unionpay", "62", 19},
    {"qq", "91", 18},      {"jdpay", "18", 18},   {"bestpay", "51", 18},
    {"invalid", "99", 7},
};

int suite_make_code(const char *wallet, const char *suffix, unsigned long long *rng,
                    char *out, size_t outlen)
{
    size_t w = sizeof wallets / sizeof wallets[0];
    for (size_t i = 0; i < sizeof wallets / sizeof wallets[0]; i++)
        if (wallet && strcasecmp(wallet, wallets[i].name) == 0)
            w = i;
    if (w == sizeof wallets / sizeof wallets[0])
        return -1;
    size_t len = wallets[w].length, plen = strlen(wallets[w].prefix);
    size_t slen = suffix ? strlen(suffix) : 0;
    if (len + 1 > outlen || slen + plen > len)
        return -1;
    for (size_t i = 0; i < slen; i++)
        if (!isdigit((unsigned char)suffix[i]))
            return -1;
    memcpy(out, wallets[w].prefix, plen);
    for (size_t i = plen; i < len; i++)
        out[i] = (char)('0' + suite_rand_next(rng) % 10);
    if (slen)
        memcpy(out + len - slen, suffix, slen);
    else
        /* Mock personas are selected by endings 9xxx: keep plain codes clear of them. */
        out[len - 4] = (char)('0' + suite_rand_next(rng) % 9);
    out[len] = '\0';
    return 0;
}

static int get_input(suite_tpl_env *env, const char *name, suite_buf *out, suite_buf *err)
{
    const char *v = suite_vars_get(env->vars, name);
    if (v) {
        suite_buf_puts(out, v);
        return SUITE_TPL_OK;
    }
    if (env->input) {
        char *why = suite_strfmt("value for %s", name);
        char *got = env->input(env->input_ctx, name, why ? why : name);
        free(why);
        if (got) {
            int rc = suite_vars_set(env->vars, name, got);
            suite_buf_puts(out, got);
            free(got);
            return rc == 0 ? SUITE_TPL_OK : SUITE_TPL_ERROR;
        }
    }
    suite_buf_printf(err, "needs input %s (pass --var %s=VALUE)", name, name);
    return SUITE_TPL_MISSING;
}

static int gen_value(suite_tpl_env *env, const char *name, suite_buf *out, suite_buf *err)
{
    char *key = suite_strfmt("gen:%s", name);
    if (!key) {
        suite_buf_puts(err, "out of memory");
        return SUITE_TPL_ERROR;
    }
    const char *have = suite_vars_get(env->vars, key);
    if (have) {
        suite_buf_puts(out, have);
        free(key);
        return SUITE_TPL_OK;
    }
    /* NAME's first letters (up to 6), '_', the scenario tag, a counter. */
    char value[64];
    size_t n = 0;
    for (const char *p = name; *p && n < 6; p++)
        if (isalnum((unsigned char)*p))
            value[n++] = *p;
    value[n++] = '_';
    snprintf(value + n, sizeof value - n, "%.14s%u", env->gen_tag ? env->gen_tag : "x",
             ++env->gen_count);
    int rc = suite_vars_set(env->vars, key, value);
    free(key);
    if (rc != 0) {
        suite_buf_puts(err, "out of memory");
        return SUITE_TPL_ERROR;
    }
    suite_buf_puts(out, value);
    return SUITE_TPL_OK;
}

static int code_value(suite_tpl_env *env, const char *spec, suite_buf *out, suite_buf *err)
{
    char wallet[32];
    const char *colon = strchr(spec, ':');
    size_t wl = colon ? (size_t)(colon - spec) : strlen(spec);
    if (wl == 0 || wl >= sizeof wallet) {
        suite_buf_printf(err, "bad payment code spec \"code:%s\"", spec);
        return SUITE_TPL_ERROR;
    }
    memcpy(wallet, spec, wl);
    wallet[wl] = '\0';
    for (char *p = wallet; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (env->live_codes && !colon && strcmp(wallet, "invalid") != 0) {
        char *name = suite_strfmt("code.%s", wallet);
        if (!name)
            return SUITE_TPL_ERROR;
        int rc = get_input(env, name, out, err);
        free(name);
        return rc;
    }
    char code[40];
    if (suite_make_code(wallet, colon ? colon + 1 : NULL, &env->rng, code, sizeof code) != 0) {
        suite_buf_printf(err, "bad payment code spec \"code:%s\"", spec);
        return SUITE_TPL_ERROR;
    }
    suite_buf_puts(out, code);
    return SUITE_TPL_OK;
}

static int expand_one(suite_tpl_env *env, const char *expr, suite_buf *out, suite_buf *err)
{
    if (strncmp(expr, "gen:", 4) == 0 && expr[4])
        return gen_value(env, expr + 4, out, err);
    if (strncmp(expr, "code:", 5) == 0 && expr[5])
        return code_value(env, expr + 5, out, err);
    if (strncmp(expr, "input:", 6) == 0 && expr[6])
        return get_input(env, expr + 6, out, err);
    const char *v = suite_vars_get(env->vars, expr);
    if (!v) {
        suite_buf_printf(err, "unknown variable ${%s}", expr);
        return SUITE_TPL_ERROR;
    }
    suite_buf_puts(out, v);
    return SUITE_TPL_OK;
}

/* Walk `in`; with env NULL only check the syntax. */
static int walk(suite_tpl_env *env, const char *in, suite_buf *out, suite_buf *err)
{
    const char *p = in;
    while (*p) {
        const char *d = strchr(p, '$');
        if (!d) {
            suite_buf_puts(out, p);
            break;
        }
        suite_buf_append(out, p, (size_t)(d - p));
        if (d[1] == '$') {
            suite_buf_puts(out, "$");
            p = d + 2;
            continue;
        }
        if (d[1] != '{') {
            suite_buf_puts(out, "$");
            p = d + 1;
            continue;
        }
        const char *end = strchr(d + 2, '}');
        if (!end || end == d + 2) {
            suite_buf_printf(err, "unterminated or empty ${ in \"%s\"", in);
            return SUITE_TPL_ERROR;
        }
        size_t n = (size_t)(end - d - 2);
        char *expr = malloc(n + 1);
        if (!expr) {
            suite_buf_puts(err, "out of memory");
            return SUITE_TPL_ERROR;
        }
        memcpy(expr, d + 2, n);
        expr[n] = '\0';
        int rc = SUITE_TPL_OK;
        if (strchr(expr, '{') || strchr(expr, '$')) {
            suite_buf_printf(err, "nested ${ in \"%s\"", in);
            rc = SUITE_TPL_ERROR;
        } else if (env) {
            rc = expand_one(env, expr, out, err);
        }
        free(expr);
        if (rc != SUITE_TPL_OK)
            return rc;
        p = end + 1;
    }
    return out->oom ? SUITE_TPL_ERROR : SUITE_TPL_OK;
}

int suite_expand(suite_tpl_env *env, const char *in, char **out, suite_buf *err)
{
    *out = NULL;
    if (!env || !in) {
        suite_buf_puts(err, "nothing to expand");
        return SUITE_TPL_ERROR;
    }
    suite_buf b = {0};
    int rc = walk(env, in, &b, err);
    if (rc != SUITE_TPL_OK) {
        suite_buf_free(&b);
        return rc;
    }
    *out = suite_buf_take(&b);
    return *out ? SUITE_TPL_OK : SUITE_TPL_ERROR;
}

int suite_template_check(const char *in, suite_buf *err)
{
    suite_buf b = {0};
    int rc = in ? walk(NULL, in, &b, err) : SUITE_TPL_OK;
    suite_buf_free(&b);
    return rc == SUITE_TPL_OK ? 0 : -1;
}
