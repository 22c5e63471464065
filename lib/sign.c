/*
 * sign.c - the protocol signature (see upay/sign.h and
 * docs/protocol.md): canonical string, MD5 / HMAC-SHA256 in upper-case hex,
 * and a constant-time, case-insensitive check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "upay/sign.h"

#include <pthread.h>

/*
 * One signed parameter. `head` is the name's first 8 bytes (lower-cased for
 * UPAY_SIGN_SORT_NOCASE), big-endian, zero-padded: comparing two heads as
 * integers orders the names as the full comparison would whenever they
 * differ in those bytes (a name's end, NUL, sorts first in both), so the
 * sort compares whole names only for names sharing 8 bytes.
 */
struct item {
    uint64_t head;
    const char *name;
    const char *value;
    size_t name_len, value_len;
};

static uint64_t name_head(const char *name, size_t len, upay_sign_sort sort)
{
    unsigned char b[8] = {0};
    memcpy(b, name, len < 8 ? len : 8);
    uint64_t h = (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40
                 | (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16
                 | (uint64_t)b[6] << 8 | (uint64_t)b[7];
    if (sort == UPAY_SIGN_SORT_NOCASE) {
        /* 'A'-'Z' to 'a'-'z' in all 8 bytes at once; bytes from 0x80 up stay */
        const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
        uint64_t low7 = h & ~high;
        uint64_t from_a = low7 + (0x80 - 'A') * ones;  /* high bit: byte >= 'A' */
        uint64_t past_z = low7 + (0x7F - 'Z') * ones;  /* high bit: byte > 'Z' */
        h |= (from_a & ~past_z & ~h & high) >> 2;      /* 0x80 >> 2 is 'a' - 'A' */
    }
    return h;
}

/* ASCII order ignoring case ('A' counts as 'a'); names equal so fall back to byte order. */
static int nocase_cmp(const char *a, const char *b)
{
    for (const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;;
         x++, y++) {
        int cx = *x >= 'A' && *x <= 'Z' ? *x + 32 : *x;
        int cy = *y >= 'A' && *y <= 'Z' ? *y + 32 : *y;
        if (cx != cy)
            return cx - cy;
        if (!*x)
            return strcmp(a, b);
    }
}

static int item_cmp(const struct item *a, const struct item *b, upay_sign_sort sort)
{
    if (a->head != b->head)
        return a->head < b->head ? -1 : 1;
    return sort == UPAY_SIGN_SORT_NOCASE ? nocase_cmp(a->name, b->name)
                                         : strcmp(a->name, b->name);
}

static int by_name(const void *a, const void *b)
{
    return item_cmp(a, b, UPAY_SIGN_SORT_BYTES);
}

static int by_name_nocase(const void *a, const void *b)
{
    return item_cmp(a, b, UPAY_SIGN_SORT_NOCASE);
}

static int signed_param(const char *name, size_t name_len, const char *value)
{
    return value[0] != '\0' && !(name_len == 4 && memcmp(name, "sign", 4) == 0);
}

/*
 * Sort by name: insertion sort for the few parameters a request or answer
 * has (cheaper than qsort's setup, which glibc does with a merge sort and a
 * buffer), qsort beyond that.
 */
static void sort_by_name(struct item *items, size_t n, upay_sign_sort sort)
{
    if (n > 32) {
        qsort(items, n, sizeof *items, sort == UPAY_SIGN_SORT_NOCASE ? by_name_nocase : by_name);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct item x = items[i];
        size_t j = i;
        for (; j > 0 && item_cmp(&items[j - 1], &x, sort) > 0; j--)
            items[j] = items[j - 1];
        items[j] = x;
    }
}

/*
 * Builds the canonical string in `buf` (`room` bytes) when it fits, else
 * in a malloc'd string: *out is one or the other (free it when it is not
 * `buf`), `*out_len` its length.
 */
static upay_code canonical(const upay_params *p, const char *key, upay_sign_sort sort,
                           char *buf, size_t room, char **out, size_t *out_len)
{
    if (p == NULL || key == NULL || key[0] == '\0' || out == NULL
        || (sort != UPAY_SIGN_SORT_BYTES && sort != UPAY_SIGN_SORT_NOCASE))
        return UPAY_E_INVALID_ARG;
    size_t n = upay_params_count(p);
    struct item small[32];
    struct item *items = small;
    if (n > sizeof small / sizeof small[0]) {
        items = malloc(n * sizeof *items);
        if (items == NULL)
            return UPAY_E_NOMEM;
    }
    size_t kl = strlen(key);
    size_t k = 0, total = strlen("key=") + kl + 1;
    for (size_t i = 0; i < n; i++) {
        const char *name = upay_params_name_at(p, i);
        const char *value = upay_params_value_at(p, i);
        size_t name_len = strlen(name);
        if (!signed_param(name, name_len, value))
            continue;
        struct item *it = &items[k++];
        it->head = name_head(name, name_len, sort);
        it->name = name;
        it->value = value;
        it->name_len = name_len;
        it->value_len = strlen(value);
        total += name_len + 1 + it->value_len + 1;
    }
    sort_by_name(items, k, sort);

    char *s = total <= room ? buf : malloc(total);
    if (s == NULL) {
        if (items != small)
            free(items);
        return UPAY_E_NOMEM;
    }
    char *o = s;
    for (size_t i = 0; i < k; i++) {
        memcpy(o, items[i].name, items[i].name_len);
        o += items[i].name_len;
        *o++ = '=';
        memcpy(o, items[i].value, items[i].value_len);
        o += items[i].value_len;
        *o++ = '&';
    }
    memcpy(o, "key=", 4);
    o += 4;
    memcpy(o, key, kl);
    o += kl;
    *o = '\0';
    if (items != small)
        free(items);
    *out = s;
    *out_len = (size_t)(o - s);
    return UPAY_OK;
}

UPAY_API const char *upay_sign_type_name(upay_sign_type type)
{
    switch (type) {
    case UPAY_SIGN_MD5: return "MD5";
    case UPAY_SIGN_HMAC_SHA256: return "HMAC-SHA256";
    }
    return "";
}

UPAY_API upay_code upay_sign_type_parse(const char *value, upay_sign_type *out)
{
    if (out == NULL)
        return UPAY_E_INVALID_ARG;
    if (value == NULL || value[0] == '\0' || strcmp(value, "MD5") == 0) {
        *out = UPAY_SIGN_MD5;
        return UPAY_OK;
    }
    if (strcmp(value, "HMAC-SHA256") == 0) {
        *out = UPAY_SIGN_HMAC_SHA256;
        return UPAY_OK;
    }
    return UPAY_E_SIGN_TYPE;
}

UPAY_API upay_code upay_sign_string_sorted(const upay_params *p, const char *key,
                                          upay_sign_sort sort, char **out)
{
    size_t len;
    return canonical(p, key, sort, NULL, 0, out, &len);
}

UPAY_API upay_code upay_sign_string(const upay_params *p, const char *key, char **out)
{
    return upay_sign_string_sorted(p, key, UPAY_SIGN_SORT_BYTES, out);
}

/*
 * OpenSSL 3 looks an algorithm up by name on every EVP_md5()/EVP_sha256()
 * use (about a tenth of the mock's work per request). The two digests are
 * fetched once per process instead: immutable after that, shared by every
 * thread, kept for the life of the process. A failed fetch (a FIPS provider
 * without MD5) falls back to the implicit lookup.
 */
static pthread_once_t digests_once = PTHREAD_ONCE_INIT;
static EVP_MD *md5_fetched, *sha256_fetched;

static void fetch_digests(void)
{
    md5_fetched = EVP_MD_fetch(NULL, "MD5", NULL);
    sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

UPAY_API upay_code upay_sign_compute_sorted(const upay_params *p, const char *key,
                                            upay_sign_type type, upay_sign_sort sort,
                                            char out[UPAY_SIGN_BUF_SIZE])
{
    if (out == NULL || (type != UPAY_SIGN_MD5 && type != UPAY_SIGN_HMAC_SHA256))
        return UPAY_E_INVALID_ARG;
    char buf[2048], *s; /* any usual request or answer signs from the stack */
    size_t len;
    upay_code rc = canonical(p, key, sort, buf, sizeof buf, &s, &len);
    if (rc != UPAY_OK)
        return rc;

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int ok;
    pthread_once(&digests_once, fetch_digests);
    if (type == UPAY_SIGN_MD5) {
        const EVP_MD *md5 = md5_fetched ? md5_fetched : EVP_md5();
        ok = EVP_Digest(s, len, md, &md_len, md5, NULL) == 1;
    } else {
        const EVP_MD *sha256 = sha256_fetched ? sha256_fetched : EVP_sha256();
        size_t kl = strlen(key);
        ok = kl <= (size_t)0x7FFFFFFF
             && HMAC(sha256, key, (int)kl, (const unsigned char *)s, len, md, &md_len) != NULL;
    }
    if (s != buf)
        free(s);
    if (!ok || md_len * 2 >= UPAY_SIGN_BUF_SIZE)
        return UPAY_E_NOMEM; /* OpenSSL fails only when its allocations do */

    static const char hex[] = "0123456789ABCDEF";
    for (unsigned int i = 0; i < md_len; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0x0F];
    }
    out[2 * md_len] = '\0';
    return UPAY_OK;
}

UPAY_API upay_code upay_sign_compute(const upay_params *p, const char *key,
                                     upay_sign_type type, char out[UPAY_SIGN_BUF_SIZE])
{
    return upay_sign_compute_sorted(p, key, type, UPAY_SIGN_SORT_BYTES, out);
}

UPAY_API upay_code upay_sign_params(upay_params *p, const char *key, upay_sign_type type)
{
    char sig[UPAY_SIGN_BUF_SIZE];
    upay_code rc = upay_sign_compute(p, key, type, sig);
    if (rc != UPAY_OK)
        return rc;
    return upay_params_set(p, "sign", sig);
}

UPAY_API upay_code upay_sign_verify_sorted(const upay_params *p, const char *key,
                                           upay_sign_type type, upay_sign_sort sort)
{
    if (p == NULL || key == NULL || key[0] == '\0')
        return UPAY_E_INVALID_ARG;
    const char *given = upay_params_get(p, "sign");
    if (given == NULL || given[0] == '\0')
        return UPAY_E_SIGN_MISSING;
    char want[UPAY_SIGN_BUF_SIZE];
    upay_code rc = upay_sign_compute_sorted(p, key, type, sort, want);
    if (rc != UPAY_OK)
        return rc;

    /* The expected length is public (it depends on the type only); the
     * content is compared without an early exit, after upper-casing
     * without branches. */
    size_t n = strlen(want);
    if (strnlen(given, n + 1) != n)
        return UPAY_E_SIGN_MISMATCH;
    unsigned char up[UPAY_SIGN_BUF_SIZE];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)given[i];
        unsigned char lower = (unsigned char)((unsigned)(c - 'a') <= (unsigned)('z' - 'a'));
        up[i] = (unsigned char)(c - (lower << 5));
    }
    return CRYPTO_memcmp(up, want, n) == 0 ? UPAY_OK : UPAY_E_SIGN_MISMATCH;
}

UPAY_API upay_code upay_sign_verify(const upay_params *p, const char *key, upay_sign_type type)
{
    return upay_sign_verify_sorted(p, key, type, UPAY_SIGN_SORT_BYTES);
}
