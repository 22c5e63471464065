/*
 * server/core/reply.c - building a mock_reply (reply.h): the HTTP-level
 * error, the unsigned protocol refusal, a body taken over from libupay or
 * cJSON, and the static fallback when memory runs out.
 */
#include "core/reply.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay/params.h>
#include <upay/response.h>

static const char fallback_body[] =
    "{\"state\":\"FAIL\",\"code\":\"20006\",\"msg\":\"system error: out of memory\"}";

void mock_reply_free(mock_reply *reply)
{
    if (!reply)
        return;
    if (reply->body != fallback_body)
        free(reply->body);
    reply->body = NULL;
    reply->len = 0;
}

void mock_reply_take(mock_reply *out, int status, char *json)
{
    out->status = status;
    if (!json) {
        out->body = (char *)fallback_body;
        out->status = 500;
    } else {
        out->body = json;
    }
    out->len = strlen(out->body);
}

/* Copy a libupay-allocated string into malloc'ed memory we own. */
static char *own(char *upay_string)
{
    char *copy = upay_string ? strdup(upay_string) : NULL;
    upay_free(upay_string);
    return copy;
}

void mock_reply_take_upay(mock_reply *out, int status, char *upay_json)
{
    mock_reply_take(out, status, own(upay_json));
}

void mock_reply_error(mock_reply *out, int status, const char *msg)
{
    upay_params *p = upay_params_new();
    char *json = NULL;
    if (p && upay_params_set(p, "error", msg) == UPAY_OK)
        (void)upay_response_encode(p, &json);
    upay_params_free(p);
    mock_reply_take(out, status, own(json));
}

void mock_reply_unsigned(mock_reply *out, int code, const char *msg)
{
    upay_params *p = upay_params_new();
    char code_text[16];
    char *json = NULL;
    snprintf(code_text, sizeof code_text, "%d", code);
    if (p && upay_params_set(p, "state", "FAIL") == UPAY_OK
        && upay_params_set(p, "code", code_text) == UPAY_OK
        && upay_params_set(p, "msg", msg) == UPAY_OK)
        (void)upay_response_encode(p, &json);
    upay_params_free(p);
    mock_reply_take(out, 200, own(json));
}

void mock_reply_json(mock_reply *out, int status, cJSON *root)
{
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    mock_reply_take(out, status, text);
}
