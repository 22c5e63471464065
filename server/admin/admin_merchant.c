/*
 * server/admin/admin_merchant.c - GET /mock/merchants/MCH (see admin_merchant.h).
 */
#include "admin/admin_merchant.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "core/merchant_key.h"

#define PREFIX "/mock/merchants/"

int mock_admin_merchant_handle(mock_ctx *ctx, const char *http_method, const char *path,
                               mock_reply *out)
{
    if (strncmp(path, PREFIX, sizeof PREFIX - 1) != 0)
        return 0;
    const char *mch_id = path + sizeof PREFIX - 1;
    if (!http_method || strcmp(http_method, "GET") != 0) {
        mock_reply_error(out, 405, "method not allowed on this admin endpoint");
        out->allow = "GET";
        return 1;
    }
    if (!mock_mch_id_valid(mch_id)) {
        mock_reply_error(out, 400, "mch_id must be 1-32 letters or digits");
        return 1;
    }
    mock_merchant m;
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mock_store_merchant_get(ctx->store, mch_id, &m);
    pthread_mutex_unlock(&ctx->lock);
    if (rc == MOCK_STORE_NOT_FOUND) {
        mock_reply_error(out, 404, "no such merchant yet: an open merchant starts with its first "
                                   "request (its key is derived: docs/mock.md)");
        return 1;
    }
    char key[MOCK_MERCHANT_KEY_SIZE];
    if (rc != MOCK_STORE_OK || mock_merchant_key(ctx->config, m.agent_id, mch_id, key) != 0) {
        mock_reply_error(out, 500, "cannot read the merchant");
        return 1;
    }
    const mock_config_merchant *cm = mock_config_find_merchant(ctx->config, mch_id);
    int configured_key = cm && cm->key[0] && strcmp(cm->agent_id, m.agent_id) == 0;
    cJSON *root = cJSON_CreateObject();
    if (root && (!cJSON_AddStringToObject(root, "mch_id", m.mch_id)
                 || !cJSON_AddStringToObject(root, "agent_id", m.agent_id)
                 || !cJSON_AddBoolToObject(root, "configured", m.configured)
                 || !cJSON_AddStringToObject(root, "key", key)
                 || !cJSON_AddStringToObject(root, "key_source",
                                             configured_key ? "config" : "derived"))) {
        cJSON_Delete(root);
        root = NULL;
    }
    mock_reply_json(out, 200, root);
    return 1;
}
