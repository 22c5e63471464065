/*
 * server/core/heap.h - memory settings of the upay-mock process: called once
 * by its main() before anything allocates; not by programs that embed the
 * mock (upay-suite, the tests), whose heap is theirs to tune.
 */
#ifndef UPAY_MOCK_HEAP_H
#define UPAY_MOCK_HEAP_H

/*
 * The smallest block size glibc's per-thread cache (tcache) never keeps: it
 * keeps freed chunks of requests up to 1032 bytes, 7 of each size, per
 * thread, for the thread's life. A long-lived buffer or a body whose size
 * varies is given at least this much (the journal's slots, the gateway's
 * bodies, cJSON's strings), so that a freed one goes back to the shared
 * arena for any thread to reuse (docs/performance.md, "A long-lived mock").
 */
#define MOCK_HEAP_UNCACHED_MIN 1040

/* Route cJSON's allocations so that none lands in glibc's per-thread caches (heap.c). */
void mock_heap_tune(void);

#endif /* UPAY_MOCK_HEAP_H */
