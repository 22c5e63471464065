/*
 * flow_internal.h - what the two flows share: the running flow (client,
 * options, clock), its report under construction, and step recording.
 * Not part of the public API.
 */
#ifndef UPAY_FLOW_INTERNAL_H
#define UPAY_FLOW_INTERNAL_H

#include "upay/flow.h"

typedef struct upay__flow {
    upay_client *client;
    upay_flow_options opts;
    upay_flow_report *report;    /* the report under construction */
    size_t step_cap;
    double started;              /* monotonic seconds at the start (real clock) */
    double slept;                /* seconds slept through a caller's sleep (injected clock) */
    int injected;                /* 1 when opts.sleep came from the caller */
    int nomem;                   /* a step could not be recorded */
} upay__flow;

/*
 * Start a flow: copy the options (NULL = defaults) and allocate the report.
 * Returns UPAY_OK, UPAY_E_NOMEM, or UPAY_E_INVALID_ARG (poll_interval 0).
 */
upay_code upay__flow_begin(upay__flow *f, upay_client *client, const upay_flow_options *opts,
                           upay_error *err);

/* The flow clock: seconds since the start (see upay_flow_options). */
double upay__flow_now(const upay__flow *f);

/* Sleep `seconds` through the options' sleep and record the step (0: nothing). */
void upay__flow_sleep(upay__flow *f, unsigned seconds, const char *note);

/*
 * Record a call step; the report takes `result` (may be NULL). `note` is
 * printf-style. Returns the recorded result (borrowed), or NULL when it was
 * NULL or memory ran out (then f->nomem is set and `result` freed).
 */
#if defined(__GNUC__)
__attribute__((format(printf, 7, 8)))
#endif
const upay_result *upay__flow_call(upay__flow *f, const char *method, unsigned attempt, double at,
                                   upay_code code, upay_result *result, const char *fmt, ...);

/*
 * Finish: set the outcome and elapsed time, hand the report to `*out`.
 * Returns `code`.
 */
upay_code upay__flow_end(upay__flow *f, upay_flow_outcome outcome, const upay_result *final,
                         upay_code code, upay_flow_report **out);

/* Drop a report that is not handed out (arguments were bad before any call). */
void upay__flow_abort(upay__flow *f);

#endif /* UPAY_FLOW_INTERNAL_H */
