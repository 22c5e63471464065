/*
 * suite/record.c - `upay-suite record` (see record.h): a merchant's journal
 * becomes a scenario. Each journal entry gives, in order: a clock step for
 * the time the merchant's clock moved since the previous call, a rule step
 * for the fault that struck (a rule or an X-Upay-Fault header), and the
 * call with what it answered as expectations. Values the gateway invented
 * are captured and replaced by variables in later requests.
 */
#include "record.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <upay/form.h>
#include <upay/params.h>

#include "exit.h"
#include "http.h"
#include "record_start.h"
#include "target.h"

#define GET(obj, key) cJSON_GetObjectItemCaseSensitive((obj), (key))

/* Fields whose values the gateway invents: captured, never expected literally. */
static const char *const invented[] = {"transaction_id", "out_transaction_id", "refund_id",
                                       "out_refund_id", NULL};

/* Request parameters the client library adds itself. */
static const char *const client_added[] = {"sign", "sign_type", "nonce_str", "agent_id", "pid",
                                           "version", NULL};

typedef struct captures {
    char **values;      /* captured value i is ${names[i]} */
    char **names;
    size_t count;
} captures;

static void captures_free(captures *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->values[i]);
        free(c->names[i]);
    }
    free(c->values);
    free(c->names);
}

static const char *capture_name_of(const captures *c, const char *value)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->values[i], value) == 0)
            return c->names[i];
    return NULL;
}

/* Remember `value` of `field` (a new variable field_N); its name, or NULL. */
static const char *capture_add(captures *c, const char *field, const char *value)
{
    const char *known = capture_name_of(c, value);
    if (known)
        return NULL;   /* the same id again: already a variable */
    char **v = realloc(c->values, (c->count + 1) * sizeof *v);
    if (v)
        c->values = v;
    char **n = realloc(c->names, (c->count + 1) * sizeof *n);
    if (n)
        c->names = n;
    if (!v || !n)
        return NULL;
    size_t same_field = 0;
    for (size_t i = 0; i < c->count; i++)
        if (strncmp(c->names[i], field, strlen(field)) == 0)
            same_field++;
    c->values[c->count] = suite_strdup(value);
    c->names[c->count] = suite_strfmt("%s_%zu", field, same_field + 1);
    if (!c->values[c->count] || !c->names[c->count]) {
        free(c->values[c->count]);
        free(c->names[c->count]);
        return NULL;
    }
    return c->names[c->count++];
}

/* A request value as a template: captured ids and the merchant become variables, '$' doubled. */
static char *templated(const captures *c, const char *mch, const char *value)
{
    const char *var = capture_name_of(c, value);
    if (var)
        return suite_strfmt("${%s}", var);
    if (mch && strcmp(value, mch) == 0)
        return suite_strdup("${mch}");
    suite_buf b = {0};
    for (const char *p = value; *p; p++) {
        if (*p == '$')
            suite_buf_puts(&b, "$");   /* "$$" is a literal '$' */
        suite_buf_append(&b, p, 1);
    }
    return b.data ? suite_buf_take(&b) : suite_strdup("");
}

/* What libupay returns when the answer meets this transport fault (NULL: as answered). */
static const char *code_for_fault(const char *fault)
{
    static const struct {
        const char *name;
        const char *code;
    } map[] = {
        {"drop", "NO_ANSWER"},        {"truncated", "NO_ANSWER"}, {"empty", "BAD_RESPONSE"},
        {"not_json", "BAD_RESPONSE"}, {"http_5xx", "HTTP_STATUS"}, {"bad_sign", "RESPONSE_SIGN"},
        {"no_sign", "RESPONSE_SIGN"}, {"other_agent_sign", "RESPONSE_SIGN"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t n = strlen(map[i].name);
        if (strncmp(fault, map[i].name, n) == 0 && (fault[n] == '\0' || fault[n] == '='
                                                     || fault[n] == ';'))
            return map[i].code;
    }
    return NULL;
}

static int is_call(const char *call)
{
    static const char *const calls[] = {"pay", "orderquery", "refund", "refundquery", "cancel"};
    for (size_t i = 0; i < 5; i++)
        if (call && strcmp(call, calls[i]) == 0)
            return 1;
    return 0;
}

static int listed(const char *const *names, const char *name)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/*
 * What a refund_list says (a JSON array as a string): how many refunds, and
 * each one's status and amount, which is what a refund edge case is about
 * (PROCESSING until the clock moves, NOTSURE then SUCCESS). Ids are left out:
 * the gateway makes them up.
 */
static void expect_refund_list(cJSON *expect, const cJSON *refund_list)
{
    cJSON *items = cJSON_IsString(refund_list) ? cJSON_Parse(refund_list->valuestring) : NULL;
    if (cJSON_IsArray(items)) {
        cJSON_AddNumberToObject(expect, "refund_list.length", cJSON_GetArraySize(items));
        int i = 0;
        for (const cJSON *it = items->child; it; it = it->next, i++) {
            static const char *const keep[] = {"refund_status", "refund_fee"};
            for (size_t k = 0; k < 2; k++) {
                const cJSON *v = GET(it, keep[k]);
                char path[64];
                snprintf(path, sizeof path, "refund_list[%d].%s", i, keep[k]);
                if (cJSON_IsString(v))
                    cJSON_AddStringToObject(expect, path, v->valuestring);
            }
        }
    }
    cJSON_Delete(items);
}

/* One journal entry as steps appended to `steps`. 1 when a call was recorded, 0 skipped, -1 OOM. */
static int record_entry(const cJSON *e, const char *mch, captures *caps, long long *last_time,
                        int *uses_clock, cJSON *steps)
{
    const cJSON *call = GET(e, "call");
    const cJSON *request = GET(e, "request");
    if (!cJSON_IsString(call) || !is_call(call->valuestring) || !cJSON_IsString(request))
        return 0;
    upay_params *req = NULL;
    if (upay_form_parse(request->valuestring, strlen(request->valuestring), 1 << 20, &req, NULL)
        != UPAY_OK)
        return 0;
    const char *fault = cJSON_IsString(GET(e, "fault")) ? GET(e, "fault")->valuestring : NULL;
    const cJSON *http = GET(e, "http_status");
    if (!fault && cJSON_IsNumber(http) && http->valuedouble != 200) {
        upay_params_free(req);
        return 0;   /* refused at the HTTP level (a bad X-Upay-Fault header): not a call */
    }
    const cJSON *when = GET(e, "mch_time");
    if (cJSON_IsNumber(when)) {
        long long t = (long long)when->valuedouble;
        if (*last_time && t > *last_time) {
            cJSON *clock = cJSON_CreateObject();
            cJSON_AddStringToObject(clock, "mock", "clock");
            cJSON_AddNumberToObject(clock, "advance_seconds", (double)(t - *last_time));
            cJSON_AddItemToArray(steps, clock);
            *uses_clock = 1;
        }
        if (t > *last_time)
            *last_time = t;
    }
    if (fault) {
        cJSON *st = cJSON_CreateObject();
        cJSON *rule = cJSON_CreateObject();
        cJSON_AddStringToObject(st, "mock", "rule");
        cJSON_AddStringToObject(rule, "fault", fault);
        cJSON_AddStringToObject(rule, "method", call->valuestring);
        cJSON_AddItemToObject(st, "rule", rule);
        cJSON_AddItemToArray(steps, st);
    }

    cJSON *step = cJSON_CreateObject();
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(step, "call", call->valuestring);
    int hmac = 0;
    for (size_t i = 0; i < upay_params_count(req); i++) {
        const char *name = upay_params_name_at(req, i);
        const char *value = upay_params_value_at(req, i);
        if (!strcmp(name, "sign_type"))
            hmac = !strcmp(value, "HMAC-SHA256");
        if (listed(client_added, name) || !strcmp(name, "method"))
            continue;
        if (!strcmp(name, "mch_id") && mch && !strcmp(value, mch))
            continue;   /* the scenario's own merchant is the default */
        char *v = templated(caps, mch, value);
        cJSON_AddStringToObject(params, name, v ? v : "");
        free(v);
    }
    cJSON_AddItemToObject(step, "params", params);
    if (hmac) {
        cJSON *as = cJSON_AddObjectToObject(step, "as");
        cJSON_AddStringToObject(as, "sign_type", "HMAC-SHA256");
    }
    upay_params_free(req);

    cJSON *expect = cJSON_AddObjectToObject(step, "expect");
    const char *code = fault ? code_for_fault(fault) : NULL;
    if (code) {
        cJSON_AddStringToObject(expect, "_code", code);
    } else {
        const cJSON *response = GET(e, "response");
        cJSON *answer = cJSON_IsString(response) ? cJSON_Parse(response->valuestring) : NULL;
        static const char *const fields[] = {"state", "code", "trade_state", "refund_status",
                                             "refund_fee", "total_fee", "refund_count",
                                             "refund_fee_summary", NULL};
        for (size_t i = 0; fields[i]; i++) {
            const cJSON *f = GET(answer, fields[i]);
            if (cJSON_IsString(f))
                cJSON_AddStringToObject(expect, fields[i], f->valuestring);
        }
        expect_refund_list(expect, GET(answer, "refund_list"));
        cJSON *capture = NULL;
        for (size_t i = 0; invented[i]; i++) {
            const cJSON *f = GET(answer, invented[i]);
            if (!cJSON_IsString(f) || !*f->valuestring)
                continue;
            const char *var = capture_add(caps, invented[i], f->valuestring);
            if (!var)
                continue;
            if (!capture)
                capture = cJSON_AddObjectToObject(step, "capture");
            cJSON_AddStringToObject(capture, var, invented[i]);
        }
        cJSON_Delete(answer);
    }
    cJSON_AddItemToArray(steps, step);
    return 1;
}

int suite_record_convert(const char *journal_json, const char *mch, const char *name, char **out,
                         suite_buf *err)
{
    *out = NULL;
    cJSON *doc = cJSON_Parse(journal_json ? journal_json : "");
    const cJSON *entries = GET(doc, "entries");
    if (!cJSON_IsArray(entries)) {
        suite_buf_puts(err, "the journal is not {\"entries\": [...]}");
        cJSON_Delete(doc);
        return -1;
    }
    cJSON *scenario = cJSON_CreateObject();
    cJSON *steps = cJSON_CreateArray();
    captures caps = {0};
    long long last_time = 0;
    int uses_clock = 0, recorded = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, entries)
    {
        const cJSON *m = GET(e, "mch_id");
        if (mch && cJSON_IsString(m) && strcmp(m->valuestring, mch) != 0)
            continue;
        int rc = record_entry(e, mch, &caps, &last_time, &uses_clock, steps);
        if (rc > 0)
            recorded++;
    }
    captures_free(&caps);
    cJSON_Delete(doc);
    if (!recorded) {
        suite_buf_printf(err, "the journal holds no call of merchant %s", mch ? mch : "(any)");
        cJSON_Delete(scenario);
        cJSON_Delete(steps);
        return -1;
    }
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);
    char *desc = suite_strfmt("Recorded by upay-suite record from merchant %s on %s: %d call(s).",
                              mch ? mch : "(any)", stamp, recorded);
    cJSON_AddStringToObject(scenario, "name", name);
    cJSON_AddStringToObject(scenario, "description", desc ? desc : "recorded");
    free(desc);
    cJSON *tags = cJSON_AddArrayToObject(scenario, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString("recorded"));
    cJSON_AddArrayToObject(scenario, "rules");
    cJSON *req = cJSON_AddArrayToObject(scenario, "requires");
    cJSON_AddItemToArray(req, cJSON_CreateString(uses_clock ? "clock" : "mock"));
    cJSON_AddItemToObject(scenario, "steps", steps);
    cJSON *file = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(file, "scenarios");
    cJSON_AddItemToArray(list, scenario);
    char *text = cJSON_Print(file);
    cJSON_Delete(file);
    if (!text) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    *out = suite_strfmt("%s\n", text);
    cJSON_free(text);
    return *out ? recorded : -1;
}

static void usage(FILE *f)
{
    fputs("usage: upay-suite record --target URL --mch-id M [--out FILE] [--name NAME] "
          "[--partial] [--insecure]\n"
          "Turn merchant M's journal on the upay-mock at URL into a scenario file that replays\n"
          "the same calls (clock moves and faults included) and expects the same outcomes.\n"
          "--partial: write what the journal still holds when it lost the session's start.\n",
          f);
}

/*
 * GET /mock/<what>?limit=1000&mch_id=<mch> on `t`: the body (caller frees), or
 * NULL with a sentence in `err` (`*reached` 0 when no HTTP answer came).
 */
static char *admin_get(const suite_target *t, const char *what, const char *mch, int *reached,
                       suite_buf *err)
{
    char *esc = curl_easy_escape(NULL, mch, 0);
    char *url = esc ? suite_strfmt("%s/mock/%s?limit=1000&mch_id=%s", t->base_url, what, esc)
                    : NULL;
    curl_free(esc);
    *reached = 1;
    if (!url) {
        suite_buf_puts(err, "out of memory");
        return NULL;
    }
    suite_http_request req = {.method = "GET", .url = url, .timeout_ms = 10000,
                              .insecure = t->insecure};
    suite_http_response res;
    char *body = NULL;
    if (suite_http(&req, &res) != 0) {
        suite_buf_printf(err, "GET /mock/%s: %s", what, res.error);
        *reached = 0;
    } else if (res.status != 200) {
        suite_buf_printf(err, "GET /mock/%s: HTTP %ld: %s", what, res.status, res.body);
    } else {
        body = res.body;
        res.body = NULL;
    }
    suite_http_response_free(&res);
    free(url);
    return body;
}

int suite_record_main(int argc, char **argv, FILE *out, FILE *errout)
{
    const char *target = NULL, *mch = NULL, *path = NULL, *name = NULL;
    int insecure = 0, partial = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--target") ? &target
                            : !strcmp(a, "--mch-id") ? &mch
                            : !strcmp(a, "--out") ? &path
                            : !strcmp(a, "--name") ? &name
                                                   : NULL;
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (!strcmp(a, "--insecure")) {
            insecure = 1;
        } else if (!strcmp(a, "--partial")) {
            partial = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(out);
            return SUITE_EXIT_OK;
        } else {
            fprintf(errout, "upay-suite record: unknown or incomplete option \"%s\"\n", a);
            usage(errout);
            return SUITE_EXIT_USAGE;
        }
    }
    if (!target || !mch) {
        fprintf(errout, "upay-suite record: --target and --mch-id are required\n");
        usage(errout);
        return SUITE_EXIT_USAGE;
    }
    suite_target t;
    suite_buf err = {0};
    int status = SUITE_EXIT_FAILED, reached = 1;
    char *journal = NULL, *orders = NULL, *text = NULL, *default_name = NULL;
    if (suite_target_open_url(&t, target, &err) != 0) {
        fprintf(errout, "upay-suite record: %s\n", suite_buf_str(&err));
        suite_buf_free(&err);
        return SUITE_EXIT_USAGE;
    }
    t.insecure = insecure;
    journal = admin_get(&t, "journal", mch, &reached, &err);
    orders = journal ? admin_get(&t, "orders", mch, &reached, &err) : NULL;
    if (!journal || !orders) {
        fprintf(errout, "upay-suite record: %s\n", suite_buf_str(&err));
        status = reached ? SUITE_EXIT_FAILED : SUITE_EXIT_TARGET;
        goto done;
    }
    int lost = suite_record_start_check(journal, orders, mch, &err);
    if (lost != 0 && !partial) {
        fprintf(errout, "upay-suite record: %s%s\n", suite_buf_str(&err),
                lost > 0 ? "; the scenario would not replay. Record sooner after the session, "
                           "give upay-mock a larger --journal-size, or write what is left with "
                           "--partial" : "");
        goto done;
    }
    if (lost > 0)
        fprintf(errout, "upay-suite record: --partial: %s\n", suite_buf_str(&err));
    suite_buf_free(&err);
    default_name = suite_strfmt("recorded.%s", mch);
    int n = suite_record_convert(journal, mch, name ? name : default_name, &text, &err);
    if (n < 0) {
        fprintf(errout, "upay-suite record: %s\n", suite_buf_str(&err));
        goto done;
    }
    FILE *f = path ? fopen(path, "w") : out;
    if (!f || fputs(text, f) < 0 || (path && fclose(f) != 0)) {
        fprintf(errout, "upay-suite record: cannot write %s\n", path ? path : "stdout");
        status = SUITE_EXIT_USAGE;
        goto done;
    }
    fprintf(errout, "upay-suite record: %d call(s) of merchant %s recorded%s%s\n", n, mch,
            path ? " to " : "", path ? path : "");
    status = SUITE_EXIT_OK;
done:
    free(journal);
    free(orders);
    free(text);
    free(default_name);
    suite_target_close(&t);
    suite_buf_free(&err);
    return status;
}
