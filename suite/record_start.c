/*
 * suite/record_start.c - does the journal hold the session's start? (see
 * record_start.h)
 */
#include "record_start.h"

#include <cjson/cJSON.h>
#include <string.h>
#include <upay/form.h>
#include <upay/params.h>

#define GET(obj, key) cJSON_GetObjectItemCaseSensitive((obj), (key))

/* 1 when a pay call of `mch` in `entries` named `out_trade_no`. */
static int paid_in_journal(const cJSON *entries, const char *mch, const char *out_trade_no)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, entries)
    {
        const cJSON *call = GET(e, "call"), *request = GET(e, "request"), *m = GET(e, "mch_id");
        if (!cJSON_IsString(call) || strcmp(call->valuestring, "pay") != 0
            || !cJSON_IsString(request) || (cJSON_IsString(m) && strcmp(m->valuestring, mch)))
            continue;
        upay_params *req = NULL;
        if (upay_form_parse(request->valuestring, strlen(request->valuestring), 1 << 20, &req,
                            NULL) != UPAY_OK)
            continue;
        const char *otn = upay_params_get(req, "out_trade_no");
        int found = otn && strcmp(otn, out_trade_no) == 0;
        upay_params_free(req);
        if (found)
            return 1;
    }
    return 0;
}

int suite_record_start_check(const char *journal_json, const char *orders_json, const char *mch,
                             suite_buf *why)
{
    cJSON *journal = cJSON_Parse(journal_json ? journal_json : "");
    cJSON *orders = cJSON_Parse(orders_json ? orders_json : "");
    const cJSON *entries = GET(journal, "entries"), *list = GET(orders, "orders");
    int rc = 0;
    if (!cJSON_IsArray(entries) || !cJSON_IsArray(list)) {
        suite_buf_puts(why, "the mock's journal or orders answer is not what upay-mock writes");
        rc = -1;
    }
    const cJSON *o;
    for (o = rc == 0 ? list->child : NULL; o && rc == 0; o = o->next) {
        const cJSON *otn = GET(o, "out_trade_no");
        if (!cJSON_IsString(otn) || paid_in_journal(entries, mch, otn->valuestring))
            continue;
        const cJSON *first = cJSON_GetArrayItem(entries, 0);
        const cJSON *seq = GET(first, "seq");
        suite_buf_printf(why, "the journal no longer holds the start of merchant %s's session: "
                              "order %s was paid before its oldest entry", mch, otn->valuestring);
        if (cJSON_IsNumber(seq))
            suite_buf_printf(why, " (seq %.0f)", seq->valuedouble);
        rc = 1;
    }
    cJSON_Delete(journal);
    cJSON_Delete(orders);
    return rc;
}
