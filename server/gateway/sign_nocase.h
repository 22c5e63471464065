/*
 * server/gateway/sign_nocase.h - the live dialect's signature: the seed's
 * rule (docs/protocol.md, 2) with parameter names sorted case-insensitively
 * ("A counts as a", the vendor's rules.md since 2022-03-24). libupay signs
 * in byte order only; the seed dialect keeps using it.
 */
#ifndef UPAY_MOCK_SIGN_NOCASE_H
#define UPAY_MOCK_SIGN_NOCASE_H

#include <upay/params.h>
#include <upay/sign.h>

/*
 * Compute the signature of `p` with `key` into `out` (upper-case hex): every
 * non-empty parameter but `sign`, names sorted ignoring ASCII case (names
 * equal but for case keep byte order, so the order is total), joined as
 * name=value&..., then "&key=" KEY; MD5 or HMAC-SHA256 keyed with KEY.
 * Returns UPAY_OK, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
upay_code mock_sign_nocase_compute(const upay_params *p, const char *key, upay_sign_type type,
                                   char out[UPAY_SIGN_BUF_SIZE]);

/*
 * Check `p`'s `sign` against mock_sign_nocase_compute(), ignoring hex case,
 * in constant time. Returns UPAY_OK, UPAY_E_SIGN_MISSING, UPAY_E_SIGN_MISMATCH,
 * UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
upay_code mock_sign_nocase_verify(const upay_params *p, const char *key, upay_sign_type type);

#endif /* UPAY_MOCK_SIGN_NOCASE_H */
