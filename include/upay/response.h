/*
 * upay/response.h - the JSON response codec: a JSON object whose values are
 * all strings, to a parameter set and back, plus signed responses.
 */
#ifndef UPAY_RESPONSE_H
#define UPAY_RESPONSE_H

#include "sign.h"

UPAY_BEGIN_DECLS

/* Default limit on a response document, in bytes. */
#define UPAY_RESPONSE_DEFAULT_MAX_BYTES 1048576u

/*
 * Parse `len` bytes of JSON into a new parameter set in `*out` (free with
 * upay_params_free()), keeping member order. Every member value must be a
 * string; member names must be unique. `max_bytes` 0 means
 * UPAY_RESPONSE_DEFAULT_MAX_BYTES.
 * Errors (`*out` set to NULL): UPAY_E_JSON_TOO_LARGE, UPAY_E_JSON_SYNTAX,
 * UPAY_E_JSON_NOT_OBJECT, UPAY_E_JSON_NOT_STRING, UPAY_E_JSON_DUPLICATE,
 * UPAY_E_NOMEM, UPAY_E_INVALID_ARG; `err` (may be NULL) names the member.
 */
UPAY_API upay_code upay_response_parse(const char *json, size_t len, size_t max_bytes,
                                       upay_params **out, upay_error *err);

/*
 * Encode `p` as a compact JSON object of strings, in insertion order.
 * `*out` is owned by the caller (free with upay_free()).
 * Returns UPAY_OK, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_response_encode(const upay_params *p, char **out);

/*
 * Write `p` as upay_response_encode() does, into the caller's `buf` of
 * `cap` bytes, NUL-terminated. Returns the JSON's length without the NUL;
 * when that is >= `cap` the JSON did not fit and `buf` holds no usable
 * text: call again with a buffer of at least the length plus one. `buf`
 * may be NULL with `cap` 0 to measure. A NULL `p` writes "" and returns 0.
 */
UPAY_API size_t upay_response_write(const upay_params *p, char *buf, size_t cap);

/*
 * Sign `p` (sets `sign`, see upay_sign_params()) and encode it as JSON into
 * `*out` (free with upay_free()). This is what a gateway answers.
 * Returns UPAY_OK, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_response_build(upay_params *p, const char *key,
                                       upay_sign_type type, char **out);

/*
 * Verify a parsed response's `sign` with `key`; same results as
 * upay_sign_verify(). Unknown fields are signed like the rest.
 */
UPAY_API upay_code upay_response_verify(const upay_params *p, const char *key,
                                        upay_sign_type type);

UPAY_END_DECLS

#endif /* UPAY_RESPONSE_H */
