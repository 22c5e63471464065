/*
 * server/admin/admin_merchant.c - GET /mock/merchants and GET
 * /mock/merchants/MCH (see admin_merchant.h).
 */
#include "admin/admin_merchant.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * One page of merchants, copied under the lock and written out after it.
 * The store is asked for one merchant more than the page holds: that one
 * only tells that a next page exists.
 */
typedef struct merchant_page {
    mock_merchant *items;    /* `limit` of them */
    size_t limit, count;
    int more;                /* a merchant follows the page */
} merchant_page;

static void collect(const mock_merchant *m, void *user)
{
    merchant_page *pg = user;
    if (pg->count == pg->limit)
        pg->more = 1;
    else
        pg->items[pg->count++] = *m;
}

/* {"merchants":[...],"next":...} of the first `n` of `items`; NULL when memory runs out. */
static cJSON *page_json(const mock_merchant *items, size_t n, const char *next)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *list = root ? cJSON_AddArrayToObject(root, "merchants") : NULL;
    int ok = list != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *m = cJSON_CreateObject();
        if (!m || !cJSON_AddItemToArray(list, m)) {
            cJSON_Delete(m);
            ok = 0;
            break;
        }
        /* the merchant's key is never listed: GET /mock/merchants/MCH tells one at a time */
        ok = cJSON_AddStringToObject(m, "mch_id", items[i].mch_id)
             && cJSON_AddStringToObject(m, "agent_id", items[i].agent_id)
             && cJSON_AddBoolToObject(m, "configured", items[i].configured);
    }
    if (ok)
        ok = next ? cJSON_AddStringToObject(root, "next", next) != NULL
                  : cJSON_AddNullToObject(root, "next") != NULL;
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

void mock_admin_merchants_list(mock_ctx *ctx, const char *after, size_t limit, mock_reply *out)
{
    if (after && *after && !mock_mch_id_valid(after)) {
        mock_reply_error(out, 400, "after must be 1-32 letters or digits (a mch_id)");
        return;
    }
    char from[33] = "";
    if (after)
        snprintf(from, sizeof from, "%s", after);
    merchant_page pg = { calloc(limit, sizeof(mock_merchant)), limit, 0, 0 };
    if (!pg.items) {
        mock_reply_error(out, 500, "out of memory");
        return;
    }
    size_t seen = 0;
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mock_store_merchants_after(ctx->store, from, limit + 1, collect, &pg, &seen);
    pthread_mutex_unlock(&ctx->lock);
    if (rc != MOCK_STORE_OK) {
        free(pg.items);
        mock_reply_error(out, 500, "the store failed");
        return;
    }
    cJSON *root = page_json(pg.items, pg.count, pg.more ? pg.items[pg.count - 1].mch_id : NULL);
    free(pg.items);
    mock_reply_json(out, 200, root);
}
