/*
 * server/http/listen_tune.h - socket options CivetWeb 1.15 does not offer.
 *
 * CivetWeb gives every accepted connection a worker thread until its
 * request arrives or request_timeout_ms passes, so thousands of clients
 * that connect and send nothing would queue honest ones behind them for
 * minutes. With TCP_DEFER_ACCEPT the kernel hands a connection to accept()
 * only once its first bytes have arrived: idle connections never take a
 * worker.
 */
#ifndef UPAY_MOCK_LISTEN_TUNE_H
#define UPAY_MOCK_LISTEN_TUNE_H

/* Workers: connections served at once (~5 KB each at rest). */
#define MOCK_WORKERS 384
/* A request must arrive within this time, or its worker is freed. */
#define MOCK_REQUEST_TIMEOUT_MS 2000

/* How long the kernel holds a silent connection before accepting it anyway. */
#define MOCK_DEFER_ACCEPT_SECONDS 10

/*
 * Set TCP_DEFER_ACCEPT (`seconds`) on every listening TCP socket of this
 * process bound to `port` (CivetWeb does not expose its sockets, so they are
 * found through /proc/self/fd). Returns how many sockets were changed (0
 * when none was found: the mock still works, only without the protection).
 */
int mock_listen_defer_accept(int port, int seconds);

#endif /* UPAY_MOCK_LISTEN_TUNE_H */
