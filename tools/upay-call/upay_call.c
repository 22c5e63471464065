/*
 * upay_call.c - upay-call: send any UnifiedPay call, signed, from the shell.
 *
 *   upay-call --url URL --agent-id A --key K [--hmac] [--insecure] [--ca-file PEM]
 *             method=refund out_trade_no=... refund_fee=10 ...
 *
 * Agent and key may also come from UPAY_AGENT_ID and UPAY_KEY (as for
 * upay-suite), the URL from UPAY_URL. Prints the request, the string to sign
 * with the key masked, the answer and whether its signature verified
 * (docs/upay-call.md). A thin front over libupay's upay_call().
 *
 * Exit status: 0 an answer came back and verified, or was a refusal sent
 * without a sign (FAIL or VER: nothing processed); 1 an answer came back but
 * could not be trusted (a sign that does not verify, not JSON, HTTP error); 3 no answer
 * (money may have moved); 2 usage or setup error, nothing sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay.h>

#include "upay_version.h"

typedef struct args {
    const char *url, *agent_id, *key, *ca_file;
    int hmac, insecure;
    upay_params *params;   /* name=value arguments, in order, method included */
} args;

static void usage(FILE *to)
{
    fprintf(to,
            "usage: upay-call --url URL --agent-id ID --key KEY [--hmac] [--insecure]\n"
            "                 [--ca-file PEM] method=CALL [name=value ...]\n"
            "Sends one signed call to the gateway at URL and prints the request, the\n"
            "string to sign (key masked), the answer and whether its signature verified.\n"
            "agent_id, sign_type and sign are added; any other parameter is sent as given.\n"
            "Environment: UPAY_URL, UPAY_AGENT_ID, UPAY_KEY when the option is absent.\n"
            "Exit: 0 answered and verified (or an unsigned refusal),\n"
            "      1 answered but not trustworthy, 3 no answer, 2 usage error.\n");
}

/*
 * Fill `a` from the command line and the environment. Returns 0, or -1 after
 * printing why on stderr. a->params is owned by the caller even on failure.
 */
static int parse(int argc, char **argv, args *a)
{
    struct {
        const char *name;
        const char **slot;
    } valued[] = {{"url", &a->url}, {"agent-id", &a->agent_id}, {"key", &a->key},
                  {"ca-file", &a->ca_file}};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--hmac") == 0) {
            a->hmac = 1;
            continue;
        }
        if (strcmp(arg, "--insecure") == 0) {
            a->insecure = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) == 0) {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t nl = eq ? (size_t)(eq - name) : strlen(name);
            int found = 0;
            for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
                if (strlen(valued[k].name) != nl || strncmp(valued[k].name, name, nl) != 0)
                    continue;
                found = 1;
                if (eq)
                    *valued[k].slot = eq + 1;
                else if (i + 1 < argc)
                    *valued[k].slot = argv[++i];
                else {
                    fprintf(stderr, "upay-call: --%s needs a value\n", valued[k].name);
                    return -1;
                }
            }
            if (!found) {
                fprintf(stderr, "upay-call: unknown option %s\n", arg);
                return -1;
            }
            continue;
        }
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg) {
            fprintf(stderr, "upay-call: \"%s\" is not name=value\n", arg);
            return -1;
        }
        char name[64];
        size_t nl = (size_t)(eq - arg);
        if (nl >= sizeof name) {
            fprintf(stderr, "upay-call: parameter name too long in \"%s\"\n", arg);
            return -1;
        }
        memcpy(name, arg, nl);
        name[nl] = '\0';
        if (upay_params_get(a->params, name)) {
            fprintf(stderr, "upay-call: %s given twice\n", name);
            return -1;
        }
        if (upay_params_set(a->params, name, eq + 1) != UPAY_OK) {
            fprintf(stderr, "upay-call: cannot use parameter %s\n", name);
            return -1;
        }
    }
    if (!a->url)
        a->url = getenv("UPAY_URL");
    if (!a->agent_id)
        a->agent_id = getenv("UPAY_AGENT_ID");
    if (!a->key)
        a->key = getenv("UPAY_KEY");
    if (!a->url || !*a->url || !a->agent_id || !*a->agent_id || !a->key || !*a->key) {
        fprintf(stderr, "upay-call: --url, --agent-id and --key are required "
                        "(or UPAY_URL, UPAY_AGENT_ID, UPAY_KEY)\n");
        return -1;
    }
    if (!upay_params_get(a->params, "method")) {
        fprintf(stderr, "upay-call: method=CALL is required (pay, orderquery, refund, "
                        "refundquery, cancel, or any other name)\n");
        return -1;
    }
    return 0;
}

/* The parameters one per line, indented. */
static void print_params(const upay_params *p)
{
    for (size_t i = 0; p && i < upay_params_count(p); i++)
        printf("  %s=%s\n", upay_params_name_at(p, i), upay_params_value_at(p, i));
}

/* The exit status for `rc` (see the file comment). */
static int exit_status(upay_code rc, const upay_result *res)
{
    switch (rc) {
    case UPAY_OK:
        return 0;
    case UPAY_E_GATEWAY_REFUSED:   /* a FAIL: verified, or unsigned as the live gateway sends it */
    case UPAY_E_VERSION:
        /* a sign that is there but does not verify is a wrong key, not a refusal */
        return res->verified || !upay_params_get(res->params, "sign") ? 0 : 1;
    case UPAY_E_NO_ANSWER:
    case UPAY_E_TRANSPORT:
    case UPAY_E_TLS:
        return 3;
    default:
        return res && res->http_status ? 1 : 3;
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("upay-call %s\n", UPAY_VERSION);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    args a;
    memset(&a, 0, sizeof a);
    a.params = upay_params_new();
    if (!a.params) {
        fprintf(stderr, "upay-call: out of memory\n");
        return 2;
    }
    if (parse(argc, argv, &a) != 0) {
        usage(stderr);
        upay_params_free(a.params);
        return 2;
    }
    upay_client *client = upay_client_new();
    upay_error err = {0};
    if (!client || upay_client_set_url(client, a.url) != UPAY_OK ||
        upay_client_set_agent(client, a.agent_id) != UPAY_OK ||
        upay_client_set_key(client, a.key) != UPAY_OK ||
        (a.hmac && upay_client_set_sign_type(client, UPAY_SIGN_HMAC_SHA256) != UPAY_OK) ||
        (a.insecure && upay_client_set_insecure(client, 1) != UPAY_OK) ||
        (a.ca_file && upay_client_set_tls(client, a.ca_file, NULL, NULL) != UPAY_OK)) {
        fprintf(stderr, "upay-call: cannot set up the client (is %s an http(s) URL?)\n", a.url);
        upay_client_free(client);
        upay_params_free(a.params);
        return 2;
    }

    upay_result *res = NULL;
    upay_code rc = upay_call(client, NULL, a.params, 0, &res, &err);
    if (!res) {
        fprintf(stderr, "upay-call: %s\n", err.message[0] ? err.message : upay_strerror(rc));
        upay_client_free(client);
        upay_params_free(a.params);
        return 2;
    }
    printf("request: POST %s\n", res->url ? res->url : a.url);
    print_params(res->request);
    printf("string to sign: %s\n", res->request_sign_string ? res->request_sign_string : "");
    if (res->http_status)
        printf("answer: HTTP %ld\n  %s\n", res->http_status, res->body ? res->body : "");
    else
        printf("answer: none\n");
    if (res->response_sign_string && *res->response_sign_string)
        printf("answer string to sign: %s\n", res->response_sign_string);
    const char *signature;
    if (res->verified)
        signature = "verified";
    else if ((rc == UPAY_E_GATEWAY_REFUSED || rc == UPAY_E_VERSION)
             && !upay_params_get(res->params, "sign"))
        signature = "none: an unsigned refusal (nothing processed)";
    else if (rc == UPAY_E_GATEWAY_REFUSED || rc == UPAY_E_VERSION)
        signature = "NOT VERIFIED: a refusal whose sign is wrong (wrong key?); nothing processed";
    else if (rc == UPAY_E_UNVERIFIED_FAIL)
        signature = "none: an unsigned \"business failed\" (it could hide a payment: query to confirm)";
    else if (rc == UPAY_E_RESPONSE_SIGN && res->params && !upay_params_get(res->params, "sign"))
        signature = "none: an unsigned answer that does not say nothing happened: not believed";
    else if (rc == UPAY_E_RESPONSE_SIGN)
        signature = "NOT VERIFIED: the answer's sign is wrong (wrong key?)";
    else
        signature = "not checked (no usable answer)";
    printf("signature: %s\n", signature);
    if (res->verified && res->state)
        printf("outcome: state=%s code=%s (%s) msg=%s%s%s\n", res->state,
               res->code ? res->code : "",
               upay_gw_code_text(res->gw_code) ? upay_gw_code_text(res->gw_code) : "?",
               res->msg ? res->msg : "",
               res->trade_state && *res->trade_state ? " trade_state=" : "",
               res->trade_state ? res->trade_state : "");
    printf("result: %s\n", err.message[0] ? err.message : upay_strerror(rc));
    int status = exit_status(rc, res);
    upay_result_free(res);
    upay_client_free(client);
    upay_params_free(a.params);
    return status;
}
