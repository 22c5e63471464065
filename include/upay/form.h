/*
 * upay/form.h - application/x-www-form-urlencoded codec (request bodies).
 */
#ifndef UPAY_FORM_H
#define UPAY_FORM_H

#include "params.h"

UPAY_BEGIN_DECLS

/* Default limit on a request body, in bytes. */
#define UPAY_FORM_DEFAULT_MAX_BYTES 65536u

/*
 * Parse `len` bytes of `body` into a new parameter set stored in `*out`
 * (free it with upay_params_free()). '+' decodes to a space and %XX to its
 * byte. Pairs are split on '&'; empty pairs ("a=1&&b=2", a trailing '&')
 * are skipped; a pair without '=' is a name with an empty value.
 *
 * `max_bytes` limits `len`; 0 means UPAY_FORM_DEFAULT_MAX_BYTES.
 *
 * Errors (nothing is stored in `*out`, which is set to NULL):
 *   UPAY_E_FORM_TOO_LARGE, UPAY_E_FORM_BAD_ESCAPE, UPAY_E_FORM_BAD_UTF8,
 *   UPAY_E_FORM_NUL, UPAY_E_FORM_DUPLICATE, UPAY_E_FORM_EMPTY_NAME,
 *   UPAY_E_NOMEM, UPAY_E_INVALID_ARG.
 * `err` (may be NULL) gets the byte offset and a sentence naming the
 * parameter at fault.
 */
UPAY_API upay_code upay_form_parse(const char *body, size_t len, size_t max_bytes,
                                   upay_params **out, upay_error *err);

/*
 * Encode `p` in insertion order as name=value pairs joined by '&'. Bytes
 * other than ALPHA / DIGIT / "-._~" are percent-encoded (upper-case hex);
 * a space becomes '+'. `*out` receives a NUL-terminated string owned by the
 * caller (free with upay_free()).
 * Returns UPAY_OK, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_form_encode(const upay_params *p, char **out);

UPAY_END_DECLS

#endif /* UPAY_FORM_H */
