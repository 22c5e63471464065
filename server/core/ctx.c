/*
 * server/core/ctx.c - build and free the shared state of one mock (see ctx.h).
 */
#include "core/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mock_store_rc mock_ctx_enter_merchants(mock_ctx *ctx)
{
    for (size_t i = 0; i < ctx->config->n_merchants; i++) {
        const mock_config_merchant *cm = &ctx->config->merchants[i];
        mock_merchant m;
        mock_store_rc rc = mock_store_merchant_get(ctx->store, cm->mch_id, &m);
        if (rc == MOCK_STORE_ERROR)
            return rc;
        if (rc == MOCK_STORE_NOT_FOUND) {
            memset(&m, 0, sizeof m);
            snprintf(m.mch_id, sizeof m.mch_id, "%s", cm->mch_id);
        }
        /* The config decides the agent of a configured merchant. */
        snprintf(m.agent_id, sizeof m.agent_id, "%s", cm->agent_id);
        m.configured = 1;
        rc = mock_store_merchant_put(ctx->store, &m);
        if (rc != MOCK_STORE_OK)
            return rc;
    }
    return MOCK_STORE_OK;
}

static int restore(mock_ctx *ctx, int has_seed, char *err, size_t errlen)
{
    mock_store_rc rc = mock_store_begin(ctx->store);
    long long offset = 0, orders = 0, refunds = 0;
    unsigned long long last_sequence = 0;
    if (rc == MOCK_STORE_OK) {
        rc = mock_store_meta_get(ctx->store, MOCK_META_GLOBAL_OFFSET, &offset);
        if (rc == MOCK_STORE_NOT_FOUND)
            rc = MOCK_STORE_OK;
    }
    if (rc == MOCK_STORE_OK)
        rc = mock_ctx_enter_merchants(ctx);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_count(ctx->store, &orders, &refunds);
    if (rc == MOCK_STORE_OK && (orders || refunds))
        rc = mock_store_max_id_sequence(ctx->store, &last_sequence);
    if (rc == MOCK_STORE_OK)
        rc = mock_store_commit(ctx->store);
    if (rc != MOCK_STORE_OK) {
        snprintf(err, errlen, "cannot read the state: %s", mock_store_errmsg(ctx->store));
        mock_store_rollback(ctx->store);
        return -1;
    }
    mock_clock_set_global_offset(ctx->clock, offset);
    if (orders || refunds)
        mock_ids_continue_after(ctx->ids, last_sequence);
    /* A seeded run over an existing state must not hand out the same ids again. */
    if (has_seed && (orders || refunds))
        mock_ids_mix(ctx->ids, ((unsigned long long)orders << 32) ^ (unsigned long long)refunds);
    return 0;
}

int mock_ctx_enter_rules(mock_ctx *ctx)
{
    for (size_t i = 0; i < ctx->config->n_rules; i++)
        if (mock_rules_add(ctx->rules, &ctx->config->rules[i], NULL) != 0)
            return -1;
    return 0;
}

/*
 * ctx->lock, taken by every gateway call for its transaction (a pay holds
 * it about 4 us). Under load on two cores a call that finds it taken slept
 * in the kernel and was woken by the holder's unlock: 0.3 futex sleeps and
 * as many wakes per pay, 82 % of them on this lock (perf, syscalls:
 * sys_enter_futex). glibc's adaptive mutex spins a short while first, which
 * outlasts most of those holds. Elsewhere: a plain mutex.
 */
static int init_gateway_lock(pthread_mutex_t *lock)
{
#ifdef __GLIBC__
    pthread_mutexattr_t attr;
    if (pthread_mutexattr_init(&attr) != 0)
        return -1;
    int rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP) == 0
             ? pthread_mutex_init(lock, &attr) : -1;
    pthread_mutexattr_destroy(&attr);
    return rc == 0 ? 0 : -1;
#else
    return pthread_mutex_init(lock, NULL) == 0 ? 0 : -1;
#endif
}

mock_ctx *mock_ctx_new(const mock_options *opts, char *err, size_t errlen)
{
    static const mock_options defaults;
    if (!opts)
        opts = &defaults;
    mock_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx || init_gateway_lock(&ctx->lock) != 0) {
        free(ctx);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ctx->strict_merchants = opts->strict_merchants;
    ctx->config = opts->config_path ? mock_config_load(opts->config_path, err, errlen)
                                    : mock_config_builtin();
    if (!ctx->config) {
        if (!opts->config_path)
            snprintf(err, errlen, "out of memory");
        goto fail;
    }
    ctx->live = ctx->config->live;
    if (opts->dialect && mock_config_dialect(opts->dialect, &ctx->live) != 0) {
        snprintf(err, errlen, "--dialect wants seed or live, not \"%.40s\"", opts->dialect);
        goto fail;
    }
    if (opts->min_version) {
        if (!*opts->min_version || strlen(opts->min_version) >= sizeof ctx->config->min_version
            || !(opts->min_version[0] >= '0' && opts->min_version[0] <= '9')) {
            snprintf(err, errlen, "--min-version wants a dotted version such as 2.5, not \"%.40s\"",
                     opts->min_version);
            goto fail;
        }
        snprintf(ctx->config->min_version, sizeof ctx->config->min_version, "%s",
                 opts->min_version);
    }
    ctx->verbose = opts->verbose && !opts->quiet;
    ctx->quiet = opts->quiet;
    ctx->clock = mock_clock_new();
    if (ctx->clock && opts->frozen_clock)
        mock_clock_freeze(ctx->clock, mock_clock_real_now(ctx->clock));
    ctx->ids = mock_ids_new(opts->has_seed, opts->seed);
    /* --journal-size, else the config file's "journal_size", else the default */
    ctx->journal = mock_journal_new(opts->journal_size ? opts->journal_size
                                                       : ctx->config->journal_size);
    ctx->rules = mock_rules_new();
    ctx->lint = mock_lint_new();
    if (!ctx->clock || !ctx->ids || !ctx->journal || !ctx->rules || !ctx->lint
        || mock_ctx_enter_rules(ctx) != 0) {
        snprintf(err, errlen, "out of memory (or no random source)");
        goto fail;
    }
    if (mock_store_open(opts->state_path, &ctx->store, err, errlen) != MOCK_STORE_OK)
        goto fail;
    if (restore(ctx, opts->has_seed, err, errlen) != 0)
        goto fail;
    ctx->notify = mock_notify_new(ctx, opts->notify_allow, err, errlen);
    if (!ctx->notify)
        goto fail;
    /* retention: the option, else the config file's, else 24 h in memory only */
    long long retain = opts->state_path && *opts->state_path ? 0 : MOCK_RETAIN_DEFAULT;
    if (ctx->config->has_retain)
        retain = ctx->config->retain;
    if (opts->retain && mock_retention_parse(opts->retain, &retain) != 0) {
        snprintf(err, errlen, "--retain wants a duration such as 1h, 30m or 7d, or never, "
                              "not \"%.40s\"", opts->retain);
        goto fail;
    }
    ctx->retention = mock_retention_new(retain, mock_clock_merchant_now(ctx->clock, 0));
    if (!ctx->retention || mock_retention_start(ctx->retention, ctx) != 0) {
        snprintf(err, errlen, "out of memory (or no thread for retention)");
        goto fail;
    }
    return ctx;
fail:
    mock_ctx_free(ctx);
    return NULL;
}

void mock_ctx_free(mock_ctx *ctx)
{
    if (!ctx)
        return;
    mock_notify_free(ctx->notify);   /* its senders read everything below */
    mock_retention_free(ctx->retention);   /* its thread uses the rest too */
    mock_store_close(ctx->store);
    mock_clock_free(ctx->clock);
    mock_ids_free(ctx->ids);
    mock_config_free(ctx->config);
    mock_journal_free(ctx->journal);
    mock_rules_free(ctx->rules);
    mock_lint_free(ctx->lint);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}
