/*
 * tests/fuzz/fuzz_form.c - libFuzzer target of the form codec
 * (upay_form_parse / upay_form_encode). Any input: no crash, no leak, no
 * UB; and whatever parses must encode and parse back to the same pairs in
 * the same order.
 */
#include <string.h>
#include <upay/form.h>
#include <upay/params.h>

#include "fuzz.h"

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
    upay_code rc = upay_form_parse((const char *)data, size, 0, &p, &err);
    if (rc != UPAY_OK) {
        FUZZ_CHECK(p == NULL, "failed parse left a result (%d)", (int)rc);
        return 0;
    }
    char *text = NULL;
    FUZZ_CHECK(upay_form_encode(p, &text) == UPAY_OK, "encode of a parsed form failed");
    upay_params *q = NULL;
    rc = upay_form_parse(text, strlen(text), 0, &q, &err);
    FUZZ_CHECK(rc == UPAY_OK, "own encoding does not parse (%d): %s", (int)rc, text);
    FUZZ_CHECK(upay_params_count(p) == upay_params_count(q), "pair count changed: %s", text);
    for (size_t i = 0; i < upay_params_count(p); i++) {
        FUZZ_CHECK(strcmp(upay_params_name_at(p, i), upay_params_name_at(q, i)) == 0,
                   "name %zu changed", i);
        FUZZ_CHECK(strcmp(upay_params_value_at(p, i), upay_params_value_at(q, i)) == 0,
                   "value %zu changed", i);
    }
    upay_free(text);
    upay_params_free(q);
    upay_params_free(p);
    return 0;
}
