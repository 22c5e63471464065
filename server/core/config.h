/*
 * server/core/config.h - agents (agent_id, key, allowed signature types),
 * configured merchants and an optional minimum caller version, from a JSON
 * file or built in. Read once at start; read-only afterwards (no lock).
 *
 * File format (docs/mock.md):
 *   { "agents": [ { "agent_id": "...", "key": "...",
 *                   "sign_types": ["MD5", "HMAC-SHA256"] } ],
 *     "merchants": [ { "mch_id": "...", "agent_id": "...", "key": "..." } ],
 *     "min_version": "1.0",
 *     "dialect": "seed" | "live",
 *     "rules": [ { "fault": "refund_processing=60", "mch_id": "...", ... } ],
 *     "retain": "24h" }
 * (rules: rules.h and docs/edge-cases.md; retain: retain/retention.h)
 */
#ifndef UPAY_MOCK_CONFIG_H
#define UPAY_MOCK_CONFIG_H

#include <stddef.h>

#include "mock.h"
#include "steer/rules.h"

typedef struct mock_agent {
    char agent_id[33];
    char key[129];
    int allow_md5;
    int allow_hmac_sha256;
} mock_agent;

typedef struct mock_config_merchant {
    char mch_id[33];
    char agent_id[33];
    char key[129];            /* the merchant's own key (/v2/); "" = derived (merchant_key.h) */
} mock_config_merchant;

typedef struct mock_config {
    mock_agent *agents;
    size_t n_agents;
    mock_config_merchant *merchants;
    size_t n_merchants;
    char min_version[33];     /* "" = no minimum (VER never answered) */
    int live;                 /* nonzero: "dialect": "live" (docs/mock.md "Dialects") */
    mock_rule *rules;         /* outcome rules added at start and after a full reset */
    size_t n_rules;
    int has_retain;           /* "retain" was given: */
    long long retain;         /* seconds of no exchange before forgetting; 0 = never */
    size_t journal_size;      /* "journal_size": exchanges the journal keeps; 0 = not given */
} mock_config;

/* The built-in agents (no merchants, no minimum). NULL when memory runs out. */
mock_config *mock_config_builtin(void);

/*
 * Parse a JSON config document. Returns NULL with a sentence in `err` when
 * it is not valid (syntax, missing or malformed field, duplicate agent,
 * merchant of an unknown agent).
 */
mock_config *mock_config_parse(const char *json, size_t len, char *err, size_t errlen);

/* Read and parse the file at `path`; NULL with a sentence in `err` on failure. */
mock_config *mock_config_load(const char *path, char *err, size_t errlen);

/* Free the config. NULL is a no-op. */
void mock_config_free(mock_config *config);

/* The agent `agent_id`, or NULL. Borrowed from `config`. */
const mock_agent *mock_config_agent(const mock_config *config, const char *agent_id);

/* The configured merchant `mch_id`, or NULL. Borrowed from `config`. */
const mock_config_merchant *mock_config_find_merchant(const mock_config *config, const char *mch_id);

/*
 * Compare dotted versions numerically ("1.10" > "1.9"); a missing part
 * counts as 0, a non-digit ends the part. <0, 0 or >0 like strcmp.
 */
int mock_version_compare(const char *a, const char *b);

/*
 * Parse a dialect name: "seed" (or NULL) sets *live to 0, "live" to 1.
 * Returns 0, or -1 for anything else (*live untouched).
 */
int mock_config_dialect(const char *name, int *live);

/* Nonzero when `mch_id` has the shape the mock accepts: 1-32 letters or digits. */
int mock_mch_id_valid(const char *mch_id);

#endif /* UPAY_MOCK_CONFIG_H */
