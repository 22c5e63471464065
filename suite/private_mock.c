/*
 * suite/private_mock.c - a dedicated embedded upay-mock per scenario (see
 * private_mock.h): options from the scenario's "mock" object, temporary
 * config and state files, restart on the same state file.
 */
#include "private_mock.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef UPAY_SUITE_HAVE_MOCK
#include "mock.h"
#endif

#define GET(obj, key) cJSON_GetObjectItemCaseSensitive((obj), (key))
#define GATEWAY_PATH "/UnifiedPay/Gateway"

struct suite_private {
    suite_target target;
    char dir[256];            /* the temporary directory; "" when none */
    char *config_path;        /* dir/config.json, or NULL (built-in agents) */
    char *state_path;         /* dir/state.db, or NULL (in memory) */
    int strict;
    unsigned long long seed;
    char *agent[2];
    char *key[2];
};

static const char *const spec_keys[] = {"strict_merchants", "min_version", "config",
                                        "state_file", NULL};

/* Every string inside `node` is a valid template. */
static int check_templates(const cJSON *node, suite_buf *err)
{
    if (cJSON_IsString(node))
        return suite_template_check(node->valuestring, err);
    for (const cJSON *c = node ? node->child : NULL; c; c = c->next)
        if (check_templates(c, err) != 0)
            return -1;
    return 0;
}

int suite_private_validate(const cJSON *spec, suite_buf *err)
{
    if (!cJSON_IsObject(spec)) {
        suite_buf_puts(err, "\"mock\" must be an object (strict_merchants, min_version, "
                            "config, state_file)");
        return -1;
    }
    for (const cJSON *k = spec->child; k; k = k->next) {
        int ok = 0;
        for (size_t i = 0; spec_keys[i] && !ok; i++)
            ok = strcmp(spec_keys[i], k->string) == 0;
        if (!ok) {
            suite_buf_printf(err, "\"mock\": unknown key \"%s\" (strict_merchants, min_version, "
                                  "config, state_file)", k->string);
            return -1;
        }
    }
    const cJSON *strict = GET(spec, "strict_merchants"), *state = GET(spec, "state_file");
    if ((strict && !cJSON_IsBool(strict)) || (state && !cJSON_IsBool(state))) {
        suite_buf_puts(err, "\"mock\": strict_merchants and state_file must be true or false");
        return -1;
    }
    const cJSON *minv = GET(spec, "min_version");
    if (minv && (!cJSON_IsString(minv) || !*minv->valuestring || strlen(minv->valuestring) > 32)) {
        suite_buf_puts(err, "\"mock\": min_version must be a version string (\"2.0\")");
        return -1;
    }
    const cJSON *config = GET(spec, "config");
    if (config) {
        const cJSON *agents = GET(config, "agents");
        if (!cJSON_IsObject(config) || !cJSON_IsArray(agents) || !cJSON_GetArraySize(agents)) {
            suite_buf_puts(err, "\"mock\": config must be an object with a non-empty "
                                "\"agents\" array (docs/mock.md)");
            return -1;
        }
        for (const cJSON *a = agents->child; a; a = a->next)
            if (!cJSON_IsString(GET(a, "agent_id")) || !cJSON_IsString(GET(a, "key"))) {
                suite_buf_puts(err, "\"mock\": every config agent needs agent_id and key strings");
                return -1;
            }
        if (check_templates(config, err) != 0)
            return -1;
    }
    return 0;
}

int suite_private_has_state(const cJSON *spec)
{
    return cJSON_IsTrue(GET(spec, "state_file"));
}

suite_target *suite_private_target(suite_private *p)
{
    return &p->target;
}

const char *suite_private_agent(const suite_private *p, int which)
{
    return p->agent[which ? 1 : 0];
}

const char *suite_private_key(const suite_private *p, int which)
{
    return p->key[which ? 1 : 0];
}

#ifdef UPAY_SUITE_HAVE_MOCK

/* Expand every string inside `node` in place. */
static int expand_all(cJSON *node, suite_tpl_env *env, suite_buf *err)
{
    if (cJSON_IsString(node)) {
        char *v = NULL;
        if (suite_expand(env, node->valuestring, &v, err) != SUITE_TPL_OK) {
            free(v);
            if (!err->len)
                suite_buf_puts(err, "\"mock\": a template of the config cannot be expanded");
            return -1;
        }
        char *done = cJSON_SetValuestring(node, v);
        free(v);
        if (!done) {
            suite_buf_puts(err, "out of memory");
            return -1;
        }
        return 0;
    }
    for (cJSON *c = node ? node->child : NULL; c; c = c->next)
        if (expand_all(c, env, err) != 0)
            return -1;
    return 0;
}

static cJSON *builtin_agent(const char *id, const char *key)
{
    cJSON *a = cJSON_CreateObject();
    if (a && (!cJSON_AddStringToObject(a, "agent_id", id) || !cJSON_AddStringToObject(a, "key", key))) {
        cJSON_Delete(a);
        a = NULL;
    }
    return a;
}

/* The config to write: the scenario's (expanded), with min_version set; NULL with no config. */
static int build_config(const cJSON *spec, suite_tpl_env *env, cJSON **out, suite_buf *err)
{
    *out = NULL;
    const cJSON *given = GET(spec, "config");
    const cJSON *minv = GET(spec, "min_version");
    if (!given && !minv)
        return 0;
    cJSON *doc = given ? cJSON_Duplicate(given, 1) : cJSON_CreateObject();
    if (!doc)
        goto oom;
    if (given && expand_all(doc, env, err) != 0) {
        cJSON_Delete(doc);
        return -1;
    }
    if (!given) {
        cJSON *agents = cJSON_AddArrayToObject(doc, "agents");
        cJSON *a1 = builtin_agent(MOCK_BUILTIN_AGENT_1, MOCK_BUILTIN_KEY_1);
        cJSON *a2 = builtin_agent(MOCK_BUILTIN_AGENT_2, MOCK_BUILTIN_KEY_2);
        if (!agents || !a1 || !a2 || !cJSON_AddItemToArray(agents, a1)) {
            cJSON_Delete(a1);
            cJSON_Delete(a2);
            cJSON_Delete(doc);
            goto oom;
        }
        if (!cJSON_AddItemToArray(agents, a2)) {
            cJSON_Delete(a2);
            cJSON_Delete(doc);
            goto oom;
        }
    }
    if (minv) {
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "min_version");
        if (!cJSON_AddStringToObject(doc, "min_version", minv->valuestring)) {
            cJSON_Delete(doc);
            goto oom;
        }
    }
    *out = doc;
    return 0;
oom:
    suite_buf_puts(err, "out of memory");
    return -1;
}

static int write_file(const char *path, const char *text, suite_buf *err)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        suite_buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    return 0;
}

/* Remove the temporary directory and whatever the mock left in it (journal files). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *path = suite_strfmt("%s/%s", dir, e->d_name);
            if (path)
                unlink(path);
            free(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Start the server with p's options and point p->target at it. */
static int start_server(suite_private *p, suite_buf *err)
{
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.listen = "127.0.0.1:0";
    opts.quiet = 1;
    opts.has_seed = 1;
    opts.seed = p->seed;
    opts.frozen_clock = 1;   /* scenario time moves only by clock steps: boundaries are exact */
    opts.config_path = p->config_path;
    opts.state_path = p->state_path;
    opts.strict_merchants = p->strict;
    opts.dialect = p->target.dialect;
    char msg[256] = "";
    mock_server *srv = mock_server_start(&opts, msg, sizeof msg);
    if (!srv) {
        suite_buf_printf(err, "cannot start the scenario's private upay-mock: %s", msg);
        return -1;
    }
    p->target.server = srv;
    p->target.embedded = 1;
    p->target.has_mock = 1;
    p->target.is_upay_mock = 1;
    p->target.base_url = suite_strdup(mock_server_url(srv));
    p->target.gateway_url = suite_strfmt("%s" GATEWAY_PATH, mock_server_url(srv));
    if (!p->target.base_url || !p->target.gateway_url) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    return 0;
}

/* The agents the scenario calls as: the config's first two, else the built-in ones. */
static int pick_agents(suite_private *p, const cJSON *config)
{
    const char *ids[2] = {MOCK_BUILTIN_AGENT_1, MOCK_BUILTIN_AGENT_2};
    const char *keys[2] = {MOCK_BUILTIN_KEY_1, MOCK_BUILTIN_KEY_2};
    const cJSON *agents = GET(config, "agents");
    int i = 0;
    for (const cJSON *a = agents ? agents->child : NULL; a && i < 2; a = a->next, i++) {
        ids[i] = GET(a, "agent_id")->valuestring;
        keys[i] = GET(a, "key")->valuestring;
    }
    for (i = 0; i < 2; i++) {
        p->agent[i] = suite_strdup(ids[i]);
        p->key[i] = suite_strdup(keys[i]);
        if (!p->agent[i] || !p->key[i])
            return -1;
    }
    return 0;
}

suite_private *suite_private_start(const cJSON *spec, suite_tpl_env *env, const char *dialect,
                                   unsigned long long seed, suite_buf *err)
{
    suite_private *p = calloc(1, sizeof *p);
    cJSON *config = NULL;
    char *text = NULL;
    if (!p) {
        suite_buf_puts(err, "out of memory");
        return NULL;
    }
    p->strict = cJSON_IsTrue(GET(spec, "strict_merchants"));
    p->seed = seed;
    snprintf(p->target.dialect, sizeof p->target.dialect, "%s", dialect ? dialect : "seed");
    if (build_config(spec, env, &config, err) != 0)
        goto fail;
    if (pick_agents(p, config) != 0) {
        suite_buf_puts(err, "out of memory");
        goto fail;
    }
    if (config || suite_private_has_state(spec)) {
        const char *tmp = getenv("TMPDIR");
        snprintf(p->dir, sizeof p->dir, "%s/upay-suite-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(p->dir)) {
            suite_buf_printf(err, "cannot make a temporary directory %s: %s", p->dir,
                             strerror(errno));
            p->dir[0] = '\0';
            goto fail;
        }
    }
    if (config) {
        text = cJSON_Print(config);
        p->config_path = suite_strfmt("%s/config.json", p->dir);
        if (!text || !p->config_path) {
            suite_buf_puts(err, "out of memory");
            goto fail;
        }
        if (write_file(p->config_path, text, err) != 0)
            goto fail;
    }
    if (suite_private_has_state(spec) && !(p->state_path = suite_strfmt("%s/state.db", p->dir))) {
        suite_buf_puts(err, "out of memory");
        goto fail;
    }
    if (start_server(p, err) != 0)
        goto fail;
    cJSON_Delete(config);
    cJSON_free(text);
    return p;
fail:
    cJSON_Delete(config);
    cJSON_free(text);
    suite_private_stop(p);
    return NULL;
}

int suite_private_restart(suite_private *p, suite_buf *err)
{
    char dialect[sizeof p->target.dialect];
    memcpy(dialect, p->target.dialect, sizeof dialect);
    suite_target_close(&p->target);
    memset(&p->target, 0, sizeof p->target);
    memcpy(p->target.dialect, dialect, sizeof dialect);
    return start_server(p, err);
}

void suite_private_stop(suite_private *p)
{
    if (!p)
        return;
    suite_target_close(&p->target);
    if (p->dir[0])
        remove_dir(p->dir);
    free(p->config_path);
    free(p->state_path);
    for (int i = 0; i < 2; i++) {
        free(p->agent[i]);
        free(p->key[i]);
    }
    free(p);
}

#else /* built without upay-mock */

suite_private *suite_private_start(const cJSON *spec, suite_tpl_env *env, const char *dialect,
                                   unsigned long long seed, suite_buf *err)
{
    (void)spec;
    (void)env;
    (void)dialect;
    (void)seed;
    suite_buf_puts(err, "this upay-suite was built without upay-mock: no private mock");
    return NULL;
}

int suite_private_restart(suite_private *p, suite_buf *err)
{
    (void)p;
    suite_buf_puts(err, "this upay-suite was built without upay-mock: no private mock");
    return -1;
}

void suite_private_stop(suite_private *p)
{
    (void)p;
}

#endif
