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
#include <upay/protocol.h>
#include <upay/response.h>

static const char fallback_body[] =
    "{\"state\":\"FAIL\",\"code\":\"20006\",\"msg\":\"\xe7\xb3\xbb\xe7\xbb\x9f\xe9\x94\x99\xe8\xaf\xaf\"}";

const char *mock_reply_msg(const char *state, int code)
{
    if (state && strcmp(state, "VER") == 0)
        return "\xe7\x89\x88\xe6\x9c\xac\xe8\xbf\x87\xe4\xbd\x8e"; /* 版本过低 (parameters.md, state) */
    if (code == 10000)
        return "SUCCESS";   /* every example of the vendor's answers */
    const char *text = upay_gw_code_text(code);
    return text ? text : "";
}

void mock_reply_detail(mock_reply *out, const char *text)
{
    size_t n = 0;
    for (; text && text[n] && n + 1 < sizeof out->detail; n++) {
        unsigned char ch = (unsigned char)text[n];
        out->detail[n] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    out->detail[n] = '\0';
}

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

void mock_reply_take_params(mock_reply *out, int status, const upay_params *p)
{
    size_t cap = MOCK_REPLY_BODY_MIN;
    char *body = malloc(cap);
    size_t len = body ? upay_response_write(p, body, cap) : 0;
    if (body && len >= cap) {
        cap = len + 1;
        char *bigger = realloc(body, cap);
        if (bigger)
            (void)upay_response_write(p, bigger, cap);
        else
            free(body);
        body = bigger;
    }
    mock_reply_take(out, status, body);
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

void mock_reply_unsigned(mock_reply *out, int code, const char *detail)
{
    const char *msg = mock_reply_msg("FAIL", code);
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
    mock_reply_detail(out, detail);
}

void mock_reply_json(mock_reply *out, int status, cJSON *root)
{
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    mock_reply_take(out, status, text);
}
