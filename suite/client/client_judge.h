/*
 * suite/client/client_judge.h - the verdict on one run of the integrator's
 * program: its outcome against the truth the mock holds (its orders and
 * refunds), and its traffic (the merchant's journal) against the
 * client-side rules of docs/protocol.md section 11. Each broken rule is
 * named (C-... ids, docs/client-conformance.md) with the exchanges that
 * broke it. A pure function of what it is given: no network.
 */
#ifndef SUITE_CLIENT_JUDGE_H
#define SUITE_CLIENT_JUDGE_H

#include <cjson/cJSON.h>

#include "client_scenario.h"
#include "util.h"

typedef struct suite_judge_input {
    suite_client_action action;
    const char *outcome;        /* the program's outcome (a valid name) */
    unsigned accept;            /* outcomes the scenario accepts beyond the truth's */
    const cJSON *entries;       /* the merchant's journal entries, oldest first */
    long long first_seq;        /* entries with a larger seq are the program's traffic */
    const cJSON *orders;        /* the merchant's orders (GET /mock/orders "orders") */
    const cJSON *ledger;        /* GET /mock/ledger?mch_id= answer, or NULL */
    const char *order_no;       /* refund, cancel: the order the program was given */
} suite_judge_input;

/*
 * Judge. Appends "C-RULE: sentence" lines to `failures` (nothing when the
 * run conforms) and the exchanges concerned to `detail`. Returns the
 * number of broken rules.
 */
int suite_judge(const suite_judge_input *in, suite_buf *failures, suite_buf *detail);

/* The outcomes the truth allows for `action` given the orders (bits). */
unsigned suite_judge_truth(suite_client_action action, const cJSON *orders,
                           const char *order_no, suite_buf *why);

#endif /* SUITE_CLIENT_JUDGE_H */
