/*
 * check_mock_core.c - the mock's building blocks without a network: the
 * SQLite store, ids and nonces, config parsing, the journal, the parameter
 * check, and the pure gateway handler (mock_gateway_handle) including its
 * HTTP-level answers and its order of checks.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <upay/form.h>
#include <upay/response.h>
#include <upay/sign.h>

#include "core/ctx.h"
#include "gateway/gateway.h"
#include "gateway/request.h"

/* ---- store ---- */

START_TEST(store_round_trip)
{
    mock_store *s = NULL;
    char err[256];
    ck_assert_int_eq(mock_store_open(NULL, &s, err, sizeof err), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_begin(s), MOCK_STORE_OK);
    mock_merchant m = { "M1", "A1", 30, 0 }, got;
    ck_assert_int_eq(mock_store_merchant_put(s, &m), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_merchant_get(s, "M1", &got), MOCK_STORE_OK);
    ck_assert_str_eq(got.agent_id, "A1");
    ck_assert_int_eq(got.clock_offset, 30);
    ck_assert_int_eq(mock_store_merchant_get(s, "M2", &got), MOCK_STORE_NOT_FOUND);

    mock_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.mch_id, sizeof o.mch_id, "M1");
    snprintf(o.out_trade_no, sizeof o.out_trade_no, "T0001");
    snprintf(o.transaction_id, sizeof o.transaction_id, "7551000001202001010000000001");
    snprintf(o.attach, sizeof o.attach, "附加");
    o.total_fee = 100;
    o.state = MOCK_TRADE_PAID;
    ck_assert_int_eq(mock_store_order_insert(s, &o), MOCK_STORE_OK);
    ck_assert_int_gt(o.id, 0);
    mock_order dup = o;   /* the same number (and transaction_id), another amount: not stored */
    dup.id = 0;
    dup.total_fee = 999;
    ck_assert_int_eq(mock_store_order_insert(s, &dup), MOCK_STORE_EXISTS);
    ck_assert_int_eq(dup.id, 0);
    snprintf(dup.transaction_id, sizeof dup.transaction_id, "7551000001202001010000000002");
    ck_assert_int_eq(mock_store_order_insert(s, &dup), MOCK_STORE_EXISTS);
    ck_assert_int_eq(mock_store_order_by_transaction_id(s, "M1", dup.transaction_id, &dup),
                     MOCK_STORE_NOT_FOUND);
    dup = o;
    snprintf(dup.out_trade_no, sizeof dup.out_trade_no, "T0002");
    ck_assert_int_eq(mock_store_order_insert(s, &dup), MOCK_STORE_CONFLICT);  /* same transaction_id */

    mock_order back;
    ck_assert_int_eq(mock_store_order_by_out_trade_no(s, "M1", "T0001", &back), MOCK_STORE_OK);
    ck_assert_str_eq(back.attach, "附加");
    ck_assert_int_eq(back.total_fee, 100);
    ck_assert_int_eq(mock_store_order_by_out_trade_no(s, "M2", "T0001", &back), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_order_by_out_trade_no(s, "M1", "t0001", &back), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_order_by_transaction_id(s, "M1", o.transaction_id, &back), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_order_by_transaction_id(s, "M9", o.transaction_id, &back),
                     MOCK_STORE_NOT_FOUND);
    o.state = MOCK_TRADE_REFUNDED;
    o.refunded_fee = 10;
    o.refund_count = 1;
    ck_assert_int_eq(mock_store_order_update(s, &o), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_order_by_id(s, o.id, &back), MOCK_STORE_OK);
    ck_assert_int_eq(back.state, MOCK_TRADE_REFUNDED);
    ck_assert_int_eq(back.refunded_fee, 10);

    for (int i = 0; i < 3; i++) {
        mock_refund r;
        memset(&r, 0, sizeof r);
        r.order_id = o.id;
        snprintf(r.mch_id, sizeof r.mch_id, "M1");
        snprintf(r.out_refund_no, sizeof r.out_refund_no, "R%d", i);
        snprintf(r.refund_id, sizeof r.refund_id, "755200000120200101000000000%d", i);
        r.serial_no = 2 - i;   /* stored out of order, listed by serial_no */
        r.refund_fee = i + 1;
        r.status = UPAY_REFUND_PROCESSING;
        ck_assert_int_eq(mock_store_refund_insert(s, &r), MOCK_STORE_OK);
    }
    mock_refund list[5], one;
    size_t n = 0;
    ck_assert_int_eq(mock_store_refunds_of_order(s, o.id, list, 5, &n), MOCK_STORE_OK);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(list[i].serial_no, (int)i);
    ck_assert_int_eq(mock_store_refunds_of_order(s, o.id, list, 2, &n), MOCK_STORE_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(mock_store_refund_by_out_refund_no(s, "M1", "R1", &one), MOCK_STORE_OK);
    one.status = UPAY_REFUND_SUCCESS;
    ck_assert_int_eq(mock_store_refund_update(s, &one), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_refund_by_refund_id(s, "M1", one.refund_id, &one), MOCK_STORE_OK);
    ck_assert_int_eq(one.status, UPAY_REFUND_SUCCESS);
    ck_assert_int_eq(mock_store_refund_by_refund_id(s, "M2", one.refund_id, &one), MOCK_STORE_NOT_FOUND);

    long long orders = 0, refunds = 0, v = 0;
    ck_assert_int_eq(mock_store_count(s, &orders, &refunds), MOCK_STORE_OK);
    ck_assert_int_eq(orders, 1);
    ck_assert_int_eq(refunds, 3);
    ck_assert_int_eq(mock_store_meta_get(s, "x", &v), MOCK_STORE_NOT_FOUND);
    ck_assert_int_eq(mock_store_meta_set(s, "x", 5), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_meta_get(s, "x", &v), MOCK_STORE_OK);
    ck_assert_int_eq(v, 5);
    ck_assert_int_eq(mock_store_commit(s), MOCK_STORE_OK);

    /* A rolled-back transaction leaves nothing. */
    ck_assert_int_eq(mock_store_begin(s), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_reset_merchant(s, "M1"), MOCK_STORE_OK);
    mock_store_rollback(s);
    ck_assert_int_eq(mock_store_count(s, &orders, &refunds), MOCK_STORE_OK);
    ck_assert_int_eq(orders, 1);
    ck_assert_int_eq(mock_store_reset_all(s), MOCK_STORE_OK);
    ck_assert_int_eq(mock_store_count(s, &orders, &refunds), MOCK_STORE_OK);
    ck_assert_int_eq(orders + refunds, 0);
    ck_assert_int_eq(mock_store_merchant_get(s, "M1", &got), MOCK_STORE_NOT_FOUND);
    mock_store_close(s);
    mock_store_close(NULL);

    ck_assert_int_eq(mock_store_open("/nonexistent-dir/x/state.db", &s, err, sizeof err),
                     MOCK_STORE_ERROR);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err, "state"));
}
END_TEST

/* ---- ids ---- */

START_TEST(ids_shapes_and_seed)
{
    mock_ids *a = mock_ids_new(1, 99), *b = mock_ids_new(1, 99), *c = mock_ids_new(0, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(c);
    char x[MOCK_ID_SIZE], y[MOCK_ID_SIZE], n1[MOCK_NONCE_SIZE], n2[MOCK_NONCE_SIZE];
    /* 2020-01-01 00:00 GMT+8 = 2019-12-31 16:00 UTC */
    const long long t = 1577808000;
    static const mock_id_kind kinds[] = { MOCK_ID_TRANSACTION, MOCK_ID_WALLET_TRADE, MOCK_ID_REFUND,
                                          MOCK_ID_WALLET_REFUND };
    for (int k = 0; k < 4; k++) {
        mock_ids_make(a, kinds[k], t, x);
        mock_ids_make(b, kinds[k], t, y);
        ck_assert_str_eq(x, y);
        ck_assert_uint_eq(strlen(x), 28);
        for (int i = 0; i < 28; i++)
            ck_assert(isdigit((unsigned char)x[i]));
        ck_assert(memcmp(x + 10, "20200101", 8) == 0);
    }
    mock_ids_nonce(a, n1);
    mock_ids_nonce(b, n2);
    ck_assert_str_eq(n1, n2);
    ck_assert_uint_eq(strlen(n1), 32);
    mock_ids_mix(b, 12345);
    mock_ids_nonce(a, n1);
    mock_ids_nonce(b, n2);
    ck_assert_str_ne(n1, n2);
    mock_ids_nonce(c, n1);
    mock_ids_nonce(c, n2);
    ck_assert_str_ne(n1, n2);
    mock_ids_free(a);
    mock_ids_free(b);
    mock_ids_free(c);
    mock_ids_free(NULL);
}
END_TEST

/*
 * transaction_id and refund_id increase (index-friendly), share one
 * sequence, and continue after the largest stored one; wallet ids do not.
 */
START_TEST(ids_sequence)
{
    mock_ids *ids = mock_ids_new(1, 7);
    long long t = 1700000000;
    char a[MOCK_ID_SIZE], b[MOCK_ID_SIZE], c[MOCK_ID_SIZE], w1[MOCK_ID_SIZE], w2[MOCK_ID_SIZE];
    mock_ids_make(ids, MOCK_ID_TRANSACTION, t, a);
    mock_ids_make(ids, MOCK_ID_REFUND, t, b);
    mock_ids_make(ids, MOCK_ID_TRANSACTION, t, c);
    unsigned long long sa = strtoull(a + 18, NULL, 10), sb = strtoull(b + 18, NULL, 10),
                       sc = strtoull(c + 18, NULL, 10);
    ck_assert_uint_eq(sb, sa + 1);
    ck_assert_uint_eq(sc, sa + 2);
    ck_assert_int_lt(strcmp(a, c), 0);
    mock_ids_continue_after(ids, sc + 1000);
    mock_ids_make(ids, MOCK_ID_TRANSACTION, t, a);
    ck_assert_uint_eq(strtoull(a + 18, NULL, 10), sc + 1001);
    mock_ids_continue_after(ids, 5); /* never goes back */
    mock_ids_make(ids, MOCK_ID_TRANSACTION, t, b);
    ck_assert_uint_eq(strtoull(b + 18, NULL, 10), sc + 1002);
    mock_ids_make(ids, MOCK_ID_WALLET_TRADE, t, w1);
    mock_ids_make(ids, MOCK_ID_WALLET_TRADE, t, w2);
    ck_assert_uint_ne(strtoull(w2 + 18, NULL, 10), strtoull(w1 + 18, NULL, 10) + 1);
    mock_ids_free(ids);
}
END_TEST

/* ---- config ---- */

static const struct {
    const char *json;
    const char *error;   /* NULL: valid */
} config_rows[] = {
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}]}", NULL },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\",\"sign_types\":[\"MD5\"]}],"
      "\"merchants\":[{\"mch_id\":\"M1\",\"agent_id\":\"1\"}],\"min_version\":\"1.2\"}", NULL },
    { "not json", "JSON" },
    { "[]", "object" },
    { "{}", "agents" },
    { "{\"agents\":[]}", "agents" },
    { "{\"agents\":[{\"agent_id\":\"1\"}]}", "key" },
    { "{\"agents\":[{\"agent_id\":\"\",\"key\":\"k\"}]}", "agent_id" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"},{\"agent_id\":\"1\",\"key\":\"j\"}]}", "twice" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\",\"sign_types\":[\"SHA1\"]}]}", "sign_types" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"merchants\":[{\"mch_id\":\"M-1\",\"agent_id\":\"1\"}]}", "mch_id" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"merchants\":[{\"mch_id\":\"M1\",\"agent_id\":\"2\"}]}", "agent 2" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"merchants\":{}}", "merchants" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"min_version\":3}", "min_version" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":16}", NULL },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":1048576}", NULL },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":15}", "journal_size" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":1048577}", "journal_size" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":100.5}", "journal_size" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":\"64\"}", "journal_size" },
    { "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":-20}", "journal_size" },
};

START_TEST(config_parse)
{
    char err[256] = "";
    mock_config *c = mock_config_parse(config_rows[_i].json, strlen(config_rows[_i].json), err,
                                       sizeof err);
    if (config_rows[_i].error) {
        ck_assert_ptr_null(c);
        ck_assert_msg(strstr(err, config_rows[_i].error) != NULL, "error '%s' lacks '%s'", err,
                      config_rows[_i].error);
    } else {
        ck_assert_ptr_nonnull(c);
        ck_assert_ptr_nonnull(mock_config_agent(c, "1"));
        ck_assert_ptr_null(mock_config_agent(c, "2"));
        mock_config_free(c);
    }
}
END_TEST

START_TEST(config_builtin_and_versions)
{
    mock_config *c = mock_config_builtin();
    ck_assert_ptr_nonnull(c);
    const mock_agent *a = mock_config_agent(c, MOCK_BUILTIN_AGENT_2);
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a->key, MOCK_BUILTIN_KEY_2);
    ck_assert(a->allow_md5 && a->allow_hmac_sha256);
    ck_assert_ptr_null(mock_config_agent(c, NULL));
    mock_config_free(c);
    mock_config_free(NULL);
    ck_assert_int_lt(mock_version_compare("1.9", "1.10"), 0);
    ck_assert_int_eq(mock_version_compare("2", "2.0"), 0);
    ck_assert_int_gt(mock_version_compare("2.0.1", "2.0"), 0);
    ck_assert_int_lt(mock_version_compare("", "1"), 0);
    ck_assert(mock_mch_id_valid("abcDEF123"));
    ck_assert(!mock_mch_id_valid(""));
    ck_assert(!mock_mch_id_valid("123456789012345678901234567890123"));
    ck_assert(!mock_mch_id_valid("a b"));
    char err[128];
    ck_assert_ptr_null(mock_config_load("/nonexistent/config.json", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "cannot open"));
}
END_TEST

/* ---- journal ---- */

/* How many of `adds` exchanges the journal of a mock made with `config` and `size` keeps. */
static size_t journal_kept(const char *config, size_t size, int adds)
{
    char path[] = "/tmp/check_mock_core.XXXXXX", err[256];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, config, strlen(config)), (ssize_t)strlen(config));
    close(fd);
    mock_options o;
    memset(&o, 0, sizeof o);
    o.config_path = path;
    o.journal_size = size;
    mock_ctx *c = mock_ctx_new(&o, err, sizeof err);
    unlink(path);
    ck_assert_msg(c != NULL, "%s", err);
    for (int i = 0; i < adds; i++)
        mock_journal_add(c->journal, i, "pay", "a=1", 3, 200, "{}", 2);
    size_t kept = 0;
    mock_journal_usage(c->journal, NULL, &kept);
    mock_ctx_free(c);
    return kept;
}

/* The journal's size: the config file's "journal_size", which --journal-size overrides. */
START_TEST(journal_size_from_config)
{
    static const char with[] =
        "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"journal_size\":16}";
    static const char without[] = "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}]}";
    ck_assert_uint_eq(journal_kept(with, 0, 40), 16);
    ck_assert_uint_eq(journal_kept(with, 32, 40), 32);
    ck_assert_uint_eq(journal_kept(without, 0, 40), 40);   /* the default keeps 2048 */
}
END_TEST

static void count_entry(const mock_journal_entry *e, void *user)
{
    unsigned long long *seqs = user;
    seqs[seqs[0] + 1] = e->seq;
    seqs[0]++;
}

START_TEST(journal_ring)
{
    mock_journal *j = mock_journal_new(4);
    ck_assert_ptr_nonnull(j);
    for (int i = 0; i < 6; i++)
        mock_journal_add(j, i, "pay", "a=1", 3, 200, "{}", 2);
    unsigned long long seqs[8] = { 0 };
    mock_journal_each(j, 10, count_entry, seqs);
    ck_assert_int_eq(seqs[0], 4);
    ck_assert_int_eq(seqs[1], 3);      /* oldest kept first */
    ck_assert_int_eq(seqs[4], 6);
    memset(seqs, 0, sizeof seqs);
    mock_journal_each(j, 2, count_entry, seqs);
    ck_assert_int_eq(seqs[0], 2);
    ck_assert_int_eq(seqs[1], 5);
    mock_journal_clear(j);
    memset(seqs, 0, sizeof seqs);
    mock_journal_each(j, 10, count_entry, seqs);
    ck_assert_int_eq(seqs[0], 0);
    mock_journal_add(j, 0, NULL, NULL, 0, 404, NULL, 0);
    mock_journal_free(j);
    mock_journal_free(NULL);
}
END_TEST

typedef struct body_check {
    int n;
    int bad;
} body_check;

/* Entry seq N carries request "q" x (N % 7 * 300) and response "s" x (N % 5 * 900). */
static void check_bodies(const mock_journal_entry *e, void *user)
{
    body_check *bc = user;
    size_t rl = (size_t)(e->seq % 7) * 300, sl = (size_t)(e->seq % 5) * 900;
    if (sl > MOCK_JOURNAL_BODY_MAX)
        sl = MOCK_JOURNAL_BODY_MAX;
    bc->n++;
    if (strlen(e->request) != rl || strlen(e->response) != sl
        || (rl && (e->request[0] != 'q' || e->request[rl - 1] != 'q'))
        || (sl && (e->response[0] != 's' || e->response[sl - 1] != 's')))
        bc->bad++;
}

/*
 * Bodies of every size survive the reuse of their slot's buffer (a short
 * body after a long one, a long one after a short), and a slot's buffer is
 * the size its entry needs: after large entries, small ones take the
 * journal back to its smallest buffers.
 */
START_TEST(journal_bodies_reuse_their_slots)
{
    mock_journal *j = mock_journal_new(16);
    static char q[3000], r[6000];
    memset(q, 'q', sizeof q);
    memset(r, 's', sizeof r);
    size_t empty = 0, bytes = 0, entries = 0;
    mock_journal_usage(j, &empty, NULL);
    for (int i = 1; i <= 1200; i++)
        mock_journal_add(j, i, "pay", q, (size_t)(i % 7) * 300, 200, r, (size_t)(i % 5) * 900);
    mock_journal_usage(j, &bytes, &entries);
    ck_assert_uint_eq(entries, 16);
    ck_assert_uint_gt(bytes, empty + 16u * 1040u);
    body_check bc = {0, 0};
    mock_journal_each(j, 100, check_bodies, &bc);
    ck_assert_int_eq(bc.n, 16);
    ck_assert_int_eq(bc.bad, 0);
    for (int i = 0; i < 16; i++)
        mock_journal_add(j, i, "pay", "a=1", 3, 200, "{}", 2);
    mock_journal_usage(j, &bytes, NULL);
    ck_assert_uint_eq(bytes, empty + 16u * 1040u);
    /* cleared, the buffers stay for the next entries */
    mock_journal_clear(j);
    mock_journal_usage(j, &bytes, &entries);
    ck_assert_uint_eq(entries, 0);
    ck_assert_uint_eq(bytes, empty + 16u * 1040u);
    mock_journal_free(j);
}
END_TEST

/* ---- pure gateway ---- */

static mock_ctx *ctx;

static void ctx_setup(void)
{
    char err[256];
    mock_options o;
    memset(&o, 0, sizeof o);
    o.has_seed = 1;
    o.seed = 1;
    ctx = mock_ctx_new(&o, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    mock_clock_freeze(ctx->clock, 1700000000);
}

static void ctx_teardown(void)
{
    mock_ctx_free(ctx);
}

/* Sign `req` with agent 1's key, run it through the handler, parse the answer. */
static upay_params *handle(upay_params *req, mock_reply *reply)
{
    upay_params_set(req, "agent_id", "13000000000000001");
    upay_sign_params(req, "UPAYMOCK000000000000000000000001", UPAY_SIGN_MD5);
    char *body = NULL;
    ck_assert_int_eq(upay_form_encode(req, &body), UPAY_OK);
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", body, strlen(body), reply);
    upay_free(body);
    upay_params *p = NULL;
    ck_assert_int_eq(upay_response_parse(reply->body, reply->len, 0, &p, NULL), UPAY_OK);
    return p;
}

START_TEST(gateway_http_level)
{
    mock_reply r;
    mock_gateway_handle(ctx, "GET", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(r.allow, "POST");
    mock_reply_free(&r);
    mock_gateway_handle(ctx, NULL, NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 405);
    mock_reply_free(&r);
    mock_gateway_handle(ctx, "POST", "text/plain", "a=1", 3, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20004\""));
    mock_reply_free(&r);
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencodedX", "a=1", 3, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20004\""));
    mock_reply_free(&r);
    mock_gateway_handle(ctx, "POST", "APPLICATION/X-WWW-FORM-URLENCODED;charset=utf-8", "a=1", 3, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20012\""));
    mock_reply_free(&r);
    char *big = malloc(MOCK_BODY_MAX + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, 'a', MOCK_BODY_MAX + 1);
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", big, MOCK_BODY_MAX + 1, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20004\""));
    mock_reply_free(&r);
    free(big);
    /* Not NUL-terminated input is read only up to len. */
    char raw[4] = { 'a', '=', '%', '4' };
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", raw, 3, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20004\""));
    ck_assert_ptr_null(strstr(r.body, "sign"));
    mock_reply_free(&r);
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", NULL, 0, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "\"20012\""));
    mock_reply_free(&r);
    mock_reply_free(NULL);
}
END_TEST

START_TEST(gateway_pay_and_clock)
{
    mock_reply r;
    upay_params *req = upay_params_new();
    upay_params_set(req, "method", "pay");
    upay_params_set(req, "mch_id", "G1");
    upay_params_set(req, "out_trade_no", "GATE0001");
    upay_params_set(req, "body", "b");
    upay_params_set(req, "total_fee", "100");
    upay_params_set(req, "auth_code", "130000000000009001");
    upay_params *p = handle(req, &r);
    ck_assert_str_eq(upay_params_get(p, "code"), "10001");
    ck_assert_int_eq(upay_response_verify(p, "UPAYMOCK000000000000000000000001", UPAY_SIGN_MD5),
                     UPAY_OK);
    upay_params_free(p);
    mock_reply_free(&r);

    upay_params *q = upay_params_new();
    upay_params_set(q, "method", "orderquery");
    upay_params_set(q, "mch_id", "G1");
    upay_params_set(q, "paytype", "WECHAT");
    upay_params_set(q, "out_trade_no", "GATE0001");
    p = handle(q, &r);
    ck_assert_str_eq(upay_params_get(p, "code"), "10001");
    upay_params_free(p);
    mock_reply_free(&r);
    /* Frozen real time: only the offset moves it. */
    mock_clock_set_global_offset(ctx->clock, 10);
    p = handle(q, &r);
    ck_assert_str_eq(upay_params_get(p, "code"), "10000");
    /* 1700000010 = 2023-11-15 06:13:30 Beijing */
    ck_assert_str_eq(upay_params_get(p, "time_end"), "20231115061330");
    upay_params_free(p);
    mock_reply_free(&r);
    upay_params_free(q);
    upay_params_free(req);
}
END_TEST

static const struct {
    const char *pairs;   /* name=value;... before signing */
    const char *code;
} check_rows[] = {
    { "method=refund;mch_id=G1;paytype=WECHAT;out_trade_no=ABCDE;out_refund_no=R1;total_fee=1;refund_fee=1", "20004" },
    { "method=refund;mch_id=G1;paytype=WECHAT;out_trade_no=ABCDE;out_refund_no=R1;total_fee=1;refund_fee=1;op_user_id=o", "20007" },
    { "method=refundquery;mch_id=G1;paytype=ALIPAY;transaction_id=123", "20004" },
    { "method=refundquery;mch_id=G1;paytype=ALIPAY;refund_id=123", "20007" },
    { "method=cancel;mch_id=G1;paytype=WECHAT;out_trade_no=ABCDE", "20004" },
    { "method=cancel;mch_id=G1;paytype=WECHAT;out_trade_no=ABCDE;op_user_id=o;scene=1", "20007" },
    { "method=cancel;mch_id=G1;paytype=BITCOIN;out_trade_no=ABCDE;op_user_id=o", "20004" },
    { "method=orderquery;mch_id=G1;paytype=WECHAT;transaction_id=12a", "20004" },
    { "method=pay;mch_id=G1;out_trade_no=ABCDE;body=b;total_fee=1;auth_code=910000000000000000", "20004" },
    { "method=pay;mch_id=G1;out_trade_no=ABCDE;body=b;total_fee=1;auth_code=910000000000000000;device_info=d", "10000" },
    { "method=pay;mch_id=G1;out_trade_no=ABCDF;body=b;total_fee=1;auth_code=130000000000000000;attach=", "10000" },
    { "method=pay;mch_id=G1;sign_type=MD5;out_trade_no=ABCDG;body=b;total_fee=1;auth_code=130000000000000000", "10000" },
};

START_TEST(gateway_parameter_rows)
{
    upay_params *req = upay_params_new();
    char buf[512];
    snprintf(buf, sizeof buf, "%s", check_rows[_i].pairs);
    for (char *save = NULL, *pair = strtok_r(buf, ";", &save); pair; pair = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(pair, '=');
        *eq = '\0';
        upay_params_set(req, pair, eq + 1);
    }
    mock_reply r;
    upay_params *p = handle(req, &r);
    ck_assert_msg(strcmp(upay_params_get(p, "code"), check_rows[_i].code) == 0, "row %d: %s (%s)",
                  _i, upay_params_get(p, "code"), upay_params_get(p, "msg"));
    upay_params_free(p);
    mock_reply_free(&r);
    upay_params_free(req);
}
END_TEST

START_TEST(request_shapes)
{
    ck_assert(mock_out_trade_no_valid("ABCDE"));
    ck_assert(mock_out_trade_no_valid("a_b_c_1234567890123456789012345"));
    ck_assert(!mock_out_trade_no_valid("ABCD"));
    ck_assert(!mock_out_trade_no_valid("ABC-DE"));
    ck_assert(mock_out_refund_no_valid("R"));
    ck_assert(mock_out_refund_no_valid("TK-1.0|*@_"));
    ck_assert(!mock_out_refund_no_valid(""));
    ck_assert(!mock_out_refund_no_valid("R 1"));
    ck_assert(!mock_out_refund_no_valid("R#1"));
}
END_TEST

Suite *make_mock_core_suite(void)
{
    Suite *s = suite_create("mock_core");
    TCase *tc = tcase_create("store");
    tcase_add_test(tc, store_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("ids");
    tcase_add_test(tc, ids_shapes_and_seed);
    tcase_add_test(tc, ids_sequence);
    suite_add_tcase(s, tc);
    tc = tcase_create("config");
    tcase_add_loop_test(tc, config_parse, 0, sizeof config_rows / sizeof config_rows[0]);
    tcase_add_test(tc, config_builtin_and_versions);
    suite_add_tcase(s, tc);
    tc = tcase_create("journal");
    tcase_add_test(tc, journal_ring);
    tcase_add_test(tc, journal_bodies_reuse_their_slots);
    tcase_add_test(tc, journal_size_from_config);
    suite_add_tcase(s, tc);
    tc = tcase_create("gateway");
    tcase_add_checked_fixture(tc, ctx_setup, ctx_teardown);
    tcase_add_test(tc, gateway_http_level);
    tcase_add_test(tc, gateway_pay_and_clock);
    tcase_add_loop_test(tc, gateway_parameter_rows, 0, sizeof check_rows / sizeof check_rows[0]);
    tcase_add_test(tc, request_shapes);
    suite_add_tcase(s, tc);
    return s;
}
