/*
 * upay/error.h - the one error enum of libupay, its strings, and the
 * caller-owned detail struct that functions fill on failure.
 *
 * The enum only grows: values are never renumbered or removed.
 */
#ifndef UPAY_ERROR_H
#define UPAY_ERROR_H

#include "common.h"

UPAY_BEGIN_DECLS

typedef enum upay_code {
    UPAY_OK = 0,                  /* success */
    UPAY_E_NOMEM = 1,             /* out of memory */
    UPAY_E_INVALID_ARG = 2,       /* a function was called with a bad argument (NULL, empty key) */

    /* form codec (application/x-www-form-urlencoded) */
    UPAY_E_FORM_TOO_LARGE = 10,   /* body longer than the configured limit */
    UPAY_E_FORM_BAD_ESCAPE = 11,  /* '%' not followed by two hex digits */
    UPAY_E_FORM_BAD_UTF8 = 12,    /* a decoded name or value is not valid UTF-8 */
    UPAY_E_FORM_NUL = 13,         /* a decoded name or value contains a NUL byte */
    UPAY_E_FORM_DUPLICATE = 14,   /* a parameter name appears twice */
    UPAY_E_FORM_EMPTY_NAME = 15,  /* a pair with an empty name ("=x", "&&" is allowed) */

    /* JSON response codec */
    UPAY_E_JSON_SYNTAX = 20,      /* not valid JSON */
    UPAY_E_JSON_NOT_OBJECT = 21,  /* the top-level value is not an object */
    UPAY_E_JSON_NOT_STRING = 22,  /* a member's value is not a string */
    UPAY_E_JSON_DUPLICATE = 23,   /* a member name appears twice */
    UPAY_E_JSON_TOO_LARGE = 24,   /* document longer than the configured limit */

    /* signature */
    UPAY_E_SIGN_MISSING = 30,     /* no (or an empty) `sign` parameter */
    UPAY_E_SIGN_MISMATCH = 31,    /* `sign` does not match the parameters and key */
    UPAY_E_SIGN_TYPE = 32,        /* unknown `sign_type` value */

    /* refund_list codec */
    UPAY_E_REFUND_LIST_SYNTAX = 40,    /* refund_list is not valid JSON */
    UPAY_E_REFUND_LIST_NOT_ARRAY = 41, /* refund_list is not a JSON array */
    UPAY_E_REFUND_LIST_ITEM = 42,      /* an item is not an object of string values */
    UPAY_E_REFUND_LIST_FIELD = 43,     /* a required item field is missing or malformed */

    /* field values */
    UPAY_E_BAD_AMOUNT = 50,       /* an amount is not a non-negative integer of fen in range */

    /* client: transport and response (see upay/client.h) */
    UPAY_E_TRANSPORT = 60,        /* the request was not sent: nothing happened at the gateway */
    UPAY_E_NO_ANSWER = 61,        /* sent, but no complete answer came back: outcome unknown */
    UPAY_E_HTTP_STATUS = 62,      /* the gateway answered with a non-2xx HTTP status */
    UPAY_E_BAD_RESPONSE = 63,     /* the answer is not a JSON object of strings */
    UPAY_E_RESPONSE_SIGN = 64,    /* the answer's signature is missing or wrong (protocol 20003) */
    UPAY_E_GATEWAY_REFUSED = 65,  /* state=FAIL: the gateway refused before processing (VER: 68) */
    UPAY_E_TLS = 66,              /* TLS setup or certificate verification failed */
    UPAY_E_FLOW_DEADLINE = 67,    /* a flow gave up at its deadline with the outcome still unknown */
    UPAY_E_VERSION = 68,          /* state=VER: the gateway finds the caller's `version` too low;
                                     nothing happened */
    UPAY_E_UNVERIFIED_FAIL = 69   /* an unsigned or wrongly signed answer says the business failed
                                     (trade_state=FAIL): nothing moved if it is true; confirm it */
} upay_code;

/*
 * Human-readable detail of a failure, owned by the caller (like jansson's
 * json_error_t). Functions that take an `upay_error *` fill it on failure
 * and leave it untouched on success; passing NULL is always allowed.
 */
typedef struct upay_error {
    upay_code code;        /* same value the function returned */
    size_t offset;         /* byte offset in the input where it went wrong, or 0 */
    char message[256];     /* NUL-terminated English sentence */
} upay_error;

/*
 * A static, NUL-terminated English description of `code`. Never NULL: an
 * unknown value gives "unknown error code".
 */
UPAY_API const char *upay_strerror(upay_code code);

UPAY_END_DECLS

#endif /* UPAY_ERROR_H */
