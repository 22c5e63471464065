/*
 * barcode_payment.c - the complete barcode-payment example of
 * docs/client.md (the guide quotes this file verbatim; a test checks it).
 *
 * Usage: barcode_payment URL AGENT_ID KEY MCH_ID AUTH_CODE TOTAL_FEE
 */
#include <stdio.h>
#include <stdlib.h>
#include <upay.h>

/* Print each step as the flow takes it. */
static void show_step(const upay_flow_step *step, void *userdata)
{
    (void)userdata;
    if (step->kind == UPAY_STEP_SLEEP)
        printf("  [%5.1f s] wait %u s\n", step->at, step->seconds);
    else
        printf("  [%5.1f s] %s #%u: %s, %s: %s\n", step->at, step->method, step->attempt,
               upay_strerror(step->code), upay_outcome_name(step->outcome), step->note);
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s URL AGENT_ID KEY MCH_ID AUTH_CODE TOTAL_FEE\n", argv[0]);
        return 2;
    }
    upay_client *client = upay_client_new();
    if (!client)
        return 1;
    if (upay_client_set_url(client, argv[1]) != UPAY_OK
        || upay_client_set_agent(client, argv[2]) != UPAY_OK
        || upay_client_set_key(client, argv[3]) != UPAY_OK) {
        fprintf(stderr, "bad URL, agent id or key\n");
        upay_client_free(client);
        return 2;
    }

    upay_pay_request req = {
        .mch_id = argv[4],
        .auth_code = argv[5],          /* scanned from the customer's phone */
        .total_fee = atoll(argv[6]),   /* fen */
        .body = "Coffee",
        /* .out_trade_no left NULL: the flow makes a fresh one */
    };
    upay_flow_options opts;
    upay_flow_options_init(&opts);    /* query every 5 s for up to 60 s */
    opts.on_step = show_step;

    upay_flow_report *report = NULL;
    upay_error err = {0};
    upay_code rc = upay_barcode_pay(client, &req, &opts, &report, &err);
    if (!report) {
        fprintf(stderr, "not started: %s\n", err.message);
        upay_client_free(client);
        return 2;
    }
    printf("order %s: %s\n", report->out_trade_no, upay_flow_outcome_name(report->outcome));
    if (rc != UPAY_OK)
        printf("  %s: %s\n", upay_strerror(rc), err.message);
    if (report->outcome == UPAY_FLOW_UNKNOWN)
        printf("  money may have moved: check order %s by hand\n", report->out_trade_no);

    int paid = report->outcome == UPAY_FLOW_PAID;
    upay_flow_report_free(report);
    upay_client_free(client);
    return paid ? 0 : 1;
}
