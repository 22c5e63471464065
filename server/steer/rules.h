/*
 * server/steer/rules.h - outcome rules: "the next refund of merchant M answers
 * NOTSURE then FAIL", "every orderquery of order O is dropped twice". A rule
 * says which calls it matches (method, merchant, order or refund number, one
 * parameter's value), what it does (a fault, fault.h) and how many times
 * (once, N times, always). Rules come from POST /mock/rules, the config file
 * and scenario steps.
 *
 * Matching: the newest rule that matches a call and whose fault fits the
 * call fires (one rule per call); firing uses up one of its times and a
 * used-up rule is removed. Business outcomes that play out later (a refund
 * PROCESSING for T seconds, NOTSURE then FAIL on retry, paid after T) are
 * remembered per order or refund number ("effects") so that the later
 * transitions follow the rule and not the payment code's persona.
 *
 * Thread-safe: one lock inside. Pure otherwise (no store, no HTTP).
 */
#ifndef UPAY_MOCK_RULES_H
#define UPAY_MOCK_RULES_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <upay/params.h>

#include "steer/fault.h"

#define MOCK_RULES_MAX 1024          /* rules kept at once */
#define MOCK_RULES_EFFECTS_MAX 4096  /* remembered effects (oldest forgotten first); the
                                        ring grows as it fills, up to this */
#define MOCK_RULE_ALWAYS (-1LL)      /* `times` of a rule that never runs out */

typedef struct mock_rule {
    unsigned long long id;   /* given by mock_rules_add: 1, 2, ... */
    unsigned calls;          /* MOCK_FAULT_CALL_* matched; 0 = every call the fault fits */
    char mch_id[33];         /* "" = any merchant */
    char out_trade_no[33];   /* "" = any order; else the request's out_trade_no */
    char out_refund_no[33];  /* "" = any refund; else the request's out_refund_no */
    char param_name[33];     /* "" = no parameter condition */
    char param_value[129];   /* the value param_name must have */
    mock_fault fault;
    long long times;         /* times left; MOCK_RULE_ALWAYS never runs out */
    unsigned long long fired;/* times it fired */
    char source[8];          /* "api", "config", "header" */
} mock_rule;

/* What a call looks like to the rules. Strings may be NULL. */
typedef struct mock_rule_subject {
    int call_kind;                /* mock_call_kind */
    const char *mch_id;
    const char *out_trade_no;
    const char *out_refund_no;
    const upay_params *params;    /* every request parameter, or NULL */
} mock_rule_subject;

typedef struct mock_rules mock_rules;

/* An empty rule set. NULL when memory runs out. */
mock_rules *mock_rules_new(void);

/* Free the set. NULL is a no-op. */
void mock_rules_free(mock_rules *r);

/*
 * Read one rule from a JSON object:
 *   {"fault": "refund_processing=30", "method": "refund" | ["pay", "cancel"],
 *    "mch_id": "M1", "out_trade_no": "O1", "out_refund_no": "R1",
 *    "param": {"name": "total_fee", "value": "1"} (or "param": "total_fee=1"),
 *    "times": 1 | N | "always", "applied": false}
 * Only "fault" is required; "times" defaults to 1; "applied": false is the
 * same as ";not_applied" in the fault. Returns 0, or -1 with a sentence in
 * `err` (unknown key, bad value, a method the fault does not fit).
 */
int mock_rule_from_json(const cJSON *obj, mock_rule *out, char *err, size_t errlen);

/* The rule as JSON (id, fault, match fields, times, fired, source). NULL when out of memory. */
cJSON *mock_rule_to_json(const mock_rule *rule);

/*
 * Add a copy of `rule`; its id is assigned and written to `*id` (may be
 * NULL). Returns 0, or -1 when MOCK_RULES_MAX rules exist or memory runs out.
 */
int mock_rules_add(mock_rules *r, const mock_rule *rule, unsigned long long *id);

/* Remove rule `id`. Returns 0, or -1 when there is none. */
int mock_rules_remove(mock_rules *r, unsigned long long id);

/*
 * Remove the rules of merchant `mch_id` (its own, not the any-merchant
 * ones), and its effects too when `effects` is nonzero; NULL removes every
 * rule (and effect). Returns the number of rules removed.
 */
size_t mock_rules_clear(mock_rules *r, const char *mch_id, int effects);

/*
 * The rules, oldest first, as a JSON array: all, or (mch_id not NULL) those
 * that can match that merchant. NULL when out of memory.
 */
cJSON *mock_rules_list(mock_rules *r, const char *mch_id);

/* Number of rules. */
size_t mock_rules_count(mock_rules *r);

/*
 * Find the rule that fires for `subject`: the newest matching one whose
 * fault fits the call. When found, use up one of its times, copy it (as it
 * was when it fired, `fired` counted) into `*out` and return 1; else 0.
 */
int mock_rules_take(mock_rules *r, const mock_rule_subject *subject, mock_rule *out);

/*
 * The rule that would fire for `subject`, without using it up: 1 with a
 * copy in `*out` (as mock_rules_take would give it), else 0. The gateway
 * peeks under ctx->lock, runs the call, and uses the rule
 * (mock_rules_use) only once the call's transaction committed, so a call
 * refused before it ran or rolled back leaves the rule as it was.
 */
int mock_rules_peek(mock_rules *r, const mock_rule_subject *subject, mock_rule *out);

/*
 * Use up one time of rule `id` (removed when none is left). Returns 1, or
 * 0 when the rule is gone (deleted meanwhile: nothing to use up).
 */
int mock_rules_use(mock_rules *r, unsigned long long id);

/* Nonzero when `rule` matches `subject` (conditions and the fault's calls). Pure. */
int mock_rule_matches(const mock_rule *rule, const mock_rule_subject *subject);

/*
 * Effects: remember that `fault` governs the order `number` (is_refund 0,
 * an out_trade_no) or the refund `number` (is_refund 1, an out_refund_no)
 * of merchant `mch_id`. Replaces an earlier effect of the same key. Drops
 * the oldest effect when MOCK_RULES_EFFECTS_MAX are kept.
 */
void mock_rules_effect_set(mock_rules *r, const char *mch_id, const char *number, int is_refund,
                           const mock_fault *fault);

/* The effect of that key into `*out`: 1 when there is one, else 0. Found by a hash. */
int mock_rules_effect_get(mock_rules *r, const char *mch_id, const char *number, int is_refund,
                          mock_fault *out);

/*
 * What the set holds: bytes allocated (rules and the effects' ring), rules
 * and effects kept. Any out-parameter may be NULL.
 */
void mock_rules_usage(mock_rules *r, size_t *bytes, size_t *rules, size_t *effects);

#endif /* UPAY_MOCK_RULES_H */
