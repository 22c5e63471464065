/*
 * server/core/heap.c - how upay-mock keeps glibc's malloc small over weeks
 * (heap.h; docs/performance.md, "A long-lived mock").
 */
#include "core/heap.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

/*
 * The admin API's JSON (a parsed body, a printed answer) comes in every
 * size: each of the 384 workers ended up keeping some of each in its
 * per-thread cache (heap.h), about 10 MiB over a few thousand CI runs. A
 * JSON string or buffer of 129 bytes up to MOCK_HEAP_UNCACHED_MIN is given
 * MOCK_HEAP_UNCACHED_MIN bytes instead. Tree nodes (64 bytes) and short
 * strings keep their size.
 */
#define SMALL_MAX 128

static void *json_malloc(size_t n)
{
    return malloc(n > SMALL_MAX && n < MOCK_HEAP_UNCACHED_MIN ? MOCK_HEAP_UNCACHED_MIN : n);
}

void mock_heap_tune(void)
{
    cJSON_Hooks hooks = {json_malloc, free};
    cJSON_InitHooks(&hooks);
}
