/*
 * upay_pay.c - upay-pay, a command-line cashier: takes one barcode payment
 * with libupay's barcode-payment flow (pay, query while the outcome is
 * unknown, cancel at the deadline), printing every step and the outcome.
 *
 *   upay-pay --url URL (--agent-id ID --key KEY | --merchant-key KEY) --mch-id MCH
 *            --auth-code CODE --total-fee FEN --body TEXT [--out-trade-no NO] [--hmac]
 *            [--poll S] [--deadline S] [--cancel-delay S] [--cancel-retries N]
 *            [--ca-file PEM] [--insecure] [--verbose]
 *
 * Exit status: 0 paid; 1 not paid or cancelled; 3 outcome unknown (money
 * may have moved); 2 usage or setup error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay.h>

typedef struct args {
    const char *url, *agent_id, *key, *merchant_key, *mch_id, *auth_code, *total_fee, *body;
    const char *out_trade_no;
    const char *poll, *deadline, *cancel_delay, *cancel_retries, *ca_file;
    int hmac, insecure, verbose;
} args;

static void usage(FILE *to)
{
    fprintf(to,
            "usage: upay-pay --url URL --agent-id ID --key KEY --mch-id MCH\n"
            "                --auth-code CODE --total-fee FEN --body TEXT\n"
            "       (or --merchant-key KEY instead of --key: the v2 endpoint, signed with\n"
            "        the merchant's key; --agent-id is then optional)\n"
            "                [--out-trade-no NO] [--hmac] [--poll S] [--deadline S]\n"
            "                [--cancel-delay S] [--cancel-retries N]\n"
            "                [--ca-file PEM] [--insecure] [--verbose]\n"
            "Takes one barcode payment: pay, query every --poll seconds (5) while the\n"
            "outcome is unknown, cancel after --deadline seconds (60), never before the\n"
            "order is --cancel-delay seconds old (15), retrying an unknown cancel\n"
            "--cancel-retries times (3).\n"
            "Exit: 0 paid, 1 not paid or cancelled, 3 outcome unknown, 2 usage error.\n");
}

/* Parse "--name value" and "--name=value"; 0 on success. */
static int parse(int argc, char **argv, args *a)
{
    struct {
        const char *name;
        const char **slot;
    } valued[] = {
        {"url", &a->url},           {"agent-id", &a->agent_id},
        {"key", &a->key},           {"merchant-key", &a->merchant_key},
        {"mch-id", &a->mch_id},
        {"auth-code", &a->auth_code}, {"total-fee", &a->total_fee},
        {"body", &a->body},         {"out-trade-no", &a->out_trade_no},
        {"poll", &a->poll},         {"deadline", &a->deadline},
        {"cancel-delay", &a->cancel_delay}, {"cancel-retries", &a->cancel_retries},
        {"ca-file", &a->ca_file},
    };
    struct {
        const char *name;
        int *slot;
    } flags[] = {{"hmac", &a->hmac}, {"insecure", &a->insecure}, {"verbose", &a->verbose}};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, "upay-pay: unexpected argument \"%s\"\n", arg);
            return -1;
        }
        arg += 2;
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        int known = 0;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0] && !known; k++)
            if (!eq && strlen(flags[k].name) == len && strncmp(arg, flags[k].name, len) == 0) {
                *flags[k].slot = 1;
                known = 1;
            }
        for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !known; k++) {
            if (strlen(valued[k].name) != len || strncmp(arg, valued[k].name, len) != 0)
                continue;
            if (eq) {
                *valued[k].slot = eq + 1;
            } else if (i + 1 < argc) {
                *valued[k].slot = argv[++i];
            } else {
                fprintf(stderr, "upay-pay: --%s needs a value\n", valued[k].name);
                return -1;
            }
            known = 1;
        }
        if (!known) {
            fprintf(stderr, "upay-pay: unknown option \"%s\"\n", argv[i]);
            return -1;
        }
    }
    if (a->key && a->merchant_key) {
        fprintf(stderr, "upay-pay: --key and --merchant-key exclude each other\n");
        return -1;
    }
    /* With a merchant key (v2), agent_id is optional. */
    const char *agent = a->merchant_key ? "-" : a->agent_id;
    const char *key = a->merchant_key ? a->merchant_key : a->key;
    const char *need[][2] = {{"url", a->url},           {"agent-id", agent},
                             {"key", key},              {"mch-id", a->mch_id},
                             {"auth-code", a->auth_code}, {"total-fee", a->total_fee},
                             {"body", a->body}};
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
        if (!need[k][1] || !*need[k][1]) {
            fprintf(stderr, "upay-pay: --%s is required\n", need[k][0]);
            return -1;
        }
    return 0;
}

/* A whole number from `min` to 86400 into `*out`; -1 when malformed. */
static int number_arg(const char *text, long long min, unsigned *out)
{
    long long v;
    if (upay_amount_parse(text, &v) != UPAY_OK || v < min || v > 86400)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static void show_step(const upay_flow_step *step, void *userdata)
{
    const args *a = userdata;
    if (step->kind == UPAY_STEP_SLEEP) {
        printf("[%6.1f s] wait %u s (%s)\n", step->at, step->seconds, step->note);
        fflush(stdout);
        return;
    }
    printf("[%6.1f s] %s #%u -> %s", step->at, step->method, step->attempt,
           upay_strerror(step->code));
    const upay_result *r = step->result;
    /* A verified answer, or an unsigned one the library believes (it says nothing moved). */
    if (r && (r->verified || *r->state))
        printf(" (state=%s code=%s trade_state=%s msg=%s%s)", r->state, r->code, r->trade_state,
               r->msg, r->verified ? "" : ", unsigned");
    printf(": %s\n", step->note);
    if (a->verbose && r) {
        printf("           sent: %s\n", r->request_body);
        printf("           got:  %s\n", r->body);
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    args a = {0};
    if (parse(argc, argv, &a) != 0) {
        usage(stderr);
        return 2;
    }
    long long total_fee;
    if (upay_amount_parse(a.total_fee, &total_fee) != UPAY_OK || total_fee < 1) {
        fprintf(stderr, "upay-pay: --total-fee must be a whole number of fen, at least 1\n");
        return 2;
    }
    upay_flow_options opts;
    upay_flow_options_init(&opts);
    if ((a.poll && number_arg(a.poll, 1, &opts.poll_interval) != 0)
        || (a.deadline && number_arg(a.deadline, 0, &opts.deadline) != 0)
        || (a.cancel_delay && number_arg(a.cancel_delay, 0, &opts.cancel_delay) != 0)
        || (a.cancel_retries && number_arg(a.cancel_retries, 0, &opts.cancel_retries) != 0)) {
        fprintf(stderr, "upay-pay: --poll is 1 to 86400 seconds; --deadline, --cancel-delay "
                        "and --cancel-retries 0 to 86400\n");
        return 2;
    }
    opts.on_step = show_step;
    opts.step_userdata = &a;

    upay_client *client = upay_client_new();
    if (!client) {
        fprintf(stderr, "upay-pay: cannot create a client\n");
        return 2;
    }
    if (upay_client_set_url(client, a.url) != UPAY_OK) {
        fprintf(stderr, "upay-pay: --url must be an http:// or https:// URL\n");
        upay_client_free(client);
        return 2;
    }
    if (a.agent_id)
        upay_client_set_agent(client, a.agent_id);
    if (a.merchant_key)
        upay_client_set_merchant_key(client, a.merchant_key);
    else
        upay_client_set_key(client, a.key);
    upay_client_set_pid(client, "upay-pay");
    if (a.hmac)
        upay_client_set_sign_type(client, UPAY_SIGN_HMAC_SHA256);
    if (a.ca_file)
        upay_client_set_tls(client, a.ca_file, NULL, NULL);
    if (a.insecure)
        upay_client_set_insecure(client, 1);

    upay_pay_request req = {
        .mch_id = a.mch_id,
        .out_trade_no = a.out_trade_no,
        .body = a.body,
        .auth_code = a.auth_code,
        .total_fee = total_fee,
    };
    printf("paying %lld fen at %s (merchant %s)\n", total_fee, a.url, a.mch_id);
    upay_flow_report *report = NULL;
    upay_error err = {0};
    upay_code rc = upay_barcode_pay(client, &req, &opts, &report, &err);
    if (!report) {
        fprintf(stderr, "upay-pay: %s: %s\n", upay_strerror(rc), err.message);
        upay_client_free(client);
        return 2;
    }
    printf("outcome: %s (order %s, %.0f s)\n", upay_flow_outcome_name(report->outcome),
           report->out_trade_no, report->elapsed);
    if (rc != UPAY_OK)
        printf("detail: %s: %s\n", upay_strerror(rc), err.message);
    int status;
    switch (report->outcome) {
    case UPAY_FLOW_PAID:
        status = 0;
        if (report->final_result)
            printf("transaction_id: %s\n", report->final_result->transaction_id);
        break;
    case UPAY_FLOW_UNKNOWN:
        printf("money may have moved: check order %s by hand\n", report->out_trade_no);
        status = 3;
        break;
    default:
        status = 1;
        break;
    }
    upay_flow_report_free(report);
    upay_client_free(client);
    return status;
}
