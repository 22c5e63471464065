/*
 * suite/client/client_judge.c - the verdict (see client_judge.h). The
 * journal says, per exchange, what was asked, what the mock answered and
 * which fault spoiled the answer on the way; from it the judge knows what
 * the program could have been told, and so what it may believe.
 */
#include "client_judge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <upay/form.h>
#include <upay/params.h>

/* One exchange of the journal, as the judge sees it. */
typedef struct ex {
    long long seq, time, mch_time;
    const char *call, *otn, *orn, *fault;
    long long refund_fee;
    int told;          /* an intact, signed answer certainly reached the program */
    int maybe;         /* told, or only delayed (the program may have waited for it) */
    int program;       /* part of the program's traffic (not the runner's setup) */
    cJSON *resp;       /* the answer as built; owned */
    const char *state, *code, *trade_state;
} ex;

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

static long long num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

/* The fault's name without its argument. */
static void fault_name(const char *fault, char *out, size_t outlen)
{
    size_t n = strcspn(fault, "=;");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, fault, n);
    out[n] = '\0';
}

static int in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void ex_fill(ex *e, const cJSON *entry, long long first_seq)
{
    static const char *const spoiling[] = {"drop", "empty", "truncated", "not_json", "http_5xx",
                                           "bad_sign", "no_sign", "other_agent_sign", NULL};
    memset(e, 0, sizeof *e);
    e->seq = num(entry, "seq");
    e->time = num(entry, "time");
    e->mch_time = num(entry, "mch_time");
    e->call = str(entry, "call");
    e->otn = str(entry, "out_trade_no");
    e->orn = str(entry, "out_refund_no");
    e->fault = str(entry, "fault");
    e->program = e->seq > first_seq;
    char name[32];
    fault_name(e->fault, name, sizeof name);
    int spoiled = in_list(name, spoiling) || num(entry, "http_status") != 200;
    e->maybe = !spoiled;
    e->told = !spoiled && strcmp(name, "delay") != 0;
    e->resp = cJSON_Parse(str(entry, "response"));
    e->state = str(e->resp, "state");
    e->code = str(e->resp, "code");
    e->trade_state = str(e->resp, "trade_state");
    const char *req = str(entry, "request");
    upay_params *p = NULL;
    if (upay_form_parse(req, strlen(req), 0, &p, NULL) == UPAY_OK) {
        const char *fee = upay_params_get(p, "refund_fee");
        e->refund_fee = fee ? atoll(fee) : 0;
        upay_params_free(p);
    }
}

static int code_in(const ex *e, const char *const *codes)
{
    return in_list(e->code, codes);
}

/* A pay or orderquery answer that ends the question "is it paid?". */
static int pay_final(const ex *e)
{
    static const char *const final_codes[] = {"10000", "10002", "10003", "10004", "10005",
                                              "10006", NULL};
    return strcmp(e->state, "FAIL") == 0 ||
           (strcmp(e->state, "SUCCESS") == 0 && code_in(e, final_codes));
}

static int says_paid(const ex *e)
{
    static const char *const paid[] = {"10000", "10002", NULL};
    return (strcmp(e->call, "pay") == 0 || strcmp(e->call, "orderquery") == 0) &&
           strcmp(e->state, "SUCCESS") == 0 && code_in(e, paid);
}

static int says_not_paid(const ex *e)
{
    static const char *const not_paid[] = {"10003", "10004", "10005", "10006", NULL};
    if (strcmp(e->call, "pay") == 0 && strcmp(e->state, "FAIL") == 0)
        return 1;
    return (strcmp(e->call, "pay") == 0 || strcmp(e->call, "orderquery") == 0) &&
           strcmp(e->state, "SUCCESS") == 0 && code_in(e, not_paid);
}

static int says_cancelled(const ex *e);

/* Not paid, or nothing left to pay: a cancel that closed the order or found none. */
static int says_not_paid_or_closed(const ex *e)
{
    return says_not_paid(e) || says_cancelled(e);
}

static int says_cancelled(const ex *e)
{
    static const char *const gone[] = {"10003", "10004", "10005", NULL};
    if (strcmp(e->call, "cancel") == 0)
        return strcmp(e->state, "SUCCESS") == 0 &&
               ((strcmp(e->code, "10000") == 0 && strcmp(e->trade_state, "SUCCESS") == 0) ||
                strcmp(e->code, "20007") == 0);
    return strcmp(e->call, "orderquery") == 0 && strcmp(e->state, "SUCCESS") == 0 &&
           code_in(e, gone);
}

/* A refund answer that settles its number (anything but NOTSURE, 20006, lost). */
static int refund_final(const ex *e)
{
    static const char *const final_states[] = {"SUCCESS", "PROCESSING", "FAIL", "CHANGE", NULL};
    return strcmp(e->state, "FAIL") == 0 ||
           (strcmp(e->state, "SUCCESS") == 0 && strcmp(e->code, "20006") != 0 &&
            in_list(e->trade_state, final_states));
}

static int refund_failed(const ex *e)
{
    return strcmp(e->state, "FAIL") == 0 ||
           (strcmp(e->state, "SUCCESS") == 0 && strcmp(e->trade_state, "FAIL") == 0);
}

/* The status refundquery answer `e` gives refund number `orn` (into `status`), or NULL. */
static const char *listed_status(const ex *e, const char *orn, char status[16])
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(e->resp, "refund_list");
    cJSON *parsed = NULL;
    if (cJSON_IsString(list))
        list = parsed = cJSON_Parse(list->valuestring);
    const char *found = NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, list) {
        if (strcmp(str(it, "out_refund_no"), orn) == 0) {
            snprintf(status, 16, "%s", str(it, "refund_status"));
            found = status;
        }
    }
    cJSON_Delete(parsed);
    return found;
}

static void show(suite_buf *d, const ex *e, long long t0)
{
    suite_buf_printf(d, "    #%lld t+%llds %s", e->seq, e->time - t0, e->call);
    if (*e->otn)
        suite_buf_printf(d, " out_trade_no=%s", e->otn);
    if (*e->orn)
        suite_buf_printf(d, " out_refund_no=%s", e->orn);
    if (e->refund_fee)
        suite_buf_printf(d, " refund_fee=%lld", e->refund_fee);
    suite_buf_printf(d, " -> %s/%s/%s", *e->state ? e->state : "-", *e->code ? e->code : "-",
                     *e->trade_state ? e->trade_state : "-");
    if (*e->fault)
        suite_buf_printf(d, " [fault %s: %s]", e->fault,
                         !e->maybe ? "the program got no usable answer"
                         : !e->told ? "answer delayed" : "forced outcome");
    suite_buf_puts(d, e->program ? "\n" : "   (setup)\n");
}

typedef struct judge {
    suite_buf *failures;
    suite_buf *detail;
    int count;
    long long t0;
} judge;

static void fail(judge *j, const char *rule, const ex *a, const ex *b, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fail(judge *j, const char *rule, const ex *a, const ex *b, const char *fmt, ...)
{
    va_list ap;
    suite_buf line = {0};
    va_start(ap, fmt);
    suite_buf_vprintf(&line, fmt, ap);
    va_end(ap);
    suite_buf_printf(j->failures, "%s: %s\n", rule, suite_buf_str(&line));
    suite_buf_printf(j->detail, "  %s: %s\n", rule, suite_buf_str(&line));
    if (b)
        show(j->detail, b, j->t0);
    if (a)
        show(j->detail, a, j->t0);
    suite_buf_free(&line);
    j->count++;
}

static const cJSON *order_of(const cJSON *orders, const char *otn)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, orders)
        if (otn && strcmp(str(o, "out_trade_no"), otn) == 0)
            return o;
    return NULL;
}

unsigned suite_judge_truth(suite_client_action action, const cJSON *orders, const char *order_no,
                           suite_buf *why)
{
    const cJSON *o;
    if (action == SUITE_ACTION_PAY) {
        int paid = 0, paying = 0, closed = 0, n = 0;
        cJSON_ArrayForEach(o, orders) {
            const char *s = str(o, "state");
            n++;
            paid += strcmp(s, "PAID") == 0 || strcmp(s, "REFUNDED") == 0;
            paying += strcmp(s, "PAYING") == 0;
            closed += strcmp(s, "CLOSED") == 0 || strcmp(s, "REVOKED") == 0;
        }
        suite_buf_printf(why, "%d order(s): %d paid, %d paying, %d closed or revoked", n, paid,
                         paying, closed);
        if (paid)
            return SUITE_OUT_PAID;
        if (paying)
            return SUITE_OUT_UNKNOWN;
        return SUITE_OUT_NOT_PAID | SUITE_OUT_CANCELLED;
    }
    o = order_of(orders, order_no);
    const char *s = o ? str(o, "state") : "none";
    if (action == SUITE_ACTION_CANCEL) {
        suite_buf_printf(why, "order %s is %s", order_no ? order_no : "?", s);
        if (strcmp(s, "CLOSED") == 0 || strcmp(s, "REVOKED") == 0)
            return SUITE_OUT_CANCELLED;
        if (strcmp(s, "PAID") == 0 || strcmp(s, "REFUNDED") == 0)
            return SUITE_OUT_PAID | SUITE_OUT_UNKNOWN;
        if (strcmp(s, "PAYING") == 0)
            return SUITE_OUT_UNKNOWN;
        return SUITE_OUT_NOT_PAID | SUITE_OUT_CANCELLED | SUITE_OUT_UNKNOWN;
    }
    int success = 0, pending = 0, notsure = 0, failed = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(o, "refunds")) {
        const char *st = str(r, "refund_status");
        success += strcmp(st, "SUCCESS") == 0;
        pending += strcmp(st, "PROCESSING") == 0 || strcmp(st, "CHANGE") == 0;
        notsure += strcmp(st, "NOTSURE") == 0;
        failed += strcmp(st, "FAIL") == 0;
    }
    suite_buf_printf(why, "order %s: %d refund(s) SUCCESS, %d PROCESSING or CHANGE, %d NOTSURE, "
                          "%d FAIL", order_no ? order_no : "?", success, pending, notsure, failed);
    if (success)
        return SUITE_OUT_REFUNDED;
    if (pending)
        return SUITE_OUT_REFUND_PENDING | SUITE_OUT_REFUNDED;
    if (notsure)
        return SUITE_OUT_REFUND_UNKNOWN;
    return SUITE_OUT_REFUND_FAILED | SUITE_OUT_REFUND_UNKNOWN;
}

/* C-OUTCOME and C-TRUST. */
static void judge_outcome(judge *j, const suite_judge_input *in, const ex *xs, size_t n)
{
    suite_buf why = {0}, allowed = {0};
    unsigned truth = suite_judge_truth(in->action, in->orders, in->order_no, &why);
    unsigned bit = suite_outcome_bit(in->outcome);
    suite_outcome_bits_format(&allowed, truth | in->accept);
    if (!(bit & (truth | in->accept)))
        fail(j, "C-OUTCOME", NULL, NULL, "the program says %s; the mock holds %s (allowed: %s)",
             in->outcome, suite_buf_str(&why), suite_buf_str(&allowed));
    suite_buf_free(&why);
    suite_buf_free(&allowed);

    /* Which answer could have told the program what it says? */
    int (*backs)(const ex *) = NULL;
    const char *what = NULL;
    if (bit == SUITE_OUT_PAID)
        backs = says_paid, what = "paid (pay or orderquery 10000)";
    else if (bit == SUITE_OUT_NOT_PAID)
        backs = says_not_paid_or_closed,
        what = "not paid (10003-10006, a refused pay, or a cancel that closed the order or found none)";
    else if (bit == SUITE_OUT_CANCELLED)
        backs = says_cancelled, what = "cancelled (cancel SUCCESS or 20007, orderquery 10003-10005)";
    if (!backs && (bit & (SUITE_OUT_REFUNDED | SUITE_OUT_REFUND_PENDING | SUITE_OUT_REFUND_FAILED)))
        what = bit == SUITE_OUT_REFUND_FAILED ? "refused (refund FAIL, or refundquery)"
                                              : "accepted (refund SUCCESS/PROCESSING, or refundquery)";
    if (!what)
        return;
    /* Nothing sent for the action itself: "not paid" or "not refunded" is certain. */
    const char *act = in->action == SUITE_ACTION_PAY ? "pay"
                      : in->action == SUITE_ACTION_REFUND ? "refund" : "cancel";
    int sent = 0;
    for (size_t i = 0; i < n; i++)
        sent |= xs[i].program && strcmp(xs[i].call, act) == 0;
    if (!sent && (bit == SUITE_OUT_NOT_PAID || bit == SUITE_OUT_REFUND_FAILED))
        return;
    const ex *spoiled = NULL;
    for (size_t i = 0; i < n; i++) {
        const ex *e = &xs[i];
        if (!e->program)
            continue;
        int ok;
        if (backs)
            ok = backs(e);
        else if (strcmp(e->call, "refundquery") == 0)
            ok = strcmp(e->state, "SUCCESS") == 0 && strcmp(e->code, "10000") == 0;
        else if (strcmp(e->call, "refund") == 0)
            ok = bit == SUITE_OUT_REFUND_FAILED ? refund_failed(e)
                                                : refund_final(e) && !refund_failed(e);
        else
            ok = 0;
        if (ok && e->maybe)
            return;
        if (ok && !spoiled)
            spoiled = e;
    }
    if (spoiled)
        fail(j, "C-TRUST", spoiled, NULL,
             "the program says %s, but the only answer saying %s never reached it intact "
             "(R-CLIENT-06: an unsigned, wrongly signed or spoiled answer is not used)",
             in->outcome, what);
    else
        fail(j, "C-TRUST", NULL, NULL,
             "the program says %s, but no answer it received said %s: it guessed",
             in->outcome, what);
}

/* C-ONE-PAY, C-POLL-INTERVAL, C-POLL-DEADLINE, C-CANCEL-EARLY, C-CANCEL-LATE. */
static void judge_orders(judge *j, const ex *xs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ex *e = &xs[i];
        if (!e->program)
            continue;
        const ex *first_pay = NULL, *prev_ask = NULL;
        for (size_t k = 0; k < i; k++)
            if (strcmp(xs[k].otn, e->otn) == 0 && *e->otn) {
                if (strcmp(xs[k].call, "pay") == 0 && !first_pay)
                    first_pay = &xs[k];
                if (strcmp(xs[k].call, "pay") == 0 || strcmp(xs[k].call, "orderquery") == 0)
                    prev_ask = &xs[k];
            }
        if (strcmp(e->call, "pay") == 0) {
            /* Every earlier order of the program must be settled first. */
            for (size_t k = 0; k < i; k++) {
                const ex *p = &xs[k];
                if (!p->program || strcmp(p->call, "pay") != 0)
                    continue;
                int known = 0;
                for (size_t m = k; m < i && !known; m++)
                    known = strcmp(xs[m].otn, p->otn) == 0 && xs[m].told &&
                            (pay_final(&xs[m]) || says_cancelled(&xs[m])) &&
                            strcmp(xs[m].call, "refund") != 0;
                if (!known) {
                    fail(j, "C-ONE-PAY", e, p,
                         strcmp(p->otn, e->otn) == 0
                             ? "pay sent again for %s while its outcome was unknown (R-CLIENT-02: "
                               "query it instead)"
                             : "a second pay while order %s's outcome was unknown (R-CLIENT-02: "
                               "the customer may be charged twice)",
                         p->otn);
                    break;
                }
            }
        }
        /* Polling: asking again about an order whose last answer left it open. */
        if (strcmp(e->call, "orderquery") == 0 && prev_ask && prev_ask->program &&
            !(prev_ask->told && pay_final(prev_ask)) && e->time - prev_ask->time < 4)
            fail(j, "C-POLL-INTERVAL", e, prev_ask,
                 "orderquery %llds after the previous pay or query of %s (R-CLIENT-01: every 5 s)",
                 e->time - prev_ask->time, e->otn);
        if (strcmp(e->call, "orderquery") == 0 && first_pay && first_pay->program &&
            e->time - first_pay->time > 65)
            fail(j, "C-POLL-DEADLINE", e, first_pay,
                 "still querying %s %llds after its pay (R-CLIENT-03: give up after 60 s and cancel)",
                 e->otn, e->time - first_pay->time);
        if (strcmp(e->call, "cancel") == 0 && first_pay) {
            /* The journal sees the pay arrive, a little after the program sent it, in
               whole seconds: 14 passes, as the polling interval's 4 does. */
            long long age = e->mch_time - first_pay->mch_time;
            if (age < 14)
                fail(j, "C-CANCEL-EARLY", e, first_pay,
                     "cancel of %s %llds after its pay (R-CLIENT-07: not before 15 s; the "
                     "customer may still be typing the password)", e->otn, age);
            else if (age > 300 && first_pay->program)
                fail(j, "C-CANCEL-LATE", e, first_pay,
                     "cancel of %s %llds after its pay (R-CANCEL: only within 5 minutes; later, "
                     "refund)", e->otn, age);
        }
    }
}

/* What the program had learned of refund number `orn` from exchanges [from, upto). */
static void learned(const ex *xs, size_t from, size_t upto, const char *orn, int *settled,
                    int *failed)
{
    *settled = *failed = 0;
    for (size_t m = from; m < upto; m++) {
        const ex *q = &xs[m];
        if (!q->told)
            continue;
        if (strcmp(q->call, "refund") == 0 && strcmp(q->orn, orn) == 0) {
            *settled = refund_final(q);
            *failed = *settled && refund_failed(q);
        } else if (strcmp(q->call, "refundquery") == 0 && strcmp(q->state, "SUCCESS") == 0) {
            char buf[16];
            const char *st = listed_status(q, orn, buf);
            if (st && strcmp(st, "NOTSURE") != 0) {
                *settled = 1;
                *failed = strcmp(st, "FAIL") == 0;
            } else if (!st && strcmp(q->code, "20007") == 0) {
                *settled = 1;
            }
        }
    }
}

/* C-REFUND-SAME-NO, C-REFUND-FAILED-NO, C-REFUND-LIMIT. */
static void judge_refunds(judge *j, const suite_judge_input *in, const ex *xs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ex *e = &xs[i];
        if (!e->program || strcmp(e->call, "refund") != 0)
            continue;
        for (size_t k = 0; k < i; k++) {
            const ex *p = &xs[k];
            if (strcmp(p->call, "refund") != 0 || strcmp(p->otn, e->otn) != 0)
                continue;
            int settled, failed;
            learned(xs, k, i, p->orn, &settled, &failed);
            if (strcmp(p->orn, e->orn) != 0 && !settled) {
                fail(j, "C-REFUND-SAME-NO", e, p,
                     "a new out_refund_no %s while refund %s of the same order was unsettled "
                     "(R-CLIENT-05: retry with the same number; both may go through)",
                     e->orn, p->orn);
                return;
            }
            if (strcmp(p->orn, e->orn) == 0 && failed) {
                fail(j, "C-REFUND-FAILED-NO", e, p,
                     "refund %s sent again after it was answered FAIL (R-REFUND-07: a failed "
                     "refund number is spent; retry with a new one)", e->orn);
                return;
            }
        }
    }
    /* Never ask for more than was paid: the first request of each number counts, less
       the numbers the program had learned had failed before this one. */
    const cJSON *order = order_of(in->orders, in->order_no);
    long long total = order ? num(order, "total_fee") : 0;
    for (size_t i = 0; i < n && total; i++) {
        const ex *e = &xs[i];
        if (strcmp(e->call, "refund") != 0 || strcmp(e->otn, in->order_no ? in->order_no : "") != 0)
            continue;
        long long asked = 0;
        int repeat = 0;
        for (size_t k = 0; k <= i; k++) {
            const ex *p = &xs[k];
            int first = strcmp(p->call, "refund") == 0 && strcmp(p->otn, e->otn) == 0;
            for (size_t m = 0; first && m < k; m++)
                first = !(strcmp(xs[m].call, "refund") == 0 && strcmp(xs[m].orn, p->orn) == 0);
            if (!first)
                continue;
            if (k == i || strcmp(p->orn, e->orn) != 0) {
                int settled, failed;
                learned(xs, k, i, p->orn, &settled, &failed);
                if (!failed || k == i)
                    asked += p->refund_fee;
            }
        }
        for (size_t k = 0; k < i && !repeat; k++)
            repeat = strcmp(xs[k].call, "refund") == 0 && strcmp(xs[k].orn, e->orn) == 0;
        if (!repeat && asked > total) {
            fail(j, "C-REFUND-LIMIT", e, NULL,
                 "refunds of %s ask for %lld fen in all; it was paid %lld (never refund more "
                 "than was paid)", e->otn, asked, total);
            break;
        }
    }
    const cJSON *consistent = cJSON_GetObjectItemCaseSensitive(in->ledger, "consistent");
    if (in->ledger && cJSON_IsFalse(consistent)) {
        char *v = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(in->ledger, "violations"));
        fail(j, "C-REFUND-LIMIT", NULL, NULL, "the mock's ledger is inconsistent: %s", v ? v : "?");
        free(v);
    }
}

/* C-ABANDONED: a paying order the program left without a cancel. */
static void judge_abandoned(judge *j, const suite_judge_input *in, const ex *xs, size_t n)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, in->orders) {
        if (strcmp(str(o, "state"), "PAYING") != 0)
            continue;
        const char *otn = str(o, "out_trade_no");
        int cancelled = 0, mine = 0;
        for (size_t i = 0; i < n; i++) {
            mine |= xs[i].program && strcmp(xs[i].otn, otn) == 0;
            cancelled |= xs[i].program && strcmp(xs[i].otn, otn) == 0 &&
                         strcmp(xs[i].call, "cancel") == 0;
        }
        if (mine && !cancelled && in->action == SUITE_ACTION_PAY)
            fail(j, "C-ABANDONED", NULL, NULL,
                 "order %s is still paying and the program never cancelled it (R-CLIENT-03, "
                 "R-CLIENT-04: poll to a final answer or cancel at the deadline)", otn);
    }
}

int suite_judge(const suite_judge_input *in, suite_buf *failures, suite_buf *detail)
{
    size_t n = (size_t)cJSON_GetArraySize(in->entries);
    ex *xs = calloc(n ? n : 1, sizeof *xs);
    judge j = {failures, detail, 0, 0};
    if (!xs) {
        suite_buf_puts(failures, "C-JUDGE: out of memory\n");
        return 1;
    }
    size_t k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, in->entries) {
        ex_fill(&xs[k], it, in->first_seq);
        if (xs[k].program && !j.t0)
            j.t0 = xs[k].time;
        k++;
    }
    judge_outcome(&j, in, xs, n);
    judge_orders(&j, xs, n);
    if (in->action == SUITE_ACTION_REFUND)
        judge_refunds(&j, in, xs, n);
    judge_abandoned(&j, in, xs, n);
    if (j.count) {
        suite_buf_puts(detail, "  the program's traffic:\n");
        for (size_t i = 0; i < n; i++)
            if (xs[i].program)
                show(detail, &xs[i], j.t0);
    }
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(xs[i].resp);
    free(xs);
    return j.count;
}
