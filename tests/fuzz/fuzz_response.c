/*
 * tests/fuzz/fuzz_response.c - libFuzzer target of the response codec
 * (upay_response_parse / encode / verify). Any input: no crash, no leak,
 * no UB; whatever parses must encode and parse back to the same members in
 * the same order, and verifying its signature must not crash.
 */
#include <string.h>
#include <upay/params.h>
#include <upay/response.h>
#include <upay/sign.h>

#include "fuzz.h"

#define KEY "UPAYMOCK000000000000000000000001"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    upay_params *p = NULL;
    upay_error err;
    memset(&err, 0, sizeof err);
    upay_code rc = upay_response_parse((const char *)data, size, 0, &p, &err);
    if (rc != UPAY_OK) {
        FUZZ_CHECK(p == NULL, "failed parse left a result (%d)", (int)rc);
        return 0;
    }
    (void)upay_response_verify(p, KEY, UPAY_SIGN_MD5);
    (void)upay_response_verify(p, KEY, UPAY_SIGN_HMAC_SHA256);
    char *text = NULL;
    FUZZ_CHECK(upay_response_encode(p, &text) == UPAY_OK, "encode of a parsed answer failed");
    upay_params *q = NULL;
    rc = upay_response_parse(text, strlen(text), 0, &q, &err);
    FUZZ_CHECK(rc == UPAY_OK, "own encoding does not parse (%d): %s", (int)rc, text);
    FUZZ_CHECK(upay_params_count(p) == upay_params_count(q), "member count changed: %s", text);
    for (size_t i = 0; i < upay_params_count(p); i++) {
        FUZZ_CHECK(strcmp(upay_params_name_at(p, i), upay_params_name_at(q, i)) == 0,
                   "name %zu changed", i);
        FUZZ_CHECK(strcmp(upay_params_value_at(p, i), upay_params_value_at(q, i)) == 0,
                   "value %zu changed", i);
    }
    /* Signing what was parsed and verifying it again must agree. */
    char *built = NULL;
    if (upay_response_build(q, KEY, UPAY_SIGN_MD5, &built) == UPAY_OK) {
        upay_params *r = NULL;
        FUZZ_CHECK(upay_response_parse(built, strlen(built), 0, &r, NULL) == UPAY_OK,
                   "built answer does not parse: %s", built);
        FUZZ_CHECK(upay_response_verify(r, KEY, UPAY_SIGN_MD5) == UPAY_OK,
                   "built answer does not verify: %s", built);
        upay_params_free(r);
        upay_free(built);
    }
    upay_free(text);
    upay_params_free(q);
    upay_params_free(p);
    return 0;
}
