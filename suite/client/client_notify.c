/*
 * suite/client/client_notify.c - the client action "notify" (see
 * client_notify.h): the suite plays the gateway's merchant-facing side
 * through the mock and hands each notification to the integrator's program.
 */
#include "client_notify.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <upay.h>

#include "notify.h"
#include "step.h"
#include "target.h"

/* Wait for a notification at most this long: the mock sends attempt 1 at once. */
#define TAKE_MS 5000

int suite_notify_judge(const suite_delivery *d, size_t n, suite_buf *failures)
{
    int verify = 0, once = 0, ack = 0;
    size_t processed = 0;
    for (size_t i = 0; i < n; i++) {
        const char *out = d[i].outcome, *answer = d[i].answer ? d[i].answer : "";
        int acked = strcmp(answer, UPAY_NOTIFY_ACK) == 0;
        if (!d[i].verified) {
            if (!verify && (strcmp(out, "REJECTED") != 0 || acked)) {
                suite_buf_printf(failures, "C-NOTIFY-VERIFY: notification %zu does not verify "
                                           "(a forgery) but the program said %s and answered "
                                           "\"%s\" (R-NOTIFY-08: believe only a verified "
                                           "notification; answer it anything but success)\n",
                                 i + 1, out, answer);
                verify = 1;
            }
            continue;
        }
        if (!ack && (!acked || strcmp(out, "REJECTED") == 0)) {
            suite_buf_printf(failures, "C-NOTIFY-ACK: notification %zu is genuine (it verifies, "
                                       "for the program's order and amount) but the program said "
                                       "%s and answered \"%s\" (R-NOTIFY-04: process it and "
                                       "answer success, or the gateway sends it again for "
                                       "hours)\n", i + 1, out, answer);
            ack = 1;
        }
        if (strcmp(out, "PAID") == 0)
            processed++;
        if (!once && ((processed == 0 && strcmp(out, "DUPLICATE") == 0) || processed > 1)) {
            suite_buf_printf(failures, "C-NOTIFY-ONCE: notification %zu: the program said %s; "
                                       "the same payment must be processed exactly once: PAID "
                                       "the first time, DUPLICATE after (R-NOTIFY-07)\n",
                             i + 1, out);
            once = 1;
        }
    }
    return verify + once + ack;
}

/* Remove the state directory and the files the program left in it (no sub-directories). */
static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *f = suite_strfmt("%s/%s", path, e->d_name);
        if (f)
            unlink(f);
        free(f);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

/* Make the pre-order the program's notifications are for. 0, or -1 with a sentence. */
static int preorder(const suite_client_config *cfg, suite_target *t, const suite_client_scenario *s,
                    const char *mch, const char *otn, const char *url, suite_buf *err)
{
    upay_paytype pt = !strcmp(s->wallet, "alipay") ? UPAY_PAYTYPE_ALIPAY : UPAY_PAYTYPE_WECHAT;
    if (strcmp(s->wallet, "alipay") != 0 && strcmp(s->wallet, "wechat") != 0) {
        suite_buf_printf(err, "setup: action notify takes wallet wechat or alipay, not %s",
                         s->wallet);
        return -1;
    }
    upay_client *c = suite_client_new(t, cfg->agent_id, cfg->key);
    upay_preorder_request q = {.paytype = pt, .mch_id = mch, .out_trade_no = otn,
                               .trade_type = "NATIVE", .product_id = "CONFORMANCE",
                               .body = "upay-suite client conformance",
                               .total_fee = s->total_fee, .notify_url = url};
    upay_result *r = NULL;
    upay_code rc = c ? upay_preorder(c, &q, &r, NULL) : UPAY_E_NOMEM;
    int ok = rc == UPAY_OK && r && r->outcome == UPAY_OUTCOME_SUCCESS;
    if (!ok)
        suite_buf_printf(err, "setup: the pre-order failed (%s: %s)", upay_strerror(rc),
                         r && r->body ? r->body : "");
    upay_result_free(r);
    upay_client_free(c);
    return ok ? 0 : -1;
}

/* The customer pays, with the scenario's fault. 0, or -1 with a sentence. */
static int customer_pays(suite_target *t, const suite_client_scenario *s, const char *mch,
                         const char *otn, suite_buf *err)
{
    char *json = suite_strfmt("{\"mch_id\":\"%s\",\"out_trade_no\":\"%s\"%s%s%s}", mch, otn,
                              s->fault ? ",\"notify_fault\":\"" : "", s->fault ? s->fault : "",
                              s->fault ? "\"" : "");
    long status = 0;
    char *body = NULL;
    int rc = json ? suite_mock_post(t, "preorders/pay", json, &status, &body, err) : -1;
    if (rc == 0 && status != 200) {
        suite_buf_printf(err, "setup: POST /mock/preorders/pay answered %ld: %s", status,
                         body ? body : "");
        rc = -1;
    }
    free(json);
    free(body);
    return rc;
}

/* At most three notifications: bad_sign sends a forgery, then the genuine one. */
#define MAX_DELIVERIES 3

void suite_client_notify_run(const suite_client_config *cfg, suite_target *t,
                             const suite_client_scenario *s, size_t index, suite_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->scenario = &s->base;
    double start = suite_now_ms();
    char mch[32], otn[40], fee[32], dir[] = "/tmp/upay-client-notify-XXXXXX";
    suite_merchant_id(cfg->run_tag, index, mch, sizeof mch);
    o->mch = suite_strdup(mch);
    snprintf(otn, sizeof otn, "Q%s", mch);
    snprintf(fee, sizeof fee, "%lld", s->total_fee);
    const char *tmp = getenv("TMPDIR");
    char *dir_path = tmp && *tmp ? suite_strfmt("%s/upay-client-notify-XXXXXX", tmp)
                                 : suite_strdup(dir);

    suite_buf err = {0}, failures = {0}, detail = {0}, outs = {0}, errs = {0};
    suite_listener *l = NULL;
    suite_delivery d[MAX_DELIVERIES];
    char outcomes[MAX_DELIVERIES][32];
    char *answers[MAX_DELIVERIES] = {0};
    size_t n = 0;
    int contract_failed = 0, made_dir = 0;

    if (!dir_path || !mkdtemp(dir_path)) {
        suite_buf_puts(&err, "setup: cannot make a state directory for the program");
        goto admin_failed;
    }
    made_dir = 1;
    if (suite_mock_reset(t, mch, &err) != 0 || !(l = suite_listener_open(&err)) ||
        preorder(cfg, t, s, mch, otn, suite_listener_url(l), &err) != 0 ||
        customer_pays(t, s, mch, otn, &err) != 0)
        goto admin_failed;

    /* bad_sign: the forgery, then (15 s later on the merchant's clock) the genuine one;
       duplicate: the notification and its repeat; else one. */
    size_t want = s->fault ? 2 : 1;
    while (n < want && !contract_failed) {
        if (n == 1 && s->fault && !strcmp(s->fault, "bad_sign") && answers[0] &&
            !strcmp(answers[0], UPAY_NOTIFY_ACK))
            break;   /* the forgery was acknowledged: the gateway sends nothing more */
        if (n == 1 && s->fault && !strcmp(s->fault, "bad_sign") &&
            suite_mock_advance(t, mch, 15, &err) != 0)
            goto admin_failed;
        suite_notice note;
        if (suite_listener_take(l, TAKE_MS, &note, &err) != 0) {
            if (n == 0)
                goto admin_failed;   /* the mock sent nothing at all */
            suite_buf_free(&err);
            break;                   /* no repeat came: the program's answer ended it */
        }
        upay_notification parsed;
        d[n].verified = upay_notify_parse(note.body, note.body_len, cfg->key, &parsed, NULL,
                                          NULL) == UPAY_OK;
        d[n].paid = d[n].verified && parsed.paid;
        contract_env env = {0};
        suite_client_env_add(&env, "UPAY_URL", t->gateway_url);
        suite_client_env_add(&env, "UPAY_AGENT_ID", cfg->agent_id);
        suite_client_env_add(&env, "UPAY_KEY", cfg->key);
        suite_client_env_add(&env, "UPAY_MCH_ID", mch);
        suite_client_env_add(&env, "UPAY_ACTION", "notify");
        suite_client_env_add(&env, "UPAY_OUT_TRADE_NO", otn);
        suite_client_env_add(&env, "UPAY_TOTAL_FEE", fee);
        suite_client_env_add(&env, "UPAY_NOTIFY_BODY", note.body);
        suite_client_env_add(&env, "UPAY_STATE_DIR", dir_path);
        suite_prog_result pr;
        suite_prog_run(cfg->command, (const char *const *)env.vars, env.n,
                       s->limit_seconds * (cfg->limit_scale > 0 ? cfg->limit_scale : 1.0), &pr);
        suite_client_env_free(&env);
        cJSON *line = NULL;
        outcomes[n][0] = '\0';
        if (suite_client_read_outcome(s, &pr, outcomes[n], &line, &failures) != 0) {
            suite_buf_puts(&failures, "\n");
            contract_failed = 1;
        }
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(line, "answer");
        const char *how = cJSON_IsString(a) && *a->valuestring ? a->valuestring
                          : !strcmp(outcomes[n], "REJECTED") || contract_failed ? "fail"
                                                                               : "success";
        answers[n] = suite_notice_answer(&note, how);
        d[n].outcome = outcomes[n];
        d[n].answer = answers[n];
        cJSON_Delete(line);
        suite_buf_printf(&detail, "    notification %zu: %s; the program said %s, answered "
                                  "\"%s\"\n", n + 1,
                         d[n].verified ? "genuine (verifies)" : "FORGED (does not verify)",
                         *outcomes[n] ? outcomes[n] : "(nothing)", answers[n] ? answers[n] : "");
        suite_client_tail(&outs, "stdout", pr.out ? pr.out : "", 700);
        suite_client_tail(&errs, "stderr", pr.err ? pr.err : "", 700);
        suite_prog_result_clear(&pr);
        n++;
    }
    if (!contract_failed)
        suite_notify_judge(d, n, &failures);

    if (failures.len) {
        o->status = SUITE_FAIL;
        suite_buf msg = {0}, dd = {0};
        suite_client_join_lines(suite_buf_str(&failures), &msg);
        suite_buf_printf(&dd, "    action:   notify (%s pre-order %s, total_fee %lld%s%s)\n",
                         s->wallet, otn, s->total_fee, s->fault ? ", fault " : "",
                         s->fault ? s->fault : "");
        suite_buf_puts(&dd, suite_buf_str(&detail));
        suite_buf_printf(&dd, "    failed:\n  %s\n", suite_buf_str(&msg));
        suite_buf_puts(&dd, suite_buf_str(&outs));
        suite_buf_puts(&dd, suite_buf_str(&errs));
        o->message = suite_buf_take(&msg);
        o->detail = suite_buf_take(&dd);
        suite_buf_free(&msg);
        suite_buf_free(&dd);
    } else {
        o->status = SUITE_PASS;
    }
    goto done;

admin_failed:
    o->status = SUITE_FAIL;
    o->message = suite_strfmt("%s the mock: %s", n ? "after the program," : "setting up",
                              suite_buf_str(&err));
done:
    o->ms = suite_now_ms() - start;
    for (size_t i = 0; i < MAX_DELIVERIES; i++)
        free(answers[i]);
    suite_listener_close(l);
    if (made_dir)
        remove_dir(dir_path);
    free(dir_path);
    suite_buf_free(&err);
    suite_buf_free(&failures);
    suite_buf_free(&detail);
    suite_buf_free(&outs);
    suite_buf_free(&errs);
}
