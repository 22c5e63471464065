/*
 * suite/runner.h - runs scenarios against a target: one scenario at a time
 * per worker thread, each worker with its own libupay client handle, each
 * scenario in its own merchant with its own variables.
 */
#ifndef SUITE_RUNNER_H
#define SUITE_RUNNER_H

#include "scenario.h"
#include "target.h"
#include "vars.h"

typedef enum suite_status {
    SUITE_PASS = 0,
    SUITE_FAIL = 1,
    SUITE_SKIP = 2
} suite_status;

/* "PASS", "FAIL", "SKIP". Static. */
const char *suite_status_name(suite_status s);

/* The result of one scenario. Strings owned; free with suite_outcome_clear(). */
typedef struct suite_outcome {
    const suite_scenario *scenario;  /* borrowed */
    suite_status status;
    double ms;                       /* wall time */
    char *mch;                       /* the merchant it ran in */
    char *message;                   /* skip reason or one-line failure; NULL on pass */
    char *detail;                    /* failure: step, expectation, request, string to
                                        sign, response (multi-line); NULL otherwise */
    char *notes;                     /* fidelity notes: "step: R-ID: what differs" lines,
                                        decisions of ours a foreign target does otherwise
                                        (they do not fail it); NULL when none */
    char *lint;                      /* --lint: the mock linter's findings for the
                                        scenario's merchant, "kind: message" lines; NULL
                                        when none or not asked */
} suite_outcome;

void suite_outcome_clear(suite_outcome *o);

/* Called once per finished scenario, serialised by the runner (under a lock). */
typedef void (*suite_progress_fn)(const suite_outcome *o, size_t done, size_t total,
                                  void *userdata);

typedef struct suite_run_config {
    suite_target *target;        /* required, opened (and probed) */
    const char *agent_id;        /* required */
    const char *key;             /* required */
    const char *mch_id;          /* fixed merchant (live targets); NULL = one per scenario */
    const suite_vars *vars;      /* --var values; may be NULL */
    unsigned jobs;               /* worker threads; 0 or 1 = one */
    const char *run_tag;         /* [A-Za-z0-9]{1,8}, unique per run: merchants, numbers */
    unsigned long long seed;     /* payment codes */
    int interactive;             /* may prompt on the terminal for missing inputs */
    int lint;                    /* after each scenario on a mock, fetch GET /mock/lint */
    suite_progress_fn progress;  /* may be NULL */
    void *progress_userdata;
} suite_run_config;

/*
 * Run `n` scenarios, writing `outcomes[i]` for `items[i]` (the caller
 * provides the array and clears each entry afterwards). Returns 0, or -1
 * when the run could not start (out of memory, no threads); outcomes not
 * reached are then SKIP.
 */
int suite_run(const suite_run_config *cfg, suite_scenario **items, size_t n,
              suite_outcome *outcomes);

/* The merchant id for scenario position `index` of run `tag` into `out`. */
void suite_merchant_id(const char *tag, size_t index, char *out, size_t outlen);

#endif /* SUITE_RUNNER_H */
