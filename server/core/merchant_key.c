/*
 * server/core/merchant_key.c - configured or derived merchant keys (see
 * merchant_key.h).
 */
#include "core/merchant_key.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

void mock_merchant_key_derive(const char *agent_key, const char *mch_id,
                              char out[MOCK_MERCHANT_KEY_SIZE])
{
    static const char hex[] = "0123456789ABCDEF";
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int ok = md && EVP_DigestInit_ex(md, EVP_md5(), NULL) == 1
             && EVP_DigestUpdate(md, agent_key, strlen(agent_key)) == 1
             && EVP_DigestUpdate(md, "&mch_id=", 8) == 1
             && EVP_DigestUpdate(md, mch_id, strlen(mch_id)) == 1
             && EVP_DigestFinal_ex(md, digest, &len) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        len = 0;   /* no key: nothing can be signed with it, nothing verifies */
    for (unsigned i = 0; i < len; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[2 * len] = '\0';
}

int mock_merchant_key(const mock_config *config, const char *agent_id, const char *mch_id,
                      char out[MOCK_MERCHANT_KEY_SIZE])
{
    out[0] = '\0';
    const mock_agent *agent = mock_config_agent(config, agent_id);
    if (!agent)
        return -1;
    const mock_config_merchant *cm = mock_config_find_merchant(config, mch_id);
    if (cm && cm->key[0] && strcmp(cm->agent_id, agent_id) == 0)
        snprintf(out, MOCK_MERCHANT_KEY_SIZE, "%s", cm->key);
    else
        mock_merchant_key_derive(agent->key, mch_id, out);
    return out[0] ? 0 : -1;
}
