/*
 * suite/target.h - what the scenarios run against: an embedded upay-mock
 * started in this process on a free port, or a gateway URL (a running mock
 * or the live gateway). Also the mock's admin API (health, reset, clock,
 * orders), which tells whether mock control is available at all.
 */
#ifndef SUITE_TARGET_H
#define SUITE_TARGET_H

#include "util.h"

typedef struct suite_target {
    char *gateway_url;   /* .../UnifiedPay/Gateway; owned */
    char *base_url;      /* scheme://host[:port], where /mock/ lives; owned */
    int has_mock;        /* GET /mock/health answered 200: mock control */
    int is_upay_mock;    /* ... and named upay-mock ("mock": "upay-mock"): every
                            expectation is checked, decisions included. Any other
                            target turns a decision that differs into a fidelity note */
    char dialect[8];     /* "seed" or "live": what the target speaks (--dialect, else
                            the health answer's "dialect", else seed on upay-mock and
                            live elsewhere) */
    int embedded;        /* started in this process */
    int anonymous;       /* embedded, but its admin API sits behind a token the suite
                            does not use: it looks like an unknown gateway */
    int insecure;        /* skip TLS verification (self-signed test servers) */
    void *server;        /* the embedded mock_server, or NULL */
} suite_target;

/*
 * Start an embedded upay-mock on 127.0.0.1, port 0, quiet, speaking `dialect`
 * ("seed" or "live"; NULL = seed). `anonymous`: its admin API is given a random
 * token the suite keeps to itself, so the probe finds no mock control and the
 * run treats it as a foreign gateway (the suite's own test of fidelity notes);
 * its clock then runs in real time. Returns 0, or -1 with a sentence in `err`
 * (also when the suite was built without the mock).
 */
int suite_target_start_embedded(suite_target *t, unsigned long long seed, const char *dialect,
                                int anonymous, suite_buf *err);

/*
 * Use the gateway at `url` (its /UnifiedPay/Gateway is appended when the URL
 * has no path). Does not contact it. Returns 0, or -1 with a sentence.
 */
int suite_target_open_url(suite_target *t, const char *url, suite_buf *err);

/*
 * Ask GET /mock/health; sets t->has_mock and t->is_upay_mock and, unless
 * t->dialect is already set, the dialect (the answer's "dialect", else seed on
 * upay-mock, live elsewhere). Returns t->has_mock (1 or 0).
 */
int suite_target_probe(suite_target *t);

/*
 * Ask the gateway once whether it is there and speaks UnifiedPay: an empty
 * POST to its gateway URL must get an HTTP answer whose body is a JSON
 * object with a string "code" (a refusal such as 20012 is the expected
 * answer). Returns 0, or -1 with one sentence in `err` naming the URL and
 * what came back ("cannot reach URL: ...", "URL is not a UnifiedPay
 * gateway: ..."). Leaves no order behind (the empty call names none).
 */
int suite_target_reach(const suite_target *t, suite_buf *err);

/*
 * The gateway's clock now, in seconds since the epoch: on a target with mock
 * control, merchant `mch`'s clock (GET /mock/clock?mch_id=, which moves with
 * clock steps); elsewhere this machine's real time (the gateway writes it in
 * GMT+8, Beijing time). 0, or -1 with a sentence.
 */
int suite_target_now(const suite_target *t, const char *mch, long long *out, suite_buf *err);

/*
 * Stop an embedded upay-mock (a mock_server *; NULL is a no-op) quickly:
 * connections to its port wake CivetWeb's accept loop, which otherwise
 * notices the stop only after its 2-second poll. Close the clients' kept-alive
 * connections first: an idle one holds a worker for up to 2 s as well.
 */
void suite_embedded_stop(void *server);

/* Stop an embedded mock and free the strings. Safe on a zeroed target. */
void suite_target_close(suite_target *t);

/* POST /mock/reset {"mch_id": mch}. Returns 0, or -1 with a sentence. */
int suite_mock_reset(const suite_target *t, const char *mch, suite_buf *err);

/* POST /mock/clock {"advance_seconds": s, "mch_id": mch}. 0 or -1 with a sentence. */
int suite_mock_advance(const suite_target *t, const char *mch, long long seconds, suite_buf *err);

/*
 * GET /mock/<what>?mch_id=<mch> (what: "orders", "journal", "rules", "lint"). `*body` gets the
 * answer (caller frees) and `*status` its HTTP status. 0, or -1 with a sentence.
 */
int suite_mock_get(const suite_target *t, const char *what, const char *mch, long *status,
                   char **body, suite_buf *err);

/*
 * POST /mock/<what> with the JSON text `json`. `*body` gets the answer
 * (caller frees) and `*status` its HTTP status. 0, or -1 with a sentence
 * when no answer came.
 */
int suite_mock_post(const suite_target *t, const char *what, const char *json, long *status,
                    char **body, suite_buf *err);

/*
 * DELETE /mock/<what> (e.g. "rules/7"). 0 when the mock answered 200 or 404
 * (already gone), or -1 with a sentence.
 */
int suite_mock_delete(const suite_target *t, const char *what, suite_buf *err);

#endif /* SUITE_TARGET_H */
