/*
 * check_mock_sign_diagnose.c - when a signature fails, the mock says why
 * (server/gateway/sign_diagnose.c). Each case signs a request the way a
 * client gets it wrong, by hand (its own string, its own MD5 or HMAC through
 * OpenSSL, not the mock's code), and checks that the diagnosis names that
 * mistake and shows the string the mock signed with the key masked.
 */
#include <check.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <upay/params.h>

#include "gateway/sign_diagnose.h"

#define KEY "K3Y"
#define OTHER_KEY "ANOTHERKEY"

/* Upper-case hex MD5 (or HMAC-SHA256 keyed with `key`) of `text`. */
static void digest(const char *text, int hmac, const char *key, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (hmac)
        HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)text, strlen(text), md,
             &n);
    else
        EVP_Digest(text, strlen(text), md, &n, EVP_md5(), NULL);
    for (unsigned int i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02X", md[i]);
}

/* The request every case signs: note the empty `attach` and the space in `body`. */
static upay_params *request(void)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "method", "pay");
    upay_params_set(p, "agent_id", "13000000000000001");
    upay_params_set(p, "mch_id", "M1");
    upay_params_set(p, "body", "hot tea");
    upay_params_set(p, "attach", "");
    upay_params_set(p, "total_fee", "100");
    return p;
}

/* What the mock must show it signed (byte order, no empty value). */
#define SIGNED "agent_id=13000000000000001&body=hot tea&mch_id=M1&method=pay&total_fee=100"

static const struct {
    const char *name;
    const char *client_string;   /* what the client digested */
    int hmac;
    const char *key;
    const char *expect;          /* in the diagnosis */
} cases[] = {
    {"right", SIGNED "&key=" KEY, 0, KEY, NULL},
    {"empty_signed",
     "agent_id=13000000000000001&attach=&body=hot tea&mch_id=M1&method=pay&total_fee=100&key=" KEY,
     0, KEY, "empty parameters were signed"},
    {"left_out", "agent_id=13000000000000001&body=hot tea&method=pay&total_fee=100&key=" KEY, 0,
     KEY, "parameter mch_id was left out"},
    {"url_encoded", "agent_id=13000000000000001&body=hot%20tea&mch_id=M1&method=pay&total_fee=100&key=" KEY,
     0, KEY, "signed URL-encoded"},
    {"key_no_name", SIGNED "&" KEY, 0, KEY, "the key was appended as \"&KEY\""},
    {"no_key", SIGNED, 0, KEY, "the key was not appended"},
    {"other_digest", SIGNED "&key=" KEY, 1, KEY, "it is HMAC-SHA256 but sign_type says MD5"},
    {"other_agent", SIGNED "&key=" OTHER_KEY, 0, OTHER_KEY, "it was signed with agent 2's key"},
    {"garbage", "nothing like it", 0, KEY, "matches none of the usual mistakes"},
};

START_TEST(diagnosis)
{
    upay_params *p = request();
    char sign[2 * EVP_MAX_MD_SIZE + 1];
    digest(cases[_i].client_string, cases[_i].hmac, cases[_i].key, sign);
    upay_params_set(p, "sign", sign);
    mock_sign_alt_key alts[] = {{"agent 2's key", OTHER_KEY}};
    char out[240];
    mock_sign_diagnose(p, KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, alts, 1, out, sizeof out);
    if (cases[_i].expect)
        ck_assert_msg(strstr(out, cases[_i].expect) != NULL, "%s: %s", cases[_i].name, out);
    else   /* a right sign is no mistake of the list */
        ck_assert_msg(strstr(out, "none of the usual mistakes") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "the mock signed: " SIGNED "&key=***") != NULL, "%s", out);
    ck_assert_msg(strstr(out, KEY) == NULL, "the key leaked: %s", out);
    upay_params_free(p);
}
END_TEST

START_TEST(name_order)
{
    upay_params *p = request();
    upay_params_set(p, "Zone", "east");
    char sign[2 * EVP_MAX_MD_SIZE + 1], out[240];
    /* signed in byte order ("Zone" first) where the live rules ignore case */
    digest("Zone=east&" SIGNED "&key=" KEY, 0, KEY, sign);
    upay_params_set(p, "sign", sign);
    mock_sign_diagnose(p, KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE, NULL, 0, out, sizeof out);
    ck_assert_msg(strstr(out, "sorted by byte value; this gateway sorts them ignoring case"), "%s",
                  out);
    ck_assert_msg(strstr(out, "total_fee=100&Zone=east&key=***") != NULL, "%s", out);
    upay_params_free(p);
}
END_TEST

START_TEST(missing_and_cut)
{
    upay_params *p = request();
    char out[240], tiny[24];
    mock_sign_diagnose(p, KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, NULL, 0, out, sizeof out);
    ck_assert_msg(strncmp(out, "signature error: missing sign; the mock signed: ", 48) == 0, "%s",
                  out);
    mock_sign_diagnose(p, KEY, UPAY_SIGN_MD5, UPAY_SIGN_SORT_BYTES, NULL, 0, tiny, sizeof tiny);
    ck_assert_uint_eq(strlen(tiny), sizeof tiny - 1);   /* cut, still terminated */
    upay_params_free(p);
}
END_TEST

Suite *make_mock_sign_diagnose_suite(void)
{
    Suite *s = suite_create("mock_sign_diagnose");
    TCase *tc = tcase_create("mistakes");
    tcase_add_loop_test(tc, diagnosis, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, name_order);
    tcase_add_test(tc, missing_and_cut);
    suite_add_tcase(s, tc);
    return s;
}
