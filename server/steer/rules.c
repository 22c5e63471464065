/*
 * server/steer/rules.c - outcome rules and their remembered effects (see rules.h).
 * Rules sit in an array in id order; effects in a ring that grows as it
 * fills (up to MOCK_RULES_EFFECTS_MAX, then forgets the oldest), found by a
 * hash of their key. Both behind one mutex.
 */
#include "steer/rules.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest whole number a double holds exactly (2^53): rule numbers stay within it. */
#define RULE_EXACT_MAX 9007199254740992.0

typedef struct effect {
    char mch_id[33];
    char number[33];
    int is_refund;
    int used;
    mock_fault fault;
    int chain;                  /* next effect in its hash bucket; -1 none */
} effect;

#define EFFECTS_FIRST 16        /* slots the ring starts with, once the first effect comes */

struct mock_rules {
    pthread_mutex_t lock;
    mock_rule *items;           /* id order (oldest first) */
    size_t count, cap;
    unsigned long long next_id;
    effect *effects;            /* ring of effect_cap, grown up to MOCK_RULES_EFFECTS_MAX */
    size_t effect_cap;
    size_t effect_next;         /* where the next new effect goes */
    int *buckets;               /* effect_cap of them (a power of two): first effect, -1 none */
    atomic_size_t active;       /* rules + effects: 0 lets callers skip the lock */
};

static const char *const call_names[] = {"pay", "orderquery", "refund", "refundquery", "cancel"};

mock_rules *mock_rules_new(void)
{
    mock_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return NULL;
    }
    r->next_id = 1;
    atomic_init(&r->active, 0);
    return r;
}

void mock_rules_free(mock_rules *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r->items);
    free(r->effects);
    free(r->buckets);
    free(r);
}

/* ---- JSON ---- */

static int copy_field(const cJSON *obj, const char *key, char *out, size_t outlen, char *err,
                      size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    out[0] = '\0';
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= outlen) {
        snprintf(err, errlen, "rule: \"%s\" must be a string of at most %zu bytes", key,
                 outlen - 1);
        return -1;
    }
    snprintf(out, outlen, "%s", v->valuestring);
    return 0;
}

static int call_bit(const char *name)
{
    for (int i = 0; i < 5; i++)
        if (name && strcmp(name, call_names[i]) == 0)
            return 1 << i;
    return 0;
}

static int parse_methods(const cJSON *v, unsigned *calls, char *err, size_t errlen)
{
    *calls = 0;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (cJSON_IsString(v)) {
        *calls = (unsigned)call_bit(v->valuestring);
        if (!*calls) {
            snprintf(err, errlen, "rule: unknown method \"%.32s\" (pay, orderquery, refund, "
                                  "refundquery, cancel)", v->valuestring);
            return -1;
        }
        return 0;
    }
    if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0) {
        for (const cJSON *e = v->child; e; e = e->next) {
            int bit = cJSON_IsString(e) ? call_bit(e->valuestring) : 0;
            if (!bit) {
                snprintf(err, errlen, "rule: \"method\" must name calls (pay, orderquery, refund, "
                                      "refundquery, cancel)");
                return -1;
            }
            *calls |= (unsigned)bit;
        }
        return 0;
    }
    snprintf(err, errlen, "rule: \"method\" must be a call name or an array of them");
    return -1;
}

static int parse_param(const cJSON *v, mock_rule *out, char *err, size_t errlen)
{
    if (!v || cJSON_IsNull(v))
        return 0;
    const char *name = NULL, *value = NULL;
    char text[200];
    if (cJSON_IsString(v)) {
        snprintf(text, sizeof text, "%s", v->valuestring);
        char *eq = strchr(text, '=');
        if (eq) {
            *eq = '\0';
            name = text;
            value = eq + 1;
        }
    } else if (cJSON_IsObject(v)) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "name");
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
        name = cJSON_IsString(n) ? n->valuestring : NULL;
        value = cJSON_IsString(val) ? val->valuestring : NULL;
        if (cJSON_IsNumber(val)) {
            /* a whole number a double holds exactly, checked before any cast */
            double d = val->valuedouble;
            if (!(d >= -RULE_EXACT_MAX && d <= RULE_EXACT_MAX) || d != (double)(long long)d) {
                snprintf(err, errlen, "rule: \"param\" value %.17g is not a whole number within "
                                      "+-2^53: give it as a string", d);
                return -1;
            }
            snprintf(text, sizeof text, "%lld", (long long)d);
            value = text;
        }
    }
    if (!name || !*name || !value || strlen(name) >= sizeof out->param_name
        || strlen(value) >= sizeof out->param_value) {
        snprintf(err, errlen, "rule: \"param\" must be \"name=value\" or {\"name\": ..., "
                              "\"value\": ...} (name at most 32, value at most 128 bytes)");
        return -1;
    }
    memcpy(out->param_name, name, strlen(name) + 1);      /* lengths checked above */
    memcpy(out->param_value, value, strlen(value) + 1);
    return 0;
}

int mock_rule_from_json(const cJSON *obj, mock_rule *out, char *err, size_t errlen)
{
    static const char *const keys[] = {"fault", "method", "mch_id", "out_trade_no",
                                       "out_refund_no", "param", "times", "applied", NULL};
    char scratch[8];
    if (!err || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    if (!out)
        return -1;
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(obj)) {
        snprintf(err, errlen, "a rule must be a JSON object");
        return -1;
    }
    for (const cJSON *k = obj->child; k; k = k->next) {
        int known = 0;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(keys[i], k->string) == 0;
        if (!known) {
            snprintf(err, errlen, "rule: unknown key \"%.40s\"", k->string);
            return -1;
        }
    }
    const cJSON *fault = cJSON_GetObjectItemCaseSensitive(obj, "fault");
    if (!cJSON_IsString(fault)) {
        snprintf(err, errlen, "rule: \"fault\" (a fault name, GET /mock/faults) is required");
        return -1;
    }
    char ferr[160];
    if (mock_fault_parse(fault->valuestring, &out->fault, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "rule: %s", ferr);
        return -1;
    }
    if (parse_methods(cJSON_GetObjectItemCaseSensitive(obj, "method"), &out->calls, err, errlen)
        || copy_field(obj, "mch_id", out->mch_id, sizeof out->mch_id, err, errlen)
        || copy_field(obj, "out_trade_no", out->out_trade_no, sizeof out->out_trade_no, err, errlen)
        || copy_field(obj, "out_refund_no", out->out_refund_no, sizeof out->out_refund_no, err,
                      errlen)
        || parse_param(cJSON_GetObjectItemCaseSensitive(obj, "param"), out, err, errlen))
        return -1;
    const mock_fault_info *info = mock_fault_info_of(out->fault.kind);
    if (out->calls && !(out->calls & info->calls)) {
        snprintf(err, errlen, "rule: fault %s does not apply to the method named", info->name);
        return -1;
    }
    const cJSON *applied = cJSON_GetObjectItemCaseSensitive(obj, "applied");
    if (applied) {
        if (!cJSON_IsBool(applied)) {
            snprintf(err, errlen, "rule: \"applied\" must be true or false");
            return -1;
        }
        if (cJSON_IsFalse(applied)) {
            if (!info->may_skip) {
                snprintf(err, errlen, "rule: fault %s is the call's outcome: \"applied\": false "
                                      "makes no sense", info->name);
                return -1;
            }
            out->fault.not_applied = 1;
        }
    }
    const cJSON *times = cJSON_GetObjectItemCaseSensitive(obj, "times");
    out->times = 1;
    if (times) {
        if (cJSON_IsString(times) && strcmp(times->valuestring, "always") == 0) {
            out->times = MOCK_RULE_ALWAYS;
        } else if (cJSON_IsNumber(times) && times->valuedouble >= 1
                   && times->valuedouble <= 1000000 && times->valuedouble == (double)(long long)times->valuedouble) {
            out->times = (long long)times->valuedouble;
        } else {
            snprintf(err, errlen, "rule: \"times\" must be a whole number from 1 to 1000000 or "
                                  "\"always\"");
            return -1;
        }
    }
    snprintf(out->source, sizeof out->source, "api");
    return 0;
}

cJSON *mock_rule_to_json(const mock_rule *rule)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char text[64];
    int ok = cJSON_AddNumberToObject(o, "id", (double)rule->id) != NULL
             && cJSON_AddStringToObject(o, "fault", mock_fault_format(&rule->fault, text,
                                                                      sizeof text)) != NULL;
    if (ok && rule->calls) {
        cJSON *m = cJSON_AddArrayToObject(o, "method");
        for (int i = 0; m && i < 5; i++)
            if (rule->calls & (1u << i))
                cJSON_AddItemToArray(m, cJSON_CreateString(call_names[i]));
        ok = m != NULL;
    }
    if (ok && rule->mch_id[0])
        ok = cJSON_AddStringToObject(o, "mch_id", rule->mch_id) != NULL;
    if (ok && rule->out_trade_no[0])
        ok = cJSON_AddStringToObject(o, "out_trade_no", rule->out_trade_no) != NULL;
    if (ok && rule->out_refund_no[0])
        ok = cJSON_AddStringToObject(o, "out_refund_no", rule->out_refund_no) != NULL;
    if (ok && rule->param_name[0]) {
        cJSON *p = cJSON_AddObjectToObject(o, "param");
        ok = p && cJSON_AddStringToObject(p, "name", rule->param_name)
             && cJSON_AddStringToObject(p, "value", rule->param_value);
    }
    if (ok) {
        if (rule->times == MOCK_RULE_ALWAYS)
            ok = cJSON_AddStringToObject(o, "times", "always") != NULL;
        else
            ok = cJSON_AddNumberToObject(o, "times", (double)rule->times) != NULL;
    }
    ok = ok && cJSON_AddNumberToObject(o, "fired", (double)rule->fired)
         && cJSON_AddStringToObject(o, "source", rule->source[0] ? rule->source : "api");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- the set ---- */

static void effect_drop(mock_rules *r, size_t i);

static void recount(mock_rules *r)
{
    size_t n = r->count;
    for (size_t i = 0; i < r->effect_cap; i++)
        n += r->effects[i].used ? 1 : 0;
    atomic_store(&r->active, n);
}

int mock_rules_add(mock_rules *r, const mock_rule *rule, unsigned long long *id)
{
    if (!r || !rule || !mock_fault_info_of(rule->fault.kind))
        return -1;
    pthread_mutex_lock(&r->lock);
    int rc = -1;
    if (r->count < MOCK_RULES_MAX) {
        if (r->count == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 16;
            mock_rule *items = realloc(r->items, cap * sizeof *items);
            if (items) {
                r->items = items;
                r->cap = cap;
            }
        }
        if (r->count < r->cap) {
            mock_rule *slot = &r->items[r->count++];
            *slot = *rule;
            slot->id = r->next_id++;
            slot->fired = 0;
            if (slot->times == 0)
                slot->times = 1;
            if (!slot->source[0])
                snprintf(slot->source, sizeof slot->source, "api");
            if (id)
                *id = slot->id;
            atomic_fetch_add(&r->active, 1);
            rc = 0;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static void remove_at(mock_rules *r, size_t i)
{
    memmove(&r->items[i], &r->items[i + 1], (r->count - i - 1) * sizeof *r->items);
    r->count--;
    atomic_fetch_sub(&r->active, 1);
}

int mock_rules_remove(mock_rules *r, unsigned long long id)
{
    if (!r)
        return -1;
    int rc = -1;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count; i++)
        if (r->items[i].id == id) {
            remove_at(r, i);
            rc = 0;
            break;
        }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

size_t mock_rules_clear(mock_rules *r, const char *mch_id, int effects)
{
    if (!r)
        return 0;
    size_t removed = 0;
    pthread_mutex_lock(&r->lock);
    for (size_t i = r->count; i-- > 0;)
        if (!mch_id || strcmp(r->items[i].mch_id, mch_id) == 0) {
            memmove(&r->items[i], &r->items[i + 1], (r->count - i - 1) * sizeof *r->items);
            r->count--;
            removed++;
        }
    for (size_t i = 0; effects && i < r->effect_cap; i++)
        if (r->effects[i].used && (!mch_id || strcmp(r->effects[i].mch_id, mch_id) == 0))
            effect_drop(r, i);
    recount(r);
    pthread_mutex_unlock(&r->lock);
    return removed;
}

cJSON *mock_rules_list(mock_rules *r, const char *mch_id)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr || !r)
        return arr;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count; i++) {
        const mock_rule *rule = &r->items[i];
        if (mch_id && rule->mch_id[0] && strcmp(rule->mch_id, mch_id) != 0)
            continue;
        cJSON *o = mock_rule_to_json(rule);
        if (!o) {
            cJSON_Delete(arr);
            arr = NULL;
            break;
        }
        cJSON_AddItemToArray(arr, o);
    }
    pthread_mutex_unlock(&r->lock);
    return arr;
}

size_t mock_rules_count(mock_rules *r)
{
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    size_t n = r->count;
    pthread_mutex_unlock(&r->lock);
    return n;
}

static int same(const char *want, const char *have)
{
    return !want[0] || (have && strcmp(want, have) == 0);
}

int mock_rule_matches(const mock_rule *rule, const mock_rule_subject *s)
{
    if (!rule || !s || !mock_fault_fits(&rule->fault, s->call_kind))
        return 0;
    if (rule->calls && !(rule->calls & (1u << s->call_kind)))
        return 0;
    if (!same(rule->mch_id, s->mch_id) || !same(rule->out_trade_no, s->out_trade_no)
        || !same(rule->out_refund_no, s->out_refund_no))
        return 0;
    if (rule->param_name[0]) {
        const char *v = s->params ? upay_params_get(s->params, rule->param_name) : NULL;
        if (!v || strcmp(v, rule->param_value) != 0)
            return 0;
    }
    return 1;
}

/* Use up one time of rule `i`, copying it (as it fired) into `*out`. Caller holds the lock. */
static void use_at(mock_rules *r, size_t i, mock_rule *out)
{
    mock_rule *rule = &r->items[i];
    rule->fired++;
    if (rule->times != MOCK_RULE_ALWAYS)
        rule->times--;
    if (out)
        *out = *rule;
    if (rule->times == 0)
        remove_at(r, i);
}

/* The index of the rule that fires for `subject`, or -1. Caller holds the lock. */
static long find_firing(mock_rules *r, const mock_rule_subject *subject)
{
    for (size_t i = r->count; i-- > 0;)
        if (mock_rule_matches(&r->items[i], subject))
            return (long)i;
    return -1;
}

int mock_rules_take(mock_rules *r, const mock_rule_subject *subject, mock_rule *out)
{
    if (!r || !subject || atomic_load(&r->active) == 0)
        return 0;
    pthread_mutex_lock(&r->lock);
    long i = find_firing(r, subject);
    if (i >= 0)
        use_at(r, (size_t)i, out);
    pthread_mutex_unlock(&r->lock);
    return i >= 0;
}

int mock_rules_peek(mock_rules *r, const mock_rule_subject *subject, mock_rule *out)
{
    if (!r || !subject || atomic_load(&r->active) == 0)
        return 0;
    pthread_mutex_lock(&r->lock);
    long i = find_firing(r, subject);
    if (i >= 0 && out) {
        *out = r->items[i];
        out->fired++;
        if (out->times != MOCK_RULE_ALWAYS)
            out->times--;
    }
    pthread_mutex_unlock(&r->lock);
    return i >= 0;
}

int mock_rules_use(mock_rules *r, unsigned long long id)
{
    if (!r || !id)
        return 0;
    int found = 0;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count && !found; i++) {
        if (r->items[i].id == id) {
            use_at(r, i, NULL);
            found = 1;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return found;
}

/* ---- effects ---- */

static size_t effect_hash(const char *mch_id, const char *number, int is_refund)
{
    size_t h = 2166136261u ^ (size_t)is_refund;
    for (const unsigned char *p = (const unsigned char *)mch_id; *p; p++)
        h = (h ^ *p) * 16777619u;
    h = (h ^ '/') * 16777619u;
    for (const unsigned char *p = (const unsigned char *)number; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

static int *bucket_of(mock_rules *r, const effect *e)
{
    return &r->buckets[effect_hash(e->mch_id, e->number, e->is_refund) & (r->effect_cap - 1)];
}

/* Unlink effect `i` from its bucket and mark its slot free. */
static void effect_drop(mock_rules *r, size_t i)
{
    effect *e = &r->effects[i];
    if (!e->used)
        return;
    int *p = bucket_of(r, e);
    while (*p != (int)i)
        p = &r->effects[*p].chain;
    *p = e->chain;
    memset(e, 0, sizeof *e);
    e->chain = -1;
}

/*
 * Make the ring one step bigger when it is full and under its maximum:
 * doubled, with the buckets rebuilt for the new size. Returns 0, or -1
 * when memory runs out (the ring then reuses its oldest slot).
 */
static int effects_grow(mock_rules *r)
{
    size_t cap = r->effect_cap ? r->effect_cap * 2 : EFFECTS_FIRST;
    if (cap > MOCK_RULES_EFFECTS_MAX)
        cap = MOCK_RULES_EFFECTS_MAX;
    effect *items = realloc(r->effects, cap * sizeof *items);
    if (!items)
        return -1;
    r->effects = items;
    int *buckets = malloc(cap * sizeof *buckets);
    if (!buckets)
        return -1;   /* the ring keeps its old size (the extra room is unused) */
    for (size_t i = r->effect_cap; i < cap; i++) {
        memset(&items[i], 0, sizeof items[i]);
        items[i].chain = -1;
    }
    free(r->buckets);
    r->buckets = buckets;
    r->effect_next = r->effect_cap;   /* the old ring was full: the new slots come next */
    r->effect_cap = cap;
    for (size_t i = 0; i < cap; i++)
        buckets[i] = -1;
    for (size_t i = 0; i < cap; i++) {
        if (!items[i].used)
            continue;
        int *b = bucket_of(r, &items[i]);
        items[i].chain = *b;
        *b = (int)i;
    }
    return 0;
}

static effect *find_effect(mock_rules *r, const char *mch_id, const char *number, int is_refund)
{
    if (!r->effect_cap)
        return NULL;
    int i = r->buckets[effect_hash(mch_id, number, is_refund) & (r->effect_cap - 1)];
    for (; i >= 0; i = r->effects[i].chain) {
        effect *e = &r->effects[i];
        if (e->is_refund == is_refund && strcmp(e->mch_id, mch_id) == 0
            && strcmp(e->number, number) == 0)
            return e;
    }
    return NULL;
}

void mock_rules_effect_set(mock_rules *r, const char *mch_id, const char *number, int is_refund,
                           const mock_fault *fault)
{
    if (!r || !mch_id || !number || !fault || strlen(mch_id) >= 33 || strlen(number) >= 33)
        return;
    pthread_mutex_lock(&r->lock);
    effect *e = find_effect(r, mch_id, number, is_refund);
    if (e) {
        e->fault = *fault;
        pthread_mutex_unlock(&r->lock);
        return;
    }
    /* the ring is full when the slot it would reuse is taken and it may still grow */
    if ((!r->effect_cap || r->effects[r->effect_next].used)
        && r->effect_cap < MOCK_RULES_EFFECTS_MAX && effects_grow(r) != 0 && !r->effect_cap) {
        pthread_mutex_unlock(&r->lock);
        return;   /* out of memory before the first effect: it is not remembered */
    }
    size_t i = r->effect_next;
    r->effect_next = (r->effect_next + 1) % r->effect_cap;
    e = &r->effects[i];
    if (e->used)
        effect_drop(r, i);
    else
        atomic_fetch_add(&r->active, 1);
    snprintf(e->mch_id, sizeof e->mch_id, "%s", mch_id);
    snprintf(e->number, sizeof e->number, "%s", number);
    e->is_refund = is_refund;
    e->used = 1;
    e->fault = *fault;
    int *b = bucket_of(r, e);
    e->chain = *b;
    *b = (int)i;
    pthread_mutex_unlock(&r->lock);
}

void mock_rules_usage(mock_rules *r, size_t *bytes, size_t *rules, size_t *effects)
{
    size_t b = 0, n = 0, k = 0;
    if (r) {
        pthread_mutex_lock(&r->lock);
        b = sizeof *r + r->cap * sizeof *r->items
            + r->effect_cap * (sizeof *r->effects + sizeof *r->buckets);
        n = r->count;
        k = atomic_load(&r->active) - n;
        pthread_mutex_unlock(&r->lock);
    }
    if (bytes)
        *bytes = b;
    if (rules)
        *rules = n;
    if (effects)
        *effects = k;
}

int mock_rules_effect_get(mock_rules *r, const char *mch_id, const char *number, int is_refund,
                          mock_fault *out)
{
    if (!r || !mch_id || !number || atomic_load(&r->active) == 0)
        return 0;
    pthread_mutex_lock(&r->lock);
    const effect *e = find_effect(r, mch_id, number, is_refund);
    if (e && out)
        *out = e->fault;
    pthread_mutex_unlock(&r->lock);
    return e != NULL;
}
