/*
 * error.c - upay_strerror() and upay_free().
 *
 * The switch has no default on purpose: -Wswitch (in -Wall) then flags an
 * enum value added to upay/error.h without a string here.
 */
#include <stdlib.h>

#include "upay/error.h"

UPAY_API void upay_free(void *ptr)
{
    free(ptr);
}

UPAY_API const char *upay_strerror(upay_code code)
{
    switch (code) {
    case UPAY_OK: return "success";
    case UPAY_E_NOMEM: return "out of memory";
    case UPAY_E_INVALID_ARG: return "invalid argument";
    case UPAY_E_FORM_TOO_LARGE: return "form body is larger than the limit";
    case UPAY_E_FORM_BAD_ESCAPE: return "malformed percent escape in form body";
    case UPAY_E_FORM_BAD_UTF8: return "form parameter is not valid UTF-8";
    case UPAY_E_FORM_NUL: return "form parameter contains a NUL byte";
    case UPAY_E_FORM_DUPLICATE: return "duplicated parameter name";
    case UPAY_E_FORM_EMPTY_NAME: return "form parameter with an empty name";
    case UPAY_E_JSON_SYNTAX: return "invalid JSON";
    case UPAY_E_JSON_NOT_OBJECT: return "JSON document is not an object";
    case UPAY_E_JSON_NOT_STRING: return "JSON member value is not a string";
    case UPAY_E_JSON_DUPLICATE: return "duplicated JSON member name";
    case UPAY_E_JSON_TOO_LARGE: return "JSON document is larger than the limit";
    case UPAY_E_SIGN_MISSING: return "signature is missing";
    case UPAY_E_SIGN_MISMATCH: return "signature does not match";
    case UPAY_E_SIGN_TYPE: return "unknown sign_type";
    case UPAY_E_REFUND_LIST_SYNTAX: return "refund_list is not valid JSON";
    case UPAY_E_REFUND_LIST_NOT_ARRAY: return "refund_list is not a JSON array";
    case UPAY_E_REFUND_LIST_ITEM: return "refund_list item is not an object of strings";
    case UPAY_E_REFUND_LIST_FIELD: return "refund_list item field is missing or malformed";
    case UPAY_E_BAD_AMOUNT: return "malformed or out-of-range amount";
    case UPAY_E_TRANSPORT: return "request could not be sent";
    case UPAY_E_NO_ANSWER: return "no complete answer from the gateway: outcome unknown";
    case UPAY_E_HTTP_STATUS: return "gateway answered with a non-2xx HTTP status";
    case UPAY_E_BAD_RESPONSE: return "gateway answer is not a JSON object of strings";
    case UPAY_E_RESPONSE_SIGN: return "gateway answer signature is missing or wrong";
    case UPAY_E_GATEWAY_REFUSED: return "gateway refused the request";
    case UPAY_E_TLS: return "TLS setup or certificate verification failed";
    case UPAY_E_FLOW_DEADLINE: return "flow deadline reached with the outcome unknown";
    case UPAY_E_VERSION: return "client version too low for the gateway";
    case UPAY_E_UNVERIFIED_FAIL: return "unsigned gateway answer says the business failed";
    }
    return "unknown error code";
}
