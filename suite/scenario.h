/*
 * suite/scenario.h - the scenario model and its loader.
 *
 * A scenario file is JSON (// and / * * / comments allowed) holding one
 * scenario object, an array of them, or {"scenarios": [...]}. The format is
 * documented in docs/scenarios.md. Loading validates everything that can be
 * checked without a target (keys, types, field paths, matchers, templates),
 * so a typo fails at load time with the file and scenario named.
 */
#ifndef SUITE_SCENARIO_H
#define SUITE_SCENARIO_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util.h"

/* What a scenario needs of the target ("requires"). */
enum {
    SUITE_REQ_MOCK = 1u << 0,     /* mock control (GET /mock/health answers) */
    SUITE_REQ_CLOCK = 1u << 1,    /* the merchant's clock can be moved (mock) */
    SUITE_REQ_PERSONA = 1u << 2,  /* mock personas (payment codes forcing outcomes) */
    SUITE_REQ_WALLET = 1u << 3,   /* a real payment code (generated on the mock) */
    SUITE_REQ_PRIVATE = 1u << 4   /* its own embedded mock ("mock" object; implies mock) */
};
#define SUITE_REQ_NEEDS_MOCK (SUITE_REQ_MOCK | SUITE_REQ_CLOCK | SUITE_REQ_PERSONA)

typedef enum suite_step_kind {
    SUITE_STEP_CALL,   /* a signed gateway call: "call": METHOD, "params" */
    SUITE_STEP_RAW,    /* a hand-built request for negative tests: "raw": {...} */
    SUITE_STEP_FLOW,   /* a libupay flow: "flow": "barcode_pay" | "refund" */
    SUITE_STEP_MOCK,   /* mock control: "mock": "reset" | "clock" | "orders" | "restart" */
    SUITE_STEP_SET,    /* define variables: "set": {name: value} */
    SUITE_STEP_PARALLEL, /* "parallel": [call steps]: sent at once, expectations on the set */
    SUITE_STEP_NOTIFY  /* take the next notification: "notify": "success" | "fail" | ... */
} suite_step_kind;

typedef struct suite_step {
    suite_step_kind kind;
    const cJSON *spec;   /* the step object; borrowed from the scenario's json */
    int repeat;          /* >= 1; ${i} counts 0..repeat-1 */
    char *label;         /* "step 2 (call pay)" or its title; owned */
    struct suite_step *sub;   /* SUITE_STEP_PARALLEL: its call steps (owned), else NULL */
    size_t nsub;
} suite_step;

typedef struct suite_scenario {
    char *name;          /* unique in a load; owned */
    char *file;          /* path it came from; owned */
    char *description;   /* may be NULL; owned */
    char **tags;
    size_t ntags;
    char **rules;        /* rule ids "R-AREA-NN"; none allowed (the library names one in
                            every scenario: check_suite_rules.c) */
    size_t nrules;
    unsigned requires;   /* SUITE_REQ_* bits */
    suite_step *steps;
    size_t nsteps;
    size_t index;        /* position in load order */
    const char *dialect; /* "seed" or "live": runs only on a target of that dialect; NULL =
                            any. Borrowed from json */
    int notify;          /* it has a notify step or names ${notify_url}: the runner opens
                            a listener for it (notify.h) */
    const cJSON *mock;   /* "mock" object: run on a private mock (private_mock.h); NULL
                            = the shared target. Borrowed from json */
    cJSON *json;         /* the scenario object; owned */
} suite_scenario;

typedef struct suite_set {
    suite_scenario **items;
    size_t count;
    size_t cap;
} suite_set;

/*
 * Load `path` (a file, or a directory searched recursively for *.json in
 * name order) into `set`. Problems are appended to `errors`, one line each
 * ("file: scenario: problem"); loading goes on past them.
 * Returns the number of problems (0 = clean).
 */
int suite_load_path(suite_set *set, const char *path, suite_buf *errors);

/* Load scenarios from `text` as if read from `file`. Returns problems, as above. */
int suite_load_text(suite_set *set, const char *text, const char *file, suite_buf *errors);

/* Free every scenario and the array; the set is left empty. */
void suite_set_free(suite_set *set);

/* The bits of a requirement name ("mock", "clock", "persona", "wallet"), or 0.
 * SUITE_REQ_PRIVATE has no name: a "mock" object sets it. */
unsigned suite_requirement_bit(const char *name);

/* Requirement bits as "mock,clock" into `out` (empty string for none;
 * SUITE_REQ_PRIVATE shows as "private-mock"). */
void suite_requirements_format(unsigned bits, char *out, size_t outlen);

#endif /* SUITE_SCENARIO_H */
