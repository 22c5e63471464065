/*
 * server/retain/retention.c - forgetting idle merchants, orders and refunds in
 * small turns of the gateway's lock (see retention.h).
 */
#include "retain/retention.h"

#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ctx.h"

/* (global time, linter count): every exchange counted up to `seq` happened by `time`. */
typedef struct checkpoint {
    long long time;
    unsigned long long seq;
} checkpoint;

struct mock_retention {
    long long period;
    pthread_mutex_t lock;        /* the checkpoints and the counts */
    checkpoint *marks;           /* oldest first */
    size_t nmarks, capmarks;
    mock_retention_counts counts;
    pthread_mutex_t sweeping;    /* one sweep at a time (taken before ctx->lock) */
    pthread_t thread;
    int running;                 /* the thread was started */
    int stop;                    /* asks the thread to end */
    pthread_cond_t wake;
    struct mock_ctx *ctx;
};

mock_retention *mock_retention_new(long long period, long long global_now)
{
    mock_retention *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->period = period > 0 ? period : 0;
    r->counts.period = r->period;
    r->capmarks = 16;
    r->marks = malloc(r->capmarks * sizeof *r->marks);
    if (!r->marks || pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r->marks);
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->sweeping, NULL);
    pthread_cond_init(&r->wake, NULL);
    /* a merchant the linter does not know counts as seen at start */
    r->marks[0] = (checkpoint){global_now, 0};
    r->nmarks = 1;
    return r;
}

static void *sweeper(void *arg)
{
    mock_retention *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += MOCK_RETAIN_INTERVAL;
        while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT)
            ;
        if (r->stop)
            break;
        pthread_mutex_unlock(&r->lock);
        (void)mock_retention_sweep(r, r->ctx);
#if defined(__GLIBC__)
        /*
         * Once a minute, forgetting or not (with --state and no --retain
         * nothing is forgotten): the free pages inside malloc's arenas go back
         * to the system. Outside ctx->lock; a few milliseconds.
         */
        malloc_trim(0);
#endif
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

int mock_retention_start(mock_retention *r, struct mock_ctx *ctx)
{
    if (!r || r->running)
        return 0;   /* without a period it sweeps nothing, and still gives memory back */
    r->ctx = ctx;
    if (pthread_create(&r->thread, NULL, sweeper, r) != 0)
        return -1;
    r->running = 1;
    return 0;
}

void mock_retention_free(mock_retention *r)
{
    if (!r)
        return;
    if (r->running) {
        pthread_mutex_lock(&r->lock);
        r->stop = 1;
        pthread_cond_signal(&r->wake);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->sweeping);
    pthread_mutex_destroy(&r->lock);
    free(r->marks);
    free(r);
}

void mock_retention_mark(mock_retention *r, long long global_now, unsigned long long seq)
{
    if (!r || !r->period)
        return;
    pthread_mutex_lock(&r->lock);
    checkpoint *last = &r->marks[r->nmarks - 1];
    if (seq == last->seq && global_now >= last->time) {
        /* nothing happened since: the older mark says as much, and says it sooner */
    } else if (r->nmarks < r->capmarks) {
        r->marks[r->nmarks++] = (checkpoint){global_now, seq};
    } else {
        checkpoint *bigger = realloc(r->marks, r->capmarks * 2 * sizeof *bigger);
        if (bigger) {
            r->marks = bigger;
            r->capmarks *= 2;
            r->marks[r->nmarks++] = (checkpoint){global_now, seq};
        } else {
            *last = (checkpoint){global_now, seq};   /* later time, larger count: still true */
        }
    }
    pthread_mutex_unlock(&r->lock);
}

/*
 * The linter count up to which every exchange is at least the period old at
 * `global_now`: 1 with it in `*seq`, 0 when no checkpoint is that old. Drops
 * the checkpoints older than the one used (a later sweep needs only newer ones).
 */
static int idle_mark(mock_retention *r, long long global_now, unsigned long long *seq)
{
    pthread_mutex_lock(&r->lock);
    long long cutoff = global_now - r->period;
    size_t k = r->nmarks;
    for (size_t i = 0; i < r->nmarks && r->marks[i].time <= cutoff; i++)
        k = i;
    int found = k < r->nmarks;
    if (found) {
        *seq = r->marks[k].seq;
        memmove(r->marks, r->marks + k, (r->nmarks - k) * sizeof *r->marks);
        r->nmarks -= k;
    }
    pthread_mutex_unlock(&r->lock);
    return found;
}

/* Between turns, let a gateway call that waits for the lock take it first. */
static void let_gateway_in(struct mock_ctx *ctx)
{
    unsigned long long turns = atomic_load(&ctx->gateway_turns);
    while (atomic_load(&ctx->gateway_waiting) > 0 && atomic_load(&ctx->gateway_turns) == turns)
        sched_yield();
}

static int idle(struct mock_ctx *ctx, const char *mch_id, unsigned long long idle_seq)
{
    unsigned long long seen = 0;
    return !mock_lint_seen(ctx->lint, mch_id, &seen) || seen <= idle_seq;
}

typedef struct page {
    mock_merchant items[MOCK_RETAIN_PAGE];
    size_t count;
    struct mock_ctx *ctx;
    unsigned long long idle_seq;
} page;

static void collect_idle(const mock_merchant *m, void *user)
{
    page *p = user;
    if (idle(p->ctx, m->mch_id, p->idle_seq))
        p->items[p->count++] = *m;
}

typedef struct tally {
    unsigned long long merchants, orders, refunds;
} tally;

/*
 * Forget what merchant `mch_id` holds, a batch per turn of the lock: its
 * old orders, then (not from the config, nothing left) the merchant.
 */
static mock_store_rc forget_merchant(struct mock_ctx *ctx, const char *mch_id,
                                     unsigned long long idle_seq, long long period, tally *t)
{
    for (;;) {
        pthread_mutex_lock(&ctx->lock);
        mock_merchant m;
        mock_store_rc rc = mock_store_begin(ctx->store);
        if (rc == MOCK_STORE_OK)
            rc = mock_store_merchant_get(ctx->store, mch_id, &m);
        /* seen again since the page was read (or reset meanwhile): keep it */
        if (rc != MOCK_STORE_OK || !idle(ctx, mch_id, idle_seq)) {
            mock_store_rollback(ctx->store);
            pthread_mutex_unlock(&ctx->lock);
            return rc == MOCK_STORE_ERROR ? rc : MOCK_STORE_OK;
        }
        /* its own clock, so an order it made a moment ago is never old enough */
        long long before = mock_clock_merchant_now(ctx->clock, m.clock_offset) - period;
        long long orders = 0, refunds = 0;
        int gone = 0;
        rc = mock_store_forget_orders(ctx->store, mch_id, before, MOCK_RETAIN_BATCH, &orders,
                                      &refunds);
        int more = rc == MOCK_STORE_OK && orders == MOCK_RETAIN_BATCH;
        if (rc == MOCK_STORE_OK && !more && !m.configured)
            rc = mock_store_forget_merchant(ctx->store, mch_id, &gone);
        if (rc == MOCK_STORE_OK)
            rc = mock_store_commit(ctx->store);
        else
            mock_store_rollback(ctx->store);
        if (rc == MOCK_STORE_OK) {
            t->orders += (unsigned long long)orders;
            t->refunds += (unsigned long long)refunds;
            if (gone) {
                /* what the mock remembered of it goes with it, under the same lock */
                t->merchants++;
                mock_lint_forget(ctx->lint, mch_id);
                mock_rules_clear(ctx->rules, mch_id, 1);
            }
        }
        pthread_mutex_unlock(&ctx->lock);
        if (rc != MOCK_STORE_OK || !more)
            return rc;
        let_gateway_in(ctx);
    }
}

static void journal_it(struct mock_ctx *ctx, long long period, const tally *t)
{
    mock_journal_entry info;
    memset(&info, 0, sizeof info);
    snprintf(info.call, sizeof info.call, "retention");
    snprintf(info.change, sizeof info.change,
             "forgot %llu merchants, %llu orders and %llu refunds with no exchange for %lld s",
             t->merchants, t->orders, t->refunds, period);
    pthread_mutex_lock(&ctx->lock);
    long long now = mock_clock_real_now(ctx->clock);
    pthread_mutex_unlock(&ctx->lock);
    mock_journal_record(ctx->journal, now, &info, "", 0, "", 0);
}

int mock_retention_sweep(mock_retention *r, struct mock_ctx *ctx)
{
    if (!r || !ctx || !r->period)
        return 0;
    pthread_mutex_lock(&r->sweeping);
    /* the count first, then the time: every exchange counted happened by then */
    pthread_mutex_lock(&ctx->lock);
    unsigned long long seq = mock_lint_sequence(ctx->lint);
    long long now = mock_clock_merchant_now(ctx->clock, 0);
    pthread_mutex_unlock(&ctx->lock);
    mock_retention_mark(r, now, seq);
    unsigned long long idle_seq = 0;
    mock_store_rc rc = MOCK_STORE_OK;
    tally t = {0, 0, 0};
    if (idle_mark(r, now, &idle_seq)) {
        char after[33] = "";
        page *p = malloc(sizeof *p);
        if (!p)
            rc = MOCK_STORE_ERROR;
        for (size_t seen = 1; p && rc == MOCK_STORE_OK && seen;) {
            p->count = 0;
            p->ctx = ctx;
            p->idle_seq = idle_seq;
            pthread_mutex_lock(&ctx->lock);
            rc = mock_store_merchants_after(ctx->store, after, MOCK_RETAIN_PAGE, collect_idle, p,
                                            &seen);
            pthread_mutex_unlock(&ctx->lock);
            let_gateway_in(ctx);
            for (size_t i = 0; rc == MOCK_STORE_OK && i < p->count; i++) {
                rc = forget_merchant(ctx, p->items[i].mch_id, idle_seq, r->period, &t);
                let_gateway_in(ctx);
            }
        }
        free(p);
    }
    pthread_mutex_lock(&r->lock);
    r->counts.sweeps++;
    r->counts.merchants += t.merchants;
    r->counts.orders += t.orders;
    r->counts.refunds += t.refunds;
    pthread_mutex_unlock(&r->lock);
    if (t.merchants || t.orders || t.refunds) {
        journal_it(ctx, r->period, &t);
#if defined(__GLIBC__)
        /*
         * What was forgotten is free inside malloc's arenas, spread over the
         * workers' arenas between live journal entries; give the free pages
         * back, or the resident size never shows the forgetting. Outside
         * ctx->lock, once per sweep that forgot something.
         */
        malloc_trim(0);
#endif
    }
    pthread_mutex_unlock(&r->sweeping);
    return rc == MOCK_STORE_OK ? 0 : -1;
}

void mock_retention_counts_get(mock_retention *r, mock_retention_counts *out)
{
    memset(out, 0, sizeof *out);
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    *out = r->counts;
    pthread_mutex_unlock(&r->lock);
}

void mock_retention_reset(mock_retention *r, long long global_now, unsigned long long seq)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    memset(&r->counts, 0, sizeof r->counts);
    r->counts.period = r->period;
    r->marks[0] = (checkpoint){global_now, seq};
    r->nmarks = 1;
    pthread_mutex_unlock(&r->lock);
}

int mock_retention_parse(const char *text, long long *seconds)
{
    if (!text || !*text)
        return -1;
    if (strcmp(text, "never") == 0) {
        *seconds = 0;
        return 0;
    }
    long long n = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (*p - '0');
        if (n > 100LL * 366 * 86400)
            return -1;
    }
    if (p == text)
        return -1;
    long long unit = 1;
    if (*p == 's' || *p == 'm' || *p == 'h' || *p == 'd') {
        unit = *p == 's' ? 1 : *p == 'm' ? 60 : *p == 'h' ? 3600 : 86400;
        p++;
    }
    if (*p || n > 100LL * 366 * 86400 / unit)
        return -1;
    *seconds = n * unit;
    return 0;
}
