/*
 * server/gateway/sign_diagnose.c - why a signature failed (see
 * sign_diagnose.h). Each candidate mistake is a variant of the canonical
 * string (docs/protocol.md, section 2), digested and compared with the given
 * sign; the first that matches is the diagnosis.
 */
#include "gateway/sign_diagnose.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <upay/form.h>

/* How one candidate string is built. */
typedef struct variant {
    upay_sign_sort sort;
    int with_empty;          /* empty values signed too */
    size_t skip;             /* index of a parameter left out, or (size_t)-1 */
    int url_encoded;         /* values as on the wire: 1 a space as "+", 2 as "%20" */
    const char *key_join;    /* what goes between the string and the key: "&key=" */
} variant;

typedef struct pair {
    const char *name;
    const char *value;
    size_t index;
} pair;

static int by_bytes(const void *a, const void *b)
{
    return strcmp(((const pair *)a)->name, ((const pair *)b)->name);
}

static int by_nocase(const void *a, const void *b)
{
    int c = strcasecmp(((const pair *)a)->name, ((const pair *)b)->name);
    return c ? c : by_bytes(a, b);
}

/*
 * A value percent-encoded the way a form is (malloc'ed), or NULL; with
 * `space20` a space is "%20" (RFC 3986) instead of the form's "+".
 */
static char *encoded(const char *value, int space20)
{
    upay_params *one = upay_params_new();
    char *form = NULL, *copy = NULL;
    if (one && upay_params_set(one, "v", value) == UPAY_OK
        && upay_form_encode(one, &form) == UPAY_OK
        && (copy = malloc(3 * strlen(form) + 1)) != NULL) {
        size_t at = 0;
        for (const char *c = form + 2; *c; c++)   /* past "v=" */
            if (*c == '+' && space20) {
                memcpy(copy + at, "%20", 3);
                at += 3;
            } else {
                copy[at++] = *c;
            }
        copy[at] = '\0';
    }
    upay_free(form);
    upay_params_free(one);
    return copy;
}

/* The canonical string of `req` under `v`, without the key part (malloc'ed), or NULL. */
static char *canonical(const upay_params *req, const variant *v)
{
    size_t n = upay_params_count(req), used = 0, len = 1;
    pair *pairs = calloc(n ? n : 1, sizeof *pairs);
    char **owned = calloc(n ? n : 1, sizeof *owned);
    char *text = NULL;
    if (!pairs || !owned)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const char *name = upay_params_name_at(req, i), *value = upay_params_value_at(req, i);
        if (strcmp(name, "sign") == 0 || i == v->skip || (!*value && !v->with_empty))
            continue;
        if (v->url_encoded && !(value = owned[i] = encoded(value, v->url_encoded == 2)))
            goto done;
        pairs[used++] = (pair){name, value, i};
        len += strlen(name) + strlen(value) + 2;
    }
    qsort(pairs, used, sizeof *pairs, v->sort == UPAY_SIGN_SORT_NOCASE ? by_nocase : by_bytes);
    if (!(text = malloc(len)))
        goto done;
    text[0] = '\0';
    for (size_t i = 0, at = 0; i < used; i++)
        at += (size_t)sprintf(text + at, "%s%s=%s", i ? "&" : "", pairs[i].name, pairs[i].value);
done:
    for (size_t i = 0; owned && i < n; i++)
        free(owned[i]);
    free(owned);
    free(pairs);
    return text;
}

/* Does `sign` (any hex case) equal the digest of `text` + join + key? */
static int matches(const char *text, const char *join, const char *key, upay_sign_type type,
                   const char *sign)
{
    size_t len = strlen(text) + strlen(join) + strlen(key) + 1;
    char *full = malloc(len);
    if (!full)
        return 0;
    snprintf(full, len, "%s%s%s", text, join, key);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int ok = type == UPAY_SIGN_HMAC_SHA256
                 ? HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)full,
                        strlen(full), md, &mdlen) != NULL
                 : EVP_Digest(full, strlen(full), md, &mdlen, EVP_md5(), NULL) == 1;
    free(full);
    if (!ok || strlen(sign) != 2 * (size_t)mdlen)
        return 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < mdlen; i++)
        sprintf(hex + 2 * i, "%02X", md[i]);
    return strcasecmp(hex, sign) == 0;
}

/* Does the sign match `req` built as `v`, under `key` and `type`? */
static int try_variant(const upay_params *req, const variant *v, const char *key,
                       upay_sign_type type, const char *sign)
{
    char *text = canonical(req, v);
    int hit = text && matches(text, v->key_join, key, type, sign);
    free(text);
    return hit;
}

/* Do `a` and `b` build the same string of `req` (a mistake that changes nothing)? */
static int same_string(const upay_params *req, const variant *a, const variant *b)
{
    char *x = canonical(req, a), *y = canonical(req, b);
    int same = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

/* The first usual mistake `sign` matches, written into `why`; 0 when none does. */
static int find_mistake(const upay_params *req, const char *key, upay_sign_type type,
                        upay_sign_sort sort, const mock_sign_alt_key *alts, size_t n_alts,
                        const char *sign, char *why, size_t whylen)
{
    const variant right = {sort, 0, (size_t)-1, 0, "&key="};
    variant v = right;
    upay_sign_sort other = sort == UPAY_SIGN_SORT_NOCASE ? UPAY_SIGN_SORT_BYTES
                                                         : UPAY_SIGN_SORT_NOCASE;
    v.sort = other;
    if (!same_string(req, &right, &v) && try_variant(req, &v, key, type, sign)) {
        snprintf(why, whylen, "the names were sorted %s; this gateway sorts them %s",
                 other == UPAY_SIGN_SORT_NOCASE ? "ignoring case" : "by byte value",
                 sort == UPAY_SIGN_SORT_NOCASE ? "ignoring case" : "by byte value");
        return 1;
    }
    v = right;
    v.with_empty = 1;
    if (try_variant(req, &v, key, type, sign)) {
        snprintf(why, whylen, "empty parameters were signed; leave them out of the string");
        return 1;
    }
    for (size_t i = 0; i < upay_params_count(req); i++) {
        const char *name = upay_params_name_at(req, i);
        if (strcmp(name, "sign") == 0 || !*upay_params_value_at(req, i))
            continue;
        v = right;
        v.skip = i;
        if (try_variant(req, &v, key, type, sign)) {
            snprintf(why, whylen, "parameter %.40s was left out of the signature; sign every "
                     "non-empty parameter but sign", name);
            return 1;
        }
    }
    for (int form = 1; form <= 2; form++) {
        v = right;
        v.url_encoded = form;
        if (try_variant(req, &v, key, type, sign)) {
            snprintf(why, whylen, "the values were signed URL-encoded; sign the decoded values");
            return 1;
        }
    }
    static const struct {
        const char *join;
        const char *what;
    } joins[] = {{"&", "\"&KEY\""}, {"", "KEY with nothing between"}, {"key=", "\"key=KEY\" without &"}};
    for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
        v = right;
        v.key_join = joins[i].join;
        if (try_variant(req, &v, key, type, sign)) {
            snprintf(why, whylen, "the key was appended as %s; append \"&key=KEY\"", joins[i].what);
            return 1;
        }
    }
    char *text = canonical(req, &right);
    int hit = 0;
    if (text && matches(text, "", "", type, sign)) {
        snprintf(why, whylen, "the key was not appended; append \"&key=KEY\"");
        hit = 1;
    }
    upay_sign_type other_type = type == UPAY_SIGN_MD5 ? UPAY_SIGN_HMAC_SHA256 : UPAY_SIGN_MD5;
    if (!hit && text && matches(text, "&key=", key, other_type, sign)) {
        snprintf(why, whylen, "it is %s but sign_type says %s", upay_sign_type_name(other_type),
                 upay_sign_type_name(type));
        hit = 1;
    }
    for (size_t i = 0; !hit && text && i < n_alts; i++)
        if (alts[i].key && matches(text, "&key=", alts[i].key, type, sign)) {
            snprintf(why, whylen, "it was signed with %s", alts[i].label);
            hit = 1;
        }
    free(text);
    return hit;
}

void mock_sign_diagnose(const upay_params *req, const char *key, upay_sign_type type,
                        upay_sign_sort sort, const mock_sign_alt_key *alts, size_t n_alts,
                        char *out, size_t outlen)
{
    const variant right = {sort, 0, (size_t)-1, 0, "&key="};
    const char *sign = upay_params_get(req, "sign");
    char why[160];
    if (!sign || !*sign)
        snprintf(why, sizeof why, "missing sign");
    else if (!find_mistake(req, key, type, sort, alts, n_alts, sign, why, sizeof why))
        snprintf(why, sizeof why, "the sign matches none of the usual mistakes (wrong key, "
                 "or a value changed after signing?)");
    char *text = canonical(req, &right);
    if (text)
        snprintf(out, outlen, "signature error: %s; the mock signed: %s&key=***", why, text);
    else
        snprintf(out, outlen, "signature error: %s", why);
    free(text);
}
