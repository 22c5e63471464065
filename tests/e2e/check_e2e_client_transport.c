/*
 * check_e2e_client_transport.c - how libupay classifies what goes wrong on
 * the wire, against tiny raw-socket servers in a thread on 127.0.0.1:0 (no
 * libcurl on the server side, no mock): refused connection and a TLS
 * handshake with a plain server (nothing sent), a server that closes, cuts
 * the answer short or stays silent (sent, outcome unknown), garbage and
 * HTTP errors, and an answer signed with a key other than the client's.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "upay.h"
#include "check_e2e_client_raw.h"

#define AGENT "13000000000000001"
#define KEY "UPAYMOCK000000000000000000000001"
#define OTHER_KEY "UPAYMOCK000000000000000000000002"

typedef enum mode {
    M_GOOD,        /* a correctly signed paid answer */
    M_WRONG_KEY,   /* a paid answer signed with another key */
    M_CLOSE,       /* read the request, close without a word */
    M_PARTIAL,     /* announce 100 bytes, send 10, close */
    M_SILENT,      /* read the request, say nothing until the client hangs up */
    M_GARBAGE,     /* 200 with a body that is not JSON */
    M_HTTP_500,    /* 500 with a JSON body */
    M_TLS_PLAIN    /* answer a TLS hello with plain HTTP */
} mode;

typedef struct raw_server {
    int fd;
    int port;
    mode mode;
    pthread_t thread;
    char request[8192];   /* the request body received */
} raw_server;

/* A paid answer for the request in `body`, signed with `key`. */
static char *signed_answer(const char *body, const char *key)
{
    upay_params *req = NULL;
    if (upay_form_parse(body, strlen(body), 0, &req, NULL) != UPAY_OK)
        return NULL;
    upay_params *p = upay_params_new();
    upay_params_set(p, "state", "SUCCESS");
    upay_params_set(p, "code", "10000");
    upay_params_set(p, "trade_state", "SUCCESS");
    const char *otn = upay_params_get(req, "out_trade_no");
    upay_params_set(p, "out_trade_no", otn ? otn : "");
    upay_params_set(p, "total_fee", "1");
    char *json = NULL;
    upay_response_build(p, key, UPAY_SIGN_MD5, &json);
    upay_params_free(p);
    upay_params_free(req);
    return json;
}

static void *serve_one(void *arg)
{
    raw_server *s = arg;
    int c = accept(s->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    if (s->mode == M_TLS_PLAIN) {
        char hello[1024];
        if (recv(c, hello, sizeof hello, 0) > 0)
            send_all(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 45);
        close(c);
        return NULL;
    }
    if (!read_request(c, s->request, sizeof s->request)) {
        close(c);
        return NULL;
    }
    char *json = NULL;
    char tail[16];
    switch (s->mode) {
    case M_GOOD:
    case M_WRONG_KEY:
        json = signed_answer(s->request, s->mode == M_GOOD ? KEY : OTHER_KEY);
        answer_json(c, 200, json ? json : "");
        upay_free(json);
        break;
    case M_CLOSE:
        break;
    case M_PARTIAL:
        send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"state\":", 49);
        break;
    case M_SILENT:
        while (recv(c, tail, sizeof tail, 0) > 0)
            ;
        break;
    case M_GARBAGE:
        answer_json(c, 200, "<html>gateway</html>");
        break;
    case M_HTTP_500:
        answer_json(c, 500, "{\"error\":\"boom\"}");
        break;
    case M_TLS_PLAIN:
        break;
    }
    close(c);
    return NULL;
}

static void server_start(raw_server *s, mode m)
{
    memset(s, 0, sizeof *s);
    s->mode = m;
    s->fd = listen_on_port0(&s->port, 1);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve_one, s), 0);
}

static void server_join(raw_server *s)
{
    pthread_join(s->thread, NULL);
    close(s->fd);
}

static upay_client *client_at(int port, const char *scheme)
{
    char url[64];
    snprintf(url, sizeof url, "%s://127.0.0.1:%d", scheme, port);
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, url), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(c, AGENT), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, KEY), UPAY_OK);
    /* The silent server makes the client wait this long, and no longer. */
    ck_assert_int_eq(upay_client_set_timeouts(c, 2000, 400), UPAY_OK);
    return c;
}

static const upay_pay_request pay_req = {
    .mch_id = "00000001",
    .out_trade_no = "RAW_ORDER_1",
    .body = "raw",
    .total_fee = 1,
    .auth_code = "134567890123450000",
};

static const struct {
    const char *name;
    mode mode;
    const char *scheme;
    upay_code code;
    int uncertain;
} cases[] = {
    {"good answer", M_GOOD, "http", UPAY_OK, 0},
    {"wrong key", M_WRONG_KEY, "http", UPAY_E_RESPONSE_SIGN, 1},
    {"closed", M_CLOSE, "http", UPAY_E_NO_ANSWER, 1},
    {"cut short", M_PARTIAL, "http", UPAY_E_NO_ANSWER, 1},
    {"silent", M_SILENT, "http", UPAY_E_NO_ANSWER, 1},
    {"garbage", M_GARBAGE, "http", UPAY_E_BAD_RESPONSE, 1},
    {"http 500", M_HTTP_500, "http", UPAY_E_HTTP_STATUS, 1},
    {"tls to plain server", M_TLS_PLAIN, "https", UPAY_E_TLS, 0},
};

START_TEST(wire_classified)
{
    raw_server s;
    server_start(&s, cases[_i].mode);
    upay_client *c = client_at(s.port, cases[_i].scheme);
    upay_result *r = NULL;
    upay_error e = {0};
    upay_code rc = upay_pay(c, &pay_req, &r, &e);
    upay_client_free(c); /* hang up, so a silent server ends */
    server_join(&s);
    ck_assert_msg(rc == cases[_i].code, "%s: got %s (%s)", cases[_i].name, upay_strerror(rc),
                  e.message);
    ck_assert_int_eq(upay_code_is_uncertain(rc), cases[_i].uncertain);
    ck_assert_ptr_nonnull(r);
    if (cases[_i].mode != M_TLS_PLAIN) {
        /* The server really got the signed request. */
        ck_assert_ptr_nonnull(strstr(s.request, "out_trade_no=RAW_ORDER_1"));
        ck_assert_ptr_nonnull(strstr(s.request, "sign="));
    }
    if (rc == UPAY_E_RESPONSE_SIGN) {
        ck_assert_int_eq(r->verified, 0);
        ck_assert_int_eq(r->outcome, UPAY_OUTCOME_NONE);
        ck_assert_str_eq(r->trade_state, "");
        ck_assert_str_eq(upay_params_get(r->params, "trade_state"), "SUCCESS");
    }
    if (rc == UPAY_OK)
        ck_assert_int_eq(r->outcome, UPAY_OUTCOME_SUCCESS);
    if (rc == UPAY_E_HTTP_STATUS)
        ck_assert_int_eq(r->http_status, 500);
    upay_result_free(r);
}
END_TEST

START_TEST(refused_is_transport)
{
    /* Bound but not listening: connections are refused, and no one else can take the port. */
    int port;
    int fd = listen_on_port0(&port, 0);
    upay_client *c = client_at(port, "http");
    upay_result *r = NULL;
    upay_error e = {0};
    ck_assert_int_eq(upay_pay(c, &pay_req, &r, &e), UPAY_E_TRANSPORT);
    ck_assert_int_eq(upay_code_is_uncertain(UPAY_E_TRANSPORT), 0);
    ck_assert_ptr_nonnull(strstr(e.message, "not sent"));
    ck_assert_int_eq(r->http_status, 0);
    ck_assert_ptr_nonnull(strstr(r->request_body, "method=pay"));
    upay_result_free(r);
    upay_client_free(c);
    close(fd);
}
END_TEST

START_TEST(bad_ca_file_is_tls)
{
    raw_server s;
    server_start(&s, M_TLS_PLAIN);
    upay_client *c = client_at(s.port, "https");
    ck_assert_int_eq(upay_client_set_tls(c, "/nonexistent/ca.pem", NULL, NULL), UPAY_OK);
    upay_result *r = NULL;
    upay_code rc = upay_pay(c, &pay_req, &r, NULL);
    upay_client_free(c);
    /* The handshake may fail before the server reads anything: let it finish. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)s.port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        send_all(fd, "x", 1);
    close(fd);
    server_join(&s);
    ck_assert_msg(rc == UPAY_E_TLS, "got %s", upay_strerror(rc));
    upay_result_free(r);
}
END_TEST

Suite *make_e2e_client_transport_suite(void)
{
    Suite *s = suite_create("e2e_client_transport");
    TCase *tc = tcase_create("wire");
    tcase_add_loop_test(tc, wire_classified, 0, sizeof cases / sizeof cases[0]);
    tcase_add_test(tc, refused_is_transport);
    tcase_add_test(tc, bad_ca_file_is_tls);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
