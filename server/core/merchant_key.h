/*
 * server/core/merchant_key.h - the merchant's own key, which signs
 * POST /v2/UnifiedPay/Gateway (docs/mock.md "Merchant keys"): the config
 * file's merchants[].key, else one derived from the agent's key so that a
 * client of an open sandbox merchant can compute it.
 */
#ifndef UPAY_MOCK_MERCHANT_KEY_H
#define UPAY_MOCK_MERCHANT_KEY_H

#include <stddef.h>

#include "core/config.h"

/* Size of a merchant key buffer (the longest configured key and its NUL). */
#define MOCK_MERCHANT_KEY_SIZE 129

/*
 * (**Decision**) The derived key: upper-case hex MD5 of
 * agent_key "&mch_id=" mch_id (32 characters). Writes `out`; never fails.
 */
void mock_merchant_key_derive(const char *agent_key, const char *mch_id,
                              char out[MOCK_MERCHANT_KEY_SIZE]);

/*
 * The key of merchant `mch_id` of agent `agent_id` in `config`: its
 * configured key, else the derived one. Returns 0, or -1 when the agent is
 * not in `config` or no digest could be made (`out` then "").
 */
int mock_merchant_key(const mock_config *config, const char *agent_id, const char *mch_id,
                      char out[MOCK_MERCHANT_KEY_SIZE]);

#endif /* UPAY_MOCK_MERCHANT_KEY_H */
