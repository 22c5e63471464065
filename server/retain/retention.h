/*
 * server/retain/retention.h - forgetting what nobody uses any more, so a mock
 * that runs for weeks stays small (docs/mock.md "Retention").
 *
 * A merchant with no exchange for the retention period, on the mock's
 * global clock (real time plus global moves; a merchant's own clock never
 * counts), is forgotten: its orders and refunds, then the merchant itself
 * with its linter memory and its rules. A merchant from the config file is
 * never forgotten, only its orders. An order none of whose refunds is
 * PROCESSING or NOTSURE is the only kind that goes: money still moving
 * stays until a refundquery settles it (the next sweep takes it then).
 *
 * When a merchant was last seen comes from the linter, which observes every
 * exchange (mock_lint_sequence/mock_lint_seen: a count of exchanges, not a
 * time). Each sweep, and each move of the global clock, notes a checkpoint
 * (global time, that count) first; a merchant is idle when its latest
 * exchange came no later than the newest checkpoint at least the period
 * old. That errs on the side of keeping. A merchant the linter does not
 * know (restored from --state, or pushed out by the linter's cap) counts as
 * seen when the mock started.
 *
 * A sweep works in small turns of ctx->lock (a page of merchants, or a
 * batch of orders, each in its own transaction) and lets a waiting gateway
 * call in between turns. It runs every MOCK_RETAIN_INTERVAL real seconds in
 * a thread of its own, and right after each move of the global clock. The
 * same thread, with or without a period, gives malloc's free pages back to
 * the system after each of its turns (malloc_trim).
 * What it forgets is counted (mock_retention_counts) and journaled (one
 * entry per sweep that forgot something, call "retention").
 */
#ifndef UPAY_MOCK_RETENTION_H
#define UPAY_MOCK_RETENTION_H

#include <stddef.h>

#define MOCK_RETAIN_DEFAULT (24LL * 3600)  /* in memory without --retain */
#define MOCK_RETAIN_INTERVAL 60            /* real seconds between background sweeps */
#define MOCK_RETAIN_PAGE 64                /* merchants looked at per turn of the lock */
#define MOCK_RETAIN_BATCH 64               /* orders forgotten per turn of the lock */

struct mock_ctx;
typedef struct mock_retention mock_retention;

/* What retention forgot since start (or the last full reset). */
typedef struct mock_retention_counts {
    long long period;              /* seconds; 0: retention is off */
    unsigned long long sweeps;     /* sweeps run (including those that found nothing) */
    unsigned long long merchants;  /* merchants forgotten */
    unsigned long long orders;     /* orders forgotten */
    unsigned long long refunds;    /* refunds forgotten with them */
} mock_retention_counts;

/*
 * Retention of `period` seconds (0: never forget) for a mock whose global
 * clock reads `global_now` at start. NULL when memory runs out.
 */
mock_retention *mock_retention_new(long long period, long long global_now);

/*
 * Sweep `ctx` every MOCK_RETAIN_INTERVAL seconds in a thread of its own
 * until mock_retention_free(); with a period of 0 the thread only gives
 * malloc's free pages back. Returns 0, or -1 when the thread cannot start.
 */
int mock_retention_start(mock_retention *r, struct mock_ctx *ctx);

/* Stop the thread (waiting for a sweep under way) and free. NULL is a no-op. */
void mock_retention_free(mock_retention *r);

/*
 * Note that every exchange the linter counted up to `seq` happened at or
 * before `global_now`. The admin API calls it, under ctx->lock, just
 * before it moves the global clock.
 */
void mock_retention_mark(mock_retention *r, long long global_now, unsigned long long seq);

/*
 * Forget what has been idle for the period, in turns of ctx->lock (the
 * caller must not hold it). Returns 0, or -1 when the store failed (what
 * was forgotten before stays forgotten; the next sweep goes on).
 */
int mock_retention_sweep(mock_retention *r, struct mock_ctx *ctx);

/* The counts so far into `*out`. */
void mock_retention_counts_get(mock_retention *r, mock_retention_counts *out);

/*
 * A full reset: zero the counts and start the checkpoints again from
 * (`global_now`, `seq`) (the reset moved the global clock back to real
 * time). The admin API calls it under ctx->lock.
 */
void mock_retention_reset(mock_retention *r, long long global_now, unsigned long long seq);

/*
 * Parse a duration: a whole number with an optional unit s, m, h or d
 * ("90", "30m", "1h", "7d"), or "never" / "0" for no retention. Returns 0
 * with the seconds in `*seconds`, or -1 (untouched) when it is not one or
 * longer than 100 years.
 */
int mock_retention_parse(const char *text, long long *seconds);

#endif /* UPAY_MOCK_RETENTION_H */
