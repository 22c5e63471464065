/*
 * check_mock_dialect.c - unit tests of the dialect pieces of upay-mock:
 * the msg of each code (core/reply.c), the X-Upay-Detail sanitizer, the
 * live signature's case-insensitive order (libupay's upay_sign_*_sorted), the
 * derived merchant key (core/merchant_key.c), the config's "dialect" and
 * merchants[].key, and the live request rules (gateway/request.c).
 * Expected digests were computed outside this project (Python hashlib).
 */
#include <check.h>
#include <string.h>
#include <upay/params.h>
#include <upay/protocol.h>
#include <upay/sign.h>

#include "core/config.h"
#include "core/merchant_key.h"
#include "core/reply.h"
#include "gateway/request.h"

static const int codes[] = { 10000, 10001, 10002, 10003, 10004, 10005, 10006, 20002, 20003,
                             20004, 20005, 20006, 20007, 20008, 20009, 20010, 20011, 20012,
                             20013, 30001 };

START_TEST(msg_of_each_code)
{
    int code = codes[_i];
    const char *want = code == 10000 ? "SUCCESS" : upay_gw_code_text(code);
    ck_assert_ptr_nonnull(want);
    ck_assert_str_eq(mock_reply_msg("SUCCESS", code), want);
    ck_assert_str_eq(mock_reply_msg("FAIL", code), want);
    /* VER says the version is too old, whatever the code */
    ck_assert_str_eq(mock_reply_msg("VER", code), "\xe7\x89\x88\xe6\x9c\xac\xe8\xbf\x87\xe4\xbd\x8e");
}
END_TEST

START_TEST(msg_and_detail_edges)
{
    ck_assert_str_eq(mock_reply_msg("FAIL", 12345), "");
    ck_assert_str_eq(mock_reply_msg(NULL, 20004), upay_gw_code_text(20004));
    mock_reply r;
    memset(&r, 0, sizeof r);
    mock_reply_detail(&r, "bad\r\nX-Evil: 1\t\xe4\xb8\xad");
    ck_assert_str_eq(r.detail, "bad??X-Evil: 1????");
    mock_reply_detail(&r, NULL);
    ck_assert_str_eq(r.detail, "");
    char longer[600];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    mock_reply_detail(&r, longer);
    ck_assert_uint_eq(strlen(r.detail), sizeof r.detail - 1);
    /* the unsigned refusal: msg is the code's text, the English goes to detail */
    mock_reply_unsigned(&r, 20012, "agent error: unknown agent_id");
    ck_assert_ptr_nonnull(strstr(r.body, upay_gw_code_text(20012)));
    ck_assert_ptr_null(strstr(r.body, "unknown"));
    ck_assert_str_eq(r.detail, "agent error: unknown agent_id");
    mock_reply_free(&r);
}
END_TEST

static upay_params *mixed_case(void)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "method", "orderquery");
    upay_params_set(p, "agent_id", "13000000000000001");
    upay_params_set(p, "mch_id", "M1");
    upay_params_set(p, "out_trade_no", "ABCDE");
    upay_params_set(p, "paytype", "WECHAT");
    upay_params_set(p, "version", "2.5");
    upay_params_set(p, "Zone", "east");
    upay_params_set(p, "empty", "");
    return p;
}

START_TEST(nocase_signature)
{
    upay_params *p = mixed_case();
    char sig[UPAY_SIGN_BUF_SIZE], bytes[UPAY_SIGN_BUF_SIZE];
    ck_assert_int_eq(upay_sign_compute_sorted(p, "K", UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE, sig), UPAY_OK);
    /* agent_id, mch_id, method ... version, Zone; the empty value is left out */
    ck_assert_str_eq(sig, "50373D5DAA04FC65413AD0D08D8FFC8D");
    ck_assert_int_eq(upay_sign_compute(p, "K", UPAY_SIGN_MD5, bytes), UPAY_OK);
    ck_assert_str_ne(sig, bytes);   /* byte order puts Zone first */

    upay_params_set(p, "sign", "50373d5daa04fc65413ad0d08d8ffc8d");   /* hex case ignored */
    ck_assert_int_eq(upay_sign_verify_sorted(p, "K", UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE), UPAY_OK);
    ck_assert_int_eq(upay_sign_verify_sorted(p, "K2", UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE), UPAY_E_SIGN_MISMATCH);
    upay_params_set(p, "sign", "50373D5DAA04FC65413AD0D08D8FFC8");     /* one short */
    ck_assert_int_eq(upay_sign_verify_sorted(p, "K", UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE), UPAY_E_SIGN_MISMATCH);
    upay_params_set(p, "sign", "");
    ck_assert_int_eq(upay_sign_verify_sorted(p, "K", UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE), UPAY_E_SIGN_MISSING);
    ck_assert_int_eq(upay_sign_verify_sorted(NULL, "K", UPAY_SIGN_MD5, UPAY_SIGN_SORT_NOCASE), UPAY_E_INVALID_ARG);

    /* lower-case names: the same order as libupay's, for both digests */
    upay_params_remove(p, "Zone");
    upay_params_remove(p, "sign");
    for (int t = 0; t < 2; t++) {
        upay_sign_type type = t ? UPAY_SIGN_HMAC_SHA256 : UPAY_SIGN_MD5;
        ck_assert_int_eq(upay_sign_compute_sorted(p, "K", type, UPAY_SIGN_SORT_NOCASE, sig), UPAY_OK);
        ck_assert_int_eq(upay_sign_compute(p, "K", type, bytes), UPAY_OK);
        ck_assert_str_eq(sig, bytes);
    }
    upay_params_free(p);
}
END_TEST

START_TEST(merchant_keys)
{
    char key[MOCK_MERCHANT_KEY_SIZE];
    mock_merchant_key_derive("UPAYMOCK000000000000000000000001", "00000001", key);
    ck_assert_str_eq(key, "909228BED04D483AFA85541AB8D32196");

    static const char json[] =
        "{\"agents\":[{\"agent_id\":\"A1\",\"key\":\"UPAYMOCK000000000000000000000001\"},"
        "{\"agent_id\":\"A2\",\"key\":\"K2\"}],"
        "\"merchants\":[{\"mch_id\":\"M1\",\"agent_id\":\"A1\",\"key\":\"OWN-KEY\"},"
        "{\"mch_id\":\"00000001\",\"agent_id\":\"A1\"}],\"dialect\":\"live\"}";
    char err[200] = "";
    mock_config *c = mock_config_parse(json, sizeof json - 1, err, sizeof err);
    ck_assert_msg(c != NULL, "%s", err);
    ck_assert_int_eq(c->live, 1);
    ck_assert_int_eq(mock_merchant_key(c, "A1", "M1", key), 0);
    ck_assert_str_eq(key, "OWN-KEY");
    ck_assert_int_eq(mock_merchant_key(c, "A1", "00000001", key), 0);
    ck_assert_str_eq(key, "909228BED04D483AFA85541AB8D32196");
    ck_assert_int_eq(mock_merchant_key(c, "A9", "M1", key), -1);
    ck_assert_str_eq(key, "");
    mock_config_free(c);

    static const char *const bad[] = {
        "{\"agents\":[{\"agent_id\":\"A1\",\"key\":\"K\"}],\"dialect\":\"v3\"}",
        "{\"agents\":[{\"agent_id\":\"A1\",\"key\":\"K\"}],\"dialect\":1}",
        "{\"agents\":[{\"agent_id\":\"A1\",\"key\":\"K\"}],"
        "\"merchants\":[{\"mch_id\":\"M1\",\"agent_id\":\"A1\",\"key\":\"\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_ptr_null(mock_config_parse(bad[i], strlen(bad[i]), err, sizeof err));
        ck_assert_msg(strstr(err, i < 2 ? "dialect" : "key") != NULL, "%zu: %s", i, err);
    }
}
END_TEST

START_TEST(live_request_rules)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "method", "refundquery");
    upay_params_set(p, "mch_id", "M1");
    upay_params_set(p, "paytype", "WECHAT");
    upay_params_set(p, "out_trade_no", "ABCDE");
    mock_request rq;
    char msg[200];
    ck_assert_int_eq(mock_request_check_dialect(p, 0, &rq, msg, sizeof msg), 0);
    ck_assert_int_eq(mock_request_check_dialect(p, 1, &rq, msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "version"));
    upay_params_set(p, "version", "1.0");
    ck_assert_int_eq(mock_request_check_dialect(p, 1, &rq, msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "pid"));
    upay_params_set(p, "pid", "pos");
    ck_assert_int_eq(mock_request_check_dialect(p, 1, &rq, msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "out_refund_no"));
    upay_params_set(p, "refund_id", "123");
    upay_params_set(p, "out_refund_no", "R-1");
    ck_assert_int_eq(mock_request_check_dialect(p, 1, &rq, msg, sizeof msg), 0);
    ck_assert_str_eq(rq.out_refund_no, "R-1");   /* out_refund_no wins */
    ck_assert_ptr_null(rq.refund_id);
    ck_assert_ptr_null(rq.out_trade_no);          /* not a live key: ignored */
    upay_params_free(p);
}
END_TEST

Suite *make_mock_dialect_suite(void)
{
    Suite *s = suite_create("mock_dialect");
    TCase *tc = tcase_create("msg");
    tcase_add_loop_test(tc, msg_of_each_code, 0, (int)(sizeof codes / sizeof codes[0]));
    tcase_add_test(tc, msg_and_detail_edges);
    suite_add_tcase(s, tc);
    tc = tcase_create("sign_nocase");
    tcase_add_test(tc, nocase_signature);
    suite_add_tcase(s, tc);
    tc = tcase_create("merchant_key");
    tcase_add_test(tc, merchant_keys);
    suite_add_tcase(s, tc);
    tc = tcase_create("request");
    tcase_add_test(tc, live_request_rules);
    suite_add_tcase(s, tc);
    return s;
}
