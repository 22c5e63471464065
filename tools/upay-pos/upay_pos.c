/*
 * tools/upay-pos/upay_pos.c - the reference point-of-sale program of the
 * client conformance contract (docs/client-conformance.md): reads the
 * action from the environment (UPAY_ACTION pay, refund or cancel and its
 * numbers), does it the way docs/protocol.md section 11 says, through
 * libupay's flows, in real time, and prints one JSON line with what it now
 * believes. Every step goes to standard error. UPAY_ACTION notify handles
 * one scan-to-pay notification (UPAY_NOTIFY_BODY) as a merchant's handler
 * must: verify, check the order, process it once (UPAY_STATE_DIR keeps
 * what was processed), answer success.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <upay.h>

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static long long env_fee(const char *name)
{
    const char *v = env(name);
    return v ? atoll(v) : 0;
}

/* Print the contract's last line: {"outcome": ..., "note": ...}. */
static int verdict(const char *outcome, const char *note)
{
    printf("{\"outcome\":\"%s\",\"note\":\"", outcome);
    for (const char *p = note ? note : ""; *p; p++)
        if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            putchar(*p);
    printf("\"}\n");
    return 0;
}

static void on_step(const upay_flow_step *s, void *userdata)
{
    (void)userdata;
    if (s->kind == UPAY_STEP_SLEEP)
        fprintf(stderr, "upay-pos: t=%.0fs sleep %us\n", s->at, s->seconds);
    else
        fprintf(stderr, "upay-pos: t=%.0fs %s #%u: %s %s/%s -> %s\n", s->at, s->method,
                s->attempt, upay_strerror(s->code), s->result ? s->result->code : "-",
                s->result ? s->result->trade_state : "-", s->note ? s->note : "");
}

static int do_pay(upay_client *c, const char *mch)
{
    upay_pay_request req = {
        .mch_id = mch,
        .out_trade_no = env("UPAY_OUT_TRADE_NO"),
        .body = env("UPAY_BODY") ? env("UPAY_BODY") : "upay-pos",
        .total_fee = env_fee("UPAY_TOTAL_FEE"),
        .auth_code = env("UPAY_AUTH_CODE"),
    };
    upay_flow_options opts;
    upay_flow_options_init(&opts);   /* poll every 5 s, give up after 60 s: real time */
    opts.on_step = on_step;
    upay_flow_report *rep = NULL;
    upay_error err;
    upay_code rc = upay_barcode_pay(c, &req, &opts, &rep, &err);
    if (!rep) {
        fprintf(stderr, "upay-pos: pay: %s\n", upay_strerror(rc));
        return rc == UPAY_E_INVALID_ARG ? 2 : verdict("UNKNOWN", upay_strerror(rc));
    }
    const char *outcome = "UNKNOWN";
    switch (rep->outcome) {
    case UPAY_FLOW_PAID: outcome = "PAID"; break;
    case UPAY_FLOW_NOT_PAID: outcome = "NOT_PAID"; break;
    case UPAY_FLOW_CANCELLED: outcome = "CANCELLED"; break;
    default: outcome = "UNKNOWN"; break;
    }
    verdict(outcome, upay_strerror(rc));
    upay_flow_report_free(rep);
    return 0;
}

static int do_refund(upay_client *c, const char *mch)
{
    upay_refund_request req = {
        .paytype = upay_paytype_parse(env("UPAY_PAYTYPE") ? env("UPAY_PAYTYPE") : ""),
        .mch_id = mch,
        .out_trade_no = env("UPAY_OUT_TRADE_NO"),
        .out_refund_no = env("UPAY_OUT_REFUND_NO"),
        .total_fee = env_fee("UPAY_TOTAL_FEE"),
        .refund_fee = env_fee("UPAY_REFUND_FEE"),
    };
    if (req.refund_fee > req.total_fee) {
        /* Never ask for more than was paid: nothing is sent. */
        fprintf(stderr, "upay-pos: refund of %lld fen asked on an order of %lld: refused\n",
                req.refund_fee, req.total_fee);
        return verdict("REFUND_FAILED", "more than was paid");
    }
    upay_flow_options opts;
    upay_flow_options_init(&opts);
    opts.on_step = on_step;
    upay_flow_report *rep = NULL;
    upay_error err;
    upay_code rc = upay_refund_with_retry(c, &req, &opts, &rep, &err);
    if (!rep) {
        fprintf(stderr, "upay-pos: refund: %s\n", upay_strerror(rc));
        return rc == UPAY_E_INVALID_ARG ? 2 : verdict("REFUND_UNKNOWN", upay_strerror(rc));
    }
    const char *outcome = "REFUND_UNKNOWN";
    if (rep->outcome == UPAY_FLOW_REFUNDED)
        outcome = rep->has_refund_status && rep->refund_status == UPAY_REFUND_SUCCESS
                      ? "REFUNDED" : "REFUND_PENDING";
    else if (rep->outcome == UPAY_FLOW_NOT_REFUNDED)
        outcome = "REFUND_FAILED";
    verdict(outcome, upay_strerror(rc));
    upay_flow_report_free(rep);
    return 0;
}

static void sleep_s(unsigned s)
{
    struct timespec ts = {(time_t)s, 0};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/*
 * Cancel (the cashier voids the sale). libupay has no cancel flow of its
 * own: send cancel; an unknown outcome is retried with the same number
 * every 5 s, 3 times (R-CLIENT-04); a refused cancel (20011: too old,
 * refunded) leaves the order as it was, which an orderquery tells.
 */
static int do_cancel(upay_client *c, const char *mch)
{
    upay_paytype paytype = upay_paytype_parse(env("UPAY_PAYTYPE") ? env("UPAY_PAYTYPE") : "");
    upay_cancel_request req = {.paytype = paytype, .mch_id = mch,
                               .out_trade_no = env("UPAY_OUT_TRADE_NO")};
    for (unsigned attempt = 0; attempt <= 3; attempt++) {
        if (attempt)
            sleep_s(5);
        upay_result *r = NULL;
        upay_code rc = upay_cancel(c, &req, &r, NULL);
        fprintf(stderr, "upay-pos: cancel #%u: %s %s/%s\n", attempt + 1, upay_strerror(rc),
                r ? r->code : "-", r ? r->trade_state : "-");
        int gw = r ? r->gw_code : 0;
        upay_outcome outcome = r ? r->outcome : UPAY_OUTCOME_NONE;
        upay_result_free(r);
        if (rc == UPAY_OK && outcome == UPAY_OUTCOME_SUCCESS)
            return verdict("CANCELLED", "cancel SUCCESS");
        if (rc == UPAY_OK && gw == 20007)
            return verdict("NOT_PAID", "no such order");
        if (rc == UPAY_OK && outcome == UPAY_OUTCOME_FAIL)
            break;   /* refused: ask what the order is */
        if (rc == UPAY_E_GATEWAY_REFUSED || rc == UPAY_E_INVALID_ARG)
            return verdict("UNKNOWN", upay_strerror(rc));
    }
    upay_orderquery_request q = {.paytype = paytype, .mch_id = mch,
                                 .out_trade_no = env("UPAY_OUT_TRADE_NO")};
    upay_result *r = NULL;
    upay_code rc = upay_orderquery(c, &q, &r, NULL);
    int paid = rc == UPAY_OK && r && (r->outcome == UPAY_OUTCOME_SUCCESS ||
                                      r->outcome == UPAY_OUTCOME_REFUND);
    upay_result_free(r);
    return verdict(paid ? "PAID" : "UNKNOWN", paid ? "cancel refused; the order stays paid"
                                                   : "cancel outcome unknown");
}

/* The notify contract's last line: what was done and the answer for the gateway. */
static int notify_verdict(const char *outcome, const char *answer, const char *note)
{
    fprintf(stderr, "upay-pos: notify: %s (%s)\n", outcome, note);
    printf("{\"outcome\":\"%s\",\"answer\":\"%s\"}\n", outcome, answer);
    return 0;
}

/*
 * A notification: believed only when it verifies and names this order and
 * amount; processed once: the order's mark in UPAY_STATE_DIR is made with
 * O_EXCL, so a repeat (even one arriving at the same moment) finds it.
 */
static int do_notify(const char *mch)
{
    const char *body = env("UPAY_NOTIFY_BODY"), *dir = env("UPAY_STATE_DIR");
    const char *otn = env("UPAY_OUT_TRADE_NO");
    if (!body || !dir || !otn) {
        fprintf(stderr, "upay-pos: notify needs UPAY_NOTIFY_BODY, UPAY_STATE_DIR and "
                        "UPAY_OUT_TRADE_NO\n");
        return 2;
    }
    upay_notification n;
    upay_error err;
    memset(&err, 0, sizeof err);
    upay_code rc = upay_notify_parse(body, strlen(body), env("UPAY_KEY"), &n, NULL, &err);
    if (rc != UPAY_OK)
        return notify_verdict("REJECTED", "fail", err.message);
    if (strcmp(n.mch_id, mch) != 0 || strcmp(n.out_trade_no, otn) != 0 ||
        n.total_fee != env_fee("UPAY_TOTAL_FEE"))
        return notify_verdict("REJECTED", "fail", "not this order or not its amount");
    if (!n.paid)
        return notify_verdict("REJECTED", "success", "verified but not paid: nothing to do");
    char path[4096];
    snprintf(path, sizeof path, "%s/paid-%s", dir, n.out_trade_no);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 && errno == EEXIST)
        return notify_verdict("DUPLICATE", "success", "already processed");
    if (fd < 0) {
        fprintf(stderr, "upay-pos: %s: %s\n", path, strerror(errno));
        return notify_verdict("REJECTED", "fail", "cannot record it: the gateway will retry");
    }
    dprintf(fd, "%s\n", n.transaction_id);
    close(fd);
    return notify_verdict("PAID", "success", n.transaction_id);
}

int main(void)
{
    const char *action = env("UPAY_ACTION"), *mch = env("UPAY_MCH_ID");
    if (!action || !env("UPAY_URL") || !env("UPAY_AGENT_ID") || !env("UPAY_KEY") || !mch) {
        fprintf(stderr, "upay-pos: UPAY_URL, UPAY_AGENT_ID, UPAY_KEY, UPAY_MCH_ID and "
                        "UPAY_ACTION are required (docs/client-conformance.md)\n");
        return 2;
    }
    if (upay_global_init() != UPAY_OK)
        return 2;
    upay_client *c = upay_client_new();
    if (!c || upay_client_set_url(c, env("UPAY_URL")) != UPAY_OK ||
        upay_client_set_agent(c, env("UPAY_AGENT_ID")) != UPAY_OK ||
        upay_client_set_key(c, env("UPAY_KEY")) != UPAY_OK) {
        fprintf(stderr, "upay-pos: bad gateway settings\n");
        upay_client_free(c);
        return 2;
    }
    int status;
    if (strcmp(action, "pay") == 0)
        status = do_pay(c, mch);
    else if (strcmp(action, "refund") == 0)
        status = do_refund(c, mch);
    else if (strcmp(action, "cancel") == 0)
        status = do_cancel(c, mch);
    else if (strcmp(action, "notify") == 0)
        status = do_notify(mch);
    else {
        fprintf(stderr, "upay-pos: unknown UPAY_ACTION \"%s\"\n", action);
        status = 2;
    }
    fflush(stdout);
    upay_client_free(c);
    upay_global_cleanup();
    return status;
}
