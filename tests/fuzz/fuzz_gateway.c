/*
 * tests/fuzz/fuzz_gateway.c - libFuzzer target of upay-mock's whole request
 * handler: mock_gateway_handle() and mock_admin_handle() on one in-memory
 * mock_ctx (no listener), kept across inputs so that refunds and cancels
 * meet the orders earlier inputs paid.
 *
 * The first byte of an input chooses how the rest is sent:
 *   0  the raw body, POSTed as a form
 *   1  the body parsed as a form, given an agent_id when it has none, and
 *      SIGNED with that agent's key, so the fuzzer reaches the business
 *      rules (pay, refund, cancel...) instead of stopping at 20002
 *   2  the body with a fuzzed HTTP method and content type
 *   3  an admin request: "PATH[?QUERY]\n" then the body; the next byte picks
 *      GET or POST
 * Bit 0x40 of the first byte sends it to a second mock in the live dialect
 * (mode 1 then signs with names sorted ignoring case); bit 0x80 sends a
 * gateway request to /v2/ (mode 1 then signs with the merchant's derived key).
 * Oracles: every answer is a status with a NUL-terminated body of the
 * stated length; every 200 gateway answer is a JSON object of strings whose
 * signature, when present, verifies with the key that signed the request;
 * in the live dialect only a business success carries sign or nonce_str and
 * a FAIL is exactly state, code, msg; and every 64 inputs (and after each
 * of the first 16) GET /mock/ledger must say each store is consistent.
 */
#include <string.h>
#include <upay/form.h>
#include <upay/params.h>
#include <upay/response.h>
#include <upay/sign.h>

#include "admin/admin.h"
#include "core/ctx.h"
#include "core/merchant_key.h"
#include "fuzz.h"
#include "gateway/gateway.h"
#include "observe/ledger.h"

#define AGENT1 "13000000000000001"
#define KEY1 "UPAYMOCK000000000000000000000001"
#define AGENT2 "13000000000000002"
#define KEY2 "UPAYMOCK000000000000000000000002"
#define FORM "application/x-www-form-urlencoded"
#define LEDGER_EVERY 64
#define RESET_EVERY 4096

static mock_ctx *seed_ctx, *live_ctx;
static mock_ctx *ctx;      /* the one this input goes to */
static int api;            /* MOCK_GATEWAY_V1 or _V2 for this input */
static unsigned long runs;
static int verbose;   /* UPAY_FUZZ_VERBOSE=1: print every answer (to read an artifact's story) */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mock_options o;
    memset(&o, 0, sizeof o);
    o.quiet = 1;
    o.has_seed = 1;
    o.seed = 1;
    verbose = getenv("UPAY_FUZZ_VERBOSE") != NULL;
    char err[256] = "";
    seed_ctx = mock_ctx_new(&o, err, sizeof err);
    o.dialect = "live";
    live_ctx = seed_ctx ? mock_ctx_new(&o, err, sizeof err) : NULL;
    if (!seed_ctx || !live_ctx) {
        fprintf(stderr, "fuzz_gateway: mock_ctx_new: %s\n", err);
        abort();
    }
    return 0;
}

static void check_reply(const mock_reply *r)
{
    if (verbose)
        fprintf(stderr, "fuzz_gateway: %d %s\n", r->status, r->body ? r->body : "(null)");
    FUZZ_CHECK(r->body != NULL, "no body");
    FUZZ_CHECK(r->len == strlen(r->body), "len %zu, strlen %zu", r->len, strlen(r->body));
    FUZZ_CHECK(r->status >= 200 && r->status <= 599, "status %d", r->status);
}

/* A 200 gateway answer must be a JSON object of strings; its sign must verify with `key`. */
static void check_gateway_answer(const mock_reply *r, const char *key)
{
    check_reply(r);
    if (r->status != 200)
        return;
    upay_params *p = NULL;
    upay_code rc = upay_response_parse(r->body, r->len, 0, &p, NULL);
    FUZZ_CHECK(rc == UPAY_OK, "200 answer is not a JSON object of strings: %s", r->body);
    FUZZ_CHECK(upay_params_get(p, "state") && upay_params_get(p, "code"),
               "answer without state or code: %s", r->body);
    if (key && upay_params_get(p, "sign")) {
        int ok = upay_response_verify(p, key, UPAY_SIGN_MD5) == UPAY_OK
              || upay_response_verify(p, key, UPAY_SIGN_HMAC_SHA256) == UPAY_OK;
        FUZZ_CHECK(ok, "signed answer does not verify: %s", r->body);
    }
    if (ctx->live) {
        const char *st = upay_params_get(p, "state"), *ts = upay_params_get(p, "trade_state");
        int success = ts && strcmp(st, "SUCCESS") == 0 && strcmp(ts, "SUCCESS") == 0;
        FUZZ_CHECK(success || (!upay_params_get(p, "sign") && !upay_params_get(p, "nonce_str")),
                   "live: a refusal is signed: %s", r->body);
        FUZZ_CHECK(strcmp(st, "FAIL") != 0 || upay_params_count(p) == 3,
                   "live: a FAIL is not exactly state, code, msg: %s", r->body);
    }
    upay_params_free(p);
}

static void send_raw(const char *method, const char *type, const char *body, size_t len,
                     const char *key)
{
    mock_reply r;
    mock_gateway_handle_api(ctx, api, method, type, body, len, NULL, &r);
    check_gateway_answer(&r, key);
    mock_reply_free(&r);
}

static void send_signed(const char *body, size_t len)
{
    upay_params *p = NULL;
    if (upay_form_parse(body, len, 0, &p, NULL) != UPAY_OK) {
        send_raw("POST", FORM, body, len, NULL);
        return;
    }
    const char *agent = upay_params_get(p, "agent_id");
    if (!agent) {
        upay_params_set(p, "agent_id", AGENT1);
        agent = AGENT1;
    }
    /* A known agent's key; anyone else gets agent 1's key (then: 20012). */
    const char *key = strcmp(agent, AGENT2) == 0 ? KEY2 : KEY1;
    char merchant_key[MOCK_MERCHANT_KEY_SIZE];
    const char *mch_id = upay_params_get(p, "mch_id");
    if (api == MOCK_GATEWAY_V2) {
        /* the merchant's derived key (its agent's, when the merchant is another's: 20002) */
        mock_merchant_key_derive(key, mch_id ? mch_id : "", merchant_key);
        key = merchant_key;
    }
    upay_sign_type type = UPAY_SIGN_MD5;
    const char *st = upay_params_get(p, "sign_type");
    if (st && upay_sign_type_parse(st, &type) != UPAY_OK)
        type = UPAY_SIGN_MD5;
    char sig[UPAY_SIGN_BUF_SIZE];
    upay_code rc = ctx->live ? upay_sign_compute_sorted(p, key, type, UPAY_SIGN_SORT_NOCASE, sig)
                             : upay_sign_compute(p, key, type, sig);
    char *signed_body = NULL;
    if (rc == UPAY_OK && upay_params_set(p, "sign", sig) == UPAY_OK
        && upay_form_encode(p, &signed_body) == UPAY_OK)
        send_raw("POST", FORM, signed_body, strlen(signed_body), key);
    upay_free(signed_body);
    upay_params_free(p);
}

static void send_admin(const char *in, size_t len)
{
    if (len < 1)
        return;
    const char *method = (in[0] & 1) ? "POST" : "GET";
    in++;
    len--;
    const char *nl = memchr(in, '\n', len);
    size_t line = nl ? (size_t)(nl - in) : len;
    char target[512];
    if (line >= sizeof target)
        line = sizeof target - 1;
    memcpy(target, in, line);
    target[line] = '\0';
    if (strlen(target) != line)
        return;   /* a NUL in the path: CivetWeb would never hand that over */
    char *query = strchr(target, '?');
    if (query)
        *query++ = '\0';
    char path[520];
    snprintf(path, sizeof path, "/mock/%s", target);
    const char *body = nl ? nl + 1 : "";
    size_t blen = nl ? len - line - 1 : 0;
    mock_reply r;
    mock_admin_handle(ctx, method, path, query, body, blen, &r);
    check_reply(&r);
    mock_reply_free(&r);
}

static void check_ledger(mock_ctx *c)
{
    mock_reply r;
    mock_ledger_report(c, NULL, &r);
    check_reply(&r);
    FUZZ_CHECK(r.status == 200 && strstr(r.body, "\"consistent\":true"), "ledger: %s", r.body);
    mock_reply_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    static const char *const methods[] = { "POST", "GET", "PUT", "post", "", NULL };
    static const char *const types[] = {
        FORM, "application/json", "application/x-www-form-urlencoded; charset=utf-8",
        "text/plain", "", NULL,
    };
    ctx = (data[0] & 0x40) ? live_ctx : seed_ctx;
    api = (data[0] & 0x80) ? MOCK_GATEWAY_V2 : MOCK_GATEWAY_V1;
    switch (data[0] % 4) {
    case 0:
        send_raw("POST", FORM, in, len, NULL);
        break;
    case 1:
        send_signed(in, len);
        break;
    case 2:
        if (len < 1)
            return 0;
        send_raw(methods[(unsigned char)in[0] % 6], types[((unsigned char)in[0] / 6) % 6],
                 in + 1, len - 1, NULL);
        break;
    default:
        send_admin(in, len);
        break;
    }
    runs++;
    if (runs <= 16 || runs % LEDGER_EVERY == 0) {
        check_ledger(seed_ctx);
        check_ledger(live_ctx);
    }
    if (runs % RESET_EVERY == 0) {
        mock_reply r;
        mock_admin_handle(seed_ctx, "POST", "/mock/reset", NULL, "{}", 2, &r);
        mock_reply_free(&r);
        mock_admin_handle(live_ctx, "POST", "/mock/reset", NULL, "{}", 2, &r);
        mock_reply_free(&r);
    }
    return 0;
}
