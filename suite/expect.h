/*
 * suite/expect.h - expectations on a step's result and captures from it.
 *
 * A result is a "view": a upay_params of the response's fields plus pseudo
 * fields whose names start with '_' (_http_status, _sign, ...). A field path
 * is a name, or a name whose value is a JSON array string (refund_list)
 * followed by a selector:
 *   refund_list.length                 number of items
 *   refund_list[0].refund_id           item 0 (negative counts from the end)
 *   refund_list[*].refund_status       every item (all must match)
 *   refund_list[out_refund_no=R1].refund_status   the first item whose field
 *                                      equals the (templated) value
 *
 *   results[*].#count                  how many items (after [key=value]:
 *                                      how many items match)
 *   results[code=10000].#sum:refund_fee   the sum of the selected items' amounts
 *
 * A matcher is a string (equals), a number (numeric equality), true
 * (present), false or null (absent), or an object combining any of:
 *   equals, not, one_of [..], pattern (POSIX ERE, whole value), contains,
 *   present (bool), absent (bool), eq, ne, lt, le, gt, ge (numbers or
 *   templated strings), length (number of characters), near_now (seconds: a
 *   yyyyMMddHHmmss GMT+8 time within that many seconds of the gateway's
 *   clock, which the runner puts in the variable SUITE_VAR_GATEWAY_NOW).
 */
#ifndef SUITE_EXPECT_H
#define SUITE_EXPECT_H

#include <cjson/cJSON.h>
#include <upay/params.h>

#include "template.h"
#include "util.h"

/* The variable holding the gateway's current time (seconds since the epoch)
 * for the near_now matcher; the runner sets it before a step that uses it. */
#define SUITE_VAR_GATEWAY_NOW "_gateway_now"

/* 1 when `json` (an expect or decide object) uses the near_now matcher. */
int suite_expect_uses_now(const cJSON *json);

/* Check an "expect" object at load time. 0, or -1 with a sentence in `err`. */
int suite_expect_validate(const cJSON *expect, suite_buf *err);

/* Check a field path's syntax. 0, or -1 with a sentence in `err`. */
int suite_path_validate(const char *path, suite_buf *err);

/*
 * Evaluate every expectation of `expect` against `view`, expanding templates
 * in expected values with `env`. Returns 0 when all hold; -1 with the first
 * failure described in `failure` (field, matcher, actual value);
 * SUITE_TPL_MISSING when an expected value needs an input that is missing.
 */
int suite_expect_eval(const cJSON *expect, const upay_params *view, suite_tpl_env *env,
                      suite_buf *failure);

/*
 * The value at `path` in `view` as a new string in `*out` (caller frees), or
 * NULL when absent. A [*] path gives the items' values as a JSON array.
 * Returns 0, or -1 with a sentence in `err` (bad path, OOM).
 */
int suite_view_get(const upay_params *view, const char *path, suite_tpl_env *env,
                   char **out, suite_buf *err);

#endif /* SUITE_EXPECT_H */
