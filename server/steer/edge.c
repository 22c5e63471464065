/*
 * server/steer/edge.c - forced edge cases in the gateway pipeline (see edge.h).
 */
#include "steer/edge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay/refund_list.h>

#include "observe/lint.h"
#include "steer/rules.h"
#include "core/text.h"

void mock_edge_init(mock_edge *e)
{
    memset(e, 0, sizeof *e);
    e->order_total = -1;
}

int mock_edge_pick(mock_ctx *ctx, const mock_request *rq, const upay_params *req,
                   const char *header, mock_edge *out, char *err, size_t errlen)
{
    (void)ctx;
    if (header) {
        char why[200];
        if (mock_fault_parse(header, &out->fault, why, sizeof why) != 0) {
            snprintf(err, errlen, MOCK_FAULT_HEADER ": %s", why);
            out->fault.kind = MOCK_FAULT_NONE;
            return -1;
        }
        if (!mock_fault_fits(&out->fault, (int)rq->kind)) {
            snprintf(err, errlen, MOCK_FAULT_HEADER ": fault %s does not apply to %s",
                     mock_fault_info_of(out->fault.kind)->name,
                     mock_request_get(req, "method"));
            out->fault.kind = MOCK_FAULT_NONE;
            return -1;
        }
        snprintf(out->source, sizeof out->source, "header");
    }
    return 0;
}

void mock_edge_pick_rule(mock_ctx *ctx, const mock_request *rq, const upay_params *req,
                         mock_edge *out)
{
    if (out->fault.kind != MOCK_FAULT_NONE)
        return;   /* the header wins and uses no rule */
    mock_rule_subject s = {.call_kind = (int)rq->kind, .mch_id = rq->mch_id,
                           .out_trade_no = rq->out_trade_no, .out_refund_no = rq->out_refund_no,
                           .params = req};
    mock_rule fired;
    if (mock_rules_peek(ctx->rules, &s, &fired)) {
        out->fault = fired.fault;
        out->rule_id = fired.id;
        snprintf(out->source, sizeof out->source, "rule");
    }
}

void mock_edge_settle(mock_ctx *ctx, mock_edge *e)
{
    if (e->rule_id)
        (void)mock_rules_use(ctx->rules, e->rule_id);
    for (size_t i = 0; i < e->neffects; i++)
        mock_rules_effect_set(ctx->rules, e->effects[i].mch_id, e->effects[i].number,
                              e->effects[i].is_refund, &e->effects[i].fault);
    e->neffects = 0;
}

void mock_edge_forget(mock_edge *e, const char *why)
{
    e->fault.kind = MOCK_FAULT_NONE;
    e->fault.arg = 0;
    e->fault.not_applied = 0;
    e->rule_id = 0;
    e->source[0] = '\0';
    e->neffects = 0;
    if (why)
        mock_text_copy(e->change, sizeof e->change, why);
}

/* Hold an effect until the commit; a later one of the same key replaces it. */
static void effect_hold(mock_call *c, const char *mch_id, const char *number, int is_refund,
                        const mock_fault *f)
{
    mock_edge *e = c->edge;
    if (strlen(mch_id) >= sizeof e->effects[0].mch_id
        || strlen(number) >= sizeof e->effects[0].number)
        return;   /* as mock_rules_effect_set: a key too long is not remembered */
    size_t i = 0;
    while (i < e->neffects && !(e->effects[i].is_refund == is_refund
                                && strcmp(e->effects[i].mch_id, mch_id) == 0
                                && strcmp(e->effects[i].number, number) == 0))
        i++;
    if (i == MOCK_EDGE_EFFECTS)
        return;   /* a call makes one effect: never reached */
    if (i == e->neffects)
        e->neffects++;
    mock_text_copy(e->effects[i].mch_id, sizeof e->effects[i].mch_id, mch_id);
    mock_text_copy(e->effects[i].number, sizeof e->effects[i].number, number);
    e->effects[i].is_refund = is_refund;
    e->effects[i].fault = *f;
}

/* The effect of a key: the one this call holds, else the remembered one. */
static int effect_get(mock_call *c, const char *mch_id, const char *number, int is_refund,
                      mock_fault *out)
{
    for (size_t i = c->edge ? c->edge->neffects : 0; i-- > 0;) {
        const mock_edge_effect *h = &c->edge->effects[i];
        if (h->is_refund == is_refund && strcmp(h->mch_id, mch_id) == 0
            && strcmp(h->number, number) == 0) {
            *out = h->fault;
            return 1;
        }
    }
    return mock_rules_effect_get(c->ctx->rules, mch_id, number, is_refund, out);
}

/*
 * Where the next note of the journal's account starts, after a "; " when
 * one came before; NULL when there is no account or no room (the note is dropped).
 */
static char *note_start(mock_call *c)
{
    if (!c->edge)
        return NULL;
    char *buf = c->edge->change;
    size_t used = strlen(buf);
    if (used + 3 >= sizeof c->edge->change)
        return NULL;
    if (used) {
        memcpy(buf + used, "; ", 3);
        used += 2;
    }
    return buf + used;
}

void mock_edge_note(mock_call *c, const char *fmt, ...)
{
    char *at = note_start(c);
    if (!at)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(at, sizeof c->edge->change - (size_t)(at - c->edge->change), fmt, ap);
    va_end(ap);
}

void mock_edge_note_words(mock_call *c, const char *first, ...)
{
    char *at = note_start(c);
    if (!at)
        return;
    char *buf = c->edge->change;
    size_t size = sizeof c->edge->change, used = (size_t)(at - buf);
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s && used < size - 1; s = va_arg(ap, const char *)) {
        mock_text_copy(buf + used, size - used, s);
        used += strlen(buf + used);
    }
    va_end(ap);
}

void mock_edge_order_seen(mock_call *c, const mock_order *o)
{
    if (!c->edge || !o)
        return;
    mock_text_copy(c->edge->out_trade_no, sizeof c->edge->out_trade_no, o->out_trade_no);
    c->edge->order_total = o->total_fee;
}

static mock_fault_kind fault_of(const mock_call *c)
{
    return c->edge ? c->edge->fault.kind : MOCK_FAULT_NONE;
}

/* ---- pay ---- */

const mock_persona *mock_edge_pay_persona(const mock_call *c, const char *auth_code,
                                          mock_persona *scratch)
{
    const mock_persona *p = mock_persona_of(auth_code);
    mock_pay_behaviour pay;
    switch (fault_of(c)) {
    case MOCK_FAULT_PAY_PAID_AFTER: pay = MOCK_PAY_PASSWORD; break;
    case MOCK_FAULT_PAY_PAYING_FOREVER: pay = MOCK_PAY_NEVER; break;
    case MOCK_FAULT_PAY_REFUSED: pay = MOCK_PAY_NO_BALANCE; break;
    default: return p;
    }
    *scratch = *p;
    scratch->pay = pay;
    scratch->coupon_fee = 0;
    return scratch;
}

int mock_edge_pay_refuses_early(const mock_call *c)
{
    return fault_of(c) == MOCK_FAULT_PAY_REFUSED && c->edge->fault.arg >= 20000;
}

int mock_edge_pay_refused_early(mock_call *c)
{
    if (!mock_edge_pay_refuses_early(c))
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "refused with code %lld (forced by the mock)", c->edge->fault.arg);
    mock_answer_status(c, "FAIL", (int)c->edge->fault.arg, msg, NULL);
    mock_edge_note(c, "nothing recorded (pay refused with %lld)", c->edge->fault.arg);
    return 1;
}

void mock_edge_pay_opened(mock_call *c, mock_order *o)
{
    switch (fault_of(c)) {
    case MOCK_FAULT_PAY_PAID_AFTER:
        o->due_at = c->now + c->edge->fault.arg;
        break;
    case MOCK_FAULT_PAY_PAYING_FOREVER:
        o->due_at = 0;
        break;
    case MOCK_FAULT_PAY_REFUSED:
        if (c->edge->fault.arg == 10003)
            o->state = MOCK_TRADE_NOT_PAID;
        break;
    default:
        break;
    }
}

int mock_edge_pay_stored(mock_call *c, const mock_order *o)
{
    mock_edge_order_seen(c, o);
    mock_edge_note_words(c, "order ", o->out_trade_no, " created ", mock_trade_state_name(o->state),
                         (const char *)NULL);
    mock_fault_kind k = fault_of(c);
    if (k == MOCK_FAULT_PAY_PAID_AFTER || k == MOCK_FAULT_PAY_PAYING_FOREVER)
        effect_hold(c, o->mch_id, o->out_trade_no, 0, &c->edge->fault);
    if (k != MOCK_FAULT_PAY_REFUSED)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "payment refused with code %lld (forced by the mock)",
             c->edge->fault.arg);
    mock_answer_status(c, "SUCCESS", (int)c->edge->fault.arg, msg, "FAIL");
    return 1;
}

const mock_persona *mock_edge_order_persona(mock_call *c, const mock_order *o,
                                            mock_persona *scratch)
{
    const mock_persona *p = mock_persona_of(o->auth_code);
    mock_fault f;
    if (o->state != MOCK_TRADE_PAYING
        || !effect_get(c, o->mch_id, o->out_trade_no, 0, &f))
        return p;
    *scratch = *p;
    if (f.kind == MOCK_FAULT_PAY_PAID_AFTER)
        scratch->pay = MOCK_PAY_PASSWORD;   /* pays at the due time, whatever the code */
    else if (f.kind == MOCK_FAULT_PAY_PAYING_FOREVER)
        scratch->pay = MOCK_PAY_NEVER;
    return scratch;
}

/* ---- refund ---- */

void mock_edge_refund_attempt(mock_call *c, const mock_order *o, mock_refund *r)
{
    mock_refund_attempt(r, mock_persona_of(o->auth_code), c->now);
    mock_fault effect, *f = NULL;
    mock_fault_kind k = fault_of(c);
    int fired_now = k >= MOCK_FAULT_REFUND_SUCCESS && k <= MOCK_FAULT_REFUND_FAIL;
    if (fired_now) {
        f = &c->edge->fault;
    } else if (effect_get(c, o->mch_id, r->out_refund_no, 1, &effect)) {
        f = &effect;
    }
    if (!f)
        return;
    mock_fault keep = {.kind = MOCK_FAULT_NONE};
    switch (f->kind) {
    case MOCK_FAULT_REFUND_SUCCESS:
        r->status = UPAY_REFUND_SUCCESS;
        r->due_at = 0;
        break;
    case MOCK_FAULT_REFUND_FAIL:
        r->status = UPAY_REFUND_FAIL;
        r->due_at = 0;
        break;
    case MOCK_FAULT_REFUND_PROCESSING:
    case MOCK_FAULT_REFUND_CHANGE:
        if (!fired_now)
            return;   /* a later attempt of a settling refund: as the persona says */
        r->status = UPAY_REFUND_PROCESSING;
        r->due_at = c->now + f->arg;
        keep = *f;    /* settles SUCCESS or CHANGE at the due time */
        break;
    case MOCK_FAULT_REFUND_NOTSURE:
    case MOCK_FAULT_REFUND_NOTSURE_FAIL:
        r->status = UPAY_REFUND_NOTSURE;
        r->due_at = 0;
        keep.kind = f->kind == MOCK_FAULT_REFUND_NOTSURE ? MOCK_FAULT_REFUND_SUCCESS
                                                         : MOCK_FAULT_REFUND_FAIL;
        break;
    default:
        return;
    }
    if (fired_now)
        effect_hold(c, o->mch_id, r->out_refund_no, 1, &keep);
}

const mock_persona *mock_edge_refund_persona(mock_call *c, const mock_order *o,
                                             const mock_refund *r, mock_persona *scratch)
{
    const mock_persona *p = mock_persona_of(o->auth_code);
    mock_fault f;
    if (r->status != UPAY_REFUND_PROCESSING
        || !effect_get(c, o->mch_id, r->out_refund_no, 1, &f))
        return p;
    *scratch = *p;
    if (f.kind == MOCK_FAULT_REFUND_PROCESSING)
        scratch->refund = MOCK_REFUND_LATER;
    else if (f.kind == MOCK_FAULT_REFUND_CHANGE)
        scratch->refund = MOCK_REFUND_CHANGE;
    return scratch;
}

/* ---- cancel ---- */

int mock_edge_cancel_refused(mock_call *c)
{
    if (fault_of(c) != MOCK_FAULT_CANCEL_REFUSED)
        return 0;
    mock_answer_status(c, "SUCCESS", 20011, "cancel error: refused (forced by the mock)", "FAIL");
    return 1;
}

/* ---- linter ---- */

void mock_edge_lint(mock_ctx *ctx, const mock_edge *e, const mock_request *rq,
                    const upay_params *resp, long long now, int told, char *raised,
                    size_t raisedlen)
{
    if (raised && raisedlen)
        raised[0] = '\0';
    if (!ctx->lint || !rq || !rq->mch_id)
        return;
    const char *otn = rq->out_trade_no;
    if (!otn && e && e->out_trade_no[0])
        otn = e->out_trade_no;
    if (!otn && resp)
        otn = upay_params_get(resp, "out_trade_no");
    mock_lint_event ev;
    memset(&ev, 0, sizeof ev);
    ev.mch_id = rq->mch_id;
    ev.call_kind = (int)rq->kind;
    ev.now = now;
    ev.out_trade_no = otn;
    ev.out_refund_no = rq->out_refund_no;
    ev.auth_code = rq->auth_code;
    ev.total_fee = rq->kind == MOCK_CALL_PAY || rq->kind == MOCK_CALL_REFUND ? rq->total_fee : -1;
    ev.order_total = e ? e->order_total : -1;
    ev.told = told;
    ev.trade_state = resp ? upay_params_get(resp, "trade_state") : NULL;
    upay_refund_entry *items = NULL;
    size_t n = 0;
    const char *nos[MOCK_LINT_REFUNDS_MAX], *sts[MOCK_LINT_REFUNDS_MAX];
    const char *list = resp ? upay_params_get(resp, "refund_list") : NULL;
    if (rq->kind == MOCK_CALL_REFUNDQUERY && told && list
        && upay_refund_list_parse(list, &items, &n, NULL) == UPAY_OK) {
        if (n > MOCK_LINT_REFUNDS_MAX)
            n = MOCK_LINT_REFUNDS_MAX;
        for (size_t i = 0; i < n; i++) {
            nos[i] = items[i].out_refund_no;
            sts[i] = upay_refund_status_name(items[i].refund_status);
        }
        ev.refund_nos = nos;
        ev.refund_statuses = sts;
        ev.nrefunds = n;
    }
    mock_lint_observe(ctx->lint, &ev, raised, raisedlen);
    upay_free(items);
}
