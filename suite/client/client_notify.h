/*
 * suite/client/client_notify.h - the client action "notify": the
 * integrator's program as the handler of scan-to-pay notifications. The
 * suite makes a pre-order whose notify_url is a loopback listener of its
 * own, has the customer pay it (with the scenario's fault), and hands each
 * notification the gateway POSTs to the program (UPAY_NOTIFY_BODY), relays
 * the program's answer to the gateway and judges what the program did with
 * it (docs/client-conformance.md, "Notifications").
 */
#ifndef SUITE_CLIENT_NOTIFY_H
#define SUITE_CLIENT_NOTIFY_H

#include <stddef.h>

#include "client_run.h"
#include "util.h"

/* One notification handed to the program, and what the program made of it. */
typedef struct suite_delivery {
    int verified;            /* upay_notify_parse() verified it with the agent's key */
    int paid;                /* ... and it says paid */
    const char *outcome;     /* the program's: PAID, DUPLICATE or REJECTED (borrowed) */
    const char *answer;      /* what the program answered the gateway ("success", ...) */
} suite_delivery;

/*
 * Judge the program's handling of `n` notifications of one paid order, in
 * the order they came. Appends "C-RULE: sentence" lines to `failures`
 * (C-NOTIFY-VERIFY, C-NOTIFY-ONCE, C-NOTIFY-ACK). Returns the number of
 * broken rules. A pure function.
 */
int suite_notify_judge(const suite_delivery *d, size_t n, suite_buf *failures);

/*
 * Run notify scenario `s` (see client_run.h for the arguments): fills `*o`
 * as suite_client_run_one() does.
 */
void suite_client_notify_run(const suite_client_config *cfg, suite_target *t,
                             const suite_client_scenario *s, size_t index, suite_outcome *o);

#endif /* SUITE_CLIENT_NOTIFY_H */
