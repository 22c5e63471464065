/*
 * check_e2e_mock_dialect.c - end-to-end tests of upay-mock's two dialects
 * (docs/mock.md "Dialects", docs/protocol.md section 14): in `live`, only a
 * business success is signed and a refusal is bare; pid and version are
 * required; the v3.2.1 answer fields; refundquery by refund only; names
 * sorted case-insensitively for signatures; POST /v2/UnifiedPay/Gateway
 * signed with the merchant's key (configured or derived), which
 * GET /mock/merchants/MCH tells and GET /mock/merchants never lists; state VER under
 * --min-version. In both dialects msg is the code table's text and our
 * English diagnosis travels in X-Upay-Detail and the journal.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "e2e/mock_test_util.h"

#define LIVE_PID "pos-test"
#define LIVE_VERSION "2.5"

static mock_server *server;
static mt_gw gw;            /* the live mock, agent 1 */
static unsigned serial;

static mock_server *start_dialect(const char *dialect, const char *config_path,
                                  const char *min_version)
{
    mock_options o;
    memset(&o, 0, sizeof o);
    o.dialect = dialect;
    o.config_path = config_path;
    o.min_version = min_version;
    return mt_start(&o);
}

/* `g` as a live client: pid and version on every request, only successes signed. */
static void live_gw(mt_gw *g)
{
    g->live = 1;
    g->pid = LIVE_PID;
    g->version = LIVE_VERSION;
}

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server = start_dialect("live", NULL, NULL);
    mt_gw_init(&gw, mock_server_url(server));
    live_gw(&gw);
}

static void teardown(void)
{
    mock_server_stop(server);
    server = NULL;
    curl_global_cleanup();
}

static const char *fresh(const char *prefix)
{
    static char buf[64][40];
    static unsigned slot;
    char *out = buf[slot++ % 64];
    snprintf(out, 40, "%s%05u", prefix, ++serial);
    return out;
}

static const char *code_of(const char *suffix)
{
    static char buf[64][32];
    static unsigned slot;
    char *out = buf[slot++ % 64];
    mt_code(out, "WECHAT", suffix, ++serial);
    return out;
}

static upay_params *live_pay(const mt_gw *g, const char *mch, const char *otn, const char *code)
{
    return mt_call(g, "pay", "mch_id", mch, "out_trade_no", otn, "body", "goods",
                     "total_fee", "300", "auth_code", code, NULL);
}

/* Names of the answer's fields, comma-joined in the answer's order. */
static const char *field_names(const upay_params *p)
{
    static char names[512];
    names[0] = '\0';
    for (size_t i = 0; i < upay_params_count(p); i++) {
        if (i)
            strcat(names, ",");
        strncat(names, upay_params_name_at(p, i), sizeof names - strlen(names) - 2);
    }
    return names;
}

/* Upper-case hex MD5 of `text`, as a client computes it. */
static void md5_upper(const char *text, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    ck_assert_int_eq(EVP_Digest(text, strlen(text), md, &len, EVP_md5(), NULL), 1);
    for (unsigned i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02X", md[i]);
}

static int by_name_nocase(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    int c = strcasecmp(x[0], y[0]);
    return c ? c : strcmp(x[0], y[0]);
}

/* Sign `req` (MD5) the live way: names sorted ignoring case (rules.md, v3.2.1). */
static void sign_nocase(upay_params *req, const char *key)
{
    const char *pairs[32][2];
    size_t n = 0;
    upay_params_remove(req, "sign");
    for (size_t i = 0; i < upay_params_count(req) && n < 32; i++) {
        pairs[n][0] = upay_params_name_at(req, i);
        pairs[n][1] = upay_params_value_at(req, i);
        if (*pairs[n][1])
            n++;
    }
    qsort(pairs, n, sizeof pairs[0], by_name_nocase);
    char text[2048] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s=%s", i ? "&" : "",
                 pairs[i][0], pairs[i][1]);
    snprintf(text + strlen(text), sizeof text - strlen(text), "&key=%s", key);
    char sig[33];
    md5_upper(text, sig);
    upay_params_set(req, "sign", sig);
}

/* POST `req` as it is (already signed) to `g`. */
static upay_params *post_signed(const mt_gw *g, const upay_params *req)
{
    char *body = NULL;
    ck_assert_int_eq(upay_form_encode(req, &body), UPAY_OK);
    upay_params *p = mt_post_raw(g, body, strlen(body));
    upay_free(body);
    return p;
}

/* Check that `p` is exactly `names` (comma-joined, in this order). */
#define expect_fields(p, names) \
    ck_assert_msg(strcmp(field_names(p), names) == 0, "fields %s, want %s", field_names(p), names)

START_TEST(live_refusals_are_bare)
{
    /* A business success: signed (mt_send verifies), nonce_str, detail fields. */
    const char *otn = fresh("LB");
    upay_params *p = live_pay(&gw, "LIVE1", otn, code_of(NULL));
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "msg"), "SUCCESS");
    ck_assert_ptr_nonnull(upay_params_get(p, "nonce_str"));
    ck_assert_ptr_nonnull(upay_params_get(p, "transaction_id"));
    upay_params_free(p);

    /* FAIL: exactly state, code, msg, whatever was wrong. */
    mt_gw wrong = gw;
    wrong.key = MT_KEY2;   /* another agent's key */
    p = mt_call(&wrong, "orderquery", "mch_id", "LIVE1", "paytype", "WECHAT", "out_trade_no", otn,
                NULL);
    mt_expect(p, "FAIL", "20002", NULL);
    expect_fields(p, "state,code,msg");
    /* ... and the detail says why: the other built-in agent's key, and what was signed */
    ck_assert_msg(strstr(mt_detail(), "signature error: it was signed with agent " MT_AGENT2
                                      "'s key; the mock signed: agent_id=" MT_AGENT1) != NULL,
                  "%s", mt_detail());
    ck_assert_ptr_null(strstr(mt_detail(), MT_KEY1));
    upay_params_free(p);
    p = mt_call(&gw, "refund", "mch_id", "LIVE1", "paytype", "WECHAT", "out_trade_no", otn,
                  NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    expect_fields(p, "state,code,msg");
    ck_assert_ptr_nonnull(strstr(mt_detail(), "out_refund_no"));
    upay_params_free(p);

    /* SUCCESS without trade_state SUCCESS is not a business success: bare, unsigned. */
    p = live_pay(&gw, "LIVE1", fresh("LB"), code_of("9001"));   /* types a password */
    mt_expect(p, "SUCCESS", "10001", "NEED_QUERY");
    expect_fields(p, "state,code,msg,trade_state");
    upay_params_free(p);
    p = mt_call(&gw, "orderquery", "mch_id", "LIVE1", "paytype", "WECHAT", "out_trade_no",
                  "NOSUCHORDER", NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    expect_fields(p, "state,code,msg,trade_state");
    upay_params_free(p);
    /* a refunded order (10002/REFUND) is no business success either: no detail fields */
    p = mt_call(&gw, "refund", "mch_id", "LIVE1", "paytype", "WECHAT", "out_trade_no", otn,
                  "out_refund_no", "LB-R1", "total_fee", "300", "refund_fee", "100",
                  "op_user_id", "1", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    p = mt_call(&gw, "orderquery", "mch_id", "LIVE1", "paytype", "WECHAT", "out_trade_no", otn,
                  NULL);
    mt_expect(p, "SUCCESS", "10002", "REFUND");
    expect_fields(p, "state,code,msg,trade_state");
    upay_params_free(p);
}
END_TEST

START_TEST(seed_refusals_stay_signed)
{
    mock_server *seed = start_dialect(NULL, NULL, NULL);
    mt_gw g;
    mt_gw_init(&g, mock_server_url(seed));
    /* The seed dialect signs a business refusal and carries nonce_str (mt_send verifies). */
    upay_params *p = mt_call(&g, "orderquery", "mch_id", "SEED1", "paytype", "WECHAT",
                             "out_trade_no", "NOSUCHORDER", NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    ck_assert_ptr_nonnull(upay_params_get(p, "sign"));
    ck_assert_ptr_nonnull(upay_params_get(p, "nonce_str"));
    ck_assert_ptr_nonnull(strstr(mt_detail(), "does not exist"));
    upay_params_free(p);
    /* ...needs no pid or version, and answers without the live fields. */
    char code[32];
    mt_code(code, "WECHAT", NULL, 1);
    p = mt_pay(&g, "SEED1", "SEEDPAY001", "5", code);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_ptr_null(upay_params_get(p, "base_fee"));
    ck_assert_ptr_null(upay_params_get(p, "buyer_user_id"));
    ck_assert_ptr_null(upay_params_get(p, "paytype"));
    ck_assert_str_eq(mt_detail(), "");
    upay_params_free(p);
    mock_server_stop(seed);
}
END_TEST

START_TEST(live_pid_version_paytype)
{
    char code[32];
    mt_code(code, "WECHAT", NULL, 2);
    /* Without pid, without version: 20004, and nothing is created. */
    mt_gw no_pid = gw, no_version = gw;
    no_pid.pid = NULL;
    no_version.version = NULL;
    upay_params *p = mt_call(&no_pid, "pay", "mch_id", "LIVE2", "out_trade_no", "PIDLESS001",
                             "body", "b", "total_fee", "1", "auth_code", code, NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    ck_assert_ptr_nonnull(strstr(mt_detail(), "pid"));
    upay_params_free(p);
    p = mt_call(&no_version, "pay", "mch_id", "LIVE2", "out_trade_no", "PIDLESS001", "body", "b",
                "total_fee", "1", "auth_code", code, NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    ck_assert_ptr_nonnull(strstr(mt_detail(), "version"));
    upay_params_free(p);
    p = mt_call(&gw, "orderquery", "mch_id", "LIVE2", "paytype", "WECHAT", "out_trade_no",
                  "PIDLESS001", NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);

    /* pay needs no paytype and ignores one: the code says WECHAT. */
    p = mt_call(&gw, "pay", "mch_id", "LIVE2", "out_trade_no", "PAYTYPE001", "body", "b",
                  "total_fee", "250", "auth_code", code, "paytype", "ALIPAY", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "paytype"), "WECHAT");
    ck_assert_str_eq(mt_field(p, "base_fee"), "250");
    ck_assert_str_eq(mt_field(p, "total_fee"), "250");
    ck_assert_str_eq(mt_field(p, "buyer_user_id"), mt_field(p, "openid"));
    char buyer[64];
    snprintf(buyer, sizeof buyer, "%s", mt_field(p, "buyer_user_id"));
    upay_params_free(p);
    p = mt_call(&gw, "orderquery", "mch_id", "LIVE2", "paytype", "WECHAT", "out_trade_no",
                  "PAYTYPE001", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "paytype"), "WECHAT");
    ck_assert_str_eq(mt_field(p, "base_fee"), "250");
    ck_assert_str_eq(mt_field(p, "buyer_user_id"), buyer);
    upay_params_free(p);
}
END_TEST

START_TEST(live_refund_fields)
{
    const char *otn = fresh("LR");
    upay_params *p = live_pay(&gw, "LIVE3", otn, code_of(NULL));
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    p = mt_call(&gw, "refund", "mch_id", "LIVE3", "paytype", "WECHAT", "out_trade_no", otn,
                  "out_refund_no", "LR-1", "total_fee", "300", "refund_fee", "120",
                  "op_user_id", "1", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_channel"), "ORIGINAL");
    ck_assert_str_eq(mt_field(p, "base_fee"), "300");
    ck_assert_str_eq(mt_field(p, "base_refund_fee"), "120");
    ck_assert_str_eq(mt_field(p, "refund_fee"), "120");
    ck_assert_str_eq(mt_field(p, "coupon_refund_fee"), "0");
    char refund_id[64];
    snprintf(refund_id, sizeof refund_id, "%s", mt_field(p, "refund_id"));
    upay_params_free(p);

    p = mt_call(&gw, "refundquery", "mch_id", "LIVE3", "paytype", "WECHAT", "refund_id",
                  refund_id, NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    cJSON *list = cJSON_Parse(mt_field(p, "refund_list"));
    ck_assert_msg(cJSON_IsArray(list) && cJSON_GetArraySize(list) == 1, "list %s",
                  mt_field(p, "refund_list"));
    cJSON *e = cJSON_GetArrayItem(list, 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "base_refund_fee")->valuestring, "120");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "coupon_refund_fee")->valuestring, "0");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "refund_channel")->valuestring,
                     "ORIGINAL");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "refund_fee")->valuestring, "120");
    cJSON_Delete(list);
    upay_params_free(p);
}
END_TEST

START_TEST(live_refundquery_keys)
{
    const char *otn = fresh("LQ");
    upay_params *p = live_pay(&gw, "LIVE4", otn, code_of(NULL));
    char txid[64];
    snprintf(txid, sizeof txid, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);
    char rid[2][64];
    const char *orn[2] = { "LQ-A", "LQ-B" };
    for (int i = 0; i < 2; i++) {
        p = mt_call(&gw, "refund", "mch_id", "LIVE4", "paytype", "WECHAT", "out_trade_no", otn,
                      "out_refund_no", orn[i], "total_fee", "300", "refund_fee", "10",
                      "op_user_id", "1", NULL);
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        snprintf(rid[i], sizeof rid[i], "%s", mt_field(p, "refund_id"));
        upay_params_free(p);
    }
    /* By order: not a live key (removed in v2.5.1): 20004. */
    p = mt_call(&gw, "refundquery", "mch_id", "LIVE4", "paytype", "WECHAT", "out_trade_no",
                  otn, NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    ck_assert_ptr_nonnull(strstr(mt_detail(), "out_refund_no"));
    upay_params_free(p);
    p = mt_call(&gw, "refundquery", "mch_id", "LIVE4", "paytype", "WECHAT", "transaction_id",
                  txid, NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    upay_params_free(p);
    /* By refund: each key alone; both: out_refund_no wins (v3.2.1 refundquery). */
    p = mt_call(&gw, "refundquery", "mch_id", "LIVE4", "paytype", "WECHAT", "out_refund_no",
                  "LQ-B", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_ptr_nonnull(strstr(mt_field(p, "refund_list"), rid[1]));
    upay_params_free(p);
    p = mt_call(&gw, "refundquery", "mch_id", "LIVE4", "paytype", "WECHAT", "refund_id", rid[0],
                  NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_ptr_nonnull(strstr(mt_field(p, "refund_list"), "LQ-A"));
    upay_params_free(p);
    p = mt_call(&gw, "refundquery", "mch_id", "LIVE4", "paytype", "WECHAT", "refund_id", rid[0],
                  "out_refund_no", "LQ-B", "out_trade_no", otn, NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_eq(mt_field(p, "refund_count"), "1");
    ck_assert_ptr_nonnull(strstr(mt_field(p, "refund_list"), "LQ-B"));
    upay_params_free(p);
}
END_TEST

/* An orderquery with a name that sorts differently with and without case. */
static upay_params *mixed_case_request(void)
{
    upay_params *req = upay_params_new();
    upay_params_set(req, "method", "orderquery");
    upay_params_set(req, "agent_id", MT_AGENT1);
    upay_params_set(req, "pid", LIVE_PID);
    upay_params_set(req, "version", LIVE_VERSION);
    upay_params_set(req, "mch_id", "CASE1");
    upay_params_set(req, "paytype", "WECHAT");
    upay_params_set(req, "out_trade_no", "NOSUCHORDER");
    upay_params_set(req, "Zone", "east");   /* byte order: first; ignoring case: last */
    return req;
}

START_TEST(live_sorts_names_ignoring_case)
{
    upay_params *req = mixed_case_request();
    sign_nocase(req, MT_KEY1);
    upay_params *p = post_signed(&gw, req);
    mt_expect(p, "SUCCESS", "20007", "FAIL");   /* accepted: the signature held */
    upay_params_free(p);
    upay_sign_params(req, MT_KEY1, UPAY_SIGN_MD5);   /* libupay: byte order */
    p = post_signed(&gw, req);
    mt_expect(p, "FAIL", "20002", NULL);
    upay_params_free(p);
    upay_params_free(req);

    /* The seed dialect is the other way round. */
    mock_server *seed = start_dialect("seed", NULL, NULL);
    mt_gw g;
    mt_gw_init(&g, mock_server_url(seed));
    req = mixed_case_request();
    sign_nocase(req, MT_KEY1);
    p = post_signed(&g, req);
    mt_expect(p, "FAIL", "20002", NULL);
    upay_params_free(p);
    upay_sign_params(req, MT_KEY1, UPAY_SIGN_MD5);
    p = post_signed(&g, req);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    upay_params_free(req);
    mock_server_stop(seed);
}
END_TEST

static const char keys_config[] =
    "{\"dialect\":\"live\","
    "\"agents\":[{\"agent_id\":\"800001\",\"key\":\"AGENT-KEY-ONE\"},"
    "{\"agent_id\":\"800002\",\"key\":\"AGENT-KEY-TWO\"}],"
    "\"merchants\":[{\"mch_id\":\"KEYED1\",\"agent_id\":\"800001\",\"key\":\"MERCHANT-KEY-0001\"},"
    "{\"mch_id\":\"PLAIN1\",\"agent_id\":\"800001\"}]}";

/* The key GET /mock/merchants/MCH tells (404: NULL). */
static char *merchant_key(const char *base, const char *mch, const char **source)
{
    char path[96];
    snprintf(path, sizeof path, "/mock/merchants/%s", mch);
    long status = 0;
    char *body = mt_admin(base, "GET", path, NULL, &status);
    char *key = NULL;
    if (status == 200) {
        cJSON *root = cJSON_Parse(body);
        key = strdup(cJSON_GetObjectItemCaseSensitive(root, "key")->valuestring);
        *source = strcmp(cJSON_GetObjectItemCaseSensitive(root, "key_source")->valuestring,
                         "config") == 0 ? "config" : "derived";
        cJSON_Delete(root);
    } else {
        ck_assert_int_eq(status, 404);
    }
    free(body);
    return key;
}

/* A mock started from keys_config (live, from the config file). */
static mock_server *start_keys_config(void)
{
    char path[] = "/tmp/upay-mock-dialect-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, keys_config, strlen(keys_config)), (ssize_t)strlen(keys_config));
    close(fd);
    mock_server *s = start_dialect(NULL, path, NULL);
    unlink(path);
    return s;
}

START_TEST(v2_merchant_keys)
{
    mock_server *s = start_keys_config();
    const char *base = mock_server_url(s);

    /* Configured key; derived key = MD5(agent key "&mch_id=" mch_id), upper hex. */
    const char *source = NULL;
    char *key = merchant_key(base, "KEYED1", &source);
    ck_assert_str_eq(key, "MERCHANT-KEY-0001");
    ck_assert_str_eq(source, "config");
    free(key);
    char derived[33];
    md5_upper("AGENT-KEY-ONE&mch_id=PLAIN1", derived);
    key = merchant_key(base, "PLAIN1", &source);
    ck_assert_str_eq(key, derived);
    ck_assert_str_eq(source, "derived");
    free(key);
    ck_assert_ptr_null(merchant_key(base, "OPEN1", &source));

    /* /v2/: no agent_id, the merchant's key signs the request and the answer. */
    mt_gw v2;
    mt_gw_init(&v2, base);
    v2.path = "/v2/UnifiedPay/Gateway";
    v2.agent_id = NULL;
    v2.key = "MERCHANT-KEY-0001";
    live_gw(&v2);
    upay_params *p = live_pay(&v2, "KEYED1", "V2PAY0001", code_of(NULL));
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    v2.key = "AGENT-KEY-ONE";   /* the agent's key is not the merchant's */
    p = mt_call(&v2, "orderquery", "mch_id", "KEYED1", "paytype", "WECHAT", "out_trade_no",
                  "V2PAY0001", NULL);
    mt_expect(p, "FAIL", "20002", NULL);
    upay_params_free(p);
    /* v1 still takes the agent's key for the same merchant and order. */
    mt_gw v1;
    mt_gw_init(&v1, base);
    v1.agent_id = "800001";
    v1.key = "AGENT-KEY-ONE";
    live_gw(&v1);
    p = mt_call(&v1, "orderquery", "mch_id", "KEYED1", "paytype", "WECHAT", "out_trade_no",
                  "V2PAY0001", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    /* agent_id, when given on /v2/, must be the merchant's. */
    v2.key = "MERCHANT-KEY-0001";
    v2.agent_id = "800002";
    p = mt_call(&v2, "orderquery", "mch_id", "KEYED1", "paytype", "WECHAT", "out_trade_no",
                  "V2PAY0001", NULL);
    mt_expect(p, "FAIL", "20005", NULL);
    expect_fields(p, "state,code,msg");
    upay_params_free(p);

    /* An open merchant: unknown without agent_id; with it, the derived key opens it. */
    md5_upper("AGENT-KEY-ONE&mch_id=OPEN1", derived);
    v2.agent_id = NULL;
    v2.key = derived;
    p = live_pay(&v2, "OPEN1", "V2PAY0002", code_of(NULL));
    mt_expect(p, "FAIL", "20005", NULL);
    ck_assert_ptr_nonnull(strstr(mt_detail(), "agent_id"));
    upay_params_free(p);
    v2.agent_id = "800001";
    p = live_pay(&v2, "OPEN1", "V2PAY0002", code_of(NULL));
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    key = merchant_key(base, "OPEN1", &source);
    ck_assert_str_eq(key, derived);
    free(key);
    v2.agent_id = NULL;
    p = mt_call(&v2, "orderquery", "mch_id", "OPEN1", "paytype", "WECHAT", "out_trade_no",
                  "V2PAY0002", NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    upay_params_free(p);
    /* No usable mch_id: nothing to sign with, 20004 bare. */
    p = mt_call(&v2, "orderquery", "paytype", "WECHAT", "out_trade_no", "V2PAY0002", NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    expect_fields(p, "state,code,msg");
    upay_params_free(p);
    mock_server_stop(s);
}
END_TEST

/*
 * GET /mock/merchants`query`: the page's mch_ids comma-joined into ids and
 * its "next" into next ("" for null), each entry checked: agent 800001,
 * configured only for the config's two, and the three members and no
 * other (no key). `*raw` receives the body (free it).
 */
static void merchants_page(const char *base, const char *query, char ids[256], char next[40],
                           char **raw)
{
    char path[128];
    snprintf(path, sizeof path, "/mock/merchants%s", query);
    long status = 0;
    *raw = mt_admin(base, "GET", path, NULL, &status);
    ck_assert_msg(status == 200, "%s: %ld %s", path, status, *raw);
    cJSON *root = cJSON_Parse(*raw);
    ck_assert_ptr_nonnull(root);
    ids[0] = '\0';
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(root, "merchants"))
    {
        const char *id = cJSON_GetObjectItemCaseSensitive(m, "mch_id")->valuestring;
        ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m, "agent_id")->valuestring, "800001");
        int configured = strcmp(id, "KEYED1") == 0 || strcmp(id, "PLAIN1") == 0;
        ck_assert_int_eq(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "configured")),
                         configured);
        ck_assert_int_eq(cJSON_GetArraySize(m), 3);
        snprintf(ids + strlen(ids), 256 - strlen(ids), "%s%s", ids[0] ? "," : "", id);
    }
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(root, "next");
    ck_assert_msg(cJSON_IsNull(n) || cJSON_IsString(n), "%s: next %s", path, *raw);
    snprintf(next, 40, "%s", cJSON_IsString(n) ? n->valuestring : "");
    cJSON_Delete(root);
}

/*
 * GET /mock/merchants: every merchant the mock holds, configured or opened
 * by a request, in mch_id order (bytes: digits, capitals, small letters), a
 * page at a time with after and limit; bad paging is a 400; no key of any
 * merchant, configured or derived, is ever in the list.
 */
START_TEST(merchant_list)
{
    mock_server *s = start_keys_config();
    const char *base = mock_server_url(s);
    mt_gw v1;
    mt_gw_init(&v1, base);
    v1.agent_id = "800001";
    v1.key = "AGENT-KEY-ONE";
    live_gw(&v1);
    static const char *const opened[] = { "M3", "a5", "M1", "0007", "Z9", "A0", "M2" };
    for (size_t i = 0; i < sizeof opened / sizeof opened[0]; i++) {
        upay_params *p = live_pay(&v1, opened[i], fresh("ML"), code_of(NULL));
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        upay_params_free(p);
    }
    static const char all[] = "0007,A0,KEYED1,M1,M2,M3,PLAIN1,Z9,a5";
    char ids[256], next[40], *raw;
    merchants_page(base, "", ids, next, &raw);
    ck_assert_str_eq(ids, all);
    ck_assert_str_eq(next, "");
    /* no key: neither a configured one nor any derived one */
    ck_assert_ptr_null(strstr(raw, "key"));
    ck_assert_ptr_null(strstr(raw, "MERCHANT-KEY-0001"));
    char list[sizeof all];
    memcpy(list, all, sizeof all);
    for (char *id = strtok(list, ","); id; id = strtok(NULL, ",")) {
        const char *source = NULL;
        char *key = merchant_key(base, id, &source);
        ck_assert_ptr_nonnull(key);
        ck_assert_msg(strstr(raw, key) == NULL, "the key of %s is in the list", id);
        free(key);
    }
    free(raw);

    /* three pages of three: the last one full, with no next */
    static const struct { const char *query, *ids, *next; } pages[] = {
        { "?limit=3", "0007,A0,KEYED1", "KEYED1" },
        { "?after=KEYED1&limit=3", "M1,M2,M3", "M3" },
        { "?after=M3&limit=3", "PLAIN1,Z9,a5", "" },
        { "?after=L&limit=2", "M1,M2", "M2" },      /* after a merchant the mock does not hold */
        { "?after=a5", "", "" },
        { "?after=&limit=1000", all, "" },
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        merchants_page(base, pages[i].query, ids, next, &raw);
        ck_assert_msg(strcmp(ids, pages[i].ids) == 0, "%s: %s", pages[i].query, ids);
        ck_assert_msg(strcmp(next, pages[i].next) == 0, "%s: next %s", pages[i].query, next);
        free(raw);
    }
    /* following next, two at a time, lists each merchant once */
    char walked[256] = "", query[64] = "?limit=2";
    do {
        merchants_page(base, query, ids, next, &raw);
        free(raw);
        ck_assert_uint_lt(strlen(walked) + strlen(ids) + 1, sizeof walked);
        if (walked[0] && ids[0])
            strcat(walked, ",");
        strcat(walked, ids);
        snprintf(query, sizeof query, "?limit=2&after=%s", next);
    } while (next[0]);
    ck_assert_str_eq(walked, all);

    static const char *const bad[] = {
        "?limit=0", "?limit=1001", "?limit=-1", "?limit=abc", "?limit=1.5",
        "?after=%25bad", "?after=M-1", "?after=123456789012345678901234567890123",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/mock/merchants%s", bad[i]);
        long status = 0;
        raw = mt_admin(base, "GET", path, NULL, &status);
        ck_assert_msg(status == 400, "%s: %ld", bad[i], status);
        cJSON *root = cJSON_Parse(raw);
        ck_assert_msg(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "error")), "%s: %s",
                      bad[i], raw);
        cJSON_Delete(root);
        free(raw);
    }
    char url[160];
    snprintf(url, sizeof url, "%s/mock/merchants", base);
    mt_http_reply r;
    ck_assert_int_eq(mt_http("POST", url, "application/json", "{}", 2, NULL, &r), 0);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(r.allow, "GET");
    mt_http_reply_free(&r);
    mock_server_stop(s);
}
END_TEST

START_TEST(min_version_ver)
{
    mock_server *s = start_dialect("live", NULL, "2.5");
    mt_gw g;
    mt_gw_init(&g, mock_server_url(s));
    g.live = 1;
    upay_params *p = mt_call(&g, "orderquery", "pid", "x", "version", "2.4.9", "mch_id", "VER1",
                             "paytype", "WECHAT", "out_trade_no", "NOSUCHORDER", NULL);
    mt_expect(p, "VER", "20004", NULL);
    ck_assert_str_eq(mt_field(p, "msg"), "\xe7\x89\x88\xe6\x9c\xac\xe8\xbf\x87\xe4\xbd\x8e");
    expect_fields(p, "state,code,msg");
    ck_assert_ptr_nonnull(strstr(mt_detail(), "2.4.9"));
    upay_params_free(p);
    p = mt_call(&g, "orderquery", "pid", "x", "version", "2.10", "mch_id", "VER1", "paytype",
                "WECHAT", "out_trade_no", "NOSUCHORDER", NULL);
    mt_expect(p, "SUCCESS", "20007", "FAIL");
    upay_params_free(p);
    mock_server_stop(s);

    /* The seed dialect answers VER too, signed as ever. */
    s = start_dialect("seed", NULL, "2.5");
    mt_gw_init(&g, mock_server_url(s));
    p = mt_call(&g, "orderquery", "version", "1.0", "mch_id", "VER1", "paytype", "WECHAT",
                "out_trade_no", "NOSUCHORDER", NULL);
    mt_expect(p, "VER", "20004", NULL);
    ck_assert_ptr_nonnull(upay_params_get(p, "sign"));
    upay_params_free(p);
    mock_server_stop(s);

    /* A dialect or version the mock does not know stops the start with a sentence. */
    mock_options o;
    memset(&o, 0, sizeof o);
    o.listen = "127.0.0.1:0";
    o.quiet = 1;
    o.dialect = "v3";
    char err[256] = "";
    ck_assert_ptr_null(mock_server_start(&o, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "seed or live"));
    o.dialect = NULL;
    o.min_version = "new";
    ck_assert_ptr_null(mock_server_start(&o, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "--min-version"));
}
END_TEST

START_TEST(detail_header_and_journal)
{
    /* msg is the table's text in both dialects; the English is in the header and journal. */
    mock_server *seed = start_dialect(NULL, NULL, NULL);
    mt_gw g;
    mt_gw_init(&g, mock_server_url(seed));
    upay_params *p = mt_call(&g, "refund", "mch_id", "DET1", "paytype", "WECHAT", NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    ck_assert_str_eq(mt_field(p, "msg"), "\xe5\x8f\x82\xe6\x95\xb0\xe9\x94\x99\xe8\xaf\xaf");
    ck_assert_str_eq(mt_detail(), "parameter error: missing parameter out_trade_no (or transaction_id)");
    upay_params_free(p);
    /* Unsigned refusals (unknown agent) too. */
    g.agent_id = "99999";
    p = mt_call(&g, "orderquery", "mch_id", "DET1", NULL);
    mt_expect(p, "FAIL", "20012", NULL);
    ck_assert_str_eq(mt_detail(), "agent error: unknown agent_id");
    upay_params_free(p);
    long status = 0;
    char *body = mt_admin(g.base, "GET", "/mock/journal", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body, "\"detail\":\"parameter error: missing parameter "
                                       "out_trade_no (or transaction_id)\""));
    ck_assert_ptr_nonnull(strstr(body, "\"detail\":\"agent error: unknown agent_id\""));
    free(body);
    mock_server_stop(seed);
}
END_TEST

/* Read all of the file at `path` (at most 8 KiB), NUL-terminated. */
static void read_text(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    fclose(f);
}

START_TEST(verbose_log)
{
    /* --verbose: one stderr line per answer, with the detail; stderr goes to a file here. */
    char path[] = "/tmp/upay-mock-verbose-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
    mock_options o;
    memset(&o, 0, sizeof o);
    o.listen = "127.0.0.1:0";
    o.frozen_clock = 1;
    o.verbose = 1;
    char err[256] = "";
    mock_server *s = mock_server_start(&o, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    mt_gw g;
    mt_gw_init(&g, mock_server_url(s));
    upay_params *p = mt_call(&g, "refund", "mch_id", "VERB1", "paytype", "WECHAT", NULL);
    mt_expect(p, "FAIL", "20004", NULL);
    upay_params_free(p);
    mock_server_stop(s);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char log[8192];
    read_text(path, log, sizeof log);
    unlink(path);
    ck_assert_msg(strstr(log, "refund mch_id=VERB1 -> HTTP 200 FAIL 20004 -: parameter error: "
                              "missing parameter out_trade_no") != NULL, "log: %s", log);
}
END_TEST

static void add(Suite *s, TCase *tc, const TTest *test)
{
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

Suite *make_e2e_mock_dialect_suite(void)
{
    Suite *s = suite_create("e2e_mock_dialect");
    add(s, tcase_create("live_bare"), live_refusals_are_bare);
    add(s, tcase_create("seed_signed"), seed_refusals_stay_signed);
    add(s, tcase_create("live_pid_version_paytype"), live_pid_version_paytype);
    add(s, tcase_create("live_refund_fields"), live_refund_fields);
    add(s, tcase_create("live_refundquery_keys"), live_refundquery_keys);
    add(s, tcase_create("nocase_sort"), live_sorts_names_ignoring_case);
    add(s, tcase_create("v2_merchant_keys"), v2_merchant_keys);
    add(s, tcase_create("merchant_list"), merchant_list);
    add(s, tcase_create("min_version"), min_version_ver);
    add(s, tcase_create("detail"), detail_header_and_journal);
    add(s, tcase_create("verbose"), verbose_log);
    return s;
}
