/*
 * server/core/heap.c - how upay-mock keeps glibc's malloc small over weeks
 * (heap.h; docs/performance.md, "A long-lived mock").
 */
#include "core/heap.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

/*
 * glibc's per-thread cache (tcache) keeps up to 7 freed chunks of each size
 * up to 1032 bytes, per thread, for the thread's life. The admin API's JSON
 * (a parsed body, a printed answer) comes in every size: each of the 384
 * workers ends up keeping some of each, about 10 MiB over a few thousand
 * CI runs. A JSON string or buffer of 129..1039 bytes is given 1040 bytes
 * instead: above the cache's sizes, freed into the shared arena, reused by
 * any thread. Tree nodes (64 bytes) and short strings keep their size.
 */
#define SMALL_MAX 128
#define UNCACHED 1040

static void *json_malloc(size_t n)
{
    return malloc(n > SMALL_MAX && n < UNCACHED ? UNCACHED : n);
}

void mock_heap_tune(void)
{
    cJSON_Hooks hooks = {json_malloc, free};
    cJSON_InitHooks(&hooks);
}
