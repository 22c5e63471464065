/*
 * upay/sign.h - the protocol's signature: canonical string, MD5 and
 * HMAC-SHA256, and constant-time verification.
 *
 * Canonical string: every parameter except `sign` whose value is non-empty,
 * sorted by name in byte order (or ignoring case: upay_sign_sort), joined as name=value with '&', then
 * "&key=" KEY appended. The digest is upper-case hex. Requests and responses
 * are signed by the same rule.
 */
#ifndef UPAY_SIGN_H
#define UPAY_SIGN_H

#include "params.h"

UPAY_BEGIN_DECLS

typedef enum upay_sign_type {
    UPAY_SIGN_MD5 = 0,          /* default; 32 hex digits */
    UPAY_SIGN_HMAC_SHA256 = 1   /* opt-in with sign_type=HMAC-SHA256; 64 hex digits */
} upay_sign_type;

/* Room for the longest signature (64 hex digits) and its NUL. */
#define UPAY_SIGN_BUF_SIZE 65

/*
 * The wire name of `type`: "MD5" or "HMAC-SHA256". Static string.
 */
UPAY_API const char *upay_sign_type_name(upay_sign_type type);

/*
 * Parse a `sign_type` value. NULL or "" means the default (MD5); "MD5" and
 * "HMAC-SHA256" are accepted (exactly, upper case). Anything else returns
 * UPAY_E_SIGN_TYPE and leaves `*out` alone.
 */
UPAY_API upay_code upay_sign_type_parse(const char *value, upay_sign_type *out);

/*
 * The canonical string to sign for `p` with `key`, NUL-terminated, owned by
 * the caller (free with upay_free()). Integrators compare it with the
 * gateway's to debug a signature error.
 * Returns UPAY_OK, UPAY_E_NOMEM or UPAY_E_INVALID_ARG (NULL `p` or `key`).
 */
UPAY_API upay_code upay_sign_string(const upay_params *p, const char *key, char **out);

/*
 * Compute the signature of `p` with `key` into `out` (upper-case hex,
 * NUL-terminated; UPAY_SIGN_BUF_SIZE bytes are enough for any type).
 * Returns UPAY_OK, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_sign_compute(const upay_params *p, const char *key,
                                     upay_sign_type type, char out[UPAY_SIGN_BUF_SIZE]);

/*
 * Compute the signature and store it in `p` as `sign` (replacing any).
 * Returns as upay_sign_compute().
 */
UPAY_API upay_code upay_sign_params(upay_params *p, const char *key, upay_sign_type type);

/*
 * Check the `sign` parameter of `p` against `key`. The comparison ignores
 * hex case and takes the same time wherever the first difference is.
 * Returns UPAY_OK, UPAY_E_SIGN_MISSING (absent or empty `sign`),
 * UPAY_E_SIGN_MISMATCH, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_sign_verify(const upay_params *p, const char *key, upay_sign_type type);

/*
 * The order of names in the canonical string. The seed (2018) rules sort
 * in byte (ASCII) order; the live rules sort "ASCII, case-insensitive, A
 * counts as a" since 2022-03-24 (v3.2.1 rules.md). The two orders differ
 * only when a name has an upper-case letter; every documented name is lower
 * case. Names equal but for case keep byte order between them (Decision).
 */
typedef enum upay_sign_sort {
    UPAY_SIGN_SORT_BYTES = 0,   /* byte order: what the functions above use */
    UPAY_SIGN_SORT_NOCASE = 1   /* ASCII order ignoring case (live rules) */
} upay_sign_sort;

/*
 * upay_sign_string(), upay_sign_compute() and upay_sign_verify() with the
 * name order `sort`; same ownership and results, plus UPAY_E_INVALID_ARG
 * for an unknown `sort` (verify: returned as is).
 */
UPAY_API upay_code upay_sign_string_sorted(const upay_params *p, const char *key,
                                          upay_sign_sort sort, char **out);
UPAY_API upay_code upay_sign_compute_sorted(const upay_params *p, const char *key,
                                            upay_sign_type type, upay_sign_sort sort,
                                            char out[UPAY_SIGN_BUF_SIZE]);
UPAY_API upay_code upay_sign_verify_sorted(const upay_params *p, const char *key,
                                           upay_sign_type type, upay_sign_sort sort);

UPAY_END_DECLS

#endif /* UPAY_SIGN_H */
