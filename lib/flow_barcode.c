/*
 * flow_barcode.c - upay_barcode_pay(): pay; while the outcome is unknown,
 * query every poll_interval seconds up to the deadline; on the deadline or
 * a failure, cancel, retrying a cancel whose outcome is unknown. The rules
 * are spelled out in upay/flow.h; this file follows them step by step.
 */
#include <string.h>

#include "client_internal.h"
#include "flow_internal.h"
#include "error_detail.h"

/* The order being paid, as the query and cancel steps need it. */
typedef struct order {
    const upay_pay_request *req;
    char out_trade_no[33];
    upay_paytype paytype;
    unsigned queries, cancels;
} order;

/* How a cancel sequence ended. */
typedef enum cancel_end {
    CANCEL_DONE,      /* closed or revoked, or there was no such order */
    CANCEL_REFUSED,   /* a definite no (e.g. 20011 too old) or a refusal */
    CANCEL_UNKNOWN    /* retries exhausted with the outcome unknown */
} cancel_end;

/* Wait until the order is at least cancel_delay seconds old on the flow clock. */
static void wait_cancel_delay(upay__flow *f)
{
    double now = upay__flow_now(f);
    if (now < f->opts.cancel_delay) {
        double gap = f->opts.cancel_delay - now;
        unsigned wait = (unsigned)gap;
        if ((double)wait < gap)
            wait++;
        upay__flow_sleep(f, wait, "wait until the order may be cancelled");
    }
}

/* Cancel the order, retrying while the outcome is unknown. */
static cancel_end cancel_order(upay__flow *f, order *o, const upay_result **last)
{
    *last = NULL;
    wait_cancel_delay(f);
    upay_cancel_request req = {
        .paytype = o->paytype,
        .mch_id = o->req->mch_id,
        .out_trade_no = o->out_trade_no,
        .op_user_id = o->req->op_user_id,
    };
    for (unsigned i = 0; i <= f->opts.cancel_retries; i++) {
        if (i > 0)
            upay__flow_sleep(f, f->opts.retry_interval, "wait before retrying the cancel");
        double at = upay__flow_now(f);
        upay_result *r = NULL;
        upay_error e = {0};
        upay_code rc = upay_cancel(f->client, &req, &r, &e);
        const char *left = i < f->opts.cancel_retries ? "retry" : "no retries left";
        if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_SUCCESS) {
            *last = upay__flow_call(f, "cancel", ++o->cancels, at, rc, r,
                                    "cancelled: the order is closed or revoked");
            return CANCEL_DONE;
        }
        if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_FAIL && r->gw_code == UPAY_GW_NO_ORDER) {
            *last = upay__flow_call(f, "cancel", ++o->cancels, at, rc, r,
                                    "no such order: nothing to cancel");
            return CANCEL_DONE;
        }
        if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_FAIL) {
            *last = upay__flow_call(f, "cancel", ++o->cancels, at, rc, r,
                                    "cancel refused (code %s): handle by hand", r->code);
            return CANCEL_REFUSED;
        }
        if (rc == UPAY_E_UNVERIFIED_FAIL && r->gw_code == UPAY_GW_NO_ORDER) {
            *last = upay__flow_call(f, "cancel", ++o->cancels, at, rc, r,
                                    "no such order (unsigned answer): nothing to cancel");
            return CANCEL_DONE;
        }
        if (rc == UPAY_E_GATEWAY_REFUSED || rc == UPAY_E_VERSION
            || rc == UPAY_E_UNVERIFIED_FAIL) {
            *last = upay__flow_call(f, "cancel", ++o->cancels, at, rc, r,
                                    "cancel refused by the gateway (code %s): handle by hand",
                                    r ? r->code : "");
            return CANCEL_REFUSED;
        }
        if (rc == UPAY_E_INVALID_ARG || rc == UPAY_E_NOMEM) {
            upay__flow_call(f, "cancel", ++o->cancels, at, rc, r, "cancel not sent: %s",
                            e.message);
            return CANCEL_UNKNOWN;
        }
        /* NEED_QUERY, an unknown outcome, or not sent: the same cancel is safe to repeat. */
        upay__flow_call(f, "cancel", ++o->cancels, at, rc, r, "cancel outcome unknown (%s): %s",
                        rc == UPAY_OK ? upay_outcome_name(r->outcome) : upay_strerror(rc), left);
    }
    return CANCEL_UNKNOWN;
}

/* After a business failure: close the order (best effort) and report NOT_PAID. */
static upay_code end_not_paid(upay__flow *f, order *o, const upay_result *failed,
                              upay_flow_report **out)
{
    const upay_result *last;
    cancel_order(f, o, &last);
    return upay__flow_end(f, UPAY_FLOW_NOT_PAID, failed, UPAY_OK, out);
}

/* The deadline passed (or querying cannot go on): cancel and report. */
static upay_code end_by_cancel(upay__flow *f, order *o, upay_flow_report **out, upay_error *err)
{
    const upay_result *last;
    if (cancel_order(f, o, &last) == CANCEL_DONE)
        return upay__flow_end(f, UPAY_FLOW_CANCELLED, last, UPAY_OK, out);
    upay__error_set(err, UPAY_E_FLOW_DEADLINE, 0,
                    "payment %s: outcome unknown after the deadline and the cancel did not "
                    "succeed: check the order by hand",
                    o->out_trade_no);
    return upay__flow_end(f, UPAY_FLOW_UNKNOWN, last, UPAY_E_FLOW_DEADLINE, out);
}

/*
 * Query until a final answer or the deadline. `confirm`: the first query
 * goes out at once, to confirm an unsigned "not paid" answer to the pay.
 */
static upay_code poll(upay__flow *f, order *o, int confirm, upay_flow_report **out,
                      upay_error *err)
{
    upay_orderquery_request req = {
        .paytype = o->paytype,
        .mch_id = o->req->mch_id,
        .out_trade_no = o->out_trade_no,
    };
    for (;;) {
        if (!confirm) {
            if (upay__flow_now(f) + f->opts.poll_interval > f->opts.deadline)
                break;
            upay__flow_sleep(f, f->opts.poll_interval, "wait before querying the order");
        }
        confirm = 0;
        double at = upay__flow_now(f);
        upay_result *r = NULL;
        upay_error e = {0};
        upay_code rc = upay_orderquery(f->client, &req, &r, &e);
        if (rc == UPAY_OK && (r->outcome == UPAY_OUTCOME_SUCCESS
                              || r->outcome == UPAY_OUTCOME_REFUND)) {
            const upay_result *k = upay__flow_call(f, "orderquery", ++o->queries, at, rc, r,
                                                   "paid");
            return upay__flow_end(f, UPAY_FLOW_PAID, k, UPAY_OK, out);
        }
        if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_FAIL) {
            const upay_result *k = upay__flow_call(
                f, "orderquery", ++o->queries, at, rc, r,
                "not paid (code %s): close the order with a cancel", r->code);
            return end_not_paid(f, o, k, out);
        }
        if (rc == UPAY_E_UNVERIFIED_FAIL) {
            /* A paid order answers signed: an unsigned "not paid" is believed. */
            const upay_result *k = upay__flow_call(
                f, "orderquery", ++o->queries, at, rc, r,
                "not paid (code %s, unsigned: a paid order answers signed): close the order "
                "with a cancel",
                r->code);
            return end_not_paid(f, o, k, out);
        }
        if (rc == UPAY_E_GATEWAY_REFUSED || rc == UPAY_E_VERSION || rc == UPAY_E_INVALID_ARG
            || rc == UPAY_E_NOMEM) {
            upay__flow_call(f, "orderquery", ++o->queries, at, rc, r,
                            "query refused (%s): stop querying and cancel",
                            r && *r->code ? r->code : e.message);
            return end_by_cancel(f, o, out, err);
        }
        upay__flow_call(f, "orderquery", ++o->queries, at, rc, r, "still unknown (%s): query again",
                        rc == UPAY_OK ? upay_outcome_name(r->outcome) : upay_strerror(rc));
    }
    return end_by_cancel(f, o, out, err);
}

upay_code upay_barcode_pay(upay_client *client, const upay_pay_request *req,
                           const upay_flow_options *opts, upay_flow_report **out, upay_error *err)
{
    if (!out)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "the report pointer is NULL");
    *out = NULL;
    if (!client || !req)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "the client or request is NULL");
    upay__flow f;
    upay_code rc = upay__flow_begin(&f, client, opts, err);
    if (rc != UPAY_OK) {
        upay__flow_abort(&f);
        return rc;
    }
    order o = {.req = req, .paytype = upay_paytype_from_auth_code(req->auth_code)};
    if (req->out_trade_no && *req->out_trade_no) {
        if (strlen(req->out_trade_no) >= sizeof o.out_trade_no) {
            upay__flow_abort(&f);
            return upay__error_set(err, UPAY_E_INVALID_ARG, 0,
                                   "out_trade_no is longer than 32 characters");
        }
        strcpy(o.out_trade_no, req->out_trade_no);
    } else {
        upay_new_out_trade_no(o.out_trade_no);
    }
    memcpy(f.report->out_trade_no, o.out_trade_no, sizeof o.out_trade_no);

    upay_pay_request pay = *req;
    pay.out_trade_no = o.out_trade_no;
    upay_result *r = NULL;
    upay_error e = {0};
    double at = upay__flow_now(&f);
    rc = upay_pay(client, &pay, &r, &e);
    if (rc == UPAY_E_INVALID_ARG || rc == UPAY_E_NOMEM) {
        upay__flow_abort(&f);
        return upay__error_set(err, rc, 0, "%s", e.message);
    }
    if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_SUCCESS) {
        const upay_result *k = upay__flow_call(&f, "pay", 1, at, rc, r, "paid");
        return upay__flow_end(&f, UPAY_FLOW_PAID, k, UPAY_OK, out);
    }
    if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_FAIL) {
        int recorded = r->gw_code == UPAY_GW_PAY_ERROR;
        const upay_result *k = upay__flow_call(
            &f, "pay", 1, at, rc, r, "payment failed (code %s)%s", r->code,
            recorded ? ": close the order with a cancel" : ": nothing charged");
        if (recorded && o.paytype != UPAY_PAYTYPE_UNKNOWN)
            return end_not_paid(&f, &o, k, out);
        return upay__flow_end(&f, UPAY_FLOW_NOT_PAID, k, UPAY_OK, out);
    }
    if (rc == UPAY_E_TRANSPORT || rc == UPAY_E_TLS || rc == UPAY_E_GATEWAY_REFUSED
        || rc == UPAY_E_VERSION) {
        const upay_result *k = upay__flow_call(&f, "pay", 1, at, rc, r,
                                               "not processed: nothing charged (%s)", e.message);
        upay__error_set(err, rc, 0, "%s", e.message);
        return upay__flow_end(&f, UPAY_FLOW_NOT_PAID, k, rc, out);
    }
    if (rc == UPAY_E_UNVERIFIED_FAIL && o.paytype == UPAY_PAYTYPE_UNKNOWN) {
        const upay_result *k = upay__flow_call(
            &f, "pay", 1, at, rc, r,
            "payment failed (code %s, unsigned): believed, the wallet of auth_code is unknown "
            "so it cannot be confirmed",
            r->code);
        return upay__flow_end(&f, UPAY_FLOW_NOT_PAID, k, UPAY_OK, out);
    }
    if (rc == UPAY_E_UNVERIFIED_FAIL) {
        upay__flow_call(&f, "pay", 1, at, rc, r,
                        "payment failed (code %s) says an unsigned answer: confirm with one "
                        "orderquery (a paid order answers signed)",
                        r->code);
        return poll(&f, &o, 1, out, err);
    }
    /* NEED_QUERY (paying, system fault) or no trustworthy answer: find out. */
    if (o.paytype == UPAY_PAYTYPE_UNKNOWN) {
        upay__flow_call(&f, "pay", 1, at, rc, r,
                        "outcome unknown and the wallet cannot be told from auth_code: "
                        "cannot query or cancel");
        upay__error_set(err, UPAY_E_FLOW_DEADLINE, 0,
                        "payment %s: outcome unknown and the wallet of auth_code is unknown",
                        o.out_trade_no);
        return upay__flow_end(&f, UPAY_FLOW_UNKNOWN, NULL, UPAY_E_FLOW_DEADLINE, out);
    }
    upay__flow_call(&f, "pay", 1, at, rc, r, "outcome not final (%s): query the order",
                    rc == UPAY_OK ? upay_outcome_name(r->outcome) : upay_strerror(rc));
    return poll(&f, &o, 0, out, err);
}
