/*
 * suite/client/client_scenario.c - the client scenario loader (see
 * client_scenario.h). Validates every key at load time so a typo fails
 * before any program runs.
 */
#include "client_scenario.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonc.h"

static const char *const OUTCOME_NAMES[] = {
    "PAID", "NOT_PAID", "UNKNOWN", "REFUNDED", "REFUND_PENDING",
    "REFUND_FAILED", "REFUND_UNKNOWN", "CANCELLED", "DUPLICATE", "REJECTED",
};
#define OUTCOME_COUNT (sizeof OUTCOME_NAMES / sizeof OUTCOME_NAMES[0])

unsigned suite_outcome_bit(const char *name)
{
    for (size_t i = 0; name && i < OUTCOME_COUNT; i++)
        if (strcmp(name, OUTCOME_NAMES[i]) == 0)
            return 1u << i;
    return 0;
}

void suite_outcome_bits_format(suite_buf *b, unsigned bits)
{
    int first = 1;
    for (size_t i = 0; i < OUTCOME_COUNT; i++)
        if (bits & (1u << i)) {
            suite_buf_printf(b, "%s%s", first ? "" : "|", OUTCOME_NAMES[i]);
            first = 0;
        }
    if (first)
        suite_buf_puts(b, "(none)");
}

const char *suite_action_name(suite_client_action a)
{
    switch (a) {
    case SUITE_ACTION_PAY: return "pay";
    case SUITE_ACTION_REFUND: return "refund";
    case SUITE_ACTION_CANCEL: return "cancel";
    case SUITE_ACTION_NOTIFY: return "notify";
    }
    return "?";
}

static void scenario_free(suite_client_scenario *s)
{
    if (!s)
        return;
    free(s->base.name);
    free(s->base.file);
    free(s->base.description);
    for (size_t i = 0; i < s->base.ntags; i++)
        free(s->base.tags[i]);
    free(s->base.tags);
    for (size_t i = 0; i < s->base.nrules; i++)
        free(s->base.rules[i]);
    free(s->base.rules);
    free(s->wallet);
    free(s->persona);
    free(s->dialect);
    free(s->fault);
    cJSON_Delete(s->arm);
    free(s);
}

void suite_client_set_free(suite_client_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        scenario_free(set->items[i]);
    free(set->items);
    set->items = NULL;
    set->count = 0;
}

/* A JSON array of strings into a new array. 0, or -1 with a sentence. */
static int strings(const cJSON *a, const char *key, char ***out, size_t *n, suite_buf *why)
{
    *out = NULL;
    *n = 0;
    if (!a)
        return 0;
    if (!cJSON_IsArray(a)) {
        suite_buf_printf(why, "\"%s\" must be an array of strings", key);
        return -1;
    }
    size_t count = (size_t)cJSON_GetArraySize(a);
    *out = calloc(count ? count : 1, sizeof **out);
    if (!*out) {
        suite_buf_puts(why, "out of memory");
        return -1;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (!cJSON_IsString(it)) {
            suite_buf_printf(why, "\"%s\" must be an array of strings", key);
            return -1;
        }
        (*out)[(*n)++] = suite_strdup(it->valuestring);
    }
    return 0;
}

static int number(const cJSON *o, const char *key, long long min, long long max, long long *out,
                  suite_buf *why)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble ||
        v->valuedouble < (double)min || v->valuedouble > (double)max) {
        suite_buf_printf(why, "\"%s\" must be a whole number from %lld to %lld", key, min, max);
        return -1;
    }
    *out = (long long)v->valuedouble;
    return 0;
}

static const char *text(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Fill `s` from `o`. 0, or -1 with a sentence in `why`. */
static int scenario_parse(suite_client_scenario *s, const cJSON *o, suite_buf *why)
{
    static const char *const keys[] = {
        "name", "description", "tags", "rules", "action", "wallet", "persona", "total_fee",
        "refund_fee", "advance_seconds", "arm", "dialect", "limit_seconds", "accept", "fault", NULL,
    };
    const cJSON *it;
    cJSON_ArrayForEach(it, o) {
        int known = 0;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(keys[i], it->string) == 0;
        if (!known) {
            suite_buf_printf(why, "unknown key \"%s\"", it->string);
            return -1;
        }
    }
    const char *action = text(o, "action");
    if (!action) {
        suite_buf_puts(why, "\"action\" (pay, refund, cancel or notify) is required");
        return -1;
    }
    if (strcmp(action, "pay") == 0)
        s->action = SUITE_ACTION_PAY;
    else if (strcmp(action, "refund") == 0)
        s->action = SUITE_ACTION_REFUND;
    else if (strcmp(action, "cancel") == 0)
        s->action = SUITE_ACTION_CANCEL;
    else if (strcmp(action, "notify") == 0)
        s->action = SUITE_ACTION_NOTIFY;
    else {
        suite_buf_printf(why, "\"action\" must be pay, refund, cancel or notify, not \"%s\"",
                         action);
        return -1;
    }
    const char *fault = text(o, "fault");
    if (cJSON_GetObjectItemCaseSensitive(o, "fault") &&
        (s->action != SUITE_ACTION_NOTIFY || !fault ||
         (strcmp(fault, "duplicate") != 0 && strcmp(fault, "bad_sign") != 0))) {
        suite_buf_puts(why, "\"fault\" goes with action notify: duplicate or bad_sign");
        return -1;
    }
    s->fault = fault ? suite_strdup(fault) : NULL;
    if (s->action == SUITE_ACTION_NOTIFY &&
        (cJSON_GetObjectItemCaseSensitive(o, "persona") || cJSON_GetObjectItemCaseSensitive(o, "arm") ||
         cJSON_GetObjectItemCaseSensitive(o, "refund_fee") ||
         cJSON_GetObjectItemCaseSensitive(o, "advance_seconds"))) {
        suite_buf_puts(why, "action notify takes no persona, arm, refund_fee or advance_seconds");
        return -1;
    }
    if (cJSON_GetObjectItemCaseSensitive(o, "description") && !text(o, "description")) {
        suite_buf_puts(why, "\"description\" must be a string");
        return -1;
    }
    s->base.description = suite_strdup(text(o, "description"));
    if (strings(cJSON_GetObjectItemCaseSensitive(o, "tags"), "tags", &s->base.tags,
                &s->base.ntags, why) != 0 ||
        strings(cJSON_GetObjectItemCaseSensitive(o, "rules"), "rules", &s->base.rules,
                &s->base.nrules, why) != 0)
        return -1;
    if (s->base.nrules == 0) {
        suite_buf_puts(why, "\"rules\" must name the protocol rules it proves (R-...)");
        return -1;
    }
    s->wallet = suite_strdup(text(o, "wallet") ? text(o, "wallet") : "wechat");
    const char *persona = text(o, "persona");
    if (persona) {
        size_t len = strlen(persona);
        if (len != 4 || strspn(persona, "0123456789") != 4) {
            suite_buf_puts(why, "\"persona\" must be the code's last four digits, e.g. \"9001\"");
            return -1;
        }
        s->persona = suite_strdup(persona);
    }
    s->total_fee = 100;
    s->advance_seconds = s->action == SUITE_ACTION_CANCEL ? 20 : 0;
    long long limit = s->action == SUITE_ACTION_NOTIFY ? 3 : 150; /* the gateway waits 3 s */
    if (number(o, "total_fee", 1, 100000000000LL, &s->total_fee, why) != 0)
        return -1;
    s->refund_fee = s->total_fee;
    if (number(o, "refund_fee", 1, 100000000000LL, &s->refund_fee, why) != 0 ||
        number(o, "advance_seconds", 0, 86400LL * 366, &s->advance_seconds, why) != 0 ||
        number(o, "limit_seconds", 1, 3600, &limit, why) != 0)
        return -1;
    s->limit_seconds = (double)limit;
    const cJSON *arm = cJSON_GetObjectItemCaseSensitive(o, "arm");
    if (arm) {
        if (!cJSON_IsArray(arm)) {
            suite_buf_puts(why, "\"arm\" must be an array of rules (docs/edge-cases.md#rules)");
            return -1;
        }
        cJSON_ArrayForEach(it, arm)
            if (!cJSON_IsObject(it) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "fault"))) {
                suite_buf_puts(why, "each rule of \"arm\" is an object with a \"fault\"");
                return -1;
            }
        s->arm = cJSON_Duplicate(arm, 1);
    }
    const char *dialect = text(o, "dialect");
    if (cJSON_GetObjectItemCaseSensitive(o, "dialect") &&
        (!dialect || (strcmp(dialect, "seed") != 0 && strcmp(dialect, "live") != 0))) {
        suite_buf_puts(why, "\"dialect\" must be \"seed\" or \"live\"");
        return -1;
    }
    s->dialect = dialect && strcmp(dialect, "seed") != 0 ? suite_strdup(dialect) : NULL;
    const cJSON *accept = cJSON_GetObjectItemCaseSensitive(o, "accept");
    if (accept) {
        if (!cJSON_IsArray(accept)) {
            suite_buf_puts(why, "\"accept\" must be an array of outcomes");
            return -1;
        }
        cJSON_ArrayForEach(it, accept) {
            unsigned bit = cJSON_IsString(it) ? suite_outcome_bit(it->valuestring) : 0;
            if (!bit) {
                suite_buf_puts(why, "\"accept\" holds an unknown outcome");
                return -1;
            }
            s->accept |= bit;
        }
    }
    return 0;
}

static int add_one(suite_client_set *set, const cJSON *o, const char *file, suite_buf *errors)
{
    const char *name = cJSON_IsObject(o) ? text(o, "name") : NULL;
    if (!name || !*name) {
        suite_buf_printf(errors, "%s: a scenario without a \"name\"\n", file);
        return 1;
    }
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i]->base.name, name) == 0) {
            suite_buf_printf(errors, "%s: %s: the name is used twice\n", file, name);
            return 1;
        }
    suite_client_scenario *s = calloc(1, sizeof *s);
    suite_client_scenario **grown = realloc(set->items, (set->count + 1) * sizeof *grown);
    if (!s || !grown) {
        free(s);
        if (grown)
            set->items = grown;
        suite_buf_printf(errors, "%s: out of memory\n", file);
        return 1;
    }
    set->items = grown;
    s->base.name = suite_strdup(name);
    s->base.file = suite_strdup(file);
    s->base.index = set->count;
    suite_buf why = {0};
    if (scenario_parse(s, o, &why) != 0) {
        suite_buf_printf(errors, "%s: %s: %s\n", file, name, suite_buf_str(&why));
        suite_buf_free(&why);
        scenario_free(s);
        return 1;
    }
    suite_buf_free(&why);
    set->items[set->count++] = s;
    return 0;
}

int suite_client_load_text(suite_client_set *set, const char *text_in, const char *file,
                           suite_buf *errors)
{
    char *copy = suite_strdup(text_in);
    if (!copy) {
        suite_buf_printf(errors, "%s: out of memory\n", file);
        return 1;
    }
    cJSON *root = suite_jsonc_parse(copy, file, errors);
    free(copy);
    if (!root)
        return 1;
    const cJSON *list = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "scenarios")
                                             : root;
    int problems = 0;
    if (cJSON_IsArray(list)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, list)
            problems += add_one(set, it, file, errors);
    } else {
        problems += add_one(set, root, file, errors);
    }
    cJSON_Delete(root);
    return problems;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int suite_client_load(suite_client_set *set, const char *path, suite_buf *errors)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        suite_buf_printf(errors, "%s: cannot be read\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        char *t = suite_read_file(path, NULL);
        if (!t) {
            suite_buf_printf(errors, "%s: cannot be read\n", path);
            return 1;
        }
        int problems = suite_client_load_text(set, t, path, errors);
        free(t);
        return problems;
    }
    DIR *d = opendir(path);
    if (!d) {
        suite_buf_printf(errors, "%s: cannot be read\n", path);
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    int problems = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        names[n++] = suite_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char *full = suite_strfmt("%s/%s", path, names[i]);
        size_t len = strlen(names[i]);
        if (full && stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                problems += suite_client_load(set, full, errors);
            else if (len > 6 && strcmp(names[i] + len - 6, ".jsonc") == 0)
                problems += suite_client_load(set, full, errors);
        }
        free(full);
        free(names[i]);
    }
    free(names);
    return problems;
}
