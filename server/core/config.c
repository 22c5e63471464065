/*
 * server/core/config.c - agents and merchants from JSON or built in (see config.h).
 */
#include "core/config.h"
#include "observe/journal.h"
#include "retain/retention.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mock_config *mock_config_builtin(void)
{
    mock_config *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->agents = calloc(2, sizeof *c->agents);
    if (!c->agents) {
        free(c);
        return NULL;
    }
    c->n_agents = 2;
    snprintf(c->agents[0].agent_id, sizeof c->agents[0].agent_id, "%s", MOCK_BUILTIN_AGENT_1);
    snprintf(c->agents[0].key, sizeof c->agents[0].key, "%s", MOCK_BUILTIN_KEY_1);
    snprintf(c->agents[1].agent_id, sizeof c->agents[1].agent_id, "%s", MOCK_BUILTIN_AGENT_2);
    snprintf(c->agents[1].key, sizeof c->agents[1].key, "%s", MOCK_BUILTIN_KEY_2);
    for (int i = 0; i < 2; i++) {
        c->agents[i].allow_md5 = 1;
        c->agents[i].allow_hmac_sha256 = 1;
    }
    return c;
}

void mock_config_free(mock_config *config)
{
    if (!config)
        return;
    free(config->agents);
    free(config->merchants);
    free(config->rules);
    free(config);
}

int mock_mch_id_valid(const char *mch_id)
{
    if (!mch_id)
        return 0;
    size_t len = strlen(mch_id);
    if (len < 1 || len > 32)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)mch_id[i]))
            return 0;
    return 1;
}

/* A string member of `obj` that fits `size` (NUL included) and is not empty. */
static const char *string_member(const cJSON *obj, const char *name, size_t size,
                                 const char *where, char *err, size_t errlen)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(item) || !item->valuestring || !*item->valuestring) {
        snprintf(err, errlen, "%s: \"%s\" must be a non-empty string", where, name);
        return NULL;
    }
    if (strlen(item->valuestring) >= size) {
        snprintf(err, errlen, "%s: \"%s\" is longer than %zu bytes", where, name, size - 1);
        return NULL;
    }
    return item->valuestring;
}

static int parse_agent(const cJSON *item, size_t idx, mock_agent *a, char *err, size_t errlen)
{
    char where[48];
    snprintf(where, sizeof where, "agents[%zu]", idx);
    if (!cJSON_IsObject(item)) {
        snprintf(err, errlen, "%s must be an object", where);
        return -1;
    }
    const char *id = string_member(item, "agent_id", sizeof a->agent_id, where, err, errlen);
    if (!id)
        return -1;
    const char *key = string_member(item, "key", sizeof a->key, where, err, errlen);
    if (!key)
        return -1;
    snprintf(a->agent_id, sizeof a->agent_id, "%s", id);
    snprintf(a->key, sizeof a->key, "%s", key);
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(item, "sign_types");
    if (!types) {
        a->allow_md5 = a->allow_hmac_sha256 = 1;
        return 0;
    }
    if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) == 0) {
        snprintf(err, errlen, "%s: \"sign_types\" must be a non-empty array", where);
        return -1;
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, types) {
        if (cJSON_IsString(t) && strcmp(t->valuestring, "MD5") == 0)
            a->allow_md5 = 1;
        else if (cJSON_IsString(t) && strcmp(t->valuestring, "HMAC-SHA256") == 0)
            a->allow_hmac_sha256 = 1;
        else {
            snprintf(err, errlen, "%s: sign_types holds only \"MD5\" and \"HMAC-SHA256\"", where);
            return -1;
        }
    }
    return 0;
}

mock_config *mock_config_parse(const char *json, size_t len, char *err, size_t errlen)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root) {
        snprintf(err, errlen, "config is not valid JSON");
        return NULL;
    }
    mock_config *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        cJSON_Delete(root);
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "config must be a JSON object");
        goto fail;
    }
    const cJSON *agents = cJSON_GetObjectItemCaseSensitive(root, "agents");
    if (!cJSON_IsArray(agents) || cJSON_GetArraySize(agents) == 0) {
        snprintf(err, errlen, "config: \"agents\" must be a non-empty array");
        goto fail;
    }
    c->n_agents = (size_t)cJSON_GetArraySize(agents);
    c->agents = calloc(c->n_agents, sizeof *c->agents);
    if (!c->agents) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, agents) {
        if (parse_agent(item, i, &c->agents[i], err, errlen) != 0)
            goto fail;
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->agents[j].agent_id, c->agents[i].agent_id) == 0) {
                snprintf(err, errlen, "agents[%zu]: agent %s appears twice", i, c->agents[i].agent_id);
                goto fail;
            }
        i++;
    }
    const cJSON *merchants = cJSON_GetObjectItemCaseSensitive(root, "merchants");
    if (merchants && !cJSON_IsArray(merchants)) {
        snprintf(err, errlen, "config: \"merchants\" must be an array");
        goto fail;
    }
    c->n_merchants = merchants ? (size_t)cJSON_GetArraySize(merchants) : 0;
    if (c->n_merchants) {
        c->merchants = calloc(c->n_merchants, sizeof *c->merchants);
        if (!c->merchants) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    i = 0;
    cJSON_ArrayForEach(item, merchants) {
        char where[48];
        snprintf(where, sizeof where, "merchants[%zu]", i);
        mock_config_merchant *m = &c->merchants[i];
        const char *id = cJSON_IsObject(item)
            ? string_member(item, "mch_id", sizeof m->mch_id, where, err, errlen) : NULL;
        if (!cJSON_IsObject(item))
            snprintf(err, errlen, "%s must be an object", where);
        if (!id)
            goto fail;
        if (!mock_mch_id_valid(id)) {
            snprintf(err, errlen, "%s: mch_id must be 1-32 letters or digits", where);
            goto fail;
        }
        const char *agent = string_member(item, "agent_id", sizeof m->agent_id, where, err, errlen);
        if (!agent)
            goto fail;
        if (!mock_config_agent(c, agent)) {
            snprintf(err, errlen, "%s: agent %s is not among \"agents\"", where, agent);
            goto fail;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->merchants[j].mch_id, id) == 0) {
                snprintf(err, errlen, "%s: merchant %s appears twice", where, id);
                goto fail;
            }
        snprintf(m->mch_id, sizeof m->mch_id, "%s", id);
        snprintf(m->agent_id, sizeof m->agent_id, "%s", agent);
        if (cJSON_GetObjectItemCaseSensitive(item, "key")) {
            const char *key = string_member(item, "key", sizeof m->key, where, err, errlen);
            if (!key)
                goto fail;
            snprintf(m->key, sizeof m->key, "%s", key);
        }
        i++;
    }
    const cJSON *minv = cJSON_GetObjectItemCaseSensitive(root, "min_version");
    if (minv) {
        if (!cJSON_IsString(minv) || strlen(minv->valuestring) >= sizeof c->min_version) {
            snprintf(err, errlen, "config: \"min_version\" must be a short string");
            goto fail;
        }
        snprintf(c->min_version, sizeof c->min_version, "%s", minv->valuestring);
    }
    const cJSON *dialect = cJSON_GetObjectItemCaseSensitive(root, "dialect");
    if (dialect && (!cJSON_IsString(dialect)
                    || mock_config_dialect(dialect->valuestring, &c->live) != 0)) {
        snprintf(err, errlen, "config: \"dialect\" must be \"seed\" or \"live\"");
        goto fail;
    }
    const cJSON *retain = cJSON_GetObjectItemCaseSensitive(root, "retain");
    if (retain) {
        /* "1h", "30m", "never", or whole seconds */
        char text[32] = "";
        if (cJSON_IsNumber(retain) && retain->valuedouble >= 0 && retain->valuedouble < 1e12)
            snprintf(text, sizeof text, "%.0f", retain->valuedouble);
        else if (cJSON_IsString(retain))
            snprintf(text, sizeof text, "%s", retain->valuestring);
        if (mock_retention_parse(text, &c->retain) != 0) {
            snprintf(err, errlen, "config: \"retain\" must be a duration such as \"1h\", "
                                  "\"30m\" or \"7d\", or \"never\"");
            goto fail;
        }
        c->has_retain = 1;
    }
    const cJSON *journal_size = cJSON_GetObjectItemCaseSensitive(root, "journal_size");
    if (journal_size) {
        double v = cJSON_IsNumber(journal_size) ? journal_size->valuedouble : 0;
        if (v < MOCK_JOURNAL_SIZE_MIN || v > MOCK_JOURNAL_SIZE_MAX || v != (double)(size_t)v) {
            snprintf(err, errlen, "config: \"journal_size\" must be a whole number from %d to %d",
                     MOCK_JOURNAL_SIZE_MIN, MOCK_JOURNAL_SIZE_MAX);
            goto fail;
        }
        c->journal_size = (size_t)v;
    }
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
    if (rules && (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) > MOCK_RULES_MAX)) {
        snprintf(err, errlen, "config: \"rules\" must be an array of at most %d rules",
                 MOCK_RULES_MAX);
        goto fail;
    }
    c->n_rules = rules ? (size_t)cJSON_GetArraySize(rules) : 0;
    if (c->n_rules && !(c->rules = calloc(c->n_rules, sizeof *c->rules))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    i = 0;
    cJSON_ArrayForEach(item, rules) {
        char why[240];
        if (mock_rule_from_json(item, &c->rules[i], why, sizeof why) != 0) {
            snprintf(err, errlen, "config: rules[%zu]: %s", i, why);
            goto fail;
        }
        snprintf(c->rules[i].source, sizeof c->rules[i].source, "config");
        i++;
    }
    cJSON_Delete(root);
    return c;
fail:
    cJSON_Delete(root);
    mock_config_free(c);
    return NULL;
}

mock_config *mock_config_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open config %s", path);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= (16u << 20)) {
            free(buf);
            buf = NULL;
            fclose(f);
            snprintf(err, errlen, "config %s is larger than 16 MiB", path);
            return NULL;
        }
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int read_error = ferror(f);
    fclose(f);
    if (!buf || read_error) {
        free(buf);
        snprintf(err, errlen, "cannot read config %s", path);
        return NULL;
    }
    char inner[200];
    mock_config *c = mock_config_parse(buf, len, inner, sizeof inner);
    free(buf);
    if (!c)
        snprintf(err, errlen, "config %s: %s", path, inner);
    return c;
}

const mock_agent *mock_config_agent(const mock_config *config, const char *agent_id)
{
    if (!agent_id)
        return NULL;
    for (size_t i = 0; i < config->n_agents; i++)
        if (strcmp(config->agents[i].agent_id, agent_id) == 0)
            return &config->agents[i];
    return NULL;
}

const mock_config_merchant *mock_config_find_merchant(const mock_config *config, const char *mch_id)
{
    if (!mch_id)
        return NULL;
    for (size_t i = 0; i < config->n_merchants; i++)
        if (strcmp(config->merchants[i].mch_id, mch_id) == 0)
            return &config->merchants[i];
    return NULL;
}

int mock_config_dialect(const char *name, int *live)
{
    if (!name || strcmp(name, "seed") == 0)
        *live = 0;
    else if (strcmp(name, "live") == 0)
        *live = 1;
    else
        return -1;
    return 0;
}

int mock_version_compare(const char *a, const char *b)
{
    while (*a || *b) {
        unsigned long long x = 0, y = 0;
        while (isdigit((unsigned char)*a) && x < 1000000000ULL)
            x = x * 10 + (unsigned)(*a++ - '0');
        while (isdigit((unsigned char)*b) && y < 1000000000ULL)
            y = y * 10 + (unsigned)(*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        /* skip to the next dotted part */
        while (*a && *a != '.')
            a++;
        while (*b && *b != '.')
            b++;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
    }
    return 0;
}
