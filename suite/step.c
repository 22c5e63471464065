/*
 * suite/step.c - the five step kinds (see step.h). Calls go through the
 * client library (upay_call) so the suite drives what integrators ship;
 * raw requests are built here and posted with libcurl because they break
 * the protocol on purpose; flows run libupay's flows with a sleep that moves
 * the mock's clock for the scenario's merchant.
 */
#include "step.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expect.h"
#include "http.h"
#include "notify.h"
#include "target.h"

#define GET(obj, key) cJSON_GetObjectItemCaseSensitive((obj), (key))

const char *suite_code_name(upay_code code)
{
    switch (code) {
    case UPAY_OK: return "OK";
    case UPAY_E_NOMEM: return "NOMEM";
    case UPAY_E_INVALID_ARG: return "INVALID_ARG";
    case UPAY_E_FORM_TOO_LARGE: return "FORM_TOO_LARGE";
    case UPAY_E_FORM_BAD_ESCAPE: return "FORM_BAD_ESCAPE";
    case UPAY_E_FORM_BAD_UTF8: return "FORM_BAD_UTF8";
    case UPAY_E_FORM_NUL: return "FORM_NUL";
    case UPAY_E_FORM_DUPLICATE: return "FORM_DUPLICATE";
    case UPAY_E_FORM_EMPTY_NAME: return "FORM_EMPTY_NAME";
    case UPAY_E_JSON_SYNTAX: return "JSON_SYNTAX";
    case UPAY_E_JSON_NOT_OBJECT: return "JSON_NOT_OBJECT";
    case UPAY_E_JSON_NOT_STRING: return "JSON_NOT_STRING";
    case UPAY_E_JSON_DUPLICATE: return "JSON_DUPLICATE";
    case UPAY_E_JSON_TOO_LARGE: return "JSON_TOO_LARGE";
    case UPAY_E_SIGN_MISSING: return "SIGN_MISSING";
    case UPAY_E_SIGN_MISMATCH: return "SIGN_MISMATCH";
    case UPAY_E_SIGN_TYPE: return "SIGN_TYPE";
    case UPAY_E_REFUND_LIST_SYNTAX: return "REFUND_LIST_SYNTAX";
    case UPAY_E_REFUND_LIST_NOT_ARRAY: return "REFUND_LIST_NOT_ARRAY";
    case UPAY_E_REFUND_LIST_ITEM: return "REFUND_LIST_ITEM";
    case UPAY_E_REFUND_LIST_FIELD: return "REFUND_LIST_FIELD";
    case UPAY_E_BAD_AMOUNT: return "BAD_AMOUNT";
    case UPAY_E_TRANSPORT: return "TRANSPORT";
    case UPAY_E_NO_ANSWER: return "NO_ANSWER";
    case UPAY_E_HTTP_STATUS: return "HTTP_STATUS";
    case UPAY_E_BAD_RESPONSE: return "BAD_RESPONSE";
    case UPAY_E_RESPONSE_SIGN: return "RESPONSE_SIGN";
    case UPAY_E_GATEWAY_REFUSED: return "GATEWAY_REFUSED";
    case UPAY_E_TLS: return "TLS";
    case UPAY_E_FLOW_DEADLINE: return "FLOW_DEADLINE";
    case UPAY_E_VERSION: return "VERSION";
    case UPAY_E_UNVERIFIED_FAIL: return "UNVERIFIED_FAIL";
    }
    return "UNKNOWN";
}

void suite_step_result_clear(suite_step_result *r)
{
    upay_params_free(r->view);
    free(r->url);
    free(r->request);
    free(r->sign_string);
    free(r->response);
    memset(r, 0, sizeof *r);
}

static int set_num(upay_params *p, const char *name, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return upay_params_set(p, name, buf) == UPAY_OK ? 0 : -1;
}

/* Expand a params object into `p` (appending; a null removes the name). */
static int expand_params(suite_ctx *ctx, const cJSON *obj, upay_params *p, suite_buf *err)
{
    if (!obj)
        return 0;
    for (const cJSON *e = obj->child; e; e = e->next) {
        if (cJSON_IsNull(e)) {
            upay_params_remove(p, e->string);
            continue;
        }
        if (cJSON_IsNumber(e)) {
            if (set_num(p, e->string, (long long)e->valuedouble) != 0)
                return -1;
            continue;
        }
        char *v = NULL;
        int rc = suite_expand(&ctx->env, e->valuestring, &v, err);
        if (rc != SUITE_TPL_OK)
            return rc;
        rc = upay_params_set(p, e->string, v) == UPAY_OK ? 0 : -1;
        free(v);
        if (rc != 0) {
            suite_buf_puts(err, "out of memory");
            return -1;
        }
    }
    return 0;
}

static char *expand_str(suite_ctx *ctx, const cJSON *v, int *rc, suite_buf *err)
{
    char *out = NULL;
    *rc = SUITE_TPL_OK;
    if (cJSON_IsString(v))
        *rc = suite_expand(&ctx->env, v->valuestring, &out, err);
    return out;
}

/* Redact the key at the end of a canonical string: "...&key=***". */
static char *redact_sign_string(char *s)
{
    if (!s)
        return NULL;
    char *k = strstr(s, "&key=");
    char *last = k;
    while (k) {
        last = k;
        k = strstr(k + 1, "&key=");
    }
    if (!last && strncmp(s, "key=", 4) == 0)
        last = s - 1;
    if (last) {
        char *copy = NULL;
        size_t n = (size_t)(last - s) + 1;
        copy = suite_strfmt("%.*s%skey=***", (int)(n - 1), s, n > 1 ? "&" : "");
        upay_free(s);
        return copy;
    }
    char *copy = suite_strdup(s);
    upay_free(s);
    return copy;
}

/*
 * The client of a step: the worker's, or a temporary one when the step says
 * "as": {"agent_id", "key", "sign_type"} (another agent, a wrong key, HMAC).
 */
static int step_client(suite_ctx *ctx, const suite_step *step, upay_client **tmp,
                       upay_client **use, suite_buf *err)
{
    const cJSON *as = GET(step->spec, "as");
    const cJSON *timeout = GET(step->spec, "timeout_ms");
    *tmp = NULL;
    *use = ctx->client;
    if (!as && !timeout)
        return 0;
    int rc = 0;
    char *agent = expand_str(ctx, GET(as, "agent_id"), &rc, err);
    char *key = rc == 0 ? expand_str(ctx, GET(as, "key"), &rc, err) : NULL;
    char *type = rc == 0 ? expand_str(ctx, GET(as, "sign_type"), &rc, err) : NULL;
    char *mkey = rc == 0 ? expand_str(ctx, GET(as, "merchant_key"), &rc, err) : NULL;
    upay_sign_type st = UPAY_SIGN_MD5;
    long total_ms = cJSON_IsNumber(timeout) ? (long)timeout->valuedouble : 0;
    upay_client *c = rc == 0 ? upay_client_new() : NULL;
    if (rc == 0 && (!c || upay_client_set_url(c, ctx->target->gateway_url) != UPAY_OK ||
                    upay_client_set_agent(c, agent ? agent : ctx->agent_id) != UPAY_OK ||
                    upay_client_set_key(c, key ? key : ctx->key) != UPAY_OK ||
                    upay_client_set_insecure(c, ctx->target->insecure) != UPAY_OK ||
                    upay_sign_type_parse(type, &st) != UPAY_OK ||
                    upay_client_set_sign_type(c, st) != UPAY_OK ||
                    upay_client_set_timeouts(c, 0, total_ms) != UPAY_OK ||
                    /* the merchant's key signs for /v2/: the URL without a path gets it */
                    (mkey && (upay_client_set_url(c, ctx->target->base_url) != UPAY_OK ||
                              upay_client_set_merchant_key(c, mkey) != UPAY_OK)))) {
        suite_buf_puts(err, "\"as\" / \"timeout_ms\": cannot configure a client with these "
                            "settings");
        rc = -1;
    }
    free(agent);
    free(key);
    free(type);
    free(mkey);
    if (rc != 0) {
        upay_client_free(c);
        return rc;
    }
    *tmp = c;
    *use = c;
    return 0;
}

/*
 * "_msg_table": "1" when the answer's msg is the text the vendor's code
 * table gives its code (R-LIVE-04: SUCCESS for 10000, 版本过低 for state
 * VER, else upay_gw_code_text()), "0" when it is another text; not set
 * without a msg. Scenarios never match msg text itself.
 */
static int set_msg_table(upay_params *view)
{
    const char *msg = upay_params_get(view, "msg");
    const char *state = upay_params_get(view, "state");
    const char *code = upay_params_get(view, "code");
    if (!msg)
        return 0;
    const char *want = NULL;
    if (state && !strcmp(state, "VER"))
        want = "\xe7\x89\x88\xe6\x9c\xac\xe8\xbf\x87\xe4\xbd\x8e"; /* 版本过低 */
    else if (code && !strcmp(code, "10000"))
        want = "SUCCESS";
    else if (code && *code && strspn(code, "0123456789") == strlen(code) && strlen(code) <= 6)
        want = upay_gw_code_text(atoi(code));
    int same = want && strcmp(msg, want) == 0;
    return upay_params_set(view, "_msg_table", same ? "1" : "0") == UPAY_OK ? 0 : -1;
}

/* ---- call ---- */

static int add_result_fields(upay_params *view, const upay_result *res, upay_code code)
{
    int bad = 0;
    bad |= upay_params_set(view, "_code", suite_code_name(code)) != UPAY_OK;
    bad |= set_msg_table(view) != 0;
    bad |= set_num(view, "_http_status", res ? res->http_status : 0) != 0;
    bad |= upay_params_set(view, "_verified", res && res->verified ? "1" : "0") != UPAY_OK;
    bad |= upay_params_set(view, "_outcome", upay_outcome_name(res ? res->outcome
                                                                   : UPAY_OUTCOME_NONE)) != UPAY_OK;
    if (res && res->refund_list && *res->refund_list) {
        upay_refund_entry *items = NULL;
        size_t count = 0;
        int ok = upay_refund_list_parse(res->refund_list, &items, &count, NULL) == UPAY_OK;
        upay_free(items);
        bad |= upay_params_set(view, "_refund_list_valid", ok ? "1" : "0") != UPAY_OK;
    }
    return bad ? -1 : 0;
}

static int exec_call(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                     suite_buf *err)
{
    const char *method = GET(step->spec, "call")->valuestring;
    upay_params *p = upay_params_new();
    if (!p || upay_params_set(p, "mch_id", ctx->mch) != UPAY_OK) {
        upay_params_free(p);
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    int rc = expand_params(ctx, GET(step->spec, "params"), p, err);
    if (rc != 0) {
        upay_params_free(p);
        return rc;
    }
    upay_client *tmp = NULL, *client = NULL;
    if ((rc = step_client(ctx, step, &tmp, &client, err)) != 0) {
        upay_params_free(p);
        return rc;
    }
    upay_result *res = NULL;
    upay_error uerr;
    memset(&uerr, 0, sizeof uerr);
    upay_code code = upay_call(client, method, p, 0, &res, &uerr);
    upay_params_free(p);
    upay_client_free(tmp);
    if (!res) {
        suite_buf_printf(err, "upay_call(%s) sent nothing: %s: %s", method, suite_code_name(code),
                         uerr.message);
        return -1;
    }
    out->url = suite_strdup(res->url);
    out->request = suite_strdup(res->request_body);
    out->sign_string = suite_strdup(res->request_sign_string);
    out->response = suite_strdup(res->body);
    out->http_status = res->http_status;
    out->view = res->params ? upay_params_dup(res->params) : upay_params_new();
    rc = out->view ? add_result_fields(out->view, res, code) : -1;
    if (rc == 0 && code != UPAY_OK && uerr.message[0])
        rc = upay_params_set(out->view, "_error", uerr.message) == UPAY_OK ? 0 : -1;
    upay_result_free(res);
    if (rc != 0)
        suite_buf_puts(err, "out of memory");
    return rc;
}

/* ---- raw ---- */

static int exec_raw(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                    suite_buf *err)
{
    const cJSON *raw = GET(step->spec, "raw");
    const suite_target *target = ctx->target;
    int rc = 0;
    char *method = expand_str(ctx, GET(raw, "method"), &rc, err);
    char *key = rc == 0 ? expand_str(ctx, GET(raw, "key"), &rc, err) : NULL;
    char *body = rc == 0 ? expand_str(ctx, GET(raw, "body"), &rc, err) : NULL;
    char *ctype = rc == 0 ? expand_str(ctx, GET(raw, "content_type"), &rc, err) : NULL;
    char *hmethod = rc == 0 ? expand_str(ctx, GET(raw, "http_method"), &rc, err) : NULL;
    char *path = rc == 0 ? expand_str(ctx, GET(raw, "path"), &rc, err) : NULL;
    char *algo = rc == 0 ? expand_str(ctx, GET(raw, "sign_type"), &rc, err) : NULL;
    upay_params *p = upay_params_new();
    char *form = NULL;
    const char *sign_key = key ? key : ctx->key;
    upay_sign_type type = UPAY_SIGN_MD5;
    int live = strcmp(target->dialect, "live") == 0;
    /* The live rules sort names ignoring case (R-LIVE-08); "sort" forces one. */
    const cJSON *sort_spec = GET(raw, "sort");
    upay_sign_sort sort = live ? UPAY_SIGN_SORT_NOCASE : UPAY_SIGN_SORT_BYTES;
    if (cJSON_IsString(sort_spec))
        sort = strcmp(sort_spec->valuestring, "nocase") == 0 ? UPAY_SIGN_SORT_NOCASE
                                                              : UPAY_SIGN_SORT_BYTES;
    if (rc != 0 || !p)
        goto done;
    if (!cJSON_IsFalse(GET(raw, "base"))) {
        if (method)
            upay_params_set(p, "method", method);
        upay_params_set(p, "agent_id", ctx->agent_id);
        upay_params_set(p, "mch_id", ctx->mch);
        if (live) { /* required there (R-LIVE-05); libupay always sends them */
            upay_params_set(p, "pid", UPAY_DEFAULT_PID);
            upay_params_set(p, "version", UPAY_DEFAULT_VERSION);
        }
    }
    if ((rc = expand_params(ctx, GET(raw, "params"), p, err)) != 0)
        goto done;
    const cJSON *drop = GET(raw, "drop");
    for (const cJSON *d = drop ? drop->child : NULL; d; d = d->next)
        upay_params_remove(p, d->valuestring);
    if (upay_sign_type_parse(algo ? algo : upay_params_get(p, "sign_type"), &type) != UPAY_OK)
        type = UPAY_SIGN_MD5; /* an unknown sign_type is sent as is, signed with MD5 */
    const cJSON *how = GET(raw, "sign");
    const char *mode = how ? how->valuestring : "valid";
    if (strcmp(mode, "none") != 0) {
        upay_params_remove(p, "sign");
        char *ss = NULL;
        if (upay_sign_string_sorted(p, sign_key, sort, &ss) == UPAY_OK)
            out->sign_string = redact_sign_string(ss);
        char sig[UPAY_SIGN_BUF_SIZE] = "";
        if (!strcmp(mode, "wrong")) {
            char *wrong = suite_strfmt("%sX", sign_key);
            if (wrong)
                upay_sign_compute_sorted(p, wrong, type, sort, sig);
            free(wrong);
        } else if (strcmp(mode, "empty") != 0) {
            upay_sign_compute_sorted(p, sign_key, type, sort, sig);
            if (!strcmp(mode, "lowercase"))
                for (char *c = sig; *c; c++)
                    if (*c >= 'A' && *c <= 'F')
                        *c = (char)(*c - 'A' + 'a');
        }
        upay_params_set(p, "sign", sig);
    }
    if (body) {
        form = body;
        body = NULL;
    } else if (upay_form_encode(p, &form) != UPAY_OK) {
        suite_buf_puts(err, "cannot encode the form");
        rc = -1;
        goto done;
    }
    const cJSON *pad = GET(raw, "pad_to");
    if (cJSON_IsNumber(pad) && (double)strlen(form) + 5 < pad->valuedouble) {
        size_t want = (size_t)pad->valuedouble, have = strlen(form);
        char *bigger = malloc(want + 1);
        if (!bigger) {
            suite_buf_puts(err, "out of memory");
            rc = -1;
            goto done;
        }
        memcpy(bigger, form, have);
        memcpy(bigger + have, "&pad=", 5);
        memset(bigger + have + 5, 'x', want - have - 5);
        bigger[want] = '\0';
        upay_free(form);
        form = bigger;
    }
    out->url = path ? suite_strfmt("%s%s", target->base_url, path)
                    : suite_strdup(target->gateway_url);
    out->request = suite_strdup(form);
    const char *hdr_lines[9] = {NULL};
    char *hdr_owned[8] = {NULL};
    size_t nhdr = 0;
    const cJSON *hdrs = GET(raw, "headers");
    for (const cJSON *h = hdrs ? hdrs->child : NULL; h && nhdr < 8 && rc == 0; h = h->next) {
        char *v = expand_str(ctx, h, &rc, err);
        if (rc == 0 && v)
            hdr_owned[nhdr] = suite_strfmt("%s: %s", h->string, v);
        if (hdr_owned[nhdr])
            hdr_lines[nhdr] = hdr_owned[nhdr], nhdr++;
        free(v);
    }
    if (rc != 0) {
        for (size_t i = 0; i < nhdr; i++)
            free(hdr_owned[i]);
        goto done;
    }
    suite_http_request req = {
        .headers = nhdr ? hdr_lines : NULL,
        .method = hmethod ? hmethod : "POST",
        .url = out->url,
        .content_type = ctype ? ctype : "application/x-www-form-urlencoded",
        .body = form,
        .body_len = strlen(form),
        .insecure = target->insecure,
    };
    if (req.method && (!strcmp(req.method, "GET") || !strcmp(req.method, "HEAD")) && !*form)
        req.body = NULL;
    suite_http_response res;
    int sent = suite_http(&req, &res);
    for (size_t i = 0; i < nhdr; i++)
        free(hdr_owned[i]);
    out->response = suite_strdup(res.body);
    out->http_status = res.status;
    upay_params *view = NULL;
    if (upay_response_parse(res.body, res.len, 0, &view, NULL) != UPAY_OK)
        view = upay_params_new();
    out->view = view;
    if (view) {
        /* Verify before the pseudo fields join the view. */
        const char *verified = "0";
        if (upay_params_get(view, "sign")) {
            upay_sign_type rtype = UPAY_SIGN_MD5;
            upay_sign_type_parse(upay_params_get(p, "sign_type"), &rtype);
            if (upay_response_verify(view, sign_key, rtype) == UPAY_OK)
                verified = "1";
        }
        int json = res.len > 0 && upay_params_count(view) > 0;
        set_msg_table(view);
        upay_params_set(view, "_verified", verified);
        set_num(view, "_http_status", res.status);
        upay_params_set(view, "_json", json ? "1" : "0");
        upay_params_set(view, "_body", res.body);
        upay_params_set(view, "_content_type", res.content_type);
        if (res.allow[0])
            upay_params_set(view, "_allow", res.allow);
        if (sent != 0)
            upay_params_set(view, "_error", res.error);
    }
    suite_http_response_free(&res);
    if (!view) {
        suite_buf_puts(err, "out of memory");
        rc = -1;
    }
done:
    if (!p && rc == 0) {
        suite_buf_puts(err, "out of memory");
        rc = -1;
    }
    upay_params_free(p);
    upay_free(form);
    free(method);
    free(key);
    free(body);
    free(ctype);
    free(hmethod);
    free(path);
    free(algo);
    return rc;
}

/* ---- flows ---- */

static void flow_sleep(unsigned seconds, void *userdata)
{
    suite_ctx *ctx = userdata;
    ctx->slept += seconds;
    if (ctx->target->has_mock) {
        if (ctx->sleep_err.len == 0)
            suite_mock_advance(ctx->target, ctx->mch, seconds, &ctx->sleep_err);
        return;
    }
    struct timespec ts = {.tv_sec = (time_t)seconds, .tv_nsec = 0};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static const char *take(const upay_params *p, const char *name)
{
    const char *v = upay_params_get(p, name);
    return v && *v ? v : NULL;
}

static long long take_amount(const upay_params *p, const char *name)
{
    long long v = 0;
    const char *s = upay_params_get(p, name);
    if (!s || upay_amount_parse(s, &v) != UPAY_OK)
        return 0;
    return v;
}

/* Parameters a typed request has; the rest go to `extra`. */
static const char *const pay_fields[] = {
    "mch_id", "out_trade_no", "device_info", "body", "attach", "total_fee", "mch_create_ip",
    "auth_code", "op_user_id", "op_shop_id", "op_device_id", "goods_tag", NULL,
};
static const char *const refund_fields[] = {
    "paytype", "mch_id", "out_trade_no", "transaction_id", "out_refund_no", "total_fee",
    "refund_fee", "op_user_id", "scene", NULL,
};

static upay_params *extras(const upay_params *p, const char *const *known)
{
    upay_params *x = upay_params_new();
    for (size_t i = 0; x && i < upay_params_count(p); i++) {
        const char *name = upay_params_name_at(p, i);
        int is_known = 0;
        for (size_t k = 0; known[k] && !is_known; k++)
            is_known = strcmp(known[k], name) == 0;
        if (!is_known)
            upay_params_set(x, name, upay_params_value_at(p, i));
    }
    return x;
}

static cJSON *steps_json(const upay_flow_report *rep, suite_buf *methods, size_t *calls)
{
    cJSON *arr = cJSON_CreateArray();
    *calls = 0;
    for (size_t i = 0; arr && i < rep->step_count; i++) {
        const upay_flow_step *s = &rep->steps[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddItemToArray(arr, o);
        char num[32];
        cJSON_AddStringToObject(o, "method", s->method ? s->method : "");
        snprintf(num, sizeof num, "%u", s->attempt);
        cJSON_AddStringToObject(o, "attempt", num);
        snprintf(num, sizeof num, "%u", s->seconds);
        cJSON_AddStringToObject(o, "seconds", num);
        snprintf(num, sizeof num, "%g", s->at);
        cJSON_AddStringToObject(o, "at", num);
        cJSON_AddStringToObject(o, "_code", suite_code_name(s->code));
        if (s->kind == UPAY_STEP_CALL) {
            (*calls)++;
            suite_buf_printf(methods, "%s%s", methods->len ? "," : "", s->method);
            cJSON_AddStringToObject(o, "outcome", upay_outcome_name(s->outcome));
            if (s->result) {
                cJSON_AddStringToObject(o, "code", s->result->code);
                cJSON_AddStringToObject(o, "trade_state", s->result->trade_state);
            }
        }
        if (s->note)
            cJSON_AddStringToObject(o, "note", s->note);
    }
    return arr;
}

/* Every call of the flow, for the failure report. */
static void flow_trace(const upay_flow_report *rep, suite_step_result *out)
{
    suite_buf req = {0}, sig = {0}, res = {0};
    for (size_t i = 0; i < rep->step_count; i++) {
        const upay_flow_step *s = &rep->steps[i];
        if (s->kind != UPAY_STEP_CALL || !s->result)
            continue;
        suite_buf_printf(&req, "[%s #%u] %s\n", s->method, s->attempt, s->result->request_body);
        suite_buf_printf(&sig, "[%s #%u] %s\n", s->method, s->attempt,
                         s->result->request_sign_string);
        suite_buf_printf(&res, "[%s #%u] HTTP %ld %s\n", s->method, s->attempt,
                         s->result->http_status, s->result->body);
        free(out->url);
        out->url = suite_strdup(s->result->url);
        out->http_status = s->result->http_status;
    }
    out->request = suite_buf_take(&req);
    out->sign_string = suite_buf_take(&sig);
    out->response = suite_buf_take(&res);
}

static int exec_flow(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                     suite_buf *err)
{
    const char *which = GET(step->spec, "flow")->valuestring;
    int is_pay = strcmp(which, "barcode_pay") == 0;
    upay_params *p = upay_params_new();
    upay_params *opt = upay_params_new();
    upay_params *extra = NULL;
    int rc = (!p || !opt || upay_params_set(p, "mch_id", ctx->mch) != UPAY_OK) ? -1 : 0;
    if (rc == 0)
        rc = expand_params(ctx, GET(step->spec, "params"), p, err);
    if (rc == 0)
        rc = expand_params(ctx, GET(step->spec, "options"), opt, err);
    if (rc == 0 && !(extra = extras(p, is_pay ? pay_fields : refund_fields)))
        rc = -1;
    if (rc != 0) {
        if (rc == -1 && !err->len)
            suite_buf_puts(err, "out of memory");
        upay_params_free(p);
        upay_params_free(opt);
        upay_params_free(extra);
        return rc;
    }
    upay_flow_options fo;
    upay_flow_options_init(&fo);
    static const struct {
        const char *name;
        size_t off;
    } numeric[] = {
        {"poll_interval", offsetof(upay_flow_options, poll_interval)},
        {"deadline", offsetof(upay_flow_options, deadline)},
        {"cancel_delay", offsetof(upay_flow_options, cancel_delay)},
        {"cancel_retries", offsetof(upay_flow_options, cancel_retries)},
        {"refund_retries", offsetof(upay_flow_options, refund_retries)},
        {"retry_interval", offsetof(upay_flow_options, retry_interval)},
    };
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
        const char *v = upay_params_get(opt, numeric[i].name);
        if (v)
            *(unsigned *)((char *)&fo + numeric[i].off) = (unsigned)strtoul(v, NULL, 10);
    }
    fo.sleep = flow_sleep;
    fo.sleep_userdata = ctx;
    unsigned long long slept_before = ctx->slept;

    upay_client *tmp = NULL, *client = NULL;
    if ((rc = step_client(ctx, step, &tmp, &client, err)) != 0) {
        upay_params_free(p);
        upay_params_free(opt);
        upay_params_free(extra);
        return rc;
    }
    upay_flow_report *rep = NULL;
    upay_error uerr;
    memset(&uerr, 0, sizeof uerr);
    upay_code code;
    if (is_pay) {
        upay_pay_request r = {
            .mch_id = take(p, "mch_id"), .out_trade_no = take(p, "out_trade_no"),
            .device_info = take(p, "device_info"), .body = take(p, "body"),
            .attach = take(p, "attach"), .total_fee = take_amount(p, "total_fee"),
            .mch_create_ip = take(p, "mch_create_ip"), .auth_code = take(p, "auth_code"),
            .op_user_id = take(p, "op_user_id"), .op_shop_id = take(p, "op_shop_id"),
            .op_device_id = take(p, "op_device_id"), .goods_tag = take(p, "goods_tag"),
            .extra = upay_params_count(extra) ? extra : NULL,
        };
        code = upay_barcode_pay(client, &r, &fo, &rep, &uerr);
    } else {
        const char *scene = take(p, "scene");
        upay_refund_request r = {
            .paytype = upay_paytype_parse(take(p, "paytype")), .mch_id = take(p, "mch_id"),
            .out_trade_no = take(p, "out_trade_no"), .transaction_id = take(p, "transaction_id"),
            .out_refund_no = take(p, "out_refund_no"), .total_fee = take_amount(p, "total_fee"),
            .refund_fee = take_amount(p, "refund_fee"), .op_user_id = take(p, "op_user_id"),
            .scene = scene ? atoi(scene) : 0,
            .extra = upay_params_count(extra) ? extra : NULL,
        };
        code = upay_refund_with_retry(client, &r, &fo, &rep, &uerr);
    }
    upay_params_free(p);
    upay_params_free(opt);
    upay_params_free(extra);
    upay_client_free(tmp);
    if (!rep) {
        suite_buf_printf(err, "flow %s did not run: %s: %s", which, suite_code_name(code),
                         uerr.message);
        return -1;
    }
    if (ctx->sleep_err.len) {
        suite_buf_printf(err, "moving the clock inside the flow failed: %s",
                         suite_buf_str(&ctx->sleep_err));
        upay_flow_report_free(rep);
        return -1;
    }
    flow_trace(rep, out);
    const upay_result *fin = rep->final_result;
    upay_params *view = fin && fin->params ? upay_params_dup(fin->params) : upay_params_new();
    suite_buf methods = {0};
    size_t calls = 0;
    cJSON *steps = steps_json(rep, &methods, &calls);
    char *steps_text = steps ? cJSON_PrintUnformatted(steps) : NULL;
    cJSON_Delete(steps);
    rc = view && steps_text ? 0 : -1;
    if (rc == 0) {
        upay_params_set(view, "_code", suite_code_name(code));
        upay_params_set(view, "outcome", upay_flow_outcome_name(rep->outcome));
        if (rep->has_refund_status)
            upay_params_set(view, "refund_status", upay_refund_status_name(rep->refund_status));
        if (rep->out_trade_no[0])
            upay_params_set(view, "out_trade_no", rep->out_trade_no);
        if (!is_pay && rep->out_refund_no[0])
            upay_params_set(view, "out_refund_no", rep->out_refund_no);
        upay_params_set(view, "steps", steps_text);
        upay_params_set(view, "methods", suite_buf_str(&methods));
        set_num(view, "calls", (long long)calls);
        set_num(view, "slept", (long long)(ctx->slept - slept_before));
        if (code != UPAY_OK && uerr.message[0])
            upay_params_set(view, "_error", uerr.message);
    }
    suite_buf_free(&methods);
    cJSON_free(steps_text);
    upay_flow_report_free(rep);
    out->view = view;
    if (rc != 0)
        suite_buf_puts(err, "out of memory");
    return rc;
}

/* ---- mock control ---- */

/* `text` with every '$' doubled, so that expanding it again gives `text`. */
static char *escape_dollars(const char *text)
{
    suite_buf b = {0};
    for (const char *c = text; *c; c++) {
        if (*c == '$')
            suite_buf_puts(&b, "$$");
        else
            suite_buf_append(&b, c, 1);
    }
    if (b.oom) {
        suite_buf_free(&b);
        return NULL;
    }
    return suite_buf_take(&b);
}

cJSON *suite_step_expand_json(suite_ctx *ctx, const cJSON *v, int escape, int *rc,
                              suite_buf *err)
{
    *rc = SUITE_TPL_OK;
    if (cJSON_IsString(v)) {
        char *text = expand_str(ctx, v, rc, err);
        char *escaped = *rc == 0 && text && escape ? escape_dollars(text) : NULL;
        cJSON *s = *rc == 0 && text ? cJSON_CreateString(escape ? escaped : text) : NULL;
        free(text);
        free(escaped);
        if (!s && *rc == 0)
            *rc = -1;
        return s;
    }
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return cJSON_Duplicate(v, 0);
    cJSON *copy = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
    for (const cJSON *e = v->child; copy && e; e = e->next) {
        cJSON *item = suite_step_expand_json(ctx, e, escape, rc, err);
        if (!item) {
            cJSON_Delete(copy);
            return NULL;
        }
        if (cJSON_IsObject(v))
            cJSON_AddItemToObject(copy, e->string, item);
        else
            cJSON_AddItemToArray(copy, item);
    }
    if (!copy && *rc == 0)
        *rc = -1;
    return copy;
}

upay_client *suite_client_new(const suite_target *t, const char *agent_id, const char *key)
{
    upay_client *c = upay_client_new();
    if (c && (upay_client_set_url(c, t->gateway_url) != UPAY_OK ||
              upay_client_set_agent(c, agent_id) != UPAY_OK ||
              upay_client_set_key(c, key) != UPAY_OK ||
              upay_client_set_insecure(c, t->insecure) != UPAY_OK)) {
        upay_client_free(c);
        c = NULL;
    }
    return c;
}

/*
 * Restart the scenario's private mock on its state file. The scenario's
 * client is closed first (its kept-alive connection would hold one of the
 * mock's workers, and so the stop, for seconds) and made again for the new
 * port afterwards.
 */
static int restart_private(suite_ctx *ctx, suite_buf *err)
{
    if (!ctx->priv) {
        suite_buf_puts(err, "restart: the scenario has no private mock");
        return -1;
    }
    upay_client_free(ctx->own_client);
    ctx->own_client = ctx->client = NULL;
    if (suite_private_restart(ctx->priv, err) != 0)
        return -1;
    ctx->own_client = suite_client_new(ctx->target, ctx->agent_id, ctx->key);
    if (!ctx->own_client) {
        suite_buf_puts(err, "restart: cannot make a client for the restarted mock");
        return -1;
    }
    ctx->client = ctx->own_client;
    return 0;
}


/*
 * Keep the id of the rule a "rule" step added (the answer's "id"), so the
 * runner removes it when the scenario ends: a "times": "always" rule must not
 * outlive its scenario on a mock that others use. 0, or -1 on OOM.
 */
static int remember_rule(suite_ctx *ctx, const char *answer)
{
    cJSON *doc = cJSON_Parse(answer ? answer : "");
    const cJSON *id = GET(doc, "id");
    int rc = 0;
    if (cJSON_IsNumber(id) && id->valuedouble > 0) {
        unsigned long long *grown = realloc(ctx->rules, (ctx->nrules + 1) * sizeof *grown);
        if (grown) {
            ctx->rules = grown;
            ctx->rules[ctx->nrules++] = (unsigned long long)id->valuedouble;
        } else {
            rc = -1;
        }
    }
    cJSON_Delete(doc);
    return rc;
}

/* The view of a mock answer: _http_status, _body and every member (arrays as JSON text). */
static void answer_view(upay_params *view, long status, const char *body)
{
    set_num(view, "_http_status", status);
    upay_params_set(view, "_body", body);
    cJSON *doc = cJSON_Parse(body);
    for (const cJSON *m = cJSON_IsObject(doc) ? doc->child : NULL; m; m = m->next) {
        if (cJSON_IsString(m)) {
            upay_params_set(view, m->string, m->valuestring);
        } else if (cJSON_IsNumber(m)) {
            set_num(view, m->string, (long long)m->valuedouble);
        } else if (cJSON_IsArray(m) || cJSON_IsObject(m)) {
            char *text = cJSON_PrintUnformatted(m);
            if (text)
                upay_params_set(view, m->string, text);
            cJSON_free(text);
        }
    }
    cJSON_Delete(doc);
}

/*
 * A GET of mock state with "wait_ms": asked again every 20 ms until the
 * step's expectations hold or the time is up (the runner then reports what
 * the last answer said). For what the mock does on its own threads: a
 * notification's attempt is recorded after the merchant's answer.
 */
static int get_until(suite_ctx *ctx, const suite_step *step, const char *path, double wait_ms,
                     long *status, char **body, suite_buf *err)
{
    const cJSON *expect = GET(step->spec, "expect");
    double deadline = suite_now_ms() + wait_ms;
    for (;;) {
        if (suite_mock_get(ctx->target, path, ctx->mch, status, body, err) != 0)
            return -1;
        upay_params *view = upay_params_new();
        if (!view)
            return 0;
        answer_view(view, *status, *body);
        long long now = 0;
        char num[32];
        suite_buf tmp = {0};
        if (suite_expect_uses_now(expect) && suite_target_now(ctx->target, ctx->mch, &now, &tmp) == 0) {
            snprintf(num, sizeof num, "%lld", now);
            suite_vars_set(ctx->vars, SUITE_VAR_GATEWAY_NOW, num);
        }
        suite_buf_free(&tmp);
        int held = suite_expect_eval(expect, view, &ctx->env, &tmp) == 0;
        suite_buf_free(&tmp);
        upay_params_free(view);
        if (held || suite_now_ms() >= deadline)
            return 0;
        free(*body);
        *body = NULL;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int exec_mock(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                     suite_buf *err)
{
    const char *what = GET(step->spec, "mock")->valuestring;
    const suite_target *t = ctx->target;
    out->view = upay_params_new();
    if (!out->view) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    if (!strcmp(what, "restart"))
        return restart_private(ctx, err);
    if (!strcmp(what, "reset"))
        return suite_mock_reset(t, ctx->mch, err);
    if (!strcmp(what, "clock")) {
        double s = GET(step->spec, "advance_seconds")->valuedouble;
        return suite_mock_advance(t, ctx->mch, (long long)s, err);
    }
    long status = 0;
    char *body = NULL;
    if (!strcmp(what, "rule")) {
        int trc = 0;
        cJSON *rule = suite_step_expand_json(ctx, GET(step->spec, "rule"), 0, &trc, err);
        if (!rule)
            return -1;
        const cJSON *mch = GET(rule, "mch_id");
        if (!mch)
            cJSON_AddStringToObject(rule, "mch_id", ctx->mch);
        else if (cJSON_IsNull(mch))
            cJSON_DeleteItemFromObjectCaseSensitive(rule, "mch_id");
        char *json = cJSON_PrintUnformatted(rule);
        cJSON_Delete(rule);
        int rc = json ? suite_mock_post(t, "rules", json, &status, &body, err) : -1;
        out->request = json ? suite_strdup(json) : NULL;
        cJSON_free(json);
        if (rc != 0)
            return -1;
        if (status == 200 && remember_rule(ctx, body) != 0) {
            suite_buf_puts(err, "out of memory");
            free(body);
            return -1;
        }
        const cJSON *exp = GET(step->spec, "expect");
        if (status != 200 && !GET(exp, "_http_status")) {
            suite_buf_printf(err, "POST /mock/rules: HTTP %ld: %s", status, body);
            free(body);
            return -1;
        }
    } else if (!strcmp(what, "scan")) { /* the customer: POST /mock/preorders/pay */
        int trc = 0;
        cJSON *scan = suite_step_expand_json(ctx, GET(step->spec, "scan"), 0, &trc, err);
        if (!scan)
            return trc ? trc : -1;
        if (!GET(scan, "mch_id"))
            cJSON_AddStringToObject(scan, "mch_id", ctx->mch);
        char *json = cJSON_PrintUnformatted(scan);
        cJSON_Delete(scan);
        int rc = json ? suite_mock_post(t, "preorders/pay", json, &status, &body, err) : -1;
        out->request = json ? suite_strdup(json) : NULL;
        cJSON_free(json);
        if (rc != 0)
            return -1;
        if (status != 200 && !GET(GET(step->spec, "expect"), "_http_status")) {
            suite_buf_printf(err, "POST /mock/preorders/pay: HTTP %ld: %s", status, body);
            free(body);
            return -1;
        }
    } else if (!strcmp(what, "merchant")) { /* its agent and its /v2/ key */
        char *path = suite_strfmt("merchants/%s", ctx->mch);
        int rc = path ? suite_mock_get(t, path, ctx->mch, &status, &body, err) : -1;
        free(path);
        if (rc != 0)
            return -1;
    } else {
        const char *path = !strcmp(what, "journal") ? "journal" : what;
        const cJSON *wait = GET(step->spec, "wait_ms");
        if (wait ? get_until(ctx, step, path, wait->valuedouble, &status, &body, err) != 0
                 : suite_mock_get(t, path, ctx->mch, &status, &body, err) != 0)
            return -1;
    }
    out->response = body;
    out->http_status = status;
    answer_view(out->view, status, body);
    return 0;
}

static int exec_set(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                    suite_buf *err)
{
    out->view = upay_params_new();
    if (!out->view)
        return -1;
    const cJSON *set = GET(step->spec, "set");
    for (const cJSON *e = set->child; e; e = e->next) {
        char *v = NULL;
        if (cJSON_IsNumber(e)) {
            v = suite_strfmt("%lld", (long long)e->valuedouble);
        } else if (cJSON_IsString(e)) {
            int rc = suite_expand(&ctx->env, e->valuestring, &v, err);
            if (rc != SUITE_TPL_OK)
                return rc;
        }
        if (v && suite_vars_set(ctx->vars, e->string, v) != 0) {
            free(v);
            return -1;
        }
        free(v);
    }
    return 0;
}

int suite_step_exec(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                    suite_buf *err)
{
    memset(out, 0, sizeof *out);
    switch (step->kind) {
    case SUITE_STEP_CALL:
        return exec_call(ctx, step, out, err);
    case SUITE_STEP_RAW:
        return exec_raw(ctx, step, out, err);
    case SUITE_STEP_FLOW:
        return exec_flow(ctx, step, out, err);
    case SUITE_STEP_MOCK:
        return exec_mock(ctx, step, out, err);
    case SUITE_STEP_SET:
        return exec_set(ctx, step, out, err);
    case SUITE_STEP_NOTIFY:
        return suite_notify_exec(ctx, step, out, err);
    case SUITE_STEP_PARALLEL:
        break; /* the runner's (parallel.h) */
    }
    suite_buf_puts(err, "unknown step kind");
    return -1;
}
