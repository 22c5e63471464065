/*
 * check_sign.c - the signature against the independent vectors of
 * tests/data/sign-vectors.json (read at run time), plus verification
 * (case, one-character change, length, missing) and sign_type parsing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "upay/sign.h"

#define VECTORS_FILE UPAY_TEST_DATA_DIR "/sign-vectors.json"

static cJSON *load_vectors(void)
{
    FILE *f = fopen(VECTORS_FILE, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *nb = realloc(buf, cap);
            if (nb == NULL)
                break;
            buf = nb;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    cJSON *root = buf != NULL ? cJSON_ParseWithLength(buf, len) : NULL;
    free(buf);
    return root;
}

static int vector_count(void)
{
    cJSON *root = load_vectors();
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "vectors"));
    cJSON_Delete(root);
    return n;
}

static const char *str_member(const cJSON *obj, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    ck_assert_msg(cJSON_IsString(m), "vector member %s missing", name);
    return m->valuestring;
}

START_TEST(test_vector_count)
{
    ck_assert_msg(vector_count() >= 7, "expected at least 7 vectors in %s", VECTORS_FILE);
}
END_TEST

START_TEST(test_vector)
{
    cJSON *root = load_vectors();
    ck_assert_ptr_nonnull(root);
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "vectors"), _i);
    ck_assert_ptr_nonnull(v);
    const char *key = str_member(v, "key");

    upay_params *p = upay_params_new();
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(v, "params"))
    {
        ck_assert(cJSON_IsString(m));
        ck_assert_int_eq(upay_params_add(p, m->string, m->valuestring), UPAY_OK);
    }

    char *s = NULL;
    ck_assert_int_eq(upay_sign_string(p, key, &s), UPAY_OK);
    ck_assert_str_eq(s, str_member(v, "string_to_sign"));
    upay_free(s);
    /* With lower-case names (all documented ones) the live rules' order is the same. */
    int upper = 0;
    for (size_t i = 0; i < upay_params_count(p); i++)
        for (const char *c = upay_params_name_at(p, i); *c; c++)
            upper |= *c >= 'A' && *c <= 'Z';
    if (!upper) {
        ck_assert_int_eq(upay_sign_string_sorted(p, key, UPAY_SIGN_SORT_NOCASE, &s), UPAY_OK);
        ck_assert_str_eq(s, str_member(v, "string_to_sign"));
        upay_free(s);
    }

    static const struct {
        upay_sign_type type;
        const char *member;
    } types[] = {{UPAY_SIGN_MD5, "md5"}, {UPAY_SIGN_HMAC_SHA256, "hmac_sha256"}};
    for (size_t t = 0; t < 2; t++) {
        const char *want = str_member(v, types[t].member);
        char sig[UPAY_SIGN_BUF_SIZE];
        ck_assert_int_eq(upay_sign_compute(p, key, types[t].type, sig), UPAY_OK);
        ck_assert_str_eq(sig, want);

        /* verify: exact, lower case, one character changed, missing */
        upay_params *q = upay_params_dup(p);
        ck_assert_int_eq(upay_params_set(q, "sign", want), UPAY_OK);
        ck_assert_int_eq(upay_sign_verify(q, key, types[t].type), UPAY_OK);

        char lower[UPAY_SIGN_BUF_SIZE];
        strcpy(lower, want);
        for (char *c = lower; *c != '\0'; c++)
            if (*c >= 'A' && *c <= 'F')
                *c = (char)(*c - 'A' + 'a');
        upay_params_set(q, "sign", lower);
        ck_assert_int_eq(upay_sign_verify(q, key, types[t].type), UPAY_OK);

        for (size_t pos = 0; pos < strlen(want); pos += strlen(want) - 1) {
            char changed[UPAY_SIGN_BUF_SIZE];
            strcpy(changed, want);
            changed[pos] = changed[pos] == '0' ? '1' : '0';
            upay_params_set(q, "sign", changed);
            ck_assert_int_eq(upay_sign_verify(q, key, types[t].type), UPAY_E_SIGN_MISMATCH);
        }

        /* The other type's signature does not pass. */
        upay_params_set(q, "sign", want);
        ck_assert_int_eq(upay_sign_verify(q, key, (upay_sign_type)(1 - types[t].type)),
                         UPAY_E_SIGN_MISMATCH);
        /* Nor does the right one with another key. */
        ck_assert_int_eq(upay_sign_verify(q, "another-key", types[t].type),
                         UPAY_E_SIGN_MISMATCH);

        upay_params_remove(q, "sign");
        ck_assert_int_eq(upay_sign_verify(q, key, types[t].type), UPAY_E_SIGN_MISSING);

        /* sign_params stores the same value, replacing the old one */
        ck_assert_int_eq(upay_sign_params(q, key, types[t].type), UPAY_OK);
        ck_assert_str_eq(upay_params_get(q, "sign"), want);
        ck_assert_int_eq(upay_sign_params(q, key, types[t].type), UPAY_OK);
        ck_assert_str_eq(upay_params_get(q, "sign"), want);
        upay_params_free(q);
    }
    upay_params_free(p);
    cJSON_Delete(root);
}
END_TEST

/* The live rules (2022-03-24): ASCII order ignoring case, "A counts as a". */
START_TEST(test_sort_nocase)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "mch_id", "1");
    upay_params_set(p, "Zeta", "z");
    upay_params_set(p, "alpha", "a");
    upay_params_set(p, "a_b", "u");
    upay_params_set(p, "aB", "B");
    upay_params_set(p, "ab", "b");
    char *s = NULL;
    ck_assert_int_eq(upay_sign_string_sorted(p, "K", UPAY_SIGN_SORT_BYTES, &s), UPAY_OK);
    ck_assert_str_eq(s, "Zeta=z&aB=B&a_b=u&ab=b&alpha=a&mch_id=1&key=K");
    upay_free(s);
    /* '_' (0x5F) sorts before 'b' once 'B' counts as 'b'; aB and ab tie: byte order. */
    ck_assert_int_eq(upay_sign_string_sorted(p, "K", UPAY_SIGN_SORT_NOCASE, &s), UPAY_OK);
    ck_assert_str_eq(s, "a_b=u&aB=B&ab=b&alpha=a&mch_id=1&Zeta=z&key=K");
    upay_free(s);

    for (int t = UPAY_SIGN_MD5; t <= UPAY_SIGN_HMAC_SHA256; t++) {
        char bytes[UPAY_SIGN_BUF_SIZE], nocase[UPAY_SIGN_BUF_SIZE];
        ck_assert_int_eq(upay_sign_compute_sorted(p, "K", (upay_sign_type)t,
                                                  UPAY_SIGN_SORT_BYTES, bytes), UPAY_OK);
        char plain[UPAY_SIGN_BUF_SIZE];
        ck_assert_int_eq(upay_sign_compute(p, "K", (upay_sign_type)t, plain), UPAY_OK);
        ck_assert_str_eq(bytes, plain);
        ck_assert_int_eq(upay_sign_compute_sorted(p, "K", (upay_sign_type)t,
                                                  UPAY_SIGN_SORT_NOCASE, nocase), UPAY_OK);
        ck_assert_str_ne(bytes, nocase);
        upay_params *q = upay_params_dup(p);
        upay_params_set(q, "sign", nocase);
        ck_assert_int_eq(upay_sign_verify_sorted(q, "K", (upay_sign_type)t,
                                                 UPAY_SIGN_SORT_NOCASE), UPAY_OK);
        ck_assert_int_eq(upay_sign_verify(q, "K", (upay_sign_type)t), UPAY_E_SIGN_MISMATCH);
        upay_params_set(q, "sign", bytes);
        ck_assert_int_eq(upay_sign_verify_sorted(q, "K", (upay_sign_type)t,
                                                 UPAY_SIGN_SORT_NOCASE), UPAY_E_SIGN_MISMATCH);
        ck_assert_int_eq(upay_sign_verify_sorted(q, "K", (upay_sign_type)t,
                                                 UPAY_SIGN_SORT_BYTES), UPAY_OK);
        upay_params_free(q);
    }
    ck_assert_int_eq(upay_sign_string_sorted(p, "K", (upay_sign_sort)2, &s), UPAY_E_INVALID_ARG);
    char sig[UPAY_SIGN_BUF_SIZE];
    ck_assert_int_eq(upay_sign_compute_sorted(p, "K", UPAY_SIGN_MD5, (upay_sign_sort)-1, sig),
                     UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_verify_sorted(NULL, "K", UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE),
                     UPAY_E_INVALID_ARG);
    upay_params_free(p);
}
END_TEST

/* Names that share their first 8 bytes or more, are prefixes of one
 * another, differ in case past byte 8 or carry bytes over 0x7F. */
START_TEST(test_sort_long_prefixes)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "out_refund_no", "1");
    upay_params_set(p, "out_refund", "2");
    upay_params_set(p, "out_refund_No", "3");
    upay_params_set(p, "out_refunD_id", "4");
    upay_params_set(p, "out_refund_id", "5");
    upay_params_set(p, "out_ref", "6");
    upay_params_set(p, "out_ref\xc3\xa9", "7");
    upay_params_set(p, "OUT_REFUND", "8");
    char *s = NULL;
    ck_assert_int_eq(upay_sign_string_sorted(p, "K", UPAY_SIGN_SORT_BYTES, &s), UPAY_OK);
    ck_assert_str_eq(s, "OUT_REFUND=8&out_ref=6&out_refunD_id=4&out_refund=2&out_refund_No=3&"
                        "out_refund_id=5&out_refund_no=1&out_ref\xc3\xa9=7&key=K");
    upay_free(s);
    ck_assert_int_eq(upay_sign_string_sorted(p, "K", UPAY_SIGN_SORT_NOCASE, &s), UPAY_OK);
    ck_assert_str_eq(s, "out_ref=6&OUT_REFUND=8&out_refund=2&out_refunD_id=4&out_refund_id=5&"
                        "out_refund_No=3&out_refund_no=1&out_ref\xc3\xa9=7&key=K");
    upay_free(s);
    upay_params_free(p);
}
END_TEST

/* Byte order, for qsort over string pointers. */
static int reference_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The live rules' order: bytes compared with 'A'-'Z' as 'a'-'z', ties in byte order. */
static int reference_nocase(const void *a, const void *b)
{
    const unsigned char *x = *(const unsigned char *const *)a, *y = *(const unsigned char *const *)b;
    for (size_t i = 0;; i++) {
        int cx = x[i] >= 'A' && x[i] <= 'Z' ? x[i] + 32 : x[i];
        int cy = y[i] >= 'A' && y[i] <= 'Z' ? y[i] + 32 : y[i];
        if (cx != cy)
            return cx - cy;
        if (x[i] == 0)
            return strcmp((const char *)x, (const char *)y);
    }
}

/*
 * Every byte value (1-255) at byte _i of a name, in both sorts: the sort's
 * fast path compares the first 8 bytes as one integer (lower-cased 8 at a
 * time for NOCASE), which must order them as byte by byte would.
 */
START_TEST(test_sort_every_byte)
{
    char names[255][12];
    const char *order[255];
    upay_params *p = upay_params_new();
    for (int c = 1; c < 256; c++) {
        memcpy(names[c - 1], "abcdefghij", 11);
        names[c - 1][_i] = (char)c;
        order[c - 1] = names[c - 1];
        ck_assert_int_eq(upay_params_set(p, names[c - 1], "v"), UPAY_OK);
    }
    for (int sort = UPAY_SIGN_SORT_BYTES; sort <= UPAY_SIGN_SORT_NOCASE; sort++) {
        qsort(order, 255, sizeof order[0],
              sort == UPAY_SIGN_SORT_NOCASE ? reference_nocase : reference_bytes);
        char want[255 * 16] = "", *w = want;
        for (int i = 0; i < 255; i++)
            w += sprintf(w, "%s=v&", order[i]);
        strcpy(w, "key=K");
        char *got = NULL;
        ck_assert_int_eq(upay_sign_string_sorted(p, "K", (upay_sign_sort)sort, &got), UPAY_OK);
        ck_assert_msg(strcmp(got, want) == 0, "sort %d, byte %d: order differs", sort, _i);
        upay_free(got);
    }
    upay_params_free(p);
}
END_TEST

static upay_params *sample(void)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "method", "orderquery");
    upay_params_set(p, "mch_id", "00000001");
    return p;
}

START_TEST(test_verify_shapes)
{
    const char *key = "K";
    upay_params *p = sample();
    char sig[UPAY_SIGN_BUF_SIZE];
    ck_assert_int_eq(upay_sign_compute(p, key, UPAY_SIGN_MD5, sig), UPAY_OK);
    ck_assert_uint_eq(strlen(sig), 32);

    char buf[128];
    upay_params_set(p, "sign", "");
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISSING);
    snprintf(buf, sizeof buf, "%.31s", sig); /* one short */
    upay_params_set(p, "sign", buf);
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISMATCH);
    snprintf(buf, sizeof buf, "%s0", sig); /* one long */
    upay_params_set(p, "sign", buf);
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISMATCH);
    snprintf(buf, sizeof buf, " %.31s", sig);
    upay_params_set(p, "sign", buf);
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISMATCH);
    upay_params_set(p, "sign", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISMATCH);
    upay_params_set(p, "sign", sig);
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_OK);

    /* An empty value is not signed, a non-empty one is. */
    upay_params_set(p, "attach", "");
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_OK);
    upay_params_set(p, "attach", "x");
    ck_assert_int_eq(upay_sign_verify(p, key, UPAY_SIGN_MD5), UPAY_E_SIGN_MISMATCH);
    upay_params_free(p);
}
END_TEST

START_TEST(test_bad_arguments)
{
    upay_params *p = sample();
    char sig[UPAY_SIGN_BUF_SIZE];
    char *s;
    ck_assert_int_eq(upay_sign_compute(NULL, "k", UPAY_SIGN_MD5, sig), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_compute(p, NULL, UPAY_SIGN_MD5, sig), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_compute(p, "", UPAY_SIGN_MD5, sig), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_compute(p, "k", (upay_sign_type)7, sig), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_string(p, NULL, &s), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_string(NULL, "k", &s), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_verify(NULL, "k", UPAY_SIGN_MD5), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_verify(p, "", UPAY_SIGN_MD5), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_sign_params(NULL, "k", UPAY_SIGN_MD5), UPAY_E_INVALID_ARG);
    upay_params_free(p);
}
END_TEST

START_TEST(test_empty_set)
{
    upay_params *p = upay_params_new();
    char *s;
    ck_assert_int_eq(upay_sign_string(p, "KEY", &s), UPAY_OK);
    ck_assert_str_eq(s, "key=KEY");
    upay_free(s);
    upay_params_free(p);
}
END_TEST

static const struct {
    const char *text;
    upay_code code;
    upay_sign_type type;
} type_cases[] = {
    {NULL, UPAY_OK, UPAY_SIGN_MD5},
    {"", UPAY_OK, UPAY_SIGN_MD5},
    {"MD5", UPAY_OK, UPAY_SIGN_MD5},
    {"HMAC-SHA256", UPAY_OK, UPAY_SIGN_HMAC_SHA256},
    {"md5", UPAY_E_SIGN_TYPE, 0},
    {"hmac-sha256", UPAY_E_SIGN_TYPE, 0},
    {"SHA256", UPAY_E_SIGN_TYPE, 0},
    {"HMAC-SHA256 ", UPAY_E_SIGN_TYPE, 0},
};

START_TEST(test_type_parse)
{
    upay_sign_type t = (upay_sign_type)42;
    ck_assert_int_eq(upay_sign_type_parse(type_cases[_i].text, &t), type_cases[_i].code);
    if (type_cases[_i].code == UPAY_OK)
        ck_assert_int_eq(t, type_cases[_i].type);
    else
        ck_assert_int_eq(t, 42); /* left alone */
}
END_TEST

START_TEST(test_type_name)
{
    ck_assert_str_eq(upay_sign_type_name(UPAY_SIGN_MD5), "MD5");
    ck_assert_str_eq(upay_sign_type_name(UPAY_SIGN_HMAC_SHA256), "HMAC-SHA256");
    ck_assert_str_eq(upay_sign_type_name((upay_sign_type)9), "");
    ck_assert_int_eq(upay_sign_type_parse("MD5", NULL), UPAY_E_INVALID_ARG);
}
END_TEST

Suite *make_sign_suite(void)
{
    Suite *s = suite_create("sign");
    TCase *tc = tcase_create("vectors");
    tcase_add_test(tc, test_vector_count);
    tcase_add_loop_test(tc, test_vector, 0, vector_count());
    suite_add_tcase(s, tc);
    tc = tcase_create("verify");
    tcase_add_test(tc, test_verify_shapes);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_empty_set);
    suite_add_tcase(s, tc);
    tc = tcase_create("sort");
    tcase_add_test(tc, test_sort_nocase);
    tcase_add_test(tc, test_sort_long_prefixes);
    tcase_add_loop_test(tc, test_sort_every_byte, 0, 9);
    suite_add_tcase(s, tc);

    tc = tcase_create("sign_type");
    tcase_add_loop_test(tc, test_type_parse, 0, (int)(sizeof type_cases / sizeof type_cases[0]));
    tcase_add_test(tc, test_type_name);
    suite_add_tcase(s, tc);
    return s;
}
