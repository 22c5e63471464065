/*
 * client.c - the upay_client handle: creation, configuration setters (which
 * copy their strings), library-wide init, and the small classification
 * helpers of upay/client.h. The exchange itself is in transport.c, the
 * calls in calls.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>

#include "client_internal.h"

upay_code upay_global_init(void)
{
    return upay__global_init_once();
}

int upay_code_is_uncertain(upay_code code)
{
    switch (code) {
    case UPAY_E_NO_ANSWER:
    case UPAY_E_HTTP_STATUS:
    case UPAY_E_BAD_RESPONSE:
    case UPAY_E_RESPONSE_SIGN:
    case UPAY_E_FLOW_DEADLINE:
    case UPAY_E_UNVERIFIED_FAIL:
        return 1;
    default:
        return 0;
    }
}

const char *upay_outcome_name(upay_outcome outcome)
{
    switch (outcome) {
    case UPAY_OUTCOME_NONE: return "NONE";
    case UPAY_OUTCOME_SUCCESS: return "SUCCESS";
    case UPAY_OUTCOME_NEED_QUERY: return "NEED_QUERY";
    case UPAY_OUTCOME_FAIL: return "FAIL";
    case UPAY_OUTCOME_PROCESSING: return "PROCESSING";
    case UPAY_OUTCOME_REFUND: return "REFUND";
    case UPAY_OUTCOME_OTHER: return "OTHER";
    }
    return "?";
}

upay_client *upay_client_new(void)
{
    if (upay__global_init_once() != UPAY_OK)
        return NULL;
    upay_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->sign_type = UPAY_SIGN_MD5;
    c->pid = strdup(UPAY_DEFAULT_PID);
    c->version = strdup(UPAY_DEFAULT_VERSION);
    if (!c->pid || !c->version) {
        free(c->pid);
        free(c->version);
        free(c);
        return NULL;
    }
    c->connect_ms = UPAY_DEFAULT_CONNECT_TIMEOUT_MS;
    c->total_ms = UPAY_DEFAULT_TOTAL_TIMEOUT_MS;
    return c;
}

/* Overwrite a secret before freeing it, so it does not linger in the heap. */
static void free_secret(char *s)
{
    if (s) {
        volatile char *v = s;
        while (*v)
            *v++ = 0;
        free(s);
    }
}

void upay_client_free(upay_client *c)
{
    if (!c)
        return;
    upay__transport_free(c);
    free(c->url);
    free(c->url_root);
    free(c->agent_id);
    free_secret(c->key);
    free(c->pid);
    free(c->version);
    free(c->ca_file);
    free(c->cert_file);
    free(c->key_file);
    free(c);
}

/*
 * Replace `*slot` with a copy of `value`; NULL or "" clears it when
 * `allow_empty`, and is refused otherwise.
 */
static upay_code set_string(char **slot, const char *value, int allow_empty)
{
    if (!value || !*value) {
        if (!allow_empty)
            return UPAY_E_INVALID_ARG;
        free(*slot);
        *slot = NULL;
        return UPAY_OK;
    }
    char *copy = strdup(value);
    if (!copy)
        return UPAY_E_NOMEM;
    free(*slot);
    *slot = copy;
    return UPAY_OK;
}

static int has_prefix_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char a = *s, b = *prefix;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* The endpoint under `root`: v1 for the agent key, v2 for a merchant key. */
static char *endpoint_url(const char *root, int merchant_key)
{
    if (!root)
        return NULL;
    const char *path = merchant_key ? UPAY_V2_PATH : UPAY_V1_PATH;
    size_t n = strlen(root), m = strlen(path);
    char *url = malloc(n + m + 1);
    if (url) {
        memcpy(url, root, n);
        memcpy(url + n, path, m + 1);
    }
    return url;
}

upay_code upay_client_set_url(upay_client *c, const char *url)
{
    if (!c || !url || !*url)
        return UPAY_E_INVALID_ARG;
    size_t skip;
    if (has_prefix_nocase(url, "http://"))
        skip = 7;
    else if (has_prefix_nocase(url, "https://"))
        skip = 8;
    else
        return UPAY_E_INVALID_ARG;
    const char *authority = url + skip;
    if (!*authority || *authority == '/')
        return UPAY_E_INVALID_ARG;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return UPAY_E_INVALID_ARG;
    const char *path = strchr(authority, '/');
    size_t base_len = path ? (size_t)(path - url) : strlen(url);
    int bare = !path || strcmp(path, "/") == 0;
    if (!path && strpbrk(authority, "?#"))
        return UPAY_E_INVALID_ARG;
    char *root = bare ? strndup(url, base_len) : NULL;
    char *copy = bare ? endpoint_url(root, c->merchant_key) : strdup(url);
    if (!copy || (bare && !root)) {
        free(root);
        free(copy);
        return UPAY_E_NOMEM;
    }
    free(c->url);
    free(c->url_root);
    c->url = copy;
    c->url_root = root;
    return UPAY_OK;
}

upay_code upay_client_set_agent(upay_client *c, const char *agent_id)
{
    return c ? set_string(&c->agent_id, agent_id, 0) : UPAY_E_INVALID_ARG;
}

/* Take `key` as the agent's (v1) or the merchant's (v2) key; a bare URL follows. */
static upay_code set_key_kind(upay_client *c, const char *key, int merchant_key)
{
    if (!c || !key || !*key)
        return UPAY_E_INVALID_ARG;
    char *copy = strdup(key);
    char *url = c->url_root ? endpoint_url(c->url_root, merchant_key) : NULL;
    if (!copy || (c->url_root && !url)) {
        free_secret(copy);
        free(url);
        return UPAY_E_NOMEM;
    }
    free_secret(c->key);
    c->key = copy;
    c->merchant_key = merchant_key;
    if (url) {
        free(c->url);
        c->url = url;
    }
    return UPAY_OK;
}

upay_code upay_client_set_key(upay_client *c, const char *key)
{
    return set_key_kind(c, key, 0);
}

upay_code upay_client_set_merchant_key(upay_client *c, const char *key)
{
    return set_key_kind(c, key, 1);
}

upay_code upay_client_set_sign_type(upay_client *c, upay_sign_type type)
{
    if (!c || (type != UPAY_SIGN_MD5 && type != UPAY_SIGN_HMAC_SHA256))
        return UPAY_E_INVALID_ARG;
    c->sign_type = type;
    return UPAY_OK;
}

/* pid and version are always sent: NULL or "" restores the default. */
upay_code upay_client_set_pid(upay_client *c, const char *pid)
{
    if (!c)
        return UPAY_E_INVALID_ARG;
    return set_string(&c->pid, pid && *pid ? pid : UPAY_DEFAULT_PID, 0);
}

upay_code upay_client_set_version(upay_client *c, const char *version)
{
    if (!c)
        return UPAY_E_INVALID_ARG;
    return set_string(&c->version, version && *version ? version : UPAY_DEFAULT_VERSION, 0);
}

upay_code upay_client_set_timeouts(upay_client *c, long connect_ms, long total_ms)
{
    if (!c || connect_ms < 0 || total_ms < 0)
        return UPAY_E_INVALID_ARG;
    c->connect_ms = connect_ms ? connect_ms : UPAY_DEFAULT_CONNECT_TIMEOUT_MS;
    c->total_ms = total_ms ? total_ms : UPAY_DEFAULT_TOTAL_TIMEOUT_MS;
    return UPAY_OK;
}

upay_code upay_client_set_tls(upay_client *c, const char *ca_file, const char *cert_file,
                              const char *key_file)
{
    if (!c)
        return UPAY_E_INVALID_ARG;
    int has_cert = cert_file && *cert_file, has_key = key_file && *key_file;
    if (has_cert != has_key)
        return UPAY_E_INVALID_ARG;
    char *ca = NULL, *cert = NULL, *key = NULL;
    if (set_string(&ca, ca_file, 1) != UPAY_OK || set_string(&cert, cert_file, 1) != UPAY_OK
        || set_string(&key, key_file, 1) != UPAY_OK) {
        free(ca);
        free(cert);
        free(key);
        return UPAY_E_NOMEM;
    }
    free(c->ca_file);
    free(c->cert_file);
    free(c->key_file);
    c->ca_file = ca;
    c->cert_file = cert;
    c->key_file = key;
    return UPAY_OK;
}

upay_code upay_client_set_insecure(upay_client *c, int insecure)
{
    if (!c)
        return UPAY_E_INVALID_ARG;
    c->insecure = insecure != 0;
    return UPAY_OK;
}

upay_code upay_client_set_log(upay_client *c, upay_log_fn fn, void *userdata)
{
    if (!c)
        return UPAY_E_INVALID_ARG;
    c->log_fn = fn;
    c->log_userdata = fn ? userdata : NULL;
    return UPAY_OK;
}

upay_code upay_new_out_trade_no(char out[33])
{
    if (!out)
        return UPAY_E_INVALID_ARG;
    unsigned char rnd[12];
    if (RAND_bytes(rnd, (int)sizeof rnd) != 1) {
        /* No CSPRNG: uniqueness, not secrecy, is what matters here. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        unsigned long long x = (unsigned long long)ts.tv_nsec * 2654435761u
                               ^ (unsigned long long)ts.tv_sec ^ (uintptr_t)out;
        for (size_t i = 0; i < sizeof rnd; i++, x = x * 6364136223846793005ULL + 1)
            rnd[i] = (unsigned char)(x >> 56);
    }
    char stamp[15];
    if (upay_time_format(time(NULL), stamp) != UPAY_OK)
        memcpy(stamp, "00000000000000", 15);
    memcpy(out, "UP", 2);
    memcpy(out + 2, stamp, 14);
    for (size_t i = 0; i < sizeof rnd; i++)
        out[16 + i] = (char)('0' + rnd[i] % 10);
    out[28] = '\0';
    return UPAY_OK;
}
