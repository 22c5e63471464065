/*
 * server/gateway/gateway.c - the gateway's request pipeline (see gateway.h): form
 * body, agent, signature, parameters, merchant, then the call under the
 * store lock and transaction; the answer is signed like the request.
 */
#include "gateway/gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <upay/form.h>
#include <upay/response.h>

#include "calls/calls.h"
#include "core/merchant_key.h"
#include "gateway/sign_diagnose.h"
#include "steer/edge.h"
#include "core/text.h"

static int content_type_ok(const char *ct)
{
    static const char form[] = "application/x-www-form-urlencoded";
    if (!ct)
        return 0;
    while (*ct == ' ')
        ct++;
    if (strncasecmp(ct, form, sizeof form - 1) != 0)
        return 0;
    char next = ct[sizeof form - 1];
    return next == '\0' || next == ';' || next == ' ';
}

/* A key that is not `key`: a configured agent's, else a made-up one. */
static const char *other_agent_key(const mock_ctx *ctx, const char *key)
{
    for (size_t i = 0; i < ctx->config->n_agents; i++)
        if (strcmp(ctx->config->agents[i].key, key) != 0)
            return ctx->config->agents[i].key;
    return "UPAYMOCK-ANOTHER-AGENTS-KEY-0000";
}

/* The request's signing key and name order: who signs, and in which dialect. */
typedef struct signer {
    const char *key;           /* the agent's (v1) or the merchant's (v2) key */
    upay_sign_type type;
    int nocase;                /* live: names sorted case-insensitively */
} signer;

/* The live rules sort names ignoring case (docs/protocol.md R-LIVE-08). */
static upay_sign_sort sort_of(const signer *s)
{
    return s->nocase ? UPAY_SIGN_SORT_NOCASE : UPAY_SIGN_SORT_BYTES;
}

static upay_code sign_compute(const upay_params *p, const signer *s, const char *key,
                              char sig[UPAY_SIGN_BUF_SIZE])
{
    return upay_sign_compute_sorted(p, key, s->type, sort_of(s), sig);
}

static upay_code sign_verify(const upay_params *p, const signer *s)
{
    return upay_sign_verify_sorted(p, s->key, s->type, sort_of(s));
}

/*
 * Why the request's signature failed (gateway/sign_diagnose.h), trying as
 * wrong keys the other agents' keys and the key of the other endpoint (the
 * merchant's on /UnifiedPay/Gateway, the agent's on /v2/).
 */
static void explain_bad_sign(const mock_ctx *ctx, const upay_params *req, const signer *sg,
                             const mock_agent *agent, int api, char *out, size_t outlen)
{
    enum { MAX_ALTS = 8 };
    mock_sign_alt_key alts[MAX_ALTS];
    char labels[MAX_ALTS][80];
    char merchant_key[MOCK_MERCHANT_KEY_SIZE];
    size_t n = 0;
    const char *mch = mock_request_get(req, "mch_id");
    if (api == MOCK_GATEWAY_V2 && agent) {
        alts[n++] = (mock_sign_alt_key){"the agent's key (/v2/ is signed with the merchant's)",
                                        agent->key};
    } else if (agent && mch && *mch
               && mock_merchant_key(ctx->config, agent->agent_id, mch, merchant_key) == 0) {
        alts[n++] = (mock_sign_alt_key){"the merchant's key (that one signs /v2/ only)",
                                        merchant_key};
    }
    for (size_t i = 0; i < ctx->config->n_agents && n < MAX_ALTS; i++) {
        const mock_agent *a = &ctx->config->agents[i];
        if (a == agent || strcmp(a->key, sg->key) == 0)
            continue;
        snprintf(labels[n], sizeof labels[n], "agent %s's key", a->agent_id);
        alts[n] = (mock_sign_alt_key){labels[n], a->key};
        n++;
    }
    mock_sign_diagnose(req, sg->key, sg->type, sort_of(sg), alts, n, out, outlen);
}

/*
 * A business success (docs/protocol.md, 14): state and trade_state both
 * SUCCESS. In the live dialect only such an answer is signed and carries
 * nonce_str and the detail fields.
 */
static int business_success(const upay_params *resp)
{
    const char *state = upay_params_get(resp, "state");
    const char *trade_state = upay_params_get(resp, "trade_state");
    return state && trade_state && strcmp(state, "SUCCESS") == 0
           && strcmp(trade_state, "SUCCESS") == 0;
}

/* The live dialect's answer to anything but a business success: status fields, unsigned. */
static void reply_bare(mock_reply *out, const upay_params *resp)
{
    static const char *const kept[] = { "state", "code", "msg", "trade_state" };
    upay_params *bare = upay_params_new();
    int ok = bare != NULL;
    for (size_t i = 0; ok && i < sizeof kept / sizeof kept[0]; i++) {
        const char *v = upay_params_get(resp, kept[i]);
        if (v)
            ok = upay_params_set(bare, kept[i], v) == UPAY_OK;
    }
    if (ok)
        mock_reply_take_params(out, 200, bare);
    else
        mock_reply_take(out, 200, NULL);
    upay_params_free(bare);
}

/*
 * Sign and encode `resp` (adding nonce_str) with the signer's key, or as a
 * signature fault says: altered, left out, or another agent's key. In the
 * live dialect an answer that is not a business success goes out bare.
 */
static void reply_signed(mock_ctx *ctx, mock_reply *out, upay_params *resp, const signer *sg,
                         mock_fault_kind fault)
{
    if (ctx->live && !business_success(resp)) {
        reply_bare(out, resp);
        return;
    }
    char nonce[MOCK_NONCE_SIZE];
    mock_ids_nonce(ctx->ids, nonce);
    if (upay_params_set(resp, "nonce_str", nonce) != UPAY_OK) {
        mock_reply_take(out, 200, NULL);
        return;
    }
    const char *key = fault == MOCK_FAULT_OTHER_AGENT_SIGN ? other_agent_key(ctx, sg->key) : sg->key;
    char sig[UPAY_SIGN_BUF_SIZE] = "";
    int ok = 1;
    if (fault != MOCK_FAULT_NO_SIGN) {
        ok = sign_compute(resp, sg, key, sig) == UPAY_OK;
        if (ok && fault == MOCK_FAULT_BAD_SIGN)
            sig[0] = sig[0] == 'A' ? 'B' : 'A';   /* still hex, no longer the signature */
        ok = ok && upay_params_set(resp, "sign", sig) == UPAY_OK;
    }
    if (ok)
        mock_reply_take_params(out, 200, resp);
    else
        mock_reply_take(out, 200, NULL);
}

/*
 * POST /v2/UnifiedPay/Gateway: the merchant's own key signs, agent_id is
 * optional. Finds the agent and the key from mch_id (and agent_id when
 * given). Returns 0 with `*agent` and `key` set, or -1 after an unsigned
 * refusal in `out` (no key to sign with): 20012 unknown agent, 20004 no
 * usable mch_id, 20005 merchant unknown or of another agent.
 */
static int v2_signer(mock_ctx *ctx, const upay_params *req, const mock_agent **agent,
                     char key[MOCK_MERCHANT_KEY_SIZE], mock_reply *out)
{
    const char *agent_id = mock_request_get(req, "agent_id");
    const char *mch_id = mock_request_get(req, "mch_id");
    *agent = agent_id ? mock_config_agent(ctx->config, agent_id) : NULL;
    if (agent_id && !*agent) {
        mock_reply_unsigned(out, 20012, "agent error: unknown agent_id");
        return -1;
    }
    if (!mock_mch_id_valid(mch_id)) {
        mock_reply_unsigned(out, 20004, "parameter error: /v2/ needs mch_id (1-32 letters or "
                                        "digits): the merchant's key signs");
        return -1;
    }
    mock_merchant m;
    pthread_mutex_lock(&ctx->lock);
    mock_store_rc rc = mock_store_merchant_get(ctx->store, mch_id, &m);
    pthread_mutex_unlock(&ctx->lock);
    const char *why = NULL;
    if (rc == MOCK_STORE_OK) {
        if (*agent && strcmp(m.agent_id, (*agent)->agent_id) != 0)
            why = "merchant error: the merchant belongs to another agent";
        else if (ctx->strict_merchants && !m.configured)
            why = "merchant error: unknown mch_id";
        else if (!*agent && !(*agent = mock_config_agent(ctx->config, m.agent_id)))
            why = "merchant error: the merchant's agent is no longer configured";
    } else if (rc == MOCK_STORE_NOT_FOUND) {
        if (ctx->strict_merchants)
            why = "merchant error: unknown mch_id";
        else if (!*agent)
            why = "merchant error: unknown mch_id (an open merchant starts with a request that "
                  "names its agent_id)";
    } else {
        why = "system error: the store failed";
    }
    if (!why && mock_merchant_key(ctx->config, (*agent)->agent_id, mch_id, key) != 0)
        why = "merchant error: no key for this merchant";
    if (why) {
        mock_reply_unsigned(out, rc == MOCK_STORE_ERROR ? 20006 : 20005, why);
        return -1;
    }
    return 0;
}

/*
 * Resolve the request's merchant, creating it in the open sandbox. Returns
 * 0 with `m` set, 1 after answering 20005, -1 on a store failure.
 */
static int resolve_merchant(mock_call *c, const mock_agent *agent, mock_merchant *m)
{
    mock_ctx *ctx = c->ctx;
    mock_store_rc rc = mock_store_merchant_get(ctx->store, c->rq->mch_id, m);
    if (rc == MOCK_STORE_NOT_FOUND) {
        if (ctx->strict_merchants) {
            mock_answer_status(c, "FAIL", 20005, "merchant error: unknown mch_id", NULL);
            return 1;
        }
        memset(m, 0, sizeof *m);
        mock_text_copy(m->mch_id, sizeof m->mch_id, c->rq->mch_id);
        mock_text_copy(m->agent_id, sizeof m->agent_id, agent->agent_id);
        return mock_store_merchant_put(ctx->store, m) == MOCK_STORE_OK ? 0 : -1;
    }
    if (rc != MOCK_STORE_OK)
        return -1;
    if (strcmp(m->agent_id, agent->agent_id) != 0) {
        mock_answer_status(c, "FAIL", 20005, "merchant error: the merchant belongs to another agent",
                           NULL);
        return 1;
    }
    if (ctx->strict_merchants && !m->configured) {
        mock_answer_status(c, "FAIL", 20005, "merchant error: unknown mch_id", NULL);
        return 1;
    }
    return 0;
}

typedef int (*call_fn)(mock_call *c);

static const call_fn calls[] = {
    [MOCK_CALL_PAY] = mock_call_pay,
    [MOCK_CALL_ORDERQUERY] = mock_call_orderquery,
    [MOCK_CALL_REFUND] = mock_call_refund,
    [MOCK_CALL_REFUNDQUERY] = mock_call_refundquery,
    [MOCK_CALL_CANCEL] = mock_call_cancel,
    [MOCK_CALL_PREORDER] = mock_call_preorder,
};

/*
 * 20006/NEED_QUERY: the store failed (nothing was written) or the answer
 * could not be built (the outcome may be written): either way the client
 * must query to learn the outcome. `why` (NULL: the generic sentence) is
 * the detail the journal and X-Upay-Detail keep.
 */
static void answer_outcome_unknown(mock_call *c, const char *why)
{
    upay_params *fresh = upay_params_new();
    if (!fresh)
        return;
    upay_params_free(c->resp);
    c->resp = fresh;
    c->staged.count = 0;
    c->staged.used = 0;
    c->nomem = 0;
    mock_answer_status(c, "SUCCESS", 20006, why ? why : "system error: outcome unknown, query again",
                       "NEED_QUERY");
    mock_answer_finish(c);
}

/*
 * A store failure, said where an operator looks: the answer's detail (so the
 * journal and X-Upay-Detail), and stderr unless --quiet, the first time and
 * then at every power of two (a full disk fails every request: the log must
 * not fill what is left of it). Caller holds ctx->lock.
 */
static void store_failed(mock_call *c, const upay_params *req, char *why, size_t whylen)
{
    mock_ctx *ctx = c->ctx;
    unsigned long long n = mock_store_failures(ctx->store);
    snprintf(why, whylen, "system error: the store failed, outcome unknown, query again: %s",
             mock_store_errmsg(ctx->store));
    if (!ctx->quiet && n && (n & (n - 1)) == 0)
        fprintf(stderr, "upay-mock: store failure %llu (%s call, mch_id=%s; answered 20006): %s\n",
                n, mock_request_get(req, "method"),
                c->rq->mch_id ? c->rq->mch_id : "-", mock_store_errmsg(ctx->store));
}

/*
 * Merchant and business rules, serialized: one lock, one transaction. The
 * call only stages its answer; mock_answer_finish builds it after the lock.
 * A rule's fault is picked inside the transaction and used up, with the
 * effects the call made, only when it commits (steer/edge.h).
 */
static int run_call(mock_call *c, const mock_agent *agent, const upay_params *req)
{
    mock_ctx *ctx = c->ctx;
    mock_merchant m;
    char why[320] = "";
    int rc;
    atomic_fetch_add(&ctx->gateway_waiting, 1);
    pthread_mutex_lock(&ctx->lock);
    atomic_fetch_sub(&ctx->gateway_waiting, 1);
    atomic_fetch_add(&ctx->gateway_turns, 1);
    c->epoch = mock_journal_epoch(ctx->journal);
    if (mock_store_begin(ctx->store) != MOCK_STORE_OK) {
        rc = -1;
    } else {
        rc = resolve_merchant(c, agent, &m);
        if (rc == 0) {
            c->merchant = m;
            c->now = mock_clock_merchant_now(ctx->clock, m.clock_offset);
            mock_edge_pick_rule(ctx, c->rq, req, c->edge);
            /* a fault before the call took effect: the merchant exists, nothing else moves */
            if (!c->edge->fault.not_applied)
                rc = calls[c->rq->kind](c);
        }
        if (rc >= 0 && !c->nomem)
            rc = mock_store_commit(ctx->store) == MOCK_STORE_OK ? rc : -1;
        else
            mock_store_rollback(ctx->store);
    }
    if (rc == 0 && !c->nomem)
        mock_edge_settle(ctx, c->edge);
    else if (rc > 0)
        mock_edge_forget(c->edge, NULL);   /* refused by the merchant check: nothing ran */
    else
        mock_edge_forget(c->edge, "nothing (rolled back)");
    if (rc < 0)
        store_failed(c, req, why, sizeof why);
    pthread_mutex_unlock(&ctx->lock);
    if (rc < 0)
        answer_outcome_unknown(c, why[0] ? why : NULL);
    return rc;
}

/* The merchant clock of `mch_id` (the global clock for an unknown merchant). */
static long long merchant_now(mock_ctx *ctx, const char *mch_id)
{
    mock_merchant m;
    long long offset = 0;
    pthread_mutex_lock(&ctx->lock);
    if (mch_id && mock_store_merchant_get(ctx->store, mch_id, &m) == MOCK_STORE_OK)
        offset = m.clock_offset;
    long long now = mock_clock_merchant_now(ctx->clock, offset);
    pthread_mutex_unlock(&ctx->lock);
    return now;
}

/* What the journal keeps of a processed call, and what the linter learns from it. */
static void account(mock_ctx *ctx, mock_call *c, const mock_request *rq, const mock_edge *edge,
                    mock_journal_entry *info)
{
    info->epoch = c->epoch;
    mock_text_copy(info->mch_id, sizeof info->mch_id, rq->mch_id ? rq->mch_id : "");
    info->mch_time = c->now ? c->now : merchant_now(ctx, rq->mch_id);
    mock_text_copy(info->out_trade_no, sizeof info->out_trade_no,
                   rq->out_trade_no ? rq->out_trade_no : edge->out_trade_no);
    mock_text_copy(info->out_refund_no, sizeof info->out_refund_no,
                   rq->out_refund_no ? rq->out_refund_no : "");
    info->rule = edge->rule_id;
    if (edge->fault.kind != MOCK_FAULT_NONE) {
        mock_fault_format(&edge->fault, info->fault, sizeof info->fault);
        mock_text_copy(info->fault_source, sizeof info->fault_source, edge->source);
    }
    mock_text_copy(info->change, sizeof info->change, edge->change);
    /* a lost, spoiled or late answer (maybe past the client's timeout) told nothing */
    int told = !mock_fault_is_transport(&edge->fault)
               && edge->fault.kind != MOCK_FAULT_SYSTEM_ERROR;
    mock_edge_lint(ctx, edge, rq, c->resp, info->mch_time, told, info->lint, sizeof info->lint);
}

static void handle(mock_ctx *ctx, int api, const char *http_method, const char *content_type,
                   const char *body, size_t len, const char *fault_header, mock_reply *out,
                   mock_journal_entry *info, mock_edge *edge)
{
    char *call_name = info->call;
    if (!http_method || strcmp(http_method, "POST") != 0) {
        mock_reply_error(out, 405, "only POST is allowed on /UnifiedPay/Gateway");
        out->allow = "POST";
        return;
    }
    if (!content_type_ok(content_type)) {
        mock_reply_unsigned(out, 20004,
                            "parameter error: the body must be application/x-www-form-urlencoded");
        return;
    }
    if (len > MOCK_BODY_MAX) {
        mock_reply_unsigned(out, 20004, "parameter error: the body is larger than 65536 bytes");
        return;
    }

    upay_params *req = NULL;
    upay_error err;
    memset(&err, 0, sizeof err);
    upay_code code = upay_form_parse(body ? body : "", body ? len : 0, MOCK_BODY_MAX, &req, &err);
    if (code != UPAY_OK) {
        char msg[320];
        snprintf(msg, sizeof msg, "parameter error: malformed form body: %s",
                 err.message[0] ? err.message : upay_strerror(code));
        mock_reply_unsigned(out, 20004, msg);
        return;
    }
    const char *method = mock_request_get(req, "method");
    if (method && strlen(method) < sizeof info->call)
        mock_text_copy(call_name, sizeof info->call, method);
    const char *mch = mock_request_get(req, "mch_id");
    if (mch && strlen(mch) < sizeof info->mch_id)
        mock_text_copy(info->mch_id, sizeof info->mch_id, mch);

    const mock_agent *agent = NULL;
    char merchant_key[MOCK_MERCHANT_KEY_SIZE];
    signer sg = { NULL, UPAY_SIGN_MD5, ctx->live };
    if (api == MOCK_GATEWAY_V2) {
        if (v2_signer(ctx, req, &agent, merchant_key, out) != 0) {
            upay_params_free(req);
            return;
        }
        sg.key = merchant_key;
    } else {
        agent = mock_config_agent(ctx->config, mock_request_get(req, "agent_id"));
        if (!agent) {
            mock_reply_unsigned(out, 20012, "agent error: unknown agent_id");
            upay_params_free(req);
            return;
        }
        sg.key = agent->key;
    }

    mock_call c;
    mock_request rq;
    memset(&c, 0, sizeof c);
    c.ctx = ctx;
    c.rq = &rq;
    c.api = api == MOCK_GATEWAY_V2 ? 2 : 1;
    c.resp = upay_params_new();
    if (!c.resp) {
        upay_params_free(req);
        mock_reply_take(out, 500, NULL);
        return;
    }

    upay_sign_type type = UPAY_SIGN_MD5;
    const char *version = mock_request_get(req, "version");
    char msg[200];
    upay_code type_rc = upay_sign_type_parse(mock_request_get(req, "sign_type"), &type);
    sg.type = type;
    if (type_rc != UPAY_OK) {
        mock_answer_status(&c, "FAIL", 20002, "signature error: unknown sign_type", NULL);
    } else if ((type == UPAY_SIGN_MD5 && !agent->allow_md5)
               || (type == UPAY_SIGN_HMAC_SHA256 && !agent->allow_hmac_sha256)) {
        mock_answer_status(&c, "FAIL", 20002,
                           "signature error: this agent does not accept that sign_type", NULL);
        /* answered in the type the request named, so the client can verify the refusal */
    } else if ((code = sign_verify(req, &sg)) != UPAY_OK) {
        char why[sizeof c.detail];
        explain_bad_sign(ctx, req, &sg, agent, api, why, sizeof why);
        mock_answer_status(&c, "FAIL", 20002, why, NULL);
    } else if (ctx->config->min_version[0] && version
               && mock_version_compare(version, ctx->config->min_version) < 0) {
        char full[160];
        snprintf(full, sizeof full, "version %.32s is older than the minimum %s", version,
                 ctx->config->min_version);
        mock_answer_status(&c, "VER", 20004, full, NULL);
    } else if (mock_request_check_dialect(req, ctx->live, &rq, msg, sizeof msg) != 0) {
        char full[240];
        snprintf(full, sizeof full, "parameter error: %s", msg);
        mock_answer_status(&c, "FAIL", 20004, full, NULL);
    } else {
        char why[240];
        if (mock_edge_pick(ctx, &rq, req, fault_header, edge, why, sizeof why) != 0) {
            mock_reply_error(out, 400, why);
            upay_params_free(c.resp);
            upay_params_free(req);
            return;
        }
        c.edge = edge;
        if (run_call(&c, agent, req) != 0) {
            /* refused by the merchant check, or the store failed: that answer stands */
        } else if (edge->fault.not_applied) {
            mock_edge_note(&c, "nothing (the fault struck before the call took effect)");
            answer_outcome_unknown(&c, NULL);
        } else if (edge->fault.kind == MOCK_FAULT_SYSTEM_ERROR) {
            answer_outcome_unknown(&c, NULL);   /* the change is committed; the answer says 20006 */
        }
        mock_answer_finish(&c);
        if (c.nomem)
            answer_outcome_unknown(&c, NULL);
        account(ctx, &c, &rq, edge, info);
        reply_signed(ctx, out, c.resp, &sg, edge->fault.kind);
        mock_reply_detail(out, c.detail);
        upay_params_free(c.resp);
        upay_params_free(req);
        return;
    }
    mock_answer_finish(&c);
    if (c.nomem)
        answer_outcome_unknown(&c, NULL);
    reply_signed(ctx, out, c.resp, &sg, MOCK_FAULT_NONE);
    mock_reply_detail(out, c.detail);
    upay_params_free(c.resp);
    upay_params_free(req);
}

static const char html_error[] =
    "<html><head><title>%d</title></head><body><center><h1>%d %s</h1></center>"
    "<hr><center>nginx</center></body></html>\n";

/* Replace the answer by what a transport fault makes of it, or leave it to the writer. */
static void spoil(mock_reply *out, const mock_fault *f)
{
    char *text = NULL;
    switch (f->kind) {
    case MOCK_FAULT_EMPTY:
        text = calloc(1, 1);
        mock_reply_free(out);
        mock_reply_take(out, 200, text);
        return;
    case MOCK_FAULT_NOT_JSON:
    case MOCK_FAULT_HTTP_5XX: {
        int status = f->kind == MOCK_FAULT_HTTP_5XX ? (int)f->arg : 200;
        const char *what = status == 200 ? "OK" : status == 502 ? "Bad Gateway"
                           : status == 503 ? "Service Temporarily Unavailable"
                           : status == 504 ? "Gateway Time-out" : "Server Error";
        size_t size = sizeof html_error + 64;
        text = malloc(size);
        if (text)
            snprintf(text, size, html_error, status, status, what);
        mock_reply_free(out);
        mock_reply_take(out, status, text);
        out->content_type = "text/html";
        return;
    }
    case MOCK_FAULT_DELAY:
    case MOCK_FAULT_DROP:
    case MOCK_FAULT_TRUNCATED:
        out->fault = (int)f->kind;
        out->fault_arg = f->arg;
        return;
    default:
        return;
    }
}

/* --verbose: one line per answer, with what the answer itself does not say. */
static void log_answer(const mock_journal_entry *info, const mock_reply *out, int api)
{
    char head[120] = "";
    upay_params *p = NULL;
    if (out->status == 200 && upay_response_parse(out->body, out->len, 0, &p, NULL) == UPAY_OK)
        snprintf(head, sizeof head, "%s %s %s", upay_params_get(p, "state") ? upay_params_get(p, "state") : "-",
                 upay_params_get(p, "code") ? upay_params_get(p, "code") : "-",
                 upay_params_get(p, "trade_state") ? upay_params_get(p, "trade_state") : "-");
    upay_params_free(p);
    fprintf(stderr, "upay-mock: %s%s mch_id=%s -> HTTP %d %s%s%s\n", api == MOCK_GATEWAY_V2 ? "v2 " : "",
            info->call[0] ? info->call : "?", info->mch_id[0] ? info->mch_id : "-", out->status,
            head, out->detail[0] ? ": " : "", out->detail);
}

void mock_gateway_handle_api(mock_ctx *ctx, int api, const char *http_method,
                             const char *content_type, const char *body, size_t len,
                             const char *fault_header, mock_reply *out)
{
    mock_journal_entry info;
    mock_edge edge;
    memset(&info, 0, sizeof info);
    mock_edge_init(&edge);
    memset(out, 0, sizeof *out);
    handle(ctx, api, http_method, content_type, body, len, fault_header, out, &info, &edge);
    info.http_status = out->status;
    mock_text_copy(info.detail, sizeof info.detail, out->detail);
    if (ctx->verbose)
        log_answer(&info, out, api);
    long long now = mock_clock_real_now(ctx->clock);
    /* the journal keeps the answer as built; a transport fault spoils it afterwards */
    mock_journal_record(ctx->journal, now, &info, body, body ? len : 0, out->body, out->len);
    if (mock_fault_is_transport(&edge.fault))
        spoil(out, &edge.fault);
}

void mock_gateway_handle_fault(mock_ctx *ctx, const char *http_method, const char *content_type,
                               const char *body, size_t len, const char *fault_header,
                               mock_reply *out)
{
    mock_gateway_handle_api(ctx, MOCK_GATEWAY_V1, http_method, content_type, body, len,
                            fault_header, out);
}

void mock_gateway_handle(mock_ctx *ctx, const char *http_method, const char *content_type,
                         const char *body, size_t len, mock_reply *out)
{
    mock_gateway_handle_fault(ctx, http_method, content_type, body, len, NULL, out);
}

void mock_gateway_journal_proxied(mock_ctx *ctx, const char *body, size_t len,
                                  const mock_reply *answer, const char *upstream)
{
    mock_journal_entry info;
    memset(&info, 0, sizeof info);
    info.http_status = answer->status;
    upay_params *req = NULL, *resp = NULL;
    mock_request rq;
    char msg[200];
    if (upay_form_parse(body ? body : "", body ? len : 0, MOCK_BODY_MAX, &req, NULL) == UPAY_OK) {
        const char *method = mock_request_get(req, "method");
        if (method && strlen(method) < sizeof info.call)
            mock_text_copy(info.call, sizeof info.call, method);
        if (mock_request_check_dialect(req, ctx->live, &rq, msg, sizeof msg) == 0) {
            mock_edge edge;
            mock_edge_init(&edge);
            mock_text_copy(info.mch_id, sizeof info.mch_id, rq.mch_id);
            info.mch_time = mock_clock_real_now(ctx->clock);
            mock_text_copy(info.out_trade_no, sizeof info.out_trade_no,
                           rq.out_trade_no ? rq.out_trade_no : "");
            mock_text_copy(info.out_refund_no, sizeof info.out_refund_no,
                           rq.out_refund_no ? rq.out_refund_no : "");
            int told = answer->status == 200
                       && upay_response_parse(answer->body, answer->len, 0, &resp, NULL) == UPAY_OK;
            if (resp && !rq.out_trade_no) {
                const char *otn = upay_params_get(resp, "out_trade_no");
                mock_text_copy(info.out_trade_no, sizeof info.out_trade_no, otn ? otn : "");
            }
            mock_edge_lint(ctx, &edge, &rq, resp, info.mch_time, told, info.lint,
                           sizeof info.lint);
        }
    }
    snprintf(info.change, sizeof info.change, "proxied to %.200s", upstream);
    mock_journal_record(ctx->journal, mock_clock_real_now(ctx->clock), &info, body,
                        body ? len : 0, answer->body, answer->len);
    upay_params_free(resp);
    upay_params_free(req);
}
