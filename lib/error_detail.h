/*
 * error_detail.h - internal helpers that fill a caller's upay_error
 * (code, byte offset, English sentence) and quote untrusted names safely
 * inside those sentences. Not part of the public API.
 */
#ifndef UPAY_ERROR_DETAIL_H
#define UPAY_ERROR_DETAIL_H

#include <stddef.h>
#include "upay/error.h"

/*
 * Fill `err` (may be NULL) with `code`, `offset` and a printf-style message,
 * then return `code`, so callers can write `return upay__error_set(...)`.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
upay_code upay__error_set(upay_error *err, upay_code code, size_t offset,
                          const char *fmt, ...);

/* Room for a quoted name: upay__error_quote() never writes more. */
#define UPAY__QUOTE_SIZE 72

/*
 * Copy `len` bytes of `s` into `dst` (UPAY__QUOTE_SIZE bytes) for use in an
 * error message: bytes below 0x20, 0x7F and bytes of invalid UTF-8 become
 * '?', long names are cut at a character boundary and end in "...".
 * Returns `dst`.
 */
char *upay__error_quote(char dst[UPAY__QUOTE_SIZE], const char *s, size_t len);

#endif /* UPAY_ERROR_DETAIL_H */
