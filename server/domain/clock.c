/*
 * server/domain/clock.c - merchant clocks: real time plus a global and a per-merchant
 * offset (see clock.h).
 */
#include "domain/clock.h"

#include <stdlib.h>
#include <time.h>

struct mock_clock {
    long long frozen;         /* >= 0: real time is frozen at this value */
    long long global_offset;
};

mock_clock *mock_clock_new(void)
{
    mock_clock *clock = calloc(1, sizeof *clock);
    if (clock)
        clock->frozen = -1;
    return clock;
}

void mock_clock_free(mock_clock *clock)
{
    free(clock);
}

void mock_clock_freeze(mock_clock *clock, long long epoch)
{
    clock->frozen = epoch < 0 ? -1 : epoch;
}

long long mock_clock_real_now(const mock_clock *clock)
{
    if (clock->frozen >= 0)
        return clock->frozen;
    return (long long)time(NULL);
}

long long mock_clock_global_offset(const mock_clock *clock)
{
    return clock->global_offset;
}

void mock_clock_set_global_offset(mock_clock *clock, long long offset)
{
    clock->global_offset = offset;
}

long long mock_clock_merchant_now(const mock_clock *clock, long long merchant_offset)
{
    return mock_clock_real_now(clock) + clock->global_offset + merchant_offset;
}

int mock_clock_cancel_window_open(long long created_at, long long now)
{
    return now - created_at < MOCK_CANCEL_WINDOW;
}

int mock_clock_offset_ok(long long offset, long long delta)
{
    if (delta > MOCK_CLOCK_MAX_ADVANCE || delta < -MOCK_CLOCK_MAX_ADVANCE)
        return 0;
    long long sum = offset + delta;
    return sum <= MOCK_CLOCK_MAX_ADVANCE && sum >= -MOCK_CLOCK_MAX_ADVANCE;
}
