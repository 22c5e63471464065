/*
 * server/admin/admin_preorder.c - the customer pays, declines or walks
 * away from a pre-order; the notifications it causes (see admin_preorder.h).
 * The change runs under ctx->lock in one store transaction, like a call.
 */
#include "admin/admin_preorder.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <upay/protocol.h>

#include "gateway/request.h"

typedef enum scan_action { SCAN_PAY, SCAN_DECLINE, SCAN_ABANDON } scan_action;

/* What the customer's scan asked for, checked before anything changes. */
typedef struct scan_request {
    char mch_id[33];
    char out_trade_no[33];
    scan_action action;
    const mock_persona *persona;
    char persona_code[8];          /* "" or the persona's suffix, kept as the order's code */
    mock_notify_fault fault;
} scan_request;

static const char *string_member(const cJSON *root, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, name);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* Fill `sr` from the body; NULL, or an English sentence naming what is wrong. */
static const char *parse_scan(const char *body, size_t len, scan_request *sr)
{
    memset(sr, 0, sizeof *sr);
    cJSON *root = cJSON_ParseWithLength(body ? body : "", len);
    const char *why = NULL;
    if (!cJSON_IsObject(root)) {
        why = "the body must be a JSON object";
        goto done;
    }
    const char *mch = string_member(root, "mch_id");
    const char *otn = string_member(root, "out_trade_no");
    const char *action = string_member(root, "action");
    const char *persona = string_member(root, "persona");
    const char *fault = string_member(root, "notify_fault");
    if (!mch || !mock_mch_id_valid(mch)) {
        why = "mch_id must be 1-32 letters or digits";
    } else if (!otn || !mock_out_trade_no_valid(otn)) {
        why = "out_trade_no must be 5-32 letters, digits or _";
    } else if (action && strcmp(action, "pay") != 0 && strcmp(action, "decline") != 0
               && strcmp(action, "abandon") != 0) {
        why = "action must be pay, decline or abandon";
    } else if (fault && mock_notify_fault_parse(fault, &sr->fault) != 0) {
        why = "notify_fault must be duplicate, bad_sign, after_refund or never";
    } else if (persona) {
        unsigned n;
        const mock_persona *table = mock_persona_table(&n);
        for (unsigned i = 0; i < n && !sr->persona; i++)
            if (strcmp(table[i].suffix, persona) == 0)
                sr->persona = &table[i];
        if (!sr->persona)
            why = "persona must be one of the personas' four digits (docs/personas.md)";
        else
            snprintf(sr->persona_code, sizeof sr->persona_code, "%s", persona);
    }
    if (!why) {
        snprintf(sr->mch_id, sizeof sr->mch_id, "%s", mch);
        snprintf(sr->out_trade_no, sizeof sr->out_trade_no, "%s", otn);
        sr->action = !action || strcmp(action, "pay") == 0 ? SCAN_PAY
                     : strcmp(action, "decline") == 0 ? SCAN_DECLINE : SCAN_ABANDON;
        if (!sr->persona)
            sr->persona = mock_persona_of(NULL);
        if (sr->fault != MOCK_NOTIFY_FAULT_NONE && sr->action != SCAN_PAY)
            why = "notify_fault needs action pay: only a payment is notified";
    }
done:
    cJSON_Delete(root);
    return why;
}

/*
 * The customer's move on the unpaid pre-order `o` at `now`. Returns 1 when
 * `o` changed; `what` says what happened, in English.
 */
static int apply_scan(const scan_request *sr, mock_order *o, long long now, char *what,
                      size_t size)
{
    const mock_persona *p = sr->persona;
    if (sr->action == SCAN_ABANDON) {
        char when[15];
        if (upay_time_format((time_t)o->expires_at, when) != UPAY_OK)
            snprintf(when, sizeof when, "?");
        snprintf(what, size, "the customer walked away: unpaid until it closes at %s", when);
        return 0;
    }
    if (sr->action == SCAN_DECLINE || p->pay == MOCK_PAY_DECLINE) {
        o->state = MOCK_TRADE_NOT_PAID;
        snprintf(what, size, "PAYING -> NOT_PAID (the customer declined)");
        return 1;
    }
    switch (p->pay) {
    case MOCK_PAY_NEVER:
        snprintf(what, size, "the customer never confirms (persona %s): still unpaid", p->suffix);
        return 0;
    case MOCK_PAY_NO_BALANCE:
    case MOCK_PAY_EXPIRED_CODE:
        snprintf(what, size, "the wallet refused the customer (persona %s): still unpaid, "
                             "they may try again", p->suffix);
        return 0;
    default:
        break;
    }
    snprintf(o->auth_code, sizeof o->auth_code, "%s", sr->persona_code);
    o->state = MOCK_TRADE_PAID;
    o->paid_at = now;
    o->due_at = 0;
    o->coupon_fee = p->coupon_fee < o->total_fee ? p->coupon_fee : o->total_fee;
    snprintf(what, size, "PAYING -> PAID (the customer paid%s%s)", p->suffix[0] ? ", persona " : "",
             p->suffix);
    return 1;
}

static void pay(mock_ctx *ctx, const char *body, size_t len, mock_reply *out)
{
    scan_request sr;
    const char *why = parse_scan(body, len, &sr);
    if (why) {
        mock_reply_error(out, 400, why);
        return;
    }
    mock_merchant m;
    mock_order o;
    char what[200] = "";
    int status = 200, changed = 0;
    long long now = 0;
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mock_store_begin(ctx->store);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_merchant_get(ctx->store, sr.mch_id, &m);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_order_by_out_trade_no(ctx->store, sr.mch_id, sr.out_trade_no, &o);
    if (rc == MOCK_STORE_NOT_FOUND) {
        status = 404;
        why = "no such pre-order";
    } else if (rc == MOCK_STORE_OK && !o.trade_type[0]) {
        status = 409;
        why = "not a pre-order: a barcode order is paid at the till (pay)";
    } else if (rc == MOCK_STORE_OK) {
        now = mock_clock_merchant_now(ctx->clock, m.clock_offset);
        if (mock_trade_settle(&o, mock_persona_of(o.auth_code), now))
            rc = mock_store_order_update(ctx->store, &o);   /* it expired meanwhile */
        if (rc == MOCK_STORE_OK && o.state != MOCK_TRADE_PAYING) {
            status = 409;
            snprintf(what, sizeof what, "the pre-order is %s: nothing to pay",
                     mock_trade_state_name(o.state));
            why = what;
        } else if (rc == MOCK_STORE_OK && !o.notify_url[0] && sr.fault != MOCK_NOTIFY_FAULT_NONE) {
            status = 400;
            why = "notify_fault: this pre-order has no notify_url";
        } else if (rc == MOCK_STORE_OK) {
            changed = apply_scan(&sr, &o, now, what, sizeof what);
            if (changed)
                rc = mock_store_order_update(ctx->store, &o);
        }
    }
    if (rc == MOCK_STORE_OK || rc == MOCK_STORE_NOT_FOUND)
        rc = mock_store_commit(ctx->store) == MOCK_STORE_OK ? rc : MOCK_STORE_ERROR;
    else
        mock_store_rollback(ctx->store);
    pthread_mutex_unlock(&ctx->lock);
    if (rc == MOCK_STORE_ERROR) {
        mock_reply_error(out, 500, "the store failed: nothing changed");
        return;
    }
    if (status != 200) {
        mock_reply_error(out, status, why);
        return;
    }
    const char *notify = "none: the pre-order has no notify_url";
    if (o.state == MOCK_TRADE_PAID && changed && o.notify_url[0]) {
        if (mock_notify_payment(ctx->notify, &o, m.agent_id, sr.fault) != 0)
            notify = "not queued: out of memory";
        else
            notify = sr.fault == MOCK_NOTIFY_FAULT_NEVER ? "withheld (fault never)" : "queued";
    } else if (o.state != MOCK_TRADE_PAID) {
        notify = "none: not paid";
    }

    mock_journal_entry info;
    memset(&info, 0, sizeof info);
    snprintf(info.call, sizeof info.call, "scan");
    info.http_status = 200;
    snprintf(info.mch_id, sizeof info.mch_id, "%s", o.mch_id);
    info.mch_time = now;
    snprintf(info.out_trade_no, sizeof info.out_trade_no, "%s", o.out_trade_no);
    snprintf(info.change, sizeof info.change, "%s", what);
    snprintf(info.detail, sizeof info.detail, "the customer's side (POST /mock/preorders/pay); "
             "notification: %s", notify);
    mock_journal_record(ctx->journal, mock_clock_real_now(ctx->clock), &info, body, len, NULL, 0);

    cJSON *root = cJSON_CreateObject();
    char t[15];
    if (root) {
        cJSON_AddStringToObject(root, "mch_id", o.mch_id);
        cJSON_AddStringToObject(root, "out_trade_no", o.out_trade_no);
        cJSON_AddStringToObject(root, "state", mock_trade_state_name(o.state));
        cJSON_AddStringToObject(root, "what", what);
        cJSON_AddStringToObject(root, "time_end", o.paid_at && upay_time_format((time_t)o.paid_at, t)
                                                      == UPAY_OK ? t : "");
        cJSON_AddStringToObject(root, "notify", notify);
    }
    mock_reply_json(out, 200, root);
}

static void notice_json(const mock_notice_view *v, void *user)
{
    cJSON *j = cJSON_CreateObject();
    char t[15] = "";
    if (!j)
        return;
    cJSON_AddNumberToObject(j, "id", (double)v->id);
    cJSON_AddStringToObject(j, "mch_id", v->mch_id);
    cJSON_AddStringToObject(j, "out_trade_no", v->out_trade_no);
    cJSON_AddStringToObject(j, "notify_url", v->notify_url);
    cJSON_AddStringToObject(j, "status", v->status);
    cJSON_AddStringToObject(j, "fault", v->fault);
    cJSON_AddNumberToObject(j, "attempts", v->attempts);
    if (v->next_due && upay_time_format((time_t)v->next_due, t) != UPAY_OK)
        t[0] = '\0';
    cJSON_AddStringToObject(j, "next_attempt", t);
    cJSON_AddBoolToObject(j, "held_until_refund", v->held);
    cJSON_AddNumberToObject(j, "last_http_status", v->last_http_status);
    cJSON_AddStringToObject(j, "last_answer", v->last_answer);
    cJSON_AddItemToArray(user, j);
}

static void notifications(mock_ctx *ctx, const upay_params *q, mock_reply *out)
{
    const char *mch = q ? upay_params_get(q, "mch_id") : NULL;
    const char *otn = q ? upay_params_get(q, "out_trade_no") : NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *list = root ? cJSON_AddArrayToObject(root, "notifications") : NULL;
    if (list)
        mock_notify_each(ctx->notify, mch && *mch ? mch : NULL, otn && *otn ? otn : NULL,
                         notice_json, list);
    mock_reply_json(out, 200, root);
}

int mock_admin_preorder_handle(mock_ctx *ctx, const char *http_method, const char *path,
                               const upay_params *query, const char *body, size_t len,
                               mock_reply *out)
{
    const char *m = http_method ? http_method : "";
    if (strcmp(path, "/mock/preorders/pay") == 0) {
        if (strcmp(m, "POST") == 0) {
            pay(ctx, body, len, out);
        } else {
            mock_reply_error(out, 405, "method not allowed on this admin endpoint");
            out->allow = "POST";
        }
        return 1;
    }
    if (strcmp(path, "/mock/notifications") == 0) {
        if (strcmp(m, "GET") == 0) {
            notifications(ctx, query, out);
        } else {
            mock_reply_error(out, 405, "method not allowed on this admin endpoint");
            out->allow = "GET";
        }
        return 1;
    }
    return 0;
}
