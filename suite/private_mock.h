/*
 * suite/private_mock.h - a dedicated embedded upay-mock for one scenario,
 * for rules that need a mock configured otherwise than the shared one
 * (agents limited to one sign type, strict merchants, a minimum caller
 * version, a state file kept across a restart).
 *
 * The scenario's "mock" object (docs/scenarios.md) says how:
 *   {"strict_merchants": true,
 *    "min_version": "2.0",
 *    "config": { ... the JSON config of upay-mock --config ... },
 *    "state_file": true}
 * String values inside "config" are templates (${mch}, ${agent}, ...).
 * The config is written to a file and the state file put in a temporary
 * directory of their own, removed when the mock is stopped.
 */
#ifndef SUITE_PRIVATE_MOCK_H
#define SUITE_PRIVATE_MOCK_H

#include <cjson/cJSON.h>

#include "target.h"
#include "template.h"

typedef struct suite_private suite_private;

/*
 * Check a scenario's "mock" object at load time. Returns 0, or -1 with a
 * sentence in `err` (unknown key, wrong type, config without agents).
 */
int suite_private_validate(const cJSON *spec, suite_buf *err);

/* 1 when `spec` asks for a state file (so a "restart" step makes sense). */
int suite_private_has_state(const cJSON *spec);

/*
 * Start a private mock for `spec` (validated), speaking `dialect` ("seed" or
 * "live"; NULL = seed). Templates in the config are expanded with `env`.
 * `seed` seeds the mock's ids. Returns the handle, or
 * NULL with a sentence in `err` (template, temporary files, mock start).
 * Free with suite_private_stop().
 */
suite_private *suite_private_start(const cJSON *spec, suite_tpl_env *env, const char *dialect,
                                   unsigned long long seed, suite_buf *err);

/*
 * Stop the mock and start it again with the same options and state file
 * (on a new port: the target's URLs change). Returns 0, or -1 with a
 * sentence in `err`; the target then has no server and calls fail.
 * Close the clients' connections to it first (see suite_embedded_stop()).
 */
int suite_private_restart(suite_private *p, suite_buf *err);

/* Stop the mock, remove its temporary files, free everything. NULL is a no-op. */
void suite_private_stop(suite_private *p);

/* The mock as a target (embedded, mock control). Borrowed from `p`. */
suite_target *suite_private_target(suite_private *p);

/*
 * The agent the scenario calls as (`which` 0) and the second one (`which`
 * 1): the config's first and second agents, or the built-in agents when
 * the config names fewer. Borrowed from `p`.
 */
const char *suite_private_agent(const suite_private *p, int which);
const char *suite_private_key(const suite_private *p, int which);

#endif /* SUITE_PRIVATE_MOCK_H */
