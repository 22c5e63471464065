/*
 * tests/fuzz/fuzz_refund_list.c - libFuzzer target of the refund_list codec
 * (upay_refund_list_parse / encode). Any input: no crash, no leak, no UB;
 * whatever parses must encode and parse back to the same entries.
 */
#include <string.h>
#include <upay/params.h>
#include <upay/refund_list.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int same(const upay_refund_entry *a, const upay_refund_entry *b)
{
    return a->serial_no == b->serial_no && strcmp(a->refund_id, b->refund_id) == 0
        && strcmp(a->out_refund_id, b->out_refund_id) == 0
        && strcmp(a->out_refund_no, b->out_refund_no) == 0
        && strcmp(a->refund_channel, b->refund_channel) == 0 && a->refund_fee == b->refund_fee
        && a->refund_status == b->refund_status && strcmp(a->refund_time, b->refund_time) == 0
        && a->coupon_refund_fee == b->coupon_refund_fee;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The codec takes a C string: the input up to its first NUL. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    upay_refund_entry *items = NULL;
    size_t count = 0;
    upay_error err;
    memset(&err, 0, sizeof err);
    upay_code rc = upay_refund_list_parse(text, &items, &count, &err);
    free(text);
    if (rc != UPAY_OK) {
        FUZZ_CHECK(items == NULL && count == 0, "failed parse left a result (%d)", (int)rc);
        return 0;
    }
    char *encoded = NULL;
    FUZZ_CHECK(upay_refund_list_encode(items, count, &encoded) == UPAY_OK,
               "encode of a parsed list failed");
    upay_refund_entry *again = NULL;
    size_t count2 = 0;
    rc = upay_refund_list_parse(encoded, &again, &count2, &err);
    FUZZ_CHECK(rc == UPAY_OK, "own encoding does not parse (%d): %s", (int)rc, encoded);
    FUZZ_CHECK(count == count2, "entry count changed: %s", encoded);
    for (size_t i = 0; i < count; i++)
        FUZZ_CHECK(same(&items[i], &again[i]), "entry %zu changed: %s", i, encoded);
    upay_free(encoded);
    upay_free(again);
    upay_free(items);
    return 0;
}
