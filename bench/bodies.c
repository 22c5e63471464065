/*
 * bench/bodies.c - writes signed request bodies, one per line, for wrk.
 *
 * usage: upay-bench-bodies pay PREFIX COUNT MCH_ID
 *        upay-bench-bodies orderquery OUT_TRADE_NO MCH_ID
 * Signs with the built-in agent 13000000000000001 (MD5). Pay bodies use
 * out_trade_no PREFIX<n> and a WeChat code that pays at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <upay.h>

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

static int print_signed(upay_params *p)
{
    char *body = NULL;
    if (upay_sign_params(p, KEY, UPAY_SIGN_MD5) != UPAY_OK ||
        upay_form_encode(p, &body) != UPAY_OK)
        return -1;
    puts(body);
    upay_free(body);
    return 0;
}

static int pay_bodies(const char *prefix, long count, const char *mch)
{
    for (long i = 0; i < count; i++) {
        char trade[40];
        snprintf(trade, sizeof trade, "%s%08ld", prefix, i);
        upay_params *p = upay_params_new();
        if (!p)
            return -1;
        upay_params_set(p, "method", "pay");
        upay_params_set(p, "agent_id", AGENT);
        upay_params_set(p, "mch_id", mch);
        upay_params_set(p, "out_trade_no", trade);
        upay_params_set(p, "body", "bench");
        upay_params_set(p, "total_fee", "100");
        upay_params_set(p, "auth_code", "134567890123450000");
        int rc = print_signed(p);
        upay_params_free(p);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int orderquery_body(const char *trade, const char *mch)
{
    upay_params *p = upay_params_new();
    if (!p)
        return -1;
    upay_params_set(p, "method", "orderquery");
    upay_params_set(p, "agent_id", AGENT);
    upay_params_set(p, "paytype", "WECHAT");
    upay_params_set(p, "mch_id", mch);
    upay_params_set(p, "out_trade_no", trade);
    int rc = print_signed(p);
    upay_params_free(p);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc == 5 && strcmp(argv[1], "pay") == 0)
        rc = pay_bodies(argv[2], strtol(argv[3], NULL, 10), argv[4]) ? 1 : 0;
    else if (argc == 4 && strcmp(argv[1], "orderquery") == 0)
        rc = orderquery_body(argv[2], argv[3]) ? 1 : 0;
    else
        fprintf(stderr, "usage: %s pay PREFIX COUNT MCH_ID | orderquery OUT_TRADE_NO MCH_ID\n",
                argv[0]);
    return rc;
}
