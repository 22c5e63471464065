/*
 * server/domain/clock.h - the mock's time. Every merchant has its own clock: real
 * time plus a global offset plus the merchant's own offset. The admin API
 * moves the offsets; the cancel window, paying orders and settling refunds
 * all read the merchant's clock. Tests may freeze "real time" so that
 * results do not depend on when they run.
 *
 * Not locked: the gateway reads and moves the clock under its store lock.
 */
#ifndef UPAY_MOCK_CLOCK_H
#define UPAY_MOCK_CLOCK_H

/* Seconds an order may be cancelled after its creation (age < window). */
#define MOCK_CANCEL_WINDOW 300
/* Largest offset the admin API accepts in one move: 100 years. */
#define MOCK_CLOCK_MAX_ADVANCE (100LL * 366 * 86400)

typedef struct mock_clock mock_clock;

/* A clock following real time with no offset; NULL when memory runs out. */
mock_clock *mock_clock_new(void);

/* Free the clock. NULL is a no-op. */
void mock_clock_free(mock_clock *clock);

/*
 * Freeze real time at `epoch` seconds (tests only); a negative value
 * returns to the system clock.
 */
void mock_clock_freeze(mock_clock *clock, long long epoch);

/* Real time as the clock sees it (frozen or system), seconds since the epoch. */
long long mock_clock_real_now(const mock_clock *clock);

/* The global offset in seconds, and its setter. */
long long mock_clock_global_offset(const mock_clock *clock);
void mock_clock_set_global_offset(mock_clock *clock, long long offset);

/* A merchant's time: real time + global offset + `merchant_offset`. */
long long mock_clock_merchant_now(const mock_clock *clock, long long merchant_offset);

/*
 * Nonzero when an order created at `created_at` may still be cancelled at
 * `now` (both on the merchant's clock): its age is under MOCK_CANCEL_WINDOW.
 */
int mock_clock_cancel_window_open(long long created_at, long long now);

/*
 * Nonzero when `offset` + `delta` stays within +-MOCK_CLOCK_MAX_ADVANCE
 * (the admin API refuses moves that would overflow a time_t).
 */
int mock_clock_offset_ok(long long offset, long long delta);

#endif /* UPAY_MOCK_CLOCK_H */
