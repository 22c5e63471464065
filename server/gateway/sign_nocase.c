/*
 * server/gateway/sign_nocase.c - the live dialect's case-insensitive name
 * order for signatures (see sign_nocase.h). OpenSSL does the digests.
 */
#include "gateway/sign_nocase.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct pair {
    const char *name;
    const char *value;
} pair;

static int by_name_nocase(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);
    return c ? c : strcmp(x->name, y->name);
}

/* The string to sign, malloc'ed; NULL when memory runs out. */
static char *sign_string(const upay_params *p, const char *key)
{
    size_t n = upay_params_count(p), used = 0, size = strlen(key) + 8;
    pair *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *name = upay_params_name_at(p, i), *value = upay_params_value_at(p, i);
        if (!name || !value || !*value || strcmp(name, "sign") == 0)
            continue;
        v[used].name = name;
        v[used].value = value;
        size += strlen(name) + strlen(value) + 2;
        used++;
    }
    qsort(v, used, sizeof *v, by_name_nocase);
    char *s = malloc(size);
    if (s) {
        size_t at = 0;
        for (size_t i = 0; i < used; i++) {
            size_t nl = strlen(v[i].name), vl = strlen(v[i].value);
            if (i)
                s[at++] = '&';
            memcpy(s + at, v[i].name, nl);
            at += nl;
            s[at++] = '=';
            memcpy(s + at, v[i].value, vl);
            at += vl;
        }
        memcpy(s + at, "&key=", 5);
        strcpy(s + at + 5, key);
    }
    free(v);
    return s;
}

upay_code mock_sign_nocase_compute(const upay_params *p, const char *key, upay_sign_type type,
                                   char out[UPAY_SIGN_BUF_SIZE])
{
    static const char hex[] = "0123456789ABCDEF";
    if (!p || !key || !out)
        return UPAY_E_INVALID_ARG;
    char *s = sign_string(p, key);
    if (!s)
        return UPAY_E_NOMEM;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int ok;
    if (type == UPAY_SIGN_HMAC_SHA256)
        ok = HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)s, strlen(s), md,
                  &len) != NULL;
    else
        ok = EVP_Digest(s, strlen(s), md, &len, EVP_md5(), NULL) == 1;
    free(s);
    if (!ok || 2 * len >= UPAY_SIGN_BUF_SIZE)
        return UPAY_E_NOMEM;
    for (unsigned i = 0; i < len; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * len] = '\0';
    return UPAY_OK;
}

upay_code mock_sign_nocase_verify(const upay_params *p, const char *key, upay_sign_type type)
{
    if (!p || !key)
        return UPAY_E_INVALID_ARG;
    const char *given = upay_params_get(p, "sign");
    if (!given || !*given)
        return UPAY_E_SIGN_MISSING;
    char want[UPAY_SIGN_BUF_SIZE];
    upay_code rc = mock_sign_nocase_compute(p, key, type, want);
    if (rc != UPAY_OK)
        return rc;
    size_t gl = strlen(given), wl = strlen(want);
    unsigned diff = (unsigned)(gl ^ wl);
    for (size_t i = 0; i < wl; i++) {
        unsigned char g = (unsigned char)(i < gl ? given[i] : 0);
        if (g >= 'a' && g <= 'f')
            g = (unsigned char)(g - 'a' + 'A');
        diff |= g ^ (unsigned char)want[i];
    }
    return diff == 0 ? UPAY_OK : UPAY_E_SIGN_MISMATCH;
}
