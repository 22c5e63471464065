/*
 * calls.c - one gateway call from end to end: sign the request, send it,
 * verify the answer before trusting it, classify the outcome, fill the
 * result, tell the log callback. The typed calls (pay, orderquery, refund,
 * refundquery, cancel) only build their parameter set and come here; so
 * does the generic upay_call().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client_internal.h"
#include "error_detail.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hand the finished exchange to the log callback, redacted. */
static void log_exchange(upay_client *c, const upay_result *r, upay_code code, double started)
{
    if (!c->log_fn)
        return;
    char *req = upay__redact_form(r->request_body);
    char *resp = upay__redact_json(r->body);
    upay_log_entry e = {
        .method = r->method,
        .url = r->url,
        .request_body = req ? req : "",
        .request_sign_string = r->request_sign_string,
        .http_status = r->http_status,
        .response_body = resp ? resp : "",
        .code = code,
        .elapsed_seconds = now_seconds() - started,
    };
    c->log_fn(&e, c->log_userdata);
    free(req);
    free(resp);
}

/* "state=FAIL code=20012 msg=..." of an unverified answer, for error messages. */
static void describe_unverified(const upay_params *p, char *buf, size_t size)
{
    char q[3][UPAY__QUOTE_SIZE];
    const char *names[3] = {"state", "code", "msg"};
    for (int i = 0; i < 3; i++) {
        const char *v = upay_params_get(p, names[i]);
        upay__error_quote(q[i], v ? v : "", v ? strlen(v) : 0);
    }
    snprintf(buf, size, "unverified: state=%s code=%s msg=%s", q[0], q[1], q[2]);
}

/*
 * Verify the parsed answer `p` with the client's key and `type`, the
 * signature type of the request sent (the gateway answers in that type).
 */
static upay_code verify_answer(upay_client *c, upay_sign_type type, const upay_params *p,
                               upay_error *err)
{
    char what[3 * UPAY__QUOTE_SIZE + 40];
    describe_unverified(p, what, sizeof what);
    const char *st = upay_params_get(p, "sign_type");
    upay_sign_type stated;
    if (st && *st && (upay_sign_type_parse(st, &stated) != UPAY_OK || stated != type))
        return upay__error_set(err, UPAY_E_RESPONSE_SIGN, 0,
                               "response signature error (20003): the answer is signed "
                               "with another sign_type than %s (%s)",
                               upay_sign_type_name(type), what);
    upay_code rc = upay_response_verify(p, c->key, type);
    if (rc == UPAY_E_SIGN_MISMATCH) /* the live rules sort names ignoring case */
        rc = upay_sign_verify_sorted(p, c->key, type, UPAY_SIGN_SORT_NOCASE);
    switch (rc) {
    case UPAY_OK:
        return UPAY_OK;
    case UPAY_E_SIGN_MISSING:
        return upay__error_set(err, UPAY_E_RESPONSE_SIGN, 0,
                               "response signature error (20003): the answer is not signed (%s)",
                               what);
    case UPAY_E_NOMEM:
        return upay__error_set(err, UPAY_E_NO_ANSWER, 0,
                               "out of memory verifying the answer (outcome unknown)");
    default:
        return upay__error_set(err, UPAY_E_RESPONSE_SIGN, 0,
                               "response signature error (20003): the answer's sign does not "
                               "match its fields and the key (%s)",
                               what);
    }
}

/*
 * Whether an answer that failed verification may still be believed: only
 * when what it says is "no money moved" (issue 11). The live gateway signs
 * only business successes (v3.2.1 api/micropay.md: 仅业务正确时返回签名), so
 * its refusals (state=FAIL, any code), its VER and its business failures
 * (state=SUCCESS, trade_state=FAIL) come unsigned. An answer that says
 * anything else (paid, paying, refunded, settling, a refund_list) is never
 * believed unsigned.
 */
static int says_nothing_moved(const upay_params *p)
{
    const char *state = upay_params_get(p, "state");
    const char *ts = upay_params_get(p, "trade_state");
    const char *list = upay_params_get(p, "refund_list");
    if (!state || (list && *list))
        return 0;
    int ts_fail = ts && strcmp(ts, "FAIL") == 0;
    if (strcmp(state, "FAIL") == 0 || strcmp(state, "VER") == 0)
        return !ts || !*ts || ts_fail;
    return strcmp(state, "SUCCESS") == 0 && ts_fail;
}

/* The refusal of a state=FAIL or VER answer, signed or not. */
static upay_code refused(const upay_result *r, upay_error *err)
{
    char msg[UPAY__QUOTE_SIZE], code[UPAY__QUOTE_SIZE];
    upay__error_quote(msg, r->msg, strlen(r->msg));
    upay__error_quote(code, r->code, strlen(r->code));
    const char *how = r->verified ? "" : " (answer without a valid sign, believed: it says nothing happened)";
    if (strcmp(r->state, "VER") == 0)
        return upay__error_set(err, UPAY_E_VERSION, 0,
                               "the gateway finds the client version too low%s: state=VER "
                               "code=%s msg=%s",
                               how, code, msg);
    return upay__error_set(err, UPAY_E_GATEWAY_REFUSED, 0,
                           "the gateway refused the request, nothing happened%s: state=%s "
                           "code=%s msg=%s",
                           how, r->state, code, msg);
}

/*
 * Everything after the HTTP answer arrived: status, JSON, signature, state,
 * refund_list. `r` gets what could be learned; returns the call's code.
 */
static upay_code read_answer(upay_client *c, upay_result *r, upay__exchange *ex, upay_error *err)
{
    r->http_status = ex->http_status;
    r->body_len = ex->body_len;
    const char *body = upay__result_own_string(r, ex->body);
    ex->body = NULL;
    if (!body)
        return upay__error_set(err, UPAY_E_NO_ANSWER, 0,
                               "out of memory storing the answer (outcome unknown)");
    r->body = body;
    if (ex->http_status < 200 || ex->http_status > 299)
        return upay__error_set(err, UPAY_E_HTTP_STATUS, 0,
                               "the gateway answered HTTP %ld", ex->http_status);

    upay_params *p = NULL;
    upay_error perr = {0};
    upay_code rc = upay_response_parse(body, r->body_len, 0, &p, &perr);
    if (rc == UPAY_E_NOMEM)
        return upay__error_set(err, UPAY_E_NO_ANSWER, 0,
                               "out of memory reading the answer (outcome unknown)");
    if (rc != UPAY_OK)
        return upay__error_set(err, UPAY_E_BAD_RESPONSE, perr.offset,
                               "the answer is not a JSON object of strings: %s", perr.message);
    upay__result_own_response(r, p);
    char *canon = upay__sign_string_redacted(p);
    if (canon)
        r->response_sign_string = upay__result_own_string(r, canon);
    if (!r->response_sign_string)
        r->response_sign_string = "";

    /* The gateway answers in the request's sign type; MD5 when it had none or a bad one. */
    upay_sign_type type = UPAY_SIGN_MD5;
    if (upay_sign_type_parse(upay_params_get(r->request, "sign_type"), &type) != UPAY_OK)
        type = UPAY_SIGN_MD5;
    upay_error verr = {0};
    rc = verify_answer(c, type, p, &verr);
    if (rc == UPAY_E_NO_ANSWER || (rc != UPAY_OK && !says_nothing_moved(p))) {
        if (err)
            *err = verr;
        return rc;
    }
    r->verified = rc == UPAY_OK;
    if (upay__result_fill(r, p) != UPAY_OK)
        return upay__error_set(err, UPAY_E_NO_ANSWER, 0,
                               "out of memory reading the answer (outcome unknown)");

    if (strcmp(r->state, "FAIL") == 0 || strcmp(r->state, "VER") == 0)
        return refused(r, err);
    if (strcmp(r->state, "SUCCESS") != 0) {
        char state[UPAY__QUOTE_SIZE];
        upay__error_quote(state, r->state, strlen(r->state));
        return upay__error_set(err, UPAY_E_BAD_RESPONSE, 0,
                               "the answer has an unknown state \"%s\"", state);
    }
    if (!r->verified) {
        /* state=SUCCESS, trade_state=FAIL, unsigned: believed as "nothing moved",
         * but a pay's may hide a payment: the caller confirms (the flows do). */
        char msg[UPAY__QUOTE_SIZE], code[UPAY__QUOTE_SIZE];
        upay__error_quote(msg, r->msg, strlen(r->msg));
        upay__error_quote(code, r->code, strlen(r->code));
        return upay__error_set(err, UPAY_E_UNVERIFIED_FAIL, 0,
                               "an answer without a valid sign says the business failed "
                               "(code=%s msg=%s): %s",
                               code, msg, verr.message);
    }
    if (*r->refund_list) {
        upay_refund_entry *items = NULL;
        size_t count = 0;
        upay_error lerr = {0};
        rc = upay_refund_list_parse(r->refund_list, &items, &count, &lerr);
        if (rc == UPAY_E_NOMEM)
            return upay__error_set(err, UPAY_E_NO_ANSWER, 0,
                                   "out of memory decoding refund_list (outcome unknown)");
        if (rc != UPAY_OK)
            return upay__error_set(err, UPAY_E_BAD_RESPONSE, lerr.offset,
                                   "refund_list cannot be decoded: %s", lerr.message);
        upay__result_own_refunds(r, items, count);
    }
    r->outcome = upay__outcome_of(r->trade_state);
    return UPAY_OK;
}

/* Record the request in the result: params, body and redacted canonical string. */
static upay_code record_request(upay_client *c, upay_result *r, upay_params *req)
{
    const char *method = upay_params_get(req, "method");
    r->method = upay__result_keep(r, method);
    r->url = upay__result_keep(r, c->url);
    char *canon = upay__sign_string_redacted(req);
    r->request_sign_string = canon ? upay__result_own_string(r, canon) : NULL;
    char *body = NULL;
    if (upay_form_encode(req, &body) != UPAY_OK)
        body = NULL;
    char *copy = body ? strdup(body) : NULL;
    upay_free(body);
    r->request_body = copy ? upay__result_own_string(r, copy) : NULL;
    upay__result_own_request(r, req);
    if (!r->method || !r->url || !r->request_sign_string || !r->request_body)
        return UPAY_E_NOMEM;
    return UPAY_OK;
}

upay_code upay__send(upay_client *c, upay_params *req, int sign, upay_result **out,
                     upay_error *err)
{
    double started = now_seconds();
    if (sign) {
        upay_code rc = upay_sign_params(req, c->key, c->sign_type);
        if (rc != UPAY_OK) {
            upay_params_free(req);
            return upay__error_set(err, rc, 0, "the request cannot be signed: %s",
                                   upay_strerror(rc));
        }
    }
    upay_result *r = upay__result_new();
    if (!r) {
        upay_params_free(req);
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory building the request");
    }
    if (record_request(c, r, req) != UPAY_OK) {
        upay_result_free(r);
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory building the request");
    }

    upay__exchange ex;
    if (c->test_post) {
        memset(&ex, 0, sizeof ex);
        c->test_post(c->test_post_userdata, r->request_body, &ex);
    } else {
        upay__transport_post(c, r->request_body, &ex);
    }
    upay_code rc;
    if (ex.code == UPAY_E_NOMEM) {
        upay__exchange_clear(&ex);
        upay_result_free(r);
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory sending the request");
    }
    if (ex.code != UPAY_OK) {
        rc = upay__error_set(err, ex.code, 0, "%s", ex.detail);
        r->http_status = ex.http_status;
    } else {
        rc = read_answer(c, r, &ex, err);
    }
    upay__exchange_clear(&ex);
    log_exchange(c, r, rc, started);
    *out = r;
    return rc;
}

/* ---- building requests ---- */

/* A parameter set under construction; the first failure sticks. */
typedef struct builder {
    upay_params *p;
    upay_code rc;
} builder;

static void add(builder *b, const char *name, const char *value)
{
    if (b->rc == UPAY_OK && value && *value)
        b->rc = upay_params_set(b->p, name, value);
}

static void add_amount(builder *b, const char *name, long long value)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", value);
    add(b, name, buf);
}

static void add_extra(builder *b, const upay_params *extra)
{
    size_t n = extra ? upay_params_count(extra) : 0;
    for (size_t i = 0; i < n && b->rc == UPAY_OK; i++)
        b->rc = upay_params_set(b->p, upay_params_name_at(extra, i),
                                upay_params_value_at(extra, i));
}

/* Add what the client adds to every request, where `p` lacks it. */
static void add_defaults(builder *b, const upay_client *c)
{
    const char *names[] = {"agent_id", "version", "pid", "sign_type"};
    const char *values[] = {
        c->agent_id, c->version, c->pid,
        c->sign_type == UPAY_SIGN_HMAC_SHA256 ? upay_sign_type_name(c->sign_type) : NULL,
    };
    for (size_t i = 0; i < 4; i++)
        if (!upay_params_get(b->p, names[i]))
            add(b, names[i], values[i]);
}

static int present(const char *s)
{
    return s && *s;
}

static upay_code check_client(const upay_client *c, upay_result **out, upay_error *err)
{
    if (!out)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "the result pointer is NULL");
    *out = NULL;
    if (!c)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "the client is NULL");
    if (!c->url || !c->key)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0,
                               "the client has no %s: set it before calling the gateway",
                               !c->url ? "URL" : "key");
    return UPAY_OK;
}

static upay_code missing(upay_error *err, const char *method, const char *what)
{
    return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "%s: %s is required", method, what);
}

static int amount_ok(long long v)
{
    return v > 0 && v <= UPAY_AMOUNT_MAX;
}

/* Start a typed request: common parameters first, as in the API pages. */
static upay_code begin(builder *b, const upay_client *c, const char *method, upay_error *err)
{
    b->rc = UPAY_OK;
    if (!c->agent_id && !c->merchant_key)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0,
                               "the client has no agent id: set it before calling the gateway "
                               "(or sign with a merchant key for the v2 endpoint)");
    b->p = upay_params_new();
    if (!b->p)
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory building the request");
    add(b, "method", method);
    add_defaults(b, c);
    return UPAY_OK;
}

/* Finish a typed request and send it. */
static upay_code finish(builder *b, upay_client *c, const upay_params *extra, upay_result **out,
                        upay_error *err)
{
    add_extra(b, extra);
    if (b->rc != UPAY_OK) {
        upay_params_free(b->p);
        return upay__error_set(err, b->rc, 0, "the request cannot be built: %s",
                               upay_strerror(b->rc));
    }
    return upay__send(c, b->p, 1, out, err);
}

static const char *paytype_of(upay_paytype t)
{
    const char *name = upay_paytype_name(t);
    return name && *name ? name : NULL;
}

upay_code upay_pay(upay_client *c, const upay_pay_request *q, upay_result **out, upay_error *err)
{
    upay_code rc = check_client(c, out, err);
    if (rc != UPAY_OK)
        return rc;
    if (!q)
        return missing(err, "pay", "a request");
    if (!present(q->mch_id))
        return missing(err, "pay", "mch_id");
    if (!present(q->out_trade_no))
        return missing(err, "pay", "out_trade_no");
    if (!present(q->body))
        return missing(err, "pay", "body");
    if (!present(q->auth_code))
        return missing(err, "pay", "auth_code");
    if (!amount_ok(q->total_fee))
        return missing(err, "pay", "total_fee between 1 and 10^12 fen");
    builder b;
    if ((rc = begin(&b, c, "pay", err)) != UPAY_OK)
        return rc;
    add(&b, "mch_id", q->mch_id);
    add(&b, "out_trade_no", q->out_trade_no);
    add(&b, "device_info", q->device_info);
    add(&b, "body", q->body);
    add(&b, "attach", q->attach);
    add_amount(&b, "total_fee", q->total_fee);
    add(&b, "mch_create_ip", q->mch_create_ip);
    add(&b, "auth_code", q->auth_code);
    add(&b, "op_user_id", q->op_user_id);
    add(&b, "op_shop_id", q->op_shop_id);
    add(&b, "op_device_id", q->op_device_id);
    add(&b, "goods_tag", q->goods_tag);
    return finish(&b, c, q->extra, out, err);
}

upay_code upay_orderquery(upay_client *c, const upay_orderquery_request *q, upay_result **out,
                          upay_error *err)
{
    upay_code rc = check_client(c, out, err);
    if (rc != UPAY_OK)
        return rc;
    if (!q)
        return missing(err, "orderquery", "a request");
    if (!paytype_of(q->paytype))
        return missing(err, "orderquery", "paytype");
    if (!present(q->mch_id))
        return missing(err, "orderquery", "mch_id");
    if (!present(q->out_trade_no) && !present(q->transaction_id))
        return missing(err, "orderquery", "out_trade_no or transaction_id");
    builder b;
    if ((rc = begin(&b, c, "orderquery", err)) != UPAY_OK)
        return rc;
    add(&b, "paytype", paytype_of(q->paytype));
    add(&b, "mch_id", q->mch_id);
    add(&b, "out_trade_no", q->out_trade_no);
    add(&b, "transaction_id", q->transaction_id);
    return finish(&b, c, q->extra, out, err);
}

static void add_scene(builder *b, int scene)
{
    if (scene > 0) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", scene);
        add(b, "scene", buf);
    }
}

upay_code upay_refund(upay_client *c, const upay_refund_request *q, upay_result **out,
                      upay_error *err)
{
    upay_code rc = check_client(c, out, err);
    if (rc != UPAY_OK)
        return rc;
    if (!q)
        return missing(err, "refund", "a request");
    if (!paytype_of(q->paytype))
        return missing(err, "refund", "paytype");
    if (!present(q->mch_id))
        return missing(err, "refund", "mch_id");
    if (!present(q->out_trade_no) && !present(q->transaction_id))
        return missing(err, "refund", "out_trade_no or transaction_id");
    if (!present(q->out_refund_no))
        return missing(err, "refund", "out_refund_no");
    if (!amount_ok(q->total_fee))
        return missing(err, "refund", "total_fee between 1 and 10^12 fen");
    if (!amount_ok(q->refund_fee))
        return missing(err, "refund", "refund_fee between 1 and 10^12 fen");
    if (q->scene < 0)
        return missing(err, "refund", "a scene of 0 (not sent) or more");
    builder b;
    if ((rc = begin(&b, c, "refund", err)) != UPAY_OK)
        return rc;
    add(&b, "paytype", paytype_of(q->paytype));
    add(&b, "mch_id", q->mch_id);
    add(&b, "out_trade_no", q->out_trade_no);
    add(&b, "transaction_id", q->transaction_id);
    add(&b, "out_refund_no", q->out_refund_no);
    add_amount(&b, "total_fee", q->total_fee);
    add_amount(&b, "refund_fee", q->refund_fee);
    add(&b, "op_user_id", present(q->op_user_id) ? q->op_user_id : q->mch_id);
    add_scene(&b, q->scene);
    return finish(&b, c, q->extra, out, err);
}

upay_code upay_refundquery(upay_client *c, const upay_refundquery_request *q, upay_result **out,
                           upay_error *err)
{
    upay_code rc = check_client(c, out, err);
    if (rc != UPAY_OK)
        return rc;
    if (!q)
        return missing(err, "refundquery", "a request");
    if (!paytype_of(q->paytype))
        return missing(err, "refundquery", "paytype");
    if (!present(q->mch_id))
        return missing(err, "refundquery", "mch_id");
    if (!present(q->refund_id) && !present(q->out_refund_no) && !present(q->transaction_id)
        && !present(q->out_trade_no))
        return missing(err, "refundquery",
                       "one of refund_id, out_refund_no, transaction_id, out_trade_no");
    builder b;
    if ((rc = begin(&b, c, "refundquery", err)) != UPAY_OK)
        return rc;
    add(&b, "paytype", paytype_of(q->paytype));
    add(&b, "mch_id", q->mch_id);
    add(&b, "out_trade_no", q->out_trade_no);
    add(&b, "transaction_id", q->transaction_id);
    add(&b, "out_refund_no", q->out_refund_no);
    add(&b, "refund_id", q->refund_id);
    return finish(&b, c, q->extra, out, err);
}

upay_code upay_cancel(upay_client *c, const upay_cancel_request *q, upay_result **out,
                      upay_error *err)
{
    upay_code rc = check_client(c, out, err);
    if (rc != UPAY_OK)
        return rc;
    if (!q)
        return missing(err, "cancel", "a request");
    if (!paytype_of(q->paytype))
        return missing(err, "cancel", "paytype");
    if (!present(q->mch_id))
        return missing(err, "cancel", "mch_id");
    if (!present(q->out_trade_no))
        return missing(err, "cancel", "out_trade_no");
    if (q->scene < 0)
        return missing(err, "cancel", "a scene of 0 (not sent) or more");
    builder b;
    if ((rc = begin(&b, c, "cancel", err)) != UPAY_OK)
        return rc;
    add(&b, "paytype", paytype_of(q->paytype));
    add(&b, "mch_id", q->mch_id);
    add(&b, "out_trade_no", q->out_trade_no);
    add(&b, "op_user_id", present(q->op_user_id) ? q->op_user_id : q->mch_id);
    add_scene(&b, q->scene);
    return finish(&b, c, q->extra, out, err);
}

upay_code upay_call(upay_client *c, const char *method, const upay_params *params,
                    unsigned flags, upay_result **out, upay_error *err)
{
    upay_code rc = check_client(c, out, err);
    if (rc != UPAY_OK)
        return rc;
    if (flags & ~(UPAY_CALL_NO_DEFAULTS | UPAY_CALL_NO_SIGN))
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "unknown flags 0x%x", flags);
    builder b = {params ? upay_params_dup(params) : upay_params_new(), UPAY_OK};
    if (!b.p)
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory building the request");
    if (method && !upay_params_get(b.p, "method"))
        add(&b, "method", method);
    if (!(flags & UPAY_CALL_NO_DEFAULTS))
        add_defaults(&b, c);
    if (b.rc != UPAY_OK) {
        upay_params_free(b.p);
        return upay__error_set(err, b.rc, 0, "the request cannot be built: %s",
                               upay_strerror(b.rc));
    }
    return upay__send(c, b.p, !(flags & UPAY_CALL_NO_SIGN), out, err);
}
