/*
 * server/core/heap.h - memory settings of the upay-mock process: called once
 * by its main() before anything allocates; not by programs that embed the
 * mock (upay-suite, the tests), whose heap is theirs to tune.
 */
#ifndef UPAY_MOCK_HEAP_H
#define UPAY_MOCK_HEAP_H

/* Route cJSON's allocations so that none lands in glibc's per-thread caches (heap.c). */
void mock_heap_tune(void);

#endif /* UPAY_MOCK_HEAP_H */
