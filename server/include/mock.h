/*
 * server/include/mock.h - the embedding API of upay-mock: start a gateway in this
 * process, learn its port, stop it. Used by server/main.c (the upay-mock
 * program), by the end-to-end tests and by upay-suite's embedded target.
 */
#ifndef UPAY_MOCK_H
#define UPAY_MOCK_H

#include <stddef.h>

/*
 * The agents every mock without a config file accepts (docs/mock.md): two,
 * so that isolation between agents can be tried out of the box.
 */
#define MOCK_BUILTIN_AGENT_1 "13000000000000001"
#define MOCK_BUILTIN_KEY_1 "UPAYMOCK000000000000000000000001"
#define MOCK_BUILTIN_AGENT_2 "13000000000000002"
#define MOCK_BUILTIN_KEY_2 "UPAYMOCK000000000000000000000002"

typedef struct mock_options {
    const char *listen;        /* "HOST:PORT"; NULL = "127.0.0.1:8080"; port 0 picks a free port */
    const char *config_path;   /* JSON config of agents, keys, merchants; NULL = built-in agents */
    const char *state_path;    /* SQLite file kept across restarts; NULL = in memory */
    int has_seed;              /* nonzero: ids and nonces come from `seed`, reproducibly */
    unsigned long long seed;
    const char *tls_cert;      /* PEM files; both set = serve HTTPS */
    const char *tls_key;
    int strict_merchants;      /* nonzero: only configured merchants are accepted */
    const char *admin_token;   /* NULL: /mock/ answers loopback clients only */
    int quiet;                 /* nonzero: log nothing to stderr */
    int verbose;               /* nonzero: log one line per gateway answer to stderr, with
                                  its X-Upay-Detail (ignored with quiet) */
    int frozen_clock;          /* nonzero: real time stops at start; clocks move only through
                                  POST /mock/clock, so time-boundary tests are exact */
    const char *dialect;       /* "seed" (NULL: the default, the 2018 pages plus
                                  docs/protocol.md) or "live" (the vendor's v3.2.1
                                  documents); docs/mock.md "Dialects" */
    const char *min_version;   /* non-NULL: a request whose `version` is older is
                                  answered state=VER (overrides the config file's) */
    const char *proxy_url;     /* non-NULL: the recording proxy: every gateway request is
                                  forwarded to this gateway and both sides journaled */
    const char *notify_allow;  /* hosts scan-to-pay notifications may go to besides loopback:
                                  "HOST[:PORT],..." (NULL: loopback only); docs/scan-to-pay.md */
    size_t journal_size;       /* exchanges the journal keeps (GET /mock/journal); 0 = 2048.
                                  Each merchant keeps at most a quarter of them */
    const char *retain;        /* forget merchants, orders and refunds with no exchange for
                                  this long on the global clock: "1h", "30m", "7d", seconds,
                                  or "never"; NULL: the config file's "retain", else 24 h in
                                  memory and never with state_path (docs/mock.md "Retention") */
} mock_options;

typedef struct mock_server mock_server;

/*
 * Start a gateway with `opts` (NULL = all defaults). Returns a running
 * server, or NULL with a sentence in `errbuf` (may be NULL) when the
 * options, config, state file or listener are unusable.
 */
mock_server *mock_server_start(const mock_options *opts, char *errbuf, size_t errlen);

/* The TCP port actually bound (useful with port 0). */
int mock_server_port(const mock_server *server);

/*
 * The base URL, e.g. "http://127.0.0.1:40123" (no trailing slash); the
 * gateway is at base + "/UnifiedPay/Gateway" (and, signed with merchant
 * keys, base + "/v2/UnifiedPay/Gateway"), the admin API under
 * base + "/mock/". Borrowed: valid until mock_server_stop().
 */
const char *mock_server_url(const mock_server *server);

/* Stop serving, flush and close the store, free everything. NULL is a no-op. */
void mock_server_stop(mock_server *server);

#endif /* UPAY_MOCK_H */
