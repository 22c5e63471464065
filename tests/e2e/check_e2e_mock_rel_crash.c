/*
 * check_e2e_mock_rel_crash.c - crash safety of upay-mock --state FILE: the
 * real program (build/bin/upay-mock) is killed with SIGKILL while client
 * threads are paying and refunding, restarted over the same file, and
 * every pay and refund a client was ANSWERED before the kill (the clients
 * log what they were told) must still be there with the same ids and
 * state; the ledger must be consistent after every restart. Besides its own
 * orders, every client also refunds 1 fen at a time from one order per
 * round that all of them share (50 refunds at most), so that the kill also
 * strikes in the middle of competing transactions on one order. Requests cut
 * off by the kill may or may not have happened; they are only covered by
 * the ledger check. ROUNDS kills in a row, the log growing each round.
 *
 * Real time is used only to let the load run until the kill: the main
 * thread waits for the clients' answer counter, not for a fixed time.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e/mock_child.h"
#include "e2e/mock_test_util.h"

#define MOCK_BIN MT_MOCK_BIN
#define ROUNDS 5
#define WORKERS 4
#define ANSWERS_BEFORE_KILL 150  /* per round, over all workers */
#define MAX_LOG 4096
#define MCH "CRASH1"


/* ---- the clients and what they were told ---- */

typedef struct told {
    char otn[32];
    char tid[40];            /* answered pay: transaction_id */
    char orn[32];            /* answered refund: out_refund_no, "" when none */
    char rid[40];
} told;

static told logbook[MAX_LOG];
static atomic_int logged;          /* entries of logbook in use */
static told shared_log[MAX_LOG];   /* answered refunds of the shared orders (otn, orn, rid) */
static atomic_int shared_logged;
static atomic_int answers;         /* answers this round */
static atomic_int stop;
static char base[128];   /* the running mock; written only while no client runs */
static int round_no;

/* POST a signed request; the answer's params (caller frees) when one came and verified. */
static upay_params *post(upay_params *req)
{
    upay_params_set(req, "agent_id", MT_AGENT1);
    upay_params_set(req, "mch_id", MCH);
    char *body = NULL;
    if (upay_sign_params(req, MT_KEY1, UPAY_SIGN_MD5) != UPAY_OK
        || upay_form_encode(req, &body) != UPAY_OK)
        return NULL;
    char url[192];
    snprintf(url, sizeof url, "%s/UnifiedPay/Gateway", base);
    mt_http_reply r;
    int rc = mt_http("POST", url, "application/x-www-form-urlencoded", body, strlen(body), NULL, &r);
    upay_free(body);
    upay_params *p = NULL;
    if (rc != 0 || r.status != 200 || upay_response_parse(r.body, r.len, 0, &p, NULL) != UPAY_OK
        || upay_response_verify(p, MT_KEY1, UPAY_SIGN_MD5) != UPAY_OK) {
        upay_params_free(p);
        p = NULL;
    }
    mt_http_reply_free(&r);
    return p;
}

static int is(const upay_params *p, const char *name, const char *want)
{
    const char *v = p ? upay_params_get(p, name) : NULL;
    return v && strcmp(v, want) == 0;
}

static void *client(void *arg)
{
    int w = (int)(long)arg;
    for (int i = 0; !atomic_load(&stop); i++) {
        char otn[32], code[32];
        snprintf(otn, sizeof otn, "CR%d%d%05d", round_no, w, i);
        mt_code(code, "WECHAT", NULL, (unsigned)(round_no * 100000 + w * 10000 + i));
        upay_params *req = upay_params_new();
        upay_params_set(req, "method", "pay");
        upay_params_set(req, "out_trade_no", otn);
        upay_params_set(req, "body", "crash");
        upay_params_set(req, "total_fee", "100");
        upay_params_set(req, "auth_code", code);
        upay_params *p = post(req);
        upay_params_free(req);
        if (!is(p, "code", "10000")) {
            upay_params_free(p);
            continue;
        }
        int slot = atomic_fetch_add(&logged, 1);
        if (slot >= MAX_LOG) {
            upay_params_free(p);
            break;
        }
        told *t = &logbook[slot];
        snprintf(t->otn, sizeof t->otn, "%s", otn);
        snprintf(t->tid, sizeof t->tid, "%s", upay_params_get(p, "transaction_id"));
        upay_params_free(p);
        atomic_fetch_add(&answers, 1);

        char orn[32];
        snprintf(orn, sizeof orn, "CRR%d%d%05d", round_no, w, i);
        req = upay_params_new();
        upay_params_set(req, "method", "refund");
        upay_params_set(req, "paytype", "WECHAT");
        upay_params_set(req, "out_trade_no", otn);
        upay_params_set(req, "out_refund_no", orn);
        upay_params_set(req, "total_fee", "100");
        upay_params_set(req, "refund_fee", "30");
        upay_params_set(req, "op_user_id", "crash");
        p = post(req);
        upay_params_free(req);
        if (is(p, "code", "10000") && is(p, "trade_state", "SUCCESS")) {
            /* Written before the entry is read: the main thread joins first. */
            snprintf(t->rid, sizeof t->rid, "%s", upay_params_get(p, "refund_id"));
            snprintf(t->orn, sizeof t->orn, "%s", orn);
            atomic_fetch_add(&answers, 1);
        }
        upay_params_free(p);

        char shared[32];
        snprintf(shared, sizeof shared, "CRSHARED%d", round_no);
        snprintf(orn, sizeof orn, "CRS%d%d%05d", round_no, w, i);
        req = upay_params_new();
        upay_params_set(req, "method", "refund");
        upay_params_set(req, "paytype", "WECHAT");
        upay_params_set(req, "out_trade_no", shared);
        upay_params_set(req, "out_refund_no", orn);
        upay_params_set(req, "total_fee", "100");
        upay_params_set(req, "refund_fee", "1");
        upay_params_set(req, "op_user_id", "crash");
        p = post(req);
        upay_params_free(req);
        if (is(p, "code", "10000") && is(p, "trade_state", "SUCCESS")) {
            int k = atomic_fetch_add(&shared_logged, 1);
            if (k < MAX_LOG) {
                snprintf(shared_log[k].otn, sizeof shared_log[k].otn, "%s", shared);
                snprintf(shared_log[k].orn, sizeof shared_log[k].orn, "%s", orn);
                snprintf(shared_log[k].rid, sizeof shared_log[k].rid, "%s",
                         upay_params_get(p, "refund_id"));
            }
            atomic_fetch_add(&answers, 1);
        }
        upay_params_free(p);
    }
    return NULL;
}

/* Every answered pay and refund is there, as answered. */
static void verify_all(const char *url)
{
    mt_gw gw;
    mt_gw_init(&gw, url);
    int n = atomic_load(&logged);
    if (n > MAX_LOG)
        n = MAX_LOG;
    for (int i = 0; i < n; i++) {
        const told *t = &logbook[i];
        upay_params *p = mt_call(&gw, "orderquery", "mch_id", MCH, "paytype", "WECHAT",
                                 "out_trade_no", t->otn, NULL);
        /* Refunded when a refund was answered; else either (a refund cut off by the kill). */
        ck_assert_msg(is(p, "code", "10002") || (!t->orn[0] && is(p, "code", "10000")),
                      "answered pay %s lost or changed after a kill: code %s", t->otn,
                      upay_params_get(p, "code"));
        ck_assert_str_eq(mt_field(p, "transaction_id"), t->tid);
        upay_params_free(p);
        if (!t->orn[0])
            continue;
        p = mt_call(&gw, "refundquery", "mch_id", MCH, "paytype", "WECHAT", "out_refund_no", t->orn,
                    NULL);
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        const char *list = mt_field(p, "refund_list");
        ck_assert_msg(strstr(list, t->rid) != NULL, "answered refund %s lost its id", t->orn);
        ck_assert_msg(strstr(list, "\"SUCCESS\"") != NULL, "answered refund %s changed", t->orn);
        upay_params_free(p);
    }
    int m = atomic_load(&shared_logged);
    for (int i = 0; i < m && i < MAX_LOG; i++) {
        const told *t = &shared_log[i];
        upay_params *p = mt_call(&gw, "refundquery", "mch_id", MCH, "paytype", "WECHAT",
                                 "out_refund_no", t->orn, NULL);
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        const char *list = mt_field(p, "refund_list");
        ck_assert_msg(strstr(list, t->rid) != NULL && strstr(list, "\"SUCCESS\"") != NULL,
                      "answered refund %s of %s lost or changed after a kill", t->orn, t->otn);
        upay_params_free(p);
    }
    long status = 0;
    char *body = mt_admin(url, "GET", "/mock/ledger", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_msg(strstr(body, "\"consistent\":true") != NULL, "ledger after a kill: %s", body);
    free(body);
}

START_TEST(kill_under_load)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char path[] = "/tmp/upay-mock-crash-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(path);
    const char *args[] = { "--listen", "127.0.0.1:0", "--quiet", "--state", path, NULL };
    mt_child c;
    mt_child_start(&c, args);
    atomic_store(&logged, 0);
    atomic_store(&shared_logged, 0);
    int paid = 0, refunded = 0;
    for (round_no = 1; round_no <= ROUNDS; round_no++) {
        memcpy(base, c.url, sizeof base);
        mt_gw gw;
        mt_gw_init(&gw, c.url);
        char shared[32], code[32];
        snprintf(shared, sizeof shared, "CRSHARED%d", round_no);
        mt_code(code, "WECHAT", NULL, (unsigned)(900000 + round_no));
        upay_params *p = mt_pay(&gw, MCH, shared, "100", code);
        mt_expect(p, "SUCCESS", "10000", "SUCCESS");
        upay_params_free(p);
        atomic_store(&answers, 0);
        atomic_store(&stop, 0);
        pthread_t threads[WORKERS];
        for (long w = 0; w < WORKERS; w++)
            ck_assert_int_eq(pthread_create(&threads[w], NULL, client, (void *)w), 0);
        /* Kill while they are busy: once enough answers came (bounded: 30 s). */
        struct timespec tick = { 0, 2000000 };
        for (int waited = 0; atomic_load(&answers) < ANSWERS_BEFORE_KILL && waited < 15000; waited++)
            nanosleep(&tick, NULL);
        ck_assert_int_eq(mt_child_stop(&c, SIGKILL), 128 + SIGKILL);
        atomic_store(&stop, 1);
        for (int w = 0; w < WORKERS; w++)
            pthread_join(threads[w], NULL);
        ck_assert_int_ge(atomic_load(&answers), ANSWERS_BEFORE_KILL);
        mt_child_start(&c, args);
        verify_all(c.url);
    }
    int n = atomic_load(&logged);
    for (int i = 0; i < n && i < MAX_LOG; i++) {
        paid++;
        refunded += logbook[i].orn[0] != 0;
    }
    printf("crash: %d kills under load survived: %d answered pays, %d answered refunds "
           "(+%d on shared orders) intact\n", ROUNDS, paid, refunded, atomic_load(&shared_logged));
    ck_assert_int_gt(atomic_load(&shared_logged), 0);
    ck_assert_int_eq(mt_child_stop(&c, SIGTERM), 0);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    curl_global_cleanup();
}
END_TEST

Suite *make_e2e_mock_rel_crash_suite(void)
{
    Suite *s = suite_create("e2e_mock_rel_crash");
    TCase *tc = tcase_create("kill9");
    tcase_add_test(tc, kill_under_load);
    tcase_set_timeout(tc, 100);
    suite_add_tcase(s, tc);
    return s;
}
