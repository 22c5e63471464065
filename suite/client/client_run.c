/*
 * suite/client/client_run.c - one client scenario (see client_run.h).
 */
#include "client_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <upay.h>

#include "client_judge.h"
#include "client_notify.h"
#include "client_program.h"
#include "step.h"
#include "template.h"


/* GET /mock/<what>?mch_id=M as parsed JSON (caller deletes), or NULL with a sentence. */
static cJSON *admin_get(suite_target *t, const char *what, const char *mch, suite_buf *err)
{
    long status = 0;
    char *body = NULL;
    if (suite_mock_get(t, what, mch, &status, &body, err) != 0)
        return NULL;
    cJSON *j = status == 200 ? cJSON_Parse(body) : NULL;
    if (!j)
        suite_buf_printf(err, "GET /mock/%s answered %ld: %.200s", what, status, body ? body : "");
    free(body);
    return j;
}

/* The largest journal seq of merchant `mch` so far (0 when none). */
static long long last_seq(const cJSON *journal)
{
    long long seq = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(journal, "entries")) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "seq");
        if (cJSON_IsNumber(s) && (long long)s->valuedouble > seq)
            seq = (long long)s->valuedouble;
    }
    return seq;
}

/* Pay the order a refund or cancel acts on. 0, or -1 with a sentence. */
static int setup_pay(const suite_client_config *cfg, suite_target *t, const char *mch,
                     const char *otn, const char *code, long long fee, suite_buf *err)
{
    upay_client *c = suite_client_new(t, cfg->agent_id, cfg->key);
    if (!c) {
        suite_buf_puts(err, "setup: cannot make a client");
        return -1;
    }
    upay_pay_request req = {.mch_id = mch, .out_trade_no = otn, .body = "upay-suite client setup",
                            .total_fee = fee, .auth_code = code};
    upay_result *r = NULL;
    upay_code rc = upay_pay(c, &req, &r, NULL);
    int ok = rc == UPAY_OK && r && (r->outcome == UPAY_OUTCOME_SUCCESS ||
                                    r->outcome == UPAY_OUTCOME_NEED_QUERY ||
                                    r->outcome == UPAY_OUTCOME_FAIL);
    if (!ok)
        suite_buf_printf(err, "setup: the order's pay failed (%s: %s)", upay_strerror(rc),
                         r ? r->body : "");
    upay_result_free(r);
    upay_client_free(c);
    return ok ? 0 : -1;
}

/* Add the scenario's rules for merchant `mch`. 0, or -1 with a sentence. */
static int arm(suite_target *t, const suite_client_scenario *s, const char *mch, suite_buf *err)
{
    const cJSON *rule;
    cJSON_ArrayForEach(rule, s->arm) {
        cJSON *r = cJSON_Duplicate(rule, 1);
        if (!r || (!cJSON_HasObjectItem(r, "mch_id") && !cJSON_AddStringToObject(r, "mch_id", mch))) {
            cJSON_Delete(r);
            suite_buf_puts(err, "out of memory");
            return -1;
        }
        char *json = cJSON_PrintUnformatted(r);
        cJSON_Delete(r);
        long status = 0;
        char *body = NULL;
        int rc = json ? suite_mock_post(t, "rules", json, &status, &body, err) : -1;
        if (rc == 0 && status != 200) {
            suite_buf_printf(err, "the mock refused rule %s: %s", json, body ? body : "");
            rc = -1;
        }
        free(json);
        free(body);
        if (rc != 0)
            return -1;
    }
    return 0;
}

void suite_client_env_add(contract_env *e, const char *name, const char *value)
{
    if (e->n < sizeof e->vars / sizeof e->vars[0])
        e->vars[e->n++] = suite_strfmt("%s=%s", name, value ? value : "");
}

void suite_client_env_free(contract_env *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->vars[i]);
}

/* Check the program's run and its last line; the outcome name into `outcome`. */
int suite_client_read_outcome(const suite_client_scenario *s, const suite_prog_result *pr,
                              char outcome[32], cJSON **line_out, suite_buf *why)
{
    if (!pr->started) {
        suite_buf_printf(why, "C-CONTRACT: the program could not be started: %s", pr->err);
        return -1;
    }
    if (pr->timed_out) {
        suite_buf_printf(why, "C-CONTRACT: the program ran past the scenario's limit of %.0f s "
                              "and was killed", s->limit_seconds);
        return -1;
    }
    if (!pr->exited) {
        suite_buf_printf(why, "C-CONTRACT: the program was killed by signal %d", pr->signal);
        return -1;
    }
    if (pr->exit_status != 0) {
        suite_buf_printf(why, "C-CONTRACT: the program exited with status %d (the contract "
                              "wants 0 and an outcome, UNKNOWN when unsure)", pr->exit_status);
        return -1;
    }
    const unsigned notify = SUITE_OUT_PAID | SUITE_OUT_DUPLICATE | SUITE_OUT_REJECTED;
    unsigned allowed = s->action == SUITE_ACTION_NOTIFY
                           ? notify : ~(unsigned)(SUITE_OUT_DUPLICATE | SUITE_OUT_REJECTED);
    char *line = suite_prog_last_line(pr->out);
    cJSON *j = line ? cJSON_Parse(line) : NULL;
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, "outcome");
    int rc = -1;
    if (!cJSON_IsObject(j))
        suite_buf_printf(why, "C-CONTRACT: the last line on standard output is not a JSON "
                              "object: \"%.120s\"", line ? line : "(no output)");
    else if (!cJSON_IsString(o) || !(suite_outcome_bit(o->valuestring) & allowed))
        suite_buf_printf(why, "C-CONTRACT: the last line has no valid \"outcome\" (PAID, "
                              "NOT_PAID, UNKNOWN, REFUNDED, REFUND_PENDING, REFUND_FAILED, "
                              "REFUND_UNKNOWN or CANCELLED; notify: PAID, DUPLICATE or "
                              "REJECTED): %.120s", line);
    else {
        snprintf(outcome, 32, "%s", o->valuestring);
        rc = 0;
    }
    if (rc == 0 && line_out) {
        *line_out = j;
        j = NULL;
    }
    cJSON_Delete(j);
    free(line);
    return rc;
}

/* The tail (at most `max` bytes, whole lines) of `text`, indented, into `b`. */
void suite_client_join_lines(const char *lines, suite_buf *msg)
{
    for (const char *p = lines; *p;) {
        size_t n = strcspn(p, "\n");
        if (n)
            suite_buf_printf(msg, "%s%.*s", msg->len ? "; " : "", (int)n, p);
        p += n + (p[n] ? 1 : 0);
    }
}

void suite_client_tail(suite_buf *b, const char *label, const char *text, size_t max)
{
    size_t len = strlen(text);
    if (!len)
        return;
    const char *p = len > max ? text + len - max : text;
    if (p != text) {
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p;
    }
    suite_buf_printf(b, "  %s%s:\n", label, p != text ? " (end)" : "");
    while (*p) {
        size_t n = strcspn(p, "\n");
        suite_buf_printf(b, "    | %.*s\n", (int)n, p);
        p += n + (p[n] ? 1 : 0);
    }
}

void suite_client_run_one(const suite_client_config *cfg, suite_target *t,
                          const suite_client_scenario *s, size_t index, suite_outcome *o)
{
    if (s->action == SUITE_ACTION_NOTIFY) {
        suite_client_notify_run(cfg, t, s, index, o);
        return;
    }
    memset(o, 0, sizeof *o);
    o->scenario = &s->base;
    double start = suite_now_ms();
    char mch[32], otn[40], orn[40], code[40], fee[32], rfee[32];
    suite_merchant_id(cfg->run_tag, index, mch, sizeof mch);
    o->mch = suite_strdup(mch);
    snprintf(otn, sizeof otn, "P%s", mch);
    snprintf(orn, sizeof orn, "R%s", mch);
    unsigned long long rng = cfg->seed ^ (0x9E3779B97F4A7C15ULL * (index + 1));
    if (suite_make_code(s->wallet, s->persona, &rng, code, sizeof code) != 0) {
        o->status = SUITE_FAIL;
        o->message = suite_strfmt("no payment code for wallet \"%s\"", s->wallet);
        return;
    }
    snprintf(fee, sizeof fee, "%lld", s->total_fee);
    snprintf(rfee, sizeof rfee, "%lld", s->refund_fee);
    const char *paytype = upay_paytype_name(upay_paytype_from_auth_code(code));

    suite_buf err = {0}, failures = {0}, detail = {0};
    cJSON *journal = NULL, *orders = NULL, *ledger = NULL;
    suite_prog_result pr;
    memset(&pr, 0, sizeof pr);
    contract_env env = {0};
    int setup_ok = 0;

    if (suite_mock_reset(t, mch, &err) != 0)
        goto admin_failed;
    if (s->action != SUITE_ACTION_PAY &&
        setup_pay(cfg, t, mch, otn, code, s->total_fee, &err) != 0)
        goto admin_failed;
    if (s->advance_seconds && suite_mock_advance(t, mch, s->advance_seconds, &err) != 0)
        goto admin_failed;
    if (arm(t, s, mch, &err) != 0)
        goto admin_failed;
    journal = admin_get(t, "journal", mch, &err);
    if (!journal)
        goto admin_failed;
    long long first_seq = last_seq(journal);
    cJSON_Delete(journal);
    journal = NULL;
    setup_ok = 1;

    suite_client_env_add(&env, "UPAY_URL", t->gateway_url);
    suite_client_env_add(&env, "UPAY_AGENT_ID", cfg->agent_id);
    suite_client_env_add(&env, "UPAY_KEY", cfg->key);
    suite_client_env_add(&env, "UPAY_MCH_ID", mch);
    suite_client_env_add(&env, "UPAY_ACTION", suite_action_name(s->action));
    suite_client_env_add(&env, "UPAY_OUT_TRADE_NO", otn);
    suite_client_env_add(&env, "UPAY_TOTAL_FEE", fee);
    if (s->action == SUITE_ACTION_PAY) {
        suite_client_env_add(&env, "UPAY_AUTH_CODE", code);
        suite_client_env_add(&env, "UPAY_BODY", "upay-suite client conformance");
    } else {
        suite_client_env_add(&env, "UPAY_PAYTYPE", paytype);
    }
    if (s->action == SUITE_ACTION_REFUND) {
        suite_client_env_add(&env, "UPAY_OUT_REFUND_NO", orn);
        suite_client_env_add(&env, "UPAY_REFUND_FEE", rfee);
    }
    suite_prog_run(cfg->command, (const char *const *)env.vars, env.n,
                   s->limit_seconds * (cfg->limit_scale > 0 ? cfg->limit_scale : 1.0), &pr);

    char outcome[32] = "";
    int contract_ok = suite_client_read_outcome(s, &pr, outcome, NULL, &failures) == 0;
    if (!contract_ok)
        suite_buf_puts(&failures, "\n");
    journal = admin_get(t, "journal", mch, &err);
    cJSON *jorders = journal ? admin_get(t, "orders", mch, &err) : NULL;
    ledger = jorders ? admin_get(t, "ledger", mch, &err) : NULL;
    orders = jorders;
    if (!journal || !orders)
        goto admin_failed;
    suite_buf truth = {0};
    if (contract_ok) {
        suite_judge_input in = {
            .action = s->action,
            .outcome = outcome,
            .accept = s->accept,
            .entries = cJSON_GetObjectItemCaseSensitive(journal, "entries"),
            .first_seq = first_seq,
            .orders = cJSON_GetObjectItemCaseSensitive(orders, "orders"),
            .ledger = ledger,
            .order_no = otn,
        };
        suite_judge(&in, &failures, &detail);
    }
    suite_judge_truth(s->action, cJSON_GetObjectItemCaseSensitive(orders, "orders"), otn, &truth);

    if (failures.len) {
        o->status = SUITE_FAIL;
        suite_buf msg = {0}, d = {0};
        suite_client_join_lines(suite_buf_str(&failures), &msg);
        suite_buf_printf(&d, "    action:   %s (%s%s%s, total_fee %lld)\n",
                         suite_action_name(s->action), s->wallet, s->persona ? " persona " : "",
                         s->persona ? s->persona : "", s->total_fee);
        suite_buf_printf(&d, "    outcome:  %s; the mock holds %s\n",
                         *outcome ? outcome : "(none)", suite_buf_str(&truth));
        suite_buf_printf(&d, "    failed:\n");
        if (detail.len)
            suite_buf_puts(&d, suite_buf_str(&detail));
        else
            suite_buf_printf(&d, "  %s\n", suite_buf_str(&msg));
        suite_client_tail(&d, "stdout", pr.out ? pr.out : "", 1500);
        suite_client_tail(&d, "stderr", pr.err ? pr.err : "", 1500);
        o->message = suite_buf_take(&msg);
        o->detail = suite_buf_take(&d);
        suite_buf_free(&msg);
        suite_buf_free(&d);
    } else {
        o->status = SUITE_PASS;
    }
    suite_buf_free(&truth);
    goto done;

admin_failed:
    o->status = SUITE_FAIL;
    o->message = suite_strfmt("%s the mock: %s", setup_ok ? "after the program," : "setting up",
                              suite_buf_str(&err));
done:
    o->ms = suite_now_ms() - start;
    suite_client_env_free(&env);
    suite_prog_result_clear(&pr);
    cJSON_Delete(journal);
    cJSON_Delete(orders);
    cJSON_Delete(ledger);
    suite_buf_free(&err);
    suite_buf_free(&failures);
    suite_buf_free(&detail);
}
