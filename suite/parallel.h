/*
 * suite/parallel.h - the "parallel" step: its call steps go out at once, one
 * thread and one client handle each, and the answers form one view for
 * expectations on the set (at most one SUCCESS, a sum within the amount
 * paid). Races such as two refunds of one order, or a cancel and a refund,
 * are what it is for. Internal to the runner: runner -> parallel -> step.
 */
#ifndef SUITE_PARALLEL_H
#define SUITE_PARALLEL_H

#include "step.h"

/*
 * Run the parallel step `step` (SUITE_STEP_PARALLEL). Every sub-step's
 * templates are expanded first, in order, on this thread (so ${gen:...}
 * values are shared as in sequential steps); then each call is made on its
 * own thread and client, all released together. `out->view` gets "results",
 * a JSON array with one object per sub-step in order (the answer's fields and
 * its pseudo fields: _code, _http_status, ...). `out` also
 * holds every exchange for the failure report.
 * Returns 0 when every call ran (a refused or failed call is a result, not an
 * error), SUITE_TPL_MISSING when an input is missing, -1 with a sentence in
 * `err` when a call could not be made (threads, memory, templates).
 */
int suite_parallel_exec(suite_ctx *ctx, const suite_step *step, suite_step_result *out,
                        suite_buf *err);

#endif /* SUITE_PARALLEL_H */
