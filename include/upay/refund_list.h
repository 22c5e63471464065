/*
 * upay/refund_list.h - the `refund_list` field of refundquery: a JSON array
 * of refund objects, itself carried as a string inside the JSON response.
 */
#ifndef UPAY_REFUND_LIST_H
#define UPAY_REFUND_LIST_H

#include "error.h"

UPAY_BEGIN_DECLS

typedef enum upay_refund_status {
    UPAY_REFUND_SUCCESS = 0,     /* refunded */
    UPAY_REFUND_FAIL = 1,        /* failed; a new out_refund_no may be used */
    UPAY_REFUND_PROCESSING = 2,  /* accepted, settling (bank card) */
    UPAY_REFUND_NOTSURE = 3,     /* unknown: retry with the same out_refund_no */
    UPAY_REFUND_CHANGE = 4       /* card frozen: money back to the merchant, handle by hand */
} upay_refund_status;

/* One refund of refund_list. Strings are NUL-terminated; absent ones are "". */
typedef struct upay_refund_entry {
    unsigned serial_no;          /* 0-based position by application time */
    char refund_id[65];          /* gateway refund id */
    char out_refund_id[65];      /* wallet's refund id */
    char out_refund_no[33];      /* merchant's refund number */
    char refund_channel[17];     /* "ORIGINAL", or "" when absent */
    long long refund_fee;        /* fen */
    upay_refund_status refund_status;
    char refund_time[15];        /* yyyyMMddHHmmss GMT+8 (either layout sent), or "" */
    long long coupon_refund_fee; /* fen; 0 when absent */
} upay_refund_entry;

/* "SUCCESS", "FAIL", "PROCESSING", "NOTSURE" or "CHANGE". Static string. */
UPAY_API const char *upay_refund_status_name(upay_refund_status status);

/*
 * Parse a refund_status value (exact, upper case). Unknown values return
 * UPAY_E_REFUND_LIST_FIELD and leave `*out` alone.
 */
UPAY_API upay_code upay_refund_status_parse(const char *value, upay_refund_status *out);

/*
 * Decode the refund_list string. On success `*items` is a caller-owned array
 * of `*count` entries (free with upay_free(); NULL when the list is empty).
 * Required per item: serial_no, refund_id, out_refund_no, refund_fee,
 * refund_status; every present value must be a JSON string of the right
 * shape and length.
 * Errors (`*items` NULL, `*count` 0): UPAY_E_REFUND_LIST_SYNTAX,
 * UPAY_E_REFUND_LIST_NOT_ARRAY, UPAY_E_REFUND_LIST_ITEM,
 * UPAY_E_REFUND_LIST_FIELD, UPAY_E_NOMEM, UPAY_E_INVALID_ARG; `err` (may be
 * NULL) names the item index and field.
 */
UPAY_API upay_code upay_refund_list_parse(const char *text, upay_refund_entry **items,
                                          size_t *count, upay_error *err);

/*
 * Encode `count` entries as the refund_list string (a compact JSON array of
 * objects whose values are all strings; empty strings are left out).
 * `*out` is owned by the caller (free with upay_free()).
 * Returns UPAY_OK, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_refund_list_encode(const upay_refund_entry *items, size_t count,
                                           char **out);

UPAY_END_DECLS

#endif /* UPAY_REFUND_LIST_H */
