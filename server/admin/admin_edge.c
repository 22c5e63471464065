/*
 * server/admin/admin_edge.c - rules, faults and linter endpoints (see admin_edge.h).
 */
#include "admin/admin_edge.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "steer/fault.h"
#include "observe/lint.h"
#include "steer/rules.h"


static const char *query_mch(const upay_params *q)
{
    const char *m = q ? upay_params_get(q, "mch_id") : NULL;
    return m && *m ? m : NULL;
}

static void rules_post(mock_ctx *ctx, const char *body, size_t len, mock_reply *out)
{
    cJSON *doc = cJSON_ParseWithLength(body ? body : "", len);
    mock_rule rule;
    char err[240];
    if (!doc) {
        mock_reply_error(out, 400, "the body must be a JSON rule object (docs/edge-cases.md)");
        return;
    }
    if (mock_rule_from_json(doc, &rule, err, sizeof err) != 0) {
        cJSON_Delete(doc);
        mock_reply_error(out, 400, err);
        return;
    }
    cJSON_Delete(doc);
    unsigned long long id = 0;
    if (mock_rules_add(ctx->rules, &rule, &id) != 0) {
        mock_reply_error(out, 409, "too many rules (at most 1024): delete some first");
        return;
    }
    rule.id = id;
    cJSON *root = cJSON_CreateObject();
    if (root) {
        cJSON_AddStringToObject(root, "status", "ok");
        cJSON_AddNumberToObject(root, "id", (double)id);
        cJSON *r = mock_rule_to_json(&rule);
        if (r)
            cJSON_AddItemToObject(root, "rule", r);
    }
    mock_reply_json(out, 200, root);
}

static void rules_get(mock_ctx *ctx, const upay_params *q, mock_reply *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *list = mock_rules_list(ctx->rules, query_mch(q));
    if (root && list)
        cJSON_AddItemToObject(root, "rules", list);
    else
        cJSON_Delete(list), cJSON_Delete(root), root = NULL;
    mock_reply_json(out, 200, root);
}

static void rules_delete(mock_ctx *ctx, const char *which, const upay_params *q, mock_reply *out)
{
    size_t deleted;
    if (which) {
        char *end = NULL;
        unsigned long long id = strtoull(which, &end, 10);
        if (!*which || *end || mock_rules_remove(ctx->rules, id) != 0) {
            mock_reply_error(out, 404, "no such rule");
            return;
        }
        deleted = 1;
    } else {
        deleted = mock_rules_clear(ctx->rules, query_mch(q), 0);
    }
    cJSON *root = cJSON_CreateObject();
    if (root) {
        cJSON_AddStringToObject(root, "status", "ok");
        cJSON_AddNumberToObject(root, "deleted", (double)deleted);
    }
    mock_reply_json(out, 200, root);
}

static void faults_get(mock_reply *out)
{
    static const char *const calls[] = {"pay", "orderquery", "refund", "refundquery", "cancel"};
    size_t n = 0;
    const mock_fault_info *t = mock_fault_table(&n);
    cJSON *root = cJSON_CreateObject();
    cJSON *list = root ? cJSON_AddArrayToObject(root, "faults") : NULL;
    for (size_t i = 0; list && i < n; i++) {
        cJSON *f = cJSON_CreateObject();
        if (!f)
            break;
        cJSON_AddItemToArray(list, f);
        cJSON_AddStringToObject(f, "name", t[i].name);
        if (t[i].arg_name) {
            cJSON_AddStringToObject(f, "arg", t[i].arg_name);
            cJSON_AddNumberToObject(f, "default", (double)t[i].arg_default);
            cJSON_AddNumberToObject(f, "min", (double)t[i].arg_min);
            cJSON_AddNumberToObject(f, "max", (double)t[i].arg_max);
        }
        cJSON *c = cJSON_AddArrayToObject(f, "calls");
        for (int k = 0; c && k < 5; k++)
            if (t[i].calls & (1u << k))
                cJSON_AddItemToArray(c, cJSON_CreateString(calls[k]));
        cJSON_AddBoolToObject(f, "transport", t[i].transport);
        cJSON_AddBoolToObject(f, "not_applied_allowed", t[i].may_skip);
        cJSON_AddStringToObject(f, "summary", t[i].summary);
    }
    mock_reply_json(out, 200, root);
}

static void lint_get(mock_ctx *ctx, const upay_params *q, mock_reply *out)
{
    const char *mch = query_mch(q);
    if (!mch || !mock_mch_id_valid(mch)) {
        mock_reply_error(out, 400, "GET /mock/lint needs ?mch_id= (1-32 letters or digits)");
        return;
    }
    mock_merchant m;
    long long offset = 0;
    pthread_mutex_lock(&ctx->lock);
    if (mock_store_merchant_get(ctx->store, mch, &m) == MOCK_STORE_OK)
        offset = m.clock_offset;
    long long now = mock_clock_merchant_now(ctx->clock, offset);
    pthread_mutex_unlock(&ctx->lock);
    mock_reply_json(out, 200, mock_lint_report(ctx->lint, mch, now));
}

int mock_admin_edge_handle(mock_ctx *ctx, const char *http_method, const char *path,
                           const upay_params *q, const char *body, size_t len, mock_reply *out)
{
    const char *m = http_method ? http_method : "";
    const char *p = path ? path : "";
    int get = !strcmp(m, "GET"), post = !strcmp(m, "POST"), del = !strcmp(m, "DELETE");
    if (!strcmp(p, "/mock/rules")) {
        if (post)
            rules_post(ctx, body, len, out);
        else if (get)
            rules_get(ctx, q, out);
        else if (del)
            rules_delete(ctx, NULL, q, out);
        else {
            mock_reply_error(out, 405, "method not allowed on this admin endpoint");
            out->allow = "GET, POST, DELETE";
        }
        return 1;
    }
    if (!strncmp(p, "/mock/rules/", 12)) {
        if (del) {
            rules_delete(ctx, p + 12, q, out);
        } else {
            mock_reply_error(out, 405, "method not allowed on this admin endpoint");
            out->allow = "DELETE";
        }
        return 1;
    }
    if (!strcmp(p, "/mock/faults") || !strcmp(p, "/mock/lint")) {
        if (!get) {
            mock_reply_error(out, 405, "method not allowed on this admin endpoint");
            out->allow = "GET";
        } else if (p[6] == 'f') {
            faults_get(out);
        } else {
            lint_get(ctx, q, out);
        }
        return 1;
    }
    return 0;
}
