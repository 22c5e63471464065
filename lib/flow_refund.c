/*
 * flow_refund.c - upay_refund_with_retry(): send a refund; on NOTSURE or an
 * unknown outcome send the very same refund (same out_refund_no) again up
 * to a limit; if it is still unknown, ask refundquery for the refund's
 * status. PROCESSING and CHANGE are final answers, not errors. The rules
 * are in upay/flow.h.
 */
#include <string.h>

#include "client_internal.h"
#include "flow_internal.h"
#include "error_detail.h"

static upay_code end_with_status(upay__flow *f, upay_refund_status status,
                                 const upay_result *final, upay_code code,
                                 upay_flow_report **out)
{
    f->report->has_refund_status = 1;
    f->report->refund_status = status;
    upay_flow_outcome outcome = status == UPAY_REFUND_FAIL      ? UPAY_FLOW_NOT_REFUNDED
                                : status == UPAY_REFUND_NOTSURE ? UPAY_FLOW_UNKNOWN
                                                                : UPAY_FLOW_REFUNDED;
    return upay__flow_end(f, outcome, final, code, out);
}

/* The status a verified refund answer states, or -1 when it is not final. */
static int status_of_refund_answer(const upay_result *r)
{
    upay_refund_status st;
    const char *explicit_status = upay_params_get(r->params, "refund_status");
    if (explicit_status && upay_refund_status_parse(explicit_status, &st) == UPAY_OK)
        return st == UPAY_REFUND_NOTSURE ? -1 : (int)st;
    switch (r->outcome) {
    case UPAY_OUTCOME_SUCCESS: return UPAY_REFUND_SUCCESS;
    case UPAY_OUTCOME_PROCESSING: return UPAY_REFUND_PROCESSING;
    case UPAY_OUTCOME_FAIL: return UPAY_REFUND_FAIL;
    default: return -1;
    }
}

/*
 * Ask refundquery for the refund: after the retries ran out (`wait`: first
 * sleep retry_interval), or at once to confirm an unsigned "refund failed".
 */
static upay_code settle_by_query(upay__flow *f, const upay_refund_request *req, int wait,
                                 upay_flow_report **out, upay_error *err)
{
    upay_refundquery_request q = {
        .paytype = req->paytype,
        .mch_id = req->mch_id,
        .out_refund_no = req->out_refund_no,
    };
    if (wait)
        upay__flow_sleep(f, f->opts.retry_interval,
                         "wait before asking for the refund's status");
    double at = upay__flow_now(f);
    upay_result *r = NULL;
    upay_error e = {0};
    upay_code rc = upay_refundquery(f->client, &q, &r, &e);
    if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_SUCCESS) {
        for (size_t i = 0; i < r->refund_entry_count; i++) {
            const upay_refund_entry *it = &r->refunds[i];
            if (strcmp(it->out_refund_no, req->out_refund_no) != 0)
                continue;
            upay_refund_status st = it->refund_status;
            const upay_result *k = upay__flow_call(f, "refundquery", 1, at, rc, r,
                                                   "the refund's status is %s",
                                                   upay_refund_status_name(st));
            if (st == UPAY_REFUND_NOTSURE) {
                upay__error_set(err, UPAY_E_FLOW_DEADLINE, 0,
                                "refund %s is still NOTSURE after every retry: retry later "
                                "with the same out_refund_no",
                                req->out_refund_no);
                return end_with_status(f, st, k, UPAY_E_FLOW_DEADLINE, out);
            }
            return end_with_status(f, st, k, UPAY_OK, out);
        }
    }
    if (rc == UPAY_OK && r->outcome == UPAY_OUTCOME_FAIL && r->gw_code == UPAY_GW_NO_ORDER) {
        const upay_result *k = upay__flow_call(f, "refundquery", 1, at, rc, r,
                                               "no such refund: nothing was refunded");
        return upay__flow_end(f, UPAY_FLOW_NOT_REFUNDED, k, UPAY_OK, out);
    }
    if (rc == UPAY_E_UNVERIFIED_FAIL) {
        /* A refund that exists answers signed: an unsigned "none" is believed. */
        const upay_result *k = upay__flow_call(
            f, "refundquery", 1, at, rc, r,
            "no such refund (code %s, unsigned: a refund that exists answers signed): nothing "
            "was refunded",
            r->code);
        return upay__flow_end(f, UPAY_FLOW_NOT_REFUNDED, k, UPAY_OK, out);
    }
    upay__flow_call(f, "refundquery", 1, at, rc, r, "the refund's status is still unknown (%s)",
                    rc == UPAY_OK ? upay_outcome_name(r->outcome) : e.message);
    upay__error_set(err, UPAY_E_FLOW_DEADLINE, 0,
                    "refund %s: outcome unknown after every retry: retry later with the same "
                    "out_refund_no",
                    req->out_refund_no);
    return upay__flow_end(f, UPAY_FLOW_UNKNOWN, NULL, UPAY_E_FLOW_DEADLINE, out);
}

upay_code upay_refund_with_retry(upay_client *client, const upay_refund_request *req,
                                 const upay_flow_options *opts, upay_flow_report **out,
                                 upay_error *err)
{
    if (!out)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "the report pointer is NULL");
    *out = NULL;
    if (!client || !req)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "the client or request is NULL");
    if (!req->out_refund_no || !*req->out_refund_no || strlen(req->out_refund_no) > 32)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0,
                               "out_refund_no is required (1 to 32 characters)");
    upay__flow f;
    upay_code rc = upay__flow_begin(&f, client, opts, err);
    if (rc != UPAY_OK) {
        upay__flow_abort(&f);
        return rc;
    }
    strcpy(f.report->out_refund_no, req->out_refund_no);
    if (req->out_trade_no && strlen(req->out_trade_no) < sizeof f.report->out_trade_no)
        strcpy(f.report->out_trade_no, req->out_trade_no);

    int maybe_processed = 0; /* some attempt may have reached the gateway */
    upay_code last = UPAY_OK;
    for (unsigned i = 0; i <= f.opts.refund_retries; i++) {
        if (i > 0)
            upay__flow_sleep(&f, f.opts.retry_interval,
                             "wait before retrying with the same out_refund_no");
        double at = upay__flow_now(&f);
        upay_result *r = NULL;
        upay_error e = {0};
        rc = upay_refund(client, req, &r, &e);
        last = rc;
        if ((rc == UPAY_E_INVALID_ARG || rc == UPAY_E_NOMEM) && i == 0) {
            upay__flow_abort(&f);
            return upay__error_set(err, rc, 0, "%s", e.message);
        }
        int st = rc == UPAY_OK ? status_of_refund_answer(r) : -1;
        if (st >= 0) {
            const upay_result *k = upay__flow_call(&f, "refund", i + 1, at, rc, r, "refund %s",
                                                   upay_refund_status_name((upay_refund_status)st));
            return end_with_status(&f, (upay_refund_status)st, k, UPAY_OK, out);
        }
        if (rc == UPAY_E_UNVERIFIED_FAIL) {
            /* Unsigned "refund failed": it may hide a refund, so one refundquery confirms. */
            upay__flow_call(&f, "refund", i + 1, at, rc, r,
                            "refund failed (code %s) says an unsigned answer: confirm with one "
                            "refundquery",
                            r->code);
            return settle_by_query(&f, req, 0, out, err);
        }
        if (rc == UPAY_E_RESPONSE_SIGN && r && r->params
            && !upay_params_get(r->params, "sign")
            && upay__outcome_of(upay_params_get(r->params, "trade_state"))
                   == UPAY_OUTCOME_PROCESSING) {
            /* The live gateway signs only business successes, so an accepted
               refund still settling comes unsigned: not believed, and not worth
               sending again either; the refund's own status answers signed. */
            upay__flow_call(&f, "refund", i + 1, at, rc, r,
                            "unsigned PROCESSING: ask for the refund's status");
            return settle_by_query(&f, req, 0, out, err);
        }
        int refused = rc == UPAY_E_GATEWAY_REFUSED || rc == UPAY_E_VERSION;
        if (refused && !maybe_processed) {
            const upay_result *k = upay__flow_call(&f, "refund", i + 1, at, rc, r,
                                                   "refused by the gateway: nothing refunded");
            upay__error_set(err, rc, 0, "%s", e.message);
            f.report->has_refund_status = 1;
            f.report->refund_status = UPAY_REFUND_FAIL;
            return upay__flow_end(&f, UPAY_FLOW_NOT_REFUNDED, k, rc, out);
        }
        if (refused || rc == UPAY_E_INVALID_ARG || rc == UPAY_E_NOMEM) {
            /* An earlier attempt may have gone through: only a query can tell. */
            upay__flow_call(&f, "refund", i + 1, at, rc, r,
                            "retry refused (%s): ask for the refund's status", e.message);
            return settle_by_query(&f, req, 1, out, err);
        }
        if (rc != UPAY_E_TRANSPORT && rc != UPAY_E_TLS)
            maybe_processed = 1;
        upay__flow_call(&f, "refund", i + 1, at, rc, r, "outcome unknown (%s): %s",
                        rc == UPAY_OK ? upay_outcome_name(r->outcome) : upay_strerror(rc),
                        i < f.opts.refund_retries ? "retry with the same out_refund_no"
                                                  : "no retries left");
    }
    if (!maybe_processed) {
        upay__error_set(err, last, 0, "refund %s was never sent: nothing refunded",
                        req->out_refund_no);
        return upay__flow_end(&f, UPAY_FLOW_NOT_REFUNDED, NULL, last, out);
    }
    return settle_by_query(&f, req, 1, out, err);
}
