/*
 * check_e2e_mock_faults.c - forced edge cases against a running upay-mock,
 * byte by byte on the wire: each transport fault as the X-Upay-Fault
 * header and as a rule (what reaches the socket, and whether the state
 * changed), the rules admin API, the config file's rules, the journal's
 * new fields and filters, and the linter's endpoint.
 */
#include <arpa/inet.h>
#include <check.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "e2e/mock_test_util.h"
#include "steer/fault.h"

static mock_server *server;
static mt_gw gw;
static unsigned counter;

static void setup(void)
{
    server = mt_start(NULL);
    mt_gw_init(&gw, mock_server_url(server));
}

static void teardown(void)
{
    mock_server_stop(server);
    server = NULL;
}

/* A signed form body for `method` with NULL-terminated name, value pairs. */
static char *signed_body(const char *key, const char *method, ...)
{
    upay_params *req = upay_params_new();
    upay_params_set(req, "method", method);
    upay_params_set(req, "agent_id", MT_AGENT1);
    va_list ap;
    va_start(ap, method);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL)
        upay_params_set(req, name, va_arg(ap, const char *));
    va_end(ap);
    ck_assert_int_eq(upay_sign_params(req, key, UPAY_SIGN_MD5), UPAY_OK);
    char *body = NULL;
    ck_assert_int_eq(upay_form_encode(req, &body), UPAY_OK);
    upay_params_free(req);
    char *copy = strdup(body);
    upay_free(body);
    return copy;
}

typedef struct wire {
    char *bytes;       /* everything the server sent, NUL-terminated */
    size_t len;
    double ms;         /* from sending to the end of the answer */
} wire;

/* POST `body` to the gateway over a fresh socket with `fault` (may be NULL); read to EOF. */
static wire exchange(const char *body, const char *fault)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)mock_server_port(server));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {.tv_sec = 10, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /UnifiedPay/Gateway HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n%s%s%s\r\n",
                     strlen(body), fault ? "X-Upay-Fault: " : "", fault ? fault : "",
                     fault ? "\r\n" : "");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(send(fd, head, (size_t)n, 0), n);
    ck_assert_int_eq(send(fd, body, strlen(body), 0), (ssize_t)strlen(body));
    wire w = {calloc(1, 1), 0, 0};
    for (;;) {
        char buf[4096];
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got <= 0) {
            ck_assert_msg(got == 0 || errno == ECONNRESET, "recv: %s (timeout?)", strerror(errno));
            break;
        }
        w.bytes = realloc(w.bytes, w.len + (size_t)got + 1);
        memcpy(w.bytes + w.len, buf, (size_t)got);
        w.len += (size_t)got;
        w.bytes[w.len] = '\0';
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    w.ms = (double)(t1.tv_sec - t0.tv_sec) * 1000.0 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    close(fd);
    return w;
}

/* The body after the blank line, or NULL. */
static const char *body_of(const wire *w)
{
    const char *b = strstr(w->bytes, "\r\n\r\n");
    return b ? b + 4 : NULL;
}

static long content_length(const wire *w)
{
    for (const char *h = w->bytes; (h = strstr(h, "\r\n")) != NULL; h += 2)
        if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
            return strtol(h + 17, NULL, 10);
    return -1;
}

static char *pay_body(const char *mch, const char *otn)
{
    char code[32];
    mt_code(code, "WECHAT", NULL, ++counter);
    return signed_body(MT_KEY1, "pay", "mch_id", mch, "out_trade_no", otn, "body", "goods",
                       "total_fee", "100", "auth_code", code, NULL);
}

/* orderquery's code for order `otn` (through the well-behaved path). */
static char *query_code(const char *mch, const char *otn)
{
    upay_params *p = mt_call(&gw, "orderquery", "mch_id", mch, "paytype", "WECHAT",
                             "out_trade_no", otn, NULL);
    char *code = strdup(mt_field(p, "code"));
    upay_params_free(p);
    return code;
}

static void expect_order(const char *mch, const char *otn, const char *code)
{
    char *got = query_code(mch, otn);
    ck_assert_msg(strcmp(got, code) == 0, "order %s: orderquery %s, want %s", otn, got, code);
    free(got);
}

/* ---- the wire, fault by fault (header) ---- */

START_TEST(drop_sends_nothing)
{
    char *body = pay_body("FWIRE1", "DROP00001");
    wire w = exchange(body, "drop");
    ck_assert_uint_eq(w.len, 0);
    expect_order("FWIRE1", "DROP00001", "10000");   /* the payment went through */
    free(w.bytes);
    free(body);
    body = pay_body("FWIRE1", "DROP00002");
    w = exchange(body, "drop;not_applied");
    ck_assert_uint_eq(w.len, 0);
    expect_order("FWIRE1", "DROP00002", "20007");   /* nothing happened */
    free(w.bytes);
    free(body);
}
END_TEST

START_TEST(empty_truncated_not_json_5xx)
{
    char *body = pay_body("FWIRE2", "EMPTY0001");
    wire w = exchange(body, "empty");
    ck_assert_msg(strncmp(w.bytes, "HTTP/1.1 200", 12) == 0, "%s", w.bytes);
    ck_assert_int_eq(content_length(&w), 0);
    ck_assert_str_eq(body_of(&w), "");
    free(w.bytes);
    free(body);

    body = pay_body("FWIRE2", "TRUNC0001");
    w = exchange(body, "truncated");
    ck_assert_msg(strncmp(w.bytes, "HTTP/1.1 200", 12) == 0, "%s", w.bytes);
    long declared = content_length(&w);
    size_t got = strlen(body_of(&w));
    ck_assert_int_gt(declared, 20);
    ck_assert_msg(got > 0 && (long)got < declared, "sent %zu of %ld", got, declared);
    ck_assert_msg(body_of(&w)[0] == '{', "the first half of the real answer");
    free(w.bytes);
    free(body);

    body = pay_body("FWIRE2", "HTML00001");
    w = exchange(body, "not_json");
    ck_assert_msg(strncmp(w.bytes, "HTTP/1.1 200", 12) == 0, "%s", w.bytes);
    ck_assert_msg(body_of(&w)[0] == '<', "%s", body_of(&w));
    free(w.bytes);
    free(body);

    body = pay_body("FWIRE2", "HTTP50301");
    w = exchange(body, "http_5xx=503");
    ck_assert_msg(strncmp(w.bytes, "HTTP/1.1 503", 12) == 0, "%s", w.bytes);
    free(w.bytes);
    free(body);
    expect_order("FWIRE2", "EMPTY0001", "10000");
    expect_order("FWIRE2", "TRUNC0001", "10000");
    expect_order("FWIRE2", "HTML00001", "10000");
    expect_order("FWIRE2", "HTTP50301", "10000");
}
END_TEST

static upay_params *parse_answer(const wire *w)
{
    upay_params *p = NULL;
    const char *b = body_of(w);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(upay_response_parse(b, strlen(b), 0, &p, NULL), UPAY_OK);
    return p;
}

START_TEST(signature_faults)
{
    char *body = pay_body("FWIRE3", "BADSIGN01");
    wire w = exchange(body, "bad_sign");
    upay_params *p = parse_answer(&w);
    ck_assert_ptr_nonnull(upay_params_get(p, "sign"));
    ck_assert_int_ne(upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5), UPAY_OK);
    ck_assert_str_eq(mt_field(p, "code"), "10000");
    upay_params_free(p);
    free(w.bytes);
    free(body);

    body = pay_body("FWIRE3", "NOSIGN001");
    w = exchange(body, "no_sign");
    p = parse_answer(&w);
    ck_assert_ptr_null(upay_params_get(p, "sign"));
    ck_assert_str_eq(mt_field(p, "code"), "10000");
    upay_params_free(p);
    free(w.bytes);
    free(body);

    body = pay_body("FWIRE3", "OTHERSIG1");
    w = exchange(body, "other_agent_sign");
    p = parse_answer(&w);
    ck_assert_int_ne(upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5), UPAY_OK);
    ck_assert_int_eq(upay_response_verify(p, MT_KEY2, UPAY_SIGN_MD5), UPAY_OK);
    upay_params_free(p);
    free(w.bytes);
    free(body);
}
END_TEST

START_TEST(delay_is_real_time)
{
    char *body = pay_body("FWIRE4", "DELAY0001");
    wire w = exchange(body, "delay=300");
    ck_assert_msg(w.ms >= 300.0, "answered after %.0f ms", w.ms);
    upay_params *p = parse_answer(&w);
    ck_assert_str_eq(mt_field(p, "code"), "10000");
    ck_assert_int_eq(upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5), UPAY_OK);
    upay_params_free(p);
    free(w.bytes);
    free(body);
}
END_TEST

START_TEST(system_error_both_ways)
{
    char *body = pay_body("FWIRE5", "SYSERR001");
    wire w = exchange(body, "system_error");
    upay_params *p = parse_answer(&w);
    mt_expect(p, "SUCCESS", "20006", "NEED_QUERY");
    ck_assert_int_eq(upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5), UPAY_OK);
    upay_params_free(p);
    free(w.bytes);
    free(body);
    expect_order("FWIRE5", "SYSERR001", "10000");

    body = pay_body("FWIRE5", "SYSERR002");
    w = exchange(body, "system_error;not_applied");
    p = parse_answer(&w);
    mt_expect(p, "SUCCESS", "20006", "NEED_QUERY");
    upay_params_free(p);
    free(w.bytes);
    free(body);
    expect_order("FWIRE5", "SYSERR002", "20007");
}
END_TEST

static const char *const bad_headers[] = {"nonsense", "delay=0", "drop=1", "refund_fail",
                                          "cancel_refused", "drop;later", ""};

START_TEST(bad_header_is_400_and_changes_nothing)
{
    char otn[32];
    snprintf(otn, sizeof otn, "BADHDR%03d", _i);
    char *body = pay_body("FWIRE6", otn);
    wire w = exchange(body, bad_headers[_i]);
    ck_assert_msg(strncmp(w.bytes, "HTTP/1.1 400", 12) == 0, "%s: %s", bad_headers[_i], w.bytes);
    ck_assert_msg(strstr(body_of(&w), "X-Upay-Fault") != NULL, "%s", body_of(&w));
    free(w.bytes);
    free(body);
    expect_order("FWIRE6", otn, "20007");
}
END_TEST

START_TEST(header_after_the_checks)
{
    /* a request refused for its signature gets that refusal, not the fault */
    char code[32];
    mt_code(code, "WECHAT", NULL, ++counter);
    char *body = signed_body("WRONGKEY", "pay", "mch_id", "FWIRE7", "out_trade_no", "HDRSIG001",
                             "body", "goods", "total_fee", "100", "auth_code", code, NULL);
    wire w = exchange(body, "drop");
    upay_params *p = parse_answer(&w);
    ck_assert_str_eq(mt_field(p, "code"), "20002");
    upay_params_free(p);
    free(w.bytes);
    free(body);
}
END_TEST

/* ---- rules through the admin API ---- */

static cJSON *admin_json(const char *method, const char *path, const char *json, long want)
{
    long status = 0;
    char *body = mt_admin(mock_server_url(server), method, path, json, &status);
    ck_assert_msg(status == want, "%s %s %s: HTTP %ld %s", method, path, json ? json : "", status,
                  body);
    cJSON *doc = cJSON_Parse(body);
    ck_assert_msg(doc != NULL, "not JSON: %s", body);
    free(body);
    return doc;
}

START_TEST(rules_api)
{
    cJSON *d = admin_json("POST", "/mock/rules",
                          "{\"fault\":\"drop\",\"mch_id\":\"FRULE1\",\"method\":\"pay\",\"times\":2}",
                          200);
    int id = cJSON_GetObjectItem(d, "id")->valueint;
    ck_assert_int_gt(id, 0);
    cJSON_Delete(d);
    d = admin_json("POST", "/mock/rules", "{\"fault\":\"refund_fail\",\"mch_id\":\"FRULE2\"}", 200);
    int id2 = cJSON_GetObjectItem(d, "id")->valueint;
    cJSON_Delete(d);
    d = admin_json("POST", "/mock/rules", "{\"fault\":\"bogus\"}", 400);
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(d, "error")->valuestring, "unknown fault"));
    cJSON_Delete(d);
    d = admin_json("POST", "/mock/rules", "not json", 400);
    cJSON_Delete(d);

    d = admin_json("GET", "/mock/rules?mch_id=FRULE1", NULL, 200);
    cJSON *rules = cJSON_GetObjectItem(d, "rules");
    ck_assert_int_eq(cJSON_GetArraySize(rules), 1);
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(rules, 0), "times")->valueint, 2);
    cJSON_Delete(d);

    /* it fires twice on FRULE1's pays, then is gone */
    for (int i = 0; i < 3; i++) {
        char otn[32];
        snprintf(otn, sizeof otn, "RULEPAY%02d", i);
        char *body = pay_body("FRULE1", otn);
        wire w = exchange(body, NULL);
        if (i < 2)
            ck_assert_uint_eq(w.len, 0);
        else
            ck_assert_msg(strncmp(w.bytes, "HTTP/1.1 200", 12) == 0, "%s", w.bytes);
        free(w.bytes);
        free(body);
    }
    d = admin_json("GET", "/mock/rules", NULL, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "rules")), 1);
    cJSON_Delete(d);

    char path[64];
    snprintf(path, sizeof path, "/mock/rules/%d", id);
    d = admin_json("DELETE", path, NULL, 404);   /* used up already */
    cJSON_Delete(d);
    snprintf(path, sizeof path, "/mock/rules/%d", id2);
    d = admin_json("DELETE", path, NULL, 200);
    cJSON_Delete(d);
    d = admin_json("POST", "/mock/rules", "{\"fault\":\"no_sign\",\"mch_id\":\"FRULE3\"}", 200);
    cJSON_Delete(d);
    d = admin_json("POST", "/mock/reset", "{\"mch_id\":\"FRULE3\"}", 200);
    cJSON_Delete(d);
    d = admin_json("GET", "/mock/rules", NULL, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "rules")), 0);
    cJSON_Delete(d);
    d = admin_json("POST", "/mock/rules", "{\"fault\":\"no_sign\"}", 200);
    cJSON_Delete(d);
    d = admin_json("DELETE", "/mock/rules", NULL, 200);
    ck_assert_int_eq(cJSON_GetObjectItem(d, "deleted")->valueint, 1);
    cJSON_Delete(d);

    d = admin_json("GET", "/mock/faults", NULL, 200);
    size_t n = 0;
    mock_fault_table(&n);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "faults")), (int)n);
    cJSON_Delete(d);
}
END_TEST

START_TEST(config_rules)
{
    mock_server_stop(server);
    char path[] = "/tmp/upay-faults-config-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *cfg = "{\"agents\":[{\"agent_id\":\"" MT_AGENT1 "\",\"key\":\"" MT_KEY1 "\"},"
                      "{\"agent_id\":\"" MT_AGENT2 "\",\"key\":\"" MT_KEY2 "\"}],"
                      "\"rules\":[{\"fault\":\"pay_paying_forever\",\"mch_id\":\"FCONF1\","
                      "\"times\":\"always\"}]}";
    ck_assert_int_eq(write(fd, cfg, strlen(cfg)), (ssize_t)strlen(cfg));
    close(fd);
    mock_options o = {.config_path = path};
    server = mt_start(&o);
    unlink(path);
    mt_gw_init(&gw, mock_server_url(server));
    cJSON *d = admin_json("GET", "/mock/rules", NULL, 200);
    cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "rules"), 0);
    ck_assert_str_eq(cJSON_GetObjectItem(r0, "source")->valuestring, "config");
    cJSON_Delete(d);
    char code[32];
    mt_code(code, "WECHAT", NULL, ++counter);
    upay_params *p = mt_pay(&gw, "FCONF1", "CONFRULE1", "100", code);
    mt_expect(p, "SUCCESS", "10001", "NEED_QUERY");
    upay_params_free(p);
    /* a reset of everything brings the config's rules back */
    d = admin_json("DELETE", "/mock/rules", NULL, 200);
    cJSON_Delete(d);
    d = admin_json("POST", "/mock/reset", "{}", 200);
    cJSON_Delete(d);
    d = admin_json("GET", "/mock/rules", NULL, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "rules")), 1);
    cJSON_Delete(d);
}
END_TEST

/*
 * X-Upay-Fault obeys the admin guard: with --admin-token, a client without
 * the token (here on loopback, as a remote one would be) has the header
 * ignored, a wrong or malformed one included; with the token it is honoured.
 * (`fault` carries the token line after the fault: exchange() sends it as is.)
 */
START_TEST(header_needs_the_admin_guard)
{
    mock_server_stop(server);
    mock_options o = {.admin_token = "FAULT-TOKEN-1"};
    server = mt_start(&o);
    mt_gw_init(&gw, mock_server_url(server));
    static const char *const ignored[] = {
        "drop", "delay=120000", "drop\r\nX-Upay-Admin-Token: FAULT-TOKEN-2", "no_such_fault",
    };
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        char otn[32];
        snprintf(otn, sizeof otn, "GUARD%04zu", i);
        char *body = pay_body("FGUARD1", otn);
        wire w = exchange(body, ignored[i]);
        ck_assert_msg(w.ms < 5000, "%s: delayed %.0f ms without the token", ignored[i], w.ms);
        ck_assert_msg(body_of(&w) && strstr(body_of(&w), "\"code\":\"10000\""),
                      "%s without the token: %s", ignored[i], w.bytes);
        free(w.bytes);
        free(body);
        expect_order("FGUARD1", otn, "10000");
    }
    char *body = pay_body("FGUARD1", "GUARD9999");
    wire w = exchange(body, "drop\r\nX-Upay-Admin-Token: FAULT-TOKEN-1");
    ck_assert_uint_eq(w.len, 0);   /* the token holder's fault is honoured */
    free(w.bytes);
    free(body);
}
END_TEST

START_TEST(bad_config_rule_stops_the_start)
{
    char path[] = "/tmp/upay-faults-config-XXXXXX";
    int fd = mkstemp(path);
    const char *cfg = "{\"agents\":[{\"agent_id\":\"1\",\"key\":\"k\"}],\"rules\":[{\"fault\":\"x\"}]}";
    ck_assert_int_eq(write(fd, cfg, strlen(cfg)), (ssize_t)strlen(cfg));
    close(fd);
    mock_options o = {.config_path = path, .listen = "127.0.0.1:0", .quiet = 1};
    char err[256] = "";
    mock_server *s = mock_server_start(&o, err, sizeof err);
    unlink(path);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err, "rules") != NULL, "%s", err);
}
END_TEST

/* ---- journal and linter ---- */

START_TEST(journal_fields_and_filters)
{
    cJSON *d = admin_json("POST", "/mock/rules",
                          "{\"fault\":\"refund_notsure_fail\",\"mch_id\":\"FJOUR1\"}", 200);
    int id = cJSON_GetObjectItem(d, "id")->valueint;
    cJSON_Delete(d);
    char code[32];
    mt_code(code, "WECHAT", NULL, ++counter);
    upay_params *p = mt_pay(&gw, "FJOUR1", "JOURNAL01", "100", code);
    upay_params_free(p);
    p = mt_pay(&gw, "FJOUR2", "JOURNAL02", "100", code);
    upay_params_free(p);
    mt_advance(mock_server_url(server), "FJOUR1", 100);
    p = mt_call(&gw, "refund", "mch_id", "FJOUR1", "paytype", "WECHAT", "out_trade_no",
                "JOURNAL01", "out_refund_no", "JR1", "total_fee", "100", "refund_fee", "100",
                "op_user_id", "x", NULL);
    mt_expect(p, "SUCCESS", "20008", "NEED_QUERY");
    upay_params_free(p);
    p = mt_call(&gw, "refund", "mch_id", "FJOUR1", "paytype", "WECHAT", "out_trade_no",
                "JOURNAL01", "out_refund_no", "JR2", "total_fee", "100", "refund_fee", "100",
                "op_user_id", "x", NULL);
    upay_params_free(p);

    d = admin_json("GET", "/mock/journal?mch_id=FJOUR1", NULL, 200);
    cJSON *entries = cJSON_GetObjectItem(d, "entries");
    ck_assert_int_eq(cJSON_GetArraySize(entries), 3);
    cJSON *pay = cJSON_GetArrayItem(entries, 0), *refund = cJSON_GetArrayItem(entries, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(pay, "mch_id")->valuestring, "FJOUR1");
    ck_assert_str_eq(cJSON_GetObjectItem(pay, "out_trade_no")->valuestring, "JOURNAL01");
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(pay, "change")->valuestring, "created PAID"));
    double t0 = cJSON_GetObjectItem(pay, "mch_time")->valuedouble;
    double t1 = cJSON_GetObjectItem(refund, "mch_time")->valuedouble;
    ck_assert_msg(t1 - t0 >= 100 && t1 - t0 <= 102, "merchant clock moved %.0f s", t1 - t0);
    ck_assert_int_eq(cJSON_GetObjectItem(refund, "rule")->valueint, id);
    ck_assert_str_eq(cJSON_GetObjectItem(refund, "fault")->valuestring, "refund_notsure_fail");
    ck_assert_str_eq(cJSON_GetObjectItem(refund, "fault_source")->valuestring, "rule");
    ck_assert_str_eq(cJSON_GetObjectItem(refund, "out_refund_no")->valuestring, "JR1");
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(refund, "change")->valuestring, "NOTSURE"));
    cJSON *second = cJSON_GetArrayItem(entries, 2);
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(second, "lint")->valuestring,
                                 "double_refund_risk"));
    cJSON_Delete(d);

    d = admin_json("GET", "/mock/journal?mch_id=FJOUR1&out_trade_no=JOURNAL01&limit=1", NULL, 200);
    entries = cJSON_GetObjectItem(d, "entries");
    ck_assert_int_eq(cJSON_GetArraySize(entries), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(entries, 0), "out_refund_no")->valuestring,
                     "JR2");
    cJSON_Delete(d);
    d = admin_json("GET", "/mock/journal?out_trade_no=JOURNAL02", NULL, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "entries")), 1);
    cJSON_Delete(d);

    d = admin_json("GET", "/mock/lint?mch_id=FJOUR1", NULL, 200);
    ck_assert_int_eq(cJSON_GetObjectItem(d, "count")->valueint, 1);
    cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "findings"), 0);
    ck_assert_str_eq(cJSON_GetObjectItem(f, "kind")->valuestring, "double_refund_risk");
    ck_assert_str_eq(cJSON_GetObjectItem(f, "out_refund_no")->valuestring, "JR2");
    cJSON_Delete(d);
    d = admin_json("GET", "/mock/lint", NULL, 400);   /* which merchant? */
    cJSON_Delete(d);
}
END_TEST

Suite *make_e2e_mock_faults_suite(void)
{
    Suite *s = suite_create("e2e_mock_faults");
    TCase *tc = tcase_create("wire");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, drop_sends_nothing);
    tcase_add_test(tc, empty_truncated_not_json_5xx);
    tcase_add_test(tc, signature_faults);
    tcase_add_test(tc, delay_is_real_time);
    tcase_add_test(tc, system_error_both_ways);
    tcase_add_loop_test(tc, bad_header_is_400_and_changes_nothing, 0,
                        (int)(sizeof bad_headers / sizeof bad_headers[0]));
    tcase_add_test(tc, header_after_the_checks);
    tcase_add_test(tc, header_needs_the_admin_guard);
    suite_add_tcase(s, tc);
    tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rules_api);
    tcase_add_test(tc, config_rules);
    tcase_add_test(tc, bad_config_rule_stops_the_start);
    suite_add_tcase(s, tc);
    tc = tcase_create("journal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, journal_fields_and_filters);
    suite_add_tcase(s, tc);
    return s;
}
