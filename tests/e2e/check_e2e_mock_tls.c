/*
 * check_e2e_mock_tls.c - upay-mock over HTTPS (--tls-cert/--tls-key),
 * driven by libupay: the certificate is made here with OpenSSL (a
 * self-signed P-256 certificate for 127.0.0.1), so the test needs no
 * openssl program.
 */
#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <upay.h>

#include "mock.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"

static char dir[] = "/tmp/upay-tls-test-XXXXXX";
static char cert_path[128], key_path[128];

/* Write a self-signed certificate for IP 127.0.0.1 and its key as PEM files. */
static void make_certificate(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
    snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    ck_assert_ptr_nonnull(pkey);
    X509 *x = X509_new();
    ck_assert_ptr_nonnull(x);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, pkey);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1,
                               -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *san = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, "IP:127.0.0.1");
    ck_assert_ptr_nonnull(san);
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    ck_assert_int_gt(X509_sign(x, pkey, EVP_sha256()), 0);
    FILE *f = fopen(cert_path, "w");
    ck_assert_ptr_nonnull(f);
    PEM_write_X509(f, x);
    fclose(f);
    f = fopen(key_path, "w");
    ck_assert_ptr_nonnull(f);
    PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    X509_free(x);
    EVP_PKEY_free(pkey);
}

static void remove_certificate(void)
{
    unlink(cert_path);
    unlink(key_path);
    rmdir(dir);
}

static mock_server *start_tls(void)
{
    mock_options o;
    memset(&o, 0, sizeof o);
    o.listen = "127.0.0.1:0";
    o.tls_cert = cert_path;
    o.tls_key = key_path;
    o.quiet = 1;
    char err[256] = "";
    mock_server *s = mock_server_start(&o, err, sizeof err);
    ck_assert_msg(s != NULL, "HTTPS mock did not start: %s", err);
    ck_assert_msg(strncmp(mock_server_url(s), "https://127.0.0.1:", 18) == 0, "url %s",
                  mock_server_url(s));
    return s;
}

static upay_client *client_for(const char *url, const char *ca_file, int insecure)
{
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, url), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(c, AGENT), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, KEY), UPAY_OK);
    ck_assert_int_eq(upay_client_set_tls(c, ca_file, NULL, NULL), UPAY_OK);
    ck_assert_int_eq(upay_client_set_insecure(c, insecure), UPAY_OK);
    return c;
}

static upay_code pay(upay_client *c, const char *out_trade_no, upay_result **r)
{
    upay_pay_request q;
    memset(&q, 0, sizeof q);
    q.mch_id = "TLS00001";
    q.out_trade_no = out_trade_no;
    q.body = "tls";
    q.total_fee = 100;
    q.auth_code = "134567890123450000";
    return upay_pay(c, &q, r, NULL);
}

/* A client that trusts the certificate pays over HTTPS; the answer verifies. */
START_TEST(pays_over_https)
{
    make_certificate();
    mock_server *s = start_tls();
    upay_client *c = client_for(mock_server_url(s), cert_path, 0);
    upay_result *r = NULL;
    ck_assert_int_eq(pay(c, "TLS_PAY_0001", &r), UPAY_OK);
    ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    ck_assert_int_eq(r->verified, 1);
    upay_result_free(r);
    /* keep-alive over the relay: a second call on the same handle */
    ck_assert_int_eq(pay(c, "TLS_PAY_0002", &r), UPAY_OK);
    ck_assert_str_eq(r->code, "10000");
    upay_result_free(r);
    upay_client_free(c);
    mock_server_stop(s);
    remove_certificate();
}
END_TEST

/* Without trusting it, nothing is sent: UPAY_E_TLS; the opt-out works. */
START_TEST(untrusted_certificate)
{
    make_certificate();
    mock_server *s = start_tls();
    upay_client *c = client_for(mock_server_url(s), NULL, 0);
    upay_result *r = NULL;
    ck_assert_int_eq(pay(c, "TLS_UNTRUSTED1", &r), UPAY_E_TLS);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_TLS), 0);
    upay_result_free(r);
    upay_client_free(c);
    c = client_for(mock_server_url(s), NULL, 1);
    ck_assert_int_eq(pay(c, "TLS_UNTRUSTED1", &r), UPAY_OK); /* the first never arrived */
    ck_assert_str_eq(r->code, "10000");
    upay_result_free(r);
    upay_client_free(c);
    mock_server_stop(s);
    remove_certificate();
}
END_TEST

/* Plain HTTP to the HTTPS port gets no answer; bad files are refused at start. */
START_TEST(misuse)
{
    make_certificate();
    mock_server *s = start_tls();
    char plain[96];
    snprintf(plain, sizeof plain, "http://%s", mock_server_url(s) + strlen("https://"));
    upay_client *c = client_for(plain, NULL, 0);
    ck_assert_int_eq(upay_client_set_timeouts(c, 2000, 3000), UPAY_OK);
    upay_result *r = NULL;
    upay_code rc = pay(c, "TLS_PLAIN_001", &r);
    ck_assert_msg(rc == UPAY_E_NO_ANSWER || rc == UPAY_E_BAD_RESPONSE || rc == UPAY_E_TRANSPORT,
                  "plain HTTP to HTTPS: %s", upay_strerror(rc));
    upay_result_free(r);
    upay_client_free(c);
    mock_server_stop(s);

    mock_options o;
    memset(&o, 0, sizeof o);
    o.listen = "127.0.0.1:0";
    o.quiet = 1;
    o.tls_cert = key_path; /* a key is not a certificate */
    o.tls_key = key_path;
    char err[256] = "";
    ck_assert_ptr_null(mock_server_start(&o, err, sizeof err));
    ck_assert_msg(strstr(err, "certificate") != NULL, "unclear refusal: %s", err);
    o.tls_cert = cert_path;
    o.tls_key = NULL;
    err[0] = '\0';
    ck_assert_ptr_null(mock_server_start(&o, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "--tls-key"));
    remove_certificate();
}
END_TEST

Suite *make_e2e_mock_tls_suite(void)
{
    Suite *s = suite_create("e2e_mock_tls");
    TCase *tc = tcase_create("https");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pays_over_https);
    tcase_add_test(tc, untrusted_certificate);
    tcase_add_test(tc, misuse);
    suite_add_tcase(s, tc);
    return s;
}
