/*
 * server/http/worker_sched.h - how the kernel schedules the mock's workers.
 *
 * On a machine with fewer cores than busy workers (a CI runner: two), the
 * kernel lets a worker woken by a new request preempt the one running. When
 * the one running holds the gateway's lock (a pay holds it for its SQLite
 * transaction, about 3 us), every worker that wakes meanwhile sleeps on the
 * lock. SCHED_BATCH tells the kernel these threads are throughput work: a
 * woken worker waits for the running one's slice instead of preempting it.
 * Under pay load on two cores that took 17 % off the CPU per request and as
 * much onto req/s (docs/performance.md, fourth pass); the bare CivetWeb
 * server of bench/ gains as much, so it does the same.
 */
#ifndef UPAY_MOCK_WORKER_SCHED_H
#define UPAY_MOCK_WORKER_SCHED_H

/*
 * Make the calling thread SCHED_BATCH (no privilege needed on Linux).
 * Returns 0, or -1 when the system refuses (the thread keeps its policy:
 * only slower).
 */
int mock_worker_sched_batch(void);

#endif /* UPAY_MOCK_WORKER_SCHED_H */
