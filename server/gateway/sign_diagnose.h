/*
 * server/gateway/sign_diagnose.h - when a request's signature does not
 * verify, say why: which of the usual mistakes the given `sign` matches (a
 * parameter left out, an empty value signed, the other name order, values
 * signed URL-encoded, the key appended another way, the other digest, another
 * agent's key), and the string the mock signed, key masked. The answer stays
 * the protocol's 20002; this text goes to X-Upay-Detail, the journal and the
 * dashboard (docs/mock.md "Why a signature failed").
 *
 * Only called on a failed signature: it recomputes a few dozen digests, which
 * the gateway's hot path never pays.
 */
#ifndef UPAY_MOCK_SIGN_DIAGNOSE_H
#define UPAY_MOCK_SIGN_DIAGNOSE_H

#include <stddef.h>
#include <upay/params.h>
#include <upay/sign.h>

/* Another key the client may have used by mistake, with a name for it. */
typedef struct mock_sign_alt_key {
    const char *label;   /* e.g. "agent 13000000000000002's key" */
    const char *key;
} mock_sign_alt_key;

/*
 * Write into `out` (always NUL-terminated, cut to `outlen`) why `req`'s
 * `sign` is not the signature of `req` under `key`, `type` and the name
 * order `sort`: "signature error: <the first mistake it matches>; the mock
 * signed: <string>&key=***". `alts` (may be NULL when `n_alts` is 0) are
 * other keys to try. A request without `sign` gets "signature error:
 * missing sign" and the string. Never fails; without memory it writes the
 * bare "signature error".
 */
void mock_sign_diagnose(const upay_params *req, const char *key, upay_sign_type type,
                        upay_sign_sort sort, const mock_sign_alt_key *alts, size_t n_alts,
                        char *out, size_t outlen);

#endif /* UPAY_MOCK_SIGN_DIAGNOSE_H */
